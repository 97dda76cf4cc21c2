/*
 * test-stats.c - the round-trip statistics (lib/core/stats.c) against
 * values computed independently: python3's statistics.fmean and pstdev
 * (ping's mdev is the population standard deviation) and nearest-rank
 * percentiles worked out from the sorted list:
 *
 *	v = [0.081, 0.052, 1.25, 0.3, 0.3, 12.5, 0.07, 0.11, 0.09, 2.0,
 *	    0.066, 0.4]
 *	fmean(v) = 1.4349166666666668, pstdev(v) = 3.384811552074289
 *	sorted: p50 = 6th = 0.11, p90 = 11th = 2.0, p99 = 12th = 12.5
 */
#include <math.h>
#include <stdio.h>

#include "sockit.h"
#include "tap.h"

static bool
near(double got, double want, const char *name)
{
	return ok(fabs(got - want) < 1e-9, "%s: %.12g (want %.12g)", name, got,
	    want);
}

static void
test_values(void)
{
	static const double v[] = { 0.081, 0.052, 1.25, 0.3, 0.3, 12.5, 0.07,
	    0.11, 0.09, 2.0, 0.066, 0.4 };
	/* Lost probes between the answers: runs of 2, 1 and 3. */
	static const int lost_before[] = { 0, 2, 0, 0, 1, 0, 0, 3, 0, 0, 0, 0 };
	struct sk_stats s;
	struct sk_stats_summary sum;
	struct sk_error err;
	size_t i;
	int k;

	sk_stats_init(&s);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		for (k = 0; k < lost_before[i]; k++)
			sk_stats_lost(&s);
		if (sk_stats_add(&s, v[i], &err) == -1)
			break;
	}
	sk_stats_lost(&s);
	is_int(sk_stats_summary(&s, &sum, &err), 0, "summary");
	is_int((long long)sum.sent, 19, "sent: 12 answered, 7 lost");
	is_int((long long)sum.answered, 12, "answered");
	near(sum.loss_pct, 700.0 / 19, "loss %");
	near(sum.min, 0.052, "min");
	near(sum.avg, 1.4349166666666668, "avg (fmean)");
	near(sum.max, 12.5, "max");
	near(sum.mdev, 3.384811552074289, "mdev (pstdev)");
	near(sum.p50, 0.11, "p50");
	near(sum.p90, 2.0, "p90");
	near(sum.p99, 12.5, "p99");
	is_int((long long)sum.longest_outage, 3, "longest outage: 3 lost");
	ok(sum.p50 <= sum.p90 && sum.p90 <= sum.p99, "percentiles ordered");
	/* The summary leaves the values as they came. */
	near(s.v[0], 0.081, "values kept in arrival order");
	sk_stats_free(&s);
}

static void
test_edges(void)
{
	struct sk_stats s;
	struct sk_stats_summary sum;
	struct sk_error err;
	double one = 4.5;

	sk_stats_init(&s);
	is_int(sk_stats_summary(&s, &sum, &err), 0, "empty: summary");
	is_int((long long)sum.sent, 0, "empty: nothing sent");
	near(sum.loss_pct, 0, "empty: no loss");
	sk_stats_lost(&s);
	sk_stats_lost(&s);
	(void)sk_stats_summary(&s, &sum, &err);
	near(sum.loss_pct, 100, "all lost: 100%");
	is_int((long long)sum.longest_outage, 2, "all lost: outage 2");
	near(sum.avg, 0, "all lost: avg 0");
	sk_stats_free(&s);

	sk_stats_init(&s);
	(void)sk_stats_add(&s, one, &err);
	(void)sk_stats_summary(&s, &sum, &err);
	near(sum.mdev, 0, "one value: mdev 0");
	near(sum.p99, one, "one value: p99 is it");
	near(sum.p50, one, "one value: p50 is it");
	sk_stats_free(&s);
	near(sk_percentile(NULL, 0, 50), 0, "percentile of nothing: 0");
}

int
main(void)
{
	test_values();
	test_edges();
	return done_testing();
}
