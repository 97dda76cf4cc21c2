/*
 * stats.c - round-trip statistics as ping(8) (iputils) reports them:
 * min/avg/max and mdev, the square root of the mean of the squares less
 * the square of the mean (ping's tsum2/n - (tsum/n)^2, the population
 * standard deviation); nearest-rank percentiles; loss, and the longest
 * run of lost probes.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/stdlib.h>

#include "sockit-int.h"

void
sk_stats_init(struct sk_stats *s)
{
	memset(s, 0, sizeof(*s));
}

void
sk_stats_free(struct sk_stats *s)
{
	free(s->v);
	sk_stats_init(s);
}

int
sk_stats_add(struct sk_stats *s, double ms, struct sk_error *err)
{
	double *v;
	size_t n;

	if (s->n == s->cap) {
		n = s->cap ? s->cap * 2 : 64;
		if ((v = reallocarray(s->v, n, sizeof(*v))) == NULL)
			return sk__no_memory(err);
		s->v = v;
		s->cap = n;
	}
	s->v[s->n++] = ms;
	s->sum += ms;
	s->sumsq += ms * ms;
	s->run = 0;
	return 0;
}

void
sk_stats_lost(struct sk_stats *s)
{
	s->lost++;
	if (++s->run > s->longest_run)
		s->longest_run = s->run;
}

double
sk_percentile(const double *sorted, size_t n, double pct)
{
	size_t rank;

	if (n == 0)
		return 0;
	rank = (size_t)ceil(pct / 100 * (double)n);
	if (rank > n)
		rank = n;
	return sorted[rank == 0 ? 0 : rank - 1];
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
sk_stats_summary(const struct sk_stats *s, struct sk_stats_summary *out,
    struct sk_error *err)
{
	double *v, mean, var;

	memset(out, 0, sizeof(*out));
	out->answered = s->n;
	out->sent = s->n + s->lost;
	out->longest_outage = s->longest_run;
	if (out->sent > 0)
		out->loss_pct = 100.0 * (double)s->lost / (double)out->sent;
	if (s->n == 0)
		return 0;
	if ((v = reallocarray(NULL, s->n, sizeof(*v))) == NULL)
		return sk__no_memory(err);
	memcpy(v, s->v, s->n * sizeof(*v));
	qsort(v, s->n, sizeof(*v), cmp_double);
	mean = s->sum / (double)s->n;
	var = s->sumsq / (double)s->n - mean * mean;
	out->min = v[0];
	out->max = v[s->n - 1];
	out->avg = mean;
	out->mdev = var > 0 ? sqrt(var) : 0;
	out->p50 = sk_percentile(v, s->n, 50);
	out->p90 = sk_percentile(v, s->n, 90);
	out->p99 = sk_percentile(v, s->n, 99);
	free(v);
	return 0;
}
