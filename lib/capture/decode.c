/*
 * decode.c - the sniffer's packet decoder: one line per packet in the
 * words `tcpdump -n -tt` uses, or one JSON object.  Link layers: Ethernet
 * (IEEE 802.3) with 802.1Q/802.1ad tags, Linux cooked (SLL, SLL2), BSD
 * loopback, raw IP.  Then ARP (RFC 826), IPv4 (RFC 791: options skipped,
 * fragments), IPv6 (RFC 8200: extension headers), TCP (RFC 9293: flags,
 * relative sequence numbers per connection, window, options), UDP
 * (RFC 768), ICMP (RFC 792) and ICMPv6 (RFC 4443, 4861, 3810).  Above
 * those, what tcpdump says of an unknown payload ("UDP, length N").
 *
 * Every byte is read through the bounds-checked accessors below, never by
 * casting the buffer to a header struct (as tcpdump's GET_BE_U_2 and
 * ND_TCHECK do): every length in a packet is hostile.  A header cut short
 * says so on its line, "[|tcp]" as tcpdump does, and decoding of that
 * packet stops.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/string.h>
#include <pcap/pcap.h>

#include "sockit-int.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif

#define SEQ_BUCKETS 4096
#define SEQ_MAX (1u << 20)	/* connections remembered, at most */

/* TCP flags, in the order tcpdump prints them. */
#define TH_FIN	0x01
#define TH_SYN	0x02
#define TH_RST	0x04
#define TH_PUSH	0x08
#define TH_ACK	0x10
#define TH_URG	0x20
#define TH_ECE	0x40
#define TH_CWR	0x80

/* One direction-independent TCP conversation (tcpdump's tcp_seq_hash). */
struct seq_entry {
	struct seq_entry *next;
	unsigned char key[40];	/* family, addresses, ports */
	uint32_t seq, ack;
};

struct sk_decoder {
	int flags;
	struct seq_entry *seq[SEQ_BUCKETS];
	size_t nseq;
	struct sk_json json;
	struct sk_buf line;
};

/* A bounded view of packet bytes: nothing is read outside [p, p + n). */
struct span {
	const unsigned char *p;
	size_t n;
};

/* What the IP layer tells the transport printers. */
struct ipinfo {
	int version;		/* 4 or 6 */
	const unsigned char *src, *dst;	/* 4 or 16 bytes, checked */
	bool direct;		/* the transport header follows the IP one */
	bool fragmented;	/* the first fragment of several */
};

struct ctx {
	struct sk_decoder *d;
	struct sk_buf *o;
	struct sk_json *j;	/* NULL unless JSON */
	bool nomem;
	bool truncated;
	size_t net_off;		/* where the network layer starts */
};

/*
 * Bounds-checked accessors.  Each returns false when the bytes are not
 * there, and then still sets *v (to 0): no path, checked or not, can read
 * an unset value.
 */
static bool
has(const struct span *s, size_t off, size_t n)
{
	return off <= s->n && n <= s->n - off;
}

static bool
get_u8(const struct span *s, size_t off, unsigned int *v)
{
	*v = 0;
	if (!has(s, off, 1))
		return false;
	*v = s->p[off];
	return true;
}

static bool
get_be16(const struct span *s, size_t off, unsigned int *v)
{
	*v = 0;
	if (!has(s, off, 2))
		return false;
	*v = (unsigned int)s->p[off] << 8 | s->p[off + 1];
	return true;
}

static bool
get_be32(const struct span *s, size_t off, uint32_t *v)
{
	*v = 0;
	if (!has(s, off, 4))
		return false;
	*v = (uint32_t)s->p[off] << 24 | (uint32_t)s->p[off + 1] << 16 |
	    (uint32_t)s->p[off + 2] << 8 | s->p[off + 3];
	return true;
}

/* A pointer to n bytes at off, or NULL. */
static const unsigned char *
get_bytes(const struct span *s, size_t off, size_t n)
{
	return has(s, off, n) ? s->p + off : NULL;
}

/* The bytes from off on, cut to at most n. */
static struct span
sub(const struct span *s, size_t off, size_t n)
{
	struct span r = { s->p, 0 };

	if (off <= s->n) {
		r.p = s->p + off;
		r.n = s->n - off < n ? s->n - off : n;
	}
	return r;
}

/*
 * Output.
 */
static void
put(struct ctx *c, const char *s, size_t n)
{
	if (sk_buf_append(c->o, s, n) == -1)
		c->nomem = true;
}

static void
puts_(struct ctx *c, const char *s)
{
	put(c, s, strlen(s));
}

static void
putu(struct ctx *c, unsigned long long v)
{
	char b[24];
	size_t i = sizeof(b);

	do {
		b[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	put(c, b + i, sizeof(b) - i);
}

static void
putf(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
putf(struct ctx *c, const char *fmt, ...)
{
	char b[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b, sizeof(b), fmt, ap);
	va_end(ap);
	if (n > 0)
		put(c, b, (size_t)n < sizeof(b) ? (size_t)n : sizeof(b) - 1);
}

static size_t
fmt_ip4(const unsigned char *a, char *b)
{
	size_t n = 0;
	int i;

	for (i = 0; i < 4; i++) {
		unsigned int v = a[i];

		if (i > 0)
			b[n++] = '.';
		if (v >= 100)
			b[n++] = (char)('0' + v / 100);
		if (v >= 10)
			b[n++] = (char)('0' + v / 10 % 10);
		b[n++] = (char)('0' + v % 10);
	}
	b[n] = '\0';
	return n;
}

static size_t
fmt_ip6(const unsigned char *a, char *b)
{
	if (inet_ntop(AF_INET6, a, b, INET6_ADDRSTRLEN) == NULL)
		b[0] = '\0';
	return strlen(b);
}

static void
put_ip(struct ctx *c, int version, const unsigned char *a)
{
	char b[INET6_ADDRSTRLEN];

	put(c, b, version == 4 ? fmt_ip4(a, b) : fmt_ip6(a, b));
}

/* A link-layer address: xx:xx:... of any length (tcpdump's
 * linkaddr_string). */
static size_t
fmt_mac(const unsigned char *a, size_t n, char *b)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (i > 0)
			b[k++] = ':';
		b[k++] = hex[a[i] >> 4];
		b[k++] = hex[a[i] & 15];
	}
	b[k] = '\0';
	return k;
}

static void
put_mac(struct ctx *c, const unsigned char *a, size_t n)
{
	char b[3 * 256];

	put(c, b, fmt_mac(a, n, b));
}

static void
trunc_mark(struct ctx *c, const char *proto)
{
	c->truncated = true;
	puts_(c, " [|");
	puts_(c, proto);
	puts_(c, "]");
}

/* JSON helpers: only when the output is JSON. */
static void
j_addr(struct ctx *c, const char *key, int version, const unsigned char *a)
{
	char b[INET6_ADDRSTRLEN];

	if (c->j == NULL)
		return;
	if (version == 4)
		(void)fmt_ip4(a, b);
	else
		(void)fmt_ip6(a, b);
	sk_json_str(c->j, key, b);
}

static void
j_mac(struct ctx *c, const char *key, const unsigned char *a, size_t n)
{
	char b[3 * 256];

	if (c->j == NULL)
		return;
	(void)fmt_mac(a, n, b);
	sk_json_str(c->j, key, b);
}

static void
j_open(struct ctx *c, const char *key)
{
	if (c->j != NULL)
		sk_json_object(c->j, key);
}

static void
j_close(struct ctx *c)
{
	if (c->j != NULL)
		sk_json_close_object(c->j);
}

static void
j_uint(struct ctx *c, const char *key, unsigned long long v)
{
	if (c->j != NULL)
		sk_json_uint(c->j, key, v);
}

/*
 * TCP: sequence numbers relative to the first seen of each connection,
 * as tcpdump keeps them (without -S): one entry for both directions, the
 * one with the lower port first; a SYN starts the connection afresh.
 */
static struct seq_entry *
seq_lookup(struct sk_decoder *d, const unsigned char *key, size_t keylen,
    uint32_t port, bool *found)
{
	struct seq_entry **pp = &d->seq[port % SEQ_BUCKETS], *e;

	for (e = *pp; e != NULL; e = e->next)
		if (memcmp(e->key, key, keylen) == 0) {
			*found = true;
			return e;
		}
	*found = false;
	if (d->nseq >= SEQ_MAX || (e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	memcpy(e->key, key, keylen);
	e->next = *pp;
	*pp = e;
	d->nseq++;
	return e;
}

static void
seq_relative(struct ctx *c, const struct ipinfo *ip, unsigned int sport,
    unsigned int dport, unsigned int flags, uint32_t *seq, uint32_t *ack,
    bool *rev, uint32_t *thseq, uint32_t *thack)
{
	unsigned char key[40];
	size_t alen = ip->version == 4 ? 4 : 16;
	const unsigned char *a = ip->src, *b = ip->dst;
	uint32_t port;
	struct seq_entry *e;
	bool found;

	*rev = sport > dport ||
	    (sport == dport && memcmp(ip->src, ip->dst, alen) > 0);
	if (*rev) {
		a = ip->dst;
		b = ip->src;
		port = dport << 16 | sport;
	} else
		port = sport << 16 | dport;
	memset(key, 0, sizeof(key));
	key[0] = (unsigned char)ip->version;
	memcpy(key + 4, a, alen);
	memcpy(key + 20, b, alen);
	memcpy(key + 36, &port, 4);
	e = seq_lookup(c->d, key, sizeof(key), port, &found);
	if (e == NULL) {
		*thseq = *thack = 0;
		return;
	}
	if (!found || (flags & TH_SYN)) {
		if (*rev) {
			e->ack = *seq;
			e->seq = *ack - 1;
		} else {
			e->seq = *seq;
			e->ack = *ack - 1;
		}
	} else if (*rev) {
		*seq -= e->ack;
		*ack -= e->seq;
	} else {
		*seq -= e->seq;
		*ack -= e->ack;
	}
	*thseq = e->seq;
	*thack = e->ack;
}

/* "src.port > dst.port: " or, behind extension headers, "port > port: ". */
static void
put_ports(struct ctx *c, const struct ipinfo *ip, unsigned int sport,
    unsigned int dport)
{
	if (ip->direct) {
		put_ip(c, ip->version, ip->src);
		put(c, ".", 1);
		putu(c, sport);
		put(c, " > ", 3);
		put_ip(c, ip->version, ip->dst);
		put(c, ".", 1);
		putu(c, dport);
	} else {
		putu(c, sport);
		put(c, " > ", 3);
		putu(c, dport);
	}
	put(c, ": ", 2);
}

static void
put_addrs(struct ctx *c, const struct ipinfo *ip)
{
	put_ip(c, ip->version, ip->src);
	put(c, " > ", 3);
	put_ip(c, ip->version, ip->dst);
}

static const char *
tcp_option_name(unsigned int opt)
{
	switch (opt) {
	case 0: return "eol";
	case 1: return "nop";
	case 2: return "mss";
	case 3: return "wscale";
	case 4: return "sackOK";
	case 5: return "sack";
	case 6: return "echo";
	case 7: return "echoreply";
	case 8: return "TS";
	case 11: return "cc";
	case 12: return "ccnew";
	case 13: return "";
	case 19: return "md5";
	case 20: return "scps";
	case 28: return "uto";
	case 29: return "tcp-ao";
	case 30: return "mptcp";
	case 34: return "tfo";
	case 254: return "exp";
	default: return NULL;
	}
}

/* The options of a TCP header; returns false when they were cut short
 * (the caller then says so). */
static bool
tcp_options(struct ctx *c, const struct span *s, size_t off, size_t hlen,
    bool rev, uint32_t thseq, uint32_t thack)
{
	char ch = '\0';
	size_t i;

	puts_(c, ", options [");
	while (hlen > 0) {
		unsigned int opt, len, v;
		size_t datalen = 0;
		uint32_t v32, e32;
		const char *name;

		if (ch != '\0')
			put(c, &ch, 1);
		if (!get_u8(s, off, &opt))
			return false;
		off++;
		if (opt == 0 || opt == 1)
			len = 1;
		else {
			if (!get_u8(s, off, &len))
				return false;
			off++;
			if (len < 2 || len > hlen)
				goto bad;
			hlen--;
		}
		hlen--;
		if ((name = tcp_option_name(opt)) != NULL)
			puts_(c, name);
		else
			putf(c, "unknown-%u", opt);
#define LENCHECK(l) do { if ((l) > hlen) goto bad; \
	if (!has(s, off, (l))) return false; } while (0)
		switch (opt) {
		case 2:
			datalen = 2;
			LENCHECK(datalen);
			(void)get_be16(s, off, &v);
			put(c, " ", 1);
			putu(c, v);
			break;
		case 3:
			datalen = 1;
			LENCHECK(datalen);
			(void)get_u8(s, off, &v);
			put(c, " ", 1);
			putu(c, v);
			break;
		case 5:
			datalen = len - 2;
			if (datalen % 8 != 0) {
				puts_(c, " invalid sack");
				break;
			}
			putf(c, " %zu ", datalen / 8);
			for (i = 0; i < datalen; i += 8) {
				LENCHECK(i + 4);
				(void)get_be32(s, off + i, &v32);
				LENCHECK(i + 8);
				(void)get_be32(s, off + i + 4, &e32);
				if (rev) {
					v32 -= thseq;
					e32 -= thseq;
				} else {
					v32 -= thack;
					e32 -= thack;
				}
				putf(c, "{%u:%u}", v32, e32);
			}
			break;
		case 6: case 7: case 11: case 12: case 13:
			datalen = 4;
			LENCHECK(datalen);
			(void)get_be32(s, off, &v32);
			put(c, " ", 1);
			putu(c, v32);
			break;
		case 8:
			datalen = 8;
			LENCHECK(datalen);
			(void)get_be32(s, off, &v32);
			(void)get_be32(s, off + 4, &e32);
			puts_(c, " val ");
			putu(c, v32);
			puts_(c, " ecr ");
			putu(c, e32);
			break;
		case 0: case 1: case 4:
			break;
		case 28:
			datalen = 2;
			LENCHECK(datalen);
			(void)get_be16(s, off, &v);
			putf(c, " 0x%x %u", v, v & 1 ? (v >> 1) * 60 : v >> 1);
			break;
		case 34:
			datalen = len - 2;
			LENCHECK(datalen);
			if (datalen == 0)
				puts_(c, " cookiereq");
			else if (datalen % 2 != 0 || datalen < 4 ||
			    datalen > 16)
				puts_(c, " (invalid)");
			else {
				puts_(c, " cookie ");
				for (i = 0; i < datalen; i++)
					putf(c, "%02x", s->p[off + i]);
			}
			break;
		default:
			datalen = len - 2;
			if (datalen > 0)
				puts_(c, " 0x");
			for (i = 0; i < datalen; i++) {
				LENCHECK(i + 1);
				putf(c, "%02x", s->p[off + i]);
			}
			break;
		}
#undef LENCHECK
		off += datalen;
		hlen -= datalen;
		datalen++;
		if (opt != 0 && opt != 1)
			datalen++;
		if (datalen != len)
			putf(c, "[len %u]", len);
		ch = ',';
		if (opt == 0)
			break;
	}
	put(c, "]", 1);
	return true;
bad:
	puts_(c, "[bad opt]");
	if (ch != '\0')
		put(c, "]", 1);
	c->truncated = true;
	return true;
}

static void
decode_tcp(struct ctx *c, const struct span *s, uint32_t length,
    const struct ipinfo *ip)
{
	unsigned int sport, dport, off_flags, win, urp, flags;
	uint32_t seq, ack, thseq = 0, thack = 0, hlen;
	static const char fl[] = "FSRP.UEW";
	bool rev = false;
	int i, nf = 0;

	if (!get_be16(s, 0, &sport) || !get_be16(s, 2, &dport)) {
		put_addrs(c, ip);
		put(c, ":", 1);
		trunc_mark(c, "tcp");
		return;
	}
	put_ports(c, ip, sport, dport);
	j_open(c, "tcp");
	j_uint(c, "sport", sport);
	j_uint(c, "dport", dport);
	if (!has(s, 0, 20)) {
		j_close(c);
		trunc_mark(c, "tcp");
		return;
	}
	(void)get_be32(s, 4, &seq);
	(void)get_be32(s, 8, &ack);
	(void)get_be16(s, 12, &off_flags);
	(void)get_be16(s, 14, &win);
	(void)get_be16(s, 18, &urp);
	hlen = (off_flags >> 12) * 4;
	flags = off_flags & 0xff;
	if (hlen < 20) {
		putf(c, " tcp %u [bad hdr length %u - too short, < 20]",
		    length - hlen, hlen);
		j_close(c);
		c->truncated = true;
		return;
	}
	puts_(c, "Flags [");
	for (i = 0; i < 8; i++)
		if (flags & (1u << i)) {
			put(c, &fl[i], 1);
			nf++;
		}
	if (nf == 0)
		puts_(c, "none");
	put(c, "]", 1);
	if (c->j != NULL) {
		char fs[12];
		int k = 0;

		for (i = 0; i < 8; i++)
			if (flags & (1u << i))
				fs[k++] = fl[i];
		fs[k] = '\0';
		sk_json_str(c->j, "flags", fs);
		sk_json_uint(c->j, "seq", seq);
		sk_json_uint(c->j, "ack", ack);
		sk_json_uint(c->j, "win", win);
		sk_json_uint(c->j, "hlen", hlen);
	}
	if (flags & TH_ACK)
		seq_relative(c, ip, sport, dport, flags, &seq, &ack, &rev,
		    &thseq, &thack);
	if (hlen > length) {
		putf(c, " [bad hdr length %u - too long, > %u]", hlen,
		    length);
		j_close(c);
		c->truncated = true;
		return;
	}
	length -= hlen;
	if (length > 0 || (flags & (TH_SYN | TH_FIN | TH_RST))) {
		puts_(c, ", seq ");
		putu(c, seq);
		if (length > 0) {
			put(c, ":", 1);
			putu(c, (uint32_t)(seq + length));
		}
	}
	if (flags & TH_ACK) {
		puts_(c, ", ack ");
		putu(c, ack);
	}
	puts_(c, ", win ");
	putu(c, win);
	if (flags & TH_URG) {
		puts_(c, ", urg ");
		putu(c, urp);
	}
	j_uint(c, "length", length);
	j_close(c);
	if (hlen > 20 && !tcp_options(c, s, 20, hlen - 20, rev, thseq,
	    thack)) {
		trunc_mark(c, "tcp");
		return;
	}
	puts_(c, ", length ");
	putu(c, length);
}

static void
decode_udp(struct ctx *c, const struct span *s, uint32_t length,
    const struct ipinfo *ip)
{
	unsigned int sport, dport, ulen;

	if (!get_be16(s, 0, &sport) || !get_be16(s, 2, &dport)) {
		if (ip->direct) {
			put_addrs(c, ip);
			put(c, ": ", 2);
		}
		trunc_mark(c, "udp");
		return;
	}
	j_open(c, "udp");
	j_uint(c, "sport", sport);
	j_uint(c, "dport", dport);
	put_ports(c, ip, sport, dport);
	if (length < 8) {
		putf(c, "truncated-udp %u", length);
		c->truncated = true;
	} else if (!get_be16(s, 4, &ulen)) {
		trunc_mark(c, "udp");
	} else {
		if (ulen == 0 && length > 65535)
			ulen = length;
		if (ulen < 8) {
			putf(c, "truncated-udplength %u", ulen);
			c->truncated = true;
		} else if (ulen > length && !ip->fragmented) {
			putf(c, "bad-len %u", ulen);
			c->truncated = true;
		} else {
			puts_(c, "UDP, length ");
			putu(c, ulen - 8);
			j_uint(c, "length", ulen - 8);
		}
	}
	j_close(c);
}

static const char *
icmp_unreach_fmt(unsigned int code)
{
	switch (code) {
	case 0: return "net %s unreachable";
	case 1: return "host %s unreachable";
	case 5: return "%s unreachable - source route failed";
	case 6: return "net %s unreachable - unknown";
	case 7: return "host %s unreachable - unknown";
	case 8: return "%s unreachable - source host isolated";
	case 9: return "net %s unreachable - admin prohibited";
	case 10: return "host %s unreachable - admin prohibited";
	case 11: return "net %s unreachable - tos prohibited";
	case 12: return "host %s unreachable - tos prohibited";
	case 13: return "host %s unreachable - admin prohibited filter";
	case 14: return "host %s unreachable - host precedence violation";
	case 15: return "host %s unreachable - precedence cutoff";
	default: return NULL;
	}
}

static void
decode_icmp(struct ctx *c, const struct span *s, uint32_t length)
{
	unsigned int type, code, v1, v2;
	char text[192], a[INET6_ADDRSTRLEN], g[INET6_ADDRSTRLEN];
	const unsigned char *ap;
	uint32_t v32;

	if (!get_u8(s, 0, &type) || !get_u8(s, 1, &code)) {
		trunc_mark(c, "icmp");
		return;
	}
	j_open(c, "icmp");
	j_uint(c, "type", type);
	j_uint(c, "code", code);
	j_close(c);
	text[0] = '\0';
	switch (type) {
	case 0:
	case 8:
		if (!get_be16(s, 4, &v1) || !get_be16(s, 6, &v2))
			goto trunc;
		(void)snprintf(text, sizeof(text), "echo %s, id %u, seq %u",
		    type == 8 ? "request" : "reply", v1, v2);
		break;
	case 3:
		if ((ap = get_bytes(s, 8 + 16, 4)) == NULL)
			goto trunc;
		(void)fmt_ip4(ap, a);
		if (code == 2) {
			if (!get_u8(s, 8 + 9, &v1))
				goto trunc;
			(void)snprintf(text, sizeof(text),
			    "%s protocol %u unreachable", a, v1);
		} else if (code == 3) {
			unsigned int ihl, proto;

			if (!get_u8(s, 8 + 9, &proto) || !get_u8(s, 8, &ihl) ||
			    !get_be16(s, 8 + (ihl & 15) * 4 + 2, &v1))
				goto trunc;
			if (proto == 6 || proto == 17)
				(void)snprintf(text, sizeof(text),
				    "%s %s port %u unreachable", a,
				    proto == 6 ? "tcp" : "udp", v1);
			else
				(void)snprintf(text, sizeof(text),
				    "%s protocol %u port %u unreachable", a,
				    proto, v1);
		} else if (code == 4) {
			if (!get_be16(s, 6, &v1))
				goto trunc;
			if (v1 != 0)
				(void)snprintf(text, sizeof(text), "%s "
				    "unreachable - need to frag (mtu %u)", a,
				    v1);
			else
				(void)snprintf(text, sizeof(text), "%s "
				    "unreachable - need to frag", a);
		} else if (icmp_unreach_fmt(code) != NULL) {
			const char *f = icmp_unreach_fmt(code);
			const char *pct = strstr(f, "%s");

			(void)snprintf(text, sizeof(text), "%.*s%s%s",
			    (int)(pct - f), f, a, pct + 2);
		} else
			(void)snprintf(text, sizeof(text),
			    "#%u %s unreachable", code, a);
		break;
	case 5:
		if ((ap = get_bytes(s, 8 + 16, 4)) == NULL ||
		    get_bytes(s, 4, 4) == NULL)
			goto trunc;
		(void)fmt_ip4(ap, a);
		(void)fmt_ip4(s->p + 4, g);
		if (code <= 3)
			(void)snprintf(text, sizeof(text), "redirect%s %s to "
			    "%s %s", code >= 2 ? "-tos" : "", a,
			    code % 2 == 0 ? "net" : "host", g);
		else
			(void)snprintf(text, sizeof(text),
			    "redirect-#%u %s to %s", code, a, g);
		break;
	case 11:
		if (get_bytes(s, 8 + 16, 4) == NULL)
			goto trunc;
		if (code == 0)
			(void)strlcpy(text, "time exceeded in-transit",
			    sizeof(text));
		else if (code == 1)
			(void)strlcpy(text, "ip reassembly time exceeded",
			    sizeof(text));
		else
			(void)snprintf(text, sizeof(text),
			    "time exceeded-#%u", code);
		break;
	case 12:
		if (code != 0)
			(void)snprintf(text, sizeof(text),
			    "parameter problem - code %u", code);
		else {
			if (!get_u8(s, 4, &v1))
				goto trunc;
			(void)snprintf(text, sizeof(text),
			    "parameter problem - octet %u", v1);
		}
		break;
	case 13:
		if (!get_be16(s, 4, &v1) || !get_be16(s, 6, &v2))
			goto trunc;
		(void)snprintf(text, sizeof(text),
		    "time stamp query id %u seq %u", v1, v2);
		break;
	case 18:
		if (!get_be32(s, 12, &v32))
			goto trunc;
		(void)snprintf(text, sizeof(text), "address mask is 0x%08x",
		    v32);
		break;
	case 4: (void)strlcpy(text, "source quench", sizeof(text)); break;
	case 9: (void)strlcpy(text, "router advertisement", sizeof(text));
		break;
	case 10: (void)strlcpy(text, "router solicitation", sizeof(text));
		break;
	case 14: (void)strlcpy(text, "time stamp reply", sizeof(text)); break;
	case 15: (void)strlcpy(text, "information request", sizeof(text));
		break;
	case 16: (void)strlcpy(text, "information reply", sizeof(text));
		break;
	case 17: (void)strlcpy(text, "address mask request", sizeof(text));
		break;
	default:
		(void)snprintf(text, sizeof(text), "type-#%u", type);
		break;
	}
	puts_(c, "ICMP ");
	puts_(c, text);
	puts_(c, ", length ");
	putu(c, length);
	return;
trunc:
	trunc_mark(c, "icmp");
}

static const char *
icmp6_name(unsigned int type)
{
	switch (type) {
	case 1: return "destination unreachable";
	case 2: return "packet too big";
	case 3: return "time exceeded";
	case 4: return "parameter problem";
	case 128: return "echo request";
	case 129: return "echo reply";
	case 130: return "multicast listener query";
	case 131: return "multicast listener report";
	case 132: return "multicast listener done";
	case 133: return "router solicitation";
	case 134: return "router advertisement";
	case 135: return "neighbor solicitation";
	case 136: return "neighbor advertisement";
	case 137: return "redirect";
	case 138: return "router renumbering";
	case 139: return "who-are-you request";
	case 140: return "who-are-you reply";
	case 141: return "inverse neighbor solicitation";
	case 142: return "inverse neighbor advertisement";
	case 143: return "multicast listener report v2";
	case 144: return "ha discovery request";
	case 145: return "ha discovery reply";
	case 146: return "mobile router solicitation";
	case 147: return "mobile router advertisement";
	case 151: return "multicast router advertisement";
	case 152: return "multicast router solicitation";
	case 153: return "multicast router termination";
	case 155: return "RPL";
	default: return NULL;
	}
}

/* In the IPv6 packet quoted by an ICMPv6 error at off, the transport
 * protocol and where its header starts; false if cut short. */
static bool
inner_upper(const struct span *s, size_t off, unsigned int *proto,
    size_t *at)
{
	unsigned int nh, len;
	int hops;

	if (!get_u8(s, off + 6, &nh))
		return false;
	off += 40;
	for (hops = 0; hops < 16; hops++) {
		switch (nh) {
		case 0: case 43: case 60:
			if (!get_u8(s, off, &nh) || !get_u8(s, off + 1, &len))
				return false;
			off += ((size_t)len + 1) * 8;
			break;
		case 44:
			if (!get_u8(s, off, &nh))
				return false;
			off += 8;
			break;
		default:
			*proto = nh;
			*at = off;
			return true;
		}
	}
	return false;
}

static void
decode_icmp6(struct ctx *c, const struct span *s, uint32_t length)
{
	unsigned int type, code, v1, v2, proto;
	const unsigned char *a, *b;
	const char *name;
	uint32_t v32;
	size_t at;

	if (!get_u8(s, 0, &type)) {
		trunc_mark(c, "icmp6");
		return;
	}
	name = icmp6_name(type);
	puts_(c, "ICMP6, ");
	if (name != NULL)
		puts_(c, name);
	else
		putf(c, "unknown icmp6 type (%u)", type);
	if (!get_u8(s, 1, &code))
		goto trunc;
	j_open(c, "icmp6");
	j_uint(c, "type", type);
	j_uint(c, "code", code);
	j_close(c);
	switch (type) {
	case 1:
		switch (code) {
		case 0: puts_(c, ", unreachable route"); break;
		case 1: puts_(c, ",  unreachable prohibited"); break;
		case 2: puts_(c, ", beyond scope"); break;
		case 3: puts_(c, ", unreachable address"); break;
		case 4: puts_(c, ", unreachable port"); break;
		default: putf(c, ", unknown unreach code (%u)", code); break;
		}
		switch (code) {
		case 0: case 1: case 3:
			if ((a = get_bytes(s, 8 + 24, 16)) == NULL)
				goto trunc;
			put(c, " ", 1);
			put_ip(c, 6, a);
			break;
		case 2:
			if ((a = get_bytes(s, 8 + 24, 16)) == NULL ||
			    (b = get_bytes(s, 8 + 8, 16)) == NULL)
				goto trunc;
			put(c, " ", 1);
			put_ip(c, 6, a);
			puts_(c, ", source address ");
			put_ip(c, 6, b);
			break;
		case 4:
			if ((a = get_bytes(s, 8 + 24, 16)) == NULL ||
			    !inner_upper(s, 8, &proto, &at) ||
			    !get_be16(s, at + 2, &v1))
				goto trunc;
			put(c, ", ", 2);
			put_ip(c, 6, a);
			if (proto == 6 || proto == 17)
				putf(c, " %s port %u", proto == 6 ? "tcp" :
				    "udp", v1);
			else
				putf(c, " protocol %u port %u unreachable",
				    proto, v1);
			break;
		default:
			break;
		}
		break;
	case 2:
		if (!get_be32(s, 4, &v32))
			goto trunc;
		puts_(c, ", mtu ");
		putu(c, v32);
		break;
	case 3:
		if (code == 0) {
			if ((a = get_bytes(s, 8 + 24, 16)) == NULL)
				goto trunc;
			puts_(c, " for ");
			put_ip(c, 6, a);
		} else if (code == 1)
			puts_(c, " (reassembly)");
		else
			putf(c, ", unknown code (%u)", code);
		break;
	case 4:
		if (get_bytes(s, 8 + 24, 16) == NULL || !get_be32(s, 4, &v32))
			goto trunc;
		switch (code) {
		case 0: putf(c, ", erroneous - octet %u", v32); break;
		case 1: putf(c, ", next header - octet %u", v32); break;
		case 2: putf(c, ", option - octet %u", v32); break;
		case 3: putf(c, ", incomplete header chain - octet %u", v32);
			break;
		default: putf(c, ", code-#%u", code); break;
		}
		break;
	case 128:
	case 129:
		if (!get_be16(s, 4, &v1) || !get_be16(s, 6, &v2))
			goto trunc;
		putf(c, ", id %u, seq %u", v1, v2);
		break;
	case 131:
	case 132:
		if (!get_be16(s, 4, &v1) || (a = get_bytes(s, 8, 16)) == NULL)
			goto trunc;
		putf(c, "max resp delay: %u addr: ", v1);
		put_ip(c, 6, a);
		break;
	case 133:
	case 134:
		break;
	case 135:
	case 136:
		if ((a = get_bytes(s, 8, 16)) == NULL)
			goto trunc;
		puts_(c, type == 135 ? ", who has " : ", tgt is ");
		put_ip(c, 6, a);
		break;
	case 137:
		if ((a = get_bytes(s, 8, 16)) == NULL ||
		    (b = get_bytes(s, 24, 16)) == NULL)
			goto trunc;
		put(c, ", ", 2);
		put_ip(c, 6, b);
		puts_(c, " to ");
		put_ip(c, 6, a);
		break;
	case 143:
		if (length < 8) {
			putf(c, " [invalid len %u]", length);
			return;
		}
		if (!get_be16(s, 6, &v1))
			goto trunc;
		putf(c, ", %u group record(s)", v1);
		break;
	default:
		break;
	}
	puts_(c, ", length ");
	putu(c, length);
	return;
trunc:
	trunc_mark(c, "icmp6");
}

static void decode_ip4(struct ctx *, const struct span *, uint32_t);
static void decode_ip6(struct ctx *, const struct span *, uint32_t);

static void
decode_transport(struct ctx *c, unsigned int proto, const struct span *s,
    uint32_t length, const struct ipinfo *ip)
{
	switch (proto) {
	case 6:
		decode_tcp(c, s, length, ip);
		break;
	case 17:
		decode_udp(c, s, length, ip);
		break;
	case 1:
		decode_icmp(c, s, length);
		break;
	case 58:
		decode_icmp6(c, s, length);
		break;
	case 4:
		decode_ip4(c, s, length);
		break;
	case 41:
		decode_ip6(c, s, length);
		break;
	case 59:
		puts_(c, "no next header");
		break;
	default:
		putf(c, " ip-proto-%u %u", proto, length);
		break;
	}
}

static bool
addrs_first(unsigned int proto)
{
	return proto != 6 && proto != 17 && proto != 33 && proto != 132;
}

static void
decode_ip4(struct ctx *c, const struct span *s0, uint32_t length)
{
	unsigned int vhl, len, off, proto, ttl, id, tos;
	struct ipinfo ip = { 4, NULL, NULL, true, false };
	struct span s, payload;
	size_t hlen;

	puts_(c, "IP ");
	if (!has(s0, 0, 20)) {
		trunc_mark(c, "ip");
		return;
	}
	(void)get_u8(s0, 0, &vhl);
	if (vhl >> 4 != 4) {
		putf(c, "IP%u ", vhl >> 4);
		if (vhl >> 4 == 6)
			puts_(c, ", wrong link-layer encapsulation ");
		puts_(c, " (invalid)");
		c->truncated = true;
		return;
	}
	hlen = (size_t)(vhl & 15) * 4;
	(void)get_u8(s0, 1, &tos);
	(void)get_be16(s0, 2, &len);
	(void)get_be16(s0, 4, &id);
	(void)get_be16(s0, 6, &off);
	(void)get_u8(s0, 8, &ttl);
	(void)get_u8(s0, 9, &proto);
	ip.src = s0->p + 12;
	ip.dst = s0->p + 16;
	if (hlen < 20) {
		putf(c, "bad-hlen %zu", hlen);
		c->truncated = true;
		return;
	}
	if (length < len) {
		putf(c, "truncated-ip - %u bytes missing! ", len - length);
		c->truncated = true;
	}
	if (len < hlen) {
		if (len != 0) {
			putf(c, "bad-len %u", len);
			c->truncated = true;
			return;
		}
		len = length;	/* a TSO send, as tcpdump guesses */
	}
	if (c->j != NULL) {
		j_open(c, "ip");
		j_addr(c, "src", 4, ip.src);
		j_addr(c, "dst", 4, ip.dst);
		sk_json_uint(c->j, "proto", proto);
		sk_json_uint(c->j, "ttl", ttl);
		sk_json_uint(c->j, "id", id);
		sk_json_uint(c->j, "tos", tos);
		sk_json_uint(c->j, "len", len);
		sk_json_uint(c->j, "hlen", hlen);
		sk_json_uint(c->j, "options_len", hlen - 20);
		sk_json_bool(c->j, "df", (off & 0x4000) != 0);
		sk_json_bool(c->j, "mf", (off & 0x2000) != 0);
		sk_json_uint(c->j, "frag_offset", (uint64_t)(off & 0x1fff) * 8);
		j_close(c);
	}
	/* Nothing past the IP datagram belongs to it (Ethernet padding). */
	s = sub(s0, 0, len);
	if (!has(&s, 0, hlen)) {
		put_addrs(c, &ip);
		put(c, ":", 1);
		trunc_mark(c, "ip");
		return;
	}
	payload = sub(&s, hlen, SIZE_MAX);
	if ((off & 0x1fff) != 0) {
		/* Not the first fragment: no transport header here. */
		put_addrs(c, &ip);
		putf(c, ": ip-proto-%u", proto);
		return;
	}
	ip.fragmented = (off & 0x2000) != 0;
	if (addrs_first(proto)) {
		put_addrs(c, &ip);
		put(c, ": ", 2);
	}
	decode_transport(c, proto, &payload, (uint32_t)(len - hlen), &ip);
}

static void
decode_ip6(struct ctx *c, const struct span *s0, uint32_t length)
{
	struct ipinfo ip = { 6, NULL, NULL, true, false };
	unsigned int vfc, plen, nh, hlim, v, v2;
	struct span s, rest;
	uint32_t len, v32;
	size_t cp = 40, adv;
	int hops;

	puts_(c, "IP6 ");
	if (!has(s0, 0, 40)) {
		trunc_mark(c, "ip6");
		return;
	}
	(void)get_u8(s0, 0, &vfc);
	if (vfc >> 4 != 6) {
		putf(c, "version error: %u != 6", vfc >> 4);
		c->truncated = true;
		return;
	}
	(void)get_be16(s0, 4, &plen);
	(void)get_u8(s0, 6, &nh);
	(void)get_u8(s0, 7, &hlim);
	ip.src = s0->p + 8;
	ip.dst = s0->p + 24;
	if (plen != 0) {
		len = plen + 40;
		if (length < len) {
			putf(c, "truncated-ip6 - %u bytes missing!",
			    len - length);
			c->truncated = true;
		}
	} else
		len = length;
	if (c->j != NULL) {
		j_open(c, "ip6");
		j_addr(c, "src", 6, ip.src);
		j_addr(c, "dst", 6, ip.dst);
		sk_json_uint(c->j, "nh", nh);
		sk_json_uint(c->j, "hlim", hlim);
		sk_json_uint(c->j, "plen", plen);
		j_close(c);
	}
	s = sub(s0, 0, len);
	len -= 40;
	for (hops = 0; hops < 64; hops++) {
		if (cp == 40 && addrs_first(nh)) {
			put_addrs(c, &ip);
			put(c, ": ", 2);
		}
		ip.direct = cp == 40;
		switch (nh) {
		case 0:
		case 60:
			puts_(c, nh == 0 ? "HBH " : "DSTOPT ");
			if (!get_u8(&s, cp + 1, &v) ||
			    !has(&s, cp, ((size_t)v + 1) * 8)) {
				trunc_mark(c, nh == 0 ? "hbhopt" : "dstopt");
				return;
			}
			adv = ((size_t)v + 1) * 8;
			(void)get_u8(&s, cp, &nh);
			break;
		case 43: {
			unsigned int rlen, type, left, k, n;

			if (!get_u8(&s, cp + 1, &rlen) ||
			    !get_u8(&s, cp + 2, &type) ||
			    !get_u8(&s, cp + 3, &left)) {
				trunc_mark(c, "rt6");
				return;
			}
			putf(c, "RT6 (len=%u, type=%u, segleft=%u", rlen,
			    type, left);
			adv = ((size_t)rlen + 1) * 8;
			if (type == 0 || type == 2) {
				if (!get_be32(&s, cp + 4, &v32))
					goto rt6_trunc;
				if ((v32 >> 24) != 0)
					putf(c, ", rsv=0x%0x", v32);
				n = rlen / 2;
				for (k = 0; k < n; k++) {
					const unsigned char *a = get_bytes(&s,
					    cp + 8 + (size_t)k * 16, 16);

					if (a == NULL)
						goto rt6_trunc;
					putf(c, ", [%u]", k);
					put_ip(c, 6, a);
				}
			} else if (type == 4) {
				if (!get_u8(&s, cp + 4, &n) ||
				    !get_be16(&s, cp + 6, &v2))
					goto rt6_trunc;
				putf(c, ", last-entry=%u, tag=%x", n, v2);
				for (k = 0; k <= n; k++) {
					const unsigned char *a = get_bytes(&s,
					    cp + 8 + (size_t)k * 16, 16);

					if (a == NULL)
						goto rt6_trunc;
					putf(c, ", [%u]", k);
					put_ip(c, 6, a);
				}
			}
			puts_(c, ") ");
			if (!has(&s, cp, adv))
				goto rt6_trunc;
			(void)get_u8(&s, cp, &nh);
			break;
rt6_trunc:
			trunc_mark(c, "rt6");
			return;
		}
		case 44: {
			unsigned int offlg = 0;

			if (!has(&s, cp, 8)) {
				trunc_mark(c, "frag");
				return;
			}
			(void)get_be16(&s, cp + 2, &offlg);
			putf(c, "frag (%u|%u)", offlg & 0xfff8,
			    (unsigned int)(plen + 40 - cp - 8));
			if ((offlg & 0xfff8) != 0)
				return;
			put(c, " ", 1);
			(void)get_u8(&s, cp, &nh);
			ip.fragmented = true;
			adv = 8;
			break;
		}
		default:
			rest = sub(&s, cp, SIZE_MAX);
			decode_transport(c, nh, &rest, len, &ip);
			return;
		}
		cp += adv;
		len = adv > len ? 0 : len - (uint32_t)adv;
		if (cp >= s.n && nh != 59) {
			return;
		}
	}
}

static const char *
arp_op_name(unsigned int op)
{
	switch (op) {
	case 1: return "Request";
	case 2: return "Reply";
	case 3: return "Reverse Request";
	case 4: return "Reverse Reply";
	case 8: return "Inverse Request";
	case 9: return "Inverse Reply";
	case 10: return "NACK Reply";
	default: return NULL;
	}
}

static const char *
arp_hrd_name(unsigned int hrd)
{
	switch (hrd) {
	case 1: return "Ethernet";
	case 6: return "TokenRing";
	case 7: return "ArcNet";
	case 15: return "FrameRelay";
	case 16: case 19: return "ATM";
	case 24: return "IEEE 1394";
	case 32: return "InfiniBand";
	default: return NULL;
	}
}

static void
arp_proto_addr(struct ctx *c, const struct span *s, size_t off,
    unsigned int pro, unsigned int pln)
{
	if (pro != 0x0800 && pro != 0x1000)
		puts_(c, "<wrong proto type>");
	else if (pln != 4)
		puts_(c, "<wrong len>");
	else
		put_ip(c, 4, s->p + off);
}

static void
decode_arp(struct ctx *c, const struct span *s, uint32_t length)
{
	unsigned int hrd, pro, hln, pln, op;
	size_t sha, spa, tha, tpa;
	const char *name;
	bool nonzero = false;
	size_t i;

	if (!get_be16(s, 0, &hrd) || !get_be16(s, 2, &pro) ||
	    !get_u8(s, 4, &hln) || !get_u8(s, 5, &pln) ||
	    !get_be16(s, 6, &op)) {
		trunc_mark(c, "arp");
		return;
	}
	sha = 8;
	spa = sha + hln;
	tha = spa + pln;
	tpa = tha + hln;
	if (!has(s, tpa, pln)) {
		trunc_mark(c, "arp");
		return;
	}
	puts_(c, "ARP, ");
	if (c->j != NULL) {
		j_open(c, "arp");
		sk_json_uint(c->j, "op", op);
		sk_json_uint(c->j, "htype", hrd);
		sk_json_uint(c->j, "ptype", pro);
		j_mac(c, "sha", s->p + sha, hln);
		j_mac(c, "tha", s->p + tha, hln);
		if (pln == 4) {
			j_addr(c, "spa", 4, s->p + spa);
			j_addr(c, "tpa", 4, s->p + tpa);
		}
		j_close(c);
	}
	if ((pro != 0x0800 && pro != 0x1000) || pln != 4 || hln == 0) {
		if ((name = arp_hrd_name(hrd)) != NULL)
			puts_(c, name);
		else
			putf(c, "Unknown Hardware (%u)", hrd);
		putf(c, " (len %u), ", hln);
		if (pro == 0x0800)
			puts_(c, "IPv4");
		else if (pro == 0x86dd)
			puts_(c, "IPv6");
		else
			putf(c, "Unknown Protocol (0x%04x)", pro);
		putf(c, " (len %u)", pln);
		goto out;
	}
	if ((name = arp_op_name(op)) != NULL)
		puts_(c, name);
	else
		putf(c, "Unknown (%u)", op);
	put(c, " ", 1);
	switch (op) {
	case 1:
		puts_(c, "who-has ");
		arp_proto_addr(c, s, tpa, pro, pln);
		for (i = 0; i < hln; i++)
			nonzero = nonzero || s->p[tha + i] != 0;
		if (nonzero) {
			puts_(c, " (");
			put_mac(c, s->p + tha, hln);
			puts_(c, ")");
		}
		puts_(c, " tell ");
		arp_proto_addr(c, s, spa, pro, pln);
		break;
	case 2:
		arp_proto_addr(c, s, spa, pro, pln);
		puts_(c, " is-at ");
		put_mac(c, s->p + sha, hln);
		break;
	case 3:
	case 8:
		puts_(c, "who-is ");
		put_mac(c, s->p + tha, hln);
		puts_(c, " tell ");
		put_mac(c, s->p + sha, hln);
		break;
	case 4:
		put_mac(c, s->p + tha, hln);
		puts_(c, " at ");
		arp_proto_addr(c, s, tpa, pro, pln);
		break;
	case 9:
		put_mac(c, s->p + sha, hln);
		puts_(c, " at ");
		arp_proto_addr(c, s, spa, pro, pln);
		break;
	default:
		return;
	}
out:
	puts_(c, ", length ");
	putu(c, length);
}

/* The layer named by an EtherType. */
static void
decode_ethertype(struct ctx *c, unsigned int type, const struct span *s,
    uint32_t length, const unsigned char *mac)
{
	switch (type) {
	case 0x0800:
		decode_ip4(c, s, length);
		break;
	case 0x86dd:
		decode_ip6(c, s, length);
		break;
	case 0x0806:
	case 0x8035:
		decode_arp(c, s, length);
		break;
	default:
		if (mac != NULL) {
			put_mac(c, mac + 6, 6);
			put(c, " > ", 3);
			put_mac(c, mac, 6);
			put(c, ", ", 2);
		}
		putf(c, "ethertype Unknown (0x%04x), length %u: ", type,
		    length + (mac != NULL ? 14 : 0));
		break;
	}
}

static void
decode_ether(struct ctx *c, const struct span *s, uint32_t len)
{
	unsigned int type;
	size_t off = 12;
	uint32_t length;

	if (!has(s, 0, 14) || len < 14) {
		c->net_off = s->n;
		trunc_mark(c, "ether");
		return;
	}
	(void)get_be16(s, 12, &type);
	j_open(c, "eth");
	j_mac(c, "src", s->p + 6, 6);
	j_mac(c, "dst", s->p, 6);
	length = len - 14;
	while (type == 0x8100 || type == 0x88a8 || type == 0x9100) {
		unsigned int tci;

		if (!get_be16(s, off + 2, &tci) ||
		    !get_be16(s, off + 4, &type) || length < 4) {
			j_close(c);
			c->net_off = s->n;
			trunc_mark(c, "vlan");
			return;
		}
		if (c->j != NULL)
			sk_json_uint(c->j, "vlan", tci & 0xfff);
		off += 4;
		length -= 4;
	}
	j_uint(c, "type", type);
	j_close(c);
	off += 2;
	c->net_off = off;
	if (type <= 1500) {
		put_mac(c, s->p + 6, 6);
		put(c, " > ", 3);
		put_mac(c, s->p, 6);
		putf(c, ", 802.3, length %u: LLC", len);
		return;
	}
	{
		struct span rest = sub(s, off, SIZE_MAX);

		decode_ethertype(c, type, &rest, length, s->p);
	}
}

static void
decode_ip_any(struct ctx *c, const struct span *s, uint32_t len)
{
	unsigned int v;

	if (!get_u8(s, 0, &v)) {
		trunc_mark(c, "ip");
		return;
	}
	if (v >> 4 == 6)
		decode_ip6(c, s, len);
	else if (v >> 4 == 4)
		decode_ip4(c, s, len);
	else
		putf(c, "ip v%u", v >> 4);
}

static void
decode_link(struct ctx *c, int linktype, const struct span *s, uint32_t len)
{
	unsigned int v, proto;
	uint32_t af;
	struct span rest;

	c->net_off = 0;
	switch (linktype) {
	case DLT_EN10MB:
		decode_ether(c, s, len);
		return;
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		decode_ip_any(c, s, len);
		return;
	case DLT_NULL:
	case DLT_LOOP:
		if (!get_be32(s, 0, &af) || len < 4) {
			c->net_off = s->n;
			trunc_mark(c, "null");
			return;
		}
		/* DLT_NULL is in the byte order of the capturing host. */
		if (linktype == DLT_NULL && (af & 0xffff) == 0)
			af = __builtin_bswap32(af);
		c->net_off = 4;
		rest = sub(s, 4, SIZE_MAX);
		if (af == 2)
			decode_ip4(c, &rest, len - 4);
		else if (af == 10 || af == 24 || af == 28 || af == 30)
			decode_ip6(c, &rest, len - 4);
		else
			putf(c, "AF %u, length %u", af, len);
		return;
	case DLT_LINUX_SLL:
	case DLT_LINUX_SLL2: {
		size_t hl = linktype == DLT_LINUX_SLL ? 16 : 20;

		if (!has(s, 0, hl) || len < hl ||
		    !get_be16(s, linktype == DLT_LINUX_SLL ? 14 : 0, &proto)) {
			c->net_off = s->n;
			trunc_mark(c, "sll");
			return;
		}
		c->net_off = hl;
		rest = sub(s, hl, SIZE_MAX);
		if (proto <= 1500)
			putf(c, "linux cooked, protocol 0x%04x, length %u",
			    proto, len);
		else
			decode_ethertype(c, proto, &rest, len - (uint32_t)hl,
			    NULL);
		return;
	}
	default:
		(void)v;
		putf(c, "link-type %s, length %u",
		    sk_linktype_name(linktype) != NULL ?
		    sk_linktype_name(linktype) : "unknown", len);
		c->net_off = 0;
		return;
	}
}

/* tcpdump -x: the bytes from the network layer on, 16 to a line. */
static void
hex_dump(struct ctx *c, const unsigned char *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char line[64];
	size_t i, k;

	for (i = 0; i < n; i += 16) {
		k = (size_t)snprintf(line, sizeof(line), "\n\t0x%04zx: ", i);
		for (size_t b = i; b < i + 16 && b < n; b += 2) {
			line[k++] = ' ';
			line[k++] = hex[p[b] >> 4];
			line[k++] = hex[p[b] & 15];
			if (b + 1 < n) {
				line[k++] = hex[p[b + 1] >> 4];
				line[k++] = hex[p[b + 1] & 15];
			}
		}
		put(c, line, k);
	}
}

struct sk_decoder *
sk_decoder_new(int flags, struct sk_error *err)
{
	struct sk_decoder *d = calloc(1, sizeof(*d));

	if (d == NULL) {
		(void)sk_error_set(err, SK_ERR_OS, ENOMEM, NULL);
		return NULL;
	}
	d->flags = flags;
	return d;
}

static void
put_time(struct ctx *c, const struct timespec *ts)
{
	char b[8];
	long us = ts->tv_nsec / 1000;
	int i;

	if (ts->tv_sec < 0)
		put(c, "-", 1);
	putu(c, (unsigned long long)(ts->tv_sec < 0 ? -ts->tv_sec :
	    ts->tv_sec));
	b[0] = '.';
	for (i = 6; i >= 1; i--) {
		b[i] = (char)('0' + us % 10);
		us /= 10;
	}
	put(c, b, 7);
}

int
sk_decode(struct sk_decoder *d, const struct sk_packet *p,
    struct sk_buf *out)
{
	struct span s = { p->data, p->caplen };
	struct ctx c;
	uint32_t len = p->len < p->caplen ? p->caplen : p->len;
	long usec;

	memset(&c, 0, sizeof(c));
	c.d = d;
	if (!(d->flags & SK_DECODE_JSON)) {
		c.o = out;
		put_time(&c, &p->ts);
		put(&c, " ", 1);
		decode_link(&c, p->linktype, &s, len);
		if ((d->flags & SK_DECODE_HEX) && c.net_off < p->caplen)
			hex_dump(&c, p->data + c.net_off,
			    p->caplen - c.net_off);
		put(&c, "\n", 1);
		if (c.nomem) {
			errno = ENOMEM;
			return -1;
		}
		return 0;
	}
	/* JSON: the fields as the layers are decoded, then the line. */
	c.j = &d->json;
	c.o = &d->line;
	sk_buf_reset(&d->line);
	sk_json_begin(c.j);
	/* "time" is cut to the microsecond, as ts_usec and the text are. */
	usec = p->ts.tv_nsec / 1000;
	sk_json_double(c.j, "time", (double)p->ts.tv_sec + (double)usec / 1e6);
	sk_json_int(c.j, "ts_sec", (long long)p->ts.tv_sec);
	sk_json_int(c.j, "ts_usec", usec);
	sk_json_uint(c.j, "caplen", p->caplen);
	sk_json_uint(c.j, "len", p->len);
	sk_json_str(c.j, "linktype", sk_linktype_name(p->linktype) != NULL ?
	    sk_linktype_name(p->linktype) : "unknown");
	decode_link(&c, p->linktype, &s, len);
	sk_json_bool(c.j, "truncated", c.truncated);
	sk_json_strn(c.j, "summary", d->line.data != NULL ? d->line.data : "",
	    d->line.len);
	if (d->flags & SK_DECODE_HEX)
		sk_json_bytes(c.j, p->data, p->caplen);
	if (sk_json_end(c.j) == -1 || c.nomem ||
	    sk_buf_append(out, c.j->buf.data, c.j->buf.len) == -1) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void
sk_decoder_free(struct sk_decoder *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < SEQ_BUCKETS; i++) {
		struct seq_entry *e = d->seq[i], *next;

		for (; e != NULL; e = next) {
			next = e->next;
			free(e);
		}
	}
	sk_json_free(&d->json);
	sk_buf_free(&d->line);
	free(d);
}

const char *
sk_linktype_name(int linktype)
{
	return pcap_datalink_val_to_name(linktype);
}
