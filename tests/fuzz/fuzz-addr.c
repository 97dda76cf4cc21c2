/*
 * fuzz-addr.c - libFuzzer target for addresses and ports (lib/core/addr.c,
 * lib/core/num.c): sk_addr_parse (HOST:PORT, [V6]:PORT, the reference's
 * tuples, AF_UNIX paths and abstract names), sk_addr_resolve,
 * sk_parse_port and sk_parse_seconds, and the formatters of what they
 * give (sk_addr_format, sk_addr_host, sk_json_addr), also fed raw
 * sockaddrs of any length and content as recvfrom(2) might return them.
 *
 * Checked: the family asked for is the family given; a formatted address
 * is printable ASCII, shorter than SK_ADDRSTRLEN, and a short buffer gets
 * a prefix of it; an IPv4 or IPv6 tuple parses back to the same address;
 * sk_json_addr writes valid JSON; ports are 0..65535 and seconds 0..1e9.
 *
 * Names go to the system's resolver, so this target refuses to run unless
 * /etc/nsswitch.conf resolves hosts from files only: run it inside
 * tests/private-ns, as `make fuzz` does, and no made-up name reaches DNS.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockit.h"
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The words after "hosts:" in /etc/nsswitch.conf are all "files". */
static bool
hosts_from_files_only(void)
{
	FILE *fp = fopen("/etc/nsswitch.conf", "r");
	char line[512];
	bool found = false, only = true;

	if (fp == NULL)
		return false;
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *w, *save = NULL;

		if (strncmp(line, "hosts:", 6) != 0)
			continue;
		found = true;
		for (w = strtok_r(line + 6, " \t\n", &save); w != NULL;
		    w = strtok_r(NULL, " \t\n", &save))
			if (strcmp(w, "files") != 0)
				only = false;
	}
	(void)fclose(fp);
	return found && only;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (!hosts_from_files_only()) {
		fprintf(stderr, "fuzz-addr: /etc/nsswitch.conf may send names "
		    "to DNS; run me inside tests/private-ns\n");
		exit(1);
	}
	return 0;
}

/* sk_addr_format: printable, bounded, and a prefix in a short buffer. */
static void
check_format(const struct sk_addr *a, size_t cut)
{
	char buf[SK_ADDRSTRLEN], host[SK_ADDRSTRLEN], *part;
	struct sk_json j = { .depth = 0 };
	size_t n, i, plen;

	n = sk_addr_format(a, buf, sizeof(buf));
	FUZZ_CHECK(n < sizeof(buf) && strlen(buf) == n);
	for (i = 0; i < n; i++)
		FUZZ_CHECK(buf[i] >= 0x20 && buf[i] <= 0x7e);
	plen = cut % (n + 2);
	part = malloc(plen > 0 ? plen : 1);
	FUZZ_CHECK(part != NULL);
	FUZZ_CHECK(sk_addr_format(a, part, plen) == n);
	if (plen > 0) {
		FUZZ_CHECK(strlen(part) == (plen > n ? n : plen - 1));
		FUZZ_CHECK(memcmp(part, buf, strlen(part)) == 0);
	}
	free(part);

	/* The host alone fits the same bound; a short buffer is refused. */
	FUZZ_CHECK(sk_addr_host(a, host, sizeof(host)) >= 0);
	plen = cut % 64;
	part = malloc(plen > 0 ? plen : 1);
	FUZZ_CHECK(part != NULL);
	(void)sk_addr_host(a, part, plen);
	free(part);

	sk_json_begin(&j);
	sk_json_addr(&j, "address", a);
	FUZZ_CHECK(sk_json_end(&j) == 0);
	FUZZ_CHECK(fuzz_json_line(j.buf.data, j.buf.len, NULL, NULL));
	sk_json_free(&j);
}

static bool
same_inet(const struct sk_addr *a, const struct sk_addr *b)
{
	if (sk_addr_family(a) != sk_addr_family(b) ||
	    sk_addr_port(a) != sk_addr_port(b))
		return false;
	if (sk_addr_family(a) == AF_INET)
		return a->u.in.sin_addr.s_addr == b->u.in.sin_addr.s_addr;
	return memcmp(&a->u.in6.sin6_addr, &b->u.in6.sin6_addr, 16) == 0 &&
	    a->u.in6.sin6_flowinfo == b->u.in6.sin6_flowinfo &&
	    a->u.in6.sin6_scope_id == b->u.in6.sin6_scope_id;
}

/* A parsed address: the family asked for, then format and read back. */
static void
check_parsed(const struct sk_addr *a, int family, int socktype, size_t cut)
{
	char buf[SK_ADDRSTRLEN];
	struct sk_addr back;
	int f = sk_addr_family(a);

	FUZZ_CHECK(f == AF_INET || f == AF_INET6 || f == AF_UNIX);
	FUZZ_CHECK(a->len <= sizeof(a->u));
	if (f != AF_UNIX && family != AF_UNSPEC)
		FUZZ_CHECK(f == family);
	check_format(a, cut);
	if (f == AF_UNIX)
		return;
	(void)sk_addr_format(a, buf, sizeof(buf));
	FUZZ_CHECK(sk_addr_parse(&back, buf, f, socktype, NULL) == 0);
	FUZZ_CHECK(same_inet(a, &back));
}

static void
check_port_seconds(const char *text)
{
	static const char *const protos[] = { NULL, "tcp", "udp" };
	unsigned int port;
	long long v;
	double s;
	const char *p;
	int digits = 0, dots = 0;

	for (size_t i = 0; i < 3; i++)
		if (sk_parse_port(text, protos[i], &port, NULL) == 0)
			FUZZ_CHECK(port <= 65535);
	/* Something like a number is a port when it is decimal digits only
	 * and in range. */
	if (isdigit((unsigned char)text[0]) || text[0] == '-' ||
	    text[0] == '+')
		FUZZ_CHECK((sk_parse_port(text, NULL, &port, NULL) == 0) ==
		    (text[strspn(text, "0123456789")] == '\0' &&
		    sk_parse_integer(text, 0, 65535, &v, NULL) == 0));

	for (p = text; *p != '\0'; p++) {
		if (isdigit((unsigned char)*p))
			digits++;
		else if (*p == '.')
			dots++;
		else
			break;
	}
	if (sk_parse_seconds(text, &s, NULL) == 0) {
		FUZZ_CHECK(*p == '\0' && digits > 0 && dots <= 1);
		FUZZ_CHECK(isfinite(s) && s >= 0 && s <= 1e9);
		FUZZ_CHECK(s == strtod(text, NULL));
	} else
		FUZZ_CHECK(*p != '\0' || digits == 0 || dots > 1 ||
		    strtod(text, NULL) > 1e9);
}

/* Raw sockaddr bytes, with the family set from the selector. */
static void
check_raw(const uint8_t *p, size_t n, unsigned sel, size_t cut)
{
	static const sa_family_t fams[] = { AF_INET, AF_INET6, AF_UNIX };
	union {
		struct sockaddr sa;
		unsigned char b[sizeof(struct sockaddr_storage) + 16];
	} u;
	struct sk_addr a;

	memset(&u, 0, sizeof(u));
	if (n > sizeof(u.b))
		n = sizeof(u.b);
	memcpy(u.b, p, n);
	if (sel % 4 < 3 && n >= sizeof(sa_family_t))
		u.sa.sa_family = fams[sel % 4];
	if (sk_addr_from_sockaddr(&a, &u.sa, (socklen_t)n, NULL) == -1) {
		FUZZ_CHECK(n > sizeof(a.u));
		return;
	}
	FUZZ_CHECK(sk_addr_family(&a) == (n >= sizeof(sa_family_t) ?
	    u.sa.sa_family : AF_UNSPEC));
	check_format(&a, cut);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int families[] = { AF_UNSPEC, AF_INET, AF_INET6 };
	static const int types[] = { 0, SOCK_STREAM, SOCK_DGRAM };
	struct fuzz_in in = { data, size };
	unsigned sel = fuzz_byte(&in), cut = fuzz_byte(&in);
	int family = families[sel % 3], socktype = types[sel / 3 % 3];
	char *text = fuzz_cstr(in.p, in.n), *port;
	struct sk_addr a;

	switch (sel / 9 % 4) {
	case 0:
		if (sk_addr_parse(&a, text, family, socktype, NULL) == 0)
			check_parsed(&a, family, socktype, cut);
		break;
	case 1:
		/* HOST, a NUL, PORT; no NUL: no port (Python's None). */
		port = memchr(text, '\0', in.n);
		if (sk_addr_resolve(&a, text, port != NULL ? port + 1 : NULL,
		    family, socktype, NULL) == 0)
			check_parsed(&a, family, socktype, cut);
		break;
	case 2:
		check_port_seconds(text);
		break;
	default:
		check_raw(in.p, in.n, sel / 36, cut);
		break;
	}
	free(text);
	return 0;
}
