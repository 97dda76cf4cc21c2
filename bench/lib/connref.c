/*
 * connref.c - the minimal connect-timing loop bench/probe measures sockit
 * ping against: COUNT blocking connects (RFC 9293's handshake) to
 * ADDRESS:PORT one after another, each timed on CLOCK_MONOTONIC from
 * just before connect(2) to its return, then closed; prints each time
 * in milliseconds, one a line.
 *
 *	connref ADDRESS PORT COUNT
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double
now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	size_t i, n;
	double *v, t0;
	int fd;

	if (argc != 4 || inet_pton(AF_INET, argv[1], &a.sin_addr) != 1) {
		fprintf(stderr, "usage: connref ADDRESS PORT COUNT\n");
		return 2;
	}
	a.sin_port = htons((unsigned short)strtoul(argv[2], NULL, 10));
	n = strtoul(argv[3], NULL, 10);
	if (n == 0 || (v = calloc(n, sizeof(*v))) == NULL)
		return 1;
	for (i = 0; i < n; i++) {
		if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
			return 1;
		t0 = now_ms();
		if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == -1)
			return 1;
		v[i] = now_ms() - t0;
		(void)close(fd);
	}
	for (i = 0; i < n; i++)
		printf("%.6f\n", v[i]);
	free(v);
	return 0;
}
