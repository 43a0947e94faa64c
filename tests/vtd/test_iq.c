/* SPDX-License-Identifier: MIT */
/*
 * The VT-d invalidation queue (models/vtd/vtd_iq*.c): registers, every descriptor type and
 * granularity reaching the right invalidation with the right fields, wrap-around, fetch
 * batching, queue errors with their IQEI codes, and timing against hand-computed values.
 * Device-TLB invalidations and wait descriptors are in test_iq_wait.c.
 *
 * Timing in these tests: IOMMU clock 1 GHz (1 cycle = 1 ns), memory read 100 ns, write
 * 50 ns, default parameters: fetch 4, decode 2, cc/iotlb/piotlb/pc 40, devtlb 20, wait 10,
 * pgrp 20 cycles, 4 scanned entries per cycle, 64-byte fetches.
 */
#include "tests/vtd/vtd_q_harness.h"

#define QI_ECAP (T_ECAP_QI)
#define SM_ECAP (T_ECAP_QI | T_ECAP_SMTS | T_ECAP_DT | T_ECAP_PRS | T_ECAP_PDS)

/* ---- registers ----------------------------------------------------------------------- */

static void test_reset_values_and_masks(void **state)
{
	struct h h;
	uint64_t val;

	(void)state;
	h_init(&h, 0, QI_ECAP, NULL);
	for (uint64_t off = 0x80; off < 0xb8; off += 4)
		assert_int_equal(h_rd(&h, off, 4), off == 0xa0 ? 0x80000000u : 0);

	/* IQA: reserved bits 10:3 read 0; both halves readable. */
	h_wr(&h, 0x90, 8, 0x123456789abcdfffull);
	assert_int_equal(h_rd(&h, 0x90, 8), 0x123456789abcd807ull);
	assert_int_equal(h_rd(&h, 0x90, 4), 0x9abcd807u);
	assert_int_equal(h_rd(&h, 0x94, 4), 0x12345678u);
	h_wr(&h, 0x94, 4, 0x1);
	assert_int_equal(h_rd(&h, 0x90, 8), 0x000000019abcd807ull);
	/* IQH and IQER are read-only; IQT keeps bits 18:4 only. */
	h_wr(&h, 0x80, 8, 0x50);
	h_wr(&h, 0xb0, 8, ~0ull);
	assert_int_equal(h_rd(&h, 0x80, 8), 0);
	assert_int_equal(h_rd(&h, 0xb0, 8), 0);
	h_wr(&h, 0x88, 8, ~0ull);
	assert_int_equal(h_rd(&h, 0x88, 8), 0x7fff0);
	h_wr(&h, 0x8c, 4, 0xffffffff);
	assert_int_equal(h_rd(&h, 0x8c, 4), 0);
	/* IEADDR bits 1:0 are reserved; IEDATA, IEUADDR keep what is written. */
	h_wr(&h, 0xa8, 4, 0xfee00003);
	h_wr(&h, 0xa4, 4, 0x4041);
	h_wr(&h, 0xac, 4, 0x12);
	assert_int_equal(h_rd(&h, 0xa8, 4), 0xfee00000u);
	assert_int_equal(h_rd(&h, 0xa4, 4), 0x4041);
	assert_int_equal(h_rd(&h, 0xac, 4), 0x12);
	/* IECTL: only IM is writable; an 8-byte access covers IECTL and IEDATA. */
	h_wr(&h, 0xa0, 4, 0x7fffffff);
	assert_int_equal(h_rd(&h, 0xa0, 8), 0x0000404100000000ull);
	h_wr(&h, 0xa0, 8, 0x0000000580000000ull);
	assert_int_equal(h_rd(&h, 0xa0, 4), 0x80000000u);
	assert_int_equal(h_rd(&h, 0xa4, 4), 5);

	/* Bad accesses. */
	assert_int_equal(vtd_iq_mmio_read(&h.v, 0x84, 8, &val, 0), -EINVAL);
	assert_int_equal(vtd_iq_mmio_read(&h.v, 0x80, 2, &val, 0), -EINVAL);
	assert_int_equal(vtd_iq_mmio_read(&h.v, 0x82, 4, &val, 0), -EINVAL);
	assert_int_equal(vtd_iq_mmio_read(&h.v, 0xb8, 4, &val, 0), -EINVAL);
	assert_int_equal(vtd_iq_mmio_read(&h.v, 0x80, 4, NULL, 0), -EINVAL);
	assert_int_equal(vtd_iq_mmio_write(&h.v, 0x7c, 4, 0, 0), -EINVAL);
	assert_int_equal(vtd_iq_mmio_write(&h.v, 0x88, 1, 0, 0), -EINVAL);
	assert_true(vtd_iq_owns_reg(0x80));
	assert_true(vtd_iq_owns_reg(0xb4));
	assert_false(vtd_iq_owns_reg(0x7c));
	assert_false(vtd_iq_owns_reg(0xb8));
	/* Reserved space inside the block reads 0. */
	assert_int_equal(h_rd(&h, 0x98, 4), 0);
	h_fini(&h);
}

static void test_init_errors(void **state)
{
	struct h h;
	iommusim_error_t err = { 0 };
	iommusim_params_t *empty = iommusim_params_create();
	iommusim_model_env_t env;

	(void)state;
	h_init(&h, 0, QI_ECAP, NULL);
	vtd_prq_fini(&h.v);
	vtd_iq_fini(&h.v);
	/* A parameter set without the queue parameters. */
	assert_int_equal(vtd_iq_init(&h.v, empty, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "vtd.iq."));
	assert_int_equal(vtd_prq_init(&h.v, empty, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "vtd.prq."));
	/* No scheduler. */
	env = h.v.env;
	h.v.env.sched = NULL;
	assert_int_equal(vtd_iq_init(&h.v, NULL, &err), -EINVAL);
	assert_int_equal(vtd_prq_init(&h.v, NULL, &err), -EINVAL);
	h.v.env = env;
	iommusim_params_destroy(empty);
	/* Re-initialise so h_fini has something to take down. */
	assert_int_equal(vtd_iq_init(&h.v, NULL, &err), 0);
	assert_int_equal(vtd_prq_init(&h.v, NULL, &err), 0);
	h_fini(&h);
}

/* ---- descriptor types and granularities ---------------------------------------------- */

static void test_context_cache(void **state)
{
	struct h h;
	uint64_t d[3][4];

	(void)state;
	h_init(&h, 0, QI_ECAP, NULL);
	h_qi_on(&h, 0, false);
	d_cc(d[0], 1, 0, 0, 0);
	d_cc(d[1], 2, 0x1234, 0, 0);
	d_cc(d[2], 3, 0x42, 0x0310, 2);
	h_submit(&h, d, 3);
	assert_true(vtd_iq_busy(&h.v));
	h_run(&h);
	assert_false(vtd_iq_busy(&h.v));
	assert_int_equal(h.ncalls, 3);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(h.calls[i].kind, INV_CTX);
	assert_int_equal(h.calls[0].gran, 1);
	assert_int_equal(h.calls[1].gran, 2);
	assert_int_equal(h.calls[1].did, 0x1234);
	assert_int_equal(h.calls[2].gran, 3);
	assert_int_equal(h.calls[2].did, 0x42);
	assert_int_equal(h.calls[2].sid, 0x0310);
	assert_int_equal(h.calls[2].fm, 2);
	assert_int_equal(h_rd(&h, 0x80, 8), 0x30);
	assert_int_equal(h_counter(&h, "iq.desc.cc"), 3);
	assert_int_equal(h.v.fsts, 0);
	h_fini(&h);
}

struct iotlb_case {
	uint64_t cap;
	unsigned g;
	uint16_t did;
	uint64_t addr;
	unsigned am;
	bool ih;
	unsigned want_gran;
};

static void test_iotlb_granularities(void **state)
{
	static const struct iotlb_case cases[] = {
		{ T_CAP_PSI | T_CAP_MAMV(9), 1, 0, 0, 0, false, 1 },
		{ T_CAP_PSI | T_CAP_MAMV(9), 2, 0x77, 0, 0, false, 2 },
		{ T_CAP_PSI | T_CAP_MAMV(9), 3, 0x77, 0x12340000, 4, true, 3 },
		{ T_CAP_PSI | T_CAP_MAMV(9), 3, 0xffff, 0xfffffffff000ull, 0, false, 3 },
		{ T_CAP_PSI | T_CAP_MAMV(9), 3, 5, 0x200000, 9, false, 3 },
		/* Without PSI the hardware does a domain-selective invalidation. */
		{ T_CAP_MAMV(9), 3, 0x77, 0x12340000, 4, true, 2 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct iotlb_case *c = &cases[i];
		struct h h;
		uint64_t d[1][4];

		h_init(&h, c->cap, QI_ECAP, NULL);
		h_qi_on(&h, 0, false);
		d_iotlb(d[0], c->g, c->did, c->addr, c->am, c->ih, false, false);
		h_submit(&h, d, 1);
		h_run(&h);
		assert_int_equal(h.ncalls, 1);
		assert_int_equal(h.calls[0].kind, INV_IOTLB);
		assert_int_equal(h.calls[0].gran, c->want_gran);
		assert_int_equal(h.calls[0].did, c->did);
		assert_int_equal(h.calls[0].addr, c->addr);
		assert_int_equal(h.calls[0].am, c->am);
		assert_int_equal(h.calls[0].ih, c->ih);
		assert_int_equal(h.v.fsts, 0);
		h_fini(&h);
	}
}

/* DR/DW cost the drain time only on hardware that drains (CAP.DRD / CAP.DWD). */
static void test_iotlb_drain_timing(void **state)
{
	static const struct {
		uint64_t cap;
		bool dr, dw;
		iommusim_time_t second_at;   /* when the next descriptor's invalidation runs */
	} cases[] = {
		{ 0, true, true, 146 * NS },                       /* 104 + 2 + 40 */
		{ T_CAP_DRD, true, false, 246 * NS },              /* + 100 drain */
		{ T_CAP_DRD, false, true, 146 * NS },
		{ T_CAP_DWD, false, true, 246 * NS },
		{ T_CAP_DWD | T_CAP_DRD, true, true, 246 * NS },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct h h;
		uint64_t d[2][4];

		h_init(&h, cases[i].cap, QI_ECAP, NULL);
		h_qi_on(&h, 0, false);
		d_iotlb(d[0], 2, 1, 0, 0, false, cases[i].dr, cases[i].dw);
		d_cc(d[1], 1, 0, 0, 0);
		h_submit(&h, d, 2);
		h_run(&h);
		assert_int_equal(h.ncalls, 2);
		assert_int_equal(h.calls[0].t, 104 * NS);
		assert_int_equal(h.calls[1].t, cases[i].second_at);
		h_fini(&h);
	}
}

static void test_pasid_descriptors(void **state)
{
	struct h h;
	uint64_t d[6][4];

	(void)state;
	h_init(&h, T_CAP_PSI | T_CAP_MAMV(9), SM_ECAP, NULL);
	vtd_iq_set_scalable(&h.v, true);
	h_qi_on(&h, 0, true);
	d_pc(d[0], 0, 0x21, 0);
	d_pc(d[1], 1, 0x22, 0xabcde);
	d_pc(d[2], 3, 0, 0);
	d_piotlb(d[3], 2, 0x23, 0x12345, 0, 0, false);
	d_piotlb(d[4], 3, 0x24, 0xfffff, 0x7fff00000000ull, 3, true);
	d_cc(d[5], 3, 0x25, 0x0102, 0);
	h_submit(&h, d, 6);
	h_run(&h);
	assert_int_equal(h.ncalls, 6);
	assert_int_equal(h.calls[0].kind, INV_PC);
	assert_int_equal(h.calls[0].gran, 0);
	assert_int_equal(h.calls[0].did, 0x21);
	assert_int_equal(h.calls[1].gran, 1);
	assert_int_equal(h.calls[1].did, 0x22);
	assert_int_equal(h.calls[1].pasid, 0xabcde);
	assert_int_equal(h.calls[2].gran, 3);
	assert_int_equal(h.calls[3].kind, INV_PIOTLB);
	assert_int_equal(h.calls[3].gran, 2);
	assert_int_equal(h.calls[3].did, 0x23);
	assert_int_equal(h.calls[3].pasid, 0x12345);
	assert_int_equal(h.calls[4].gran, 3);
	assert_int_equal(h.calls[4].did, 0x24);
	assert_int_equal(h.calls[4].pasid, 0xfffff);
	assert_int_equal(h.calls[4].addr, 0x7fff00000000ull);
	assert_int_equal(h.calls[4].am, 3);
	assert_true(h.calls[4].ih);
	assert_int_equal(h.calls[5].kind, INV_CTX);
	assert_int_equal(h.calls[5].sid, 0x0102);
	/* 256-bit descriptors: IQH counts 32-byte slots. */
	assert_int_equal(h_rd(&h, 0x80, 8), 6 * 32);
	assert_int_equal(h_counter(&h, "iq.desc.pc"), 3);
	assert_int_equal(h_counter(&h, "iq.desc.piotlb"), 2);
	h_fini(&h);
}

static void test_iec_is_accepted_with_ir(void **state)
{
	struct h h;
	uint64_t d[2][4] = { { 0x4 | (1ull << 4) | (3ull << 27) | (0x55ull << 32) }, { 0 } };

	(void)state;
	h_init(&h, 0, QI_ECAP | T_ECAP_IR, NULL);
	h_qi_on(&h, 0, false);
	d_cc(d[1], 1, 0, 0, 0);
	h_submit(&h, d, 2);
	h_run(&h);
	assert_int_equal(h.v.fsts, 0);
	assert_int_equal(h.ncalls, 1);
	/* iec: 2 + 20 after the fetch at 104 ns. */
	assert_int_equal(h.calls[0].t, 126 * NS);
	assert_int_equal(h_counter(&h, "iq.desc.iec"), 1);
	h_fini(&h);
}

static void test_page_group_response(void **state)
{
	struct h h;
	uint64_t d[2][4];

	(void)state;
	h_init(&h, 0, SM_ECAP, NULL);
	vtd_iq_set_scalable(&h.v, true);
	h_qi_on(&h, 0, true);
	d_pgrp(d[0], 0x0310, true, 0x77, 1, 0x1a5, true);
	d_pgrp(d[1], 0x0420, false, 0x99, 0xf, 3, false);
	/* private data in qw2..qw3 is allowed for this type only */
	d[1][2] = 0x1122334455667788ull;
	d[1][3] = 0x99;
	h_submit(&h, d, 2);
	h_run(&h);
	assert_int_equal(h.v.fsts, 0);
	assert_int_equal(h.nmsgs, 2);
	assert_int_equal(h.msgs[0].kind, IOMMUSIM_MSG_PRG_RESP);
	assert_int_equal(h.msgs[0].rid, 0x0310);
	assert_true(h.msgs[0].pasid_valid);
	assert_int_equal(h.msgs[0].pasid, 0x77);
	assert_int_equal(h.msgs[0].prg_index, 0x1a5);
	assert_int_equal(h.msgs[0].resp_code, 1);
	/* fetch 4 + 100, decode 2 + 20 */
	assert_int_equal(h.msgs[0].time, 126 * NS);
	assert_int_equal(h.msgs[1].rid, 0x0420);
	assert_false(h.msgs[1].pasid_valid);
	assert_int_equal(h.msgs[1].pasid, 0);
	assert_int_equal(h.msgs[1].prg_index, 3);
	assert_int_equal(h.msgs[1].resp_code, 0xf);
	assert_int_equal(h.msgs[1].time, 148 * NS);
	assert_int_equal(h_counter(&h, "prq.group_responses"), 2);
	h_fini(&h);
}

/* ---- wrap-around and fetching -------------------------------------------------------- */

static void test_wrap_around(void **state)
{
	static const bool widths[] = { false, true };

	(void)state;
	for (size_t w = 0; w < 2; w++) {
		bool dw = widths[w];
		unsigned slots = dw ? 128 : 256, dsz = dw ? 32 : 16;
		struct h h;
		uint64_t (*fill)[4] = calloc(slots, sizeof(*fill));
		uint64_t d[5][4];

		assert_non_null(fill);
		h_init(&h, 0, dw ? (QI_ECAP | T_ECAP_SMTS) : QI_ECAP, NULL);
		h_qi_on(&h, 0, dw);
		/* Move the queue near its end with no-op waits. */
		for (unsigned i = 0; i < slots - 2; i++)
			d_wait(fill[i], false, false, false, false, 0, 0);
		h_submit(&h, fill, slots - 2);
		h_run(&h);
		assert_int_equal(h_rd(&h, 0x80, 8), (slots - 2) * dsz);
		/* Five descriptors: two at the end, three from the start. */
		for (unsigned i = 0; i < 5; i++)
			d_cc(d[i], 2, (uint16_t)(100 + i), 0, 0);
		h_submit(&h, d, 5);
		assert_int_equal(h_rd(&h, 0x88, 8), 3 * dsz);
		h_run(&h);
		assert_int_equal(h.ncalls, 5);
		for (unsigned i = 0; i < 5; i++)
			assert_int_equal(h.calls[i].did, 100 + i);
		assert_int_equal(h_rd(&h, 0x80, 8), 3 * dsz);
		assert_int_equal(h.v.fsts, 0);
		free(fill);
		h_fini(&h);
	}
}

static void test_fetch_batches(void **state)
{
	struct h h;
	uint64_t d[6][4];

	(void)state;
	h_init(&h, 0, QI_ECAP, NULL);
	h_qi_on(&h, 0, false);
	for (unsigned i = 0; i < 6; i++)
		d_cc(d[i], 1, (uint16_t)i, 0, 0);
	h_submit(&h, d, 6);
	h_run(&h);
	/* A 64-byte fetch brings 4 descriptors: 104, 146, 188, 230; then a second fetch at
	 * 272 + 4 issues a read that arrives at 376: 376, 418. */
	static const uint64_t want[] = { 104, 146, 188, 230, 376, 418 };
	assert_int_equal(h.ncalls, 6);
	for (unsigned i = 0; i < 6; i++)
		assert_int_equal(h.calls[i].t, want[i] * NS);
	assert_int_equal(h_counter(&h, "iq.fetches"), 2);
	h_fini(&h);

	/* 32-byte fetches, and a start in the middle of a block. */
	h_init(&h, 0, QI_ECAP, (const char *const[]){ "vtd.iq.fetch_bytes=32", NULL });
	h_qi_on(&h, 0, false);
	d_wait(d[0], false, false, false, false, 0, 0);
	h_submit(&h, d, 1);
	h_run(&h);
	iommusim_sched_run_until(h.sched, 1000 * NS);
	for (unsigned i = 0; i < 3; i++)
		d_cc(d[i], 1, (uint16_t)i, 0, 0);
	h_submit(&h, d, 3);   /* slots 1, 2, 3: blocks [0,32) and [32,64) */
	h_run(&h);
	assert_int_equal(h.ncalls, 3);
	assert_int_equal(h.calls[0].t, 1104 * NS);
	assert_int_equal(h.calls[1].t, (1104 + 42 + 104) * NS);
	assert_int_equal(h.calls[2].t, (1104 + 42 + 104 + 42) * NS);
	assert_int_equal(h_counter(&h, "iq.fetches"), 3);
	h_fini(&h);
}

/* ---- timing -------------------------------------------------------------------------- */

static void test_timing_by_hand(void **state)
{
	struct h h;
	uint64_t d[2][4];
	double val;
	uint32_t status = 0;

	(void)state;
	h_init(&h, T_CAP_PSI | T_CAP_MAMV(9), QI_ECAP, NULL);
	h_qi_on(&h, 0, false);
	h_wr(&h, 0xa0, 4, 0);            /* unmask the completion interrupt */
	h_wr(&h, 0xa8, 4, 0xfee00000);
	h_wr(&h, 0xa4, 4, 0x41);
	h.scanned = 40;                  /* ceil(40 / 4) = 10 scan cycles */
	d_iotlb(d[0], 3, 9, 0x5000, 0, false, false, false);
	d_wait(d[1], true, true, true, false, 0xc0ffee, 0x300000);
	h_submit(&h, d, 2);              /* at t = 0 */
	h_run(&h);
	/* fetch: 4 + 100 -> the IOTLB invalidation at 104; it ends at 104 + 2 + 40 + 10 = 156;
	 * the wait ends at 156 + 2 + 10 = 168, writes its status (done at 218) and then
	 * interrupts. */
	assert_int_equal(h.ncalls, 1);
	assert_int_equal(h.calls[0].t, 104 * NS);
	assert_int_equal(h.nmsi, 1);
	assert_int_equal(h.msis[0].t, 218 * NS);
	assert_int_equal(h.msis[0].addr, 0xfee00000);
	assert_int_equal(h.msis[0].data, 0x41);
	assert_int_equal(iommusim_mem_read32(h.mem, 0x300000, &status), 0);
	assert_int_equal(status, 0xc0ffee);
	assert_int_equal(h_rd(&h, 0x9c, 4), 1);
	assert_int_equal(h_counter(&h, "iq.busy_ps"), 168 * NS);
	assert_int_equal(iommusim_stats_get(h.stats, "vtd0.iq.time.iotlb.max", &val, NULL), 0);
	assert_true(val == 156.0 * NS);
	assert_int_equal(iommusim_stats_get(h.stats, "vtd0.iq.time.wait.max", &val, NULL), 0);
	assert_true(val == (218.0 - 156.0) * NS);
	assert_int_equal(iommusim_stats_get(h.stats, "vtd0.iq.occupancy.max", &val, NULL), 0);
	assert_true(val == 2.0);
	assert_int_equal(iommusim_stats_get(h.stats, "vtd0.iq.occupancy.count", &val, NULL), 0);
	assert_true(val == 2.0);

	/* A second submission later starts from an idle engine. */
	h_run_to(&h, 1000 * NS);
	d_iotlb(d[0], 2, 9, 0, 0, false, false, false);
	h_submit(&h, d, 1);
	h_run(&h);
	assert_int_equal(h.ncalls, 2);
	assert_int_equal(h.calls[1].t, 1104 * NS);
	h_fini(&h);
}

static void test_timing_parameters(void **state)
{
	static const char *const kv[] = {
		"vtd.iq.fetch_cycles=10", "vtd.iq.decode_cycles=5", "vtd.iq.cc_cycles=100",
		"vtd.iq.scan_entries_per_cycle=4", NULL,
	};
	struct h h;
	uint64_t d[2][4];

	(void)state;
	h_init(&h, 0, QI_ECAP, kv);
	h_qi_on(&h, 0, false);
	h.scanned = 9;   /* ceil(9 / 4) = 3 */
	d_cc(d[0], 1, 0, 0, 0);
	d_cc(d[1], 1, 0, 0, 0);
	h_submit(&h, d, 2);
	h_run(&h);
	assert_int_equal(h.calls[0].t, 110 * NS);
	assert_int_equal(h.calls[1].t, (110 + 5 + 100 + 3) * NS);
	h_fini(&h);
}

/* ---- queue errors -------------------------------------------------------------------- */

struct iqe_case {
	const char *what;
	uint64_t cap, ecap;
	bool scalable, dw;
	uint64_t d[4];
	unsigned iqei;
};

#define RSVD 4
#define TYPE 3

static void test_descriptor_errors(void **state)
{
	static const struct iqe_case cases[] = {
		{ "type 0", 0, QI_ECAP, false, false, { 0 }, TYPE },
		{ "type 0xb", 0, QI_ECAP, false, false, { 0xb }, TYPE },
		{ "type 0xf", 0, QI_ECAP, false, false, { 0xf }, TYPE },
		{ "type high bits", 0, QI_ECAP, false, false, { 0x1 | (1ull << 9) | (1 << 4) }, TYPE },
		{ "cc reserved bit 6", 0, QI_ECAP, false, false, { 0x1 | (1 << 4) | (1 << 6) }, RSVD },
		{ "cc reserved bit 50", 0, QI_ECAP, false, false, { 0x1 | (1 << 4) | (1ull << 50) }, RSVD },
		{ "cc granularity 0", 0, QI_ECAP, false, false, { 0x1 }, RSVD },
		{ "cc qw1", 0, QI_ECAP, false, false, { 0x1 | (1 << 4), 1 }, RSVD },
		{ "iotlb reserved bit 8", 0, QI_ECAP, false, false, { 0x2 | (1 << 4) | (1 << 8) }, RSVD },
		{ "iotlb reserved bit 32", 0, QI_ECAP, false, false, { 0x2 | (1 << 4) | (1ull << 32) }, RSVD },
		{ "iotlb qw1 bit 7", 0, QI_ECAP, false, false, { 0x2 | (1 << 4), 1 << 7 }, RSVD },
		{ "iotlb granularity 0", 0, QI_ECAP, false, false, { 0x2 }, RSVD },
		{ "iotlb am above mamv", T_CAP_PSI | T_CAP_MAMV(3), QI_ECAP, false, false,
		  { 0x2 | (3 << 4), 4 }, RSVD },
		{ "wait reserved bit 8", 0, QI_ECAP, false, false, { 0x5 | (1 << 8) }, RSVD },
		{ "wait reserved bit 12", 0, QI_ECAP, false, false, { 0x5 | (1 << 12) }, RSVD },
		{ "wait address bit 0", 0, QI_ECAP, false, false, { 0x5 | (1 << 5), 0x1001 }, RSVD },
		{ "wait PD without PDS", 0, QI_ECAP, false, false, { 0x5 | (1 << 7) }, RSVD },
		{ "devtlb without DT", 0, QI_ECAP, false, false, { 0x3 }, TYPE },
		{ "devtlb reserved bit 21", 0, QI_ECAP | T_ECAP_DT, false, false, { 0x3 | (1 << 21) }, RSVD },
		{ "devtlb qw1 bit 1", 0, QI_ECAP | T_ECAP_DT, false, false, { 0x3, 2 }, RSVD },
		{ "iec without IR", 0, QI_ECAP, false, false, { 0x4 }, TYPE },
		{ "iec reserved bit 5", 0, QI_ECAP | T_ECAP_IR, false, false, { 0x4 | (1 << 5) }, RSVD },
		{ "pc in legacy mode", 0, SM_ECAP, false, false, { 0x7 }, TYPE },
		{ "piotlb in legacy mode", 0, SM_ECAP, false, false, { 0x6 | (2 << 4) }, TYPE },
		{ "pdevtlb in legacy mode", 0, SM_ECAP, false, false, { 0x8 }, TYPE },
		{ "pdevtlb without DT", 0, SM_ECAP & ~T_ECAP_DT, true, true, { 0x8 }, TYPE },
		{ "pgrp without PRS", 0, QI_ECAP, false, false, { 0x9 }, TYPE },
		{ "pgrp qw1 bit 12", 0, SM_ECAP, true, true, { 0x9, 1 << 12 }, RSVD },
		{ "pc granularity 2", 0, SM_ECAP, true, true, { 0x7 | (2 << 4) }, RSVD },
		{ "pc qw1", 0, SM_ECAP, true, true, { 0x7, 1 }, RSVD },
		{ "piotlb granularity 1", 0, SM_ECAP, true, true, { 0x6 | (1 << 4) }, RSVD },
		{ "piotlb reserved bit 52", 0, SM_ECAP, true, true, { 0x6 | (2 << 4) | (1ull << 52) }, RSVD },
		{ "pdevtlb qw1 bit 10", 0, SM_ECAP, true, true, { 0x8, 1 << 10 }, RSVD },
		{ "cc qw2 in 256-bit mode", 0, SM_ECAP, true, true, { 0x1 | (1 << 4), 0, 1 }, RSVD },
		{ "wait qw3 in 256-bit mode", 0, SM_ECAP, true, true, { 0x5, 0, 0, 1ull << 63 }, RSVD },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct iqe_case *c = &cases[i];
		unsigned dsz = c->dw ? 32 : 16;
		struct h h;
		uint64_t d[3][4];

		h_init(&h, c->cap, c->ecap, NULL);
		vtd_iq_set_scalable(&h.v, c->scalable);
		h_qi_on(&h, 0, c->dw);
		d_cc(d[0], 1, 0, 0, 0);
		memcpy(d[1], c->d, sizeof(d[1]));
		d_cc(d[2], 2, 7, 0, 0);
		h_submit(&h, d, 3);
		h_run(&h);
		if (h.v.fsts != T_FSTS_IQE || (h_rd(&h, 0xb0, 8) & 0xf) != c->iqei) {
			print_error("case '%s': fsts %#x iqer %#llx\n", c->what, h.v.fsts,
				    (unsigned long long)h_rd(&h, 0xb0, 8));
			fail();
		}
		/* The good descriptor before it ran; IQH stays on the bad one; nothing after. */
		assert_int_equal(h.ncalls, 1);
		assert_int_equal(h_rd(&h, 0x80, 8), dsz);
		assert_int_equal(h_counter(&h, "iq.errors.iqe"), 1);
		assert_int_equal(h.nfsts, 1);
		assert_int_equal(h.fsts_calls[0], T_FSTS_IQE);
		assert_int_equal(h.fsts_times[0], (104 + 42) * NS);
		h_fini(&h);
	}
}

static void test_queue_errors(void **state)
{
	struct h h;
	uint64_t d[1][4];

	(void)state;
	/* 256-bit descriptors without SMTS: invalid width. */
	h_init(&h, 0, QI_ECAP, NULL);
	h_qi_on(&h, 0, true);
	d_cc(d[0], 1, 0, 0, 0);
	h_submit(&h, d, 1);
	h_run(&h);
	assert_int_equal(h.v.fsts, T_FSTS_IQE);
	assert_int_equal(h_rd(&h, 0xb0, 8), 5);
	assert_int_equal(h.ncalls, 0);
	h_fini(&h);

	/* 128-bit descriptors in scalable mode: invalid width. */
	h_init(&h, 0, SM_ECAP, NULL);
	vtd_iq_set_scalable(&h.v, true);
	h_qi_on(&h, 0, false);
	h_submit(&h, d, 1);
	h_run(&h);
	assert_int_equal(h_rd(&h, 0xb0, 8), 5);
	assert_int_equal(h.ncalls, 0);
	h_fini(&h);

	/* IQT bit 4 with 256-bit descriptors. */
	h_init(&h, 0, SM_ECAP, NULL);
	h_qi_on(&h, 0, true);
	h_wr(&h, 0x88, 8, 0x30);
	h_run(&h);
	assert_int_equal(h.v.fsts, T_FSTS_IQE);
	assert_int_equal(h_rd(&h, 0xb0, 8), 6);
	assert_int_equal(h.ncalls, 0);
	h_fini(&h);

	/* DW switched to 256-bit under an enabled queue whose IQH is on a 16-byte slot. */
	h_init(&h, 0, SM_ECAP, NULL);
	h_qi_on(&h, 0, false);
	d_cc(d[0], 1, 0, 0, 0);
	h_submit(&h, d, 1);
	h_run(&h);
	h_wr(&h, 0x90, 8, IQ_BASE | (1ull << 11));
	h_wr(&h, 0x88, 8, 0x40);
	h_run(&h);
	assert_int_equal(h.v.fsts, T_FSTS_IQE);
	assert_int_equal(h_rd(&h, 0xb0, 8), 5);
	assert_int_equal(h.ncalls, 1);
	h_fini(&h);

	/* IQT past the end of a one-page queue. */
	h_init(&h, 0, QI_ECAP, NULL);
	h_qi_on(&h, 0, false);
	h_wr(&h, 0x88, 8, 0x1000);
	h_run(&h);
	assert_int_equal(h_rd(&h, 0xb0, 8), 1);
	assert_int_equal(h.ncalls, 0);
	assert_int_equal(h_rd(&h, 0x80, 8), 0);
	h_fini(&h);

	/* A queue outside memory: the fetch fails. */
	h_init(&h, 0, QI_ECAP, NULL);
	h_wr(&h, 0x90, 8, 1ull << 45);
	vtd_iq_set_enabled(&h.v, true, 0);
	h_wr(&h, 0x88, 8, 0x10);
	h_run(&h);
	assert_int_equal(h_rd(&h, 0xb0, 8), 2);
	assert_int_equal(h.fsts_times[0], 104 * NS);
	assert_int_equal(h_rd(&h, 0x80, 8), 0);
	h_fini(&h);
}

static void test_iqe_recovery(void **state)
{
	struct h h;
	uint64_t d[3][4];

	(void)state;
	h_init(&h, 0, QI_ECAP, NULL);
	h_qi_on(&h, 0, false);
	d_cc(d[0], 1, 1, 0, 0);
	d[1][0] = 0xe;            /* invalid type */
	d[1][1] = d[1][2] = d[1][3] = 0;
	d_cc(d[2], 1, 3, 0, 0);
	h_submit(&h, d, 3);
	h_run(&h);
	assert_int_equal(h.ncalls, 1);
	assert_int_equal(h_rd(&h, 0x80, 8), 0x10);

	/* More submissions while IQE is set are not processed. */
	h_run_to(&h, 1000 * NS);
	d_cc(d[0], 1, 4, 0, 0);
	h_submit(&h, d, 1);
	h_run(&h);
	assert_int_equal(h.ncalls, 1);

	/* Software repairs the descriptor and clears IQE: fetching restarts at IQH. */
	h_run_to(&h, 2000 * NS);
	assert_int_equal(iommusim_mem_write64(h.mem, IQ_BASE + 0x10, 0x1 | (1 << 4) | (2 << 16)), 0);
	h.v.fsts &= ~T_FSTS_IQE;
	vtd_iq_fsts_cleared(&h.v, T_FSTS_IQE, 2000 * NS);
	h_run(&h);
	assert_int_equal(h.ncalls, 4);
	assert_int_equal(h.calls[1].did, 2);
	assert_int_equal(h.calls[1].t, 2104 * NS);
	assert_int_equal(h.calls[2].did, 3);
	assert_int_equal(h.calls[3].did, 4);
	assert_int_equal(h_rd(&h, 0x80, 8), 0x40);

	/* Without the notification, the next IQT write notices IQE is clear. */
	h_run_to(&h, 3000 * NS);
	d[0][0] = 0;
	h_submit(&h, d, 1);
	h_run(&h);
	assert_int_equal(h.v.fsts, T_FSTS_IQE);
	assert_int_equal(h_rd(&h, 0x80, 8), 0x40);
	assert_int_equal(iommusim_mem_write64(h.mem, IQ_BASE + 0x40, 0x1 | (1 << 4) | (5 << 16)), 0);
	h.v.fsts = 0;
	h_run_to(&h, 4000 * NS);
	d_cc(d[0], 1, 6, 0, 0);
	h_submit(&h, d, 1);
	h_run(&h);
	assert_int_equal(h.ncalls, 6);
	assert_int_equal(h.calls[4].did, 5);
	assert_int_equal(h.calls[5].did, 6);
	assert_int_equal(h_counter(&h, "iq.errors.iqe"), 2);
	h_fini(&h);
}

/* The invalidation refusing a descriptor is reported as a reserved-field error. */
static void test_inval_refusal(void **state)
{
	struct h h;
	uint64_t d[1][4];

	(void)state;
	h_init(&h, 0, QI_ECAP, NULL);
	h_qi_on(&h, 0, false);
	h.inval_rc = -EINVAL;
	d_cc(d[0], 3, 1, 2, 0);
	h_submit(&h, d, 1);
	h_run(&h);
	assert_int_equal(h.v.fsts, T_FSTS_IQE);
	assert_int_equal(h_rd(&h, 0xb0, 8), 4);
	assert_int_equal(h_rd(&h, 0x80, 8), 0);
	h_fini(&h);
}

/* ---- enable, disable, reset ---------------------------------------------------------- */

static void test_disable_and_reset(void **state)
{
	struct h h;
	uint64_t d[4][4];

	(void)state;
	h_init(&h, 0, QI_ECAP, NULL);
	/* Writes to IQT while disabled do nothing. */
	d_cc(d[0], 1, 1, 0, 0);
	h_wr(&h, 0x90, 8, IQ_BASE);
	h_submit(&h, d, 1);
	h_run(&h);
	assert_int_equal(h.ncalls, 0);
	assert_false(vtd_iq_busy(&h.v));
	/* Enabling processes what is there. */
	vtd_iq_set_enabled(&h.v, true, iommusim_sched_now(h.sched));
	h_run(&h);
	assert_int_equal(h.ncalls, 1);
	/* Disabling stops the engine and resets IQH. */
	for (unsigned i = 0; i < 4; i++)
		d_cc(d[i], 1, (uint16_t)(10 + i), 0, 0);
	h_submit(&h, d, 4);
	h_run_to(&h, iommusim_sched_now(h.sched) + 120 * NS);
	vtd_iq_set_enabled(&h.v, false, iommusim_sched_now(h.sched));
	h_run(&h);
	assert_int_equal(h.ncalls, 2);
	assert_int_equal(h_rd(&h, 0x80, 8), 0);
	assert_false(vtd_iq_busy(&h.v));

	/* Reset: registers to reset values, nothing left to run. */
	vtd_iq_set_enabled(&h.v, true, iommusim_sched_now(h.sched));
	h_wr(&h, 0xa0, 4, 0);
	vtd_iq_reset(&h.v, iommusim_sched_now(h.sched));
	assert_int_equal(iommusim_sched_pending(h.sched), 0);
	assert_int_equal(h_rd(&h, 0x90, 8), 0);
	assert_int_equal(h_rd(&h, 0x88, 8), 0);
	assert_int_equal(h_rd(&h, 0xa0, 4), 0x80000000u);
	assert_false(h.v.iq.enabled);
	h_fini(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reset_values_and_masks),
		cmocka_unit_test(test_init_errors),
		cmocka_unit_test(test_context_cache),
		cmocka_unit_test(test_iotlb_granularities),
		cmocka_unit_test(test_iotlb_drain_timing),
		cmocka_unit_test(test_pasid_descriptors),
		cmocka_unit_test(test_iec_is_accepted_with_ir),
		cmocka_unit_test(test_page_group_response),
		cmocka_unit_test(test_wrap_around),
		cmocka_unit_test(test_fetch_batches),
		cmocka_unit_test(test_timing_by_hand),
		cmocka_unit_test(test_timing_parameters),
		cmocka_unit_test(test_descriptor_errors),
		cmocka_unit_test(test_queue_errors),
		cmocka_unit_test(test_iqe_recovery),
		cmocka_unit_test(test_inval_refusal),
		cmocka_unit_test(test_disable_and_reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
