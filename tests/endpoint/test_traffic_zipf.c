/* SPDX-License-Identifier: MIT */
/*
 * Tests of the traffic generators' random sources (models/endpoint/traffic_zipf.c and the
 * generator in traffic_priv.h): the published first outputs of splitmix64 and xoshiro256**,
 * the bounded draw, the project's own ln/exp against the C library, and the zipf table
 * against hand-computed thresholds and a table built here with pow().
 */
#include "tests/support/test.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "models/endpoint/traffic_priv.h"

#define ONE TRAFFIC_ZIPF_ONE

/* The reference outputs published with the algorithms: splitmix64 from state 0, and
 * xoshiro256** from the state {1, 2, 3, 4}. */
static void rng_reference_vectors(void **state)
{
	uint64_t x = 0;
	assert_int_equal(traffic_splitmix64(&x), 0xe220a8397b1dcdafull);

	traffic_rng_t r = { { 1, 2, 3, 4 } };
	static const uint64_t want[] = { 11520, 0, 1509978240, 1215971899390074240ull,
					 1216172134540287360ull, 607988272756665600ull };
	for (unsigned i = 0; i < 6; i++)
		assert_int_equal(traffic_rng_next(&r), want[i]);
}

/* Seeding: four splitmix64 outputs (values from the independent model). */
static void rng_seeding(void **state)
{
	traffic_rng_t r;
	traffic_rng_seed(&r, 7);
	assert_int_equal(traffic_rng_next(&r), 0xb358faf74ef9765aull);
	assert_int_equal(traffic_rng_next(&r), 0x475c3d964f482cd2ull);
	assert_int_equal(traffic_rng_next(&r), 0xd6f1d349952c7996ull);

	traffic_rng_seed(&r, 0);   /* seed 0 is a good seed too */
	assert_int_equal(traffic_rng_next(&r), 0x99ec5f36cb75f2b4ull);
	assert_int_equal(traffic_rng_next(&r), 0xbf6e1f784956452aull);
}

static void rng_below(void **state)
{
	traffic_rng_t a, b;

	/* n a power of two never rejects: the draw is the top bits */
	traffic_rng_seed(&a, 99);
	traffic_rng_seed(&b, 99);
	for (unsigned i = 0; i < 1000; i++)
		assert_int_equal(traffic_rng_below(&a, 16), traffic_rng_next(&b) >> 60);

	/* n = 1: always 0 */
	for (unsigned i = 0; i < 100; i++)
		assert_int_equal(traffic_rng_below(&a, 1), 0);

	/* n = 2^63 + 1 rejects about half of the draws; results stay below n and both halves
	 * of the range appear */
	uint64_t n = (1ull << 63) + 1;
	unsigned high = 0;
	for (unsigned i = 0; i < 2000; i++) {
		uint64_t v = traffic_rng_below(&a, n);
		assert_true(v < n);
		high += v >= (1ull << 62);
	}
	assert_true(high > 900 && high < 1100);   /* P(v >= 2^62) = 1/2, sd 22 */

	/* n = 2^64 - 1 */
	for (unsigned i = 0; i < 1000; i++)
		assert_true(traffic_rng_below(&a, UINT64_MAX) < UINT64_MAX);

	/* n = 3: chi-square over 30000 draws, 2 degrees of freedom (0.999 quantile 13.8) */
	unsigned h[3] = { 0 };
	for (unsigned i = 0; i < 30000; i++)
		h[traffic_rng_below(&a, 3)]++;
	double chi2 = 0;
	for (unsigned i = 0; i < 3; i++)
		chi2 += (h[i] - 10000.0) * (h[i] - 10000.0) / 10000.0;
	assert_true(chi2 < 13.8);
}

static void ln_accuracy(void **state)
{
	assert_true(traffic_ln(1.0) == 0.0);
	assert_true(isinf(traffic_ln(0.0)) && traffic_ln(0.0) < 0);
	assert_true(isinf(traffic_ln(-1.0)));
	for (uint64_t x = 1; x <= 5000000; x += (x < 5000 ? 1 : 997)) {
		double got = traffic_ln((double)x), want = log((double)x);
		if (fabs(got - want) > 4e-16 * fmax(1.0, fabs(want)))
			fail_msg("ln(%llu) = %.17g, libm %.17g", (unsigned long long)x, got, want);
	}
	for (int e = -60; e <= 60; e++) {
		double x = ldexp(1.0, e);
		assert_true(fabs(traffic_ln(x) - e * log(2.0)) <= 4e-16 * fmax(1.0, fabs(e * log(2.0))));
	}
}

static void exp_accuracy(void **state)
{
	assert_true(traffic_exp(0.0) == 1.0);
	assert_true(traffic_exp(-log(2.0)) == 0.5);
	assert_true(traffic_exp(-800.0) == 0.0);
	assert_true(isinf(traffic_exp(800.0)));
	for (double y = -700.0; y <= 5.0; y += 0.01234567) {
		double got = traffic_exp(y), want = exp(y);
		if (fabs(got - want) > 1e-15 * want)
			fail_msg("exp(%.17g) = %.17g, libm %.17g", y, got, want);
	}
}

/* theta 0: weights 1, c_r = r, thresholds r/8 * 2^53 exactly. */
static void table_uniform(void **state)
{
	traffic_zipf_t z;
	assert_int_equal(traffic_zipf_init(&z, 8, 0), 0);
	for (unsigned r = 1; r <= 8; r++)
		assert_int_equal(z.thr[r - 1], (uint64_t)r << 50);
	/* the rank of u is the first threshold above it */
	assert_int_equal(traffic_zipf_rank(&z, 0), 1);
	assert_int_equal(traffic_zipf_rank(&z, (1ull << 50) - 1), 1);
	assert_int_equal(traffic_zipf_rank(&z, 1ull << 50), 2);
	assert_int_equal(traffic_zipf_rank(&z, (3ull << 50) + 5), 4);
	assert_int_equal(traffic_zipf_rank(&z, ONE - 1), 8);
	traffic_zipf_fini(&z);
	traffic_zipf_fini(&z);   /* twice is harmless */
}

/* theta 1 on two ranks: weights 1 and 1/2, so CDF(1) = 2/3; the double nearest 2/3 is
 * 6004799503160661 / 2^53. */
static void table_hand(void **state)
{
	traffic_zipf_t z;
	assert_int_equal(traffic_zipf_init(&z, 2, 1000000), 0);
	assert_int_equal(z.thr[0], 6004799503160661ull);
	assert_int_equal(z.thr[1], ONE);
	assert_int_equal(traffic_zipf_rank(&z, 6004799503160660ull), 1);
	assert_int_equal(traffic_zipf_rank(&z, 6004799503160661ull), 2);
	traffic_zipf_fini(&z);

	/* one rank */
	assert_int_equal(traffic_zipf_init(&z, 1, 990000), 0);
	assert_int_equal(z.thr[0], ONE);
	assert_int_equal(traffic_zipf_rank(&z, 0), 1);
	assert_int_equal(traffic_zipf_rank(&z, ONE - 1), 1);
	traffic_zipf_fini(&z);

	assert_int_equal(traffic_zipf_init(&z, 0, 990000), -EINVAL);
	assert_null(z.thr);
}

/* Against a table built here with pow() in the same order. */
static void table_vs_libm(void **state)
{
	static const uint32_t thetas[] = { 1, 500000, 990000, 1000000, 1500000, 10000000 };
	enum { N = 4096 };
	double *ref = malloc(N * sizeof(double));
	assert_non_null(ref);

	for (unsigned t = 0; t < sizeof(thetas) / sizeof(thetas[0]); t++) {
		traffic_zipf_t z;
		double theta = thetas[t] / 1e6, c = 0;
		assert_int_equal(traffic_zipf_init(&z, N, thetas[t]), 0);
		for (unsigned r = 1; r <= N; r++) {
			c += pow((double)r, -theta);
			ref[r - 1] = c;
		}
		for (unsigned i = 0; i < N; i++) {
			double want = ref[i] / c * (double)ONE;
			if (fabs((double)z.thr[i] - want) > 1e-12 * (double)ONE)
				fail_msg("theta %g rank %u: %llu, want %.1f", theta, i + 1,
					 (unsigned long long)z.thr[i], want);
			if (i)
				assert_true(z.thr[i] >= z.thr[i - 1]);
		}
		assert_int_equal(z.thr[N - 1], ONE);
		traffic_zipf_fini(&z);
	}
	free(ref);
}

/* Bit-exact tables: values from an independent re-implementation of the documented
 * construction (docs/traffic.md, "Determinism") in another language with IEEE-754 doubles.
 * A build that fuses multiplies and adds, or evaluates doubles in extended precision, fails
 * here. The hash is h = h * 1000003 + thr[i] (mod 2^64) over the table. */
static void table_bits(void **state)
{
	static const struct {
		uint64_t n;
		uint32_t ppm;
		uint64_t t0, t1, t10th, tlast2, hash;
	} cases[] = {
		{ 4096, 990000, 973740119869083ull, 1463996628876617ull, 6600588871947039ull,
		  9006940905782178ull, 0x95338b20644b2936ull },
		{ 1000, 1500000, 3533418900996464ull, 4782671133830123ull, 8529176018574710ull,
		  9007087518224445ull, 0x8621624f2d97a81cull },
		{ 100, 10000000, 8998249819276845ull, 9007037172615982ull, 9007199254464617ull,
		  9007199254740992ull, 0x123d7f8cca41c98eull },
		{ 5000, 1, 1801453394635ull, 3602905540598ull, 902523435335841ull,
		  9005397816689618ull, 0x133b1b352b3f4d74ull },
	};
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		traffic_zipf_t z;
		uint64_t n = cases[c].n, h = 0;
		assert_int_equal(traffic_zipf_init(&z, n, cases[c].ppm), 0);
		assert_int_equal(z.thr[0], cases[c].t0);
		assert_int_equal(z.thr[1], cases[c].t1);
		assert_int_equal(z.thr[n / 10], cases[c].t10th);
		assert_int_equal(z.thr[n - 2], cases[c].tlast2);
		for (uint64_t i = 0; i < n; i++)
			h = h * 1000003u + z.thr[i];
		assert_int_equal(h, cases[c].hash);
		traffic_zipf_fini(&z);
	}
}

/* The first index whose threshold exceeds u, by a plain bisection over the whole table. */
static uint64_t ref_rank(const traffic_zipf_t *z, uint64_t u)
{
	uint64_t lo = 0, hi = z->n;   /* first index in [lo, hi) with thr > u */
	while (lo < hi) {
		uint64_t mid = (lo + hi) / 2;
		if (z->thr[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo + 1;
}

static void check_rank(const traffic_zipf_t *z, uint64_t u)
{
	if (u >= ONE)
		return;
	uint64_t got = traffic_zipf_rank(z, u), want = ref_rank(z, u);
	if (got != want)
		fail_msg("n %llu u %llu: rank %llu, bisection %llu", (unsigned long long)z->n,
			 (unsigned long long)u, (unsigned long long)got, (unsigned long long)want);
}

/* The guide table changes the speed, never the answer: at every bucket edge, every
 * threshold edge and at random points, for tables smaller and larger than the guide. */
static void guided_rank(void **state)
{
	static const struct { uint64_t n; uint32_t theta; } cases[] = {
		{ 1, 990000 }, { 2, 1000000 }, { 3, 0 }, { 1000, 990000 }, { 4096, 500000 },
		{ 5000, 2000000 }, { 65537, 10000000 }, { (1u << 20) + 3, 990000 },
	};
	traffic_rng_t r;
	traffic_rng_seed(&r, 1);
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		traffic_zipf_t z;
		assert_int_equal(traffic_zipf_init(&z, cases[c].n, cases[c].theta), 0);
		uint64_t g = ONE >> z.shift;
		assert_true(g <= (1u << TRAFFIC_ZIPF_GUIDE_BITS_MAX));
		for (uint64_t j = 0; j < g; j += 1 + g / 5000) {
			check_rank(&z, j << z.shift);
			check_rank(&z, (j << z.shift) - (j ? 1 : 0));
			check_rank(&z, ((j + 1) << z.shift) - 1);
		}
		for (uint64_t i = 0; i < z.n; i += 1 + z.n / 5000) {
			check_rank(&z, z.thr[i]);
			if (z.thr[i])
				check_rank(&z, z.thr[i] - 1);
		}
		for (unsigned i = 0; i < 20000; i++)
			check_rank(&z, traffic_rng_next(&r) >> 11);
		check_rank(&z, 0);
		check_rank(&z, ONE - 1);
		traffic_zipf_fini(&z);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rng_reference_vectors),
		cmocka_unit_test(rng_seeding),
		cmocka_unit_test(rng_below),
		cmocka_unit_test(ln_accuracy),
		cmocka_unit_test(exp_accuracy),
		cmocka_unit_test(table_uniform),
		cmocka_unit_test(table_hand),
		cmocka_unit_test(table_vs_libm),
		cmocka_unit_test(table_bits),
		cmocka_unit_test(guided_rank),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
