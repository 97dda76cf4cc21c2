#!/usr/bin/env bats
# udp-send.bats - sockit udp-send, as its man page describes it, with the
# reference's own servers as peers (tests/peers/: its recvfrom loop, and its
# socketserver.UDPServer that answers "Got your message!"), stdin lines
# with a bad line in the middle, generated and binary payloads, refused
# datagrams (too long, port unreachable), replies and their timeouts,
# --rate, and broadcast and multicast in network namespaces the tests
# make.  Loopback and the tests' own namespaces only.

load udp-helpers

setup() {
	T=$BATS_TEST_TMPDIR
}

teardown() {
	udp_teardown
}

@test "--reply to the reference's UDPServer: the documented transcript" {
	port=$(free_port)
	bg "$T/py.out" "$T/py.err" "$PYTHON" -u "$PEERS/udp_server_reply.py" \
		"$port"
	wait_bound "$port"
	run --separate-stderr sockit udp-send -4 --reply -w 10 \
		-m 'Hello you there!' localhost "$port"
	[ "$status" -eq 0 ] || fail "$stderr"
	[ "$output" = "Got reply from ('127.0.0.1', $port): b'Got your message!'" ]
	[ -z "$stderr" ]
	wait_for "$T/py.out" '^It said'
	run cat "$T/py.out"
	[[ "${lines[0]}" =~ ^Got\ connection\ from:\ \(\'127\.0\.0\.1\',\ [0-9]+\)$ ]]
	[ "${lines[1]}" = "It said: b'Hello you there!'" ]
}

@test "to the reference's recvfrom server: each -m one datagram, in order" {
	port=$(free_port)
	bg "$T/py.out" "$T/py.err" "$PYTHON" -u "$PEERS/udp_server.py" "$port"
	wait_bound "$port"
	run --separate-stderr sockit udp-send -4 -m 'Hello you there!' -m "it's" \
		-m '' --count 2 localhost "$port"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	wait_for "$T/py.out" '^Got message' 6
	run sed -E 's/, [0-9]+\):/, PORT):/' "$T/py.out"
	[ "$output" = "Got message from ('127.0.0.1', PORT): b'Hello you there!'
Got message from ('127.0.0.1', PORT): b\"it's\"
Got message from ('127.0.0.1', PORT): b''
Got message from ('127.0.0.1', PORT): b'Hello you there!'
Got message from ('127.0.0.1', PORT): b\"it's\"
Got message from ('127.0.0.1', PORT): b''" ]
}

@test "stdin: each line a datagram, empty lines too, the last without newline" {
	listen -4 --count 4
	printf 'one\n\nthree\nfour' | sockit udp-send -4 127.0.0.1 "$PORT"
	wait_exit "$LPID"
	[ "$EXIT" -eq 0 ]
	run sed -E 's/^.*: //' "$T/out"
	[ "$output" = $'b\'one\'\nb\'\'\nb\'three\'\nb\'four\'' ]
}

@test "stdin with a bad line in the middle: reported, the rest goes, exit 1" {
	listen -4 --count 3
	{ echo first; head -c 70000 /dev/zero | tr '\0' x; echo; echo third
	  printf 'fourth\n'; } >"$T/lines"
	run --separate-stderr sockit udp-send -4 127.0.0.1 "$PORT" <"$T/lines"
	[ "$status" -eq 1 ]
	[ "$stderr" = "sockit udp-send: line 2: Message too long" ]
	wait_exit "$LPID"
	run sed -E 's/^.*: //' "$T/out"
	[ "$output" = $'b\'first\'\nb\'third\'\nb\'fourth\'' ]
	# A line the kernel refuses, 65,508 bytes over IPv4, is one too.
	listen -4 --count 2
	{ echo a; head -c 65508 /dev/zero | tr '\0' y; echo; echo c; } \
		>"$T/lines"
	run --separate-stderr sockit udp-send -4 127.0.0.1 "$PORT" <"$T/lines"
	[ "$status" -eq 1 ]
	[ "$stderr" = "sockit udp-send: line 2: Message too long" ]
	wait_exit "$LPID"
	[ "$(wc -l <"$T/out")" -eq 2 ]
}

@test "--literal: bytes literals, a bad one reported; -m checked up front" {
	listen -4 --json --count 2
	printf '%s\n' "b'\\x00\\xff'" "b'no end" 'b"it'"'"'s"' >"$T/lines"
	run --separate-stderr sockit udp-send -4 --literal 127.0.0.1 \
		"$PORT" <"$T/lines"
	[ "$status" -eq 1 ]
	[[ "$stderr" == "sockit udp-send: line 2: "* ]]
	wait_exit "$LPID"
	grep -q '"bytes":2,"data_b64":"AP8="' "$T/out"
	grep -q '"data":"it'"'"'s"' "$T/out"
	run --separate-stderr sockit udp-send --literal -m 'plain' 127.0.0.1 9
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--message: 'plain': not a bytes literal"* ]]
}

@test "binary payloads: all 256 byte values arrive as sent" {
	listen -4 --json --count 1
	lit=$("$PYTHON" -c 'print(repr(bytes(range(256))))')
	sockit udp-send -4 --literal -m "$lit" 127.0.0.1 "$PORT"
	wait_exit "$LPID"
	run "$PYTHON" -c 'import json, base64, sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    if o["event"] == "datagram":
        print(base64.b64decode(o["data_b64"]) == bytes(range(256)))' "$T/out"
	[ "$output" = True ]
	# Raw bytes on stdin too, newline aside.
	listen -4 --count 1
	printf 'a\000b\001\377\r\n' | sockit udp-send -4 127.0.0.1 "$PORT"
	wait_exit "$LPID"
	[[ "$(cat "$T/out")" == *": b'a\\x00b\\x01\\xff\\r'" ]]
}

@test "--size: generated, numbered payloads; 65,507 fits IPv4, 65,508 not" {
	listen -4 --count 3
	run --separate-stderr sockit udp-send -4 --size 20 --count 3 127.0.0.1 \
		"$PORT"
	[ "$status" -eq 0 ]
	wait_exit "$LPID"
	run sed -E 's/^.*: //' "$T/out"
	[ "$output" = "b'0000000001 abcdefghi'
b'0000000002 abcdefghi'
b'0000000003 abcdefghi'" ]
	listen -4 --json --count 2
	sockit udp-send -4 --size 65507 127.0.0.1 "$PORT"
	sockit udp-send -4 --size 0 127.0.0.1 "$PORT"
	wait_exit "$LPID"
	grep -q '"bytes":65507,' "$T/out"
	grep -q '"bytes":0,' "$T/out"
	run --separate-stderr sockit udp-send -4 --size 65508 127.0.0.1 "$PORT"
	[ "$status" -eq 1 ]
	[ "$stderr" = "sockit udp-send: datagram 1: Message too long" ]
}

@test "a port with no listener: Connection refused, exit 1" {
	port=$(free_port)
	run --separate-stderr sockit udp-send -4 -m hi 127.0.0.1 "$port"
	[ "$status" -eq 1 ]
	[ "$stderr" = "sockit udp-send: ('127.0.0.1', $port): Connection refused" ]
	# From stdin: every line still goes, each refusal is counted.
	printf 'a\nb\nc\nd\n' >"$T/lines"
	run --separate-stderr sockit udp-send -6 ::1 "$port" <"$T/lines"
	[ "$status" -eq 1 ]
	[[ "${stderr_lines[0]}" = "sockit udp-send: ('::1', $port, 0, 0): Connection refused" ]]
	[[ "${stderr_lines[1]}" =~ ^sockit\ udp-send:\ [234]\ datagrams\ to\ .*:\ refused$ ]]
	# --reply: refused at once, not a timeout.
	run --separate-stderr sockit udp-send -4 --reply -w 10 -m hi \
		127.0.0.1 "$port"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"Connection refused"* ]]
}

@test "--reply: no reply in time is exit 4, and the rest still go" {
	listen -4 --count 2
	run --separate-stderr sockit udp-send -4 --reply -w 0.2 -m one -m two \
		127.0.0.1 "$PORT"
	[ "$status" -eq 4 ]
	[ "${#stderr_lines[@]}" -eq 2 ]
	[ "${stderr_lines[0]}" = "sockit udp-send: waiting for a reply from ('127.0.0.1', $PORT): timed out" ]
	wait_exit "$LPID"
	[ "$(wc -l <"$T/out")" -eq 2 ]
}

@test "--reply --json and -v: the reply and the summary as objects" {
	listen --reply 'Got your message!' --count 3
	run --separate-stderr sockit udp-send --json -v --reply -w 10 -m x \
		--count 3 ::1 "$PORT"
	[ "$status" -eq 0 ]
	without_exit 0
	[ "${#lines[@]}" -eq 4 ]
	[[ "${lines[0]}" == '{"event":"reply","peer":{"family":"AF_INET6","host":"::1","port":'"$PORT"',"flowinfo":0,"scope_id":0},"bytes":17,"data":"Got your message!","data_b64":"R290IHlvdXIgbWVzc2FnZSE=","truncated":false,"rtt_ms":'* ]]
	[[ "${lines[3]}" == '{"event":"summary","datagrams":3,"bytes":3,"seconds":'*',"failed":0,"replies":3}' ]]
	[[ "${stderr_lines[0]}" =~ ^3\ datagrams,\ 3\ bytes\ in\ [0-9.]+\ s: ]]
	[ "${stderr_lines[1]}" = "3 replies" ]
}

@test "--rate paces every datagram, in order" {
	listen -4 --count 20
	run --separate-stderr sockit udp-send -4 -v --size 12 --count 20 \
		--rate 400 127.0.0.1 "$PORT"
	[ "$status" -eq 0 ]
	[[ "$stderr" =~ ^20\ datagrams,\ 240\ bytes ]]
	wait_exit "$LPID"
	run sed -E "s/^.*: b'0*([0-9]+) .*/\\1/" "$T/out"
	[ "$output" = "$(seq 1 20)" ]
}

@test "broadcast: <broadcast> and --broadcast, in a namespace" {
	netns bc
	ip -n "$NS" route add default dev lo
	listen -n "$NS" -4 -b '' --count 3
	ip netns exec "$NS" "$SOCKIT" udp-send -m one '<broadcast>' "$PORT"
	ip netns exec "$NS" "$SOCKIT" udp-send --broadcast -m two \
		127.255.255.255 "$PORT"
	# HOST defaults to <broadcast>: the port is the default's too.
	run ip netns exec "$NS" "$SOCKIT" udp-send --broadcast -m three
	[ "$status" -eq 0 ]
	ip netns exec "$NS" "$SOCKIT" udp-send --broadcast -m three \
		'<broadcast>' "$PORT"
	wait_exit "$LPID"
	[ "$EXIT" -eq 0 ]
	run sed -E 's/^.*: //' "$T/out"
	[ "$output" = $'b\'one\'\nb\'two\'\nb\'three\'' ]
	# Without SO_BROADCAST the kernel refuses a broadcast address.
	run --separate-stderr ip netns exec "$NS" "$SOCKIT" udp-send -m x \
		127.255.255.255 "$PORT"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"Permission denied"* ]]
}

@test "multicast with --ttl and --interface, in a namespace" {
	netns mc
	listen -n "$NS" --group 239.9.9.9 --interface lo --count 2
	ip netns exec "$NS" "$SOCKIT" udp-send --ttl 0 --interface lo \
		-m 'ttl 0' 239.9.9.9 "$PORT"
	ip netns exec "$NS" "$SOCKIT" udp-send --ttl 1 --interface lo \
		-m 'ttl 1' 239.9.9.9 "$PORT"
	wait_exit "$LPID"
	[ "$EXIT" -eq 0 ]
	grep -q "b'ttl 0'" "$T/out"
	grep -q "b'ttl 1'" "$T/out"
}

@test "usage errors exit 2, unknown names 3" {
	for args in "--size 10 -m x" "--size 65536" "--count 0" "--count -1" \
		"--rate 0" "--rate abc" "--ttl 256" "-w abc" "-4 -6" \
		"--broadcast -6" "-m x 127.0.0.1 70000" "-m x a b c" \
		"--interface no-such-if0 -m x" "--ttl 0 -m x 127.0.0.1" \
		"--interface lo -m x 127.0.0.1" "--broadcast -m x 239.1.1.1"; do
		run --separate-stderr sockit udp-send $args
		[ "$status" -eq 2 ] || fail "$args: exit $status: $stderr"
		[[ "$stderr" == "sockit udp-send: "* ]]
		[ -z "$output" ]
	done
	run --separate-stderr sockit udp-send -m x no-such-name.invalid
	[ "$status" -eq 3 ]
}
