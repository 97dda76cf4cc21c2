/*
 * print-ip6.c - IPv6 (RFC 8200) and its extension headers: hop-by-hop
 * and destination options (with the jumbo payload of RFC 2675), routing
 * (types 0, 2 and the segment routing header of RFC 8754), fragment; with
 * -v the header's fields and each option.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "decode-int.h"

/* Options of the hop-by-hop and destination headers (RFC 8200 4.2). */
#define IP6OPT_PAD1		0x00
#define IP6OPT_PADN		0x01
#define IP6OPT_ROUTER_ALERT	0x05	/* RFC 2711 */
#define IP6OPT_JUMBO		0xc2	/* RFC 2675 */
#define IP6OPT_HOME_ADDRESS	0xc9	/* RFC 6275 */
#define IP6OPT_MINLEN		2
#define IP6OPT_RTALERT_LEN	4
#define IP6OPT_JUMBO_LEN	6
#define IP6OPT_HOMEADDR_MINLEN	18

/* Routing header types. */
#define IPV6_RTHDR_TYPE_0	0	/* deprecated (RFC 5095) */
#define IPV6_RTHDR_TYPE_2	2	/* mobile IPv6 (RFC 6275) */
#define IPV6_RTHDR_TYPE_4	4	/* segment routing (RFC 8754) */

#define ND_IPPROTO_MOBILITY_OLD	62
#define ND_IPPROTO_MOBILITY	135

/* What the hop-by-hop options say of a jumbo payload. */
struct jumbo {
	bool hbh;		/* a hop-by-hop header: jumbo is allowed */
	bool found;		/* a valid jumbo payload option was seen */
	uint32_t *plen;		/* the payload length, set by it */
};

/*
 * The option at i of the n bytes of options at o: its type and its whole
 * length (a pad1 is one byte, any other has a length byte).  False when
 * it runs past the n bytes.
 */
static bool
ip6_opt_next(const struct span *s, size_t o, size_t i, size_t n,
    unsigned int *type, size_t *optlen)
{
	unsigned int len;

	(void)get_u8(s, o + i, type);
	if (*type == IP6OPT_PAD1)
		*optlen = 1;
	else if (i + 1 < n) {
		(void)get_u8(s, o + i + 1, &len);
		*optlen = (size_t)len + 2;
	} else
		return false;
	return i + *optlen <= n;
}

/* The sub-options after a home address option (tcpdump's sopt). */
static bool
ip6_subopts(struct ctx *c, const struct span *s, size_t o, size_t n)
{
	unsigned int type;
	size_t i, optlen;

	for (i = 0; i < n; i += optlen) {
		if (!ip6_opt_next(s, o, i, n, &type, &optlen))
			return false;
		if (type == IP6OPT_PAD1)
			nd_puts(c, ", pad1");
		else if (n - i < IP6OPT_MINLEN) {
			if (type == IP6OPT_PADN)
				nd_puts(c, ", padn: trunc");
			else
				nd_putf(c, ", sopt_type %u: trunc)", type);
			return false;
		} else if (type == IP6OPT_PADN)
			nd_puts(c, ", padn");
		else
			nd_putf(c, ", sopt_type 0x%02x: len=%zu", type,
			    optlen - 2);
	}
	return true;
}

/*
 * The options of a hop-by-hop (j != NULL) or destination header, the n
 * bytes at o, all captured: with -v each option, and without, only what
 * is wrong with one.  False when an option is cut short or malformed.
 */
static bool
ip6_options(struct ctx *c, const struct span *s, size_t o, size_t n,
    struct jumbo *j)
{
	unsigned int type, len, v;
	uint32_t jlen;
	size_t i, optlen = 0;
	bool found = false;
	int vflag = nd_vflag(c);

	if (n == 0)
		return true;
	for (i = 0; i < n; i += optlen) {
		if (!ip6_opt_next(s, o, i, n, &type, &optlen))
			return false;
		(void)get_u8(s, o + i + 1, &len);
		switch (type) {
		case IP6OPT_PAD1:
			if (vflag)
				nd_puts(c, "(pad1)");
			break;
		case IP6OPT_PADN:
			if (n - i < IP6OPT_MINLEN) {
				nd_puts(c, "(padn: trunc)");
				return false;
			}
			if (vflag)
				nd_puts(c, "(padn)");
			break;
		case IP6OPT_ROUTER_ALERT:
			if (n - i < IP6OPT_RTALERT_LEN) {
				nd_puts(c, "(rtalert: trunc)");
				return false;
			}
			if (len != IP6OPT_RTALERT_LEN - 2) {
				nd_putf(c, "(rtalert: invalid len %u)", len);
				return false;
			}
			(void)get_be16(s, o + i + 2, &v);
			if (vflag)
				nd_putf(c, "(rtalert: 0x%04x) ", v);
			break;
		case IP6OPT_JUMBO:
			if (n - i < IP6OPT_JUMBO_LEN) {
				nd_puts(c, "(jumbo: trunc)");
				return false;
			}
			if (len != IP6OPT_JUMBO_LEN - 2) {
				nd_putf(c, "(jumbo: invalid len %u)", len);
				return false;
			}
			(void)get_be32(s, o + i + 2, &jlen);
			if (found) {
				if (vflag)
					nd_putf(c, "(jumbo: %u - already "
					    "seen) ", jlen);
				break;
			}
			found = true;
			if (j == NULL || !j->hbh) {
				if (vflag)
					nd_putf(c, "(jumbo: %u - not a "
					    "hop-by-hop option) ", jlen);
			} else if (*j->plen != 0) {
				if (vflag)
					nd_putf(c, "(jumbo: %u - payload len "
					    "!= 0) ", jlen);
			} else if (jlen < 65536) {
				if (vflag)
					nd_putf(c, "(jumbo: %u - < 65536) ",
					    jlen);
			} else {
				j->found = true;
				*j->plen = jlen;
				if (vflag)
					nd_putf(c, "(jumbo: %u) ", jlen);
			}
			break;
		case IP6OPT_HOME_ADDRESS:
			if (n - i < IP6OPT_HOMEADDR_MINLEN) {
				nd_puts(c, "(homeaddr: trunc)");
				return false;
			}
			if (len < IP6OPT_HOMEADDR_MINLEN - 2) {
				nd_putf(c, "(homeaddr: invalid len %u)", len);
				return false;
			}
			if (vflag) {
				nd_puts(c, "(homeaddr: ");
				nd_put_ip(c, 6, s->p + o + i + 2);
				if (len > IP6OPT_HOMEADDR_MINLEN - 2 &&
				    !ip6_subopts(c, s, o + i +
				    IP6OPT_HOMEADDR_MINLEN,
				    optlen - IP6OPT_HOMEADDR_MINLEN))
					return false;
				nd_puts(c, ")");
			}
			break;
		default:
			if (n - i < IP6OPT_MINLEN) {
				nd_putf(c, "(type %u: trunc)", type);
				return false;
			}
			if (vflag)
				nd_putf(c, "(opt_type 0x%02x: len=%u)", type,
				    len);
			break;
		}
	}
	if (vflag)
		nd_put(c, " ", 1);
	return true;
}

/*
 * A hop-by-hop (j != NULL) or destination options header at cp: its
 * length, or 0 when it was cut short (the line then says so).  The
 * destination header's options are printed only with -v.
 */
static size_t
ip6_opthdr(struct ctx *c, const struct span *s, size_t cp, struct jumbo *j)
{
	const char *proto = j != NULL ? "hbhopt" : "dstopt";
	unsigned int v;
	size_t n;

	if (!get_u8(s, cp + 1, &v) || !has(s, cp, ((size_t)v + 1) * 8)) {
		nd_trunc(c, proto);
		return 0;
	}
	n = ((size_t)v + 1) * 8;
	nd_puts(c, j != NULL ? "HBH " : "DSTOPT ");
	if ((j != NULL || nd_vflag(c)) &&
	    !ip6_options(c, s, cp + 2, n - 2, j)) {
		nd_trunc(c, proto);
		return 0;
	}
	return n;
}

/*
 * A routing header at cp: "RT6 (len=.., type=.., segleft=.., ...) ", and
 * its length, or 0 when it was cut short or is invalid (said so).
 */
static size_t
ip6_rthdr(struct ctx *c, const struct span *s, size_t cp)
{
	unsigned int len, type, left, v, k;
	uint32_t v32;

	nd_puts(c, "RT6");
	if (!get_u8(s, cp + 1, &len))
		goto trunc;
	nd_putf(c, " (len=%u", len);
	if (!get_u8(s, cp + 2, &type))
		goto trunc;
	nd_putf(c, ", type=%u%s", type, type == IPV6_RTHDR_TYPE_0 ?
	    " [Deprecated]" : "");
	if (!get_u8(s, cp + 3, &left))
		goto trunc;
	nd_putf(c, ", segleft=%u", left);
	switch (type) {
	case IPV6_RTHDR_TYPE_0:
	case IPV6_RTHDR_TYPE_2:
		if (!get_be32(s, cp + 4, &v32))
			goto trunc;
		if (v32 != 0 || nd_vflag(c))
			nd_putf(c, ", rsv=0x%0x", v32);
		break;
	case IPV6_RTHDR_TYPE_4:
		if (!get_u8(s, cp + 4, &v))
			goto trunc;
		nd_putf(c, ", last-entry=%u", v);
		if (!get_u8(s, cp + 5, &v))
			goto trunc;
		if (v != 0 || nd_vflag(c))
			nd_putf(c, ", flags=0x%0x", v);
		if (!get_be16(s, cp + 6, &v))
			goto trunc;
		nd_putf(c, ", tag=%x", v);
		break;
	default:
		nd_puts(c, " (unknown type) (invalid)");
		c->truncated = true;
		return 0;
	}
	if (len % 2 == 1) {
		nd_putf(c, " (invalid length %u) (invalid)", len);
		c->truncated = true;
		return 0;
	}
	for (k = 0; k < len / 2; k++) {
		const unsigned char *a = get_bytes(s, cp + 8 + (size_t)k * 16,
		    16);

		if (a == NULL)
			goto trunc;
		nd_putf(c, ", [%u]", k);
		nd_put_ip(c, 6, a);
	}
	nd_puts(c, ") ");
	return ((size_t)len + 1) * 8;
trunc:
	nd_trunc(c, "rt6");
	return 0;
}

/*
 * The destination a transport checksum counts when the header is followed
 * by extension headers: the last address of a routing header of type 0
 * or 2, the first segment of a segment routing header, else dst.
 */
static const unsigned char *
ip6_finddst(const struct span *s)
{
	const unsigned char *dst = s->p + 24, *a;
	unsigned int nh, v, len, type, k;
	size_t cp = 0, adv = 40;
	int hops;

	(void)get_u8(s, 6, &nh);
	for (hops = 0; hops < 64 && cp < s->n; hops++) {
		cp += adv;
		switch (nh) {
		case ND_IPPROTO_HOPOPTS:
		case ND_IPPROTO_DSTOPTS:
		case ND_IPPROTO_MOBILITY_OLD:
		case ND_IPPROTO_MOBILITY:
			if (!get_u8(s, cp + 1, &v) || !get_u8(s, cp, &nh))
				return dst;
			adv = ((size_t)v + 1) * 8;
			break;
		case ND_IPPROTO_FRAGMENT:
			if (!get_u8(s, cp, &nh))
				return dst;
			adv = 8;
			break;
		case ND_IPPROTO_ROUTING:
			if (!get_u8(s, cp + 1, &len) ||
			    !get_u8(s, cp + 2, &type) || len % 2 == 1)
				return dst;
			if (type == IPV6_RTHDR_TYPE_0 ||
			    type == IPV6_RTHDR_TYPE_2) {
				for (k = 0; k < len / 2; k++) {
					a = get_bytes(s, cp + 8 +
					    (size_t)k * 16, 16);
					if (a == NULL)
						break;
					dst = a;
				}
			} else if (type == IPV6_RTHDR_TYPE_4 &&
			    (a = get_bytes(s, cp + 8, 16)) != NULL)
				dst = a;
			return dst;
		default:
			return dst;
		}
	}
	return dst;
}

/* -v: "(class 0x.., flowlabel 0x....., hlim 64, next-header TCP (6)
 * payload length: 20) ". */
static void
ip6_verbose(struct ctx *c, const struct span *s)
{
	unsigned int hlim, nh, plen;
	uint32_t flow;

	(void)get_be32(s, 0, &flow);
	(void)get_u8(s, 6, &nh);
	(void)get_u8(s, 7, &hlim);
	(void)get_be16(s, 4, &plen);
	nd_put(c, "(", 1);
	if (flow & 0x0ff00000)
		nd_putf(c, "class 0x%02x, ", (flow & 0x0ff00000) >> 20);
	if (flow & 0x000fffff)
		nd_putf(c, "flowlabel 0x%05x, ", flow & 0x000fffff);
	nd_putf(c, "hlim %u, next-header %s (%u) payload length: %u) ", hlim,
	    nd_ipproto_name(nh), nh, plen);
}

/*
 * A fragment header at cp: "frag (offset|length) ", with -v the
 * identification too.  Its length, or 0 when nothing follows it here (a
 * later fragment, or cut short).
 */
static size_t
ip6_frag(struct ctx *c, const struct span *s, size_t cp, unsigned int plen)
{
	unsigned int offlg;
	uint32_t ident;
	/* As tcpdump computes it, in a size_t: it can go below zero. */
	size_t rest = 40 + (size_t)plen - cp - 8;

	if (!get_be16(s, cp + 2, &offlg) ||
	    (nd_vflag(c) && !get_be32(s, cp + 4, &ident))) {
		nd_trunc(c, "frag6");
		return 0;
	}
	if (nd_vflag(c))
		nd_putf(c, "frag (0x%08x:%u|%zu)", ident, offlg & 0xfff8,
		    rest);
	else
		nd_putf(c, "frag (%u|%zu)", offlg & 0xfff8, rest);
	if ((offlg & 0xfff8) != 0)
		return 0;
	nd_put(c, " ", 1);
	return s->n <= cp + 8 ? 0 : 8;
}

void
nd_print_ip6(struct ctx *c, const struct span *s0, uint32_t length)
{
	struct ipinfo ip = { .version = 6, .direct = true };
	unsigned int vfc, nh, ph = 255, hlim, plen16;
	struct jumbo jumbo = { .hbh = true };
	bool found_ext = false, found_hbh = false;
	uint32_t len, plen;
	struct span s, rest;
	size_t cp = 0, adv = 40, total = 0;

	if (!nd_eflag(c))
		nd_puts(c, "IP6 ");
	if (!has(s0, 0, 40)) {
		nd_trunc(c, "ip6");
		return;
	}
	(void)get_u8(s0, 0, &vfc);
	if (vfc >> 4 != 6) {
		nd_putf(c, "version error: %u != 6", vfc >> 4);
		c->truncated = true;
		return;
	}
	(void)get_be16(s0, 4, &plen16);
	(void)get_u8(s0, 6, &nh);
	(void)get_u8(s0, 7, &hlim);
	plen = plen16;
	jumbo.plen = &plen;
	ip.ttl = hlim;
	ip.src = s0->p + 8;
	ip.dst = s0->p + 24;
	if (plen != 0) {
		len = plen + 40;
		if (length < len) {
			nd_putf(c, "truncated-ip6 - %u bytes missing!",
			    len - length);
			c->truncated = true;
		}
	} else
		len = length + 40;
	if (nd_vflag(c))
		ip6_verbose(c, s0);
	if (c->j != NULL) {
		nd_j_open(c, "ip6");
		nd_j_addr(c, "src", 6, ip.src);
		nd_j_addr(c, "dst", 6, ip.dst);
		sk_json_uint(c->j, "nh", nh);
		sk_json_uint(c->j, "hlim", hlim);
		sk_json_uint(c->j, "plen", plen);
		nd_j_close(c);
	}
	/* Nothing past the datagram belongs to it (Ethernet padding). */
	s = sub(s0, 0, len);
	switch (nh) {
	case ND_IPPROTO_HOPOPTS:
	case ND_IPPROTO_DSTOPTS:
	case ND_IPPROTO_MOBILITY_OLD:
	case ND_IPPROTO_MOBILITY:
	case ND_IPPROTO_FRAGMENT:
	case ND_IPPROTO_ROUTING:
		ip.phdst = ip6_finddst(&s);
		break;
	default:
		ip.phdst = ip.dst;
		break;
	}
	/* Each header in turn; every one is at least 8 bytes long. */
	while (cp < s.n && adv > 0) {
		if (len < adv)
			goto trunc;
		cp += adv;
		len -= (uint32_t)adv;
		total += adv;
		if (cp == 40 && nd_ipproto_addrs_first(nh)) {
			nd_put_addrs(c, &ip);
			nd_put(c, ": ", 2);
		}
		ip.direct = cp == 40;
		switch (nh) {
		case ND_IPPROTO_HOPOPTS:
			if (found_hbh || ph != 255) {
				nd_puts(c, found_hbh ? "[The Hop-by-Hop "
				    "Options header was already found]" :
				    "[The Hop-by-Hop Options header don't "
				    "follow the IPv6 header]");
				nd_puts(c, " (invalid)");
				c->truncated = true;
				return;
			}
			adv = ip6_opthdr(c, &s, cp, &jumbo);
			if (plen == 0 && !jumbo.found) {
				nd_puts(c, "[No valid Jumbo Payload "
				    "Hop-by-Hop option found] (invalid)");
				c->truncated = true;
				return;
			}
			if (adv == 0)
				return;
			found_ext = found_hbh = true;
			(void)get_u8(&s, cp, &nh);
			break;
		case ND_IPPROTO_DSTOPTS:
			if ((adv = ip6_opthdr(c, &s, cp, NULL)) == 0)
				return;
			found_ext = true;
			(void)get_u8(&s, cp, &nh);
			break;
		case ND_IPPROTO_FRAGMENT:
			if ((adv = ip6_frag(c, &s, cp, plen16)) == 0)
				return;
			found_ext = true;
			(void)get_u8(&s, cp, &nh);
			ip.fragmented = true;
			break;
		case ND_IPPROTO_ROUTING:
			if (!has(&s, cp, 1))
				goto trunc;
			if ((adv = ip6_rthdr(c, &s, cp)) == 0)
				return;
			found_ext = true;
			(void)get_u8(&s, cp, &nh);
			break;
		default:
			if (jumbo.found) {
				/* The jumbo payload's length, from here. */
				len = plen + 40;
				if (len < total)
					goto trunc;
				if (length < len) {
					nd_putf(c, "truncated-ip6 - %u bytes "
					    "missing!", len - length);
					c->truncated = true;
				}
				s = sub(s0, 0, len);
				len -= (uint32_t)total;
			} else if (plen == 0) {
				/* No payload: no room for a header. */
				if (found_ext)
					goto trunc;
				s = sub(s0, 0, 40);
				len = 0;
			}
			rest = sub(&s, cp, SIZE_MAX);
			nd_print_ipproto(c, nh, &rest, len, &ip);
			return;
		}
		ph = nh;
	}
	return;
trunc:
	nd_trunc(c, "ip6");
}
