/*
 * connect.c - sockit connect: `nc HOST PORT`, done right.  TCP with the
 * documented create_connection (every address in order, each attempt
 * an event), then stdin to the connection and the connection to stdout,
 * both ways at once, with the end-of-connection rule of netcat.c: stdin's
 * EOF half-closes, the peer's reply is read to its end.  Or through a
 * SOCKS5 (RFC 1928/1929) or HTTP CONNECT (RFC 9110 9.3.6) proxy, to an
 * AF_UNIX socket, to a command (--exec); and UDP (RFC 768), each line of
 * stdin one datagram.
 */
#include <sys/stat.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "netcat.h"

static struct {
	bool udp;
	const char *source;
	struct cli_port source_port;
	const char *proxy;
	const char *unix_path;
} opt;

static const struct cli_option options[] = {
	CLI_OPT_IPV4("connect over IPv4 only"),
	CLI_OPT_IPV6("connect over IPv6 only"),
	CLI_FLAG('u', "udp", &opt.udp,
	    "UDP: each line of stdin is one datagram"),
	CLI_STRING('s', "source", &opt.source, "HOST",
	    "connect from HOST's address"),
	CLI_PORT(0, "source-port", &opt.source_port, "tcp",
	    "connect from PORT"),
	CLI_OPT_TIMEOUT("give up connecting after SECONDS (exit 4); with -u, "
	    "wait SECONDS for datagrams after stdin's end"),
	NC_OPTIONS_SESSION,
	CLI_OPT_TLS("TLS: verify the server (HOST, or --sni) and relay the "
	    "decrypted bytes"),
	CLI_STRING(0, "proxy", &opt.proxy, "URL",
	    "through a proxy: socks5://[USER:PASS@]HOST:PORT or "
	    "http://HOST:PORT"),
	CLI_PATH(0, "unix", &opt.unix_path, "PATH",
	    "connect to the AF_UNIX socket at PATH instead"),
	CLI_OPT_VERBOSE,
	CLI_OPT_QUIET,
	CLI_OPT_JSON,
	CLI_OPT_END
};

static int main_connect(int, char **);

const struct cli_command cmd_connect = {
	"[-4|-6] [-u] [-s HOST] [--source-port PORT] [-w SECONDS]\n"
	"    [--idle-timeout SECONDS] [--send-only|--recv-only] "
	"[--exec COMMAND]\n"
	"    [--proxy URL] [--tls [--ca FILE] [--sni NAME] [--alpn LIST]\n"
	"    [--cert FILE --key FILE] [--insecure]] [--events FILE|--json]\n"
	"    HOST PORT\n"
	"  or: sockit connect [-u] [OPTION]... --unix PATH",
	"Connect to HOST and PORT (every address in order) and copy stdin to\n"
	"the connection and the connection to stdout, both ways at once.  At\n"
	"stdin's end the sending side is shut down and the reply is read to\n"
	"its end; a peer that shuts down first does not end the session.\n"
	"With --tls the connection is TLS, verified against the system's CAs\n"
	"(or --ca) and HOST (or --sni); stdin's end sends close_notify.\n"
	"Exit 0 when both directions ended, 1 on a reset or a failure, 3 when\n"
	"HOST does not resolve, 4 on a timeout, 6 when TLS failed.",
	options,
	main_connect
};

static double
now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
validate(int nargs)
{
	const char *net = cli_given_name(&cli_common.family);
	int status;

	if (net == NULL)
		net = cli_given_name(&opt.source);
	if (net == NULL)
		net = cli_given_name(&opt.source_port);
	if (net == NULL)
		net = cli_given_name(&opt.proxy);
	if (opt.unix_path != NULL) {
		if (net != NULL)
			return cli_usage("cannot use --unix with %s", net);
		if (nargs != 0)
			return cli_usage("unexpected argument with --unix");
	} else if (nargs != 2) {
		return cli_usage(nargs < 2 ? "expected HOST and PORT" :
		    "unexpected argument after HOST and PORT");
	}
	if (opt.udp && opt.proxy != NULL)
		return cli_usage("cannot use --proxy with -u");
	if (opt.udp && nc_opt.exec != NULL)
		return cli_usage("cannot use --exec with -u");
	if (opt.udp && (nc_opt.send_only || nc_opt.recv_only))
		return cli_usage("cannot use %s with -u", nc_opt.send_only ?
		    "--send-only" : "--recv-only");
	if ((status = nc_tls_setup(false, opt.udp)) != EXIT_OK)
		return status;
	return nc_setup();
}

/* The connected event, and -v's line. */
static void
connected(struct sk_socket *s, struct sk_addr *peer, struct sk_addr *local,
    double ms)
{
	char a[SK_ADDRSTRLEN];

	memset(local, 0, sizeof(*local));
	(void)sk_socket_getsockname(s, local, NULL);
	(void)sk_event_connected(&nc_events, local, peer, ms, NULL);
	if (cli_common.verbose)
		(void)fprintf(stderr, "Connected to %s\n",
		    nc_addr(peer, a, sizeof(a)));
}

/* TCP, or through the proxy. */
static int
dial_tcp(struct sk_socket *s, const char *host, const struct cli_port *port,
    struct sk_addr *peer)
{
	struct sk_dial d;
	struct sk_proxy px;
	struct sk_error err;
	char what[600];

	memset(&d, 0, sizeof(d));
	d.host = host;
	d.port = port->text;
	if (opt.proxy != NULL) {
		if (sk_proxy_parse(&px, opt.proxy, &err) == -1)
			return cli_usage("--proxy: %s", err.message);
		d.host = px.host;
		d.port = px.port;
	}
	d.family = cli_common.family;
	d.timeout = cli_common.timeout >= 0 ? cli_common.timeout :
	    SK_TIMEOUT_NONE;
	d.source_host = opt.source;
	d.source_port = cli_given(&opt.source_port) ? opt.source_port.text :
	    NULL;
	d.events = &nc_events;
	if (sk_dial(s, &d, &err) == -1) {
		(void)snprintf(what, sizeof(what), err.kind ==
		    SK_ERR_GAIERROR ? "%s" : "%s port %s", d.host, d.port);
		return nc_fail(what, &err);
	}
	if (sk_socket_getpeername(s, peer, &err) == -1) {
		int e = 0;

		/* Reset as soon as it connected: say so, not ENOTCONN. */
		if (sk_socket_getsockopt_int(s, SOL_SOCKET, SO_ERROR, &e,
		    NULL) == 0 && e != 0)
			(void)sk_error_set(&err, SK_ERR_OS, e, NULL);
		else if (err.code == ENOTCONN)
			(void)sk_error_set(&err, SK_ERR_OS, ECONNRESET, NULL);
		(void)snprintf(what, sizeof(what), "%s port %s", host,
		    port->text);
		(void)sk_socket_close(s, NULL);
		return nc_fail(what, &err);
	}
	if (opt.proxy != NULL &&
	    sk_proxy_connect(s, &px, host, port->number, &err) == -1) {
		(void)snprintf(what, sizeof(what), "%s port %s via %s", host,
		    port->text, px.host);
		(void)sk_socket_close(s, NULL);
		return nc_fail(what, &err);
	}
	return EXIT_OK;
}

static int
dial_unix(struct sk_socket *s, int type, struct sk_addr *peer)
{
	struct sk_error err;
	char q[96];
	int rc;

	if (sk_addr_unix(peer, opt.unix_path, &err) == -1 ||
	    sk_socket_open(s, AF_UNIX, type, 0, &err) == -1)
		return nc_fail(cli_quote(opt.unix_path,
		    strlen(opt.unix_path), q, sizeof(q)), &err);
	if (type == SOCK_STREAM)
		(void)sk_socket_settimeout(s, cli_common.timeout >= 0 ?
		    cli_common.timeout : SK_TIMEOUT_NONE, NULL);
	rc = sk_socket_connect(s, peer, &err);
	(void)sk_event_connect(&nc_events, peer, 1, rc == 0 ? 0 :
	    err.kind == SK_ERR_TIMEOUT ? ETIMEDOUT : err.code, 0, NULL);
	if (rc == -1) {
		(void)sk_socket_close(s, NULL);
		return nc_fail(cli_quote(opt.unix_path,
		    strlen(opt.unix_path), q, sizeof(q)), &err);
	}
	return EXIT_OK;
}

/*
 * Datagrams: -u, and --unix with -u.
 */

struct dgram {
	char line[65536];	/* stdin's current line */
	size_t len;
	char last[65536];	/* the last datagram sent, to resend */
	size_t last_len;
	bool have_last;
	bool in_eof;
};

/* Send one datagram; -1 with err (ECONNREFUSED: try the next address). */
static int
dgram_send(struct sk_socket *s, struct dgram *g, const char *p, size_t n,
    struct sk_error *err)
{
	if (sk_socket_send(s, p, n, 0, err) == -1)
		return -1;
	memcpy(g->last, p, n);
	g->last_len = n;
	g->have_last = true;
	return 0;
}

/* Lines of stdin as datagrams: what one read gives. */
static int
dgram_input(struct sk_socket *s, struct dgram *g, struct sk_error *err)
{
	char buf[16384];
	ssize_t n, i;

	n = read(STDIN_FILENO, buf, sizeof(buf));
	if (n == -1)
		return errno == EINTR || errno == EAGAIN ? 0 :
		    sk_error_set(err, SK_ERR_OS, errno, NULL);
	if (n == 0) {
		g->in_eof = true;
		if (g->len > 0 && dgram_send(s, g, g->line, g->len, err) == -1)
			return -1;
		g->len = 0;
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			if (dgram_send(s, g, g->line, g->len, err) == -1) {
				g->len = 0;
				return -1;
			}
			g->len = 0;
		} else if (g->len < sizeof(g->line)) {
			g->line[g->len++] = buf[i];
		}
	}
	return 0;
}

/* One peer until stdin's end (and -w after it); 1 when it refused. */
static int
dgram_run(struct sk_socket *s, struct dgram *g, sigset_t *waitmask,
    struct sk_error *err)
{
	struct sk_socket p[2] = { *s, { .fd = STDIN_FILENO } };
	short rev[2];
	char buf[65536];
	double wait;
	ssize_t n;
	int rc;

	if (g->have_last &&
	    dgram_send(s, g, g->last, g->last_len, err) == -1)
		return err->code == ECONNREFUSED ? 1 : -1;
	for (;;) {
		/* Before stdin's end, --idle-timeout (exit 4); after it, -w
		 * (exit 0); either absent: no limit. */
		wait = g->in_eof ? cli_common.timeout :
		    nc_opt.idle_timeout > 0 ? nc_opt.idle_timeout : -1;
		rc = sk_socket_poll(p, g->in_eof ? 1 : 2, POLLIN, wait,
		    waitmask, rev, err);
		if (rc == -1 && err->kind == SK_ERR_TIMEOUT)
			return g->in_eof ? 0 : -1;
		if (rc == -1)
			return err->code == EINTR ? 0 : -1;
		if (rev[0] != 0) {
			n = sk_socket_recv_into(s, buf, sizeof(buf),
			    MSG_DONTWAIT, err);
			if (n == -1 && err->code == ECONNREFUSED)
				return 1;
			if (n == -1 && err->code != EAGAIN)
				return -1;
			if (n >= 0 && (cli_common.json ?
			    sk_event_data(&nc_events, buf, (size_t)n, err) :
			    fwrite(buf, 1, (size_t)n, stdout) == (size_t)n &&
			    fflush(stdout) == 0 ? 0 :
			    sk_error_set(err, SK_ERR_OS, errno, NULL)) == -1)
				return err->code == EPIPE ? 0 : -1;
		}
		if (!g->in_eof && rev[1] != 0 && dgram_input(s, g, err) == -1)
			return err->code == ECONNREFUSED ? 1 : -1;
	}
}

/* A temporary path of our own to bind to, so that replies come back. */
static int
bind_temp(struct sk_socket *s, char *dir, size_t size, struct sk_error *err)
{
	const char *tmp = getenv("TMPDIR");
	char path[256];
	struct sk_addr a;

	(void)snprintf(dir, size, "%s/sockit-connect.XXXXXX",
	    tmp != NULL && tmp[0] == '/' ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		dir[0] = '\0';
		return sk_error_set(err, SK_ERR_OS, errno, NULL);
	}
	if ((size_t)snprintf(path, sizeof(path), "%.*s/s",
	    (int)(sizeof(path) - 3), dir) >= sizeof(path))
		return sk_error_set(err, SK_ERR_OS, ENAMETOOLONG, NULL);
	return sk_addr_unix(&a, path, err) == -1 ? -1 :
	    sk_socket_bind(s, &a, err);
}

static int
run_dgram(const char *host, const struct cli_port *port)
{
	sigset_t waitmask;
	struct sk_addrinfo *ai = NULL;
	struct sk_socket s;
	struct sk_addr peer, local;
	struct sk_error err;
	struct dgram *g;
	char a[SK_ADDRSTRLEN], dir[300] = "", q[96];
	ssize_t n = 1, i;
	int rc = -1, status;

	if ((g = calloc(1, sizeof(*g))) == NULL) {
		(void)sk_error_set(&err, SK_ERR_OS, ENOMEM, NULL);
		return nc_fail("-u", &err);
	}
	nc_catch_stop(&waitmask);
	if (opt.unix_path == NULL) {
		n = sk_getaddrinfo(host, port->text, cli_common.family,
		    SOCK_DGRAM, 0, 0, &ai, &err);
		if (n < 0) {
			free(g);
			return nc_fail(host, &err);
		}
	}
	for (i = 0; i < n; i++) {
		if (opt.unix_path != NULL) {
			if (dial_unix(&s, SOCK_DGRAM, &peer) != EXIT_OK) {
				free(g);
				return EXIT_OSERR;
			}
			if (bind_temp(&s, dir, sizeof(dir), &err) == -1)
				break;
		} else {
			peer = ai[i].addr;
			if (sk_socket_open(&s, ai[i].family, SOCK_DGRAM, 0,
			    &err) == -1 || (opt.source != NULL ||
			    cli_given(&opt.source_port) ?
			    sk_addr_resolve(&local, opt.source, cli_given(
			    &opt.source_port) ? opt.source_port.text : NULL,
			    ai[i].family, SOCK_DGRAM, &err) == -1 ||
			    sk_socket_bind(&s, &local, &err) == -1 : false) ||
			    sk_socket_connect(&s, &peer, &err) == -1) {
				(void)sk_event_connect(&nc_events, &peer,
				    (int)i + 1, err.code, 0, NULL);
				(void)sk_socket_close(&s, NULL);
				continue;
			}
			(void)sk_event_connect(&nc_events, &peer, (int)i + 1,
			    0, 0, NULL);
		}
		connected(&s, &peer, &local, -1);
		rc = dgram_run(&s, g, &waitmask, &err);
		(void)sk_socket_close(&s, NULL);
		if (rc != 1)
			break;
		(void)sk_error_set(&err, SK_ERR_OS, ECONNREFUSED, NULL);
		rc = -1;
	}
	sk_addrinfo_free(ai, n > 0 && ai != NULL ? (size_t)n : 0);
	free(g);
	if (dir[0] != '\0') {
		char path[320];

		(void)snprintf(path, sizeof(path), "%s/s", dir);
		(void)unlink(path);
		(void)rmdir(dir);
	}
	if (rc == 0)
		return EXIT_OK;
	if (opt.unix_path != NULL)
		return nc_fail(cli_quote(opt.unix_path, strlen(opt.unix_path),
		    q, sizeof(q)), &err);
	status = nc_fail(n > 0 ? nc_addr(&peer, a, sizeof(a)) : host, &err);
	return status;
}

static int
main_connect(int argc, char **argv)
{
	struct sk_socket s;
	struct sk_addr peer, local;
	struct cli_port port = { 0, "", NULL };
	const char *host = NULL;
	double t0;
	int first, status, in_fd = STDIN_FILENO;

	first = cli_parse(argc, argv);
	if ((status = validate(argc - first)) != EXIT_OK)
		return nc_finish(status, NULL);
	if (opt.unix_path == NULL) {
		host = argv[first];
		nc_tls_host = host;
		if (cli_port("PORT", argv[first + 1], opt.udp ? "udp" : "tcp",
		    &port) == -1)
			return nc_finish(EXIT_USAGE, "bad PORT");
	}
	if (opt.udp)
		return nc_finish(run_dgram(host, &port), NULL);
	t0 = now_ms();
	status = opt.unix_path != NULL ? dial_unix(&s, SOCK_STREAM, &peer) :
	    dial_tcp(&s, host, &port, &peer);
	if (status != EXIT_OK)
		return nc_finish(status, NULL);
	connected(&s, &peer, &local, now_ms() - t0);
	return nc_finish(nc_serve(&s, &peer, &local, &in_fd), NULL);
}
