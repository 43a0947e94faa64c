/* SPDX-License-Identifier: MIT */
#include "tests/support/test.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "iommusim/stats.h"

/* The header's promise: exact below 2^8, then 8 significant bits. */
#define SUB_BITS 8

/* splitmix64: a seeded reference generator, independent of the code under test. */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Lower bound of v's bucket, by masking off all but the top SUB_BITS significant bits. */
static uint64_t ref_lower(uint64_t v)
{
	int msb = 63;

	if (v < (1u << SUB_BITS))
		return v;
	while (!(v >> msb))
		msb--;
	return v & ~((1ull << (msb - (SUB_BITS - 1))) - 1);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* The sample of rank ceil(p/100 * n) in sorted order. */
static uint64_t ref_percentile(const uint64_t *sorted, size_t n, double p)
{
	size_t rank = (size_t)ceil(p * (double)n / 100.0);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return sorted[rank - 1];
}

static void counters_are_stable_slots(void **state)
{
	iommusim_stats_t *st = iommusim_stats_create();
	iommusim_error_t err = { 0 };
	double v;
	(void)state;

	uint64_t *hit = iommusim_stats_counter(st, "vtd.iotlb.hit", "IOTLB hits");
	assert_non_null(hit);
	assert_ptr_equal(iommusim_stats_counter(st, "vtd.iotlb.hit", NULL), hit);
	*hit += 5;
	/* many more registrations must not move the first slot */
	for (int i = 0; i < 2000; i++) {
		char name[32];
		snprintf(name, sizeof(name), "c.%04d", 1999 - i);
		uint64_t *c = iommusim_stats_counter(st, name, NULL);
		assert_non_null(c);
		*c = (uint64_t)(1999 - i);
	}
	assert_ptr_equal(iommusim_stats_counter(st, "vtd.iotlb.hit", NULL), hit);
	(*hit)++;
	assert_int_equal(iommusim_stats_get(st, "vtd.iotlb.hit", &v, &err), 0);
	assert_true(v == 6.0);
	assert_int_equal(iommusim_stats_get(st, "c.1234", &v, &err), 0);
	assert_true(v == 1234.0);

	/* a name cannot be both a counter and a histogram; bad names are refused */
	assert_null(iommusim_stats_hist(st, "vtd.iotlb.hit", "ps", NULL));
	assert_non_null(iommusim_stats_hist(st, "lat", "ps", NULL));
	assert_null(iommusim_stats_counter(st, "lat", NULL));
	assert_null(iommusim_stats_counter(st, "", NULL));
	assert_null(iommusim_stats_counter(st, NULL, NULL));
	assert_null(iommusim_stats_counter(st, "bad\xff", NULL));
	assert_null(iommusim_stats_counter(NULL, "x", NULL));
	iommusim_stats_destroy(st);
}

typedef struct visit_log {
	char names[8][32];
	uint64_t values[8];
	int n;
} visit_log_t;

static void visit(void *arg, const char *name, uint64_t value)
{
	visit_log_t *log = arg;
	if (log->n < 8) {
		snprintf(log->names[log->n], sizeof(log->names[0]), "%s", name);
		log->values[log->n] = value;
	}
	log->n++;
}

static void foreach_and_reset(void **state)
{
	iommusim_stats_t *st = iommusim_stats_create();
	visit_log_t log = { 0 };
	(void)state;

	*iommusim_stats_counter(st, "b", NULL) = 2;
	*iommusim_stats_counter(st, "a.z", NULL) = 1;
	iommusim_hist_add(iommusim_stats_hist(st, "a.h", "ps", NULL), 7);   /* not a counter */
	*iommusim_stats_counter(st, "a", NULL) = 3;
	*iommusim_stats_counter(st, "B", NULL) = 4;
	iommusim_stats_foreach_counter(st, visit, &log);
	assert_int_equal(log.n, 4);
	assert_string_equal(log.names[0], "B");   /* byte order: upper case first */
	assert_string_equal(log.names[1], "a");
	assert_string_equal(log.names[2], "a.z");
	assert_string_equal(log.names[3], "b");
	assert_int_equal(log.values[0], 4);
	assert_int_equal(log.values[1], 3);
	assert_int_equal(log.values[2], 1);
	assert_int_equal(log.values[3], 2);

	iommusim_stats_reset(st);
	memset(&log, 0, sizeof(log));
	iommusim_stats_foreach_counter(st, visit, &log);
	assert_int_equal(log.n, 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(log.values[i], 0);
	iommusim_hist_t *h = iommusim_stats_hist(st, "a.h", NULL, NULL);
	assert_int_equal(iommusim_hist_count(h), 0);
	assert_int_equal(iommusim_hist_max(h), 0);
	iommusim_hist_add(h, 3);
	assert_int_equal(iommusim_hist_min(h), 3);
	assert_int_equal(iommusim_hist_percentile(h, 50), 3);
	iommusim_stats_foreach_counter(NULL, visit, &log);
	iommusim_stats_reset(NULL);
	iommusim_stats_destroy(st);
}

static void small_values_are_exact(void **state)
{
	iommusim_stats_t *st = iommusim_stats_create();
	iommusim_hist_t *h = iommusim_stats_hist(st, "h", "cycles", NULL);
	uint64_t seed = 7, vals[5000];
	(void)state;

	for (size_t i = 0; i < 5000; i++) {
		vals[i] = rng_next(&seed) % (1u << SUB_BITS);
		iommusim_hist_add(h, vals[i]);
	}
	qsort(vals, 5000, sizeof(vals[0]), cmp_u64);
	for (double p = 0.5; p <= 100.0; p += 0.5)
		assert_int_equal(iommusim_hist_percentile(h, p), ref_percentile(vals, 5000, p));
	assert_int_equal(iommusim_hist_min(h), vals[0]);
	assert_int_equal(iommusim_hist_max(h), vals[4999]);
	iommusim_stats_destroy(st);
}

/* Every bucket edge: with {0, v, v}, p60 is v's bucket lower bound (min does not clamp). */
static void bucket_edges(void **state)
{
	iommusim_stats_t *st = iommusim_stats_create();
	iommusim_hist_t *h = iommusim_stats_hist(st, "h", "ps", NULL);
	(void)state;

	for (int k = 0; k < 64; k++) {
		const uint64_t base = 1ull << k;
		const uint64_t cands[] = { base - 1, base, base + 1, base + (base >> 1),
					   base | (base >> 8), (base << 1) - 1 };
		for (size_t c = 0; c < sizeof(cands) / sizeof(cands[0]); c++) {
			uint64_t v = cands[c];
			iommusim_hist_reset(h);
			iommusim_hist_add(h, 0);
			iommusim_hist_add(h, v);
			iommusim_hist_add(h, v);
			uint64_t got = iommusim_hist_percentile(h, 60);
			if (got != ref_lower(v))
				fail_msg("v=%llu: p60 %llu, want %llu", (unsigned long long)v,
					 (unsigned long long)got, (unsigned long long)ref_lower(v));
			assert_true(got <= v);
			if (v >= 256)
				assert_true((double)(v - got) < (double)v / 128.0);
			assert_int_equal(iommusim_hist_max(h), v);
			assert_int_equal(iommusim_hist_percentile(h, 100), v);
		}
	}
	iommusim_stats_destroy(st);
}

static void check_distribution(uint64_t *vals, size_t n, const char *what)
{
	iommusim_stats_t *st = iommusim_stats_create();
	iommusim_hist_t *h = iommusim_stats_hist(st, "lat", "ps", NULL);
	static const double ps[] = { 0.001, 1, 10, 25, 50, 75, 90, 99, 99.9, 99.99, 100 };
	long double sum = 0;

	for (size_t i = 0; i < n; i++) {
		iommusim_hist_add(h, vals[i]);
		sum += vals[i];
	}
	qsort(vals, n, sizeof(vals[0]), cmp_u64);
	assert_int_equal(iommusim_hist_count(h), n);
	assert_int_equal(iommusim_hist_min(h), vals[0]);
	assert_int_equal(iommusim_hist_max(h), vals[n - 1]);
	double mean = (double)(sum / n);
	assert_true(fabs(iommusim_hist_mean(h) - mean) <= 1e-12 * mean);

	for (size_t i = 0; i < sizeof(ps) / sizeof(ps[0]); i++) {
		uint64_t exact = ref_percentile(vals, n, ps[i]);
		uint64_t got = iommusim_hist_percentile(h, ps[i]);
		uint64_t want = ref_lower(exact);
		if (want < vals[0])
			want = vals[0];
		if (ps[i] == 100)
			want = vals[n - 1];
		if (got != want)
			fail_msg("%s p%g: got %llu, exact %llu, bucket bound %llu", what, ps[i],
				 (unsigned long long)got, (unsigned long long)exact,
				 (unsigned long long)want);
		/* the documented guarantee, independent of the bucket layout */
		assert_true(got <= exact);
		assert_true((double)(exact - got) <= (double)exact / (1u << (SUB_BITS - 1)));
	}
	iommusim_stats_destroy(st);
}

static void percentiles_match_sorted_reference(void **state)
{
	enum { N = 100000 };
	uint64_t *vals = malloc(N * sizeof(*vals));
	uint64_t seed = 0x1234;
	(void)state;

	assert_non_null(vals);
	for (size_t i = 0; i < N; i++)            /* uniform latencies, 0..10 us in ps */
		vals[i] = rng_next(&seed) % 10000000;
	check_distribution(vals, N, "uniform");
	for (size_t i = 0; i < N; i++) {          /* log-uniform over 2^0 .. 2^48 */
		unsigned bits = 1 + (unsigned)(rng_next(&seed) % 48);
		vals[i] = rng_next(&seed) >> (64 - bits);
	}
	check_distribution(vals, N, "log-uniform");
	for (size_t i = 0; i < N; i++) {          /* bimodal: IOTLB hit vs. page walk */
		uint64_t r = rng_next(&seed);
		vals[i] = (r & 1) ? 2000 + r % 64 : 400000 + (r >> 8) % 300000;
	}
	check_distribution(vals, N, "bimodal");
	for (size_t i = 0; i < 1000; i++)          /* full 64-bit range */
		vals[i] = rng_next(&seed) >> (rng_next(&seed) % 64);
	check_distribution(vals, 1000, "full-range");
	free(vals);
}

static void empty_and_out_of_range_p(void **state)
{
	iommusim_stats_t *st = iommusim_stats_create();
	iommusim_hist_t *h = iommusim_stats_hist(st, "h", "ps", "help");
	iommusim_error_t err = { 0 };
	static const char *const fields[] = { "count", "min", "max", "mean", "p50", "p90", "p99" };
	(void)state;

	assert_int_equal(iommusim_hist_count(h), 0);
	assert_int_equal(iommusim_hist_min(h), 0);
	assert_int_equal(iommusim_hist_max(h), 0);
	assert_true(iommusim_hist_mean(h) == 0.0);
	assert_int_equal(iommusim_hist_percentile(h, 50), 0);
	assert_int_equal(iommusim_hist_percentile(h, 100), 0);
	for (size_t i = 0; i < 7; i++) {
		char name[16];
		double v = -1;
		snprintf(name, sizeof(name), "h.%s", fields[i]);
		assert_int_equal(iommusim_stats_get(st, name, &v, &err), 0);
		assert_true(v == 0.0);
	}

	iommusim_hist_add(h, 10);
	iommusim_hist_add(h, 1000);
	iommusim_hist_add(h, 100000);
	assert_int_equal(iommusim_hist_percentile(h, 0), 10);
	assert_int_equal(iommusim_hist_percentile(h, -5), 10);
	assert_int_equal(iommusim_hist_percentile(h, NAN), 10);
	assert_int_equal(iommusim_hist_percentile(h, 150), 100000);
	assert_int_equal(iommusim_hist_percentile(h, 1e-9), 10);
	assert_int_equal(iommusim_hist_percentile(h, 33.4), ref_lower(1000));
	assert_int_equal(iommusim_hist_percentile(h, 66.6), ref_lower(1000));
	assert_int_equal(iommusim_hist_percentile(h, 66.7), ref_lower(100000));

	/* NULL histograms read as empty and ignore samples */
	iommusim_hist_add(NULL, 1);
	assert_int_equal(iommusim_hist_count(NULL), 0);
	assert_int_equal(iommusim_hist_percentile(NULL, 50), 0);
	assert_true(iommusim_hist_mean(NULL) == 0.0);
	iommusim_hist_reset(NULL);
	iommusim_stats_destroy(st);
	iommusim_stats_destroy(NULL);
}

static void huge_values(void **state)
{
	iommusim_stats_t *st = iommusim_stats_create();
	iommusim_hist_t *h = iommusim_stats_hist(st, "h", "ps", NULL);
	const uint64_t mid = (1ull << 63) + (1ull << 60) + 5;
	(void)state;

	iommusim_hist_add(h, UINT64_MAX);
	iommusim_hist_add(h, UINT64_MAX);
	/* the sum passes 2^64: the mean must not wrap */
	assert_true(iommusim_hist_mean(h) == (double)UINT64_MAX);
	assert_int_equal(iommusim_hist_min(h), UINT64_MAX);
	assert_int_equal(iommusim_hist_max(h), UINT64_MAX);
	assert_int_equal(iommusim_hist_percentile(h, 50), UINT64_MAX);   /* clamped to min */
	assert_int_equal(iommusim_hist_percentile(h, 100), UINT64_MAX);

	iommusim_hist_reset(h);
	iommusim_hist_add(h, 1000);
	iommusim_hist_add(h, mid);
	iommusim_hist_add(h, UINT64_MAX);
	assert_int_equal(iommusim_hist_percentile(h, 50), (1ull << 63) + (1ull << 60));
	assert_int_equal(iommusim_hist_percentile(h, 99), 0xff00000000000000ull);
	assert_int_equal(iommusim_hist_percentile(h, 100), UINT64_MAX);
	double want = (1000.0 + (double)mid + (double)UINT64_MAX) / 3.0;
	assert_true(fabs(iommusim_hist_mean(h) - want) <= 1e-15 * want);
	iommusim_stats_destroy(st);
}

static void get_by_name(void **state)
{
	iommusim_stats_t *st = iommusim_stats_create();
	iommusim_error_t err = { 0 };
	double v;
	(void)state;

	*iommusim_stats_counter(st, "vtd0.iotlb.hit", NULL) = 11;
	*iommusim_stats_counter(st, "vtd0.iotlb.miss", NULL) = 3;
	*iommusim_stats_counter(st, "vtd0.walk.reads", NULL) = 12;
	iommusim_hist_t *h = iommusim_stats_hist(st, "vtd0.lat", "ps", NULL);
	for (uint64_t i = 1; i <= 100; i++)
		iommusim_hist_add(h, i);

	assert_int_equal(iommusim_stats_get(st, "vtd0.iotlb.miss", &v, &err), 0);
	assert_true(v == 3.0);
	const struct { const char *name; double want; } reads[] = {
		{ "vtd0.lat.count", 100 }, { "vtd0.lat.min", 1 }, { "vtd0.lat.max", 100 },
		{ "vtd0.lat.mean", 50.5 }, { "vtd0.lat.p50", 50 }, { "vtd0.lat.p90", 90 },
		{ "vtd0.lat.p99", 99 },
	};
	for (size_t i = 0; i < sizeof(reads) / sizeof(reads[0]); i++) {
		assert_int_equal(iommusim_stats_get(st, reads[i].name, &v, &err), 0);
		if (v != reads[i].want)
			fail_msg("%s = %g, want %g", reads[i].name, v, reads[i].want);
	}

	assert_int_equal(iommusim_stats_get(st, "vtd0.iotlb.hti", &v, &err), -ENOENT);
	assert_int_equal(err.code, -ENOENT);
	assert_non_null(strstr(err.msg, "\"vtd0.iotlb.hti\""));
	assert_non_null(strstr(err.msg, "vtd0.iotlb.hit"));
	assert_int_equal(iommusim_stats_get(st, "vtd0.lat.cuont", &v, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "vtd0.lat.count"));
	assert_int_equal(iommusim_stats_get(st, "vtd0.lat.p75", &v, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "vtd0.lat.p50"));
	/* the histogram itself has no single value */
	assert_int_equal(iommusim_stats_get(st, "vtd0.lat", &v, &err), -ENOENT);
	assert_non_null(strstr(err.msg, ".p50"));
	/* a prefix lists what is below it */
	assert_int_equal(iommusim_stats_get(st, "vtd0.iotlb", &v, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "vtd0.iotlb.hit"));
	assert_non_null(strstr(err.msg, "vtd0.iotlb.miss"));
	/* a counter has no histogram suffixes */
	assert_int_equal(iommusim_stats_get(st, "vtd0.iotlb.hit.count", &v, &err), -ENOENT);
	assert_int_equal(iommusim_stats_get(st, "zzzzzzzz", &v, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "no close name"));
	assert_int_equal(iommusim_stats_get(st, "", &v, &err), -ENOENT);
	assert_int_equal(iommusim_stats_get(st, NULL, &v, &err), -EINVAL);
	assert_int_equal(iommusim_stats_get(st, "vtd0.iotlb.hit", NULL, &err), -EINVAL);
	assert_int_equal(iommusim_stats_get(NULL, "x", &v, &err), -EINVAL);
	iommusim_stats_destroy(st);
}

static void json_output(void **state)
{
	iommusim_stats_t *st = iommusim_stats_create();
	const char *weird = "dev \"0\"\nline2\\";
	json_error_t jerr;
	(void)state;

	*iommusim_stats_counter(st, "z.last", NULL) = 9;
	*iommusim_stats_counter(st, weird, NULL) = 42;
	*iommusim_stats_counter(st, "a.big", NULL) = UINT64_MAX;
	iommusim_hist_t *h = iommusim_stats_hist(st, "lat", "ps", NULL);
	iommusim_stats_hist(st, "empty", "cycles", NULL);
	static const uint64_t samples[] = { 5, 7, 300, 1000, 123456 };
	for (size_t i = 0; i < 5; i++)
		iommusim_hist_add(h, samples[i]);

	char *text = iommusim_stats_to_json(st);
	assert_non_null(text);
	json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		fail_msg("invalid JSON (%s): %s", jerr.text, text);
	assert_int_equal(json_object_size(root), 2);
	json_t *c = json_object_get(root, "counters");
	json_t *hs = json_object_get(root, "histograms");
	assert_true(json_is_object(c));
	assert_true(json_is_object(hs));
	assert_int_equal(json_object_size(c), 3);
	assert_int_equal(json_integer_value(json_object_get(c, "z.last")), 9);
	assert_int_equal(json_integer_value(json_object_get(c, weird)), 42);
	assert_true(json_is_real(json_object_get(c, "a.big")));
	assert_true(json_real_value(json_object_get(c, "a.big")) == 18446744073709551616.0);

	json_t *l = json_object_get(hs, "lat");
	assert_int_equal(json_object_size(l), 8);
	assert_string_equal(json_string_value(json_object_get(l, "unit")), "ps");
	assert_int_equal(json_integer_value(json_object_get(l, "count")), 5);
	assert_int_equal(json_integer_value(json_object_get(l, "min")), 5);
	assert_int_equal(json_integer_value(json_object_get(l, "max")), 123456);
	assert_true(json_real_value(json_object_get(l, "mean")) == 124768.0 / 5.0);
	/* ranks 3, 5, 5 of {5, 7, 300, 1000, 123456} */
	assert_int_equal(json_integer_value(json_object_get(l, "p50")), ref_lower(300));
	assert_int_equal(json_integer_value(json_object_get(l, "p90")), ref_lower(123456));
	assert_int_equal(json_integer_value(json_object_get(l, "p99")), ref_lower(123456));
	assert_int_equal(ref_lower(123456), 123392);

	json_t *e = json_object_get(hs, "empty");
	assert_string_equal(json_string_value(json_object_get(e, "unit")), "cycles");
	assert_int_equal(json_integer_value(json_object_get(e, "count")), 0);
	assert_true(json_real_value(json_object_get(e, "mean")) == 0.0);
	assert_int_equal(json_integer_value(json_object_get(e, "p99")), 0);

	/* names in sorted order, and the same text every time */
	assert_true(strstr(text, "\"a.big\"") < strstr(text, "\"dev \\\"0\\\"\\nline2\\\\\""));
	assert_true(strstr(text, "\"dev \\\"0") < strstr(text, "\"z.last\""));
	assert_true(strstr(text, "\"empty\"") < strstr(text, "\"lat\""));
	char *again = iommusim_stats_to_json(st);
	assert_string_equal(text, again);
	free(again);
	free(text);
	json_decref(root);

	iommusim_stats_t *none = iommusim_stats_create();
	text = iommusim_stats_to_json(none);
	root = json_loads(text, 0, &jerr);
	assert_non_null(root);
	assert_int_equal(json_object_size(json_object_get(root, "counters")), 0);
	assert_int_equal(json_object_size(json_object_get(root, "histograms")), 0);
	json_decref(root);
	free(text);
	assert_null(iommusim_stats_to_json(NULL));
	iommusim_stats_destroy(none);
	iommusim_stats_destroy(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counters_are_stable_slots),
		cmocka_unit_test(foreach_and_reset),
		cmocka_unit_test(small_values_are_exact),
		cmocka_unit_test(bucket_edges),
		cmocka_unit_test(percentiles_match_sorted_reference),
		cmocka_unit_test(empty_and_out_of_range_p),
		cmocka_unit_test(huge_values),
		cmocka_unit_test(get_by_name),
		cmocka_unit_test(json_output),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
