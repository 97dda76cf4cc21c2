/*
 * print-ospf.c - OSPF version 2 (RFC 2328) over IPv4 and version 3
 * (RFC 5340) over IPv6: the version, the packet type and the length, as
 * tcpdump prints them without -v.
 */
#include <stdint.h>

#include "decode-int.h"

#define OSPF_AUTH_MD5		2
#define OSPF_AUTH_MD5_LEN	16	/* the digest after the packet */

static const struct nd_tok ospf_types[] = {
	{ 1, "Hello" },
	{ 2, "Database Description" },
	{ 3, "LS-Request" },
	{ 4, "LS-Update" },
	{ 5, "LS-Ack" },
	{ 0, NULL },
};

void
nd_print_ospf(struct ctx *c, const struct span *s, uint32_t length,
    const struct ipinfo *ip)
{
	unsigned int version, type, auth;
	const char *name;
	const char *proto = ip->version == 6 ? "ospf3" : "ospf2";

	if (ip->version == 4) {
		/* The MD5 digest is not counted in the length. */
		if (!get_be16(s, 14, &auth)) {
			nd_trunc(c, proto);
			return;
		}
		if (auth == OSPF_AUTH_MD5)
			length -= OSPF_AUTH_MD5_LEN;
	}
	if (!get_u8(s, 1, &type) || !get_u8(s, 0, &version)) {
		nd_trunc(c, proto);
		return;
	}
	name = nd_tok_str(ospf_types, type);
	nd_putf(c, "OSPFv%u, ", version);
	if (name != NULL)
		nd_puts(c, name);
	else if (ip->version == 6)
		nd_putf(c, "unknown packet type (%u)", type);
	else
		nd_putf(c, "unknown LS-type %u", type);
	nd_putf(c, ", length %u", length);
}
