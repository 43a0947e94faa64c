/* SPDX-License-Identifier: MIT */
/*
 * An independent reference model of the generic cache (include/iommusim/cache.h), written
 * from the header's specification for test_cache.c. It uses different data structures from
 * models/core/cache.c on purpose: LRU as an ordered list of ways, tree-PLRU as explicit node
 * booleans walked by index ranges, round-robin as a counter, the LFSR stepped as
 * (s >> 1) ^ (-(s & 1) & taps). Header-only: static functions, included by one test.
 */
#ifndef IOMMUSIM_TESTS_CACHE_REF_H
#define IOMMUSIM_TESTS_CACHE_REF_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "iommusim/cache.h"


#define REF_SETS 16
#define REF_WAYS 64

typedef struct ref_ent {
	bool valid;
	uint64_t tag, mask, ctx, val;
	uint32_t flags;
} ref_ent_t;

typedef struct ref {
	unsigned sets, ways;
	iommusim_cache_repl_t repl;
	uint32_t seed, lfsr;
	ref_ent_t e[REF_SETS][REF_WAYS];
	unsigned order[REF_SETS][REF_WAYS];     /* LRU: ways, least recently used first */
	bool node[REF_SETS][REF_WAYS];          /* PLRU: heap from 0, true = points right */
	unsigned rr[REF_SETS];
	uint64_t lookups, hits, misses, fills, evictions, updates;
} ref_t;

static inline void ref_reset(ref_t *r)
{
	for (unsigned s = 0; s < REF_SETS; s++) {
		for (unsigned w = 0; w < REF_WAYS; w++) {
			r->e[s][w].valid = false;
			r->order[s][w] = w;
			r->node[s][w] = false;
		}
		r->rr[s] = 0;
	}
	r->lfsr = r->seed ? r->seed : 1;
}

static inline void ref_init(ref_t *r, unsigned sets, unsigned ways, iommusim_cache_repl_t repl,
			    uint32_t seed)
{
	memset(r, 0, sizeof(*r));
	r->sets = sets;
	r->ways = ways;
	r->repl = repl;
	r->seed = seed;
	ref_reset(r);
}

static inline void ref_touch(ref_t *r, unsigned s, unsigned w)
{
	if (r->repl == IOMMUSIM_REPL_LRU) {
		unsigned *o = r->order[s], i = 0;
		while (o[i] != w)
			i++;
		for (; i + 1 < r->ways; i++)
			o[i] = o[i + 1];
		o[r->ways - 1] = w;
	} else if (r->repl == IOMMUSIM_REPL_TREE_PLRU) {
		unsigned lo = 0, hi = r->ways, n = 0;
		while (hi - lo > 1) {
			unsigned mid = (lo + hi) / 2;
			if (w < mid) {
				r->node[s][n] = true;   /* point away: right */
				n = 2 * n + 1;
				hi = mid;
			} else {
				r->node[s][n] = false;
				n = 2 * n + 2;
				lo = mid;
			}
		}
	}
}

static inline unsigned ref_victim(ref_t *r, unsigned s)
{
	switch (r->repl) {
	case IOMMUSIM_REPL_LRU:
		return r->order[s][0];
	case IOMMUSIM_REPL_TREE_PLRU: {
		unsigned lo = 0, hi = r->ways, n = 0;
		while (hi - lo > 1) {
			unsigned mid = (lo + hi) / 2;
			if (r->node[s][n]) {
				n = 2 * n + 2;
				lo = mid;
			} else {
				n = 2 * n + 1;
				hi = mid;
			}
		}
		return lo;
	}
	case IOMMUSIM_REPL_ROUND_ROBIN: {
		unsigned v = r->rr[s];
		r->rr[s] = v + 1 == r->ways ? 0 : v + 1;
		return v;
	}
	case IOMMUSIM_REPL_RANDOM:
		r->lfsr = (r->lfsr >> 1) ^ ((0u - (r->lfsr & 1u)) & 0x80200003u);
		return r->lfsr % r->ways;
	}
	return 0;
}

static inline int ref_find(const ref_t *r, unsigned s, uint64_t tag, uint64_t ctx)
{
	for (unsigned w = 0; w < r->ways; w++) {
		const ref_ent_t *e = &r->e[s][w];
		if (e->valid && (tag & e->mask) == e->tag && e->ctx == ctx)
			return (int)w;
	}
	return -1;
}

static inline int ref_lookup(ref_t *r, unsigned s, uint64_t tag, uint64_t ctx)
{
	int w = ref_find(r, s, tag, ctx);
	r->lookups++;
	if (w >= 0) {
		r->hits++;
		ref_touch(r, s, (unsigned)w);
	} else {
		r->misses++;
	}
	return w;
}

/* Returns the way; *ev gets the evicted entry (valid = false if none). */
static inline unsigned ref_insert(ref_t *r, unsigned s, uint64_t tag, uint64_t mask, uint64_t ctx,
				  uint32_t flags, uint64_t val, ref_ent_t *ev)
{
	unsigned w;

	tag &= mask;
	ev->valid = false;
	for (w = 0; w < r->ways; w++) {
		ref_ent_t *e = &r->e[s][w];
		if (e->valid && e->tag == tag && e->mask == mask && e->ctx == ctx) {
			e->flags = flags;
			e->val = val;
			ref_touch(r, s, w);
			r->updates++;
			return w;
		}
	}
	for (w = 0; w < r->ways; w++) {
		if (!r->e[s][w].valid)
			break;
	}
	if (w == r->ways) {
		w = ref_victim(r, s);
		*ev = r->e[s][w];
		r->evictions++;
	}
	r->fills++;
	r->e[s][w] = (ref_ent_t){ true, tag, mask, ctx, val, flags };
	ref_touch(r, s, w);
	return w;
}

#endif
