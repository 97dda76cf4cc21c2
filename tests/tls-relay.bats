#!/usr/bin/env bats
# tls-relay.bats - TLS on the relay's commands: connect --tls verified
# (each failure class exit 6, --insecure said and gone on), SNI and ALPN
# seen by Python's ssl module, 1 MiB byte-exact, the half-close over TLS
# 1.3 with the late reply, listen --tls with client certificates against
# openssl s_client and to socat OPENSSL, forward terminating TLS (openssl
# s_client in front of a plain server) and originating it (a plain client
# to openssl s_server), echo-client --tls (--stdin, --count, --size)
# against echo-server and Python's ssl module, and the tls event's
# chain checked against openssl x509.  Certificates from make-certs.
load netcat_helpers

setup_file() {
	export CERTS=$BATS_FILE_TMPDIR/certs
	"$BATS_TEST_DIRNAME/tls/make-certs" "$CERTS"
}

# tls_server CERT KEY: echo-server --tls on 127.0.0.1; PORT, SRV_PID.
tls_server() {
	start_server -b 127.0.0.1 --tls --cert "$1" --key "$2"
}

# tls_peer NAME MODE [ALPN]: tests/peers/tls_peer.py's server with the
# CA's leaf; PEER_PID, PEER_PORT, PEER_OUT.
tls_peer() {
	local pf=$BATS_TEST_TMPDIR/$1.port
	PEER_OUT=$BATS_TEST_TMPDIR/$1.out
	bg "$PEER_OUT" "$BATS_TEST_TMPDIR/$1.err" "$PYTHON" \
		"$PEERS/tls_peer.py" server "$pf" "$CERTS/chain.pem" \
		"$CERTS/leaf.key" "$2" "${3:-}"
	PEER_PID=$BG_PID
	wait_for "$pf" '^[0-9]+$' "$PEER_PID" || return 1
	PEER_PORT=$(cat "$pf")
}

# s_server NAME ARG...: openssl s_server on a free port of 127.0.0.1,
# one client; SS_PID, SS_PORT, SS_OUT.
s_server() {
	SS_OUT=$BATS_TEST_TMPDIR/$1.out
	bg "$SS_OUT" "$BATS_TEST_TMPDIR/$1.err" timeout 30 openssl s_server \
		-accept 127.0.0.1:0 -naccept 1 "${@:2}"
	SS_PID=$BG_PID
	wait_for "$SS_OUT" '^ACCEPT ' "$SS_PID" || return 1
	SS_PORT=$(sed -n 's/^ACCEPT .*:\([0-9]*\)$/\1/p' "$SS_OUT" | head -n 1)
}

# run_out IN OUT COMMAND...: COMMAND with stdin IN and stdout OUT,
# bounded by 30 s; sets status and stderr.
run_out() {
	local in=$1 out=$2 err=$BATS_TEST_TMPDIR/run_out.err
	shift 2
	timeout 30 "$@" <"$in" >"$out" 2>"$err" && status=0 || status=$?
	stderr=$(cat "$err")
}

# connect_tls IN ARG...: sockit connect --tls ARG... with stdin IN,
# bounded by 30 s; bats run, stderr apart.
connect_tls() {
	local in=$1
	shift
	run --separate-stderr timeout 30 "$SOCKIT" connect --tls "$@" <"$in"
}

@test "connect --tls: verified against --ca, the echo back, exit 0" {
	tls_server "$CERTS/chain.pem" "$CERTS/leaf.key"
	printf 'hello over tls\n' >"$BATS_TEST_TMPDIR/in"
	connect_tls "$BATS_TEST_TMPDIR/in" --ca "$CERTS/ca.pem" localhost "$PORT"
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	[ "$output" = "hello over tls" ] || fail "$output"
	connect_tls "$BATS_TEST_TMPDIR/in" --ca "$CERTS/ca.pem" 127.0.0.1 "$PORT"
	[ "$status" -eq 0 ] || fail "by address: status $status: $stderr"
	[ "$output" = "hello over tls" ] || fail "$output"
}

@test "connect --tls: each verification failure is exit 6 with its reason; --insecure says it and goes on" {
	local cert class reason
	printf 'x\n' >"$BATS_TEST_TMPDIR/in"
	for cert in expired:expired:'certificate has expired' \
		self:self_signed:'self-signed certificate' \
		leaf:untrusted:'unable to get local issuer certificate'; do
		IFS=: read -r name class reason <<<"$cert"
		key=leaf.key
		[ "$name" = self ] && key=self.key
		tls_server "$CERTS/$name.pem" "$CERTS/$key"
		# The system store knows no test CA: untrusted without --ca.
		ca=(--ca "$CERTS/ca.pem")
		[ "$class" = untrusted ] && ca=()
		connect_tls "$BATS_TEST_TMPDIR/in" "${ca[@]}" localhost "$PORT"
		[ "$status" -eq 6 ] || fail "$name: status $status: $stderr"
		[[ $stderr == "sockit connect: ('127.0.0.1', $PORT): certificate verify failed: $reason"* ]] ||
			fail "$name: $stderr"
		[ -z "$output" ] || fail "$name: data: $output"
		connect_tls "$BATS_TEST_TMPDIR/in" --insecure --json "${ca[@]}" \
			localhost "$PORT"
		[ "$status" -eq 0 ] || fail "$name --insecure: $status: $stderr"
		[[ $stderr == *"certificate verify failed: $reason"*"--insecure: going on"* ]] ||
			fail "$name --insecure: $stderr"
		grep -q "\"event\":\"tls\".*\"verify\":\"$class\"" <<<"$output" ||
			fail "$name --insecure: $output"
		grep -q '"event":"data".*"data":"x\\n"' <<<"$output" ||
			fail "$name --insecure: no echo: $output"
	done
	tls_server "$CERTS/chain.pem" "$CERTS/leaf.key"
	connect_tls "$BATS_TEST_TMPDIR/in" --ca "$CERTS/ca.pem" \
		--sni www.example.com 127.0.0.1 "$PORT"
	[ "$status" -eq 6 ] || fail "mismatch: status $status: $stderr"
	[[ $stderr == *"certificate verify failed: hostname mismatch"* ]] ||
		fail "$stderr"
}

@test "connect --tls: openssl s_server's self-signed certificate, exit 6; trusted with --ca it" {
	s_server ss -cert "$CERTS/self.pem" -key "$CERTS/self.key" -rev
	printf 'x\n' >"$BATS_TEST_TMPDIR/in"
	connect_tls "$BATS_TEST_TMPDIR/in" localhost "$SS_PORT"
	[ "$status" -eq 6 ] || fail "status $status: $stderr"
	[[ $stderr == *"certificate verify failed: self-signed certificate"* ]] ||
		fail "$stderr"
	s_server ss2 -cert "$CERTS/self.pem" -key "$CERTS/self.key" -rev
	printf 'sockit\n' >"$BATS_TEST_TMPDIR/in"
	# s_server -rev answers each line reversed and closes after one.
	connect_tls "$BATS_TEST_TMPDIR/in" --ca "$CERTS/self.pem" localhost \
		"$SS_PORT"
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	[[ $output == *tikcos* ]] || fail "$output"
}

@test "connect --tls: SNI and ALPN reach Python's ssl server; 1 MiB byte-exact both ways" {
	tls_peer info info h2,http/1.1
	head -c $((1 << 20)) /dev/urandom >"$BATS_TEST_TMPDIR/in"
	run_out "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out" "$SOCKIT" \
		connect --tls --ca "$CERTS/ca.pem" --sni localhost \
		--alpn http/1.1 -v 127.0.0.1 "$PEER_PORT"
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out" || fail "differs"
	wait_exit "$PEER_PID"
	[ "$(head -n 1 "$PEER_OUT")" = "sni=localhost alpn=http/1.1" ] ||
		fail "$(cat "$PEER_OUT")"
	[[ $stderr == *"TLSv1.3"*"ALPN http/1.1"* ]] || fail "$stderr"
}

@test "connect --tls: stdin's end sends close_notify, the late reply still arrives (TLS 1.3 half-close)" {
	tls_peer late late
	printf 'request\n' >"$BATS_TEST_TMPDIR/in"
	connect_tls "$BATS_TEST_TMPDIR/in" --ca "$CERTS/ca.pem" --json \
		localhost "$PEER_PORT"
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	grep -q '"event":"data".*"data":"late reply\\n"' <<<"$output" ||
		fail "$output"
	grep -q '"event":"closed".*"how":"fin"' <<<"$output" || fail "$output"
	wait_exit "$PEER_PID"
	[ "$(cat "$PEER_OUT")" = "read 8 bytes to close_notify" ] ||
		fail "$(cat "$PEER_OUT")"
}

@test "connect --tls --json: the tls event's chain is what openssl x509 says" {
	tls_server "$CERTS/chain.pem" "$CERTS/leaf.key"
	printf 'x\n' >"$BATS_TEST_TMPDIR/in"
	connect_tls "$BATS_TEST_TMPDIR/in" --ca "$CERTS/ca.pem" --json \
		localhost "$PORT"
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	leaf=$(openssl x509 -in "$CERTS/leaf.pem" -noout -fingerprint -sha256 |
		sed 's/.*=//; s/://g' | tr 'A-F' 'a-f')
	ca=$(openssl x509 -in "$CERTS/ca.pem" -noout -fingerprint -sha256 |
		sed 's/.*=//; s/://g' | tr 'A-F' 'a-f')
	end=$(openssl x509 -in "$CERTS/leaf.pem" -noout -enddate | sed 's/.*=//')
	end=$(date -u -d "$end" +%Y-%m-%dT%H:%M:%SZ)
	grep '"event":"tls"' <<<"$output" | "$PYTHON" -c '
import json, sys
e = json.loads(sys.stdin.readline())
leaf, ca, end = sys.argv[1:]
assert e["version"] == "TLSv1.3" and e["verify"] == "ok", e
assert e["sni"] == "localhost" and e["verify_error"] == "", e
c = e["chain"]
assert [x["sha256"] for x in c] == [leaf, ca], c
assert c[0]["subject"] == "CN=localhost", c[0]
assert c[0]["issuer"] == "CN=sockit test CA,O=sockit tests", c[0]
assert c[0]["san"] == ["localhost", "127.0.0.1", "::1"], c[0]
assert c[0]["not_after"] == end and 28 <= c[0]["days_left"] <= 30, c[0]
' "$leaf" "$ca" "$end" || fail "$output"
}

@test "listen --tls --ca: a client certificate is required (openssl s_client), and one given is taken (socat)" {
	BG_IN=$BATS_TEST_TMPDIR/reply
	printf 'from listen\n' >"$BG_IN"
	start_listen --tls --cert "$CERTS/chain.pem" --key "$CERTS/leaf.key" \
		--ca "$CERTS/ca.pem"
	run timeout 20 openssl s_client -connect "127.0.0.1:$L_PORT" \
		-CAfile "$CERTS/ca.pem" -verify_return_error -quiet </dev/null
	wait_exit "$L_PID"
	[ "$STATUS" -eq 6 ] || fail "status $STATUS: $(cat "$L_ERR")"
	grep -q 'peer did not return a certificate' "$L_ERR" ||
		fail "$(cat "$L_ERR")"
	start_listen --tls --cert "$CERTS/chain.pem" --key "$CERTS/leaf.key" \
		--ca "$CERTS/ca.pem" --json
	printf 'from client\n' >"$BATS_TEST_TMPDIR/in"
	# socat, not s_client: s_client may read our close_notify and quit
	# before it has sent its stdin.  socat sends it all, then waits (-t)
	# for our side's end.
	run timeout 20 socat -t 10 - "OPENSSL:127.0.0.1:$L_PORT,cafile=$CERTS/ca.pem,verify=1,cert=$CERTS/client.pem,key=$CERTS/client.key,commonname=localhost" \
		<"$BATS_TEST_TMPDIR/in"
	[[ $output == *"from listen"* ]] || fail "$output"
	wait_exit "$L_PID"
	[ "$STATUS" -eq 0 ] || fail "status $STATUS: $(cat "$L_ERR")"
	grep -q '"event":"tls".*"subject":"CN=client"' "$L_OUT" ||
		fail "$(cat "$L_OUT")"
	grep -q '"data":"from client\\n"' "$L_OUT" || fail "$(cat "$L_OUT")"
}

@test "listen --tls: socat OPENSSL verifies it and receives 1 MiB, byte for byte" {
	head -c $((1 << 20)) /dev/urandom >"$BATS_TEST_TMPDIR/in"
	BG_IN=$BATS_TEST_TMPDIR/in
	start_listen --tls --cert "$CERTS/chain.pem" --key "$CERTS/leaf.key"
	# socat reads to our close_notify, then ends its side.
	timeout 30 socat -u \
		"OPENSSL:localhost:$L_PORT,cafile=$CERTS/ca.pem,verify=1" \
		STDOUT >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/socat.err" ||
		fail "socat: $(cat "$BATS_TEST_TMPDIR/socat.err")"
	cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out" || fail "differs"
	wait_exit "$L_PID"
	[ "$STATUS" -eq 0 ] || fail "status $STATUS: $(cat "$L_ERR")"
}

@test "forward --tls: openssl s_client and Python's ssl module through it to a plain server" {
	start_server -b 127.0.0.1
	local plain=$PORT
	start_forward() {
		local n=${#BG_PIDS[@]}
		FWD_ERR=$BATS_TEST_TMPDIR/fwd$n.err
		bg "$BATS_TEST_TMPDIR/fwd$n.out" "$FWD_ERR" "$SOCKIT" forward \
			-b 127.0.0.1 -p 0 "$@"
		FWD_PID=$BG_PID
		wait_for "$FWD_ERR" '^Listening on ' "$FWD_PID" || return 1
		FPORT=$(sed -n "s/^Listening on ('[^']*', \([0-9]*\).*/\1/p" \
			"$FWD_ERR" | head -n 1)
	}
	start_forward --tls --cert "$CERTS/chain.pem" --key "$CERTS/leaf.key" \
		-v 127.0.0.1 "$plain"
	run timeout 30 "$PYTHON" "$PEERS/tls_peer.py" client "$FPORT" \
		"$CERTS/ca.pem" localhost
	[ "$status" -eq 0 ] || fail "status $status: $output"
	[ "$output" = "ok 1048576" ] || fail "$output"
	printf 'through s_client\n' |
		timeout 20 openssl s_client -connect "127.0.0.1:$FPORT" \
			-CAfile "$CERTS/ca.pem" -verify_return_error -quiet \
			-servername localhost -no_ign_eof \
			>"$BATS_TEST_TMPDIR/s.out" 2>"$BATS_TEST_TMPDIR/s.err" || true
	# The echo may be cut by s_client's own end: the forwarder says
	# what the client sent.
	wait_for "$FWD_ERR" 'Closed .* 17 bytes in' "$FWD_PID"
	grep -q 'TLS with .*TLSv1.3' "$FWD_ERR" || fail "$(cat "$FWD_ERR")"
}

@test "forward --tls: a client resumes its session with the ticket it was given" {
	start_server -b 127.0.0.1
	bg "$BATS_TEST_TMPDIR/fwd.out" "$BATS_TEST_TMPDIR/fwd.err" "$SOCKIT" \
		forward -b 127.0.0.1 -p 0 --tls --cert "$CERTS/chain.pem" \
		--key "$CERTS/leaf.key" 127.0.0.1 "$PORT"
	local fpid=$BG_PID
	wait_for "$BATS_TEST_TMPDIR/fwd.err" '^Listening on ' "$fpid"
	local fport
	fport=$(sed -n "s/^Listening on ('[^']*', \([0-9]*\).*/\1/p" \
		"$BATS_TEST_TMPDIR/fwd.err" | head -n 1)
	run timeout 20 "$PYTHON" - "$fport" "$CERTS/ca.pem" <<'PY'
import socket, ssl, sys
ctx = ssl.create_default_context(cafile=sys.argv[2])
sess = None
for i in range(2):
    with socket.create_connection(("127.0.0.1", int(sys.argv[1]))) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost",
                             session=sess) as s:
            s.sendall(b"ping")
            got = b""
            while len(got) < 4:
                chunk = s.recv(4)
                if not chunk:
                    break
                got += chunk
            print(i, s.version(), got.decode(), s.session_reused)
            sess = s.session
PY
	[ "$status" -eq 0 ] || fail "status $status: $output"
	[ "${lines[0]}" = "0 TLSv1.3 ping False" ] || fail "$output"
	[ "${lines[1]}" = "1 TLSv1.3 ping True" ] || fail "$output"
}

@test "forward --tls -w: a client that never starts its handshake is dropped; others are served" {
	start_server -b 127.0.0.1
	bg "$BATS_TEST_TMPDIR/f.out" "$BATS_TEST_TMPDIR/f.err" "$SOCKIT" \
		forward -b 127.0.0.1 -p 0 --tls --cert "$CERTS/chain.pem" \
		--key "$CERTS/leaf.key" -w 3 --json 127.0.0.1 "$PORT"
	local fpid=$BG_PID
	wait_for "$BATS_TEST_TMPDIR/f.out" '"event":"listening"' "$fpid"
	fport=$(sed -n 's/.*"event":"listening".*"port":\([0-9]*\).*/\1/p' \
		"$BATS_TEST_TMPDIR/f.out" | head -n 1)
	# Connects, sends nothing, and says how the forwarder ended it.
	bg "$BATS_TEST_TMPDIR/silent.out" "$BATS_TEST_TMPDIR/silent.err" \
		"$PYTHON" -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
print("connected", flush=True)
s.settimeout(20)
try:
    print("eof" if s.recv(1) == b"" else "data", flush=True)
except ConnectionResetError:
    print("reset", flush=True)
except socket.timeout:
    print("still open", flush=True)
' "$fport"
	local spid=$BG_PID
	wait_for "$BATS_TEST_TMPDIR/silent.out" '^connected' "$spid"
	run timeout 30 "$PYTHON" "$PEERS/tls_peer.py" client "$fport" \
		"$CERTS/ca.pem" localhost
	[ "$status" -eq 0 ] || fail "beside it: status $status: $output"
	[ "$output" = "ok 1048576" ] || fail "$output"
	wait_for "$BATS_TEST_TMPDIR/silent.out" '^(eof|reset|data|still)' "$spid"
	grep -Eq '^(eof|reset)$' "$BATS_TEST_TMPDIR/silent.out" ||
		fail "$(cat "$BATS_TEST_TMPDIR/silent.out")"
	wait_for "$BATS_TEST_TMPDIR/f.out" '"event":"closed".*"how":"timeout"' "$fpid"
	run timeout 30 "$PYTHON" "$PEERS/tls_peer.py" client "$fport" \
		"$CERTS/ca.pem" localhost
	[ "$status" -eq 0 ] || fail "after it: status $status: $output"
	[ "$output" = "ok 1048576" ] || fail "$output"
}

@test "forward --to-tls: a plain client through it to openssl s_server; a failed verification resets the client" {
	s_server ss -cert "$CERTS/chain.pem" -key "$CERTS/leaf.key" -rev
	bg "$BATS_TEST_TMPDIR/f.out" "$BATS_TEST_TMPDIR/f.err" "$SOCKIT" \
		forward -b 127.0.0.1 -p 0 --to-tls --ca "$CERTS/ca.pem" --json \
		localhost "$SS_PORT"
	local fpid=$BG_PID
	wait_for "$BATS_TEST_TMPDIR/f.out" '"event":"listening"' "$fpid"
	fport=$(sed -n 's/.*"event":"listening".*"port":\([0-9]*\).*/\1/p' \
		"$BATS_TEST_TMPDIR/f.out" | head -n 1)
	run timeout 20 "$SOCKIT" connect 127.0.0.1 "$fport" <<<"sockit"
	[ "$status" -eq 0 ] || fail "status $status: $output"
	[[ $output == *tikcos* ]] || fail "$output"
	wait_for "$BATS_TEST_TMPDIR/f.out" '"event":"tls".*"endpoint":"upstream".*"verify":"ok"' "$fpid"
	# Upstream's certificate for a name it does not have: the client
	# is reset, the reason on stderr.
	s_server ss2 -cert "$CERTS/chain.pem" -key "$CERTS/leaf.key" -rev
	bg "$BATS_TEST_TMPDIR/g.out" "$BATS_TEST_TMPDIR/g.err" "$SOCKIT" \
		forward -b 127.0.0.1 -p 0 --to-tls --ca "$CERTS/ca.pem" \
		--sni www.example.com 127.0.0.1 "$SS_PORT"
	local gpid=$BG_PID
	wait_for "$BATS_TEST_TMPDIR/g.err" '^Listening on ' "$gpid"
	gport=$(sed -n "s/^Listening on ('[^']*', \([0-9]*\).*/\1/p" \
		"$BATS_TEST_TMPDIR/g.err" | head -n 1)
	run --separate-stderr timeout 20 "$SOCKIT" connect 127.0.0.1 "$gport" \
		<<<"sockit"
	[ "$status" -eq 1 ] || fail "status $status: $output"
	[ -z "$output" ] || fail "$output"
	[[ $stderr == *"Connection reset by peer"* ]] || fail "$stderr"
	wait_for "$BATS_TEST_TMPDIR/g.err" 'upstream: certificate verify failed: hostname mismatch' "$gpid"
}

@test "forward --tls --to-tls --client-ca: both sides TLS, the client's certificate required" {
	tls_server "$CERTS/chain.pem" "$CERTS/leaf.key"
	bg "$BATS_TEST_TMPDIR/f.out" "$BATS_TEST_TMPDIR/f.err" "$SOCKIT" \
		forward -b 127.0.0.1 -p 0 --tls --cert "$CERTS/chain.pem" \
		--key "$CERTS/leaf.key" --client-ca "$CERTS/ca.pem" --to-tls \
		--ca "$CERTS/ca.pem" localhost "$PORT"
	local fpid=$BG_PID
	wait_for "$BATS_TEST_TMPDIR/f.err" '^Listening on ' "$fpid"
	fport=$(sed -n "s/^Listening on ('[^']*', \([0-9]*\).*/\1/p" \
		"$BATS_TEST_TMPDIR/f.err" | head -n 1)
	head -c $((1 << 20)) /dev/urandom >"$BATS_TEST_TMPDIR/in"
	run_out "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out" "$SOCKIT" \
		connect --tls --ca "$CERTS/ca.pem" --cert "$CERTS/client.pem" \
		--key "$CERTS/client.key" localhost "$fport"
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out" || fail "differs"
	printf 'x\n' >"$BATS_TEST_TMPDIR/in"
	connect_tls "$BATS_TEST_TMPDIR/in" --ca "$CERTS/ca.pem" localhost \
		"$fport"
	[ "$status" -eq 6 ] || fail "no certificate: status $status: $stderr"
	[[ $stderr == *"certificate required"* ]] || fail "$stderr"
}

@test "echo-client --stdin --tls: verified, byte for byte; a failure is exit 6" {
	tls_server "$CERTS/chain.pem" "$CERTS/leaf.key"
	head -c $((1 << 20)) /dev/urandom >"$BATS_TEST_TMPDIR/in"
	run_out "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out" "$SOCKIT" \
		echo-client --stdin --tls --ca "$CERTS/ca.pem" localhost "$PORT"
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out" || fail "differs"
	run --separate-stderr timeout 30 "$SOCKIT" echo-client --stdin --tls \
		localhost "$PORT" </dev/null
	[ "$status" -eq 6 ] || fail "status $status: $stderr"
	[[ $stderr == *"certificate verify failed"* ]] || fail "$stderr"
}

@test "echo-client --tls: the message, --count and --size against echo-server --tls and Python's ssl server; a failure is exit 6" {
	tls_server "$CERTS/chain.pem" "$CERTS/leaf.key"
	run --separate-stderr timeout 30 "$SOCKIT" echo-client --tls \
		--ca "$CERTS/ca.pem" localhost "$PORT"
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	[ "$output" = "Received b'Hello, world'" ] || fail "$output"
	run --separate-stderr timeout 30 "$SOCKIT" echo-client --tls \
		--ca "$CERTS/ca.pem" --count 3 --interval 0 --size 300000 \
		--json localhost "$PORT"
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	[[ ${lines[0]} == '{"event":"tls",'*'"verify":"ok"'* ]] ||
		fail "${lines[0]}"
	[ "$(grep -c '^{"event":"rtt","seq":[123],"bytes":300000,' \
		<<<"$output")" -eq 3 ] || fail "$output"
	[[ ${lines[4]} == '{"event":"summary",'*'"count":3,'* ]] ||
		fail "${lines[4]}"
	tls_peer py info
	run --separate-stderr timeout 30 "$SOCKIT" echo-client --tls \
		--ca "$CERTS/ca.pem" --count 2 --interval 0 --size 200000 \
		localhost "$PEER_PORT"
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	[[ ${lines[0]} == "200000 bytes from ('127.0.0.1', $PEER_PORT): seq=1 "* ]] ||
		fail "$output"
	[[ ${lines[2]} == "2 round trips to "* ]] || fail "$output"
	grep -qx 'sni=localhost alpn=None' "$PEER_OUT" || fail "$(cat "$PEER_OUT")"
	run --separate-stderr timeout 30 "$SOCKIT" echo-client --tls \
		--count 2 localhost "$PORT"
	[ "$status" -eq 6 ] || fail "status $status: $stderr"
	[ -z "$output" ] || fail "$output"
	[[ $stderr == *"): certificate verify failed: "* ]] || fail "$stderr"
}

@test "tls relay options: usage errors exit 2 before anything is opened" {
	run --separate-stderr "$SOCKIT" connect -u --tls 127.0.0.1 9
	[ "$status" -eq 2 ] || fail "$stderr"
	[[ $stderr == *"cannot use --tls with -u"* ]] || fail "$stderr"
	run --separate-stderr "$SOCKIT" listen -p 0 --tls
	[ "$status" -eq 2 ] || fail "$stderr"
	[[ $stderr == *"a TLS server needs --cert and --key"* ]] || fail "$stderr"
	run --separate-stderr "$SOCKIT" forward -p 0 --client-ca x 127.0.0.1 9
	[ "$status" -eq 2 ] || fail "$stderr"
	[[ $stderr == *"--client-ca needs --tls"* ]] || fail "$stderr"
	run --separate-stderr "$SOCKIT" forward -p 0 --tls --cert x --key y \
		--ca z 127.0.0.1 9
	[ "$status" -eq 2 ] || fail "$stderr"
	[[ $stderr == *"--ca is for upstream: it needs --to-tls"* ]] ||
		fail "$stderr"
	run --separate-stderr "$SOCKIT" forward -p 0 --tls 127.0.0.1 9
	[ "$status" -eq 2 ] || fail "$stderr"
	[[ $stderr == *"--tls needs --cert and --key"* ]] || fail "$stderr"
}
