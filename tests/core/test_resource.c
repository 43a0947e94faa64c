/* SPDX-License-Identifier: MIT */
#include "tests/support/test.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

#include "iommusim/resource.h"

#define TMAX IOMMUSIM_TIME_MAX

static void init_rejects_bad_input(void **state)
{
	iommusim_resource_t r;
	(void)state;
	assert_int_equal(iommusim_resource_init(NULL, 4), -EINVAL);
	memset(&r, 0xa5, sizeof(r));
	assert_int_equal(iommusim_resource_init(&r, 0), -EINVAL);
	assert_int_equal(r.nslots, 0);
	assert_null(r.busy_until);
	assert_int_equal(iommusim_resource_init(&r, UINT_MAX), -EINVAL);
	assert_int_equal(r.nslots, 0);
	iommusim_resource_fini(&r);
	iommusim_resource_fini(NULL);
}

static void one_slot_serialises_and_counts_waits(void **state)
{
	iommusim_resource_t r;
	unsigned slot = 99;
	(void)state;
	assert_int_equal(iommusim_resource_init(&r, 1), 0);
	assert_int_equal(iommusim_resource_acquire(&r, 0, 10, &slot), 0);
	assert_int_equal(slot, 0);
	assert_int_equal(iommusim_resource_acquire(&r, 5, 10, &slot), 10);    /* waits 5 */
	assert_int_equal(iommusim_resource_acquire(&r, 12, 3, NULL), 20);     /* waits 8 */
	assert_int_equal(iommusim_resource_acquire(&r, 23, 1, &slot), 23);    /* free at 23 exactly */
	assert_int_equal(iommusim_resource_acquire(&r, 30, 0, &slot), 30);
	assert_int_equal(r.grants, 5);
	assert_int_equal(r.waited, 2);
	assert_int_equal(r.wait_total, 13);
	iommusim_resource_fini(&r);
	assert_int_equal(r.nslots, 0);
	iommusim_resource_fini(&r);   /* twice is harmless */
}

static void earliest_free_slot_tie_lowest_index(void **state)
{
	iommusim_resource_t r;
	unsigned slot;
	(void)state;
	assert_int_equal(iommusim_resource_init(&r, 3), 0);

	/* All free at 0: ties go to the lowest index. */
	assert_int_equal(iommusim_resource_acquire(&r, 0, 30, &slot), 0);
	assert_int_equal(slot, 0);
	assert_int_equal(iommusim_resource_acquire(&r, 0, 10, &slot), 0);
	assert_int_equal(slot, 1);
	assert_int_equal(iommusim_resource_acquire(&r, 0, 20, &slot), 0);
	assert_int_equal(slot, 2);
	assert_int_equal(r.waited, 0);
	/* busy until: [30, 10, 20] -> slot 1 frees first */
	assert_int_equal(iommusim_resource_free_at(&r, 0), 10);
	assert_int_equal(iommusim_resource_acquire(&r, 4, 20, &slot), 10);
	assert_int_equal(slot, 1);
	/* [30, 30, 20] -> slot 2 */
	assert_int_equal(iommusim_resource_acquire(&r, 4, 10, &slot), 20);
	assert_int_equal(slot, 2);
	/* [30, 30, 30] -> tie at 30, lowest index */
	assert_int_equal(iommusim_resource_acquire(&r, 4, 1, &slot), 30);
	assert_int_equal(slot, 0);
	assert_int_equal(iommusim_resource_acquire(&r, 4, 1, &slot), 30);
	assert_int_equal(slot, 1);
	assert_int_equal(r.grants, 7);
	assert_int_equal(r.waited, 4);
	assert_int_equal(r.wait_total, 6 + 16 + 26 + 26);

	/* [31, 31, 30]: all free by 100; the one that freed first (slot 2) is taken, no wait. */
	assert_int_equal(iommusim_resource_acquire(&r, 100, 5, &slot), 100);
	assert_int_equal(slot, 2);
	assert_int_equal(r.waited, 4);
	iommusim_resource_fini(&r);
}

static void free_at_and_busy(void **state)
{
	iommusim_resource_t r;
	(void)state;
	assert_int_equal(iommusim_resource_init(&r, 2), 0);
	assert_int_equal(iommusim_resource_free_at(&r, 7), 7);
	assert_int_equal(iommusim_resource_busy(&r, 0), 0);
	assert_int_equal(iommusim_resource_acquire(&r, 0, 10, NULL), 0);
	assert_int_equal(iommusim_resource_acquire(&r, 0, 20, NULL), 0);
	/* free_at does not take anything */
	assert_int_equal(iommusim_resource_free_at(&r, 0), 10);
	assert_int_equal(iommusim_resource_free_at(&r, 0), 10);
	assert_int_equal(iommusim_resource_free_at(&r, 15), 15);
	assert_int_equal(r.grants, 2);
	/* a slot busy until u is free at u */
	assert_int_equal(iommusim_resource_busy(&r, 0), 2);
	assert_int_equal(iommusim_resource_busy(&r, 9), 2);
	assert_int_equal(iommusim_resource_busy(&r, 10), 1);
	assert_int_equal(iommusim_resource_busy(&r, 19), 1);
	assert_int_equal(iommusim_resource_busy(&r, 20), 0);
	iommusim_resource_fini(&r);
}

static void claim_and_release(void **state)
{
	iommusim_resource_t r;
	unsigned a, b, c;
	(void)state;
	assert_int_equal(iommusim_resource_init(&r, 2), 0);
	assert_int_equal(iommusim_resource_claim(&r, 0, &a), 0);
	assert_int_equal(iommusim_resource_claim(&r, 3, &b), 3);
	assert_int_equal(a, 0);
	assert_int_equal(b, 1);
	/* both held: no slot will ever free by itself */
	assert_true(iommusim_resource_claim(&r, 5, &c) == TMAX);
	assert_int_equal(c, UINT_MAX);
	assert_true(iommusim_resource_acquire(&r, 5, 1, &c) == TMAX);
	assert_int_equal(c, UINT_MAX);
	assert_true(iommusim_resource_free_at(&r, 5) == TMAX);
	assert_int_equal(iommusim_resource_busy(&r, TMAX - 1), 2);
	assert_int_equal(r.grants, 2);   /* failed attempts count nothing */
	assert_int_equal(r.waited, 0);

	assert_int_equal(iommusim_resource_release(&r, b, 50), 0);
	assert_int_equal(iommusim_resource_release(&r, b, 60), -ENOENT);   /* twice */
	assert_int_equal(iommusim_resource_release(&r, 2, 60), -EINVAL);   /* out of range */
	assert_int_equal(iommusim_resource_release(&r, UINT_MAX, 60), -EINVAL);
	assert_int_equal(iommusim_resource_busy(&r, 49), 2);
	assert_int_equal(iommusim_resource_busy(&r, 50), 1);
	assert_int_equal(iommusim_resource_free_at(&r, 0), 50);

	/* the released slot serves the next request, which waits for it */
	assert_int_equal(iommusim_resource_acquire(&r, 10, 5, &c), 50);
	assert_int_equal(c, 1);
	assert_int_equal(r.grants, 3);
	assert_int_equal(r.waited, 1);
	assert_int_equal(r.wait_total, 40);
	/* a claim waits like an acquire */
	assert_int_equal(iommusim_resource_claim(&r, 20, &c), 55);
	assert_int_equal(c, 1);
	assert_int_equal(r.wait_total, 75);
	assert_int_equal(iommusim_resource_release(&r, 0, 8), 0);
	assert_int_equal(iommusim_resource_release(&r, 1, 70), 0);
	assert_int_equal(iommusim_resource_free_at(&r, 0), 8);
	iommusim_resource_fini(&r);
}

static void end_of_time_saturates(void **state)
{
	iommusim_resource_t r;
	unsigned slot;
	(void)state;
	assert_int_equal(iommusim_resource_init(&r, 1), 0);
	/* ready == "never": nothing taken, nothing counted */
	assert_true(iommusim_resource_acquire(&r, TMAX, 1, &slot) == TMAX);
	assert_int_equal(slot, UINT_MAX);
	assert_int_equal(r.grants, 0);
	assert_int_equal(iommusim_resource_busy(&r, 0), 0);
	/* start near the end; busy-until saturates */
	assert_true(iommusim_resource_acquire(&r, TMAX - 5, 100, &slot) == TMAX - 5);
	assert_int_equal(iommusim_resource_busy(&r, TMAX - 1), 1);
	assert_true(iommusim_resource_free_at(&r, 0) == TMAX);

	/* the wait total saturates */
	iommusim_resource_reset(&r);
	assert_int_equal(r.grants, 0);
	assert_int_equal(iommusim_resource_claim(&r, 0, &slot), 0);
	assert_int_equal(iommusim_resource_release(&r, slot, TMAX - 1), 0);
	assert_true(iommusim_resource_acquire(&r, 0, 0, NULL) == TMAX - 1);
	assert_true(r.wait_total == TMAX - 1);
	assert_true(iommusim_resource_acquire(&r, 0, 0, NULL) == TMAX - 1);
	assert_true(r.wait_total == TMAX);
	assert_int_equal(r.waited, 2);
	iommusim_resource_fini(&r);
}

static void reset_frees_and_clears(void **state)
{
	iommusim_resource_t r;
	unsigned slot;
	(void)state;
	assert_int_equal(iommusim_resource_init(&r, 3), 0);
	assert_int_equal(iommusim_resource_claim(&r, 0, &slot), 0);
	assert_int_equal(iommusim_resource_acquire(&r, 0, 9, NULL), 0);
	assert_int_equal(iommusim_resource_acquire(&r, 0, 9, NULL), 0);
	assert_int_equal(iommusim_resource_acquire(&r, 0, 9, NULL), 9);
	iommusim_resource_reset(&r);
	assert_int_equal(r.nslots, 3);
	assert_int_equal(r.grants, 0);
	assert_int_equal(r.waited, 0);
	assert_int_equal(r.wait_total, 0);
	assert_int_equal(iommusim_resource_busy(&r, 0), 0);
	assert_int_equal(iommusim_resource_acquire(&r, 0, 1, &slot), 0);
	assert_int_equal(slot, 0);
	iommusim_resource_fini(&r);
}

static void unusable_resource_never_crashes(void **state)
{
	iommusim_resource_t r;
	unsigned slot = 5;
	(void)state;
	memset(&r, 0, sizeof(r));
	assert_true(iommusim_resource_acquire(&r, 0, 1, &slot) == TMAX);
	assert_int_equal(slot, UINT_MAX);
	assert_true(iommusim_resource_claim(&r, 0, NULL) == TMAX);
	assert_int_equal(iommusim_resource_release(&r, 0, 1), -EINVAL);
	assert_true(iommusim_resource_free_at(&r, 3) == TMAX);
	assert_int_equal(iommusim_resource_busy(&r, 0), 0);
	iommusim_resource_reset(&r);
	assert_true(iommusim_resource_acquire(NULL, 0, 1, NULL) == TMAX);
	assert_true(iommusim_resource_claim(NULL, 0, &slot) == TMAX);
	assert_int_equal(iommusim_resource_release(NULL, 0, 1), -EINVAL);
	assert_true(iommusim_resource_free_at(NULL, 3) == TMAX);
	assert_int_equal(iommusim_resource_busy(NULL, 0), 0);
	iommusim_resource_reset(NULL);
}

/*
 * An independent model of a pool of identical servers: it keeps, per server, the list of
 * [start, end) intervals it was given and chooses by scanning every server's last end.
 * The resource must give the same start times, slots and wait statistics.
 */
static uint64_t rng_next(uint64_t *s)
{
	/* splitmix64 */
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static void random_acquires_match_server_model(void **state)
{
	enum { SLOTS = 5, N = 20000 };
	static iommusim_time_t last_end[SLOTS];
	iommusim_resource_t r;
	uint64_t seed = 4242, waited = 0;
	iommusim_time_t ready = 0, wait_total = 0;
	(void)state;
	memset(last_end, 0, sizeof(last_end));
	assert_int_equal(iommusim_resource_init(&r, SLOTS), 0);

	for (int i = 0; i < N; i++) {
		uint64_t x = rng_next(&seed);
		ready += x % 7;                        /* arrivals bunch up, so waits happen */
		iommusim_time_t dur = (x >> 8) % 40;

		/* model: the server whose last job ends first, lowest index among equals */
		unsigned want = 0;
		for (unsigned k = 1; k < SLOTS; k++)
			if (last_end[k] < last_end[want])
				want = k;
		iommusim_time_t start = last_end[want] > ready ? last_end[want] : ready;
		last_end[want] = start + dur;
		if (start > ready) {
			waited++;
			wait_total += start - ready;
		}

		unsigned busy_model = 0;
		for (unsigned k = 0; k < SLOTS; k++)
			busy_model += last_end[k] > ready;

		unsigned slot;
		assert_true(iommusim_resource_free_at(&r, ready) == start);
		assert_true(iommusim_resource_acquire(&r, ready, dur, &slot) == start);
		assert_int_equal(slot, want);
		assert_int_equal(iommusim_resource_busy(&r, ready), busy_model);
	}
	assert_int_equal(r.grants, N);
	assert_true(r.waited == waited);
	assert_true(r.wait_total == wait_total);
	assert_true(waited > N / 10);   /* the stream really contended */
	iommusim_resource_fini(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(init_rejects_bad_input),
		cmocka_unit_test(one_slot_serialises_and_counts_waits),
		cmocka_unit_test(earliest_free_slot_tie_lowest_index),
		cmocka_unit_test(free_at_and_busy),
		cmocka_unit_test(claim_and_release),
		cmocka_unit_test(end_of_time_saturates),
		cmocka_unit_test(reset_frees_and_clears),
		cmocka_unit_test(unusable_resource_never_crashes),
		cmocka_unit_test(random_acquires_match_server_model),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
