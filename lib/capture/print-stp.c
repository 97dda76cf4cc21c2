/*
 * print-stp.c - the spanning tree protocols' BPDUs (IEEE 802.1D, 802.1w
 * rapid, 802.1s multiple, 802.1aq shortest path bridging), carried in
 * 802.2 LLC: the version, the BPDU type, the flags, the bridge and port,
 * as tcpdump prints them without -v.
 */
#include <stdint.h>

#include "decode-int.h"

#define STP_PROTO_REGULAR	0x00
#define STP_PROTO_RAPID		0x02
#define STP_PROTO_MSTP		0x03
#define STP_PROTO_SPB		0x04

#define STP_BPDU_TYPE_CONFIG	0x00
#define STP_BPDU_TYPE_RSTP	0x02

#define STP_BPDU_LEN		36	/* a configuration BPDU, v1 length */
#define STP_BPDU_MSTP_MIN_LEN	102
#define MST_BPDU_VER3_LEN_OFFSET 36
#define SPB_BPDU_MIN_LEN	87

static const struct nd_tok stp_versions[] = {
	{ STP_PROTO_REGULAR, "802.1d" }, { STP_PROTO_RAPID, "802.1w" },
	{ STP_PROTO_MSTP, "802.1s" }, { STP_PROTO_SPB, "802.1aq" },
	{ 0, NULL },
};

static const struct nd_tok stp_types[] = {
	{ STP_BPDU_TYPE_CONFIG, "Config" }, { STP_BPDU_TYPE_RSTP, "Rapid STP" },
	{ 0x80, "Topology Change" },
	{ 0, NULL },
};

static const struct nd_tok stp_flags[] = {
	{ 0x01, "Topology change" }, { 0x02, "Proposal" }, { 0x10, "Learn" },
	{ 0x20, "Forward" }, { 0x40, "Agreement" },
	{ 0x80, "Topology change ACK" },
	{ 0, NULL },
};

/* ", Flags [...], bridge-id PPPP.MAC.PORT, length N" */
static bool
print_config(struct ctx *c, const struct span *s, uint32_t length)
{
	const unsigned char *b;
	unsigned int flags, port;

	if (!get_u8(s, 4, &flags))
		return false;
	nd_puts(c, ", Flags [");
	nd_put_bits(c, stp_flags, flags, ", ", "none");
	nd_put(c, "]", 1);
	if ((b = get_bytes(s, 17, 8)) == NULL || !get_be16(s, 25, &port))
		return false;
	nd_putf(c, ", bridge-id %02x%02x.", b[0], b[1]);
	nd_put_mac(c, b + 2, 6);
	nd_putf(c, ".%04x, length %u", port, length);
	return true;
}

/* The multiple spanning tree's lengths, checked as tcpdump checks them;
 * false when they do not hold. */
static bool
mstp_valid(const struct span *s, uint32_t length, unsigned int version,
    bool *cut)
{
	unsigned int v1len, v3len, v4len;

	if (length < STP_BPDU_MSTP_MIN_LEN)
		return false;
	*cut = true;
	if (!get_u8(s, 35, &v1len))
		return false;
	if (v1len != 0)
		goto invalid;
	if (!get_be16(s, MST_BPDU_VER3_LEN_OFFSET, &v3len))
		return false;
	v3len += 2;
	if (length < STP_BPDU_LEN + v3len)
		goto invalid;
	if (version == STP_PROTO_SPB) {
		if (!get_be16(s, MST_BPDU_VER3_LEN_OFFSET + v3len, &v4len))
			return false;
		v4len += 2;
		if (length < STP_BPDU_LEN + v3len + v4len ||
		    v4len < SPB_BPDU_MIN_LEN)
			goto invalid;
	}
	*cut = false;
	return true;
invalid:
	*cut = false;
	return false;
}

void
nd_print_stp(struct ctx *c, const struct span *s, uint32_t length)
{
	unsigned int id, version, type, flags;
	const char *name;
	bool cut = false;

	if (length < 4)
		goto invalid;
	if (!get_be16(s, 0, &id))
		goto trunc;
	if (id != 0) {
		nd_putf(c, "unknown STP version, length %u", length);
		return;
	}
	if (!get_u8(s, 2, &version))
		goto trunc;
	if ((name = nd_tok_str(stp_versions, version)) != NULL)
		nd_putf(c, "STP %s", name);
	else {
		nd_putf(c, "STP Unknown STP protocol (0x%02x)", version);
		return;
	}
	if (!get_u8(s, 3, &type))
		goto trunc;
	if ((name = nd_tok_str(stp_types, type)) != NULL)
		nd_putf(c, ", %s", name);
	else
		nd_putf(c, ", Unknown BPDU Type (0x%02x)", type);
	if (type == STP_BPDU_TYPE_CONFIG) {
		if (length < STP_BPDU_LEN - 1)
			goto invalid;
		if (!print_config(c, s, length))
			goto trunc;
	} else if (type == STP_BPDU_TYPE_RSTP &&
	    version == STP_PROTO_RAPID) {
		if (length < STP_BPDU_LEN)
			goto invalid;
		if (!print_config(c, s, length))
			goto trunc;
	} else if (type == STP_BPDU_TYPE_RSTP &&
	    (version == STP_PROTO_MSTP || version == STP_PROTO_SPB)) {
		if (!mstp_valid(s, length, version, &cut)) {
			if (cut)
				goto trunc;
			goto invalid;
		}
		if (!get_u8(s, 4, &flags))
			goto trunc;
		nd_puts(c, ", CIST Flags [");
		nd_put_bits(c, stp_flags, flags, ", ", "none");
		nd_putf(c, "], length %u", length);
	}
	return;
invalid:
	nd_puts(c, " (invalid)");
	return;
trunc:
	nd_trunc_longjmp(c, "stp");
}
