/*
 * test-json.c - the JSON Lines writer (RFC 8259): string escaping, U+FFFD
 * for invalid UTF-8, base64 (RFC 4648) of bytes with "data" only when they
 * are valid UTF-8, nested objects and arrays, address objects, numbers,
 * doubles, booleans and null, and the sticky allocation failure.
 *
 * Each case builds one whole line and compares it exactly.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockit.h"
#include "helpers.h"
#include "tap.h"

/* base64 of bytes(range(256)), from Python's base64.b64encode. */
static const char b64_all[] =
	    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKiss"
	    "LS4vMDEyMzQ1Njc4OTo7PD0+P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZ"
	    "WltcXV5fYGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn+AgYKDhIWG"
	    "h4iJiouMjY6PkJGSk5SVlpeYmZqbnJ2en6ChoqOkpaanqKmqq6ytrq+wsbKz"
	    "tLW2t7i5uru8vb6/wMHCw8TFxsfIycrLzM3Oz9DR0tPU1dbX2Nna29zd3t/g"
	    "4eLj5OXm5+jp6uvs7e7v8PHy8/T19vf4+fr7/P3+/w==";

/* End the line in j and compare it, without the newline, to want. */
static void
is_line(struct sk_json *j, const char *want, const char *name)
{
	int r = sk_json_end(j);

	is_int(r, 0, "%s: sk_json_end succeeds", name);
	if (j->buf.len == 0 || j->buf.data[j->buf.len - 1] != '\n') {
		ok(false, "%s: the line ends in a newline", name);
		return;
	}
	is_mem(j->buf.data, j->buf.len - 1, want, strlen(want), "%s", name);
	if (j->buf.len - 1 != strlen(want)) {
		j->buf.data[j->buf.len - 1] = '\0';
		diag("got:  %s", j->buf.data);
		diag("want: %s", want);
	}
}

static void
test_strings(struct sk_json *j)
{
	static const struct {
		const char *in;
		size_t len;
		const char *want;	/* the value as written */
		const char *name;
	} cases[] = {
		{ "", 0, "\"\"", "empty string" },
		{ "plain", 5, "\"plain\"", "plain ASCII" },
		{ "a\"b\\c/d", 7, "\"a\\\"b\\\\c/d\"",
		    "quote, backslash, slash" },
		{ "\n\r\t\b\f", 5, "\"\\n\\r\\t\\b\\f\"", "short escapes" },
		{ "\x01\x1f", 2, "\"\\u0001\\u001f\"", "other controls" },
		{ "a\0b", 3, "\"a\\u0000b\"", "embedded NUL (strn)" },
		{ "\x7f", 1, "\"\x7f\"", "DEL is left alone" },
		{ "\xc3\xa9t\xc3\xa9", 5, "\"\xc3\xa9t\xc3\xa9\"",
		    "valid 2-byte" },
		{ "\xe2\x82\xac", 3, "\"\xe2\x82\xac\"", "valid 3-byte" },
		{ "\xf0\x9f\x98\x80", 4, "\"\xf0\x9f\x98\x80\"",
		    "valid 4-byte" },
		{ "\xff", 1, "\"\xef\xbf\xbd\"", "0xff becomes U+FFFD" },
		{ "a\xc3", 2, "\"a\xef\xbf\xbd\"",
		    "truncated sequence at end" },
		{ "\xc3(", 2, "\"\xef\xbf\xbd(\"", "bad continuation" },
		{ "\xc0\x80", 2, "\"\xef\xbf\xbd\xef\xbf\xbd\"",
		    "overlong NUL, two U+FFFD" },
		{ "\xed\xa0\x80", 3,
		    "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"",
		    "surrogate, three U+FFFD as Python's 'replace'" },
		{ "\xf4\x90\x80\x80", 4,
		    "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"",
		    "beyond U+10FFFF, four U+FFFD" },
		{ "x\x80y", 3, "\"x\xef\xbf\xbdy\"", "lone continuation" },
	};
	char want[128];
	size_t i;

	for (i = 0; i < nitems(cases); i++) {
		sk_json_begin(j);
		sk_json_strn(j, "s", cases[i].in, cases[i].len);
		(void)snprintf(want, sizeof(want), "{\"s\":%s}", cases[i].want);
		is_line(j, want, cases[i].name);
	}

	/* Keys are escaped the same way; str() stops at the NUL. */
	sk_json_begin(j);
	sk_json_str(j, "k\"\n", "v\xff");
	sk_json_str(j, "t", "a\0b");
	is_line(j, "{\"k\\\"\\n\":\"v\xef\xbf\xbd\",\"t\":\"a\"}",
	    "keys escaped, str() stops at NUL");

	/* Whatever comes in, the line is valid UTF-8. */
	{
		unsigned char all[256];

		for (i = 0; i < 256; i++)
			all[i] = (unsigned char)i;
		sk_json_begin(j);
		sk_json_strn(j, "s", (const char *)all, sizeof(all));
		is_int(sk_json_end(j), 0, "all 256 bytes as a string: end");
		ok(sk_utf8_valid(j->buf.data, j->buf.len),
		    "all 256 bytes as a string: the line is valid UTF-8");
		ok(memchr(j->buf.data, '\0', j->buf.len) == NULL,
		    "all 256 bytes as a string: no raw NUL in the line");
	}
}

static void
test_bytes(struct sk_json *j)
{
	/* RFC 4648 section 10 test vectors, lengths 0..6. */
	static const char *const vectors[][2] = {
		{ "", "" },
		{ "f", "Zg==" },
		{ "fo", "Zm8=" },
		{ "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" },
		{ "fooba", "Zm9vYmE=" },
		{ "foobar", "Zm9vYmFy" },
	};
	unsigned char all[256];
	char want[512];
	size_t i;

	for (i = 0; i < nitems(vectors); i++) {
		sk_json_begin(j);
		sk_json_bytes(j, vectors[i][0], strlen(vectors[i][0]));
		(void)snprintf(want, sizeof(want),
		    "{\"data\":\"%s\",\"data_b64\":\"%s\"}", vectors[i][0],
		    vectors[i][1]);
		is_line(j, want, vectors[i][0][0] ? vectors[i][0] :
		    "bytes of length 0");
	}

	/* Not UTF-8: base64 only. */
	sk_json_begin(j);
	sk_json_bytes(j, "\xff\x00", 2);
	is_line(j, "{\"data_b64\":\"/wA=\"}", "invalid UTF-8: data_b64 only");
	sk_json_begin(j);
	sk_json_bytes(j, "\xfb\xff", 2);
	is_line(j, "{\"data_b64\":\"+/8=\"}", "base64 uses + and /");
	sk_json_begin(j);
	sk_json_bytes(j, "\xed\xa0\x80", 3);
	is_line(j, "{\"data_b64\":\"7aCA\"}", "a surrogate is not UTF-8");

	/* Valid UTF-8 with controls: data escaped, base64 exact. */
	sk_json_begin(j);
	sk_json_bytes(j, "a\0\n\xc3\xa9", 5);
	is_line(j, "{\"data\":\"a\\u0000\\n\xc3\xa9\","
	    "\"data_b64\":\"YQAKw6k=\"}", "valid UTF-8 with NUL and newline");

	for (i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	sk_json_begin(j);
	sk_json_bytes(j, all, sizeof(all));
	(void)snprintf(want, sizeof(want), "{\"data_b64\":\"%s\"}", b64_all);
	is_line(j, want, "base64 of bytes 0..255 matches Python");

	/* Among other keys. */
	sk_json_begin(j);
	sk_json_str(j, "event", "recv");
	sk_json_bytes(j, "hi", 2);
	sk_json_int(j, "n", 2);
	is_line(j, "{\"event\":\"recv\",\"data\":\"hi\",\"data_b64\":\"aGk=\","
	    "\"n\":2}", "bytes among other keys");
}

static void
test_numbers(struct sk_json *j)
{
	/* The shortest text that reads back the same double (Python's
	 * repr, with %g's exponent style). */
	static const struct {
		double v;
		const char *want;
	} doubles[] = {
		{ 0.0, "0" },
		{ 1.0, "1" },
		{ -1.5, "-1.5" },
		{ 0.2, "0.2" },
		{ 0.1 + 0.2, "0.30000000000000004" },
		{ 1.0 / 3.0, "0.3333333333333333" },
		{ 123456789.0, "123456789" },
		{ 1e300, "1e+300" },
		{ 5e-324, "5e-324" },
		{ 1e21, "1e+21" },
	};
	char want[96];
	size_t i;

	sk_json_begin(j);
	sk_json_int(j, "zero", 0);
	sk_json_int(j, "min", LLONG_MIN);
	sk_json_int(j, "max", LLONG_MAX);
	sk_json_uint(j, "umax", ULLONG_MAX);
	sk_json_int(j, "neg", -42);
	is_line(j, "{\"zero\":0,\"min\":-9223372036854775808,"
	    "\"max\":9223372036854775807,\"umax\":18446744073709551615,"
	    "\"neg\":-42}", "integers");

	for (i = 0; i < nitems(doubles); i++) {
		sk_json_begin(j);
		sk_json_double(j, "d", doubles[i].v);
		(void)snprintf(want, sizeof(want), "{\"d\":%s}",
		    doubles[i].want);
		is_line(j, want, doubles[i].want);
	}
	/* Whatever form is chosen, it reads back as the same double. */
	{
		double v = 0.123456789012345678;

		sk_json_begin(j);
		sk_json_double(j, NULL, v);
		(void)sk_json_end(j);
		ok(strtod(j->buf.data + 1, NULL) == v,
		    "a double reads back exactly");
	}

	sk_json_begin(j);
	sk_json_double(j, "nan", NAN);
	sk_json_double(j, "inf", INFINITY);
	sk_json_double(j, "ninf", -INFINITY);
	is_line(j, "{\"nan\":null,\"inf\":null,\"ninf\":null}",
	    "non-finite doubles are null");

	sk_json_begin(j);
	sk_json_bool(j, "t", true);
	sk_json_bool(j, "f", false);
	sk_json_null(j, "n");
	sk_json_str(j, "s", NULL);
	is_line(j, "{\"t\":true,\"f\":false,\"n\":null,\"s\":null}",
	    "booleans, null, and a NULL string");
}

static void
test_nesting(struct sk_json *j)
{
	sk_json_begin(j);
	is_line(j, "{}", "an empty object");
	is_int(j->depth, 0, "depth 0 after sk_json_end");

	sk_json_begin(j);
	is_int(j->depth, 1, "depth 1 after sk_json_begin");
	sk_json_str(j, "event", "accept");
	sk_json_object(j, "peer");
	is_int(j->depth, 2, "depth 2 inside an object");
	sk_json_int(j, "port", 5);
	sk_json_object(j, "inner");
	sk_json_bool(j, "deep", true);
	sk_json_close_object(j);
	sk_json_close_object(j);
	is_int(j->depth, 1, "depth 1 after closing both");
	sk_json_array(j, "list");
	sk_json_str(j, NULL, "x");
	sk_json_int(j, NULL, 1);
	sk_json_null(j, NULL);
	sk_json_object(j, NULL);
	sk_json_close_object(j);
	sk_json_array(j, NULL);
	sk_json_close_array(j);
	sk_json_close_array(j);
	sk_json_array(j, "empty");
	sk_json_close_array(j);
	sk_json_object(j, "none");
	sk_json_close_object(j);
	sk_json_int(j, "last", -1);
	is_line(j, "{\"event\":\"accept\",\"peer\":{\"port\":5,"
	    "\"inner\":{\"deep\":true}},\"list\":[\"x\",1,null,{},[]],"
	    "\"empty\":[],\"none\":{},\"last\":-1}",
	    "nested objects and arrays");

	/* begin again reuses the buffer from scratch. */
	sk_json_begin(j);
	sk_json_int(j, "a", 1);
	is_line(j, "{\"a\":1}", "sk_json_begin starts a fresh line");
}

static void
test_addr(struct sk_json *j)
{
	struct sk_addr a;

	(void)sk_addr_parse(&a, "127.0.0.1:80", AF_UNSPEC, SOCK_STREAM, NULL);
	sk_json_begin(j);
	sk_json_addr(j, "peer", &a);
	is_line(j, "{\"peer\":{\"family\":\"AF_INET\",\"host\":\"127.0.0.1\","
	    "\"port\":80}}", "an IPv4 address");

	(void)sk_addr_parse(&a, "('::1', 50007, 3, 0)", AF_UNSPEC, SOCK_STREAM,
	    NULL);
	sk_json_begin(j);
	sk_json_addr(j, "local", &a);
	is_line(j, "{\"local\":{\"family\":\"AF_INET6\",\"host\":\"::1\","
	    "\"port\":50007,\"flowinfo\":3,\"scope_id\":0}}",
	    "an IPv6 address");

	(void)sk_addr_unix(&a, "/tmp/s\"ock", NULL);
	sk_json_begin(j);
	sk_json_addr(j, "a", &a);
	is_line(j, "{\"a\":{\"family\":\"AF_UNIX\","
	    "\"path\":\"/tmp/s\\\"ock\"}}", "an AF_UNIX path, escaped");

	(void)sk_addr_unix(&a, "@abstract", NULL);
	sk_json_begin(j);
	sk_json_addr(j, "a", &a);
	is_line(j, "{\"a\":{\"family\":\"AF_UNIX\",\"path\":\"@abstract\"}}",
	    "an abstract AF_UNIX name as @name");

	memset(&a, 0, sizeof(a));
	sk_json_begin(j);
	sk_json_addr(j, "a", &a);
	sk_json_array(j, "list");
	sk_json_addr(j, NULL, &a);
	sk_json_close_array(j);
	is_line(j, "{\"a\":{\"family\":\"AF_UNSPEC\"},"
	    "\"list\":[{\"family\":\"AF_UNSPEC\"}]}",
	    "an empty address; and one as an array element");
}

static void
test_failure(struct sk_json *j)
{
	/* A failed append is sticky until sk_json_begin; simulate one. */
	sk_json_begin(j);
	sk_json_int(j, "a", 1);
	j->failed = true;
	sk_json_int(j, "b", 2);
	errno = 0;
	is_int(sk_json_end(j), -1, "sk_json_end reports a failed append");
	is_int(errno, ENOMEM, "... with errno ENOMEM");
	sk_json_begin(j);
	ok(!j->failed, "sk_json_begin clears the failure");
	is_line(j, "{}", "the next line is whole");
}

int
main(void)
{
	struct sk_json j = { 0 };

	(void)alarm(30);
	test_strings(&j);
	test_bytes(&j);
	test_numbers(&j);
	test_nesting(&j);
	test_addr(&j);
	test_failure(&j);
	sk_json_free(&j);
	ok(j.buf.data == NULL && j.buf.len == 0,
	    "sk_json_free frees the buffer");
	sk_json_free(&j);
	ok(j.buf.data == NULL && j.buf.len == 0,
	    "sk_json_free twice is harmless: still empty");
	return done_testing();
}
