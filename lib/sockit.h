/*
 * sockit.h - libsockit, the calls documented for Python's socket module, in C.
 *
 * The socket object with its three modes (blocking, non-blocking, timeout),
 * the module functions (resolver, conversions, byte order, default timeout),
 * the reference's address notation, the Python bytes literal and a small
 * JSON Lines writer.  Sockets follow POSIX.1-2017 and the Linux socket(7),
 * ip(7), ipv6(7) and unix(7) pages; addresses follow inet_pton(3),
 * inet_aton(3) and RFC 4291/5952.
 *
 * Conventions: every call that can fail takes a caller-owned struct
 * sk_error as its last argument, fills it and returns -1 (or NULL); on
 * success it returns 0 (or a count, or a pointer).  The library never
 * exits, never prints and never raises a signal.  The error pointer may be
 * NULL when the caller does not want the detail.
 */
#ifndef SOCKIT_H
#define SOCKIT_H

#include <sys/types.h>
#include <sys/select.h>	/* sigset_t, without _POSIX_C_SOURCE */
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SK_VERSION "0.1.0"

/*
 * SK_API marks what the shared library exports: it is built with
 * -fvisibility=hidden, so a function without it stays inside the library.
 */
#ifndef SK_API
#if defined(__GNUC__) && __GNUC__ >= 4
#define SK_API __attribute__((visibility("default")))
#else
#define SK_API
#endif
#endif

/*
 * Errors: the four documented exception kinds, plus ValueError for the
 * argument checks the reference documents (inet_ntop's packed length,
 * out-of-range integers).
 */
enum sk_error_kind {
	SK_ERR_NONE = 0,
	SK_ERR_OS,		/* socket.error / OSError: code is an errno */
	SK_ERR_HERROR,		/* socket.herror: code is an h_errno */
	SK_ERR_GAIERROR,	/* socket.gaierror: code is an EAI_* value */
	SK_ERR_TIMEOUT,		/* socket.timeout: code is ETIMEDOUT */
	SK_ERR_VALUE,		/* ValueError, OverflowError: EINVAL, ERANGE */
	SK_ERR_TLS		/* socket.sslerror: a handshake failed or the
				 * peer's certificate did not verify; code is
				 * OpenSSL's error or X509_V_ERR_* value */
};

#define SK_ERRMSG_MAX 256

struct sk_error {
	enum sk_error_kind kind;
	int code;
	char message[SK_ERRMSG_MAX];	/* the reason, e.g. strerror(code) */
};

/* Fill err (if not NULL) and return -1.  message may be NULL for the
 * system's own text for that kind and code. */
SK_API int sk_error_set(struct sk_error *err, enum sk_error_kind kind, int code,
    const char *message);
#ifdef __clang_analyzer__
/* The static analyzer sees one file at a time: tell it the result. */
#define sk_error_set(err, kind, code, message) \
	(sk_error_set((err), (kind), (code), (message)), -1)
#endif
/* Clear err to SK_ERR_NONE. */
SK_API void sk_error_clear(struct sk_error *err);
/* The kind's name as the reference spells it: "error", "gaierror", ... */
SK_API const char *sk_error_kind_name(enum sk_error_kind kind);

/*
 * Timeouts are seconds as a double.  SK_TIMEOUT_NONE (any negative value)
 * is Python's None: blocking mode.  0 is non-blocking mode.  A positive
 * value is timeout mode.
 */
#define SK_TIMEOUT_NONE (-1.0)

/* socket.getdefaulttimeout(): the timeout given to new socket objects. */
SK_API double sk_getdefaulttimeout(void);
/* socket.setdefaulttimeout(): negative means None. */
SK_API void sk_setdefaulttimeout(double timeout);

/*
 * Addresses: one type for every family, in the spirit of busybox's
 * len_and_sockaddr.
 */
struct sk_addr {
	socklen_t len;
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
		struct sockaddr_un un;
		struct sockaddr_storage ss;
	} u;
};

/* The longest formatted address: an AF_UNIX path shown escaped. */
#define SK_ADDRSTRLEN (4 * sizeof(((struct sockaddr_un *)0)->sun_path) + 64)

/*
 * Resolve (HOST, PORT) into the first matching address, as Python does for
 * a socket address tuple.  HOST "" is INADDR_ANY (in6addr_any for
 * AF_INET6), "<broadcast>" is INADDR_BROADCAST; an IPv6 literal may carry
 * a scope ("fe80::1%lo").  PORT is a number or a service name; NULL means
 * 0.  family is AF_UNSPEC, AF_INET or AF_INET6; socktype SOCK_STREAM,
 * SOCK_DGRAM or 0.  Returns -1 with SK_ERR_GAIERROR when it does not
 * resolve.
 */
SK_API int sk_addr_resolve(struct sk_addr *out, const char *host,
    const char *port, int family, int socktype, struct sk_error *err);
/*
 * Parse one address argument: "HOST:PORT", "[V6]:PORT", "V6" alone is not
 * accepted without brackets when a port follows; the reference's tuple
 * notation "('127.0.0.1', 50007)" or "('::1', 80, 0, 0)"; or an AF_UNIX
 * path (anything with a '/'), "@name" for a Linux abstract name.  Names
 * are resolved as sk_addr_resolve does.  Returns -1 on a malformed string
 * (SK_ERR_VALUE) or a failed resolution.
 */
SK_API int sk_addr_parse(struct sk_addr *out, const char *text, int family,
    int socktype, struct sk_error *err);
/* An AF_UNIX address for PATH; a leading '@' makes a Linux abstract name.
 * Returns -1 (SK_ERR_VALUE) when PATH is too long. */
SK_API int sk_addr_unix(struct sk_addr *out, const char *path,
    struct sk_error *err);
/* Fill out from a raw sockaddr of length len.  Returns -1 if it is too long. */
SK_API int sk_addr_from_sockaddr(struct sk_addr *out, const struct sockaddr *sa,
    socklen_t len, struct sk_error *err);
/* The address family, AF_UNSPEC for an empty address. */
SK_API int sk_addr_family(const struct sk_addr *addr);
/* The port (host order), 0 for families without one. */
SK_API unsigned int sk_addr_port(const struct sk_addr *addr);
/* Set the port of an AF_INET or AF_INET6 address. */
SK_API void sk_addr_set_port(struct sk_addr *addr, unsigned int port);
/* The host part as text: "127.0.0.1", "fe80::1%lo", the AF_UNIX path.
 * Returns the length written, or -1 if buf is too small. */
SK_API int sk_addr_host(const struct sk_addr *addr, char *buf, size_t size);
/*
 * The reference's notation: ('127.0.0.1', 50007), ('::1', 50007, 0, 0),
 * '/tmp/s' for a path, b'\x00name' for an abstract name.  Always
 * NUL-terminates; returns the length it needed (as snprintf does).
 */
SK_API size_t sk_addr_format(const struct sk_addr *addr, char *buf,
    size_t size);
/* As sk_addr_format, but an IPv6 scope only as the tuple's scope id, as
 * Python 3.7 and later print an address they received:
 * ('fe80::1', 22, 0, 2), never 'fe80::1%eth0'. */
SK_API size_t sk_addr_format_noscope(const struct sk_addr *addr, char *buf,
    size_t size);

/*
 * The socket object.
 */
struct sk_socket {
	int fd;			/* -1 once closed or detached */
	int family;
	int type;
	int proto;
	double timeout;		/* SK_TIMEOUT_NONE, 0 or seconds */
};

/* socket.socket(family, type, proto): a new socket in the default timeout
 * mode.  Returns -1 (SK_ERR_OS) on failure; s->fd is then -1. */
SK_API int sk_socket_open(struct sk_socket *s, int family, int type, int proto,
    struct sk_error *err);
/* socket.fromfd(): a socket object over dup(fd), in blocking mode. */
SK_API int sk_socket_fromfd(struct sk_socket *s, int fd, int family, int type,
    int proto, struct sk_error *err);
/* socket.socketpair(): family AF_UNSPEC means AF_UNIX, type 0 SOCK_STREAM. */
SK_API int sk_socketpair(struct sk_socket pair[2], int family, int type,
    int proto, struct sk_error *err);

/* accept(): conn gets the new socket (in the default timeout mode, as
 * Python gives it), peer its address (peer may be NULL). */
SK_API int sk_socket_accept(struct sk_socket *s, struct sk_socket *conn,
    struct sk_addr *peer, struct sk_error *err);
SK_API int sk_socket_bind(struct sk_socket *s, const struct sk_addr *addr,
    struct sk_error *err);
/* close(): idempotent; returns -1 only when close(2) reports an error. */
SK_API int sk_socket_close(struct sk_socket *s, struct sk_error *err);
/* connect(): subject to the timeout mode (non-blocking connect and poll). */
SK_API int sk_socket_connect(struct sk_socket *s, const struct sk_addr *addr,
    struct sk_error *err);
/* connect_ex(): 0 or the errno value of the failed connect; EWOULDBLOCK in
 * timeout mode when the timeout passed. */
SK_API int sk_socket_connect_ex(struct sk_socket *s,
    const struct sk_addr *addr);
/* detach(): the fd, leaving the object closed without closing the fd. */
SK_API int sk_socket_detach(struct sk_socket *s);
/* fileno(): the fd, -1 once closed. */
SK_API int sk_socket_fileno(const struct sk_socket *s);
SK_API int sk_socket_getpeername(struct sk_socket *s, struct sk_addr *addr,
    struct sk_error *err);
SK_API int sk_socket_getsockname(struct sk_socket *s, struct sk_addr *addr,
    struct sk_error *err);
/* getsockopt(level, opt, buflen): *len in, bytes stored out. */
SK_API int sk_socket_getsockopt(struct sk_socket *s, int level, int opt,
    void *buf, socklen_t *len, struct sk_error *err);
/* getsockopt(level, opt): the integer form. */
SK_API int sk_socket_getsockopt_int(struct sk_socket *s, int level, int opt,
    int *value, struct sk_error *err);
SK_API int sk_socket_setsockopt(struct sk_socket *s, int level, int opt,
    const void *buf, socklen_t len, struct sk_error *err);
SK_API int sk_socket_setsockopt_int(struct sk_socket *s, int level, int opt,
    int value, struct sk_error *err);
SK_API int sk_socket_listen(struct sk_socket *s, int backlog,
    struct sk_error *err);
/* makefile(mode): a stdio stream over dup(fd).  The socket must be in
 * blocking mode (SK_ERR_VALUE otherwise).  Returns NULL on failure. */
SK_API FILE *sk_socket_makefile(struct sk_socket *s, const char *mode,
    struct sk_error *err);

/* A received buffer owned by the caller (free with sk_bytes_free). */
struct sk_bytes {
	unsigned char *data;
	size_t len;
};
SK_API void sk_bytes_free(struct sk_bytes *b);

/* recv(bufsize, flags): allocates out->data.  out->len 0 means EOF. */
SK_API ssize_t sk_socket_recv(struct sk_socket *s, size_t bufsize, int flags,
    struct sk_bytes *out, struct sk_error *err);
/* recvfrom(bufsize, flags): as recv, and the sender's address. */
SK_API ssize_t sk_socket_recvfrom(struct sk_socket *s, size_t bufsize,
    int flags, struct sk_bytes *out, struct sk_addr *from,
    struct sk_error *err);
/* recv_into(buffer, nbytes, flags): returns bytes stored, 0 at EOF. */
SK_API ssize_t sk_socket_recv_into(struct sk_socket *s, void *buf,
    size_t nbytes, int flags, struct sk_error *err);
/* recvfrom_into(buffer, nbytes, flags). */
SK_API ssize_t sk_socket_recvfrom_into(struct sk_socket *s, void *buf,
    size_t nbytes, int flags, struct sk_addr *from, struct sk_error *err);
/* send(): the bytes sent, possibly fewer than len. */
SK_API ssize_t sk_socket_send(struct sk_socket *s, const void *buf, size_t len,
    int flags, struct sk_error *err);
/* sendall(): everything or -1; in timeout mode the timeout bounds the
 * whole call, as in Python 3.5 and later. */
SK_API int sk_socket_sendall(struct sk_socket *s, const void *buf, size_t len,
    int flags, struct sk_error *err);
SK_API ssize_t sk_socket_sendto(struct sk_socket *s, const void *buf,
    size_t len, int flags, const struct sk_addr *to, struct sk_error *err);
/* setblocking(flag): same as settimeout(None) or settimeout(0). */
SK_API int sk_socket_setblocking(struct sk_socket *s, bool flag,
    struct sk_error *err);
/* settimeout(value): negative is None.  Timeout mode sets O_NONBLOCK. */
SK_API int sk_socket_settimeout(struct sk_socket *s, double timeout,
    struct sk_error *err);
/* gettimeout(): SK_TIMEOUT_NONE, 0 or seconds. */
SK_API double sk_socket_gettimeout(const struct sk_socket *s);
SK_API int sk_socket_shutdown(struct sk_socket *s, int how,
    struct sk_error *err);

/*
 * Module functions: the resolver.
 */

/* socket.create_connection((host, port), timeout, source_address): tries
 * every address getaddrinfo returns, in order; the last error is
 * reported.  timeout SK_TIMEOUT_DEFAULT uses getdefaulttimeout().
 * source_host and source_port may be NULL. */
#define SK_TIMEOUT_DEFAULT (-2.0)
SK_API int sk_create_connection(struct sk_socket *s, const char *host,
    const char *port, double timeout, const char *source_host,
    const char *source_port, int family, struct sk_error *err);

/*
 * Where sk_create_connection_report stopped, so that a message can name
 * what failed: HOST's lookup, the source address (its lookup or bind), or
 * the connection to addr.  addr is the last address tried (have_addr), or
 * on success the one connected to.
 */
enum sk_conn_step { SK_CONN_RESOLVE, SK_CONN_SOURCE, SK_CONN_CONNECT };
struct sk_conn_report {
	enum sk_conn_step step;
	bool have_addr;
	struct sk_addr addr;
};
/* sk_create_connection, with the report in *r (may be NULL).  Returns 0,
 * or -1 with err as sk_create_connection sets it. */
SK_API int sk_create_connection_report(struct sk_socket *s,
    const char *host, const char *port, double timeout,
    const char *source_host, const char *source_port, int family,
    struct sk_conn_report *r, struct sk_error *err);

/* One getaddrinfo() 5-tuple. */
struct sk_addrinfo {
	int family;
	int type;
	int proto;
	char *canonname;	/* "" when there is none */
	struct sk_addr addr;
};

/* getaddrinfo(host, port, family, type, proto, flags): *out is an array of
 * the results (free with sk_addrinfo_free); returns their count or -1
 * (SK_ERR_GAIERROR, or SK_ERR_OS for EAI_SYSTEM).  host or port may be
 * NULL, as Python's None. */
SK_API ssize_t sk_getaddrinfo(const char *host, const char *port, int family,
    int type, int proto, int flags, struct sk_addrinfo **out,
    struct sk_error *err);
SK_API void sk_addrinfo_free(struct sk_addrinfo *ai, size_t n);

/* getnameinfo(sockaddr, flags): host and service as text. */
SK_API int sk_getnameinfo(const struct sk_addr *addr, int flags, char *host,
    size_t hostlen, char *serv, size_t servlen, struct sk_error *err);

/* The (hostname, aliaslist, ipaddrlist) triple. */
struct sk_hostent {
	char *name;
	char **aliases;
	size_t naliases;
	char **addrs;		/* as text */
	size_t naddrs;
};
SK_API void sk_hostent_free(struct sk_hostent *h);

/* gethostbyname(name): the first IPv4 address, as text, into buf. */
SK_API int sk_gethostbyname(const char *name, char *buf, size_t size,
    struct sk_error *err);
/* gethostbyname_ex(name): IPv4 only, as documented. */
SK_API int sk_gethostbyname_ex(const char *name, struct sk_hostent *out,
    struct sk_error *err);
/* gethostbyaddr(ip_address): IPv4 or IPv6; a name is resolved first. */
SK_API int sk_gethostbyaddr(const char *address, struct sk_hostent *out,
    struct sk_error *err);
/* getfqdn(name): the first name with a period among the hostname and
 * aliases gethostbyaddr gives, else the hostname; "" means this host.
 * Never fails for a name that does not resolve (it returns the name). */
SK_API int sk_getfqdn(const char *name, char *buf, size_t size,
    struct sk_error *err);
SK_API int sk_gethostname(char *buf, size_t size, struct sk_error *err);
/* getservbyname(name, proto): proto NULL matches any. */
SK_API int sk_getservbyname(const char *name, const char *proto, int *port,
    struct sk_error *err);
/* getservbyport(port, proto). */
SK_API int sk_getservbyport(int port, const char *proto, char *buf, size_t size,
    struct sk_error *err);
/* getprotobyname(name), and the number-to-name direction. */
SK_API int sk_getprotobyname(const char *name, int *proto,
    struct sk_error *err);
SK_API int sk_getprotobynumber(int proto, char *buf, size_t size,
    struct sk_error *err);
/* has_ipv6: whether this system can make an AF_INET6 socket. */
SK_API bool sk_has_ipv6(void);

/*
 * Module functions: conversions.
 */

/* htons/ntohs/htonl/ntohl with Python's range checks: x must fit the
 * unsigned type, else -1 with SK_ERR_VALUE (OverflowError). */
SK_API int sk_htons(long long x, uint16_t *out, struct sk_error *err);
SK_API int sk_ntohs(long long x, uint16_t *out, struct sk_error *err);
SK_API int sk_htonl(long long x, uint32_t *out, struct sk_error *err);
SK_API int sk_ntohl(long long x, uint32_t *out, struct sk_error *err);

/* inet_aton(ip_string): what inet_aton(3) accepts ("127.1").  text[len]
 * must be the terminating NUL; a NUL before it is refused (ValueError). */
SK_API int sk_inet_aton(const char *text, size_t len, unsigned char out[4],
    struct sk_error *err);
/* inet_ntoa(packed): len must be 4 (SK_ERR_OS otherwise, as documented).
 * buf needs 16 bytes. */
SK_API int sk_inet_ntoa(const unsigned char *packed, size_t len, char *buf,
    size_t size, struct sk_error *err);
/* inet_pton(family, ip_string): *outlen gets 4 or 16; out needs 16.
 * text[len] must be the terminating NUL, as for sk_inet_aton. */
SK_API int sk_inet_pton(int family, const char *text, size_t len,
    unsigned char out[16], size_t *outlen, struct sk_error *err);
/* inet_ntop(family, packed): len must fit the family (SK_ERR_VALUE). */
SK_API int sk_inet_ntop(int family, const unsigned char *packed, size_t len,
    char *buf, size_t size, struct sk_error *err);

/*
 * Numbers and names from the command line (num.c: strtonum-style, never
 * atoi).
 */

/* A decimal or 0x-hex integer in [min, max]. */
SK_API int sk_parse_integer(const char *text, long long min, long long max,
    long long *out, struct sk_error *err);
/* A port: decimal digits, 0..65535 (no sign, no 0x), or a service name
 * (for proto, NULL any). */
SK_API int sk_parse_port(const char *text, const char *proto, unsigned int *out,
    struct sk_error *err);
/* Seconds: a non-negative decimal number, at most 10^9. */
SK_API int sk_parse_seconds(const char *text, double *out,
    struct sk_error *err);

/*
 * Bytes and text.
 */

/* Python's repr(bytes): b'...' with Python's choice of quotes and escapes.
 * Always NUL-terminates; returns the length it needed (at most 4n+3). */
SK_API size_t sk_bytes_repr(const void *data, size_t n, char *buf, size_t size);
/* Parse a bytes literal (b'\x7f\x00...') as sk_bytes_repr writes it, and
 * the other escapes Python accepts in one.  Returns bytes stored, or -1
 * (SK_ERR_VALUE). */
SK_API ssize_t sk_bytes_unrepr(const char *text, size_t len, unsigned char *out,
    size_t size, struct sk_error *err);
/* Lowercase hex of n bytes; buf needs 2n+1.  Returns 2n. */
SK_API size_t sk_hex_encode(const void *data, size_t n, char *buf);
/* Hex digits, with an optional 0x prefix, into out ("" is no bytes).
 * Returns bytes stored or -1 (SK_ERR_VALUE: odd length, bad digit, too
 * long). */
SK_API ssize_t sk_hex_decode(const char *text, size_t len, unsigned char *out,
    size_t size, struct sk_error *err);
/* Whether the n bytes are valid UTF-8 (RFC 3629). */
SK_API bool sk_utf8_valid(const void *data, size_t n);

/*
 * A growable byte buffer.
 */
struct sk_buf {
	char *data;
	size_t len;
	size_t cap;
};
/* Make room for more bytes beyond len (and a NUL), so that a caller may
 * write into data + len directly; returns -1 (errno ENOMEM) on failure. */
SK_API int sk_buf_reserve(struct sk_buf *b, size_t more);
/* Append; returns -1 (errno ENOMEM) when memory runs out.  After each
 * sk_buf call, data is NUL-terminated at len. */
SK_API int sk_buf_append(struct sk_buf *b, const void *data, size_t n);
SK_API int sk_buf_putc(struct sk_buf *b, char c);
SK_API int sk_buf_printf(struct sk_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
SK_API void sk_buf_reset(struct sk_buf *b);
SK_API void sk_buf_free(struct sk_buf *b);

/*
 * A JSON Lines writer: one object per line, built in a buffer.
 *	sk_json_begin(&j); sk_json_str(&j, "input", s); sk_json_end(&j);
 * then write j.buf.data/j.buf.len (it ends with '\n').  Nested objects
 * with sk_json_object/sk_json_close.  Strings are escaped per RFC 8259;
 * invalid UTF-8 becomes U+FFFD.  A failed allocation is sticky and
 * reported by sk_json_end.
 */
struct sk_json {
	struct sk_buf buf;
	int depth;
	bool need_comma;
	bool failed;
};
SK_API void sk_json_begin(struct sk_json *j);
SK_API void sk_json_str(struct sk_json *j, const char *key, const char *value);
SK_API void sk_json_strn(struct sk_json *j, const char *key, const char *value,
    size_t n);
SK_API void sk_json_int(struct sk_json *j, const char *key, long long value);
SK_API void sk_json_uint(struct sk_json *j, const char *key,
    unsigned long long value);
SK_API void sk_json_double(struct sk_json *j, const char *key, double value);
SK_API void sk_json_bool(struct sk_json *j, const char *key, bool value);
SK_API void sk_json_null(struct sk_json *j, const char *key);
/* "data_b64" always, and "data" when the bytes are valid UTF-8. */
SK_API void sk_json_bytes(struct sk_json *j, const void *data, size_t n);
/* An address object {"family":..,"host":..,"port":..} or {"family":
 * "AF_UNIX","path":..}. */
SK_API void sk_json_addr(struct sk_json *j, const char *key,
    const struct sk_addr *addr);
SK_API void sk_json_object(struct sk_json *j, const char *key);
SK_API void sk_json_array(struct sk_json *j, const char *key);
/* An array element string (key NULL in the calls above does the same). */
SK_API void sk_json_close_object(struct sk_json *j);
SK_API void sk_json_close_array(struct sk_json *j);
/* Close the top-level object and add '\n'.  Returns -1 if any append
 * failed (ENOMEM). */
SK_API int sk_json_end(struct sk_json *j);
SK_API void sk_json_free(struct sk_json *j);

/* Names of constants as the reference spells them ("AF_INET",
 * "SOCK_STREAM", "IPPROTO_TCP"), or the number as text in buf. */
SK_API const char *sk_family_name(int family, char *buf, size_t size);
SK_API const char *sk_socktype_name(int type, char *buf, size_t size);
SK_API const char *sk_proto_name(int proto, char *buf, size_t size);

/*
 * The event loop (in the shape of redis's ae): descriptors with a read
 * and write interest, timers, signals through signalfd(2), and a stop
 * that any thread may call.  Level-triggered unless SK_LOOP_EDGE.
 */
#define SK_LOOP_READABLE	0x1
#define SK_LOOP_WRITABLE	0x2
#define SK_LOOP_EDGE		0x4	/* sk_loop_add: edge-triggered */
#define SK_LOOP_ERROR		0x8	/* callback: error or hang-up too */
#define SK_LOOP_RDHUP		0x10	/* callback: the peer shut down its
					 * sending side (EPOLLRDHUP) */

struct sk_loop;
typedef void sk_loop_fd_fn(struct sk_loop *loop, int fd, void *data,
    int events);
/* Returns the milliseconds until it runs again, or -1 to be removed. */
typedef long long sk_loop_timer_fn(struct sk_loop *loop, long long id,
    void *data);
typedef void sk_loop_signal_fn(struct sk_loop *loop, int signo, void *data);

SK_API struct sk_loop *sk_loop_new(struct sk_error *err);
SK_API void sk_loop_free(struct sk_loop *loop);
/* Watch fd for mask (replacing an earlier mask for fd). */
SK_API int sk_loop_add(struct sk_loop *loop, int fd, int mask,
    sk_loop_fd_fn *fn, void *data, struct sk_error *err);
SK_API void sk_loop_del(struct sk_loop *loop, int fd);
/* A timer in ms from now; returns its id (> 0) or -1. */
SK_API long long sk_loop_timer_add(struct sk_loop *loop, long long ms,
    sk_loop_timer_fn *fn, void *data, struct sk_error *err);
SK_API void sk_loop_timer_del(struct sk_loop *loop, long long id);
/* Deliver the signals in set (which the caller has blocked) to fn. */
SK_API int sk_loop_signal(struct sk_loop *loop, const sigset_t *set,
    sk_loop_signal_fn *fn, void *data, struct sk_error *err);
/* The loop's clock: CLOCK_MONOTONIC in ms, read once per turn. */
SK_API long long sk_loop_now(const struct sk_loop *loop);
/* Run until sk_loop_stop; returns 0, or -1 if epoll_wait failed. */
SK_API int sk_loop_run(struct sk_loop *loop, struct sk_error *err);
/* Make sk_loop_run return after the current callback; any thread. */
SK_API void sk_loop_stop(struct sk_loop *loop);

/*
 * The echo server: the reference's, made real.  Every byte a client
 * sends comes back; after its EOF the rest comes back and the connection
 * is closed.  Many clients at once on an event loop per worker thread;
 * at most a bounded number of bytes wait per connection (in a buffer, or
 * in a pipe for splice(2) when the client sends in bulk), so a client
 * that does not read stops being read from.
 */
enum sk_echo_event {
	SK_ECHO_LISTENING,	/* addr: a listening socket's address */
	SK_ECHO_CONNECTED,	/* addr: the peer */
	SK_ECHO_CLOSED,		/* addr, bytes; error if it ended in one */
	SK_ECHO_REFUSED,	/* addr: over max_conns, reset at once */
	SK_ECHO_IDLE,		/* addr, bytes: closed after idle_timeout */
	SK_ECHO_WARNING,	/* error: e.g. accept paused on EMFILE */
	SK_ECHO_DENIED,		/* addr: refused by the access rules */
	SK_ECHO_TLS		/* addr, tls: a TLS handshake ended */
};

struct sk_tls_ctx;
struct sk_tls_info;

struct sk_echo_info {
	enum sk_echo_event event;
	const struct sk_addr *addr;
	unsigned long long bytes;	/* echoed on this connection */
	const struct sk_error *error;	/* NULL unless it ended in one */
	const struct sk_tls_info *tls;	/* SK_ECHO_TLS: its facts */
};

/* Called for each event; the server serializes the calls. */
typedef void sk_echo_event_fn(const struct sk_echo_info *info, void *data);

struct sk_echo_config {
	const char *host;	/* NULL or "": all interfaces, both families */
	const char *port;	/* number or service; "0": any free port */
	int family;		/* AF_UNSPEC, AF_INET or AF_INET6 */
	const char *unix_path;	/* a stream AF_UNIX socket instead */
	bool once;		/* serve one client, then return */
	unsigned int max_conns;	/* 0: SK_ECHO_MAX_CONNS */
	double idle_timeout;	/* seconds; <= 0: none */
	unsigned int workers;	/* 0: one */
	bool no_splice;		/* copy through a buffer instead */
	size_t buffer;		/* per-connection bound; 0: 64 KiB */
	const sigset_t *stop_signals;	/* blocked by the caller, or NULL */
	const struct sk_acl *acl;	/* who may connect; NULL: anyone */
	struct sk_tls_ctx *tls;	/* a server context: TLS on every
				 * connection; NULL: plain */
	sk_echo_event_fn *on_event;
	void *data;
	const int *listen_fds;	/* listening sockets to serve instead of
				 * binding (sk_listen_fds) */
	size_t nlisten_fds;
	bool inetd;		/* descriptor 0 is the one client (it is
				 * closed at the end); nothing is bound */
};

#define SK_ECHO_MAX_CONNS	16384
#define SK_ECHO_WORKERS_MAX	64

struct sk_echo_stats {
	unsigned long long connections;	/* accepted and served */
	unsigned long long bytes;	/* echoed */
	unsigned long long refused;	/* over max_conns */
	unsigned long long idle;	/* closed for idleness */
	unsigned long long denied;	/* refused by the access rules */
};

struct sk_echo_server;
/* Bind and listen (SK_ECHO_LISTENING for each socket).  Returns NULL
 * with err on failure; nothing is left open. */
SK_API struct sk_echo_server *sk_echo_server_new(
    const struct sk_echo_config *cfg, struct sk_error *err);
/* Serve until sk_echo_server_stop, a stop signal, or (once) the one
 * client is done.  Returns 0 or -1. */
SK_API int sk_echo_server_run(struct sk_echo_server *srv, struct sk_error *err);
/* Any thread. */
SK_API void sk_echo_server_stop(struct sk_echo_server *srv);
SK_API void sk_echo_server_stats(const struct sk_echo_server *srv,
    struct sk_echo_stats *st);
/* The port the listening sockets share (0 for AF_UNIX). */
SK_API unsigned int sk_echo_server_port(const struct sk_echo_server *srv);
/* Close everything (the AF_UNIX socket file is removed). */
SK_API void sk_echo_server_free(struct sk_echo_server *srv);

/*
 * Both ways at once on one socket (relay.c).  Each wait for progress is
 * bounded by the socket's timeout (SK_ERR_TIMEOUT); None waits for ever.
 */
/* Send all of out while reading into in until inlen bytes came or EOF;
 * returns the bytes read (fewer than inlen: EOF came first), or -1. */
SK_API ssize_t sk_socket_exchange(struct sk_socket *s, const void *out,
    size_t outlen, void *in, size_t inlen, struct sk_error *err);

/* The same through the TLS session t on s's socket (sk_tls_new on s->fd),
 * its handshake first when it is not done (outlen and inlen 0: only the
 * handshake).  A TLS failure is SK_ERR_TLS. */
struct sk_tls;
SK_API ssize_t sk_tls_exchange(struct sk_socket *s, struct sk_tls *t,
    const void *out, size_t outlen, void *in, size_t inlen,
    struct sk_error *err);

/*
 * Access control for servers (acl.c): --allow and --deny rules of
 * addresses and CIDR prefixes.  A peer that matches a deny rule is
 * refused; otherwise it is let in if there are no allow rules or it
 * matches one.  IPv4-mapped IPv6 peers match as IPv4; AF_UNIX peers
 * always pass.
 */
struct sk_acl;
enum sk_acl_verdict {
	SK_ACL_ALLOW = 0,
	SK_ACL_DENIED,		/* matched a deny rule */
	SK_ACL_NOT_ALLOWED	/* there are allow rules and none matched */
};
SK_API struct sk_acl *sk_acl_new(struct sk_error *err);
SK_API void sk_acl_free(struct sk_acl *acl);
/* "ADDR" or "ADDR/PREFIX", IPv4 or IPv6; -1 (SK_ERR_VALUE) if malformed. */
SK_API int sk_acl_add(struct sk_acl *acl, const char *spec, bool allow,
    struct sk_error *err);
/* One rule per line of the file at path; '#' starts a comment.  On a bad
 * line returns -1 with *lineno set to it (0 for an error opening or
 * reading the file). */
SK_API int sk_acl_load(struct sk_acl *acl, const char *path, bool allow,
    size_t *lineno, struct sk_error *err);
SK_API enum sk_acl_verdict sk_acl_check(const struct sk_acl *acl,
    const struct sk_addr *peer);

/*
 * Packet capture, decoding and capture files (the sniffer): AF_PACKET
 * sockets with a TPACKET_V3 ring (packet(7)), the reference's IP-level
 * raw socket (raw(7)), pcap-filter(7) expressions compiled by libpcap and
 * run in the kernel, classic pcap files written, pcap and pcapng read.
 */

/* One captured packet: the bytes stay owned by whoever produced them. */
struct sk_packet {
	struct timespec ts;
	uint32_t caplen;	/* bytes in data */
	uint32_t len;		/* bytes on the wire */
	const unsigned char *data;
	int linktype;		/* a DLT_* value (pcap-linktype(7)) */
};

/* A compiled pcap-filter expression. */
struct sk_filter;
/* Compile EXPR with libpcap for LINKTYPE and SNAPLEN; NULL or "" matches
 * every packet.  Returns NULL (SK_ERR_VALUE, libpcap's message) for an
 * expression libpcap refuses. */
SK_API struct sk_filter *sk_filter_compile(const char *expr, int linktype,
    unsigned int snaplen, struct sk_error *err);
/* Whether P passes F (in user space, for files); the bytes the filter
 * keeps, 0 for none. */
SK_API unsigned int sk_filter_run(const struct sk_filter *f,
    const struct sk_packet *p);
SK_API void sk_filter_free(struct sk_filter *f);

/* The link type a capture on IFNAME ("any" or NULL: every interface)
 * delivers; -1 (SK_ERR_OS, ENODEV) when there is no such interface. */
SK_API int sk_capture_linktype_for(const char *ifname, struct sk_error *err);

struct sk_capture_opts {
	const char *ifname;	/* NULL or "any": every interface */
	unsigned int snaplen;	/* 0: SK_SNAPLEN_DEFAULT */
	bool promisc;		/* PACKET_MR_PROMISC while open */
	size_t ring_size;	/* bytes of ring; 0: SK_RING_DEFAULT */
	int ip_proto;		/* > 0: AF_INET SOCK_RAW with this protocol */
	const struct sk_filter *filter;	/* NULL: every packet */
	unsigned int block_timeout_ms;	/* 0: 50 ms */
};
#define SK_SNAPLEN_DEFAULT 262144
#define SK_RING_DEFAULT (64u << 20)

struct sk_capture;
/* Open a capture.  The filter is attached before the socket is bound,
 * so no packet it refuses is ever queued.  On loopback, the outgoing
 * copy of each packet is refused in the kernel too (a packet socket sees
 * it twice).  Returns NULL (SK_ERR_OS: EPERM without CAP_NET_RAW, ENODEV
 * for an unknown interface). */
SK_API struct sk_capture *sk_capture_open(const struct sk_capture_opts *o,
    struct sk_error *err);
/* The DLT_* of the packets delivered (DLT_EN10MB, DLT_LINUX_SLL for
 * "any" and non-Ethernet devices, DLT_RAW in IP mode). */
SK_API int sk_capture_linktype(const struct sk_capture *c);
SK_API unsigned int sk_capture_snaplen(const struct sk_capture *c);
/* The descriptor to poll for readability. */
SK_API int sk_capture_fd(const struct sk_capture *c);
/* Called for each packet; a non-zero return stops the batch after it. */
typedef int (*sk_packet_fn)(void *ctx, const struct sk_packet *p);
/* Wait up to timeout_ms (negative: forever) for packets and pass each of
 * those ready to fn, in order.  Returns how many were passed (0: the
 * timeout passed), or -1 (SK_ERR_OS; EINTR when a signal came). */
SK_API int sk_capture_next(struct sk_capture *c, int timeout_ms,
    sk_packet_fn fn, void *ctx, struct sk_error *err);
struct sk_capture_stats {
	uint64_t received;	/* passed the filter (PACKET_STATISTICS) */
	uint64_t dropped;	/* passed it but found the ring full */
};
/* The counts since the capture opened. */
SK_API int sk_capture_stats(struct sk_capture *c, struct sk_capture_stats *st,
    struct sk_error *err);
/* Close; the interface leaves promiscuous mode with the socket. */
SK_API void sk_capture_close(struct sk_capture *c);

/* Become USER (a name or a uid): its groups, gid and uid; -1 (SK_ERR_OS,
 * or SK_ERR_VALUE for an unknown user) on failure. */
SK_API int sk_drop_privileges(const char *user, struct sk_error *err);

/*
 * The decoder: one line per packet as `tcpdump -n -tt` prints it, for
 * Ethernet, 802.1Q, ARP, IPv4, IPv6, TCP, UDP, ICMP and ICMPv6; or one
 * JSON object.  Every field is read through bounds-checked accessors; a
 * truncated or malformed header is said on the line ("[|tcp]").  Keeps
 * the TCP sequence numbers of each connection, to print them relative.
 */
struct sk_decoder;
#define SK_DECODE_HEX	0x1	/* a hex dump as tcpdump -x prints it */
#define SK_DECODE_JSON	0x2	/* a JSON object instead of the line */
/* The display switches, each named for the tcpdump flag that asks for
 * the same output.  The dumps come after the line: -x (SK_DECODE_HEX),
 * -X (SK_DECODE_HEX_ASCII), -A (SK_DECODE_ASCII); with SK_DECODE_DUMP_LINK
 * (-xx, -XX, -AA) they start at the link-layer header, not after it. */
#define SK_DECODE_LINK_HDR	0x4	/* -e: the link-level header */
#define SK_DECODE_HEX_ASCII	0x8	/* -X: hex and ASCII */
#define SK_DECODE_ASCII		0x10	/* -A: the bytes as ASCII */
#define SK_DECODE_DUMP_LINK	0x20	/* -xx, -XX, -AA */
#define SK_DECODE_NANO		0x40	/* time stamps to the nanosecond */
/* The time stamp: epoch seconds (-tt) unless one of these is set. */
#define SK_DECODE_TIME_NONE	0x100	/* -t: none */
#define SK_DECODE_TIME_DELTA	0x200	/* -ttt: since the packet before */
#define SK_DECODE_TIME_DATE	0x300	/* -tttt: date and local time */
#define SK_DECODE_TIME_FIRST	0x400	/* -ttttt: since the first packet */
#define SK_DECODE_TIME_MASK	0x700
SK_API struct sk_decoder *sk_decoder_new(int flags, struct sk_error *err);
/* Append the packet's line (or object) and a newline to out; returns 0,
 * or -1 (errno ENOMEM). */
SK_API int sk_decode(struct sk_decoder *d, const struct sk_packet *p,
    struct sk_buf *out);
SK_API void sk_decoder_free(struct sk_decoder *d);
/* The name of a DLT_* value ("EN10MB"), or NULL. */
SK_API const char *sk_linktype_name(int linktype);

/*
 * Capture files.  Written: classic pcap, microsecond timestamps, in this
 * host's byte order; buffered, and written out by sk_pcap_flush.  Read:
 * pcap and pcapng, through libpcap's savefile code.
 */
struct sk_pcap_writer;
/* PATH "-" is the standard output.  Returns NULL (SK_ERR_OS). */
SK_API struct sk_pcap_writer *sk_pcap_create(const char *path, int linktype,
    unsigned int snaplen, struct sk_error *err);
SK_API int sk_pcap_write(struct sk_pcap_writer *w, const struct sk_packet *p,
    struct sk_error *err);
/* Write out what is buffered. */
SK_API int sk_pcap_flush(struct sk_pcap_writer *w, struct sk_error *err);
/* Flush and close; -1 if either failed.  w is freed either way. */
SK_API int sk_pcap_close(struct sk_pcap_writer *w, struct sk_error *err);

struct sk_pcap_reader;
/* PATH "-" is the standard input. */
SK_API struct sk_pcap_reader *sk_pcap_open(const char *path,
    struct sk_error *err);
SK_API int sk_pcap_reader_linktype(const struct sk_pcap_reader *r);
SK_API unsigned int sk_pcap_reader_snaplen(const struct sk_pcap_reader *r);
/* The next packet into p (valid until the next call): 1, 0 at the end,
 * -1 (SK_ERR_VALUE: a damaged file, with libpcap's message). */
SK_API int sk_pcap_next(struct sk_pcap_reader *r, struct sk_packet *p,
    struct sk_error *err);
SK_API void sk_pcap_reader_close(struct sk_pcap_reader *r);

/*
 * Flows (sniff --flows): the conversations of a stream of packets.  TCP
 * by connection (SYN, SYN-ACK, FIN both ways, RST), UDP and ICMP by
 * 5-tuple with an idle timeout judged on the packets' time; per flow the
 * packets and bytes (whole frames, as on the wire) each way, the SYN to
 * SYN-ACK time, retransmissions and out-of-order segments, how it ended,
 * and a hint of what it was for (TLS server name and ALPN, DNS question
 * and answer time, HTTP/1 request).  A hash table of at most max_flows
 * live flows: memory does not grow with the packets.
 */
struct sk_flow_table;
struct sk_flow_opts {
	/* UDP and ICMP idle seconds, 0: 30 (TCP without FIN or RST: ten
	 * times that). */
	double timeout;
	size_t max_flows;	/* live flows at most; 0: 262144 */
};
enum sk_flow_close {
	/* Still open: reported on demand, at the end, or at the cap. */
	SK_FLOW_OPEN,
	SK_FLOW_FIN,		/* FIN both ways */
	SK_FLOW_RST,		/* a reset */
	SK_FLOW_IDLE		/* nothing for the timeout */
};
/* One flow's record, valid during the callback.  src is the side that
 * began it (sent the SYN, or the first packet seen). */
struct sk_flow {
	struct timespec start;
	double duration;	/* seconds, first packet to last */
	int family;		/* AF_INET or AF_INET6 */
	int proto;		/* IPPROTO_TCP, _UDP, _ICMP or _ICMPV6 */
	unsigned char src[16], dst[16];	/* 4 or 16 bytes used */
	unsigned int sport, dport;	/* ICMP echo: the identifier */
	unsigned long long packets[2], bytes[2];	/* [0]: src to dst */
	double syn_rtt_ms;	/* < 0: no SYN and SYN-ACK seen */
	unsigned long long retransmits, out_of_order;
	enum sk_flow_close close;
	/* Hints, the bytes as they came (not terminated); NULL: none. */
	const char *sni, *alpn, *qname, *method, *host, *path;
	size_t sni_len, alpn_len, qname_len, method_len, host_len, path_len;
	int qtype, rcode;	/* DNS; -1: none (rcode: no answer) */
	double dns_ms;		/* query to answer; < 0: unanswered */
};
typedef void (*sk_flow_fn)(void *ctx, const struct sk_flow *f);
struct sk_flow_stats {
	unsigned long long flows;	/* flows begun */
	unsigned long long live;	/* in the table now */
	unsigned long long evicted;	/* ended early at the cap */
	unsigned long long untracked;	/* packets of no flow (ARP, ...) */
};
/* A table that calls FN for each flow that ends.  Returns NULL
 * (SK_ERR_OS, ENOMEM; SK_ERR_VALUE for a negative timeout). */
SK_API struct sk_flow_table *sk_flow_table_new(const struct sk_flow_opts *o,
    sk_flow_fn fn, void *ctx, struct sk_error *err);
/* Account one packet: flows it ends, or that were idle before its time,
 * are reported first.  Returns 1, or 0 for a packet of no flow. */
SK_API int sk_flow_table_add(struct sk_flow_table *t,
    const struct sk_packet *p);
/* Report and end the flows idle at NOW (live capture with no packets). */
SK_API void sk_flow_table_expire(struct sk_flow_table *t,
    const struct timespec *now);
/* Report every live flow as SK_FLOW_OPEN; with END, forget them too. */
SK_API void sk_flow_table_report(struct sk_flow_table *t, bool end);
SK_API void sk_flow_table_stats(const struct sk_flow_table *t,
    struct sk_flow_stats *st);
SK_API void sk_flow_table_free(struct sk_flow_table *t);
#define SK_FLOW_JSON	0x1	/* {"event":"flow",...} instead of a line */
/* Append F as one line (bytes from the network escaped) or one JSON
 * object, and a newline; returns 0, or -1 (errno ENOMEM). */
SK_API int sk_flow_format(const struct sk_flow *f, int flags,
    struct sk_buf *out);
/* "fin", "rst", "idle", "open". */
SK_API const char *sk_flow_close_name(enum sk_flow_close c);

/*
 * Injection (inject.c): Ethernet frames sent as they are on one
 * interface, through an AF_PACKET socket of type SOCK_RAW (packet(7)),
 * in batches (sendmmsg(2)); the frames of a capture file, or frames
 * written as hex digits.
 */
struct sk_inject;
/* One frame to send; the bytes stay the caller's. */
struct sk_frame {
	const unsigned char *data;
	size_t len;
};
/* Open a sender on IFNAME.  Returns NULL (SK_ERR_OS: EPERM without
 * CAP_NET_RAW, ENODEV for an unknown interface). */
SK_API struct sk_inject *sk_inject_open(const char *ifname,
    struct sk_error *err);
/* The interface's MTU, read when it was opened. */
SK_API unsigned int sk_inject_mtu(const struct sk_inject *in);
/* Whether the interface takes a frame of len bytes: at least an Ethernet
 * header, at most the MTU and the header (and a VLAN tag if it has one).
 * 0, or -1 (SK_ERR_VALUE: EINVAL too short, EMSGSIZE too long). */
SK_API int sk_inject_check(const struct sk_inject *in, const void *frame,
    size_t len, struct sk_error *err);
/* Send n frames, in order, waiting while the device queue is full.
 * Returns how many were sent (fewer than n after an error, which the
 * next call reports), or -1 (SK_ERR_OS) when none was. */
SK_API ssize_t sk_inject_send(struct sk_inject *in,
    const struct sk_frame *frames, size_t n, struct sk_error *err);
SK_API void sk_inject_close(struct sk_inject *in);
/* A frame written as hex digits, two to a byte, white space and colons
 * allowed between bytes ("01 02:03").  Returns the bytes stored in out,
 * or -1 (SK_ERR_VALUE, the offset in the message: a bad or odd digit,
 * no digits at all, or ERANGE for more than size bytes). */
SK_API ssize_t sk_frame_parse_hex(const char *text, size_t len,
    unsigned char *out, size_t size, struct sk_error *err);

/*
 * An output queue (outq.c): lines written to fd by a thread of its own,
 * so that an event loop never blocks on a stdout nobody reads.  Bounded:
 * a line that does not fit is dropped whole and counted.
 */
struct sk_outq;
/* limit: bytes that may wait (0: 1 MiB). */
SK_API struct sk_outq *sk_outq_new(int fd, size_t limit, struct sk_error *err);
/* Queue n bytes (whole lines); 0, or -1 when they were dropped. */
SK_API int sk_outq_put(struct sk_outq *q, const void *data, size_t n);
/* Wait up to timeout seconds for the rest to be written, then free q.
 * *dropped: the lines lost.  Returns 0, or -1: a write failed (SK_ERR_OS)
 * or the time ran out (SK_ERR_TIMEOUT). */
SK_API int sk_outq_close(struct sk_outq *q, double timeout,
    unsigned long long *dropped, struct sk_error *err);

/*
 * UDP (RFC 768): datagrams in batches (sendmmsg(2), recvmmsg(2)), each
 * with its peer, the local address it came to and the kernel's drop
 * counter; multicast groups (RFC 1112, RFC 3493 section 5.2); broadcast,
 * TTL and hop limits; socket buffers; ICMP errors from the error queue;
 * waiting on several sockets under a signal mask.  See sk_udp(3).
 */

/* One datagram, received or to send.  data is the caller's. */
struct sk_dgram {
	unsigned char *data;
	size_t len;		/* bytes in data: received, or to send */
	size_t size;		/* receiving: the room in data */
	size_t wire_len;	/* received: its length (> len: truncated) */
	struct sk_addr peer;	/* received: the sender; to send: the
				 * destination (len 0: the connected peer) */
	struct sk_addr local;	/* received (sk_udp_set_pktinfo): the local
				 * address to answer from, port 0; to send:
				 * the source address (len 0: the kernel's) */
	unsigned int ifindex;	/* received: the interface it came in on */
};

/* Receive buffers for sk_udp_recvmany: cap datagrams of bufsize bytes. */
struct sk_dgram_batch {
	struct sk_dgram *d;	/* d[0..n) hold the last receive */
	size_t cap;
	size_t n;
	uint32_t drops;		/* the drop counter last reported with a
				 * datagram (SO_RXQ_OVFL), cumulative */
	void *priv;
};

/* The most datagrams one sendmmsg(2) or recvmmsg(2) call is given. */
#define SK_UDP_BATCH 64
/* The largest UDP payload over IPv4 (65,535 - 20 - 8). */
#define SK_UDP_MAX_IPV4 65507
/* sk_udp_bind_all flags. */
#define SK_UDP_REUSEADDR 0x1

SK_API int sk_dgram_batch_init(struct sk_dgram_batch *b, size_t cap,
    size_t bufsize, struct sk_error *err);
SK_API void sk_dgram_batch_free(struct sk_dgram_batch *b);
/* Receive up to b->cap datagrams with one recvmmsg(2), under the socket's
 * mode: blocking waits for the first, then takes what is queued.  Returns
 * b->n (>= 1) or -1. */
SK_API ssize_t sk_udp_recvmany(struct sk_socket *s, struct sk_dgram_batch *b,
    struct sk_error *err);
/* Send d[0..n) with sendmmsg(2), in order.  Returns how many went out
 * (>= 1; fewer than n when d[count] could not be: call again from it to
 * learn why), or -1 when d[0] could not be sent. */
SK_API ssize_t sk_udp_sendmany(struct sk_socket *s, const struct sk_dgram *d,
    size_t n, struct sk_error *err);
/*
 * Wait until one of the n sockets s[0..n) is ready for events (POLLIN,
 * POLLOUT), for at most timeout seconds (negative: no limit), with
 * sigmask in force meanwhile (NULL: the current mask), as ppoll(2).
 * revents[i], if revents is not NULL, gets what s[i] is ready for.
 * Returns how many are ready, or -1: SK_ERR_TIMEOUT, or SK_ERR_OS with
 * EINTR when a signal was caught.
 */
SK_API int sk_socket_poll(struct sk_socket *s, size_t n, short events,
    double timeout, const sigset_t *sigmask, short *revents,
    struct sk_error *err);
/*
 * Open and bind a datagram socket on every distinct address HOST resolves
 * to for family (all of them, not the first); "" is 0.0.0.0 and :: (the
 * IPv6 one IPV6_V6ONLY).  With PORT 0 every socket gets the same free
 * port.  Returns how many (<= max) or -1; none is left open on failure.
 */
SK_API ssize_t sk_udp_bind_all(struct sk_socket *out, size_t max,
    const char *host, const char *port, int family, int flags,
    struct sk_error *err);

/*
 * The distinct addresses HOST resolves to for family (AF_UNSPEC: both), in
 * the resolver's order, each with PORT (a number or a udp service name;
 * NULL: 0); "" is 0.0.0.0 and ::, "<broadcast>" 255.255.255.255.  A
 * sender tries them in turn, as create_connection does for TCP.  Returns
 * how many (<= max) or -1 (SK_ERR_GAIERROR when HOST does not resolve).
 */
SK_API ssize_t sk_udp_addrs(struct sk_addr *out, size_t max,
    const char *host, const char *port, int family, struct sk_error *err);

/* Whether addr is an IPv4 or IPv6 multicast address. */
SK_API bool sk_addr_is_multicast(const struct sk_addr *addr);
/* The index of the interface called name (if_nametoindex(3)). */
SK_API int sk_interface_index(const char *name, unsigned int *index,
    struct sk_error *err);
/* Join or leave group on interface ifindex (0: the group's scope id, else
 * the interface of the kernel's route to the group). */
SK_API int sk_udp_join(struct sk_socket *s, const struct sk_addr *group,
    unsigned int ifindex, struct sk_error *err);
SK_API int sk_udp_leave(struct sk_socket *s, const struct sk_addr *group,
    unsigned int ifindex, struct sk_error *err);
/* Multicast sends: the interface (0: by route), hop limit, loopback. */
SK_API int sk_udp_set_multicast_if(struct sk_socket *s, unsigned int ifindex,
    struct sk_error *err);
SK_API int sk_udp_set_multicast_ttl(struct sk_socket *s, int ttl,
    struct sk_error *err);
SK_API int sk_udp_set_multicast_loop(struct sk_socket *s, bool on,
    struct sk_error *err);
/* Unicast TTL (IPv4) or hop limit (IPv6), 1..255. */
SK_API int sk_udp_set_ttl(struct sk_socket *s, int ttl, struct sk_error *err);
/* SO_BROADCAST. */
SK_API int sk_udp_set_broadcast(struct sk_socket *s, bool on,
    struct sk_error *err);
/* Report each datagram's local address and interface (IP_PKTINFO). */
SK_API int sk_udp_set_pktinfo(struct sk_socket *s, bool on,
    struct sk_error *err);
/* Report the drop counter with each datagram (SO_RXQ_OVFL). */
SK_API int sk_udp_set_drops(struct sk_socket *s, bool on, struct sk_error *err);
/* The socket's drop counter now (SO_MEMINFO). */
SK_API int sk_udp_drops(struct sk_socket *s, uint32_t *drops,
    struct sk_error *err);
/* Queue ICMP errors for sk_udp_recv_error (IP_RECVERR, IPV6_RECVERR). */
SK_API int sk_udp_set_recverr(struct sk_socket *s, bool on,
    struct sk_error *err);
/* One ICMP error from the error queue: icmp gets it (SK_ERR_OS and its
 * errno), dest the datagram's destination, offender (may be NULL) the
 * host that reported it.  Returns 1, 0 when the queue is empty, or -1. */
SK_API int sk_udp_recv_error(struct sk_socket *s, struct sk_error *icmp,
    struct sk_addr *dest, struct sk_addr *offender, struct sk_error *err);
/* SO_RCVBUF or SO_SNDBUF of at least bytes: SO_RCVBUFFORCE when allowed,
 * else as much as rmem_max/wmem_max allow.  *got (may be NULL) gets the
 * size the kernel reports (twice what was asked, see socket(7)). */
SK_API int sk_socket_setbuf(struct sk_socket *s, int opt, int bytes, int *got,
    struct sk_error *err);

/*
 * A connection's life as events (events.c): one JSON Lines schema for
 * every TCP subcommand - resolved, connect (each attempt), connected,
 * eof (a half-close), closed (how, by whom, bytes, TCP_INFO), data and
 * exit - written to one sink: stdout for --json, a file for --events.
 * A sink whose write fails is not written again (sk_event_emit reports
 * the failure once).
 */
struct sk_events {
	int fd;			/* -1: events off */
	bool owned;		/* opened by sk_events_open: closed by us */
	bool failed;		/* a write failed; nothing more is written */
};

enum sk_side {
	SK_SIDE_LOCAL,		/* this end: we shut down our sending side */
	SK_SIDE_PEER		/* the other end */
};

enum sk_close_how {
	SK_CLOSE_FIN,		/* both directions ended with EOF */
	SK_CLOSE_RST,		/* a reset, sent or received */
	SK_CLOSE_TIMEOUT,	/* an idle or connect timeout */
	SK_CLOSE_ERROR		/* any other failure */
};

/* From TCP_INFO (tcp(7)) at close. */
struct sk_tcp_stats {
	double rtt_ms;
	double rttvar_ms;
	unsigned int retransmits;	/* tcpi_total_retrans */
	unsigned int lost;		/* tcpi_lost */
	unsigned int pmtu;
};

struct sk_close_info {
	struct sk_addr peer;
	enum sk_close_how how;
	enum sk_side by;		/* who ended the connection first */
	uint64_t bytes_in;		/* received from the peer */
	uint64_t bytes_out;		/* sent to the peer */
	double duration_ms;
	bool have_tcp;			/* tcp is filled (not for AF_UNIX) */
	struct sk_tcp_stats tcp;
};

/* No sink: every sk_event_* call is a no-op. */
SK_API void sk_events_init(struct sk_events *ev);
/* Append to the file at path (created 0666 less umask); -1 on failure. */
SK_API int sk_events_open(struct sk_events *ev, const char *path,
    struct sk_error *err);
/* Write to fd, which stays the caller's (stdout for --json). */
SK_API void sk_events_use_fd(struct sk_events *ev, int fd);
SK_API void sk_events_close(struct sk_events *ev);
SK_API bool sk_events_on(const struct sk_events *ev);
/* An event of the caller's own: begin, add keys, emit (which frees j).
 * sk_event_emit returns 0, or -1 when the write failed. */
SK_API void sk_event_begin(struct sk_json *j, const char *event);
SK_API int sk_event_emit(struct sk_events *ev, struct sk_json *j,
    struct sk_error *err);
/* The schema's events; each returns 0, or -1 when the write failed. */
SK_API int sk_event_resolved(struct sk_events *ev, const char *host,
    const struct sk_addr *addrs, size_t n, double ms, struct sk_error *err);
/* code: 0 when the attempt connected, else its errno. */
SK_API int sk_event_connect(struct sk_events *ev, const struct sk_addr *addr,
    int attempt, int code, double ms, struct sk_error *err);
/* local may be NULL; ms < 0 leaves the handshake time out. */
SK_API int sk_event_connected(struct sk_events *ev, const struct sk_addr *local,
    const struct sk_addr *peer, double ms, struct sk_error *err);
SK_API int sk_event_eof(struct sk_events *ev, enum sk_side side, uint64_t bytes,
    struct sk_error *err);
SK_API int sk_event_closed(struct sk_events *ev, const struct sk_close_info *ci,
    struct sk_error *err);
SK_API int sk_event_data(struct sk_events *ev, const void *data, size_t n,
    struct sk_error *err);
SK_API int sk_event_exit(struct sk_events *ev, int status, const char *reason,
    struct sk_error *err);
/* The words of the schema: a connect's result for an errno ("ok",
 * "refused", "timeout", "unreachable", "reset", "error"), an errno's
 * name ("ECONNREFUSED"), a side, a way of closing. */
SK_API const char *sk_connect_result(int code);
SK_API const char *sk_errno_name(int code);
SK_API const char *sk_side_name(enum sk_side side);
SK_API const char *sk_close_how_name(enum sk_close_how how);
/* TCP_INFO of a TCP socket's descriptor; -1 on failure. */
SK_API int sk_tcp_info(int fd, struct sk_tcp_stats *out, struct sk_error *err);

/*
 * TLS (tls.c) on OpenSSL 3: the oldest reference's socket.ssl(sock,
 * keyfile, certfile), verified by default.  A context from the options,
 * then a connection per non-blocking descriptor; a call that would block
 * returns with *want set to SK_LOOP_READABLE or SK_LOOP_WRITABLE.
 * Failures are SK_ERR_TLS (socket.sslerror) with OpenSSL's text.
 */
struct sk_tls_opts {
	bool server;
	const char *cert;	/* PEM certificate chain (certfile) */
	const char *key;	/* PEM private key (keyfile) */
	const char *ca;		/* trust these (client); require client
				 * certificates signed by these (server) */
	const char *sni;	/* client: the name to send and verify */
	const char *alpn;	/* comma-separated protocols, or NULL */
	bool insecure;		/* client: go on when verification fails */
	bool resume;		/* server: issue session tickets, so that
				 * clients can resume (off: every
				 * handshake is a full one) */
};

enum sk_tls_verify {
	SK_TLS_VERIFY_OK,
	SK_TLS_VERIFY_EXPIRED,
	SK_TLS_VERIFY_NOT_YET_VALID,
	SK_TLS_VERIFY_SELF_SIGNED,
	SK_TLS_VERIFY_UNTRUSTED,
	SK_TLS_VERIFY_HOSTNAME_MISMATCH,
	SK_TLS_VERIFY_REVOKED,
	SK_TLS_VERIFY_ERROR
};

/* One certificate of the peer's chain, as the tls event reports it. */
struct sk_tls_cert {
	char *subject;		/* RFC 2253 text */
	char *issuer;
	char **san;		/* DNS names and IP addresses */
	size_t nsan;
	char not_before[32];	/* ISO 8601 UTC */
	char not_after[32];
	long long days_left;	/* whole days until not_after; < 0: past */
	char sha256[65];	/* of the DER, lowercase hex */
};

struct sk_tls_info {
	char version[16];	/* "TLSv1.3" */
	char cipher[64];
	char alpn[64];		/* the protocol chosen, "" for none */
	char sni[256];		/* the name sent (client) or received */
	enum sk_tls_verify verify;
	char verify_error[128];	/* OpenSSL's text; "" when verified */
	double handshake_ms;
	struct sk_tls_cert *chain;	/* leaf first */
	size_t chain_len;	/* at most SK_TLS_CHAIN_MAX */
	size_t chain_total;	/* certificates the peer sent: more than
				 * chain_len when the list was capped */
};

#define SK_TLS_CHAIN_MAX	32	/* certificates kept in the chain */

struct sk_tls_ctx;
struct sk_tls;

/* NULL on failure: a file that does not load, a key that does not match
 * its certificate (before any socket is opened), a bad ALPN list. */
SK_API struct sk_tls_ctx *sk_tls_ctx_new(const struct sk_tls_opts *opts,
    struct sk_error *err);
SK_API void sk_tls_ctx_free(struct sk_tls_ctx *ctx);
/* A connection on fd (non-blocking); host is the name a client sends as
 * SNI and verifies (an IP literal is verified, not sent), unless the
 * context has its own.  NULL on failure. */
SK_API struct sk_tls *sk_tls_new(struct sk_tls_ctx *ctx, int fd,
    const char *host, struct sk_error *err);
SK_API void sk_tls_free(struct sk_tls *t);
/* 1 when the handshake is done, 0 when it waits for *want, -1 on
 * failure ("certificate verify failed: REASON" when that was it). */
SK_API int sk_tls_handshake(struct sk_tls *t, int *want, struct sk_error *err);
/* Bytes read, 0 at the peer's close_notify, -1 (EAGAIN and *want set,
 * or another failure). */
SK_API ssize_t sk_tls_read(struct sk_tls *t, void *buf, size_t n, int *want,
    struct sk_error *err);
/* Bytes written (maybe fewer than n), -1 as sk_tls_read. */
SK_API ssize_t sk_tls_write(struct sk_tls *t, const void *buf, size_t n,
    int *want, struct sk_error *err);
/* Decrypted bytes ready to be read without waiting. */
SK_API size_t sk_tls_pending(const struct sk_tls *t);
/* Send close_notify (a half-close: reading may go on): 1 done, 0 waits
 * for *want, -1 on failure. */
SK_API int sk_tls_shutdown(struct sk_tls *t, int *want, struct sk_error *err);
/* The negotiated facts and the peer's chain (allocated: free with
 * sk_tls_info_free).  -1 when out of memory. */
SK_API int sk_tls_get_info(const struct sk_tls *t, struct sk_tls_info *out,
    struct sk_error *err);
SK_API void sk_tls_info_free(struct sk_tls_info *info);
/* The class of an X509_V_* code, and its word ("expired", ...). */
SK_API enum sk_tls_verify sk_tls_verify_class(long code);
SK_API const char *sk_tls_verify_name(enum sk_tls_verify v);
/* The tls event: version, cipher, alpn, sni, verify, verify_error,
 * handshake_ms and the chain.  0, or -1 when the write failed. */
SK_API int sk_event_tls(struct sk_events *ev, const struct sk_tls_info *info,
    struct sk_error *err);
/* The tls event's keys, added to an object being written. */
SK_API void sk_tls_info_json(struct sk_json *j,
    const struct sk_tls_info *info);


/*
 * Many timed connects at once (probe.c), on an sk_loop: each attempt a
 * non-blocking connect (the documented connect_ex) with its own deadline,
 * up to a number in flight, each result classified from the socket's
 * error and timed from just before connect(2) to writable (the first SYN
 * to established).  UDP: one datagram to each address on a connected
 * socket; a reply is open, an ICMP port unreachable closed, silence
 * open|filtered.  A TCP connect that lands on itself (loopback's
 * simultaneous open, local address == peer) is refused, never open.
 */
enum sk_probe_result {
	SK_PROBE_OPEN = 0,	/* connected; UDP: a reply came */
	SK_PROBE_REFUSED,	/* RST (ECONNREFUSED), or a self-connect */
	SK_PROBE_TIMEOUT,	/* no answer before the deadline (TCP) */
	SK_PROBE_UNREACHABLE,	/* ICMP unreachable: net, host, down */
	SK_PROBE_RESET,		/* reset while connecting */
	SK_PROBE_ERROR,		/* any other errno */
	SK_PROBE_CLOSED,	/* UDP: ICMP port unreachable */
	SK_PROBE_OPEN_FILTERED	/* UDP: nothing before the deadline */
};

struct sk_probe_report {
	const struct sk_addr *addr;	/* the address tried */
	size_t id;			/* as given to sk_prober_add */
	enum sk_probe_result result;
	int code;		/* the errno behind the result; 0 for open */
	double ms;		/* from connect(2) to the answer or deadline */
	/* With sk_prober_set_tls, an open TCP port's handshake: */
	int tls;		/* 0: none; 1: done; -1: failed (tls_err) */
	const struct sk_tls_info *tls_info;	/* done: its facts */
	const struct sk_error *tls_err;	/* failed: why (SK_ERR_TIMEOUT
					 * when it passed the deadline) */
};

/* Called once per attempt, always from inside sk_loop_run (also for an
 * attempt that ended at once); it may add more attempts. */
typedef void sk_probe_fn(void *ctx, const struct sk_probe_report *r);

struct sk_prober;
/* socktype SOCK_STREAM or SOCK_DGRAM; jobs: the most in flight (0:
 * SK_PROBE_JOBS).  Returns NULL (SK_ERR_OS, or SK_ERR_VALUE). */
#define SK_PROBE_JOBS 256
SK_API struct sk_prober *sk_prober_new(struct sk_loop *loop, int socktype,
    unsigned int jobs, sk_probe_fn *fn, void *ctx, struct sk_error *err);
/* UDP: the datagram each probe sends (copied; default: empty). */
SK_API int sk_prober_set_payload(struct sk_prober *p, const void *data,
    size_t n, struct sk_error *err);
/* Queue an attempt at addr with a deadline of timeout seconds from its
 * start; it starts at once when fewer than jobs are in flight.  Returns
 * 0, or -1 (SK_ERR_OS, ENOMEM). */
SK_API int sk_prober_add(struct sk_prober *p, const struct sk_addr *addr,
    double timeout, size_t id, struct sk_error *err);
/* Attempts queued or in flight. */
SK_API size_t sk_prober_pending(const struct sk_prober *p);
/* Close every attempt in flight (without a report) and free p. */
SK_API void sk_prober_free(struct sk_prober *p);
/* The result's word: "open", "refused", "timeout", "unreachable",
 * "reset", "error", "closed", "open|filtered". */
SK_API const char *sk_probe_result_name(enum sk_probe_result r);
/* The result of an errno from a TCP connect (0: SK_PROBE_OPEN). */
SK_API enum sk_probe_result sk_probe_classify(int code);
/* Every distinct address HOST resolves to for family and socktype, in
 * the resolver's order, port 0 (an address listed twice is kept once);
 * *ms (may be NULL) gets the lookup's time.  *out is the caller's to
 * free(3).  Returns the count (>= 1), or -1 (SK_ERR_GAIERROR when HOST
 * does not resolve). */
SK_API ssize_t sk_resolve_distinct(const char *host, int family, int socktype,
    struct sk_addr **out, double *ms, struct sk_error *err);

/*
 * A TLS handshake on every open TCP port (probe.c), for probe --tls and
 * ping --tls: from the loop, within the attempt's timeout again, with
 * host as the name to send and verify (NULL: none).  The handshake goes
 * on whatever the verification says, so an expired or untrusted chain is
 * still reported; the report's tls_info->verify says it and the caller
 * judges.  ctx stays the caller's.  Returns 0, or -1 (SK_ERR_VALUE for a
 * UDP prober, SK_ERR_OS ENOMEM).
 */
SK_API int sk_prober_set_tls(struct sk_prober *p, struct sk_tls_ctx *ctx,
    const char *host, struct sk_error *err);

/*
 * Round-trip statistics (stats.c), as ping(8) reports them: count,
 * min/avg/max, mdev (the population standard deviation ping computes
 * from its sums), nearest-rank percentiles and the longest run of lost
 * probes.
 */
struct sk_stats {
	double *v;		/* the answered times, in arrival order */
	size_t n, cap;
	size_t lost;		/* probes with no answer */
	size_t run;		/* lost probes since the last answer */
	size_t longest_run;
	double sum, sumsq;
};

struct sk_stats_summary {
	size_t sent, answered;
	double loss_pct;
	double min, avg, max, mdev;	/* 0 when nothing answered */
	double p50, p90, p99;
	size_t longest_outage;	/* the longest run of lost probes */
};

SK_API void sk_stats_init(struct sk_stats *s);
/* An answer after ms; -1 (SK_ERR_OS, ENOMEM) when memory runs out. */
SK_API int sk_stats_add(struct sk_stats *s, double ms, struct sk_error *err);
/* A probe with no answer. */
SK_API void sk_stats_lost(struct sk_stats *s);
/* The summary so far; s is left as it was. */
SK_API int sk_stats_summary(const struct sk_stats *s,
    struct sk_stats_summary *out, struct sk_error *err);
/* The nearest-rank percentile (0 < pct <= 100) of n values sorted
 * ascending; 0 for n 0. */
SK_API double sk_percentile(const double *sorted, size_t n, double pct);
SK_API void sk_stats_free(struct sk_stats *s);
/*
 * Connecting, listening, proxies and commands for netcat's jobs
 * (connect, listen): see sk_netcat(3).
 */

/* create_connection, with its life as events: a resolved event for
 * the name and a connect event for each attempt. */
struct sk_dial {
	const char *host;
	const char *port;
	int family;		/* AF_UNSPEC, AF_INET or AF_INET6 */
	int socktype;		/* 0: SOCK_STREAM; SOCK_DGRAM connects UDP */
	double timeout;		/* each attempt; SK_TIMEOUT_NONE: none */
	const char *source_host;	/* NULL: any */
	const char *source_port;	/* NULL: any */
	struct sk_events *events;	/* NULL: none */
};
/* Try every address in order; the socket is left in d->timeout's mode.
 * Returns 0, or -1 with the last attempt's error (SK_ERR_GAIERROR when
 * the name did not resolve). */
SK_API int sk_dial(struct sk_socket *s, const struct sk_dial *d,
    struct sk_error *err);

/* sk_listen_addr flags. */
#define SK_LISTEN_REUSEPORT	0x1
#define SK_LISTEN_DGRAM		0x2	/* a bound datagram socket instead */
/* A listening stream socket on addr (non-blocking, close-on-exec,
 * SO_REUSEADDR, IPV6_V6ONLY for IPv6), or with SK_LISTEN_DGRAM a bound
 * datagram socket.  Returns 0 or -1. */
SK_API int sk_listen_addr(struct sk_socket *s,
    const struct sk_addr *addr, int flags, struct sk_error *err);
/* Listening stream sockets on every distinct address HOST resolves to
 * (NULL or "": 0.0.0.0 and ::), one port for all (PORT "0": a free
 * one).  Returns how many (<= max), or -1 with none left open. */
SK_API ssize_t sk_listen_all(struct sk_socket *out, size_t max,
    const char *host, const char *port, int family, int flags,
    struct sk_error *err);
/* A listening AF_UNIX stream socket at path; a stale socket file there
 * (nothing listens) is removed first, a live one is EADDRINUSE. */
SK_API int sk_listen_unix(struct sk_socket *s, const char *path,
    struct sk_error *err);
/* socket(fileno=fd): a socket object over fd itself (not a copy), its
 * family, type and protocol asked of the kernel.  -1 (ENOTSOCK). */
SK_API int sk_socket_adopt(struct sk_socket *s, int fd,
    struct sk_error *err);
/* systemd's socket activation (sd_listen_fds(3)): when LISTEN_PID is
 * our pid, the number of descriptors passed from SK_LISTEN_FDS_START on
 * (made close-on-exec, the variables removed); else 0.  -1 when the
 * variables are malformed (SK_ERR_VALUE). */
#define SK_LISTEN_FDS_START 3
SK_API int sk_listen_fds(struct sk_error *err);

/* A proxy: socks5://[USER:PASS@]HOST:PORT (RFC 1928, RFC 1929) or
 * http://HOST:PORT (CONNECT, RFC 9110 section 9.3.6). */
enum sk_proxy_type {
	SK_PROXY_SOCKS5 = 1,
	SK_PROXY_HTTP
};
struct sk_proxy {
	enum sk_proxy_type type;
	char host[256];		/* the proxy's */
	char port[8];
	bool auth;		/* user and pass given */
	char user[256];
	char pass[256];
};
/* Parse a proxy URL (user and password percent-decoded).  -1
 * (SK_ERR_VALUE) when malformed. */
SK_API int sk_proxy_parse(struct sk_proxy *p, const char *url,
    struct sk_error *err);
/* On s, connected to the proxy, open a tunnel to host and port (a name
 * is resolved by the proxy).  Returns 0, or -1: the proxy refused
 * (SK_ERR_OS, its reason as the message), broke the protocol (EPROTO),
 * or the socket's timeout passed. */
SK_API int sk_proxy_connect(struct sk_socket *s,
    const struct sk_proxy *p, const char *host, unsigned int port,
    struct sk_error *err);
/* The reply parsers, for hostile bytes: 1 when buf holds a complete
 * success reply, 0 when more bytes are needed (*need: at least how many
 * in all; *end: 0), -1 for a refusal or a malformed reply.  *end gets the
 * length of the HTTP reply's header. */
SK_API int sk_socks5_reply(const unsigned char *buf, size_t len,
    size_t *need, struct sk_error *err);
SK_API int sk_http_connect_reply(const char *buf, size_t len, size_t *end,
    struct sk_error *err);

/* A command run for a connection: under /bin/sh -c, a pipe as its
 * stdin (we write in_fd) and one as its stdout (we read out_fd), its
 * stderr ours, with SOCKIT_PEER_HOST, SOCKIT_PEER_PORT,
 * SOCKIT_LOCAL_HOST and SOCKIT_LOCAL_PORT in its environment. */
struct sk_child {
	pid_t pid;		/* -1 once reaped */
	int in_fd;		/* its stdin, to write; close-on-exec */
	int out_fd;		/* its stdout, to read; close-on-exec */
};
/* peer and local may be NULL.  Returns 0, or -1 (nothing left open). */
SK_API int sk_child_spawn(struct sk_child *c, const char *command,
    const struct sk_addr *peer, const struct sk_addr *local,
    struct sk_error *err);
/* Reap it: 1 when it has ended (*status: its exit status, or 128 + the
 * signal that ended it), 0 when it runs on (block false), -1. */
SK_API int sk_child_wait(struct sk_child *c, bool block, int *status,
    struct sk_error *err);
/* Close our ends of its pipes (those still open). */
SK_API void sk_child_close(struct sk_child *c);

/*
 * The relay engine (relay_engine.c): bytes both ways at once between two
 * endpoints, A and B, on an sk_loop, for netcat's jobs (a socket and
 * stdin/stdout, a socket and a child's pipes, two sockets).  Each endpoint
 * is a read and a write descriptor: a socket is the same descriptor for
 * both; stdin/stdout are two.  A direction (A to B, B to A) ends when its
 * source's EOF has been read and every byte read was written: then the
 * destination's write side is shut down (SHUT_WR on a socket, close on a
 * pipe the relay owns).  The relay ends when both directions have ended,
 * or at once on a reset (the other endpoint's socket is then closed with
 * a reset as well), an error or the idle timeout.
 *
 * At most `buffer` bytes wait per direction: a destination that does not
 * take them stops its source being read.  Between two sockets the bytes
 * go through a pipe with splice(2) and never enter user space.  Sockets
 * are made non-blocking; other descriptors keep their mode (a blocking
 * pipe or terminal is read and written only when poll(2) says it is
 * ready), and a descriptor epoll cannot watch (a regular file,
 * /dev/null) is taken as always ready.
 *
 * Relays that share a loop share a group: its pipe pool, its copy buffer
 * and its idle-timeout sweep.
 *
 * An endpoint may be a TLS session (its tls, which the relay frees at the
 * end): the loop drives its handshake before any byte moves either way
 * (on_tls when it is done; a failure ends the relay with the SK_ERR_TLS
 * error), its bytes go through sk_tls_read and sk_tls_write, never
 * splice, and a direction's end sends close_notify, then SHUT_WR, while
 * the other direction reads on.  A reset is still a reset.
 */
enum sk_relay_dir {
	SK_RELAY_A_TO_B = 0,	/* read from A, written to B */
	SK_RELAY_B_TO_A = 1
};

enum sk_relay_who {
	SK_RELAY_END_A = 0,
	SK_RELAY_END_B = 1,
	SK_RELAY_END_SELF = 2	/* the relay: idle timeout, sk_relay_close */
};

struct sk_relay;
struct sk_relay_group;

struct sk_relay_group_config {
	size_t buffer;		/* per direction; 0: 64 KiB (at least 4 KiB) */
	double idle_timeout;	/* seconds without a byte; <= 0: none */
	bool no_splice;		/* always copy through user space */
};

/* Each endpoint's descriptors; closed at the end when close is set. */
struct sk_relay_endpoint {
	int rfd;		/* read from; -1: nothing (its EOF at once) */
	int wfd;		/* written to; -1: the bytes are discarded */
	bool close;		/* the relay owns rfd and wfd */
	struct sk_tls *tls;	/* a TLS session on the socket rfd == wfd
				 * (sk_tls_new), or NULL: see below */
};

struct sk_relay_result {
	enum sk_close_how how;	/* fin: both directions ended with EOF */
	enum sk_relay_who by;	/* who ended it first (the first EOF, the
				 * reset, the failing descriptor) */
	uint64_t bytes[2];	/* per direction: written to its destination
				 * (or given to its data hook) */
	uint64_t unsent[2];	/* per direction: read but never written */
	bool done[2];		/* per direction: ended with EOF, all written */
	double duration_ms;
	struct sk_error error;	/* the reset or error (kind SK_ERR_NONE on
				 * fin, SK_ERR_TIMEOUT on the idle timeout) */
	bool writing;		/* it came from writing to `by`, not reading */
};

/* A direction's data hook: with one, the bytes read from the direction's
 * source go to it instead of to the destination's descriptor, which may
 * then be -1.  It takes them all (writing them blocking if need be) and
 * returns 0, or -1 with err to end the relay with an error (how: error,
 * by: the destination).  At the source's EOF it is called once more
 * with n == 0, to flush what it keeps. */
typedef int sk_relay_data_fn(struct sk_relay *r, enum sk_relay_dir dir,
    const void *data, size_t n, void *arg, struct sk_error *err);
/* A direction ended: its source's EOF was read and everything written,
 * and the destination's write side is shut down.  bytes: as in
 * sk_relay_result. */
typedef void sk_relay_eof_fn(struct sk_relay *r, enum sk_relay_dir dir,
    uint64_t bytes, void *arg);
/* The relay ended.  Called once, before the relay closes its descriptors
 * (so TCP_INFO can still be read); the relay is freed when it returns. */
typedef void sk_relay_done_fn(struct sk_relay *r,
    const struct sk_relay_result *res, void *arg);
/* An endpoint's TLS handshake ended well (the tls event's moment). */
typedef void sk_relay_tls_fn(struct sk_relay *r, enum sk_relay_who end,
    const struct sk_tls *tls, void *arg);

struct sk_relay_config {
	struct sk_relay_endpoint end[2];	/* A and B */
	bool off[2];		/* per direction: ended before it began (a
				 * socket source is shut down SHUT_RD, a
				 * socket destination SHUT_WR) */
	sk_relay_data_fn *on_data[2];	/* per direction, or NULL */
	sk_relay_eof_fn *on_eof;	/* or NULL */
	sk_relay_done_fn *on_done;	/* or NULL */
	sk_relay_tls_fn *on_tls;	/* or NULL */
	void *arg;
	void *data_arg[2];	/* on_data's arg per direction; NULL: arg */
	double handshake_timeout;	/* seconds from sk_relay_new for
					 * every TLS handshake to end; then
					 * the relay ends as on the idle
					 * timeout.  <= 0: no bound */
};

/* A group of relays on loop.  Returns NULL with err on failure. */
SK_API struct sk_relay_group *sk_relay_group_new(struct sk_loop *loop,
    const struct sk_relay_group_config *cfg, struct sk_error *err);
/* Relays still running in the group. */
SK_API size_t sk_relay_group_count(const struct sk_relay_group *g);
/* End every relay now (sk_relay_close on each). */
SK_API void sk_relay_group_close_all(struct sk_relay_group *g,
    enum sk_close_how how);
/* Close every relay (as sk_relay_group_close_all with SK_CLOSE_ERROR)
 * and free the group; the loop stays the caller's. */
SK_API void sk_relay_group_free(struct sk_relay_group *g);

/* Start relaying; the first bytes move once the loop runs.  Returns NULL
 * with err (nothing is closed then: the descriptors stay the caller's). */
SK_API struct sk_relay *sk_relay_new(struct sk_relay_group *g,
    const struct sk_relay_config *cfg, struct sk_error *err);
/* End the relay now: how is SK_CLOSE_TIMEOUT (sockets closed with FIN),
 * SK_CLOSE_RST or SK_CLOSE_ERROR (sockets reset); on_done is called with
 * by SK_RELAY_END_SELF, and r is freed. */
SK_API void sk_relay_close(struct sk_relay *r, enum sk_close_how how);
/* The running counts, as sk_relay_result has them. */
SK_API uint64_t sk_relay_bytes(const struct sk_relay *r,
    enum sk_relay_dir dir);
/* The endpoint's descriptors (for getpeername, TCP_INFO). */
SK_API int sk_relay_fd(const struct sk_relay *r, enum sk_relay_who end,
    bool write);
/* The close event's fields from a result, for a relay whose endpoint
 * peer is the connection's peer (bytes_in are the bytes it sent; by is
 * SK_SIDE_PEER when it ended first); tcp is read from fd when fd is a
 * TCP socket (-1: left out).  ci->peer is left as it is. */
SK_API void sk_relay_close_info(const struct sk_relay_result *res,
    enum sk_relay_who peer, int fd, struct sk_close_info *ci);

/* A data hook that writes a direction's bytes to a terminal by the
 * terminal rule below (sk_tty_escape); its data_arg is a struct
 * sk_relay_tty from sk_relay_tty_new for descriptor fd (NULL: ENOMEM). */
struct sk_relay_tty;
SK_API struct sk_relay_tty *sk_relay_tty_new(int fd, struct sk_error *err);
SK_API void sk_relay_tty_free(struct sk_relay_tty *t);
SK_API int sk_relay_tty_write(struct sk_relay *r, enum sk_relay_dir dir,
    const void *data, size_t n, void *arg, struct sk_error *err);

/*
 * The terminal rule for received data (escape.c): where bytes from the
 * network are the output and it is a terminal, valid UTF-8, TAB, LF and
 * CR LF pass as they are; every other control byte (C0, a lone CR, DEL,
 * C1) and every byte of an invalid UTF-8 sequence becomes \xNN.  A
 * sequence split between two calls is kept in the state until the next.
 */
struct sk_tty_escape {
	unsigned char pend[4];	/* an unfinished UTF-8 sequence, or CR */
	size_t npend;
};
/* Room that out needs for n bytes (pending ones included). */
#define SK_TTY_ESCAPE_MAX(n)	(4 * (size_t)(n) + 16)
SK_API void sk_tty_escape_init(struct sk_tty_escape *st);
/* Escape n bytes of data into out (SK_TTY_ESCAPE_MAX(n) bytes of room);
 * returns the length written (not NUL-terminated).  n == 0 is the end of
 * the stream: what is pending is written out, escaped. */
SK_API size_t sk_tty_escape(struct sk_tty_escape *st, const void *data,
    size_t n, char *out);

/*
 * The port forwarder (forward.c): listens as the echo server does (HOST
 * "" is both families, one port), connects each client to the upstream
 * HOST PORT (every address in order, non-blocking, each attempt bounded
 * by connect_timeout) and relays both ways on the relay engine; an
 * upstream that fails gets the client reset.  Either side may be TLS
 * (tls: terminated from the clients; to_tls: made to upstream), each
 * handshake on the loop once upstream is connected.  With udp, one upstream
 * socket per client address, forgotten after idle_timeout.  A stop
 * closes the listeners and drains open connections for at most drain
 * seconds.
 */
enum sk_forward_event {
	SK_FORWARD_LISTENING,	/* addr: a listening socket */
	SK_FORWARD_ACCEPTED,	/* addr: a client (UDP: a new address) */
	SK_FORWARD_DENIED,	/* addr: refused by the access rules */
	SK_FORWARD_REFUSED,	/* addr: over max_conns, reset */
	SK_FORWARD_CONNECT,	/* an upstream attempt ended: upstream,
				 * attempt, code (0: connected), ms */
	SK_FORWARD_CONNECTED,	/* addr, local: relaying starts; id */
	SK_FORWARD_UPSTREAM_FAILED,	/* addr: no upstream; client reset */
	SK_FORWARD_EOF,		/* id, side (peer: the client's EOF went
				 * upstream; local: upstream's reached the
				 * client), bytes */
	SK_FORWARD_CLOSED,	/* id, closed: how, by, bytes; error */
	SK_FORWARD_FORGOTTEN,	/* addr: a UDP client's socket, idle */
	SK_FORWARD_DRAINING,	/* the stop: listeners closed */
	SK_FORWARD_WARNING,	/* error: e.g. out of descriptors */
	SK_FORWARD_TLS		/* id, side (peer: the client's session,
				 * local: upstream's), tls: a handshake
				 * ended well */
};

struct sk_forward_info {
	enum sk_forward_event event;
	const struct sk_addr *addr;	/* the client, or a listener */
	const struct sk_addr *local;	/* CONNECTED: the client's side */
	const struct sk_addr *upstream;	/* CONNECT */
	unsigned long long id;		/* the connection, from 1 */
	int attempt;
	int code;			/* CONNECT: 0 or the errno */
	double ms;			/* CONNECT: the attempt's time */
	enum sk_side side;		/* EOF */
	uint64_t bytes;			/* EOF */
	const struct sk_close_info *closed;	/* CLOSED */
	const struct sk_error *error;	/* NULL unless it ended in one */
	const struct sk_tls_info *tls;	/* TLS */
};

typedef void sk_forward_event_fn(const struct sk_forward_info *info,
    void *data);

struct sk_forward_config {
	const char *host;	/* NULL or "": all interfaces, both families */
	const char *port;	/* "0": any free port */
	int family;		/* of the listeners: AF_UNSPEC, AF_INET(6) */
	const char *to_host, *to_port;	/* upstream */
	int to_family;
	bool udp;
	unsigned int max_conns;	/* 0: SK_FORWARD_MAX_CONNS */
	double idle_timeout;	/* seconds; <= 0: none (UDP: 60) */
	double connect_timeout;	/* seconds per attempt; <= 0: the kernel's */
	double drain;		/* seconds after a stop */
	size_t buffer;		/* per direction; 0: 64 KiB */
	bool no_splice;
	const struct sk_acl *acl;	/* NULL: anyone */
	struct sk_tls_ctx *tls;		/* a server context: TLS from the
					 * clients, terminated; or NULL */
	struct sk_tls_ctx *to_tls;	/* a client context: TLS to upstream,
					 * verified against to_host */
	double handshake_timeout;	/* seconds for a connection's TLS
					 * handshakes, once upstream is
					 * connected; <= 0:
					 * SK_FORWARD_HANDSHAKE */
	const sigset_t *stop_signals;	/* blocked by the caller, or NULL */
	sk_forward_event_fn *on_event;
	void *data;
};

#define SK_FORWARD_MAX_CONNS	16384
#define SK_FORWARD_UDP_IDLE	60.0
#define SK_FORWARD_HANDSHAKE	10.0	/* seconds */

struct sk_forward;
/* Resolve the upstream, bind and listen (SK_FORWARD_LISTENING for each
 * socket).  NULL with err on failure; nothing is left open. */
SK_API struct sk_forward *sk_forward_new(const struct sk_forward_config *cfg,
    struct sk_error *err);
/* Serve until a stop has drained, or sk_loop failed (-1). */
SK_API int sk_forward_run(struct sk_forward *f, struct sk_error *err);
/* Stop accepting and drain (the loop's thread). */
SK_API void sk_forward_stop(struct sk_forward *f);
/* The port the listeners share. */
SK_API unsigned int sk_forward_port(const struct sk_forward *f);
SK_API void sk_forward_free(struct sk_forward *f);

#ifdef __cplusplus
}
#endif

#endif /* SOCKIT_H */
