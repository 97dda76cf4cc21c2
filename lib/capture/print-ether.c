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
	{ ETHERTYPE_PTP, nd_print_ptp },
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

/* 802.2 LLC (IEEE 802.2) and SNAP: the SAPs and PIDs of the printers. */
#define LLCSAP_8021D	0x42	/* spanning tree */
#define LLCSAP_SNAP	0xaa
#define LLC_IG		0x01	/* the DSAP's group bit */
#define LLC_GSAP	0x01	/* the SSAP's response bit */
#define LLC_U_FMT	0x03	/* an unnumbered frame: one control byte */
#define LLC_UI		0x03	/* unnumbered information */
#define LLC_HDR_LEN	3
#define SNAP_HDR_LEN	5	/* an OUI and a protocol id */
#define OUI_ETHER	0x000000
#define OUI_CISCO	0x00000c
#define PID_CISCO_PVST	0x010b
#define PID_CISCO_VLANBRIDGE 0x010c
#define PID_CISCO_UDLD	0x0111

/* The names -e gives SAPs (tcpdump's llc_values). */
static const struct nd_tok llc_sap_names[] = {
	{ 0x00, "Null" }, { 0xff, "Global" }, { 0x02, "802.1B I" },
	{ 0x03, "802.1B G" }, { 0x06, "IP" }, { 0x04, "SNA" },
	{ 0x0e, "ProWay NM" }, { LLCSAP_8021D, "STP" }, { 0x4e, "RS511" },
	{ 0x7e, "ISO8208" }, { 0x8e, "ProWay" }, { LLCSAP_SNAP, "SNAP" },
	{ 0xe0, "IPX" }, { 0xf0, "NetBeui" }, { 0xfe, "OSI" }, { 0, NULL },
};

/* The OUIs and Cisco's protocol ids -e names (tcpdump's oui_values and
 * cisco_values). */
static const struct nd_tok oui_names[] = {
	{ OUI_ETHER, "Ethernet" }, { OUI_CISCO, "Cisco" },
	{ 0x0080c2, "IEEE 802.1 Private" }, { 0, NULL },
};
static const struct nd_tok cisco_pids[] = {
	{ 0x2000, "CDP" }, { 0x2003, "VTP" }, { 0x2004, "DTP" },
	{ PID_CISCO_UDLD, "UDLD" }, { PID_CISCO_PVST, "PVST" },
	{ PID_CISCO_VLANBRIDGE, "VLAN Bridge" }, { 0, NULL },
};

static const struct {
	unsigned int sap;
	void (*print)(struct ctx *, const struct span *, uint32_t);
} llcsaps[] = {
	{ LLCSAP_8021D, nd_print_stp },
};

static const char *
tok_or(const struct nd_tok *t, unsigned int v, const char *none)
{
	const char *name = nd_tok_str(t, v);

	return name != NULL ? name : none;
}

/*
 * -e: the LLC header, "LLC, dsap STP (0x42) Individual, ssap STP (0x42)
 * Command, ctrl 0x03: ", as tcpdump's llc_print words it.
 */
static void
put_llc_hdr(struct ctx *c, unsigned int dsap_f, unsigned int ssap_f,
    unsigned int control, bool is_u)
{
	unsigned int dsap = dsap_f & ~LLC_IG, ssap = ssap_f & ~LLC_GSAP;

	nd_putf(c, "LLC, dsap %s (0x%02x) %s, ssap %s (0x%02x) %s, ",
	    tok_or(llc_sap_names, dsap, "Unknown"), dsap,
	    (dsap_f & LLC_IG) ? "Group" : "Individual",
	    tok_or(llc_sap_names, ssap, "Unknown"), ssap,
	    (ssap_f & LLC_GSAP) ? "Response" : "Command");
	nd_putf(c, is_u ? "ctrl 0x%02x: " : "ctrl 0x%04x: ", control);
}

/*
 * A SNAP header (an OUI and a protocol id) and what it carries, in the
 * length bytes of s: true when a printer printed it.
 */
static bool
print_snap(struct ctx *c, const struct span *s, uint32_t length)
{
	unsigned int oui_hi, oui_lo, pid;
	uint32_t oui;
	struct span rest;

	if (length < SNAP_HDR_LEN || !get_be16(s, 0, &oui_hi) ||
	    !get_u8(s, 2, &oui_lo) || !get_be16(s, 3, &pid))
		return false;
	oui = (uint32_t)oui_hi << 8 | oui_lo;
	if (nd_eflag(c))
		nd_putf(c, "oui %s (0x%06x), %s %s (0x%04x), length %u: ",
		    tok_or(oui_names, oui, "Unknown"), oui,
		    oui == OUI_ETHER ? "ethertype" : "pid",
		    oui == OUI_ETHER ? nd_ethertype_name(pid, "Unknown") :
		    oui == OUI_CISCO ? tok_or(cisco_pids, pid, "Unknown") :
		    "Unknown", pid, length - SNAP_HDR_LEN);
	if (oui != OUI_CISCO)
		return false;
	rest = sub(s, SNAP_HDR_LEN, length - SNAP_HDR_LEN);
	/* Cisco's PVST+ BPDUs, and UDLD. */
	if (pid == PID_CISCO_PVST || pid == PID_CISCO_VLANBRIDGE)
		nd_print_stp(c, &rest, length - SNAP_HDR_LEN);
	else if (pid == PID_CISCO_UDLD)
		nd_print_udld(c, &rest, length - SNAP_HDR_LEN);
	else
		return false;
	return true;
}

/*
 * An 802.3 frame of length bytes (its length field) in s: true when its
 * LLC header names a printer that printed it.  The LLC header (and a SNAP
 * one) is the link layer's: the dump starts after it, as tcpdump's does.
 */
static bool
print_llc(struct ctx *c, const struct span *s, uint32_t length)
{
	unsigned int dsap_f, ssap_f, control, dsap, ssap;
	size_t i, hl = LLC_HDR_LEN;
	struct span rest;
	bool is_u;

	if (length < LLC_HDR_LEN || !get_u8(s, 0, &dsap_f) ||
	    !get_u8(s, 1, &ssap_f) || !get_u8(s, 2, &control))
		return false;
	is_u = (control & LLC_U_FMT) == LLC_U_FMT;
	if (!is_u) {
		/* I and S frames: two control bytes, little-endian. */
		unsigned int hi;

		if (length < LLC_HDR_LEN + 1 || !get_u8(s, 3, &hi))
			return false;
		control |= hi << 8;
		hl++;
	}
	if (nd_eflag(c))
		put_llc_hdr(c, dsap_f, ssap_f, control, is_u);
	c->net_off += hl;
	/* The group and command/response bits are not part of the SAP. */
	dsap = dsap_f & ~LLC_IG;
	ssap = ssap_f & ~LLC_GSAP;
	if (dsap != ssap || control != LLC_UI)
		return false;
	rest = sub(s, hl, length - hl);
	if (dsap == LLCSAP_SNAP) {
		c->net_off += SNAP_HDR_LEN;
		return print_snap(c, &rest, length - (uint32_t)hl);
	}
	for (i = 0; i < sizeof(llcsaps) / sizeof(llcsaps[0]); i++)
		if (llcsaps[i].sap == dsap) {
			llcsaps[i].print(c, &rest, length - (uint32_t)hl);
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
	int ret;

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
		ret = nd_print_macsec(c, &s, off + 2, &length, &end, &tag);
		if (ret >= 0) {
			/* An encrypted frame's dump starts after the SecTAG. */
			nd_j_close(c);
			c->net_off = ret == 0 ? off + 2 + tag : s.n;
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
		/* The length field, if the frame holds that much. */
		uint32_t llclen = type < length ? type : length;

		if (e) {
			nd_puts(c, "802.3");
			if (!said_length)
				nd_putf(c, ", length %u: ", llclen);
		}
		rest = sub(&s, off, llclen);
		if (print_llc(c, &rest, llclen) || e)
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
