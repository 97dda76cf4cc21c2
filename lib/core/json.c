/*
 * json.c - a small JSON Lines writer (RFC 8259, one object per line).
 *
 * Built for sockit's event records: flat objects with a few nested
 * address objects.  Strings are escaped; invalid UTF-8 becomes U+FFFD so
 * that every line stays valid JSON.  Bytes go out as base64 (RFC 4648)
 * under "data_b64", and as a lossless "data" string when they are UTF-8.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockit-int.h"

static void
app(struct sk_json *j, const void *p, size_t n)
{
	if (!j->failed && sk_buf_append(&j->buf, p, n) == -1)
		j->failed = true;
}

static void
appc(struct sk_json *j, char c)
{
	app(j, &c, 1);
}

/* Length of the valid UTF-8 sequence at p (n bytes left), 0 if invalid. */
static size_t
utf8_seq(const unsigned char *p, size_t n)
{
	size_t len;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (len > n || !sk_utf8_valid(p, len))
		return 0;
	return len;
}

static void
put_string(struct sk_json *j, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;

	appc(j, '"');
	while (i < n) {
		unsigned char c = p[i];
		size_t len;
		char esc[8];

		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			run++;
			i++;
			continue;
		}
		app(j, p + i - run, run);
		run = 0;
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			app(j, esc, 2);
			i++;
		} else if (c < 0x20) {
			switch (c) {
			case '\n': app(j, "\\n", 2); break;
			case '\r': app(j, "\\r", 2); break;
			case '\t': app(j, "\\t", 2); break;
			case '\b': app(j, "\\b", 2); break;
			case '\f': app(j, "\\f", 2); break;
			default:
				(void)snprintf(esc, sizeof(esc), "\\u%04x", c);
				app(j, esc, 6);
			}
			i++;
		} else if ((len = utf8_seq(p + i, n - i)) > 0) {
			app(j, p + i, len);
			i += len;
		} else {
			app(j, "\xef\xbf\xbd", 3);	/* U+FFFD */
			i++;
		}
	}
	app(j, p + i - run, run);
	appc(j, '"');
}

/* The separator and key that precede every value. */
static void
put_key(struct sk_json *j, const char *key)
{
	if (j->need_comma)
		appc(j, ',');
	if (key != NULL) {
		put_string(j, key, strlen(key));
		appc(j, ':');
	}
	j->need_comma = true;
}

void
sk_json_begin(struct sk_json *j)
{
	sk_buf_reset(&j->buf);
	j->failed = false;
	j->depth = 1;
	j->need_comma = false;
	appc(j, '{');
}

void
sk_json_strn(struct sk_json *j, const char *key, const char *value, size_t n)
{
	put_key(j, key);
	put_string(j, value, n);
}

void
sk_json_str(struct sk_json *j, const char *key, const char *value)
{
	if (value == NULL) {
		sk_json_null(j, key);
		return;
	}
	sk_json_strn(j, key, value, strlen(value));
}

void
sk_json_int(struct sk_json *j, const char *key, long long value)
{
	char num[32];
	int n;

	put_key(j, key);
	n = snprintf(num, sizeof(num), "%lld", value);
	app(j, num, (size_t)n);
}

void
sk_json_uint(struct sk_json *j, const char *key, unsigned long long value)
{
	char num[32];
	int n;

	put_key(j, key);
	n = snprintf(num, sizeof(num), "%llu", value);
	app(j, num, (size_t)n);
}

void
sk_json_double(struct sk_json *j, const char *key, double value)
{
	char num[64];
	int n;

	if (!isfinite(value)) {
		sk_json_null(j, key);
		return;
	}
	put_key(j, key);
	n = snprintf(num, sizeof(num), "%.17g", value);
	/* Shortest form that reads back the same, for readable output. */
	for (int prec = 1; prec < 17; prec++) {
		char shorter[64];
		int m = snprintf(shorter, sizeof(shorter), "%.*g", prec, value);

		if (strtod(shorter, NULL) == value) {
			memcpy(num, shorter, (size_t)m + 1);
			n = m;
			break;
		}
	}
	app(j, num, (size_t)n);
}

void
sk_json_bool(struct sk_json *j, const char *key, bool value)
{
	put_key(j, key);
	if (value)
		app(j, "true", 4);
	else
		app(j, "false", 5);
}

void
sk_json_null(struct sk_json *j, const char *key)
{
	put_key(j, key);
	app(j, "null", 4);
}

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void
sk_json_bytes(struct sk_json *j, const void *data, size_t n)
{
	const unsigned char *p = data;
	size_t i;

	if (sk_utf8_valid(p, n))
		sk_json_strn(j, "data", (const char *)p, n);
	put_key(j, "data_b64");
	appc(j, '"');
	for (i = 0; i + 2 < n; i += 3) {
		char q[4] = { b64[p[i] >> 2],
		    b64[(p[i] & 3) << 4 | p[i + 1] >> 4],
		    b64[(p[i + 1] & 0xf) << 2 | p[i + 2] >> 6],
		    b64[p[i + 2] & 0x3f] };
		app(j, q, 4);
	}
	if (n - i == 1) {
		char q[4] = { b64[p[i] >> 2], b64[(p[i] & 3) << 4], '=', '=' };
		app(j, q, 4);
	} else if (n - i == 2) {
		char q[4] = { b64[p[i] >> 2],
		    b64[(p[i] & 3) << 4 | p[i + 1] >> 4],
		    b64[(p[i + 1] & 0xf) << 2], '=' };
		app(j, q, 4);
	}
	appc(j, '"');
}

void
sk_json_addr(struct sk_json *j, const char *key, const struct sk_addr *addr)
{
	char host[SK_ADDRSTRLEN], fam[16];
	int family = sk_addr_family(addr);

	sk_json_object(j, key);
	sk_json_str(j, "family", sk_family_name(family, fam, sizeof(fam)));
	if (sk_addr_host(addr, host, sizeof(host)) < 0)
		host[0] = '\0';
	if (family == AF_INET || family == AF_INET6) {
		sk_json_str(j, "host", host);
		sk_json_uint(j, "port", sk_addr_port(addr));
		if (family == AF_INET6) {
			sk_json_uint(j, "flowinfo",
			    ntohl(addr->u.in6.sin6_flowinfo));
			sk_json_uint(j, "scope_id", addr->u.in6.sin6_scope_id);
		}
	} else if (family == AF_UNIX)
		sk_json_str(j, "path", host);
	sk_json_close_object(j);
}

void
sk_json_object(struct sk_json *j, const char *key)
{
	put_key(j, key);
	appc(j, '{');
	j->depth++;
	j->need_comma = false;
}

void
sk_json_array(struct sk_json *j, const char *key)
{
	put_key(j, key);
	appc(j, '[');
	j->depth++;
	j->need_comma = false;
}

void
sk_json_close_object(struct sk_json *j)
{
	appc(j, '}');
	j->depth--;
	j->need_comma = true;
}

void
sk_json_close_array(struct sk_json *j)
{
	appc(j, ']');
	j->depth--;
	j->need_comma = true;
}

int
sk_json_end(struct sk_json *j)
{
	appc(j, '}');
	appc(j, '\n');
	j->depth = 0;
	if (j->failed) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void
sk_json_free(struct sk_json *j)
{
	sk_buf_free(&j->buf);
}
