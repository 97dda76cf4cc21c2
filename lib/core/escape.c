/*
 * escape.c - received data on a terminal: valid UTF-8 (RFC 3629, table
 * 3-7 of the Unicode standard for the well-formed sequences), TAB, LF and
 * CR LF pass as they are; every other C0 control, a CR not followed by
 * LF, DEL, the C1 controls (U+0080..U+009F, two bytes each) and every
 * byte that is not part of a well-formed sequence are written as \xNN,
 * so that bytes from the network can move the cursor, ring or set the
 * title of nobody's terminal.
 *
 * The input is a stream cut into reads anywhere: an unfinished sequence
 * (or a CR whose LF may be next) at the end of one call waits in the
 * state for the next; a call with no bytes ends the stream.
 */
#include <string.h>

#include "sockit-int.h"

/* Bytes of the stream: the pending ones, then the new ones. */
struct stream {
	const unsigned char *pend, *data;
	size_t npend, len;
};

static unsigned int
at(const struct stream *s, size_t i)
{
	return i < s->npend ? s->pend[i] : s->data[i - s->npend];
}

static size_t
put_hex(char *out, unsigned int b)
{
	static const char hex[] = "0123456789abcdef";

	out[0] = '\\';
	out[1] = 'x';
	out[2] = hex[b >> 4];
	out[3] = hex[b & 0xf];
	return 4;
}

/* The length of the well-formed sequence that starts with lead, or 0. */
static size_t
seq_len(unsigned int lead)
{
	if (lead >= 0xc2 && lead <= 0xdf)
		return 2;
	if (lead >= 0xe0 && lead <= 0xef)
		return 3;
	if (lead >= 0xf0 && lead <= 0xf4)
		return 4;
	return 0;
}

/* Whether b may be the k-th byte (k >= 1) of a sequence led by lead. */
static bool
cont_ok(unsigned int lead, size_t k, unsigned int b)
{
	unsigned int lo = 0x80, hi = 0xbf;

	if (k == 1) {
		if (lead == 0xe0)
			lo = 0xa0;
		else if (lead == 0xed)
			hi = 0x9f;
		else if (lead == 0xf0)
			lo = 0x90;
		else if (lead == 0xf4)
			hi = 0x8f;
	}
	return b >= lo && b <= hi;
}

void
sk_tty_escape_init(struct sk_tty_escape *st)
{
	memset(st, 0, sizeof(*st));
}

size_t
sk_tty_escape(struct sk_tty_escape *st, const void *data, size_t n,
    char *out)
{
	unsigned char pend[sizeof(st->pend)];
	struct stream s;
	size_t i = 0, o = 0, k, need, total;
	unsigned int b;
	bool end = n == 0;

	memcpy(pend, st->pend, st->npend);
	s.pend = pend;
	s.npend = st->npend;
	s.data = data;
	s.len = n;
	total = s.npend + n;
	st->npend = 0;
	while (i < total) {
		b = at(&s, i);
		if (b == '\r') {
			if (i + 1 == total && !end)
				break;		/* its LF may come next */
			if (i + 1 < total && at(&s, i + 1) == '\n') {
				out[o++] = '\r';
				out[o++] = '\n';
				i += 2;
			} else {
				o += put_hex(out + o, b);
				i++;
			}
			continue;
		}
		if (b < 0x80) {
			if ((b >= 0x20 && b < 0x7f) || b == '\t' || b == '\n')
				out[o++] = (char)b;
			else
				o += put_hex(out + o, b);
			i++;
			continue;
		}
		need = seq_len(b);
		for (k = 1; need > 0 && k < need && i + k < total; k++)
			if (!cont_ok(b, k, at(&s, i + k)))
				break;
		if (need > 0 && k < need && i + k == total && !end)
			break;			/* the rest may come next */
		if (need == 0 || k < need ||
		    (b == 0xc2 && at(&s, i + 1) < 0xa0)) {
			/* Not well-formed, or a C1 control: the lead byte
			 * escaped, the next ones looked at afresh (the C1's
			 * second byte is then not well-formed either). */
			o += put_hex(out + o, b);
			i++;
			continue;
		}
		for (k = 0; k < need; k++)
			out[o++] = (char)at(&s, i + k);
		i += need;
	}
	/* What is left is an unfinished sequence or a CR: at most 3 bytes. */
	for (; i < total; i++)
		st->pend[st->npend++] = (unsigned char)at(&s, i);
	return o;
}
