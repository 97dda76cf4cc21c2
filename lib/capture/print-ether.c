/*
 * print-ether.c - Ethernet (IEEE 802.3) with 802.1Q and 802.1ad tags,
 * and the table from EtherType to printer that the cooked link layers share.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "decode-int.h"

/* From EtherType to printer. */
static const struct {
	unsigned int type;
	void (*print)(struct ctx *, const struct span *, uint32_t);
} ethertypes[] = {
	{ ETHERTYPE_IP, nd_print_ip },
	{ ETHERTYPE_ARP, nd_print_arp },
	{ ETHERTYPE_REVARP, nd_print_arp },
	{ ETHERTYPE_IPV6, nd_print_ip6 },
	{ ETHERTYPE_AOE, nd_print_aoe },
	{ ETHERTYPE_LLDP, nd_print_lldp },
};

/* 802.2 LLC: the SAPs (both sides the same) of the printers known. */
#define LLCSAP_8021D	0x42	/* spanning tree */
#define LLCSAP_SNAP	0xaa
#define LLC_UI		0x03	/* unnumbered information */
#define PID_CISCO_PVST	0x010b	/* Cisco's OUI 00:00:0c, then this */
#define OUI_CISCO_PVST_HI (0x00000c00u | PID_CISCO_PVST >> 8)

static const struct {
	unsigned int sap;
	void (*print)(struct ctx *, const struct span *, uint32_t);
} llcsaps[] = {
	{ LLCSAP_8021D, nd_print_stp },
};

/*
 * An 802.3 frame of length bytes (its length field) in s: true when its
 * LLC header names a printer that printed it.
 */
static bool
print_llc(struct ctx *c, const struct span *s, uint32_t length)
{
	unsigned int dsap, ssap, control, pid_lo;
	uint32_t oui_pid;
	struct span rest;
	size_t i;

	if (length < 3 || !get_u8(s, 0, &dsap) || !get_u8(s, 1, &ssap) ||
	    !get_u8(s, 2, &control))
		return false;
	/* The group and command/response bits are not part of the SAP. */
	dsap &= ~1u;
	ssap &= ~1u;
	if (dsap != ssap || control != LLC_UI)
		return false;
	if (dsap == LLCSAP_SNAP) {
		/* SNAP: an OUI and a protocol id; Cisco's PVST+ BPDUs. */
		if (length >= 8 && get_be32(s, 3, &oui_pid) &&
		    get_u8(s, 7, &pid_lo) && oui_pid == OUI_CISCO_PVST_HI &&
		    pid_lo == (PID_CISCO_PVST & 0xff)) {
			rest = sub(s, 8, length - 8);
			nd_print_stp(c, &rest, length - 8);
			return true;
		}
		return false;
	}
	rest = sub(s, 3, length - 3);
	for (i = 0; i < sizeof(llcsaps) / sizeof(llcsaps[0]); i++)
		if (llcsaps[i].sap == dsap) {
			llcsaps[i].print(c, &rest, length - 3);
			return true;
		}
	return false;
}

void
nd_print_ethertype(struct ctx *c, unsigned int type, const struct span *s,
    uint32_t length, const unsigned char *mac)
{
	size_t i;

	for (i = 0; i < sizeof(ethertypes) / sizeof(ethertypes[0]); i++)
		if (ethertypes[i].type == type) {
			ethertypes[i].print(c, s, length);
			return;
		}
	if (mac != NULL) {
		nd_put_mac(c, mac + 6, 6);
		nd_put(c, " > ", 3);
		nd_put_mac(c, mac, 6);
		nd_put(c, ", ", 2);
	}
	nd_putf(c, "ethertype Unknown (0x%04x), length %u: ", type,
	    length + (mac != NULL ? 14 : 0));
	nd_default_print(c, s->p, s->n);
}

void
nd_print_ether(struct ctx *c, const struct span *s0, uint32_t len)
{
	struct span s = *s0, rest;
	unsigned int type;
	size_t off = 12, end, tag;
	uint32_t length;

	if (!has(&s, 0, 14) || len < 14) {
		c->net_off = s.n;
		nd_trunc(c, "ether");
		return;
	}
	(void)get_be16(&s, 12, &type);
	nd_j_open(c, "eth");
	nd_j_mac(c, "src", s.p + 6, 6);
	nd_j_mac(c, "dst", s.p, 6);
	length = len - 14;
	if (type == ETHERTYPE_MACSEC) {
		/* The SecTAG, then the frame's own type; s is cut to the
		 * frame inside. */
		if (nd_print_macsec(c, &s, off + 2, &length, &end, &tag) >= 0) {
			nd_j_close(c);
			c->net_off = s.n;
			return;
		}
		if (!get_be16(&s, off + 2 + tag, &type) || length < 2) {
			nd_trunc(c, "ether");
			nd_j_close(c);
			c->net_off = s.n;
			return;
		}
		s = sub(&s, 0, end);
		off += 2 + tag;
		length -= 2;
	}
	while (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ ||
	    type == ETHERTYPE_QINQ_OLD) {
		unsigned int tci;

		if (!get_be16(&s, off + 2, &tci) ||
		    !get_be16(&s, off + 4, &type) || length < 4) {
			nd_j_close(c);
			c->net_off = s.n;
			nd_trunc(c, "vlan");
			return;
		}
		if (c->j != NULL)
			sk_json_uint(c->j, "vlan", tci & 0xfff);
		off += 4;
		length -= 4;
	}
	nd_j_uint(c, "type", type);
	nd_j_close(c);
	off += 2;
	c->net_off = off;
	if (type <= ETHERTYPE_LEN_MAX) {
		rest = sub(&s, off, type);
		if (print_llc(c, &rest, type))
			return;
		nd_put_mac(c, s.p + 6, 6);
		nd_put(c, " > ", 3);
		nd_put_mac(c, s.p, 6);
		nd_putf(c, ", 802.3, length %u: LLC", len);
		return;
	}
	rest = sub(&s, off, SIZE_MAX);
	nd_print_ethertype(c, type, &rest, length, s.p);
}
