/*
 * proxy.c - proxy clients: SOCKS5 (RFC 1928) with username/password
 * authentication (RFC 1929), the target's name resolved by the proxy,
 * and HTTP CONNECT (RFC 9110 section 9.3.6); from a URL,
 * socks5://[USER:PASS@]HOST:PORT or http://HOST:PORT.
 *
 * The replies are hostile bytes: the parsers (sk_socks5_reply,
 * sk_http_connect_reply) look at a buffer through its length only, and
 * what a refusal quotes of the proxy's words is escaped.  The handshake
 * reads no byte past the proxy's reply, so what follows it is the
 * tunnel's.
 */
#include <sys/socket.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockit-int.h"

#define HTTP_REPLY_MAX	16384	/* the most header bytes we read */
#define SOCKS5_REPLY_MAX (4 + 1 + 255 + 2)

/* Percent-decode n bytes of src into dst (size bytes, NUL-terminated). */
static int
pct_decode(char *dst, size_t size, const char *src, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		unsigned int v;
		char hex[3];

		if (o + 1 >= size)
			return -1;
		if (src[i] != '%') {
			dst[o++] = src[i];
			continue;
		}
		if (n - i < 3 || !isxdigit((unsigned char)src[i + 1]) ||
		    !isxdigit((unsigned char)src[i + 2]))
			return -1;
		hex[0] = src[i + 1];
		hex[1] = src[i + 2];
		hex[2] = '\0';
		v = (unsigned int)strtoul(hex, NULL, 16);
		if (v == 0)
			return -1;
		dst[o++] = (char)v;
		i += 2;
	}
	dst[o] = '\0';
	return 0;
}

static int
bad_url(struct sk_error *err, const char *why)
{
	return sk_error_set(err, SK_ERR_VALUE, EINVAL, why);
}

int
sk_proxy_parse(struct sk_proxy *p, const char *url, struct sk_error *err)
{
	const char *rest, *at, *colon, *hostend, *port, *stop;
	size_t n;

	memset(p, 0, sizeof(*p));
	if (strncmp(url, "socks5://", 9) == 0 ||
	    strncmp(url, "socks5h://", 10) == 0) {
		p->type = SK_PROXY_SOCKS5;
		rest = strstr(url, "://") + 3;
	} else if (strncmp(url, "http://", 7) == 0) {
		p->type = SK_PROXY_HTTP;
		rest = url + 7;
	} else {
		return bad_url(err, "not a socks5:// or http:// URL");
	}
	n = strcspn(rest, "/?#");
	if (rest[n] != '\0' && strcmp(rest + n, "/") != 0)
		return bad_url(err, "a proxy URL has no path");
	at = memrchr(rest, '@', n);
	if (at != NULL) {
		if (p->type != SK_PROXY_SOCKS5)
			return bad_url(err,
			    "user and password are for socks5:// only");
		colon = memchr(rest, ':', (size_t)(at - rest));
		if (colon == NULL || colon == rest)
			return bad_url(err, "expected USER:PASS@");
		if (pct_decode(p->user, sizeof(p->user), rest,
		    (size_t)(colon - rest)) == -1 ||
		    pct_decode(p->pass, sizeof(p->pass), colon + 1,
		    (size_t)(at - colon - 1)) == -1 ||
		    p->pass[0] == '\0')
			return bad_url(err, "bad user or password");
		p->auth = true;
		n -= (size_t)(at + 1 - rest);
		rest = at + 1;
	}
	stop = rest + n;
	if (rest[0] == '[') {
		hostend = memchr(rest, ']', n);
		if (hostend == NULL)
			return bad_url(err, "no ']' after an IPv6 address");
		port = hostend + 1;
		rest++;
	} else {
		hostend = memrchr(rest, ':', n);
		port = hostend;
	}
	if (hostend == NULL || port >= stop || *port != ':' ||
	    hostend == rest || (size_t)(hostend - rest) >= sizeof(p->host) ||
	    (size_t)(stop - port - 1) >= sizeof(p->port) || stop - port == 1)
		return bad_url(err, "expected HOST:PORT");
	memcpy(p->host, rest, (size_t)(hostend - rest));
	memcpy(p->port, port + 1, (size_t)(stop - port - 1));
	if (strlen(p->user) > 255 || strlen(p->pass) > 255)
		return bad_url(err, "user or password longer than 255 bytes");
	return 0;
}

/* Printable ASCII as it is, the rest as \xNN, at most 96 bytes of it,
 * in double quotes. */
static void
quote(char *buf, size_t size, const unsigned char *s, size_t n)
{
	size_t i, o = 0;

	if (size < 8)
		return;
	buf[o++] = '"';
	for (i = 0; i < n && i < 96 && o + 6 < size; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' &&
		    s[i] != '\\')
			buf[o++] = (char)s[i];
		else
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x",
			    s[i]);
	}
	if (i < n && o + 4 < size) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o++] = '"';
	buf[o] = '\0';
}

/* RFC 1928 section 6's words for a reply code, and an errno for it. */
static const struct {
	const char *text;
	int code;
} socks5_replies[] = {
	{ "succeeded", 0 },
	{ "general SOCKS server failure", ECONNREFUSED },
	{ "connection not allowed by ruleset", EACCES },
	{ "Network unreachable", ENETUNREACH },
	{ "Host unreachable", EHOSTUNREACH },
	{ "Connection refused", ECONNREFUSED },
	{ "TTL expired", ETIMEDOUT },
	{ "Command not supported", EPROTO },
	{ "Address type not supported", EPROTO },
};

int
sk_socks5_reply(const unsigned char *buf, size_t len, size_t *need,
    struct sk_error *err)
{
	char msg[SK_ERRMSG_MAX];

	*need = 4;
	if (len < 2)
		return 0;
	if (buf[0] != 5) {
		(void)snprintf(msg, sizeof(msg),
		    "SOCKS5 proxy: not a SOCKS5 reply (version %u)", buf[0]);
		return sk_error_set(err, SK_ERR_OS, EPROTO, msg);
	}
	if (buf[1] != 0) {
		if (buf[1] < sizeof(socks5_replies) /
		    sizeof(socks5_replies[0]))
			(void)snprintf(msg, sizeof(msg),
			    "SOCKS5 proxy: %s (reply %u)",
			    socks5_replies[buf[1]].text, buf[1]);
		else
			(void)snprintf(msg, sizeof(msg),
			    "SOCKS5 proxy: unknown reply %u", buf[1]);
		return sk_error_set(err, SK_ERR_OS, buf[1] <
		    sizeof(socks5_replies) / sizeof(socks5_replies[0]) ?
		    socks5_replies[buf[1]].code : ECONNREFUSED, msg);
	}
	if (len < 4)
		return 0;
	switch (buf[3]) {
	case 1:
		*need = 4 + 4 + 2;
		break;
	case 4:
		*need = 4 + 16 + 2;
		break;
	case 3:
		*need = 5;
		if (len < 5)
			return 0;
		*need = 4 + 1 + (size_t)buf[4] + 2;
		break;
	default:
		(void)snprintf(msg, sizeof(msg),
		    "SOCKS5 proxy: bad address type %u in its reply", buf[3]);
		return sk_error_set(err, SK_ERR_OS, EPROTO, msg);
	}
	return len >= *need ? 1 : 0;
}

int
sk_http_connect_reply(const char *buf, size_t len, size_t *end,
    struct sk_error *err)
{
	const unsigned char *u = (const unsigned char *)buf;
	char msg[SK_ERRMSG_MAX], q[SK_ERRMSG_MAX - 64];
	size_t i, line;
	unsigned int status;

	*end = 0;
	for (i = 0; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		if (i >= 1 && buf[i - 1] == '\n') {
			*end = i + 1;
			break;
		}
		if (i >= 3 && memcmp(buf + i - 3, "\r\n\r", 3) == 0) {
			*end = i + 1;
			break;
		}
	}
	if (*end == 0) {
		if (len >= HTTP_REPLY_MAX)
			return sk_error_set(err, SK_ERR_OS, EPROTO,
			    "HTTP proxy: a reply header too long");
		return 0;
	}
	for (line = 0; line < *end && u[line] != '\r' && u[line] != '\n' &&
	    u[line] != '\0'; line++)
		;
	quote(q, sizeof(q), u, line);
	/* HTTP/1.x SP 3DIGIT [SP reason] */
	if (line < 12 || memcmp(buf, "HTTP/1.", 7) != 0 ||
	    !isdigit(u[7]) || buf[8] != ' ' || !isdigit(u[9]) ||
	    !isdigit(u[10]) || !isdigit(u[11]) ||
	    (line > 12 && buf[12] != ' ')) {
		(void)snprintf(msg, sizeof(msg),
		    "HTTP proxy: not an HTTP reply: %s", q);
		return sk_error_set(err, SK_ERR_OS, EPROTO, msg);
	}
	status = (unsigned int)(u[9] - '0') * 100 +
	    (unsigned int)(u[10] - '0') * 10 + (unsigned int)(u[11] - '0');
	if (status < 200 || status > 299) {
		(void)snprintf(msg, sizeof(msg), "HTTP proxy refused: %s", q);
		return sk_error_set(err, SK_ERR_OS, status == 407 ? EACCES :
		    status == 504 ? ETIMEDOUT : ECONNREFUSED, msg);
	}
	return 1;
}

/* Exactly n bytes, or an error; the proxy's EOF is one. */
static int
recv_exact(struct sk_socket *s, unsigned char *buf, size_t n,
    const char *who, struct sk_error *err)
{
	char msg[96];
	ssize_t r;
	size_t got = 0;

	while (got < n) {
		r = sk_socket_recv_into(s, buf + got, n - got, 0, err);
		if (r < 0)
			return -1;
		if (r == 0) {
			(void)snprintf(msg, sizeof(msg),
			    "%s proxy: it closed the connection", who);
			return sk_error_set(err, SK_ERR_OS, ECONNRESET, msg);
		}
		got += (size_t)r;
	}
	return 0;
}

static int
socks5_connect(struct sk_socket *s, const struct sk_proxy *p,
    const char *host, unsigned int port, struct sk_error *err)
{
	unsigned char b[SOCKS5_REPLY_MAX + 8];
	unsigned char a[16];
	size_t n = 0, len, need, got;
	int rc;

	b[n++] = 5;
	b[n++] = p->auth ? 2 : 1;
	if (p->auth)
		b[n++] = 2;	/* USERNAME/PASSWORD */
	b[n++] = 0;		/* NO AUTHENTICATION REQUIRED */
	if (sk_socket_sendall(s, b, n, 0, err) == -1 ||
	    recv_exact(s, b, 2, "SOCKS5", err) == -1)
		return -1;
	if (b[0] != 5)
		return sk_error_set(err, SK_ERR_OS, EPROTO,
		    "SOCKS5 proxy: not a SOCKS5 server");
	if (b[1] == 2 && p->auth) {
		size_t ul = strlen(p->user), pl = strlen(p->pass);
		unsigned char m[3 + 255 + 255];

		n = 0;
		m[n++] = 1;
		m[n++] = (unsigned char)ul;
		memcpy(m + n, p->user, ul);
		n += ul;
		m[n++] = (unsigned char)pl;
		memcpy(m + n, p->pass, pl);
		n += pl;
		if (sk_socket_sendall(s, m, n, 0, err) == -1 ||
		    recv_exact(s, b, 2, "SOCKS5", err) == -1)
			return -1;
		if (b[1] != 0)
			return sk_error_set(err, SK_ERR_OS, EACCES,
			    "SOCKS5 proxy: user or password refused");
	} else if (b[1] == 0xff) {
		return sk_error_set(err, SK_ERR_OS, EACCES, p->auth ?
		    "SOCKS5 proxy: no acceptable authentication method" :
		    "SOCKS5 proxy: it requires authentication");
	} else if (b[1] != 0) {
		return sk_error_set(err, SK_ERR_OS, EPROTO,
		    "SOCKS5 proxy: it chose a method not offered");
	}
	/* CONNECT: an address literal as it is, a name for the proxy. */
	n = 0;
	b[n++] = 5;
	b[n++] = 1;
	b[n++] = 0;
	if (inet_pton(AF_INET, host, a) == 1) {
		b[n++] = 1;
		memcpy(b + n, a, 4);
		n += 4;
	} else if (inet_pton(AF_INET6, host, a) == 1) {
		b[n++] = 4;
		memcpy(b + n, a, 16);
		n += 16;
	} else {
		len = strlen(host);
		if (len == 0 || len > 255)
			return sk_error_set(err, SK_ERR_VALUE, EINVAL,
			    "SOCKS5: a host name of 1 to 255 bytes");
		b[n++] = 3;
		b[n++] = (unsigned char)len;
		memcpy(b + n, host, len);
		n += len;
	}
	b[n++] = (unsigned char)(port >> 8);
	b[n++] = (unsigned char)port;
	if (sk_socket_sendall(s, b, n, 0, err) == -1)
		return -1;
	got = 0;
	for (;;) {
		rc = sk_socks5_reply(b, got, &need, err);
		if (rc == -1)
			return -1;
		if (rc == 1)
			return 0;
		if (need > sizeof(b) || need <= got)
			return sk_error_set(err, SK_ERR_OS, EPROTO,
			    "SOCKS5 proxy: bad reply");
		if (recv_exact(s, b + got, (got < 2 ? 2 : need) - got,
		    "SOCKS5", err) == -1)
			return -1;
		got = got < 2 ? 2 : need;
	}
}

static int
http_connect(struct sk_socket *s, const char *host, unsigned int port,
    struct sk_error *err)
{
	char req[600], reply[HTTP_REPLY_MAX];
	size_t got = 0, end;
	bool v6 = strchr(host, ':') != NULL;
	int n, rc;

	n = snprintf(req, sizeof(req),
	    "CONNECT %s%s%s:%u HTTP/1.1\r\nHost: %s%s%s:%u\r\n\r\n",
	    v6 ? "[" : "", host, v6 ? "]" : "", port,
	    v6 ? "[" : "", host, v6 ? "]" : "", port);
	if (n < 0 || (size_t)n >= sizeof(req) ||
	    strpbrk(host, " \r\n\t") != NULL)
		return sk_error_set(err, SK_ERR_VALUE, EINVAL,
		    "HTTP proxy: a bad host name");
	if (sk_socket_sendall(s, req, (size_t)n, 0, err) == -1)
		return -1;
	/* One byte at a time: what follows the header is the tunnel's. */
	for (;;) {
		if (recv_exact(s, (unsigned char *)reply + got, 1, "HTTP",
		    err) == -1)
			return -1;
		got++;
		rc = sk_http_connect_reply(reply, got, &end, err);
		if (rc != 0)
			return rc == 1 ? 0 : -1;
	}
}

int
sk_proxy_connect(struct sk_socket *s, const struct sk_proxy *p,
    const char *host, unsigned int port, struct sk_error *err)
{
	if (port > 65535)
		return sk_error_set(err, SK_ERR_VALUE, ERANGE, NULL);
	if (p->type == SK_PROXY_SOCKS5)
		return socks5_connect(s, p, host, port, err);
	return http_connect(s, host, port, err);
}
