/*
 * test-socket.c - the socket object: its three modes (blocking,
 * non-blocking, timeout) as the reference documents them, with the fd's
 * O_NONBLOCK flag (fcntl(2)) as the reference says timeout mode sets it;
 * the default timeout for new sockets; and every method at least once,
 * over TCP and UDP on loopback (IPv4, and IPv6 when there is one), AF_UNIX
 * paths and abstract names (unix(7)), and socketpair(2).
 *
 * Every port is 0; every wait is bounded by a timeout, and alarm(2) ends
 * the program if something still hangs.  A helper thread is joined
 * before main returns.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sockit.h"
#include "helpers.h"
#include "tap.h"

/* A short timeout, and the least it may take (the kernel's poll never
 * returns early; the margin is the clock's); SLOW_MAX bounds it above. */
#define SHORT_TIMEOUT	0.2
#define SHORT_MIN	0.15

static bool
fd_nonblocking(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	return flags != -1 && (flags & O_NONBLOCK) != 0;
}

static bool
fd_open(int fd)
{
	return fcntl(fd, F_GETFD) != -1;
}

/* A connected TCP pair over loopback: c the client, s the server side. */
static int
tcp_pair(struct sk_socket *c, struct sk_socket *s, int family)
{
	struct sk_socket l;
	struct sk_addr where;
	struct sk_error err;

	c->fd = s->fd = -1;
	if (bound_socket(&l, SOCK_STREAM, family == AF_INET6 ? "::1" :
	    "127.0.0.1", &where) == -1)
		return -1;
	if (sk_socket_open(c, family, SOCK_STREAM, 0, &err) == -1 ||
	    sk_socket_connect(c, &where, &err) == -1 ||
	    sk_socket_accept(&l, s, NULL, &err) == -1) {
		ok(false, "set up a TCP pair: %s", err.message);
		(void)sk_socket_close(c, NULL);
		(void)sk_socket_close(&l, NULL);
		return -1;
	}
	(void)sk_socket_close(&l, NULL);
	return 0;
}

/* A loopback port nobody listens on: bound, read, closed. */
static int
closed_port(struct sk_addr *a)
{
	struct sk_socket s;
	struct sk_error err;

	if (sk_socket_open(&s, AF_INET, SOCK_STREAM, 0, &err) == -1 ||
	    sk_addr_resolve(a, "127.0.0.1", "0", AF_INET, 0, &err) == -1 ||
	    sk_socket_bind(&s, a, &err) == -1 ||
	    sk_socket_getsockname(&s, a, &err) == -1) {
		ok(false, "find a closed port: %s", err.message);
		(void)sk_socket_close(&s, NULL);
		return -1;
	}
	(void)sk_socket_close(&s, NULL);
	return 0;
}

/*
 * The three modes, as gettimeout and the fd's O_NONBLOCK show them.
 */
static void
test_modes(void)
{
	struct sk_socket s;
	struct sk_error err;
	int flags;

	ok(sk_getdefaulttimeout() < 0, "the default timeout starts as None");
	if (!is_int(sk_socket_open(&s, AF_INET, SOCK_STREAM, 0, &err), 0,
	    "socket(AF_INET, SOCK_STREAM)"))
		return;
	ok(s.fd >= 0 && sk_socket_fileno(&s) == s.fd, "fileno is the fd");
	is_int(s.family, AF_INET, "the object keeps its family");
	is_int(s.type, SOCK_STREAM, "the object keeps its type");
	is_int(s.proto, 0, "the object keeps its proto");
	flags = fcntl(s.fd, F_GETFD);
	ok(flags != -1 && (flags & FD_CLOEXEC), "the fd is close-on-exec");
	ok(sk_socket_gettimeout(&s) == SK_TIMEOUT_NONE,
	    "a new socket is in blocking mode (None)");
	ok(!fd_nonblocking(s.fd), "blocking mode: O_NONBLOCK clear");

	is_int(sk_socket_settimeout(&s, 0, &err), 0, "settimeout(0)");
	ok(sk_socket_gettimeout(&s) == 0, "settimeout(0): gettimeout 0");
	ok(fd_nonblocking(s.fd), "non-blocking mode: O_NONBLOCK set");
	is_int(sk_socket_settimeout(&s, 0.5, &err), 0, "settimeout(0.5)");
	ok(sk_socket_gettimeout(&s) == 0.5, "settimeout(0.5): gettimeout 0.5");
	ok(fd_nonblocking(s.fd),
	    "timeout mode: O_NONBLOCK set, as the reference says");
	is_int(sk_socket_settimeout(&s, SK_TIMEOUT_NONE, &err), 0,
	    "settimeout(None)");
	ok(sk_socket_gettimeout(&s) == SK_TIMEOUT_NONE,
	    "settimeout(None): gettimeout None");
	ok(!fd_nonblocking(s.fd), "back to blocking: O_NONBLOCK clear");
	is_int(sk_socket_settimeout(&s, 3, &err), 0, "settimeout(3)");
	is_int(sk_socket_settimeout(&s, -7, &err), 0, "settimeout(-7)");
	ok(sk_socket_gettimeout(&s) == SK_TIMEOUT_NONE,
	    "any negative timeout is None");
	ok(!fd_nonblocking(s.fd), "negative timeout: O_NONBLOCK clear");

	is_int(sk_socket_setblocking(&s, false, &err), 0, "setblocking(0)");
	ok(sk_socket_gettimeout(&s) == 0, "setblocking(0) is settimeout(0)");
	ok(fd_nonblocking(s.fd), "setblocking(0): O_NONBLOCK set");
	is_int(sk_socket_setblocking(&s, true, &err), 0, "setblocking(1)");
	ok(sk_socket_gettimeout(&s) == SK_TIMEOUT_NONE,
	    "setblocking(1) is settimeout(None)");
	ok(!fd_nonblocking(s.fd), "setblocking(1): O_NONBLOCK clear");

	(void)sk_socket_settimeout(&s, 1.5, &err);
	is_int(sk_socket_settimeout(&s, NAN, &err), -1,
	    "settimeout(NaN) fails");
	is_err(&err, SK_ERR_VALUE, EINVAL, "Invalid value NaN (not a number)",
	    "settimeout(NaN): ValueError");
	ok(sk_socket_gettimeout(&s) == 1.5 && fd_nonblocking(s.fd),
	    "settimeout(NaN) leaves the mode alone");
	is_int(sk_socket_close(&s, &err), 0, "close");
}

/*
 * setdefaulttimeout applies to sockets made afterwards: socket(),
 * socketpair() and accept(); fromfd() is always blocking.
 */
static void
test_default_timeout(void)
{
	struct sk_socket s, l, c, conn, pair[2], f;
	struct sk_addr where;
	struct sk_error err;

	sk_setdefaulttimeout(2.5);
	ok(sk_getdefaulttimeout() == 2.5, "setdefaulttimeout(2.5)");
	if (sk_socket_open(&s, AF_INET, SOCK_DGRAM, 0, &err) == 0) {
		ok(sk_socket_gettimeout(&s) == 2.5 && fd_nonblocking(s.fd),
		    "a new socket gets the default timeout, O_NONBLOCK set");
		(void)sk_socket_close(&s, NULL);
	} else
		ok(false, "socket with a default timeout: %s", err.message);

	if (sk_socketpair(pair, AF_UNSPEC, 0, 0, &err) == 0) {
		ok(sk_socket_gettimeout(&pair[0]) == 2.5 &&
		    sk_socket_gettimeout(&pair[1]) == 2.5,
		    "socketpair: both get the default timeout");
		ok(fd_nonblocking(pair[0].fd) && fd_nonblocking(pair[1].fd),
		    "socketpair: both fds non-blocking");
		(void)sk_socket_close(&pair[0], NULL);
		(void)sk_socket_close(&pair[1], NULL);
	} else
		ok(false, "socketpair with a default timeout: %s",
		    err.message);

	if (bound_socket(&l, SOCK_STREAM, "127.0.0.1", &where) == 0) {
		ok(sk_socket_gettimeout(&l) == 2.5, "the listener has 2.5");
		if (sk_socket_open(&c, AF_INET, SOCK_STREAM, 0, &err) == 0 &&
		    sk_socket_connect(&c, &where, &err) == 0 &&
		    sk_socket_accept(&l, &conn, NULL, &err) == 0) {
			ok(sk_socket_gettimeout(&conn) == 2.5 &&
			    fd_nonblocking(conn.fd),
			    "accept: the new socket gets the default timeout");
			sk_setdefaulttimeout(SK_TIMEOUT_NONE);
			if (sk_socket_fromfd(&f, conn.fd, AF_INET, SOCK_STREAM,
			    0, &err) == 0) {
				ok(sk_socket_gettimeout(&f) == SK_TIMEOUT_NONE,
				    "fromfd: blocking mode whatever the "
				    "default");
				(void)sk_socket_close(&f, NULL);
			} else
				ok(false, "fromfd: %s", err.message);
			(void)sk_socket_close(&conn, NULL);
		} else
			ok(false, "connect and accept with a default "
			    "timeout: %s", err.message);
		(void)sk_socket_close(&c, NULL);
		(void)sk_socket_close(&l, NULL);
	}

	sk_setdefaulttimeout(0);
	ok(sk_getdefaulttimeout() == 0, "setdefaulttimeout(0)");
	if (sk_socket_open(&s, AF_INET, SOCK_STREAM, 0, &err) == 0) {
		ok(sk_socket_gettimeout(&s) == 0 && fd_nonblocking(s.fd),
		    "default 0: new sockets are non-blocking");
		(void)sk_socket_close(&s, NULL);
	}
	sk_setdefaulttimeout(-3);
	ok(sk_getdefaulttimeout() == SK_TIMEOUT_NONE,
	    "setdefaulttimeout(-3) is None");
	sk_setdefaulttimeout(NAN);
	ok(sk_getdefaulttimeout() == SK_TIMEOUT_NONE,
	    "setdefaulttimeout(NaN) is None");
	if (sk_socket_open(&s, AF_INET, SOCK_STREAM, 0, &err) == 0) {
		ok(sk_socket_gettimeout(&s) == SK_TIMEOUT_NONE &&
		    !fd_nonblocking(s.fd), "default None: blocking sockets");
		(void)sk_socket_close(&s, NULL);
	}
}

/* A thread that sends a few bytes after a pause. */
struct late_sender {
	struct sk_socket *s;
	double delay;
	int result;
	pthread_t tid;
};

static void *
late_send(void *arg)
{
	struct late_sender *ls = arg;
	struct timespec ts;

	ts.tv_sec = (time_t)ls->delay;
	ts.tv_nsec = (long)((ls->delay - (double)ts.tv_sec) * 1e9);
	(void)nanosleep(&ts, NULL);
	ls->result = (int)sk_socket_send(ls->s, "late", 4, 0, NULL);
	return NULL;
}

/*
 * Timeout mode: an operation that cannot complete fails with
 * SK_ERR_TIMEOUT after about the timeout; one that can completes.
 */
static void
test_timeout_mode(void)
{
	struct sk_socket pair[2], l, c;
	struct sk_bytes b;
	struct sk_addr where, from;
	struct sk_error err;
	struct late_sender ls;
	unsigned char buf[64];
	char *big;
	double t0, dt;
	ssize_t n;
	int r;

	if (sk_socketpair(pair, AF_UNIX, SOCK_STREAM, 0, &err) == -1) {
		ok(false, "socketpair: %s", err.message);
		return;
	}
	is_int(sk_socket_settimeout(&pair[0], SHORT_TIMEOUT, &err), 0,
	    "settimeout(0.2)");

	t0 = now();
	n = sk_socket_recv(&pair[0], 100, 0, &b, &err);
	dt = now() - t0;
	is_int(n, -1, "recv with nothing to read, timeout 0.2: fails");
	is_err(&err, SK_ERR_TIMEOUT, ETIMEDOUT, "timed out",
	    "recv timeout: socket.timeout \"timed out\"");
	ok(dt >= SHORT_MIN && dt <= SLOW_MAX,
	    "recv timeout after about 0.2 s (%.3f s)", dt);
	ok(b.data == NULL && b.len == 0, "a failed recv leaves no buffer");

	t0 = now();
	n = sk_socket_recv_into(&pair[0], buf, sizeof(buf), 0, &err);
	dt = now() - t0;
	is_int(n, -1, "recv_into, timeout 0.2: fails");
	is_err(&err, SK_ERR_TIMEOUT, ETIMEDOUT, "timed out",
	    "recv_into timeout: socket.timeout");
	ok(dt >= SHORT_MIN && dt <= SLOW_MAX,
	    "recv_into timeout after about 0.2 s (%.3f s)", dt);

	n = sk_socket_recvfrom(&pair[0], 10, 0, &b, &from, &err);
	is_int(n, -1, "recvfrom, timeout 0.2: fails");
	is_err(&err, SK_ERR_TIMEOUT, ETIMEDOUT, NULL,
	    "recvfrom timeout: socket.timeout");
	n = sk_socket_recvfrom_into(&pair[0], buf, sizeof(buf), 0, &from,
	    &err);
	is_int(n, -1, "recvfrom_into, timeout 0.2: fails");
	is_err(&err, SK_ERR_TIMEOUT, ETIMEDOUT, NULL,
	    "recvfrom_into timeout: socket.timeout");

	/* Data that arrives within the timeout is received. */
	(void)sk_socket_settimeout(&pair[0], PATIENCE, &err);
	ls.s = &pair[1];
	ls.delay = 0.1;
	ls.result = -2;
	if (pthread_create(&ls.tid, NULL, late_send, &ls) == 0) {
		t0 = now();
		n = sk_socket_recv(&pair[0], 100, 0, &b, &err);
		dt = now() - t0;
		(void)pthread_join(ls.tid, NULL);
		is_int(ls.result, 4, "the late sender sent 4 bytes");
		is_int(n, 4, "timeout mode: recv waits for late data");
		is_mem(b.data, b.len, "late", 4, "timeout mode: the late data");
		ok(dt < PATIENCE - 1, "... well before the timeout (%.3f s)",
		    dt);
		sk_bytes_free(&b);
	} else
		ok(false, "pthread_create");

	/* sendall: the timeout bounds the whole call. */
	(void)sk_socket_setsockopt_int(&pair[0], SOL_SOCKET, SO_SNDBUF, 4096,
	    NULL);
	(void)sk_socket_setsockopt_int(&pair[1], SOL_SOCKET, SO_RCVBUF, 4096,
	    NULL);
	(void)sk_socket_settimeout(&pair[0], SHORT_TIMEOUT, &err);
	if ((big = calloc(1, 4 << 20)) != NULL) {
		t0 = now();
		r = sk_socket_sendall(&pair[0], big, 4 << 20, 0, &err);
		dt = now() - t0;
		is_int(r, -1, "sendall of 4 MiB that nobody reads fails");
		is_err(&err, SK_ERR_TIMEOUT, ETIMEDOUT, "timed out",
		    "sendall: socket.timeout");
		ok(dt >= SHORT_MIN && dt <= SLOW_MAX,
		    "sendall timeout after about 0.2 s (%.3f s)", dt);
		free(big);
	}
	(void)sk_socket_close(&pair[0], NULL);
	(void)sk_socket_close(&pair[1], NULL);

	/* accept in timeout mode with nobody connecting. */
	if (bound_socket(&l, SOCK_STREAM, "127.0.0.1", &where) == 0) {
		(void)sk_socket_settimeout(&l, SHORT_TIMEOUT, &err);
		t0 = now();
		r = sk_socket_accept(&l, &c, NULL, &err);
		dt = now() - t0;
		is_int(r, -1, "accept with nobody connecting, timeout 0.2");
		is_err(&err, SK_ERR_TIMEOUT, ETIMEDOUT, NULL,
		    "accept timeout: socket.timeout");
		ok(dt >= SHORT_MIN && dt <= SLOW_MAX,
		    "accept timeout after about 0.2 s (%.3f s)", dt);
		is_int(c.fd, -1, "a failed accept leaves conn closed");
		(void)sk_socket_close(&l, NULL);
	}
}

/*
 * Non-blocking mode: an operation that cannot proceed fails at once with
 * SK_ERR_OS and EAGAIN (EINPROGRESS for connect).
 */
static void
test_nonblocking_mode(void)
{
	struct sk_socket pair[2], l, c, conn;
	struct sk_addr where, from;
	struct sk_bytes b;
	struct sk_error err;
	unsigned char buf[65536];
	struct pollfd pfd;
	double t0, dt;
	ssize_t n;
	int i, r, soerr;

	if (sk_socketpair(pair, AF_UNSPEC, 0, 0, &err) == -1) {
		ok(false, "socketpair: %s", err.message);
		return;
	}
	is_int(sk_socket_setblocking(&pair[0], false, &err), 0,
	    "setblocking(0)");
	t0 = now();
	n = sk_socket_recv(&pair[0], 100, 0, &b, &err);
	dt = now() - t0;
	is_int(n, -1, "non-blocking recv with nothing to read fails");
	is_err(&err, SK_ERR_OS, EAGAIN, NULL, "non-blocking recv: EAGAIN");
	ok(dt < SLOW_MAX, "non-blocking recv fails at once (%.3f s)", dt);
	n = sk_socket_recv_into(&pair[0], buf, 10, 0, &err);
	is_int(n, -1, "non-blocking recv_into fails");
	is_err(&err, SK_ERR_OS, EAGAIN, NULL, "non-blocking recv_into: EAGAIN");
	n = sk_socket_recvfrom_into(&pair[0], buf, 10, 0, &from, &err);
	is_int(n, -1, "non-blocking recvfrom_into fails");
	is_err(&err, SK_ERR_OS, EAGAIN, NULL,
	    "non-blocking recvfrom_into: EAGAIN");

	/* Fill the pipe: send eventually says EAGAIN, never blocks. */
	memset(buf, 'x', sizeof(buf));
	for (i = 0, n = 0; i < 10000; i++)
		if ((n = sk_socket_send(&pair[0], buf, sizeof(buf), 0,
		    &err)) < 0)
			break;
	is_int(n, -1, "non-blocking send into a full socket fails");
	is_err(&err, SK_ERR_OS, EAGAIN, NULL, "non-blocking send: EAGAIN");
	(void)sk_socket_close(&pair[0], NULL);
	(void)sk_socket_close(&pair[1], NULL);

	if (bound_socket(&l, SOCK_STREAM, "127.0.0.1", &where) == -1)
		return;
	(void)sk_socket_setblocking(&l, false, &err);
	t0 = now();
	r = sk_socket_accept(&l, &conn, NULL, &err);
	dt = now() - t0;
	is_int(r, -1, "non-blocking accept with nobody connecting fails");
	is_err(&err, SK_ERR_OS, EAGAIN, NULL, "non-blocking accept: EAGAIN");
	ok(dt < SLOW_MAX, "non-blocking accept fails at once (%.3f s)", dt);

	/* A non-blocking connect: done, or EINPROGRESS and then done. */
	if (sk_socket_open(&c, AF_INET, SOCK_STREAM, 0, &err) == 0) {
		(void)sk_socket_setblocking(&c, false, &err);
		r = sk_socket_connect(&c, &where, &err);
		ok(r == 0 || (err.kind == SK_ERR_OS &&
		    err.code == EINPROGRESS),
		    "non-blocking connect: done or EINPROGRESS (%s)",
		    r == 0 ? "done" : err.message);
		pfd.fd = c.fd;
		pfd.events = POLLOUT;
		ok(poll(&pfd, 1, (int)(PATIENCE * 1000)) == 1,
		    "the connecting socket becomes writable");
		is_int(sk_socket_getsockopt_int(&c, SOL_SOCKET, SO_ERROR,
		    &soerr, &err), 0, "getsockopt(SO_ERROR)");
		is_int(soerr, 0, "SO_ERROR is 0: connected");
		(void)sk_socket_settimeout(&l, PATIENCE, &err);
		r = sk_socket_accept(&l, &conn, NULL, &err);
		is_int(r, 0, "accept the non-blocking connection");
		(void)sk_socket_close(&conn, NULL);
		(void)sk_socket_close(&c, NULL);
	}
	(void)sk_socket_close(&l, NULL);
}

static void
test_connect(void)
{
	struct sk_socket l, c, c2, conn;
	struct sk_addr where, refused, name, peer, accepted_peer;
	struct sk_error err;
	char a1[SK_ADDRSTRLEN], a2[SK_ADDRSTRLEN];
	int r;

	/* connect_ex returns the errno: ECONNREFUSED on a closed port. */
	if (closed_port(&refused) == 0 &&
	    sk_socket_open(&c, AF_INET, SOCK_STREAM, 0, &err) == 0) {
		is_int(sk_socket_connect_ex(&c, &refused), ECONNREFUSED,
		    "connect_ex to a closed loopback port: ECONNREFUSED");
		(void)sk_socket_close(&c, NULL);
		if (sk_socket_open(&c, AF_INET, SOCK_STREAM, 0, &err) == 0) {
			is_int(sk_socket_connect(&c, &refused, &err), -1,
			    "connect to a closed port fails");
			is_err(&err, SK_ERR_OS, ECONNREFUSED,
			    "Connection refused", "connect: socket.error "
			    "ECONNREFUSED");
			(void)sk_socket_close(&c, NULL);
		}
		if (sk_socket_open(&c, AF_INET, SOCK_STREAM, 0, &err) == 0) {
			(void)sk_socket_settimeout(&c, PATIENCE, &err);
			is_int(sk_socket_connect(&c, &refused, &err), -1,
			    "timeout-mode connect to a closed port fails");
			is_err(&err, SK_ERR_OS, ECONNREFUSED, NULL,
			    "timeout-mode connect: ECONNREFUSED, not timeout");
			(void)sk_socket_close(&c, NULL);
		}
		if (sk_socket_open(&c, AF_INET, SOCK_STREAM, 0, &err) == 0) {
			(void)sk_socket_settimeout(&c, PATIENCE, &err);
			is_int(sk_socket_connect_ex(&c, &refused), ECONNREFUSED,
			    "timeout-mode connect_ex: ECONNREFUSED");
			(void)sk_socket_close(&c, NULL);
		}
	}

	if (bound_socket(&l, SOCK_STREAM, "127.0.0.1", &where) == -1)
		return;
	/* Timeout mode connect to a listener succeeds on loopback. */
	if (sk_socket_open(&c, AF_INET, SOCK_STREAM, 0, &err) == 0) {
		(void)sk_socket_settimeout(&c, PATIENCE, &err);
		r = sk_socket_connect(&c, &where, &err);
		if (!is_int(r, 0, "timeout-mode connect to a listener"))
			diag("%s", err.message);
		ok(sk_socket_gettimeout(&c) == PATIENCE && fd_nonblocking(c.fd),
		    "connect keeps timeout mode");
		is_int(sk_socket_getpeername(&c, &peer, &err), 0,
		    "getpeername");
		(void)sk_addr_format(&peer, a1, sizeof(a1));
		(void)sk_addr_format(&where, a2, sizeof(a2));
		is_str(a1, a2, "getpeername is the listener's address");
		is_int(sk_socket_getsockname(&c, &name, &err), 0,
		    "getsockname of the client");
		ok(sk_addr_port(&name) != 0, "the client has a port");
		is_int(sk_socket_accept(&l, &conn, &accepted_peer, &err), 0,
		    "accept with the peer address");
		(void)sk_addr_format(&accepted_peer, a1, sizeof(a1));
		(void)sk_addr_format(&name, a2, sizeof(a2));
		is_str(a1, a2, "accept's peer is the client's sockname");
		ok(conn.family == AF_INET && conn.type == SOCK_STREAM,
		    "the accepted socket has the listener's family and type");
		(void)sk_socket_close(&conn, NULL);
		(void)sk_socket_close(&c, NULL);
	}
	/* connect_ex in blocking mode to a listener: 0. */
	if (sk_socket_open(&c2, AF_INET, SOCK_STREAM, 0, &err) == 0) {
		is_int(sk_socket_connect_ex(&c2, &where), 0,
		    "connect_ex to a listener returns 0");
		is_int(sk_socket_accept(&l, &conn, NULL, &err), 0,
		    "accept with a NULL peer");
		/* In blocking mode; in timeout mode Linux answers a second
		 * connect after an EINPROGRESS one with 0 first. */
		is_int(sk_socket_connect(&c2, &where, &err), -1,
		    "connect again fails");
		is_err(&err, SK_ERR_OS, EISCONN, NULL,
		    "connect again: EISCONN");
		(void)sk_socket_close(&conn, NULL);
		(void)sk_socket_close(&c2, NULL);
	}
	(void)sk_socket_close(&l, NULL);

	/* IPv6 loopback, when the system has IPv6. */
	if (!sk_has_ipv6()) {
		skip("no IPv6 on this system");
		return;
	}
	if (bound_socket(&l, SOCK_STREAM, "::1", &where) == -1)
		return;
	(void)sk_addr_format(&where, a1, sizeof(a1));
	(void)snprintf(a2, sizeof(a2), "('::1', %u, 0, 0)",
	    sk_addr_port(&where));
	is_str(a1, a2, "an IPv6 listener's name in the reference notation");
	if (sk_socket_open(&c, AF_INET6, SOCK_STREAM, 0, &err) == 0) {
		is_int(sk_socket_connect(&c, &where, &err), 0,
		    "connect over IPv6 loopback");
		is_int(sk_socket_accept(&l, &conn, &peer, &err), 0,
		    "accept over IPv6 loopback");
		is_int(sk_addr_family(&peer), AF_INET6, "the peer is IPv6");
		(void)sk_socket_close(&conn, NULL);
		(void)sk_socket_close(&c, NULL);
	}
	(void)sk_socket_close(&l, NULL);
}

/* The sending half of the big transfer, in its own thread. */
struct bulk {
	struct sk_socket *s;
	const unsigned char *data;
	size_t len;
	int result;
	struct sk_error err;
	pthread_t tid;
};

static void *
bulk_send(void *arg)
{
	struct bulk *bk = arg;

	bk->result = sk_socket_sendall(bk->s, bk->data, bk->len, 0, &bk->err);
	(void)sk_socket_shutdown(bk->s, SHUT_WR, NULL);
	return NULL;
}

/*
 * sendall pushes 4 MiB through a socketpair with small buffers while this
 * thread reads and checks every byte; the sender in sender_timeout mode.
 */
static void
test_sendall(double sender_timeout, const char *mode)
{
	enum { TOTAL = 4 << 20 };
	struct sk_socket pair[2];
	struct sk_error err;
	struct bulk bk;
	unsigned char *data, *got;
	size_t i, total = 0, bad_at = SIZE_MAX;
	ssize_t n;
	int sndbuf = 0, calls = 0;

	data = malloc(TOTAL);
	got = malloc(65536);
	if (data == NULL || got == NULL ||
	    sk_socketpair(pair, AF_UNIX, SOCK_STREAM, 0, &err) == -1) {
		ok(false, "set up the sendall test");
		free(data);
		free(got);
		return;
	}
	for (i = 0; i < TOTAL; i++)
		data[i] = pattern(i);
	is_int(sk_socket_setsockopt_int(&pair[0], SOL_SOCKET, SO_SNDBUF, 4096,
	    &err), 0, "%s: setsockopt(SO_SNDBUF, 4096)", mode);
	is_int(sk_socket_setsockopt_int(&pair[1], SOL_SOCKET, SO_RCVBUF, 4096,
	    &err), 0, "%s: setsockopt(SO_RCVBUF, 4096)", mode);
	is_int(sk_socket_getsockopt_int(&pair[0], SOL_SOCKET, SO_SNDBUF,
	    &sndbuf, &err), 0, "%s: getsockopt(SO_SNDBUF)", mode);
	ok(sndbuf >= 4096 && sndbuf < 65536,
	    "%s: the send buffer is small (%d)", mode, sndbuf);
	(void)sk_socket_settimeout(&pair[0], sender_timeout, &err);
	(void)sk_socket_settimeout(&pair[1], PATIENCE, &err);

	bk.s = &pair[0];
	bk.data = data;
	bk.len = TOTAL;
	bk.result = -2;
	if (pthread_create(&bk.tid, NULL, bulk_send, &bk) != 0) {
		ok(false, "pthread_create");
		goto out;
	}
	/* Read in odd-sized pieces until EOF. */
	for (;;) {
		size_t want = 1000 + (size_t)(calls++ % 7) * 9000;

		n = sk_socket_recv_into(&pair[1], got, want, 0, &err);
		if (n <= 0)
			break;
		for (i = 0; i < (size_t)n && total + i < TOTAL; i++)
			if (bad_at == SIZE_MAX && got[i] != data[total + i])
				bad_at = total + i;
		total += (size_t)n;
	}
	/* Unblock a sender stuck after a reader failure. */
	if (n < 0)
		(void)sk_socket_close(&pair[1], NULL);
	(void)pthread_join(bk.tid, NULL);

	if (!is_int(n, 0, "%s: the reader sees EOF after the data", mode))
		diag("reader: %s", err.message);
	if (!is_int(bk.result, 0, "%s: sendall returns 0", mode))
		diag("sender: %s", bk.err.message);
	is_int((long long)total, TOTAL, "%s: all 4 MiB arrive", mode);
	ok(bad_at == SIZE_MAX, "%s: every byte is right (first wrong: %zd)",
	    mode, bad_at == SIZE_MAX ? (ssize_t)-1 : (ssize_t)bad_at);
	ok(calls > 64, "%s: it took many reads (%d)", mode, calls);
out:
	(void)sk_socket_close(&pair[0], NULL);
	(void)sk_socket_close(&pair[1], NULL);
	free(data);
	free(got);
}

static void
test_send_recv(void)
{
	struct sk_socket c, s;
	struct sk_bytes b;
	struct sk_error err;
	unsigned char buf[16];
	ssize_t n;

	if (tcp_pair(&c, &s, AF_INET) == -1)
		return;
	(void)sk_socket_settimeout(&s, PATIENCE, &err);
	(void)sk_socket_settimeout(&c, PATIENCE, &err);
	is_int(sk_socket_send(&c, "hello world", 11, 0, &err), 11,
	    "send returns the count");
	n = sk_socket_recv(&s, 5, MSG_PEEK | MSG_WAITALL, &b, &err);
	is_int(n, 5, "recv(5, MSG_PEEK)");
	is_mem(b.data, b.len, "hello", 5, "recv with MSG_PEEK sees the data");
	sk_bytes_free(&b);
	n = sk_socket_recv(&s, 5, MSG_WAITALL, &b, &err);
	is_int(n, 5, "sk_socket_recv returns 5");
	is_mem(b.data, b.len, "hello", 5, "recv(5) gets the peeked bytes");
	sk_bytes_free(&b);
	n = sk_socket_recv_into(&s, buf, 6, MSG_WAITALL, &err);
	is_int(n, 6, "recv_into(6)");
	is_mem(buf, n < 0 ? 0 : (size_t)n, " world", 6, "recv_into bytes");

	/* shutdown(SHUT_WR): the peer reads EOF, the other way still works. */
	is_int(sk_socket_shutdown(&c, SHUT_WR, &err), 0, "shutdown(SHUT_WR)");
	n = sk_socket_recv(&s, 100, 0, &b, &err);
	is_int(n, 0, "after the peer's SHUT_WR, recv returns 0");
	ok(b.len == 0 && b.data != NULL, "EOF: an empty buffer, len 0");
	sk_bytes_free(&b);
	is_int(sk_socket_send(&s, "back", 4, 0, &err), 4,
	    "the other direction still sends");
	n = sk_socket_recv(&c, 100, MSG_WAITALL, &b, &err);
	is_int(n, 4, "sk_socket_recv returns 4");
	is_mem(b.data, b.len, "back", 4,
	    "the half-closed side still receives");
	sk_bytes_free(&b);
	is_int(sk_socket_send(&c, "x", 1, 0, &err), -1,
	    "send after SHUT_WR fails");
	is_err(&err, SK_ERR_OS, EPIPE, NULL,
	    "send after SHUT_WR: EPIPE, and no SIGPIPE");
	is_int(sk_socket_shutdown(&c, 99, &err), -1, "shutdown(99) fails");
	is_err(&err, SK_ERR_OS, EINVAL, NULL, "shutdown(99): EINVAL");
	(void)sk_socket_close(&c, NULL);
	(void)sk_socket_close(&s, NULL);

	/* A zero-length send is fine. */
	if (tcp_pair(&c, &s, AF_INET) == -1)
		return;
	is_int(sk_socket_send(&c, "", 0, 0, &err), 0, "send of 0 bytes");
	is_int(sk_socket_sendall(&c, "", 0, 0, &err), 0, "sendall of 0 bytes");
	is_int(sk_socket_sendall(&c, "abc", 3, 0, &err), 0, "sendall(abc)");
	(void)sk_socket_settimeout(&s, PATIENCE, &err);
	n = sk_socket_recv(&s, 3, MSG_WAITALL, &b, &err);
	is_int(n, 3, "sk_socket_recv returns 3");
	is_mem(b.data, b.len, "abc", 3, "sendall's bytes arrive");
	sk_bytes_free(&b);
	(void)sk_socket_close(&c, NULL);
	(void)sk_socket_close(&s, NULL);
}

static void
test_udp(int family)
{
	const char *host = family == AF_INET6 ? "::1" : "127.0.0.1";
	struct sk_socket a, b;
	struct sk_addr aa, ba, from;
	struct sk_bytes got;
	struct sk_error err;
	char f1[SK_ADDRSTRLEN], f2[SK_ADDRSTRLEN];
	unsigned char buf[8];
	ssize_t n;

	if (sk_socket_open(&a, family, SOCK_DGRAM, 0, &err) == -1 ||
	    sk_socket_open(&b, family, SOCK_DGRAM, 0, &err) == -1) {
		ok(false, "UDP sockets on %s: %s", host, err.message);
		(void)sk_socket_close(&a, NULL);
		return;
	}
	(void)sk_addr_resolve(&aa, host, "0", family, SOCK_DGRAM, NULL);
	is_int(sk_socket_bind(&a, &aa, &err), 0, "UDP %s: bind to port 0",
	    host);
	is_int(sk_socket_bind(&b, &aa, &err), 0, "UDP %s: bind the other",
	    host);
	(void)sk_socket_getsockname(&a, &aa, &err);
	(void)sk_socket_getsockname(&b, &ba, &err);
	ok(sk_addr_port(&aa) != 0 && sk_addr_port(&ba) != 0 &&
	    sk_addr_port(&aa) != sk_addr_port(&ba),
	    "UDP %s: two different ports from bind to 0", host);
	(void)sk_socket_settimeout(&a, PATIENCE, &err);
	(void)sk_socket_settimeout(&b, PATIENCE, &err);

	is_int(sk_socket_sendto(&b, "ping", 4, 0, &aa, &err), 4,
	    "UDP %s: sendto", host);
	n = sk_socket_recvfrom(&a, 100, 0, &got, &from, &err);
	is_int(n, 4, "UDP %s: recvfrom", host);
	is_mem(got.data, got.len, "ping", 4, "UDP %s: recvfrom data", host);
	sk_bytes_free(&got);
	(void)sk_addr_format(&from, f1, sizeof(f1));
	(void)sk_addr_format(&ba, f2, sizeof(f2));
	is_str(f1, f2, "UDP %s: recvfrom gives the sender's address", host);

	is_int(sk_socket_sendto(&a, "pong!", 5, 0, &from, &err), 5,
	    "UDP %s: sendto the sender", host);
	n = sk_socket_recvfrom_into(&b, buf, sizeof(buf), 0, &from, &err);
	is_int(n, 5, "UDP %s: recvfrom_into", host);
	is_mem(buf, n < 0 ? 0 : (size_t)n, "pong!", 5,
	    "UDP %s: recvfrom_into data", host);
	(void)sk_addr_format(&from, f1, sizeof(f1));
	(void)sk_addr_format(&aa, f2, sizeof(f2));
	is_str(f1, f2, "UDP %s: recvfrom_into gives the sender", host);

	/* A datagram bigger than the buffer is cut; the rest is gone. */
	(void)sk_socket_sendto(&b, "0123456789", 10, 0, &aa, &err);
	(void)sk_socket_sendto(&b, "next", 4, 0, &aa, &err);
	n = sk_socket_recv_into(&a, buf, 3, 0, &err);
	is_mem(buf, n < 0 ? 0 : (size_t)n, "012", 3,
	    "UDP %s: recv_into cuts a datagram to the buffer", host);
	n = sk_socket_recvfrom(&a, 100, 0, &got, NULL, &err);
	is_int(n, 4, "sk_socket_recvfrom returns 4");
	is_mem(got.data, got.len, "next", 4,
	    "UDP %s: the next datagram, recvfrom with from NULL", host);
	sk_bytes_free(&got);
	(void)sk_socket_sendto(&b, "z", 1, 0, &aa, &err);
	n = sk_socket_recvfrom_into(&a, buf, sizeof(buf), 0, NULL, &err);
	is_int(n, 1, "UDP %s: recvfrom_into with from NULL", host);

	/* A connected UDP socket uses send and recv. */
	is_int(sk_socket_connect(&b, &aa, &err), 0, "UDP %s: connect", host);
	is_int(sk_socket_send(&b, "c", 1, 0, &err), 1, "UDP %s: send", host);
	n = sk_socket_recv(&a, 10, 0, &got, &err);
	is_int(n, 1, "sk_socket_recv returns 1");
	is_mem(got.data, got.len, "c", 1, "UDP %s: recv", host);
	sk_bytes_free(&got);

	is_int(sk_socket_listen(&a, 1, &err), -1, "UDP %s: listen fails",
	    host);
	is_err(&err, SK_ERR_OS, EOPNOTSUPP, NULL,
	    "UDP %s: listen: EOPNOTSUPP", host);
	(void)sk_socket_close(&a, NULL);
	(void)sk_socket_close(&b, NULL);
}

static void
test_options(void)
{
	struct sk_socket s, t;
	struct sk_addr a;
	struct sk_error err;
	struct linger lg = { 1, 5 }, lg2;
	socklen_t len;
	int v = -1;

	if (sk_socket_open(&s, AF_INET, SOCK_STREAM, 0, &err) == -1) {
		ok(false, "socket: %s", err.message);
		return;
	}
	is_int(sk_socket_getsockopt_int(&s, SOL_SOCKET, SO_TYPE, &v, &err), 0,
	    "getsockopt(SO_TYPE)");
	is_int(v, SOCK_STREAM, "SO_TYPE is SOCK_STREAM");
	is_int(sk_socket_getsockopt_int(&s, SOL_SOCKET, SO_REUSEADDR, &v,
	    &err), 0, "getsockopt(SO_REUSEADDR)");
	is_int(v, 0, "SO_REUSEADDR starts off");
	is_int(sk_socket_setsockopt_int(&s, SOL_SOCKET, SO_REUSEADDR, 1, &err),
	    0, "setsockopt(SO_REUSEADDR, 1)");
	(void)sk_socket_getsockopt_int(&s, SOL_SOCKET, SO_REUSEADDR, &v, &err);
	is_int(v, 1, "SO_REUSEADDR is now on");
	is_int(sk_socket_setsockopt_int(&s, IPPROTO_TCP, TCP_NODELAY, 1, &err),
	    0, "setsockopt(TCP_NODELAY, 1)");
	(void)sk_socket_getsockopt_int(&s, IPPROTO_TCP, TCP_NODELAY, &v, &err);
	ok(v != 0, "TCP_NODELAY is now on");

	/* The buffer forms, with a struct. */
	is_int(sk_socket_setsockopt(&s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg),
	    &err), 0, "setsockopt(SO_LINGER, struct linger)");
	memset(&lg2, 0, sizeof(lg2));
	len = sizeof(lg2);
	is_int(sk_socket_getsockopt(&s, SOL_SOCKET, SO_LINGER, &lg2, &len,
	    &err), 0, "getsockopt(SO_LINGER, buflen)");
	is_int(len, sizeof(lg2), "getsockopt stores the length");
	ok(lg2.l_onoff != 0 && lg2.l_linger == 5, "SO_LINGER reads back");

	is_int(sk_socket_getsockopt_int(&s, SOL_SOCKET, 9999, &v, &err), -1,
	    "getsockopt of an unknown option fails");
	is_err(&err, SK_ERR_OS, ENOPROTOOPT, NULL,
	    "unknown option: ENOPROTOOPT");
	is_int(sk_socket_setsockopt_int(&s, SOL_SOCKET, 9999, 1, &err), -1,
	    "setsockopt of an unknown option fails");
	is_err(&err, SK_ERR_OS, ENOPROTOOPT, NULL,
	    "setsockopt unknown option: ENOPROTOOPT");
	is_int(sk_socket_setsockopt(&s, SOL_SOCKET, SO_LINGER, &lg, 1, &err),
	    -1, "setsockopt with a short buffer fails");
	is_err(&err, SK_ERR_OS, EINVAL, NULL, "short option buffer: EINVAL");

	/* bind, getsockname (the port from bind to 0), getpeername. */
	(void)sk_addr_resolve(&a, "127.0.0.1", "0", AF_INET, 0, NULL);
	is_int(sk_socket_bind(&s, &a, &err), 0, "bind 127.0.0.1:0");
	is_int(sk_socket_getsockname(&s, &a, &err), 0, "getsockname");
	ok(sk_addr_port(&a) > 0, "bind to 0 got a port (%u)",
	    sk_addr_port(&a));
	ok(a.u.in.sin_addr.s_addr == htonl(INADDR_LOOPBACK),
	    "getsockname has the bound host");
	is_int(sk_socket_getpeername(&s, &a, &err), -1,
	    "getpeername unconnected fails");
	is_err(&err, SK_ERR_OS, ENOTCONN, NULL, "getpeername: ENOTCONN");
	is_int(sk_socket_shutdown(&s, SHUT_RDWR, &err), -1,
	    "shutdown unconnected fails");
	is_err(&err, SK_ERR_OS, ENOTCONN, NULL, "shutdown: ENOTCONN");
	is_int(sk_socket_bind(&s, &a, &err), -1, "bind twice fails");
	is_err(&err, SK_ERR_OS, EINVAL, NULL, "bind twice: EINVAL");

	/* Another socket on the same port: in use. */
	(void)sk_socket_getsockname(&s, &a, &err);
	is_int(sk_socket_listen(&s, -5, &err), 0,
	    "listen with a negative backlog (as 0)");
	if (sk_socket_open(&t, AF_INET, SOCK_STREAM, 0, &err) == 0) {
		is_int(sk_socket_bind(&t, &a, &err), -1,
		    "bind to a port in use fails");
		is_err(&err, SK_ERR_OS, EADDRINUSE, NULL,
		    "port in use: EADDRINUSE");
		(void)sk_socket_close(&t, NULL);
	}
	(void)sk_socket_close(&s, NULL);
}

static void
test_makefile(void)
{
	struct sk_socket pair[2];
	struct sk_error err;
	char line[64];
	FILE *w, *r, *f;

	if (sk_socketpair(pair, AF_UNIX, SOCK_STREAM, 0, &err) == -1) {
		ok(false, "socketpair: %s", err.message);
		return;
	}
	w = sk_socket_makefile(&pair[0], "w", &err);
	ok(w != NULL, "makefile(\"w\") in blocking mode");
	r = sk_socket_makefile(&pair[1], "r", &err);
	ok(r != NULL, "makefile(\"r\") in blocking mode");
	if (w != NULL && r != NULL) {
		ok(fileno(w) != pair[0].fd, "makefile uses a dup of the fd");
		ok(fprintf(w, "hello %d\n", 42) > 0 && fflush(w) == 0,
		    "write a line through the file");
		ok(fgets(line, sizeof(line), r) != NULL,
		    "read a line on the peer");
		is_str(line, "hello 42\n", "the line arrives whole");
		/* The socket object closes independently of the file. */
		(void)sk_socket_close(&pair[0], NULL);
		ok(fputs("after close\n", w) >= 0 && fflush(w) == 0,
		    "the file still writes after the socket is closed");
		ok(fgets(line, sizeof(line), r) != NULL &&
		    strcmp(line, "after close\n") == 0,
		    "and the peer reads it");
	}
	if (w != NULL)
		(void)fclose(w);
	if (r != NULL) {
		ok(fgets(line, sizeof(line), r) == NULL && feof(r),
		    "closing the last writer gives the reader EOF");
		(void)fclose(r);
	}

	(void)sk_socket_settimeout(&pair[1], 1.0, &err);
	f = sk_socket_makefile(&pair[1], "r", &err);
	ok(f == NULL, "makefile in timeout mode fails");
	is_err(&err, SK_ERR_VALUE, EINVAL,
	    "makefile() needs a socket in blocking mode",
	    "makefile in timeout mode: ValueError");
	if (f != NULL)
		(void)fclose(f);
	(void)sk_socket_setblocking(&pair[1], false, &err);
	f = sk_socket_makefile(&pair[1], "r", &err);
	ok(f == NULL, "makefile in non-blocking mode fails");
	is_err(&err, SK_ERR_VALUE, EINVAL, NULL,
	    "makefile in non-blocking mode: ValueError");
	if (f != NULL)
		(void)fclose(f);
	(void)sk_socket_setblocking(&pair[1], true, &err);
	f = sk_socket_makefile(&pair[1], "q", &err);
	ok(f == NULL, "makefile with a bad mode fails");
	is_err(&err, SK_ERR_OS, EINVAL, NULL, "makefile bad mode: EINVAL");
	if (f != NULL)
		(void)fclose(f);
	(void)sk_socket_close(&pair[1], NULL);
}

static void
test_fromfd_detach(void)
{
	struct sk_socket pair[2], f, bad;
	struct sk_bytes b;
	struct sk_error err;
	int fd;

	if (sk_socketpair(pair, AF_UNSPEC, 0, 0, &err) == -1) {
		ok(false, "socketpair: %s", err.message);
		return;
	}
	is_int(sk_socket_fromfd(&f, pair[0].fd, AF_UNIX, SOCK_STREAM, 0,
	    &err), 0, "fromfd");
	ok(f.fd >= 0 && f.fd != pair[0].fd, "fromfd makes a new fd (a dup)");
	ok(f.family == AF_UNIX && f.type == SOCK_STREAM && f.proto == 0,
	    "fromfd keeps the family, type and proto given");
	(void)sk_socket_close(&pair[0], NULL);
	is_int(sk_socket_send(&f, "dup", 3, 0, &err), 3,
	    "closing the original keeps the dup usable");
	(void)sk_socket_settimeout(&pair[1], PATIENCE, &err);
	(void)sk_socket_recv(&pair[1], 10, MSG_WAITALL, &b, &err);
	is_mem(b.data, b.len, "dup", 3, "the peer gets the dup's bytes");
	sk_bytes_free(&b);

	fd = sk_socket_detach(&f);
	ok(fd >= 0 && fd_open(fd), "detach returns the fd, still open");
	is_int(f.fd, -1, "detach leaves the object closed");
	is_int(sk_socket_fileno(&f), -1, "fileno after detach is -1");
	is_int(sk_socket_send(&f, "x", 1, 0, &err), -1,
	    "send after detach fails");
	is_err(&err, SK_ERR_OS, EBADF, NULL, "send after detach: EBADF");
	is_int(sk_socket_close(&f, &err), 0, "close after detach is a no-op");
	ok(fd_open(fd), "... and leaves the detached fd open");
	is_int(sk_socket_detach(&f), -1, "detach again returns -1");
	(void)close(fd);
	(void)sk_socket_close(&pair[1], NULL);

	is_int(sk_socket_fromfd(&bad, -1, AF_INET, SOCK_STREAM, 0, &err), -1,
	    "fromfd(-1) fails");
	is_err(&err, SK_ERR_OS, EBADF, NULL, "fromfd(-1): EBADF");
	is_int(bad.fd, -1, "a failed fromfd leaves fd -1");
}

/* Every method on a closed socket fails with EBADF. */
static void
test_closed(void)
{
	static const char *const names[] = {
		"accept", "bind", "connect", "getpeername", "getsockname",
		"getsockopt", "getsockopt_int", "setsockopt",
		"setsockopt_int", "listen", "recv", "recvfrom", "recv_into",
		"recvfrom_into", "send", "sendall", "sendto", "settimeout",
		"setblocking", "shutdown", "makefile",
	};
	struct sk_socket s, conn;
	struct sk_addr a;
	struct sk_bytes b;
	struct sk_error err;
	unsigned char buf[4];
	socklen_t len;
	size_t i;
	long long r;
	int v;
	FILE *f;

	if (sk_socket_open(&s, AF_INET, SOCK_STREAM, 0, &err) == -1) {
		ok(false, "socket: %s", err.message);
		return;
	}
	is_int(sk_socket_close(&s, &err), 0, "close");
	is_int(sk_socket_close(&s, &err), 0, "close again: idempotent");
	is_int(sk_socket_fileno(&s), -1, "fileno of a closed socket is -1");
	(void)sk_addr_resolve(&a, "127.0.0.1", "9", AF_INET, 0, NULL);
	is_int(sk_socket_connect_ex(&s, &a), EBADF,
	    "connect_ex on a closed socket returns EBADF");

	for (i = 0; i < nitems(names); i++) {
		sk_error_clear(&err);
		len = sizeof(v);
		switch (i) {
		case 0: r = sk_socket_accept(&s, &conn, NULL, &err); break;
		case 1: r = sk_socket_bind(&s, &a, &err); break;
		case 2: r = sk_socket_connect(&s, &a, &err); break;
		case 3: r = sk_socket_getpeername(&s, &a, &err); break;
		case 4: r = sk_socket_getsockname(&s, &a, &err); break;
		case 5:
			r = sk_socket_getsockopt(&s, SOL_SOCKET, SO_TYPE, &v,
			    &len, &err);
			break;
		case 6:
			r = sk_socket_getsockopt_int(&s, SOL_SOCKET, SO_TYPE,
			    &v, &err);
			break;
		case 7:
			r = sk_socket_setsockopt(&s, SOL_SOCKET, SO_REUSEADDR,
			    &v, sizeof(v), &err);
			break;
		case 8:
			r = sk_socket_setsockopt_int(&s, SOL_SOCKET,
			    SO_REUSEADDR, 1, &err);
			break;
		case 9: r = sk_socket_listen(&s, 1, &err); break;
		case 10:
			r = sk_socket_recv(&s, 4, 0, &b, &err);
			sk_bytes_free(&b);
			break;
		case 11:
			r = sk_socket_recvfrom(&s, 4, 0, &b, &a, &err);
			sk_bytes_free(&b);
			break;
		case 12: r = sk_socket_recv_into(&s, buf, 4, 0, &err); break;
		case 13:
			r = sk_socket_recvfrom_into(&s, buf, 4, 0, &a, &err);
			break;
		case 14: r = sk_socket_send(&s, "x", 1, 0, &err); break;
		case 15: r = sk_socket_sendall(&s, "x", 1, 0, &err); break;
		case 16: r = sk_socket_sendto(&s, "x", 1, 0, &a, &err); break;
		case 17: r = sk_socket_settimeout(&s, 1, &err); break;
		case 18: r = sk_socket_setblocking(&s, true, &err); break;
		case 19: r = sk_socket_shutdown(&s, SHUT_RDWR, &err); break;
		default:
			f = sk_socket_makefile(&s, "r", &err);
			r = f == NULL ? -1 : 0;
			if (f != NULL)
				(void)fclose(f);
			break;
		}
		is_int(r, -1, "%s on a closed socket fails", names[i]);
		is_err(&err, SK_ERR_OS, EBADF, NULL,
		    "%s on a closed socket: EBADF", names[i]);
		/* The address argument must survive for the next case. */
		(void)sk_addr_resolve(&a, "127.0.0.1", "9", AF_INET, 0, NULL);
	}

	/* close reports an error from close(2) itself. */
	if (sk_socket_open(&s, AF_INET, SOCK_DGRAM, 0, &err) == 0) {
		(void)close(s.fd);
		is_int(sk_socket_close(&s, &err), -1,
		    "close of an fd closed behind its back fails");
		is_err(&err, SK_ERR_OS, EBADF, NULL, "... with EBADF");
		is_int(s.fd, -1, "... and the object is closed all the same");
	}
}

static void
test_open_errors(void)
{
	struct sk_socket s;
	struct sk_error err;

	s.fd = 12345;
	is_int(sk_socket_open(&s, 9999, SOCK_STREAM, 0, &err), -1,
	    "socket(9999, ...) fails");
	is_err(&err, SK_ERR_OS, EAFNOSUPPORT, NULL,
	    "an unknown family: EAFNOSUPPORT");
	is_int(s.fd, -1, "a failed open leaves fd -1");
	is_int(sk_socket_open(&s, AF_INET, SOCK_STREAM, IPPROTO_UDP, &err), -1,
	    "socket(AF_INET, SOCK_STREAM, IPPROTO_UDP) fails");
	is_err(&err, SK_ERR_OS, EPROTONOSUPPORT, NULL,
	    "a wrong protocol: EPROTONOSUPPORT");
}

static void
test_socketpair(void)
{
	struct sk_socket p[2];
	struct sk_bytes b;
	struct sk_error err;
	ssize_t n;

	is_int(sk_socketpair(p, AF_UNSPEC, 0, 0, &err), 0,
	    "socketpair() with the defaults");
	ok(p[0].family == AF_UNIX && p[0].type == SOCK_STREAM &&
	    p[1].family == AF_UNIX && p[1].type == SOCK_STREAM,
	    "the defaults are AF_UNIX, SOCK_STREAM");
	ok(p[0].fd >= 0 && p[1].fd >= 0 && p[0].fd != p[1].fd,
	    "two distinct fds");
	(void)sk_socket_settimeout(&p[1], PATIENCE, &err);
	(void)sk_socket_send(&p[0], "ab", 2, 0, &err);
	n = sk_socket_recv(&p[1], 2, MSG_WAITALL, &b, &err);
	is_int(n, 2, "sk_socket_recv returns 2");
	is_mem(b.data, b.len, "ab", 2, "the pair is connected");
	sk_bytes_free(&b);
	(void)sk_socket_close(&p[0], NULL);
	n = sk_socket_recv(&p[1], 2, 0, &b, &err);
	is_int(n, 0, "closing one end gives the other EOF");
	sk_bytes_free(&b);
	(void)sk_socket_close(&p[1], NULL);

	/* Datagrams keep their boundaries. */
	is_int(sk_socketpair(p, AF_UNIX, SOCK_DGRAM, 0, &err), 0,
	    "socketpair(AF_UNIX, SOCK_DGRAM)");
	(void)sk_socket_send(&p[0], "one", 3, 0, &err);
	(void)sk_socket_send(&p[0], "two!", 4, 0, &err);
	(void)sk_socket_settimeout(&p[1], PATIENCE, &err);
	n = sk_socket_recv(&p[1], 100, 0, &b, &err);
	is_int(n, 3, "sk_socket_recv returns 3");
	is_mem(b.data, b.len, "one", 3, "the first datagram alone");
	sk_bytes_free(&b);
	n = sk_socket_recv(&p[1], 100, 0, &b, &err);
	is_mem(b.data, b.len, "two!", 4, "the second datagram alone");
	sk_bytes_free(&b);
	(void)n;
	(void)sk_socket_close(&p[0], NULL);
	(void)sk_socket_close(&p[1], NULL);

	is_int(sk_socketpair(p, AF_INET, SOCK_STREAM, 0, &err), -1,
	    "socketpair(AF_INET) fails");
	is_err(&err, SK_ERR_OS, EOPNOTSUPP, NULL,
	    "socketpair(AF_INET): EOPNOTSUPP");
	ok(p[0].fd == -1 && p[1].fd == -1, "a failed socketpair: fds -1");
}

/* A stream server and client on the AF_UNIX address a. */
static void
unix_round_trip(const struct sk_addr *a, const char *want_name,
    const char *what)
{
	struct sk_socket l, c, conn;
	struct sk_addr name, peer;
	struct sk_bytes b;
	struct sk_error err;
	char f[SK_ADDRSTRLEN];

	if (sk_socket_open(&l, AF_UNIX, SOCK_STREAM, 0, &err) == -1) {
		ok(false, "AF_UNIX socket: %s", err.message);
		return;
	}
	if (!is_int(sk_socket_bind(&l, a, &err), 0, "%s: bind", what)) {
		diag("%s", err.message);
		(void)sk_socket_close(&l, NULL);
		return;
	}
	is_int(sk_socket_listen(&l, 4, &err), 0, "%s: listen", what);
	is_int(sk_socket_getsockname(&l, &name, &err), 0, "%s: getsockname",
	    what);
	(void)sk_addr_format(&name, f, sizeof(f));
	is_str(f, want_name, "%s: the bound name", what);
	if (sk_socket_open(&c, AF_UNIX, SOCK_STREAM, 0, &err) == 0) {
		(void)sk_socket_settimeout(&c, PATIENCE, &err);
		is_int(sk_socket_connect(&c, a, &err), 0, "%s: connect", what);
		(void)sk_socket_settimeout(&l, PATIENCE, &err);
		if (is_int(sk_socket_accept(&l, &conn, &peer, &err), 0,
		    "%s: accept", what)) {
			(void)sk_addr_format(&peer, f, sizeof(f));
			is_str(f, "''", "%s: an unbound client shows as ''",
			    what);
			(void)sk_socket_getpeername(&c, &name, &err);
			(void)sk_addr_format(&name, f, sizeof(f));
			is_str(f, want_name, "%s: the client's peer name",
			    what);
			(void)sk_socket_send(&c, "unix", 4, 0, &err);
			(void)sk_socket_settimeout(&conn, PATIENCE, &err);
			(void)sk_socket_recv(&conn, 4, MSG_WAITALL, &b, &err);
			is_mem(b.data, b.len, "unix", 4, "%s: data", what);
			sk_bytes_free(&b);
			(void)sk_socket_close(&conn, NULL);
		}
		(void)sk_socket_close(&c, NULL);
	}
	(void)sk_socket_close(&l, NULL);
}

static void
test_unix(void)
{
	char dir[80], path[128], want[160], abstract[64];
	const char *tmp = getenv("TMPDIR");
	struct sk_addr a;
	struct sk_error err;
	struct stat st;

	if (tmp == NULL || strlen(tmp) > 40)
		tmp = "/tmp";
	(void)snprintf(dir, sizeof(dir), "%s/sockit-test.XXXXXX", tmp);
	if (mkdtemp(dir) == NULL) {
		ok(false, "mkdtemp %s", dir);
		return;
	}
	(void)snprintf(path, sizeof(path), "%s/s", dir);
	(void)snprintf(want, sizeof(want), "'%s'", path);
	is_int(sk_addr_unix(&a, path, &err), 0, "an AF_UNIX path address");
	unix_round_trip(&a, want, "AF_UNIX path");
	ok(stat(path, &st) == 0 && S_ISSOCK(st.st_mode),
	    "binding made a socket file");
	(void)unlink(path);
	(void)rmdir(dir);

	(void)snprintf(abstract, sizeof(abstract), "@sockit-test-%ld-%ld",
	    (long)getpid(), (long)(now() * 1000) % 100000);
	(void)snprintf(want, sizeof(want), "b'\\x00%s'", abstract + 1);
	is_int(sk_addr_unix(&a, abstract, &err), 0, "an abstract address");
	unix_round_trip(&a, want, "abstract AF_UNIX");
}

int
main(void)
{
	int fds;

	(void)alarm(30);
	(void)signal(SIGPIPE, SIG_IGN);
	fds = count_fds();
	test_modes();
	test_default_timeout();
	test_timeout_mode();
	test_nonblocking_mode();
	test_connect();
	test_sendall(SK_TIMEOUT_NONE, "sendall, blocking");
	test_sendall(PATIENCE, "sendall, timeout mode");
	test_send_recv();
	test_udp(AF_INET);
	if (sk_has_ipv6())
		test_udp(AF_INET6);
	else
		skip("no IPv6 on this system");
	test_options();
	test_makefile();
	test_fromfd_detach();
	test_closed();
	test_open_errors();
	test_socketpair();
	test_unix();
	is_int(count_fds(), fds, "no file descriptor is left open");
	return done_testing();
}
