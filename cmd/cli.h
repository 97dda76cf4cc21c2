/*
 * cli.h - the dispatcher's interface for subcommands: one option table per
 * subcommand, from which getopt_long(3)'s tables, the --help listing and
 * the hidden --list-options are generated; usage errors (exit 2); and the
 * exit status of a library error (CONTRACT section 2), applied here once.
 */
#ifndef SOCKIT_CLI_H
#define SOCKIT_CLI_H

#include <getopt.h>
#include <stdbool.h>

#include "sockit.h"

/* Exit statuses (CONTRACT section 2). */
enum {
	EXIT_OK = 0,
	EXIT_OSERR = 1,
	EXIT_USAGE = 2,
	EXIT_ADDR = 3,
	EXIT_TIMEOUT = 4,
	EXIT_DATA = 5,
	EXIT_TLS = 6
};

/* Values for options that have no short form. */
enum {
	OPT_JSON = 256,
	OPT_LIST_OPTIONS,
	OPT_FIRST_PRIVATE	/* subcommands number their own from here */
};

struct cli_option {
	int val;		/* the short option, or >= 256 for long only */
	const char *name;	/* the long option, always present */
	int has_arg;		/* no_argument or required_argument */
	const char *arg;	/* the argument's name in --help */
	const char *help;	/* one line */
	const char *choices;	/* space-separated values, for completion */
};

/* The options every subcommand spells the same way (CONTRACT section 3). */
#define CLI_OPT_IPV4(help) { '4', "ipv4", no_argument, NULL, help, NULL }
#define CLI_OPT_IPV6(help) { '6', "ipv6", no_argument, NULL, help, NULL }
#define CLI_OPT_TIMEOUT { 'w', "timeout", required_argument, "SECONDS", \
	"give up after SECONDS (0: do not wait)", NULL }
#define CLI_OPT_VERBOSE { 'v', "verbose", no_argument, NULL, \
	"more detail on stderr", NULL }
#define CLI_OPT_QUIET { 'q', "quiet", no_argument, NULL, \
	"nothing on stderr but errors", NULL }
#define CLI_OPT_JSON { OPT_JSON, "json", no_argument, NULL, \
	"one JSON object per line on stdout", NULL }
#define CLI_OPT_END { 0, NULL, 0, NULL, NULL, NULL }

struct cli_command {
	const char *usage;	/* after "sockit NAME " */
	const char *about;	/* paragraphs for --help, after the usage */
	const struct cli_option *options;
	int (*main)(int argc, char **argv);
};

/* The running subcommand's name ("inet-convert"). */
extern const char *cli_name;

/*
 * Parse the options of the running subcommand.  fn is called for each
 * option with its value and argument; it returns 0, or -1 after calling
 * cli_usage().  --help and --list-options are answered here (exit 0); an
 * unknown option or missing argument exits 2 with a hint.  Returns the
 * index of the first operand.
 */
int cli_parse(int argc, char **argv, int (*fn)(void *ctx, int val,
    const char *arg), void *ctx);

/* Print "sockit NAME: MESSAGE" and the --help hint to stderr; returns
 * EXIT_USAGE for the caller to return. */
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "sockit NAME: WHAT: REASON" on stderr; returns the exit status for the
 * error's kind. */
int cli_fail(const char *what, const struct sk_error *err);
/* The exit status for an error kind. */
int cli_exit_status(enum sk_error_kind kind);
/* "sockit NAME: MESSAGE" on stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* An option argument as a number in [min, max], or a usage error
 * naming the option; returns 0 or -1. */
int cli_number(const char *option, const char *arg, long long min,
    long long max, long long *out);
/* A port (a number or a service name of proto, "tcp" or "udp"), or a
 * usage error naming the option; returns 0 or -1. */
int cli_port(const char *option, const char *arg, const char *proto);
/* cli_usage() for an option callback, which returns -1 after it. */
#define cli_usage_fail(...) (cli_usage(__VA_ARGS__), -1)
/* An option argument as seconds (sk_parse_seconds), or a usage error
 * naming the option; returns 0 or -1. */
int cli_seconds(const char *option, const char *arg, double *out);
/* Quote untrusted text for a message: C-style escapes, cut at 64 bytes. */
const char *cli_quote(const char *text, size_t len, char *buf, size_t size);

#endif /* SOCKIT_CLI_H */
