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
#include <time.h>

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

/* The part of a second: micro- or nanoseconds as the flag says. */
static void
put_frac(struct ctx *c, long frac)
{
	nd_putf(c, (c->d->flags & SK_DECODE_NANO) ? ".%09u" : ".%06u",
	    (unsigned int)frac);
}

/*
 * Hours, minutes and seconds (and the date before them), in local time or
 * UTC; a time at or past 2^31 seconds is "[Error converting time]".
 */
static void
put_clock(struct ctx *c, long long sec, long frac, bool date, bool local)
{
	time_t t = (time_t)sec;
	struct tm tm;
	char b[40];

	if ((uint32_t)sec & 0x80000000u || (local ? localtime_r(&t, &tm) :
	    gmtime_r(&t, &tm)) == NULL) {
		nd_puts(c, "[Error converting time]");
		return;
	}
	nd_put(c, b, strftime(b, sizeof(b), date ? "%Y-%m-%d %H:%M:%S" :
	    "%H:%M:%S", &tm));
	put_frac(c, frac);
}

/*
 * -ttt and -ttttt: the time since the packet before (or the first), with
 * a sign ("-" when it went back, a space otherwise).  As tcpdump does, a
 * reference of zero is no reference: the next packet becomes it.
 */
static void
put_delta(struct ctx *c, long long sec, long frac, bool since_first)
{
	struct sk_decoder *d = c->d;
	long unit = (d->flags & SK_DECODE_NANO) ? 1000000000L : 1000000L;
	long long ds;
	long df;
	bool neg;

	if (d->ref_sec == 0 && d->ref_frac == 0) {
		d->ref_sec = sec;
		d->ref_frac = frac;
	}
	neg = sec == d->ref_sec ? frac < d->ref_frac : sec < d->ref_sec;
	ds = neg ? d->ref_sec - sec : sec - d->ref_sec;
	df = neg ? d->ref_frac - frac : frac - d->ref_frac;
	if (df < 0) {
		ds--;
		df += unit;
	}
	nd_put(c, neg ? "-" : " ", 1);
	put_clock(c, ds, df, false, false);
	if (!since_first) {
		d->ref_sec = sec;
		d->ref_frac = frac;
	}
}

/* The time stamp the flags ask for, and the space after it. */
static void
put_stamp(struct ctx *c, const struct timespec *ts)
{
	long frac = (c->d->flags & SK_DECODE_NANO) ? ts->tv_nsec :
	    ts->tv_nsec / 1000;

	switch (c->d->flags & SK_DECODE_TIME_MASK) {
	case SK_DECODE_TIME_NONE:
		return;
	case SK_DECODE_TIME_DELTA:
	case SK_DECODE_TIME_FIRST:
		put_delta(c, (long long)ts->tv_sec, frac,
		    (c->d->flags & SK_DECODE_TIME_MASK) ==
		    SK_DECODE_TIME_FIRST);
		break;
	case SK_DECODE_TIME_DATE:
		put_clock(c, (long long)ts->tv_sec, frac, true, true);
		break;
	default:
		if (c->d->flags & SK_DECODE_NANO) {
			if ((unsigned long)ts->tv_sec & ~0x7fffffffUL)
				nd_puts(c, "[Error converting time]");
			else {
				nd_putu(c, (unsigned long long)ts->tv_sec);
				put_frac(c, frac);
			}
		} else
			put_time(c, ts);
		break;
	}
	nd_put(c, " ", 1);
}

/*
 * The dump after the line (-x, -X, -A), from the network layer on, or
 * from the link layer with SK_DECODE_DUMP_LINK or after a printer cut
 * short the way tcpdump's longjmp is (nd_trunc_longjmp).  -X wins over
 * -x, and -x over -A, as in tcpdump.
 */
static void
put_dump(struct ctx *c, const struct sk_packet *p)
{
	int f = c->d->flags;
	size_t off = (f & SK_DECODE_DUMP_LINK) || c->dump_all ? 0 :
	    c->net_off;

	if (off >= p->caplen)
		return;
	if (f & SK_DECODE_HEX_ASCII)
		nd_hex_ascii_print(c, p->data + off, p->caplen - off);
	else if (f & SK_DECODE_HEX)
		nd_hex_print(c, p->data + off, p->caplen - off);
	else if (f & SK_DECODE_ASCII)
		nd_ascii_print(c, p->data + off, p->caplen - off);
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
			put_stamp(&c, &p->ts);
			nd_print_link(&c, p->linktype, &s, len);
			put_dump(&c, p);
		}
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
	if (d->flags & (SK_DECODE_HEX | SK_DECODE_HEX_ASCII | SK_DECODE_ASCII))
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
