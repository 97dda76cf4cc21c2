#!/usr/bin/env bats
# sniff.bats - sockit sniff against tcpdump, its oracle: an independent
# implementation that reads the same packets.
#
# Live tests run in a network namespace of their own (unshare -n: its own
# lo, brought up here, and nothing else), so no other test's traffic can
# reach them; the traffic is tests/oracle/sniff-traffic's.  Files: every
# capture in tests/pcaps (and in ../shared/pcaps, or $SNIFF_PCAPS, when it
# exists) is read without a crash, hang or sanitizer report (`make
# check-asan` runs this file against the ASan+UBSan build), and the lines
# for the files in tests/pcaps/identical.list are tcpdump's.  Needs root,
# tcpdump, python3; capsh for the test without CAP_NET_RAW.

load helpers

TRAFFIC=$BATS_TEST_DIRNAME/oracle/sniff-traffic
PCAPS=$BATS_TEST_DIRNAME/pcaps
SHARED_PCAPS=${SNIFF_PCAPS:-$BATS_TEST_DIRNAME/../../shared/pcaps}

setup() {
	command -v tcpdump >/dev/null || skip "tcpdump is not installed"
	[ "$(id -u)" -eq 0 ] || skip "needs root (capture, namespaces)"
	T=$BATS_TEST_TMPDIR
}

# The -Z test's folder, outside the runner's.
teardown() {
	if [ -n "${Z:-}" ]; then rm -rf "$Z"; fi
}

# Run the script $1 in a new network namespace with lo up; every process
# it starts dies with it (it kills them by PID itself).
in_netns() {
	timeout 60 unshare -n bash -c 'ip link set lo up && eval "$1"' \
	    in_netns "$1"
}

# Wait (at most 30 s) until file $1 has a line matching $2.
wait_for() {
	local i
	for ((i = 0; i < 600; i++)); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}
export -f wait_for

@test "sniff: live UDP, TCP and ICMP on lo: tcpdump's lines, tcpdump's bytes" {
	export SOCKIT TRAFFIC T
	run in_netns '
		tcpdump --immediate-mode -U -n -i lo -w $T/td.pcap 2>$T/td.err &
		tp=$!
		"$SOCKIT" sniff -i lo -w $T/sk.pcap 2>$T/skw.err &
		wp=$!
		"$SOCKIT" sniff -i lo >$T/lines 2>$T/sk.err &
		sp=$!
		wait_for $T/td.err listening && wait_for $T/skw.err listening &&
		    wait_for $T/sk.err listening || exit 3
		"$TRAFFIC" 5000 || exit 4
		# The echo reply is the last packet: wait for it everywhere.
		wait_for $T/lines "echo reply"
		sleep 0.2
		kill -INT $sp $wp; kill $tp; wait $sp $wp $tp
		true'
	[ "$status" -eq 0 ]
	cat "$T/lines"
	# Line by line: UDP, the ICMP port unreachable, the TCP connection,
	# the echo and its reply.
	grep -qE '^[0-9]+\.[0-9]{6} IP 127\.0\.0\.1\.5001 > 127\.0\.0\.1\.5000: UDP, length 16$' "$T/lines"
	grep -qE ' IP 127\.0\.0\.1 > 127\.0\.0\.1: ICMP 127\.0\.0\.1 udp port 5000 unreachable, length 52$' "$T/lines"
	grep -qE ' > 127\.0\.0\.1\.5000: Flags \[S\], seq [0-9]+, win [0-9]+, options \[mss 65495,sackOK,TS val [0-9]+ ecr 0,nop,wscale [0-9]+\], length 0$' "$T/lines"
	grep -qE '127\.0\.0\.1\.5000 > 127\.0\.0\.1\.[0-9]+: Flags \[S\.\], seq [0-9]+, ack [0-9]+, win' "$T/lines"
	grep -qE ': Flags \[P\.\], seq 1:6, ack 1, win [0-9]+, options \[nop,nop,TS val [0-9]+ ecr [0-9]+\], length 5$' "$T/lines"
	grep -qE ' IP 127\.0\.0\.1 > 127\.0\.0\.1: ICMP echo request, id 4660, seq 1, length 12$' "$T/lines"
	grep -qE ' IP 127\.0\.0\.1 > 127\.0\.0\.1: ICMP echo reply, id 4660, seq 1, length 12$' "$T/lines"
	# Each packet once (lo shows each twice to a packet socket).
	[ "$(grep -c 'echo request' "$T/lines")" -eq 1 ]
	# Every line is the line tcpdump prints for the same packet (the
	# time stamps are each socket's own).
	tcpdump -n -tt -r "$T/td.pcap" 2>/dev/null | cut -d' ' -f2- >"$T/td.lines"
	cut -d' ' -f2- "$T/lines" >"$T/sk.lines"
	diff "$T/td.lines" "$T/sk.lines"
	# The file sniff wrote: tcpdump reads it, with the same packets
	# and the same bytes as its own capture.
	tcpdump -n -tt -r "$T/sk.pcap" -xx 2>/dev/null | sed -E 's/^[0-9]+\.[0-9]+ //' >"$T/sk.hex"
	tcpdump -n -tt -r "$T/td.pcap" -xx 2>/dev/null | sed -E 's/^[0-9]+\.[0-9]+ //' >"$T/td.hex"
	diff "$T/td.hex" "$T/sk.hex"
	[ "$(tcpdump -r "$T/sk.pcap" 2>/dev/null | wc -l)" -eq 12 ]
	# Its counts, as tcpdump words and counts them: the filter saw each
	# packet twice on lo, going out and coming in.
	grep -qx '12 packets captured' "$T/sk.err"
	grep -qx '24 packets received by filter' "$T/sk.err"
	grep -qx '0 packets dropped by kernel' "$T/sk.err"
	grep -qx '24 packets received by filter' "$T/td.err"
}

@test "sniff: -i any: the interface and direction, SLL2 in the -w file" {
	export SOCKIT TRAFFIC T
	run in_netns '
		tcpdump -l -n -t -i any udp port 5700 >$T/td.lines 2>$T/td.err &
		tp=$!
		"$SOCKIT" sniff -t -i any udp port 5700 >$T/sk.lines 2>$T/sk.err &
		sp=$!
		"$SOCKIT" sniff -i any -w $T/any.pcap udp port 5700 2>$T/w.err &
		wp=$!
		wait_for $T/td.err listening && wait_for $T/sk.err listening &&
		    wait_for $T/w.err listening || exit 3
		"$TRAFFIC" udp 5700 || exit 4
		wait_for $T/sk.lines "UDP, length" && wait_for $T/td.lines "UDP"
		sleep 0.2
		kill -INT $sp $wp; kill -INT $tp; wait $sp $wp $tp
		true'
	[ "$status" -eq 0 ]
	cat "$T/sk.lines" "$T/sk.err"
	# The lines, without time stamps (-t), are tcpdump's
	# (which adds an empty line when SIGINT stops it).
	grep -qE '^lo    In  IP 127\.0\.0\.1\.[0-9]+ > 127\.0\.0\.1\.5700: UDP, length [0-9]+$' "$T/sk.lines"
	diff <(grep . "$T/td.lines") "$T/sk.lines"
	grep -q 'link-type LINUX_SLL2 (Linux cooked v2)' "$T/sk.err"
	# The counts, tcpdump's.
	diff <(grep packets "$T/td.err") <(grep packets "$T/sk.err")
	# The file is SLL2: the interface survives, tcpdump reads it so,
	# and sniff -r reads it as tcpdump does.
	tcpdump -r "$T/any.pcap" 2>&1 | grep -q 'link-type LINUX_SLL2'
	tcpdump -n -tt -r "$T/any.pcap" 2>/dev/null >"$T/td.r"
	grep -q ' lo    In  IP 127\.0\.0\.1\.' "$T/td.r"
	diff "$T/td.r" <("$SOCKIT" sniff -q -r "$T/any.pcap")
	diff <(tcpdump -n -tt -e -r "$T/any.pcap" 2>/dev/null) \
	    <("$SOCKIT" sniff -q -e -r "$T/any.pcap")
}

@test "sniff: -c COUNT stops after COUNT packets, with the counts" {
	export SOCKIT TRAFFIC T
	run in_netns '
		"$SOCKIT" sniff -i lo -c 3 tcp >$T/lines 2>$T/err &
		sp=$!
		wait_for $T/err listening || exit 3
		"$TRAFFIC" tcp 5100
		wait $sp'
	[ "$status" -eq 0 ]
	[ "$(wc -l <"$T/lines")" -eq 3 ]
	grep -qx '3 packets captured' "$T/err"
	grep -q 'Flags \[S\]' "$T/lines"
}

@test "sniff: a filter runs in the kernel: one that matches nothing lets nothing in" {
	export SOCKIT TRAFFIC T
	run in_netns '
		"$SOCKIT" sniff -i lo "udp port 1" >$T/lines 2>$T/err &
		sp=$!
		wait_for $T/err listening || exit 3
		"$TRAFFIC" 5200
		sleep 0.2
		kill -TERM $sp
		wait $sp'
	[ "$status" -eq 0 ]
	[ ! -s "$T/lines" ]
	grep -qx '0 packets captured' "$T/err"
	# Received by filter counts what the kernel's filter accepted.
	grep -qx '0 packets received by filter' "$T/err"
	# And one that matches lets exactly that in.
	run in_netns '
		"$SOCKIT" sniff -i lo -c 1 "icmp[icmptype] == icmp-echoreply" >$T/lines 2>$T/err &
		sp=$!
		wait_for $T/err listening || exit 3
		"$TRAFFIC" 5210
		wait $sp'
	[ "$status" -eq 0 ]
	grep -q 'ICMP echo reply' "$T/lines"
}

@test "sniff: promiscuous mode while it runs, restored after, even after SIGKILL" {
	export SOCKIT T
	run in_netns '
		# The kernel counts promiscuous users of the interface.
		flags() { ip -d link show lo | grep -o "promiscuity [0-9]*" |
			cut -d" " -f2; }
		echo "before $(flags)"
		"$SOCKIT" sniff -i lo >/dev/null 2>$T/err &
		sp=$!
		wait_for $T/err listening || exit 3
		echo "during $(flags)"
		kill -INT $sp; wait $sp
		echo "after $(flags)"
		"$SOCKIT" sniff -i lo >/dev/null 2>$T/err2 &
		sp=$!
		wait_for $T/err2 listening || exit 3
		kill -KILL $sp; wait $sp 2>/dev/null
		echo "killed $(flags)"
		"$SOCKIT" sniff -i lo --no-promisc >/dev/null 2>$T/err3 &
		sp=$!
		wait_for $T/err3 listening || exit 3
		echo "no-promisc $(flags)"
		kill $sp; wait $sp; true'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"before 0"* ]]
	[[ $output == *"during 1"* ]]
	[[ $output == *"after 0"* ]]
	[[ $output == *"killed 0"* ]]
	[[ $output == *"no-promisc 0"* ]]
}

@test "sniff: -w flushes, so a capture stopped by SIGINT loses nothing" {
	export SOCKIT TRAFFIC T
	run in_netns '
		"$SOCKIT" sniff -i lo -w $T/cap.pcap 2>$T/err &
		sp=$!
		wait_for $T/err listening || exit 3
		"$TRAFFIC" 5300
		# Before the signal, the file already holds every packet.
		for ((i = 0; i < 100; i++)); do
			[ "$(tcpdump -r $T/cap.pcap 2>/dev/null | wc -l)" -ge 12 ] && break
			sleep 0.05
		done
		kill -INT $sp; wait $sp'
	[ "$status" -eq 0 ]
	n=$(sed -n 's/ packets captured$//p' "$T/err")
	[ "$n" -eq 12 ]
	[ "$(tcpdump -r "$T/cap.pcap" 2>/dev/null | wc -l)" -eq "$n" ]
}

@test "sniff: lines reach a pipe as they happen" {
	export SOCKIT TRAFFIC T
	run in_netns '
		"$SOCKIT" sniff -i lo 2>$T/err > >(while read -r line; do
			echo "$line" >>$T/seen; done) &
		sp=$!
		wait_for $T/err listening || exit 3
		"$TRAFFIC" udp 5400
		# Seen while sniff still runs.
		wait_for $T/seen "UDP, length 16" || exit 4
		kill -INT $sp; wait $sp'
	[ "$status" -eq 0 ]
}

@test "sniff: --ip, the reference's IP-level raw socket" {
	export SOCKIT TRAFFIC T
	run in_netns '
		"$SOCKIT" sniff --ip icmp -c 2 >$T/lines 2>$T/err &
		sp=$!
		wait_for $T/err listening || exit 3
		"$TRAFFIC" icmp 5500
		wait $sp'
	[ "$status" -eq 0 ]
	grep -q 'link-type RAW' "$T/err"
	grep -qE 'IP 127\.0\.0\.1 > 127\.0\.0\.1: ICMP echo request, id 4660, seq 1, length 12$' "$T/lines"
	grep -qE 'ICMP echo reply, id 4660, seq 1, length 12$' "$T/lines"
	run --separate-stderr sockit sniff --ip raw
	[ "$status" -eq 2 ]
}

@test "sniff: -Z drops to the user once the socket is open; USER creates FILE" {
	id nobody >/dev/null 2>&1 || skip "no user nobody"
	# A folder nobody can reach (the test's own is under the runner's).
	Z=$(mktemp -d /tmp/sniff-z.XXXXXX)
	chmod 777 "$Z"
	export SOCKIT TRAFFIC T Z
	run in_netns '
		"$SOCKIT" sniff -i lo -Z nobody -w $Z/z.pcap 2>$T/err &
		sp=$!
		wait_for $T/err listening || exit 3
		awk "/^Uid:/ { print \"uid\", \$2, \$3 }" /proc/$sp/status
		"$TRAFFIC" udp 5600
		# A packet in the file before the signal (-w flushes each).
		for ((i = 0; i < 600; i++)); do
			[ "$(tcpdump -r $Z/z.pcap 2>/dev/null | wc -l)" -ge 1 ] &&
				break
			sleep 0.05
		done
		kill -INT $sp; wait $sp'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == "uid $(id -u nobody) $(id -u nobody)" ]]
	# The file was created after the drop, as tcpdump does, and is
	# complete.
	[ "$(stat -c %U "$Z/z.pcap")" = "$(id -un nobody)" ]
	[ "$(tcpdump -r "$Z/z.pcap" 2>/dev/null | wc -l)" -ge 1 ]
	run --separate-stderr sockit sniff -i lo -Z no-such-user-here -c 1
	[ "$status" -eq 1 ]
	[[ $stderr == *"no-such-user-here"* ]]
}

@test "sniff: without CAP_NET_RAW, a message naming it, exit 1" {
	command -v capsh >/dev/null || skip "capsh is not installed"
	run --separate-stderr capsh --drop=cap_net_raw -- -c "exec '$SOCKIT' sniff -i lo -c 1"
	[ "$status" -eq 1 ]
	[[ $stderr == *"CAP_NET_RAW"* ]]
	[ -z "$output" ]
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
	    --inh-caps=-all --bounding-set=-all "$SOCKIT" sniff --ip icmp -c 1
	[ "$status" -eq 1 ]
	[[ $stderr == *"CAP_NET_RAW"* ]]
}

@test "sniff: usage errors exit 2 and capture nothing" {
	run --separate-stderr sockit sniff -r "$PCAPS/802.1ad_QinQ.pcap" 'tcp port 80 and'
	[ "$status" -eq 2 ]
	[[ $stderr == *"syntax error"* ]]
	[ -z "$output" ]
	run --separate-stderr sockit sniff -i lo 'no such thing'
	[ "$status" -eq 2 ]
	run --separate-stderr sockit sniff -c -1
	[ "$status" -eq 2 ]
	run --separate-stderr sockit sniff -s 300000
	[ "$status" -eq 2 ]
	run --separate-stderr sockit sniff -r x.pcap -i lo
	[ "$status" -eq 2 ]
	run --separate-stderr sockit sniff -w x.pcap --json
	[ "$status" -eq 2 ]
	run --separate-stderr sockit sniff -i no-such-iface0 -c 1
	[ "$status" -eq 1 ]
	[[ $stderr == *"No such device"* ]]
	run --separate-stderr sockit sniff -r "$T/missing.pcap"
	[ "$status" -eq 1 ]
}

@test "sniff -r: the lines of the chosen files are tcpdump -n -tt's" {
	local n
	n=$(grep -c . "$PCAPS/identical.list")
	[ "$n" -gt 20 ]
	# Exact agreement on the packets in the decoded layers, per file.
	run "$BATS_TEST_DIRNAME/oracle/sniff-compare" $(sed "s|^|$PCAPS/|" "$PCAPS/identical.list")
	echo "$output"
	[ "$status" -eq 0 ]
	local total same
	total=$(sed -n 's/^in decoded layers: \([0-9]*\) packets.*/\1/p' <<<"$output")
	same=$(sed -n 's/.*packets, \([0-9]*\) lines identical.*/\1/p' <<<"$output")
	[ "$total" -gt 100 ]
	[ "$total" -eq "$same" ]
}

@test "sniff -r: -n and -nn are accepted and change nothing, as tcpdump's" {
	local f=$PCAPS/802.1ad_QinQ.pcap
	run --separate-stderr sockit sniff -q -nn -r "$f"
	[ "$status" -eq 0 ]
	[ -n "$output" ]
	diff <(tcpdump -nn -tt -r "$f" 2>/dev/null) <(printf '%s\n' "$output")
	diff <(sockit sniff -q -r "$f") <(sockit sniff -q -n -r "$f")
}

@test "sniff -r: -x is tcpdump -x, and --json is one object per packet" {
	local f=$PCAPS/802.1ad_QinQ.pcap
	diff <(tcpdump -n -tt -x -r "$f" 2>/dev/null) <(sockit sniff -q -x -r "$f")
	run --separate-stderr sockit sniff -q --json -r "$f"
	[ "$status" -eq 0 ]
	without_exit 0
	[ "${#lines[@]}" -eq "$(tcpdump -r "$f" 2>/dev/null | wc -l)" ]
	printf '%s\n' "${lines[@]}" | "$PYTHON" -c '
import json, sys
for line in sys.stdin:
    o = json.loads(line)
    assert "summary" in o and "ts_sec" in o and "eth" in o, o
    assert o["summary"].startswith("ARP, "), o
'
}

@test "sniff -r: each display switch prints what tcpdump prints for it" {
	local f sw stamp
	# Ethernet with two tags, Linux cooked with nanoseconds, BSD loopback.
	for f in 802.1ad_QinQ.pcap tcp-handshake-nano.pcap quic_retry.pcap; do
		for sw in -t -tt -ttt -tttt -ttttt --time-stamp-precision=nano \
		    -e -x -xx -X -XX -A -AA -v -vv; do
			stamp=-tt
			[[ $sw == -t* ]] && stamp=
			echo "$f $sw"
			# -tttt is local time: the same zone for both.
			diff <(TZ=UTC tcpdump -n $stamp "$sw" -r "$PCAPS/$f" \
			    2>/dev/null) \
			    <(TZ=UTC sockit sniff -q "$sw" -r "$PCAPS/$f")
		done
	done
	# -ttttt counts from the first packet, -ttt from the one before.
	run sockit sniff -q -ttttt -r "$PCAPS/802.1ad_QinQ.pcap"
	[[ ${lines[0]} == " 00:00:00.000000 ARP, Request"* ]]
	[[ ${lines[1]} == " 00:00:00.000268 ARP, Reply"* ]]
	# The dumps do not go with -w.
	run --separate-stderr sockit sniff -X -w "$T/x.pcap" -r "$PCAPS/802.1ad_QinQ.pcap"
	[ "$status" -eq 2 ]
}

@test "sniff -r: every capture file reads cleanly (crash, hang, sanitizer)" {
	local f rc bad=() n=0 dirs=("$PCAPS") problems
	[ -d "$SHARED_PCAPS" ] && dirs+=("$SHARED_PCAPS")
	find "${dirs[@]}" -maxdepth 1 -name '*.pcap*' | sort >"$T/files"
	n=$(wc -l <"$T/files")
	# A thousand files, independent: two workers (xargs -P 2), each
	# with files of its own ($$), print a line for each problem.
	problems=$(T=$T xargs -d '\n' -P 2 -n 32 bash -c '
		out=$T/$$.out err=$T/$$.err
		for f; do
			timeout 20 "$SOCKIT" sniff -q -r "$f" >"$out" 2>"$err"
			rc=$?
			if [ "$rc" -gt 1 ] || grep -qE "AddressSanitizer|runtime error|LeakSanitizer" "$err"; then
				echo "$f: status $rc: $(head -c 300 "$err")"
			fi
			# Nothing but printable text and tabs reaches the output.
			if LC_ALL=C grep -qP "[^\t\n\x20-\x7e]" "$out"; then
				echo "$f: unprintable bytes in the output"
			fi
		done
		exit 0' _ <"$T/files") || fail "the workers failed"
	[ -z "$problems" ] || bad+=("$problems")
	# The in-tree ones with every output form.
	for f in "$PCAPS"/*.pcap*; do
		for o in -x --json -vv; do
			timeout 20 "$SOCKIT" sniff -q $o -r "$f" >/dev/null 2>"$T/err"
			rc=$?
			if [ "$rc" -gt 1 ] || grep -qE 'AddressSanitizer|runtime error' "$T/err"; then
				bad+=("$f $o: status $rc: $(head -c 300 "$T/err")")
			fi
		done
	done
	echo "$n files"
	[ "$n" -gt 200 ]
	[ ${#bad[@]} -eq 0 ] || { printf '%s\n' "${bad[@]}" >&2; return 1; }
}

@test "sniff -r with -w copies what the filter accepts" {
	local f=$PCAPS/PIM-DM_pruning.pcap
	run --separate-stderr sockit sniff -q -r "$f" -w "$T/copy.pcap" udp
	[ "$status" -eq 0 ]
	[ "$(tcpdump -n -r "$T/copy.pcap" 2>/dev/null | wc -l)" -eq 5 ]
	diff <(tcpdump -n -tt -r "$f" udp 2>/dev/null) \
	    <(tcpdump -n -tt -r "$T/copy.pcap" 2>/dev/null)
}
