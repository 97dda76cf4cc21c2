/*
 * fuzz-json.c - libFuzzer target for the JSON Lines writer (lib/core/json.c,
 * RFC 8259).  The input is a little program of writer calls: strings and
 * keys of arbitrary bytes (NULs, invalid UTF-8, control characters),
 * numbers of any bit pattern, nested objects and arrays, bytes.  Checked:
 * every line is exactly one valid JSON object and a newline; each string
 * member of the top-level object decodes to what was written (valid UTF-8
 * losslessly, invalid bytes as U+FFFD each); "data_b64" decodes (RFC 4648)
 * to the bytes given and "data" appears exactly when they are UTF-8;
 * integers print as printf does and doubles read back to the same value.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sockit.h"
#include "fuzz.h"

#define MAX_OPS		64
#define MAX_DEPTH	16
#define MAX_MEMBERS	((size_t)MAX_OPS * 2)

/* What one top-level string member must decode to. */
struct want {
	char *key;		/* NUL-terminated */
	uint8_t *value;
	size_t len;
	bool base64;		/* value is the bytes its base64 encodes */
};

struct expect {
	struct want w[MAX_MEMBERS];
	size_t n;		/* expected */
	size_t seen;		/* found by the checker, in order */
};

/*
 * What the writer promises for a string: valid UTF-8 sequences kept,
 * every other byte one U+FFFD.  Written here from the UTF-8 table, not
 * from lib/core/json.c.
 */
static uint8_t *
replaced(const uint8_t *s, size_t n, size_t *outlen)
{
	uint8_t *out = malloc(3 * n + 1);
	size_t i = 0, len = 0;

	FUZZ_CHECK(out != NULL);
	while (i < n) {
		size_t need = s[i] < 0x80 ? 1 : s[i] < 0xe0 ? 2 :
		    s[i] < 0xf0 ? 3 : 4;

		if (need <= n - i && fuzz_utf8_valid(s + i, need)) {
			memcpy(out + len, s + i, need);
			len += need;
			i += need;
		} else {
			out[len++] = 0xef;	/* U+FFFD */
			out[len++] = 0xbf;
			out[len++] = 0xbd;
			i++;
		}
	}
	*outlen = len;
	return out;
}

static void
expect_add(struct expect *e, const char *key, const void *value, size_t len,
    bool base64)
{
	struct want *w;
	size_t klen;

	FUZZ_CHECK(e->n < MAX_MEMBERS);
	w = &e->w[e->n++];
	w->key = (char *)replaced((const uint8_t *)key, strlen(key), &klen);
	w->key[klen] = '\0';
	w->value = (uint8_t *)fuzz_cstr(value, len);
	w->len = len;
	w->base64 = base64;
}

static void
expect_free(struct expect *e)
{
	for (size_t i = 0; i < e->n; i++) {
		free(e->w[i].key);
		free(e->w[i].value);
	}
	e->n = e->seen = 0;
}

static int
b64val(int c)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = c != '\0' ? strchr(a, c) : NULL;

	return p != NULL ? (int)(p - a) : -1;
}

/* Strict RFC 4648 base64 with padding; -1 if malformed. */
static ssize_t
b64decode(const char *s, size_t n, uint8_t *out)
{
	size_t i, len = 0;

	if (n % 4 != 0)
		return -1;
	for (i = 0; i < n; i += 4) {
		int v[4];
		int pad = 0;

		for (int k = 0; k < 4; k++) {
			if (s[i + (size_t)k] == '=' && i + 4 == n && k >= 2) {
				v[k] = 0;
				pad++;
			} else if (pad > 0 ||
			    (v[k] = b64val(s[i + (size_t)k])) < 0)
				return -1;
		}
		out[len++] = (uint8_t)(v[0] << 2 | v[1] >> 4);
		if (pad < 2)
			out[len++] = (uint8_t)((v[1] & 0xf) << 4 | v[2] >> 2);
		if (pad < 1)
			out[len++] = (uint8_t)((v[2] & 3) << 6 | v[3]);
		/* Canonical: the bits padding drops are zero. */
		if ((pad == 2 && (v[1] & 0xf) != 0) ||
		    (pad == 1 && (v[2] & 3) != 0))
			return -1;
	}
	return (ssize_t)len;
}

static void
on_member(void *ctx, const char *key, size_t keylen, const char *value,
    size_t len)
{
	struct expect *e = ctx;
	const struct want *w;

	FUZZ_CHECK(e->seen < e->n);
	w = &e->w[e->seen++];
	FUZZ_CHECK(keylen == strlen(w->key) &&
	    memcmp(key, w->key, keylen) == 0);
	if (w->base64) {
		uint8_t *raw = malloc(len + 1);
		ssize_t r = b64decode(value, len, raw);

		FUZZ_CHECK(r >= 0 && (size_t)r == w->len &&
		    memcmp(raw, w->value, w->len) == 0);
		free(raw);
	} else
		FUZZ_CHECK(len == w->len && memcmp(value, w->value, len) == 0);
}

/* The line in j is one valid object whose string members are e's. */
static void
check_line(struct sk_json *j, struct expect *e)
{
	FUZZ_CHECK(sk_json_end(j) == 0);
	FUZZ_CHECK(memchr(j->buf.data, '\n', j->buf.len - 1) == NULL);
	FUZZ_CHECK(fuzz_json_line(j->buf.data, j->buf.len, on_member, e));
	FUZZ_CHECK(e->seen == e->n);
	expect_free(e);
}

/* A key: up to the first NUL of the next few bytes. */
static char *
take_key(struct fuzz_in *in)
{
	size_t n;
	const uint8_t *p = fuzz_take(in, fuzz_byte(in) % 24, &n);
	char *k = fuzz_cstr(p, n);

	return k;
}

static void
add_bytes(struct sk_json *j, struct expect *e, bool top, const uint8_t *p,
    size_t n)
{
	sk_json_bytes(j, p, n);
	if (!top)
		return;
	FUZZ_CHECK(sk_utf8_valid(p, n) == fuzz_utf8_valid(p, n));
	if (fuzz_utf8_valid(p, n))
		expect_add(e, "data", p, n, false);
	expect_add(e, "data_b64", p, n, true);
}

/* A string member written with key k: at the top level, expect it. */
static void
expect_string(struct expect *e, bool top, const char *k, const uint8_t *p,
    size_t n)
{
	uint8_t *r;
	size_t rlen;

	if (!top)
		return;
	r = replaced(p, n, &rlen);
	expect_add(e, k, r, rlen, false);
	free(r);
}

/* Run the program in the input; nested containers get no keys inside
 * arrays, as the API requires. */
static void
program(struct sk_json *j, struct fuzz_in *in)
{
	struct expect e = { .n = 0 };
	bool arr[MAX_DEPTH + 1] = { false };
	int depth = 1;

	sk_json_begin(j);
	for (int op = 0; op < MAX_OPS && in->n > 0; op++) {
		unsigned c = fuzz_byte(in);
		char *key = take_key(in);
		const char *k = arr[depth] ? NULL : key;
		bool top = depth == 1;
		const uint8_t *p;
		size_t n;
		uint64_t u;
		double d;

		switch (c % 12) {
		case 0:
			/* A C string: up to its first NUL. */
			p = fuzz_take(in, fuzz_byte(in), &n);
			n = strnlen((const char *)p, n);
			{
				char *s = fuzz_cstr(p, n);

				sk_json_str(j, k, s);
				free(s);
			}
			expect_string(&e, top, k, p, n);
			break;
		case 1:
			p = fuzz_take(in, (size_t)fuzz_byte(in) * 4, &n);
			sk_json_strn(j, k, (const char *)p, n);
			expect_string(&e, top, k, p, n);
			break;
		case 2:
			sk_json_int(j, k, (long long)fuzz_u64(in));
			break;
		case 3:
			sk_json_uint(j, k, fuzz_u64(in));
			break;
		case 4:
			u = fuzz_u64(in);
			memcpy(&d, &u, sizeof(d));
			sk_json_double(j, k, d);
			break;
		case 5:
			sk_json_bool(j, k, fuzz_byte(in) & 1);
			break;
		case 6:
			if (fuzz_byte(in) & 1)
				sk_json_null(j, k);
			else
				sk_json_str(j, k, NULL);
			break;
		case 7:
		case 8:
			if (depth >= MAX_DEPTH)
				break;
			if (c % 12 == 7)
				sk_json_object(j, k);
			else
				sk_json_array(j, k);
			arr[++depth] = c % 12 == 8;
			break;
		case 9:
			if (depth == 1)
				break;
			if (arr[depth])
				sk_json_close_array(j);
			else
				sk_json_close_object(j);
			depth--;
			break;
		default:
			/* bytes take their own keys: only in objects */
			if (arr[depth])
				break;
			p = fuzz_take(in, (size_t)fuzz_byte(in) * 4, &n);
			add_bytes(j, &e, top, p, n);
			break;
		}
		free(key);
	}
	for (; depth > 1; depth--)
		if (arr[depth])
			sk_json_close_array(j);
		else
			sk_json_close_object(j);
	check_line(j, &e);
}

/* A number alone: {"v":N} with N as printf/strtod see it. */
static void
numbers(struct sk_json *j, uint64_t u)
{
	char want[64];
	double d, back;
	size_t n;

	sk_json_begin(j);
	sk_json_int(j, "v", (long long)u);
	FUZZ_CHECK(sk_json_end(j) == 0);
	n = (size_t)snprintf(want, sizeof(want), "{\"v\":%lld}\n",
	    (long long)u);
	FUZZ_CHECK(j->buf.len == n && memcmp(j->buf.data, want, n) == 0);

	sk_json_begin(j);
	sk_json_uint(j, "v", u);
	FUZZ_CHECK(sk_json_end(j) == 0);
	n = (size_t)snprintf(want, sizeof(want), "{\"v\":%llu}\n",
	    (unsigned long long)u);
	FUZZ_CHECK(j->buf.len == n && memcmp(j->buf.data, want, n) == 0);

	memcpy(&d, &u, sizeof(d));
	sk_json_begin(j);
	sk_json_double(j, "v", d);
	FUZZ_CHECK(sk_json_end(j) == 0);
	FUZZ_CHECK(fuzz_json_line(j->buf.data, j->buf.len, NULL, NULL));
	if (!isfinite(d)) {
		FUZZ_CHECK(strcmp(j->buf.data, "{\"v\":null}\n") == 0);
		return;
	}
	back = strtod(j->buf.data + 5, NULL);
	FUZZ_CHECK(back == d && signbit(back) == signbit(d));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sk_json j = { .depth = 0 };
	struct expect e = { .n = 0 };
	struct fuzz_in in = { data, size };

	/* The whole input as bytes, then as one string member. */
	sk_json_begin(&j);
	add_bytes(&j, &e, true, data, size);
	check_line(&j, &e);
	sk_json_begin(&j);
	sk_json_strn(&j, "s", (const char *)data, size);
	expect_string(&e, true, "s", data, size);
	check_line(&j, &e);

	if (size >= 8) {
		struct fuzz_in num = { data, 8 };

		numbers(&j, fuzz_u64(&num));
	}
	program(&j, &in);
	sk_json_free(&j);
	return 0;
}
