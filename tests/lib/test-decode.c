/*
 * test-decode.c - the packet decoder (lib/capture/decode.c and its
 * printers, print-*.c), one section per printer: hand-made packets, each
 * with the line tcpdump 4.99.3 prints for it (`tcpdump -n -tt -r` on a
 * pcap file holding that packet alone), compared byte for byte.  Then the
 * time stamp, the relative TCP sequence numbers, -x and JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "sockit.h"
#include "tap.h"

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

static const struct tc {
	const char *section, *name;
	int linktype;
	unsigned int wirelen;	/* 0: as captured */
	const char *hex, *want;	/* the bytes; tcpdump's line, no time */
} cases[] = {
	{ "ether", "an unknown EtherType", DLT_EN10MB, 0,
	    "02000000000202000000000188b500000000000000000000",
	    "02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype Unknown (0x"
	    "88b5), length 24: \n\t0x0000:  0000 0000 0000 0000 0000     "
	    "            .........." },
	{ "ether", "802.1Q tag, then IPv4", DLT_EN10MB, 0,
	    "0200000000020200000000018100000508004500001e0001000040110000"
	    "0a0000010a00000200010002000a00006162",
	    "IP 10.0.0.1.1 > 10.0.0.2.2: UDP, length 2" },
	{ "ether", "cut short", DLT_EN10MB, 0,
	    "0200000000020200",
	    " [|ether]" },
	{ "arp", "request", DLT_EN10MB, 0,
	    "02000000000202000000000108060001080006040001020000000001c0a8"
	    "0001000000000000c0a80002",
	    "ARP, Request who-has 192.168.0.2 tell 192.168.0.1, length 28" },
	{ "arp", "reply", DLT_EN10MB, 0,
	    "02000000000202000000000108060001080006040002020000000001c0a8"
	    "0001020000000002c0a80002",
	    "ARP, Reply 192.168.0.1 is-at 02:00:00:00:00:01, length 28" },
	{ "arp", "cut short", DLT_EN10MB, 0,
	    "020000000002020000000001080600010800060400",
	    " [|arp]" },
	{ "ip", "unknown protocol", DLT_RAW, 0,
	    "450000180001000040fd00000a0000010a00000261626364",
	    "IP 10.0.0.1 > 10.0.0.2:  ip-proto-253 4" },
	{ "ip", "non-first fragment", DLT_RAW, 0,
	    "4500001c00010010401100000a0000010a0000026162636465666768",
	    "IP 10.0.0.1 > 10.0.0.2: ip-proto-17" },
	{ "ip", "header cut short", DLT_RAW, 0,
	    "450000140001000040060000",
	    "IP  [|ip]" },
	{ "ip", "length beyond capture", DLT_RAW, 0,
	    "4500003c00010000401100000a0000010a00000200010002000c00007878"
	    "7878",
	    "IP truncated-ip - 28 bytes missing! 10.0.0.1.1 > 10.0.0.2.2:"
	    " UDP, length 4" },
	{ "ip6", "hop-by-hop, then UDP", DLT_RAW, 0,
	    "600000000012004020010db800000000000000000000000120010db80000"
	    "000000000000000000021100000000000000cf080009000a00006869",
	    "IP6 2001:db8::1 > 2001:db8::2: HBH 53000 > 9: UDP, length 2" },
	{ "ip6", "fragment, first", DLT_RAW, 0,
	    "6000000000122c4020010db800000000000000000000000120010db80000"
	    "00000000000000000002110000010000000100010002000a00007a7a",
	    "IP6 2001:db8::1 > 2001:db8::2: frag (0|10) 1 > 2: UDP, lengt"
	    "h 2" },
	{ "ip6", "routing type 0", DLT_RAW, 0,
	    "6000000000182b4020010db800000000000000000000000120010db80000"
	    "000000000000000000023b0200010000000020010db80000000000000000"
	    "00000009",
	    "IP6 2001:db8::1 > 2001:db8::2: RT6 (len=2, type=0 [Deprecate"
	    "d], segleft=1, [0]2001:db8::9) no next header" },
	{ "tcp", "SYN with mss, sackOK, TS, wscale", DLT_RAW, 0,
	    "4500003c00010000400600000a0000010a0000029c400050000003e80000"
	    "0000a002020000000000020405b40402080a000000010000000001030307",
	    "IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq 1000, win 51"
	    "2, options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7], le"
	    "ngth 0" },
	{ "tcp", "MPTCP capable v1", DLT_RAW, 0,
	    "4500003000010000400600000a0000010a0000029c400050000003e80000"
	    "000070020200000000001e04018101010000",
	    "IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq 1000, win 51"
	    "2, options [mptcp 4 capable v1 csum,nop,nop,eol], length 0" },
	{ "tcp", "MPTCP dss", DLT_RAW, 0,
	    "4500003000010000400600000a0000010a0000029c410050000003e80000"
	    "000570100200000000001e08200100000007",
	    "IP 10.0.0.1.40001 > 10.0.0.2.80: Flags [.], ack 5, win 512, "
	    "options [mptcp 8 dss ack 7], length 0" },
	{ "tcp", "TFO experimental cookie request", DLT_RAW, 0,
	    "4500003000010000400600000a0000010a0000029c420050000003e80000"
	    "00007002020000000000fe04f98901010000",
	    "IP 10.0.0.1.40002 > 10.0.0.2.80: Flags [S], seq 1000, win 51"
	    "2, options [exp-tfo cookiereq,nop,nop,eol], length 0" },
	{ "tcp", "an option whose length is wrong", DLT_RAW, 0,
	    "4500002c00010000400600000a0000010a0000029c430050000000010000"
	    "0000600202000000000001011404",
	    "IP 10.0.0.1.40003 > 10.0.0.2.80: Flags [S], seq 1, win 512, "
	    "options [nop,nop,[bad opt]]" },
	{ "tcp", "header length too short", DLT_RAW, 0,
	    "4500002800010000400600000a0000010a00000200010002000000030000"
	    "00044010000500000000",
	    "IP 10.0.0.1.1 > 10.0.0.2.2:  tcp 4 [bad hdr length 16 - too "
	    "short, < 20]" },
	{ "udp", "length", DLT_RAW, 0,
	    "4500002100010000401100000a0000010a00000204d2270f000d00006865"
	    "6c6c6f",
	    "IP 10.0.0.1.1234 > 10.0.0.2.9999: UDP, length 5" },
	{ "udp", "length larger than the datagram", DLT_RAW, 0,
	    "4500002100010000401100000a0000010a00000204d2270f006400006865"
	    "6c6c6f",
	    "IP 10.0.0.1.1234 > 10.0.0.2.9999: UDP, bad length 92 > 5" },
	{ "udp", "length under 8", DLT_RAW, 0,
	    "4500001c00010000401100000a0000010a00000204d2270f00040000",
	    "IP 10.0.0.1.1234 > 10.0.0.2.9999: truncated-udplength 4" },
	{ "icmp", "echo request", DLT_RAW, 0,
	    "4500002000010000400100000a0000010a00000208000000002a00017069"
	    "6e67",
	    "IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 42, seq 1, len"
	    "gth 12" },
	{ "icmp", "port unreachable", DLT_RAW, 0,
	    "4500003900010000400100000a0000010a00000203030000000000004500"
	    "001d00010000401100000a0000010a000002138800350009000071",
	    "IP 10.0.0.1 > 10.0.0.2: ICMP 10.0.0.2 udp port 53 unreachabl"
	    "e, length 37" },
	{ "icmp", "cut short", DLT_RAW, 0,
	    "4500001500010000400100000a0000010a00000208",
	    "IP 10.0.0.1 > 10.0.0.2:  [|icmp]" },
	{ "icmp6", "echo reply", DLT_RAW, 0,
	    "6000000000083a4020010db800000000000000000000000120010db80000"
	    "0000000000000000000281000000000700ff",
	    "IP6 2001:db8::1 > 2001:db8::2: ICMP6, echo reply, id 7, seq "
	    "255, length 8" },
	{ "icmp6", "neighbor solicitation", DLT_RAW, 0,
	    "6000000000183a4020010db800000000000000000000000120010db80000"
	    "00000000000000000002870000000000000020010db80000000000000000"
	    "00000002",
	    "IP6 2001:db8::1 > 2001:db8::2: ICMP6, neighbor solicitation,"
	    " who has 2001:db8::2, length 24" },
	{ "icmp6", "packet too big", DLT_RAW, 0,
	    "6000000000083a4020010db800000000000000000000000120010db80000"
	    "000000000000000000020200000000000500",
	    "IP6 2001:db8::1 > 2001:db8::2: ICMP6, packet too big, mtu 12"
	    "80, length 8" },
	{ "link", "BSD loopback, IPv4", DLT_NULL, 0,
	    "020000004500001c00010000401100000a0000010a000002000100020008"
	    "0000",
	    "IP 10.0.0.1.1 > 10.0.0.2.2: UDP, length 0" },
	{ "link", "Linux cooked, IPv6", DLT_LINUX_SLL, 0,
	    "000003040006000000000000000086dd6000000000003b4020010db80000"
	    "0000000000000000000120010db8000000000000000000000002",
	    "IP6 2001:db8::1 > 2001:db8::2: no next header" },
	{ "sctp", "INIT", DLT_RAW, 0,
	    "4500003400010000408400000a0000010a00000213881770000000000000"
	    "000001000014000000070000ffff000a000a00000063",
	    "IP 10.0.0.1.5000 > 10.0.0.2.6000: sctp (1) [INIT] [init tag:"
	    " 7] [rwnd: 65535] [OS: 10] [MIS: 10] [init TSN: 99] " },
	{ "sctp", "DATA and SACK with a gap block", DLT_RAW, 0,
	    "4500004800010000408400000a0000010a00000213881770000000010000"
	    "00000300001400000064000010000001000000020003000300110000002a"
	    "000100020000000378000000",
	    "IP 10.0.0.1.5000 > 10.0.0.2.6000: sctp (1) [SACK] [cum ack 1"
	    "00] [a_rwnd 4096] [#gap acks 1] [#dup tsns 0] \n\t\t[gap ack"
	    " block #1: start = 102, end = 103] , (2) [DATA] (B)(E) [TSN:"
	    " 42] [SID: 1] [SSEQ 2] [PPID M3UA] " },
	{ "sctp", "cut short", DLT_RAW, 0,
	    "4500001800010000408400000a0000010a00000213881770",
	    "IP truncated-sctp - 8 bytes missing!" },
	{ "dccp", "request", DLT_RAW, 0,
	    "4500002a00010000402100000a0000010a0000021b581f40050000000100"
	    "00010000000000020000002a",
	    "IP 10.0.0.1.7000 > 10.0.0.2.8000: DCCP DCCP-Request (service"
	    "=131072) " },
	{ "dccp", "ack", DLT_RAW, 0,
	    "4500002e00010000402100000a0000010a0000021b581f40060000000700"
	    "00020000000000030000000000000011",
	    "IP 10.0.0.1.7000 > 10.0.0.2.8000: DCCP DCCP-Ack (ack=0) " },
	{ "gre", "key and sequence, then IPv4", DLT_RAW, 0,
	    "4500003c00010000402f00000a0000010a00000230000800000000050000"
	    "00094500001c00010000400100000a0000010a0000020800000000010002",
	    "IP 10.0.0.1 > 10.0.0.2: GREv0, key=0x5, seq 9, length 40: IP"
	    " 10.0.0.1 > 10.0.0.2: ICMP echo request, id 1, seq 2, length"
	    " 8" },
	{ "gre", "a protocol not decoded", DLT_RAW, 0,
	    "4500002000010000402f00000a0000010a000002000088be000000000000"
	    "0000",
	    "IP 10.0.0.1 > 10.0.0.2: GREv0, length 12: gre-proto-0x88be" },
	{ "igmp", "v2 report", DLT_RAW, 0,
	    "4500001c00010000400200000a0000010a00000216000000e0000001",
	    "IP 10.0.0.1 > 10.0.0.2: igmp v2 report 224.0.0.1" },
	{ "igmp", "v3 query", DLT_RAW, 0,
	    "4500002400010000400200000a0000010a00000211640000e00000010000"
	    "00010a000001",
	    "IP 10.0.0.1 > 10.0.0.2: igmp query v3 [gaddr 224.0.0.1, 1 so"
	    "urce(s)]" },
	{ "macsec", "in the clear", DLT_EN10MB, 0,
	    "02000000000202000000000188e500000000000108004500001e00010000"
	    "401100000a0000010a00000200010002000a000061620000000000000000"
	    "0000000000000000",
	    "IP 10.0.0.1.1 > 10.0.0.2.2: UDP, length 2" },
	{ "macsec", "encrypted", DLT_EN10MB, 0,
	    "02000000000202000000000188e52c000000000173656372657462797465"
	    "732100000000000000000000000000000000",
	    "02:00:00:00:00:01 > 02:00:00:00:00:02 802.1AE MACsec, an 0, "
	    "pn 1, flags ECI, sci 7365637265746279, \n\t0x0000:  7465 732"
	    "1 0000 0000 0000 0000 0000 0000  tes!............\n\t0x0010:"
	    "  0000 0000                                ...." },
	{ "icmp6", "MLDv2 query", DLT_RAW, 0,
	    "60000000001c3a4020010db800000000000000000000000120010db80000"
	    "000000000000000000028200000000000000000000000000000000000000"
	    "0000000000000000",
	    "IP6 2001:db8::1 > 2001:db8::2: ICMP6, multicast listener que"
	    "ry v2 [gaddr ::], length 28" },
	{ "icmp6", "unknown type", DLT_RAW, 0,
	    "6000000000083a4020010db800000000000000000000000120010db80000"
	    "00000000000000000002a0000000deadbeef",
	    "IP6 2001:db8::1 > 2001:db8::2: ICMP6, unknown icmp6 type (16"
	    "0), length 8\n\t0x0000:  a000 0000 dead beef" },
	{ "vxlan", "an ARP request inside", DLT_RAW, 0,
	    "4500004e00010000401100000a0000010a0000029c4012b5003a00000800"
	    "000000006400020000000002020000000001080600010800060400010200"
	    "00000001c0a80001000000000000c0a80002",
	    "IP 10.0.0.1.40000 > 10.0.0.2.4789: VXLAN, flags [I] (0x08), "
	    "vni 100\nARP, Request who-has 192.168.0.2 tell 192.168.0.1, "
	    "length 28" },
	{ "vxlan", "cut short", DLT_RAW, 0,
	    "4500002000010000401100000a0000010a0000029c4012b5000c00000800"
	    "0000",
	    "IP 10.0.0.1.40000 > 10.0.0.2.4789: VXLAN (invalid)" },
	{ "pim", "hello", DLT_RAW, 0,
	    "4500001e00010000406700000a0000010a00000220000000000100020069",
	    "IP 10.0.0.1 > 10.0.0.2: PIMv2, Hello, length 10" },
	{ "pim", "version 1", DLT_RAW, 0,
	    "4500001800010000406700000a0000010a00000210000000",
	    "IP 10.0.0.1 > 10.0.0.2: PIMv1, length 4" },
	{ "pim", "cut short", DLT_RAW, 0,
	    "4500001800010000406700000a0000010a000002",
	    "IP truncated-ip - 4 bytes missing! 10.0.0.1 > 10.0.0.2:  [|p"
	    "im]" },
	{ "vrrp", "version 2", DLT_RAW, 0,
	    "4500002000010000ff7000000a0000010a000002212a640101010000c0a8"
	    "0001",
	    "IP 10.0.0.1 > 10.0.0.2: VRRPv2, Advertisement, vrid 42, prio"
	    " 100, authtype simple, intvl 1s, length 12" },
	{ "vrrp", "version 3, TTL not 255", DLT_RAW, 0,
	    "4500002000010000407000000a0000010a000002312cbf0100640000c0a8"
	    "0001",
	    "IP 10.0.0.1 > 10.0.0.2: VRRPv3, Advertisement, (ttl 64), vri"
	    "d 44, prio 191, intvl 100cs, length 12" },
	{ "vrrp", "cut short", DLT_RAW, 0,
	    "4500001700010000ff7000000a0000010a000002212a64",
	    "IP 10.0.0.1 > 10.0.0.2: VRRPv2, Advertisement, vrid 42, prio"
	    " 100 [|vrrp]" },
	{ "eigrp", "hello", DLT_RAW, 0,
	    "4500003400010000405800000a0000010a00000202050000000000000000"
	    "000000000000000000010001000c0100000000000000",
	    "IP 10.0.0.1 > 10.0.0.2: EIGRP Hello, length: 32" },
	{ "eigrp", "cut short", DLT_RAW, 0,
	    "4500001900010000405800000a0000010a0000020205000000",
	    "IP 10.0.0.1 > 10.0.0.2:  [|eigrp]" },
	{ "ospf", "version 2 hello", DLT_RAW, 0,
	    "4500004000010000405900000a0000010a0000020201002c0a0000010000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "00000000",
	    "IP 10.0.0.1 > 10.0.0.2: OSPFv2, Hello, length 44" },
	{ "ospf", "version 3 LS-Ack", DLT_RAW, 0,
	    "600000000010594020010db800000000000000000000000120010db80000"
	    "00000000000000000002030500100a00000100000000a0b00000",
	    "IP6 2001:db8::1 > 2001:db8::2: OSPFv3, LS-Ack, length 16" },
	{ "ospf", "version 2, MD5 digest", DLT_RAW, 0,
	    "4500005000010000405900000a0000010a0000020201002c0a0000010000"
	    "00000000000200001000000000aa00000000000000000000000000000000"
	    "0000000000000000000000000000000000000000",
	    "IP 10.0.0.1 > 10.0.0.2: OSPFv2, Hello, length 44" },
	{ "ah", "then OSPFv3", DLT_RAW, 0,
	    "600000000028334020010db800000000000000000000000120010db80000"
	    "000000000000000000025904000000000100000000130102030405060708"
	    "090a0b0c030100100a00000100000000a0b00000",
	    "IP6 2001:db8::1 > 2001:db8::2: AH(spi=0x00000100,seq=0x13,ic"
	    "v=0x0102030405060708090a0b0c): OSPFv3, Hello, length 16" },
	{ "ah", "cut short", DLT_RAW, 0,
	    "4500001c00010000403300000a0000010a0000021104000000000100",
	    "IP 10.0.0.1 > 10.0.0.2: AH(spi=0x00000100, [|ah]" },
	{ "esp", "encrypted", DLT_RAW, 0,
	    "4500002c00010000403200000a0000010a00000212345678000000010000"
	    "0000000000000000000000000000",
	    "IP 10.0.0.1 > 10.0.0.2: ESP(spi=0x12345678,seq=0x1), length "
	    "24" },
	{ "esp", "cut short", DLT_RAW, 0,
	    "4500001b00010000403200000a0000010a00000212345678000000",
	    "IP 10.0.0.1 > 10.0.0.2:  [|esp]" },
	{ "domain", "query", DLT_RAW, 0,
	    "4500003900010000401100000a0000010a0000029c400035002500003039"
	    "01000001000000000000076578616d706c6503636f6d0000010001",
	    "IP 10.0.0.1.40000 > 10.0.0.2.53: 12345+ A? example.com. (29)" },
	{ "domain", "answer: CNAME, compressed, then A", DLT_RAW, 0,
	    "4500005b00010000401100000a0000010a00000200359c40004700003039"
	    "81800001000200000000076578616d706c6503636f6d0000010001c00c00"
	    "0500010000012c000603777777c00cc029000100010000012c0004c00002"
	    "01",
	    "IP 10.0.0.1.53 > 10.0.0.2.40000: 12345 2/0/0 CNAME www.examp"
	    "le.com., A 192.0.2.1 (63)" },
	{ "domain", "answer: AAAA, authoritative, no recursion", DLT_RAW, 0,
	    "600000000037114020010db800000000000000000000000120010db80000"
	    "0000000000000000000200359c4000370000000184000001000100000000"
	    "017800001c0001c00c001c000100000e10001020010db800000000000000"
	    "0000000001",
	    "IP6 2001:db8::1.53 > 2001:db8::2.40000: 1*- 1/0/0 AAAA 2001:"
	    "db8::1 (47)" },
	{ "domain", "answer: MX, NXDomain, EDNS", DLT_RAW, 0,
	    "4500004d00010000401100000a0000010a00000200359c40003900000002"
	    "85830001000100000001017800000f0001c00c000f000100000001000700"
	    "0a026d78c00c0000290200000100000000",
	    "IP 10.0.0.1.53 > 10.0.0.2.40000: 2 NXDomain* 1/0/1 MX mx.x. "
	    "10 (49)" },
	{ "domain", "answer: TXT with bytes escaped", DLT_RAW, 0,
	    "4500004300010000401100000a0000010a00000200359c40002f00000003"
	    "8400000100010000000001740000100001c00c0010000100000001000803"
	    "6120620301ff7a",
	    "IP 10.0.0.1.53 > 10.0.0.2.40000: 3*- 1/0/0 TXT \"a b\" \"^AM"
	    "-^?z\" (39)" },
	{ "domain", "a pointer forward", DLT_RAW, 0,
	    "4500003d00010000401100000a0000010a00000200359c40002900000004"
	    "8180000100010000000001780000010001c00c00050001000000010002c0"
	    "ff",
	    "IP 10.0.0.1.53 > 10.0.0.2.40000: 4 1/0/0 CNAME <BAD PTR> [|d"
	    "omain]" },
	{ "domain", "mDNS, unicast response asked", DLT_RAW, 0,
	    "4500003e00010000401100000a000001e00000fb14e914e9002a00000000"
	    "00000001000000000000055f68747470045f746370056c6f63616c00000c"
	    "8001",
	    "IP 10.0.0.1.5353 > 224.0.0.251.5353: 0 PTR (QU)? _http._tcp."
	    "local. (34)" },
	{ "domain", "over TCP", DLT_RAW, 0,
	    "4500004700010000400600000a0000010a0000029c400035000003e80000"
	    "07d05018020000000000001d303901000001000000000000076578616d70"
	    "6c6503636f6d0000010001",
	    "IP 10.0.0.1.40000 > 10.0.0.2.53: Flags [P.], seq 1000:1031, "
	    "ack 2000, win 512, length 31 12345+ A? example.com. (29)" },
	{ "domain", "shorter than a header", DLT_RAW, 0,
	    "4500002500010000401100000a0000010a0000029c400035001100003039"
	    "01000001000000",
	    "IP 10.0.0.1.40000 > 10.0.0.2.53: domain [length 9 < 12] (inv"
	    "alid)" },
	{ "domain", "cut short", DLT_RAW, 0,
	    "4500005b00010000401100000a0000010a00000200359c40003000003039"
	    "81800001000200000000076578616d706c6503636f6d0000010001c00c00"
	    "0500010000012c00",
	    "IP truncated-ip - 23 bytes missing! 10.0.0.1.53 > 10.0.0.2.4"
	    "0000: 12345 2/0/0 [|domain]" },
	{ "bootp", "request", DLT_RAW, 0,
	    "4500010d00010000401100000a0000010a0000020044004300f900000101"
	    "060000000000000000000000000000000000000000000000000008002700"
	    "000100000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "000000000000000000000000000000000000000000000000000000000000"
	    "00000000000000000000000000000000000000000000000063825363ff",
	    "IP 10.0.0.1.68 > 10.0.0.2.67: BOOTP/DHCP, Request from 08:00"
	    ":27:00:00:01, length 241" },
	{ "bootp", "cut short", DLT_RAW, 0,
	    "4500010d00010000401100000a0000010a00000200440043001c00000101"
	    "060000000000000000000000000000000000",
	    "IP truncated-ip - 221 bytes missing! 10.0.0.1.68 > 10.0.0.2."
	    "67: BOOTP/DHCP, Request [|bootp]" },
	{ "hsrp", "hello", DLT_RAW, 0,
	    "4500003000010000401100000a000001e000000207c107c1001c00000000"
	    "10030a6400010000000000000000c0a80001",
	    "IP 10.0.0.1.1985 > 224.0.0.2.1985: HSRPv0-hello 20: state=ac"
	    "tive group=0 [reserved=1!] addr=192.168.0.1" },
	{ "hsrp", "cut short", DLT_RAW, 0,
	    "4500002600010000401100000a000001e000000207c107c1001200000000"
	    "10030a6400010000",
	    "IP 10.0.0.1.1985 > 224.0.0.2.1985: HSRPv0-hello 10: state=ac"
	    "tive group=0 [reserved=1!]  [|hsrp]" },
	{ "bfd", "control, up", DLT_RAW, 0,
	    "4500003400010000401100000a0000010a000002c0300ec80020000020c0"
	    "031800000001000000020000000000000000000f4240",
	    "IP 10.0.0.1.49200 > 10.0.0.2.3784: BFDv1, Control, State Up,"
	    " Flags: [none], length: 24" },
	{ "bfd", "multihop, poll", DLT_RAW, 0,
	    "4500003400010000401100000a0000010a000002c03012b0002000002060"
	    "031800000001000000020000000000000000000f4240",
	    "IP 10.0.0.1.49200 > 10.0.0.2.4784: BFDv1, Multihop, State Do"
	    "wn, Flags: [Poll], length: 24" },
	{ "bfd", "echo", DLT_RAW, 0,
	    "4500002400010000401100000a0000010a0000020ec90ec9001000000000"
	    "000000000000",
	    "IP 10.0.0.1.3785 > 10.0.0.2.3785: BFD, Echo, length: 8" },
	{ "bfd", "cut short", DLT_RAW, 0,
	    "4500002600010000401100000a0000010a000002c0300ec80012000020c0"
	    "0318000000010000",
	    "IP 10.0.0.1.49200 > 10.0.0.2.3784:  [|bfd]" },
	{ "bcm-li", "ingress, IPv4", DLT_RAW, 0,
	    "4500003400010000401100000a0000010a000002c000c001002000006a00"
	    "01f40000000000000000000000000000000000000000",
	    "IP 10.0.0.1.49152 > 10.0.0.2.49153: BCM-LI-SHIM: direction i"
	    "ngress, pkt-type ipv4, pkt-subtype unknown, li-id 500" },
	{ "stp", "configuration BPDU", DLT_EN10MB, 0,
	    "0180c2000000020000000001002642420300000000018001001906000000"
	    "0000000000008001001906eab8808005000000140002",
	    "STP 802.1d, Config, Flags [Topology change], bridge-id 0000."
	    "80:01:00:19:06:ea.b880, length 35" },
	{ "stp", "rapid, proposal", DLT_EN10MB, 0,
	    "0180c2000000020000000001002742420300000202028001001906eab880"
	    "000000008001001906eab880800c0000140002000f0000",
	    "STP 802.1w, Rapid STP, Flags [Proposal], bridge-id 8001.00:1"
	    "9:06:ea:b8:80.800c, length 36" },
	{ "stp", "PVST+ over SNAP", DLT_EN10MB, 0,
	    "01000ccccccd020000000001002caaaa0300000c010b0000020202800100"
	    "1906eab880000000008001001906eab880800c0000140002000f0000",
	    "STP 802.1w, Rapid STP, Flags [Proposal], bridge-id 8001.00:1"
	    "9:06:ea:b8:80.800c, length 36" },
	{ "stp", "cut short", DLT_EN10MB, 52,
	    "0180c20000000200000000010026424203000000000180010019060000",
	    "STP 802.1d, Config, Flags [Topology change] [|stp]" },
	{ "ptp", "sync on Ethernet", DLT_EN10MB, 0,
	    "011b1900000002000000000188f71002002c000002000000000000000000"
	    "00000000123456fffe789abc0001002a000000005e0000010000000a",
	    "PTPv2, v1 compat : yes, msg type : sync msg, length : 44, do"
	    "main : 0, reserved1 : 0, Flags [two step], NS correction : 0"
	    ", sub NS correction : 0, reserved2 : 0, clock identity : 0x1"
	    "23456fffe789abc, port id : 1, seq id : 42, control : 0 (Sync"
	    "), log message interval : 0, originTimeStamp : 1577058305 se"
	    "conds, 10 nanoseconds" },
	{ "ptp", "delay response on UDP", DLT_RAW, 0,
	    "4500005200010000401100000a000001e000018101400140003e00001902"
	    "003600000200000000000000000000000000123456fffe789abc0001002a"
	    "030000005e0000010000000a123456fffe789abc0002",
	    "IP 10.0.0.1.320 > 224.0.1.129.320: PTPv2, v1 compat : yes, m"
	    "sg type : delay resp msg, length : 54, domain : 0, reserved1"
	    " : 0, Flags [two step], NS correction : 0, sub NS correction"
	    " : 0, reserved2 : 0, clock identity : 0x123456fffe789abc, po"
	    "rt id : 1, seq id : 42, control : 3 (Delay_Resp), log messag"
	    "e interval : 0, receiveTimeStamp : 1577058305 seconds, 10 na"
	    "noseconds, port identity : 0x123456fffe789abc, port id : 2" },
	{ "ptp", "a reserved type and control", DLT_EN10MB, 0,
	    "011b1900000002000000000188f715020022007f00000000000000000000"
	    "0000000000000000000000000001090f0900000000000000000000000000"
	    "00000000000000",
	    "PTPv2, v1 compat : yes, msg type : Reserved, length : 34, do"
	    "main : 0, reserved1 : 127, Flags [none], NS correction : 0, "
	    "sub NS correction : 0, reserved2 : 0, clock identity : 0x0, "
	    "port id : 1, seq id : 2319, control : 9 (Reserved), log mess"
	    "age interval : 0" },
	{ "ptp", "version 1", DLT_EN10MB, 0,
	    "011b1900000002000000000188f715010022000000000000000000000000"
	    "0000000000000000000000000000000000000000000000000000000000",
	    "PTPv1 (not implemented)" },
	{ "ptp", "shorter than a header", DLT_EN10MB, 0,
	    "011b1900000002000000000188f71002002c000002000000000000000000"
	    "000000001234",
	    " [length 22 < 34] (invalid)" },
	{ "ptp", "management, cut short", DLT_EN10MB, 0,
	    "011b1900000002000000000188f71d02002c000002000000000000000000"
	    "00000000123456fffe789abc0001002a0400ffff",
	    "PTPv2, v1 compat : yes, msg type : management msg, length : "
	    "44, domain : 0, reserved1 : 0, Flags [two step], NS correcti"
	    "on : 0, sub NS correction : 0, reserved2 : 0, clock identity"
	    " : 0x123456fffe789abc, port id : 1, seq id : 42, control : 4"
	    " (Management), log message interval : 0 [|ptp]" },
	{ "udld", "probe", DLT_EN10MB, 0,
	    "01000ccccccc0200000000010013aaaa0300000c01112101000000000000"
	    "000000",
	    "UDLDv1, Code Probe message (1), Flags [RT] (0x01), length 11" },
	{ "udld", "version 7, every flag", DLT_EN10MB, 0,
	    "01000ccccccc020000000001000caaaa0300000c0111e1ff0000",
	    "UDLDv7, Code Probe message (1), Flags [RT, RSY, MBZ-2, MBZ-3"
	    ", MBZ-4, MBZ-5, MBZ-6, MBZ-7] (0xff), length 4" },
	{ "udld", "reserved opcode", DLT_EN10MB, 0,
	    "01000ccccccc020000000001000caaaa0300000c01113f000000",
	    "UDLDv1, Code Reserved (1f), Flags [none] (0x00), length 4" },
	{ "udld", "shorter than a header", DLT_EN10MB, 0,
	    "01000ccccccc020000000001000baaaa0300000c0111210300",
	    " (invalid)" },
	{ "udld", "cut short", DLT_EN10MB, 34,
	    "01000ccccccc0200000000010014aaaa0300000c011121",
	    " [|udld]" },
	{ "aoe", "version 1", DLT_EN10MB, 0,
	    "02000000000202000000000188a21000ffffff0100000000000000000000"
	    "0000",
	    "AoE length 18, Ver 1, Flags: [none]" },
	{ "aoe", "too short", DLT_EN10MB, 0,
	    "02000000000202000000000188a218",
	    "AoE length 1, Ver 1 (invalid)" },
	{ "lldp", "with a system name", DLT_EN10MB, 0,
	    "0180c200000e02000000000188cc02070402000000000104030501650a05"
	    "73770174630000",
	    "LLDP, length 23: sw^Atc" },
	{ "lldp", "cut short", DLT_EN10MB, 37,
	    "0180c200000e02000000000188cc02070402000000000104030501650a05",
	    "LLDP, length 23 [|lldp]" },
	{ "openflow", "two messages", DLT_RAW, 0,
	    "4500003c00010000400600000a0000010a00000219fd9c40000003e80000"
	    "07d0501802000000000001120008000000050401000c0000000600010203",
	    "IP 10.0.0.1.6653 > 10.0.0.2.40000: Flags [P.], seq 1000:1020"
	    ", ack 2000, win 512, length 20: OpenFlow\n\tversion 1.0, typ"
	    "e BARRIER_REQUEST, length 8, xid 0x00000005\n\tversion 1.3, "
	    "type ERROR, length 12, xid 0x00000006" },
	{ "openflow", "a header cut by the segment", DLT_RAW, 0,
	    "4500003200010000400600000a0000010a0000029c4019e9000003e80000"
	    "07d0501802000000000001120008000000050100",
	    "IP 10.0.0.1.40000 > 10.0.0.2.6633: Flags [P.], seq 1000:1010"
	    ", ack 2000, win 512, length 10: OpenFlow\n\tversion 1.0, typ"
	    "e BARRIER_REQUEST, length 8, xid 0x00000005\n\tversion 1.0, "
	    "type HELLO (end of TCP payload)" },
	{ "openflow", "length too short", DLT_RAW, 0,
	    "4500003000010000400600000a0000010a0000029c4019e9000003e80000"
	    "07d050180200000000000100000400000001",
	    "IP 10.0.0.1.40000 > 10.0.0.2.6633: Flags [P.], seq 1000:1008"
	    ", ack 2000, win 512, length 8: OpenFlow\n\tversion 1.0, type"
	    " HELLO, length 4 (too short!), xid 0x00000001 (invalid)" },
	{ "bgp", "named only", DLT_RAW, 0,
	    "4500003b00010000400600000a0000010a0000029c4000b3000003e80000"
	    "07d05018020000000000ffffffffffffffffffffffffffffffff001304",
	    "IP 10.0.0.1.40000 > 10.0.0.2.179: Flags [P.], seq 1000:1019,"
	    " ack 2000, win 512, length 19: BGP" },
	{ "decode", "caplen greater than len", DLT_RAW, 10,
	    "4500001c00010000401100000a0000010a0000020001000200080000",
	    "[Invalid header: len(10) < caplen(28)]" },
};

static size_t
unhex(const char *h, unsigned char *b, size_t max)
{
	size_t n = 0;
	unsigned int v;

	char pair[3] = { 0 }, *end;

	for (; h[0] != '\0' && h[1] != '\0' && n < max; h += 2) {
		pair[0] = h[0];
		pair[1] = h[1];
		v = (unsigned int)strtoul(pair, &end, 16);
		if (*end != '\0')
			break;
		b[n++] = (unsigned char)v;
	}
	return n;
}

/* The text sk_decode prints for the packet, without its newline. */
static char *
decode(struct sk_decoder *d, int linktype, const unsigned char *b, size_t n,
    unsigned int wirelen, long sec, long nsec)
{
	struct sk_packet p;
	struct sk_buf out = { 0 };
	char *s;

	memset(&p, 0, sizeof(p));
	p.ts.tv_sec = sec;
	p.ts.tv_nsec = nsec;
	p.data = b;
	p.caplen = (uint32_t)n;
	p.len = wirelen != 0 ? wirelen : (uint32_t)n;
	p.linktype = linktype;
	if (sk_decode(d, &p, &out) == -1 || out.len == 0) {
		sk_buf_free(&out);
		return strdup("(decode failed)");
	}
	s = strndup((const char *)out.data, out.len - 1);
	sk_buf_free(&out);
	return s;
}

static void
test_cases(void)
{
	unsigned char b[1024];
	const char *last = "";
	size_t i, n;

	for (i = 0; i < nitems(cases); i++) {
		const struct tc *t = &cases[i];
		struct sk_decoder *d = sk_decoder_new(0, NULL);
		char want[1024], *got;

		if (strcmp(last, t->section) != 0)
			diag("print-%s", t->section);
		last = t->section;
		n = unhex(t->hex, b, sizeof(b));
		got = decode(d, t->linktype, b, n, t->wirelen, 1, 2000);
		(void)snprintf(want, sizeof(want), "%s%s",
		    t->want[0] == '[' ? "" : "1.000002 ", t->want);
		is_str(got, want, "%s: %s", t->section, t->name);
		free(got);
		sk_decoder_free(d);
	}
}

/* Display switches tcpdump words at the link layer: -e on 802.2 LLC and
 * SNAP headers, and where -x's dump starts. */
static const struct swc {
	const char *name;
	int flags;
	unsigned int wirelen;	/* 0: as captured */
	const char *hex, *want;
} swcases[] = {
	{ "-e: an LLC header, then STP", SK_DECODE_LINK_HDR, 0,
	    "0180c2000000020000000001002642420300000000018001001906000000"
	    "0000000000008001001906eab8808005000000140002",
	    "02:00:00:00:00:01 > 01:80:c2:00:00:00, 802.3, length 38: LLC, "
	    "dsap STP (0x42) Individual, ssap STP (0x42) Command, ctrl 0x0"
	    "3: STP 802.1d, Config, Flags [Topology change], bridge-id 000"
	    "0.80:01:00:19:06:ea.b880, length 35" },
	{ "-e: a response bit", SK_DECODE_LINK_HDR, 0,
	    "02000000000202000000000100264243030000000001800100190600000000",
	    "02:00:00:00:00:01 > 02:00:00:00:00:02, 802.3, length 17: LLC, "
	    "dsap STP (0x42) Individual, ssap STP (0x42) Response, ctrl 0x"
	    "03: STP 802.1d, Config (invalid)" },
	{ "-e: LLC and SNAP headers, then PVST+", SK_DECODE_LINK_HDR, 0,
	    "01000ccccccd020000000001002caaaa0300000c010b0000020202800100"
	    "1906eab880000000008001001906eab880800c0000140002000f0000",
	    "02:00:00:00:00:01 > 01:00:0c:cc:cc:cd, 802.3, length 44: LLC, "
	    "dsap SNAP (0xaa) Individual, ssap SNAP (0xaa) Command, ctrl 0"
	    "x03: oui Cisco (0x00000c), pid PVST (0x010b), length 36: STP 8"
	    "02.1w, Rapid STP, Flags [Proposal], bridge-id 8001.00:19:06:ea"
	    ":b8:80.800c, length 36" },
	{ "-x: the dump starts after the LLC header", SK_DECODE_HEX, 0,
	    "0180c2000000020000000001002642420300000000018001001906000000"
	    "0000000000008001001906eab8808005000000140002",
	    "STP 802.1d, Config, Flags [Topology change], bridge-id 0000.80"
	    ":01:00:19:06:ea.b880, length 35"
	    "\n\t0x0000:  0000 0000 0180 0100 1906 0000 0000 0000"
	    "\n\t0x0010:  0000 0080 0100 1906 eab8 8080 0500 0000"
	    "\n\t0x0020:  1400 02" },
	{ "-x: an ARP cut short is dumped from the first byte",
	    SK_DECODE_HEX, 0,
	    "02000000000202000000000108060001080006040001020000000001c0a8",
	    " [|arp]"
	    "\n\t0x0000:  0200 0000 0002 0200 0000 0001 0806 0001"
	    "\n\t0x0010:  0800 0604 0001 0200 0000 0001 c0a8" },
	{ "-x: OpenFlow cut short is dumped from the first byte",
	    SK_DECODE_HEX, 74,
	    "02000000000202000000000108004500003c00010000400600000a000001"
	    "0a00000219fd9c40000003e8000007d0501802000000000001120008000000"
	    "050401000c0000",
	    "IP 10.0.0.1.6653 > 10.0.0.2.40000: Flags [P.], seq 1000:1020, "
	    "ack 2000, win 512, length 20: OpenFlow\n\tversion 1.0, type B"
	    "ARRIER_REQUEST, length 8, xid 0x00000005\n\tversion 1.3, type "
	    "ERROR, length 12 [|openflow]"
	    "\n\t0x0000:  0200 0000 0002 0200 0000 0001 0800 4500"
	    "\n\t0x0010:  003c 0001 0000 4006 0000 0a00 0001 0a00"
	    "\n\t0x0020:  0002 19fd 9c40 0000 03e8 0000 07d0 5018"
	    "\n\t0x0030:  0200 0000 0000 0112 0008 0000 0005 0401"
	    "\n\t0x0040:  000c 0000" },
	{ "-x: an encrypted MACsec frame is dumped after its SecTAG",
	    SK_DECODE_HEX, 0,
	    "3e6ff374237c2eb73f3995c388e52c00000000482eb73f3995c3000150c6"
	    "8aabf6822b69adc7f4bca4d8af67",
	    "2e:b7:3f:39:95:c3 > 3e:6f:f3:74:23:7c 802.1AE MACsec, an 0, pn"
	    " 72, flags ECI, sci 2eb73f3995c30001, "
	    "\n\t0x0000:  50c6 8aab f682 2b69 adc7 f4bc a4d8 af67" },
};

static void
test_link_switches(void)
{
	unsigned char b[256];
	size_t i, n;

	diag("print-ether: display switches");
	for (i = 0; i < nitems(swcases); i++) {
		const struct swc *t = &swcases[i];
		struct sk_decoder *d = sk_decoder_new(t->flags, NULL);
		char want[1024], *got;

		n = unhex(t->hex, b, sizeof(b));
		got = decode(d, DLT_EN10MB, b, n, t->wirelen, 1, 2000);
		(void)snprintf(want, sizeof(want), "1.000002 %s", t->want);
		is_str(got, want, "%s", t->name);
		free(got);
		sk_decoder_free(d);
	}
}

static void
test_time(void)
{
	struct sk_decoder *d = sk_decoder_new(0, NULL);
	unsigned char b[64];
	size_t n = unhex("4500001c00010000401100000a0000010a000002"
	    "0001000200080000", b, sizeof(b));
	char *got;

	diag("decode: time stamps");
	got = decode(d, DLT_RAW, b, n, 0, 2147483648L, 0);
	is_str(got, "[Error converting time] IP 10.0.0.1.1 > 10.0.0.2.2: "
	    "UDP, length 0", "seconds of 2^31: tcpdump's error");
	free(got);
	got = decode(d, DLT_RAW, b, n, 0, 7, 1234567000L);
	is_str(got, "7.1234567 IP 10.0.0.1.1 > 10.0.0.2.2: UDP, length 0",
	    "microseconds out of range printed as they are");
	free(got);
	got = decode(d, DLT_RAW, b, n, 0, 1700000000, 999999999L);
	is_str(got, "1700000000.999999 IP 10.0.0.1.1 > 10.0.0.2.2: UDP, "
	    "length 0", "nanoseconds cut to microseconds");
	free(got);
	sk_decoder_free(d);
}

static void
test_tcp_relative(void)
{
	struct sk_decoder *d = sk_decoder_new(0, NULL);
	unsigned char b[64];
	size_t n;
	char *got;

	diag("print-tcp: sequence numbers relative to the connection");
	/* 10.0.0.1:1000 > 10.0.0.2:80 ACK seq 5000 ack 9000, twice. */
	n = unhex("4500002800010000400600000a0000010a000002"
	    "03e800500000138800002328501002000000000000", b, sizeof(b));
	got = decode(d, DLT_RAW, b, n, 0, 1, 0);
	is_str(got, "1.000000 IP 10.0.0.1.1000 > 10.0.0.2.80: Flags [.], "
	    "ack 9000, win 512, length 0", "first segment: absolute");
	free(got);
	b[27] = 0x8a;	/* seq 5002 */
	b[31] = 0x2a;	/* ack 9002 */
	b[33] = 0x18;	/* PSH|ACK */
	got = decode(d, DLT_RAW, b, n, 0, 1, 0);
	is_str(got, "1.000000 IP 10.0.0.1.1000 > 10.0.0.2.80: Flags [P.], "
	    "ack 3, win 512, length 0", "next segment: relative");
	free(got);
	sk_decoder_free(d);
}

static void
test_hex_json(void)
{
	struct sk_decoder *d = sk_decoder_new(SK_DECODE_HEX, NULL);
	unsigned char b[64];
	size_t n = unhex("4500001c00010000401100000a0000010a000002"
	    "0001000200080000", b, sizeof(b));
	char *got;

	diag("decode: -x and JSON");
	got = decode(d, DLT_RAW, b, n, 0, 1, 0);
	is_str(got, "1.000000 IP 10.0.0.1.1 > 10.0.0.2.2: UDP, length 0"
	    "\n\t0x0000:  4500 001c 0001 0000 4011 0000 0a00 0001"
	    "\n\t0x0010:  0a00 0002 0001 0002 0008 0000",
	    "-x: tcpdump -x's dump from the IP header on");
	free(got);
	sk_decoder_free(d);
	d = sk_decoder_new(SK_DECODE_JSON, NULL);
	got = decode(d, DLT_RAW, b, n, 0, 1, 0);
	ok(strstr(got, "\"summary\":\"IP 10.0.0.1.1 > 10.0.0.2.2: UDP, "
	    "length 0\"") != NULL, "JSON: the line as the summary");
	ok(strstr(got, "\"udp\":{\"sport\":1,\"dport\":2,\"length\":0}") !=
	    NULL, "JSON: the UDP fields");
	free(got);
	sk_decoder_free(d);
}

int
main(void)
{
	test_cases();
	test_link_switches();
	test_time();
	test_tcp_relative();
	test_hex_json();
	return done_testing();
}
