/*
 * test-addr.c - socket addresses: sk_addr_resolve with '' and
 * '<broadcast>', numeric IPv4 and IPv6 (with a scope, RFC 4007) and
 * service names; sk_addr_parse in every accepted form and the malformed
 * ones; AF_UNIX paths and Linux abstract names (unix(7)); the tuple
 * notation sk_addr_format prints; and the constant names.
 *
 * Only numeric hosts, "localhost" and one name under the reserved
 * .invalid TLD (RFC 2606) are looked up.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "sockit.h"
#include "helpers.h"
#include "tap.h"

static void
test_resolve(void)
{
	static const struct {
		const char *host, *port;
		int family, socktype;
		const char *want;	/* sk_addr_format */
	} cases[] = {
		{ "", "80", AF_UNSPEC, SOCK_STREAM, "('0.0.0.0', 80)" },
		{ "", "80", AF_INET, SOCK_STREAM, "('0.0.0.0', 80)" },
		{ "", "80", AF_INET6, SOCK_STREAM, "('::', 80, 0, 0)" },
		{ NULL, NULL, AF_UNSPEC, 0, "('0.0.0.0', 0)" },
		{ "<broadcast>", "9", AF_UNSPEC, SOCK_DGRAM,
		    "('255.255.255.255', 9)" },
		{ "<broadcast>", NULL, AF_INET, SOCK_DGRAM,
		    "('255.255.255.255', 0)" },
		{ "127.0.0.1", "50007", AF_UNSPEC, SOCK_STREAM,
		    "('127.0.0.1', 50007)" },
		{ "127.0.0.1", "50007", AF_INET, 0, "('127.0.0.1', 50007)" },
		{ "10.1.2.3", "0", AF_UNSPEC, SOCK_DGRAM, "('10.1.2.3', 0)" },
		{ "::1", "50007", AF_UNSPEC, SOCK_STREAM,
		    "('::1', 50007, 0, 0)" },
		{ "::1", "50007", AF_INET6, SOCK_STREAM,
		    "('::1', 50007, 0, 0)" },
		{ "2001:db8:0:0:1:0:0:1", "1", AF_INET6, 0,
		    "('2001:db8::1:0:0:1', 1, 0, 0)" },
		{ "::ffff:127.0.0.1", "1", AF_INET6, 0,
		    "('::ffff:127.0.0.1', 1, 0, 0)" },
		{ "fe80::1%lo", "80", AF_INET6, SOCK_STREAM,
		    "('fe80::1%lo', 80, 0, 1)" },
		{ "127.0.0.1", "http", AF_INET, SOCK_STREAM,
		    "('127.0.0.1', 80)" },
		{ "127.0.0.1", "domain", AF_INET, SOCK_DGRAM,
		    "('127.0.0.1', 53)" },
		{ "127.0.0.1", "08080", AF_INET, SOCK_STREAM,
		    "('127.0.0.1', 8080)" },
		{ "127.0.0.1", "65535", AF_INET, SOCK_STREAM,
		    "('127.0.0.1', 65535)" },
		{ "127.1", "1", AF_INET, SOCK_STREAM, "('127.0.0.1', 1)" },
		{ "localhost", "7", AF_INET, SOCK_STREAM, "('127.0.0.1', 7)" },
	};
	struct sk_addr a;
	struct sk_error err;
	size_t i;
	int r;

	for (i = 0; i < nitems(cases); i++) {
		sk_error_clear(&err);
		r = sk_addr_resolve(&a, cases[i].host, cases[i].port,
		    cases[i].family, cases[i].socktype, &err);
		if (!is_int(r, 0, "resolve('%s', %s) succeeds",
		    cases[i].host ? cases[i].host : "NULL",
		    cases[i].port ? cases[i].port : "NULL"))
			diag("error: %s", err.message);
		is_str(addr_str(&a), cases[i].want, "resolve('%s', %s)",
		    cases[i].host ? cases[i].host : "NULL",
		    cases[i].port ? cases[i].port : "NULL");
	}

	/* The scope id is the interface index of lo. */
	r = sk_addr_resolve(&a, "fe80::1%lo", NULL, AF_INET6, 0, &err);
	is_int(r, 0, "resolve('fe80::1%%lo') succeeds");
	is_int(a.u.in6.sin6_scope_id, if_nametoindex("lo"),
	    "fe80::1%%lo: scope id is if_nametoindex(\"lo\")");
	is_int(a.len, sizeof(struct sockaddr_in6),
	    "an IPv6 address has the length of sockaddr_in6");
	{
		char buf[SK_ADDRSTRLEN], want[64];
		size_t n;

		(void)snprintf(want, sizeof(want), "('fe80::1', 0, 0, %u)",
		    if_nametoindex("lo"));
		n = sk_addr_format_noscope(&a, buf, sizeof(buf));
		is_str(buf, want, "format_noscope: the scope only as the id");
		is_int((long long)n, (long long)strlen(want), "... its length");
		a.u.in6.sin6_scope_id = 0;
		(void)sk_addr_format_noscope(&a, buf, sizeof(buf));
		is_str(buf, "('fe80::1', 0, 0, 0)", "... and without one");
		(void)sk_addr_resolve(&a, "127.0.0.1", "7", AF_INET, 0, &err);
		(void)sk_addr_format_noscope(&a, buf, sizeof(buf));
		is_str(buf, "('127.0.0.1', 7)", "... IPv4 as sk_addr_format");
	}
	r = sk_addr_resolve(&a, "127.0.0.1", NULL, AF_INET, 0, &err);
	is_int(r, 0, "resolve('127.0.0.1', NULL) succeeds");
	is_int(a.len, sizeof(struct sockaddr_in),
	    "an IPv4 address has the length of sockaddr_in");
	is_int(sk_addr_port(&a), 0, "port NULL means 0");

	/* localhost with AF_UNSPEC: whichever loopback comes first. */
	r = sk_addr_resolve(&a, "localhost", "1", AF_UNSPEC, SOCK_STREAM,
	    &err);
	is_int(r, 0, "resolve('localhost', AF_UNSPEC) succeeds");
	ok(strcmp(addr_str(&a), "('127.0.0.1', 1)") == 0 ||
	    strcmp(addr_str(&a), "('::1', 1, 0, 0)") == 0,
	    "resolve('localhost', AF_UNSPEC) is a loopback address: %s",
	    addr_str(&a));
}

static void
test_resolve_errors(void)
{
	struct sk_addr a;
	struct sk_error err;
	int r;

	r = sk_addr_resolve(&a, "<broadcast>", "1", AF_INET6, 0, &err);
	is_int(r, -1, "'<broadcast>' with AF_INET6 fails");
	is_err(&err, SK_ERR_GAIERROR, EAI_FAMILY, "address family mismatched",
	    "'<broadcast>' with AF_INET6: gaierror EAI_FAMILY");

	r = sk_addr_resolve(&a, "127.0.0.1", "65536", AF_INET, 0, &err);
	is_int(r, -1, "port 65536 fails");
	is_err(&err, SK_ERR_VALUE, ERANGE, "out of range (0 to 65535)",
	    "port 65536: ValueError");
	/* A port is decimal digits or a service name: what getaddrinfo(3)
	 * would take, and not a sign or a 0x. */
	r = sk_addr_resolve(&a, "127.0.0.1", "-1", AF_INET, 0, &err);
	is_int(r, -1, "port -1 fails");
	is_err(&err, SK_ERR_VALUE, EINVAL, "invalid number",
	    "port -1: ValueError");
	r = sk_addr_resolve(&a, "127.0.0.1", "0x1f90", AF_INET, 0, &err);
	is_int(r, -1, "port 0x1f90 fails");
	is_err(&err, SK_ERR_VALUE, EINVAL, "invalid number",
	    "port 0x1f90: ValueError");
	r = sk_addr_resolve(&a, "127.0.0.1", "no-such-service-xyz", AF_INET,
	    SOCK_STREAM, &err);
	is_int(r, -1, "an unknown service fails");
	is_err(&err, SK_ERR_OS, 0, "service/proto not found",
	    "an unknown service: socket.error without errno");
	r = sk_addr_resolve(&a, "127.0.0.1", "", AF_INET, 0, &err);
	is_int(r, -1, "an empty port fails");
	is_err(&err, SK_ERR_VALUE, EINVAL, "empty port", "an empty port");

	r = sk_addr_resolve(&a, "::1", "1", AF_INET, 0, &err);
	is_int(r, -1, "'::1' with AF_INET fails");
	ok(err.kind == SK_ERR_GAIERROR, "'::1' with AF_INET: gaierror (%s)",
	    err.message);
	r = sk_addr_resolve(&a, "127.0.0.1", "1", AF_INET6, 0, &err);
	is_int(r, -1, "'127.0.0.1' with AF_INET6 fails");
	ok(err.kind == SK_ERR_GAIERROR, "'127.0.0.1' with AF_INET6: "
	    "gaierror (%s)", err.message);
	r = sk_addr_resolve(&a, "fe80::1%no-such-if0", "1", AF_INET6, 0, &err);
	is_int(r, -1, "an unknown scope interface fails");
	ok(err.kind == SK_ERR_GAIERROR, "an unknown scope: gaierror (%s)",
	    err.message);

	/* RFC 2606: .invalid never resolves. */
	r = sk_addr_resolve(&a, "no-such-host.invalid", "1", AF_INET,
	    SOCK_STREAM, &err);
	is_int(r, -1, "a name under .invalid fails");
	ok(err.kind == SK_ERR_GAIERROR && (err.code == EAI_NONAME ||
	    err.code == EAI_AGAIN), "a name under .invalid: gaierror "
	    "EAI_NONAME or EAI_AGAIN (%s)", err.message);
}

static void
test_parse(void)
{
	static const struct {
		const char *text;
		int family;
		const char *want;
	} cases[] = {
		{ "127.0.0.1:80", AF_UNSPEC, "('127.0.0.1', 80)" },
		{ "0.0.0.0:0", AF_UNSPEC, "('0.0.0.0', 0)" },
		{ ":80", AF_UNSPEC, "('0.0.0.0', 80)" },
		{ ":80", AF_INET6, "('::', 80, 0, 0)" },
		{ "[::1]:80", AF_UNSPEC, "('::1', 80, 0, 0)" },
		{ "[::]:0", AF_UNSPEC, "('::', 0, 0, 0)" },
		{ "[fe80::1%lo]:22", AF_UNSPEC, "('fe80::1%lo', 22, 0, 1)" },
		{ "localhost:http", AF_INET, "('127.0.0.1', 80)" },
		{ "<broadcast>:9", AF_UNSPEC, "('255.255.255.255', 9)" },
		{ "('127.0.0.1', 50007)", AF_UNSPEC, "('127.0.0.1', 50007)" },
		{ "(\"127.0.0.1\", 50007)", AF_UNSPEC, "('127.0.0.1', 50007)" },
		{ "( '127.0.0.1' ,\t80 )", AF_UNSPEC, "('127.0.0.1', 80)" },
		{ "('127.0.0.1',80)", AF_UNSPEC, "('127.0.0.1', 80)" },
		{ "('', 50007)", AF_UNSPEC, "('0.0.0.0', 50007)" },
		{ "('', 50007)", AF_INET6, "('::', 50007, 0, 0)" },
		{ "('<broadcast>', 9)", AF_UNSPEC, "('255.255.255.255', 9)" },
		{ "('::1', 80)", AF_UNSPEC, "('::1', 80, 0, 0)" },
		{ "('::1', 80, 0, 0)", AF_UNSPEC, "('::1', 80, 0, 0)" },
		{ "('::1', 80, 5)", AF_UNSPEC, "('::1', 80, 5, 0)" },
		{ "('fe80::1', 80, 1048575, 1)", AF_INET6,
		    "('fe80::1%lo', 80, 1048575, 1)" },
		{ "('fe80::1%lo', 80, 0, 1)", AF_UNSPEC,
		    "('fe80::1%lo', 80, 0, 1)" },
		{ "('127.0.0.1', 0)) ", AF_UNSPEC, NULL },
		{ "/tmp/sockit.sock", AF_UNSPEC, "'/tmp/sockit.sock'" },
		{ "./rel/sock", AF_UNSPEC, "'./rel/sock'" },
		{ "@abstract", AF_UNSPEC, "b'\\x00abstract'" },
	};
	struct sk_addr a;
	struct sk_error err;
	size_t i;
	int r;

	for (i = 0; i < nitems(cases); i++) {
		sk_error_clear(&err);
		r = sk_addr_parse(&a, cases[i].text, cases[i].family,
		    SOCK_STREAM, &err);
		if (cases[i].want == NULL) {
			is_int(r, -1, "parse(\"%s\") fails", cases[i].text);
			continue;
		}
		if (!is_int(r, 0, "parse(\"%s\") succeeds", cases[i].text))
			diag("error: %s", err.message);
		is_str(addr_str(&a),
		    cases[i].want, "parse(\"%s\")", cases[i].text);
	}

	/* The flow label goes in network order. */
	r = sk_addr_parse(&a, "('::1', 80, 5, 0)", AF_UNSPEC, 0, &err);
	is_int(r, 0, "parse('::1', 80, 5, 0) succeeds");
	is_int(ntohl(a.u.in6.sin6_flowinfo), 5,
	    "flowinfo is stored in network byte order");
}

static void
test_parse_errors(void)
{
	static const struct {
		const char *text;
		int kind, code;
		const char *msg;
	} cases[] = {
#define TUPLE "malformed address tuple: expected ('HOST', PORT)"
		{ "127.0.0.1", SK_ERR_VALUE, EINVAL,
		    "malformed address: expected HOST:PORT" },
		{ "localhost", SK_ERR_VALUE, EINVAL,
		    "malformed address: expected HOST:PORT" },
		{ "", SK_ERR_VALUE, EINVAL,
		    "malformed address: expected HOST:PORT" },
		{ "::1:80", SK_ERR_VALUE, EINVAL,
		    "malformed address: write an IPv6 address as [ADDR]:PORT" },
		{ "::1", SK_ERR_VALUE, EINVAL,
		    "malformed address: write an IPv6 address as [ADDR]:PORT" },
		{ "[::1]80", SK_ERR_VALUE, EINVAL,
		    "malformed address: expected [IPV6]:PORT" },
		{ "[::1", SK_ERR_VALUE, EINVAL,
		    "malformed address: expected [IPV6]:PORT" },
		{ "[::1]", SK_ERR_VALUE, EINVAL,
		    "malformed address: expected [IPV6]:PORT" },
		{ "127.0.0.1:", SK_ERR_VALUE, EINVAL, "empty port" },
		{ "[::1]:", SK_ERR_VALUE, EINVAL, "empty port" },
		{ "127.0.0.1:99999", SK_ERR_VALUE, ERANGE,
		    "out of range (0 to 65535)" },
		{ "127.0.0.1:8o", SK_ERR_VALUE, EINVAL, "invalid number" },
		{ "('127.0.0.1')", SK_ERR_VALUE, EINVAL, TUPLE },
		{ "('127.0.0.1', )", SK_ERR_VALUE, EINVAL, TUPLE },
		{ "('127.0.0.1', 80", SK_ERR_VALUE, EINVAL, TUPLE },
		{ "('127.0.0.1', 80) x", SK_ERR_VALUE, EINVAL, TUPLE },
		{ "(127.0.0.1, 80)", SK_ERR_VALUE, EINVAL, TUPLE },
		{ "('127.0.0.1, 80)", SK_ERR_VALUE, EINVAL, TUPLE },
		{ "('127.0.0.1', -1)", SK_ERR_VALUE, EINVAL, TUPLE },
		{ "('127.0.0.1', 'http')", SK_ERR_VALUE, EINVAL, TUPLE },
		{ "('::1', 80, 0, 0, 0)", SK_ERR_VALUE, EINVAL, TUPLE },
		{ "(", SK_ERR_VALUE, EINVAL, TUPLE },
		{ "()", SK_ERR_VALUE, EINVAL, TUPLE },
		{ "('127.0.0.1', 70000)", SK_ERR_VALUE, ERANGE,
		    "out of range (0 to 65535)" },
		{ "('127.0.0.1', 80, 1, 2)", SK_ERR_VALUE, EINVAL,
		    "flowinfo and scope id need an IPv6 address" },
		{ "('::1', 80, 1048576, 0)", SK_ERR_VALUE, ERANGE,
		    "out of range (0 to 1048575)" },
		{ "('::1', 80, 0, 4294967296)", SK_ERR_VALUE, ERANGE,
		    "out of range (0 to 4294967295)" },
		{ "('<broadcast>', 1)", SK_ERR_NONE, 0, NULL },	/* see below */
#undef TUPLE
	};
	struct sk_addr a;
	struct sk_error err;
	char longhost[1100 + 8];
	char longpath[sizeof(a.u.un.sun_path) + 8];
	size_t i;
	int r;

	for (i = 0; i < nitems(cases); i++) {
		if (cases[i].kind == SK_ERR_NONE)
			continue;
		r = sk_addr_parse(&a, cases[i].text, AF_UNSPEC, SOCK_STREAM,
		    &err);
		is_int(r, -1, "parse(\"%s\") fails", cases[i].text);
		is_err(&err, cases[i].kind, cases[i].code, cases[i].msg,
		    "parse(\"%s\") error", cases[i].text);
	}
	r = sk_addr_parse(&a, "('<broadcast>', 1)", AF_INET6, 0, &err);
	is_int(r, -1, "parse('<broadcast>') with AF_INET6 fails");
	is_err(&err, SK_ERR_GAIERROR, EAI_FAMILY, NULL,
	    "parse('<broadcast>') with AF_INET6: gaierror");

	/* A host name longer than NI_MAXHOST. */
	memset(longhost, 'h', 1100);
	memcpy(longhost + 1100, ":80", 4);
	r = sk_addr_parse(&a, longhost, AF_UNSPEC, 0, &err);
	is_int(r, -1, "a 1100-character host fails");
	is_err(&err, SK_ERR_VALUE, ENAMETOOLONG, "host name too long",
	    "a 1100-character host: ValueError");

	/* A path that does not fit sun_path. */
	longpath[0] = '/';
	memset(longpath + 1, 'p', sizeof(a.u.un.sun_path));
	longpath[sizeof(a.u.un.sun_path)] = '\0';
	r = sk_addr_parse(&a, longpath, AF_UNSPEC, 0, &err);
	is_int(r, -1, "a %zu-byte AF_UNIX path fails", strlen(longpath));
	is_err(&err, SK_ERR_VALUE, ENAMETOOLONG, "AF_UNIX path too long",
	    "a long AF_UNIX path: ValueError");
}

static void
test_unix(void)
{
	char path[sizeof(((struct sockaddr_un *)0)->sun_path) + 1];
	struct sk_addr a;
	struct sk_error err;
	char host[SK_ADDRSTRLEN];
	size_t max = sizeof(a.u.un.sun_path) - 1;

	is_int(sk_addr_unix(&a, "/tmp/s", &err), 0, "addr_unix(/tmp/s)");
	is_int(sk_addr_family(&a), AF_UNIX, "addr_unix: AF_UNIX");
	is_int(a.len, offsetof(struct sockaddr_un, sun_path) + 7,
	    "addr_unix: length counts the terminator");
	is_str(a.u.un.sun_path, "/tmp/s", "addr_unix: sun_path");
	is_int(sk_addr_host(&a, host, sizeof(host)), 6, "host of a path");
	is_str(host, "/tmp/s", "host of a path is the path");
	is_int(sk_addr_port(&a), 0, "an AF_UNIX address has port 0");
	sk_addr_set_port(&a, 99);
	is_int(sk_addr_port(&a), 0, "set_port leaves AF_UNIX alone");
	is_str(a.u.un.sun_path, "/tmp/s", "... and its path");

	is_int(sk_addr_unix(&a, "@name", &err), 0, "addr_unix(@name)");
	is_int(a.len, offsetof(struct sockaddr_un, sun_path) + 5,
	    "abstract: leading NUL, no terminator");
	ok(a.u.un.sun_path[0] == '\0' && memcmp(a.u.un.sun_path + 1, "name",
	    4) == 0, "abstract: sun_path is \\0name");
	is_int(sk_addr_host(&a, host, sizeof(host)), 5, "host of @name");
	is_str(host, "@name", "host of an abstract name is @name");
	is_str(addr_str(&a), "b'\\x00name'", "format of an abstract name");

	/* The longest path that fits, and one byte more. */
	memset(path, 'p', max);
	path[0] = '/';
	path[max] = '\0';
	is_int(sk_addr_unix(&a, path, &err), 0, "a %zu-byte path fits", max);
	is_int(sk_addr_host(&a, host, sizeof(host)), (long long)max,
	    "host of the longest path");
	path[max] = 'p';
	path[max + 1] = '\0';
	is_int(sk_addr_unix(&a, path, &err), -1, "a %zu-byte path fails",
	    max + 1);
	is_err(&err, SK_ERR_VALUE, ENAMETOOLONG, "AF_UNIX path too long",
	    "a path one byte too long: ValueError");

	/* Quoting in the notation: Python's repr(str). */
	(void)sk_addr_unix(&a, "/tmp/it's", NULL);
	is_str(addr_str(&a), "\"/tmp/it's\"", "format of a path with a quote");
	(void)sk_addr_unix(&a, "/tmp/a\\b\t\"'", NULL);
	is_str(addr_str(&a),
	    "'/tmp/a\\\\b\\t\"\\''", "format escapes \\ \\t '");
	(void)sk_addr_unix(&a, "/tmp/\x01\x7f", NULL);
	is_str(addr_str(&a), "'/tmp/\\x01\\x7f'", "format of control bytes");
	(void)sk_addr_unix(&a, "@a'b", NULL);
	is_str(addr_str(&a), "b\"\\x00a'b\"", "abstract names use repr(bytes)");
}

static void
test_from_sockaddr(void)
{
	struct sockaddr_in sin;
	struct sockaddr_storage ss;
	struct sk_addr a;
	struct sk_error err;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(4242);
	sin.sin_addr.s_addr = htonl(0x7f000002);
	is_int(sk_addr_from_sockaddr(&a, (struct sockaddr *)&sin, sizeof(sin),
	    &err), 0, "from_sockaddr(sockaddr_in)");
	is_str(addr_str(&a),
	    "('127.0.0.2', 4242)", "from_sockaddr: the address");
	is_int(a.len, sizeof(sin), "from_sockaddr: the length");

	memset(&ss, 0, sizeof(ss));
	ss.ss_family = AF_INET;
	is_int(sk_addr_from_sockaddr(&a, (struct sockaddr *)&ss, sizeof(ss),
	    &err), 0, "from_sockaddr(sockaddr_storage) fits");
	is_int(sk_addr_from_sockaddr(&a, (struct sockaddr *)&ss,
	    sizeof(a.u) + 1, &err), -1, "from_sockaddr: too long fails");
	is_err(&err, SK_ERR_VALUE, EINVAL, "socket address too long",
	    "from_sockaddr too long: ValueError");
	is_int(sk_addr_from_sockaddr(&a, (struct sockaddr *)&ss, 0, &err), 0,
	    "from_sockaddr of length 0");
	is_int(sk_addr_family(&a), AF_UNSPEC, "an empty address is AF_UNSPEC");

	/* An AF_UNIX length past sun_path (a sockaddr_storage's worth): only
	 * sun_path is read, and the text fits SK_ADDRSTRLEN (fuzz-addr). */
	memset(&ss, 0xff, sizeof(ss));
	ss.ss_family = AF_UNIX;
	((struct sockaddr_un *)&ss)->sun_path[0] = '\0';
	is_int(sk_addr_from_sockaddr(&a, (struct sockaddr *)&ss, sizeof(ss),
	    &err), 0, "from_sockaddr: AF_UNIX longer than sockaddr_un");
	ok(sk_addr_format(&a, NULL, 0) ==
	    4 * sizeof(((struct sockaddr_un *)0)->sun_path) + 3,
	    "format reads sun_path only: b'\\x00' and 107 \\xff");
	ok(sk_addr_format(&a, NULL, 0) < SK_ADDRSTRLEN,
	    "format fits SK_ADDRSTRLEN");
}

static void
test_host_port_format(void)
{
	struct sk_addr a, b;
	char buf[64];
	size_t n;

	(void)sk_addr_resolve(&a, "192.0.2.7", "8080", AF_INET, 0, NULL);
	is_int(sk_addr_family(&a), AF_INET, "family AF_INET");
	is_int(sk_addr_port(&a), 8080, "port 8080");
	ok(ntohs(a.u.in.sin_port) == 8080, "the port is in network order");
	sk_addr_set_port(&a, 65535);
	is_int(sk_addr_port(&a), 65535, "set_port 65535");
	sk_addr_set_port(&a, 0);
	is_int(sk_addr_port(&a), 0, "set_port 0");
	is_int(sk_addr_host(&a, buf, sizeof(buf)), 9, "host of an IPv4");
	is_str(buf, "192.0.2.7", "host text of an IPv4");
	is_int(sk_addr_host(&a, buf, 9), -1, "host into too small a buffer");
	is_int(sk_addr_host(&a, buf, 0), -1, "host into a 0-byte buffer");

	(void)sk_addr_resolve(&a, "fe80::1%lo", "80", AF_INET6, 0, NULL);
	is_int(sk_addr_host(&a, buf, sizeof(buf)), 10, "host with a scope");
	is_str(buf, "fe80::1%lo", "host text with a scope name");
	is_int(sk_addr_host(&a, buf, 8), -1,
	    "host with a scope into too small a buffer");
	a.u.in6.sin6_scope_id = 999999;		/* no such interface */
	is_int(sk_addr_host(&a, buf, sizeof(buf)), 14,
	    "host with an unknown scope id");
	is_str(buf, "fe80::1%999999", "an unknown scope id as a number");
	is_str(addr_str(&a), "('fe80::1%999999', 80, 0, 999999)",
	    "format with an unknown scope id");
	/* A scope on a global address: the number, which getaddrinfo reads
	 * back, never the name, which it refuses there (fuzz-addr). */
	(void)sk_addr_resolve(&a, "::1", "80", AF_INET6, 0, NULL);
	a.u.in6.sin6_scope_id = if_nametoindex("lo");
	is_int(sk_addr_host(&a, buf, sizeof(buf)), 5,
	    "host of ::1 with a scope");
	is_str(buf, "::1%1", "a global address's scope as a number");
	is_int(sk_addr_parse(&b, addr_str(&a), AF_UNSPEC, 0, NULL), 0,
	    "its tuple parses back");
	ok(b.u.in6.sin6_scope_id == a.u.in6.sin6_scope_id,
	    "with the same scope id");
	(void)sk_addr_resolve(&a, "fe80::1%lo", "80", AF_INET6, 0, NULL);
	sk_addr_set_port(&a, 443);
	is_int(sk_addr_port(&a), 443, "set_port on IPv6");
	is_int(ntohs(a.u.in6.sin6_port), 443, "IPv6 port in network order");

	/* The reference's notation, and snprintf's return convention. */
	(void)sk_addr_resolve(&a, "127.0.0.1", "50007", AF_INET, 0, NULL);
	is_str(addr_str(&a), "('127.0.0.1', 50007)", "format IPv4");
	n = sk_addr_format(&a, NULL, 0);
	is_int((long long)n, 20, "format with size 0 measures");
	memset(buf, 'z', sizeof(buf));
	n = sk_addr_format(&a, buf, 8);
	is_int((long long)n, 20, "truncated format returns the full length");
	is_str(buf, "('127.0", "truncated format is cut and terminated");
	(void)sk_addr_resolve(&a, "::1", "50007", AF_INET6, 0, NULL);
	is_str(addr_str(&a), "('::1', 50007, 0, 0)", "format IPv6");
	n = sk_addr_format(&a, buf, 4);
	is_int((long long)n, 20, "truncated IPv6 format returns the length");
	is_str(buf, "(':", "truncated IPv6 format");
	(void)sk_addr_unix(&a, "/tmp/s", NULL);
	n = sk_addr_format(&a, buf, 4);
	is_int((long long)n, 8, "truncated path format returns the length");
	is_str(buf, "'/t", "truncated path format");
	(void)sk_addr_unix(&a, "@ab", NULL);
	n = sk_addr_format(&a, buf, 4);
	is_int((long long)n, 9, "truncated abstract format returns length");
	is_str(buf, "b'\\", "truncated abstract format");

	memset(&a, 0, sizeof(a));
	is_int(sk_addr_family(&a), AF_UNSPEC, "a zeroed address is AF_UNSPEC");
	is_int(sk_addr_port(&a), 0, "a zeroed address has port 0");
	is_int(sk_addr_host(&a, buf, sizeof(buf)), 0, "host of AF_UNSPEC");
	is_str(buf, "", "host of AF_UNSPEC is empty");
	is_str(addr_str(&a), "(0, '')", "format of AF_UNSPEC");
	/* An AF_UNIX address with no path at all (an unbound socket). */
	a.u.un.sun_family = AF_UNIX;
	a.len = sizeof(sa_family_t);
	is_str(addr_str(&a), "''", "format of an unnamed AF_UNIX socket");
	is_int(sk_addr_host(&a, buf, sizeof(buf)), 0, "host of unnamed");
}

static void
test_names(void)
{
	static const struct {
		int kind;		/* 0 family, 1 socktype, 2 proto */
		int value;
		const char *want;
	} cases[] = {
		{ 0, AF_UNSPEC, "AF_UNSPEC" }, { 0, AF_UNIX, "AF_UNIX" },
		{ 0, AF_INET, "AF_INET" }, { 0, AF_INET6, "AF_INET6" },
		{ 0, AF_PACKET, "AF_PACKET" }, { 0, AF_NETLINK, "AF_NETLINK" },
		{ 0, 12345, "12345" }, { 0, -1, "-1" },
		{ 1, SOCK_STREAM, "SOCK_STREAM" },
		{ 1, SOCK_DGRAM, "SOCK_DGRAM" }, { 1, SOCK_RAW, "SOCK_RAW" },
		{ 1, SOCK_RDM, "SOCK_RDM" },
		{ 1, SOCK_SEQPACKET, "SOCK_SEQPACKET" }, { 1, 0, "0" },
		{ 1, 99, "99" },
		{ 2, IPPROTO_IP, "IPPROTO_IP" },
		{ 2, IPPROTO_ICMP, "IPPROTO_ICMP" },
		{ 2, IPPROTO_TCP, "IPPROTO_TCP" },
		{ 2, IPPROTO_UDP, "IPPROTO_UDP" },
		{ 2, IPPROTO_IPV6, "IPPROTO_IPV6" },
		{ 2, IPPROTO_ICMPV6, "IPPROTO_ICMPV6" },
		{ 2, IPPROTO_SCTP, "IPPROTO_SCTP" },
		{ 2, IPPROTO_UDPLITE, "IPPROTO_UDPLITE" },
		{ 2, IPPROTO_RAW, "IPPROTO_RAW" }, { 2, 200, "200" },
	};
	static const char *const fn[] = { "family", "socktype", "proto" };
	char buf[16];
	const char *s;
	size_t i;

	for (i = 0; i < nitems(cases); i++) {
		memset(buf, 0, sizeof(buf));
		switch (cases[i].kind) {
		case 0:
			s = sk_family_name(cases[i].value, buf, sizeof(buf));
			break;
		case 1:
			s = sk_socktype_name(cases[i].value, buf, sizeof(buf));
			break;
		default:
			s = sk_proto_name(cases[i].value, buf, sizeof(buf));
			break;
		}
		is_str(s, cases[i].want, "sk_%s_name(%d)", fn[cases[i].kind],
		    cases[i].value);
	}
	s = sk_family_name(1234567, buf, 4);
	is_str(s, "123", "a number is cut to the buffer");
}

int
main(void)
{
	(void)alarm(30);
	test_resolve();
	test_resolve_errors();
	test_parse();
	test_parse_errors();
	test_unix();
	test_from_sockaddr();
	test_host_port_format();
	test_names();
	return done_testing();
}
