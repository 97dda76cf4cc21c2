/*
 * probe.c - many timed connects at once on an sk_loop: the documented
 * connect_ex, non-blocking, each attempt with its own deadline, up to a
 * number in flight.  TCP (RFC 9293): an attempt's result comes from the
 * socket's error once it is writable (SO_ERROR, socket(7)), timed from
 * just before connect(2); a connection that landed on itself (a
 * simultaneous open, local address == peer, possible on loopback when the
 * ephemeral port equals the port probed) is refused, since nothing
 * listens there.  UDP (RFC 768): one datagram on a connected socket; a
 * reply is open, the ICMP port unreachable the kernel reports as
 * ECONNREFUSED (udp(7)) is closed, silence until the deadline
 * open|filtered.  With TLS (RFC 8446), an open TCP port goes on to a
 * handshake on the same loop, with the deadline started again, and its
 * facts come with the report.
 */
#include <sys/socket.h>

#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bsd/stdlib.h>

#include "sockit-int.h"

struct attempt {
	struct sk_prober *p;
	int fd;			/* -1: the slot is free */
	struct sk_addr addr;
	size_t id;
	double t0;		/* ms, just before connect(2) or send(2) */
	double t1;		/* ms, when the answer was seen; 0: not yet */
	long long timer;	/* 0: none */
	bool busy;		/* an attempt holds the slot */
	enum sk_probe_result result;	/* known at once: reported later */
	int code;
	double timeout;		/* seconds, for connect and for TLS */
	struct sk_tls *tls;	/* the handshake under way, or NULL */
	int tls_state;		/* as sk_probe_report's tls */
	struct sk_tls_info info;	/* tls_state 1: the facts */
	struct sk_error tls_err;	/* tls_state -1: why */
};

struct queued {
	struct sk_addr addr;
	double timeout;
	size_t id;
};

struct sk_prober {
	struct sk_loop *loop;
	int socktype;
	sk_probe_fn *fn;
	void *ctx;
	struct attempt *slots;
	unsigned int jobs, busy;
	struct queued *q;	/* q[head..len) wait for a slot */
	size_t head, len, cap;
	unsigned char *payload;
	size_t payload_len;
	bool filling;
	/* Attempts that ended at once, in connect(2) itself, wait in a ring
	 * for the loop's next turn: a report never comes from inside
	 * sk_prober_add, and never recursively. */
	unsigned int *done;	/* slot indices */
	unsigned int dhead, dcount;
	long long flush_timer;	/* 0: none */
	bool flushing;
	struct sk_tls_ctx *tls_ctx;	/* TLS on open ports, or NULL */
	char *tls_host;
};

static const char *const result_names[] = {
	[SK_PROBE_OPEN] = "open",
	[SK_PROBE_REFUSED] = "refused",
	[SK_PROBE_TIMEOUT] = "timeout",
	[SK_PROBE_UNREACHABLE] = "unreachable",
	[SK_PROBE_RESET] = "reset",
	[SK_PROBE_ERROR] = "error",
	[SK_PROBE_CLOSED] = "closed",
	[SK_PROBE_OPEN_FILTERED] = "open|filtered"
};

#define NRESULTS (sizeof(result_names) / sizeof(result_names[0]))

const char *
sk_probe_result_name(enum sk_probe_result r)
{
	return (size_t)r < NRESULTS ? result_names[r] : "error";
}

enum sk_probe_result
sk_probe_classify(int code)
{
	/* The connect event's words decide, so the two never disagree. */
	const char *word = sk_connect_result(code);
	size_t i;

	if (code == 0)
		return SK_PROBE_OPEN;
	for (i = 0; i < NRESULTS; i++)
		if (strcmp(result_names[i], word) == 0)
			return (enum sk_probe_result)i;
	return SK_PROBE_ERROR;
}

static double
now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

struct sk_prober *
sk_prober_new(struct sk_loop *loop, int socktype, unsigned int jobs,
    sk_probe_fn *fn, void *ctx, struct sk_error *err)
{
	struct sk_prober *p;
	unsigned int i;

	if (loop == NULL || fn == NULL || (socktype != SOCK_STREAM &&
	    socktype != SOCK_DGRAM)) {
		(void)sk_error_set(err, SK_ERR_VALUE, EINVAL, NULL);
		return NULL;
	}
	if (jobs == 0)
		jobs = SK_PROBE_JOBS;
	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (p->slots = calloc(jobs, sizeof(*p->slots))) == NULL ||
	    (p->done = calloc(jobs, sizeof(*p->done))) == NULL) {
		if (p != NULL)
			free(p->slots);
		free(p);
		(void)sk__no_memory(err);
		return NULL;
	}
	for (i = 0; i < jobs; i++) {
		p->slots[i].p = p;
		p->slots[i].fd = -1;
	}
	p->loop = loop;
	p->socktype = socktype;
	p->jobs = jobs;
	p->fn = fn;
	p->ctx = ctx;
	return p;
}

int
sk_prober_set_payload(struct sk_prober *p, const void *data, size_t n,
    struct sk_error *err)
{
	unsigned char *copy = NULL;

	if (n > 0) {
		if ((copy = malloc(n)) == NULL)
			return sk__no_memory(err);
		memcpy(copy, data, n);
	}
	free(p->payload);
	p->payload = copy;
	p->payload_len = n;
	return 0;
}

size_t
sk_prober_pending(const struct sk_prober *p)
{
	return p->busy + (p->len - p->head);
}

/* Whether the two addresses are the same endpoint (family, host, port). */
static bool
same_endpoint(const struct sk_addr *a, const struct sk_addr *b)
{
	if (a->u.sa.sa_family != b->u.sa.sa_family)
		return false;
	if (a->u.sa.sa_family == AF_INET)
		return a->u.in.sin_port == b->u.in.sin_port &&
		    a->u.in.sin_addr.s_addr == b->u.in.sin_addr.s_addr;
	if (a->u.sa.sa_family == AF_INET6)
		return a->u.in6.sin6_port == b->u.in6.sin6_port &&
		    memcmp(&a->u.in6.sin6_addr, &b->u.in6.sin6_addr,
		    sizeof(a->u.in6.sin6_addr)) == 0;
	return false;
}

/* Whether the socket's own address is the one it connected to. */
static bool
self_connected(int fd, const struct sk_addr *peer)
{
	struct sk_addr local;

	memset(&local, 0, sizeof(local));
	local.len = sizeof(local.u);
	if (getsockname(fd, &local.u.sa, &local.len) == -1)
		return false;
	return same_endpoint(&local, peer);
}

static void fill(struct sk_prober *p);

/* End attempt a with result r and errno code: report it, free the slot,
 * start the next. */
static void
finish(struct attempt *a, enum sk_probe_result r, int code)
{
	struct sk_prober *p = a->p;
	struct sk_probe_report rep = { 0 };
	struct sk_addr addr = a->addr;
	/* The slot may serve another attempt from inside the report. */
	struct sk_tls_info info = a->info;
	struct sk_error tls_err = a->tls_err, ignored;
	int want;

	rep.ms = (a->t1 > 0 ? a->t1 : now_ms()) - a->t0;
	if (a->timer != 0)
		sk_loop_timer_del(p->loop, a->timer);
	if (a->tls != NULL) {
		/* A polite close_notify, if the socket takes it at once. */
		if (a->tls_state == 1)
			(void)sk_tls_shutdown(a->tls, &want, &ignored);
		sk_tls_free(a->tls);
		a->tls = NULL;
	}
	if (a->fd != -1) {
		sk_loop_del(p->loop, a->fd);
		(void)close(a->fd);
	}
	a->fd = -1;
	a->timer = 0;
	a->busy = false;
	a->info.chain = NULL;
	p->busy--;
	rep.addr = &addr;
	rep.id = a->id;
	rep.result = r;
	rep.code = code;
	rep.tls = a->tls_state;
	rep.tls_info = a->tls_state == 1 ? &info : NULL;
	rep.tls_err = a->tls_state == -1 ? &tls_err : NULL;
	p->fn(p->ctx, &rep);
	sk_tls_info_free(&info);
	fill(p);
}

/* The handshake of attempt a ended (state 1 or -1): report the port. */
static void
tls_end(struct attempt *a, int state)
{
	char msg[SK_ERRMSG_MAX + 16];

	if (state == -1 && strstr(a->tls_err.message, "certificate") ==
	    NULL) {
		/* Say what failed: "TLS handshake: timed out". */
		const char *m = a->tls_err.message;

		if (strncmp(m, "handshake: ", 11) == 0)
			m += 11;
		(void)snprintf(msg, sizeof(msg), "TLS handshake: %.*s",
		    SK_ERRMSG_MAX - 16, m);
		(void)sk_error_set(&a->tls_err, a->tls_err.kind,
		    a->tls_err.code, msg);
	}
	a->tls_state = state;
	if (state == 1 && sk_tls_get_info(a->tls, &a->info, &a->tls_err) ==
	    -1)
		a->tls_state = -1;
	finish(a, SK_PROBE_OPEN, 0);
}

static void on_tls(struct sk_loop *loop, int fd, void *data, int events);

/* One step of attempt a's handshake: on, or over. */
static void
tls_step(struct attempt *a)
{
	int want, r;

	r = sk_tls_handshake(a->tls, &want, &a->tls_err);
	if (r != 0) {
		tls_end(a, r == 1 ? 1 : -1);
		return;
	}
	if (sk_loop_add(a->p->loop, a->fd, want, on_tls, a, &a->tls_err) ==
	    -1)
		tls_end(a, -1);
}

static void
on_tls(struct sk_loop *loop, int fd, void *data, int events)
{
	(void)loop;
	(void)fd;
	(void)events;
	tls_step(data);
}

static long long on_deadline(struct sk_loop *loop, long long id,
    void *data);

/* Attempt a's port is open: start the handshake, with a deadline of its
 * own. */
static void
tls_begin(struct attempt *a)
{
	struct sk_prober *p = a->p;
	double ms = ceil(a->timeout * 1000);

	if ((a->tls = sk_tls_new(p->tls_ctx, a->fd, p->tls_host,
	    &a->tls_err)) == NULL) {
		tls_end(a, -1);
		return;
	}
	sk__tls_verify_later(a->tls);
	if (a->timer != 0)
		sk_loop_timer_del(p->loop, a->timer);
	if ((a->timer = sk_loop_timer_add(p->loop, ms > 0 ? (long long)ms : 0,
	    on_deadline, a, &a->tls_err)) == -1) {
		a->timer = 0;
		tls_end(a, -1);
		return;
	}
	tls_step(a);
}

static enum sk_probe_result
classify(const struct sk_prober *p, int code)
{
	if (p->socktype == SOCK_DGRAM && code == ECONNREFUSED)
		return SK_PROBE_CLOSED;
	return sk_probe_classify(code);
}

static void
on_ready(struct sk_loop *loop, int fd, void *data, int events)
{
	struct attempt *a = data;
	unsigned char buf[1];
	socklen_t len = sizeof(int);
	int e = 0;

	(void)loop;
	(void)events;
	if (a->t1 == 0)
		a->t1 = now_ms();
	if (a->p->socktype == SOCK_DGRAM) {
		if (recv(fd, buf, sizeof(buf), MSG_TRUNC) >= 0)
			finish(a, SK_PROBE_OPEN, 0);
		else if (errno != EAGAIN && errno != EINTR)
			finish(a, classify(a->p, errno), errno);
		return;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) == -1)
		e = errno;
	if (e == 0 && self_connected(fd, &a->addr))
		e = ECONNREFUSED;
	if (e == 0 && a->p->tls_ctx != NULL)
		tls_begin(a);
	else
		finish(a, classify(a->p, e), e);
}

static long long
on_deadline(struct sk_loop *loop, long long id, void *data)
{
	struct attempt *a = data;

	(void)loop;
	(void)id;
	a->timer = 0;		/* this timer ends when it returns -1 */
	if (a->tls != NULL) {
		(void)sk_error_set(&a->tls_err, SK_ERR_TIMEOUT, ETIMEDOUT,
		    NULL);
		tls_end(a, -1);
	} else if (a->p->socktype == SOCK_DGRAM)
		finish(a, SK_PROBE_OPEN_FILTERED, 0);
	else
		finish(a, SK_PROBE_TIMEOUT, ETIMEDOUT);
	return -1;
}

static long long
on_flush(struct sk_loop *loop, long long id, void *data)
{
	struct sk_prober *p = data;
	struct attempt *a;

	(void)loop;
	(void)id;
	p->flush_timer = 0;
	p->flushing = true;
	/* Reports may start attempts that end at once: they join the ring
	 * and are reported in this same loop. */
	while (p->dcount > 0) {
		a = &p->slots[p->done[p->dhead]];
		p->dhead = (p->dhead + 1) % p->jobs;
		p->dcount--;
		finish(a, a->result, a->code);
	}
	p->flushing = false;
	return -1;
}

/* Attempt a ended at once with result r: close it now, report it from
 * the loop. */
static void
defer(struct attempt *a, enum sk_probe_result r, int code)
{
	struct sk_prober *p = a->p;
	struct sk_error err;

	if (a->t1 == 0)
		a->t1 = now_ms();
	if (a->fd != -1) {
		sk_loop_del(p->loop, a->fd);
		(void)close(a->fd);
	}
	a->fd = -1;
	a->result = r;
	a->code = code;
	p->done[(p->dhead + p->dcount++) % p->jobs] =
	    (unsigned int)(a - p->slots);
	if (p->flushing || p->flush_timer != 0)
		return;
	if ((p->flush_timer = sk_loop_timer_add(p->loop, 0, on_flush, p,
	    &err)) == -1)
		p->flush_timer = 0;	/* reported at the next flush */
}

/* Start the queued attempt q in the free slot a. */
static void
start(struct sk_prober *p, struct attempt *a, const struct queued *q)
{
	struct sk_error err;
	double ms = ceil(q->timeout * 1000);
	int rc, e;

	a->addr = q->addr;
	a->id = q->id;
	a->timeout = q->timeout;
	a->timer = 0;
	a->t1 = 0;
	a->tls = NULL;
	a->tls_state = 0;
	memset(&a->info, 0, sizeof(a->info));
	a->busy = true;
	p->busy++;
	a->t0 = now_ms();
	a->fd = socket(q->addr.u.sa.sa_family, p->socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (a->fd == -1) {
		defer(a, SK_PROBE_ERROR, errno);
		return;
	}
	a->t0 = now_ms();
	rc = connect(a->fd, &q->addr.u.sa, q->addr.len);
	e = rc == 0 ? 0 : errno;
	if (e == EINPROGRESS && p->socktype == SOCK_STREAM) {
		/* Ask again: on loopback the handshake is over by the time
		 * the first call returns (the SYN-ACK or RST is processed on
		 * this CPU before connect(2) returns), which the second call
		 * says (0, or the refusal) and which saves a trip through the
		 * loop; the end of the first call is when it ended.
		 * EALREADY: still under way. */
		double t = now_ms();

		rc = connect(a->fd, &q->addr.u.sa, q->addr.len);
		e = rc == 0 || errno == EISCONN ? 0 : errno == EALREADY ?
		    EINPROGRESS : errno;
		if (e != EINPROGRESS)
			a->t1 = t;
	}
	if (p->socktype == SOCK_DGRAM && rc == 0) {
		/* Our own datagram would come back to a socket connected to
		 * itself: nothing else can be bound there. */
		if (self_connected(a->fd, &a->addr)) {
			defer(a, SK_PROBE_CLOSED, ECONNREFUSED);
			return;
		}
		a->t0 = now_ms();
		if (send(a->fd, p->payload, p->payload_len, 0) == -1) {
			defer(a, classify(p, errno), errno);
			return;
		}
		e = EINPROGRESS;
	} else if (p->socktype == SOCK_STREAM && e == 0 &&
	    self_connected(a->fd, &a->addr)) {
		e = ECONNREFUSED;
	} else if (e == 0 && p->tls_ctx != NULL) {
		/* Open at once: the handshake starts from the loop, so that
		 * no report comes from inside sk_prober_add. */
		e = EINPROGRESS;
	}
	if (e != EINPROGRESS) {
		defer(a, classify(p, e), e);
		return;
	}
	if (sk_loop_add(p->loop, a->fd, p->socktype == SOCK_DGRAM ?
	    SK_LOOP_READABLE : SK_LOOP_WRITABLE, on_ready, a, &err) == -1) {
		defer(a, SK_PROBE_ERROR, err.code);
		return;
	}
	if ((a->timer = sk_loop_timer_add(p->loop, ms > 0 ? (long long)ms : 0,
	    on_deadline, a, &err)) == -1) {
		a->timer = 0;
		defer(a, SK_PROBE_ERROR, err.code);
	}
}

/* Start queued attempts while slots are free.  A report (from the loop)
 * may queue more and call this again from inside it: the flag keeps that
 * from recursing, and this loop picks them up. */
static void
fill(struct sk_prober *p)
{
	struct queued q;
	unsigned int i = 0;

	if (p->filling)
		return;
	p->filling = true;
	while (p->busy < p->jobs && p->head < p->len) {
		q = p->q[p->head++];
		if (p->head == p->len)
			p->head = p->len = 0;
		while (p->slots[i].busy)
			i = (i + 1) % p->jobs;
		start(p, &p->slots[i], &q);
	}
	p->filling = false;
}

int
sk_prober_add(struct sk_prober *p, const struct sk_addr *addr,
    double timeout, size_t id, struct sk_error *err)
{
	struct queued *q;
	size_t n;

	if (p->len == p->cap && p->head > 0) {
		/* Slide the waiting ones to the front before growing. */
		memmove(p->q, p->q + p->head, (p->len - p->head) *
		    sizeof(*p->q));
		p->len -= p->head;
		p->head = 0;
	}
	if (p->len == p->cap) {
		n = p->cap ? p->cap * 2 : 64;
		if ((q = reallocarray(p->q, n, sizeof(*q))) == NULL)
			return sk__no_memory(err);
		p->q = q;
		p->cap = n;
	}
	q = &p->q[p->len++];
	q->addr = *addr;
	q->timeout = timeout < 0 ? 0 : timeout;
	q->id = id;
	fill(p);
	return 0;
}

void
sk_prober_free(struct sk_prober *p)
{
	unsigned int i;

	if (p == NULL)
		return;
	for (i = 0; i < p->jobs; i++) {
		struct attempt *a = &p->slots[i];

		if (a->timer != 0)
			sk_loop_timer_del(p->loop, a->timer);
		sk_tls_free(a->tls);
		if (a->fd != -1) {
			sk_loop_del(p->loop, a->fd);
			(void)close(a->fd);
		}
	}
	if (p->flush_timer != 0)
		sk_loop_timer_del(p->loop, p->flush_timer);
	free(p->slots);
	free(p->done);
	free(p->q);
	free(p->payload);
	free(p->tls_host);
	free(p);
}

int
sk_prober_set_tls(struct sk_prober *p, struct sk_tls_ctx *ctx,
    const char *host, struct sk_error *err)
{
	char *copy = NULL;

	if (p->socktype != SOCK_STREAM)
		return sk_error_set(err, SK_ERR_VALUE, EINVAL,
		    "TLS needs TCP");
	if (host != NULL && (copy = strdup(host)) == NULL)
		return sk__no_memory(err);
	free(p->tls_host);
	p->tls_host = copy;
	p->tls_ctx = ctx;
	return 0;
}

ssize_t
sk_resolve_distinct(const char *host, int family, int socktype,
    struct sk_addr **out, double *ms, struct sk_error *err)
{
	struct sk_addrinfo *ai;
	struct sk_addr *a;
	double t0 = now_ms();
	ssize_t n, i;
	size_t k = 0, j;

	*out = NULL;
	n = sk_getaddrinfo(host, NULL, family, socktype, 0, 0, &ai, err);
	if (ms != NULL)
		*ms = now_ms() - t0;
	if (n == -1)
		return -1;
	if ((a = calloc((size_t)n + 1, sizeof(*a))) == NULL) {
		sk_addrinfo_free(ai, (size_t)n);
		return sk__no_memory(err);
	}
	for (i = 0; i < n; i++) {
		for (j = 0; j < k; j++)
			if (same_endpoint(&a[j], &ai[i].addr))
				break;
		if (j == k)
			a[k++] = ai[i].addr;
	}
	sk_addrinfo_free(ai, (size_t)n);
	if (k == 0) {
		free(a);
		return sk_error_set(err, SK_ERR_GAIERROR, EAI_NONAME, NULL);
	}
	*out = a;
	return (ssize_t)k;
}
