#!/usr/bin/env bats
# inject.bats - sockit inject, the reference's raw-socket sender, against
# tcpdump as the receiving oracle: two network namespaces made here,
# joined by a veth pair, frames sent on one side and captured on the
# other (tcpdump -w), then compared byte for byte with what was sent
# (python3 reads both).  IPv6 is off in both namespaces, so that nothing
# but the test's frames crosses the pair.  Needs root, ip, tcpdump,
# python3; capsh for the test without CAP_NET_RAW.

load helpers

PCAPS=$BATS_TEST_DIRNAME/pcaps
# The reference's frame, byte for byte: dst_addr + src_addr + ethertype +
# payload + checksum.
REF_FRAME="010203040506 010203040506 0801 $(printf '5b%.0s' {1..30})\
5041594c4f4144$(printf '5d%.0s' {1..30}) 1a2b3c4d"
SRC=02:00:00:00:00:aa

setup() {
	command -v tcpdump >/dev/null || skip "tcpdump is not installed"
	[ "$(id -u)" -eq 0 ] || skip "needs root (namespaces, raw sockets)"
	T=$BATS_TEST_TMPDIR
	NSA= NSB= TDPID=
}

teardown() {
	[ -z "$TDPID" ] || kill "$TDPID" 2>/dev/null || true
	[ -z "$NSA" ] || ip netns del "$NSA" 2>/dev/null || true
	[ -z "$NSB" ] || ip netns del "$NSB" 2>/dev/null || true
}

# Two namespaces, $NSA with veth ija$$ and $NSB with ijb$$, both up.
pair() {
	NSA=sockit-inj-a-$$
	ip netns add "$NSA" 2>/dev/null || skip "cannot create a network namespace"
	NSB=sockit-inj-b-$$
	ip netns add "$NSB"
	ip link add ija$$ netns "$NSA" type veth peer name ijb$$ netns "$NSB" ||
		skip "no veth"
	for pair in "$NSA ija$$" "$NSB ijb$$"; do
		set -- $pair
		ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
		ip netns exec "$1" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
		ip -n "$1" link set "$2" up
	done
}

# Capture $1 frames from the test's sources on the B side into $T/got.pcap;
# returns once tcpdump listens (at most 30 s).
capture() {
	ip netns exec "$NSB" timeout 60 tcpdump -i ijb$$ -U -c "$1" \
	    -w "$T/got.pcap" "ether src 01:02:03:04:05:06 or ether src $SRC" \
	    2>"$T/td.err" &
	TDPID=$!
	local i
	for ((i = 0; i < 600; i++)); do
		grep -q 'listening on' "$T/td.err" && return 0
		sleep 0.05
	done
	return 1
}

# Wait (at most 60 s) for the capture to end.
captured() {
	wait "$TDPID"
	local st=$?
	TDPID=
	return "$st"
}

# The frames of pcap file $1, one hex line each (python3 reads it itself).
frames_of() {
	"$PYTHON" - "$1" <<'PY'
import struct, sys
data = open(sys.argv[1], 'rb').read()
end = '<' if data[:4] == b'\xd4\xc3\xb2\xa1' else '>'
off = 24
while off + 16 <= len(data):
	ts, us, incl, orig = struct.unpack(end + 'IIII', data[off:off + 16])
	print(data[off + 16:off + 16 + incl].hex())
	off += 16 + incl
PY
}

# The span in seconds between the first and last frame of pcap file $1.
span_of() {
	"$PYTHON" - "$1" <<'PY'
import struct, sys
data = open(sys.argv[1], 'rb').read()
end = '<' if data[:4] == b'\xd4\xc3\xb2\xa1' else '>'
off, ts = 24, []
while off + 16 <= len(data):
	s, us, incl, orig = struct.unpack(end + 'IIII', data[off:off + 16])
	ts.append(s + us / 1e6)
	off += 16 + incl
print('%.3f' % (ts[-1] - ts[0]))
PY
}

# Write a pcap of Ethernet frames from $SRC to $1: sizes $2... (bytes).
make_pcap() {
	local out=$1
	shift
	"$PYTHON" - "$out" "$@" <<'PY'
import struct, sys
out, sizes = sys.argv[1], [int(s) for s in sys.argv[2:]]
with open(out, 'wb') as f:
	f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
	for i, n in enumerate(sizes):
		fr = bytes.fromhex('ffffffffffff' + '0200000000aa' + '88b5')
		fr += bytes((i * 7 + k) & 0xff for k in range(n - len(fr)))
		f.write(struct.pack('<IIII', 1000 + i, 0, len(fr), len(fr)))
		f.write(fr)
PY
}

@test "inject: the reference's frame, as written, arrives byte for byte" {
	pair
	capture 1
	run --separate-stderr ip netns exec "$NSA" "$SOCKIT" inject -i ija$$ \
	    "$REF_FRAME"
	[ "$status" -eq 0 ]
	[ "$stderr" = "1 frame sent, 85 bytes" ]
	captured
	run frames_of "$T/got.pcap"
	[ "$output" = "$(echo "$REF_FRAME" | tr -d ' ')" ]
}

@test "inject: several frames, colons and spaces, -c rounds, in order" {
	pair
	capture 6
	a=ffffffffffff0200000000aa88b5000102030405060708090a0b0c0d0e0f
	b="ff:ff:ff:ff:ff:ff:02:00:00:00:00:aa:88:b5:aa:bb:cc:dd"
	run --separate-stderr ip netns exec "$NSA" "$SOCKIT" inject -i ija$$ \
	    -c 3 "$a" "$b"
	[ "$status" -eq 0 ]
	[ "$stderr" = "6 frames sent, 144 bytes" ]
	captured
	bh=$(echo "$b" | tr -d :)
	run frames_of "$T/got.pcap"
	[ "$output" = "$(printf '%s\n' "$a" "$bh" "$a" "$bh" "$a" "$bh")" ]
}

@test "inject -r: every frame of a pcap arrives byte for byte" {
	pair
	make_pcap "$T/send.pcap" 60 64 100 1000 1514 14 77 1500 60 200
	capture 10
	run --separate-stderr ip netns exec "$NSA" "$SOCKIT" inject -i ija$$ \
	    -r "$T/send.pcap"
	[ "$status" -eq 0 ]
	[ "$stderr" = "10 frames sent, 4589 bytes" ]
	captured
	frames_of "$T/send.pcap" >"$T/sent.hex"
	frames_of "$T/got.pcap" >"$T/got.hex"
	cmp "$T/sent.hex" "$T/got.hex"
}

@test "inject: a frame over the MTU is reported and skipped, the rest sent" {
	pair
	make_pcap "$T/send.pcap" 100 1515 1514 9000 60
	capture 3
	run --separate-stderr ip netns exec "$NSA" "$SOCKIT" inject -i ija$$ \
	    -r "$T/send.pcap"
	[ "$status" -eq 1 ]
	[[ $stderr == *"frame 2: 1515 bytes, longer than the MTU (1500)"*skipped* ]]
	[[ $stderr == *"frame 4: 9000 bytes"*skipped* ]]
	[[ $stderr == *"3 frames sent, 1674 bytes" ]]
	captured
	frames_of "$T/send.pcap" | sed -n '1p;3p;5p' >"$T/sent.hex"
	frames_of "$T/got.pcap" >"$T/got.hex"
	cmp "$T/sent.hex" "$T/got.hex"
}

@test "inject --rate: the frames are spread over the time asked for" {
	pair
	make_pcap "$T/send.pcap" 60 60 60 60 60 60 60 60 60 60
	capture 10
	SECONDS=0
	run --separate-stderr ip netns exec "$NSA" "$SOCKIT" inject -i ija$$ \
	    --rate 20 -r "$T/send.pcap"
	[ "$status" -eq 0 ]
	# 9 intervals of 50 ms: never less than 0.45 s; seconds, not minutes.
	[ "$SECONDS" -lt 60 ]
	captured
	run span_of "$T/got.pcap"
	"$PYTHON" -c "import sys; sys.exit(not 0.3 <= float('$output') < 30)"
}

@test "inject --json: skipped, summary and exit events" {
	pair
	run --separate-stderr ip netns exec "$NSA" "$SOCKIT" inject -i ija$$ \
	    --json -q 0200000000aaffffffffffff88b5 \
	    "ffffffffffff0200000000aa88b5$(printf '00%.0s' {1..1501})"
	[ "$status" -eq 1 ]
	[[ $stderr == *"frame 2: 1515 bytes"*skipped* ]]
	[[ $stderr != *"frames sent"* ]]
	[ "${lines[0]}" = '{"event":"skipped","frame":2,"bytes":1515,"reason":"1515 bytes, longer than the MTU (1500) and an Ethernet header (14)"}' ]
	[ "${lines[1]}" = '{"event":"summary","frames":1,"bytes":14,"skipped":1}' ]
	[ "${lines[2]}" = '{"event":"exit","status":1,"reason":"frame 2: 1515 bytes, longer than the MTU (1500) and an Ethernet header (14): skipped"}' ]
}

@test "inject -r: a file that is not Ethernet is refused" {
	run --separate-stderr sockit inject -i lo -r "$PCAPS/LINKTYPE_IPV4_invalid.pcap"
	[ "$status" -eq 1 ]
	[[ $stderr == *"LINKTYPE_IPV4_invalid.pcap: link type"*"not Ethernet"* ]]
	[[ $stderr != *"frames sent"* ]]
	run --separate-stderr sockit inject -i lo -r "$PCAPS/bgp-role.pcapng"
	[ "$status" -eq 1 ]
	[[ $stderr == *"LINUX_SLL"*"not Ethernet"* ]]
}

@test "inject: without CAP_NET_RAW, the message naming it, exit 1" {
	command -v capsh >/dev/null || skip "capsh is not installed"
	run --separate-stderr capsh --drop=cap_net_raw -- -c \
	    "exec '$SOCKIT' inject -i lo '$REF_FRAME'"
	[ "$status" -eq 1 ]
	[ "$stderr" = "sockit inject: lo: Operation not permitted (sending needs the CAP_NET_RAW capability)" ]
	[ -z "$output" ]
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
	    --inh-caps=-all --bounding-set=-all "$SOCKIT" inject -i lo "$REF_FRAME"
	[ "$status" -eq 1 ]
	[[ $stderr == *"CAP_NET_RAW capability)" ]]
}

@test "inject: bad hex is a usage error naming the argument, nothing sent" {
	run --separate-stderr sockit inject -i lo 0102030405060102030405060800 0x12
	[ "$status" -eq 2 ]
	[[ $stderr == "sockit inject: '0x12': not a hex digit at offset 1"* ]]
	[[ $stderr != *"frames sent"* ]]
	run --separate-stderr sockit inject -i lo '01 0'
	[ "$status" -eq 2 ]
	[[ $stderr == "sockit inject: '01 0': half a byte"* ]]
	run --separate-stderr sockit inject -i lo "$(printf 'ab\033[2J')"
	[ "$status" -eq 2 ]
	[[ $stderr != *$'\033'* ]]
}

@test "inject: usage errors: no interface, nothing to send, both sources" {
	run --separate-stderr sockit inject "$REF_FRAME"
	[ "$status" -eq 2 ]
	[[ $stderr == *"an interface is required"* ]]
	run --separate-stderr sockit inject -i lo
	[ "$status" -eq 2 ]
	[[ $stderr == *"nothing to send"* ]]
	run --separate-stderr sockit inject -i lo -r x.pcap "$REF_FRAME"
	[ "$status" -eq 2 ]
	run --separate-stderr sockit inject -i lo --rate 0 "$REF_FRAME"
	[ "$status" -eq 2 ]
	run --separate-stderr sockit inject -i lo -c 0 "$REF_FRAME"
	[ "$status" -eq 2 ]
}

@test "inject: an unknown interface is an OS error" {
	run --separate-stderr sockit inject -i no-such-if0 "$REF_FRAME"
	[ "$status" -eq 1 ]
	[[ $stderr == "sockit inject: no-such-if0: No such device" ]]
}
