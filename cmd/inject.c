/*
 * inject.c - sockit inject: the reference's raw-socket sender made real.
 * Ethernet frames, written as hex digits on the command line or read from
 * a pcap or pcapng file, are sent as they are on one interface through an
 * AF_PACKET socket (lib/capture/inject.c): in batches as fast as the
 * interface takes them, or paced to --rate frames a second.  A frame the
 * interface cannot carry is reported and skipped; the counts go to stderr
 * on exit.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pcap/pcap.h>

#include "cli.h"

#define BATCH		64
#define FRAME_MAX	(256u << 10)	/* a capture file's largest packet */

struct opts {
	const char *iface, *rfile;
	long long count;
	double rate;
};

/* The options, as the table below fills them. */
static struct opts opt = { .count = 1 };

static const struct cli_option options[] = {
	CLI_STRING('i', "interface", &opt.iface, "IFACE",
	    "send on IFACE (required)"),
	CLI_INT('c', "count", &opt.count, "COUNT", 1, LLONG_MAX,
	    "send the frames (or the file) COUNT times (default 1)"),
	CLI_SECONDS_POS(0, "rate", &opt.rate, "PPS",
	    "at most PPS frames a second (default: as fast as IFACE takes)"),
	CLI_PATH('r', "read", &opt.rfile, "FILE",
	    "send every frame of FILE (pcap or pcapng, Ethernet)"),
	CLI_OPT_VERBOSE,
	CLI_OPT_QUIET,
	CLI_OPT_JSON,
	CLI_OPT_END
};

static int main_inject(int, char **);

const struct cli_command cmd_inject = {
	"-i IFACE [-c COUNT] [--rate PPS] [-r FILE | HEX...]",
	"Send Ethernet frames as they are on IFACE through a raw packet\n"
	"socket (AF_PACKET, SOCK_RAW), as the reference's raw-socket example\n"
	"does: each HEX argument is one frame, hex digits with spaces or\n"
	"colons between bytes; or with -r, every frame of a capture file.\n"
	"A frame longer than IFACE's MTU and an Ethernet header is reported\n"
	"and skipped.  On exit the counts go to stderr.  Needs the\n"
	"CAP_NET_RAW capability.",
	options,
	main_inject
};

/* A batch of frames waiting to go, copied into one arena. */
struct run {
	const struct opts *o;
	struct sk_inject *in;
	struct sk_frame frames[BATCH];
	size_t nframes;
	unsigned char *arena;
	size_t arena_used, arena_size;
	size_t batch;		/* frames per send: smaller when paced */
	struct timespec start;
	unsigned long long seen, sent, bytes, skipped;
	int status;
};

static volatile sig_atomic_t stop_signal;

static void
on_signal(int sig)
{
	stop_signal = sig;
}

static void
print_json(struct sk_json *j)
{
	if (sk_json_end(j) == 0)
		(void)fwrite(j->buf.data, 1, j->buf.len, stdout);
	sk_json_free(j);
}

/* Wait until frame number seen is due at the rate asked for. */
static void
pace(struct run *r)
{
	double due = (double)r->seen / r->o->rate;
	struct timespec t = r->start;
	double whole = (double)(long long)due;

	t.tv_sec += (time_t)whole;
	t.tv_nsec += (long)((due - whole) * 1e9);
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	while (stop_signal == 0 && clock_nanosleep(CLOCK_MONOTONIC,
	    TIMER_ABSTIME, &t, NULL) == EINTR)
		continue;
}

/* Send what is batched; -1 when sending failed (reported). */
static int
flush(struct run *r)
{
	struct sk_error err;
	size_t done = 0, i;

	while (done < r->nframes) {
		ssize_t n = sk_inject_send(r->in, r->frames + done,
		    r->nframes - done, &err);

		if (n < 0) {
			if (err.code == EINTR && stop_signal != 0)
				break;
			r->status = cli_fail(r->o->iface, &err);
			r->nframes = 0;
			r->arena_used = 0;
			return -1;
		}
		for (i = done; i < done + (size_t)n; i++)
			r->bytes += r->frames[i].len;
		r->sent += (unsigned long long)n;
		done += (size_t)n;
	}
	r->nframes = 0;
	r->arena_used = 0;
	return 0;
}

/* Check one frame and add it to the batch; -1 to stop. */
static int
add_frame(struct run *r, const unsigned char *data, size_t len)
{
	struct sk_error err;
	struct sk_json j = { 0 };

	r->seen++;
	if (sk_inject_check(r->in, data, len, &err) == -1) {
		r->skipped++;
		r->status = EXIT_OSERR;
		if (cli_common.json) {
			sk_json_begin(&j);
			sk_json_str(&j, "event", "skipped");
			sk_json_uint(&j, "frame", r->seen);
			sk_json_uint(&j, "bytes", len);
			sk_json_str(&j, "reason", err.message);
			print_json(&j);
		}
		cli_warn("frame %llu: %s: skipped", r->seen, err.message);
		return 0;
	}
	if (cli_common.verbose)
		cli_warn("frame %llu: %zu bytes", r->seen, len);
	if (r->nframes == r->batch || r->arena_used + len > r->arena_size)
		if (flush(r) == -1)
			return -1;
	if (r->o->rate > 0 && r->nframes == 0)
		pace(r);
	if (stop_signal != 0 || data == NULL)
		return -1;
	memcpy(r->arena + r->arena_used, data, len);
	r->frames[r->nframes].data = r->arena + r->arena_used;
	r->frames[r->nframes].len = len;
	r->arena_used += len;
	r->nframes++;
	return 0;
}

/* The HEX arguments, each parsed before anything is sent. */
static int
parse_frames(int argc, char **argv, struct sk_frame *f)
{
	struct sk_error err;
	unsigned char *buf;
	char q[96];
	ssize_t n;
	int i;

	for (i = 0; i < argc; i++) {
		size_t len = strlen(argv[i]);

		if ((buf = malloc(len / 2 + 1)) == NULL) {
			cli_warn("%s", strerror(ENOMEM));
			return EXIT_OSERR;
		}
		n = sk_frame_parse_hex(argv[i], len, buf, len / 2 + 1, &err);
		if (n < 0) {
			free(buf);
			return cli_usage("%s: %s",
			    cli_quote(argv[i], len, q, sizeof(q)),
			    err.message);
		}
		f[i].data = buf;
		f[i].len = (size_t)n;
	}
	return EXIT_OK;
}

static void
send_args(struct run *r, const struct sk_frame *f, int n)
{
	long long round;
	int i;

	for (round = 0; round < r->o->count; round++)
		for (i = 0; i < n; i++)
			if (add_frame(r, f[i].data, f[i].len) == -1)
				return;
}

static void
send_file(struct run *r)
{
	struct sk_pcap_reader *rd;
	struct sk_packet p;
	struct sk_error err;
	long long round;
	int rc;

	for (round = 0; round < r->o->count; round++) {
		if ((rd = sk_pcap_open(r->o->rfile, &err)) == NULL) {
			r->status = cli_fail(r->o->rfile, &err);
			return;
		}
		while ((rc = sk_pcap_next(rd, &p, &err)) == 1)
			if (add_frame(r, p.data, p.caplen) == -1)
				break;
		sk_pcap_reader_close(rd);
		if (rc == -1) {
			r->status = cli_fail(r->o->rfile, &err);
			return;
		}
		if (rc == 1)
			return;
	}
}

/* A file that is not Ethernet is refused before the socket opens. */
static int
check_file(const char *path)
{
	struct sk_pcap_reader *rd;
	struct sk_error err;
	const char *name;
	int lt;

	if ((rd = sk_pcap_open(path, &err)) == NULL)
		return cli_fail(path, &err);
	lt = sk_pcap_reader_linktype(rd);
	sk_pcap_reader_close(rd);
	if (lt == DLT_EN10MB)
		return EXIT_OK;
	name = sk_linktype_name(lt);
	cli_warn("%s: link type %d (%s), not Ethernet: only Ethernet frames "
	    "can be sent", path, lt, name != NULL ? name : "unknown");
	return EXIT_OSERR;
}

static void
summary(const struct run *r)
{
	struct sk_json j = { 0 };

	if (cli_common.json) {
		sk_json_begin(&j);
		sk_json_str(&j, "event", "summary");
		sk_json_uint(&j, "frames", r->sent);
		sk_json_uint(&j, "bytes", r->bytes);
		sk_json_uint(&j, "skipped", r->skipped);
		print_json(&j);
	}
	(void)fflush(stdout);
	if (!cli_common.quiet)
		fprintf(stderr, "%llu frame%s sent, %llu byte%s\n", r->sent,
		    r->sent == 1 ? "" : "s", r->bytes,
		    r->bytes == 1 ? "" : "s");
}

static int
main_inject(int argc, char **argv)
{
	const struct opts *o = &opt;
	struct run r;
	struct sk_error err;
	struct sk_frame *f = NULL;
	struct sigaction sa;
	int first, nargs, status, i;

	first = cli_parse(argc, argv);
	nargs = argc - first;
	if (o->iface == NULL)
		return cli_usage("an interface is required (-i IFACE)");
	if (o->rfile != NULL && nargs > 0)
		return cli_usage("cannot use --read with HEX frames");
	if (o->rfile == NULL && nargs == 0)
		return cli_usage("nothing to send: HEX frames or --read FILE");
	if (nargs > 0) {
		if ((f = calloc((size_t)nargs, sizeof(*f))) == NULL) {
			cli_warn("%s", strerror(ENOMEM));
			return EXIT_OSERR;
		}
		if ((status = parse_frames(nargs, argv + first, f)) !=
		    EXIT_OK)
			goto out;
	} else if ((status = check_file(o->rfile)) != EXIT_OK)
		return status;

	memset(&r, 0, sizeof(r));
	r.o = o;
	r.batch = BATCH;
	if (o->rate > 0 && o->rate < 1000.0 * BATCH)
		r.batch = o->rate >= 1000.0 ? (size_t)(o->rate / 1000.0) : 1;
	if ((r.in = sk_inject_open(o->iface, &err)) == NULL) {
		status = cli_fail_raw(o->iface, "sending", &err);
		goto out;
	}
	r.arena_size = (size_t)BATCH * (sk_inject_mtu(r.in) + 18u);
	if (r.arena_size > (size_t)BATCH * FRAME_MAX)
		r.arena_size = (size_t)BATCH * FRAME_MAX;
	if ((r.arena = malloc(r.arena_size)) == NULL) {
		cli_warn("%s", strerror(ENOMEM));
		sk_inject_close(r.in);
		status = EXIT_OSERR;
		goto out;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	(void)sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)clock_gettime(CLOCK_MONOTONIC, &r.start);

	if (f != NULL)
		send_args(&r, f, nargs);
	else
		send_file(&r);
	if (r.nframes > 0)
		(void)flush(&r);
	summary(&r);
	status = r.status;
	free(r.arena);
	sk_inject_close(r.in);
out:
	for (i = 0; f != NULL && i < nargs; i++)
		free((void *)f[i].data);
	free(f);
	return status;
}
