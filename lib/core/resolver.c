/*
 * resolver.c - the resolver functions of Python's socket module, in C.
 *
 * getaddrinfo, getnameinfo (RFC 3493, POSIX.1-2017 getaddrinfo(3) and
 * getnameinfo(3)), gethostbyname, gethostbyname_ex, gethostbyaddr,
 * getfqdn, gethostname and has_ipv6 (services and protocols are in
 * netdb.c), with the semantics of CPython's Modules/socketmodule.c on
 * Linux/glibc: names are first resolved as its setipaddr() does (with
 * getaddrinfo, so a failure there is a gaierror), then looked up with the
 * reentrant glibc calls (gethostbyname_r(3), gethostbyaddr_r(3)), so
 * every function here is thread-safe.
 */
#ifndef _DEFAULT_SOURCE
/* The *_r netdb calls and NI_MAXHOST, even under strict feature macros. */
#define _DEFAULT_SOURCE
#endif

#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <netdb.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bsd/string.h>

#include "sockit-int.h"

/* The scratch buffer gethostbyname_r(3) and kin start with (grown by
 * sk__grow_buffer on ERANGE). */
#define HOST_BUF_START	16384	/* what CPython uses for gethostbyname_r */

/* CPython's gethostname() buffer. */
#define HOSTNAME_BUF	1024

/* CPython's set_gaierror(): EAI_SYSTEM is an OSError from errno. */
static int
set_gaierror(struct sk_error *err, int rc, int saved_errno)
{
	if (rc == EAI_SYSTEM)
		return sk_error_set(err, SK_ERR_OS, saved_errno, NULL);
	return sk_error_set(err, SK_ERR_GAIERROR, rc, NULL);
}

/*
 * CPython's setipaddr(): turn NAME into one IPv4 or IPv6 address of family
 * af (AF_INET or AF_UNSPEC).  "" is the wildcard address getaddrinfo gives
 * for AI_PASSIVE, "<broadcast>" and "255.255.255.255" are INADDR_BROADCAST,
 * numeric addresses are parsed without a lookup (an IPv6 one only without
 * a '%' scope), anything else is the first getaddrinfo result.  Returns -1
 * with SK_ERR_GAIERROR when getaddrinfo fails, or SK_ERR_OS with CPython's
 * message for the cases it rejects.
 */
static int
setipaddr(const char *name, struct sockaddr_storage *ss, int af,
    struct sk_error *err)
{
	struct addrinfo hints, *res;
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	size_t len;
	int rc;

	memset(ss, 0, sizeof(*ss));
	if (name[0] == '\0') {
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = af;
		hints.ai_socktype = SOCK_DGRAM;
		hints.ai_flags = AI_PASSIVE;
		if ((rc = getaddrinfo(NULL, "0", &hints, &res)) != 0)
			return set_gaierror(err, rc, errno);
		if (res->ai_family != AF_INET && res->ai_family != AF_INET6) {
			freeaddrinfo(res);
			return sk_error_set(err, SK_ERR_OS, SK__NO_ERRNO,
			    "unsupported address family");
		}
		if (res->ai_next != NULL) {
			freeaddrinfo(res);
			return sk_error_set(err, SK_ERR_OS, SK__NO_ERRNO,
			    "wildcard resolved to multiple address");
		}
		len = res->ai_addrlen < sizeof(*ss) ? res->ai_addrlen :
		    sizeof(*ss);
		memcpy(ss, res->ai_addr, len);
		freeaddrinfo(res);
		return 0;
	}

	if (strcmp(name, "255.255.255.255") == 0 ||
	    strcmp(name, "<broadcast>") == 0) {
		if (af != AF_INET && af != AF_UNSPEC)
			return sk_error_set(err, SK_ERR_OS, SK__NO_ERRNO,
			    "address family mismatched");
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_BROADCAST);
		return 0;
	}

	/* Avoid a name resolution for a numeric address. */
	if ((af == AF_UNSPEC || af == AF_INET) &&
	    inet_pton(AF_INET, name, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		return 0;
	}
	memset(ss, 0, sizeof(*ss));
	if ((af == AF_UNSPEC || af == AF_INET6) && strchr(name, '%') == NULL &&
	    inet_pton(AF_INET6, name, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		return 0;
	}
	memset(ss, 0, sizeof(*ss));

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = af;
	if ((rc = getaddrinfo(name, NULL, &hints, &res)) != 0)
		return set_gaierror(err, rc, errno);
	len = res->ai_addrlen < sizeof(*ss) ? res->ai_addrlen : sizeof(*ss);
	memcpy(ss, res->ai_addr, len);
	freeaddrinfo(res);
	if (ss->ss_family != AF_INET && ss->ss_family != AF_INET6)
		return sk_error_set(err, SK_ERR_OS, SK__NO_ERRNO,
		    "unknown address family");
	return 0;
}

/*
 * CPython's gethost_common(): copy a struct hostent of family af into out
 * (which must be zeroed), the addresses as text.  The arrays are
 * NULL-terminated as well as counted.  Returns -1 (SK_ERR_OS) when the
 * family does not match or memory runs out; out then holds what was
 * copied, for sk_hostent_free.
 */
static int
hostent_fill(struct sk_hostent *out, const struct hostent *h, int af,
    struct sk_error *err)
{
	char text[INET6_ADDRSTRLEN];
	size_t i, n;
	int alen;

	alen = af == AF_INET ? (int)sizeof(struct in_addr) :
	    (int)sizeof(struct in6_addr);
	if (h->h_addrtype != af || h->h_length != alen)
		return sk_error_set(err, SK_ERR_OS, EAFNOSUPPORT, NULL);

	if ((out->name = strdup(h->h_name != NULL ? h->h_name : "")) == NULL)
		return sk__no_memory(err);

	n = 0;
	if (h->h_aliases != NULL)
		while (h->h_aliases[n] != NULL)
			n++;
	if ((out->aliases = calloc(n + 1, sizeof(*out->aliases))) == NULL)
		return sk__no_memory(err);
	for (i = 0; i < n; i++) {
		if ((out->aliases[i] = strdup(h->h_aliases[i])) == NULL)
			return sk__no_memory(err);
		out->naliases = i + 1;
	}

	n = 0;
	if (h->h_addr_list != NULL)
		while (h->h_addr_list[n] != NULL)
			n++;
	if ((out->addrs = calloc(n + 1, sizeof(*out->addrs))) == NULL)
		return sk__no_memory(err);
	for (i = 0; i < n; i++) {
		if (inet_ntop(af, h->h_addr_list[i], text, sizeof(text)) ==
		    NULL)
			return sk_error_set(err, SK_ERR_OS, errno, NULL);
		if ((out->addrs[i] = strdup(text)) == NULL)
			return sk__no_memory(err);
		out->naddrs = i + 1;
	}
	return 0;
}

/*
 * socket.getaddrinfo().  Returns the number of results, or -1 with
 * SK_ERR_GAIERROR (SK_ERR_OS for EAI_SYSTEM or when memory runs out);
 * *out is NULL then.
 */
ssize_t
sk_getaddrinfo(const char *host, const char *port, int family, int type,
    int proto, int flags, struct sk_addrinfo **out, struct sk_error *err)
{
	struct addrinfo hints, *res0, *res;
	struct sk_addrinfo *ai;
	size_t i, n;
	int rc;

	if (out == NULL)
		return sk__null_argument(err);
	*out = NULL;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = type;
	hints.ai_protocol = proto;
	hints.ai_flags = flags;
	res0 = NULL;
	if ((rc = getaddrinfo(host, port, &hints, &res0)) != 0)
		return set_gaierror(err, rc, errno);

	n = 0;
	for (res = res0; res != NULL; res = res->ai_next)
		n++;
	if (n == 0) {
		freeaddrinfo(res0);
		return 0;
	}
	if ((ai = calloc(n, sizeof(*ai))) == NULL) {
		freeaddrinfo(res0);
		return sk__no_memory(err);
	}
	for (i = 0, res = res0; res != NULL; i++, res = res->ai_next) {
		ai[i].family = res->ai_family;
		ai[i].type = res->ai_socktype;
		ai[i].proto = res->ai_protocol;
		ai[i].canonname = strdup(res->ai_canonname != NULL ?
		    res->ai_canonname : "");
		if (ai[i].canonname == NULL) {
			sk__no_memory(err);
			goto fail;
		}
		if (sk_addr_from_sockaddr(&ai[i].addr, res->ai_addr,
		    res->ai_addrlen, err) == -1)
			goto fail;
	}
	freeaddrinfo(res0);
	*out = ai;
	return (ssize_t)n;

fail:
	freeaddrinfo(res0);
	sk_addrinfo_free(ai, n);
	return -1;
}

/* Free what sk_getaddrinfo returned; NULL is fine. */
void
sk_addrinfo_free(struct sk_addrinfo *ai, size_t n)
{
	size_t i;

	if (ai == NULL)
		return;
	for (i = 0; i < n; i++)
		free(ai[i].canonname);
	free(ai);
}

/*
 * socket.getnameinfo(): host and service as text into the caller's
 * buffers (either may be NULL when not wanted; both are always looked up,
 * as CPython does).  Returns -1 with SK_ERR_GAIERROR (EAI_FAMILY for a
 * family other than AF_INET or AF_INET6; SK_ERR_OS for EAI_SYSTEM), or
 * SK_ERR_VALUE when a buffer is too small.
 */
int
sk_getnameinfo(const struct sk_addr *addr, int flags, char *host,
    size_t hostlen, char *serv, size_t servlen, struct sk_error *err)
{
	char hbuf[NI_MAXHOST], sbuf[NI_MAXSERV];
	int rc;

	if (addr == NULL)
		return sk__null_argument(err);
	if (addr->len > sizeof(addr->u))
		return sk_error_set(err, SK_ERR_VALUE, EINVAL,
		    "socket address too long");
	/*
	 * Python's sockaddr argument is an IP (host, port) tuple; glibc
	 * would also answer for AF_UNIX, which Python cannot ask.
	 */
	if (addr->u.sa.sa_family != AF_INET &&
	    addr->u.sa.sa_family != AF_INET6)
		return set_gaierror(err, EAI_FAMILY, 0);
	rc = getnameinfo(&addr->u.sa, addr->len, hbuf, sizeof(hbuf), sbuf,
	    sizeof(sbuf), flags);
	if (rc != 0)
		return set_gaierror(err, rc, errno);
	if (host != NULL && sk__copy_out(host, hostlen, hbuf, err) == -1)
		return -1;
	if (serv != NULL && sk__copy_out(serv, servlen, sbuf, err) == -1) {
		if (host != NULL)
			host[0] = '\0';
		return -1;
	}
	return 0;
}

/* Free the strings and arrays of h and zero it; NULL is fine. */
void
sk_hostent_free(struct sk_hostent *h)
{
	size_t i;

	if (h == NULL)
		return;
	if (h->aliases != NULL)
		for (i = 0; i < h->naliases; i++)
			free(h->aliases[i]);
	if (h->addrs != NULL)
		for (i = 0; i < h->naddrs; i++)
			free(h->addrs[i]);
	free(h->aliases);
	free(h->addrs);
	free(h->name);
	memset(h, 0, sizeof(*h));
}

/*
 * socket.gethostbyname(): the IPv4 address of NAME as text.  Returns -1
 * with SK_ERR_GAIERROR when it does not resolve, SK_ERR_VALUE when buf is
 * too small.
 */
int
sk_gethostbyname(const char *name, char *buf, size_t size,
    struct sk_error *err)
{
	struct sockaddr_storage ss;
	char text[INET_ADDRSTRLEN];

	if (name == NULL)
		return sk__null_argument(err);
	if (setipaddr(name, &ss, AF_INET, err) == -1)
		return -1;
	if (ss.ss_family != AF_INET)
		return sk_error_set(err, SK_ERR_OS, EAFNOSUPPORT, NULL);
	if (inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, text,
	    sizeof(text)) == NULL)
		return sk_error_set(err, SK_ERR_OS, errno, NULL);
	return sk__copy_out(buf, size, text, err);
}

/*
 * The triple of gethostbyname_r(3) for NAME when ADDR is NULL, else of
 * gethostbyaddr_r(3) for the ALEN bytes at ADDR, into *out with the
 * addresses of family AF.  The scratch buffer starts at HOST_BUF_START
 * and grows while the call says ERANGE.  -1 with SK_ERR_HERROR when the
 * lookup fails, SK_ERR_OS when memory runs out; *out is freed then.
 */
static int
host_lookup(const char *name, const void *addr, socklen_t alen, int af,
    struct sk_hostent *out, struct sk_error *err)
{
	struct hostent he, *h;
	char *buf;
	size_t size = HOST_BUF_START;
	int herr, rc;

	if ((buf = malloc(size)) == NULL)
		return sk__no_memory(err);
	for (;;) {
		h = NULL;
		herr = 0;
		if (addr == NULL)
			rc = gethostbyname_r(name, &he, buf, size, &h, &herr);
		else
			rc = gethostbyaddr_r(addr, alen, af, &he, buf, size,
			    &h, &herr);
		if (h != NULL)
			break;
		if (rc != ERANGE) {
			sk_error_set(err, SK_ERR_HERROR, herr, NULL);
			goto fail;
		}
		if (sk__grow_buffer(&buf, &size, err) == -1)
			goto fail;
	}
	if (hostent_fill(out, h, af, err) == -1)
		goto fail;
	free(buf);
	return 0;

fail:
	free(buf);
	sk_hostent_free(out);
	return -1;
}

/*
 * socket.gethostbyname_ex(): NAME must first resolve to an IPv4 address
 * (else -1 with SK_ERR_GAIERROR), then gethostbyname_r(3) gives the
 * triple (else -1 with SK_ERR_HERROR).  SK_ERR_OS when memory runs out.
 * *out is zeroed on failure.
 */
int
sk_gethostbyname_ex(const char *name, struct sk_hostent *out,
    struct sk_error *err)
{
	struct sockaddr_storage ss;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (name == NULL || out == NULL)
		return sk__null_argument(err);
	if (setipaddr(name, &ss, AF_INET, err) == -1)
		return -1;
	return host_lookup(name, NULL, 0, ss.ss_family, out, err);
}

/*
 * socket.gethostbyaddr(): ADDRESS (a name is resolved first: -1 with
 * SK_ERR_GAIERROR when it does not) is looked up with gethostbyaddr_r(3)
 * (-1 with SK_ERR_HERROR when that fails).  SK_ERR_OS when memory runs
 * out or for CPython's "wildcard resolved to multiple address" on "".
 * *out is zeroed on failure.
 */
int
sk_gethostbyaddr(const char *address, struct sk_hostent *out,
    struct sk_error *err)
{
	struct sockaddr_storage ss;
	const void *ap;
	socklen_t alen;
	int af;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (address == NULL || out == NULL)
		return sk__null_argument(err);
	if (setipaddr(address, &ss, AF_UNSPEC, err) == -1)
		return -1;
	af = ss.ss_family;
	switch (af) {
	case AF_INET:
		ap = &((struct sockaddr_in *)&ss)->sin_addr;
		alen = sizeof(struct in_addr);
		break;
	case AF_INET6:
		ap = &((struct sockaddr_in6 *)&ss)->sin6_addr;
		alen = sizeof(struct in6_addr);
		break;
	default:
		return sk_error_set(err, SK_ERR_OS, SK__NO_ERRNO,
		    "unsupported address family");
	}
	return host_lookup(NULL, ap, alen, af, out, err);
}

/* What Python's str.isspace() says of an ASCII byte. */
static bool
py_isspace(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') ||
	    (c >= 0x1c && c <= 0x1f);
}

/*
 * socket.getfqdn(), as socket.py does it: NAME stripped of white space;
 * "" (or NULL), "0.0.0.0" and "::" mean gethostname(); then the first of
 * the hostname and aliases gethostbyaddr gives that contains a '.', else
 * that hostname; when gethostbyaddr fails, the (stripped) name itself.
 * Returns -1 only when gethostname fails (SK_ERR_OS), memory runs out
 * (SK_ERR_OS ENOMEM) or buf is too small (SK_ERR_VALUE).
 */
int
sk_getfqdn(const char *name, char *buf, size_t size, struct sk_error *err)
{
	struct sk_hostent h;
	struct sk_error lookup_err;
	char hostname[HOSTNAME_BUF];
	const char *start, *end, *answer;
	char *stripped;
	size_t i;
	int rc;

	if (name == NULL)
		name = "";
	for (start = name; py_isspace((unsigned char)*start); start++)
		continue;
	for (end = start + strlen(start); end > start &&
	    py_isspace((unsigned char)end[-1]); end--)
		continue;
	if ((stripped = strndup(start, (size_t)(end - start))) == NULL)
		return sk__no_memory(err);

	if (stripped[0] == '\0' || strcmp(stripped, "0.0.0.0") == 0 ||
	    strcmp(stripped, "::") == 0) {
		free(stripped);
		if (sk_gethostname(hostname, sizeof(hostname), err) == -1)
			return -1;
		if ((stripped = strdup(hostname)) == NULL)
			return sk__no_memory(err);
	}

	sk_error_clear(&lookup_err);
	if (sk_gethostbyaddr(stripped, &h, &lookup_err) == -1) {
		if (lookup_err.kind == SK_ERR_OS &&
		    lookup_err.code == ENOMEM) {
			free(stripped);
			return sk__no_memory(err);
		}
		/* Not resolvable: the name itself, as socket.py does. */
		rc = sk__copy_out(buf, size, stripped, err);
		free(stripped);
		return rc;
	}
	answer = h.name;
	if (strchr(h.name, '.') == NULL) {
		for (i = 0; i < h.naliases; i++) {
			if (strchr(h.aliases[i], '.') != NULL) {
				answer = h.aliases[i];
				break;
			}
		}
	}
	rc = sk__copy_out(buf, size, answer, err);
	sk_hostent_free(&h);
	free(stripped);
	return rc;
}

/*
 * socket.gethostname().  Returns -1 with SK_ERR_OS when gethostname(2)
 * fails, SK_ERR_VALUE when buf is too small.
 */
int
sk_gethostname(char *buf, size_t size, struct sk_error *err)
{
	char name[HOSTNAME_BUF];

	if (gethostname(name, sizeof(name) - 1) == -1)
		return sk_error_set(err, SK_ERR_OS, errno, NULL);
	name[sizeof(name) - 1] = '\0';
	return sk__copy_out(buf, size, name, err);
}

/*
 * socket.has_ipv6: whether an AF_INET6 socket can be made.  The answer is
 * cached once it is definite (the socket opened, or the kernel refused the
 * family); a passing shortage of descriptors or memory answers false
 * without being cached.  Never fails; errno is preserved.
 */
bool
sk_has_ipv6(void)
{
	static atomic_int cached;	/* 0 unknown, 1 yes, 2 no */
	int fd, saved_errno, state;

	if ((state = atomic_load(&cached)) != 0)
		return state == 1;
	saved_errno = errno;
	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd != -1) {
		(void)close(fd);
		state = 1;
	} else if (errno == EAFNOSUPPORT || errno == EPROTONOSUPPORT ||
	    errno == EINVAL || errno == EACCES || errno == EPERM)
		state = 2;
	else
		state = 0;
	errno = saved_errno;
	if (state != 0)
		atomic_store(&cached, state);
	return state == 1;
}
