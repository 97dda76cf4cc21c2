/*
 * relay.c - moving bytes both ways on one socket at once, which the
 * reference's sendall-then-recv client cannot do for more than a socket
 * buffer's worth: sk_socket_exchange sends a buffer while it reads the
 * answer (so a large echo cannot deadlock), and sk_socket_relay is
 * netcat's loop, a descriptor to the socket and the socket to a sink,
 * with the half-close (shutdown SHUT_WR) at the input's EOF and reading
 * on until the peer's EOF, so the tail of a reply is never dropped.
 *
 * Both wait with poll(2) and do non-blocking I/O (MSG_DONTWAIT), whatever
 * the socket's mode; the socket's timeout bounds each wait for progress
 * (SK_ERR_TIMEOUT), None waits for ever and 0 does not wait (EAGAIN).
 */
#include <sys/socket.h>

#include <errno.h>
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

/* write(2) all of it to a descriptor, waiting when it is non-blocking. */
static int
write_all(int fd, const char *p, size_t n, struct sk_error *err)
{
	struct pollfd pf = { .fd = fd, .events = POLLOUT };
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
		} else if (w == -1 && errno == EAGAIN) {
			if (poll(&pf, 1, -1) == -1 && errno != EINTR)
				return sk_error_set(err, SK_ERR_OS, errno,
				    NULL);
		} else if (w == -1 && errno != EINTR) {
			return sk_error_set(err, SK_ERR_OS, errno, NULL);
		}
	}
	return 0;
}

int
sk_socket_relay(struct sk_socket *s, int in_fd, int out_fd,
    sk_relay_out_fn *out, void *ctx, struct sk_relay_stats *st,
    struct sk_error *err)
{
	char *up, *down;
	size_t up_len = 0, up_off = 0;
	struct pollfd p[2];
	ssize_t n;
	bool in_eof = in_fd < 0, sock_eof = false, shut = false;
	bool in_ready = false;
	int rc = -1;

	memset(st, 0, sizeof(*st));
	if (s->fd < 0)
		return sk_error_set(err, SK_ERR_OS, EBADF, NULL);
	up = malloc(RELAY_BUF);
	down = malloc(RELAY_BUF);
	if (up == NULL || down == NULL) {
		(void)sk_error_set(err, SK_ERR_OS, ENOMEM, NULL);
		goto done;
	}
	/* Input is read only when poll says it is ready, so that a reply
	 * is written out while the input is quiet. */
	while (!sock_eof) {
		bool progress = false;

		/* Input to the socket. */
		if (in_ready && !in_eof && up_len == 0) {
			in_ready = false;
			n = read(in_fd, up, RELAY_BUF);
			if (n > 0) {
				up_len = (size_t)n;
				up_off = 0;
				st->in_bytes += (unsigned long long)n;
				progress = true;
			} else if (n == 0) {
				in_eof = true;
				progress = true;
			} else if (errno != EAGAIN && errno != EINTR) {
				st->failed = SK_RELAY_INPUT;
				(void)sk_error_set(err, SK_ERR_OS, errno, NULL);
				goto done;
			}
		}
		if (up_len > 0) {
			n = send(s->fd, up + up_off, up_len, MSG_DONTWAIT |
			    MSG_NOSIGNAL);
			if (n > 0) {
				up_off += (size_t)n;
				up_len -= (size_t)n;
				st->sent += (unsigned long long)n;
				progress = true;
			} else if (n == -1 && errno != EAGAIN &&
			    errno != EINTR) {
				(void)sk_error_set(err, SK_ERR_OS, errno, NULL);
				goto done;
			}
		}
		if (in_eof && up_len == 0 && !shut) {
			/* All of the input is out: half-close, read on. */
			if (shutdown(s->fd, SHUT_WR) == -1 &&
			    errno != ENOTCONN) {
				(void)sk_error_set(err, SK_ERR_OS, errno, NULL);
				goto done;
			}
			shut = true;
		}
		/* The socket to the output. */
		n = recv(s->fd, down, RELAY_BUF, MSG_DONTWAIT);
		if (n > 0) {
			st->received += (unsigned long long)n;
			if ((out != NULL ? out(ctx, down, (size_t)n, err) :
			    write_all(out_fd, down, (size_t)n, err)) == -1) {
				st->failed = SK_RELAY_OUTPUT;
				goto done;
			}
			progress = true;
		} else if (n == 0) {
			sock_eof = true;
			progress = true;
		} else if (errno != EAGAIN && errno != EINTR) {
			(void)sk_error_set(err, SK_ERR_OS, errno, NULL);
			goto done;
		}
		if (progress)
			continue;
		p[0].fd = s->fd;
		p[0].events = (short)(POLLIN | (up_len > 0 ? POLLOUT : 0));
		p[0].revents = 0;
		p[1].fd = !in_eof && up_len == 0 ? in_fd : -1;
		p[1].events = POLLIN;
		p[1].revents = 0;
		if (wait_for(p, 2, s->timeout, err) == -1)
			goto done;
		if (p[1].revents != 0)	/* POLLIN, POLLHUP or POLLERR */
			in_ready = true;
	}
	st->input_done = in_eof && up_len == 0;
	st->unsent = up_len;
	rc = 0;
done:
	free(up);
	free(down);
	return rc;
}
