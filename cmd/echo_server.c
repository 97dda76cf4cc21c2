/*
 * echo_server.c - sockit echo-server: the reference's echo server
 * ("Echo server program"), made real.  It listens on HOST '' and PORT
 * 50007 as the reference does, on IPv4 and IPv6 both (as the reference
 * says it should), prints "Connected by ADDR" for each client and sends
 * every byte back; many clients at once, or exactly one with --once as in
 * the example.  The serving is libsockit's (sk_echo_server, lib/event/echo.c);
 * this file parses options and prints the server's events.
 */
#include <sys/resource.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

enum {
	OPT_ONCE = OPT_FIRST_PRIVATE, OPT_MAX_CONNS, OPT_IDLE_TIMEOUT,
	OPT_UNIX, OPT_WORKERS, OPT_NO_SPLICE, OPT_ALLOW, OPT_DENY,
	OPT_ALLOW_FILE, OPT_DENY_FILE
};

static const struct cli_option options[] = {
	CLI_OPT_IPV4("listen on IPv4 only"),
	CLI_OPT_IPV6("listen on IPv6 only"),
	{ 'b', "bind", required_argument, "HOST",
	    "listen on HOST's addresses (default '': all interfaces)", NULL },
	{ 'p', "port", required_argument, "PORT",
	    "listen on PORT (default 50007; 0: any free port)", NULL },
	{ OPT_ONCE, "once", no_argument, NULL,
	    "serve exactly one client, then exit, as the reference does",
	    NULL },
	{ OPT_MAX_CONNS, "max-conns", required_argument, "N",
	    "serve at most N clients at once; more are reset at once "
	    "(default 16384)", NULL },
	{ OPT_IDLE_TIMEOUT, "idle-timeout", required_argument, "SECONDS",
	    "close a connection idle for SECONDS", NULL },
	{ OPT_UNIX, "unix", required_argument, "PATH",
	    "listen on a stream AF_UNIX socket at PATH instead", NULL },
	{ OPT_WORKERS, "workers", required_argument, "N",
	    "N threads sharing the port (SO_REUSEPORT; default 1)", NULL },
	{ OPT_NO_SPLICE, "no-splice", no_argument, NULL,
	    "copy through a buffer instead of splice(2)", NULL },
	{ OPT_ALLOW, "allow", required_argument, "ADDR[/PREFIX]",
	    "let in only clients from these addresses (repeatable)", NULL },
	{ OPT_DENY, "deny", required_argument, "ADDR[/PREFIX]",
	    "shut out clients from these addresses (repeatable)", NULL },
	{ OPT_ALLOW_FILE, "allow-file", required_argument, "FILE",
	    "--allow each ADDR[/PREFIX] line of FILE", NULL },
	{ OPT_DENY_FILE, "deny-file", required_argument, "FILE",
	    "--deny each ADDR[/PREFIX] line of FILE", NULL },
	CLI_OPT_VERBOSE,
	CLI_OPT_QUIET,
	CLI_OPT_JSON,
	CLI_OPT_END
};

static int main_echo_server(int, char **);

const struct cli_command cmd_echo_server = {
	"[-4|-6] [-b HOST] [-p PORT] [--once] [--max-conns N]\n"
	"    [--idle-timeout SECONDS] [--unix PATH] [--workers N] [OPTION]...",
	"Listen on HOST and PORT ('' and 50007 by default: every interface,\n"
	"IPv4 and IPv6 both) and send back every byte each client sends; when\n"
	"a client shuts down its side, the rest is sent back and the\n"
	"connection closed.  Prints 'Listening on ADDR' on stderr for each\n"
	"socket, 'Connected by ADDR' on stdout for each client, and a summary\n"
	"on stderr at the end.  SIGINT or SIGTERM stops it (exit 0).",
	options,
	main_echo_server
};

struct opts {
	struct sk_echo_config cfg;
	bool v4, v6, port_given, host_given;
	bool verbose, quiet, json;
	long long max_conns, workers;
	struct sk_acl *acl;
};

/* --allow, --deny and their -file forms. */
static int
acl_option(struct opts *o, int val, const char *arg)
{
	static const char *const names[] = { "--allow", "--deny",
	    "--allow-file", "--deny-file" };
	const char *name = names[val - OPT_ALLOW];
	bool allow = val == OPT_ALLOW || val == OPT_ALLOW_FILE;
	struct sk_error err;
	size_t line;
	char q[96];

	if (o->acl == NULL && (o->acl = sk_acl_new(&err)) == NULL)
		return cli_usage_fail("%s: %s", name, err.message);
	if (val == OPT_ALLOW || val == OPT_DENY) {
		if (sk_acl_add(o->acl, arg, allow, &err) == -1)
			return cli_usage_fail("%s: %s: %s", name, cli_quote(arg,
			    strlen(arg), q, sizeof(q)), err.message);
		return 0;
	}
	if (sk_acl_load(o->acl, arg, allow, &line, &err) == -1) {
		if (line > 0)
			return cli_usage_fail("%s: %s: line %zu: %s", name,
			    cli_quote(arg, strlen(arg), q, sizeof(q)), line,
			    err.message);
		return cli_usage_fail("%s: %s: %s", name, cli_quote(arg,
		    strlen(arg), q, sizeof(q)), err.message);
	}
	return 0;
}

static int
on_option(void *ctx, int val, const char *arg)
{
	struct opts *o = ctx;

	switch (val) {
	case '4':
		o->v4 = true;
		break;
	case '6':
		o->v6 = true;
		break;
	case 'b':
		o->cfg.host = arg;
		o->host_given = true;
		break;
	case 'p':
		if (cli_port("--port", arg, "tcp") == -1)
			return -1;
		o->cfg.port = arg;
		o->port_given = true;
		break;
	case OPT_ONCE:
		o->cfg.once = true;
		break;
	case OPT_MAX_CONNS:
		if (cli_number("--max-conns", arg, 1, 1000000,
		    &o->max_conns) == -1)
			return -1;
		o->cfg.max_conns = (unsigned int)o->max_conns;
		break;
	case OPT_IDLE_TIMEOUT:
		if (cli_seconds("--idle-timeout", arg,
		    &o->cfg.idle_timeout) == -1)
			return -1;
		if (o->cfg.idle_timeout <= 0)
			return cli_usage_fail("--idle-timeout: must be more "
			    "than 0 seconds");
		break;
	case OPT_UNIX:
		if (arg[0] == '\0')
			return cli_usage_fail("--unix: the path is empty");
		o->cfg.unix_path = arg;
		break;
	case OPT_WORKERS:
		if (cli_number("--workers", arg, 1, SK_ECHO_WORKERS_MAX,
		    &o->workers) == -1)
			return -1;
		o->cfg.workers = (unsigned int)o->workers;
		break;
	case OPT_NO_SPLICE:
		o->cfg.no_splice = true;
		break;
	case OPT_ALLOW:
	case OPT_DENY:
	case OPT_ALLOW_FILE:
	case OPT_DENY_FILE:
		return acl_option(o, val, arg);
	case 'v':
		o->verbose = true;
		break;
	case 'q':
		o->quiet = true;
		break;
	case OPT_JSON:
		o->json = true;
		break;
	default:
		return -1;
	}
	return 0;
}

static int
validate(struct opts *o, int nargs)
{
	if (nargs > 0)
		return cli_usage("unexpected argument; use -b HOST, -p PORT");
	if (o->v4 && o->v6)
		return cli_usage("cannot use -4 with -6");
	if (o->verbose && o->quiet)
		return cli_usage("cannot use --verbose with --quiet");
	if (o->cfg.unix_path != NULL && (o->v4 || o->v6 || o->host_given ||
	    o->port_given))
		return cli_usage("cannot use --unix with %s", o->v4 ? "-4" :
		    o->v6 ? "-6" : o->host_given ? "--bind" : "--port");
	if (o->cfg.unix_path != NULL && o->acl != NULL)
		return cli_usage("cannot use --unix with access rules: they "
		    "match IP addresses");
	if (o->cfg.once && (o->cfg.workers > 1 || o->max_conns > 0))
		return cli_usage("cannot use --once with %s",
		    o->cfg.workers > 1 ? "--workers" : "--max-conns");
	o->cfg.family = o->v4 ? AF_INET : o->v6 ? AF_INET6 : AF_UNSPEC;
	if (o->cfg.port == NULL)
		o->cfg.port = "50007";
	return EXIT_OK;
}

/* stdout goes through a queue, so that the server never waits on a
 * reader of its output: lines it cannot hold are counted instead. */
static struct sk_outq *out;

static void
print_json(struct sk_json *j)
{
	if (sk_json_end(j) == 0)
		(void)sk_outq_put(out, j->buf.data, j->buf.len);
}

static void
on_event(const struct sk_echo_info *ev, void *data)
{
	const struct opts *o = data;
	char addr[SK_ADDRSTRLEN];
	struct sk_json j = { 0 };
	unsigned int max = o->cfg.max_conns ? o->cfg.max_conns :
	    SK_ECHO_MAX_CONNS;

	if (ev->addr != NULL)
		(void)sk_addr_format(ev->addr, addr, sizeof(addr));
	if (o->json && ev->event == SK_ECHO_TLS) {
		sk_event_begin(&j, "tls");
		sk_json_addr(&j, "peer", ev->addr);
		sk_tls_info_json(&j, ev->tls);
		print_json(&j);
		sk_json_free(&j);
	} else if (o->json && ev->event != SK_ECHO_WARNING) {
		static const char *const names[] = { "listening", "connected",
		    "closed", "refused", "closed", "warning", "denied" };

		sk_json_begin(&j);
		sk_json_str(&j, "event", names[ev->event]);
		sk_json_addr(&j, ev->event == SK_ECHO_LISTENING ? "address" :
		    "peer", ev->addr);
		if (ev->event == SK_ECHO_CLOSED || ev->event == SK_ECHO_IDLE)
			sk_json_uint(&j, "bytes", ev->bytes);
		if (ev->event == SK_ECHO_IDLE)
			sk_json_str(&j, "reason", "idle");
		if (ev->event == SK_ECHO_REFUSED)
			sk_json_str(&j, "reason", "max-conns");
		if (ev->error != NULL)
			sk_json_str(&j, "error", ev->error->message);
		print_json(&j);
		sk_json_free(&j);
	}
	switch (ev->event) {
	case SK_ECHO_LISTENING:
		if (!o->json && !o->quiet)
			(void)fprintf(stderr, "Listening on %s\n", addr);
		break;
	case SK_ECHO_CONNECTED:
		if (!o->json) {
			char line[SK_ADDRSTRLEN + 16];
			int n = snprintf(line, sizeof(line),
			    "Connected by %s\n", addr);

			(void)sk_outq_put(out, line, (size_t)n < sizeof(line) ?
			    (size_t)n : sizeof(line) - 1);
		}
		break;
	case SK_ECHO_CLOSED:
	case SK_ECHO_IDLE:
		if (ev->error != NULL && !o->quiet)
			cli_warn("%s: %s", addr, ev->error->message);
		else if (o->verbose)
			(void)fprintf(stderr, "Closed %s: %llu bytes%s\n",
			    addr, ev->bytes, ev->event == SK_ECHO_IDLE ?
			    " (idle)" : "");
		break;
	case SK_ECHO_REFUSED:
		if (!o->quiet)
			cli_warn("%s: refused: at the limit of %u "
			    "connection%s (--max-conns)", addr, max,
			    max == 1 ? "" : "s");
		break;
	case SK_ECHO_DENIED:
		if (!o->quiet)
			cli_warn("%s: denied by the access rules", addr);
		break;
	case SK_ECHO_WARNING:
		if (!o->quiet)
			cli_warn("accept: %s (paused for a moment)",
			    ev->error->message);
		break;
	case SK_ECHO_TLS:
		if (o->verbose && !o->json)
			(void)fprintf(stderr, "TLS with %s: %s %s\n", addr,
			    ev->tls->version, ev->tls->cipher);
		break;
	}
}

/* Room for many connections: the soft descriptor limit up to the hard. */
static void
raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int
main_echo_server(int argc, char **argv)
{
	struct opts o = { 0 };
	struct sk_echo_server *srv;
	struct sk_echo_stats st;
	struct sk_error err;
	sigset_t stop;
	char what[128], q[96];
	unsigned long long dropped = 0;
	int first, status;

	first = cli_parse(argc, argv, on_option, &o);
	if ((status = validate(&o, argc - first)) != EXIT_OK) {
		sk_acl_free(o.acl);
		return status;
	}
	o.cfg.acl = o.acl;

	raise_nofile();
	(void)fflush(stdout);
	if ((out = sk_outq_new(STDOUT_FILENO, 0, &err)) == NULL) {
		sk_acl_free(o.acl);
		return cli_fail("stdout", &err);
	}
	(void)sigemptyset(&stop);
	(void)sigaddset(&stop, SIGINT);
	(void)sigaddset(&stop, SIGTERM);
	(void)sigprocmask(SIG_BLOCK, &stop, NULL);
	o.cfg.stop_signals = &stop;
	o.cfg.on_event = on_event;
	o.cfg.data = &o;
	if ((srv = sk_echo_server_new(&o.cfg, &err)) == NULL) {
		if (o.cfg.unix_path != NULL)
			(void)snprintf(what, sizeof(what), "%s", cli_quote(
			    o.cfg.unix_path, strlen(o.cfg.unix_path), q,
			    sizeof(q)));
		else
			(void)snprintf(what, sizeof(what), "%s port %s",
			    o.cfg.host != NULL && o.cfg.host[0] != '\0' ?
			    o.cfg.host : "''", o.cfg.port);
		sk_acl_free(o.acl);
		(void)sk_outq_close(out, 1, NULL, NULL);
		return cli_fail(what, &err);
	}
	status = EXIT_OK;
	if (sk_echo_server_run(srv, &err) == -1)
		status = cli_fail("event loop", &err);
	sk_echo_server_stats(srv, &st);
	sk_echo_server_free(srv);
	sk_acl_free(o.acl);
	/* What is still queued gets a moment to go out, no more. */
	if (sk_outq_close(out, 1, &dropped, &err) == -1 &&
	    err.kind != SK_ERR_TIMEOUT && err.code != EPIPE &&
	    status == EXIT_OK)
		status = cli_fail("stdout", &err);
	if (dropped > 0 && !o.quiet)
		cli_warn("stdout: %llu line%s not written: nobody read them",
		    dropped, dropped == 1 ? "" : "s");
	if (!o.quiet) {
		(void)fprintf(stderr, "%llu connection%s, %llu bytes echoed",
		    st.connections, st.connections == 1 ? "" : "s", st.bytes);
		if (st.refused > 0)
			(void)fprintf(stderr, ", %llu refused", st.refused);
		if (st.denied > 0)
			(void)fprintf(stderr, ", %llu denied", st.denied);
		if (st.idle > 0)
			(void)fprintf(stderr, ", %llu closed idle", st.idle);
		(void)fputc('\n', stderr);
	}
	return status;
}
