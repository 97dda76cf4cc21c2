/*
 * print-util.c - what every packet printer writes with: text and numbers
 * into the line, IPv4 (RFC 791 dotted quad) and IPv6 (RFC 5952) addresses,
 * link-layer addresses, tcpdump's "[|proto]" mark for a header cut short,
 * and the fields of the JSON form.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "decode-int.h"

const char *
nd_tok_str(const struct nd_tok *t, unsigned int v)
{
	for (; t->s != NULL; t++)
		if (t->v == v)
			return t->s;
	return NULL;
}

/* The names of the bits of v set, in table order, joined by sep, or
 * none when no name's bits are all set (tcpdump's bittok2str). */
void
nd_put_bits(struct ctx *c, const struct nd_tok *t, unsigned int v,
    const char *sep, const char *none)
{
	bool any = false;

	for (; t->s != NULL; t++)
		if (t->v != 0 && (v & t->v) == t->v) {
			if (any)
				nd_puts(c, sep);
			nd_puts(c, t->s);
			any = true;
		}
	if (!any)
		nd_puts(c, none);
}

/*
 * n bytes from off as printable ASCII, tcpdump's way: a byte with the top
 * bit set as "M-" and the rest, a control character as "^" and its
 * letter.  False when the bytes end first.
 */
bool
nd_put_chars(struct ctx *c, const struct span *s, size_t off, size_t n)
{
	unsigned int ch;
	char b[4];
	size_t k;

	for (; n > 0; n--) {
		if (!get_u8(s, off++, &ch))
			return false;
		k = 0;
		if (ch & 0x80) {
			ch &= 0x7f;
			b[k++] = 'M';
			b[k++] = '-';
		}
		if (ch < 0x20 || ch == 0x7f) {
			ch ^= 0x40;
			b[k++] = '^';
		}
		b[k++] = (char)ch;
		nd_put(c, b, k);
	}
	return true;
}

/* The same, up to the first NUL byte. */
bool
nd_put_string(struct ctx *c, const struct span *s, size_t off, size_t n)
{
	unsigned int ch;

	for (; n > 0; n--, off++) {
		if (!get_u8(s, off, &ch))
			return false;
		if (ch == 0)
			break;
		(void)nd_put_chars(c, s, off, 1);
	}
	return true;
}

void
nd_put(struct ctx *c, const char *s, size_t n)
{
	if (sk_buf_append(c->o, s, n) == -1)
		c->nomem = true;
}

void
nd_puts(struct ctx *c, const char *s)
{
	nd_put(c, s, strlen(s));
}

void
nd_putu(struct ctx *c, unsigned long long v)
{
	char b[SK__UTOA_MAX];

	nd_put(c, b, sk__utoa(v, b));
}

void
nd_putf(struct ctx *c, const char *fmt, ...)
{
	char b[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b, sizeof(b), fmt, ap);
	va_end(ap);
	if (n > 0)
		nd_put(c, b, (size_t)n < sizeof(b) ? (size_t)n : sizeof(b) - 1);
}

size_t
nd_fmt_ip4(const unsigned char *a, char *b)
{
	size_t n = 0;
	int i;

	for (i = 0; i < 4; i++) {
		unsigned int v = a[i];

		if (i > 0)
			b[n++] = '.';
		if (v >= 100)
			b[n++] = (char)('0' + v / 100);
		if (v >= 10)
			b[n++] = (char)('0' + v / 10 % 10);
		b[n++] = (char)('0' + v % 10);
	}
	b[n] = '\0';
	return n;
}

size_t
nd_fmt_ip6(const unsigned char *a, char *b)
{
	if (inet_ntop(AF_INET6, a, b, INET6_ADDRSTRLEN) == NULL)
		b[0] = '\0';
	return strlen(b);
}

void
nd_put_ip(struct ctx *c, int version, const unsigned char *a)
{
	char b[INET6_ADDRSTRLEN];

	nd_put(c, b, version == 4 ? nd_fmt_ip4(a, b) : nd_fmt_ip6(a, b));
}

/* A link-layer address: xx:xx:... of any length (tcpdump's
 * linkaddr_string). */
size_t
nd_fmt_mac(const unsigned char *a, size_t n, char *b)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (i > 0)
			b[k++] = ':';
		b[k++] = hex[a[i] >> 4];
		b[k++] = hex[a[i] & 15];
	}
	b[k] = '\0';
	return k;
}

void
nd_put_mac(struct ctx *c, const unsigned char *a, size_t n)
{
	char b[3 * 256];

	nd_put(c, b, nd_fmt_mac(a, n, b));
}

void
nd_trunc(struct ctx *c, const char *proto)
{
	c->truncated = true;
	nd_puts(c, " [|");
	nd_puts(c, proto);
	nd_puts(c, "]");
}

/*
 * The cut-short mark of a printer that tcpdump stops with a longjmp (its
 * GET_ macros): tcpdump then forgets the link header's length, and -x, -X
 * and -A dump the packet from its first byte.
 */
void
nd_trunc_longjmp(struct ctx *c, const char *proto)
{
	nd_trunc(c, proto);
	c->dump_all = true;
}

/* JSON helpers: only when the output is JSON. */
void
nd_j_addr(struct ctx *c, const char *key, int version, const unsigned char *a)
{
	char b[INET6_ADDRSTRLEN];

	if (c->j == NULL)
		return;
	if (version == 4)
		(void)nd_fmt_ip4(a, b);
	else
		(void)nd_fmt_ip6(a, b);
	sk_json_str(c->j, key, b);
}

void
nd_j_mac(struct ctx *c, const char *key, const unsigned char *a, size_t n)
{
	char b[3 * 256];

	if (c->j == NULL)
		return;
	(void)nd_fmt_mac(a, n, b);
	sk_json_str(c->j, key, b);
}

void
nd_j_open(struct ctx *c, const char *key)
{
	if (c->j != NULL)
		sk_json_object(c->j, key);
}

void
nd_j_close(struct ctx *c)
{
	if (c->j != NULL)
		sk_json_close_object(c->j);
}

void
nd_j_uint(struct ctx *c, const char *key, unsigned long long v)
{
	if (c->j != NULL)
		sk_json_uint(c->j, key, v);
}

/* "src.port > dst.port: " or, behind extension headers, "port > port: ". */
void
nd_put_ports(struct ctx *c, const struct ipinfo *ip, unsigned int sport,
    unsigned int dport)
{
	if (ip->direct) {
		nd_put_ip(c, ip->version, ip->src);
		nd_put(c, ".", 1);
		nd_putu(c, sport);
		nd_put(c, " > ", 3);
		nd_put_ip(c, ip->version, ip->dst);
		nd_put(c, ".", 1);
		nd_putu(c, dport);
	} else {
		nd_putu(c, sport);
		nd_put(c, " > ", 3);
		nd_putu(c, dport);
	}
	nd_put(c, ": ", 2);
}

void
nd_put_addrs(struct ctx *c, const struct ipinfo *ip)
{
	nd_put_ip(c, ip->version, ip->src);
	nd_put(c, " > ", 3);
	nd_put_ip(c, ip->version, ip->dst);
}


/*
 * tcpdump's default print of bytes it does not decode, as -X dumps them;
 * left out under -x and -X, whose dump comes after the line anyway.
 */
void
nd_default_print(struct ctx *c, const unsigned char *p, size_t n)
{
	if (c->d->flags & (SK_DECODE_HEX | SK_DECODE_HEX_ASCII))
		return;
	nd_hex_ascii_print(c, p, n);
}

/*
 * tcpdump -X: on continuation lines, the offset, 16 bytes as 8 groups of
 * hex, and the printable ASCII characters (a dot for any other byte).
 */
void
nd_hex_ascii_print(struct ctx *c, const unsigned char *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char hs[48], as[17];
	size_t i, k, h, a;

	for (i = 0; i < n; i += 16) {
		h = a = 0;
		for (k = i; k < i + 16 && k < n; k++) {
			if ((k - i) % 2 == 0)
				hs[h++] = ' ';
			hs[h++] = hex[p[k] >> 4];
			hs[h++] = hex[p[k] & 15];
			if (p[k] > 0x20 && p[k] < 0x7f)
				as[a++] = (char)p[k];
			else
				as[a++] = '.';
		}
		hs[h] = as[a] = '\0';
		nd_putf(c, "\n\t0x%04zx: %-40s  %s", i, hs, as);
	}
}

/* tcpdump -x, and its print of data it does not know: 16 bytes to a
 * line, in hex. */
void
nd_hex_print(struct ctx *c, const unsigned char *p, size_t n)
{
	nd_hex_print_ident(c, "\n\t", p, n);
}

/* The same, each line begun by ident instead of a newline and a tab. */
void
nd_hex_print_ident(struct ctx *c, const char *ident, const unsigned char *p,
    size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char line[64];
	size_t i, k;

	for (i = 0; i < n; i += 16) {
		nd_puts(c, ident);
		k = (size_t)snprintf(line, sizeof(line), "0x%04zx: ", i);
		for (size_t b = i; b < i + 16 && b < n; b += 2) {
			line[k++] = ' ';
			line[k++] = hex[p[b] >> 4];
			line[k++] = hex[p[b] & 15];
			if (b + 1 < n) {
				line[k++] = hex[p[b + 1] >> 4];
				line[k++] = hex[p[b + 1] & 15];
			}
		}
		nd_put(c, line, k);
	}
}

/*
 * tcpdump -A: the bytes as text on the lines after the packet's.  A tab,
 * space or newline stays, any other byte that is not printable ASCII is a
 * dot (so no terminal escape gets through); a carriage return is dropped
 * before a newline and near the end, a dot elsewhere.
 */
void
nd_ascii_print(struct ctx *c, const unsigned char *p, size_t n)
{
	char b[256];
	size_t i, k = 0;

	nd_put(c, "\n", 1);
	for (i = 0; i < n; i++) {
		unsigned char ch = p[i];

		if (ch == '\r') {
			if (n - i - 1 > 1 && p[i + 1] != '\n')
				b[k++] = '.';
		} else if ((ch > 0x20 && ch < 0x7f) || ch == '\t' ||
		    ch == ' ' || ch == '\n')
			b[k++] = (char)ch;
		else
			b[k++] = '.';
		if (k == sizeof(b)) {
			nd_put(c, b, k);
			k = 0;
		}
	}
	nd_put(c, b, k);
}

/*
 * The one's complement sum of n bytes taken as big-endian 16-bit words
 * (an odd last byte padded with a zero), added to sum.
 */
uint64_t
nd_cksum_add(uint64_t sum, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint64_t)p[i] << 8 | p[i + 1];
	if (i < n)
		sum += (uint64_t)p[i] << 8;
	return sum;
}

/* The sum folded to 16 bits and complemented: 0 when the bytes summed
 * held their right checksum. */
unsigned int
nd_cksum_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (unsigned int)~sum & 0xffff;
}

/* What the checksum field should have held, from what it held and the
 * sum that came out (tcpdump's in_cksum_shouldbe). */
unsigned int
nd_cksum_shouldbe(unsigned int field, unsigned int sum)
{
	uint32_t v = field + sum;

	v = (v & 0xffff) + (v >> 16);
	v = (v & 0xffff) + (v >> 16);
	return v & 0xffff;
}

/*
 * The checksum of len transport bytes of protocol proto behind the
 * pseudo-header of IPv4 (RFC 793: addresses, protocol, 16-bit length) or
 * IPv6 (RFC 8200: addresses, 32-bit length, next header).
 */
unsigned int
nd_ip_cksum(const struct ipinfo *ip, unsigned int proto,
    const unsigned char *p, size_t len)
{
	return nd_ip_cksum_cov(ip, proto, p, len, len);
}

/* The same over only the first cov of the len bytes (DCCP's coverage,
 * RFC 4340 9.2; UDP-Lite's), len still in the pseudo-header. */
unsigned int
nd_ip_cksum_cov(const struct ipinfo *ip, unsigned int proto,
    const unsigned char *p, size_t len, size_t cov)
{
	size_t alen = ip->version == 4 ? 4 : 16;
	uint64_t sum;

	sum = nd_cksum_add(0, ip->src, alen);
	sum = nd_cksum_add(sum, ip->phdst != NULL ? ip->phdst : ip->dst,
	    alen);
	if (ip->version == 4)
		sum += proto + (len & 0xffff);
	else
		sum += proto + (len >> 16 & 0xffff) + (len & 0xffff);
	return nd_cksum_fold(nd_cksum_add(sum, p, cov));
}
