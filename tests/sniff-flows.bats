#!/usr/bin/env bats
# sniff-flows.bats - sockit sniff --flows: conversations, packets and bytes
# each way against tshark's conversation tables and its TLS, DNS and HTTP
# fields (tests/flows-oracle) on corpus captures; handshake time,
# retransmissions, out-of-order segments, every close reason and the hints
# on a capture written with exact time stamps (tests/flows-pcap); live on
# lo in a network namespace of its own, with SIGUSR1.  Needs python3;
# tshark for the comparisons, root for the live test.

load helpers

PCAPS=$BATS_TEST_DIRNAME/pcaps
ORACLE=$BATS_TEST_DIRNAME/flows-oracle
GEN=$BATS_TEST_DIRNAME/flows-pcap

setup() {
	T=$BATS_TEST_TMPDIR
}

need_tshark() {
	command -v tshark >/dev/null || skip "tshark is not installed"
}

# The JSON record of the flow whose server port is $1, from $T/flows.
flow() {
	grep -E "\"dport\":$1,|\"sport\":$1,\"dst\"" "$T/flows" | head -1
}

scenarios() {
	"$GEN" "$T/sc.pcap"
	sockit sniff -q --flows --json "$@" -r "$T/sc.pcap" >"$T/flows"
}

@test "sniff --flows -r: tshark's TCP and UDP conversations, frames and bytes each way" {
	need_tshark
	# Files with several conversations and neither tunnels nor IP
	# fragments (tshark counts a reassembled datagram at its last
	# fragment, sockit at its first).
	for f in bgp-4byte-asn.pcap bgp-bgpsec.pcap bgp-infinite-loop.pcap \
	    eapon1.pcap dhcp-rfc4388.pcap; do
		run "$ORACLE" conv "$SOCKIT" "$PCAPS/$f"
		[ "$status" -eq 0 ] || fail "$output"
		[[ "$output" == *" 0 differ" ]] || fail "$output"
	done
	# And 200 generated connections, eight at a time.
	"$GEN" "$T/tcp.pcap" tcp 200
	run "$ORACLE" conv "$SOCKIT" "$T/tcp.pcap"
	[[ "$output" == *": 200 conversations compared, 0 differ" ]] ||
		fail "$output"
}

@test "sniff --flows -r: DNS questions, TLS server names, HTTP hosts are tshark's" {
	need_tshark
	for f in dns_udp.pcap dns_tcp.pcap dnssec.pcap dns-uri.pcap; do
		run "$ORACLE" hints "$SOCKIT" "$PCAPS/$f"
		[ "$status" -eq 0 ] || fail "$output"
	done
	"$GEN" "$T/sc.pcap"
	run "$ORACLE" hints "$SOCKIT" "$T/sc.pcap"
	[ "$status" -eq 0 ] || fail "$output"
}

@test "sniff --flows: SYN to SYN-ACK time, FIN both ways, and the packets each way" {
	scenarios
	run flow 1001
	[[ "$output" == *'"src":"10.0.0.1","sport":40001,"dst":"10.0.0.2","dport":1001,"src_packets":5,"src_bytes":280,"dst_packets":3,"dst_bytes":182,"close":"fin","syn_rtt_ms":12.5,"retransmits":0,"out_of_order":0}' ]] ||
		fail "$output"
	[[ "$output" == *'"start":1700000000,"duration":0.06,'* ]] ||
		fail "$output"
}

@test "sniff --flows: a reset, a retransmission, an out-of-order segment" {
	scenarios
	run flow 1002
	[[ "$output" == *'"close":"rst","syn_rtt_ms":null,"retransmits":0,'* ]] ||
		fail "$output"
	run flow 1003
	[[ "$output" == *'"retransmits":1,"out_of_order":0}' ]] ||
		fail "$output"
	run flow 1004
	[[ "$output" == *'"retransmits":0,"out_of_order":1}' ]] ||
		fail "$output"
}

@test "sniff --flows: idle UDP at --flow-timeout, TCP at ten times it, open at the end" {
	scenarios
	run flow 1005
	[[ "$output" == *'"close":"idle"}' ]] || fail "$output"
	run flow 1006
	[[ "$output" == *'"close":"open"}' ]] || fail "$output"
	# Default 30 s: the TCP flows, 100 s quiet, are still open (300 s).
	run flow 1003
	[[ "$output" == *'"close":"open"'* ]] || fail "$output"
	scenarios --flow-timeout 5
	run flow 1003
	[[ "$output" == *'"close":"idle"'* ]] || fail "$output"
	# Records come as flows end: the idle UDP one before the last.
	n5=$(grep -n '"dport":1005,' "$T/flows" | cut -d: -f1)
	n6=$(grep -n '"dport":1006,' "$T/flows" | cut -d: -f1)
	[ "$n5" -lt "$n6" ] || fail "1005 at $n5, 1006 at $n6"
}

@test "sniff --flows: DNS answered in 42 ms, one unanswered; TLS SNI and ALPN; HTTP" {
	scenarios
	run grep '"qname":"www.example.com"' "$T/flows"
	[[ "$output" == *'"qtype":"A","rcode":"NOERROR","dns_ms":42}' ]] ||
		fail "$output"
	run grep '"qname":"unanswered.test"' "$T/flows"
	[[ "$output" == *'"rcode":null,"dns_ms":null}' ]] || fail "$output"
	run flow 443
	[[ "$output" == *'"sni":"example.org","alpn":"h2,http/1.1"}' ]] ||
		fail "$output"
	# Split over two segments, inside the name, the first sent twice.
	run flow 8443
	[[ "$output" == *'"retransmits":1,"out_of_order":0,"sni":"split.example.net","alpn":"h2"}' ]] ||
		fail "$output"
	run flow 80
	[[ "$output" == *'"method":"GET","host":"ex\u001bample.net","path":"/index.html"}' ]] ||
		fail "$output"
}

@test "sniff --flows: the line form escapes bytes from the network" {
	"$GEN" "$T/sc.pcap"
	run --separate-stderr sockit sniff --flows -r "$T/sc.pcap"
	[ "$status" -eq 0 ]
	[[ "$output" == *"1700000008.000000 tcp 10.0.0.1.40080 > 10.0.0.2.80 duration 0.020000 src_packets 3 src_bytes 223 dst_packets 1 dst_bytes 54 close open syn_rtt_ms 12.500 retransmits 0 out_of_order 0 method GET host ex\\x1bample.net path /index.html"* ]] ||
		fail "$output"
	[[ "$output" != *$'\e'* ]] || fail "a raw escape byte on the line"
	[[ "$stderr" == *"11 flows, 0 evicted at --max-flows" ]] ||
		fail "$stderr"
}

@test "sniff --flows: --max-flows caps the table and counts the evictions" {
	"$GEN" "$T/many.pcap" 300
	run --separate-stderr sockit sniff --flows --json --max-flows 100 \
		-r "$T/many.pcap"
	[ "$status" -eq 0 ] || fail "$stderr"
	[[ "$stderr" == *"600 flows, 500 evicted at --max-flows" ]] ||
		fail "$stderr"
	n=$(grep -c '"event":"flow"' <<<"$output")
	[ "$n" -eq 600 ] || fail "$n records"
}

@test "sniff --flows: usage errors" {
	run sockit sniff --flows -w "$T/x.pcap" -r /dev/null
	[ "$status" -eq 2 ]
	[[ "$output" == *"cannot use --write with --flows"* ]] || fail "$output"
	run sockit sniff --flow-timeout 5 -r /dev/null
	[ "$status" -eq 2 ]
	[[ "$output" == *"--flow-timeout needs --flows"* ]] || fail "$output"
	run sockit sniff --flows --max-flows 0 -r /dev/null
	[ "$status" -eq 2 ]
	run sockit sniff --flows --hex -r /dev/null
	[ "$status" -eq 2 ]
}

@test "sniff --flows: live on lo, a record when a connection ends, SIGUSR1 for open ones" {
	[ "$(id -u)" -eq 0 ] || skip "needs root (capture, namespaces)"
	export SOCKIT T
	run timeout 60 unshare -n bash -c '
		ip link set lo up
		wait_line() {
			local i
			for ((i = 0; i < 600; i++)); do
				grep -q -- "$2" "$1" 2>/dev/null && return 0
				sleep 0.05
			done
			return 1
		}
		"$SOCKIT" sniff -i lo --flows --json >$T/live 2>$T/err &
		sp=$!
		wait_line $T/err listening || exit 3
		python3 -c "
import socket
srv = socket.socket(); srv.bind((\"127.0.0.1\", 0)); srv.listen()
port = srv.getsockname()[1]
c = socket.create_connection((\"127.0.0.1\", port))
a, _ = srv.accept()
c.sendall(b\"hello\"); a.recv(5)
c.close(); a.recv(1); a.close()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.sendto(b\"ping\", (\"127.0.0.1\", 9))
print(port)
" >$T/port || exit 4
		port=$(cat $T/port)
		wait_line $T/live "\"dport\":$port,.*\"close\":\"fin\"" || exit 5
		kill -USR1 $sp
		wait_line $T/live "\"dport\":9,.*\"close\":\"open\"" || exit 6
		kill -INT $sp
		wait $sp
		echo "status $?"'
	[[ "$output" == *"status 0" ]] || fail "$output: $(cat "$T/err")"
	port=$(cat "$T/port")
	run grep "\"dport\":$port," "$T/live"
	[[ "$output" == *'"src_packets":5,'*'"dst_packets":'*'"close":"fin","syn_rtt_ms":'* ]] ||
		fail "$output"
	run cat "$T/err"
	[[ "$output" == *"packets captured"*"dropped by kernel"*"flows, 0 evicted at --max-flows"* ]] ||
		fail "$output"
}
