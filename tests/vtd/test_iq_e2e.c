/* SPDX-License-Identifier: MIT */
/*
 * The VT-d queues end to end, through the full model's MMIO and device-message interface:
 * a page-selective IOTLB invalidation drops the cached translation and keeps its neighbour,
 * queue errors reach FSTS and the fault event and recover through FSTS write-1-to-clear,
 * device-TLB invalidation time-out (ITE) and a device answer, the scalable-mode descriptor
 * width, and a page request answered with a page group response.
 */
#include "tests/support/test.h"

#include <string.h>

#include "iommusim/endpoint.h"
#include "tests/support/vtd_tables.h"

#define SID   0x0100u
#define DID   5u
#define PA    0x70000000ull
#define R     IOMMUSIM_ACC_READ
#define IQ    0x4000000ull     /* invalidation queue */
#define PQ    0x5000000ull     /* page request queue */
#define STAT  0x6000000ull     /* wait status */
#define IQA   0x090
#define IQH   0x080
#define IQT   0x088
#define IQER  0x0b0
#define PQA   0x0d0
#define PQT   0x0c8
#define PRS   0x0dc
#define FSTS_IQE (1u << 4)
#define FSTS_ITE (1u << 6)

struct fx {
	vtdt_t tb;
	iommusim_endpoint_t *ep;
	iommusim_model_t iommu;
	uint64_t slpt;
	unsigned dsz;
	uint64_t tail;
};

static void fx_init(struct fx *f, const char *const *params)
{
	iommusim_error_t err = { 0 };

	memset(f, 0, sizeof(*f));
	assert_int_equal(vtdt_init(&f->tb, params, 100, 50, &err), 0);
}

static void fx_legacy(struct fx *f, const char *const *params)
{
	fx_init(f, params);
	vtdt_enable(&f->tb, false);
	f->slpt = vtdt_page(&f->tb);
	vtdt_legacy_ctx(&f->tb, SID, vtdt_legacy_lo(f->slpt, 1, false), vtdt_legacy_hi(2, DID));
}

/* Queue of one page at IQ; QIE set next to TE, as a driver writes GCMD. */
static void fx_qi(struct fx *f, bool dw256, uint64_t t)
{
	f->dsz = dw256 ? 32 : 16;
	vtdt_wr(&f->tb, IQA, 8, IQ | (dw256 ? 1ull << 11 : 0), t);
	vtdt_wr(&f->tb, IQT, 8, 0, t);
	vtdt_wr(&f->tb, T_GCMD, 4, T_GCMD_TE | T_GCMD_QIE, t);
	assert_true(vtdt_rd(&f->tb, T_GSTS, 4, t) & T_GSTS_QIES);
}

static void fx_put(struct fx *f, uint64_t q0, uint64_t q1)
{
	vtdt_poke(&f->tb, IQ + f->tail, q0);
	vtdt_poke(&f->tb, IQ + f->tail + 8, q1);
	if (f->dsz == 32) {
		vtdt_poke(&f->tb, IQ + f->tail + 16, 0);
		vtdt_poke(&f->tb, IQ + f->tail + 24, 0);
	}
	f->tail = (f->tail + f->dsz) % 4096;
}

static void fx_go(struct fx *f, uint64_t t)
{
	assert_true(iommusim_sched_run_until(f->tb.sched, t) >= 0);
	vtdt_wr(&f->tb, IQT, 8, f->tail, t);
	iommusim_sched_run_all(f->tb.sched, 100000);
}

static uint64_t wait_sw(uint32_t data)
{
	return 0x5 | (1 << 5) | ((uint64_t)data << 32);
}

static void test_psi_drops_the_page_and_keeps_its_neighbour(void **state)
{
	struct fx f;
	iommusim_xlate_resp_t r;

	(void)state;
	fx_legacy(&f, NULL);
	vtdt_sl_map(&f.tb, &f.slpt, 4, 0x1000, PA, 12, T_SL_R | T_SL_W, T_SL_R | T_SL_W);
	vtdt_sl_map(&f.tb, &f.slpt, 4, 0x2000, PA + 0x1000, 12, T_SL_R | T_SL_W, T_SL_R | T_SL_W);
	vtdt_dma(&f.tb, SID, 0x1000, R, 0);
	vtdt_dma(&f.tb, SID, 0x2000, R, 1000 * T_NS);
	r = vtdt_dma(&f.tb, SID, 0x1000, R, 2000 * T_NS);
	assert_true(r.cost.hits & IOMMUSIM_XS_IOTLB);

	fx_qi(&f, false, 3000 * T_NS);
	fx_put(&f, 0x2 | (3 << 4) | ((uint64_t)DID << 16), 0x1000);   /* PSI, one page */
	fx_put(&f, wait_sw(0xabc), STAT);
	fx_go(&f, 3000 * T_NS);
	assert_int_equal(vtdt_peek(&f.tb, STAT) & 0xffffffff, 0xabc);
	assert_int_equal(vtdt_rd(&f.tb, IQH, 8, 0), 0x20);
	assert_int_equal(vtdt_rd(&f.tb, T_FSTS, 4, 0), 0);
	assert_int_equal(vtdt_stat(&f.tb, "iq.desc.iotlb"), 1);
	assert_int_equal(vtdt_stat(&f.tb, "iq.desc.wait"), 1);

	r = vtdt_dma(&f.tb, SID, 0x1000, R, 10000 * T_NS);
	assert_int_equal(r.status, IOMMUSIM_XLATE_OK);
	assert_true(r.cost.misses & IOMMUSIM_XS_IOTLB);
	r = vtdt_dma(&f.tb, SID, 0x2000, R, 11000 * T_NS);
	assert_true(r.cost.hits & IOMMUSIM_XS_IOTLB);

	/* A domain-selective invalidation of another domain keeps both. */
	fx_put(&f, 0x2 | (2 << 4) | ((uint64_t)(DID + 1) << 16), 0);
	fx_go(&f, 12000 * T_NS);
	r = vtdt_dma(&f.tb, SID, 0x1000, R, 20000 * T_NS);
	assert_true(r.cost.hits & IOMMUSIM_XS_IOTLB);
	/* A global one drops everything, the context cache too when it is a context one. */
	fx_put(&f, 0x1 | (1 << 4), 0);
	fx_put(&f, 0x2 | (1 << 4), 0);
	fx_go(&f, 21000 * T_NS);
	r = vtdt_dma(&f.tb, SID, 0x2000, R, 30000 * T_NS);
	assert_true(r.cost.misses & IOMMUSIM_XS_IOTLB);
	assert_true(r.cost.misses & IOMMUSIM_XS_CONFIG);
	vtdt_fini(&f.tb);
}

static void test_iqe_reaches_fsts_and_recovers(void **state)
{
	struct fx f;

	(void)state;
	fx_legacy(&f, NULL);
	vtdt_wr(&f.tb, T_FEADDR, 4, 0xfee00000, 0);
	vtdt_wr(&f.tb, T_FEDATA, 4, 0x31, 0);
	vtdt_wr(&f.tb, T_FECTL, 4, 0, 0);
	fx_qi(&f, false, 0);
	fx_put(&f, 0xd, 0);                      /* no such type */
	fx_put(&f, wait_sw(1), STAT);
	fx_go(&f, 0);
	assert_int_equal(vtdt_rd(&f.tb, T_FSTS, 4, 0) & FSTS_IQE, FSTS_IQE);
	assert_int_equal(vtdt_rd(&f.tb, IQER, 8, 0) & 0xf, 3);
	assert_int_equal(vtdt_rd(&f.tb, IQH, 8, 0), 0);
	assert_int_equal(f.tb.nmsi, 1);
	assert_int_equal(f.tb.msi[0].addr, 0xfee00000);
	assert_int_equal(f.tb.msi[0].data, 0x31);
	assert_int_equal(vtdt_peek(&f.tb, STAT), 0);

	/* Software replaces the descriptor and clears IQE: the queue goes on from IQH. */
	vtdt_poke(&f.tb, IQ, 0x2 | (1 << 4));
	vtdt_wr(&f.tb, T_FSTS, 4, FSTS_IQE, 5000 * T_NS);
	iommusim_sched_run_all(f.tb.sched, 100000);
	assert_int_equal(vtdt_rd(&f.tb, T_FSTS, 4, 0), 0);
	assert_int_equal(vtdt_rd(&f.tb, IQH, 8, 0), 0x20);
	assert_int_equal(vtdt_peek(&f.tb, STAT), 1);
	vtdt_fini(&f.tb);
}

static void test_devtlb_time_out_and_answer(void **state)
{
	static const char *const params[] = { "vtd.ats.inval_timeout_ns=5000", NULL };
	struct fx f;
	iommusim_dev_msg_t cpl;

	(void)state;
	fx_legacy(&f, params);
	fx_qi(&f, false, 0);
	fx_put(&f, 0x3 | ((uint64_t)SID << 32), 0x7000);
	fx_put(&f, wait_sw(2) | (1 << 6), STAT);
	fx_go(&f, 0);
	assert_int_equal(f.tb.nmsg, 1);
	assert_int_equal(f.tb.msg[0].kind, IOMMUSIM_MSG_ATS_INVAL_REQ);
	assert_int_equal(f.tb.msg[0].rid, SID);
	assert_int_equal(f.tb.msg[0].addr, 0x7000);
	assert_int_equal(f.tb.msg[0].size, 0x1000);
	/* Nobody answered: ITE with the device's source-id; the wait is aborted. */
	assert_int_equal(vtdt_rd(&f.tb, T_FSTS, 4, 0) & FSTS_ITE, FSTS_ITE);
	assert_int_equal((vtdt_rd(&f.tb, IQER, 8, 0) >> 32) & 0xffff, SID);
	assert_int_equal(vtdt_peek(&f.tb, STAT), 0);
	assert_int_equal(vtdt_stat(&f.tb, "ats.inval.timeouts"), 1);

	/* Clear ITE; this time the device answers within the time-out. */
	vtdt_wr(&f.tb, T_FSTS, 4, FSTS_ITE, 20000 * T_NS);
	fx_put(&f, 0x3 | ((uint64_t)SID << 32), 0x8000);
	fx_put(&f, wait_sw(3) | (1 << 6), STAT);
	vtdt_wr(&f.tb, IQT, 8, f.tail, 20000 * T_NS);
	assert_true(iommusim_sched_run_until(f.tb.sched, 21000 * T_NS) >= 0);
	assert_int_equal(f.tb.nmsg, 2);
	cpl = (iommusim_dev_msg_t){ .kind = IOMMUSIM_MSG_ATS_INVAL_CPL, .rid = SID,
				    .itag = f.tb.msg[1].itag, .time = 21000 * T_NS };
	assert_int_equal(f.tb.ops->device_msg(f.tb.m, &cpl), 0);
	iommusim_sched_run_all(f.tb.sched, 100000);
	assert_int_equal(vtdt_peek(&f.tb, STAT) & 0xffffffff, 3);
	assert_int_equal(vtdt_rd(&f.tb, T_FSTS, 4, 0), 0);
	assert_int_equal(vtdt_stat(&f.tb, "ats.inval.completed"), 1);
	vtdt_fini(&f.tb);
}

static void test_scalable_mode_needs_256_bit(void **state)
{
	struct fx f;

	(void)state;
	fx_init(&f, NULL);
	vtdt_enable(&f.tb, true);
	fx_qi(&f, false, 0);
	fx_put(&f, 0x7 | (3 << 4), 0);
	fx_go(&f, 0);
	assert_int_equal(vtdt_rd(&f.tb, T_FSTS, 4, 0) & FSTS_IQE, FSTS_IQE);
	assert_int_equal(vtdt_rd(&f.tb, IQER, 8, 0) & 0xf, 5);
	vtdt_fini(&f.tb);

	fx_init(&f, NULL);
	vtdt_enable(&f.tb, true);
	fx_qi(&f, true, 0);
	fx_put(&f, 0x7 | (3 << 4), 0);                       /* PASID cache, global */
	fx_put(&f, 0x6 | (2 << 4) | (9ull << 16) | (5ull << 32), 0);  /* P_IOTLB */
	fx_put(&f, wait_sw(4), STAT);
	fx_go(&f, 0);
	assert_int_equal(vtdt_rd(&f.tb, T_FSTS, 4, 0), 0);
	assert_int_equal(vtdt_peek(&f.tb, STAT) & 0xffffffff, 4);
	assert_int_equal(vtdt_stat(&f.tb, "iq.desc.pc"), 1);
	assert_int_equal(vtdt_stat(&f.tb, "iq.desc.piotlb"), 1);
	vtdt_fini(&f.tb);
}

static void test_page_request_and_group_response(void **state)
{
	struct fx f;
	uint64_t dir, q[4] = { 0 };
	iommusim_dev_msg_t pr = { .kind = IOMMUSIM_MSG_PAGE_REQ, .rid = SID, .pasid_valid = true,
				  .pasid = 0x21, .addr = 0x123000, .access = R,
				  .prg_index = 0x33, .last = true, .time = 1000 * T_NS };

	(void)state;
	fx_init(&f, NULL);
	vtdt_enable(&f.tb, true);
	q[0] = vtdt_sm_q0(&f.tb, 0, T_SCE_P | T_SCE_PRE | T_SCE_PASIDE, &dir);
	vtdt_sm_ctx(&f.tb, SID, q);
	vtdt_wr(&f.tb, PQA, 8, PQ, 0);
	fx_qi(&f, true, 0);

	assert_true(iommusim_sched_run_until(f.tb.sched, 1000 * T_NS) >= 0);
	assert_int_equal(f.tb.ops->device_msg(f.tb.m, &pr), 0);
	iommusim_sched_run_all(f.tb.sched, 100000);
	assert_int_equal(vtdt_rd(&f.tb, PQT, 8, 0), 0x20);
	assert_int_equal(vtdt_rd(&f.tb, PRS, 4, 0) & 1, 1);
	assert_int_equal(vtdt_peek(&f.tb, PQ), 0x1 | (1ull << 8) | ((uint64_t)SID << 16) |
			 (0x21ull << 32));
	assert_int_equal(vtdt_peek(&f.tb, PQ + 8), 0x123000 | (0x33 << 3) | (1 << 2) | 1);

	/* Software answers with a page group response descriptor. */
	fx_put(&f, 0x9 | (1 << 4) | ((uint64_t)SID << 16) | (0x21ull << 32), (0x33 << 3) | (1 << 2));
	fx_go(&f, 5000 * T_NS);
	assert_int_equal(f.tb.nmsg, 1);
	assert_int_equal(f.tb.msg[0].kind, IOMMUSIM_MSG_PRG_RESP);
	assert_int_equal(f.tb.msg[0].rid, SID);
	assert_int_equal(f.tb.msg[0].pasid, 0x21);
	assert_int_equal(f.tb.msg[0].prg_index, 0x33);
	assert_int_equal(f.tb.msg[0].resp_code, IOMMUSIM_PRG_SUCCESS);

	/* A device whose context does not allow page requests gets Invalid Request. */
	pr.rid = 0x0200;
	pr.time = 10000 * T_NS;
	assert_true(iommusim_sched_run_until(f.tb.sched, 10000 * T_NS) >= 0);
	assert_int_equal(f.tb.ops->device_msg(f.tb.m, &pr), 0);
	iommusim_sched_run_all(f.tb.sched, 100000);
	assert_int_equal(f.tb.nmsg, 2);
	assert_int_equal(f.tb.msg[1].resp_code, IOMMUSIM_PRG_INVALID);
	assert_int_equal(vtdt_rd(&f.tb, PQT, 8, 0), 0x20);
	vtdt_fini(&f.tb);
}

/* The model's device messages go to a real endpoint (and are captured). */
static int route(void *ctx, const iommusim_dev_msg_t *msg)
{
	struct fx *f = ctx;

	if (f->tb.nmsg < sizeof(f->tb.msg) / sizeof(f->tb.msg[0]))
		f->tb.msg[f->tb.nmsg] = *msg;
	f->tb.nmsg++;
	return iommusim_endpoint_receive(f->ep, msg);
}

static void test_endpoint_atc_invalidation(void **state)
{
	struct fx f;
	iommusim_error_t err = { 0 };
	iommusim_model_env_t env = { 0 };
	iommusim_endpoint_cfg_t cfg;
	iommusim_xlate_resp_t r;
	iommusim_dma_result_t res;
	uint8_t buf[8];
	iommusim_dma_t dma = { .write = false, .iova = 0x1000, .len = sizeof(buf), .buf = buf };
	double val;

	(void)state;
	fx_legacy(&f, NULL);
	/* Rebuild the model with its device messages routed to the endpoint. */
	f.tb.ops->destroy(f.tb.m);
	env.sched = f.tb.sched;
	env.mem = &f.tb.port;
	env.stats = f.tb.stats;
	env.instance = "vtd";
	env.to_device = route;
	env.dev_ctx = &f;
	assert_int_equal(f.tb.ops->create(f.tb.ps, &env, &f.tb.m, &err), 0);
	vtdt_wr(&f.tb, T_RTADDR, 8, f.tb.root, 0);
	vtdt_wr(&f.tb, T_GCMD, 4, T_GCMD_SRTP, 0);
	vtdt_wr(&f.tb, T_GCMD, 4, T_GCMD_TE, 0);
	f.iommu = (iommusim_model_t){ .ops = f.tb.ops, .impl = f.tb.m };
	iommusim_endpoint_cfg_default(&cfg);
	cfg.rid = SID;
	cfg.ats = true;
	f.ep = iommusim_endpoint_create(&cfg, "ep0", &f.iommu, &f.tb.port, f.tb.sched, f.tb.stats,
					&err);
	assert_non_null(f.ep);
	vtdt_sl_map(&f.tb, &f.slpt, 4, 0x1000, PA, 12, T_SL_R | T_SL_W, T_SL_R | T_SL_W);

	/* The device caches the translation in its ATC. */
	assert_int_equal(iommusim_endpoint_ats_translate(f.ep, 0x1000, false, 0, R, 0, &r), 0);
	assert_int_equal(r.status, IOMMUSIM_XLATE_OK);
	assert_int_equal(iommusim_endpoint_dma(f.ep, &dma, 5000 * T_NS, &res), 0);
	assert_int_equal(res.atc_hits, 1);

	/* Device-TLB invalidation and a fenced wait. The request leaves at +126 ns; the
	 * endpoint answers after link 225 + delay 1000 + link 225 ns. */
	fx_qi(&f, false, 10000 * T_NS);
	fx_put(&f, 0x3 | ((uint64_t)SID << 32), 0x1000);
	fx_put(&f, wait_sw(9) | (1 << 6), STAT);
	fx_go(&f, 10000 * T_NS);
	assert_int_equal(vtdt_peek(&f.tb, STAT) & 0xffffffff, 9);
	assert_int_equal(vtdt_rd(&f.tb, T_FSTS, 4, 0), 0);
	assert_int_equal(iommusim_stats_get(f.tb.stats, "vtd.ats.inval.rtt.max", &val, NULL), 0);
	assert_true(val == 1450.0 * T_NS);
	assert_int_equal(iommusim_endpoint_inval_pending(f.ep), 0);

	/* The ATC entry is gone: the next DMA translates through the IOMMU again. */
	assert_int_equal(iommusim_endpoint_dma(f.ep, &dma, 20000 * T_NS, &res), 0);
	assert_int_equal(res.atc_hits, 0);
	assert_int_equal(res.translations, 1);
	iommusim_endpoint_destroy(f.ep);
	vtdt_fini(&f.tb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_psi_drops_the_page_and_keeps_its_neighbour),
		cmocka_unit_test(test_iqe_reaches_fsts_and_recovers),
		cmocka_unit_test(test_devtlb_time_out_and_answer),
		cmocka_unit_test(test_scalable_mode_needs_256_bit),
		cmocka_unit_test(test_page_request_and_group_response),
		cmocka_unit_test(test_endpoint_atc_invalidation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
