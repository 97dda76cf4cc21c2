/*
 * tap.c - a tiny Test Anything Protocol (TAP version 12) producer: numbered
 * "ok"/"not ok" lines on stdout, diagnostics as "# " lines on stderr, and
 * the plan "1..N" printed by done_testing() at the end; and is_err(), the
 * one check that knows libsockit's struct sk_error.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "sockit.h"
#include "tap.h"

static int tests_run;
static int tests_failed;

static void	report(bool, const char *, const char *, va_list)
		    TAP_PRINTF(3, 0);
static void	vdiag(const char *, va_list) TAP_PRINTF(1, 0);

/* Print "ok N - name" or "not ok N - name"; '#' and newlines in the name
 * would confuse a TAP reader, so they are escaped or flattened. */
static void
report(bool pass, const char *directive, const char *fmt, va_list ap)
{
	char name[512];
	const char *p;

	(void)vsnprintf(name, sizeof(name), fmt, ap);
	tests_run++;
	if (!pass)
		tests_failed++;
	printf("%sok %d - ", pass ? "" : "not ", tests_run);
	for (p = name; *p != '\0'; p++) {
		if (*p == '#')
			fputs("\\#", stdout);
		else if (*p == '\n' || *p == '\r')
			putchar(' ');
		else
			putchar(*p);
	}
	if (directive != NULL)
		printf(" # %s", directive);
	putchar('\n');
	(void)fflush(stdout);
}

static void
vdiag(const char *fmt, va_list ap)
{
	char line[1024];
	char *p, *nl;

	(void)vsnprintf(line, sizeof(line), fmt, ap);
	(void)fflush(stdout);
	for (p = line; ; p = nl + 1) {
		if ((nl = strchr(p, '\n')) != NULL)
			*nl = '\0';
		fprintf(stderr, "# %s\n", p);
		if (nl == NULL)
			break;
	}
	(void)fflush(stderr);
}

void
diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(fmt, ap);
	va_end(ap);
}

bool
ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(cond, NULL, fmt, ap);
	va_end(ap);
	return cond;
}

void
skip(const char *fmt, ...)
{
	char why[512];
	char directive[540];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	(void)snprintf(directive, sizeof(directive), "SKIP %s", why);
	tests_run++;
	printf("ok %d # %s\n", tests_run, directive);
	(void)fflush(stdout);
}

bool
is_int(long long got, long long want, const char *fmt, ...)
{
	va_list ap;
	bool pass = got == want;

	va_start(ap, fmt);
	report(pass, NULL, fmt, ap);
	va_end(ap);
	if (!pass)
		diag("     got: %lld\n expected: %lld", got, want);
	return pass;
}

/* Show a string with its control and non-ASCII bytes escaped. */
static void
quoted(char *buf, size_t size, const char *s, size_t n)
{
	size_t i, pos = 0;

	if (size < 8) {
		buf[0] = '\0';
		return;
	}
	buf[pos++] = '"';
	for (i = 0; i < n && pos + 6 < size; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			pos += (size_t)snprintf(buf + pos, size - pos,
			    "\\%c", c);
		else if (isprint(c))
			buf[pos++] = (char)c;
		else
			pos += (size_t)snprintf(buf + pos, size - pos,
			    "\\x%02x", c);
	}
	if (i < n && pos + 4 < size) {
		memcpy(buf + pos, "...", 3);
		pos += 3;
	}
	buf[pos++] = '"';
	buf[pos] = '\0';
}

bool
is_str(const char *got, const char *want, const char *fmt, ...)
{
	char g[600], w[600];
	va_list ap;
	bool pass;

	if (got == NULL || want == NULL)
		pass = got == want;
	else
		pass = strcmp(got, want) == 0;
	va_start(ap, fmt);
	report(pass, NULL, fmt, ap);
	va_end(ap);
	if (!pass) {
		if (got != NULL)
			quoted(g, sizeof(g), got, strlen(got));
		else
			(void)snprintf(g, sizeof(g), "NULL");
		if (want != NULL)
			quoted(w, sizeof(w), want, strlen(want));
		else
			(void)snprintf(w, sizeof(w), "NULL");
		diag("     got: %s\n expected: %s", g, w);
	}
	return pass;
}

bool
is_mem(const void *got, size_t gotlen, const void *want, size_t wantlen,
    const char *fmt, ...)
{
	const unsigned char *g = got, *w = want;
	va_list ap;
	size_t i, n;
	bool pass;

	n = gotlen < wantlen ? gotlen : wantlen;
	for (i = 0; i < n; i++)
		if (g[i] != w[i])
			break;
	pass = gotlen == wantlen && i == n;
	va_start(ap, fmt);
	report(pass, NULL, fmt, ap);
	va_end(ap);
	if (!pass) {
		diag("     got: %zu bytes\n expected: %zu bytes", gotlen,
		    wantlen);
		if (i < n)
			diag("first difference at offset %zu: got 0x%02x, "
			    "expected 0x%02x", i, g[i], w[i]);
		else
			diag("the shorter one is a prefix of the other");
	}
	return pass;
}

bool
is_err(const struct sk_error *err, int kind, int code, const char *message,
    const char *fmt, ...)
{
	va_list ap;
	bool pass;

	pass = (int)err->kind == kind && (code == ANY_CODE ||
	    err->code == code) && (message == NULL ||
	    strcmp(err->message, message) == 0);
	va_start(ap, fmt);
	report(pass, NULL, fmt, ap);
	va_end(ap);
	if (!pass) {
		char m[600];

		quoted(m, sizeof(m), err->message,
		    strnlen(err->message, sizeof(err->message)));
		diag("     got: %s, code %d, %s",
		    sk_error_kind_name(err->kind), err->code, m);
		if (message != NULL)
			quoted(m, sizeof(m), message, strlen(message));
		else
			(void)snprintf(m, sizeof(m), "(any message)");
		if (code == ANY_CODE)
			diag(" expected: %s, any code, %s",
			    sk_error_kind_name((enum sk_error_kind)kind), m);
		else
			diag(" expected: %s, code %d, %s",
			    sk_error_kind_name((enum sk_error_kind)kind), code,
			    m);
	}
	return pass;
}

int
done_testing(void)
{
	printf("1..%d\n", tests_run);
	(void)fflush(stdout);
	if (tests_failed > 0)
		diag("failed %d of %d tests", tests_failed, tests_run);
	return tests_failed > 0 || tests_run == 0 ? 1 : 0;
}
