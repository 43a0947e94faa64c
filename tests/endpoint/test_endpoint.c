/* SPDX-License-Identifier: MIT */
/*
 * Endpoint model tests, end to end through the identity IOMMU (tests/support) with a real
 * scheduler, memory, memory port and stats registry. Expected times are worked out by hand
 * from the timing rules in include/iommusim/endpoint.h with these round numbers:
 *   L  = 100 ns one-way link        A  = 5 ns ATC lookup
 *   X  = 40 ns identity translation T  = 7 ns identity check of a translated request
 *   MR = 50 ns memory read          MW = 30 ns memory write
 *   P  = 1000 ns page-request service in the identity IOMMU
 * so that, per 4 KiB chunk:
 *   no ATS, write: L + X + MW = 170 ns          no ATS, read: L + X + MR + L = 290 ns
 *   ATS miss, read: A + L + X + L + L + T + MR + L = 502 ns;  write: 382 ns
 *   ATS hit,  read: A + L + T + MR + L = 262 ns;              write: 142 ns
 *   ATS answer back at the device after a lookup miss: A + L + X + L = 245 ns
 */
#include "tests/support/test.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "iommusim/endpoint.h"
#include "iommusim/mem.h"
#include "iommusim/param.h"
#include "iommusim/sched.h"
#include "iommusim/stats.h"
#include "tests/support/identity_iommu.h"

#define NS(x) ((iommusim_time_t)(x) * IOMMUSIM_PS_PER_NS)
#define L_NS 100
#define A_NS 5
#define X_NS 40
#define T_NS 7
#define MR_NS 50
#define MW_NS 30
#define P_NS 1000
#define DELAY_NS 2000
#define OFF 0x40000000ull
#define RID 0x0318u
#define PG 4096u

struct fx {
	iommusim_sched_t *sched;
	iommusim_mem_t *mem;
	iommusim_mem_port_t port;        /* the endpoint's system-side port */
	iommusim_mem_port_t iommu_port;  /* the model's port (unused by the identity IOMMU) */
	iommusim_stats_t *stats;
	iommusim_model_t iommu;
	iommusim_endpoint_cfg_t cfg;
	iommusim_endpoint_t *ep;
	unsigned ncomplete;
	iommusim_dma_result_t last;
	/* optional hook run when a DMA completes */
	void (*on_done)(struct fx *f, const iommusim_dma_result_t *res);
};

static int fx_to_device(void *ctx, const iommusim_dev_msg_t *msg)
{
	struct fx *f = ctx;

	if (!f->ep || msg->rid != iommusim_endpoint_rid(f->ep))
		return -ENODEV;
	return iommusim_endpoint_receive(f->ep, msg);
}

static void fx_done(void *ctx, const iommusim_dma_result_t *res)
{
	struct fx *f = ctx;

	f->ncomplete++;
	f->last = *res;
	if (f->on_done)
		f->on_done(f, res);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	iommusim_model_env_t env;
	identity_iommu_cfg_t icfg;

	assert_non_null(f);
	f->sched = iommusim_sched_create();
	f->mem = iommusim_mem_create(40);
	f->stats = iommusim_stats_create();
	assert_non_null(f->sched);
	assert_non_null(f->mem);
	assert_non_null(f->stats);
	iommusim_mem_port_init_mem(&f->port, f->mem);
	iommusim_mem_port_set_latency(&f->port, NS(MR_NS), NS(MW_NS), 0);
	iommusim_mem_port_init_mem(&f->iommu_port, f->mem);

	memset(&env, 0, sizeof(env));
	env.sched = f->sched;
	env.mem = &f->iommu_port;
	env.stats = f->stats;
	env.instance = "id0";
	env.to_device = fx_to_device;
	env.dev_ctx = f;
	identity_iommu_cfg_default(&icfg);
	icfg.offset = OFF;
	icfg.latency = NS(X_NS);
	icfg.translated_latency = NS(T_NS);
	icfg.prq_latency = NS(P_NS);
	assert_int_equal(identity_iommu_create(&icfg, &env, &f->iommu), 0);

	iommusim_endpoint_cfg_default(&f->cfg);
	f->cfg.rid = RID;
	f->cfg.link_latency = NS(L_NS);
	f->cfg.atc_lookup = NS(A_NS);
	f->cfg.inval_delay = NS(DELAY_NS);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	iommusim_endpoint_destroy(f->ep);
	identity_iommu_destroy(&f->iommu);
	iommusim_stats_destroy(f->stats);
	iommusim_mem_destroy(f->mem);
	iommusim_sched_destroy(f->sched);
	free(f);
	return 0;
}

static void make_ep(struct fx *f)
{
	iommusim_error_t err = { 0 };

	f->ep = iommusim_endpoint_create(&f->cfg, "ep0", &f->iommu, &f->port, f->sched, f->stats,
					 &err);
	if (!f->ep)
		fail_msg("endpoint create: %s", err.msg);
	iommusim_endpoint_on_complete(f->ep, fx_done, f);
}

static identity_iommu_cfg_t *icfg(struct fx *f)
{
	return identity_iommu_cfg(&f->iommu);
}

static uint64_t ctr(struct fx *f, const char *suffix)
{
	char name[128];
	double v = -1;
	iommusim_error_t err;

	snprintf(name, sizeof(name), "ep0.%s", suffix);
	if (iommusim_stats_get(f->stats, name, &v, &err) != 0)
		fail_msg("stats %s: %s", name, err.msg);
	return (uint64_t)v;
}

static int dma(struct fx *f, bool write, uint64_t iova, void *buf, size_t len, iommusim_time_t t,
	       iommusim_dma_result_t *res)
{
	iommusim_dma_t d = { .write = write, .iova = iova, .len = len, .buf = buf };

	memset(res, 0xa5, sizeof(*res));   /* every field must be written */
	return iommusim_endpoint_dma(f->ep, &d, t, res);
}

static int dma_pasid(struct fx *f, bool write, uint64_t iova, void *buf, size_t len,
		     uint32_t pasid, iommusim_time_t t, iommusim_dma_result_t *res)
{
	iommusim_dma_t d = { .write = write, .iova = iova, .len = len, .buf = buf,
			     .pasid_valid = true, .pasid = pasid };

	return iommusim_endpoint_dma(f->ep, &d, t, res);
}

static void fill_pattern(uint8_t *b, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		b[i] = (uint8_t)(i * 7u + seed + (i >> 8));
}

static void run_all(struct fx *f)
{
	assert_true(iommusim_sched_run_all(f->sched, 10000) >= 0);
	assert_int_equal(iommusim_sched_pending(f->sched), 0);
}

/* ---- parameters -------------------------------------------------------------------------- */

static void defaults_and_params(void **state)
{
	struct fx *f = *state;
	iommusim_endpoint_cfg_t c;
	iommusim_params_t *ps = iommusim_params_create();
	iommusim_error_t err;

	(void)f;
	iommusim_endpoint_cfg_default(&c);
	assert_false(c.ats);
	assert_false(c.pri);
	assert_int_equal(c.rid, 0);
	assert_int_equal(c.pasid_bits, 20);
	assert_int_equal(c.atc_sets, 16);
	assert_int_equal(c.atc_ways, 4);
	assert_int_equal(c.atc_repl, IOMMUSIM_REPL_LRU);
	assert_int_equal(c.max_pri_retries, 3);
	assert_int_equal(c.inval_delay, NS(1000));
	assert_false(c.inval_never);
	assert_int_equal(c.atc_lookup, NS(4));
	assert_int_equal(c.link_latency, NS(225));

	/* The component's defaults are the same values. */
	assert_non_null(ps);
	assert_int_equal(iommusim_params_add(ps, &iommusim_endpoint_component, &err), 0);
	c.rid = 77;
	c.ats = true;
	iommusim_endpoint_cfg_from_params(&c, ps);
	assert_false(c.ats);
	assert_int_equal(c.rid, 77);
	assert_int_equal(c.link_latency, NS(225));
	assert_int_equal(c.inval_delay, NS(1000));

	assert_int_equal(iommusim_params_set(ps, "endpoint.ats", "on", &err), 0);
	assert_int_equal(iommusim_params_set(ps, "endpoint.pri", "1", &err), 0);
	assert_int_equal(iommusim_params_set(ps, "endpoint.atc_repl", "random", &err), 0);
	assert_int_equal(iommusim_params_set(ps, "endpoint.atc_sets", "64", &err), 0);
	assert_int_equal(iommusim_params_set(ps, "endpoint.atc_ways", "8", &err), 0);
	assert_int_equal(iommusim_params_set(ps, "endpoint.link_latency_ns", "10", &err), 0);
	assert_int_equal(iommusim_params_set(ps, "endpoint.inval_delay_ns", "5000", &err), 0);
	assert_int_equal(iommusim_params_set(ps, "endpoint.inval_never", "yes", &err), 0);
	assert_int_equal(iommusim_params_set(ps, "endpoint.max_pri_retries", "9", &err), 0);
	assert_int_equal(iommusim_params_set(ps, "endpoint.atc_lookup_ns", "3", &err), 0);
	assert_int_equal(iommusim_params_set(ps, "endpoint.pasid_bits", "8", &err), 0);
	iommusim_endpoint_cfg_from_params(&c, ps);
	assert_true(c.ats);
	assert_true(c.pri);
	assert_int_equal(c.atc_repl, IOMMUSIM_REPL_RANDOM);
	assert_int_equal(c.atc_sets, 64);
	assert_int_equal(c.atc_ways, 8);
	assert_int_equal(c.link_latency, NS(10));
	assert_int_equal(c.inval_delay, NS(5000));
	assert_true(c.inval_never);
	assert_int_equal(c.max_pri_retries, 9);
	assert_int_equal(c.atc_lookup, NS(3));
	assert_int_equal(c.pasid_bits, 8);

	/* Ranges are enforced by the parameter set. */
	assert_int_not_equal(iommusim_params_set(ps, "endpoint.pasid_bits", "21", &err), 0);
	assert_int_not_equal(iommusim_params_set(ps, "endpoint.atc_sets", "3", &err), 0);
	assert_int_not_equal(iommusim_params_set(ps, "endpoint.max_pri_retries", "0", &err), 0);
	assert_int_not_equal(iommusim_params_set(ps, "endpoint.atc_repl", "fifo", &err), 0);
	iommusim_params_destroy(ps);

	/* A set without the component leaves cfg alone. */
	ps = iommusim_params_create();
	iommusim_endpoint_cfg_from_params(&c, ps);
	assert_true(c.ats);
	assert_int_equal(c.link_latency, NS(10));
	iommusim_params_destroy(ps);
}

static void atc_geometry_from_cfg(void **state)
{
	struct fx *f = *state;
	const iommusim_cache_geom_t *g;

	f->cfg.ats = true;
	f->cfg.atc_sets = 8;
	f->cfg.atc_ways = 2;
	f->cfg.atc_repl = IOMMUSIM_REPL_RANDOM;
	make_ep(f);
	assert_non_null(iommusim_endpoint_atc(f->ep));
	g = iommusim_cache_geom(iommusim_endpoint_atc(f->ep));
	assert_int_equal(g->sets, 8);
	assert_int_equal(g->ways, 2);
	assert_int_equal(g->repl, IOMMUSIM_REPL_RANDOM);
	assert_int_equal(g->seed, RID + 1);
	assert_int_equal(g->payload_size, sizeof(iommusim_atc_entry_t));
	assert_int_equal(iommusim_endpoint_rid(f->ep), RID);
}

/* ---- DMA without ATS --------------------------------------------------------------------- */

static void write_then_read_back(void **state)
{
	struct fx *f = *state;
	uint8_t out[64], in[64], direct[64];
	iommusim_dma_result_t r;
	const uint64_t iova = 0x10000010;
	const iommusim_time_t t0 = NS(1000), t1 = NS(5000);

	make_ep(f);
	assert_null(iommusim_endpoint_atc(f->ep));
	fill_pattern(out, sizeof(out), 3);
	assert_int_equal(dma(f, true, iova, out, sizeof(out), t0, &r), 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_OK);
	assert_int_equal(r.done_bytes, 64);
	assert_int_equal(r.done, t0 + NS(L_NS + X_NS + MW_NS));
	assert_int_equal(r.translations, 1);
	assert_int_equal(r.atc_hits, 0);
	assert_int_equal(r.page_requests, 0);
	assert_int_equal(r.cost.other_ps, NS(X_NS));
	assert_int_equal(r.cost.mem_reads, 1);
	assert_int_equal(r.cost.walk_reads[1][3], 1);
	assert_int_equal(r.cost.hits, IOMMUSIM_XS_CONFIG);
	assert_int_equal(r.cost.misses, IOMMUSIM_XS_IOTLB);
	assert_int_equal(r.cost.lookup_ps, 0);

	/* The bytes are in memory at iova + offset, and nowhere near iova itself. */
	assert_int_equal(iommusim_mem_read(f->mem, iova + OFF, direct, sizeof(direct)), 0);
	assert_memory_equal(direct, out, sizeof(out));
	assert_int_equal(iommusim_mem_read(f->mem, iova, direct, sizeof(direct)), 0);
	for (size_t i = 0; i < sizeof(direct); i++)
		assert_int_equal(direct[i], 0);

	memset(in, 0, sizeof(in));
	assert_int_equal(dma(f, false, iova, in, sizeof(in), t1, &r), 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_OK);
	assert_memory_equal(in, out, sizeof(in));
	assert_int_equal(r.done, t1 + NS(L_NS + X_NS + MR_NS + L_NS));

	/* The request the IOMMU saw: our RID, an untranslated read of 64 bytes at t1 + L. */
	const iommusim_xlate_req_t *q = identity_iommu_last_request(&f->iommu);
	assert_int_equal(q->rid, RID);
	assert_int_equal(q->type, IOMMUSIM_REQ_UNTRANSLATED);
	assert_int_equal(q->iova, iova);
	assert_int_equal(q->size, 64);
	assert_int_equal(q->access, IOMMUSIM_ACC_READ);
	assert_int_equal(q->issue, t1 + NS(L_NS));
	assert_false(q->pasid_valid);

	assert_int_equal(ctr(f, "dma"), 2);
	assert_int_equal(ctr(f, "dma.ok"), 2);
	assert_int_equal(ctr(f, "dma.bytes"), 128);
	assert_int_equal(ctr(f, "req.untranslated"), 2);
	assert_int_equal(ctr(f, "req.ats"), 0);
	assert_int_equal(ctr(f, "atc.hit"), 0);
	assert_int_equal(ctr(f, "atc.miss"), 0);
	{
		double v;
		assert_int_equal(iommusim_stats_get(f->stats, "ep0.dma.latency.count", &v, NULL), 0);
		assert_true(v == 2.0);
		assert_int_equal(iommusim_stats_get(f->stats, "ep0.dma.latency.max", &v, NULL), 0);
		assert_true(v == (double)NS(290));
	}
}

static void access_bits_reach_the_iommu(void **state)
{
	struct fx *f = *state;
	uint8_t b[8] = { 0 };
	iommusim_dma_t d = { .write = false, .iova = 0x1000, .len = 8, .buf = b,
			     .priv = true, .exec = true, .pasid_valid = true, .pasid = 0x12345 };
	iommusim_dma_result_t r;

	make_ep(f);
	assert_int_equal(iommusim_endpoint_dma(f->ep, &d, 0, &r), 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_OK);
	const iommusim_xlate_req_t *q = identity_iommu_last_request(&f->iommu);
	assert_int_equal(q->access, IOMMUSIM_ACC_READ | IOMMUSIM_ACC_EXEC | IOMMUSIM_ACC_PRIV);
	assert_true(q->pasid_valid);
	assert_int_equal(q->pasid, 0x12345);
}

static void dma_crossing_pages(void **state)
{
	struct fx *f = *state;
	const size_t len = 10000;   /* 0x100 + 4096 + 4096 + 1552 from 0x...f00 */
	const uint64_t iova = 0x20000f00;
	uint8_t *out = malloc(len), *in = calloc(1, len), *direct = malloc(len);
	iommusim_dma_result_t r;

	make_ep(f);
	fill_pattern(out, len, 11);
	assert_int_equal(dma(f, true, iova, out, len, 0, &r), 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_OK);
	assert_int_equal(r.done_bytes, len);
	assert_int_equal(r.translations, 4);
	assert_int_equal(r.done, 4 * NS(L_NS + X_NS + MW_NS));
	assert_int_equal(r.cost.other_ps, 4 * NS(X_NS));
	assert_int_equal(r.cost.mem_reads, 4);
	assert_int_equal(r.cost.walk_reads[1][3], 4);
	assert_int_equal(r.cost.walk_reads[0][0], 0);
	assert_int_equal(identity_iommu_requests(&f->iommu, IOMMUSIM_REQ_UNTRANSLATED), 4);
	/* The last chunk: the tail of the buffer, at the start of its page. */
	assert_int_equal(identity_iommu_last_request(&f->iommu)->iova, 0x20003000);
	assert_int_equal(identity_iommu_last_request(&f->iommu)->size, 10000 - 256 - 8192);
	assert_int_equal(identity_iommu_last_request(&f->iommu)->issue,
			 3 * NS(L_NS + X_NS + MW_NS) + NS(L_NS));

	assert_int_equal(iommusim_mem_read(f->mem, iova + OFF, direct, len), 0);
	assert_memory_equal(direct, out, len);

	assert_int_equal(dma(f, false, iova, in, len, NS(100000), &r), 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_OK);
	assert_int_equal(r.done, NS(100000) + 4 * NS(L_NS + X_NS + MR_NS + L_NS));
	assert_memory_equal(in, out, len);
	assert_int_equal(ctr(f, "dma.bytes"), 2 * len);
	free(out);
	free(in);
	free(direct);
}

static void fault_mid_dma(void **state)
{
	struct fx *f = *state;
	const uint64_t iova = 0x30000800;
	const size_t len = 3 * PG;
	uint8_t *out = malloc(len), *direct = malloc(len);
	iommusim_dma_result_t r;

	icfg(f)->blocked_lo = 0x30002000;
	icfg(f)->blocked_hi = 0x30003000;
	make_ep(f);
	fill_pattern(out, len, 5);
	assert_int_equal(dma(f, true, iova, out, len, NS(10), &r), 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_FAULT);
	assert_int_equal(r.fault_reason, IDENTITY_FR_BLOCKED);
	assert_int_equal(r.fault_iova, 0x30002000);
	assert_int_equal(r.done_bytes, 0x800 + PG);
	/* Two chunks written, then the failed translation comes back over the link. */
	assert_int_equal(r.done, NS(10) + 2 * NS(L_NS + X_NS + MW_NS) + NS(L_NS + X_NS + L_NS));
	assert_int_equal(r.translations, 3);

	/* What was done is in memory; the blocked page and beyond were not touched. */
	memset(direct, 0xee, len);
	assert_int_equal(iommusim_mem_read(f->mem, iova + OFF, direct, len), 0);
	assert_memory_equal(direct, out, 0x800 + PG);
	for (size_t i = 0x800 + PG; i < len; i++)
		assert_int_equal(direct[i], 0);
	assert_int_equal(ctr(f, "dma.fault"), 1);
	assert_int_equal(ctr(f, "dma.ok"), 0);
	assert_int_equal(ctr(f, "dma.bytes"), 0x800 + PG);

	/* A read that starts inside the blocked page fails at once with nothing moved. */
	assert_int_equal(dma(f, false, 0x30002ff0, out, 64, 0, &r), 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_FAULT);
	assert_int_equal(r.done_bytes, 0);
	assert_int_equal(r.fault_iova, 0x30002ff0);
	free(out);
	free(direct);
}

static void memory_error(void **state)
{
	struct fx *f = *state;
	uint8_t b[16];
	iommusim_dma_result_t r;

	/* The second page's iova + offset lands past the 2^40-byte memory: the first 8 bytes
	 * move, the rest fail. */
	make_ep(f);
	assert_int_equal(dma(f, false, (1ull << 40) - OFF - 8, b, 16, 0, &r), 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_MEM_ERROR);
	assert_int_equal(r.done_bytes, 8);
	assert_int_equal(r.fault_iova, (1ull << 40) - OFF);
	assert_int_equal(r.done, 2 * NS(L_NS + X_NS + MR_NS + L_NS));
	assert_int_equal(ctr(f, "dma.mem_error"), 1);
	assert_int_equal(ctr(f, "dma.bytes"), 8);

	/* The last byte of the IOVA space is a legal DMA target (offset 0: memory error). */
	icfg(f)->offset = 0;
	assert_int_equal(dma(f, true, UINT64_MAX - 10, b, 11, 0, &r), 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_MEM_ERROR);
}

/* ---- ATS and the ATC --------------------------------------------------------------------- */

static void ats_miss_then_hit(void **state)
{
	struct fx *f = *state;
	uint8_t out[2 * PG], in[2 * PG], direct[2 * PG];
	iommusim_dma_result_t r;
	const uint64_t iova = 0x50000000;
	const iommusim_time_t miss_r = NS(A_NS + L_NS + X_NS + L_NS + L_NS + T_NS + MR_NS + L_NS);
	const iommusim_time_t miss_w = NS(A_NS + L_NS + X_NS + L_NS + L_NS + T_NS + MW_NS);
	const iommusim_time_t hit_r = NS(A_NS + L_NS + T_NS + MR_NS + L_NS);
	const iommusim_time_t hit_w = NS(A_NS + L_NS + T_NS + MW_NS);

	f->cfg.ats = true;
	make_ep(f);
	fill_pattern(out, sizeof(out), 9);

	/* First touch: two misses. */
	assert_int_equal(dma(f, true, iova, out, sizeof(out), 0, &r), 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_OK);
	assert_int_equal(r.done, 2 * miss_w);
	assert_int_equal(r.translations, 2);
	assert_int_equal(r.atc_hits, 0);
	assert_int_equal(r.cost.lookup_ps, 2 * NS(A_NS));
	assert_int_equal(r.cost.other_ps, 2 * NS(X_NS) + 2 * NS(T_NS));
	assert_int_equal(r.cost.mem_reads, 2);
	assert_int_equal(r.cost.misses, IOMMUSIM_XS_ATC | IOMMUSIM_XS_IOTLB);
	assert_int_equal(r.cost.hits, IOMMUSIM_XS_CONFIG);
	assert_int_equal(iommusim_cache_count(iommusim_endpoint_atc(f->ep)), 2);
	assert_int_equal(iommusim_mem_read(f->mem, iova + OFF, direct, sizeof(direct)), 0);
	assert_memory_equal(direct, out, sizeof(out));

	/* The translated request carried the translated address. */
	const iommusim_xlate_req_t *q = identity_iommu_last_request(&f->iommu);
	assert_int_equal(q->type, IOMMUSIM_REQ_TRANSLATED);
	assert_int_equal(q->iova, iova + PG + OFF);
	assert_int_equal(q->size, PG);

	/* Reuse: both pages hit, no ATS request goes out. */
	assert_int_equal(dma(f, false, iova, in, sizeof(in), NS(10000), &r), 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_OK);
	assert_memory_equal(in, out, sizeof(in));
	assert_int_equal(r.done, NS(10000) + 2 * hit_r);
	assert_int_equal(r.translations, 0);
	assert_int_equal(r.atc_hits, 2);
	assert_int_equal(r.cost.other_ps, 2 * NS(T_NS));
	assert_int_equal(r.cost.mem_reads, 0);
	assert_int_equal(r.cost.hits, IOMMUSIM_XS_ATC);
	assert_int_equal(r.cost.misses, 0);

	/* A read of a third page misses; a write of a cached one hits. */
	assert_int_equal(dma(f, false, iova + 2 * PG, in, 16, NS(20000), &r), 0);
	assert_int_equal(r.done, NS(20000) + miss_r);
	assert_int_equal(dma(f, true, iova + 8, out, 16, NS(30000), &r), 0);
	assert_int_equal(r.done, NS(30000) + hit_w);

	assert_int_equal(ctr(f, "atc.hit"), 3);
	assert_int_equal(ctr(f, "atc.miss"), 3);
	assert_int_equal(ctr(f, "atc.fill"), 3);
	assert_int_equal(ctr(f, "req.ats"), 3);
	assert_int_equal(ctr(f, "req.translated"), 6);
	assert_int_equal(ctr(f, "req.untranslated"), 0);
	assert_int_equal(identity_iommu_requests(&f->iommu, IOMMUSIM_REQ_ATS_TRANSLATE), 3);
	assert_int_equal(identity_iommu_requests(&f->iommu, IOMMUSIM_REQ_TRANSLATED), 6);
	/* The core cache saw one lookup per chunk. */
	const iommusim_cache_stats_t *cs = iommusim_cache_stats(iommusim_endpoint_atc(f->ep));
	assert_int_equal(cs->lookups, 6);
	assert_int_equal(cs->hits, 3);

	/* A DMA starting mid-page asks ATS for the page, and its bytes land at iova + offset. */
	assert_int_equal(dma(f, true, iova + 3 * PG + 0x123, out, 16, NS(40000), &r), 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_OK);
	assert_int_equal(identity_iommu_last_request(&f->iommu)->iova, iova + 3 * PG + 0x123 + OFF);
	assert_int_equal(iommusim_mem_read(f->mem, iova + 3 * PG + 0x123 + OFF, direct, 16), 0);
	assert_memory_equal(direct, out, 16);
	assert_int_equal(dma(f, false, iova + 3 * PG + 0x120, in, 32, NS(50000), &r), 0);
	assert_int_equal(r.atc_hits, 1);
	assert_memory_equal(in + 3, out, 16);
}

static void ats_requests_are_page_aligned(void **state)
{
	struct fx *f = *state;
	uint8_t b[PG + 64];
	iommusim_dma_result_t r;

	f->cfg.ats = true;
	make_ep(f);
	/* One ATS translation per page touched; the second page's request is for its start. */
	assert_int_equal(dma(f, false, 0xabc0fe0, b, 64, 0, &r), 0);
	assert_int_equal(r.translations, 2);
	assert_int_equal(identity_iommu_requests(&f->iommu, IOMMUSIM_REQ_ATS_TRANSLATE), 2);
	assert_int_equal(identity_iommu_last_request(&f->iommu)->type, IOMMUSIM_REQ_TRANSLATED);
	assert_int_equal(identity_iommu_last_request(&f->iommu)->iova, 0xabc1000 + OFF);
	assert_int_equal(identity_iommu_last_request(&f->iommu)->size, 32);
	assert_int_equal(iommusim_endpoint_ats_translate(f->ep, 0xabc2fff, false, 0,
							 IOMMUSIM_ACC_WRITE, 0, &(iommusim_xlate_resp_t){ 0 }),
			 0);
	assert_int_equal(identity_iommu_last_request(&f->iommu)->iova, 0xabc2000);
	assert_int_equal(identity_iommu_last_request(&f->iommu)->size, PG);
	assert_int_equal(identity_iommu_last_request(&f->iommu)->type, IOMMUSIM_REQ_ATS_TRANSLATE);
	assert_int_equal(identity_iommu_last_request(&f->iommu)->access, IOMMUSIM_ACC_WRITE);
}

static void atc_is_per_pasid(void **state)
{
	struct fx *f = *state;
	uint8_t b[16] = { 0 };
	iommusim_dma_result_t r;

	f->cfg.ats = true;
	make_ep(f);
	assert_int_equal(dma_pasid(f, false, 0x1000, b, 16, 7, 0, &r), 0);
	assert_int_equal(r.atc_hits, 0);
	assert_int_equal(identity_iommu_last_request(&f->iommu)->pasid, 7);
	assert_true(identity_iommu_last_request(&f->iommu)->pasid_valid);
	assert_int_equal(dma_pasid(f, false, 0x1000, b, 16, 7, 0, &r), 0);
	assert_int_equal(r.atc_hits, 1);
	assert_int_equal(dma_pasid(f, false, 0x1000, b, 16, 8, 0, &r), 0);
	assert_int_equal(r.atc_hits, 0);
	assert_int_equal(dma(f, false, 0x1000, b, 16, 0, &r), 0);
	assert_int_equal(r.atc_hits, 0);
	assert_int_equal(dma(f, false, 0x1000, b, 16, 0, &r), 0);
	assert_int_equal(r.atc_hits, 1);
	assert_int_equal(iommusim_cache_count(iommusim_endpoint_atc(f->ep)), 3);
	/* The entries are keyed as documented. */
	assert_non_null(iommusim_cache_probe(iommusim_endpoint_atc(f->ep), 1, 1,
					     IOMMUSIM_ATC_CTX(true, 7, false), NULL));
	const iommusim_atc_entry_t *e = iommusim_cache_probe(iommusim_endpoint_atc(f->ep), 1, 1, 0,
							     NULL);
	assert_non_null(e);
	assert_int_equal(e->out_base, 0x1000 + OFF);
	assert_int_equal(e->page_size, PG);
}

static void large_page_entry_covers_neighbours(void **state)
{
	struct fx *f = *state;
	uint8_t out[32], direct[32];
	iommusim_dma_result_t r;
	const uint64_t base = 0x60000000;   /* 2 MiB aligned, like OFF */

	f->cfg.ats = true;
	icfg(f)->page_size = 2u << 20;
	make_ep(f);
	assert_int_equal(dma(f, false, base + 0x3000, out, 8, 0, &r), 0);
	assert_int_equal(r.atc_hits, 0);
	assert_int_equal(iommusim_cache_count(iommusim_endpoint_atc(f->ep)), 1);

	/* Every other 4 KiB page of the same 2 MiB hits that one entry. These pages index
	 * other sets in a 16-set ATC, so this also checks the large-page set choice. */
	for (uint64_t p = 0; p < 512; p += 37) {
		assert_int_equal(dma(f, false, base + p * PG + 0x10, out, 8, 0, &r), 0);
		assert_int_equal(r.atc_hits, 1);
	}
	fill_pattern(out, sizeof(out), 1);
	assert_int_equal(dma(f, true, base + 0x1ff010, out, sizeof(out), 0, &r), 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_OK);
	assert_int_equal(r.atc_hits, 1);
	assert_int_equal(iommusim_mem_read(f->mem, base + 0x1ff010 + OFF, direct, 32), 0);
	assert_memory_equal(direct, out, 32);

	/* The next 2 MiB is another entry. */
	assert_int_equal(dma(f, false, base + (2u << 20), out, 8, 0, &r), 0);
	assert_int_equal(r.atc_hits, 0);
	assert_int_equal(iommusim_cache_count(iommusim_endpoint_atc(f->ep)), 2);
	const iommusim_cache_stats_t *cs = iommusim_cache_stats(iommusim_endpoint_atc(f->ep));
	assert_int_equal(cs->misses, 2);

	/* Invalidating one 4 KiB page under the entry drops the whole 2 MiB entry. */
	assert_int_equal(identity_iommu_ats_inval(&f->iommu, RID, false, 0, false, base + 0x5000,
						  PG, 0, 0), 0);
	assert_int_equal(iommusim_cache_count(iommusim_endpoint_atc(f->ep)), 1);
	assert_int_equal(dma(f, false, base + 0x7000, out, 8, 0, &r), 0);
	assert_int_equal(r.atc_hits, 0);
	assert_int_equal(dma(f, false, base + (2u << 20) + 0x7000, out, 8, 0, &r), 0);
	assert_int_equal(r.atc_hits, 1);
}

static void atc_eviction(void **state)
{
	struct fx *f = *state;
	uint8_t b[8];
	iommusim_dma_result_t r;

	f->cfg.ats = true;
	f->cfg.atc_sets = 1;
	f->cfg.atc_ways = 2;
	make_ep(f);
	assert_int_equal(dma(f, false, 0x1000, b, 8, 0, &r), 0);
	assert_int_equal(dma(f, false, 0x2000, b, 8, 0, &r), 0);
	assert_int_equal(dma(f, false, 0x1000, b, 8, 0, &r), 0);   /* 0x1000 now youngest */
	assert_int_equal(r.atc_hits, 1);
	assert_int_equal(dma(f, false, 0x3000, b, 8, 0, &r), 0);   /* evicts 0x2000 (LRU) */
	assert_int_equal(ctr(f, "atc.evict"), 1);
	assert_int_equal(dma(f, false, 0x1000, b, 8, 0, &r), 0);
	assert_int_equal(r.atc_hits, 1);
	assert_int_equal(dma(f, false, 0x2000, b, 8, 0, &r), 0);
	assert_int_equal(r.atc_hits, 0);
}

static void untranslated_only_answers_are_not_cached(void **state)
{
	struct fx *f = *state;
	uint8_t out[16], in[16];
	iommusim_dma_result_t r;

	f->cfg.ats = true;
	icfg(f)->untranslated_only = true;
	make_ep(f);
	fill_pattern(out, 16, 2);
	assert_int_equal(dma(f, true, 0x9000, out, 16, 0, &r), 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_OK);
	assert_int_equal(r.done, NS(A_NS + L_NS + X_NS + L_NS + L_NS + X_NS + MW_NS));
	assert_int_equal(r.translations, 2);
	assert_int_equal(iommusim_cache_count(iommusim_endpoint_atc(f->ep)), 0);
	assert_int_equal(identity_iommu_last_request(&f->iommu)->type, IOMMUSIM_REQ_UNTRANSLATED);
	assert_int_equal(dma(f, false, 0x9000, in, 16, 0, &r), 0);
	assert_int_equal(r.atc_hits, 0);
	assert_memory_equal(in, out, 16);
	assert_int_equal(ctr(f, "req.untranslated"), 2);
	assert_int_equal(ctr(f, "req.translated"), 0);
	assert_int_equal(ctr(f, "atc.fill"), 0);
}

static void translated_request_refused(void **state)
{
	struct fx *f = *state;
	uint8_t b[8];
	iommusim_dma_result_t r;

	f->cfg.ats = true;
	icfg(f)->ats_enabled = false;
	make_ep(f);
	assert_int_equal(dma(f, false, 0x4000, b, 8, 0, &r), 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_FAULT);
	assert_int_equal(r.fault_reason, IDENTITY_FR_ATS_DISABLED);
	assert_int_equal(r.done, NS(A_NS + L_NS + X_NS + L_NS + L_NS + T_NS + L_NS));
	assert_int_equal(r.done_bytes, 0);
}

static void ats_fault_and_not_present_without_pri(void **state)
{
	struct fx *f = *state;
	uint8_t b[8];
	iommusim_dma_result_t r;

	f->cfg.ats = true;
	icfg(f)->blocked_lo = 0x10000;
	icfg(f)->blocked_hi = 0x11000;
	icfg(f)->np_lo = 0x20000;
	icfg(f)->np_hi = 0x21000;
	make_ep(f);
	assert_int_equal(dma(f, false, 0x10000, b, 8, 0, &r), 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_FAULT);
	assert_int_equal(r.fault_reason, IDENTITY_FR_BLOCKED);
	assert_int_equal(r.done, NS(A_NS + L_NS + X_NS + L_NS));
	assert_int_equal(dma(f, false, 0x20000, b, 8, 0, &r), 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_FAULT);
	assert_int_equal(r.page_requests, 0);
	assert_int_equal(identity_iommu_page_requests(&f->iommu), 0);
	assert_int_equal(iommusim_cache_count(iommusim_endpoint_atc(f->ep)), 0);
}

static void ats_translate_entry_point(void **state)
{
	struct fx *f = *state;
	iommusim_xlate_resp_t resp;
	uint8_t b[8];
	iommusim_dma_result_t r;

	f->cfg.ats = true;
	make_ep(f);
	assert_int_equal(iommusim_endpoint_ats_translate(f->ep, 0x7123, true, 3,
							 IOMMUSIM_ACC_READ, NS(50), &resp), 0);
	assert_int_equal(resp.status, IOMMUSIM_XLATE_OK);
	assert_int_equal(resp.addr, 0x7000 + OFF);
	assert_int_equal(resp.done, NS(50 + L_NS + X_NS + L_NS));
	assert_int_equal(identity_iommu_last_request(&f->iommu)->iova, 0x7000);
	assert_int_equal(identity_iommu_last_request(&f->iommu)->issue, NS(50 + L_NS));
	assert_int_equal(dma_pasid(f, false, 0x7ff0, b, 8, 3, 0, &r), 0);
	assert_int_equal(r.atc_hits, 1);
	assert_int_equal(ctr(f, "req.ats"), 1);
}

static void missing_permission(void **state)
{
	struct fx *f = *state;
	uint8_t b[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, direct[8];
	iommusim_dma_result_t r;

	/* Read-only translation, no PRI: the write fails, but the read-only entry is kept. */
	f->cfg.ats = true;
	icfg(f)->perm = IOMMUSIM_ACC_READ;
	make_ep(f);
	assert_int_equal(dma(f, true, 0x3000, b, 8, 0, &r), 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_FAULT);
	assert_int_equal(r.done_bytes, 0);
	assert_int_equal(dma(f, false, 0x3000, b, 8, 0, &r), 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_OK);
	assert_int_equal(r.atc_hits, 1);
	/* A write to the cached read-only page is a permission miss: ask again. */
	assert_int_equal(dma(f, true, 0x3000, b, 8, 0, &r), 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_FAULT);
	assert_int_equal(r.atc_hits, 0);
	assert_int_equal(ctr(f, "atc.perm_miss"), 1);
	assert_int_equal(ctr(f, "atc.miss"), 2);
	assert_int_equal(iommusim_mem_read(f->mem, 0x3000 + OFF, direct, 8), 0);
	assert_int_equal(direct[0], 0);
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

/* ---- ATS invalidation -------------------------------------------------------------------- */

struct atc_key {
	uint64_t tag, ctx;
};

struct atc_dump {
	struct atc_key k[64];
	size_t n;
};

static void dump_visit(void *arg, iommusim_cache_loc_t loc, uint64_t tag, uint64_t tag_mask,
		       uint64_t ctx, uint32_t flags, const void *payload)
{
	struct atc_dump *d = arg;

	(void)loc;
	(void)tag_mask;
	(void)flags;
	(void)payload;
	if (d->n < 64)
		d->k[d->n++] = (struct atc_key){ tag, ctx };
}

static bool atc_has(struct fx *f, uint64_t iova, uint64_t ctx)
{
	struct atc_dump d = { .n = 0 };

	iommusim_cache_foreach(iommusim_endpoint_atc(f->ep), dump_visit, &d);
	for (size_t i = 0; i < d.n; i++)
		if (d.k[i].tag == iova >> 12 && d.k[i].ctx == ctx)
			return true;
	return false;
}

/* Caches pages 0..3 at 0x70000000 without PASID and with PASIDs 5 and 6 (12 entries). */
static void fill_12(struct fx *f)
{
	uint8_t b[4 * PG];
	iommusim_dma_result_t r;

	assert_int_equal(dma(f, false, 0x70000000, b, sizeof(b), 0, &r), 0);
	assert_int_equal(dma_pasid(f, false, 0x70000000, b, sizeof(b), 5, 0, &r), 0);
	assert_int_equal(dma_pasid(f, false, 0x70000000, b, sizeof(b), 6, 0, &r), 0);
	assert_int_equal(iommusim_cache_count(iommusim_endpoint_atc(f->ep)), 12);
}

static void inval_pasid_range(void **state)
{
	struct fx *f = *state;
	const uint64_t c0 = 0, c5 = IOMMUSIM_ATC_CTX(true, 5, false),
		       c6 = IOMMUSIM_ATC_CTX(true, 6, false);

	f->cfg.ats = true;
	make_ep(f);
	fill_12(f);
	/* PASID 5, pages 2..3 (8 KiB at 0x70002000). */
	assert_int_equal(identity_iommu_ats_inval(&f->iommu, RID, true, 5, false, 0x70002000,
						  2 * PG, 3, 0), 0);
	assert_int_equal(iommusim_cache_count(iommusim_endpoint_atc(f->ep)), 10);
	for (unsigned p = 0; p < 4; p++) {
		uint64_t iova = 0x70000000 + p * PG;
		assert_true(atc_has(f, iova, c0));
		assert_true(atc_has(f, iova, c6));
		assert_int_equal(atc_has(f, iova, c5), p < 2);
	}
	assert_int_equal(ctr(f, "inval"), 1);
	assert_int_equal(ctr(f, "inval.entries"), 2);
	assert_int_equal(iommusim_endpoint_inval_pending(f->ep), 1);
}

static void inval_global_range(void **state)
{
	struct fx *f = *state;

	f->cfg.ats = true;
	make_ep(f);
	fill_12(f);
	/* Global with PASID 6: page 1 of every PASID, and the entries without PASID. */
	assert_int_equal(identity_iommu_ats_inval(&f->iommu, RID, true, 6, true, 0x70001000, PG,
						  4, 0), 0);
	assert_int_equal(iommusim_cache_count(iommusim_endpoint_atc(f->ep)), 9);
	for (unsigned p = 0; p < 4; p++) {
		uint64_t iova = 0x70000000 + p * PG;
		assert_int_equal(atc_has(f, iova, 0), p != 1);
		assert_int_equal(atc_has(f, iova, IOMMUSIM_ATC_CTX(true, 5, false)), p != 1);
		assert_int_equal(atc_has(f, iova, IOMMUSIM_ATC_CTX(true, 6, false)), p != 1);
	}
}

static void inval_without_pasid_covers_all(void **state)
{
	struct fx *f = *state;

	f->cfg.ats = true;
	make_ep(f);
	fill_12(f);
	/* No PASID: pages 0..1 of every context. */
	assert_int_equal(identity_iommu_ats_inval(&f->iommu, RID, false, 0, false, 0x70000000,
						  2 * PG, 1, 0), 0);
	assert_int_equal(iommusim_cache_count(iommusim_endpoint_atc(f->ep)), 6);
	assert_false(atc_has(f, 0x70001000, IOMMUSIM_ATC_CTX(true, 5, false)));
	assert_true(atc_has(f, 0x70002000, IOMMUSIM_ATC_CTX(true, 5, false)));
	assert_int_equal(identity_iommu_ats_inval(&f->iommu, RID, false, 0, false, 0x70000000,
						  4 * PG, 2, 0), 0);
	assert_int_equal(iommusim_cache_count(iommusim_endpoint_atc(f->ep)), 0);
	/* A range that covers nothing cached drops nothing but is still answered. */
	assert_int_equal(identity_iommu_ats_inval(&f->iommu, RID, false, 0, false, 0x80000000,
						  PG, 3, 0), 0);
	assert_int_equal(ctr(f, "inval.entries"), 12);
	assert_int_equal(iommusim_endpoint_inval_pending(f->ep), 3);
	run_all(f);
	assert_int_equal(identity_iommu_cpl_count(&f->iommu), 3);
	assert_int_equal(iommusim_endpoint_inval_pending(f->ep), 0);
}

static void inval_of_everything(void **state)
{
	struct fx *f = *state;
	uint8_t b[8];
	iommusim_dma_result_t r;

	f->cfg.ats = true;
	icfg(f)->offset = 0;
	make_ep(f);
	assert_int_equal(dma(f, false, 0x1000, b, 8, 0, &r), 0);
	assert_int_equal(dma_pasid(f, false, 0x7fffffffffff0000ull, b, 8, 1, 0, &r), 0);
	assert_int_equal(dma(f, false, 0xfffffffffffff000ull, b, 8, 0, &r), 0);
	assert_int_equal(iommusim_cache_count(iommusim_endpoint_atc(f->ep)), 3);
	/* 2^63 at 0: the largest size a message holds stands for the whole space. */
	assert_int_equal(identity_iommu_ats_inval(&f->iommu, RID, false, 0, false, 0, 1ull << 63,
						  0, 0), 0);
	assert_int_equal(iommusim_cache_count(iommusim_endpoint_atc(f->ep)), 0);
	assert_int_equal(ctr(f, "inval.entries"), 3);
}

static void inval_completion_after_delay(void **state)
{
	struct fx *f = *state;
	const identity_iommu_cpl_t *c;
	uint8_t b[8];
	iommusim_dma_result_t r;

	f->cfg.ats = true;
	make_ep(f);
	assert_int_equal(dma(f, false, 0x1000, b, 8, 0, &r), 0);
	assert_int_equal(identity_iommu_ats_inval(&f->iommu, RID, false, 0, false, 0x1000, PG, 17,
						  NS(1000)), 0);
	/* The entry is gone at once; the completion leaves at 1000 + L + delay. */
	assert_int_equal(iommusim_cache_count(iommusim_endpoint_atc(f->ep)), 0);
	assert_int_equal(iommusim_endpoint_inval_pending(f->ep), 1);
	assert_true(iommusim_sched_run_until(f->sched, NS(1000 + L_NS + DELAY_NS) - 1) >= 0);
	assert_int_equal(identity_iommu_cpl_count(&f->iommu), 0);
	assert_int_equal(iommusim_endpoint_inval_pending(f->ep), 1);
	assert_int_equal(iommusim_sched_run_until(f->sched, NS(1000 + L_NS + DELAY_NS)), 1);
	assert_int_equal(identity_iommu_cpl_count(&f->iommu), 1);
	c = identity_iommu_cpl(&f->iommu, 0);
	assert_int_equal(c->itag, 17);
	assert_int_equal(c->rid, RID);
	assert_int_equal(c->time, NS(1000 + L_NS + DELAY_NS + L_NS));
	assert_int_equal(iommusim_endpoint_inval_pending(f->ep), 0);
	assert_int_equal(ctr(f, "inval.cpl"), 1);
	assert_int_equal(ctr(f, "inval.cpl_err"), 0);
}

static void inval_completions_keep_their_tags(void **state)
{
	struct fx *f = *state;

	f->cfg.ats = true;
	f->cfg.inval_delay = 0;
	make_ep(f);
	/* Sent out of time order: completions come back in arrival order, each with its tag. */
	assert_int_equal(identity_iommu_ats_inval(&f->iommu, RID, false, 0, false, 0, PG, 31,
						  NS(500)), 0);
	assert_int_equal(identity_iommu_ats_inval(&f->iommu, RID, true, 9, false, 0, PG, 0,
						  NS(200)), 0);
	run_all(f);
	assert_int_equal(identity_iommu_cpl_count(&f->iommu), 2);
	assert_int_equal(identity_iommu_cpl(&f->iommu, 0)->itag, 0);
	assert_int_equal(identity_iommu_cpl(&f->iommu, 0)->time, NS(200 + 2 * L_NS));
	assert_int_equal(identity_iommu_cpl(&f->iommu, 1)->itag, 31);
	assert_int_equal(identity_iommu_cpl(&f->iommu, 1)->time, NS(500 + 2 * L_NS));
}

static void inval_never_answered(void **state)
{
	struct fx *f = *state;
	uint8_t b[8];
	iommusim_dma_result_t r;

	f->cfg.ats = true;
	f->cfg.inval_never = true;
	make_ep(f);
	assert_int_equal(dma(f, false, 0x1000, b, 8, 0, &r), 0);
	assert_int_equal(identity_iommu_ats_inval(&f->iommu, RID, false, 0, false, 0x1000, PG, 1,
						  0), 0);
	assert_int_equal(identity_iommu_ats_inval(&f->iommu, RID, false, 0, false, 0x2000, PG, 2,
						  0), 0);
	/* Still invalidated: only the answer is missing. */
	assert_int_equal(iommusim_cache_count(iommusim_endpoint_atc(f->ep)), 0);
	run_all(f);
	assert_int_equal(identity_iommu_cpl_count(&f->iommu), 0);
	assert_int_equal(iommusim_endpoint_inval_pending(f->ep), 2);
	assert_int_equal(ctr(f, "inval"), 2);
	assert_int_equal(ctr(f, "inval.cpl"), 0);
}

/* ---- PRI --------------------------------------------------------------------------------- */

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
	const iommusim_time_t hit_r = NS(A_NS + L_NS + X_NS + L_NS + L_NS + T_NS + MR_NS + L_NS);

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
	assert_int_equal(f->last.done, ats_back + NS(2 * L_NS) + hit_r);

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

static void pending_work_dropped_on_destroy(void **state)
{
	struct fx *f = *state;
	uint8_t b[8];
	iommusim_dma_result_t r;

	f->cfg.ats = true;
	f->cfg.pri = true;
	icfg(f)->np_lo = 0x5000;
	icfg(f)->np_hi = 0x7000;
	make_ep(f);
	/* DMA 1's response reaches the device at 245 + L + P + L = 1445 ns; DMA 2's page
	 * request is answered by the IOMMU at 2000 + 245 + L + P = 3345 ns. */
	assert_int_equal(dma(f, false, 0x5000, b, 8, 0, &r), 0);
	assert_int_equal(dma(f, false, 0x6000, b, 8, NS(2000), &r), 0);
	assert_int_equal(identity_iommu_ats_inval(&f->iommu, RID, false, 0, false, 0, PG, 1, 0), 0);
	/* Stop with DMA 1 between response and retry, DMA 2 waiting, the completion due. */
	assert_int_equal(iommusim_sched_run_until(f->sched, NS(1400)), 1);
	assert_int_equal(iommusim_endpoint_dma_pending(f->ep), 2);
	assert_int_equal(iommusim_endpoint_inval_pending(f->ep), 1);
	assert_int_equal(iommusim_sched_pending(f->sched), 3);
	iommusim_endpoint_destroy(f->ep);
	f->ep = NULL;
	/* The endpoint's events are gone; the IOMMU's response still runs and finds no device. */
	assert_int_equal(iommusim_sched_pending(f->sched), 1);
	run_all(f);
	assert_int_equal(identity_iommu_prg_responses(&f->iommu), 2);
	assert_int_equal(f->ncomplete, 0);
}

/* ---- bad input --------------------------------------------------------------------------- */

static void bad_dma_arguments(void **state)
{
	struct fx *f = *state;
	uint8_t b[16];
	iommusim_dma_result_t r;
	iommusim_dma_t d = { .iova = 0x1000, .len = 16, .buf = b };

	f->cfg.pasid_bits = 4;
	make_ep(f);
	assert_int_equal(dma(f, false, 0x1000, b, 0, 0, &r), -EINVAL);
	assert_int_equal(dma(f, false, 0x1000, NULL, 16, 0, &r), -EINVAL);
	assert_int_equal(dma(f, false, UINT64_MAX - 10, b, 12, 0, &r), -EINVAL);
	assert_int_equal(dma(f, false, UINT64_MAX, b, 2, 0, &r), -EINVAL);
	assert_int_equal(dma_pasid(f, false, 0x1000, b, 16, 16, 0, &r), -EINVAL);   /* > 4 bits */
	assert_int_equal(dma_pasid(f, false, 0x1000, b, 16, 15, 0, &r), 0);
	assert_int_equal(iommusim_endpoint_dma(NULL, &d, 0, &r), -EINVAL);
	assert_int_equal(iommusim_endpoint_dma(f->ep, NULL, 0, &r), -EINVAL);
	assert_int_equal(iommusim_endpoint_dma(f->ep, &d, 0, NULL), -EINVAL);
	/* Nothing was sent for the refused ones. */
	assert_int_equal(identity_iommu_requests(&f->iommu, IOMMUSIM_REQ_UNTRANSLATED), 1);
	assert_int_equal(ctr(f, "dma"), 1);
	/* ATS entry point without ATS. */
	iommusim_xlate_resp_t resp;
	assert_int_equal(iommusim_endpoint_ats_translate(f->ep, 0, false, 0, IOMMUSIM_ACC_READ, 0,
							 &resp), -EINVAL);
}

static void no_pasid_capability(void **state)
{
	struct fx *f = *state;
	uint8_t b[16];
	iommusim_dma_result_t r;
	iommusim_xlate_resp_t resp;

	f->cfg.pasid_bits = 0;
	f->cfg.ats = true;
	make_ep(f);
	assert_int_equal(dma_pasid(f, false, 0x1000, b, 16, 0, 0, &r), -EINVAL);
	assert_int_equal(iommusim_endpoint_ats_translate(f->ep, 0, true, 1, IOMMUSIM_ACC_READ, 0,
							 &resp), -EINVAL);
	assert_int_equal(iommusim_endpoint_ats_translate(f->ep, 0, false, 0, 1u << 7, 0, &resp),
			 -EINVAL);
	assert_int_equal(iommusim_endpoint_ats_translate(f->ep, 0, false, 0, IOMMUSIM_ACC_READ, 0,
							 NULL), -EINVAL);
	assert_int_equal(identity_iommu_requests(&f->iommu, IOMMUSIM_REQ_ATS_TRANSLATE), 0);
}

static void bad_messages(void **state)
{
	struct fx *f = *state;
	iommusim_dev_msg_t m = { .kind = IOMMUSIM_MSG_ATS_INVAL_REQ, .rid = RID, .addr = 0x4000,
				 .size = PG, .itag = 1 };

	f->cfg.ats = true;
	make_ep(f);
	assert_int_equal(iommusim_endpoint_receive(f->ep, &m), 0);
	m.rid = RID + 1;
	assert_int_equal(iommusim_endpoint_receive(f->ep, &m), -EINVAL);
	m.rid = RID;
	m.itag = 32;
	assert_int_equal(iommusim_endpoint_receive(f->ep, &m), -EINVAL);
	m.itag = 1;
	m.size = 3 * PG;
	assert_int_equal(iommusim_endpoint_receive(f->ep, &m), -EINVAL);
	m.size = 0;
	assert_int_equal(iommusim_endpoint_receive(f->ep, &m), -EINVAL);
	m.size = 0x8000;   /* 32 KiB range not aligned to 32 KiB */
	assert_int_equal(iommusim_endpoint_receive(f->ep, &m), -EINVAL);
	m.size = PG;
	m.pasid_valid = true;
	m.pasid = 1u << 20;
	assert_int_equal(iommusim_endpoint_receive(f->ep, &m), -EINVAL);
	m.pasid_valid = false;
	m.kind = IOMMUSIM_MSG_PAGE_REQ;   /* a device never receives these */
	assert_int_equal(iommusim_endpoint_receive(f->ep, &m), -EINVAL);
	m.kind = IOMMUSIM_MSG_ATS_INVAL_CPL;
	assert_int_equal(iommusim_endpoint_receive(f->ep, &m), -EINVAL);
	m.kind = (iommusim_msg_kind_t)99;
	assert_int_equal(iommusim_endpoint_receive(f->ep, &m), -EINVAL);
	m.kind = IOMMUSIM_MSG_PRG_RESP;
	m.prg_index = 512;
	assert_int_equal(iommusim_endpoint_receive(f->ep, &m), -EINVAL);
	assert_int_equal(iommusim_endpoint_receive(f->ep, NULL), -EINVAL);
	assert_int_equal(iommusim_endpoint_receive(NULL, &m), -EINVAL);
	/* Only the first, good request counted and awaits its completion. */
	assert_int_equal(ctr(f, "inval"), 1);
	assert_int_equal(iommusim_endpoint_inval_pending(f->ep), 1);
	assert_int_equal(ctr(f, "prg_resp"), 0);
}

static void bad_create(void **state)
{
	struct fx *f = *state;
	iommusim_error_t err = { 0 };
	iommusim_endpoint_cfg_t c = f->cfg;
	iommusim_model_t none = { 0 };

	assert_null(iommusim_endpoint_create(&c, "x", NULL, &f->port, f->sched, f->stats, &err));
	assert_int_equal(err.code, -EINVAL);
	assert_null(iommusim_endpoint_create(&c, "x", &none, &f->port, f->sched, f->stats, &err));
	assert_null(iommusim_endpoint_create(&c, "x", &f->iommu, NULL, f->sched, f->stats, &err));
	assert_non_null(strstr(err.msg, "memory port"));
	assert_null(iommusim_endpoint_create(&c, "x", &f->iommu, &f->port, NULL, f->stats, &err));
	assert_non_null(strstr(err.msg, "scheduler"));
	assert_null(iommusim_endpoint_create(NULL, "x", &f->iommu, &f->port, f->sched, f->stats,
					     &err));
	c.pasid_bits = 21;
	assert_null(iommusim_endpoint_create(&c, "x", &f->iommu, &f->port, f->sched, f->stats,
					     &err));
	assert_non_null(strstr(err.msg, "pasid_bits"));
	c.pasid_bits = 20;
	c.max_pri_retries = 0;
	assert_null(iommusim_endpoint_create(&c, "x", &f->iommu, &f->port, f->sched, f->stats,
					     &err));
	assert_non_null(strstr(err.msg, "max_pri_retries"));
	c.max_pri_retries = 1;
	c.ats = true;
	c.atc_sets = 3;
	err.code = 0;
	assert_null(iommusim_endpoint_create(&c, "x", &f->iommu, &f->port, f->sched, f->stats,
					     &err));
	assert_int_equal(err.code, -EINVAL);
	assert_non_null(strstr(err.msg, "endpoint.atc_sets=3"));
	c.atc_sets = 4;
	c.atc_ways = 3;
	c.atc_repl = IOMMUSIM_REPL_TREE_PLRU;   /* needs a power of two */
	assert_null(iommusim_endpoint_create(&c, "x", &f->iommu, &f->port, f->sched, f->stats,
					     &err));
	/* Without ATS the ATC geometry is not used. */
	c.ats = false;
	iommusim_endpoint_t *ep = iommusim_endpoint_create(&c, NULL, &f->iommu, &f->port, f->sched,
							   NULL, NULL);
	assert_non_null(ep);
	assert_null(iommusim_endpoint_atc(ep));
	iommusim_endpoint_destroy(ep);
	iommusim_endpoint_destroy(NULL);
	/* NULL-tolerant accessors. */
	assert_null(iommusim_endpoint_atc(NULL));
	assert_int_equal(iommusim_endpoint_inval_pending(NULL), 0);
	assert_int_equal(iommusim_endpoint_dma_pending(NULL), 0);
}

static void works_without_stats(void **state)
{
	struct fx *f = *state;
	uint8_t b[8] = { 0 };
	iommusim_dma_result_t r;

	f->cfg.ats = true;
	f->ep = iommusim_endpoint_create(&f->cfg, "quiet", &f->iommu, &f->port, f->sched, NULL,
					 NULL);
	assert_non_null(f->ep);
	assert_int_equal(dma(f, true, 0x1000, b, 8, 0, &r), 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_OK);
	assert_int_equal(dma(f, true, 0x1000, b, 8, 0, &r), 0);
	assert_int_equal(r.atc_hits, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(defaults_and_params, setup, teardown),
		cmocka_unit_test_setup_teardown(atc_geometry_from_cfg, setup, teardown),
		cmocka_unit_test_setup_teardown(write_then_read_back, setup, teardown),
		cmocka_unit_test_setup_teardown(access_bits_reach_the_iommu, setup, teardown),
		cmocka_unit_test_setup_teardown(dma_crossing_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(fault_mid_dma, setup, teardown),
		cmocka_unit_test_setup_teardown(memory_error, setup, teardown),
		cmocka_unit_test_setup_teardown(ats_miss_then_hit, setup, teardown),
		cmocka_unit_test_setup_teardown(ats_requests_are_page_aligned, setup, teardown),
		cmocka_unit_test_setup_teardown(atc_is_per_pasid, setup, teardown),
		cmocka_unit_test_setup_teardown(large_page_entry_covers_neighbours, setup, teardown),
		cmocka_unit_test_setup_teardown(atc_eviction, setup, teardown),
		cmocka_unit_test_setup_teardown(untranslated_only_answers_are_not_cached, setup,
						teardown),
		cmocka_unit_test_setup_teardown(translated_request_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(ats_fault_and_not_present_without_pri, setup,
						teardown),
		cmocka_unit_test_setup_teardown(ats_translate_entry_point, setup, teardown),
		cmocka_unit_test_setup_teardown(missing_permission, setup, teardown),
		cmocka_unit_test_setup_teardown(permission_upgrade_through_pri, setup, teardown),
		cmocka_unit_test_setup_teardown(inval_pasid_range, setup, teardown),
		cmocka_unit_test_setup_teardown(inval_global_range, setup, teardown),
		cmocka_unit_test_setup_teardown(inval_without_pasid_covers_all, setup, teardown),
		cmocka_unit_test_setup_teardown(inval_of_everything, setup, teardown),
		cmocka_unit_test_setup_teardown(inval_completion_after_delay, setup, teardown),
		cmocka_unit_test_setup_teardown(inval_completions_keep_their_tags, setup, teardown),
		cmocka_unit_test_setup_teardown(inval_never_answered, setup, teardown),
		cmocka_unit_test_setup_teardown(pri_pending_response_retry, setup, teardown),
		cmocka_unit_test_setup_teardown(pri_with_pasid_and_several_dmas, setup, teardown),
		cmocka_unit_test_setup_teardown(pri_answered_from_inside_the_request, setup,
						teardown),
		cmocka_unit_test_setup_teardown(pri_failure_response, setup, teardown),
		cmocka_unit_test_setup_teardown(pri_retries_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(pri_retry_budget_is_per_page, setup, teardown),
		cmocka_unit_test_setup_teardown(unexpected_and_manual_responses, setup, teardown),
		cmocka_unit_test_setup_teardown(pending_work_dropped_on_destroy, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_dma_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(no_pasid_capability, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_messages, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_create, setup, teardown),
		cmocka_unit_test_setup_teardown(works_without_stats, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
