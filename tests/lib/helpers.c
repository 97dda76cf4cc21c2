/*
 * helpers.c - what the libsockit C tests share besides TAP: the clock, a
 * descriptor count, a test byte stream, address formatting, loopback
 * sockets on port 0 and a verified round trip (helpers.h).
 */
#include <sys/socket.h>

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sockit.h"
#include "helpers.h"
#include "tap.h"

double
now(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

int
count_fds(void)
{
	DIR *d;
	int n = 0;

	if ((d = opendir("/proc/self/fd")) == NULL)
		return -1;
	while (readdir(d) != NULL)
		n++;
	(void)closedir(d);
	return n;
}

unsigned char
pattern(size_t i)
{
	return (unsigned char)(i ^ (i >> 8) ^ (i >> 16) ^ (i * 7 >> 3));
}

void
fill(unsigned char *p, size_t n, size_t off)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = pattern(off + i);
}

const char *
addr_str(const struct sk_addr *a)
{
	static char buf[4][SK_ADDRSTRLEN];
	static unsigned int next;
	char *b = buf[next++ % 4];

	(void)sk_addr_format(a, b, SK_ADDRSTRLEN);
	return b;
}

int
bound_socket(struct sk_socket *s, int type, const char *host,
    struct sk_addr *where)
{
	struct sk_error err;
	struct sk_addr a;
	int family = strchr(host, ':') != NULL ? AF_INET6 : AF_INET;

	if (sk_socket_open(s, family, type, 0, &err) == -1 ||
	    sk_addr_resolve(&a, host, "0", family, type, &err) == -1 ||
	    sk_socket_bind(s, &a, &err) == -1 ||
	    (type == SOCK_STREAM && sk_socket_listen(s, 8, &err) == -1) ||
	    sk_socket_getsockname(s, where, &err) == -1) {
		ok(false, "a %s socket on %s port 0: %s",
		    type == SOCK_STREAM ? "listening TCP" : "UDP", host,
		    err.message);
		(void)sk_socket_close(s, NULL);
		return -1;
	}
	return 0;
}

bool
tcp_client(struct sk_socket *c, const char *host, const char *port)
{
	struct sk_error err;

	if (sk_create_connection(c, host, port, PATIENCE, NULL, NULL,
	    AF_UNSPEC, &err) == -1) {
		ok(false, "connect to %s port %s: %s", host, port, err.message);
		return false;
	}
	return true;
}

bool
round_trip(struct sk_socket *c, size_t n, size_t off)
{
	unsigned char *out = malloc(n + 1), *in = malloc(n + 1);
	struct sk_error err;
	ssize_t got;
	bool same = false;

	if (out != NULL && in != NULL) {
		fill(out, n, off);
		got = sk_socket_exchange(c, out, n, in, n, &err);
		if (got == -1)
			diag("exchange: %s", err.message);
		same = got == (ssize_t)n && memcmp(out, in, n) == 0;
	}
	free(out);
	free(in);
	return same;
}
