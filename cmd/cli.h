/*
 * cli.h - the dispatcher's interface for subcommands: option tables that
 * carry their values, usage errors (exit 2), and the exit status of a
 * library error, applied here once.
 *
 * A subcommand declares its options once, in a table whose entries say
 * what kind of value each takes and where it goes; cli_parse() fills the
 * variables, checks ranges and reports usage errors (exit 2, naming the
 * option).  --help, --list-options (for completions and tests) and the
 * choices to complete come from the same table.  For example:
 *
 *	static struct {
 *		bool once;
 *		long long count;
 *		struct cli_port port;
 *		const char *host;
 *	} opt = { .port = CLI_PORT_INIT(50007) };
 *
 *	static const struct cli_option options[] = {
 *		CLI_OPT_IPV4("listen on IPv4 only"),
 *		CLI_FLAG(0, "once", &opt.once, "serve one client, then exit"),
 *		CLI_INT('c', "count", &opt.count, "N", 1, 1000, "N clients"),
 *		CLI_PORT('p', "port", &opt.port, "tcp", "listen on PORT"),
 *		CLI_STRING('b', "bind", &opt.host, "HOST", "listen on HOST"),
 *		CLI_OPT_JSON,
 *		CLI_OPT_END
 *	};
 *
 * and in its main function, first = cli_parse(argc, argv); then only the
 * checks between options ("cannot use --once with --count", with
 * cli_given() to learn what was given) and the operands from argv[first]
 * on.  The options every command spells the same way (-4/-6, -w, -v, -q,
 * --json) store into the one struct cli_common, cli_common.
 */
#ifndef SOCKIT_CLI_H
#define SOCKIT_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "sockit.h"

/* Exit statuses. */
enum {
	EXIT_OK = 0,
	EXIT_OSERR = 1,
	EXIT_USAGE = 2,
	EXIT_ADDR = 3,
	EXIT_TIMEOUT = 4,
	EXIT_DATA = 5,
	EXIT_TLS = 6
};

/* What an option takes, and the type of the variable it points to. */
enum cli_kind {
	CLI_KIND_FLAG,		/* bool: true when given */
	CLI_KIND_COUNT,		/* int: one more each time it is given */
	CLI_KIND_SET,		/* int: set to min; a different one given
				 * before for the same int is a usage error */
	CLI_KIND_INT,		/* long long: decimal, in [min, max] */
	CLI_KIND_SECONDS,	/* double: sk_parse_seconds; min 1: > 0 */
	CLI_KIND_PORT,		/* struct cli_port; data is the protocol,
				 * NULL when another option decides it (any
				 * protocol's name is taken, then the command
				 * calls cli_port_proto) */
	CLI_KIND_STRING,	/* const char *: the argument as given */
	CLI_KIND_LIST,		/* struct cli_list: every argument, in order,
				 * at most max of them */
	CLI_KIND_CHOICE,	/* int: the value of one of data's words, a
				 * const struct cli_choice[] */
	CLI_KIND_CALL		/* nothing stored: fn does it all */
};

/* A port as the user gave it: a decimal number or a service name. */
struct cli_port {
	unsigned int number;
	char text[6];		/* number in decimal, for calls taking text */
	const char *arg;	/* as given; NULL: the default */
};
#define CLI_PORT_INIT(n)	{ (n), #n, NULL }

/* The arguments of a repeatable option, in the order given. */
struct cli_list {
	const char **items;
	size_t n;
};

/* One word of a CLI_KIND_CHOICE option; a { NULL } entry ends the list. */
struct cli_choice {
	const char *word;
	int value;
};

struct cli_option {
	int val;		/* the short option, or 0 for long only */
	const char *name;	/* the long option, always present */
	enum cli_kind kind;
	void *value;		/* where the value goes (see cli_kind) */
	const char *arg;	/* the argument's name in --help, or NULL */
	const char *help;	/* one line */
	long long min, max;	/* ranges, and CLI_KIND_SET's value */
	const void *data;	/* the port's protocol, the choices */
	/* Called after the value is stored (for CLI_KIND_CALL, instead):
	 * returns 0, or -1 after cli_usage(). */
	int (*fn)(const struct cli_option *opt, const char *arg);
};

#define CLI_ENTRY(v, n, k, p, a, h, lo, hi, d, f) \
	{ (v), (n), (k), (p), (a), (h), (lo), (hi), (d), (f) }
#define CLI_FLAG(v, n, p, h) \
	CLI_ENTRY(v, n, CLI_KIND_FLAG, p, NULL, h, 0, 0, NULL, NULL)
#define CLI_COUNT(v, n, p, h) \
	CLI_ENTRY(v, n, CLI_KIND_COUNT, p, NULL, h, 0, 0, NULL, NULL)
#define CLI_SET(v, n, p, x, h) \
	CLI_ENTRY(v, n, CLI_KIND_SET, p, NULL, h, x, 0, NULL, NULL)
#define CLI_INT(v, n, p, a, lo, hi, h) \
	CLI_ENTRY(v, n, CLI_KIND_INT, p, a, h, lo, hi, NULL, NULL)
#define CLI_SECONDS(v, n, p, a, h) \
	CLI_ENTRY(v, n, CLI_KIND_SECONDS, p, a, h, 0, 0, NULL, NULL)
/* Seconds that must be more than 0. */
#define CLI_SECONDS_POS(v, n, p, a, h) \
	CLI_ENTRY(v, n, CLI_KIND_SECONDS, p, a, h, 1, 0, NULL, NULL)
#define CLI_PORT(v, n, p, proto, h) \
	CLI_ENTRY(v, n, CLI_KIND_PORT, p, "PORT", h, 0, 65535, proto, NULL)
#define CLI_STRING(v, n, p, a, h) \
	CLI_ENTRY(v, n, CLI_KIND_STRING, p, a, h, 0, 0, NULL, NULL)
/* A path: a string that must not be empty. */
#define CLI_PATH(v, n, p, a, h) \
	CLI_ENTRY(v, n, CLI_KIND_STRING, p, a, h, 0, 0, NULL, cli_path)
#define CLI_LIST(v, n, p, a, most, h) \
	CLI_ENTRY(v, n, CLI_KIND_LIST, p, a, h, 0, most, NULL, NULL)
#define CLI_CHOICE(v, n, p, a, words, h) \
	CLI_ENTRY(v, n, CLI_KIND_CHOICE, p, a, h, 0, 0, words, NULL)
/* For the rare option no kind fits: fn gets the entry and the argument
 * (NULL when a is NULL: the option takes none). */
#define CLI_CALL(v, n, p, a, f, h) \
	CLI_ENTRY(v, n, CLI_KIND_CALL, p, a, h, 0, 0, NULL, f)
#define CLI_OPT_END	{ 0 }

/* The options every subcommand spells the same way. */
struct cli_common {
	int family;		/* AF_UNSPEC, or AF_INET (-4), AF_INET6 (-6) */
	double timeout;		/* -w; < 0 when not given */
	bool verbose, quiet, json;
};
extern struct cli_common cli_common;

#define CLI_OPT_IPV4(h) CLI_SET('4', "ipv4", &cli_common.family, AF_INET, h)
#define CLI_OPT_IPV6(h) CLI_SET('6', "ipv6", &cli_common.family, AF_INET6, h)
#define CLI_OPT_TIMEOUT(h) \
	CLI_SECONDS('w', "timeout", &cli_common.timeout, "SECONDS", h)
#define CLI_OPT_VERBOSE_HELP(h) \
	CLI_FLAG('v', "verbose", &cli_common.verbose, h)
#define CLI_OPT_VERBOSE	CLI_OPT_VERBOSE_HELP("more detail on stderr")
#define CLI_OPT_QUIET \
	CLI_FLAG('q', "quiet", &cli_common.quiet, \
	    "nothing on stderr but errors")
#define CLI_OPT_JSON \
	CLI_FLAG(0, "json", &cli_common.json, \
	    "one JSON object per line on stdout")

/*
 * The TLS options of every TCP subcommand (the documented socket.ssl):
 * --tls and what it takes, into one struct.  cli_tls_context() checks
 * them against each other and makes the context.
 */
struct cli_tls {
	bool on;		/* --tls */
	struct sk_tls_opts o;	/* --cert, --key, --ca, --sni, --alpn,
				 * --insecure */
};
extern struct cli_tls cli_tls;

#define CLI_OPT_TLS(h) \
	CLI_FLAG(0, "tls", &cli_tls.on, h), \
	CLI_PATH(0, "cert", &cli_tls.o.cert, "FILE", \
	    "TLS: the certificate (chain) to present, PEM"), \
	CLI_PATH(0, "key", &cli_tls.o.key, "FILE", \
	    "TLS: the certificate's private key, PEM"), \
	CLI_PATH(0, "ca", &cli_tls.o.ca, "FILE", \
	    "TLS: trust these CAs (a server: require client " \
	    "certificates)"), \
	CLI_STRING(0, "sni", &cli_tls.o.sni, "NAME", \
	    "TLS: send and verify NAME instead of HOST"), \
	CLI_STRING(0, "alpn", &cli_tls.o.alpn, "LIST", \
	    "TLS: protocols to offer or accept, comma-separated"), \
	CLI_FLAG(0, "insecure", &cli_tls.o.insecure, \
	    "TLS: go on if the certificate fails (still reported)")

/*
 * The TLS context the options ask for, in *out (NULL without --tls):
 * TLS options without --tls, a server without --cert and --key, or
 * client-only options on a server are usage errors.  Returns EXIT_OK or
 * the exit status after reporting (a file that does not load: 6).
 */
int cli_tls_context(bool server, struct sk_tls_ctx **out);

/*
 * The access list of every server (--allow, --deny, and with
 * CLI_OPT_ACL_FILES their -file forms), built as the options come, into
 * cli_acl (NULL when none was given; the command frees it).
 */
extern struct sk_acl *cli_acl;
/* The callback of the ACL options: min 1 allows, max 1 reads a file. */
int cli_acl_option(const struct cli_option *opt, const char *arg);

#define CLI_ACL(name, arg, file, allow, help) \
	CLI_ENTRY(0, name, CLI_KIND_CALL, &cli_acl, arg, help, allow, file, \
	    NULL, cli_acl_option)
#define CLI_OPT_ACL \
	CLI_ACL("allow", "ADDR[/PREFIX]", 0, 1, \
	    "let in only clients from these addresses (repeatable)"), \
	CLI_ACL("deny", "ADDR[/PREFIX]", 0, 0, \
	    "shut out clients from these addresses (repeatable)")
#define CLI_OPT_ACL_FILES \
	CLI_ACL("allow-file", "FILE", 1, 1, \
	    "--allow each ADDR[/PREFIX] line of FILE"), \
	CLI_ACL("deny-file", "FILE", 1, 0, \
	    "--deny each ADDR[/PREFIX] line of FILE")

struct cli_command {
	const char *usage;	/* after "sockit NAME " */
	const char *about;	/* paragraphs for --help, after the usage */
	const struct cli_option *options;
	int (*main)(int argc, char **argv);
};

/* The running subcommand's name ("inet-convert"). */
extern const char *cli_name;

/*
 * Parse the options of the running subcommand into the variables its
 * table names.  --help and --list-options are answered here (exit 0); an
 * unknown option, a missing or bad argument exits 2 with a hint, as does
 * --verbose with --quiet.  Returns the index of the first operand.
 */
int cli_parse(int argc, char **argv);
/* Whether an option that stores into value was given. */
bool cli_given(const void *value);
/* "--name" of the option given last of those that store into value, or
 * NULL when none was. */
const char *cli_given_name(const void *value);

/* Print "sockit NAME: MESSAGE" and the --help hint to stderr; returns
 * EXIT_USAGE for the caller to return. */
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* cli_usage() for an option callback, which returns -1 after it. */
#define cli_usage_fail(...) (cli_usage(__VA_ARGS__), -1)
/* "sockit NAME: WHAT: REASON" on stderr; returns the exit status for the
 * error's kind. */
int cli_fail(const char *what, const struct sk_error *err);
/* Record MESSAGE as the reason of the exit event without printing it:
 * for an error that --json reports on stdout instead of stderr. */
void cli_reason(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The exit status for an error kind. */
int cli_exit_status(enum sk_error_kind kind);
/* "sockit NAME: MESSAGE" on stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A number operand (what: "PORT", "COUNT"): decimal, in [min, max], or
 * a usage error.  Returns 0 or -1. */
int cli_number(const char *what, const char *arg, long long min,
    long long max, long long *out);
/* A port operand (what: "PORT") by the rule of port options: a decimal
 * number 0..65535 or a service name of proto; else a usage error.
 * Returns 0 or -1. */
int cli_port(const char *what, const char *arg, const char *proto,
    struct cli_port *out);
/* A port option of protocol NULL, once the command knows its protocol
 * ("tcp", "udp"): its service name looked up again for that protocol
 * (what: "--port").  Returns 0, or -1 after a usage error. */
int cli_port_proto(const char *what, struct cli_port *p, const char *proto);
/* The callback of CLI_PATH: "--NAME: the path is empty" for ''. */
int cli_path(const struct cli_option *opt, const char *arg);
/* Room for WANT descriptors: the soft RLIMIT_NOFILE raised to WANT, or
 * to the hard limit when that is lower (ULLONG_MAX: to the hard limit).
 * Never lowered; a failure leaves the limit as it was. */
void cli_raise_nofile(unsigned long long want);
/* Quote untrusted text for a message: C-style escapes, cut at 64 bytes. */
const char *cli_quote(const char *text, size_t len, char *buf, size_t size);

/*
 * Messages that name what failed, with a hint where the system's text is
 * not enough.  Each prints "sockit NAME: WHAT: REASON" as cli_fail does,
 * then "sockit NAME: hint: ..." when one applies, and returns the exit
 * status for the error's kind.
 */
/* "sockit NAME: hint: MESSAGE" on stderr. */
void cli_hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* HOST (a name or literal that the user gave) failed; "localhost:50007"
 * is hinted to be two arguments. */
int cli_fail_host(const char *host, const struct sk_error *err);
/* An operation on address a failed: a link-local address without its
 * interface, a broadcast without --broadcast and a multicast group with
 * no route (--interface) are hinted at. */
int cli_fail_addr(const struct sk_addr *a, const struct sk_error *err);
/* Binding (host, port) failed: a name that did not resolve is named as
 * cli_fail_host does, anything else by the tuple ('HOST', PORT), with
 * cli_fail_addr's hints. */
int cli_fail_bind(const char *host, const char *port, int family,
    int socktype, const struct sk_error *err);
/* A raw socket or capture on WHAT failed: without the privilege, the
 * capability that DOING ("capturing") needs is named. */
int cli_fail_raw(const char *what, const char *doing,
    const struct sk_error *err);
/* The hint of cli_fail_addr alone, after a message of the caller's. */
void cli_addr_hint(const struct sk_addr *a, const struct sk_error *err);

#endif /* SOCKIT_CLI_H */
