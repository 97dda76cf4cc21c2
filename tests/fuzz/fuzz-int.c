/*
 * fuzz-int.c - libFuzzer target for the integer conversions: in
 * lib/core/num.c sk_parse_integer, the strict decimal-or-0x parser every
 * numeric option goes through, and in lib/core/convert.c the byte-order
 * calls sk_htons, sk_ntohs, sk_htonl, sk_ntohl with Python's range
 * checks.
 *
 * Oracles: strtoll(3) in base 10 or 16 on text that has the grammar
 * -?(0[xX]HEX+|DEC+), for the value and for overflow; the byte-order
 * calls accept exactly 0..65535 or 0..4294967295 and agree with
 * htons(3)/htonl(3).  The range [min, max] comes from the input too.
 */
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sockit.h"
#include "fuzz.h"

/* Whether text has the grammar; its base in *base. */
static bool
grammar(const char *text, int *base)
{
	const char *p = text;

	if (*p == '-')
		p++;
	*base = 10;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		*base = 16;
		p += 2;
		if (!isxdigit((unsigned char)*p))
			return false;
		while (isxdigit((unsigned char)*p))
			p++;
	} else {
		if (!isdigit((unsigned char)*p))
			return false;
		while (isdigit((unsigned char)*p))
			p++;
	}
	return *p == '\0';
}

static void
check_parse(const char *text, long long min, long long max)
{
	struct sk_error err;
	long long got = 0, want;
	char *end;
	int base, r;

	r = sk_parse_integer(text, min, max, &got, &err);
	if (!grammar(text, &base)) {
		FUZZ_CHECK(r == -1 && err.kind == SK_ERR_VALUE &&
		    err.code == EINVAL);
		return;
	}
	errno = 0;
	want = strtoll(text, &end, base);
	FUZZ_CHECK(*end == '\0');
	if (errno == ERANGE || want < min || want > max) {
		FUZZ_CHECK(r == -1 && err.kind == SK_ERR_VALUE &&
		    err.code == ERANGE);
		return;
	}
	FUZZ_CHECK(r == 0 && got == want);
}

static void
check_byteorder(long long x)
{
	uint16_t s;
	uint32_t l;
	bool fits16 = x >= 0 && x <= UINT16_MAX;
	bool fits32 = x >= 0 && x <= (long long)UINT32_MAX;

	FUZZ_CHECK((sk_htons(x, &s, NULL) == 0) == fits16);
	if (fits16)
		FUZZ_CHECK(s == htons((uint16_t)x));
	FUZZ_CHECK((sk_ntohs(x, &s, NULL) == 0) == fits16);
	if (fits16)
		FUZZ_CHECK(s == ntohs((uint16_t)x));
	FUZZ_CHECK((sk_htonl(x, &l, NULL) == 0) == fits32);
	if (fits32)
		FUZZ_CHECK(l == htonl((uint32_t)x));
	FUZZ_CHECK((sk_ntohl(x, &l, NULL) == 0) == fits32);
	if (fits32)
		FUZZ_CHECK(l == ntohl((uint32_t)x));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	long long a, b, v;
	char *text;

	/* Sixteen bytes of range (ordered), the rest is the text. */
	a = (long long)fuzz_u64(&in);
	b = (long long)fuzz_u64(&in);
	text = fuzz_cstr(in.p, in.n);
	check_parse(text, a < b ? a : b, a < b ? b : a);
	check_parse(text, LLONG_MIN, LLONG_MAX);
	check_parse(text, 0, 65535);
	check_byteorder(a);
	check_byteorder(a & 0x1ffffffffLL);
	check_byteorder(a & 0x1ffff);
	/* The inet-convert path: text to number to network order. */
	if (sk_parse_integer(text, LLONG_MIN, LLONG_MAX, &v, NULL) == 0)
		check_byteorder(v);
	free(text);
	return 0;
}
