/* SPDX-License-Identifier: MIT */
/*
 * PRI tests (models/endpoint/ep_pri.c): page requests, page-group responses, retries and their
 * bound, and completion through the callback.
 * Fixture and the hand-computed timing constants: ep_fixture.h.
 */
#include "tests/support/test.h"

#include "tests/endpoint/ep_fixture.h"

static void pri_pending_response_retry(void **state)
{
	struct fx *f = *state;
	const uint64_t iova = 0x80000000;
	uint8_t out[2 * PG], direct[2 * PG];
	iommusim_dma_result_t r;
	const iommusim_time_t t0 = NS(10000);
	/* Page 0 present: a write miss, 382 ns. Page 1 not present: its ATS answer is back at
	 * +245 ns, when the page request leaves. */
	const iommusim_time_t miss_w = NS(A_NS + L_NS + X_NS + L_NS + L_NS + T_NS + MW_NS);
	const iommusim_time_t ats_back = NS(A_NS + L_NS + X_NS + L_NS);
	const iommusim_time_t preq = t0 + miss_w + ats_back;
	const iommusim_time_t resp_at_dev = preq + NS(L_NS + P_NS + L_NS);

	f->cfg.ats = true;
	f->cfg.pri = true;
	icfg(f)->np_lo = iova + PG;
	icfg(f)->np_hi = iova + 2 * PG;
	make_ep(f);
	fill_pattern(out, sizeof(out), 4);
	assert_int_equal(dma(f, true, iova, out, sizeof(out), t0, &r), 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_PRI_PENDING);
	assert_int_equal(r.done_bytes, PG);
	assert_int_equal(r.done, preq);
	assert_int_equal(r.fault_iova, iova + PG);
	assert_int_equal(r.page_requests, 1);
	assert_int_equal(iommusim_endpoint_dma_pending(f->ep), 1);
	assert_int_equal(f->ncomplete, 0);

	const iommusim_dev_msg_t *pr = identity_iommu_last_page_request(&f->iommu);
	assert_int_equal(pr->kind, IOMMUSIM_MSG_PAGE_REQ);
	assert_int_equal(pr->rid, RID);
	assert_int_equal(pr->addr, iova + PG);
	assert_int_equal(pr->access, IOMMUSIM_ACC_WRITE);
	assert_int_equal(pr->prg_index, 0);
	assert_true(pr->last);
	assert_false(pr->pasid_valid);
	assert_int_equal(pr->time, preq + NS(L_NS));

	/* Nothing of page 1 is in memory yet. */
	assert_int_equal(iommusim_mem_read(f->mem, iova + OFF, direct, sizeof(direct)), 0);
	assert_memory_equal(direct, out, PG);
	assert_int_equal(direct[PG], 0);

	/* The response arrives, the chunk is retried from the start (a miss again). */
	assert_true(iommusim_sched_run_until(f->sched, resp_at_dev - 1) >= 0);
	assert_int_equal(f->ncomplete, 0);
	run_all(f);
	assert_int_equal(f->ncomplete, 1);
	assert_int_equal(f->last.status, IOMMUSIM_DMA_OK);
	assert_int_equal(f->last.done_bytes, 2 * PG);
	assert_int_equal(f->last.done, resp_at_dev + miss_w);
	assert_int_equal(f->last.page_requests, 1);
	assert_int_equal(f->last.translations, 3);
	assert_int_equal(f->last.fault_iova, 0);
	assert_int_equal(iommusim_mem_read(f->mem, iova + OFF, direct, sizeof(direct)), 0);
	assert_memory_equal(direct, out, sizeof(out));
	assert_int_equal(iommusim_endpoint_dma_pending(f->ep), 0);
	assert_int_equal(ctr(f, "page_req"), 1);
	assert_int_equal(ctr(f, "prg_resp"), 1);
	assert_int_equal(ctr(f, "pri.retry"), 1);
	assert_int_equal(ctr(f, "dma.ok"), 1);
	assert_int_equal(ctr(f, "dma.bytes"), 2 * PG);
}

static void pri_with_pasid_and_several_dmas(void **state)
{
	struct fx *f = *state;
	uint8_t a[8], b[8];
	iommusim_dma_result_t r;

	f->cfg.ats = true;
	f->cfg.pri = true;
	icfg(f)->np_lo = 0x100000;
	icfg(f)->np_hi = 0x200000;
	make_ep(f);
	assert_int_equal(dma_pasid(f, false, 0x100000, a, 8, 42, 0, &r), 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_PRI_PENDING);
	assert_int_equal(identity_iommu_last_page_request(&f->iommu)->prg_index, 0);
	assert_true(identity_iommu_last_page_request(&f->iommu)->pasid_valid);
	assert_int_equal(identity_iommu_last_page_request(&f->iommu)->pasid, 42);
	assert_int_equal(dma(f, false, 0x101000, b, 8, 0, &r), 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_PRI_PENDING);
	assert_int_equal(identity_iommu_last_page_request(&f->iommu)->prg_index, 1);
	assert_int_equal(iommusim_endpoint_dma_pending(f->ep), 2);
	run_all(f);
	assert_int_equal(f->ncomplete, 2);
	assert_int_equal(iommusim_endpoint_dma_pending(f->ep), 0);
	assert_int_equal(ctr(f, "dma.ok"), 2);
	/* Indices are free again: the next request takes 0. */
	assert_int_equal(dma(f, false, 0x102000, b, 8, iommusim_sched_now(f->sched), &r), 0);
	assert_int_equal(identity_iommu_last_page_request(&f->iommu)->prg_index, 0);
	run_all(f);
	assert_int_equal(f->ncomplete, 3);
}

static void pri_answered_from_inside_the_request(void **state)
{
	struct fx *f = *state;
	uint8_t b[8] = { 0 };
	iommusim_dma_result_t r;
	const iommusim_time_t ats_back = NS(A_NS + L_NS + X_NS + L_NS);
	const iommusim_time_t miss_r = NS(A_NS + L_NS + X_NS + L_NS + L_NS + T_NS + MR_NS + L_NS);

	/* The model answers while the endpoint is still sending: the DMA still reports
	 * PRI_PENDING and resumes from the scheduler, one round trip later. */
	f->cfg.ats = true;
	f->cfg.pri = true;
	icfg(f)->np_lo = 0x5000;
	icfg(f)->np_hi = 0x6000;
	icfg(f)->pri_respond_sync = true;
	make_ep(f);
	assert_int_equal(dma(f, false, 0x5000, b, 8, 0, &r), 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_PRI_PENDING);
	assert_int_equal(f->ncomplete, 0);
	assert_int_equal(iommusim_endpoint_dma_pending(f->ep), 1);
	run_all(f);
	assert_int_equal(f->ncomplete, 1);
	assert_int_equal(f->last.status, IOMMUSIM_DMA_OK);
	assert_int_equal(f->last.done, ats_back + NS(2 * L_NS) + miss_r);

	icfg(f)->prg_resp_code = IOMMUSIM_PRG_INVALID;
	icfg(f)->np_lo = 0x9000;
	icfg(f)->np_hi = 0xa000;
	assert_int_equal(dma(f, false, 0x9000, b, 8, NS(10000), &r), 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_PRI_PENDING);
	run_all(f);
	assert_int_equal(f->ncomplete, 2);
	assert_int_equal(f->last.status, IOMMUSIM_DMA_PRI_FAILED);
	assert_int_equal(f->last.done, NS(10000) + ats_back + NS(2 * L_NS));
}

static void pri_failure_response(void **state)
{
	struct fx *f = *state;
	uint8_t b[8];
	iommusim_dma_result_t r;
	const iommusim_time_t ats_back = NS(A_NS + L_NS + X_NS + L_NS);

	f->cfg.ats = true;
	f->cfg.pri = true;
	icfg(f)->np_lo = 0x5000;
	icfg(f)->np_hi = 0x6000;
	icfg(f)->prg_resp_code = IOMMUSIM_PRG_FAILURE;
	make_ep(f);
	assert_int_equal(dma(f, false, 0x5008, b, 8, 0, &r), 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_PRI_PENDING);
	run_all(f);
	assert_int_equal(f->ncomplete, 1);
	assert_int_equal(f->last.status, IOMMUSIM_DMA_PRI_FAILED);
	assert_int_equal(f->last.fault_reason, IOMMUSIM_PRG_FAILURE);
	assert_int_equal(f->last.fault_iova, 0x5008);
	assert_int_equal(f->last.done_bytes, 0);
	assert_int_equal(f->last.done, ats_back + NS(L_NS + P_NS + L_NS));
	assert_false(identity_iommu_page_present(&f->iommu, 0x5000));
	assert_int_equal(ctr(f, "dma.pri_failed"), 1);
	assert_int_equal(ctr(f, "prg_resp.fail"), 1);
	assert_int_equal(ctr(f, "pri.retry"), 0);

	/* Invalid Request likewise. */
	icfg(f)->prg_resp_code = IOMMUSIM_PRG_INVALID;
	assert_int_equal(dma(f, false, 0x5000, b, 8, iommusim_sched_now(f->sched), &r), 0);
	run_all(f);
	assert_int_equal(f->ncomplete, 2);
	assert_int_equal(f->last.status, IOMMUSIM_DMA_PRI_FAILED);
	assert_int_equal(f->last.fault_reason, IOMMUSIM_PRG_INVALID);
	assert_int_equal(iommusim_endpoint_dma_pending(f->ep), 0);
}

static void pri_retries_bounded(void **state)
{
	struct fx *f = *state;
	uint8_t b[8];
	iommusim_dma_result_t r;
	const iommusim_time_t ats_back = NS(A_NS + L_NS + X_NS + L_NS);
	const iommusim_time_t round = ats_back + NS(L_NS + P_NS + L_NS);

	f->cfg.ats = true;
	f->cfg.pri = true;
	f->cfg.max_pri_retries = 3;
	icfg(f)->np_lo = 0x5000;
	icfg(f)->np_hi = 0x6000;
	icfg(f)->np_sticky = true;   /* every response says Success; the page never comes */
	make_ep(f);
	assert_int_equal(dma(f, false, 0x5000, b, 8, 0, &r), 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_PRI_PENDING);
	run_all(f);
	assert_int_equal(f->ncomplete, 1);
	assert_int_equal(f->last.status, IOMMUSIM_DMA_PRI_FAILED);
	assert_int_equal(f->last.fault_reason, 0);
	assert_int_equal(f->last.page_requests, 3);
	assert_int_equal(f->last.translations, 4);
	/* Three rounds of request and response, then the fourth ATS answer ends it. */
	assert_int_equal(f->last.done, 3 * round + ats_back);
	assert_int_equal(identity_iommu_page_requests(&f->iommu), 3);
	assert_int_equal(ctr(f, "pri.retry"), 3);
	assert_int_equal(ctr(f, "dma.pri_failed"), 1);
	assert_int_equal(iommusim_endpoint_dma_pending(f->ep), 0);
}

static void pri_retry_budget_is_per_page(void **state)
{
	struct fx *f = *state;
	uint8_t b[4 * PG];
	iommusim_dma_result_t r;

	/* Four pages each need one page request; a budget of 1 per page is enough. */
	f->cfg.ats = true;
	f->cfg.pri = true;
	f->cfg.max_pri_retries = 1;
	icfg(f)->np_lo = 0x10000;
	icfg(f)->np_hi = 0x14000;
	make_ep(f);
	assert_int_equal(dma(f, false, 0x10000, b, sizeof(b), 0, &r), 0);
	run_all(f);
	assert_int_equal(f->ncomplete, 1);
	assert_int_equal(f->last.status, IOMMUSIM_DMA_OK);
	assert_int_equal(f->last.page_requests, 4);
	assert_int_equal(f->last.done_bytes, sizeof(b));
}

static void unexpected_and_manual_responses(void **state)
{
	struct fx *f = *state;
	uint8_t b[8];
	iommusim_dma_result_t r;
	iommusim_dev_msg_t m = { .kind = IOMMUSIM_MSG_PRG_RESP, .rid = RID, .prg_index = 5,
				 .resp_code = IOMMUSIM_PRG_SUCCESS };

	f->cfg.ats = true;
	f->cfg.pri = true;
	icfg(f)->np_lo = 0x5000;
	icfg(f)->np_hi = 0x6000;
	icfg(f)->pri_respond = false;   /* the test answers by hand */
	make_ep(f);
	assert_int_equal(iommusim_endpoint_receive(f->ep, &m), 0);
	assert_int_equal(ctr(f, "prg_resp.unexpected"), 1);

	assert_int_equal(dma(f, false, 0x5000, b, 8, 0, &r), 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_PRI_PENDING);
	run_all(f);
	assert_int_equal(f->ncomplete, 0);   /* waits as long as nobody answers */
	assert_int_equal(iommusim_endpoint_dma_pending(f->ep), 1);

	m.prg_index = 0;
	m.resp_code = IOMMUSIM_PRG_FAILURE;
	m.time = NS(7000);
	assert_int_equal(iommusim_endpoint_receive(f->ep, &m), 0);
	/* A second answer for the same group is unexpected: the index was freed. */
	assert_int_equal(iommusim_endpoint_receive(f->ep, &m), 0);
	assert_int_equal(ctr(f, "prg_resp.unexpected"), 2);
	run_all(f);
	assert_int_equal(f->ncomplete, 1);
	assert_int_equal(f->last.status, IOMMUSIM_DMA_PRI_FAILED);
	assert_int_equal(f->last.done, NS(7000 + L_NS));
}

static void permission_upgrade_through_pri(void **state)
{
	struct fx *f = *state;
	uint8_t b[8] = { 9, 8, 7, 6, 5, 4, 3, 2 }, direct[8];
	iommusim_dma_result_t r;

	f->cfg.ats = true;
	f->cfg.pri = true;
	icfg(f)->perm = IOMMUSIM_ACC_READ;
	make_ep(f);
	assert_int_equal(dma(f, false, 0x3000, direct, 8, 0, &r), 0);   /* caches R only */
	assert_int_equal(dma(f, true, 0x3000, b, 8, 0, &r), 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_PRI_PENDING);
	assert_int_equal(identity_iommu_last_page_request(&f->iommu)->access, IOMMUSIM_ACC_WRITE);
	/* The OS makes the page writable before it answers. */
	icfg(f)->perm = IOMMUSIM_ACC_READ | IOMMUSIM_ACC_WRITE;
	run_all(f);
	assert_int_equal(f->ncomplete, 1);
	assert_int_equal(f->last.status, IOMMUSIM_DMA_OK);
	assert_int_equal(f->last.done_bytes, 8);
	assert_int_equal(iommusim_mem_read(f->mem, 0x3000 + OFF, direct, 8), 0);
	assert_memory_equal(direct, b, 8);
	/* The writable translation replaced the read-only one in place. */
	assert_int_equal(iommusim_cache_count(iommusim_endpoint_atc(f->ep)), 1);
	assert_int_equal(ctr(f, "atc.perm_miss"), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(pri_pending_response_retry, setup, teardown),
		cmocka_unit_test_setup_teardown(pri_with_pasid_and_several_dmas, setup, teardown),
		cmocka_unit_test_setup_teardown(pri_answered_from_inside_the_request, setup, teardown),
		cmocka_unit_test_setup_teardown(pri_failure_response, setup, teardown),
		cmocka_unit_test_setup_teardown(pri_retries_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(pri_retry_budget_is_per_page, setup, teardown),
		cmocka_unit_test_setup_teardown(unexpected_and_manual_responses, setup, teardown),
		cmocka_unit_test_setup_teardown(permission_upgrade_through_pri, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
