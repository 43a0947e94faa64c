/* SPDX-License-Identifier: MIT */
/*
 * Issue-time stepper tests (models/endpoint/traffic_clock.c): the n-th step equals
 * floor(n * num / den), computed here directly with 128-bit integers, for small hand-checked
 * cases, for remainders next to den (where a careless sum would overflow), for long runs,
 * and saturation at IOMMUSIM_TIME_MAX.
 */
#include "tests/support/test.h"

#include "models/endpoint/traffic_priv.h"

static uint64_t closed_form(uint64_t n, traffic_u128 num, uint64_t den)
{
	traffic_u128 t = (traffic_u128)n * num / den;   /* n * num < 2^128 in these tests */
	return t > IOMMUSIM_TIME_MAX ? IOMMUSIM_TIME_MAX : (uint64_t)t;
}

static void check_run(traffic_u128 num, uint64_t den, uint64_t steps)
{
	traffic_clock_t c;
	traffic_clock_init(&c, num, den);
	for (uint64_t n = 0; n <= steps; n++) {
		uint64_t want = closed_form(n, num, den);
		if (c.t != want)
			fail_msg("num %llu:%llu den %llu step %llu: %llu, want %llu",
				 (unsigned long long)(uint64_t)(num >> 64), (unsigned long long)(uint64_t)num,
				 (unsigned long long)den, (unsigned long long)n,
				 (unsigned long long)c.t, (unsigned long long)want);
		traffic_clock_step(&c);
	}
}

static void hand_values(void **state)
{
	traffic_clock_t c;
	/* 10/3 per step: 0 3 6 10 13 16 20 */
	static const uint64_t want[] = { 0, 3, 6, 10, 13, 16, 20 };
	traffic_clock_init(&c, 10, 3);
	for (unsigned i = 0; i < 7; i++) {
		assert_int_equal(c.t, want[i]);
		traffic_clock_step(&c);
	}
	/* reset starts again at 0 with no remainder */
	traffic_clock_reset(&c);
	assert_int_equal(c.t, 0);
	traffic_clock_step(&c);
	assert_int_equal(c.t, 3);

	/* unpaced: always 0 */
	traffic_clock_init(&c, 12345, 0);
	for (unsigned i = 0; i < 10; i++) {
		assert_int_equal(c.t, 0);
		traffic_clock_step(&c);
	}

	/* a quarter per step: 0 0 0 0 1 1 1 1 2 */
	traffic_clock_init(&c, 1, 4);
	for (unsigned i = 0; i < 9; i++) {
		assert_int_equal(c.t, i / 4);
		traffic_clock_step(&c);
	}
}

static void exact_runs(void **state)
{
	/* rates as the generators build them */
	check_run((traffic_u128)1500 * 8 * IOMMUSIM_PS_PER_S, 7000000000ull, 200000);     /* 7 Gb/s */
	check_run((traffic_u128)64 * 8 * IOMMUSIM_PS_PER_S, 100000000000ull, 200000);    /* 100 Gb/s */
	check_run((traffic_u128)4096 * 8 * IOMMUSIM_PS_PER_S, 3ull, 1000);                /* 3 b/s */
	check_run(IOMMUSIM_PS_PER_S, 7, 100000);                                            /* 7 op/s */
	check_run(IOMMUSIM_PS_PER_S, 999999999989ull, 100000);                              /* prime-ish */
	/* remainders next to den: den = 2^64 - 1, num = 5 den + (den - 1) */
	uint64_t d = UINT64_MAX;
	check_run((traffic_u128)d * 5 + (d - 1), d, 100000);
	check_run((traffic_u128)d - 1, d, 100000);
	/* a 64-bit den with a 73-bit num (1 GiB blocks) */
	check_run((traffic_u128)(1ull << 30) * 8 * IOMMUSIM_PS_PER_S, 0xfedcba9876543210ull, 2000);
}

static void saturation(void **state)
{
	traffic_clock_t c;

	/* q = 2^63: 0, 2^63, then past the end */
	traffic_clock_init(&c, (traffic_u128)1 << 63, 1);
	assert_int_equal(c.t, 0);
	traffic_clock_step(&c);
	assert_int_equal(c.t, 1ull << 63);
	traffic_clock_step(&c);
	assert_int_equal(c.t, IOMMUSIM_TIME_MAX);
	traffic_clock_step(&c);
	assert_int_equal(c.t, IOMMUSIM_TIME_MAX);

	/* num / den above 2^64: the first step is already past the end */
	traffic_clock_init(&c, (traffic_u128)1 << 80, 3);
	assert_true(c.q_overflow);
	assert_int_equal(c.t, 0);
	traffic_clock_step(&c);
	assert_int_equal(c.t, IOMMUSIM_TIME_MAX);
	traffic_clock_reset(&c);
	assert_int_equal(c.t, 0);

	/* reaching exactly 2^64 - 1 is not saturation but looks the same; then it stays */
	traffic_clock_init(&c, UINT64_MAX / 3, 1);   /* 2^64 - 1 = 3 * 6148914691236517205 */
	for (unsigned i = 0; i < 3; i++)
		traffic_clock_step(&c);
	assert_int_equal(c.t, UINT64_MAX);
	traffic_clock_step(&c);
	assert_int_equal(c.t, IOMMUSIM_TIME_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hand_values),
		cmocka_unit_test(exact_runs),
		cmocka_unit_test(saturation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
