/*
 * print-ip.c - IPv4 (RFC 791): the header (with -v its fields, options
 * and checksum), then the protocol it carries, through a table from IP
 * protocol number to printer shared with IPv6.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "decode-int.h"

/* IPv4 options (RFC 791, 1393, 2113). */
#define IPOPT_EOL	0
#define IPOPT_NOP	1
#define IPOPT_RR	7
#define IPOPT_TS	68
#define IPOPT_RFC1393	82
#define IPOPT_SECURITY	130
#define IPOPT_LSRR	131
#define IPOPT_SSRR	137
#define IPOPT_RA	148

/* The timestamp option's flags (its fourth byte's low half). */
#define IPOPT_TS_TSONLY		0
#define IPOPT_TS_TSANDADDR	1
#define IPOPT_TS_PRESPEC	3

/* The fragment field's flags. */
#define IP_RES		0x8000
#define IP_DF		0x4000
#define IP_MF		0x2000
#define IP_OFFMASK	0x1fff

static const struct nd_tok ipopt_names[] = {
	{ IPOPT_EOL, "EOL" },
	{ IPOPT_NOP, "NOP" },
	{ IPOPT_TS, "timestamp" },
	{ IPOPT_SECURITY, "security" },
	{ IPOPT_RR, "RR" },
	{ IPOPT_SSRR, "SSRR" },
	{ IPOPT_LSRR, "LSRR" },
	{ IPOPT_RA, "RA" },
	{ IPOPT_RFC1393, "traceroute" },
	{ 0, NULL }
};

static const struct nd_tok ipfrag_flags[] = {
	{ IP_MF, "+" },
	{ IP_DF, "DF" },
	{ IP_RES, "rsvd" },
	{ 0, NULL }
};

/* The IP protocol names -v prints ("proto TCP (6)"), tcpdump's. */
static const struct nd_tok ipproto_names[] = {
	{ ND_IPPROTO_HOPOPTS, "Options" },
	{ ND_IPPROTO_ICMP, "ICMP" },
	{ ND_IPPROTO_IGMP, "IGMP" },
	{ ND_IPPROTO_IPIP, "IPIP" },
	{ ND_IPPROTO_TCP, "TCP" },
	{ 8, "EGP" },
	{ 9, "IGRP" },
	{ ND_IPPROTO_UDP, "UDP" },
	{ ND_IPPROTO_DCCP, "DCCP" },
	{ ND_IPPROTO_IPV6, "IPv6" },
	{ ND_IPPROTO_ROUTING, "Routing" },
	{ ND_IPPROTO_FRAGMENT, "Fragment" },
	{ 46, "RSVP" },
	{ ND_IPPROTO_GRE, "GRE" },
	{ ND_IPPROTO_ESP, "ESP" },
	{ ND_IPPROTO_AH, "AH" },
	{ 55, "Mobile IP" },
	{ ND_IPPROTO_ICMPV6, "ICMPv6" },
	{ 62, "Mobile IP (old)" },
	{ ND_IPPROTO_EIGRP, "EIGRP" },
	{ ND_IPPROTO_OSPF, "OSPF" },
	{ ND_IPPROTO_PIM, "PIM" },
	{ 108, "Compressed IP" },
	{ ND_IPPROTO_VRRP, "VRRP" },
	{ 113, "PGM" },
	{ ND_IPPROTO_SCTP, "SCTP" },
	{ 135, "Mobility" },
	{ 143, "Ethernet" },
	{ 0, NULL }
};

const char *
nd_ipproto_name(unsigned int proto)
{
	const char *name = nd_tok_str(ipproto_names, proto);

	return name != NULL ? name : "unknown";
}

static void
print_nonext(struct ctx *c, const struct span *s, uint32_t length,
    const struct ipinfo *ip)
{
	(void)s;
	(void)length;
	(void)ip;
	nd_puts(c, "no next header");
}

static void
print_ipip(struct ctx *c, const struct span *s, uint32_t length,
    const struct ipinfo *ip)
{
	(void)ip;
	nd_print_ip(c, s, length);
}

static void
print_ip6ip(struct ctx *c, const struct span *s, uint32_t length,
    const struct ipinfo *ip)
{
	(void)ip;
	nd_print_ip6(c, s, length);
}

/*
 * From IP protocol number to printer, for IPv4 and IPv6 alike.  A printer
 * marked "ports" writes the addresses itself, with its ports, as
 * "a.port > b.port: "; before any other the IP layer writes "a > b: ".
 */
static const struct ipproto {
	unsigned int proto;
	nd_ipproto_printer *print;
	bool ports;
} ipprotos[] = {
	{ ND_IPPROTO_ICMP, nd_print_icmp, false },
	{ ND_IPPROTO_IGMP, nd_print_igmp, false },
	{ ND_IPPROTO_IPIP, print_ipip, false },
	{ ND_IPPROTO_TCP, nd_print_tcp, true },
	{ ND_IPPROTO_UDP, nd_print_udp, true },
	{ ND_IPPROTO_DCCP, nd_print_dccp, true },
	{ ND_IPPROTO_IPV6, print_ip6ip, false },
	{ ND_IPPROTO_GRE, nd_print_gre, false },
	{ ND_IPPROTO_ESP, nd_print_esp, false },
	{ ND_IPPROTO_AH, nd_print_ah, false },
	{ ND_IPPROTO_ICMPV6, nd_print_icmp6, false },
	{ ND_IPPROTO_NONE, print_nonext, false },
	{ ND_IPPROTO_EIGRP, nd_print_eigrp, false },
	{ ND_IPPROTO_OSPF, nd_print_ospf, false },
	{ ND_IPPROTO_PIM, nd_print_pim, false },
	{ ND_IPPROTO_VRRP, nd_print_vrrp, false },
	{ ND_IPPROTO_SCTP, nd_print_sctp, true },
};

static const struct ipproto *
ipproto_find(unsigned int proto)
{
	size_t i;

	for (i = 0; i < sizeof(ipprotos) / sizeof(ipprotos[0]); i++)
		if (ipprotos[i].proto == proto)
			return &ipprotos[i];
	return NULL;
}

void
nd_print_ipproto(struct ctx *c, unsigned int proto, const struct span *s,
    uint32_t length, const struct ipinfo *ip)
{
	const struct ipproto *e = ipproto_find(proto);

	if (e != NULL && e->print != NULL)
		e->print(c, s, length, ip);
	else
		nd_putf(c, " ip-proto-%u %u", proto, length);
}

bool
nd_ipproto_addrs_first(unsigned int proto)
{
	const struct ipproto *e = ipproto_find(proto);

	return e == NULL || !e->ports;
}

/* How the options ended: all printed, or cut short inside the bytes the
 * header claims (the line goes on), or past the bytes captured (the
 * packet's line ends there). */
enum ipopt_end { IPOPT_DONE, IPOPT_CUT, IPOPT_GONE };

/* A recorded or source route (RR, LSRR, SSRR) of n bytes at o. */
static enum ipopt_end
ip_route(struct ctx *c, const struct span *s, size_t o, unsigned int n)
{
	unsigned int ptr, k;

	if (n < 3) {
		nd_putf(c, " [bad length %u]", n);
		return IPOPT_DONE;
	}
	if ((n + 1) & 3)
		nd_putf(c, " [bad length %u]", n);
	(void)get_u8(s, o + 2, &ptr);
	if (ptr - 1 < 3 || (ptr & 3) || ptr - 1 > n + 1)
		nd_putf(c, " [bad ptr %u]", ptr);
	for (k = 3; k < n; k += 4) {
		if (!has(s, o + k, 4))
			return IPOPT_CUT;
		nd_put(c, " ", 1);
		nd_put_ip(c, 4, s->p + o + k);
		if (ptr - 1 > k)
			nd_put(c, ",", 1);
	}
	return IPOPT_DONE;
}

/* The timestamp option (RFC 791) of n bytes at o. */
static enum ipopt_end
ip_timestamp(struct ctx *c, const struct span *s, size_t o, unsigned int n)
{
	unsigned int ptr, fl, hop, k = 0;
	const char *type;
	uint32_t t;

	if (n < 4) {
		nd_putf(c, "[bad length %u]", n);
		return IPOPT_DONE;
	}
	nd_puts(c, " TS{");
	(void)get_u8(s, o + 2, &ptr);
	(void)get_u8(s, o + 3, &fl);
	hop = (fl & 15) != IPOPT_TS_TSONLY ? 8 : 4;
	if ((n - 4) & (hop - 1))
		nd_putf(c, "[bad length %u]", n);
	if (ptr - 1 < 4 || ((ptr - 1 - 4) & (hop - 1)) || ptr - 1 > n + 1)
		nd_putf(c, "[bad ptr %u]", ptr);
	ptr--;
	switch (fl & 15) {
	case IPOPT_TS_TSONLY:
		nd_puts(c, "TSONLY");
		break;
	case IPOPT_TS_TSANDADDR:
		nd_puts(c, "TS+ADDR");
		break;
	case IPOPT_TS_PRESPEC:
		nd_puts(c, "PRESPEC");
		break;
	default:
		nd_putf(c, "[bad ts type %u]", fl & 15);
		goto done;
	}
	type = " ";
	for (k = 4; k < n; k += hop) {
		if (ptr == k)
			type = " ^ ";
		if (!has(s, o + k, hop))
			return IPOPT_CUT;
		(void)get_be32(s, o + k + hop - 4, &t);
		nd_putf(c, "%s%u@", type, t);
		if (hop == 8)
			nd_put_ip(c, 4, s->p + o + k);
		type = " ";
	}
done:
	nd_puts(c, ptr == k ? " ^ " : "");
	if (fl >> 4)
		nd_putf(c, " [%u hops not recorded]} ", fl >> 4);
	else
		nd_puts(c, "}");
	return IPOPT_DONE;
}

/* The options, the n bytes at o (tcpdump's ip_optprint). */
static enum ipopt_end
ip_options(struct ctx *c, const struct span *s, size_t o, unsigned int n)
{
	const char *sep = "";
	unsigned int code, len, v;
	enum ipopt_end r;

	for (; n > 0; o += len, n -= len) {
		nd_puts(c, sep);
		sep = ",";
		if (!get_u8(s, o, &code))
			return IPOPT_GONE;
		if (nd_tok_str(ipopt_names, code) != NULL)
			nd_puts(c, nd_tok_str(ipopt_names, code));
		else
			nd_putf(c, "unknown %u", code);
		if (code == IPOPT_NOP || code == IPOPT_EOL)
			len = 1;
		else {
			if (!get_u8(s, o + 1, &len))
				return IPOPT_GONE;
			if (len < 2) {
				nd_putf(c, " [bad length %u]", len);
				return IPOPT_DONE;
			}
		}
		if (len > n) {
			nd_putf(c, " [bad length %u]", len);
			return IPOPT_DONE;
		}
		if (!has(s, o, len))
			return IPOPT_CUT;
		r = IPOPT_DONE;
		switch (code) {
		case IPOPT_EOL:
			return IPOPT_DONE;
		case IPOPT_TS:
			r = ip_timestamp(c, s, o, len);
			break;
		case IPOPT_RR:
		case IPOPT_SSRR:
		case IPOPT_LSRR:
			r = ip_route(c, s, o, len);
			break;
		case IPOPT_RA:
			if (len < 4) {
				nd_putf(c, " [bad length %u]", len);
				break;
			}
			(void)get_be16(s, o + 2, &v);
			if (v != 0)
				nd_putf(c, " value %u", v);
			break;
		default:
			break;
		}
		if (r != IPOPT_DONE)
			return r;
	}
	return IPOPT_DONE;
}

/*
 * The destination the transport checksum counts: the last address of a
 * loose or strict source route among the options, else the header's.
 */
static const unsigned char *
ip_finddst(const struct span *s, size_t hlen)
{
	unsigned int code, len;
	size_t o;

	for (o = 20; o < hlen; o += len) {
		if (!get_u8(s, o, &code) || code == IPOPT_EOL)
			break;
		if (code == IPOPT_NOP)
			len = 1;
		else if (!get_u8(s, o + 1, &len) || len < 2)
			break;
		if (hlen - o < len || !has(s, o, len))
			break;
		if ((code == IPOPT_SSRR || code == IPOPT_LSRR) && len >= 7)
			return s->p + o + len - 4;
	}
	return s->p + 16;
}

/*
 * -v: "(tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto TCP (6),
 * length 60)", the options and a bad checksum inside, then the line
 * breaks.  False when the line ended here (options cut short).
 */
static bool
ip_verbose(struct ctx *c, const struct span *s, size_t hlen,
    const struct ipinfo *ip)
{
	static const char *const ecn[] = { "", ",ECT(1)", ",ECT(0)", ",CE" };
	unsigned int tos, ttl, id, off, proto, len, field;
	enum ipopt_end r = IPOPT_DONE;

	(void)get_u8(s, 1, &tos);
	(void)get_be16(s, 2, &len);
	(void)get_be16(s, 4, &id);
	(void)get_be16(s, 6, &off);
	(void)get_u8(s, 8, &ttl);
	(void)get_u8(s, 9, &proto);
	nd_putf(c, "(tos 0x%x%s", tos, ecn[tos & 3]);
	if (ttl >= 1)
		nd_putf(c, ", ttl %u", ttl);
	nd_putf(c, ", id %u, offset %u, flags [", id, (off & IP_OFFMASK) * 8);
	nd_put_bits(c, ipfrag_flags, off & (IP_RES | IP_DF | IP_MF), ", ",
	    "none");
	nd_putf(c, "], proto %s (%u), length %u", nd_ipproto_name(proto),
	    proto, len);
	if (hlen > 20) {
		nd_puts(c, ", options (");
		r = ip_options(c, s, 20, (unsigned int)hlen - 20);
		if (r == IPOPT_GONE) {
			nd_trunc(c, "ip");
			return false;
		}
		if (r == IPOPT_CUT)
			nd_puts(c, " [truncated-option]");
		nd_puts(c, ")");
	}
	if (has(s, 0, hlen)) {
		unsigned int sum = nd_cksum_fold(nd_cksum_add(0, s->p, hlen));

		if (sum != 0) {
			(void)get_be16(s, 10, &field);
			nd_putf(c, ", bad cksum %x (->%x)!", field,
			    nd_cksum_shouldbe(field, sum));
		}
	}
	nd_puts(c, ")\n    ");
	if (r == IPOPT_CUT) {
		nd_put_addrs(c, ip);
		nd_puts(c, ": ");
		nd_trunc(c, "ip");
		return false;
	}
	return true;
}

void
nd_print_ip(struct ctx *c, const struct span *s0, uint32_t length)
{
	unsigned int vhl, len, off, proto, ttl, id, tos;
	struct ipinfo ip = { .version = 4, .direct = true };
	struct span s, payload;
	size_t hlen;

	if (!get_u8(s0, 0, &vhl)) {
		nd_trunc(c, "ip");
		return;
	}
	if (vhl >> 4 != 4) {
		if (vhl >> 4 == 6)
			nd_puts(c, "IP6, wrong link-layer encapsulation");
		else
			nd_putf(c, "IP%u", vhl >> 4);
		nd_puts(c, " (invalid)");
		c->truncated = true;
		return;
	}
	if (!nd_eflag(c))
		nd_puts(c, "IP ");
	if (!has(s0, 0, 20)) {
		nd_trunc(c, "ip");
		return;
	}
	if (length < 20) {
		nd_putf(c, "truncated-ip %u", length);
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
	ip.ttl = ttl;
	ip.src = s0->p + 12;
	ip.dst = s0->p + 16;
	if (hlen < 20) {
		nd_putf(c, "bad-hlen %zu", hlen);
		c->truncated = true;
		return;
	}
	if (length < len) {
		nd_putf(c, "truncated-ip - %u bytes missing! ", len - length);
		c->truncated = true;
	}
	if (len < hlen) {
		/* Even 0 (a BIG TCP send): Debian's tcpdump is built
		 * without GUESS_TSO. */
		nd_putf(c, "bad-len %u", len);
		c->truncated = true;
		return;
	}
	if (c->j != NULL) {
		nd_j_open(c, "ip");
		nd_j_addr(c, "src", 4, ip.src);
		nd_j_addr(c, "dst", 4, ip.dst);
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
		nd_j_close(c);
	}
	/* Nothing past the IP datagram belongs to it (Ethernet padding). */
	s = sub(s0, 0, len);
	ip.phdst = hlen > 20 ? ip_finddst(&s, hlen) : ip.dst;
	if (nd_vflag(c) && !ip_verbose(c, &s, hlen, &ip))
		return;
	if (!has(&s, 0, hlen)) {
		nd_put_addrs(c, &ip);
		nd_put(c, ":", 1);
		nd_trunc(c, "ip");
		return;
	}
	payload = sub(&s, hlen, SIZE_MAX);
	if ((off & 0x1fff) != 0) {
		/* Not the first fragment: no transport header here. */
		nd_put_addrs(c, &ip);
		nd_putf(c, ": ip-proto-%u", proto);
		return;
	}
	ip.fragmented = (off & 0x2000) != 0;
	if (nd_ipproto_addrs_first(proto)) {
		nd_put_addrs(c, &ip);
		nd_put(c, ": ", 2);
	}
	nd_print_ipproto(c, proto, &payload, (uint32_t)(len - hlen), &ip);
}


void
nd_print_ip_any(struct ctx *c, const struct span *s, uint32_t len)
{
	unsigned int v;

	if (!get_u8(s, 0, &v)) {
		nd_trunc(c, "ip");
		return;
	}
	if (v >> 4 == 6)
		nd_print_ip6(c, s, len);
	else if (v >> 4 == 4)
		nd_print_ip(c, s, len);
	else
		nd_putf(c, "unknown ip %u", v >> 4);
}

