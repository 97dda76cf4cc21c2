/*
 * test-bytes.c - bytes as text: Python's repr(bytes) literal (quote choice,
 * every byte 0..255, truncation), its inverse sk_bytes_unrepr with the
 * other escapes Python accepts, hex encode/decode, UTF-8 validation per
 * RFC 3629 (overlongs, surrogates, beyond U+10FFFF) and the growable
 * buffer sk_buf, sk_buf_reserve included.
 *
 * The repr strings were produced by CPython 3.11's repr(bytes).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockit.h"
#include "helpers.h"
#include "tap.h"

/* repr(bytes([b])) for b in range(256), from CPython. */
static const char *const repr_one[256] = {
	"b'\\x00'", "b'\\x01'", "b'\\x02'", "b'\\x03'", "b'\\x04'", "b'\\x05'",
	"b'\\x06'", "b'\\x07'", "b'\\x08'", "b'\\t'", "b'\\n'", "b'\\x0b'",
	"b'\\x0c'", "b'\\r'", "b'\\x0e'", "b'\\x0f'", "b'\\x10'", "b'\\x11'",
	"b'\\x12'", "b'\\x13'", "b'\\x14'", "b'\\x15'", "b'\\x16'", "b'\\x17'",
	"b'\\x18'", "b'\\x19'", "b'\\x1a'", "b'\\x1b'", "b'\\x1c'", "b'\\x1d'",
	"b'\\x1e'", "b'\\x1f'", "b' '", "b'!'", "b'\"'", "b'#'",
	"b'$'", "b'%'", "b'&'", "b\"'\"", "b'('", "b')'",
	"b'*'", "b'+'", "b','", "b'-'", "b'.'", "b'/'",
	"b'0'", "b'1'", "b'2'", "b'3'", "b'4'", "b'5'",
	"b'6'", "b'7'", "b'8'", "b'9'", "b':'", "b';'",
	"b'<'", "b'='", "b'>'", "b'?'", "b'@'", "b'A'",
	"b'B'", "b'C'", "b'D'", "b'E'", "b'F'", "b'G'",
	"b'H'", "b'I'", "b'J'", "b'K'", "b'L'", "b'M'",
	"b'N'", "b'O'", "b'P'", "b'Q'", "b'R'", "b'S'",
	"b'T'", "b'U'", "b'V'", "b'W'", "b'X'", "b'Y'",
	"b'Z'", "b'['", "b'\\\\'", "b']'", "b'^'", "b'_'",
	"b'`'", "b'a'", "b'b'", "b'c'", "b'd'", "b'e'",
	"b'f'", "b'g'", "b'h'", "b'i'", "b'j'", "b'k'",
	"b'l'", "b'm'", "b'n'", "b'o'", "b'p'", "b'q'",
	"b'r'", "b's'", "b't'", "b'u'", "b'v'", "b'w'",
	"b'x'", "b'y'", "b'z'", "b'{'", "b'|'", "b'}'",
	"b'~'", "b'\\x7f'", "b'\\x80'", "b'\\x81'", "b'\\x82'", "b'\\x83'",
	"b'\\x84'", "b'\\x85'", "b'\\x86'", "b'\\x87'", "b'\\x88'", "b'\\x89'",
	"b'\\x8a'", "b'\\x8b'", "b'\\x8c'", "b'\\x8d'", "b'\\x8e'", "b'\\x8f'",
	"b'\\x90'", "b'\\x91'", "b'\\x92'", "b'\\x93'", "b'\\x94'", "b'\\x95'",
	"b'\\x96'", "b'\\x97'", "b'\\x98'", "b'\\x99'", "b'\\x9a'", "b'\\x9b'",
	"b'\\x9c'", "b'\\x9d'", "b'\\x9e'", "b'\\x9f'", "b'\\xa0'", "b'\\xa1'",
	"b'\\xa2'", "b'\\xa3'", "b'\\xa4'", "b'\\xa5'", "b'\\xa6'", "b'\\xa7'",
	"b'\\xa8'", "b'\\xa9'", "b'\\xaa'", "b'\\xab'", "b'\\xac'", "b'\\xad'",
	"b'\\xae'", "b'\\xaf'", "b'\\xb0'", "b'\\xb1'", "b'\\xb2'", "b'\\xb3'",
	"b'\\xb4'", "b'\\xb5'", "b'\\xb6'", "b'\\xb7'", "b'\\xb8'", "b'\\xb9'",
	"b'\\xba'", "b'\\xbb'", "b'\\xbc'", "b'\\xbd'", "b'\\xbe'", "b'\\xbf'",
	"b'\\xc0'", "b'\\xc1'", "b'\\xc2'", "b'\\xc3'", "b'\\xc4'", "b'\\xc5'",
	"b'\\xc6'", "b'\\xc7'", "b'\\xc8'", "b'\\xc9'", "b'\\xca'", "b'\\xcb'",
	"b'\\xcc'", "b'\\xcd'", "b'\\xce'", "b'\\xcf'", "b'\\xd0'", "b'\\xd1'",
	"b'\\xd2'", "b'\\xd3'", "b'\\xd4'", "b'\\xd5'", "b'\\xd6'", "b'\\xd7'",
	"b'\\xd8'", "b'\\xd9'", "b'\\xda'", "b'\\xdb'", "b'\\xdc'", "b'\\xdd'",
	"b'\\xde'", "b'\\xdf'", "b'\\xe0'", "b'\\xe1'", "b'\\xe2'", "b'\\xe3'",
	"b'\\xe4'", "b'\\xe5'", "b'\\xe6'", "b'\\xe7'", "b'\\xe8'", "b'\\xe9'",
	"b'\\xea'", "b'\\xeb'", "b'\\xec'", "b'\\xed'", "b'\\xee'", "b'\\xef'",
	"b'\\xf0'", "b'\\xf1'", "b'\\xf2'", "b'\\xf3'", "b'\\xf4'", "b'\\xf5'",
	"b'\\xf6'", "b'\\xf7'", "b'\\xf8'", "b'\\xf9'", "b'\\xfa'", "b'\\xfb'",
	"b'\\xfc'", "b'\\xfd'", "b'\\xfe'", "b'\\xff'",
};

/* repr(bytes(range(256))), from CPython: both quotes present, so '. */
static const char repr_all[] =
	    "b'\\x00\\x01\\x02\\x03\\x04\\x05\\x06\\x07\\x08\\t\\n\\x0b\\x0"
	    "c\\r\\x0e\\x0f\\x10\\x11\\x12\\x13\\x14\\x15\\x16\\x17\\x18\\x"
	    "19\\x1a\\x1b\\x1c\\x1d\\x1e\\x1f !\"#$%&\\'()*+,-./0123456789:"
	    ";<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\\\]^_`abcdefghijklmnopqrstu"
	    "vwxyz{|}~\\x7f\\x80\\x81\\x82\\x83\\x84\\x85\\x86\\x87\\x88\\x"
	    "89\\x8a\\x8b\\x8c\\x8d\\x8e\\x8f\\x90\\x91\\x92\\x93\\x94\\x95"
	    "\\x96\\x97\\x98\\x99\\x9a\\x9b\\x9c\\x9d\\x9e\\x9f\\xa0\\xa1\\x"
	    "a2\\xa3\\xa4\\xa5\\xa6\\xa7\\xa8\\xa9\\xaa\\xab\\xac\\xad\\xae"
	    "\\xaf\\xb0\\xb1\\xb2\\xb3\\xb4\\xb5\\xb6\\xb7\\xb8\\xb9\\xba\\x"
	    "bb\\xbc\\xbd\\xbe\\xbf\\xc0\\xc1\\xc2\\xc3\\xc4\\xc5\\xc6\\xc7"
	    "\\xc8\\xc9\\xca\\xcb\\xcc\\xcd\\xce\\xcf\\xd0\\xd1\\xd2\\xd3\\x"
	    "d4\\xd5\\xd6\\xd7\\xd8\\xd9\\xda\\xdb\\xdc\\xdd\\xde\\xdf\\xe0"
	    "\\xe1\\xe2\\xe3\\xe4\\xe5\\xe6\\xe7\\xe8\\xe9\\xea\\xeb\\xec\\x"
	    "ed\\xee\\xef\\xf0\\xf1\\xf2\\xf3\\xf4\\xf5\\xf6\\xf7\\xf8\\xf9"
	    "\\xfa\\xfb\\xfc\\xfd\\xfe\\xff'";

static void
test_repr_each_byte(void)
{
	char buf[16];
	int b, bad = 0;

	for (b = 0; b < 256; b++) {
		unsigned char c = (unsigned char)b;
		size_t n = sk_bytes_repr(&c, 1, buf, sizeof(buf));

		if (strcmp(buf, repr_one[b]) != 0 || n != strlen(repr_one[b])) {
			is_str(buf, repr_one[b], "repr(bytes([%d]))", b);
			bad++;
		}
	}
	is_int(bad, 0, "repr(bytes([b])) matches Python for every b in 0..255");
}

static void
test_repr_cases(void)
{
	static const struct {
		const char *data;
		size_t len;
		const char *want;
	} cases[] = {
		{ "", 0, "b''" },
		{ "Hello, world", 12, "b'Hello, world'" },
		{ "it's", 4, "b\"it's\"" },
		{ "say \"hi\"", 8, "b'say \"hi\"'" },
		{ "it's \"x\"", 8, "b'it\\'s \"x\"'" },
		{ "'", 1, "b\"'\"" },
		{ "\"", 1, "b'\"'" },
		{ "'\"", 2, "b'\\'\"'" },
		{ "\x00\xff\n", 3, "b'\\x00\\xff\\n'" },
		{ "\\", 1, "b'\\\\'" },
		{ "\\'", 2, "b\"\\\\'\"" },
		{ "\t\r\n", 3, "b'\\t\\r\\n'" },
		{ "\x7f\x80", 2, "b'\\x7f\\x80'" },
		{ "\a\b\f\v", 4, "b'\\x07\\x08\\x0c\\x0b'" },
		{ "\xc3\xa9", 2, "b'\\xc3\\xa9'" },
	};
	unsigned char all[256];
	char buf[4 * 256 + 4];
	size_t i, n;

	for (i = 0; i < nitems(cases); i++) {
		n = sk_bytes_repr(cases[i].data, cases[i].len, buf,
		    sizeof(buf));
		is_str(buf, cases[i].want, "repr case %zu", i);
		is_int((long long)n, (long long)strlen(cases[i].want),
		    "repr case %zu: returned length", i);
	}
	for (i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	n = sk_bytes_repr(all, 256, buf, sizeof(buf));
	is_str(buf, repr_all, "repr(bytes(range(256))) matches Python");
	is_int((long long)n, (long long)strlen(repr_all),
	    "repr(bytes(range(256))): returned length");
	memset(all, 0, sizeof(all));
	n = sk_bytes_repr(all, 256, buf, sizeof(buf));
	is_int((long long)n, 4 * 256 + 3,
	    "256 NUL bytes need 4n+3, the documented bound");
}

static void
test_repr_truncation(void)
{
	char buf[8];
	size_t n;

	memset(buf, 'z', sizeof(buf));
	n = sk_bytes_repr("\x00\x01", 2, buf, 6);
	is_int((long long)n, 11, "truncated repr returns the full length");
	is_str(buf, "b'\\x0", "truncated repr keeps what fits, terminated");
	is_int(buf[6], 'z', "truncated repr writes nothing past size");
	n = sk_bytes_repr("abc", 3, NULL, 0);
	is_int((long long)n, 6, "repr with size 0 only measures");
	memset(buf, 'z', sizeof(buf));
	n = sk_bytes_repr("abc", 3, buf, 1);
	is_int((long long)n, 6, "repr into 1 byte returns the full length");
	is_str(buf, "", "repr into 1 byte is the empty string");
	n = sk_bytes_repr("abc", 3, buf, 7);
	is_int((long long)n, 6, "repr into exactly n+1 bytes returns n");
	is_str(buf, "b'abc'", "repr into exactly n+1 bytes is whole");
}

static void
test_unrepr(void)
{
	static const struct {
		const char *text;
		const char *want;
		size_t wantlen;
	} good[] = {
		{ "b''", "", 0 },
		{ "b\"\"", "", 0 },
		{ "b'abc'", "abc", 3 },
		{ "B'abc'", "abc", 3 },
		{ "b\"it's\"", "it's", 4 },
		{ "b'it\\'s \"x\"'", "it's \"x\"", 8 },
		{ "b'\\x00\\xff\\n'", "\x00\xff\n", 3 },
		{ "b'\\xFF\\xAb'", "\xff\xab", 2 },
		{ "b'\\a\\b\\f\\n\\r\\t\\v'", "\a\b\f\n\r\t\v", 7 },
		{ "b'\\\\\\'\\\"'", "\\'\"", 3 },
		{ "b'\\0'", "\0", 1 },
		{ "b'\\101\\0\\7'", "A\0\a", 3 },
		{ "b'\\1011'", "A1", 2 },	/* 3 octal digits at most */
		{ "b'\\777'", "\xff", 1 },		/* Python: b'\xff' */
		{ "b'\\08'", "\0" "8", 2 },
		{ "b'\\q'", "\\q", 2 },		/* unknown escape kept */
		{ "b'\\8'", "\\8", 2 },
		{ "b'\"'", "\"", 1 },
	};
	static const struct {
		const char *text;
		const char *msg;
	} bad[] = {
		{ "", "not a bytes literal" },
		{ "b'", "not a bytes literal" },
		{ "'abc'", "not a bytes literal" },
		{ "x'abc'", "not a bytes literal" },
		{ "b'abc", "not a bytes literal" },
		{ "b'abc\"", "not a bytes literal" },
		{ "babc", "not a bytes literal" },
		{ "b'a'b'", "bad character in bytes literal" },
		{ "b'\xc3\xa9'", "bad character in bytes literal" },
		{ "b'a\nb'", "bad character in bytes literal" },
		{ "b'\\'", "bytes literal ends in a backslash" },
		{ "b'\\x4'", "bad \\x escape in bytes literal" },
		{ "b'\\xzz'", "bad \\x escape in bytes literal" },
		{ "b'\\x'", "bad \\x escape in bytes literal" },
	};
	unsigned char out[64];
	struct sk_error err;
	size_t i;
	ssize_t n;

	for (i = 0; i < nitems(good); i++) {
		n = sk_bytes_unrepr(good[i].text, strlen(good[i].text), out,
		    sizeof(out), &err);
		is_int(n, (long long)good[i].wantlen, "unrepr(%s) length",
		    good[i].text);
		if (n >= 0)
			is_mem(out, (size_t)n, good[i].want, good[i].wantlen,
			    "unrepr(%s) bytes", good[i].text);
	}
	for (i = 0; i < nitems(bad); i++) {
		n = sk_bytes_unrepr(bad[i].text, strlen(bad[i].text), out,
		    sizeof(out), &err);
		is_int(n, -1, "unrepr(%s) fails", bad[i].text);
		is_err(&err, SK_ERR_VALUE, EINVAL, bad[i].msg,
		    "unrepr(%s) error", bad[i].text);
	}
	/* An embedded NUL inside the given length is refused. */
	n = sk_bytes_unrepr("b'a\0b'", 6, out, sizeof(out), &err);
	is_int(n, -1, "unrepr with a raw NUL fails");
	is_err(&err, SK_ERR_VALUE, EINVAL, "bad character in bytes literal",
	    "unrepr with a raw NUL: error");
	/* Output space: exactly enough, then one short. */
	n = sk_bytes_unrepr("b'abcd'", 7, out, 4, &err);
	is_int(n, 4, "unrepr into exactly enough space");
	n = sk_bytes_unrepr("b'abcd'", 7, out, 3, &err);
	is_int(n, -1, "unrepr into too little space fails");
	is_err(&err, SK_ERR_VALUE, ERANGE, "bytes literal too long",
	    "unrepr too long: error");
	n = sk_bytes_unrepr("b'\\q'", 5, out, 1, &err);
	is_int(n, -1, "unrepr of an unknown escape into 1 byte fails");
	is_err(&err, SK_ERR_VALUE, ERANGE, "bytes literal too long",
	    "unrepr unknown escape too long: error");
}

/* A small deterministic generator for the round trips. */
static uint32_t
lcg(uint32_t *state)
{
	*state = *state * 1103515245u + 12345u;
	return *state >> 8;
}

static void
test_round_trip(void)
{
	unsigned char data[300], back[300];
	char text[4 * 300 + 4];
	uint32_t seed = 20240521;
	size_t i, n, len;
	ssize_t m;
	int b, bad = 0;

	for (b = 0; b < 256; b++) {
		unsigned char c = (unsigned char)b;

		(void)sk_bytes_repr(&c, 1, text, sizeof(text));
		m = sk_bytes_unrepr(text, strlen(text), back, sizeof(back),
		    NULL);
		if (m != 1 || back[0] != c)
			bad++;
	}
	is_int(bad, 0, "unrepr(repr(bytes([b]))) == b for every byte");

	for (i = 0; i < 256; i++)
		data[i] = (unsigned char)i;
	n = sk_bytes_repr(data, 256, text, sizeof(text));
	m = sk_bytes_unrepr(text, n, back, sizeof(back), NULL);
	is_mem(back, m < 0 ? 0 : (size_t)m, data, 256,
	    "unrepr(repr(bytes(range(256)))) round trip");

	bad = 0;
	for (i = 0; i < 2000; i++) {
		len = lcg(&seed) % sizeof(data);
		for (n = 0; n < len; n++) {
			/* Favour the bytes with special spellings. */
			static const char special[] = "'\"\\\t\n\r\0\x7f\x80";

			data[n] = lcg(&seed) % 3 == 0 ?
			    (unsigned char)special[lcg(&seed) % 9] :
			    (unsigned char)lcg(&seed);
		}
		n = sk_bytes_repr(data, len, text, sizeof(text));
		if (n > 4 * len + 3 || n != strlen(text)) {
			bad++;
			continue;
		}
		m = sk_bytes_unrepr(text, n, back, sizeof(back), NULL);
		if (m != (ssize_t)len || memcmp(back, data, len) != 0)
			bad++;
	}
	is_int(bad, 0, "2000 random buffers survive repr and unrepr");
}

static void
test_hex(void)
{
	static const struct {
		const char *text;
		const char *want;
		ssize_t wantlen;
		int code;
		const char *msg;
	} cases[] = {
		{ "00ff10", "\x00\xff\x10", 3, 0, NULL },
		{ "0x00FF", "\x00\xff", 2, 0, NULL },
		{ "0X0a", "\n", 1, 0, NULL },
		{ "DeadBeef", "\xde\xad\xbe\xef", 4, 0, NULL },
		{ "", "", 0, 0, NULL },		/* "" is no bytes */
		{ "0x", "", 0, 0, NULL },
		{ "abc", NULL, -1, EINVAL, "odd number of hex digits" },
		{ "0xf", NULL, -1, EINVAL, "odd number of hex digits" },
		{ "zz", NULL, -1, EINVAL, "non-hex digit" },
		{ "0g", NULL, -1, EINVAL, "non-hex digit" },
		{ " 00", NULL, -1, EINVAL, "odd number of hex digits" },
		{ "00 1", NULL, -1, EINVAL, "non-hex digit" },
		{ "0x0x", NULL, -1, EINVAL, "non-hex digit" },
		{ "0001020304", NULL, -1, ERANGE, "too many hex digits" },
	};
	unsigned char out[4], all[256], back[256];
	char buf[2 * 256 + 1];
	struct sk_error err;
	size_t i, n;
	ssize_t m;

	n = sk_hex_encode("", 0, buf);
	is_int((long long)n, 0, "hex_encode of nothing returns 0");
	is_str(buf, "", "hex_encode of nothing is \"\"");
	n = sk_hex_encode("\x00\xff\x10\xab", 4, buf);
	is_int((long long)n, 8, "hex_encode returns 2n");
	is_str(buf, "00ff10ab", "hex_encode is lowercase");
	for (i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	n = sk_hex_encode(all, 256, buf);
	is_int((long long)n, 512, "hex_encode of 256 bytes returns 512");
	is_str(buf + 500, "fafbfcfdfeff", "hex_encode of 0..255 ends right");
	m = sk_hex_decode(buf, n, back, sizeof(back), &err);
	is_mem(back, m < 0 ? 0 : (size_t)m, all, 256,
	    "hex_decode(hex_encode(0..255)) round trip");

	for (i = 0; i < nitems(cases); i++) {
		memset(out, 0, sizeof(out));
		m = sk_hex_decode(cases[i].text, strlen(cases[i].text), out,
		    sizeof(out), &err);
		is_int(m, cases[i].wantlen, "hex_decode('%s') returns %zd",
		    cases[i].text, cases[i].wantlen);
		if (cases[i].want != NULL && m >= 0)
			is_mem(out, (size_t)m, cases[i].want,
			    (size_t)cases[i].wantlen, "hex_decode('%s')",
			    cases[i].text);
		else if (cases[i].want == NULL)
			is_err(&err, SK_ERR_VALUE, cases[i].code, cases[i].msg,
			    "hex_decode('%s') error", cases[i].text);
	}
	/* Only len bytes are read: no terminator needed. */
	m = sk_hex_decode("0a0bzz", 4, out, sizeof(out), &err);
	is_mem(out, m < 0 ? 0 : (size_t)m, "\n\v", 2,
	    "hex_decode reads only len characters");
}

static void
test_utf8(void)
{
	static const struct {
		const char *data;
		size_t len;
		bool valid;
		const char *name;
	} cases[] = {
		{ "", 0, true, "empty" },
		{ "hello", 5, true, "ASCII" },
		{ "\0", 1, true, "NUL" },
		{ "\x7f", 1, true, "DEL" },
		{ "\xc2\x80", 2, true, "U+0080, smallest 2-byte" },
		{ "\xc3\xa9", 2, true, "U+00E9" },
		{ "\xdf\xbf", 2, true, "U+07FF, largest 2-byte" },
		{ "\xe0\xa0\x80", 3, true, "U+0800, smallest 3-byte" },
		{ "\xe2\x82\xac", 3, true, "U+20AC euro" },
		{ "\xed\x9f\xbf", 3, true, "U+D7FF, before surrogates" },
		{ "\xee\x80\x80", 3, true, "U+E000, after surrogates" },
		{ "\xef\xbf\xbd", 3, true, "U+FFFD" },
		{ "\xef\xbf\xbf", 3, true, "U+FFFF" },
		{ "\xf0\x90\x80\x80", 4, true, "U+10000, smallest 4-byte" },
		{ "\xf0\x9f\x98\x80", 4, true, "U+1F600" },
		{ "\xf4\x8f\xbf\xbf", 4, true, "U+10FFFF, the last" },
		{ "a\xc3\xa9z\xe2\x82\xac", 7, true, "mixed" },
		{ "\x80", 1, false, "lone continuation byte" },
		{ "\xbf", 1, false, "lone continuation 0xbf" },
		{ "\xc0\x80", 2, false, "overlong NUL (C0 80)" },
		{ "\xc1\xbf", 2, false, "overlong U+007F (C1 BF)" },
		{ "\xe0\x80\x80", 3, false, "overlong 3-byte NUL" },
		{ "\xe0\x9f\xbf", 3, false, "overlong U+07FF in 3 bytes" },
		{ "\xf0\x80\x80\x80", 4, false, "overlong 4-byte NUL" },
		{ "\xf0\x8f\xbf\xbf", 4, false, "overlong U+FFFF in 4 bytes" },
		{ "\xed\xa0\x80", 3, false, "surrogate U+D800" },
		{ "\xed\xbf\xbf", 3, false, "surrogate U+DFFF" },
		{ "\xed\xa0\xbd\xed\xb8\x80", 6, false, "CESU-8 pair" },
		{ "\xf4\x90\x80\x80", 4, false, "U+110000" },
		{ "\xf5\x80\x80\x80", 4, false, "lead byte F5" },
		{ "\xf7\xbf\xbf\xbf", 4, false, "U+1FFFFF" },
		{ "\xf8\x88\x80\x80\x80", 5, false, "5-byte form" },
		{ "\xfc\x84\x80\x80\x80\x80", 6, false, "6-byte form" },
		{ "\xfe", 1, false, "FE" },
		{ "\xff", 1, false, "FF" },
		{ "\xc3", 1, false, "truncated 2-byte" },
		{ "\xe2\x82", 2, false, "truncated 3-byte" },
		{ "\xf0\x9f\x98", 3, false, "truncated 4-byte" },
		{ "\xc3\x41", 2, false, "bad continuation" },
		{ "\xe2\x28\xa1", 3, false, "bad second byte" },
		{ "\xe2\x82\x28", 3, false, "bad third byte" },
		{ "\xf0\x9f\x98\x28", 4, false, "bad fourth byte" },
		{ "abc\xff", 4, false, "bad byte at the end" },
	};
	unsigned char b;
	size_t i;
	int bad = 0;

	for (i = 0; i < nitems(cases); i++)
		is_int(sk_utf8_valid(cases[i].data, cases[i].len),
		    cases[i].valid, "utf8_valid: %s", cases[i].name);
	/* A lone byte is valid exactly when it is ASCII. */
	for (i = 0; i < 256; i++) {
		b = (unsigned char)i;
		if (sk_utf8_valid(&b, 1) != (i < 0x80))
			bad++;
	}
	is_int(bad, 0, "a lone byte is valid UTF-8 iff it is below 0x80");
	/* The length bounds the check: the invalid byte after it is unseen. */
	ok(sk_utf8_valid("\xc3\xa9\xff", 2), "utf8_valid reads only n bytes");
	ok(!sk_utf8_valid("\xc3\xa9\xff", 3), "... and sees the third");
}

static void
test_buf(void)
{
	struct sk_buf b = { 0 };
	char big[1000];
	size_t i;
	int bad;

	is_int(sk_buf_append(&b, "abc", 3), 0, "buf_append succeeds");
	is_int((long long)b.len, 3, "buf length 3");
	is_str(b.data, "abc", "buf data is NUL-terminated");
	ok(b.cap > b.len, "buf capacity leaves room for the terminator");
	is_int(sk_buf_putc(&b, 'd'), 0, "buf_putc succeeds");
	is_int(sk_buf_putc(&b, '\0'), 0, "buf_putc of a NUL succeeds");
	is_int((long long)b.len, 5, "buf keeps an embedded NUL");
	is_mem(b.data, b.len, "abcd\0", 5, "buf bytes after putc");
	is_int(sk_buf_printf(&b, "[%d:%s]", 42, "x"), 0, "buf_printf succeeds");
	is_mem(b.data, b.len, "abcd\0[42:x]", 11, "buf bytes after printf");
	is_int(b.data[b.len], '\0', "buf stays terminated after printf");
	is_int(sk_buf_append(&b, NULL, 0), 0, "buf_append of 0 bytes");
	is_int((long long)b.len, 11, "buf_append of 0 bytes adds nothing");

	/* Growth well past the first allocation. */
	memset(big, 'q', sizeof(big));
	big[sizeof(big) - 1] = '\0';
	is_int(sk_buf_printf(&b, "%s|%s", big, big), 0,
	    "buf_printf of 2 KB succeeds");
	is_int((long long)b.len, 11 + 2 * 999 + 1, "buf length after 2 KB");
	ok(b.data[11] == 'q' && b.data[11 + 999] == '|' &&
	    b.data[b.len - 1] == 'q' && b.data[b.len] == '\0',
	    "buf content after growing through printf");

	sk_buf_reset(&b);
	is_int((long long)b.len, 0, "buf_reset empties it");
	is_str(b.data, "", "buf_reset leaves an empty string");
	ok(b.cap > 0, "buf_reset keeps the memory");
	sk_buf_free(&b);
	ok(b.data == NULL && b.len == 0 && b.cap == 0,
	    "buf_free zeroes the buffer");
	sk_buf_free(&b);
	ok(b.data == NULL && b.len == 0 && b.cap == 0,
	    "buf_free twice is harmless: still empty");
	sk_buf_reset(&b);
	ok(b.len == 0 && b.data == NULL, "buf_reset of an empty buf");

	/* 100000 single bytes, each in place. */
	for (i = 0, bad = 0; i < 100000; i++)
		if (sk_buf_putc(&b, (char)('a' + i % 26)) == -1)
			bad++;
	is_int(bad, 0, "100000 buf_putc calls succeed");
	is_int((long long)b.len, 100000, "buf length 100000");
	for (i = 0, bad = 0; i < 100000; i++)
		if (b.data[i] != (char)('a' + i % 26))
			bad++;
	is_int(bad, 0, "every one of the 100000 bytes is in place");
	is_int(b.data[b.len], '\0', "the big buf is terminated");
	sk_buf_free(&b);

	/* printf into a fresh buffer. */
	is_int(sk_buf_printf(&b, "%s", ""), 0, "buf_printf of \"\" succeeds");
	is_str(b.data, "", "buf_printf of \"\" gives an empty string");
	sk_buf_free(&b);
}

static void
test_buf_reserve(void)
{
	struct sk_buf b = { 0 };
	char *before;
	size_t cap;

	/* A fresh buffer: room made, and the documented terminator. */
	is_int(sk_buf_reserve(&b, 1000), 0, "buf_reserve(1000) on a new buf");
	ok(b.data != NULL && b.cap > 1000, "... at least 1001 bytes (%zu)",
	    b.cap);
	is_int((long long)b.len, 0, "... and len stays 0");
	ok(b.data != NULL && b.data[0] == '\0',
	    "... and data is NUL-terminated at len, as documented");

	/* The caller writes into data + len itself. */
	if (b.data == NULL)
		return;
	memset(b.data, 'w', 1000);
	b.len = 1000;
	b.data[b.len] = '\0';
	is_int(sk_buf_append(&b, "!", 1), 0, "append after a direct write");
	is_int((long long)b.len, 1001, "... length 1001");
	ok(b.data[999] == 'w' && b.data[1000] == '!' && b.data[1001] == '\0',
	    "... the written bytes stay, the append follows");

	/* Room already there: nothing moves. */
	before = b.data;
	cap = b.cap;
	is_int(sk_buf_reserve(&b, cap - b.len - 1), 0,
	    "buf_reserve of exactly the room left");
	ok(b.data == before && b.cap == cap, "... does not reallocate");
	is_int(sk_buf_reserve(&b, cap - b.len), 0,
	    "buf_reserve of one byte more");
	ok(b.cap > cap && b.cap - b.len > cap - 1001,
	    "... grows, keeping room for the terminator");
	is_str(b.data + 999, "w!", "... and keeps the contents");

	/* An impossible size fails with ENOMEM and changes nothing. */
	before = b.data;
	cap = b.cap;
	errno = 0;
	is_int(sk_buf_reserve(&b, SIZE_MAX - 8), -1,
	    "buf_reserve(SIZE_MAX - 8) fails");
	is_int(errno, ENOMEM, "... with ENOMEM");
	ok(b.data == before && b.cap == cap && b.len == 1001,
	    "... and leaves the buffer as it was");
	sk_buf_free(&b);
}

static void
test_bytes_free(void)
{
	struct sk_bytes b;

	b.data = malloc(16);
	b.len = 16;
	sk_bytes_free(&b);
	ok(b.data == NULL && b.len == 0, "bytes_free zeroes the bytes");
	sk_bytes_free(&b);
	/* Of NULL: nothing (a crash ends the program, which fails the run). */
	sk_bytes_free(NULL);
	ok(b.data == NULL && b.len == 0, "bytes_free of empty bytes is "
	    "harmless: still empty");
}

int
main(void)
{
	(void)alarm(30);
	test_repr_each_byte();
	test_repr_cases();
	test_repr_truncation();
	test_unrepr();
	test_round_trip();
	test_hex();
	test_utf8();
	test_buf();
	test_buf_reserve();
	test_bytes_free();
	return done_testing();
}
