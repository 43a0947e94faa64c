/* SPDX-License-Identifier: MIT */
/*
 * VT-d driver: the flush scope knob (drv.vtd.inval_scope) and the flush queue's own
 * statistics. Which descriptor an unmap's flush and a flush-queue flush post at each scope
 * (read back from the invalidation queue in memory, counted by the driver and by the model),
 * what a global flush costs other domains (their cached translations go), and the time of a
 * flush-queue flush worked out by hand from pinned parameters (fq.flush, fq.flush_cycles,
 * fq.flush_entries).
 */
#include "tests/drivers/vtd_drv_fixture.h"

#define RW (DRV_PROT_READ | DRV_PROT_WRITE)

/* qw0 fields of the IOTLB (type 2) and PASID-based IOTLB (type 6) descriptors (6.5.2.3,
 * 6.5.2.4): granularity G[5:4], DID[31:16]. */
#define Q_G(q)   (((q)[0] >> 4) & 3)
#define Q_DID(q) (((q)[0] >> 16) & 0xffff)

/* Two devices, each in its own paging domain (so two domain IDs). */
struct two {
	fx_t f;
	pci_dev_t *d[2];
	drv_domain_t *dom[2];
	unsigned did[2];
};

static void setup(struct two *t, const char *const *kv, bool ats)
{
	fx_init(&t->f, kv);
	for (int i = 0; i < 2; i++) {
		vtd_drv_domain_info_t info;

		t->d[i] = fx_dev(&t->f, 5 + (unsigned)i, ats, false, 0);
		t->dom[i] = fx_paging(&t->f, t->d[i], 0);
		fx_attach(&t->f, t->dom[i], t->d[i]);
		vtd_drv_domain_info(t->dom[i], &info);
		t->did[i] = (unsigned)info.did;
	}
	assert_int_not_equal(t->did[0], t->did[1]);
}

static void teardown(struct two *t)
{
	for (int i = 0; i < 2; i++) {
		assert_int_equal(t->f.ops->attach_blocked(t->f.iommu, t->d[i], &t->f.err), 0);
		t->dom[i]->ops->free(t->dom[i]);
	}
	fx_fini(&t->f);
	assert_int_equal(t->f.live, 0);
}

/* A histogram's sum: mean x count, rounded (the statistics API gives the mean). */
static uint64_t hsum(fx_t *f, const char *name)
{
	char c[96], m[96];

	snprintf(c, sizeof(c), "%s.count", name);
	snprintf(m, sizeof(m), "%s.mean", name);
	return (uint64_t)(fx_stat(f, c) * fx_stat(f, m) + 0.5);
}

static iommusim_dma_status_t rd(struct two *t, int i, uint64_t iova)
{
	uint8_t buf[8];

	return fx_dma(&t->f, t->d[i], false, iova, buf, sizeof(buf)).status;
}

/* ---- the unmap's flush at each scope ------------------------------------------------------ */

enum scope { AUTO, DOMAIN, GLOBAL };

struct seen {
	uint64_t iotlb[4];           /* the descriptor before the wait */
	double flush_global, flush_dsi, flush_psi, drv_iotlb, hw_iotlb, hw_piotlb;
	double other_hit, other_miss;   /* the other domain's DMA after the flush */
	unsigned did0;
};

/* Both devices use a page; device 0's domain unmaps its page; then device 1 reads its own
 * page again. */
static void unmap_one(const char *mode, enum scope sc, struct seen *s)
{
	static const char *const scopes[] = { "drv.vtd.inval_scope=auto",
					      "drv.vtd.inval_scope=domain",
					      "drv.vtd.inval_scope=global" };
	const char *kv[] = { scopes[sc], mode, NULL };
	struct two t;
	double g0, d0, p0, i0, hi0, hp0, h0, m0;

	setup(&t, kv, false);
	fx_map(&t.f, t.dom[0], 0x10000, FX_DATA_BASE, SZ_4K, 1, RW);
	fx_map(&t.f, t.dom[1], 0x10000, FX_DATA_BASE + SZ_4K, SZ_4K, 1, RW);
	assert_int_equal(rd(&t, 0, 0x10000), IOMMUSIM_DMA_OK);
	assert_int_equal(rd(&t, 1, 0x10000), IOMMUSIM_DMA_OK);
	g0 = fx_stat(&t.f, "drv.vtd.flush.global");
	d0 = fx_stat(&t.f, "drv.vtd.flush.dsi");
	p0 = fx_stat(&t.f, "drv.vtd.flush.psi");
	i0 = fx_stat(&t.f, "drv.vtd.qi.desc.iotlb");
	hi0 = fx_stat(&t.f, "vtd0.iq.desc.iotlb");
	hp0 = fx_stat(&t.f, "vtd0.iq.desc.piotlb");
	assert_int_equal(fx_unmap(&t.f, t.dom[0], 0x10000, SZ_4K), SZ_4K);
	fx_desc_back(&t.f, 2, s->iotlb);
	s->flush_global = fx_stat(&t.f, "drv.vtd.flush.global") - g0;
	s->flush_dsi = fx_stat(&t.f, "drv.vtd.flush.dsi") - d0;
	s->flush_psi = fx_stat(&t.f, "drv.vtd.flush.psi") - p0;
	s->drv_iotlb = fx_stat(&t.f, "drv.vtd.qi.desc.iotlb") - i0;
	s->hw_iotlb = fx_stat(&t.f, "vtd0.iq.desc.iotlb") - hi0;
	s->hw_piotlb = fx_stat(&t.f, "vtd0.iq.desc.piotlb") - hp0;
	s->did0 = t.did[0];
	/* whatever the scope, the unmapped page is gone */
	assert_int_equal(rd(&t, 0, 0x10000), IOMMUSIM_DMA_FAULT);
	h0 = fx_stat(&t.f, "vtd0.iotlb.hit");
	m0 = fx_stat(&t.f, "vtd0.iotlb.miss");
	assert_int_equal(rd(&t, 1, 0x10000), IOMMUSIM_DMA_OK);
	s->other_hit = fx_stat(&t.f, "vtd0.iotlb.hit") - h0;
	s->other_miss = fx_stat(&t.f, "vtd0.iotlb.miss") - m0;
	assert_int_equal(fx_unmap(&t.f, t.dom[1], 0x10000, SZ_4K), SZ_4K);
	teardown(&t);
}

/* Scalable mode, first-level tables (the defaults). */
static void t_scope_scalable(void **state)
{
	const char *mode = "drv.vtd.mode=scalable";
	struct seen s;

	(void)state;
	/* auto: page-selective within PASID 0 (type 6, G = 3); the other domain's entry
	 * survives (one IOTLB hit, no miss) */
	unmap_one(mode, AUTO, &s);
	assert_int_equal(fx_desc_type(s.iotlb), 6);
	assert_int_equal(Q_G(s.iotlb), 3);
	assert_int_equal(s.flush_psi, 1);
	assert_int_equal(s.flush_dsi + s.flush_global, 0);
	assert_int_equal(s.other_hit, 1);
	assert_int_equal(s.other_miss, 0);

	/* domain: even one page is PASID-selective (type 6, G = 2, the domain's DID); the
	 * other domain's entry survives */
	unmap_one(mode, DOMAIN, &s);
	assert_int_equal(fx_desc_type(s.iotlb), 6);
	assert_int_equal(Q_G(s.iotlb), 2);
	assert_int_equal(Q_DID(s.iotlb), s.did0);
	assert_int_equal(s.iotlb[1], 0);
	assert_int_equal(s.flush_dsi, 1);
	assert_int_equal(s.flush_psi + s.flush_global, 0);
	assert_int_equal(s.hw_piotlb, 1);
	assert_int_equal(s.other_hit, 1);
	assert_int_equal(s.other_miss, 0);

	/* global: the PASID-based descriptor has no global granularity, so an IOTLB
	 * invalidation (type 2) with G = 01b and no DID, counted as such by the driver and
	 * processed as such by the model; the other domain's entry is gone (one miss) */
	unmap_one(mode, GLOBAL, &s);
	assert_int_equal(fx_desc_type(s.iotlb), 2);
	assert_int_equal(Q_G(s.iotlb), 1);
	assert_int_equal(Q_DID(s.iotlb), 0);
	assert_int_equal(s.iotlb[1], 0);
	assert_int_equal(s.flush_global, 1);
	assert_int_equal(s.flush_psi + s.flush_dsi, 0);
	assert_int_equal(s.drv_iotlb, 1);
	assert_int_equal(s.hw_iotlb, 1);
	assert_int_equal(s.hw_piotlb, 0);
	assert_int_equal(s.other_hit, 0);
	assert_int_equal(s.other_miss, 1);
}

/* Legacy mode (second-level tables, IOTLB descriptors only). */
static void t_scope_legacy(void **state)
{
	const char *mode = "drv.vtd.mode=legacy";
	struct seen s;

	(void)state;
	unmap_one(mode, AUTO, &s);
	assert_int_equal(fx_desc_type(s.iotlb), 2);
	assert_int_equal(Q_G(s.iotlb), 3);
	assert_int_equal(s.iotlb[1], 0x10000);       /* page-selective, AM 0 */
	assert_int_equal(s.other_hit, 1);

	/* domain-selective (G = 2) with the domain's DID, no address */
	unmap_one(mode, DOMAIN, &s);
	assert_int_equal(fx_desc_type(s.iotlb), 2);
	assert_int_equal(Q_G(s.iotlb), 2);
	assert_int_equal(Q_DID(s.iotlb), s.did0);
	assert_int_equal(s.iotlb[1], 0);
	assert_int_equal(s.flush_dsi, 1);
	assert_int_equal(s.other_hit, 1);
	assert_int_equal(s.other_miss, 0);

	/* global (G = 01b): the other domain's entry goes too */
	unmap_one(mode, GLOBAL, &s);
	assert_int_equal(fx_desc_type(s.iotlb), 2);
	assert_int_equal(Q_G(s.iotlb), 1);
	assert_int_equal(s.flush_global, 1);
	assert_int_equal(s.hw_iotlb, 1);
	assert_int_equal(s.other_hit, 0);
	assert_int_equal(s.other_miss, 1);
}

/* An ATS device: domain scope keeps the device-TLB invalidation to the unmapped page;
 * global invalidates every address of the device TLB (cache_tag_flush_devtlb_all). */
static void t_scope_devtlb(void **state)
{
	static const char *const dom_kv[] = { "drv.vtd.inval_scope=domain", NULL };
	static const char *const glob_kv[] = { "drv.vtd.inval_scope=global", NULL };
	const char *const *sets[2] = { dom_kv, glob_kv };

	(void)state;
	for (int i = 0; i < 2; i++) {
		struct two t;
		uint64_t q[4];
		double e0, w0;

		setup(&t, sets[i], true);
		fx_map(&t.f, t.dom[0], 0x10000, FX_DATA_BASE, SZ_4K, 1, RW);
		assert_int_equal(rd(&t, 0, 0x10000), IOMMUSIM_DMA_OK);
		e0 = fx_stat(&t.f, "0000:00:05.0.inval");
		w0 = fx_stat(&t.f, "vtd0.iq.desc.wait");
		assert_int_equal(fx_unmap(&t.f, t.dom[0], 0x10000, SZ_4K), SZ_4K);
		/* batched: IOTLB descriptor, device-TLB descriptor, one wait */
		assert_int_equal(fx_stat(&t.f, "vtd0.iq.desc.wait"), w0 + 1);
		fx_desc_back(&t.f, 3, q);
		assert_int_equal(fx_desc_type(q), i == 0 ? 6 : 2);
		assert_int_equal(Q_G(q), i == 0 ? 2 : 1);
		fx_desc_back(&t.f, 2, q);
		assert_int_equal(fx_desc_type(q), 3);
		assert_int_equal((q[0] >> 32) & 0xffff, t.d[0]->rid);
		/* domain: the page, S = 0; global: S = 1 and address bits 62:12 set */
		assert_int_equal(q[1], i == 0 ? 0x10000 : 0x7ffffffffffff001ull);
		/* the invalidation reached the device */
		assert_int_equal(fx_stat(&t.f, "0000:00:05.0.inval"), e0 + 1);
		assert_int_equal(rd(&t, 0, 0x10000), IOMMUSIM_DMA_FAULT);
		teardown(&t);
	}
}

/* ---- the flush queue ---------------------------------------------------------------------- */

/* The flush queue's flush follows the scope: auto and domain PASID-selective, global the
 * global IOTLB invalidation (and the other domain's entry goes with it). */
static void t_scope_deferred(void **state)
{
	(void)state;
	for (int sc = AUTO; sc <= GLOBAL; sc++) {
		static const char *const scopes[] = { "drv.vtd.inval_scope=auto",
						      "drv.vtd.inval_scope=domain",
						      "drv.vtd.inval_scope=global" };
		const char *kv[] = { "drv.vtd.flush=deferred", "drv.vtd.fq_size=2", scopes[sc],
				     NULL };
		struct two t;
		uint64_t q[4];
		double m0;

		setup(&t, kv, false);
		fx_map(&t.f, t.dom[0], 0x10000, FX_DATA_BASE, SZ_4K, 2, RW);
		fx_map(&t.f, t.dom[1], 0x10000, FX_DATA_BASE + 2 * SZ_4K, SZ_4K, 1, RW);
		assert_int_equal(rd(&t, 0, 0x10000), IOMMUSIM_DMA_OK);
		assert_int_equal(rd(&t, 1, 0x10000), IOMMUSIM_DMA_OK);
		assert_int_equal(fx_unmap(&t.f, t.dom[0], 0x10000, SZ_4K), SZ_4K);
		assert_int_equal(fx_stat(&t.f, "drv.vtd.flush.deferred"), 0);
		assert_int_equal(fx_unmap(&t.f, t.dom[0], 0x11000, SZ_4K), SZ_4K);
		assert_int_equal(fx_stat(&t.f, "drv.vtd.flush.deferred"), 1);
		fx_desc_back(&t.f, 2, q);
		if (sc == GLOBAL) {
			assert_int_equal(fx_desc_type(q), 2);
			assert_int_equal(Q_G(q), 1);
			assert_int_equal(fx_stat(&t.f, "drv.vtd.flush.global"), 1);
			assert_int_equal(fx_stat(&t.f, "drv.vtd.flush.dsi"), 0);
		} else {
			assert_int_equal(fx_desc_type(q), 6);
			assert_int_equal(Q_G(q), 2);
			assert_int_equal(Q_DID(q), t.did[0]);
			assert_int_equal(fx_stat(&t.f, "drv.vtd.flush.global"), 0);
			assert_int_equal(fx_stat(&t.f, "drv.vtd.flush.dsi"), 1);
		}
		/* one flush of two entries */
		assert_int_equal(fx_stat(&t.f, "drv.vtd.fq.flush_entries.count"), 1);
		assert_int_equal(fx_stat(&t.f, "drv.vtd.fq.flush_entries.mean"), 2);
		m0 = fx_stat(&t.f, "vtd0.iotlb.miss");
		assert_int_equal(rd(&t, 1, 0x10000), IOMMUSIM_DMA_OK);
		assert_int_equal(fx_stat(&t.f, "vtd0.iotlb.miss") - m0, sc == GLOBAL ? 1 : 0);
		assert_int_equal(fx_unmap(&t.f, t.dom[1], 0x10000, SZ_4K), SZ_4K);
		teardown(&t);
	}
}

/* The time of one flush-queue flush, by hand (the mechanism of docs/calibration.md "Row 1",
 * which t_sync_wait_timeline in test_vtd_drv_flush.c checks for a strict flush). The CPU
 * builds the IOTLB descriptor and the wait (2 x desc) and writes IQT (mmio_w); the IOMMU
 * fetches both in one 64-byte read (fetch + mem_rd), processes the IOTLB descriptor (decode +
 * type cost + the scan) and the wait (decode + wait), whose status write lands mem_wr later.
 * The CPU looks at the status word at the IQT write and then every FSTS read + cpu_relax.
 *   - PASID-selective (auto): type 6, 40 cycles; it scans the IOTLB (64 x 4) and the
 *     first-level paging-structure cache (8 x 4): 288 entries at 4 per cycle = 72;
 *   - global: type 2, 40 cycles (no drain: the model advertises no CAP.DRD/DWD); it scans
 *     the IOTLB and both paging-structure caches: 320 entries = 80.
 * At the default memory write latency (100) the landings are 450 and 458 ns after the start,
 * both between the looks at 400 and 680: 680 ns. At 45 they are 395 and 403: the
 * PASID-selective flush is seen at 400, the global one at 680. */
static void t_fq_flush_timeline(void **state)
{
	static const char *const wr[2] = { "mem.write_latency_ns=100", "mem.write_latency_ns=45" };
	static const char *const scopes[2] = { "drv.vtd.inval_scope=auto",
					       "drv.vtd.inval_scope=global" };
	const uint64_t desc = 10, mmio_w = 100, mmio_r = 270, relax = 10, mem_rd = 100;
	const uint64_t fetch = 4, decode = 2, inv = 40, wait = 10;
	const uint64_t iotlb = 64 * 4, pwc_fl = 8 * 4, pwc_sl = 8 * 4;
	const uint64_t mem_wr[2] = { 100, 45 };

	(void)state;
	for (unsigned i = 0; i < 2; i++) {
		for (unsigned g = 0; g < 2; g++) {
			const char *kv[] = {
				"drv.vtd.flush=deferred", "drv.vtd.fq_size=4", scopes[g],
				"drv.vtd.cost.desc_ns=10", "drv.vtd.cost.mmio_write_ns=100",
				"drv.vtd.cost.mmio_read_ns=270", "drv.vtd.qi.poll_ns=10",
				"mem.read_latency_ns=100", wr[i], "vtd.clock_mhz=1000",
				"vtd.iq.fetch_cycles=4", "vtd.iq.fetch_bytes=64",
				"vtd.iq.decode_cycles=2", "vtd.iq.piotlb_cycles=40",
				"vtd.iq.iotlb_cycles=40", "vtd.iq.wait_cycles=10",
				"vtd.iq.scan_entries_per_cycle=4", "vtd.iotlb.sets=64",
				"vtd.iotlb.ways=4", "vtd.pwc_fl.sets=8", "vtd.pwc_fl.ways=4",
				"vtd.pwc_sl.sets=8", "vtd.pwc_sl.ways=4", "drv.vtd.cpu_mhz=3100",
				NULL };
			uint64_t scanned = g ? iotlb + pwc_fl + pwc_sl : iotlb + pwc_fl;
			uint64_t post = 2 * desc + mmio_w, land, look = post;
			uint64_t expect[2][2] = { { 680, 680 }, { 400, 680 } };
			uint64_t c0;
			double n0;
			struct two t;

			land = post + fetch + mem_rd + decode + inv + scanned / 4 + decode + wait +
			       mem_wr[i];
			while (look < land)
				look += mmio_r + relax;
			/* the arithmetic above, spelled out in the comment */
			assert_int_equal(look, expect[i][g]);

			setup(&t, kv, false);
			fx_map(&t.f, t.dom[0], 0x10000, FX_DATA_BASE, SZ_4K, 4, RW);
			for (int k = 0; k < 3; k++)
				assert_int_equal(fx_unmap(&t.f, t.dom[0], 0x10000 + k * SZ_4K,
							  SZ_4K), SZ_4K);
			/* the premise of one fetch: the flush starts a 64-byte block */
			assert_int_equal((fx_reg(&t.f, R_IQT, 8) >> 5) % 2, 0);
			c0 = hsum(&t.f, "drv.vtd.qi.sync_cycles");
			n0 = fx_stat(&t.f, "drv.vtd.qi.sync_cycles.count");
			assert_int_equal(fx_stat(&t.f, "drv.vtd.fq.flush.count"), 0);
			assert_int_equal(fx_unmap(&t.f, t.dom[0], 0x13000, SZ_4K), SZ_4K);
			assert_int_equal(fx_stat(&t.f, "drv.vtd.fq.flush.count"), 1);
			assert_int_equal(fx_stat(&t.f, "drv.vtd.fq.flush.mean"),
					 iommusim_time_from_ns(look));
			/* ps x MHz / 10^6, rounded */
			assert_int_equal(fx_stat(&t.f, "drv.vtd.fq.flush_cycles.mean"),
					 (look * 3100 + 500) / 1000);
			assert_int_equal(fx_stat(&t.f, "drv.vtd.fq.flush_entries.mean"), 4);
			/* one synchronous submit, whose entry-to-return span is the flush */
			assert_int_equal(fx_stat(&t.f, "drv.vtd.qi.sync_cycles.count"), n0 + 1);
			assert_int_equal(hsum(&t.f, "drv.vtd.qi.sync_cycles") - c0,
					 hsum(&t.f, "drv.vtd.fq.flush_cycles"));
			/* the flush is not an unmap's own flush */
			assert_int_equal(fx_stat(&t.f, "drv.vtd.unmap.inval.count"), 0);
			teardown(&t);
		}
	}
}

/* Over flushes at the queue size, at the timer and at teardown: one sample per flush, and
 * the entries add up to the unmaps queued. */
static void t_fq_flush_entries(void **state)
{
	static const char *const kv[] = { "drv.vtd.flush=deferred", "drv.vtd.fq_size=3",
					  "drv.vtd.fq_timeout_ns=1000000", NULL };
	struct two t;

	(void)state;
	setup(&t, kv, false);
	fx_map(&t.f, t.dom[0], 0x10000, FX_DATA_BASE, SZ_4K, 8, RW);
	/* 3 (full), 3 (full), then 1 left for the timer: 7 unmaps in 3 flushes */
	for (int k = 0; k < 7; k++)
		assert_int_equal(fx_unmap(&t.f, t.dom[0], 0x10000 + k * SZ_4K, SZ_4K), SZ_4K);
	assert_int_equal(fx_stat(&t.f, "drv.vtd.fq.flush_entries.count"), 2);
	fx_advance(&t.f, iommusim_time_from_ns(1100000));
	assert_int_equal(fx_stat(&t.f, "drv.vtd.flush.fq_timer"), 1);
	assert_int_equal(fx_stat(&t.f, "drv.vtd.fq.flush_entries.count"), 3);
	assert_int_equal(fx_stat(&t.f, "drv.vtd.fq.flush_entries.max"), 3);
	assert_int_equal(fx_stat(&t.f, "drv.vtd.fq.flush_entries.min"), 1);
	assert_int_equal(hsum(&t.f, "drv.vtd.fq.flush_entries"),
			 fx_stat(&t.f, "drv.vtd.flush.queued"));
	assert_int_equal(fx_stat(&t.f, "drv.vtd.flush.queued"), 7);
	/* one more queued unmap, flushed when the domain goes (teardown) */
	assert_int_equal(fx_unmap(&t.f, t.dom[0], 0x17000, SZ_4K), SZ_4K);
	assert_int_equal(fx_stat(&t.f, "drv.vtd.fq.flush_entries.count"), 3);
	assert_int_equal(t.f.ops->attach_blocked(t.f.iommu, t.d[0], &t.f.err), 0);
	t.dom[0]->ops->free(t.dom[0]);
	t.dom[0] = fx_paging(&t.f, t.d[0], 0);
	fx_attach(&t.f, t.dom[0], t.d[0]);
	assert_int_equal(fx_stat(&t.f, "drv.vtd.fq.flush_entries.count"), 4);
	assert_int_equal(hsum(&t.f, "drv.vtd.fq.flush_entries"), 8);
	assert_int_equal(fx_stat(&t.f, "drv.vtd.fq.flush.count"),
			 fx_stat(&t.f, "drv.vtd.flush.deferred"));
	teardown(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_scope_scalable),
		cmocka_unit_test(t_scope_legacy),
		cmocka_unit_test(t_scope_devtlb),
		cmocka_unit_test(t_scope_deferred),
		cmocka_unit_test(t_fq_flush_timeline),
		cmocka_unit_test(t_fq_flush_entries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
