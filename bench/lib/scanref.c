/*
 * scanref.c - the minimal C port scanner bench/probe measures sockit
 * probe against: non-blocking connects (RFC 9293) to FIRST..LAST of one
 * IPv4 address, JOBS in flight on epoll(7), SO_ERROR read when writable,
 * a self-connect (local address == peer) not counted, the open ports
 * printed one a line.  No timeouts beyond a global one: on loopback every
 * port answers at once.
 *
 *	scanref ADDRESS FIRST LAST [JOBS]
 */
#include <sys/epoll.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct sockaddr_in target;

static int
start(int ep, unsigned int port)
{
	struct epoll_event ev = { .events = EPOLLOUT };
	struct sockaddr_in a = target;
	int fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	a.sin_port = htons((unsigned short)port);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == -1 &&
	    errno != EINPROGRESS) {
		(void)close(fd);
		return 0;
	}
	ev.data.u64 = (unsigned long long)fd << 32 | port;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == -1) {
		(void)close(fd);
		return -1;
	}
	return 1;
}

static void
finish(unsigned long long data)
{
	int fd = (int)(data >> 32), e = 0;
	unsigned int port = (unsigned int)(data & 0xffff);
	socklen_t len = sizeof(e);
	struct sockaddr_in local;
	socklen_t llen = sizeof(local);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) == 0 && e == 0 &&
	    getsockname(fd, (struct sockaddr *)&local, &llen) == 0 &&
	    !(local.sin_port == htons((unsigned short)port) &&
	    local.sin_addr.s_addr == target.sin_addr.s_addr))
		printf("%u\n", port);
	(void)close(fd);
}

int
main(int argc, char **argv)
{
	struct epoll_event evs[256];
	unsigned int port, last, jobs = 256, inflight = 0;
	int ep, n, i, r;

	if (argc < 4 || inet_pton(AF_INET, argv[1], &target.sin_addr) != 1) {
		fprintf(stderr, "usage: scanref ADDRESS FIRST LAST [JOBS]\n");
		return 2;
	}
	target.sin_family = AF_INET;
	port = (unsigned int)strtoul(argv[2], NULL, 10);
	last = (unsigned int)strtoul(argv[3], NULL, 10);
	if (argc > 4)
		jobs = (unsigned int)strtoul(argv[4], NULL, 10);
	if ((ep = epoll_create1(EPOLL_CLOEXEC)) == -1)
		return 1;
	while (port <= last || inflight > 0) {
		while (inflight < jobs && port <= last) {
			if ((r = start(ep, port++)) == -1)
				return 1;
			inflight += (unsigned int)r;
		}
		n = epoll_wait(ep, evs, 256, 5000);
		if (n <= 0)
			break;
		for (i = 0; i < n; i++) {
			finish(evs[i].data.u64);
			inflight--;
		}
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
