/*
 * probe.c - sockit probe: is it up?  Every distinct address of HOST times
 * every port of PORTS (numbers, service names, ranges 1-1024 and comma
 * lists, in any mix), each tried with a non-blocking connect (the
 * documented connect_ex; RFC 9293's handshake) up to --jobs at once, each
 * within -w.  Results print in address, then port order, each as soon as
 * every result before it is known.  --wait retries every --interval
 * until every port is open on some address or the total deadline
 * passes; -u sends a datagram instead (RFC 768): a reply is open, an ICMP
 * port unreachable closed, silence open|filtered.  --tls goes on to a
 * TLS handshake (RFC 8446) on each open port and reports its certificate
 * chain: a certificate-expiry check for scripts.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bsd/stdlib.h>
#include <bsd/string.h>

#include "cli.h"

#define JOBS_MAX	65536
#define NPORTS		65536

struct opts {
	bool udp;
	double timeout, wait, interval;
	long long jobs;
	const char *events;
};

/* The options, as the table below fills them (-4/-6, -w, -v, -q and
 * --json into cli_common; the timeout copied here after parsing). */
static struct opts opt = { .wait = -1, .interval = 0.2,
	.jobs = SK_PROBE_JOBS };

static const struct cli_option options[] = {
	CLI_OPT_IPV4("probe IPv4 addresses only"),
	CLI_OPT_IPV6("probe IPv6 addresses only"),
	CLI_FLAG('u', "udp", &opt.udp,
	    "probe UDP: open, closed or open|filtered"),
	CLI_SECONDS_POS('w', "timeout", &cli_common.timeout, "SECONDS",
	    "give each attempt SECONDS to answer (default 2)"),
	CLI_SECONDS(0, "wait", &opt.wait, "SECONDS",
	    "retry until every port is open, for SECONDS in all"),
	CLI_SECONDS(0, "interval", &opt.interval, "SECONDS",
	    "--wait: SECONDS between rounds (default 0.2)"),
	CLI_INT(0, "jobs", &opt.jobs, "N", 1, JOBS_MAX,
	    "at most N attempts at once (default 256)"),
	CLI_PATH(0, "events", &opt.events, "FILE",
	    "write the events as JSON Lines to FILE"),
	CLI_OPT_TLS("TLS handshake on each open port; report its "
	    "certificates"),
	CLI_OPT_VERBOSE,
	CLI_OPT_QUIET,
	CLI_OPT_JSON,
	CLI_OPT_END
};

static int main_probe(int, char **);

const struct cli_command cmd_probe = {
	"[-4|-6] [-u] [-w SECONDS] [--wait SECONDS] [--interval SECONDS]\n"
	"    [--jobs N] [--tls [TLS OPTION]...] [--events FILE | --json]\n"
	"    HOST PORTS...",
	"Try every address of HOST on every port of PORTS (numbers, service\n"
	"names, ranges such as 1-1024 and comma lists) and print one line\n"
	"per (address, port) in that order: open, refused, timeout,\n"
	"unreachable or reset, and the milliseconds it took.  Exit 0 when\n"
	"every port is open on some address, 4 when none was refused but\n"
	"some timed out (or --wait ran out), 1 otherwise, 3 when HOST does\n"
	"not resolve.  --tls: a TLS handshake on each open port, its\n"
	"certificate reported; exit 6 when one failed or did not verify.",
	options,
	main_probe
};

/* One (address, port) pair's latest result. */
struct slot {
	double ms;
	int code;
	uint8_t result;		/* enum sk_probe_result */
	bool known;
	uint16_t attempts;
	int8_t tls;		/* as sk_probe_report's tls */
	bool tls_bad;		/* failed, or did not verify */
	char *tls_line;		/* the certificate line, or NULL */
	char *tls_warning;	/* the stderr message, or NULL */
	struct sk_json *tls_event;	/* the tls event to emit, or NULL */
};

struct probe {
	const struct opts *o;
	struct sk_loop *loop;
	struct sk_prober *p;
	struct sk_tls_ctx *tls;	/* --tls, or NULL */
	struct sk_events ev;
	struct sk_addr *addrs;
	size_t naddrs;
	uint16_t *ports;	/* ascending, distinct */
	size_t nports;
	struct slot *slots;	/* naddrs * nports, address-major */
	size_t total;
	size_t next;		/* the next pair of this round to queue */
	size_t printed;		/* pairs printed so far, in order */
	unsigned char *port_open;	/* per port index: open somewhere */
	int round;
	bool round_over;	/* round_done ran for this round */
	double deadline;	/* --wait: loop ms when it runs out */
	bool ran_out, failed;
	bool judged;		/* the results decided the exit status */
	struct sk_error err;
};

/* One port: a number 1..65535 or a service name of proto. */
static int
one_port(const char *text, size_t len, const char *proto, unsigned int *out)
{
	char buf[64];
	struct sk_error err;

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, text, len);
	buf[len] = '\0';
	if (sk_parse_port(buf, proto, out, &err) == -1 || *out == 0)
		return -1;
	return 0;
}

/* Mark the ports of one PORTS argument: comma-separated items, each a
 * port or a range LOW-HIGH of ports (a service name with a '-' in it is
 * taken as a name first). */
static int
parse_ports(const char *arg, const char *proto, unsigned char *want)
{
	const char *item = arg, *end, *dash;
	unsigned int lo, hi, p;
	char q[80];

	for (;;) {
		end = strchr(item, ',');
		if (end == NULL)
			end = item + strlen(item);
		if (one_port(item, (size_t)(end - item), proto, &lo) == 0) {
			hi = lo;
		} else if ((dash = memchr(item, '-', (size_t)(end - item)))
		    == NULL || one_port(item, (size_t)(dash - item), proto,
		    &lo) == -1 || one_port(dash + 1, (size_t)(end - dash - 1),
		    proto, &hi) == -1 || hi < lo) {
			return cli_usage("PORTS: bad port or range %s (a port "
			    "is 1 to 65535 or a service name; a range "
			    "LOW-HIGH)", cli_quote(item, (size_t)(end - item),
			    q, sizeof(q)));
		}
		for (p = lo; p <= hi; p++)
			want[p] = 1;
		if (*end == '\0')
			return EXIT_OK;
		item = end + 1;
	}
}

static int
validate(struct opts *o, int nargs, char **args, struct probe *pr)
{
	unsigned char *want;
	size_t p;
	int i, status = EXIT_OK;

	o->timeout = cli_common.timeout < 0 ? 2 : cli_common.timeout;
	if (nargs < 2)
		return cli_usage("expected HOST and PORTS");
	if (cli_common.json && o->events != NULL)
		return cli_usage("cannot use --json with --events");
	if (cli_given(&o->interval) && !cli_given(&o->wait))
		return cli_usage("--interval needs --wait");
	if (cli_tls.on && o->udp)
		return cli_usage("cannot use --tls with -u");
	if ((want = calloc(NPORTS, 1)) == NULL ||
	    (pr->ports = calloc(NPORTS, sizeof(*pr->ports))) == NULL) {
		free(want);
		cli_warn("ports: %s", strerror(ENOMEM));
		return EXIT_OSERR;
	}
	for (i = 1; i < nargs && status == EXIT_OK; i++)
		status = parse_ports(args[i], o->udp ? "udp" : "tcp", want);
	for (p = 1; p < NPORTS; p++)
		if (want[p])
			pr->ports[pr->nports++] = (uint16_t)p;
	free(want);
	if (status == EXIT_OK)
		status = cli_tls_context(false, &pr->tls);
	return status;
}

static const char *
text_of(const struct sk_addr *a, char *buf, size_t size)
{
	(void)sk_addr_format_noscope(a, buf, size);
	return buf;
}

/* Forget slot s's TLS facts (a new attempt, or the end). */
static void
tls_forget(struct slot *s)
{
	free(s->tls_line);
	free(s->tls_warning);
	if (s->tls_event != NULL)
		sk_json_free(s->tls_event);
	free(s->tls_event);
	s->tls_line = s->tls_warning = NULL;
	s->tls_event = NULL;
	s->tls = 0;
	s->tls_bad = false;
}

/* Keep what slot s prints of report r's handshake: the certificate line,
 * the tls event, and a failure's message. */
static void
tls_keep(struct probe *pr, struct slot *s, const struct sk_probe_report *r)
{
	const struct sk_tls_info *info = r->tls_info;
	char q[300];
	bool ok;

	s->tls = (int8_t)r->tls;
	if (r->tls == -1) {
		s->tls_warning = strdup(r->tls_err->message);
		s->tls_bad = r->tls_err->kind != SK_ERR_TIMEOUT;
		if (s->tls_warning != NULL &&
		    asprintf(&s->tls_line, "tls failed: %s", s->tls_warning) ==
		    -1)
			s->tls_line = NULL;
		return;
	}
	if (r->tls != 1)
		return;
	ok = info->verify == SK_TLS_VERIFY_OK;
	s->tls_bad = !ok && !cli_tls.o.insecure;
	if (!ok && asprintf(&s->tls_warning, "certificate verify failed: %s",
	    info->verify_error) == -1)
		s->tls_warning = NULL;
	if (info->chain_len > 0)
		(void)cli_quote(info->chain[0].subject,
		    strlen(info->chain[0].subject), q, sizeof(q));
	else
		strlcpy(q, "no certificate", sizeof(q));
	if (asprintf(&s->tls_line, "tls %s verify %s, %s, %lld days left",
	    info->version, sk_tls_verify_name(info->verify), q,
	    info->chain_len > 0 ? info->chain[0].days_left : 0LL) == -1)
		s->tls_line = NULL;
	if (!sk_events_on(&pr->ev) ||
	    (s->tls_event = malloc(sizeof(*s->tls_event))) == NULL)
		return;
	sk_event_begin(s->tls_event, "tls");
	sk_json_addr(s->tls_event, "address", r->addr);
	sk_tls_info_json(s->tls_event, info);
}

static void
print_result(struct probe *pr, size_t i)
{
	const struct slot *s = &pr->slots[i];
	struct sk_addr a = pr->addrs[i / pr->nports];
	char text[SK_ADDRSTRLEN];
	struct sk_json j;

	sk_addr_set_port(&a, pr->ports[i % pr->nports]);
	if (sk_events_on(&pr->ev)) {
		sk_event_begin(&j, "probe");
		sk_json_addr(&j, "address", &a);
		sk_json_str(&j, "result", sk_probe_result_name(s->result));
		if (s->code != 0)
			sk_json_str(&j, "errno", sk_errno_name(s->code));
		sk_json_double(&j, "ms", s->ms);
		if (pr->o->wait >= 0)
			sk_json_int(&j, "attempts", s->attempts);
		if (s->tls == -1 && s->tls_warning != NULL)
			sk_json_str(&j, "tls_error", s->tls_warning);
		if (sk_event_emit(&pr->ev, &j, &pr->err) == -1)
			pr->failed = true;
	}
	if (s->tls_event != NULL &&
	    sk_event_emit(&pr->ev, s->tls_event, &pr->err) == -1)
		pr->failed = true;
	if (!cli_common.json) {
		(void)sk_addr_format_noscope(&a, text, sizeof(text));
		(void)printf("%s %s %.3f ms\n", text,
		    sk_probe_result_name(s->result), s->ms);
		if (s->tls_line != NULL)
			(void)printf("  %s\n", s->tls_line);
	}
	if (s->tls_warning != NULL && (s->tls_bad || !cli_common.quiet))
		cli_warn("%s: %s", text_of(&a, text, sizeof(text)),
		    s->tls_warning);
}

/* Print what the order allows: every known result from the cursor on. */
static void
print_ready(struct probe *pr)
{
	size_t from = pr->printed;

	while (pr->printed < pr->total && pr->slots[pr->printed].known)
		print_result(pr, pr->printed++);
	/* The lines that became printable together go out together. */
	if (pr->printed > from && fflush(stdout) == EOF && errno == EPIPE)
		sk_loop_stop(pr->loop);
}

/* Whether pair i is tried in this round: every pair in the first; in
 * later ones, those whose port is open on no address yet. */
static bool
wanted(const struct probe *pr, size_t i)
{
	return pr->round == 1 || !pr->port_open[i % pr->nports];
}

static double
attempt_timeout(const struct probe *pr)
{
	double left;

	if (pr->o->wait < 0)
		return pr->o->timeout;
	left = (pr->deadline - (double)sk_loop_now(pr->loop)) / 1000;
	if (left < 0.001)
		left = 0.001;
	return left < pr->o->timeout ? left : pr->o->timeout;
}

/* Queue the next wanted pair of this round, if any. */
static void
queue_next(struct probe *pr)
{
	struct sk_addr a;

	while (pr->next < pr->total && !wanted(pr, pr->next))
		pr->next++;
	if (pr->next >= pr->total || pr->failed)
		return;
	a = pr->addrs[pr->next / pr->nports];
	sk_addr_set_port(&a, pr->ports[pr->next % pr->nports]);
	pr->next++;
	if (sk_prober_add(pr->p, &a, attempt_timeout(pr), pr->next - 1,
	    &pr->err) == -1) {
		pr->failed = true;
		sk_loop_stop(pr->loop);
	}
}

static bool
all_open(const struct probe *pr)
{
	size_t k;

	for (k = 0; k < pr->nports; k++)
		if (!pr->port_open[k])
			return false;
	return true;
}

static void start_round(struct probe *pr);

static long long
on_interval(struct sk_loop *loop, long long id, void *data)
{
	(void)loop;
	(void)id;
	start_round(data);
	return -1;
}

/* The round ended: done, or another after --interval. */
static void
round_done(struct probe *pr)
{
	double left, ms;

	if (pr->round_over)
		return;
	pr->round_over = true;
	if (pr->o->wait < 0 || all_open(pr)) {
		sk_loop_stop(pr->loop);
		return;
	}
	left = pr->deadline - (double)sk_loop_now(pr->loop);
	ms = pr->o->interval * 1000;
	if (left <= 0 || left <= ms) {
		pr->ran_out = true;
		sk_loop_stop(pr->loop);
		return;
	}
	if (sk_loop_timer_add(pr->loop, (long long)ms, on_interval, pr,
	    &pr->err) == -1) {
		pr->failed = true;
		sk_loop_stop(pr->loop);
	}
}

static void
on_report(void *ctx, const struct sk_probe_report *r)
{
	struct probe *pr = ctx;
	struct slot *s = &pr->slots[r->id];

	s->result = (uint8_t)r->result;
	s->code = r->code;
	s->ms = r->ms;
	s->known = true;
	s->attempts++;
	tls_forget(s);
	tls_keep(pr, s, r);
	if (r->result == SK_PROBE_OPEN)
		pr->port_open[r->id % pr->nports] = 1;
	if (pr->o->wait >= 0) {
		/* Each attempt is an event of the connection schema. */
		if (sk_event_connect(&pr->ev, r->addr, s->attempts,
		    r->result == SK_PROBE_OPEN ? 0 : r->code != 0 ? r->code :
		    ETIMEDOUT, r->ms, &pr->err) == -1)
			pr->failed = true;
		if (cli_common.verbose)
			cli_warn("attempt %d: port %u %s", s->attempts,
			    sk_addr_port(r->addr),
			    sk_probe_result_name(r->result));
	} else {
		print_ready(pr);
	}
	queue_next(pr);
	if (sk_prober_pending(pr->p) == 0)
		round_done(pr);
}

static void
start_round(struct probe *pr)
{
	unsigned int k;

	pr->round++;
	pr->round_over = false;
	pr->next = 0;
	for (k = 0; k < (unsigned int)pr->o->jobs && pr->next < pr->total;
	    k++)
		queue_next(pr);
	if (sk_prober_pending(pr->p) == 0)
		round_done(pr);
}

/* The exit status the results give. */
static int
verdict(const struct probe *pr)
{
	bool refused = false, timedout = false;
	size_t i;

	for (i = 0; i < pr->total; i++)
		if (pr->slots[i].tls_bad)
			return EXIT_TLS;
	if (all_open(pr)) {
		/* A handshake that timed out is the only failure left. */
		for (i = 0; i < pr->total; i++)
			if (pr->slots[i].tls == -1)
				return EXIT_TIMEOUT;
		return EXIT_OK;
	}
	if (pr->ran_out)
		return EXIT_TIMEOUT;
	for (i = 0; i < pr->total; i++) {
		switch (pr->slots[i].result) {
		case SK_PROBE_REFUSED:
		case SK_PROBE_CLOSED:
			refused = true;
			break;
		case SK_PROBE_TIMEOUT:
		case SK_PROBE_OPEN_FILTERED:
			timedout = true;
			break;
		default:
			break;
		}
	}
	return !refused && timedout ? EXIT_TIMEOUT : EXIT_OSERR;
}

static int
run(struct probe *pr, const char *host)
{
	const struct opts *o = pr->o;
	ssize_t n;
	double ms;

	n = sk_resolve_distinct(host, cli_common.family, o->udp ? SOCK_DGRAM :
	    SOCK_STREAM, &pr->addrs, &ms, &pr->err);
	if (n == -1)
		return cli_fail(host, &pr->err);
	pr->naddrs = (size_t)n;
	(void)sk_event_resolved(&pr->ev, host, pr->addrs, pr->naddrs, ms,
	    NULL);
	pr->total = pr->naddrs * pr->nports;
	if ((pr->slots = calloc(pr->total, sizeof(*pr->slots))) == NULL ||
	    (pr->port_open = calloc(pr->nports, 1)) == NULL) {
		(void)sk_error_set(&pr->err, SK_ERR_OS, ENOMEM, NULL);
		return cli_fail("results", &pr->err);
	}
	/* A descriptor per attempt in flight, and a few besides. */
	cli_raise_nofile((unsigned long long)o->jobs + 64);
	if ((pr->loop = sk_loop_new(&pr->err)) == NULL ||
	    (pr->p = sk_prober_new(pr->loop, o->udp ? SOCK_DGRAM :
	    SOCK_STREAM, (unsigned int)o->jobs, on_report, pr, &pr->err))
	    == NULL ||
	    (pr->tls != NULL && sk_prober_set_tls(pr->p, pr->tls, host,
	    &pr->err) == -1))
		return cli_fail("probe", &pr->err);
	/* Buffered, and flushed by print_ready as results become known: a
	 * line a write(2) would cost more than the probe itself. */
	(void)setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	pr->deadline = (double)sk_loop_now(pr->loop) + o->wait * 1000;
	start_round(pr);
	if (sk_prober_pending(pr->p) > 0 || o->wait >= 0)
		if (sk_loop_run(pr->loop, &pr->err) == -1)
			return cli_fail("probe", &pr->err);
	if (pr->failed)
		return cli_fail("probe", &pr->err);
	if (o->wait >= 0) {
		for (pr->printed = 0; pr->printed < pr->total; pr->printed++)
			print_result(pr, pr->printed);
		if (pr->ran_out && !cli_common.quiet)
			cli_warn("%s: not every port open after %g seconds",
			    host, o->wait);
	}
	pr->judged = true;
	return verdict(pr);
}

static int
main_probe(int argc, char **argv)
{
	struct opts *o = &opt;
	struct probe pr = { 0 };
	const char *why;
	size_t i;
	int first, status;

	pr.o = o;
	sk_events_init(&pr.ev);
	first = cli_parse(argc, argv);
	status = validate(o, argc - first, argv + first, &pr);
	if (status == EXIT_OK && o->events != NULL &&
	    sk_events_open(&pr.ev, o->events, &pr.err) == -1)
		status = cli_fail(o->events, &pr.err);
	if (status == EXIT_OK) {
		if (cli_common.json)
			sk_events_use_fd(&pr.ev, STDOUT_FILENO);
		status = run(&pr, argv[first]);
		why = status == EXIT_OK ? "every port open" :
		    status == EXIT_TLS ? "a TLS handshake failed" :
		    pr.ran_out ? "--wait ran out" :
		    status == EXIT_TIMEOUT ? "timed out" :
		    status == EXIT_OSERR && pr.judged ?
		    "not every port open" : NULL;
		if (why != NULL)
			cli_reason("%s", why);
		/* --json: the dispatcher writes the exit event. */
		if (!cli_common.json)
			(void)sk_event_exit(&pr.ev, status, why != NULL ? why :
			    "failed", NULL);
	}
	sk_prober_free(pr.p);
	sk_loop_free(pr.loop);
	sk_events_close(&pr.ev);
	sk_tls_ctx_free(pr.tls);
	for (i = 0; pr.slots != NULL && i < pr.total; i++)
		tls_forget(&pr.slots[i]);
	free(pr.addrs);
	free(pr.ports);
	free(pr.slots);
	free(pr.port_open);
	if (fflush(stdout) == EOF && errno != EPIPE && status == EXIT_OK)
		status = EXIT_OSERR;
	return status;
}
