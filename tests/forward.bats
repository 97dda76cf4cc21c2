#!/usr/bin/env bats
# forward.bats - sockit forward: bytes both ways at once and byte-exact
# (64 MiB each way), 200 clients at once, half-closes and resets
# travelling through in both directions, an upstream that refuses (the
# client is reset, the forwarder goes on), curl through it to Python's
# http.server, --max-conns, --allow/--deny, the drain on SIGTERM, UDP, and
# the JSON events read back by Python's json module.
load echo_helpers

# start_forward OPTION... HOST PORT: sockit forward -b 127.0.0.1 -p 0 in
# the background; FWD_PID, FWD_ERR, FWD_OUT and FPORT.
start_forward() {
	local n=${#BG_PIDS[@]}
	FWD_OUT=$BATS_TEST_TMPDIR/fwd$n.out
	FWD_ERR=$BATS_TEST_TMPDIR/fwd$n.err
	bg "$FWD_OUT" "$FWD_ERR" "$SOCKIT" forward -b 127.0.0.1 -p 0 "$@"
	FWD_PID=$BG_PID
	wait_for "$FWD_ERR" '^Listening on ' "$FWD_PID" || return 1
	FPORT=$(sed -n "s/^Listening on ('[^']*', \([0-9]*\).*/\1/p" "$FWD_ERR" |
		head -n 1)
}

# py SCRIPT ARG...: python3 -c SCRIPT, bounded by 30 s; bats run.
py() {
	run --separate-stderr timeout 30 "$PYTHON" -c "$@"
}

# client_end PORT: connect to PORT and say how the connection ended
# without a byte: "reset" (at the connect or after it), "eof" or "data".
client_end() {
	py '
import socket, sys
try:
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])),
                                 timeout=20)
    print("eof" if s.recv(10) == b"" else "data")
except ConnectionResetError:
    print("reset")' "$1"
}

@test "forward: 64 MiB each way at once, byte for byte, through splice and copy" {
	start_server
	start_forward 127.0.0.1 "$PORT"
	tool_ok 120 bulk 127.0.0.1 "$FPORT" $((64 << 20))
	[ "$output" = "ok $((64 << 20))" ]
	start_forward --no-splice 127.0.0.1 "$PORT"
	tool_ok 120 bulk 127.0.0.1 "$FPORT" $((16 << 20))
	[ "$output" = "ok $((16 << 20))" ]
	# And sha256 through sockit's own netcat at both ends of the pipe.
	head -c $((8 << 20)) /dev/urandom >"$BATS_TEST_TMPDIR/in"
	timeout 60 "$SOCKIT" echo-client --stdin 127.0.0.1 "$FPORT" \
		<"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
	[ "$(sha256sum <"$BATS_TEST_TMPDIR/out")" = "$(sha256sum <"$BATS_TEST_TMPDIR/in")" ]
}

@test "forward: the soft descriptor limit is raised to the hard one" {
	command -v prlimit >/dev/null || skip "no prlimit(1)"
	bg "$BATS_TEST_TMPDIR/fwd.out" "$BATS_TEST_TMPDIR/fwd.err" \
		prlimit --nofile=64:512 "$SOCKIT" forward -b 127.0.0.1 -p 0 \
		127.0.0.1 9
	pid=$BG_PID
	wait_for "$BATS_TEST_TMPDIR/fwd.err" '^Listening on ' "$pid"
	limits=$(grep '^Max open files' "/proc/$pid/limits")
	[[ $limits =~ ^Max\ open\ files\ +512\ +512\ +files ]] || fail "$limits"
	kill "$pid"
	wait_exit "$pid"
	[ "$STATUS" -eq 0 ]
}

@test "forward: 200 clients at once" {
	start_server
	start_forward 127.0.0.1 "$PORT"
	tool_ok 120 many 127.0.0.1 "$FPORT" 200 20000
	[ "$output" = "ok 200" ] || fail "$output"
}

@test "forward: curl fetches through it from python3 -m http.server" {
	command -v curl >/dev/null || skip "no curl"
	mkdir "$BATS_TEST_TMPDIR/www"
	head -c 300000 /dev/urandom >"$BATS_TEST_TMPDIR/www/blob"
	bg "$BATS_TEST_TMPDIR/http.out" "$BATS_TEST_TMPDIR/http.err" \
		"$PYTHON" -u -m http.server --bind 127.0.0.1 \
		--directory "$BATS_TEST_TMPDIR/www" 0
	wait_for "$BATS_TEST_TMPDIR/http.out" 'port [0-9]+' "$BG_PID"
	hport=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$BATS_TEST_TMPDIR/http.out")
	start_forward 127.0.0.1 "$hport"
	run curl -sS --max-time 20 -o "$BATS_TEST_TMPDIR/got" \
		"http://127.0.0.1:$FPORT/blob"
	[ "$status" -eq 0 ] || fail "$output"
	cmp "$BATS_TEST_TMPDIR/got" "$BATS_TEST_TMPDIR/www/blob"
}

@test "forward: the client half-closes first, the reply after it arrives whole" {
	head -c $((1 << 20)) /dev/urandom >"$BATS_TEST_TMPDIR/in"
	sum=$(sha256sum <"$BATS_TEST_TMPDIR/in" | cut -d' ' -f1)
	{
		echo "got $((1 << 20)) bytes sha256 $sum"
		tool pattern $((3 << 20))
	} >"$BATS_TEST_TMPDIR/want"
	start_tool_server reply-at-eof $((3 << 20))
	start_forward 127.0.0.1 "$PEER_PORT"
	timeout 30 "$SOCKIT" echo-client --stdin 127.0.0.1 "$FPORT" \
		<"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
	cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/out"
}

@test "forward: upstream half-closes first, the client's late bytes still arrive" {
	start_tool_server shut-first
	start_forward 127.0.0.1 "$PEER_PORT"
	# The client waits for upstream's EOF, then sends 100000 bytes.
	py '
import hashlib, os, socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20)
assert s.recv(1) == b""
data = os.urandom(100000)
s.sendall(data); s.shutdown(socket.SHUT_WR)
assert s.recv(1) == b""
print(hashlib.sha256(data).hexdigest())' "$FPORT"
	[ "$status" -eq 0 ] || fail "$stderr"
	wait_exit "$PEER_PID"
	grep -qx "got 100000 bytes sha256 $output" "$BATS_TEST_TMPDIR/peer0.out" ||
		fail "$(cat "$BATS_TEST_TMPDIR"/peer0.*)"
}

@test "forward: a reset upstream travels to the client as a reset" {
	"$PYTHON" - "$BATS_TEST_TMPDIR/port" >"$BATS_TEST_TMPDIR/srv.out" \
		2>&1 3>&- <<'PY' &
import os, socket, struct, sys
ls = socket.socket(); ls.bind(('127.0.0.1', 0)); ls.listen(1)
open(sys.argv[1] + '.tmp', 'w').write('%d\n' % ls.getsockname()[1])
os.rename(sys.argv[1] + '.tmp', sys.argv[1])
ls.settimeout(20); c, _ = ls.accept(); c.settimeout(20)
c.recv(1)
c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
c.close()
PY
	BG_PIDS+=("$!")
	wait_for "$BATS_TEST_TMPDIR/port" '^[0-9]+$' "$!"
	start_forward --events "$BATS_TEST_TMPDIR/ev" 127.0.0.1 \
		"$(cat "$BATS_TEST_TMPDIR/port")"
	py '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20)
s.sendall(b"x")
try:
    d = s.recv(10)
    print("eof" if d == b"" else "data")
except ConnectionResetError:
    print("reset")' "$FPORT"
	[ "$output" = reset ] || fail "$output $stderr"
	wait_for "$BATS_TEST_TMPDIR/ev" '"event":"closed"' "$FWD_PID"
	grep -q '"how":"rst","by":"local"' "$BATS_TEST_TMPDIR/ev" ||
		fail "$(cat "$BATS_TEST_TMPDIR/ev")"
}

@test "forward: a reset from the client travels upstream as a reset" {
	"$PYTHON" - "$BATS_TEST_TMPDIR/port" >"$BATS_TEST_TMPDIR/srv.out" \
		2>&1 3>&- <<'PY' &
import os, socket, sys
ls = socket.socket(); ls.bind(('127.0.0.1', 0)); ls.listen(1)
open(sys.argv[1] + '.tmp', 'w').write('%d\n' % ls.getsockname()[1])
os.rename(sys.argv[1] + '.tmp', sys.argv[1])
ls.settimeout(20); c, _ = ls.accept(); c.settimeout(20)
try:
    while c.recv(65536):
        pass
    print('eof', flush=True)
except ConnectionResetError:
    print('reset', flush=True)
PY
	srv=$!
	BG_PIDS+=("$srv")
	wait_for "$BATS_TEST_TMPDIR/port" '^[0-9]+$' "$srv"
	start_forward --events "$BATS_TEST_TMPDIR/ev" 127.0.0.1 \
		"$(cat "$BATS_TEST_TMPDIR/port")"
	py '
import socket, struct, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20)
s.sendall(b"hello")
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()' "$FPORT"
	[ "$status" -eq 0 ] || fail "$stderr"
	wait_exit "$srv"
	[ "$(cat "$BATS_TEST_TMPDIR/srv.out")" = reset ] ||
		fail "$(cat "$BATS_TEST_TMPDIR/srv.out")"
	wait_for "$BATS_TEST_TMPDIR/ev" '"event":"closed"' "$FWD_PID"
	grep -q '"how":"rst","by":"peer"' "$BATS_TEST_TMPDIR/ev" ||
		fail "$(cat "$BATS_TEST_TMPDIR/ev")"
}

@test "forward: upstream refused: the client is reset, the forwarder goes on" {
	start_server
	closed=$(closed_port)
	start_forward --events "$BATS_TEST_TMPDIR/ev" 127.0.0.1 "$closed"
	for i in 1 2; do
		client_end "$FPORT"
		[ "$output" = reset ] || fail "$output $stderr"
	done
	alive "$FWD_PID"
	grep -c '"event":"connect".*"result":"refused","errno":"ECONNREFUSED"' \
		"$BATS_TEST_TMPDIR/ev" | grep -qx 2 || fail "$(cat "$BATS_TEST_TMPDIR/ev")"
	grep -q "no upstream connection: client reset" "$FWD_ERR"
}

@test "forward: --max-conns 1 resets the second client while the first is open" {
	start_server
	start_forward --max-conns 1 127.0.0.1 "$PORT"
	py '
import socket, sys
a = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20)
a.sendall(b"one"); assert a.recv(3) == b"one"
try:
    b = socket.create_connection(("127.0.0.1", int(sys.argv[1])),
                                 timeout=20)
    print("eof" if b.recv(10) == b"" else "data")
except ConnectionResetError:
    print("reset")
a.sendall(b"two"); assert a.recv(3) == b"two"' "$FPORT"
	[ "$status" -eq 0 ] || fail "$stderr"
	[ "$output" = reset ]
	grep -q "refused: at the limit of --max-conns" "$FWD_ERR"
}

@test "forward: --deny and --allow" {
	start_server
	start_forward --deny 127.0.0.0/8 127.0.0.1 "$PORT"
	client_end "$FPORT"
	[ "$output" = reset ]
	wait_for "$FWD_ERR" 'denied by the access rules' "$FWD_PID"
	start_forward --allow 127.0.0.1 127.0.0.1 "$PORT"
	tool_ok 20 bulk 127.0.0.1 "$FPORT" 1000
}

@test "forward: SIGTERM stops accepting and drains the open connection, exit 0" {
	start_server
	start_forward --drain 30 127.0.0.1 "$PORT"
	fifo=$BATS_TEST_TMPDIR/fifo
	mkfifo "$fifo"
	exec 7<>"$fifo"
	"$SOCKIT" echo-client --stdin 127.0.0.1 "$FPORT" <"$fifo" \
		>"$BATS_TEST_TMPDIR/c.out" 2>"$BATS_TEST_TMPDIR/c.err" 3>&- 7>&- &
	client=$!
	BG_PIDS+=("$client")
	echo before >&7
	wait_for "$BATS_TEST_TMPDIR/c.out" '^before$' "$client"
	kill -TERM "$FWD_PID"
	# New clients are refused: the listener is closed.
	for ((i = 0; i < 200; i++)); do
		listening "$FPORT" || break
		sleep 0.05
	done
	! listening "$FPORT"
	# The open one goes on.
	echo after >&7
	wait_for "$BATS_TEST_TMPDIR/c.out" '^after$' "$client"
	exec 7>&-
	wait_exit "$client"
	[ "$STATUS" -eq 0 ]
	wait_exit "$FWD_PID"
	[ "$STATUS" -eq 0 ]
	[ "$(cat "$BATS_TEST_TMPDIR/c.out")" = $'before\nafter' ]
}

@test "forward -u: datagrams both ways, one upstream socket per client" {
	bg "$BATS_TEST_TMPDIR/udp.out" "$BATS_TEST_TMPDIR/udp.err" \
		"$SOCKIT" udp-listen -4 -b 127.0.0.1 -p 0 --echo
	udp=$BG_PID
	wait_for "$BATS_TEST_TMPDIR/udp.err" 'Listening on|[0-9]+\)' "$udp"
	uport=$(grep -oE "127\.0\.0\.1', [0-9]+" "$BATS_TEST_TMPDIR/udp.err" |
		head -n 1 | grep -oE '[0-9]+$')
	start_forward -u -v 127.0.0.1 "$uport"
	py '
import socket, sys
port = int(sys.argv[1])
for name in (b"alpha", b"beta"):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(10)
    for i in range(3):
        s.sendto(name + b"%d" % i, ("127.0.0.1", port))
        d, a = s.recvfrom(100)
        assert d == name + b"%d" % i, d
        assert a[1] == port
print("ok")' "$FPORT"
	[ "$output" = ok ] || fail "$output $stderr"
	[ "$(grep -c '^Datagrams from' "$FWD_ERR")" -eq 2 ]
}

@test "forward --json: connected, eof both ways and closed, each a JSON object" {
	start_server
	bg "$BATS_TEST_TMPDIR/j.out" "$BATS_TEST_TMPDIR/j.err" \
		"$SOCKIT" forward --json -b 127.0.0.1 -p 0 127.0.0.1 "$PORT"
	fwd=$BG_PID
	wait_for "$BATS_TEST_TMPDIR/j.out" '"event":"listening"' "$fwd"
	fport=$(sed -n 's/.*"event":"listening".*"port":\([0-9]*\).*/\1/p' \
		"$BATS_TEST_TMPDIR/j.out")
	tool_ok 20 halfclose 127.0.0.1 "$fport" 5000
	wait_for "$BATS_TEST_TMPDIR/j.out" '"event":"closed"' "$fwd"
	kill -TERM "$fwd"
	wait_exit "$fwd"
	[ "$STATUS" -eq 0 ]
	py '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
names = [e["event"] for e in ev]
assert names[0] == "listening", names
assert names[-1] == "exit" and ev[-1]["status"] == 0, names
c = [e for e in ev if e["event"] == "connected"][0]
assert c["peer"]["host"] == "127.0.0.1"
eofs = sorted(e["side"] for e in ev if e["event"] == "eof")
assert eofs == ["local", "peer"], eofs
cl = [e for e in ev if e["event"] == "closed"][0]
assert cl["how"] == "fin" and cl["by"] == "peer", cl
assert cl["bytes_in"] == 5000 and cl["bytes_out"] == 5000, cl
assert cl["bytes"] == 5000 and "tcp" in cl, cl
print("ok")' "$BATS_TEST_TMPDIR/j.out"
	[ "$output" = ok ] || fail "$stderr"
}

@test "forward: usage errors exit 2 before anything is opened" {
	for args in "127.0.0.1 1" "-p 0 127.0.0.1" "-p 0 a b c" "-p 70000 h 1" \
		"-p 0 h 70000" "-p 0 -4 -6 h 1" "-p 0 -w 0 h 1" "-p 0 -u -w 1 h 1" \
		"-p 0 --json --events x h 1" "-p 0 --deny nope h 1" \
		"-p 0 --max-conns 0 h 1" "-p 0 --idle-timeout -1 h 1"; do
		run --separate-stderr "$SOCKIT" forward $args
		[ "$status" -eq 2 ] || fail "$args: status $status"
		[[ "$stderr" == "sockit forward: "* ]] || fail "$args: $stderr"
	done
}

# udp_only_service: "NAME PORT" of a service /etc/services has for UDP
# and not for TCP, above 1023.
udp_only_service() {
	awk '$2 ~ /\/udp$/ { split($2, a, "/"); u[$1] = a[1] }
		$2 ~ /\/tcp$/ { t[$1] = 1; for (i = 3; i <= NF && $i !~ /^#/; i++) t[$i] = 1 }
		END { for (k in u) if (!(k in t) && u[k] > 1023) print k, u[k] }' \
		/etc/services | sort -k2 -n | tail -n 1
}

@test "forward, listen, connect -u: a UDP-only service name is a UDP port; without -u it is refused" {
	read -r name port < <(udp_only_service)
	[ -n "$name" ] || fail "no UDP-only service in /etc/services"
	run getent services "$name/tcp"
	[ "$status" -ne 0 ]
	run --separate-stderr "$SOCKIT" listen -b 127.0.0.1 -p "$name"
	[ "$status" -eq 2 ]
	[[ $stderr == *"'$name'"* ]]
	run --separate-stderr "$SOCKIT" forward -b 127.0.0.1 -p "$name" \
		127.0.0.1 9
	[ "$status" -eq 2 ]
	# listen -u on the name, forward -u from port 0 to the name, connect -u
	# through it and then to the name itself (each datagram's bytes are
	# written as they came, with nothing added).
	bg "$BATS_TEST_TMPDIR/l.out" "$BATS_TEST_TMPDIR/l.err" \
		"$SOCKIT" listen -u -b 127.0.0.1 -p "$name"
	lpid=$BG_PID
	wait_for "$BATS_TEST_TMPDIR/l.err" "^Listening on \('127.0.0.1', $port\)" \
		"$lpid"
	start_forward -u 127.0.0.1 "$name"
	echo "by name" | timeout 20 "$SOCKIT" connect -u -w 1 127.0.0.1 "$FPORT" \
		>/dev/null 2>&1 || true
	wait_for "$BATS_TEST_TMPDIR/l.out" '^by name' "$lpid"
	echo "direct" | timeout 20 "$SOCKIT" connect -u -w 1 127.0.0.1 "$name" \
		>/dev/null 2>&1 || true
	wait_for "$BATS_TEST_TMPDIR/l.out" '^by namedirect$' "$lpid"
}
