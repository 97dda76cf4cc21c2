/*
 * forward.c - sockit forward: a port forwarder.  It listens as echo-server
 * does and connects each client to HOST PORT, relaying both ways at once
 * until both directions ended, with half-closes and resets travelling
 * through; an upstream that refuses or does not answer gets the client
 * reset, and the forwarder goes on.  -u forwards UDP.  The forwarding is
 * libsockit's (sk_forward, lib/event/forward.c); this file parses options
 * and reports the connections' lives: lines on stderr, or the events of
 * the connection schema with --json or --events FILE.  --tls terminates
 * TLS from the clients, --to-tls makes TLS to upstream (verified as
 * connect --tls verifies), either or both.
 */

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* The options, as the table below fills them. */
static struct {
	struct sk_forward_config cfg;
	const char *host;
	struct cli_port port;
	bool udp, no_splice;
	long long max_conns;
	double idle_timeout, drain;
	const char *events_path;
	bool to_tls;
	const char *client_ca;
} opt = { .drain = 5 };

static const struct cli_option options[] = {
	CLI_OPT_IPV4("listen and connect over IPv4 only"),
	CLI_OPT_IPV6("listen and connect over IPv6 only"),
	CLI_STRING('b', "bind", &opt.host, "HOST",
	    "listen on HOST's addresses (default '': all interfaces)"),
	CLI_PORT('p', "port", &opt.port, NULL,
	    "listen on PORT (required; 0: any free port)"),
	CLI_FLAG('u', "udp", &opt.udp,
	    "forward UDP datagrams instead of TCP connections"),
	CLI_ENTRY('w', "timeout", CLI_KIND_SECONDS, &cli_common.timeout,
	    "SECONDS", "give up connecting upstream after SECONDS per address "
	    "(and on a TLS handshake)",
	    1, 0, NULL, NULL),
	CLI_INT(0, "max-conns", &opt.max_conns, "N", 1, 1000000,
	    "forward at most N connections at once; more are reset"),
	CLI_SECONDS_POS(0, "idle-timeout", &opt.idle_timeout, "SECONDS",
	    "close a connection (UDP: forget a client) idle for SECONDS"),
	CLI_OPT_ACL,
	CLI_SECONDS(0, "drain", &opt.drain, "SECONDS",
	    "on SIGINT/SIGTERM, let connections finish for SECONDS "
	    "(default 5)"),
	CLI_FLAG(0, "no-splice", &opt.no_splice,
	    "copy through a buffer instead of splice(2)"),
	CLI_PATH(0, "events", &opt.events_path, "FILE",
	    "write the connections' events as JSON Lines to FILE"),
	CLI_OPT_TLS("TLS from the clients, terminated here (with --cert and "
	    "--key)"),
	CLI_FLAG(0, "to-tls", &opt.to_tls,
	    "TLS to upstream, verified (--ca, --sni, --insecure)"),
	CLI_PATH(0, "client-ca", &opt.client_ca, "FILE",
	    "with --tls: require client certificates signed by these CAs"),
	CLI_OPT_VERBOSE,
	CLI_OPT_QUIET,
	CLI_OPT_JSON,
	CLI_OPT_END
};

static int main_forward(int, char **);

const struct cli_command cmd_forward = {
	"[-46] [-b HOST] -p PORT [-u] [-w SECONDS] [--max-conns N]\n"
	"    [--idle-timeout SECONDS] [--allow ADDR]... [--deny ADDR]...\n"
	"    [--drain SECONDS] [--tls --cert FILE --key FILE "
	"[--client-ca FILE]]\n"
	"    [--to-tls [--ca FILE] [--sni NAME] [--insecure]] "
	"[--alpn LIST]\n"
	"    [--events FILE | --json] HOST PORT",
	"Listen on -b HOST and -p PORT (every interface, IPv4 and IPv6 both,\n"
	"by default) and forward each client to HOST PORT, trying each of\n"
	"its addresses in order; bytes go both ways at once until both\n"
	"directions ended, a half-close or a reset travels through.  An\n"
	"upstream that refuses or does not answer gets the client reset.\n"
	"Prints 'Listening on ADDR' on stderr for each socket.  SIGINT or\n"
	"SIGTERM stops accepting and lets open connections finish (exit 0).\n"
	"--tls: the clients speak TLS to us; --to-tls: we speak TLS to\n"
	"upstream (--ca is then its trust); either or both.",
	options,
	main_forward
};

/* What the run counts, for the summary. */
struct tally {
	struct sk_events ev;
	unsigned long long conns, failed, refused, denied;
	uint64_t bytes_in, bytes_out;
};

/*
 * The TLS contexts: --tls serves the clients (--cert and --key, and
 * --client-ca to require theirs); --to-tls verifies upstream (--ca,
 * --sni, --insecure) and presents --cert and --key when --tls does not
 * take them.  --alpn goes to both.
 */
static int
tls_contexts(struct sk_forward_config *cfg)
{
	struct sk_tls_opts so = cli_tls.o, co = cli_tls.o;
	struct sk_error err;
	const char *client_only = cli_tls.o.ca != NULL ? "--ca" :
	    cli_tls.o.sni != NULL ? "--sni" : cli_tls.o.insecure ?
	    "--insecure" : NULL;

	if (opt.udp && (cli_tls.on || opt.to_tls))
		return cli_usage("cannot use %s with -u", cli_tls.on ?
		    "--tls" : "--to-tls");
	if (opt.client_ca != NULL && !cli_tls.on)
		return cli_usage("--client-ca needs --tls");
	if (client_only != NULL && !opt.to_tls)
		return cli_usage("%s is for upstream: it needs --to-tls",
		    client_only);
	if (!cli_tls.on && !opt.to_tls) {
		if (cli_tls.o.cert != NULL || cli_tls.o.key != NULL ||
		    cli_tls.o.alpn != NULL)
			return cli_usage("%s needs --tls or --to-tls",
			    cli_tls.o.cert != NULL ? "--cert" :
			    cli_tls.o.key != NULL ? "--key" : "--alpn");
		return EXIT_OK;
	}
	if ((cli_tls.o.cert == NULL) != (cli_tls.o.key == NULL) ||
	    (cli_tls.on && cli_tls.o.cert == NULL))
		return cli_usage(cli_tls.on ? "--tls needs --cert and --key" :
		    "a client certificate needs --cert and --key");
	if (cli_tls.on) {
		so.server = true;
		so.resume = true;	/* browsers resume behind us */
		so.ca = opt.client_ca;
		so.sni = NULL;
		so.insecure = false;
		if ((cfg->tls = sk_tls_ctx_new(&so, &err)) == NULL)
			return cli_fail("tls", &err);
	}
	if (opt.to_tls) {
		co.server = false;
		if (cli_tls.on)
			co.cert = co.key = NULL;
		if ((cfg->to_tls = sk_tls_ctx_new(&co, &err)) == NULL) {
			sk_tls_ctx_free(cfg->tls);
			cfg->tls = NULL;
			return cli_fail("tls", &err);
		}
	}
	return EXIT_OK;
}

/* The checks between options, and the operands. */
static int
validate(int nargs, char **args)
{
	struct sk_forward_config *cfg = &opt.cfg;
	struct cli_port to;

	if (nargs != 2)
		return cli_usage(nargs < 2 ? "expected HOST and PORT to "
		    "forward to" : "too many arguments; expected HOST PORT");
	if (!cli_given(&opt.port))
		return cli_usage("-p PORT is required: the port to listen on");
	if (cli_common.json && opt.events_path != NULL)
		return cli_usage("cannot use --json with --events");
	if (opt.udp && cli_given(&cli_common.timeout))
		return cli_usage("cannot use --timeout with --udp: a datagram "
		    "has no connection to wait for");
	if (cli_port_proto("--port", &opt.port, opt.udp ? "udp" : "tcp") ==
	    -1 || cli_port("PORT", args[1], opt.udp ? "udp" : "tcp", &to) == -1)
		return EXIT_USAGE;
	cfg->host = opt.host;
	cfg->port = opt.port.text;
	cfg->family = cli_common.family;
	cfg->to_host = args[0];
	cfg->to_port = args[1];
	cfg->to_family = cli_common.family;
	cfg->udp = opt.udp;
	cfg->no_splice = opt.no_splice;
	cfg->max_conns = (unsigned int)opt.max_conns;
	cfg->idle_timeout = opt.idle_timeout;
	cfg->drain = opt.drain;
	cfg->connect_timeout = cli_given(&cli_common.timeout) ?
	    cli_common.timeout : 0;
	cfg->handshake_timeout = cfg->connect_timeout;
	cfg->acl = cli_acl;
	return tls_contexts(cfg);
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
json_event(struct tally *o, const struct sk_forward_info *in)
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
	case SK_FORWARD_TLS:
		sk_event_begin(&j, "tls");
		sk_json_addr(&j, "peer", in->addr);
		sk_json_str(&j, "endpoint", in->side == SK_SIDE_PEER ?
		    "client" : "upstream");
		sk_tls_info_json(&j, in->tls);
		break;
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
	struct tally *o = data;
	bool verbose = cli_common.verbose, quiet = cli_common.quiet;
	char a[SK_ADDRSTRLEN], u[SK_ADDRSTRLEN];

	json_event(o, in);
	switch (in->event) {
	case SK_FORWARD_LISTENING:
		if (!cli_common.json && !quiet)
			(void)fprintf(stderr, "Listening on %s\n",
			    fmt(in->addr, a, sizeof(a)));
		break;
	case SK_FORWARD_CONNECT:
		if (in->code != 0 && !quiet)
			cli_warn("%s: upstream %s: %s", fmt(in->addr, a,
			    sizeof(a)), fmt(in->upstream, u, sizeof(u)),
			    strerror(in->code));
		break;
	case SK_FORWARD_UPSTREAM_FAILED:
		o->failed++;
		if (!quiet)
			cli_warn("%s: no upstream connection: client reset",
			    fmt(in->addr, a, sizeof(a)));
		break;
	case SK_FORWARD_CONNECTED:
		o->conns++;
		if (verbose)
			(void)fprintf(stderr, "Connected by %s\n",
			    fmt(in->addr, a, sizeof(a)));
		break;
	case SK_FORWARD_ACCEPTED:
		if (opt.udp) {
			o->conns++;
			if (verbose)
				(void)fprintf(stderr, "Datagrams from %s\n",
				    fmt(in->addr, a, sizeof(a)));
		}
		break;
	case SK_FORWARD_CLOSED:
		o->bytes_in += in->closed->bytes_in;
		o->bytes_out += in->closed->bytes_out;
		if (in->error != NULL && in->error->kind == SK_ERR_TLS &&
		    !quiet)
			cli_warn("%s: %s%s", fmt(in->addr, a, sizeof(a)),
			    in->closed->by == SK_SIDE_PEER ? "" : "upstream: ",
			    in->error->message);
		if (verbose)
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
		if (!quiet)
			cli_warn("%s: refused: at the limit of --max-conns",
			    fmt(in->addr, a, sizeof(a)));
		break;
	case SK_FORWARD_DENIED:
		o->denied++;
		if (!quiet)
			cli_warn("%s: denied by the access rules",
			    fmt(in->addr, a, sizeof(a)));
		break;
	case SK_FORWARD_FORGOTTEN:
		if (verbose)
			(void)fprintf(stderr, "Forgot %s (idle)\n",
			    fmt(in->addr, a, sizeof(a)));
		break;
	case SK_FORWARD_DRAINING:
		if (verbose)
			(void)fprintf(stderr, "Stopping: draining\n");
		break;
	case SK_FORWARD_WARNING:
		if (!quiet && in->error != NULL)
			cli_warn("accept: %s", in->error->message);
		break;
	case SK_FORWARD_TLS:
		if (verbose)
			(void)fprintf(stderr, "TLS with %s: %s %s\n",
			    in->side == SK_SIDE_PEER ? fmt(in->addr, a,
			    sizeof(a)) : "upstream", in->tls->version,
			    in->tls->cipher);
		if (in->tls->verify != SK_TLS_VERIFY_OK && !quiet)
			cli_warn("%s: upstream: certificate verify failed: %s "
			    "(--insecure: going on)", fmt(in->addr, a,
			    sizeof(a)), in->tls->verify_error);
		break;
	case SK_FORWARD_EOF:
		break;
	}
}

/* What the options hold: the access rules, the TLS contexts. */
static void
free_opts(void)
{
	sk_acl_free(cli_acl);
	sk_tls_ctx_free(opt.cfg.tls);
	sk_tls_ctx_free(opt.cfg.to_tls);
}

static int
main_forward(int argc, char **argv)
{
	struct tally t = { 0 };
	struct sk_forward *f;
	struct sk_error err;
	sigset_t stop;
	char what[160], q[96];
	int first, status;

	first = cli_parse(argc, argv);
	if ((status = validate(argc - first, argv + first)) != EXIT_OK) {
		free_opts();
		return status;
	}
	sk_events_init(&t.ev);
	if (cli_common.json) {
		sk_events_use_fd(&t.ev, STDOUT_FILENO);
	} else if (opt.events_path != NULL &&
	    sk_events_open(&t.ev, opt.events_path, &err) == -1) {
		free_opts();
		return cli_fail(cli_quote(opt.events_path,
		    strlen(opt.events_path), q, sizeof(q)), &err);
	}
	/* Room for many connections. */
	cli_raise_nofile(ULLONG_MAX);
	(void)sigemptyset(&stop);
	(void)sigaddset(&stop, SIGINT);
	(void)sigaddset(&stop, SIGTERM);
	(void)sigprocmask(SIG_BLOCK, &stop, NULL);
	opt.cfg.stop_signals = &stop;
	opt.cfg.on_event = on_event;
	opt.cfg.data = &t;
	if ((f = sk_forward_new(&opt.cfg, &err)) == NULL) {
		const struct sk_forward_config *c = &opt.cfg;

		if (err.kind == SK_ERR_GAIERROR || err.kind == SK_ERR_HERROR)
			(void)snprintf(what, sizeof(what), "%s or %s",
			    c->host != NULL && c->host[0] != '\0' ? c->host :
			    "''", c->to_host);
		else
			(void)snprintf(what, sizeof(what), "%s port %s",
			    c->host != NULL && c->host[0] != '\0' ? c->host :
			    "''", c->port);
		status = cli_fail(what, &err);
		if (!cli_common.json)
			(void)sk_event_exit(&t.ev, status, err.message, NULL);
		sk_events_close(&t.ev);
		free_opts();
		return status;
	}
	status = EXIT_OK;
	if (sk_forward_run(f, &err) == -1)
		status = cli_fail("event loop", &err);
	sk_forward_free(f);
	free_opts();
	if (!cli_common.quiet && !cli_common.json)
		(void)fprintf(stderr, "%llu connection%s, %llu bytes from "
		    "clients, %llu to them, %llu without upstream, %llu "
		    "refused, %llu denied\n", t.conns, t.conns == 1 ? "" : "s",
		    (unsigned long long)t.bytes_in,
		    (unsigned long long)t.bytes_out, t.failed, t.refused,
		    t.denied);
	/* With --json the dispatcher writes the exit event. */
	if (!cli_common.json)
		(void)sk_event_exit(&t.ev, status, status == EXIT_OK ?
		    "stopped" : "failed", NULL);
	sk_events_close(&t.ev);
	return status;
}
