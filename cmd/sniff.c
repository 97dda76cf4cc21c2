/*
 * sniff.c - sockit sniff: the reference's raw-socket sniffer made a
 * capture tool.  Options are parsed and checked, the filter compiled
 * (pcap-filter(7)), then the capture (packet(7), or raw(7) with --ip) and
 * the output file are opened, privileges dropped (-Z), and only then is
 * the first packet decoded: one line each as `tcpdump -n -tt` prints it,
 * JSON Lines, or a classic pcap file (-w).  On exit, the counts tcpdump
 * gives.  Everything that touches the kernel is in lib/capture/capture.c.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "cli.h"

struct opts {
	const char *iface, *wfile, *rfile, *user;
	long long count, snaplen, buffer_kib;
	int ip_proto;
	bool hex, no_promisc, numeric;
	char *expr;
};

/* The options, as the table below fills them. */
static struct opts opt;

static int ip_option(const struct cli_option *, const char *);

static const struct cli_option options[] = {
	CLI_STRING('i', "interface", &opt.iface, "IFACE",
	    "capture on IFACE ('any': every interface; default any)"),
	CLI_INT('c', "count", &opt.count, "COUNT", 1, LLONG_MAX,
	    "exit after COUNT packets"),
	CLI_INT('s', "snapshot-length", &opt.snaplen, "SNAPLEN", 0, 262144,
	    "keep at most SNAPLEN bytes of each packet (default 262144)"),
	CLI_STRING('w', "write", &opt.wfile, "FILE",
	    "write the packets to FILE, a classic pcap file ('-': stdout)"),
	CLI_STRING('r', "read", &opt.rfile, "FILE",
	    "read packets from FILE (pcap or pcapng) instead"),
	CLI_FLAG('n', "numeric", &opt.numeric,
	    "accepted for tcpdump's sake (-n, -nn): names are never looked up"),
	CLI_FLAG('x', "hex", &opt.hex,
	    "a hex dump of each packet from the network layer on"),
	CLI_FLAG(0, "no-promisc", &opt.no_promisc,
	    "leave the interface out of promiscuous mode"),
	CLI_STRING('Z', "user", &opt.user, "USER",
	    "once the capture and FILE are open, run as USER"),
	CLI_INT('B', "buffer-size", &opt.buffer_kib, "KIB", 64, 4194304,
	    "the kernel's capture ring, in KiB (default 65536)"),
	CLI_CALL(0, "ip", &opt.ip_proto, "PROTO", ip_option,
	    "the reference's IP-level raw socket for PROTO (tcp, udp, icmp, "
	    "...)"),
	CLI_OPT_QUIET,
	CLI_OPT_JSON,
	CLI_OPT_END
};

static int main_sniff(int, char **);

const struct cli_command cmd_sniff = {
	"[-i IFACE] [-c COUNT] [-s SNAPLEN] [-w FILE] [-r FILE] [-n] [-x] "
	"[--no-promisc] [-Z USER] [EXPRESSION]",
	"Capture packets with a raw packet socket (AF_PACKET, a TPACKET_V3\n"
	"ring), the interface in promiscuous mode while it runs, and print\n"
	"one line per packet as tcpdump -n -tt does.  EXPRESSION is a\n"
	"pcap-filter(7) expression, run in the kernel.  On exit (COUNT\n"
	"packets, SIGINT, SIGTERM) the counts go to stderr.  Needs the\n"
	"CAP_NET_RAW capability.",
	options,
	main_sniff
};

struct run {
	const struct opts *o;
	struct sk_decoder *dec;
	struct sk_pcap_writer *w;
	struct sk_buf out;
	unsigned long long captured;
	int status;
	bool stop;
};

static volatile sig_atomic_t stop_signal;

static void
on_signal(int sig)
{
	stop_signal = sig;
}

/* --ip PROTO: a protocol name or number, 1 to 254. */
static int
ip_option(const struct cli_option *co, const char *arg)
{
	struct sk_error err;
	char q[96];
	int proto;

	if (sk_getprotobyname(arg, &proto, &err) == -1) {
		long long n;

		if (sk_parse_integer(arg, 1, 254, &n, NULL) == -1)
			return cli_usage_fail("--ip: %s: not a protocol",
			    cli_quote(arg, strlen(arg), q, sizeof(q)));
		proto = (int)n;
	}
	if (proto <= 0 || proto >= 255)
		return cli_usage_fail("--ip: %s: the IP-level raw socket "
		    "needs a protocol from 1 to 254",
		    cli_quote(arg, strlen(arg), q, sizeof(q)));
	*(int *)co->value = proto;
	return 0;
}

/* The expression: the operands joined by spaces, as tcpdump does. */
static char *
join(int argc, char **argv)
{
	struct sk_buf b = { 0 };
	int i;

	for (i = 0; i < argc; i++)
		if ((i > 0 && sk_buf_putc(&b, ' ') == -1) ||
		    sk_buf_append(&b, argv[i], strlen(argv[i])) == -1) {
			sk_buf_free(&b);
			return NULL;
		}
	if (b.data == NULL && sk_buf_append(&b, "", 0) == -1)
		return NULL;
	return b.data;
}

static int
validate(const struct opts *o)
{
	if (o->rfile != NULL && o->iface != NULL)
		return cli_usage("cannot use --read with --interface");
	if (o->rfile != NULL && o->ip_proto > 0)
		return cli_usage("cannot use --read with --ip");
	if (o->wfile != NULL && (o->hex || cli_common.json))
		return cli_usage("cannot use --write with %s",
		    o->hex ? "--hex" : "--json");
	if (o->wfile != NULL && strcmp(o->wfile, "-") == 0 &&
	    isatty(STDOUT_FILENO))
		return cli_usage("--write: refusing to write a capture file "
		    "to a terminal");
	return EXIT_OK;
}

static int
write_out(struct run *r)
{
	const char *p = r->out.data;
	size_t n = r->out.len;

	while (n > 0) {
		ssize_t w = write(STDOUT_FILENO, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EPIPE)
				cli_warn("write error: %s", strerror(errno));
			r->status = EXIT_OSERR;
			r->stop = true;
			break;
		}
		p += w;
		n -= (size_t)w;
	}
	sk_buf_reset(&r->out);
	return r->stop ? -1 : 0;
}

static int
on_packet(void *ctx, const struct sk_packet *p)
{
	struct run *r = ctx;
	struct sk_error err;

	if (r->w != NULL) {
		if (sk_pcap_write(r->w, p, &err) == -1) {
			r->status = cli_fail(r->o->wfile, &err);
			r->stop = true;
			return 1;
		}
	} else if (sk_decode(r->dec, p, &r->out) == -1) {
		cli_warn("decode: %s", strerror(errno));
		r->status = EXIT_OSERR;
		r->stop = true;
		return 1;
	}
	r->captured++;
	if (r->o->count > 0 && r->captured >= (unsigned long long)r->o->count) {
		r->stop = true;
		return 1;
	}
	return 0;
}

/* Write out what one batch produced: lines, or pcap records. */
static void
flush_batch(struct run *r)
{
	struct sk_error err;

	if (r->w != NULL) {
		if (sk_pcap_flush(r->w, &err) == -1 && !r->stop) {
			if (err.code != EPIPE)
				r->status = cli_fail(r->o->wfile, &err);
			else
				r->status = EXIT_OSERR;
			r->stop = true;
		}
	} else if (r->out.len > 0)
		(void)write_out(r);
}

static void
install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a signal ends the wait for packets. */
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGHUP, &sa, NULL);
}

static const char *
linktype_label(int dlt, char *buf, size_t size)
{
	const char *name = pcap_datalink_val_to_name(dlt);
	const char *desc = pcap_datalink_val_to_description(dlt);

	(void)snprintf(buf, size, "%s (%s)", name != NULL ? name : "?",
	    desc != NULL ? desc : "?");
	return buf;
}

static int
read_file(struct run *r, struct sk_pcap_reader *rd, struct sk_filter *f)
{
	struct sk_packet p;
	struct sk_error err;
	size_t batch = 0;
	int rc;

	while (!r->stop && !stop_signal) {
		if ((rc = sk_pcap_next(rd, &p, &err)) == 0)
			break;
		if (rc == -1) {
			flush_batch(r);
			return cli_fail(r->o->rfile, &err);
		}
		if (f != NULL && sk_filter_run(f, &p) == 0)
			continue;
		(void)on_packet(r, &p);
		if (++batch == 256 || r->out.len > (1u << 20)) {
			flush_batch(r);
			batch = 0;
		}
	}
	flush_batch(r);
	return r->status;
}

static int
capture(struct run *r, struct sk_capture *c)
{
	struct sk_error err;
	int n;

	while (!r->stop && !stop_signal) {
		n = sk_capture_next(c, 250, on_packet, r, &err);
		if (n < 0) {
			if (err.kind == SK_ERR_OS && err.code == EINTR)
				continue;
			flush_batch(r);
			return cli_fail("capture", &err);
		}
		if (n > 0)
			flush_batch(r);
	}
	flush_batch(r);
	return r->status;
}

static void
print_stats(struct run *r, struct sk_capture *c)
{
	struct sk_capture_stats st;
	struct sk_error err;

	if (sk_capture_stats(c, &st, &err) == -1) {
		(void)cli_fail("statistics", &err);
		return;
	}
	(void)fflush(stdout);
	fprintf(stderr, "%llu packet%s captured\n"
	    "%llu packet%s received by filter\n"
	    "%llu packet%s dropped by kernel\n",
	    r->captured, r->captured == 1 ? "" : "s",
	    (unsigned long long)st.received, st.received == 1 ? "" : "s",
	    (unsigned long long)st.dropped, st.dropped == 1 ? "" : "s");
}

/* A capture that could not open: name the capability when that is why. */
static int
open_failed(const char *what, const struct sk_error *err)
{
	if (err->kind == SK_ERR_VALUE) {
		/* The filter cannot run there: a usage error. */
		(void)cli_fail(what, err);
		return EXIT_USAGE;
	}
	return cli_fail_raw(what, "capturing", err);
}

static int
main_sniff(int argc, char **argv)
{
	struct opts *o = &opt;
	struct run r;
	struct sk_error err;
	struct sk_filter *filter = NULL;
	struct sk_capture *cap = NULL;
	struct sk_pcap_reader *rd = NULL;
	struct sk_capture_opts co;
	const char *iface;
	char label[128];
	int first, status, linktype;

	first = cli_parse(argc, argv);
	if (o->snaplen == 0 && cli_given(&o->snaplen))
		o->snaplen = SK_SNAPLEN_DEFAULT;
	if ((status = validate(o)) != EXIT_OK)
		return status;
	if ((o->expr = join(argc - first, argv + first)) == NULL) {
		cli_warn("%s", strerror(ENOMEM));
		return EXIT_OSERR;
	}
	memset(&r, 0, sizeof(r));
	r.o = o;
	iface = o->iface != NULL ? o->iface : "any";

	/* Validate: the link type, then the filter for it. */
	if (o->rfile != NULL) {
		if ((rd = sk_pcap_open(o->rfile, &err)) == NULL) {
			free(o->expr);
			return cli_fail(o->rfile, &err);
		}
		linktype = sk_pcap_reader_linktype(rd);
	} else if (o->ip_proto > 0)
		linktype = DLT_RAW;
	else if ((linktype = sk_capture_linktype_for(iface, &err)) == -1) {
		free(o->expr);
		return cli_fail(iface, &err);
	}
	if (o->expr[0] != '\0' || o->rfile == NULL) {
		filter = sk_filter_compile(o->expr, linktype, o->snaplen > 0 ?
		    (unsigned int)o->snaplen : SK_SNAPLEN_DEFAULT, &err);
		if (filter == NULL) {
			sk_pcap_reader_close(rd);
			free(o->expr);
			if (err.kind == SK_ERR_VALUE)
				return cli_usage("%s", err.message);
			return cli_fail("filter", &err);
		}
	}

	/* Acquire: the capture, then the output file. */
	if (rd == NULL) {
		memset(&co, 0, sizeof(co));
		co.ifname = iface;
		co.snaplen = (unsigned int)o->snaplen;
		co.promisc = !o->no_promisc;
		co.ring_size = (size_t)o->buffer_kib * 1024;
		co.ip_proto = o->ip_proto;
		co.filter = filter;
		if ((cap = sk_capture_open(&co, &err)) == NULL) {
			status = open_failed(iface, &err);
			goto out;
		}
	}
	if (o->wfile != NULL) {
		r.w = sk_pcap_create(o->wfile, linktype, rd != NULL ?
		    sk_pcap_reader_snaplen(rd) : sk_capture_snaplen(cap), &err);
		if (r.w == NULL) {
			status = cli_fail(o->wfile, &err);
			goto out;
		}
	}
	/* Narrow: nothing is decoded before this. */
	if (o->user != NULL && sk_drop_privileges(o->user, &err) == -1) {
		status = cli_fail(o->user, &err);
		goto out;
	}
	if (o->wfile == NULL &&
	    (r.dec = sk_decoder_new((o->hex ? SK_DECODE_HEX : 0) |
	    (cli_common.json ? SK_DECODE_JSON : 0), &err)) == NULL) {
		status = cli_fail("decoder", &err);
		goto out;
	}
	install_signals();
	if (!cli_common.quiet) {
		(void)fflush(stdout);
		if (rd != NULL)
			fprintf(stderr, "reading from file %s, link-type %s, "
			    "snapshot length %u\n", o->rfile, linktype_label(
			    linktype, label, sizeof(label)),
			    sk_pcap_reader_snaplen(rd));
		else
			fprintf(stderr, "listening on %s, link-type %s, "
			    "snapshot length %u bytes\n", iface,
			    linktype_label(linktype, label, sizeof(label)),
			    sk_capture_snaplen(cap));
	}
	/* Run. */
	if (rd != NULL)
		status = read_file(&r, rd, o->expr[0] != '\0' ? filter : NULL);
	else {
		status = capture(&r, cap);
		if (!cli_common.quiet)
			print_stats(&r, cap);
	}
out:
	if (r.w != NULL && sk_pcap_close(r.w, &err) == -1 &&
	    status == EXIT_OK && err.code != EPIPE)
		status = cli_fail(o->wfile, &err);
	sk_capture_close(cap);
	sk_pcap_reader_close(rd);
	sk_filter_free(filter);
	sk_decoder_free(r.dec);
	sk_buf_free(&r.out);
	free(o->expr);
	return status;
}
