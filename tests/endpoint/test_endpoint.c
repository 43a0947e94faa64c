/* SPDX-License-Identifier: MIT */
/*
 * Endpoint tests (models/endpoint/endpoint.c): parameters, creation, messages from the IOMMU,
 * ATS invalidation and its completion, and tear-down with work in flight.
 * Fixture and the hand-computed timing constants: ep_fixture.h.
 */
#include "tests/support/test.h"

#include "tests/endpoint/ep_fixture.h"

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
		cmocka_unit_test_setup_teardown(inval_pasid_range, setup, teardown),
		cmocka_unit_test_setup_teardown(inval_global_range, setup, teardown),
		cmocka_unit_test_setup_teardown(inval_without_pasid_covers_all, setup, teardown),
		cmocka_unit_test_setup_teardown(inval_of_everything, setup, teardown),
		cmocka_unit_test_setup_teardown(inval_completion_after_delay, setup, teardown),
		cmocka_unit_test_setup_teardown(inval_completions_keep_their_tags, setup, teardown),
		cmocka_unit_test_setup_teardown(inval_never_answered, setup, teardown),
		cmocka_unit_test_setup_teardown(pending_work_dropped_on_destroy, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_messages, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_create, setup, teardown),
		cmocka_unit_test_setup_teardown(works_without_stats, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
