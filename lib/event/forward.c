/*
 * forward.c - a port forwarder on one event loop (loop.c): TCP (RFC 9293)
 * clients accepted on every listening socket are connected to the
 * upstream HOST PORT, every address in order, non-blocking, each attempt
 * bounded by the connect timeout, and then relayed both ways by the relay
 * engine (relay_engine.c), so a half-close and a reset travel through
 * and memory per connection is bounded.  An upstream that refuses or
 * does not answer in time gets the client reset, and the forwarder goes
 * on.  Either side may be TLS, its handshake driven by the relay engine
 * once upstream is connected: terminated from the clients, originated
 * to upstream (verified as a client verifies), both handshakes bounded
 * by the handshake timeout.  UDP (RFC 768): one
 * upstream socket per client address, forgotten
 * after the idle timeout; replies go back to the client that sent.
 *
 * A stop (a stop signal or sk_forward_stop) closes the listeners and lets
 * open connections finish for at most the drain time, then resets what
 * is left.
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netdb.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sockit-int.h"

#define MAX_LISTENERS	16
#define ACCEPT_BATCH	1024	/* accepts per readiness: a whole burst */
#define DGRAM_BATCH	64	/* datagrams per readiness */
#define PAUSE_MS	100	/* retry accept after EMFILE */
#define UDP_MAX		65536

struct fwd_listener {
	int fd;
	struct sk_addr addr;
};

/* A client whose upstream connection is being made. */
struct pending {
	struct sk_forward *f;
	int cfd, ufd;
	struct sk_addr peer;
	size_t next;		/* the upstream address to try next */
	int attempt;
	long long timer;
	long long started;	/* ms, for the attempt's time */
	TAILQ_ENTRY(pending) link;
};

/* A relayed connection. */
struct conn {
	struct sk_forward *f;
	struct sk_addr peer;
	int cfd;
	unsigned long long id;
};

/* A UDP client and its upstream socket. */
struct session {
	struct sk_forward *f;
	struct sk_addr peer;
	int lfd;		/* the listening socket it wrote to */
	int ufd;
	long long last;
	TAILQ_ENTRY(session) link;	/* oldest activity first */
};

TAILQ_HEAD(pending_list, pending);
TAILQ_HEAD(session_list, session);

struct sk_forward {
	struct sk_forward_config cfg;
	struct sk_loop *loop;
	struct sk_relay_group *group;
	struct fwd_listener ls[MAX_LISTENERS];
	size_t nls;
	struct sk_addrinfo *up;
	size_t nup;
	struct pending_list pending;
	struct session_list sessions;
	size_t npending, nsessions;
	unsigned long long next_id;
	long long sweep;
	bool stopping;
	bool paused, warned;	/* accept out of descriptors */
	long long pause_timer;
	long long drain_timer;
	char *dgram;
};

static void
emit(struct sk_forward *f, struct sk_forward_info *info)
{
	if (f->cfg.on_event != NULL)
		f->cfg.on_event(info, f->cfg.data);
}

static void
emit_simple(struct sk_forward *f, enum sk_forward_event ev,
    const struct sk_addr *addr, const struct sk_error *error)
{
	struct sk_forward_info info = { .event = ev, .addr = addr,
	    .error = error };

	emit(f, &info);
}

static long long
mono_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Turn a client away with a reset: it knows at once and for sure. */
static void
reset_close(int fd)
{
	struct linger lg = { 1, 0 };

	(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	(void)close(fd);
}

static size_t
active(const struct sk_forward *f)
{
	return sk_relay_group_count(f->group) + f->npending;
}

/* Stopping and nothing left: the run ends. */
static void
maybe_done(struct sk_forward *f)
{
	if (f->stopping && active(f) == 0 && f->nsessions == 0)
		sk_loop_stop(f->loop);
}

/*
 * Listening.
 */

static void
close_listeners(struct sk_forward *f)
{
	size_t i;

	for (i = 0; i < f->nls; i++) {
		sk_loop_del(f->loop, f->ls[i].fd);
		(void)close(f->ls[i].fd);
	}
	f->nls = 0;
}

/* Every address HOST has, one port (listen.c). */
static int
listen_all(struct sk_forward *f, struct sk_error *err)
{
	struct sk_socket s[MAX_LISTENERS];
	ssize_t n, i;

	n = sk_listen_all(s, MAX_LISTENERS, f->cfg.host, f->cfg.port,
	    f->cfg.family, f->cfg.udp ? SK_LISTEN_DGRAM : 0, err);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++) {
		f->ls[i].fd = s[i].fd;
		if (sk_socket_getsockname(&s[i], &f->ls[i].addr, err) == -1) {
			f->nls = (size_t)n;
			close_listeners(f);
			return -1;
		}
	}
	f->nls = (size_t)n;
	return 0;
}

/*
 * TCP: connecting upstream, then relaying.
 */

static void
relay_eof(struct sk_relay *r, enum sk_relay_dir dir, uint64_t bytes,
    void *arg)
{
	struct conn *c = arg;
	struct sk_forward_info info = { .event = SK_FORWARD_EOF,
	    .addr = &c->peer, .id = c->id, .bytes = bytes };

	(void)r;
	/* The client's EOF went upstream; or upstream's EOF reached the
	 * client, when we shut down our side towards it. */
	info.side = dir == SK_RELAY_A_TO_B ? SK_SIDE_PEER : SK_SIDE_LOCAL;
	emit(c->f, &info);
}

static void
relay_done(struct sk_relay *r, const struct sk_relay_result *res, void *arg)
{
	struct conn *c = arg;
	struct sk_forward *f = c->f;
	struct sk_close_info ci;
	struct sk_forward_info info = { .event = SK_FORWARD_CLOSED,
	    .addr = &c->peer, .id = c->id, .closed = &ci };

	(void)r;
	memset(&ci, 0, sizeof(ci));
	sk_relay_close_info(res, SK_RELAY_END_A, c->cfd, &ci);
	ci.peer = c->peer;
	info.error = res->how == SK_CLOSE_FIN ? NULL : &res->error;
	emit(f, &info);
	free(c);
	/* After this callback the relay is gone: count it out first. */
	if (f->stopping && sk_relay_group_count(f->group) == 0 &&
	    f->npending == 0 && f->nsessions == 0)
		sk_loop_stop(f->loop);
}

static void pending_free(struct pending *p, bool reset_client);

/* A handshake ended well: the client's (end A) or upstream's (end B). */
static void
relay_tls(struct sk_relay *r, enum sk_relay_who end, const struct sk_tls *tls,
    void *arg)
{
	struct conn *c = arg;
	struct sk_tls_info ti;
	struct sk_forward_info info = { .event = SK_FORWARD_TLS,
	    .addr = &c->peer, .id = c->id, .tls = &ti };

	(void)r;
	if (sk_tls_get_info(tls, &ti, NULL) == -1)
		return;
	info.side = end == SK_RELAY_END_A ? SK_SIDE_PEER : SK_SIDE_LOCAL;
	emit(c->f, &info);
	sk_tls_info_free(&ti);
}

/* The TLS sessions a connection's ends need, in rc; -1 with err. */
static int
tls_ends(const struct sk_forward *f, const struct pending *p,
    struct sk_relay_config *rc, struct sk_error *err)
{
	if (f->cfg.tls != NULL && (rc->end[SK_RELAY_END_A].tls =
	    sk_tls_new(f->cfg.tls, p->cfd, NULL, err)) == NULL)
		return -1;
	if (f->cfg.to_tls != NULL && (rc->end[SK_RELAY_END_B].tls =
	    sk_tls_new(f->cfg.to_tls, p->ufd, f->cfg.to_host, err)) ==
	    NULL) {
		sk_tls_free(rc->end[SK_RELAY_END_A].tls);
		rc->end[SK_RELAY_END_A].tls = NULL;
		return -1;
	}
	rc->on_tls = relay_tls;
	/* A client that never finishes its handshake is dropped. */
	rc->handshake_timeout = f->cfg.handshake_timeout > 0 ?
	    f->cfg.handshake_timeout : SK_FORWARD_HANDSHAKE;
	return 0;
}

static void
start_relay(struct pending *p)
{
	struct sk_forward *f = p->f;
	struct sk_relay_config rc = { .on_eof = relay_eof,
	    .on_done = relay_done };
	struct sk_error err;
	struct conn *c;
	int one = 1;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		pending_free(p, true);
		return;
	}
	c->f = f;
	c->peer = p->peer;
	c->cfd = p->cfd;
	c->id = ++f->next_id;
	(void)setsockopt(p->ufd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	rc.arg = c;
	rc.end[SK_RELAY_END_A] = (struct sk_relay_endpoint){ p->cfd, p->cfd,
	    true, NULL };
	rc.end[SK_RELAY_END_B] = (struct sk_relay_endpoint){ p->ufd, p->ufd,
	    true, NULL };
	{
		struct sk_addr local;
		socklen_t len = sizeof(local.u);
		struct sk_forward_info info = { .event = SK_FORWARD_CONNECTED,
		    .addr = &p->peer, .id = c->id, .ms = -1 };

		if (getsockname(p->cfd, &local.u.sa, &len) == 0) {
			local.len = len;
			info.local = &local;
		}
		emit(f, &info);
	}
	if (tls_ends(f, p, &rc, &err) == -1 ||
	    sk_relay_new(f->group, &rc, &err) == NULL) {
		sk_tls_free(rc.end[SK_RELAY_END_A].tls);
		sk_tls_free(rc.end[SK_RELAY_END_B].tls);
		emit_simple(f, SK_FORWARD_WARNING, &p->peer, &err);
		free(c);
		pending_free(p, true);
		return;
	}
	/* The relay owns both descriptors now. */
	p->cfd = p->ufd = -1;
	pending_free(p, false);
}

static void try_next(struct pending *p);

static void
attempt_over(struct pending *p, int code)
{
	struct sk_forward_info info = { .event = SK_FORWARD_CONNECT,
	    .addr = &p->peer, .upstream = &p->f->up[p->next].addr,
	    .attempt = p->attempt, .code = code,
	    .ms = (double)(mono_ms() - p->started) };

	emit(p->f, &info);
	if (p->timer > 0)
		sk_loop_timer_del(p->f->loop, p->timer);
	p->timer = 0;
	sk_loop_del(p->f->loop, p->ufd);
	if (code == 0) {
		start_relay(p);
		return;
	}
	(void)close(p->ufd);
	p->ufd = -1;
	p->next++;
	try_next(p);
}

static void
connect_event(struct sk_loop *loop, int fd, void *data, int events)
{
	struct pending *p = data;
	socklen_t len = sizeof(int);
	int e = 0;

	(void)loop;
	(void)events;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) == -1)
		e = errno;
	attempt_over(p, e);
}

static long long
connect_timer(struct sk_loop *loop, long long id, void *data)
{
	struct pending *p = data;

	(void)loop;
	(void)id;
	p->timer = 0;
	attempt_over(p, ETIMEDOUT);
	return -1;
}

static void
attempt_failed(struct pending *p, const struct sk_addr *a, int code)
{
	struct sk_forward_info info = { .event = SK_FORWARD_CONNECT,
	    .addr = &p->peer, .upstream = a, .attempt = p->attempt,
	    .code = code, .ms = (double)(mono_ms() - p->started) };

	if (p->ufd != -1)
		(void)close(p->ufd);
	p->ufd = -1;
	emit(p->f, &info);
}

/*
 * A non-blocking connect(2): 0 connected, 1 in progress, -1 failed
 * (errno).  It is asked twice: a peer that answered while the first call
 * ran (loopback always does) is connected by the second, a loop turn
 * sooner than its readiness would say so.
 */
static int
connect_now(int fd, const struct sk_addr *a)
{
	if (connect(fd, &a->u.sa, a->len) == 0)
		return 0;
	if (errno != EINPROGRESS)
		return -1;
	if (connect(fd, &a->u.sa, a->len) == 0 || errno == EISCONN)
		return 0;
	return errno == EALREADY ? 1 : -1;
}

/* The next upstream address; none left: the client is reset. */
static void
try_next(struct pending *p)
{
	struct sk_forward *f = p->f;
	const struct sk_addr *a;
	struct sk_error err;
	long long ms;
	int rc;

	for (; p->next < f->nup; p->next++) {
		a = &f->up[p->next].addr;
		p->attempt++;
		p->started = mono_ms();
		p->ufd = socket(sk_addr_family(a), SOCK_STREAM | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, 0);
		if (p->ufd == -1) {
			attempt_failed(p, a, errno);
			continue;
		}
		if ((rc = connect_now(p->ufd, a)) == -1) {
			attempt_failed(p, a, errno);
			continue;
		}
		if (rc == 0) {
			attempt_over(p, 0);
			return;
		}
		if (sk_loop_add(f->loop, p->ufd, SK_LOOP_WRITABLE,
		    connect_event, p, &err) == -1) {
			attempt_failed(p, a, err.code);
			continue;
		}
		if (f->cfg.connect_timeout > 0) {
			ms = (long long)(f->cfg.connect_timeout * 1000 + 0.5);
			p->timer = sk_loop_timer_add(f->loop, ms > 0 ? ms : 1,
			    connect_timer, p, NULL);
		}
		return;
	}
	/* Every address refused or timed out. */
	pending_free(p, true);
}

static void
pending_free(struct pending *p, bool reset_client)
{
	struct sk_forward *f = p->f;

	if (p->timer > 0)
		sk_loop_timer_del(f->loop, p->timer);
	if (p->ufd != -1) {
		sk_loop_del(f->loop, p->ufd);
		(void)close(p->ufd);
	}
	if (p->cfd != -1) {
		if (reset_client)
			reset_close(p->cfd);
		else
			(void)close(p->cfd);
	}
	if (reset_client)
		emit_simple(f, SK_FORWARD_UPSTREAM_FAILED, &p->peer, NULL);
	TAILQ_REMOVE(&f->pending, p, link);
	f->npending--;
	free(p);
	maybe_done(f);
}

static void
accept_one(struct sk_forward *f, int fd, const struct sk_addr *peer)
{
	struct pending *p;
	unsigned int max = f->cfg.max_conns ? f->cfg.max_conns :
	    SK_FORWARD_MAX_CONNS;

	if (active(f) >= max) {
		reset_close(fd);
		emit_simple(f, SK_FORWARD_REFUSED, peer, NULL);
		return;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		reset_close(fd);
		return;
	}
	p->f = f;
	p->cfd = fd;
	p->ufd = -1;
	p->peer = *peer;
	TAILQ_INSERT_TAIL(&f->pending, p, link);
	f->npending++;
	emit_simple(f, SK_FORWARD_ACCEPTED, peer, NULL);
	try_next(p);
}

static void accept_event(struct sk_loop *, int, void *, int);

static long long
resume_timer(struct sk_loop *loop, long long id, void *data)
{
	struct sk_forward *f = data;
	size_t i;

	(void)id;
	f->pause_timer = 0;
	if (!f->paused || f->stopping)
		return -1;
	f->paused = false;
	for (i = 0; i < f->nls; i++)
		(void)sk_loop_add(loop, f->ls[i].fd, SK_LOOP_READABLE,
		    accept_event, f, NULL);
	return -1;
}

/*
 * Out of descriptors (or memory): a level-triggered listener would wake
 * the loop again at once, so the listeners are left alone for a moment;
 * connections waiting in the backlog are taken when they come back.
 * One warning until an accept works again.
 */
static void
pause_accept(struct sk_forward *f, int e)
{
	struct sk_error err;
	size_t i;

	if (f->paused)
		return;
	for (i = 0; i < f->nls; i++)
		sk_loop_del(f->loop, f->ls[i].fd);
	f->paused = true;
	f->pause_timer = sk_loop_timer_add(f->loop, PAUSE_MS, resume_timer, f,
	    NULL);
	if (f->warned)
		return;
	f->warned = true;
	(void)sk_error_set(&err, SK_ERR_OS, e, NULL);
	emit_simple(f, SK_FORWARD_WARNING, NULL, &err);
}

static void
accept_event(struct sk_loop *loop, int lfd, void *data, int events)
{
	struct sk_forward *f = data;
	struct sk_addr peer;
	socklen_t len;
	int fd, i, spare = -1;

	(void)loop;
	(void)events;
	/* The whole burst at once: the listener is served again only after
	 * every connection ready before it, so a client left in the backlog
	 * would wait that long once more for each batch. */
	for (i = 0; i < ACCEPT_BATCH && !f->stopping; i++) {
		/* A client is taken only when its upstream socket can be
		 * had too: a descriptor is held for it across accept(2). */
		if (!f->cfg.udp &&
		    (spare = fcntl(lfd, F_DUPFD_CLOEXEC, 0)) == -1) {
			if (errno == EMFILE || errno == ENFILE)
				pause_accept(f, errno);
			return;
		}
		len = sizeof(peer.u);
		fd = accept4(lfd, &peer.u.sa, &len, SOCK_NONBLOCK |
		    SOCK_CLOEXEC);
		if (spare != -1)
			(void)close(spare);
		if (fd == -1) {
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM)
				pause_accept(f, errno);
			return;
		}
		f->warned = false;
		peer.len = len;
		if (sk_acl_check(f->cfg.acl, &peer) != SK_ACL_ALLOW) {
			reset_close(fd);
			emit_simple(f, SK_FORWARD_DENIED, &peer, NULL);
			continue;
		}
		accept_one(f, fd, &peer);
	}
}

/*
 * UDP: a session per client address.
 */

static void
session_free(struct session *s)
{
	struct sk_forward *f = s->f;

	sk_loop_del(f->loop, s->ufd);
	(void)close(s->ufd);
	TAILQ_REMOVE(&f->sessions, s, link);
	f->nsessions--;
	emit_simple(f, SK_FORWARD_FORGOTTEN, &s->peer, NULL);
	free(s);
}

static void
session_touch(struct session *s)
{
	struct sk_forward *f = s->f;

	s->last = sk_loop_now(f->loop);
	if (TAILQ_LAST(&f->sessions, session_list) != s) {
		TAILQ_REMOVE(&f->sessions, s, link);
		TAILQ_INSERT_TAIL(&f->sessions, s, link);
	}
}

/* A reply from upstream: back to the client that sent. */
static void
upstream_event(struct sk_loop *loop, int fd, void *data, int events)
{
	struct session *s = data;
	ssize_t n;
	int i;

	(void)loop;
	(void)events;
	for (i = 0; i < DGRAM_BATCH; i++) {
		n = recv(fd, s->f->dgram, UDP_MAX, MSG_DONTWAIT);
		if (n < 0)
			return;	/* EAGAIN, or an ICMP error: dropped */
		(void)sendto(s->lfd, s->f->dgram, (size_t)n, MSG_DONTWAIT,
		    &s->peer.u.sa, s->peer.len);
		session_touch(s);
	}
}

static struct session *
session_for(struct sk_forward *f, int lfd, const struct sk_addr *peer)
{
	struct session *s;
	struct sk_error err;
	size_t i;

	TAILQ_FOREACH(s, &f->sessions, link)
		if (s->lfd == lfd && s->peer.len == peer->len &&
		    memcmp(&s->peer.u, &peer->u, peer->len) == 0)
			return s;
	if (f->stopping || (f->cfg.max_conns &&
	    f->nsessions >= f->cfg.max_conns))
		return NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->f = f;
	s->peer = *peer;
	s->lfd = lfd;
	s->ufd = -1;
	/* The first upstream address that a socket connects to. */
	for (i = 0; i < f->nup && s->ufd == -1; i++) {
		s->ufd = socket(sk_addr_family(&f->up[i].addr), SOCK_DGRAM |
		    SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (s->ufd != -1 && connect(s->ufd, &f->up[i].addr.u.sa,
		    f->up[i].addr.len) == -1) {
			(void)close(s->ufd);
			s->ufd = -1;
		}
	}
	if (s->ufd == -1 || sk_loop_add(f->loop, s->ufd, SK_LOOP_READABLE,
	    upstream_event, s, &err) == -1) {
		if (s->ufd != -1)
			(void)close(s->ufd);
		free(s);
		return NULL;
	}
	TAILQ_INSERT_TAIL(&f->sessions, s, link);
	f->nsessions++;
	emit_simple(f, SK_FORWARD_ACCEPTED, peer, NULL);
	return s;
}

static void
datagram_event(struct sk_loop *loop, int lfd, void *data, int events)
{
	struct sk_forward *f = data;
	struct session *s;
	struct sk_addr peer;
	socklen_t len;
	ssize_t n;
	int i;

	(void)loop;
	(void)events;
	for (i = 0; i < DGRAM_BATCH; i++) {
		len = sizeof(peer.u);
		n = recvfrom(lfd, f->dgram, UDP_MAX, MSG_DONTWAIT,
		    &peer.u.sa, &len);
		if (n < 0)
			return;
		peer.len = len;
		if (sk_acl_check(f->cfg.acl, &peer) != SK_ACL_ALLOW) {
			emit_simple(f, SK_FORWARD_DENIED, &peer, NULL);
			continue;
		}
		if ((s = session_for(f, lfd, &peer)) == NULL)
			continue;
		(void)send(s->ufd, f->dgram, (size_t)n, MSG_DONTWAIT);
		session_touch(s);
	}
}

static long long
sweep_timer(struct sk_loop *loop, long long id, void *data)
{
	struct sk_forward *f = data;
	struct session *s, *next;
	long long now = sk_loop_now(loop), idle;

	(void)id;
	idle = (long long)(f->cfg.idle_timeout * 1000 + 0.5);
	for (s = TAILQ_FIRST(&f->sessions); s != NULL && now - s->last >= idle;
	    s = next) {
		next = TAILQ_NEXT(s, link);
		session_free(s);
	}
	maybe_done(f);
	return idle / 4 < 10 ? 10 : idle / 4 > 1000 ? 1000 : idle / 4;
}

/*
 * Stopping.  pending_free and session_free free their own entry and
 * nothing else: the next one is read first.
 */
static void
free_pending(struct sk_forward *f)
{
	struct pending *p, *next;

	for (p = TAILQ_FIRST(&f->pending); p != NULL; p = next) {
		next = TAILQ_NEXT(p, link);
		pending_free(p, true);
	}
}

static void
free_sessions(struct sk_forward *f)
{
	struct session *s, *next;

	for (s = TAILQ_FIRST(&f->sessions); s != NULL; s = next) {
		next = TAILQ_NEXT(s, link);
		session_free(s);
	}
}

static long long
drain_timer(struct sk_loop *loop, long long id, void *data)
{
	struct sk_forward *f = data;

	(void)id;
	f->drain_timer = 0;
	sk_relay_group_close_all(f->group, SK_CLOSE_TIMEOUT);
	free_pending(f);
	free_sessions(f);
	sk_loop_stop(loop);
	return -1;
}

static void
stop_signal(struct sk_loop *loop, int signo, void *data)
{
	(void)loop;
	(void)signo;
	sk_forward_stop(data);
}

void
sk_forward_stop(struct sk_forward *f)
{
	long long ms;

	if (f->stopping)
		return;
	f->stopping = true;
	close_listeners(f);
	emit_simple(f, SK_FORWARD_DRAINING, NULL, NULL);
	if (f->cfg.udp) {
		/* Datagrams have no end to wait for. */
		free_sessions(f);
	}
	if (active(f) == 0 && f->nsessions == 0) {
		sk_loop_stop(f->loop);
		return;
	}
	ms = (long long)(f->cfg.drain * 1000 + 0.5);
	f->drain_timer = sk_loop_timer_add(f->loop, ms > 0 ? ms : 1,
	    drain_timer, f, NULL);
}

/*
 * The forwarder.
 */

struct sk_forward *
sk_forward_new(const struct sk_forward_config *cfg, struct sk_error *err)
{
	struct sk_relay_group_config gc = { 0 };
	struct sk_forward *f;
	ssize_t n;
	size_t i;
	long long ms;

	if (cfg->port == NULL || cfg->to_host == NULL || cfg->to_port == NULL) {
		(void)sk_error_set(err, SK_ERR_VALUE, EINVAL, NULL);
		return NULL;
	}
	if ((f = calloc(1, sizeof(*f))) == NULL) {
		(void)sk__no_memory(err);
		return NULL;
	}
	f->cfg = *cfg;
	if (f->cfg.udp && f->cfg.idle_timeout <= 0)
		f->cfg.idle_timeout = SK_FORWARD_UDP_IDLE;
	TAILQ_INIT(&f->pending);
	TAILQ_INIT(&f->sessions);
	gc.buffer = cfg->buffer;
	gc.no_splice = cfg->no_splice;
	gc.idle_timeout = cfg->udp ? 0 : cfg->idle_timeout;
	n = sk_getaddrinfo(cfg->to_host, cfg->to_port, cfg->to_family,
	    cfg->udp ? SOCK_DGRAM : SOCK_STREAM, 0, 0, &f->up, err);
	if (n < 0)
		goto fail;
	f->nup = (size_t)n;
	if ((f->loop = sk_loop_new(err)) == NULL ||
	    (f->group = sk_relay_group_new(f->loop, &gc, err)) == NULL ||
	    (cfg->udp && (f->dgram = malloc(UDP_MAX)) == NULL) ||
	    listen_all(f, err) == -1)
		goto fail;
	for (i = 0; i < f->nls; i++)
		if (sk_loop_add(f->loop, f->ls[i].fd, SK_LOOP_READABLE,
		    cfg->udp ? datagram_event : accept_event, f, err) == -1)
			goto fail;
	if (cfg->udp) {
		ms = (long long)(f->cfg.idle_timeout * 1000 + 0.5) / 4;
		f->sweep = sk_loop_timer_add(f->loop, ms < 10 ? 10 :
		    ms > 1000 ? 1000 : ms, sweep_timer, f, err);
		if (f->sweep == -1)
			goto fail;
	}
	if (cfg->stop_signals != NULL && sk_loop_signal(f->loop,
	    cfg->stop_signals, stop_signal, f, err) == -1)
		goto fail;
	for (i = 0; i < f->nls; i++)
		emit_simple(f, SK_FORWARD_LISTENING, &f->ls[i].addr, NULL);
	return f;
fail:
	if (f->dgram == NULL && cfg->udp && err != NULL &&
	    err->kind == SK_ERR_NONE)
		(void)sk__no_memory(err);
	sk_forward_free(f);
	return NULL;
}

int
sk_forward_run(struct sk_forward *f, struct sk_error *err)
{
	return sk_loop_run(f->loop, err);
}

unsigned int
sk_forward_port(const struct sk_forward *f)
{
	return f->nls > 0 ? sk_addr_port(&f->ls[0].addr) : 0;
}

void
sk_forward_free(struct sk_forward *f)
{
	if (f == NULL)
		return;
	if (f->loop != NULL) {
		free_pending(f);
		free_sessions(f);
		sk_relay_group_free(f->group);
		close_listeners(f);
		sk_loop_free(f->loop);
	}
	sk_addrinfo_free(f->up, f->nup);
	free(f->dgram);
	free(f);
}
