/*
 * test-loop.c - the event loop (lib/event/loop.c): timers fire in the order of
 * their deadlines, never early, repeat as their callback asks and can be
 * removed, also from inside a callback; a descriptor's readiness reaches
 * its callback, level-triggered by default and edge-triggered on request,
 * and a hang-up says so; sk_loop_stop works from another thread; signals
 * arrive through sk_loop_signal; bad arguments are errors, not crashes.
 *
 * Every run of the loop ends by a timer of the test's own or a stop, and
 * alarm(2) ends the program if something still hangs.  Runs under
 * valgrind in CI: everything is freed, every thread joined.
 */
#include <sys/socket.h>

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

static long long
clock_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct sk_loop *
new_loop(void)
{
	struct sk_error err;
	struct sk_loop *loop = sk_loop_new(&err);

	if (loop == NULL)
		ok(false, "sk_loop_new: %s", err.message);
	return loop;
}

/* A timer that stops the loop: the end of every run below. */
static long long
stop_timer(struct sk_loop *loop, long long id, void *data)
{
	(void)id;
	(void)data;
	sk_loop_stop(loop);
	return -1;
}

/* Run the loop until a stop, or ms from now at the latest. */
static int
run_for(struct sk_loop *loop, long long ms)
{
	struct sk_error err;
	long long id = sk_loop_timer_add(loop, ms, stop_timer, NULL, &err);
	int rc;

	if (id == -1)
		return ok(false, "add the stop timer: %s", err.message) - 1;
	rc = sk_loop_run(loop, &err);
	sk_loop_timer_del(loop, id);
	return rc;
}

/*
 * Timers.
 */

struct trace {
	char log[128];
	size_t len;
	long long added;	/* clock_ms() before the add */
	long long fired[8];	/* sk_loop_now() when each fired */
	int count;
	struct sk_loop *loop;
	long long other;	/* a timer to delete */
};

static void
trace_add(struct trace *t, char c)
{
	if (t->len + 1 < sizeof(t->log)) {
		t->log[t->len++] = c;
		t->log[t->len] = '\0';
	}
}

struct tagged {
	struct trace *t;
	char tag;
	long long at;		/* sk_loop_now() when it fired */
};

static long long
record_timer(struct sk_loop *loop, long long id, void *data)
{
	struct tagged *g = data;

	(void)id;
	trace_add(g->t, g->tag);
	g->at = sk_loop_now(loop);
	if (g->t->count < 8)
		g->t->fired[g->t->count] = sk_loop_now(loop);
	g->t->count++;
	return -1;
}

static void
test_timer_order(void)
{
	struct sk_loop *loop;
	struct sk_error err;
	struct trace t = { .len = 0 };
	struct tagged a = { &t, 'a', 0 }, b = { &t, 'b', 0 },
	    c = { &t, 'c', 0 }, d = { &t, 'd', 0 };
	long long ids[4];

	if ((loop = new_loop()) == NULL)
		return;
	t.added = clock_ms();
	ids[0] = sk_loop_timer_add(loop, 120, record_timer, &c, &err);
	ids[1] = sk_loop_timer_add(loop, 40, record_timer, &a, &err);
	ids[2] = sk_loop_timer_add(loop, 80, record_timer, &b, &err);
	ids[3] = sk_loop_timer_add(loop, 0, record_timer, &d, &err);
	ok(ids[0] > 0 && ids[1] > ids[0] && ids[2] > ids[1] && ids[3] > ids[2],
	    "timer ids are positive and distinct (%lld %lld %lld %lld)",
	    ids[0], ids[1], ids[2], ids[3]);
	/* The stop timer's deadline is the last: on a slow machine some
	 * may come due in the same turn, and still fire in order. */
	is_int(run_for(loop, 200), 0, "the loop runs until a timer stops it");
	is_str(t.log, "dabc", "timers fire in the order of their deadlines");
	ok(t.count == 4 && a.at >= t.added + 40 && b.at >= t.added + 80 &&
	    c.at >= t.added + 120, "no timer fires early");
	sk_loop_free(loop);
}

/* Timers that are all due when the loop first looks fire in deadline
 * order too, not in the order they were added. */
static void
test_timer_order_due(void)
{
	struct sk_loop *loop;
	struct sk_error err;
	struct trace t = { .len = 0 };
	struct tagged a = { &t, 'a', 0 }, b = { &t, 'b', 0 },
	    c = { &t, 'c', 0 };

	if ((loop = new_loop()) == NULL)
		return;
	(void)sk_loop_timer_add(loop, 30, record_timer, &c, &err);
	(void)sk_loop_timer_add(loop, 20, record_timer, &b, &err);
	(void)sk_loop_timer_add(loop, 10, record_timer, &a, &err);
	sleep_ms(50);		/* all three are due at the first turn */
	(void)run_for(loop, 60);
	is_str(t.log, "abc", "timers due at once fire in deadline order, "
	    "not in the order they were added");
	sk_loop_free(loop);
}

static long long
repeat_timer(struct sk_loop *loop, long long id, void *data)
{
	struct trace *t = data;

	(void)id;
	if (t->count < 8)
		t->fired[t->count] = sk_loop_now(loop);
	t->count++;
	if (t->count == 4) {
		sk_loop_stop(loop);
		return -1;
	}
	return t->count == 2 ? 0 : 5;	/* 0: again, but not this turn */
}

static long long
self_delete_timer(struct sk_loop *loop, long long id, void *data)
{
	struct trace *t = data;

	t->count++;
	sk_loop_timer_del(loop, id);
	return 1;	/* ignored: it is gone */
}

static long long
delete_other_timer(struct sk_loop *loop, long long id, void *data)
{
	struct trace *t = data;

	(void)id;
	sk_loop_timer_del(loop, t->other);
	trace_add(t, 'd');
	return -1;
}

/* Record, then stop the loop: the end of a run that waits for it. */
static long long
record_stop_timer(struct sk_loop *loop, long long id, void *data)
{
	(void)record_timer(loop, id, data);
	sk_loop_stop(loop);
	return -1;
}

static long long
add_timer_timer(struct sk_loop *loop, long long id, void *data)
{
	static struct tagged late;
	struct trace *t = data;

	(void)id;
	late.t = t;
	late.tag = 'L';
	trace_add(t, 'A');
	if (sk_loop_timer_add(loop, 5, record_stop_timer, &late, NULL) <= 0)
		trace_add(t, '!');
	return -1;
}

static void
test_timer_repeat_remove(void)
{
	struct sk_loop *loop;
	struct sk_error err;
	struct trace t = { .len = 0 }, u = { .len = 0 }, v = { .len = 0 };
	struct tagged x = { &v, 'x', 0 };
	long long id;

	if ((loop = new_loop()) == NULL)
		return;
	(void)sk_loop_timer_add(loop, 5, repeat_timer, &t, &err);
	is_int(run_for(loop, 5000), 0, "run with a repeating timer");
	is_int(t.count, 4, "a timer fires again as long as it returns >= 0");
	ok(t.fired[1] >= t.fired[0] + 5 && t.fired[3] >= t.fired[2] + 5,
	    "... its next run is the returned ms later");
	ok(t.fired[2] > t.fired[1], "... and 0 means the next turn, not this");
	t.count = 0;
	(void)run_for(loop, 30);
	is_int(t.count, 0, "returning -1 removed it");

	/* Removed before it is due. */
	id = sk_loop_timer_add(loop, 5, record_timer, &x, &err);
	sk_loop_timer_del(loop, id);
	sk_loop_timer_del(loop, id);		/* twice: harmless */
	sk_loop_timer_del(loop, 123456789);	/* unknown: harmless */
	(void)run_for(loop, 30);
	is_str(v.log, "", "a deleted timer does not fire");

	/* Removed by another timer's callback, and by its own. */
	u.other = sk_loop_timer_add(loop, 20, record_timer, &x, &err);
	(void)sk_loop_timer_add(loop, 5, delete_other_timer, &u, &err);
	(void)sk_loop_timer_add(loop, 5, self_delete_timer, &u, &err);
	(void)run_for(loop, 50);
	is_str(v.log, "", "a timer deleted from a callback does not fire");
	is_str(u.log, "d", "the deleting timer fired once");
	is_int(u.count, 1, "a timer that deleted itself fired once");

	/* Added from a callback. */
	memset(&u, 0, sizeof(u));
	(void)sk_loop_timer_add(loop, 1, add_timer_timer, &u, &err);
	(void)run_for(loop, (long long)(PATIENCE * 1000));
	is_str(u.log, "AL", "a timer added from a callback fires");
	sk_loop_free(loop);
}

/*
 * Descriptors.
 */

struct watch {
	int calls;
	int events;		/* of the last call */
	int all;		/* of all calls, or'ed */
	char got[64];
	ssize_t n;		/* the last read */
	bool drain, stop_first;
	int stop_after;		/* stop at this many calls; 0: never */
	int other;		/* an fd to delete in the callback, or -1 */
	int other_calls;
};

static void
watch_fd(struct sk_loop *loop, int fd, void *data, int events)
{
	struct watch *w = data;

	w->calls++;
	w->events = events;
	w->all |= events;
	if (w->drain && (events & SK_LOOP_READABLE)) {
		w->n = read(fd, w->got, sizeof(w->got) - 1);
		if (w->n >= 0)
			w->got[w->n] = '\0';
	}
	if (w->other != -1) {
		sk_loop_del(loop, w->other);
		w->other = -1;
	}
	if (w->stop_first || (w->stop_after > 0 && w->calls >= w->stop_after))
		sk_loop_stop(loop);
}

static long long
write_timer(struct sk_loop *loop, long long id, void *data)
{
	int *fd = data;

	(void)loop;
	(void)id;
	if (write(*fd, "more", 4) != 4)
		diag("write_timer: %s", strerror(errno));
	return -1;
}

static void
test_fd(void)
{
	struct sk_loop *loop;
	struct sk_error err;
	struct watch w, w2;
	int sv[2], closed;

	if ((loop = new_loop()) == NULL)
		return;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) == -1) {
		ok(false, "socketpair: %s", strerror(errno));
		sk_loop_free(loop);
		return;
	}

	/* Readable. */
	memset(&w, 0, sizeof(w));
	w.drain = w.stop_first = true;
	w.other = -1;
	is_int(sk_loop_add(loop, sv[0], SK_LOOP_READABLE, watch_fd, &w, &err),
	    0, "watch a socket for reading");
	is_int(write(sv[1], "ping", 4), 4, "the peer writes");
	(void)run_for(loop, 5000);
	is_int(w.calls, 1, "the callback ran once");
	is_int(w.events, SK_LOOP_READABLE, "... told it is readable");
	is_str(w.got, "ping", "... and read what the peer wrote");

	/* Nothing to read: no call. */
	memset(&w, 0, sizeof(w));
	w.other = -1;
	(void)run_for(loop, 20);
	is_int(w.calls, 0, "no call while there is nothing to read");

	/* Writable, by replacing the mask. */
	memset(&w, 0, sizeof(w));
	w.stop_first = true;
	w.other = -1;
	is_int(sk_loop_add(loop, sv[0], SK_LOOP_WRITABLE, watch_fd, &w, &err),
	    0, "watch it for writing instead");
	(void)run_for(loop, 5000);
	is_int(w.calls, 1, "a writable socket: one call");
	is_int(w.events, SK_LOOP_WRITABLE, "... told it is writable only");

	/* Level-triggered: unread bytes call again and again. */
	memset(&w, 0, sizeof(w));
	w.stop_after = 3;
	w.other = -1;
	(void)sk_loop_add(loop, sv[0], SK_LOOP_READABLE, watch_fd, &w, &err);
	is_int(write(sv[1], "x", 1), 1, "the peer writes a byte");
	(void)run_for(loop, 5000);
	is_int(w.calls, 3, "level-triggered: called on each turn while "
	    "unread");

	/* Edge-triggered: once per arrival.  The second call stops the run
	 * (however late it comes); a short run after it sees no third. */
	memset(&w, 0, sizeof(w));
	w.stop_after = 2;
	w.other = -1;
	is_int(sk_loop_add(loop, sv[0], SK_LOOP_READABLE | SK_LOOP_EDGE,
	    watch_fd, &w, &err), 0, "watch it edge-triggered");
	(void)sk_loop_timer_add(loop, 20, write_timer, &sv[1], &err);
	(void)run_for(loop, (long long)(PATIENCE * 1000));
	w.stop_after = 0;
	(void)run_for(loop, 40);
	is_int(w.calls, 2, "edge-triggered: once for what was there, once "
	    "for what came later");

	/* Deleted: no more calls. */
	memset(&w, 0, sizeof(w));
	w.other = -1;
	sk_loop_del(loop, sv[0]);
	sk_loop_del(loop, sv[0]);	/* twice: harmless */
	sk_loop_del(loop, 100000);	/* never added: harmless */
	is_int(write(sv[1], "y", 1), 1, "the peer writes another");
	(void)run_for(loop, 20);
	is_int(w.calls, 0, "a deleted descriptor is not watched");

	/* Two ready in the same turn; whichever is called first deletes the
	 * other, which must then not be called. */
	memset(&w, 0, sizeof(w));
	memset(&w2, 0, sizeof(w2));
	w.other = sv[1];
	w2.other = sv[0];
	(void)sk_loop_add(loop, sv[0], SK_LOOP_WRITABLE, watch_fd, &w, &err);
	(void)sk_loop_add(loop, sv[1], SK_LOOP_WRITABLE, watch_fd, &w2, &err);
	(void)run_for(loop, 20);
	ok((w.calls > 0) != (w2.calls > 0), "a descriptor deleted by an "
	    "earlier callback of the same turn is not called (%d, %d)",
	    w.calls, w2.calls);
	sk_loop_del(loop, sv[0]);
	sk_loop_del(loop, sv[1]);

	/* Hang-up: readable (EOF), with the error flag. */
	memset(&w, 0, sizeof(w));
	w.drain = w.stop_first = true;
	w.other = -1;
	w.n = -2;
	while (read(sv[0], w.got, sizeof(w.got)) > 0)
		;
	(void)sk_loop_add(loop, sv[0], SK_LOOP_READABLE, watch_fd, &w, &err);
	(void)close(sv[1]);
	(void)run_for(loop, 5000);
	is_int(w.calls, 1, "the peer's close: one call");
	ok((w.events & SK_LOOP_READABLE) && w.n == 0,
	    "... readable, and read gives EOF (events %#x)", w.events);
	ok(w.events & SK_LOOP_ERROR, "... with SK_LOOP_ERROR for the hang-up");
	sk_loop_del(loop, sv[0]);
	closed = dup(sv[0]);	/* a descriptor number that is not open */
	(void)close(closed);
	(void)close(sv[0]);

	/* Bad arguments. */
	memset(&w, 0, sizeof(w));
	is_int(sk_loop_add(loop, -1, SK_LOOP_READABLE, watch_fd, &w, &err), -1,
	    "sk_loop_add(-1) fails");
	is_err(&err, SK_ERR_VALUE, EINVAL, NULL, "... EINVAL");
	is_int(sk_loop_add(loop, 0, 0, watch_fd, &w, &err), -1,
	    "sk_loop_add with no interest fails");
	is_err(&err, SK_ERR_VALUE, EINVAL, NULL, "... EINVAL");
	is_int(sk_loop_add(loop, 0, SK_LOOP_READABLE, NULL, &w, &err), -1,
	    "sk_loop_add with no callback fails");
	is_err(&err, SK_ERR_VALUE, EINVAL, NULL, "... EINVAL");
	is_int(sk_loop_add(loop, closed, SK_LOOP_READABLE, watch_fd, &w,
	    &err), -1, "sk_loop_add of a closed descriptor fails");
	is_err(&err, SK_ERR_OS, EBADF, NULL, "... EBADF from epoll_ctl");
	is_int(sk_loop_timer_add(loop, -1, stop_timer, NULL, &err), -1,
	    "a timer in -1 ms fails");
	is_err(&err, SK_ERR_VALUE, EINVAL, NULL, "... EINVAL");
	is_int(sk_loop_timer_add(loop, 1, NULL, NULL, &err), -1,
	    "a timer without a callback fails");
	sk_loop_free(loop);
	/* Of NULL: nothing (a crash ends the program, which fails the run). */
	sk_loop_free(NULL);
}

/*
 * sk_loop_stop from another thread, while the loop waits with nothing
 * to do: the thread waits until the loop runs, then stops it.
 */
struct stopper {
	struct sk_loop *loop;
	atomic_bool running;
	pthread_t tid;
};

static long long
running_timer(struct sk_loop *loop, long long id, void *data)
{
	struct stopper *s = data;

	(void)loop;
	(void)id;
	atomic_store(&s->running, true);
	return -1;
}

static void *
stop_later(void *arg)
{
	struct stopper *s = arg;
	int i;

	for (i = 0; i < 10000 && !atomic_load(&s->running); i++)
		sleep_ms(1);
	sleep_ms(20);	/* well inside epoll_wait by now */
	sk_loop_stop(s->loop);
	return NULL;
}

static void
test_stop_thread(void)
{
	struct stopper s = { .running = false };
	struct sk_error err;
	int round;

	if ((s.loop = new_loop()) == NULL)
		return;
	for (round = 1; round <= 2; round++) {
		atomic_store(&s.running, false);
		(void)sk_loop_timer_add(s.loop, 0, running_timer, &s, &err);
		if (pthread_create(&s.tid, NULL, stop_later, &s) != 0) {
			ok(false, "pthread_create");
			break;
		}
		is_int(sk_loop_run(s.loop, &err), 0,
		    "run %d: sk_loop_stop from another thread ends it", round);
		(void)pthread_join(s.tid, NULL);
	}
	sk_loop_free(s.loop);
}

/*
 * Signals: blocked, then read from the loop's signalfd.
 */
struct sigs {
	int usr1, usr2, other;
};

static void
on_signal(struct sk_loop *loop, int signo, void *data)
{
	struct sigs *s = data;

	if (signo == SIGUSR1)
		s->usr1++;
	else if (signo == SIGUSR2)
		s->usr2++;
	else
		s->other++;
	if (s->usr1 > 0 && s->usr2 > 0)
		sk_loop_stop(loop);
}

static long long
raise_timer(struct sk_loop *loop, long long id, void *data)
{
	(void)loop;
	(void)id;
	(void)data;
	(void)raise(SIGUSR1);		/* this thread */
	(void)kill(getpid(), SIGUSR2);	/* the process */
	return -1;
}

static void
test_signals(void)
{
	struct sk_loop *loop;
	struct sk_error err;
	struct sigs s = { 0 };
	sigset_t set, old;

	if ((loop = new_loop()) == NULL)
		return;
	(void)sigemptyset(&set);
	(void)sigaddset(&set, SIGUSR1);
	(void)sigaddset(&set, SIGUSR2);
	(void)pthread_sigmask(SIG_BLOCK, &set, &old);
	is_int(sk_loop_signal(loop, &set, on_signal, &s, &err), 0,
	    "sk_loop_signal(SIGUSR1, SIGUSR2)");
	is_int(sk_loop_signal(loop, &set, on_signal, &s, &err), -1,
	    "a second sk_loop_signal fails");
	is_err(&err, SK_ERR_VALUE, EINVAL, NULL, "... EINVAL");
	(void)sk_loop_timer_add(loop, 1, raise_timer, NULL, &err);
	is_int(run_for(loop, 5000), 0, "run while the signals come");
	is_int(s.usr1, 1, "SIGUSR1 (raise) reached the callback once");
	is_int(s.usr2, 1, "SIGUSR2 (kill) reached the callback once");
	is_int(s.other, 0, "no other signal");
	sk_loop_free(loop);
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);

	if ((loop = new_loop()) == NULL)
		return;
	is_int(sk_loop_signal(loop, &set, NULL, NULL, &err), -1,
	    "sk_loop_signal without a callback fails");
	sk_loop_free(loop);
}

int
main(void)
{
	(void)alarm(60);
	test_timer_order();
	test_timer_order_due();
	test_timer_repeat_remove();
	test_fd();
	test_stop_thread();
	test_signals();
	return done_testing();
}
