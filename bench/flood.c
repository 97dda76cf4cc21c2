/*
 * flood.c - the traffic of bench/sniff, on loopback: a flood of UDP
 * datagrams (RFC 768) sent with sendmmsg(2) to a socket that never reads
 * them, or a bulk TCP transfer (RFC 9293) to a reader that discards it.
 *
 *	flood udp COUNT SIZE PORT	COUNT datagrams of SIZE bytes
 *	flood tcp BYTES PORT		BYTES over one connection
 */
#define _GNU_SOURCE
#include <sys/socket.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BATCH 64

static struct sockaddr_in
loopback(int port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sin;
}

static void
udp(long count, size_t size, int port)
{
	struct sockaddr_in sin = loopback(port);
	struct mmsghdr msgs[BATCH];
	struct iovec iov;
	static char buf[65536];
	int rx, tx, i;
	long sent = 0;

	if ((rx = socket(AF_INET, SOCK_DGRAM, 0)) < 0 ||
	    bind(rx, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		err(1, "receiver");
	if ((tx = socket(AF_INET, SOCK_DGRAM, 0)) < 0 ||
	    connect(tx, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		err(1, "sender");
	iov.iov_base = buf;
	iov.iov_len = size;
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < BATCH; i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	while (sent < count) {
		int n = count - sent < BATCH ? (int)(count - sent) : BATCH;

		if ((n = sendmmsg(tx, msgs, (unsigned int)n, 0)) < 0)
			err(1, "sendmmsg");
		sent += n;
	}
	printf("%ld datagrams sent\n", sent);
}

static void
tcp(long long bytes, int port)
{
	struct sockaddr_in sin = loopback(port);
	static char buf[1 << 20];
	int one = 1, lfd, fd, status;
	long long left = bytes;
	pid_t pid;

	if ((lfd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(lfd, 1) < 0)
		err(1, "listener");
	if ((pid = fork()) < 0)
		err(1, "fork");
	if (pid == 0) {
		if ((fd = accept(lfd, NULL, NULL)) < 0)
			err(1, "accept");
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		_exit(0);
	}
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		err(1, "connect");
	while (left > 0) {
		size_t n = left < (long long)sizeof(buf) ? (size_t)left :
		    sizeof(buf);
		ssize_t w = write(fd, buf, n);

		if (w < 0)
			err(1, "write");
		left -= w;
	}
	(void)close(fd);
	if (waitpid(pid, &status, 0) < 0)
		err(1, "waitpid");
	printf("%lld bytes sent\n", bytes);
}

int
main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "udp") == 0)
		udp(strtol(argv[2], NULL, 10), strtoul(argv[3], NULL, 10),
		    (int)strtol(argv[4], NULL, 10));
	else if (argc == 4 && strcmp(argv[1], "tcp") == 0)
		tcp(strtoll(argv[2], NULL, 10), (int)strtol(argv[3], NULL, 10));
	else
		errx(2, "usage: flood udp COUNT SIZE PORT | "
		    "flood tcp BYTES PORT");
	return 0;
}
