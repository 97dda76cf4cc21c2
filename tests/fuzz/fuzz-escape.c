/*
 * fuzz-escape.c - libFuzzer target for the terminal escaper
 * (lib/core/escape.c), sk_tty_escape.  The first input byte says where to
 * cut the rest in two; checked: the output is the same wherever the stream
 * is cut; it is well-formed UTF-8 (RFC 3629) with no control character but
 * TAB, LF and the CR of a CR LF, no DEL and no C1 control; it fits
 * SK_TTY_ESCAPE_MAX; and undoing every \xNN gives back the input exactly
 * (a backslash passes as it is, so only a \x that the escaper wrote is
 * undone: the input is checked to have none of its own).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sockit.h"
#include "fuzz.h"

static size_t
escape_cut(const uint8_t *x, size_t n, size_t cut, char *out)
{
	struct sk_tty_escape st;
	size_t len;

	sk_tty_escape_init(&st);
	len = sk_tty_escape(&st, x, cut, out);
	len += sk_tty_escape(&st, x + cut, n - cut, out + len);
	len += sk_tty_escape(&st, NULL, 0, out + len);
	return len;
}

static int
hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ?
	    c - 'a' + 10 : -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *x = data + 1;
	size_t n, cut, len, len2, i, o;
	char *out, *out2;
	uint8_t *back;
	bool own_escape = false;

	if (size == 0)
		return 0;
	n = size - 1;
	cut = n == 0 ? 0 : data[0] % (n + 1);
	out = malloc(SK_TTY_ESCAPE_MAX(n));
	out2 = malloc(SK_TTY_ESCAPE_MAX(n));
	back = malloc(n + 1);
	FUZZ_CHECK(out != NULL && out2 != NULL && back != NULL);
	len = escape_cut(x, n, 0, out);
	len2 = escape_cut(x, n, cut, out2);
	FUZZ_CHECK(len <= 4 * n);
	FUZZ_CHECK(len == len2 && memcmp(out, out2, len) == 0);
	FUZZ_CHECK(fuzz_utf8_valid((const uint8_t *)out, len));
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)out[i];

		FUZZ_CHECK(c >= 0x20 || c == '\t' || c == '\n' ||
		    (c == '\r' && i + 1 < len && out[i + 1] == '\n'));
		FUZZ_CHECK(c != 0x7f);
		FUZZ_CHECK(!(c == 0xc2 && i + 1 < len &&
		    (unsigned char)out[i + 1] < 0xa0));
	}
	for (i = 0; i + 1 < n; i++)
		if (x[i] == '\\' && x[i + 1] == 'x')
			own_escape = true;
	if (!own_escape) {
		for (i = 0, o = 0; i < len; o++) {
			bool esc = i + 3 < len && out[i] == '\\' &&
			    out[i + 1] == 'x' && hexval(out[i + 2]) >= 0 &&
			    hexval(out[i + 3]) >= 0;

			if (esc) {
				back[o] = (uint8_t)(hexval(out[i + 2]) << 4 |
				    hexval(out[i + 3]));
				i += 4;
			} else {
				back[o] = (uint8_t)out[i++];
			}
			FUZZ_CHECK(o < n);
		}
		FUZZ_CHECK(o == n && memcmp(back, x, n) == 0);
	}
	free(out);
	free(out2);
	free(back);
	return 0;
}
