/*
 * flow-format.c - a flow's record as sniff --flows prints it: one line of
 * "name value" pairs after the start time and the endpoints (tcpdump's
 * address.port), the text from the network escaped (\xHH for every byte
 * outside printable ASCII, for a space and for the backslash), or one
 * JSON object {"event":"flow",...} with the same names.  DNS types and
 * response codes by their RFC 1035 / IANA mnemonics.  The line is built
 * without printf: a record per connection costs as much as several of
 * its packets otherwise.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <netinet/in.h>

#include "decode-int.h"

struct name {
	int v;
	const char *s;
};

static const struct name qtypes[] = {
	{ 1, "A" }, { 2, "NS" }, { 5, "CNAME" }, { 6, "SOA" }, { 12, "PTR" },
	{ 13, "HINFO" }, { 15, "MX" }, { 16, "TXT" }, { 28, "AAAA" },
	{ 33, "SRV" }, { 35, "NAPTR" }, { 41, "OPT" }, { 43, "DS" },
	{ 46, "RRSIG" }, { 47, "NSEC" }, { 48, "DNSKEY" }, { 52, "TLSA" },
	{ 64, "SVCB" }, { 65, "HTTPS" }, { 99, "SPF" }, { 252, "AXFR" },
	{ 255, "ANY" }, { 257, "CAA" }, { 0, NULL }
};

static const struct name rcodes[] = {
	{ 0, "NOERROR" }, { 1, "FORMERR" }, { 2, "SERVFAIL" },
	{ 3, "NXDOMAIN" }, { 4, "NOTIMP" }, { 5, "REFUSED" },
	{ 6, "YXDOMAIN" }, { 7, "YXRRSET" }, { 8, "NXRRSET" },
	{ 9, "NOTAUTH" }, { 10, "NOTZONE" }, { 0, NULL }
};

/* The mnemonic of V, or PREFIX and the number (RFC 3597's "TYPE65"). */
static const char *
lookup(const struct name *t, int v, const char *prefix, char *buf,
    size_t size)
{
	for (; t->s != NULL; t++)
		if (t->v == v)
			return t->s;
	(void)snprintf(buf, size, "%s%d", prefix, v);
	return buf;
}

const char *
sk_flow_close_name(enum sk_flow_close c)
{
	switch (c) {
	case SK_FLOW_FIN:
		return "fin";
	case SK_FLOW_RST:
		return "rst";
	case SK_FLOW_IDLE:
		return "idle";
	default:
		return "open";
	}
}

static const char *
proto_name(int proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMP:
		return "icmp";
	default:
		return "icmp6";
	}
}

static size_t
fmt_addr(const struct sk_flow *f, const unsigned char *a, char *b)
{
	return f->family == AF_INET ? nd_fmt_ip4(a, b) : nd_fmt_ip6(a, b);
}

/* The pieces of a line, written at *W and W moved past them. */
static void
cat(char **w, const char *s)
{
	size_t n = strlen(s);

	memcpy(*w, s, n);
	*w += n;
}

static void
cat_u(char **w, unsigned long long v)
{
	*w += sk__utoa(v, *w);
}

/* V in exactly DIGITS digits, zeros in front. */
static void
cat_digits(char **w, unsigned long long v, int digits)
{
	int i;

	for (i = digits; i-- > 0;) {
		(*w)[i] = (char)('0' + v % 10);
		v /= 10;
	}
	*w += digits;
}

#define FIXED_MAX	400	/* "%.6f" of the largest double, and more */

/*
 * V with PREC decimals (at most 6), as printf's "%.*f" writes it: from
 * V's exact binary value, its mantissa M times 2^E, so that V * 10^PREC
 * is M * 5^PREC * 2^(E + PREC), rounded to the nearest and a tie to the
 * even digit.  A negative, huge or not finite V is left to printf.
 */
static void
cat_fixed(char **w, double v, int prec)
{
	static const unsigned int pow5[] = { 1, 5, 25, 125, 625, 3125,
	    15625 };
	static const unsigned int pow10[] = { 1, 10, 100, 1000, 10000,
	    100000, 1000000 };
#ifdef __SIZEOF_INT128__
	unsigned __int128 p, rem, half;
	unsigned long long n;
	int e, sh;

	if (v >= 0 && v < 4294967296.0 && !signbit(v) && prec <= 6) {
		p = (unsigned __int128)(unsigned long long)ldexp(frexp(v, &e),
		    53) * pow5[prec];
		sh = 53 - e - prec;
		if (sh <= 0)
			n = (unsigned long long)(p << -sh);
		else if (sh > 100)	/* p < 2^67: less than a half */
			n = 0;
		else {
			n = (unsigned long long)(p >> sh);
			rem = p - ((unsigned __int128)n << sh);
			half = (unsigned __int128)1 << (sh - 1);
			if (rem > half || (rem == half && (n & 1)))
				n++;
		}
		cat_u(w, n / pow10[prec]);
		*(*w)++ = '.';
		cat_digits(w, n % pow10[prec], prec);
		return;
	}
#endif
	*w += snprintf(*w, FIXED_MAX, "%.*f", prec, v);
}

/* " NAME " and TEXT, every byte outside printable ASCII as \xHH. */
static int
put_text(struct sk_buf *o, const char *name, const char *text, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, len = strlen(name);
	char *w;

	if (n > (SIZE_MAX - len) / 4 - 2 || sk_buf_reserve(o, len + 2 +
	    4 * n) == -1)
		return -1;
	w = o->data + o->len;
	*w++ = ' ';
	cat(&w, name);
	*w++ = ' ';
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)text[i];

		if (ch > ' ' && ch < 0x7f && ch != '\\')
			*w++ = (char)ch;
		else {
			*w++ = '\\';
			*w++ = 'x';
			*w++ = hex[ch >> 4];
			*w++ = hex[ch & 15];
		}
	}
	*w = '\0';
	o->len = (size_t)(w - o->data);
	return 0;
}

/* A hint's texts, in pairs of name and field. */
struct hint_text {
	const char *name, *p;
	size_t n;
};

static size_t
hint_texts(const struct sk_flow *f, struct hint_text *h)
{
	size_t k = 0;

#define TEXT(field) \
	if (f->field != NULL) \
		h[k++] = (struct hint_text){ #field, f->field, f->field##_len }
	TEXT(sni);
	TEXT(alpn);
	TEXT(qname);
	TEXT(method);
	TEXT(host);
	TEXT(path);
#undef TEXT
	return k;
}

/* The line up to the hints: numbers and addresses, names from tables. */
#define LINE_MAX	(8 * 24 + 2 * INET6_ADDRSTRLEN + 2 * FIXED_MAX + 256)

static int
format_line(const struct sk_flow *f, struct sk_buf *o)
{
	char line[LINE_MAX], num[24], *w = line;
	struct hint_text h[6];
	size_t i, k;
	bool icmp = f->proto != IPPROTO_TCP && f->proto != IPPROTO_UDP;

	if (f->start.tv_sec < 0) {
		*w++ = '-';
		cat_u(&w, -(unsigned long long)f->start.tv_sec);
	} else
		cat_u(&w, (unsigned long long)f->start.tv_sec);
	*w++ = '.';
	cat_digits(&w, (unsigned long long)(f->start.tv_nsec / 1000), 6);
	*w++ = ' ';
	cat(&w, proto_name(f->proto));
	*w++ = ' ';
	w += fmt_addr(f, f->src, w);
	if (icmp) {
		cat(&w, " > ");
		w += fmt_addr(f, f->dst, w);
		cat(&w, " id ");
		cat_u(&w, f->sport);
	} else {
		*w++ = '.';
		cat_u(&w, f->sport);
		cat(&w, " > ");
		w += fmt_addr(f, f->dst, w);
		*w++ = '.';
		cat_u(&w, f->dport);
	}
	cat(&w, " duration ");
	cat_fixed(&w, f->duration, 6);
	cat(&w, " src_packets ");
	cat_u(&w, f->packets[0]);
	cat(&w, " src_bytes ");
	cat_u(&w, f->bytes[0]);
	cat(&w, " dst_packets ");
	cat_u(&w, f->packets[1]);
	cat(&w, " dst_bytes ");
	cat_u(&w, f->bytes[1]);
	cat(&w, " close ");
	cat(&w, sk_flow_close_name(f->close));
	if (f->proto == IPPROTO_TCP) {
		if (f->syn_rtt_ms >= 0) {
			cat(&w, " syn_rtt_ms ");
			cat_fixed(&w, f->syn_rtt_ms, 3);
		}
		cat(&w, " retransmits ");
		cat_u(&w, f->retransmits);
		cat(&w, " out_of_order ");
		cat_u(&w, f->out_of_order);
	}
	if (sk_buf_append(o, line, (size_t)(w - line)) == -1)
		return -1;
	k = hint_texts(f, h);
	for (i = 0; i < k; i++) {
		if (put_text(o, h[i].name, h[i].p, h[i].n) == -1)
			return -1;
		if (f->qname != NULL && h[i].p == f->qname) {
			const char *q = lookup(qtypes, f->qtype, "TYPE", num,
			    sizeof(num));

			if (sk_buf_append(o, " qtype ", 7) == -1 ||
			    sk_buf_append(o, q, strlen(q)) == -1)
				return -1;
		}
	}
	w = line;
	if (f->qname != NULL) {
		if (f->rcode >= 0) {
			cat(&w, " rcode ");
			cat(&w, lookup(rcodes, f->rcode, "RCODE", num,
			    sizeof(num)));
		}
		if (f->dns_ms >= 0) {
			cat(&w, " dns_ms ");
			cat_fixed(&w, f->dns_ms, 3);
		} else if (f->rcode < 0)
			cat(&w, " unanswered");
	}
	*w++ = '\n';
	return sk_buf_append(o, line, (size_t)(w - line));
}

static int
format_json(const struct sk_flow *f, struct sk_buf *o)
{
	char a[INET6_ADDRSTRLEN], num[24];
	struct hint_text h[6];
	struct sk_json j;
	size_t i, k;
	int rc;

	sk_event_begin(&j, "flow");
	sk_json_double(&j, "start", (double)f->start.tv_sec +
	    (double)(long)(f->start.tv_nsec / 1000) / 1e6);
	sk_json_double(&j, "duration", f->duration);
	sk_json_str(&j, "proto", proto_name(f->proto));
	sk_json_strn(&j, "src", a, fmt_addr(f, f->src, a));
	sk_json_uint(&j, "sport", f->sport);
	sk_json_strn(&j, "dst", a, fmt_addr(f, f->dst, a));
	sk_json_uint(&j, "dport", f->dport);
	sk_json_uint(&j, "src_packets", f->packets[0]);
	sk_json_uint(&j, "src_bytes", f->bytes[0]);
	sk_json_uint(&j, "dst_packets", f->packets[1]);
	sk_json_uint(&j, "dst_bytes", f->bytes[1]);
	sk_json_str(&j, "close", sk_flow_close_name(f->close));
	if (f->proto == IPPROTO_TCP) {
		if (f->syn_rtt_ms >= 0)
			sk_json_double(&j, "syn_rtt_ms", f->syn_rtt_ms);
		else
			sk_json_null(&j, "syn_rtt_ms");
		sk_json_uint(&j, "retransmits", f->retransmits);
		sk_json_uint(&j, "out_of_order", f->out_of_order);
	}
	k = hint_texts(f, h);
	for (i = 0; i < k; i++)
		sk_json_strn(&j, h[i].name, h[i].p, h[i].n);
	if (f->qname != NULL) {
		sk_json_str(&j, "qtype", lookup(qtypes, f->qtype, "TYPE", num,
		    sizeof(num)));
		if (f->rcode >= 0)
			sk_json_str(&j, "rcode", lookup(rcodes, f->rcode,
			    "RCODE", num, sizeof(num)));
		else
			sk_json_null(&j, "rcode");
		if (f->dns_ms >= 0)
			sk_json_double(&j, "dns_ms", f->dns_ms);
		else
			sk_json_null(&j, "dns_ms");
	}
	rc = sk_json_end(&j);
	if (rc != -1)
		rc = sk_buf_append(o, j.buf.data, j.buf.len);
	sk_json_free(&j);
	return rc;
}

int
sk_flow_format(const struct sk_flow *f, int flags, struct sk_buf *out)
{
	int rc = flags & SK_FLOW_JSON ? format_json(f, out) :
	    format_line(f, out);

	if (rc == -1)
		errno = ENOMEM;
	return rc;
}
