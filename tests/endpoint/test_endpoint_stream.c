/* SPDX-License-Identifier: MIT */
/*
 * The posted-write stream (models/endpoint/ep_stream.c, rules in include/iommusim/endpoint.h):
 * TLP splitting, in-order acceptance by the IOMMU (pipelined hits, a miss holding the TLPs
 * behind it), link serialisation, state carried from DMA to DMA, the stream counters, faults,
 * memory errors and PRI per TLP, the parameters, and the real VT-d's figures.
 *
 * Most tests run the endpoint against a fake IOMMU whose timing is set by the test:
 *   done = issue + HIT, accept = issue + II (II = 2 ns, HIT = 6 ns: the real VT-d's legacy
 *   hit with its defaults); IOVAs in the miss range: done = issue + MISS (400 ns), accept as
 *   the test asks (done, 0, or before issue); IOVAs in the fault range fault at issue + HIT.
 * Output address = iova + OFF. The endpoint's memory port writes in MW = 30 ns; the link is
 * L = 100 ns one way; ATC lookup A = 5 ns.
 */
#include "tests/support/test.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "iommusim/endpoint.h"
#include "tests/support/identity_iommu.h"
#include "tests/support/vtd_tables.h"

#define NS(x)  ((iommusim_time_t)(x) * IOMMUSIM_PS_PER_NS)
#define L_NS   100
#define A_NS   5
#define MR_NS  50
#define MW_NS  30
#define HIT_NS 6
#define II_NS  2
#define MISS_NS 400
#define OFF    0x40000000ull
#define RID    0x0100u

enum fake_acc { FAKE_ACC_DONE, FAKE_ACC_ZERO, FAKE_ACC_EARLY };

struct fake {
	uint64_t miss_lo, miss_hi;     /* done = issue + MISS */
	enum fake_acc miss_accept;
	uint64_t fault_lo, fault_hi;   /* fault at issue + HIT */
	uint64_t bad_lo, bad_hi;       /* translated past the end of memory */
	unsigned n;
	iommusim_xlate_req_t req[64];
};

static bool in(uint64_t a, uint64_t lo, uint64_t hi)
{
	return a >= lo && a < hi;
}

static void fake_translate(void *m, const iommusim_xlate_req_t *req, iommusim_xlate_resp_t *r)
{
	struct fake *fk = m;

	if (fk->n < 64)
		fk->req[fk->n] = *req;
	fk->n++;
	r->status = IOMMUSIM_XLATE_OK;
	r->addr = req->type == IOMMUSIM_REQ_TRANSLATED ? req->iova : req->iova + OFF;
	r->perm = IOMMUSIM_ACC_READ | IOMMUSIM_ACC_WRITE;
	r->page_size = 4096;
	r->done = req->issue + NS(HIT_NS);
	r->accept = req->type == IOMMUSIM_REQ_ATS_TRANSLATE ? 0 : req->issue + NS(II_NS);
	if (in(req->iova, fk->miss_lo, fk->miss_hi)) {
		r->done = req->issue + NS(MISS_NS);
		r->accept = fk->miss_accept == FAKE_ACC_DONE ? r->done
			    : fk->miss_accept == FAKE_ACC_ZERO ? 0
							       : req->issue - 1;
	}
	if (in(req->iova, fk->fault_lo, fk->fault_hi)) {
		r->status = IOMMUSIM_XLATE_FAULT;
		r->fault_reason = 0x55;
		r->accept = r->done;
	}
	if (in(req->iova, fk->bad_lo, fk->bad_hi))
		r->addr = 1ull << 50;
}

static const iommusim_model_ops_t fake_ops = { .name = "fake", .translate = fake_translate };

struct sx {
	vtdt_t tb;                  /* scheduler, memory, stats, and a real VT-d */
	iommusim_mem_port_t port;   /* the endpoint's side: reads 50 ns, writes 30 ns */
	struct fake fk;
	iommusim_model_t iommu;
	iommusim_endpoint_cfg_t cfg;
	iommusim_endpoint_t *ep;
	unsigned ncomplete;
	iommusim_dma_result_t last;
};

static int sx_dev(void *ctx, const iommusim_dev_msg_t *msg)
{
	struct sx *s = ctx;

	return iommusim_endpoint_receive(s->ep, msg);
}

static void sx_done(void *ctx, const iommusim_dma_result_t *res)
{
	struct sx *s = ctx;

	s->ncomplete++;
	s->last = *res;
}

static int setup(void **state)
{
	struct sx *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	assert_int_equal(vtdt_init(&s->tb, NULL, 100, 50, NULL), 0);
	iommusim_mem_port_init_mem(&s->port, s->tb.mem);
	iommusim_mem_port_set_latency(&s->port, NS(MR_NS), NS(MW_NS), 0);
	s->iommu.ops = &fake_ops;
	s->iommu.impl = &s->fk;
	iommusim_endpoint_cfg_default(&s->cfg);
	s->cfg.rid = RID;
	s->cfg.link_latency = NS(L_NS);
	s->cfg.atc_lookup = NS(A_NS);
	s->cfg.posted = true;
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	struct sx *s = *state;

	iommusim_endpoint_destroy(s->ep);
	vtdt_fini(&s->tb);
	free(s);
	return 0;
}

static void make_ep(struct sx *s)
{
	iommusim_error_t err = { 0 };

	s->ep = iommusim_endpoint_create(&s->cfg, "ep0", &s->iommu, &s->port, s->tb.sched,
					 s->tb.stats, &err);
	if (!s->ep)
		fail_msg("endpoint create: %s", err.msg);
	iommusim_endpoint_on_complete(s->ep, sx_done, s);
}

static uint64_t ctr(struct sx *s, const char *suffix)
{
	char name[128];
	double v = -1;
	iommusim_error_t err;

	snprintf(name, sizeof(name), "ep0.%s", suffix);
	if (iommusim_stats_get(s->tb.stats, name, &v, &err) != 0)
		fail_msg("stats %s: %s", name, err.msg);
	return (uint64_t)v;
}

static int wr(struct sx *s, uint64_t iova, void *buf, size_t len, iommusim_time_t t,
	      iommusim_dma_result_t *res)
{
	iommusim_dma_t d = { .write = true, .iova = iova, .len = len, .buf = buf };

	memset(res, 0xa5, sizeof(*res));   /* every field must be written */
	return iommusim_endpoint_dma(s->ep, &d, t, res);
}

static void pattern(uint8_t *b, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		b[i] = (uint8_t)(i * 13u + seed + (i >> 8));
}

static void check_mem(struct sx *s, uint64_t pa, const uint8_t *want, size_t len)
{
	uint8_t *got = malloc(len);

	assert_non_null(got);
	assert_int_equal(iommusim_mem_read(s->tb.mem, pa, got, len), 0);
	assert_memory_equal(got, want, len);
	free(got);
}

/* 1 KiB, mps 256, no link rate: all four TLPs leave at t and reach the IOMMU at t + L; the
 * IOMMU takes one per II. */
static void hits_pipeline(void **state)
{
	struct sx *s = *state;
	uint8_t out[1024];
	iommusim_dma_result_t r;
	const iommusim_time_t t0 = NS(1000);

	make_ep(s);
	pattern(out, sizeof(out), 1);
	assert_int_equal(wr(s, 0x10000, out, sizeof(out), t0, &r), 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_OK);
	assert_int_equal(r.done_bytes, 1024);
	assert_int_equal(s->fk.n, 4);
	for (unsigned k = 0; k < 4; k++) {
		/* x_k = t + L + k x II */
		assert_int_equal(s->fk.req[k].issue, t0 + NS(L_NS) + k * NS(II_NS));
		assert_int_equal(s->fk.req[k].iova, 0x10000 + 256 * k);
		assert_int_equal(s->fk.req[k].size, 256);
		assert_int_equal(s->fk.req[k].type, IOMMUSIM_REQ_UNTRANSLATED);
		assert_int_equal(s->fk.req[k].access, IOMMUSIM_ACC_WRITE);
	}
	/* the last TLP: taken at 1106, done at 1112, in memory at 1142 */
	assert_int_equal(r.done, t0 + NS(L_NS + 3 * II_NS + HIT_NS + MW_NS));
	assert_int_equal(r.translations, 4);
	check_mem(s, 0x10000 + OFF, out, sizeof(out));
	assert_int_equal(ctr(s, "stream.tlps"), 4);
	assert_int_equal(ctr(s, "stream.bytes"), 1024);
	assert_int_equal(ctr(s, "stream.busy_ps"), 4 * NS(II_NS));
	assert_int_equal(ctr(s, "dma.bytes"), 1024);
	assert_int_equal(ctr(s, "req.untranslated"), 4);
	assert_int_equal(ctr(s, "dma.ok"), 1);
}

/* A miss on TLP 0 holds TLPs 1..3 until its done (x_0 + MISS), then they pipeline. The model
 * may say so with accept = done, with accept = 0, or with an accept before the issue. */
static void miss_holds_the_stream(void **state)
{
	static const enum fake_acc modes[] = { FAKE_ACC_DONE, FAKE_ACC_ZERO, FAKE_ACC_EARLY };
	struct sx *s = *state;
	uint8_t out[1024];
	iommusim_dma_result_t r;
	const iommusim_time_t t0 = NS(1000);
	const iommusim_time_t x0 = t0 + NS(L_NS), x1 = x0 + NS(MISS_NS);
	uint64_t busy = 0;

	make_ep(s);
	pattern(out, sizeof(out), 2);
	for (unsigned m = 0; m < 3; m++) {
		const iommusim_time_t base = NS(100000) * m;
		const uint64_t iova = 0x20000 + 0x10000 * m;

		s->fk.n = 0;
		s->fk.miss_lo = iova;
		s->fk.miss_hi = iova + 256;
		s->fk.miss_accept = modes[m];
		assert_int_equal(wr(s, iova, out, sizeof(out), base + t0, &r), 0);
		assert_int_equal(r.status, IOMMUSIM_DMA_OK);
		assert_int_equal(s->fk.n, 4);
		assert_int_equal(s->fk.req[0].issue, base + x0);
		assert_int_equal(s->fk.req[1].issue, base + x1);
		assert_int_equal(s->fk.req[2].issue, base + x1 + NS(II_NS));
		assert_int_equal(s->fk.req[3].issue, base + x1 + 2 * NS(II_NS));
		/* TLP 3 done at x1 + 2 II + HIT, in memory MW later */
		assert_int_equal(r.done, base + x1 + NS(2 * II_NS + HIT_NS + MW_NS));
		check_mem(s, iova + OFF, out, sizeof(out));
		/* busy: MISS for TLP 0, II for each of the other three */
		busy += NS(MISS_NS + 3 * II_NS);
		assert_int_equal(ctr(s, "stream.busy_ps"), busy);
	}
	assert_int_equal(ctr(s, "stream.tlps"), 12);
	assert_int_equal(ctr(s, "stream.bytes"), 3 * 1024);
}

/* link_gbps = 128: a 256 B TLP takes 256 x 8 / 128 = 16 ns on the link, so TLPs leave 16 ns
 * apart; they arrive 16 ns apart, after the IOMMU could take them (II = 2): each waits for
 * nothing. The link stays busy into the next DMA. */
static void link_rate_spaces_tlps(void **state)
{
	struct sx *s = *state;
	uint8_t out[1024];
	iommusim_dma_result_t r;
	const iommusim_time_t t0 = NS(1000);

	s->cfg.link_gbps = 128;
	make_ep(s);
	pattern(out, sizeof(out), 3);
	assert_int_equal(wr(s, 0x30000, out, sizeof(out), t0, &r), 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_OK);
	for (unsigned k = 0; k < 4; k++)
		assert_int_equal(s->fk.req[k].issue, t0 + k * NS(16) + NS(L_NS));
	/* TLP 3 sent at 1048, taken at 1148, done 1154, in memory at 1184 */
	assert_int_equal(r.done, t0 + NS(48 + L_NS + HIT_NS + MW_NS));
	assert_int_equal(ctr(s, "stream.busy_ps"), 4 * NS(II_NS));

	/* issued at 1010, but the link is busy until 1064 */
	assert_int_equal(wr(s, 0x31000, out, 256, NS(1010), &r), 0);
	assert_int_equal(s->fk.req[4].issue, NS(1064 + L_NS));
	assert_int_equal(r.done, NS(1064 + L_NS + HIT_NS + MW_NS));

	/* a rate that does not divide evenly: 256 B at 3 Gb/s take 682.666... ns, rounded to
	 * 682667 ps; the first TLP leaves at once, the second that much later */
	iommusim_endpoint_destroy(s->ep);
	s->cfg.link_gbps = 3;
	make_ep(s);
	s->fk.n = 0;
	assert_int_equal(wr(s, 0x32000, out, 512, NS(5000), &r), 0);
	assert_int_equal(s->fk.req[0].issue, NS(5000 + L_NS));
	assert_int_equal(s->fk.req[1].issue, NS(5000 + L_NS) + 682667);
}

/* stream_accept carries over: a DMA whose TLPs reach the IOMMU while the previous DMA's last
 * TLP still walks waits for that walk. */
static void accept_persists_across_dmas(void **state)
{
	struct sx *s = *state;
	uint8_t out[256];
	iommusim_dma_result_t a, b;

	make_ep(s);
	pattern(out, sizeof(out), 4);
	s->fk.miss_lo = 0x40000;
	s->fk.miss_hi = 0x40100;
	/* A: taken at 1100, done 1500 (in memory 1530) */
	assert_int_equal(wr(s, 0x40000, out, sizeof(out), NS(1000), &a), 0);
	assert_int_equal(a.done, NS(1100 + MISS_NS + MW_NS));
	/* B: reaches the IOMMU at 1110, taken at 1500, done 1506, in memory 1536 */
	assert_int_equal(wr(s, 0x50000, out, sizeof(out), NS(1010), &b), 0);
	assert_int_equal(s->fk.req[1].issue, NS(1500));
	assert_int_equal(b.done, NS(1500 + HIT_NS + MW_NS));
	assert_int_equal(ctr(s, "stream.busy_ps"), NS(MISS_NS + II_NS));
	/* C: long after, the stream is free: taken on arrival */
	assert_int_equal(wr(s, 0x50100, out, sizeof(out), NS(9000), &b), 0);
	assert_int_equal(s->fk.req[2].issue, NS(9000 + L_NS));
	assert_int_equal(ctr(s, "stream.busy_ps"), NS(MISS_NS + 2 * II_NS));
}

/* A fault on TLP 2 of 1 KiB: TLPs 0 and 1 are in memory, the DMA stops with 512 bytes done,
 * known at the device one link latency after the fault (taken 1104, answered 1110). */
static void fault_stops_at_the_tlp(void **state)
{
	struct sx *s = *state;
	uint8_t out[1024], zero[512] = { 0 };
	iommusim_dma_result_t r;

	make_ep(s);
	pattern(out, sizeof(out), 5);
	s->fk.fault_lo = 0x60200;
	s->fk.fault_hi = 0x60300;
	assert_int_equal(wr(s, 0x60000, out, sizeof(out), NS(1000), &r), 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_FAULT);
	assert_int_equal(r.fault_reason, 0x55);
	assert_int_equal(r.fault_iova, 0x60200);
	assert_int_equal(r.done_bytes, 512);
	assert_int_equal(r.done, NS(1104 + HIT_NS + L_NS));
	assert_int_equal(s->fk.n, 3);   /* TLP 3 never left */
	check_mem(s, 0x60000 + OFF, out, 512);
	check_mem(s, 0x60200 + OFF, zero, 512);
	/* three TLPs taken, two moved; busy II + II + the faulting one's HIT */
	assert_int_equal(ctr(s, "stream.tlps"), 3);
	assert_int_equal(ctr(s, "stream.bytes"), 512);
	assert_int_equal(ctr(s, "stream.busy_ps"), NS(2 * II_NS + HIT_NS));
	assert_int_equal(ctr(s, "dma.bytes"), 512);
	assert_int_equal(ctr(s, "dma.fault"), 1);
	/* the fault held the stream: the next DMA's TLP is taken at 1110 at the earliest */
	assert_int_equal(wr(s, 0x70000, out, 256, NS(1005), &r), 0);
	assert_int_equal(s->fk.req[3].issue, NS(1110));
}

static void memory_error_stops_at_the_tlp(void **state)
{
	struct sx *s = *state;
	uint8_t out[768];
	iommusim_dma_result_t r;

	make_ep(s);
	pattern(out, sizeof(out), 6);
	s->fk.bad_lo = 0x61100;
	s->fk.bad_hi = 0x61200;
	assert_int_equal(wr(s, 0x61000, out, sizeof(out), NS(1000), &r), 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_MEM_ERROR);
	assert_int_equal(r.fault_iova, 0x61100);
	assert_int_equal(r.done_bytes, 256);
	assert_int_equal(s->fk.n, 2);
	check_mem(s, 0x61000 + OFF, out, 256);
	assert_int_equal(ctr(s, "dma.mem_error"), 1);
}

/* TLPs stop at mps boundaries (and so at pages): 300 B from 0x...f80 with mps 256 is 128 B to
 * the page end, then 172 B; with mps 128 it is 128 + 128 + 44. */
static void tlps_split_at_mps_and_pages(void **state)
{
	struct sx *s = *state;
	uint8_t out[300];
	iommusim_dma_result_t r;

	make_ep(s);
	pattern(out, sizeof(out), 7);
	assert_int_equal(wr(s, 0x80f80, out, sizeof(out), 0, &r), 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_OK);
	assert_int_equal(s->fk.n, 2);
	assert_int_equal(s->fk.req[0].iova, 0x80f80);
	assert_int_equal(s->fk.req[0].size, 128);
	assert_int_equal(s->fk.req[1].iova, 0x81000);
	assert_int_equal(s->fk.req[1].size, 172);
	check_mem(s, 0x80f80 + OFF, out, sizeof(out));
	iommusim_endpoint_destroy(s->ep);

	s->cfg.mps = 128;
	make_ep(s);
	s->fk.n = 0;
	assert_int_equal(wr(s, 0x90f80, out, sizeof(out), 0, &r), 0);
	assert_int_equal(s->fk.n, 3);
	assert_int_equal(s->fk.req[0].size, 128);
	assert_int_equal(s->fk.req[1].iova, 0x91000);
	assert_int_equal(s->fk.req[1].size, 128);
	assert_int_equal(s->fk.req[2].iova, 0x91080);
	assert_int_equal(s->fk.req[2].size, 44);
	assert_int_equal(ctr(s, "stream.tlps"), 5);   /* same name: the counters carry on */
	check_mem(s, 0x90f80 + OFF, out, sizeof(out));
}

/* With ATS, each TLP looks the ATC up once the previous TLP was ready; the ATS request of a
 * miss is sent as for a chunk, and the TRANSLATED request enters the stream.
 *   TLP 0: lookup 1000..1005, miss; ATS request at 1105, done 1111, back at 1211; sent 1211,
 *          taken 1311, done 1317, accept 1313.
 *   TLP 1: lookup from 1211, hit at 1216; sent 1216, taken 1316 (> 1313), done 1322, in
 *          memory at 1352. */
static void ats_translated_requests_stream(void **state)
{
	struct sx *s = *state;
	uint8_t out[512];
	iommusim_dma_result_t r;

	s->cfg.ats = true;
	make_ep(s);
	pattern(out, sizeof(out), 8);
	assert_int_equal(wr(s, 0xa0000, out, sizeof(out), NS(1000), &r), 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_OK);
	assert_int_equal(s->fk.n, 3);
	assert_int_equal(s->fk.req[0].type, IOMMUSIM_REQ_ATS_TRANSLATE);
	assert_int_equal(s->fk.req[0].issue, NS(1105));
	assert_int_equal(s->fk.req[1].type, IOMMUSIM_REQ_TRANSLATED);
	assert_int_equal(s->fk.req[1].iova, 0xa0000 + OFF);
	assert_int_equal(s->fk.req[1].issue, NS(1311));
	assert_int_equal(s->fk.req[2].type, IOMMUSIM_REQ_TRANSLATED);
	assert_int_equal(s->fk.req[2].iova, 0xa0100 + OFF);
	assert_int_equal(s->fk.req[2].issue, NS(1316));
	assert_int_equal(r.done, NS(1352));
	assert_int_equal(r.translations, 1);
	assert_int_equal(r.atc_hits, 1);
	assert_int_equal(ctr(s, "atc.miss"), 1);
	assert_int_equal(ctr(s, "atc.hit"), 1);
	assert_int_equal(ctr(s, "req.translated"), 2);
	assert_int_equal(ctr(s, "stream.busy_ps"), 2 * NS(II_NS));
	check_mem(s, 0xa0000 + OFF, out, sizeof(out));
}

/* PRI per TLP, through the identity IOMMU (no accept: the stream waits for each done).
 * Identity timing: ATS answer X = 40 ns, translated check T = 7 ns, page response sent 1000
 * ns after the request arrives. 512 B from 0xb0f00: TLP 0 on a present page, TLP 1 on the
 * next page, not present until its page request is answered.
 *   TLP 0: lookup to 1005, ATS at 1105 done 1145, back 1245; taken 1345, done 1352, in
 *          memory 1382.
 *   TLP 1: lookup from 1245 to 1250, ATS at 1350 done 1390 (page request), back 1490: the
 *          page request leaves (arrives 1590), the response is sent at 2590 and reaches the
 *          device at 2690. Retry: lookup to 2695, ATS at 2795 done 2835, back 2935; taken
 *          3035, done 3042, in memory 3072. */
static void pri_parks_and_retries_the_tlp(void **state)
{
	struct sx *s = *state;
	iommusim_model_env_t env;
	identity_iommu_cfg_t ic;
	uint8_t out[512];
	iommusim_dma_result_t r;

	memset(&env, 0, sizeof(env));
	env.sched = s->tb.sched;
	env.mem = &s->tb.port;
	env.stats = s->tb.stats;
	env.instance = "id0";
	env.to_device = sx_dev;
	env.dev_ctx = s;
	identity_iommu_cfg_default(&ic);
	ic.offset = OFF;
	ic.latency = NS(40);
	ic.translated_latency = NS(7);
	ic.prq_latency = NS(1000);
	ic.np_lo = 0xb1000;
	ic.np_hi = 0xb2000;
	assert_int_equal(identity_iommu_create(&ic, &env, &s->iommu), 0);
	s->cfg.ats = true;
	s->cfg.pri = true;
	make_ep(s);
	pattern(out, sizeof(out), 9);
	assert_int_equal(wr(s, 0xb0f00, out, sizeof(out), NS(1000), &r), 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_PRI_PENDING);
	assert_int_equal(r.done_bytes, 256);
	assert_int_equal(r.fault_iova, 0xb1000);
	assert_int_equal(r.done, NS(1490));
	assert_true(iommusim_sched_run_all(s->tb.sched, 10000) >= 0);
	assert_int_equal(s->ncomplete, 1);
	assert_int_equal(s->last.status, IOMMUSIM_DMA_OK);
	assert_int_equal(s->last.done_bytes, 512);
	assert_int_equal(s->last.done, NS(3072));
	assert_int_equal(s->last.page_requests, 1);
	check_mem(s, 0xb0f00 + OFF, out, sizeof(out));
	assert_int_equal(ctr(s, "pri.retry"), 1);
	assert_int_equal(ctr(s, "stream.tlps"), 2);
	assert_int_equal(ctr(s, "stream.bytes"), 512);
	assert_int_equal(ctr(s, "stream.busy_ps"), 2 * NS(7));
	iommusim_endpoint_destroy(s->ep);
	s->ep = NULL;
	identity_iommu_destroy(&s->iommu);
}

/* posted = 0: a write is one 4 KiB chunk, t + L + HIT + MW, and the stream is unused. With
 * posted = 1 a 1 KiB read is 4 read requests of 256 B taken in order one II apart (x_k = t +
 * L + k x II); each reads memory at its done and the data is back L later, so the DMA ends
 * at x_3 + HIT + MR + L = t + L + 3 x II + HIT + MR + L. */
static void chunks_when_not_posted_and_streamed_reads(void **state)
{
	struct sx *s = *state;
	uint8_t out[1024], back[1024];
	iommusim_dma_result_t r;
	iommusim_dma_t d = { .write = false, .iova = 0xc0000, .len = sizeof(back), .buf = back };

	s->cfg.posted = false;
	make_ep(s);
	pattern(out, sizeof(out), 10);
	assert_int_equal(wr(s, 0xc0000, out, sizeof(out), NS(1000), &r), 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_OK);
	assert_int_equal(r.done, NS(1000 + L_NS + HIT_NS + MW_NS));
	assert_int_equal(s->fk.n, 1);
	assert_int_equal(s->fk.req[0].size, 1024);
	assert_int_equal(ctr(s, "stream.tlps"), 0);
	assert_int_equal(ctr(s, "stream.busy_ps"), 0);
	iommusim_endpoint_destroy(s->ep);

	s->cfg.posted = true;
	make_ep(s);
	s->fk.n = 0;
	assert_int_equal(iommusim_endpoint_dma(s->ep, &d, NS(5000), &r), 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_OK);
	assert_int_equal(r.done, NS(5000 + L_NS + 3 * II_NS + HIT_NS + MR_NS + L_NS));
	assert_int_equal(s->fk.n, 4);
	for (unsigned k = 0; k < 4; k++) {
		assert_int_equal(s->fk.req[k].issue, NS(5000 + L_NS) + k * NS(II_NS));
		assert_int_equal(s->fk.req[k].size, 256);
	}
	assert_memory_equal(back, out, sizeof(out));
	assert_int_equal(ctr(s, "stream.tlps"), 4);
	assert_int_equal(ctr(s, "stream.busy_ps"), 4 * NS(II_NS));
}

static void parameters(void **state)
{
	struct sx *s = *state;
	iommusim_params_t *ps = iommusim_params_create();
	iommusim_endpoint_cfg_t c;
	iommusim_error_t err = { 0 };

	iommusim_endpoint_cfg_default(&c);
	assert_false(c.posted);
	assert_int_equal(c.mps, 256);
	assert_true(c.link_gbps == 0);
	assert_non_null(ps);
	assert_int_equal(iommusim_params_add(ps, &iommusim_endpoint_component, &err), 0);
	assert_int_equal(iommusim_params_set(ps, "endpoint.posted", "1", &err), 0);
	assert_int_equal(iommusim_params_set(ps, "endpoint.mps", "512", &err), 0);
	assert_int_equal(iommusim_params_set(ps, "endpoint.link_gbps", "126.03", &err), 0);
	iommusim_endpoint_cfg_from_params(&c, ps);
	assert_true(c.posted);
	assert_int_equal(c.mps, 512);
	assert_true(c.link_gbps == 126.03);
	/* the parameter set refuses what is not a Max_Payload_Size, naming the key */
	assert_int_not_equal(iommusim_params_set(ps, "endpoint.mps", "100", &err), 0);
	assert_non_null(strstr(err.msg, "endpoint.mps"));
	assert_int_not_equal(iommusim_params_set(ps, "endpoint.mps", "8192", &err), 0);
	assert_non_null(strstr(err.msg, "endpoint.mps"));
	assert_int_not_equal(iommusim_params_set(ps, "endpoint.mps", "384", &err), 0);
	assert_int_not_equal(iommusim_params_set(ps, "endpoint.link_gbps", "-1", &err), 0);
	iommusim_params_destroy(ps);

	/* so does create, for a configuration built by hand */
	s->cfg.mps = 100;
	assert_null(iommusim_endpoint_create(&s->cfg, "ep0", &s->iommu, &s->port, s->tb.sched,
					     NULL, &err));
	assert_int_equal(err.code, -EINVAL);
	assert_non_null(strstr(err.msg, "endpoint.mps"));
	s->cfg.mps = 8192;
	assert_null(iommusim_endpoint_create(&s->cfg, "ep0", &s->iommu, &s->port, s->tb.sched,
					     NULL, &err));
	assert_int_equal(err.code, -EINVAL);
	assert_non_null(strstr(err.msg, "endpoint.mps"));
	s->cfg.mps = 256;
	s->cfg.link_gbps = -5;
	assert_null(iommusim_endpoint_create(&s->cfg, "ep0", &s->iommu, &s->port, s->tb.sched,
					     NULL, &err));
	assert_int_equal(err.code, -EINVAL);
	assert_non_null(strstr(err.msg, "endpoint.link_gbps"));
}

/*
 * The real VT-d, legacy mode, defaults (1 GHz, every lookup and walk step 2 cycles), table
 * reads 100 ns. One 4 KiB posted write = 16 TLPs of 256 B, all reaching the IOMMU at t + L.
 *   Cold (first request of the device): TLP 0 = pipeline 2 + context lookup 2 + root read
 *   102 + context read 102 + IOTLB 2 + PWC 2 + 4 x 102 = 620 ns, blocking; TLPs 1..15 hit:
 *   done 6 ns after they are taken, the next taken 2 ns later. busy = 620 + 15 x 2 = 650 ns.
 *   Context cached, a page under another level-4 entry (no PWC help): TLP 0 = 2 + 2 + 2 + 2
 *   + 4 x 102 = 416 ns; busy = 416 + 15 x 2 = 446 ns: 4096 x 8 / 446 = 73.5 Gb/s.
 * DMA done: TLP 15 taken at x_0 + busy - 2, done 6 ns later, in memory MW later.
 */
static void vtd_figures(void **state)
{
	struct sx *s = *state;
	const uint64_t far = 1ull << 39;   /* level-4 index 1 */
	uint64_t slpt = 0;
	uint8_t *out = malloc(4096);
	iommusim_dma_result_t r;

	assert_non_null(out);
	vtdt_enable(&s->tb, false);
	vtdt_sl_map(&s->tb, &slpt, 4, 0x100000, 0x7000000, 12, T_SL_R | T_SL_W, T_SL_R | T_SL_W);
	vtdt_sl_map(&s->tb, &slpt, 4, far, 0x7001000, 12, T_SL_R | T_SL_W, T_SL_R | T_SL_W);
	vtdt_legacy_ctx(&s->tb, RID, vtdt_legacy_lo(slpt, 0, false), vtdt_legacy_hi(2, 1));
	s->iommu.ops = s->tb.ops;
	s->iommu.impl = s->tb.m;
	make_ep(s);
	pattern(out, 4096, 11);

	assert_int_equal(wr(s, 0x100000, out, 4096, NS(10000), &r), 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_OK);
	assert_int_equal(ctr(s, "stream.tlps"), 16);
	assert_int_equal(ctr(s, "stream.busy_ps"), NS(650));
	assert_int_equal(r.done, NS(10000 + L_NS + 648 + 6 + MW_NS));
	check_mem(s, 0x7000000, out, 4096);

	assert_int_equal(wr(s, far, out, 4096, NS(20000), &r), 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_OK);
	assert_int_equal(r.cost.mem_reads, 4);
	assert_int_equal(ctr(s, "stream.tlps"), 32);
	assert_int_equal(ctr(s, "stream.bytes"), 8192);
	assert_int_equal(ctr(s, "stream.busy_ps"), NS(650 + 446));
	assert_int_equal(r.done, NS(20000 + L_NS + 444 + 6 + MW_NS));
	check_mem(s, 0x7001000, out, 4096);
	assert_int_equal(vtdt_stat(&s->tb, "iotlb.hit"), 30);
	assert_int_equal(vtdt_stat(&s->tb, "iotlb.miss"), 2);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(hits_pipeline, setup, teardown),
		cmocka_unit_test_setup_teardown(miss_holds_the_stream, setup, teardown),
		cmocka_unit_test_setup_teardown(link_rate_spaces_tlps, setup, teardown),
		cmocka_unit_test_setup_teardown(accept_persists_across_dmas, setup, teardown),
		cmocka_unit_test_setup_teardown(fault_stops_at_the_tlp, setup, teardown),
		cmocka_unit_test_setup_teardown(memory_error_stops_at_the_tlp, setup, teardown),
		cmocka_unit_test_setup_teardown(tlps_split_at_mps_and_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(ats_translated_requests_stream, setup, teardown),
		cmocka_unit_test_setup_teardown(pri_parks_and_retries_the_tlp, setup, teardown),
		cmocka_unit_test_setup_teardown(chunks_when_not_posted_and_streamed_reads, setup,
						teardown),
		cmocka_unit_test_setup_teardown(parameters, setup, teardown),
		cmocka_unit_test_setup_teardown(vtd_figures, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
