/*
 * socket.c - the socket object: its fd, family, type, proto and timeout,
 * in the three documented modes (blocking, non-blocking, timeout), and its
 * methods, over the POSIX socket calls (socket(2), connect(2), ...).
 *
 * Timeout mode is done as the reference describes: the fd is put in
 * non-blocking mode and every operation that would block waits with
 * poll(2) until the deadline; connect() included.  A timeout is
 * SK_ERR_TIMEOUT; a non-blocking operation that cannot proceed is an
 * SK_ERR_OS with EAGAIN (or EINPROGRESS for connect).
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <netdb.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sockit-int.h"

static double default_timeout = SK_TIMEOUT_NONE;

double
sk_getdefaulttimeout(void)
{
	return default_timeout;
}

void
sk_setdefaulttimeout(double timeout)
{
	default_timeout = timeout < 0 || isnan(timeout) ? SK_TIMEOUT_NONE :
	    timeout;
}

static double
now(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
closed_error(struct sk_error *err)
{
	return sk_error_set(err, SK_ERR_OS, EBADF, NULL);
}

/*
 * Wait until fd is ready for events or the deadline passes.  Returns 0
 * when ready, -1 with SK_ERR_TIMEOUT or SK_ERR_OS.
 */
static int
wait_ready(int fd, short events, double deadline, struct sk_error *err)
{
	struct pollfd pfd = { .fd = fd, .events = events };

	for (;;) {
		int ms = -1, r;

		if (deadline >= 0) {
			double left = deadline - now();

			if (left <= 0)
				return sk_error_set(err, SK_ERR_TIMEOUT,
				    ETIMEDOUT, NULL);
			/* Round up so that a short wait never spins. */
			ms = left > INT_MAX / 1000 ? INT_MAX :
			    (int)ceil(left * 1000);
		}
		r = poll(&pfd, 1, ms);
		if (r > 0)
			return 0;
		if (r == 0)
			continue;	/* the deadline check above decides */
		if (errno != EINTR)
			return sk_error_set(err, SK_ERR_OS, errno, NULL);
	}
}

static double
deadline_of(const struct sk_socket *s)
{
	return s->timeout > 0 ? now() + s->timeout : -1;
}

static bool
would_block(int e)
{
	return e == EAGAIN || e == EWOULDBLOCK;
}

int
sk_socket_settimeout(struct sk_socket *s, double timeout, struct sk_error *err)
{
	int flags;

	if (isnan(timeout))
		return sk_error_set(err, SK_ERR_VALUE, EINVAL,
		    "Invalid value NaN (not a number)");
	if (s->fd < 0)
		return closed_error(err);
	if ((flags = fcntl(s->fd, F_GETFL)) == -1)
		return sk_error_set(err, SK_ERR_OS, errno, NULL);
	if (timeout < 0)
		flags &= ~O_NONBLOCK;
	else
		flags |= O_NONBLOCK;
	if (fcntl(s->fd, F_SETFL, flags) == -1)
		return sk_error_set(err, SK_ERR_OS, errno, NULL);
	s->timeout = timeout < 0 ? SK_TIMEOUT_NONE : timeout;
	return 0;
}

double
sk_socket_gettimeout(const struct sk_socket *s)
{
	return s->timeout;
}

int
sk_socket_setblocking(struct sk_socket *s, bool flag, struct sk_error *err)
{
	return sk_socket_settimeout(s, flag ? SK_TIMEOUT_NONE : 0, err);
}

/* Wrap a new fd in a socket object in the given mode; closes fd on error. */
static int
adopt(struct sk_socket *s, int fd, int family, int type, int proto,
    double timeout, struct sk_error *err)
{
	s->fd = fd;
	s->family = family;
	s->type = type;
	s->proto = proto;
	s->timeout = SK_TIMEOUT_NONE;
	if (sk_socket_settimeout(s, timeout, err) == -1) {
		(void)close(fd);
		s->fd = -1;
		return -1;
	}
	return 0;
}

int
sk_socket_open(struct sk_socket *s, int family, int type, int proto,
    struct sk_error *err)
{
	int fd;

	s->fd = -1;
	if ((fd = socket(family, type | SOCK_CLOEXEC, proto)) == -1)
		return sk_error_set(err, SK_ERR_OS, errno, NULL);
	return adopt(s, fd, family, type, proto, default_timeout, err);
}

int
sk_socket_fromfd(struct sk_socket *s, int fd, int family, int type, int proto,
    struct sk_error *err)
{
	int nfd;

	s->fd = -1;
	if ((nfd = fcntl(fd, F_DUPFD_CLOEXEC, 0)) == -1)
		return sk_error_set(err, SK_ERR_OS, errno, NULL);
	return adopt(s, nfd, family, type, proto, SK_TIMEOUT_NONE, err);
}

int
sk_socketpair(struct sk_socket pair[2], int family, int type, int proto,
    struct sk_error *err)
{
	int fds[2];

	pair[0].fd = pair[1].fd = -1;
	if (family == AF_UNSPEC)
		family = AF_UNIX;
	if (type == 0)
		type = SOCK_STREAM;
	if (socketpair(family, type | SOCK_CLOEXEC, proto, fds) == -1)
		return sk_error_set(err, SK_ERR_OS, errno, NULL);
	if (adopt(&pair[0], fds[0], family, type, proto, default_timeout,
	    err) == -1) {
		(void)close(fds[1]);
		return -1;
	}
	if (adopt(&pair[1], fds[1], family, type, proto, default_timeout,
	    err) == -1) {
		(void)sk_socket_close(&pair[0], NULL);
		return -1;
	}
	return 0;
}

int
sk_socket_accept(struct sk_socket *s, struct sk_socket *conn,
    struct sk_addr *peer, struct sk_error *err)
{
	struct sk_addr tmp;
	struct sk_addr *a = peer != NULL ? peer : &tmp;
	double deadline = deadline_of(s);
	int fd;

	conn->fd = -1;
	if (s->fd < 0)
		return closed_error(err);
	for (;;) {
		memset(a, 0, sizeof(*a));
		a->len = sizeof(a->u);
		fd = accept4(s->fd, &a->u.sa, &a->len, SOCK_CLOEXEC);
		if (fd >= 0)
			break;
		if (errno == EINTR)
			continue;
		if (would_block(errno) && s->timeout > 0) {
			if (wait_ready(s->fd, POLLIN, deadline, err) == -1)
				return -1;
			continue;
		}
		return sk_error_set(err, SK_ERR_OS, errno, NULL);
	}
	return adopt(conn, fd, s->family, s->type, s->proto, default_timeout,
	    err);
}

int
sk_socket_bind(struct sk_socket *s, const struct sk_addr *addr,
    struct sk_error *err)
{
	if (s->fd < 0)
		return closed_error(err);
	if (bind(s->fd, &addr->u.sa, addr->len) == -1)
		return sk_error_set(err, SK_ERR_OS, errno, NULL);
	return 0;
}

int
sk_socket_close(struct sk_socket *s, struct sk_error *err)
{
	int fd = s->fd;

	if (fd < 0)
		return 0;
	s->fd = -1;
	/* On Linux the fd is gone even when close() reports EINTR; and
	 * like Python, a reset peer is not an error at close. */
	if (close(fd) == -1 && errno != EINTR && errno != ECONNRESET)
		return sk_error_set(err, SK_ERR_OS, errno, NULL);
	return 0;
}

int
sk_socket_detach(struct sk_socket *s)
{
	int fd = s->fd;

	s->fd = -1;
	return fd;
}

int
sk_socket_fileno(const struct sk_socket *s)
{
	return s->fd;
}

/*
 * The common core of connect and connect_ex: 0, or an errno value; a
 * timeout is reported as ETIMEDOUT with *timedout set.
 */
static int
connect_core(struct sk_socket *s, const struct sk_addr *addr, bool *timedout)
{
	socklen_t len;
	int e, r;

	*timedout = false;
	if (s->fd < 0)
		return EBADF;
	r = connect(s->fd, &addr->u.sa, addr->len);
	if (r == 0)
		return 0;
	e = errno;
	if (e == EINTR && s->timeout < 0) {
		/* The connection goes on; wait for it as CPython does. */
		struct sk_error ignore;

		if (wait_ready(s->fd, POLLOUT, -1, &ignore) == -1)
			return ignore.code;
	} else if (e == EINPROGRESS && s->timeout > 0) {
		struct sk_error werr;

		if (wait_ready(s->fd, POLLOUT, deadline_of(s), &werr) == -1) {
			if (werr.kind == SK_ERR_TIMEOUT) {
				*timedout = true;
				return ETIMEDOUT;
			}
			return werr.code;
		}
	} else
		return e;
	len = sizeof(e);
	if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &e, &len) == -1)
		return errno;
	return e;
}

int
sk_socket_connect(struct sk_socket *s, const struct sk_addr *addr,
    struct sk_error *err)
{
	bool timedout;
	int e = connect_core(s, addr, &timedout);

	if (e == 0)
		return 0;
	if (timedout)
		return sk_error_set(err, SK_ERR_TIMEOUT, ETIMEDOUT, NULL);
	return sk_error_set(err, SK_ERR_OS, e, NULL);
}

int
sk_socket_connect_ex(struct sk_socket *s, const struct sk_addr *addr)
{
	bool timedout;
	int e = connect_core(s, addr, &timedout);

	return timedout ? EWOULDBLOCK : e;
}

static int
getname(struct sk_socket *s, struct sk_addr *addr, bool peer,
    struct sk_error *err)
{
	int r;

	if (s->fd < 0)
		return closed_error(err);
	memset(addr, 0, sizeof(*addr));
	addr->len = sizeof(addr->u);
	r = peer ? getpeername(s->fd, &addr->u.sa, &addr->len) :
	    getsockname(s->fd, &addr->u.sa, &addr->len);
	if (r == -1)
		return sk_error_set(err, SK_ERR_OS, errno, NULL);
	return 0;
}

int
sk_socket_getpeername(struct sk_socket *s, struct sk_addr *addr,
    struct sk_error *err)
{
	return getname(s, addr, true, err);
}

int
sk_socket_getsockname(struct sk_socket *s, struct sk_addr *addr,
    struct sk_error *err)
{
	return getname(s, addr, false, err);
}

int
sk_socket_getsockopt(struct sk_socket *s, int level, int opt, void *buf,
    socklen_t *len, struct sk_error *err)
{
	if (s->fd < 0)
		return closed_error(err);
	if (getsockopt(s->fd, level, opt, buf, len) == -1)
		return sk_error_set(err, SK_ERR_OS, errno, NULL);
	return 0;
}

int
sk_socket_getsockopt_int(struct sk_socket *s, int level, int opt, int *value,
    struct sk_error *err)
{
	socklen_t len = sizeof(*value);

	*value = 0;
	return sk_socket_getsockopt(s, level, opt, value, &len, err);
}

int
sk_socket_setsockopt(struct sk_socket *s, int level, int opt, const void *buf,
    socklen_t len, struct sk_error *err)
{
	if (s->fd < 0)
		return closed_error(err);
	if (setsockopt(s->fd, level, opt, buf, len) == -1)
		return sk_error_set(err, SK_ERR_OS, errno, NULL);
	return 0;
}

int
sk_socket_setsockopt_int(struct sk_socket *s, int level, int opt, int value,
    struct sk_error *err)
{
	return sk_socket_setsockopt(s, level, opt, &value, sizeof(value), err);
}

int
sk_socket_listen(struct sk_socket *s, int backlog, struct sk_error *err)
{
	if (s->fd < 0)
		return closed_error(err);
	if (backlog < 0)
		backlog = 0;
	if (listen(s->fd, backlog) == -1)
		return sk_error_set(err, SK_ERR_OS, errno, NULL);
	return 0;
}

FILE *
sk_socket_makefile(struct sk_socket *s, const char *mode, struct sk_error *err)
{
	FILE *f;
	int fd;

	if (s->fd < 0) {
		(void)closed_error(err);
		return NULL;
	}
	if (s->timeout >= 0) {
		(void)sk_error_set(err, SK_ERR_VALUE, EINVAL,
		    "makefile() needs a socket in blocking mode");
		return NULL;
	}
	if ((fd = fcntl(s->fd, F_DUPFD_CLOEXEC, 0)) == -1) {
		(void)sk_error_set(err, SK_ERR_OS, errno, NULL);
		return NULL;
	}
	if ((f = fdopen(fd, mode)) == NULL) {
		(void)sk_error_set(err, SK_ERR_OS, errno, NULL);
		(void)close(fd);
	}
	return f;
}

/*
 * One I/O call under the socket's mode: retried on EINTR; in timeout mode,
 * waits for readiness until the deadline when it would block.
 */
enum io_op { IO_RECV, IO_SEND };

static ssize_t
sock_io(struct sk_socket *s, enum io_op op, void *buf, size_t len, int flags,
    struct sk_addr *addr, double deadline, struct sk_error *err)
{
	ssize_t n;

	if (s->fd < 0)
		return closed_error(err);
	for (;;) {
		if (op == IO_RECV) {
			if (addr != NULL) {
				memset(addr, 0, sizeof(*addr));
				addr->len = sizeof(addr->u);
				n = recvfrom(s->fd, buf, len, flags,
				    &addr->u.sa, &addr->len);
			} else
				n = recv(s->fd, buf, len, flags);
		} else {
			flags |= MSG_NOSIGNAL;
			if (addr != NULL)
				n = sendto(s->fd, buf, len, flags,
				    &addr->u.sa, addr->len);
			else
				n = send(s->fd, buf, len, flags);
		}
		if (n >= 0)
			return n;
		if (errno == EINTR)
			continue;
		if (would_block(errno) && s->timeout > 0) {
			if (wait_ready(s->fd, op == IO_RECV ? POLLIN : POLLOUT,
			    deadline, err) == -1)
				return -1;
			continue;
		}
		return sk_error_set(err, SK_ERR_OS, errno, NULL);
	}
}

ssize_t
sk_socket_recv_into(struct sk_socket *s, void *buf, size_t nbytes, int flags,
    struct sk_error *err)
{
	return sock_io(s, IO_RECV, buf, nbytes, flags, NULL, deadline_of(s),
	    err);
}

ssize_t
sk_socket_recvfrom_into(struct sk_socket *s, void *buf, size_t nbytes,
    int flags, struct sk_addr *from, struct sk_error *err)
{
	struct sk_addr tmp;

	return sock_io(s, IO_RECV, buf, nbytes, flags,
	    from != NULL ? from : &tmp, deadline_of(s), err);
}

static ssize_t
recv_alloc(struct sk_socket *s, size_t bufsize, int flags,
    struct sk_bytes *out, struct sk_addr *from, struct sk_error *err)
{
	unsigned char *p;
	ssize_t n;

	out->data = NULL;
	out->len = 0;
	if ((p = malloc(bufsize > 0 ? bufsize : 1)) == NULL)
		return sk_error_set(err, SK_ERR_OS, errno, NULL);
	n = from != NULL ?
	    sk_socket_recvfrom_into(s, p, bufsize, flags, from, err) :
	    sk_socket_recv_into(s, p, bufsize, flags, err);
	if (n < 0) {
		free(p);
		return -1;
	}
	out->data = p;
	out->len = (size_t)n;
	return n;
}

ssize_t
sk_socket_recv(struct sk_socket *s, size_t bufsize, int flags,
    struct sk_bytes *out, struct sk_error *err)
{
	return recv_alloc(s, bufsize, flags, out, NULL, err);
}

ssize_t
sk_socket_recvfrom(struct sk_socket *s, size_t bufsize, int flags,
    struct sk_bytes *out, struct sk_addr *from, struct sk_error *err)
{
	struct sk_addr tmp;

	return recv_alloc(s, bufsize, flags, out, from != NULL ? from : &tmp,
	    err);
}

ssize_t
sk_socket_send(struct sk_socket *s, const void *buf, size_t len, int flags,
    struct sk_error *err)
{
	return sock_io(s, IO_SEND, (void *)(uintptr_t)buf, len, flags, NULL,
	    deadline_of(s), err);
}

ssize_t
sk_socket_sendto(struct sk_socket *s, const void *buf, size_t len, int flags,
    const struct sk_addr *to, struct sk_error *err)
{
	struct sk_addr dst = *to;

	return sock_io(s, IO_SEND, (void *)(uintptr_t)buf, len, flags, &dst,
	    deadline_of(s), err);
}

int
sk_socket_sendall(struct sk_socket *s, const void *buf, size_t len, int flags,
    struct sk_error *err)
{
	const unsigned char *p = buf;
	/* As in Python 3.5 and later, the timeout bounds the whole call. */
	double deadline = deadline_of(s);

	while (len > 0) {
		ssize_t n = sock_io(s, IO_SEND, (void *)(uintptr_t)p, len,
		    flags, NULL, deadline, err);

		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
sk_socket_shutdown(struct sk_socket *s, int how, struct sk_error *err)
{
	if (s->fd < 0)
		return closed_error(err);
	if (shutdown(s->fd, how) == -1)
		return sk_error_set(err, SK_ERR_OS, errno, NULL);
	return 0;
}

/* Bind s to the source address, resolved for s's family. */
static int
bind_source(struct sk_socket *s, const char *host, const char *port,
    struct sk_error *err)
{
	struct sk_addr src;

	if (sk_addr_resolve(&src, host != NULL ? host : "", port != NULL ?
	    port : "0", s->family, s->type, err) == -1)
		return -1;
	return sk_socket_bind(s, &src, err);
}

int
sk_create_connection(struct sk_socket *s, const char *host, const char *port,
    double timeout, const char *source_host, const char *source_port,
    int family, struct sk_error *err)
{
	struct sk_addrinfo *ai = NULL;
	struct sk_error last;
	ssize_t n, i;

	s->fd = -1;
	if (timeout == SK_TIMEOUT_DEFAULT)
		timeout = default_timeout;
	n = sk_getaddrinfo(host, port, family, SOCK_STREAM, 0, 0, &ai, err);
	if (n < 0)
		return -1;
	sk_error_set(&last, SK_ERR_OS, EADDRNOTAVAIL,
	    "getaddrinfo returns an empty list");
	for (i = 0; i < n; i++) {
		if (sk_socket_open(s, ai[i].family, ai[i].type, ai[i].proto,
		    &last) == -1)
			continue;
		if (sk_socket_settimeout(s, timeout, &last) == 0 &&
		    (source_host == NULL && source_port == NULL ?
		    0 : bind_source(s, source_host, source_port, &last)) == 0 &&
		    sk_socket_connect(s, &ai[i].addr, &last) == 0) {
			sk_addrinfo_free(ai, (size_t)n);
			return 0;
		}
		(void)sk_socket_close(s, NULL);
	}
	sk_addrinfo_free(ai, (size_t)n);
	if (err != NULL)
		*err = last;
	return -1;
}
