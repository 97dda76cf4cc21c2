/*
 * print-domain.c - DNS (RFC 1035) over UDP and TCP port 53, and multicast
 * DNS (RFC 6762) on port 5353: tcpdump's one-line summary without -v.  A
 * query: its id, opcode and flags, the counts that are not the usual
 * ones, then "TYPE? name."; an answer: its id, opcode, response code and
 * flags, the section counts, then every answer record's type and data;
 * then the message length in parentheses.  Names follow compression
 * pointers backwards only (as BIND does), so a loop cannot form.
 */
#include <stdint.h>
#include <string.h>

#include "decode-int.h"

#define DNS_HDR_LEN	12
#define MAXCDNAME	255	/* the longest name printed */
#define NO_OFF		SIZE_MAX	/* a name or record cut short */

/* Label types (the top two bits of a length byte). */
#define TYPE_MASK	0xc0
#define TYPE_INDIR	0xc0	/* a compression pointer */
#define TYPE_RESERVED	0x80
#define TYPE_EDNS0	0x40	/* an extended label (RFC 6891) */
#define EDNS0_ELT_BITLABEL 0x01	/* a bit-string label (RFC 2673) */

/* Header flags. */
#define DNS_QR(f)	((f) & 0x8000)
#define DNS_OPCODE(f)	(((f) >> 11) & 0xf)
#define DNS_AA(f)	((f) & 0x0400)
#define DNS_TC(f)	((f) & 0x0200)
#define DNS_RD(f)	((f) & 0x0100)
#define DNS_RA(f)	((f) & 0x0080)
#define DNS_AD(f)	((f) & 0x0020)
#define DNS_CD(f)	((f) & 0x0010)
#define DNS_RCODE(f)	((f) & 0x000f)
#define DNS_IQUERY	1

#define C_IN		1
#define C_MDNS_BIT	0x8000	/* QU in a question, cache flush after */

#define T_A		1
#define T_NS		2
#define T_CNAME		5
#define T_SOA		6
#define T_PTR		12
#define T_MX		15
#define T_TXT		16
#define T_AAAA		28
#define T_SRV		33
#define T_A6		38
#define T_DNAME		39
#define T_OPT		41
#define T_UNSPECA	104
#define T_TSIG		250
#define T_URI		256

static const char *const dns_ops[] = {
	"", " inv_q", " stat", " op3", " notify", " update", " op6", " op7",
	" op8", " updateA", " updateD", " updateDA", " updateM", " updateMA",
	" zoneInit", " zoneRef",
};

/* Response codes, the extended ones (RFC 6891) too; tcpdump's spelling,
 * two of them without the leading space. */
static const char *const dns_rcodes[] = {
	"", " FormErr", " ServFail", " NXDomain", " NotImp", " Refused",
	" YXDomain", " YXRRSet", " NXRRSet", " NotAuth", " NotZone",
	" Resp11", " Resp12", " Resp13", " Resp14", " NoChange", " BadVers",
	"Resp17", " Resp18", " Resp19", " Resp20", "Resp21", " Resp22",
	" BadCookie",
};

static const struct nd_tok dns_classes[] = {
	{ 1, "IN" }, { 3, "CHAOS" }, { 4, "HS" }, { 255, "ANY" },
	{ 0, NULL },
};

static const struct nd_tok dns_types[] = {
	{ 1, "A" }, { 2, "NS" }, { 3, "MD" }, { 4, "MF" }, { 5, "CNAME" },
	{ 6, "SOA" }, { 7, "MB" }, { 8, "MG" }, { 9, "MR" }, { 10, "NULL" },
	{ 11, "WKS" }, { 12, "PTR" }, { 13, "HINFO" }, { 14, "MINFO" },
	{ 15, "MX" }, { 16, "TXT" }, { 17, "RP" }, { 18, "AFSDB" },
	{ 19, "X25" }, { 20, "ISDN" }, { 21, "RT" }, { 22, "NSAP" },
	{ 23, "NSAP_PTR" }, { 24, "SIG" }, { 25, "KEY" }, { 26, "PX" },
	{ 27, "GPOS" }, { 28, "AAAA" }, { 29, "LOC" }, { 30, "NXT" },
	{ 31, "EID" }, { 32, "NIMLOC" }, { 33, "SRV" }, { 34, "ATMA" },
	{ 35, "NAPTR" }, { 36, "KX" }, { 37, "CERT" }, { 38, "A6" },
	{ 39, "DNAME" }, { 40, "SINK" }, { 41, "OPT" }, { 42, "APL" },
	{ 43, "DS" }, { 44, "SSHFP" }, { 45, "IPSECKEY" }, { 46, "RRSIG" },
	{ 47, "NSEC" }, { 48, "DNSKEY" }, { 99, "SPF" }, { 100, "UINFO" },
	{ 101, "UID" }, { 102, "GID" }, { 103, "UNSPEC" }, { 104, "UNSPECA" },
	{ 249, "TKEY" }, { 250, "TSIG" }, { 251, "IXFR" }, { 252, "AXFR" },
	{ 253, "MAILB" }, { 254, "MAILA" }, { 255, "ANY" }, { 256, "URI" },
	{ 0, NULL },
};

/* " NAME" from a table, or the number between before and after. */
static void
put_named(struct ctx *c, const struct nd_tok *t, unsigned int v,
    const char *before, const char *after)
{
	const char *name = nd_tok_str(t, v);

	if (name != NULL)
		nd_putf(c, " %s", name);
	else
		nd_putf(c, " %s%u%s", before, v, after);
}

static void
put_type(struct ctx *c, unsigned int type)
{
	put_named(c, dns_types, type, "Type", "");
}

static void
put_class(struct ctx *c, unsigned int class)
{
	put_named(c, dns_classes, class, "(Class ", ")");
}

/* The offset just past the name at off, or NO_OFF. */
static size_t
name_skip(const struct span *m, size_t off)
{
	unsigned int i, bitlen;

	if (!get_u8(m, off++, &i))
		return NO_OFF;
	while (i != 0) {
		switch (i & TYPE_MASK) {
		case TYPE_INDIR:
			return off + 1;
		case TYPE_EDNS0:
			if ((i & ~TYPE_MASK) != EDNS0_ELT_BITLABEL ||
			    !get_u8(m, off, &bitlen))
				return NO_OFF;
			if (bitlen == 0)
				bitlen = 256;
			off += 1 + (bitlen + 7) / 8;
			break;
		case TYPE_RESERVED:
			return NO_OFF;
		default:
			off += i;
			break;
		}
		if (!get_u8(m, off++, &i))
			return NO_OFF;
	}
	return off;
}

/* The length of the label at off as the name printer steps over it, or
 * -1 (said on the line for a label type not known). */
static long
label_len(struct ctx *c, const struct span *m, size_t off)
{
	unsigned int i, bitlen;

	if (!get_u8(m, off, &i))
		return -1;
	switch (i & TYPE_MASK) {
	case TYPE_EDNS0:
		if ((i & ~TYPE_MASK) != EDNS0_ELT_BITLABEL) {
			nd_putf(c, "<ELT %u>", i & ~TYPE_MASK);
			return -1;
		}
		if (!get_u8(m, off + 1, &bitlen))
			return -1;
		if (bitlen == 0)
			bitlen = 256;
		return (long)((bitlen + 7) / 8) + 1;
	case TYPE_RESERVED:
		nd_puts(c, "<BAD LABEL TYPE>");
		return -1;
	default:
		return (long)i;
	}
}

/* A bit-string label: "\[x" and its bits in hex, "/" and the count. */
static bool
put_bitlabel(struct ctx *c, const struct span *m, size_t off)
{
	unsigned int bitlen, b, v;
	size_t p, lim;

	if (!get_u8(m, off, &bitlen))
		return false;
	if (bitlen == 0)
		bitlen = 256;
	lim = off + 1 + (bitlen + 3) / 4;
	nd_puts(c, "\\[x");
	for (p = off + 1, b = bitlen; p < lim && b > 7; b -= 8, p++) {
		if (!get_u8(m, p, &v))
			return false;
		nd_putf(c, "%02x", v);
	}
	if (b > 4 && b < 8) {
		if (!get_u8(m, p, &v))
			return false;
		nd_putf(c, "%02x", v & (0xffu << (8 - b)) & 0xff);
	} else if (b > 0 && b <= 4) {
		if (!get_u8(m, p, &v))
			return false;
		nd_putf(c, "%1x", (v >> 4 & 0x0f) & (0x0fu << (4 - b)));
	}
	nd_putf(c, "/%u]", bitlen);
	return true;
}

/* The name at off, then the offset past it where it was written (not
 * where a pointer led), or NO_OFF when it is cut short or bad. */
static size_t
put_name(struct ctx *c, const struct span *m, size_t off)
{
	size_t rp = NO_OFF, max_off = off, names = 0;
	unsigned int i, lo;
	bool compress = false;
	long l;

	if ((l = label_len(c, m, off)) < 0 || !get_u8(m, off, &i))
		return NO_OFF;
	off++;
	if ((i & TYPE_MASK) != TYPE_INDIR)
		rp = off + (size_t)l;
	if (i == 0) {
		nd_put(c, ".", 1);
		return rp;
	}
	while (i != 0 && off < m->n) {
		switch (i & TYPE_MASK) {
		case TYPE_INDIR:
			if (!compress) {
				rp = off + 1;
				compress = true;
			}
			if (!get_u8(m, off, &lo))
				return NO_OFF;
			off = (i << 8 | lo) & 0x3fff;
			if (off >= max_off) {
				nd_puts(c, "<BAD PTR>");
				return NO_OFF;
			}
			max_off = off;
			if (!get_u8(m, off, &i) ||
			    (l = label_len(c, m, off)) < 0)
				return NO_OFF;
			off++;
			continue;
		case TYPE_EDNS0:
			/* label_len let only a bit-string label by. */
			if (!put_bitlabel(c, m, off))
				return NO_OFF;
			break;
		default:
			if (names + (size_t)l <= MAXCDNAME) {
				if (!nd_put_chars(c, m, off, (size_t)l))
					return NO_OFF;
			} else if (names < MAXCDNAME) {
				if (!nd_put_chars(c, m, off, MAXCDNAME - names))
					return NO_OFF;
			}
			names += (size_t)l;
			break;
		}
		off += (size_t)l;
		if (names <= MAXCDNAME)
			nd_put(c, ".", 1);
		names++;
		if (!get_u8(m, off, &i) || (l = label_len(c, m, off)) < 0)
			return NO_OFF;
		off++;
		if (!compress)
			rp += (size_t)l + 1;
	}
	if (names > MAXCDNAME)
		nd_puts(c, "<DOMAIN NAME TOO LONG>");
	return rp;
}

/* A question: " TYPE? name."; the offset past it, or NO_OFF. */
static size_t
put_question(struct ctx *c, const struct span *m, size_t off, bool mdns)
{
	size_t at = name_skip(m, off);
	unsigned int type, class;

	if (at == NO_OFF || !has(m, at, 4))
		return NO_OFF;
	(void)get_be16(m, at, &type);
	(void)get_be16(m, at + 2, &class);
	put_type(c, type);
	if ((mdns ? class & ~C_MDNS_BIT : class) != C_IN)
		put_class(c, mdns ? class & ~C_MDNS_BIT : class);
	if (mdns)
		nd_puts(c, class & C_MDNS_BIT ? " (QU)" : " (QM)");
	nd_puts(c, "? ");
	at = put_name(c, m, off);
	return at == NO_OFF ? NO_OFF : at + 4;
}

/*
 * A resource record: " TYPE data"; the offset past it, or NO_OFF when it
 * is cut short.  A record whose fixed part is cut short gives m->n: the
 * caller stops there.
 */
static size_t
put_record(struct ctx *c, const struct span *m, size_t off, bool mdns)
{
	unsigned int type, cl, class, len, v, v2, v3;
	size_t rp;
	uint32_t w;

	/* -v: each record's owner name before its type. */
	if (nd_vflag(c)) {
		nd_put(c, " ", 1);
		if ((off = put_name(c, m, off)) == NO_OFF)
			return NO_OFF;
	} else
		off = name_skip(m, off);
	if (off == NO_OFF || !has(m, off, 10))
		return m->n;
	(void)get_be16(m, off, &type);
	(void)get_be16(m, off + 2, &cl);
	class = mdns ? cl & ~C_MDNS_BIT : cl;
	if (class != C_IN && type != T_OPT)
		put_class(c, class);
	if (mdns && (cl & C_MDNS_BIT))
		nd_puts(c, " (Cache flush)");
	(void)get_be16(m, off + 8, &len);
	off += 10;
	rp = off + len;
	put_type(c, type);
	if (rp > m->n)
		return NO_OFF;
	switch (type) {
	case T_A: {
		const unsigned char *a = get_bytes(m, off, 4);

		if (a == NULL)
			return NO_OFF;
		nd_put(c, " ", 1);
		nd_put_ip(c, 4, a);
		break;
	}
	case T_NS:
	case T_CNAME:
	case T_PTR:
	case T_DNAME:
		nd_put(c, " ", 1);
		if (put_name(c, m, off) == NO_OFF)
			return NO_OFF;
		break;
	case T_SOA:
		/* -v: the names, serial and timers (RFC 1035 3.3.13). */
		if (!nd_vflag(c))
			break;
		nd_put(c, " ", 1);
		if ((off = put_name(c, m, off)) == NO_OFF)
			return NO_OFF;
		nd_put(c, " ", 1);
		if ((off = put_name(c, m, off)) == NO_OFF || !has(m, off, 20))
			return NO_OFF;
		for (v = 0; v < 5; v++) {
			(void)get_be32(m, off + (size_t)v * 4, &w);
			nd_putf(c, " %u", w);
		}
		break;
	case T_MX:
		nd_put(c, " ", 1);
		if (!get_be16(m, off, &v) || put_name(c, m, off + 2) == NO_OFF)
			return NO_OFF;
		nd_putf(c, " %u", v);
		break;
	case T_TXT:
		while (off < rp) {
			nd_puts(c, " \"");
			if (!get_u8(m, off, &v) ||
			    !nd_put_chars(c, m, off + 1, v))
				return NO_OFF;
			off += 1 + (size_t)v;
			nd_put(c, "\"", 1);
		}
		break;
	case T_SRV:
		nd_put(c, " ", 1);
		if (!has(m, off, 6) || put_name(c, m, off + 6) == NO_OFF)
			return NO_OFF;
		(void)get_be16(m, off, &v);
		(void)get_be16(m, off + 2, &v2);
		(void)get_be16(m, off + 4, &v3);
		nd_putf(c, ":%u %u %u", v3, v, v2);
		break;
	case T_AAAA: {
		const unsigned char *a = get_bytes(m, off, 16);

		if (a == NULL)
			return NO_OFF;
		nd_put(c, " ", 1);
		nd_put_ip(c, 6, a);
		break;
	}
	case T_A6: {
		unsigned char a[16] = { 0 };
		const unsigned char *p;
		size_t pbyte;

		if (!get_u8(m, off, &v))
			return NO_OFF;
		pbyte = (v & ~7u) / 8;
		if (v > 128) {
			nd_putf(c, " %u(bad plen)", v);
			break;
		}
		if (v < 128) {
			if ((p = get_bytes(m, off + 1, 16 - pbyte)) == NULL)
				return NO_OFF;
			memcpy(a + pbyte, p, 16 - pbyte);
			nd_putf(c, " %u ", v);
			nd_put_ip(c, 6, a);
		}
		if (v > 0) {
			nd_put(c, " ", 1);
			if (put_name(c, m, off + 1 + 16 - pbyte) == NO_OFF)
				return NO_OFF;
		}
		break;
	}
	case T_URI:
		if (!has(m, off, len) || !get_be16(m, off, &v) ||
		    !get_be16(m, off + 2, &v2))
			return NO_OFF;
		nd_putf(c, " %u %u ", v, v2);
		/* A length under 4 runs to the end of the bytes. */
		if (!nd_put_chars(c, m, off + 4,
		    len >= 4 ? len - 4 : SIZE_MAX))
			return NO_OFF;
		break;
	case T_OPT:
		(void)get_be16(m, off - 4, &v);
		nd_putf(c, " UDPsize=%u", class);
		if (v & 0x8000)
			nd_puts(c, " DO");
		break;
	case T_UNSPECA:
		if (!nd_put_chars(c, m, off, len))
			return NO_OFF;
		break;
	default:
		/* SOA and TSIG data are printed only with -v. */
		break;
	}
	return rp;
}

/*
 * The extended response code: the high bits are in an OPT record of the
 * additional section, found by skipping every record before it.
 */
static unsigned int
ext_rcode(const struct span *m, unsigned int flags, unsigned int qd,
    unsigned int an_ns, unsigned int ar)
{
	unsigned int rcode = DNS_RCODE(flags), i, v;
	size_t off = DNS_HDR_LEN;

	for (i = 0; i < qd; i++) {
		if ((off = name_skip(m, off)) == NO_OFF)
			return rcode;
		off += 4;
		if (off >= m->n)
			return rcode;
	}
	for (i = 0; i < an_ns; i++) {
		if ((off = name_skip(m, off)) == NO_OFF)
			return rcode;
		off += 8;
		if (!get_be16(m, off, &v))
			return rcode;
		off += 2 + (size_t)v;
		if (off >= m->n)
			return rcode;
	}
	for (i = 0; i < ar; i++) {
		if ((off = name_skip(m, off)) == NO_OFF ||
		    !get_be16(m, off, &v))
			return rcode;
		off += 4;
		if (v == T_OPT) {
			(void)get_u8(m, off, &v);
			return rcode | v << 4;
		}
		if (off >= m->n)
			return rcode;
		off += 4;
		if (!get_be16(m, off, &v))
			return rcode;
		off += 2 + (size_t)v;
		if (off >= m->n)
			return rcode;
	}
	return rcode;
}

static void
put_rcode(struct ctx *c, unsigned int rcode)
{
	if (rcode < sizeof(dns_rcodes) / sizeof(dns_rcodes[0]))
		nd_puts(c, dns_rcodes[rcode]);
	else
		nd_putf(c, " Resp%u", rcode & 0xfff);
}

static bool
print_response(struct ctx *c, const struct span *m, bool mdns,
    unsigned int flags, const unsigned int *count)
{
	unsigned int id, i, an = count[1];
	size_t off = DNS_HDR_LEN;

	(void)get_be16(m, 0, &id);
	nd_putu(c, id);
	nd_puts(c, dns_ops[DNS_OPCODE(flags)]);
	put_rcode(c, ext_rcode(m, flags, count[0], count[1] + count[2],
	    count[3]));
	nd_puts(c, DNS_AA(flags) ? "*" : "");
	nd_puts(c, DNS_RA(flags) ? "" : "-");
	nd_puts(c, DNS_TC(flags) ? "|" : "");
	nd_puts(c, DNS_AD(flags) ? "$" : "");
	if (count[0] != 1)
		nd_putf(c, " [%uq]", count[0]);
	for (i = 0; i < count[0]; i++) {
		if (i != 0)
			nd_put(c, ",", 1);
		if ((off = name_skip(m, off)) == NO_OFF)
			return false;
		off += 4;
	}
	nd_putf(c, " %u/%u/%u", count[1], count[2], count[3]);
	if (an > 0) {
		if ((off = put_record(c, m, off, mdns)) == NO_OFF)
			return false;
		an--;
		while (off < m->n && an > 0) {
			nd_put(c, ",", 1);
			if ((off = put_record(c, m, off, mdns)) == NO_OFF)
				return false;
			an--;
		}
	}
	return an == 0;
}

static bool
print_query(struct ctx *c, const struct span *m, bool mdns,
    unsigned int flags, const unsigned int *count)
{
	unsigned int id, qd = count[0];
	size_t off = DNS_HDR_LEN;

	(void)get_be16(m, 0, &id);
	nd_putu(c, id);
	nd_puts(c, dns_ops[DNS_OPCODE(flags)]);
	nd_puts(c, DNS_RD(flags) ? "+" : "");
	nd_puts(c, DNS_CD(flags) ? "%" : "");
	if (flags & 0x6cf)
		nd_putf(c, " [b2&3=0x%x]", flags);
	if (DNS_OPCODE(flags) == DNS_IQUERY) {
		if (count[0] != 0)
			nd_putf(c, " [%uq]", count[0]);
		if (count[1] != 1)
			nd_putf(c, " [%ua]", count[1]);
	} else {
		if (count[1] != 0)
			nd_putf(c, " [%ua]", count[1]);
		if (count[0] != 1)
			nd_putf(c, " [%uq]", count[0]);
	}
	if (count[2] != 0)
		nd_putf(c, " [%un]", count[2]);
	if (count[3] != 0)
		nd_putf(c, " [%uau]", count[3]);
	if (qd > 0) {
		if ((off = put_question(c, m, off, mdns)) == NO_OFF)
			return false;
		qd--;
		while (off < m->n && qd > 0) {
			if ((off = put_question(c, m, off, mdns)) == NO_OFF)
				return false;
			qd--;
		}
	}
	return qd == 0;
}

/* A DNS message of length bytes in s; over TCP it has its 2-byte length
 * first. */
static void
print_domain(struct ctx *c, const struct span *s, uint32_t length,
    bool over_tcp, bool mdns)
{
	unsigned int flags, count[4], prefix;
	struct span m = *s;
	int i;

	if (over_tcp) {
		if (length < 2) {
			nd_putf(c, " [DNS over TCP: length %u < 2] (invalid)",
			    length);
			return;
		}
		length -= 2;
		if (!get_be16(s, 0, &prefix))
			goto trunc;
		if (prefix != length) {
			nd_putf(c, " [prefix length(%u) != length(%u)] "
			    "(invalid)", prefix, length);
			return;
		}
		m = sub(s, 2, SIZE_MAX);
		nd_put(c, " ", 1);
	}
	if (length < DNS_HDR_LEN) {
		nd_putf(c, "domain [length %u < %u] (invalid)", length,
		    DNS_HDR_LEN);
		return;
	}
	if (!has(&m, 0, DNS_HDR_LEN))
		goto trunc;
	(void)get_be16(&m, 2, &flags);
	for (i = 0; i < 4; i++)
		(void)get_be16(&m, 4 + 2 * (size_t)i, &count[i]);
	if (!(DNS_QR(flags) ? print_response(c, &m, mdns, flags, count) :
	    print_query(c, &m, mdns, flags, count)))
		goto trunc;
	nd_putf(c, " (%u)", length);
	return;
trunc:
	nd_trunc(c, "domain");
}

void
nd_print_domain_udp(struct ctx *c, const struct span *s, uint32_t length)
{
	print_domain(c, s, length, false, false);
}

void
nd_print_mdns(struct ctx *c, const struct span *s, uint32_t length)
{
	print_domain(c, s, length, false, true);
}

void
nd_print_domain_tcp(struct ctx *c, const struct span *s, uint32_t length)
{
	print_domain(c, s, length, true, false);
}
