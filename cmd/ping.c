/*
 * ping.c - sockit ping: a TCP ping that needs no echo server.  Each probe
 * times a connect (the documented connect_ex; RFC 9293's handshake, from
 * the first SYN to established) to PORT and closes it; a refusal is an
 * answer too (the host is up), silence within -w is a lost probe.  One
 * line per probe, then the summary ping(8) users read (loss, min/avg/max/
 * mdev) with percentiles and the longest outage, one per family when HOST
 * has both, at COUNT, on SIGINT or SIGTERM.  --tls times a TLS handshake
 * (RFC 8446) after each connect as well, and sums those times up too.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define COUNT_MAX	1000000000LL
#define TARGETS		2	/* one address per family */

struct opts {
	long long count;	/* 0: until interrupted */
	double interval, timeout;
	const char *events, *host;
	struct cli_port port;
};

/* The options, as the table below fills them (-4/-6, -w, -v, -q and
 * --json into cli_common; the timeout copied here after parsing). */
static struct opts opt = { .interval = 1, .port = CLI_PORT_INIT(80) };

static const struct cli_option options[] = {
	CLI_OPT_IPV4("ping over IPv4 only"),
	CLI_OPT_IPV6("ping over IPv6 only"),
	CLI_INT('c', "count", &opt.count, "COUNT", 1, COUNT_MAX,
	    "stop after COUNT probes (default: until interrupted)"),
	CLI_SECONDS('i', "interval", &opt.interval, "SECONDS",
	    "SECONDS between probes (default 1; 0: one after another)"),
	CLI_SECONDS_POS('w', "timeout", &cli_common.timeout, "SECONDS",
	    "a probe with no answer in SECONDS is lost (default 1)"),
	CLI_PATH(0, "events", &opt.events, "FILE",
	    "write the events as JSON Lines to FILE"),
	CLI_OPT_TLS("time a TLS handshake after each connect too"),
	CLI_OPT_VERBOSE,
	CLI_OPT_QUIET,
	CLI_OPT_JSON,
	CLI_OPT_END
};

static int main_ping(int, char **);

const struct cli_command cmd_ping = {
	"[-4|-6] [-c COUNT] [-i SECONDS] [-w SECONDS]\n"
	"    [--tls [TLS OPTION]...] [--events FILE | --json] HOST [PORT]",
	"Time a TCP connect to PORT (80 by default) of HOST every interval\n"
	"and close it: a TCP ping that needs no server of ours.  A refused\n"
	"connect answers too; no answer within -w is a lost probe.  At\n"
	"COUNT, SIGINT or SIGTERM: the summary, per family when HOST has\n"
	"both.  Exit 0 when some probe was answered, 4 when none was, 3\n"
	"when HOST does not resolve.  --tls: each probe times a TLS\n"
	"handshake too; when none succeeded, exit 6 if one failed or did\n"
	"not verify, 4 if one did not finish within -w.",
	options,
	main_ping
};

struct target {
	struct sk_addr addr;
	char text[SK_ADDRSTRLEN];
	struct sk_stats st;
	struct sk_stats tls_st;	/* --tls: the handshakes */
	bool tls_warned;	/* a failure was said on stderr */
};

struct ping {
	const struct opts *o;
	struct sk_loop *loop;
	struct sk_prober *p;
	struct sk_tls_ctx *tls;	/* --tls, or NULL */
	struct sk_events ev;
	struct target t[TARGETS];
	size_t nt;
	long long sent;		/* probes sent (per target) */
	bool tls_good;		/* a handshake succeeded (and verified) */
	bool tls_bad;		/* one failed, or did not verify */
	bool tls_late;		/* one did not finish within -w */
	bool failed;
	struct sk_error err;
};

static int
validate(struct opts *o, int nargs, char **args, struct ping *pg)
{
	o->timeout = cli_common.timeout < 0 ? 1 : cli_common.timeout;
	if (nargs < 1)
		return cli_usage("expected HOST [PORT]");
	if (nargs > 2)
		return cli_usage("too many arguments; expected HOST [PORT]");
	if (cli_common.json && o->events != NULL)
		return cli_usage("cannot use --json with --events");
	o->host = args[0];
	if (nargs > 1 && cli_port("PORT", args[1], "tcp", &o->port) == -1)
		return EXIT_USAGE;
	return cli_tls_context(false, &pg->tls);
}

static bool
answered(enum sk_probe_result r)
{
	/* A refusal or a reset came from the host: it is up. */
	return r == SK_PROBE_OPEN || r == SK_PROBE_REFUSED ||
	    r == SK_PROBE_RESET;
}

static void
send_probes(struct ping *pg)
{
	size_t i;

	pg->sent++;
	for (i = 0; i < pg->nt && !pg->failed; i++)
		if (sk_prober_add(pg->p, &pg->t[i].addr, pg->o->timeout,
		    (size_t)pg->sent * TARGETS + i, &pg->err) == -1) {
			pg->failed = true;
			sk_loop_stop(pg->loop);
		}
}

static bool
all_sent(const struct ping *pg)
{
	return pg->o->count > 0 && pg->sent >= pg->o->count;
}

static long long
on_tick(struct sk_loop *loop, long long id, void *data)
{
	struct ping *pg = data;

	(void)loop;
	(void)id;
	send_probes(pg);
	return all_sent(pg) ? -1 : (long long)(pg->o->interval * 1000);
}

/* Report r's handshake (--tls): its time into the target's statistics,
 * its keys into the event j, and the text for the human line in buf
 * (" tls=1.234 ms").  A failure or an unverified certificate (without
 * --insecure) is said once per target on stderr. */
static void
tls_report(struct ping *pg, struct target *t,
    const struct sk_probe_report *r, struct sk_json *j, char *buf,
    size_t size)
{
	const struct sk_tls_info *info = r->tls_info;
	const char *why = NULL;
	char verify[SK_ERRMSG_MAX];
	bool ok = r->tls == 1 && (info->verify == SK_TLS_VERIFY_OK ||
	    cli_tls.o.insecure);

	*buf = '\0';
	if (r->tls == 0)
		return;		/* no connection, no handshake */
	if (r->tls == -1)
		why = r->tls_err->message;
	else if (info->verify != SK_TLS_VERIFY_OK) {
		(void)snprintf(verify, sizeof(verify),
		    "certificate verify failed: %s", info->verify_error);
		why = verify;
	}
	if (ok && sk_stats_add(&t->tls_st, info->handshake_ms, &pg->err) ==
	    -1) {
		pg->failed = true;
		sk_loop_stop(pg->loop);
	}
	if (!ok)
		sk_stats_lost(&t->tls_st);
	pg->tls_good = pg->tls_good || ok;
	if (!ok && r->tls == -1 && r->tls_err->kind == SK_ERR_TIMEOUT)
		pg->tls_late = true;
	else if (!ok)
		pg->tls_bad = true;
	if (j != NULL) {
		if (r->tls == 1) {
			sk_json_double(j, "tls_ms", info->handshake_ms);
			sk_json_str(j, "tls_verify",
			    sk_tls_verify_name(info->verify));
		} else
			sk_json_null(j, "tls_ms");
		if (why != NULL)
			sk_json_str(j, "tls_error", why);
	}
	if (ok)
		(void)snprintf(buf, size, " tls=%.3f ms%s%s",
		    info->handshake_ms, info->verify == SK_TLS_VERIFY_OK ?
		    "" : " verify ", info->verify == SK_TLS_VERIFY_OK ? "" :
		    sk_tls_verify_name(info->verify));
	else
		(void)snprintf(buf, size, " tls failed: %s",
		    why != NULL ? why : "error");
	if (why != NULL && !t->tls_warned && (!ok || !cli_common.quiet)) {
		t->tls_warned = true;
		cli_warn("%s: %s", t->text, why);
	}
}

static void
on_report(void *ctx, const struct sk_probe_report *r)
{
	struct ping *pg = ctx;
	struct target *t = &pg->t[r->id % TARGETS];
	long long seq = (long long)(r->id / TARGETS);
	bool up = answered(r->result);
	struct sk_json j;
	char tls[SK_ERRMSG_MAX + 32];

	if (up && sk_stats_add(&t->st, r->ms, &pg->err) == -1) {
		pg->failed = true;
		sk_loop_stop(pg->loop);
		return;
	}
	if (!up)
		sk_stats_lost(&t->st);
	if (sk_events_on(&pg->ev)) {
		sk_event_begin(&j, "ping");
		sk_json_int(&j, "seq", seq);
		sk_json_addr(&j, "address", &t->addr);
		sk_json_str(&j, "result", sk_probe_result_name(r->result));
		if (r->code != 0)
			sk_json_str(&j, "errno", sk_errno_name(r->code));
		if (up)
			sk_json_double(&j, "rtt_ms", r->ms);
		else
			sk_json_null(&j, "rtt_ms");
		tls_report(pg, t, r, &j, tls, sizeof(tls));
		if (sk_event_emit(&pg->ev, &j, &pg->err) == -1) {
			pg->failed = true;
			sk_loop_stop(pg->loop);
		}
	} else
		tls_report(pg, t, r, NULL, tls, sizeof(tls));
	if (!cli_common.json) {
		if (r->result == SK_PROBE_OPEN)
			(void)printf("connected to %s: seq=%lld "
			    "time=%.3f ms%s\n", t->text, seq, r->ms, tls);
		else if (up)
			(void)printf("%s by %s: seq=%lld time=%.3f ms\n",
			    sk_probe_result_name(r->result), t->text, seq,
			    r->ms);
		else
			(void)printf("no answer from %s: seq=%lld %s\n",
			    t->text, seq, r->result == SK_PROBE_TIMEOUT ?
			    "timeout" : sk_errno_name(r->code));
	}
	if (sk_prober_pending(pg->p) > 0)
		return;
	if (all_sent(pg))
		sk_loop_stop(pg->loop);
	else if (pg->o->interval == 0)
		send_probes(pg);	/* one after another */
}

static void
on_signal(struct sk_loop *loop, int signo, void *data)
{
	(void)signo;
	(void)data;
	sk_loop_stop(loop);
}

/* The times of summary s as keys PREFIXmin_ms ... PREFIXp99_ms, null
 * when nothing answered. */
static void
stat_keys(struct sk_json *j, const char *prefix,
    const struct sk_stats_summary *s)
{
	static const char *const names[] = { "min", "avg", "max", "mdev",
	    "p50", "p90", "p99" };
	const double v[] = { s->min, s->avg, s->max, s->mdev, s->p50, s->p90,
	    s->p99 };
	char key[32];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		(void)snprintf(key, sizeof(key), "%s%s_ms", prefix, names[i]);
		if (s->answered > 0)
			sk_json_double(j, key, v[i]);
		else
			sk_json_null(j, key);
	}
}

/* ", min/avg/max/mdev = ... ms, p50/p90/p99 = ... ms" when any. */
static void
print_times(const struct sk_stats_summary *s)
{
	if (s->answered > 0)
		(void)printf(", min/avg/max/mdev = %.3f/%.3f/%.3f/%.3f ms, "
		    "p50/p90/p99 = %.3f/%.3f/%.3f ms", s->min, s->avg, s->max,
		    s->mdev, s->p50, s->p90, s->p99);
}

static void
summary(struct ping *pg, struct target *t)
{
	struct sk_stats_summary s, h = { 0 };
	struct sk_json j;

	if (sk_stats_summary(&t->st, &s, &pg->err) == -1 ||
	    (pg->tls != NULL && sk_stats_summary(&t->tls_st, &h, &pg->err) ==
	    -1)) {
		pg->failed = true;
		return;
	}
	if (sk_events_on(&pg->ev)) {
		sk_event_begin(&j, "summary");
		sk_json_addr(&j, "address", &t->addr);
		sk_json_uint(&j, "sent", s.sent);
		sk_json_uint(&j, "answered", s.answered);
		sk_json_double(&j, "loss_pct", s.loss_pct);
		stat_keys(&j, "", &s);
		sk_json_uint(&j, "longest_outage", s.longest_outage);
		if (pg->tls != NULL) {
			sk_json_uint(&j, "tls_handshakes", h.sent);
			sk_json_uint(&j, "tls_ok", h.answered);
			stat_keys(&j, "tls_", &h);
		}
		if (sk_event_emit(&pg->ev, &j, &pg->err) == -1)
			pg->failed = true;
	}
	if (cli_common.json)
		return;
	(void)printf("%s: %zu sent, %zu answered, %.1f%% loss", t->text,
	    s.sent, s.answered, s.loss_pct);
	print_times(&s);
	(void)printf(", longest outage %zu\n", s.longest_outage);
	if (pg->tls == NULL)
		return;
	(void)printf("%s: %zu TLS handshakes, %zu ok", t->text, h.sent,
	    h.answered);
	print_times(&h);
	(void)printf("\n");
}

/* One address per family, the first of each in the resolver's order. */
static void
pick_targets(struct ping *pg, struct sk_addr *a, size_t n)
{
	unsigned int port = pg->o->port.number;
	size_t i, k;

	for (i = 0; i < n && pg->nt < TARGETS; i++) {
		for (k = 0; k < pg->nt; k++)
			if (sk_addr_family(&pg->t[k].addr) ==
			    sk_addr_family(&a[i]))
				break;
		if (k < pg->nt)
			continue;
		pg->t[pg->nt].addr = a[i];
		sk_addr_set_port(&pg->t[pg->nt].addr, port);
		(void)sk_addr_format_noscope(&pg->t[pg->nt].addr,
		    pg->t[pg->nt].text, sizeof(pg->t[pg->nt].text));
		sk_stats_init(&pg->t[pg->nt].st);
		sk_stats_init(&pg->t[pg->nt].tls_st);
		pg->nt++;
	}
}

static int
run(struct ping *pg)
{
	const struct opts *o = pg->o;
	struct sk_addr *a = NULL;
	double ms;
	sigset_t stop;
	ssize_t n;
	size_t i;
	bool any = false;

	n = sk_resolve_distinct(o->host, cli_common.family, SOCK_STREAM, &a,
	    &ms, &pg->err);
	if (n == -1)
		return cli_fail(o->host, &pg->err);
	(void)sk_event_resolved(&pg->ev, o->host, a, (size_t)n, ms, NULL);
	pick_targets(pg, a, (size_t)n);
	free(a);
	(void)sigemptyset(&stop);
	(void)sigaddset(&stop, SIGINT);
	(void)sigaddset(&stop, SIGTERM);
	(void)sigprocmask(SIG_BLOCK, &stop, NULL);
	if ((pg->loop = sk_loop_new(&pg->err)) == NULL ||
	    sk_loop_signal(pg->loop, &stop, on_signal, pg, &pg->err) == -1 ||
	    (pg->p = sk_prober_new(pg->loop, SOCK_STREAM, 0, on_report, pg,
	    &pg->err)) == NULL ||
	    (pg->tls != NULL && sk_prober_set_tls(pg->p, pg->tls, o->host,
	    &pg->err) == -1))
		return cli_fail("ping", &pg->err);
	send_probes(pg);
	if (!all_sent(pg) && o->interval > 0 &&
	    sk_loop_timer_add(pg->loop, (long long)(o->interval * 1000),
	    on_tick, pg, &pg->err) == -1)
		return cli_fail("ping", &pg->err);
	if (sk_loop_run(pg->loop, &pg->err) == -1)
		return cli_fail("ping", &pg->err);
	if (pg->failed)
		return cli_fail("ping", &pg->err);
	for (i = 0; i < pg->nt; i++) {
		summary(pg, &pg->t[i]);
		any = any || pg->t[i].st.n > 0;
	}
	/* --tls: a handshake that succeeded, then one that failed, then one
	 * that timed out decide; with none of them, the connects do. */
	if (!pg->tls_good && (pg->tls_bad || pg->tls_late))
		return pg->tls_bad ? EXIT_TLS : EXIT_TIMEOUT;
	return any ? EXIT_OK : EXIT_TIMEOUT;
}

static int
main_ping(int argc, char **argv)
{
	struct opts *o = &opt;
	struct ping pg = { 0 };
	const char *why;
	size_t i;
	int first, status;

	pg.o = o;
	sk_events_init(&pg.ev);
	first = cli_parse(argc, argv);
	status = validate(o, argc - first, argv + first, &pg);
	if (status == EXIT_OK && o->events != NULL &&
	    sk_events_open(&pg.ev, o->events, &pg.err) == -1)
		status = cli_fail(o->events, &pg.err);
	if (status == EXIT_OK) {
		if (cli_common.json)
			sk_events_use_fd(&pg.ev, STDOUT_FILENO);
		status = run(&pg);
		why = status == EXIT_OK ? "ok" : status == EXIT_TLS ?
		    "no TLS handshake succeeded" : status == EXIT_TIMEOUT ?
		    pg.tls_late && !pg.tls_good ?
		    "no TLS handshake finished" : "no probe was answered" :
		    "failed";
		if (status == EXIT_TIMEOUT || status == EXIT_TLS)
			cli_reason("%s", why);
		/* --json: the dispatcher writes the exit event. */
		if (!cli_common.json)
			(void)sk_event_exit(&pg.ev, status, why, NULL);
	}
	sk_prober_free(pg.p);
	sk_loop_free(pg.loop);
	sk_events_close(&pg.ev);
	for (i = 0; i < pg.nt; i++) {
		sk_stats_free(&pg.t[i].st);
		sk_stats_free(&pg.t[i].tls_st);
	}
	sk_tls_ctx_free(pg.tls);
	if (fflush(stdout) == EOF && errno != EPIPE && status == EXIT_OK)
		status = EXIT_OSERR;
	return status;
}
