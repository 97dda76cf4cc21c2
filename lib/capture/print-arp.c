/*
 * print-arp.c - ARP (RFC 826) and RARP (RFC 903), as tcpdump prints them.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "decode-int.h"

#define ETHERTYPE_TRAIL	0x1000	/* a trailer-encapsulated IPv4 address */

/* ARP operations (RFC 826, 903, 2390). */
#define ARPOP_REQUEST		1
#define ARPOP_REPLY		2
#define ARPOP_REVREQUEST	3
#define ARPOP_REVREPLY		4
#define ARPOP_INVREQUEST	8
#define ARPOP_INVREPLY		9

static const char *
arp_op_name(unsigned int op)
{
	switch (op) {
	case 1: return "Request";
	case 2: return "Reply";
	case 3: return "Reverse Request";
	case 4: return "Reverse Reply";
	case 8: return "Inverse Request";
	case 9: return "Inverse Reply";
	case 10: return "NACK Reply";
	default: return NULL;
	}
}

static const char *
arp_hrd_name(unsigned int hrd)
{
	switch (hrd) {
	case 1: return "Ethernet";
	case 6: return "TokenRing";
	case 7: return "ArcNet";
	case 15: return "FrameRelay";
	case 16: case 19: return "ATM";
	case 24: return "IEEE 1394";
	case 32: return "InfiniBand";
	default: return NULL;
	}
}

static void
arp_proto_addr(struct ctx *c, const struct span *s, size_t off,
    unsigned int pro, unsigned int pln)
{
	if (pro != ETHERTYPE_IP && pro != ETHERTYPE_TRAIL)
		nd_puts(c, "<wrong proto type>");
	else if (pln != 4)
		nd_puts(c, "<wrong len>");
	else
		nd_put_ip(c, 4, s->p + off);
}

void
nd_print_arp(struct ctx *c, const struct span *s, uint32_t length)
{
	unsigned int hrd, pro, hln, pln, op;
	size_t sha, spa, tha, tpa;
	const char *name;
	bool nonzero = false;
	size_t i;

	if (!get_be16(s, 0, &hrd) || !get_be16(s, 2, &pro) ||
	    !get_u8(s, 4, &hln) || !get_u8(s, 5, &pln) ||
	    !get_be16(s, 6, &op)) {
		nd_trunc_longjmp(c, "arp");
		return;
	}
	sha = 8;
	spa = sha + hln;
	tha = spa + pln;
	tpa = tha + hln;
	if (!has(s, tpa, pln)) {
		nd_trunc_longjmp(c, "arp");
		return;
	}
	if (!nd_eflag(c))
		nd_puts(c, "ARP, ");
	if (c->j != NULL) {
		nd_j_open(c, "arp");
		sk_json_uint(c->j, "op", op);
		sk_json_uint(c->j, "htype", hrd);
		sk_json_uint(c->j, "ptype", pro);
		nd_j_mac(c, "sha", s->p + sha, hln);
		nd_j_mac(c, "tha", s->p + tha, hln);
		if (pln == 4) {
			nd_j_addr(c, "spa", 4, s->p + spa);
			nd_j_addr(c, "tpa", 4, s->p + tpa);
		}
		nd_j_close(c);
	}
	if ((pro != ETHERTYPE_IP && pro != ETHERTYPE_TRAIL) || pln != 4 ||
	    hln == 0) {
		if ((name = arp_hrd_name(hrd)) != NULL)
			nd_puts(c, name);
		else
			nd_putf(c, "Unknown Hardware (%u)", hrd);
		nd_putf(c, " (len %u), ", hln);
		if (pro == ETHERTYPE_IP)
			nd_puts(c, "IPv4");
		else if (pro == ETHERTYPE_IPV6)
			nd_puts(c, "IPv6");
		else
			nd_putf(c, "Unknown Protocol (0x%04x)", pro);
		nd_putf(c, " (len %u)", pln);
		goto out;
	}
	if ((name = arp_op_name(op)) != NULL)
		nd_puts(c, name);
	else
		nd_putf(c, "Unknown (%u)", op);
	nd_put(c, " ", 1);
	switch (op) {
	case ARPOP_REQUEST:
		nd_puts(c, "who-has ");
		arp_proto_addr(c, s, tpa, pro, pln);
		for (i = 0; i < hln; i++)
			nonzero = nonzero || s->p[tha + i] != 0;
		if (nonzero) {
			nd_puts(c, " (");
			nd_put_mac(c, s->p + tha, hln);
			nd_puts(c, ")");
		}
		nd_puts(c, " tell ");
		arp_proto_addr(c, s, spa, pro, pln);
		break;
	case ARPOP_REPLY:
		arp_proto_addr(c, s, spa, pro, pln);
		nd_puts(c, " is-at ");
		nd_put_mac(c, s->p + sha, hln);
		break;
	case ARPOP_REVREQUEST:
	case ARPOP_INVREQUEST:
		nd_puts(c, "who-is ");
		nd_put_mac(c, s->p + tha, hln);
		nd_puts(c, " tell ");
		nd_put_mac(c, s->p + sha, hln);
		break;
	case ARPOP_REVREPLY:
		nd_put_mac(c, s->p + tha, hln);
		nd_puts(c, " at ");
		arp_proto_addr(c, s, tpa, pro, pln);
		break;
	case ARPOP_INVREPLY:
		nd_put_mac(c, s->p + sha, hln);
		nd_puts(c, " at ");
		arp_proto_addr(c, s, spa, pro, pln);
		break;
	default:
		/* Unlike elsewhere, printed under -x and -X too. */
		nd_hex_ascii_print(c, s->p, s->n);
		return;
	}
out:
	nd_puts(c, ", length ");
	nd_putu(c, length);
}

/* The layer named by an EtherType. */
