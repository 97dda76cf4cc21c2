/*
 * echo_client.c - sockit echo-client: the reference's echo client ("Echo
 * client program"), made real.  It connects to HOST 'localhost' and PORT
 * 50007 the way the reference's dual-stack client does (every address the
 * resolver gives, in order: create_connection), sends 'Hello, world' and
 * prints "Received b'Hello, world'", checking that what came back is what
 * went out (exit 5 if not).  --count makes it a TCP ping, --size sends a
 * generated payload of any size, --stdin is netcat.
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
	bool use_stdin;
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

static const struct cli_option options[] = {
	CLI_OPT_IPV4("connect over IPv4 only"),
	CLI_OPT_IPV6("connect over IPv6 only"),
	CLI_STRING('m', "message", &opt.message, "MESSAGE",
	    "send MESSAGE (default 'Hello, world')"),
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
	CLI_PATH(0, "unix", &opt.unix_path, "PATH",
	    "connect to the stream AF_UNIX socket at PATH instead"),
	CLI_OPT_VERBOSE,
	CLI_OPT_QUIET,
	CLI_OPT_JSON,
	CLI_OPT_END
};

static int main_echo_client(int, char **);

const struct cli_command cmd_echo_client = {
	"[-4|-6] [-m MESSAGE] [-w SECONDS] [-s HOST] [--source-port PORT]\n"
	"    [--count N] [--interval SECONDS] [--size BYTES] [--stdin]\n"
	"    [--unix PATH] [HOST [PORT]]",
	"Connect to HOST and PORT ('localhost' and 50007 by default), trying\n"
	"every address HOST has in order, send MESSAGE, read until as many\n"
	"bytes came back (or EOF) and print \"Received b'...'\".  Exit 5 when\n"
	"the echo differs from what was sent.  --count N: N timed round\n"
	"trips and their min/avg/max/p50/p99.  --stdin: copy stdin to the\n"
	"server and the server to stdout until the server closes; stdin's\n"
	"EOF shuts down the sending side.",
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
	return EXIT_OK;
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
	unsigned char *out, *in;	/* the message, or CHUNK buffers */
	size_t len;			/* the message's length */
	long long size;			/* --size, or -1 */
	unsigned long long got;		/* bytes that came back */
	unsigned long long differ_at;	/* first differing byte */
	bool same;
};

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
		if ((n = sk_socket_exchange(s, t->out, t->len, t->in, t->len,
		    err)) == -1)
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
		if ((n = sk_socket_exchange(s, t->out, chunk, t->in, chunk,
		    err)) == -1)
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

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The nearest-rank percentile of n sorted values. */
static double
percentile(const double *v, size_t n, double p)
{
	size_t rank = (size_t)ceil(p / 100 * (double)n);

	return v[rank == 0 ? 0 : rank - 1];
}

/* --count: a TCP ping. */
static int
ping(const struct opts *o, struct sk_socket *s, struct trip *t,
    const struct sk_addr *peer, const char *peer_text)
{
	struct sk_error err;
	struct sk_json j = { 0 };
	struct sigaction sa = { .sa_handler = on_interrupt };
	double *rtt = NULL, *more, t0, sum = 0;
	size_t n = 0, cap = 0;
	long long seq;
	int status = EXIT_OK;
	unsigned long long bytes = t->size < 0 ? t->len :
	    (unsigned long long)t->size;

	/* Ctrl-C ends the run early, with its summary, as ping does. */
	(void)sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGINT, &sa, NULL);
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
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((more = reallocarray(rtt, cap, sizeof(*rtt)))
			    == NULL) {
				(void)sk_error_set(&err, SK_ERR_OS, ENOMEM,
				    NULL);
				status = cli_fail("--count", &err);
				break;
			}
			rtt = more;
		}
		rtt[n] = now_ms() - t0;
		sum += rtt[n];
		if (cli_common.json) {
			sk_json_begin(&j);
			sk_json_str(&j, "event", "rtt");
			sk_json_int(&j, "seq", seq);
			sk_json_uint(&j, "bytes", t->got);
			sk_json_double(&j, "rtt_ms", rtt[n]);
			print_json(&j);
		} else {
			(void)printf("%llu bytes from %s: seq=%lld time=%.3f "
			    "ms\n", t->got, peer_text, seq, rtt[n]);
		}
		n++;
		if (!t->same) {
			status = report_mismatch(t, peer_text);
			break;
		}
	}
	if (n > 0) {
		double min, max, avg = sum / (double)n;

		qsort(rtt, n, sizeof(*rtt), cmp_double);
		min = rtt[0];
		max = rtt[n - 1];
		if (cli_common.json) {
			sk_json_begin(&j);
			sk_json_str(&j, "event", "summary");
			sk_json_addr(&j, "peer", peer);
			sk_json_uint(&j, "count", n);
			sk_json_uint(&j, "bytes", bytes);
			sk_json_double(&j, "min_ms", min);
			sk_json_double(&j, "avg_ms", avg);
			sk_json_double(&j, "max_ms", max);
			sk_json_double(&j, "p50_ms", percentile(rtt, n, 50));
			sk_json_double(&j, "p99_ms", percentile(rtt, n, 99));
			print_json(&j);
		} else {
			(void)printf("%zu round trip%s to %s: "
			    "min/avg/max = %.3f/%.3f/%.3f ms, "
			    "p50/p99 = %.3f/%.3f ms\n", n, n == 1 ? "" : "s",
			    peer_text, min, avg, max, percentile(rtt, n, 50),
			    percentile(rtt, n, 99));
		}
	}
	free(rtt);
	return status;
}

/* --stdin to a terminal: bytes from the network are escaped there. */
static int
to_terminal(void *ctx, const void *data, size_t n, struct sk_error *err)
{
	const unsigned char *p = data;
	struct sk_buf *b = ctx;
	size_t i;

	sk_buf_reset(b);
	for (i = 0; i < n; i++) {
		if ((p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\') ||
		    p[i] == '\n' || p[i] == '\t')
			(void)sk_buf_putc(b, (char)p[i]);
		else if (p[i] == '\\')
			(void)sk_buf_append(b, "\\\\", 2);
		else
			(void)sk_buf_printf(b, "\\x%02x", p[i]);
	}
	if (b->data == NULL && n > 0)
		return sk_error_set(err, SK_ERR_OS, ENOMEM, NULL);
	if (fwrite(b->data, 1, b->len, stdout) != b->len || fflush(stdout))
		return sk_error_set(err, SK_ERR_OS, errno, NULL);
	return 0;
}

static int
netcat(struct sk_socket *s, const char *peer_text)
{
	struct sk_relay_stats st;
	struct sk_error err;
	struct sk_buf b = { 0 };
	bool tty = isatty(STDOUT_FILENO);
	int rc;

	(void)fflush(stdout);
	rc = sk_socket_relay(s, STDIN_FILENO, STDOUT_FILENO,
	    tty ? to_terminal : NULL, &b, &st, &err);
	sk_buf_free(&b);
	if (rc == -1)
		return cli_fail(st.failed == SK_RELAY_INPUT ? "stdin" :
		    st.failed == SK_RELAY_OUTPUT ? "stdout" : peer_text, &err);
	if (cli_common.verbose)
		(void)fprintf(stderr, "%llu bytes sent, %llu bytes received\n",
		    st.sent, st.received);
	if (st.unsent > 0) {
		cli_warn("%s: the server closed the connection with %zu bytes "
		    "of input not sent", peer_text, st.unsent);
		return EXIT_OSERR;
	}
	return EXIT_OK;
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

static int
main_echo_client(int argc, char **argv)
{
	struct opts *o = &opt;
	struct sk_socket s = { .fd = -1 };
	struct sk_addr peer;
	struct sk_error err;
	struct trip t = { 0 };
	char peer_text[SK_ADDRSTRLEN];
	int first, status;

	first = cli_parse(argc, argv);
	if ((status = validate(o, argc - first, argv + first)) != EXIT_OK)
		return status;

	if ((o->unix_path != NULL ? connect_unix(&s, o->unix_path, o->timeout,
	    &err) : sk_create_connection(&s, o->host, o->port.text, o->timeout,
	    o->source, cli_given(&o->source_port) ? o->source_port.text : NULL,
	    cli_common.family, &err)) == -1)
		return cli_fail("could not open socket", &err);
	if (sk_socket_getpeername(&s, &peer, &err) == -1) {
		/* Not connected any more: the server reset the connection
		 * right after it was made (--max-conns, access rules); say
		 * why with the socket's own error. */
		int e = 0;

		if (sk_socket_getsockopt_int(&s, SOL_SOCKET, SO_ERROR, &e,
		    NULL) == 0 && e != 0)
			(void)sk_error_set(&err, SK_ERR_OS, e, NULL);
		else if (err.code == ENOTCONN)
			(void)sk_error_set(&err, SK_ERR_OS, ECONNRESET, NULL);
		(void)sk_socket_close(&s, NULL);
		return cli_fail(o->unix_path != NULL ? o->unix_path : o->host,
		    &err);
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
		} else {
			t.out = (unsigned char *)strdup(o->message);
			t.in = malloc(t.len + 1);
		}
		if (t.out == NULL || t.in == NULL) {
			(void)sk_error_set(&err, SK_ERR_OS, ENOMEM, NULL);
			status = cli_fail("payload", &err);
		} else if (o->count > 0) {
			status = ping(o, &s, &t, &peer, peer_text);
		} else {
			status = once(&s, &t, &peer, peer_text);
		}
		free(t.out);
		free(t.in);
	}
	(void)sk_socket_close(&s, NULL);
	if (fflush(stdout) == EOF && errno != EPIPE && status == EXIT_OK)
		status = EXIT_OSERR;
	return status;
}
