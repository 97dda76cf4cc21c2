/*
 * test-events.c - the connection-life events (lib/core/events.c): each
 * event of the schema written to a pipe and compared as a whole line, the
 * connect result words for errnos, a sink that fails once and is not
 * written again, a file sink that appends, and TCP_INFO read from a real
 * loopback connection.
 */
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockit.h"
#include "tap.h"

/* Read what is in the pipe now (it is small) and compare it to want. */
static void
is_pipe(int fd, const char *want, const char *name)
{
	char buf[4096];
	ssize_t n;

	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		n = 0;
	buf[n] = '\0';
	is_str(buf, want, "%s", name);
}

static void
test_schema(void)
{
	struct sk_events ev;
	struct sk_addr a[2];
	struct sk_close_info ci;
	struct sk_error err;
	int p[2];

	if (pipe2(p, O_NONBLOCK) == -1) {
		ok(false, "pipe2: %s", strerror(errno));
		return;
	}
	sk_events_use_fd(&ev, p[1]);
	ok(sk_events_on(&ev), "a descriptor sink is on");
	sk_addr_parse(&a[0], "127.0.0.1:80", AF_UNSPEC, SOCK_STREAM, &err);
	sk_addr_parse(&a[1], "[::1]:80", AF_UNSPEC, SOCK_STREAM, &err);

	is_int(sk_event_resolved(&ev, "localhost", a, 2, 1.5, &err), 0,
	    "resolved: written");
	is_pipe(p[0], "{\"event\":\"resolved\",\"host\":\"localhost\","
	    "\"addresses\":[{\"family\":\"AF_INET\",\"host\":\"127.0.0.1\","
	    "\"port\":80},{\"family\":\"AF_INET6\",\"host\":\"::1\","
	    "\"port\":80,\"flowinfo\":0,\"scope_id\":0}],\"ms\":1.5}\n",
	    "resolved: the addresses in order");

	sk_event_connect(&ev, &a[1], 1, ECONNREFUSED, 0.25, &err);
	is_pipe(p[0], "{\"event\":\"connect\",\"address\":{\"family\":"
	    "\"AF_INET6\",\"host\":\"::1\",\"port\":80,\"flowinfo\":0,"
	    "\"scope_id\":0},\"attempt\":1,\"result\":\"refused\","
	    "\"errno\":\"ECONNREFUSED\",\"ms\":0.25}\n",
	    "connect: refused, with its errno name");
	sk_event_connect(&ev, &a[0], 2, 0, 0.5, &err);
	is_pipe(p[0], "{\"event\":\"connect\",\"address\":{\"family\":"
	    "\"AF_INET\",\"host\":\"127.0.0.1\",\"port\":80},\"attempt\":2,"
	    "\"result\":\"ok\",\"ms\":0.5}\n",
	    "connect: ok, without errno");

	sk_event_connected(&ev, &a[0], &a[0], -1, &err);
	is_pipe(p[0], "{\"event\":\"connected\",\"local\":{\"family\":"
	    "\"AF_INET\",\"host\":\"127.0.0.1\",\"port\":80},\"peer\":{"
	    "\"family\":\"AF_INET\",\"host\":\"127.0.0.1\",\"port\":80}}\n",
	    "connected: no ms when it is negative");

	sk_event_eof(&ev, SK_SIDE_PEER, 12, &err);
	is_pipe(p[0], "{\"event\":\"eof\",\"side\":\"peer\",\"bytes\":12}\n",
	    "eof: the peer's");

	memset(&ci, 0, sizeof(ci));
	ci.peer = a[0];
	ci.how = SK_CLOSE_RST;
	ci.by = SK_SIDE_LOCAL;
	ci.bytes_in = 3;
	ci.bytes_out = 4;
	ci.duration_ms = 2;
	ci.have_tcp = true;
	ci.tcp.rtt_ms = 0.125;
	ci.tcp.pmtu = 65535;
	sk_event_closed(&ev, &ci, &err);
	is_pipe(p[0], "{\"event\":\"closed\",\"peer\":{\"family\":\"AF_INET\","
	    "\"host\":\"127.0.0.1\",\"port\":80},\"how\":\"rst\",\"by\":"
	    "\"local\",\"bytes_in\":3,\"bytes_out\":4,\"bytes\":3,"
	    "\"duration_ms\":2,\"tcp\":{\"rtt_ms\":0.125,\"rttvar_ms\":0,"
	    "\"retransmits\":0,\"lost\":0,\"pmtu\":65535}}\n",
	    "closed: how, by, bytes each way, tcp");

	sk_event_data(&ev, "hi\n", 3, &err);
	is_pipe(p[0], "{\"event\":\"data\",\"bytes\":3,\"data\":\"hi\\n\","
	    "\"data_b64\":\"aGkK\"}\n", "data: base64 and text");

	sk_event_exit(&ev, 1, "refused", &err);
	is_pipe(p[0], "{\"event\":\"exit\",\"status\":1,\"reason\":"
	    "\"refused\"}\n", "exit: status and reason");

	/* A reader that went away: the write fails once, then nothing. */
	close(p[0]);
	is_int(sk_event_eof(&ev, SK_SIDE_LOCAL, 0, &err), -1,
	    "a failed write is reported");
	is_int(err.code, EPIPE, "as EPIPE");
	is_int(sk_event_eof(&ev, SK_SIDE_LOCAL, 0, &err), 0,
	    "and the sink is not written again");
	close(p[1]);

	sk_events_init(&ev);
	ok(!sk_events_on(&ev), "an initialised sink is off");
	is_int(sk_event_exit(&ev, 0, "ok", &err), 0, "off: a no-op");
}

static void
test_words(void)
{
	is_str(sk_connect_result(0), "ok", "result: 0 is ok");
	is_str(sk_connect_result(ECONNREFUSED), "refused", "ECONNREFUSED");
	is_str(sk_connect_result(ETIMEDOUT), "timeout", "ETIMEDOUT");
	is_str(sk_connect_result(ENETUNREACH), "unreachable", "ENETUNREACH");
	is_str(sk_connect_result(EHOSTUNREACH), "unreachable", "EHOSTUNREACH");
	is_str(sk_connect_result(ECONNRESET), "reset", "ECONNRESET");
	is_str(sk_connect_result(EACCES), "error", "EACCES");
	is_str(sk_errno_name(EHOSTUNREACH), "EHOSTUNREACH", "errno name");
	is_str(sk_errno_name(-5), "EUNKNOWN", "an errno with no name");
	is_str(sk_close_how_name(SK_CLOSE_FIN), "fin", "how: fin");
	is_str(sk_close_how_name(SK_CLOSE_TIMEOUT), "timeout", "how: timeout");
	is_str(sk_close_how_name(SK_CLOSE_ERROR), "error", "how: error");
	is_str(sk_side_name(SK_SIDE_LOCAL), "local", "side: local");
}

static void
test_file(void)
{
	char path[] = "/tmp/test-events.XXXXXX", buf[256];
	struct sk_events ev;
	struct sk_error err;
	ssize_t n;
	int fd;

	fd = mkstemp(path);
	if (fd == -1) {
		ok(false, "mkstemp: %s", strerror(errno));
		return;
	}
	ok(write(fd, "before\n", 7) == 7, "a line before");
	is_int(sk_events_open(&ev, path, &err), 0, "open a file sink");
	sk_event_exit(&ev, 0, "ok", &err);
	sk_events_close(&ev);
	ok(!sk_events_on(&ev), "closed");
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	buf[n < 0 ? 0 : n] = '\0';
	is_str(buf, "before\n{\"event\":\"exit\",\"status\":0,\"reason\":"
	    "\"ok\"}\n", "the file is appended to");
	close(fd);
	unlink(path);
	is_int(sk_events_open(&ev, "/nonexistent/dir/x", &err), -1,
	    "a path that cannot be opened");
	is_int(err.code, ENOENT, "as ENOENT");
}

static void
test_tcp_info(void)
{
	struct sk_tcp_stats st;
	struct sk_error err;
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int l, c, u[2];

	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (l == -1 || bind(l, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(l, 1) == -1 ||
	    getsockname(l, (struct sockaddr *)&sin, &len) == -1) {
		ok(false, "listener: %s", strerror(errno));
		return;
	}
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c == -1 || connect(c, (struct sockaddr *)&sin, len) == -1) {
		ok(false, "connect: %s", strerror(errno));
		return;
	}
	is_int(sk_tcp_info(c, &st, &err), 0, "TCP_INFO of a connection");
	ok(st.pmtu > 0, "the path MTU is known (%u)", st.pmtu);
	ok(st.rtt_ms >= 0, "an rtt (%g ms)", st.rtt_ms);
	close(c);
	close(l);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, u) == 0) {
		is_int(sk_tcp_info(u[0], &st, &err), -1,
		    "TCP_INFO of an AF_UNIX socket fails");
		close(u[0]);
		close(u[1]);
	}
}

int
main(void)
{
	(void)signal(SIGPIPE, SIG_IGN);
	test_schema();
	test_words();
	test_file();
	test_tcp_info();
	return done_testing();
}
