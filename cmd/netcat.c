/*
 * netcat.c - the session connect and listen share: one connection
 * relayed both ways at once to stdin and stdout, or to a command, on
 * libsockit's relay engine (sk_relay), with the end-of-connection rule
 * users of every netcat have asked for: our input's EOF half-closes the
 * connection (SHUT_WR) and reading goes on to the peer's EOF, and a peer
 * that half-closes first does not end the session.  Its life is told as
 * events (eof, closed, exec, data) and its end becomes the exit status.
 *
 * Received bytes go to stdout as they are, except to a terminal, where
 * valid UTF-8, TAB, LF and CR LF pass and every other control byte and
 * invalid byte is shown as \xNN (--raw: as they are), and with --json,
 * where they become data events.
 *
 * With --tls the connection is a TLS session whose handshake the relay
 * drives: its facts become the tls event, a failed verification ends
 * the session with exit 6 (--insecure: said on stderr, and it goes on),
 * and stdin's EOF sends close_notify while the reply is read on.
 */
#include <sys/queue.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netcat.h"

struct nc_options nc_opt;
struct sk_events nc_events = { .fd = -1 };
struct sk_tls_ctx *nc_tls;
const char *nc_tls_host;
static char nc_reason[256];

struct nc_session {
	struct sk_addr peer;
	struct sk_child child;
	pid_t pid;		/* the command's, for its exec event */
	bool has_child;
	bool done;		/* the relay ended */
	int status;		/* the relay's exit status, once done */
	int *in_fd;		/* stdin, -1 once its EOF was read */
	struct sk_relay_tty *tty;	/* stdout is a terminal: its hook */
	struct sk_loop *loop;
	struct nc_pool *pool;	/* NULL: nc_serve's one session */
	struct sk_relay *relay;
	LIST_ENTRY(nc_session) link;
};

LIST_HEAD(nc_list, nc_session);

struct nc_pool {
	struct sk_loop *loop;
	struct sk_relay_group *group;
	struct nc_list sessions;
	size_t n;
};

const char *
nc_addr(const struct sk_addr *a, char *buf, size_t size)
{
	(void)sk_addr_format_noscope(a, buf, size);
	return buf;
}

int
nc_fail(const char *what, const struct sk_error *err)
{
	(void)snprintf(nc_reason, sizeof(nc_reason), "%.96s: %.150s", what,
	    err->message);
	return cli_fail(what, err);
}

int
nc_setup(void)
{
	struct sk_error err;

	if (nc_opt.send_only && nc_opt.recv_only)
		return cli_usage("cannot use --send-only with --recv-only");
	if (nc_opt.events != NULL && cli_common.json)
		return cli_usage("cannot use --events with --json");
	if (nc_opt.exec != NULL && nc_opt.exec[0] == '\0')
		return cli_usage("--exec: the command is empty");
	if (cli_common.json)
		sk_events_use_fd(&nc_events, STDOUT_FILENO);
	else if (nc_opt.events != NULL &&
	    sk_events_open(&nc_events, nc_opt.events, &err) == -1)
		return nc_fail(nc_opt.events, &err);
	return EXIT_OK;
}

int
nc_tls_setup(bool server, bool udp)
{
	if (udp && cli_tls.on)
		return cli_usage("cannot use --tls with -u");
	return cli_tls_context(server, &nc_tls);
}

int
nc_finish(int status, const char *reason)
{
	sk_tls_ctx_free(nc_tls);
	nc_tls = NULL;
	if (!cli_common.json && sk_events_on(&nc_events))
		(void)sk_event_exit(&nc_events, status, status == EXIT_OK ?
		    "ok" : reason != NULL ? reason : nc_reason[0] != '\0' ?
		    nc_reason : "failed", NULL);
	sk_events_close(&nc_events);
	return status;
}

/* Received bytes, to a terminal (escaped) or as data events. */
static int
on_data(struct sk_relay *r, enum sk_relay_dir dir, const void *data,
    size_t n, void *arg, struct sk_error *err)
{
	struct nc_session *s = arg;

	if (s->tty != NULL)
		return sk_relay_tty_write(r, dir, data, n, s->tty, err);
	return n == 0 ? 0 : sk_event_data(&nc_events, data, n, err);
}

static void
on_eof(struct sk_relay *r, enum sk_relay_dir dir, uint64_t bytes, void *arg)
{
	struct nc_session *s = arg;

	(void)r;
	if (dir == SK_RELAY_A_TO_B) {
		(void)sk_event_eof(&nc_events, SK_SIDE_PEER, bytes, NULL);
		return;
	}
	(void)sk_event_eof(&nc_events, SK_SIDE_LOCAL, bytes, NULL);
	if (!s->has_child && s->in_fd != NULL)
		*s->in_fd = -1;		/* stdin is spent */
}

static void pool_done(struct nc_session *s);

/* The handshake's facts: the tls event, -v's line, and a failed
 * verification that --insecure let through. */
static void
on_tls(struct sk_relay *r, enum sk_relay_who end, const struct sk_tls *tls,
    void *arg)
{
	struct nc_session *s = arg;
	struct sk_tls_info ti;
	struct sk_error err;
	char a[SK_ADDRSTRLEN];

	(void)r;
	(void)end;
	if (sk_tls_get_info(tls, &ti, &err) == -1)
		return;
	(void)sk_event_tls(&nc_events, &ti, NULL);
	if (ti.verify != SK_TLS_VERIFY_OK && !cli_common.quiet)
		cli_warn("%s: certificate verify failed: %s (--insecure: "
		    "going on)", nc_addr(&s->peer, a, sizeof(a)),
		    ti.verify_error);
	if (cli_common.verbose)
		(void)fprintf(stderr, "TLS with %s: %s %s%s%s\n",
		    nc_addr(&s->peer, a, sizeof(a)), ti.version, ti.cipher,
		    ti.alpn[0] != '\0' ? ", ALPN " : "", ti.alpn);
	sk_tls_info_free(&ti);
}

/* The relay's end as an exit status, its error said on stderr. */
static int
relay_status(struct nc_session *s, const struct sk_relay_result *res)
{
	char a[SK_ADDRSTRLEN], what[SK_ADDRSTRLEN + 16];

	switch (res->how) {
	case SK_CLOSE_FIN:
		return EXIT_OK;
	case SK_CLOSE_TIMEOUT:
	case SK_CLOSE_RST:
	case SK_CLOSE_ERROR:
	default:
		break;
	}
	if (res->by == SK_RELAY_END_B && res->error.code == EPIPE &&
	    !s->has_child)
		return EXIT_OK;		/* stdout's reader went away */
	if (res->by == SK_RELAY_END_B && res->how != SK_CLOSE_TIMEOUT)
		(void)snprintf(what, sizeof(what), "%s", s->has_child ?
		    "--exec" : "stdio");
	else
		(void)snprintf(what, sizeof(what), "%s",
		    nc_addr(&s->peer, a, sizeof(a)));
	if (res->error.kind == SK_ERR_NONE) {
		struct sk_error e;

		(void)sk_error_set(&e, res->how == SK_CLOSE_TIMEOUT ?
		    SK_ERR_TIMEOUT : SK_ERR_OS, res->how == SK_CLOSE_TIMEOUT ?
		    ETIMEDOUT : res->how == SK_CLOSE_RST ? ECONNRESET : EIO,
		    NULL);
		return nc_fail(what, &e);
	}
	return nc_fail(what, &res->error);
}

static void
on_done(struct sk_relay *r, const struct sk_relay_result *res, void *arg)
{
	struct nc_session *s = arg;
	struct sk_close_info ci;
	int fd = sk_relay_fd(r, SK_RELAY_END_A, false);

	s->relay = NULL;
	memset(&ci, 0, sizeof(ci));
	sk_relay_close_info(res, SK_RELAY_END_A,
	    sk_addr_family(&s->peer) == AF_UNIX ? -1 : fd, &ci);
	ci.peer = s->peer;
	(void)sk_event_closed(&nc_events, &ci, NULL);
	s->status = relay_status(s, res);
	s->done = true;
	if (s->pool != NULL)
		pool_done(s);
	else
		sk_loop_stop(s->loop);
}

/* The command's end: the exec event; non-zero is a failure. */
static int
child_status(struct nc_session *s, int st)
{
	struct sk_json j;

	sk_event_begin(&j, "exec");
	sk_json_int(&j, "pid", (long long)s->pid);
	sk_json_int(&j, "status", st);
	(void)sk_event_emit(&nc_events, &j, NULL);
	if (st == 0)
		return EXIT_OK;
	(void)snprintf(nc_reason, sizeof(nc_reason),
	    "--exec: the command exited with status %d", st);
	if (!cli_common.quiet)
		cli_warn("%s", nc_reason);
	return EXIT_OSERR;
}

static int
session_start(struct nc_session *s, struct sk_relay_group *g,
    struct sk_socket *sock, const struct sk_addr *local, int *in_fd)
{
	struct sk_relay_config rc;
	struct sk_error err;
	char a[SK_ADDRSTRLEN];

	memset(&rc, 0, sizeof(rc));
	s->in_fd = in_fd;
	s->child.pid = -1;
	rc.end[SK_RELAY_END_A].rfd = sock->fd;
	rc.end[SK_RELAY_END_A].wfd = sock->fd;
	rc.end[SK_RELAY_END_A].close = true;
	if (nc_tls != NULL && (rc.end[SK_RELAY_END_A].tls = sk_tls_new(nc_tls,
	    sock->fd, nc_tls_host, &err)) == NULL)
		return nc_fail(nc_addr(&s->peer, a, sizeof(a)), &err);
	if (nc_opt.exec != NULL) {
		if (sk_child_spawn(&s->child, nc_opt.exec, &s->peer, local,
		    &err) == -1) {
			sk_tls_free(rc.end[SK_RELAY_END_A].tls);
			return nc_fail("--exec", &err);
		}
		s->has_child = true;
		s->pid = s->child.pid;
		rc.end[SK_RELAY_END_B].rfd = s->child.out_fd;
		rc.end[SK_RELAY_END_B].wfd = s->child.in_fd;
		rc.end[SK_RELAY_END_B].close = true;
	} else {
		if (!nc_opt.raw && !cli_common.json &&
		    isatty(STDOUT_FILENO) &&
		    (s->tty = sk_relay_tty_new(STDOUT_FILENO, &err)) == NULL)
			return nc_fail("stdout", &err);
		rc.end[SK_RELAY_END_B].rfd = in_fd != NULL ? *in_fd : -1;
		rc.end[SK_RELAY_END_B].wfd = STDOUT_FILENO;
		if (s->tty != NULL || cli_common.json)
			rc.on_data[SK_RELAY_A_TO_B] = on_data;
	}
	rc.off[SK_RELAY_A_TO_B] = nc_opt.send_only;
	rc.off[SK_RELAY_B_TO_A] = nc_opt.recv_only;
	rc.on_eof = on_eof;
	rc.on_done = on_done;
	rc.on_tls = on_tls;
	rc.arg = s;
	/* -w bounds the TLS handshake as it bounds the connect: a peer that
	 * never finishes it ends the session as a timeout (exit 4). */
	rc.handshake_timeout = cli_common.timeout;
	if ((s->relay = sk_relay_new(g, &rc, &err)) == NULL) {
		sk_tls_free(rc.end[SK_RELAY_END_A].tls);
		if (s->has_child) {
			int st;

			sk_child_close(&s->child);
			(void)sk_child_wait(&s->child, true, &st, NULL);
			s->has_child = false;
		}
		return nc_fail(nc_addr(&s->peer, a, sizeof(a)), &err);
	}
	(void)sk_socket_detach(sock);	/* the relay's now */
	return EXIT_OK;
}

/* The stop signal that came (nc_catch_stop), or 0. */
static volatile sig_atomic_t stop_signal;
static bool catching;		/* nc_catch_stop was called */

/* A stop signal while a connection is served: it ends, and so does the
 * loop. */
static void
serve_stop(struct sk_loop *loop, int signo, void *data)
{
	struct sk_relay_group *g = data;

	stop_signal = signo;
	sk_relay_group_close_all(g, SK_CLOSE_ERROR);
	sk_loop_stop(loop);
}

static struct sk_relay_group *
group_new(struct sk_loop *loop, struct sk_error *err)
{
	struct sk_relay_group_config gc;

	memset(&gc, 0, sizeof(gc));
	gc.idle_timeout = nc_opt.idle_timeout;
	return sk_relay_group_new(loop, &gc, err);
}

int
nc_serve(struct sk_socket *sock, const struct sk_addr *peer,
    const struct sk_addr *local, int *in_fd)
{
	struct nc_session s;
	struct sk_loop *loop;
	struct sk_relay_group *g = NULL;
	struct sk_error err;
	sigset_t stop;
	int status, st;

	memset(&s, 0, sizeof(s));
	s.peer = *peer;
	(void)sigemptyset(&stop);
	(void)sigaddset(&stop, SIGINT);
	(void)sigaddset(&stop, SIGTERM);
	if ((loop = sk_loop_new(&err)) == NULL ||
	    (g = group_new(loop, &err)) == NULL ||
	    (catching && sk_loop_signal(loop, &stop, serve_stop, g,
	    &err) == -1)) {
		sk_relay_group_free(g);
		sk_loop_free(loop);
		(void)sk_socket_close(sock, NULL);
		return nc_fail("event loop", &err);
	}
	s.loop = loop;
	status = session_start(&s, g, sock, local, in_fd);
	if (status != EXIT_OK) {
		(void)sk_socket_close(sock, NULL);
	} else if (sk_loop_run(loop, &err) == -1) {
		status = nc_fail("event loop", &err);
	} else if (s.done) {
		status = s.status;
	}
	sk_relay_group_free(g);
	sk_loop_free(loop);
	sk_relay_tty_free(s.tty);
	if (s.has_child && sk_child_wait(&s.child, true, &st, &err) == 1 &&
	    child_status(&s, st) != EXIT_OK && status == EXIT_OK)
		status = EXIT_OSERR;
	return status;
}

/*
 * The pool: listen -k --exec.
 */

static void
session_free(struct nc_session *s)
{
	LIST_REMOVE(s, link);
	s->pool->n--;
	sk_relay_tty_free(s->tty);
	free(s);
}

/* A session is over when its relay ended and its command was reaped. */
static void
pool_done(struct nc_session *s)
{
	int st;

	if (s->has_child && s->child.pid > 0 &&
	    sk_child_wait(&s->child, false, &st, NULL) == 1)
		(void)child_status(s, st);
	if (s->child.pid <= 0)
		session_free(s);
}

void
nc_pool_reap(struct nc_pool *p)
{
	struct nc_session *s, *next;
	int st;

	for (s = LIST_FIRST(&p->sessions); s != NULL; s = next) {
		next = LIST_NEXT(s, link);
		if (s->child.pid > 0 &&
		    sk_child_wait(&s->child, false, &st, NULL) == 1) {
			(void)child_status(s, st);
			if (s->done)
				session_free(s);
		}
	}
}

struct nc_pool *
nc_pool_new(struct sk_loop *loop, struct sk_error *err)
{
	struct nc_pool *p;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		(void)sk_error_set(err, SK_ERR_OS, ENOMEM, NULL);
		return NULL;
	}
	p->loop = loop;
	LIST_INIT(&p->sessions);
	if ((p->group = group_new(loop, err)) == NULL) {
		nc_pool_free(p);
		return NULL;
	}
	return p;
}

int
nc_pool_add(struct nc_pool *p, struct sk_socket *sock,
    const struct sk_addr *peer, const struct sk_addr *local)
{
	struct nc_session *s;
	struct sk_error err;
	int status;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		(void)sk_socket_close(sock, NULL);
		(void)sk_error_set(&err, SK_ERR_OS, ENOMEM, NULL);
		return nc_fail("--exec", &err);
	}
	s->peer = *peer;
	s->loop = p->loop;
	s->pool = p;
	LIST_INSERT_HEAD(&p->sessions, s, link);
	p->n++;
	status = session_start(s, p->group, sock, local, NULL);
	if (status != EXIT_OK) {
		(void)sk_socket_close(sock, NULL);
		session_free(s);
	}
	return status;
}

size_t
nc_pool_count(const struct nc_pool *p)
{
	return p->n;
}

void
nc_pool_free(struct nc_pool *p)
{
	struct nc_session *s, *next;
	int st;

	if (p == NULL)
		return;
	if (p->group != NULL)
		sk_relay_group_free(p->group);	/* each session's on_done */
	for (s = LIST_FIRST(&p->sessions); s != NULL; s = next) {
		next = LIST_NEXT(s, link);
		if (s->child.pid > 0 &&
		    sk_child_wait(&s->child, true, &st, NULL) == 1)
			(void)child_status(s, st);
		session_free(s);
	}
	free(p);
}

static void
on_stop_signal(int signo)
{
	stop_signal = signo;
}

bool
nc_stopped(void)
{
	return stop_signal != 0;
}

void
nc_catch_stop(sigset_t *waitmask)
{
	struct sigaction sa;
	sigset_t block;

	catching = true;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigemptyset(&block);
	(void)sigaddset(&block, SIGINT);
	(void)sigaddset(&block, SIGTERM);
	(void)sigprocmask(SIG_BLOCK, &block, waitmask);
	(void)sigdelset(waitmask, SIGINT);
	(void)sigdelset(waitmask, SIGTERM);
}
