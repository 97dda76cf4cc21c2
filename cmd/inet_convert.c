/*
 * inet_convert.c - sockit inet-convert: the documented conversions from
 * the command line.  inet_aton(3), inet_ntoa(3), inet_pton(3),
 * inet_ntop(3) (RFC 4291/5952 text for IPv6), and htons/htonl/ntohs/ntohl
 * with Python's range checks.  Values come from the arguments, or one per
 * line from stdin, streamed in constant memory; a bad value is reported
 * and the rest go on.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bsd/string.h>

#include "cli.h"

enum op { OP_ATON, OP_NTOA, OP_PTON, OP_NTOP, OP_HTONS, OP_HTONL, OP_NTOHS,
	OP_NTOHL };

static const char *const op_names[] = { "aton", "ntoa", "pton", "ntop",
	"htons", "htonl", "ntohs", "ntohl" };

enum format { FMT_HEX, FMT_PYTHON };

struct conv {
	enum op op;
	int family;		/* AF_UNSPEC: inferred */
	int format;		/* enum format */
	unsigned long long bad;	/* values that failed */
	struct sk_json j;
	struct sk_buf out;	/* pending stdout bytes */
};

/* A longer line is refused, so memory stays bounded on any input. */
#define MAX_LINE ((size_t)1024 * 1024)
#define OUT_FLUSH ((size_t)64 * 1024)

/* The options, as the table below fills them. */
static struct conv opt = { .family = AF_UNSPEC, .format = FMT_HEX };

static const struct cli_choice formats[] = {
	{ "hex", FMT_HEX }, { "python", FMT_PYTHON }, { NULL, 0 }
};

static const struct cli_option options[] = {
	CLI_OPT_IPV4("pton, ntop: IPv4 addresses only"),
	CLI_OPT_IPV6("pton, ntop: IPv6 addresses only"),
	CLI_CHOICE('f', "format", &opt.format, "FORMAT", formats,
	    "packed output as hex (default) or python (a bytes literal)"),
	CLI_OPT_JSON,
	CLI_OPT_END
};

static int main_inet_convert(int, char **);

const struct cli_command cmd_inet_convert = {
	"OPERATION [-4|-6] [-f FORMAT] [--json] [VALUE]...",
	"Operations, as documented for Python's socket module:\n"
	"  aton   IPv4 text, as inet_aton(3) reads it (127.1) -> packed\n"
	"  ntoa   packed IPv4 (7f000001, 0x7f000001 or b'...') -> dotted quad\n"
	"  pton   IPv4 or IPv6 text -> packed (inet_pton(3))\n"
	"  ntop   packed IPv4 (4 bytes) or IPv6 (16 bytes) -> text\n"
	"  htons, ntohs   a 16-bit integer to/from network byte order\n"
	"  htonl, ntohl   a 32-bit integer, likewise\n"
	"Packed addresses print as lowercase hex; integers are read in\n"
	"decimal or 0x hex and print in decimal.  With no VALUE, each line\n"
	"of stdin is one value; a bad value is reported on stderr, the rest\n"
	"go on, and the exit status is 1.  Write a negative VALUE after '--'.",
	options,
	main_inet_convert
};

/* A packed address argument: hex digits or a bytes literal. */
static ssize_t
read_packed(const char *text, size_t len, unsigned char *buf, size_t size,
    struct sk_error *err)
{
	if (len >= 2 && (text[0] == 'b' || text[0] == 'B') &&
	    (text[1] == '\'' || text[1] == '"'))
		return sk_bytes_unrepr(text, len, buf, size, err);
	return sk_hex_decode(text, len, buf, size, err);
}

/*
 * Convert one value.  On success the result is NUL-terminated text in res
 * (for packed results, in the chosen format) and its length is returned,
 * or it is an integer in *num with *is_num set.  Returns -1 on failure.
 */
static ssize_t
convert(const struct conv *c, const char *text, size_t len, char *res,
    size_t size, unsigned long long *num, bool *is_num, struct sk_error *err)
{
	unsigned char packed[64];
	size_t plen = 0;
	ssize_t n;
	long long v;
	int family = c->family;

	*is_num = false;
	switch (c->op) {
	case OP_ATON:
		if (sk_inet_aton(text, len, packed, err) == -1)
			return -1;
		plen = 4;
		break;
	case OP_PTON:
		if (family == AF_UNSPEC)
			family = memchr(text, ':', len) != NULL ? AF_INET6 :
			    AF_INET;
		if (sk_inet_pton(family, text, len, packed, &plen, err) == -1)
			return -1;
		break;
	case OP_NTOA:
		if ((n = read_packed(text, len, packed, sizeof(packed),
		    err)) == -1 ||
		    sk_inet_ntoa(packed, (size_t)n, res, size, err) == -1)
			return -1;
		return (ssize_t)strlen(res);
	case OP_NTOP:
		if ((n = read_packed(text, len, packed, sizeof(packed),
		    err)) == -1)
			return -1;
		if (family == AF_UNSPEC)
			family = n == 16 ? AF_INET6 : AF_INET;
		if (sk_inet_ntop(family, packed, (size_t)n, res, size,
		    err) == -1)
			return -1;
		return (ssize_t)strlen(res);
	default:
		if (memchr(text, '\0', len) != NULL)
			return sk_error_set(err, SK_ERR_VALUE, EINVAL,
			    "embedded null character");
		if (sk_parse_integer(text, LLONG_MIN, LLONG_MAX, &v, err) == -1)
			return -1;
		*is_num = true;
		if (c->op == OP_HTONS || c->op == OP_NTOHS) {
			uint16_t r;

			if ((c->op == OP_HTONS ? sk_htons(v, &r, err) :
			    sk_ntohs(v, &r, err)) == -1)
				return -1;
			*num = r;
		} else {
			uint32_t r;

			if ((c->op == OP_HTONL ? sk_htonl(v, &r, err) :
			    sk_ntohl(v, &r, err)) == -1)
				return -1;
			*num = r;
		}
		return snprintf(res, size, "%llu", *num);
	}
	if (c->format == FMT_PYTHON)
		return (ssize_t)sk_bytes_repr(packed, plen, res, size);
	return (ssize_t)sk_hex_encode(packed, plen, res);
}

static int
flush_out(struct conv *c)
{
	size_t off = 0;

	while (off < c->out.len) {
		ssize_t n = write(STDOUT_FILENO, c->out.data + off,
		    c->out.len - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EPIPE)
				cli_warn("write error: %s", strerror(errno));
			sk_buf_reset(&c->out);
			return -1;
		}
		off += (size_t)n;
	}
	sk_buf_reset(&c->out);
	return 0;
}

/* Room for any one result: a 16-byte bytes literal is 4 * 16 + 3. */
#define RES_MAX 96

/*
 * Convert one value and queue its line of output.  The result is written
 * straight into the output buffer.  An error message names the value by
 * its line number, or quotes it when lineno is 0 (an argument).  Returns
 * -1 only when output fails.
 */
static int
one(struct conv *c, const char *text, size_t len, unsigned long long lineno)
{
	struct sk_error err;
	unsigned long long num = 0;
	bool is_num;
	ssize_t n;
	char *res;

	if (sk_buf_reserve(&c->out, RES_MAX + 2) == -1) {
		cli_warn("%s", strerror(ENOMEM));
		return -1;
	}
	res = c->out.data + c->out.len;
	n = convert(c, text, len, res, RES_MAX, &num, &is_num, &err);
	if (n < 0)
		c->bad++;
	if (cli_common.json) {
		sk_json_begin(&c->j);
		sk_json_strn(&c->j, "input", text, len);
		if (n < 0) {
			sk_json_str(&c->j, "error", err.message);
			cli_reason("%s", err.message);
		} else if (is_num)
			sk_json_uint(&c->j, "output", num);
		else
			sk_json_strn(&c->j, "output", res, (size_t)n);
		if (sk_json_end(&c->j) == -1 || sk_buf_append(&c->out,
		    c->j.buf.data, c->j.buf.len) == -1) {
			cli_warn("%s", strerror(ENOMEM));
			return -1;
		}
	} else if (n < 0) {
		char q[96];

		if (flush_out(c) == -1)
			return -1;
		if (lineno > 0)
			cli_warn("line %llu: %s", lineno, err.message);
		else
			cli_warn("%s: %s", cli_quote(text, len, q, sizeof(q)),
			    err.message);
		return 0;
	} else {
		res[n] = '\n';
		res[n + 1] = '\0';
		c->out.len += (size_t)n + 1;
	}
	return c->out.len >= OUT_FLUSH ? flush_out(c) : 0;
}

/* A line over MAX_LINE: reported, in JSON too, and skipped. */
static int
too_long(struct conv *c, unsigned long long lineno)
{
	char msg[64];

	c->bad++;
	(void)snprintf(msg, sizeof(msg), "line longer than %zu bytes",
	    MAX_LINE);
	if (!cli_common.json) {
		cli_warn("line %llu: %s", lineno, msg);
		return 0;
	}
	cli_reason("line %llu: %s", lineno, msg);
	sk_json_begin(&c->j);
	sk_json_uint(&c->j, "line", lineno);
	sk_json_str(&c->j, "error", msg);
	if (sk_json_end(&c->j) == -1 || sk_buf_append(&c->out, c->j.buf.data,
	    c->j.buf.len) == -1) {
		cli_warn("%s", strerror(ENOMEM));
		return -1;
	}
	return 0;
}

/*
 * Stdin, one value per line ("\n" or "\r\n"), read in large blocks.
 * Output is flushed before each read, so an interactive user or a
 * `while read` loop sees each answer at once, while a large batch goes out
 * in large writes.
 */
static int
batch(struct conv *c)
{
	size_t cap = (size_t)64 * 1024, have = 0, start;
	unsigned long long lineno = 0;
	bool skipping = false, eof = false;
	char *buf;
	int status = 0;

	if ((buf = malloc(cap + 1)) == NULL) {
		cli_warn("%s", strerror(errno));
		return EXIT_OSERR;
	}
	while (!eof) {
		ssize_t n;
		char *nl;

		if (flush_out(c) == -1) {
			status = -1;
			break;
		}
		if (have == cap) {
			/* A line longer than the buffer: grow it, up to
			 * a bound. */
			if (cap >= MAX_LINE) {
				lineno++;
				if (too_long(c, lineno) == -1) {
					status = -1;
					break;
				}
				skipping = true;
				have = 0;
			} else {
				char *p = realloc(buf, cap * 2 + 1);

				if (p == NULL) {
					cli_warn("%s", strerror(errno));
					status = -1;
					break;
				}
				buf = p;
				cap *= 2;
			}
		}
		n = read(STDIN_FILENO, buf + have, cap - have);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			cli_warn("stdin: %s", strerror(errno));
			status = -1;
			break;
		}
		if (n == 0) {
			eof = true;
			if (have == 0)
				break;
			buf[have++] = '\n';	/* a last line without one */
		} else
			have += (size_t)n;
		start = 0;
		while ((nl = memchr(buf + start, '\n', have - start)) != NULL) {
			size_t len = (size_t)(nl - (buf + start));

			if (skipping) {
				/* The rest of an over-long line. */
				skipping = false;
				start += len + 1;
				continue;
			}
			lineno++;
			if (len > 0 && buf[start + len - 1] == '\r')
				len--;
			buf[start + len] = '\0';
			if (one(c, buf + start, len, lineno) == -1) {
				status = -1;
				eof = true;
				break;
			}
			start = (size_t)(nl - buf) + 1;
		}
		if (skipping)
			start = have;
		memmove(buf, buf + start, have - start);
		have -= start;
	}
	free(buf);
	if (flush_out(c) == -1)
		status = -1;
	return status;
}

static int
main_inet_convert(int argc, char **argv)
{
	struct conv *c = &opt;
	int family;
	char q[96];
	int i, first, status;

	first = cli_parse(argc, argv);
	if (first >= argc)
		return cli_usage("missing OPERATION (aton, ntoa, pton, ntop, "
		    "htons, htonl, ntohs, ntohl)");
	for (i = 0; i < (int)(sizeof(op_names) / sizeof(op_names[0])); i++)
		if (strcmp(argv[first], op_names[i]) == 0)
			break;
	if (i == (int)(sizeof(op_names) / sizeof(op_names[0])))
		return cli_usage("unknown operation %s (aton, ntoa, pton, "
		    "ntop, htons, htonl, ntohs, ntohl)",
		    cli_quote(argv[first], strlen(argv[first]), q, sizeof(q)));
	c->op = (enum op)i;
	first++;

	family = cli_common.family;
	if (family == AF_INET6 && (c->op == OP_ATON || c->op == OP_NTOA))
		return cli_usage("%s is IPv4 only: cannot use --ipv6",
		    op_names[c->op]);
	if (family != AF_UNSPEC && c->op >= OP_HTONS)
		return cli_usage("%s takes an integer: cannot use --ipv%c",
		    op_names[c->op], family == AF_INET ? '4' : '6');
	if (cli_given(&c->format) && c->op != OP_ATON && c->op != OP_PTON)
		return cli_usage("--format applies to aton and pton, whose "
		    "output is packed");
	c->family = family;

	if (first == argc)
		status = batch(c);
	else {
		status = 0;
		for (i = first; i < argc && status == 0; i++)
			status = one(c, argv[i], strlen(argv[i]), 0);
		if (status == 0)
			status = flush_out(c);
	}
	sk_json_free(&c->j);
	sk_buf_free(&c->out);
	if (status == -1)
		return EXIT_OSERR;
	return c->bad > 0 ? EXIT_OSERR : EXIT_OK;
}
