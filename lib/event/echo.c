/*
 * echo.c - the reference's echo server, made real: every byte a client
 * sends comes back, in order; after the client's EOF the rest comes back
 * and the server closes the connection.
 *
 * Each worker thread runs its own event loop (loop.c) over its own
 * listening sockets, which share the port with SO_REUSEPORT when there
 * is more than one worker (the kernel spreads new connections over them).
 * With the default host the server listens on IPv4 and IPv6 both, with
 * two sockets and IPV6_V6ONLY, so an IPv4 client is never a mapped
 * ::ffff: address.
 *
 * Connections are edge-triggered.  Bytes are read into the worker's one
 * scratch buffer and sent straight back; only what the socket will not
 * take waits, in a buffer of the connection's own.  A client that sends
 * in bulk (a read fills the buffer) is served with splice(2) through a
 * pipe from the worker's pool instead, socket -> pipe -> socket, so its
 * bytes never enter user space.  Either way at most `buffer` bytes wait
 * per connection: while they cannot be written, the client is not read
 * from, so its own buffers fill and it is the one that waits
 * (backpressure), and other clients do not notice.  When accept(2) runs
 * out of descriptors the listeners are paused (not spun on) for 100 ms
 * at a time, until accept works again.
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netdb.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockit-int.h"

#define MAX_LISTENERS	16	/* addresses one -b name may resolve to */
#define ACCEPT_BATCH	64	/* accepts per readiness, for fairness */
#define PAUSE_MS	100	/* retry accept after EMFILE */
#define DEFAULT_BUFFER	((size_t)64 * 1024)

struct worker;

struct conn {
	int fd;
	int pipe[2];		/* held while bytes wait; -1 otherwise */
	char *buf;		/* the buffer path */
	size_t head, pending;	/* buf: start and length of waiting bytes */
	unsigned long long bytes;
	long long last;		/* loop time of the last activity */
	bool can_read, can_write, eof;
	bool bulk;		/* a bulk sender: splice when it can */
	bool rdhup;		/* its EOF is on the way: read to the end */
	struct sk_addr peer;
	struct sk_tls *tls;	/* TLS on this connection, or NULL */
	bool handshaken;	/* its handshake is done */
	struct worker *w;
	TAILQ_ENTRY(conn) link;	/* the worker's list, oldest activity first */
};

TAILQ_HEAD(conn_list, conn);

struct listener {
	int fd;
	struct sk_addr addr;
};

struct worker {
	struct sk_echo_server *srv;
	struct sk_loop *loop;
	struct listener ls[MAX_LISTENERS];
	size_t nls;
	bool owns_listeners;	/* false when sharing worker 0's (AF_UNIX) */
	bool paused, warned;
	long long pause_timer;
	struct conn_list conns;
	size_t nconns;
	struct sk__pipe_pool pipes;	/* idle pipes for splice */
	bool no_splice;
	char *scratch;		/* the copy path's buffer for every client */
	pthread_t thread;
	bool started;
	struct sk_error err;	/* why the loop failed */
	int status;
};

struct sk_echo_server {
	struct sk_echo_config cfg;
	size_t buffer;
	long long idle_ms;
	unsigned int max_conns;
	unsigned int nworkers;
	struct worker *workers;
	char *unix_path;	/* to remove at the end */
	unsigned int port;
	pthread_mutex_t event_lock;
	atomic_uint active;
	atomic_ullong connections, bytes, refused, idle, denied;
	atomic_bool once_taken;
	atomic_bool stopping;
};

static void conn_close(struct conn *c, enum sk_echo_event ev,
    const struct sk_error *error);

static void
emit(struct sk_echo_server *srv, enum sk_echo_event event,
    const struct sk_addr *addr, unsigned long long bytes,
    const struct sk_error *error)
{
	struct sk_echo_info info = { event, addr, bytes, error, NULL };

	if (srv->cfg.on_event == NULL)
		return;
	(void)pthread_mutex_lock(&srv->event_lock);
	srv->cfg.on_event(&info, srv->cfg.data);
	(void)pthread_mutex_unlock(&srv->event_lock);
}

/* The tls event: the handshake's facts, when anyone listens. */
static void
emit_tls(struct sk_echo_server *srv, const struct conn *c)
{
	struct sk_echo_info info = { SK_ECHO_TLS, &c->peer, 0, NULL, NULL };
	struct sk_tls_info ti;

	if (srv->cfg.on_event == NULL || sk_tls_get_info(c->tls, &ti,
	    NULL) == -1)
		return;
	info.tls = &ti;
	(void)pthread_mutex_lock(&srv->event_lock);
	srv->cfg.on_event(&info, srv->cfg.data);
	(void)pthread_mutex_unlock(&srv->event_lock);
	sk_tls_info_free(&ti);
}

/*
 * Listening sockets.
 */

/* The listener's own address, for the Listening lines. */
static int
listener_name(struct listener *l, struct sk_error *err)
{
	socklen_t len = sizeof(l->addr.u);

	if (getsockname(l->fd, &l->addr.u.sa, &len) == -1) {
		int e = errno;

		(void)close(l->fd);
		l->fd = -1;
		return sk_error_set(err, SK_ERR_OS, e, NULL);
	}
	l->addr.len = len;
	return 0;
}

static int
listen_one(struct listener *l, const struct sk_addr *addr, bool reuseport,
    struct sk_error *err)
{
	struct sk_socket s;

	if (sk_listen_addr(&s, addr, reuseport ? SK_LISTEN_REUSEPORT : 0,
	    err) == -1)
		return -1;
	l->fd = s.fd;
	return listener_name(l, err);
}

static void
close_listeners(struct worker *w)
{
	size_t i;

	for (i = 0; i < w->nls; i++) {
		if (w->loop != NULL)
			sk_loop_del(w->loop, w->ls[i].fd);
		if (w->owns_listeners && w->ls[i].fd != -1)
			(void)close(w->ls[i].fd);
		w->ls[i].fd = -1;
	}
	w->nls = 0;
}

/* Worker 0's sockets: every address HOST resolves to, one port; or the
 * AF_UNIX socket; or the sockets we were given. */
static int
listen_first(struct sk_echo_server *srv, struct worker *w,
    struct sk_error *err)
{
	const struct sk_echo_config *cfg = &srv->cfg;
	struct sk_socket s[MAX_LISTENERS];
	ssize_t n, i;

	if (cfg->nlisten_fds > 0) {
		if (cfg->nlisten_fds > MAX_LISTENERS)
			return sk_error_set(err, SK_ERR_OS, EMFILE, NULL);
		for (i = 0; i < (ssize_t)cfg->nlisten_fds; i++)
			w->ls[w->nls++].fd = cfg->listen_fds[i];
		for (i = 0; i < (ssize_t)w->nls; i++)
			if (fcntl(w->ls[i].fd, F_SETFL, O_NONBLOCK |
			    fcntl(w->ls[i].fd, F_GETFL)) == -1 ||
			    listener_name(&w->ls[i], err) == -1)
				return -1;
		return 0;
	}
	if (cfg->unix_path != NULL) {
		if (sk_listen_unix(&s[0], cfg->unix_path, err) == -1)
			return -1;
		w->ls[0].fd = s[0].fd;
		if (listener_name(&w->ls[0], err) == -1)
			return -1;
		w->nls = 1;
		if ((srv->unix_path = strdup(cfg->unix_path)) == NULL)
			return sk_error_set(err, SK_ERR_OS, ENOMEM, NULL);
		return 0;
	}
	n = sk_listen_all(s, MAX_LISTENERS, cfg->host, cfg->port, cfg->family,
	    srv->nworkers > 1 ? SK_LISTEN_REUSEPORT : 0, err);
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++)
		w->ls[w->nls++].fd = s[i].fd;
	for (i = 0; i < n; i++)
		if (listener_name(&w->ls[i], err) == -1)
			return -1;
	srv->port = sk_addr_port(&w->ls[0].addr);
	return 0;
}

/* The other workers: the same addresses, the port shared. */
static int
listen_more(struct sk_echo_server *srv, struct worker *w, struct sk_error *err)
{
	const struct worker *first = &srv->workers[0];
	size_t i;

	w->owns_listeners = srv->unix_path == NULL &&
	    srv->cfg.nlisten_fds == 0;
	for (i = 0; i < first->nls; i++) {
		if (!w->owns_listeners) {
			w->ls[i] = first->ls[i];
		} else if (listen_one(&w->ls[i], &first->ls[i].addr, true,
		    err) == -1) {
			w->nls = i;
			return -1;
		}
	}
	w->nls = first->nls;
	return 0;
}

/*
 * Moving bytes.
 */

/* One pass of the splice path: 1 progress, 0 none, -1 error (errno). */
static int
pump_splice(struct conn *c, size_t cap)
{
	ssize_t n;
	int progress = 0;

	if (!c->eof && c->can_read && c->pending < cap) {
		n = splice(c->fd, NULL, c->pipe[1], NULL, cap - c->pending,
		    SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n > 0) {
			c->pending += (size_t)n;
			progress = 1;
		} else if (n == 0) {
			c->eof = true;
			progress = 1;
		} else if (errno == EAGAIN) {
			/* An empty socket, or a pipe full of small pages:
			 * only an empty pipe proves the socket is empty. */
			if (c->pending == 0)
				c->can_read = false;
		} else {
			return -1;
		}
	}
	if (c->pending > 0 && c->can_write) {
		n = splice(c->pipe[0], NULL, c->fd, NULL, c->pending,
		    SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n > 0) {
			c->pending -= (size_t)n;
			c->bytes += (unsigned long long)n;
			progress = 1;
		} else if (n == -1 && errno == EAGAIN) {
			c->can_write = false;
		} else if (n == -1) {
			return -1;
		}
	}
	return progress;
}

/* Send from the connection's buffer. */
static int
flush_buf(struct conn *c)
{
	ssize_t n;

	n = send(c->fd, c->buf + c->head, c->pending, MSG_NOSIGNAL);
	if (n > 0) {
		c->head += (size_t)n;
		c->pending -= (size_t)n;
		c->bytes += (unsigned long long)n;
		return 1;
	}
	if (n == -1 && errno == EAGAIN) {
		c->can_write = false;
		return 0;
	}
	return n == -1 && errno != EINTR ? -1 : 0;
}

/*
 * One pass of the copy path.  Bytes are read into the worker's scratch
 * buffer and sent back at once; only what the socket would not take is
 * kept, in a buffer of the connection's own.  A short read drains a
 * stream socket (epoll(7)), which saves the read that would say EAGAIN.
 * A read that fills the scratch buffer marks a bulk sender, which the
 * splice path serves with fewer copies.
 */
static int
pump_copy(struct conn *c, char *scratch, size_t cap)
{
	ssize_t n, m;
	int progress = 0;

	if (c->pending > 0 && c->can_write &&
	    (progress = flush_buf(c)) == -1)
		return -1;
	if (!c->eof && c->can_read && c->pending < cap) {
		bool direct = c->pending == 0;	/* via scratch, sent back */
		char *to = scratch;
		size_t room = cap;

		if (!direct) {
			if (c->head + c->pending == cap) {
				memmove(c->buf, c->buf + c->head, c->pending);
				c->head = 0;
			}
			to = c->buf + c->head + c->pending;
			room = cap - c->head - c->pending;
		}
		n = recv(c->fd, to, room, 0);
		if (n == -1) {
			if (errno == EAGAIN)
				c->can_read = false;
			else if (errno != EINTR)
				return -1;
			return progress;
		}
		if (n == 0) {
			c->eof = true;
			return 1;
		}
		/* A short read drained the socket, but an EOF that came with
		 * the data makes no new edge: then read on to see it. */
		if ((size_t)n < room && !c->rdhup)
			c->can_read = false;
		else if (direct)
			c->bulk = true;
		if (!direct) {
			c->pending += (size_t)n;
		} else {
			m = c->can_write ? send(c->fd, scratch, (size_t)n,
			    MSG_NOSIGNAL) : 0;
			if (m == -1 && errno != EAGAIN && errno != EINTR)
				return -1;
			if (m < 0)
				m = 0;
			if (m < n)
				c->can_write = false;
			c->bytes += (unsigned long long)m;
			if (m < n) {
				/* Keep the rest until the socket takes it. */
				if (c->buf == NULL &&
				    (c->buf = malloc(cap)) == NULL)
					return -1;
				memcpy(c->buf, scratch + m, (size_t)(n - m));
				c->head = 0;
				c->pending = (size_t)(n - m);
			}
		}
		progress = 1;
	}
	if (c->pending == 0 && c->buf != NULL) {
		free(c->buf);	/* idle connections hold no memory */
		c->buf = NULL;
	}
	return progress;
}

/* A wait TLS asked for: the side it waits on is not ready. */
static void
tls_wait(struct conn *c, int want)
{
	sk__tls_wait(want, &c->can_read, &c->can_write);
}

/*
 * One pass of the TLS path: as the copy path, with the record layer in
 * between (decrypted bytes echoed, encrypted again).  A read waits until
 * what is kept has gone, so memory stays at one buffer.  Returns 1 on
 * progress, 0 when it must wait, -1 with err filled.
 */
static int
pump_tls(struct conn *c, char *scratch, size_t cap, struct sk_error *err)
{
	ssize_t n, m;
	int want, progress = 0;

	if (c->pending > 0 && c->can_write) {
		n = sk_tls_write(c->tls, c->buf + c->head, c->pending, &want,
		    err);
		if (n > 0) {
			c->head += (size_t)n;
			c->pending -= (size_t)n;
			c->bytes += (unsigned long long)n;
			progress = 1;
		} else if (want != 0)
			tls_wait(c, want);
		else
			return -1;
	}
	if (!c->eof && c->can_read && c->pending == 0) {
		n = sk_tls_read(c->tls, scratch, cap, &want, err);
		if (n == 0) {
			c->eof = true;	/* close_notify, or the TCP end */
			return 1;
		}
		if (n < 0) {
			if (want == 0)
				return -1;
			tls_wait(c, want);
			return progress;
		}
		m = c->can_write ? sk_tls_write(c->tls, scratch, (size_t)n,
		    &want, err) : 0;
		if (m < 0) {
			if (want == 0)
				return -1;
			tls_wait(c, want);
			m = 0;
		}
		c->bytes += (unsigned long long)m;
		if (m < n) {
			if (c->buf == NULL && (c->buf = malloc(cap)) == NULL)
				return sk_error_set(err, SK_ERR_OS, ENOMEM,
				    NULL);
			memcpy(c->buf, scratch + m, (size_t)(n - m));
			c->head = 0;
			c->pending = (size_t)(n - m);
		}
		progress = 1;
	}
	if (c->pending == 0 && c->buf != NULL) {
		free(c->buf);
		c->buf = NULL;
	}
	return progress;
}

/* Drive the TLS handshake: 1 done, 0 waiting, -1 failed. */
static int
handshake(struct conn *c, struct sk_error *err)
{
	int rc, want;

	rc = sk_tls_handshake(c->tls, &want, err);
	if (rc == 0)
		tls_wait(c, want);
	if (rc == 1) {
		c->handshaken = true;
		emit_tls(c->w->srv, c);
	}
	return rc;
}

static void
touch(struct conn *c)
{
	struct worker *w = c->w;

	if (w->srv->idle_ms == 0)
		return;
	c->last = sk_loop_now(w->loop);
	if (TAILQ_LAST(&w->conns, conn_list) != c) {
		TAILQ_REMOVE(&w->conns, c, link);
		TAILQ_INSERT_TAIL(&w->conns, c, link);
	}
}

static void
conn_event(struct sk_loop *loop, int fd, void *data, int events)
{
	struct conn *c = data;
	struct worker *w = c->w;
	struct sk_error err;
	int rc, e;

	(void)loop;
	(void)fd;
	if (events & SK_LOOP_READABLE)
		c->can_read = true;
	if (events & SK_LOOP_RDHUP)
		c->rdhup = true;
	if (events & SK_LOOP_WRITABLE)
		c->can_write = true;
	if (c->tls != NULL && !c->handshaken) {
		rc = handshake(c, &err);
		if (rc == -1) {
			conn_close(c, SK_ECHO_CLOSED, &err);
			return;
		}
		if (rc == 0) {
			touch(c);
			return;
		}
	}
	for (;;) {
		if (c->tls != NULL) {
			rc = pump_tls(c, w->scratch, w->srv->buffer, &err);
			if (rc == -1) {
				conn_close(c, SK_ECHO_CLOSED, &err);
				return;
			}
			if (c->eof && c->pending == 0) {
				conn_close(c, SK_ECHO_CLOSED, NULL);
				return;
			}
			if (rc == 0)
				break;
			continue;
		}
		/* Bytes waiting stay where they are; an idle connection
		 * takes a pipe from the pool, or the buffer without one. */
		if (c->pipe[0] == -1 && c->pending == 0 && c->bulk &&
		    !w->no_splice)
			(void)sk__pipe_get(&w->pipes, c->pipe);
		if (c->pipe[0] != -1) {
			rc = pump_splice(c, w->srv->buffer);
			if (rc == -1 && errno == EINVAL && c->pending == 0) {
				/* This socket cannot splice: copy instead. */
				sk__pipe_put(&w->pipes, c->pipe, 0);
				w->no_splice = true;
				continue;
			}
		} else {
			rc = pump_copy(c, w->scratch, w->srv->buffer);
		}
		if (rc == -1) {
			e = errno;
			(void)sk_error_set(&err, SK_ERR_OS, e, NULL);
			conn_close(c, SK_ECHO_CLOSED, e == EPIPE ||
			    e == ECONNRESET ? NULL : &err);
			return;
		}
		if (c->pending == 0)
			sk__pipe_put(&w->pipes, c->pipe, 0);
		if (c->eof && c->pending == 0) {
			conn_close(c, SK_ECHO_CLOSED, NULL);
			return;
		}
		if (rc == 0)
			break;
	}
	if ((events & SK_LOOP_ERROR) && !c->can_read && c->pending > 0) {
		/* Hung up with bytes it will never read. */
		conn_close(c, SK_ECHO_CLOSED, NULL);
		return;
	}
	touch(c);
}

static void
conn_close(struct conn *c, enum sk_echo_event ev, const struct sk_error *error)
{
	struct worker *w = c->w;
	struct sk_echo_server *srv = w->srv;

	sk_loop_del(w->loop, c->fd);
	if (c->tls != NULL) {
		int want;

		/* Our close_notify, if the socket takes it now. */
		if (c->handshaken)
			(void)sk_tls_shutdown(c->tls, &want, NULL);
		sk_tls_free(c->tls);
	}
	(void)close(c->fd);
	sk__pipe_put(&w->pipes, c->pipe, c->pending);
	free(c->buf);
	TAILQ_REMOVE(&w->conns, c, link);
	w->nconns--;
	atomic_fetch_sub(&srv->active, 1);
	atomic_fetch_add(&srv->bytes, c->bytes);
	if (ev == SK_ECHO_IDLE)
		atomic_fetch_add(&srv->idle, 1);
	emit(srv, ev, &c->peer, c->bytes, error);
	free(c);
	if (srv->cfg.once)
		sk_echo_server_stop(srv);
}

/*
 * Accepting.
 */

static void accept_event(struct sk_loop *, int, void *, int);

static int
listeners_watch(struct worker *w, bool on, struct sk_error *err)
{
	size_t i;

	for (i = 0; i < w->nls; i++) {
		if (!on)
			sk_loop_del(w->loop, w->ls[i].fd);
		else if (sk_loop_add(w->loop, w->ls[i].fd, SK_LOOP_READABLE,
		    accept_event, w, err) == -1)
			return -1;
	}
	return 0;
}

static long long
resume_timer(struct sk_loop *loop, long long id, void *data)
{
	struct worker *w = data;

	(void)loop;
	(void)id;
	w->pause_timer = 0;
	if (w->paused && w->nls > 0 && listeners_watch(w, true, NULL) == 0)
		w->paused = false;
	return -1;
}

/* Turn a client away with a reset, so that it knows at once and for
 * sure (a plain close could look like an empty echo). */
static void
reject(int fd)
{
	struct linger lg = { 1, 0 };

	(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	(void)close(fd);
}

/* Out of descriptors (or memory): stop watching the listeners for a
 * while instead of spinning on a readable listener we cannot accept. */
static void
pause_accept(struct worker *w, int e)
{
	struct sk_error err;

	if (w->paused)
		return;
	(void)listeners_watch(w, false, NULL);
	w->paused = true;
	w->pause_timer = sk_loop_timer_add(w->loop, PAUSE_MS, resume_timer, w,
	    NULL);
	if (w->warned)
		return;		/* once until an accept works again */
	w->warned = true;
	(void)sk_error_set(&err, SK_ERR_OS, e, NULL);
	emit(w->srv, SK_ECHO_WARNING, NULL, 0, &err);
}

static void
accept_one(struct worker *w, int fd, const struct sk_addr *peer)
{
	struct sk_echo_server *srv = w->srv;
	struct conn *c;
	struct sk_error err;
	int one = 1;

	if (atomic_fetch_add(&srv->active, 1) >= srv->max_conns) {
		atomic_fetch_sub(&srv->active, 1);
		reject(fd);
		atomic_fetch_add(&srv->refused, 1);
		emit(srv, SK_ECHO_REFUSED, peer, 0, NULL);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		atomic_fetch_sub(&srv->active, 1);
		reject(fd);
		pause_accept(w, ENOMEM);
		return;
	}
	c->fd = fd;
	c->pipe[0] = c->pipe[1] = -1;
	c->peer = *peer;
	c->w = w;
	c->last = sk_loop_now(w->loop);
	if (peer->u.sa.sa_family != AF_UNIX)
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof(one));
	TAILQ_INSERT_TAIL(&w->conns, c, link);
	w->nconns++;
	atomic_fetch_add(&srv->connections, 1);
	emit(srv, SK_ECHO_CONNECTED, peer, 0, NULL);
	if (srv->cfg.tls != NULL &&
	    (c->tls = sk_tls_new(srv->cfg.tls, fd, NULL, &err)) == NULL) {
		conn_close(c, SK_ECHO_CLOSED, &err);
		return;
	}
	if (sk_loop_add(w->loop, fd, SK_LOOP_READABLE | SK_LOOP_WRITABLE |
	    SK_LOOP_EDGE, conn_event, c, &err) == -1)
		conn_close(c, SK_ECHO_CLOSED, &err);
}

static void
accept_event(struct sk_loop *loop, int lfd, void *data, int events)
{
	struct worker *w = data;
	struct sk_echo_server *srv = w->srv;
	struct sk_addr peer;
	socklen_t len;
	int fd, i;

	(void)loop;
	(void)events;
	for (i = 0; i < ACCEPT_BATCH; i++) {
		if (srv->cfg.once && atomic_load(&srv->once_taken))
			return;
		len = sizeof(peer.u);
		peer.u.sa.sa_family = AF_UNSPEC;	/* if none is given */
		fd = accept4(lfd, &peer.u.sa, &len, SOCK_NONBLOCK |
		    SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM)
				pause_accept(w, errno);
			/* EAGAIN, or a connection that went away while it
			 * waited (ECONNABORTED...): nothing to do. */
			return;
		}
		peer.len = len;
		w->warned = false;
		if (sk_acl_check(srv->cfg.acl, &peer) != SK_ACL_ALLOW) {
			/* Before a byte is read. */
			reject(fd);
			atomic_fetch_add(&srv->denied, 1);
			emit(srv, SK_ECHO_DENIED, &peer, 0, NULL);
			continue;
		}
		if (srv->cfg.once) {
			/* The reference's server: one client, no more. */
			atomic_store(&srv->once_taken, true);
			close_listeners(w);
			accept_one(w, fd, &peer);
			return;
		}
		accept_one(w, fd, &peer);
	}
}

/* inetd's connection, on standard input: the one client. */
static int
inetd_conn(struct worker *w, struct sk_error *err)
{
	struct sk_socket s;
	struct sk_addr peer;
	int fd;

	if (sk_socket_adopt(&s, 0, err) == -1)
		return -1;
	if (s.type != SOCK_STREAM)
		return sk_error_set(err, SK_ERR_OS, ESOCKTNOSUPPORT, NULL);
	if (sk_socket_getpeername(&s, &peer, err) == -1)
		return -1;
	/* Descriptor 0 itself: when it closes the client sees our FIN
	 * (the caller keeps no other copy of it, not on stdout). */
	fd = 0;
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == -1)
		return sk_error_set(err, SK_ERR_OS, errno, NULL);
	atomic_store(&w->srv->once_taken, true);
	accept_one(w, fd, &peer);
	return 0;
}

/*
 * Idle connections: the list is kept in order of last activity, so the
 * sweep stops at the first one that is recent enough.
 */
static long long
idle_timer(struct sk_loop *loop, long long id, void *data)
{
	struct worker *w = data;
	struct conn *c, *next;
	long long now = sk_loop_now(loop);

	(void)id;
	/* conn_close frees c and nothing else: its successor is read first. */
	for (c = TAILQ_FIRST(&w->conns); c != NULL &&
	    now - c->last >= w->srv->idle_ms; c = next) {
		next = TAILQ_NEXT(c, link);
		conn_close(c, SK_ECHO_IDLE, NULL);
	}
	return w->srv->idle_ms / 4 < 10 ? 10 : w->srv->idle_ms / 4 > 1000 ?
	    1000 : w->srv->idle_ms / 4;
}

static void
stop_signal(struct sk_loop *loop, int signo, void *data)
{
	(void)loop;
	(void)signo;
	sk_echo_server_stop(data);
}

/*
 * Workers.
 */

static void
worker_close_all(struct worker *w)
{
	struct conn *c, *next;

	/* conn_close frees c and nothing else: its successor is read first. */
	for (c = TAILQ_FIRST(&w->conns); c != NULL; c = next) {
		next = TAILQ_NEXT(c, link);
		conn_close(c, SK_ECHO_CLOSED, NULL);
	}
	close_listeners(w);
	sk__pipe_pool_drain(&w->pipes);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;

	w->status = sk_loop_run(w->loop, &w->err);
	/* Every connection ends (and says so) before run returns. */
	worker_close_all(w);
	return NULL;
}

static void
worker_free(struct worker *w)
{
	worker_close_all(w);
	sk_loop_free(w->loop);
	w->loop = NULL;
	free(w->scratch);
	w->scratch = NULL;
}

static int
worker_init(struct sk_echo_server *srv, struct worker *w, unsigned int idx,
    struct sk_error *err)
{
	w->srv = srv;
	w->no_splice = srv->cfg.no_splice;
	sk__pipe_pool_init(&w->pipes, srv->buffer != DEFAULT_BUFFER ?
	    srv->buffer : 0);
	if ((w->scratch = malloc(srv->buffer)) == NULL)
		return sk_error_set(err, SK_ERR_OS, ENOMEM, NULL);
	TAILQ_INIT(&w->conns);
	if ((w->loop = sk_loop_new(err)) == NULL)
		return -1;
	if (idx == 0 && srv->cfg.inetd) {
		w->owns_listeners = true;	/* none */
	} else if (idx == 0) {
		w->owns_listeners = true;
		if (listen_first(srv, w, err) == -1)
			return -1;
	} else if (listen_more(srv, w, err) == -1) {
		return -1;
	}
	if (listeners_watch(w, true, err) == -1)
		return -1;
	if (srv->idle_ms > 0 && sk_loop_timer_add(w->loop,
	    srv->idle_ms / 4 < 10 ? 10 : srv->idle_ms / 4 > 1000 ? 1000 :
	    srv->idle_ms / 4, idle_timer, w, err) == -1)
		return -1;
	if (idx == 0 && srv->cfg.stop_signals != NULL &&
	    sk_loop_signal(w->loop, srv->cfg.stop_signals, stop_signal, srv,
	    err) == -1)
		return -1;
	return 0;
}

struct sk_echo_server *
sk_echo_server_new(const struct sk_echo_config *cfg, struct sk_error *err)
{
	struct sk_echo_server *srv;
	unsigned int i;
	size_t j;

	if ((cfg->port == NULL && cfg->unix_path == NULL &&
	    cfg->nlisten_fds == 0 && !cfg->inetd) ||
	    cfg->workers > SK_ECHO_WORKERS_MAX ||
	    (cfg->buffer != 0 && (cfg->buffer < 4096 ||
	    cfg->buffer > (size_t)1024 * 1024 * 1024))) {
		(void)sk_error_set(err, SK_ERR_VALUE, EINVAL, NULL);
		return NULL;
	}
	if ((srv = calloc(1, sizeof(*srv))) == NULL) {
		(void)sk_error_set(err, SK_ERR_OS, ENOMEM, NULL);
		return NULL;
	}
	srv->cfg = *cfg;
	srv->buffer = cfg->buffer ? cfg->buffer : DEFAULT_BUFFER;
	srv->idle_ms = cfg->idle_timeout > 0 ? (long long)(cfg->idle_timeout *
	    1000 + 0.5) : 0;
	if (cfg->idle_timeout > 0 && srv->idle_ms == 0)
		srv->idle_ms = 1;
	srv->max_conns = cfg->max_conns ? cfg->max_conns : SK_ECHO_MAX_CONNS;
	if (cfg->inetd)
		srv->cfg.once = true;
	srv->nworkers = srv->cfg.once || cfg->workers == 0 ? 1 : cfg->workers;
	(void)pthread_mutex_init(&srv->event_lock, NULL);
	srv->workers = calloc(srv->nworkers, sizeof(*srv->workers));
	if (srv->workers == NULL) {
		(void)sk_error_set(err, SK_ERR_OS, ENOMEM, NULL);
		goto fail;
	}
	for (i = 0; i < srv->nworkers; i++)
		if (worker_init(srv, &srv->workers[i], i, err) == -1)
			goto fail;
	for (j = 0; j < srv->workers[0].nls; j++)
		emit(srv, SK_ECHO_LISTENING, &srv->workers[0].ls[j].addr, 0,
		    NULL);
	if (cfg->inetd && inetd_conn(&srv->workers[0], err) == -1)
		goto fail;
	return srv;
fail:
	sk_echo_server_free(srv);
	return NULL;
}

int
sk_echo_server_run(struct sk_echo_server *srv, struct sk_error *err)
{
	unsigned int i;
	sigset_t all, old;
	int rc;

	/* Worker threads take no signals: the first worker's loop reads
	 * the stop signals from its signalfd. */
	(void)sigfillset(&all);
	(void)pthread_sigmask(SIG_BLOCK, &all, &old);
	for (i = 1; i < srv->nworkers; i++) {
		struct worker *w = &srv->workers[i];

		if ((rc = pthread_create(&w->thread, NULL, worker_main, w))
		    != 0) {
			(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
			sk_echo_server_stop(srv);
			for (i = 1; i < srv->nworkers; i++)
				if (srv->workers[i].started)
					(void)pthread_join(
					    srv->workers[i].thread, NULL);
			return sk_error_set(err, SK_ERR_OS, rc, NULL);
		}
		w->started = true;
	}
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	rc = 0;
	if (!atomic_load(&srv->stopping))
		worker_main(&srv->workers[0]);
	sk_echo_server_stop(srv);
	for (i = 0; i < srv->nworkers; i++) {
		struct worker *w = &srv->workers[i];

		if (w->started) {
			(void)pthread_join(w->thread, NULL);
			w->started = false;
		}
		if (w->status == -1 && rc == 0) {
			if (err != NULL)
				*err = w->err;
			rc = -1;
		}
	}
	return rc;
}

void
sk_echo_server_stop(struct sk_echo_server *srv)
{
	unsigned int i;

	atomic_store(&srv->stopping, true);
	for (i = 0; i < srv->nworkers; i++)
		if (srv->workers[i].loop != NULL)
			sk_loop_stop(srv->workers[i].loop);
}

void
sk_echo_server_stats(const struct sk_echo_server *srv,
    struct sk_echo_stats *st)
{
	st->connections = atomic_load(&srv->connections);
	st->bytes = atomic_load(&srv->bytes);
	st->refused = atomic_load(&srv->refused);
	st->idle = atomic_load(&srv->idle);
	st->denied = atomic_load(&srv->denied);
}

unsigned int
sk_echo_server_port(const struct sk_echo_server *srv)
{
	return srv->port;
}

void
sk_echo_server_free(struct sk_echo_server *srv)
{
	unsigned int i;

	if (srv == NULL)
		return;
	if (srv->workers != NULL) {
		/* Others may share worker 0's AF_UNIX listener: last. */
		for (i = srv->nworkers; i-- > 0; )
			worker_free(&srv->workers[i]);
		free(srv->workers);
	}
	if (srv->unix_path != NULL) {
		(void)unlink(srv->unix_path);
		free(srv->unix_path);
	}
	(void)pthread_mutex_destroy(&srv->event_lock);
	free(srv);
}
