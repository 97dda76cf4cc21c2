/*
 * echo_server.c - sockit echo-server: the reference's echo server
 * ("Echo server program"), made real.  It listens on HOST '' and PORT
 * 50007 as the reference does, on IPv4 and IPv6 both (as the reference
 * says it should), prints "Connected by ADDR" for each client and sends
 * every byte back; many clients at once, or exactly one with --once as in
 * the example.  The serving is libsockit's (sk_echo_server, lib/event/echo.c);
 * this file parses options and prints the server's events.
 */

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* The options, as the table below fills them. */
static struct {
	struct sk_echo_config cfg;
	struct cli_port port;
	long long max_conns, workers;
	double idle_timeout;
} opt = { .port = CLI_PORT_INIT(50007) };

static const struct cli_option options[] = {
	CLI_OPT_IPV4("listen on IPv4 only"),
	CLI_OPT_IPV6("listen on IPv6 only"),
	CLI_STRING('b', "bind", &opt.cfg.host, "HOST",
	    "listen on HOST's addresses (default '': all interfaces)"),
	CLI_PORT('p', "port", &opt.port, "tcp",
	    "listen on PORT (default 50007; 0: any free port)"),
	CLI_FLAG(0, "once", &opt.cfg.once,
	    "serve exactly one client, then exit, as the reference does"),
	CLI_INT(0, "max-conns", &opt.max_conns, "N", 1, 1000000,
	    "serve at most N clients at once; more are reset at once "
	    "(default 16384)"),
	CLI_SECONDS_POS(0, "idle-timeout", &opt.idle_timeout, "SECONDS",
	    "close a connection idle for SECONDS"),
	CLI_FLAG(0, "inetd", &opt.cfg.inetd,
	    "echo the connection on stdin and stdout (an inetd service)"),
	CLI_PATH(0, "unix", &opt.cfg.unix_path, "PATH",
	    "listen on a stream AF_UNIX socket at PATH instead"),
	CLI_INT(0, "workers", &opt.workers, "N", 1, SK_ECHO_WORKERS_MAX,
	    "N threads sharing the port (SO_REUSEPORT; default 1)"),
	CLI_FLAG(0, "no-splice", &opt.cfg.no_splice,
	    "copy through a buffer instead of splice(2)"),
	CLI_OPT_ACL,
	CLI_OPT_ACL_FILES,
	CLI_OPT_TLS("serve TLS (with --cert and --key): echo the "
	    "decrypted bytes"),
	CLI_OPT_VERBOSE,
	CLI_OPT_QUIET,
	CLI_OPT_JSON,
	CLI_OPT_END
};

static int main_echo_server(int, char **);

const struct cli_command cmd_echo_server = {
	"[-4|-6] [-b HOST] [-p PORT] [--once] [--max-conns N]\n"
	"    [--idle-timeout SECONDS] [--unix PATH] [--workers N]\n"
	"    [--tls --cert FILE --key FILE [--ca FILE]] [OPTION]...",
	"Listen on HOST and PORT ('' and 50007 by default: every interface,\n"
	"IPv4 and IPv6 both) and send back every byte each client sends; when\n"
	"a client shuts down its side, the rest is sent back and the\n"
	"connection closed.  Prints 'Listening on ADDR' on stderr for each\n"
	"socket, 'Connected by ADDR' on stdout for each client, and a summary\n"
	"on stderr at the end.  SIGINT or SIGTERM stops it (exit 0).",
	options,
	main_echo_server
};

/* The checks between options. */
static int
validate(int nargs)
{
	struct sk_echo_config *cfg = &opt.cfg;
	const char *net = cli_given_name(&cli_common.family);

	if (nargs > 0)
		return cli_usage("unexpected argument; use -b HOST, -p PORT");
	if (net == NULL)
		net = cli_given_name(&cfg->host);
	if (net == NULL)
		net = cli_given_name(&opt.port);
	if (cfg->inetd && (net != NULL || cfg->unix_path != NULL ||
	    opt.workers > 1))
		return cli_usage("cannot use --inetd with %s", net != NULL ?
		    net : cfg->unix_path != NULL ? "--unix" : "--workers");
	if (cfg->unix_path != NULL && net != NULL)
		return cli_usage("cannot use --unix with %s", net);
	if (cfg->unix_path != NULL && cli_acl != NULL)
		return cli_usage("cannot use --unix with access rules: they "
		    "match IP addresses");
	if (cfg->once && (opt.workers > 1 || opt.max_conns > 0))
		return cli_usage("cannot use --once with %s",
		    opt.workers > 1 ? "--workers" : "--max-conns");
	cfg->family = cli_common.family;
	cfg->port = opt.port.text;
	cfg->max_conns = (unsigned int)opt.max_conns;
	cfg->workers = (unsigned int)opt.workers;
	cfg->idle_timeout = opt.idle_timeout;
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
	const struct cli_common *o = &cli_common;
	char addr[SK_ADDRSTRLEN];
	struct sk_json j = { 0 };
	unsigned int max = opt.cfg.max_conns ? opt.cfg.max_conns :
	    SK_ECHO_MAX_CONNS;

	(void)data;

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

static int
main_echo_server(int argc, char **argv)
{
	struct sk_echo_config *cfg = &opt.cfg;
	struct sk_echo_server *srv;
	struct sk_echo_stats st;
	struct sk_error err;
	sigset_t stop;
	char q[96];
	unsigned long long dropped = 0;
	int first, status, n, i, null, fds[16];

	first = cli_parse(argc, argv);
	if ((status = validate(argc - first)) != EXIT_OK ||
	    (status = cli_tls_context(true, &cfg->tls)) != EXIT_OK) {
		sk_acl_free(cli_acl);
		return status;
	}
	cfg->acl = cli_acl;
	/* systemd's socket activation: the sockets we were given. */
	if (!cfg->inetd && (n = sk_listen_fds(&err)) != 0) {
		if (n < 0) {
			sk_acl_free(cli_acl);
			return cli_fail("LISTEN_FDS", &err);
		}
		for (i = 0; i < n && i < 16; i++)
			fds[i] = SK_LISTEN_FDS_START + i;
		cfg->listen_fds = fds;
		cfg->nlisten_fds = (size_t)i;
	}
	/* inetd: stdout is the client's connection; our lines are not
	 * for it. */
	if (cfg->inetd && (null = open("/dev/null", O_WRONLY)) != -1) {
		(void)dup2(null, STDOUT_FILENO);
		(void)close(null);
	}

	/* Room for many connections. */
	cli_raise_nofile(ULLONG_MAX);
	(void)fflush(stdout);
	if ((out = sk_outq_new(STDOUT_FILENO, 0, &err)) == NULL) {
		sk_acl_free(cli_acl);
		sk_tls_ctx_free(cfg->tls);
		return cli_fail("stdout", &err);
	}
	(void)sigemptyset(&stop);
	(void)sigaddset(&stop, SIGINT);
	(void)sigaddset(&stop, SIGTERM);
	(void)sigprocmask(SIG_BLOCK, &stop, NULL);
	cfg->stop_signals = &stop;
	cfg->on_event = on_event;
	cfg->data = NULL;
	if ((srv = sk_echo_server_new(cfg, &err)) == NULL) {
		sk_acl_free(cli_acl);
		sk_tls_ctx_free(cfg->tls);
		(void)sk_outq_close(out, 1, NULL, NULL);
		if (cfg->unix_path != NULL)
			return cli_fail(cli_quote(cfg->unix_path,
			    strlen(cfg->unix_path), q, sizeof(q)), &err);
		return cli_fail_bind(cfg->host != NULL ? cfg->host : "",
		    cfg->port, cfg->family, SOCK_STREAM, &err);
	}
	status = EXIT_OK;
	if (sk_echo_server_run(srv, &err) == -1)
		status = cli_fail("event loop", &err);
	sk_echo_server_stats(srv, &st);
	sk_echo_server_free(srv);
	sk_acl_free(cli_acl);
	sk_tls_ctx_free(cfg->tls);
	/* What is still queued gets a moment to go out, no more. */
	if (sk_outq_close(out, 1, &dropped, &err) == -1 &&
	    err.kind != SK_ERR_TIMEOUT && err.code != EPIPE &&
	    status == EXIT_OK)
		status = cli_fail("stdout", &err);
	if (dropped > 0 && !cli_common.quiet)
		cli_warn("stdout: %llu line%s not written: nobody read them",
		    dropped, dropped == 1 ? "" : "s");
	if (!cli_common.quiet) {
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
