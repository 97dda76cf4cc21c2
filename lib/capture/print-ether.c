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

/* The names -e gives EtherTypes (tcpdump's ethertype_values). */
static const struct {
	unsigned int type;
	const char *name;
} ethertype_names[] = {
	{ 0x0800, "IPv4" }, { 0x8847, "MPLS unicast" },
	{ 0x8848, "MPLS multicast" }, { 0x86dd, "IPv6" },
	{ 0x8100, "802.1Q" }, { 0x9100, "802.1Q-9100" },
	{ 0x88a8, "802.1Q-QinQ" }, { 0x9200, "802.1Q-9200" },
	{ 0x88e5, "802.1AE MACsec" }, { 0x0200, "PUP" }, { 0x0806, "ARP" },
	{ 0x8035, "Reverse ARP" }, { 0x0600, "NS" }, { 0x0500, "Sprite" },
	{ 0x1000, "Trail" }, { 0x6001, "MOP DL" }, { 0x6002, "MOP RC" },
	{ 0x6003, "DN" }, { 0x6004, "LAT" }, { 0x6007, "SCA" },
	{ 0x6558, "TEB" }, { 0x8038, "Lanbridge" }, { 0x803c, "DEC DNS" },
	{ 0x803e, "DEC DTS" }, { 0x805b, "VEXP" }, { 0x805c, "VPROD" },
	{ 0x809b, "Appletalk" }, { 0x80f3, "Appletalk ARP" },
	{ 0x8137, "IPX" }, { 0x880b, "PPP" }, { 0x8808, "MPCP" },
	{ 0x8809, "Slow Protocols" }, { 0x8863, "PPPoE D" },
	{ 0x8864, "PPPoE S" }, { 0x888e, "EAPOL" },
	{ 0x8899, "Realtek protocols" }, { 0x886f, "MS NLB heartbeat" },
	{ 0x8870, "Jumbo" }, { 0x894f, "NSH" }, { 0x9000, "Loopback" },
	{ 0xfefe, "OSI" }, { 0x00fe, "GRE-OSI" }, { 0xabcd, "CFM (old)" },
	{ 0x8902, "CFM" }, { 0x893a, "IEEE1905.1" }, { 0x88cc, "LLDP" },
	{ 0x88ca, "TIPC" }, { 0x0707, "GeoNet (old)" }, { 0x8947, "GeoNet" },
	{ 0x1111, "CALM FAST" }, { 0x88a2, "AoE" }, { 0x88f7, "PTP" },
	{ 0xd28b, "Arista Vendor Specific Protocol" },
};

const char *
nd_ethertype_name(unsigned int type, const char *none)
{
	size_t i;

	for (i = 0; i < sizeof(ethertype_names) / sizeof(ethertype_names[0]);
	    i++)
		if (ethertype_names[i].type == type)
			return ethertype_names[i].name;
	return none;
}

/* "ethertype IPv4 (0x0800)", as -e words it. */
void
nd_put_ethertype(struct ctx *c, unsigned int type)
{
	nd_putf(c, "ethertype %s (0x%04x)", nd_ethertype_name(type, "Unknown"),
	    type);
}

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
	if (nd_eflag(c)) {
		/* -e said the addresses and the type already. */
		nd_default_print(c, s->p, s->n);
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
	bool e = nd_eflag(c), said_length = false;

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
	if (e) {
		nd_put_mac(c, s.p + 6, 6);
		nd_put(c, " > ", 3);
		nd_put_mac(c, s.p, 6);
		nd_put(c, ", ", 2);
	}
	if (type == ETHERTYPE_MACSEC) {
		if (e) {
			nd_put_ethertype(c, type);
			nd_putf(c, ", length %u: ", len);
			said_length = true;
		}
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
		unsigned int tci, outer = type;

		if (!get_be16(&s, off + 2, &tci) ||
		    !get_be16(&s, off + 4, &type) || length < 4) {
			nd_j_close(c);
			c->net_off = s.n;
			nd_trunc(c, "vlan");
			return;
		}
		if (c->j != NULL)
			sk_json_uint(c->j, "vlan", tci & 0xfff);
		if (e) {
			nd_put_ethertype(c, outer);
			if (!said_length)
				nd_putf(c, ", length %u: ", len);
			else
				nd_put(c, ", ", 2);
			said_length = true;
			nd_putf(c, "vlan %u, p %u%s, ", tci & 0xfff, tci >> 13,
			    (tci & 0x1000) ? ", DEI" : "");
		}
		off += 4;
		length -= 4;
	}
	nd_j_uint(c, "type", type);
	nd_j_close(c);
	off += 2;
	c->net_off = off;
	if (type <= ETHERTYPE_LEN_MAX) {
		if (e) {
			nd_puts(c, "802.3");
			if (!said_length)
				nd_putf(c, ", length %u: ",
				    type < length ? type : length);
			nd_puts(c, "LLC");
			return;
		}
		rest = sub(&s, off, type);
		if (print_llc(c, &rest, type))
			return;
		nd_put_mac(c, s.p + 6, 6);
		nd_put(c, " > ", 3);
		nd_put_mac(c, s.p, 6);
		nd_putf(c, ", 802.3, length %u: LLC", len);
		return;
	}
	if (e) {
		nd_put_ethertype(c, type);
		if (!said_length)
			nd_putf(c, ", length %u: ", len);
		else
			nd_put(c, ", ", 2);
	}
	rest = sub(&s, off, SIZE_MAX);
	nd_print_ethertype(c, type, &rest, length, s.p);
}
