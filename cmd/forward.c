/*
 * forward.c - sockit forward: a port forwarder.  It listens as echo-server
 * does and connects each client to HOST PORT, relaying both ways at once
 * until both directions ended, with half-closes and resets travelling
 * through; an upstream that refuses or does not answer gets the client
 * reset, and the forwarder goes on.  -u forwards UDP.  The forwarding is
 * libsockit's (sk_forward, lib/event/forward.c); this file parses options
 * and reports the connections' lives: lines on stderr, or the events of
 * the connection schema with --json or --events FILE.
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
	OPT_MAX_CONNS = OPT_FIRST_PRIVATE, OPT_IDLE_TIMEOUT, OPT_ALLOW,
	OPT_DENY, OPT_EVENTS, OPT_DRAIN, OPT_NO_SPLICE
};

static const struct cli_option options[] = {
	CLI_OPT_IPV4("listen and connect over IPv4 only"),
	CLI_OPT_IPV6("listen and connect over IPv6 only"),
	{ 'b', "bind", required_argument, "HOST",
	    "listen on HOST's addresses (default '': all interfaces)", NULL },
	{ 'p', "port", required_argument, "PORT",
	    "listen on PORT (required; 0: any free port)", NULL },
	{ 'u', "udp", no_argument, NULL,
	    "forward UDP datagrams instead of TCP connections", NULL },
	{ 'w', "timeout", required_argument, "SECONDS",
	    "give up connecting upstream after SECONDS per address", NULL },
	{ OPT_MAX_CONNS, "max-conns", required_argument, "N",
	    "forward at most N connections at once; more are reset", NULL },
	{ OPT_IDLE_TIMEOUT, "idle-timeout", required_argument, "SECONDS",
	    "close a connection (UDP: forget a client) idle for SECONDS",
	    NULL },
	{ OPT_ALLOW, "allow", required_argument, "ADDR[/PREFIX]",
	    "let in only clients from these addresses (repeatable)", NULL },
	{ OPT_DENY, "deny", required_argument, "ADDR[/PREFIX]",
	    "shut out clients from these addresses (repeatable)", NULL },
	{ OPT_DRAIN, "drain", required_argument, "SECONDS",
	    "on SIGINT/SIGTERM, let connections finish for SECONDS "
	    "(default 5)", NULL },
	{ OPT_NO_SPLICE, "no-splice", no_argument, NULL,
	    "copy through a buffer instead of splice(2)", NULL },
	{ OPT_EVENTS, "events", required_argument, "FILE",
	    "write the connections' events as JSON Lines to FILE", NULL },
	CLI_OPT_VERBOSE,
	CLI_OPT_QUIET,
	CLI_OPT_JSON,
	CLI_OPT_END
};

static int main_forward(int, char **);

const struct cli_command cmd_forward = {
	"[-46] [-b HOST] -p PORT [-u] [-w SECONDS] [--max-conns N]\n"
	"    [--idle-timeout SECONDS] [--allow ADDR]... [--deny ADDR]...\n"
	"    [--drain SECONDS] [--events FILE | --json] HOST PORT",
	"Listen on -b HOST and -p PORT (every interface, IPv4 and IPv6 both,\n"
	"by default) and forward each client to HOST PORT, trying each of\n"
	"its addresses in order; bytes go both ways at once until both\n"
	"directions ended, a half-close or a reset travels through.  An\n"
	"upstream that refuses or does not answer gets the client reset.\n"
	"Prints 'Listening on ADDR' on stderr for each socket.  SIGINT or\n"
	"SIGTERM stops accepting and lets open connections finish (exit 0).",
	options,
	main_forward
};

struct opts {
	struct sk_forward_config cfg;
	bool v4, v6, port_given;
	bool verbose, quiet, json;
	const char *events_path;
	long long max_conns;
	struct sk_acl *acl;
	struct sk_events ev;
	unsigned long long conns, failed, refused, denied;
	uint64_t bytes_in, bytes_out;
};

static int
acl_option(struct opts *o, int val, const char *arg)
{
	const char *name = val == OPT_ALLOW ? "--allow" : "--deny";
	struct sk_error err;
	char q[96];

	if (o->acl == NULL && (o->acl = sk_acl_new(&err)) == NULL)
		return cli_usage_fail("%s: %s", name, err.message);
	if (sk_acl_add(o->acl, arg, val == OPT_ALLOW, &err) == -1)
		return cli_usage_fail("%s: %s: %s", name, cli_quote(arg,
		    strlen(arg), q, sizeof(q)), err.message);
	return 0;
}

static int
positive_seconds(const char *name, const char *arg, double *out)
{
	if (cli_seconds(name, arg, out) == -1)
		return -1;
	if (*out <= 0)
		return cli_usage_fail("%s: must be more than 0 seconds", name);
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
		break;
	case 'p':
		if (cli_port("--port", arg, o->cfg.udp ? "udp" : "tcp") == -1)
			return -1;
		o->cfg.port = arg;
		o->port_given = true;
		break;
	case 'u':
		o->cfg.udp = true;
		break;
	case 'w':
		return positive_seconds("--timeout", arg,
		    &o->cfg.connect_timeout);
	case OPT_MAX_CONNS:
		if (cli_number("--max-conns", arg, 1, 1000000,
		    &o->max_conns) == -1)
			return -1;
		o->cfg.max_conns = (unsigned int)o->max_conns;
		break;
	case OPT_IDLE_TIMEOUT:
		return positive_seconds("--idle-timeout", arg,
		    &o->cfg.idle_timeout);
	case OPT_ALLOW:
	case OPT_DENY:
		return acl_option(o, val, arg);
	case OPT_DRAIN:
		if (cli_seconds("--drain", arg, &o->cfg.drain) == -1)
			return -1;
		break;
	case OPT_NO_SPLICE:
		o->cfg.no_splice = true;
		break;
	case OPT_EVENTS:
		if (arg[0] == '\0')
			return cli_usage_fail("--events: the path is empty");
		o->events_path = arg;
		break;
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
validate(struct opts *o, int nargs, char **args)
{
	if (nargs != 2)
		return cli_usage(nargs < 2 ? "expected HOST and PORT to "
		    "forward to" : "too many arguments; expected HOST PORT");
	if (!o->port_given)
		return cli_usage("-p PORT is required: the port to listen on");
	if (o->v4 && o->v6)
		return cli_usage("cannot use -4 with -6");
	if (o->verbose && o->quiet)
		return cli_usage("cannot use --verbose with --quiet");
	if (o->json && o->events_path != NULL)
		return cli_usage("cannot use --json with --events");
	if (o->cfg.udp && o->cfg.connect_timeout > 0)
		return cli_usage("cannot use --timeout with --udp: a datagram "
		    "has no connection to wait for");
	if (cli_port("PORT", args[1], o->cfg.udp ? "udp" : "tcp") == -1)
		return EXIT_USAGE;
	o->cfg.to_host = args[0];
	o->cfg.to_port = args[1];
	o->cfg.family = o->v4 ? AF_INET : o->v6 ? AF_INET6 : AF_UNSPEC;
	o->cfg.to_family = o->cfg.family;
	return EXIT_OK;
}

static const char *
fmt(const struct sk_addr *a, char *buf, size_t size)
{
	if (a == NULL)
		(void)snprintf(buf, size, "?");
	else
		(void)sk_addr_format(a, buf, size);
	return buf;
}

/* The schema's events, with the client named where the schema's own
 * event has no room for it (many connections share one stream). */
static void
json_event(struct opts *o, const struct sk_forward_info *in)
{
	struct sk_json j;

	switch (in->event) {
	case SK_FORWARD_LISTENING:
		sk_event_begin(&j, "listening");
		sk_json_addr(&j, "address", in->addr);
		break;
	case SK_FORWARD_CONNECT:
		sk_event_begin(&j, "connect");
		sk_json_addr(&j, "peer", in->addr);
		sk_json_addr(&j, "address", in->upstream);
		sk_json_int(&j, "attempt", in->attempt);
		sk_json_str(&j, "result", sk_connect_result(in->code));
		if (in->code != 0)
			sk_json_str(&j, "errno", sk_errno_name(in->code));
		sk_json_double(&j, "ms", in->ms);
		break;
	case SK_FORWARD_CONNECTED:
		(void)sk_event_connected(&o->ev, in->local, in->addr, -1,
		    NULL);
		return;
	case SK_FORWARD_EOF:
		sk_event_begin(&j, "eof");
		sk_json_addr(&j, "peer", in->addr);
		sk_json_str(&j, "side", sk_side_name(in->side));
		sk_json_uint(&j, "bytes", in->bytes);
		break;
	case SK_FORWARD_CLOSED:
		(void)sk_event_closed(&o->ev, in->closed, NULL);
		return;
	case SK_FORWARD_DENIED:
	case SK_FORWARD_REFUSED:
		sk_event_begin(&j, in->event == SK_FORWARD_DENIED ? "denied" :
		    "refused");
		sk_json_addr(&j, "peer", in->addr);
		break;
	default:
		return;
	}
	(void)sk_event_emit(&o->ev, &j, NULL);
}

static void
on_event(const struct sk_forward_info *in, void *data)
{
	struct opts *o = data;
	char a[SK_ADDRSTRLEN], u[SK_ADDRSTRLEN];

	json_event(o, in);
	switch (in->event) {
	case SK_FORWARD_LISTENING:
		if (!o->json && !o->quiet)
			(void)fprintf(stderr, "Listening on %s\n",
			    fmt(in->addr, a, sizeof(a)));
		break;
	case SK_FORWARD_CONNECT:
		if (in->code != 0 && !o->quiet)
			cli_warn("%s: upstream %s: %s", fmt(in->addr, a,
			    sizeof(a)), fmt(in->upstream, u, sizeof(u)),
			    strerror(in->code));
		break;
	case SK_FORWARD_UPSTREAM_FAILED:
		o->failed++;
		if (!o->quiet)
			cli_warn("%s: no upstream connection: client reset",
			    fmt(in->addr, a, sizeof(a)));
		break;
	case SK_FORWARD_CONNECTED:
		o->conns++;
		if (o->verbose)
			(void)fprintf(stderr, "Connected by %s\n",
			    fmt(in->addr, a, sizeof(a)));
		break;
	case SK_FORWARD_ACCEPTED:
		if (o->cfg.udp) {
			o->conns++;
			if (o->verbose)
				(void)fprintf(stderr, "Datagrams from %s\n",
				    fmt(in->addr, a, sizeof(a)));
		}
		break;
	case SK_FORWARD_CLOSED:
		o->bytes_in += in->closed->bytes_in;
		o->bytes_out += in->closed->bytes_out;
		if (o->verbose)
			(void)fprintf(stderr, "Closed %s: %s by %s, %llu bytes "
			    "in, %llu out\n", fmt(in->addr, a, sizeof(a)),
			    sk_close_how_name(in->closed->how),
			    in->closed->by == SK_SIDE_PEER ? "the client" :
			    "upstream",
			    (unsigned long long)in->closed->bytes_in,
			    (unsigned long long)in->closed->bytes_out);
		break;
	case SK_FORWARD_REFUSED:
		o->refused++;
		if (!o->quiet)
			cli_warn("%s: refused: at the limit of --max-conns",
			    fmt(in->addr, a, sizeof(a)));
		break;
	case SK_FORWARD_DENIED:
		o->denied++;
		if (!o->quiet)
			cli_warn("%s: denied by the access rules",
			    fmt(in->addr, a, sizeof(a)));
		break;
	case SK_FORWARD_FORGOTTEN:
		if (o->verbose)
			(void)fprintf(stderr, "Forgot %s (idle)\n",
			    fmt(in->addr, a, sizeof(a)));
		break;
	case SK_FORWARD_DRAINING:
		if (o->verbose)
			(void)fprintf(stderr, "Stopping: draining\n");
		break;
	case SK_FORWARD_WARNING:
		if (!o->quiet && in->error != NULL)
			cli_warn("accept: %s", in->error->message);
		break;
	case SK_FORWARD_EOF:
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
main_forward(int argc, char **argv)
{
	struct opts o = { .cfg = { .drain = 5 } };
	struct sk_forward *f;
	struct sk_error err;
	sigset_t stop;
	char what[160], q[96];
	int first, status;

	first = cli_parse(argc, argv, on_option, &o);
	if ((status = validate(&o, argc - first, argv + first)) != EXIT_OK) {
		sk_acl_free(o.acl);
		return status;
	}
	o.cfg.acl = o.acl;
	sk_events_init(&o.ev);
	if (o.json) {
		sk_events_use_fd(&o.ev, STDOUT_FILENO);
	} else if (o.events_path != NULL &&
	    sk_events_open(&o.ev, o.events_path, &err) == -1) {
		sk_acl_free(o.acl);
		return cli_fail(cli_quote(o.events_path,
		    strlen(o.events_path), q, sizeof(q)), &err);
	}
	raise_nofile();
	(void)sigemptyset(&stop);
	(void)sigaddset(&stop, SIGINT);
	(void)sigaddset(&stop, SIGTERM);
	(void)sigprocmask(SIG_BLOCK, &stop, NULL);
	o.cfg.stop_signals = &stop;
	o.cfg.on_event = on_event;
	o.cfg.data = &o;
	if ((f = sk_forward_new(&o.cfg, &err)) == NULL) {
		(void)snprintf(what, sizeof(what), "%s port %s or %s port %s",
		    o.cfg.host != NULL && o.cfg.host[0] != '\0' ? o.cfg.host :
		    "''", o.cfg.port, o.cfg.to_host, o.cfg.to_port);
		if (err.kind == SK_ERR_GAIERROR)
			(void)snprintf(what, sizeof(what), "%s", cli_quote(
			    o.cfg.to_host, strlen(o.cfg.to_host), q,
			    sizeof(q)));
		status = cli_fail(what, &err);
		(void)sk_event_exit(&o.ev, status, err.message, NULL);
		sk_events_close(&o.ev);
		sk_acl_free(o.acl);
		return status;
	}
	status = EXIT_OK;
	if (sk_forward_run(f, &err) == -1)
		status = cli_fail("event loop", &err);
	sk_forward_free(f);
	sk_acl_free(o.acl);
	if (!o.quiet && !o.json)
		(void)fprintf(stderr, "%llu connection%s, %llu bytes from "
		    "clients, %llu to them, %llu without upstream, %llu "
		    "refused, %llu denied\n", o.conns, o.conns == 1 ? "" : "s",
		    (unsigned long long)o.bytes_in,
		    (unsigned long long)o.bytes_out, o.failed, o.refused,
		    o.denied);
	(void)sk_event_exit(&o.ev, status, status == EXIT_OK ? "stopped" :
	    "failed", NULL);
	sk_events_close(&o.ev);
	return status;
}
