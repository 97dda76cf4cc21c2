/*
 * flow-format.c - a flow's record as sniff --flows prints it: one line of
 * "name value" pairs after the start time and the endpoints (tcpdump's
 * address.port), the text from the network escaped (\xHH for every byte
 * outside printable ASCII, for a space and for the backslash), or one
 * JSON object {"event":"flow",...} with the same names.  DNS types and
 * response codes by their RFC 1035 / IANA mnemonics.
 */
#include <errno.h>
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

/* " NAME " and TEXT, every byte outside printable ASCII as \xHH. */
static int
put_text(struct sk_buf *o, const char *name, const char *text, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char e[4] = { '\\', 'x', 0, 0 };
	size_t i;
	int rc;

	rc = sk_buf_printf(o, " %s ", name);
	for (i = 0; i < n && rc != -1; i++) {
		unsigned char ch = (unsigned char)text[i];

		if (ch > ' ' && ch < 0x7f && ch != '\\')
			rc = sk_buf_putc(o, (char)ch);
		else {
			e[2] = hex[ch >> 4];
			e[3] = hex[ch & 15];
			rc = sk_buf_append(o, e, 4);
		}
	}
	return rc;
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

static int
format_line(const struct sk_flow *f, struct sk_buf *o)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], num[24];
	struct hint_text h[6];
	size_t i, k;
	bool icmp = f->proto != IPPROTO_TCP && f->proto != IPPROTO_UDP;
	int rc;

	a[fmt_addr(f, f->src, a)] = '\0';
	b[fmt_addr(f, f->dst, b)] = '\0';
	rc = sk_buf_printf(o, "%lld.%06ld %s ", (long long)f->start.tv_sec,
	    f->start.tv_nsec / 1000, proto_name(f->proto));
	if (rc != -1 && icmp)
		rc = sk_buf_printf(o, "%s > %s id %u", a, b, f->sport);
	else if (rc != -1)
		rc = sk_buf_printf(o, "%s.%u > %s.%u", a, f->sport, b,
		    f->dport);
	if (rc != -1)
		rc = sk_buf_printf(o, " duration %.6f src_packets %llu "
		    "src_bytes %llu dst_packets %llu dst_bytes %llu close %s",
		    f->duration, f->packets[0], f->bytes[0], f->packets[1],
		    f->bytes[1], sk_flow_close_name(f->close));
	if (rc != -1 && f->proto == IPPROTO_TCP) {
		if (f->syn_rtt_ms >= 0)
			rc = sk_buf_printf(o, " syn_rtt_ms %.3f",
			    f->syn_rtt_ms);
		if (rc != -1)
			rc = sk_buf_printf(o, " retransmits %llu "
			    "out_of_order %llu", f->retransmits,
			    f->out_of_order);
	}
	k = hint_texts(f, h);
	for (i = 0; i < k && rc != -1; i++) {
		rc = put_text(o, h[i].name, h[i].p, h[i].n);
		if (rc != -1 && f->qname != NULL && h[i].p == f->qname)
			rc = sk_buf_printf(o, " qtype %s", lookup(qtypes,
			    f->qtype, "TYPE", num, sizeof(num)));
	}
	if (rc != -1 && f->qname != NULL) {
		if (f->rcode >= 0)
			rc = sk_buf_printf(o, " rcode %s", lookup(rcodes,
			    f->rcode, "RCODE", num, sizeof(num)));
		if (rc != -1 && f->dns_ms >= 0)
			rc = sk_buf_printf(o, " dns_ms %.3f", f->dns_ms);
		else if (rc != -1 && f->rcode < 0)
			rc = sk_buf_printf(o, " unanswered");
	}
	if (rc != -1)
		rc = sk_buf_putc(o, '\n');
	return rc;
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
