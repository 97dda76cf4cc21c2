/*
 * udp_listen.c - sockit udp-listen: the reference's UDP server (RFC 768),
 * made real.  It binds every address HOST resolves to, prints each
 * datagram as the reference does ("Got message from ADDR: b'...'"),
 * serves every peer, answers with --reply TEXT (the UDPServer variant's
 * "Got your message!") or --echo, joins a multicast group (RFC 1112,
 * RFC 3493) with --group, and on exit says how many datagrams it
 * received and how many the kernel dropped (SO_RXQ_OVFL, SO_MEMINFO).
 * Datagrams come in batches of up to 64 per recvmmsg(2).
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "udp.h"

#define MAX_SOCKETS	16
#define BUFSIZE_DEFAULT	65536		/* any IPv4 or IPv6 datagram */
#define RCVBUF_DEFAULT	(32 << 20)	/* bytes, as SO_RCVBUF */
#define ROUND_BATCHES	64		/* batches a socket, then poll */

struct opts {
	const char *host;
	struct cli_port port;
	long long count;	/* 0: no limit */
	const char *reply;
	bool echo;
	const char *group;
	const char *iface;
	long long bufsize;
};

/* The options, as the table below fills them. */
static struct opts opt = { .port = CLI_PORT_INIT(6667),
	.bufsize = BUFSIZE_DEFAULT };

static const struct cli_option options[] = {
	CLI_OPT_IPV4("IPv4 only"),
	CLI_OPT_IPV6("IPv6 only"),
	CLI_STRING('b', "bind", &opt.host, "HOST",
	    "bind to every address of HOST (default localhost; '': all)"),
	CLI_PORT('p', "port", &opt.port, "udp",
	    "the port to bind (default 6667; 0: a free one)"),
	CLI_INT(0, "count", &opt.count, "N", 1, LLONG_MAX,
	    "exit after N datagrams"),
	CLI_STRING(0, "reply", &opt.reply, "TEXT",
	    "answer each datagram with TEXT"),
	CLI_FLAG(0, "echo", &opt.echo, "send each datagram back to its sender"),
	CLI_STRING(0, "group", &opt.group, "ADDR",
	    "join the multicast group ADDR (IPv4 or IPv6)"),
	CLI_STRING(0, "interface", &opt.iface, "IFACE",
	    "join the group on IFACE (default: by route)"),
	CLI_INT(0, "bufsize", &opt.bufsize, "BYTES", 1, BUFSIZE_DEFAULT,
	    "keep at most BYTES of each datagram (default 65536)"),
	CLI_OPT_TIMEOUT("exit 4 when no datagram comes for SECONDS"),
	CLI_OPT_VERBOSE,
	CLI_OPT_QUIET,
	CLI_OPT_JSON,
	CLI_OPT_END
};

static int main_udp_listen(int, char **);

const struct cli_command cmd_udp_listen = {
	"[-4|-6] [-b HOST] [-p PORT] [--count N] [--reply TEXT | --echo]\n"
	"       [--group ADDR [--interface IFACE]] [-w SECONDS] [--json]",
	"The reference's UDP server: prints each datagram as\n"
	"\"Got message from ('127.0.0.1', 54321): b'Hello you there!'\",\n"
	"from any number of peers.  Listens on every address of HOST\n"
	"(localhost: ::1 and 127.0.0.1) and says so on stderr.  -w: exit 4\n"
	"when no datagram comes for SECONDS.  On exit (--count reached,\n"
	"SIGINT, SIGTERM, -w) it reports on stderr the datagrams received\n"
	"and those the kernel dropped.",
	options,
	main_udp_listen
};


struct state {
	const struct opts *o;
	struct sk_socket s[MAX_SOCKETS];
	struct sk_addr addr[MAX_SOCKETS];	/* where each is bound */
	size_t n;
	struct sk_addr group;
	unsigned int ifindex;
	bool joined[MAX_SOCKETS];	/* the group, on socket i */
	struct sk_dgram_batch b;
	struct sk_buf out;
	struct sk_json j;
	bool discard;		/* stdout is /dev/null */
	unsigned long long received, bytes, truncated, reply_errors;
	uint32_t drops[MAX_SOCKETS];
	double start;
};

static volatile sig_atomic_t stop_signal;

static void
on_signal(int sig)
{
	stop_signal = sig;
}

/* Option conflicts and the group address: usage errors before any
 * socket is opened. */
static int
validate(struct opts *o, struct state *st, int nargs)
{
	struct sk_error err;
	char q[96];

	if (nargs > 0)
		return cli_usage("unexpected argument; use --bind and --port");
	if (o->reply != NULL && o->echo)
		return cli_usage("cannot use --reply with --echo");
	if (o->iface != NULL && o->group == NULL)
		return cli_usage("--interface needs --group");
	if (o->iface != NULL &&
	    sk_interface_index(o->iface, &st->ifindex, &err) == -1)
		return cli_usage("--interface: %s: %s", cli_quote(o->iface,
		    strlen(o->iface), q, sizeof(q)), err.message);
	if (o->group != NULL) {
		if (sk_addr_resolve(&st->group, o->group, NULL,
		    cli_common.family, SOCK_DGRAM, &err) == -1)
			return cli_fail(cli_quote(o->group, strlen(o->group),
			    q, sizeof(q)), &err);
		if (!sk_addr_is_multicast(&st->group))
			return cli_usage("--group: %s: not a multicast "
			    "address", cli_quote(o->group, strlen(o->group),
			    q, sizeof(q)));
		/* By default, bind the group itself: only its datagrams
		 * come in. */
		if (o->host == NULL)
			o->host = o->group;
	}
	if (o->host == NULL)
		o->host = "localhost";
	return EXIT_OK;
}

static void
emit_listening(struct state *st, const struct sk_addr *a)
{
	char addr[SK_ADDRSTRLEN];

	if (cli_common.json) {
		sk_json_begin(&st->j);
		sk_json_str(&st->j, "event", "listening");
		sk_json_addr(&st->j, "address", a);
		if (sk_json_end(&st->j) == 0)
			(void)sk_buf_append(&st->out, st->j.buf.data,
			    st->j.buf.len);
	}
	else if (!cli_common.quiet)	/* as echo-server: one or the other */
		fprintf(stderr, "Listening on %s\n",
		    udp_addr(a, addr, sizeof(addr)));
}

/* Open, bind, set up and announce every socket. */
static int
setup(struct state *st)
{
	const struct opts *o = st->o;
	struct sk_error err;
	bool have_family = false;
	ssize_t n;
	size_t i;
	char q[96], addr[SK_ADDRSTRLEN];

	n = sk_udp_bind_all(st->s, MAX_SOCKETS, o->host, o->port.text,
	    cli_common.family, o->group != NULL ? SK_UDP_REUSEADDR : 0, &err);
	if (n < 0)
		return cli_fail(cli_quote(o->host, strlen(o->host), q,
		    sizeof(q)), &err);
	st->n = (size_t)n;
	for (i = 0; i < st->n; i++) {
		struct sk_socket *s = &st->s[i];

		if (sk_socket_getsockname(s, &st->addr[i], &err) == -1 ||
		    sk_socket_setbuf(s, SO_RCVBUF, RCVBUF_DEFAULT, NULL,
		    &err) == -1 || sk_udp_set_drops(s, true, &err) == -1 ||
		    ((o->reply != NULL || o->echo) &&
		    sk_udp_set_pktinfo(s, true, &err) == -1) ||
		    sk_socket_setblocking(s, false, &err) == -1)
			return cli_fail(udp_addr(&st->addr[i], addr,
			    sizeof(addr)), &err);
		if (o->group != NULL &&
		    s->family == sk_addr_family(&st->group)) {
			if (sk_udp_join(s, &st->group, st->ifindex,
			    &err) == -1)
				return cli_fail(cli_quote(o->group,
				    strlen(o->group), q, sizeof(q)), &err);
			have_family = st->joined[i] = true;
			if (!cli_common.quiet)
				fprintf(stderr, "Joined %s%s%s\n", o->group,
				    o->iface != NULL ? " on " : "",
				    o->iface != NULL ? o->iface : "");
		}
		emit_listening(st, &st->addr[i]);
	}
	if (o->group != NULL && !have_family)
		return cli_usage("--group %s: no socket of its family (see "
		    "--bind)", cli_quote(o->group, strlen(o->group), q,
		    sizeof(q)));
	if (udp_flush(&st->out) == -1)
		return EXIT_OSERR;
	return EXIT_OK;
}

/* Answer each datagram of the batch: TEXT, or its own bytes.  The
 * caller keeps the batch's buffers, which TEXT replaces. */
static void
answer(struct state *st, struct sk_socket *s)
{
	struct sk_dgram *d = st->b.d;
	struct sk_error err;
	size_t i, n = st->b.n;
	char addr[SK_ADDRSTRLEN];

	if (st->o->reply != NULL)
		for (i = 0; i < n; i++) {
			d[i].data = (unsigned char *)(uintptr_t)st->o->reply;
			d[i].len = strlen(st->o->reply);
		}
	for (i = 0; i < n; ) {
		ssize_t r = sk_udp_sendmany(s, d + i, n - i, &err);

		if (r > 0) {
			i += (size_t)r;
			continue;
		}
		if (err.kind == SK_ERR_OS && (err.code == EAGAIN ||
		    err.code == EWOULDBLOCK) &&
		    sk_socket_poll(s, 1, POLLOUT, 1.0, NULL, NULL, NULL) > 0)
			continue;
		st->reply_errors++;
		if (!cli_common.quiet || st->reply_errors == 1)
			cli_warn("reply to %s: %s", udp_addr(&d[i].peer, addr,
			    sizeof(addr)), err.message);
		i++;
	}
}

/* Show the batch just received. */
static int
show(struct state *st)
{
	size_t k;
	char addr[SK_ADDRSTRLEN];

	for (k = 0; k < st->b.n; k++) {
		const struct sk_dgram *d = &st->b.d[k];

		st->bytes += d->wire_len;
		if (d->len < d->wire_len) {
			st->truncated++;
			if (!cli_common.quiet)
				cli_warn("datagram from %s truncated: %zu "
				    "bytes, %zu shown", udp_addr(&d->peer,
				    addr, sizeof(addr)), d->wire_len, d->len);
		}
		if (!st->discard && udp_format(&st->out, &st->j,
		    cli_common.json, "Got message from", "datagram", d, NULL,
		    0) == -1)
			return -1;
	}
	return udp_flush(&st->out);
}

/*
 * Take what socket i has queued, up to ROUND_BATCHES batches.  Returns 1
 * when something came, 0 when nothing was queued, -1 on an error (given
 * as the exit status in *status).
 */
static int
drain(struct state *st, size_t i, int *status)
{
	const struct opts *o = st->o;
	struct sk_error err;
	unsigned char *keep[SK_UDP_BATCH] = { 0 };
	int rounds, got = 0;
	size_t k;
	char addr[SK_ADDRSTRLEN];

	for (rounds = 0; rounds < ROUND_BATCHES; rounds++) {
		unsigned long long left = o->count > 0 ?
		    (unsigned long long)o->count - st->received : SK_UDP_BATCH;

		if (left == 0)
			return got;
		st->b.cap = left < SK_UDP_BATCH ? (size_t)left : SK_UDP_BATCH;
		if (sk_udp_recvmany(&st->s[i], &st->b, &err) < 0) {
			if (err.kind == SK_ERR_OS && (err.code == EAGAIN ||
			    err.code == EWOULDBLOCK))
				return got;
			/* An ICMP error for an answer we sent: not ours to
			 * stop for. */
			if (err.kind == SK_ERR_OS &&
			    (err.code == ECONNREFUSED ||
			    err.code == EHOSTUNREACH ||
			    err.code == ENETUNREACH))
				continue;
			*status = cli_fail(udp_addr(&st->addr[i], addr,
			    sizeof(addr)), &err);
			return -1;
		}
		got = 1;
		st->received += st->b.n;
		if (st->b.drops > st->drops[i])
			st->drops[i] = st->b.drops;
		if (show(st) == -1) {
			*status = EXIT_OSERR;
			return -1;
		}
		if (o->reply != NULL || o->echo) {
			size_t n = st->b.n < SK_UDP_BATCH ? st->b.n :
			    SK_UDP_BATCH;

			for (k = 0; k < n; k++)
				keep[k] = st->b.d[k].data;
			answer(st, &st->s[i]);
			for (k = 0; k < n; k++)
				st->b.d[k].data = keep[k];
		}
		/* A short batch emptied the queue: back to poll, without a
		 * receive that would only say so. */
		if (st->b.n < st->b.cap)
			break;
	}
	return got;
}

/* The summary on stderr (and as JSON): received, dropped, truncated. */
static void
summary(struct state *st)
{
	unsigned long long dropped = 0;
	double secs = udp_now() - st->start;
	size_t i;

	for (i = 0; i < st->n; i++) {
		uint32_t d = 0;

		if (sk_udp_drops(&st->s[i], &d, NULL) == 0 && d > st->drops[i])
			st->drops[i] = d;
		dropped += st->drops[i];
	}
	if (cli_common.json) {
		sk_json_begin(&st->j);
		sk_json_str(&st->j, "event", "summary");
		sk_json_uint(&st->j, "received", st->received);
		sk_json_uint(&st->j, "bytes", st->bytes);
		sk_json_uint(&st->j, "dropped", dropped);
		sk_json_uint(&st->j, "truncated", st->truncated);
		sk_json_double(&st->j, "seconds", secs);
		if (sk_json_end(&st->j) == 0)
			(void)sk_buf_append(&st->out, st->j.buf.data,
			    st->j.buf.len);
		(void)udp_flush(&st->out);
	}
	/* Quiet, but a drop is never kept silent. */
	if (cli_common.quiet && dropped == 0)
		return;
	fprintf(stderr, "%llu datagram%s received\n", st->received,
	    st->received == 1 ? "" : "s");
	fprintf(stderr, "%llu datagram%s dropped by kernel\n", dropped,
	    dropped == 1 ? "" : "s");
	if (st->truncated > 0)
		fprintf(stderr, "%llu datagram%s truncated\n", st->truncated,
		    st->truncated == 1 ? "" : "s");
	if (cli_common.verbose)
		fprintf(stderr, "%llu bytes in %.3f s (%.0f datagrams/s)\n",
		    st->bytes, secs, secs > 0 ? (double)st->received / secs :
		    0.0);
}

/* Receive until the count, a signal or the idle timeout. */
static int
serve(struct state *st, const sigset_t *waitmask)
{
	const struct opts *o = st->o;
	struct sk_error err;
	short rev[MAX_SOCKETS];
	double idle_since = udp_now();
	int status = EXIT_OK;
	size_t i;

	while (stop_signal == 0 &&
	    (o->count == 0 || st->received < (unsigned long long)o->count)) {
		double wait = -1;
		int r;

		if (cli_common.timeout >= 0) {
			wait = idle_since + cli_common.timeout - udp_now();
			if (wait < 0)
				wait = 0;
		}
		if (sk_socket_poll(st->s, st->n, POLLIN, wait, waitmask, rev,
		    &err) == -1) {
			if (err.kind == SK_ERR_OS && err.code == EINTR)
				continue;
			if (err.kind == SK_ERR_TIMEOUT) {
				cli_warn("waiting for a datagram: timed out");
				return EXIT_TIMEOUT;
			}
			return cli_fail("poll", &err);
		}
		for (i = 0; i < st->n; i++) {
			if (rev[i] == 0)
				continue;
			if ((r = drain(st, i, &status)) == -1)
				return status;
			if (r == 1)
				idle_since = udp_now();
		}
	}
	return EXIT_OK;
}

static int
main_udp_listen(int argc, char **argv)
{
	struct opts *o = &opt;
	struct state st;
	struct sigaction sa;
	struct sk_error err;
	sigset_t block, waitmask;
	int first, status;
	size_t i;
	char q[96];

	memset(&st, 0, sizeof(st));
	st.o = o;
	first = cli_parse(argc, argv);
	if ((status = validate(o, &st, argc - first)) != EXIT_OK)
		return status;

	/* SIGINT and SIGTERM are let in only while waiting, so that none
	 * is missed between looking at the flag and waiting. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	(void)sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigemptyset(&block);
	(void)sigaddset(&block, SIGINT);
	(void)sigaddset(&block, SIGTERM);
	(void)sigprocmask(SIG_BLOCK, &block, &waitmask);
	(void)sigdelset(&waitmask, SIGINT);
	(void)sigdelset(&waitmask, SIGTERM);

	st.discard = udp_stdout_discarded();
	st.start = udp_now();
	if (sk_dgram_batch_init(&st.b, SK_UDP_BATCH, (size_t)o->bufsize,
	    &err) == -1)
		status = cli_fail("memory", &err);
	else if ((status = setup(&st)) == EXIT_OK) {
		status = serve(&st, &waitmask);
		if (status == EXIT_OK || status == EXIT_TIMEOUT)
			summary(&st);
	}
	for (i = 0; i < st.n; i++) {
		if (st.joined[i] &&
		    sk_udp_leave(&st.s[i], &st.group, st.ifindex, &err) == -1)
			cli_warn("leave %s: %s", cli_quote(o->group,
			    strlen(o->group), q, sizeof(q)), err.message);
		(void)sk_socket_close(&st.s[i], NULL);
	}
	sk_dgram_batch_free(&st.b);
	sk_buf_free(&st.out);
	sk_json_free(&st.j);
	return status;
}
