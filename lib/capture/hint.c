/*
 * hint.c - what a flow was for, from its first bytes: the server name
 * (RFC 6066 3) and ALPN protocols (RFC 7301 3.1) of a TLS ClientHello
 * (RFC 8446 4.1.2), the header and first question of a DNS message
 * (RFC 1035 4.1), an HTTP/1 request line and its Host header (RFC 9112
 * 3, 3.2).  Only the bytes given are read, each through a bounds check: a
 * ClientHello cut short still gives what it holds, and says how long its
 * record is, so that the flow table can put a split one together.
 */
#include <string.h>
#include <strings.h>

#include "flow-int.h"

/* A bounded cursor over hostile bytes. */
struct cur {
	const unsigned char *p;
	size_t n, at;
};

static bool
take(struct cur *c, size_t k, const unsigned char **out)
{
	if (c->at > c->n || k > c->n - c->at)
		return false;
	if (out != NULL)
		*out = c->p + c->at;
	c->at += k;
	return true;
}

static bool
take_be(struct cur *c, size_t k, size_t *v)
{
	const unsigned char *b;
	size_t i;

	*v = 0;
	if (!take(c, k, &b))
		return false;
	for (i = 0; i < k; i++)
		*v = *v << 8 | b[i];
	return true;
}

/* Append N bytes to field F of H, cut at MAX (and at the text's end). */
static void
field_add(struct sk__hint *h, int f, const unsigned char *b, size_t n,
    size_t max)
{
	struct hint_field *fd = &h->f[f];
	size_t room = max - fd->len;

	if (n > room)
		n = room;
	if ((size_t)fd->off + fd->len + n > sizeof(h->text))
		n = sizeof(h->text) - fd->off - fd->len;
	memcpy(h->text + fd->off + fd->len, b, n);
	fd->len = (uint16_t)(fd->len + n);
}

static void
hint_reset(struct sk__hint *h, enum hint_kind kind, const size_t *offs)
{
	int i;

	h->kind = kind;
	for (i = 0; i < 3; i++) {
		h->f[i].off = (uint16_t)offs[i];
		h->f[i].len = 0;
	}
	h->qtype = h->rcode = -1;
	h->dns_ms_us = -1;
}

/* The server_name extension: the first host_name in its list. */
static void
tls_sni(struct sk__hint *h, struct cur *e)
{
	const unsigned char *name;
	size_t list, type, len;

	if (!take_be(e, 2, &list))
		return;
	while (take_be(e, 1, &type) && take_be(e, 2, &len)) {
		if (!take(e, len, &name))
			return;
		if (type == 0 && h->f[0].len == 0 && len > 0) {
			field_add(h, 0, name, len, HINT_SNI_MAX);
			return;
		}
	}
}

/* The ALPN extension: every protocol name, joined by commas. */
static void
tls_alpn(struct sk__hint *h, struct cur *e)
{
	const unsigned char *name;
	size_t list, len;

	if (!take_be(e, 2, &list))
		return;
	while (take_be(e, 1, &len) && take(e, len, &name)) {
		if (h->f[1].len > 0)
			field_add(h, 1, (const unsigned char *)",", 1,
			    HINT_ALPN_MAX);
		field_add(h, 1, name, len, HINT_ALPN_MAX);
	}
}

#define TLS_RECORD_HEADER	5
#define TLS_CONTENT_HANDSHAKE	22
#define TLS_CLIENT_HELLO	1
#define TLS_EXT_SERVER_NAME	0
#define TLS_EXT_ALPN		16

size_t
sk__hint_tls_need(const unsigned char *p, size_t n)
{
	if (n < TLS_RECORD_HEADER || p[0] != TLS_CONTENT_HANDSHAKE ||
	    p[1] != 3 || (n > TLS_RECORD_HEADER &&
	    p[TLS_RECORD_HEADER] != TLS_CLIENT_HELLO))
		return 0;
	return TLS_RECORD_HEADER + (size_t)(p[3] << 8 | p[4]);
}

int
sk__hint_tls(const unsigned char *p, size_t n, struct sk__hint *h)
{
	static const size_t offs[3] = { 0, HINT_SNI_MAX, 0 };
	struct cur c = { p, n, 0 }, e;
	const unsigned char *ext;
	size_t v, len, type;

	/* The record header, then the handshake's. */
	if (!take_be(&c, 1, &v) || v != TLS_CONTENT_HANDSHAKE ||
	    !take_be(&c, 1, &v) || v != 3 || !take(&c, 3, NULL) ||
	    !take_be(&c, 1, &v) || v != TLS_CLIENT_HELLO ||
	    !take(&c, 3, NULL))
		return 0;
	hint_reset(h, HINT_TLS, offs);
	/* Version and random, then three vectors. */
	if (!take(&c, 2 + 32, NULL) || !take_be(&c, 1, &len) ||
	    !take(&c, len, NULL) || !take_be(&c, 2, &len) ||
	    !take(&c, len, NULL) || !take_be(&c, 1, &len) ||
	    !take(&c, len, NULL) || !take_be(&c, 2, &len))
		return 1;
	while (take_be(&c, 2, &type) && take_be(&c, 2, &len)) {
		/* An extension cut by the segment: what is there of it. */
		ext = c.p + c.at;
		e.p = ext;
		e.n = c.n - c.at < len ? c.n - c.at : len;
		e.at = 0;
		if (type == TLS_EXT_SERVER_NAME)
			tls_sni(h, &e);
		else if (type == TLS_EXT_ALPN)
			tls_alpn(h, &e);
		if (!take(&c, len, NULL))
			break;
	}
	return 1;
}

static bool
is_tchar_upper(unsigned char ch)
{
	return (ch >= 'A' && ch <= 'Z') || ch == '-' || ch == '_';
}

/* The end of the line starting at AT (its CR or LF), or N. */
static size_t
line_end(const unsigned char *p, size_t n, size_t at)
{
	while (at < n && p[at] != '\r' && p[at] != '\n')
		at++;
	return at;
}

/* Past the CRLF (or bare LF) at AT. */
static size_t
next_line(const unsigned char *p, size_t n, size_t at)
{
	if (at < n && p[at] == '\r')
		at++;
	if (at < n && p[at] == '\n')
		at++;
	return at;
}

int
sk__hint_http(const unsigned char *p, size_t n, struct sk__hint *h)
{
	static const size_t offs[3] = { 0, HINT_METHOD_MAX,
		HINT_METHOD_MAX + HINT_HOST_MAX };
	static const char host[] = "host:";
	size_t m, t, eol, at, k;

	/* METHOD SP TARGET SP HTTP/1.x */
	for (m = 0; m < n && m < HINT_METHOD_MAX && is_tchar_upper(p[m]); m++)
		;
	if (m == 0 || m >= n || p[m] != ' ')
		return 0;
	eol = line_end(p, n, m + 1);
	for (t = m + 1; t < eol && p[t] != ' '; t++)
		;
	if (t == m + 1 || t + 1 + 7 > eol ||
	    memcmp(p + t + 1, "HTTP/1.", 7) != 0)
		return 0;
	hint_reset(h, HINT_HTTP, offs);
	field_add(h, 0, p, m, HINT_METHOD_MAX);
	field_add(h, 2, p + m + 1, t - m - 1, HINT_PATH_MAX);
	/* The headers, up to the empty line or the segment's end. */
	for (at = next_line(p, n, eol); at < n; at = next_line(p, n, eol)) {
		eol = line_end(p, n, at);
		if (eol == at)
			break;
		if (eol - at < sizeof(host) - 1 ||
		    strncasecmp((const char *)p + at, host,
		    sizeof(host) - 1) != 0)
			continue;
		for (k = at + sizeof(host) - 1; k < eol &&
		    (p[k] == ' ' || p[k] == '\t'); k++)
			;
		while (eol > k && (p[eol - 1] == ' ' || p[eol - 1] == '\t'))
			eol--;
		field_add(h, 1, p + k, eol - k, HINT_HOST_MAX);
		break;
	}
	return 1;
}

#define DNS_HEADER	12
#define DNS_MAX_JUMPS	16

/* The question's name at AT: labels (compression pointers followed, at
 * most DNS_MAX_JUMPS of them) as dotted text; where it ends, or 0. */
static size_t
dns_name(const unsigned char *p, size_t n, size_t at, struct sk__dns *d)
{
	size_t end = 0, len;
	int jumps = 0;

	d->qname_len = 0;
	for (;;) {
		if (at >= n)
			return 0;
		len = p[at];
		if ((len & 0xc0) == 0xc0) {
			if (at + 1 >= n || ++jumps > DNS_MAX_JUMPS)
				return 0;
			if (end == 0)
				end = at + 2;
			at = (len & 0x3f) << 8 | p[at + 1];
			continue;
		}
		if (len & 0xc0)
			return 0;
		if (len == 0)
			break;
		if (len > n - at - 1)
			return 0;
		if (d->qname_len + len + 1 > sizeof(d->qname))
			return 0;
		memcpy(d->qname + d->qname_len, p + at + 1, len);
		d->qname_len += len;
		d->qname[d->qname_len++] = '.';
		at += len + 1;
	}
	if (d->qname_len == 0)
		d->qname[d->qname_len++] = '.';
	else if (d->qname_len > 1)
		d->qname_len--;		/* no trailing dot but for the root */
	return end != 0 ? end : at + 1;
}

int
sk__dns_parse(const unsigned char *p, size_t n, struct sk__dns *d)
{
	size_t at;

	if (n < DNS_HEADER || (p[4] << 8 | p[5]) == 0)
		return 0;
	d->id = (unsigned int)(p[0] << 8 | p[1]);
	d->response = (p[2] & 0x80) != 0;
	d->rcode = p[3] & 0x0f;
	if ((at = dns_name(p, n, DNS_HEADER, d)) == 0 || at + 4 > n)
		return 0;
	d->qtype = (unsigned int)(p[at] << 8 | p[at + 1]);
	return 1;
}
