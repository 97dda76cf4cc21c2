/*
 * print-icmp6.c - ICMPv6 (RFC 4443), neighbour discovery (RFC 4861) and
 * multicast listener discovery (RFC 2710, 3810), as tcpdump prints them.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "decode-int.h"

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

/* Neighbour discovery options (RFC 4861, 4191, 6106, 6275). */
#define ND_OPT_SOURCE_LINKADDR	1
#define ND_OPT_TARGET_LINKADDR	2
#define ND_OPT_PREFIX_INFO	3
#define ND_OPT_REDIRECTED_HDR	4
#define ND_OPT_MTU		5
#define ND_OPT_ADVINTERVAL	7
#define ND_OPT_HOMEAGENT_INFO	8
#define ND_OPT_ROUTE_INFO	24
#define ND_OPT_RDNSS		25
#define ND_OPT_DNSSL		31

static const struct nd_tok nd_opt_names[] = {
	{ ND_OPT_SOURCE_LINKADDR, "source link-address" },
	{ ND_OPT_TARGET_LINKADDR, "destination link-address" },
	{ ND_OPT_PREFIX_INFO, "prefix info" },
	{ ND_OPT_REDIRECTED_HDR, "redirected header" },
	{ ND_OPT_MTU, "mtu" },
	{ ND_OPT_RDNSS, "rdnss" },
	{ ND_OPT_DNSSL, "dnssl" },
	{ ND_OPT_ADVINTERVAL, "advertisement interval" },
	{ ND_OPT_HOMEAGENT_INFO, "homeagent information" },
	{ ND_OPT_ROUTE_INFO, "route info" },
	{ 0, NULL }
};

static const struct nd_tok prefix_flags[] = {
	{ 0x80, "onlink" }, { 0x40, "auto" }, { 0x20, "router" },
	{ 0, NULL }
};

static const struct nd_tok ra_flags[] = {
	{ 0x80, "managed" }, { 0x40, "other stateful" },
	{ 0x20, "home agent" }, { 0x02, "ipv6 only" },
	{ 0, NULL }
};

static const struct nd_tok na_flags[] = {
	{ 0x80000000u, "router" }, { 0x40000000u, "solicited" },
	{ 0x20000000u, "override" },
	{ 0, NULL }
};

static const struct nd_tok mldv2_types[] = {
	{ 1, "is_in" }, { 2, "is_ex" }, { 3, "to_in" }, { 4, "to_ex" },
	{ 5, "allow" }, { 6, "block" },
	{ 0, NULL }
};

/* A router preference (RFC 4191): two bits of v, at 0x18. */
static const char *
rtpref(unsigned int v)
{
	static const char *const names[] = { "medium", "high", "rsv", "low" };

	return names[(v & 0x18) >> 3];
}

/* A lifetime in seconds, all ones being "infinity". */
static void
put_lifetime(struct ctx *c, uint32_t v)
{
	if (v == UINT32_MAX)
		nd_puts(c, "infinity");
	else
		nd_putf(c, "%us", v);
}

/* tcpdump's print of bytes it does not decode: in hex, each line begun
 * by ident, as many as were captured. */
static void
unknown_data(struct ctx *c, const struct span *s, size_t off, size_t n,
    const char *ident)
{
	if (off > s->n)
		return;
	nd_hex_print_ident(c, ident, s->p + off, s->n - off < n ? s->n - off :
	    n);
}

/*
 * -v: the neighbour discovery options from off on, resid bytes of them,
 * one to a line.  False when one is cut short (the line then says so).
 */
static bool
nd_options(struct ctx *c, const struct span *s, size_t off, long resid)
{
	unsigned int type, len, v, plen;
	uint32_t v32, w32;
	const char *name;
	size_t cp = off, n, i;

	while (cp < s->n) {
		if (!get_u8(s, cp + 1, &len))
			return false;
		if (resid <= 0)
			return true;
		(void)get_u8(s, cp, &type);
		n = (size_t)len * 8;
		if (len == 0 || !has(s, cp, n))
			return false;
		name = nd_tok_str(nd_opt_names, type);
		nd_putf(c, "\n\t  %s option (%u), length %zu (%u): ",
		    name != NULL ? name : "unknown", type, n, len);
		switch (type) {
		case ND_OPT_SOURCE_LINKADDR:
		case ND_OPT_TARGET_LINKADDR:
			nd_put_mac(c, s->p + cp + 2, n - 2);
			break;
		case ND_OPT_PREFIX_INFO:
			if (!has(s, cp, 32))
				return false;
			(void)get_u8(s, cp + 2, &plen);
			(void)get_u8(s, cp + 3, &v);
			nd_put_ip(c, 6, s->p + cp + 16);
			nd_putf(c, "/%u%s, Flags [", plen, len != 4 ?
			    "badlen" : "");
			nd_put_bits(c, prefix_flags, v, ", ", "none");
			nd_puts(c, "], valid time ");
			(void)get_be32(s, cp + 4, &v32);
			put_lifetime(c, v32);
			nd_puts(c, ", pref. time ");
			(void)get_be32(s, cp + 8, &v32);
			put_lifetime(c, v32);
			break;
		case ND_OPT_REDIRECTED_HDR:
			/* tcpdump dumps from the first option on. */
			unknown_data(c, s, off, n, "\n\t    ");
			break;
		case ND_OPT_MTU:
			if (!get_be32(s, cp + 4, &v32))
				return false;
			nd_putf(c, " %u%s", v32, len != 1 ?
			    "bad option length" : "");
			break;
		case ND_OPT_RDNSS:
			if (!get_be32(s, cp + 4, &v32))
				return false;
			nd_putf(c, " lifetime %us,", v32);
			for (i = 0; i < (len - 1) / 2; i++) {
				nd_puts(c, " addr: ");
				nd_put_ip(c, 6, s->p + cp + 8 + i * 16);
			}
			break;
		case ND_OPT_ADVINTERVAL:
			if (!get_be32(s, cp + 4, &v32))
				return false;
			nd_putf(c, " %ums", v32);
			break;
		case ND_OPT_HOMEAGENT_INFO:
			if (!get_be16(s, cp + 4, &v) ||
			    !get_be16(s, cp + 6, &plen))
				return false;
			nd_putf(c, " preference %u, lifetime %u", v, plen);
			break;
		case ND_OPT_ROUTE_INFO: {
			unsigned char a[16];

			if (!get_be32(s, cp + 4, &w32) || len > 3)
				return false;
			memset(a, 0, sizeof(a));
			if (len > 1)
				memcpy(a, s->p + cp + 8, len == 2 ? 8 : 16);
			(void)get_u8(s, cp + 2, &plen);
			(void)get_u8(s, cp + 3, &v);
			nd_put(c, " ", 1);
			nd_put_ip(c, 6, a);
			nd_putf(c, "/%u, pref=%s, lifetime=", plen, rtpref(v));
			put_lifetime(c, w32);
			break;
		}
		default:
			if (nd_vflag(c) <= 1) {
				unknown_data(c, s, cp + 2, n - 2, "\n\t  ");
				return true;
			}
			break;
		}
		if (nd_vflag(c) > 1)
			unknown_data(c, s, cp + 2, n - 2, "\n\t    ");
		cp += n;
		resid -= (long)n;
	}
	return true;
}

/* -v: each group record of an MLDv2 report (RFC 3810), and with -vv its
 * sources. */
static void
mldv2_records(struct ctx *c, const struct span *s, uint32_t length,
    unsigned int ngroups)
{
	unsigned int k, j, type, nsrcs;
	const char *name;
	size_t g = 8;

	for (k = 0; k < ngroups; k++) {
		if (length < g + 20) {
			nd_puts(c, " [invalid number of groups]");
			return;
		}
		if (!has(s, g, 20)) {
			nd_trunc(c, "icmp6");
			return;
		}
		nd_puts(c, " [gaddr ");
		nd_put_ip(c, 6, s->p + g + 4);
		(void)get_u8(s, g, &type);
		if ((name = nd_tok_str(mldv2_types, type)) != NULL)
			nd_putf(c, " %s", name);
		else
			nd_putf(c, "  [v2-report-#%u]", type);
		(void)get_be16(s, g + 2, &nsrcs);
		if (length < g + 20 + (size_t)nsrcs * 16) {
			nd_putf(c, " [invalid number of sources %u]", nsrcs);
			return;
		}
		if (nd_vflag(c) == 1)
			nd_putf(c, ", %u source(s)", nsrcs);
		else {
			nd_puts(c, " {");
			for (j = 0; j < nsrcs; j++) {
				if (!has(s, g + 20 + (size_t)j * 16, 16)) {
					nd_trunc(c, "icmp6");
					return;
				}
				nd_put(c, " ", 1);
				nd_put_ip(c, 6, s->p + g + 20 + (size_t)j * 16);
			}
			nd_puts(c, " }");
		}
		g += 20 + (size_t)nsrcs * 16;
		nd_puts(c, "]");
	}
}

/* -v: an MLDv2 query's maximum response delay, decoded (RFC 3810
 * 5.1.3). */
static unsigned int
mldv2_mrt(unsigned int mrc)
{
	if (mrc < 32768)
		return mrc;
	return ((mrc & 0x0fff) | 0x1000) << (((mrc & 0x7000) >> 12) + 3);
}

/* -v: its flags, robustness and query interval (5.1.7 to 5.1.9). */
static void
mldv2_query_fields(struct ctx *c, const struct span *s)
{
	unsigned int f, q;

	(void)get_u8(s, 24, &f);
	(void)get_u8(s, 25, &q);
	if (f & 0x08)
		nd_puts(c, " sflag");
	if (f & 0x07)
		nd_putf(c, " robustness=%u", f & 0x07);
	if (q >= 128)
		q = ((q & 0x0f) | 0x10) << (((q & 0x70) >> 4) + 3);
	nd_putf(c, " qqi=%u", q);
}

void
nd_print_icmp6(struct ctx *c, const struct span *s, uint32_t length,
    const struct ipinfo *ip)
{
	unsigned int type, code, v1, v2, proto;
	const unsigned char *a, *b;
	const char *name;
	uint32_t v32;
	size_t at;
	int vflag = nd_vflag(c);

	if (length == 0) {
		nd_puts(c, "ICMP6, length 0 (invalid)");
		c->truncated = true;
		return;
	}
	if (vflag && !ip->fragmented && has(s, 0, length)) {
		unsigned int sum = nd_ip_cksum(ip, ND_IPPROTO_ICMPV6, s->p,
		    length);

		(void)get_be16(s, 2, &v1);
		if (sum != 0)
			nd_putf(c, "[bad icmp6 cksum 0x%04x -> 0x%04x!] ", v1,
			    nd_cksum_shouldbe(v1, sum));
		else
			nd_puts(c, "[icmp6 sum ok] ");
	}
	if (!get_u8(s, 0, &type)) {
		nd_trunc(c, "icmp6");
		return;
	}
	name = icmp6_name(type);
	nd_puts(c, "ICMP6, ");
	if (name != NULL)
		nd_puts(c, name);
	else
		nd_putf(c, "unknown icmp6 type (%u)", type);
	/* -v moves the length of these forward, before their options. */
	if (vflag && ((type >= 133 && type <= 137) || type == 145 ||
	    type == 147))
		nd_putf(c, ", length %u", length);
	if (!get_u8(s, 1, &code))
		goto trunc;
	nd_j_open(c, "icmp6");
	nd_j_uint(c, "type", type);
	nd_j_uint(c, "code", code);
	nd_j_close(c);
	switch (type) {
	case 1:
		switch (code) {
		case 0: nd_puts(c, ", unreachable route"); break;
		case 1: nd_puts(c, ",  unreachable prohibited"); break;
		case 2: nd_puts(c, ", beyond scope"); break;
		case 3: nd_puts(c, ", unreachable address"); break;
		case 4: nd_puts(c, ", unreachable port"); break;
		default: nd_putf(c, ", unknown unreach code (%u)", code); break;
		}
		switch (code) {
		case 0: case 1: case 3:
			if ((a = get_bytes(s, 8 + 24, 16)) == NULL)
				goto trunc;
			nd_put(c, " ", 1);
			nd_put_ip(c, 6, a);
			break;
		case 2:
			if ((a = get_bytes(s, 8 + 24, 16)) == NULL ||
			    (b = get_bytes(s, 8 + 8, 16)) == NULL)
				goto trunc;
			nd_put(c, " ", 1);
			nd_put_ip(c, 6, a);
			nd_puts(c, ", source address ");
			nd_put_ip(c, 6, b);
			break;
		case 4:
			if ((a = get_bytes(s, 8 + 24, 16)) == NULL ||
			    !inner_upper(s, 8, &proto, &at) ||
			    !get_be16(s, at + 2, &v1))
				goto trunc;
			nd_put(c, ", ", 2);
			nd_put_ip(c, 6, a);
			if (proto == ND_IPPROTO_TCP || proto == ND_IPPROTO_UDP)
				nd_putf(c, " %s port %u", proto ==
				    ND_IPPROTO_TCP ? "tcp" : "udp", v1);
			else
				nd_putf(c, " protocol %u port %u unreachable",
				    proto, v1);
			break;
		default:
			break;
		}
		break;
	case 2:
		if (!get_be32(s, 4, &v32))
			goto trunc;
		nd_puts(c, ", mtu ");
		nd_putu(c, v32);
		break;
	case 3:
		if (code == 0) {
			if ((a = get_bytes(s, 8 + 24, 16)) == NULL)
				goto trunc;
			nd_puts(c, " for ");
			nd_put_ip(c, 6, a);
		} else if (code == 1)
			nd_puts(c, " (reassembly)");
		else
			nd_putf(c, ", unknown code (%u)", code);
		break;
	case 4:
		if (get_bytes(s, 8 + 24, 16) == NULL || !get_be32(s, 4, &v32))
			goto trunc;
		switch (code) {
		case 0: nd_putf(c, ", erroneous - octet %u", v32); break;
		case 1: nd_putf(c, ", next header - octet %u", v32); break;
		case 2: nd_putf(c, ", option - octet %u", v32); break;
		case 3: nd_putf(c, ", incomplete header chain - octet %u", v32);
			break;
		default: nd_putf(c, ", code-#%u", code); break;
		}
		break;
	case 128:
	case 129:
		if (!get_be16(s, 4, &v1) || !get_be16(s, 6, &v2))
			goto trunc;
		nd_putf(c, ", id %u, seq %u", v1, v2);
		break;
	case 130:
		if (length >= 28) {
			/* MLDv2 (RFC 3810): the group, and how many
			 * sources. */
			if (!get_be16(s, 4, &v2) ||
			    (a = get_bytes(s, 8, 16)) == NULL ||
			    !get_be16(s, 26, &v1))
				goto trunc;
			nd_puts(c, " v2");
			if (vflag)
				nd_putf(c, " [max resp delay=%u]",
				    mldv2_mrt(v2));
			nd_puts(c, " [gaddr ");
			nd_put_ip(c, 6, a);
			if (vflag)
				mldv2_query_fields(c, s);
			if (v1 > 0 && length < 28 + (uint32_t)v1 * 16)
				nd_puts(c, " [invalid number of sources]");
			else if (v1 > 0 && vflag > 1) {
				nd_puts(c, " {");
				for (at = 0; at < v1; at++) {
					if ((a = get_bytes(s, 28 + at * 16,
					    16)) == NULL)
						goto trunc;
					nd_put(c, " ", 1);
					nd_put_ip(c, 6, a);
				}
				nd_puts(c, " }");
			} else if (v1 > 0)
				nd_putf(c, ", %u source(s)", v1);
			nd_puts(c, "]");
			break;
		}
		if (length != 24) {
			nd_putf(c, " unknown-version (len %u) ", length);
			break;
		}
		/* FALLTHROUGH */
	case 131:
	case 132:
		if (!get_be16(s, 4, &v1) || (a = get_bytes(s, 8, 16)) == NULL)
			goto trunc;
		nd_putf(c, "max resp delay: %u addr: ", v1);
		nd_put_ip(c, 6, a);
		break;
	case 133:
		if (vflag && !nd_options(c, s, 8, (long)length - 8))
			goto trunc;
		break;
	case 134:
		if (!vflag)
			break;
		if (!get_u8(s, 4, &v1) || !get_u8(s, 5, &v2) ||
		    !get_be32(s, 8, &v32))
			goto trunc;
		nd_putf(c, "\n\thop limit %u, Flags [", v1);
		nd_put_bits(c, ra_flags, v2, ", ", "none");
		nd_putf(c, "], pref %s", rtpref(v2));
		if (!get_be16(s, 6, &v1))
			goto trunc;
		nd_putf(c, ", router lifetime %us, reachable time %ums", v1,
		    v32);
		if (!get_be32(s, 12, &v32))
			goto trunc;
		nd_putf(c, ", retrans timer %ums", v32);
		if (!nd_options(c, s, 16, (long)length - 16))
			goto trunc;
		break;
	case 135:
	case 136:
		if ((a = get_bytes(s, 8, 16)) == NULL)
			goto trunc;
		nd_puts(c, type == 135 ? ", who has " : ", tgt is ");
		nd_put_ip(c, 6, a);
		if (vflag && type == 136) {
			(void)get_be32(s, 4, &v32);
			nd_puts(c, ", Flags [");
			nd_put_bits(c, na_flags, v32, ", ", "none");
			nd_puts(c, "]");
		}
		if (vflag && !nd_options(c, s, 24, (long)length - 24))
			goto trunc;
		break;
	case 137:
		if ((a = get_bytes(s, 8, 16)) == NULL ||
		    (b = get_bytes(s, 24, 16)) == NULL)
			goto trunc;
		nd_put(c, ", ", 2);
		nd_put_ip(c, 6, b);
		nd_puts(c, " to ");
		nd_put_ip(c, 6, a);
		if (vflag && !nd_options(c, s, 40, (long)length - 40))
			goto trunc;
		break;
	case 155:
		/* RPL (RFC 6550): the message, not its fields. */
		if (code & 0x80) {
			nd_puts(c, ", (SEC) [worktodo]");
			break;
		}
		nd_puts(c, ", (CLR)");
		switch (code) {
		case 0: nd_puts(c, "DODAG Information Solicitation"); break;
		case 1: nd_puts(c, "DODAG Information Object"); break;
		case 2: nd_puts(c, "Destination Advertisement Object"); break;
		case 3: nd_puts(c, "Destination Advertisement Object Ack");
			break;
		default: nd_putf(c, "RPL message, unknown code %u", code);
			break;
		}
		break;
	case 143:
		if (length < 8) {
			nd_putf(c, " [invalid len %u]", length);
			return;
		}
		if (!get_be16(s, 6, &v1))
			goto trunc;
		nd_putf(c, ", %u group record(s)", v1);
		if (vflag)
			mldv2_records(c, s, length, v1);
		break;
	default:
		break;
	}
	/* tcpdump's print of a type it does not know: its bytes. */
	if (name == NULL) {
		nd_putf(c, ", length %u", length);
		if (vflag <= 1)
			nd_hex_print(c, s->p, s->n < length ? s->n : length);
	} else if (!vflag)
		nd_putf(c, ", length %u", length);
	return;
trunc:
	nd_trunc(c, "icmp6");
}

