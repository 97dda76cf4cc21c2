/*
 * num.c - numbers from the command line and from configuration, parsed
 * strictly, in the spirit of OpenBSD's strtonum(3): integers in a range,
 * ports (a number or a service name) and seconds, with an error for
 * anything else (where atoi would quietly return 0).
 * Every other file that reads a number or a port uses these; the
 * printers' hot paths write theirs with sk__utoa.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockit-int.h"

int
sk_parse_integer(const char *text, long long min, long long max,
    long long *out, struct sk_error *err)
{
	const char *p = text;
	unsigned long long mag = 0;
	bool neg = false, any = false, overflow = false;
	char msg[SK_ERRMSG_MAX];

	if (*p == '-') {
		neg = true;
		p++;
	}
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		for (p += 2; isxdigit((unsigned char)*p); p++) {
			unsigned d = (unsigned)(isdigit((unsigned char)*p) ?
			    *p - '0' : (tolower((unsigned char)*p) - 'a' + 10));

			if (mag > (ULLONG_MAX - d) / 16)
				overflow = true;
			else
				mag = mag * 16 + d;
			any = true;
		}
	} else {
		for (; isdigit((unsigned char)*p); p++) {
			unsigned d = (unsigned)(*p - '0');

			if (mag > (ULLONG_MAX - d) / 10)
				overflow = true;
			else
				mag = mag * 10 + d;
			any = true;
		}
	}
	/* Junk after the digits is invalid, even after too many digits. */
	if (!any || *p != '\0')
		return sk_error_set(err, SK_ERR_VALUE, EINVAL,
		    "invalid number");
	if (overflow)
		goto range;
	if (neg) {
		if (mag > (unsigned long long)LLONG_MAX + 1)
			goto range;
		*out = mag == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN :
		    -(long long)mag;
	} else {
		if (mag > (unsigned long long)LLONG_MAX)
			goto range;
		*out = (long long)mag;
	}
	if (*out < min || *out > max)
		goto range;
	return 0;
range:
	(void)snprintf(msg, sizeof(msg), "out of range (%lld to %lld)", min,
	    max);
	return sk_error_set(err, SK_ERR_VALUE, ERANGE, msg);
}

/*
 * A port is decimal digits (no sign, no 0x: what getaddrinfo(3) and nc
 * take as a number) or a service name looked up in services(5).
 */
int
sk_parse_port(const char *text, const char *proto, unsigned int *out,
    struct sk_error *err)
{
	long long v;
	int port;

	if (*text == '\0')
		return sk_error_set(err, SK_ERR_VALUE, EINVAL, "empty port");
	if (isdigit((unsigned char)text[0]) || text[0] == '+' ||
	    text[0] == '-') {
		if (text[strspn(text, "0123456789")] != '\0')
			return sk_error_set(err, SK_ERR_VALUE, EINVAL,
			    "invalid number");
		if (sk_parse_integer(text, 0, 65535, &v, err) == -1)
			return -1;
		*out = (unsigned int)v;
		return 0;
	}
	if (sk_getservbyname(text, proto, &port, err) == -1)
		return -1;
	*out = (unsigned int)port;
	return 0;
}

int
sk_parse_seconds(const char *text, double *out, struct sk_error *err)
{
	const char *p;
	int digits = 0, dots = 0;
	double v;

	for (p = text; *p != '\0'; p++) {
		if (isdigit((unsigned char)*p))
			digits++;
		else if (*p == '.')
			dots++;
		else
			return sk_error_set(err, SK_ERR_VALUE, EINVAL,
			    "invalid number of seconds");
	}
	if (digits == 0 || dots > 1)
		return sk_error_set(err, SK_ERR_VALUE, EINVAL,
		    "invalid number of seconds");
	errno = 0;
	v = strtod(text, NULL);
	if (errno != 0 || !isfinite(v) || v > 1e9)
		return sk_error_set(err, SK_ERR_VALUE, ERANGE,
		    "out of range (0 to 1000000000 seconds)");
	*out = v;
	return 0;
}

size_t
sk__utoa(unsigned long long v, char out[SK__UTOA_MAX])
{
	char t[SK__UTOA_MAX];
	size_t i = sizeof(t);

	do {
		t[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	memcpy(out, t + i, sizeof(t) - i);
	return sizeof(t) - i;
}
