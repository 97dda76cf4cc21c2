#!/usr/bin/env bats
# tls.bats - TLS, the documented socket.ssl, verified by default: the
# shared options (--tls, --cert, --key, --ca, --sni, --alpn, --insecure)
# checked against each other, and echo-server --tls against real peers,
# openssl s_client and Python's ssl module.  The certificates are made at
# test time by tests/tls/make-certs.
load echo_helpers

setup_file() {
	export CERTS=$BATS_FILE_TMPDIR/certs
	"$BATS_TEST_DIRNAME/tls/make-certs" "$CERTS"
}

# s_client PORT ARG...: openssl s_client to 127.0.0.1:PORT, the file IN
# sent, then its stdin held open until as many bytes came back (at most
# 10 s), so that the echo is read before it closes; bounded by 20 s.
# Sets status, output (the echo) and stderr, as bats run does.
s_client() {
	local port=$1 got=$BATS_TEST_TMPDIR/s_client.out
	local err=$BATS_TEST_TMPDIR/s_client.err want i
	shift
	want=$(wc -c <"$IN")
	: >"$got"
	{
		cat "$IN"
		for ((i = 0; i < 200; i++)); do
			[ "$(wc -c <"$got")" -ge "$want" ] && break
			sleep 0.05
		done
	} | timeout 20 openssl s_client -quiet -no_ign_eof \
		-connect "127.0.0.1:$port" "$@" >"$got" 2>"$err" &&
		status=0 || status=$?
	output=$(cat "$got")
	stderr=$(cat "$err")
}

@test "tls options: each needs --tls; a server needs --cert and --key" {
	for o in "--cert=$CERTS/leaf.pem" "--key=$CERTS/leaf.key" \
		"--ca=$CERTS/ca.pem" --sni=x --alpn=h2 --insecure; do
		run --separate-stderr "$SOCKIT" echo-server -p 0 "$o"
		[ "$status" -eq 2 ] || fail "$o: status $status"
		[[ $stderr == *"${o%%=*} needs --tls"* ]] || fail "$stderr"
	done
	run --separate-stderr "$SOCKIT" echo-server -p 0 --tls
	[ "$status" -eq 2 ]
	[[ $stderr == *"a TLS server needs --cert and --key"* ]] || fail "$stderr"
	run --separate-stderr "$SOCKIT" echo-server -p 0 --tls --insecure \
		--cert "$CERTS/leaf.pem" --key "$CERTS/leaf.key"
	[ "$status" -eq 2 ]
	[[ $stderr == *"--insecure is for a TLS client"* ]] || fail "$stderr"
}

@test "tls: a key that does not match is caught before listening, exit 6" {
	run --separate-stderr timeout 10 "$SOCKIT" echo-server -p 0 --tls \
		--cert "$CERTS/leaf.pem" --key "$CERTS/other.key"
	[ "$status" -eq 6 ] || fail "status $status: $stderr"
	[[ $stderr == *"the key does not match the certificate"* ]] ||
		fail "$stderr"
	[[ $stderr != *"Listening on"* ]] || fail "it listened: $stderr"
	run --separate-stderr timeout 10 "$SOCKIT" echo-server -p 0 --tls \
		--cert "$CERTS/nonexistent.pem" --key "$CERTS/leaf.key"
	[ "$status" -eq 6 ] || fail "status $status: $stderr"
}

@test "echo-server --tls: openssl s_client verifies it and gets its echo" {
	start_server -b 127.0.0.1 --tls --cert "$CERTS/chain.pem" \
		--key "$CERTS/leaf.key"
	IN=$BATS_TEST_TMPDIR/in
	printf 'hello over tls\n' >"$IN"
	s_client "$PORT" -CAfile "$CERTS/ca.pem" -verify_return_error \
		-servername localhost
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	[ "$output" = "hello over tls" ] || fail "$output"
}

@test "echo-server --tls: 1 MiB from Python's ssl module, byte for byte, ALPN and the tls event" {
	start_server -b 127.0.0.1 --json --tls --cert "$CERTS/chain.pem" \
		--key "$CERTS/leaf.key" --alpn http/1.1
	run --separate-stderr timeout 30 "$PYTHON" "$PEERS/tls_peer.py" client \
		"$PORT" "$CERTS/ca.pem" localhost h2,http/1.1
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	[ "$output" = "ok 1048576 TLSv1.3 http/1.1" ] || fail "$output"
	wait_for "$SRV_OUT" '"event":"closed"' "$SRV_PID"
	grep '"event":"tls"' "$SRV_OUT" | "$PYTHON" -c '
import json, sys
e = json.loads(sys.stdin.readline())
assert e["version"] == "TLSv1.3", e
assert e["alpn"] == "http/1.1", e
assert e["sni"] == "localhost", e
assert e["verify"] == "ok" and e["chain"] == [], e
assert e["handshake_ms"] >= 0, e
' || fail "$(cat "$SRV_OUT")"
	grep -q '"event":"closed".*"bytes":1048576' "$SRV_OUT" ||
		fail "$(cat "$SRV_OUT")"
}

@test "echo-server --tls --ca: a client certificate is required, and one given is taken" {
	start_server -b 127.0.0.1 --json --tls --cert "$CERTS/leaf.pem" \
		--key "$CERTS/leaf.key" --ca "$CERTS/ca.pem"
	IN=$BATS_TEST_TMPDIR/in
	printf 'with a certificate\n' >"$IN"
	s_client "$PORT" -CAfile "$CERTS/ca.pem" -cert "$CERTS/client.pem" \
		-key "$CERTS/client.key"
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	[ "$output" = "with a certificate" ] || fail "$output"
	wait_for "$SRV_OUT" '"subject":"CN=client"' "$SRV_PID"
	printf 'without\n' >"$IN"
	s_client "$PORT" -CAfile "$CERTS/ca.pem"
	[ -z "$output" ] || fail "echoed without a certificate: $output"
	wait_for "$SRV_OUT" '"error":".*certificate' "$SRV_PID"
}

@test "echo-server --tls: a client that speaks no TLS is closed, the server goes on" {
	start_server -b 127.0.0.1 --tls --cert "$CERTS/chain.pem" \
		--key "$CERTS/leaf.key"
	run timeout 10 "$PYTHON" -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(b"GET / HTTP/1.0\r\n\r\n" + bytes(range(256)) * 40)
print(len(s.recv(4096)) >= 0)
' "$PORT"
	wait_for "$SRV_ERR" 'sockit echo-server: .*[Ww]rong version|packet length|http request|record' "$SRV_PID"
	IN=$BATS_TEST_TMPDIR/in
	printf 'still serving\n' >"$IN"
	s_client "$PORT" -CAfile "$CERTS/ca.pem" -verify_return_error \
		-servername localhost
	[ "$output" = "still serving" ] || fail "$output: $stderr"
}
