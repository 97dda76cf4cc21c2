/*
 * print-icmp.c - ICMP (RFC 792, 950, 1256): type, code and the fields
 * tcpdump prints for each.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <bsd/string.h>

#include "decode-int.h"

static const char *
icmp_unreach_fmt(unsigned int code)
{
	switch (code) {
	case 0: return "net %s unreachable";
	case 1: return "host %s unreachable";
	case 5: return "%s unreachable - source route failed";
	case 6: return "net %s unreachable - unknown";
	case 7: return "host %s unreachable - unknown";
	case 8: return "%s unreachable - source host isolated";
	case 9: return "net %s unreachable - admin prohibited";
	case 10: return "host %s unreachable - admin prohibited";
	case 11: return "net %s unreachable - tos prohibited";
	case 12: return "host %s unreachable - tos prohibited";
	case 13: return "host %s unreachable - admin prohibited filter";
	case 14: return "host %s unreachable - host precedence violation";
	case 15: return "host %s unreachable - precedence cutoff";
	default: return NULL;
	}
}

void
nd_print_icmp(struct ctx *c, const struct span *s, uint32_t length,
    const struct ipinfo *ip)
{
	unsigned int type, code, v1, v2;
	char text[192], a[INET6_ADDRSTRLEN], g[INET6_ADDRSTRLEN];
	const unsigned char *ap;
	uint32_t v32;

	(void)ip;
	if (!get_u8(s, 0, &type) || !get_u8(s, 1, &code)) {
		nd_trunc_longjmp(c, "icmp");
		return;
	}
	nd_j_open(c, "icmp");
	nd_j_uint(c, "type", type);
	nd_j_uint(c, "code", code);
	nd_j_close(c);
	text[0] = '\0';
	switch (type) {
	case 0:
	case 8:
		if (!get_be16(s, 4, &v1) || !get_be16(s, 6, &v2))
			goto trunc;
		(void)snprintf(text, sizeof(text), "echo %s, id %u, seq %u",
		    type == 8 ? "request" : "reply", v1, v2);
		break;
	case 3:
		if ((ap = get_bytes(s, 8 + 16, 4)) == NULL)
			goto trunc;
		(void)nd_fmt_ip4(ap, a);
		if (code == 2) {
			if (!get_u8(s, 8 + 9, &v1))
				goto trunc;
			(void)snprintf(text, sizeof(text),
			    "%s protocol %u unreachable", a, v1);
		} else if (code == 3) {
			unsigned int ihl, proto;

			if (!get_u8(s, 8 + 9, &proto) || !get_u8(s, 8, &ihl) ||
			    !get_be16(s, 8 + (ihl & 15) * 4 + 2, &v1))
				goto trunc;
			if (proto == ND_IPPROTO_TCP || proto == ND_IPPROTO_UDP)
				(void)snprintf(text, sizeof(text),
				    "%s %s port %u unreachable", a,
				    proto == ND_IPPROTO_TCP ? "tcp" : "udp",
				    v1);
			else
				(void)snprintf(text, sizeof(text),
				    "%s protocol %u port %u unreachable", a,
				    proto, v1);
		} else if (code == 4) {
			if (!get_be16(s, 6, &v1))
				goto trunc;
			if (v1 != 0)
				(void)snprintf(text, sizeof(text), "%s "
				    "unreachable - need to frag (mtu %u)", a,
				    v1);
			else
				(void)snprintf(text, sizeof(text), "%s "
				    "unreachable - need to frag", a);
		} else if (icmp_unreach_fmt(code) != NULL) {
			const char *f = icmp_unreach_fmt(code);
			const char *pct = strstr(f, "%s");

			(void)snprintf(text, sizeof(text), "%.*s%s%s",
			    (int)(pct - f), f, a, pct + 2);
		} else
			(void)snprintf(text, sizeof(text),
			    "#%u %s unreachable", code, a);
		break;
	case 5:
		if ((ap = get_bytes(s, 8 + 16, 4)) == NULL ||
		    get_bytes(s, 4, 4) == NULL)
			goto trunc;
		(void)nd_fmt_ip4(ap, a);
		(void)nd_fmt_ip4(s->p + 4, g);
		if (code <= 3)
			(void)snprintf(text, sizeof(text), "redirect%s %s to "
			    "%s %s", code >= 2 ? "-tos" : "", a,
			    code % 2 == 0 ? "net" : "host", g);
		else
			(void)snprintf(text, sizeof(text),
			    "redirect-#%u %s to %s", code, a, g);
		break;
	case 11:
		if (get_bytes(s, 8 + 16, 4) == NULL)
			goto trunc;
		if (code == 0)
			(void)strlcpy(text, "time exceeded in-transit",
			    sizeof(text));
		else if (code == 1)
			(void)strlcpy(text, "ip reassembly time exceeded",
			    sizeof(text));
		else
			(void)snprintf(text, sizeof(text),
			    "time exceeded-#%u", code);
		break;
	case 12:
		if (code != 0)
			(void)snprintf(text, sizeof(text),
			    "parameter problem - code %u", code);
		else {
			if (!get_u8(s, 4, &v1))
				goto trunc;
			(void)snprintf(text, sizeof(text),
			    "parameter problem - octet %u", v1);
		}
		break;
	case 13:
		if (!get_be16(s, 4, &v1) || !get_be16(s, 6, &v2))
			goto trunc;
		(void)snprintf(text, sizeof(text),
		    "time stamp query id %u seq %u", v1, v2);
		break;
	case 18:
		if (!get_be32(s, 12, &v32))
			goto trunc;
		(void)snprintf(text, sizeof(text), "address mask is 0x%08x",
		    v32);
		break;
	case 4: (void)strlcpy(text, "source quench", sizeof(text)); break;
	case 9: (void)strlcpy(text, "router advertisement", sizeof(text));
		break;
	case 10: (void)strlcpy(text, "router solicitation", sizeof(text));
		break;
	case 14: (void)strlcpy(text, "time stamp reply", sizeof(text)); break;
	case 15: (void)strlcpy(text, "information request", sizeof(text));
		break;
	case 16: (void)strlcpy(text, "information reply", sizeof(text));
		break;
	case 17: (void)strlcpy(text, "address mask request", sizeof(text));
		break;
	default:
		(void)snprintf(text, sizeof(text), "type-#%u", type);
		break;
	}
	nd_puts(c, "ICMP ");
	nd_puts(c, text);
	nd_puts(c, ", length ");
	nd_putu(c, length);
	return;
trunc:
	nd_trunc(c, "icmp");
}

