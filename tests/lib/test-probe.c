/*
 * test-probe.c - many timed connects at once (lib/event/probe.c) on
 * loopback: an open port, a refused one (bound, then closed), a timeout
 * (a listener with a full backlog that never accepts: the kernel drops
 * the SYN), each attempt reported once with its id, never more than
 * `jobs` in flight; UDP open (a reply), closed (ICMP port unreachable)
 * and open|filtered (a bound socket that never answers).  alarm(2) ends
 * the program if a run hangs.
 */
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockit.h"
#include "tap.h"

#define MAXREP 64

struct run {
	struct sk_loop *loop;
	struct sk_prober *p;
	struct sk_probe_report rep[MAXREP];
	size_t n;
};

static void
on_report(void *ctx, const struct sk_probe_report *r)
{
	struct run *run = ctx;

	if (run->n < MAXREP)
		run->rep[run->n++] = *r;
	if (sk_prober_pending(run->p) == 0)
		sk_loop_stop(run->loop);
}

/* A socket of type bound to 127.0.0.1 port 0; its address in a. */
static int
bound(int type, struct sk_addr *a)
{
	int fd = socket(AF_INET, type, 0);

	memset(a, 0, sizeof(*a));
	a->u.in.sin_family = AF_INET;
	a->u.in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a->len = sizeof(a->u.in);
	if (fd == -1 || bind(fd, &a->u.sa, a->len) == -1 ||
	    getsockname(fd, &a->u.sa, &a->len) == -1)
		return -1;
	return fd;
}

static void
run_all(struct run *run, int type, const struct sk_addr *addrs, size_t n,
    unsigned int jobs, double timeout)
{
	struct sk_error err;
	size_t i;

	memset(run, 0, sizeof(*run));
	run->loop = sk_loop_new(&err);
	run->p = sk_prober_new(run->loop, type, jobs, on_report, run, &err);
	if (run->p == NULL) {
		ok(false, "sk_prober_new: %s", err.message);
		return;
	}
	for (i = 0; i < n; i++)
		(void)sk_prober_add(run->p, &addrs[i], timeout, i, &err);
	if (sk_prober_pending(run->p) > 0)
		(void)sk_loop_run(run->loop, &err);
	sk_prober_free(run->p);
	sk_loop_free(run->loop);
}

static const struct sk_probe_report *
report_for(const struct run *run, size_t id)
{
	size_t i;

	for (i = 0; i < run->n; i++)
		if (run->rep[i].id == id)
			return &run->rep[i];
	return NULL;
}

static void
is_result(const struct run *run, size_t id, enum sk_probe_result want,
    const char *name)
{
	const struct sk_probe_report *r = report_for(run, id);

	is_str(r != NULL ? sk_probe_result_name(r->result) : "(none)",
	    sk_probe_result_name(want), "%s", name);
}

static void
test_tcp(void)
{
	struct sk_addr a[3];
	struct run run;
	int lfd, cfd, full, fill[4], i, nfill = 0;

	lfd = bound(SOCK_STREAM, &a[0]);
	cfd = bound(SOCK_STREAM, &a[1]);
	full = bound(SOCK_STREAM, &a[2]);
	if (lfd == -1 || cfd == -1 || full == -1 || listen(lfd, 128) == -1 ||
	    listen(full, 0) == -1) {
		ok(false, "listeners: %s", strerror(errno));
		return;
	}
	(void)close(cfd);	/* nothing listens there now */
	/* Fill the backlog of 0 (room for one): later SYNs are dropped. */
	for (i = 0; i < 4; i++) {
		fill[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (fill[i] != -1) {
			(void)connect(fill[i], &a[2].u.sa, a[2].len);
			nfill++;
		}
	}
	run_all(&run, SOCK_STREAM, a, 3, 0, 0.5);
	is_int((long long)run.n, 3, "tcp: one report per attempt");
	is_result(&run, 0, SK_PROBE_OPEN, "tcp: a listener is open");
	is_result(&run, 1, SK_PROBE_REFUSED, "tcp: a closed port is refused");
	is_result(&run, 2, SK_PROBE_TIMEOUT,
	    "tcp: a full backlog times out");
	ok(report_for(&run, 2) != NULL && report_for(&run, 2)->code ==
	    ETIMEDOUT, "tcp: the timeout's errno is ETIMEDOUT");
	ok(report_for(&run, 2) != NULL && report_for(&run, 2)->ms >= 490,
	    "tcp: the timeout came no earlier than its deadline");
	ok(report_for(&run, 1) != NULL && report_for(&run, 1)->code ==
	    ECONNREFUSED, "tcp: refused's errno is ECONNREFUSED");
	for (i = 0; i < nfill; i++)
		(void)close(fill[i]);
	(void)close(full);

	/* Many attempts, few in flight: each reported once. */
	{
		struct sk_addr many[40];
		size_t k, seen = 0;

		for (k = 0; k < 40; k++)
			many[k] = k % 2 ? a[0] : a[1];
		run_all(&run, SOCK_STREAM, many, 40, 4, 2);
		is_int((long long)run.n, 40, "jobs 4: 40 reports");
		for (k = 0; k < 40; k++)
			seen += report_for(&run, k) != NULL;
		is_int((long long)seen, 40, "jobs 4: every id once");
		is_result(&run, 7, SK_PROBE_OPEN, "jobs 4: odd ones open");
		is_result(&run, 8, SK_PROBE_REFUSED,
		    "jobs 4: even ones refused");
	}
	(void)close(lfd);
}

static void
on_udp_request(struct sk_loop *loop, int fd, void *data, int events)
{
	struct sockaddr_storage from;
	socklen_t len = sizeof(from);
	char buf[64];
	ssize_t n;

	(void)loop;
	(void)data;
	(void)events;
	n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len);
	if (n >= 0)
		(void)sendto(fd, "yes", 3, 0, (struct sockaddr *)&from, len);
}

static void
test_udp(void)
{
	struct sk_addr a[3];
	struct sk_error err;
	struct run run;
	int answering, closed, silent;

	answering = bound(SOCK_DGRAM, &a[0]);
	closed = bound(SOCK_DGRAM, &a[1]);
	silent = bound(SOCK_DGRAM, &a[2]);
	if (answering == -1 || closed == -1 || silent == -1) {
		ok(false, "udp sockets: %s", strerror(errno));
		return;
	}
	(void)close(closed);
	memset(&run, 0, sizeof(run));
	run.loop = sk_loop_new(&err);
	run.p = sk_prober_new(run.loop, SOCK_DGRAM, 0, on_report, &run, &err);
	if (run.loop == NULL || run.p == NULL ||
	    sk_loop_add(run.loop, answering, SK_LOOP_READABLE, on_udp_request,
	    NULL, &err) == -1) {
		ok(false, "udp run: %s", err.message);
		return;
	}
	is_int(sk_prober_set_payload(run.p, "ping", 4, &err), 0,
	    "udp: a payload");
	(void)sk_prober_add(run.p, &a[0], 2, 0, &err);
	(void)sk_prober_add(run.p, &a[1], 2, 1, &err);
	(void)sk_prober_add(run.p, &a[2], 0.3, 2, &err);
	(void)sk_loop_run(run.loop, &err);
	is_int((long long)run.n, 3, "udp: one report per attempt");
	is_result(&run, 0, SK_PROBE_OPEN, "udp: a reply is open");
	is_result(&run, 1, SK_PROBE_CLOSED, "udp: port unreachable is closed");
	is_result(&run, 2, SK_PROBE_OPEN_FILTERED,
	    "udp: silence is open|filtered");
	sk_loop_del(run.loop, answering);
	sk_prober_free(run.p);
	sk_loop_free(run.loop);
	(void)close(answering);
	(void)close(silent);
}

static void
test_words(void)
{
	is_str(sk_probe_result_name(SK_PROBE_OPEN_FILTERED), "open|filtered",
	    "the word for open|filtered");
	is_int(sk_probe_classify(EHOSTUNREACH), SK_PROBE_UNREACHABLE,
	    "EHOSTUNREACH is unreachable");
	is_int(sk_probe_classify(ECONNRESET), SK_PROBE_RESET,
	    "ECONNRESET is reset");
	is_int(sk_probe_classify(EACCES), SK_PROBE_ERROR, "EACCES is error");
	is_int(sk_probe_classify(0), SK_PROBE_OPEN, "0 is open");
}

int
main(void)
{
	alarm(60);
	test_words();
	test_tcp();
	test_udp();
	return done_testing();
}
