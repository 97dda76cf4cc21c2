/*
 * print-pim.c - PIM (RFC 7761, RFC 5015): the version and the message
 * type, as tcpdump prints them without -v.
 */
#include <stdint.h>

#include "decode-int.h"

static const struct nd_tok pimv2_types[] = {
	{ 0, "Hello" },
	{ 1, "Register" },
	{ 2, "Register Stop" },
	{ 3, "Join / Prune" },
	{ 4, "Bootstrap" },
	{ 5, "Assert" },
	{ 6, "Graft" },
	{ 7, "Graft Acknowledgement" },
	{ 8, "Candidate RP Advertisement" },
	{ 9, "Prune Refresh" },
	{ 10, "DF Election" },
	{ 11, "ECMP Redirect" },
	{ 0, NULL },
};

void
nd_print_pim(struct ctx *c, const struct span *s, uint32_t length,
    const struct ipinfo *ip)
{
	unsigned int tv;
	const char *name;

	(void)ip;
	if (!get_u8(s, 0, &tv)) {
		nd_trunc(c, "pim");
		return;
	}
	if (tv >> 4 != 2) {
		nd_putf(c, "PIMv%u, length %u", tv >> 4, length);
		return;
	}
	name = nd_tok_str(pimv2_types, tv & 15);
	nd_putf(c, "PIMv2, %s, length %u", name != NULL ? name :
	    "Unknown Type", length);
}
