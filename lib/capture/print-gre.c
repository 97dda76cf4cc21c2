/*
 * print-gre.c - GRE version 0 (RFC 2784, 2890): the key and sequence
 * number, the length, then the packet it carries (IPv4, IPv6, or an
 * Ethernet frame: transparent Ethernet bridging), as tcpdump prints them;
 * with -v the flags and the checksum too.
 */
#include <stdint.h>
#include <stdio.h>

#include "decode-int.h"

#define GRE_CP		0x8000	/* checksum present */
#define GRE_RP		0x4000	/* routing present */
#define GRE_KP		0x2000	/* key present */
#define GRE_SP		0x1000	/* sequence number present */
#define GRE_SRCRT	0x0800	/* strict source route (RFC 1701) */
#define GRE_AP		0x0080	/* acknowledgment present (RFC 2637) */
#define GRE_VERS_MASK	0x0007

#define ETHERTYPE_TEB	0x6558	/* transparent Ethernet bridging */

/* The flags -v names, in tcpdump's words. */
static const struct nd_tok gre_flags[] = {
	{ GRE_CP, "checksum present" },
	{ GRE_RP, "routing present" },
	{ GRE_KP, "key present" },
	{ GRE_SP, "sequence# present" },
	{ GRE_SRCRT, "source routing present" },
	{ GRE_AP, "ack present" },
	{ 0, NULL }
};

void
nd_print_gre(struct ctx *c, const struct span *s, uint32_t length,
    const struct ipinfo *ip)
{
	unsigned int flags, prot, v;
	uint32_t len = length, v32;
	size_t off = 4, net_off;
	struct span rest;

	(void)ip;
	if (!get_be16(s, 0, &flags) || len < 2)
		goto trunc;
	nd_putf(c, "GREv%u", flags & GRE_VERS_MASK);
	if ((flags & GRE_VERS_MASK) != 0) {
		if ((flags & GRE_VERS_MASK) != 1)
			nd_puts(c, " ERROR: unknown-version");
		else
			nd_trunc(c, "gre");
		return;
	}
	if (nd_vflag(c)) {
		nd_puts(c, ", Flags [");
		nd_put_bits(c, gre_flags, flags, ", ", "none");
		nd_put(c, "]", 1);
	}
	if (!get_be16(s, 2, &prot) || len < 4)
		goto trunc;
	len -= 4;
	if (flags & (GRE_CP | GRE_RP)) {
		if (!get_be16(s, off, &v) || len < 2)
			goto trunc;
		if (nd_vflag(c))
			nd_putf(c, ", sum 0x%x", v);
		if (!get_be16(s, off + 2, &v) || len < 4)
			goto trunc;
		nd_putf(c, ", off 0x%x", v);
		off += 4;
		len -= 4;
	}
	if (flags & GRE_KP) {
		if (!get_be32(s, off, &v32) || len < 4)
			goto trunc;
		nd_putf(c, ", key=0x%x", v32);
		off += 4;
		len -= 4;
	}
	if (flags & GRE_SP) {
		if (!get_be32(s, off, &v32) || len < 4)
			goto trunc;
		nd_putf(c, ", seq %u", v32);
		off += 4;
		len -= 4;
	}
	if (flags & GRE_RP)	/* source routes: not decoded */
		goto trunc;
	if (nd_eflag(c))
		nd_putf(c, ", proto %s (0x%04x)",
		    nd_ethertype_name(prot, "unknown"), prot);
	/* With -v, what it carries goes on a line of its own. */
	nd_putf(c, ", length %u%s", length, nd_vflag(c) ? "\n\t" : ": ");
	rest = sub(s, off, SIZE_MAX);
	switch (prot) {
	case ETHERTYPE_IP:
		nd_print_ip(c, &rest, len);
		break;
	case ETHERTYPE_IPV6:
		nd_print_ip6(c, &rest, len);
		break;
	case ETHERTYPE_TEB:
		/* The frame inside; -x still dumps from the outer IP. */
		net_off = c->net_off;
		nd_print_ether(c, &rest, len);
		c->net_off = net_off;
		break;
	default:
		nd_putf(c, "gre-proto-0x%x", prot);
		break;
	}
	return;
trunc:
	nd_trunc(c, "gre");
}
