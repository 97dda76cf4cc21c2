/*
 * test-outq.c - the output queue: lines come out whole and in order
 * through a pipe; a queue over its limit drops whole lines and counts
 * them; a reader that never reads costs the caller the close timeout and
 * no more, with the lost lines counted; a closed reader is a write error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sockit.h"
#include "tap.h"

static void
test_order(void)
{
	struct sk_outq *q;
	struct sk_error err;
	unsigned long long dropped = 99;
	char line[32], got[4096];
	size_t len = 0;
	ssize_t n;
	int p[2], i;

	if (pipe(p) == -1 || (q = sk_outq_new(p[1], 0, &err)) == NULL) {
		ok(false, "pipe and queue");
		return;
	}
	for (i = 0; i < 100; i++) {
		int k = snprintf(line, sizeof(line), "line %d\n", i);

		if (sk_outq_put(q, line, (size_t)k) == -1)
			break;
	}
	is_int(i, 100, "100 lines queued");
	is_int(sk_outq_close(q, 5, &dropped, &err), 0, "closed, all written");
	is_int((long long)dropped, 0, "none dropped");
	(void)close(p[1]);
	while ((n = read(p[0], got + len, sizeof(got) - 1 - len)) > 0)
		len += (size_t)n;
	got[len] = '\0';
	ok(strncmp(got, "line 0\nline 1\n", 14) == 0 &&
	    strstr(got, "line 99\n") != NULL && got[len - 1] == '\n',
	    "in order, whole");
	is_int((long long)len, 790, "every byte");
	(void)close(p[0]);
}

static void
test_nobody_reads(void)
{
	struct sk_outq *q;
	struct sk_error err;
	unsigned long long dropped = 0;
	char line[100];
	int p[2], i, fails = 0;

	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\n';
	if (pipe(p) == -1) {
		ok(false, "pipe");
		return;
	}
	/* A full pipe, and a queue of 4 KiB: the rest is dropped. */
	(void)fcntl(p[1], F_SETFL, O_NONBLOCK);
	while (write(p[1], line, sizeof(line)) > 0)
		;
	(void)fcntl(p[1], F_SETFL, 0);
	if ((q = sk_outq_new(p[1], 4096, &err)) == NULL) {
		ok(false, "queue");
		return;
	}
	for (i = 0; i < 2000; i++)
		if (sk_outq_put(q, line, sizeof(line)) == -1)
			fails++;
	ok(fails > 0, "puts beyond the limit fail (%d of 2000)", fails);
	is_int(sk_outq_close(q, 0.2, &dropped, &err), -1,
	    "close gives up after its timeout");
	is_int(err.kind, SK_ERR_TIMEOUT, "... as a timeout");
	ok(dropped >= (unsigned long long)fails, "dropped counts them "
	    "(%llu)", dropped);
	(void)close(p[0]);
	(void)close(p[1]);
}

static void
test_closed_reader(void)
{
	struct sk_outq *q;
	struct sk_error err;
	unsigned long long dropped = 0;
	int p[2];

	if (pipe(p) == -1 || (q = sk_outq_new(p[1], 0, &err)) == NULL) {
		ok(false, "pipe and queue");
		return;
	}
	(void)close(p[0]);
	(void)sk_outq_put(q, "a\n", 2);
	is_int(sk_outq_close(q, 5, &dropped, &err), -1, "a closed reader");
	is_err(&err, SK_ERR_OS, EPIPE, NULL, "is EPIPE");
	(void)close(p[1]);
}

int
main(void)
{
	(void)alarm(30);
	(void)signal(SIGPIPE, SIG_IGN);
	test_order();
	test_nobody_reads();
	test_closed_reader();
	return done_testing();
}
