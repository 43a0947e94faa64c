/* SPDX-License-Identifier: MIT */
/*
 * The response's accept time (models/vtd/vtd_translate.c, vtd_accept): when the next request
 * of the same in-order stream may enter. A request every lookup answered is pipelined: accept
 * = issue + the slowest stage it passed (pipeline, context cache, PASID cache when looked up,
 * IOTLB). A miss that walked, a fault, or anything else: accept = done. Defaults: 1 GHz, every
 * stage 2 cycles; the bench's memory port reads in 100 ns and writes in 50 ns.
 */
#include "tests/support/test.h"

#include "tests/support/vtd_tables.h"

#define R IOMMUSIM_ACC_READ
#define W IOMMUSIM_ACC_WRITE

/* Legacy mode, 4 levels, 0x1000 -> 0x700000 and 0x2000 -> 0x701000 for device 0x0100. */
static void legacy(vtdt_t *tb, const char *const *params)
{
	uint64_t slpt = 0;

	assert_int_equal(vtdt_init(tb, params, 100, 50, NULL), 0);
	vtdt_enable(tb, false);
	vtdt_sl_map(tb, &slpt, 4, 0x1000, 0x700000, 12, T_SL_R | T_SL_W, T_SL_R | T_SL_W);
	vtdt_sl_map(tb, &slpt, 4, 0x2000, 0x701000, 12, T_SL_R | T_SL_W, T_SL_R | T_SL_W);
	vtdt_legacy_ctx(tb, 0x0100, vtdt_legacy_lo(slpt, 0, false), vtdt_legacy_hi(2, 1));
}

/* Scalable mode, second-level only (PGTT 2), RID_PASID 0, same mapping. */
static void scalable(vtdt_t *tb, const char *const *params)
{
	uint64_t q[4] = { 0 }, dir, slpt = 0;
	uint64_t pe[8] = { 0 };

	assert_int_equal(vtdt_init(tb, params, 100, 50, NULL), 0);
	vtdt_enable(tb, true);
	q[0] = vtdt_sm_q0(tb, 0, 0, &dir);
	vtdt_sm_ctx(tb, 0x0100, q);
	vtdt_sl_map(tb, &slpt, 4, 0x1000, 0x700000, 12, T_SL_R | T_SL_W, T_SL_R | T_SL_W);
	pe[0] = T_PE0_P | T_PE0_AW(2) | T_PE0_PGTT(2) | slpt;
	pe[1] = 3;
	vtdt_pasid_entry(tb, dir, 0, pe);
}

static void test_hit_pipelines(void **state)
{
	vtdt_t tb;
	iommusim_xlate_resp_t r;

	(void)state;
	legacy(&tb, NULL);
	/* the first request misses: root + context reads, a 4-level walk */
	r = vtdt_dma(&tb, 0x0100, 0x1000, W, 0);
	assert_int_equal(r.status, IOMMUSIM_XLATE_OK);
	assert_int_equal(r.done, 620 * T_NS);
	assert_int_equal(r.accept, r.done);
	/* a hit at 1000 ns: done after pipeline 2 + context cache 2 + IOTLB 2 = 6 cycles; the
	 * next request may enter one stage (2 cycles) later */
	r = vtdt_dma(&tb, 0x0100, 0x1000, W, 1000 * T_NS);
	assert_int_equal(r.cost.misses, 0);
	assert_int_equal(r.done, 1000 * T_NS + 6 * T_CYC);
	assert_int_equal(r.accept, 1000 * T_NS + 2 * T_CYC);
	vtdt_fini(&tb);

	/* translation disabled: the request passes the pipeline stage only */
	assert_int_equal(vtdt_init(&tb, NULL, 100, 50, NULL), 0);
	r = vtdt_dma(&tb, 0x0100, 0x1000, R, 500 * T_NS);
	assert_int_equal(r.status, IOMMUSIM_XLATE_OK);
	assert_int_equal(r.done, 500 * T_NS + 2 * T_CYC);
	assert_int_equal(r.accept, 500 * T_NS + 2 * T_CYC);
	vtdt_fini(&tb);
}

static void test_slowest_stage_sets_the_interval(void **state)
{
	static const char *const iotlb5[] = { "vtd.lat.iotlb=5", NULL };
	static const char *const pipe7[] = { "vtd.lat.pipeline=7", NULL };
	static const char *const ctx4[] = { "vtd.lat.ctx_cache=4", NULL };
	static const char *const pasid9[] = { "vtd.lat.pasid_cache=9", NULL };
	vtdt_t tb;
	iommusim_xlate_resp_t r;

	(void)state;
	/* IOTLB 5 cycles: a hit is done after 2 + 2 + 5 = 9 cycles, accepts after 5 */
	legacy(&tb, iotlb5);
	vtdt_dma(&tb, 0x0100, 0x1000, R, 0);
	r = vtdt_dma(&tb, 0x0100, 0x1000, R, 2000 * T_NS);
	assert_int_equal(r.done, 2000 * T_NS + 9 * T_CYC);
	assert_int_equal(r.accept, 2000 * T_NS + 5 * T_CYC);
	vtdt_fini(&tb);

	/* the fixed pipeline stage counts too: 7 + 2 + 2 done, 7 accept */
	legacy(&tb, pipe7);
	vtdt_dma(&tb, 0x0100, 0x1000, R, 0);
	r = vtdt_dma(&tb, 0x0100, 0x1000, R, 2000 * T_NS);
	assert_int_equal(r.done, 2000 * T_NS + 11 * T_CYC);
	assert_int_equal(r.accept, 2000 * T_NS + 7 * T_CYC);
	vtdt_fini(&tb);

	/* so does the context cache: 2 + 4 + 2 done, 4 accept */
	legacy(&tb, ctx4);
	vtdt_dma(&tb, 0x0100, 0x1000, R, 0);
	r = vtdt_dma(&tb, 0x0100, 0x1000, R, 2000 * T_NS);
	assert_int_equal(r.done, 2000 * T_NS + 8 * T_CYC);
	assert_int_equal(r.accept, 2000 * T_NS + 4 * T_CYC);
	vtdt_fini(&tb);

	/* legacy mode never looks the PASID cache up: its latency does not count */
	legacy(&tb, pasid9);
	vtdt_dma(&tb, 0x0100, 0x1000, R, 0);
	r = vtdt_dma(&tb, 0x0100, 0x1000, R, 2000 * T_NS);
	assert_int_equal(r.done, 2000 * T_NS + 6 * T_CYC);
	assert_int_equal(r.accept, 2000 * T_NS + 2 * T_CYC);
	vtdt_fini(&tb);

	/* scalable mode does: pipeline 2 + context 2 + PASID 9 + IOTLB 2 = 15 done, 9 accept */
	scalable(&tb, pasid9);
	r = vtdt_dma(&tb, 0x0100, 0x1000, R, 0);
	assert_int_equal(r.status, IOMMUSIM_XLATE_OK);
	assert_int_equal(r.accept, r.done);
	r = vtdt_dma(&tb, 0x0100, 0x1000, R, 2000 * T_NS);
	assert_int_equal(r.cost.misses, 0);
	assert_int_equal(r.done, 2000 * T_NS + 15 * T_CYC);
	assert_int_equal(r.accept, 2000 * T_NS + 9 * T_CYC);
	vtdt_fini(&tb);
}

static void test_miss_and_fault_block(void **state)
{
	vtdt_t tb;
	iommusim_xlate_resp_t r;

	(void)state;
	legacy(&tb, NULL);
	vtdt_dma(&tb, 0x0100, 0x1000, W, 0);
	/* 0x2000 shares the upper tables: context cache hit, IOTLB miss, paging-structure
	 * cache hit, one leaf read. 2 + 2 + 2 + 2 cycles + 100 ns + 2 cycles of walk step = 110
	 * ns, and the stream waits for all of it */
	r = vtdt_dma(&tb, 0x0100, 0x2000, W, 1000 * T_NS);
	assert_int_equal(r.status, IOMMUSIM_XLATE_OK);
	assert_int_equal(r.cost.mem_reads, 1);
	assert_int_equal(r.done, 1110 * T_NS);
	assert_int_equal(r.accept, r.done);
	/* 0x3000 is not mapped: the same read finds the leaf not present, then the fault record
	 * (20 cycles): 130 ns, blocking */
	r = vtdt_dma(&tb, 0x0100, 0x3000, W, 2000 * T_NS);
	assert_int_equal(r.status, IOMMUSIM_XLATE_FAULT);
	assert_int_equal(r.done, 2130 * T_NS);
	assert_int_equal(r.accept, r.done);
	/* a context that does not exist faults without a walk: still blocking */
	r = vtdt_dma(&tb, 0x0200, 0x1000, W, 3000 * T_NS);
	assert_int_equal(r.status, IOMMUSIM_XLATE_FAULT);
	assert_true(r.done > 3000 * T_NS);
	assert_int_equal(r.accept, r.done);
	vtdt_fini(&tb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hit_pipelines),
		cmocka_unit_test(test_slowest_stage_sets_the_interval),
		cmocka_unit_test(test_miss_and_fault_block),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
