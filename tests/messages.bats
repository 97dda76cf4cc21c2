#!/usr/bin/env bats
# messages.bats - one failure, one message, naming what failed: which
# name did not resolve, which address refused or reset, which bind
# failed, in the form "sockit SUB: WHAT: REASON"; a HOST:PORT given as one
# operand, and the cases where the system's text is not enough (an
# unscoped link-local address, a broadcast without --broadcast, a
# multicast group with no route), get a "hint:" line after it.

load echo_helpers

NETNS=()
# echo_helpers' teardown, kept under another name for ours below.
eval "$(declare -f teardown | sed '1s/^teardown/echo_teardown/')"

hint() {
	printf 'sockit %s: hint: %s' "$1" "$2"
}

@test "echo-client names the name that did not resolve" {
	run --separate-stderr sockit echo-client nope.invalid
	[ "$status" -eq 3 ]
	[ "$stderr" = "sockit echo-client: nope.invalid: Name or service not known" ]
	run --separate-stderr sockit echo-client -s nope.invalid 127.0.0.1
	[ "$status" -eq 3 ]
	[ "$stderr" = "sockit echo-client: source nope.invalid: Name or service not known" ]
	# The refusal of an address that resolved stays as documented.
	port=$(closed_port)
	run --separate-stderr sockit echo-client 127.0.0.1 "$port"
	[ "$status" -eq 1 ]
	[ "$stderr" = "sockit echo-client: could not open socket: Connection refused" ]
}

@test "HOST:PORT as one operand: named, and hinted to be two arguments" {
	for c in "echo-client localhost:50007" "udp-send -m x localhost:50007" \
		"echo-server -b localhost:50007"; do
		set -- $c
		run --separate-stderr sockit "$@"
		[ "$status" -eq 3 ] || fail "$c: exit $status"
		[ "$stderr" = "sockit $1: localhost:50007: Name or service not known
$(hint "$1" "the host and the port are two arguments: 'localhost' '50007'")" ] ||
			fail "$c: $stderr"
	done
	run --separate-stderr sockit echo-client '[::1]:80'
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"$(hint echo-client "the host and the port are two arguments: '::1' '80'")" ]]
	# An IPv6 literal is not HOST:PORT; a name with no port is not either.
	run --separate-stderr sockit echo-client -w 5 ::1 "$(closed_port)"
	[[ "$stderr" != *hint* ]]
	run --separate-stderr sockit echo-client nope.invalid
	[[ "$stderr" != *hint* ]]
}

@test "a server that resets at once: one wording, naming the address" {
	start_server -b 127.0.0.1 --deny 127.0.0.1
	# Not $i: bats' run uses a global of that name.
	for try in 1 2 3 4 5 6 7 8 9 10; do
		for w in "" "-w 10"; do
			run --separate-stderr sockit echo-client $w 127.0.0.1 "$PORT"
			[ "$status" -eq 1 ] || fail "exit $status: $stderr"
			[ "$stderr" = "sockit echo-client: ('127.0.0.1', $PORT): Connection reset by peer" ] ||
				fail "run $try ${w:-without -w}: $stderr"
		done
	done
}

@test "htons, htonl: a number beyond 64 bits is out of their own range" {
	run --separate-stderr sockit inet-convert htons 99999999999999999999
	[ "$status" -eq 1 ]
	[ "$stderr" = "sockit inet-convert: '99999999999999999999': htons: Python int too large to convert to C 16-bit unsigned integer" ]
	run --separate-stderr sockit inet-convert ntohs -- -99999999999999999999
	[ "$stderr" = "sockit inet-convert: '-99999999999999999999': ntohs: can't convert negative Python int to C 16-bit unsigned integer" ]
	run --separate-stderr sockit inet-convert htonl 0x1ffffffffffffffff
	[ "$stderr" = "sockit inet-convert: '0x1ffffffffffffffff': int larger than 32 bits" ]
}

@test "a busy port: the bind tuple, port included; a bad host alone" {
	start_server -b 127.0.0.1
	run --separate-stderr sockit echo-server -b 127.0.0.1 -p "$PORT"
	[ "$status" -eq 1 ]
	[ "$stderr" = "sockit echo-server: ('127.0.0.1', $PORT): Address already in use" ]
	bg "$BATS_TEST_TMPDIR/u.out" "$BATS_TEST_TMPDIR/u.err" \
		"$SOCKIT" udp-listen -4 -b 127.0.0.1 -p 0
	wait_for "$BATS_TEST_TMPDIR/u.err" '^Listening on ' "$BG_PID"
	port=$(sed -nE "s/^Listening on \('[^']*', ([0-9]+)\)$/\1/p" \
		"$BATS_TEST_TMPDIR/u.err")
	run --separate-stderr sockit udp-listen -4 -b 127.0.0.1 -p "$port"
	[ "$status" -eq 1 ]
	[ "$stderr" = "sockit udp-listen: ('127.0.0.1', $port): Address already in use" ]
	run --separate-stderr sockit echo-server -b $'evil\033x' -p 1
	[ "$status" -eq 3 ]
	[ "$stderr" = "sockit echo-server: 'evil\\033x': Name or service not known" ]
}

@test "hint: a link-local address without its interface" {
	want=$(hint X "a link-local address needs its interface as its scope: fe80::1%IFACE")
	for c in "udp-send -m x fe80::1 9" "echo-client -w 5 fe80::1 9" \
		"echo-server -b fe80::1 -p 0" "udp-listen -b fe80::1 -p 0"; do
		set -- $c
		run --separate-stderr sockit "$@"
		[ "$status" -eq 1 ] || fail "$c: exit $status: $stderr"
		[[ "$stderr" == *": Invalid argument
${want/X/$1}" ]] || fail "$c: $stderr"
	done
}

# in_netns NAME: a network namespace of the test's own ($NS), deleted in
# teardown; skips when it cannot be made.
in_netns() {
	NS=sockit-msg-$1-$$
	ip netns add "$NS" 2>/dev/null || skip "cannot create a network namespace"
	NETNS+=("$NS")
	ip -n "$NS" link set lo up
}

teardown() {
	local n
	for n in "${NETNS[@]}"; do
		ip netns del "$n" 2>/dev/null || true
	done
	echo_teardown
}

@test "hint: a broadcast without --broadcast" {
	in_netns bcast
	ip -n "$NS" link add v0 type veth peer name v1 || skip "no veth"
	ip -n "$NS" addr add 192.0.2.1/24 dev v0
	ip -n "$NS" link set v1 up
	ip -n "$NS" link set v0 up
	ip -n "$NS" route add default dev v0
	for a in 255.255.255.255 192.0.2.255; do
		run --separate-stderr ip netns exec "$NS" "$SOCKIT" udp-send \
			-m x "$a" 9
		[ "$status" -eq 1 ]
		[ "$stderr" = "sockit udp-send: ('$a', 9): Permission denied
$(hint udp-send "sending to a broadcast address needs --broadcast")" ]
	done
}

@test "hint: a multicast group with no route" {
	in_netns mcast
	run --separate-stderr ip netns exec "$NS" "$SOCKIT" udp-listen \
		--group 239.1.2.3 -p 0
	[ "$status" -eq 1 ]
	[ "$stderr" = "sockit udp-listen: '239.1.2.3': No such device
$(hint udp-listen "no route to the group: name its interface with --interface")" ]
	run --separate-stderr ip netns exec "$NS" "$SOCKIT" udp-send -m x \
		239.1.2.3 9
	[ "$status" -eq 1 ]
	[ "$stderr" = "sockit udp-send: datagram 1: Network is unreachable
$(hint udp-send "no route to the group: name its interface with --interface")" ]
}
