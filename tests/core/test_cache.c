/* SPDX-License-Identifier: MIT */
/*
 * Tests of the generic set-associative cache (include/iommusim/cache.h).
 *
 * The replacement decisions are checked against the independent reference model in
 * cache_ref.h over long seeded random traces, and short sequences against values worked out
 * by hand.
 */
#include "tests/support/test.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "iommusim/cache.h"
#include "tests/core/cache_ref.h"

/* ---------------------------------------------------------------------------------------- */
/* helpers                                                                                  */

static iommusim_cache_t *mk(unsigned sets, unsigned ways, iommusim_cache_repl_t r, uint32_t seed,
			    size_t payload)
{
	iommusim_cache_geom_t g = { .sets = sets, .ways = ways, .repl = r, .seed = seed,
				    .payload_size = payload };
	iommusim_error_t err = { 0 };
	iommusim_cache_t *c = iommusim_cache_create(&g, &err);
	if (!c)
		fail_msg("create failed: %s", err.msg);
	return c;
}

/* Inserts an exact (4 KiB page) entry with a uint64_t payload; returns the way. */
static unsigned put(iommusim_cache_t *c, unsigned set, uint64_t tag, uint64_t ctx, uint64_t val,
		    iommusim_cache_victim_t *v)
{
	iommusim_cache_loc_t loc;
	iommusim_cache_victim_t vv;
	void *p = iommusim_cache_insert(c, set, tag, ~0ull, ctx, IOMMUSIM_CACHE_F_LEAF, &val, &loc,
					v ? v : &vv);
	assert_non_null(p);
	assert_int_equal(loc.set, set);
	return loc.way;
}

/* Looks up and returns the way, or -1. */
static int get(iommusim_cache_t *c, unsigned set, uint64_t tag, uint64_t ctx)
{
	iommusim_cache_loc_t loc;
	void *p = iommusim_cache_lookup(c, set, tag, ctx, &loc);
	assert_int_equal(loc.set, set);
	if (!p) {
		assert_int_equal(loc.way, IOMMUSIM_CACHE_NO_WAY);
		return -1;
	}
	return (int)loc.way;
}

static uint64_t rng_next(uint64_t *s)
{
	/* xorshift64*: the trace generator only, unrelated to the cache's LFSR. */
	uint64_t x = *s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dull;
}

/* Checks that the cache holds exactly the reference's valid entries. */
typedef struct cmp_ctx {
	const ref_t *r;
	size_t seen;
} cmp_ctx_t;

static void cmp_visit(void *arg, iommusim_cache_loc_t loc, uint64_t tag, uint64_t tag_mask,
		      uint64_t ctx, uint32_t flags, const void *payload)
{
	cmp_ctx_t *cc = arg;
	const ref_ent_t *e = &cc->r->e[loc.set][loc.way];
	uint64_t val;

	memcpy(&val, payload, sizeof(val));
	assert_true(e->valid);
	assert_int_equal(tag, e->tag);
	assert_int_equal(tag_mask, e->mask);
	assert_int_equal(ctx, e->ctx);
	assert_int_equal(flags, e->flags);
	assert_int_equal(val, e->val);
	cc->seen++;
}

static void ref_compare_all(const ref_t *r, const iommusim_cache_t *c)
{
	cmp_ctx_t cc = { r, 0 };
	size_t n = 0;

	for (unsigned s = 0; s < r->sets; s++)
		for (unsigned w = 0; w < r->ways; w++)
			n += r->e[s][w].valid;
	iommusim_cache_foreach(c, cmp_visit, &cc);
	assert_int_equal(cc.seen, n);
	assert_int_equal(iommusim_cache_count(c), n);
}

/* ---------------------------------------------------------------------------------------- */
/* long random traces against the reference                                                 */

/* Runs `steps` operations: lookups (inserting on a miss), direct inserts (often updates in
 * place), probes, single-key invalidations and rare flushes. Keys mix exact 4 KiB entries and
 * entries covering 4 pages (mask ~3), so overlapping entries and lowest-way-wins occur. */
static void run_trace(unsigned sets, unsigned ways, iommusim_cache_repl_t repl, uint32_t seed,
		      uint64_t rseed, unsigned steps)
{
	static ref_t r;
	iommusim_cache_t *c = mk(sets, ways, repl, seed, sizeof(uint64_t));
	uint64_t universe = (uint64_t)sets * ways * 3 + 8;
	uint64_t rs = rseed;
	unsigned dropped = 0;

	ref_init(&r, sets, ways, repl, seed);
	for (unsigned i = 0; i < steps; i++) {
		uint64_t x = rng_next(&rs);
		unsigned op = (unsigned)(x % 100);
		uint64_t tag = (x >> 8) % universe;
		uint64_t ctx = (x >> 40) & 1;
		uint64_t mask = ((x >> 41) & 3) == 0 ? ~3ull : ~0ull;
		uint32_t flags = (uint32_t)(x >> 43) & 3;
		uint64_t val = x >> 20;
		unsigned set = (unsigned)((tag >> 2) % sets);
		iommusim_cache_loc_t loc;
		iommusim_cache_victim_t v;
		ref_ent_t ev;

		if (op < 70) {
			int want = ref_lookup(&r, set, tag, ctx);
			uint64_t *p = iommusim_cache_lookup(c, set, tag, ctx, &loc);
			assert_int_equal(loc.set, set);
			if (want < 0) {
				assert_null(p);
				assert_int_equal(loc.way, IOMMUSIM_CACHE_NO_WAY);
				unsigned w = ref_insert(&r, set, tag, mask, ctx, flags, val, &ev);
				p = iommusim_cache_insert(c, set, tag, mask, ctx, flags, &val, &loc, &v);
				assert_non_null(p);
				assert_int_equal(loc.way, w);
				assert_int_equal(v.evicted, ev.valid);
				if (ev.valid) {
					assert_int_equal(v.tag, ev.tag);
					assert_int_equal(v.tag_mask, ev.mask);
					assert_int_equal(v.ctx, ev.ctx);
					assert_int_equal(v.flags, ev.flags);
				}
			} else {
				assert_non_null(p);
				assert_int_equal(loc.way, (unsigned)want);
				assert_int_equal(*p, r.e[set][want].val);
			}
		} else if (op < 82) {
			unsigned w = ref_insert(&r, set, tag, mask, ctx, flags, val, &ev);
			iommusim_cache_insert(c, set, tag, mask, ctx, flags, &val, &loc, &v);
			assert_int_equal(loc.way, w);
			assert_int_equal(v.evicted, ev.valid);
			if (ev.valid)
				assert_int_equal(v.tag, ev.tag);
		} else if (op < 90) {
			/* probe: same answer, no state change (the reference is not touched). */
			int want = ref_find(&r, set, tag, ctx);
			const uint64_t *p = iommusim_cache_probe(c, set, tag, ctx, &loc);
			assert_int_equal(loc.way, want < 0 ? IOMMUSIM_CACHE_NO_WAY : (unsigned)want);
			if (want >= 0)
				assert_int_equal(*p, r.e[set][want].val);
			else
				assert_null(p);
		} else if (op < 99) {
			/* drop every entry of ctx whose range holds page `tag`. */
			iommusim_cache_match_t m = { .ctx_mask = ~0ull, .ctx_value = ctx,
						     .use_range = true, .tag_lo = tag,
						     .tag_hi = tag };
			size_t want = 0, scanned = 0;
			for (unsigned s = 0; s < sets; s++) {
				for (unsigned w = 0; w < ways; w++) {
					ref_ent_t *e = &r.e[s][w];
					if (e->valid && e->ctx == ctx && (tag & e->mask) == e->tag) {
						e->valid = false;
						want++;
					}
				}
			}
			assert_int_equal(iommusim_cache_invalidate(c, &m, &scanned), want);
			assert_int_equal(scanned, (size_t)sets * ways);
			dropped += (unsigned)want;
		} else if ((x >> 50) % 8 == 0) {
			ref_reset(&r);
			iommusim_cache_flush(c);
		}
		if (i % 512 == 0)
			ref_compare_all(&r, c);
	}
	ref_compare_all(&r, c);
	const iommusim_cache_stats_t *st = iommusim_cache_stats(c);
	assert_int_equal(st->lookups, r.lookups);
	assert_int_equal(st->hits, r.hits);
	assert_int_equal(st->misses, r.misses);
	assert_int_equal(st->fills, r.fills);
	assert_int_equal(st->evictions, r.evictions);
	assert_int_equal(st->updates, r.updates);
	/* The trace must exercise what it claims to. */
	assert_true(r.evictions > steps / 50);
	assert_true(r.hits > steps / 20);
	assert_true(r.updates > steps / 200);
	assert_true(dropped > 0);
	iommusim_cache_destroy(c);
}

static void trace_lru(void **state)
{
	(void)state;
	run_trace(4, 1, IOMMUSIM_REPL_LRU, 0, 11, 20000);
	run_trace(4, 2, IOMMUSIM_REPL_LRU, 0, 12, 20000);
	run_trace(4, 3, IOMMUSIM_REPL_LRU, 0, 13, 20000);
	run_trace(4, 8, IOMMUSIM_REPL_LRU, 0, 14, 40000);
	run_trace(2, 12, IOMMUSIM_REPL_LRU, 0, 15, 40000);
	run_trace(1, 64, IOMMUSIM_REPL_LRU, 0, 16, 60000);
}

static void trace_plru(void **state)
{
	(void)state;
	run_trace(4, 1, IOMMUSIM_REPL_TREE_PLRU, 0, 21, 20000);
	run_trace(4, 2, IOMMUSIM_REPL_TREE_PLRU, 0, 22, 20000);
	run_trace(4, 4, IOMMUSIM_REPL_TREE_PLRU, 0, 23, 20000);
	run_trace(8, 8, IOMMUSIM_REPL_TREE_PLRU, 0, 24, 40000);
	run_trace(2, 16, IOMMUSIM_REPL_TREE_PLRU, 0, 25, 40000);
	run_trace(1, 64, IOMMUSIM_REPL_TREE_PLRU, 0, 26, 60000);
}

static void trace_rr(void **state)
{
	(void)state;
	run_trace(4, 1, IOMMUSIM_REPL_ROUND_ROBIN, 0, 31, 20000);
	run_trace(4, 5, IOMMUSIM_REPL_ROUND_ROBIN, 0, 32, 20000);
	run_trace(4, 8, IOMMUSIM_REPL_ROUND_ROBIN, 0, 33, 40000);
	run_trace(1, 64, IOMMUSIM_REPL_ROUND_ROBIN, 0, 34, 60000);
}

static void trace_random(void **state)
{
	(void)state;
	run_trace(4, 1, IOMMUSIM_REPL_RANDOM, 0, 41, 20000);
	run_trace(4, 4, IOMMUSIM_REPL_RANDOM, 1, 42, 20000);
	run_trace(4, 6, IOMMUSIM_REPL_RANDOM, 0xdeadbeef, 43, 40000);
	run_trace(8, 8, IOMMUSIM_REPL_RANDOM, 0x12345678, 44, 40000);
	run_trace(1, 64, IOMMUSIM_REPL_RANDOM, 99, 45, 60000);
}

/* ---------------------------------------------------------------------------------------- */
/* hand-worked replacement sequences                                                        */

/* Fills `ways` keys 100.. in set 0, then inserts new keys; returns the victims' ways. */
static void victims_after_fill(iommusim_cache_t *c, unsigned ways, unsigned n, unsigned *out)
{
	for (unsigned i = 0; i < ways; i++)
		assert_int_equal(put(c, 0, 100 + i, 0, i, NULL), i);
	for (unsigned i = 0; i < n; i++) {
		iommusim_cache_victim_t v;
		out[i] = put(c, 0, 1000 + i, 0, 0, &v);
		assert_true(v.evicted);
	}
}

static void lru_by_hand(void **state)
{
	iommusim_cache_t *c = mk(1, 4, IOMMUSIM_REPL_LRU, 0, 8);
	iommusim_cache_victim_t v;
	(void)state;

	for (unsigned i = 0; i < 4; i++)
		put(c, 0, 10 + i, 0, i, NULL);      /* ways 0..3, age order 0,1,2,3 */
	assert_int_equal(get(c, 0, 10, 0), 0);   /* order 1,2,3,0 */
	assert_int_equal(get(c, 0, 12, 0), 2);   /* order 1,3,0,2 */
	assert_int_equal(put(c, 0, 20, 0, 0, &v), 1);
	assert_int_equal(v.tag, 11);             /* order 3,0,2,1 */
	assert_int_equal(put(c, 0, 21, 0, 0, &v), 3);
	assert_int_equal(v.tag, 13);             /* order 0,2,1,3 */
	assert_int_equal(put(c, 0, 22, 0, 0, &v), 0);
	assert_int_equal(v.tag, 10);
	iommusim_cache_destroy(c);
}

static void plru_by_hand(void **state)
{
	/* 4 ways, bits (root, left pair, right pair). After filling 0,1,2,3 the root points
	 * left and the left pair points at way 0: victim 0. Filling 0 turns the root right and
	 * the right pair still points at 2: victim 2. Then 1, then 3. (LRU would give
	 * 0,1,2,3.) */
	iommusim_cache_t *c = mk(1, 4, IOMMUSIM_REPL_TREE_PLRU, 0, 8);
	unsigned got[4];
	(void)state;

	victims_after_fill(c, 4, 4, got);
	assert_int_equal(got[0], 0);
	assert_int_equal(got[1], 2);
	assert_int_equal(got[2], 1);
	assert_int_equal(got[3], 3);
	iommusim_cache_destroy(c);

	/* A hit moves the pointer: fill 0..3, hit 0 -> victim 2 (not 0). */
	c = mk(1, 4, IOMMUSIM_REPL_TREE_PLRU, 0, 8);
	for (unsigned i = 0; i < 4; i++)
		put(c, 0, 10 + i, 0, i, NULL);
	assert_int_equal(get(c, 0, 10, 0), 0);
	assert_int_equal(put(c, 0, 50, 0, 0, NULL), 2);
	iommusim_cache_destroy(c);

	/* ways = 1: no tree bits, always way 0. */
	c = mk(2, 1, IOMMUSIM_REPL_TREE_PLRU, 0, 8);
	assert_int_equal(put(c, 1, 1, 0, 0, NULL), 0);
	assert_int_equal(put(c, 1, 2, 0, 0, NULL), 0);
	assert_int_equal(get(c, 1, 1, 0), -1);
	assert_int_equal(get(c, 1, 2, 0), 0);
	iommusim_cache_destroy(c);
}

static void rr_by_hand(void **state)
{
	iommusim_cache_t *c = mk(2, 3, IOMMUSIM_REPL_ROUND_ROBIN, 0, 8);
	unsigned got[7];
	(void)state;

	/* Hits do not move the pointer. */
	for (unsigned i = 0; i < 3; i++)
		put(c, 0, 100 + i, 0, i, NULL);
	assert_int_equal(get(c, 0, 100, 0), 0);
	for (unsigned i = 0; i < 7; i++)
		got[i] = put(c, 0, 1000 + i, 0, 0, NULL);
	static const unsigned want[7] = { 0, 1, 2, 0, 1, 2, 0 };
	for (unsigned i = 0; i < 7; i++)
		assert_int_equal(got[i], want[i]);
	/* The other set has its own pointer. */
	for (unsigned i = 0; i < 4; i++)
		got[i] = put(c, 1, 2000 + i, 0, 0, NULL);
	assert_int_equal(got[3], 0);
	/* Filling an invalidated way does not advance it: set 0's pointer is at 1. */
	iommusim_cache_match_t m = { .use_range = true, .tag_lo = 1005, .tag_hi = 1005 };
	assert_int_equal(iommusim_cache_invalidate(c, &m, NULL), 1);   /* way 2 */
	assert_int_equal(put(c, 0, 3000, 0, 0, NULL), 2);
	assert_int_equal(put(c, 0, 3001, 0, 0, NULL), 1);
	iommusim_cache_destroy(c);
}

static void random_by_hand(void **state)
{
	/* LFSR from seed 1, stepped by hand: 0x80200003, 0xc0300002, 0x60180001, 0xb02c0003,
	 * 0xd8360002, 0x6c1b0001. Modulo 4: 3 2 1 3 2 1; modulo 5: 3 2 1 3 2 1 (the states are
	 * 3, 2, 1 mod 5 too); modulo 3: 1 2 1 1 2 1. */
	static const unsigned want4[6] = { 3, 2, 1, 3, 2, 1 };
	static const unsigned want3[6] = { 1, 2, 1, 1, 2, 1 };
	unsigned got[6];
	(void)state;

	iommusim_cache_t *c = mk(1, 4, IOMMUSIM_REPL_RANDOM, 1, 8);
	victims_after_fill(c, 4, 6, got);
	for (unsigned i = 0; i < 6; i++)
		assert_int_equal(got[i], want4[i]);
	/* flush puts the LFSR back to the seed: the same sequence again. */
	iommusim_cache_flush(c);
	assert_int_equal(iommusim_cache_count(c), 0);
	victims_after_fill(c, 4, 6, got);
	for (unsigned i = 0; i < 6; i++)
		assert_int_equal(got[i], want4[i]);
	iommusim_cache_destroy(c);

	/* Seed 0 means 1. */
	c = mk(1, 3, IOMMUSIM_REPL_RANDOM, 0, 8);
	victims_after_fill(c, 3, 6, got);
	for (unsigned i = 0; i < 6; i++)
		assert_int_equal(got[i], want3[i]);
	iommusim_cache_destroy(c);

	/* One LFSR per cache, shared by all sets: alternate sets 0 and 1. */
	c = mk(2, 4, IOMMUSIM_REPL_RANDOM, 1, 8);
	for (unsigned s = 0; s < 2; s++)
		for (unsigned i = 0; i < 4; i++)
			put(c, s, 100 + i, 0, 0, NULL);
	for (unsigned i = 0; i < 6; i++)
		assert_int_equal(put(c, i % 2, 1000 + i, 0, 0, NULL), want4[i]);
	/* Hits, updates and fills into invalid ways do not step it. */
	assert_int_equal(get(c, 0, 1000, 0), want4[0]);
	put(c, 0, 1000, 0, 5, NULL);                    /* update in place */
	iommusim_cache_match_t m = { .use_range = true, .tag_lo = 1002, .tag_hi = 1002 };
	assert_int_equal(iommusim_cache_invalidate(c, &m, NULL), 1);
	assert_int_equal(put(c, 0, 3000, 0, 0, NULL), want4[2]);   /* the freed way */
	/* The 7th state, 0x6c1b0001 -> 0x360d8000 ^ 0x80200003 = 0xb62d8003: way 3. */
	assert_int_equal(put(c, 1, 4000, 0, 0, NULL), 3);
	iommusim_cache_destroy(c);

	/* A different seed, hand-stepped: 0x80000000 -> 0x40000000 -> 0x20000000 (no taps
	 * while bit 0 is clear); mod 8: 0, 0. */
	c = mk(1, 8, IOMMUSIM_REPL_RANDOM, 0x80000000u, 8);
	victims_after_fill(c, 8, 2, got);
	assert_int_equal(got[0], 0);
	assert_int_equal(got[1], 0);
	iommusim_cache_destroy(c);
	/* 0x5 -> (0x2 ^ 0x80200003) = 0x80200001 -> mod 8 = 1; then 0xc0300003 -> 3. */
	c = mk(1, 8, IOMMUSIM_REPL_RANDOM, 0x5u, 8);
	victims_after_fill(c, 8, 2, got);
	assert_int_equal(got[0], 1);
	assert_int_equal(got[1], 3);
	iommusim_cache_destroy(c);
}

/* flush resets every policy's state, not only the LFSR. */
static void flush_resets_policies(void **state)
{
	static const iommusim_cache_repl_t all[] = {
		IOMMUSIM_REPL_LRU, IOMMUSIM_REPL_TREE_PLRU, IOMMUSIM_REPL_ROUND_ROBIN,
		IOMMUSIM_REPL_RANDOM,
	};
	(void)state;

	for (size_t p = 0; p < 4; p++) {
		iommusim_cache_t *a = mk(2, 4, all[p], 77, 8);
		iommusim_cache_t *b = mk(2, 4, all[p], 77, 8);
		unsigned ga[10], gb[10];
		/* Disturb a, then flush it: it must behave like the fresh b. */
		for (unsigned i = 0; i < 13; i++)
			put(a, 0, 500 + i * 7 % 11, 0, 0, NULL);
		get(a, 0, 504, 0);
		iommusim_cache_flush(a);
		victims_after_fill(a, 4, 10, ga);
		victims_after_fill(b, 4, 10, gb);
		for (unsigned i = 0; i < 10; i++)
			assert_int_equal(ga[i], gb[i]);
		iommusim_cache_destroy(a);
		iommusim_cache_destroy(b);
	}
}

/* ---------------------------------------------------------------------------------------- */
/* fills, updates, keys                                                                     */

static void invalid_ways_filled_first(void **state)
{
	static const iommusim_cache_repl_t all[] = {
		IOMMUSIM_REPL_LRU, IOMMUSIM_REPL_TREE_PLRU, IOMMUSIM_REPL_ROUND_ROBIN,
		IOMMUSIM_REPL_RANDOM,
	};
	(void)state;

	for (size_t p = 0; p < 4; p++) {
		iommusim_cache_t *c = mk(4, 8, all[p], 3, 8);
		iommusim_cache_victim_t v;
		for (unsigned i = 0; i < 8; i++) {
			assert_int_equal(put(c, 2, 40 + i, 0, i, &v), i);
			assert_false(v.evicted);
		}
		/* Free ways 5 and 2 (in that order): refills take 2 then 5, no eviction. */
		iommusim_cache_match_t m = { .use_range = true, .tag_lo = 45, .tag_hi = 45 };
		assert_int_equal(iommusim_cache_invalidate(c, &m, NULL), 1);
		m.tag_lo = m.tag_hi = 42;
		assert_int_equal(iommusim_cache_invalidate(c, &m, NULL), 1);
		assert_int_equal(put(c, 2, 90, 0, 0, &v), 2);
		assert_false(v.evicted);
		assert_int_equal(put(c, 2, 91, 0, 0, &v), 5);
		assert_false(v.evicted);
		assert_int_equal(iommusim_cache_stats(c)->evictions, 0);
		put(c, 2, 92, 0, 0, &v);
		assert_true(v.evicted);
		assert_int_equal(iommusim_cache_stats(c)->evictions, 1);
		iommusim_cache_destroy(c);
	}
}

static void update_in_place(void **state)
{
	iommusim_cache_t *c = mk(1, 4, IOMMUSIM_REPL_LRU, 0, 16);
	iommusim_cache_loc_t loc;
	iommusim_cache_victim_t v;
	uint64_t p1[2] = { 1, 2 }, p2[2] = { 3, 4 };
	(void)state;

	uint64_t *s = iommusim_cache_insert(c, 0, 0x1234, ~0ull, 7, IOMMUSIM_CACHE_F_LEAF, p1,
					    &loc, &v);
	assert_int_equal(loc.way, 0);
	assert_int_equal(s[1], 2);
	iommusim_cache_insert(c, 0, 0x2000, ~0ull, 7, IOMMUSIM_CACHE_F_LEAF, NULL, NULL, NULL);
	/* Same key: same way, new flags and payload, nothing evicted, no new entry. */
	s = iommusim_cache_insert(c, 0, 0x1234, ~0ull, 7, IOMMUSIM_CACHE_F_GLOBAL, p2, &loc, &v);
	assert_int_equal(loc.way, 0);
	assert_false(v.evicted);
	assert_int_equal(iommusim_cache_count(c), 2);
	const uint64_t *q = iommusim_cache_lookup(c, 0, 0x1234, 7, NULL);
	assert_ptr_equal(q, s);
	assert_int_equal(q[0], 3);
	assert_int_equal(q[1], 4);
	/* NULL payload on update keeps the old contents. */
	iommusim_cache_insert(c, 0, 0x1234, ~0ull, 7, IOMMUSIM_CACHE_F_GLOBAL, NULL, &loc, &v);
	assert_int_equal(q[0], 3);
	/* The new flags are what invalidation sees: a non-global flush keeps it. */
	iommusim_cache_match_t m = { .flags_mask = IOMMUSIM_CACHE_F_GLOBAL, .flags_value = 0 };
	assert_int_equal(iommusim_cache_invalidate(c, &m, NULL), 1);   /* 0x2000 only */
	assert_non_null(iommusim_cache_probe(c, 0, 0x1234, 7, NULL));
	/* Same tag, other mask or other ctx: a different key, a new entry. */
	iommusim_cache_insert(c, 0, 0x1234, ~0x1ffull, 7, 0, NULL, &loc, &v);
	assert_int_equal(loc.way, 1);
	iommusim_cache_insert(c, 0, 0x1234, ~0ull, 8, 0, NULL, &loc, &v);
	assert_int_equal(loc.way, 2);
	/* An unaligned tag equal after masking is the same key. */
	iommusim_cache_insert(c, 0, 0x13ff, ~0x1ffull, 7, 0, NULL, &loc, &v);
	assert_int_equal(loc.way, 1);
	const iommusim_cache_stats_t *st = iommusim_cache_stats(c);
	assert_int_equal(st->fills, 4);
	assert_int_equal(st->updates, 3);
	iommusim_cache_destroy(c);

	/* An update is an access: fill A B C D (LRU), update A, the next victim is B. */
	c = mk(1, 4, IOMMUSIM_REPL_LRU, 0, 8);
	for (unsigned i = 0; i < 4; i++)
		put(c, 0, 0xa0 + i, 0, i, NULL);
	put(c, 0, 0xa0, 0, 9, NULL);
	assert_int_equal(put(c, 0, 0xff, 0, 0, &v), 1);
	assert_int_equal(v.tag, 0xa1);
	iommusim_cache_destroy(c);

	/* A fresh fill with NULL payload gets a zeroed slot even where an entry was evicted. */
	c = mk(1, 1, IOMMUSIM_REPL_LRU, 0, 8);
	put(c, 0, 1, 0, 0xabcdef, NULL);
	uint64_t *z = iommusim_cache_insert(c, 0, 2, ~0ull, 0, 0, NULL, NULL, NULL);
	assert_int_equal(*z, 0);
	/* A payload that is the slot itself is fine (copying onto itself). */
	*z = 55;
	iommusim_cache_insert(c, 0, 2, ~0ull, 0, 0, z, NULL, NULL);
	assert_int_equal(*z, 55);
	iommusim_cache_destroy(c);
}

static void tag_mask_large_pages(void **state)
{
	/* Tags are 4 KiB page numbers; a 2 MiB entry masks the low 9 bits. */
	iommusim_cache_t *c = mk(16, 4, IOMMUSIM_REPL_LRU, 0, 8);
	uint64_t out = 0xabc00;
	iommusim_cache_loc_t loc;
	(void)state;

	/* Inserted with an unaligned page number: stored aligned. */
	iommusim_cache_insert(c, 3, 0x12345, ~0x1ffull, 1, IOMMUSIM_CACHE_F_LEAF, &out, &loc, NULL);
	static const uint64_t inside[] = { 0x12200, 0x12201, 0x12345, 0x123fe, 0x123ff };
	static const uint64_t outside[] = { 0x121ff, 0x12400, 0x2200, 0x112200, 0 };
	for (size_t i = 0; i < 5; i++) {
		const uint64_t *p = iommusim_cache_lookup(c, 3, inside[i], 1, &loc);
		assert_non_null(p);
		assert_int_equal(*p, 0xabc00);
		assert_int_equal(loc.way, 0);
		assert_null(iommusim_cache_lookup(c, 3, outside[i], 1, NULL));
		assert_null(iommusim_cache_lookup(c, 3, inside[i], 2, NULL));   /* other ctx */
	}
	/* foreach shows the masked tag. */
	static ref_t r;
	ref_init(&r, 16, 4, IOMMUSIM_REPL_LRU, 0);
	r.e[3][0] = (ref_ent_t){ true, 0x12200, ~0x1ffull, 1, 0xabc00, IOMMUSIM_CACHE_F_LEAF };
	ref_compare_all(&r, c);

	/* Overlap: a 4 KiB entry for a page inside the 2 MiB one, in a higher way, is hidden
	 * for that page (lowest way wins); in a lower way it wins. */
	uint64_t small = 0x55;
	iommusim_cache_insert(c, 3, 0x12300, ~0ull, 1, IOMMUSIM_CACHE_F_LEAF, &small, &loc, NULL);
	assert_int_equal(loc.way, 1);
	assert_int_equal(*(const uint64_t *)iommusim_cache_lookup(c, 3, 0x12300, 1, &loc), 0xabc00);
	assert_int_equal(loc.way, 0);
	iommusim_cache_match_t m = { .use_range = true, .tag_lo = 0x12200, .tag_hi = 0x12200 };
	assert_int_equal(iommusim_cache_invalidate(c, &m, NULL), 1);  /* the 2 MiB one */
	iommusim_cache_insert(c, 3, 0x12200, ~0x1ffull, 1, 0, &out, &loc, NULL);
	assert_int_equal(loc.way, 0);   /* lowest invalid */
	assert_int_equal(*(const uint64_t *)iommusim_cache_lookup(c, 3, 0x12300, 1, &loc), 0xabc00);
	/* A mask of 0 covers every tag. */
	iommusim_cache_insert(c, 5, 0xffff, 0, 9, 0, &small, &loc, NULL);
	assert_non_null(iommusim_cache_lookup(c, 5, 0, 9, NULL));
	assert_non_null(iommusim_cache_lookup(c, 5, ~0ull, 9, NULL));
	iommusim_cache_destroy(c);
}

static void ctx_separation(void **state)
{
	iommusim_cache_t *c = mk(1, 8, IOMMUSIM_REPL_TREE_PLRU, 0, 8);
	(void)state;

	/* ctx packs DID << 20 | PASID. */
	uint64_t a = (1ull << 20) | 5, b = (2ull << 20) | 5, d = (1ull << 20) | 6;
	put(c, 0, 0x100, a, 111, NULL);
	put(c, 0, 0x100, b, 222, NULL);
	put(c, 0, 0x100, d, 333, NULL);
	assert_int_equal(iommusim_cache_count(c), 3);
	assert_int_equal(*(uint64_t *)iommusim_cache_lookup(c, 0, 0x100, a, NULL), 111);
	assert_int_equal(*(uint64_t *)iommusim_cache_lookup(c, 0, 0x100, b, NULL), 222);
	assert_int_equal(*(uint64_t *)iommusim_cache_lookup(c, 0, 0x100, d, NULL), 333);
	assert_null(iommusim_cache_lookup(c, 0, 0x100, 5, NULL));
	assert_null(iommusim_cache_lookup(c, 0, 0x100, 0, NULL));
	/* ctx 0 and tag 1 are ordinary values (not confused with empty ways). */
	put(c, 0, 1, 0, 444, NULL);
	assert_int_equal(*(uint64_t *)iommusim_cache_lookup(c, 0, 1, 0, NULL), 444);
	assert_null(iommusim_cache_lookup(c, 0, 0, 0, NULL));
	iommusim_cache_destroy(c);
}

/* ---------------------------------------------------------------------------------------- */
/* invalidation                                                                             */

static size_t inval(iommusim_cache_t *c, iommusim_cache_match_t m)
{
	size_t scanned = 0;
	size_t n = iommusim_cache_invalidate(c, &m, &scanned);
	const iommusim_cache_geom_t *g = iommusim_cache_geom(c);
	assert_int_equal(scanned, (size_t)g->sets * g->ways);
	return n;
}

static bool present(iommusim_cache_t *c, unsigned set, uint64_t tag, uint64_t ctx)
{
	return iommusim_cache_probe(c, set, tag, ctx, NULL) != NULL;
}

static void inval_all_and_ctx(void **state)
{
	iommusim_cache_t *c = mk(4, 4, IOMMUSIM_REPL_LRU, 0, 8);
	(void)state;

	/* 12 entries: DIDs 1..3 x PASIDs 0..3, ctx = DID << 20 | PASID. */
	for (uint64_t did = 1; did <= 3; did++)
		for (uint64_t pasid = 0; pasid < 4; pasid++)
			put(c, (unsigned)pasid, 0x10 + did, did << 20 | pasid, 0, NULL);
	assert_int_equal(iommusim_cache_count(c), 12);
	/* Every PASID of DID 2. */
	iommusim_cache_match_t m = { .ctx_mask = 0xfffull << 20, .ctx_value = 2ull << 20 };
	assert_int_equal(inval(c, m), 4);
	assert_false(present(c, 1, 0x12, 2ull << 20 | 1));
	assert_true(present(c, 1, 0x11, 1ull << 20 | 1));
	assert_true(present(c, 1, 0x13, 3ull << 20 | 1));
	/* PASID 3 of every DID: bits of ctx_value outside the mask are ignored. */
	m = (iommusim_cache_match_t){ .ctx_mask = 0xfffff, .ctx_value = 0xabc00000 | 3 };
	assert_int_equal(inval(c, m), 2);
	/* One exact ctx. */
	m = (iommusim_cache_match_t){ .ctx_mask = ~0ull, .ctx_value = 1ull << 20 };
	assert_int_equal(inval(c, m), 1);
	assert_int_equal(inval(c, m), 0);
	assert_int_equal(iommusim_cache_count(c), 5);
	/* Zero match: everything. */
	m = (iommusim_cache_match_t){ 0 };
	assert_int_equal(inval(c, m), 5);
	assert_int_equal(iommusim_cache_count(c), 0);
	assert_int_equal(inval(c, m), 0);
	const iommusim_cache_stats_t *st = iommusim_cache_stats(c);
	assert_int_equal(st->inval_ops, 6);
	assert_int_equal(st->invalidated, 12);
	/* NULL match: nothing, nothing scanned. */
	size_t scanned = 99;
	put(c, 0, 1, 0, 0, NULL);
	assert_int_equal(iommusim_cache_invalidate(c, NULL, &scanned), 0);
	assert_int_equal(scanned, 0);
	assert_int_equal(iommusim_cache_count(c), 1);
	iommusim_cache_destroy(c);
}

static void inval_range(void **state)
{
	iommusim_cache_t *c = mk(1, 8, IOMMUSIM_REPL_LRU, 0, 8);
	iommusim_cache_match_t m = { .ctx_mask = ~0ull, .ctx_value = 1, .use_range = true };
	(void)state;

	/* 4 KiB pages 0x100, 0x101, 0x200; 2 MiB entries [0x400, 0x5ff], [0x600, 0x7ff];
	 * a 1 GiB entry [0x40000, 0x7ffff]; one 4 KiB page of another ctx at 0x101. */
#define FILL()                                                                             \
	do {                                                                               \
		iommusim_cache_flush(c);                                                   \
		put(c, 0, 0x100, 1, 0, NULL);                                              \
		put(c, 0, 0x101, 1, 0, NULL);                                              \
		put(c, 0, 0x200, 1, 0, NULL);                                              \
		iommusim_cache_insert(c, 0, 0x400, ~0x1ffull, 1, 0, NULL, NULL, NULL);     \
		iommusim_cache_insert(c, 0, 0x600, ~0x1ffull, 1, 0, NULL, NULL, NULL);     \
		iommusim_cache_insert(c, 0, 0x40000, ~0x3ffffull, 1, 0, NULL, NULL, NULL); \
		put(c, 0, 0x101, 2, 0, NULL);                                              \
	} while (0)

	FILL();
	m.tag_lo = 0x101, m.tag_hi = 0x1ff;             /* one small page, other ctx kept */
	assert_int_equal(inval(c, m), 1);
	assert_false(present(c, 0, 0x101, 1));
	assert_true(present(c, 0, 0x101, 2));
	assert_true(present(c, 0, 0x100, 1));

	FILL();
	m.tag_lo = 0x5ff, m.tag_hi = 0x5ff;             /* only the last page of a 2 MiB entry */
	assert_int_equal(inval(c, m), 1);
	assert_false(present(c, 0, 0x400, 1));
	assert_true(present(c, 0, 0x600, 1));

	FILL();
	m.tag_lo = 0x300, m.tag_hi = 0x3ff;             /* a gap: nothing */
	assert_int_equal(inval(c, m), 0);
	m.tag_lo = 0x201, m.tag_hi = 0x3ff;             /* just past a page: nothing */
	assert_int_equal(inval(c, m), 0);
	m.tag_lo = 0x800, m.tag_hi = 0x3ffff;           /* between 2 MiB and 1 GiB: nothing */
	assert_int_equal(inval(c, m), 0);

	FILL();
	m.tag_lo = 0x500, m.tag_hi = 0x600;             /* partially covers both 2 MiB entries */
	assert_int_equal(inval(c, m), 2);
	assert_int_equal(iommusim_cache_count(c), 5);

	FILL();
	m.tag_lo = 0x7ffff, m.tag_hi = ~0ull;           /* last page of the 1 GiB entry, open end */
	assert_int_equal(inval(c, m), 1);
	assert_false(present(c, 0, 0x40000, 1));

	FILL();
	m.tag_lo = 0x0, m.tag_hi = 0x100;               /* range ending on a page */
	assert_int_equal(inval(c, m), 1);
	assert_false(present(c, 0, 0x100, 1));

	FILL();
	m.tag_lo = 0x200, m.tag_hi = 0x100;             /* lo > hi: empty */
	assert_int_equal(inval(c, m), 0);

	FILL();
	m.ctx_mask = 0, m.tag_lo = 0, m.tag_hi = ~0ull; /* any ctx, whole space */
	assert_int_equal(inval(c, m), 7);
#undef FILL
	iommusim_cache_destroy(c);
}

static void inval_flags(void **state)
{
	iommusim_cache_t *c = mk(1, 8, IOMMUSIM_REPL_LRU, 0, 8);
	const uint32_t L = IOMMUSIM_CACHE_F_LEAF, G = IOMMUSIM_CACHE_F_GLOBAL;
	const uint32_t MINE = 1u << 8;                  /* a user flag */
	(void)state;

	static const uint32_t fl[5] = { 0, 1, 2, 3, 1u << 8 | 1 };
	for (unsigned i = 0; i < 5; i++)
		iommusim_cache_insert(c, 0, 0x10 + i, ~0ull, 4, fl[i], NULL, NULL, NULL);
	/* Leaf-only, global kept: drops leaf non-global entries (0x11, 0x14). */
	iommusim_cache_match_t m = { .flags_mask = L | G, .flags_value = L };
	assert_int_equal(inval(c, m), 2);
	assert_false(present(c, 0, 0x11, 4));
	assert_false(present(c, 0, 0x14, 4));
	assert_true(present(c, 0, 0x13, 4));            /* leaf + global */
	assert_true(present(c, 0, 0x10, 4));            /* non-leaf */
	/* flags_value outside flags_mask: can never match. */
	m = (iommusim_cache_match_t){ .flags_mask = L, .flags_value = G };
	assert_int_equal(inval(c, m), 0);
	/* Non-global (any level): 0x10. */
	m = (iommusim_cache_match_t){ .flags_mask = G, .flags_value = 0 };
	assert_int_equal(inval(c, m), 1);
	assert_int_equal(iommusim_cache_count(c), 2);
	/* A user flag. */
	iommusim_cache_insert(c, 0, 0x20, ~0ull, 4, MINE, NULL, NULL, NULL);
	m = (iommusim_cache_match_t){ .flags_mask = MINE, .flags_value = MINE };
	assert_int_equal(inval(c, m), 1);
	/* All conditions together: ctx 4, range, non-leaf. */
	iommusim_cache_insert(c, 0, 0x30, ~0ull, 4, 0, NULL, NULL, NULL);
	iommusim_cache_insert(c, 0, 0x30, ~0ull, 5, 0, NULL, NULL, NULL);
	iommusim_cache_insert(c, 0, 0x31, ~0ull, 4, L, NULL, NULL, NULL);
	m = (iommusim_cache_match_t){ .ctx_mask = ~0ull, .ctx_value = 4, .use_range = true,
				      .tag_lo = 0x30, .tag_hi = 0x31, .flags_mask = L,
				      .flags_value = 0 };
	assert_int_equal(inval(c, m), 1);
	assert_false(present(c, 0, 0x30, 4));
	assert_true(present(c, 0, 0x30, 5));
	assert_true(present(c, 0, 0x31, 4));
	iommusim_cache_destroy(c);
}

/* Invalidation leaves replacement state alone: compared with the reference. */
static void inval_keeps_repl_state(void **state)
{
	static ref_t r;
	iommusim_cache_t *c = mk(1, 8, IOMMUSIM_REPL_TREE_PLRU, 0, 8);
	ref_ent_t ev;
	(void)state;

	ref_init(&r, 1, 8, IOMMUSIM_REPL_TREE_PLRU, 0);
	for (unsigned i = 0; i < 8; i++) {
		put(c, 0, i, 0, 0, NULL);
		ref_insert(&r, 0, i, ~0ull, 0, IOMMUSIM_CACHE_F_LEAF, 0, &ev);
	}
	get(c, 0, 5, 0);
	ref_lookup(&r, 0, 5, 0);
	iommusim_cache_match_t m = { .use_range = true, .tag_lo = 3, .tag_hi = 3 };
	assert_int_equal(inval(c, m), 1);
	r.e[0][3].valid = false;
	for (unsigned i = 0; i < 6; i++) {
		unsigned w = ref_insert(&r, 0, 100 + i, ~0ull, 0, IOMMUSIM_CACHE_F_LEAF, 0, &ev);
		assert_int_equal(put(c, 0, 100 + i, 0, 0, NULL), w);
	}
	iommusim_cache_destroy(c);
}

typedef struct pred_arg {
	unsigned calls;
	uint64_t ctx;
} pred_arg_t;

static bool drop_odd_payload(void *arg, uint64_t tag, uint64_t tag_mask, uint64_t ctx,
			     uint32_t flags, const void *payload)
{
	pred_arg_t *a = arg;
	uint64_t v;
	(void)flags;
	memcpy(&v, payload, sizeof(v));
	a->calls++;
	assert_int_equal(tag & tag_mask, tag);          /* tags are stored masked */
	return ctx == a->ctx && (v & 1);
}

static void inval_if(void **state)
{
	iommusim_cache_t *c = mk(2, 4, IOMMUSIM_REPL_LRU, 0, 8);
	pred_arg_t a = { 0, 3 };
	(void)state;

	for (unsigned i = 0; i < 6; i++)
		put(c, i % 2, 0x40 + i, 3, i, NULL);        /* payloads 0..5: 3 odd */
	put(c, 0, 0x40, 4, 1, NULL);                     /* odd but other ctx */
	iommusim_cache_insert(c, 1, 0x1ff, ~0xffull, 9, 0, NULL, NULL, NULL);
	assert_int_equal(iommusim_cache_invalidate_if(c, drop_odd_payload, &a), 3);
	assert_int_equal(a.calls, 8);                    /* every valid entry, once */
	assert_int_equal(iommusim_cache_count(c), 5);
	assert_false(present(c, 1, 0x41, 3));
	assert_true(present(c, 0, 0x40, 4));
	assert_true(present(c, 0, 0x42, 3));
	assert_int_equal(iommusim_cache_invalidate_if(c, NULL, NULL), 0);
	const iommusim_cache_stats_t *st = iommusim_cache_stats(c);
	assert_int_equal(st->inval_ops, 1);
	assert_int_equal(st->invalidated, 3);
	iommusim_cache_destroy(c);
}

/* ---------------------------------------------------------------------------------------- */
/* probe, locations, stats, payload, misc                                                   */

static void probe_changes_nothing(void **state)
{
	static const iommusim_cache_repl_t pol[] = { IOMMUSIM_REPL_LRU, IOMMUSIM_REPL_TREE_PLRU };
	(void)state;

	for (size_t p = 0; p < 2; p++) {
		iommusim_cache_t *a = mk(1, 4, pol[p], 0, 8);
		iommusim_cache_t *b = mk(1, 4, pol[p], 0, 8);
		iommusim_cache_t *l = mk(1, 4, pol[p], 0, 8);
		iommusim_cache_loc_t loc;
		for (unsigned i = 0; i < 4; i++) {
			put(a, 0, i, 0, i, NULL);
			put(b, 0, i, 0, i, NULL);
			put(l, 0, i, 0, i, NULL);
		}
		/* Way 0 is the victim in all three; probe it in a, look it up in l. */
		const uint64_t *q = iommusim_cache_probe(a, 0, 0, 0, &loc);
		assert_non_null(q);
		assert_int_equal(*q, 0);
		assert_int_equal(loc.way, 0);
		assert_null(iommusim_cache_probe(a, 0, 9, 0, &loc));
		assert_int_equal(loc.way, IOMMUSIM_CACHE_NO_WAY);
		get(l, 0, 0, 0);
		const iommusim_cache_stats_t *st = iommusim_cache_stats(a);
		assert_int_equal(st->lookups, 0);
		assert_int_equal(st->hits, 0);
		assert_int_equal(st->misses, 0);
		assert_int_equal(put(a, 0, 50, 0, 0, NULL), put(b, 0, 50, 0, 0, NULL));
		unsigned wb = put(b, 0, 51, 0, 0, NULL);
		assert_int_equal(put(a, 0, 51, 0, 0, NULL), wb);
		/* The lookup did change l: its first victim is not way 0. */
		assert_int_not_equal(put(l, 0, 50, 0, 0, NULL), 0);
		iommusim_cache_destroy(a);
		iommusim_cache_destroy(b);
		iommusim_cache_destroy(l);
	}
}

static void locations_reported(void **state)
{
	iommusim_cache_t *c = mk(8, 2, IOMMUSIM_REPL_LRU, 0, 8);
	iommusim_cache_loc_t loc = { 99, 99 };
	iommusim_cache_victim_t v;
	uint64_t val = 7;
	(void)state;

	assert_int_equal(iommusim_cache_set_index(c, 0x12345), 5);
	assert_int_equal(iommusim_cache_set_index(c, 0xfffffffffffffff8ull), 0);
	assert_non_null(iommusim_cache_insert(c, 5, 0x12345, ~0ull, 0, 0, &val, &loc, &v));
	assert_int_equal(loc.set, 5);
	assert_int_equal(loc.way, 0);
	assert_false(v.evicted);
	assert_int_equal(v.tag, 0);
	iommusim_cache_insert(c, 5, 0x22345, ~0ull, 0, 0, &val, &loc, &v);
	assert_int_equal(loc.way, 1);
	assert_non_null(iommusim_cache_lookup(c, 5, 0x12345, 0, &loc));
	assert_int_equal(loc.set, 5);
	assert_int_equal(loc.way, 0);
	assert_null(iommusim_cache_lookup(c, 6, 0x12345, 0, &loc));   /* other set */
	assert_int_equal(loc.set, 6);
	assert_int_equal(loc.way, IOMMUSIM_CACHE_NO_WAY);
	/* Eviction: way 1 (older), the victim's key reported. */
	iommusim_cache_insert(c, 5, 0x32345, ~0xfull, 3, IOMMUSIM_CACHE_F_LEAF, &val, &loc, &v);
	assert_int_equal(loc.set, 5);
	assert_int_equal(loc.way, 1);
	assert_true(v.evicted);
	assert_int_equal(v.tag, 0x22345);
	assert_int_equal(v.tag_mask, ~0ull);
	assert_int_equal(v.ctx, 0);
	assert_int_equal(v.flags, 0);
	iommusim_cache_insert(c, 5, 0x42345, ~0ull, 0, 0, &val, &loc, &v);
	assert_int_equal(loc.way, 0);
	assert_true(v.evicted);
	assert_int_equal(v.tag, 0x12345);
	iommusim_cache_insert(c, 5, 0x52345, ~0ull, 0, 0, &val, &loc, &v);
	assert_int_equal(v.tag, 0x32340);                /* stored masked */
	assert_int_equal(v.tag_mask, ~0xfull);
	assert_int_equal(v.ctx, 3);
	assert_int_equal(v.flags, IOMMUSIM_CACHE_F_LEAF);
	/* NULL loc and victim are accepted. */
	assert_non_null(iommusim_cache_insert(c, 1, 1, ~0ull, 0, 0, NULL, NULL, NULL));
	assert_non_null(iommusim_cache_lookup(c, 1, 1, 0, NULL));
	/* A set out of range: miss / NULL, no change, not counted. */
	iommusim_cache_stats_reset(c);
	size_t n = iommusim_cache_count(c);
	assert_null(iommusim_cache_insert(c, 8, 1, ~0ull, 0, 0, &val, &loc, &v));
	assert_int_equal(loc.way, IOMMUSIM_CACHE_NO_WAY);
	assert_false(v.evicted);
	assert_null(iommusim_cache_lookup(c, 8, 1, 0, &loc));
	assert_int_equal(loc.way, IOMMUSIM_CACHE_NO_WAY);
	assert_null(iommusim_cache_lookup(c, ~0u, 1, 0, NULL));
	assert_null(iommusim_cache_probe(c, 1000, 1, 0, &loc));
	assert_int_equal(iommusim_cache_count(c), n);
	assert_int_equal(iommusim_cache_stats(c)->lookups, 0);
	assert_int_equal(iommusim_cache_stats(c)->fills, 0);
	iommusim_cache_destroy(c);
}

static void stats_counted(void **state)
{
	iommusim_cache_t *c = mk(1, 2, IOMMUSIM_REPL_ROUND_ROBIN, 0, 8);
	(void)state;

	get(c, 0, 1, 0);                /* miss */
	put(c, 0, 1, 0, 0, NULL);       /* fill */
	get(c, 0, 1, 0);                /* hit */
	get(c, 0, 2, 0);                /* miss */
	put(c, 0, 2, 0, 0, NULL);       /* fill */
	put(c, 0, 3, 0, 0, NULL);       /* fill + eviction */
	put(c, 0, 3, 0, 1, NULL);       /* update */
	iommusim_cache_probe(c, 0, 3, 0, NULL);
	iommusim_cache_match_t m = { .use_range = true, .tag_lo = 3, .tag_hi = 3 };
	iommusim_cache_invalidate(c, &m, NULL);   /* 1 dropped */
	put(c, 0, 4, 0, 0, NULL);       /* fill into the freed way */
	iommusim_cache_flush(c);        /* 2 dropped */
	const iommusim_cache_stats_t *st = iommusim_cache_stats(c);
	assert_int_equal(st->lookups, 3);
	assert_int_equal(st->hits, 1);
	assert_int_equal(st->misses, 2);
	assert_int_equal(st->fills, 4);
	assert_int_equal(st->evictions, 1);
	assert_int_equal(st->updates, 1);
	assert_int_equal(st->invalidated, 3);
	assert_int_equal(st->inval_ops, 2);
	iommusim_cache_stats_reset(c);
	assert_int_equal(st->lookups + st->hits + st->misses + st->fills + st->evictions +
			 st->updates + st->invalidated + st->inval_ops, 0);
	iommusim_cache_destroy(c);
}

static void zero_payload_and_misc(void **state)
{
	iommusim_cache_t *c = mk(1, 1, IOMMUSIM_REPL_LRU, 0, 0);
	(void)state;

	assert_non_null(iommusim_cache_insert(c, 0, 5, ~0ull, 0, 0, NULL, NULL, NULL));
	assert_non_null(iommusim_cache_lookup(c, 0, 5, 0, NULL));
	assert_non_null(iommusim_cache_probe(c, 0, 5, 0, NULL));
	assert_null(iommusim_cache_lookup(c, 0, 6, 0, NULL));
	const iommusim_cache_geom_t *g = iommusim_cache_geom(c);
	assert_int_equal(g->sets, 1);
	assert_int_equal(g->ways, 1);
	assert_int_equal(g->payload_size, 0);
	iommusim_cache_foreach(c, NULL, NULL);
	iommusim_cache_destroy(c);
	iommusim_cache_destroy(NULL);

	/* The largest geometry allowed is accepted. */
	c = mk(IOMMUSIM_CACHE_MAX_ENTRIES / 64, 64, IOMMUSIM_REPL_TREE_PLRU, 0, 0);
	put(c, 65535, 1, 0, 0, NULL);
	assert_int_equal(iommusim_cache_count(c), 1);
	iommusim_cache_destroy(c);
}

static void repl_names(void **state)
{
	static const struct {
		const char *s;
		iommusim_cache_repl_t r;
	} ok[] = {
		{ "lru", IOMMUSIM_REPL_LRU },           { "plru", IOMMUSIM_REPL_TREE_PLRU },
		{ "tree-plru", IOMMUSIM_REPL_TREE_PLRU }, { "rr", IOMMUSIM_REPL_ROUND_ROBIN },
		{ "round-robin", IOMMUSIM_REPL_ROUND_ROBIN }, { "random", IOMMUSIM_REPL_RANDOM },
	};
	static const char *const bad[] = { "", "LRU", "lru ", "fifo", "plr", "random2", "tree_plru" };
	iommusim_cache_repl_t r;
	(void)state;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		r = ok[i].r == IOMMUSIM_REPL_LRU ? IOMMUSIM_REPL_RANDOM : IOMMUSIM_REPL_LRU;
		assert_int_equal(iommusim_cache_repl_parse(ok[i].s, &r), 0);
		assert_int_equal(r, ok[i].r);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = IOMMUSIM_REPL_ROUND_ROBIN;
		assert_int_equal(iommusim_cache_repl_parse(bad[i], &r), -EINVAL);
		assert_int_equal(r, IOMMUSIM_REPL_ROUND_ROBIN);
	}
	assert_int_equal(iommusim_cache_repl_parse(NULL, &r), -EINVAL);
	assert_string_equal(iommusim_cache_repl_name(IOMMUSIM_REPL_LRU), "lru");
	assert_string_equal(iommusim_cache_repl_name(IOMMUSIM_REPL_TREE_PLRU), "tree-plru");
	assert_string_equal(iommusim_cache_repl_name(IOMMUSIM_REPL_ROUND_ROBIN), "round-robin");
	assert_string_equal(iommusim_cache_repl_name(IOMMUSIM_REPL_RANDOM), "random");
	assert_string_equal(iommusim_cache_repl_name((iommusim_cache_repl_t)4), "invalid");
	assert_string_equal(iommusim_cache_repl_name((iommusim_cache_repl_t)-1), "invalid");
	/* Names round-trip. */
	for (int i = 0; i < 4; i++) {
		assert_int_equal(iommusim_cache_repl_parse(
					 iommusim_cache_repl_name((iommusim_cache_repl_t)i), &r), 0);
		assert_int_equal(r, i);
	}
}

static void bad_geometry(void **state)
{
	static const struct {
		iommusim_cache_geom_t g;
		const char *must[3];    /* substrings the message must contain */
	} cases[] = {
		{ { 0, 4, IOMMUSIM_REPL_LRU, 0, 8 }, { "sets = 0", "power of two", "1 to 1048576" } },
		{ { 48, 4, IOMMUSIM_REPL_LRU, 0, 8 }, { "sets = 48", "power of two", "1048576" } },
		{ { 1u << 21, 1, IOMMUSIM_REPL_LRU, 0, 8 }, { "sets = 2097152", "1 to 1048576", "" } },
		{ { 4, 0, IOMMUSIM_REPL_LRU, 0, 8 }, { "ways = 0", "1 to 64", "" } },
		{ { 4, 65, IOMMUSIM_REPL_RANDOM, 0, 8 }, { "ways = 65", "1 to 64", "" } },
		{ { 4, 6, IOMMUSIM_REPL_TREE_PLRU, 0, 8 }, { "ways = 6", "tree-plru", "power of two" } },
		{ { 4, 4, (iommusim_cache_repl_t)9, 0, 8 }, { "repl = 9", "lru", "random" } },
		{ { 1u << 20, 8, IOMMUSIM_REPL_LRU, 0, 8 }, { "sets * ways", "8388608", "4194304" } },
		{ { 4, 4, IOMMUSIM_REPL_LRU, 0, 5000 }, { "payload_size = 5000", "0 to 4096", "" } },
		{ { 1u << 16, 16, IOMMUSIM_REPL_LRU, 0, 4096 },
		  { "payload_size", "4294967296", "268435456" } },
	};
	iommusim_error_t err;
	(void)state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_null(iommusim_cache_create(&cases[i].g, &err));
		assert_int_equal(err.code, -EINVAL);
		for (size_t k = 0; k < 3; k++) {
			if (!strstr(err.msg, cases[i].must[k]))
				fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.msg, cases[i].must[k]);
		}
	}
	assert_null(iommusim_cache_create(NULL, &err));
	assert_int_equal(err.code, -EINVAL);
	/* NULL err is fine too. */
	assert_null(iommusim_cache_create(&cases[0].g, NULL));
	/* PLRU with any power of two up to 64 is fine; 3 ways fine for the others. */
	iommusim_cache_destroy(mk(1, 64, IOMMUSIM_REPL_TREE_PLRU, 0, 0));
	iommusim_cache_destroy(mk(1, 3, IOMMUSIM_REPL_LRU, 0, 0));
	iommusim_cache_destroy(mk(1, 3, IOMMUSIM_REPL_ROUND_ROBIN, 0, 0));
	iommusim_cache_destroy(mk(1, 3, IOMMUSIM_REPL_RANDOM, 0, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(trace_lru),
		cmocka_unit_test(trace_plru),
		cmocka_unit_test(trace_rr),
		cmocka_unit_test(trace_random),
		cmocka_unit_test(lru_by_hand),
		cmocka_unit_test(plru_by_hand),
		cmocka_unit_test(rr_by_hand),
		cmocka_unit_test(random_by_hand),
		cmocka_unit_test(flush_resets_policies),
		cmocka_unit_test(invalid_ways_filled_first),
		cmocka_unit_test(update_in_place),
		cmocka_unit_test(tag_mask_large_pages),
		cmocka_unit_test(ctx_separation),
		cmocka_unit_test(inval_all_and_ctx),
		cmocka_unit_test(inval_range),
		cmocka_unit_test(inval_flags),
		cmocka_unit_test(inval_keeps_repl_state),
		cmocka_unit_test(inval_if),
		cmocka_unit_test(probe_changes_nothing),
		cmocka_unit_test(locations_reported),
		cmocka_unit_test(stats_counted),
		cmocka_unit_test(zero_payload_and_misc),
		cmocka_unit_test(repl_names),
		cmocka_unit_test(bad_geometry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
