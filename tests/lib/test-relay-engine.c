/*
 * test-relay-engine.c - the relay engine (lib/event/relay_engine.c) and
 * the terminal escaper (lib/core/escape.c).
 *
 * The relay runs on the test's loop between two TCP connections over
 * loopback (and pipes, files, a data hook); each far end is a peer thread
 * that sends a generated stream, half-closes, and reads to EOF at the
 * same time, checking every byte.  Checked: bulk both ways at once is
 * byte-exact with splice and with the copy path and with the smallest
 * buffer; a half-close travels through either way and the other
 * direction goes on (the peer that closes first does not end the
 * session); a reset travels through as a reset; the idle timeout, a
 * direction switched off, a regular file as a source, a data hook,
 * sk_relay_close from a callback, and fifty relays on one loop.
 *
 * alarm(2) ends the program if something hangs.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockit.h"
#include "tap.h"

/* The n-th byte of stream seed: both peers can check without a copy. */
static unsigned char
gen(unsigned int seed, uint64_t n)
{
	uint64_t x = (n + 1) * 0x9e3779b97f4a7c15ULL ^ seed;

	x ^= x >> 29;
	return (unsigned char)(x ^ (x >> 17));
}

/* A connected pair over loopback TCP: *a and *b. */
static int
tcp_pair(int *a, int *b)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int l, one = 1;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (bind(l, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(l, 1) == -1 ||
	    getsockname(l, (struct sockaddr *)&sin, &len) == -1 ||
	    (*a = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		(void)close(l);
		return -1;
	}
	if (connect(*a, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    (*b = accept4(l, NULL, NULL, SOCK_CLOEXEC)) == -1) {
		(void)close(*a);
		(void)close(l);
		return -1;
	}
	(void)setsockopt(*a, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	(void)close(l);
	return 0;
}

/*
 * A peer: sends `send` bytes of stream `seed_out` (after waiting for
 * `wait_in` bytes to come in, when set), then shuts down its sending
 * side, or resets the connection when `reset` is set; meanwhile it reads
 * to EOF and checks the bytes against stream `seed_in`.  With wait_eof
 * it sends only after the EOF came in.
 */
struct peer {
	int fd;
	uint64_t send;
	unsigned int seed_out, seed_in;
	uint64_t wait_in;
	bool reset;
	bool wait_eof;
	bool no_read;		/* never read: backpressure */
	/* results */
	uint64_t sent, got;
	bool got_eof, bad, got_reset;
	pthread_t thread;
};

static bool
may_send(const struct peer *p)
{
	return p->got >= p->wait_in && (p->got_eof || !p->wait_eof);
}

static void *
peer_main(void *arg)
{
	struct peer *p = arg;
	unsigned char buf[16384];
	struct pollfd pf;
	bool shut = false;
	ssize_t n;
	size_t i, chunk;

	(void)fcntl(p->fd, F_SETFL, O_NONBLOCK);
	while (!(shut && (p->got_eof || p->got_reset || p->no_read))) {
		pf.fd = p->fd;
		pf.events = (short)((p->got_eof || p->no_read ? 0 : POLLIN) |
		    (!shut && may_send(p) ? POLLOUT : 0));
		if (poll(&pf, 1, 20000) <= 0)
			break;
		if (!p->got_eof && !p->no_read &&
		    (pf.revents & (POLLIN | POLLHUP | POLLERR))) {
			n = recv(p->fd, buf, sizeof(buf), 0);
			if (n == 0) {
				p->got_eof = true;
			} else if (n > 0) {
				for (i = 0; i < (size_t)n; i++)
					p->bad |= buf[i] !=
					    gen(p->seed_in, p->got + i);
				p->got += (uint64_t)n;
			} else if (errno == ECONNRESET) {
				p->got_reset = true;
				break;
			}
		}
		if (!shut && may_send(p) && (pf.revents & POLLOUT)) {
			chunk = p->send - p->sent < sizeof(buf) ?
			    (size_t)(p->send - p->sent) : sizeof(buf);
			for (i = 0; i < chunk; i++)
				buf[i] = gen(p->seed_out, p->sent + i);
			n = chunk > 0 ? send(p->fd, buf, chunk, MSG_NOSIGNAL) :
			    0;
			if (n > 0)
				p->sent += (uint64_t)n;
			else if (n == -1 && errno != EAGAIN)
				break;
		}
		if (!shut && p->sent == p->send && may_send(p)) {
			shut = true;
			if (p->reset) {
				struct linger lg = { 1, 0 };

				(void)setsockopt(p->fd, SOL_SOCKET, SO_LINGER,
				    &lg, sizeof(lg));
				(void)close(p->fd);
				p->fd = -1;
				break;
			}
			(void)shutdown(p->fd, SHUT_WR);
		}
	}
	if (p->fd != -1)
		(void)close(p->fd);
	return NULL;
}

/* What the callbacks saw. */
struct seen {
	struct sk_loop *loop;
	struct sk_relay_group *g;
	struct sk_relay_result res;
	int done;
	int eofs[2];
	uint64_t eof_bytes[2];
	unsigned char *hooked;	/* the data hook's bytes */
	size_t nhooked, hook_ends;
	bool close_in_eof;	/* sk_relay_close from on_eof */
};

static void
on_eof(struct sk_relay *r, enum sk_relay_dir dir, uint64_t bytes, void *arg)
{
	struct seen *s = arg;

	s->eofs[dir]++;
	s->eof_bytes[dir] = bytes;
	if (s->close_in_eof)
		sk_relay_close(r, SK_CLOSE_RST);
}

static void
on_done(struct sk_relay *r, const struct sk_relay_result *res, void *arg)
{
	struct seen *s = arg;

	(void)r;
	s->res = *res;
	s->done++;
	if (sk_relay_group_count(s->g) == 0)
		sk_loop_stop(s->loop);
}

static int
on_data(struct sk_relay *r, enum sk_relay_dir dir, const void *data, size_t n,
    void *arg, struct sk_error *err)
{
	struct seen *s = arg;
	unsigned char *p;

	(void)r;
	(void)dir;
	if (n == 0) {
		s->hook_ends++;
		return 0;
	}
	if ((p = realloc(s->hooked, s->nhooked + n)) == NULL)
		return sk_error_set(err, SK_ERR_OS, ENOMEM, NULL);
	memcpy(p + s->nhooked, data, n);
	s->hooked = p;
	s->nhooked += n;
	return 0;
}

static struct sk_relay_group *
group(struct seen *s, size_t buffer, double idle, bool no_splice)
{
	struct sk_relay_group_config gc = { buffer, idle, no_splice };
	struct sk_error err;

	memset(s, 0, sizeof(*s));
	if ((s->loop = sk_loop_new(&err)) == NULL ||
	    (s->g = sk_relay_group_new(s->loop, &gc, &err)) == NULL) {
		ok(false, "group: %s", err.message);
		exit(1);
	}
	return s->g;
}

static void
group_end(struct seen *s)
{
	sk_relay_group_free(s->g);
	sk_loop_free(s->loop);
	free(s->hooked);
}

/* A relay between two TCP connections, with a peer at each far end. */
static bool
tcp_relay(struct seen *s, struct peer *pa, struct peer *pb, bool off_ab)
{
	struct sk_relay_config cfg = { .on_eof = on_eof, .on_done = on_done,
	    .arg = s };
	struct sk_error err;
	int a0, a1, b0, b1;

	if (tcp_pair(&a0, &a1) == -1 || tcp_pair(&b0, &b1) == -1) {
		ok(false, "tcp_pair: %s", strerror(errno));
		return false;
	}
	cfg.end[0] = (struct sk_relay_endpoint){ a1, a1, true, NULL };
	cfg.end[1] = (struct sk_relay_endpoint){ b1, b1, true, NULL };
	cfg.off[SK_RELAY_A_TO_B] = off_ab;
	if (sk_relay_new(s->g, &cfg, &err) == NULL) {
		ok(false, "sk_relay_new: %s", err.message);
		return false;
	}
	pa->fd = a0;
	pb->fd = b0;
	if (pthread_create(&pa->thread, NULL, peer_main, pa) != 0 ||
	    pthread_create(&pb->thread, NULL, peer_main, pb) != 0)
		return false;
	if (sk_loop_run(s->loop, &err) == -1)
		ok(false, "sk_loop_run: %s", err.message);
	(void)pthread_join(pa->thread, NULL);
	(void)pthread_join(pb->thread, NULL);
	return true;
}

static void
test_bulk(size_t buffer, bool no_splice, uint64_t n)
{
	struct seen s;
	struct peer pa = { .send = n, .seed_out = 1, .seed_in = 2 };
	struct peer pb = { .send = n + 7, .seed_out = 2, .seed_in = 1 };
	const char *how = no_splice ? "copy" : "splice";

	group(&s, buffer, 0, no_splice);
	if (!tcp_relay(&s, &pa, &pb, false))
		return;
	ok(pb.got == n && !pb.bad && pb.got_eof,
	    "%s, %zu-byte buffer: A to B byte-exact and EOF (%llu of %llu)",
	    how, buffer, (unsigned long long)pb.got, (unsigned long long)n);
	ok(pa.got == n + 7 && !pa.bad && pa.got_eof,
	    "%s: B to A byte-exact and EOF at once", how);
	is_int(s.done, 1, "%s: done once", how);
	is_int(s.res.how, SK_CLOSE_FIN, "%s: ended with fin", how);
	ok(s.res.done[0] && s.res.done[1], "%s: both directions done", how);
	is_int((long long)s.res.bytes[0], (long long)n, "%s: bytes A to B",
	    how);
	is_int((long long)s.res.bytes[1], (long long)n + 7,
	    "%s: bytes B to A", how);
	ok(s.eofs[0] == 1 && s.eofs[1] == 1 && s.eof_bytes[0] == n,
	    "%s: an eof per direction, with its bytes", how);
	group_end(&s);
}

/* The far end of B sends 5 bytes and half-closes at once; A's far end
 * starts sending only when that EOF came through, and its stream must
 * still arrive in full (netcat's lost stdin). */
static void
test_peer_closes_first(void)
{
	struct seen s;
	struct peer pa = { .send = 1 << 20, .seed_out = 3, .seed_in = 4,
	    .wait_in = 5, .wait_eof = true };
	struct peer pb = { .send = 5, .seed_out = 4, .seed_in = 3 };

	group(&s, 0, 0, false);
	if (!tcp_relay(&s, &pa, &pb, false))
		return;
	ok(pb.got == 1 << 20 && !pb.bad && pb.got_eof,
	    "B closed first: A's megabyte still arrived (%llu)",
	    (unsigned long long)pb.got);
	ok(pa.got == 5 && pa.got_eof, "B closed first: A got B's 5 and EOF");
	is_int(s.res.how, SK_CLOSE_FIN, "B closed first: fin");
	is_int(s.res.by, SK_RELAY_END_B, "B closed first: by B");
	group_end(&s);
}

static void
test_reset(void)
{
	struct seen s;
	struct peer pa = { .send = 0, .seed_out = 5, .seed_in = 6,
	    .wait_in = 1000 };
	struct peer pb = { .send = 1000, .seed_out = 6, .seed_in = 5,
	    .reset = true };

	group(&s, 0, 0, false);
	/* A sends nothing and waits for B's bytes; B sends them, then a
	 * reset.  A sees the bytes, then the reset, not an EOF. */
	pa.send = 0;
	if (!tcp_relay(&s, &pa, &pb, false))
		return;
	is_int(s.res.how, SK_CLOSE_RST, "a reset from B ends it as rst");
	is_int(s.res.by, SK_RELAY_END_B, "the reset: by B");
	ok(pa.got_reset && !pa.got_eof,
	    "the reset travelled to A as a reset (reset %d, eof %d, got %llu)",
	    pa.got_reset, pa.got_eof, (unsigned long long)pa.got);
	is_int(s.res.error.code, ECONNRESET, "the reset's error");
	group_end(&s);
}

static void
test_off(void)
{
	struct seen s;
	struct peer pa = { .send = 300, .seed_out = 7, .seed_in = 8 };
	struct peer pb = { .send = 4000, .seed_out = 8, .seed_in = 7 };

	group(&s, 0, 0, false);
	if (!tcp_relay(&s, &pa, &pb, true))
		return;
	ok(pb.got == 0 && pb.got_eof, "A to B off: B gets EOF at once");
	ok(pa.got == 4000 && !pa.bad && pa.got_eof, "B to A goes on");
	is_int(s.res.how, SK_CLOSE_FIN, "off: ends with fin");
	group_end(&s);
}

static long long
stop_after(struct sk_loop *loop, long long id, void *data)
{
	(void)id;
	(void)data;
	sk_loop_stop(loop);
	return -1;
}

static void
test_idle(void)
{
	struct sk_relay_config cfg = { .on_done = on_done };
	struct seen s;
	struct sk_error err;
	int a0, a1, b0, b1;

	group(&s, 0, 0.1, false);
	cfg.arg = &s;
	if (tcp_pair(&a0, &a1) == -1 || tcp_pair(&b0, &b1) == -1)
		return;
	cfg.end[0] = (struct sk_relay_endpoint){ a1, a1, true, NULL };
	cfg.end[1] = (struct sk_relay_endpoint){ b1, b1, true, NULL };
	ok(sk_relay_new(s.g, &cfg, &err) != NULL, "idle relay");
	(void)sk_loop_timer_add(s.loop, 30000, stop_after, NULL, NULL);
	(void)sk_loop_run(s.loop, NULL);
	is_int(s.done, 1, "idle: done");
	is_int(s.res.how, SK_CLOSE_TIMEOUT, "idle: timeout");
	is_int(s.res.by, SK_RELAY_END_SELF, "idle: by the relay");
	is_int(s.res.error.kind, SK_ERR_TIMEOUT, "idle: a timeout error");
	(void)close(a0);
	(void)close(b0);
	group_end(&s);
}

/* A: a regular file in, a data hook out (wfd -1); B: a socket whose far
 * end echoes by hand.  Then a pipe pair as A. */
static void
test_file_and_hook(void)
{
	struct sk_relay_config cfg = { .on_eof = on_eof, .on_done = on_done };
	struct seen s;
	struct sk_error err;
	char path[] = "/tmp/sockit-relay-XXXXXX";
	unsigned char data[100000];
	struct peer pb = { .seed_out = 9, .seed_in = 9, .send = 70000 };
	size_t i;
	int f, b0, b1;

	for (i = 0; i < sizeof(data); i++)
		data[i] = gen(9, i);
	if ((f = mkstemp(path)) == -1 ||
	    write(f, data, sizeof(data)) != (ssize_t)sizeof(data) ||
	    lseek(f, 0, SEEK_SET) != 0 || tcp_pair(&b0, &b1) == -1) {
		ok(false, "file: %s", strerror(errno));
		return;
	}
	(void)unlink(path);
	group(&s, 0, 0, false);
	cfg.arg = &s;
	cfg.end[0] = (struct sk_relay_endpoint){ f, -1, true, NULL };
	cfg.end[1] = (struct sk_relay_endpoint){ b1, b1, true, NULL };
	cfg.on_data[SK_RELAY_B_TO_A] = on_data;
	ok(sk_relay_new(s.g, &cfg, &err) != NULL, "file relay");
	pb.fd = b0;
	(void)pthread_create(&pb.thread, NULL, peer_main, &pb);
	(void)sk_loop_run(s.loop, NULL);
	(void)pthread_join(pb.thread, NULL);
	ok(pb.got == sizeof(data) && !pb.bad && pb.got_eof,
	    "a regular file as A's source: all of it, then EOF (%llu)",
	    (unsigned long long)pb.got);
	is_int((long long)s.nhooked, 70000, "the data hook got B's bytes");
	ok(s.nhooked == 70000 && s.hooked[69999] == gen(9, 69999),
	    "the hook's bytes are B's");
	is_int((long long)s.hook_ends, 1, "the hook heard the end once");
	is_int(s.res.how, SK_CLOSE_FIN, "file and hook: fin");
	group_end(&s);
}

/* sk_relay_close from inside a callback, and a pipe pair endpoint. */
static void
test_close_in_callback(void)
{
	struct sk_relay_config cfg = { .on_eof = on_eof, .on_done = on_done };
	struct seen s;
	struct sk_error err;
	int in[2], out[2], b0, b1;
	ssize_t n;
	char c;

	if (pipe(in) == -1 || pipe(out) == -1 || tcp_pair(&b0, &b1) == -1)
		return;
	group(&s, 0, 0, false);
	s.close_in_eof = true;
	cfg.arg = &s;
	cfg.end[0] = (struct sk_relay_endpoint){ in[0], out[1], true, NULL };
	cfg.end[1] = (struct sk_relay_endpoint){ b1, b1, true, NULL };
	ok(sk_relay_new(s.g, &cfg, &err) != NULL, "pipe relay");
	(void)close(in[1]);	/* A's EOF at once: on_eof closes it */
	(void)sk_loop_timer_add(s.loop, 30000, stop_after, NULL, NULL);
	(void)sk_loop_run(s.loop, NULL);
	is_int(s.done, 1, "closed from on_eof: done once");
	is_int(s.res.how, SK_CLOSE_RST, "closed from on_eof: as asked");
	is_int(s.res.by, SK_RELAY_END_SELF, "closed from on_eof: by self");
	ok(read(out[0], &c, 1) == 0, "A's write pipe was closed");
	/* A's EOF went to B as a FIN before the close, so recv says EOF;
	 * the reset shows when B's far end sends. */
	is_int(recv(b0, &c, 1, 0), 0, "B's far end got A's EOF first");
	n = send(b0, "x", 1, MSG_NOSIGNAL);
	ok(n == -1 && (errno == ECONNRESET || errno == EPIPE),
	    "then the reset: sending fails (%s)", n == -1 ? strerror(errno) :
	    "sent");
	(void)close(out[0]);
	(void)close(b0);
	group_end(&s);
}

#define MANY 50

static void
test_many(void)
{
	struct seen s;
	struct peer pa[MANY], pb[MANY];
	struct sk_relay_config cfg = { .on_done = on_done };
	struct sk_error err;
	int i, a0, a1, b0, b1, good = 0;

	group(&s, 8192, 0, false);
	cfg.arg = &s;
	for (i = 0; i < MANY; i++) {
		memset(&pa[i], 0, sizeof(pa[i]));
		memset(&pb[i], 0, sizeof(pb[i]));
		pa[i].send = 20000 + (uint64_t)i;
		pa[i].seed_out = pb[i].seed_in = (unsigned int)(100 + i);
		pb[i].send = 30000;
		pb[i].seed_out = pa[i].seed_in = (unsigned int)(200 + i);
		if (tcp_pair(&a0, &a1) == -1 || tcp_pair(&b0, &b1) == -1)
			break;
		cfg.end[0] = (struct sk_relay_endpoint){ a1, a1, true, NULL };
		cfg.end[1] = (struct sk_relay_endpoint){ b1, b1, true, NULL };
		if (sk_relay_new(s.g, &cfg, &err) == NULL)
			break;
		pa[i].fd = a0;
		pb[i].fd = b0;
		(void)pthread_create(&pa[i].thread, NULL, peer_main, &pa[i]);
		(void)pthread_create(&pb[i].thread, NULL, peer_main, &pb[i]);
	}
	is_int(i, MANY, "%d relays started", MANY);
	(void)sk_loop_run(s.loop, NULL);
	for (i = 0; i < MANY; i++) {
		(void)pthread_join(pa[i].thread, NULL);
		(void)pthread_join(pb[i].thread, NULL);
		if (pb[i].got == 20000 + (uint64_t)i && !pb[i].bad &&
		    pa[i].got == 30000 && !pa[i].bad && pa[i].got_eof &&
		    pb[i].got_eof)
			good++;
	}
	is_int(good, MANY, "every relay byte-exact both ways");
	is_int(s.done, MANY, "every relay done");
	is_int((long long)sk_relay_group_count(s.g), 0, "none left");
	group_end(&s);
}

/*
 * The escaper.
 */
static void
esc_is(const char *in, size_t n, const char *want, const char *name)
{
	struct sk_tty_escape st;
	char out[SK_TTY_ESCAPE_MAX(64)], split[SK_TTY_ESCAPE_MAX(64) * 2];
	size_t len, cut, slen;

	sk_tty_escape_init(&st);
	len = sk_tty_escape(&st, in, n, out);
	len += sk_tty_escape(&st, NULL, 0, out + len);
	is_mem(out, len, want, strlen(want), "escape: %s", name);
	/* Cut anywhere: the same text. */
	for (cut = 1; cut < n; cut++) {
		sk_tty_escape_init(&st);
		slen = sk_tty_escape(&st, in, cut, split);
		slen += sk_tty_escape(&st, in + cut, n - cut, split + slen);
		slen += sk_tty_escape(&st, NULL, 0, split + slen);
		if (slen != len || memcmp(split, out, len) != 0)
			break;
	}
	ok(cut >= n, "escape: %s, cut anywhere (differs at %zu)", name, cut);
}

static void
test_escape(void)
{
	esc_is("Hello, w\xc3\xb6rld\n", 14, "Hello, w\xc3\xb6rld\n", "UTF-8");
	esc_is("HTTP/1.0 200 OK\r\n\r\n", 19, "HTTP/1.0 200 OK\r\n\r\n",
	    "CR LF");
	esc_is("a\rb", 3, "a\\x0db", "a lone CR");
	esc_is("end\r", 4, "end\\x0d", "a CR at the end");
	esc_is("\x1b[2J\x07\x08\x7f\t", 8, "\\x1b[2J\\x07\\x08\\x7f\t",
	    "ESC, BEL, BS, DEL pass escaped, TAB as is");
	esc_is("\xc2\x9b" "1m", 4, "\\xc2\\x9b1m", "a C1 control (CSI)");
	esc_is("\xc2\xa0", 2, "\xc2\xa0", "U+00A0");
	esc_is("\xff\xfe", 2, "\\xff\\xfe", "invalid bytes");
	esc_is("\xe2\x82", 2, "\\xe2\\x82", "a truncated sequence");
	esc_is("\xe2\x82\xac", 3, "\xe2\x82\xac", "the euro sign");
	esc_is("\xf0\x9f\x98\x80!", 5, "\xf0\x9f\x98\x80!", "an emoji");
	esc_is("\xed\xa0\x80", 3, "\\xed\\xa0\\x80", "a surrogate");
	esc_is("\xc0\xaf", 2, "\\xc0\\xaf", "an overlong slash");
	esc_is("\xf4\x90\x80\x80", 4, "\\xf4\\x90\\x80\\x80",
	    "beyond U+10FFFF");
	esc_is("\\x41", 4, "\\x41", "a backslash passes");
	esc_is("\0", 1, "\\x00", "NUL");
}

int
main(void)
{
	(void)signal(SIGPIPE, SIG_IGN);
	alarm(240);
	test_escape();
	test_bulk(0, false, (uint64_t)4 << 20);
	test_bulk(0, true, (uint64_t)4 << 20);
	test_bulk(4096, false, (uint64_t)1 << 20);
	test_bulk(4096, true, (uint64_t)1 << 20);
	test_peer_closes_first();
	test_reset();
	test_off();
	test_idle();
	test_file_and_hook();
	test_close_in_callback();
	test_many();
	return done_testing();
}
