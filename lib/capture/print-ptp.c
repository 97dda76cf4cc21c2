/*
 * print-ptp.c - the Precision Time Protocol (IEEE 1588-2008) on EtherType
 * 0x88f7 and UDP ports 319 and 320: version 2's common header and each
 * message's body, in tcpdump 4.99's words (which it prints without -v).
 */
#include <stdint.h>

#include "decode-int.h"

#define PTP_HDR_LEN		34
#define PTP_V1_COMPAT		0x10
#define PTP_MSG_TYPE_MASK	0x0f
#define PTP_VER_1		1
#define PTP_VER_2		2

/* Message types (IEEE 1588-2008 13.3.2.2). */
#define M_SYNC			0x0
#define M_DELAY_REQ		0x1
#define M_PDELAY_REQ		0x2
#define M_PDELAY_RESP		0x3
#define M_FOLLOW_UP		0x8
#define M_DELAY_RESP		0x9
#define M_PDELAY_RESP_FOLLOW_UP	0xa
#define M_ANNOUNCE		0xb
#define M_SIGNALING		0xc
#define M_MANAGEMENT		0xd

static const struct nd_tok ptp_msg_types[] = {
	{ M_SYNC, "sync msg" }, { M_DELAY_REQ, "delay req msg" },
	{ M_PDELAY_REQ, "peer delay req msg" },
	{ M_PDELAY_RESP, "peer delay resp msg" },
	{ M_FOLLOW_UP, "follow up msg" }, { M_DELAY_RESP, "delay resp msg" },
	{ M_PDELAY_RESP_FOLLOW_UP, "pdelay resp fup msg" },
	{ M_ANNOUNCE, "announce msg" }, { M_SIGNALING, "signalling msg" },
	{ M_MANAGEMENT, "management msg" }, { 0, NULL },
};

/* The control field (13.3.2.10), kept for version 1's hardware. */
static const struct nd_tok ptp_controls[] = {
	{ 0, "Sync" }, { 1, "Delay_Req" }, { 2, "Follow_Up" },
	{ 3, "Delay_Resp" }, { 4, "Management" }, { 5, "Other" },
	{ 0, NULL },
};

static const struct nd_tok ptp_flags[] = {
	{ 0x0001, "l1 61" }, { 0x0002, "l1 59" },
	{ 0x0004, "utc reasonable" }, { 0x0008, "timescale" },
	{ 0x0010, "time tracable" }, { 0x0020, "frequency tracable" },
	{ 0x0100, "alternate master" }, { 0x0200, "two step" },
	{ 0x0400, "unicast" }, { 0x1000, "profile specific 1" },
	{ 0x2000, "profile specific 2" }, { 0x4000, "security mask" },
	{ 0, NULL },
};

static const char p_porigin_ts[] = "preciseOriginTimeStamp";
static const char p_origin_ts[] = "originTimeStamp";
static const char p_recv_ts[] = "receiveTimeStamp";

static bool
get_be48(const struct span *s, size_t off, uint64_t *v)
{
	unsigned int hi;
	uint32_t lo;

	*v = 0;
	if (!get_be16(s, off, &hi) || !get_be32(s, off + 2, &lo))
		return false;
	*v = (uint64_t)hi << 32 | lo;
	return true;
}

static bool
get_be64(const struct span *s, size_t off, uint64_t *v)
{
	uint32_t hi, lo;

	*v = 0;
	if (!get_be32(s, off, &hi) || !get_be32(s, off + 4, &lo))
		return false;
	*v = (uint64_t)hi << 32 | lo;
	return true;
}

/* ", NAME : S seconds, N nanoseconds" (the comma left out in an
 * announce message, as tcpdump leaves it out); false if cut short. */
static bool
put_timestamp(struct ctx *c, const struct span *s, const char *name,
    bool comma)
{
	uint64_t secs;
	uint32_t nsecs;

	nd_putf(c, ", %s :", name);
	if (!get_be48(s, 0, &secs))
		return false;
	nd_putf(c, " %llu seconds%s", (unsigned long long)secs,
	    comma ? "," : "");
	if (!get_be32(s, 6, &nsecs))
		return false;
	nd_putf(c, " %u nanoseconds", nsecs);
	return true;
}

/* ", port identity : 0x..., port id : N" at off. */
static bool
put_port_id(struct ctx *c, const struct span *s, size_t off)
{
	uint64_t id;
	unsigned int port;

	if (!get_be64(s, off, &id))
		return false;
	nd_putf(c, ", port identity : 0x%llx", (unsigned long long)id);
	if (!get_be16(s, off + 8, &port))
		return false;
	nd_putf(c, ", port id : %u", port);
	return true;
}

static bool
put_timestamp_identity(struct ctx *c, const struct span *s,
    const char *name)
{
	return put_timestamp(c, s, name, true) && put_port_id(c, s, 10);
}

static bool
put_announce(struct ctx *c, const struct span *s)
{
	unsigned int utc, rsvd, prio1, cls, acc, var, prio2, steps, src;
	uint64_t gm;

	if (!put_timestamp(c, s, p_origin_ts, false))
		return false;
	if (!get_be16(s, 10, &utc))
		return false;
	nd_putf(c, ", origin cur utc :%u", utc);
	if (!get_u8(s, 12, &rsvd))
		return false;
	nd_putf(c, ", rsvd : %u", rsvd);
	if (!get_u8(s, 13, &prio1))
		return false;
	nd_putf(c, ", gm priority_1 : %u", prio1);
	if (!get_u8(s, 14, &cls))
		return false;
	nd_putf(c, ", gm clock class : %u", cls);
	if (!get_u8(s, 15, &acc))
		return false;
	nd_putf(c, ", gm clock accuracy : %u", acc);
	if (!get_be16(s, 16, &var))
		return false;
	nd_putf(c, ", gm clock variance : %u", var);
	if (!get_u8(s, 18, &prio2))
		return false;
	nd_putf(c, ", gm priority_2 : %u", prio2);
	if (!get_be64(s, 19, &gm))
		return false;
	nd_putf(c, ", gm clock id : 0x%llx", (unsigned long long)gm);
	if (!get_be16(s, 27, &steps))
		return false;
	nd_putf(c, ", steps removed : %u", steps);
	if (!get_u8(s, 29, &src))
		return false;
	nd_putf(c, ", time source : 0x%x", src);
	return true;
}

/*
 * A management message: the target port, then four one-byte fields.
 * tcpdump 4.99 reads all four from the target port's first byte and
 * doubles their commas; its words are kept.
 */
static bool
put_management(struct ctx *c, const struct span *s)
{
	unsigned int b;

	if (!put_port_id(c, s, 0) || !get_u8(s, 0, &b))
		return false;
	nd_putf(c, ", , start boundary hops  %u, , boundary hops  %u", b, b);
	nd_putf(c, ", , flags  0x%x, , reserved  0x%x", b, b);
	return true;
}

/* Version 2's common header, then the body; false if cut short. */
static bool
print_v2(struct ctx *c, const struct span *s)
{
	unsigned int foct, type, msglen, domain, rsvd1, flags, sns, port, seq;
	unsigned int control, lmi;
	uint64_t ns, clk;
	uint32_t rsvd2;
	const char *name;
	struct span body;

	if (!get_u8(s, 0, &foct))
		return false;
	type = foct & PTP_MSG_TYPE_MASK;
	name = nd_tok_str(ptp_msg_types, type);
	nd_putf(c, ", v1 compat : %s, msg type : %s",
	    (foct & PTP_V1_COMPAT) ? "yes" : "no",
	    name != NULL ? name : "Reserved");
	if (!get_be16(s, 2, &msglen))
		return false;
	nd_putf(c, ", length : %u", msglen);
	if (!get_u8(s, 4, &domain) || !get_u8(s, 5, &rsvd1))
		return false;
	nd_putf(c, ", domain : %u, reserved1 : %u", domain, rsvd1);
	if (!get_be16(s, 6, &flags))
		return false;
	nd_puts(c, ", Flags [");
	nd_put_bits(c, ptp_flags, flags, ", ", "none");
	nd_puts(c, "]");
	if (!get_be48(s, 8, &ns))
		return false;
	nd_putf(c, ", NS correction : %llu", (unsigned long long)ns);
	if (!get_be16(s, 14, &sns))
		return false;
	nd_putf(c, ", sub NS correction : %u", sns);
	if (!get_be32(s, 16, &rsvd2))
		return false;
	nd_putf(c, ", reserved2 : %u", rsvd2);
	if (!get_be64(s, 20, &clk))
		return false;
	nd_putf(c, ", clock identity : 0x%llx", (unsigned long long)clk);
	if (!get_be16(s, 28, &port))
		return false;
	nd_putf(c, ", port id : %u", port);
	if (!get_be16(s, 30, &seq))
		return false;
	nd_putf(c, ", seq id : %u", seq);
	if (!get_u8(s, 32, &control))
		return false;
	name = nd_tok_str(ptp_controls, control);
	nd_putf(c, ", control : %u (%s)", control,
	    name != NULL ? name : "Reserved");
	if (!get_u8(s, 33, &lmi))
		return false;
	nd_putf(c, ", log message interval : %u", lmi);
	body = sub(s, PTP_HDR_LEN, SIZE_MAX);
	switch (type) {
	case M_SYNC:
	case M_DELAY_REQ:
		return put_timestamp(c, &body, p_origin_ts, true);
	case M_FOLLOW_UP:
		return put_timestamp(c, &body, p_porigin_ts, true);
	case M_PDELAY_REQ:
	case M_PDELAY_RESP_FOLLOW_UP:
		return put_timestamp_identity(c, &body, p_porigin_ts);
	case M_PDELAY_RESP:
	case M_DELAY_RESP:
		return put_timestamp_identity(c, &body, p_recv_ts);
	case M_ANNOUNCE:
		return put_announce(c, &body);
	case M_SIGNALING:
		return put_port_id(c, &body, 0);
	case M_MANAGEMENT:
		return put_management(c, &body);
	default:
		return true;
	}
}

void
nd_print_ptp(struct ctx *c, const struct span *s, uint32_t length)
{
	unsigned int vers;

	if (length < PTP_HDR_LEN) {
		nd_putf(c, " [length %u < %u] (invalid)", length, PTP_HDR_LEN);
		return;
	}
	if (!get_u8(s, 1, &vers)) {
		nd_trunc_longjmp(c, "ptp");
		return;
	}
	nd_putf(c, "PTPv%u", vers);
	if (vers == PTP_VER_1)
		nd_puts(c, " (not implemented)");
	else if (vers == PTP_VER_2 && !print_v2(c, s))
		nd_trunc_longjmp(c, "ptp");
}
