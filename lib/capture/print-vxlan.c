/*
 * print-vxlan.c - VXLAN (RFC 7348) on UDP port 4789: the flags and the
 * network identifier, then, on the next line, the Ethernet frame inside,
 * as tcpdump prints them.
 */
#include <stdint.h>
#include <stdio.h>

#include "decode-int.h"

#define VXLAN_HDR_LEN	8
#define VXLAN_FLAG_I	0x08	/* the VNI is valid */

void
nd_print_vxlan(struct ctx *c, const struct span *s, uint32_t len)
{
	unsigned int flags;
	uint32_t vni;
	size_t net_off;
	struct span frame;

	nd_puts(c, "VXLAN");
	if (len < VXLAN_HDR_LEN) {
		nd_puts(c, " (invalid)");
		return;
	}
	if (!get_u8(s, 0, &flags))
		goto trunc;
	nd_putf(c, ", flags [%s] (0x%02x), ",
	    flags & VXLAN_FLAG_I ? "I" : "invalid", flags);
	if (!get_be32(s, 4, &vni))
		goto trunc;
	nd_putf(c, "vni %u\n", vni >> 8);
	frame = sub(s, VXLAN_HDR_LEN, SIZE_MAX);
	/* -x still dumps from the outer network layer. */
	net_off = c->net_off;
	nd_print_ether(c, &frame, len - VXLAN_HDR_LEN);
	c->net_off = net_off;
	return;
trunc:
	nd_trunc(c, "vxlan");
}
