/*
 * decode.c - the sniffer's packet decoder: one line per packet in the
 * words `tcpdump -n -tt` uses, or one JSON object.  The time stamp, then
 * the printers of print-*.c from the link layer up (print-link.c is where
 * they start), then tcpdump -x's hex dump.  Link layers: Ethernet with
 * 802.1Q/802.1ad tags, Linux cooked (SLL, SLL2), BSD loopback, raw IP.
 * Then ARP, IPv4, IPv6 with its extension headers, TCP, UDP, ICMP and
 * ICMPv6; above those, what tcpdump says of an unknown payload.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "decode-int.h"

#define MAXIMUM_SNAPLEN 262144	/* tcpdump's: a longer record is invalid */

struct sk_decoder *
sk_decoder_new(int flags, struct sk_error *err)
{
	struct sk_decoder *d = calloc(1, sizeof(*d));

	if (d == NULL) {
		(void)sk_error_set(err, SK_ERR_OS, ENOMEM, NULL);
		return NULL;
	}
	d->flags = flags;
	return d;
}

/*
 * Epoch seconds and microseconds, as tcpdump -tt prints them: a time at
 * or past 2^31 seconds, or before 1970, is "[Error converting time]", and
 * a microsecond field out of range is printed as it is.
 */
static void
put_time(struct ctx *c, const struct timespec *ts)
{
	char b[8];
	long us = ts->tv_nsec / 1000;
	int i;

	if ((unsigned long)ts->tv_sec & ~0x7fffffffUL) {
		nd_puts(c, "[Error converting time]");
		return;
	}
	nd_putu(c, (unsigned long long)ts->tv_sec);
	if (us < 0 || us > 999999) {
		nd_putf(c, ".%06u", (unsigned int)us);
		return;
	}
	b[0] = '.';
	for (i = 6; i >= 1; i--) {
		b[i] = (char)('0' + us % 10);
		us /= 10;
	}
	nd_put(c, b, 7);
}

/*
 * tcpdump's sanity checks on a record's lengths; true (the line said so)
 * when the record is not to be decoded.
 */
static bool
invalid_header(struct ctx *c, const struct sk_packet *p)
{
	const char *sep = "[Invalid header:";
	bool bad = false;

	if (p->caplen == 0) {
		nd_puts(c, "[Invalid header: caplen==0");
		sep = ",";
		bad = true;
	}
	if (p->len == 0) {
		nd_puts(c, sep);
		nd_puts(c, " len==0");
		sep = ",";
		bad = true;
	} else if (p->len < p->caplen) {
		nd_puts(c, sep);
		nd_putf(c, " len(%u) < caplen(%u)", p->len, p->caplen);
		sep = ",";
		bad = true;
	}
	if (p->caplen > MAXIMUM_SNAPLEN) {
		nd_puts(c, sep);
		nd_putf(c, " caplen(%u) > %u", p->caplen, MAXIMUM_SNAPLEN);
		sep = ",";
		bad = true;
	}
	if (p->len > MAXIMUM_SNAPLEN) {
		nd_puts(c, sep);
		nd_putf(c, " len(%u) > %u", p->len, MAXIMUM_SNAPLEN);
		bad = true;
	}
	if (bad)
		nd_puts(c, "]");
	return bad;
}

int
sk_decode(struct sk_decoder *d, const struct sk_packet *p,
    struct sk_buf *out)
{
	struct span s = { p->data, p->caplen };
	struct ctx c;
	uint32_t len = p->len < p->caplen ? p->caplen : p->len;
	long usec;

	memset(&c, 0, sizeof(c));
	c.d = d;
	if (!(d->flags & SK_DECODE_JSON)) {
		c.o = out;
		if (!invalid_header(&c, p)) {
			put_time(&c, &p->ts);
			nd_put(&c, " ", 1);
			nd_print_link(&c, p->linktype, &s, len);
		}
		if ((d->flags & SK_DECODE_HEX) && c.net_off < p->caplen)
			nd_hex_print(&c, p->data + c.net_off,
			    p->caplen - c.net_off);
		nd_put(&c, "\n", 1);
		if (c.nomem) {
			errno = ENOMEM;
			return -1;
		}
		return 0;
	}
	/* JSON: the fields as the layers are decoded, then the line. */
	c.j = &d->json;
	c.o = &d->line;
	sk_buf_reset(&d->line);
	sk_json_begin(c.j);
	/* "time" is cut to the microsecond, as ts_usec and the text are. */
	usec = p->ts.tv_nsec / 1000;
	sk_json_double(c.j, "time", (double)p->ts.tv_sec + (double)usec / 1e6);
	sk_json_int(c.j, "ts_sec", (long long)p->ts.tv_sec);
	sk_json_int(c.j, "ts_usec", usec);
	sk_json_uint(c.j, "caplen", p->caplen);
	sk_json_uint(c.j, "len", p->len);
	sk_json_str(c.j, "linktype", sk_linktype_name(p->linktype) != NULL ?
	    sk_linktype_name(p->linktype) : "unknown");
	nd_print_link(&c, p->linktype, &s, len);
	sk_json_bool(c.j, "truncated", c.truncated);
	sk_json_strn(c.j, "summary", d->line.data != NULL ? d->line.data : "",
	    d->line.len);
	if (d->flags & SK_DECODE_HEX)
		sk_json_bytes(c.j, p->data, p->caplen);
	if (sk_json_end(c.j) == -1 || c.nomem ||
	    sk_buf_append(out, c.j->buf.data, c.j->buf.len) == -1) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void
sk_decoder_free(struct sk_decoder *d)
{
	if (d == NULL)
		return;
	nd_tcp_seq_free(d);
	sk_json_free(&d->json);
	sk_buf_free(&d->line);
	free(d);
}

const char *
sk_linktype_name(int linktype)
{
	return pcap_datalink_val_to_name(linktype);
}
