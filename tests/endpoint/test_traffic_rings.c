/* SPDX-License-Identifier: MIT */
/*
 * The nic pattern's receive-descriptor and completion rings (models/endpoint/traffic.c,
 * include/iommusim/traffic.h "Rings"): the exact op sequence worked out by hand from the
 * layout rules, the exact number of ops, the derived ring area (IOVA and user address),
 * rings of one kind only, an explicit rings=, a page larger than the area, and reset.
 */
#include "tests/support/test.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "iommusim/traffic.h"

#define RW (IOMMUSIM_ACC_READ | IOMMUSIM_ACC_WRITE)

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

/* The expected fields of one op; the others (user_va, perm) are 0 unless set. */
typedef struct want {
	iommusim_traffic_kind_t kind;
	uint64_t iova, len;
	uint64_t unit;
	uint32_t queue, slot;
	bool ring;
	uint64_t user_va;
	unsigned perm;
} want_t;

static void expect_op(iommusim_traffic_t *t, uint64_t seq, const want_t *w, iommusim_time_t time)
{
	iommusim_traffic_op_t op;
	if (!iommusim_traffic_next(t, &op))
		fail_msg("the generator ended before op %llu", (unsigned long long)seq);
	if (op.seq != seq || op.kind != w->kind || op.iova != w->iova || op.len != w->len ||
	    op.unit != w->unit || op.queue != w->queue || op.slot != w->slot ||
	    op.ring != w->ring || op.user_va != w->user_va || op.perm != w->perm || op.time != time)
		fail_msg("op %llu: kind %d iova 0x%llx len 0x%llx unit %llu q%u s%u ring %d uva 0x%llx "
			 "perm %u t %llu; want kind %d iova 0x%llx len 0x%llx unit %llu q%u s%u "
			 "ring %d uva 0x%llx perm %u t %llu", (unsigned long long)seq, op.kind,
			 (unsigned long long)op.iova, (unsigned long long)op.len,
			 (unsigned long long)op.unit, op.queue, op.slot, op.ring,
			 (unsigned long long)op.user_va, op.perm, (unsigned long long)op.time,
			 w->kind, (unsigned long long)w->iova, (unsigned long long)w->len,
			 (unsigned long long)w->unit, w->queue, w->slot, w->ring,
			 (unsigned long long)w->user_va, w->perm, (unsigned long long)time);
}

static void expect_end(iommusim_traffic_t *t)
{
	iommusim_traffic_op_t op;
	assert_false(iommusim_traffic_next(t, &op));
}

/*
 * queues=2 ring=4 pkt=1500 buf=2K desc=16 cqe=64 base=0x100000 uva=0x7f0000000000, 9 packets
 * at 100 Gb/s (1500 B = 12000 bits: 120 ns = 120000 ps apart).
 *
 *   buffers: map_len = 4K, window = 4 x 4K = 0x4000; queue q slot s at
 *            0x100000 + q * 0x4000 + s * 0x1000; the windows end at 0x108000
 *   rings:   desc ring = round_up(4 x 16 = 64, 4K) = 0x1000,
 *            cqe ring = round_up(4 x 64 = 256, 4K) = 0x1000, 0x2000 per queue,
 *            area = 2 x 0x2000 = 0x4000 at round_up(0x108000, 2M) = 0x200000
 *            queue 0: descriptors 0x200000, completions 0x201000
 *            queue 1: descriptors 0x202000, completions 0x203000
 *            slot s: descriptor + s * 16, completion + s * 64
 *   user:    the area at round_up(0x7f0000000000 + 0x8000, 2M) = 0x7f0000200000
 *   packet n: queue n mod 2, slot (n / 2) mod 4; seq 0 is the area's MAP, packet n's ops are
 *   seq 1 + 5n .. 5 + 5n, the area's UNMAP is seq 46 (unit 8): 47 ops.
 */
static void nic_rings_exact(void **state)
{
	static const struct {
		uint32_t q, s;
		uint64_t buf, desc, cqe;
	} pk[9] = {
		{ 0, 0, 0x100000, 0x200000, 0x201000 },
		{ 1, 0, 0x104000, 0x202000, 0x203000 },
		{ 0, 1, 0x101000, 0x200010, 0x201040 },
		{ 1, 1, 0x105000, 0x202010, 0x203040 },
		{ 0, 2, 0x102000, 0x200020, 0x201080 },
		{ 1, 2, 0x106000, 0x202020, 0x203080 },
		{ 0, 3, 0x103000, 0x200030, 0x2010c0 },
		{ 1, 3, 0x107000, 0x202030, 0x2030c0 },
		{ 0, 0, 0x100000, 0x200000, 0x201000 },   /* queue 0's ring wrapped */
	};
	const uint64_t U = 0x7f0000000000ull;
	iommusim_traffic_t *t = gen("pattern=nic queues=2 ring=4 pkt=1500 buf=2K desc=16 cqe=64 "
				    "count=9 rate=100Gb/s base=0x100000 uva=0x7f0000000000");

	assert_int_equal(iommusim_traffic_total_ops(t), 9 * 5 + 2);
	assert_int_equal(iommusim_traffic_cfg(t)->rings, 0x200000);

	want_t w = { IOMMUSIM_TRAFFIC_MAP, 0x200000, 0x4000, 0, 0, 0, true, 0x7f0000200000ull, RW };
	expect_op(t, 0, &w, 0);
	for (uint64_t n = 0; n < 9; n++) {
		uint64_t seq = 1 + 5 * n;
		iommusim_time_t time = n * 120000;
		uint32_t q = pk[n].q, s = pk[n].s;

		w = (want_t){ IOMMUSIM_TRAFFIC_MAP, pk[n].buf, 0x1000, n, q, s, false,
			      U + (pk[n].buf - 0x100000), IOMMUSIM_ACC_WRITE };
		expect_op(t, seq, &w, time);
		w = (want_t){ IOMMUSIM_TRAFFIC_DMA_READ, pk[n].desc, 16, n, q, s, true, 0, 0 };
		expect_op(t, seq + 1, &w, time);
		w = (want_t){ IOMMUSIM_TRAFFIC_DMA_WRITE, pk[n].buf, 1500, n, q, s, false, 0, 0 };
		expect_op(t, seq + 2, &w, time);
		w = (want_t){ IOMMUSIM_TRAFFIC_DMA_WRITE, pk[n].cqe, 64, n, q, s, true, 0, 0 };
		expect_op(t, seq + 3, &w, time);
		w = (want_t){ IOMMUSIM_TRAFFIC_UNMAP, pk[n].buf, 0x1000, n, q, s, false, 0, 0 };
		expect_op(t, seq + 4, &w, time);
	}
	/* the area's UNMAP closes the last packet: unit 8, its time 8 x 120 ns */
	w = (want_t){ IOMMUSIM_TRAFFIC_UNMAP, 0x200000, 0x4000, 8, 0, 0, true, 0, 0 };
	expect_op(t, 46, &w, 960000);
	expect_end(t);
	assert_int_equal(iommusim_traffic_produced(t), 47);

	/* reset: the area's MAP comes first again */
	iommusim_traffic_reset(t);
	w = (want_t){ IOMMUSIM_TRAFFIC_MAP, 0x200000, 0x4000, 0, 0, 0, true, 0x7f0000200000ull, RW };
	expect_op(t, 0, &w, 0);
	iommusim_traffic_destroy(t);
}

/* Only descriptors, only completions: the absent ring takes no room and gives no op. */
static void nic_rings_one_kind(void **state)
{
	/* desc=64 ring=256: 16K of descriptors per queue, 3 queues = 48K at
	 * round_up(0x100000 + 3 x 256 x 4K = 0x400000, 2M) = 0x400000; queue q at
	 * 0x400000 + q * 0x4000. 4 ops per packet, 10 packets + 2 = 42. */
	iommusim_traffic_t *t = gen("pattern=nic queues=3 desc=64 count=10");
	iommusim_traffic_op_t op;
	uint64_t n = 0;

	assert_int_equal(iommusim_traffic_total_ops(t), 42);
	while (iommusim_traffic_next(t, &op)) {
		if (op.seq == 0 || op.seq == 41) {
			assert_true(op.ring);
			assert_int_equal(op.iova, 0x400000);
			assert_int_equal(op.len, 0xc000);
			continue;
		}
		/* packet u = (seq - 1) / 4: MAP, desc read, packet write, UNMAP */
		uint64_t u = (op.seq - 1) / 4, ph = (op.seq - 1) % 4;
		assert_int_equal(op.unit, u);
		assert_int_equal(op.ring, ph == 1);
		if (ph == 1) {
			assert_int_equal(op.kind, IOMMUSIM_TRAFFIC_DMA_READ);
			assert_int_equal(op.iova, 0x400000 + (u % 3) * 0x4000 + (u / 3) * 64);
			assert_int_equal(op.len, 64);
			n++;
		}
		assert_true(op.kind != IOMMUSIM_TRAFFIC_DMA_WRITE || ph == 2);
	}
	assert_int_equal(n, 10);
	iommusim_traffic_destroy(t);

	/* cqe=32 ring=8, 1 queue: the completion ring is the whole 4K area, at
	 * round_up(0x100000 + 8 x 4K, 2M) = 0x200000 (no descriptor ring before it); packet n's
	 * completion at 0x200000 + (n mod 8) * 32. MAP, packet write, completion write, UNMAP. */
	t = gen("pattern=nic ring=8 cqe=32 count=9");
	assert_int_equal(iommusim_traffic_total_ops(t), 9 * 4 + 2);
	n = 0;
	while (iommusim_traffic_next(t, &op)) {
		if (!op.ring || op.kind != IOMMUSIM_TRAFFIC_DMA_WRITE)
			continue;
		assert_int_equal(op.seq, 1 + 4 * n + 2);
		assert_int_equal(op.iova, 0x200000 + (n % 8) * 32);
		assert_int_equal(op.len, 32);
		n++;
	}
	assert_int_equal(n, 9);
	iommusim_traffic_destroy(t);

	/* no rings: the triplets alone, nothing marked */
	t = gen("pattern=nic queues=2 count=50");
	assert_int_equal(iommusim_traffic_total_ops(t), 150);
	while (iommusim_traffic_next(t, &op))
		assert_false(op.ring);
	iommusim_traffic_destroy(t);
}

/* The total is exact for a long run: every op produced once, then the end. */
static void nic_rings_total(void **state)
{
	iommusim_traffic_t *t = gen("pattern=nic queues=64 ring=256 desc=64 cqe=64 pkt=64 "
				    "count=100000");
	iommusim_traffic_op_t op;
	uint64_t n = 0, maps = 0, unmaps = 0, ring_dmas = 0;

	/* 5 per packet + 2 */
	assert_int_equal(iommusim_traffic_total_ops(t), 500002);
	while (iommusim_traffic_next(t, &op)) {
		assert_int_equal(op.seq, n);
		n++;
		maps += op.kind == IOMMUSIM_TRAFFIC_MAP;
		unmaps += op.kind == IOMMUSIM_TRAFFIC_UNMAP;
		ring_dmas += op.ring && op.kind != IOMMUSIM_TRAFFIC_MAP &&
			     op.kind != IOMMUSIM_TRAFFIC_UNMAP;
	}
	assert_int_equal(n, 500002);
	assert_int_equal(maps, 100001);
	assert_int_equal(unmaps, 100001);
	assert_int_equal(ring_dmas, 200000);
	iommusim_traffic_destroy(t);
}

/* The derived area, an explicit rings=, the area's user address, a large page. */
static void nic_rings_placement(void **state)
{
	iommusim_traffic_cfg_t c;
	iommusim_error_t err = { 0 };
	iommusim_traffic_op_t op;

	/* window=2M x 5 queues from 0x40000000: the windows end at 0x40a00000, already 2M
	 * aligned, so the area starts there; the user area at 0x10000000 + 10M = 0x10a00000 */
	iommusim_traffic_t *t = gen("pattern=nic queues=5 ring=16 window=2M desc=16 base=0x40000000 "
				    "uva=0x10000000 count=1");
	assert_int_equal(iommusim_traffic_cfg(t)->rings, 0x40a00000);
	assert_true(iommusim_traffic_next(t, &op));
	assert_int_equal(op.iova, 0x40a00000);
	assert_int_equal(op.user_va, 0x10a00000);
	assert_int_equal(op.len, 5 * 0x1000);
	iommusim_traffic_destroy(t);

	/* an explicit area below the windows; its user memory stays after the buffers'
	 * (0x7f0000000000 + 256 x 4K = 0x7f0000100000, rounded up to 2M: 0x7f0000200000) */
	t = gen("pattern=nic desc=16 cqe=16 rings=0x8000 count=1");
	assert_int_equal(iommusim_traffic_cfg(t)->rings, 0x8000);
	assert_true(iommusim_traffic_next(t, &op));
	assert_int_equal(op.iova, 0x8000);
	assert_int_equal(op.user_va, 0x7f0000200000ull);
	assert_int_equal(op.len, 0x2000);   /* 256 x 16 = 4K of each */
	assert_true(iommusim_traffic_next(t, &op));   /* buffer MAP */
	assert_true(iommusim_traffic_next(t, &op));   /* descriptor 0 */
	assert_int_equal(op.iova, 0x8000);
	assert_true(iommusim_traffic_next(t, &op));   /* packet */
	assert_true(iommusim_traffic_next(t, &op));   /* completion 0: after the 4K of descriptors */
	assert_int_equal(op.iova, 0x9000);
	iommusim_traffic_destroy(t);

	/* page=2M: the 16K area is mapped as one 2M page; the 2M buffers' windows (2 x 4 x 2M)
	 * end at 0x200000 + 16M = 0x1200000 */
	t = gen("pattern=nic queues=2 ring=4 desc=16 cqe=64 page=2M base=0x200000 count=1");
	assert_true(iommusim_traffic_next(t, &op));
	assert_int_equal(op.iova, 0x1200000);
	assert_int_equal(op.len, 2u << 20);
	iommusim_traffic_destroy(t);

	/* a configuration built in code: check leaves the caller's 0, create resolves it, and
	 * the resolved configuration is valid as it stands */
	iommusim_traffic_cfg_default(&c, IOMMUSIM_TRAFFIC_NIC);
	c.queues = 2;
	c.ring = 4;
	c.cqe = 64;
	assert_int_equal(iommusim_traffic_cfg_check(&c, &err), 0);
	assert_int_equal(c.rings, 0);
	t = iommusim_traffic_create(&c, &err);
	assert_non_null(t);
	assert_int_equal(iommusim_traffic_cfg(t)->rings, 0x200000);
	assert_int_equal(iommusim_traffic_cfg_check(iommusim_traffic_cfg(t), &err), 0);
	iommusim_traffic_destroy(t);
	c.rings = 0x104000;   /* inside queue 1's window (0x104000..0x107fff) */
	assert_null(iommusim_traffic_create(&c, &err));
	assert_int_equal(err.code, -EINVAL);
	assert_non_null(strstr(err.msg, "rings=0x104000: the ring area 0x104000..0x105fff (8K) "
				       "overlaps the queues' buffer windows 0x100000..0x107fff"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nic_rings_exact),
		cmocka_unit_test(nic_rings_one_kind),
		cmocka_unit_test(nic_rings_total),
		cmocka_unit_test(nic_rings_placement),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
