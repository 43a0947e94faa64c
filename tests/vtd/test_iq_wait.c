/* SPDX-License-Identifier: MIT */
/*
 * The VT-d invalidation queue, part two: device-TLB invalidations (ATS invalidation
 * requests, completions, queue depth, ITE on a device that never answers, late answers,
 * ICE) and invalidation wait descriptors (status write, interrupt, fence, page-request
 * drain, ordering). Timing as in test_iq.c: 1 ns cycles, memory read 100 ns, write 50 ns.
 */
#include "tests/vtd/vtd_q_harness.h"

#define DT_ECAP (T_ECAP_QI | T_ECAP_DT)
#define SM_ECAP (T_ECAP_QI | T_ECAP_SMTS | T_ECAP_DT | T_ECAP_PRS | T_ECAP_PDS)
#define STATUS_A 0x300000ull
#define STATUS_B 0x300040ull

static uint32_t rd32(struct h *h, uint64_t pa)
{
	uint32_t v = 0xdeadbeef;

	assert_int_equal(iommusim_mem_read32(h->mem, pa, &v), 0);
	return v;
}

/* ---- device-TLB invalidation requests ------------------------------------------------ */

struct range_case {
	uint64_t addr;
	bool s;
	uint64_t base, size;
};

static void test_devtlb_requests(void **state)
{
	static const struct range_case cases[] = {
		{ 0x12345000, false, 0x12345000, 0x1000 },
		{ 0x12344000, true, 0x12344000, 0x2000 },        /* bit 12 clear: 8 KiB */
		{ 0x12345000, true, 0x12344000, 0x4000 },        /* one 1: 16 KiB */
		{ 0x1234b000, true, 0x12348000, 0x8000 },        /* two 1s: 32 KiB */
		{ 0x007ff000, true, 0x0, 0x1000000 },            /* eleven 1s: 16 MiB */
		{ 0x7ffffffffffff000ull, true, 0, 1ull << 63 },  /* everything */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct h h;
		uint64_t d[1][4];

		h_init(&h, 0, DT_ECAP, NULL);
		h_qi_on(&h, 0, false);
		d_devtlb(d[0], 0x0310, 0, cases[i].addr, cases[i].s);
		d[0][0] |= (0x5ull << 12) | (0xabcull << 52);   /* PFSID: not used by the model */
		h_submit(&h, d, 1);
		h_run(&h);
		assert_int_equal(h.v.fsts, 0);
		assert_int_equal(h.nmsgs, 1);
		assert_int_equal(h.msgs[0].kind, IOMMUSIM_MSG_ATS_INVAL_REQ);
		assert_int_equal(h.msgs[0].rid, 0x0310);
		assert_false(h.msgs[0].pasid_valid);
		assert_false(h.msgs[0].global);
		assert_int_equal(h.msgs[0].itag, 0);
		assert_int_equal(h.msgs[0].addr, cases[i].base);
		assert_int_equal(h.msgs[0].size, cases[i].size);
		/* fetch 4 + 100, decode 2 + devtlb 20 */
		assert_int_equal(h.msgs[0].time, 126 * NS);
		assert_int_equal(h.ncalls, 0);
		assert_int_equal(h_counter(&h, "ats.inval.sent"), 1);
		assert_int_equal(h_counter(&h, "ats.inval.completed"), 1);
		assert_false(vtd_iq_busy(&h.v));
		h_fini(&h);
	}
}

static void test_pasid_devtlb_requests(void **state)
{
	struct h h;
	uint64_t d[2][4];

	(void)state;
	h_init(&h, 0, SM_ECAP, NULL);
	vtd_iq_set_scalable(&h.v, true);
	h_qi_on(&h, 0, true);
	d_pdevtlb(d[0], 0x0420, 0, 0xfedcb, 0x40000000, false, false);
	d_pdevtlb(d[1], 0x0420, 0, 0x00001, 0x40001000, true, true);
	h_submit(&h, d, 2);
	h_run(&h);
	assert_int_equal(h.v.fsts, 0);
	assert_int_equal(h.nmsgs, 2);
	assert_int_equal(h.msgs[0].rid, 0x0420);
	assert_true(h.msgs[0].pasid_valid);
	assert_int_equal(h.msgs[0].pasid, 0xfedcb);
	assert_false(h.msgs[0].global);
	assert_int_equal(h.msgs[0].addr, 0x40000000);
	assert_int_equal(h.msgs[0].size, 0x1000);
	assert_int_equal(h.msgs[0].itag, 0);
	assert_int_equal(h.msgs[1].pasid, 1);
	assert_true(h.msgs[1].global);
	assert_int_equal(h.msgs[1].addr, 0x40000000);
	assert_int_equal(h.msgs[1].size, 0x4000);
	/* the first is still outstanding: the next ITag */
	assert_int_equal(h.msgs[1].itag, 1);
	assert_int_equal(h.msgs[1].time, 148 * NS);
	assert_int_equal(h_counter(&h, "iq.desc.pdevtlb"), 2);
	h_fini(&h);
}

static void test_wait_after_devtlb_timing(void **state)
{
	static const char *const kv[] = { "vtd.ats.inval_timeout_ns=10000", NULL };
	struct h h;
	uint64_t d[2][4];
	double val;

	(void)state;
	h_init(&h, 0, DT_ECAP, kv);
	h_qi_on(&h, 0, false);
	h_wr(&h, 0xa0, 4, 0);
	h.answer_delay = 3000 * NS;   /* within the 10 us time-out */
	d_devtlb(d[0], 0x0310, 0, 0x1000, false);
	d_wait(d[1], true, true, false, false, 0x1234, STATUS_A);
	h_submit(&h, d, 2);
	h_run_to(&h, 3125 * NS);
	assert_int_equal(rd32(&h, STATUS_A), 0);
	assert_int_equal(h.nmsi, 0);
	h_run(&h);
	/* Request at 126, answer at 3126, status write done at 3176, then the interrupt. */
	assert_int_equal(rd32(&h, STATUS_A), 0x1234);
	assert_int_equal(h.nmsi, 1);
	assert_int_equal(h.msis[0].t, 3176 * NS);
	assert_int_equal(h.v.fsts, 0);
	assert_int_equal(iommusim_stats_get(h.stats, "vtd0.ats.inval.rtt.max", &val, NULL), 0);
	assert_true(val == 3000.0 * NS);
	assert_int_equal(iommusim_stats_get(h.stats, "vtd0.iq.time.devtlb.max", &val, NULL), 0);
	assert_true(val == 3126.0 * NS);
	assert_int_equal(h_counter(&h, "ats.inval.timeouts"), 0);
	assert_false(vtd_iq_busy(&h.v));
	h_fini(&h);
}

static void test_ite_device_never_answers(void **state)
{
	static const char *const kv[] = { "vtd.ats.inval_timeout_ns=10000", NULL };
	struct h h;
	uint64_t d[3][4];

	(void)state;
	h_init(&h, 0, DT_ECAP, kv);
	h_qi_on(&h, 0, false);
	h_wr(&h, 0xa0, 4, 0);
	h.answer = false;
	d_devtlb(d[0], 0x0310, 0, 0x1000, false);
	d_wait(d[1], true, true, true, false, 0x1234, STATUS_A);
	d_cc(d[2], 1, 0, 0, 0);
	h_submit(&h, d, 3);
	h_run_to(&h, 10125 * NS);
	assert_int_equal(h.v.fsts, 0);
	assert_true(vtd_iq_busy(&h.v));
	h_run_to(&h, 20000 * NS);
	/* Time-out 10 us after the request left at 126 ns: ITE with the device's SID. */
	assert_int_equal(h.v.fsts, T_FSTS_ITE);
	assert_int_equal(h.nfsts, 1);
	assert_int_equal(h.fsts_times[0], 10126 * NS);
	assert_int_equal(h_rd(&h, 0xb0, 8), 0x0310ull << 32);
	/* The pending wait is aborted: no status write, no interrupt; the fenced CC waits. */
	assert_int_equal(rd32(&h, STATUS_A), 0);
	assert_int_equal(h.nmsi, 0);
	assert_int_equal(h.ncalls, 0);
	assert_int_equal(h_rd(&h, 0x80, 8), 0x20);
	assert_int_equal(h_counter(&h, "iq.wait.aborted"), 1);
	assert_int_equal(h_counter(&h, "ats.inval.timeouts"), 1);
	assert_int_equal(h_counter(&h, "iq.errors.ite"), 1);

	/* New work is not fetched while ITE is set. */
	d_cc(d[0], 2, 9, 0, 0);
	h_submit(&h, d, 1);
	h_run_to(&h, 30000 * NS);
	assert_int_equal(h.ncalls, 0);

	/* Software clears ITE: fetching restarts at IQH. */
	h.v.fsts &= ~T_FSTS_ITE;
	vtd_iq_fsts_cleared(&h.v, T_FSTS_ITE, 30000 * NS);
	h_run(&h);
	assert_int_equal(h.ncalls, 2);
	assert_int_equal(h.calls[0].t, 30104 * NS);
	assert_int_equal(h.calls[0].gran, 1);
	assert_int_equal(h.calls[1].did, 9);
	assert_false(vtd_iq_busy(&h.v));
	h_fini(&h);
}

/* A wait whose status write is under way when a time-out hits still completes; the
 * time-out aborts only the waits that had not started. */
static void test_ite_spares_wait_in_writing(void **state)
{
	static const char *const kv[] = { "vtd.ats.inval_timeout_ns=20", NULL };
	struct h h;
	uint64_t d[3][4];

	(void)state;
	h_init(&h, 0, DT_ECAP, kv);
	h_qi_on(&h, 0, false);
	h_wr(&h, 0xa0, 4, 0);
	h.answer = false;
	/* wait 1: ends at 116 and writes until 166; the request leaves at 138 and times out
	 * at 158; wait 2 (after the request) ends at 150 and is aborted. */
	d_wait(d[0], true, true, false, false, 1, STATUS_A);
	d_devtlb(d[1], 5, 0, 0x1000, false);
	d_wait(d[2], false, true, false, false, 2, STATUS_B);
	h_submit(&h, d, 3);
	h_run(&h);
	assert_int_equal(h.v.fsts, T_FSTS_ITE);
	assert_int_equal(h.fsts_times[0], 158 * NS);
	assert_int_equal(rd32(&h, STATUS_A), 1);
	assert_int_equal(h.nmsi, 1);
	assert_int_equal(h.msis[0].t, 166 * NS);
	assert_int_equal(rd32(&h, STATUS_B), 0);
	assert_int_equal(h_counter(&h, "iq.wait.aborted"), 1);
	assert_false(vtd_iq_busy(&h.v));
	h_fini(&h);
}

static void test_late_answer_after_timeout(void **state)
{
	static const char *const kv[] = { "vtd.ats.inval_timeout_ns=10000", NULL };
	struct h h;
	uint64_t d[1][4];

	(void)state;
	h_init(&h, 0, DT_ECAP, kv);
	h_qi_on(&h, 0, false);
	h.answer_delay = 15000 * NS;
	d_devtlb(d[0], 0x0310, 0, 0x1000, false);
	h_submit(&h, d, 1);
	h_run(&h);
	assert_int_equal(h.v.fsts, T_FSTS_ITE);
	assert_int_equal(h_counter(&h, "ats.inval.late"), 1);
	assert_int_equal(h_counter(&h, "iq.errors.ice"), 0);
	h_fini(&h);
}

static void test_ice_unexpected_completion(void **state)
{
	struct h h;
	iommusim_dev_msg_t cpl = { .kind = IOMMUSIM_MSG_ATS_INVAL_CPL, .rid = 0x0099, .itag = 3,
				   .time = 5 * NS };

	(void)state;
	h_init(&h, 0, DT_ECAP, NULL);
	h_qi_on(&h, 0, false);
	assert_int_equal(vtd_iq_ats_completion(&h.v, &cpl), 0);
	assert_int_equal(h.v.fsts, T_FSTS_ICE);
	assert_int_equal(h.fsts_times[0], 5 * NS);
	assert_int_equal(h_rd(&h, 0xb0, 8), 0x0099ull << 48);
	/* A second one while ICE is set keeps the first source. */
	cpl.rid = 0x0077;
	assert_int_equal(vtd_iq_ats_completion(&h.v, &cpl), 0);
	assert_int_equal(h_rd(&h, 0xb0, 8), 0x0099ull << 48);
	assert_int_equal(h_counter(&h, "iq.errors.ice"), 2);
	assert_int_equal(h.nfsts, 1);
	/* Bad input. */
	assert_int_equal(vtd_iq_ats_completion(&h.v, NULL), -EINVAL);
	cpl.itag = 32;
	assert_int_equal(vtd_iq_ats_completion(&h.v, &cpl), -EINVAL);
	cpl.itag = 0;
	cpl.kind = IOMMUSIM_MSG_PAGE_REQ;
	assert_int_equal(vtd_iq_ats_completion(&h.v, &cpl), -EINVAL);

	/* A completion from the right device with the wrong ITag is an ICE too. */
	h.v.fsts = 0;
	h.answer = false;
	{
		uint64_t d[1][4];

		d_devtlb(d[0], 0x0310, 0, 0x1000, false);
		h_submit(&h, d, 1);
		h_run_to(&h, 200 * NS);
	}
	cpl = (iommusim_dev_msg_t){ .kind = IOMMUSIM_MSG_ATS_INVAL_CPL, .rid = 0x0310, .itag = 1,
				    .time = 300 * NS };
	assert_int_equal(vtd_iq_ats_completion(&h.v, &cpl), 0);
	assert_int_equal(h.v.fsts, T_FSTS_ICE);
	assert_int_equal(h_rd(&h, 0xb0, 8) >> 48, 0x0310);
	assert_true(vtd_iq_busy(&h.v));
	cpl.itag = 0;
	assert_int_equal(vtd_iq_ats_completion(&h.v, &cpl), 0);
	assert_false(vtd_iq_busy(&h.v));
	assert_int_equal(h_counter(&h, "ats.inval.completed"), 1);
	h_fini(&h);
}

static void test_queue_depth_stalls(void **state)
{
	struct h h;
	uint64_t d[3][4];

	(void)state;
	/* Invalidate queue depth 1: the second request waits for the first completion. */
	h_init(&h, 0, DT_ECAP, NULL);
	h_qi_on(&h, 0, false);
	h.answer_delay = 1000 * NS;
	d_devtlb(d[0], 5, 1, 0x1000, false);
	d_devtlb(d[1], 5, 1, 0x2000, false);
	d_cc(d[2], 1, 0, 0, 0);
	h_submit(&h, d, 3);
	h_run(&h);
	assert_int_equal(h.nmsgs, 2);
	assert_int_equal(h.msgs[0].time, 126 * NS);
	assert_int_equal(h.msgs[1].time, (1126 + 22) * NS);
	assert_int_equal(h.msgs[1].itag, 0);
	assert_int_equal(h.calls[0].t, 1148 * NS);
	h_fini(&h);

	/* Depth 0 means 32: no stall, ITags 0 and 1. */
	h_init(&h, 0, DT_ECAP, NULL);
	h_qi_on(&h, 0, false);
	h.answer_delay = 1000 * NS;
	d_devtlb(d[0], 5, 0, 0x1000, false);
	d_devtlb(d[1], 5, 0, 0x2000, false);
	h_submit(&h, d, 3);
	h_run(&h);
	assert_int_equal(h.msgs[0].time, 126 * NS);
	assert_int_equal(h.msgs[1].time, 148 * NS);
	assert_int_equal(h.msgs[1].itag, 1);
	assert_int_equal(h.calls[0].t, 148 * NS);
	h_fini(&h);

	/* One tracking slot in the IOMMU: requests to different devices wait too. */
	h_init(&h, 0, DT_ECAP, (const char *const[]){ "vtd.ats.max_outstanding=1", NULL });
	h_qi_on(&h, 0, false);
	h.answer_delay = 1000 * NS;
	d_devtlb(d[0], 5, 0, 0x1000, false);
	d_devtlb(d[1], 6, 0, 0x2000, false);
	h_submit(&h, d, 3);
	h_run(&h);
	assert_int_equal(h.msgs[1].time, 1148 * NS);
	assert_int_equal(h.msgs[1].rid, 6);
	h_fini(&h);
}

static void test_request_to_missing_device_times_out(void **state)
{
	static const char *const kv[] = { "vtd.ats.inval_timeout_ns=2000", NULL };
	struct h h;
	uint64_t d[1][4];

	(void)state;
	h_init(&h, 0, DT_ECAP, kv);
	h_qi_on(&h, 0, false);
	h.to_device_rc = -ENODEV;
	d_devtlb(d[0], 0x0800, 0, 0x1000, false);
	h_submit(&h, d, 1);
	h_run(&h);
	assert_int_equal(h_counter(&h, "ats.inval.nodev"), 1);
	assert_int_equal(h.v.fsts, T_FSTS_ITE);
	assert_int_equal(h.fsts_times[0], 2126 * NS);
	assert_int_equal(h_rd(&h, 0xb0, 8), 0x0800ull << 32);
	h_fini(&h);
}

/* ---- wait descriptors ---------------------------------------------------------------- */

static void test_wait_fence(void **state)
{
	static const bool fence[] = { false, true };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct h h;
		uint64_t d[3][4];

		h_init(&h, 0, DT_ECAP, NULL);
		h_qi_on(&h, 0, false);
		h.answer_delay = 1000 * NS;
		d_devtlb(d[0], 5, 0, 0x1000, false);
		d_wait(d[1], false, true, fence[i], false, 7, STATUS_A);
		d_cc(d[2], 1, 0, 0, 0);
		h_submit(&h, d, 3);
		h_run(&h);
		assert_int_equal(rd32(&h, STATUS_A), 7);
		assert_int_equal(h.ncalls, 1);
		/* Without a fence the CC runs when the wait's processing ends (126 + 12); with
		 * it, after the answer at 1126 and the status write (done at 1176). */
		assert_int_equal(h.calls[0].t, (fence[i] ? 1176 : 138) * NS);
		h_fini(&h);
	}
}

static void test_waits_complete_in_order(void **state)
{
	struct h h;
	uint64_t d[4][4];

	(void)state;
	h_init(&h, 0, DT_ECAP, NULL);
	h_qi_on(&h, 0, false);
	h.answer_delay = 2000 * NS;
	d_devtlb(d[0], 5, 0, 0x1000, false);
	d_wait(d[1], false, true, false, false, 1, STATUS_A);
	d_cc(d[2], 1, 0, 0, 0);
	d_wait(d[3], false, true, false, false, 2, STATUS_B);
	h_submit(&h, d, 4);
	/* The second wait has nothing of its own to wait for, but completes after the
	 * first: that one writes at 2126 and its data lands when the write completes
	 * (2126 + MEM_WR = 2176); the second writes at 2176 and lands at 2226. Software
	 * polling the words sees neither before it lands. */
	h_run_to(&h, 2126 * NS + MEM_WR - 1);
	assert_int_equal(rd32(&h, STATUS_A), 0);
	h_run_to(&h, 2126 * NS + MEM_WR);
	assert_int_equal(rd32(&h, STATUS_A), 1);
	assert_int_equal(rd32(&h, STATUS_B), 0);
	h_run_to(&h, 2126 * NS + 2 * MEM_WR - 1);
	assert_int_equal(rd32(&h, STATUS_B), 0);
	h_run(&h);
	assert_int_equal(rd32(&h, STATUS_B), 2);
	assert_int_equal(h.calls[0].t, 138 * NS);   /* CC: 126 + 12 */
	assert_int_equal(h_counter(&h, "iq.wait.status_writes"), 2);
	h_fini(&h);
}

static void test_wait_interrupt(void **state)
{
	struct h h;
	uint64_t d[2][4];

	(void)state;
	h_init(&h, 0, T_ECAP_QI, NULL);
	h_qi_on(&h, 0, false);
	h_wr(&h, 0xa8, 4, 0xfee00000);
	h_wr(&h, 0xac, 4, 0x1);
	h_wr(&h, 0xa4, 4, 0x66);
	/* Masked (reset value): IWC and IP, no message. */
	d_wait(d[0], true, false, false, false, 0, 0);
	h_submit(&h, d, 1);
	h_run(&h);
	assert_int_equal(h_rd(&h, 0x9c, 4), 1);
	assert_int_equal(h_rd(&h, 0xa0, 4), 0xc0000000u);
	assert_int_equal(h.nmsi, 0);
	/* Unmasking sends the pending interrupt. */
	h_run_to(&h, 1000 * NS);
	h_wr(&h, 0xa0, 4, 0);
	assert_int_equal(h.nmsi, 1);
	assert_int_equal(h.msis[0].addr, 0x1fee00000ull);
	assert_int_equal(h.msis[0].data, 0x66);
	assert_int_equal(h.msis[0].t, 1000 * NS);
	assert_int_equal(h_rd(&h, 0xa0, 4), 0);
	/* IWC still set: another IF wait is not a new interrupt condition. */
	h_submit(&h, d, 1);
	h_run(&h);
	assert_int_equal(h.nmsi, 1);
	/* Clearing IWC (RW1C) re-arms it. */
	h_wr(&h, 0x9c, 4, 0);
	assert_int_equal(h_rd(&h, 0x9c, 4), 1);
	h_wr(&h, 0x9c, 4, 1);
	assert_int_equal(h_rd(&h, 0x9c, 4), 0);
	h_run_to(&h, 2000 * NS);
	h_submit(&h, d, 1);
	h_run(&h);
	assert_int_equal(h.nmsi, 2);
	assert_int_equal(h.msis[1].t, (2000 + 104 + 12) * NS);
	assert_int_equal(h_counter(&h, "iq.wait.interrupts"), 2);

	/* Clearing IWC while masked drops the pending interrupt. */
	h_wr(&h, 0xa0, 4, 0x80000000u);
	h_wr(&h, 0x9c, 4, 1);
	h_submit(&h, d, 1);
	h_run(&h);
	assert_int_equal(h_rd(&h, 0xa0, 4), 0xc0000000u);
	h_wr(&h, 0x9c, 4, 1);
	assert_int_equal(h_rd(&h, 0xa0, 4), 0x80000000u);
	h_wr(&h, 0xa0, 4, 0);
	assert_int_equal(h.nmsi, 2);
	h_fini(&h);
}

static void test_wait_status_write_error(void **state)
{
	struct h h;
	uint64_t d[1][4];

	(void)state;
	h_init(&h, 0, T_ECAP_QI, NULL);
	h_qi_on(&h, 0, false);
	h_wr(&h, 0xa0, 4, 0);
	d_wait(d[0], true, true, false, false, 1, 1ull << 44);
	h_submit(&h, d, 1);
	h_run(&h);
	assert_int_equal(h_counter(&h, "iq.wait.status_write_errors"), 1);
	assert_int_equal(h.nmsi, 1);
	assert_int_equal(h.v.fsts, 0);
	h_fini(&h);
}

static void test_wait_page_request_drain(void **state)
{
	static const bool drain[] = { false, true };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct h h;
		uint64_t d[1][4];
		iommusim_dev_msg_t pr = { .kind = IOMMUSIM_MSG_PAGE_REQ, .rid = 0x0310,
					  .addr = 0x5000, .access = IOMMUSIM_ACC_READ,
					  .last = true, .time = 0 };

		h_init(&h, 0, SM_ECAP, (const char *const[]){ "vtd.prq.write_cycles=1000", NULL });
		h_qi_on(&h, 0, false);
		h_wr(&h, 0xa0, 4, 0);
		h_wr(&h, 0xd0, 8, 0x400000);
		/* The page request's descriptor write is issued at 1000 and done at 1050. */
		assert_int_equal(vtd_prq_page_request(&h.v, &pr, true), 0);
		assert_int_equal(vtd_prq_drain_time(&h.v), 1050 * NS);
		d_wait(d[0], true, true, false, drain[i], 3, STATUS_A);
		h_submit(&h, d, 1);
		h_run(&h);
		assert_int_equal(h.nmsi, 1);
		/* The wait ends at 116; with PD it waits for the drain at 1050. Status +50. */
		assert_int_equal(h.msis[0].t, (drain[i] ? 1100 : 166) * NS);
		assert_int_equal(h_rd(&h, 0xc8, 8), 0x20);
		h_fini(&h);
	}
}

static void test_disable_drops_outstanding(void **state)
{
	struct h h;
	uint64_t d[2][4];

	(void)state;
	h_init(&h, 0, DT_ECAP, NULL);
	h_qi_on(&h, 0, false);
	h.answer = false;
	d_devtlb(d[0], 5, 0, 0x1000, false);
	d_wait(d[1], false, true, false, false, 1, STATUS_A);
	h_submit(&h, d, 2);
	h_run_to(&h, 1000 * NS);
	assert_true(vtd_iq_busy(&h.v));
	vtd_iq_set_enabled(&h.v, false, 1000 * NS);
	assert_false(vtd_iq_busy(&h.v));
	assert_int_equal(iommusim_sched_pending(h.sched), 0);
	assert_int_equal(rd32(&h, STATUS_A), 0);
	h_fini(&h);
}

/* A status write already issued when software disables the queue is not taken back: its
 * data is in memory at once, and nothing stays scheduled. Timeline of a lone wait: fetch
 * 4 + MEM_RD (104), decode 2 + wait 10 (116), the write lands at 116 + MEM_WR (166). */
static void test_disable_keeps_issued_status_write(void **state)
{
	struct h h;
	uint64_t d[1][4];

	(void)state;
	h_init(&h, 0, DT_ECAP, NULL);
	h_qi_on(&h, 0, false);
	d_wait(d[0], false, true, false, false, 9, STATUS_A);
	h_submit(&h, d, 1);
	h_run_to(&h, 140 * NS);
	assert_int_equal(rd32(&h, STATUS_A), 0);   /* issued at 116, lands at 166 */
	vtd_iq_set_enabled(&h.v, false, 140 * NS);
	assert_int_equal(rd32(&h, STATUS_A), 9);
	assert_false(vtd_iq_busy(&h.v));
	assert_int_equal(iommusim_sched_pending(h.sched), 0);
	assert_int_equal(h_counter(&h, "iq.wait.status_writes"), 1);
	assert_int_equal(h_counter(&h, "iq.wait.status_write_errors"), 0);
	h_fini(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_devtlb_requests),
		cmocka_unit_test(test_pasid_devtlb_requests),
		cmocka_unit_test(test_wait_after_devtlb_timing),
		cmocka_unit_test(test_ite_device_never_answers),
		cmocka_unit_test(test_ite_spares_wait_in_writing),
		cmocka_unit_test(test_late_answer_after_timeout),
		cmocka_unit_test(test_ice_unexpected_completion),
		cmocka_unit_test(test_queue_depth_stalls),
		cmocka_unit_test(test_request_to_missing_device_times_out),
		cmocka_unit_test(test_wait_fence),
		cmocka_unit_test(test_waits_complete_in_order),
		cmocka_unit_test(test_wait_interrupt),
		cmocka_unit_test(test_wait_status_write_error),
		cmocka_unit_test(test_wait_page_request_drain),
		cmocka_unit_test(test_disable_drops_outstanding),
		cmocka_unit_test(test_disable_keeps_issued_status_write),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
