#!/usr/bin/env bats
# connect.bats - sockit connect: the end-of-connection rule as an EOF
# matrix (quiet and chatty peer x who closes first, bytes and exit status
# each), resets, refusals and timeouts, one direction only, --exec with
# output after its input's end, --proxy through ncat's HTTP proxy and a
# SOCKS5 proxy, real peers (nc.openbsd, ncat, socat), UDP and AF_UNIX,
# and the events (--events, --json) parsed with python3.  Every
# background process is killed by PID in teardown, every wait bounded.
load netcat_helpers

# conn ARG...: bats run of sockit connect, bounded by 30 s, stdin IN.
conn() {
	run --separate-stderr timeout 30 "$SOCKIT" connect "$@" \
		<"${IN:-/dev/null}" 7>&-
}

@test "quiet peer, our stdin ends first: every byte sent, exit 0" {
	start_peer srv server last 0
	IN=$BATS_TEST_TMPDIR/in
	pattern_file "$IN" 300000
	conn 127.0.0.1 "$PEER_PORT"
	[ "$status" -eq 0 ] || fail "$stderr"
	[ -z "$output" ]
	[ -z "$stderr" ]
	wait_exit "$PEER_PID"
	[ "$(cat "$PEER_OUT")" = "$(summary "$IN")" ]
}

@test "chatty peer answering after our half-close: the whole tail arrives" {
	start_peer srv server last 1048576
	IN=$BATS_TEST_TMPDIR/in
	printf 'request' >"$IN"
	run --separate-stderr bash -c 'timeout 30 "$1" connect 127.0.0.1 "$2" \
		<"$3" | sha256sum' _ "$SOCKIT" "$PEER_PORT" "$IN"
	[ "$status" -eq 0 ]
	pattern_file "$BATS_TEST_TMPDIR/want" 1048576
	[ "${output%% *}" = "$(sha "$BATS_TEST_TMPDIR/want")" ]
	wait_exit "$PEER_PID"
	[ "$(cat "$PEER_OUT")" = "$(summary "$IN")" ]
}

@test "stdin a file read part-way: the rest is sent, from where it stands" {
	start_peer srv server last 0
	IN=$BATS_TEST_TMPDIR/in
	pattern_file "$IN" 300000
	tail -c +1001 "$IN" >"$BATS_TEST_TMPDIR/rest"
	run --separate-stderr bash -c '{
		dd bs=1000 count=1 of=/dev/null status=none
		timeout 30 "$1" connect 127.0.0.1 "$2"
	} <"$3" >/dev/null' _ "$SOCKIT" "$PEER_PORT" "$IN"
	[ "$status" -eq 0 ] || fail "$stderr"
	wait_exit "$PEER_PID"
	[ "$(cat "$PEER_OUT")" = "$(summary "$BATS_TEST_TMPDIR/rest")" ]
}

@test "a MiB into stdout /dev/null: every byte read and counted" {
	start_peer srv server last 1048576
	IN=$BATS_TEST_TMPDIR/in
	printf 'request' >"$IN"
	run --separate-stderr bash -c 'timeout 30 "$1" connect --events "$4" \
		127.0.0.1 "$2" <"$3" >/dev/null' _ "$SOCKIT" "$PEER_PORT" "$IN" \
		"$BATS_TEST_TMPDIR/ev.json"
	[ "$status" -eq 0 ] || fail "$stderr"
	json_check "$BATS_TEST_TMPDIR/ev.json" '
c = [e for e in ev if e["event"] == "closed"]
assert len(c) == 1 and c[0]["bytes_in"] == 1048576, c
assert c[0]["bytes_out"] == 7 and c[0]["how"] == "fin", c'
	wait_exit "$PEER_PID"
}

# The peer closes first: our stdin is written only once the peer's EOF
# has arrived (the eof event says so), then it must still be sent.
peer_first() {
	local size=$1 ev=$BATS_TEST_TMPDIR/ev.json out=$BATS_TEST_TMPDIR/out
	start_peer srv server first "$size"
	endless_stdin
	pattern_file "$BATS_TEST_TMPDIR/in" 200000
	BG_IN=$ENDLESS bg "$out" "$BATS_TEST_TMPDIR/err" no7 "$SOCKIT" \
		connect --events "$ev" 127.0.0.1 "$PEER_PORT"
	local pid=$BG_PID
	wait_for "$ev" '"event":"eof","side":"peer"' "$pid"
	cat "$BATS_TEST_TMPDIR/in" >&7
	close_stdin
	wait_exit "$pid"
	[ "$STATUS" -eq 0 ] || fail "$(cat "$BATS_TEST_TMPDIR/err")"
	wait_exit "$PEER_PID"
	[ "$(cat "$PEER_OUT")" = "$(summary "$BATS_TEST_TMPDIR/in")" ]
	pattern_file "$BATS_TEST_TMPDIR/want" "$size"
	cmp "$out" "$BATS_TEST_TMPDIR/want"
	json_check "$ev" '
e = [x["event"] for x in ev]
assert e[-1] == "exit" and ev[-1]["status"] == 0, e
c = [x for x in ev if x["event"] == "closed"][0]
assert c["how"] == "fin" and c["by"] == "peer", c
assert c["bytes_out"] == 200000 and c["bytes_in"] == '"$size"', c
eofs = [x["side"] for x in ev if x["event"] == "eof"]
assert eofs == ["peer", "local"], eofs'
}

@test "quiet peer that half-closes first: the session goes on, stdin is sent" {
	peer_first 0
}

@test "chatty peer that half-closes first: its bytes, then all of ours" {
	peer_first 70000
}

@test "a reset: exit 1, 'Connection reset by peer' with the address" {
	start_peer srv server reset 0
	endless_stdin
	printf 'x' >&7
	IN=$ENDLESS conn 127.0.0.1 "$PEER_PORT"
	close_stdin
	[ "$status" -eq 1 ]
	[ "$stderr" = "sockit connect: ('127.0.0.1', $PEER_PORT): Connection reset by peer" ]
}

@test "refused, a name that does not resolve, a connect timeout: 1, 3, 4" {
	port=$(closed_port)
	conn --json 127.0.0.1 "$port"
	[ "$status" -eq 1 ]
	[ "$stderr" = "sockit connect: 127.0.0.1 port $port: Connection refused" ]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/ev"
	json_check "$BATS_TEST_TMPDIR/ev" '
c = [x for x in ev if x["event"] == "connect"]
assert len(c) == 1 and c[0]["result"] == "refused", c
assert c[0]["errno"] == "ECONNREFUSED" and c[0]["attempt"] == 1, c
assert ev[-1] == {"event": "exit", "status": 1, "reason": ev[-1]["reason"]}'
	conn no-such-host.invalid 80
	[ "$status" -eq 3 ]
	[[ "$stderr" == "sockit connect: no-such-host.invalid: "* ]]
	start_tool_server full-backlog
	conn -w 0.5 127.0.0.1 "$PEER_PORT"
	[ "$status" -eq 4 ]
	[ "$stderr" = "sockit connect: 127.0.0.1 port $PEER_PORT: timed out" ]
}

@test "every address in order: localhost's ::1 refused, then 127.0.0.1" {
	start_peer srv server last 5
	conn --events "$BATS_TEST_TMPDIR/ev" localhost "$PEER_PORT"
	[ "$status" -eq 0 ] || fail "$stderr"
	[ "$output" = "$(peer pattern 5)" ]
	json_check "$BATS_TEST_TMPDIR/ev" '
r = [x for x in ev if x["event"] == "resolved"][0]
assert r["host"] == "localhost" and len(r["addresses"]) >= 2, r
c = [(x["attempt"], x["result"]) for x in ev if x["event"] == "connect"]
assert c[-1][1] == "ok" and all(x[1] == "refused" for x in c[:-1]), c
assert len(c) >= 2, c'
}

@test "--idle-timeout: no byte either way for that long is exit 4" {
	start_tool_server silent
	endless_stdin
	IN=$ENDLESS conn --idle-timeout 0.3 127.0.0.1 "$PEER_PORT"
	close_stdin
	[ "$status" -eq 4 ]
	[ "$stderr" = "sockit connect: ('127.0.0.1', $PEER_PORT): timed out" ]
}

@test "--recv-only sends nothing; --send-only reads nothing" {
	start_peer srv server first 1000
	IN=/dev/zero conn --recv-only 127.0.0.1 "$PEER_PORT"
	[ "$status" -eq 0 ] || fail "$stderr"
	[ "$output" = "$(peer pattern 1000)" ]
	wait_exit "$PEER_PID"
	[ "$(cat "$PEER_OUT")" = "$(printf '' | peer summary)" ]
	start_peer srv2 server last 0
	IN=$BATS_TEST_TMPDIR/in
	printf 'only this way' >"$IN"
	conn --send-only 127.0.0.1 "$PEER_PORT"
	[ "$status" -eq 0 ] || fail "$stderr"
	[ -z "$output" ]
	wait_exit "$PEER_PID"
	[ "$(cat "$PEER_OUT")" = "$(summary "$IN")" ]
	conn --send-only --recv-only 127.0.0.1 1
	[ "$status" -eq 2 ]
}

@test "--exec: the command's output after its input's end reaches the peer" {
	start_peer srv server first 4000
	conn --events "$BATS_TEST_TMPDIR/ev" \
		--exec 'cat; echo "tail from $SOCKIT_PEER_HOST $SOCKIT_PEER_PORT"' \
		127.0.0.1 "$PEER_PORT"
	[ "$status" -eq 0 ] || fail "$stderr"
	[ -z "$output" ]
	wait_exit "$PEER_PID"
	{ peer pattern 4000; echo "tail from 127.0.0.1 $PEER_PORT"; } \
		>"$BATS_TEST_TMPDIR/want"
	[ "$(cat "$PEER_OUT")" = "$(summary "$BATS_TEST_TMPDIR/want")" ]
	json_check "$BATS_TEST_TMPDIR/ev" '
x = [e for e in ev if e["event"] == "exec"]
assert len(x) == 1 and x[0]["status"] == 0 and x[0]["pid"] > 0, x'
}

@test "--exec: the socket is shut down when the command closes its stdout" {
	start_peer srv server last 10
	conn --json --exec 'echo early; exec >&-; cat >/dev/null; exit 3' \
		127.0.0.1 "$PEER_PORT"
	[ "$status" -eq 1 ]
	[ "$stderr" = "sockit connect: --exec: the command exited with status 3" ]
	wait_exit "$PEER_PID"
	[ "$(cat "$PEER_OUT")" = "$(echo early | peer summary)" ]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/ev"
	json_check "$BATS_TEST_TMPDIR/ev" '
x = [e for e in ev if e["event"] == "exec"]
assert x[0]["status"] == 3, x
assert ev[-1]["event"] == "exit" and ev[-1]["status"] == 1, ev[-1]'
}

@test "--json: received bytes as data events, the connection's life around them" {
	start_peer srv server last 100000
	IN=$BATS_TEST_TMPDIR/in
	printf 'hi' >"$IN"
	conn --json 127.0.0.1 "$PEER_PORT"
	[ "$status" -eq 0 ] || fail "$stderr"
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/ev"
	pattern_file "$BATS_TEST_TMPDIR/want" 100000
	json_check "$BATS_TEST_TMPDIR/ev" '
want = open(sys.argv[2], "rb").read()
got = b"".join(base64.b64decode(e["data_b64"]) for e in ev
               if e["event"] == "data")
assert got == want, (len(got), len(want))
assert all(e["bytes"] == len(base64.b64decode(e["data_b64"]))
           for e in ev if e["event"] == "data")
names = [e["event"] for e in ev if e["event"] != "data"]
assert names == ["resolved", "connect", "connected", "eof", "eof", "closed",
                 "exit"], names
c = ev[-2]
assert c["how"] == "fin" and c["by"] == "local" and c["bytes_out"] == 2
assert c["bytes_in"] == 100000 == c["bytes"] and "rtt_ms" in c["tcp"], c
assert ev[2]["peer"] == {"family": "AF_INET", "host": "127.0.0.1",
                         "port": int(sys.argv[3])}, ev[2]' \
		"$BATS_TEST_TMPDIR/want" "$PEER_PORT"
}

@test "--events FILE: the events there, the data raw on stdout" {
	start_peer srv server last 3
	conn --events "$BATS_TEST_TMPDIR/ev" 127.0.0.1 "$PEER_PORT"
	[ "$status" -eq 0 ]
	[ "$output" = "$(peer pattern 3)" ]
	json_check "$BATS_TEST_TMPDIR/ev" '
assert [e["event"] for e in ev][-1] == "exit" and ev[-1]["reason"] == "ok"
assert not any(e["event"] == "data" for e in ev)'
	conn --events "$BATS_TEST_TMPDIR/ev" --json 127.0.0.1 1
	[ "$status" -eq 2 ]
}

# Stdin that stays open until N bytes of output arrived: ncat's HTTP
# proxy closes both sides at the client's half-close.
stdin_until() {
	local out=$1 n=$2 i
	for ((i = 0; i < 400; i++)); do
		[ "$(stat -c %s "$out" 2>/dev/null || echo 0)" -ge "$n" ] && break
		sleep 0.05
	done
	close_stdin
}

@test "--proxy http:// through ncat's HTTP proxy; its refusal quoted" {
	start_on_free_port ncat ncat -l 127.0.0.1 PORT --proxy-type http -k
	start_peer srv server first 5000
	# Nothing sent our way: ncat's proxy closes the whole connection at
	# the server's half-close, so a byte sent then could meet a reset.
	endless_stdin
	out=$BATS_TEST_TMPDIR/out
	BG_IN=$ENDLESS bg "$out" "$BATS_TEST_TMPDIR/err" no7 "$SOCKIT" \
		connect --proxy "http://127.0.0.1:$FIXED_PORT" 127.0.0.1 \
		"$PEER_PORT"
	pid=$BG_PID
	stdin_until "$out" 5000
	wait_exit "$pid"
	[ "$STATUS" -eq 0 ] || fail "$(cat "$BATS_TEST_TMPDIR/err")"
	pattern_file "$BATS_TEST_TMPDIR/want" 5000
	cmp "$out" "$BATS_TEST_TMPDIR/want"
	port=$(closed_port)
	conn --proxy "http://127.0.0.1:$FIXED_PORT" 127.0.0.1 "$port"
	[ "$status" -eq 1 ]
	[[ "$stderr" == "sockit connect: 127.0.0.1 port $port via 127.0.0.1: HTTP proxy refused: \"HTTP/1."?" 5"* ]] ||
		fail "$stderr"
}

@test "--proxy socks5:// with a user and password; the name goes to the proxy" {
	start_peer socks socks5 alice 's3cr:et'
	proxy_port=$PEER_PORT
	proxy_out=$PEER_OUT
	start_peer srv server last 20000
	IN=$BATS_TEST_TMPDIR/in
	pattern_file "$IN" 30000
	conn --proxy "socks5://alice:s3cr%3Aet@127.0.0.1:$proxy_port" \
		localhost "$PEER_PORT"
	[ "$status" -eq 0 ] || fail "$stderr"
	[ "$output" = "$(peer pattern 20000)" ]
	wait_exit "$PEER_PID"
	[ "$(cat "$PEER_OUT")" = "$(summary "$IN")" ]
	grep -qx "CONNECT localhost $PEER_PORT atyp 3" "$proxy_out"
	conn --proxy "socks5://alice:wrong@127.0.0.1:$proxy_port" localhost 1
	[ "$status" -eq 1 ]
	[ "$stderr" = "sockit connect: localhost port 1 via 127.0.0.1: SOCKS5 proxy: user or password refused" ]
	port=$(closed_port)
	conn --proxy "socks5://alice:s3cr%3Aet@127.0.0.1:$proxy_port" \
		127.0.0.1 "$port"
	[ "$status" -eq 1 ]
	[ "$stderr" = "sockit connect: 127.0.0.1 port $port via 127.0.0.1: SOCKS5 proxy: Connection refused (reply 5)" ]
	grep -qx "CONNECT 127.0.0.1 $port atyp 1" "$proxy_out"
	conn --proxy "socks5://127.0.0.1:$proxy_port" localhost 1
	[ "$status" -eq 1 ]
	[ "$stderr" = "sockit connect: localhost port 1 via 127.0.0.1: SOCKS5 proxy: it requires authentication" ]
	conn --proxy "ftp://x:1" localhost 1
	[ "$status" -eq 2 ]
}

@test "ProxyCommand: ssh's way of using it, stdin and stdout through SOCKS5" {
	start_peer socks socks5
	proxy_port=$PEER_PORT
	start_peer srv server first 64
	IN=/dev/null conn --proxy "socks5://127.0.0.1:$proxy_port" \
		127.0.0.1 "$PEER_PORT"
	[ "$status" -eq 0 ]
	[ "$output" = "$(peer pattern 64)" ]
}

@test "nc.openbsd -l as the peer: a file each way, byte-exact" {
	pattern_file "$BATS_TEST_TMPDIR/theirs" 500000
	head -c 400000 /dev/urandom >"$BATS_TEST_TMPDIR/ours"
	BG_IN=$BATS_TEST_TMPDIR/theirs start_on_free_port nc \
		nc.openbsd -N -l 127.0.0.1 PORT
	# Our stdin ends only once all of theirs came: nc.openbsd stops
	# sending when our EOF reaches it, so an early EOF would cut its
	# file short (nc's way, not ours; the wait is bounded by 30 s).
	run --separate-stderr bash -c '{
		cat "$3"
		for ((n = 0; n < 600; n++)); do
			[ "$(stat -c %s "$4")" -ge 500000 ] && break
			sleep 0.05
		done
	} | timeout 30 "$1" connect 127.0.0.1 "$2" >"$4"' _ "$SOCKIT" \
		"$FIXED_PORT" "$BATS_TEST_TMPDIR/ours" "$BATS_TEST_TMPDIR/got"
	[ "$status" -eq 0 ] || fail "$stderr"
	cmp "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/theirs"
	wait_exit "$FIXED_PID"
	cmp "$FIXED_OUT" "$BATS_TEST_TMPDIR/ours"
}

@test "socat and ncat as echo peers: a MiB back, byte-exact" {
	head -c 1048576 /dev/urandom >"$BATS_TEST_TMPDIR/in"
	start_on_free_port socat socat -t 10 \
		TCP-LISTEN:PORT,bind=127.0.0.1,reuseaddr EXEC:cat
	run bash -c 'timeout 30 "$1" connect 127.0.0.1 "$2" <"$3" | cmp - "$3"' \
		_ "$SOCKIT" "$FIXED_PORT" "$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 0 ] || fail "$output"
	start_on_free_port ncat ncat -l 127.0.0.1 PORT --exec /bin/cat
	# ncat's own --exec loses what cat writes after the client's EOF,
	# and with more than a pipe's worth in flight it stops (its writes
	# to cat and cat's to it wait on each other): 32 KiB, and we read to
	# ncat's end, whatever it is, and exit 0.
	head -c 32768 "$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/in32"
	run bash -c 'timeout 30 "$1" connect 127.0.0.1 "$2" <"$3" >"$4"' \
		_ "$SOCKIT" "$FIXED_PORT" "$BATS_TEST_TMPDIR/in32" \
		"$BATS_TEST_TMPDIR/out32"
	[ "$status" -eq 0 ] || fail "status $status: $output"
	[ "$(wc -c <"$BATS_TEST_TMPDIR/out32")" -le 32768 ]
}

@test "-u: lines as datagrams, datagrams to stdout; refused is exit 1" {
	start_peer udp udp 3
	IN=$BATS_TEST_TMPDIR/in
	printf 'one\ntwo\nthree' >"$IN"
	conn -u -w 2 127.0.0.1 "$PEER_PORT"
	[ "$status" -eq 0 ] || fail "$stderr"
	[ "$output" = "<one><two><three>" ]
	wait_exit "$PEER_PID"
	[ "$(cat "$PEER_OUT")" = "$(printf 'one\ntwo\nthree')" ]
	port=$("$PYTHON" -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	conn -u -w 2 127.0.0.1 "$port"
	[ "$status" -eq 1 ]
	[ "$stderr" = "sockit connect: ('127.0.0.1', $port): Connection refused" ]
}

@test "--unix: a stream socket; with -u a datagram one from a path of its own" {
	path=$BATS_TEST_TMPDIR/s
	start_listen --unix "$path"
	IN=$BATS_TEST_TMPDIR/in
	printf 'over a path' >"$IN"
	conn --unix "$path"
	[ "$status" -eq 0 ] || fail "$stderr"
	wait_exit "$L_PID"
	[ "$(cat "$L_OUT")" = "over a path" ]
	dpath=$BATS_TEST_TMPDIR/d
	bg "$BATS_TEST_TMPDIR/d.out" "$BATS_TEST_TMPDIR/d.err" "$PYTHON" -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1]); s.settimeout(20)
d, a = s.recvfrom(65536)
print(a, flush=True)
s.sendto(d.upper(), a)' "$dpath"
	for ((i = 0; i < 200; i++)); do [ -S "$dpath" ] && break; sleep 0.05; done
	printf 'dgram\n' >"$IN"
	TMPDIR=$BATS_TEST_TMPDIR conn -u -w 2 --unix "$dpath"
	[ "$status" -eq 0 ] || fail "$stderr"
	[ "$output" = "DGRAM" ]
	wait_exit "$BG_PID"
	[[ "$(cat "$BATS_TEST_TMPDIR/d.out")" == "$BATS_TEST_TMPDIR/sockit-connect."* ]]
	# Its own path is gone.
	[ -z "$(ls -d "$BATS_TEST_TMPDIR"/sockit-connect.* 2>/dev/null)" ]
}

@test "usage errors exit 2 before anything is opened" {
	for args in "127.0.0.1" "127.0.0.1 80 x" "127.0.0.1 70000" \
		"--unix /x 127.0.0.1 80" "--unix /x -4" "-u --proxy socks5://h:1 h 1" \
		"-u --exec cat h 1" "--idle-timeout 0 h 1" "-w abc h 1" \
		"--exec '' h 1" "--bogus"; do
		eval "conn $args"
		[ "$status" -eq 2 ] || fail "$args: $status $stderr"
		[[ "$stderr" == "sockit connect: "* ]] || fail "$args: $stderr"
	done
}
