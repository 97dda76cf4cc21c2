#!/usr/bin/env bats
# listen.bats - sockit listen: the EOF matrix on the server side (quiet
# and chatty client x who closes first), -w, -k in order, -k --exec at
# once with the peer in the environment, the --exec half-close case that
# ncat's own echo example gets wrong, --max-conns and access rules, real
# clients (nc.openbsd, ncat, socat), 64 MiB each way between connect and
# listen, UDP, AF_UNIX, systemd's LISTEN_FDS and inetd for listen and
# echo-server, and the JSON events.  Every background process is killed
# by PID in teardown, every wait bounded.
load netcat_helpers

# client MODE SIZE: the EOF matrix's client against the listener.
client() {
	run --separate-stderr timeout 30 "$PYTHON" "$PEERS/netcat_peers.py" \
		client 127.0.0.1 "$L_PORT" "$@"
}

@test "a client that half-closes first, quiet or chatty: both ways complete" {
	for size in 0 300000; do
		BG_IN=$BATS_TEST_TMPDIR/in
		pattern_file "$BG_IN" 100000
		start_listen
		client first "$size"
		[ "$status" -eq 0 ] || fail "$stderr"
		[ "$output" = "$(summary "$BG_IN")" ]
		wait_exit "$L_PID"
		[ "$STATUS" -eq 0 ] || fail "$(cat "$L_ERR")"
		pattern_file "$BATS_TEST_TMPDIR/want" "$size"
		cmp "$L_OUT" "$BATS_TEST_TMPDIR/want"
	done
}

@test "we half-close first: the client's answer after our end arrives whole" {
	for size in 0 500000; do
		BG_IN=$BATS_TEST_TMPDIR/in
		printf 'question' >"$BG_IN"
		start_listen
		client last "$size"
		[ "$status" -eq 0 ] || fail "$stderr"
		[ "$output" = "got 8 bytes sha256 $(printf question | sha256sum | cut -d' ' -f1)" ]
		wait_exit "$L_PID"
		[ "$STATUS" -eq 0 ] || fail "$(cat "$L_ERR")"
		pattern_file "$BATS_TEST_TMPDIR/want" "$size"
		cmp "$L_OUT" "$BATS_TEST_TMPDIR/want"
	done
}

@test "a client that resets: exit 1 with its address" {
	endless_stdin
	printf 'x' >&7
	BG_IN=$ENDLESS start_listen
	client reset 0
	close_stdin
	wait_exit "$L_PID"
	[ "$STATUS" -eq 1 ]
	grep -qE "^sockit listen: \('127\.0\.0\.1', [0-9]+\): Connection reset by peer$" "$L_ERR"
}

@test "-w: no client in time is exit 4; -p is required" {
	run --separate-stderr timeout 20 "$SOCKIT" listen -b 127.0.0.1 -p 0 -w 0.3
	[ "$status" -eq 4 ]
	[[ "$stderr" == *"sockit listen: -w: no client came in time" ]]
	run --separate-stderr "$SOCKIT" listen -b 127.0.0.1
	[ "$status" -eq 2 ]
	[[ "$stderr" == "sockit listen: -p PORT is required"* ]]
}

@test "-k: one connection at a time, in the order they came" {
	start_listen -k -v
	pattern_file "$BATS_TEST_TMPDIR/a" 100000
	head -c 50000 /dev/urandom >"$BATS_TEST_TMPDIR/b"
	# The first holds its connection until the second is queued.
	endless_stdin
	BG_IN=$ENDLESS bg "$BATS_TEST_TMPDIR/c1.out" "$BATS_TEST_TMPDIR/c1.err" \
		no7 "$SOCKIT" connect 127.0.0.1 "$L_PORT"
	c1=$BG_PID
	wait_for "$L_ERR" '^Connection from ' "$L_PID"
	BG_IN=$BATS_TEST_TMPDIR/b bg "$BATS_TEST_TMPDIR/c2.out" \
		"$BATS_TEST_TMPDIR/c2.err" no7 "$SOCKIT" connect 127.0.0.1 \
		"$L_PORT"
	c2=$BG_PID
	cat "$BATS_TEST_TMPDIR/a" >&7
	close_stdin
	wait_exit "$c1"
	[ "$STATUS" -eq 0 ]
	wait_exit "$c2"
	[ "$STATUS" -eq 0 ]
	cat "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b" >"$BATS_TEST_TMPDIR/want"
	for ((i = 0; i < 200; i++)); do
		[ "$(stat -c %s "$L_OUT")" -ge 150000 ] && break
		sleep 0.05
	done
	cmp "$L_OUT" "$BATS_TEST_TMPDIR/want"
	[ "$(grep -c '^Connection from ' "$L_ERR")" -eq 2 ]
	alive "$L_PID"
}

@test "-k --exec: a command per connection, at once, the peer in its environment" {
	start_listen -k --json --exec \
		'read x; echo "$x $SOCKIT_PEER_HOST $SOCKIT_PEER_PORT $SOCKIT_LOCAL_PORT"'
	pids=()
	for n in 1 2 3 4 5; do
		BG_IN=/dev/null
		printf 'c%s\n' "$n" >"$BATS_TEST_TMPDIR/in$n"
		BG_IN=$BATS_TEST_TMPDIR/in$n bg "$BATS_TEST_TMPDIR/o$n" \
			"$BATS_TEST_TMPDIR/e$n" "$SOCKIT" connect --events \
			"$BATS_TEST_TMPDIR/ev$n" 127.0.0.1 "$L_PORT"
		pids+=("$BG_PID")
	done
	for n in 1 2 3 4 5; do
		wait_exit "${pids[n - 1]}"
		[ "$STATUS" -eq 0 ]
		port=$(json_check "$BATS_TEST_TMPDIR/ev$n" '
print([e for e in ev if e["event"] == "connected"][0]["local"]["port"])')
		[ "$(cat "$BATS_TEST_TMPDIR/o$n")" = "c$n 127.0.0.1 $port $L_PORT" ]
	done
	kill -TERM "$L_PID"
	wait_exit "$L_PID"
	[ "$STATUS" -eq 0 ]
	json_check "$L_OUT" '
x = [e for e in ev if e["event"] == "exec"]
assert len(x) == 5 and all(e["status"] == 0 for e in x), x
assert len({e["pid"] for e in x}) == 5, x
assert ev[-1] == {"event": "exit", "status": 0, "reason": "ok"}, ev[-1]'
}

@test "--exec: after the client's EOF the command's output still reaches it (ncat's bug)" {
	start_listen --exec 'cat; sleep 0.2; echo "after EOF"'
	client first 5000
	[ "$status" -eq 0 ] || fail "$stderr"
	{ peer pattern 5000; echo "after EOF"; } >"$BATS_TEST_TMPDIR/want"
	[ "$output" = "$(summary "$BATS_TEST_TMPDIR/want")" ]
	wait_exit "$L_PID"
	[ "$STATUS" -eq 0 ]
	# nc.openbsd -N as the client: its EOF, then the tail.
	start_listen --exec 'cat; echo tail'
	run bash -c 'printf "hello\n" | timeout 20 nc.openbsd -N 127.0.0.1 "$1"' \
		_ "$L_PORT"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'hello\ntail')" ]
	wait_exit "$L_PID"
	[ "$STATUS" -eq 0 ]
}

@test "--max-conns with -k --exec resets the one too many; --deny resets its client" {
	start_listen -k --max-conns 1 --exec 'cat'
	endless_stdin
	BG_IN=$ENDLESS bg "$BATS_TEST_TMPDIR/c1.out" "$BATS_TEST_TMPDIR/c1.err" \
		no7 "$SOCKIT" connect 127.0.0.1 "$L_PORT"
	printf 'first\n' >&7
	wait_for "$BATS_TEST_TMPDIR/c1.out" '^first$' "$BG_PID"
	run --separate-stderr timeout 20 "$SOCKIT" connect 127.0.0.1 "$L_PORT" \
		</dev/null 7>&-
	[ "$status" -eq 1 ] || fail "$status $stderr"
	[[ "$stderr" == *"Connection reset by peer" ]] || fail "$stderr"
	grep -q "refused: at the limit of 1 (--max-conns)" "$L_ERR"
	close_stdin
	start_listen --deny 127.0.0.0/8 -w 5
	run --separate-stderr timeout 20 "$SOCKIT" connect 127.0.0.1 "$L_PORT" \
		</dev/null
	[ "$status" -eq 1 ]
	wait_for "$L_ERR" "denied by the access rules" "$L_PID"
}

@test "real clients: ncat, socat and python, a file each way" {
	pattern_file "$BATS_TEST_TMPDIR/ours" 300000
	head -c 200000 /dev/urandom >"$BATS_TEST_TMPDIR/theirs"
	BG_IN=$BATS_TEST_TMPDIR/ours start_listen
	run bash -c 'timeout 20 ncat 127.0.0.1 "$1" <"$2" >"$3"' _ "$L_PORT" \
		"$BATS_TEST_TMPDIR/theirs" "$BATS_TEST_TMPDIR/got"
	[ "$status" -eq 0 ]
	cmp "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/ours"
	wait_exit "$L_PID"
	[ "$STATUS" -eq 0 ]
	cmp "$L_OUT" "$BATS_TEST_TMPDIR/theirs"
	BG_IN=$BATS_TEST_TMPDIR/ours start_listen
	run bash -c 'timeout 20 socat -t 10 - TCP:127.0.0.1:"$1" <"$2" >"$3"' \
		_ "$L_PORT" "$BATS_TEST_TMPDIR/theirs" "$BATS_TEST_TMPDIR/got"
	[ "$status" -eq 0 ]
	cmp "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/ours"
	wait_exit "$L_PID"
	cmp "$L_OUT" "$BATS_TEST_TMPDIR/theirs"
}

@test "64 MiB each way at once between connect and listen, byte-exact" {
	head -c 67108864 /dev/urandom >"$BATS_TEST_TMPDIR/a"
	head -c 67108864 /dev/urandom >"$BATS_TEST_TMPDIR/b"
	BG_IN=$BATS_TEST_TMPDIR/a start_listen
	run bash -c 'timeout 120 "$1" connect 127.0.0.1 "$2" <"$3" >"$4"' _ \
		"$SOCKIT" "$L_PORT" "$BATS_TEST_TMPDIR/b" "$BATS_TEST_TMPDIR/got"
	[ "$status" -eq 0 ]
	wait_exit "$L_PID" 60
	[ "$STATUS" -eq 0 ]
	cmp "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/a"
	cmp "$L_OUT" "$BATS_TEST_TMPDIR/b"
}

@test "-u: datagrams from every peer to stdout; stdin's lines to the last" {
	endless_stdin
	BG_IN=$ENDLESS start_listen -u -v
	run timeout 20 "$SOCKIT" udp-send -m one 127.0.0.1 "$L_PORT"
	[ "$status" -eq 0 ]
	bg "$BATS_TEST_TMPDIR/r.out" "$BATS_TEST_TMPDIR/r.err" "$PYTHON" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(20)
s.sendto(b"two", ("127.0.0.1", int(sys.argv[1])))
print(s.recvfrom(100)[0].decode(), flush=True)' "$L_PORT"
	rpid=$BG_PID
	for ((i = 0; i < 200; i++)); do
		[ "$(cat "$L_OUT")" = "onetwo" ] && break
		sleep 0.05
	done
	[ "$(cat "$L_OUT")" = "onetwo" ]
	printf 'answer\n' >&7
	wait_exit "$rpid"
	[ "$STATUS" -eq 0 ]
	[ "$(cat "$BATS_TEST_TMPDIR/r.out")" = "answer" ]
	close_stdin
	kill -TERM "$L_PID"
	wait_exit "$L_PID"
	[ "$STATUS" -eq 0 ]
}

@test "--unix: listen on a path, and the file is gone at the end" {
	path=$BATS_TEST_TMPDIR/sock
	start_listen --unix "$path" --json
	run timeout 20 bash -c 'printf "over unix" | "$1" connect --unix "$2"' \
		_ "$SOCKIT" "$path"
	[ "$status" -eq 0 ]
	wait_exit "$L_PID"
	[ "$STATUS" -eq 0 ]
	[ ! -e "$path" ]
	json_check "$L_OUT" '
d = b"".join(base64.b64decode(e["data_b64"]) for e in ev
             if e["event"] == "data")
assert d == b"over unix", d
assert ev[0]["event"] == "listening" and ev[0]["address"]["family"] == "AF_UNIX"'
}

@test "LISTEN_FDS from a launcher: listen and echo-server serve the socket they were given" {
	bg "$BATS_TEST_TMPDIR/l.out" "$BATS_TEST_TMPDIR/l.err" "$PYTHON" \
		"$PEERS/netcat_peers.py" launch "$BATS_TEST_TMPDIR/l.port" \
		"$SOCKIT" listen --exec 'echo "inherited $SOCKIT_LOCAL_PORT"'
	lpid=$BG_PID
	wait_for "$BATS_TEST_TMPDIR/l.port" '^[0-9]+$' "$lpid"
	port=$(cat "$BATS_TEST_TMPDIR/l.port")
	run timeout 20 "$SOCKIT" connect 127.0.0.1 "$port" </dev/null
	[ "$status" -eq 0 ]
	[ "$output" = "inherited $port" ]
	wait_exit "$lpid"
	[ "$STATUS" -eq 0 ]
	grep -qx "Listening on ('127.0.0.1', $port)" "$BATS_TEST_TMPDIR/l.err"
	# LISTEN_PID of another process: not ours, -p is then required.
	run --separate-stderr env LISTEN_PID=1 LISTEN_FDS=1 "$SOCKIT" listen
	[ "$status" -eq 2 ]
	bg "$BATS_TEST_TMPDIR/e.out" "$BATS_TEST_TMPDIR/e.err" "$PYTHON" \
		"$PEERS/netcat_peers.py" launch "$BATS_TEST_TMPDIR/e.port" \
		"$SOCKIT" echo-server --once
	epid=$BG_PID
	wait_for "$BATS_TEST_TMPDIR/e.port" '^[0-9]+$' "$epid"
	port=$(cat "$BATS_TEST_TMPDIR/e.port")
	run timeout 20 "$SOCKIT" echo-client 127.0.0.1 "$port"
	[ "$status" -eq 0 ]
	[ "$output" = "Received b'Hello, world'" ]
	wait_exit "$epid"
	[ "$STATUS" -eq 0 ]
}

@test "--inetd: the connection on stdin and stdout, for listen --exec and echo-server" {
	bg "$BATS_TEST_TMPDIR/i.out" "$BATS_TEST_TMPDIR/i.err" "$PYTHON" \
		"$PEERS/netcat_peers.py" inetd "$BATS_TEST_TMPDIR/i.port" \
		"$SOCKIT" listen --inetd --exec 'cat; echo "from $SOCKIT_PEER_HOST"'
	ipid=$BG_PID
	wait_for "$BATS_TEST_TMPDIR/i.port" '^[0-9]+$' "$ipid"
	run timeout 20 bash -c 'printf "hi\n" | "$1" connect 127.0.0.1 "$2"' \
		_ "$SOCKIT" "$(cat "$BATS_TEST_TMPDIR/i.port")"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'hi\nfrom 127.0.0.1')" ]
	wait_exit "$ipid"
	[ "$STATUS" -eq 0 ]
	bg "$BATS_TEST_TMPDIR/j.out" "$BATS_TEST_TMPDIR/j.err" "$PYTHON" \
		"$PEERS/netcat_peers.py" inetd "$BATS_TEST_TMPDIR/j.port" \
		"$SOCKIT" echo-server --inetd -q
	jpid=$BG_PID
	wait_for "$BATS_TEST_TMPDIR/j.port" '^[0-9]+$' "$jpid"
	run timeout 20 "$SOCKIT" echo-client -m 'echoed by inetd' 127.0.0.1 \
		"$(cat "$BATS_TEST_TMPDIR/j.port")"
	[ "$status" -eq 0 ]
	[ "$output" = "Received b'echoed by inetd'" ]
	wait_exit "$jpid"
	[ "$STATUS" -eq 0 ]
	run --separate-stderr "$SOCKIT" listen --inetd
	[ "$status" -eq 2 ]
}

@test "usage errors exit 2 before anything is opened" {
	for args in "-p 0 x" "-p 70000" "-p 0 --unix /x" "-p 0 -u -k" \
		"-p 0 --max-conns 2" "-p 0 --send-only --recv-only" \
		"--inetd -k --exec cat" "-p 0 --allow 10.0.0.0/33" "--bogus"; do
		run --separate-stderr timeout 10 "$SOCKIT" listen $args
		[ "$status" -eq 2 ] || fail "$args: $status $stderr"
		[[ "$stderr" == "sockit listen: "* ]] || fail "$args: $stderr"
	done
}

@test "-k without --exec: SIGTERM ends it with exit 0, waiting or serving" {
	start_listen -k -v
	kill -TERM "$L_PID"
	wait_exit "$L_PID"
	[ "$STATUS" -eq 0 ] || fail "$(cat "$L_ERR")"
	start_listen -k -v
	endless_stdin
	BG_IN=$ENDLESS bg "$BATS_TEST_TMPDIR/c.out" "$BATS_TEST_TMPDIR/c.err" \
		no7 "$SOCKIT" connect 127.0.0.1 "$L_PORT"
	wait_for "$L_ERR" '^Connection from ' "$L_PID"
	kill -TERM "$L_PID"
	wait_exit "$L_PID"
	[ "$STATUS" -eq 0 ] || fail "$(cat "$L_ERR")"
	close_stdin
}
