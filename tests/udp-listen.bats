#!/usr/bin/env bats
# udp-listen.bats - sockit udp-listen, as its man page describes it, with
# the reference's own programs as peers (tests/peers/: its sender, and its
# server fed the same datagrams as an oracle for the output format), many
# peers at once, --reply and --echo, IPv6, the largest IPv4 datagram,
# empty and binary datagrams, the drop count, and multicast in network
# namespaces the tests make.  Loopback and the tests' own namespaces only.

load udp-helpers

setup() {
	T=$BATS_TEST_TMPDIR
}

teardown() {
	udp_teardown
}

@test "the reference's sender to udp-listen: the reference's line" {
	listen -4 --count 1
	run "$PYTHON" "$PEERS/udp_sender.py" "$PORT"
	[ "$status" -eq 0 ]
	wait_exit "$LPID"
	[ "$EXIT" -eq 0 ]
	run cat "$T/out"
	[[ "$output" =~ ^Got\ message\ from\ \(\'127\.0\.0\.1\',\ [0-9]+\):\ b\'Hello\ you\ there!\'$ ]]
	grep -qx "Listening on ('127.0.0.1', $PORT)" "$T/err"
	grep -qx '1 datagram received' "$T/err"
	grep -qx '0 datagrams dropped by kernel' "$T/err"
}

@test "every byte prints as the reference's own server prints it" {
	# The same datagrams to the reference's server and to udp-listen:
	# every line equal but for the sender's port.
	pyport=$(free_port)
	bg "$T/py.out" "$T/py.err" "$PYTHON" -u "$PEERS/udp_server.py" "$pyport"
	wait_bound "$pyport"
	listen -4 --count 6
	cat >"$T/send.py" <<-'EOF'
	import socket, sys
	s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	for m in [bytes(range(256)), b'', b"it's", b'say "hi"',
	          b'both \' and "', b'\\\x7f\x80\xff\n\r\t']:
	    for p in sys.argv[1:]:
	        s.sendto(m, ('127.0.0.1', int(p)))
	EOF
	"$PYTHON" "$T/send.py" "$pyport" "$PORT"
	wait_exit "$LPID"
	wait_for "$T/py.out" '^Got message' 6
	sed -E 's/, [0-9]+\):/, PORT):/' "$T/out" >"$T/ours"
	sed -E 's/, [0-9]+\):/, PORT):/' "$T/py.out" >"$T/theirs"
	run diff "$T/theirs" "$T/ours"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(wc -l <"$T/ours")" -eq 6 ]
	grep -qF "b''" "$T/ours"
}

@test "many peers at once, each printed with its own address" {
	listen -4 --count 40
	for i in $(seq 1 40); do
		sockit udp-send -4 -m "peer $i" 127.0.0.1 "$PORT" &
		BG_PIDS+=("$!")
	done
	wait_exit "$LPID"
	[ "$EXIT" -eq 0 ]
	[ "$(wc -l <"$T/out")" -eq 40 ]
	for i in $(seq 1 40); do
		grep -qE "^Got message from \('127\.0\.0\.1', [0-9]+\): b'peer $i'$" \
			"$T/out" || fail "peer $i missing"
	done
	# Forty senders, forty ports.
	[ "$(sed -E 's/.*, ([0-9]+)\).*/\1/' "$T/out" | sort -u | wc -l)" -eq 40 ]
}

@test "--echo answers each of many peers with its own datagram" {
	listen -4 --echo --count 60
	cat >"$T/peers.py" <<-'EOF'
	import socket, sys
	port = int(sys.argv[1])
	socks = []
	for i in range(30):
	    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	    s.settimeout(10)
	    s.bind(('127.0.0.1', 0))
	    socks.append(s)
	for rnd in range(2):
	    for i, s in enumerate(socks):
	        s.sendto(b'%d from peer %d' % (rnd, i), ('127.0.0.1', port))
	for rnd in range(2):
	    for i, s in enumerate(socks):
	        data, addr = s.recvfrom(100)
	        assert data == b'%d from peer %d' % (rnd, i), (i, data)
	        assert addr == ('127.0.0.1', port), addr
	print("ok")
	EOF
	run "$PYTHON" "$T/peers.py" "$PORT"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$output" = ok ]
	wait_exit "$LPID"
	[ "$EXIT" -eq 0 ]
}

@test "--reply TEXT: the UDPServer's answer, from a wildcard socket too" {
	listen -4 -b '' --reply 'Got your message!' --count 2
	cat >"$T/ask.py" <<-'EOF'
	import socket, sys
	# Connected to 127.0.0.2: the answer must come from that address.
	for host in ('127.0.0.1', '127.0.0.2'):
	    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	    s.settimeout(10)
	    s.connect((host, int(sys.argv[1])))
	    s.send(b'Hello you there!')
	    print(s.recv(100))
	EOF
	run "$PYTHON" "$T/ask.py" "$PORT"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$output" = $'b\'Got your message!\'\nb\'Got your message!\'' ]
	wait_exit "$LPID"
	grep -c "b'Hello you there!'" "$T/out" | grep -qx 2
}

@test "--reply and --echo answer udp-send --reply" {
	listen --reply 'pong' --count 1
	run --separate-stderr sockit udp-send --reply -w 10 -m ping localhost \
		"$PORT"
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^Got\ reply\ from\ .*:\ b\'pong\'$ ]]
	wait_exit "$LPID"
	listen --echo --count 1
	run --separate-stderr sockit udp-send --reply -w 10 -m 'echo me' \
		localhost "$PORT"
	[[ "$output" == *": b'echo me'" ]]
}

@test "localhost is ::1 and 127.0.0.1: both bound, the same port" {
	LISTEN_LINES=2 listen --count 2
	grep -qx "Listening on ('::1', $PORT, 0, 0)" "$T/err"
	grep -qx "Listening on ('127.0.0.1', $PORT)" "$T/err"
	sockit udp-send -6 -m six localhost "$PORT"
	sockit udp-send -4 -m four localhost "$PORT"
	wait_exit "$LPID"
	grep -qE "^Got message from \('::1', [0-9]+, 0, 0\): b'six'$" "$T/out"
	grep -qE "^Got message from \('127\.0\.0\.1', [0-9]+\): b'four'$" \
		"$T/out"
}

@test "IPv6 ::1, and '' keeps IPv4 peers IPv4" {
	listen -6 -b ::1 --count 1
	sockit udp-send -m 'over six' ::1 "$PORT"
	wait_exit "$LPID"
	grep -qE "^Got message from \('::1', [0-9]+, 0, 0\): b'over six'$" \
		"$T/out"
	LISTEN_LINES=2 listen -b '' --count 1
	grep -qx "Listening on ('0.0.0.0', $PORT)" "$T/err"
	grep -qx "Listening on ('::', $PORT, 0, 0)" "$T/err"
	sockit udp-send -m v4 127.0.0.1 "$PORT"
	wait_exit "$LPID"
	grep -qE "^Got message from \('127\.0\.0\.1', [0-9]+\): b'v4'$" \
		"$T/out"
}

@test "a 65,507-byte datagram is shown whole; --bufsize cuts and says so" {
	listen -4 --json --count 1
	sockit udp-send -4 --size 65507 127.0.0.1 "$PORT"
	wait_exit "$LPID"
	run "$PYTHON" -c 'import json, base64, sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    if o["event"] == "datagram":
        d = base64.b64decode(o["data_b64"])
        print(o["bytes"], len(d), o["truncated"], d[:10], o["data"] == d.decode())' \
		"$T/out"
	[ "$output" = "65507 65507 False b'0000000001' True" ]
	listen -4 --bufsize 8192 --count 1
	sockit udp-send -4 --size 65507 127.0.0.1 "$PORT"
	wait_exit "$LPID"
	grep -q "datagram from ('127.0.0.1', [0-9]*) truncated: 65507 bytes, 8192 shown" \
		"$T/err"
	grep -qx '1 datagram truncated' "$T/err"
	# The line shows the 8192 bytes kept.
	[ "$(sed -E "s/^.*: b'(.*)'$/\1/" "$T/out" | tr -d '\n' | wc -c)" -eq 8192 ]
}

@test "empty datagrams and binary bytes, as JSON" {
	listen -4 --json --count 2
	sockit udp-send -4 -m '' 127.0.0.1 "$PORT"
	sockit udp-send -4 --literal -m "b'\\x00\\xff\\n'" 127.0.0.1 "$PORT"
	wait_exit "$LPID"
	grep -q '"event":"datagram".*"bytes":0,"data":"","data_b64":"","truncated":false' \
		"$T/out"
	grep -q '"bytes":3,"data_b64":"AP8K","truncated":false' "$T/out"
	grep -q '^{"event":"listening","address":{"family":"AF_INET","host":"127.0.0.1","port":'"$PORT"'}}$' \
		"$T/out"
	grep -q '^{"event":"summary","received":2,"bytes":3,"dropped":0,"truncated":0,' \
		"$T/out"
	run "$PYTHON" -c 'import json, sys
[json.loads(l) for l in open(sys.argv[1])]' "$T/out"
	[ "$status" -eq 0 ]
}

@test "-w: exit 4 when nothing comes; SIGTERM and SIGINT: exit 0" {
	run --separate-stderr sockit udp-listen -4 -p 0 -w 0.2
	[ "$status" -eq 4 ]
	[[ "$stderr" == *"sockit udp-listen: waiting for a datagram: timed out"* ]]
	[[ "$stderr" == *"0 datagrams received"* ]]
	for sig in TERM INT; do
		listen -4
		sockit udp-send -4 -m x 127.0.0.1 "$PORT"
		wait_for "$T/out" "b'x'"
		kill -"$sig" "$LPID"
		wait_exit "$LPID"
		[ "$EXIT" -eq 0 ]
		grep -qx '1 datagram received' "$T/err"
	done
}

@test "the kernel's drops are counted and reported, even with --quiet" {
	# A stopped listener's buffer overflows: 2,000 datagrams of 60,000
	# bytes are more than even a 32 MiB buffer holds.
	port=$(free_port)
	bg /dev/null "$T/err" "$SOCKIT" udp-listen -q -4 -b 127.0.0.1 \
		-p "$port" -w 2
	LPID=$BG_PID
	wait_bound "$port"
	kill -STOP "$LPID"
	sockit udp-send -4 --size 60000 --count 2000 127.0.0.1 "$port"
	kill -CONT "$LPID"
	wait_exit "$LPID" 30
	[ "$EXIT" -eq 4 ]
	got=$(sed -nE 's/^([0-9]+) datagrams? received$/\1/p' "$T/err")
	dropped=$(sed -nE 's/^([0-9]+) datagrams? dropped by kernel$/\1/p' \
		"$T/err")
	[ -n "$got" ] || fail "$(cat "$T/err")"
	[ -n "$dropped" ] || fail "$(cat "$T/err")"
	[ "$dropped" -gt 0 ] || fail "no drops: $(cat "$T/err")"
	[ "$got" -gt 0 ]
	[ $((got + dropped)) -le 2000 ]
	! grep -q '^Listening' "$T/err"
}

@test "usage errors exit 2, names 3, a busy port 1" {
	run --separate-stderr sockit udp-listen --reply x --echo
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"cannot use --reply with --echo"* ]]
	run --separate-stderr sockit udp-listen --group 127.0.0.1
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"not a multicast address"* ]]
	run --separate-stderr sockit udp-listen -p 70000
	[ "$status" -eq 2 ]
	run --separate-stderr sockit udp-listen --count 0
	[ "$status" -eq 2 ]
	run --separate-stderr sockit udp-listen --interface lo
	[ "$status" -eq 2 ]
	run --separate-stderr sockit udp-listen -w abc
	[ "$status" -eq 2 ]
	run --separate-stderr sockit udp-listen extra
	[ "$status" -eq 2 ]
	run --separate-stderr sockit udp-listen -b no-such-name.invalid
	[ "$status" -eq 3 ]
	listen -4 -b 127.0.0.1
	run --separate-stderr sockit udp-listen -4 -b 127.0.0.1 -p "$PORT"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"Address already in use"* ]]
}

@test "multicast: IPv4 joined on lo in a namespace, left on exit" {
	netns mc4
	run ip netns exec "$NS" grep -c 030201EF /proc/net/igmp
	[ "$output" = 0 ]
	listen -n "$NS" --group 239.1.2.3 --interface lo --count 1
	grep -qx 'Joined 239.1.2.3 on lo' "$T/err"
	grep -qx "Listening on ('239.1.2.3', $PORT)" "$T/err"
	run ip netns exec "$NS" grep -c 030201EF /proc/net/igmp
	[ "$output" = 1 ]
	ip netns exec "$NS" "$SOCKIT" udp-send --interface lo --ttl 0 \
		-m 'to the group' 239.1.2.3 "$PORT"
	wait_exit "$LPID"
	[ "$EXIT" -eq 0 ]
	grep -qE "^Got message from \('[0-9.]+', [0-9]+\): b'to the group'$" \
		"$T/out"
	run ip netns exec "$NS" grep -c 030201EF /proc/net/igmp
	[ "$output" = 0 ]
}

@test "multicast: IPv6 over a veth pair, joined on the receiving side" {
	NS=sockit-six-a-$$
	ip netns add "$NS" 2>/dev/null || skip "cannot create a network namespace"
	NETNS+=("$NS")
	NSB=sockit-six-b-$$
	ip netns add "$NSB"
	NETNS+=("$NSB")
	ip link add skva$$ netns "$NS" type veth peer name skvb$$ netns "$NSB" ||
		skip "no veth"
	for pair in "$NS skva$$" "$NSB skvb$$"; do
		set -- $pair
		ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.accept_dad=0"
		ip -n "$1" link set lo up
		ip -n "$1" link set "$2" up
	done
	# Wait for the sender's link-local address.
	for ((i = 0; i < 200; i++)); do
		ip -n "$NS" -6 addr show dev skva$$ scope link |
			grep -q 'inet6 fe80' && break
		sleep 0.05
	done
	listen -n "$NSB" --group "ff02::5ec:1%skvb$$" --count 1
	grep -q '5ec0001' <(ip netns exec "$NSB" cat /proc/net/igmp6)
	# A datagram may leave before the link is up: send until one comes.
	for ((i = 0; i < 50; i++)); do
		ip netns exec "$NS" "$SOCKIT" udp-send --interface skva$$ \
			-m 'six to the group' ff02::5ec:1 "$PORT"
		kill -0 "$LPID" 2>/dev/null || break
		sleep 0.1
	done
	wait_exit "$LPID"
	[ "$EXIT" -eq 0 ]
	grep -qE "^Got message from \('fe80::[0-9a-f:]+', [0-9]+, 0, [0-9]+\): b'six to the group'$" \
		"$T/out"
	run grep -c 5ec0001 <(ip netns exec "$NSB" cat /proc/net/igmp6)
	[ "$output" = 0 ]
}
