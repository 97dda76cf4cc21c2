/*
 * listen.c - sockit listen: `nc -l`, done right.  Binds as echo-server
 * does (HOST '' is IPv4 and IPv6 both, -p 0 a free port), or serves the
 * sockets it inherited (systemd's LISTEN_FDS, the documented fromfd) or
 * inetd's connection on stdin; then each connection is served as
 * connect serves its one (netcat.c): stdin and stdout, or a command per
 * connection (--exec), with the same end-of-connection rule and exit
 * statuses.  -k goes on accepting: one connection at a time in the
 * order they came, or with --exec all at once up to --max-conns.  -u:
 * datagrams (RFC 768) from every peer to stdout, stdin's lines to the
 * last peer.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netcat.h"

#define MAX_LISTENERS	16

static struct {
	const char *host;
	struct cli_port port;
	bool udp, keep, inetd;
	const char *unix_path;
	long long max_conns;
} opt;

static const struct cli_option options[] = {
	CLI_OPT_IPV4("listen on IPv4 only"),
	CLI_OPT_IPV6("listen on IPv6 only"),
	CLI_STRING('b', "bind", &opt.host, "HOST",
	    "listen on HOST's addresses (default '': all interfaces)"),
	CLI_PORT('p', "port", &opt.port, NULL,
	    "listen on PORT (0: any free port)"),
	CLI_FLAG('u', "udp", &opt.udp,
	    "UDP: datagrams to stdout, stdin's lines to the last sender"),
	CLI_PATH(0, "unix", &opt.unix_path, "PATH",
	    "listen on an AF_UNIX socket at PATH instead"),
	CLI_FLAG('k', "keep-open", &opt.keep,
	    "go on accepting after the first connection"),
	CLI_INT(0, "max-conns", &opt.max_conns, "N", 1, 1000000,
	    "with -k and --exec: at most N commands at once; more are reset"),
	CLI_OPT_TIMEOUT("exit 4 when no client came within SECONDS"),
	CLI_OPT_ACL,
	CLI_FLAG(0, "inetd", &opt.inetd,
	    "the connection is on stdin and stdout (an inetd service): "
	    "hand it to --exec"),
	NC_OPTIONS_SESSION,
	CLI_OPT_TLS("TLS: serve it with --cert and --key (--ca: require "
	    "client certificates)"),
	CLI_OPT_VERBOSE,
	CLI_OPT_QUIET,
	CLI_OPT_JSON,
	CLI_OPT_END
};

static int main_listen(int, char **);

const struct cli_command cmd_listen = {
	"[-4|-6] [-b HOST] -p PORT [-u] [--unix PATH] [-k] [--max-conns N]\n"
	"    [--exec COMMAND] [--allow ADDR[/PREFIX]]... "
	"[--deny ADDR[/PREFIX]]...\n"
	"    [--send-only|--recv-only] [--idle-timeout SECONDS] "
	"[-w SECONDS]\n"
	"    [--tls --cert FILE --key FILE [--ca FILE] [--alpn LIST]]\n"
	"    [--events FILE|--json]",
	"Listen on HOST and PORT ('' by default: every interface, IPv4 and\n"
	"IPv6 both), accept one connection and copy stdin to it and it to\n"
	"stdout, both ways at once, as connect does, then exit with its\n"
	"status.  -k: go on accepting, one connection at a time; with --exec,\n"
	"every connection gets its own COMMAND at once.  Prints 'Listening on\n"
	"ADDR' on stderr for each socket.  With LISTEN_FDS and LISTEN_PID\n"
	"(systemd's socket activation) it serves the sockets it was given.\n"
	"With --tls each connection is a TLS session (exit 6 when it fails).",
	options,
	main_listen
};

static int
validate(int nargs, int inherited)
{
	const char *net = cli_given_name(&opt.host);
	int status;

	if (net == NULL)
		net = cli_given_name(&opt.port);
	if (nargs > 0)
		return cli_usage("unexpected argument; use -b HOST, -p PORT");
	if (opt.inetd) {
		if (net != NULL || opt.unix_path != NULL || opt.keep ||
		    opt.udp)
			return cli_usage("cannot use --inetd with %s",
			    net != NULL ? net : opt.unix_path != NULL ?
			    "--unix" : opt.keep ? "-k" : "-u");
		if (nc_opt.exec == NULL)
			return cli_usage("--inetd needs --exec: the connection "
			    "is already on stdin and stdout");
	} else if (opt.unix_path != NULL && net != NULL) {
		return cli_usage("cannot use --unix with %s", net);
	} else if (opt.unix_path == NULL && inherited == 0 &&
	    !cli_given(&opt.port)) {
		return cli_usage("-p PORT is required");
	}
	if (cli_port_proto("--port", &opt.port, opt.udp ? "udp" : "tcp") == -1)
		return EXIT_USAGE;
	if (opt.unix_path != NULL && cli_acl != NULL)
		return cli_usage("cannot use --unix with access rules: they "
		    "match IP addresses");
	if (opt.udp && (nc_opt.exec != NULL || opt.keep))
		return cli_usage("cannot use %s with -u", opt.keep ? "-k" :
		    "--exec");
	if (opt.max_conns > 0 && !(opt.keep && nc_opt.exec != NULL))
		return cli_usage("--max-conns needs -k and --exec");
	if ((status = nc_tls_setup(true, opt.udp)) != EXIT_OK)
		return status;
	return nc_setup();
}

/* The listening sockets: inherited, on a path, or on HOST and PORT. */
static ssize_t
open_listeners(struct sk_socket *ls, int inherited, struct sk_error *err)
{
	ssize_t n;
	int i;

	if (inherited > MAX_LISTENERS)
		return sk_error_set(err, SK_ERR_OS, EMFILE, NULL);
	for (i = 0; i < inherited; i++)
		if (sk_socket_adopt(&ls[i], SK_LISTEN_FDS_START + i, err) ==
		    -1 || sk_socket_settimeout(&ls[i], 0, err) == -1)
			return -1;
	if (inherited > 0)
		return inherited;
	if (opt.udp && opt.unix_path != NULL) {
		struct sk_addr a;

		if (sk_addr_unix(&a, opt.unix_path, err) == -1 ||
		    sk_socket_open(&ls[0], AF_UNIX, SOCK_DGRAM, 0, err) == -1)
			return -1;
		if (sk_socket_bind(&ls[0], &a, err) == -1) {
			(void)sk_socket_close(&ls[0], NULL);
			return -1;
		}
		return 1;
	}
	if (opt.udp)
		return sk_udp_bind_all(ls, MAX_LISTENERS, opt.host,
		    opt.port.text, cli_common.family, SK_UDP_REUSEADDR, err);
	if (opt.unix_path != NULL)
		return sk_listen_unix(&ls[0], opt.unix_path, err) == -1 ? -1 :
		    1;
	n = sk_listen_all(ls, MAX_LISTENERS, opt.host, opt.port.text,
	    cli_common.family, 0, err);
	return n;
}

static void
say_listening(struct sk_socket *ls, size_t n)
{
	struct sk_addr a;
	struct sk_json j;
	char buf[SK_ADDRSTRLEN];
	size_t i;

	for (i = 0; i < n; i++) {
		if (sk_socket_getsockname(&ls[i], &a, NULL) == -1)
			continue;
		sk_event_begin(&j, "listening");
		sk_json_addr(&j, "address", &a);
		(void)sk_event_emit(&nc_events, &j, NULL);
		if (!cli_common.quiet && !cli_common.json)
			(void)fprintf(stderr, "Listening on %s\n",
			    nc_addr(&a, buf, sizeof(buf)));
	}
}

/* A client the access rules shut out: reset before a byte is read. */
static bool
admitted(struct sk_socket *conn, const struct sk_addr *peer)
{
	struct linger lg = { 1, 0 };
	char a[SK_ADDRSTRLEN];

	if (sk_acl_check(cli_acl, peer) == SK_ACL_ALLOW)
		return true;
	(void)sk_socket_setsockopt(conn, SOL_SOCKET, SO_LINGER, &lg,
	    sizeof(lg), NULL);
	(void)sk_socket_close(conn, NULL);
	if (!cli_common.quiet)
		cli_warn("%s: denied by the access rules",
		    nc_addr(peer, a, sizeof(a)));
	return false;
}

/* The connected event and -v's line; local gets our address. */
static void
accepted(struct sk_socket *conn, const struct sk_addr *peer,
    struct sk_addr *local)
{
	char a[SK_ADDRSTRLEN];

	memset(local, 0, sizeof(*local));
	(void)sk_socket_getsockname(conn, local, NULL);
	(void)sk_event_connected(&nc_events, local, peer, -1, NULL);
	if (cli_common.verbose)
		(void)fprintf(stderr, "Connection from %s\n",
		    nc_addr(peer, a, sizeof(a)));
}

/* Accept one from whichever listener is ready; 0, 1 (none this time:
 * poll again), or an exit status > 1 with the message printed. */
static int
accept_one(struct sk_socket *ls, size_t n, double timeout,
    const sigset_t *waitmask, struct sk_socket *conn, struct sk_addr *peer)
{
	short rev[MAX_LISTENERS];
	struct sk_error err;
	size_t i;

	if (sk_socket_poll(ls, n, POLLIN, timeout, waitmask, rev,
	    &err) == -1) {
		if (err.kind == SK_ERR_TIMEOUT) {
			(void)sk_error_set(&err, SK_ERR_TIMEOUT, ETIMEDOUT,
			    "no client came in time");
			return nc_fail("-w", &err);
		}
		return err.code == EINTR ? 1 : nc_fail("poll", &err);
	}
	for (i = 0; i < n; i++) {
		if (rev[i] == 0)
			continue;
		if (sk_socket_accept(&ls[i], conn, peer, &err) == 0)
			return 0;
		if (err.code != EAGAIN && err.code != ECONNABORTED &&
		    err.code != EINTR)
			return nc_fail("accept", &err);
	}
	return 1;
}

/* With -k: the mask that lets a stop signal interrupt the wait for a
 * client (nc_catch_stop). */
static sigset_t keep_waitmask;

/* One connection at a time, in order (and only one without -k). */
static int
serve_in_order(struct sk_socket *ls, size_t n)
{
	struct sk_socket conn;
	struct sk_addr peer, local;
	sigset_t *wm = opt.keep ? &keep_waitmask : NULL;
	int in_fd = STDIN_FILENO, rc, status = EXIT_OK;
	bool first = true;

	for (;;) {
		rc = accept_one(ls, n, first ? cli_common.timeout : -1, wm,
		    &conn, &peer);
		if (opt.keep && nc_stopped())
			return EXIT_OK;
		if (rc > 1)
			return rc;
		if (rc == 1 || !admitted(&conn, &peer))
			continue;
		first = false;
		accepted(&conn, &peer, &local);
		status = nc_serve(&conn, &peer, &local, &in_fd);
		if (!opt.keep)
			return status;
		if (nc_stopped())
			return EXIT_OK;
	}
}

/* -k --exec: every connection its own command, on one loop. */
struct exec_server {
	struct sk_loop *loop;
	struct nc_pool *pool;
	struct sk_socket *ls;
	size_t n;
};

static void
on_accept(struct sk_loop *loop, int fd, void *data, int events)
{
	struct exec_server *x = data;
	struct sk_socket conn;
	struct sk_addr peer, local;
	struct sk_error err;
	struct linger lg = { 1, 0 };
	char a[SK_ADDRSTRLEN];
	size_t i;

	(void)loop;
	(void)events;
	for (i = 0; i < x->n && x->ls[i].fd != fd; i++)
		;
	while (i < x->n && sk_socket_accept(&x->ls[i], &conn, &peer, &err) ==
	    0) {
		if (!admitted(&conn, &peer))
			continue;
		if (opt.max_conns > 0 &&
		    nc_pool_count(x->pool) >= (size_t)opt.max_conns) {
			(void)sk_socket_setsockopt(&conn, SOL_SOCKET,
			    SO_LINGER, &lg, sizeof(lg), NULL);
			(void)sk_socket_close(&conn, NULL);
			if (!cli_common.quiet)
				cli_warn("%s: refused: at the limit of %lld "
				    "(--max-conns)", nc_addr(&peer, a,
				    sizeof(a)), opt.max_conns);
			continue;
		}
		accepted(&conn, &peer, &local);
		(void)nc_pool_add(x->pool, &conn, &peer, &local);
	}
}

/* SIGCHLD: reap; SIGINT, SIGTERM: stop accepting and end. */
static void
on_signal(struct sk_loop *loop, int signo, void *data)
{
	struct exec_server *x = data;

	if (signo == SIGCHLD)
		nc_pool_reap(x->pool);
	else
		sk_loop_stop(loop);
}

static int
serve_exec_pool(struct sk_socket *ls, size_t n)
{
	struct exec_server x = { .ls = ls, .n = n };
	struct sk_error err;
	sigset_t stop;
	size_t i;
	int status = EXIT_OK;

	(void)sigemptyset(&stop);
	(void)sigaddset(&stop, SIGINT);
	(void)sigaddset(&stop, SIGTERM);
	(void)sigaddset(&stop, SIGCHLD);
	(void)sigprocmask(SIG_BLOCK, &stop, NULL);
	if ((x.loop = sk_loop_new(&err)) == NULL ||
	    (x.pool = nc_pool_new(x.loop, &err)) == NULL ||
	    sk_loop_signal(x.loop, &stop, on_signal, &x, &err) == -1) {
		status = nc_fail("event loop", &err);
		goto done;
	}
	for (i = 0; i < n; i++)
		if (sk_loop_add(x.loop, ls[i].fd, SK_LOOP_READABLE, on_accept,
		    &x, &err) == -1) {
			status = nc_fail("event loop", &err);
			goto done;
		}
	if (sk_loop_run(x.loop, &err) == -1)
		status = nc_fail("event loop", &err);
done:
	for (i = 0; i < n && x.loop != NULL; i++)
		sk_loop_del(x.loop, ls[i].fd);
	nc_pool_free(x.pool);
	sk_loop_free(x.loop);
	return status;
}

/* -u: every peer's datagrams to stdout, stdin's lines to the last. */
static int
serve_udp(struct sk_socket *ls, size_t n)
{
	struct sk_socket p[MAX_LISTENERS + 1];
	struct sk_addr last, from;
	struct sk_error err;
	struct sk_json j;
	short rev[MAX_LISTENERS + 1];
	char buf[65536], line[65536];
	size_t i, len = 0, last_i = 0;
	ssize_t r, k;
	bool in_eof = false, have_last = false;
	sigset_t waitmask;

	memcpy(p, ls, n * sizeof(*ls));
	p[n].fd = STDIN_FILENO;
	nc_catch_stop(&waitmask);
	for (;;) {
		/* -w until the first datagram, then --idle-timeout. */
		if (sk_socket_poll(p, in_eof ? n : n + 1, POLLIN, !have_last ?
		    cli_common.timeout : nc_opt.idle_timeout > 0 ?
		    nc_opt.idle_timeout : -1, &waitmask, rev, &err) == -1) {
			if (err.kind == SK_ERR_TIMEOUT)
				(void)sk_error_set(&err, SK_ERR_TIMEOUT,
				    ETIMEDOUT, have_last ? "idle" :
				    "no datagram came in time");
			return err.code == EINTR ? EXIT_OK : nc_fail(
			    have_last ? "--idle-timeout" : "-w", &err);
		}
		for (i = 0; i < n; i++) {
			if (rev[i] == 0)
				continue;
			r = sk_socket_recvfrom_into(&ls[i], buf, sizeof(buf),
			    MSG_DONTWAIT, &from, &err);
			if (r < 0)
				continue;
			last = from;
			last_i = i;
			have_last = true;
			if (cli_common.json) {
				sk_event_begin(&j, "datagram");
				sk_json_addr(&j, "peer", &from);
				sk_json_uint(&j, "bytes", (size_t)r);
				sk_json_bytes(&j, buf, (size_t)r);
				if (sk_event_emit(&nc_events, &j, &err) == -1)
					return EXIT_OK;
			} else if (fwrite(buf, 1, (size_t)r, stdout) !=
			    (size_t)r || fflush(stdout) != 0) {
				return EXIT_OK;	/* stdout went away */
			}
		}
		if (in_eof || rev[n] == 0)
			continue;
		r = read(STDIN_FILENO, buf, sizeof(buf));
		if (r <= 0) {
			in_eof = r == 0 || (errno != EINTR && errno != EAGAIN);
			continue;
		}
		for (k = 0; k < r; k++) {
			if (buf[k] != '\n') {
				if (len < sizeof(line))
					line[len++] = buf[k];
				continue;
			}
			if (have_last && sk_socket_sendto(&ls[last_i], line,
			    len, 0, &last, &err) == -1 && !cli_common.quiet)
				cli_warn("%s: %s", nc_addr(&last, buf,
				    sizeof(buf)), err.message);
			len = 0;
		}
	}
}

/* --inetd: the connection on descriptor 0, handed to the command. */
static int
serve_inetd(void)
{
	struct sk_socket conn;
	struct sk_addr peer, local;
	struct sk_error err;
	int null;

	if (sk_socket_adopt(&conn, STDIN_FILENO, &err) == -1 ||
	    sk_socket_getpeername(&conn, &peer, &err) == -1)
		return nc_fail("--inetd: stdin", &err);
	/* Our stdout is the same connection: let go of it, so that the
	 * client sees the end when the command's output ends. */
	if ((null = open("/dev/null", O_WRONLY | O_CLOEXEC)) != -1) {
		(void)dup2(null, STDOUT_FILENO);
		(void)close(null);
	}
	accepted(&conn, &peer, &local);
	return nc_serve(&conn, &peer, &local, NULL);
}

static int
main_listen(int argc, char **argv)
{
	struct sk_socket ls[MAX_LISTENERS];
	struct sk_error err;
	char what[300], q[96];
	ssize_t n;
	int first, inherited, status;

	first = cli_parse(argc, argv);
	if ((inherited = sk_listen_fds(&err)) == -1) {
		sk_acl_free(cli_acl);
		return nc_fail("LISTEN_FDS", &err);
	}
	if ((status = validate(argc - first, inherited)) != EXIT_OK) {
		sk_acl_free(cli_acl);
		return nc_finish(status, NULL);
	}
	if (opt.inetd) {
		status = serve_inetd();
		sk_acl_free(cli_acl);
		return nc_finish(status, NULL);
	}
	if ((n = open_listeners(ls, inherited, &err)) < 0) {
		if (opt.unix_path != NULL)
			(void)snprintf(what, sizeof(what), "%s", cli_quote(
			    opt.unix_path, strlen(opt.unix_path), q,
			    sizeof(q)));
		else
			(void)snprintf(what, sizeof(what), "%s port %s",
			    opt.host != NULL && opt.host[0] != '\0' ?
			    opt.host : "''", opt.port.text);
		sk_acl_free(cli_acl);
		return nc_finish(nc_fail(inherited > 0 ? "LISTEN_FDS" : what,
		    &err), NULL);
	}
	if (opt.keep && nc_opt.exec == NULL)
		nc_catch_stop(&keep_waitmask);	/* a stop signal: exit 0 */
	say_listening(ls, (size_t)n);
	if (opt.udp)
		status = serve_udp(ls, (size_t)n);
	else if (opt.keep && nc_opt.exec != NULL)
		status = serve_exec_pool(ls, (size_t)n);
	else
		status = serve_in_order(ls, (size_t)n);
	while (n-- > 0)
		(void)sk_socket_close(&ls[n], NULL);
	if (opt.unix_path != NULL && inherited == 0)
		(void)unlink(opt.unix_path);
	sk_acl_free(cli_acl);
	return nc_finish(status, NULL);
}
