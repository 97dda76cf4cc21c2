/*
 * sniff.c - sockit sniff: the reference's raw-socket sniffer made a
 * capture tool.  Options are parsed and checked, the filter compiled
 * (pcap-filter(7)), then the capture (packet(7), or raw(7) with --ip) and
 * privileges dropped (-Z), the output file opened, and only then is
 * the first packet decoded: one line each as `tcpdump -n -tt` prints it,
 * JSON Lines, or a classic pcap file (-w); or, with --flows, one record
 * per conversation when it ends (lib/capture/flow.c), for every open one
 * on SIGUSR1, and for the rest at the end.  On exit, the counts tcpdump
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
	long long count, snaplen, buffer_kib, max_flows;
	double flow_timeout;
	int ip_proto, hex, hex_ascii, ascii, tflag, precision, verbose;
	bool link_hdr, no_promisc, numeric, flows;
	char *expr;
};

/* The options, as the table below fills them. */
static struct opts opt;

static int ip_option(const struct cli_option *, const char *);

static const struct cli_choice precisions[] = {
	{ "micro", 0 }, { "nano", SK_DECODE_NANO }, { NULL, 0 }
};

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
	CLI_COUNT('x', "hex", &opt.hex,
	    "a hex dump of each packet from the network layer on (-xx: "
	    "from the link layer)"),
	CLI_COUNT('X', "hex-ascii", &opt.hex_ascii,
	    "the dump in hex and ASCII (-XX: from the link layer)"),
	CLI_COUNT('A', "ascii", &opt.ascii,
	    "each packet as ASCII text (-AA: from the link layer)"),
	CLI_FLAG('e', "link-header", &opt.link_hdr,
	    "print the link-level header on each line"),
	CLI_COUNT('v', "verbose", &opt.verbose,
	    "the verbose forms of the headers, as tcpdump -v prints them "
	    "(-vv: and what tcpdump -vv adds)"),
	CLI_COUNT('t', "time-stamp", &opt.tflag,
	    "-t: no time stamp; -tt: epoch seconds (default); -ttt: since the "
	    "packet before; -tttt: date and local time; -ttttt: since the "
	    "first"),
	CLI_CHOICE(0, "time-stamp-precision", &opt.precision, "PRECISION",
	    precisions, "time stamps to the micro (default) or nano second"),
	CLI_FLAG(0, "no-promisc", &opt.no_promisc,
	    "leave the interface out of promiscuous mode"),
	CLI_STRING('Z', "user", &opt.user, "USER",
	    "once the capture is open, run as USER (who then creates FILE)"),
	CLI_INT('B', "buffer-size", &opt.buffer_kib, "KIB", 64, 4194304,
	    "the kernel's capture ring, in KiB (default 65536)"),
	CLI_CALL(0, "ip", &opt.ip_proto, "PROTO", ip_option,
	    "the reference's IP-level raw socket for PROTO (tcp, udp, icmp, "
	    "...)"),
	CLI_FLAG(0, "flows", &opt.flows,
	    "one record per flow (connection, or UDP/ICMP 5-tuple) instead "
	    "of a line per packet"),
	CLI_SECONDS(0, "flow-timeout", &opt.flow_timeout, "SECONDS",
	    "--flows: a UDP or ICMP flow ends after SECONDS idle (default "
	    "30; TCP ten times that)"),
	CLI_INT(0, "max-flows", &opt.max_flows, "COUNT", 1, 16777216,
	    "--flows: track at most COUNT flows, evicting the longest idle "
	    "(default 262144)"),
	CLI_OPT_QUIET,
	CLI_OPT_JSON,
	CLI_OPT_END
};

static int main_sniff(int, char **);

const struct cli_command cmd_sniff = {
	"[-i IFACE] [-c COUNT] [-s SNAPLEN] [-w FILE] [-r FILE] [-n] [-e] "
	"[-t...] [-v...] [-x|-X|-A] [--no-promisc] [-Z USER] [--flows "
	"[--flow-timeout SECONDS] [--max-flows COUNT]] [EXPRESSION]",
	"Capture packets with a raw packet socket (AF_PACKET, a TPACKET_V3\n"
	"ring), the interface in promiscuous mode while it runs, and print\n"
	"one line per packet as tcpdump -n -tt does.  EXPRESSION is a\n"
	"pcap-filter(7) expression, run in the kernel.  On exit (COUNT\n"
	"packets, SIGINT, SIGTERM) the counts go to stderr.  --flows: one\n"
	"record per flow instead, when it ends, and for every open flow on\n"
	"SIGUSR1.  Needs the CAP_NET_RAW capability.",
	options,
	main_sniff
};

struct run {
	const struct opts *o;
	struct sk_decoder *dec;
	struct sk_pcap_writer *w;
	struct sk_flow_table *flows;
	struct sk_buf out;
	unsigned long long captured;
	int status;
	bool stop;
};

static volatile sig_atomic_t stop_signal, report_signal;

static void
on_signal(int sig)
{
	if (sig == SIGUSR1)
		report_signal = 1;
	else
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
	if (o->wfile != NULL && (o->hex || o->hex_ascii || o->ascii ||
	    cli_common.json || o->flows))
		return cli_usage("cannot use --write with %s",
		    o->hex ? "--hex" : o->hex_ascii ? "--hex-ascii" :
		    o->ascii ? "--ascii" : o->flows ? "--flows" : "--json");
	if (o->flows && (o->hex || o->hex_ascii || o->ascii))
		return cli_usage("cannot use --flows with %s",
		    o->hex ? "--hex" : o->hex_ascii ? "--hex-ascii" :
		    "--ascii");
	if (!o->flows && (cli_given(&o->flow_timeout) ||
	    cli_given(&o->max_flows)))
		return cli_usage("%s needs --flows",
		    cli_given(&o->flow_timeout) ? "--flow-timeout" :
		    "--max-flows");
	if (o->wfile != NULL && strcmp(o->wfile, "-") == 0 &&
	    isatty(STDOUT_FILENO))
		return cli_usage("--write: refusing to write a capture file "
		    "to a terminal");
	return EXIT_OK;
}

/* The decoder's flags, from tcpdump's letters. */
static int
decode_flags(const struct opts *o)
{
	static const int stamps[] = { 0, SK_DECODE_TIME_NONE, 0,
	    SK_DECODE_TIME_DELTA, SK_DECODE_TIME_DATE, SK_DECODE_TIME_FIRST };
	int f = o->precision;

	if (cli_common.json)
		f |= SK_DECODE_JSON;
	if (o->link_hdr)
		f |= SK_DECODE_LINK_HDR;
	if (o->verbose > 0)
		f |= SK_DECODE_VERBOSE |
		    (o->verbose > 1 ? SK_DECODE_VERBOSE_MORE : 0);
	/* tcpdump counts the t's; past five it prints no time at all. */
	f |= o->tflag < 6 ? stamps[o->tflag] : SK_DECODE_TIME_NONE;
	if (o->hex_ascii > 0)
		f |= SK_DECODE_HEX_ASCII |
		    (o->hex_ascii > 1 ? SK_DECODE_DUMP_LINK : 0);
	else if (o->hex > 0)
		f |= SK_DECODE_HEX | (o->hex > 1 ? SK_DECODE_DUMP_LINK : 0);
	else if (o->ascii > 0)
		f |= SK_DECODE_ASCII | (o->ascii > 1 ? SK_DECODE_DUMP_LINK : 0);
	return f;
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

	if (r->flows != NULL)
		(void)sk_flow_table_add(r->flows, p);
	else if (r->w != NULL) {
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

/* A flow ended (or is reported open): its record into the output. */
static void
on_flow(void *ctx, const struct sk_flow *f)
{
	struct run *r = ctx;

	if (r->stop && r->status != EXIT_OK)
		return;
	if (sk_flow_format(f, cli_common.json ? SK_FLOW_JSON : 0,
	    &r->out) == -1) {
		cli_warn("flows: %s", strerror(errno));
		r->status = EXIT_OSERR;
		r->stop = true;
	} else if (r->out.len > (1u << 20))
		(void)write_out(r);
}

/* SIGUSR1: a record for every open flow. */
static void
report_open(struct run *r)
{
	if (!report_signal || r->flows == NULL)
		return;
	report_signal = 0;
	sk_flow_table_report(r->flows, false);
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
	(void)sigaction(SIGUSR1, &sa, NULL);
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
		report_open(r);
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
	struct timespec now;
	int n;

	while (!r->stop && !stop_signal) {
		n = sk_capture_next(c, 250, on_packet, r, &err);
		if (n < 0) {
			if (err.kind == SK_ERR_OS && err.code == EINTR) {
				report_open(r);
				flush_batch(r);
				continue;
			}
			flush_batch(r);
			return cli_fail("capture", &err);
		}
		/* Flows idle by the clock too, when no packet comes. */
		if (r->flows != NULL &&
		    clock_gettime(CLOCK_REALTIME, &now) == 0)
			sk_flow_table_expire(r->flows, &now);
		report_open(r);
		if (n > 0 || r->out.len > 0)
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

/* After tcpdump's counts: the flows, and those the cap cut short. */
static void
print_flow_stats(struct run *r)
{
	struct sk_flow_stats st;

	sk_flow_table_stats(r->flows, &st);
	(void)fflush(stdout);
	fprintf(stderr, "%llu flow%s, %llu evicted at --max-flows\n",
	    st.flows, st.flows == 1 ? "" : "s", st.evicted);
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
	/* Narrow: nothing is decoded, and FILE is not opened, before this:
	 * as with tcpdump, FILE is created by USER and belongs to it. */
	if (o->user != NULL && sk_drop_privileges(o->user, &err) == -1) {
		status = cli_fail(o->user, &err);
		goto out;
	}
	if (o->wfile != NULL) {
		r.w = sk_pcap_create(o->wfile, linktype, rd != NULL ?
		    sk_pcap_reader_snaplen(rd) : sk_capture_snaplen(cap), &err);
		if (r.w == NULL) {
			status = cli_fail(o->wfile, &err);
			goto out;
		}
	}
	if (o->flows) {
		struct sk_flow_opts fo = { o->flow_timeout,
			(size_t)o->max_flows };

		if ((r.flows = sk_flow_table_new(&fo, on_flow, &r,
		    &err)) == NULL) {
			status = cli_fail("flows", &err);
			goto out;
		}
	} else if (o->wfile == NULL &&
	    (r.dec = sk_decoder_new(decode_flags(o), &err)) == NULL) {
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
	else
		status = capture(&r, cap);
	if (r.flows != NULL) {
		sk_flow_table_report(r.flows, true);
		flush_batch(&r);
	}
	if (cap != NULL && !cli_common.quiet)
		print_stats(&r, cap);
	if (r.flows != NULL && !cli_common.quiet)
		print_flow_stats(&r);
out:
	if (r.w != NULL && sk_pcap_close(r.w, &err) == -1 &&
	    status == EXIT_OK && err.code != EPIPE)
		status = cli_fail(o->wfile, &err);
	sk_capture_close(cap);
	sk_pcap_reader_close(rd);
	sk_filter_free(filter);
	sk_decoder_free(r.dec);
	sk_flow_table_free(r.flows);
	sk_buf_free(&r.out);
	free(o->expr);
	return status;
}
