/*
 * sockit-int.h - libsockit's private header: what the library's files
 * share with one another and with nobody else.
 *
 * Every file of lib/ includes this header instead of sockit.h.  What is
 * declared here is not part of the API: it is not installed, it has no
 * SK_API marker (so the shared library does not export it), its names
 * start with "sk__", and it may change with any commit.  cmd/ and
 * programs built on the library use sockit.h alone.
 */
#ifndef SOCKIT_INT_H
#define SOCKIT_INT_H

#include "sockit.h"

/*
 * Errors (error.c): shorthands for the commonest failures; each returns
 * -1, as sk_error_set does.
 */
/* SK_ERR_OS ENOMEM. */
int sk__no_memory(struct sk_error *err);
/* SK_ERR_VALUE EINVAL "argument must not be NULL". */
int sk__null_argument(struct sk_error *err);
#ifdef __clang_analyzer__
/* The static analyzer sees one file at a time: tell it the result. */
#define sk__no_memory(err)	(sk__no_memory(err), -1)
#define sk__null_argument(err)	(sk__null_argument(err), -1)
#endif
/* Copy the string src into buf whole, or fail (SK_ERR_VALUE ERANGE "buffer
 * too small", buf left empty): a result is never truncated. */
int sk__copy_out(char *buf, size_t size, const char *src,
    struct sk_error *err);
/*
 * The code of an SK_ERR_OS error that has only a message, as CPython raises
 * OSError("service/proto not found") with errno None.
 */
#define SK__NO_ERRNO 0

/* V in decimal at OUT, no NUL; returns the digits' count (num.c).  A
 * printf-free path for printers that write millions of numbers. */
#define SK__UTOA_MAX 20
size_t sk__utoa(unsigned long long v, char out[SK__UTOA_MAX]);

/* The value of a hex digit, either case, or -1 (bytes.c). */
int sk__hex_digit(int c);

/*
 * Services and protocols (netdb.c).
 */
/* Make *bufp, of *sizep bytes, twice as big for another try of a
 * getservbyname_r(3)-style call that said ERANGE.  Returns -1 (SK_ERR_OS:
 * ERANGE past 1 MiB, or ENOMEM), *bufp left as it was. */
int sk__grow_buffer(char **bufp, size_t *sizep, struct sk_error *err);

/*
 * Pipes for splice(2) (pipes.c): a pool of idle non-blocking pipes per
 * event loop.
 */
#define SK__PIPE_POOL	32	/* idle pipes a pool keeps */
struct sk__pipe_pool {
	int fds[SK__PIPE_POOL][2];
	size_t n;
	size_t size;		/* F_SETPIPE_SZ for new pipes; 0: as made */
};
void sk__pipe_pool_init(struct sk__pipe_pool *p, size_t size);
/* A pipe into fds from the pool, or a new one; false (fds -1) when none
 * can be had. */
bool sk__pipe_get(struct sk__pipe_pool *p, int fds[2]);
/* fds back to the pool (closed when left bytes wait in it, or the pool
 * is full); fds become -1.  Nothing when fds[0] is -1. */
void sk__pipe_put(struct sk__pipe_pool *p, int fds[2], size_t left);
/* Close every pipe in the pool. */
void sk__pipe_pool_drain(struct sk__pipe_pool *p);

/*
 * Capture (lib/capture/).
 */
struct bpf_program;
/* The program libpcap compiled for f (pcapfile.c), for capture.c to
 * attach to a socket with SO_ATTACH_FILTER. */
const struct bpf_program *sk__filter_program(const struct sk_filter *f);

/*
 * TLS (lib/tls/).
 */
/* Let the handshake of client connection t finish whatever verification
 * says; the result is still kept for sk_tls_get_info (probe --tls reports
 * an expired certificate's facts instead of stopping at it). */
void sk__tls_verify_later(struct sk_tls *t);
/* A wait a TLS call asked for (its *want): the readiness it lacks is
 * cleared, so the caller calls again once the loop reports it. */
void sk__tls_wait(int want, bool *can_read, bool *can_write);

#endif /* SOCKIT_INT_H */
