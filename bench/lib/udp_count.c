/*
 * count.c - bench/udp's reference receiver: binds HOST PORT (numeric
 * IPv4) with a large receive buffer and counts datagrams with recvmmsg(2)
 * in batches of 64 until COUNT arrived or none came for IDLE seconds.
 * Prints "received N dropped D seconds S" (D from SO_MEMINFO).  A plain
 * C baseline, not part of sockit.  It writes its port to stderr first,
 * as "port P", so that PORT may be 0.
 *
 *	count HOST PORT COUNT IDLE
 */
#define _GNU_SOURCE
#include <sys/socket.h>
#include <arpa/inet.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>

#include <err.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
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
	struct sockaddr_in at;
	socklen_t len = sizeof(at);
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	static unsigned char bufs[BATCH][2048];
	uint32_t mem[SK_MEMINFO_VARS];
	long long count, got = 0;
	int fd, i, buf = 64 << 20, idle;
	double t0 = 0, t1 = 0;

	if (argc != 5)
		errx(2, "usage: count HOST PORT COUNT IDLE");
	memset(&at, 0, sizeof(at));
	at.sin_family = AF_INET;
	at.sin_port = htons((unsigned short)strtoul(argv[2], NULL, 10));
	if (inet_pton(AF_INET, argv[1], &at.sin_addr) != 1)
		errx(2, "%s: not an IPv4 address", argv[1]);
	count = strtoll(argv[3], NULL, 10);
	idle = (int)(strtod(argv[4], NULL) * 1000);
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		err(1, "socket");
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf));
	if (bind(fd, (struct sockaddr *)&at, sizeof(at)) == -1 ||
	    getsockname(fd, (struct sockaddr *)&at, &len) == -1)
		err(1, "bind");
	fprintf(stderr, "port %u\n", ntohs(at.sin_port));
	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = sizeof(bufs[i]);
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	while (got < count) {
		struct pollfd p = { fd, POLLIN, 0 };
		int r = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL);

		if (r > 0) {
			if (got == 0)
				t0 = now();
			got += r;
			t1 = now();
			continue;
		}
		if (r == -1 && errno != EAGAIN && errno != EINTR)
			err(1, "recvmmsg");
		if (poll(&p, 1, idle) == 0)
			break;
	}
	len = sizeof(mem);
	memset(mem, 0, sizeof(mem));
	(void)getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mem, &len);
	printf("received %lld dropped %u seconds %.6f\n", got,
	    mem[SK_MEMINFO_DROPS], t1 - t0);
	return 0;
}
