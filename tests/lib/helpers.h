/*
 * helpers.h - what the libsockit C tests share besides TAP (tap.h): the
 * clock, a descriptor count, a byte stream to send and check, address
 * formatting for comparisons, loopback sockets bound to port 0, and a
 * verified round trip through an echo.  Linked into every test program.
 *
 * Waits in the tests are bounded by PATIENCE, which only a hang exceeds;
 * a check that something took "about" some time has only a lower bound
 * that the kernel guarantees and an upper bound of SLOW_MAX, which a
 * loaded machine under valgrind stays far below and a timeout in the
 * wrong unit (or none at all) does not.
 */
#ifndef SOCKIT_TEST_HELPERS_H
#define SOCKIT_TEST_HELPERS_H

#include <stdbool.h>
#include <stddef.h>

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

#define PATIENCE	10.0	/* seconds to wait for what should happen */
#define SLOW_MAX	5.0	/* seconds a short timeout may take at most */

struct sk_addr;
struct sk_socket;

/* CLOCK_MONOTONIC in seconds. */
double	now(void);
/* Sleep ms milliseconds, through EINTR. */
void	sleep_ms(long ms);
/* The descriptors this process has open (from /proc/self/fd), or -1. */
int	count_fds(void);

/* Byte i of a test stream that is not periodic in 256; fill() writes n
 * bytes of it from offset off. */
unsigned char	pattern(size_t i);
void	fill(unsigned char *p, size_t n, size_t off);

/* sk_addr_format into one of four static buffers, used in turn: up to
 * four results can stand in one call. */
const char	*addr_str(const struct sk_addr *a);

/*
 * A socket of type (SOCK_STREAM: listening, backlog 8; SOCK_DGRAM) bound
 * to host port 0, in the family of host (IPv6 when it has a colon); its
 * address in *where.  Returns -1 after reporting a failure.
 */
int	bound_socket(struct sk_socket *s, int type, const char *host,
	    struct sk_addr *where);
/* Connect c to host port (any family) with the timeout PATIENCE.
 * Returns false after reporting a failure. */
bool	tcp_client(struct sk_socket *c, const char *host, const char *port);
/* Send n bytes of the stream (from offset off) through c and read as many
 * back: true when they are the same bytes. */
bool	round_trip(struct sk_socket *c, size_t n, size_t off);

#endif /* SOCKIT_TEST_HELPERS_H */
