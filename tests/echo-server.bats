#!/usr/bin/env bats
# echo-server.bats - sockit echo-server, as its man page describes it, with
# the reference's own echo clients (tests/peers, both the IPv4 and the
# dual-stack one) as peers and their documented transcripts, then what the
# reference's one-client server cannot do: large data both ways at once,
# half-close, 200 clients at once, a client that never reads, --once, signals,
# --max-conns, --idle-timeout, --json, AF_UNIX, --workers, --no-splice, and
# running out of descriptors.  Servers listen on port 0 and the tests read the
# port from the "Listening on" line; every background process is killed by PID
# in teardown (echo_helpers.bash) and every wait is bounded.

load echo_helpers

# The IPv4 and IPv6 tuples the reference prints, with any port.
V4_TUPLE="\('127\.0\.0\.1', [0-9]+\)"
V6_TUPLE="\('::1', [0-9]+, 0, 0\)"

# json_check PYTHON-CODE FILE: run CODE with `ev`, the list of JSON objects
# (one per line) in FILE but the exit event, which a server that has
# stopped writes last; every line must parse.  Fails on an assertion.
json_check() {
	"$PYTHON" -c "import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
if ev and ev[-1]['event'] == 'exit':
    assert ev[-1] == {'event': 'exit', 'status': 0, 'reason': 'ok'}, ev[-1]
    ev.pop()
$1" "$2"
}

@test "the reference's IPv4 client: its documented transcript, 'Connected by' a 2-tuple" {
	start_server
	run_reference echo_client_v4.py 127.0.0.1 "$PORT"
	[ "$status" -eq 0 ]
	[ "$output" = "Received b'Hello, world'" ]
	[ -z "$stderr" ]
	wait_for "$SRV_OUT" '^Connected by'
	[[ "$(cat "$SRV_OUT")" =~ ^Connected\ by\ $V4_TUPLE$ ]] ||
		fail "$(cat "$SRV_OUT")"
	# The documented client resolves localhost for AF_INET: the same.
	run_reference echo_client_v4.py localhost "$PORT"
	[ "$output" = "Received b'Hello, world'" ]
}

@test "the reference's dual-stack client: IPv6 first for localhost, a 4-tuple; IPv4 a 2-tuple, never ::ffff:" {
	start_server
	run_reference echo_client_dual.py localhost "$PORT"
	[ "$status" -eq 0 ]
	[ "$output" = "Received b'Hello, world'" ]
	wait_for "$SRV_OUT" '^Connected by'
	[[ "$(cat "$SRV_OUT")" =~ ^Connected\ by\ $V6_TUPLE$ ]] ||
		fail "$(cat "$SRV_OUT")"
	run_reference echo_client_dual.py 127.0.0.1 "$PORT"
	[ "$output" = "Received b'Hello, world'" ]
	run_reference echo_client_dual.py sockit-six.test "$PORT"
	[ "$output" = "Received b'Hello, world'" ]
	wait_lines "$SRV_OUT" 3
	[[ "$(sed -n 2p "$SRV_OUT")" =~ ^Connected\ by\ $V4_TUPLE$ ]] ||
		fail "$(cat "$SRV_OUT")"
	[[ "$(sed -n 3p "$SRV_OUT")" =~ ^Connected\ by\ $V6_TUPLE$ ]] ||
		fail "$(cat "$SRV_OUT")"
	run ! grep -q ffff "$SRV_OUT"
}

@test "with the default host it listens on 0.0.0.0 and :: with the same port, said on stderr" {
	start_server
	wait_for "$SRV_ERR" "^Listening on \('::'"
	[ "$(cat "$SRV_ERR")" = "Listening on ('0.0.0.0', $PORT)
Listening on ('::', $PORT, 0, 0)" ]
	[ "$PORT" -gt 0 ]
	[ ! -s "$SRV_OUT" ]
	listening "$PORT"
}

@test "without -p it listens on the reference's port 50007" {
	listening 50007 && skip "port 50007 is in use on this machine"
	bg "$BATS_TEST_TMPDIR/out" "$BATS_TEST_TMPDIR/err" "$SOCKIT" echo-server
	SRV_PID=$BG_PID
	wait_for "$BATS_TEST_TMPDIR/err" '^Listening on' "$SRV_PID"
	grep -qx "Listening on ('0.0.0.0', 50007)" "$BATS_TEST_TMPDIR/err"
	# And the client's defaults are localhost and 50007.
	run_client
	[ "$status" -eq 0 ]
	[ "$output" = "Received b'Hello, world'" ]
}

@test "-4, -6 and -b HOST listen on those addresses only" {
	start_server -4
	[ "$(cat "$SRV_ERR")" = "Listening on ('0.0.0.0', $PORT)" ]
	run_reference echo_client_dual.py localhost "$PORT"
	[ "$output" = "Received b'Hello, world'" ]
	run_client -6 ::1 "$PORT"
	[ "$status" -eq 1 ]
	[ "$stderr" = "sockit echo-client: could not open socket: Connection refused" ]

	start_server -6
	[ "$(cat "$SRV_ERR")" = "Listening on ('::', $PORT, 0, 0)" ]
	run_client -4 127.0.0.1 "$PORT"
	[ "$status" -eq 1 ]
	run_reference echo_client_dual.py ::1 "$PORT"
	[ "$output" = "Received b'Hello, world'" ]

	start_server -b 127.0.0.2
	[ "$(cat "$SRV_ERR")" = "Listening on ('127.0.0.2', $PORT)" ]
	run_reference echo_client_v4.py sockit-a.test "$PORT"
	[ "$output" = "Received b'Hello, world'" ]

	start_server -b localhost
	wait_for "$SRV_ERR" "^Listening on \('127\.0\.0\.1'"
	[ "$(cat "$SRV_ERR")" = "Listening on ('::1', $PORT, 0, 0)
Listening on ('127.0.0.1', $PORT)" ]
}

@test "32 MiB of random bytes, sent while the echo is read, come back byte for byte, then EOF" {
	start_server
	tool_ok 60 bulk 127.0.0.1 "$PORT" $((32 << 20))
	[ "$output" = "ok $((32 << 20))" ]
	tool_ok 60 bulk ::1 "$PORT" $((4 << 20))
}

@test "half-close: what was sent before SHUT_WR comes back, then EOF, and the server closes" {
	start_server -v
	tool_ok 30 halfclose 127.0.0.1 "$PORT" 65536
	[ "$output" = "ok 65536" ]
	# The server closed it (-v: "Closed ADDR: N bytes") with all of it.
	wait_for "$SRV_ERR" "^Closed \('127\.0\.0\.1', [0-9]+\): 65536 bytes$"
	# An empty connection: EOF at once, and closed.
	tool_ok 30 halfclose 127.0.0.1 "$PORT" 0
	[ "$output" = "ok 0" ]
	wait_for "$SRV_ERR" "^Closed .*: 0 bytes$"
}

@test "--no-splice: 32 MiB byte for byte through the buffer" {
	start_server --no-splice
	tool_ok 60 bulk 127.0.0.1 "$PORT" $((32 << 20))
	tool_ok 30 halfclose 127.0.0.1 "$PORT" 65536
	stop_server
	[ "$STATUS" -eq 0 ]
	grep -qx "2 connections, $(((32 << 20) + 65536)) bytes echoed" "$SRV_ERR"
}

@test "200 clients at once, each echoed its own random bytes" {
	start_server
	tool_ok 60 many 127.0.0.1 "$PORT" 200 100000
	[ "$output" = "ok 200" ]
	stop_server
	[ "$STATUS" -eq 0 ]
	[ "$(grep -c '^Connected by' "$SRV_OUT")" -eq 200 ]
	grep -qx "200 connections, 20000000 bytes echoed" "$SRV_ERR"
}

@test "--workers 2: clients on both families at once are all echoed" {
	start_server --workers 2
	tool_ok 60 many 127.0.0.1 "$PORT" 50 65536
	tool_ok 60 many ::1 "$PORT" 50 65536
	tool_ok 60 bulk 127.0.0.1 "$PORT" $((8 << 20))
	stop_server
	[ "$STATUS" -eq 0 ]
	[ "$(grep -c '^Connected by' "$SRV_OUT")" -eq 101 ]
}

@test "a client that sends but never reads neither stalls another nor makes the server buffer without bound" {
	start_server
	bg_tool nonreader nonreader 127.0.0.1 "$PORT" $((256 << 20))
	wait_for "$TOOL_OUT" '^stuck [0-9]+$' "$BG_PID"
	# Beside it, another client gets its echo (bounded, no time asserted).
	run_client -w 5 127.0.0.1 "$PORT"
	[ "$status" -eq 0 ]
	[ "$output" = "Received b'Hello, world'" ]
	tool_ok 30 bulk 127.0.0.1 "$PORT" $((4 << 20))
	# The non-reader is still stuck, and the server holds little memory.
	alive "$BG_PID"
	# (On the plain build: a sanitizer's shadow memory is not the
	# server's.)
	rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$SRV_PID/status")
	sanitized || [ "$rss" -lt $((64 * 1024)) ] ||
		fail "VmRSS $rss kB with a stuck client"
}

@test "--once: one client, as the reference's server, then exit 0 by itself" {
	start_server --once
	run_reference echo_client_v4.py 127.0.0.1 "$PORT"
	[ "$output" = "Received b'Hello, world'" ]
	wait_exit "$SRV_PID"
	[ "$STATUS" -eq 0 ]
	[[ "$(cat "$SRV_OUT")" =~ ^Connected\ by\ $V4_TUPLE$ ]]
	grep -qx "1 connection, 12 bytes echoed" "$SRV_ERR"
}

@test "--once: the listeners close at the first client; a second is refused" {
	start_server --once
	bg_tool hold hold 127.0.0.1 "$PORT" 1
	hold=$BG_PID
	wait_for "$TOOL_OUT" '^held 1$' "$hold"
	run_client 127.0.0.1 "$PORT"
	[ "$status" -eq 1 ]
	[ "$stderr" = "sockit echo-client: could not open socket: Connection refused" ]
	alive "$SRV_PID"
	kill "$hold"
	wait_exit "$SRV_PID"
	[ "$STATUS" -eq 0 ]
	[ "$(grep -c '^Connected by' "$SRV_OUT")" -eq 1 ]
}

@test "SIGTERM and SIGINT: exit 0 with the summary on stderr, open connections or not" {
	start_server
	run_client 127.0.0.1 "$PORT"
	[ "$status" -eq 0 ]
	stop_server TERM
	[ "$STATUS" -eq 0 ]
	[ "$(tail -n 1 "$SRV_ERR")" = "1 connection, 12 bytes echoed" ]

	start_server
	bg_tool hold hold 127.0.0.1 "$PORT" 2
	wait_for "$TOOL_OUT" '^held 2$' "$BG_PID"
	stop_server INT
	[ "$STATUS" -eq 0 ]
	[ "$(tail -n 1 "$SRV_ERR")" = "2 connections, 8 bytes echoed" ]
	run ! listening "$PORT"

	start_server
	stop_server INT
	[ "$STATUS" -eq 0 ]
	[ "$(tail -n 1 "$SRV_ERR")" = "0 connections, 0 bytes echoed" ]
	# -q: nothing on stderr at all.
	start_server -q -p 0 --json
	stop_server TERM
	[ "$STATUS" -eq 0 ]
	[ ! -s "$SRV_ERR" ]
}

@test "--max-conns 2: a third client is reset at once, unechoed, and the server says so" {
	start_server --max-conns 2
	bg_tool hold hold 127.0.0.1 "$PORT" 2
	hold=$BG_PID
	wait_for "$TOOL_OUT" '^held 2$' "$hold"
	tool_ok 20 eof 127.0.0.1 "$PORT"
	[ "$output" = "reset" ]
	wait_for "$SRV_ERR" "refused"
	grep -qE "^sockit echo-server: \('127\.0\.0\.1', [0-9]+\): refused: at the limit of 2 connections \(--max-conns\)$" "$SRV_ERR"
	# echo-client is reset: exit 1, "Connection reset by peer".
	run_client -w 5 127.0.0.1 "$PORT"
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[[ "$stderr" == *"Connection reset by peer"* ]]
	# Once one of the two goes, a new client is served.
	kill "$hold"
	for ((i = 0; i < 100; i++)); do
		run_client -w 5 127.0.0.1 "$PORT"
		[ "$status" -eq 0 ] && break
		sleep 0.05
	done
	[ "$status" -eq 0 ]
	stop_server
	grep -qE "^[0-9]+ connections, [0-9]+ bytes echoed, [0-9]+ refused$" "$SRV_ERR"
}

@test "--idle-timeout 2 closes an idle connection while an active one goes on" {
	start_server --idle-timeout 2
	tool_ok 30 idle 127.0.0.1 "$PORT" 10
	stop_server
	[ "$STATUS" -eq 0 ]
	grep -qE "^2 connections, [0-9]+ bytes echoed, 1 closed idle$" "$SRV_ERR"
}

@test "--json: listening, connected and closed events with the contract's keys" {
	start_server --json
	run_client 127.0.0.1 "$PORT"
	[ "$status" -eq 0 ]
	run_client -6 -m abc ::1 "$PORT"
	[ "$status" -eq 0 ]
	stop_server
	[ "$STATUS" -eq 0 ]
	# stderr has the summary only; stdout is all JSON.
	[ "$(cat "$SRV_ERR")" = "2 connections, 15 bytes echoed" ]
	json_check "
port = $PORT
v4 = {'family': 'AF_INET', 'host': '0.0.0.0', 'port': port}
v6 = {'family': 'AF_INET6', 'host': '::', 'port': port, 'flowinfo': 0, 'scope_id': 0}
assert [e['event'] for e in ev] == ['listening', 'listening', 'connected',
    'closed', 'connected', 'closed'], ev
assert ev[0] == {'event': 'listening', 'address': v4}, ev[0]
assert ev[1] == {'event': 'listening', 'address': v6}, ev[1]
for e in ev[2:]:
    assert set(e) == ({'event', 'peer', 'bytes'} if e['event'] == 'closed'
        else {'event', 'peer'}), e
a, b = ev[2]['peer'], ev[4]['peer']
assert a['family'] == 'AF_INET' and a['host'] == '127.0.0.1', a
assert set(a) == {'family', 'host', 'port'} and type(a['port']) is int, a
assert b['family'] == 'AF_INET6' and b['host'] == '::1', b
assert ev[3] == {'event': 'closed', 'peer': a, 'bytes': 12}, ev[3]
assert ev[5] == {'event': 'closed', 'peer': b, 'bytes': 3}, ev[5]
" "$SRV_OUT"
}

@test "--unix PATH: echoed over AF_UNIX; the socket file is removed at exit" {
	sock=$BATS_TEST_TMPDIR/echo.sock
	start_server --unix "$sock"
	[ "$(cat "$SRV_ERR")" = "Listening on '$sock'" ]
	[ -S "$sock" ]
	run_client --unix "$sock"
	[ "$status" -eq 0 ]
	[ "$output" = "Received b'Hello, world'" ]
	tool_ok 60 bulk "$sock" - $((8 << 20))
	wait_for "$SRV_OUT" "^Connected by ''$"
	stop_server
	[ "$STATUS" -eq 0 ]
	[ ! -e "$sock" ]
}

@test "--unix: a stale socket file is replaced, a live one is 'Address already in use' (exit 1)" {
	sock=$BATS_TEST_TMPDIR/echo.sock
	# A stale one: bound, then closed without unlinking.
	"$PYTHON" -c 'import socket, sys
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.close()' "$sock"
	[ -S "$sock" ]
	start_server --unix "$sock"
	run_client --unix "$sock"
	[ "$status" -eq 0 ]
	run --separate-stderr timeout 10 "$SOCKIT" echo-server --unix "$sock"
	[ "$status" -eq 1 ]
	[ "$stderr" = "sockit echo-server: '$sock': Address already in use" ]
	# The first one still serves, and still owns the file.
	run_client --unix "$sock"
	[ "$status" -eq 0 ]
	[ -S "$sock" ]
	# A file that is not a socket is left alone.
	run --separate-stderr timeout 10 "$SOCKIT" echo-server --unix "$BATS_TEST_TMPDIR"
	[ "$status" -eq 1 ]
	[ -d "$BATS_TEST_TMPDIR" ]
}

@test "a port in use or an address not here is exit 1; a family the host lacks, exit 3" {
	start_server -b 127.0.0.1
	run --separate-stderr timeout 10 "$SOCKIT" echo-server -b 127.0.0.1 -p "$PORT"
	[ "$status" -eq 1 ]
	[ "$stderr" = "sockit echo-server: ('127.0.0.1', $PORT): Address already in use" ]
	run --separate-stderr timeout 10 "$SOCKIT" echo-server -4 -b ::1 -p 0
	[ "$status" -eq 3 ]
	[ "$stderr" = "sockit echo-server: ::1: Address family for hostname not supported" ]
	# bind(2) to an address of no interface here fails before any packet
	# (unless the machine allows non-local binds).
	[ "$(cat /proc/sys/net/ipv4/ip_nonlocal_bind)" = 0 ] ||
		skip "net.ipv4.ip_nonlocal_bind is on"
	run --separate-stderr timeout 10 "$SOCKIT" echo-server -b 192.0.2.1 -p 0
	[ "$status" -eq 1 ]
	[ "$stderr" = "sockit echo-server: ('192.0.2.1', 0): Cannot assign requested address" ]
}

@test "usage errors exit 2 before anything is opened" {
	for args in "-p 70000" "-p -1" "--max-conns 0" "--max-conns x" \
		"--idle-timeout 0" "--idle-timeout abc" "--workers 0" "-4 -6" \
		"--once --max-conns 3" "--once --workers 2" "--unix /x -p 1" \
		"extra" "--bogus"; do
		run --separate-stderr timeout 10 "$SOCKIT" echo-server $args
		[ "$status" -eq 2 ] || fail "$args: status $status"
		[[ "$stderr" == "sockit echo-server: "* ]] || fail "$args: $stderr"
		[ -z "$output" ]
	done
	# Nothing is half-done: no socket file for a usage error.
	run --separate-stderr timeout 10 "$SOCKIT" echo-server \
		--unix "$BATS_TEST_TMPDIR/s" --workers 0
	[ "$status" -eq 2 ]
	[ ! -e "$BATS_TEST_TMPDIR/s" ]
	run --separate-stderr timeout 10 "$SOCKIT" echo-server -b nosuch.invalid -p 0
	[ "$status" -eq 3 ]
	[ "$stderr" = "sockit echo-server: nosuch.invalid: Name or service not known" ]
}

@test "--workers 8: a SIGTERM right at the start still ends it" {
	# A race: each try catches it with some chance (1 in 20 here).
	for ((i = 0; i < 30; i++)); do
		start_server --workers 8 -b 127.0.0.1
		kill -TERM "$SRV_PID"
		wait_exit "$SRV_PID"
		[ "$STATUS" -eq 0 ]
	done
}

# limited_server SOFT:HARD: echo-server on 127.0.0.1 under prlimit(1)'s
# descriptor limits, in the background; SRV_PID, SRV_OUT, SRV_ERR, PORT.
limited_server() {
	SRV_OUT=$BATS_TEST_TMPDIR/server.out
	SRV_ERR=$BATS_TEST_TMPDIR/server.err
	bg "$SRV_OUT" "$SRV_ERR" prlimit --nofile="$1" "$SOCKIT" echo-server \
		-b 127.0.0.1 -p 0
	SRV_PID=$BG_PID
	wait_for "$SRV_ERR" '^Listening on' "$SRV_PID"
	PORT=$(sed -n "s/^Listening on ('[^']*', \([0-9]*\).*/\1/p" "$SRV_ERR")
}

@test "the soft descriptor limit is raised to the hard one, for many clients" {
	command -v prlimit >/dev/null || skip "no prlimit(1)"
	limited_server 64:512
	limits=$(grep '^Max open files' "/proc/$SRV_PID/limits")
	[[ $limits =~ ^Max\ open\ files\ +512\ +512\ +files ]] || fail "$limits"
	stop_server
	[ "$STATUS" -eq 0 ]
}

@test "out of descriptors: accept pauses with a warning, and resumes when connections close" {
	command -v prlimit >/dev/null || skip "no prlimit(1)"
	# 32 descriptors, soft and hard (the server raises soft to hard).
	limited_server 32:32
	go=$BATS_TEST_TMPDIR/go
	bg_tool flood flood 127.0.0.1 "$PORT" 40 5 "$go"
	flood=$BG_PID
	wait_for "$TOOL_OUT" '^open 40$' "$flood"
	wait_for "$SRV_ERR" '^sockit echo-server: accept: Too many open files \(paused for a moment\)$' "$SRV_PID"
	touch "$go"
	wait_for "$TOOL_OUT" '^ok 5$' "$flood"
	# And it goes on serving.
	run_client 127.0.0.1 "$PORT"
	[ "$status" -eq 0 ]
	stop_server
	[ "$STATUS" -eq 0 ]
	grep -qx "41 connections, [0-9]* bytes echoed" "$SRV_ERR" ||
		fail "$(cat "$SRV_ERR")"
}
