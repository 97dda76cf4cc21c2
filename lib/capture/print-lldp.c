/*
 * print-lldp.c - the Link Layer Discovery Protocol (IEEE 802.1AB,
 * EtherType 0x88cc): its length and the system's name, as tcpdump prints
 * them without -v, walking the TLVs as tcpdump does to find one cut short.
 */
#include <stdint.h>

#include "decode-int.h"

#define LLDP_SYSTEM_NAME_TLV	5

void
nd_print_lldp(struct ctx *c, const struct span *s, uint32_t length)
{
	size_t off = 0;
	uint32_t left = length;
	unsigned int tlv, type, tlen;

	nd_putf(c, "LLDP, length %u", length);
	while (left >= 2) {
		if (!get_be16(s, off, &tlv))
			goto trunc;
		type = tlv >> 9;
		tlen = tlv & 0x1ff;
		left -= 2;
		off += 2;
		if (type == 0 || tlen == 0)
			break;
		if (!has(s, off, tlen) || left < tlen)
			goto trunc;
		/* The system name is printed even without -v. */
		if (type == LLDP_SYSTEM_NAME_TLV) {
			nd_puts(c, ": ");
			if (!nd_put_string(c, s, off, tlen))
				goto trunc;
		}
		left -= tlen;
		off += tlen;
	}
	return;
trunc:
	nd_trunc(c, "lldp");
}
