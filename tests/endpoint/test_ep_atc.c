/* SPDX-License-Identifier: MIT */
/*
 * ATC tests (models/endpoint/ep_atc.c), directly on the internal interface: entries of any
 * page size, the set each page size is stored in, one counted lookup per call, and
 * invalidation by range and context.
 */
#include "tests/support/test.h"

#include <errno.h>
#include <stdlib.h>

#include "iommusim/endpoint.h"
#include "iommusim/mem.h"
#include "models/endpoint/ep_atc.h"

#define K4 0x1000ull
#define M2 0x200000ull
#define G1 0x40000000ull
#define RW (IOMMUSIM_ACC_READ | IOMMUSIM_ACC_WRITE)

static int setup16x4(void **state)
{
	iommusim_error_t err = { 0 };
	struct ep_atc *a = ep_atc_create(16, 4, IOMMUSIM_REPL_LRU, 1, &err);

	if (!a)
		fail_msg("ATC create: %s", err.msg);
	*state = a;
	return 0;
}

static int teardown_atc(void **state)
{
	ep_atc_destroy(*state);
	return 0;
}

static void small_pages(void **state)
{
	struct ep_atc *a = *state;
	iommusim_atc_entry_t e;

	assert_false(ep_atc_lookup(a, 0x5000, 0, &e));
	assert_false(ep_atc_fill(a, 0x5abc, 0, 0x99000, K4, IOMMUSIM_ACC_READ));
	assert_true(ep_atc_lookup(a, 0x5fff, 0, &e));
	assert_int_equal(e.out_base, 0x99000);
	assert_int_equal(e.page_size, K4);
	assert_int_equal(e.perm, IOMMUSIM_ACC_READ);
	assert_false(ep_atc_lookup(a, 0x6000, 0, &e));
	assert_false(ep_atc_lookup(a, 0x4fff, 0, &e));
	assert_false(ep_atc_lookup(a, 0x5000, IOMMUSIM_ATC_CTX(true, 0, false), &e));
	/* Refilling the same key updates it in place. */
	assert_false(ep_atc_fill(a, 0x5000, 0, 0x77000, K4, RW));
	assert_true(ep_atc_lookup(a, 0x5000, 0, &e));
	assert_int_equal(e.out_base, 0x77000);
	assert_int_equal(e.perm, RW);
	assert_int_equal(iommusim_cache_count(ep_atc_cache(a)), 1);
}

struct where {
	unsigned set;
	uint64_t tag, tag_mask;
	size_t n;
};

static void find_visit(void *arg, iommusim_cache_loc_t loc, uint64_t tag, uint64_t tag_mask,
		       uint64_t ctx, uint32_t flags, const void *payload)
{
	struct where *w = arg;

	(void)ctx;
	(void)flags;
	(void)payload;
	w->set = loc.set;
	w->tag = tag;
	w->tag_mask = tag_mask;
	w->n++;
}

static void large_page_set_and_mask(void **state)
{
	struct ep_atc *a = *state;
	const uint64_t base = 0x12345ull * M2;   /* 2 MiB page number 0x12345 */
	struct where w = { 0 };
	iommusim_atc_entry_t e;

	/* Filled from its 6th 4 KiB page: the entry still starts at the 2 MiB boundary. */
	ep_atc_fill(a, base + 5 * K4, 0, 0xa00000 + 5 * K4, M2, RW);
	iommusim_cache_foreach(ep_atc_cache(a), find_visit, &w);
	assert_int_equal(w.n, 1);
	assert_int_equal(w.tag, base >> 12);
	assert_int_equal(w.tag_mask, ~0x1ffull);
	/* Stored in the set of its own page number (0x12345 & 15), not of its 4 KiB pages. */
	assert_int_equal(w.set, 0x5);
	for (uint64_t p = 0; p < 512; p += 73) {
		assert_true(ep_atc_lookup(a, base + p * K4 + 0x18, 0, &e));
		assert_int_equal(e.out_base, 0xa00000);
		assert_int_equal(e.page_size, M2);
	}
	assert_false(ep_atc_lookup(a, base + M2, 0, &e));
	assert_false(ep_atc_lookup(a, base - 1, 0, &e));
}

static void page_sizes_coexist(void **state)
{
	struct ep_atc *a = *state;
	iommusim_atc_entry_t e;
	const iommusim_cache_stats_t *cs = iommusim_cache_stats(ep_atc_cache(a));
	unsigned calls = 0;

	ep_atc_fill(a, 3 * G1, 0, 0x100000000ull, G1, RW);          /* 1 GiB */
	ep_atc_fill(a, 5 * M2, 0, 0x7000000, M2, RW);               /* 2 MiB */
	ep_atc_fill(a, 0x9000, 0, 0x3000, K4, RW);                  /* 4 KiB */
	ep_atc_fill(a, 512ull << 30, 0, 1ull << 45, 512ull << 30, RW);   /* 512 GiB */

	assert_true(ep_atc_lookup(a, 3 * G1 + 0x3fffffff, 0, &e)), calls++;
	assert_int_equal(e.out_base, 0x100000000ull);
	assert_true(ep_atc_lookup(a, 5 * M2 + 0x1234, 0, &e)), calls++;
	assert_int_equal(e.out_base, 0x7000000);
	assert_true(ep_atc_lookup(a, 0x9008, 0, &e)), calls++;
	assert_int_equal(e.page_size, K4);
	assert_true(ep_atc_lookup(a, (512ull << 30) + (511ull << 30), 0, &e)), calls++;
	assert_int_equal(e.page_size, 512ull << 30);
	assert_false(ep_atc_lookup(a, 4 * G1, 0, &e)), calls++;
	assert_false(ep_atc_lookup(a, 6 * M2, 0, &e)), calls++;
	assert_false(ep_atc_lookup(a, 0xa000, 0, &e)), calls++;
	/* One counted lookup per call, however many page sizes were probed. */
	assert_int_equal(cs->lookups, calls);
	assert_int_equal(cs->hits, 4);
	assert_int_equal(cs->misses, 3);
}

static void bad_page_sizes_count_as_4k(void **state)
{
	struct ep_atc *a = *state;
	iommusim_atc_entry_t e;
	const uint64_t sizes[] = { 0, 1, 2048, 3 * K4, M2 + K4 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint64_t iova = 0x1000000 + i * M2 + 7 * K4;
		ep_atc_fill(a, iova, 0, 0x5000, sizes[i], RW);
		assert_true(ep_atc_lookup(a, iova, 0, &e));
		assert_int_equal(e.page_size, K4);
		assert_int_equal(e.out_base, 0x5000);
		assert_false(ep_atc_lookup(a, iova + K4, 0, &e));
	}
}

static void invalidate_by_range_and_context(void **state)
{
	struct ep_atc *a = *state;
	iommusim_atc_entry_t e;
	const uint64_t c1 = IOMMUSIM_ATC_CTX(true, 1, false), c1p = IOMMUSIM_ATC_CTX(true, 1, true);
	const uint64_t pasid_mask = IOMMUSIM_ATC_CTX_PV | IOMMUSIM_ATC_CTX_PASID_MASK;

	for (uint64_t p = 0; p < 4; p++) {
		ep_atc_fill(a, p * K4, 0, p * K4, K4, RW);
		ep_atc_fill(a, p * K4, c1, p * K4, K4, RW);
		ep_atc_fill(a, p * K4, c1p, p * K4, K4, RW);
	}
	ep_atc_fill(a, M2, c1, 0, M2, RW);
	assert_int_equal(iommusim_cache_count(ep_atc_cache(a)), 13);
	/* PASID 1 (privileged or not), bytes 0x1000..0x2fff: 4 entries. */
	assert_int_equal(ep_atc_invalidate(a, K4, 3 * K4 - 1, pasid_mask, IOMMUSIM_ATC_CTX_PV | 1), 4);
	assert_true(ep_atc_lookup(a, K4, 0, &e));
	assert_false(ep_atc_lookup(a, K4, c1, &e));
	assert_false(ep_atc_lookup(a, 2 * K4, c1p, &e));
	assert_true(ep_atc_lookup(a, 3 * K4, c1p, &e));
	/* One byte of the 2 MiB entry is enough to drop it. */
	assert_int_equal(ep_atc_invalidate(a, M2 + M2 - 1, M2 + M2 - 1, 0, 0), 1);
	assert_false(ep_atc_lookup(a, M2, c1, &e));
	/* Everything else. */
	assert_int_equal(ep_atc_invalidate(a, 0, UINT64_MAX, 0, 0), 8);
	assert_int_equal(iommusim_cache_count(ep_atc_cache(a)), 0);
	/* Usable again afterwards. */
	ep_atc_fill(a, 0x4000, 0, 0x8000, K4, RW);
	assert_true(ep_atc_lookup(a, 0x4000, 0, &e));
}

static void eviction_reported(void **state)
{
	iommusim_error_t err = { 0 };
	struct ep_atc *a = ep_atc_create(1, 1, IOMMUSIM_REPL_LRU, 0, &err);
	iommusim_atc_entry_t e;

	(void)state;
	assert_non_null(a);
	assert_false(ep_atc_fill(a, 0x1000, 0, 0, K4, RW));
	assert_true(ep_atc_fill(a, 0x2000, 0, 0, K4, RW));
	assert_false(ep_atc_lookup(a, 0x1000, 0, &e));
	ep_atc_destroy(a);
}

static void bad_geometry(void **state)
{
	iommusim_error_t err = { 0 };

	(void)state;
	assert_null(ep_atc_create(3, 4, IOMMUSIM_REPL_LRU, 0, &err));
	assert_int_equal(err.code, -EINVAL);
	assert_null(ep_atc_create(4, 0, IOMMUSIM_REPL_LRU, 0, &err));
	assert_null(ep_atc_create(4, 6, IOMMUSIM_REPL_TREE_PLRU, 0, &err));
	ep_atc_destroy(NULL);
	assert_null(ep_atc_cache(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(small_pages, setup16x4, teardown_atc),
		cmocka_unit_test_setup_teardown(large_page_set_and_mask, setup16x4, teardown_atc),
		cmocka_unit_test_setup_teardown(page_sizes_coexist, setup16x4, teardown_atc),
		cmocka_unit_test_setup_teardown(bad_page_sizes_count_as_4k, setup16x4, teardown_atc),
		cmocka_unit_test_setup_teardown(invalidate_by_range_and_context, setup16x4,
						teardown_atc),
		cmocka_unit_test(eviction_reported),
		cmocka_unit_test(bad_geometry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
