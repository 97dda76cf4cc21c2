/*
 * print-bfd.c - Bidirectional Forwarding Detection (RFC 5880): control
 * packets on UDP ports 3784 (RFC 5881), 4784 (multihop, RFC 5883) and
 * 6784 (LAG, RFC 7130), echo packets on 3785, as tcpdump prints them
 * without -v.
 */
#include <stdint.h>

#include "decode-int.h"

#define BFD_HDR_LEN	24

static const struct nd_tok bfd_v0_flags[] = {
	{ 0x80, "I Hear You" }, { 0x40, "Demand" }, { 0x20, "Poll" },
	{ 0x10, "Final" }, { 0x08, "Control Plane Independent" },
	{ 0x04, "Authentication Present" }, { 0x02, "Reserved" },
	{ 0x01, "Reserved" },
	{ 0, NULL },
};

static const struct nd_tok bfd_v1_flags[] = {
	{ 0x20, "Poll" }, { 0x10, "Final" },
	{ 0x08, "Control Plane Independent" },
	{ 0x04, "Authentication Present" }, { 0x02, "Demand" },
	{ 0x01, "Multipoint" },
	{ 0, NULL },
};

static const char *const bfd_states[] = { "AdminDown", "Down", "Init", "Up" };

static void
print_control(struct ctx *c, const struct span *s, uint32_t length,
    const char *kind)
{
	unsigned int vd, flags;

	if (!has(s, 0, BFD_HDR_LEN)) {
		nd_trunc(c, "bfd");
		return;
	}
	(void)get_u8(s, 0, &vd);
	(void)get_u8(s, 1, &flags);
	switch (vd >> 5) {
	case 0:
		nd_puts(c, "BFDv0, Control, Flags: [");
		nd_put_bits(c, bfd_v0_flags, flags, ", ", "none");
		nd_putf(c, "], length: %u", length);
		break;
	case 1:
		nd_putf(c, "BFDv1, %s, State %s, Flags: [", kind,
		    bfd_states[flags >> 6]);
		nd_put_bits(c, bfd_v1_flags, flags & 0x3f, ", ", "none");
		nd_putf(c, "], length: %u", length);
		break;
	default:
		nd_putf(c, "BFDv%u, Control, length: %u", vd >> 5, length);
		break;
	}
}

void
nd_print_bfd_control(struct ctx *c, const struct span *s, uint32_t length)
{
	print_control(c, s, length, "Control");
}

void
nd_print_bfd_multihop(struct ctx *c, const struct span *s, uint32_t length)
{
	print_control(c, s, length, "Multihop");
}

void
nd_print_bfd_lag(struct ctx *c, const struct span *s, uint32_t length)
{
	print_control(c, s, length, "Lag");
}

void
nd_print_bfd_echo(struct ctx *c, const struct span *s, uint32_t length)
{
	(void)s;
	nd_putf(c, "BFD, Echo, length: %u", length);
}
