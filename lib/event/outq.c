/*
 * outq.c - an output queue: whole lines handed to a writer thread, so
 * that a server's event loop never sleeps in write(2) on a stdout that
 * nobody reads.  The queue is bounded; a line that does not fit is
 * dropped whole (never written in part) and counted, so the caller can
 * say how many were lost.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sockit-int.h"

struct sk_outq {
	int fd;
	size_t limit;
	struct sk_buf pending;	/* lines waiting for the writer */
	struct sk_buf writing;	/* the writer's batch */
	pthread_mutex_t lock;
	pthread_cond_t more;	/* for the writer: lines, or closing */
	pthread_cond_t idle;	/* for sk_outq_close: all written */
	pthread_t thread;
	bool busy, closing, failed;
	int error;
	unsigned long long dropped;
};

static void *
writer(void *arg)
{
	struct sk_outq *q = arg;
	struct sk_buf t;
	size_t off;
	ssize_t n;

	(void)pthread_mutex_lock(&q->lock);
	for (;;) {
		while (q->pending.len == 0 && !q->closing)
			(void)pthread_cond_wait(&q->more, &q->lock);
		if (q->pending.len == 0)
			break;
		/* Swap buffers: the loop queues while this one writes. */
		t = q->writing;
		q->writing = q->pending;
		q->pending = t;
		sk_buf_reset(&q->pending);
		q->busy = true;
		(void)pthread_mutex_unlock(&q->lock);
		for (off = 0; off < q->writing.len && !q->failed; ) {
			n = write(q->fd, q->writing.data + off,
			    q->writing.len - off);
			if (n > 0) {
				off += (size_t)n;
			} else if (n == -1 && errno != EINTR) {
				q->error = errno;
				q->failed = true;
			}
		}
		(void)pthread_mutex_lock(&q->lock);
		sk_buf_reset(&q->writing);
		q->busy = false;
		(void)pthread_cond_broadcast(&q->idle);
	}
	(void)pthread_mutex_unlock(&q->lock);
	return NULL;
}

struct sk_outq *
sk_outq_new(int fd, size_t limit, struct sk_error *err)
{
	struct sk_outq *q = calloc(1, sizeof(*q));
	sigset_t all, old;
	int rc;

	if (q == NULL) {
		(void)sk_error_set(err, SK_ERR_OS, ENOMEM, NULL);
		return NULL;
	}
	q->fd = fd;
	q->limit = limit ? limit : (size_t)1024 * 1024;
	(void)pthread_mutex_init(&q->lock, NULL);
	(void)pthread_cond_init(&q->more, NULL);
	(void)pthread_cond_init(&q->idle, NULL);
	/* The writer takes no signals: they stay with the caller's
	 * threads (a server reads its stop signals from a signalfd). */
	(void)sigfillset(&all);
	(void)pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&q->thread, NULL, writer, q);
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		(void)pthread_mutex_destroy(&q->lock);
		(void)pthread_cond_destroy(&q->more);
		(void)pthread_cond_destroy(&q->idle);
		free(q);
		(void)sk_error_set(err, SK_ERR_OS, rc, NULL);
		return NULL;
	}
	return q;
}

int
sk_outq_put(struct sk_outq *q, const void *data, size_t n)
{
	int rc = 0;

	(void)pthread_mutex_lock(&q->lock);
	if (q->failed || q->pending.len + n > q->limit ||
	    sk_buf_append(&q->pending, data, n) == -1) {
		q->dropped++;
		rc = -1;
	} else {
		(void)pthread_cond_signal(&q->more);
	}
	(void)pthread_mutex_unlock(&q->lock);
	return rc;
}

int
sk_outq_close(struct sk_outq *q, double timeout, unsigned long long *dropped,
    struct sk_error *err)
{
	struct timespec until;
	bool drained;
	int rc = 0;

	(void)clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += (time_t)timeout;
	until.tv_nsec += (long)((timeout - (double)(time_t)timeout) * 1e9);
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	(void)pthread_mutex_lock(&q->lock);
	q->closing = true;
	(void)pthread_cond_signal(&q->more);
	while ((q->pending.len > 0 || q->busy) &&
	    pthread_cond_timedwait(&q->idle, &q->lock, &until) == 0)
		;
	drained = q->pending.len == 0 && !q->busy;
	if (!drained) {
		/* Nobody reads: the lines still queued are lost. */
		const char *p = q->pending.data, *end = p + q->pending.len;

		while (p != NULL && p < end &&
		    (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
			q->dropped++;
			p++;
		}
	}
	(void)pthread_mutex_unlock(&q->lock);
	if (!drained)
		(void)pthread_cancel(q->thread);	/* in write(2) */
	(void)pthread_join(q->thread, NULL);
	if (dropped != NULL)
		*dropped = q->dropped;
	if (q->failed)
		rc = sk_error_set(err, SK_ERR_OS, q->error, NULL);
	else if (!drained)
		rc = sk_error_set(err, SK_ERR_TIMEOUT, ETIMEDOUT, NULL);
	sk_buf_free(&q->pending);
	sk_buf_free(&q->writing);
	(void)pthread_mutex_destroy(&q->lock);
	(void)pthread_cond_destroy(&q->more);
	(void)pthread_cond_destroy(&q->idle);
	free(q);
	return rc;
}
