/*
 * print-mptcp.c - the Multipath TCP option (RFC 8684, and RFC 6824's
 * version 0) inside a TCP header, as tcpdump prints it: the option's
 * length, its subtype's name, then that subtype's fields.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#include "decode-int.h"

#define TH_SYN	0x02
#define TH_ACK	0x10

#define MP_CAPABLE_C	0x80
#define MP_JOIN_B	0x01
#define MP_DSS_F	0x10
#define MP_DSS_m	0x08
#define MP_DSS_M	0x04
#define MP_DSS_a	0x02
#define MP_DSS_A	0x01
#define MP_PRIO_B	0x01

static uint64_t
be64(const struct span *o, size_t off)
{
	uint32_t hi, lo;

	(void)get_be32(o, off, &hi);
	(void)get_be32(o, off + 4, &lo);
	return (uint64_t)hi << 32 | lo;
}

static bool
mp_capable(struct ctx *c, const struct span *o, size_t len,
    unsigned int flags)
{
	unsigned int ver = o->p[2] & 15;

	if (!((len == 12 || len == 4) && (flags & TH_SYN)) &&
	    !((len == 20 || len == 22) && (flags & (TH_SYN | TH_ACK)) ==
	    TH_ACK))
		return false;
	if (ver > 1) {
		nd_putf(c, " Unknown Version (%u)", ver);
		return true;
	}
	nd_putf(c, " v%u", ver);
	if (o->p[3] & MP_CAPABLE_C)
		nd_puts(c, " csum");
	if (len == 12 || len >= 20) {
		nd_putf(c, " {0x%" PRIx64, be64(o, 4));
		if (len >= 20)
			nd_putf(c, ",0x%" PRIx64, be64(o, 12));
		nd_puts(c, "}");
	}
	return true;
}

static bool
mp_join(struct ctx *c, const struct span *o, size_t len, unsigned int flags)
{
	uint32_t a, b;
	size_t i;

	if (!(len == 12 && (flags & TH_SYN)) &&
	    !(len == 16 && (flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK)) &&
	    !(len == 24 && (flags & TH_ACK)))
		return false;
	if (len != 24) {
		if (o->p[2] & MP_JOIN_B)
			nd_puts(c, " backup");
		nd_putf(c, " id %u", o->p[3]);
	}
	if (len == 12) {
		(void)get_be32(o, 4, &a);
		(void)get_be32(o, 8, &b);
		nd_putf(c, " token 0x%x nonce 0x%x", a, b);
	} else if (len == 16) {
		(void)get_be32(o, 12, &b);
		nd_putf(c, " hmac 0x%" PRIx64 " nonce 0x%x", be64(o, 4), b);
	} else {
		nd_puts(c, " hmac 0x");
		for (i = 4; i < 24; i++)
			nd_putf(c, "%02x", o->p[i]);
	}
	return true;
}

/* A sequence number of 8 bytes when wide, else 4, at *off. */
static bool
dss_number(struct ctx *c, const struct span *o, size_t *off, size_t len,
    bool wide)
{
	uint32_t v;

	if (len - *off < (wide ? 8u : 4u))
		return false;
	if (wide)
		nd_putf(c, "%" PRIu64, be64(o, *off));
	else {
		(void)get_be32(o, *off, &v);
		nd_putf(c, "%u", v);
	}
	*off += wide ? 8 : 4;
	return true;
}

static bool
mp_dss(struct ctx *c, const struct span *o, size_t len, unsigned int flags)
{
	unsigned int f, v;
	size_t off = 4;
	uint32_t v32;

	if (len < 4 || (flags & TH_SYN))
		return false;
	f = o->p[3];
	if (f & MP_DSS_F)
		nd_puts(c, " fin");
	if (f & MP_DSS_A) {
		nd_puts(c, " ack ");
		if (!dss_number(c, o, &off, len, f & MP_DSS_a))
			return false;
	}
	if (f & MP_DSS_M) {
		nd_puts(c, " seq ");
		if (!dss_number(c, o, &off, len, f & MP_DSS_m))
			return false;
		if (len - off < 4)
			return false;
		(void)get_be32(o, off, &v32);
		nd_putf(c, " subseq %u", v32);
		off += 4;
		if (len - off < 2)
			return false;
		(void)get_be16(o, off, &v);
		nd_putf(c, " len %u", v);
		off += 2;
		if (len - off >= 2) {
			(void)get_be16(o, off, &v);
			nd_putf(c, " csum 0x%x", v);
			off += 2;
		}
	}
	return off == len;
}

static bool
mp_add_addr(struct ctx *c, const struct span *o, size_t len,
    unsigned int flags)
{
	static const char *const echo[16] = {
		[0] = "v1", [1] = "v1-echo", [4] = "v0-ip4", [6] = "v0-ip6"
	};
	const char *e = echo[o->p[2] & 15];
	unsigned int port;
	size_t alen;

	(void)flags;
	if (len == 8 || len == 10 || len == 16 || len == 18)
		alen = 4;
	else if (len == 20 || len == 22 || len == 28 || len == 30)
		alen = 16;
	else
		return false;
	nd_putf(c, " %s id %u ", e != NULL ? e : "[bad version/echo]",
	    o->p[3]);
	nd_put_ip(c, alen == 4 ? 4 : 6, o->p + 4);
	if (len == 10 || len == 18 || len == 22 || len == 30) {
		(void)get_be16(o, 4 + alen, &port);
		nd_putf(c, ":%u", port);
	}
	if (len == 16 || len == 28)
		nd_putf(c, " hmac 0x%" PRIx64, be64(o, 4 + alen));
	if (len == 18 || len == 30)
		nd_putf(c, " hmac 0x%" PRIx64, be64(o, 4 + alen + 2));
	return true;
}

static bool
mp_rem_addr(struct ctx *c, const struct span *o, size_t len,
    unsigned int flags)
{
	size_t i;

	(void)flags;
	if (len < 4)
		return false;
	nd_puts(c, " id");
	for (i = 3; i < len; i++)
		nd_putf(c, " %u", o->p[i]);
	return true;
}

static bool
mp_prio(struct ctx *c, const struct span *o, size_t len, unsigned int flags)
{
	(void)flags;
	if (len != 3 && len != 4)
		return false;
	nd_puts(c, o->p[2] & MP_PRIO_B ? " backup" : " non-backup");
	if (len == 4)
		nd_putf(c, " id %u", o->p[3]);
	return true;
}

static bool
mp_fail(struct ctx *c, const struct span *o, size_t len, unsigned int flags)
{
	(void)flags;
	if (len != 12)
		return false;
	nd_putf(c, " seq %" PRIu64, be64(o, 4));
	return true;
}

static bool
mp_fast_close(struct ctx *c, const struct span *o, size_t len,
    unsigned int flags)
{
	(void)flags;
	if (len != 12)
		return false;
	nd_putf(c, " key 0x%" PRIx64, be64(o, 4));
	return true;
}

static bool
mp_unknown(struct ctx *c, const struct span *o, size_t len,
    unsigned int flags)
{
	(void)c;
	(void)o;
	(void)len;
	(void)flags;
	return true;
}

/* By subtype (the high nibble of the third byte); the last for all the
 * subtypes past it. */
static const struct {
	const char *name;
	bool (*print)(struct ctx *, const struct span *, size_t,
	    unsigned int);
} subtypes[] = {
	{ "capable", mp_capable },
	{ "join", mp_join },
	{ "dss", mp_dss },
	{ "add-addr", mp_add_addr },
	{ "rem-addr", mp_rem_addr },
	{ "prio", mp_prio },
	{ "fail", mp_fail },
	{ "fast-close", mp_fast_close },
	{ "unknown", mp_unknown },
};

bool
nd_print_mptcp(struct ctx *c, const struct span *o, unsigned int flags)
{
	size_t len = o->n, sub_type;

	if (len < 3)
		return false;
	sub_type = o->p[2] >> 4;
	if (sub_type > 8)
		sub_type = 8;
	nd_putf(c, " %zu %s", len, subtypes[sub_type].name);
	return subtypes[sub_type].print(c, o, len, flags);
}
