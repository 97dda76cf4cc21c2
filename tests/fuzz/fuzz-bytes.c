/*
 * fuzz-bytes.c - libFuzzer target for the bytes literal (lib/core/bytes.c):
 * sk_bytes_repr, Python's repr(bytes), and its inverse sk_bytes_unrepr.
 * Checked: unrepr(repr(x)) == x for any x; repr is printable ASCII only
 * (no byte from the input reaches a terminal raw), at most 4n+3 long,
 * starts b' or b", and a short buffer gets a NUL-terminated prefix of the
 * same text with the same return value; unrepr of arbitrary text never
 * writes past its buffer and, when it accepts, repr of what it read reads
 * back the same.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sockit.h"
#include "fuzz.h"

static void
check_repr(const uint8_t *x, size_t n, size_t cut)
{
	size_t size = 4 * n + 4, len, plen, i;
	char *buf = malloc(size), *part;
	uint8_t *back;
	ssize_t r;

	FUZZ_CHECK(buf != NULL);
	len = sk_bytes_repr(x, n, buf, size);
	FUZZ_CHECK(len <= 4 * n + 3 && len == strlen(buf));
	FUZZ_CHECK(len >= 3 && buf[0] == 'b' &&
	    (buf[1] == '\'' || buf[1] == '"') && buf[len - 1] == buf[1]);
	for (i = 0; i < len; i++)
		FUZZ_CHECK(buf[i] >= 0x20 && buf[i] <= 0x7e);

	/* The inverse gives back exactly x, into a buffer of exactly n. */
	back = malloc(n > 0 ? n : 1);
	FUZZ_CHECK(back != NULL);
	r = sk_bytes_unrepr(buf, len, back, n, NULL);
	FUZZ_CHECK(r >= 0 && (size_t)r == n && memcmp(back, x, n) == 0);
	free(back);

	/* A short buffer: the same return value, a terminated prefix. */
	plen = cut % (len + 2);
	part = malloc(plen > 0 ? plen : 1);
	FUZZ_CHECK(part != NULL);
	FUZZ_CHECK(sk_bytes_repr(x, n, part, plen) == len);
	if (plen > 0) {
		size_t got = strlen(part);

		FUZZ_CHECK(got == (plen > len ? len : plen - 1));
		FUZZ_CHECK(memcmp(part, buf, got) == 0);
	}
	free(part);
	free(buf);
}

static void
check_unrepr(const uint8_t *text, size_t n, size_t size)
{
	uint8_t *out = malloc(size > 0 ? size : 1), *again;
	ssize_t r, r2;
	char *lit;
	size_t len;

	FUZZ_CHECK(out != NULL);
	r = sk_bytes_unrepr((const char *)text, n, out, size, NULL);
	FUZZ_CHECK(r >= -1 && (r < 0 || (size_t)r <= size));
	if (r >= 0) {
		/* Each byte of the literal gives at most one byte out. */
		FUZZ_CHECK((size_t)r <= n - 3);
		lit = malloc(4 * (size_t)r + 4);
		FUZZ_CHECK(lit != NULL);
		len = sk_bytes_repr(out, (size_t)r, lit, 4 * (size_t)r + 4);
		again = malloc((size_t)r + 1);
		FUZZ_CHECK(again != NULL);
		r2 = sk_bytes_unrepr(lit, len, again, (size_t)r, NULL);
		FUZZ_CHECK(r2 == r && memcmp(again, out, (size_t)r) == 0);
		free(again);
		free(lit);
	}
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t cut = size > 0 ? (size_t)data[0] * 7 + size : 0;
	struct fuzz_in in = { data, size };

	check_repr(data, size, cut);
	/* As a literal: with room to spare, and with a buffer that may be
	 * too short by a few bytes. */
	check_unrepr(data, size, size);
	if (size > 0)
		check_unrepr(data + 1, size - 1, fuzz_byte(&in) % 16);
	return 0;
}
