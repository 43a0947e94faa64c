/* SPDX-License-Identifier: MIT */
/*
 * The VT-d page request queue (models/vtd/vtd_prq.c): registers, the page request
 * descriptor in memory, PQT/PPR/event timing, overflow with PRO and the auto-response,
 * wrap-around, requests that are not allowed, and page group responses.
 * Timing: 1 ns cycles, memory write 50 ns, vtd.prq.write_cycles 8, vtd.prq.resp_cycles 10.
 */
#include "tests/vtd/vtd_q_harness.h"

#define PRQ_ECAP (T_ECAP_QI | T_ECAP_SMTS | T_ECAP_PRS)
#define PQ_BASE 0x200000ull

static iommusim_dev_msg_t pr(uint16_t rid, uint64_t addr, unsigned prgi, bool last,
			     iommusim_time_t t)
{
	return (iommusim_dev_msg_t){ .kind = IOMMUSIM_MSG_PAGE_REQ, .rid = rid, .addr = addr,
				     .access = IOMMUSIM_ACC_READ, .prg_index = prgi,
				     .last = last, .time = t };
}

/* PQA at PQ_BASE with one page (128 entries), head and tail 0, event unmasked. */
static void prq_setup(struct h *h)
{
	h_wr(h, 0xd0, 8, PQ_BASE);
	h_wr(h, 0xc0, 8, 0);
	h_wr(h, 0xc8, 8, 0);
	h_wr(h, 0xe8, 4, 0xfee01000);
	h_wr(h, 0xe4, 4, 0x55);
	h_wr(h, 0xe0, 4, 0);
}

static uint64_t rd64(struct h *h, uint64_t pa)
{
	uint64_t v = 0;

	assert_int_equal(iommusim_mem_read64(h->mem, pa, &v), 0);
	return v;
}

static void test_prq_registers(void **state)
{
	struct h h;
	uint64_t val;

	(void)state;
	h_init(&h, 0, PRQ_ECAP, NULL);
	for (uint64_t off = 0xc0; off < 0xf0; off += 4)
		assert_int_equal(h_rd(&h, off, 4), off == 0xe0 ? 0x80000000u : 0);
	/* PQA: reserved bits 11:3; halves. */
	h_wr(&h, 0xd0, 8, 0xabcdef0123456fffull);
	assert_int_equal(h_rd(&h, 0xd0, 8), 0xabcdef0123456007ull);
	h_wr(&h, 0xd4, 4, 0);
	assert_int_equal(h_rd(&h, 0xd0, 8), 0x23456007ull);
	/* PQH / PQT keep bits 18:5. */
	h_wr(&h, 0xc0, 8, ~0ull);
	h_wr(&h, 0xc8, 8, 0x12345);
	assert_int_equal(h_rd(&h, 0xc0, 8), 0x7ffe0);
	assert_int_equal(h_rd(&h, 0xc8, 8), 0x12340);
	/* PEADDR bits 1:0 reserved; PECTL only IM writable. */
	h_wr(&h, 0xe8, 4, 0xfee00fff);
	assert_int_equal(h_rd(&h, 0xe8, 4), 0xfee00ffcu);
	h_wr(&h, 0xe0, 4, 0x7fffffff);
	assert_int_equal(h_rd(&h, 0xe0, 4), 0);
	h_wr(&h, 0xec, 4, 0x3);
	h_wr(&h, 0xe4, 4, 0x9);
	assert_int_equal(h_rd(&h, 0xe8, 8), 0x3fee00ffcull);
	/* PRS bits are write-1-to-clear only. */
	h_wr(&h, 0xdc, 4, 3);
	assert_int_equal(h_rd(&h, 0xdc, 4), 0);
	/* Bad accesses. */
	assert_int_equal(vtd_prq_mmio_read(&h.v, 0xc4, 8, &val, 0), -EINVAL);
	assert_int_equal(vtd_prq_mmio_read(&h.v, 0xf0, 4, &val, 0), -EINVAL);
	assert_int_equal(vtd_prq_mmio_write(&h.v, 0xbc, 4, 0, 0), -EINVAL);
	assert_int_equal(vtd_prq_mmio_write(&h.v, 0xc0, 3, 0, 0), -EINVAL);
	assert_true(vtd_prq_owns_reg(0xc0));
	assert_true(vtd_prq_owns_reg(0xec));
	assert_false(vtd_prq_owns_reg(0xf0));
	assert_false(vtd_prq_owns_reg(0xb8));
	h_fini(&h);
}

static void test_page_request_descriptor(void **state)
{
	struct h h;
	iommusim_dev_msg_t m = {
		.kind = IOMMUSIM_MSG_PAGE_REQ, .rid = 0x0310, .pasid_valid = true, .pasid = 0x4567,
		.addr = 0x7f1234567123ull,
		.access = IOMMUSIM_ACC_READ | IOMMUSIM_ACC_WRITE | IOMMUSIM_ACC_EXEC |
			  IOMMUSIM_ACC_PRIV,
		.prg_index = 0x1ff, .last = true, .time = 1000 * NS,
	};
	double val;

	(void)state;
	h_init(&h, 0, PRQ_ECAP, NULL);
	prq_setup(&h);
	h_run_to(&h, 1000 * NS);
	assert_int_equal(vtd_prq_page_request(&h.v, &m, true), 0);
	/* 7.5.1.1: type 1, PP bit 8, RID 31:16, PASID 51:32, exe 52, priv 53; qw1 read 0,
	 * write 1, LPIG 2, PRG index 11:3, page address 63:12. */
	assert_int_equal(rd64(&h, PQ_BASE),
			 0x1 | (1ull << 8) | (0x0310ull << 16) | (0x4567ull << 32) | (1ull << 52) |
			 (1ull << 53));
	assert_int_equal(rd64(&h, PQ_BASE + 8),
			 0x7f1234567000ull | (0x1ffull << 3) | (1 << 2) | 2 | 1);
	assert_int_equal(rd64(&h, PQ_BASE + 16), 0);
	assert_int_equal(rd64(&h, PQ_BASE + 24), 0);
	/* The write is issued after 8 cycles and done 50 ns later: PQT, PPR, event at 1058. */
	assert_int_equal(vtd_prq_drain_time(&h.v), 1058 * NS);
	h_run_to(&h, 1057 * NS);
	assert_int_equal(h_rd(&h, 0xc8, 8), 0);
	assert_int_equal(h_rd(&h, 0xdc, 4), 0);
	assert_false(vtd_prq_pending(&h.v));
	h_run_to(&h, 1058 * NS);
	assert_int_equal(h_rd(&h, 0xc8, 8), 0x20);
	assert_int_equal(h_rd(&h, 0xdc, 4), 1);
	assert_true(vtd_prq_pending(&h.v));
	assert_int_equal(h.nmsi, 1);
	assert_int_equal(h.msis[0].addr, 0xfee01000);
	assert_int_equal(h.msis[0].data, 0x55);
	assert_int_equal(h.msis[0].t, 1058 * NS);
	assert_int_equal(h_counter(&h, "prq.writes"), 1);
	assert_int_equal(iommusim_stats_get(h.stats, "vtd0.prq.latency.max", &val, NULL), 0);
	assert_true(val == 58.0 * NS);

	/* Without PASID: PP clear, PASID field 0; privileged/exec not set. */
	m = pr(0x0001, 0x3000, 5, false, 2000 * NS);
	h_run_to(&h, 2000 * NS);
	assert_int_equal(vtd_prq_page_request(&h.v, &m, true), 0);
	assert_int_equal(rd64(&h, PQ_BASE + 32), 0x1 | (0x0001ull << 16));
	assert_int_equal(rd64(&h, PQ_BASE + 40), 0x3000 | (5 << 3) | 1);
	h_run(&h);
	/* PPR was still set: no new event. */
	assert_int_equal(h.nmsi, 1);
	assert_int_equal(h_rd(&h, 0xc8, 8), 0x40);
	/* Software consumes and clears PPR; the next request interrupts again. */
	h_wr(&h, 0xc0, 8, 0x40);
	h_wr(&h, 0xdc, 4, 1);
	assert_false(vtd_prq_pending(&h.v));
	m.time = 3000 * NS;
	assert_int_equal(vtd_prq_page_request(&h.v, &m, true), 0);
	h_run(&h);
	assert_int_equal(h.nmsi, 2);
	assert_int_equal(h.msis[1].t, 3058 * NS);
	assert_int_equal(h_counter(&h, "prq.events"), 2);
	h_fini(&h);
}

static void test_back_to_back_requests(void **state)
{
	struct h h;

	(void)state;
	h_init(&h, 0, PRQ_ECAP, NULL);
	prq_setup(&h);
	for (unsigned i = 0; i < 3; i++) {
		iommusim_dev_msg_t m = pr(0x10, 0x1000 * (i + 1), i, true, 0);

		assert_int_equal(vtd_prq_page_request(&h.v, &m, true), 0);
	}
	/* The writer starts one descriptor every 8 cycles: writes issued at 8, 16, 24 and
	 * done at 58, 66, 74. */
	assert_int_equal(vtd_prq_drain_time(&h.v), 74 * NS);
	h_run_to(&h, 58 * NS);
	assert_int_equal(h_rd(&h, 0xc8, 8), 0x20);
	h_run_to(&h, 65 * NS);
	assert_int_equal(h_rd(&h, 0xc8, 8), 0x20);
	h_run_to(&h, 66 * NS);
	assert_int_equal(h_rd(&h, 0xc8, 8), 0x40);
	h_run_to(&h, 74 * NS);
	assert_int_equal(h_rd(&h, 0xc8, 8), 0x60);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(rd64(&h, PQ_BASE + 32 * i + 8) & ~0xfffull, 0x1000 * (i + 1));
	assert_int_equal(h.nmsi, 1);
	h_fini(&h);
}

static void test_wrap_around(void **state)
{
	struct h h;

	(void)state;
	h_init(&h, 0, PRQ_ECAP, NULL);
	prq_setup(&h);
	h_wr(&h, 0xc0, 8, 0xfc0);
	h_wr(&h, 0xc8, 8, 0xfc0);
	for (unsigned i = 0; i < 3; i++) {
		iommusim_dev_msg_t m = pr(0x10, 0x1000 * (i + 1), i, true, 0);

		assert_int_equal(vtd_prq_page_request(&h.v, &m, true), 0);
	}
	h_run(&h);
	assert_int_equal(h_rd(&h, 0xc8, 8), 0x20);
	assert_int_equal(rd64(&h, PQ_BASE + 0xfc8) & ~0xfffull, 0x1000);
	assert_int_equal(rd64(&h, PQ_BASE + 0xfe8) & ~0xfffull, 0x2000);
	assert_int_equal(rd64(&h, PQ_BASE + 0x008) & ~0xfffull, 0x3000);
	assert_int_equal(h.v.fsts, 0);

	/* A two-page queue wraps at 8 KiB. */
	h_wr(&h, 0xd0, 8, PQ_BASE | 1);
	h_wr(&h, 0xc0, 8, 0x1fe0);
	h_wr(&h, 0xc8, 8, 0x1fe0);
	for (unsigned i = 0; i < 2; i++) {
		iommusim_dev_msg_t m = pr(0x10, 0x10000 * (i + 1), i, true,
					  iommusim_sched_now(h.sched));

		assert_int_equal(vtd_prq_page_request(&h.v, &m, true), 0);
	}
	h_run(&h);
	assert_int_equal(h_rd(&h, 0xc8, 8), 0x20);
	assert_int_equal(rd64(&h, PQ_BASE + 0x1fe8) & ~0xfffull, 0x10000);
	assert_int_equal(rd64(&h, PQ_BASE + 0x0008) & ~0xfffull, 0x20000);
	h_fini(&h);
}

static void test_overflow(void **state)
{
	struct h h;
	iommusim_dev_msg_t m;

	(void)state;
	h_init(&h, 0, PRQ_ECAP, NULL);
	prq_setup(&h);
	/* 128 entries; one stays free, so 127 fit. */
	for (unsigned i = 0; i < 127; i++) {
		m = pr(0x22, 0x1000, i & 0x1ff, false, iommusim_sched_now(h.sched));
		assert_int_equal(vtd_prq_page_request(&h.v, &m, true), 0);
		h_run(&h);
	}
	assert_int_equal(h_rd(&h, 0xc8, 8), 127 * 32);
	assert_int_equal(h.v.fsts, 0);
	assert_int_equal(h.nmsi, 1);

	/* The 128th is dropped: PRO (and FSTS.PRO), and being last in its group it gets a
	 * Success response so the device retries. PPR was set: no new event. */
	h_run_to(&h, 100000 * NS);
	m = pr(0x22, 0x9000, 0x44, true, 100000 * NS);
	assert_int_equal(vtd_prq_page_request(&h.v, &m, true), 0);
	h_run(&h);
	assert_int_equal(h_rd(&h, 0xdc, 4), 3);
	assert_int_equal(h.v.fsts, T_FSTS_PRO);
	assert_int_equal(h.fsts_times[0], 100000 * NS);
	assert_int_equal(h_rd(&h, 0xc8, 8), 127 * 32);
	assert_int_equal(h.nmsgs, 1);
	assert_int_equal(h.msgs[0].kind, IOMMUSIM_MSG_PRG_RESP);
	assert_int_equal(h.msgs[0].rid, 0x22);
	assert_int_equal(h.msgs[0].prg_index, 0x44);
	assert_int_equal(h.msgs[0].resp_code, IOMMUSIM_PRG_SUCCESS);
	assert_int_equal(h.msgs[0].time, 100010 * NS);
	assert_int_equal(h.nmsi, 1);
	assert_int_equal(h_counter(&h, "prq.overflows"), 1);
	assert_int_equal(h_counter(&h, "prq.dropped"), 1);
	assert_int_equal(h_counter(&h, "prq.auto_responses"), 1);

	/* Software drains the queue, but while PRO is set requests are still dropped; a
	 * request that is not last gets no response. */
	h_wr(&h, 0xc0, 8, 127 * 32);
	m.last = false;
	assert_int_equal(vtd_prq_page_request(&h.v, &m, true), 0);
	h_run(&h);
	assert_int_equal(h_rd(&h, 0xc8, 8), 127 * 32);
	assert_int_equal(h.nmsgs, 1);
	assert_int_equal(h_counter(&h, "prq.dropped"), 2);
	assert_int_equal(h_counter(&h, "prq.overflows"), 1);

	/* Clearing PRO (and PPR) accepts requests again, at the slot after the last one. */
	h_wr(&h, 0xdc, 4, 3);
	m.time = iommusim_sched_now(h.sched);
	assert_int_equal(vtd_prq_page_request(&h.v, &m, true), 0);
	h_run(&h);
	assert_int_equal(h_rd(&h, 0xc8, 8), 0);
	assert_int_equal(rd64(&h, PQ_BASE + 127 * 32 + 8) & ~0xfffull, 0x9000);
	assert_int_equal(h.nmsi, 2);
	h_fini(&h);
}

/* With PPR clear, the overflow itself is the page request event. */
static void test_overflow_event(void **state)
{
	struct h h;
	iommusim_dev_msg_t m;

	(void)state;
	h_init(&h, 0, PRQ_ECAP, NULL);
	prq_setup(&h);
	h_wr(&h, 0xc0, 8, 0x20);   /* head one slot ahead: the queue is full at tail 0 */
	m = pr(0x22, 0x1000, 1, false, 0);
	assert_int_equal(vtd_prq_page_request(&h.v, &m, true), 0);
	assert_int_equal(h_rd(&h, 0xdc, 4), 2);
	assert_int_equal(h.nmsi, 1);
	assert_int_equal(h.msis[0].t, 0);
	assert_int_equal(h.nmsgs, 0);
	h_fini(&h);
}

static void test_not_allowed(void **state)
{
	struct h h;
	iommusim_dev_msg_t m = pr(0x0310, 0x1000, 0x12, true, 500 * NS);

	(void)state;
	h_init(&h, 0, PRQ_ECAP, NULL);
	prq_setup(&h);
	h_run_to(&h, 500 * NS);
	m.pasid_valid = true;
	m.pasid = 0x42;
	assert_int_equal(vtd_prq_page_request(&h.v, &m, false), 0);
	h_run(&h);
	assert_int_equal(h.nmsgs, 1);
	assert_int_equal(h.msgs[0].kind, IOMMUSIM_MSG_PRG_RESP);
	assert_int_equal(h.msgs[0].resp_code, IOMMUSIM_PRG_INVALID);
	assert_int_equal(h.msgs[0].rid, 0x0310);
	assert_true(h.msgs[0].pasid_valid);
	assert_int_equal(h.msgs[0].pasid, 0x42);
	assert_int_equal(h.msgs[0].prg_index, 0x12);
	assert_int_equal(h.msgs[0].time, 510 * NS);
	assert_int_equal(h_rd(&h, 0xc8, 8), 0);
	assert_int_equal(h_counter(&h, "prq.invalid_responses"), 1);
	/* Not last: nothing at all. */
	m.last = false;
	assert_int_equal(vtd_prq_page_request(&h.v, &m, false), 0);
	assert_int_equal(h.nmsgs, 1);
	assert_int_equal(h.nmsi, 0);
	h_fini(&h);

	/* Without ECAP.PRS nothing is ever queued. */
	h_init(&h, 0, T_ECAP_QI, NULL);
	prq_setup(&h);
	m.last = true;
	assert_int_equal(vtd_prq_page_request(&h.v, &m, true), 0);
	h_run(&h);
	assert_int_equal(h.nmsgs, 1);
	assert_int_equal(h.msgs[0].resp_code, IOMMUSIM_PRG_INVALID);
	assert_int_equal(h_rd(&h, 0xc8, 8), 0);
	h_fini(&h);
}

static void test_event_masking(void **state)
{
	struct h h;
	iommusim_dev_msg_t m = pr(0x0310, 0x1000, 1, true, 0);

	(void)state;
	h_init(&h, 0, PRQ_ECAP, NULL);
	prq_setup(&h);
	h_wr(&h, 0xe0, 4, 0x80000000u);
	assert_int_equal(vtd_prq_page_request(&h.v, &m, true), 0);
	h_run(&h);
	assert_int_equal(h_rd(&h, 0xe0, 4), 0xc0000000u);
	assert_int_equal(h.nmsi, 0);
	h_run_to(&h, 1000 * NS);
	h_wr(&h, 0xe0, 4, 0);
	assert_int_equal(h.nmsi, 1);
	assert_int_equal(h.msis[0].t, 1000 * NS);
	assert_int_equal(h_rd(&h, 0xe0, 4), 0);
	/* Masked again; clearing PPR services the pending condition. */
	h_wr(&h, 0xe0, 4, 0x80000000u);
	h_wr(&h, 0xdc, 4, 1);
	m.time = 1000 * NS;
	assert_int_equal(vtd_prq_page_request(&h.v, &m, true), 0);
	h_run(&h);
	assert_int_equal(h_rd(&h, 0xe0, 4), 0xc0000000u);
	h_wr(&h, 0xdc, 4, 1);
	assert_int_equal(h_rd(&h, 0xe0, 4), 0x80000000u);
	h_wr(&h, 0xe0, 4, 0);
	assert_int_equal(h.nmsi, 1);
	h_fini(&h);
}

static void test_group_response_and_bad_input(void **state)
{
	struct h h;
	iommusim_dev_msg_t m = pr(1, 0, 0, true, 0);

	(void)state;
	h_init(&h, 0, PRQ_ECAP, NULL);
	assert_int_equal(vtd_prq_group_response(&h.v, 0x0abc, true, 0xfffff, 0x1ff,
						IOMMUSIM_PRG_FAILURE, 77 * NS), 0);
	assert_int_equal(h.nmsgs, 1);
	assert_int_equal(h.msgs[0].kind, IOMMUSIM_MSG_PRG_RESP);
	assert_int_equal(h.msgs[0].rid, 0x0abc);
	assert_true(h.msgs[0].pasid_valid);
	assert_int_equal(h.msgs[0].pasid, 0xfffff);
	assert_int_equal(h.msgs[0].prg_index, 0x1ff);
	assert_int_equal(h.msgs[0].resp_code, 0xf);
	assert_int_equal(h.msgs[0].time, 77 * NS);
	h.to_device_rc = -ENODEV;
	assert_int_equal(vtd_prq_group_response(&h.v, 1, false, 0, 0, 0, 80 * NS), -ENODEV);
	assert_int_equal(h_counter(&h, "prq.nodev"), 1);

	assert_int_equal(vtd_prq_page_request(&h.v, NULL, true), -EINVAL);
	m.kind = IOMMUSIM_MSG_ATS_INVAL_CPL;
	assert_int_equal(vtd_prq_page_request(&h.v, &m, true), -EINVAL);
	assert_int_equal(h_counter(&h, "prq.requests"), 0);
	h_fini(&h);
}

static void test_write_error_and_reset(void **state)
{
	struct h h;
	iommusim_dev_msg_t m = pr(1, 0x1000, 0, true, 0);

	(void)state;
	h_init(&h, 0, PRQ_ECAP, NULL);
	prq_setup(&h);
	h_wr(&h, 0xd0, 8, 1ull << 44);   /* outside memory */
	assert_int_equal(vtd_prq_page_request(&h.v, &m, true), 0);
	h_run(&h);
	assert_int_equal(h_counter(&h, "prq.write_errors"), 1);

	/* Reset drops in-flight writes and restores the reset values. */
	h_wr(&h, 0xd0, 8, PQ_BASE);
	assert_int_equal(vtd_prq_page_request(&h.v, &m, true), 0);
	vtd_prq_reset(&h.v, 0);
	assert_int_equal(iommusim_sched_pending(h.sched), 0);
	for (uint64_t off = 0xc0; off < 0xf0; off += 4)
		assert_int_equal(h_rd(&h, off, 4), off == 0xe0 ? 0x80000000u : 0);
	assert_int_equal(vtd_prq_drain_time(&h.v), 0);
	h_fini(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prq_registers),
		cmocka_unit_test(test_page_request_descriptor),
		cmocka_unit_test(test_back_to_back_requests),
		cmocka_unit_test(test_wrap_around),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_overflow_event),
		cmocka_unit_test(test_not_allowed),
		cmocka_unit_test(test_event_masking),
		cmocka_unit_test(test_group_response_and_bad_input),
		cmocka_unit_test(test_write_error_and_reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
