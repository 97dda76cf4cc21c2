/*
 * test-netcat.c - the library parts of connect and listen: proxy URLs
 * and the SOCKS5 (RFC 1928/1929) and HTTP CONNECT (RFC 9110 9.3.6)
 * handshakes against a scripted proxy on a socketpair, their reply
 * parsers on good, refused and malformed replies; a command run with
 * sk_child_spawn (its environment, output after its input's EOF, its
 * exit status); sk_listen_all and sk_dial with their events;
 * sk_socket_adopt; and systemd's LISTEN_PID/LISTEN_FDS.
 *
 * Every wait is bounded: the sockets have timeouts, and alarm(2) ends
 * the program if something still hangs.
 */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockit.h"
#include "tap.h"

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

static void
test_parse(void)
{
	static const struct {
		const char *url;
		int type;	/* 0: refused */
		const char *host, *port, *user, *pass;
	} cases[] = {
		{ "socks5://127.0.0.1:1080", SK_PROXY_SOCKS5, "127.0.0.1",
		    "1080", "", "" },
		{ "socks5://u:p%40ss@proxy:9050/", SK_PROXY_SOCKS5, "proxy",
		    "9050", "u", "p@ss" },
		{ "socks5h://[::1]:1080", SK_PROXY_SOCKS5, "::1", "1080", "",
		    "" },
		{ "http://proxy.example:3128", SK_PROXY_HTTP,
		    "proxy.example", "3128", "", "" },
		{ "http://u:p@proxy:3128", 0, NULL, NULL, NULL, NULL },
		{ "ftp://x:1", 0, NULL, NULL, NULL, NULL },
		{ "socks5://host", 0, NULL, NULL, NULL, NULL },
		{ "socks5://:80", 0, NULL, NULL, NULL, NULL },
		{ "socks5://h:", 0, NULL, NULL, NULL, NULL },
		{ "socks5://[::1:80", 0, NULL, NULL, NULL, NULL },
		{ "socks5://u@h:1", 0, NULL, NULL, NULL, NULL },
		{ "socks5://u:%zz@h:1", 0, NULL, NULL, NULL, NULL },
		{ "socks5://u:%00@h:1", 0, NULL, NULL, NULL, NULL },
		{ "http://h:1/path", 0, NULL, NULL, NULL, NULL },
	};
	struct sk_proxy p;
	struct sk_error err;
	size_t i;

	for (i = 0; i < nitems(cases); i++) {
		int rc = sk_proxy_parse(&p, cases[i].url, &err);

		if (cases[i].type == 0) {
			ok(rc == -1 && err.kind == SK_ERR_VALUE,
			    "'%s' is refused", cases[i].url);
			continue;
		}
		ok(rc == 0 && (int)p.type == cases[i].type &&
		    strcmp(p.host, cases[i].host) == 0 &&
		    strcmp(p.port, cases[i].port) == 0 &&
		    strcmp(p.user, cases[i].user) == 0 &&
		    strcmp(p.pass, cases[i].pass) == 0 &&
		    p.auth == (cases[i].user[0] != '\0'),
		    "'%s' parses", cases[i].url);
	}
}

static void
test_replies(void)
{
	struct sk_error err;
	size_t need, end;
	static const unsigned char ok4[] = { 5, 0, 0, 1, 127, 0, 0, 1, 0, 80 };
	static const unsigned char dom[] = { 5, 0, 0, 3, 1, 'x', 0, 80 };
	static const unsigned char refused[] = { 5, 5 };
	static const unsigned char v4[] = { 4, 0, 0, 0 };
	static const unsigned char atyp[] = { 5, 0, 0, 9 };
	static const unsigned char odd[] = { 5, 200 };
	const char *h;

	is_int(sk_socks5_reply(ok4, 1, &need, &err), 0, "socks5: 1 byte");
	is_int(sk_socks5_reply(ok4, 4, &need, &err), 0, "socks5: 4 bytes");
	is_int((long long)need, 10, "... an IPv4 reply is 10 bytes");
	is_int(sk_socks5_reply(ok4, 10, &need, &err), 1, "... complete");
	is_int(sk_socks5_reply(dom, 5, &need, &err), 0, "socks5: a name");
	is_int((long long)need, 8, "... of 1 byte: 8 in all");
	is_int(sk_socks5_reply(dom, 8, &need, &err), 1, "... complete");
	is_int(sk_socks5_reply(refused, 2, &need, &err), -1, "refused");
	is_err(&err, SK_ERR_OS, ECONNREFUSED,
	    "SOCKS5 proxy: Connection refused (reply 5)", "... its reason");
	is_int(sk_socks5_reply(v4, 4, &need, &err), -1, "SOCKS4: refused");
	is_err(&err, SK_ERR_OS, EPROTO, NULL, "... EPROTO");
	is_int(sk_socks5_reply(atyp, 4, &need, &err), -1, "bad ATYP");
	is_int(sk_socks5_reply(odd, 2, &need, &err), -1, "unknown code");
	is_str(err.message, "SOCKS5 proxy: unknown reply 200", "... said");

	h = "HTTP/1.1 200 Connection established\r\nX: y\r\n\r\nDATA";
	is_int(sk_http_connect_reply(h, 20, &end, &err), 0, "http: partial");
	is_int(sk_http_connect_reply(h, strlen(h), &end, &err), 1, "200");
	is_int((long long)end, (long long)strlen(h) - 4, "... header end");
	h = "HTTP/1.0 403 Forbidden\x1b[2J\r\n\r\n";
	is_int(sk_http_connect_reply(h, strlen(h), &end, &err), -1, "403");
	is_err(&err, SK_ERR_OS, ECONNREFUSED,
	    "HTTP proxy refused: \"HTTP/1.0 403 Forbidden\\x1b[2J\"",
	    "... the status line, quoted");
	h = "SSH-2.0-OpenSSH\r\n\r\n";
	is_int(sk_http_connect_reply(h, strlen(h), &end, &err), -1,
	    "not HTTP");
	is_err(&err, SK_ERR_OS, EPROTO, NULL, "... EPROTO");
	h = "HTTP/1.1 2000 OK\n\n";
	is_int(sk_http_connect_reply(h, strlen(h), &end, &err), -1,
	    "a 4-digit status");
}

/* A scripted proxy: reads what it expects, writes what it answers. */
struct script {
	int fd;
	const unsigned char *expect[3];
	size_t expect_len[3];
	const unsigned char *answer[3];
	size_t answer_len[3];
	bool good;
};

static void *
proxy_main(void *arg)
{
	struct script *sc = arg;
	unsigned char buf[600];
	size_t i, got;
	ssize_t n;

	sc->good = true;
	for (i = 0; i < 3 && sc->answer[i] != NULL; i++) {
		for (got = 0; got < sc->expect_len[i]; got += (size_t)n) {
			n = read(sc->fd, buf + got, sc->expect_len[i] - got);
			if (n <= 0)
				break;
		}
		if (got != sc->expect_len[i] ||
		    memcmp(buf, sc->expect[i], got) != 0)
			sc->good = false;
		if (write(sc->fd, sc->answer[i], sc->answer_len[i]) !=
		    (ssize_t)sc->answer_len[i])
			sc->good = false;
	}
	(void)shutdown(sc->fd, SHUT_WR);
	return NULL;
}

/* Step i: expect elen bytes, answer alen (0: strlen of the text). */
static void
step(struct script *sc, int i, const char *expect, size_t elen,
    const char *answer, size_t alen)
{
	sc->expect[i] = (const unsigned char *)expect;
	sc->expect_len[i] = elen != 0 ? elen : strlen(expect);
	sc->answer[i] = (const unsigned char *)answer;
	sc->answer_len[i] = alen != 0 ? alen : strlen(answer);
}

static int
run_script(struct script *sc, const char *url, const char *host,
    unsigned int port, struct sk_error *err, char *after, size_t size)
{
	struct sk_socket pair[2];
	struct sk_proxy p;
	pthread_t t;
	ssize_t n;
	int rc;

	if (sk_socketpair(pair, AF_UNIX, SOCK_STREAM, 0, err) == -1 ||
	    sk_proxy_parse(&p, url, err) == -1)
		return -2;
	(void)sk_socket_settimeout(&pair[0], 5.0, NULL);
	sc->fd = pair[1].fd;
	(void)pthread_create(&t, NULL, proxy_main, sc);
	rc = sk_proxy_connect(&pair[0], &p, host, port, err);
	(void)pthread_join(t, NULL);
	(void)sk_socket_close(&pair[1], NULL);
	after[0] = '\0';
	if (rc == 0) {
		n = sk_socket_recv_into(&pair[0], after, size - 1, 0, NULL);
		after[n > 0 ? n : 0] = '\0';
	}
	(void)sk_socket_close(&pair[0], NULL);
	return rc;
}

static void
test_handshakes(void)
{
	struct script sc;
	struct sk_error err;
	char after[64];
	int rc;

	memset(&sc, 0, sizeof(sc));
	step(&sc, 0, "\5\2\2\0", 4,
	    "\5\2", 2);
	step(&sc, 1, "\1\4user\3p@s", 10,
	    "\1\0", 2);
	step(&sc, 2, "\5\1\0\3\13example.org\0\26", 18,
	    "\5\0\0\3\3abc\0\26TUNNEL", 16);
	rc = run_script(&sc, "socks5://user:p%40s@h:1", "example.org", 22,
	    &err, after, sizeof(after));
	ok(rc == 0 && sc.good, "socks5 with a user: the bytes of RFC 1929");
	is_str(after, "TUNNEL", "... and nothing of the tunnel is eaten");

	memset(&sc, 0, sizeof(sc));
	step(&sc, 0, "\5\1\0", 3,
	    "\5\0", 2);
	step(&sc, 1, "\5\1\0\1\12\0\0\1\0\120", 10,
	    "\5\2\0\1\0\0\0\0\0\0", 10);
	rc = run_script(&sc, "socks5://h:1", "10.0.0.1", 80, &err, after,
	    sizeof(after));
	ok(rc == -1 && sc.good, "socks5: an address literal as ATYP 1");
	is_err(&err, SK_ERR_OS, EACCES,
	    "SOCKS5 proxy: connection not allowed by ruleset (reply 2)",
	    "... refused with the proxy's reason");

	memset(&sc, 0, sizeof(sc));
	step(&sc, 0, "\5\1\0", 3,
	    "\5\377", 2);
	rc = run_script(&sc, "socks5://h:1", "x", 80, &err, after,
	    sizeof(after));
	is_int(rc, -1, "socks5: no method acceptable is a failure");
	is_err(&err, SK_ERR_OS, EACCES,
	    "SOCKS5 proxy: it requires authentication",
	    "socks5: a proxy that wants a password");

	memset(&sc, 0, sizeof(sc));
	step(&sc, 0,
	    "CONNECT [::1]:443 HTTP/1.1\r\nHost: [::1]:443\r\n\r\n", 0,
	    "HTTP/1.1 200 OK\r\nVia: x\r\n\r\nSSH-2.0", 0);
	rc = run_script(&sc, "http://h:1", "::1", 443, &err, after,
	    sizeof(after));
	ok(rc == 0 && sc.good, "http: CONNECT [::1]:443");
	is_str(after, "SSH-2.0", "... the tunnel's first bytes are kept");

	memset(&sc, 0, sizeof(sc));
	step(&sc, 0, "CONNECT a:1 HTTP/1.1\r\nHost: a:1\r\n\r\n", 0,
	    "HTTP/1.1 502 Bad Gateway\r\n\r\n", 0);
	rc = run_script(&sc, "http://h:1", "a", 1, &err, after,
	    sizeof(after));
	ok(rc == -1, "http: 502 is a refusal");
	is_str(err.message, "HTTP proxy refused: \"HTTP/1.1 502 Bad Gateway\"",
	    "... with its status line");

	memset(&sc, 0, sizeof(sc));
	step(&sc, 0, "\5\1\0", 3,
	    "\5", 1);
	rc = run_script(&sc, "socks5://h:1", "x", 80, &err, after,
	    sizeof(after));
	is_int(rc, -1, "socks5: a reply cut short is a failure");
	is_err(&err, SK_ERR_OS, ECONNRESET,
	    "SOCKS5 proxy: it closed the connection",
	    "socks5: a proxy that hangs up mid-reply");
}

static ssize_t
read_all(int fd, char *buf, size_t size)
{
	size_t got = 0;
	ssize_t n;

	while (got < size - 1 && (n = read(fd, buf + got, size - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	return (ssize_t)got;
}

static void
test_child(void)
{
	struct sk_child c;
	struct sk_addr peer, local;
	struct sk_error err;
	char out[512];
	int status = -1;

	(void)sk_addr_resolve(&peer, "127.0.0.1", "4242", AF_INET,
	    SOCK_STREAM, NULL);
	(void)sk_addr_resolve(&local, "::1", "80", AF_INET6, SOCK_STREAM,
	    NULL);
	(void)setenv("SOCKIT_PEER_HOST", "stale", 1);
	is_int(sk_child_spawn(&c, "cat; echo \"after EOF $SOCKIT_PEER_HOST "
	    "$SOCKIT_PEER_PORT $SOCKIT_LOCAL_HOST $SOCKIT_LOCAL_PORT\"; "
	    "exit 3", &peer, &local, &err), 0, "spawn a command");
	ok(write(c.in_fd, "hello\n", 6) == 6, "... write its stdin");
	(void)close(c.in_fd);
	c.in_fd = -1;
	(void)read_all(c.out_fd, out, sizeof(out));
	is_str(out, "hello\nafter EOF 127.0.0.1 4242 ::1 80\n",
	    "... its output, the part after its input's EOF too");
	is_int(sk_child_wait(&c, true, &status, &err), 1, "... reaped");
	is_int(status, 3, "... its exit status");
	sk_child_close(&c);
	(void)unsetenv("SOCKIT_PEER_HOST");

	is_int(sk_child_spawn(&c, "kill -TERM $$", NULL, NULL, &err), 0,
	    "a command that is killed");
	(void)read_all(c.out_fd, out, sizeof(out));
	is_int(sk_child_wait(&c, true, &status, &err), 1, "... reaped");
	is_int(status, 128 + SIGTERM, "... 128 + the signal");
	sk_child_close(&c);
}

static void
test_listen_dial(void)
{
	struct sk_socket ls[4], conn, cl, ad;
	struct sk_addr a;
	struct sk_events ev;
	struct sk_dial d = { 0 };
	struct sk_error err;
	char port[8], buf[2048];
	int p[2];
	ssize_t n;

	n = sk_listen_all(ls, 4, "127.0.0.1", "0", AF_UNSPEC, 0, &err);
	is_int(n, 1, "sk_listen_all on 127.0.0.1 port 0");
	if (n != 1)
		return;
	(void)sk_socket_getsockname(&ls[0], &a, NULL);
	ok(sk_addr_port(&a) != 0, "... a port was picked");
	(void)snprintf(port, sizeof(port), "%u", sk_addr_port(&a));
	if (pipe(p) == -1)
		return;
	sk_events_use_fd(&ev, p[1]);
	d.host = "127.0.0.1";
	d.port = port;
	d.timeout = 5;
	d.events = &ev;
	is_int(sk_dial(&cl, &d, &err), 0, "sk_dial to it");
	(void)close(p[1]);
	(void)read_all(p[0], buf, sizeof(buf));
	(void)close(p[0]);
	ok(strncmp(buf, "{\"event\":\"resolved\",\"host\":\"127.0.0.1\"", 38)
	    == 0, "... a resolved event");
	ok(strstr(buf, "\n{\"event\":\"connect\",\"address\":") != NULL &&
	    strstr(buf, "\"attempt\":1,\"result\":\"ok\",\"ms\":") != NULL,
	    "... and a connect event, attempt 1, ok");
	is_int(sk_socket_settimeout(&ls[0], 5, NULL), 0, "settimeout");
	is_int(sk_socket_accept(&ls[0], &conn, NULL, &err), 0, "accepted");
	is_int(sk_socket_adopt(&ad, conn.fd, &err), 0, "sk_socket_adopt");
	ok(ad.family == AF_INET && ad.type == SOCK_STREAM &&
	    ad.proto == IPPROTO_TCP, "... AF_INET, SOCK_STREAM, TCP");
	p[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	is_int(sk_socket_adopt(&ad, p[0], &err), -1,
	    "adopting a file that is not a socket");
	is_err(&err, SK_ERR_OS, ENOTSOCK, NULL, "... ENOTSOCK");
	(void)close(p[0]);
	(void)sk_socket_close(&conn, NULL);
	(void)sk_socket_close(&cl, NULL);
	(void)sk_socket_close(&ls[0], NULL);

	(void)sk_socket_close(&ls[0], NULL);
	d.host = "127.0.0.1";
	d.port = port;	/* nothing listens there now */
	sk_events_init(&ev);
	is_int(sk_dial(&cl, &d, &err), -1, "sk_dial to a closed port");
	is_err(&err, SK_ERR_OS, ECONNREFUSED, NULL, "... refused");
}

static void
test_listen_fds(void)
{
	struct sk_error err;
	char pid[32];

	(void)unsetenv("LISTEN_PID");
	is_int(sk_listen_fds(&err), 0, "no LISTEN_PID: none");
	(void)setenv("LISTEN_PID", "1", 1);
	(void)setenv("LISTEN_FDS", "2", 1);
	is_int(sk_listen_fds(&err), 0, "another process's: none");
	(void)snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	(void)setenv("LISTEN_PID", pid, 1);
	(void)setenv("LISTEN_FDS", "x", 1);
	is_int(sk_listen_fds(&err), -1, "LISTEN_FDS=x is malformed");
	(void)setenv("LISTEN_FDS", "1", 1);
	is_int(sk_listen_fds(&err), 1, "ours: 1");
	ok(getenv("LISTEN_PID") == NULL && getenv("LISTEN_FDS") == NULL,
	    "... and the variables are gone");
	ok(fcntl(SK_LISTEN_FDS_START, F_GETFD) & FD_CLOEXEC,
	    "... descriptor 3 is close-on-exec");
}

int
main(void)
{
	(void)alarm(60);
	test_parse();
	test_replies();
	test_handshakes();
	test_child();
	test_listen_dial();
	/* Descriptor 3 for the LISTEN_FDS test. */
	if (fcntl(SK_LISTEN_FDS_START, F_GETFD) == -1)
		(void)dup2(1, SK_LISTEN_FDS_START);
	test_listen_fds();
	return done_testing();
}
