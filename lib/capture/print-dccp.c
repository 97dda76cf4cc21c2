/*
 * print-dccp.c - DCCP (RFC 4340): addresses and ports, the packet type,
 * the service code of a request or response, the reset code, and the
 * acknowledgement number, as tcpdump prints them without -v.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#include "decode-int.h"

#define DCCP_HDR_LEN		12	/* the generic header, X = 0 */
#define DCCP_HDR_EXT_LEN	16	/* X = 1: 48-bit sequence numbers */

enum {
	DCCP_PKT_REQUEST, DCCP_PKT_RESPONSE, DCCP_PKT_DATA, DCCP_PKT_ACK,
	DCCP_PKT_DATAACK, DCCP_PKT_CLOSEREQ, DCCP_PKT_CLOSE, DCCP_PKT_RESET,
	DCCP_PKT_SYNC, DCCP_PKT_SYNCACK
};

/* By packet type: its name, and the bytes past the generic header. */
static const struct {
	const char *name;
	unsigned int extra;
} types[] = {
	{ "DCCP-Request", 4 }, { "DCCP-Response", 12 }, { "DCCP-Data", 0 },
	{ "DCCP-Ack", 8 }, { "DCCP-DataAck", 8 }, { "DCCP-CloseReq", 8 },
	{ "DCCP-Close", 8 }, { "DCCP-Reset", 12 }, { "DCCP-Sync", 8 },
	{ "DCCP-SyncAck", 8 },
};

static const char *const reset_codes[] = {
	"unspecified", "closed", "aborted", "no_connection", "packet_error",
	"option_error", "mandatory_error", "connection_refused",
	"bad_service_code", "too_busy", "bad_init_cookie",
	"aggression_penalty",
};

/*
 * -v: the CCVal and checksum coverage fields, and the checksum over what
 * the coverage says (the whole packet when it is 0).
 */
static void
dccp_verbose(struct ctx *c, const struct span *s, uint32_t len,
    const struct ipinfo *ip)
{
	unsigned int cc, doff, field, sum;
	size_t cov = len;

	(void)get_u8(s, 4, &doff);
	(void)get_u8(s, 5, &cc);
	nd_putf(c, " (CCVal %u, CsCov %u", cc >> 4, cc & 15);
	if (has(s, 0, len)) {
		if ((cc & 15) != 0) {
			cov = ((size_t)doff + (cc & 15) - 1) * 4;
			if (cov > len)
				cov = len;
		}
		(void)get_be16(s, 6, &field);
		sum = nd_ip_cksum_cov(ip, ND_IPPROTO_DCCP, s->p, len, cov);
		nd_putf(c, ", cksum 0x%04x ", field);
		if (sum != 0)
			nd_putf(c, "(incorrect -> 0x%04x)",
			    nd_cksum_shouldbe(field, sum));
		else
			nd_puts(c, "(correct)");
	}
	nd_put(c, ")", 1);
}

void
nd_print_dccp(struct ctx *c, const struct span *s, uint32_t len,
    const struct ipinfo *ip)
{
	unsigned int sport, dport, xtr, type, v, hlen;
	uint32_t v32, hi;
	uint64_t ack;

	if (!has(s, 0, DCCP_HDR_LEN)) {
		nd_trunc(c, "dccp");
		return;
	}
	if (len < DCCP_HDR_LEN) {
		nd_putf(c, "truncated-dccp - %u bytes missing!",
		    DCCP_HDR_LEN - len);
		return;
	}
	(void)get_u8(s, 8, &xtr);
	hlen = xtr & 1 ? DCCP_HDR_EXT_LEN : DCCP_HDR_LEN;
	if (len < hlen) {
		nd_putf(c, "truncated-dccp - %u bytes missing!", hlen - len);
		return;
	}
	if (!has(s, 0, hlen)) {
		nd_trunc(c, "dccp");
		return;
	}
	(void)get_be16(s, 0, &sport);
	(void)get_be16(s, 2, &dport);
	nd_put_ip(c, ip->version, ip->src);
	nd_putf(c, ".%u > ", sport);
	nd_put_ip(c, ip->version, ip->dst);
	nd_putf(c, ".%u: DCCP", dport);
	if (nd_vflag(c))
		dccp_verbose(c, s, len, ip);
	nd_put(c, " ", 1);
	type = xtr >> 1 & 15;
	if (type >= sizeof(types) / sizeof(types[0])) {
		nd_putf(c, "unknown-type-%u ", type);
	} else {
		if (len < hlen + types[type].extra) {
			nd_putf(c, "truncated-%s - %u bytes missing!",
			    types[type].name, hlen + types[type].extra - len);
			return;
		}
		switch (type) {
		case DCCP_PKT_REQUEST:
		case DCCP_PKT_RESPONSE:
			if (!get_be32(s, hlen + (type == DCCP_PKT_REQUEST ?
			    0 : 8), &v32))
				goto trunc;
			nd_putf(c, "%s (service=%u) ", types[type].name, v32);
			break;
		case DCCP_PKT_RESET:
			if (!get_u8(s, hlen + 8, &v))
				goto trunc;
			nd_putf(c, "%s (code=%s) ", types[type].name,
			    v < sizeof(reset_codes) / sizeof(reset_codes[0]) ?
			    reset_codes[v] : "invalid");
			break;
		default:
			nd_putf(c, "%s ", types[type].name);
			break;
		}
	}
	if (type == DCCP_PKT_DATA || type == DCCP_PKT_REQUEST)
		return;
	/* The acknowledgement number: 24 or 48 bits after a reserved
	 * field. */
	if (xtr & 1) {
		if (!get_be16(s, hlen + 2, &v) || !get_be32(s, hlen + 4, &v32))
			goto trunc;
		ack = (uint64_t)v << 32 | v32;
	} else {
		if (!get_be32(s, hlen, &hi))
			goto trunc;
		ack = hi & 0xffffff;
	}
	nd_putf(c, "(ack=%" PRIu64 ") ", ack);
	return;
trunc:
	nd_trunc(c, "dccp");
}
