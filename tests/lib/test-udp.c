/*
 * test-udp.c - libsockit's UDP layer (sk_udp(3)) over loopback: batches
 * with sendmmsg(2)/recvmmsg(2), each datagram's peer, local address and
 * length (truncation, empty and 65,507-byte datagrams), the drop counter
 * (SO_RXQ_OVFL, SO_MEMINFO), ICMP errors from the error queue
 * (IP_RECVERR), waiting with ppoll(2) under a signal mask, binding every
 * address of a name, and socket options.  Multicast join and leave
 * (RFC 1112, RFC 3493) and broadcast run in a network namespace of the
 * program's own (unshare(2) CLONE_NEWNET), with its loopback brought up
 * with multicast on; they are skipped when that is not allowed.
 *
 * Every port is 0 or one the kernel gave; every wait is bounded, and
 * alarm(2) ends the program if something still hangs.
 */
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockit.h"
#include "helpers.h"
#include "tap.h"

/* A UDP socket bound to host port 0 (in timeout mode), and its address. */
static int
bound(struct sk_socket *s, const char *host, struct sk_addr *where)
{
	struct sk_error err;

	if (bound_socket(s, SOCK_DGRAM, host, where) == -1)
		return -1;
	if (sk_socket_settimeout(s, PATIENCE, &err) == -1) {
		ok(false, "settimeout on %s: %s", host, err.message);
		(void)sk_socket_close(s, NULL);
		return -1;
	}
	return 0;
}

static struct sk_dgram
dgram(const void *data, size_t len, const struct sk_addr *to)
{
	struct sk_dgram d;

	memset(&d, 0, sizeof(d));
	d.data = (unsigned char *)(uintptr_t)data;
	d.len = len;
	if (to != NULL)
		d.peer = *to;
	return d;
}

/* Receive until want datagrams are in b's caller-side copy; returns how
 * many came. */
static size_t
receive(struct sk_socket *s, struct sk_dgram_batch *b, size_t want,
    char got[][16], struct sk_addr *peers)
{
	struct sk_error err;
	size_t n = 0, i;

	while (n < want) {
		if (sk_udp_recvmany(s, b, &err) < 0) {
			diag("recvmany: %s", err.message);
			break;
		}
		for (i = 0; i < b->n && n < want; i++, n++) {
			size_t len = b->d[i].len < 15 ? b->d[i].len : 15;

			memcpy(got[n], b->d[i].data, len);
			got[n][len] = '\0';
			peers[n] = b->d[i].peer;
		}
	}
	return n;
}

/* Two senders, one receiver, a batch each way. */
static void
test_batches(const char *host)
{
	struct sk_socket r, s1, s2;
	struct sk_addr ra, a1, a2, peers[8];
	struct sk_dgram d[4];
	struct sk_dgram_batch b;
	struct sk_error err;
	char got[8][16];
	size_t n;

	if (bound(&r, host, &ra) == -1)
		return;
	if (bound(&s1, host, &a1) == -1) {
		(void)sk_socket_close(&r, NULL);
		return;
	}
	if (bound(&s2, host, &a2) == -1) {
		(void)sk_socket_close(&r, NULL);
		(void)sk_socket_close(&s1, NULL);
		return;
	}
	is_int(sk_dgram_batch_init(&b, 8, 2048, &err), 0, "%s: a batch of 8",
	    host);
	d[0] = dgram("one", 3, &ra);
	d[1] = dgram("two", 3, &ra);
	d[2] = dgram("three", 5, &ra);
	is_int(sk_udp_sendmany(&s1, d, 3, &err), 3,
	    "%s: sendmany sends a batch of 3", host);
	d[0] = dgram("four", 4, &ra);
	is_int(sk_udp_sendmany(&s2, d, 1, &err), 1,
	    "%s: sendmany from a second socket", host);
	n = receive(&r, &b, 4, got, peers);
	is_int((long long)n, 4, "%s: recvmany gets all four", host);
	is_str(got[0], "one", "%s: in order (1)", host);
	is_str(got[2], "three", "%s: in order (3)", host);
	is_str(got[3], "four", "%s: the other sender's", host);
	is_str(addr_str(&peers[0]), addr_str(&a1),
	    "%s: each datagram's peer (first sender)", host);
	is_str(addr_str(&peers[3]), addr_str(&a2),
	    "%s: each datagram's peer (second sender)", host);

	/* An answer to each peer, as a server's batch of replies. */
	d[0] = dgram("r1", 2, &peers[0]);
	d[1] = dgram("r2", 2, &peers[3]);
	is_int(sk_udp_sendmany(&r, d, 2, &err), 2,
	    "%s: replies to two peers in one batch", host);
	n = receive(&s1, &b, 1, got, peers);
	ok(n == 1 && strcmp(got[0], "r1") == 0, "%s: the first got its own",
	    host);
	n = receive(&s2, &b, 1, got, peers);
	ok(n == 1 && strcmp(got[0], "r2") == 0, "%s: the second its own",
	    host);

	/* Empty datagrams, and a connected socket's sends (peer len 0). */
	(void)sk_socket_connect(&s1, &ra, &err);
	d[0] = dgram("", 0, NULL);
	d[1] = dgram("x", 1, NULL);
	is_int(sk_udp_sendmany(&s1, d, 2, &err), 2,
	    "%s: an empty datagram on a connected socket", host);
	if (sk_udp_recvmany(&r, &b, &err) >= 1) {
		is_int((long long)b.d[0].len, 0, "%s: the empty datagram",
		    host);
		is_int((long long)b.d[0].wire_len, 0, "%s: wire_len 0", host);
	} else
		ok(false, "%s: recvmany: %s", host, err.message);
	if (b.n < 2)
		(void)sk_udp_recvmany(&r, &b, &err);
	sk_dgram_batch_free(&b);
	(void)sk_socket_close(&r, NULL);
	(void)sk_socket_close(&s1, NULL);
	(void)sk_socket_close(&s2, NULL);
}

/* Lengths: truncation, the largest IPv4 datagram, one too many. */
static void
test_lengths(void)
{
	struct sk_socket r, s;
	struct sk_addr ra, sa;
	struct sk_dgram d[3];
	struct sk_dgram_batch b;
	struct sk_error err;
	unsigned char *big;
	size_t i;
	bool same = true;

	if (bound(&r, "127.0.0.1", &ra) == -1)
		return;
	if (bound(&s, "127.0.0.1", &sa) == -1) {
		(void)sk_socket_close(&r, NULL);
		return;
	}
	if ((big = malloc(70000)) == NULL)
		abort();
	for (i = 0; i < 70000; i++)
		big[i] = (unsigned char)(i * 7 + (i >> 8));
	(void)sk_socket_setbuf(&r, SO_RCVBUF, 1 << 20, NULL, NULL);

	is_int(sk_dgram_batch_init(&b, 4, 8, &err), 0, "a batch of 8 bytes");
	d[0] = dgram("0123456789abcdefghij", 20, &ra);
	(void)sk_udp_sendmany(&s, d, 1, &err);
	if (sk_udp_recvmany(&r, &b, &err) == 1) {
		is_int((long long)b.d[0].len, 8, "truncated to the buffer");
		is_int((long long)b.d[0].wire_len, 20,
		    "wire_len tells the datagram's real length");
		is_mem(b.d[0].data, b.d[0].len, "01234567", 8,
		    "the first bytes are kept");
	} else
		ok(false, "recvmany: %s", err.message);
	sk_dgram_batch_free(&b);

	is_int(sk_dgram_batch_init(&b, 2, 65536, &err), 0, "a batch of 64 KiB");
	d[0] = dgram(big, SK_UDP_MAX_IPV4, &ra);
	d[1] = dgram(big, SK_UDP_MAX_IPV4 + 1, &ra);
	d[2] = dgram(big, 1, &ra);
	is_int(sk_udp_sendmany(&s, d, 3, &err), 1,
	    "sendmany stops before a datagram the kernel refuses");
	is_int(sk_udp_sendmany(&s, d + 1, 2, &err), -1,
	    "65,508 bytes over IPv4 is refused");
	is_err(&err, SK_ERR_OS, EMSGSIZE, NULL, "refused with EMSGSIZE");
	is_int(sk_udp_sendmany(&s, d + 2, 1, &err), 1, "and the rest goes");
	if (sk_udp_recvmany(&r, &b, &err) >= 1) {
		is_int((long long)b.d[0].len, SK_UDP_MAX_IPV4,
		    "65,507 bytes arrive whole");
		for (i = 0; i < b.d[0].len; i++)
			if (b.d[0].data[i] != big[i])
				same = false;
		ok(same, "every byte of the 65,507");
	} else
		ok(false, "recvmany: %s", err.message);
	if (b.n < 2)
		(void)sk_udp_recvmany(&r, &b, &err);
	sk_dgram_batch_free(&b);

	is_int(sk_dgram_batch_init(&b, 0, 8, &err), -1, "a batch of 0");
	is_err(&err, SK_ERR_VALUE, EINVAL, NULL, "is a ValueError");
	is_int(sk_dgram_batch_init(&b, SK_UDP_BATCH + 1, 8, &err), -1,
	    "a batch larger than SK_UDP_BATCH");
	free(big);
	(void)sk_socket_close(&r, NULL);
	(void)sk_socket_close(&s, NULL);
}

/* The socket's modes apply to a batch receive. */
static void
test_modes(void)
{
	struct sk_socket r;
	struct sk_addr ra;
	struct sk_dgram_batch b;
	struct sk_error err;

	if (bound(&r, "127.0.0.1", &ra) == -1)
		return;
	(void)sk_dgram_batch_init(&b, 2, 64, &err);
	(void)sk_socket_settimeout(&r, 0.05, &err);
	is_int(sk_udp_recvmany(&r, &b, &err), -1, "timeout mode: nothing");
	is_err(&err, SK_ERR_TIMEOUT, ETIMEDOUT, NULL, "timeout mode: timeout");
	(void)sk_socket_settimeout(&r, 0, &err);
	is_int(sk_udp_recvmany(&r, &b, &err), -1, "non-blocking: nothing");
	is_err(&err, SK_ERR_OS, EAGAIN, NULL, "non-blocking: EAGAIN");
	is_int((long long)b.n, 0, "an empty batch after a failure");
	sk_dgram_batch_free(&b);
	(void)sk_socket_close(&r, NULL);
	is_int(sk_udp_recvmany(&r, &b, &err), -1, "a closed socket");
	is_err(&err, SK_ERR_OS, EBADF, NULL, "a closed socket: EBADF");
}

/* IP_PKTINFO: a wildcard socket learns the address each datagram came
 * to and answers from it, so that a connected client accepts the answer. */
static void
test_pktinfo(const char *any, const char *to)
{
	struct sk_socket r, c;
	struct sk_addr ra, dst, ca;
	struct sk_dgram d;
	struct sk_dgram_batch b;
	struct sk_error err;
	unsigned int lo = 0;
	const char *f;

	if (bound(&r, any, &ra) == -1)
		return;
	if (bound(&c, to, &ca) == -1) {
		(void)sk_socket_close(&r, NULL);
		return;
	}
	(void)sk_interface_index("lo", &lo, NULL);
	(void)sk_addr_resolve(&dst, to, NULL, AF_UNSPEC, SOCK_DGRAM, NULL);
	sk_addr_set_port(&dst, sk_addr_port(&ra));
	is_int(sk_udp_set_pktinfo(&r, true, &err), 0, "%s: pktinfo on", any);
	(void)sk_socket_connect(&c, &dst, &err);
	(void)sk_dgram_batch_init(&b, 4, 64, &err);
	(void)sk_socket_send(&c, "q", 1, 0, &err);
	if (sk_udp_recvmany(&r, &b, &err) == 1) {
		f = addr_str(&b.d[0].local);
		ok(strncmp(f, "('", 2) == 0 && strstr(f, to) != NULL,
		    "%s: the local address is %s: %s", any, to, f);
		is_int(b.d[0].ifindex, lo, "%s: it came in on lo", any);
		d = dgram("a", 1, &b.d[0].peer);
		d.local = b.d[0].local;
		is_int(sk_udp_sendmany(&r, &d, 1, &err), 1,
		    "%s: an answer from %s", any, to);
		if (sk_udp_recvmany(&c, &b, &err) == 1)
			is_mem(b.d[0].data, b.d[0].len, "a", 1,
			    "%s: the connected client accepts it", any);
		else
			ok(false, "%s: no answer: %s", any, err.message);
	} else
		ok(false, "%s: recvmany: %s", any, err.message);
	sk_dgram_batch_free(&b);
	(void)sk_socket_close(&r, NULL);
	(void)sk_socket_close(&c, NULL);
}

/* The drop counter: a small receive buffer overflows. */
static void
test_drops(void)
{
	static unsigned char chunk[1000];
	struct sk_socket r, s;
	struct sk_addr ra, sa;
	struct sk_dgram d[SK_UDP_BATCH];
	struct sk_dgram_batch b;
	struct sk_error err;
	uint32_t drops = 0, drops2 = 0;
	int i, got;

	if (bound(&r, "127.0.0.1", &ra) == -1)
		return;
	if (bound(&s, "127.0.0.1", &sa) == -1) {
		(void)sk_socket_close(&r, NULL);
		return;
	}
	is_int(sk_udp_set_drops(&r, true, &err), 0, "SO_RXQ_OVFL on");
	(void)sk_socket_setsockopt_int(&r, SOL_SOCKET, SO_RCVBUF, 4096, NULL);
	is_int(sk_udp_drops(&r, &drops, &err), 0, "SO_MEMINFO");
	is_int(drops, 0, "no drops yet");
	for (i = 0; i < SK_UDP_BATCH; i++)
		d[i] = dgram(chunk, sizeof(chunk), &ra);
	for (i = 0; i < 4; i++)
		(void)sk_udp_sendmany(&s, d, SK_UDP_BATCH, &err);
	(void)sk_udp_drops(&r, &drops, &err);
	ok(drops > 0, "a full buffer drops datagrams (%u)", drops);
	(void)sk_dgram_batch_init(&b, SK_UDP_BATCH, 2048, &err);
	(void)sk_socket_settimeout(&r, 0, &err);
	while (sk_udp_recvmany(&r, &b, &err) > 0)
		;
	(void)sk_socket_settimeout(&r, PATIENCE, &err);
	(void)sk_udp_sendmany(&s, d, 1, &err);
	got = (int)sk_udp_recvmany(&r, &b, &err);
	is_int(got, 1, "a datagram after the drops");
	is_int(b.drops, drops, "it carries the drop count (SO_RXQ_OVFL)");
	(void)sk_udp_drops(&r, &drops2, &err);
	is_int(drops2, drops, "SO_MEMINFO agrees");
	sk_dgram_batch_free(&b);
	(void)sk_socket_close(&r, NULL);
	(void)sk_socket_close(&s, NULL);
	is_int(sk_udp_drops(&r, &drops, &err), -1, "drops: closed socket");
}

/* ICMP port unreachable on a connected socket, from the error queue. */
static void
test_icmp(void)
{
	struct sk_socket gone, s;
	struct sk_addr ga, sa, dest, off;
	struct sk_dgram d;
	struct sk_error err, icmp;
	unsigned char *big;
	int soerr = -1;

	if (bound(&gone, "127.0.0.1", &ga) == -1)
		return;
	(void)sk_socket_close(&gone, NULL);
	if (bound(&s, "127.0.0.1", &sa) == -1)
		return;
	is_int(sk_udp_set_recverr(&s, true, &err), 0, "IP_RECVERR on");
	(void)sk_socket_connect(&s, &ga, &err);
	is_int(sk_udp_recv_error(&s, &icmp, &dest, &off, &err), 0,
	    "no error queued yet");
	d = dgram("x", 1, NULL);
	is_int(sk_udp_sendmany(&s, &d, 1, &err), 1, "send to a closed port");
	is_int(sk_udp_recv_error(&s, &icmp, &dest, &off, &err), 1,
	    "an ICMP error is queued");
	is_err(&icmp, SK_ERR_OS, ECONNREFUSED, NULL, "Connection refused");
	is_int(sk_addr_port(&dest), sk_addr_port(&ga),
	    "for the datagram's destination");
	is_int(sk_addr_family(&off), AF_INET, "from an IPv4 offender");
	(void)sk_socket_getsockopt_int(&s, SOL_SOCKET, SO_ERROR, &soerr,
	    &err);
	is_int(soerr, 0, "reading the queue clears the pending error");
	is_int(sk_udp_recv_error(&s, &icmp, &dest, NULL, &err), 0,
	    "and the queue is empty");

	/* Without reading the queue, the next send fails instead. */
	(void)sk_udp_sendmany(&s, &d, 1, &err);
	is_int(sk_udp_sendmany(&s, &d, 1, &err), -1,
	    "the send after an ICMP error fails");
	is_err(&err, SK_ERR_OS, ECONNREFUSED, NULL, "with ECONNREFUSED");
	while (sk_udp_recv_error(&s, &icmp, &dest, NULL, &err) == 1)
		;

	/* The kernel queues a local EMSGSIZE too: the send reported it. */
	if ((big = calloc(1, SK_UDP_MAX_IPV4 + 1)) == NULL)
		abort();
	d = dgram(big, SK_UDP_MAX_IPV4 + 1, NULL);
	is_int(sk_udp_sendmany(&s, &d, 1, &err), -1, "a datagram too long");
	is_err(&err, SK_ERR_OS, EMSGSIZE, NULL, "is EMSGSIZE");
	is_int(sk_udp_recv_error(&s, &icmp, &dest, NULL, &err), 0,
	    "and no ICMP error for it");
	free(big);
	(void)sk_socket_close(&s, NULL);
}

static volatile sig_atomic_t caught;

static void
on_signal(int sig)
{
	caught = sig;
}

static void
test_poll(void)
{
	struct sk_socket s[2];
	struct sk_addr a[2];
	struct sk_error err;
	short rev[2] = { 0, 0 };
	sigset_t block, old, open;

	if (bound(&s[0], "127.0.0.1", &a[0]) == -1)
		return;
	if (bound(&s[1], "127.0.0.1", &a[1]) == -1) {
		(void)sk_socket_close(&s[0], NULL);
		return;
	}
	is_int(sk_socket_poll(s, 2, POLLIN, 0.01, NULL, rev, &err), -1,
	    "poll: nothing to read");
	is_err(&err, SK_ERR_TIMEOUT, ETIMEDOUT, NULL, "poll: timed out");
	(void)sk_socket_sendto(&s[0], "hi", 2, 0, &a[1], &err);
	is_int(sk_socket_poll(s, 2, POLLIN, PATIENCE, NULL, rev, &err), 1,
	    "poll: one ready");
	ok(rev[0] == 0 && (rev[1] & POLLIN), "poll: the second, for reading");

	/* A signal blocked outside the wait is caught inside it. */
	(void)signal(SIGUSR1, on_signal);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	(void)sigprocmask(SIG_BLOCK, &block, &old);
	open = old;
	sigdelset(&open, SIGUSR1);
	(void)raise(SIGUSR1);
	is_int(caught, 0, "the blocked signal waits");
	is_int(sk_socket_poll(s, 1, POLLIN, PATIENCE, &open, NULL, &err), -1,
	    "poll with the signal let in");
	is_err(&err, SK_ERR_OS, EINTR, NULL, "poll: EINTR");
	is_int(caught, SIGUSR1, "the handler ran");
	(void)sigprocmask(SIG_SETMASK, &old, NULL);
	(void)signal(SIGUSR1, SIG_DFL);
	is_int(sk_socket_poll(s, 0, POLLIN, 0, NULL, NULL, &err), -1,
	    "poll: no sockets");
	(void)sk_socket_close(&s[0], NULL);
	(void)sk_socket_close(&s[1], NULL);
}

static void
test_bind_all(void)
{
	struct sk_socket s[4];
	struct sk_addr a0, a1;
	struct sk_error err;
	const char *f0, *f1;
	ssize_t n;
	int v6only = 0;

	/* tests/private-ns: localhost is ::1 and 127.0.0.1. */
	n = sk_udp_bind_all(s, 4, "localhost", "0", AF_UNSPEC, 0, &err);
	is_int(n, 2, "localhost: a socket for each address");
	if (n == 2) {
		(void)sk_socket_getsockname(&s[0], &a0, &err);
		(void)sk_socket_getsockname(&s[1], &a1, &err);
		f0 = addr_str(&a0);
		f1 = addr_str(&a1);
		ok(strncmp(f0, "('::1', ", 8) == 0, "first ::1: %s", f0);
		ok(strncmp(f1, "('127.0.0.1', ", 14) == 0,
		    "then 127.0.0.1: %s", f1);
		ok(sk_addr_port(&a0) != 0 &&
		    sk_addr_port(&a0) == sk_addr_port(&a1),
		    "port 0: the same free port for both");
		(void)sk_socket_close(&s[0], NULL);
		(void)sk_socket_close(&s[1], NULL);
	}
	n = sk_udp_bind_all(s, 4, "", "0", AF_UNSPEC, SK_UDP_REUSEADDR, &err);
	is_int(n, 2, "'': the wildcard of each family");
	if (n == 2) {
		(void)sk_socket_getsockname(&s[1], &a1, &err);
		f1 = addr_str(&a1);
		ok(strncmp(f1, "('::', ", 7) == 0, "'': then ::: %s", f1);
		(void)sk_socket_getsockopt_int(&s[1], IPPROTO_IPV6,
		    IPV6_V6ONLY, &v6only, &err);
		is_int(v6only, 1, "'': the IPv6 socket is IPv6 only");
		(void)sk_socket_close(&s[0], NULL);
		(void)sk_socket_close(&s[1], NULL);
	}
	is_int(sk_udp_bind_all(s, 4, "localhost", "0", AF_INET, 0, &err), 1,
	    "-4 localhost: one socket");
	(void)sk_socket_close(&s[0], NULL);
	is_int(sk_udp_bind_all(s, 4, "no-such-name.invalid", "0", AF_UNSPEC,
	    0, &err), -1, "a name that does not resolve");
	is_int(err.kind, SK_ERR_GAIERROR, "is a gaierror");
	is_int(sk_udp_bind_all(s, 4, "localhost", "99999", AF_UNSPEC, 0,
	    &err), -1, "a bad port");
}

static void
test_options(void)
{
	struct sk_socket s;
	struct sk_addr a;
	struct sk_error err;
	unsigned int idx = 0;
	int v = 0;

	if (bound(&s, "127.0.0.1", &a) == -1)
		return;
	is_int(sk_interface_index("lo", &idx, &err), 0, "lo has an index");
	ok(idx > 0, "lo's index is positive");
	is_int(sk_interface_index("no-such-if0", &idx, &err), -1,
	    "no such interface");
	is_err(&err, SK_ERR_OS, ENODEV, NULL, "no such interface: ENODEV");
	is_int(sk_udp_set_ttl(&s, 0, &err), -1, "TTL 0 is refused");
	is_err(&err, SK_ERR_VALUE, EINVAL, NULL, "TTL 0: ValueError");
	is_int(sk_udp_set_ttl(&s, 7, &err), 0, "TTL 7");
	(void)sk_socket_getsockopt_int(&s, IPPROTO_IP, IP_TTL, &v, &err);
	is_int(v, 7, "IP_TTL is 7");
	is_int(sk_udp_set_multicast_ttl(&s, 0, &err), 0, "multicast TTL 0");
	is_int(sk_udp_set_multicast_ttl(&s, 256, &err), -1,
	    "multicast TTL 256 is refused");
	is_int(sk_udp_set_multicast_loop(&s, true, &err), 0, "multicast loop");
	is_int(sk_udp_set_multicast_if(&s, idx, &err), 0, "multicast if lo");
	is_int(sk_udp_set_broadcast(&s, true, &err), 0, "SO_BROADCAST");
	(void)sk_socket_getsockopt_int(&s, SOL_SOCKET, SO_BROADCAST, &v, &err);
	is_int(v, 1, "SO_BROADCAST is on");
	is_int(sk_socket_setbuf(&s, SO_RCVBUF, 1 << 22, &v, &err), 0,
	    "a 4 MiB receive buffer");
	ok(v >= 1 << 22, "SO_RCVBUF is at least 4 MiB (%d)", v);
	is_int(sk_socket_setbuf(&s, SO_SNDBUF, 1 << 20, &v, &err), 0,
	    "a 1 MiB send buffer");
	is_int(sk_socket_setbuf(&s, SO_TYPE, 1, &v, &err), -1,
	    "setbuf: only the two buffers");
	(void)sk_addr_resolve(&a, "239.1.2.3", "0", AF_INET, SOCK_DGRAM, NULL);
	ok(sk_addr_is_multicast(&a), "239.1.2.3 is multicast");
	(void)sk_addr_resolve(&a, "ff02::1", "0", AF_INET6, SOCK_DGRAM, NULL);
	ok(sk_addr_is_multicast(&a), "ff02::1 is multicast");
	(void)sk_addr_resolve(&a, "127.0.0.1", "0", AF_INET, SOCK_DGRAM, NULL);
	ok(!sk_addr_is_multicast(&a), "127.0.0.1 is not");
	is_int(sk_udp_join(&s, &a, 0, &err), -1, "join a unicast address");
	is_err(&err, SK_ERR_VALUE, EINVAL, "not a multicast address",
	    "join a unicast address: ValueError");
	(void)sk_socket_close(&s, NULL);
}

/* Whether the file (of this network namespace) has a line with text. */
static bool
listed(const char *path, const char *text)
{
	char line[512];
	FILE *f = fopen(path, "r");
	bool found = false;

	if (f == NULL)
		return false;
	while (!found && fgets(line, sizeof(line), f) != NULL)
		found = strstr(line, text) != NULL;
	(void)fclose(f);
	return found;
}

/* Bring lo up with multicast on, in this process's own namespace. */
static int
lo_up(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r;

	if (fd == -1)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	(void)strcpy(ifr.ifr_name, "lo");
	r = ioctl(fd, SIOCGIFFLAGS, &ifr);
	ifr.ifr_flags |= IFF_UP | IFF_MULTICAST;
	if (r == 0)
		r = ioctl(fd, SIOCSIFFLAGS, &ifr);
	(void)close(fd);
	return r;
}

/* ff05::5ec:1 as /proc/net/igmp6 shows it. */
#define G6HEX "ff050000000000000000000005ec0001"

static void
test_multicast(unsigned int lo)
{
	struct sk_socket r, s, r6;
	struct sk_addr group, ra, g6;
	struct sk_dgram d;
	struct sk_dgram_batch b;
	struct sk_error err;
	char hex[16];

	/* IPv4: a receiver bound to the group, joined on lo. */
	if (bound(&r, "239.1.2.3", &ra) == -1)
		return;
	(void)sk_addr_resolve(&group, "239.1.2.3", NULL, AF_INET, SOCK_DGRAM,
	    NULL);
	(void)snprintf(hex, sizeof(hex), "%08X", group.u.in.sin_addr.s_addr);
	ok(!listed("/proc/self/net/igmp", hex), "239.1.2.3 not joined yet");
	is_int(sk_udp_join(&r, &group, lo, &err), 0, "join 239.1.2.3 on lo");
	ok(listed("/proc/self/net/igmp", hex), "/proc/net/igmp lists it");
	if (bound(&s, "127.0.0.1", &ra) == 0) {
		(void)sk_socket_getsockname(&r, &ra, &err);
		is_int(sk_udp_set_multicast_if(&s, lo, &err), 0,
		    "send through lo");
		(void)sk_udp_set_multicast_ttl(&s, 0, &err);
		d = dgram("mc", 2, &ra);
		is_int(sk_udp_sendmany(&s, &d, 1, &err), 1,
		    "send to the group");
		(void)sk_dgram_batch_init(&b, 2, 64, &err);
		if (sk_udp_recvmany(&r, &b, &err) == 1)
			is_mem(b.d[0].data, b.d[0].len, "mc", 2,
			    "the member receives it");
		else
			ok(false, "multicast: %s", err.message);
		sk_dgram_batch_free(&b);
		(void)sk_socket_close(&s, NULL);
	}
	is_int(sk_udp_leave(&r, &group, lo, &err), 0, "leave 239.1.2.3");
	ok(!listed("/proc/self/net/igmp", hex), "/proc/net/igmp: gone");
	is_int(sk_udp_leave(&r, &group, lo, &err), -1, "leave it again");
	(void)sk_socket_close(&r, NULL);

	/* IPv6: join and leave on lo (lo does not loop IPv6 multicast). */
	if (!sk_has_ipv6() || bound(&r6, "::", &ra) == -1) {
		skip("no IPv6");
		return;
	}
	(void)sk_addr_resolve(&g6, "ff05::5ec:1", NULL, AF_INET6, SOCK_DGRAM,
	    NULL);
	is_int(sk_udp_join(&r6, &g6, lo, &err), 0, "join ff05::5ec:1 on lo");
	ok(listed("/proc/self/net/igmp6", G6HEX), "/proc/net/igmp6 lists it");
	is_int(sk_udp_join(&r6, &group, lo, &err), -1,
	    "an IPv4 group on an IPv6 socket");
	is_int(sk_udp_leave(&r6, &g6, lo, &err), 0, "leave ff05::5ec:1");
	ok(!listed("/proc/self/net/igmp6", G6HEX),
	    "/proc/net/igmp6: gone");
	(void)sk_socket_close(&r6, NULL);
}

static void
test_broadcast(void)
{
	struct sk_socket r, s;
	struct sk_addr ra, sa, bc;
	struct sk_dgram d;
	struct sk_dgram_batch b;
	struct sk_error err;

	if (bound(&r, "0.0.0.0", &ra) == -1)
		return;
	if (bound(&s, "127.0.0.1", &sa) == -1) {
		(void)sk_socket_close(&r, NULL);
		return;
	}
	(void)sk_addr_resolve(&bc, "127.255.255.255", NULL, AF_INET,
	    SOCK_DGRAM, NULL);
	sk_addr_set_port(&bc, sk_addr_port(&ra));
	d = dgram("bc", 2, &bc);
	is_int(sk_udp_sendmany(&s, &d, 1, &err), -1,
	    "broadcast without SO_BROADCAST");
	is_err(&err, SK_ERR_OS, EACCES, NULL, "is EACCES");
	(void)sk_udp_set_broadcast(&s, true, &err);
	is_int(sk_udp_sendmany(&s, &d, 1, &err), 1,
	    "broadcast with SO_BROADCAST");
	(void)sk_dgram_batch_init(&b, 2, 64, &err);
	if (sk_udp_recvmany(&r, &b, &err) == 1)
		is_mem(b.d[0].data, b.d[0].len, "bc", 2,
		    "a wildcard socket receives the broadcast");
	else
		ok(false, "broadcast: %s", err.message);
	sk_dgram_batch_free(&b);
	(void)sk_socket_close(&r, NULL);
	(void)sk_socket_close(&s, NULL);
}

/* Multicast and broadcast in a network namespace of this process's own. */
static void
test_own_namespace(void)
{
	unsigned int lo = 0;

	if (unshare(CLONE_NEWNET) == -1) {
		skip("multicast and broadcast: unshare(CLONE_NEWNET): %s",
		    strerror(errno));
		return;
	}
	if (lo_up() == -1 || sk_interface_index("lo", &lo, NULL) == -1) {
		skip("multicast and broadcast: cannot bring lo up: %s",
		    strerror(errno));
		return;
	}
	test_multicast(lo);
	test_broadcast();
}

int
main(void)
{
	int fds;

	(void)alarm(60);
	(void)signal(SIGPIPE, SIG_IGN);
	fds = count_fds();
	test_batches("127.0.0.1");
	if (sk_has_ipv6())
		test_batches("::1");
	else
		skip("no IPv6 on this system");
	test_lengths();
	test_modes();
	test_pktinfo("0.0.0.0", "127.0.0.2");
	if (sk_has_ipv6())
		test_pktinfo("::", "::1");
	test_drops();
	test_icmp();
	test_poll();
	test_bind_all();
	test_options();
	is_int(count_fds(), fds, "no file descriptor is left open");
	test_own_namespace();
	return done_testing();
}
