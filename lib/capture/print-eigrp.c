/*
 * print-eigrp.c - Cisco's EIGRP (RFC 7868): the message type, as tcpdump
 * prints it without -v.
 */
#include <stdint.h>

#include "decode-int.h"

#define EIGRP_VERSION		2
#define EIGRP_HDR_LEN		20

static const struct nd_tok eigrp_opcodes[] = {
	{ 1, "Update" },
	{ 3, "Query" },
	{ 4, "Reply" },
	{ 5, "Hello" },
	{ 6, "IPX SAP" },
	{ 7, "Probe" },
	{ 0, NULL },
};

void
nd_print_eigrp(struct ctx *c, const struct span *s, uint32_t length,
    const struct ipinfo *ip)
{
	unsigned int version, opcode;
	const char *name;

	(void)ip;
	if (!has(s, 0, EIGRP_HDR_LEN)) {
		nd_trunc(c, "eigrp");
		return;
	}
	(void)get_u8(s, 0, &version);
	(void)get_u8(s, 1, &opcode);
	if (version != EIGRP_VERSION) {
		nd_putf(c, "EIGRP version %u packet not supported", version);
		return;
	}
	name = nd_tok_str(eigrp_opcodes, opcode);
	if (name != NULL)
		nd_putf(c, "EIGRP %s, length: %u", name, length);
	else
		nd_putf(c, "EIGRP unknown (%u), length: %u", opcode, length);
}
