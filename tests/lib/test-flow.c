/*
 * test-flow.c - the flow table (lib/capture/flow.c) and its line form
 * (flow-format.c).  The line is written without printf; the oracle here
 * is printf: each record of a seeded pseudo-random run (IPv4 and IPv6,
 * TCP, UDP and ICMP, times before 1970, counts up to 2^64 - 1, durations
 * at the rounding ties of "%.6f" and "%.3f", and -0, huge, infinite and
 * NaN values) must give the line that snprintf's "%.6f", "%.3f", "%llu"
 * and inet_ntop give.  Then the table: thousands of flows alive at once
 * (its hash buckets grow under them) each found again by its second
 * packet, the longest timeout, whose TCP idle time is ten times it, and
 * a ClientHello split over three segments put together again (and one
 * whose end never came read as far as it went).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pcap/pcap.h>

#include "sockit.h"
#include "tap.h"

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* A duration to format: mostly what a capture gives, some edge cases. */
static double
pick_double(void)
{
	static const double odd[] = { 0.0, -0.0, 1.0 / 128, 3.0 / 128,
	    0.0005, 0.0015, 0.0000005, 0.0000015, 2.5e-7, 4294967295.9999995,
	    4294967296.0, 1e300, -1.0, -1e-9, HUGE_VAL, -HUGE_VAL, NAN,
	    5e-324, 0.1, 123456.0000005 };

	switch (next() % 6) {
	case 0:
		return odd[next() % (sizeof(odd) / sizeof(odd[0]))];
	case 1:		/* a tie of the last digit: k / 2^n */
		return ldexp((double)(next() % 100000), -(int)(next() % 20));
	case 2:		/* any bits at all */
	{
		uint64_t b = next();
		double d;

		memcpy(&d, &b, sizeof(d));
		return d;
	}
	case 3:
		return (double)(next() % 5000000000ULL) / 1e6;
	default:	/* nanoseconds as the table divides them */
		return (double)(next() % 100000000000000ULL) / 1e9;
	}
}

/* The line as the printf version of flow-format.c wrote it. */
static void
want_line(const struct sk_flow *f, char *b, size_t size)
{
	char a[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN];
	const char *proto = f->proto == IPPROTO_TCP ? "tcp" :
	    f->proto == IPPROTO_UDP ? "udp" : "icmp";
	size_t n;

	(void)inet_ntop(f->family, f->src, a, sizeof(a));
	(void)inet_ntop(f->family, f->dst, d, sizeof(d));
	n = (size_t)snprintf(b, size, "%lld.%06ld %s ",
	    (long long)f->start.tv_sec, f->start.tv_nsec / 1000, proto);
	if (f->proto == IPPROTO_ICMP)
		n += (size_t)snprintf(b + n, size - n, "%s > %s id %u", a, d,
		    f->sport);
	else
		n += (size_t)snprintf(b + n, size - n, "%s.%u > %s.%u", a,
		    f->sport, d, f->dport);
	n += (size_t)snprintf(b + n, size - n, " duration %.6f src_packets "
	    "%llu src_bytes %llu dst_packets %llu dst_bytes %llu close %s",
	    f->duration, f->packets[0], f->bytes[0], f->packets[1],
	    f->bytes[1], sk_flow_close_name(f->close));
	if (f->proto == IPPROTO_TCP) {
		if (f->syn_rtt_ms >= 0)
			n += (size_t)snprintf(b + n, size - n,
			    " syn_rtt_ms %.3f", f->syn_rtt_ms);
		n += (size_t)snprintf(b + n, size - n, " retransmits %llu "
		    "out_of_order %llu", f->retransmits, f->out_of_order);
	}
	if (f->qname != NULL) {
		n += (size_t)snprintf(b + n, size - n, " qname %.*s qtype A",
		    (int)f->qname_len, f->qname);
		if (f->dns_ms >= 0)
			n += (size_t)snprintf(b + n, size - n, " rcode NOERROR"
			    " dns_ms %.3f", f->dns_ms);
		else
			n += (size_t)snprintf(b + n, size - n, " unanswered");
	}
	(void)snprintf(b + n, size - n, "\n");
}

static void
test_lines(void)
{
	static const int protos[] = { IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP };
	struct sk_buf out = { 0 };
	char want[4096];
	int i, bad = 0;

	for (i = 0; i < 50000; i++) {
		struct sk_flow f;
		size_t k;

		memset(&f, 0, sizeof(f));
		f.family = next() % 2 ? AF_INET : AF_INET6;
		f.proto = protos[next() % 3];
		for (k = 0; k < 16; k++) {
			f.src[k] = (unsigned char)(next() % 3 ? 0 : next());
			f.dst[k] = (unsigned char)next();
		}
		f.start.tv_sec = (time_t)(next() % 4 ? next() % 4000000000U :
		    (uint64_t)(-(int64_t)(next() % 1000)));
		f.start.tv_nsec = (long)(next() % 1000000000);
		f.sport = (unsigned int)(next() % 65536);
		f.dport = (unsigned int)(next() % 65536);
		f.duration = pick_double();
		f.syn_rtt_ms = next() % 3 ? pick_double() : -1;
		f.packets[0] = next() % 2 ? next() : next() % 1000;
		f.packets[1] = next() % 1000;
		f.bytes[0] = next();
		f.bytes[1] = UINT64_MAX - next() % 3;
		f.retransmits = next() % 5;
		f.out_of_order = next() % 2 ? next() : 0;
		f.close = (enum sk_flow_close)(next() % 4);
		f.qtype = f.rcode = -1;
		f.dns_ms = -1;
		if (f.proto == IPPROTO_UDP && next() % 2) {
			f.qname = "example.org";
			f.qname_len = 11;
			f.qtype = 1;
			if (next() % 2) {
				f.rcode = 0;
				f.dns_ms = pick_double();
				if (!(f.dns_ms >= 0))
					f.dns_ms = 0.5;
			}
		}
		want_line(&f, want, sizeof(want));
		sk_buf_reset(&out);
		if (sk_flow_format(&f, 0, &out) == -1 ||
		    strcmp(out.data, want) != 0) {
			if (bad++ < 3)
				is_str(out.data, want, "record %d", i);
		}
	}
	ok(bad == 0, "50000 records: the line printf gives (%d differ)",
	    bad);
	sk_buf_free(&out);
}

static void
test_escape(void)
{
	struct sk_buf out = { 0 };
	struct sk_flow f;
	char *p;

	memset(&f, 0, sizeof(f));
	f.family = AF_INET;
	f.proto = IPPROTO_TCP;
	f.syn_rtt_ms = f.dns_ms = -1;
	f.qtype = f.rcode = -1;
	f.host = "a b\\c\x1b\xff~";
	f.host_len = 8;
	f.method = "";
	f.method_len = 0;
	is_int(sk_flow_format(&f, 0, &out), 0, "a record with hints");
	p = out.data != NULL ? strstr(out.data, " method ") : NULL;
	is_str(p, " method  host a\\x20b\\x5cc\\x1b\\xff~\n",
	    "space, backslash and bytes outside ASCII as \\xHH");
	sk_buf_free(&out);
}

/* An Ethernet frame of SIZE bytes at B, in November 2023. */
static void
packet_init(struct sk_packet *p, const unsigned char *b, size_t size)
{
	memset(p, 0, sizeof(*p));
	p->ts.tv_sec = 1700000000;
	p->linktype = DLT_EN10MB;
	p->data = b;
	p->caplen = p->len = (uint32_t)size;
}

/* One UDP datagram over IPv4 in an Ethernet frame. */
static void
udp_frame(unsigned char *b, uint32_t src, uint32_t dst, unsigned int sport,
    unsigned int dport)
{
	memset(b, 0, 42);
	b[12] = 0x08;		/* IPv4 */
	b[14] = 0x45;
	b[17] = 28;		/* total length: headers only */
	b[23] = IPPROTO_UDP;
	memcpy(b + 26, &src, 4);
	memcpy(b + 30, &dst, 4);
	b[34] = (unsigned char)(sport >> 8);
	b[35] = (unsigned char)sport;
	b[36] = (unsigned char)(dport >> 8);
	b[37] = (unsigned char)dport;
	b[39] = 8;
}

struct tally {
	int records, both_ways, idle;
};

static void
count(void *ctx, const struct sk_flow *f)
{
	struct tally *t = ctx;

	t->records++;
	t->both_ways += f->packets[0] == 1 && f->packets[1] == 1;
	t->idle += f->close == SK_FLOW_IDLE;
}

static void
test_many(void)
{
	enum { FLOWS = 20000 };
	struct sk_flow_opts o = { 30.0, 0 };
	struct tally tl = { 0 };
	struct sk_flow_table *t;
	struct sk_flow_stats st;
	struct sk_error err;
	struct sk_packet p;
	unsigned char b[42];
	int i, dir, added = 0;

	t = sk_flow_table_new(&o, count, &tl, &err);
	if (!ok(t != NULL, "a table"))
		return;
	packet_init(&p, b, sizeof(b));
	/* Every flow one way first, then every one back. */
	for (dir = 0; dir < 2; dir++)
		for (i = 0; i < FLOWS; i++) {
			uint32_t cl = htonl(0x0a000000u + (uint32_t)i / 7);
			uint32_t sv = htonl(0xc0a80001u);
			unsigned int port = 1024 + (unsigned int)i % 7 * 9000;

			if (dir == 0)
				udp_frame(b, cl, sv, port, 53000);
			else
				udp_frame(b, sv, cl, 53000, port);
			added += sk_flow_table_add(t, &p);
		}
	sk_flow_table_stats(t, &st);
	is_int(added, 2LL * FLOWS, "every packet belongs to a flow");
	is_int((long long)st.flows, FLOWS, "%d flows begun", FLOWS);
	is_int((long long)st.live, FLOWS, "all alive at once");
	is_int(tl.records, 0, "none ended yet");
	/* 30 s later by the clock, all idle. */
	p.ts.tv_sec += 30;
	sk_flow_table_expire(t, &p.ts);
	is_int(tl.records, FLOWS, "each reported once");
	is_int(tl.both_ways, FLOWS, "each with its reply: found again");
	is_int(tl.idle, FLOWS, "each idle");
	sk_flow_table_free(t);
}

/* One TCP segment over IPv4, FLAGS (SYN 0x02, ACK 0x10), with N bytes
 * of payload already at B + 54. */
static void
tcp_frame_n(unsigned char *b, int back, unsigned int flags, uint32_t seq,
    size_t n)
{
	uint32_t a = htonl(0x0a000001u), c = htonl(0x0a000002u);

	memset(b, 0, 54);
	b[12] = 0x08;
	b[14] = 0x45;
	b[16] = (unsigned char)((40 + n) >> 8);
	b[17] = (unsigned char)(40 + n);
	b[23] = IPPROTO_TCP;
	memcpy(b + 26, back ? &c : &a, 4);
	memcpy(b + 30, back ? &a : &c, 4);
	b[34 + (back ? 2 : 0)] = 0x9c;	/* 40000 */
	b[35 + (back ? 2 : 0)] = 0x40;
	b[36 - (back ? 2 : 0)] = 0x01;	/* 443 */
	b[37 - (back ? 2 : 0)] = 0xbb;
	b[38] = (unsigned char)(seq >> 24);
	b[39] = (unsigned char)(seq >> 16);
	b[40] = (unsigned char)(seq >> 8);
	b[41] = (unsigned char)seq;
	b[46] = 0x50;
	b[47] = (unsigned char)flags;
}

static void
tcp_frame(unsigned char *b, int back, unsigned int flags, uint32_t seq)
{
	tcp_frame_n(b, back, flags, seq, 0);
}

static void
test_long_timeout(void)
{
	struct sk_flow_opts o = { 1e9, 0 };
	struct tally tl = { 0 };
	struct sk_flow_table *t;
	struct sk_flow_stats st;
	struct sk_packet p;
	unsigned char b[54];

	t = sk_flow_table_new(&o, count, &tl, NULL);
	if (!ok(t != NULL, "a table with a timeout of 1e9 s"))
		return;
	packet_init(&p, b, sizeof(b));
	tcp_frame(b, 0, 0x02, 1000);
	(void)sk_flow_table_add(t, &p);
	p.ts.tv_sec++;
	tcp_frame(b, 1, 0x12, 5000);
	(void)sk_flow_table_add(t, &p);
	p.ts.tv_sec += 3600;
	tcp_frame(b, 0, 0x10, 1001);
	(void)sk_flow_table_add(t, &p);
	sk_flow_table_stats(t, &st);
	is_int((long long)st.flows, 1, "an hour apart, still one TCP flow");
	is_int(tl.records, 0, "not idle");
	sk_flow_table_report(t, true);
	is_int(tl.records, 1, "reported at the end");
	sk_flow_table_free(t);
}

/* A ClientHello for NAME with ALPN h2 at B; its length. */
static size_t
client_hello(unsigned char *b, const char *name)
{
	size_t n = strlen(name), k = 0, ext;

	memcpy(b, "\x16\x03\x01\0\0\x01\0\0\0\x03\x03", 11);
	k = 11;
	memset(b + k, 0x11, 32);
	k += 32;
	memcpy(b + k, "\0\0\x02\x13\x01\x01\0\0\0", 9);
	k += 9;
	ext = k;
	b[k++] = 0;		/* server_name */
	b[k++] = 0;
	b[k++] = 0;
	b[k++] = (unsigned char)(n + 5);
	b[k++] = 0;
	b[k++] = (unsigned char)(n + 3);
	b[k++] = 0;		/* host_name */
	b[k++] = 0;
	b[k++] = (unsigned char)n;
	memcpy(b + k, name, n);
	k += n;
	memcpy(b + k, "\0\x10\0\x05\0\x03\x02h2", 9);	/* ALPN */
	k += 9;
	b[ext - 1] = (unsigned char)(k - ext);
	b[4] = (unsigned char)(k - 5);
	b[8] = (unsigned char)(k - 9);
	return k;
}

struct hello_seen {
	char sni[64], alpn[16];
};

static void
keep_hint(void *ctx, const struct sk_flow *f)
{
	struct hello_seen *h = ctx;

	(void)snprintf(h->sni, sizeof(h->sni), "%.*s", (int)f->sni_len,
	    f->sni != NULL ? f->sni : "");
	(void)snprintf(h->alpn, sizeof(h->alpn), "%.*s", (int)f->alpn_len,
	    f->alpn != NULL ? f->alpn : "");
}

/* The hints of a connection whose hello comes in pieces ending at the
 * offsets CUTS, as reported at the end; false without a table. */
static bool
send_hello(const unsigned char *hello, const size_t *cuts, int ncuts,
    struct hello_seen *seen)
{
	unsigned char b[54 + 256];
	struct sk_flow_table *t;
	struct sk_packet p;
	size_t at = 0;
	int i;

	memset(seen, 0, sizeof(*seen));
	if ((t = sk_flow_table_new(NULL, keep_hint, seen, NULL)) == NULL)
		return false;
	packet_init(&p, b, 54);
	tcp_frame(b, 0, 0x02, 100);
	(void)sk_flow_table_add(t, &p);
	tcp_frame(b, 1, 0x12, 500);
	(void)sk_flow_table_add(t, &p);
	tcp_frame(b, 0, 0x10, 101);
	(void)sk_flow_table_add(t, &p);
	for (i = 0; i < ncuts; i++) {
		memcpy(b + 54, hello + at, cuts[i] - at);
		tcp_frame_n(b, 0, 0x18, 101 + (uint32_t)at, cuts[i] - at);
		p.caplen = p.len = (uint32_t)(54 + cuts[i] - at);
		(void)sk_flow_table_add(t, &p);
		at = cuts[i];
	}
	sk_flow_table_report(t, true);
	sk_flow_table_free(t);
	return true;
}

static void
test_split_hello(void)
{
	unsigned char hello[256];
	size_t n = client_hello(hello, "split.example.net");
	size_t three[3] = { 40, 70, n }, cut[1] = { 70 };
	struct hello_seen seen;

	if (send_hello(hello, three, 3, &seen)) {
		is_str(seen.sni, "split.example.net",
		    "three segments: the name");
		is_str(seen.alpn, "h2", "three segments: the ALPN");
	}
	/* Cut inside the name, and the rest never comes. */
	if (send_hello(hello, cut, 1, &seen)) {
		is_str(seen.sni, "",
		    "the first segment only: no name (it is cut)");
		is_str(seen.alpn, "", "and no ALPN");
	}
}

int
main(void)
{
	test_lines();
	test_escape();
	test_many();
	test_long_timeout();
	test_split_hello();
	return done_testing();
}
