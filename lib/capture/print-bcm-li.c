/*
 * print-bcm-li.c - the shim of Broadcom's lawful intercept (BCM-LI), on
 * UDP from port 49152: direction, packet type and intercept id, as
 * tcpdump prints them without -v.
 */
#include <stdint.h>

#include "decode-int.h"

#define BCM_LI_SHIM_LEN	4

static const struct nd_tok bcm_li_directions[] = {
	{ 1, "unused" }, { 2, "egress" }, { 3, "ingress" },
	{ 0, NULL },
};

static const struct nd_tok bcm_li_types[] = {
	{ 4, "undecided" }, { 5, "ipv4" }, { 6, "ipv6" }, { 7, "ethernet" },
	{ 0, NULL },
};

static const struct nd_tok bcm_li_subtypes[] = {
	{ 1, "single VLAN tag" }, { 2, "double VLAN tag" }, { 3, "untagged" },
	{ 0, NULL },
};

static const char *
name_or_unknown(const struct nd_tok *t, unsigned int v)
{
	const char *name = nd_tok_str(t, v);

	return name != NULL ? name : "unknown";
}

void
nd_print_bcm_li(struct ctx *c, const struct span *s, uint32_t length)
{
	uint32_t shim;

	if (length < BCM_LI_SHIM_LEN) {
		nd_putf(c, " (length %u < %u) (invalid)", length,
		    BCM_LI_SHIM_LEN);
		return;
	}
	if (!get_be32(s, 0, &shim)) {
		nd_trunc(c, "bcm_li");
		return;
	}
	nd_putf(c, "BCM-LI-SHIM: direction %s, pkt-type %s, pkt-subtype %s, "
	    "li-id %u", name_or_unknown(bcm_li_directions, shim >> 29 & 7),
	    name_or_unknown(bcm_li_types, shim >> 25 & 15),
	    name_or_unknown(bcm_li_subtypes, shim >> 22 & 7),
	    shim & 0x3fffff);
	if (!has(s, BCM_LI_SHIM_LEN, length - BCM_LI_SHIM_LEN))
		nd_trunc(c, "bcm_li");
}
