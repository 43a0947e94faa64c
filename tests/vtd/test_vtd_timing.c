/* SPDX-License-Identifier: MIT */
/*
 * Timing (DESIGN.md §5): each translation's done time and cost breakdown checked against
 * numbers computed by hand from the parameters (defaults: 1 GHz; pipeline 2, context cache
 * 2, PASID cache 2, IOTLB 2, paging-structure caches 2, walk step 2, fault record 20
 * cycles; the memory port's latencies are the bench's), walker-slot contention, the clock
 * parameter, and the statistics.
 */
#include "tests/support/test.h"

#include <string.h>

#include "iommusim/trace.h"
#include "tests/support/vtd_tables.h"

#define R IOMMUSIM_ACC_READ
#define W IOMMUSIM_ACC_WRITE

static void cost_sums(const iommusim_xlate_resp_t *r, uint64_t issue)
{
	assert_int_equal(r->done - issue,
			 r->cost.wait_ps + r->cost.lookup_ps + r->cost.mem_ps + r->cost.other_ps);
}

/* A legacy 4-level setup for two devices on different buses. */
static void legacy(vtdt_t *tb, const char *const *params, uint64_t rd_ns, uint64_t wr_ns)
{
	uint64_t slpt = 0;

	assert_int_equal(vtdt_init(tb, params, rd_ns, wr_ns, NULL), 0);
	vtdt_enable(tb, false);
	vtdt_sl_map(tb, &slpt, 4, 0x1000, 0x700000, 12, T_SL_R | T_SL_W, T_SL_R | T_SL_W);
	vtdt_legacy_ctx(tb, 0x0100, vtdt_legacy_lo(slpt, 0, false), vtdt_legacy_hi(2, 1));
	vtdt_legacy_ctx(tb, 0x0200, vtdt_legacy_lo(slpt, 0, false), vtdt_legacy_hi(2, 2));
}

static void test_walker_contention(void **state)
{
	static const char *const one[] = { "vtd.walkers=1", NULL };
	static const char *const two[] = { "vtd.walkers=2", NULL };
	vtdt_t tb;
	iommusim_xlate_resp_t a, b;

	(void)state;
	/* one walker: both miss at t = 0; the second takes the walker at 4 ns (pipeline +
	 * context-cache lookup) but gets it when the first is done (620 ns), then needs the
	 * same 616 ns of work */
	legacy(&tb, one, 100, 50);
	a = vtdt_dma(&tb, 0x0100, 0x1000, R, 0);
	b = vtdt_dma(&tb, 0x0200, 0x1000, R, 0);
	assert_int_equal(a.done, 620 * T_NS);
	assert_int_equal(b.cost.wait_ps, 616 * T_NS);
	assert_int_equal(b.done, 1236 * T_NS);
	cost_sums(&a, 0);
	cost_sums(&b, 0);
	assert_int_equal(vtdt_stat(&tb, "walker.wait_ps"), 616 * T_NS);
	/* an IOTLB hit needs no walker and does not wait */
	a = vtdt_dma(&tb, 0x0100, 0x1000, R, 10);
	assert_int_equal(a.cost.wait_ps, 0);
	vtdt_fini(&tb);

	legacy(&tb, two, 100, 50);
	a = vtdt_dma(&tb, 0x0100, 0x1000, R, 0);
	b = vtdt_dma(&tb, 0x0200, 0x1000, R, 0);
	assert_int_equal(b.cost.wait_ps, 0);
	assert_int_equal(b.done, a.done);
	vtdt_fini(&tb);
}

static void test_clock_and_memory_latency(void **state)
{
	static const char *const slow[] = { "vtd.clock_mhz=500", NULL };
	static const char *const lat[] = { "vtd.lat.walk_step=0", "vtd.lat.pipeline=10",
					   "vtd.lat.iotlb=5", NULL };
	vtdt_t tb;
	iommusim_xlate_resp_t r;

	(void)state;
	/* 500 MHz: 14 cycles of pipeline and steps and 6 of lookups take 40 ns, memory the
	 * port's 6 x 50 ns */
	legacy(&tb, slow, 50, 50);
	r = vtdt_dma(&tb, 0x0100, 0x1000, R, 1000 * T_NS);
	assert_int_equal(r.cost.lookup_ps, 12 * T_NS);
	assert_int_equal(r.cost.other_ps, 28 * T_NS);
	assert_int_equal(r.cost.mem_ps, 300 * T_NS);
	assert_int_equal(r.done, 1000 * T_NS + 340 * T_NS);
	cost_sums(&r, 1000 * T_NS);
	vtdt_fini(&tb);

	/* other latencies change exactly their part */
	legacy(&tb, lat, 100, 50);
	r = vtdt_dma(&tb, 0x0100, 0x1000, R, 0);
	assert_int_equal(r.cost.other_ps, 10 * T_NS);
	assert_int_equal(r.cost.lookup_ps, 9 * T_NS);
	assert_int_equal(r.done, (10 + 9 + 600) * T_NS);
	r = vtdt_dma(&tb, 0x0100, 0x1000, R, 0);
	assert_int_equal(r.done, 17 * T_NS);
	vtdt_fini(&tb);
}

/* Scalable second-level with A/D: the first translation's 4 A writes at 30 ns each. */
static void test_sm_miss_and_ad(void **state)
{
	vtdt_t tb;
	uint64_t q[4] = { 0 }, dir, slpt = 0;
	uint64_t pe[8] = { 0 };
	iommusim_xlate_resp_t r;

	(void)state;
	assert_int_equal(vtdt_init(&tb, NULL, 100, 30, NULL), 0);
	vtdt_enable(&tb, true);
	q[0] = vtdt_sm_q0(&tb, 0, 0, &dir);
	vtdt_sm_ctx(&tb, 0x0100, q);
	vtdt_sl_map(&tb, &slpt, 4, 0x1000, 0x700000, 12, T_SL_R | T_SL_W, T_SL_R | T_SL_W);
	pe[0] = T_PE0_P | T_PE0_AW(2) | T_PE0_PGTT(2) | T_PE0_SLADE | slpt;
	pe[1] = 3;
	vtdt_pasid_entry(&tb, dir, 0, pe);
	/* pipeline 2 + context lookup 2 + root 102 + context 102 + PASID lookup 2 + directory
	 * 102 + PASID entry 102 + IOTLB 2 + PWC 2 + 4 x (102 + 30 for the A write) */
	r = vtdt_dma(&tb, 0x0100, 0x1000, R, 0);
	assert_int_equal(r.status, IOMMUSIM_XLATE_OK);
	assert_int_equal(r.cost.mem_reads, 8);
	assert_int_equal(r.cost.mem_writes, 4);
	assert_int_equal(r.cost.lookup_ps, 8 * T_NS);
	assert_int_equal(r.cost.mem_ps, (800 + 120) * T_NS);
	assert_int_equal(r.cost.other_ps, 18 * T_NS);
	assert_int_equal(r.done, 946 * T_NS);
	assert_int_equal(r.cost.misses & (IOMMUSIM_XS_CONFIG | IOMMUSIM_XS_PASID |
					  IOMMUSIM_XS_IOTLB | IOMMUSIM_XS_PWC_S2),
			 IOMMUSIM_XS_CONFIG | IOMMUSIM_XS_PASID | IOMMUSIM_XS_IOTLB |
				 IOMMUSIM_XS_PWC_S2);
	/* a hit: pipeline + three lookups */
	r = vtdt_dma(&tb, 0x0100, 0x1000, R, 2000 * T_NS);
	assert_int_equal(r.done, 2008 * T_NS);
	assert_int_equal(r.cost.hits, IOMMUSIM_XS_CONFIG | IOMMUSIM_XS_PASID | IOMMUSIM_XS_IOTLB);
	assert_int_equal(r.cost.misses, 0);
	vtdt_fini(&tb);
}

static void test_fault_cost(void **state)
{
	vtdt_t tb;
	iommusim_xlate_resp_t r;

	(void)state;
	assert_int_equal(vtdt_init(&tb, NULL, 100, 50, NULL), 0);
	vtdt_enable(&tb, false);
	/* root not present: pipeline 2 + lookup 2 + root read 102 + fault record 20 */
	r = vtdt_dma(&tb, 0x0100, 0x1000, R, 0);
	assert_int_equal(r.status, IOMMUSIM_XLATE_FAULT);
	assert_int_equal(r.done, 126 * T_NS);
	assert_int_equal(r.cost.other_ps, 24 * T_NS);
	cost_sums(&r, 0);
	vtdt_fini(&tb);
}

static void test_statistics(void **state)
{
	vtdt_t tb;
	double v = 0;

	(void)state;
	legacy(&tb, NULL, 100, 50);
	vtdt_dma(&tb, 0x0100, 0x1000, R, 0);
	vtdt_dma(&tb, 0x0100, 0x1000, W, 0);
	vtdt_dma(&tb, 0x0100, 0x2000, R, 0);             /* not mapped */
	assert_int_equal(vtdt_stat(&tb, "req.untranslated"), 3);
	assert_int_equal(vtdt_stat(&tb, "xlate.ok"), 2);
	assert_int_equal(vtdt_stat(&tb, "xlate.fault"), 1);
	assert_int_equal(vtdt_stat(&tb, "ctx_cache.miss"), 1);
	assert_int_equal(vtdt_stat(&tb, "ctx_cache.hit"), 2);
	assert_int_equal(vtdt_stat(&tb, "iotlb.hit"), 1);
	assert_int_equal(vtdt_stat(&tb, "iotlb.miss"), 2);
	assert_int_equal(vtdt_stat(&tb, "walks"), 2);
	assert_int_equal(vtdt_stat(&tb, "pwc_sl.miss"), 1);
	assert_int_equal(vtdt_stat(&tb, "pwc_sl.hit"), 1);
	assert_int_equal(vtdt_stat(&tb, "walk.sl.l4.reads"), 1);
	assert_int_equal(vtdt_stat(&tb, "walk.sl.l1.reads"), 2);
	assert_int_equal(vtdt_stat(&tb, "mem.reads"), 7);
	assert_int_equal(iommusim_stats_get(tb.stats, "vtd.xlate.latency.count", &v, NULL), 0);
	assert_true(v == 3.0);
	assert_int_equal(iommusim_stats_get(tb.stats, "vtd.xlate.latency.max", &v, NULL), 0);
	assert_true(v == 620.0);
	vtdt_fini(&tb);
}

/* With a trace sink, walks become spans and faults instants on the instance's tracks. */
static void test_trace(void **state)
{
	vtdt_t tb;
	iommusim_model_env_t env;
	iommusim_trace_t *tr;
	FILE *f = tmpfile();
	char buf[8192];
	size_t n;
	void *m;
	uint64_t slpt = 0;

	(void)state;
	assert_non_null(f);
	assert_int_equal(vtdt_init(&tb, NULL, 100, 50, NULL), 0);
	tr = iommusim_trace_open_stream(f);
	assert_non_null(tr);
	memset(&env, 0, sizeof(env));
	env.sched = tb.sched;
	env.mem = &tb.port;
	env.stats = tb.stats;
	env.trace = tr;
	env.instance = "vtd7";
	assert_int_equal(tb.ops->create(tb.ps, &env, &m, NULL), 0);
	tb.ops->destroy(tb.m);
	tb.m = m;
	vtdt_enable(&tb, false);
	vtdt_sl_map(&tb, &slpt, 4, 0x1000, 0x700000, 12, T_SL_R, T_SL_R | T_SL_W);
	vtdt_legacy_ctx(&tb, 0x0100, vtdt_legacy_lo(slpt, 0, false), vtdt_legacy_hi(2, 1));
	vtdt_dma(&tb, 0x0100, 0x1000, R, 0);
	vtdt_dma(&tb, 0x0100, 0x1000, R, 0);           /* a hit: not traced */
	vtdt_dma(&tb, 0x0100, 0x1000, W, 0);           /* a fault */
	assert_int_equal(iommusim_trace_close(tr), 0);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	fclose(f);
	assert_non_null(strstr(buf, "\"vtd7\""));
	assert_non_null(strstr(buf, "\"walk\""));
	assert_non_null(strstr(buf, "\"fault\""));
	assert_non_null(strstr(buf, "0x05"));
	/* two walks (the first miss, and the write's walk that found no permission); the hit
	 * in between is not traced */
	unsigned walks = 0;
	for (const char *p = buf; (p = strstr(p, "\"walk\"")) != NULL; p++)
		walks++;
	assert_int_equal(walks, 2);
	vtdt_fini(&tb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walker_contention),
		cmocka_unit_test(test_clock_and_memory_latency),
		cmocka_unit_test(test_sm_miss_and_ad),
		cmocka_unit_test(test_fault_cost),
		cmocka_unit_test(test_statistics),
		cmocka_unit_test(test_trace),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
