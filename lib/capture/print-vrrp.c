/*
 * print-vrrp.c - VRRP versions 2 and 3 (RFC 3768, RFC 9568): the type,
 * the router's id and priority, the interval, as tcpdump prints them
 * without -v, and the TTL when it is not the 255 the protocol demands.
 */
#include <stdint.h>

#include "decode-int.h"

#define VRRP_TYPE_ADVERTISEMENT	1

static const struct nd_tok vrrp_auth[] = {
	{ 0, "none" },
	{ 1, "simple" },
	{ 2, "ah" },
	{ 0, NULL },
};

void
nd_print_vrrp(struct ctx *c, const struct span *s, uint32_t length,
    const struct ipinfo *ip)
{
	unsigned int vt, version, type, vrid, prio, a4, a5;
	const char *auth;

	nd_puts(c, "VRRP");
	if (!get_u8(s, 0, &vt))
		goto trunc;
	version = vt >> 4;
	type = vt & 15;
	if (type == VRRP_TYPE_ADVERTISEMENT)
		nd_putf(c, "v%u, Advertisement", version);
	else
		nd_putf(c, "v%u, unknown type (%u)", version, type);
	if (ip->ttl != 255)
		nd_putf(c, ", (ttl %u)", ip->ttl);
	if (version < 2 || version > 3 || type != VRRP_TYPE_ADVERTISEMENT)
		return;
	if (!get_u8(s, 1, &vrid))
		goto trunc;
	nd_putf(c, ", vrid %u", vrid);
	if (!get_u8(s, 2, &prio))
		goto trunc;
	nd_putf(c, ", prio %u", prio);
	if (!get_u8(s, 4, &a4))
		goto trunc;
	if (version == 2) {
		auth = nd_tok_str(vrrp_auth, a4);
		if (auth != NULL)
			nd_putf(c, ", authtype %s", auth);
		else
			nd_putf(c, ", authtype #%u", a4);
		if (!get_u8(s, 5, &a5))
			goto trunc;
		nd_putf(c, ", intvl %us, length %u", a5, length);
	} else {
		if (!get_u8(s, 5, &a5))
			goto trunc;
		nd_putf(c, ", intvl %ucs, length %u", (a4 & 15) << 8 | a5,
		    length);
	}
	return;
trunc:
	nd_trunc_longjmp(c, "vrrp");
}
