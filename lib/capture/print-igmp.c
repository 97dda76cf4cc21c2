/*
 * print-igmp.c - IGMP (RFC 1112, 2236, 3376): queries of each version,
 * reports and leaves, as tcpdump prints them without -v.  DVMRP, PIMv1
 * and mtrace messages are named, not decoded.
 */
#include <stdint.h>
#include <stdio.h>

#include "decode-int.h"

/* A time in seconds as tcpdump writes one: 1m30s, 2h0m5s. */
static void
put_relts(struct ctx *c, unsigned int secs)
{
	static const struct {
		unsigned int len;
		char unit;
	} units[] = {
		{ 31536000, 'y' }, { 604800, 'w' }, { 86400, 'd' },
		{ 3600, 'h' }, { 60, 'm' }, { 1, 's' },
	};
	size_t i;

	if (secs == 0) {
		nd_puts(c, "0s");
		return;
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (secs >= units[i].len) {
			nd_putf(c, "%u%c", secs / units[i].len, units[i].unit);
			secs %= units[i].len;
		}
}

static bool
v3_query(struct ctx *c, const struct span *s, uint32_t len)
{
	unsigned int mrc, mrt, nsrcs;
	const unsigned char *g;

	nd_puts(c, " v3");
	if (len < 12 || (len & 3) != 0) {
		nd_putf(c, " [invalid len %u]", len);
		return true;
	}
	if (!get_u8(s, 1, &mrc))
		return false;
	mrt = mrc < 128 ? mrc : ((mrc & 0x0f) | 0x10) << (((mrc & 0x70) >> 4) +
	    3);
	if (mrc != 100) {
		nd_puts(c, " [max resp time ");
		if (mrt < 600)
			nd_putf(c, "%u.%us", mrt / 10, mrt % 10);
		else
			put_relts(c, mrt / 10);
		nd_puts(c, "]");
	}
	if ((g = get_bytes(s, 4, 4)) == NULL)
		return false;
	if ((g[0] | g[1] | g[2] | g[3]) == 0)
		return true;
	nd_puts(c, " [gaddr ");
	nd_put_ip(c, 4, g);
	if (!get_be16(s, 10, &nsrcs))
		return false;
	if (nsrcs > 0 && len < 12 + (uint32_t)nsrcs * 4)
		nd_puts(c, " [invalid number of sources]");
	else if (nsrcs > 0)
		nd_putf(c, ", %u source(s)", nsrcs);
	nd_puts(c, "]");
	return true;
}

void
nd_print_igmp(struct ctx *c, const struct span *s, uint32_t len,
    const struct ipinfo *ip)
{
	const unsigned char *g = get_bytes(s, 4, 4);
	unsigned int type, code, n;

	(void)ip;
	if (!get_u8(s, 0, &type))
		goto trunc;
	switch (type) {
	case 0x11:
		nd_puts(c, "igmp query");
		if (len >= 12) {
			if (!v3_query(c, s, len))
				goto trunc;
			break;
		}
		if (!get_u8(s, 1, &code) || g == NULL)
			goto trunc;
		if (code != 0) {
			nd_puts(c, " v2");
			if (code != 100)
				nd_putf(c, " [max resp time %u]", code);
		} else
			nd_puts(c, " v1");
		if ((g[0] | g[1] | g[2] | g[3]) != 0) {
			nd_puts(c, " [gaddr ");
			nd_put_ip(c, 4, g);
			nd_puts(c, "]");
		}
		if (len != 8)
			nd_putf(c, " [len %u]", len);
		break;
	case 0x12:
	case 0x16:
	case 0x17:
		if (g == NULL)
			goto trunc;
		nd_puts(c, type == 0x12 ? "igmp v1 report " : type == 0x16 ?
		    "igmp v2 report " : "igmp leave ");
		nd_put_ip(c, 4, g);
		if (type == 0x12 && len != 8)
			nd_putf(c, " [len %u]", len);
		break;
	case 0x22:
		nd_puts(c, "igmp v3 report");
		if (len < 16 || (len & 3) != 0) {
			nd_putf(c, " [invalid len %u]", len);
			break;
		}
		if (!get_be16(s, 6, &n))
			goto trunc;
		nd_putf(c, ", %u group record(s)", n);
		break;
	case 0x13:
		nd_puts(c, "igmp dvmrp");
		break;
	case 0x14:
		nd_puts(c, "igmp pimv1");
		break;
	default:
		nd_putf(c, "igmp-%u", type);
		break;
	}
	return;
trunc:
	nd_trunc(c, "igmp");
}
