/*
 * tap.h - a tiny Test Anything Protocol (TAP version 12) producer for the
 * libsockit tests, in the manner of Perl's Test::More: each check prints
 * "ok N - name" or "not ok N - name" on stdout, with the got/expected
 * detail of a failure on stderr as "# " comment lines, and done_testing()
 * prints the plan "1..N" last.
 *
 * One check knows libsockit: is_err() compares a struct sk_error.
 * Not thread-safe: call it from the main thread only.
 */
#ifndef SOCKIT_TAP_H
#define SOCKIT_TAP_H

#include <stdbool.h>
#include <stddef.h>

#define TAP_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* Pass when cond is true.  Returns cond. */
bool	ok(bool cond, const char *fmt, ...) TAP_PRINTF(2, 3);
/* Pass when got == want; print both otherwise.  Returns whether it passed. */
bool	is_int(long long got, long long want, const char *fmt, ...)
	    TAP_PRINTF(3, 4);
/* Pass when the strings are equal (NULL equals only NULL). */
bool	is_str(const char *got, const char *want, const char *fmt, ...)
	    TAP_PRINTF(3, 4);
/* Pass when the byte strings have the same length and bytes; a failure
 * shows the first difference. */
bool	is_mem(const void *got, size_t gotlen, const void *want,
	    size_t wantlen, const char *fmt, ...) TAP_PRINTF(5, 6);
/*
 * Pass when err has this kind and code and, unless message is NULL, this
 * message.  code ANY_CODE matches any code.
 */
#define ANY_CODE (-1000000)
struct sk_error;
bool	is_err(const struct sk_error *err, int kind, int code,
	    const char *message, const char *fmt, ...) TAP_PRINTF(5, 6);
/* A passing test marked "# SKIP why". */
void	skip(const char *fmt, ...) TAP_PRINTF(1, 2);
/* A "# " comment on stderr (after flushing stdout), as Test::More does. */
void	diag(const char *fmt, ...) TAP_PRINTF(1, 2);
/* Print the plan "1..N"; returns the exit status for main: 0 when every
 * test passed and at least one ran, else 1. */
int	done_testing(void);

#endif /* SOCKIT_TAP_H */
