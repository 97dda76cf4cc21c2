/*
 * udp.h - what sockit's two UDP commands (udp_send.c, udp_listen.c) share:
 * a datagram's line in the reference's format or as a JSON Lines object,
 * the clock, and knowing when output goes nowhere.
 */
#ifndef SOCKIT_UDP_H
#define SOCKIT_UDP_H

#include <stdbool.h>
#include <stddef.h>

#include "sockit.h"

/*
 * Append one datagram to out: "PREFIX ADDR: b'...'\n", the reference's
 * "Got message from %s: %s" with Python's repr() of the address tuple
 * and of the bytes; or with json, {"event":EVENT,"peer":..,"bytes":..,
 * "data":..,"data_b64":..,"truncated":..}.  extra_key/extra_ms add one
 * number to the JSON object when extra_key is not NULL.  Returns -1 when
 * memory runs out.
 */
int udp_format(struct sk_buf *out, struct sk_json *j, bool json,
    const char *prefix, const char *event, const struct sk_dgram *d,
    const char *extra_key, double extra_ms);
/* Write out to stdout and flush it; returns -1 on a write error. */
int udp_flush(struct sk_buf *out);
/* Whether stdout is /dev/null, where formatting would be wasted. */
bool udp_stdout_discarded(void);
/* Seconds on the monotonic clock. */
double udp_now(void);
/* The address as Python prints a socket address tuple, into buf. */
const char *udp_addr(const struct sk_addr *a, char *buf, size_t size);

#endif /* SOCKIT_UDP_H */
