/*
 * tlsload.c - the TLS client of bench/tls (RFC 8446, TLS 1.3 only, on
 * OpenSSL 3), the same for every server measured:
 *
 *   tlsload bulk PORT CAFILE BYTES     one connection: BYTES written and
 *                                      read back at once, every byte
 *                                      checked; prints "seconds=S"
 *   tlsload hs PORT CAFILE SECONDS     full handshakes, a new connection
 *                                      each, no resumption, one after
 *                                      another; prints "handshakes=N
 *                                      seconds=S cpu=C" (C: the
 *                                      client's own CPU seconds)
 *   tlsload idle PORT CAFILE N         N connections, each after its
 *                                      handshake and one 1-byte echo;
 *                                      prints "ready", holds them until
 *                                      stdin ends, then checks each
 *                                      echoes once more
 *
 * Every server is verified against CAFILE for the name localhost.
 * Exit status 1 on any failure (with a message), 0 otherwise.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

static SSL_CTX *ctx;
static int port;
/* Bulk: bytes per write, and the most written and not yet read back
 * (TLSLOAD_CHUNK, TLSLOAD_WINDOW in the environment). */
static size_t chunk = 16384;
static unsigned long long window = 8u << 20;

static double
now(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
ssl_die(const char *what)
{
	char buf[256];

	ERR_error_string_n(ERR_get_error(), buf, sizeof(buf));
	errx(1, "%s: %s", what, buf);
}

/* A connected, verified TLS connection (blocking). */
static SSL *
dial(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd, one = 1;
	SSL *ssl;

	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		err(1, "socket");
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		err(1, "connect");
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if ((ssl = SSL_new(ctx)) == NULL || SSL_set_fd(ssl, fd) != 1 ||
	    SSL_set_tlsext_host_name(ssl, "localhost") != 1 ||
	    SSL_set1_host(ssl, "localhost") != 1)
		ssl_die("SSL_new");
	if (SSL_connect(ssl) != 1)
		ssl_die("handshake");
	return ssl;
}

static void
hangup(SSL *ssl)
{
	int fd = SSL_get_fd(ssl);

	(void)SSL_shutdown(ssl);
	SSL_free(ssl);
	(void)close(fd);
}

static unsigned char
pattern(unsigned long long i)
{
	return (unsigned char)((i * 131) ^ (i >> 13));
}

/* Write total bytes and read them back at once, on a non-blocking socket
 * (a big write never waits for a reader that waits for us). */
static void
bulk(unsigned long long total)
{
	SSL *ssl = dial();
	unsigned char out[16384], in[16384];
	unsigned long long sent = 0, got = 0;
	size_t n, k;
	double t0;
	int fd = SSL_get_fd(ssl), e;
	struct pollfd pfd = { .fd = fd };

	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	t0 = now();
	while (got < total) {
		bool progress = false;

		while (sent < total && sent - got < window) {
			size_t want = total - sent < chunk ?
			    (size_t)(total - sent) : chunk;

			for (k = 0; k < want; k++)
				out[k] = pattern(sent + k);
			if (SSL_write_ex(ssl, out, want, &n) != 1) {
				e = SSL_get_error(ssl, 0);
				if (e != SSL_ERROR_WANT_WRITE &&
				    e != SSL_ERROR_WANT_READ)
					ssl_die("write");
				break;
			}
			sent += n;
			progress = true;
		}
		while (got < sent) {
			if (SSL_read_ex(ssl, in, sizeof(in), &n) != 1) {
				e = SSL_get_error(ssl, 0);
				if (e != SSL_ERROR_WANT_READ &&
				    e != SSL_ERROR_WANT_WRITE)
					ssl_die("read");
				break;
			}
			for (k = 0; k < n; k++)
				if (in[k] != pattern(got + k))
					errx(1, "byte %llu differs", got + k);
			got += n;
			progress = true;
		}
		if (!progress) {
			pfd.events = POLLIN | (sent < total ? POLLOUT : 0);
			if (poll(&pfd, 1, 10000) == 0)
				errx(1, "no progress in 10 s at %llu", got);
		}
	}
	printf("seconds=%.6f\n", now() - t0);
	hangup(ssl);
}

/* This process's CPU seconds so far. */
static double
cpu_seconds(void)
{
	struct rusage ru;

	(void)getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static void
handshakes(double seconds)
{
	double t0 = now(), c0 = cpu_seconds(), t;
	unsigned long n = 0;

	do {
		hangup(dial());
		n++;
		t = now();
	} while (t - t0 < seconds);
	printf("handshakes=%lu seconds=%.6f cpu=%.6f\n", n, t - t0,
	    cpu_seconds() - c0);
}

static void
ping(SSL *ssl)
{
	unsigned char c = 'x', r = 0;
	size_t n;

	if (SSL_write_ex(ssl, &c, 1, &n) != 1 ||
	    SSL_read_ex(ssl, &r, 1, &n) != 1 || r != c)
		ssl_die("echo");
}

static void
idle(long count)
{
	SSL **conns = calloc((size_t)count, sizeof(*conns));
	struct rlimit rl;
	char line[16];
	long i;

	if (conns == NULL)
		err(1, "calloc");
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	for (i = 0; i < count; i++) {
		conns[i] = dial();
		ping(conns[i]);
	}
	printf("ready\n");
	(void)fflush(stdout);
	while (fgets(line, sizeof(line), stdin) != NULL)
		continue;
	for (i = 0; i < count; i++) {
		ping(conns[i]);
		hangup(conns[i]);
	}
	free(conns);
	printf("echoed=%ld\n", count);
}

int
main(int argc, char **argv)
{
	if (argc != 5)
		errx(2, "usage: tlsload bulk|hs|idle PORT CAFILE ARG");
	port = (int)strtol(argv[2], NULL, 10);
	if (getenv("TLSLOAD_CHUNK") != NULL)
		chunk = strtoul(getenv("TLSLOAD_CHUNK"), NULL, 10);
	if (chunk == 0 || chunk > 16384)
		chunk = 16384;
	if (getenv("TLSLOAD_WINDOW") != NULL)
		window = strtoull(getenv("TLSLOAD_WINDOW"), NULL, 10);
	if (window < chunk)
		window = chunk;
	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		ssl_die("SSL_CTX_new");
	(void)SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	/* Full handshakes each time: no session is kept for resumption. */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	if (SSL_CTX_load_verify_locations(ctx, argv[3], NULL) != 1)
		ssl_die("CA file");
	if (strcmp(argv[1], "bulk") == 0)
		bulk(strtoull(argv[4], NULL, 10));
	else if (strcmp(argv[1], "hs") == 0)
		handshakes(strtod(argv[4], NULL));
	else if (strcmp(argv[1], "idle") == 0)
		idle(strtol(argv[4], NULL, 10));
	else
		errx(2, "unknown mode %s", argv[1]);
	SSL_CTX_free(ctx);
	return 0;
}
