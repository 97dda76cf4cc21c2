/*
 * fuzz.h - shared helpers for the libFuzzer targets in tests/fuzz/: the
 * entry point's prototype, a NUL-terminated copy of the input, a cursor
 * that takes bytes off the front of it, an independent UTF-8 validator
 * (RFC 3629 table 3-7) and a strict JSON (RFC 8259) checker that also
 * decodes the string members of the top-level object, so that a target
 * can check what the writer meant as well as its syntax.
 *
 * Header-only: every target is one .c file (see tests/fuzz/README.md).
 * A failed property calls FUZZ_CHECK's abort(), which libFuzzer reports
 * as a crash and saves the input.
 */
#ifndef SOCKIT_FUZZ_H
#define SOCKIT_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Abort with the failed condition and its line: libFuzzer keeps the
 * input as a crash. */
#define FUZZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: property failed: %s\n",		\
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

/* A copy of n bytes with a NUL after them (never NULL; calloc, so that
 * the static analyzer sees every byte defined). */
static inline char *
fuzz_cstr(const void *data, size_t n)
{
	char *s = calloc(n + 1, 1);

	FUZZ_CHECK(s != NULL);
	if (n > 0)
		memcpy(s, data, n);
	s[n] = '\0';
	return s;
}

/* Bytes taken off the front of the input. */
struct fuzz_in {
	const uint8_t *p;
	size_t n;
};

static inline unsigned
fuzz_byte(struct fuzz_in *in)
{
	unsigned c;

	if (in->n == 0)
		return 0;
	c = in->p[0];
	in->p++;
	in->n--;
	return c;
}

static inline uint64_t
fuzz_u64(struct fuzz_in *in)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | fuzz_byte(in);
	return v;
}

/* Up to max bytes, their count in *len (pointing into the input). */
static inline const uint8_t *
fuzz_take(struct fuzz_in *in, size_t max, size_t *len)
{
	const uint8_t *p = in->p;

	*len = in->n < max ? in->n : max;
	in->p += *len;
	in->n -= *len;
	return p;
}

/*
 * UTF-8 as RFC 3629 section 4 writes it, byte class by byte class, kept
 * deliberately unlike lib/core/bytes.c's decoder so that they check each other.
 */
static inline bool
fuzz_utf8_valid(const uint8_t *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint8_t c = s[i];
		uint8_t lo = 0x80, hi = 0xbf;
		size_t tail;

		if (c <= 0x7f) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			tail = 1;
		else if (c == 0xe0) {
			tail = 2;
			lo = 0xa0;
		} else if ((c >= 0xe1 && c <= 0xec) || c == 0xee || c == 0xef)
			tail = 2;
		else if (c == 0xed) {
			tail = 2;
			hi = 0x9f;
		} else if (c == 0xf0) {
			tail = 3;
			lo = 0x90;
		} else if (c >= 0xf1 && c <= 0xf3)
			tail = 3;
		else if (c == 0xf4) {
			tail = 3;
			hi = 0x8f;
		} else
			return false;
		if (n - i <= tail || s[i + 1] < lo || s[i + 1] > hi)
			return false;
		for (size_t k = 2; k <= tail; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xbf)
				return false;
		i += tail + 1;
	}
	return true;
}

/*
 * The strict JSON checker.  fuzz_json_check(s, n, fn, ctx) returns true
 * when s[0..n) is exactly one JSON object (RFC 8259, no leading or
 * trailing white space).  For each member of that top-level object whose
 * value is a string, fn(ctx, key, keylen, value, valuelen) is called with
 * both decoded (escapes undone, as UTF-8).  Nesting is bounded.
 */
typedef void (*fuzz_json_member_fn)(void *ctx, const char *key,
    size_t keylen, const char *value, size_t valuelen);

struct fuzz_json {
	const char *s;
	size_t n, i;
	int depth;
};

#define FUZZ_JSON_MAX_DEPTH 64

static inline bool fuzz_json_value(struct fuzz_json *, char **, size_t *);

static inline int
fuzz_json_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Four hex digits at s[i]. */
static inline long
fuzz_json_u4(struct fuzz_json *j)
{
	long v = 0;

	if (j->n - j->i < 4)
		return -1;
	for (int k = 0; k < 4; k++) {
		int d = fuzz_json_hex(j->s[j->i + (size_t)k]);

		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	j->i += 4;
	return v;
}

static inline void
fuzz_put_utf8(char *out, size_t *len, unsigned long cp)
{
	if (cp < 0x80)
		out[(*len)++] = (char)cp;
	else if (cp < 0x800) {
		out[(*len)++] = (char)(0xc0 | cp >> 6);
		out[(*len)++] = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		out[(*len)++] = (char)(0xe0 | cp >> 12);
		out[(*len)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[(*len)++] = (char)(0x80 | (cp & 0x3f));
	} else {
		out[(*len)++] = (char)(0xf0 | cp >> 18);
		out[(*len)++] = (char)(0x80 | ((cp >> 12) & 0x3f));
		out[(*len)++] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[(*len)++] = (char)(0x80 | (cp & 0x3f));
	}
}

/* A string at s[i] == '"'; *out (malloc'd, when out is not NULL) gets
 * the decoded bytes.  Lone surrogate escapes are refused. */
static inline bool
fuzz_json_string(struct fuzz_json *j, char **out, size_t *outlen)
{
	size_t start, len = 0;
	char *d;

	if (j->i >= j->n || j->s[j->i] != '"')
		return false;
	start = ++j->i;
	/* Decoded text is never longer than its source. */
	d = malloc(j->n - start + 1);
	FUZZ_CHECK(d != NULL);
	while (j->i < j->n && j->s[j->i] != '"') {
		unsigned char c = (unsigned char)j->s[j->i];
		long cp, lo;

		if (c < 0x20)
			goto bad;
		if (c != '\\') {
			d[len++] = (char)c;
			j->i++;
			continue;
		}
		if (++j->i >= j->n)
			goto bad;
		c = (unsigned char)j->s[j->i++];
		switch (c) {
		case '"': case '\\': case '/':
			d[len++] = (char)c;
			break;
		case 'b': d[len++] = '\b'; break;
		case 'f': d[len++] = '\f'; break;
		case 'n': d[len++] = '\n'; break;
		case 'r': d[len++] = '\r'; break;
		case 't': d[len++] = '\t'; break;
		case 'u':
			if ((cp = fuzz_json_u4(j)) < 0)
				goto bad;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				goto bad;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (j->n - j->i < 2 || j->s[j->i] != '\\' ||
				    j->s[j->i + 1] != 'u')
					goto bad;
				j->i += 2;
				if ((lo = fuzz_json_u4(j)) < 0xdc00 ||
				    lo > 0xdfff)
					goto bad;
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
			}
			fuzz_put_utf8(d, &len, (unsigned long)cp);
			break;
		default:
			goto bad;
		}
	}
	if (j->i >= j->n)
		goto bad;
	j->i++;
	if (!fuzz_utf8_valid((const uint8_t *)j->s + start,
	    j->i - 1 - start))
		goto bad;
	d[len] = '\0';
	if (out != NULL) {
		*out = d;
		*outlen = len;
	} else
		free(d);
	return true;
bad:
	free(d);
	return false;
}

static inline bool
fuzz_json_digits(struct fuzz_json *j)
{
	size_t start = j->i;

	while (j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9')
		j->i++;
	return j->i > start;
}

static inline bool
fuzz_json_number(struct fuzz_json *j)
{
	if (j->i < j->n && j->s[j->i] == '-')
		j->i++;
	if (j->i < j->n && j->s[j->i] == '0')
		j->i++;
	else if (!fuzz_json_digits(j))
		return false;
	if (j->i < j->n && j->s[j->i] == '.') {
		j->i++;
		if (!fuzz_json_digits(j))
			return false;
	}
	if (j->i < j->n && (j->s[j->i] == 'e' || j->s[j->i] == 'E')) {
		j->i++;
		if (j->i < j->n && (j->s[j->i] == '+' || j->s[j->i] == '-'))
			j->i++;
		if (!fuzz_json_digits(j))
			return false;
	}
	return true;
}

static inline bool
fuzz_json_word(struct fuzz_json *j, const char *w)
{
	size_t n = strlen(w);

	if (j->n - j->i < n || memcmp(j->s + j->i, w, n) != 0)
		return false;
	j->i += n;
	return true;
}

/* An object or array at s[i]; members of the top-level object go to fn. */
static inline bool
fuzz_json_container(struct fuzz_json *j, fuzz_json_member_fn fn, void *ctx)
{
	char close = j->s[j->i] == '{' ? '}' : ']';
	bool first = true;

	if (++j->depth > FUZZ_JSON_MAX_DEPTH)
		return false;
	j->i++;
	while (j->i < j->n && j->s[j->i] != close) {
		char *key = NULL, *val = NULL;
		size_t keylen = 0, vallen = 0;
		bool okay;

		if (!first && j->s[j->i++] != ',')
			return false;
		first = false;
		if (close == '}') {
			if (!fuzz_json_string(j, &key, &keylen))
				return false;
			if (j->i >= j->n || j->s[j->i++] != ':') {
				free(key);
				return false;
			}
		}
		okay = fuzz_json_value(j, fn != NULL && close == '}' ?
		    &val : NULL, &vallen);
		if (okay && val != NULL && fn != NULL)
			fn(ctx, key, keylen, val, vallen);
		free(key);
		free(val);
		if (!okay)
			return false;
	}
	if (j->i >= j->n)
		return false;
	j->i++;
	j->depth--;
	return true;
}

/* Any value; a string's decoded bytes go to *out when out is not NULL. */
static inline bool
fuzz_json_value(struct fuzz_json *j, char **out, size_t *outlen)
{
	if (j->i >= j->n)
		return false;
	switch (j->s[j->i]) {
	case '{':
	case '[':
		return fuzz_json_container(j, NULL, NULL);
	case '"':
		return fuzz_json_string(j, out, outlen);
	case 't':
		return fuzz_json_word(j, "true");
	case 'f':
		return fuzz_json_word(j, "false");
	case 'n':
		return fuzz_json_word(j, "null");
	default:
		return fuzz_json_number(j);
	}
}

static inline bool
fuzz_json_check(const char *s, size_t n, fuzz_json_member_fn fn, void *ctx)
{
	struct fuzz_json j = { s, n, 0, 0 };

	if (n == 0 || s[0] != '{' || !fuzz_json_container(&j, fn, ctx))
		return false;
	return j.i == n;
}

/* One JSON Lines record: an object, then '\n', nothing else. */
static inline bool
fuzz_json_line(const char *s, size_t n, fuzz_json_member_fn fn, void *ctx)
{
	return n > 0 && s[n - 1] == '\n' && fuzz_json_check(s, n - 1, fn, ctx);
}

#endif /* SOCKIT_FUZZ_H */
