/* SPDX-License-Identifier: MIT */
/*
 * Speed of the generic set-associative cache (models/core/cache.c): lookups that hit, lookups
 * that miss, and inserts that evict, per replacement policy. Keys come from a precomputed
 * array so that key generation is not measured. Target: >= 50 M hits/s on one core.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench/bench_util.h"
#include "iommusim/cache.h"

#define KEYS      4096u            /* power of two: index with i & (KEYS - 1) */
#define HIT_TARGET 50e6

typedef struct bench_key {
	uint64_t tag, ctx;
} bench_key_t;

typedef struct bench_ctx {
	iommusim_cache_t *c;
	bench_key_t keys[KEYS];
} bench_ctx_t;

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Payload: what an IOTLB keeps per translation (output page, permissions). */
typedef struct xlat {
	uint64_t out;
	uint64_t perm;
} xlat_t;

static iommusim_cache_t *make(unsigned sets, unsigned ways, iommusim_cache_repl_t r)
{
	iommusim_cache_geom_t g = { .sets = sets, .ways = ways, .repl = r, .seed = 7,
				    .payload_size = sizeof(xlat_t) };
	iommusim_error_t err;
	iommusim_cache_t *c = iommusim_cache_create(&g, &err);
	if (!c) {
		fprintf(stderr, "bench_cache: %s\n", err.msg);
		exit(1);
	}
	return c;
}

/* Fills every way with page tag (i), ctx = DID (i % 4); i's low bits give the set. Returns
 * the number of entries. */
static unsigned fill_all(iommusim_cache_t *c, bench_key_t *resident)
{
	const iommusim_cache_geom_t *g = iommusim_cache_geom(c);
	unsigned n = g->sets * g->ways;

	for (unsigned i = 0; i < n; i++) {
		xlat_t x = { .out = 0x100000u + i, .perm = 3 };
		uint64_t tag = 0x7f0000000ull + i, ctx = i % 4;
		iommusim_cache_insert(c, iommusim_cache_set_index(c, tag), tag, ~0ull, ctx,
				      IOMMUSIM_CACHE_F_LEAF, &x, NULL, NULL);
		resident[i].tag = tag;
		resident[i].ctx = ctx;
	}
	return n;
}

static uint64_t run_lookups(void *arg, uint64_t n)
{
	bench_ctx_t *b = arg;
	iommusim_cache_t *c = b->c;
	uint64_t sum = 0;

	for (uint64_t i = 0; i < n; i++) {
		const bench_key_t *k = &b->keys[i & (KEYS - 1)];
		const xlat_t *x = iommusim_cache_lookup(c, iommusim_cache_set_index(c, k->tag),
							k->tag, k->ctx, NULL);
		sum += x ? x->out : 1;
	}
	return sum;
}

static uint64_t run_lookups_loc(void *arg, uint64_t n)
{
	bench_ctx_t *b = arg;
	iommusim_cache_t *c = b->c;
	uint64_t sum = 0;
	iommusim_cache_loc_t loc;

	for (uint64_t i = 0; i < n; i++) {
		const bench_key_t *k = &b->keys[i & (KEYS - 1)];
		const xlat_t *x = iommusim_cache_lookup(c, iommusim_cache_set_index(c, k->tag),
							k->tag, k->ctx, &loc);
		sum += (x ? x->out : 1) + loc.way;
	}
	return sum;
}

static uint64_t run_inserts(void *arg, uint64_t n)
{
	bench_ctx_t *b = arg;
	iommusim_cache_t *c = b->c;
	uint64_t sum = 0;
	iommusim_cache_victim_t v;

	for (uint64_t i = 0; i < n; i++) {
		const bench_key_t *k = &b->keys[i & (KEYS - 1)];
		/* Distinct tags every round, so every insert is a fill that evicts. */
		uint64_t tag = k->tag + (i / KEYS) * 0x10000000ull;
		xlat_t x = { .out = tag, .perm = 3 };
		iommusim_cache_insert(c, iommusim_cache_set_index(c, tag), tag, ~0ull, k->ctx,
				      IOMMUSIM_CACHE_F_LEAF, &x, NULL, &v);
		sum += v.tag;
	}
	return sum;
}

static void bench_hits(bench_ctx_t *b, unsigned sets, unsigned ways, iommusim_cache_repl_t r,
		       bool with_loc)
{
	bench_key_t *res = malloc(sizeof(bench_key_t) * sets * ways);
	uint64_t s = 1;
	char name[96];

	if (!res)
		exit(1);
	b->c = make(sets, ways, r);
	unsigned n = fill_all(b->c, res);
	for (unsigned i = 0; i < KEYS; i++)
		b->keys[i] = res[splitmix(&s) % n];
	snprintf(name, sizeof(name), "cache_lookup_hit_%s_%ux%u%s", iommusim_cache_repl_name(r),
		 sets, ways, with_loc ? "_loc" : "");
	bench_run(name, with_loc ? run_lookups_loc : run_lookups, b, HIT_TARGET);
	iommusim_cache_destroy(b->c);
	free(res);
}

static void bench_misses(bench_ctx_t *b, unsigned sets, unsigned ways, iommusim_cache_repl_t r)
{
	bench_key_t *res = malloc(sizeof(bench_key_t) * sets * ways);
	uint64_t s = 2;
	char name[96];

	if (!res)
		exit(1);
	b->c = make(sets, ways, r);
	fill_all(b->c, res);
	/* Same sets and contexts as resident entries, tags never inserted. */
	for (unsigned i = 0; i < KEYS; i++) {
		b->keys[i].tag = 0x9f0000000ull + (splitmix(&s) & 0xfffffff);
		b->keys[i].ctx = i % 4;
	}
	snprintf(name, sizeof(name), "cache_lookup_miss_%s_%ux%u", iommusim_cache_repl_name(r),
		 sets, ways);
	bench_run(name, run_lookups, b, HIT_TARGET);
	iommusim_cache_destroy(b->c);
	free(res);
}

static void bench_evicts(bench_ctx_t *b, unsigned sets, unsigned ways, iommusim_cache_repl_t r)
{
	bench_key_t *res = malloc(sizeof(bench_key_t) * sets * ways);
	uint64_t s = 3;
	char name[96];

	if (!res)
		exit(1);
	b->c = make(sets, ways, r);
	fill_all(b->c, res);
	for (unsigned i = 0; i < KEYS; i++) {
		b->keys[i].tag = 0x20000000ull + (splitmix(&s) & 0xfffffff);
		b->keys[i].ctx = i % 4;
	}
	snprintf(name, sizeof(name), "cache_insert_evict_%s_%ux%u", iommusim_cache_repl_name(r),
		 sets, ways);
	bench_run(name, run_inserts, b, 0);
	iommusim_cache_destroy(b->c);
	free(res);
}

int main(void)
{
	static bench_ctx_t b;
	static const iommusim_cache_repl_t all[] = {
		IOMMUSIM_REPL_LRU, IOMMUSIM_REPL_TREE_PLRU, IOMMUSIM_REPL_ROUND_ROBIN,
		IOMMUSIM_REPL_RANDOM,
	};

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		bench_hits(&b, 64, 8, all[i], false);
	bench_hits(&b, 64, 8, IOMMUSIM_REPL_LRU, true);
	bench_hits(&b, 512, 8, IOMMUSIM_REPL_LRU, false);    /* 4096 entries, beyond L1 */
	bench_hits(&b, 16, 64, IOMMUSIM_REPL_TREE_PLRU, false);
	bench_misses(&b, 64, 8, IOMMUSIM_REPL_LRU);
	bench_misses(&b, 64, 8, IOMMUSIM_REPL_TREE_PLRU);
	bench_misses(&b, 16, 64, IOMMUSIM_REPL_TREE_PLRU);
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		bench_evicts(&b, 64, 8, all[i]);
	bench_evicts(&b, 16, 64, IOMMUSIM_REPL_LRU);
	return 0;
}
