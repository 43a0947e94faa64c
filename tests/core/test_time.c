/* SPDX-License-Identifier: MIT */
#include "tests/support/test.h"

#include <errno.h>

#include "iommusim/time.h"

#define TMAX IOMMUSIM_TIME_MAX

/* Exact 128-bit reference arithmetic, clamped to the 64-bit end of time. */
__extension__ typedef unsigned __int128 u128;

static uint64_t ref_clamp(u128 v)
{
	return v > (u128)TMAX ? TMAX : (uint64_t)v;
}

static void add_sub_max_saturate(void **state)
{
	(void)state;
	assert_int_equal(iommusim_time_add(2, 3), 5);
	assert_true(iommusim_time_add(TMAX - 1, 1) == TMAX);
	assert_true(iommusim_time_add(TMAX - 1, 2) == TMAX);
	assert_true(iommusim_time_add(TMAX, TMAX) == TMAX);
	assert_true(iommusim_time_add(1, TMAX) == TMAX);
	assert_true(iommusim_time_add(TMAX, 0) == TMAX);
	assert_true(iommusim_time_add(1ull << 63, (1ull << 63) - 1) == TMAX);
	assert_int_equal(iommusim_time_sub(10, 4), 6);
	assert_int_equal(iommusim_time_sub(4, 10), 0);
	assert_int_equal(iommusim_time_sub(7, 7), 0);
	assert_true(iommusim_time_sub(TMAX, 0) == TMAX);
	assert_int_equal(iommusim_time_max(3, 9), 9);
	assert_int_equal(iommusim_time_max(9, 3), 9);
}

static void ns_conversions(void **state)
{
	(void)state;
	assert_int_equal(iommusim_time_from_ns(0), 0);
	assert_int_equal(iommusim_time_from_ns(1), 1000);
	assert_int_equal(iommusim_time_from_ns(65), 65000);
	/* 18446744073709551 ns is the largest that fits: 18446744073709551000 ps. */
	assert_true(iommusim_time_from_ns(18446744073709551ull) == 18446744073709551000ull);
	assert_true(iommusim_time_from_ns(18446744073709552ull) == TMAX);
	assert_true(iommusim_time_from_ns(UINT64_MAX) == TMAX);

	assert_true(iommusim_time_to_ns(0) == 0.0);
	assert_true(iommusim_time_to_ns(1500) == 1.5);
	assert_true(iommusim_time_to_ns(250) == 0.25);
	assert_true(iommusim_time_to_ns(IOMMUSIM_PS_PER_S) == 1e9);
	/* About 1.8447e16 ns at the end of time; stays finite and positive. */
	double end = iommusim_time_to_ns(TMAX);
	assert_true(end > 1.8446e16 && end < 1.8448e16);
}

static void clock_init_rounds_to_nearest(void **state)
{
	static const struct {
		uint64_t hz, period;
	} cases[] = {
		{ 1000000000ull, 1000 },              /* 1 GHz */
		{ 3000000000ull, 333 },               /* 333.33 */
		{ 1500000000ull, 667 },               /* 666.67 */
		{ 2000000000ull, 500 },
		{ 800000000ull, 1250 },
		{ 400000000000ull, 3 },               /* 2.5 rounds up */
		{ 600000000000ull, 2 },               /* 1.67 */
		{ 999999999999ull, 1 },
		{ 1000000000000ull, 1 },              /* 1 THz, the fastest */
		{ 7, 142857142857ull },               /* 142857142857.14 */
		{ 3, 333333333333ull },
		{ 1, 1000000000000ull },              /* 1 Hz, the slowest */
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		iommusim_clock_t c = { 0 };
		assert_int_equal(iommusim_clock_init_hz(&c, cases[i].hz), 0);
		assert_true(c.period_ps == cases[i].period);
	}
}

static void clock_init_rejects_bad_frequency(void **state)
{
	iommusim_clock_t c = { .period_ps = 77 };
	(void)state;
	assert_int_equal(iommusim_clock_init_hz(&c, 0), -EINVAL);
	assert_int_equal(iommusim_clock_init_hz(&c, 1000000000001ull), -EINVAL);
	assert_int_equal(iommusim_clock_init_hz(&c, UINT64_MAX), -EINVAL);
	assert_int_equal(c.period_ps, 77);   /* untouched on error */
	assert_int_equal(iommusim_clock_init_hz(NULL, 1000), -EINVAL);
}

static void clock_cycles_and_back(void **state)
{
	iommusim_clock_t ghz, odd;
	(void)state;
	assert_int_equal(iommusim_clock_init_hz(&ghz, 1000000000ull), 0);
	assert_int_equal(iommusim_clock_init_hz(&odd, 3000000000ull), 0);

	assert_int_equal(iommusim_clock_cycles(&ghz, 0), 0);
	assert_int_equal(iommusim_clock_cycles(&ghz, 2100), 2100000);
	assert_int_equal(iommusim_clock_cycles(&odd, 3), 999);   /* not 1000: periods are whole ps */

	assert_int_equal(iommusim_clock_to_cycles(&ghz, 0), 0);
	assert_int_equal(iommusim_clock_to_cycles(&ghz, 1), 1);
	assert_int_equal(iommusim_clock_to_cycles(&ghz, 1000), 1);
	assert_int_equal(iommusim_clock_to_cycles(&ghz, 1001), 2);
	assert_int_equal(iommusim_clock_to_cycles(&odd, 333), 1);
	assert_int_equal(iommusim_clock_to_cycles(&odd, 334), 2);
	assert_int_equal(iommusim_clock_to_cycles(&odd, 1000), 4);   /* 3.003 cycles */
	/* UINT64_MAX = ...551615 ps: 615 ps past the last whole 1 ns cycle. */
	assert_true(iommusim_clock_to_cycles(&ghz, TMAX) == 18446744073709552ull);
}

static void clock_cycles_saturate(void **state)
{
	iommusim_clock_t odd;
	(void)state;
	assert_int_equal(iommusim_clock_init_hz(&odd, 3000000000ull), 0);
	uint64_t most = UINT64_MAX / 333;   /* the largest n with n * 333 <= UINT64_MAX */
	assert_true(iommusim_clock_cycles(&odd, most) == most * 333);
	assert_true(iommusim_clock_cycles(&odd, most + 1) == TMAX);
	assert_true(iommusim_clock_cycles(&odd, UINT64_MAX) == TMAX);
}

static void next_edge_uneven_period_and_wrap(void **state)
{
	iommusim_clock_t odd, ghz;
	(void)state;
	assert_int_equal(iommusim_clock_init_hz(&odd, 3000000000ull), 0);
	assert_int_equal(iommusim_clock_init_hz(&ghz, 1000000000ull), 0);

	assert_int_equal(iommusim_clock_next_edge(&odd, 0), 0);
	assert_int_equal(iommusim_clock_next_edge(&odd, 1), 333);
	assert_int_equal(iommusim_clock_next_edge(&odd, 333), 333);
	assert_int_equal(iommusim_clock_next_edge(&odd, 334), 666);
	assert_int_equal(iommusim_clock_next_edge(&odd, 1000), 1332);

	/* The last 1 ns edge before the end of time is ...551000. */
	assert_true(iommusim_clock_next_edge(&ghz, 18446744073709551000ull) ==
		    18446744073709551000ull);
	assert_true(iommusim_clock_next_edge(&ghz, 18446744073709550999ull) ==
		    18446744073709551000ull);
	assert_true(iommusim_clock_next_edge(&ghz, 18446744073709551001ull) == TMAX);
	assert_true(iommusim_clock_next_edge(&ghz, TMAX) == TMAX);
	/* A 1 THz clock has an edge at every picosecond, including the last. */
	iommusim_clock_t thz;
	assert_int_equal(iommusim_clock_init_hz(&thz, 1000000000000ull), 0);
	assert_true(iommusim_clock_next_edge(&thz, TMAX) == TMAX);
	assert_true(iommusim_clock_next_edge(&thz, TMAX - 1) == TMAX - 1);
}

static void uninitialised_clock_never_divides_by_zero(void **state)
{
	iommusim_clock_t zero = { 0 };
	(void)state;
	assert_int_equal(iommusim_clock_cycles(&zero, 5), 5);
	assert_int_equal(iommusim_clock_to_cycles(&zero, 5), 5);
	assert_int_equal(iommusim_clock_next_edge(&zero, 12345), 12345);
	assert_int_equal(iommusim_clock_cycles(NULL, 7), 7);
	assert_int_equal(iommusim_clock_to_cycles(NULL, 7), 7);
	assert_int_equal(iommusim_clock_next_edge(NULL, 7), 7);
}

/* A fixed-seed sweep against exact 128-bit arithmetic, biased toward the end of time. */
static uint64_t rng_next(uint64_t *s)
{
	/* splitmix64 */
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void clock_matches_wide_reference(void **state)
{
	uint64_t seed = 12345;
	(void)state;
	for (int i = 0; i < 20000; i++) {
		iommusim_clock_t c;
		uint64_t hz = 1 + rng_next(&seed) % IOMMUSIM_PS_PER_S;
		assert_int_equal(iommusim_clock_init_hz(&c, hz), 0);
		uint64_t p = c.period_ps;
		/* The period is within half a picosecond of 10^12 / hz: |p*hz - 10^12| <= hz/2. */
		u128 ph = (u128)p * hz;
		u128 diff = ph > IOMMUSIM_PS_PER_S ? ph - IOMMUSIM_PS_PER_S : IOMMUSIM_PS_PER_S - ph;
		assert_true(diff * 2 <= hz);

		uint64_t r = rng_next(&seed);
		uint64_t t = (i & 1) ? UINT64_MAX - (r % (4 * p + 1)) : r;
		uint64_t n = (i & 2) ? r : r % 1000000;

		assert_true(iommusim_clock_cycles(&c, n) == ref_clamp((u128)n * p));
		assert_true(iommusim_clock_to_cycles(&c, t) == (uint64_t)(((u128)t + p - 1) / p));
		assert_true(iommusim_clock_next_edge(&c, t) ==
			    ref_clamp(((u128)t + p - 1) / p * p));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(add_sub_max_saturate),
		cmocka_unit_test(ns_conversions),
		cmocka_unit_test(clock_init_rounds_to_nearest),
		cmocka_unit_test(clock_init_rejects_bad_frequency),
		cmocka_unit_test(clock_cycles_and_back),
		cmocka_unit_test(clock_cycles_saturate),
		cmocka_unit_test(next_edge_uneven_period_and_wrap),
		cmocka_unit_test(uninitialised_clock_never_divides_by_zero),
		cmocka_unit_test(clock_matches_wide_reference),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
