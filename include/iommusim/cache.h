/* SPDX-License-Identifier: MIT */
/*
 * The generic set-associative cache (DESIGN.md §4). Every IOTLB, paging-structure cache,
 * context/PASID/config cache and device ATC is one of these. The RTL reference (rtl-ref/)
 * implements the decisions below bit for bit; this comment is their specification.
 *
 * ENTRIES. An entry holds:
 *   tag      - the address part (e.g. IOVA page number), stored already masked
 *              (tag & tag_mask);
 *   tag_mask - which tag bits the entry compares. A 2 MiB entry in a 4 KiB-page-number tag
 *              space uses ~0x1ff, so one entry covers a naturally aligned range. Masks are
 *              meant to be a run of ones from bit 63 down (~(2^k - 1)); other masks still
 *              match as written but their "range" (see INVALIDATION) is [tag, tag | ~mask];
 *   ctx      - the context part (DID, PASID, level, ... packed by the user), compared exactly;
 *   flags    - user bits the cache never interprets except in invalidation predicates
 *              (e.g. IOMMUSIM_CACHE_F_LEAF, IOMMUSIM_CACHE_F_GLOBAL);
 *   payload  - payload_size bytes of user data (the translation).
 *
 * SETS. The set is chosen by the caller (iommusim_cache_set_index() gives the default: the
 * low log2(sets) bits of a value), because the right index bits depend on the structure and
 * page size. A set number >= sets is a caller bug: lookup/probe miss, insert returns NULL,
 * nothing changes and nothing is counted.
 *
 * LOOKUP. (set, tag, ctx) hits way w when w is valid, (tag & w.tag_mask) == w.tag and
 * ctx == w.ctx. Several ways can match only if the user inserted overlapping entries (say a
 * 4 KiB and a 2 MiB entry for the same page in the same set); the lowest-numbered way wins,
 * which is what a priority encoder does.
 *
 * INSERT of (tag, tag_mask, ctx, flags) into `set`, in this order:
 *  1. tag is masked: tag &= tag_mask.
 *  2. If a valid way holds exactly the same (tag, tag_mask, ctx) (lowest such way), it is
 *     updated in place: flags are replaced, payload is copied if given (kept otherwise), it
 *     counts as an access for replacement, nothing is evicted, the round-robin pointer and
 *     the LFSR do not move. Stats: `updates`, not `fills`.
 *  3. Otherwise, if any way is invalid, the lowest-numbered invalid way is filled. No policy
 *     state is consulted; the fill counts as an access.
 *  4. Otherwise the policy picks a victim (below); the victim is reported and replaced; the
 *     fill counts as an access.
 *  In cases 3 and 4 a NULL payload leaves the slot zeroed.
 *
 * REPLACEMENT. An "access" is a lookup hit, a fill, or an update in place. probe(),
 * invalidation and foreach() never change replacement state. flush() resets all of it.
 *  - LRU: the victim is the valid way whose last access is the oldest (equivalent to a
 *    per-set age matrix; the C model stamps each way from a per-cache access counter, so
 *    ties cannot happen). Invalidating a way does not change the relative age of the others.
 *  - TREE_PLRU: ways is a power of two; a set has ways-1 tree bits. Nodes are numbered as a
 *    heap: root 1, children of n are 2n (left, lower ways) and 2n+1 (right); leaf way w is
 *    node ways + w. An access to way w sets every internal node on its root-to-leaf path to
 *    point away from w: to 1 (right) if w is in the node's left subtree, to 0 (left)
 *    otherwise. The victim is found by walking from the root, going left on 0 and right on
 *    1. All bits start at 0. With ways == 1 there are no bits and the victim is way 0.
 *    (The C model keeps node n in bit n - 1 of one 64-bit word per set.)
 *  - ROUND_ROBIN: a per-set pointer, starting at 0. The victim is the way it points to; after
 *    each eviction it advances to (pointer + 1) % ways. Hits, fills into invalid ways,
 *    updates and invalidations leave it alone.
 *  - RANDOM: one 32-bit Galois LFSR per cache (right-shifting, taps 0x80200003, i.e.
 *    x^32 + x^22 + x^2 + x + 1, period 2^32 - 1), set to the geometry's seed at creation and
 *    at flush (seed 0 is replaced by 1). At each eviction it is stepped once first:
 *        lsb = s & 1; s >>= 1; if (lsb) s ^= 0x80200003;
 *    and the victim is then s % ways. From seed 1 the states are 0x80200003, 0xc0300002,
 *    0x60180001, 0xb02c0003, ... Fills into invalid ways and updates do not step it.
 *
 * INVALIDATION (iommusim_cache_invalidate) drops each valid entry for which ALL hold:
 *   (e.ctx & ctx_mask) == (ctx_value & ctx_mask)                         -- always applied
 *   the entry's range [e.tag, e.tag | ~e.tag_mask] overlaps [tag_lo, tag_hi]
 *                                                                        -- if use_range
 *   (e.flags & flags_mask) == flags_value                                -- always applied
 * A zero-initialised match (ctx_mask = 0, flags_mask = 0, use_range = false) drops
 * everything. Two ranges overlap when e.tag <= tag_hi and (e.tag | ~e.tag_mask) >= tag_lo;
 * tag_lo > tag_hi is an empty range that matches nothing; flags_value bits outside
 * flags_mask make the predicate match nothing. Dropped ways become invalid; replacement
 * state is untouched (so the next fill in that set takes the lowest invalid way).
 *
 * STATS. lookups = hits + misses (lookup() only; probe() counts nothing); fills = entries
 * written into a way (steps 3 and 4); evictions = valid entries replaced (step 4); updates =
 * in-place updates (step 2); invalidated = entries dropped by invalidate, invalidate_if or
 * flush; inval_ops = calls of those three (a NULL match or predicate is not counted).
 * stats_reset() zeroes the counters only.
 *
 * LOCK-STEP. Every operation reports the set and way it hit, filled, updated or evicted
 * (a fill that evicts reports the victim's way, which is the way filled), so a harness
 * compares decisions, not only results.
 *
 * Every function except destroy() needs a cache from create(). Not thread-safe: one cache
 * belongs to one model instance.
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

/* Parses "lru", "plru" / "tree-plru", "rr" / "round-robin", "random" (exact, lower case);
 * returns 0, or -EINVAL (s NULL or unknown; *out unchanged). */
int iommusim_cache_repl_parse(const char *s, iommusim_cache_repl_t *out);
/* "lru", "tree-plru", "round-robin", "random"; "invalid" for any other value. */
const char *iommusim_cache_repl_name(iommusim_cache_repl_t r);

/* Generic flags (bits 0..7); users may define more from bit 8 on. */
#define IOMMUSIM_CACHE_F_LEAF   (1u << 0)  /* a final translation, not an intermediate level */
#define IOMMUSIM_CACHE_F_GLOBAL (1u << 1)  /* survives non-global invalidations */

/* Geometry limits (create() rejects anything outside them with -EINVAL). */
#define IOMMUSIM_CACHE_MAX_SETS         (1u << 20)  /* sets: power of two, 1 .. 2^20 */
#define IOMMUSIM_CACHE_MAX_WAYS         64u         /* ways: 1 .. 64 */
#define IOMMUSIM_CACHE_MAX_ENTRIES      (1u << 22)  /* sets * ways */
#define IOMMUSIM_CACHE_MAX_PAYLOAD      4096u       /* payload_size: 0 .. 4096 bytes */
#define IOMMUSIM_CACHE_MAX_PAYLOAD_BYTES (256u << 20) /* sets * ways * payload_size */

typedef struct iommusim_cache_geom {
	unsigned sets;                  /* power of two, 1 .. IOMMUSIM_CACHE_MAX_SETS */
	unsigned ways;                  /* 1 .. 64 (power of two for TREE_PLRU) */
	iommusim_cache_repl_t repl;
	uint32_t seed;                  /* RANDOM only; 0 means 1 */
	size_t payload_size;            /* bytes of user data per entry, may be 0 */
} iommusim_cache_geom_t;

/* The way reported by a lookup or probe that missed. */
#define IOMMUSIM_CACHE_NO_WAY (~0u)

/* Where an operation landed. */
typedef struct iommusim_cache_loc {
	unsigned set, way;
} iommusim_cache_loc_t;

/* What a fill displaced. */
typedef struct iommusim_cache_victim {
	bool evicted;                   /* a valid entry was replaced */
	uint64_t tag, tag_mask, ctx;    /* the replaced entry's key, when evicted (else 0) */
	uint32_t flags;
} iommusim_cache_victim_t;

typedef struct iommusim_cache_stats {
	uint64_t lookups, hits, misses, fills, evictions, invalidated, inval_ops;
	uint64_t updates;               /* inserts that updated an existing entry in place */
} iommusim_cache_stats_t;

typedef struct iommusim_cache iommusim_cache_t;

/* Creates a cache, all ways invalid. Bad geometry gives NULL and -EINVAL in err, with a
 * message naming the field, its value and the allowed range; allocation failure -ENOMEM. */
iommusim_cache_t *iommusim_cache_create(const iommusim_cache_geom_t *g, iommusim_error_t *err);
void iommusim_cache_destroy(iommusim_cache_t *c);   /* NULL is a no-op */

/* The geometry as given (seed not rewritten). */
const iommusim_cache_geom_t *iommusim_cache_geom(const iommusim_cache_t *c);

/* Low log2(sets) bits of x. */
unsigned iommusim_cache_set_index(const iommusim_cache_t *c, uint64_t x);

/* Looks up (tag, ctx) in `set`. On a hit, updates replacement state, returns the payload
 * (writable, payload_size bytes; a non-NULL dummy pointer when payload_size is 0) and fills
 * *loc. On a miss returns NULL and sets *loc to {set, IOMMUSIM_CACHE_NO_WAY}. loc may be
 * NULL. The returned pointer stays valid until the entry is replaced, invalidated or
 * flushed. */
void *iommusim_cache_lookup(iommusim_cache_t *c, unsigned set, uint64_t tag, uint64_t ctx,
			    iommusim_cache_loc_t *loc);

/* Like lookup but changes nothing (no replacement update, no stats). */
const void *iommusim_cache_probe(const iommusim_cache_t *c, unsigned set, uint64_t tag,
				 uint64_t ctx, iommusim_cache_loc_t *loc);

/* Inserts an entry covering tag/tag_mask (tag is masked on insert) in `set`, following the
 * INSERT steps above. Returns the payload slot to fill (payload is copied from `payload`,
 * payload_size bytes, when non-NULL), or NULL only when set >= sets. loc and victim may be
 * NULL; *victim is always written (evicted = false unless step 4 replaced a valid entry). */
void *iommusim_cache_insert(iommusim_cache_t *c, unsigned set, uint64_t tag, uint64_t tag_mask,
			    uint64_t ctx, uint32_t flags, const void *payload,
			    iommusim_cache_loc_t *loc, iommusim_cache_victim_t *victim);

/* An invalidation predicate; see INVALIDATION above. */
typedef struct iommusim_cache_match {
	uint64_t ctx_mask, ctx_value;
	bool use_range;
	uint64_t tag_lo, tag_hi;        /* inclusive, in tag units */
	uint32_t flags_mask, flags_value;
} iommusim_cache_match_t;

/* Drops matching entries; returns how many. *scanned (if non-NULL) gets how many entries
 * were examined: always sets * ways (a scan of the whole cache, the cost model's input).
 * m NULL drops nothing (and scans nothing). */
size_t iommusim_cache_invalidate(iommusim_cache_t *c, const iommusim_cache_match_t *m,
				 size_t *scanned);

/* Drops valid entries for which pred returns true (visited in set/way order; pred must not
 * call back into this cache). Returns how many; pred NULL drops nothing. */
typedef bool (*iommusim_cache_pred_fn)(void *arg, uint64_t tag, uint64_t tag_mask, uint64_t ctx,
				       uint32_t flags, const void *payload);
size_t iommusim_cache_invalidate_if(iommusim_cache_t *c, iommusim_cache_pred_fn pred, void *arg);

/* Drops everything and resets replacement state (LRU stamps, PLRU bits, round-robin
 * pointers to 0, LFSR back to the seed). Counted as one invalidation op. */
void iommusim_cache_flush(iommusim_cache_t *c);

/* Number of valid entries. */
size_t iommusim_cache_count(const iommusim_cache_t *c);

/* Visits valid entries in set/way order (fn must not modify this cache). */
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
