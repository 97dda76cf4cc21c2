/*
 * print-link.c - the link layers of a capture (pcap LINKTYPE_*): Ethernet,
 * raw IP, BSD loopback (DLT_NULL, DLT_LOOP), Linux cooked (SLL, SLL2).
 */
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "decode-int.h"

/* The names tcpdump gives BSD loopback address families under -e. */
static const char *
bsd_af_name(uint32_t af)
{
	switch (af) {
	case BSD_AFNUM_INET:
		return "IPv4";
	case BSD_AFNUM_NS:
		return "NS";
	case BSD_AFNUM_ISO:
		return "ISO";
	case BSD_AFNUM_APPLETALK:
		return "Appletalk";
	case BSD_AFNUM_IPX:
		return "IPX";
	case BSD_AFNUM_INET6_BSD:
	case BSD_AFNUM_INET6_FREEBSD:
	case BSD_AFNUM_INET6_DARWIN:
		return "IPv6";
	default:
		return "Unknown";
	}
}

/* The packet types of Linux cooked captures (packet(7)'s PACKET_*). */
static const char *
sll_pkttype_name(unsigned int t)
{
	static const char *const names[] = { "In", "B", "M", "P", "Out" };

	return t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

/*
 * What -e prints of a cooked header: SLL2's interface index, the
 * sender's address when it is a MAC, the protocol and the length.
 */
static void
sll_hdr_print(struct ctx *c, const struct span *s, bool v2, unsigned int proto,
    uint32_t len)
{
	unsigned int halen;
	uint32_t ifindex;

	if (v2) {
		(void)get_be32(s, 4, &ifindex);
		nd_putf(c, "ifindex %u ", ifindex);
		(void)get_u8(s, 11, &halen);
	} else {
		(void)get_be16(s, 0, &halen);
		nd_putf(c, "%3s ", sll_pkttype_name(halen));
		(void)get_be16(s, 4, &halen);
	}
	if (halen == 6) {
		nd_put_mac(c, s->p + (v2 ? 12 : 6), 6);
		nd_put(c, " ", 1);
	}
	if (proto == SLL_P_802_3)
		nd_puts(c, "802.3");
	else if (proto == SLL_P_802_2)
		nd_puts(c, "802.2");
	else if (proto <= ETHERTYPE_LEN_MAX)
		nd_putf(c, "ethertype Unknown (0x%04x)", proto);
	else
		nd_put_ethertype(c, proto);
	nd_putf(c, ", length %u: ", len);
}

/* SLL2's interface and direction, on every line as tcpdump -i any has
 * them: the name this host gives the index, "?" for none. */
static void
sll2_if_print(struct ctx *c, const struct span *s)
{
	char name[IF_NAMESIZE];
	uint32_t ifindex;
	unsigned int t;

	(void)get_be32(s, 4, &ifindex);
	(void)get_u8(s, 10, &t);
	if (if_indextoname(ifindex, name) == NULL)
		(void)snprintf(name, sizeof(name), "?");
	nd_putf(c, "%-5s %-3s ", name, sll_pkttype_name(t));
}

void
nd_print_link(struct ctx *c, int linktype, const struct span *s, uint32_t len)
{
	unsigned int v, proto;
	uint32_t af;
	struct span rest;

	c->net_off = 0;
	switch (linktype) {
	case DLT_EN10MB:
		nd_print_ether(c, s, len);
		return;
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		if (nd_eflag(c))
			nd_puts(c, "ip: ");
		nd_print_ip_any(c, s, len);
		return;
	case DLT_NULL:
	case DLT_LOOP:
		if (!get_be32(s, 0, &af) || len < 4) {
			c->net_off = s->n;
			nd_trunc(c, "null");
			return;
		}
		/* DLT_NULL is in the byte order of the capturing host. */
		if (linktype == DLT_NULL && (af & 0xffff) == 0)
			af = __builtin_bswap32(af);
		if (nd_eflag(c))
			nd_putf(c, "AF %s (%u), length %u: ", bsd_af_name(af),
			    af, len);
		c->net_off = 4;
		rest = sub(s, 4, SIZE_MAX);
		if (af == BSD_AFNUM_INET)
			nd_print_ip(c, &rest, len - 4);
		else if (af == BSD_AFNUM_INET6_LINUX ||
		    af == BSD_AFNUM_INET6_BSD ||
		    af == BSD_AFNUM_INET6_FREEBSD ||
		    af == BSD_AFNUM_INET6_DARWIN)
			nd_print_ip6(c, &rest, len - 4);
		else
			nd_putf(c, "AF %u, length %u", af, len);
		return;
	case DLT_LINUX_SLL:
	case DLT_LINUX_SLL2: {
		size_t hl = linktype == DLT_LINUX_SLL ? 16 : 20;

		if (!has(s, 0, hl) || len < hl ||
		    !get_be16(s, linktype == DLT_LINUX_SLL ? 14 : 0, &proto)) {
			c->net_off = s->n;
			nd_trunc(c, "sll");
			return;
		}
		c->net_off = hl;
		if (linktype == DLT_LINUX_SLL2 && c->j == NULL)
			sll2_if_print(c, s);
		if (nd_eflag(c))
			sll_hdr_print(c, s, linktype == DLT_LINUX_SLL2, proto,
			    len);
		rest = sub(s, hl, SIZE_MAX);
		if (proto <= ETHERTYPE_LEN_MAX)
			nd_putf(c, "linux cooked, protocol 0x%04x, length %u",
			    proto, len);
		else
			nd_print_ethertype(c, proto, &rest, len - (uint32_t)hl,
			    NULL);
		return;
	}
	default:
		(void)v;
		nd_putf(c, "link-type %s, length %u",
		    sk_linktype_name(linktype) != NULL ?
		    sk_linktype_name(linktype) : "unknown", len);
		c->net_off = 0;
		return;
	}
}

/* tcpdump -x: the bytes from the network layer on, 16 to a line. */
