/*
 * print-link.c - the link layers of a capture (pcap LINKTYPE_*): Ethernet,
 * raw IP, BSD loopback (DLT_NULL, DLT_LOOP), Linux cooked (SLL, SLL2).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "decode-int.h"

void
nd_print_link(struct ctx *c, int linktype, const struct span *s, uint32_t len)
{
	unsigned int v, proto;
	uint32_t af;
	struct span rest;

	c->net_off = 0;
	switch (linktype) {
	case DLT_EN10MB:
		nd_print_ether(c, s, len);
		return;
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		nd_print_ip_any(c, s, len);
		return;
	case DLT_NULL:
	case DLT_LOOP:
		if (!get_be32(s, 0, &af) || len < 4) {
			c->net_off = s->n;
			nd_trunc(c, "null");
			return;
		}
		/* DLT_NULL is in the byte order of the capturing host. */
		if (linktype == DLT_NULL && (af & 0xffff) == 0)
			af = __builtin_bswap32(af);
		c->net_off = 4;
		rest = sub(s, 4, SIZE_MAX);
		if (af == BSD_AFNUM_INET)
			nd_print_ip(c, &rest, len - 4);
		else if (af == BSD_AFNUM_INET6_LINUX ||
		    af == BSD_AFNUM_INET6_BSD ||
		    af == BSD_AFNUM_INET6_FREEBSD ||
		    af == BSD_AFNUM_INET6_DARWIN)
			nd_print_ip6(c, &rest, len - 4);
		else
			nd_putf(c, "AF %u, length %u", af, len);
		return;
	case DLT_LINUX_SLL:
	case DLT_LINUX_SLL2: {
		size_t hl = linktype == DLT_LINUX_SLL ? 16 : 20;

		if (!has(s, 0, hl) || len < hl ||
		    !get_be16(s, linktype == DLT_LINUX_SLL ? 14 : 0, &proto)) {
			c->net_off = s->n;
			nd_trunc(c, "sll");
			return;
		}
		c->net_off = hl;
		rest = sub(s, hl, SIZE_MAX);
		if (proto <= ETHERTYPE_LEN_MAX)
			nd_putf(c, "linux cooked, protocol 0x%04x, length %u",
			    proto, len);
		else
			nd_print_ethertype(c, proto, &rest, len - (uint32_t)hl,
			    NULL);
		return;
	}
	default:
		(void)v;
		nd_putf(c, "link-type %s, length %u",
		    sk_linktype_name(linktype) != NULL ?
		    sk_linktype_name(linktype) : "unknown", len);
		c->net_off = 0;
		return;
	}
}

/* tcpdump -x: the bytes from the network layer on, 16 to a line. */
