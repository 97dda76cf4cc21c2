/*
 * udp_common.c - the pieces sockit's udp-send and udp-listen share: a
 * datagram as the reference prints it (Python's "%s" of an address tuple
 * and of a bytes object) or as a JSON Lines object (RFC 8259), output in
 * one write per batch, and the monotonic clock (clock_gettime(2)).
 */
#include <sys/stat.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "udp.h"

const char *
udp_addr(const struct sk_addr *a, char *buf, size_t size)
{
	/* As Python 3.7 and later print a peer: no '%eth0' in the host. */
	(void)sk_addr_format_noscope(a, buf, size);
	return buf;
}

int
udp_format(struct sk_buf *out, struct sk_json *j, bool json,
    const char *prefix, const char *event, const struct sk_dgram *d,
    const char *extra_key, double extra_ms)
{
	char addr[SK_ADDRSTRLEN];
	size_t need, n;

	if (json) {
		sk_json_begin(j);
		sk_json_str(j, "event", event);
		sk_json_addr(j, "peer", &d->peer);
		sk_json_uint(j, "bytes", d->wire_len);
		sk_json_bytes(j, d->data, d->len);
		sk_json_bool(j, "truncated", d->len < d->wire_len);
		if (extra_key != NULL)
			sk_json_double(j, extra_key, extra_ms);
		if (sk_json_end(j) == -1)
			return -1;
		return sk_buf_append(out, j->buf.data, j->buf.len);
	}
	(void)udp_addr(&d->peer, addr, sizeof(addr));
	if (sk_buf_printf(out, "%s %s: ", prefix, addr) == -1)
		return -1;
	/* repr(bytes) needs at most 4 bytes a byte, the b'' and a NUL. */
	need = 4 * d->len + 4;
	if (sk_buf_reserve(out, need + 1) == -1)
		return -1;
	n = sk_bytes_repr(d->data, d->len, out->data + out->len, need);
	out->len += n;
	return sk_buf_putc(out, '\n');
}

int
udp_flush(struct sk_buf *out)
{
	if (out->len > 0 &&
	    fwrite(out->data, 1, out->len, stdout) != out->len) {
		sk_buf_reset(out);
		return -1;
	}
	sk_buf_reset(out);
	return fflush(stdout) == EOF || ferror(stdout) ? -1 : 0;
}

bool
udp_stdout_discarded(void)
{
	struct stat st, null;

	return fstat(STDOUT_FILENO, &st) == 0 && S_ISCHR(st.st_mode) &&
	    stat("/dev/null", &null) == 0 && S_ISCHR(null.st_mode) &&
	    st.st_rdev == null.st_rdev;
}

double
udp_now(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
