#!/usr/bin/env bats
# echo-client.bats - sockit echo-client, as its man page describes it, against
# the reference's own echo servers (tests/peers, the IPv4 and the dual-stack
# one) and their documented transcripts, against sockit echo-server, and
# against misbehaving servers (tests/peers/echo_tool.py) for the data check
# (exit 5), timeouts (exit 4), the netcat mode's half-close and the tail of a
# reply.  Every background process is killed by PID in teardown
# (echo_helpers.bash) and every wait is bounded.

load echo_helpers

@test "to the reference's IPv4 server: the documented transcript on both sides" {
	start_reference_server echo_server_v4.py ''
	# localhost is ::1 first here: refused by the IPv4-only server, so the
	# client goes on to 127.0.0.1, as the reference's dual-stack one does.
	run_client localhost "$PEER_PORT"
	[ "$status" -eq 0 ]
	[ "$output" = "Received b'Hello, world'" ]
	[ -z "$stderr" ]
	# The reference's server served its one client and ended.
	wait_exit "$PEER_PID"
	[ "$STATUS" -eq 0 ]
	[[ "$(cat "$PEER_OUT")" =~ ^Connected\ by\ \(\'127\.0\.0\.1\',\ [0-9]+\)$ ]] ||
		fail "$(cat "$PEER_OUT")"
}

@test "to the reference's dual-stack server: the documented transcript on both sides" {
	start_reference_server echo_server_dual.py ''
	run_client localhost "$PEER_PORT"
	[ "$status" -eq 0 ]
	[ "$output" = "Received b'Hello, world'" ]
	[ -z "$stderr" ]
	wait_exit "$PEER_PID"
	[ "$STATUS" -eq 0 ]
	# It listens on the first family getaddrinfo gives: either tuple.
	[[ "$(cat "$PEER_OUT")" =~ ^Connected\ by\ \((\'127\.0\.0\.1\',\ [0-9]+|\'::1\',\ [0-9]+,\ 0,\ 0)\)$ ]] ||
		fail "$(cat "$PEER_OUT")"
}

@test "it prints what the reference's own client prints, to the reference's server" {
	start_reference_server echo_server_v4.py 127.0.0.1
	run_reference echo_client_v4.py 127.0.0.1 "$PEER_PORT"
	want=$output
	[ "$want" = "Received b'Hello, world'" ]
	wait_exit "$PEER_PID"
	start_reference_server echo_server_v4.py 127.0.0.1
	run_client 127.0.0.1 "$PEER_PORT"
	[ "$output" = "$want" ]
	# -m: any message, and its bytes literal as Python's repr prints it.
	start_reference_server echo_server_dual.py ''
	run_client -m "it's \"x\"" 127.0.0.1 "$PEER_PORT"
	[ "$status" -eq 0 ]
	[ "$output" = "Received $("$PYTHON" -c 'print(repr(b"it'"'"'s \"x\""))')" ]
}

@test "-6 ::1, -4 localhost, and the default order of localhost (::1 first)" {
	start_server
	run_client -6 ::1 "$PORT"
	[ "$status" -eq 0 ]
	[ "$output" = "Received b'Hello, world'" ]
	run_client -4 localhost "$PORT"
	[ "$status" -eq 0 ]
	run_client localhost "$PORT"
	[ "$status" -eq 0 ]
	run_client -6 sockit-six.test "$PORT"
	[ "$status" -eq 0 ]
	wait_lines "$SRV_OUT" 4
	[[ "$(sed -n 1p "$SRV_OUT")" =~ ^Connected\ by\ \(\'::1\',\ [0-9]+,\ 0,\ 0\)$ ]]
	[[ "$(sed -n 2p "$SRV_OUT")" =~ ^Connected\ by\ \(\'127\.0\.0\.1\',\ [0-9]+\)$ ]]
	[[ "$(sed -n 3p "$SRV_OUT")" =~ ^Connected\ by\ \(\'::1\', ]]
	[[ "$(sed -n 4p "$SRV_OUT")" =~ ^Connected\ by\ \(\'::1\', ]]
	# -v says where it connected.
	run_client -v -4 localhost "$PORT"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"Connected to ('127.0.0.1', $PORT)"* ]] || fail "$stderr"
}

@test "-s and --source-port: the server sees the source address and port" {
	start_server
	run_client -s 127.0.0.2 127.0.0.1 "$PORT"
	[ "$status" -eq 0 ]
	[ "$output" = "Received b'Hello, world'" ]
	wait_lines "$SRV_OUT" 1
	[[ "$(sed -n 1p "$SRV_OUT")" =~ ^Connected\ by\ \(\'127\.0\.0\.2\',\ [0-9]+\)$ ]]
	run_client -s sockit-b.test 127.0.0.1 "$PORT"
	[ "$status" -eq 0 ]
	wait_lines "$SRV_OUT" 2
	[[ "$(sed -n 2p "$SRV_OUT")" =~ ^Connected\ by\ \(\'127\.0\.0\.3\',\ [0-9]+\)$ ]]
	# A source port free at the moment; another program may take it
	# first, so a few tries.
	for ((i = 0; i < 5; i++)); do
		sport=$(tool free-port)
		run_client --source-port "$sport" -s 127.0.0.2 127.0.0.1 "$PORT"
		[ "$status" -eq 0 ] && break
	done
	[ "$status" -eq 0 ] || fail "$stderr"
	wait_lines "$SRV_OUT" 3
	[ "$(sed -n 3p "$SRV_OUT")" = "Connected by ('127.0.0.2', $sport)" ]
	for ((i = 0; i < 5; i++)); do
		sport=$(tool free-port)
		run_client --source-port "$sport" -6 ::1 "$PORT"
		[ "$status" -eq 0 ] && break
	done
	[ "$status" -eq 0 ] || fail "$stderr"
	wait_lines "$SRV_OUT" 4
	[ "$(sed -n 4p "$SRV_OUT")" = "Connected by ('::1', $sport, 0, 0)" ]
}

@test "--size 50000000: a generated payload sent while it is read back, verified" {
	start_server -v
	run --separate-stderr timeout 60 "$SOCKIT" echo-client --size 50000000 127.0.0.1 "$PORT"
	[ "$status" -eq 0 ] || fail "$stderr"
	[ "$output" = "Received 50000000 bytes" ]
	wait_for "$SRV_ERR" "^Closed .*: 50000000 bytes$"
	run_client --size 0 127.0.0.1 "$PORT"
	[ "$status" -eq 0 ]
	[ "$output" = "Received 0 bytes" ]
}

@test "an echo with a byte changed: exit 5, the first differing byte on stderr" {
	start_tool_server corrupt 7
	run_client 127.0.0.1 "$PEER_PORT"
	[ "$status" -eq 5 ]
	# 'w' (0x77) flipped is 0x88.
	[ "$output" = "Received b'Hello, \\x88orld'" ]
	[ "$stderr" = "sockit echo-client: ('127.0.0.1', $PEER_PORT): echo differs from what was sent at byte 7" ]

	start_tool_server corrupt 300000
	run --separate-stderr timeout 30 "$SOCKIT" echo-client --size 1000000 \
		127.0.0.1 "$PEER_PORT"
	[ "$status" -eq 5 ]
	[ "$stderr" = "sockit echo-client: ('127.0.0.1', $PEER_PORT): echo differs from what was sent at byte 300000" ]

	start_tool_server corrupt 0
	run_client --json 127.0.0.1 "$PEER_PORT"
	[ "$status" -eq 5 ]
	without_exit 5
	"$PYTHON" -c 'import json, sys
e = json.loads(sys.argv[1])
assert e["verified"] is False and e["bytes"] == 12, e' "$output"
}

@test "an echo cut short by the server's close: exit 5, 'came back before EOF'" {
	start_tool_server short 12 5
	run_client 127.0.0.1 "$PEER_PORT"
	[ "$status" -eq 5 ]
	[ "$output" = "Received b'Hello'" ]
	[ "$stderr" = "sockit echo-client: ('127.0.0.1', $PEER_PORT): echo differs: sent 12 bytes, 5 came back before EOF" ]

	start_tool_server short 12 0
	run_client 127.0.0.1 "$PEER_PORT"
	[ "$status" -eq 5 ]
	[ "$output" = "Received b''" ]
	[[ "$stderr" == *"sent 12 bytes, 0 came back before EOF" ]]
}

@test "--json: a received event with the contract's keys" {
	start_server
	run_client --json 127.0.0.1 "$PORT"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	without_exit 0
	[ "${#lines[@]}" -eq 1 ]
	"$PYTHON" -c 'import json, sys
e = json.loads(sys.argv[1])
port = int(sys.argv[2])
want = {"event": "received",
    "peer": {"family": "AF_INET", "host": "127.0.0.1", "port": port},
    "bytes": 12, "data": "Hello, world", "data_b64": "SGVsbG8sIHdvcmxk"}
for k, v in want.items():
    assert e[k] == v, (k, e)
# One key beyond the contract: whether the echo was what was sent.
assert set(e) - set(want) <= {"verified"}, e
assert e.get("verified", True) is True, e' "$output" "$PORT"

	# Not UTF-8: data_b64 only; UTF-8: a lossless data string too.
	run_client --json -6 -m $'\xff\xfeok' ::1 "$PORT"
	[ "$status" -eq 0 ]
	without_exit 0
	run --separate-stderr "$PYTHON" -c 'import base64, json, sys
e = json.loads(sys.argv[1])
assert e["peer"]["family"] == "AF_INET6" and e["peer"]["host"] == "::1", e
assert "data" not in e and base64.b64decode(e["data_b64"]) == b"\xff\xfeok", e
assert e["bytes"] == 4, e' "$output"
	[ "$status" -eq 0 ] || fail "$output $stderr"
	run_client --json -m 'héllo wörld ✓' 127.0.0.1 "$PORT"
	[ "$status" -eq 0 ]
	without_exit 0
	"$PYTHON" -c 'import base64, json, sys
e = json.loads(sys.argv[1])
assert e["data"] == "héllo wörld ✓", e
assert base64.b64decode(e["data_b64"]).decode() == e["data"], e
assert e["bytes"] == len(e["data"].encode()), e' "$output"
}

@test "--count 5 --interval 0 --json: five rtt events, seq 1 to 5, and a summary" {
	start_server
	run_client --count 5 --interval 0 --json 127.0.0.1 "$PORT"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	without_exit 0
	[ "${#lines[@]}" -eq 6 ]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/ping.json"
	"$PYTHON" -c 'import json, statistics, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
num = (int, float)
for i, e in enumerate(ev[:5]):
    assert set(e) == {"event", "seq", "bytes", "rtt_ms"}, e
    assert e["event"] == "rtt" and e["seq"] == i + 1 and e["bytes"] == 12, e
    assert isinstance(e["rtt_ms"], num) and e["rtt_ms"] >= 0, e
s = ev[5]
assert s["event"] == "summary" and s["count"] == 5, s
keys = ["min_ms", "avg_ms", "max_ms", "mdev_ms", "p50_ms", "p90_ms",
    "p99_ms"]
assert {"event", "count", *keys} <= set(s), s
assert all(isinstance(s[k], num) and not isinstance(s[k], bool) for k in keys), s
assert s["min_ms"] <= s["p50_ms"] <= s["p90_ms"] <= s["p99_ms"] <= s["max_ms"], s
assert abs(s["mdev_ms"] - statistics.pstdev(e["rtt_ms"] for e in ev[:5])) < 1e-9, s
assert s["min_ms"] <= s["avg_ms"] <= s["max_ms"], s
rtts = sorted(e["rtt_ms"] for e in ev[:5])
assert s["min_ms"] == rtts[0] and s["max_ms"] == rtts[-1], (s, rtts)
assert abs(s["avg_ms"] - sum(rtts) / 5) < 1e-9, (s, rtts)
' "$BATS_TEST_TMPDIR/ping.json"
	# One connection for the five round trips.
	wait_lines "$SRV_OUT" 1
	[ "$(wc -l <"$SRV_OUT")" -eq 1 ]
}

@test "--count 3: a line per round trip and the ping-style summary" {
	start_server
	run_client --count 3 --interval 0.01 -m abcd 127.0.0.1 "$PORT"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 4 ]
	for i in 1 2 3; do
		[[ "${lines[i - 1]}" =~ ^4\ bytes\ from\ \(\'127\.0\.0\.1\',\ $PORT\):\ seq=$i\ time=[0-9]+\.[0-9]{3}\ ms$ ]] ||
			fail "${lines[i - 1]}"
	done
	[[ "${lines[3]}" =~ ^3\ round\ trips\ to\ \(\'127\.0\.0\.1\',\ $PORT\):\ min/avg/max/mdev\ =\ [0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+\ ms,\ p50/p90/p99\ =\ [0-9.]+/[0-9.]+/[0-9.]+\ ms$ ]] ||
		fail "${lines[3]}"
	# A corrupted echo stops the ping with exit 5, after its summary.
	start_tool_server corrupt 13
	run_client --count 3 --interval 0 127.0.0.1 "$PEER_PORT"
	[ "$status" -eq 5 ]
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[2]}" == "2 round trips to "* ]]
	[[ "$stderr" == *"echo differs from what was sent at byte 1" ]] || fail "$stderr"
}

@test "refused: exit 1, 'could not open socket: Connection refused'" {
	port=$(closed_port)
	run_client 127.0.0.1 "$port"
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ "$stderr" = "sockit echo-client: could not open socket: Connection refused" ]
	# Every address of localhost is tried; the last reason is given.
	run_client localhost "$port"
	[ "$status" -eq 1 ]
	[ "$stderr" = "sockit echo-client: could not open socket: Connection refused" ]
	run_client --unix "$BATS_TEST_TMPDIR/none"
	[ "$status" -eq 1 ]
	[ "$stderr" = "sockit echo-client: could not open socket: No such file or directory" ]
}

@test "a name that does not resolve, or a family it lacks: exit 3" {
	run_client nosuch.invalid 50007
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[ "$stderr" = "sockit echo-client: nosuch.invalid: Name or service not known" ]
	run_client -6 127.0.0.1 50007
	[ "$status" -eq 3 ]
	[ "$stderr" = "sockit echo-client: 127.0.0.1: Address family for hostname not supported" ]
	# An IPv4-only name asked for IPv6 (as Python's getaddrinfo says).
	run_client -6 sockit-a.test 50007
	[ "$status" -eq 3 ]
	[ "$stderr" = "sockit echo-client: sockit-a.test: Name or service not known" ]
}

@test "-w 0.5: a server that never answers is exit 4 'timed out'; so is a connect that hangs" {
	start_tool_server silent
	run_client -w 0.5 127.0.0.1 "$PEER_PORT"
	[ "$status" -eq 4 ]
	[ -z "$output" ]
	[ "$stderr" = "sockit echo-client: ('127.0.0.1', $PEER_PORT): timed out" ]
	# A full accept queue drops the SYN: connect itself times out.
	start_tool_server full-backlog
	run_client -w 0.5 127.0.0.1 "$PEER_PORT"
	[ "$status" -eq 4 ]
	[ "$stderr" = "sockit echo-client: could not open socket: timed out" ]
}

@test "usage errors exit 2 with a hint, before any connection" {
	for args in "127.0.0.1 70000" "--count -1" "--count 0" "-w abc" "-w 0" \
		"-w -1" "--stdin -m x" "--stdin --count 2" "--stdin --json" \
		"--stdin --size 10" "--size 10 -m x" "--size -5" "--interval 1" \
		"-4 -6" "-v -q" "--unix /x 127.0.0.1" "--unix /x -4" \
		"--source-port 70000" "a b c" "--bogus"; do
		run_client $args
		[ "$status" -eq 2 ] || fail "$args: status $status"
		# --json's exit event, when the options were read.
		if [[ "$args" == *--json* ]]; then without_exit 2; fi
		[ -z "$output" ]
		[[ "${stderr%%$'\n'*}" == "sockit echo-client: "* ]] || fail "$args: $stderr"
		[[ "$stderr" == *"Try 'sockit echo-client --help' for more information." ]] ||
			fail "$args: $stderr"
	done
	run --separate-stderr "$SOCKIT" echo-client 127.0.0.1 70000
	[ "${stderr%%$'\n'*}" = "sockit echo-client: PORT: '70000': out of range (0 to 65535)" ]
}

@test "--stdin: 10 MiB of binary data round trip byte for byte through stdout" {
	start_server
	head -c $((10 << 20)) /dev/urandom >"$BATS_TEST_TMPDIR/in"
	timeout 60 "$SOCKIT" echo-client --stdin 127.0.0.1 "$PORT" \
		<"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err"
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
	cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
	# From a pipe, into a pipe, over IPv6.
	cat "$BATS_TEST_TMPDIR/in" | timeout 60 "$SOCKIT" echo-client --stdin \
		-6 ::1 "$PORT" | cmp - "$BATS_TEST_TMPDIR/in"
	# Nothing in: nothing out, exit 0.
	run_client --stdin 127.0.0.1 "$PORT" </dev/null
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "--stdin: 32 MiB of random data, and -v counts the bytes" {
	start_server
	head -c $((32 << 20)) /dev/urandom >"$BATS_TEST_TMPDIR/in"
	timeout 60 "$SOCKIT" echo-client -v --stdin 127.0.0.1 "$PORT" \
		<"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err"
	cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
	grep -qx "$((32 << 20)) bytes sent, $((32 << 20)) bytes received" \
		"$BATS_TEST_TMPDIR/err" || fail "$(cat "$BATS_TEST_TMPDIR/err")"
}

@test "--stdin: EOF on stdin half-closes, and the whole reply that follows is printed" {
	head -c $((1 << 20)) /dev/urandom >"$BATS_TEST_TMPDIR/in"
	sum=$(sha256sum <"$BATS_TEST_TMPDIR/in" | cut -d' ' -f1)
	{
		echo "got $((1 << 20)) bytes sha256 $sum"
		tool pattern $((3 << 20))
	} >"$BATS_TEST_TMPDIR/want"
	start_tool_server reply-at-eof $((3 << 20))
	timeout 30 "$SOCKIT" echo-client --stdin 127.0.0.1 "$PEER_PORT" \
		<"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
	cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/out"
	wait_exit "$PEER_PID"
	[ "$STATUS" -eq 0 ]
}

@test "--stdin: a server that closes before reading all is exit 1, input not sent" {
	start_tool_server short 5 5
	head -c $((64 << 20)) /dev/zero >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr timeout 30 "$SOCKIT" echo-client --stdin 127.0.0.1 \
		"$PEER_PORT" <"$BATS_TEST_TMPDIR/in"
	[ "$status" -eq 1 ]
	# The reset reaches a write as ECONNRESET, or as EPIPE when the kernel
	# has already taken the reset in (sendfile from a file often has).
	[[ $stderr =~ ^"sockit echo-client: ('127.0.0.1', $PEER_PORT): "("Connection reset by peer"|"Broken pipe")"; input not sent"$ ]] ||
		fail "$stderr"
}

@test "--stdin: what comes back is printed at once, while stdin stays open" {
	# The server answers each piece 0.2 s late, so the client has surely
	# found nothing to read right after sending.
	start_tool_server lagged 0.2
	fifo=$BATS_TEST_TMPDIR/fifo
	mkfifo "$fifo"
	out=$BATS_TEST_TMPDIR/out
	BG_IN=$fifo bg "$out" "$BATS_TEST_TMPDIR/err" "$SOCKIT" echo-client \
		--stdin 127.0.0.1 "$PEER_PORT"
	client=$BG_PID
	exec 7>"$fifo"
	echo first >&7
	wait_for "$out" '^first$' "$client"
	echo second >&7
	wait_for "$out" '^second$' "$client"
	exec 7>&-
	wait_exit "$client"
	[ "$STATUS" -eq 0 ]
	[ "$(cat "$out")" = $'first\nsecond' ]
}

@test "--stdin to a terminal: control bytes escaped, UTF-8 and CR LF as they are" {
	command -v script >/dev/null || skip "no script(1)"
	start_server
	printf 'HTTP/1.0 200 OK\r\nw\303\266rld a\033[31mb\000c\\d\te\rf\302\233g\377\n' \
		>"$BATS_TEST_TMPDIR/in"
	run timeout 10 script -qec "'$SOCKIT' echo-client --stdin 127.0.0.1 $PORT <'$BATS_TEST_TMPDIR/in'" /dev/null
	[ "$status" -eq 0 ]
	# script(1)'s terminal turns each LF into CR LF.
	[ "$output" = $'HTTP/1.0 200 OK\r\r\nw\303\266rld a\\x1b[31mb\\x00c\\d\te\\x0df\\xc2\\x9bg\\xff\r' ] ||
		fail "$(printf '%q' "$output")"
	# --raw: every byte as it came.
	run timeout 10 script -qec "'$SOCKIT' echo-client --raw --stdin 127.0.0.1 $PORT <'$BATS_TEST_TMPDIR/in'" /dev/null
	[ "$status" -eq 0 ]
	[[ "$output" == *$'a\033[31mb'* ]] || fail "$(printf '%q' "$output")"
	# To a pipe or a file: as received, with or without --raw.
	"$SOCKIT" echo-client --stdin 127.0.0.1 "$PORT" <"$BATS_TEST_TMPDIR/in" |
		cmp - "$BATS_TEST_TMPDIR/in"
}

@test "--stdin to a terminal: a sequence split between reads is not escaped" {
	command -v script >/dev/null || skip "no script(1)"
	# A server that sends the two bytes of o-umlaut 0.2 s apart, in
	# two segments (TCP_NODELAY), then closes.
	"$PYTHON" - "$BATS_TEST_TMPDIR/port" >"$BATS_TEST_TMPDIR/srv.out" \
		2>&1 3>&- <<'PY' &
import os, socket, sys, time
ls = socket.socket(); ls.bind(('127.0.0.1', 0)); ls.listen(1)
open(sys.argv[1] + '.tmp', 'w').write('%d\n' % ls.getsockname()[1])
os.rename(sys.argv[1] + '.tmp', sys.argv[1])
ls.settimeout(20); c, _ = ls.accept()
c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
c.sendall(b'w\xc3'); time.sleep(0.2); c.sendall(b'\xb6rld\n'); c.close()
PY
	BG_PIDS+=("$!")
	wait_for "$BATS_TEST_TMPDIR/port" '^[0-9]+$' "$!"
	run timeout 10 script -qec "'$SOCKIT' echo-client --stdin 127.0.0.1 $(cat "$BATS_TEST_TMPDIR/port") </dev/null" /dev/null
	[ "$status" -eq 0 ]
	[ "$output" = $'w\303\266rld\r' ] || fail "$(printf '%q' "$output")"
}

@test "--raw needs --stdin" {
	run_client --raw 127.0.0.1 1
	[ "$status" -eq 2 ]
	[[ "$stderr" == "sockit echo-client: --raw needs --stdin"* ]] || fail "$stderr"
}

# closewait PID PORT: wait (bounded) until the client PID's connection to
# PORT has the server's FIN (CLOSE-WAIT), or PID ended; fails in the
# second case: the client must not end at the server's half-close.
closewait() {
	local i
	for ((i = 0; i < 200; i++)); do
		alive "$1" || break
		[ -n "$(ss -Htn state close-wait "dport = :$2")" ] && return 0
		sleep 0.05
	done
	alive "$1" || fail "the client ended at the server's half-close"
	[ -n "$(ss -Htn state close-wait "dport = :$2")" ] ||
		fail "the server's half-close did not arrive"
}

# halfclose_first PORT: the client sends 100000 bytes from a fifo that is
# written only after the server's FIN reached it; all of them must be
# sent, and the client exits 0.  SUM: their sha256.
halfclose_first() {
	local fifo=$BATS_TEST_TMPDIR/fifo.$1 client
	head -c 100000 /dev/urandom >"$BATS_TEST_TMPDIR/blob"
	SUM=$(sha256sum <"$BATS_TEST_TMPDIR/blob" | cut -d' ' -f1)
	mkfifo "$fifo"
	exec 7<>"$fifo"
	# Not bg: the client must not hold the fifo's writing end (fd 7).
	"$SOCKIT" echo-client --stdin 127.0.0.1 "$1" <"$fifo" \
		>"$BATS_TEST_TMPDIR/c.out" 2>"$BATS_TEST_TMPDIR/c.err" 3>&- 7>&- &
	client=$!
	BG_PIDS+=("$client")
	closewait "$client" "$1" || { exec 7>&-; return 1; }
	timeout 10 cat "$BATS_TEST_TMPDIR/blob" >&7
	exec 7>&-
	wait_exit "$client"
	[ "$STATUS" -eq 0 ] || fail "client status $STATUS: $(cat "$BATS_TEST_TMPDIR/c.err")"
	[ ! -s "$BATS_TEST_TMPDIR/c.err" ] || fail "$(cat "$BATS_TEST_TMPDIR/c.err")"
}

@test "--stdin: a server that half-closes first does not end the session (Python)" {
	start_tool_server shut-first
	halfclose_first "$PEER_PORT"
	wait_exit "$PEER_PID"
	grep -qx "got 100000 bytes sha256 $SUM" "$BATS_TEST_TMPDIR/peer0.out" ||
		fail "server: $(cat "$BATS_TEST_TMPDIR"/peer0.*)"
}

@test "--stdin: a server that half-closes first: nc.openbsd -N -l </dev/null" {
	command -v nc.openbsd >/dev/null || skip "no nc.openbsd"
	bg "$BATS_TEST_TMPDIR/nc.out" "$BATS_TEST_TMPDIR/nc.err" \
		nc.openbsd -N -v -l 127.0.0.1 0
	nc=$BG_PID
	wait_for "$BATS_TEST_TMPDIR/nc.err" '^Listening on ' "$nc"
	port=$(awk '/^Listening on/ { print $NF; exit }' "$BATS_TEST_TMPDIR/nc.err")
	halfclose_first "$port"
	wait_exit "$nc"
	[ "$(sha256sum <"$BATS_TEST_TMPDIR/nc.out" | cut -d' ' -f1)" = "$SUM" ]
}

@test "--stdin: a server that half-closes first: ncat -l </dev/null" {
	command -v ncat >/dev/null || skip "no ncat"
	local try
	for ((try = 0; try < 5; try++)); do
		port=$(tool free-port)
		bg "$BATS_TEST_TMPDIR/ncat.out" "$BATS_TEST_TMPDIR/ncat.err" \
			ncat -l 127.0.0.1 "$port"
		ncat=$BG_PID
		for ((i = 0; i < 200; i++)); do
			listening "$port" && break 2
			alive "$ncat" || break
			sleep 0.05
		done
	done
	listening "$port" || fail "ncat did not start: $(cat "$BATS_TEST_TMPDIR/ncat.err")"
	halfclose_first "$port"
	wait_exit "$ncat"
	[ "$(sha256sum <"$BATS_TEST_TMPDIR/ncat.out" | cut -d' ' -f1)" = "$SUM" ]
}

@test "--stdin: | head stops quietly" {
	start_server
	head -c $((8 << 20)) /dev/zero >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr bash -c "'$SOCKIT' echo-client --stdin 127.0.0.1 $PORT <'$BATS_TEST_TMPDIR/in' | head -c 10 | wc -c"
	[ "$output" = 10 ]
	[ -z "$stderr" ] || fail "$stderr"
}

@test "--count: SIGINT ends the ping early, with its summary, exit 0" {
	start_server
	out=$BATS_TEST_TMPDIR/ping.out
	bg "$out" "$BATS_TEST_TMPDIR/ping.err" "$SOCKIT" echo-client \
		--count 100000 --interval 0.02 127.0.0.1 "$PORT"
	client=$BG_PID
	wait_for "$out" ' seq=3 ' "$client"
	kill -INT "$client"
	wait_exit "$client"
	[ "$STATUS" -eq 0 ]
	n=$(grep -c ' seq=' "$out")
	[[ "$(tail -n 1 "$out")" == "$n round trips to ('127.0.0.1', $PORT): "* ]] ||
		fail "$(tail -n 2 "$out")"
}

@test "-m --literal: CR LF and binary bytes, sent as the literal says" {
	start_server -b 127.0.0.1
	run_client --literal -m "b'GET / HTTP/1.0\\r\\n\\r\\n'" 127.0.0.1 "$PORT"
	[ "$status" -eq 0 ] || fail "$stderr"
	[ "$output" = "Received b'GET / HTTP/1.0\\r\\n\\r\\n'" ]
	# Every byte value: the literal as Python writes it, back the same.
	lit=$("$PYTHON" -c 'print(repr(bytes(range(256))))')
	run_client --literal -m "$lit" 127.0.0.1 "$PORT"
	[ "$status" -eq 0 ] || fail "$stderr"
	[ "$output" = "Received $lit" ]
	run_client --json --literal -m "b'a\\x00b'" 127.0.0.1 "$PORT"
	[[ "${lines[0]}" == *'"bytes":3,"data":"a\u0000b","data_b64":"YQBi"'* ]] ||
		fail "$output"
	# A bad literal, or --literal without -m: usage errors, exit 2.
	run_client --literal -m "b'\\xzz'" 127.0.0.1 "$PORT"
	[ "$status" -eq 2 ]
	[[ "$stderr" == "sockit echo-client: --message: "*"bad \\x escape"* ]]
	run_client --literal 127.0.0.1 "$PORT"
	[ "$status" -eq 2 ]
	[[ "$stderr" == "sockit echo-client: --literal needs --message"* ]]
}

@test "--stdin | head: stops quietly when stdout's reader goes away, exit 0" {
	start_server -b 127.0.0.1
	head -c 3000000 /dev/zero >"$BATS_TEST_TMPDIR/blob"
	run --separate-stderr bash -c 'set -o pipefail
		timeout 20 "$SOCKIT" echo-client --stdin 127.0.0.1 "$1" \
		<"$2" | head -c 10 >/dev/null' sh "$PORT" "$BATS_TEST_TMPDIR/blob"
	[ "$status" -eq 0 ] || fail "exit $status: $stderr"
	[ -z "$stderr" ]
}
