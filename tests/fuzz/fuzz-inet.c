/*
 * fuzz-inet.c - libFuzzer target for the address conversions
 * (lib/core/convert.c, lib/core/bytes.c): sk_inet_aton with its hand-written
 * dotted-quad fast path, sk_inet_pton, sk_inet_ntop, sk_inet_ntoa and
 * sk_hex_decode, on arbitrary text (embedded NULs, any length).
 *
 * Oracles: glibc's own inet_aton(3), inet_pton(3) and inet_ntop(3) must
 * give the same answer and bytes; ntop(pton(x)) parses back to the same
 * bytes; hex_decode(x) re-encodes to x's digits in lowercase; every
 * output buffer is exactly as large as the call was told, so ASan sees
 * any write past it.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sockit.h"
#include "fuzz.h"

static void
check_aton(const char *text, size_t len)
{
	unsigned char got[4];
	struct in_addr want;
	int r = sk_inet_aton(text, len, got, NULL);

	if (memchr(text, '\0', len) != NULL) {
		FUZZ_CHECK(r == -1);
		return;
	}
	if (inet_aton(text, &want) == 0)
		FUZZ_CHECK(r == -1);
	else
		FUZZ_CHECK(r == 0 && memcmp(got, &want, 4) == 0);
}

/* pton against glibc, then ntop of the result back through pton. */
static void
check_pton(int family, const char *text, size_t len)
{
	unsigned char got[16], want[16], again[16];
	size_t glen = 0, alen = 0, plen = family == AF_INET ? 4 : 16;
	char buf[INET6_ADDRSTRLEN], ref[INET6_ADDRSTRLEN];
	int r = sk_inet_pton(family, text, len, got, &glen, NULL);

	if (memchr(text, '\0', len) != NULL) {
		FUZZ_CHECK(r == -1);
		return;
	}
	if (inet_pton(family, text, want) != 1) {
		FUZZ_CHECK(r == -1);
		return;
	}
	FUZZ_CHECK(r == 0 && glen == plen && memcmp(got, want, plen) == 0);
	FUZZ_CHECK(sk_inet_ntop(family, got, glen, buf, sizeof(buf),
	    NULL) == 0);
	FUZZ_CHECK(inet_ntop(family, want, ref, sizeof(ref)) != NULL);
	FUZZ_CHECK(strcmp(buf, ref) == 0);
	FUZZ_CHECK(sk_inet_pton(family, buf, strlen(buf), again, &alen,
	    NULL) == 0);
	FUZZ_CHECK(alen == plen && memcmp(again, got, plen) == 0);
}

/* ntop and ntoa of raw bytes, into buffers of exactly `size` bytes. */
static void
check_ntop(const uint8_t *p, size_t n, size_t size)
{
	char ref[INET6_ADDRSTRLEN], *buf = malloc(size > 0 ? size : 1);
	int family = n == 16 ? AF_INET6 : AF_INET;
	size_t want = family == AF_INET ? 4 : 16;
	int r;

	FUZZ_CHECK(buf != NULL);
	r = sk_inet_ntop(family, p, n, buf, size, NULL);
	if (n != want || inet_ntop(family, p, ref, (socklen_t)size) == NULL)
		FUZZ_CHECK(r == -1);
	else
		FUZZ_CHECK(r == 0 && strcmp(buf, ref) == 0);
	r = sk_inet_ntoa(p, n, buf, size, NULL);
	if (n != 4 || size < INET_ADDRSTRLEN)
		FUZZ_CHECK(r == -1);
	else {
		FUZZ_CHECK(inet_ntop(AF_INET, p, ref, sizeof(ref)) != NULL);
		FUZZ_CHECK(r == 0 && strcmp(buf, ref) == 0);
	}
	free(buf);
}

static void
check_hex(const char *text, size_t len, size_t size)
{
	unsigned char *out = malloc(size > 0 ? size : 1);
	const char *digits = text;
	size_t dlen = len;
	ssize_t r;

	FUZZ_CHECK(out != NULL);
	r = sk_hex_decode(text, len, out, size, NULL);
	if (len >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
		digits += 2;
		dlen -= 2;
	}
	if (r >= 0) {
		char *enc = malloc(2 * (size_t)r + 1);

		FUZZ_CHECK(enc != NULL);
		FUZZ_CHECK((size_t)r <= size && (size_t)r * 2 == dlen);
		FUZZ_CHECK(sk_hex_encode(out, (size_t)r, enc) == dlen);
		for (size_t i = 0; i < dlen; i++)
			FUZZ_CHECK(enc[i] ==
			    tolower((unsigned char)digits[i]));
		free(enc);
	} else {
		/* Refused: odd, too long, or a non-digit somewhere. */
		bool alldigits = true;

		for (size_t i = 0; i < dlen; i++)
			alldigits &= isxdigit((unsigned char)digits[i]) != 0;
		FUZZ_CHECK(dlen % 2 != 0 || dlen / 2 > size || !alldigits);
	}
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	size_t cut = size > 0 ? data[0] : 0;

	check_aton(text, size);
	check_pton(AF_INET, text, size);
	check_pton(AF_INET6, text, size);
	check_hex(text, size, cut % 24);
	check_hex(text, size, size);
	check_ntop(data, size, INET6_ADDRSTRLEN);
	check_ntop(data, size, cut % (INET6_ADDRSTRLEN + 2));
	if (size > 1)
		check_ntop(data + 1, size - 1, cut % (INET6_ADDRSTRLEN + 2));
	free(text);
	return 0;
}
