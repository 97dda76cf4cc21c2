/*
 * print-icmp6.c - ICMPv6 (RFC 4443), neighbour discovery (RFC 4861) and
 * multicast listener discovery (RFC 2710, 3810), as tcpdump prints them.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "decode-int.h"

static const char *
icmp6_name(unsigned int type)
{
	switch (type) {
	case 1: return "destination unreachable";
	case 2: return "packet too big";
	case 3: return "time exceeded";
	case 4: return "parameter problem";
	case 128: return "echo request";
	case 129: return "echo reply";
	case 130: return "multicast listener query";
	case 131: return "multicast listener report";
	case 132: return "multicast listener done";
	case 133: return "router solicitation";
	case 134: return "router advertisement";
	case 135: return "neighbor solicitation";
	case 136: return "neighbor advertisement";
	case 137: return "redirect";
	case 138: return "router renumbering";
	case 139: return "who-are-you request";
	case 140: return "who-are-you reply";
	case 141: return "inverse neighbor solicitation";
	case 142: return "inverse neighbor advertisement";
	case 143: return "multicast listener report v2";
	case 144: return "ha discovery request";
	case 145: return "ha discovery reply";
	case 146: return "mobile router solicitation";
	case 147: return "mobile router advertisement";
	case 151: return "multicast router advertisement";
	case 152: return "multicast router solicitation";
	case 153: return "multicast router termination";
	case 155: return "RPL";
	default: return NULL;
	}
}

/* In the IPv6 packet quoted by an ICMPv6 error at off, the transport
 * protocol and where its header starts; false if cut short. */
static bool
inner_upper(const struct span *s, size_t off, unsigned int *proto,
    size_t *at)
{
	unsigned int nh, len;
	int hops;

	if (!get_u8(s, off + 6, &nh))
		return false;
	off += 40;
	for (hops = 0; hops < 16; hops++) {
		switch (nh) {
		case 0: case 43: case 60:
			if (!get_u8(s, off, &nh) || !get_u8(s, off + 1, &len))
				return false;
			off += ((size_t)len + 1) * 8;
			break;
		case 44:
			if (!get_u8(s, off, &nh))
				return false;
			off += 8;
			break;
		default:
			*proto = nh;
			*at = off;
			return true;
		}
	}
	return false;
}

void
nd_print_icmp6(struct ctx *c, const struct span *s, uint32_t length,
    const struct ipinfo *ip)
{
	unsigned int type, code, v1, v2, proto;
	const unsigned char *a, *b;
	const char *name;
	uint32_t v32;
	size_t at;

	(void)ip;
	if (!get_u8(s, 0, &type)) {
		nd_trunc(c, "icmp6");
		return;
	}
	name = icmp6_name(type);
	nd_puts(c, "ICMP6, ");
	if (name != NULL)
		nd_puts(c, name);
	else
		nd_putf(c, "unknown icmp6 type (%u)", type);
	if (!get_u8(s, 1, &code))
		goto trunc;
	nd_j_open(c, "icmp6");
	nd_j_uint(c, "type", type);
	nd_j_uint(c, "code", code);
	nd_j_close(c);
	switch (type) {
	case 1:
		switch (code) {
		case 0: nd_puts(c, ", unreachable route"); break;
		case 1: nd_puts(c, ",  unreachable prohibited"); break;
		case 2: nd_puts(c, ", beyond scope"); break;
		case 3: nd_puts(c, ", unreachable address"); break;
		case 4: nd_puts(c, ", unreachable port"); break;
		default: nd_putf(c, ", unknown unreach code (%u)", code); break;
		}
		switch (code) {
		case 0: case 1: case 3:
			if ((a = get_bytes(s, 8 + 24, 16)) == NULL)
				goto trunc;
			nd_put(c, " ", 1);
			nd_put_ip(c, 6, a);
			break;
		case 2:
			if ((a = get_bytes(s, 8 + 24, 16)) == NULL ||
			    (b = get_bytes(s, 8 + 8, 16)) == NULL)
				goto trunc;
			nd_put(c, " ", 1);
			nd_put_ip(c, 6, a);
			nd_puts(c, ", source address ");
			nd_put_ip(c, 6, b);
			break;
		case 4:
			if ((a = get_bytes(s, 8 + 24, 16)) == NULL ||
			    !inner_upper(s, 8, &proto, &at) ||
			    !get_be16(s, at + 2, &v1))
				goto trunc;
			nd_put(c, ", ", 2);
			nd_put_ip(c, 6, a);
			if (proto == ND_IPPROTO_TCP || proto == ND_IPPROTO_UDP)
				nd_putf(c, " %s port %u", proto ==
				    ND_IPPROTO_TCP ? "tcp" : "udp", v1);
			else
				nd_putf(c, " protocol %u port %u unreachable",
				    proto, v1);
			break;
		default:
			break;
		}
		break;
	case 2:
		if (!get_be32(s, 4, &v32))
			goto trunc;
		nd_puts(c, ", mtu ");
		nd_putu(c, v32);
		break;
	case 3:
		if (code == 0) {
			if ((a = get_bytes(s, 8 + 24, 16)) == NULL)
				goto trunc;
			nd_puts(c, " for ");
			nd_put_ip(c, 6, a);
		} else if (code == 1)
			nd_puts(c, " (reassembly)");
		else
			nd_putf(c, ", unknown code (%u)", code);
		break;
	case 4:
		if (get_bytes(s, 8 + 24, 16) == NULL || !get_be32(s, 4, &v32))
			goto trunc;
		switch (code) {
		case 0: nd_putf(c, ", erroneous - octet %u", v32); break;
		case 1: nd_putf(c, ", next header - octet %u", v32); break;
		case 2: nd_putf(c, ", option - octet %u", v32); break;
		case 3: nd_putf(c, ", incomplete header chain - octet %u", v32);
			break;
		default: nd_putf(c, ", code-#%u", code); break;
		}
		break;
	case 128:
	case 129:
		if (!get_be16(s, 4, &v1) || !get_be16(s, 6, &v2))
			goto trunc;
		nd_putf(c, ", id %u, seq %u", v1, v2);
		break;
	case 130:
		if (length >= 28) {
			/* MLDv2 (RFC 3810): the group, and how many
			 * sources. */
			if ((a = get_bytes(s, 8, 16)) == NULL ||
			    !get_be16(s, 26, &v1))
				goto trunc;
			nd_puts(c, " v2 [gaddr ");
			nd_put_ip(c, 6, a);
			if (v1 > 0 && length < 28 + (uint32_t)v1 * 16)
				nd_puts(c, " [invalid number of sources]");
			else if (v1 > 0)
				nd_putf(c, ", %u source(s)", v1);
			nd_puts(c, "]");
			break;
		}
		if (length != 24) {
			nd_putf(c, " unknown-version (len %u) ", length);
			break;
		}
		/* FALLTHROUGH */
	case 131:
	case 132:
		if (!get_be16(s, 4, &v1) || (a = get_bytes(s, 8, 16)) == NULL)
			goto trunc;
		nd_putf(c, "max resp delay: %u addr: ", v1);
		nd_put_ip(c, 6, a);
		break;
	case 133:
	case 134:
		break;
	case 135:
	case 136:
		if ((a = get_bytes(s, 8, 16)) == NULL)
			goto trunc;
		nd_puts(c, type == 135 ? ", who has " : ", tgt is ");
		nd_put_ip(c, 6, a);
		break;
	case 137:
		if ((a = get_bytes(s, 8, 16)) == NULL ||
		    (b = get_bytes(s, 24, 16)) == NULL)
			goto trunc;
		nd_put(c, ", ", 2);
		nd_put_ip(c, 6, b);
		nd_puts(c, " to ");
		nd_put_ip(c, 6, a);
		break;
	case 155:
		/* RPL (RFC 6550): the message, not its fields. */
		if (code & 0x80) {
			nd_puts(c, ", (SEC) [worktodo]");
			break;
		}
		nd_puts(c, ", (CLR)");
		switch (code) {
		case 0: nd_puts(c, "DODAG Information Solicitation"); break;
		case 1: nd_puts(c, "DODAG Information Object"); break;
		case 2: nd_puts(c, "Destination Advertisement Object"); break;
		case 3: nd_puts(c, "Destination Advertisement Object Ack");
			break;
		default: nd_putf(c, "RPL message, unknown code %u", code);
			break;
		}
		break;
	case 143:
		if (length < 8) {
			nd_putf(c, " [invalid len %u]", length);
			return;
		}
		if (!get_be16(s, 6, &v1))
			goto trunc;
		nd_putf(c, ", %u group record(s)", v1);
		break;
	default:
		break;
	}
	nd_puts(c, ", length ");
	nd_putu(c, length);
	/* tcpdump's print of a type it does not know: its bytes. */
	if (name == NULL)
		nd_hex_print(c, s->p, s->n < length ? s->n : length);
	return;
trunc:
	nd_trunc(c, "icmp6");
}

