/*
 * listen.c - listening sockets, made once for every server: stream
 * sockets on every address a host name resolves to with one port for
 * all (the wildcard as two sockets, IPv4 and IPv6 with IPV6_V6ONLY, so
 * an IPv4 client is never a mapped ::ffff: address), AF_UNIX sockets
 * whose stale file is cleared first, and sockets inherited from the
 * process that started us: systemd's socket activation (sd_listen_fds(3):
 * LISTEN_PID and LISTEN_FDS, descriptors from 3 on) and inetd's
 * connection on standard input, taken as Python's socket(fileno=fd)
 * takes a descriptor (its family, type and protocol asked of the kernel).
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <netdb.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockit-int.h"

/* Moves *p past the next blank-separated field of a /proc line. */
static void
proc_skip(char **p)
{
	*p += strspn(*p, " ");
	*p += strcspn(*p, " \n");
}

/* Reads the next field of a /proc line as hexadecimal, moving *p past it;
 * false when it is not a number (the heading line). */
static bool
proc_hex(char **p, unsigned long *v)
{
	char *s = *p + strspn(*p, " "), *end;

	errno = 0;
	*v = strtoul(s, &end, 16);
	if (end == s || errno != 0 || (*end != ' ' && *end != '\n' &&
	    *end != '\0'))
		return false;
	*p = end;
	return true;
}

/*
 * Whether a stream AF_UNIX socket listens at path, from /proc/net/unix
 * (its Flags column has __SO_ACCEPTCON, 0x10000, for a listener): asking
 * by connecting would be taken by that server as a client.  1 yes, 0 no,
 * 2 maybe (a listener's path has the same last component, spelled from
 * another directory), -1 unknown (no /proc).
 */
static int
unix_listening(const char *path)
{
	FILE *f;
	char *line = NULL, *p, *nl;
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t cap = 0, blen = strlen(base);
	unsigned long flags, type;
	int found = 0;

	if ((f = fopen("/proc/net/unix", "re")) == NULL)
		return -1;
	while (found != 1 && getline(&line, &cap, f) != -1) {
		/* Num RefCount Protocol Flags Type St Inode Path */
		p = line;
		proc_skip(&p);
		proc_skip(&p);
		proc_skip(&p);
		if (!proc_hex(&p, &flags) || !proc_hex(&p, &type) ||
		    type != SOCK_STREAM || !(flags & 0x10000))
			continue;
		proc_skip(&p);
		proc_skip(&p);
		p += strspn(p, " ");
		if ((nl = strchr(p, '\n')) != NULL)
			*nl = '\0';
		if (strcmp(p, path) == 0)
			found = 1;
		else if (strlen(p) >= blen &&
		    strcmp(p + strlen(p) - blen, base) == 0 &&
		    (strlen(p) == blen || p[strlen(p) - blen - 1] == '/'))
			found = 2;
	}
	free(line);
	(void)fclose(f);
	return found;
}

/*
 * The AF_UNIX socket file: a stale one (nothing listens on it) is
 * removed; one that a server listens on is "address in use".
 */
static int
unix_prepare(const struct sk_addr *addr, struct sk_error *err)
{
	const char *path = addr->u.un.sun_path;
	char real[PATH_MAX];
	struct stat st;
	int fd, rc, e;

	if (path[0] == '\0')
		return 0;	/* abstract: nothing on disk */
	if (lstat(path, &st) == -1)
		return errno == ENOENT ? 0 : sk_error_set(err, SK_ERR_OS, errno,
		    NULL);
	if (!S_ISSOCK(st.st_mode))
		return sk_error_set(err, SK_ERR_OS, EEXIST, NULL);
	/* /proc/net/unix names the path as it was bound: absolute or
	 * relative; compare both the given and the resolved one. */
	rc = unix_listening(path);
	if (rc != 1 && path[0] != '/' && realpath(path, real) != NULL &&
	    unix_listening(real) == 1)
		rc = 1;
	if (rc == 1)
		return sk_error_set(err, SK_ERR_OS, EADDRINUSE, NULL);
	if (rc == -1 || rc == 2) {
		/* No /proc, or a listener's path that may be this file
		 * spelled another way: ask by connecting. */
		if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
			return sk_error_set(err, SK_ERR_OS, errno, NULL);
		rc = connect(fd, &addr->u.sa, addr->len);
		e = errno;
		(void)close(fd);
		if (rc == 0)
			return sk_error_set(err, SK_ERR_OS, EADDRINUSE, NULL);
		if (e != ECONNREFUSED)
			return sk_error_set(err, SK_ERR_OS, e, NULL);
	}
	if (unlink(path) == -1 && errno != ENOENT)
		return sk_error_set(err, SK_ERR_OS, errno, NULL);
	return 0;
}

int
sk_listen_addr(struct sk_socket *s, const struct sk_addr *addr, int flags,
    struct sk_error *err)
{
	int family = sk_addr_family(addr), one = 1;
	int type = flags & SK_LISTEN_DGRAM ? SOCK_DGRAM : SOCK_STREAM;

	s->fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd == -1)
		return sk_error_set(err, SK_ERR_OS, errno, NULL);
	s->family = family;
	s->type = type;
	s->proto = 0;
	s->timeout = 0;
	if ((family != AF_UNIX && setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR,
	    &one, sizeof(one)) == -1) ||
	    ((flags & SK_LISTEN_REUSEPORT) && setsockopt(s->fd, SOL_SOCKET,
	    SO_REUSEPORT, &one, sizeof(one)) == -1) ||
	    (family == AF_INET6 && setsockopt(s->fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &one, sizeof(one)) == -1) ||
	    bind(s->fd, &addr->u.sa, addr->len) == -1 ||
	    (type == SOCK_STREAM && listen(s->fd, SOMAXCONN) == -1)) {
		int e = errno;

		(void)close(s->fd);
		s->fd = -1;
		return sk_error_set(err, SK_ERR_OS, e, NULL);
	}
	return 0;
}

int
sk_listen_unix(struct sk_socket *s, const char *path, struct sk_error *err)
{
	struct sk_addr a;

	s->fd = -1;
	if (sk_addr_unix(&a, path, err) == -1 || unix_prepare(&a, err) == -1)
		return -1;
	return sk_listen_addr(s, &a, 0, err);
}

static void
close_all(struct sk_socket *out, size_t n)
{
	while (n-- > 0)
		(void)sk_socket_close(&out[n], NULL);
}

ssize_t
sk_listen_all(struct sk_socket *out, size_t max, const char *host,
    const char *port, int family, int flags, struct sk_error *err)
{
	struct sk_addrinfo *ai = NULL;
	struct sk_addr a;
	struct sk_error e = { 0 };
	ssize_t n, i, j;
	size_t nls;
	unsigned int got = 0;
	int attempt;
	bool any_port, ok;

	n = sk_getaddrinfo(host == NULL || host[0] == '\0' ? NULL : host,
	    port, family, flags & SK_LISTEN_DGRAM ? SOCK_DGRAM : SOCK_STREAM,
	    flags & SK_LISTEN_DGRAM ? IPPROTO_UDP : IPPROTO_TCP, AI_PASSIVE,
	    &ai, err);
	if (n < 0)
		return -1;
	any_port = n > 0 && sk_addr_port(&ai[0].addr) == 0;
	/* With port 0 the first socket picks it and the others must get the
	 * same; if another program holds it in the second family, retry. */
	for (attempt = 0; ; attempt++) {
		ok = true;
		got = 0;
		nls = 0;
		for (i = 0; i < n && nls < max; i++) {
			for (j = 0; j < i; j++)	/* duplicates across types */
				if (ai[j].addr.len == ai[i].addr.len &&
				    memcmp(&ai[j].addr.u, &ai[i].addr.u,
				    ai[i].addr.len) == 0)
					break;
			if (j < i)
				continue;
			a = ai[i].addr;
			if (got != 0)
				sk_addr_set_port(&a, got);
			if (sk_listen_addr(&out[nls], &a, flags, &e) == -1) {
				/* No IPv6 here: the wildcard is IPv4 only. */
				if (e.code == EAFNOSUPPORT && n > 1)
					continue;
				ok = false;
				break;
			}
			if (sk_socket_getsockname(&out[nls], &a, &e) == -1) {
				nls++;
				ok = false;
				break;
			}
			got = sk_addr_port(&a);
			nls++;
		}
		if (ok && nls > 0)
			break;
		close_all(out, nls);
		if (ok)
			(void)sk_error_set(&e, SK_ERR_OS, EADDRNOTAVAIL, NULL);
		if (ok || !any_port || e.code != EADDRINUSE || attempt == 16) {
			sk_addrinfo_free(ai, (size_t)n);
			if (err != NULL)
				*err = e;
			return -1;
		}
	}
	sk_addrinfo_free(ai, (size_t)n);
	return (ssize_t)nls;
}

int
sk_socket_adopt(struct sk_socket *s, int fd, struct sk_error *err)
{
	int v[3] = { 0, 0, 0 };
	static const int opts[3] = { SO_DOMAIN, SO_TYPE, SO_PROTOCOL };
	socklen_t len;
	int i;

	s->fd = -1;
	for (i = 0; i < 3; i++) {
		len = sizeof(v[i]);
		if (getsockopt(fd, SOL_SOCKET, opts[i], &v[i], &len) == -1)
			return sk_error_set(err, SK_ERR_OS, errno, NULL);
	}
	s->fd = fd;
	s->family = v[0];
	s->type = v[1];
	s->proto = v[2];
	s->timeout = (fcntl(fd, F_GETFL) & O_NONBLOCK) ? 0 : SK_TIMEOUT_NONE;
	return 0;
}

int
sk_listen_fds(struct sk_error *err)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	long long p, n, i;

	if (pid == NULL || fds == NULL)
		return 0;
	if (sk_parse_integer(pid, 1, INT_MAX, &p, err) == -1)
		return -1;
	if (p != (long long)getpid())
		return 0;
	if (sk_parse_integer(fds, 0, 1024, &n, err) == -1)
		return -1;
	/* As sd_listen_fds(3) does: for us, not for our children. */
	(void)unsetenv("LISTEN_PID");
	(void)unsetenv("LISTEN_FDS");
	(void)unsetenv("LISTEN_FDNAMES");
	for (i = 0; i < n; i++) {
		int fd = (int)(SK_LISTEN_FDS_START + i);
		int fl = fcntl(fd, F_GETFD);

		if (fl == -1)
			return sk_error_set(err, SK_ERR_OS, errno, NULL);
		(void)fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
	}
	return (int)n;
}
