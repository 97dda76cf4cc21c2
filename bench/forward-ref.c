/*
 * bench/forward-ref.c - a minimal C splice(2) port forwarder, the
 * yardstick of bench/forward: what a plain epoll loop that moves bytes
 * socket -> pipe -> socket does on this machine.
 *
 *   forward-ref PORT UPSTREAM-ADDR UPSTREAM-PORT
 *
 * One thread, edge-triggered epoll, non-blocking sockets, a pipe per
 * direction made when the connection starts, accept4 in a loop, a
 * blocking connect upstream (loopback: it does not wait).  A direction
 * moves what it can until splice says EAGAIN; at EOF it shuts the other
 * side's write half, and the pair closes when both directions ended or
 * on any error.  IPv4 only, no options, no tuning.  Runs until killed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define CHUNK	(1 << 20)

struct dir {
	int src, dst;
	int pipe[2];
	size_t inpipe;
	int eof, ended;
};

struct pair {
	int fd[2];		/* client, upstream */
	struct dir d[2];
	int closed;
	struct pair *next;	/* on the dead list */
};

static int ep;
static struct pair *dead;	/* closed in this batch, freed after it */

static void
die(const char *what)
{
	fprintf(stderr, "forward-ref: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* Move what can be moved; -1 on an error. */
static int
pump(struct dir *d)
{
	ssize_t n;

	while (!d->ended) {
		int moved = 0;

		if (!d->eof) {
			n = splice(d->src, NULL, d->pipe[1], NULL, CHUNK,
			    SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
			if (n > 0) {
				d->inpipe += (size_t)n;
				moved = 1;
			} else if (n == 0) {
				d->eof = 1;
				moved = 1;
			} else if (errno != EAGAIN) {
				return -1;
			}
		}
		if (d->inpipe > 0) {
			n = splice(d->pipe[0], NULL, d->dst, NULL, d->inpipe,
			    SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
			if (n > 0) {
				d->inpipe -= (size_t)n;
				moved = 1;
			} else if (n < 0 && errno != EAGAIN) {
				return -1;
			}
		}
		if (d->eof && d->inpipe == 0) {
			shutdown(d->dst, SHUT_WR);
			d->ended = 1;
		}
		if (!moved)
			break;
	}
	return 0;
}

static void
event(struct pair *p)
{
	if (p->closed)
		return;
	if (pump(&p->d[0]) == -1 || pump(&p->d[1]) == -1 ||
	    (p->d[0].ended && p->d[1].ended)) {
		int k;

		for (k = 0; k < 2; k++) {
			close(p->fd[k]);
			close(p->d[k].pipe[0]);
			close(p->d[k].pipe[1]);
		}
		p->closed = 1;
		p->next = dead;
		dead = p;
	}
}

static void
start(int cfd, const struct sockaddr_in *up)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLET };
	struct pair *p = calloc(1, sizeof(*p));
	int ufd, one = 1, k;

	ufd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (p == NULL || ufd == -1 ||
	    connect(ufd, (const struct sockaddr *)up, sizeof(*up)) == -1) {
		if (ufd != -1)
			close(ufd);
		close(cfd);
		free(p);
		return;
	}
	fcntl(ufd, F_SETFL, O_NONBLOCK);
	setsockopt(ufd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	p->fd[0] = cfd;
	p->fd[1] = ufd;
	for (k = 0; k < 2; k++) {
		p->d[k].src = p->fd[k];
		p->d[k].dst = p->fd[1 - k];
		if (pipe2(p->d[k].pipe, O_NONBLOCK | O_CLOEXEC) == -1)
			die("pipe2");
		fcntl(p->d[k].pipe[1], F_SETPIPE_SZ, CHUNK);
	}
	ev.data.ptr = p;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, cfd, &ev) == -1 ||
	    epoll_ctl(ep, EPOLL_CTL_ADD, ufd, &ev) == -1)
		die("epoll_ctl");
}

static unsigned short
port(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 0 || v > 65535) {
		fprintf(stderr, "forward-ref: %s: not a port\n", s);
		exit(2);
	}
	return htons((unsigned short)v);
}

int
main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET }, up = a;
	struct epoll_event ev = { .events = EPOLLIN }, evs[256];
	int lfd, one = 1, n, i, fd;

	if (argc != 4) {
		fprintf(stderr, "usage: forward-ref PORT UPSTREAM-ADDR "
		    "UPSTREAM-PORT\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	a.sin_port = port(argv[1]);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	up.sin_port = port(argv[3]);
	if (inet_pton(AF_INET, argv[2], &up.sin_addr) != 1) {
		fprintf(stderr, "forward-ref: %s: not an IPv4 address\n",
		    argv[2]);
		return 2;
	}
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (lfd == -1 ||
	    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(lfd, (struct sockaddr *)&a, sizeof(a)) == -1 ||
	    listen(lfd, SOMAXCONN) == -1)
		die("listen");
	if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
		die("epoll_create1");
	ev.data.ptr = NULL;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev) == -1)
		die("epoll_ctl");
	for (;;) {
		n = epoll_wait(ep, evs, 256, -1);
		if (n == -1 && errno != EINTR)
			die("epoll_wait");
		for (i = 0; i < n; i++) {
			if (evs[i].data.ptr != NULL) {
				event(evs[i].data.ptr);
				continue;
			}
			while ((fd = accept4(lfd, NULL, NULL,
			    SOCK_NONBLOCK | SOCK_CLOEXEC)) != -1)
				start(fd, &up);
		}
		while (dead != NULL) {
			struct pair *p = dead;

			dead = p->next;
			free(p);
		}
	}
}
