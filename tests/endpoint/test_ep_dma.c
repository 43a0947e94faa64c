/* SPDX-License-Identifier: MIT */
/*
 * DMA engine tests (models/endpoint/ep_dma.c): DMA with and without ATS, end to end through
 * the identity IOMMU and memory, page splitting, faults, ATC use, and bad requests.
 * Fixture and the hand-computed timing constants: ep_fixture.h.
 */
#include "tests/support/test.h"

#include "tests/endpoint/ep_fixture.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
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
		cmocka_unit_test_setup_teardown(untranslated_only_answers_are_not_cached, setup, teardown),
		cmocka_unit_test_setup_teardown(translated_request_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(ats_fault_and_not_present_without_pri, setup, teardown),
		cmocka_unit_test_setup_teardown(ats_translate_entry_point, setup, teardown),
		cmocka_unit_test_setup_teardown(missing_permission, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_dma_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(no_pasid_capability, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
