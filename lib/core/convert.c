/*
 * convert.c - the documented conversions: byte order (htons(3) and kin,
 * with Python's range checks), inet_aton(3), inet_ntoa(3), inet_pton(3),
 * inet_ntop(3), and the names of the constants (AF_INET, SOCK_STREAM,
 * IPPROTO_TCP) as the reference spells them.  The number parsers are in
 * num.c.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "sockit-int.h"

/* Python's OverflowError texts for the 16- and 32-bit conversions. */
static int
check16(const char *fn, long long x, struct sk_error *err)
{
	char msg[SK_ERRMSG_MAX];

	/* Python 3 takes a C int first, then checks the 16-bit range. */
	if (x < INT_MIN)
		return sk_error_set(err, SK_ERR_VALUE, ERANGE,
		    "signed integer is less than minimum");
	if (x > INT_MAX)
		return sk_error_set(err, SK_ERR_VALUE, ERANGE,
		    "signed integer is greater than maximum");
	if (x < 0) {
		(void)snprintf(msg, sizeof(msg), "%s: can't convert negative "
		    "Python int to C 16-bit unsigned integer", fn);
		return sk_error_set(err, SK_ERR_VALUE, ERANGE, msg);
	}
	if (x > UINT16_MAX) {
		(void)snprintf(msg, sizeof(msg), "%s: Python int too large to "
		    "convert to C 16-bit unsigned integer", fn);
		return sk_error_set(err, SK_ERR_VALUE, ERANGE, msg);
	}
	return 0;
}

static int
check32(long long x, struct sk_error *err)
{
	if (x < 0)
		return sk_error_set(err, SK_ERR_VALUE, ERANGE,
		    "can't convert negative value to unsigned int");
	if (x > (long long)UINT32_MAX)
		return sk_error_set(err, SK_ERR_VALUE, ERANGE,
		    "int larger than 32 bits");
	return 0;
}

int
sk_htons(long long x, uint16_t *out, struct sk_error *err)
{
	if (check16("htons", x, err) == -1)
		return -1;
	*out = htons((uint16_t)x);
	return 0;
}

int
sk_ntohs(long long x, uint16_t *out, struct sk_error *err)
{
	if (check16("ntohs", x, err) == -1)
		return -1;
	*out = ntohs((uint16_t)x);
	return 0;
}

int
sk_htonl(long long x, uint32_t *out, struct sk_error *err)
{
	if (check32(x, err) == -1)
		return -1;
	*out = htonl((uint32_t)x);
	return 0;
}

int
sk_ntohl(long long x, uint32_t *out, struct sk_error *err)
{
	if (check32(x, err) == -1)
		return -1;
	*out = ntohl((uint32_t)x);
	return 0;
}

/* Python refuses strings with NUL in them before the C call sees them. */
static int
check_nul(const char *text, size_t len, struct sk_error *err)
{
	if (memchr(text, '\0', len) != NULL)
		return sk_error_set(err, SK_ERR_VALUE, EINVAL,
		    "embedded null character");
	return 0;
}

/* The bytes of x equal to c, as 0x80 in each such byte (exact). */
static inline uint64_t
bytes_equal(uint64_t x, unsigned char c)
{
	const uint64_t lo7 = 0x7f7f7f7f7f7f7f7fULL;
	uint64_t t = x ^ (0x0101010101010101ULL * c);

	return ~(((t & lo7) + lo7) | t | lo7);
}

/* One bit per byte from the 0x80 flags of bytes_equal. */
static inline unsigned
byte_mask(uint64_t m)
{
	return (unsigned)(((m >> 7) * 0x0102040810204080ULL) >> 56);
}

/*
 * The common case, four decimal parts without leading zeros ("10.1.2.3"),
 * parsed here without a branch per character: the dots' positions come
 * from a bit mask found eight bytes at a time, each part's value from its
 * last three characters.  Anything else (127.1, 0x7f.1, 010, trailing
 * white space) goes to inet_aton(3) itself, so what is accepted stays
 * exactly its answer.  text[len] is the terminating NUL.  Returns false to
 * fall back.
 */
static inline bool
dotted_quad(const char *text, size_t len, unsigned char out[4])
{
	/* "000" in front, so that a short part reads zeros before it; a
	 * zero word behind, for b[start] after a part that ran to the end. */
	union {
		unsigned char b[32];
		uint64_t w[4];
	} u;
	const unsigned char *b = u.b + 8;
	unsigned dots, fail, n, k;
	int start = 0, end;

	/* The byte masks below take the first byte as the lowest. */
	if (__BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__ || len < 7 || len > 15)
		return false;
	u.w[0] = 0x3030303030303030ULL;
	u.w[3] = 0;
	memcpy(&u.w[1], text, 8);	/* len >= 7: text[7] is text or NUL */
	if (len > 8) {
		uint64_t hi;

		memcpy(&hi, text + len - 8, 8);
		u.w[2] = hi >> (8 * (16 - len));
	} else
		u.w[2] = 0;
	dots = byte_mask(bytes_equal(u.w[1], '.')) |
	    byte_mask(bytes_equal(u.w[2], '.')) << 8;
	dots &= (1u << len) - 1;
	fail = 0;
	for (k = 0; k < 4; k++) {
		unsigned d1, d2, d3, v;

		/* Three dots end the first three parts; the end, the last. */
		if (k < 3) {
			end = __builtin_ctz(dots | 0x10000u);
			dots &= dots - 1;
			fail |= end >= (int)len;
		} else {
			end = (int)len;
			fail |= dots != 0;
		}
		n = (unsigned)(end - start);
		d1 = (unsigned)(b[end - 1] - '0');
		d2 = (unsigned)(b[end - 2] - '0') * (n >= 2);
		d3 = (unsigned)(b[end - 3] - '0') * (n >= 3);
		v = d3 * 100 + d2 * 10 + d1;
		/* One to three digits, no leading zero (octal), <= 255. */
		fail |= (n - 1 > 2) | (d1 > 9) | (d2 > 9) | (d3 > 9) |
		    (v > 255) | ((n >= 2) & (b[start] == '0'));
		out[k] = (unsigned char)v;
		start = end + 1;
	}
	return !fail;
}

int
sk_inet_aton(const char *text, size_t len, unsigned char out[4],
    struct sk_error *err)
{
	struct in_addr a;

	if (dotted_quad(text, len, out))
		return 0;
	if (check_nul(text, len, err) == -1)
		return -1;
	if (inet_aton(text, &a) == 0)
		return sk_error_set(err, SK_ERR_OS, EINVAL,
		    "illegal IP address string passed to inet_aton");
	memcpy(out, &a, 4);
	return 0;
}

int
sk_inet_ntoa(const unsigned char *packed, size_t len, char *buf, size_t size,
    struct sk_error *err)
{
	if (len != 4)
		return sk_error_set(err, SK_ERR_OS, EINVAL,
		    "packed IP wrong length for inet_ntoa");
	if (size < INET_ADDRSTRLEN)
		return sk_error_set(err, SK_ERR_OS, ENOSPC, NULL);
	/* By hand: snprintf was most of a large batch's time. */
	for (int i = 0; i < 4; i++) {
		unsigned v = packed[i];

		if (v >= 100) {
			*buf++ = (char)('0' + v / 100);
			v %= 100;
			*buf++ = (char)('0' + v / 10);
		} else if (v >= 10)
			*buf++ = (char)('0' + v / 10);
		*buf++ = (char)('0' + v % 10);
		*buf++ = i < 3 ? '.' : '\0';
	}
	return 0;
}

int
sk_inet_pton(int family, const char *text, size_t len, unsigned char out[16],
    size_t *outlen, struct sk_error *err)
{
	int r;

	if (check_nul(text, len, err) == -1)
		return -1;
	if (family != AF_INET && family != AF_INET6)
		return sk_error_set(err, SK_ERR_OS, EAFNOSUPPORT, NULL);
	r = inet_pton(family, text, out);
	if (r != 1)
		return sk_error_set(err, SK_ERR_OS, EINVAL,
		    "illegal IP address string passed to inet_pton");
	*outlen = family == AF_INET ? 4 : 16;
	return 0;
}

int
sk_inet_ntop(int family, const unsigned char *packed, size_t len, char *buf,
    size_t size, struct sk_error *err)
{
	if (family == AF_INET) {
		if (len != 4)
			goto badlen;
	} else if (family == AF_INET6) {
		if (len != 16)
			goto badlen;
	} else
		return sk_error_set(err, SK_ERR_VALUE, EAFNOSUPPORT,
		    "unknown address family");
	if (size > INT_MAX || inet_ntop(family, packed, buf,
	    (socklen_t)size) == NULL)
		return sk_error_set(err, SK_ERR_OS, errno, NULL);
	return 0;
badlen:
	return sk_error_set(err, SK_ERR_VALUE, EINVAL,
	    "invalid length of packed IP address string");
}

static const char *
name_or_number(const char *name, int value, char *buf, size_t size)
{
	if (name != NULL)
		return name;
	(void)snprintf(buf, size, "%d", value);
	return buf;
}

const char *
sk_family_name(int family, char *buf, size_t size)
{
	const char *n = NULL;

	switch (family) {
	case AF_UNSPEC: n = "AF_UNSPEC"; break;
	case AF_UNIX: n = "AF_UNIX"; break;
	case AF_INET: n = "AF_INET"; break;
	case AF_INET6: n = "AF_INET6"; break;
	case AF_PACKET: n = "AF_PACKET"; break;
	case AF_NETLINK: n = "AF_NETLINK"; break;
	}
	return name_or_number(n, family, buf, size);
}

const char *
sk_socktype_name(int type, char *buf, size_t size)
{
	const char *n = NULL;

	switch (type) {
	case SOCK_STREAM: n = "SOCK_STREAM"; break;
	case SOCK_DGRAM: n = "SOCK_DGRAM"; break;
	case SOCK_RAW: n = "SOCK_RAW"; break;
	case SOCK_RDM: n = "SOCK_RDM"; break;
	case SOCK_SEQPACKET: n = "SOCK_SEQPACKET"; break;
	}
	return name_or_number(n, type, buf, size);
}

const char *
sk_proto_name(int proto, char *buf, size_t size)
{
	const char *n = NULL;

	switch (proto) {
	case IPPROTO_IP: n = "IPPROTO_IP"; break;
	case IPPROTO_ICMP: n = "IPPROTO_ICMP"; break;
	case IPPROTO_TCP: n = "IPPROTO_TCP"; break;
	case IPPROTO_UDP: n = "IPPROTO_UDP"; break;
	case IPPROTO_IPV6: n = "IPPROTO_IPV6"; break;
	case IPPROTO_ICMPV6: n = "IPPROTO_ICMPV6"; break;
	case IPPROTO_SCTP: n = "IPPROTO_SCTP"; break;
	case IPPROTO_UDPLITE: n = "IPPROTO_UDPLITE"; break;
	case IPPROTO_RAW: n = "IPPROTO_RAW"; break;
	}
	return name_or_number(n, proto, buf, size);
}
