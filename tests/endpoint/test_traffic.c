/* SPDX-License-Identifier: MIT */
/*
 * Traffic generator tests (models/endpoint/traffic.c): exact sequences worked out by hand from
 * the rules in include/iommusim/traffic.h (seq, stride wrap at span, the NIC ring's queue order,
 * per-queue windows and MAP/DMA/UNMAP triplets, storage alignment and buffer pool), golden
 * sequences of the seeded patterns from an independent model of xoshiro256** / splitmix64 /
 * Lemire's bounded draw (written separately, outside the library), statistics of the random
 * and zipf patterns on fixed seeds, determinism and reset.
 */
#include "tests/support/test.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iommusim/traffic.h"

#define K4 0x1000ull

static iommusim_traffic_t *gen(const char *spec)
{
	iommusim_traffic_cfg_t cfg;
	iommusim_error_t err = { 0 };

	if (iommusim_traffic_parse(spec, &cfg, &err))
		fail_msg("parse '%s': %s", spec, err.msg);
	iommusim_traffic_t *t = iommusim_traffic_create(&cfg, &err);
	if (!t)
		fail_msg("create '%s': %s", spec, err.msg);
	return t;
}

static iommusim_traffic_op_t next_op(iommusim_traffic_t *t)
{
	iommusim_traffic_op_t op;
	if (!iommusim_traffic_next(t, &op))
		fail_msg("the generator ended early");
	return op;
}

static void expect_dma(iommusim_traffic_t *t, uint64_t seq, iommusim_traffic_kind_t kind,
		       uint64_t iova, uint64_t len)
{
	iommusim_traffic_op_t op = next_op(t);
	assert_int_equal(op.seq, seq);
	assert_int_equal(op.unit, seq);
	assert_int_equal(op.kind, kind);
	assert_int_equal(op.iova, iova);
	assert_int_equal(op.len, len);
	assert_int_equal(op.queue, 0);
	assert_int_equal(op.slot, 0);
	assert_int_equal(op.user_va, 0);
	assert_int_equal(op.perm, 0);
}

static void expect_end(iommusim_traffic_t *t)
{
	iommusim_traffic_op_t op;
	memset(&op, 0x5a, sizeof(op));
	assert_false(iommusim_traffic_next(t, &op));
	assert_int_equal(op.seq, 0x5a5a5a5a5a5a5a5aull);   /* untouched */
	assert_false(iommusim_traffic_next(t, &op));
}

/* ---- seq and stride ------------------------------------------------------------------- */

static void seq_exact(void **state)
{
	iommusim_traffic_t *t = gen("pattern=seq base=0x100000 span=16K size=4K count=6 write=1");
	static const uint64_t iova[] = { 0x100000, 0x101000, 0x102000, 0x103000, 0x100000, 0x101000 };

	assert_int_equal(iommusim_traffic_total_ops(t), 6);
	for (unsigned i = 0; i < 6; i++) {
		expect_dma(t, i, IOMMUSIM_TRAFFIC_DMA_WRITE, iova[i], 4096);
		assert_int_equal(iommusim_traffic_produced(t), i + 1);
	}
	expect_end(t);
	iommusim_traffic_destroy(t);
}

/* A span that is not a multiple of size: a pass has floor(span / size) DMAs, and the
 * remainder of span is never touched. */
static void seq_partial_span(void **state)
{
	iommusim_traffic_t *t = gen("pattern=seq base=0 span=10K size=4K count=5");
	static const uint64_t iova[] = { 0, 0x1000, 0, 0x1000, 0 };
	for (unsigned i = 0; i < 5; i++)
		expect_dma(t, i, IOMMUSIM_TRAFFIC_DMA_READ, iova[i], 4096);
	expect_end(t);
	iommusim_traffic_destroy(t);

	/* one DMA filling the span exactly */
	t = gen("pattern=seq base=0x5000 span=1500 size=1500 count=3");
	for (unsigned i = 0; i < 3; i++)
		expect_dma(t, i, IOMMUSIM_TRAFFIC_DMA_READ, 0x5000, 1500);
	expect_end(t);
	iommusim_traffic_destroy(t);
}

static void stride_wrap(void **state)
{
	/* offsets (n * 8K) mod 20K: 0 8K 16K 4K 12K 0 8K */
	iommusim_traffic_t *t = gen("pattern=stride base=0x100000 span=20K stride=8K size=4K count=7");
	static const uint64_t off[] = { 0, 0x2000, 0x4000, 0x1000, 0x3000, 0, 0x2000 };
	for (unsigned i = 0; i < 7; i++)
		expect_dma(t, i, IOMMUSIM_TRAFFIC_DMA_READ, 0x100000 + off[i], 4096);
	expect_end(t);
	iommusim_traffic_destroy(t);

	/* a stride longer than span: 24K mod 20K = 4K */
	t = gen("pattern=stride base=0 span=20K stride=24K size=4K count=6 write=1");
	static const uint64_t off2[] = { 0, 0x1000, 0x2000, 0x3000, 0x4000, 0 };
	for (unsigned i = 0; i < 6; i++)
		expect_dma(t, i, IOMMUSIM_TRAFFIC_DMA_WRITE, off2[i], 4096);
	iommusim_traffic_destroy(t);

	/* stride = span: always offset 0 */
	t = gen("pattern=stride base=0x7000 span=64K stride=64K size=64K count=3");
	for (unsigned i = 0; i < 3; i++)
		expect_dma(t, i, IOMMUSIM_TRAFFIC_DMA_READ, 0x7000, 0x10000);
	iommusim_traffic_destroy(t);
}

/* The last 4 KiB of the 64-bit space: no overflow in the offset arithmetic. */
static void stride_top_of_space(void **state)
{
	iommusim_traffic_t *t = gen("pattern=stride base=0xffffffffffff0000 span=64K stride=48K "
				    "size=16K count=5");
	/* (n * 48K) mod 64K: 0 48K 32K 16K 0 */
	static const uint64_t off[] = { 0, 0xc000, 0x8000, 0x4000, 0 };
	for (unsigned i = 0; i < 5; i++)
		expect_dma(t, i, IOMMUSIM_TRAFFIC_DMA_READ, 0xffffffffffff0000ull + off[i], 0x4000);
	iommusim_traffic_destroy(t);
}

/* ---- random ------------------------------------------------------------------------------ */

/* Golden values from the independent model (seed 7: k = below(16) for 10 draws). */
static void random_golden(void **state)
{
	iommusim_traffic_t *t = gen("pattern=random seed=7 base=0x100000 span=64K size=4K count=10");
	static const uint64_t iova[] = { 0x10b000, 0x104000, 0x10d000, 0x10f000, 0x10f000,
					 0x10d000, 0x100000, 0x101000, 0x106000, 0x102000 };
	for (unsigned i = 0; i < 10; i++)
		expect_dma(t, i, IOMMUSIM_TRAFFIC_DMA_READ, iova[i], 4096);
	expect_end(t);
	iommusim_traffic_destroy(t);

	/* mixed directions: per unit one offset draw, then one direction draw below(100) < 50 */
	t = gen("pattern=random seed=9 base=0 span=1M size=512 write_pct=50 count=8");
	static const struct { uint64_t off; bool w; } g[] = {
		{ 0xa00, 1 },   { 0x21e00, 0 }, { 0xeba00, 0 }, { 0xaec00, 0 },
		{ 0x26400, 1 }, { 0xc0800, 0 }, { 0x2be00, 0 }, { 0xeea00, 0 },
	};
	for (unsigned i = 0; i < 8; i++)
		expect_dma(t, i, g[i].w ? IOMMUSIM_TRAFFIC_DMA_WRITE : IOMMUSIM_TRAFFIC_DMA_READ,
			   g[i].off, 512);
	iommusim_traffic_destroy(t);
}

/* Chi-square of the slot counts on a fixed seed; every offset aligned and inside span. */
static void random_uniform(void **state)
{
	enum { SLOTS = 256, PER = 1000 };
	iommusim_traffic_t *t = gen("pattern=random seed=12345 base=0x40000000 span=1M size=4K "
				    "count=256000");
	unsigned *hist = calloc(SLOTS, sizeof(*hist));
	iommusim_traffic_op_t op;

	assert_non_null(hist);
	while (iommusim_traffic_next(t, &op)) {
		uint64_t off = op.iova - 0x40000000ull;
		assert_true(op.iova >= 0x40000000ull);
		assert_int_equal(off % 4096, 0);
		assert_true(off + op.len <= 0x100000);
		hist[off / 4096]++;
	}
	double chi2 = 0;
	for (unsigned i = 0; i < SLOTS; i++)
		chi2 += ((double)hist[i] - PER) * ((double)hist[i] - PER) / PER;
	/* 255 degrees of freedom: mean 255, sd 22.6; accept within 4 sd */
	assert_true(chi2 > 165.0);
	assert_true(chi2 < 345.0);
	free(hist);
	iommusim_traffic_destroy(t);
}

/* A slot count that is not a power of two (100) and a small natural alignment. */
static void random_bounds(void **state)
{
	/* span 409700, size 4K, align 4K: (409700 - 4096) / 4096 + 1 = 100 slots */
	iommusim_traffic_t *t = gen("pattern=random seed=3 base=0 span=409700 size=4K count=20000");
	unsigned hist[100] = { 0 };
	iommusim_traffic_op_t op;
	while (iommusim_traffic_next(t, &op)) {
		assert_int_equal(op.iova % 4096, 0);
		assert_true(op.iova + 4096 <= 409700);
		hist[op.iova / 4096]++;
	}
	double chi2 = 0;
	for (unsigned i = 0; i < 100; i++)
		chi2 += ((double)hist[i] - 200) * ((double)hist[i] - 200) / 200;
	assert_true(chi2 < 99 + 4 * 14.1);   /* df 99, sd 14.1 */
	iommusim_traffic_destroy(t);

	/* size 1500: natural alignment 4; the last slot ends at span - 0 .. 3 */
	t = gen("pattern=random seed=4 base=0x1000 span=3000 size=1500 count=5000");
	assert_int_equal(iommusim_traffic_cfg(t)->align, 4);
	uint64_t maxoff = 0;
	while (iommusim_traffic_next(t, &op)) {
		uint64_t off = op.iova - 0x1000;
		assert_int_equal(off % 4, 0);
		assert_true(off + 1500 <= 3000);
		if (off > maxoff)
			maxoff = off;
	}
	assert_int_equal(maxoff, 1500);   /* (3000 - 1500) / 4 = 375 -> slot 375 = 1500 */
	iommusim_traffic_destroy(t);
}

static void random_write_pct(void **state)
{
	iommusim_traffic_t *t = gen("pattern=random seed=11 span=1M size=64 write_pct=30 count=100000");
	iommusim_traffic_op_t op;
	unsigned writes = 0;
	while (iommusim_traffic_next(t, &op))
		writes += op.kind == IOMMUSIM_TRAFFIC_DMA_WRITE;
	/* binomial(100000, 0.3): sd 145 */
	assert_true(writes > 30000 - 600 && writes < 30000 + 600);
	iommusim_traffic_destroy(t);
}

/* ---- zipf --------------------------------------------------------------------------------- */

static uint64_t rank_of(const iommusim_traffic_op_t *op, uint64_t base, uint64_t page)
{
	assert_int_equal((op->iova - base) % page, 0);
	return (op->iova - base) / page + 1;
}

/* Golden ranks from the independent model (CDF built with pow(), bisection on 53-bit u). */
static void zipf_golden(void **state)
{
	iommusim_traffic_t *t = gen("pattern=zipf theta=0.99 pages=4096 seed=3 count=12");
	static const uint64_t rank[] = { 284, 183, 4, 72, 27, 22, 4, 353, 2503, 3, 2129, 259 };
	for (unsigned i = 0; i < 12; i++) {
		iommusim_traffic_op_t op = next_op(t);
		assert_int_equal(op.kind, IOMMUSIM_TRAFFIC_DMA_READ);
		assert_int_equal(op.len, 4096);
		assert_int_equal(rank_of(&op, 0x100000, 4096), rank[i]);
	}
	expect_end(t);
	iommusim_traffic_destroy(t);
}

static void zipf_rank_ratio(void **state)
{
	enum { N = 1000000, PAGES = 4096 };
	iommusim_traffic_t *t = gen("pattern=zipf theta=0.99 pages=4096 page=2M size=64 seed=42 "
				    "base=0x80000000 count=1000000");
	unsigned *hist = calloc(PAGES + 1, sizeof(*hist));
	iommusim_traffic_op_t op;

	assert_non_null(hist);
	while (iommusim_traffic_next(t, &op)) {
		uint64_t r = rank_of(&op, 0x80000000ull, 2ull << 20);
		assert_true(r >= 1 && r <= PAGES);
		assert_int_equal(op.len, 64);
		hist[r]++;
	}
	/* P(1) / P(2) = 2^theta = 1.9862; with ~113k and ~57k samples the ratio's sd is ~0.01 */
	double ratio = (double)hist[1] / (double)hist[2];
	assert_true(fabs(ratio - pow(2.0, 0.99)) < 0.04);
	/* P(1) = 1 / H(4096, 0.99), computed here independently */
	double h = 0;
	for (unsigned r = 1; r <= PAGES; r++)
		h += pow((double)r, -0.99);
	double p1 = 1.0 / h, sd = sqrt(N * p1 * (1 - p1));
	assert_true(fabs(hist[1] - N * p1) < 4 * sd);
	/* the tail is reached */
	assert_true(hist[PAGES] + hist[PAGES - 1] + hist[PAGES - 2] > 0);
	free(hist);
	iommusim_traffic_destroy(t);
}

/* Chi-square against the exact distribution on 8 ranks, for theta 0 (uniform), 0.5 and 2. */
static void zipf_distribution(void **state)
{
	static const char *const specs[] = {
		"pattern=zipf theta=0 pages=8 seed=1 count=80000",
		"pattern=zipf theta=0.5 pages=8 seed=2 count=80000",
		"pattern=zipf theta=2 pages=8 seed=3 count=80000",
	};
	static const double theta[] = { 0, 0.5, 2 };
	for (unsigned s = 0; s < 3; s++) {
		iommusim_traffic_t *t = gen(specs[s]);
		unsigned hist[9] = { 0 };
		iommusim_traffic_op_t op;
		while (iommusim_traffic_next(t, &op)) {
			uint64_t r = rank_of(&op, 0x100000, 4096);
			assert_true(r >= 1 && r <= 8);
			hist[r]++;
		}
		double h = 0, chi2 = 0;
		for (unsigned r = 1; r <= 8; r++)
			h += pow(r, -theta[s]);
		for (unsigned r = 1; r <= 8; r++) {
			double e = 80000.0 * pow(r, -theta[s]) / h;
			chi2 += (hist[r] - e) * (hist[r] - e) / e;
		}
		/* 7 degrees of freedom: the 0.999 quantile is 24.3 */
		if (chi2 > 24.3)
			fail_msg("%s: chi-square %.1f", specs[s], chi2);
		iommusim_traffic_destroy(t);
	}
}

/* One page: every sample is rank 1. */
static void zipf_one_page(void **state)
{
	iommusim_traffic_t *t = gen("pattern=zipf pages=1 theta=3 seed=5 count=100 write=1");
	iommusim_traffic_op_t op;
	while (iommusim_traffic_next(t, &op)) {
		assert_int_equal(op.iova, 0x100000);
		assert_int_equal(op.kind, IOMMUSIM_TRAFFIC_DMA_WRITE);
	}
	iommusim_traffic_destroy(t);
}

/* ---- nic ---------------------------------------------------------------------------------- */

static void expect_triplet(iommusim_traffic_t *t, uint64_t unit, uint32_t q, uint32_t slot,
			   uint64_t iova, uint64_t uva, uint64_t map_len, uint64_t pkt,
			   iommusim_time_t time)
{
	iommusim_traffic_op_t op = next_op(t);
	assert_int_equal(op.seq, unit * 3);
	assert_int_equal(op.unit, unit);
	assert_int_equal(op.kind, IOMMUSIM_TRAFFIC_MAP);
	assert_int_equal(op.iova, iova);
	assert_int_equal(op.len, map_len);
	assert_int_equal(op.user_va, uva);
	assert_int_equal(op.perm, IOMMUSIM_ACC_WRITE);
	assert_int_equal(op.queue, q);
	assert_int_equal(op.slot, slot);
	assert_int_equal(op.time, time);

	op = next_op(t);
	assert_int_equal(op.seq, unit * 3 + 1);
	assert_int_equal(op.unit, unit);
	assert_int_equal(op.kind, IOMMUSIM_TRAFFIC_DMA_WRITE);
	assert_int_equal(op.iova, iova);
	assert_int_equal(op.len, pkt);
	assert_int_equal(op.user_va, 0);
	assert_int_equal(op.perm, 0);
	assert_int_equal(op.queue, q);
	assert_int_equal(op.slot, slot);
	assert_int_equal(op.time, time);

	op = next_op(t);
	assert_int_equal(op.seq, unit * 3 + 2);
	assert_int_equal(op.unit, unit);
	assert_int_equal(op.kind, IOMMUSIM_TRAFFIC_UNMAP);
	assert_int_equal(op.iova, iova);
	assert_int_equal(op.len, map_len);
	assert_int_equal(op.queue, q);
	assert_int_equal(op.slot, slot);
	assert_int_equal(op.time, time);
}

static void nic_ring_order(void **state)
{
	/* 2 queues x 2 slots of 2 KiB buffers: each buffer is one 4 KiB page, a queue's window
	 * is 8 KiB. Packets go q0s0 q1s0 q0s1 q1s1 q0s0. 1500 B at 100 Gb/s: 120 ns apart. */
	iommusim_traffic_t *t = gen("pattern=nic queues=2 ring=2 pkt=1500 buf=2K count=5 "
				    "rate=100Gb/s base=0x100000 uva=0x7f0000000000");
	const uint64_t U = 0x7f0000000000ull;

	assert_int_equal(iommusim_traffic_total_ops(t), 15);
	assert_int_equal(iommusim_traffic_cfg(t)->window, 0x2000);
	expect_triplet(t, 0, 0, 0, 0x100000, U + 0x0000, 4096, 1500, 0);
	expect_triplet(t, 1, 1, 0, 0x102000, U + 0x2000, 4096, 1500, 120000);
	expect_triplet(t, 2, 0, 1, 0x101000, U + 0x1000, 4096, 1500, 240000);
	expect_triplet(t, 3, 1, 1, 0x103000, U + 0x3000, 4096, 1500, 360000);
	expect_triplet(t, 4, 0, 0, 0x100000, U + 0x0000, 4096, 1500, 480000);
	expect_end(t);
	iommusim_traffic_destroy(t);
}

/* An explicit window per queue, and buffers larger than a page (6K maps as 8K). */
static void nic_windows(void **state)
{
	iommusim_traffic_t *t = gen("pattern=nic queues=4 ring=3 pkt=6000 buf=6K window=2M "
				    "base=0x40000000 uva=0x10000000 count=14");
	for (uint64_t n = 0; n < 14; n++) {
		uint32_t q = (uint32_t)(n % 4), s = (uint32_t)((n / 4) % 3);
		uint64_t off = q * 0x200000ull + s * 0x2000ull;
		expect_triplet(t, n, q, s, 0x40000000 + off, 0x10000000 + off, 0x2000, 6000, 0);
	}
	expect_end(t);
	iommusim_traffic_destroy(t);
}

/* 64 flows: every queue gets the same number of packets, each in its own window, and a
 * slot's IOVA comes back after ring packets of that queue. */
static void nic_64_flows(void **state)
{
	iommusim_traffic_t *t = gen("pattern=nic queues=64 ring=256 pkt=64 buf=2K count=65536");
	unsigned per_q[64] = { 0 };
	uint64_t last_slot[64];
	iommusim_traffic_op_t op;
	memset(last_slot, 0xff, sizeof(last_slot));

	while (iommusim_traffic_next(t, &op)) {
		uint64_t win = 0x100000ull + op.queue * (256ull * 4096);
		assert_true(op.queue < 64);
		assert_true(op.iova >= win && op.iova + 4096 <= win + 256ull * 4096);
		assert_int_equal(op.iova, win + op.slot * 4096ull);
		if (op.kind == IOMMUSIM_TRAFFIC_MAP) {
			assert_int_equal(op.queue, op.unit % 64);
			assert_int_equal(op.slot, (op.unit / 64) % 256);
			assert_int_equal(op.slot, (last_slot[op.queue] + 1) % 256);
			last_slot[op.queue] = op.slot;
			per_q[op.queue]++;
		}
	}
	for (unsigned q = 0; q < 64; q++)
		assert_int_equal(per_q[q], 1024);
	iommusim_traffic_destroy(t);
}

/* ---- storage ------------------------------------------------------------------------------ */

static void storage_golden(void **state)
{
	/* 1 GiB span, 128 KiB blocks at 128 KiB-aligned offsets: 8192 slots; seed 5's first
	 * draws (independent model); write_pct 30 happens to give reads for these five */
	iommusim_traffic_t *t = gen("pattern=storage block=128K span=1G seed=5 write_pct=30 count=5");
	static const uint64_t iova[] = { 0x12840000, 0x29a20000, 0x21200000, 0x204e0000, 0x17420000 };
	for (unsigned i = 0; i < 5; i++) {
		iommusim_traffic_op_t op = next_op(t);
		assert_int_equal(op.kind, IOMMUSIM_TRAFFIC_MAP);
		assert_int_equal(op.iova, iova[i]);
		assert_int_equal(op.len, 128 * 1024);
		assert_int_equal(op.user_va, 0x7f0000000000ull);
		assert_int_equal(op.perm, IOMMUSIM_ACC_READ);
		op = next_op(t);
		assert_int_equal(op.kind, IOMMUSIM_TRAFFIC_DMA_READ);
		assert_int_equal(op.iova, iova[i]);
		assert_int_equal(op.len, 128 * 1024);
		op = next_op(t);
		assert_int_equal(op.kind, IOMMUSIM_TRAFFIC_UNMAP);
		assert_int_equal(op.iova, iova[i]);
		assert_int_equal(op.len, 128 * 1024);
	}
	expect_end(t);
	iommusim_traffic_destroy(t);
}

/* Every block aligned and inside span; MAP covers whole pages; the pool goes round-robin;
 * permissions follow the direction. */
static void storage_alignment(void **state)
{
	/* block 130000 maps as 131072 (32 pages); natural alignment of 130000 is 16, so align is
	 * page = 4K; slots = (8M - 128K) / 4K + 1 = 2017 */
	iommusim_traffic_t *t = gen("pattern=storage block=130000 span=8M base=0x200000000 bufs=3 "
				    "uva=0x600000000000 seed=77 write_pct=50 count=3000");
	iommusim_traffic_op_t map, dma, unmap;
	unsigned writes = 0;
	uint64_t u = 0;

	assert_int_equal(iommusim_traffic_cfg(t)->align, 4096);
	while (iommusim_traffic_next(t, &map)) {
		assert_true(iommusim_traffic_next(t, &dma));
		assert_true(iommusim_traffic_next(t, &unmap));
		assert_int_equal(map.kind, IOMMUSIM_TRAFFIC_MAP);
		assert_int_equal(unmap.kind, IOMMUSIM_TRAFFIC_UNMAP);
		assert_int_equal(map.unit, u);
		assert_int_equal(dma.unit, u);
		assert_int_equal(unmap.unit, u);
		uint64_t off = map.iova - 0x200000000ull;
		assert_int_equal(off % 4096, 0);
		assert_true(off + 131072 <= 8ull << 20);
		assert_int_equal(map.len, 131072);
		assert_int_equal(unmap.len, 131072);
		assert_int_equal(unmap.iova, map.iova);
		assert_int_equal(dma.iova, map.iova);
		assert_int_equal(dma.len, 130000);
		assert_int_equal(map.slot, u % 3);
		assert_int_equal(map.user_va, 0x600000000000ull + (u % 3) * 131072);
		bool w = dma.kind == IOMMUSIM_TRAFFIC_DMA_WRITE;
		assert_true(w || dma.kind == IOMMUSIM_TRAFFIC_DMA_READ);
		assert_int_equal(map.perm, w ? IOMMUSIM_ACC_WRITE : IOMMUSIM_ACC_READ);
		writes += w;
		u++;
	}
	assert_int_equal(u, 3000);
	assert_true(writes > 1500 - 140 && writes < 1500 + 140);   /* sd 27 */
	iommusim_traffic_destroy(t);

	/* explicit align 1M with 128K blocks: offsets are multiples of 1M, slots (1G - 128K) / 1M + 1 */
	t = gen("pattern=storage block=128K span=1G align=1M seed=2 write=1 count=6000");
	bool seen_last = false;
	while (iommusim_traffic_next(t, &map)) {
		uint64_t off = map.iova - 0x100000;
		assert_int_equal(off % (1u << 20), 0);
		assert_true(off + (128u << 10) <= 1ull << 30);
		if (map.kind == IOMMUSIM_TRAFFIC_MAP)
			assert_int_equal(map.perm, IOMMUSIM_ACC_WRITE);
		if (map.kind == IOMMUSIM_TRAFFIC_DMA_WRITE && off == (1ull << 30) - (1u << 20))
			seen_last = true;
	}
	assert_true(seen_last);   /* 1024 slots, 6000 draws: the last slot is hit */
	iommusim_traffic_destroy(t);
}

/* ---- rate, determinism, reset --------------------------------------------------------------- */

static void rate_times(void **state)
{
	/* 4 KiB at 10 Gb/s: 32768 bits / 10^10 b/s = 3.2768 us per DMA */
	iommusim_traffic_t *t = gen("pattern=seq span=16K size=4K count=4 rate=10Gb/s");
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(next_op(t).time, i * 3276800ull);
	iommusim_traffic_destroy(t);

	/* 3 M units/s: 333333.33 ps apart, floor(n * 10^12 / 3e6) */
	t = gen("pattern=random span=1M size=64 count=4 rate=3Mop/s");
	static const uint64_t ups[] = { 0, 333333, 666666, 1000000 };
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(next_op(t).time, ups[i]);
	iommusim_traffic_destroy(t);

	/* storage counts block bytes: 128 KiB at 1 GB/s (8 Gb/s) = 131.072 us */
	t = gen("pattern=storage block=128K span=1M count=2 rate=1GB/s");
	for (unsigned i = 0; i < 6; i++)
		assert_int_equal(next_op(t).time, (i / 3) * 131072000ull);
	iommusim_traffic_destroy(t);

	/* a rate so low that the second unit is past the end of time */
	t = gen("pattern=seq span=1G size=1G count=3 rate=1b/s");
	assert_int_equal(next_op(t).time, 0);
	assert_int_equal(next_op(t).time, IOMMUSIM_TIME_MAX);
	assert_int_equal(next_op(t).time, IOMMUSIM_TIME_MAX);
	iommusim_traffic_destroy(t);
}

/* 10^6 packets at a rate that does not divide: the n-th time equals the closed form,
 * computed here with 128-bit integers; the last is worked out by hand. */
static void rate_no_drift(void **state)
{
	__extension__ typedef unsigned __int128 u128;
	iommusim_traffic_t *t = gen("pattern=nic pkt=1500 buf=2K queues=8 count=1000000 rate=7Gb/s");
	iommusim_traffic_op_t op;
	uint64_t n = 0;
	while (iommusim_traffic_next(t, &op)) {
		uint64_t want = (uint64_t)((u128)op.unit * 1500u * 8u * 1000000000000ull / 7000000000ull);
		if (op.time != want)
			fail_msg("unit %llu: time %llu, want %llu", (unsigned long long)op.unit,
				 (unsigned long long)op.time, (unsigned long long)want);
		n++;
	}
	assert_int_equal(n, 3000000);
	/* unit 999999: 999999 * 12 * 10^15 / (7 * 10^9) = 11999988 * 10^6 / 7 = 1714284 * 10^6 */
	assert_int_equal(op.unit, 999999);
	assert_int_equal(op.time, 1714284000000ull);
	iommusim_traffic_destroy(t);

	/* 2.5 Gb/s, 1 byte units: 3200 ps each, exact */
	t = gen("pattern=seq span=1 size=1 count=1000000 rate=2.5Gb/s");
	while (iommusim_traffic_next(t, &op))
		assert_int_equal(op.time, op.unit * 3200ull);
	iommusim_traffic_destroy(t);
}

static void collect(iommusim_traffic_t *t, iommusim_traffic_op_t *ops, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ops[i] = next_op(t);
}

static void assert_ops_equal(const iommusim_traffic_op_t *a, const iommusim_traffic_op_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(a[i].kind, b[i].kind);
		assert_int_equal(a[i].iova, b[i].iova);
		assert_int_equal(a[i].len, b[i].len);
		assert_int_equal(a[i].seq, b[i].seq);
		assert_int_equal(a[i].unit, b[i].unit);
		assert_int_equal(a[i].queue, b[i].queue);
		assert_int_equal(a[i].slot, b[i].slot);
		assert_int_equal(a[i].time, b[i].time);
		assert_int_equal(a[i].user_va, b[i].user_va);
		assert_int_equal(a[i].perm, b[i].perm);
	}
}

static void determinism(void **state)
{
	static const char *const specs[] = {
		"pattern=seq span=64K size=4K count=100 rate=10Gb/s",
		"pattern=stride stride=12K span=1M size=4K count=100",
		"pattern=random seed=7 span=1G size=4K write_pct=50 count=100 rate=1Mop/s",
		"pattern=zipf theta=1.2 pages=1000 seed=7 write_pct=10 count=100",
		"pattern=nic queues=3 ring=5 count=40 rate=40Gb/s",
		"pattern=storage seed=7 block=64K span=256M bufs=4 write_pct=40 count=40",
	};
	enum { N = 100 };
	iommusim_traffic_op_t a[N], b[N];

	for (size_t s = 0; s < sizeof(specs) / sizeof(specs[0]); s++) {
		iommusim_traffic_t *t1 = gen(specs[s]), *t2 = gen(specs[s]);
		size_t n = iommusim_traffic_total_ops(t1) < N ? iommusim_traffic_total_ops(t1) : N;
		collect(t1, a, n);
		collect(t2, b, n);
		assert_ops_equal(a, b, n);
		/* reset replays, also after a partial run */
		iommusim_traffic_reset(t1);
		assert_int_equal(iommusim_traffic_produced(t1), 0);
		collect(t1, b, n / 2);
		iommusim_traffic_reset(t1);
		collect(t1, b, n);
		assert_ops_equal(a, b, n);
		iommusim_traffic_destroy(t1);
		iommusim_traffic_destroy(t2);
	}
}

static void seed_matters(void **state)
{
	static const char *const pairs[][2] = {
		{ "pattern=random seed=1 span=1G size=4K count=64", "pattern=random seed=2 span=1G size=4K count=64" },
		{ "pattern=zipf seed=1 count=64", "pattern=zipf seed=2 count=64" },
		{ "pattern=storage seed=1 count=64", "pattern=storage seed=2 count=64" },
		{ "pattern=random seed=0 span=1G size=4K count=64", "pattern=random seed=1 span=1G size=4K count=64" },
	};
	for (size_t p = 0; p < sizeof(pairs) / sizeof(pairs[0]); p++) {
		iommusim_traffic_t *t1 = gen(pairs[p][0]), *t2 = gen(pairs[p][1]);
		iommusim_traffic_op_t a, b;
		unsigned same = 0, n = 0;
		while (iommusim_traffic_next(t1, &a) && iommusim_traffic_next(t2, &b)) {
			same += a.iova == b.iova;
			n++;
		}
		if (same > n / 4)
			fail_msg("'%s' vs '%s': %u of %u IOVAs equal", pairs[p][0], pairs[p][1], same, n);
		iommusim_traffic_destroy(t1);
		iommusim_traffic_destroy(t2);
	}
}

/* A generator after its end and after reset; bad arguments. */
static void api_edges(void **state)
{
	iommusim_traffic_t *t = gen("pattern=seq span=8K size=4K count=2");
	iommusim_traffic_op_t op;
	iommusim_error_t err = { 0 };

	assert_false(iommusim_traffic_next(NULL, &op));
	assert_false(iommusim_traffic_next(t, NULL));
	expect_dma(t, 0, IOMMUSIM_TRAFFIC_DMA_READ, 0x100000, 4096);
	expect_dma(t, 1, IOMMUSIM_TRAFFIC_DMA_READ, 0x101000, 4096);
	expect_end(t);
	assert_int_equal(iommusim_traffic_produced(t), 2);
	iommusim_traffic_reset(t);
	expect_dma(t, 0, IOMMUSIM_TRAFFIC_DMA_READ, 0x100000, 4096);
	iommusim_traffic_destroy(t);

	iommusim_traffic_reset(NULL);
	iommusim_traffic_destroy(NULL);
	assert_null(iommusim_traffic_cfg(NULL));
	assert_int_equal(iommusim_traffic_total_ops(NULL), 0);
	assert_int_equal(iommusim_traffic_produced(NULL), 0);

	assert_null(iommusim_traffic_create(NULL, &err));
	assert_int_equal(err.code, -EINVAL);
	iommusim_traffic_cfg_t cfg;
	iommusim_traffic_cfg_default(&cfg, IOMMUSIM_TRAFFIC_SEQ);
	cfg.size = 0;
	assert_null(iommusim_traffic_create(&cfg, &err));
	assert_int_equal(err.code, -ERANGE);
	assert_non_null(strstr(err.msg, "size=0"));
	assert_null(iommusim_traffic_create(&cfg, NULL));   /* no error record: still NULL */

	/* a code-built configuration with the largest zipf table */
	iommusim_traffic_cfg_default(&cfg, IOMMUSIM_TRAFFIC_ZIPF);
	cfg.pages = IOMMUSIM_TRAFFIC_MAX_PAGES;
	cfg.count = 10;
	t = iommusim_traffic_create(&cfg, &err);
	assert_non_null(t);
	while (iommusim_traffic_next(t, &op))
		assert_true(op.iova >= 0x100000 && op.iova < 0x100000 + (IOMMUSIM_TRAFFIC_MAX_PAGES << 12));
	iommusim_traffic_destroy(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seq_exact),
		cmocka_unit_test(seq_partial_span),
		cmocka_unit_test(stride_wrap),
		cmocka_unit_test(stride_top_of_space),
		cmocka_unit_test(random_golden),
		cmocka_unit_test(random_uniform),
		cmocka_unit_test(random_bounds),
		cmocka_unit_test(random_write_pct),
		cmocka_unit_test(zipf_golden),
		cmocka_unit_test(zipf_rank_ratio),
		cmocka_unit_test(zipf_distribution),
		cmocka_unit_test(zipf_one_page),
		cmocka_unit_test(nic_ring_order),
		cmocka_unit_test(nic_windows),
		cmocka_unit_test(nic_64_flows),
		cmocka_unit_test(storage_golden),
		cmocka_unit_test(storage_alignment),
		cmocka_unit_test(rate_times),
		cmocka_unit_test(rate_no_drift),
		cmocka_unit_test(determinism),
		cmocka_unit_test(seed_matters),
		cmocka_unit_test(api_edges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
