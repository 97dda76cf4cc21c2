#!/usr/bin/env bats
# tls-probe.bats - probe --tls (a certificate-expiry check for scripts)
# and ping --tls (handshake times) against echo-server --tls, with the
# tls event's facts checked against openssl x509 on the same certificate;
# and both, and connect --tls, against hostile TLS servers (tests/tls/hostile-tls): garbage,
# a truncated ServerHello, a close after the ClientHello, silence, and a
# chain of 100 certificates.  Clear errors, the documented exit status,
# nothing hangs.  The certificates are made at test time.
load echo_helpers

setup_file() {
	export CERTS=$BATS_FILE_TMPDIR/certs
	"$BATS_TEST_DIRNAME/tls/make-certs" "$CERTS"
}

# hostile MODE ARG...: tests/tls/hostile-tls MODE in the background; sets
# HPORT once it printed its port.
hostile() {
	local n=${#BG_PIDS[@]} out
	out=$BATS_TEST_TMPDIR/hostile$n.out
	bg "$out" "$BATS_TEST_TMPDIR/hostile$n.err" \
		"$PYTHON" "$TOP/tests/tls/hostile-tls" "$@"
	wait_for "$out" '^[0-9]+' "$BG_PID" || return 1
	HPORT=$(head -n 1 "$out")
}

# tls_server CERT: echo-server --tls on 127.0.0.1 with CERT and leaf.key.
tls_server() {
	start_server -b 127.0.0.1 --tls --cert "$CERTS/$1" \
		--key "$CERTS/leaf.key"
}

@test "probe --tls: a verified port, its certificate line and exit 0" {
	tls_server chain.pem
	run --separate-stderr timeout 20 "$SOCKIT" probe --tls \
		--ca "$CERTS/ca.pem" 127.0.0.1 "$PORT"
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	[ "${lines[0]}" = "('127.0.0.1', $PORT) open ${lines[0]##* open }" ] ||
		fail "${lines[0]}"
	[[ ${lines[1]} =~ ^\ \ tls\ TLSv1\.[23]\ verify\ ok,\ \'CN=localhost\',\ (29|30)\ days\ left$ ]] ||
		fail "${lines[1]}"
	[ -z "$stderr" ] || fail "$stderr"
}

@test "probe --tls --json: the tls event agrees with openssl x509 on the leaf" {
	tls_server chain.pem
	run --separate-stderr timeout 20 "$SOCKIT" probe --tls --json \
		--ca "$CERTS/ca.pem" --sni localhost 127.0.0.1 "$PORT"
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/events"
	run "$PYTHON" - "$BATS_TEST_TMPDIR/events" "$CERTS/leaf.pem" "$PORT" <<'PY'
import json, subprocess, sys, datetime
ev = [json.loads(l) for l in open(sys.argv[1])]
kinds = [e["event"] for e in ev]
assert kinds == ["resolved", "probe", "tls", "exit"], kinds
tls = ev[2]
assert tls["address"]["port"] == int(sys.argv[3]), tls
assert tls["verify"] == "ok" and tls["verify_error"] == "", tls
assert tls["sni"] == "localhost", tls
assert tls["version"].startswith("TLSv1."), tls
assert tls["handshake_ms"] > 0, tls
leaf = tls["chain"][0]
x = lambda *a: subprocess.run(["openssl", "x509", "-in", sys.argv[2],
    "-noout"] + list(a), capture_output=True, text=True,
    check=True).stdout.strip()
fp = x("-fingerprint", "-sha256").split("=", 1)[1].replace(":", "").lower()
assert leaf["sha256"] == fp, (leaf["sha256"], fp)
end = datetime.datetime.strptime(x("-enddate").split("=", 1)[1],
    "%b %d %H:%M:%S %Y GMT")
assert leaf["not_after"] == end.strftime("%Y-%m-%dT%H:%M:%SZ"), leaf
assert leaf["subject"] == "CN=localhost", leaf
assert sorted(leaf["san"]) == sorted(["localhost", "127.0.0.1", "::1"]), leaf
assert leaf["days_left"] in (29, 30), leaf
assert len(tls["chain"]) == 2 and tls["chain"][1]["subject"] == \
    tls["chain"][0]["issuer"], tls["chain"]
assert tls["chain_len"] == 2 and tls["chain_truncated"] is False, tls
assert ev[3]["status"] == 0, ev[3]
PY
	[ "$status" -eq 0 ] || fail "$output"
}

@test "probe --tls: an expired certificate is exit 6 with its facts; --insecure exit 0, still said" {
	tls_server expired.pem
	run --separate-stderr timeout 20 "$SOCKIT" probe --tls --json \
		--ca "$CERTS/ca.pem" 127.0.0.1 "$PORT"
	[ "$status" -eq 6 ] || fail "status $status: $stderr"
	[[ $stderr == "sockit probe: ('127.0.0.1', $PORT): certificate verify failed: certificate has expired" ]] ||
		fail "$stderr"
	[[ $output == *'"event":"tls"'*'"verify":"expired"'*'"not_after":"2020-02-01T00:00:00Z","days_left":-'* ]] ||
		fail "$output"
	[[ $output == *'"event":"exit","status":6'* ]] || fail "$output"
	run --separate-stderr timeout 20 "$SOCKIT" probe --tls --insecure \
		--ca "$CERTS/ca.pem" 127.0.0.1 "$PORT"
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	[[ ${lines[1]} == "  tls TLSv1."?" verify expired, 'CN=localhost', -"*" days left" ]] ||
		fail "${lines[1]}"
	[[ $stderr == *"certificate verify failed: certificate has expired" ]] ||
		fail "$stderr"
}

@test "probe --tls: untrusted, self-signed and a wrong name are exit 6" {
	tls_server chain.pem
	run --separate-stderr timeout 20 "$SOCKIT" probe --tls 127.0.0.1 "$PORT"
	[ "$status" -eq 6 ] || fail "status $status: $stderr"
	[[ $stderr == *"certificate verify failed: "* ]] || fail "$stderr"
	run --separate-stderr timeout 20 "$SOCKIT" probe --tls --json \
		--ca "$CERTS/ca.pem" --sni wrong.example 127.0.0.1 "$PORT"
	[ "$status" -eq 6 ] || fail "status $status: $stderr"
	[[ $output == *'"verify":"hostname_mismatch"'* ]] || fail "$output"
	stop_server
	start_server -b 127.0.0.1 --tls --cert "$CERTS/self.pem" \
		--key "$CERTS/self.key"
	run --separate-stderr timeout 20 "$SOCKIT" probe --tls --json \
		--ca "$CERTS/ca.pem" 127.0.0.1 "$PORT"
	[ "$status" -eq 6 ] || fail "status $status: $stderr"
	[[ $output == *'"verify":"self_signed"'* ]] || fail "$output"
}

@test "probe --tls: a refused port beside a verified one is exit 1; -u with --tls is a usage error" {
	tls_server chain.pem
	run --separate-stderr timeout 20 "$SOCKIT" probe --tls \
		--ca "$CERTS/ca.pem" 127.0.0.1 "$PORT,1"
	[ "$status" -eq 1 ] || fail "status $status: $stderr"
	[[ ${lines[0]} == "('127.0.0.1', 1) refused "* ]] || fail "$output"
	[ "${#lines[@]}" -eq 3 ] || fail "$output"
	run --separate-stderr "$SOCKIT" probe --tls -u 127.0.0.1 53
	[ "$status" -eq 2 ] || fail "status $status"
	[[ $stderr == *"cannot use --tls with -u"* ]] || fail "$stderr"
	run --separate-stderr "$SOCKIT" ping --insecure 127.0.0.1
	[ "$status" -eq 2 ] || fail "status $status"
	[[ $stderr == *"--insecure needs --tls"* ]] || fail "$stderr"
}

@test "ping --tls: tls_ms on every line and event, the handshakes summed up" {
	tls_server chain.pem
	run --separate-stderr timeout 20 "$SOCKIT" ping -c 3 -i 0 --tls \
		--ca "$CERTS/ca.pem" 127.0.0.1 "$PORT"
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	[[ ${lines[0]} =~ ^connected\ to\ \(\'127\.0\.0\.1\',\ $PORT\):\ seq=1\ time=[0-9.]+\ ms\ tls=[0-9.]+\ ms$ ]] ||
		fail "${lines[0]}"
	[[ ${lines[4]} =~ ^\(\'127\.0\.0\.1\',\ $PORT\):\ 3\ TLS\ handshakes,\ 3\ ok,\ min/avg/max/mdev\ =\ [0-9./]+\ ms, ]] ||
		fail "${lines[4]}"
	run --separate-stderr timeout 20 "$SOCKIT" ping -c 3 -i 0 --tls \
		--json --ca "$CERTS/ca.pem" 127.0.0.1 "$PORT"
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	printf '%s\n' "$output" | "$PYTHON" -c '
import json, sys
ev = [json.loads(l) for l in sys.stdin]
pings = [e for e in ev if e["event"] == "ping"]
assert len(pings) == 3, ev
tms = sorted(p["tls_ms"] for p in pings)
assert all(t > 0 for t in tms) and all(p["tls_verify"] == "ok" for p in pings)
s = [e for e in ev if e["event"] == "summary"][0]
assert s["tls_handshakes"] == 3 and s["tls_ok"] == 3, s
assert s["tls_min_ms"] == tms[0] and s["tls_max_ms"] == tms[-1], s
' || fail "$output"
}

@test "ping --tls: a certificate that does not verify is exit 6, said once; --insecure exit 0" {
	tls_server chain.pem
	run --separate-stderr timeout 20 "$SOCKIT" ping -c 2 -i 0 --tls \
		127.0.0.1 "$PORT"
	[ "$status" -eq 6 ] || fail "status $status: $stderr"
	[[ ${lines[0]} == *" tls failed: certificate verify failed: "* ]] ||
		fail "${lines[0]}"
	[ "$(grep -c 'certificate verify failed' <<<"$stderr")" -eq 1 ] ||
		fail "$stderr"
	run --separate-stderr timeout 20 "$SOCKIT" ping -c 2 -i 0 --tls \
		--insecure 127.0.0.1 "$PORT"
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	[[ ${lines[0]} == *" tls="*" ms verify self_signed" ]] || fail "${lines[0]}"
}

@test "hostile TLS servers: garbage, a truncated ServerHello, a close: exit 6, said clearly" {
	local mode want
	for mode in garbage truncated close; do
		hostile "$mode"
		case $mode in
		garbage) want="TLS handshake: wrong version number" ;;
		*) want="TLS handshake: the peer closed the connection in the handshake" ;;
		esac
		run --separate-stderr timeout 20 "$SOCKIT" probe --tls -w 5 \
			127.0.0.1 "$HPORT"
		[ "$status" -eq 6 ] || fail "probe $mode: status $status: $stderr"
		[ "$stderr" = "sockit probe: ('127.0.0.1', $HPORT): $want" ] ||
			fail "probe $mode: $stderr"
		[ "${lines[1]}" = "  tls failed: $want" ] ||
			fail "probe $mode: $output"
		run --separate-stderr timeout 20 "$SOCKIT" ping -c 2 -i 0 -w 5 \
			--tls 127.0.0.1 "$HPORT"
		[ "$status" -eq 6 ] || fail "ping $mode: status $status: $stderr"
		[[ ${lines[0]} == *" tls failed: $want" ]] ||
			fail "ping $mode: $output"
	done
}

@test "hostile TLS servers and connect --tls: exit 6 said once; silence ends at -w with exit 4" {
	local mode want
	for mode in garbage truncated close silent; do
		hostile "$mode"
		case $mode in
		garbage) want="handshake: wrong version number" ;;
		silent) want="timed out" ;;
		*) want="the peer closed the connection in the handshake" ;;
		esac
		run --separate-stderr timeout 20 "$SOCKIT" connect --tls -w 2 \
			127.0.0.1 "$HPORT" </dev/null
		if [ "$mode" = silent ]; then
			[ "$status" -eq 4 ] || fail "$mode: status $status: $stderr"
		else
			[ "$status" -eq 6 ] || fail "$mode: status $status: $stderr"
		fi
		[ "$stderr" = "sockit connect: ('127.0.0.1', $HPORT): $want" ] ||
			fail "$mode: $stderr"
		[ -z "$output" ] || fail "$mode: stdout: $output"
	done
}

@test "hostile TLS server: silence ends at -w with exit 4" {
	hostile silent
	run --separate-stderr timeout 20 "$SOCKIT" probe --tls -w 1 \
		127.0.0.1 "$HPORT"
	[ "$status" -eq 4 ] || fail "status $status: $stderr"
	[ "$stderr" = "sockit probe: ('127.0.0.1', $HPORT): TLS handshake: timed out" ] ||
		fail "$stderr"
	run --separate-stderr timeout 20 "$SOCKIT" ping -c 2 -i 0 -w 1 --tls \
		--json 127.0.0.1 "$HPORT"
	[ "$status" -eq 4 ] || fail "status $status: $stderr"
	[[ $output == *'"tls_ms":null,"tls_error":"TLS handshake: timed out"'* ]] ||
		fail "$output"
	[[ $output == *'"event":"exit","status":4,"reason":"no TLS handshake finished"'* ]] ||
		fail "$output"
}

@test "hostile TLS server: a chain of 100 certificates verifies as openssl says, reported leaf first, capped and marked" {
	"$PYTHON" "$TOP/tests/tls/hostile-tls" chain "$BATS_TEST_TMPDIR" 100 \
		"$CERTS/ca.key" "$CERTS/ca.pem"
	[ "$(grep -c 'BEGIN CERTIFICATE' "$BATS_TEST_TMPDIR/long.pem")" -eq 100 ]
	hostile serve "$BATS_TEST_TMPDIR/long.pem" "$BATS_TEST_TMPDIR/long.key"
	# The server closes without close_notify: s_client's status says
	# that; its verification is the oracle.
	run timeout 20 openssl s_client -brief -connect "127.0.0.1:$HPORT" \
		-CAfile "$CERTS/ca.pem" -verify_return_error </dev/null
	[[ $output == *"Verification: OK"* ]] || fail "openssl s_client: $output"
	run --separate-stderr timeout 20 "$SOCKIT" probe --tls --json -w 10 \
		--ca "$CERTS/ca.pem" localhost "$HPORT"
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	printf '%s\n' "$output" | "$PYTHON" -c '
import json, sys
tls = [json.loads(l) for l in sys.stdin if "\"tls\"" in l][0]
c = tls["chain"]
assert tls["verify"] == "ok", tls
assert c[0]["subject"] == "CN=localhost", c[0]
assert c[0]["issuer"] == "CN=intermediate 1", c[0]
assert all(c[i]["issuer"] == c[i + 1]["subject"] for i in range(len(c) - 1))
assert len(c) == 32, len(c)
assert tls["chain_len"] == 100 and tls["chain_truncated"] is True, tls
' || fail "$output"
	run --separate-stderr timeout 20 "$SOCKIT" ping -c 1 -w 10 --tls \
		--ca "$CERTS/ca.pem" localhost "$HPORT"
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
}
