/*
 * print-bootp.c - BOOTP and DHCP (RFC 951, RFC 2131) on UDP ports 67 and
 * 68: request or reply, the client's Ethernet address, the length, as
 * tcpdump prints them without -v.
 */
#include <stdint.h>

#include "decode-int.h"

#define BOOTPREQUEST	1
#define BOOTPREPLY	2
#define BOOTP_CHADDR	28	/* the client hardware address */

void
nd_print_bootp(struct ctx *c, const struct span *s, uint32_t length)
{
	unsigned int op, htype, hlen;
	const unsigned char *mac;

	if (!get_u8(s, 0, &op))
		goto trunc;
	if (op == BOOTPREQUEST)
		nd_puts(c, "BOOTP/DHCP, Request");
	else if (op == BOOTPREPLY)
		nd_puts(c, "BOOTP/DHCP, Reply");
	else
		nd_putf(c, "BOOTP/DHCP, unknown (0x%02x)", op);
	if (!get_u8(s, 1, &htype) || !get_u8(s, 2, &hlen))
		goto trunc;
	if (htype == 1 && hlen == 6 && op == BOOTPREQUEST) {
		if ((mac = get_bytes(s, BOOTP_CHADDR, 6)) == NULL)
			goto trunc;
		nd_puts(c, " from ");
		nd_put_mac(c, mac, 6);
	}
	nd_putf(c, ", length %u", length);
	return;
trunc:
	nd_trunc(c, "bootp");
}
