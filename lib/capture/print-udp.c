/*
 * print-udp.c - UDP (RFC 768): ports and length, as tcpdump prints them
 * when it does not decode the payload, and a table from port to the
 * printer of what it carries.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "decode-int.h"

/*
 * From UDP port to the printer of the payload, given its bytes and its
 * length: the first row that matches wins, in tcpdump's order, so that a
 * datagram between two known ports is printed as tcpdump prints it.
 */
enum port_side { EITHER, SRC, DST };

static const struct {
	unsigned int port;
	enum port_side side;
	void (*print)(struct ctx *, const struct span *, uint32_t);
} udpports[] = {
	{ 53, EITHER, nd_print_domain_udp },
	{ 5353, EITHER, nd_print_mdns },
	{ 68, EITHER, nd_print_bootp },
	{ 67, EITHER, nd_print_bootp },
	{ 1985, DST, nd_print_hsrp },
	{ 49152, SRC, nd_print_bcm_li },
	{ 3784, DST, nd_print_bfd_control },
	{ 4784, DST, nd_print_bfd_multihop },
	{ 6784, DST, nd_print_bfd_lag },
	{ 3785, DST, nd_print_bfd_echo },
	{ 4789, EITHER, nd_print_vxlan },
	{ 319, EITHER, nd_print_ptp },
	{ 320, EITHER, nd_print_ptp },
};

static bool
port_matches(size_t i, unsigned int sport, unsigned int dport)
{
	switch (udpports[i].side) {
	case SRC:
		return udpports[i].port == sport;
	case DST:
		return udpports[i].port == dport;
	default:
		return udpports[i].port == sport || udpports[i].port == dport;
	}
}

void
nd_print_udp(struct ctx *c, const struct span *s, uint32_t length,
    const struct ipinfo *ip)
{
	unsigned int sport, dport, ulen;

	if (!get_be16(s, 0, &sport) || !get_be16(s, 2, &dport)) {
		if (ip->direct) {
			nd_put_addrs(c, ip);
			nd_put(c, ": ", 2);
		}
		nd_trunc(c, "udp");
		return;
	}
	nd_j_open(c, "udp");
	nd_j_uint(c, "sport", sport);
	nd_j_uint(c, "dport", dport);
	nd_put_ports(c, ip, sport, dport);
	if (length < 8) {
		nd_putf(c, "truncated-udp %u", length);
		c->truncated = true;
	} else if (!get_be16(s, 4, &ulen)) {
		nd_trunc(c, "udp");
	} else {
		if (ulen == 0 && length > 65535)
			ulen = length;
		if (ulen >= 8) {
			uint32_t n = ulen - 8 < length - 8 ? ulen - 8 :
			    length - 8;
			struct span payload = sub(s, 8, SIZE_MAX);
			size_t i;

			for (i = 0; i < sizeof(udpports) / sizeof(udpports[0]);
			    i++)
				if (port_matches(i, sport, dport)) {
					udpports[i].print(c, &payload, n);
					nd_j_close(c);
					return;
				}
		}
		if (ulen < 8) {
			nd_putf(c, "truncated-udplength %u", ulen);
			c->truncated = true;
		} else if (ulen > length && !ip->fragmented) {
			nd_putf(c, "UDP, bad length %u > %u", ulen - 8,
			    length - 8);
			c->truncated = true;
		} else {
			nd_puts(c, "UDP, length ");
			nd_putu(c, ulen - 8);
			nd_j_uint(c, "length", ulen - 8);
		}
	}
	nd_j_close(c);
}

