/* SPDX-License-Identifier: MIT */
/*
 * ATS and page requests (spec 4.2, 7.5): translation requests answered with translation,
 * permissions and size; not-present/permission answers (page request on a PRE context);
 * translated requests; device messages (page requests admitted by the context's PRE, ATS
 * invalidation completions routed to the invalidation queue).
 */
#include "tests/support/test.h"

#include <errno.h>
#include <string.h>

#include "iommusim/endpoint.h"
#include "models/vtd/vtd.h"
#include "tests/support/vtd_tables.h"

#define SID  0x0600u
#define PA   0x70000000ull
#define R    IOMMUSIM_ACC_READ
#define W    IOMMUSIM_ACC_WRITE
#define AT   IOMMUSIM_REQ_ATS_TRANSLATE
#define TR   IOMMUSIM_REQ_TRANSLATED

struct afx {
	vtdt_t tb;
	uint64_t dir, flpt, slpt;
};

static const uint64_t FLT = T_FL_P | T_FL_RW | T_FL_US;

/* PASID 1: FL-only; PASID 2: SL-only; RID_PASID 2. */
static void afx_init(struct afx *f, uint64_t ctx_flags)
{
	uint64_t q[4] = { 0, 2, 0, 0 };
	uint64_t pe[8] = { 0 };

	memset(f, 0, sizeof(*f));
	assert_int_equal(vtdt_init(&f->tb, NULL, 100, 50, NULL), 0);
	vtdt_enable(&f->tb, true);
	q[0] = vtdt_sm_q0(&f->tb, 0, ctx_flags | T_SCE_PASIDE, &f->dir);
	vtdt_sm_ctx(&f->tb, SID, q);
	f->flpt = vtdt_page(&f->tb);
	f->slpt = vtdt_page(&f->tb);
	pe[0] = T_PE0_P | T_PE0_PGTT(1);
	pe[1] = 4;
	pe[2] = f->flpt;
	vtdt_pasid_entry(&f->tb, f->dir, 1, pe);
	pe[0] = T_PE0_P | T_PE0_AW(2) | T_PE0_PGTT(2) | f->slpt;
	pe[2] = 0;
	vtdt_pasid_entry(&f->tb, f->dir, 2, pe);
	vtdt_fl_map(&f->tb, &f->flpt, 4, 0x1000, PA, 12, T_FL_P | T_FL_US, FLT);
	vtdt_fl_map(&f->tb, &f->flpt, 4, 0x200000, PA + 0x200000, 21, FLT, FLT);
	vtdt_fl_map(&f->tb, &f->flpt, 4, 0x3000, PA + 0x3000, 12, T_FL_P | T_FL_RW, FLT);
	vtdt_sl_map(&f->tb, &f->slpt, 4, 0x1000, PA + 0x1000, 12, T_SL_R, T_SL_R | T_SL_W);
}

static iommusim_xlate_resp_t ats(struct afx *f, uint32_t pasid, uint64_t iova, unsigned acc)
{
	return vtdt_xlate(&f->tb, SID, true, pasid, iova, acc, AT, 0);
}

static void test_ats_answers(void **state)
{
	struct afx f;
	iommusim_xlate_resp_t r;
	uint64_t leaf2m;

	(void)state;
	afx_init(&f, T_SCE_DTE | T_SCE_PRE);
	/* a read-only page asked for read+write: R granted, the write reason given */
	r = ats(&f, 1, 0x1000, R | W);
	assert_int_equal(r.status, IOMMUSIM_XLATE_PAGE_REQUEST);
	assert_int_equal(r.addr, PA);
	assert_int_equal(r.perm & (R | W), R);
	assert_int_equal(r.fault_reason, 0x85);
	/* asked for read only: a plain answer */
	r = ats(&f, 1, 0x1000, R);
	assert_int_equal(r.status, IOMMUSIM_XLATE_OK);
	assert_int_equal(r.perm & (R | W), R);
	assert_int_equal(r.page_size, 4096);
	assert_int_equal(r.fault_reason, 0);
	/* a 2 MiB page reports its size; A set, D only with a write */
	r = ats(&f, 1, 0x234000, R);
	assert_int_equal(r.status, IOMMUSIM_XLATE_OK);
	assert_int_equal(r.addr, PA + 0x234000);
	assert_int_equal(r.page_size, 2u << 20);
	assert_int_equal(r.perm & (R | W), R | W);
	leaf2m = vtdt_entry_addr(&f.tb, f.flpt, 4, 0x200000, 2, true);
	assert_true(vtdt_peek(&f.tb, leaf2m) & T_FL_A);
	assert_false(vtdt_peek(&f.tb, leaf2m) & T_FL_D);
	r = ats(&f, 1, 0x234000, R | W);
	assert_true(vtdt_peek(&f.tb, leaf2m) & T_FL_D);
	/* not present: no translation, page request suggested */
	r = ats(&f, 1, 0x9000, R);
	assert_int_equal(r.status, IOMMUSIM_XLATE_PAGE_REQUEST);
	assert_int_equal(r.perm, 0);
	assert_int_equal(r.fault_reason, 0x71);
	/* a supervisor-only page for a user request: no permission at all */
	r = ats(&f, 1, 0x3000, R);
	assert_int_equal(r.status, IOMMUSIM_XLATE_PAGE_REQUEST);
	assert_int_equal(r.perm & (R | W), 0);
	assert_int_equal(r.fault_reason, 0x81);
	r = ats(&f, 1, 0x3000, R);                  /* the same from the IOTLB */
	assert_true(r.cost.hits & IOMMUSIM_XS_IOTLB);
	assert_int_equal(r.fault_reason, 0x81);
	/* second level only, no PASID (RID_PASID 2): not present */
	r = vtdt_xlate(&f.tb, SID, false, 0, 0x5000, R, AT, 0);
	assert_int_equal(r.status, IOMMUSIM_XLATE_PAGE_REQUEST);
	assert_int_equal(r.fault_reason, 0x86);
	r = vtdt_xlate(&f.tb, SID, false, 0, 0x1000, R, AT, 0);
	assert_int_equal(r.status, IOMMUSIM_XLATE_OK);
	assert_int_equal(r.addr, PA + 0x1000);
	/* none of this is a recorded fault */
	assert_int_equal(vtdt_rd(&f.tb, T_FSTS, 4, 0), 0);
	assert_int_equal(vtdt_stat(&f.tb, "xlate.page_request"), 5);
	/* a structural fault is still recorded */
	r = ats(&f, 1, 0x0000800000000000ull, R);
	assert_int_equal(r.status, IOMMUSIM_XLATE_FAULT);
	assert_int_equal(r.fault_reason, 0x80);
	assert_int_equal(vtdt_rd(&f.tb, T_FSTS, 4, 0) & 2, 2);
	vtdt_fini(&f.tb);
}

static void test_ats_without_pri(void **state)
{
	struct afx f;
	iommusim_xlate_resp_t r;

	(void)state;
	afx_init(&f, T_SCE_DTE);
	r = ats(&f, 1, 0x9000, R);
	assert_int_equal(r.status, IOMMUSIM_XLATE_OK);
	assert_int_equal(r.perm, 0);
	assert_int_equal(r.fault_reason, 0x71);
	r = ats(&f, 1, 0x1000, W);
	assert_int_equal(r.status, IOMMUSIM_XLATE_OK);
	assert_int_equal(r.perm & (R | W), R);
	vtdt_fini(&f.tb);
}

static void test_translated(void **state)
{
	struct afx f;
	iommusim_xlate_resp_t r;

	(void)state;
	afx_init(&f, T_SCE_DTE);
	r = vtdt_xlate(&f.tb, SID, true, 1, PA + 0x10, W, TR, 0);
	assert_int_equal(r.status, IOMMUSIM_XLATE_OK);
	assert_int_equal(r.addr, PA + 0x10);
	assert_int_equal(r.cost.walk_reads[0][1], 0);
	vtdt_fini(&f.tb);
}

/* ---- page requests ----------------------------------------------------------------------- */

static iommusim_dev_msg_t page_req(uint16_t rid, bool pv, uint32_t pasid)
{
	iommusim_dev_msg_t m = {
		.kind = IOMMUSIM_MSG_PAGE_REQ,
		.rid = rid,
		.pasid_valid = pv,
		.pasid = pasid,
		.addr = 0x9000,
		.access = R,
		.prg_index = 5,
		.last = true,
		.time = 100 * T_NS,
	};
	return m;
}

static void check_invalid_response(vtdt_t *tb, uint16_t rid, uint32_t fr)
{
	uint64_t lo, hi;

	iommusim_sched_run_all(tb->sched, 0);
	assert_int_equal(tb->nmsg, 1);
	assert_int_equal(tb->msg[0].kind, IOMMUSIM_MSG_PRG_RESP);
	assert_int_equal(tb->msg[0].rid, rid);
	assert_int_equal(tb->msg[0].prg_index, 5);
	assert_int_equal(tb->msg[0].resp_code, IOMMUSIM_PRG_INVALID);
	vtdt_frcd(tb, 0, &lo, &hi);
	assert_int_equal((hi >> 32) & 0xff, fr);
	assert_int_equal(lo, 0x9000);
}

static void test_page_request_admission(void **state)
{
	struct afx f;
	iommusim_dev_msg_t m;

	(void)state;
	/* scalable context without PRE: SCT.8, answered Invalid Request */
	afx_init(&f, T_SCE_DTE);
	m = page_req(SID, true, 1);
	assert_int_equal(f.tb.ops->device_msg(f.tb.m, &m), 0);
	check_invalid_response(&f.tb, SID, 0x47);
	vtdt_fini(&f.tb);

	/* PASID with a context that has PASIDE = 0: SCT.6 */
	afx_init(&f, T_SCE_DTE | T_SCE_PRE);
	uint64_t q[4] = { 0 };
	q[0] = vtdt_sm_q0(&f.tb, 0, T_SCE_DTE | T_SCE_PRE, NULL);
	vtdt_sm_ctx(&f.tb, SID + 1, q);
	m = page_req(SID + 1, true, 1);
	assert_int_equal(f.tb.ops->device_msg(f.tb.m, &m), 0);
	check_invalid_response(&f.tb, SID + 1, 0x45);
	vtdt_fini(&f.tb);

	/* no context at all: SCT.2 */
	afx_init(&f, T_SCE_DTE | T_SCE_PRE);
	vtdt_sm_ctx(&f.tb, SID + 2, (uint64_t[4]){ 0 });
	m = page_req(SID + 2, false, 0);
	assert_int_equal(f.tb.ops->device_msg(f.tb.m, &m), 0);
	check_invalid_response(&f.tb, SID + 2, 0x41);
	vtdt_fini(&f.tb);

	/* PRE = 1: queued (the descriptor goes to the page request queue at PQT) */
	afx_init(&f, T_SCE_DTE | T_SCE_PRE);
	uint64_t pq = vtdt_page(&f.tb);
	vtdt_wr(&f.tb, 0xd0, 8, pq, 0);           /* PQA: 4 KiB queue */
	m = page_req(SID, true, 1);
	assert_int_equal(f.tb.ops->device_msg(f.tb.m, &m), 0);
	iommusim_sched_run_all(f.tb.sched, 0);
	assert_int_equal(vtdt_rd(&f.tb, 0xc8, 8, 1000000 * T_NS), 0x20);   /* PQT advanced */
	assert_int_equal(vtdt_peek(&f.tb, pq) & 0xff, 1);                  /* page request */
	assert_int_equal(vtdt_rd(&f.tb, T_FSTS, 4, 0), 0);
	vtdt_fini(&f.tb);
}

static void test_page_request_legacy(void **state)
{
	vtdt_t tb;
	iommusim_dev_msg_t m = page_req(SID, false, 0);

	(void)state;
	assert_int_equal(vtdt_init(&tb, NULL, 100, 50, NULL), 0);
	vtdt_enable(&tb, false);
	assert_int_equal(tb.ops->device_msg(tb.m, &m), 0);
	check_invalid_response(&tb, SID, 0x32);       /* RTA.3 */
	vtdt_fini(&tb);
}

static void test_device_msg_routing(void **state)
{
	struct afx f;
	iommusim_dev_msg_t m = { .kind = IOMMUSIM_MSG_ATS_INVAL_CPL, .rid = SID, .itag = 3 };

	(void)state;
	afx_init(&f, T_SCE_DTE);
	/* a completion nobody waits for: invalidation completion error */
	assert_int_equal(f.tb.ops->device_msg(f.tb.m, &m), 0);
	assert_int_equal(vtdt_rd(&f.tb, T_FSTS, 4, 0) & (1u << 5), 1u << 5);
	m.kind = IOMMUSIM_MSG_PRG_RESP;           /* IOMMU -> device only */
	assert_int_equal(f.tb.ops->device_msg(f.tb.m, &m), -EINVAL);
	assert_int_equal(f.tb.ops->device_msg(f.tb.m, NULL), -EINVAL);
	vtdt_fini(&f.tb);
}

/* ---- with a real endpoint: ATS, page request, group response, retry ------------------- */

struct ep_fx {
	iommusim_endpoint_t *ep;
	unsigned done_calls;
	iommusim_dma_result_t last;
};

static int to_ep(void *ctx, const iommusim_dev_msg_t *msg)
{
	return iommusim_endpoint_receive(((struct ep_fx *)ctx)->ep, msg);
}

static void dma_done(void *ctx, const iommusim_dma_result_t *res)
{
	struct ep_fx *e = ctx;

	e->done_calls++;
	e->last = *res;
}

static void test_endpoint_pri_retry(void **state)
{
	struct afx f;
	struct ep_fx e = { 0 };
	iommusim_endpoint_cfg_t cfg;
	iommusim_model_t iommu;
	iommusim_dma_t dma;
	iommusim_dma_result_t res;
	uint64_t buf = 0, pq, d0, d1, want = 0x1122334455667788ull;

	(void)state;
	afx_init(&f, T_SCE_DTE | T_SCE_PRE);
	pq = vtdt_page(&f.tb);
	vtdt_wr(&f.tb, 0xd0, 8, pq, 0);                 /* PQA: a 4 KiB page request queue */
	iommu.ops = f.tb.ops;
	iommu.impl = f.tb.m;
	iommusim_endpoint_cfg_default(&cfg);
	cfg.rid = SID;
	cfg.ats = true;
	cfg.pri = true;
	e.ep = iommusim_endpoint_create(&cfg, "ep0", &iommu, &f.tb.port, f.tb.sched, f.tb.stats,
					NULL);
	assert_non_null(e.ep);
	iommusim_endpoint_on_complete(e.ep, dma_done, &e);
	f.tb.fwd = to_ep;
	f.tb.fwd_ctx = &e;

	/* IOVA 0x9000 of PASID 1 is not mapped: the ATS answer asks for a page request */
	memset(&dma, 0, sizeof(dma));
	dma.iova = 0x9000;
	dma.len = 8;
	dma.buf = &buf;
	dma.pasid_valid = true;
	dma.pasid = 1;
	assert_int_equal(iommusim_endpoint_dma(e.ep, &dma, 0, &res), 0);
	assert_int_equal(res.status, IOMMUSIM_DMA_PRI_PENDING);
	iommusim_sched_run_all(f.tb.sched, 10000);
	/* the page request is in the queue: RID, PASID, address, read, last in group */
	d0 = vtdt_peek(&f.tb, pq);
	d1 = vtdt_peek(&f.tb, pq + 8);
	assert_int_equal(d0 & 0xff, 1);
	assert_int_equal((d0 >> 16) & 0xffff, SID);
	assert_int_equal((d0 >> 32) & 0xfffff, 1);
	assert_int_equal(d1 & ~0xfffull, 0x9000);
	assert_int_equal(d1 & 1, 1);
	assert_int_equal(e.done_calls, 0);

	/* software maps the page and answers the group */
	vtdt_fl_map(&f.tb, &f.flpt, 4, 0x9000, PA + 0x9000, 12, T_FL_P | T_FL_US, FLT);
	assert_int_equal(iommusim_mem_write64(f.tb.mem, PA + 0x9000, want), 0);
	assert_int_equal(vtd_prq_group_response(f.tb.m, SID, true, 1, (uint32_t)(d1 >> 3) & 0x1ff,
						IOMMUSIM_PRG_SUCCESS,
						iommusim_sched_now(f.tb.sched)), 0);
	iommusim_sched_run_all(f.tb.sched, 10000);
	assert_int_equal(e.done_calls, 1);
	assert_int_equal(e.last.status, IOMMUSIM_DMA_OK);
	assert_int_equal(buf, want);
	/* the retry's ATS answer is cached in the device: a second DMA needs no translation */
	assert_int_equal(iommusim_endpoint_dma(e.ep, &dma, iommusim_sched_now(f.tb.sched), &res), 0);
	assert_int_equal(res.status, IOMMUSIM_DMA_OK);
	assert_int_equal(res.atc_hits, 1);
	assert_int_equal(vtdt_rd(&f.tb, T_FSTS, 4, 0), 0);
	iommusim_endpoint_destroy(e.ep);
	vtdt_fini(&f.tb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ats_answers),
		cmocka_unit_test(test_ats_without_pri),
		cmocka_unit_test(test_translated),
		cmocka_unit_test(test_page_request_admission),
		cmocka_unit_test(test_page_request_legacy),
		cmocka_unit_test(test_device_msg_routing),
		cmocka_unit_test(test_endpoint_pri_retry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
