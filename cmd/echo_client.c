/*
 * echo_client.c - sockit echo-client: the reference's echo client ("Echo
 * client program"), made real.  It connects to HOST 'localhost' and PORT
 * 50007 the way the reference's dual-stack client does (every address the
 * resolver gives, in order: create_connection), sends 'Hello, world' and
 * prints "Received b'Hello, world'", checking that what came back is what
 * went out (exit 5 if not).  --count makes it a TCP ping, --size sends a
 * generated payload of any size, --stdin is netcat.  --tls makes any of
 * them TLS, the server verified as connect --tls verifies it.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bsd/stdlib.h>

#include "cli.h"

#define COUNT_MAX	10000000LL
#define SIZE_MAX_ARG	(1LL << 40)
/* --size: bytes in flight at once */
#define CHUNK		((size_t)256 * 1024)

struct opts {
	bool use_stdin, literal, raw;
	unsigned char *bytes;	/* --literal: MESSAGE decoded */
	size_t nbytes;
	const char *message, *host, *source, *unix_path;
	struct cli_port port, source_port;
	double timeout;		/* SK_TIMEOUT_DEFAULT when not given */
	double interval;
	long long count, size;
};

/* The options, as the table below fills them. */
static struct opts opt = { .message = "Hello, world", .host = "localhost",
	.port = CLI_PORT_INIT(50007), .interval = 1, .size = -1 };

static int positive_timeout(const struct cli_option *, const char *);

/* --tls: the client context, or NULL. */
static struct sk_tls_ctx *tls_ctx;

static const struct cli_option options[] = {
	CLI_OPT_IPV4("connect over IPv4 only"),
	CLI_OPT_IPV6("connect over IPv6 only"),
	CLI_STRING('m', "message", &opt.message, "MESSAGE",
	    "send MESSAGE (default 'Hello, world')"),
	CLI_FLAG(0, "literal", &opt.literal,
	    "MESSAGE is a Python bytes literal, b'GET / HTTP/1.0\\r\\n\\r\\n'"),
	CLI_ENTRY('w', "timeout", CLI_KIND_SECONDS, &cli_common.timeout,
	    "SECONDS", "give up when connecting or any wait takes SECONDS",
	    0, 0, NULL, positive_timeout),
	CLI_STRING('s', "source", &opt.source, "HOST",
	    "connect from HOST's address (source_address)"),
	CLI_PORT(0, "source-port", &opt.source_port, "tcp",
	    "connect from PORT (source_address)"),
	CLI_INT(0, "count", &opt.count, "N", 1, COUNT_MAX,
	    "N round trips on one connection, timed: a TCP ping"),
	CLI_SECONDS(0, "interval", &opt.interval, "SECONDS",
	    "--count: wait SECONDS between round trips (default 1)"),
	CLI_INT(0, "size", &opt.size, "BYTES", 0, SIZE_MAX_ARG,
	    "send a generated payload of BYTES bytes, verified on return"),
	CLI_FLAG(0, "stdin", &opt.use_stdin,
	    "netcat mode: stdin to the server, the server to stdout"),
	CLI_FLAG(0, "raw", &opt.raw,
	    "--stdin: write received bytes as they are, even to a terminal"),
	CLI_PATH(0, "unix", &opt.unix_path, "PATH",
	    "connect to the stream AF_UNIX socket at PATH instead"),
	CLI_OPT_TLS("TLS to the server, verified (HOST, or --sni)"),
	CLI_OPT_VERBOSE,
	CLI_OPT_QUIET,
	CLI_OPT_JSON,
	CLI_OPT_END
};

static int main_echo_client(int, char **);

const struct cli_command cmd_echo_client = {
	"[-4|-6] [-m MESSAGE [--literal]] [-w SECONDS] [-s HOST]\n"
	"    [--source-port PORT] [--count N] [--interval SECONDS]\n"
	"    [--size BYTES] [--stdin [--raw]] [--tls [--ca FILE] [--sni NAME]\n"
	"    [--alpn LIST] [--cert FILE --key FILE] [--insecure]]\n"
	"    [--unix PATH] [HOST [PORT]]",
	"Connect to HOST and PORT ('localhost' and 50007 by default), trying\n"
	"every address HOST has in order, send MESSAGE, read until as many\n"
	"bytes came back (or EOF) and print \"Received b'...'\".  Exit 5 when\n"
	"the echo differs from what was sent.  --count N: N timed round\n"
	"trips and their min/avg/max/p50/p99.  --stdin: copy stdin to the\n"
	"server and the server to stdout, both ways at once, until both\n"
	"ended: stdin's EOF shuts down the sending side, and a server that\n"
	"closes first does not stop stdin being sent.",
	options,
	main_echo_client
};

static int
positive_timeout(const struct cli_option *co, const char *arg)
{
	(void)co;
	(void)arg;
	if (cli_common.timeout == 0)
		return cli_usage_fail("--timeout: a client needs more than 0 "
		    "seconds to get its answer");
	return 0;
}

/* The checks between options, and the operands. */
/* -m --literal: the bytes literal decoded now, so that a bad one is a
 * usage error before any connection. */
static int
decode_literal(struct opts *o)
{
	struct sk_error err;
	size_t len = strlen(o->message);
	ssize_t n;
	char q[96];

	/* A literal is never shorter than the bytes it stands for. */
	if ((o->bytes = malloc(len + 1)) == NULL)
		return cli_usage("--message: %s", strerror(ENOMEM));
	if ((n = sk_bytes_unrepr(o->message, len, o->bytes, len + 1,
	    &err)) < 0)
		return cli_usage("--message: %s: %s", cli_quote(o->message,
		    len, q, sizeof(q)), err.message);
	o->nbytes = (size_t)n;
	return EXIT_OK;
}

static int
validate(struct opts *o, int nargs, char **args)
{
	bool message_given = cli_given(&o->message);
	const char *net = cli_given_name(&cli_common.family);

	if (nargs > 2)
		return cli_usage("too many arguments; expected [HOST [PORT]]");
	if (o->size >= 0 && message_given)
		return cli_usage("cannot use --size with --message");
	if (o->use_stdin && (message_given || o->size >= 0 ||
	    o->count > 0 || cli_common.json))
		return cli_usage("cannot use --stdin with %s",
		    message_given ? "--message" : o->size >= 0 ? "--size" :
		    o->count > 0 ? "--count" : "--json");
	if (cli_given(&o->interval) && o->count == 0)
		return cli_usage("--interval needs --count");
	if (o->literal && !message_given)
		return cli_usage("--literal needs --message");
	if (o->literal && decode_literal(o) != EXIT_OK)
		return EXIT_USAGE;
	if (o->raw && !o->use_stdin)
		return cli_usage("--raw needs --stdin");
	if (net == NULL)
		net = cli_given_name(&o->source);
	if (net == NULL)
		net = cli_given_name(&o->source_port);
	if (o->unix_path != NULL && (nargs > 0 || net != NULL))
		return cli_usage("cannot use --unix with %s", nargs > 0 ?
		    "HOST or PORT" : net);
	if (nargs > 0)
		o->host = args[0];
	if (nargs > 1 && cli_port("PORT", args[1], "tcp", &o->port) == -1)
		return EXIT_USAGE;
	o->timeout = cli_given(&cli_common.timeout) ? cli_common.timeout :
	    SK_TIMEOUT_DEFAULT;
	return cli_tls_context(false, &tls_ctx);
}

static double
now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The --size payload: byte i of a stream that does not repeat soon. */
static void
pattern(unsigned char *p, unsigned long long off, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t x = (off + i) * 0x9e3779b97f4a7c15ULL;

		p[i] = (unsigned char)(x >> 56);
	}
}

struct trip {
	struct sk_tls *tls;		/* --tls: the session, or NULL */
	unsigned char *out, *in;	/* the message, or CHUNK buffers */
	size_t len;			/* the message's length */
	long long size;			/* --size, or -1 */
	unsigned long long got;		/* bytes that came back */
	unsigned long long differ_at;	/* first differing byte */
	bool same;
};

/* Send out while reading as much back, through TLS with --tls. */
static ssize_t
exchange(struct sk_socket *s, const struct trip *t, size_t n,
    struct sk_error *err)
{
	if (t->tls != NULL)
		return sk_tls_exchange(s, t->tls, t->out, n, t->in, n, err);
	return sk_socket_exchange(s, t->out, n, t->in, n, err);
}

/* One round trip: send everything, read as much back (or to EOF). */
static int
round_trip(struct sk_socket *s, struct trip *t, struct sk_error *err)
{
	unsigned long long off = 0, total;
	ssize_t n;
	size_t i, chunk;

	t->got = 0;
	t->same = true;
	if (t->size < 0) {
		if ((n = exchange(s, t, t->len, err)) == -1)
			return -1;
		t->got = (unsigned long long)n;
		t->same = (size_t)n == t->len &&
		    memcmp(t->out, t->in, t->len) == 0;
		for (i = 0; i < (size_t)n && t->out[i] == t->in[i]; i++)
			;
		t->differ_at = i;
		return 0;
	}
	/* A chunk at a time, each sent while its echo is read. */
	total = (unsigned long long)t->size;
	while (off < total) {
		chunk = total - off < CHUNK ? (size_t)(total - off) : CHUNK;
		pattern(t->out, off, chunk);
		if ((n = exchange(s, t, chunk, err)) == -1)
			return -1;
		t->got += (unsigned long long)n;
		if (t->same && ((size_t)n < chunk ||
		    memcmp(t->out, t->in, chunk) != 0)) {
			for (i = 0; i < (size_t)n && t->out[i] == t->in[i];
			    i++)
				;
			t->differ_at = off + i;
			t->same = false;
		}
		if ((size_t)n < chunk)
			break;	/* EOF */
		off += chunk;
	}
	return 0;
}

static void
print_json(struct sk_json *j)
{
	if (sk_json_end(j) == 0)
		(void)fwrite(j->buf.data, 1, j->buf.len, stdout);
	sk_json_free(j);
}

static int
report_mismatch(const struct trip *t, const char *peer)
{
	unsigned long long sent = t->size < 0 ? t->len :
	    (unsigned long long)t->size;

	if (t->got < sent && t->differ_at == t->got)
		cli_warn("%s: echo differs: sent %llu bytes, %llu came back "
		    "before EOF", peer, sent, t->got);
	else
		cli_warn("%s: echo differs from what was sent at byte %llu",
		    peer, t->differ_at);
	return EXIT_DATA;
}

/* The reference's client: one message, "Received b'...'". */
static int
once(struct sk_socket *s, struct trip *t,
    const struct sk_addr *peer, const char *peer_text)
{
	struct sk_error err;
	struct sk_json j = { 0 };
	char *repr;
	size_t need;

	if (round_trip(s, t, &err) == -1)
		return cli_fail(peer_text, &err);
	if (cli_common.json) {
		sk_json_begin(&j);
		sk_json_str(&j, "event", "received");
		sk_json_addr(&j, "peer", peer);
		sk_json_uint(&j, "bytes", t->got);
		if (t->size < 0)
			sk_json_bytes(&j, t->in, (size_t)t->got);
		sk_json_bool(&j, "verified", t->same);
		print_json(&j);
	} else if (t->size >= 0) {
		(void)printf("Received %llu bytes\n", t->got);
	} else {
		need = 4 * (size_t)t->got + 4;
		if ((repr = malloc(need)) == NULL) {
			(void)sk_error_set(&err, SK_ERR_OS, ENOMEM, NULL);
			return cli_fail("output", &err);
		}
		(void)sk_bytes_repr(t->in, (size_t)t->got, repr, need);
		(void)printf("Received %s\n", repr);
		free(repr);
	}
	return t->same ? EXIT_OK : report_mismatch(t, peer_text);
}

static volatile sig_atomic_t interrupted;

static void
on_interrupt(int signo)
{
	(void)signo;
	interrupted = 1;
}

/* --count: a TCP ping. */
static int
ping(const struct opts *o, struct sk_socket *s, struct trip *t,
    const struct sk_addr *peer, const char *peer_text)
{
	struct sk_error err;
	struct sk_json j = { 0 };
	struct sigaction sa = { .sa_handler = on_interrupt };
	struct sk_stats st;
	struct sk_stats_summary sum;
	double t0, rtt;
	long long seq;
	int status = EXIT_OK;
	unsigned long long bytes = t->size < 0 ? t->len :
	    (unsigned long long)t->size;

	/* Ctrl-C ends the run early, with its summary, as ping does. */
	(void)sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGINT, &sa, NULL);
	sk_stats_init(&st);
	for (seq = 1; seq <= o->count && !interrupted; seq++) {
		if (seq > 1 && o->interval > 0) {
			struct timespec ts = { (time_t)o->interval,
			    (long)((o->interval - floor(o->interval)) * 1e9) };

			(void)nanosleep(&ts, NULL);
			if (interrupted)
				break;
		}
		t0 = now_ms();
		if (round_trip(s, t, &err) == -1) {
			status = cli_fail(peer_text, &err);
			break;
		}
		rtt = now_ms() - t0;
		if (sk_stats_add(&st, rtt, &err) == -1) {
			status = cli_fail("--count", &err);
			break;
		}
		if (cli_common.json) {
			sk_json_begin(&j);
			sk_json_str(&j, "event", "rtt");
			sk_json_int(&j, "seq", seq);
			sk_json_uint(&j, "bytes", t->got);
			sk_json_double(&j, "rtt_ms", rtt);
			print_json(&j);
		} else {
			(void)printf("%llu bytes from %s: seq=%lld time=%.3f "
			    "ms\n", t->got, peer_text, seq, rtt);
		}
		if (!t->same) {
			status = report_mismatch(t, peer_text);
			break;
		}
	}
	if (st.n > 0 && sk_stats_summary(&st, &sum, &err) == -1)
		status = cli_fail("--count", &err);
	else if (st.n > 0 && cli_common.json) {
		sk_json_begin(&j);
		sk_json_str(&j, "event", "summary");
		sk_json_addr(&j, "peer", peer);
		sk_json_uint(&j, "count", sum.answered);
		sk_json_uint(&j, "bytes", bytes);
		sk_json_double(&j, "min_ms", sum.min);
		sk_json_double(&j, "avg_ms", sum.avg);
		sk_json_double(&j, "max_ms", sum.max);
		sk_json_double(&j, "mdev_ms", sum.mdev);
		sk_json_double(&j, "p50_ms", sum.p50);
		sk_json_double(&j, "p90_ms", sum.p90);
		sk_json_double(&j, "p99_ms", sum.p99);
		print_json(&j);
	} else if (st.n > 0) {
		(void)printf("%zu round trip%s to %s: "
		    "min/avg/max/mdev = %.3f/%.3f/%.3f/%.3f ms, "
		    "p50/p90/p99 = %.3f/%.3f/%.3f ms\n", sum.answered,
		    sum.answered == 1 ? "" : "s", peer_text, sum.min, sum.avg,
		    sum.max, sum.mdev, sum.p50, sum.p90, sum.p99);
	}
	sk_stats_free(&st);
	return status;
}

/* --stdin: what the relay said at its end. */
struct netcat_run {
	struct sk_loop *loop;
	struct sk_relay_result res;
};

/* --tls: -v's line, a failed verification --insecure let through, and
 * under --json the tls event. */
static void
tls_said(const struct sk_tls *t)
{
	struct sk_events ev = { .fd = STDOUT_FILENO };
	struct sk_tls_info ti;

	if (sk_tls_get_info(t, &ti, NULL) == -1)
		return;
	if (cli_common.json) {
		(void)fflush(stdout);
		(void)sk_event_tls(&ev, &ti, NULL);
	}
	if (ti.verify != SK_TLS_VERIFY_OK && !cli_common.quiet)
		cli_warn("%s: certificate verify failed: %s (--insecure: "
		    "going on)", opt.host, ti.verify_error);
	if (cli_common.verbose)
		(void)fprintf(stderr, "TLS: %s %s\n", ti.version, ti.cipher);
	sk_tls_info_free(&ti);
}

static void
netcat_tls(struct sk_relay *r, enum sk_relay_who end, const struct sk_tls *t,
    void *arg)
{
	(void)r;
	(void)end;
	(void)arg;
	tls_said(t);
}

/* --tls without --stdin: the handshake, before the first round trip. */
static int
tls_start(struct sk_socket *s, struct trip *t, const char *peer_text)
{
	struct sk_error err;

	if ((t->tls = sk_tls_new(tls_ctx, s->fd, opt.host, &err)) == NULL ||
	    sk_tls_exchange(s, t->tls, NULL, 0, NULL, 0, &err) == -1)
		return cli_fail(peer_text, &err);
	tls_said(t->tls);
	return EXIT_OK;
}

/* close_notify before the close, as far as it goes without waiting. */
static void
tls_end(struct trip *t)
{
	int want;

	if (t->tls == NULL)
		return;
	(void)sk_tls_shutdown(t->tls, &want, NULL);
	sk_tls_free(t->tls);
	t->tls = NULL;
}

static void
netcat_done(struct sk_relay *r, const struct sk_relay_result *res, void *arg)
{
	struct netcat_run *nr = arg;

	(void)r;
	nr->res = *res;
	sk_loop_stop(nr->loop);
}

/*
 * netcat: stdin to the server and the server to stdout, both ways at once
 * on the relay engine.  stdin's EOF half-closes the connection and the
 * reply is read to the server's EOF; a server that half-closes first
 * does not end it: stdin goes on being sent until its EOF.  To a
 * terminal the bytes are escaped unless --raw.
 */
static int
netcat(struct sk_socket *s, const char *peer_text)
{
	struct netcat_run nr = { 0 };
	struct sk_relay_config cfg = { .on_done = netcat_done, .arg = &nr };
	struct sk_relay_group_config gc = { 0 };
	struct sk_relay_group *g = NULL;
	struct sk_relay_tty *tty = NULL;
	const struct sk_relay_result *res = &nr.res;
	struct sk_error err;
	int status;

	(void)fflush(stdout);
	if (opt.timeout > 0)
		gc.idle_timeout = opt.timeout;
	cfg.end[SK_RELAY_END_A] = (struct sk_relay_endpoint){ STDIN_FILENO,
	    STDOUT_FILENO, false, NULL };
	cfg.end[SK_RELAY_END_B] = (struct sk_relay_endpoint){ s->fd, s->fd,
	    false, NULL };
	if (!opt.raw && isatty(STDOUT_FILENO)) {
		if ((tty = sk_relay_tty_new(STDOUT_FILENO, &err)) == NULL)
			return cli_fail("stdout", &err);
		cfg.on_data[SK_RELAY_B_TO_A] = sk_relay_tty_write;
		cfg.data_arg[SK_RELAY_B_TO_A] = tty;
	}
	cfg.on_tls = netcat_tls;
	if (tls_ctx != NULL && (cfg.end[SK_RELAY_END_B].tls = sk_tls_new(
	    tls_ctx, s->fd, opt.host, &err)) == NULL) {
		status = cli_fail(peer_text, &err);
		goto out;
	}
	if ((nr.loop = sk_loop_new(&err)) == NULL ||
	    (g = sk_relay_group_new(nr.loop, &gc, &err)) == NULL ||
	    sk_relay_new(g, &cfg, &err) == NULL) {
		sk_tls_free(cfg.end[SK_RELAY_END_B].tls);
		status = cli_fail(peer_text, &err);
		goto out;
	}
	if (sk_loop_run(nr.loop, &err) == -1) {
		status = cli_fail(peer_text, &err);
		goto out;
	}
	if (cli_common.verbose)
		(void)fprintf(stderr, "%llu bytes sent, %llu bytes received\n",
		    (unsigned long long)res->bytes[SK_RELAY_A_TO_B],
		    (unsigned long long)res->bytes[SK_RELAY_B_TO_A]);
	status = EXIT_OK;
	if (res->how == SK_CLOSE_FIN)
		goto out;
	if (res->how == SK_CLOSE_ERROR && res->by == SK_RELAY_END_A &&
	    res->error.code == EPIPE) {
		status = EXIT_OSERR;	/* stdout's reader went away: quietly */
		goto out;
	}
	err = res->error;
	if (res->how == SK_CLOSE_RST && !res->done[SK_RELAY_A_TO_B] &&
	    snprintf(err.message, sizeof(err.message), "%s; input not sent",
	    res->error.message) < 0)
		err = res->error;
	status = cli_fail(res->by != SK_RELAY_END_A ? peer_text :
	    res->writing ? "stdout" : "stdin", &err);
out:
	sk_relay_group_free(g);
	sk_loop_free(nr.loop);
	sk_relay_tty_free(tty);
	return status;
}

static int
connect_unix(struct sk_socket *s, const char *path, double timeout,
    struct sk_error *err)
{
	struct sk_addr a;

	if (sk_addr_unix(&a, path, err) == -1 ||
	    sk_socket_open(s, AF_UNIX, SOCK_STREAM, 0, err) == -1)
		return -1;
	if ((timeout != SK_TIMEOUT_DEFAULT &&
	    sk_socket_settimeout(s, timeout, err) == -1) ||
	    sk_socket_connect(s, &a, err) == -1) {
		(void)sk_socket_close(s, NULL);
		return -1;
	}
	return 0;
}

/* No connection: say which name did not resolve, which source could not
 * be used, or why the last address refused; a connection that was reset
 * at once is named by its address, as a reset later is. */
static int
connect_failed(const struct opts *o, const struct sk_conn_report *r,
    const struct sk_error *err)
{
	char what[300];

	if (o->unix_path != NULL)
		return cli_fail("could not open socket", err);
	switch (r->step) {
	case SK_CONN_RESOLVE:
		return cli_fail_host(o->host, err);
	case SK_CONN_SOURCE:
		(void)snprintf(what, sizeof(what), "source %s%s%s",
		    o->source != NULL ? o->source : "''",
		    cli_given(&o->source_port) ? " port " : "",
		    cli_given(&o->source_port) ? o->source_port.text : "");
		return cli_fail(what, err);
	case SK_CONN_CONNECT:
		break;
	}
	if (r->have_addr && err->kind == SK_ERR_OS &&
	    err->code == ECONNRESET)
		return cli_fail_addr(&r->addr, err);
	(void)cli_fail("could not open socket", err);
	if (r->have_addr)
		cli_addr_hint(&r->addr, err);
	return cli_exit_status(err->kind);
}

static int run(struct opts *o);

static int
main_echo_client(int argc, char **argv)
{
	struct opts *o = &opt;
	int first, status;

	first = cli_parse(argc, argv);
	if ((status = validate(o, argc - first, argv + first)) != EXIT_OK)
		return status;
	status = run(o);
	sk_tls_ctx_free(tls_ctx);
	return status;
}

/* Connect, then the mode the options chose. */
static int
run(struct opts *o)
{
	struct sk_socket s = { .fd = -1 };
	struct sk_conn_report report = { .have_addr = false };
	struct sk_addr peer;
	struct sk_error err;
	struct trip t = { 0 };
	char peer_text[SK_ADDRSTRLEN];
	int status;

	if (o->unix_path != NULL ? connect_unix(&s, o->unix_path, o->timeout,
	    &err) == -1 : sk_create_connection_report(&s, o->host,
	    o->port.text, o->timeout, o->source, cli_given(&o->source_port) ?
	    o->source_port.text : NULL, cli_common.family, &report,
	    &err) == -1)
		return connect_failed(o, &report, &err);
	if (sk_socket_getpeername(&s, &peer, &err) == -1) {
		/* Not connected any more: the server reset the connection
		 * right after it was made (--max-conns, access rules); say
		 * why with the socket's own error, named by the address
		 * connected to, as a reset later is. */
		int e = 0;

		if (sk_socket_getsockopt_int(&s, SOL_SOCKET, SO_ERROR, &e,
		    NULL) == 0 && e != 0)
			(void)sk_error_set(&err, SK_ERR_OS, e, NULL);
		else if (err.code == ENOTCONN)
			(void)sk_error_set(&err, SK_ERR_OS, ECONNRESET, NULL);
		(void)sk_socket_close(&s, NULL);
		if (o->unix_path != NULL)
			return cli_fail(o->unix_path, &err);
		return cli_fail_addr(&report.addr, &err);
	}
	(void)sk_addr_format(&peer, peer_text, sizeof(peer_text));
	if (cli_common.verbose)
		(void)fprintf(stderr, "Connected to %s\n", peer_text);

	if (o->use_stdin) {
		status = netcat(&s, peer_text);
	} else {
		t.size = o->size;
		t.len = strlen(o->message);
		if (o->size >= 0) {
			t.out = malloc(CHUNK);
			t.in = malloc(CHUNK);
		} else if (o->literal) {
			t.out = o->bytes;
			t.len = o->nbytes;
			o->bytes = NULL;
			t.in = malloc(t.len + 1);
		} else {
			t.out = (unsigned char *)strdup(o->message);
			t.in = malloc(t.len + 1);
		}
		if (t.out == NULL || t.in == NULL) {
			(void)sk_error_set(&err, SK_ERR_OS, ENOMEM, NULL);
			status = cli_fail("payload", &err);
		} else if (tls_ctx != NULL &&
		    (status = tls_start(&s, &t, peer_text)) != EXIT_OK) {
			;
		} else if (o->count > 0) {
			status = ping(o, &s, &t, &peer, peer_text);
		} else {
			status = once(&s, &t, &peer, peer_text);
		}
		tls_end(&t);
		free(t.out);
		free(t.in);
	}
	(void)sk_socket_close(&s, NULL);
	if (fflush(stdout) == EOF && errno != EPIPE && status == EXIT_OK)
		status = EXIT_OSERR;
	return status;
}
