/*
 * capture.c - live capture, the way libpcap does it on Linux: an AF_PACKET
 * socket (packet(7)) with a TPACKET_V3 memory-mapped ring of blocks that
 * the kernel fills and hands over whole, a classic BPF program attached
 * with SO_ATTACH_FILTER before the socket is bound (so that nothing
 * unwanted is ever queued), promiscuous mode as a PACKET_MR_PROMISC
 * membership (dropped by the kernel when the socket closes, however the
 * process ends), PACKET_STATISTICS for the counts.  And the reference's
 * IP-level raw socket (raw(7)): AF_INET, SOCK_RAW and a protocol.
 */
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <linux/filter.h>
#include <linux/if_packet.h>
#include <linux/if_ether.h>
#include <net/if.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "sockit-int.h"

#define SLL_HDR_LEN	16
#define SLL2_HDR_LEN	20
#define VLAN_TAG_LEN	4
#define RESERVE		SLL2_HDR_LEN	/* room before each packet */
#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2	276
#endif
#define IP_BATCH	64

struct sk_capture {
	int fd;
	int linktype;
	unsigned int snaplen;
	bool ip_mode;
	bool cooked;		/* SOCK_DGRAM: we write the SLL header */
	int lo_ifindex;		/* > 0: skip lo's outgoing copies */
	/* The ring. */
	unsigned char *ring;
	size_t ring_len;
	size_t block_size;
	unsigned int block_nr;
	unsigned int block;	/* the block we read next */
	unsigned int pkt;	/* packets of it already passed on */
	unsigned char *next;	/* and where the next one starts */
	/* IP mode. */
	unsigned char *buf;
	size_t buf_size;
	uint32_t ovfl;		/* SO_RXQ_OVFL's last count */
	uint64_t ip_received;
	struct sk_capture_stats total;
};

static int
os_error(struct sk_error *err)
{
	return sk_error_set(err, SK_ERR_OS, errno, NULL);
}

/* The ARPHRD_* type of an interface, from sysfs; -1 if there is none. */
static int
iface_type(const char *ifname)
{
	char path[64 + IF_NAMESIZE], text[16];
	long long v;
	ssize_t n;
	int fd;

	if (strlen(ifname) >= IF_NAMESIZE || strchr(ifname, '/') != NULL)
		return -1;
	(void)snprintf(path, sizeof(path), "/sys/class/net/%s/type", ifname);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, text, sizeof(text) - 1);
	(void)close(fd);
	if (n <= 0)
		return -1;
	text[n] = '\0';
	text[strcspn(text, "\n")] = '\0';
	if (sk_parse_integer(text, 0, 65535, &v, NULL) == -1)
		return -1;
	return (int)v;
}

static bool
is_any(const char *ifname)
{
	return ifname == NULL || strcmp(ifname, "any") == 0;
}

int
sk_capture_linktype_for(const char *ifname, struct sk_error *err)
{
	int type;

	/* As tcpdump 4.99 does: SLL2 keeps the interface of each packet. */
	if (is_any(ifname))
		return DLT_LINUX_SLL2;
	if (if_nametoindex(ifname) == 0)
		return sk_error_set(err, SK_ERR_OS, ENODEV, NULL);
	type = iface_type(ifname);
	/* Ethernet and loopback carry Ethernet headers; other devices are
	 * captured cooked, as libpcap does for the types it does not map. */
	if (type == 1 || type == 772)
		return DLT_EN10MB;
	return DLT_LINUX_SLL;
}

/*
 * In cooked mode the kernel runs the filter on the packet without the
 * SLL (16 bytes) or SLL2 (20 bytes) header that libpcap compiled for:
 * shift the loads, and turn those of the header's packet type, protocol,
 * interface and hardware type into the kernel's ancillary loads (as
 * libpcap's own fix-up does).  -1 if a load cannot be expressed.
 * cooked_field is the ancillary field for a header offset, or -1.
 */
static int
cooked_field(uint32_t k, bool v2)
{
	if (k == (v2 ? 10u : 0u))
		return SKF_AD_PKTTYPE;
	if (k == (v2 ? 0u : 14u))
		return SKF_AD_PROTOCOL;
	if (v2 && k == 4)
		return SKF_AD_IFINDEX;
	if (k == (v2 ? 8u : 2u))
		return SKF_AD_HATYPE;
	return -1;
}

static int
fix_cooked(struct sock_filter *insn, size_t n, bool v2)
{
	size_t i, hl = v2 ? SLL2_HDR_LEN : SLL_HDR_LEN;
	int ad;

	for (i = 0; i < n; i++) {
		struct sock_filter *p = &insn[i];
		unsigned int mode = BPF_MODE(p->code);

		if (BPF_CLASS(p->code) != BPF_LD &&
		    BPF_CLASS(p->code) != BPF_LDX)
			continue;
		if (mode != BPF_ABS && mode != BPF_IND && mode != BPF_MSH)
			continue;
		if (p->k >= hl)
			p->k -= (uint32_t)hl;
		else if (mode == BPF_ABS && (ad = cooked_field(p->k, v2)) >= 0)
			p->k = (uint32_t)(SKF_AD_OFF + ad);
		else
			return -1;
	}
	return 0;
}

/*
 * The program the kernel runs: the user's program, or "keep snaplen".
 * On loopback (or "any") a packet socket sees every loopback packet
 * twice, going out and coming in.  The outgoing copy still runs the
 * user's program, so that the kernel counts it as libpcap's captures do
 * ("packets received by filter" is tcpdump's number), but a second copy
 * of the program, which keeps one byte of what it accepts; next_ring
 * skips those copies.
 */
static int
attach_filter(struct sk_capture *c, const struct sk_filter *f,
    int lo_ifindex, struct sk_error *err)
{
	struct sock_filter pre[5] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_PKTTYPE),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SKF_AD_OFF + SKF_AD_IFINDEX),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),
		BPF_STMT(BPF_JMP | BPF_JA, 0),	/* to the second copy */
	};
	struct sock_filter keep = BPF_STMT(BPF_RET | BPF_K, c->snaplen);
	const struct bpf_program *prog = f != NULL ?
	    sk__filter_program(f) : NULL;
	size_t npre = lo_ifindex > 0 ? 5 : 0, nuser, n;
	struct sock_filter *all;
	struct sock_fprog fprog;
	int rc;

	size_t i;

	nuser = prog != NULL && prog->bf_len > 0 ? prog->bf_len : 1;
	n = npre + (npre > 0 ? 2 : 1) * nuser;
	if (n > BPF_MAXINSNS)
		return sk_error_set(err, SK_ERR_VALUE, E2BIG,
		    "filter too long for the kernel");
	if ((all = calloc(n, sizeof(*all))) == NULL)
		return sk_error_set(err, SK_ERR_OS, ENOMEM, NULL);
	pre[3].k = (uint32_t)lo_ifindex;
	pre[4].k = (uint32_t)nuser;
	memcpy(all, pre, npre * sizeof(*all));
	if (prog != NULL && prog->bf_len > 0) {
		/* struct bpf_insn and struct sock_filter have one layout. */
		memcpy(all + npre, prog->bf_insns, nuser * sizeof(*all));
		if (c->cooked && fix_cooked(all + npre, nuser,
		    c->linktype == DLT_LINUX_SLL2) == -1) {
			free(all);
			return sk_error_set(err, SK_ERR_VALUE, EINVAL,
			    "filter cannot run in the kernel on a cooked "
			    "capture");
		}
	} else
		all[npre] = keep;
	if (npre > 0) {
		/* The second copy: what it keeps, it keeps one byte of. */
		memcpy(all + npre + nuser, all + npre, nuser * sizeof(*all));
		for (i = npre + nuser; i < n; i++)
			if (all[i].code == (BPF_RET | BPF_K) && all[i].k != 0)
				all[i].k = 1;
	}
	fprog.len = (unsigned short)n;
	fprog.filter = all;
	rc = setsockopt(c->fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog,
	    sizeof(fprog));
	free(all);
	return rc == -1 ? os_error(err) : 0;
}

static size_t
pow2_at_least(size_t n)
{
	size_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

static int
setup_ring(struct sk_capture *c, size_t ring_size, unsigned int tov,
    struct sk_error *err)
{
	struct tpacket_req3 req;
	int v = TPACKET_V3, reserve = RESERVE;
	size_t need;

	if (setsockopt(c->fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) == -1)
		return os_error(err);
	if (setsockopt(c->fd, SOL_PACKET, PACKET_RESERVE, &reserve,
	    sizeof(reserve)) == -1)
		return os_error(err);
	/* A block holds at least one packet of snaplen bytes, headers and
	 * all; 1 MiB blocks otherwise, as many as ring_size allows. */
	need = (size_t)c->snaplen + TPACKET3_HDRLEN + 64 + RESERVE +
	    VLAN_TAG_LEN;
	c->block_size = pow2_at_least(need < (1u << 20) ? (1u << 20) : need);
	if (ring_size < 2 * c->block_size)
		ring_size = 2 * c->block_size;
	c->block_nr = (unsigned int)(ring_size / c->block_size);
	memset(&req, 0, sizeof(req));
	req.tp_block_size = (unsigned int)c->block_size;
	req.tp_block_nr = c->block_nr;
	req.tp_frame_size = TPACKET_ALIGNMENT << 7;
	req.tp_frame_nr = (unsigned int)(c->block_size / req.tp_frame_size *
	    c->block_nr);
	req.tp_retire_blk_tov = tov;
	if (setsockopt(c->fd, SOL_PACKET, PACKET_RX_RING, &req,
	    sizeof(req)) == -1)
		return os_error(err);
	c->ring_len = c->block_size * c->block_nr;
	c->ring = mmap(NULL, c->ring_len, PROT_READ | PROT_WRITE,
	    MAP_SHARED, c->fd, 0);
	if (c->ring == MAP_FAILED) {
		c->ring = NULL;
		return os_error(err);
	}
	return 0;
}

static int
open_packet(struct sk_capture *c, const struct sk_capture_opts *o,
    struct sk_error *err)
{
	struct sockaddr_ll sll;
	int ifindex = 0, lo = 0;

	if (!is_any(o->ifname) &&
	    (ifindex = (int)if_nametoindex(o->ifname)) == 0)
		return sk_error_set(err, SK_ERR_OS, ENODEV, NULL);
	if ((c->linktype = sk_capture_linktype_for(o->ifname, err)) == -1)
		return -1;
	c->cooked = c->linktype == DLT_LINUX_SLL ||
	    c->linktype == DLT_LINUX_SLL2;
	/* Protocol 0: nothing is queued until bind() names one. */
	c->fd = socket(AF_PACKET, (c->cooked ? SOCK_DGRAM : SOCK_RAW) |
	    SOCK_CLOEXEC, 0);
	if (c->fd == -1)
		return os_error(err);
	if (is_any(o->ifname) || iface_type(o->ifname) == 772)
		lo = (int)if_nametoindex("lo");
	c->lo_ifindex = lo;
	if (attach_filter(c, o->filter, lo, err) == -1 ||
	    setup_ring(c, o->ring_size > 0 ? o->ring_size : SK_RING_DEFAULT,
	    o->block_timeout_ms > 0 ? o->block_timeout_ms : 50, err) == -1)
		return -1;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = ifindex;
	if (bind(c->fd, (struct sockaddr *)&sll, sizeof(sll)) == -1)
		return os_error(err);
	if (o->promisc && ifindex > 0) {
		struct packet_mreq mr;

		memset(&mr, 0, sizeof(mr));
		mr.mr_ifindex = ifindex;
		mr.mr_type = PACKET_MR_PROMISC;
		if (setsockopt(c->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr,
		    sizeof(mr)) == -1)
			return os_error(err);
	}
	return 0;
}

static int
open_ip(struct sk_capture *c, const struct sk_capture_opts *o,
    struct sk_error *err)
{
	int one = 1, size;
	unsigned char drain[64];

	c->ip_mode = true;
	c->linktype = DLT_RAW;
	if (!is_any(o->ifname) && if_nametoindex(o->ifname) == 0)
		return sk_error_set(err, SK_ERR_OS, ENODEV, NULL);
	c->fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, o->ip_proto);
	if (c->fd == -1)
		return os_error(err);
	if (!is_any(o->ifname) && setsockopt(c->fd, SOL_SOCKET,
	    SO_BINDTODEVICE, o->ifname, (socklen_t)strlen(o->ifname)) == -1)
		return os_error(err);
	if (attach_filter(c, o->filter, 0, err) == -1)
		return -1;
	/* What arrived before the filter was attached is dropped. */
	while (recv(c->fd, drain, sizeof(drain), MSG_DONTWAIT) >= 0)
		;
	size = (int)(o->ring_size > 0 ? o->ring_size : SK_RING_DEFAULT);
	if (size < 0)
		size = INT_MAX;
	if (setsockopt(c->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
	    sizeof(size)) == -1)
		(void)setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &size,
		    sizeof(size));
	if (setsockopt(c->fd, SOL_SOCKET, SO_TIMESTAMPNS, &one,
	    sizeof(one)) == -1 ||
	    setsockopt(c->fd, SOL_SOCKET, SO_RXQ_OVFL, &one,
	    sizeof(one)) == -1)
		return os_error(err);
	c->buf_size = 65536;
	if ((c->buf = malloc(c->buf_size)) == NULL)
		return sk_error_set(err, SK_ERR_OS, ENOMEM, NULL);
	return 0;
}

struct sk_capture *
sk_capture_open(const struct sk_capture_opts *o, struct sk_error *err)
{
	struct sk_capture *c;
	int rc;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		(void)sk_error_set(err, SK_ERR_OS, ENOMEM, NULL);
		return NULL;
	}
	c->fd = -1;
	c->snaplen = o->snaplen > 0 ? o->snaplen : SK_SNAPLEN_DEFAULT;
	rc = o->ip_proto > 0 ? open_ip(c, o, err) : open_packet(c, o, err);
	if (rc == -1) {
		sk_capture_close(c);
		return NULL;
	}
	return c;
}

int
sk_capture_linktype(const struct sk_capture *c)
{
	return c->linktype;
}

unsigned int
sk_capture_snaplen(const struct sk_capture *c)
{
	return c->snaplen;
}

int
sk_capture_fd(const struct sk_capture *c)
{
	return c->fd;
}

static int
wait_readable(int fd, int timeout_ms, struct sk_error *err)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int n = poll(&pfd, 1, timeout_ms);

	if (n < 0)
		return os_error(err);
	if (n > 0 && (pfd.revents & (POLLERR | POLLNVAL)))
		return sk_error_set(err, SK_ERR_OS, EIO, NULL);
	return n;
}

/* The address the kernel puts after each packet's ring header. */
static const struct sockaddr_ll *
ring_sll(const struct tpacket3_hdr *h)
{
	return (const struct sockaddr_ll *)((const unsigned char *)h +
	    TPACKET_ALIGN(sizeof(*h)));
}

/* One packet of a block, as the caller sees it. */
static void
ring_packet(struct sk_capture *c, struct tpacket3_hdr *h, struct sk_packet *p)
{
	unsigned char *data = (unsigned char *)h + h->tp_mac;
	uint32_t caplen = h->tp_snaplen, len = h->tp_len;

	if (c->cooked && c->linktype == DLT_LINUX_SLL2) {
		const struct sockaddr_ll *sll = ring_sll(h);
		unsigned char *s = data - SLL2_HDR_LEN;
		unsigned int halen = sll->sll_halen > 8 ? 8 : sll->sll_halen;
		uint32_t ifindex = (uint32_t)sll->sll_ifindex;

		/* The SLL2 header (LINKTYPE_LINUX_SLL2), network order. */
		memset(s, 0, SLL2_HDR_LEN);
		memcpy(s, &sll->sll_protocol, 2);
		s[4] = (unsigned char)(ifindex >> 24);
		s[5] = (unsigned char)(ifindex >> 16);
		s[6] = (unsigned char)(ifindex >> 8);
		s[7] = (unsigned char)ifindex;
		s[8] = (unsigned char)(sll->sll_hatype >> 8);
		s[9] = (unsigned char)sll->sll_hatype;
		s[10] = sll->sll_pkttype;
		s[11] = (unsigned char)halen;
		memcpy(s + 12, sll->sll_addr, halen);
		data = s;
		caplen += SLL2_HDR_LEN;
		len += SLL2_HDR_LEN;
	} else if (c->cooked) {
		const struct sockaddr_ll *sll = ring_sll(h);
		unsigned char *s = data - SLL_HDR_LEN;
		unsigned int halen = sll->sll_halen > 8 ? 8 : sll->sll_halen;

		/* The SLL header (pcap-linktype(7), LINKTYPE_LINUX_SLL), in
		 * the room PACKET_RESERVE left before the packet. */
		memset(s, 0, SLL_HDR_LEN);
		s[0] = 0;
		s[1] = sll->sll_pkttype;
		s[2] = (unsigned char)(sll->sll_hatype >> 8);
		s[3] = (unsigned char)sll->sll_hatype;
		s[5] = (unsigned char)halen;
		memcpy(s + 6, sll->sll_addr, halen);
		memcpy(s + 14, &sll->sll_protocol, 2);
		data = s;
		caplen += SLL_HDR_LEN;
		len += SLL_HDR_LEN;
	} else if ((h->tp_status & TP_STATUS_VLAN_VALID) && caplen >= 12) {
		/* The kernel took the 802.1Q tag out: put it back. */
		uint16_t tpid = (h->tp_status & TP_STATUS_VLAN_TPID_VALID) ?
		    h->hv1.tp_vlan_tpid : ETH_P_8021Q;
		uint16_t tci = h->hv1.tp_vlan_tci;

		memmove(data - VLAN_TAG_LEN, data, 12);
		data -= VLAN_TAG_LEN;
		data[12] = (unsigned char)(tpid >> 8);
		data[13] = (unsigned char)tpid;
		data[14] = (unsigned char)(tci >> 8);
		data[15] = (unsigned char)tci;
		caplen += VLAN_TAG_LEN;
		len += VLAN_TAG_LEN;
	}
	if (caplen > c->snaplen)
		caplen = c->snaplen;
	p->ts.tv_sec = h->tp_sec;
	p->ts.tv_nsec = h->tp_nsec;
	p->caplen = caplen;
	p->len = len;
	p->data = data;
	p->linktype = c->linktype;
}

static int
next_ring(struct sk_capture *c, int timeout_ms, sk_packet_fn fn, void *ctx,
    struct sk_error *err)
{
	struct tpacket_block_desc *bd;
	int n = 0, rc;

	bd = (struct tpacket_block_desc *)(c->ring + c->block * c->block_size);
	while (!(__atomic_load_n(&bd->hdr.bh1.block_status,
	    __ATOMIC_ACQUIRE) & TP_STATUS_USER)) {
		if ((rc = wait_readable(c->fd, timeout_ms, err)) <= 0)
			return rc;
		if (!(__atomic_load_n(&bd->hdr.bh1.block_status,
		    __ATOMIC_ACQUIRE) & TP_STATUS_USER) && timeout_ms >= 0)
			return 0;
	}
	if (c->pkt == 0)
		c->next = (unsigned char *)bd + bd->hdr.bh1.offset_to_first_pkt;
	while (c->pkt < bd->hdr.bh1.num_pkts) {
		struct tpacket3_hdr *h = (struct tpacket3_hdr *)c->next;
		const struct sockaddr_ll *sll = ring_sll(h);
		struct sk_packet p;
		int stop;

		c->pkt++;
		c->next += h->tp_next_offset;
		/* lo's outgoing copy: counted by the kernel, not shown. */
		if (c->lo_ifindex > 0 && sll->sll_pkttype == PACKET_OUTGOING &&
		    sll->sll_ifindex == c->lo_ifindex)
			continue;
		ring_packet(c, h, &p);
		n++;
		stop = fn(ctx, &p);
		if (stop)
			return n;
	}
	/* Give the block back. */
	c->pkt = 0;
	__atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL,
	    __ATOMIC_RELEASE);
	c->block = (c->block + 1) % c->block_nr;
	return n;
}

static int
next_ip(struct sk_capture *c, int timeout_ms, sk_packet_fn fn, void *ctx,
    struct sk_error *err)
{
	int n = 0, rc;

	if ((rc = wait_readable(c->fd, timeout_ms, err)) <= 0)
		return rc;
	while (n < IP_BATCH) {
		union {
			struct cmsghdr align;
			char buf[CMSG_SPACE(sizeof(struct timespec)) +
			    CMSG_SPACE(sizeof(uint32_t))];
		} cbuf;
		struct iovec iov = { c->buf, c->buf_size };
		struct msghdr msg;
		struct cmsghdr *cm;
		struct sk_packet p;
		ssize_t len;

		memset(&msg, 0, sizeof(msg));
		memset(&p, 0, sizeof(p));
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = cbuf.buf;
		msg.msg_controllen = sizeof(cbuf.buf);
		len = recvmsg(c->fd, &msg, MSG_DONTWAIT | MSG_TRUNC);
		if (len < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (n > 0)
				break;
			return os_error(err);
		}
		for (cm = CMSG_FIRSTHDR(&msg); cm != NULL;
		    cm = CMSG_NXTHDR(&msg, cm)) {
			if (cm->cmsg_level != SOL_SOCKET)
				continue;
			if (cm->cmsg_type == SO_TIMESTAMPNS)
				memcpy(&p.ts, CMSG_DATA(cm), sizeof(p.ts));
			else if (cm->cmsg_type == SO_RXQ_OVFL)
				memcpy(&c->ovfl, CMSG_DATA(cm),
				    sizeof(c->ovfl));
		}
		p.len = (uint32_t)len;
		p.caplen = (uint32_t)((size_t)len > c->buf_size ?
		    c->buf_size : (size_t)len);
		if (p.caplen > c->snaplen)
			p.caplen = c->snaplen;
		p.data = c->buf;
		p.linktype = DLT_RAW;
		c->ip_received++;
		n++;
		if (fn(ctx, &p))
			break;
	}
	return n;
}

int
sk_capture_next(struct sk_capture *c, int timeout_ms, sk_packet_fn fn,
    void *ctx, struct sk_error *err)
{
	if (c->ip_mode)
		return next_ip(c, timeout_ms, fn, ctx, err);
	return next_ring(c, timeout_ms, fn, ctx, err);
}

int
sk_capture_stats(struct sk_capture *c, struct sk_capture_stats *st,
    struct sk_error *err)
{
	struct tpacket_stats_v3 ks;
	socklen_t len = sizeof(ks);

	if (c->ip_mode) {
		st->dropped = c->ovfl;
		st->received = c->ip_received + c->ovfl;
		return 0;
	}
	/* The kernel's counters reset on each read: add them up. */
	memset(&ks, 0, sizeof(ks));
	if (getsockopt(c->fd, SOL_PACKET, PACKET_STATISTICS, &ks, &len) == -1)
		return os_error(err);
	c->total.received += ks.tp_packets;
	c->total.dropped += ks.tp_drops;
	*st = c->total;
	return 0;
}

void
sk_capture_close(struct sk_capture *c)
{
	if (c == NULL)
		return;
	if (c->ring != NULL)
		(void)munmap(c->ring, c->ring_len);
	if (c->fd >= 0)
		(void)close(c->fd);
	free(c->buf);
	free(c);
}

int
sk_drop_privileges(const char *user, struct sk_error *err)
{
	struct passwd *pw;
	long long id;

	errno = 0;
	if ((pw = getpwnam(user)) == NULL &&
	    sk_parse_integer(user, 0, UINT_MAX - 1, &id, NULL) == 0)
		pw = getpwuid((uid_t)id);
	if (pw == NULL)
		return sk_error_set(err, SK_ERR_VALUE, errno != 0 ? errno :
		    ENOENT, errno != 0 ? NULL : "no such user");
	if (initgroups(pw->pw_name, pw->pw_gid) == -1 ||
	    setgid(pw->pw_gid) == -1 || setuid(pw->pw_uid) == -1)
		return os_error(err);
	/* And no way back. */
	if (pw->pw_uid != 0 && setuid(0) != -1)
		return sk_error_set(err, SK_ERR_OS, EPERM,
		    "could regain root after dropping privileges");
	return 0;
}
