/*
 * addr.c - socket addresses: the reference's (host, port) notation with
 * '' and '<broadcast>', IPv6 literals with a scope (RFC 4007, RFC 5952
 * text via inet_ntop(3)), AF_UNIX paths and Linux abstract names
 * (unix(7)), and the tuple notation the reference prints.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/string.h>

#include "sockit-int.h"

int
sk_addr_from_sockaddr(struct sk_addr *out, const struct sockaddr *sa,
    socklen_t len, struct sk_error *err)
{
	if (len > sizeof(out->u))
		return sk_error_set(err, SK_ERR_VALUE, EINVAL,
		    "socket address too long");
	memset(out, 0, sizeof(*out));
	memcpy(&out->u, sa, len);
	out->len = len;
	return 0;
}

int
sk_addr_unix(struct sk_addr *out, const char *path, struct sk_error *err)
{
	size_t n = strlen(path);

	memset(out, 0, sizeof(*out));
	out->u.un.sun_family = AF_UNIX;
	if (n >= sizeof(out->u.un.sun_path))
		return sk_error_set(err, SK_ERR_VALUE, ENAMETOOLONG,
		    "AF_UNIX path too long");
	memcpy(out->u.un.sun_path, path, n);
	if (path[0] == '@') {
		/* A Linux abstract name: a leading NUL, no terminator. */
		out->u.un.sun_path[0] = '\0';
		out->len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
		    n);
	} else
		out->len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
		    n + 1);
	return 0;
}

int
sk_addr_family(const struct sk_addr *addr)
{
	if (addr->len < sizeof(sa_family_t))
		return AF_UNSPEC;
	return addr->u.sa.sa_family;
}

unsigned int
sk_addr_port(const struct sk_addr *addr)
{
	switch (sk_addr_family(addr)) {
	case AF_INET:
		return ntohs(addr->u.in.sin_port);
	case AF_INET6:
		return ntohs(addr->u.in6.sin6_port);
	default:
		return 0;
	}
}

void
sk_addr_set_port(struct sk_addr *addr, unsigned int port)
{
	switch (sk_addr_family(addr)) {
	case AF_INET:
		addr->u.in.sin_port = htons((uint16_t)port);
		break;
	case AF_INET6:
		addr->u.in6.sin6_port = htons((uint16_t)port);
		break;
	default:
		break;
	}
}

int
sk_addr_resolve(struct sk_addr *out, const char *host, const char *port,
    int family, int socktype, struct sk_error *err)
{
	struct addrinfo hints, *res = NULL;
	unsigned int portnum = 0;
	int r;

	if (port != NULL && sk_parse_port(port,
	    socktype == SOCK_DGRAM ? "udp" : NULL, &portnum, err) == -1)
		return -1;
	memset(out, 0, sizeof(*out));
	if (host == NULL || *host == '\0') {
		if (family == AF_INET6) {
			out->u.in6.sin6_family = AF_INET6;
			out->u.in6.sin6_addr = in6addr_any;
			out->len = sizeof(out->u.in6);
		} else {
			out->u.in.sin_family = AF_INET;
			out->u.in.sin_addr.s_addr = htonl(INADDR_ANY);
			out->len = sizeof(out->u.in);
		}
		sk_addr_set_port(out, portnum);
		return 0;
	}
	if (strcmp(host, "<broadcast>") == 0) {
		if (family == AF_INET6)
			return sk_error_set(err, SK_ERR_GAIERROR, EAI_FAMILY,
			    "address family mismatched");
		out->u.in.sin_family = AF_INET;
		out->u.in.sin_addr.s_addr = htonl(INADDR_BROADCAST);
		out->len = sizeof(out->u.in);
		sk_addr_set_port(out, portnum);
		return 0;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = socktype;
	r = getaddrinfo(host, NULL, &hints, &res);
	if (r != 0) {
		if (r == EAI_SYSTEM)
			return sk_error_set(err, SK_ERR_OS, errno, NULL);
		return sk_error_set(err, SK_ERR_GAIERROR, r, NULL);
	}
	r = sk_addr_from_sockaddr(out, res->ai_addr, res->ai_addrlen, err);
	freeaddrinfo(res);
	if (r == -1)
		return -1;
	sk_addr_set_port(out, portnum);
	return 0;
}

/* A quoted Python string in a tuple: '...' or "..." with \\ and \' escapes.
 * Returns a pointer past the closing quote, or NULL. */
static const char *
parse_quoted(const char *p, char *buf, size_t size)
{
	char q = *p++;
	size_t n = 0;

	if (q != '\'' && q != '"')
		return NULL;
	while (*p != '\0' && *p != q) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		if (n + 1 >= size)
			return NULL;
		buf[n++] = *p++;
	}
	if (*p != q)
		return NULL;
	buf[n] = '\0';
	return p + 1;
}

static const char *
skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* A decimal field of a tuple, up to ',' or ')'. */
static const char *
parse_field(const char *p, char *buf, size_t size)
{
	size_t n = 0;

	p = skip_space(p);
	while (isdigit((unsigned char)*p)) {
		if (n + 1 >= size)
			return NULL;
		buf[n++] = *p++;
	}
	if (n == 0)
		return NULL;
	buf[n] = '\0';
	return skip_space(p);
}

static int
parse_tuple(struct sk_addr *out, const char *text, int family, int socktype,
    struct sk_error *err)
{
	char host[NI_MAXHOST], port[16], flow[16], scope[16];
	const char *p = skip_space(text + 1);
	long long v;

	if ((p = parse_quoted(p, host, sizeof(host))) == NULL)
		goto bad;
	p = skip_space(p);
	if (*p++ != ',' || (p = parse_field(p, port, sizeof(port))) == NULL)
		goto bad;
	flow[0] = scope[0] = '\0';
	if (*p == ',') {
		if ((p = parse_field(p + 1, flow, sizeof(flow))) == NULL)
			goto bad;
		if (*p == ',' &&
		    (p = parse_field(p + 1, scope, sizeof(scope))) == NULL)
			goto bad;
	}
	if (*p++ != ')' || *skip_space(p) != '\0')
		goto bad;
	if (sk_addr_resolve(out, host, port, family, socktype, err) == -1)
		return -1;
	if (flow[0] != '\0' || scope[0] != '\0') {
		if (sk_addr_family(out) != AF_INET6)
			return sk_error_set(err, SK_ERR_VALUE, EINVAL,
			    "flowinfo and scope id need an IPv6 address");
		if (flow[0] != '\0') {
			if (sk_parse_integer(flow, 0, 0xfffff, &v, err) == -1)
				return -1;
			out->u.in6.sin6_flowinfo = htonl((uint32_t)v);
		}
		if (scope[0] != '\0') {
			if (sk_parse_integer(scope, 0, UINT32_MAX, &v,
			    err) == -1)
				return -1;
			out->u.in6.sin6_scope_id = (uint32_t)v;
		}
	}
	return 0;
bad:
	return sk_error_set(err, SK_ERR_VALUE, EINVAL,
	    "malformed address tuple: expected ('HOST', PORT)");
}

int
sk_addr_parse(struct sk_addr *out, const char *text, int family, int socktype,
    struct sk_error *err)
{
	char host[NI_MAXHOST];
	const char *colon, *close, *start = text;
	size_t n;

	if (text[0] == '(')
		return parse_tuple(out, text, family, socktype, err);
	if (text[0] == '@' || strchr(text, '/') != NULL)
		return sk_addr_unix(out, text, err);
	if (text[0] == '[') {
		if ((close = strchr(text, ']')) == NULL || close[1] != ':')
			return sk_error_set(err, SK_ERR_VALUE, EINVAL,
			    "malformed address: expected [IPV6]:PORT");
		start = text + 1;
		n = (size_t)(close - start);
		colon = close + 1;
	} else {
		if ((colon = strrchr(text, ':')) == NULL)
			return sk_error_set(err, SK_ERR_VALUE, EINVAL,
			    "malformed address: expected HOST:PORT");
		if (memchr(text, ':', (size_t)(colon - text)) != NULL)
			return sk_error_set(err, SK_ERR_VALUE, EINVAL,
			    "malformed address: write an IPv6 address as "
			    "[ADDR]:PORT");
		n = (size_t)(colon - text);
	}
	if (n >= sizeof(host))
		return sk_error_set(err, SK_ERR_VALUE, ENAMETOOLONG,
		    "host name too long");
	memcpy(host, start, n);
	host[n] = '\0';
	return sk_addr_resolve(out, host, colon + 1, family, socktype, err);
}

/*
 * The bytes of sun_path an AF_UNIX address uses: never more than
 * sun_path holds, whatever length a caller or the kernel gave.
 */
static size_t
unix_path_len(const struct sk_addr *addr)
{
	size_t off = offsetof(struct sockaddr_un, sun_path);
	size_t n = addr->len > off ? addr->len - off : 0;

	return n < sizeof(addr->u.un.sun_path) ? n :
	    sizeof(addr->u.un.sun_path);
}

int
sk_addr_host(const struct sk_addr *addr, char *buf, size_t size)
{
	char ifname[IF_NAMESIZE];
	size_t n;

	if (size == 0)
		return -1;
	switch (sk_addr_family(addr)) {
	case AF_INET:
		if (inet_ntop(AF_INET, &addr->u.in.sin_addr, buf,
		    (socklen_t)size) == NULL)
			return -1;
		return (int)strlen(buf);
	case AF_INET6:
		if (inet_ntop(AF_INET6, &addr->u.in6.sin6_addr, buf,
		    (socklen_t)size) == NULL)
			return -1;
		n = strlen(buf);
		if (addr->u.in6.sin6_scope_id != 0) {
			const struct in6_addr *a6 = &addr->u.in6.sin6_addr;
			int m;

			/*
			 * An interface name only where getaddrinfo(3) reads
			 * one back, as getnameinfo(3) does: link-local
			 * scopes.  Elsewhere the number ("::1%1").
			 */
			if ((IN6_IS_ADDR_LINKLOCAL(a6) ||
			    IN6_IS_ADDR_MC_LINKLOCAL(a6)) &&
			    if_indextoname(addr->u.in6.sin6_scope_id,
			    ifname) != NULL)
				m = snprintf(buf + n, size - n, "%%%s", ifname);
			else
				m = snprintf(buf + n, size - n, "%%%u",
				    addr->u.in6.sin6_scope_id);
			if (m < 0 || (size_t)m >= size - n)
				return -1;
			n += (size_t)m;
		}
		return (int)n;
	case AF_UNIX:
		n = unix_path_len(addr);
		if (n > 0 && addr->u.un.sun_path[0] == '\0') {
			if (n >= size)
				return -1;
			buf[0] = '@';
			memcpy(buf + 1, addr->u.un.sun_path + 1, n - 1);
			buf[n] = '\0';
			return (int)n;
		}
		n = strnlen(addr->u.un.sun_path, n);
		if (n >= size)
			return -1;
		memcpy(buf, addr->u.un.sun_path, n);
		buf[n] = '\0';
		return (int)n;
	default:
		buf[0] = '\0';
		return 0;
	}
}

/* Python's repr(str) for an ASCII-escaped path. */
static size_t
str_repr(const char *s, size_t n, char *buf, size_t size)
{
	struct sk_buf b = { 0 };
	char q = '\'';
	size_t i, len;

	if (memchr(s, '\'', n) != NULL && memchr(s, '"', n) == NULL)
		q = '"';
	(void)sk_buf_putc(&b, q);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == (unsigned char)q || c == '\\')
			(void)sk_buf_printf(&b, "\\%c", c);
		else if (c == '\n')
			(void)sk_buf_append(&b, "\\n", 2);
		else if (c == '\t')
			(void)sk_buf_append(&b, "\\t", 2);
		else if (c == '\r')
			(void)sk_buf_append(&b, "\\r", 2);
		else if (c < 0x20 || c >= 0x7f)
			(void)sk_buf_printf(&b, "\\x%02x", c);
		else
			(void)sk_buf_putc(&b, (char)c);
	}
	(void)sk_buf_putc(&b, q);
	len = b.data != NULL ? b.len : 0;
	if (size > 0)
		strlcpy(buf, b.data != NULL ? b.data : "", size);
	sk_buf_free(&b);
	return len;
}

size_t
sk_addr_format_noscope(const struct sk_addr *addr, char *buf, size_t size)
{
	char host[INET6_ADDRSTRLEN + IF_NAMESIZE + 16], *scope;
	int n;

	if (sk_addr_family(addr) != AF_INET6 ||
	    sk_addr_host(addr, host, sizeof(host)) < 0 ||
	    (scope = strchr(host, '%')) == NULL)
		return sk_addr_format(addr, buf, size);
	*scope = '\0';
	n = snprintf(buf, size, "('%s', %u, %u, %u)", host, sk_addr_port(addr),
	    ntohl(addr->u.in6.sin6_flowinfo), addr->u.in6.sin6_scope_id);
	return n < 0 ? 0 : (size_t)n;
}

size_t
sk_addr_format(const struct sk_addr *addr, char *buf, size_t size)
{
	char host[INET6_ADDRSTRLEN + IF_NAMESIZE + 16];
	int n;
	size_t plen;

	switch (sk_addr_family(addr)) {
	case AF_INET:
		if (sk_addr_host(addr, host, sizeof(host)) < 0)
			host[0] = '\0';
		n = snprintf(buf, size, "('%s', %u)", host, sk_addr_port(addr));
		return n < 0 ? 0 : (size_t)n;
	case AF_INET6:
		if (sk_addr_host(addr, host, sizeof(host)) < 0)
			host[0] = '\0';
		n = snprintf(buf, size, "('%s', %u, %u, %u)", host,
		    sk_addr_port(addr), ntohl(addr->u.in6.sin6_flowinfo),
		    addr->u.in6.sin6_scope_id);
		return n < 0 ? 0 : (size_t)n;
	case AF_UNIX:
		plen = unix_path_len(addr);
		if (plen > 0 && addr->u.un.sun_path[0] == '\0')
			return sk_bytes_repr(addr->u.un.sun_path, plen, buf,
			    size);
		plen = strnlen(addr->u.un.sun_path, plen);
		return str_repr(addr->u.un.sun_path, plen, buf, size);
	default:
		n = snprintf(buf, size, "(%d, '')", sk_addr_family(addr));
		return n < 0 ? 0 : (size_t)n;
	}
}
