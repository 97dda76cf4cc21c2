/*
 * loop.c - a small event loop in the shape of redis's ae: descriptors
 * with a read/write interest and a callback, one-shot or repeating
 * timers, signals delivered through signalfd(2), and a stop that is safe
 * from another thread (an eventfd(2) wakes the loop).  The backend is
 * Linux epoll(7); level-triggered by default, edge-triggered per
 * descriptor on request (SK_LOOP_EDGE), in which case the callback must
 * drain until EAGAIN.  Unlike ae_epoll.c it never aborts: every failure
 * is returned in a struct sk_error.
 */
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bsd/stdlib.h>

#include "sockit-int.h"

#define BATCH		256	/* events taken per epoll_wait */

struct file_event {
	int mask;		/* SK_LOOP_READABLE | SK_LOOP_WRITABLE | EDGE */
	sk_loop_fd_fn *fn;
	void *data;
};

struct timer {
	long long id;
	long long when;		/* loop time, ms */
	sk_loop_timer_fn *fn;
	void *data;
};

struct sk_loop {
	int epfd;
	int wakefd;		/* eventfd: sk_loop_stop from any thread */
	int sigfd;		/* signalfd, or -1 */
	sk_loop_signal_fn *sigfn;
	void *sigdata;
	struct file_event *files;	/* indexed by fd */
	size_t nfiles;
	struct timer *timers;
	size_t ntimers, timers_cap;
	long long next_timer_id;
	long long now;		/* CLOCK_MONOTONIC, ms, once per turn */
	atomic_bool stop;
	struct epoll_event events[BATCH];
};

static long long
clock_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct sk_loop *
sk_loop_new(struct sk_error *err)
{
	struct sk_loop *loop;
	struct epoll_event ev = { .events = EPOLLIN };

	if ((loop = calloc(1, sizeof(*loop))) == NULL) {
		(void)sk_error_set(err, SK_ERR_OS, errno, NULL);
		return NULL;
	}
	loop->sigfd = -1;
	loop->wakefd = -1;
	if ((loop->epfd = epoll_create1(EPOLL_CLOEXEC)) == -1 ||
	    (loop->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1)
		goto fail;
	ev.data.fd = loop->wakefd;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, loop->wakefd, &ev) == -1)
		goto fail;
	loop->now = clock_ms();
	return loop;
fail:
	(void)sk_error_set(err, SK_ERR_OS, errno, NULL);
	sk_loop_free(loop);
	return NULL;
}

void
sk_loop_free(struct sk_loop *loop)
{
	if (loop == NULL)
		return;
	if (loop->epfd != -1)
		(void)close(loop->epfd);
	if (loop->wakefd != -1)
		(void)close(loop->wakefd);
	if (loop->sigfd != -1)
		(void)close(loop->sigfd);
	free(loop->files);
	free(loop->timers);
	free(loop);
}

static uint32_t
epoll_mask(int mask)
{
	uint32_t ev = 0;

	if (mask & SK_LOOP_READABLE)
		ev |= EPOLLIN | EPOLLRDHUP;
	if (mask & SK_LOOP_WRITABLE)
		ev |= EPOLLOUT;
	if (mask & SK_LOOP_EDGE)
		ev |= EPOLLET;
	return ev;
}

int
sk_loop_add(struct sk_loop *loop, int fd, int mask, sk_loop_fd_fn *fn,
    void *data, struct sk_error *err)
{
	struct epoll_event ev = { .events = epoll_mask(mask) };
	struct file_event *f;
	int op;

	if (fd < 0 || fn == NULL || (mask & (SK_LOOP_READABLE |
	    SK_LOOP_WRITABLE)) == 0)
		return sk_error_set(err, SK_ERR_VALUE, EINVAL, NULL);
	if ((size_t)fd >= loop->nfiles) {
		size_t n = (size_t)fd + 1 > loop->nfiles * 2 ? (size_t)fd + 64 :
		    loop->nfiles * 2;

		f = reallocarray(loop->files, n, sizeof(*f));
		if (f == NULL)
			return sk_error_set(err, SK_ERR_OS, ENOMEM, NULL);
		memset(f + loop->nfiles, 0, (n - loop->nfiles) * sizeof(*f));
		loop->files = f;
		loop->nfiles = n;
	}
	f = &loop->files[fd];
	op = f->mask == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
	ev.data.fd = fd;
	if (epoll_ctl(loop->epfd, op, fd, &ev) == -1)
		return sk_error_set(err, SK_ERR_OS, errno, NULL);
	f->mask = mask;
	f->fn = fn;
	f->data = data;
	return 0;
}

void
sk_loop_del(struct sk_loop *loop, int fd)
{
	if (fd < 0 || (size_t)fd >= loop->nfiles || loop->files[fd].mask == 0)
		return;
	/* The fd may be closed already, which removed it from epoll. */
	(void)epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
	memset(&loop->files[fd], 0, sizeof(loop->files[fd]));
}

long long
sk_loop_now(const struct sk_loop *loop)
{
	return loop->now;
}

long long
sk_loop_timer_add(struct sk_loop *loop, long long ms, sk_loop_timer_fn *fn,
    void *data, struct sk_error *err)
{
	struct timer *t;

	if (fn == NULL || ms < 0)
		return sk_error_set(err, SK_ERR_VALUE, EINVAL, NULL);
	if (loop->ntimers == loop->timers_cap) {
		size_t n = loop->timers_cap ? loop->timers_cap * 2 : 8;

		if ((t = reallocarray(loop->timers, n, sizeof(*t))) == NULL)
			return sk_error_set(err, SK_ERR_OS, ENOMEM, NULL);
		loop->timers = t;
		loop->timers_cap = n;
	}
	t = &loop->timers[loop->ntimers++];
	t->id = ++loop->next_timer_id;
	t->when = clock_ms() + ms;
	t->fn = fn;
	t->data = data;
	return t->id;
}

void
sk_loop_timer_del(struct sk_loop *loop, long long id)
{
	size_t i;

	for (i = 0; i < loop->ntimers; i++)
		if (loop->timers[i].id == id) {
			loop->timers[i] = loop->timers[--loop->ntimers];
			return;
		}
}

int
sk_loop_signal(struct sk_loop *loop, const sigset_t *set,
    sk_loop_signal_fn *fn, void *data, struct sk_error *err)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int fd;

	if (loop->sigfd != -1 || fn == NULL)
		return sk_error_set(err, SK_ERR_VALUE, EINVAL, NULL);
	if ((fd = signalfd(-1, set, SFD_NONBLOCK | SFD_CLOEXEC)) == -1)
		return sk_error_set(err, SK_ERR_OS, errno, NULL);
	ev.data.fd = fd;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) == -1) {
		int e = errno;

		(void)close(fd);
		return sk_error_set(err, SK_ERR_OS, e, NULL);
	}
	loop->sigfd = fd;
	loop->sigfn = fn;
	loop->sigdata = data;
	return 0;
}

void
sk_loop_stop(struct sk_loop *loop)
{
	uint64_t one = 1;

	atomic_store(&loop->stop, true);
	/* Wake epoll_wait; a full counter (EAGAIN) is as good. */
	if (write(loop->wakefd, &one, sizeof(one)) == -1)
		return;
}

/* Milliseconds until the nearest timer, or -1 for none. */
static int
next_timeout(const struct sk_loop *loop)
{
	long long nearest = -1, d;
	size_t i;

	for (i = 0; i < loop->ntimers; i++)
		if (nearest == -1 || loop->timers[i].when < nearest)
			nearest = loop->timers[i].when;
	if (nearest == -1)
		return -1;
	d = nearest - clock_ms();	/* callbacks may have taken a while */
	return d < 0 ? 0 : d > 60000 ? 60000 : (int)d;
}

/* Fire the due timers, earliest deadline first (ties: the older). */
static void
run_timers(struct sk_loop *loop)
{
	size_t i, best;
	long long id, next;

	while (!atomic_load(&loop->stop)) {
		best = loop->ntimers;
		for (i = 0; i < loop->ntimers; i++) {
			const struct timer *t = &loop->timers[i];

			if (t->when > loop->now)
				continue;
			if (best == loop->ntimers ||
			    t->when < loop->timers[best].when ||
			    (t->when == loop->timers[best].when &&
			    t->id < loop->timers[best].id))
				best = i;
		}
		if (best == loop->ntimers)
			return;
		id = loop->timers[best].id;
		next = loop->timers[best].fn(loop, id,
		    loop->timers[best].data);
		/* The callback may have added or deleted timers: find the
		 * timer again by its id. */
		for (i = 0; i < loop->ntimers; i++)
			if (loop->timers[i].id == id)
				break;
		if (i == loop->ntimers)
			continue;
		if (next < 0)
			loop->timers[i] = loop->timers[--loop->ntimers];
		else	/* strictly later than now: no refiring this turn */
			loop->timers[i].when = clock_ms() + (next > 0 ? next :
			    1);
	}
}

static void
read_signals(struct sk_loop *loop)
{
	struct signalfd_siginfo si;

	while (read(loop->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		loop->sigfn(loop, (int)si.ssi_signo, loop->sigdata);
}

int
sk_loop_run(struct sk_loop *loop, struct sk_error *err)
{
	int i, n, fd, mask;
	uint32_t e;
	uint64_t count;

	/* A stop that came before the run ends it at once: the flag is
	 * cleared when the run ends, for the next one. */
	while (!atomic_load(&loop->stop)) {
		n = epoll_wait(loop->epfd, loop->events, BATCH,
		    next_timeout(loop));
		if (n == -1 && errno != EINTR) {
			atomic_store(&loop->stop, false);
			return sk_error_set(err, SK_ERR_OS, errno, NULL);
		}
		loop->now = clock_ms();
		for (i = 0; i < n && !atomic_load(&loop->stop); i++) {
			fd = loop->events[i].data.fd;
			e = loop->events[i].events;
			if (fd == loop->wakefd) {
				if (read(fd, &count, sizeof(count)) == -1)
					continue;
				continue;
			}
			if (fd == loop->sigfd) {
				read_signals(loop);
				continue;
			}
			if ((size_t)fd >= loop->nfiles ||
			    loop->files[fd].mask == 0)
				continue;	/* deleted by a callback */
			mask = 0;
			if (e & (EPOLLIN | EPOLLRDHUP))
				mask |= SK_LOOP_READABLE;
			if (e & EPOLLRDHUP)
				mask |= SK_LOOP_RDHUP;
			if (e & EPOLLOUT)
				mask |= SK_LOOP_WRITABLE;
			if (e & (EPOLLERR | EPOLLHUP))
				mask |= SK_LOOP_READABLE | SK_LOOP_WRITABLE |
				    SK_LOOP_ERROR;
			loop->files[fd].fn(loop, fd, loop->files[fd].data,
			    mask);
		}
		if (!atomic_load(&loop->stop))
			run_timers(loop);
	}
	atomic_store(&loop->stop, false);
	return 0;
}
