/*
 * bytes.c - bytes as text: Python's repr(bytes) literal and its inverse,
 * hex, UTF-8 validation (RFC 3629), and a growable buffer.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockit-int.h"

static const char hexdigits[] = "0123456789abcdef";

/* Store c at buf[pos] if it fits; always advance. */
static inline void
put(char *buf, size_t size, size_t *pos, char c)
{
	if (*pos < size)
		buf[*pos] = c;
	(*pos)++;
}

size_t
sk_bytes_repr(const void *data, size_t n, char *buf, size_t size)
{
	const unsigned char *p = data;
	size_t i, pos = 0;
	char quote = '\'';

	/* Python's rule: double quotes when there is a ' and no ". */
	if (memchr(p, '\'', n) != NULL && memchr(p, '"', n) == NULL)
		quote = '"';
	put(buf, size, &pos, 'b');
	put(buf, size, &pos, quote);
	for (i = 0; i < n; i++) {
		unsigned char c = p[i];

		if (c == (unsigned char)quote || c == '\\') {
			put(buf, size, &pos, '\\');
			put(buf, size, &pos, (char)c);
		} else if (c == '\t') {
			put(buf, size, &pos, '\\');
			put(buf, size, &pos, 't');
		} else if (c == '\n') {
			put(buf, size, &pos, '\\');
			put(buf, size, &pos, 'n');
		} else if (c == '\r') {
			put(buf, size, &pos, '\\');
			put(buf, size, &pos, 'r');
		} else if (c < 0x20 || c >= 0x7f) {
			put(buf, size, &pos, '\\');
			put(buf, size, &pos, 'x');
			put(buf, size, &pos, hexdigits[c >> 4]);
			put(buf, size, &pos, hexdigits[c & 0xf]);
		} else
			put(buf, size, &pos, (char)c);
	}
	put(buf, size, &pos, quote);
	if (size > 0)
		buf[pos < size ? pos : size - 1] = '\0';
	return pos;
}

/* A hex digit's value plus one; 0 for anything else. */
static const unsigned char hexvals[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6,
	['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16
};

static inline int
hexval(int c)
{
	return hexvals[(unsigned char)c] - 1;
}

ssize_t
sk_bytes_unrepr(const char *text, size_t len, unsigned char *out, size_t size,
    struct sk_error *err)
{
	size_t i, n = 0;
	char quote;

	if (len < 3 || (text[0] != 'b' && text[0] != 'B') ||
	    (text[1] != '\'' && text[1] != '"') || text[len - 1] != text[1])
		return sk_error_set(err, SK_ERR_VALUE, EINVAL,
		    "not a bytes literal");
	quote = text[1];
	for (i = 2; i < len - 1; i++) {
		unsigned char c = (unsigned char)text[i];
		int v;

		if (c == (unsigned char)quote || c >= 0x80 || c == '\0' ||
		    c == '\n')
			return sk_error_set(err, SK_ERR_VALUE, EINVAL,
			    "bad character in bytes literal");
		if (c == '\\') {
			if (++i >= len - 1)
				return sk_error_set(err, SK_ERR_VALUE, EINVAL,
				    "bytes literal ends in a backslash");
			c = (unsigned char)text[i];
			switch (c) {
			case '\\': case '\'': case '"':
				break;
			case 'a': c = '\a'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'v': c = '\v'; break;
			case 'x':
				if (i + 2 >= len - 1 ||
				    hexval(text[i + 1]) < 0 ||
				    hexval(text[i + 2]) < 0)
					return sk_error_set(err, SK_ERR_VALUE,
					    EINVAL, "bad \\x escape in bytes "
					    "literal");
				c = (unsigned char)(hexval(text[i + 1]) << 4 |
				    hexval(text[i + 2]));
				i += 2;
				break;
			case '0': case '1': case '2': case '3':
			case '4': case '5': case '6': case '7':
				v = c - '0';
				if (i + 1 < len - 1 && text[i + 1] >= '0' &&
				    text[i + 1] <= '7')
					v = v * 8 + text[++i] - '0';
				if (i + 1 < len - 1 && text[i + 1] >= '0' &&
				    text[i + 1] <= '7')
					v = v * 8 + text[++i] - '0';
				c = (unsigned char)(v & 0xff);
				break;
			default:
				/* Python keeps an unknown escape as written. */
				if (n >= size)
					goto toolong;
				out[n++] = '\\';
				break;
			}
		}
		if (n >= size)
			goto toolong;
		out[n++] = c;
	}
	return (ssize_t)n;
toolong:
	return sk_error_set(err, SK_ERR_VALUE, ERANGE,
	    "bytes literal too long");
}

size_t
sk_hex_encode(const void *data, size_t n, char *buf)
{
	/* Every byte's two digits, so each byte is one two-byte copy. */
	static const char pairs[] =
	    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	    "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
	    "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
	    "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
	    "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
	    "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
	    "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
	    "e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i < n; i++)
		memcpy(buf + 2 * i, pairs + 2 * (size_t)p[i], 2);
	buf[2 * n] = '\0';
	return 2 * n;
}

ssize_t
sk_hex_decode(const char *text, size_t len, unsigned char *out, size_t size,
    struct sk_error *err)
{
	size_t i;

	if (len >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
		text += 2;
		len -= 2;
	}
	if (len % 2 != 0)
		return sk_error_set(err, SK_ERR_VALUE, EINVAL,
		    "odd number of hex digits");
	if (len / 2 > size)
		return sk_error_set(err, SK_ERR_VALUE, ERANGE,
		    "too many hex digits");
	for (i = 0; i < len; i += 2) {
		int hi = hexval(text[i]), lo = hexval(text[i + 1]);

		if (hi < 0 || lo < 0)
			return sk_error_set(err, SK_ERR_VALUE, EINVAL,
			    "non-hex digit");
		out[i / 2] = (unsigned char)(hi << 4 | lo);
	}
	return (ssize_t)(len / 2);
}

bool
sk_utf8_valid(const void *data, size_t n)
{
	const unsigned char *p = data;
	size_t i = 0;

	while (i < n) {
		unsigned char c = p[i];
		size_t need;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			cp = c & 0x07;
		} else
			return false;
		if (n - i - 1 < need)
			return false;
		for (size_t k = 1; k <= need; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		/* Overlong forms, surrogates, beyond U+10FFFF. */
		if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return false;
		i += need + 1;
	}
	return true;
}

int
sk_buf_reserve(struct sk_buf *b, size_t more)
{
	size_t cap;
	char *p;

	if (more < b->cap - b->len && b->data != NULL)
		return 0;
	if (more > SIZE_MAX / 2 - b->len) {
		errno = ENOMEM;
		return -1;
	}
	cap = b->cap ? b->cap : 256;
	while (cap - b->len <= more)
		cap *= 2;
	if ((p = realloc(b->data, cap)) == NULL)
		return -1;
	p[b->len] = '\0';	/* a new buffer is terminated too */
	b->data = p;
	b->cap = cap;
	return 0;
}

int
sk_buf_append(struct sk_buf *b, const void *data, size_t n)
{
	if (sk_buf_reserve(b, n) == -1)
		return -1;
	if (n > 0)
		memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
sk_buf_putc(struct sk_buf *b, char c)
{
	return sk_buf_append(b, &c, 1);
}

int
sk_buf_printf(struct sk_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || sk_buf_reserve(b, (size_t)n) == -1)
		return -1;
	va_start(ap, fmt);
	(void)vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void
sk_buf_reset(struct sk_buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void
sk_buf_free(struct sk_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void
sk_bytes_free(struct sk_bytes *b)
{
	if (b == NULL)
		return;
	free(b->data);
	b->data = NULL;
	b->len = 0;
}
