/*
 * main.c - the sockit dispatcher: one binary, many subcommands (as busybox
 * and toybox do).  `sockit SUB ...`, or a link named SUB or sockit-SUB.
 * Answers --help, help SUB, --version and the hidden --list-commands; owns
 * option parsing (getopt_long(3)) and the mapping from library error kinds
 * to exit statuses, so that every subcommand behaves the same.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <bsd/stdlib.h>
#include <bsd/string.h>
#define LIBBSD_OPENBSD_VIS
#include <bsd/vis.h>

#include "cli.h"

#define CMD(id, name, summary) extern const struct cli_command cmd_##id;
#include "commands.h"
#undef CMD

struct command {
	const char *name;
	const char *summary;
	const struct cli_command *spec;
};

static const struct command commands[] = {
#define CMD(id, name, summary) { name, summary, &cmd_##id },
#include "commands.h"
#undef CMD
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))
/* The least width of --help's option column. */
#define HELP_COLUMN 24

const char *cli_name = "";
static const struct command *running;
static char progname[64];

static const struct command *
find_command(const char *name)
{
	size_t i;

	/* Exact names only: never by prefix. */
	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* What "the reference" in the help texts is. */
#define REFERENCE_NOTE \
	"\"The reference\" is the documentation of Python's socket module\n" \
	"(https://docs.python.org/3/library/socket.html) and its examples.\n"

static void
list_commands(FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: sockit COMMAND [OPTION]... [ARG]...\n"
	    "       sockit help COMMAND\n\n"
	    "A socket toolkit: the calls of Python's socket module, from the "
	    "command line.\n\nCommands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(fp, "  %-14s %s\n", commands[i].name,
		    commands[i].summary);
	fprintf(fp, "\nOptions:\n"
	    "  -h, --help     show this help and exit\n"
	    "      --version  show the version and exit\n\n"
	    "Run 'sockit COMMAND --help' for a command's options, and see "
	    "sockit(1).\n" REFERENCE_NOTE);
}

/* The argument's name for --help, or NULL when it takes none. */
static const char *
option_arg(const struct cli_option *o)
{
	return o->kind == CLI_KIND_FLAG || o->kind == CLI_KIND_COUNT ||
	    o->kind == CLI_KIND_SET ? NULL : o->arg;
}

/* "-4, --ipv4" or "    --json", with "=ARG" when it takes one. */
static void
option_label(const struct cli_option *o, char *buf, size_t size)
{
	char shortform[8] = "    ";
	const char *arg = option_arg(o);

	if (o->val > 0 && o->val < 256)
		(void)snprintf(shortform, sizeof(shortform), "-%c, ", o->val);
	(void)snprintf(buf, size, "%s--%s%s%s", shortform, o->name,
	    arg != NULL ? "=" : "", arg != NULL ? arg : "");
}

static void
command_help(const struct command *c, FILE *fp)
{
	static const struct cli_option help = CLI_FLAG('h', "help", NULL,
	    "show this help and exit");
	const struct cli_option *o;
	char label[64];
	int width = HELP_COLUMN;

	/* One column for every description: wide enough for the longest
	 * option, so that none runs into its text. */
	for (o = c->spec->options; o->name != NULL; o++) {
		option_label(o, label, sizeof(label));
		if ((int)strlen(label) > width)
			width = (int)strlen(label);
	}
	fprintf(fp, "usage: sockit %s %s\n\n%s\n\n%s\n\nOptions:\n", c->name,
	    c->spec->usage, c->summary, c->spec->about);
	for (o = c->spec->options; ; o++) {
		if (o->name == NULL)
			o = &help;
		option_label(o, label, sizeof(label));
		fprintf(fp, "  %-*s %s\n", width, label, o->help);
		if (o == &help)
			break;
	}
	fprintf(fp, "\nSee sockit-%s(1).\n" REFERENCE_NOTE, c->name);
}

/* For completions and tests: long\tshort\targ\tchoices\thelp per line. */
static void
list_options(const struct command *c)
{
	const struct cli_option *o;
	const struct cli_choice *ch;

	for (o = c->spec->options; o->name != NULL; o++) {
		char shortform[4] = "";
		const char *arg = option_arg(o);

		if (o->val > 0 && o->val < 256)
			(void)snprintf(shortform, sizeof(shortform), "-%c",
			    o->val);
		printf("--%s\t%s\t%s\t", o->name, shortform,
		    arg != NULL ? arg : "");
		if (o->kind == CLI_KIND_CHOICE)
			for (ch = o->data; ch->word != NULL; ch++)
				printf("%s%s", ch == o->data ? "" : " ",
				    ch->word);
		printf("\t%s\n", o->help);
	}
	printf("--help\t-h\t\t\tshow this help and exit\n");
}

struct cli_common cli_common = { .family = AF_UNSPEC, .timeout = -1 };
struct cli_tls cli_tls;
struct sk_acl *cli_acl;

/* Why the command ended, for the exit event: the last error message
 * (servers report from several threads). */
static char reason[256];
static pthread_mutex_t reason_lock = PTHREAD_MUTEX_INITIALIZER;

static void __attribute__((format(printf, 1, 0)))
vreason(const char *fmt, va_list ap)
{
	(void)pthread_mutex_lock(&reason_lock);
	(void)vsnprintf(reason, sizeof(reason), fmt, ap);
	(void)pthread_mutex_unlock(&reason_lock);
}

/* "sockit NAME: MESSAGE" on stderr, MESSAGE the reason from now on. */
static void __attribute__((format(printf, 1, 0)))
vmessage(const char *fmt, va_list ap)
{
	va_list copy;

	fprintf(stderr, "%s: ", getprogname());
	va_copy(copy, ap);
	vfprintf(stderr, fmt, ap);
	vreason(fmt, copy);
	va_end(copy);
	fputc('\n', stderr);
}

void
cli_warn(const char *fmt, ...)
{
	va_list ap;

	(void)fflush(stdout);
	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
}

void
cli_reason(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreason(fmt, ap);
	va_end(ap);
}

void
cli_hint(const char *fmt, ...)
{
	va_list ap;

	/* Advice, not the reason the command failed: not the exit event's
	 * reason. */
	fprintf(stderr, "%s: hint: ", getprogname());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
cli_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try 'sockit %s --help' for more information.\n",
	    cli_name);
	return EXIT_USAGE;
}

int
cli_exit_status(enum sk_error_kind kind)
{
	switch (kind) {
	case SK_ERR_NONE:
		return EXIT_OK;
	case SK_ERR_HERROR:
	case SK_ERR_GAIERROR:
		return EXIT_ADDR;
	case SK_ERR_TIMEOUT:
		return EXIT_TIMEOUT;
	case SK_ERR_TLS:
		return EXIT_TLS;
	case SK_ERR_OS:
	case SK_ERR_VALUE:
	default:
		return EXIT_OSERR;
	}
}

int
cli_fail(const char *what, const struct sk_error *err)
{
	char q[96];
	const unsigned char *p;
	size_t n = strlen(what);
	bool plain = n <= 256;

	/* WHAT is often what the user gave (a host, a path, an interface):
	 * anything but short printable ASCII is quoted and cut. */
	for (p = (const unsigned char *)what; plain && *p != '\0'; p++)
		if (*p < 0x20 || *p >= 0x7f)
			plain = false;
	cli_warn("%s: %s", plain ? what : cli_quote(what, n, q, sizeof(q)),
	    err->message);
	return cli_exit_status(err->kind);
}

int
cli_fail_raw(const char *what, const char *doing, const struct sk_error *err)
{
	if (err->kind == SK_ERR_OS && (err->code == EPERM ||
	    err->code == EACCES)) {
		cli_warn("%s: %s (%s needs the CAP_NET_RAW capability)",
		    what, err->message, doing);
		return EXIT_OSERR;
	}
	return cli_fail(what, err);
}

/* Whether the running command has the long option name. */
static bool
has_option(const char *name)
{
	const struct cli_option *o;

	for (o = running->spec->options; o->name != NULL; o++)
		if (strcmp(o->name, name) == 0)
			return true;
	return false;
}

int
cli_fail_host(const char *host, const struct sk_error *err)
{
	const char *colon = strrchr(host, ':');
	unsigned int port;
	size_t hostlen;
	int status = cli_fail(host, err);
	char h[96], p[96];

	/* "name:port" or "[v6]:port": one colon, or a bracketed literal,
	 * then a port.  A bare IPv6 literal has several colons. */
	if (colon == NULL || colon == host || (host[0] != '[' &&
	    strchr(host, ':') != colon) || (host[0] == '[' &&
	    colon[-1] != ']') ||
	    sk_parse_port(colon + 1, "tcp", &port, NULL) == -1)
		return status;
	hostlen = (size_t)(colon - host);
	if (host[0] == '[')
		(void)cli_quote(host + 1, hostlen - 2, h, sizeof(h));
	else
		(void)cli_quote(host, hostlen, h, sizeof(h));
	cli_hint("the host and the port are two arguments: %s %s", h,
	    cli_quote(colon + 1, strlen(colon + 1), p, sizeof(p)));
	return status;
}

int
cli_fail_addr(const struct sk_addr *a, const struct sk_error *err)
{
	char text[SK_ADDRSTRLEN];
	int status;

	(void)sk_addr_format(a, text, sizeof(text));
	status = cli_fail(text, err);
	cli_addr_hint(a, err);
	return status;
}

int
cli_fail_bind(const char *host, const char *port, int family, int socktype,
    const struct sk_error *err)
{
	struct sk_addr a;
	int status;
	char what[300];

	if (err->kind == SK_ERR_GAIERROR || err->kind == SK_ERR_HERROR)
		return cli_fail_host(host, err);
	/* The reference's bind((HOST, PORT)) argument. */
	(void)snprintf(what, sizeof(what), port[strspn(port, "0123456789")] ==
	    '\0' ? "('%s', %s)" : "('%s', '%s')", host, port);
	status = cli_fail(what, err);
	if (sk_addr_resolve(&a, host, port, family, socktype, NULL) == 0)
		cli_addr_hint(&a, err);
	return status;
}

void
cli_addr_hint(const struct sk_addr *a, const struct sk_error *err)
{
	char host[SK_ADDRSTRLEN];
	int family = sk_addr_family(a);

	if (err->kind != SK_ERR_OS)
		return;
	if (family == AF_INET6 && err->code == EINVAL &&
	    a->u.in6.sin6_scope_id == 0 &&
	    (IN6_IS_ADDR_LINKLOCAL(&a->u.in6.sin6_addr) ||
	    IN6_IS_ADDR_MC_LINKLOCAL(&a->u.in6.sin6_addr)) &&
	    sk_addr_host(a, host, sizeof(host)) >= 0)
		cli_hint("a link-local address needs its interface as its "
		    "scope: %s%%IFACE%s", host, sk_addr_is_multicast(a) &&
		    has_option("interface") ? ", or --interface IFACE" : "");
	else if (family == AF_INET && err->code == EACCES &&
	    has_option("broadcast"))
		cli_hint("sending to a broadcast address needs --broadcast");
	else if (sk_addr_is_multicast(a) && (err->code == ENODEV ||
	    err->code == ENETUNREACH) && has_option("interface"))
		cli_hint("no route to the group: name its interface with "
		    "--interface");
}

const char *
cli_quote(const char *text, size_t len, char *buf, size_t size)
{
	char vis[4 * 64 + 1];
	size_t n = len > 64 ? 64 : len;

	(void)strvisx(vis, text, n, VIS_CSTYLE | VIS_TAB | VIS_NL | VIS_OCTAL);
	(void)snprintf(buf, size, "'%s'%s", vis, len > n ? "..." : "");
	return buf;
}

/* Whether text is a decimal number: digits, perhaps a '-' first. */
static bool
decimal(const char *text)
{
	if (*text == '-')
		text++;
	if (*text == '\0')
		return false;
	for (; *text != '\0'; text++)
		if (*text < '0' || *text > '9')
			return false;
	return true;
}

int
cli_number(const char *what, const char *arg, long long min, long long max,
    long long *out)
{
	struct sk_error err;
	char q[96];

	/* Decimal only: 0x is for data, not for counts. */
	if (!decimal(arg))
		return cli_usage_fail("%s: %s: invalid number", what,
		    cli_quote(arg, strlen(arg), q, sizeof(q)));
	if (sk_parse_integer(arg, min, max, out, &err) == -1)
		return cli_usage_fail("%s: %s: %s", what,
		    cli_quote(arg, strlen(arg), q, sizeof(q)), err.message);
	return 0;
}

/* A port by the one rule: a decimal number or a service name. */
int
cli_port(const char *what, const char *arg, const char *proto,
    struct cli_port *out)
{
	struct sk_error err;
	unsigned int port;
	char q[96];

	if (sk_parse_port(arg, proto, &port, &err) == -1)
		return cli_usage_fail("%s: %s: %s", what,
		    cli_quote(arg, strlen(arg), q, sizeof(q)), err.message);
	out->number = port;
	(void)snprintf(out->text, sizeof(out->text), "%u", port);
	out->arg = arg;
	return 0;
}

/* --allow, --deny (min: 1 to allow) and their -file forms (max: 1). */
int
cli_acl_option(const struct cli_option *o, const char *arg)
{
	bool allow = o->min != 0;
	struct sk_error err;
	size_t line = 0;
	int rc;
	char q[96];

	if (cli_acl == NULL && (cli_acl = sk_acl_new(&err)) == NULL)
		return cli_usage_fail("--%s: %s", o->name, err.message);
	if (o->max == 0)
		rc = sk_acl_add(cli_acl, arg, allow, &err);
	else
		rc = sk_acl_load(cli_acl, arg, allow, &line, &err);
	if (rc == 0)
		return 0;
	(void)cli_quote(arg, strlen(arg), q, sizeof(q));
	if (line > 0)
		return cli_usage_fail("--%s: %s: line %zu: %s", o->name, q,
		    line, err.message);
	return cli_usage_fail("--%s: %s: %s", o->name, q, err.message);
}

int
cli_port_proto(const char *what, struct cli_port *p, const char *proto)
{
	if (p->arg == NULL)
		return 0;
	return cli_port(what, p->arg, proto, p);
}

int
cli_tls_context(bool server, struct sk_tls_ctx **out)
{
	static const char *const tls_only[] = { "--cert", "--key", "--ca",
	    "--sni", "--alpn", "--insecure" };
	const void *values[] = { &cli_tls.o.cert, &cli_tls.o.key,
	    &cli_tls.o.ca, &cli_tls.o.sni, &cli_tls.o.alpn,
	    &cli_tls.o.insecure };
	struct sk_error err;
	size_t i;

	*out = NULL;
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++)
		if (!cli_tls.on && cli_given(values[i]))
			return cli_usage("%s needs --tls", tls_only[i]);
	if (!cli_tls.on)
		return EXIT_OK;
	if (server && (cli_tls.o.cert == NULL || cli_tls.o.key == NULL))
		return cli_usage("a TLS server needs --cert and --key");
	if (server && (cli_tls.o.sni != NULL || cli_tls.o.insecure))
		return cli_usage("%s is for a TLS client",
		    cli_tls.o.sni != NULL ? "--sni" : "--insecure");
	if (!server && (cli_tls.o.cert == NULL) != (cli_tls.o.key == NULL))
		return cli_usage("a client certificate needs --cert and --key");
	cli_tls.o.server = server;
	if ((*out = sk_tls_ctx_new(&cli_tls.o, &err)) == NULL)
		return cli_fail("tls", &err);
	return EXIT_OK;
}

int
cli_path(const struct cli_option *o, const char *arg)
{
	if (arg[0] == '\0')
		return cli_usage_fail("--%s: the path is empty", o->name);
	return 0;
}

void
cli_raise_nofile(unsigned long long want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur >= want ||
	    rl.rlim_cur >= rl.rlim_max)
		return;
	rl.rlim_cur = want < rl.rlim_max ? (rlim_t)want : rl.rlim_max;
	(void)setrlimit(RLIMIT_NOFILE, &rl);
}

/* "expected a, b or c" for a choice's words. */
static int
bad_choice(const char *name, const char *arg, const struct cli_choice *ch)
{
	char words[256] = "", q[96];
	size_t i, n;

	for (n = 0; ch[n].word != NULL; n++)
		continue;
	for (i = 0; i < n; i++)
		(void)strlcat(words, i == 0 ? "" : i + 1 == n ? " or " : ", ",
		    sizeof(words)), (void)strlcat(words, ch[i].word,
		    sizeof(words));
	return cli_usage_fail("--%s: %s: expected %s", name,
	    cli_quote(arg, strlen(arg), q, sizeof(q)), words);
}

static int finish(int);
static int exit_event(int);

/* The options of the running command, and when each was given last. */
static const struct cli_option *table;
static size_t ntable;
static unsigned long *given_at;

/* The entry getopt_long(3) answered c for: long-only options by index. */
static const struct cli_option *
find_option(int c)
{
	size_t i;

	if (table == NULL)
		return NULL;
	if (c >= 256 && (size_t)(c - 256) < ntable)
		return &table[c - 256];
	for (i = 0; i < ntable; i++)
		if (table[i].val == c)
			return &table[i];
	return NULL;
}

/* Store one option's argument where its entry says. */
static int
store(const struct cli_option *o, const char *arg)
{
	struct sk_error err;
	struct cli_list *l;
	const struct cli_choice *ch;
	const char *prev;
	long long v;
	char q[96], name[64];

	(void)snprintf(name, sizeof(name), "--%s", o->name);
	switch (o->kind) {
	case CLI_KIND_FLAG:
		*(bool *)o->value = true;
		break;
	case CLI_KIND_COUNT:
		++*(int *)o->value;
		break;
	case CLI_KIND_SET:
		prev = cli_given_name(o->value);
		if (prev != NULL && *(int *)o->value != (int)o->min)
			return cli_usage_fail("cannot use %s with %s", prev,
			    name);
		*(int *)o->value = (int)o->min;
		break;
	case CLI_KIND_INT:
		/* Decimal only: 0x is for data, not for counts. */
		if (cli_number(name, arg, o->min, o->max, &v) == -1)
			return -1;
		*(long long *)o->value = v;
		break;
	case CLI_KIND_SECONDS:
		if (sk_parse_seconds(arg, o->value, &err) == -1)
			return cli_usage_fail("%s: %s: %s", name,
			    cli_quote(arg, strlen(arg), q, sizeof(q)),
			    err.message);
		if (o->min > 0 && *(double *)o->value <= 0)
			return cli_usage_fail("%s: %s: must be more than 0",
			    name, cli_quote(arg, strlen(arg), q, sizeof(q)));
		break;
	case CLI_KIND_PORT:
		return cli_port(name, arg, o->data, o->value);
	case CLI_KIND_STRING:
		*(const char **)o->value = arg;
		break;
	case CLI_KIND_LIST:
		l = o->value;
		if (o->max > 0 && l->n >= (size_t)o->max)
			return cli_usage_fail("%s: at most %lld", name,
			    o->max);
		l->items = reallocarray(l->items, l->n + 1,
		    sizeof(*l->items));
		if (l->items == NULL)
			return cli_usage_fail("%s: %s", name, strerror(errno));
		l->items[l->n++] = arg;
		break;
	case CLI_KIND_CHOICE:
		for (ch = o->data; ch->word != NULL; ch++)
			if (strcmp(ch->word, arg) == 0)
				break;
		if (ch->word == NULL)
			return bad_choice(o->name, arg, o->data);
		*(int *)o->value = ch->value;
		break;
	case CLI_KIND_CALL:
		break;
	}
	return 0;
}

bool
cli_given(const void *value)
{
	return cli_given_name(value) != NULL;
}

const char *
cli_given_name(const void *value)
{
	static char name[64];
	size_t i, last = ntable;

	for (i = 0; i < ntable; i++)
		if (table[i].value == value && given_at[i] > 0 &&
		    (last == ntable || given_at[i] > given_at[last]))
			last = i;
	if (last == ntable)
		return NULL;
	(void)snprintf(name, sizeof(name), "--%s", table[last].name);
	return name;
}

/* getopt_long's verdict on an option it does not take, as a usage error. */
static int
bad_option(char **argv, const char *shortopts)
{
	const struct cli_option *o;
	char q[96];

	if (strncmp(argv[optind - 1], "--", 2) == 0 && optopt != 0) {
		if ((o = find_option(optopt)) != NULL)
			return cli_usage("option '--%s' requires an argument",
			    o->name);
	}
	/* The option character quoted: it may be any byte, ESC included. */
	if (optopt > 0 && optopt < 256) {
		char oc = (char)optopt;

		(void)cli_quote(&oc, 1, q, sizeof(q));
		if (strchr(shortopts, optopt) != NULL)
			return cli_usage("option requires an argument -- %s",
			    q);
		return cli_usage("invalid option -- %s", q);
	}
	return cli_usage("unrecognized option %s", cli_quote(argv[optind - 1],
	    strlen(argv[optind - 1]), q, sizeof(q)));
}

int
cli_parse(int argc, char **argv)
{
	struct option *longopts;
	char *shortopts;
	size_t i, s = 0;
	unsigned long seq = 0;
	int c;

	table = running->spec->options;
	for (ntable = 0; table[ntable].name != NULL; ntable++)
		continue;
	longopts = calloc(ntable + 3, sizeof(*longopts));
	shortopts = calloc(2 * ntable + 2, 1);
	given_at = calloc(ntable + 1, sizeof(*given_at));
	if (longopts == NULL || shortopts == NULL || given_at == NULL) {
		cli_warn("%s", strerror(errno));
		exit(EXIT_OSERR);
	}
	for (i = 0; i < ntable; i++) {
		const struct cli_option *o = &table[i];
		int has_arg = option_arg(o) != NULL ? required_argument :
		    no_argument;

		/* Long-only options are told apart by their index. */
		longopts[i] = (struct option){ o->name, has_arg, NULL,
		    o->val > 0 ? o->val : 256 + (int)i };
		if (o->val > 0 && o->val < 256) {
			shortopts[s++] = (char)o->val;
			if (has_arg == required_argument)
				shortopts[s++] = ':';
		}
	}
	longopts[i++] = (struct option){ "help", no_argument, NULL, 'h' };
	longopts[i] = (struct option){ "list-options", no_argument, NULL, 1 };
	shortopts[s++] = 'h';

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		const struct cli_option *o;

		if (c == 'h') {
			command_help(running, stdout);
			exit(fflush(stdout) == 0 ? EXIT_OK : EXIT_OSERR);
		}
		if (c == 1) {
			list_options(running);
			exit(fflush(stdout) == 0 ? EXIT_OK : EXIT_OSERR);
		}
		if (c == '?')
			exit(bad_option(argv, shortopts));
		if ((o = find_option(c)) == NULL)
			exit(bad_option(argv, shortopts));
		if (store(o, optarg) == -1 ||
		    (o->fn != NULL && o->fn(o, optarg) == -1))
			exit(EXIT_USAGE);
		given_at[o - table] = ++seq;
	}
	free(longopts);
	free(shortopts);
	if (cli_common.verbose && cli_common.quiet)
		exit(finish(exit_event(cli_usage("cannot use --verbose with "
		    "--quiet"))));
	return optind;
}

/* Finish stdout: a full disk or closed pipe is an error, quietly so for
 * EPIPE (the reader went away, as for `sockit ... | head`). */
/*
 * The reader of stdout went away (`sockit ... | head`): stop at once,
 * quietly, and with status 0, as the reader took what it wanted and a
 * pipeline must not take that for a failure.  A write to a pipe whose
 * reader is gone raises SIGPIPE; stdout's pipe then polls as POLLERR.
 * Any other EPIPE (a socket's peer) returns to the writer as its error.
 */
static void
on_sigpipe(int signo)
{
	struct pollfd p = { STDOUT_FILENO, 0, 0 };

	(void)signo;
	if (poll(&p, 1, 0) == 1 && (p.revents & POLLERR))
		_exit(EXIT_OK);
}

static void
stop_quietly_on_epipe(void)
{
	struct sigaction sa = { .sa_handler = on_sigpipe };

	(void)sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	(void)sigaction(SIGPIPE, &sa, NULL);
}

/* Finish stdout: a full disk is an error; a reader that went away is
 * not (as for `sockit ... | head`). */
static int
finish(int status)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		if (errno == EPIPE)
			return status;
		fprintf(stderr, "%s: write error: %s\n", getprogname(),
		    strerror(errno));
		return status == EXIT_OK ? EXIT_OSERR : status;
	}
	return status;
}

/*
 * With --json, the last object on stdout says how the command ended:
 * {"event":"exit","status":N,"reason":"..."}.  Written only when stdout
 * takes it within a second: a reader that went away must not hold the
 * exit up.
 */
static int
exit_event(int status)
{
	struct sk_json j = { 0 };
	struct pollfd p = { .fd = STDOUT_FILENO, .events = POLLOUT };

	if (!cli_common.json)
		return status;
	sk_json_begin(&j);
	sk_json_str(&j, "event", "exit");
	sk_json_int(&j, "status", status);
	sk_json_str(&j, "reason", status == EXIT_OK ? "ok" :
	    reason[0] != '\0' ? reason : "failed");
	if (sk_json_end(&j) == 0 && fflush(stdout) == 0 &&
	    poll(&p, 1, 1000) == 1 && (p.revents & POLLOUT) != 0)
		(void)fwrite(j.buf.data, 1, j.buf.len, stdout);
	sk_json_free(&j);
	return status;
}

static int
run(const struct command *c, int argc, char **argv)
{
	running = c;
	cli_name = c->name;
	(void)snprintf(progname, sizeof(progname), "sockit %s", c->name);
	setprogname(progname);
	/* Human output is line-buffered even into a pipe: a reader sees
	 * each line as it happens. */
	(void)setvbuf(stdout, NULL, _IOLBF, 0);
	return finish(exit_event(c->spec->main(argc, argv)));
}

/*
 * The edit distance between a and b, a swap of neighbours counting as one
 * edit (optimal string alignment, as git's help.c weighs it), for names of
 * at most 63 bytes; longer ones are far from every command.
 */
static size_t
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t d[64][64];

	if (la >= 64 || lb >= 64)
		return SIZE_MAX;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
}

/* "'NAME' is not a sockit command", the nearest commands if any are
 * near (as git suggests them), and the hint; returns EXIT_USAGE. */
static int
not_a_command(const char *name)
{
	size_t i, best = SIZE_MAX, near = 0, limit;
	char q[96];

	fprintf(stderr, "sockit: %s is not a sockit command\n",
	    cli_quote(name, strlen(name), q, sizeof(q)));
	for (i = 0; i < NCOMMANDS; i++) {
		size_t d = distance(name, commands[i].name);

		if (d < best) {
			best = d;
			near = 0;
		}
		if (d == best)
			near++;
	}
	/* Near: a third of the name's letters wrong at most. */
	limit = strlen(name) / 3 > 1 ? strlen(name) / 3 : 1;
	if (best <= limit) {
		fprintf(stderr, "\nThe most similar command%s\n",
		    near == 1 ? " is" : "s are");
		for (i = 0; i < NCOMMANDS; i++)
			if (distance(name, commands[i].name) == best)
				fprintf(stderr, "\t%s\n", commands[i].name);
		fputc('\n', stderr);
	}
	fprintf(stderr, "Try 'sockit --help' for the list of commands.\n");
	return EXIT_USAGE;
}

/* A usage error of the dispatcher itself; returns EXIT_USAGE. */
static int
dispatcher_usage(const char *what)
{
	fprintf(stderr, "sockit: %s\nTry 'sockit --help' for more "
	    "information.\n", what);
	return EXIT_USAGE;
}

int
main(int argc, char **argv)
{
	const struct command *c;
	const char *base, *arg;
	char q[96];

	stop_quietly_on_epipe();
	setprogname("sockit");
	base = argc > 0 && argv[0] != NULL ? argv[0] : "sockit";
	if (strrchr(base, '/') != NULL)
		base = strrchr(base, '/') + 1;
	if (strncmp(base, "sockit-", 7) == 0 &&
	    (c = find_command(base + 7)) != NULL)
		return run(c, argc, argv);
	if ((c = find_command(base)) != NULL)
		return run(c, argc, argv);

	if (argc < 2) {
		list_commands(stderr);
		return EXIT_USAGE;
	}
	arg = argv[1];
	if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0 ||
	    strcmp(arg, "help") == 0) {
		/* help COMMAND and --help COMMAND: that command's help. */
		if (argc > 3)
			return dispatcher_usage("too many arguments; expected "
			    "help [COMMAND]");
		if (argc == 3) {
			if ((c = find_command(argv[2])) == NULL)
				return not_a_command(argv[2]);
			command_help(c, stdout);
		} else
			list_commands(stdout);
		return finish(EXIT_OK);
	}
	if (strcmp(arg, "--version") == 0 ||
	    strcmp(arg, "--list-commands") == 0) {
		if (argc > 2) {
			(void)snprintf(progname, sizeof(progname), "%s takes "
			    "no argument", arg);
			return dispatcher_usage(progname);
		}
		if (strcmp(arg, "--version") == 0)
			printf("sockit %s\n", SK_VERSION);
		else
			for (size_t i = 0; i < NCOMMANDS; i++)
				printf("%s\t%s\n", commands[i].name,
				    commands[i].summary);
		return finish(EXIT_OK);
	}
	if ((c = find_command(arg)) != NULL)
		return run(c, argc - 1, argv + 1);
	if (arg[0] != '-')
		return not_a_command(arg);
	fprintf(stderr, "sockit: unrecognized option %s\n",
	    cli_quote(arg, strlen(arg), q, sizeof(q)));
	fprintf(stderr, "Try 'sockit --help' for the list of commands.\n");
	return EXIT_USAGE;
}
