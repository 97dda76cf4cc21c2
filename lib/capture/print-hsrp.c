/*
 * print-hsrp.c - Cisco's Hot Standby Router Protocol (RFC 2281) on UDP
 * port 1985: the message, the state, the group and the virtual address,
 * as tcpdump prints them without -v.
 */
#include <stdint.h>

#include "decode-int.h"

static const struct nd_tok hsrp_states[] = {
	{ 0, "initial" }, { 1, "learn" }, { 2, "listen" }, { 4, "speak" },
	{ 8, "standby" }, { 16, "active" },
	{ 0, NULL },
};

static const char *const hsrp_ops[] = { "hello", "coup", "resign" };

void
nd_print_hsrp(struct ctx *c, const struct span *s, uint32_t length)
{
	unsigned int version, op, state, group, reserved;
	const unsigned char *addr;
	const char *name;

	if (!get_u8(s, 0, &version))
		goto trunc;
	nd_putf(c, "HSRPv%u", version);
	if (version != 0)
		return;
	if (!get_u8(s, 1, &op))
		goto trunc;
	if (op < sizeof(hsrp_ops) / sizeof(hsrp_ops[0]))
		nd_putf(c, "-%s ", hsrp_ops[op]);
	else
		nd_putf(c, "-unknown (%u) ", op);
	nd_putf(c, "%u: ", length);
	if (!get_u8(s, 2, &state))
		goto trunc;
	if ((name = nd_tok_str(hsrp_states, state)) != NULL)
		nd_putf(c, "state=%s ", name);
	else
		nd_putf(c, "state=Unknown (%u) ", state);
	if (!get_u8(s, 6, &group))
		goto trunc;
	nd_putf(c, "group=%u ", group);
	if (!get_u8(s, 7, &reserved))
		goto trunc;
	if (reserved != 0)
		nd_putf(c, "[reserved=%u!] ", reserved);
	if ((addr = get_bytes(s, 16, 4)) == NULL)
		goto trunc;
	nd_puts(c, "addr=");
	nd_put_ip(c, 4, addr);
	return;
trunc:
	nd_trunc_longjmp(c, "hsrp");
}
