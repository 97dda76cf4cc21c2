/*
 * fuzz-hexframe.c - libFuzzer target for the parser of frames written as
 * hex digits (sk_frame_parse_hex, lib/capture/inject.c), which reads the
 * arguments of `sockit inject`.  Checked: it never writes past its
 * buffer; when it accepts, the bytes are exactly those an independent
 * reading gives (pairs of hex digits with white space and colons between
 * them), and a buffer one byte short is refused with ERANGE; when it
 * refuses, the error is a ValueError with a message.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sockit.h"
#include "fuzz.h"

static int
nibble(char c)
{
	const char *digits = "0123456789abcdef", *p;

	if (c >= 'A' && c <= 'F')
		c = (char)(c - 'A' + 'a');
	if (c == '\0' || (p = strchr(digits, c)) == NULL)
		return -1;
	return (int)(p - digits);
}

/* The independent reading: -1 if the text is not a frame. */
static ssize_t
reference(const char *t, size_t len, unsigned char *out)
{
	size_t i = 0, n = 0;

	while (i < len) {
		if (strchr(" \t\n\r:", t[i]) != NULL && t[i] != '\0') {
			i++;
			continue;
		}
		if (i + 1 >= len || nibble(t[i]) < 0 || nibble(t[i + 1]) < 0)
			return -1;
		out[n++] = (unsigned char)(nibble(t[i]) * 16 +
		    nibble(t[i + 1]));
		i += 2;
	}
	return n > 0 ? (ssize_t)n : -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *t = (const char *)data;
	unsigned char *out = malloc(size / 2 + 1);
	unsigned char *ref = malloc(size / 2 + 1);
	struct sk_error err;
	ssize_t n, r;

	FUZZ_CHECK(out != NULL && ref != NULL);
	n = sk_frame_parse_hex(t, size, out, size / 2, &err);
	r = reference(t, size, ref);
	FUZZ_CHECK(n == -1 || n == r);
	if (n >= 0) {
		FUZZ_CHECK(memcmp(out, ref, (size_t)n) == 0);
		if (n > 0) {
			FUZZ_CHECK(sk_frame_parse_hex(t, size, out,
			    (size_t)n - 1, &err) == -1);
			FUZZ_CHECK(err.code == ERANGE);
		}
	} else {
		FUZZ_CHECK(r == -1);
		FUZZ_CHECK(err.kind == SK_ERR_VALUE && err.message[0] != '\0');
	}
	free(out);
	free(ref);
	return 0;
}
