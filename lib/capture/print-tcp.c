/*
 * print-tcp.c - TCP (RFC 9293): ports, flags, sequence numbers relative
 * to the first seen of each connection, window, urgent pointer and the
 * options (RFC 7323, 2018, 7413, 8684, 5925), as tcpdump prints them.
 */
#include <stdlib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "decode-int.h"

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

/* TCP options (IANA), and the RFC 6994 magic of an experimental TFO. */
#define TCPOPT_EOL		0
#define TCPOPT_NOP		1
#define TCPOPT_MAXSEG		2
#define TCPOPT_WSCALE		3
#define TCPOPT_SACKOK		4
#define TCPOPT_SACK		5
#define TCPOPT_ECHO		6
#define TCPOPT_ECHOREPLY	7
#define TCPOPT_TIMESTAMP	8
#define TCPOPT_CC		11
#define TCPOPT_CCNEW		12
#define TCPOPT_CCECHO		13
#define TCPOPT_SIGNATURE	19
#define TCPOPT_SCPS		20
#define TCPOPT_UTO		28
#define TCPOPT_TCPAO		29
#define TCPOPT_MPTCP		30
#define TCPOPT_FASTOPEN		34
#define TCPOPT_EXPERIMENT2	254
#define TCPOPT_EXP_TFO		0xf989
#define TCP_SIGLEN		16	/* the MD5 digest (RFC 2385) */
#define RST_DATA_MAX		30	/* a reset's data -v prints, at most */

/* One direction-independent TCP conversation (tcpdump's tcp_seq_hash). */
struct seq_entry {
	struct seq_entry *next;
	unsigned char key[40];	/* family, addresses, ports */
	uint32_t seq, ack;
};

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

static const char *
tcp_option_name(unsigned int opt)
{
	switch (opt) {
	case TCPOPT_EOL: return "eol";
	case TCPOPT_NOP: return "nop";
	case TCPOPT_MAXSEG: return "mss";
	case TCPOPT_WSCALE: return "wscale";
	case TCPOPT_SACKOK: return "sackOK";
	case TCPOPT_SACK: return "sack";
	case TCPOPT_ECHO: return "echo";
	case TCPOPT_ECHOREPLY: return "echoreply";
	case TCPOPT_TIMESTAMP: return "TS";
	case TCPOPT_CC: return "cc";
	case TCPOPT_CCNEW: return "ccnew";
	case TCPOPT_CCECHO: return "";
	case TCPOPT_SIGNATURE: return "md5";
	case TCPOPT_SCPS: return "scps";
	case TCPOPT_UTO: return "uto";
	case TCPOPT_TCPAO: return "tcp-ao";
	case TCPOPT_MPTCP: return "mptcp";
	case TCPOPT_FASTOPEN: return "tfo";
	case TCPOPT_EXPERIMENT2: return "exp";
	default: return NULL;
	}
}

static void
put_hex(struct ctx *c, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		nd_putf(c, "%02x", p[i]);
}

/* A TCP Fast Open cookie or cookie request (RFC 7413). */
static void
fastopen(struct ctx *c, const unsigned char *p, size_t n)
{
	if (n == 0)
		nd_puts(c, " cookiereq");
	else if (n % 2 != 0 || n < 4 || n > 16)
		nd_puts(c, " (invalid)");
	else {
		nd_puts(c, " cookie ");
		put_hex(c, p, n);
	}
}

enum opts_result { OPTS_OK, OPTS_CUT, OPTS_BAD };

/*
 * The options of a TCP header: OPTS_CUT when they were cut short (the
 * caller then says so), OPTS_BAD when an option's length is wrong (the
 * line ends there, as tcpdump's does).  whole: the segment was captured
 * to its end.
 */
static enum opts_result
tcp_options(struct ctx *c, const struct span *s, size_t off, size_t hlen,
    unsigned int flags, bool whole, bool rev, uint32_t thseq, uint32_t thack)
{
	char ch = '\0';
	size_t i;

	nd_puts(c, ", options [");
	while (hlen > 0) {
		unsigned int opt, len, v;
		size_t datalen = 0;
		uint32_t v32, e32;
		const char *name;

		if (ch != '\0')
			nd_put(c, &ch, 1);
		if (!get_u8(s, off, &opt))
			return OPTS_CUT;
		off++;
		if (opt == TCPOPT_EOL || opt == TCPOPT_NOP)
			len = 1;
		else {
			if (!get_u8(s, off, &len))
				return OPTS_CUT;
			off++;
			if (len < 2 || len > hlen)
				goto bad;
			hlen--;
		}
		hlen--;
		if ((name = tcp_option_name(opt)) != NULL)
			nd_puts(c, name);
		else
			nd_putf(c, "unknown-%u", opt);
#define LENCHECK(l) do { if ((l) > hlen) goto bad; \
	if (!has(s, off, (l))) return OPTS_CUT; } while (0)
		switch (opt) {
		case TCPOPT_MAXSEG:
			datalen = 2;
			LENCHECK(datalen);
			(void)get_be16(s, off, &v);
			nd_put(c, " ", 1);
			nd_putu(c, v);
			break;
		case TCPOPT_WSCALE:
			datalen = 1;
			LENCHECK(datalen);
			(void)get_u8(s, off, &v);
			nd_put(c, " ", 1);
			nd_putu(c, v);
			break;
		case TCPOPT_SACK:
			datalen = len - 2;
			if (datalen % 8 != 0) {
				nd_puts(c, " invalid sack");
				break;
			}
			nd_putf(c, " %zu ", datalen / 8);
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
				nd_putf(c, "{%u:%u}", v32, e32);
			}
			break;
		case TCPOPT_ECHO:
		case TCPOPT_ECHOREPLY:
		case TCPOPT_CC:
		case TCPOPT_CCNEW:
		case TCPOPT_CCECHO:
			datalen = 4;
			LENCHECK(datalen);
			(void)get_be32(s, off, &v32);
			nd_put(c, " ", 1);
			nd_putu(c, v32);
			break;
		case TCPOPT_TIMESTAMP:
			datalen = 8;
			LENCHECK(datalen);
			(void)get_be32(s, off, &v32);
			(void)get_be32(s, off + 4, &e32);
			nd_puts(c, " val ");
			nd_putu(c, v32);
			nd_puts(c, " ecr ");
			nd_putu(c, e32);
			break;
		case TCPOPT_EOL:
		case TCPOPT_NOP:
		case TCPOPT_SACKOK:
			break;
		case TCPOPT_UTO:
			datalen = 2;
			LENCHECK(datalen);
			(void)get_be16(s, off, &v);
			nd_putf(c, " 0x%x %u", v,
			    v & 1 ? (v >> 1) * 60 : v >> 1);
			break;
		case TCPOPT_SIGNATURE:
			datalen = TCP_SIGLEN;
			LENCHECK(datalen);
			/* tcpdump, built with libcrypto, cannot check it
			 * either without the secret (its -M). */
			nd_puts(c, whole ? " shared secret not supplied with "
			    "-M, can't check - " : " snaplen too short, "
			    "can't check - ");
			put_hex(c, s->p + off, datalen);
			break;
		case TCPOPT_SCPS:
			datalen = 2;
			LENCHECK(datalen);
			nd_putf(c, " cap %02x id %u", s->p[off], s->p[off + 1]);
			break;
		case TCPOPT_TCPAO:
			datalen = len - 2;
			if (datalen < 2) {
				nd_puts(c, " (invalid)");
				break;
			}
			LENCHECK(2);
			nd_putf(c, " keyid %u rnextkeyid %u", s->p[off],
			    s->p[off + 1]);
			if (datalen > 2)
				nd_puts(c, " mac 0x");
			for (i = 2; i < datalen; i++) {
				LENCHECK(i + 1);
				nd_putf(c, "%02x", s->p[off + i]);
			}
			break;
		case TCPOPT_MPTCP: {
			struct span o;

			datalen = len - 2;
			LENCHECK(datalen);
			o = sub(s, off - 2, len);
			if (!nd_print_mptcp(c, &o, flags))
				goto bad;
			break;
		}
		case TCPOPT_FASTOPEN:
			datalen = len - 2;
			LENCHECK(datalen);
			nd_put(c, " ", 1);
			fastopen(c, s->p + off, datalen);
			break;
		case TCPOPT_EXPERIMENT2:
			datalen = len - 2;
			LENCHECK(datalen);
			if (datalen < 2)
				goto bad;
			(void)get_be16(s, off, &v);
			nd_put(c, "-", 1);
			if (v == TCPOPT_EXP_TFO) {
				nd_puts(c, "tfo");
				fastopen(c, s->p + off + 2, datalen - 2);
			} else
				nd_putf(c, "%04x", v);
			break;
		default:
			datalen = len - 2;
			if (datalen > 0)
				nd_puts(c, " 0x");
			for (i = 0; i < datalen; i++) {
				LENCHECK(i + 1);
				nd_putf(c, "%02x", s->p[off + i]);
			}
			break;
		}
#undef LENCHECK
		off += datalen;
		hlen -= datalen;
		datalen++;
		if (opt != TCPOPT_EOL && opt != TCPOPT_NOP)
			datalen++;
		if (datalen != len)
			nd_putf(c, "[len %u]", len);
		ch = ',';
		if (opt == TCPOPT_EOL)
			break;
	}
	nd_put(c, "]", 1);
	return OPTS_OK;
bad:
	nd_puts(c, "[bad opt]");
	if (ch != '\0')
		nd_put(c, "]", 1);
	c->truncated = true;
	return OPTS_BAD;
}

/* -v: the checksum, over the segment and the IP pseudo-header. */
static void
tcp_cksum(struct ctx *c, const struct span *s, uint32_t length,
    const struct ipinfo *ip)
{
	unsigned int sum = nd_ip_cksum(ip, ND_IPPROTO_TCP, s->p, length);
	unsigned int field;

	(void)get_be16(s, 16, &field);
	nd_putf(c, ", cksum 0x%04x", field);
	if (sum != 0)
		nd_putf(c, " (incorrect -> 0x%04x)",
		    nd_cksum_shouldbe(field, sum));
	else
		nd_puts(c, " (correct)");
}

/*
 * -v: the data of a reset (RFC 1122 4.2.2.12 lets it explain why), at
 * most the first 30 bytes ("+" when there is more), "!" when not all of
 * it was captured.
 */
static void
rst_data(struct ctx *c, const struct span *s, uint32_t length)
{
	size_t n = length;

	nd_puts(c, has(s, 0, length) ? " [RST" : " [!RST");
	if (n > RST_DATA_MAX) {
		n = RST_DATA_MAX;
		nd_put(c, "+", 1);
	}
	nd_put(c, " ", 1);
	(void)nd_put_chars(c, s, 0, n < s->n ? n : s->n);
	nd_put(c, "]", 1);
}

/* BGP (RFC 4271): tcpdump names it and says more only with -v. */
static void
print_bgp(struct ctx *c, const struct span *s, uint32_t length)
{
	(void)s;
	(void)length;
	nd_puts(c, ": BGP");
}

/*
 * From TCP port (either side) to the printer of the payload, given its
 * bytes and its length: the first row that matches wins, in tcpdump's
 * order.
 */
static const struct {
	unsigned int port;
	void (*print)(struct ctx *, const struct span *, uint32_t);
} tcpports[] = {
	{ 179, print_bgp },
	{ 6633, nd_print_openflow },
	{ 6653, nd_print_openflow },
	{ 53, nd_print_domain_tcp },
};

void
nd_print_tcp(struct ctx *c, const struct span *s, uint32_t length,
    const struct ipinfo *ip)
{
	unsigned int sport, dport, off_flags, win, urp, flags;
	uint32_t seq, ack, thseq = 0, thack = 0, hlen;
	static const char fl[] = "FSRP.UEW";
	bool rev = false;
	int i, nf = 0;

	if (!get_be16(s, 0, &sport) || !get_be16(s, 2, &dport)) {
		nd_put_addrs(c, ip);
		nd_put(c, ":", 1);
		nd_trunc(c, "tcp");
		return;
	}
	nd_put_ports(c, ip, sport, dport);
	nd_j_open(c, "tcp");
	nd_j_uint(c, "sport", sport);
	nd_j_uint(c, "dport", dport);
	if (!has(s, 0, 20)) {
		nd_j_close(c);
		nd_trunc(c, "tcp");
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
		nd_putf(c, " tcp %u [bad hdr length %u - too short, < 20]",
		    length - hlen, hlen);
		nd_j_close(c);
		c->truncated = true;
		return;
	}
	nd_puts(c, "Flags [");
	for (i = 0; i < 8; i++)
		if (flags & (1u << i)) {
			nd_put(c, &fl[i], 1);
			nf++;
		}
	if (nf == 0)
		nd_puts(c, "none");
	nd_put(c, "]", 1);
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
		nd_putf(c, " [bad hdr length %u - too long, > %u]", hlen,
		    length);
		nd_j_close(c);
		c->truncated = true;
		return;
	}
	if (nd_vflag(c) && !ip->fragmented && has(s, 0, length))
		tcp_cksum(c, s, length, ip);
	length -= hlen;
	if (nd_vflag(c) > 1 || length > 0 ||
	    (flags & (TH_SYN | TH_FIN | TH_RST))) {
		nd_puts(c, ", seq ");
		nd_putu(c, seq);
		if (length > 0) {
			nd_put(c, ":", 1);
			nd_putu(c, (uint32_t)(seq + length));
		}
	}
	if (flags & TH_ACK) {
		nd_puts(c, ", ack ");
		nd_putu(c, ack);
	}
	nd_puts(c, ", win ");
	nd_putu(c, win);
	if (flags & TH_URG) {
		nd_puts(c, ", urg ");
		nd_putu(c, urp);
	}
	nd_j_uint(c, "length", length);
	nd_j_close(c);
	if (hlen > 20) {
		switch (tcp_options(c, s, 20, hlen - 20, flags,
		    has(s, 0, hlen + length), rev, thseq, thack)) {
		case OPTS_CUT:
			nd_trunc(c, "tcp");
			return;
		case OPTS_BAD:
			return;
		case OPTS_OK:
			break;
		}
	}
	nd_puts(c, ", length ");
	nd_putu(c, length);
	if (length > 0 && has(s, 0, hlen)) {
		struct span payload = sub(s, hlen, SIZE_MAX);
		size_t k;

		if ((flags & TH_RST) && nd_vflag(c)) {
			rst_data(c, &payload, length);
			return;
		}

		for (k = 0; k < sizeof(tcpports) / sizeof(tcpports[0]); k++)
			if (tcpports[k].port == sport ||
			    tcpports[k].port == dport) {
				tcpports[k].print(c, &payload, length);
				break;
			}
	}
}


/* Forget every connection (the decoder is freed). */
void
nd_tcp_seq_free(struct sk_decoder *d)
{
	size_t i;

	for (i = 0; i < SEQ_BUCKETS; i++) {
		struct seq_entry *e = d->seq[i], *next;

		for (; e != NULL; e = next) {
			next = e->next;
			free(e);
		}
	}
}
