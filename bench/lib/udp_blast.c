/*
 * blast.c - bench/udp's unpaced sender: COUNT datagrams of SIZE bytes to
 * HOST PORT (numeric IPv4), as fast as sendmmsg(2) takes them, in batches
 * of 64, from a socket with a large send buffer.  A plain C baseline, not
 * part of sockit.  Prints "sent N" and the seconds it took.
 *
 *	blast HOST PORT COUNT SIZE
 */
#define _GNU_SOURCE
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH 64

static double
now(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in to;
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	static unsigned char payload[65536];
	long long count, sent = 0;
	size_t size;
	int fd, i, buf = 4 << 20;
	double t0;

	if (argc != 5)
		errx(2, "usage: blast HOST PORT COUNT SIZE");
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons((unsigned short)strtoul(argv[2], NULL, 10));
	if (inet_pton(AF_INET, argv[1], &to.sin_addr) != 1)
		errx(2, "%s: not an IPv4 address", argv[1]);
	count = strtoll(argv[3], NULL, 10);
	size = strtoul(argv[4], NULL, 10);
	if (size > sizeof(payload))
		errx(2, "SIZE too large");
	memset(payload, 'x', sizeof(payload));
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		err(1, "socket");
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof(buf));
	if (connect(fd, (struct sockaddr *)&to, sizeof(to)) == -1)
		err(1, "connect");
	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = payload;
		iov[i].iov_len = size;
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	t0 = now();
	while (sent < count) {
		unsigned int k = count - sent < BATCH ?
		    (unsigned int)(count - sent) : BATCH;
		int r = sendmmsg(fd, msgs, k, 0);

		if (r > 0)
			sent += r;
		else if (errno != EINTR && errno != EAGAIN &&
		    errno != ECONNREFUSED)
			err(1, "sendmmsg");
	}
	printf("sent %lld %.6f\n", sent, now() - t0);
	return 0;
}
