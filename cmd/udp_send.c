/*
 * udp_send.c - sockit udp-send: the reference's UDP sender (RFC 768), made
 * real.  Each -m is a datagram, else each line of stdin; --count repeats
 * them, --size makes payloads of a given size, --rate paces them
 * (clock_nanosleep(2) to each datagram's due time), and --reply waits for
 * an answer to each.  Broadcast (SO_BROADCAST, the documented
 * "<broadcast>") and multicast (RFC 1112, RFC 3493) with --ttl.  Datagrams
 * go out in batches of up to 64 per sendmmsg(2); a unicast destination is
 * connected, so that an ICMP port unreachable is reported (ip(7)
 * IP_RECVERR) as the datagram's "Connection refused".
 */
#include <sys/prctl.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "udp.h"

#define MAX_MESSAGES	1024
#define MAX_DGRAM	65535		/* no UDP payload can be longer */
#define MAX_LITERAL	(4 * MAX_DGRAM + 3)	/* b'\xff...' */
#define READ_SIZE	(1 << 20)	/* stdin is read this much at a time */
#define SNDBUF_DEFAULT	(4 << 20)
#define RATE_MAX	1e9

struct opts {
	struct cli_list msgs;
	long long count;
	long long size;		/* -1: no --size */
	bool literal;
	double rate;		/* 0: as fast as possible */
	bool broadcast;
	long long ttl;		/* -1: the default */
	const char *iface;
	bool reply;
	const char *host;
	struct cli_port port;
};

/* The options, as the table below fills them. */
static struct opts opt = { .count = 1, .size = -1, .ttl = -1,
	.port = CLI_PORT_INIT(6667) };

static const struct cli_option options[] = {
	CLI_OPT_IPV4("IPv4 only"),
	CLI_OPT_IPV6("IPv6 only"),
	CLI_LIST('m', "message", &opt.msgs, "MESSAGE", MAX_MESSAGES,
	    "send MESSAGE as one datagram (repeatable; default: stdin "
	    "lines)"),
	CLI_INT(0, "count", &opt.count, "N", 1, LLONG_MAX,
	    "send each datagram N times (default 1)"),
	CLI_INT(0, "size", &opt.size, "BYTES", 0, MAX_DGRAM,
	    "send generated payloads of BYTES each (with --count)"),
	CLI_FLAG(0, "literal", &opt.literal,
	    "each MESSAGE and line is a Python bytes literal, b'\\x00'"),
	CLI_SECONDS_POS(0, "rate", &opt.rate, "PPS",
	    "send PPS datagrams a second, evenly spaced"),
	CLI_FLAG(0, "broadcast", &opt.broadcast,
	    "SO_BROADCAST; HOST defaults to <broadcast>"),
	CLI_INT(0, "ttl", &opt.ttl, "N", 0, 255,
	    "the TTL or hop limit (multicast: 0..255)"),
	CLI_STRING(0, "interface", &opt.iface, "IFACE",
	    "send multicast datagrams out of IFACE"),
	CLI_FLAG(0, "reply", &opt.reply,
	    "wait for a reply to each datagram and print it"),
	CLI_OPT_TIMEOUT("wait at most SECONDS for each reply or send"),
	CLI_OPT_VERBOSE_HELP("a summary on stderr: datagrams, bytes, rate"),
	CLI_OPT_QUIET,
	CLI_OPT_JSON,
	CLI_OPT_END
};

static int main_udp_send(int, char **);

const struct cli_command cmd_udp_send = {
	"[-4|-6] [-m MESSAGE]... [--count N] [--size BYTES] [--rate PPS]\n"
	"       [--broadcast] [--ttl N] [--reply] [-w SECONDS] [HOST [PORT]]",
	"The reference's UDP sender.  HOST defaults to localhost (the first\n"
	"address it resolves to) and PORT to 6667.  Each -m is a datagram;\n"
	"without -m or --size each line of stdin is one, without its\n"
	"newline.  A datagram the kernel refuses (too long, no route, a port\n"
	"unreachable) is reported and the rest still go; the exit status is\n"
	"then 1.  --reply prints \"Got reply from ADDR: b'...'\"; no reply\n"
	"within -w SECONDS: exit 4.",
	options,
	main_udp_send
};


/* A batch being filled, with a label for each datagram's messages. */
struct state {
	const struct opts *o;
	struct sk_socket s;
	struct sk_addr dst;
	bool connected;
	unsigned int ifindex;
	struct sk_dgram d[SK_UDP_BATCH];
	unsigned long long label[SK_UDP_BATCH];
	size_t n;
	bool by_line;		/* labels are stdin line numbers */
	unsigned char *arena;	/* --size payloads, --literal bytes */
	size_t msglen[MAX_MESSAGES];	/* -m --literal: decoded lengths */
	size_t slot;		/* the arena's bytes per datagram */
	unsigned long long seq;	/* datagrams handed out so far */
	unsigned long long sent, bytes, replies, refused, failed;
	int status;		/* the first failure's exit status */
	double start;
	struct sk_dgram_batch rb;	/* --reply */
	struct sk_buf out;
	struct sk_json j;
};

/* Record a failure: its exit status counts if it is the first. */
static void
failed(struct state *st, int status)
{
	st->failed++;
	if (st->status == EXIT_OK)
		st->status = status;
}

static int
validate(struct opts *o, struct state *st, int nargs, char **args)
{
	struct sk_error err;
	size_t i;
	char q[96];

	if (nargs > 2)
		return cli_usage("too many arguments: HOST [PORT]");
	if (o->size >= 0 && o->msgs.n > 0)
		return cli_usage("cannot use --size with --message");
	if (o->size >= 0 && o->literal)
		return cli_usage("cannot use --size with --literal");
	o->host = nargs > 0 ? args[0] : o->broadcast ? "<broadcast>" :
	    "localhost";
	if (nargs > 1 && cli_port("PORT", args[1], "udp", &o->port) == -1)
		return EXIT_USAGE;
	if (strcmp(o->host, "<broadcast>") == 0)
		o->broadcast = true;
	if (o->broadcast && cli_common.family == AF_INET6)
		return cli_usage("cannot use --broadcast with --ipv6: IPv6 "
		    "has no broadcast");
	if (o->iface != NULL &&
	    sk_interface_index(o->iface, &st->ifindex, &err) == -1)
		return cli_usage("--interface: %s: %s", cli_quote(o->iface,
		    strlen(o->iface), q, sizeof(q)), err.message);
	/* -m bytes literals are decoded now: a bad one is a usage error. */
	if (o->literal && o->msgs.n > 0) {
		if ((st->arena = malloc(o->msgs.n * (size_t)MAX_DGRAM)) == NULL)
			return cli_fail("memory", &(struct sk_error){
			    SK_ERR_OS, ENOMEM, "Cannot allocate memory" });
		st->slot = MAX_DGRAM;
	}
	for (i = 0; o->literal && i < o->msgs.n; i++) {
		size_t len = strlen(o->msgs.items[i]);
		ssize_t n = sk_bytes_unrepr(o->msgs.items[i], len,
		    st->arena + i * st->slot, st->slot, &err);

		if (n < 0)
			return cli_usage("--message: %s: %s",
			    cli_quote(o->msgs.items[i], len, q, sizeof(q)),
			    err.message);
		st->msglen[i] = (size_t)n;
	}
	return EXIT_OK;
}

/* The ICMP errors queued for the datagrams sent so far.  Returns how
 * many were read. */
static int
read_icmp(struct state *st)
{
	struct sk_error icmp, err;
	struct sk_addr dest;
	int n = 0;
	char addr[SK_ADDRSTRLEN];

	if (!st->connected)
		return 0;
	while (sk_udp_recv_error(&st->s, &icmp, &dest, NULL, &err) == 1) {
		n++;
		st->refused++;
		failed(st, EXIT_OSERR);
		if (st->refused == 1)
			cli_warn("%s: %s", udp_addr(&dest, addr,
			    sizeof(addr)), icmp.message);
	}
	return n;
}

/* Report the datagram at index i of the batch that the kernel refused. */
static void
refused(struct state *st, size_t i, const struct sk_error *err)
{
	cli_warn("%s %llu: %s", st->by_line ? "line" : "datagram",
	    st->label[i], err->message);
	failed(st, cli_exit_status(err->kind));
}

/* Send the batch; report each datagram the kernel refuses. */
static int
send_batch(struct state *st)
{
	struct sk_error err;
	size_t i = 0;
	int retries = 0;
	bool partial = false;

	while (i < st->n) {
		ssize_t r = sk_udp_sendmany(&st->s, st->d + i, st->n - i,
		    &err);

		if (r > 0) {
			size_t k;

			for (k = 0; k < (size_t)r; k++)
				st->bytes += st->d[i + k].len;
			st->sent += (size_t)r;
			i += (size_t)r;
			partial = i < st->n;
			retries = 0;
			continue;
		}
		/* The send buffer is full: wait for room, up to -w. */
		if (err.kind == SK_ERR_OS && (err.code == EAGAIN ||
		    err.code == EWOULDBLOCK)) {
			if (sk_socket_poll(&st->s, 1, POLLOUT,
			    cli_common.timeout,
			    NULL, NULL, &err) >= 0 || (err.kind == SK_ERR_OS &&
			    err.code == EINTR))
				continue;
		}
		/* The pending error of an ICMP message for an earlier
		 * datagram: it is reported from the queue, and this
		 * datagram was not sent: send it again. */
		else if (read_icmp(st) > 0 && retries++ < 2)
			continue;
		if (err.kind == SK_ERR_TIMEOUT) {
			cli_warn("%s %llu: timed out", st->by_line ? "line" :
			    "datagram", st->label[i]);
			failed(st, EXIT_TIMEOUT);
		} else
			refused(st, i, &err);
		i++;
		retries = 0;
	}
	if (partial)
		(void)read_icmp(st);
	st->n = 0;
	return 0;
}

/* Wait for one reply to what was just sent; print it. */
static int
await_reply(struct state *st, double sent_at)
{
	struct sk_error err;
	short rev;
	char addr[SK_ADDRSTRLEN];

	for (;;) {
		double w = cli_common.timeout;
		double left = w < 0 ? -1 : sent_at + w - udp_now();

		if (sk_socket_poll(&st->s, 1, POLLIN, left < 0 &&
		    w >= 0 ? 0 : left, NULL, &rev, &err) == -1) {
			if (err.kind == SK_ERR_OS && err.code == EINTR)
				continue;
			if (err.kind == SK_ERR_TIMEOUT) {
				cli_warn("waiting for a reply from %s: timed "
				    "out", udp_addr(&st->dst, addr,
				    sizeof(addr)));
				failed(st, EXIT_TIMEOUT);
				return 0;
			}
			return cli_fail("poll", &err);
		}
		if ((rev & POLLERR) && read_icmp(st) > 0)
			return 0;
		if (sk_udp_recvmany(&st->s, &st->rb, &err) < 0) {
			/* POLLERR without a queued ICMP error: the pending
			 * error itself, which recvmmsg reports. */
			if (err.kind == SK_ERR_OS && (err.code == EAGAIN ||
			    err.code == EWOULDBLOCK))
				continue;
			cli_warn("%s: %s", udp_addr(&st->dst, addr,
			    sizeof(addr)), err.message);
			failed(st, cli_exit_status(err.kind));
			return 0;
		}
		st->replies++;
		if (udp_format(&st->out, &st->j, cli_common.json,
		    "Got reply from", "reply", &st->rb.d[0], "rtt_ms",
		    (udp_now() - sent_at) * 1000) == -1 ||
		    udp_flush(&st->out) == -1)
			return EXIT_OSERR;
		return 0;
	}
}

/* Under --rate, sleep until the due time of the next datagram; what is
 * due before it goes out first.  Call before filling the batch's slot. */
static void
pace(struct state *st)
{
	double due;
	struct timespec ts;

	if (st->o->rate <= 0)
		return;
	due = st->start + (double)st->seq / st->o->rate;
	if (due <= udp_now())
		return;
	if (st->n > 0)
		(void)send_batch(st);
	ts.tv_sec = (time_t)due;
	ts.tv_nsec = (long)((due - (double)ts.tv_sec) * 1e9);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	    EINTR)
		;
}

/* Hand out one datagram of len bytes at data, labelled label. */
static int
put(struct state *st, const unsigned char *data, size_t len,
    unsigned long long label)
{
	st->d[st->n].data = (unsigned char *)(uintptr_t)data;
	st->d[st->n].len = len;
	st->label[st->n] = label;
	st->n++;
	st->seq++;
	if (st->o->reply) {
		double t = udp_now();
		unsigned long long before = st->sent;

		/* Stale replies to earlier datagrams are not this one's. */
		while (sk_udp_recvmany(&st->s, &st->rb, NULL) > 0)
			;	/* the socket is non-blocking */
		(void)send_batch(st);
		if (st->sent > before)
			return await_reply(st, t);
		return 0;
	}
	if (st->n == SK_UDP_BATCH)
		return send_batch(st);
	return 0;
}

/* Write the datagram number into a --size payload: its first digits. */
static void
stamp(unsigned char *p, size_t len, unsigned long long seq)
{
	unsigned char digits[10];
	int i;

	for (i = 9; i >= 0; i--) {
		digits[i] = (unsigned char)('0' + seq % 10);
		seq /= 10;
	}
	memcpy(p, digits, len < 10 ? len : 10);
}

static int
send_generated(struct state *st)
{
	const struct opts *o = st->o;
	size_t size = (size_t)o->size, i;
	long long k;
	int r;

	st->slot = size > 0 ? size : 1;
	if ((st->arena = malloc(SK_UDP_BATCH * st->slot)) == NULL)
		return cli_fail("memory", &(struct sk_error){ SK_ERR_OS,
		    ENOMEM, "Cannot allocate memory" });
	/* "0000000001 abcdefghijklmnopqrstu...": distinct, printable. */
	for (i = 0; i < SK_UDP_BATCH * st->slot; i++)
		st->arena[i] = (unsigned char)('a' + (i % st->slot + 15) % 26);
	for (i = 0; i < SK_UDP_BATCH && size > 10; i++)
		st->arena[i * st->slot + 10] = ' ';
	for (k = 0; k < o->count; k++) {
		unsigned char *p;

		pace(st);
		p = st->arena + st->n * st->slot;
		stamp(p, size, st->seq + 1);
		if ((r = put(st, p, size, st->seq + 1)) != 0)
			return r;
	}
	return 0;
}

static int
send_messages(struct state *st)
{
	const struct opts *o = st->o;
	size_t i;
	long long k;
	int r;

	for (k = 0; k < o->count; k++)
		for (i = 0; i < o->msgs.n; i++) {
			const unsigned char *p =
			    (const unsigned char *)o->msgs.items[i];
			size_t len = strlen(o->msgs.items[i]);

			if (o->literal) {
				p = st->arena + i * st->slot;
				len = st->msglen[i];
			}
			pace(st);
			if ((r = put(st, p, len, st->seq + 1)) != 0)
				return r;
		}
	return 0;
}

/* One line of stdin as datagrams (--count of them); line is its number. */
static int
send_line(struct state *st, unsigned char *p, size_t len,
    unsigned long long line)
{
	const struct opts *o = st->o;
	struct sk_error err;
	long long k;
	int r;

	if (o->literal) {
		ssize_t n;

		/* One slot for the decoded bytes: what points into it goes
		 * out before it is used again. */
		if (st->n > 0 && (r = send_batch(st)) != 0)
			return r;
		if ((n = sk_bytes_unrepr((const char *)p, len, st->arena,
		    st->slot, &err)) < 0) {
			cli_warn("line %llu: %s", line, err.message);
			failed(st, EXIT_OSERR);
			return 0;
		}
		p = st->arena;
		len = (size_t)n;
	}
	for (k = 0; k < o->count; k++) {
		pace(st);
		if ((r = put(st, p, len, line)) != 0)
			return r;
	}
	return 0;
}

/* A line too long for any datagram: refused without sending. */
static void
too_long(struct state *st, unsigned long long line)
{
	cli_warn("line %llu: %s", line, strerror(EMSGSIZE));
	failed(st, EXIT_OSERR);
}

/*
 * Each line of stdin, without its newline, as a datagram.  What one
 * read(2) brings goes out as one batch before the next read, so that
 * lines typed by hand leave at once and a pipe's lines leave in batches.
 */
static int
send_stdin(struct state *st)
{
	size_t cap = READ_SIZE + MAX_LITERAL + 1, have = 0, maxline;
	unsigned char *buf;
	unsigned long long line = 0;
	bool skipping = false;
	int r = 0;

	st->by_line = true;
	maxline = st->o->literal ? MAX_LITERAL : MAX_DGRAM;
	if (st->o->literal) {
		st->slot = MAX_DGRAM;
		if ((st->arena = malloc(st->slot)) == NULL)
			return EXIT_OSERR;
	}
	if ((buf = malloc(cap)) == NULL)
		return EXIT_OSERR;
	for (;;) {
		ssize_t got = read(STDIN_FILENO, buf + have, cap - have);
		size_t start = 0, end;
		unsigned char *nl;

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			cli_warn("stdin: %s", strerror(errno));
			failed(st, EXIT_OSERR);
			break;
		}
		end = have + (size_t)got;
		while (r == 0 && (nl = memchr(buf + start, '\n', end -
		    start)) != NULL) {
			size_t len = (size_t)(nl - (buf + start));

			line++;
			if (skipping)
				skipping = false;
			else if (len > maxline)
				too_long(st, line);
			else
				r = send_line(st, buf + start, len, line);
			start += len + 1;
		}
		if (r == 0 && st->n > 0)
			r = send_batch(st);
		if (r != 0)
			break;
		/* Keep the partial line; drop what no datagram can hold. */
		have = end - start;
		if (skipping || have > maxline) {
			if (!skipping)
				too_long(st, line + 1);
			skipping = true;
			have = 0;
		} else
			memmove(buf, buf + start, have);
		if (got == 0) {
			if (have > 0 && !skipping)
				r = send_line(st, buf, have, ++line);
			if (r == 0 && st->n > 0)
				r = send_batch(st);
			break;
		}
	}
	free(buf);
	return r;
}

/* The socket: connected for unicast, options for the destination. */
static int
open_socket(struct state *st)
{
	const struct opts *o = st->o;
	struct sk_error err;
	bool multicast;
	char addr[SK_ADDRSTRLEN], q[96];

	if (sk_addr_resolve(&st->dst, o->host, o->port.text, cli_common.family,
	    SOCK_DGRAM, &err) == -1)
		return cli_fail(cli_quote(o->host, strlen(o->host), q,
		    sizeof(q)), &err);
	multicast = sk_addr_is_multicast(&st->dst);
	if (o->iface != NULL && !multicast)
		return cli_usage("--interface is for a multicast HOST");
	if (o->ttl == 0 && !multicast)
		return cli_usage("--ttl: 0 is for a multicast HOST (1..255)");
	if (o->broadcast && multicast)
		return cli_usage("cannot use --broadcast with a multicast "
		    "HOST");
	(void)udp_addr(&st->dst, addr, sizeof(addr));
	if (sk_socket_open(&st->s, sk_addr_family(&st->dst), SOCK_DGRAM, 0,
	    &err) == -1 ||
	    sk_socket_setbuf(&st->s, SO_SNDBUF, SNDBUF_DEFAULT, NULL,
	    &err) == -1 ||
	    (o->broadcast && sk_udp_set_broadcast(&st->s, true, &err) == -1) ||
	    (multicast && o->ttl >= 0 &&
	    sk_udp_set_multicast_ttl(&st->s, (int)o->ttl, &err) == -1) ||
	    (!multicast && o->ttl > 0 &&
	    sk_udp_set_ttl(&st->s, (int)o->ttl, &err) == -1) ||
	    (multicast && o->iface != NULL &&
	    sk_udp_set_multicast_if(&st->s, st->ifindex, &err) == -1))
		return cli_fail(addr, &err);
	/* Unicast: connected, so that ICMP errors come back to us and only
	 * the peer's replies are taken.  Broadcast and multicast are
	 * answered from other addresses: not connected. */
	if (!o->broadcast && !multicast) {
		if (sk_udp_set_recverr(&st->s, true, &err) == -1 ||
		    sk_socket_connect(&st->s, &st->dst, &err) == -1)
			return cli_fail(addr, &err);
		st->connected = true;
	} else
		for (size_t i = 0; i < SK_UDP_BATCH; i++)
			st->d[i].peer = st->dst;
	/* Non-blocking: a send that cannot go waits in send_batch (up to
	 * -w), and a receive never waits but in await_reply. */
	if (sk_socket_setblocking(&st->s, false, &err) == -1)
		return cli_fail(addr, &err);
	if (o->reply && sk_dgram_batch_init(&st->rb, 1, MAX_DGRAM + 1,
	    &err) == -1)
		return cli_fail("memory", &err);
	return EXIT_OK;
}

static void
summary(struct state *st)
{
	const struct opts *o = st->o;
	double secs = udp_now() - st->start;
	double rate = secs > 0 ? (double)st->sent / secs : 0;

	if (!cli_common.verbose)
		return;
	if (cli_common.json) {
		sk_json_begin(&st->j);
		sk_json_str(&st->j, "event", "summary");
		sk_json_uint(&st->j, "datagrams", st->sent);
		sk_json_uint(&st->j, "bytes", st->bytes);
		sk_json_double(&st->j, "seconds", secs);
		sk_json_double(&st->j, "rate", rate);
		sk_json_uint(&st->j, "failed", st->failed);
		if (o->reply)
			sk_json_uint(&st->j, "replies", st->replies);
		if (sk_json_end(&st->j) == 0)
			(void)sk_buf_append(&st->out, st->j.buf.data,
			    st->j.buf.len);
		(void)udp_flush(&st->out);
	}
	fprintf(stderr, "%llu datagram%s, %llu bytes in %.3f s: "
	    "%.0f datagrams/s, %.1f Mbit/s\n", st->sent,
	    st->sent == 1 ? "" : "s", st->bytes, secs, rate,
	    secs > 0 ? (double)st->bytes * 8 / secs / 1e6 : 0.0);
	if (o->reply)
		fprintf(stderr, "%llu repl%s\n", st->replies,
		    st->replies == 1 ? "y" : "ies");
	if (st->failed > 0)
		fprintf(stderr, "%llu failed\n", st->failed);
}

static int
main_udp_send(int argc, char **argv)
{
	struct opts *o = &opt;
	struct state st;
	int first, status;
	char addr[SK_ADDRSTRLEN];

	memset(&st, 0, sizeof(st));
	st.s.fd = -1;
	st.o = o;
	first = cli_parse(argc, argv);
	status = validate(o, &st, argc - first, argv + first);
	if (status == EXIT_OK && (status = open_socket(&st)) == EXIT_OK) {
		/* Accurate pacing: wake up on time, not up to 50 us late. */
		if (o->rate > 0)
			(void)prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
		st.start = udp_now();
		if (o->size >= 0)
			status = send_generated(&st);
		else if (o->msgs.n > 0)
			status = send_messages(&st);
		else
			status = send_stdin(&st);
		if (status == EXIT_OK && st.n > 0)
			status = send_batch(&st);
		(void)read_icmp(&st);
		if (st.refused > 1)
			cli_warn("%llu datagrams to %s: refused", st.refused,
			    udp_addr(&st.dst, addr, sizeof(addr)));
		summary(&st);
		if (status == EXIT_OK)
			status = st.status;
	}
	(void)sk_socket_close(&st.s, NULL);
	sk_dgram_batch_free(&st.rb);
	free(st.arena);
	sk_buf_free(&st.out);
	sk_json_free(&st.j);
	return status;
}
