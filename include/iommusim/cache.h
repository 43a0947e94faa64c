/* SPDX-License-Identifier: MIT */
/*
 * The generic set-associative cache (DESIGN.md §4). Every IOTLB, paging-structure cache,
 * context/PASID/config cache and device ATC is one of these.
 *
 * An entry holds:
 *   tag      - the address part (e.g. IOVA page number), stored already masked;
 *   tag_mask - which tag bits the entry compares (a 2 MiB entry in a 4 KiB-page-number tag
 *              space clears the low 9 bits), so one entry can cover a naturally aligned range;
 *   ctx      - the context part (DID, PASID, level, ... packed by the user), compared exactly;
 *   flags    - user bits the cache never interprets except in invalidation predicates
 *              (e.g. IOMMUSIM_CACHE_F_LEAF, IOMMUSIM_CACHE_F_GLOBAL);
 *   payload  - payload_size bytes of user data (the translation).
 *
 * A lookup of (set, tag, ctx) hits an entry when (tag & e.tag_mask) == e.tag and ctx == e.ctx.
 * The set is chosen by the caller (iommusim_cache_set_index() gives the default: the low
 * log2(sets) bits of a value), because the right index bits depend on the structure and page
 * size. Several entries could match in a set only if the user inserts overlapping ones; the
 * lowest way wins, which is what a priority encoder in hardware does.
 *
 * Replacement is decided so that RTL can make exactly the same choice (rtl-ref/):
 *  - a fill takes the lowest-numbered invalid way if any; otherwise the policy's victim;
 *  - LRU: each way has an age; a hit or fill makes it youngest; the victim is the oldest
 *    (equivalent to a per-set age matrix);
 *  - TREE_PLRU: ways must be a power of two; ways-1 tree bits per set; an access points every
 *    node on its path away from it; the victim follows the bits from the root (0 = left);
 *  - ROUND_ROBIN: a per-set pointer, advanced by one after each eviction (not on hits);
 *  - RANDOM: one 32-bit Galois LFSR per cache (taps 0x80200003), seeded from the geometry's
 *    seed (0 is replaced by 1), stepped once per eviction; victim = state % ways.
 * Every operation reports the set and way it hit, filled or evicted, so a lock-step harness
 * compares decisions, not only results.
 */
#ifndef IOMMUSIM_CACHE_H
#define IOMMUSIM_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iommusim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum iommusim_cache_repl {
	IOMMUSIM_REPL_LRU = 0,
	IOMMUSIM_REPL_TREE_PLRU,
	IOMMUSIM_REPL_ROUND_ROBIN,
	IOMMUSIM_REPL_RANDOM,
} iommusim_cache_repl_t;

/* Parses "lru", "plru" / "tree-plru", "rr" / "round-robin", "random"; -EINVAL otherwise. */
int iommusim_cache_repl_parse(const char *s, iommusim_cache_repl_t *out);
const char *iommusim_cache_repl_name(iommusim_cache_repl_t r);

/* Generic flags (bits 0..7); users may define more from bit 8 on. */
#define IOMMUSIM_CACHE_F_LEAF   (1u << 0)  /* a final translation, not an intermediate level */
#define IOMMUSIM_CACHE_F_GLOBAL (1u << 1)  /* survives non-global invalidations */

typedef struct iommusim_cache_geom {
	unsigned sets;                  /* power of two, >= 1 */
	unsigned ways;                  /* >= 1 (power of two for TREE_PLRU), <= 64 */
	iommusim_cache_repl_t repl;
	uint32_t seed;                  /* RANDOM only */
	size_t payload_size;            /* bytes of user data per entry, may be 0 */
} iommusim_cache_geom_t;

/* Where an operation landed. */
typedef struct iommusim_cache_loc {
	unsigned set, way;
} iommusim_cache_loc_t;

/* What a fill displaced. */
typedef struct iommusim_cache_victim {
	bool evicted;                   /* a valid entry was replaced */
	uint64_t tag, tag_mask, ctx;    /* the replaced entry's key, when evicted */
	uint32_t flags;
} iommusim_cache_victim_t;

typedef struct iommusim_cache_stats {
	uint64_t lookups, hits, misses, fills, evictions, invalidated, inval_ops;
} iommusim_cache_stats_t;

typedef struct iommusim_cache iommusim_cache_t;

/* Creates a cache. Bad geometry gives NULL and an error naming the field and its range. */
iommusim_cache_t *iommusim_cache_create(const iommusim_cache_geom_t *g, iommusim_error_t *err);
void iommusim_cache_destroy(iommusim_cache_t *c);

const iommusim_cache_geom_t *iommusim_cache_geom(const iommusim_cache_t *c);

/* Low log2(sets) bits of x. */
unsigned iommusim_cache_set_index(const iommusim_cache_t *c, uint64_t x);

/* Looks up (tag, ctx) in `set`. On a hit, updates replacement state, returns the payload
 * (writable, payload_size bytes; a non-NULL dummy pointer when payload_size is 0) and fills
 * *loc. On a miss returns NULL. */
void *iommusim_cache_lookup(iommusim_cache_t *c, unsigned set, uint64_t tag, uint64_t ctx,
			    iommusim_cache_loc_t *loc);

/* Like lookup but changes nothing (no replacement update, no stats). */
const void *iommusim_cache_probe(const iommusim_cache_t *c, unsigned set, uint64_t tag,
				 uint64_t ctx, iommusim_cache_loc_t *loc);

/* Inserts an entry covering tag/tag_mask (tag is masked on insert) in `set`. If an entry with
 * the same (tag, tag_mask, ctx) is already there, it is updated in place (no eviction).
 * Returns the payload slot to fill (payload is copied from `payload` when non-NULL). */
void *iommusim_cache_insert(iommusim_cache_t *c, unsigned set, uint64_t tag, uint64_t tag_mask,
			    uint64_t ctx, uint32_t flags, const void *payload,
			    iommusim_cache_loc_t *loc, iommusim_cache_victim_t *victim);

/* An invalidation predicate. An entry is dropped when ALL of the enabled conditions hold:
 *   (e.ctx & ctx_mask) == (ctx_value & ctx_mask)                          -- always applied
 *   the entry's range [tag, tag | ~tag_mask] overlaps [tag_lo, tag_hi]    -- if use_range
 *   (e.flags & flags_mask) == flags_value                                  -- always applied
 * A zero-initialised match with ctx_mask = 0, flags_mask = 0 drops everything. */
typedef struct iommusim_cache_match {
	uint64_t ctx_mask, ctx_value;
	bool use_range;
	uint64_t tag_lo, tag_hi;        /* inclusive, in tag units */
	uint32_t flags_mask, flags_value;
} iommusim_cache_match_t;

/* Drops matching entries; returns how many. *scanned (if non-NULL) gets how many entries
 * were examined (the whole cache: the cost model of a scan). */
size_t iommusim_cache_invalidate(iommusim_cache_t *c, const iommusim_cache_match_t *m,
				 size_t *scanned);

/* Drops entries for which pred returns true. */
typedef bool (*iommusim_cache_pred_fn)(void *arg, uint64_t tag, uint64_t tag_mask, uint64_t ctx,
				       uint32_t flags, const void *payload);
size_t iommusim_cache_invalidate_if(iommusim_cache_t *c, iommusim_cache_pred_fn pred, void *arg);

/* Drops everything and resets replacement state (LFSR back to the seed). */
void iommusim_cache_flush(iommusim_cache_t *c);

/* Number of valid entries. */
size_t iommusim_cache_count(const iommusim_cache_t *c);

/* Visits valid entries in set/way order. */
typedef void (*iommusim_cache_visit_fn)(void *arg, iommusim_cache_loc_t loc, uint64_t tag,
					uint64_t tag_mask, uint64_t ctx, uint32_t flags,
					const void *payload);
void iommusim_cache_foreach(const iommusim_cache_t *c, iommusim_cache_visit_fn fn, void *arg);

const iommusim_cache_stats_t *iommusim_cache_stats(const iommusim_cache_t *c);
void iommusim_cache_stats_reset(iommusim_cache_t *c);

#ifdef __cplusplus
}
#endif
#endif
