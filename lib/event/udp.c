/*
 * udp.c - UDP (RFC 768) beyond the socket object's methods: datagrams in
 * batches with sendmmsg(2) and recvmmsg(2), each with its peer, its local
 * address (ip(7) IP_PKTINFO, ipv6(7) IPV6_RECVPKTINFO) and the kernel's
 * drop counter (socket(7) SO_RXQ_OVFL, SO_MEMINFO); multicast groups
 * (RFC 1112, RFC 3493 section 5.2) joined and left on an interface;
 * broadcast, TTL and hop limits; socket buffers beyond rmem_max
 * (SO_RCVBUFFORCE); ICMP errors read from the error queue (IP_RECVERR);
 * waiting on several sockets under a signal mask (ppoll(2)); and binding
 * every address a name resolves to.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <linux/errqueue.h>
#include <linux/sock_diag.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockit-int.h"

/* Room for the control messages of one received datagram: the drop
 * counter and the larger of the two pktinfo structures. */
#define CONTROL_SIZE (CMSG_SPACE(sizeof(uint32_t)) + \
	CMSG_SPACE(sizeof(struct in6_pktinfo)) + \
	CMSG_SPACE(sizeof(struct in_pktinfo)))

struct batch_priv {
	struct mmsghdr msgs[SK_UDP_BATCH];
	struct iovec iov[SK_UDP_BATCH];
	union {
		struct cmsghdr align;
		unsigned char buf[CONTROL_SIZE];
	} control[SK_UDP_BATCH];
	unsigned char *data;
};

#define CLOSED(err) sk_error_set(err, SK_ERR_OS, EBADF, NULL)

int
sk_dgram_batch_init(struct sk_dgram_batch *b, size_t cap, size_t bufsize,
    struct sk_error *err)
{
	struct batch_priv *p;
	size_t i;

	memset(b, 0, sizeof(*b));
	if (cap == 0 || cap > SK_UDP_BATCH || bufsize == 0 ||
	    bufsize > SIZE_MAX / cap)
		return sk_error_set(err, SK_ERR_VALUE, EINVAL,
		    "batch size out of range");
	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (p->data = malloc(cap * bufsize)) == NULL ||
	    (b->d = calloc(cap, sizeof(*b->d))) == NULL) {
		if (p != NULL)
			free(p->data);
		free(p);
		return sk_error_set(err, SK_ERR_OS, ENOMEM, NULL);
	}
	for (i = 0; i < cap; i++) {
		b->d[i].data = p->data + i * bufsize;
		b->d[i].size = bufsize;
	}
	b->cap = cap;
	b->priv = p;
	return 0;
}

void
sk_dgram_batch_free(struct sk_dgram_batch *b)
{
	struct batch_priv *p = b->priv;

	if (p != NULL)
		free(p->data);
	free(p);
	free(b->d);
	memset(b, 0, sizeof(*b));
}

/* An address from a pktinfo structure, port 0. */
static void
set_local4(struct sk_addr *a, struct in_addr addr)
{
	memset(a, 0, sizeof(*a));
	a->u.in.sin_family = AF_INET;
	a->u.in.sin_addr = addr;
	a->len = sizeof(a->u.in);
}

static void
set_local6(struct sk_addr *a, const struct in6_addr *addr,
    unsigned int ifindex)
{
	memset(a, 0, sizeof(*a));
	a->u.in6.sin6_family = AF_INET6;
	a->u.in6.sin6_addr = *addr;
	if (IN6_IS_ADDR_LINKLOCAL(addr) || IN6_IS_ADDR_MC_LINKLOCAL(addr))
		a->u.in6.sin6_scope_id = ifindex;
	a->len = sizeof(a->u.in6);
}

/* Read the control messages of one received datagram. */
static void
parse_control(struct sk_dgram_batch *b, struct sk_dgram *d, struct msghdr *m)
{
	struct cmsghdr *c;

	memset(&d->local, 0, sizeof(d->local));
	d->ifindex = 0;
	for (c = CMSG_FIRSTHDR(m); c != NULL; c = CMSG_NXTHDR(m, c)) {
		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SO_RXQ_OVFL &&
		    c->cmsg_len >= CMSG_LEN(sizeof(uint32_t))) {
			uint32_t drops;

			memcpy(&drops, CMSG_DATA(c), sizeof(drops));
			if (drops > b->drops)
				b->drops = drops;
		} else if (c->cmsg_level == IPPROTO_IP &&
		    c->cmsg_type == IP_PKTINFO &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct in_pktinfo))) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			/* The address to answer from: for a broadcast or
			 * multicast datagram, the interface's own. */
			set_local4(&d->local, pi.ipi_spec_dst);
			d->ifindex = (unsigned int)pi.ipi_ifindex;
		} else if (c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_PKTINFO &&
		    c->cmsg_len >= CMSG_LEN(sizeof(struct in6_pktinfo))) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			d->ifindex = pi.ipi6_ifindex;
			if (!IN6_IS_ADDR_MULTICAST(&pi.ipi6_addr))
				set_local6(&d->local, &pi.ipi6_addr,
				    pi.ipi6_ifindex);
		}
	}
}

/* Timeout mode: wait at most the socket's timeout for events, again
 * after a signal. */
static int
wait_ready(struct sk_socket *s, short events, struct sk_error *err)
{
	struct sk_error e = { 0 };

	for (;;) {
		if (sk_socket_poll(s, 1, events, s->timeout, NULL, NULL,
		    &e) >= 0)
			return 0;
		if (e.kind != SK_ERR_OS || e.code != EINTR) {
			if (err != NULL)
				*err = e;
			return -1;
		}
	}
}

ssize_t
sk_udp_recvmany(struct sk_socket *s, struct sk_dgram_batch *b,
    struct sk_error *err)
{
	struct batch_priv *p = b->priv;
	int flags = MSG_TRUNC | (s->timeout < 0 ? MSG_WAITFORONE :
	    MSG_DONTWAIT);
	size_t i;
	int n;

	b->n = 0;
	if (s->fd < 0)
		return CLOSED(err);
	for (i = 0; i < b->cap; i++) {
		struct msghdr *m = &p->msgs[i].msg_hdr;

		p->iov[i].iov_base = b->d[i].data;
		p->iov[i].iov_len = b->d[i].size;
		memset(m, 0, sizeof(*m));
		m->msg_name = &b->d[i].peer.u;
		m->msg_namelen = sizeof(b->d[i].peer.u);
		m->msg_iov = &p->iov[i];
		m->msg_iovlen = 1;
		m->msg_control = p->control[i].buf;
		m->msg_controllen = sizeof(p->control[i].buf);
	}
	for (;;) {
		n = recvmmsg(s->fd, p->msgs, (unsigned int)b->cap, flags, NULL);
		if (n >= 0)
			break;
		if (errno == EINTR)
			continue;
		if ((errno == EAGAIN || errno == EWOULDBLOCK) &&
		    s->timeout > 0) {
			if (wait_ready(s, POLLIN, err) == -1)
				return -1;
			continue;
		}
		return sk_error_set(err, SK_ERR_OS, errno, NULL);
	}
	for (i = 0; i < (size_t)n; i++) {
		struct sk_dgram *d = &b->d[i];
		struct msghdr *m = &p->msgs[i].msg_hdr;

		d->peer.len = m->msg_namelen;
		d->wire_len = p->msgs[i].msg_len;
		d->len = d->wire_len < d->size ? d->wire_len : d->size;
		parse_control(b, d, m);
	}
	b->n = (size_t)n;
	return n;
}

/* The source address of d as an IP_PKTINFO or IPV6_PKTINFO message. */
static void
put_source(struct msghdr *m, const struct sk_dgram *d, void *buf,
    size_t size)
{
	struct cmsghdr *c;

	memset(buf, 0, size);
	m->msg_control = buf;
	m->msg_controllen = size;
	c = CMSG_FIRSTHDR(m);
	if (d->local.u.sa.sa_family == AF_INET) {
		struct in_pktinfo pi;

		memset(&pi, 0, sizeof(pi));
		pi.ipi_spec_dst = d->local.u.in.sin_addr;
		c->cmsg_level = IPPROTO_IP;
		c->cmsg_type = IP_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		m->msg_controllen = CMSG_SPACE(sizeof(pi));
	} else {
		struct in6_pktinfo pi;

		memset(&pi, 0, sizeof(pi));
		pi.ipi6_addr = d->local.u.in6.sin6_addr;
		pi.ipi6_ifindex = d->local.u.in6.sin6_scope_id;
		c->cmsg_level = IPPROTO_IPV6;
		c->cmsg_type = IPV6_PKTINFO;
		c->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(c), &pi, sizeof(pi));
		m->msg_controllen = CMSG_SPACE(sizeof(pi));
	}
}

ssize_t
sk_udp_sendmany(struct sk_socket *s, const struct sk_dgram *d, size_t n,
    struct sk_error *err)
{
	struct mmsghdr msgs[SK_UDP_BATCH];
	struct iovec iov[SK_UDP_BATCH];
	union {
		struct cmsghdr align;
		unsigned char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} control[SK_UDP_BATCH];
	size_t done = 0, k, i;
	int r;

	if (s->fd < 0)
		return CLOSED(err);
	while (done < n) {
		k = n - done < SK_UDP_BATCH ? n - done : SK_UDP_BATCH;
		for (i = 0; i < k; i++) {
			const struct sk_dgram *x = &d[done + i];
			struct msghdr *m = &msgs[i].msg_hdr;

			iov[i].iov_base = x->data;
			iov[i].iov_len = x->len;
			memset(m, 0, sizeof(*m));
			if (x->peer.len > 0) {
				m->msg_name = (void *)(uintptr_t)&x->peer.u;
				m->msg_namelen = x->peer.len;
			}
			m->msg_iov = &iov[i];
			m->msg_iovlen = 1;
			if (x->local.len > 0 &&
			    (x->local.u.sa.sa_family == AF_INET ||
			    x->local.u.sa.sa_family == AF_INET6))
				put_source(m, x, control[i].buf,
				    sizeof(control[i].buf));
		}
		r = sendmmsg(s->fd, msgs, (unsigned int)k, MSG_NOSIGNAL);
		if (r > 0) {
			done += (size_t)r;
			if ((size_t)r < k)
				break;	/* the next one failed */
			continue;
		}
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1 && (errno == EAGAIN || errno == EWOULDBLOCK) &&
		    s->timeout > 0) {
			if (wait_ready(s, POLLOUT, err) == -1)
				return done > 0 ? (ssize_t)done : -1;
			continue;
		}
		if (done > 0)
			break;
		return sk_error_set(err, SK_ERR_OS, errno, NULL);
	}
	return (ssize_t)done;
}

int
sk_socket_poll(struct sk_socket *s, size_t n, short events, double timeout,
    const sigset_t *sigmask, short *revents, struct sk_error *err)
{
	struct pollfd pfd[64];
	struct timespec ts, *tsp = NULL;
	size_t i;
	int r;

	if (n == 0 || n > sizeof(pfd) / sizeof(pfd[0]))
		return sk_error_set(err, SK_ERR_VALUE, EINVAL,
		    "too many sockets to wait for");
	for (i = 0; i < n; i++) {
		if (s[i].fd < 0)
			return CLOSED(err);
		pfd[i].fd = s[i].fd;
		pfd[i].events = events;
		pfd[i].revents = 0;
	}
	if (timeout >= 0 && !isnan(timeout)) {
		if (timeout > 1e9)
			timeout = 1e9;
		ts.tv_sec = (time_t)timeout;
		ts.tv_nsec = (long)((timeout - (double)ts.tv_sec) * 1e9);
		tsp = &ts;
	}
	r = ppoll(pfd, n, tsp, sigmask);
	if (r == -1)
		return sk_error_set(err, SK_ERR_OS, errno, NULL);
	if (r == 0)
		return sk_error_set(err, SK_ERR_TIMEOUT, ETIMEDOUT, NULL);
	if (revents != NULL)
		for (i = 0; i < n; i++)
			revents[i] = pfd[i].revents;
	return r;
}

/* Whether two addresses are the same (family, address, scope). */
static bool
same_host(const struct sk_addr *a, const struct sk_addr *b)
{
	if (a->u.sa.sa_family != b->u.sa.sa_family)
		return false;
	if (a->u.sa.sa_family == AF_INET)
		return a->u.in.sin_addr.s_addr == b->u.in.sin_addr.s_addr;
	return memcmp(&a->u.in6.sin6_addr, &b->u.in6.sin6_addr,
	    sizeof(a->u.in6.sin6_addr)) == 0 &&
	    a->u.in6.sin6_scope_id == b->u.in6.sin6_scope_id;
}

/* The distinct addresses of host for family, in the resolver's order. */
static ssize_t
host_addrs(const char *host, int family, struct sk_addr *out, size_t max,
    struct sk_error *err)
{
	struct sk_addrinfo *ai = NULL;
	ssize_t n, i;
	size_t k = 0, j;

	if (*host == '\0' || strcmp(host, "<broadcast>") == 0) {
		if (family != AF_INET6 && k < max &&
		    sk_addr_resolve(&out[k], host, NULL, AF_INET, SOCK_DGRAM,
		    err) == 0)
			k++;
		if (family != AF_INET && *host == '\0' && k < max &&
		    sk_has_ipv6() && sk_addr_resolve(&out[k], host, NULL,
		    AF_INET6, SOCK_DGRAM, err) == 0)
			k++;
		return k > 0 ? (ssize_t)k : -1;
	}
	if ((n = sk_getaddrinfo(host, NULL, family, SOCK_DGRAM, 0, 0, &ai,
	    err)) < 0)
		return -1;
	for (i = 0; i < n && k < max; i++) {
		if (ai[i].family != AF_INET && ai[i].family != AF_INET6)
			continue;
		for (j = 0; j < k; j++)
			if (same_host(&out[j], &ai[i].addr))
				break;
		if (j == k)
			out[k++] = ai[i].addr;
	}
	sk_addrinfo_free(ai, (size_t)n);
	if (k == 0)
		return sk_error_set(err, SK_ERR_GAIERROR, EAI_FAMILY,
		    "no IPv4 or IPv6 address");
	return (ssize_t)k;
}

static void
close_all(struct sk_socket *s, size_t n)
{
	while (n > 0)
		(void)sk_socket_close(&s[--n], NULL);
}

/* One bound socket for addr (whose port is set). */
static int
bind_one(struct sk_socket *s, const struct sk_addr *addr, bool wildcard6,
    int flags, struct sk_error *err)
{
	int family = addr->u.sa.sa_family;

	if (sk_socket_open(s, family, SOCK_DGRAM, 0, err) == -1)
		return -1;
	if ((family == AF_INET6 && wildcard6 && sk_socket_setsockopt_int(s,
	    IPPROTO_IPV6, IPV6_V6ONLY, 1, err) == -1) ||
	    ((flags & SK_UDP_REUSEADDR) && sk_socket_setsockopt_int(s,
	    SOL_SOCKET, SO_REUSEADDR, 1, err) == -1) ||
	    sk_socket_bind(s, addr, err) == -1) {
		(void)sk_socket_close(s, NULL);
		return -1;
	}
	return 0;
}

ssize_t
sk_udp_bind_all(struct sk_socket *out, size_t max, const char *host,
    const char *port, int family, int flags, struct sk_error *err)
{
	struct sk_addr addrs[16], got;
	unsigned int portnum = 0;
	ssize_t n;
	size_t i, cap = max < 16 ? max : 16;
	int tries;

	if (cap == 0)
		return sk_error_set(err, SK_ERR_VALUE, EINVAL, "no room");
	if (host == NULL)
		host = "";
	if (port != NULL && sk_parse_port(port, "udp", &portnum, err) == -1)
		return -1;
	if ((n = host_addrs(host, family, addrs, cap, err)) < 0)
		return -1;
	/* With port 0, the first socket's port for all; should another
	 * program hold it on another address, try again. */
	for (tries = 0; tries < 16; tries++) {
		unsigned int p = portnum;

		for (i = 0; i < (size_t)n; i++) {
			sk_addr_set_port(&addrs[i], p);
			if (bind_one(&out[i], &addrs[i], *host == '\0', flags,
			    err) == -1)
				break;
			if (i == 0 && p == 0) {
				if (sk_socket_getsockname(&out[0], &got,
				    err) == -1) {
					(void)sk_socket_close(&out[0], NULL);
					break;
				}
				p = sk_addr_port(&got);
			}
		}
		if (i == (size_t)n)
			return n;
		close_all(out, i);
		if (portnum != 0 || i == 0 || err == NULL ||
		    err->code != EADDRINUSE)
			return -1;
	}
	return -1;
}

bool
sk_addr_is_multicast(const struct sk_addr *addr)
{
	switch (sk_addr_family(addr)) {
	case AF_INET:
		return IN_MULTICAST(ntohl(addr->u.in.sin_addr.s_addr));
	case AF_INET6:
		return IN6_IS_ADDR_MULTICAST(&addr->u.in6.sin6_addr);
	default:
		return false;
	}
}

int
sk_interface_index(const char *name, unsigned int *index,
    struct sk_error *err)
{
	unsigned int i = if_nametoindex(name);

	if (i == 0)
		return sk_error_set(err, SK_ERR_OS, errno != 0 ? errno :
		    ENODEV, NULL);
	*index = i;
	return 0;
}

static int
group_op(struct sk_socket *s, const struct sk_addr *group,
    unsigned int ifindex, bool join, struct sk_error *err)
{
	int family = sk_addr_family(group);

	if (!sk_addr_is_multicast(group))
		return sk_error_set(err, SK_ERR_VALUE, EINVAL,
		    "not a multicast address");
	if (family != s->family)
		return sk_error_set(err, SK_ERR_OS, EAFNOSUPPORT, NULL);
	if (family == AF_INET) {
		struct ip_mreqn mr;

		memset(&mr, 0, sizeof(mr));
		mr.imr_multiaddr = group->u.in.sin_addr;
		mr.imr_ifindex = (int)ifindex;
		if (join && sk_socket_setsockopt_int(s, IPPROTO_IP,
		    IP_MULTICAST_ALL, 0, err) == -1)
			return -1;
		return sk_socket_setsockopt(s, IPPROTO_IP, join ?
		    IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP, &mr, sizeof(mr),
		    err);
	} else {
		struct ipv6_mreq mr;

		memset(&mr, 0, sizeof(mr));
		mr.ipv6mr_multiaddr = group->u.in6.sin6_addr;
		mr.ipv6mr_interface = ifindex != 0 ? ifindex :
		    group->u.in6.sin6_scope_id;
		/* IPV6_MULTICAST_ALL came with Linux 4.20: best effort. */
		if (join)
			(void)sk_socket_setsockopt_int(s, IPPROTO_IPV6,
			    IPV6_MULTICAST_ALL, 0, NULL);
		return sk_socket_setsockopt(s, IPPROTO_IPV6, join ?
		    IPV6_ADD_MEMBERSHIP : IPV6_DROP_MEMBERSHIP, &mr,
		    sizeof(mr), err);
	}
}

int
sk_udp_join(struct sk_socket *s, const struct sk_addr *group,
    unsigned int ifindex, struct sk_error *err)
{
	return group_op(s, group, ifindex, true, err);
}

int
sk_udp_leave(struct sk_socket *s, const struct sk_addr *group,
    unsigned int ifindex, struct sk_error *err)
{
	return group_op(s, group, ifindex, false, err);
}

/* An integer option that IPv4 and IPv6 spell differently. */
static int
ip_option(struct sk_socket *s, int opt4, int opt6, int value,
    struct sk_error *err)
{
	if (s->family == AF_INET6)
		return sk_socket_setsockopt_int(s, IPPROTO_IPV6, opt6, value,
		    err);
	if (s->family != AF_INET)
		return sk_error_set(err, SK_ERR_OS, EAFNOSUPPORT, NULL);
	return sk_socket_setsockopt_int(s, IPPROTO_IP, opt4, value, err);
}

int
sk_udp_set_multicast_if(struct sk_socket *s, unsigned int ifindex,
    struct sk_error *err)
{
	struct ip_mreqn mr;

	if (s->family == AF_INET6)
		return sk_socket_setsockopt_int(s, IPPROTO_IPV6,
		    IPV6_MULTICAST_IF, (int)ifindex, err);
	memset(&mr, 0, sizeof(mr));
	mr.imr_ifindex = (int)ifindex;
	return sk_socket_setsockopt(s, IPPROTO_IP, IP_MULTICAST_IF, &mr,
	    sizeof(mr), err);
}

int
sk_udp_set_multicast_ttl(struct sk_socket *s, int ttl, struct sk_error *err)
{
	if (ttl < 0 || ttl > 255)
		return sk_error_set(err, SK_ERR_VALUE, EINVAL,
		    "TTL out of range 0..255");
	return ip_option(s, IP_MULTICAST_TTL, IPV6_MULTICAST_HOPS, ttl, err);
}

int
sk_udp_set_multicast_loop(struct sk_socket *s, bool on, struct sk_error *err)
{
	return ip_option(s, IP_MULTICAST_LOOP, IPV6_MULTICAST_LOOP, on, err);
}

int
sk_udp_set_ttl(struct sk_socket *s, int ttl, struct sk_error *err)
{
	if (ttl < 1 || ttl > 255)
		return sk_error_set(err, SK_ERR_VALUE, EINVAL,
		    "TTL out of range 1..255");
	return ip_option(s, IP_TTL, IPV6_UNICAST_HOPS, ttl, err);
}

int
sk_udp_set_broadcast(struct sk_socket *s, bool on, struct sk_error *err)
{
	return sk_socket_setsockopt_int(s, SOL_SOCKET, SO_BROADCAST, on, err);
}

int
sk_udp_set_pktinfo(struct sk_socket *s, bool on, struct sk_error *err)
{
	return ip_option(s, IP_PKTINFO, IPV6_RECVPKTINFO, on, err);
}

int
sk_udp_set_drops(struct sk_socket *s, bool on, struct sk_error *err)
{
	return sk_socket_setsockopt_int(s, SOL_SOCKET, SO_RXQ_OVFL, on, err);
}

int
sk_udp_drops(struct sk_socket *s, uint32_t *drops, struct sk_error *err)
{
	uint32_t mem[SK_MEMINFO_VARS];
	socklen_t len = sizeof(mem);

	*drops = 0;
	memset(mem, 0, sizeof(mem));
	if (sk_socket_getsockopt(s, SOL_SOCKET, SO_MEMINFO, mem, &len,
	    err) == -1)
		return -1;
	if (len < (SK_MEMINFO_DROPS + 1) * sizeof(uint32_t))
		return sk_error_set(err, SK_ERR_OS, ENOPROTOOPT, NULL);
	*drops = mem[SK_MEMINFO_DROPS];
	return 0;
}

int
sk_udp_set_recverr(struct sk_socket *s, bool on, struct sk_error *err)
{
	return ip_option(s, IP_RECVERR, IPV6_RECVERR, on, err);
}

int
sk_udp_recv_error(struct sk_socket *s, struct sk_error *icmp,
    struct sk_addr *dest, struct sk_addr *offender, struct sk_error *err)
{
	union {
		struct cmsghdr align;
		unsigned char buf[512];
	} control;
	unsigned char byte;
	struct iovec iov = { &byte, sizeof(byte) };
	struct msghdr m;
	struct cmsghdr *c;
	ssize_t r;

	bool local;

	if (s->fd < 0)
		return CLOSED(err);
again:
	local = false;
	memset(dest, 0, sizeof(*dest));
	if (offender != NULL)
		memset(offender, 0, sizeof(*offender));
	memset(&m, 0, sizeof(m));
	m.msg_name = &dest->u;
	m.msg_namelen = sizeof(dest->u);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = control.buf;
	m.msg_controllen = sizeof(control.buf);
	while ((r = recvmsg(s->fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT)) == -1 &&
	    errno == EINTR)
		;
	if (r == -1) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		return sk_error_set(err, SK_ERR_OS, errno, NULL);
	}
	dest->len = m.msg_namelen;
	(void)sk_error_set(icmp, SK_ERR_OS, EPROTO, NULL);
	for (c = CMSG_FIRSTHDR(&m); c != NULL; c = CMSG_NXTHDR(&m, c)) {
		struct sock_extended_err ee;
		const struct sockaddr *off;

		if (!((c->cmsg_level == IPPROTO_IP &&
		    c->cmsg_type == IP_RECVERR) ||
		    (c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_RECVERR)) ||
		    c->cmsg_len < CMSG_LEN(sizeof(ee)))
			continue;
		memcpy(&ee, CMSG_DATA(c), sizeof(ee));
		local = ee.ee_origin == SO_EE_ORIGIN_LOCAL;
		(void)sk_error_set(icmp, SK_ERR_OS, (int)ee.ee_errno, NULL);
		off = (const struct sockaddr *)(CMSG_DATA(c) + sizeof(ee));
		if (offender != NULL && c->cmsg_len >= CMSG_LEN(sizeof(ee) +
		    sizeof(struct sockaddr_in)) && (off->sa_family == AF_INET ||
		    (off->sa_family == AF_INET6 && c->cmsg_len >=
		    CMSG_LEN(sizeof(ee) + sizeof(struct sockaddr_in6)))))
			(void)sk_addr_from_sockaddr(offender, off,
			    off->sa_family == AF_INET ?
			    sizeof(struct sockaddr_in) :
			    sizeof(struct sockaddr_in6), NULL);
	}
	/* A local error (EMSGSIZE) was the failed call's own: skip it. */
	if (local)
		goto again;
	return 1;
}

int
sk_socket_setbuf(struct sk_socket *s, int opt, int bytes, int *got,
    struct sk_error *err)
{
	int force = opt == SO_RCVBUF ? SO_RCVBUFFORCE : SO_SNDBUFFORCE;

	if (opt != SO_RCVBUF && opt != SO_SNDBUF)
		return sk_error_set(err, SK_ERR_VALUE, EINVAL,
		    "not SO_RCVBUF or SO_SNDBUF");
	/* Without CAP_NET_ADMIN the kernel caps the plain option at
	 * rmem_max or wmem_max without failing. */
	if (sk_socket_setsockopt_int(s, SOL_SOCKET, force, bytes, NULL) == -1 &&
	    sk_socket_setsockopt_int(s, SOL_SOCKET, opt, bytes, err) == -1)
		return -1;
	if (got != NULL)
		return sk_socket_getsockopt_int(s, SOL_SOCKET, opt, got, err);
	return 0;
}
