/*
 * relay.c - moving bytes both ways on one socket at once, which the
 * reference's sendall-then-recv client cannot do for more than a socket
 * buffer's worth: sk_socket_exchange sends a buffer while it reads the
 * answer (so a large echo cannot deadlock), and sk_tls_exchange does the
 * same through a TLS session (tls.c), its handshake first.  netcat's
 * relay, between two endpoints, is the relay engine's (relay_engine.c).
 *
 * It waits with poll(2) and does non-blocking I/O (MSG_DONTWAIT), whatever
 * the socket's mode; the socket's timeout bounds each wait for progress
 * (SK_ERR_TIMEOUT), None waits for ever and 0 does not wait (EAGAIN).
 */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockit-int.h"

#define RELAY_BUF	((size_t)64 * 1024)

/* poll() for the socket's timeout; 0 when ready, -1 with err set. */
static int
wait_for(struct pollfd *p, nfds_t n, double timeout, struct sk_error *err)
{
	int ms, rc;

	if (timeout == 0)
		return sk_error_set(err, SK_ERR_OS, EAGAIN, NULL);
	ms = timeout < 0 ? -1 : timeout * 1000 > INT_MAX ? INT_MAX :
	    (int)(timeout * 1000 + 0.999);
	do {
		rc = poll(p, n, ms);
	} while (rc == -1 && errno == EINTR);
	if (rc == -1)
		return sk_error_set(err, SK_ERR_OS, errno, NULL);
	if (rc == 0)
		return sk_error_set(err, SK_ERR_TIMEOUT, ETIMEDOUT, NULL);
	return 0;
}

ssize_t
sk_socket_exchange(struct sk_socket *s, const void *out, size_t outlen,
    void *in, size_t inlen, struct sk_error *err)
{
	const char *o = out;
	char *i = in;
	size_t sent = 0, got = 0;
	struct pollfd p;
	ssize_t n;
	bool eof = false;

	if (s->fd < 0)
		return sk_error_set(err, SK_ERR_OS, EBADF, NULL);
	while (sent < outlen || (got < inlen && !eof)) {
		bool progress = false;

		if (sent < outlen) {
			n = send(s->fd, o + sent, outlen - sent,
			    MSG_DONTWAIT | MSG_NOSIGNAL);
			if (n > 0) {
				sent += (size_t)n;
				progress = true;
			} else if (n == -1 && errno != EAGAIN &&
			    errno != EINTR) {
				return sk_error_set(err, SK_ERR_OS, errno,
				    NULL);
			}
		}
		if (got < inlen && !eof) {
			n = recv(s->fd, i + got, inlen - got, MSG_DONTWAIT);
			if (n > 0) {
				got += (size_t)n;
				progress = true;
			} else if (n == 0) {
				eof = true;
				progress = true;
			} else if (errno != EAGAIN && errno != EINTR) {
				return sk_error_set(err, SK_ERR_OS, errno,
				    NULL);
			}
		}
		if (progress)
			continue;
		p.fd = s->fd;
		p.events = (short)((sent < outlen ? POLLOUT : 0) |
		    (got < inlen && !eof ? POLLIN : 0));
		p.revents = 0;
		if (wait_for(&p, 1, s->timeout, err) == -1)
			return -1;
	}
	return (ssize_t)got;
}

/* A TLS call's wait as poll(2) events. */
static short
tls_events(int want)
{
	return (short)((want & SK_LOOP_READABLE ? POLLIN : 0) |
	    (want & SK_LOOP_WRITABLE ? POLLOUT : 0));
}

/* -1 and the error, unless the TLS call only has to wait (0). */
static int
tls_again(ssize_t n, const struct sk_error *e, struct sk_error *err)
{
	if (n != -1 || (e->kind == SK_ERR_OS && e->code == EAGAIN))
		return 0;
	if (err != NULL)
		*err = *e;
	return -1;
}

/* The handshake (once), then the exchange, on a non-blocking socket. */
static ssize_t
tls_exchange(struct sk_socket *s, struct sk_tls *t, const char *o,
    size_t outlen, char *i, size_t inlen, struct sk_error *err)
{
	size_t sent = 0, got = 0;
	struct sk_error e;
	struct pollfd p = { .fd = s->fd };
	ssize_t n;
	int rc, want, rwant = 0, wwant = 0;
	bool eof = false;

	for (;;) {
		bool progress = false;

		if ((rc = sk_tls_handshake(t, &want, &e)) == -1) {
			if (err != NULL)
				*err = e;
			return -1;
		}
		p.events = tls_events(want);
		if (rc == 1) {
			if (sent == outlen && (got == inlen || eof))
				return (ssize_t)got;
			if (sent < outlen) {
				n = sk_tls_write(t, o + sent, outlen - sent,
				    &wwant, &e);
				if (tls_again(n, &e, err) == -1)
					return -1;
				if (n > 0) {
					sent += (size_t)n;
					progress = true;
				}
			}
			if (got < inlen && !eof) {
				n = sk_tls_read(t, i + got, inlen - got,
				    &rwant, &e);
				if (tls_again(n, &e, err) == -1)
					return -1;
				if (n >= 0) {
					got += (size_t)n;
					eof = n == 0;
					progress = true;
				}
			}
			if (progress)
				continue;
			p.events = (short)(tls_events(sent < outlen ? wwant :
			    0) | tls_events(got < inlen && !eof ? rwant :
			    0));
		}
		if (p.events == 0)
			p.events = POLLIN;
		p.revents = 0;
		if (wait_for(&p, 1, s->timeout, err) == -1)
			return -1;
	}
}

ssize_t
sk_tls_exchange(struct sk_socket *s, struct sk_tls *t, const void *out,
    size_t outlen, void *in, size_t inlen, struct sk_error *err)
{
	ssize_t n;
	int fl;

	if (s->fd < 0)
		return sk_error_set(err, SK_ERR_OS, EBADF, NULL);
	/* The record layer's reads and writes must not block. */
	if ((fl = fcntl(s->fd, F_GETFL)) == -1 || (!(fl & O_NONBLOCK) &&
	    fcntl(s->fd, F_SETFL, fl | O_NONBLOCK) == -1))
		return sk_error_set(err, SK_ERR_OS, errno, NULL);
	n = tls_exchange(s, t, out, outlen, in, inlen, err);
	if (!(fl & O_NONBLOCK))
		(void)fcntl(s->fd, F_SETFL, fl);
	return n;
}
