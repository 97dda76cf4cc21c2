/*
 * relay_engine.c - netcat's relay, both ways at once, for many relays on
 * one event loop (loop.c): two endpoints A and B, each a read and a write
 * descriptor, and two directions, A to B and B to A, each with its own
 * bounded buffer (or pipe).
 *
 * The end of a connection follows the rule netcat users asked for: a
 * direction ends when its source's EOF is read and every byte read was
 * written; then the destination's write side is shut down (shutdown(2)
 * SHUT_WR on a socket, close(2) on a pipe of ours), so a half-close
 * travels through.  The relay ends when both directions have ended (the
 * first EOF says who ended it), or at once on a reset (ECONNRESET,
 * EPIPE on a socket: the other endpoint's socket is then closed with
 * SO_LINGER 0, a reset too), any other error, or the idle timeout.
 *
 * Sockets are watched edge-triggered and made non-blocking.  Other
 * descriptors keep their mode: a blocking pipe or terminal is read and
 * written only after poll(2) says it is ready (a blocking write to a pipe
 * may still wait for its reader, as in every netcat), and a descriptor
 * epoll cannot watch (a regular file, /dev/null) is always ready.
 *
 * Between two sockets a direction that moves bulk (a read filled the copy
 * buffer) goes socket -> pipe -> socket with splice(2), the pipe taken
 * from the group's pool while bytes wait in it, and the copy path comes
 * back if splice says EINVAL; the same from a socket to a pipe or to
 * /dev/null (netcat's stdout).  A regular file (netcat's stdin) goes
 * to a socket with sendfile(2), the copy path again on EINVAL.  At most
 * `buffer` bytes wait per direction on the copy path, a pipe's worth
 * (1 MiB by default, `buffer` when one is set) on the splice path, and a
 * direction whose bytes cannot be written stops reading its source: the
 * sender's own buffers fill and it waits (backpressure).
 *
 * A socket may carry a TLS session (tls.c): its handshake runs first,
 * driven by the readiness it asks for, and no byte moves either way
 * until it is done; then its bytes are read and written through the
 * record layer (copy path only), and the end of a direction towards it
 * is close_notify (RFC 8446 section 6.1: the other way may go on) and
 * then SHUT_WR.
 */
#include <sys/queue.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sockit-int.h"

#define DEFAULT_BUFFER	((size_t)64 * 1024)
#define MIN_BUFFER	((size_t)4096)
#define SPLICE_PIPE	((size_t)1024 * 1024)	/* a bulk direction's pipe */
#define ROUNDS		64	/* pump passes per turn, for fairness */

enum fd_kind {
	FD_SOCKET,		/* non-blocking, edge-triggered, splice */
	FD_NONBLOCK,		/* a pipe or terminal in O_NONBLOCK mode */
	FD_BLOCKING,		/* poll(2) before each read or write */
	FD_ALWAYS		/* not pollable: a file, /dev/null */
};

/* One descriptor of the relay (a socket serves both ways). */
struct rfd {
	int fd;
	enum fd_kind kind;
	bool watched;		/* in the loop */
	bool can_read, can_write;
	bool rdhup;		/* its EOF is on the way: read to the end */
	bool shut;		/* write side shut down (or closed) */
	bool own;
	bool regular;		/* a regular file: sendfile(2) from it */
	bool sink;		/* splice(2) into it: a pipe, /dev/null */
	bool errored;		/* an error or hang-up was reported */
	enum sk_relay_who end;	/* whose descriptor it is */
	struct sk_tls *tls;	/* a TLS session on it, or NULL */
	bool handshaken;	/* its TLS handshake is done */
	int hs_want;		/* the readiness the handshake waits for */
	bool notify;		/* close_notify waits to be sent */
};

struct direction {
	struct rfd *src, *dst;
	enum sk_relay_who from, to;
	char *buf;		/* bytes the destination has not taken */
	size_t head, len;
	int pipe[2];		/* splice path: held while bytes wait */
	size_t inpipe;
	bool bulk;		/* a read filled the buffer: splice */
	bool no_sendfile;	/* sendfile(2) said it cannot */
	bool eof;		/* the source's EOF was read */
	bool ended;
	bool done;		/* ended with EOF, everything written */
	uint64_t read, written;
};

struct sk_relay {
	struct sk_relay_group *g;
	struct sk_relay_config cfg;
	struct rfd fds[4];
	size_t nfds;
	struct direction dir[2];
	enum sk_relay_who first_eof;
	bool any_eof;
	long long start_ms, last_ms;
	long long kick;		/* the timer that runs a pump, or 0 */
	long long hs_timer;	/* the handshakes' deadline, or 0 */
	int busy;		/* inside a pump: close later */
	bool closing;
	bool finishing;		/* in relay_finish: no second end */
	bool has_tls;		/* an endpoint is a TLS session */
	enum sk_close_how close_how;
	TAILQ_ENTRY(sk_relay) link;	/* oldest activity first */
};

TAILQ_HEAD(relay_list, sk_relay);

struct sk_relay_group {
	struct sk_loop *loop;
	struct sk_relay_group_config cfg;
	size_t buffer;
	size_t pipe_size;	/* what a splice pipe may hold */
	long long idle_ms;
	long long sweep;	/* the idle timer, or 0 */
	struct relay_list relays;
	size_t count;
	struct sk__pipe_pool pipes;	/* idle pipes for splice */
	bool no_splice;
	char *scratch;
};

static void relay_finish(struct sk_relay *r, enum sk_close_how how,
    enum sk_relay_who by, const struct sk_error *error, bool writing);

static long long
mono_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Pipes for splice.
 */

static void
pipe_put(struct sk_relay_group *g, struct direction *d)
{
	sk__pipe_put(&g->pipes, d->pipe, d->inpipe);
	d->inpipe = 0;
}

/*
 * Readiness.
 */

/* For a blocking descriptor: is it ready for events now? */
static bool
ready_now(const struct rfd *f, short events)
{
	struct pollfd p = { .fd = f->fd, .events = events };

	return poll(&p, 1, 0) == 1;
}

static bool
can_read(struct rfd *f)
{
	if (!f->can_read)
		return false;
	if (f->kind == FD_BLOCKING && !ready_now(f, POLLIN)) {
		f->can_read = false;
		return false;
	}
	return true;
}

static bool
can_write(struct rfd *f)
{
	if (!f->can_write)
		return false;
	if (f->kind == FD_BLOCKING && !ready_now(f, POLLOUT)) {
		f->can_write = false;
		return false;
	}
	return true;
}

static bool
is_reset(const struct rfd *f, int e)
{
	return f->kind == FD_SOCKET && (e == ECONNRESET || e == EPIPE ||
	    e == ECONNABORTED);
}

/*
 * Moving bytes.  Each pass returns 1 on progress, 0 on none, -1 when the
 * relay failed (and was finished: r must not be touched).
 */

static int
fail_with(struct sk_relay *r, struct rfd *f, enum sk_relay_who who,
    const struct sk_error *err, bool writing)
{
	relay_finish(r, err->kind == SK_ERR_OS && is_reset(f, err->code) ?
	    SK_CLOSE_RST : SK_CLOSE_ERROR, who, err, writing);
	return -1;
}

static int
fail(struct sk_relay *r, struct rfd *f, enum sk_relay_who who, int e,
    bool writing)
{
	struct sk_error err;

	(void)sk_error_set(&err, SK_ERR_OS, e, NULL);
	return fail_with(r, f, who, &err, writing);
}

/* A wait the TLS session asked for: the readiness it lacks. */
static void
tls_wait(struct rfd *f, int want)
{
	sk__tls_wait(want, &f->can_read, &f->can_write);
}

/*
 * Through the TLS session: -1 with errno EAGAIN when it waits (the
 * readiness it lacks cleared), or errno EPROTO with *tls_err filled.
 */
static ssize_t
tls_io(struct rfd *f, void *buf, size_t n, bool writing,
    struct sk_error *tls_err)
{
	ssize_t m;
	int want;

	m = writing ? sk_tls_write(f->tls, buf, n, &want, tls_err) :
	    sk_tls_read(f->tls, buf, n, &want, tls_err);
	if (m >= 0)
		return m;
	if (want != 0) {
		tls_wait(f, want);
		errno = EAGAIN;
	} else if (tls_err->kind == SK_ERR_OS && tls_err->code != EAGAIN)
		errno = tls_err->code;	/* a reset stays a reset */
	else
		errno = EPROTO;
	return -1;
}

static ssize_t
do_read(struct rfd *f, void *buf, size_t n, struct sk_error *tls_err)
{
	if (f->tls != NULL)
		return tls_io(f, buf, n, false, tls_err);
	if (f->kind == FD_SOCKET)
		return recv(f->fd, buf, n, MSG_DONTWAIT);
	return read(f->fd, buf, n);
}

static ssize_t
do_write(struct rfd *f, const void *buf, size_t n, struct sk_error *tls_err)
{
	if (f->tls != NULL)
		return tls_io(f, (void *)(uintptr_t)buf, n, true, tls_err);
	if (f->kind == FD_SOCKET)
		return send(f->fd, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL);
	return write(f->fd, buf, n);
}

/* A failed read or write of f: the TLS error when it was one. */
static int
fail_io(struct sk_relay *r, struct rfd *f, enum sk_relay_who who, int e,
    const struct sk_error *tls_err, bool writing)
{
	if (f->tls != NULL && e == EPROTO)
		return fail_with(r, f, who, tls_err, writing);
	return fail(r, f, who, e, writing);
}

static void *
hook_arg(const struct sk_relay *r, enum sk_relay_dir which)
{
	return r->cfg.data_arg[which] != NULL ? r->cfg.data_arg[which] :
	    r->cfg.arg;
}

/* Write the waiting bytes of d's buffer. */
static int
flush_buf(struct sk_relay *r, struct direction *d)
{
	struct sk_error terr;
	ssize_t n;

	if (d->dst->fd == -1) {		/* nowhere: discarded */
		d->written += d->len;
		d->len = d->head = 0;
		return 1;
	}
	n = do_write(d->dst, d->buf + d->head, d->len, &terr);
	if (n > 0) {
		d->head += (size_t)n;
		d->len -= (size_t)n;
		d->written += (uint64_t)n;
		/* Short: it is full (TLS writes a record at a time). */
		if (d->len > 0 && d->dst->kind <= FD_NONBLOCK &&
		    d->dst->tls == NULL)
			d->dst->can_write = false;
		if (d->len == 0)
			d->head = 0;
		return 1;
	}
	if (n == -1 && errno == EAGAIN) {
		if (d->dst->tls == NULL)
			d->dst->can_write = false;
		return 0;
	}
	if (n == -1 && errno == EINTR)
		return 0;
	return fail_io(r, d->dst, d->to, n == -1 ? errno : EIO, &terr, true);
}

static int
source_eof(struct sk_relay *r, struct direction *d)
{
	d->eof = true;
	if (!r->any_eof) {
		r->any_eof = true;
		r->first_eof = d->from;
	}
	return 1;
}

/* One pass of the copy path: the buffer out, then the source in. */
static int
pump_copy(struct sk_relay *r, enum sk_relay_dir which)
{
	struct sk_relay_group *g = r->g;
	struct direction *d = &r->dir[which];
	bool hooked = r->cfg.on_data[which] != NULL;
	struct sk_error err, terr;
	size_t room;
	ssize_t n, m;
	char *to;
	int progress = 0;

	if (d->len > 0 && (d->dst->fd == -1 || can_write(d->dst)) &&
	    (progress = flush_buf(r, d)) == -1)
		return -1;
	if (d->eof || d->len >= g->buffer || d->src->fd == -1 ||
	    !can_read(d->src))
		return progress;
	to = g->scratch;
	room = g->buffer;
	if (d->len > 0) {
		/* Bytes wait: the new ones go after them. */
		if (d->head + d->len == g->buffer) {
			memmove(d->buf, d->buf + d->head, d->len);
			d->head = 0;
		}
		to = d->buf + d->head + d->len;
		room = g->buffer - d->head - d->len;
	}
	n = do_read(d->src, to, room, &terr);
	if (n == -1) {
		if (errno == EAGAIN && d->src->tls == NULL)
			d->src->can_read = false;
		else if (errno != EAGAIN && errno != EINTR)
			return fail_io(r, d->src, d->from, errno, &terr,
			    false);
		return progress;
	}
	if (n == 0)
		return source_eof(r, d);
	d->read += (uint64_t)n;
	/* A short read drained a stream socket, unless its EOF came with
	 * the data (no new edge then: read on to see it); TLS reads a
	 * record at a time, and reads on until it waits. */
	if ((size_t)n < room && d->src->kind == FD_SOCKET &&
	    d->src->tls == NULL && !d->src->rdhup)
		d->src->can_read = false;
	else if ((size_t)n == room && d->len == 0)
		d->bulk = true;
	if (hooked) {
		r->busy++;
		m = r->cfg.on_data[which](r, which, to, (size_t)n,
		    hook_arg(r, which), &err);
		r->busy--;
		if (m == -1) {
			relay_finish(r, SK_CLOSE_ERROR, d->to, &err, true);
			return -1;
		}
		d->written += (uint64_t)n;
		return 1;
	}
	if (d->len > 0) {
		d->len += (size_t)n;
		return 1;
	}
	/* From the scratch buffer straight out; keep what is not taken. */
	m = 0;
	if (d->dst->fd == -1) {
		m = n;
	} else if (can_write(d->dst)) {
		m = do_write(d->dst, to, (size_t)n, &terr);
		if (m == -1 && errno != EAGAIN && errno != EINTR)
			return fail_io(r, d->dst, d->to, errno, &terr, true);
		if (m < 0)
			m = 0;
		if (m < n && d->dst->kind <= FD_NONBLOCK &&
		    d->dst->tls == NULL)
			d->dst->can_write = false;
	}
	d->written += (uint64_t)m;
	if (m < n) {
		if (d->buf == NULL && (d->buf = malloc(g->buffer)) == NULL)
			return fail(r, d->src, SK_RELAY_END_SELF, ENOMEM,
			    false);
		memcpy(d->buf, to + m, (size_t)(n - m));
		d->head = 0;
		d->len = (size_t)(n - m);
	}
	return 1;
}

/* One pass of the splice path: the source into the pipe, the pipe out. */
static int
pump_splice(struct sk_relay *r, struct direction *d)
{
	size_t cap = r->g->pipe_size;
	ssize_t n;
	int progress = 0;

	if (!d->eof && d->inpipe < cap && can_read(d->src)) {
		n = splice(d->src->fd, NULL, d->pipe[1], NULL,
		    cap - d->inpipe, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n > 0) {
			d->inpipe += (size_t)n;
			d->read += (uint64_t)n;
			progress = 1;
		} else if (n == 0) {
			progress = source_eof(r, d);
		} else if (errno == EAGAIN) {
			/* An empty socket, or a pipe full of small pages:
			 * only an empty pipe proves the socket is empty. */
			if (d->inpipe == 0)
				d->src->can_read = false;
		} else if (errno == EINVAL && d->inpipe == 0) {
			return -2;	/* cannot splice: copy instead */
		} else if (errno != EINTR) {
			return fail(r, d->src, d->from, errno, false);
		}
	}
	if (d->inpipe > 0 && can_write(d->dst)) {
		n = splice(d->pipe[0], NULL, d->dst->fd, NULL, d->inpipe,
		    SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n > 0) {
			d->inpipe -= (size_t)n;
			d->written += (uint64_t)n;
			progress = 1;
		} else if (n == -1 && errno == EAGAIN) {
			d->dst->can_write = false;
		} else if (n == -1 && errno != EINTR) {
			return fail(r, d->dst, d->to, errno, true);
		}
	}
	return progress;
}

/*
 * One pass of the sendfile path: a regular file straight into a socket,
 * no byte copied through user space.  -2 when the file cannot be sent
 * so (the copy path then).  A short count is not taken for a full
 * socket: only EAGAIN says so, and only then does an edge follow.
 */
static int
pump_sendfile(struct sk_relay *r, struct direction *d)
{
	ssize_t n;

	if (d->eof || !can_write(d->dst))
		return 0;
	n = sendfile(d->dst->fd, d->src->fd, NULL, r->g->pipe_size);
	if (n > 0) {
		d->read += (uint64_t)n;
		d->written += (uint64_t)n;
		return 1;
	}
	if (n == 0)
		return source_eof(r, d);
	if (errno == EAGAIN) {
		d->dst->can_write = false;
		return 0;
	}
	if (errno == EINTR)
		return 0;
	if (errno == EINVAL || errno == ENOSYS)
		return -2;
	if (is_reset(d->dst, errno) || errno == ENOTCONN)
		return fail(r, d->dst, d->to, errno, true);
	return fail(r, d->src, d->from, errno, false);
}

/* Shut down the destination's write side: the half-close goes on. */
static void
shut_dst(struct sk_relay *r, struct rfd *f)
{
	if (f->fd == -1 || f->shut)
		return;
	f->shut = true;
	if (f->tls != NULL) {
		f->notify = true;	/* close_notify first: tls_notify */
	} else if (f->kind == FD_SOCKET) {
		(void)shutdown(f->fd, SHUT_WR);
	} else if (f->own && !(f == r->dir[0].src || f == r->dir[1].src)) {
		/* A pipe to a child: close it, so the child sees EOF. */
		if (f->watched)
			sk_loop_del(r->g->loop, f->fd);
		f->watched = false;
		(void)close(f->fd);
		f->fd = -1;
	}
}

/* The direction has moved everything and its source ended. */
static int
end_direction(struct sk_relay *r, enum sk_relay_dir which)
{
	struct direction *d = &r->dir[which];
	struct sk_error err;

	d->ended = true;
	d->done = true;
	pipe_put(r->g, d);
	free(d->buf);
	d->buf = NULL;
	if (r->cfg.on_data[which] != NULL) {
		r->busy++;
		if (r->cfg.on_data[which](r, which, NULL, 0,
		    hook_arg(r, which), &err) == -1) {
			r->busy--;
			relay_finish(r, SK_CLOSE_ERROR, d->to, &err, true);
			return -1;
		}
		r->busy--;
	}
	shut_dst(r, d->dst);
	if (r->cfg.on_eof != NULL) {
		r->busy++;
		r->cfg.on_eof(r, which, d->written, r->cfg.arg);
		r->busy--;
	}
	return 1;
}

static int
pump_dir(struct sk_relay *r, enum sk_relay_dir which)
{
	struct sk_relay_group *g = r->g;
	struct direction *d = &r->dir[which];
	int rc;

	if (d->ended)
		return 0;
	if (d->src->fd == -1 && !d->eof)
		(void)source_eof(r, d);
	for (;;) {
		if (d->src->regular && !d->no_sendfile && !g->no_splice &&
		    d->len == 0 && d->dst->kind == FD_SOCKET &&
		    d->dst->fd != -1 && d->dst->tls == NULL &&
		    r->cfg.on_data[which] == NULL) {
			if ((rc = pump_sendfile(r, d)) == -2) {
				d->no_sendfile = true;
				continue;
			}
			break;
		}
		if (d->pipe[0] == -1 && d->len == 0 && d->bulk &&
		    !g->no_splice && d->src->kind == FD_SOCKET &&
		    (d->dst->kind == FD_SOCKET || d->dst->sink) &&
		    d->dst->fd != -1 &&
		    d->src->tls == NULL && d->dst->tls == NULL &&
		    r->cfg.on_data[which] == NULL)
			(void)sk__pipe_get(&g->pipes, d->pipe);
		if (d->pipe[0] != -1) {
			rc = pump_splice(r, d);
			if (rc == -2) {
				pipe_put(g, d);
				g->no_splice = true;
				continue;
			}
		} else {
			rc = pump_copy(r, which);
		}
		break;
	}
	if (rc == -1)
		return -1;
	if (d->inpipe == 0)
		pipe_put(g, d);
	if (d->len == 0 && d->buf != NULL) {
		free(d->buf);	/* idle relays hold no memory */
		d->buf = NULL;
	}
	if (d->eof && d->len == 0 && d->inpipe == 0)
		return end_direction(r, which);
	return rc;
}

static void
touch(struct sk_relay *r)
{
	struct sk_relay_group *g = r->g;

	r->last_ms = sk_loop_now(g->loop);
	if (g->idle_ms > 0 && TAILQ_LAST(&g->relays, relay_list) != r) {
		TAILQ_REMOVE(&g->relays, r, link);
		TAILQ_INSERT_TAIL(&g->relays, r, link);
	}
}

static long long kick_timer(struct sk_loop *, long long, void *);

static bool
notify_waits(const struct sk_relay *r)
{
	size_t i;

	for (i = 0; i < r->nfds; i++)
		if (r->fds[i].tls != NULL && r->fds[i].notify)
			return true;
	return false;
}

/*
 * The TLS sessions' own steps: each handshake, driven by the readiness
 * it asks for (on_tls when it is done), and a close_notify waiting to be
 * sent (then SHUT_WR).  1 when bytes may move, 0 while a handshake
 * waits, -1 when the relay failed (and was finished).
 */
static int
tls_step(struct sk_relay *r)
{
	struct sk_error err;
	size_t i;
	int rc, want, ready = 1;

	for (i = 0; i < r->nfds; i++) {
		struct rfd *f = &r->fds[i];

		if (f->tls == NULL || f->fd == -1)
			continue;
		if (!f->handshaken) {
			if (((f->hs_want & SK_LOOP_READABLE) && !f->can_read) ||
			    ((f->hs_want & SK_LOOP_WRITABLE) &&
			    !f->can_write)) {
				ready = 0;
				continue;
			}
			rc = sk_tls_handshake(f->tls, &want, &err);
			if (rc == -1)
				return fail_with(r, f, f->end, &err, false);
			if (rc == 0) {
				f->hs_want = want;
				tls_wait(f, want);
				ready = 0;
				continue;
			}
			f->handshaken = true;
			f->hs_want = 0;
			if (r->cfg.on_tls != NULL)
				r->cfg.on_tls(r, f->end, f->tls, r->cfg.arg);
		}
		if (f->notify && f->can_write) {
			rc = sk_tls_shutdown(f->tls, &want, NULL);
			if (rc == 0) {
				tls_wait(f, want);
				continue;
			}
			/* Sent, or it failed as a plain SHUT_WR may: the
			 * next read says how the connection ended. */
			f->notify = false;
			(void)shutdown(f->fd, SHUT_WR);
		}
	}
	if (ready == 1 && r->hs_timer != 0) {
		sk_loop_timer_del(r->g->loop, r->hs_timer);
		r->hs_timer = 0;
	}
	return ready;
}

/* A handshake still unfinished at the deadline: the relay ends as an
 * idle one does (SK_CLOSE_TIMEOUT, SK_ERR_TIMEOUT). */
static long long
hs_timer_fn(struct sk_loop *loop, long long id, void *data)
{
	struct sk_relay *r = data;

	(void)loop;
	(void)id;
	r->hs_timer = 0;
	sk_relay_close(r, SK_CLOSE_TIMEOUT);
	return -1;
}

/*
 * A socket that reported an error when nothing was left to read from it
 * or write to it (a reset while both ways were quiet): end the relay
 * with the socket's error.  Bytes that came before the reset were read
 * first.  True when the relay was finished.
 */
static bool
pending_error(struct sk_relay *r)
{
	socklen_t len;
	size_t i;
	int e;

	for (i = 0; i < r->nfds; i++) {
		struct rfd *f = &r->fds[i];

		if (!f->errored || f->kind != FD_SOCKET || f->fd == -1)
			continue;
		f->errored = false;
		e = 0;
		len = sizeof(e);
		if (getsockopt(f->fd, SOL_SOCKET, SO_ERROR, &e, &len) == 0 &&
		    e != 0) {
			(void)fail(r, f, f->end, e, false);
			return true;
		}
	}
	return false;
}

/* Move what can be moved; the relay may be finished (and freed) when it
 * returns. */
static void
pump(struct sk_relay *r)
{
	int a, b, round;
	bool moved = false;

	r->busy++;
	for (round = 0; round < ROUNDS; round++) {
		if (r->has_tls && (a = tls_step(r)) != 1) {
			if (a == -1)
				return;
			if (r->closing) {
				r->busy = 0;
				sk_relay_close(r, r->close_how);
				return;
			}
			break;		/* a handshake waits */
		}
		if ((a = pump_dir(r, SK_RELAY_A_TO_B)) == -1)
			return;
		if ((b = pump_dir(r, SK_RELAY_B_TO_A)) == -1)
			return;
		if (r->closing) {
			r->busy = 0;
			sk_relay_close(r, r->close_how);
			return;
		}
		if (r->dir[0].ended && r->dir[1].ended) {
			/* The last close_notify goes out before the end. */
			if (r->has_tls && tls_step(r) == -1)
				return;
			if (r->has_tls && notify_waits(r))
				break;
			relay_finish(r, SK_CLOSE_FIN, r->any_eof ?
			    r->first_eof : SK_RELAY_END_SELF, NULL, false);
			return;
		}
		if (a == 0 && b == 0)
			break;
		moved = true;
	}
	if (round < ROUNDS && pending_error(r))
		return;
	r->busy--;
	if (moved)
		touch(r);
	if (round == ROUNDS && r->kick == 0)	/* more to do: next turn */
		r->kick = sk_loop_timer_add(r->g->loop, 0, kick_timer, r,
		    NULL);
}

static long long
kick_timer(struct sk_loop *loop, long long id, void *data)
{
	struct sk_relay *r = data;

	(void)loop;
	(void)id;
	r->kick = 0;
	pump(r);
	return -1;
}

static void
fd_event(struct sk_loop *loop, int fd, void *data, int events)
{
	struct sk_relay *r = data;
	size_t i;

	(void)loop;
	for (i = 0; i < r->nfds; i++) {
		struct rfd *f = &r->fds[i];

		if (f->fd != fd)
			continue;
		if (events & SK_LOOP_READABLE)
			f->can_read = true;
		if (events & (SK_LOOP_RDHUP | SK_LOOP_ERROR))
			f->rdhup = true;
		if (events & SK_LOOP_WRITABLE)
			f->can_write = true;
		if (events & SK_LOOP_ERROR)
			f->errored = true;
	}
	pump(r);
}

/*
 * The end.
 */

static void
reset_socket(struct rfd *f)
{
	struct linger lg = { 1, 0 };

	if (f->kind == FD_SOCKET && f->fd != -1)
		(void)setsockopt(f->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
}

static void
relay_finish(struct sk_relay *r, enum sk_close_how how, enum sk_relay_who by,
    const struct sk_error *error, bool writing)
{
	struct sk_relay_group *g = r->g;
	struct sk_relay_result res;
	size_t i;
	int k;

	if (r->finishing)
		return;
	/* Out of the group first: on_done may close the others. */
	r->finishing = true;
	TAILQ_REMOVE(&g->relays, r, link);
	g->count--;
	memset(&res, 0, sizeof(res));
	res.how = how;
	res.by = by;
	res.writing = writing;
	for (k = 0; k < 2; k++) {
		res.bytes[k] = r->dir[k].written;
		res.unsent[k] = r->dir[k].read - r->dir[k].written;
		res.done[k] = r->dir[k].done;
	}
	res.duration_ms = (double)(mono_ms() - r->start_ms);
	if (error != NULL)
		res.error = *error;
	if (r->cfg.on_done != NULL)
		r->cfg.on_done(r, &res, r->cfg.arg);
	if (r->kick != 0)
		sk_loop_timer_del(g->loop, r->kick);
	if (r->hs_timer != 0)
		sk_loop_timer_del(g->loop, r->hs_timer);
	for (i = 0; i < r->nfds; i++) {
		struct rfd *f = &r->fds[i];

		if (f->tls != NULL) {
			int want;

			/* A timeout ends the session cleanly, if it can. */
			if (how == SK_CLOSE_TIMEOUT && f->handshaken &&
			    f->fd != -1)
				(void)sk_tls_shutdown(f->tls, &want, NULL);
			sk_tls_free(f->tls);
			f->tls = NULL;
		}
		if (f->fd == -1)
			continue;
		if (how == SK_CLOSE_RST || how == SK_CLOSE_ERROR)
			reset_socket(f);
		if (f->watched)
			sk_loop_del(g->loop, f->fd);
		if (f->own)
			(void)close(f->fd);
	}
	for (k = 0; k < 2; k++) {
		pipe_put(g, &r->dir[k]);
		free(r->dir[k].buf);
	}
	free(r);
}

void
sk_relay_close(struct sk_relay *r, enum sk_close_how how)
{
	struct sk_error err;

	if (r->finishing)
		return;
	if (r->busy > 0) {
		/* Inside one of its own callbacks: after it returns. */
		r->closing = true;
		r->close_how = how;
		return;
	}
	if (how == SK_CLOSE_TIMEOUT)
		(void)sk_error_set(&err, SK_ERR_TIMEOUT, ETIMEDOUT, NULL);
	else
		(void)sk_error_set(&err, SK_ERR_OS, ECONNABORTED, NULL);
	relay_finish(r, how == SK_CLOSE_FIN ? SK_CLOSE_ERROR : how,
	    SK_RELAY_END_SELF, &err, false);
}

/*
 * Idle relays: the list is in order of last activity, so the sweep stops
 * at the first one that is recent enough.
 */
static long long
sweep_timer(struct sk_loop *loop, long long id, void *data)
{
	struct sk_relay_group *g = data;
	struct sk_relay *r, *next;
	long long now = sk_loop_now(loop);

	(void)id;
	for (r = TAILQ_FIRST(&g->relays); r != NULL &&
	    now - r->last_ms >= g->idle_ms; r = next) {
		next = TAILQ_NEXT(r, link);
		sk_relay_close(r, SK_CLOSE_TIMEOUT);
	}
	return g->idle_ms / 4 < 10 ? 10 : g->idle_ms / 4 > 1000 ? 1000 :
	    g->idle_ms / 4;
}

/*
 * Groups.
 */

struct sk_relay_group *
sk_relay_group_new(struct sk_loop *loop,
    const struct sk_relay_group_config *cfg, struct sk_error *err)
{
	struct sk_relay_group *g;
	size_t buffer = cfg != NULL && cfg->buffer != 0 ? cfg->buffer :
	    DEFAULT_BUFFER;

	if (loop == NULL || buffer < MIN_BUFFER ||
	    buffer > (size_t)1024 * 1024 * 1024) {
		(void)sk_error_set(err, SK_ERR_VALUE, EINVAL, NULL);
		return NULL;
	}
	if ((g = calloc(1, sizeof(*g))) == NULL ||
	    (g->scratch = malloc(buffer)) == NULL) {
		free(g);
		(void)sk_error_set(err, SK_ERR_OS, ENOMEM, NULL);
		return NULL;
	}
	g->loop = loop;
	if (cfg != NULL)
		g->cfg = *cfg;
	g->buffer = buffer;
	g->no_splice = g->cfg.no_splice;
	/* A bulk direction moves up to a pipe's worth per splice pair:
	 * with the default buffer a 1 MiB pipe, sixteen times fewer calls
	 * than a 64 KiB one. */
	g->pipe_size = cfg != NULL && cfg->buffer != 0 ? buffer : SPLICE_PIPE;
	sk__pipe_pool_init(&g->pipes, g->pipe_size);
	TAILQ_INIT(&g->relays);
	if (g->cfg.idle_timeout > 0) {
		g->idle_ms = (long long)(g->cfg.idle_timeout * 1000 + 0.5);
		if (g->idle_ms == 0)
			g->idle_ms = 1;
		g->sweep = sk_loop_timer_add(loop, g->idle_ms / 4 < 10 ? 10 :
		    g->idle_ms / 4 > 1000 ? 1000 : g->idle_ms / 4,
		    sweep_timer, g, err);
		if (g->sweep == -1) {
			free(g->scratch);
			free(g);
			return NULL;
		}
	}
	return g;
}

size_t
sk_relay_group_count(const struct sk_relay_group *g)
{
	return g->count;
}

void
sk_relay_group_close_all(struct sk_relay_group *g, enum sk_close_how how)
{
	struct sk_relay *r;

	/* on_done may start or close others: take the first each time (a
	 * relay leaves the list before its on_done runs, and is freed
	 * after). */
	while ((r = TAILQ_FIRST(&g->relays)) != NULL) {
		/* NOLINTNEXTLINE(clang-analyzer-unix.Malloc) */
		r->busy = 0;
		sk_relay_close(r, how);
	}
}

void
sk_relay_group_free(struct sk_relay_group *g)
{
	if (g == NULL)
		return;
	sk_relay_group_close_all(g, SK_CLOSE_ERROR);
	if (g->sweep > 0)
		sk_loop_timer_del(g->loop, g->sweep);
	sk__pipe_pool_drain(&g->pipes);
	free(g->scratch);
	free(g);
}

/*
 * Relays.
 */

/* The relay's record for fd, added on first sight. */
static struct rfd *
fd_slot(struct sk_relay *r, int fd, bool own, enum sk_relay_who end)
{
	size_t i;

	for (i = 0; i < r->nfds; i++)
		if (r->fds[i].fd == fd && fd != -1)
			return &r->fds[i];
	r->fds[r->nfds].fd = fd;
	r->fds[r->nfds].own = own;
	r->fds[r->nfds].end = end;
	r->fds[r->nfds].can_read = r->fds[r->nfds].can_write = true;
	return &r->fds[r->nfds++];
}

static int
fd_watch(struct sk_relay *r, struct rfd *f, struct sk_error *err)
{
	struct stat st;
	int mask = 0, fl;
	size_t k;

	if (f->fd == -1)
		return 0;
	if (fstat(f->fd, &st) == -1)
		return sk_error_set(err, SK_ERR_OS, errno, NULL);
	/* splice(2) from a pipe into it works: a pipe, and /dev/null (it
	 * takes and drops whole pages). */
	f->sink = S_ISFIFO(st.st_mode) || (S_ISCHR(st.st_mode) &&
	    st.st_rdev == makedev(1, 3));
	if (S_ISSOCK(st.st_mode)) {
		f->kind = FD_SOCKET;
		if ((fl = fcntl(f->fd, F_GETFL)) == -1 ||
		    (!(fl & O_NONBLOCK) &&
		    fcntl(f->fd, F_SETFL, fl | O_NONBLOCK) == -1))
			return sk_error_set(err, SK_ERR_OS, errno, NULL);
	} else if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) {
		f->kind = FD_ALWAYS;
		f->regular = S_ISREG(st.st_mode);
		return 0;
	} else {
		if ((fl = fcntl(f->fd, F_GETFL)) == -1)
			return sk_error_set(err, SK_ERR_OS, errno, NULL);
		f->kind = fl & O_NONBLOCK ? FD_NONBLOCK : FD_BLOCKING;
	}
	for (k = 0; k < 2; k++) {
		if (r->dir[k].src == f && !r->dir[k].ended)
			mask |= SK_LOOP_READABLE;
		if (r->dir[k].dst == f && !r->dir[k].ended)
			mask |= SK_LOOP_WRITABLE;
	}
	if (f->tls != NULL)	/* the handshake and close_notify: both */
		mask = SK_LOOP_READABLE | SK_LOOP_WRITABLE;
	if (mask == 0)
		return 0;
	if (sk_loop_add(r->g->loop, f->fd, mask | SK_LOOP_EDGE, fd_event, r,
	    err) == -1) {
		if (err != NULL && err->code == EPERM) {
			f->kind = FD_ALWAYS;	/* /dev/null and the like */
			return 0;
		}
		return -1;
	}
	f->watched = true;
	return 0;
}

/* A direction switched off before it began. */
static void
dir_off(struct sk_relay *r, struct direction *d)
{
	d->ended = true;
	/* (A TLS session reads on: its handshake and its alerts.) */
	if (d->src->kind == FD_SOCKET && d->src->fd != -1 &&
	    d->src->tls == NULL)
		(void)shutdown(d->src->fd, SHUT_RD);
	shut_dst(r, d->dst);
}

struct sk_relay *
sk_relay_new(struct sk_relay_group *g, const struct sk_relay_config *cfg,
    struct sk_error *err)
{
	struct sk_relay *r;
	struct rfd *rd[2], *wr[2];
	size_t i;
	int k;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		(void)sk_error_set(err, SK_ERR_OS, ENOMEM, NULL);
		return NULL;
	}
	r->g = g;
	r->cfg = *cfg;
	for (k = 0; k < 2; k++) {
		rd[k] = fd_slot(r, cfg->end[k].rfd, cfg->end[k].close,
		    (enum sk_relay_who)k);
		wr[k] = fd_slot(r, cfg->end[k].wfd, cfg->end[k].close,
		    (enum sk_relay_who)k);
		if (cfg->end[k].tls != NULL) {
			if (rd[k] != wr[k] || rd[k]->fd == -1) {
				free(r);
				(void)sk_error_set(err, SK_ERR_VALUE, EINVAL,
				    "TLS needs one socket for both ways");
				return NULL;
			}
			rd[k]->tls = cfg->end[k].tls;
			r->has_tls = true;
		}
	}
	for (k = 0; k < 2; k++) {
		struct direction *d = &r->dir[k];

		d->src = rd[k];
		d->dst = wr[1 - k];
		d->from = (enum sk_relay_who)k;
		d->to = (enum sk_relay_who)(1 - k);
		d->pipe[0] = d->pipe[1] = -1;
		d->ended = cfg->off[k];
	}
	for (i = 0; i < r->nfds; i++)
		if (fd_watch(r, &r->fds[i], err) == -1)
			goto fail;
	r->start_ms = mono_ms();
	r->last_ms = sk_loop_now(g->loop);
	TAILQ_INSERT_TAIL(&g->relays, r, link);
	g->count++;
	for (k = 0; k < 2; k++)
		if (cfg->off[k])
			dir_off(r, &r->dir[k]);
	/* The first pass runs from the loop, never inside this call. */
	r->kick = sk_loop_timer_add(g->loop, 0, kick_timer, r, err);
	if (r->kick == -1) {
		r->kick = 0;
		goto unlist;
	}
	if (r->has_tls && cfg->handshake_timeout > 0 &&
	    (r->hs_timer = sk_loop_timer_add(g->loop,
	    (long long)(cfg->handshake_timeout * 1000 + 0.5), hs_timer_fn, r,
	    err)) == -1) {
		r->hs_timer = 0;
		sk_loop_timer_del(g->loop, r->kick);
		goto unlist;
	}
	return r;
unlist:
	TAILQ_REMOVE(&g->relays, r, link);
	g->count--;
fail:
	for (i = 0; i < r->nfds; i++)
		if (r->fds[i].watched)
			sk_loop_del(g->loop, r->fds[i].fd);
	free(r);
	return NULL;
}

uint64_t
sk_relay_bytes(const struct sk_relay *r, enum sk_relay_dir dir)
{
	return r->dir[dir].written;
}

int
sk_relay_fd(const struct sk_relay *r, enum sk_relay_who end, bool write)
{
	if (end != SK_RELAY_END_A && end != SK_RELAY_END_B)
		return -1;
	return write ? r->cfg.end[end].wfd : r->cfg.end[end].rfd;
}

void
sk_relay_close_info(const struct sk_relay_result *res,
    enum sk_relay_who peer, int fd, struct sk_close_info *ci)
{
	enum sk_relay_dir in = peer == SK_RELAY_END_A ? SK_RELAY_A_TO_B :
	    SK_RELAY_B_TO_A;
	struct sockaddr_storage ss = { 0 };
	socklen_t len = sizeof(ss);

	ci->how = res->how;
	ci->by = res->by == peer ? SK_SIDE_PEER : SK_SIDE_LOCAL;
	ci->bytes_in = res->bytes[in];
	ci->bytes_out = res->bytes[1 - in];
	ci->duration_ms = res->duration_ms;
	ci->have_tcp = false;
	if (fd != -1 && getsockname(fd, (struct sockaddr *)&ss, &len) == 0 &&
	    ss.ss_family != AF_UNIX &&
	    sk_tcp_info(fd, &ci->tcp, NULL) == 0)
		ci->have_tcp = true;
}

/*
 * The terminal hook: bytes escaped by sk_tty_escape, in pieces that fit
 * its buffer, each written whole (waiting with poll(2) when the
 * descriptor is non-blocking).
 */
#define TTY_PIECE	4096

struct sk_relay_tty {
	int fd;
	struct sk_tty_escape esc;
	char out[SK_TTY_ESCAPE_MAX(TTY_PIECE)];
};

struct sk_relay_tty *
sk_relay_tty_new(int fd, struct sk_error *err)
{
	struct sk_relay_tty *t = calloc(1, sizeof(*t));

	if (t == NULL) {
		(void)sk_error_set(err, SK_ERR_OS, ENOMEM, NULL);
		return NULL;
	}
	t->fd = fd;
	sk_tty_escape_init(&t->esc);
	return t;
}

void
sk_relay_tty_free(struct sk_relay_tty *t)
{
	free(t);
}

static int
write_whole(int fd, const char *p, size_t n, struct sk_error *err)
{
	struct pollfd pf = { .fd = fd, .events = POLLOUT };
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
		} else if (w == -1 && errno == EAGAIN) {
			(void)poll(&pf, 1, -1);
		} else if (w == -1 && errno != EINTR) {
			return sk_error_set(err, SK_ERR_OS, errno, NULL);
		}
	}
	return 0;
}

int
sk_relay_tty_write(struct sk_relay *r, enum sk_relay_dir dir,
    const void *data, size_t n, void *arg, struct sk_error *err)
{
	struct sk_relay_tty *t = arg;
	const char *p = data;
	size_t k, len;

	(void)r;
	(void)dir;
	do {
		k = n < TTY_PIECE ? n : TTY_PIECE;
		len = sk_tty_escape(&t->esc, p, k, t->out);
		if (write_whole(t->fd, t->out, len, err) == -1)
			return -1;
		p += k;
		n -= k;
	} while (n > 0);
	return 0;
}
