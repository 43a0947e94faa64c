/* SPDX-License-Identifier: MIT */
/*
 * Statistics registry (DESIGN.md §4, include/iommusim/stats.h): named counters and
 * log-linear histograms. Entries are allocated one by one and never move, so a counter's
 * slot stays valid while the index (sorted by name, for lookups and ordered output) grows.
 *
 * Histogram buckets, with S = HIST_SUB_BITS:
 *   v < 2^S                 one bucket per value (exact);
 *   2^m <= v < 2^(m+1)      for m >= S, 2^(S-1) buckets of width 2^(m-S+1): v keeps its top
 *                           S bits, so the lower bound is within 2^-(S-1) of v.
 * The 64-S "groups" of the second kind are allocated when first used: latencies in
 * picoseconds touch a handful of them, and a full table would be 58 KiB per histogram.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "iommusim/text.h"
#include "iommusim/stats.h"

#define HIST_SUB_BITS 8
#define HIST_LINEAR (1u << HIST_SUB_BITS)          /* exact buckets */
#define HIST_GROUP (1u << (HIST_SUB_BITS - 1))     /* buckets per power of two above */
#define HIST_NGROUPS (64u - HIST_SUB_BITS)

/* "did you mean": names compared by edit distance up to this length, at most this many. */
#define STATS_SUGGEST_MAX_LEN 96
#define STATS_SUGGEST_MAX 3

struct iommusim_hist {
	char *unit;
	uint64_t count, min, max;
	uint64_t sum_lo, sum_hi;   /* exact 128-bit sum, for the mean */
	uint64_t lost;             /* samples not bucketed: a group could not be allocated */
	uint64_t linear[HIST_LINEAR];
	uint64_t *groups[HIST_NGROUPS];
};

typedef enum stat_kind { STAT_COUNTER, STAT_HIST } stat_kind_t;

typedef struct stat_entry {
	char *name;
	char *help;
	stat_kind_t kind;
	uint64_t value;            /* STAT_COUNTER: the slot handed out */
	iommusim_hist_t *hist;     /* STAT_HIST */
} stat_entry_t;

struct iommusim_stats {
	stat_entry_t **index;      /* sorted by name (strcmp) */
	size_t n, cap;
};

/* Histogram reads through iommusim_stats_get, in the order they are suggested. */
static const char *const hist_suffixes[] = { "count", "min", "max", "mean", "p50", "p90", "p99" };
#define NSUFFIXES (sizeof(hist_suffixes) / sizeof(hist_suffixes[0]))

/* ---- histogram --------------------------------------------------------------------------- */

static unsigned msb64(uint64_t v)
{
	return 63u - (unsigned)__builtin_clzll(v);
}

/* Bucket of v >= HIST_LINEAR: group (power of two above 2^S) and index within it. */
static void hist_locate(uint64_t v, unsigned *group, unsigned *slot)
{
	unsigned m = msb64(v);
	unsigned shift = m - HIST_SUB_BITS + 1;

	*group = m - HIST_SUB_BITS;
	*slot = (unsigned)(v >> shift) - HIST_GROUP;
}

static uint64_t hist_group_lower(unsigned group, unsigned slot)
{
	unsigned shift = group + 1;
	return ((uint64_t)(slot + HIST_GROUP)) << shift;
}

void iommusim_hist_add(iommusim_hist_t *h, uint64_t v)
{
	unsigned g, s;

	if (!h)
		return;
	if (!h->count || v < h->min)
		h->min = v;
	if (!h->count || v > h->max)
		h->max = v;
	h->count++;
	h->sum_lo += v;
	if (h->sum_lo < v)
		h->sum_hi++;
	if (v < HIST_LINEAR) {
		h->linear[v]++;
		return;
	}
	hist_locate(v, &g, &s);
	if (!h->groups[g]) {
		h->groups[g] = calloc(HIST_GROUP, sizeof(uint64_t));
		if (!h->groups[g]) {
			/* count, min, max and mean stay exact; percentiles skip this sample */
			h->lost++;
			return;
		}
	}
	h->groups[g][s]++;
}

uint64_t iommusim_hist_count(const iommusim_hist_t *h)
{
	return h ? h->count : 0;
}

uint64_t iommusim_hist_min(const iommusim_hist_t *h)
{
	return h && h->count ? h->min : 0;
}

uint64_t iommusim_hist_max(const iommusim_hist_t *h)
{
	return h && h->count ? h->max : 0;
}

double iommusim_hist_mean(const iommusim_hist_t *h)
{
	if (!h || !h->count)
		return 0.0;
	return ((double)h->sum_hi * 18446744073709551616.0 + (double)h->sum_lo) /
	       (double)h->count;
}

/*
 * The sample of rank ceil(p/100 * n) in sorted order is in the first bucket where the running
 * count reaches that rank; its lower bound never exceeds the sample. It is raised to the exact
 * minimum when that is larger (still not above the sample), and p=100 is the exact maximum.
 */
uint64_t iommusim_hist_percentile(const iommusim_hist_t *h, double p)
{
	uint64_t total, rank, cum = 0, lower = 0;
	double r;

	if (!h || !h->count)
		return 0;
	if (!(p > 0.0))           /* also NaN */
		return h->min;
	if (p >= 100.0)
		return h->max;
	total = h->count - h->lost;
	if (!total)
		return h->min;
	/* p * total / 100 is exact for whole p and total below 2^53, so ceil() is not fooled. */
	r = ceil(p * (double)total / 100.0);
	rank = r < 1.0 ? 1 : (r >= (double)total ? total : (uint64_t)r);

	for (unsigned v = 0; v < HIST_LINEAR; v++) {
		cum += h->linear[v];
		if (cum >= rank) {
			lower = v;
			goto found;
		}
	}
	for (unsigned g = 0; g < HIST_NGROUPS; g++) {
		if (!h->groups[g])
			continue;
		for (unsigned s = 0; s < HIST_GROUP; s++) {
			cum += h->groups[g][s];
			if (cum >= rank) {
				lower = hist_group_lower(g, s);
				goto found;
			}
		}
	}
	return h->max;   /* not reached: the buckets hold total samples */
found:
	if (lower < h->min)
		lower = h->min;
	if (lower > h->max)
		lower = h->max;
	return lower;
}

void iommusim_hist_reset(iommusim_hist_t *h)
{
	if (!h)
		return;
	h->count = h->min = h->max = 0;
	h->sum_lo = h->sum_hi = 0;
	h->lost = 0;
	memset(h->linear, 0, sizeof(h->linear));
	for (unsigned g = 0; g < HIST_NGROUPS; g++) {
		if (h->groups[g])
			memset(h->groups[g], 0, HIST_GROUP * sizeof(uint64_t));
	}
}

static void hist_free(iommusim_hist_t *h)
{
	if (!h)
		return;
	for (unsigned g = 0; g < HIST_NGROUPS; g++)
		free(h->groups[g]);
	free(h->unit);
	free(h);
}

/* ---- registry ---------------------------------------------------------------------------- */

iommusim_stats_t *iommusim_stats_create(void)
{
	return calloc(1, sizeof(iommusim_stats_t));
}

void iommusim_stats_destroy(iommusim_stats_t *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->n; i++) {
		stat_entry_t *e = st->index[i];
		hist_free(e->hist);
		free(e->name);
		free(e->help);
		free(e);
	}
	free(st->index);
	free(st);
}

static size_t index_search(const iommusim_stats_t *st, const char *name, bool *found)
{
	size_t lo = 0, hi = st->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(st->index[mid]->name, name);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

static stat_entry_t *entry_find(const iommusim_stats_t *st, const char *name)
{
	bool found;
	size_t i = index_search(st, name, &found);
	return found ? st->index[i] : NULL;
}

/* JSON keys must be UTF-8; refuse other names up front rather than write a broken file. */
static bool name_ok(const char *name)
{
	json_t *probe;

	if (!name || !*name)
		return false;
	probe = json_string(name);
	if (!probe)
		return false;
	json_decref(probe);
	return true;
}

/* Finds name, or adds it as kind. NULL on allocation failure, a bad name, or a clash of
 * kinds (a counter and a histogram cannot share a name). */
static stat_entry_t *entry_get(iommusim_stats_t *st, const char *name, const char *help,
			       stat_kind_t kind)
{
	stat_entry_t *e;
	bool found;
	size_t at;

	if (!st || !name_ok(name))
		return NULL;
	at = index_search(st, name, &found);
	if (found)
		return st->index[at]->kind == kind ? st->index[at] : NULL;
	if (st->n == st->cap) {
		size_t cap = st->cap ? 2 * st->cap : 32;
		stat_entry_t **idx = realloc(st->index, cap * sizeof(*idx));
		if (!idx)
			return NULL;
		st->index = idx;
		st->cap = cap;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->kind = kind;
	e->name = strdup(name);
	e->help = help ? strdup(help) : NULL;
	if (!e->name || (help && !e->help)) {
		free(e->name);
		free(e->help);
		free(e);
		return NULL;
	}
	memmove(&st->index[at + 1], &st->index[at], (st->n - at) * sizeof(*st->index));
	st->index[at] = e;
	st->n++;
	return e;
}

uint64_t *iommusim_stats_counter(iommusim_stats_t *st, const char *name, const char *help)
{
	stat_entry_t *e = entry_get(st, name, help, STAT_COUNTER);
	return e ? &e->value : NULL;
}

iommusim_hist_t *iommusim_stats_hist(iommusim_stats_t *st, const char *name, const char *unit,
				     const char *help)
{
	stat_entry_t *e;
	iommusim_hist_t *h;
	bool found;

	if (!st || !name_ok(name))
		return NULL;
	if (unit && *unit && !name_ok(unit))    /* the unit is a JSON string too */
		return NULL;
	index_search(st, name, &found);
	e = entry_get(st, name, help, STAT_HIST);
	if (!e)
		return NULL;
	if (found)
		return e->hist;
	h = calloc(1, sizeof(*h));
	if (h)
		h->unit = strdup(unit ? unit : "");
	if (!h || !h->unit) {
		free(h);
		/* take the entry out again so no entry is left without its histogram */
		size_t at = index_search(st, name, &found);
		memmove(&st->index[at], &st->index[at + 1], (st->n - at - 1) * sizeof(*st->index));
		st->n--;
		free(e->name);
		free(e->help);
		free(e);
		return NULL;
	}
	e->hist = h;
	return h;
}

void iommusim_stats_reset(iommusim_stats_t *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->n; i++) {
		st->index[i]->value = 0;
		iommusim_hist_reset(st->index[i]->hist);
	}
}

void iommusim_stats_foreach_counter(const iommusim_stats_t *st, iommusim_stats_visit_fn fn,
				    void *arg)
{
	if (!st || !fn)
		return;
	for (size_t i = 0; i < st->n; i++) {
		if (st->index[i]->kind == STAT_COUNTER)
			fn(arg, st->index[i]->name, st->index[i]->value);
	}
}

/* ---- reading by name --------------------------------------------------------------------- */

static double hist_read(const iommusim_hist_t *h, size_t which)
{
	switch (which) {
	case 0: return (double)iommusim_hist_count(h);
	case 1: return (double)iommusim_hist_min(h);
	case 2: return (double)iommusim_hist_max(h);
	case 3: return iommusim_hist_mean(h);
	case 4: return (double)iommusim_hist_percentile(h, 50.0);
	case 5: return (double)iommusim_hist_percentile(h, 90.0);
	default: return (double)iommusim_hist_percentile(h, 99.0);
	}
}

typedef struct suggestion {
	size_t dist;
	char name[STATS_SUGGEST_MAX_LEN + 8];
} suggestion_t;

/* Keeps the STATS_SUGGEST_MAX closest candidates, ordered by distance then name. */
static void consider(suggestion_t *best, size_t *nbest, const char *want, const char *cand,
		     size_t limit)
{
	size_t d = iommusim_strdist(want, cand);
	size_t at;

	if (d > limit)
		return;
	for (at = 0; at < *nbest; at++) {
		if (d < best[at].dist || (d == best[at].dist && strcmp(cand, best[at].name) < 0))
			break;
	}
	if (at >= STATS_SUGGEST_MAX)
		return;
	if (*nbest < STATS_SUGGEST_MAX)
		(*nbest)++;
	memmove(&best[at + 1], &best[at], (*nbest - 1 - at) * sizeof(*best));
	best[at].dist = d;
	snprintf(best[at].name, sizeof(best[at].name), "%s", cand);
}

static int unknown_stat(const iommusim_stats_t *st, const char *name, iommusim_error_t *err)
{
	suggestion_t best[STATS_SUGGEST_MAX + 1];
	size_t nbest = 0, limit = 1 + strlen(name) / 5;
	char list[3 * (STATS_SUGGEST_MAX_LEN + 8)];
	size_t o = 0;

	if (limit > 4)
		limit = 4;
	for (size_t i = 0; i < st->n; i++) {
		const stat_entry_t *e = st->index[i];
		if (e->kind == STAT_COUNTER) {
			consider(best, &nbest, name, e->name, limit);
			continue;
		}
		consider(best, &nbest, name, e->name, limit);
		for (size_t k = 0; k < NSUFFIXES; k++) {
			char full[STATS_SUGGEST_MAX_LEN + 16];
			int w = snprintf(full, sizeof(full), "%s.%s", e->name, hist_suffixes[k]);
			if (w > 0 && (size_t)w < sizeof(full))
				consider(best, &nbest, name, full, limit);
		}
	}
	/* Nothing close: names one level below what was asked ("vtd0.iotlb" -> its counters). */
	if (!nbest) {
		size_t len = strlen(name);
		for (size_t i = 0; i < st->n && nbest < STATS_SUGGEST_MAX; i++) {
			const char *cand = st->index[i]->name;
			if (strncmp(cand, name, len) == 0 && cand[len] == '.' &&
			    strlen(cand) <= STATS_SUGGEST_MAX_LEN) {
				best[nbest].dist = 0;
				snprintf(best[nbest].name, sizeof(best[nbest].name), "%s", cand);
				nbest++;
			}
		}
	}
	if (!nbest)
		return iommusim_error_set(err, -ENOENT,
					  "unknown statistic \"%.*s\" (no close name among %zu "
					  "registered)",
					  STATS_SUGGEST_MAX_LEN, name, st->n);
	list[0] = '\0';
	for (size_t i = 0; i < nbest; i++) {
		int w = snprintf(list + o, sizeof(list) - o, "%s%s", i ? ", " : "", best[i].name);
		if (w < 0 || (size_t)w >= sizeof(list) - o)
			break;
		o += (size_t)w;
	}
	return iommusim_error_set(err, -ENOENT, "unknown statistic \"%.*s\"; close names: %s",
				  STATS_SUGGEST_MAX_LEN, name, list);
}

int iommusim_stats_get(const iommusim_stats_t *st, const char *name, double *value,
		       iommusim_error_t *err)
{
	const stat_entry_t *e;
	const char *dot;

	if (!st || !name || !value)
		return iommusim_error_set(err, -EINVAL, "stats_get: missing registry, name or value");
	e = entry_find(st, name);
	if (e && e->kind == STAT_COUNTER) {
		*value = (double)e->value;
		return 0;
	}
	if (e)
		return iommusim_error_set(err, -ENOENT,
					  "statistic \"%s\" is a histogram: read %s.count, .min, "
					  ".max, .mean, .p50, .p90 or .p99",
					  name, name);
	dot = strrchr(name, '.');
	if (dot) {
		size_t len = (size_t)(dot - name);
		char *base = malloc(len + 1);
		if (!base)
			return iommusim_error_set(err, -ENOMEM, "stats_get: out of memory");
		memcpy(base, name, len);
		base[len] = '\0';
		e = entry_find(st, base);
		free(base);
		if (e && e->kind == STAT_HIST) {
			for (size_t k = 0; k < NSUFFIXES; k++) {
				if (strcmp(dot + 1, hist_suffixes[k]) == 0) {
					*value = hist_read(e->hist, k);
					return 0;
				}
			}
		}
	}
	return unknown_stat(st, name, err);
}

/* ---- JSON -------------------------------------------------------------------------------- */

/* json_int_t is signed: counts above INT64_MAX become reals (nearest double). */
static json_t *json_u64(uint64_t v)
{
	if (v <= (uint64_t)INT64_MAX)
		return json_integer((json_int_t)v);
	return json_real((double)v);
}

static json_t *hist_json(const iommusim_hist_t *h)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	if (json_object_set_new(o, "unit", json_string(h->unit)) ||
	    json_object_set_new(o, "count", json_u64(iommusim_hist_count(h))) ||
	    json_object_set_new(o, "min", json_u64(iommusim_hist_min(h))) ||
	    json_object_set_new(o, "max", json_u64(iommusim_hist_max(h))) ||
	    json_object_set_new(o, "mean", json_real(iommusim_hist_mean(h))) ||
	    json_object_set_new(o, "p50", json_u64(iommusim_hist_percentile(h, 50.0))) ||
	    json_object_set_new(o, "p90", json_u64(iommusim_hist_percentile(h, 90.0))) ||
	    json_object_set_new(o, "p99", json_u64(iommusim_hist_percentile(h, 99.0)))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

char *iommusim_stats_to_json(const iommusim_stats_t *st)
{
	json_t *root, *counters, *hists;
	char *text = NULL;

	if (!st)
		return NULL;
	root = json_object();
	counters = json_object();
	hists = json_object();
	if (!root || !counters || !hists)
		goto out;
	/* The index is in name order and jansson keeps insertion order. */
	for (size_t i = 0; i < st->n; i++) {
		const stat_entry_t *e = st->index[i];
		if (e->kind == STAT_COUNTER) {
			if (json_object_set_new(counters, e->name, json_u64(e->value)))
				goto out;
		} else {
			if (json_object_set_new(hists, e->name, hist_json(e->hist)))
				goto out;
		}
	}
	if (json_object_set(root, "counters", counters) ||
	    json_object_set(root, "histograms", hists))
		goto out;
	text = json_dumps(root, JSON_INDENT(2));
out:
	json_decref(counters);
	json_decref(hists);
	json_decref(root);
	return text;
}
