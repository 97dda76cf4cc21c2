/*
 * test-convert.c - the documented conversions: htons/ntohs/htonl/ntohl
 * with Python's range checks, inet_aton(3), inet_ntoa(3), inet_pton(3),
 * inet_ntop(3) (RFC 5952 text), and the strict command-line number
 * parsers sk_parse_integer, sk_parse_port and sk_parse_seconds.
 *
 * Expected values and messages come from CPython 3.11 on glibc
 * (socket.inet_aton('127.1') and friends), not from libsockit itself.
 */
#include <sys/socket.h>
#include <arpa/inet.h>

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "sockit.h"
#include "helpers.h"
#include "tap.h"

#define OFLOW16 "Python int too large to convert to C 16-bit unsigned integer"
#define NEG16 "can't convert negative Python int to C 16-bit unsigned integer"
/* Python 3 takes a C int first: these texts come without the "fn: ". */
#define BIGINT "signed integer is greater than maximum"
#define SMALLINT "signed integer is less than minimum"
#define OFLOW32 "int larger than 32 bits"
#define NEG32 "can't convert negative value to unsigned int"

/* The 16-bit conversions: the result's bytes in memory are big-endian. */
static void
test_byte_order16(void)
{
	static const struct {
		long long x;
		const char *msg;	/* NULL: valid */
		bool prefixed;		/* message starts with "fn: " */
	} cases[] = {
		{ 0, NULL, false }, { 1, NULL, false }, { 0x1234, NULL, false },
		{ 0xff00, NULL, false }, { 65535, NULL, false },
		{ -1, NEG16, true }, { INT_MIN, NEG16, true },
		{ 65536, OFLOW16, true }, { INT_MAX, OFLOW16, true },
		{ (long long)INT_MIN - 1, SMALLINT, false },
		{ LLONG_MIN, SMALLINT, false },
		{ (long long)INT_MAX + 1, BIGINT, false },
		{ 4294967296LL, BIGINT, false }, { LLONG_MAX, BIGINT, false },
	};
	size_t i;

	for (i = 0; i < nitems(cases); i++) {
		long long x = cases[i].x;
		unsigned char want[2] = { (unsigned char)(x >> 8),
		    (unsigned char)x };
		struct sk_error err;
		uint16_t out;
		char msg[SK_ERRMSG_MAX];
		int k;

		for (k = 0; k < 2; k++) {
			const char *fn = k == 0 ? "htons" : "ntohs";
			int r;

			out = 0xdead;
			r = k == 0 ? sk_htons(x, &out, &err) :
			    sk_ntohs(x, &out, &err);
			if (cases[i].msg == NULL) {
				is_int(r, 0, "%s(%lld) succeeds", fn, x);
				is_mem(&out, 2, want, 2,
				    "%s(%lld) is big-endian in memory", fn, x);
			} else {
				is_int(r, -1, "%s(%lld) fails", fn, x);
				if (cases[i].prefixed)
					(void)snprintf(msg, sizeof(msg),
					    "%s: %s", fn, cases[i].msg);
				else
					(void)snprintf(msg, sizeof(msg), "%s",
					    cases[i].msg);
				is_err(&err, SK_ERR_VALUE, ERANGE, msg,
				    "%s(%lld): OverflowError text", fn, x);
				is_int(out, 0xdead,
				    "%s(%lld) leaves *out alone", fn, x);
			}
		}
	}
}

static void
test_byte_order32(void)
{
	static const struct {
		long long x;
		const char *msg;
	} cases[] = {
		{ 0, NULL }, { 1, NULL }, { 0x12345678, NULL },
		{ 65536, NULL }, { 0x7f000001, NULL }, { 4294967295LL, NULL },
		{ -1, NEG32 }, { LLONG_MIN, NEG32 },
		{ 4294967296LL, OFLOW32 }, { LLONG_MAX, OFLOW32 },
	};
	size_t i;

	for (i = 0; i < nitems(cases); i++) {
		long long x = cases[i].x;
		unsigned char want[4] = { (unsigned char)(x >> 24),
		    (unsigned char)(x >> 16), (unsigned char)(x >> 8),
		    (unsigned char)x };
		struct sk_error err;
		uint32_t out;
		int k;

		for (k = 0; k < 2; k++) {
			const char *fn = k == 0 ? "htonl" : "ntohl";
			int r;

			out = 0xdeadbeef;
			r = k == 0 ? sk_htonl(x, &out, &err) :
			    sk_ntohl(x, &out, &err);
			if (cases[i].msg == NULL) {
				is_int(r, 0, "%s(%lld) succeeds", fn, x);
				is_mem(&out, 4, want, 4,
				    "%s(%lld) is big-endian in memory", fn, x);
			} else {
				is_int(r, -1, "%s(%lld) fails", fn, x);
				is_err(&err, SK_ERR_VALUE, ERANGE,
				    cases[i].msg,
				    "%s(%lld): OverflowError text", fn, x);
				is_int(out, 0xdeadbeef,
				    "%s(%lld) leaves *out alone", fn, x);
			}
		}
	}
	/* The round trip through both directions is the identity. */
	{
		uint32_t a, b;
		uint16_t c, d;

		ok(sk_htonl(0x01020304, &a, NULL) == 0 &&
		    sk_ntohl(a, &b, NULL) == 0 && b == 0x01020304,
		    "ntohl(htonl(x)) == x");
		ok(sk_htons(0x0102, &c, NULL) == 0 &&
		    sk_ntohs(c, &d, NULL) == 0 && d == 0x0102,
		    "ntohs(htons(x)) == x");
	}
}

#define ATON_BAD "illegal IP address string passed to inet_aton"

static void
test_inet_aton(void)
{
	static const struct {
		const char *text;
		const char *want;	/* 8 hex digits, NULL: error */
	} cases[] = {
		{ "127.0.0.1", "7f000001" },
		{ "127.1", "7f000001" },
		{ "0x7f.1", "7f000001" },
		{ "1.2.3", "01020003" },
		{ "0", "00000000" },
		{ "017.1", "0f000001" },		/* octal */
		{ "1.16777215", "01ffffff" },
		{ "255.255.255.255", "ffffffff" },
		{ "1.2.3.4 x", "01020304" },	/* glibc stops at space */
		{ "1.2.3.4\t", "01020304" },
		{ "1.2.3.4\n", "01020304" },
		{ "10.1.2.3", "0a010203" },
		{ "12.34.56.78", "0c22384e" },
		{ "100.200.250.251", "64c8fafb" },
		{ "0.0.0.0", "00000000" },
		{ "255.0.0.255", "ff0000ff" },
		{ "1.2.3.255", "010203ff" },
		{ "00.1.2.3", "00010203" },		/* octal 0 */
		{ "1.2.3.04", "01020304" },
		{ "1.2.3.0x4", "01020304" },
		{ "4294967295", "ffffffff" },
		{ "1.2.3.08", NULL },			/* not octal */
		{ "1.2.3.4.", NULL },
		{ "1..2.3", NULL },
		{ ".1.2.3", NULL },
		{ "1.2.3.256", NULL },
		{ "999.1.1.1", NULL },
		{ "1.2.3.-4", NULL },
		{ "1.2.3.+4", NULL },
		{ "4294967296", NULL },
		{ "", NULL },
		{ "1.2.3.4.5", NULL },
		{ "256.0.0.1", NULL },
		{ "0x100.1", NULL },
		{ "1.16777216", NULL },
		{ "1.2.3.4x", NULL },
		{ " 1.2.3.4", NULL },
		{ "::1", NULL },
		{ "localhost", NULL },
	};
	size_t i;
	struct sk_error err;
	unsigned char out[4];
	char hex[9];

	for (i = 0; i < nitems(cases); i++) {
		const char *t = cases[i].text;
		int r;

		memset(out, 0xee, sizeof(out));
		r = sk_inet_aton(t, strlen(t), out, &err);
		if (cases[i].want != NULL) {
			is_int(r, 0, "inet_aton('%s') succeeds", t);
			(void)sk_hex_encode(out, 4, hex);
			is_str(hex, cases[i].want, "inet_aton('%s')", t);
		} else {
			is_int(r, -1, "inet_aton('%s') fails", t);
			is_err(&err, SK_ERR_OS, EINVAL, ATON_BAD,
			    "inet_aton('%s'): socket.error text", t);
		}
	}
	/* text[len] is the terminator; a NUL before it is refused. */
	is_int(sk_inet_aton("1.2.3.4\0junk", 12, out, &err), -1,
	    "inet_aton with an embedded NUL fails");
	is_err(&err, SK_ERR_VALUE, EINVAL, "embedded null character",
	    "inet_aton embedded NUL: ValueError text");
	is_int(sk_inet_aton("\0", 1, out, &err), -1,
	    "inet_aton of a lone NUL fails");
	is_err(&err, SK_ERR_VALUE, EINVAL, "embedded null character",
	    "inet_aton lone NUL: ValueError text");
}

/*
 * sk_inet_aton must accept exactly what inet_aton(3) accepts, whatever
 * shortcut it takes: compare the two on every dotted form built from
 * awkward parts, and on random strings of digits, dots and the like.
 */
static void
test_inet_aton_oracle(void)
{
	static const char *const parts[] = {
		"0", "1", "9", "10", "99", "100", "199", "255", "256", "00",
		"01", "010", "08", "0x1", "0xff", "1000", "",
	};
	static const char alphabet[] = "0123456789.x \t";
	const size_t np = nitems(parts);
	struct in_addr want;
	unsigned char got[4];
	char text[64];
	size_t a, b, c, d, i, len;
	uint32_t seed = 1;
	int mismatches = 0, tried = 0, r, w;

	for (a = 0; a < np; a++)
		for (b = 0; b < np; b++)
			for (c = 0; c < np; c++)
				for (d = 0; d < np; d++) {
					len = (size_t)snprintf(text,
					    sizeof(text), "%s.%s.%s.%s",
					    parts[a], parts[b], parts[c],
					    parts[d]);
					w = inet_aton(text, &want);
					r = sk_inet_aton(text, len, got, NULL);
					tried++;
					if ((r == 0) != (w != 0) || (r == 0 &&
					    memcmp(got, &want, 4) != 0)) {
						if (mismatches++ < 5)
							diag("differs: '%s'",
							    text);
					}
				}
	for (i = 0; i < 200000; i++) {
		seed = seed * 1103515245u + 12345u;
		len = 1 + (seed >> 16) % 18;
		for (size_t k = 0; k < len; k++) {
			seed = seed * 1103515245u + 12345u;
			text[k] = alphabet[(seed >> 16) % (sizeof(alphabet) -
			    1)];
		}
		text[len] = '\0';
		w = inet_aton(text, &want);
		r = sk_inet_aton(text, len, got, NULL);
		tried++;
		if ((r == 0) != (w != 0) || (r == 0 &&
		    memcmp(got, &want, 4) != 0)) {
			if (mismatches++ < 5)
				diag("differs: '%s'", text);
		}
	}
	is_int(mismatches, 0, "sk_inet_aton agrees with inet_aton(3) on %d "
	    "strings", tried);
}

#define NTOA_BAD "packed IP wrong length for inet_ntoa"

/* Every value in every position, against printf. */
static void
test_inet_ntoa_sweep(void)
{
	unsigned char p[4];
	char got[INET_ADDRSTRLEN], want[INET_ADDRSTRLEN];
	int pos, v, bad = 0;

	for (pos = 0; pos < 4; pos++)
		for (v = 0; v < 256; v++) {
			p[0] = (unsigned char)(pos == 0 ? v : 255 - v);
			p[1] = (unsigned char)(pos == 1 ? v : v / 3);
			p[2] = (unsigned char)(pos == 2 ? v : (v * 7) & 0xff);
			p[3] = (unsigned char)(pos == 3 ? v : 100);
			(void)snprintf(want, sizeof(want), "%u.%u.%u.%u",
			    p[0], p[1], p[2], p[3]);
			if (sk_inet_ntoa(p, 4, got, sizeof(got), NULL) != 0 ||
			    strcmp(got, want) != 0) {
				if (bad++ < 5)
					diag("inet_ntoa: got %s, want %s",
					    got, want);
			}
		}
	is_int(bad, 0, "inet_ntoa is right for every byte in every position");
}

static void
test_inet_ntoa(void)
{
	static const unsigned char packed[6] = { 127, 0, 0, 1, 9, 9 };
	static const unsigned char high[4] = { 255, 254, 10, 0 };
	static const size_t badlen[] = { 0, 3, 5, 6 };
	/* One, two and three digits in every position. */
	static const struct {
		unsigned char packed[4];
		const char *want;
	} digits[] = {
		{ { 0, 0, 0, 0 }, "0.0.0.0" },
		{ { 9, 10, 99, 100 }, "9.10.99.100" },
		{ { 255, 199, 20, 1 }, "255.199.20.1" },
		{ { 101, 110, 200, 250 }, "101.110.200.250" },
		{ { 255, 255, 255, 255 }, "255.255.255.255" },
	};
	struct sk_error err;
	char buf[INET_ADDRSTRLEN];
	size_t i;

	is_int(sk_inet_ntoa(packed, 4, buf, sizeof(buf), &err), 0,
	    "inet_ntoa(4 bytes) succeeds");
	is_str(buf, "127.0.0.1", "inet_ntoa(b'\\x7f\\x00\\x00\\x01')");
	is_int(sk_inet_ntoa(high, 4, buf, sizeof(buf), &err), 0,
	    "inet_ntoa(255.254.10.0) succeeds");
	is_str(buf, "255.254.10.0", "inet_ntoa(b'\\xff\\xfe\\n\\x00')");
	for (i = 0; i < nitems(digits); i++) {
		memset(buf, 'z', sizeof(buf));
		is_int(sk_inet_ntoa(digits[i].packed, 4, buf, sizeof(buf),
		    &err), 0, "inet_ntoa -> %s succeeds", digits[i].want);
		is_str(buf, digits[i].want, "inet_ntoa -> %s", digits[i].want);
	}
	for (i = 0; i < nitems(badlen); i++) {
		is_int(sk_inet_ntoa(packed, badlen[i], buf, sizeof(buf), &err),
		    -1, "inet_ntoa(%zu bytes) fails", badlen[i]);
		is_err(&err, SK_ERR_OS, EINVAL, NTOA_BAD,
		    "inet_ntoa(%zu bytes): socket.error text", badlen[i]);
	}
	is_int(sk_inet_ntoa(packed, 4, buf, INET_ADDRSTRLEN - 1, &err), -1,
	    "inet_ntoa into a buffer under 16 bytes fails");
	is_err(&err, SK_ERR_OS, ENOSPC, NULL, "inet_ntoa small buffer: ENOSPC");
}

#define PTON_BAD "illegal IP address string passed to inet_pton"

static void
test_inet_pton(void)
{
	static const struct {
		int family;
		const char *text;
		const char *want;	/* hex, NULL: error */
	} cases[] = {
		{ AF_INET, "1.2.3.4", "01020304" },
		{ AF_INET, "0.0.0.0", "00000000" },
		{ AF_INET, "255.255.255.255", "ffffffff" },
		{ AF_INET, "127.1", NULL },		/* not inet_aton */
		{ AF_INET, "0x7f.0.0.1", NULL },
		{ AF_INET, "01.2.3.4", NULL },
		{ AF_INET, "1.2.3.4.5", NULL },
		{ AF_INET, "", NULL },
		{ AF_INET, "::1", NULL },
		{ AF_INET6, "::1", "00000000000000000000000000000001" },
		{ AF_INET6, "::", "00000000000000000000000000000000" },
		{ AF_INET6, "2001:db8::1:0:0:1",
		    "20010db8000000000001000000000001" },
		{ AF_INET6, "::ffff:1.2.3.4",
		    "00000000000000000000ffff01020304" },
		{ AF_INET6, "FE80::A", "fe80000000000000000000000000000a" },
		{ AF_INET6, "1:2:3:4:5:6:7:8:9", NULL },
		{ AF_INET6, "1::2::3", NULL },
		{ AF_INET6, "fe80::1%lo", NULL },
		{ AF_INET6, "1.2.3.4", NULL },
		{ AF_INET6, "", NULL },
	};
	struct sk_error err;
	unsigned char out[16];
	char hex[33];
	size_t i, outlen;

	for (i = 0; i < nitems(cases); i++) {
		const char *t = cases[i].text;
		const char *fam = cases[i].family == AF_INET ? "AF_INET" :
		    "AF_INET6";
		int r;

		outlen = 99;
		r = sk_inet_pton(cases[i].family, t, strlen(t), out, &outlen,
		    &err);
		if (cases[i].want != NULL) {
			is_int(r, 0, "inet_pton(%s, '%s') succeeds", fam, t);
			is_int((long long)outlen, cases[i].family == AF_INET ?
			    4 : 16, "inet_pton(%s, '%s') length", fam, t);
			(void)sk_hex_encode(out, outlen <= 16 ? outlen : 16,
			    hex);
			is_str(hex, cases[i].want, "inet_pton(%s, '%s')", fam,
			    t);
		} else {
			is_int(r, -1, "inet_pton(%s, '%s') fails", fam, t);
			is_err(&err, SK_ERR_OS, EINVAL, PTON_BAD,
			    "inet_pton(%s, '%s'): socket.error text", fam, t);
			is_int((long long)outlen, 99,
			    "inet_pton(%s, '%s') leaves *outlen alone", fam, t);
		}
	}
	is_int(sk_inet_pton(AF_UNIX, "1.2.3.4", 7, out, &outlen, &err), -1,
	    "inet_pton(AF_UNIX, ...) fails");
	is_err(&err, SK_ERR_OS, EAFNOSUPPORT, NULL,
	    "inet_pton(AF_UNIX): EAFNOSUPPORT, as Python's OSError 97");
	is_int(sk_inet_pton(AF_INET6, "::1\0x", 5, out, &outlen, &err), -1,
	    "inet_pton with an embedded NUL fails");
	is_err(&err, SK_ERR_VALUE, EINVAL, "embedded null character",
	    "inet_pton embedded NUL: ValueError text");
}

#define NTOP_BAD "invalid length of packed IP address string"

static void
test_inet_ntop(void)
{
	static const struct {
		const char *hex;
		const char *want;
	} v6[] = {
		{ "00000000000000000000000000000001", "::1" },
		{ "00000000000000000000000000000000", "::" },
		{ "20010db8000000000001000000000001", "2001:db8::1:0:0:1" },
		{ "20010db8000000010000000000000001", "2001:db8:0:1::1" },
		{ "20010db8000000000000000100000000", "2001:db8::1:0:0" },
		{ "00000000000000000000ffff01020304", "::ffff:1.2.3.4" },
		{ "fe800000000000000000000000000001", "fe80::1" },
		{ "ffffffffffffffffffffffffffffffff",
		    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
	};
	static const unsigned char v4[5] = { 10, 0, 0, 255, 1 };
	struct sk_error err;
	unsigned char packed[17];
	char buf[INET6_ADDRSTRLEN];
	size_t i;

	is_int(sk_inet_ntop(AF_INET, v4, 4, buf, sizeof(buf), &err), 0,
	    "inet_ntop(AF_INET, 4 bytes) succeeds");
	is_str(buf, "10.0.0.255", "inet_ntop(AF_INET, 4 bytes)");
	for (i = 0; i < nitems(v6); i++) {
		(void)sk_hex_decode(v6[i].hex, 32, packed, 16, NULL);
		is_int(sk_inet_ntop(AF_INET6, packed, 16, buf, sizeof(buf),
		    &err), 0, "inet_ntop(AF_INET6, %s) succeeds", v6[i].want);
		is_str(buf, v6[i].want, "inet_ntop(AF_INET6) RFC 5952 text");
	}

	/* The documented ValueError for a wrong length. */
	is_int(sk_inet_ntop(AF_INET, v4, 5, buf, sizeof(buf), &err), -1,
	    "inet_ntop(AF_INET, 5 bytes) fails");
	is_err(&err, SK_ERR_VALUE, EINVAL, NTOP_BAD,
	    "inet_ntop(AF_INET, 5 bytes): ValueError text");
	is_int(sk_inet_ntop(AF_INET, v4, 3, buf, sizeof(buf), &err), -1,
	    "inet_ntop(AF_INET, 3 bytes) fails");
	is_err(&err, SK_ERR_VALUE, EINVAL, NTOP_BAD,
	    "inet_ntop(AF_INET, 3 bytes): ValueError text");
	is_int(sk_inet_ntop(AF_INET6, packed, 4, buf, sizeof(buf), &err), -1,
	    "inet_ntop(AF_INET6, 4 bytes) fails");
	is_err(&err, SK_ERR_VALUE, EINVAL, NTOP_BAD,
	    "inet_ntop(AF_INET6, 4 bytes): ValueError text");
	is_int(sk_inet_ntop(AF_INET6, packed, 17, buf, sizeof(buf), &err), -1,
	    "inet_ntop(AF_INET6, 17 bytes) fails");
	is_err(&err, SK_ERR_VALUE, EINVAL, NTOP_BAD,
	    "inet_ntop(AF_INET6, 17 bytes): ValueError text");
	is_int(sk_inet_ntop(AF_UNIX, v4, 4, buf, sizeof(buf), &err), -1,
	    "inet_ntop(AF_UNIX) fails");
	is_err(&err, SK_ERR_VALUE, EAFNOSUPPORT, "unknown address family",
	    "inet_ntop(AF_UNIX): ValueError text");
	/* A buffer too small for the text: inet_ntop(3) says ENOSPC. */
	is_int(sk_inet_ntop(AF_INET, v4, 4, buf, 5, &err), -1,
	    "inet_ntop into a 5-byte buffer fails");
	is_err(&err, SK_ERR_OS, ENOSPC, NULL, "inet_ntop small buffer: ENOSPC");
}

static void
test_parse_integer(void)
{
	static const struct {
		const char *text;
		long long min, max;
		long long want;
		int code;		/* 0 ok, else EINVAL or ERANGE */
	} cases[] = {
		{ "0", 0, 10, 0, 0 },
		{ "42", 0, 100, 42, 0 },
		{ "0x1F", 0, 100, 31, 0 },
		{ "0Xff", 0, 1000, 255, 0 },
		{ "-5", -10, 10, -5, 0 },
		{ "-0x10", -100, 0, -16, 0 },
		{ "007", 0, 10, 7, 0 },		/* decimal, not octal */
		{ "9223372036854775807", LLONG_MIN, LLONG_MAX, LLONG_MAX, 0 },
		{ "-9223372036854775808", LLONG_MIN, LLONG_MAX, LLONG_MIN, 0 },
		{ "9223372036854775808", LLONG_MIN, LLONG_MAX, 0, ERANGE },
		{ "-9223372036854775809", LLONG_MIN, LLONG_MAX, 0, ERANGE },
		{ "99999999999999999999999", 0, 10, 0, ERANGE },
		{ "0xffffffffffffffffff", 0, 10, 0, ERANGE },
		/* Junk is invalid even after too many digits (fuzz-int). */
		{ "99999999999999999999x", 0, 10, 0, EINVAL },
		{ "0xffffffffffffffffffg", 0, 10, 0, EINVAL },
		{ "11", 0, 10, 0, ERANGE },
		{ "-1", 0, 10, 0, ERANGE },
		{ "", 0, 10, 0, EINVAL },
		{ "-", 0, 10, 0, EINVAL },
		{ "0x", 0, 10, 0, EINVAL },
		{ "+1", 0, 10, 0, EINVAL },
		{ " 1", 0, 10, 0, EINVAL },
		{ "1 ", 0, 10, 0, EINVAL },
		{ "12a", 0, 100, 0, EINVAL },
		{ "1.5", 0, 10, 0, EINVAL },
		{ "abc", 0, 10, 0, EINVAL },
		{ "--1", -10, 10, 0, EINVAL },
	};
	struct sk_error err;
	char msg[SK_ERRMSG_MAX];
	size_t i;

	for (i = 0; i < nitems(cases); i++) {
		long long v = 12345;
		int r = sk_parse_integer(cases[i].text, cases[i].min,
		    cases[i].max, &v, &err);

		if (cases[i].code == 0) {
			is_int(r, 0, "parse_integer('%s') succeeds",
			    cases[i].text);
			is_int(v, cases[i].want, "parse_integer('%s')",
			    cases[i].text);
			continue;
		}
		is_int(r, -1, "parse_integer('%s', %lld..%lld) fails",
		    cases[i].text, cases[i].min, cases[i].max);
		if (cases[i].code == ERANGE)
			(void)snprintf(msg, sizeof(msg),
			    "out of range (%lld to %lld)", cases[i].min,
			    cases[i].max);
		else
			(void)snprintf(msg, sizeof(msg), "invalid number");
		is_err(&err, SK_ERR_VALUE, cases[i].code, msg,
		    "parse_integer('%s') error", cases[i].text);
	}
}

static void
test_parse_port(void)
{
	static const struct {
		const char *text, *proto;
		unsigned int want;
		int kind, code;
		const char *msg;
	} cases[] = {
		{ "0", NULL, 0, 0, 0, NULL },
		{ "80", NULL, 80, 0, 0, NULL },
		{ "65535", "tcp", 65535, 0, 0, NULL },
		{ "0080", NULL, 80, 0, 0, NULL },
		{ "http", NULL, 80, 0, 0, NULL },
		{ "http", "tcp", 80, 0, 0, NULL },
		{ "www", "tcp", 80, 0, 0, NULL },		/* an alias */
		{ "domain", "udp", 53, 0, 0, NULL },
		{ "65536", NULL, 0, SK_ERR_VALUE, ERANGE,
		    "out of range (0 to 65535)" },
		/* Decimal digits only, as getaddrinfo(3) and nc take them. */
		{ "0x50", NULL, 0, SK_ERR_VALUE, EINVAL, "invalid number" },
		{ "0x1f90", "udp", 0, SK_ERR_VALUE, EINVAL, "invalid number" },
		{ "+80", NULL, 0, SK_ERR_VALUE, EINVAL, "invalid number" },
		{ "-1", NULL, 0, SK_ERR_VALUE, EINVAL, "invalid number" },
		{ "-0", NULL, 0, SK_ERR_VALUE, EINVAL, "invalid number" },
		{ "80 ", NULL, 0, SK_ERR_VALUE, EINVAL, "invalid number" },
		{ "99999999999999999999", NULL, 0, SK_ERR_VALUE, ERANGE,
		    "out of range (0 to 65535)" },
		{ "", NULL, 0, SK_ERR_VALUE, EINVAL, "empty port" },
		{ "8o", NULL, 0, SK_ERR_VALUE, EINVAL, "invalid number" },
		{ "no-such-service-xyz", NULL, 0, SK_ERR_OS, 0,
		    "service/proto not found" },
		{ "http", "no-such-proto", 0, SK_ERR_OS, 0,
		    "service/proto not found" },
	};
	struct sk_error err;
	size_t i;

	for (i = 0; i < nitems(cases); i++) {
		unsigned int v = 4242;
		int r = sk_parse_port(cases[i].text, cases[i].proto, &v, &err);

		if (cases[i].kind == 0) {
			is_int(r, 0, "parse_port('%s', %s) succeeds",
			    cases[i].text, cases[i].proto ? cases[i].proto :
			    "any");
			is_int(v, cases[i].want, "parse_port('%s')",
			    cases[i].text);
		} else {
			is_int(r, -1, "parse_port('%s') fails", cases[i].text);
			is_err(&err, cases[i].kind, cases[i].code,
			    cases[i].msg, "parse_port('%s') error",
			    cases[i].text);
			is_int(v, 4242, "parse_port('%s') leaves *out alone",
			    cases[i].text);
		}
	}
}

static void
test_parse_seconds(void)
{
	static const struct {
		const char *text;
		double want;
		int code;
	} cases[] = {
		{ "0", 0, 0 },
		{ "0.2", 0.2, 0 },
		{ "1.", 1, 0 },
		{ ".5", 0.5, 0 },
		{ "30", 30, 0 },
		{ "000.250", 0.25, 0 },
		{ "1000000000", 1e9, 0 },
		{ "1000000000.5", 0, ERANGE },
		{ "99999999999999999999", 0, ERANGE },
		{ "", 0, EINVAL },
		{ ".", 0, EINVAL },
		{ "-1", 0, EINVAL },
		{ "+1", 0, EINVAL },
		{ "1e3", 0, EINVAL },
		{ "1.2.3", 0, EINVAL },
		{ "abc", 0, EINVAL },
		{ "inf", 0, EINVAL },
		{ "nan", 0, EINVAL },
		{ "0x10", 0, EINVAL },
		{ " 1", 0, EINVAL },
	};
	struct sk_error err;
	size_t i;

	for (i = 0; i < nitems(cases); i++) {
		double v = -7;
		int r = sk_parse_seconds(cases[i].text, &v, &err);

		if (cases[i].code == 0) {
			is_int(r, 0, "parse_seconds('%s') succeeds",
			    cases[i].text);
			ok(v == cases[i].want, "parse_seconds('%s') == %g",
			    cases[i].text, cases[i].want);
		} else {
			is_int(r, -1, "parse_seconds('%s') fails",
			    cases[i].text);
			is_err(&err, SK_ERR_VALUE, cases[i].code,
			    cases[i].code == ERANGE ?
			    "out of range (0 to 1000000000 seconds)" :
			    "invalid number of seconds",
			    "parse_seconds('%s') error", cases[i].text);
			ok(v == -7, "parse_seconds('%s') leaves *out alone",
			    cases[i].text);
		}
	}
}

int
main(void)
{
	(void)alarm(30);
	test_byte_order16();
	test_byte_order32();
	test_inet_aton();
	test_inet_aton_oracle();
	test_inet_ntoa();
	test_inet_ntoa_sweep();
	test_inet_pton();
	test_inet_ntop();
	test_parse_integer();
	test_parse_port();
	test_parse_seconds();
	return done_testing();
}
