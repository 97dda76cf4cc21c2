/*
 * pcapfile.c - capture files: classic pcap written (the format of
 * pcap-savefile(5): a 24-byte file header, then a 16-byte record header
 * before each packet, microsecond timestamps, this host's byte order), and
 * pcap and pcapng read through libpcap's savefile code, which also knows
 * the nanosecond and byte-swapped variants.  Compiled pcap-filter(7)
 * expressions live here too, since both capture and files use them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "sockit-int.h"

#define PCAP_MAGIC_USEC	0xa1b2c3d4u
#define WBUF_SIZE	(256u << 10)

struct sk_pcap_writer {
	int fd;
	bool own_fd;
	unsigned char *buf;
	size_t len;
	unsigned int snaplen;
};

struct sk_pcap_reader {
	pcap_t *p;
};

struct sk_filter {
	struct bpf_program prog;
	bool all;		/* no expression: everything, uncut */
};

static void
put32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void
put16(unsigned char *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

/* The LINKTYPE_* a file names for a DLT_* (pcap-linktype(7)): the same
 * number but for the few whose DLT_* differs between systems. */
static uint32_t
file_linktype(int dlt)
{
	switch (dlt) {
	case DLT_RAW:
		return 101;
	case DLT_ATM_RFC1483:
		return 100;
	default:
		return (uint32_t)dlt;
	}
}

static int
write_all(int fd, const unsigned char *p, size_t n, struct sk_error *err)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return sk_error_set(err, SK_ERR_OS, errno, NULL);
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

struct sk_pcap_writer *
sk_pcap_create(const char *path, int linktype, unsigned int snaplen,
    struct sk_error *err)
{
	struct sk_pcap_writer *w;
	unsigned char hdr[24];

	if ((w = calloc(1, sizeof(*w))) == NULL ||
	    (w->buf = malloc(WBUF_SIZE)) == NULL) {
		if (w != NULL)
			free(w);
		(void)sk_error_set(err, SK_ERR_OS, ENOMEM, NULL);
		return NULL;
	}
	if (strcmp(path, "-") == 0)
		w->fd = STDOUT_FILENO;
	else {
		w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    0644);
		if (w->fd < 0) {
			(void)sk_error_set(err, SK_ERR_OS, errno, NULL);
			free(w->buf);
			free(w);
			return NULL;
		}
		w->own_fd = true;
	}
	w->snaplen = snaplen;
	put32(hdr, PCAP_MAGIC_USEC);
	put16(hdr + 4, 2);
	put16(hdr + 6, 4);
	put32(hdr + 8, 0);
	put32(hdr + 12, 0);
	put32(hdr + 16, snaplen);
	put32(hdr + 20, file_linktype(linktype));
	memcpy(w->buf, hdr, sizeof(hdr));
	w->len = sizeof(hdr);
	/* The header goes out at once: a reader sees a valid empty file. */
	if (sk_pcap_flush(w, err) == -1) {
		if (w->own_fd)
			(void)close(w->fd);
		free(w->buf);
		free(w);
		return NULL;
	}
	return w;
}

int
sk_pcap_write(struct sk_pcap_writer *w, const struct sk_packet *p,
    struct sk_error *err)
{
	uint32_t caplen = p->caplen;
	unsigned char rec[16];

	if (caplen > w->snaplen)
		caplen = w->snaplen;
	put32(rec, (uint32_t)p->ts.tv_sec);
	put32(rec + 4, (uint32_t)(p->ts.tv_nsec / 1000));
	put32(rec + 8, caplen);
	put32(rec + 12, p->len < caplen ? caplen : p->len);
	if (w->len + sizeof(rec) + caplen > WBUF_SIZE &&
	    sk_pcap_flush(w, err) == -1)
		return -1;
	if (sizeof(rec) + caplen > WBUF_SIZE) {
		/* Larger than the buffer: straight out. */
		if (write_all(w->fd, rec, sizeof(rec), err) == -1)
			return -1;
		return write_all(w->fd, p->data, caplen, err);
	}
	memcpy(w->buf + w->len, rec, sizeof(rec));
	memcpy(w->buf + w->len + sizeof(rec), p->data, caplen);
	w->len += sizeof(rec) + caplen;
	return 0;
}

int
sk_pcap_flush(struct sk_pcap_writer *w, struct sk_error *err)
{
	int rc = write_all(w->fd, w->buf, w->len, err);

	w->len = 0;
	return rc;
}

int
sk_pcap_close(struct sk_pcap_writer *w, struct sk_error *err)
{
	int rc;

	if (w == NULL)
		return 0;
	rc = sk_pcap_flush(w, err);
	if (w->own_fd && close(w->fd) == -1 && rc == 0)
		rc = sk_error_set(err, SK_ERR_OS, errno, NULL);
	free(w->buf);
	free(w);
	return rc;
}

struct sk_pcap_reader *
sk_pcap_open(const char *path, struct sk_error *err)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct sk_pcap_reader *r;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		(void)sk_error_set(err, SK_ERR_OS, ENOMEM, NULL);
		return NULL;
	}
	r->p = pcap_open_offline_with_tstamp_precision(path,
	    PCAP_TSTAMP_PRECISION_NANO, ebuf);
	if (r->p == NULL) {
		int e = errno;

		free(r);
		/* libpcap says "PATH: No such file..." or what is wrong. */
		if (e == ENOENT || e == EACCES || e == EISDIR)
			(void)sk_error_set(err, SK_ERR_OS, e, NULL);
		else
			(void)sk_error_set(err, SK_ERR_VALUE, EINVAL, ebuf);
		return NULL;
	}
	return r;
}

int
sk_pcap_reader_linktype(const struct sk_pcap_reader *r)
{
	return pcap_datalink(r->p);
}

unsigned int
sk_pcap_reader_snaplen(const struct sk_pcap_reader *r)
{
	int s = pcap_snapshot(r->p);

	return s > 0 ? (unsigned int)s : SK_SNAPLEN_DEFAULT;
}

int
sk_pcap_next(struct sk_pcap_reader *r, struct sk_packet *p,
    struct sk_error *err)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc = pcap_next_ex(r->p, &h, &data);

	if (rc == 1) {
		p->ts.tv_sec = h->ts.tv_sec;
		/* Opened with nanosecond precision: tv_usec holds ns. */
		p->ts.tv_nsec = h->ts.tv_usec;
		p->caplen = h->caplen;
		p->len = h->len;
		p->data = data;
		p->linktype = pcap_datalink(r->p);
		return 1;
	}
	if (rc == PCAP_ERROR_BREAK)
		return 0;
	return sk_error_set(err, SK_ERR_VALUE, EINVAL, pcap_geterr(r->p));
}

void
sk_pcap_reader_close(struct sk_pcap_reader *r)
{
	if (r == NULL)
		return;
	pcap_close(r->p);
	free(r);
}

struct sk_filter *
sk_filter_compile(const char *expr, int linktype, unsigned int snaplen,
    struct sk_error *err)
{
	struct sk_filter *f;
	pcap_t *dead;

	if ((f = calloc(1, sizeof(*f))) == NULL) {
		(void)sk_error_set(err, SK_ERR_OS, ENOMEM, NULL);
		return NULL;
	}
	if (expr == NULL || *expr == '\0')
		expr = "";
	f->all = *expr == '\0';
	if ((dead = pcap_open_dead(linktype, (int)snaplen)) == NULL) {
		free(f);
		(void)sk_error_set(err, SK_ERR_OS, ENOMEM, NULL);
		return NULL;
	}
	if (pcap_compile(dead, &f->prog, expr, 1,
	    PCAP_NETMASK_UNKNOWN) == -1) {
		(void)sk_error_set(err, SK_ERR_VALUE, EINVAL,
		    pcap_geterr(dead));
		pcap_close(dead);
		free(f);
		return NULL;
	}
	pcap_close(dead);
	return f;
}

const struct bpf_program *
sk__filter_program(const struct sk_filter *f)
{
	return &f->prog;
}

unsigned int
sk_filter_run(const struct sk_filter *f, const struct sk_packet *p)
{
	struct pcap_pkthdr h;

	if (f == NULL || f->all)
		return p->caplen > 0 ? p->caplen : 1;
	memset(&h, 0, sizeof(h));
	h.caplen = p->caplen;
	h.len = p->len;
	return (unsigned int)pcap_offline_filter(&f->prog, &h, p->data) > 0 ?
	    p->caplen : 0;
}

void
sk_filter_free(struct sk_filter *f)
{
	if (f == NULL)
		return;
	pcap_freecode(&f->prog);
	free(f);
}
