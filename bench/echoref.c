/*
 * bench/echoref.c - a minimal epoll echo server, the yardstick of
 * bench/echo: what a plain C event loop does on this machine, and proof
 * that bench/echoload is not the bottleneck (if the generator drives this
 * server faster than a server under test, the generator is not what
 * limits that server).
 *
 *   echoref PORT [ADDR]
 *
 * One thread, level-triggered epoll, non-blocking sockets, accept4 in a
 * loop, a listen backlog of SOMAXCONN.  Reads go into one shared 256 KiB
 * buffer and are written straight back; only what the kernel does not take
 * at once is kept, in a per-connection heap buffer, and the connection
 * stops reading until that is flushed (so a client that does not read
 * cannot make it buffer without bound).  An idle connection costs a
 * 32-byte struct.  EOF from the client: flush, then close.  No splice, no
 * threads, no tuning.  Runs until killed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUFSZ	(256 << 10)

struct conn {
	int fd;
	char *pend;		/* what the kernel did not take yet */
	size_t len, off;
};

static unsigned char buf[BUFSZ];

static void
die(const char *what)
{
	fprintf(stderr, "echoref: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void
drop(struct conn *c)
{
	close(c->fd);
	free(c->pend);
	free(c);
}

/* Sends p[n]; keeps what does not fit. Returns -1 on an error. */
static int
put(struct conn *c, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN)
			break;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	if (n == 0)
		return 0;
	if (!(c->pend = malloc(n)))
		return -1;
	memcpy(c->pend, p, n);
	c->len = n;
	c->off = 0;
	return 0;
}

static void
serve(int ep, struct conn *c, uint32_t events)
{
	struct epoll_event ev = { .data.ptr = c };

	if (c->pend) {
		ssize_t w;

		if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
			return;
		w = send(c->fd, c->pend + c->off, c->len - c->off,
		    MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0 && errno != EAGAIN && errno != EINTR) {
			drop(c);
			return;
		}
		if (w > 0)
			c->off += (size_t)w;
		if (c->off < c->len)
			return;
		free(c->pend);
		c->pend = NULL;
		ev.events = EPOLLIN;
		epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
		return;
	}
	for (int i = 0; i < 4; i++) {
		ssize_t r = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (r <= 0) {	/* EOF (nothing is pending here) or error */
			drop(c);
			return;
		}
		if (put(c, (char *)buf, (size_t)r) != 0) {
			drop(c);
			return;
		}
		if (c->pend) {
			ev.events = EPOLLOUT;
			epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
			return;
		}
		if ((size_t)r < sizeof(buf))
			return;
	}
}

int
main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct epoll_event ev, evs[256];
	struct rlimit rl;
	int lfd, ep, one = 1;
	char *end;
	long port;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: echoref PORT [ADDR]\n");
		return 2;
	}
	port = strtol(argv[1], &end, 10);
	if (*argv[1] == '\0' || *end != '\0' || port < 0 || port > 65535 ||
	    inet_pton(AF_INET, argc > 2 ? argv[2] : "127.0.0.1",
	    &a.sin_addr) != 1) {
		fprintf(stderr, "echoref: bad port or address\n");
		return 2;
	}
	a.sin_port = htons((unsigned short)port);
	signal(SIGPIPE, SIG_IGN);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (lfd < 0)
		die("socket");
	(void)setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&a, sizeof(a)) != 0)
		die("bind");
	if (listen(lfd, SOMAXCONN) != 0)
		die("listen");
	if ((ep = epoll_create1(EPOLL_CLOEXEC)) < 0)
		die("epoll_create1");
	ev.events = EPOLLIN;
	ev.data.ptr = NULL;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) != 0)
		die("epoll_ctl");
	for (;;) {
		int n = epoll_wait(ep, evs, 256, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("epoll_wait");
		for (int i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;
			int fd;

			if (c) {
				serve(ep, c, evs[i].events);
				continue;
			}
			while ((fd = accept4(lfd, NULL, NULL,
			    SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
				if (!(c = calloc(1, sizeof(*c)))) {
					close(fd);
					continue;
				}
				c->fd = fd;
				ev.events = EPOLLIN;
				ev.data.ptr = c;
				if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0)
					drop(c);
			}
		}
	}
}
