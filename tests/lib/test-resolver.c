/*
 * test-resolver.c - the resolver functions (RFC 3493 getaddrinfo(3) and
 * getnameinfo(3), gethostbyname(_ex), gethostbyaddr, getfqdn,
 * gethostname, getservbyname/port, getprotobyname/number, has_ipv6) and
 * create_connection, which tries every address in order.
 *
 * No query may leave the machine: names are numeric, "localhost",
 * "127.0.0.1" (which /etc/hosts answers both ways), this host's own name,
 * services from /etc/services and protocols from /etc/protocols; the one
 * name that must fail is under the reserved .invalid TLD (RFC 2606), and
 * getnameinfo is numeric (NI_NUMERICHOST) for everything but 127.0.0.1.
 * Under tests/private-ns the resolver reads only a hosts file of the
 * tests' own; when /etc/hosts is that file, the .test names in it are
 * looked up too.
 */
#include <sys/socket.h>
#include <sys/utsname.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockit.h"
#include "helpers.h"
#include "tap.h"

#define INVALID_NAME "no-such-host.invalid"

/* The failure every .invalid lookup must give; no DNS may answer EAGAIN. */
static bool
is_noname(const struct sk_error *err, const char *what)
{
	return ok(err->kind == SK_ERR_GAIERROR && (err->code == EAI_NONAME ||
	    err->code == EAI_AGAIN), "%s: gaierror EAI_NONAME or EAI_AGAIN "
	    "(%s: %s)", what, sk_error_kind_name(err->kind), err->message);
}

static void
test_getaddrinfo(void)
{
	struct sk_addrinfo *ai;
	struct sk_error err;
	ssize_t n, i;
	bool streams;

	n = sk_getaddrinfo("127.0.0.1", "80", AF_INET, SOCK_STREAM, 0, 0, &ai,
	    &err);
	is_int(n, 1, "getaddrinfo('127.0.0.1', 80, AF_INET, SOCK_STREAM)");
	if (n == 1) {
		is_int(ai[0].family, AF_INET, "... family AF_INET");
		is_int(ai[0].type, SOCK_STREAM, "... type SOCK_STREAM");
		is_int(ai[0].proto, IPPROTO_TCP, "... proto IPPROTO_TCP");
		is_str(ai[0].canonname, "", "... canonname ''");
		is_str(addr_str(&ai[0].addr),
		    "('127.0.0.1', 80)", "... sockaddr");
	}
	sk_addrinfo_free(ai, n < 0 ? 0 : (size_t)n);

	n = sk_getaddrinfo("::1", "http", AF_INET6, SOCK_DGRAM, 0, 0, &ai,
	    &err);
	/* /etc/services has http for tcp only; a name for the wrong
	 * socket type is EAI_SERVICE. */
	is_int(n, -1, "getaddrinfo('::1', 'http', SOCK_DGRAM) fails");
	is_err(&err, SK_ERR_GAIERROR, EAI_SERVICE, NULL,
	    "... gaierror EAI_SERVICE");
	n = sk_getaddrinfo("::1", "domain", AF_INET6, SOCK_DGRAM, 0, 0, &ai,
	    &err);
	is_int(n, 1, "getaddrinfo('::1', 'domain', AF_INET6, SOCK_DGRAM)");
	if (n == 1) {
		is_int(ai[0].proto, IPPROTO_UDP, "... proto IPPROTO_UDP");
		is_str(addr_str(&ai[0].addr),
		    "('::1', 53, 0, 0)", "... sockaddr");
	}
	sk_addrinfo_free(ai, n < 0 ? 0 : (size_t)n);

	n = sk_getaddrinfo("fe80::1%lo", "22", AF_INET6, SOCK_STREAM, 0,
	    AI_NUMERICHOST, &ai, &err);
	is_int(n, 1, "getaddrinfo('fe80::1%%lo', 22, AI_NUMERICHOST)");
	if (n == 1)
		is_str(addr_str(&ai[0].addr), "('fe80::1%lo', 22, 0, 1)",
		    "... has the scope id of lo");
	sk_addrinfo_free(ai, n < 0 ? 0 : (size_t)n);

	/* No type: one result per socket type. */
	n = sk_getaddrinfo("127.0.0.1", NULL, AF_INET, 0, 0, 0, &ai, &err);
	ok(n >= 2, "getaddrinfo('127.0.0.1', None): several types (%zd)", n);
	for (i = 0, streams = false; i < n; i++) {
		if (ai[i].type == SOCK_STREAM)
			streams = true;
		if (sk_addr_port(&ai[i].addr) != 0)
			break;
	}
	ok(i == n && streams, "... a SOCK_STREAM one, all with port 0");
	sk_addrinfo_free(ai, n < 0 ? 0 : (size_t)n);

	/* host None: the wildcard with AI_PASSIVE, else loopback. */
	n = sk_getaddrinfo(NULL, "80", AF_INET, SOCK_STREAM, 0, AI_PASSIVE,
	    &ai, &err);
	is_int(n, 1, "getaddrinfo(None, 80, AI_PASSIVE)");
	if (n == 1)
		is_str(addr_str(&ai[0].addr),
		    "('0.0.0.0', 80)", "... is 0.0.0.0");
	sk_addrinfo_free(ai, n < 0 ? 0 : (size_t)n);
	n = sk_getaddrinfo(NULL, "80", AF_INET6, SOCK_STREAM, 0, 0, &ai, &err);
	is_int(n, 1, "getaddrinfo(None, 80, AF_INET6)");
	if (n == 1)
		is_str(addr_str(&ai[0].addr),
		    "('::1', 80, 0, 0)", "... is ::1");
	sk_addrinfo_free(ai, n < 0 ? 0 : (size_t)n);

	n = sk_getaddrinfo("localhost", "http", AF_INET, SOCK_STREAM, 0,
	    AI_CANONNAME, &ai, &err);
	is_int(n >= 1, 1, "getaddrinfo('localhost', 'http', AI_CANONNAME)");
	if (n >= 1) {
		is_str(addr_str(&ai[0].addr), "('127.0.0.1', 80)",
		    "... ('127.0.0.1', 80)");
		is_str(ai[0].canonname, "localhost", "... canonname");
	}
	sk_addrinfo_free(ai, n < 0 ? 0 : (size_t)n);

	n = sk_getaddrinfo("localhost", "1", AF_UNSPEC, SOCK_STREAM, 0, 0,
	    &ai, &err);
	ok(n >= 1, "getaddrinfo('localhost', AF_UNSPEC) (%zd results)", n);
	for (i = 0; i < n; i++)
		diag("localhost [%zd]: %s", i, addr_str(&ai[i].addr));
	sk_addrinfo_free(ai, n < 0 ? 0 : (size_t)n);

	/* The failures. */
	ai = (struct sk_addrinfo *)&err;	/* must come back NULL */
	n = sk_getaddrinfo("localhost", "80", AF_INET, SOCK_STREAM, 0,
	    AI_NUMERICHOST, &ai, &err);
	is_int(n, -1, "getaddrinfo('localhost', AI_NUMERICHOST) fails");
	is_err(&err, SK_ERR_GAIERROR, EAI_NONAME, NULL, "... EAI_NONAME");
	ok(ai == NULL, "a failed getaddrinfo sets *out to NULL");
	n = sk_getaddrinfo(NULL, NULL, AF_UNSPEC, 0, 0, 0, &ai, &err);
	is_int(n, -1, "getaddrinfo(None, None) fails");
	is_err(&err, SK_ERR_GAIERROR, EAI_NONAME, NULL, "... EAI_NONAME");
	n = sk_getaddrinfo("127.0.0.1", "no-such-service-xyz", AF_INET,
	    SOCK_STREAM, 0, 0, &ai, &err);
	is_int(n, -1, "getaddrinfo with an unknown service fails");
	is_err(&err, SK_ERR_GAIERROR, EAI_SERVICE,
	    "Servname not supported for ai_socktype", "... EAI_SERVICE");
	n = sk_getaddrinfo("127.0.0.1", "80", 9999, 0, 0, 0, &ai, &err);
	is_int(n, -1, "getaddrinfo with family 9999 fails");
	is_err(&err, SK_ERR_GAIERROR, EAI_FAMILY, NULL, "... EAI_FAMILY");
	n = sk_getaddrinfo(INVALID_NAME, "80", AF_INET, SOCK_STREAM, 0, 0,
	    &ai, &err);
	is_int(n, -1, "getaddrinfo('" INVALID_NAME "') fails");
	is_noname(&err, "getaddrinfo('" INVALID_NAME "')");
	n = sk_getaddrinfo("127.0.0.1", "80", AF_INET, 0, 0, 0, NULL, &err);
	is_int(n, -1, "getaddrinfo with out NULL fails");
	is_err(&err, SK_ERR_VALUE, EINVAL, "argument must not be NULL",
	    "... ValueError");
	/* Of NULL: nothing (a crash ends the program, which fails the run). */
	sk_addrinfo_free(NULL, 0);
}

static void
test_getnameinfo(void)
{
	static const struct {
		const char *host, *port;
		int family, flags;
		const char *whost, *wserv;
	} cases[] = {
		{ "127.0.0.1", "80", AF_INET, NI_NUMERICHOST | NI_NUMERICSERV,
		    "127.0.0.1", "80" },
		/* 127.0.0.1 is the one address looked up by name. */
		{ "127.0.0.1", "80", AF_INET, 0, "localhost", "http" },
		{ "127.0.0.1", "53", AF_INET, NI_NUMERICHOST | NI_DGRAM,
		    "127.0.0.1", "domain" },
		{ "127.0.0.1", "65001", AF_INET, NI_NUMERICHOST, "127.0.0.1",
		    "65001" },
		{ "::1", "50007", AF_INET6, NI_NUMERICHOST | NI_NUMERICSERV,
		    "::1", "50007" },
		{ "::1", "80", AF_INET6, NI_NUMERICHOST, "::1", "http" },
		{ "fe80::1%lo", "1", AF_INET6,
		    NI_NUMERICHOST | NI_NUMERICSERV, "fe80::1%lo", "1" },
		{ "2001:db8::1", "443", AF_INET6,
		    NI_NUMERICHOST | NI_NUMERICSERV, "2001:db8::1", "443" },
	};
	struct sk_addr a;
	struct sk_error err;
	char host[NI_MAXHOST], serv[NI_MAXSERV];
	size_t i;
	int r;

	for (i = 0; i < nitems(cases); i++) {
		(void)sk_addr_resolve(&a, cases[i].host, cases[i].port,
		    cases[i].family, 0, NULL);
		r = sk_getnameinfo(&a, cases[i].flags, host, sizeof(host),
		    serv, sizeof(serv), &err);
		if (!is_int(r, 0, "getnameinfo(('%s', %s), %d)",
		    cases[i].host, cases[i].port, cases[i].flags))
			diag("%s", err.message);
		is_str(host, cases[i].whost, "getnameinfo(('%s', %s)) host",
		    cases[i].host, cases[i].port);
		is_str(serv, cases[i].wserv, "getnameinfo(('%s', %s)) port",
		    cases[i].host, cases[i].port);
	}

	(void)sk_addr_resolve(&a, "127.0.0.1", "80", AF_INET, 0, NULL);
	r = sk_getnameinfo(&a, NI_NUMERICHOST, NULL, 0, serv, sizeof(serv),
	    &err);
	is_int(r, 0, "getnameinfo with host NULL");
	is_str(serv, "http", "... still gives the service");
	r = sk_getnameinfo(&a, NI_NUMERICHOST, host, 5, serv, sizeof(serv),
	    &err);
	is_int(r, -1, "getnameinfo into a 5-byte host buffer fails");
	is_err(&err, SK_ERR_VALUE, ERANGE, "buffer too small",
	    "... ValueError: buffer too small");
	is_str(host, "", "... and leaves the host empty");
	r = sk_getnameinfo(&a, NI_NUMERICHOST, host, sizeof(host), serv, 2,
	    &err);
	is_int(r, -1, "getnameinfo into a 2-byte service buffer fails");
	is_str(host, "", "... and empties the host too");
	r = sk_getnameinfo(&a, NI_NUMERICHOST | NI_NAMEREQD, host,
	    sizeof(host), serv, sizeof(serv), &err);
	is_int(r, -1, "NI_NUMERICHOST | NI_NAMEREQD fails");
	ok(err.kind == SK_ERR_GAIERROR, "... gaierror (%s)", err.message);

	(void)sk_addr_unix(&a, "/tmp/x", NULL);
	r = sk_getnameinfo(&a, 0, host, sizeof(host), serv, sizeof(serv),
	    &err);
	is_int(r, -1, "getnameinfo of an AF_UNIX address fails");
	is_err(&err, SK_ERR_GAIERROR, EAI_FAMILY, NULL, "... EAI_FAMILY");
	r = sk_getnameinfo(NULL, 0, host, sizeof(host), serv, sizeof(serv),
	    &err);
	is_int(r, -1, "getnameinfo(NULL) fails");
	is_err(&err, SK_ERR_VALUE, EINVAL, NULL, "... ValueError");
	(void)sk_addr_resolve(&a, "127.0.0.1", "80", AF_INET, 0, NULL);
	a.len = sizeof(a.u) + 1;
	r = sk_getnameinfo(&a, NI_NUMERICHOST, host, sizeof(host), serv,
	    sizeof(serv), &err);
	is_int(r, -1, "getnameinfo with a bad length fails");
	is_err(&err, SK_ERR_VALUE, EINVAL, "socket address too long",
	    "... ValueError");
}

/* Every address of h is a, and the arrays end in NULL. */
static bool
all_addrs_are(const struct sk_hostent *h, const char *a)
{
	size_t i;

	if (h->naddrs == 0 || h->addrs[h->naddrs] != NULL ||
	    h->aliases == NULL || h->aliases[h->naliases] != NULL)
		return false;
	for (i = 0; i < h->naddrs; i++)
		if (strcmp(h->addrs[i], a) != 0)
			return false;
	return true;
}

static void
test_gethostbyname(void)
{
	static const struct {
		const char *name, *want;
	} cases[] = {
		{ "localhost", "127.0.0.1" },
		{ "127.0.0.1", "127.0.0.1" },
		{ "127.1", "127.0.0.1" },
		{ "10.20.30.40", "10.20.30.40" },
		{ "", "0.0.0.0" },
		{ "<broadcast>", "255.255.255.255" },
		{ "255.255.255.255", "255.255.255.255" },
	};
	struct sk_hostent h;
	struct sk_error err;
	char buf[INET_ADDRSTRLEN];
	size_t i;
	int r;

	for (i = 0; i < nitems(cases); i++) {
		r = sk_gethostbyname(cases[i].name, buf, sizeof(buf), &err);
		if (!is_int(r, 0, "gethostbyname('%s')", cases[i].name))
			diag("%s", err.message);
		is_str(buf, cases[i].want, "gethostbyname('%s')",
		    cases[i].name);
	}
	r = sk_gethostbyname("localhost", buf, 9, &err);
	is_int(r, -1, "gethostbyname into a 9-byte buffer fails");
	is_err(&err, SK_ERR_VALUE, ERANGE, "buffer too small",
	    "... ValueError");
	r = sk_gethostbyname(INVALID_NAME, buf, sizeof(buf), &err);
	is_int(r, -1, "gethostbyname('" INVALID_NAME "') fails");
	is_noname(&err, "gethostbyname('" INVALID_NAME "')");
	r = sk_gethostbyname(NULL, buf, sizeof(buf), &err);
	is_int(r, -1, "gethostbyname(NULL) fails");
	is_err(&err, SK_ERR_VALUE, EINVAL, NULL, "... ValueError");

	/* gethostbyname_ex: the triple. */
	r = sk_gethostbyname_ex("localhost", &h, &err);
	if (!is_int(r, 0, "gethostbyname_ex('localhost')"))
		diag("%s", err.message);
	is_str(h.name, "localhost", "... hostname 'localhost'");
	ok(all_addrs_are(&h, "127.0.0.1"),
	    "... the addresses are 127.0.0.1 (%zu), arrays end in NULL",
	    h.naddrs);
	sk_hostent_free(&h);
	ok(h.name == NULL && h.addrs == NULL && h.naddrs == 0,
	    "sk_hostent_free zeroes the triple");
	sk_hostent_free(&h);
	/* Of NULL: nothing (a crash ends the program, which fails the run). */
	sk_hostent_free(NULL);
	ok(h.name == NULL && h.addrs == NULL && h.naddrs == 0,
	    "sk_hostent_free twice is harmless: still empty");

	r = sk_gethostbyname_ex("127.0.0.1", &h, &err);
	is_int(r, 0, "gethostbyname_ex('127.0.0.1')");
	is_str(h.name, "127.0.0.1", "... hostname '127.0.0.1', as Python");
	is_int((long long)h.naliases, 0, "... no aliases");
	ok(all_addrs_are(&h, "127.0.0.1"), "... ['127.0.0.1']");
	sk_hostent_free(&h);

	r = sk_gethostbyname_ex(INVALID_NAME, &h, &err);
	is_int(r, -1, "gethostbyname_ex('" INVALID_NAME "') fails");
	is_noname(&err, "gethostbyname_ex('" INVALID_NAME "')");
	ok(h.name == NULL && h.aliases == NULL && h.addrs == NULL,
	    "... and leaves the triple zeroed");
	is_int(sk_gethostbyname_ex(NULL, &h, &err), -1,
	    "gethostbyname_ex(NULL) fails");
	is_int(sk_gethostbyname_ex("localhost", NULL, &err), -1,
	    "gethostbyname_ex with out NULL fails");
	is_err(&err, SK_ERR_VALUE, EINVAL, NULL, "... ValueError");
}

static void
test_gethostbyaddr(void)
{
	struct sk_hostent h;
	struct sk_error err;
	int r;

	/* 127.0.0.1 is the one address /etc/hosts answers backwards. */
	r = sk_gethostbyaddr("127.0.0.1", &h, &err);
	if (!is_int(r, 0, "gethostbyaddr('127.0.0.1')"))
		diag("%s", err.message);
	is_str(h.name, "localhost", "... hostname 'localhost'");
	ok(all_addrs_are(&h, "127.0.0.1"), "... ['127.0.0.1']");
	sk_hostent_free(&h);

	r = sk_gethostbyaddr("localhost", &h, &err);
	if (!is_int(r, 0, "gethostbyaddr('localhost'): a name is resolved"))
		diag("%s", err.message);
	is_str(h.name, "localhost", "... hostname 'localhost'");
	ok(h.naddrs >= 1 && (strcmp(h.addrs[0], "127.0.0.1") == 0 ||
	    strcmp(h.addrs[0], "::1") == 0),
	    "... a loopback address (%s)", h.naddrs ? h.addrs[0] : "none");
	sk_hostent_free(&h);

	/* '' is the wildcard; for AF_UNSPEC there are two, as in Python. */
	r = sk_gethostbyaddr("", &h, &err);
	is_int(r, -1, "gethostbyaddr('') fails");
	is_err(&err, SK_ERR_OS, 0, "wildcard resolved to multiple address",
	    "... OSError, Python's message");

	r = sk_gethostbyaddr(INVALID_NAME, &h, &err);
	is_int(r, -1, "gethostbyaddr('" INVALID_NAME "') fails");
	is_noname(&err, "gethostbyaddr('" INVALID_NAME "')");
	ok(h.name == NULL && h.addrs == NULL, "... triple zeroed");
	is_int(sk_gethostbyaddr(NULL, &h, &err), -1,
	    "gethostbyaddr(NULL) fails");
	is_err(&err, SK_ERR_VALUE, EINVAL, NULL, "... ValueError");
}

static void
test_hostname_fqdn(void)
{
	struct utsname u;
	struct sk_hostent h;
	struct sk_error err;
	char name[1024], fqdn[1024], again[1024], want[1024];
	size_t i;
	int r;

	r = sk_gethostname(name, sizeof(name), &err);
	is_int(r, 0, "gethostname");
	if (uname(&u) == 0)
		is_str(name, u.nodename, "gethostname is uname's nodename");
	r = sk_gethostname(name, strlen(name), &err);
	is_int(r, -1, "gethostname into too small a buffer fails");
	is_err(&err, SK_ERR_VALUE, ERANGE, "buffer too small",
	    "... ValueError");
	(void)sk_gethostname(name, sizeof(name), &err);

	r = sk_getfqdn("localhost", fqdn, sizeof(fqdn), &err);
	is_int(r, 0, "getfqdn('localhost')");
	/* localhost has no dotted alias in either hosts file. */
	is_str(fqdn, "localhost", "getfqdn('localhost') is 'localhost'");
	r = sk_getfqdn(" \tlocalhost\n ", again, sizeof(again), &err);
	is_int(r, 0, "getfqdn(' localhost ') strips white space");
	is_str(again, fqdn, "... to the same answer");
	r = sk_getfqdn("localhost", fqdn, 5, &err);
	is_int(r, -1, "getfqdn into a 5-byte buffer fails");
	is_err(&err, SK_ERR_VALUE, ERANGE, "buffer too small",
	    "... ValueError");

	/* "" is this host: socket.py's algorithm over gethostbyaddr. */
	if (sk_gethostbyaddr(name, &h, &err) == 0) {
		const char *w = h.name;

		if (strchr(w, '.') == NULL)
			for (i = 0; i < h.naliases; i++)
				if (strchr(h.aliases[i], '.') != NULL) {
					w = h.aliases[i];
					break;
				}
		(void)snprintf(want, sizeof(want), "%s", w);
		sk_hostent_free(&h);
	} else
		(void)snprintf(want, sizeof(want), "%s", name);
	r = sk_getfqdn("", fqdn, sizeof(fqdn), &err);
	is_int(r, 0, "getfqdn('')");
	is_str(fqdn, want, "getfqdn('') follows gethostbyaddr(gethostname())");
	diag("gethostname: %s, getfqdn(''): %s", name, fqdn);
	r = sk_getfqdn(NULL, again, sizeof(again), &err);
	is_int(r, 0, "getfqdn(NULL) succeeds");
	is_str(again, fqdn, "getfqdn(NULL) is getfqdn('')");
	r = sk_getfqdn("0.0.0.0", again, sizeof(again), &err);
	is_int(r, 0, "getfqdn('0.0.0.0') succeeds");
	is_str(again, fqdn, "getfqdn('0.0.0.0') is getfqdn('')");
	r = sk_getfqdn("::", again, sizeof(again), &err);
	is_int(r, 0, "getfqdn('::') succeeds");
	is_str(again, fqdn, "getfqdn('::') is getfqdn('')");
}

static void
test_services_protocols(void)
{
	static const struct {
		const char *name, *proto;
		int port;
	} services[] = {
		{ "http", "tcp", 80 }, { "http", NULL, 80 },
		{ "www", "tcp", 80 }, { "domain", "udp", 53 },
		{ "domain", "tcp", 53 }, { "ssh", NULL, 22 },
	};
	static const struct {
		const char *name;
		int number;
		const char *official;
	} protocols[] = {
		{ "tcp", 6, "tcp" }, { "udp", 17, "udp" },
		{ "icmp", 1, "icmp" },
		{ "TCP", 6, "tcp" }, { "ip", 0, "ip" },
	};
	struct sk_error err;
	char buf[64];
	size_t i;
	int r, v;

	for (i = 0; i < nitems(services); i++) {
		v = -1;
		r = sk_getservbyname(services[i].name, services[i].proto, &v,
		    &err);
		is_int(r, 0, "getservbyname('%s', %s)", services[i].name,
		    services[i].proto ? services[i].proto : "any");
		is_int(v, services[i].port, "getservbyname('%s') port",
		    services[i].name);
	}
	v = -1;
	r = sk_getservbyname("no-such-service-xyz", NULL, &v, &err);
	is_int(r, -1, "getservbyname of an unknown service fails");
	is_err(&err, SK_ERR_OS, 0, "service/proto not found",
	    "... OSError 'service/proto not found'");
	r = sk_getservbyname("http", "no-such-proto", &v, &err);
	is_int(r, -1, "getservbyname with an unknown proto fails");
	is_int(sk_getservbyname(NULL, NULL, &v, &err), -1,
	    "getservbyname(NULL) fails");
	is_err(&err, SK_ERR_VALUE, EINVAL, NULL, "... ValueError");

	r = sk_getservbyport(80, "tcp", buf, sizeof(buf), &err);
	is_int(r, 0, "getservbyport(80, 'tcp')");
	is_str(buf, "http", "getservbyport(80, 'tcp') is 'http'");
	r = sk_getservbyport(53, "udp", buf, sizeof(buf), &err);
	is_int(r, 0, "getservbyport(53, 'udp')");
	is_str(buf, "domain", "getservbyport(53, 'udp') is 'domain'");
	r = sk_getservbyport(22, NULL, buf, sizeof(buf), &err);
	is_int(r, 0, "getservbyport(22) succeeds");
	is_str(buf, "ssh", "getservbyport(22) is 'ssh'");
	r = sk_getservbyport(80, "tcp", buf, 4, &err);
	is_int(r, -1, "getservbyport into a 4-byte buffer fails");
	is_err(&err, SK_ERR_VALUE, ERANGE, "buffer too small",
	    "... ValueError");
	r = sk_getservbyport(-1, NULL, buf, sizeof(buf), &err);
	is_int(r, -1, "getservbyport(-1) fails");
	is_err(&err, SK_ERR_VALUE, ERANGE,
	    "getservbyport: port must be 0-65535.", "... Python's message");
	r = sk_getservbyport(65536, NULL, buf, sizeof(buf), &err);
	is_int(r, -1, "getservbyport(65536) fails");
	is_err(&err, SK_ERR_VALUE, ERANGE, NULL, "... OverflowError");
	r = sk_getservbyport(65001, "tcp", buf, sizeof(buf), &err);
	is_int(r, -1, "getservbyport of an unlisted port fails");
	is_err(&err, SK_ERR_OS, 0, "port/proto not found",
	    "... OSError 'port/proto not found'");

	for (i = 0; i < nitems(protocols); i++) {
		v = -1;
		r = sk_getprotobyname(protocols[i].name, &v, &err);
		is_int(r, 0, "getprotobyname('%s')", protocols[i].name);
		is_int(v, protocols[i].number, "getprotobyname('%s') is %d",
		    protocols[i].name, protocols[i].number);
		r = sk_getprotobynumber(protocols[i].number, buf, sizeof(buf),
		    &err);
		is_int(r, 0, "getprotobynumber(%d)", protocols[i].number);
		is_str(buf, protocols[i].official, "getprotobynumber(%d)",
		    protocols[i].number);
	}
	r = sk_getprotobyname("no-such-protocol", &v, &err);
	is_int(r, -1, "getprotobyname of an unknown protocol fails");
	is_err(&err, SK_ERR_OS, 0, "protocol not found",
	    "... OSError 'protocol not found'");
	is_int(sk_getprotobyname(NULL, &v, &err), -1,
	    "getprotobyname(NULL) fails");
	r = sk_getprotobynumber(-5, buf, sizeof(buf), &err);
	is_int(r, -1, "getprotobynumber(-5) fails");
	is_err(&err, SK_ERR_OS, 0, "protocol not found", "... not found");
	r = sk_getprotobynumber(6, buf, 3, &err);
	is_int(r, -1, "getprotobynumber into a 3-byte buffer fails");
	is_err(&err, SK_ERR_VALUE, ERANGE, NULL, "... ValueError");
}

static void
test_has_ipv6(void)
{
	int fd = socket(AF_INET6, SOCK_DGRAM, 0);
	bool want = fd != -1;

	if (fd != -1)
		(void)close(fd);
	errno = 1234;
	is_int(sk_has_ipv6(), want, "has_ipv6 is whether AF_INET6 opens");
	is_int(errno, 1234, "has_ipv6 keeps errno");
	is_int(sk_has_ipv6(), want, "has_ipv6 again, from the cache");
}

/* Accept one connection on l and check it came from c. */
static void
check_accepted(struct sk_socket *l, struct sk_socket *c, const char *what)
{
	struct sk_socket conn;
	struct sk_addr peer, name;
	struct sk_error err;
	char a[SK_ADDRSTRLEN];

	(void)sk_socket_settimeout(l, 10, &err);
	if (!is_int(sk_socket_accept(l, &conn, &peer, &err), 0,
	    "%s: the listener accepts", what))
		return;
	(void)sk_socket_getsockname(c, &name, &err);
	(void)sk_addr_format(&name, a, sizeof(a));
	is_str(addr_str(&peer), a, "%s: the accepted peer is the client", what);
	(void)sk_socket_close(&conn, NULL);
}

static void
test_create_connection(void)
{
	struct sk_socket l, s;
	struct sk_addr where, refused, name;
	struct sk_addrinfo *ai;
	struct sk_error err;
	char port[16], refused_port[16];
	ssize_t n, i;
	int r;

	if (bound_socket(&l, SOCK_STREAM, "127.0.0.1", &where) == -1)
		return;
	(void)snprintf(port, sizeof(port), "%u", sk_addr_port(&where));

	r = sk_create_connection(&s, "127.0.0.1", port, SK_TIMEOUT_DEFAULT,
	    NULL, NULL, AF_UNSPEC, &err);
	if (!is_int(r, 0, "create_connection(('127.0.0.1', port))"))
		diag("%s", err.message);
	ok(sk_socket_gettimeout(&s) == SK_TIMEOUT_NONE,
	    "... with the default timeout, None");
	ok(s.family == AF_INET && s.type == SOCK_STREAM,
	    "... an AF_INET SOCK_STREAM socket");
	check_accepted(&l, &s, "create_connection");
	(void)sk_socket_close(&s, NULL);

	r = sk_create_connection(&s, "127.0.0.1", port, 2.5, NULL, NULL,
	    AF_INET, &err);
	is_int(r, 0, "create_connection with timeout 2.5");
	ok(sk_socket_gettimeout(&s) == 2.5, "... the socket has 2.5");
	check_accepted(&l, &s, "create_connection, timeout 2.5");
	(void)sk_socket_close(&s, NULL);

	sk_setdefaulttimeout(3);
	r = sk_create_connection(&s, "127.0.0.1", port, SK_TIMEOUT_DEFAULT,
	    NULL, NULL, AF_UNSPEC, &err);
	is_int(r, 0, "create_connection after setdefaulttimeout(3)");
	ok(sk_socket_gettimeout(&s) == 3, "... the socket has 3");
	sk_setdefaulttimeout(SK_TIMEOUT_NONE);
	check_accepted(&l, &s, "create_connection, default 3");
	(void)sk_socket_close(&s, NULL);

	r = sk_create_connection(&s, "127.0.0.1", port, SK_TIMEOUT_DEFAULT,
	    "127.0.0.1", NULL, AF_UNSPEC, &err);
	is_int(r, 0, "create_connection with source_address 127.0.0.1");
	if (r == 0) {
		(void)sk_socket_getsockname(&s, &name, &err);
		ok(name.u.in.sin_addr.s_addr == htonl(INADDR_LOOPBACK) &&
		    sk_addr_port(&name) != 0, "... bound there (%s)",
		    addr_str(&name));
		check_accepted(&l, &s, "create_connection, source address");
	}
	(void)sk_socket_close(&s, NULL);

	/*
	 * Fall-through on "localhost" with a listener on 127.0.0.1 only.
	 * Debian's own /etc/hosts here maps localhost to 127.0.0.1 alone;
	 * tests/private-ns maps it to ::1 first, then 127.0.0.1, and then
	 * the ::1 attempt is refused and the second address connects.
	 */
	n = sk_getaddrinfo("localhost", port, AF_UNSPEC, SOCK_STREAM, 0, 0,
	    &ai, &err);
	for (i = 0; i < n; i++)
		diag("localhost order [%zd]: %s", i, addr_str(&ai[i].addr));
	if (n >= 2 && sk_addr_family(&ai[0].addr) == AF_INET6)
		diag("localhost resolves to ::1 first: a real fall-through");
	sk_addrinfo_free(ai, n < 0 ? 0 : (size_t)n);
	r = sk_create_connection(&s, "localhost", port, 10, NULL, NULL,
	    AF_UNSPEC, &err);
	if (!is_int(r, 0, "create_connection(('localhost', port)) with a "
	    "listener on 127.0.0.1 only"))
		diag("%s", err.message);
	is_int(s.family, AF_INET, "... connected over AF_INET");
	if (r == 0)
		check_accepted(&l, &s, "create_connection to localhost");
	(void)sk_socket_close(&s, NULL);
	(void)sk_socket_close(&l, NULL);

	/*
	 * A fall-through that does not depend on the hosts file: host None
	 * gives both loopbacks (glibc: ::1, then 127.0.0.1).  Listen only on
	 * the last one; every address before it is refused.
	 */
	n = sk_getaddrinfo(NULL, "0", AF_UNSPEC, SOCK_STREAM, 0, 0, &ai,
	    &err);
	ok(n >= 1, "getaddrinfo(None, 0) gives the loopbacks (%zd)", n);
	if (n >= 1) {
		int fam = sk_addr_family(&ai[n - 1].addr);
		char host[64];

		(void)sk_addr_host(&ai[n - 1].addr, host, sizeof(host));
		diag("host None: %zd addresses, listening on the last, %s",
		    n, host);
		if (bound_socket(&l, SOCK_STREAM, host, &where) == 0) {
			(void)snprintf(port, sizeof(port), "%u",
			    sk_addr_port(&where));
			r = sk_create_connection(&s, NULL, port, 10, NULL,
			    NULL, AF_UNSPEC, &err);
			if (!is_int(r, 0, "create_connection((None, port)) "
			    "falls through %zd refused address(es)", n - 1))
				diag("%s", err.message);
			is_int(s.family, fam, "... to the last family");
			if (r == 0)
				check_accepted(&l, &s,
				    "create_connection fall-through");
			(void)sk_socket_close(&s, NULL);
			(void)sk_socket_close(&l, NULL);
		}
	}
	/* And in order: with the first address listening, it is used. */
	if (n >= 2) {
		int fam = sk_addr_family(&ai[0].addr);
		char host[64];

		(void)sk_addr_host(&ai[0].addr, host, sizeof(host));
		if (bound_socket(&l, SOCK_STREAM, host, &where) == 0) {
			(void)snprintf(port, sizeof(port), "%u",
			    sk_addr_port(&where));
			r = sk_create_connection(&s, NULL, port, 10, NULL,
			    NULL, AF_UNSPEC, &err);
			is_int(r, 0, "create_connection((None, port)) with "
			    "the first address listening");
			is_int(s.family, fam, "... connects to the first, %s",
			    host);
			if (r == 0)
				check_accepted(&l, &s,
				    "create_connection, first address");
			(void)sk_socket_close(&s, NULL);
			(void)sk_socket_close(&l, NULL);
		}
	}
	sk_addrinfo_free(ai, n < 0 ? 0 : (size_t)n);

	/* Refused everywhere: the last error, ECONNREFUSED. */
	if (bound_socket(&l, SOCK_STREAM, "127.0.0.1", &refused) == 0) {
		(void)snprintf(refused_port, sizeof(refused_port), "%u",
		    sk_addr_port(&refused));
		(void)sk_socket_close(&l, NULL);
		r = sk_create_connection(&s, "127.0.0.1", refused_port,
		    SK_TIMEOUT_DEFAULT, NULL, NULL, AF_UNSPEC, &err);
		is_int(r, -1, "create_connection to a closed port fails");
		is_err(&err, SK_ERR_OS, ECONNREFUSED, "Connection refused",
		    "... socket.error ECONNREFUSED");
		is_int(s.fd, -1, "... and leaves no socket");
		r = sk_create_connection(&s, "127.0.0.1", refused_port, 5,
		    NULL, NULL, AF_UNSPEC, &err);
		is_int(r, -1, "... in timeout mode too");
		is_err(&err, SK_ERR_OS, ECONNREFUSED, NULL,
		    "... ECONNREFUSED, not a timeout");
	}
	r = sk_create_connection(&s, INVALID_NAME, "80", SK_TIMEOUT_DEFAULT,
	    NULL, NULL, AF_UNSPEC, &err);
	is_int(r, -1, "create_connection to '" INVALID_NAME "' fails");
	is_noname(&err, "create_connection('" INVALID_NAME "')");
	r = sk_create_connection(&s, "127.0.0.1", "no-such-service-xyz",
	    SK_TIMEOUT_DEFAULT, NULL, NULL, AF_UNSPEC, &err);
	is_int(r, -1, "create_connection with an unknown service fails");
	is_err(&err, SK_ERR_GAIERROR, EAI_SERVICE, NULL, "... EAI_SERVICE");
	r = sk_create_connection(&s, "127.0.0.1", "1", SK_TIMEOUT_DEFAULT,
	    "::1", NULL, AF_INET, &err);
	is_int(r, -1, "create_connection with a source of the wrong family");
	ok(err.kind == SK_ERR_GAIERROR, "... gaierror (%s)", err.message);
	is_int(s.fd, -1, "... and leaves no socket");
}

/* Whether /etc/hosts is tests/private-ns's, which names sockit-a.test:
 * only then may those names be looked up, /etc/hosts answering them. */
static bool
private_hosts(void)
{
	char line[512];
	bool found = false;
	FILE *f;

	if ((f = fopen("/etc/hosts", "r")) == NULL)
		return false;
	while (!found && fgets(line, sizeof(line), f) != NULL)
		found = line[0] != '#' && strstr(line, "sockit-a.test") != NULL;
	(void)fclose(f);
	return found;
}

/* The hosts file of tests/private-ns: names of the tests' own. */
static void
test_private_hosts(void)
{
	struct sk_hostent h;
	struct sk_error err;
	char buf[256];
	int r;

	r = sk_gethostbyname_ex("sockit-a.test", &h, &err);
	is_int(r, 0, "private hosts: gethostbyname_ex('sockit-a.test')");
	is_str(h.name, "sockit-a.test", "... hostname");
	ok(h.naliases == 1 && strcmp(h.aliases[0], "sockit-alias.test") == 0,
	    "... aliases ['sockit-alias.test']");
	ok(all_addrs_are(&h, "127.0.0.2"), "... ['127.0.0.2']");
	sk_hostent_free(&h);
	r = sk_gethostbyaddr("127.0.0.2", &h, &err);
	is_int(r, 0, "private hosts: gethostbyaddr('127.0.0.2')");
	is_str(h.name, "sockit-a.test", "... hostname");
	sk_hostent_free(&h);
	r = sk_gethostbyaddr("::1", &h, &err);
	is_int(r, 0, "private hosts: gethostbyaddr('::1')");
	is_str(h.name, "localhost", "... hostname");
	ok(h.naddrs >= 1 && strcmp(h.addrs[0], "::1") == 0, "... ['::1']");
	sk_hostent_free(&h);
	r = sk_getfqdn("sockit-alias.test", buf, sizeof(buf), &err);
	is_int(r, 0, "private hosts: getfqdn('sockit-alias.test')");
	is_str(buf, "sockit-a.test", "... the canonical name has a dot");
	r = sk_gethostbyname("sockit-b.test", buf, sizeof(buf), &err);
	is_int(r, 0, "private hosts: gethostbyname('sockit-b.test')");
	is_str(buf, "127.0.0.3", "... 127.0.0.3");
	/* glibc's files backend turns ::1 into 127.0.0.1 for AF_INET; so
	 * does Python's gethostbyname on the same hosts file. */
	r = sk_gethostbyname("sockit-six.test", buf, sizeof(buf), &err);
	is_int(r, 0, "private hosts: gethostbyname('sockit-six.test')");
	is_str(buf, "127.0.0.1", "... ::1 as 127.0.0.1, as Python says");
}

int
main(void)
{
	(void)alarm(30);
	test_getaddrinfo();
	test_getnameinfo();
	test_gethostbyname();
	test_gethostbyaddr();
	test_hostname_fqdn();
	test_services_protocols();
	test_has_ipv6();
	test_create_connection();
	if (private_hosts())
		test_private_hosts();
	else
		skip("/etc/hosts is not tests/private-ns's: no .test names");
	return done_testing();
}
