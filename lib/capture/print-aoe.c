/*
 * print-aoe.c - ATA over Ethernet (EtherType 0x88a2): the length, the
 * version and, for version 1, the flags, as tcpdump prints them without
 * -v.
 */
#include <stdint.h>

#include "decode-int.h"

#define AOE_V1			1
#define AOEV1_COMMON_HDR_LEN	10

static const struct nd_tok aoev1_flags[] = {
	{ 0x08, "Response" }, { 0x04, "Error" }, { 0x02, "MBZ-1" },
	{ 0x01, "MBZ-0" },
	{ 0, NULL },
};

void
nd_print_aoe(struct ctx *c, const struct span *s, uint32_t length)
{
	unsigned int vf;

	nd_putf(c, "AoE length %u", length);
	if (length < 1)
		goto invalid;
	if (!get_u8(s, 0, &vf)) {
		nd_trunc(c, "aoe");
		return;
	}
	nd_putf(c, ", Ver %u", vf >> 4);
	if (vf >> 4 != AOE_V1)
		return;
	if (length < AOEV1_COMMON_HDR_LEN)
		goto invalid;
	nd_puts(c, ", Flags: [");
	nd_put_bits(c, aoev1_flags, vf & 15, ", ", "none");
	nd_put(c, "]", 1);
	return;
invalid:
	nd_puts(c, " (invalid)");
	if (!has(s, 0, length))
		nd_trunc(c, "aoe");
}
