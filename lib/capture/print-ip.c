/*
 * print-ip.c - IPv4 (RFC 791): the header (options skipped, fragments),
 * then the protocol it carries, through a table from IP protocol number to
 * printer shared with IPv6.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "decode-int.h"

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

void
nd_print_ip(struct ctx *c, const struct span *s0, uint32_t length)
{
	unsigned int vhl, len, off, proto, ttl, id, tos;
	struct ipinfo ip = { 4, NULL, NULL, true, false, 0 };
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
		nd_putf(c, "ip v%u", v >> 4);
}

