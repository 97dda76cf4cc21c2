/*
 * print-udld.c - Cisco's UniDirectional Link Detection (RFC 5171) on
 * 802.2 LLC/SNAP (Cisco's OUI, protocol id 0x0111): the version, the
 * opcode and the flags, as tcpdump prints them without -v.
 */
#include <stdint.h>

#include "decode-int.h"

#define UDLD_HEADER_LEN	4	/* version and opcode, flags, checksum */

static const struct nd_tok udld_codes[] = {
	{ 0x01, "Probe message" }, { 0x02, "Echo message" },
	{ 0x03, "Flush message" }, { 0, NULL },
};

static const struct nd_tok udld_flags[] = {
	{ 0x01, "RT" }, { 0x02, "RSY" }, { 0x04, "MBZ-2" }, { 0x08, "MBZ-3" },
	{ 0x10, "MBZ-4" }, { 0x20, "MBZ-5" }, { 0x40, "MBZ-6" },
	{ 0x80, "MBZ-7" }, { 0, NULL },
};

void
nd_print_udld(struct ctx *c, const struct span *s, uint32_t length)
{
	unsigned int b0, flags, code;
	const char *name;

	if (length < UDLD_HEADER_LEN) {
		nd_puts(c, " (invalid)");
		return;
	}
	if (!get_u8(s, 0, &b0) || !get_u8(s, 1, &flags)) {
		nd_trunc_longjmp(c, "udld");
		return;
	}
	code = b0 & 0x1f;
	name = nd_tok_str(udld_codes, code);
	nd_putf(c, "UDLDv%u, Code %s (%x), Flags [", b0 >> 5,
	    name != NULL ? name : "Reserved", code);
	nd_put_bits(c, udld_flags, flags, ", ", "none");
	nd_putf(c, "] (0x%02x), length %u", flags, length);
}
