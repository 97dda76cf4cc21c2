/*
 * events.c - a connection's life as JSON Lines events: resolved, connect,
 * connected, eof, closed (with the kernel's TCP_INFO at close) and exit,
 * one schema for every TCP subcommand, written to one sink.
 *
 * A sink is a descriptor (stdout for --json, a file or /dev/fd/N for
 * --events); each event is one line written with as many write(2) calls
 * as it takes, so lines are never interleaved with other writers that
 * also write whole lines.  Keys follow tcp(7)'s struct tcp_info for the
 * "tcp" object; errno names are glibc's strerrorname_np(3).
 */
#include <sys/stat.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "sockit-int.h"

void
sk_events_init(struct sk_events *ev)
{
	ev->fd = -1;
	ev->owned = false;
	ev->failed = false;
}

int
sk_events_open(struct sk_events *ev, const char *path, struct sk_error *err)
{
	int fd;

	sk_events_init(ev);
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY,
	    0666);
	if (fd == -1)
		return sk_error_set(err, SK_ERR_OS, errno, NULL);
	ev->fd = fd;
	ev->owned = true;
	return 0;
}

void
sk_events_use_fd(struct sk_events *ev, int fd)
{
	sk_events_init(ev);
	ev->fd = fd;
}

void
sk_events_close(struct sk_events *ev)
{
	if (ev->owned && ev->fd != -1)
		(void)close(ev->fd);
	sk_events_init(ev);
}

bool
sk_events_on(const struct sk_events *ev)
{
	return ev != NULL && ev->fd != -1;
}

void
sk_event_begin(struct sk_json *j, const char *event)
{
	memset(j, 0, sizeof(*j));
	sk_json_begin(j);
	sk_json_str(j, "event", event);
}

int
sk_event_emit(struct sk_events *ev, struct sk_json *j, struct sk_error *err)
{
	const char *p;
	size_t left;
	ssize_t n;
	int rc = 0;

	if (sk_json_end(j) == -1) {
		sk_json_free(j);
		return sk_error_set(err, SK_ERR_OS, ENOMEM, NULL);
	}
	if (!sk_events_on(ev) || ev->failed) {
		sk_json_free(j);
		return 0;
	}
	p = j->buf.data;
	left = j->buf.len;
	while (left > 0) {
		n = write(ev->fd, p, left);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* A sink that fails once is not written again. */
			ev->failed = true;
			rc = sk_error_set(err, SK_ERR_OS, n == 0 ? EIO : errno,
			    NULL);
			break;
		}
		p += n;
		left -= (size_t)n;
	}
	sk_json_free(j);
	return rc;
}

const char *
sk_errno_name(int code)
{
	const char *name = strerrorname_np(code);

	return name != NULL ? name : "EUNKNOWN";
}

const char *
sk_connect_result(int code)
{
	switch (code) {
	case 0:
		return "ok";
	case ECONNREFUSED:
		return "refused";
	case ETIMEDOUT:
		return "timeout";
	case ENETUNREACH:
	case EHOSTUNREACH:
	case ENETDOWN:
	case EHOSTDOWN:
		return "unreachable";
	case ECONNRESET:
	case ECONNABORTED:
	case EPIPE:
		return "reset";
	default:
		return "error";
	}
}

const char *
sk_side_name(enum sk_side side)
{
	return side == SK_SIDE_LOCAL ? "local" : "peer";
}

const char *
sk_close_how_name(enum sk_close_how how)
{
	switch (how) {
	case SK_CLOSE_FIN:
		return "fin";
	case SK_CLOSE_RST:
		return "rst";
	case SK_CLOSE_TIMEOUT:
		return "timeout";
	case SK_CLOSE_ERROR:
	default:
		return "error";
	}
}

int
sk_tcp_info(int fd, struct sk_tcp_stats *out, struct sk_error *err)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(out, 0, sizeof(*out));
	memset(&ti, 0, sizeof(ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == -1)
		return sk_error_set(err, SK_ERR_OS, errno, NULL);
	out->rtt_ms = ti.tcpi_rtt / 1000.0;
	out->rttvar_ms = ti.tcpi_rttvar / 1000.0;
	out->retransmits = ti.tcpi_total_retrans;
	out->lost = ti.tcpi_lost;
	out->pmtu = ti.tcpi_pmtu;
	return 0;
}

int
sk_event_resolved(struct sk_events *ev, const char *host,
    const struct sk_addr *addrs, size_t n, double ms, struct sk_error *err)
{
	struct sk_json j;
	size_t i;

	if (!sk_events_on(ev))
		return 0;
	sk_event_begin(&j, "resolved");
	sk_json_str(&j, "host", host);
	sk_json_array(&j, "addresses");
	for (i = 0; i < n; i++)
		sk_json_addr(&j, NULL, &addrs[i]);
	sk_json_close_array(&j);
	sk_json_double(&j, "ms", ms);
	return sk_event_emit(ev, &j, err);
}

int
sk_event_connect(struct sk_events *ev, const struct sk_addr *addr,
    int attempt, int code, double ms, struct sk_error *err)
{
	struct sk_json j;

	if (!sk_events_on(ev))
		return 0;
	sk_event_begin(&j, "connect");
	sk_json_addr(&j, "address", addr);
	sk_json_int(&j, "attempt", attempt);
	sk_json_str(&j, "result", sk_connect_result(code));
	if (code != 0)
		sk_json_str(&j, "errno", sk_errno_name(code));
	sk_json_double(&j, "ms", ms);
	return sk_event_emit(ev, &j, err);
}

int
sk_event_connected(struct sk_events *ev, const struct sk_addr *local,
    const struct sk_addr *peer, double ms, struct sk_error *err)
{
	struct sk_json j;

	if (!sk_events_on(ev))
		return 0;
	sk_event_begin(&j, "connected");
	if (local != NULL)
		sk_json_addr(&j, "local", local);
	sk_json_addr(&j, "peer", peer);
	if (ms >= 0)
		sk_json_double(&j, "ms", ms);
	return sk_event_emit(ev, &j, err);
}

int
sk_event_eof(struct sk_events *ev, enum sk_side side, uint64_t bytes,
    struct sk_error *err)
{
	struct sk_json j;

	if (!sk_events_on(ev))
		return 0;
	sk_event_begin(&j, "eof");
	sk_json_str(&j, "side", sk_side_name(side));
	sk_json_uint(&j, "bytes", bytes);
	return sk_event_emit(ev, &j, err);
}

int
sk_event_closed(struct sk_events *ev, const struct sk_close_info *ci,
    struct sk_error *err)
{
	struct sk_json j;

	if (!sk_events_on(ev))
		return 0;
	sk_event_begin(&j, "closed");
	sk_json_addr(&j, "peer", &ci->peer);
	sk_json_str(&j, "how", sk_close_how_name(ci->how));
	sk_json_str(&j, "by", sk_side_name(ci->by));
	sk_json_uint(&j, "bytes_in", ci->bytes_in);
	sk_json_uint(&j, "bytes_out", ci->bytes_out);
	sk_json_uint(&j, "bytes", ci->bytes_in);
	sk_json_double(&j, "duration_ms", ci->duration_ms);
	if (ci->have_tcp) {
		sk_json_object(&j, "tcp");
		sk_json_double(&j, "rtt_ms", ci->tcp.rtt_ms);
		sk_json_double(&j, "rttvar_ms", ci->tcp.rttvar_ms);
		sk_json_uint(&j, "retransmits", ci->tcp.retransmits);
		sk_json_uint(&j, "lost", ci->tcp.lost);
		sk_json_uint(&j, "pmtu", ci->tcp.pmtu);
		sk_json_close_object(&j);
	}
	return sk_event_emit(ev, &j, err);
}

int
sk_event_data(struct sk_events *ev, const void *data, size_t n,
    struct sk_error *err)
{
	struct sk_json j;

	if (!sk_events_on(ev))
		return 0;
	sk_event_begin(&j, "data");
	sk_json_uint(&j, "bytes", n);
	sk_json_bytes(&j, data, n);
	return sk_event_emit(ev, &j, err);
}

int
sk_event_exit(struct sk_events *ev, int status, const char *reason,
    struct sk_error *err)
{
	struct sk_json j;

	if (!sk_events_on(ev))
		return 0;
	sk_event_begin(&j, "exit");
	sk_json_int(&j, "status", status);
	sk_json_str(&j, "reason", reason != NULL ? reason : "");
	return sk_event_emit(ev, &j, err);
}
