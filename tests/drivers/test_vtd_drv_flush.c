/* SPDX-License-Identifier: MIT */
/*
 * VT-d driver: the IOTLB flush after unmap under each policy, the descriptors it posts
 * (read back from the invalidation queue in memory and counted by the model), the
 * page-selective range, the domain-selective fallbacks, the flush queue (at N entries and at
 * the timer), the skip_flush fault injection (stale IOTLB), and the caching-mode flush
 * after map.
 */
#include "tests/drivers/vtd_drv_fixture.h"

#define RW (DRV_PROT_READ | DRV_PROT_WRITE)

struct bench {
	fx_t f;
	pci_dev_t *d;
	drv_domain_t *dom;
	int did;
};

static void setup(struct bench *b, const char *const *kv, bool ats)
{
	vtd_drv_domain_info_t i;

	fx_init(&b->f, kv);
	b->d = fx_dev(&b->f, 5, ats, false, 0);
	b->dom = fx_paging(&b->f, b->d, 0);
	fx_attach(&b->f, b->dom, b->d);
	vtd_drv_domain_info(b->dom, &i);
	b->did = i.did;
}

static void teardown(struct bench *b)
{
	assert_int_equal(b->f.ops->attach_blocked(b->f.iommu, b->d, &b->f.err), 0);
	b->dom->ops->free(b->dom);
	fx_fini(&b->f);
	assert_int_equal(b->f.live, 0);
}

static iommusim_dma_status_t rd(struct bench *b, uint64_t iova)
{
	uint8_t buf[8];

	return fx_dma(&b->f, b->d, false, iova, buf, sizeof(buf)).status;
}

/* ---- strict and batched ----------------------------------------------------------------- */

struct run {
	double submits, piotlb, devtlb, waits, inval_mean;
};

static void one_unmap(const char *policy, bool ats, struct run *out)
{
	const char *kv[] = { policy, NULL };
	struct bench b;
	double s0, p0, d0, w0, e0;

	setup(&b, kv, ats);
	fx_map(&b.f, b.dom, 0x10000, FX_DATA_BASE, SZ_4K, 1, RW);
	assert_int_equal(rd(&b, 0x10000), IOMMUSIM_DMA_OK);
	s0 = fx_stat(&b.f, "drv.vtd.qi.submits");
	p0 = fx_stat(&b.f, "vtd0.iq.desc.piotlb");
	d0 = fx_stat(&b.f, "vtd0.iq.desc.devtlb");
	w0 = fx_stat(&b.f, "vtd0.iq.desc.wait");
	e0 = ats ? fx_stat(&b.f, "0000:00:05.0.inval") : 0;
	assert_int_equal(fx_unmap(&b.f, b.dom, 0x10000, SZ_4K), SZ_4K);
	out->submits = fx_stat(&b.f, "drv.vtd.qi.submits") - s0;
	out->piotlb = fx_stat(&b.f, "vtd0.iq.desc.piotlb") - p0;
	out->devtlb = fx_stat(&b.f, "vtd0.iq.desc.devtlb") - d0;
	out->waits = fx_stat(&b.f, "vtd0.iq.desc.wait") - w0;
	assert_int_equal(fx_stat(&b.f, "drv.vtd.unmap.inval.count"), 1);
	out->inval_mean = fx_stat(&b.f, "drv.vtd.unmap.inval.mean");
	if (ats)   /* the ATS invalidation reached the device */
		assert_int_equal(fx_stat(&b.f, "0000:00:05.0.inval"), e0 + 1);
	assert_int_equal(rd(&b, 0x10000), IOMMUSIM_DMA_FAULT);
	teardown(&b);
}

static void t_strict_vs_batched(void **state)
{
	struct run s, bt, s1, b1;

	(void)state;
	/* without ATS both post one PASID-based IOTLB invalidation and one wait */
	one_unmap("drv.vtd.flush=strict", false, &s1);
	one_unmap("drv.vtd.flush=batched", false, &b1);
	assert_int_equal(s1.submits, 1);
	assert_int_equal(b1.submits, 1);
	assert_int_equal(s1.piotlb, 1);
	assert_int_equal(s1.waits, 1);
	assert_int_equal(s1.inval_mean, b1.inval_mean);

	/* with ATS: strict waits after each descriptor, batched once for both */
	one_unmap("drv.vtd.flush=strict", true, &s);
	one_unmap("drv.vtd.flush=batched", true, &bt);
	assert_int_equal(s.submits, 2);
	assert_int_equal(s.piotlb, 1);
	assert_int_equal(s.devtlb, 1);
	assert_int_equal(s.waits, 2);
	assert_int_equal(bt.submits, 1);
	assert_int_equal(bt.piotlb, 1);
	assert_int_equal(bt.devtlb, 1);
	assert_int_equal(bt.waits, 1);
	/* the second synchronous submit costs time */
	assert_true(s.inval_mean > bt.inval_mean);
	print_message("strict unmap invalidation %.0f ns, batched %.0f ns (ATS device)\n",
		      s.inval_mean / 1000.0, bt.inval_mean / 1000.0);
}

/* The time of one synchronous flush, worked out by hand from pinned parameters: the CPU
 * builds the PASID-based IOTLB descriptor and the wait (2 x desc), writes IQT (the write
 * reaches the register when its cost has passed), the IOMMU fetches both descriptors in one
 * 64-byte read (fetch cycles + memory read), processes the IOTLB descriptor (decode + type
 * cost + a scan of the whole IOTLB at 4 entries per cycle; IH = 1, so no paging-structure
 * cache) and the wait (decode + wait cost), whose status write lands a memory write latency
 * later. The CPU looks at the status word right after the IQT write and then once per
 * FSTS read + cpu_relax; the flush ends at the first look at or after the landing. Two
 * memory write latencies put the landing on either side of the second look. */
static void t_sync_wait_timeline(void **state)
{
	static const char *const wr[2] = { "mem.write_latency_ns=100", "mem.write_latency_ns=30" };
	const uint64_t desc = 10, mmio_w = 100, mmio_r = 270, relax = 10, mem_rd = 100;
	const uint64_t fetch = 4, decode = 2, piotlb = 40, wait = 10, iotlb_entries = 64 * 4;
	const uint64_t mem_wr[2] = { 100, 30 };

	(void)state;
	for (unsigned i = 0; i < 2; i++) {
		const char *kv[] = {
			"drv.vtd.flush=strict", "drv.vtd.cost.desc_ns=10",
			"drv.vtd.cost.mmio_write_ns=100", "drv.vtd.cost.mmio_read_ns=270",
			"drv.vtd.qi.poll_ns=10", "mem.read_latency_ns=100", wr[i],
			"vtd.clock_mhz=1000", "vtd.iq.fetch_cycles=4", "vtd.iq.fetch_bytes=64",
			"vtd.iq.decode_cycles=2", "vtd.iq.piotlb_cycles=40", "vtd.iq.wait_cycles=10",
			"vtd.iq.scan_entries_per_cycle=4", "vtd.iotlb.sets=64", "vtd.iotlb.ways=4",
			"drv.vtd.cpu_mhz=3100", NULL };
		struct bench b;
		uint64_t post = 2 * desc + mmio_w, land, look = post, looks = 0;
		double r0, w0;

		land = post + fetch + mem_rd + decode + piotlb + iotlb_entries / 4 + decode + wait +
		       mem_wr[i];
		while (look < land) {
			look += mmio_r + relax;
			looks++;
		}
		setup(&b, kv, false);
		fx_map(&b.f, b.dom, 0x10000, FX_DATA_BASE, SZ_4K, 1, RW);
		r0 = fx_stat(&b.f, "drv.vtd.mmio.reads");
		/* bring-up and attach submitted before: take the unmap's wait by difference */
		w0 = fx_stat(&b.f, "drv.vtd.qi.wait.mean") * fx_stat(&b.f, "drv.vtd.qi.wait.count");
		assert_int_equal(fx_unmap(&b.f, b.dom, 0x10000, SZ_4K), SZ_4K);
		assert_int_equal(fx_stat(&b.f, "drv.vtd.unmap.inval.mean"),
				 iommusim_time_from_ns(look));
		assert_int_equal(fx_stat(&b.f, "drv.vtd.qi.wait.mean") *
				 fx_stat(&b.f, "drv.vtd.qi.wait.count") - w0,
				 iommusim_time_from_ns(look - post));
		/* one FSTS read per look that did not see the completion */
		assert_int_equal(fx_stat(&b.f, "drv.vtd.mmio.reads") - r0, looks);
		/* the cycles statistic at a 3.1 GHz clock: ps x MHz / 10^6, rounded */
		assert_int_equal(fx_stat(&b.f, "drv.vtd.unmap.inval_cycles.mean"),
				 (look * 3100 + 500) / 1000);
		teardown(&b);
	}
}

/* ---- the page-selective range ----------------------------------------------------------- */

static void unmap_345(const char *const *kv, uint64_t q[3][4])
{
	struct bench b;

	setup(&b, kv, false);
	fx_map(&b.f, b.dom, 0x3000, FX_DATA_BASE, SZ_4K, 3, RW);
	assert_int_equal(fx_unmap(&b.f, b.dom, 0x3000, 3 * SZ_4K), 3 * SZ_4K);
	for (unsigned k = 0; k < 3; k++)
		fx_desc_back(&b.f, k + 1, q[k]);
	q[0][2] = (uint64_t)b.did;   /* hand the DID back in a spare word */
	teardown(&b);
}

static void t_psi_range(void **state)
{
	static const char *const cover[] = { "drv.vtd.paging=second-level", NULL };
	static const char *const chunks[] = { "drv.vtd.paging=second-level", "drv.vtd.psi=chunks",
					      NULL };
	static const char *const thr[] = { "drv.vtd.paging=second-level",
					   "drv.vtd.psi_threshold=2", NULL };
	static const char *const fl[] = { NULL };
	uint64_t q[3][4];
	unsigned did;

	(void)state;
	/* pages 3..5: the aligned cover is 8 pages at 0 (AM = 3), one IOTLB descriptor with
	 * page granularity (G = 3, qw0 bits 5:4) */
	unmap_345(cover, q);
	did = (unsigned)q[0][2];
	assert_int_equal(fx_desc_type(q[0]), 5);
	assert_int_equal(fx_desc_type(q[1]), 2);
	assert_int_equal((q[1][0] >> 4) & 3, 3);
	assert_int_equal((q[1][0] >> 16) & 0xffff, did);
	assert_int_equal(q[1][1], 0x0 | 3);
	/* chunks: page 3 alone (AM 0), pages 4..5 (AM 1), one submit */
	unmap_345(chunks, q);
	assert_int_equal(fx_desc_type(q[0]), 5);
	assert_int_equal(fx_desc_type(q[1]), 2);
	assert_int_equal(fx_desc_type(q[2]), 2);
	assert_int_equal(q[2][1], 0x3000 | 0);
	assert_int_equal(q[1][1], 0x4000 | 1);
	/* past the threshold: domain-selective (G = 2), no address */
	unmap_345(thr, q);
	assert_int_equal(fx_desc_type(q[1]), 2);
	assert_int_equal((q[1][0] >> 4) & 3, 2);
	assert_int_equal(q[1][1], 0);
	/* first level: PASID-based IOTLB (type 6), page-selective within PASID 0 (G = 3),
	 * the hint set since no table was freed (qw1 bit 6) */
	unmap_345(fl, q);
	did = (unsigned)q[0][2];
	assert_int_equal(fx_desc_type(q[1]), 6);
	assert_int_equal((q[1][0] >> 4) & 3, 3);
	assert_int_equal((q[1][0] >> 16) & 0xffff, did);
	assert_int_equal((q[1][0] >> 32) & 0xfffff, 0);
	assert_int_equal(q[1][1], 0x0 | 0x40 | 3);
}

static void t_psi_limits(void **state)
{
	static const char *const mamv[] = { "drv.vtd.paging=second-level", "vtd.mamv=2", NULL };
	static const char *const nopsi[] = { "drv.vtd.paging=second-level", "vtd.psi=0", NULL };
	static const char *const fl_mamv[] = { "vtd.mamv=2", NULL };
	const char *const *sets[3] = { mamv, nopsi, fl_mamv };
	uint64_t q[4];

	(void)state;
	for (int i = 0; i < 3; i++) {
		struct bench b;

		setup(&b, sets[i], false);
		fx_map(&b.f, b.dom, 0x10000, FX_DATA_BASE, SZ_4K, 16, RW);
		assert_int_equal(fx_unmap(&b.f, b.dom, 0x10000, 16 * SZ_4K), 16 * SZ_4K);
		fx_desc_back(&b.f, 2, q);
		if (i < 2) {
			/* AM 4 > MAMV 2, or no PSI: domain-selective */
			assert_int_equal(fx_desc_type(q), 2);
			assert_int_equal((q[0] >> 4) & 3, 2);
		} else {
			/* first level: all of the PASID's non-global mappings (G = 2) */
			assert_int_equal(fx_desc_type(q), 6);
			assert_int_equal((q[0] >> 4) & 3, 2);
		}
		assert_int_equal(rd(&b, 0x18000), IOMMUSIM_DMA_FAULT);
		teardown(&b);
	}
}

/* A whole table freed: the hint is clear (paging-structure caches must go too). */
static void t_ih_clear_when_tables_freed(void **state)
{
	static const char *const kv[] = { NULL };
	struct bench b;
	uint64_t q[4];

	(void)state;
	setup(&b, kv, false);
	fx_map(&b.f, b.dom, SZ_2M, FX_DATA_BASE, SZ_4K, 512, RW);
	assert_int_equal(fx_unmap(&b.f, b.dom, SZ_2M, SZ_2M), SZ_2M);
	fx_desc_back(&b.f, 2, q);
	assert_int_equal(fx_desc_type(q), 6);
	assert_int_equal(q[1], SZ_2M | 9);           /* AM 9, IH clear */
	teardown(&b);
}

/* ---- deferred ----------------------------------------------------------------------------- */

static void t_deferred_at_n(void **state)
{
	static const char *const kv[] = { "drv.vtd.flush=deferred", "drv.vtd.fq_size=4", NULL };
	struct bench b;
	vtd_drv_domain_info_t i;
	double p0;
	uint64_t q[4];

	(void)state;
	setup(&b, kv, false);
	fx_map(&b.f, b.dom, 0x10000, FX_DATA_BASE, SZ_4K, 4, RW);
	for (int k = 0; k < 4; k++)
		assert_int_equal(rd(&b, 0x10000 + k * SZ_4K), IOMMUSIM_DMA_OK);
	p0 = fx_stat(&b.f, "vtd0.iq.desc.piotlb");
	for (int k = 0; k < 3; k++) {
		assert_int_equal(fx_unmap(&b.f, b.dom, 0x10000 + k * SZ_4K, SZ_4K), SZ_4K);
		/* queued: nothing posted, and the IOTLB still translates (the lazy window) */
		assert_int_equal(fx_stat(&b.f, "vtd0.iq.desc.piotlb"), p0);
		assert_int_equal(rd(&b, 0x10000 + k * SZ_4K), IOMMUSIM_DMA_OK);
	}
	vtd_drv_domain_info(b.dom, &i);
	assert_int_equal(i.fq_pending, 3);
	assert_int_equal(fx_stat(&b.f, "drv.vtd.flush.queued"), 3);
	/* the fourth fills the queue: one PASID-selective flush (G = 2) */
	assert_int_equal(fx_unmap(&b.f, b.dom, 0x13000, SZ_4K), SZ_4K);
	assert_int_equal(fx_stat(&b.f, "vtd0.iq.desc.piotlb"), p0 + 1);
	fx_desc_back(&b.f, 2, q);
	assert_int_equal(fx_desc_type(q), 6);
	assert_int_equal((q[0] >> 4) & 3, 2);
	assert_int_equal(fx_stat(&b.f, "drv.vtd.flush.fq_full"), 1);
	assert_int_equal(fx_stat(&b.f, "drv.vtd.flush.deferred"), 1);
	vtd_drv_domain_info(b.dom, &i);
	assert_int_equal(i.fq_pending, 0);
	for (int k = 0; k < 4; k++)
		assert_int_equal(rd(&b, 0x10000 + k * SZ_4K), IOMMUSIM_DMA_FAULT);
	teardown(&b);
}

static void t_deferred_at_timer(void **state)
{
	static const char *const kv[] = { "drv.vtd.flush=deferred", "drv.vtd.fq_timeout_ns=1000000",
					  NULL };
	struct bench b;

	(void)state;
	setup(&b, kv, false);
	fx_map(&b.f, b.dom, 0x10000, FX_DATA_BASE, SZ_4K, 1, RW);
	assert_int_equal(rd(&b, 0x10000), IOMMUSIM_DMA_OK);
	assert_int_equal(fx_unmap(&b.f, b.dom, 0x10000, SZ_4K), SZ_4K);
	fx_advance(&b.f, iommusim_time_from_ns(500000));
	assert_int_equal(fx_stat(&b.f, "drv.vtd.flush.fq_timer"), 0);
	assert_int_equal(rd(&b, 0x10000), IOMMUSIM_DMA_OK);
	fx_advance(&b.f, iommusim_time_from_ns(600000));
	assert_int_equal(fx_stat(&b.f, "drv.vtd.flush.fq_timer"), 1);
	assert_int_equal(rd(&b, 0x10000), IOMMUSIM_DMA_FAULT);
	teardown(&b);
}

/* Caching mode with second-level tables turns the flush queue off (intel_iommu_init). */
static void t_deferred_off_in_caching_mode(void **state)
{
	static const char *const kv[] = { "drv.vtd.flush=deferred", "vtd.cm=1",
					  "drv.vtd.paging=second-level", NULL };
	struct bench b;

	(void)state;
	setup(&b, kv, false);
	fx_map(&b.f, b.dom, 0x10000, FX_DATA_BASE, SZ_4K, 1, RW);
	assert_int_equal(rd(&b, 0x10000), IOMMUSIM_DMA_OK);
	assert_int_equal(fx_unmap(&b.f, b.dom, 0x10000, SZ_4K), SZ_4K);
	assert_int_equal(fx_stat(&b.f, "drv.vtd.flush.queued"), 0);
	assert_int_equal(fx_stat(&b.f, "drv.vtd.flush.batched"), 1);
	assert_int_equal(rd(&b, 0x10000), IOMMUSIM_DMA_FAULT);
	teardown(&b);
}

/* ---- skip_flush --------------------------------------------------------------------------- */

static void t_skip_flush_stale_iotlb(void **state)
{
	static const char *const skip[] = { "drv.vtd.skip_flush=1", NULL };
	static const char *const policies[] = { "drv.vtd.flush=strict", "drv.vtd.flush=batched" };
	struct bench b;
	uint8_t out[16], in[16];
	double p0;

	(void)state;
	setup(&b, skip, false);
	fx_map(&b.f, b.dom, 0x10000, FX_DATA_BASE + 0x8000, SZ_4K, 1, RW);
	memset(out, 0x3c, sizeof(out));
	assert_int_equal(fx_dma(&b.f, b.d, true, 0x10000, out, sizeof(out)).status,
			 IOMMUSIM_DMA_OK);
	p0 = fx_stat(&b.f, "vtd0.iq.desc.piotlb");
	assert_int_equal(fx_unmap(&b.f, b.dom, 0x10000, SZ_4K), SZ_4K);
	assert_int_equal(fx_stat(&b.f, "drv.vtd.flush.skipped"), 1);
	assert_int_equal(fx_stat(&b.f, "vtd0.iq.desc.piotlb"), p0);
	/* the bug: the device still reaches the page through the stale IOTLB entry */
	memset(in, 0, sizeof(in));
	assert_int_equal(fx_dma(&b.f, b.d, false, 0x10000, in, sizeof(in)).status,
			 IOMMUSIM_DMA_OK);
	assert_memory_equal(in, out, sizeof(in));
	teardown(&b);

	/* never without the knob, whatever the synchronous policy */
	for (int i = 0; i < 2; i++) {
		const char *kv[] = { policies[i], NULL };

		setup(&b, kv, false);
		fx_map(&b.f, b.dom, 0x10000, FX_DATA_BASE + 0x8000, SZ_4K, 1, RW);
		assert_int_equal(rd(&b, 0x10000), IOMMUSIM_DMA_OK);
		assert_int_equal(fx_unmap(&b.f, b.dom, 0x10000, SZ_4K), SZ_4K);
		assert_int_equal(rd(&b, 0x10000), IOMMUSIM_DMA_FAULT);
		teardown(&b);
	}
}

/* ---- caching mode -------------------------------------------------------------------------- */

static void t_caching_mode_flush_on_map(void **state)
{
	static const char *const cm_sl[] = { "vtd.cm=1", "drv.vtd.paging=second-level", NULL };
	static const char *const cm_fl[] = { "vtd.cm=1", NULL };
	struct bench b;
	double i0, p0;
	uint64_t q[4];

	(void)state;
	setup(&b, cm_sl, false);
	i0 = fx_stat(&b.f, "vtd0.iq.desc.iotlb");
	fx_map(&b.f, b.dom, 0x10000, FX_DATA_BASE, SZ_4K, 1, RW);
	/* cache_tag_flush_range_np: page-selective IOTLB invalidation of the new page */
	assert_int_equal(fx_stat(&b.f, "vtd0.iq.desc.iotlb"), i0 + 1);
	assert_int_equal(fx_stat(&b.f, "drv.vtd.flush.cm_map"), 1);
	fx_desc_back(&b.f, 2, q);
	assert_int_equal(fx_desc_type(q), 2);
	assert_int_equal((q[0] >> 4) & 3, 3);
	assert_int_equal(q[1], 0x10000);
	assert_int_equal(rd(&b, 0x10000), IOMMUSIM_DMA_OK);
	teardown(&b);

	/* first-level tables need no flush after map, even in caching mode */
	setup(&b, cm_fl, false);
	i0 = fx_stat(&b.f, "vtd0.iq.desc.iotlb");
	p0 = fx_stat(&b.f, "vtd0.iq.desc.piotlb");
	fx_map(&b.f, b.dom, 0x10000, FX_DATA_BASE, SZ_4K, 1, RW);
	assert_int_equal(fx_stat(&b.f, "vtd0.iq.desc.iotlb"), i0);
	assert_int_equal(fx_stat(&b.f, "vtd0.iq.desc.piotlb"), p0);
	assert_int_equal(fx_stat(&b.f, "drv.vtd.flush.cm_map"), 0);
	assert_int_equal(rd(&b, 0x10000), IOMMUSIM_DMA_OK);
	teardown(&b);
}

/* In caching mode a faulting (not-present) translation may be cached; the flush after map
 * is what makes the new page reachable. */
static void t_caching_mode_negative_entry(void **state)
{
	static const char *const cm_sl[] = { "vtd.cm=1", "drv.vtd.paging=second-level", NULL };
	struct bench b;
	uint64_t mapped;

	(void)state;
	setup(&b, cm_sl, false);
	assert_int_equal(rd(&b, 0x20000), IOMMUSIM_DMA_FAULT);
	assert_int_equal(b.dom->ops->map_pages(b.dom, 0x20000, FX_DATA_BASE, SZ_4K, 1, RW, &mapped,
					       &b.f.err), 0);
	/* no iotlb_sync_map yet: the cached fault may still answer */
	iommusim_dma_status_t before = rd(&b, 0x20000);
	b.dom->ops->iotlb_sync_map(b.dom, 0x20000, SZ_4K);
	assert_int_equal(rd(&b, 0x20000), IOMMUSIM_DMA_OK);
	print_message("caching mode: DMA to a page mapped without the flush: %s\n",
		      before == IOMMUSIM_DMA_OK ? "ok (no negative caching)" : "fault (cached)");
	assert_int_equal(fx_unmap(&b.f, b.dom, 0x20000, SZ_4K), SZ_4K);
	teardown(&b);
}

/* flush_iotlb_all: domain-selective for the IOTLB and whole for the device TLB. */
static void t_flush_all(void **state)
{
	static const char *const kv[] = { "drv.vtd.paging=second-level", NULL };
	struct bench b;
	uint64_t q[4];

	(void)state;
	setup(&b, kv, true);
	b.dom->ops->flush_iotlb_all(b.dom);
	fx_desc_back(&b.f, 3, q);
	assert_int_equal(fx_desc_type(q), 2);
	assert_int_equal((q[0] >> 4) & 3, 2);
	assert_int_equal((q[0] >> 16) & 0xffff, (unsigned)b.did);
	fx_desc_back(&b.f, 2, q);
	assert_int_equal(fx_desc_type(q), 3);
	assert_int_equal((q[0] >> 32) & 0xffff, b.d->rid);
	/* every address: S = 1 and address bits 62:12 set */
	assert_int_equal(q[1], 0x7ffffffffffff001ull);
	teardown(&b);
}

/* Hardware asking for write-buffer flushing (CAP.RWBF): a map is followed by GCMD.WBF
 * (iommu_flush_write_buffer) instead of an invalidation; otherwise by nothing. */
static void t_write_buffer_flush(void **state)
{
	static const char *const rwbf[] = { "vtd.rwbf=1", NULL };
	static const char *const plain[] = { NULL };
	const char *const *sets[2] = { rwbf, plain };

	(void)state;
	for (int i = 0; i < 2; i++) {
		struct bench b;
		double w0, r0;

		setup(&b, sets[i], false);
		w0 = fx_stat(&b.f, "drv.vtd.mmio.writes");
		r0 = fx_stat(&b.f, "drv.vtd.mmio.reads");
		fx_map(&b.f, b.dom, 0x10000, FX_DATA_BASE, SZ_4K, 1, RW);
		assert_int_equal(fx_stat(&b.f, "drv.vtd.mmio.writes"), w0 + (i == 0 ? 1 : 0));
		/* and the driver waited for GSTS.WBFS to clear */
		assert_true((fx_stat(&b.f, "drv.vtd.mmio.reads") > r0) == (i == 0));
		assert_int_equal(rd(&b, 0x10000), IOMMUSIM_DMA_OK);
		fx_unmap(&b.f, b.dom, 0x10000, SZ_4K);
		teardown(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_strict_vs_batched),
		cmocka_unit_test(t_sync_wait_timeline),
		cmocka_unit_test(t_psi_range),
		cmocka_unit_test(t_psi_limits),
		cmocka_unit_test(t_ih_clear_when_tables_freed),
		cmocka_unit_test(t_deferred_at_n),
		cmocka_unit_test(t_deferred_at_timer),
		cmocka_unit_test(t_deferred_off_in_caching_mode),
		cmocka_unit_test(t_skip_flush_stale_iotlb),
		cmocka_unit_test(t_caching_mode_flush_on_map),
		cmocka_unit_test(t_caching_mode_negative_entry),
		cmocka_unit_test(t_flush_all),
		cmocka_unit_test(t_write_buffer_flush),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
