/*
 * test-echo.c - the echo server engine (lib/event/echo.c) and the two-way
 * helpers (lib/event/relay.c): a server on 127.0.0.1 port 0 run in a thread;
 * sk_socket_exchange round trips through it, small and large, with the
 * events in order (listening, connected, closed) carrying the right
 * addresses and byte counts, and the stats to match; the half-close; once
 * mode, max_conns, idle_timeout, the copy path with a small buffer,
 * several workers, AF_UNIX, IPv4 and IPv6 together without mapped
 * addresses, stop from another thread and from a signal; configuration
 * errors that leave nothing open; sk_socket_exchange's timeout, EOF and
 * errors.  (netcat's relay is the relay engine's: test-relay-engine.c.)
 *
 * Every port is 0, every wait is bounded (a server's run is joined with a
 * deadline and stopped if it overruns), and alarm(2) ends the program if
 * something still hangs.  Runs under valgrind in CI: leak-free, every
 * thread joined, the payloads small enough.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sockit.h"
#include "helpers.h"
#include "tap.h"

#define BIG		(1 << 20)	/* bytes in a large round trip */
#define MAX_EVENTS	64

/*
 * The server's events, recorded as they come (from the server's thread)
 * and waited for (from the test's).
 */
struct event {
	enum sk_echo_event event;
	bool has_addr, has_error;
	struct sk_addr addr;
	unsigned long long bytes;
	int code;
};

struct recorder {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct event ev[MAX_EVENTS];
	int n;
};

static void
recorder_init(struct recorder *r)
{
	memset(r, 0, sizeof(*r));
	(void)pthread_mutex_init(&r->mu, NULL);
	(void)pthread_cond_init(&r->cv, NULL);
}

static void
recorder_fini(struct recorder *r)
{
	(void)pthread_mutex_destroy(&r->mu);
	(void)pthread_cond_destroy(&r->cv);
}

static void
on_event(const struct sk_echo_info *info, void *data)
{
	struct recorder *r = data;
	struct event *e;

	(void)pthread_mutex_lock(&r->mu);
	if (r->n < MAX_EVENTS) {
		e = &r->ev[r->n++];
		memset(e, 0, sizeof(*e));
		e->event = info->event;
		e->bytes = info->bytes;
		if (info->addr != NULL) {
			e->has_addr = true;
			e->addr = *info->addr;
		}
		if (info->error != NULL) {
			e->has_error = true;
			e->code = info->error->code;
		}
	}
	(void)pthread_cond_broadcast(&r->cv);
	(void)pthread_mutex_unlock(&r->mu);
}

/* Wait until n events came; false if they did not within PATIENCE. */
static bool
wait_events(struct recorder *r, int n)
{
	struct timespec until;
	bool got;

	(void)clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += (time_t)PATIENCE;
	(void)pthread_mutex_lock(&r->mu);
	while (r->n < n)
		if (pthread_cond_timedwait(&r->cv, &r->mu, &until) != 0)
			break;
	got = r->n >= n;
	(void)pthread_mutex_unlock(&r->mu);
	if (!got)
		diag("waited for %d events, got %d", n, r->n);
	return got;
}

/* A copy of event i (after wait_events said it came). */
static struct event
event_at(struct recorder *r, int i)
{
	struct event e;

	(void)pthread_mutex_lock(&r->mu);
	e = r->ev[i];
	(void)pthread_mutex_unlock(&r->mu);
	return e;
}

/*
 * A server running in a thread.
 */
struct runner {
	struct sk_echo_server *srv;
	struct recorder rec;
	pthread_t tid;
	bool started;
	int rc;
	struct sk_error err;
	char port[16];
};

static void *
run_server(void *arg)
{
	struct runner *r = arg;

	r->rc = sk_echo_server_run(r->srv, &r->err);
	return NULL;
}

/* Make a server from cfg (events to r->rec) and, when start, run it.
 * Returns false after reporting a failure. */
static bool
server_start(struct runner *r, struct sk_echo_config *cfg, bool start)
{
	struct sk_error err;

	memset(r, 0, sizeof(*r));
	recorder_init(&r->rec);
	cfg->on_event = on_event;
	cfg->data = &r->rec;
	if ((r->srv = sk_echo_server_new(cfg, &err)) == NULL) {
		ok(false, "sk_echo_server_new: %s", err.message);
		recorder_fini(&r->rec);
		return false;
	}
	(void)snprintf(r->port, sizeof(r->port), "%u",
	    sk_echo_server_port(r->srv));
	r->rc = -2;
	if (start) {
		if (pthread_create(&r->tid, NULL, run_server, r) != 0) {
			ok(false, "pthread_create");
			sk_echo_server_free(r->srv);
			recorder_fini(&r->rec);
			return false;
		}
		r->started = true;
	}
	return true;
}

/* Join the server's thread within seconds; if it has not ended by then,
 * stop it (to go on) and return false. */
static bool
server_join(struct runner *r, double seconds)
{
	struct timespec until;

	if (!r->started)
		return true;
	(void)clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += (time_t)seconds;
	until.tv_nsec += (long)((seconds - (double)(time_t)seconds) * 1e9);
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	r->started = false;
	if (pthread_timedjoin_np(r->tid, NULL, &until) == 0)
		return true;
	sk_echo_server_stop(r->srv);
	(void)pthread_join(r->tid, NULL);
	return false;
}

/* Stop from this thread, join, free. */
static void
server_finish(struct runner *r, const char *what)
{
	sk_echo_server_stop(r->srv);
	ok(server_join(r, PATIENCE), "%s: sk_echo_server_stop from another "
	    "thread ends the run", what);
	is_int(r->rc, 0, "%s: the run returned 0", what);
	sk_echo_server_free(r->srv);
	recorder_fini(&r->rec);
}

/*
 * The basic case: events, addresses, bytes, half-close, stats.
 */
static void
test_echo(void)
{
	struct sk_echo_config cfg = { .host = "127.0.0.1", .port = "0" };
	struct runner r;
	struct sk_socket c;
	struct sk_addr local;
	struct sk_echo_stats st;
	struct sk_error err;
	struct event e;
	char b[SK_ADDRSTRLEN], in[16];
	ssize_t n;

	if (!server_start(&r, &cfg, false))
		return;
	is_int(r.rec.n, 1, "sk_echo_server_new reports its one listener");
	e = event_at(&r.rec, 0);
	ok(e.event == SK_ECHO_LISTENING && e.has_addr && !e.has_error,
	    "... as a listening event with an address");
	ok(sk_echo_server_port(r.srv) > 0, "a port was picked for port 0");
	(void)snprintf(b, sizeof(b), "('127.0.0.1', %u)",
	    sk_echo_server_port(r.srv));
	is_str(addr_str(&e.addr), b, "... the listener's address");
	r.started = pthread_create(&r.tid, NULL, run_server, &r) == 0;
	if (!r.started || !tcp_client(&c, "127.0.0.1", r.port)) {
		server_finish(&r, "echo");
		return;
	}
	(void)sk_socket_getsockname(&c, &local, &err);

	is_int(sk_socket_exchange(&c, "hello", 5, in, 5, &err), 5,
	    "exchange: 5 bytes back");
	is_mem(in, 5, "hello", 5, "... the same 5 bytes");
	ok(round_trip(&c, BIG, 0), "exchange: 1 MiB sent while it is read "
	    "back, byte for byte");
	/* Fewer read than sent: the rest waits in the socket. */
	is_int(sk_socket_exchange(&c, "0123456789", 10, in, 4, &err), 4,
	    "exchange: 10 sent, 4 read");
	is_int(sk_socket_exchange(&c, NULL, 0, in + 4, 6, &err), 6,
	    "... and then the other 6");
	is_mem(in, 10, "0123456789", 10, "... in order");
	is_int(sk_socket_exchange(&c, NULL, 0, NULL, 0, &err), 0,
	    "exchange of nothing: 0 at once");

	/* Half-close: the rest comes back, then EOF. */
	is_int(sk_socket_sendall(&c, "tail", 4, 0, &err), 0, "send a tail");
	is_int(sk_socket_shutdown(&c, SHUT_WR, &err), 0, "shutdown(SHUT_WR)");
	n = sk_socket_exchange(&c, NULL, 0, in, sizeof(in), &err);
	is_int(n, 4, "after the half-close: the tail, then EOF");
	is_mem(in, 4, "tail", 4, "... the tail's bytes");
	is_int(sk_socket_recv_into(&c, in, 1, 0, &err), 0, "... EOF stays");

	ok(wait_events(&r.rec, 3), "connected and closed events came");
	e = event_at(&r.rec, 1);
	ok(e.event == SK_ECHO_CONNECTED && e.has_addr, "then: connected");
	is_str(addr_str(&e.addr), addr_str(&local),
	    "... by the client's address");
	e = event_at(&r.rec, 2);
	ok(e.event == SK_ECHO_CLOSED && !e.has_error, "then: closed, no error");
	is_str(addr_str(&e.addr), addr_str(&local), "... the same peer");
	is_int((long long)e.bytes, 5 + BIG + 10 + 4, "... every byte counted");
	(void)sk_socket_close(&c, NULL);
	sk_echo_server_stats(r.srv, &st);
	is_int((long long)st.connections, 1, "stats: 1 connection");
	is_int((long long)st.bytes, 5 + BIG + 10 + 4, "stats: the bytes");
	ok(st.refused == 0 && st.idle == 0, "stats: none refused or idle");
	is_int(r.rec.n, 3, "no more events than these");
	server_finish(&r, "echo");
}

/* Both families with the default host: two listeners, one port, and an
 * IPv4 client is never a mapped IPv6 address. */
static void
test_dual_stack(void)
{
	struct sk_echo_config cfg = { .host = NULL, .port = "0" };
	struct runner r;
	struct sk_socket c;
	struct event e;
	char want[64];
	int i;

	if (!sk_has_ipv6()) {
		skip("no IPv6 on this system");
		return;
	}
	if (!server_start(&r, &cfg, true))
		return;
	is_int(r.rec.n, 2, "the default host: two listeners");
	for (i = 0; i < 2; i++) {
		e = event_at(&r.rec, i);
		(void)snprintf(want, sizeof(want), i == 0 ? "('0.0.0.0', %s)" :
		    "('::', %s, 0, 0)", r.port);
		is_str(addr_str(&e.addr), want, "listener %d", i + 1);
	}
	if (tcp_client(&c, "127.0.0.1", r.port)) {
		ok(round_trip(&c, 100, 0), "an IPv4 client is echoed");
		(void)sk_socket_close(&c, NULL);
	}
	if (tcp_client(&c, "::1", r.port)) {
		ok(round_trip(&c, 100, 0), "an IPv6 client is echoed");
		(void)sk_socket_close(&c, NULL);
	}
	if (wait_events(&r.rec, 6)) {
		e = event_at(&r.rec, 2);
		ok(e.event == SK_ECHO_CONNECTED &&
		    sk_addr_family(&e.addr) == AF_INET,
		    "the IPv4 client is AF_INET, not ::ffff: (%s)",
		    addr_str(&e.addr));
		for (i = 3; i < 6; i++) {
			e = event_at(&r.rec, i);
			if (e.event == SK_ECHO_CONNECTED)
				break;
		}
		ok(i < 6 && sk_addr_family(&e.addr) == AF_INET6 &&
		    strncmp(addr_str(&e.addr), "('::1', ", 8) == 0,
		    "the IPv6 client is ('::1', ...) (%s)", addr_str(&e.addr));
	}
	server_finish(&r, "dual stack");
}

/* once: the first client only; the run ends by itself after it. */
static void
test_once(void)
{
	struct sk_echo_config cfg = { .host = "127.0.0.1", .port = "0",
	    .once = true };
	struct runner r;
	struct sk_socket c, d;
	struct sk_echo_stats st;
	struct sk_error err;

	if (!server_start(&r, &cfg, true))
		return;
	if (!tcp_client(&c, "127.0.0.1", r.port)) {
		server_finish(&r, "once");
		return;
	}
	ok(wait_events(&r.rec, 2), "once: the client is connected");
	is_int(sk_create_connection(&d, "127.0.0.1", r.port, PATIENCE, NULL,
	    NULL, AF_INET, &err), -1, "once: a second client cannot connect");
	is_err(&err, SK_ERR_OS, ECONNREFUSED, NULL, "... refused");
	ok(round_trip(&c, 1000, 0), "once: the first is served");
	(void)sk_socket_close(&c, NULL);
	ok(server_join(&r, PATIENCE), "once: the run ends by itself");
	is_int(r.rc, 0, "once: it returned 0");
	sk_echo_server_stats(r.srv, &st);
	ok(st.connections == 1 && st.bytes == 1000, "once: 1 connection, "
	    "1000 bytes");
	sk_echo_server_free(r.srv);
	recorder_fini(&r.rec);
}

/* max_conns 1: a second client is reset at once, unechoed. */
static void
test_max_conns(void)
{
	struct sk_echo_config cfg = { .host = "127.0.0.1", .port = "0",
	    .max_conns = 1 };
	struct runner r;
	struct sk_socket c, d;
	struct sk_addr local;
	struct sk_echo_stats st;
	struct sk_error err;
	struct event e;
	char buf[4];
	ssize_t n;

	if (!server_start(&r, &cfg, true))
		return;
	if (tcp_client(&c, "127.0.0.1", r.port)) {
		ok(round_trip(&c, 10, 0), "max_conns 1: the first is served");
		/* The reset may come before the connect is seen to be
		 * done, which is as good. */
		if (sk_create_connection(&d, "127.0.0.1", r.port, PATIENCE,
		    NULL, NULL, AF_UNSPEC, &err) == -1) {
			is_int(err.code, ECONNRESET, "max_conns 1: the second "
			    "is reset at once (while connecting)");
			ok(wait_events(&r.rec, 3), "... with an event");
			e = event_at(&r.rec, 2);
			ok(e.event == SK_ECHO_REFUSED, "... 'refused'");
		} else {
			(void)sk_socket_getsockname(&d, &local, &err);
			n = sk_socket_recv_into(&d, buf, sizeof(buf), 0, &err);
			ok(n == -1 && err.code == ECONNRESET,
			    "max_conns 1: the second is reset at once");
			ok(wait_events(&r.rec, 3), "... with an event");
			e = event_at(&r.rec, 2);
			ok(e.event == SK_ECHO_REFUSED, "... 'refused'");
			is_str(addr_str(&e.addr), addr_str(&local),
			    "... for that client");
			(void)sk_socket_close(&d, NULL);
		}
		ok(round_trip(&c, 10, 10), "the first is still served");
		(void)sk_socket_close(&c, NULL);
	}
	sk_echo_server_stats(r.srv, &st);
	is_int((long long)st.refused, 1, "stats: 1 refused");
	server_finish(&r, "max_conns");
}

/* idle_timeout: an idle connection is closed, with its own event. */
static void
test_idle(void)
{
	struct sk_echo_config cfg = { .host = "127.0.0.1", .port = "0",
	    .idle_timeout = 0.2 };
	struct runner r;
	struct sk_socket c;
	struct sk_echo_stats st;
	struct sk_error err;
	struct event e;
	char buf[4];

	if (!server_start(&r, &cfg, true))
		return;
	if (tcp_client(&c, "127.0.0.1", r.port)) {
		is_int(sk_socket_recv_into(&c, buf, sizeof(buf), 0, &err), 0,
		    "idle_timeout 0.2: the idle client gets EOF");
		ok(wait_events(&r.rec, 3), "... and there is an event");
		e = event_at(&r.rec, 2);
		ok(e.event == SK_ECHO_IDLE && e.bytes == 0,
		    "... SK_ECHO_IDLE, 0 bytes");
		(void)sk_socket_close(&c, NULL);
	}
	sk_echo_server_stats(r.srv, &st);
	is_int((long long)st.idle, 1, "stats: 1 closed idle");
	server_finish(&r, "idle");
}

/* The copy path and a small bound, and splice with the same bound. */
static void
test_buffers(void)
{
	struct sk_echo_config cfg = { .host = "127.0.0.1", .port = "0",
	    .buffer = 4096 };
	struct runner r;
	struct sk_socket c;
	struct sk_echo_stats st;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		cfg.no_splice = pass == 0;
		if (!server_start(&r, &cfg, true))
			return;
		if (tcp_client(&c, "127.0.0.1", r.port)) {
			ok(round_trip(&c, BIG, 0), "%s, buffer 4096: 1 MiB "
			    "byte for byte", cfg.no_splice ? "no_splice" :
			    "splice");
			(void)sk_socket_close(&c, NULL);
		}
		(void)wait_events(&r.rec, 3);
		sk_echo_server_stats(r.srv, &st);
		is_int((long long)st.bytes, BIG, "... all of it counted");
		server_finish(&r, cfg.no_splice ? "no_splice" : "splice");
	}
}

/* Several workers share the port; all are stopped. */
static void
test_workers(void)
{
	struct sk_echo_config cfg = { .host = "127.0.0.1", .port = "0",
	    .workers = 3 };
	struct runner r;
	struct sk_socket c[6];
	struct sk_echo_stats st;
	int i, served = 0, open = 0;

	if (!server_start(&r, &cfg, true))
		return;
	for (i = 0; i < 6; i++)
		if (tcp_client(&c[i], "127.0.0.1", r.port))
			open++;
	for (i = 0; i < open; i++) {
		served += round_trip(&c[i], 5000, (size_t)i);
		(void)sk_socket_close(&c[i], NULL);
	}
	is_int(served, 6, "workers 3: 6 clients at once, all served");
	(void)wait_events(&r.rec, 1 + 12);
	sk_echo_server_stats(r.srv, &st);
	ok(st.connections == 6 && st.bytes == 30000, "workers 3: stats add "
	    "up over the workers (%llu, %llu)", st.connections, st.bytes);
	server_finish(&r, "workers");
}

/*
 * A stop that comes before the run: with one worker the run returns at
 * once; with several, every worker must see it too.
 */
static void
test_stop_before_run(void)
{
	struct sk_echo_config cfg = { .host = "127.0.0.1", .port = "0" };
	struct runner r;
	unsigned int workers;

	for (workers = 1; workers <= 4; workers += 3) {
		cfg.workers = workers;
		if (!server_start(&r, &cfg, false))
			return;
		sk_echo_server_stop(r.srv);
		r.started = pthread_create(&r.tid, NULL, run_server, &r) == 0;
		ok(server_join(&r, PATIENCE), "workers %u, a stop before the "
		    "run: the run returns", workers);
		is_int(r.rc, 0, "... with 0");
		sk_echo_server_free(r.srv);
		recorder_fini(&r.rec);
	}
}

/* A stop signal, blocked by the caller, read by the server's loop. */
static void
test_signal(void)
{
	struct sk_echo_config cfg = { .host = "127.0.0.1", .port = "0" };
	struct runner r;
	sigset_t set, old;
	bool ended;

	(void)sigemptyset(&set);
	(void)sigaddset(&set, SIGUSR1);
	(void)pthread_sigmask(SIG_BLOCK, &set, &old);
	cfg.stop_signals = &set;
	if (server_start(&r, &cfg, true)) {
		(void)kill(getpid(), SIGUSR1);
		ended = server_join(&r, PATIENCE);
		ok(ended, "a stop signal ends the run");
		is_int(r.rc, 0, "... which returns 0");
		sk_echo_server_free(r.srv);
		recorder_fini(&r.rec);
	}
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* AF_UNIX: a path (removed at the end) and an abstract name. */
static void
test_unix(void)
{
	struct sk_echo_config cfg = { .port = NULL };
	struct runner r;
	struct sk_socket c;
	struct sk_addr a;
	struct sk_error err;
	struct stat sb;
	struct event e;
	char dir[] = "/tmp/sockit-test-echo-XXXXXX", path[64], abstract[64];
	int pass;

	if (mkdtemp(dir) == NULL) {
		ok(false, "mkdtemp: %s", strerror(errno));
		return;
	}
	(void)snprintf(path, sizeof(path), "%s/s", dir);
	(void)snprintf(abstract, sizeof(abstract), "@sockit-test-echo-%ld",
	    (long)getpid());
	for (pass = 0; pass < 2; pass++) {
		cfg.unix_path = pass == 0 ? path : abstract;
		if (!server_start(&r, &cfg, true))
			break;
		e = event_at(&r.rec, 0);
		ok(sk_addr_family(&e.addr) == AF_UNIX, "%s: an AF_UNIX "
		    "listener (%s)", cfg.unix_path, addr_str(&e.addr));
		is_int(sk_echo_server_port(r.srv), 0, "... port 0");
		if (sk_addr_unix(&a, cfg.unix_path, &err) == 0 &&
		    sk_socket_open(&c, AF_UNIX, SOCK_STREAM, 0, &err) == 0) {
			(void)sk_socket_settimeout(&c, PATIENCE, &err);
			if (sk_socket_connect(&c, &a, &err) == 0)
				ok(round_trip(&c, 100000, 0), "... 100000 "
				    "bytes byte for byte");
			else
				ok(false, "connect: %s", err.message);
			(void)sk_socket_close(&c, NULL);
		}
		server_finish(&r, cfg.unix_path);
	}
	ok(lstat(path, &sb) == -1 && errno == ENOENT,
	    "the socket file is removed by sk_echo_server_free");
	(void)unlink(path);
	(void)rmdir(dir);
}

/* Bad configurations fail with nothing left open. */
static void
test_config_errors(void)
{
	struct sk_echo_config cfg = { .host = "127.0.0.1", .port = "0" };
	struct sk_echo_server *srv;
	struct runner r;
	struct sk_error err;
	int fds = count_fds();

	cfg.port = NULL;
	ok(sk_echo_server_new(&cfg, &err) == NULL, "no port and no path: "
	    "fails");
	is_err(&err, SK_ERR_VALUE, EINVAL, NULL, "... EINVAL");
	cfg.port = "0";
	cfg.workers = SK_ECHO_WORKERS_MAX + 1;
	ok(sk_echo_server_new(&cfg, &err) == NULL, "too many workers: fails");
	is_err(&err, SK_ERR_VALUE, EINVAL, NULL, "... EINVAL");
	cfg.workers = 0;
	cfg.buffer = 100;
	ok(sk_echo_server_new(&cfg, &err) == NULL, "a 100-byte buffer: fails");
	is_err(&err, SK_ERR_VALUE, EINVAL, NULL, "... EINVAL");
	cfg.buffer = 0;
	cfg.host = "nosuch.invalid";
	ok(sk_echo_server_new(&cfg, &err) == NULL, "a host that does not "
	    "resolve: fails");
	is_err(&err, SK_ERR_GAIERROR, ANY_CODE, NULL, "... gaierror");
	cfg.host = "127.0.0.1";
	if (server_start(&r, &cfg, false)) {
		cfg.port = r.port;
		srv = sk_echo_server_new(&cfg, &err);
		ok(srv == NULL, "a port in use: fails");
		is_err(&err, SK_ERR_OS, EADDRINUSE, NULL, "... EADDRINUSE");
		sk_echo_server_free(srv);
		sk_echo_server_free(r.srv);
		recorder_fini(&r.rec);
	}
	is_int(count_fds(), fds, "failures leave no descriptor open");
}

/*
 * sk_socket_exchange's edges, on a socketpair whose other end does not
 * echo.
 */
static void
test_exchange_errors(void)
{
	struct sk_socket p[2], closed = { .fd = -1 };
	struct sk_error err;
	char in[8];

	if (sk_socketpair(p, AF_UNIX, SOCK_STREAM, 0, &err) == -1) {
		ok(false, "socketpair: %s", err.message);
		return;
	}
	(void)sk_socket_settimeout(&p[0], 0.2, &err);
	is_int(sk_socket_exchange(&p[0], "x", 1, in, 1, &err), -1,
	    "exchange with no answer, timeout 0.2: fails");
	is_err(&err, SK_ERR_TIMEOUT, ETIMEDOUT, "timed out",
	    "... socket.timeout");
	(void)sk_socket_settimeout(&p[0], 0, &err);
	is_int(sk_socket_exchange(&p[0], "x", 1, in, 1, &err), -1,
	    "exchange with no answer, non-blocking: fails");
	is_err(&err, SK_ERR_OS, EAGAIN, NULL, "... EAGAIN");
	(void)sk_socket_settimeout(&p[0], PATIENCE, &err);
	/* Read the two "x" first: closing with unread bytes is a reset. */
	is_int(sk_socket_recv_into(&p[1], in, sizeof(in), 0, &err), 2,
	    "the peer got both");
	(void)sk_socket_sendall(&p[1], "ab", 2, 0, &err);
	(void)sk_socket_close(&p[1], NULL);
	is_int(sk_socket_exchange(&p[0], NULL, 0, in, sizeof(in), &err), 2,
	    "exchange until EOF: the 2 bytes there were");
	is_mem(in, 2, "ab", 2, "... those bytes");
	is_int(sk_socket_exchange(&p[0], "zz", 2, NULL, 0, &err), -1,
	    "sending to a closed peer fails");
	is_err(&err, SK_ERR_OS, EPIPE, NULL, "... EPIPE, and no SIGPIPE");
	(void)sk_socket_close(&p[0], NULL);
	is_int(sk_socket_exchange(&closed, "x", 1, in, 1, &err), -1,
	    "exchange on a closed socket fails");
	is_err(&err, SK_ERR_OS, EBADF, NULL, "... EBADF");
}

int
main(void)
{
	int fds;

	(void)alarm(120);
	(void)signal(SIGPIPE, SIG_IGN);
	fds = count_fds();
	test_echo();
	test_dual_stack();
	test_once();
	test_max_conns();
	test_idle();
	test_buffers();
	test_workers();
	test_stop_before_run();
	test_signal();
	test_unix();
	test_config_errors();
	test_exchange_errors();
	is_int(count_fds(), fds, "no file descriptor is left open");
	return done_testing();
}
