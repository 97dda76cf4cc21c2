/*
 * print-ah.c - the IPsec authentication header (RFC 4302): its SPI,
 * sequence number and integrity check value, then the protocol after it,
 * as tcpdump prints them.
 */
#include <stdint.h>

#include "decode-int.h"

#define AH_FIXED_LEN	12	/* next header to sequence number */

void
nd_print_ah(struct ctx *c, const struct span *s, uint32_t length,
    const struct ipinfo *ip)
{
	unsigned int nh, alen, reserved;
	uint32_t spi, seq;
	size_t hlen, i;
	struct span rest;

	if (!get_u8(s, 0, &nh)) {
		nd_trunc_longjmp(c, "ah");
		return;
	}
	nd_puts(c, "AH(");
	if (!get_u8(s, 1, &alen) || !get_be16(s, 2, &reserved))
		goto trunc;
	hlen = ((size_t)alen + 2) * 4;
	if (reserved != 0)
		nd_putf(c, "reserved=0x%x[MustBeZero],", reserved);
	if (!get_be32(s, 4, &spi))
		goto trunc;
	nd_putf(c, "spi=0x%08x,", spi);
	if (!get_be32(s, 8, &seq))
		goto trunc;
	nd_putf(c, "seq=0x%x,icv=0x", seq);
	for (i = AH_FIXED_LEN; i < hlen; i++) {
		unsigned int b;

		if (!get_u8(s, i, &b))
			goto trunc;
		nd_putf(c, "%02x", b);
	}
	nd_puts(c, "): ");
	rest = sub(s, hlen, SIZE_MAX);
	nd_print_ipproto(c, nh, &rest, (uint32_t)(length - hlen), ip);
	return;
trunc:
	nd_trunc_longjmp(c, "ah");
}
