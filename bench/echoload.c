/*
 * bench/echoload.c - the load generator of bench/echo: drives a TCP echo
 * server on IPv4 through one workload, checks every byte that comes back,
 * and prints one line of key=value pairs on stdout (errors on stderr).
 *
 *   echoload bulk     -p PORT [-n BYTES] [-b CHUNK] [-T SECONDS] [-E]
 *   echoload pingpong -p PORT [-c CLIENTS] [-n ROUNDS | -d SECONDS]
 *                     [-s SIZE] [-W SECONDS] [-t THREADS]
 *   echoload connrate -p PORT [-c PARALLEL] [-n CONNS | -d SECONDS]
 *                     [-s SIZE] [-t THREADS]
 *   echoload idle     -p PORT [-c CONNS] [-F INFLIGHT] [-r FILE] [-H SECONDS]
 *                     [-w SECONDS]
 *   echoload probe    -p PORT
 *   echoload freeport [-c N]
 *
 * Every workload is a single-threaded epoll loop over non-blocking sockets
 * (pingpong and connrate can run -t such loops in threads), so that the
 * generator spends far less than the server it measures; each line ends
 * with the generator's own CPU time (getrusage) so that bench/echo can
 * show it.  Common options: -a ADDR (IPv4, default 127.0.0.1), -l SECONDS
 * (a hard limit on the whole run, default 60), -S N (bind the sources to
 * 127.0.1.1 .. 127.0.1.N with IP_BIND_ADDRESS_NO_PORT: N ephemeral port
 * ranges instead of one, for connection rates that outrun TIME_WAIT).
 * Sizes take a K, M or G suffix (binary).
 *
 * bulk: one connection; sends BYTES of a pseudo-random pattern (period
 * PAT_PERIOD, a prime, so that no shift by a chunk size matches) while it
 * reads the echo back, and compares every byte; -E half-closes after the
 * last byte; it gives up when nothing moves for -T SECONDS (default 5: a
 * server that deadlocks fails fast).  pingpong: CLIENTS connections, all
 * started at once, each doing sequential round trips of SIZE bytes (each
 * message tagged with its client and sequence number); latency
 * percentiles of the round trips after the warm-up -W, and for each
 * client the time from the start to its first echo (starved_1s: clients
 * without one in the first second).
 * connrate: PARALLEL slots, each connecting, echoing SIZE bytes and
 * closing, again and again.  idle: opens CONNS connections (at most
 * INFLIGHT connecting at once), holds them; writes FILE when they are all
 * open and waits for SIGUSR1 (or -H SECONDS); then each connection echoes
 * one message, within -w SECONDS (default 10).  probe: one echo, retried
 * until it works or -l runs out.
 * freeport: prints N distinct free TCP ports of 127.0.0.1.
 *
 * Exit status: 0 done and every echo verified; 1 an error (a connection
 * failed or was closed early, the limit ran out before the work was done);
 * 2 usage; 5 an echo differed from what was sent.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PAT_PERIOD	1048573u	/* a prime just under 1 MiB */
#define MAX_SIZE	4096u		/* largest pingpong/connrate message */
#define MAX_SAMPLES	(1u << 23)	/* latency samples kept per thread */
#define NS		1000000000ull

struct cfg {
	const char *mode;
	struct sockaddr_in dst;
	unsigned sources;
	double limit;
	uint64_t count;		/* -n: bytes, rounds, connections */
	double duration;	/* -d */
	unsigned clients;	/* -c */
	size_t size;		/* -s */
	size_t chunk;		/* -b */
	unsigned threads;	/* -t */
	double warmup;		/* -W */
	unsigned inflight;	/* -F */
	const char *ready;	/* -r */
	double hold;		/* -H */
	double echo_wait;	/* -w */
	double stall;		/* -T */
	int half_close;		/* -E */
};

static struct cfg cfg = {
	.sources = 1, .limit = 60, .clients = 1, .size = 64,
	.chunk = 256 << 10, .threads = 1, .inflight = 256, .hold = -1,
	.echo_wait = 10, .stall = 5,
};
static uint64_t t_begin;	/* when the workload started */
static uint64_t t_deadline;	/* t_begin + the -l limit */
static struct rusage ru_begin;

static void
die(int status, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "echoload %s: ", cfg.mode ? cfg.mode : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(status);
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS + (uint64_t)ts.tv_nsec;
}

static double
secs(uint64_t ns)
{
	return (double)ns / 1e9;
}

/* Milliseconds until `until` (at least 0, at most 1000), for epoll_wait. */
static int
wait_ms(uint64_t until)
{
	uint64_t t = now_ns();

	if (t >= until)
		return 0;
	if (until - t >= 1000000000ull)
		return 1000;
	return (int)((until - t + 999999) / 1000000);
}

/* ---- argument parsing ---- */

static uint64_t
parse_size(const char *s, uint64_t min, uint64_t max, const char *what)
{
	char *end;
	unsigned long long v;
	uint64_t mul = 1;

	errno = 0;
	if (*s < '0' || *s > '9')
		die(2, "%s: not a number: '%s'", what, s);
	v = strtoull(s, &end, 10);
	if (errno != 0)
		die(2, "%s: out of range: '%s'", what, s);
	switch (*end) {
	case 'K': mul = 1ull << 10; end++; break;
	case 'M': mul = 1ull << 20; end++; break;
	case 'G': mul = 1ull << 30; end++; break;
	default: break;
	}
	if (*end != '\0')
		die(2, "%s: not a number: '%s'", what, s);
	if (v > UINT64_MAX / mul || v * mul < min || v * mul > max)
		die(2, "%s: must be %" PRIu64 "..%" PRIu64 ": '%s'", what,
		    min, max, s);
	return v * mul;
}

static double
parse_secs(const char *s, double min, const char *what)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || !isfinite(v) ||
	    v < min || v > 86400)
		die(2, "%s: not a number of seconds >= %g: '%s'", what, min, s);
	return v;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: echoload bulk|pingpong|connrate|idle|probe|freeport "
	    "[-a ADDR] [-p PORT]\n"
	    "    [-l LIMIT] [-S SOURCES] [-n COUNT] [-d SECONDS] [-c N] "
	    "[-s SIZE] [-b CHUNK]\n"
	    "    [-t THREADS] [-W WARMUP] [-F INFLIGHT] [-r FILE] [-H HOLD] "
	    "[-w WAIT] [-T STALL] [-E]\n"
	    "(see the comment at the top of bench/echoload.c)\n");
	exit(2);
}

/* ---- sockets ---- */

static void
raise_nofile(uint64_t need)
{
	struct rlimit r;

	need += 64;
	if (getrlimit(RLIMIT_NOFILE, &r) != 0)
		die(1, "getrlimit: %s", strerror(errno));
	if (r.rlim_cur != RLIM_INFINITY && r.rlim_cur < need) {
		struct rlimit want = r;

		want.rlim_cur = need;
		if (want.rlim_max != RLIM_INFINITY && want.rlim_max < need)
			want.rlim_max = need;	/* works as root */
		if (setrlimit(RLIMIT_NOFILE, &want) != 0) {
			want.rlim_cur = r.rlim_max;
			want.rlim_max = r.rlim_max;
			(void)setrlimit(RLIMIT_NOFILE, &want);
		}
	}
	if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur != RLIM_INFINITY &&
	    r.rlim_cur < need)
		die(1, "RLIMIT_NOFILE is %llu, %llu descriptors needed",
		    (unsigned long long)r.rlim_cur, (unsigned long long)need);
}

/* A non-blocking socket connecting to cfg.dst (source n % cfg.sources). */
static int
open_conn(uint64_t n, int nodelay)
{
	int fd, one = 1;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die(1, "socket: %s", strerror(errno));
	if (nodelay)
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof(one));
	if (cfg.sources > 1) {
		struct sockaddr_in src = { .sin_family = AF_INET };

		src.sin_addr.s_addr = htonl(0x7f000101u +
		    (uint32_t)(n % cfg.sources));
		(void)setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one,
		    sizeof(one));
		if (bind(fd, (struct sockaddr *)&src, sizeof(src)) != 0)
			die(1, "bind %s: %s", inet_ntoa(src.sin_addr),
			    strerror(errno));
	}
	if (connect(fd, (struct sockaddr *)&cfg.dst, sizeof(cfg.dst)) != 0 &&
	    errno != EINPROGRESS) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static int
sock_error(int fd)
{
	int e = 0;
	socklen_t len = sizeof(e);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) != 0)
		return errno;
	return e;
}

static void
ep_ctl(int ep, int op, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };

	if (epoll_ctl(ep, op, fd, &ev) != 0)
		die(1, "epoll_ctl: %s", strerror(errno));
}

static int
ep_new(void)
{
	int ep = epoll_create1(EPOLL_CLOEXEC);

	if (ep < 0)
		die(1, "epoll_create1: %s", strerror(errno));
	return ep;
}

/* Events until `until` (at most a second's wait); dies on an error. */
static int
ep_wait(int ep, struct epoll_event *evs, int max, uint64_t until)
{
	int n = epoll_wait(ep, evs, max, wait_ms(until));

	if (n < 0 && errno != EINTR)
		die(1, "epoll_wait: %s", strerror(errno));
	return n < 0 ? 0 : n;
}

/* ---- data ---- */

static uint64_t
rng(uint64_t *s)
{
	uint64_t x = *s;	/* xorshift64* */

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 2685821657736338717ull;
}

/* The message number `seq` of client `id`: both tagged in, then noise. */
static void
gen_msg(unsigned char *m, size_t size, uint32_t id, uint64_t seq)
{
	uint64_t s = (((uint64_t)id << 32) ^ seq) * 0x9e3779b97f4a7c15ull + 1;
	size_t i;

	for (i = 0; i < size; i += 8) {
		uint64_t x = i == 0 ? ((uint64_t)id << 40) ^ seq : rng(&s);
		size_t k = size - i < 8 ? size - i : 8;

		memcpy(m + i, &x, k);
	}
}

static void
mismatch(const unsigned char *want, const unsigned char *got, size_t n,
    const char *where, uint64_t offset)
{
	size_t i;

	for (i = 0; i < n && want[i] == got[i]; i++)
		continue;
	die(5, "%s: echo differs at byte %" PRIu64 ": sent 0x%02x, got "
	    "0x%02x", where, offset + i, want[i], got[i]);
}

/* ---- latency samples ---- */

struct samples {
	uint32_t *v;
	size_t n, cap;
	uint64_t dropped;
};

static void
sample_add(struct samples *s, uint64_t ns)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 4096;
		uint32_t *v;

		if (cap > MAX_SAMPLES || !(v = realloc(s->v,
		    cap * sizeof(*v)))) {
			s->dropped++;
			return;
		}
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = ns > UINT32_MAX ? UINT32_MAX : (uint32_t)ns;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* The p-quantile (nearest rank) of sorted v[n], in microseconds. */
static double
pct_us(const uint32_t *v, size_t n, double p)
{
	size_t i;

	if (n == 0)
		return 0;
	i = (size_t)ceil(p * (double)n);
	i = i ? i - 1 : 0;
	return (double)v[i < n ? i : n - 1] / 1e3;
}

static void
print_latency(struct samples *all, const char *prefix)
{
	if (all->n > 0)
		qsort(all->v, all->n, sizeof(*all->v), cmp_u32);
	printf(" %sp50_us=%.1f %sp99_us=%.1f %sp999_us=%.1f %smax_us=%.1f",
	    prefix, pct_us(all->v, all->n, 0.50),
	    prefix, pct_us(all->v, all->n, 0.99),
	    prefix, pct_us(all->v, all->n, 0.999),
	    prefix, pct_us(all->v, all->n, 1.0));
	if (all->dropped)
		printf(" samples_dropped=%" PRIu64, all->dropped);
}

static void
samples_merge(struct samples *into, struct samples *from)
{
	if (from->n && (into->n + from->n > into->cap)) {
		size_t cap = into->n + from->n;
		uint32_t *v = realloc(into->v, cap * sizeof(*v));

		if (!v)
			die(1, "out of memory");
		into->v = v;
		into->cap = cap;
	}
	if (from->n)
		memcpy(into->v + into->n, from->v, from->n * sizeof(*from->v));
	into->n += from->n;
	into->dropped += from->dropped;
	free(from->v);
	from->v = NULL;
}

/* The generator's own CPU since the start, and its share of `wall`. */
static void
print_cpu(uint64_t wall_ns)
{
	struct rusage ru;
	double cpu;

	getrusage(RUSAGE_SELF, &ru);
	cpu = (double)(ru.ru_utime.tv_sec - ru_begin.ru_utime.tv_sec) +
	    (double)(ru.ru_stime.tv_sec - ru_begin.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec - ru_begin.ru_utime.tv_usec) / 1e6 +
	    (double)(ru.ru_stime.tv_usec - ru_begin.ru_stime.tv_usec) / 1e6;
	printf(" load_cpu_s=%.3f load_cpu_pct=%.1f", cpu,
	    wall_ns ? 100.0 * cpu / secs(wall_ns) : 0.0);
}

static void
start_clock(void)
{
	getrusage(RUSAGE_SELF, &ru_begin);
	t_begin = now_ns();
	t_deadline = t_begin + (uint64_t)(cfg.limit * 1e9);
}

/* Waits until fd (connecting) is connected; dies otherwise. */
static void
wait_connected(int ep, int fd)
{
	struct epoll_event ev;
	int n, e;

	ep_ctl(ep, EPOLL_CTL_ADD, fd, EPOLLOUT, 0);
	do {
		if (now_ns() >= t_deadline)
			die(1, "connect: timed out");
		n = ep_wait(ep, &ev, 1, t_deadline);
	} while (n == 0);
	if ((e = sock_error(fd)) != 0)
		die(1, "connect: %s", strerror(e));
}

/* ---- bulk ---- */

static void
run_bulk(void)
{
	uint64_t total = cfg.count ? cfg.count : 512ull << 20;
	uint64_t sent = 0, got = 0, t0, t1, moved;
	uint64_t stall = (uint64_t)(cfg.stall * 1e9);
	size_t chunk = cfg.chunk, i;
	unsigned char *pat, *buf;
	uint64_t s = 0x2545f4914f6cdd1dull;
	int ep, fd, writing = 1;

	pat = malloc(PAT_PERIOD + chunk);
	buf = malloc(chunk);
	if (!pat || !buf)
		die(1, "out of memory");
	for (i = 0; i < PAT_PERIOD; i += 8) {
		uint64_t x = rng(&s);

		memcpy(pat + i, &x, PAT_PERIOD - i < 8 ? PAT_PERIOD - i : 8);
	}
	for (i = PAT_PERIOD; i < PAT_PERIOD + chunk; i++)
		pat[i] = pat[i - PAT_PERIOD];

	ep = ep_new();
	start_clock();
	if ((fd = open_conn(0, 0)) < 0)
		die(1, "connect: %s", strerror(errno));
	wait_connected(ep, fd);
	t0 = moved = now_ns();
	ep_ctl(ep, EPOLL_CTL_MOD, fd, EPOLLIN | EPOLLOUT, 0);
	while (got < total) {
		struct epoll_event ev;
		uint64_t before = sent + got, t = now_ns();
		int n, k;

		if (t >= t_deadline)
			die(1, "time limit: %" PRIu64 " of %" PRIu64
			    " bytes echoed", got, total);
		if (t - moved >= stall)
			die(1, "stalled: nothing moved for %g s, %" PRIu64
			    " of %" PRIu64 " bytes sent, %" PRIu64 " echoed",
			    cfg.stall, sent, total, got);
		n = ep_wait(ep, &ev, 1, moved + stall < t_deadline ?
		    moved + stall : t_deadline);
		if (n == 0)
			continue;
		for (k = 0; writing && (ev.events & EPOLLOUT) && k < 8; k++) {
			size_t want = total - sent < chunk ? total - sent :
			    chunk;
			ssize_t w = send(fd, pat + sent % PAT_PERIOD, want,
			    MSG_NOSIGNAL | MSG_DONTWAIT);

			if (w < 0 && (errno == EAGAIN || errno == EINTR))
				break;
			if (w < 0)
				die(1, "send: %s", strerror(errno));
			sent += (uint64_t)w;
			if (sent == total) {
				writing = 0;
				if (cfg.half_close)
					(void)shutdown(fd, SHUT_WR);
				ep_ctl(ep, EPOLL_CTL_MOD, fd, EPOLLIN, 0);
			}
			if ((size_t)w < want)
				break;
		}
		for (k = 0; (ev.events & (EPOLLIN | EPOLLHUP | EPOLLERR)) &&
		    got < total && k < 8; k++) {
			ssize_t r = recv(fd, buf, chunk, MSG_DONTWAIT);
			const unsigned char *want;

			if (r < 0 && (errno == EAGAIN || errno == EINTR))
				break;
			if (r < 0)
				die(1, "recv after %" PRIu64 " bytes: %s", got,
				    strerror(errno));
			if (r == 0)
				die(1, "the server closed the connection "
				    "after %" PRIu64 " of %" PRIu64 " bytes",
				    got, total);
			if (got + (uint64_t)r > sent)
				die(5, "echo: %" PRIu64 " bytes back, only %"
				    PRIu64 " sent", got + (uint64_t)r, sent);
			want = pat + got % PAT_PERIOD;
			if (memcmp(want, buf, (size_t)r) != 0)
				mismatch(want, buf, (size_t)r, "bulk", got);
			got += (uint64_t)r;
			if ((size_t)r < chunk)
				break;
		}
		if (sent + got != before)
			moved = now_ns();
	}
	t1 = now_ns();
	close(fd);
	close(ep);
	free(pat);
	free(buf);
	printf("mode=bulk bytes=%" PRIu64 " verified=%" PRIu64
	    " elapsed_s=%.4f MiB_per_s=%.1f", total, got, secs(t1 - t0),
	    (double)total / (1 << 20) / secs(t1 - t0));
	print_cpu(t1 - t0);
	printf("\n");
}

/* ---- pingpong and connrate: workers ---- */

struct conn {
	int fd;
	int state;		/* 0 connecting, 1 echoing, 2 done */
	uint32_t id;
	uint32_t got;
	uint64_t seq;		/* messages echoed on this connection/slot */
	uint64_t tsend;		/* pingpong: message sent; connrate: socket */
	uint64_t first;		/* pingpong: t_begin to first echo, 0 none */
	uint64_t window;	/* round trips inside the measured window */
};

struct worker {
	pthread_t th;
	unsigned base, n;	/* connections base .. base + n - 1 */
	uint64_t quota;		/* connrate -n: connections to make */
	uint64_t started, done, errors;
	int first_errno;
	struct conn *c;
	struct samples lat;
};

static int
send_msg(struct conn *c, unsigned char *scratch, uint64_t t)
{
	ssize_t w;

	gen_msg(scratch, cfg.size, c->id, c->seq);
	c->tsend = t;
	c->got = 0;
	w = send(c->fd, scratch, cfg.size, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (w == (ssize_t)cfg.size)
		return 0;
	if (w >= 0)
		die(1, "send: short write of %zd bytes on an idle "
		    "connection", w);
	return -1;
}

/*
 * Reads what the server echoed on c; returns 1 when the whole message is
 * back (verified), 0 when more is to come, -1 on an error or EOF (errno
 * set; 0 for EOF).
 */
static int
recv_echo(struct conn *c, unsigned char *scratch, unsigned char *rbuf)
{
	for (;;) {
		ssize_t r = recv(c->fd, rbuf, cfg.size - c->got,
		    MSG_DONTWAIT);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			return 0;
		if (r < 0)
			return -1;
		if (r == 0) {
			errno = 0;
			return -1;
		}
		gen_msg(scratch, cfg.size, c->id, c->seq);
		if (memcmp(scratch + c->got, rbuf, (size_t)r) != 0)
			mismatch(scratch + c->got, rbuf, (size_t)r, "message",
			    c->got);
		c->got += (uint32_t)r;
		if (c->got == cfg.size)
			return 1;
	}
}

static void
note_error(struct worker *w, int e)
{
	if (w->errors++ == 0)
		w->first_errno = e;
}

static void
close_conn(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

/* The end of a timed run: -d from the start, and never past -l. */
static uint64_t
run_end(void)
{
	uint64_t t = cfg.duration > 0 ? t_begin +
	    (uint64_t)(cfg.duration * 1e9) : t_deadline;

	return t < t_deadline ? t : t_deadline;
}

/* c is done, or failed: close it; one connection less is active. */
static void
retire(struct conn *c, unsigned *active)
{
	close_conn(c);
	c->state = 2;
	(*active)--;
}

/*
 * Connections of pingpong and connrate are registered once, edge-triggered
 * for both directions (one epoll_ctl per connection, the fewest system
 * calls per connection): the first event says the connect is done.
 */
#define CONN_EVENTS	(EPOLLIN | EPOLLOUT | EPOLLET)

/*
 * An event (events) on c: when c was connecting, it sends the first
 * message (sent at t); else it reads the echo.  Returns 1 when an echo is
 * complete, 0 while there is more to wait for, -1 on a failure (errno
 * set, 0 when the server closed).
 */
static int
step(struct conn *c, uint32_t events, unsigned char *scratch,
    unsigned char *rbuf, uint64_t t)
{
	int e;

	if (c->state == 1)
		return recv_echo(c, scratch, rbuf);
	if ((events & (EPOLLERR | EPOLLHUP)) &&
	    (e = sock_error(c->fd)) != 0) {
		errno = e;
		return -1;
	}
	c->state = 1;
	return send_msg(c, scratch, t);
}

static void
worker_end(struct worker *w, int ep)
{
	unsigned i;

	for (i = 0; i < w->n; i++)
		close_conn(&w->c[i]);
	close(ep);
}

static void *
pingpong_worker(void *arg)
{
	struct worker *w = arg;
	unsigned char scratch[MAX_SIZE], rbuf[MAX_SIZE];
	struct epoll_event evs[256];
	uint64_t t_end = run_end();
	uint64_t t_warm = t_begin + (uint64_t)(cfg.warmup * 1e9);
	unsigned i, active = w->n;
	int ep = ep_new();

	for (i = 0; i < w->n; i++) {
		struct conn *c = &w->c[i];

		c->id = w->base + i;
		c->fd = open_conn(c->id, 1);
		if (c->fd < 0) {
			note_error(w, errno);
			retire(c, &active);
			continue;
		}
		ep_ctl(ep, EPOLL_CTL_ADD, c->fd, CONN_EVENTS, i);
	}
	while (active > 0 && now_ns() < t_end) {
		int n = ep_wait(ep, evs, 256, t_end), k;

		for (k = 0; k < n; k++) {
			uint64_t idx = evs[k].data.u64, t;
			struct conn *c = &w->c[idx];
			int r;

			if (c->state == 2)
				continue;
			r = step(c, evs[k].events, scratch, rbuf, now_ns());
			if (r == 0)
				continue;
			if (r < 0) {
				note_error(w, errno);
				retire(c, &active);
				continue;
			}
			t = now_ns();
			if (!c->first)
				c->first = t - t_begin;
			if (c->tsend >= t_warm && t <= t_end) {
				sample_add(&w->lat, t - c->tsend);
				c->window++;
				w->done++;
			}
			c->seq++;
			if (cfg.count && c->seq == cfg.count) {
				retire(c, &active);
			} else if (send_msg(c, scratch, t) != 0) {
				note_error(w, errno);
				retire(c, &active);
			}
		}
	}
	worker_end(w, ep);
	return NULL;
}

static void *
connrate_worker(void *arg)
{
	struct worker *w = arg;
	unsigned char scratch[MAX_SIZE], rbuf[MAX_SIZE];
	struct epoll_event evs[256];
	uint64_t t_end = run_end();
	unsigned i, active = 0;
	int ep = ep_new();

	for (i = 0; i < w->n; i++) {
		w->c[i].id = w->base + i;
		w->c[i].fd = -1;
		w->c[i].state = 2;
	}
	for (;;) {
		uint64_t t = now_ns();
		int n, k;

		/* (Re)start every idle slot while there is work left. */
		for (i = 0; i < w->n && t < t_end; i++) {
			struct conn *c = &w->c[i];

			if (c->state != 2 || (cfg.count &&
			    w->started >= w->quota))
				continue;
			c->tsend = now_ns();
			c->fd = open_conn(w->base + i + w->started, 0);
			w->started++;
			if (c->fd < 0) {
				note_error(w, errno);
				continue;
			}
			c->state = 0;
			active++;
			ep_ctl(ep, EPOLL_CTL_ADD, c->fd, CONN_EVENTS, i);
		}
		if (active == 0 || t >= t_end)
			break;
		n = ep_wait(ep, evs, 256, t_end);
		for (k = 0; k < n; k++) {
			uint64_t idx = evs[k].data.u64;
			struct conn *c = &w->c[idx];
			int r = step(c, evs[k].events, scratch, rbuf,
			    c->tsend);

			if (r == 0)
				continue;
			if (r < 0) {
				note_error(w, errno);
			} else if ((t = now_ns()) <= t_end) {
				sample_add(&w->lat, t - c->tsend);
				w->done++;
			}
			c->seq++;
			retire(c, &active);
		}
	}
	worker_end(w, ep);
	return NULL;
}

/* Runs fn in cfg.threads threads over cfg.clients connections. */
static struct worker *
run_workers(void *(*fn)(void *), struct conn *conns)
{
	struct worker *w = calloc(cfg.threads, sizeof(*w));
	unsigned i, base = 0;

	if (!w)
		die(1, "out of memory");
	for (i = 0; i < cfg.threads; i++) {
		w[i].base = base;
		w[i].n = cfg.clients / cfg.threads +
		    (i < cfg.clients % cfg.threads);
		w[i].c = conns + base;
		w[i].quota = cfg.count / cfg.threads +
		    (i < cfg.count % cfg.threads);
		base += w[i].n;
	}
	start_clock();
	for (i = 0; i < cfg.threads; i++)
		if ((errno = pthread_create(&w[i].th, NULL, fn, &w[i])) != 0)
			die(1, "pthread_create: %s", strerror(errno));
	for (i = 0; i < cfg.threads; i++)
		pthread_join(w[i].th, NULL);
	return w;
}

/* Sums the workers' counters and latencies; returns the error count. */
static uint64_t
gather(struct worker *w, struct samples *all, uint64_t *done, int *e)
{
	uint64_t errors = 0;
	unsigned i;

	*done = 0;
	*e = 0;
	for (i = 0; i < cfg.threads; i++) {
		*done += w[i].done;
		if (w[i].errors && errors == 0)
			*e = w[i].first_errno;
		errors += w[i].errors;
		samples_merge(all, &w[i].lat);
	}
	return errors;
}

static void
run_pingpong(void)
{
	struct conn *c = calloc(cfg.clients, sizeof(*c));
	uint64_t *first = calloc(cfg.clients, sizeof(*first));
	uint64_t done, errors, wmin = UINT64_MAX, wmax = 0, t_end, window;
	uint64_t unfinished = 0;
	struct samples all = { 0 };
	struct worker *w;
	unsigned i, served = 0, starved = 0;
	int e;

	if (!c || !first)
		die(1, "out of memory");
	raise_nofile(cfg.clients);
	w = run_workers(pingpong_worker, c);
	t_end = now_ns();
	errors = gather(w, &all, &done, &e);
	for (i = 0; i < cfg.clients; i++) {
		first[i] = c[i].first ? c[i].first : UINT64_MAX;
		if (c[i].first)
			served++;
		if (!c[i].first || c[i].first > NS)
			starved++;
		if (cfg.count && c[i].seq < cfg.count)
			unfinished++;
		if (c[i].window < wmin)
			wmin = c[i].window;
		if (c[i].window > wmax)
			wmax = c[i].window;
	}
	qsort(first, cfg.clients, sizeof(*first), cmp_u64);
	if (cfg.duration > 0) {
		window = (uint64_t)((cfg.duration - cfg.warmup) * 1e9);
		if (t_end - t_begin < (uint64_t)(cfg.duration * 1e9))
			window = t_end - t_begin - (uint64_t)(cfg.warmup * 1e9);
	} else {
		window = t_end - t_begin - (uint64_t)(cfg.warmup * 1e9);
	}
	printf("mode=pingpong clients=%u size=%zu threads=%u rounds=%"
	    PRIu64 " window_s=%.3f rtt_per_s=%.0f", cfg.clients, cfg.size,
	    cfg.threads, done, secs(window),
	    window ? (double)done / secs(window) : 0.0);
	print_latency(&all, "");
	printf(" served=%u starved_1s=%u first_p50_ms=%.1f first_max_ms=%.1f"
	    " rounds_min=%" PRIu64 " rounds_max=%" PRIu64 " errors=%" PRIu64,
	    served, starved, first[(cfg.clients - 1) / 2] == UINT64_MAX ?
	    -1.0 : (double)first[(cfg.clients - 1) / 2] / 1e6,
	    served ? (double)first[served - 1] / 1e6 : -1.0, wmin, wmax,
	    errors);
	if (cfg.count)
		printf(" unfinished=%" PRIu64, unfinished);
	print_cpu(t_end - t_begin);
	printf("\n");
	free(all.v);
	free(first);
	free(c);
	free(w);
	if (errors)
		die(1, "%" PRIu64 " connection(s) failed, the first: %s",
		    errors, e ? strerror(e) : "closed by the server");
	if (unfinished)
		die(1, "%" PRIu64 " client(s) unfinished at the time limit",
		    unfinished);
}

static void
run_connrate(void)
{
	struct conn *c = calloc(cfg.clients, sizeof(*c));
	struct samples all = { 0 };
	struct worker *w;
	uint64_t done, errors, t_end;
	int e;

	if (!c)
		die(1, "out of memory");
	raise_nofile(cfg.clients);
	w = run_workers(connrate_worker, c);
	t_end = now_ns();
	errors = gather(w, &all, &done, &e);
	printf("mode=connrate parallel=%u size=%zu threads=%u sources=%u "
	    "conns=%" PRIu64 " elapsed_s=%.3f conn_per_s=%.0f", cfg.clients,
	    cfg.size, cfg.threads, cfg.sources, done, secs(t_end - t_begin),
	    (double)done / secs(t_end - t_begin));
	print_latency(&all, "conn_");
	printf(" errors=%" PRIu64, errors);
	print_cpu(t_end - t_begin);
	printf("\n");
	free(all.v);
	free(c);
	free(w);
	if (errors)
		die(1, "%" PRIu64 " connection(s) failed, the first: %s",
		    errors, e ? strerror(e) : "closed by the server");
	if (cfg.count && done < cfg.count)
		die(1, "time limit: %" PRIu64 " of %" PRIu64 " connections",
		    done, cfg.count);
}

/* ---- idle ---- */

static void
run_idle(void)
{
	unsigned k = cfg.clients, next = 0, connecting = 0, open = 0;
	unsigned failed = 0, echoed = 0, bad = 0, i;
	struct conn *c = calloc(k, sizeof(*c));
	unsigned char scratch[MAX_SIZE], rbuf[MAX_SIZE];
	struct epoll_event evs[256];
	uint64_t t_open, t_held, t_echo, t_stop;
	int ep = ep_new(), first_errno = 0;
	sigset_t usr1;

	if (!c)
		die(1, "out of memory");
	raise_nofile(k);
	start_clock();
	/* Phase 1: open them all, at most cfg.inflight connecting at once. */
	while ((next < k || connecting > 0) && now_ns() < t_deadline) {
		int n, j;

		while (connecting < cfg.inflight && next < k) {
			c[next].id = next;
			c[next].fd = open_conn(next, 1);
			if (c[next].fd < 0) {
				if (failed++ == 0)
					first_errno = errno;
				c[next++].state = 2;
				continue;
			}
			ep_ctl(ep, EPOLL_CTL_ADD, c[next].fd, EPOLLOUT, next);
			next++;
			connecting++;
		}
		n = ep_wait(ep, evs, 256, t_deadline);
		for (j = 0; j < n; j++) {
			struct conn *cc = &c[evs[j].data.u64];
			int e;

			if (cc->state == 1) {
				/* Open, and readable: closed by the server. */
				close_conn(cc);
				cc->state = 2;
				open--;
				bad++;
				continue;
			}
			e = sock_error(cc->fd);
			connecting--;
			if (e != 0) {
				if (failed++ == 0)
					first_errno = e;
				close_conn(cc);
				cc->state = 2;
				continue;
			}
			cc->state = 1;
			open++;
			ep_ctl(ep, EPOLL_CTL_MOD, cc->fd, EPOLLIN,
			    evs[j].data.u64);
		}
	}
	t_open = now_ns();
	if (open < k)
		fprintf(stderr, "echoload idle: %u of %u connections open "
		    "(%u failed%s%s)\n", open, k, failed,
		    first_errno ? ": " : "",
		    first_errno ? strerror(first_errno) : "");
	/* Phase 2: hold them; tell whoever waits for it, wait for SIGUSR1. */
	if (cfg.ready) {
		FILE *f = fopen(cfg.ready, "w");

		if (!f || fprintf(f, "%u\n", open) < 0 || fclose(f) != 0)
			die(1, "%s: %s", cfg.ready, strerror(errno));
	}
	if (cfg.ready || cfg.hold > 0) {
		double hold = cfg.hold >= 0 ? cfg.hold :
		    secs(t_deadline - now_ns());
		struct timespec ts = {
			.tv_sec = (time_t)hold,
			.tv_nsec = (long)((hold - floor(hold)) * 1e9),
		};

		sigemptyset(&usr1);
		sigaddset(&usr1, SIGUSR1);
		while (sigtimedwait(&usr1, NULL, &ts) < 0 && errno == EINTR)
			continue;
	}
	t_held = now_ns();
	t_stop = t_held + (uint64_t)(cfg.echo_wait * 1e9);
	if (t_stop > t_deadline)
		t_stop = t_deadline;
	/* A connection readable now was closed (or spoken to) meanwhile. */
	for (;;) {
		int n = ep_wait(ep, evs, 256, 0), j;

		if (n == 0)
			break;
		for (j = 0; j < n; j++) {
			close_conn(&c[evs[j].data.u64]);
			c[evs[j].data.u64].state = 2;
			bad++;
		}
	}
	/* Phase 3: every open connection echoes one message. */
	for (i = 0; i < k; i++) {
		if (c[i].state != 1)
			continue;
		if (send_msg(&c[i], scratch, t_held) != 0) {
			close_conn(&c[i]);
			c[i].state = 2;
			bad++;
		}
	}
	while (echoed + bad + failed < k && now_ns() < t_stop) {
		int n = ep_wait(ep, evs, 256, t_stop), j;

		for (j = 0; j < n; j++) {
			struct conn *cc = &c[evs[j].data.u64];
			int r;

			if (cc->state != 1)
				continue;
			r = recv_echo(cc, scratch, rbuf);
			if (r == 0)
				continue;
			cc->state = r > 0 ? 3 : 2;
			if (r > 0)
				echoed++;
			else
				bad++;
			ep_ctl(ep, EPOLL_CTL_DEL, cc->fd, 0, 0);
		}
	}
	t_echo = now_ns();
	for (i = 0; i < k; i++)
		close_conn(&c[i]);
	printf("mode=idle conns=%u open=%u connect_failed=%u open_s=%.3f "
	    "held_s=%.3f echoed=%u echo_failed=%u echo_s=%.3f", k, open,
	    failed, secs(t_open - t_begin), secs(t_held - t_open), echoed,
	    k - failed - echoed, secs(t_echo - t_held));
	print_cpu(t_echo - t_begin);
	printf("\n");
	close(ep);
	free(c);
	if (echoed < k)
		die(1, "%u of %u connections did not echo", k - echoed, k);
}

/* ---- probe, freeport ---- */

static void
run_probe(void)
{
	unsigned char scratch[MAX_SIZE], rbuf[MAX_SIZE];
	unsigned tries = 0;
	int last = 0;

	cfg.size = 16;
	start_clock();
	while (now_ns() < t_deadline) {
		struct conn c = { .id = 0xffffffu };
		struct pollfd p;
		uint64_t until = now_ns() + NS;
		int r = -1;

		tries++;
		if ((c.fd = open_conn(0, 1)) >= 0) {
			p.fd = c.fd;
			p.events = POLLOUT;
			if (poll(&p, 1, 1000) == 1 && (last = sock_error(c.fd))
			    == 0 && send_msg(&c, scratch, 0) == 0) {
				p.events = POLLIN;
				while ((r = poll(&p, 1, wait_ms(until))) == 1 &&
				    (r = recv_echo(&c, scratch, rbuf)) == 0)
					continue;
				if (r < 0)
					last = errno;
			}
			close(c.fd);
		} else {
			last = errno;
		}
		if (r == 1) {
			printf("mode=probe ok=1 tries=%u\n", tries);
			return;
		}
		usleep(20000);
	}
	die(1, "no echo after %u tries%s%s", tries, last ? ": " : "",
	    last ? strerror(last) : "");
}

static void
run_freeport(void)
{
	unsigned i, n = cfg.clients;
	int *fds = calloc(n, sizeof(*fds));

	if (!fds)
		die(1, "out of memory");
	for (i = 0; i < n; i++) {
		struct sockaddr_in a = { .sin_family = AF_INET };
		socklen_t len = sizeof(a);

		a.sin_addr.s_addr = cfg.dst.sin_addr.s_addr;
		fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fds[i] < 0 || bind(fds[i], (struct sockaddr *)&a,
		    sizeof(a)) != 0 || getsockname(fds[i],
		    (struct sockaddr *)&a, &len) != 0)
			die(1, "bind: %s", strerror(errno));
		printf("%s%u", i ? " " : "", ntohs(a.sin_port));
	}
	printf("\n");
	for (i = 0; i < n; i++)
		close(fds[i]);
	free(fds);
}

int
main(int argc, char **argv)
{
	const char *addr = "127.0.0.1";
	sigset_t usr1;
	long port = -1;
	int ch;

	if (argc < 2 || argv[1][0] == '-')
		usage();
	cfg.mode = argv[1];
	/* SIGUSR1 ends the idle hold; block it before anyone can send it. */
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	signal(SIGPIPE, SIG_IGN);
	optind = 2;
	while ((ch = getopt(argc, argv, "a:p:l:S:n:d:c:s:b:t:W:F:r:H:w:T:E")) !=
	    -1)
		switch (ch) {
		case 'a': addr = optarg; break;
		case 'p':
			port = (long)parse_size(optarg, 0, 65535, "-p");
			break;
		case 'l': cfg.limit = parse_secs(optarg, 0.1, "-l"); break;
		case 'S':
			cfg.sources = (unsigned)parse_size(optarg, 1, 254,
			    "-S");
			break;
		case 'n':
			cfg.count = parse_size(optarg, 1, UINT64_MAX >> 1,
			    "-n");
			break;
		case 'd': cfg.duration = parse_secs(optarg, 0.01, "-d"); break;
		case 'c':
			cfg.clients = (unsigned)parse_size(optarg, 1, 1000000,
			    "-c");
			break;
		case 's':
			cfg.size = parse_size(optarg, 1, MAX_SIZE, "-s");
			break;
		case 'b':
			cfg.chunk = parse_size(optarg, 1, 64u << 20, "-b");
			break;
		case 't':
			cfg.threads = (unsigned)parse_size(optarg, 1, 64,
			    "-t");
			break;
		case 'W': cfg.warmup = parse_secs(optarg, 0, "-W"); break;
		case 'F':
			cfg.inflight = (unsigned)parse_size(optarg, 1,
			    1000000, "-F");
			break;
		case 'r': cfg.ready = optarg; break;
		case 'H': cfg.hold = parse_secs(optarg, 0, "-H"); break;
		case 'w': cfg.echo_wait = parse_secs(optarg, 0, "-w"); break;
		case 'T': cfg.stall = parse_secs(optarg, 0.01, "-T"); break;
		case 'E': cfg.half_close = 1; break;
		default: usage();
		}
	if (optind != argc)
		usage();
	cfg.dst.sin_family = AF_INET;
	if (inet_pton(AF_INET, addr, &cfg.dst.sin_addr) != 1)
		die(2, "-a: not an IPv4 address: '%s'", addr);
	if (strcmp(cfg.mode, "freeport") == 0) {
		run_freeport();
		return 0;
	}
	if (port <= 0)
		die(2, "-p PORT is required");
	cfg.dst.sin_port = htons((uint16_t)port);
	if (cfg.threads > cfg.clients)
		cfg.threads = cfg.clients;
	if (cfg.duration > 0 && cfg.count)
		die(2, "-n and -d exclude each other");
	if (cfg.warmup > 0 && cfg.duration > 0 && cfg.warmup >= cfg.duration)
		die(2, "-W must be shorter than -d");
	if (strcmp(cfg.mode, "bulk") == 0) {
		run_bulk();
	} else if (strcmp(cfg.mode, "pingpong") == 0) {
		if (!cfg.count && cfg.duration <= 0)
			cfg.duration = 5;
		run_pingpong();
	} else if (strcmp(cfg.mode, "connrate") == 0) {
		if (!cfg.count && cfg.duration <= 0)
			cfg.duration = 5;
		run_connrate();
	} else if (strcmp(cfg.mode, "idle") == 0) {
		run_idle();
	} else if (strcmp(cfg.mode, "probe") == 0) {
		run_probe();
	} else {
		usage();
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
