/*
 * resolve.c - sockit resolve: every resolver call documented for Python's
 * socket module, from the command line.  getaddrinfo(3) (RFC 3493) by
 * default; getnameinfo(3), gethostbyaddr, gethostbyname(_ex), getfqdn,
 * gethostname, getservbyname(3), getservbyport(3) and getprotobyname(3)
 * as modes.  Answers print as readable lines, as JSON Lines, or in the
 * reference's own notation (--python).  With no NAME, names are read from
 * stdin one per line and resolved by a small pool of POSIX threads,
 * answers printed strictly in input order.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/string.h>
#define LIBBSD_OPENBSD_VIS
#include <bsd/vis.h>

#include "cli.h"

enum mode { M_ADDRINFO, M_REVERSE, M_NAMEINFO, M_BYNAME, M_EX, M_FQDN,
	M_HOSTNAME, M_SERVICE, M_SERVICE_PORT, M_PROTOCOL, NMODES };

static const char *const mode_names[NMODES] = { "getaddrinfo", "--reverse",
	"--nameinfo", "--byname", "--ex", "--fqdn", "--hostname", "--service",
	"--service-port", "--protocol" };

#define BIT(m)		(1u << (m))
/* The modes whose NAME may come from stdin, one per line. */
#define BATCH_MODES	(BIT(M_ADDRINFO) | BIT(M_REVERSE) | BIT(M_NAMEINFO) | \
	BIT(M_BYNAME) | BIT(M_EX) | BIT(M_SERVICE) | BIT(M_SERVICE_PORT) | \
	BIT(M_PROTOCOL))

#define JOBS_DEFAULT	16
#define JOBS_MAX	256
#define MAX_NAME	1024	/* a longer stdin line is refused */

struct opts {
	int mode;		/* enum mode */
	int socktype;
	const char *proto_name;	/* as given */
	bool canonname, numeric_host, passive, addrconfig, v4mapped, all;
	bool numeric_serv, namereqd, dgram, every, python;
	long long jobs;
	/* From the options and operands: */
	int family;
	int proto;		/* getaddrinfo's protocol number */
	int ai_flags;
	int ni_flags;
	const char *port;	/* getaddrinfo's PORT, or NULL */
	struct cli_port port_number;
	unsigned int ni_port;
};

/* The options, as the table below fills them. */
static struct opts opt = { .mode = M_ADDRINFO, .jobs = JOBS_DEFAULT };

/* Which modes each option applies to; the rest are usage errors. */
static const struct {
	const void *value;
	unsigned int modes;
} applies[] = {
	{ &cli_common.family, BIT(M_ADDRINFO) | BIT(M_NAMEINFO) },
	{ &opt.socktype, BIT(M_ADDRINFO) },
	{ &opt.proto_name, BIT(M_ADDRINFO) | BIT(M_SERVICE) |
	    BIT(M_SERVICE_PORT) },
	{ &opt.canonname, BIT(M_ADDRINFO) },
	{ &opt.numeric_host, BIT(M_ADDRINFO) | BIT(M_NAMEINFO) },
	{ &opt.passive, BIT(M_ADDRINFO) },
	{ &opt.addrconfig, BIT(M_ADDRINFO) },
	{ &opt.v4mapped, BIT(M_ADDRINFO) },
	{ &opt.all, BIT(M_ADDRINFO) },
	{ &opt.numeric_serv, BIT(M_NAMEINFO) },
	{ &opt.namereqd, BIT(M_NAMEINFO) },
	{ &opt.dgram, BIT(M_NAMEINFO) },
	{ &opt.every, BIT(M_ADDRINFO) },
	{ &opt.jobs, BATCH_MODES },
};

#define NAPPLIES (sizeof(applies) / sizeof(applies[0]))

static const struct cli_choice socktypes[] = {
	{ "stream", SOCK_STREAM }, { "dgram", SOCK_DGRAM },
	{ "raw", SOCK_RAW }, { NULL, 0 }
};

#define MODE(n, m, h)	CLI_SET(0, n, &opt.mode, m, h)

static const struct cli_option options[] = {
	CLI_OPT_IPV4("IPv4 only (getaddrinfo, --nameinfo)"),
	CLI_OPT_IPV6("IPv6 only (getaddrinfo, --nameinfo)"),
	MODE("reverse", M_REVERSE,
	    "gethostbyaddr ADDR: hostname, aliases, addresses"),
	MODE("nameinfo", M_NAMEINFO,
	    "getnameinfo ADDR [PORT]: host and service names"),
	MODE("byname", M_BYNAME, "gethostbyname NAME: one IPv4 address"),
	MODE("ex", M_EX,
	    "gethostbyname_ex NAME: hostname, aliases, IPv4 addresses"),
	MODE("fqdn", M_FQDN, "getfqdn [NAME]: the fully qualified domain name"),
	MODE("hostname", M_HOSTNAME, "gethostname: this host's name"),
	MODE("service", M_SERVICE,
	    "getservbyname NAME: the port of a service"),
	MODE("service-port", M_SERVICE_PORT,
	    "getservbyport PORT: the service on a port"),
	MODE("protocol", M_PROTOCOL,
	    "getprotobyname NAME: its number (a number: its name)"),
	CLI_CHOICE(0, "type", &opt.socktype, "TYPE", socktypes,
	    "getaddrinfo: socket type stream, dgram or raw"),
	CLI_STRING(0, "proto", &opt.proto_name, "PROTO",
	    "protocol name or number (--service, --service-port: tcp, udp)"),
	CLI_FLAG(0, "canonname", &opt.canonname,
	    "getaddrinfo AI_CANONNAME: show the canonical name"),
	CLI_FLAG(0, "numeric-host", &opt.numeric_host,
	    "AI_NUMERICHOST, or NI_NUMERICHOST with --nameinfo"),
	CLI_FLAG(0, "passive", &opt.passive,
	    "getaddrinfo AI_PASSIVE: HOST '' is the wildcard address"),
	CLI_FLAG(0, "addrconfig", &opt.addrconfig,
	    "getaddrinfo AI_ADDRCONFIG: families configured here only"),
	CLI_FLAG(0, "v4mapped", &opt.v4mapped,
	    "getaddrinfo AI_V4MAPPED (with -6): IPv4 as ::ffff:a.b.c.d"),
	CLI_FLAG(0, "all", &opt.all,
	    "getaddrinfo AI_ALL (with --v4mapped): IPv6 and mapped IPv4"),
	CLI_FLAG(0, "numeric-serv", &opt.numeric_serv,
	    "--nameinfo NI_NUMERICSERV: the port as a number"),
	CLI_FLAG(0, "namereqd", &opt.namereqd,
	    "--nameinfo NI_NAMEREQD: fail if the address has no name"),
	CLI_FLAG(0, "dgram", &opt.dgram,
	    "--nameinfo NI_DGRAM: the service is a datagram service"),
	CLI_FLAG(0, "every", &opt.every,
	    "getaddrinfo: every tuple, family, type and protocol"),
	CLI_FLAG(0, "python", &opt.python,
	    "print the return value in the reference's notation"),
	CLI_INT(0, "jobs", &opt.jobs, "N", 1, JOBS_MAX,
	    "names from stdin: resolve N at a time (default 16)"),
	CLI_OPT_JSON,
	CLI_OPT_END
};

static int main_resolve(int, char **);

const struct cli_command cmd_resolve = {
	"[-4|-6] [MODE] [OPTION]... [NAME [PORT]]",
	"With no MODE, getaddrinfo(HOST, PORT): one line per distinct address\n"
	"(--every: one per tuple).  MODE is one of --reverse, --nameinfo,\n"
	"--byname, --ex, --fqdn, --hostname, --service, --service-port and\n"
	"--protocol, one per documented call.  With no NAME, each line of\n"
	"stdin is one NAME, resolved concurrently and answered in order; a\n"
	"name that fails is reported and the rest go on.  A name or service\n"
	"that is not known exits 3 (at the end of a batch).",
	options,
	main_resolve
};

/* One answer: its stdout text, its message for stderr, its exit status. */
struct result {
	struct sk_buf out;
	struct sk_buf err;
	int status;
};

/*
 * The length of the UTF-8 character at p that a terminal shows as text:
 * 0 for a C0 or C1 control, DEL, or a byte that starts no valid sequence.
 */
static size_t
text_char(const unsigned char *p)
{
	size_t n, k;

	if (*p < 0x80)
		return *p < 0x20 || *p == 0x7f ? 0 : 1;
	n = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : 2;
	for (k = 1; k < n; k++)
		if (p[k] == '\0')
			return 0;
	if (!sk_utf8_valid(p, n) || (p[0] == 0xc2 && p[1] < 0xa0))
		return 0;
	return n;
}

/*
 * A name the resolver gave, for human output: as it is when every
 * character is text, else escaped whole as cli_quote() escapes (octal,
 * C style), so that no control sequence reaches a terminal.  getfqdn
 * answers an unknown NAME with NAME itself, and /etc/hosts holds any
 * bytes.
 */
static void
put_name(struct sk_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, len = strlen(s);

	while (*p != '\0' && (n = text_char(p)) > 0)
		p += n;
	if (*p == '\0') {
		(void)sk_buf_append(b, s, len);
		return;
	}
	if (len > SIZE_MAX / 4 - 1 || sk_buf_reserve(b, 4 * len + 1) == -1)
		return;
	b->len += (size_t)strvisx(b->data + b->len, s, len,
	    VIS_CSTYLE | VIS_TAB | VIS_NL | VIS_OCTAL);
}

/*
 * Python's repr() of a str: quotes chosen as Python chooses them, C0 and
 * C1 controls as \xNN; a byte that is not UTF-8 (which Python would not
 * have decoded) as \xNN too.
 */
static void
py_str(struct sk_buf *b, const char *s)
{
	const unsigned char *p;
	char quote = '\'';
	size_t n;

	if (strchr(s, '\'') != NULL && strchr(s, '"') == NULL)
		quote = '"';
	(void)sk_buf_putc(b, quote);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p >= 0x80) {
			if ((n = text_char(p)) == 0)
				(void)sk_buf_printf(b, "\\x%02x",
				    *p == 0xc2 && p[1] >= 0x80 && p[1] < 0xa0 ?
				    *++p : *p);
			else {
				(void)sk_buf_append(b, p, n);
				p += n - 1;
			}
		} else if (*p == '\\' || *p == (unsigned char)quote)
			(void)sk_buf_printf(b, "\\%c", *p);
		else if (*p == '\n')
			(void)sk_buf_append(b, "\\n", 2);
		else if (*p == '\r')
			(void)sk_buf_append(b, "\\r", 2);
		else if (*p == '\t')
			(void)sk_buf_append(b, "\\t", 2);
		else if (*p < 0x20 || *p == 0x7f)
			(void)sk_buf_printf(b, "\\x%02x", *p);
		else
			(void)sk_buf_putc(b, (char)*p);
	}
	(void)sk_buf_putc(b, quote);
}

/*
 * A sockaddr tuple as Python 3.7 and later print it: the scope id in the
 * tuple only, never as "%lo" in the host.
 */
static void
py_sockaddr(const struct sk_addr *a, char *buf, size_t size)
{
	(void)sk_addr_format_noscope(a, buf, size);
}

/* A Python list of str. */
static void
py_list(struct sk_buf *b, char **v, size_t n)
{
	size_t i;

	(void)sk_buf_putc(b, '[');
	for (i = 0; i < n; i++) {
		if (i > 0)
			(void)sk_buf_append(b, ", ", 2);
		py_str(b, v[i]);
	}
	(void)sk_buf_putc(b, ']');
}

/* Append a finished JSON object to b. */
static void
json_out(struct sk_buf *b, struct sk_json *j)
{
	if (sk_json_end(j) == 0)
		(void)sk_buf_append(b, j->buf.data, j->buf.len);
	sk_json_free(j);
}

/*
 * Text safe to print as a name: printable ASCII, no blanks, not empty,
 * no longer than a DNS name can be; anything else quoted and cut by
 * cli_quote().
 */
static const char *
shown(const char *text, char *buf, size_t size)
{
	const unsigned char *p;

	for (p = (const unsigned char *)text; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 0x7f || *p == '\'' || *p == '\\' ||
		    p - (const unsigned char *)text >= 255)
			break;
	if (*p == '\0' && p != (const unsigned char *)text)
		return text;
	return cli_quote(text, strlen(text), buf, size);
}

static bool
temporary(const struct sk_error *err)
{
	return (err->kind == SK_ERR_GAIERROR && err->code == EAI_AGAIN) ||
	    (err->kind == SK_ERR_HERROR && err->code == TRY_AGAIN);
}

/*
 * The exit status of a failed lookup: the resolver's own errors, and
 * "service/proto not found" and the like (an OSError without an errno
 * in Python), are "name or service not known": 3.  Other OS errors 1.
 */
static int
fail_status(const struct sk_error *err)
{
	if (err->kind == SK_ERR_OS && err->code == 0)
		return EXIT_ADDR;
	return cli_exit_status(err->kind);
}

static void
set_error(struct result *r, const char *input,
    const char *extra, const struct sk_error *err)
{
	char q[96], q2[96];
	struct sk_json j = { 0 };

	r->status = fail_status(err);
	if (cli_common.json) {
		sk_json_begin(&j);
		sk_json_str(&j, "input", input);
		sk_json_str(&j, "error", err->message);
		sk_json_str(&j, "kind", sk_error_kind_name(err->kind));
		sk_json_int(&j, "code", err->code);
		sk_json_bool(&j, "temporary", temporary(err));
		json_out(&r->out, &j);
	}
	/* With --json, the message is only the exit event's reason. */
	(void)sk_buf_printf(&r->err, "%s%s%s: %s%s",
	    shown(input, q, sizeof(q)), extra != NULL ? " " : "",
	    extra != NULL ? shown(extra, q2, sizeof(q2)) : "", err->message,
	    err->kind == SK_ERR_HERROR && temporary(err) ?
	    " (temporary failure, try again)" : "");
}

/* Whether ai[i]'s address already appeared among ai[0..i-1]. */
static bool
seen(const struct sk_addrinfo *ai, size_t i)
{
	size_t k;

	for (k = 0; k < i; k++)
		if (ai[k].addr.len == ai[i].addr.len &&
		    memcmp(&ai[k].addr.u, &ai[i].addr.u, ai[i].addr.len) == 0)
			return true;
	return false;
}

static void
do_addrinfo(const struct opts *o, const char *host, bool batch,
    struct result *r)
{
	struct sk_addrinfo *ai;
	struct sk_error err;
	struct sk_json j = { 0 };
	char text[SK_ADDRSTRLEN], f[32], t[32], p[32];
	const char *h = host;
	ssize_t n;
	size_t i;

	if (host[0] == '\0' && (o->ai_flags & AI_PASSIVE))
		h = NULL;	/* Python's None: the wildcard address */
	n = sk_getaddrinfo(h, o->port, o->family, o->socktype, o->proto,
	    o->ai_flags, &ai, &err);
	if (n < 0) {
		set_error(r, host, o->port, &err);
		return;
	}
	if (o->python) {
		(void)sk_buf_putc(&r->out, '[');
		for (i = 0; i < (size_t)n; i++) {
			py_sockaddr(&ai[i].addr, text, sizeof(text));
			(void)sk_buf_printf(&r->out, "%s(%d, %d, %d, ",
			    i > 0 ? ", " : "", ai[i].family, ai[i].type,
			    ai[i].proto);
			py_str(&r->out, ai[i].canonname);
			(void)sk_buf_printf(&r->out, ", %s)", text);
		}
		(void)sk_buf_append(&r->out, "]\n", 2);
		sk_addrinfo_free(ai, (size_t)n);
		return;
	}
	if (!cli_common.json && (o->ai_flags & AI_CANONNAME))
		for (i = 0; i < (size_t)n; i++)
			if (ai[i].canonname[0] != '\0') {
				(void)sk_buf_append(&r->out, "canonname: ",
				    11);
				put_name(&r->out, ai[i].canonname);
				(void)sk_buf_putc(&r->out, '\n');
				break;
			}
	for (i = 0; i < (size_t)n; i++) {
		if (!o->every && seen(ai, i))
			continue;
		if (cli_common.json) {
			sk_json_begin(&j);
			if (batch)
				sk_json_str(&j, "input", host);
			sk_json_str(&j, "family", sk_family_name(ai[i].family,
			    f, sizeof(f)));
			sk_json_str(&j, "type", sk_socktype_name(ai[i].type,
			    t, sizeof(t)));
			sk_json_str(&j, "proto", sk_proto_name(ai[i].proto,
			    p, sizeof(p)));
			sk_json_str(&j, "canonname", ai[i].canonname);
			sk_json_addr(&j, "address", &ai[i].addr);
			json_out(&r->out, &j);
		} else if (o->every) {
			(void)sk_addr_format(&ai[i].addr, text, sizeof(text));
			(void)sk_buf_printf(&r->out, "%s %s %s %s\n",
			    sk_family_name(ai[i].family, f, sizeof(f)),
			    sk_socktype_name(ai[i].type, t, sizeof(t)),
			    sk_proto_name(ai[i].proto, p, sizeof(p)), text);
		} else {
			if (o->port != NULL)
				(void)sk_addr_format(&ai[i].addr, text,
				    sizeof(text));
			else if (sk_addr_host(&ai[i].addr, text,
			    sizeof(text)) < 0)
				text[0] = '\0';
			(void)sk_buf_printf(&r->out, "%s\n", text);
		}
	}
	sk_addrinfo_free(ai, (size_t)n);
}

/* The (hostname, aliaslist, ipaddrlist) triple of --reverse and --ex. */
static void
print_hostent(const struct opts *o, const char *input,
    const struct sk_hostent *h, struct result *r)
{
	struct sk_json j = { 0 };
	size_t i;

	if (o->python) {
		(void)sk_buf_putc(&r->out, '(');
		py_str(&r->out, h->name);
		(void)sk_buf_append(&r->out, ", ", 2);
		py_list(&r->out, h->aliases, h->naliases);
		(void)sk_buf_append(&r->out, ", ", 2);
		py_list(&r->out, h->addrs, h->naddrs);
		(void)sk_buf_append(&r->out, ")\n", 2);
	} else if (cli_common.json) {
		sk_json_begin(&j);
		sk_json_str(&j, "input", input);
		sk_json_str(&j, "hostname", h->name);
		sk_json_array(&j, "aliases");
		for (i = 0; i < h->naliases; i++)
			sk_json_str(&j, NULL, h->aliases[i]);
		sk_json_close_array(&j);
		sk_json_array(&j, "addresses");
		for (i = 0; i < h->naddrs; i++)
			sk_json_str(&j, NULL, h->addrs[i]);
		sk_json_close_array(&j);
		json_out(&r->out, &j);
	} else {
		(void)sk_buf_append(&r->out, "hostname: ", 10);
		put_name(&r->out, h->name);
		(void)sk_buf_append(&r->out, "\naliases:", 9);
		for (i = 0; i < h->naliases; i++) {
			(void)sk_buf_putc(&r->out, ' ');
			put_name(&r->out, h->aliases[i]);
		}
		(void)sk_buf_append(&r->out, "\naddresses:", 11);
		for (i = 0; i < h->naddrs; i++)
			(void)sk_buf_printf(&r->out, " %s", h->addrs[i]);
		(void)sk_buf_putc(&r->out, '\n');
	}
}

/* One name as a string answer: --byname, --fqdn, --hostname. */
static void
print_name(const struct opts *o, const char *input, const char *key,
    const char *value, struct result *r)
{
	struct sk_json j = { 0 };

	if (o->python) {
		py_str(&r->out, value);
		(void)sk_buf_putc(&r->out, '\n');
	} else if (cli_common.json) {
		sk_json_begin(&j);
		if (input != NULL)
			sk_json_str(&j, "input", input);
		sk_json_str(&j, key, value);
		json_out(&r->out, &j);
	} else {
		put_name(&r->out, value);
		(void)sk_buf_putc(&r->out, '\n');
	}
}

static void
do_nameinfo(const struct opts *o, const char *addr, struct result *r)
{
	struct sk_addrinfo *ai;
	struct sk_error err;
	struct sk_json j = { 0 };
	char host[NI_MAXHOST], serv[NI_MAXSERV], port[8];
	ssize_t n;

	/* As CPython does: the host must be numeric, one address only. */
	(void)snprintf(port, sizeof(port), "%u", o->ni_port);
	n = sk_getaddrinfo(addr, port, o->family, SOCK_DGRAM, 0,
	    AI_NUMERICHOST, &ai, &err);
	if (n < 0) {
		set_error(r, addr, NULL, &err);
		return;
	}
	if (n != 1) {
		sk_addrinfo_free(ai, (size_t)n);
		(void)sk_error_set(&err, SK_ERR_OS, 0,
		    "sockaddr resolved to multiple addresses");
		set_error(r, addr, NULL, &err);
		return;
	}
	if (sk_getnameinfo(&ai[0].addr, o->ni_flags, host, sizeof(host),
	    serv, sizeof(serv), &err) == -1) {
		sk_addrinfo_free(ai, (size_t)n);
		set_error(r, addr, NULL, &err);
		return;
	}
	sk_addrinfo_free(ai, (size_t)n);
	if (o->python) {
		(void)sk_buf_putc(&r->out, '(');
		py_str(&r->out, host);
		(void)sk_buf_append(&r->out, ", ", 2);
		py_str(&r->out, serv);
		(void)sk_buf_append(&r->out, ")\n", 2);
	} else if (cli_common.json) {
		sk_json_begin(&j);
		sk_json_str(&j, "input", addr);
		sk_json_uint(&j, "port", o->ni_port);
		sk_json_str(&j, "host", host);
		sk_json_str(&j, "service", serv);
		json_out(&r->out, &j);
	} else {
		put_name(&r->out, host);
		(void)sk_buf_putc(&r->out, ' ');
		put_name(&r->out, serv);
		(void)sk_buf_putc(&r->out, '\n');
	}
}

static void
do_service(const struct opts *o, const char *input, struct result *r)
{
	struct sk_error err;
	struct sk_json j = { 0 };
	char name[256];
	long long v;
	int port;

	if (o->mode == M_SERVICE) {
		if (sk_getservbyname(input, o->proto_name, &port, &err) == -1) {
			set_error(r, input, NULL, &err);
			return;
		}
		(void)strlcpy(name, input, sizeof(name));
	} else {
		if (sk_parse_integer(input, 0, 65535, &v, &err) == -1) {
			set_error(r, input, NULL, &err);
			return;
		}
		port = (int)v;
		if (sk_getservbyport(port, o->proto_name, name, sizeof(name),
		    &err) == -1) {
			set_error(r, input, NULL, &err);
			return;
		}
	}
	if (o->python) {
		if (o->mode == M_SERVICE)
			(void)sk_buf_printf(&r->out, "%d", port);
		else
			py_str(&r->out, name);
		(void)sk_buf_putc(&r->out, '\n');
	} else if (cli_common.json) {
		sk_json_begin(&j);
		sk_json_str(&j, "input", input);
		sk_json_str(&j, "service", name);
		sk_json_int(&j, "port", port);
		if (o->proto_name != NULL)
			sk_json_str(&j, "proto", o->proto_name);
		else
			sk_json_null(&j, "proto");
		json_out(&r->out, &j);
	} else if (o->mode == M_SERVICE)
		(void)sk_buf_printf(&r->out, "%d\n", port);
	else {
		put_name(&r->out, name);
		(void)sk_buf_putc(&r->out, '\n');
	}
}

static void
do_protocol(const struct opts *o, const char *input, struct result *r)
{
	struct sk_error err;
	struct sk_json j = { 0 };
	char name[256];
	long long v;
	bool by_number;
	int num;

	by_number = input[0] >= '0' && input[0] <= '9';
	if (by_number) {
		if (sk_parse_integer(input, 0, INT_MAX, &v, &err) == -1) {
			set_error(r, input, NULL, &err);
			return;
		}
		num = (int)v;
	} else if (sk_getprotobyname(input, &num, &err) == -1) {
		set_error(r, input, NULL, &err);
		return;
	}
	if (sk_getprotobynumber(num, name, sizeof(name), &err) == -1) {
		if (by_number) {
			set_error(r, input, NULL, &err);
			return;
		}
		(void)strlcpy(name, input, sizeof(name));
	}
	if (o->python) {
		if (by_number)
			py_str(&r->out, name);
		else
			(void)sk_buf_printf(&r->out, "%d", num);
		(void)sk_buf_putc(&r->out, '\n');
	} else if (cli_common.json) {
		sk_json_begin(&j);
		sk_json_str(&j, "input", input);
		sk_json_str(&j, "protocol", name);
		sk_json_int(&j, "number", num);
		json_out(&r->out, &j);
	} else if (by_number) {
		put_name(&r->out, name);
		(void)sk_buf_putc(&r->out, '\n');
	}
	else
		(void)sk_buf_printf(&r->out, "%d\n", num);
}

/* Answer one NAME into r; safe to call from several threads at once. */
static void
resolve_one(const struct opts *o, const char *input, bool batch,
    struct result *r)
{
	struct sk_hostent h;
	struct sk_error err;
	char buf[1024];

	r->status = EXIT_OK;
	switch (o->mode) {
	case M_ADDRINFO:
		do_addrinfo(o, input, batch, r);
		break;
	case M_REVERSE:
	case M_EX:
		if ((o->mode == M_REVERSE ? sk_gethostbyaddr(input, &h, &err) :
		    sk_gethostbyname_ex(input, &h, &err)) == -1) {
			set_error(r, input, NULL, &err);
			break;
		}
		print_hostent(o, input, &h, r);
		sk_hostent_free(&h);
		break;
	case M_NAMEINFO:
		do_nameinfo(o, input, r);
		break;
	case M_BYNAME:
		if (sk_gethostbyname(input, buf, sizeof(buf), &err) == -1)
			set_error(r, input, NULL, &err);
		else
			print_name(o, input, "address", buf, r);
		break;
	case M_FQDN:
		if (sk_getfqdn(input, buf, sizeof(buf), &err) == -1)
			set_error(r, input, NULL, &err);
		else
			print_name(o, input, "fqdn", buf, r);
		break;
	case M_HOSTNAME:
		if (sk_gethostname(buf, sizeof(buf), &err) == -1)
			set_error(r, "gethostname", NULL, &err);
		else
			print_name(o, NULL, "hostname", buf, r);
		break;
	case M_SERVICE:
	case M_SERVICE_PORT:
		do_service(o, input, r);
		break;
	case M_PROTOCOL:
		do_protocol(o, input, r);
		break;
	case NMODES:
		break;
	}
}

/* Write one answer: stdout first, then its message.  -1 if stdout fails. */
static int
emit(struct result *r)
{
	if (r->out.len > 0 &&
	    fwrite(r->out.data, 1, r->out.len, stdout) != r->out.len)
		return -1;
	if (r->err.len > 0 && cli_common.json)
		cli_reason("%s", r->err.data);
	else if (r->err.len > 0)
		cli_warn("%s", r->err.data);
	return ferror(stdout) ? -1 : 0;
}

/*
 * The batch: a reader thread puts stdin's lines into a ring of slots, a
 * pool of workers resolves them, and the main thread prints each slot's
 * answer as soon as it and every one before it are done.  The ring bounds
 * memory whatever the input's size.
 */
struct slot {
	char *name;		/* NULL: refused by the reader (r.err set) */
	struct result r;
	bool done;
};

struct batch {
	const struct opts *o;
	pthread_mutex_t lock;
	pthread_cond_t work;	/* a slot to resolve, or the end */
	pthread_cond_t done;	/* the head slot is done, or the end */
	pthread_cond_t space;	/* the ring has room, or the printer quit */
	struct slot *ring;
	size_t size;
	unsigned long long head, next, tail;	/* print, assign, fill */
	bool eof;
	bool quit;		/* the printer gave up: stop reading */
	int read_errno;
};

static void *
worker(void *arg)
{
	struct batch *b = arg;
	struct slot *s;

	(void)pthread_mutex_lock(&b->lock);
	for (;;) {
		while (b->next == b->tail && !b->eof && !b->quit)
			(void)pthread_cond_wait(&b->work, &b->lock);
		if (b->next == b->tail || b->quit)
			break;
		s = &b->ring[b->next++ % b->size];
		if (s->done)
			continue;	/* refused by the reader */
		(void)pthread_mutex_unlock(&b->lock);
		resolve_one(b->o, s->name, true, &s->r);
		(void)pthread_mutex_lock(&b->lock);
		s->done = true;
		(void)pthread_cond_signal(&b->done);
	}
	(void)pthread_mutex_unlock(&b->lock);
	return NULL;
}

static void *
reader(void *arg)
{
	struct batch *b = arg;
	struct sk_error err;
	struct slot *s;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	for (;;) {
		n = getline(&line, &cap, stdin);
		(void)pthread_mutex_lock(&b->lock);
		while (b->tail - b->head >= b->size && !b->quit)
			(void)pthread_cond_wait(&b->space, &b->lock);
		if (n < 0 || b->quit) {
			if (n < 0 && ferror(stdin))
				b->read_errno = errno;
			b->eof = true;
			(void)pthread_cond_broadcast(&b->work);
			(void)pthread_cond_broadcast(&b->done);
			(void)pthread_mutex_unlock(&b->lock);
			break;
		}
		s = &b->ring[b->tail % b->size];
		memset(s, 0, sizeof(*s));
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		if (memchr(line, '\0', (size_t)n) != NULL) {
			(void)sk_error_set(&err, SK_ERR_VALUE, EINVAL,
			    "embedded null character");
			set_error(&s->r, line, NULL, &err);
		} else if (n > MAX_NAME) {
			(void)sk_error_set(&err, SK_ERR_VALUE, EINVAL,
			    "line too long");
			line[64] = '\0';
			set_error(&s->r, line, NULL, &err);
		} else if ((s->name = strdup(line)) == NULL) {
			(void)sk_error_set(&err, SK_ERR_OS, ENOMEM, NULL);
			set_error(&s->r, line, NULL, &err);
		}
		s->done = s->name == NULL;
		b->tail++;
		(void)pthread_cond_signal(&b->work);
		(void)pthread_mutex_unlock(&b->lock);
	}
	free(line);
	return NULL;
}

/* Fold a slot's status into the batch's: 3 beats 1 beats 0. */
static int
worse(int a, int b)
{
	if (a == EXIT_ADDR || b == EXIT_ADDR)
		return EXIT_ADDR;
	return a != EXIT_OK ? a : b;
}

static int
batch(const struct opts *o)
{
	/*
	 * Static: when stdout fails, the reader may still be in getline(3)
	 * as the program exits, and must not find its state gone.
	 */
	static struct batch b;
	static struct opts opts;
	static pthread_t threads[JOBS_MAX], rd;
	size_t i, nthreads = 0;
	struct slot *s;
	int status = EXIT_OK, rc = 0;
	bool out_failed = false;

	/* A copy, as long-lived as b: the caller's o is on its stack. */
	opts = *o;
	b.o = &opts;
	b.size = (size_t)o->jobs * 8 < 64 ? 64 : (size_t)o->jobs * 8;
	if ((b.ring = calloc(b.size, sizeof(*b.ring))) == NULL) {
		cli_warn("%s", strerror(errno));
		return EXIT_OSERR;
	}
	(void)pthread_mutex_init(&b.lock, NULL);
	(void)pthread_cond_init(&b.work, NULL);
	(void)pthread_cond_init(&b.done, NULL);
	(void)pthread_cond_init(&b.space, NULL);
	for (i = 0; i < (size_t)o->jobs; i++) {
		if ((rc = pthread_create(&threads[i], NULL, worker, &b)) != 0)
			break;
		nthreads++;
	}
	/* pthread_create(3) returns its error; it leaves errno alone. */
	if (nthreads == 0 ||
	    (rc = pthread_create(&rd, NULL, reader, &b)) != 0) {
		cli_warn("cannot start threads: %s", strerror(rc));
		(void)pthread_mutex_lock(&b.lock);
		b.quit = true;
		(void)pthread_cond_broadcast(&b.work);
		(void)pthread_mutex_unlock(&b.lock);
		for (i = 0; i < nthreads; i++)
			(void)pthread_join(threads[i], NULL);
		free(b.ring);
		return EXIT_OSERR;
	}

	(void)pthread_mutex_lock(&b.lock);
	for (;;) {
		if (b.head == b.tail) {
			if (b.eof)
				break;
			(void)pthread_cond_wait(&b.done, &b.lock);
			continue;
		}
		s = &b.ring[b.head % b.size];
		if (!s->done) {
			(void)pthread_cond_wait(&b.done, &b.lock);
			continue;
		}
		(void)pthread_mutex_unlock(&b.lock);
		if (!out_failed && emit(&s->r) == -1)
			out_failed = true;
		status = worse(status, s->r.status);
		free(s->name);
		sk_buf_free(&s->r.out);
		sk_buf_free(&s->r.err);
		(void)pthread_mutex_lock(&b.lock);
		b.head++;
		if (out_failed)
			b.quit = true;
		(void)pthread_cond_signal(&b.space);
		if (b.quit) {
			(void)pthread_cond_broadcast(&b.work);
			break;
		}
	}
	(void)pthread_mutex_unlock(&b.lock);
	/* On a failed stdout the reader may sit in getline: leave it,
	 * detached, to end with the process. */
	if (out_failed)
		(void)pthread_detach(rd);
	else
		(void)pthread_join(rd, NULL);
	for (i = 0; i < nthreads; i++)
		(void)pthread_join(threads[i], NULL);
	if (out_failed)
		return EXIT_OSERR;
	/* Slots still queued when the printer stopped. */
	for (; b.head != b.tail; b.head++) {
		s = &b.ring[b.head % b.size];
		free(s->name);
		sk_buf_free(&s->r.out);
		sk_buf_free(&s->r.err);
	}
	free(b.ring);
	if (b.read_errno != 0) {
		cli_warn("stdin: %s", strerror(b.read_errno));
		status = worse(status, EXIT_OSERR);
	}
	return status;
}

/* Check the combination of options; returns 0 or a usage error's status. */
static int
validate(struct opts *o, int nargs, char **args)
{
	struct sk_error err;
	long long v;
	size_t i;
	int hi, pnum;
	char q[96];

	for (i = 0; i < NAPPLIES; i++) {
		const char *name = cli_given_name(applies[i].value);

		if (name == NULL || (applies[i].modes & BIT(o->mode)))
			continue;
		if (o->mode == M_ADDRINFO)
			return cli_usage("%s does not apply to getaddrinfo, "
			    "the default mode", name);
		return cli_usage("cannot use %s with %s", name,
		    mode_names[o->mode]);
	}
	if (cli_common.json && o->python)
		return cli_usage("cannot use --json with --python");
	o->family = cli_common.family;
	o->ai_flags = (o->canonname ? AI_CANONNAME : 0) |
	    (o->numeric_host ? AI_NUMERICHOST : 0) |
	    (o->passive ? AI_PASSIVE : 0) |
	    (o->addrconfig ? AI_ADDRCONFIG : 0) |
	    (o->v4mapped ? AI_V4MAPPED : 0) | (o->all ? AI_ALL : 0);
	o->ni_flags = (o->numeric_host ? NI_NUMERICHOST : 0) |
	    (o->numeric_serv ? NI_NUMERICSERV : 0) |
	    (o->namereqd ? NI_NAMEREQD : 0) | (o->dgram ? NI_DGRAM : 0);

	switch (o->mode) {
	case M_ADDRINFO:
	case M_NAMEINFO:
		hi = 2;
		break;
	case M_HOSTNAME:
		hi = 0;
		break;
	default:
		hi = 1;
		break;
	}
	if (nargs > hi)
		return cli_usage("too many arguments for %s",
		    mode_names[o->mode]);
	/* A service name goes to getaddrinfo as it is, to be matched
	 * against the socket type; a number must be a decimal port. */
	if (o->mode == M_ADDRINFO && nargs == 2 &&
	    isalpha((unsigned char)args[1][0]))
		o->port = args[1];
	else if (o->mode == M_ADDRINFO && nargs == 2) {
		if (cli_number("PORT", args[1], 0, 65535, &v) == -1)
			return EXIT_USAGE;
		o->port_number.number = (unsigned int)v;
		(void)snprintf(o->port_number.text,
		    sizeof(o->port_number.text), "%lld", v);
		o->port = o->port_number.text;
	}
	if (o->mode == M_NAMEINFO && nargs == 2) {
		if (cli_number("PORT", args[1], 0, 65535, &v) == -1)
			return EXIT_USAGE;
		o->ni_port = (unsigned int)v;
	}
	if (o->mode == M_SERVICE_PORT && nargs == 1 &&
	    cli_number("PORT", args[0], 0, 65535, &v) == -1)
		return EXIT_USAGE;
	if (o->mode == M_ADDRINFO && (o->ai_flags & AI_ALL) &&
	    !(o->ai_flags & AI_V4MAPPED))
		return cli_usage("--all needs --v4mapped");
	if (o->mode == M_ADDRINFO && o->proto_name != NULL) {
		if (sk_parse_integer(o->proto_name, 0, 255, &v, NULL) == 0)
			o->proto = (int)v;
		else if (sk_getprotobyname(o->proto_name, &pnum, &err) == 0)
			o->proto = pnum;
		else
			return cli_usage("--proto: %s: %s",
			    cli_quote(o->proto_name, strlen(o->proto_name), q,
			    sizeof(q)), err.message);
	}
	return EXIT_OK;
}

static int
main_resolve(int argc, char **argv)
{
	struct opts *o = &opt;
	struct result r;
	int first, status;

	first = cli_parse(argc, argv);
	if ((status = validate(o, argc - first, argv + first)) != EXIT_OK)
		return status;
	if (first == argc && (BATCH_MODES & BIT(o->mode)))
		return batch(o);

	memset(&r, 0, sizeof(r));
	resolve_one(o, first < argc ? argv[first] : "", false, &r);
	if (emit(&r) == -1)
		r.status = EXIT_OSERR;
	sk_buf_free(&r.out);
	sk_buf_free(&r.err);
	return r.status;
}
