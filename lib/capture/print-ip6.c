/*
 * print-ip6.c - IPv6 (RFC 8200) and its extension headers: hop-by-hop
 * and destination options, routing (types 0, 2 and 4), fragment.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "decode-int.h"

void
nd_print_ip6(struct ctx *c, const struct span *s0, uint32_t length)
{
	struct ipinfo ip = { 6, NULL, NULL, true, false, 0 };
	unsigned int vfc, plen, nh, hlim, v, v2;
	struct span s, rest;
	uint32_t len, v32;
	size_t cp = 40, adv;
	int hops;

	if (!nd_eflag(c))
		nd_puts(c, "IP6 ");
	if (!has(s0, 0, 40)) {
		nd_trunc(c, "ip6");
		return;
	}
	(void)get_u8(s0, 0, &vfc);
	if (vfc >> 4 != 6) {
		nd_putf(c, "version error: %u != 6", vfc >> 4);
		c->truncated = true;
		return;
	}
	(void)get_be16(s0, 4, &plen);
	(void)get_u8(s0, 6, &nh);
	(void)get_u8(s0, 7, &hlim);
	ip.ttl = hlim;
	ip.src = s0->p + 8;
	ip.dst = s0->p + 24;
	if (plen != 0) {
		len = plen + 40;
		if (length < len) {
			nd_putf(c, "truncated-ip6 - %u bytes missing!",
			    len - length);
			c->truncated = true;
		}
	} else
		len = length;
	if (c->j != NULL) {
		nd_j_open(c, "ip6");
		nd_j_addr(c, "src", 6, ip.src);
		nd_j_addr(c, "dst", 6, ip.dst);
		sk_json_uint(c->j, "nh", nh);
		sk_json_uint(c->j, "hlim", hlim);
		sk_json_uint(c->j, "plen", plen);
		nd_j_close(c);
	}
	s = sub(s0, 0, len);
	len -= 40;
	for (hops = 0; hops < 64; hops++) {
		if (cp == 40 && nd_ipproto_addrs_first(nh)) {
			nd_put_addrs(c, &ip);
			nd_put(c, ": ", 2);
		}
		ip.direct = cp == 40;
		switch (nh) {
		case ND_IPPROTO_HOPOPTS:
		case ND_IPPROTO_DSTOPTS:
			nd_puts(c, nh == ND_IPPROTO_HOPOPTS ? "HBH " :
			    "DSTOPT ");
			if (!get_u8(&s, cp + 1, &v) ||
			    !has(&s, cp, ((size_t)v + 1) * 8)) {
				nd_trunc(c, nh == ND_IPPROTO_HOPOPTS ?
				    "hbhopt" : "dstopt");
				return;
			}
			adv = ((size_t)v + 1) * 8;
			(void)get_u8(&s, cp, &nh);
			break;
		case ND_IPPROTO_ROUTING: {
			unsigned int rlen, type, left, k, n;

			if (!get_u8(&s, cp + 1, &rlen) ||
			    !get_u8(&s, cp + 2, &type) ||
			    !get_u8(&s, cp + 3, &left)) {
				nd_trunc(c, "rt6");
				return;
			}
			nd_putf(c, "RT6 (len=%u, type=%u%s, segleft=%u", rlen,
			    type, type == 0 ? " [Deprecated]" : "", left);
			adv = ((size_t)rlen + 1) * 8;
			if (type == 0 || type == 2) {
				if (!get_be32(&s, cp + 4, &v32))
					goto rt6_trunc;
				if ((v32 >> 24) != 0)
					nd_putf(c, ", rsv=0x%0x", v32);
				n = rlen / 2;
				for (k = 0; k < n; k++) {
					const unsigned char *a = get_bytes(&s,
					    cp + 8 + (size_t)k * 16, 16);

					if (a == NULL)
						goto rt6_trunc;
					nd_putf(c, ", [%u]", k);
					nd_put_ip(c, 6, a);
				}
			} else if (type == 4) {
				if (!get_u8(&s, cp + 4, &n) ||
				    !get_be16(&s, cp + 6, &v2))
					goto rt6_trunc;
				nd_putf(c, ", last-entry=%u, tag=%x", n, v2);
				for (k = 0; k <= n; k++) {
					const unsigned char *a = get_bytes(&s,
					    cp + 8 + (size_t)k * 16, 16);

					if (a == NULL)
						goto rt6_trunc;
					nd_putf(c, ", [%u]", k);
					nd_put_ip(c, 6, a);
				}
			}
			nd_puts(c, ") ");
			if (!has(&s, cp, adv))
				goto rt6_trunc;
			(void)get_u8(&s, cp, &nh);
			break;
rt6_trunc:
			nd_trunc(c, "rt6");
			return;
		}
		case ND_IPPROTO_FRAGMENT: {
			unsigned int offlg = 0;

			if (!has(&s, cp, 8)) {
				nd_trunc(c, "frag");
				return;
			}
			(void)get_be16(&s, cp + 2, &offlg);
			nd_putf(c, "frag (%u|%u)", offlg & 0xfff8,
			    (unsigned int)(plen + 40 - cp - 8));
			if ((offlg & 0xfff8) != 0)
				return;
			nd_put(c, " ", 1);
			(void)get_u8(&s, cp, &nh);
			ip.fragmented = true;
			adv = 8;
			break;
		}
		default:
			rest = sub(&s, cp, SIZE_MAX);
			nd_print_ipproto(c, nh, &rest, len, &ip);
			return;
		}
		cp += adv;
		len = adv > len ? 0 : len - (uint32_t)adv;
		if (cp >= s.n && nh != ND_IPPROTO_NONE) {
			return;
		}
	}
}

