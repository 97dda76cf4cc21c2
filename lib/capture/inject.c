/*
 * inject.c - sending Ethernet frames as they are: the reference's
 * "Raw Sockets on Linux" sender, an AF_PACKET socket of type SOCK_RAW
 * (packet(7)) bound to one interface, with protocol 0 so that it
 * receives nothing.  Frames go out in batches with sendmmsg(2); the
 * interface's MTU is read once (SIOCGIFMTU) so that a frame the kernel
 * would refuse is told apart before it is sent.  And the parser of
 * frames written as hex digits, which reads hostile text.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sockit-int.h"

#define INJECT_BATCH	64
#define VLAN_TAG_LEN	4
/* How long a full queue (ENOBUFS) is waited for before giving up. */
#define NOBUFS_WAIT_NS	100000L
#define NOBUFS_TRIES	20000

struct sk_inject {
	int fd;
	unsigned int mtu;
	struct mmsghdr msg[INJECT_BATCH];
	struct iovec iov[INJECT_BATCH];
};

struct sk_inject *
sk_inject_open(const char *ifname, struct sk_error *err)
{
	struct sockaddr_ll sll;
	struct sk_inject *in;
	struct ifreq ifr;
	unsigned int idx;

	if (ifname == NULL || strlen(ifname) >= IF_NAMESIZE) {
		(void)sk_error_set(err, SK_ERR_OS, ENODEV, NULL);
		return NULL;
	}
	if ((in = calloc(1, sizeof(*in))) == NULL) {
		(void)sk__no_memory(err);
		return NULL;
	}
	/* Protocol 0: a sender only, nothing is ever queued to read. */
	in->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (in->fd < 0)
		goto fail;
	if ((idx = if_nametoindex(ifname)) == 0) {
		errno = ENODEV;
		goto fail;
	}
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, ifname, strlen(ifname));
	if (ioctl(in->fd, SIOCGIFMTU, &ifr) == -1)
		goto fail;
	in->mtu = ifr.ifr_mtu > 0 ? (unsigned int)ifr.ifr_mtu : 0;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = (int)idx;
	sll.sll_protocol = 0;
	if (bind(in->fd, (struct sockaddr *)&sll, sizeof(sll)) == -1)
		goto fail;
	return in;
fail:
	(void)sk_error_set(err, SK_ERR_OS, errno, NULL);
	if (in->fd >= 0)
		(void)close(in->fd);
	free(in);
	return NULL;
}

unsigned int
sk_inject_mtu(const struct sk_inject *in)
{
	return in->mtu;
}

int
sk_inject_check(const struct sk_inject *in, const void *frame, size_t len,
    struct sk_error *err)
{
	const unsigned char *p = frame;
	size_t max = (size_t)in->mtu + ETH_HLEN;
	char msg[SK_ERRMSG_MAX];

	if (len < ETH_HLEN) {
		(void)snprintf(msg, sizeof(msg), "%zu bytes, shorter than an "
		    "Ethernet header (%d)", len, ETH_HLEN);
		return sk_error_set(err, SK_ERR_VALUE, EINVAL, msg);
	}
	/* An 802.1Q or 802.1ad tag may come on top, as the kernel allows. */
	if ((p[12] == 0x81 && p[13] == 0x00) ||
	    (p[12] == 0x88 && p[13] == 0xa8))
		max += VLAN_TAG_LEN;
	if (len > max) {
		(void)snprintf(msg, sizeof(msg), "%zu bytes, longer than the "
		    "MTU (%u) and an Ethernet header (%d)", len, in->mtu,
		    ETH_HLEN);
		return sk_error_set(err, SK_ERR_VALUE, EMSGSIZE, msg);
	}
	return 0;
}

static void
nobufs_wait(void)
{
	struct timespec ts = { 0, NOBUFS_WAIT_NS };

	(void)nanosleep(&ts, NULL);
}

ssize_t
sk_inject_send(struct sk_inject *in, const struct sk_frame *frames,
    size_t n, struct sk_error *err)
{
	size_t done = 0;
	int tries = 0;

	while (done < n) {
		size_t k = n - done, i;
		int r;

		if (k > INJECT_BATCH)
			k = INJECT_BATCH;
		for (i = 0; i < k; i++) {
			in->iov[i].iov_base = (void *)frames[done + i].data;
			in->iov[i].iov_len = frames[done + i].len;
			memset(&in->msg[i], 0, sizeof(in->msg[i]));
			in->msg[i].msg_hdr.msg_iov = &in->iov[i];
			in->msg[i].msg_hdr.msg_iovlen = 1;
		}
		r = sendmmsg(in->fd, in->msg, (unsigned int)k, 0);
		if (r > 0) {
			done += (size_t)r;
			tries = 0;
			continue;
		}
		/* A full device queue: wait for it to drain, a while. */
		if (r < 0 && errno == ENOBUFS && ++tries < NOBUFS_TRIES) {
			nobufs_wait();
			continue;
		}
		if (r < 0 && errno == EINTR && done > 0)
			break;
		if (done > 0)
			break;	/* the error again on the next call */
		return sk_error_set(err, SK_ERR_OS, r < 0 ? errno : EIO,
		    NULL);
	}
	return (ssize_t)done;
}

void
sk_inject_close(struct sk_inject *in)
{
	if (in == NULL)
		return;
	(void)close(in->fd);
	free(in);
}

/* What may stand between two bytes: white space and colons. */
static bool
is_separator(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ':';
}

static int
hex_error(struct sk_error *err, int code, const char *what, size_t at)
{
	char msg[SK_ERRMSG_MAX];

	(void)snprintf(msg, sizeof(msg), "%s at offset %zu", what, at);
	return sk_error_set(err, SK_ERR_VALUE, code, msg);
}

ssize_t
sk_frame_parse_hex(const char *text, size_t len, unsigned char *out,
    size_t size, struct sk_error *err)
{
	size_t i = 0, n = 0;

	if (text == NULL || out == NULL)
		return sk__null_argument(err);
	while (i < len) {
		unsigned char c = (unsigned char)text[i], next;
		int hi, lo;

		if (is_separator(c)) {
			i++;
			continue;
		}
		if ((hi = sk__hex_digit(c)) < 0)
			return hex_error(err, EINVAL, "not a hex digit", i);
		next = i + 1 < len ? (unsigned char)text[i + 1] : ' ';
		lo = sk__hex_digit(next);
		if (lo < 0 && !is_separator(next))
			return hex_error(err, EINVAL, "not a hex digit", i + 1);
		if (lo < 0)
			return hex_error(err, EINVAL,
			    "half a byte (an odd hex digit)", i);
		if (n >= size)
			return hex_error(err, ERANGE, "frame too long", i);
		out[n++] = (unsigned char)(hi << 4 | lo);
		i += 2;
	}
	if (n == 0)
		return sk_error_set(err, SK_ERR_VALUE, EINVAL,
		    "no hex digits");
	return (ssize_t)n;
}
