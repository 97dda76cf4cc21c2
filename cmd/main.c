/*
 * main.c - the sockit dispatcher: one binary, many subcommands (as busybox
 * and toybox do).  `sockit SUB ...`, or a link named SUB or sockit-SUB.
 * Answers --help, help SUB, --version and the hidden --list-commands; owns
 * option parsing (getopt_long(3)) and the mapping from library error kinds
 * to exit statuses, so that every subcommand behaves the same.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	    "sockit(1).\n");
}

/* "-4, --ipv4" or "    --json", with "=ARG" when it takes one. */
static void
option_label(const struct cli_option *o, char *buf, size_t size)
{
	char shortform[8] = "    ";

	if (o->val > 0 && o->val < 256)
		(void)snprintf(shortform, sizeof(shortform), "-%c, ", o->val);
	(void)snprintf(buf, size, "%s--%s%s%s", shortform, o->name,
	    o->arg != NULL ? "=" : "", o->arg != NULL ? o->arg : "");
}

static void
command_help(const struct command *c, FILE *fp)
{
	const struct cli_option *o;
	char label[64];

	fprintf(fp, "usage: sockit %s %s\n\n%s\n\n%s\n\nOptions:\n", c->name,
	    c->spec->usage, c->summary, c->spec->about);
	for (o = c->spec->options; o->name != NULL; o++) {
		option_label(o, label, sizeof(label));
		fprintf(fp, "  %-24s %s\n", label, o->help);
	}
	option_label(&(struct cli_option){ 'h', "help", no_argument, NULL,
	    NULL, NULL }, label, sizeof(label));
	fprintf(fp, "  %-24s %s\n\nSee sockit-%s(1).\n", label,
	    "show this help and exit", c->name);
}

/* For completions and tests: long\tshort\targ\tchoices\thelp per line. */
static void
list_options(const struct command *c)
{
	const struct cli_option *o;

	for (o = c->spec->options; o->name != NULL; o++) {
		char shortform[4] = "";

		if (o->val > 0 && o->val < 256)
			(void)snprintf(shortform, sizeof(shortform), "-%c",
			    o->val);
		printf("--%s\t%s\t%s\t%s\t%s\n", o->name, shortform,
		    o->arg != NULL ? o->arg : "",
		    o->choices != NULL ? o->choices : "", o->help);
	}
	printf("--help\t-h\t\t\tshow this help and exit\n");
}

void
cli_warn(const char *fmt, ...)
{
	va_list ap;

	(void)fflush(stdout);
	fprintf(stderr, "%s: ", getprogname());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
cli_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", getprogname());
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'sockit %s --help' for more information.\n",
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
cli_number(const char *option, const char *arg, long long min, long long max,
    long long *out)
{
	struct sk_error err;
	char q[96];

	if (sk_parse_integer(arg, min, max, out, &err) == 0)
		return 0;
	(void)cli_usage("%s: %s: %s", option,
	    cli_quote(arg, strlen(arg), q, sizeof(q)), err.message);
	return -1;
}

int
cli_port(const char *option, const char *arg, const char *proto)
{
	struct sk_error err;
	unsigned int port;
	char q[96];

	if (sk_parse_port(arg, proto, &port, &err) == 0)
		return 0;
	(void)cli_usage("%s: %s: %s", option,
	    cli_quote(arg, strlen(arg), q, sizeof(q)), err.message);
	return -1;
}

int
cli_seconds(const char *option, const char *arg, double *out)
{
	struct sk_error err;
	char q[96];

	if (sk_parse_seconds(arg, out, &err) == 0)
		return 0;
	(void)cli_usage("%s: %s: %s", option,
	    cli_quote(arg, strlen(arg), q, sizeof(q)), err.message);
	return -1;
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

int
cli_parse(int argc, char **argv, int (*fn)(void *, int, const char *),
    void *ctx)
{
	const struct cli_option *opts = running->spec->options, *o;
	struct option longopts[64];
	char shortopts[128];
	size_t n = 0, s = 0;
	int c;

	for (o = opts; o->name != NULL && n < 60; o++) {
		longopts[n++] = (struct option){ o->name, o->has_arg, NULL,
		    o->val };
		if (o->val > 0 && o->val < 256 && s + 3 < sizeof(shortopts)) {
			shortopts[s++] = (char)o->val;
			if (o->has_arg == required_argument)
				shortopts[s++] = ':';
		}
	}
	longopts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	longopts[n++] = (struct option){ "list-options", no_argument, NULL,
	    OPT_LIST_OPTIONS };
	longopts[n] = (struct option){ NULL, 0, NULL, 0 };
	shortopts[s++] = 'h';
	shortopts[s] = '\0';

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		char q[96];

		switch (c) {
		case 'h':
			command_help(running, stdout);
			exit(fflush(stdout) == 0 ? EXIT_OK : EXIT_OSERR);
		case OPT_LIST_OPTIONS:
			list_options(running);
			exit(fflush(stdout) == 0 ? EXIT_OK : EXIT_OSERR);
		case '?':
			if (strncmp(argv[optind - 1], "--", 2) == 0 &&
			    optopt != 0) {
				for (o = opts; o->name != NULL; o++)
					if (o->val == optopt)
						exit(cli_usage("option '--%s' "
						    "requires an argument",
						    o->name));
			}
			/* The option character quoted: it may be any byte,
			 * ESC included. */
			if (optopt > 0 && optopt < 256) {
				char oc = (char)optopt;

				(void)cli_quote(&oc, 1, q, sizeof(q));
			}
			if (optopt > 0 && optopt < 256 &&
			    strchr(shortopts, optopt) != NULL)
				exit(cli_usage("option requires an argument "
				    "-- %s", q));
			if (optopt > 0 && optopt < 256)
				exit(cli_usage("invalid option -- %s", q));
			exit(cli_usage("unrecognized option %s",
			    cli_quote(argv[optind - 1],
			    strlen(argv[optind - 1]), q, sizeof(q))));
		default:
			if (fn(ctx, c, optarg) == -1)
				exit(EXIT_USAGE);
		}
	}
	return optind;
}

/* Finish stdout: a full disk or closed pipe is an error, quietly so for
 * EPIPE (the reader went away, as for `sockit ... | head`). */
static int
finish(int status)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		if (errno != EPIPE)
			fprintf(stderr, "%s: write error: %s\n", getprogname(),
			    strerror(errno));
		return status == EXIT_OK ? EXIT_OSERR : status;
	}
	return status;
}

static int
run(const struct command *c, int argc, char **argv)
{
	running = c;
	cli_name = c->name;
	(void)snprintf(progname, sizeof(progname), "sockit %s", c->name);
	setprogname(progname);
	/* Human output is line-buffered even into a pipe (CONTRACT 3). */
	(void)setvbuf(stdout, NULL, _IOLBF, 0);
	return finish(c->spec->main(argc, argv));
}

int
main(int argc, char **argv)
{
	const struct command *c;
	const char *base, *arg;
	char q[96];

	(void)signal(SIGPIPE, SIG_IGN);
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
		if (strcmp(arg, "help") == 0 && argc > 2) {
			if ((c = find_command(argv[2])) == NULL) {
				fprintf(stderr, "sockit: %s is not a sockit "
				    "command\nTry 'sockit --help' for the list."
				    "\n", cli_quote(argv[2], strlen(argv[2]),
				    q, sizeof(q)));
				return EXIT_USAGE;
			}
			command_help(c, stdout);
		} else
			list_commands(stdout);
		return finish(EXIT_OK);
	}
	if (strcmp(arg, "--version") == 0) {
		printf("sockit %s\n", SK_VERSION);
		return finish(EXIT_OK);
	}
	if (strcmp(arg, "--list-commands") == 0) {
		for (size_t i = 0; i < NCOMMANDS; i++)
			printf("%s\t%s\n", commands[i].name,
			    commands[i].summary);
		return finish(EXIT_OK);
	}
	if ((c = find_command(arg)) != NULL)
		return run(c, argc - 1, argv + 1);
	if (arg[0] == '-')
		fprintf(stderr, "sockit: unrecognized option %s\n",
		    cli_quote(arg, strlen(arg), q, sizeof(q)));
	else
		fprintf(stderr, "sockit: %s is not a sockit command\n",
		    cli_quote(arg, strlen(arg), q, sizeof(q)));
	fprintf(stderr, "Try 'sockit --help' for the list of commands.\n");
	return EXIT_USAGE;
}
