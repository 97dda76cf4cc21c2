/*
 * print-openflow.c - OpenFlow (versions 1.0 and 1.3 named, the others
 * numbered) on TCP ports 6633 and 6653: one continuation line per message
 * in the segment with its version, type, length and transaction id, as
 * tcpdump prints them without -v.  The bodies are not decoded.
 */
#include <stdint.h>

#include "decode-int.h"

#define OF_HEADER_FIXLEN	8
#define OF_VER_1_0		0x01
#define OF_VER_1_3		0x04

static const char *const of10_types[] = {
	"HELLO", "ERROR", "ECHO_REQUEST", "ECHO_REPLY", "VENDOR",
	"FEATURES_REQUEST", "FEATURES_REPLY", "GET_CONFIG_REQUEST",
	"GET_CONFIG_REPLY", "SET_CONFIG", "PACKET_IN", "FLOW_REMOVED",
	"PORT_STATUS", "PACKET_OUT", "FLOW_MOD", "PORT_MOD", "STATS_REQUEST",
	"STATS_REPLY", "BARRIER_REQUEST", "BARRIER_REPLY",
	"QUEUE_GET_CONFIG_REQUEST", "QUEUE_GET_CONFIG_REPLY",
};

static const char *const of13_types[] = {
	"HELLO", "ERROR", "ECHO_REQUEST", "ECHO_REPLY", "EXPERIMENTER",
	"FEATURES_REQUEST", "FEATURES_REPLY", "GET_CONFIG_REQUEST",
	"GET_CONFIG_REPLY", "SET_CONFIG", "PACKET_IN", "FLOW_REMOVED",
	"PORT_STATUS", "PACKET_OUT", "FLOW_MOD", "GROUP_MOD", "PORT_MOD",
	"TABLE_MOD", "MULTIPART_REQUEST", "MULTIPART_REPLY", "BARRIER_REQUEST",
	"BARRIER_REPLY", "QUEUE_GET_CONFIG_REQUEST", "QUEUE_GET_CONFIG_REPLY",
	"ROLE_REQUEST", "ROLE_REPLY", "GET_ASYNC_REQUEST", "GET_ASYNC_REPLY",
	"SET_ASYNC", "METER_MOD",
};

static const struct nd_tok of_versions[] = {
	{ 0x01, "1.0" }, { 0x02, "1.1" }, { 0x03, "1.2" }, { 0x04, "1.3" },
	{ 0x05, "1.4" }, { 0x06, "1.5" },
	{ 0, NULL },
};

static const char *
type_name(unsigned int version, unsigned int type)
{
	if (version == OF_VER_1_0 &&
	    type < sizeof(of10_types) / sizeof(of10_types[0]))
		return of10_types[type];
	if (version == OF_VER_1_3 &&
	    type < sizeof(of13_types) / sizeof(of13_types[0]))
		return of13_types[type];
	return NULL;
}

void
nd_print_openflow(struct ctx *c, const struct span *s, uint32_t len)
{
	unsigned int version, type, length;
	const char *name;
	size_t off = 0;
	uint32_t xid;

	nd_puts(c, ": OpenFlow");
	while (len > 0) {
		if (!get_u8(s, off, &version))
			goto trunc;
		off++;
		len--;
		if ((name = nd_tok_str(of_versions, version)) != NULL)
			nd_putf(c, "\n\tversion %s", name);
		else
			nd_putf(c, "\n\tversion unknown (0x%02x)", version);
		if (len < 1)
			goto partial;
		if (!get_u8(s, off, &type))
			goto trunc;
		off++;
		len--;
		if ((name = type_name(version, type)) != NULL)
			nd_putf(c, ", type %s", name);
		else
			nd_putf(c, ", type unknown (0x%02x)", type);
		if (len < 2)
			goto partial;
		if (!get_be16(s, off, &length))
			goto trunc;
		off += 2;
		len -= 2;
		nd_putf(c, ", length %u%s", length,
		    length < OF_HEADER_FIXLEN ? " (too short!)" : "");
		if (len < 4)
			goto partial;
		if (!get_be32(s, off, &xid))
			goto trunc;
		off += 4;
		len -= 4;
		nd_putf(c, ", xid 0x%08x", xid);
		if (length < OF_HEADER_FIXLEN) {
			nd_puts(c, " (invalid)");
			if (!has(s, off, len))
				goto trunc;
			return;
		}
		length -= OF_HEADER_FIXLEN;
		if (!has(s, off, length))
			goto trunc;
		if (length > len)
			break;
		off += length;
		len -= length;
	}
	return;
partial:
	nd_puts(c, " (end of TCP payload)");
	if (!has(s, off, len))
		goto trunc;
	return;
trunc:
	nd_trunc_longjmp(c, "openflow");
}
