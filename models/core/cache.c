/* SPDX-License-Identifier: MIT */
/*
 * Generic set-associative cache; the decisions are specified in include/iommusim/cache.h.
 *
 * Layout, chosen for the lookup hit path:
 *  - keys: per set, three arrays of `ways` words back to back: tag[], tag_mask[], ctx[].
 *    A lookup reads only these. An invalid way holds tag 1, mask 0, which no lookup can
 *    match ((x & 0) != 1), so the hit loop needs no valid check.
 *  - valid: one bitmask per set (ways <= 64), used by fills, invalidation and counting.
 *  - flags, LRU stamps and payload: per entry, indexed by set * ways + way.
 *  - PLRU: one word of tree bits per set (node n at bit n - 1); an access to way w is one
 *    and-or with masks precomputed per way at creation.
 * Nothing is allocated after create().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "iommusim/cache.h"

/* Sentinel key of an invalid way: never matched by a lookup (see above). */
#define CACHE_INV_TAG  1ull
#define CACHE_INV_MASK 0ull

/* Right-shifting Galois LFSR taps: x^32 + x^22 + x^2 + x + 1 (maximal length). */
#define CACHE_LFSR_TAPS 0x80200003u

struct iommusim_cache {
	/* hot, read by every lookup */
	uint64_t *keys;
	unsigned ways;
	unsigned set_mask;
	iommusim_cache_repl_t repl;
	uint64_t clock;                 /* LRU access counter; stamps come from it */
	uint64_t *stamp;                /* LRU: per entry */
	uint64_t *plru;                 /* TREE_PLRU: per set */
	unsigned char *payload;
	size_t payload_size;
	iommusim_cache_stats_t st;

	/* colder */
	uint64_t *valid;                /* per set */
	uint32_t *flags;                /* per entry */
	uint8_t *rr;                    /* ROUND_ROBIN: per set */
	uint32_t lfsr;                  /* RANDOM */
	uint32_t lfsr_seed;
	size_t nvalid;
	uint64_t dummy;                 /* payload pointer when payload_size is 0 */
	iommusim_cache_geom_t geom;
	uint64_t plru_clr[IOMMUSIM_CACHE_MAX_WAYS];   /* path bits of way w */
	uint64_t plru_set[IOMMUSIM_CACHE_MAX_WAYS];   /* path bits that become 1 */
};

static const char *const repl_names[] = {
	[IOMMUSIM_REPL_LRU] = "lru",
	[IOMMUSIM_REPL_TREE_PLRU] = "tree-plru",
	[IOMMUSIM_REPL_ROUND_ROBIN] = "round-robin",
	[IOMMUSIM_REPL_RANDOM] = "random",
};

int iommusim_cache_repl_parse(const char *s, iommusim_cache_repl_t *out)
{
	static const struct {
		const char *name;
		iommusim_cache_repl_t r;
	} tab[] = {
		{ "lru", IOMMUSIM_REPL_LRU },
		{ "plru", IOMMUSIM_REPL_TREE_PLRU },
		{ "tree-plru", IOMMUSIM_REPL_TREE_PLRU },
		{ "rr", IOMMUSIM_REPL_ROUND_ROBIN },
		{ "round-robin", IOMMUSIM_REPL_ROUND_ROBIN },
		{ "random", IOMMUSIM_REPL_RANDOM },
	};

	if (!s || !out)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		if (strcmp(s, tab[i].name) == 0) {
			*out = tab[i].r;
			return 0;
		}
	}
	return -EINVAL;
}

const char *iommusim_cache_repl_name(iommusim_cache_repl_t r)
{
	if ((unsigned)r < sizeof(repl_names) / sizeof(repl_names[0]))
		return repl_names[r];
	return "invalid";
}

static bool is_pow2(uint64_t x)
{
	return x && !(x & (x - 1));
}

static uint64_t all_ways(unsigned ways)
{
	return ways >= 64 ? ~0ull : (1ull << ways) - 1;
}

static int check_geom(const iommusim_cache_geom_t *g, iommusim_error_t *err)
{
	const char *p = "cache geometry";

	if (!g)
		return iommusim_error_set(err, -EINVAL, "%s: no geometry given (NULL)", p);
	if ((unsigned)g->repl >= sizeof(repl_names) / sizeof(repl_names[0]))
		return iommusim_error_set(err, -EINVAL,
			"%s: repl = %d is not a replacement policy; allowed: %d (lru), %d "
			"(tree-plru), %d (round-robin), %d (random)", p, (int)g->repl,
			IOMMUSIM_REPL_LRU, IOMMUSIM_REPL_TREE_PLRU, IOMMUSIM_REPL_ROUND_ROBIN,
			IOMMUSIM_REPL_RANDOM);
	if (!is_pow2(g->sets) || g->sets > IOMMUSIM_CACHE_MAX_SETS)
		return iommusim_error_set(err, -EINVAL,
			"%s: sets = %u is invalid; allowed: a power of two from 1 to %u", p,
			g->sets, IOMMUSIM_CACHE_MAX_SETS);
	if (g->ways < 1 || g->ways > IOMMUSIM_CACHE_MAX_WAYS)
		return iommusim_error_set(err, -EINVAL,
			"%s: ways = %u is out of range; allowed: 1 to %u", p, g->ways,
			IOMMUSIM_CACHE_MAX_WAYS);
	if (g->repl == IOMMUSIM_REPL_TREE_PLRU && !is_pow2(g->ways))
		return iommusim_error_set(err, -EINVAL,
			"%s: ways = %u with repl = tree-plru; tree-plru needs a power of two "
			"from 1 to %u (use lru, round-robin or random for other way counts)", p,
			g->ways, IOMMUSIM_CACHE_MAX_WAYS);
	uint64_t entries = (uint64_t)g->sets * g->ways;
	if (entries > IOMMUSIM_CACHE_MAX_ENTRIES)
		return iommusim_error_set(err, -EINVAL,
			"%s: sets * ways = %u * %u = %llu entries is too large; allowed: at most "
			"%u entries", p, g->sets, g->ways, (unsigned long long)entries,
			IOMMUSIM_CACHE_MAX_ENTRIES);
	if (g->payload_size > IOMMUSIM_CACHE_MAX_PAYLOAD)
		return iommusim_error_set(err, -EINVAL,
			"%s: payload_size = %zu bytes is out of range; allowed: 0 to %u bytes", p,
			g->payload_size, IOMMUSIM_CACHE_MAX_PAYLOAD);
	uint64_t bytes = entries * g->payload_size;
	if (bytes > IOMMUSIM_CACHE_MAX_PAYLOAD_BYTES)
		return iommusim_error_set(err, -EINVAL,
			"%s: sets * ways * payload_size = %llu * %zu = %llu bytes is too large; "
			"allowed: at most %u bytes of payload", p, (unsigned long long)entries,
			g->payload_size, (unsigned long long)bytes,
			IOMMUSIM_CACHE_MAX_PAYLOAD_BYTES);
	return 0;
}

/* Precomputes, for each way, the tree bits on its root-to-leaf path and their new values. */
static void plru_init_masks(iommusim_cache_t *c)
{
	unsigned ways = c->ways;

	for (unsigned w = 0; w < ways; w++) {
		uint64_t clr = 0, set = 0;
		for (unsigned n = ways + w; n > 1; n >>= 1) {
			unsigned parent = n >> 1;
			uint64_t bit = 1ull << (parent - 1);
			clr |= bit;
			if (!(n & 1))           /* w is in parent's left subtree: point right */
				set |= bit;
		}
		c->plru_clr[w] = clr;
		c->plru_set[w] = set;
	}
}

static void reset_entries(iommusim_cache_t *c)
{
	unsigned ways = c->ways;
	size_t sets = (size_t)c->set_mask + 1;

	for (size_t s = 0; s < sets; s++) {
		uint64_t *k = c->keys + s * 3 * ways;
		for (unsigned w = 0; w < ways; w++) {
			k[w] = CACHE_INV_TAG;
			k[ways + w] = CACHE_INV_MASK;
			k[2 * ways + w] = 0;
		}
	}
	memset(c->valid, 0, sets * sizeof(*c->valid));
	memset(c->flags, 0, sets * ways * sizeof(*c->flags));
	c->nvalid = 0;
}

static void reset_repl(iommusim_cache_t *c)
{
	size_t sets = (size_t)c->set_mask + 1;

	c->clock = 0;
	if (c->stamp)
		memset(c->stamp, 0, sets * c->ways * sizeof(*c->stamp));
	if (c->plru)
		memset(c->plru, 0, sets * sizeof(*c->plru));
	if (c->rr)
		memset(c->rr, 0, sets * sizeof(*c->rr));
	c->lfsr = c->lfsr_seed;
}

iommusim_cache_t *iommusim_cache_create(const iommusim_cache_geom_t *g, iommusim_error_t *err)
{
	if (check_geom(g, err))
		return NULL;

	iommusim_cache_t *c = calloc(1, sizeof(*c));
	if (!c) {
		iommusim_error_set(err, -ENOMEM, "cache: out of memory for the cache object");
		return NULL;
	}
	size_t sets = g->sets, ways = g->ways, entries = sets * ways;
	c->geom = *g;
	c->ways = g->ways;
	c->set_mask = g->sets - 1;
	c->repl = g->repl;
	c->payload_size = g->payload_size;
	c->lfsr_seed = g->seed ? g->seed : 1;

	c->keys = malloc(entries * 3 * sizeof(*c->keys));
	c->valid = calloc(sets, sizeof(*c->valid));
	c->flags = calloc(entries, sizeof(*c->flags));
	bool ok = c->keys && c->valid && c->flags;
	if (g->payload_size) {
		c->payload = calloc(entries, g->payload_size);
		ok = ok && c->payload;
	}
	switch (g->repl) {
	case IOMMUSIM_REPL_LRU:
		c->stamp = calloc(entries, sizeof(*c->stamp));
		ok = ok && c->stamp;
		break;
	case IOMMUSIM_REPL_TREE_PLRU:
		c->plru = calloc(sets, sizeof(*c->plru));
		ok = ok && c->plru;
		plru_init_masks(c);
		break;
	case IOMMUSIM_REPL_ROUND_ROBIN:
		c->rr = calloc(sets, sizeof(*c->rr));
		ok = ok && c->rr;
		break;
	case IOMMUSIM_REPL_RANDOM:
		break;
	}
	if (!ok) {
		iommusim_error_set(err, -ENOMEM,
			"cache: out of memory for %zu sets x %zu ways with %zu-byte payloads",
			sets, ways, g->payload_size);
		iommusim_cache_destroy(c);
		return NULL;
	}
	reset_entries(c);
	reset_repl(c);
	return c;
}

void iommusim_cache_destroy(iommusim_cache_t *c)
{
	if (!c)
		return;
	free(c->keys);
	free(c->valid);
	free(c->flags);
	free(c->payload);
	free(c->stamp);
	free(c->plru);
	free(c->rr);
	free(c);
}

const iommusim_cache_geom_t *iommusim_cache_geom(const iommusim_cache_t *c)
{
	return &c->geom;
}

unsigned iommusim_cache_set_index(const iommusim_cache_t *c, uint64_t x)
{
	return (unsigned)(x & c->set_mask);
}

static inline void *payload_at(const iommusim_cache_t *c, size_t idx)
{
	if (!c->payload_size)
		return (void *)&c->dummy;
	return c->payload + idx * c->payload_size;
}

/* The lowest of `n` ways (keys at tg[], mk[], cx[]) matching (tag, ctx), or -1. All n are
 * compared and the lowest match kept, as a priority encoder does: no data-dependent branch
 * per way to mispredict. */
static inline __attribute__((always_inline)) int
match_ways(const uint64_t *tg, const uint64_t *mk, const uint64_t *cx, unsigned n, uint64_t tag,
	   uint64_t ctx)
{
	int hit = -1;

	for (unsigned w = n; w-- > 0;) {
		if ((((tag & mk[w]) ^ tg[w]) | (cx[w] ^ ctx)) == 0)
			hit = (int)w;
	}
	return hit;
}

/* Returns the lowest way of `set` matching (tag, ctx), or -1. Common way counts get a copy
 * with a constant trip count, which the compiler unrolls; wide sets are scanned in groups of
 * 8 ways, stopping at the first group with a match (the lowest way overall). */
static inline int find_way(const iommusim_cache_t *c, unsigned set, uint64_t tag, uint64_t ctx)
{
	unsigned ways = c->ways;
	const uint64_t *tg = c->keys + (size_t)set * 3 * ways;
	const uint64_t *mk = tg + ways;
	const uint64_t *cx = mk + ways;

	switch (ways) {
	case 1:
		return match_ways(tg, mk, cx, 1, tag, ctx);
	case 2:
		return match_ways(tg, mk, cx, 2, tag, ctx);
	case 4:
		return match_ways(tg, mk, cx, 4, tag, ctx);
	case 8:
		return match_ways(tg, mk, cx, 8, tag, ctx);
	default:
		break;
	}
	unsigned base = 0;
	for (; base + 8 <= ways; base += 8) {
		int w = match_ways(tg + base, mk + base, cx + base, 8, tag, ctx);
		if (w >= 0)
			return (int)base + w;
	}
	int w = match_ways(tg + base, mk + base, cx + base, ways - base, tag, ctx);
	return w >= 0 ? (int)base + w : -1;
}

/* An access (hit, fill, update) to (set, way) for the replacement policy. */
static inline void touch(iommusim_cache_t *c, unsigned set, unsigned way)
{
	switch (c->repl) {
	case IOMMUSIM_REPL_LRU:
		c->stamp[(size_t)set * c->ways + way] = ++c->clock;
		break;
	case IOMMUSIM_REPL_TREE_PLRU:
		c->plru[set] = (c->plru[set] & ~c->plru_clr[way]) | c->plru_set[way];
		break;
	case IOMMUSIM_REPL_ROUND_ROBIN:
	case IOMMUSIM_REPL_RANDOM:
		break;
	}
}

void *iommusim_cache_lookup(iommusim_cache_t *c, unsigned set, uint64_t tag, uint64_t ctx,
			    iommusim_cache_loc_t *loc)
{
	if (set > c->set_mask) {
		if (loc) {
			loc->set = set;
			loc->way = IOMMUSIM_CACHE_NO_WAY;
		}
		return NULL;
	}
	c->st.lookups++;
	int w = find_way(c, set, tag, ctx);
	if (loc)
		loc->set = set;
	if (w < 0) {
		c->st.misses++;
		if (loc)
			loc->way = IOMMUSIM_CACHE_NO_WAY;
		return NULL;
	}
	c->st.hits++;
	touch(c, set, (unsigned)w);
	if (loc)
		loc->way = (unsigned)w;
	return payload_at(c, (size_t)set * c->ways + (unsigned)w);
}

const void *iommusim_cache_probe(const iommusim_cache_t *c, unsigned set, uint64_t tag,
				 uint64_t ctx, iommusim_cache_loc_t *loc)
{
	int w = set > c->set_mask ? -1 : find_way(c, set, tag, ctx);

	if (loc) {
		loc->set = set;
		loc->way = w < 0 ? IOMMUSIM_CACHE_NO_WAY : (unsigned)w;
	}
	if (w < 0)
		return NULL;
	return payload_at(c, (size_t)set * c->ways + (unsigned)w);
}

static uint32_t lfsr_step(uint32_t s)
{
	uint32_t lsb = s & 1u;

	s >>= 1;
	if (lsb)
		s ^= CACHE_LFSR_TAPS;
	return s;
}

/* The policy's victim in a full set; advances round-robin and the LFSR (eviction-time
 * state changes). */
static unsigned pick_victim(iommusim_cache_t *c, unsigned set)
{
	unsigned ways = c->ways;

	switch (c->repl) {
	case IOMMUSIM_REPL_LRU: {
		/* Oldest stamp; stamps are unique, so the minimum is. Branchless: the oldest
		 * way is data-dependent and would mispredict. */
		const uint64_t *st = c->stamp + (size_t)set * ways;
		uint64_t best = st[0];
		unsigned v = 0;
		for (unsigned w = 1; w < ways; w++) {
			bool older = st[w] < best;
			best = older ? st[w] : best;
			v = older ? w : v;
		}
		return v;
	}
	case IOMMUSIM_REPL_TREE_PLRU: {
		uint64_t bits = c->plru[set];
		unsigned n = 1;
		while (n < ways)
			n = 2 * n + (unsigned)((bits >> (n - 1)) & 1);
		return n - ways;
	}
	case IOMMUSIM_REPL_ROUND_ROBIN: {
		unsigned v = c->rr[set];
		c->rr[set] = (uint8_t)((v + 1) % ways);
		return v;
	}
	case IOMMUSIM_REPL_RANDOM:
		c->lfsr = lfsr_step(c->lfsr);
		return c->lfsr % ways;
	}
	return 0;
}

void *iommusim_cache_insert(iommusim_cache_t *c, unsigned set, uint64_t tag, uint64_t tag_mask,
			    uint64_t ctx, uint32_t flags, const void *payload,
			    iommusim_cache_loc_t *loc, iommusim_cache_victim_t *victim)
{
	if (victim)
		memset(victim, 0, sizeof(*victim));
	if (loc) {
		loc->set = set;
		loc->way = IOMMUSIM_CACHE_NO_WAY;
	}
	if (set > c->set_mask)
		return NULL;

	unsigned ways = c->ways;
	uint64_t *tg = c->keys + (size_t)set * 3 * ways;
	uint64_t *mk = tg + ways;
	uint64_t *cx = mk + ways;
	uint64_t valid = c->valid[set];
	unsigned way;

	tag &= tag_mask;
	for (way = 0; way < ways; way++) {
		if (((valid >> way) & 1) && tg[way] == tag && mk[way] == tag_mask && cx[way] == ctx)
			break;
	}
	size_t idx = (size_t)set * ways;
	if (way < ways) {
		/* Step 2: update in place. */
		idx += way;
		c->flags[idx] = flags;
		c->st.updates++;
		touch(c, set, way);
		if (loc)
			loc->way = way;
		void *p = payload_at(c, idx);
		if (payload && c->payload_size)
			memmove(p, payload, c->payload_size);   /* payload may be this slot */
		return p;
	}

	uint64_t invalid = ~valid & all_ways(ways);
	if (invalid) {
		way = (unsigned)__builtin_ctzll(invalid);   /* step 3: lowest invalid way */
		c->nvalid++;
		c->valid[set] = valid | (1ull << way);
	} else {
		way = pick_victim(c, set);                   /* step 4 */
		c->st.evictions++;
		if (victim) {
			victim->evicted = true;
			victim->tag = tg[way];
			victim->tag_mask = mk[way];
			victim->ctx = cx[way];
			victim->flags = c->flags[idx + way];
		}
	}
	idx += way;
	tg[way] = tag;
	mk[way] = tag_mask;
	cx[way] = ctx;
	c->flags[idx] = flags;
	c->st.fills++;
	touch(c, set, way);
	if (loc)
		loc->way = way;
	void *p = payload_at(c, idx);
	if (c->payload_size) {
		if (payload)
			memmove(p, payload, c->payload_size);
		else
			memset(p, 0, c->payload_size);
	}
	return p;
}

static void drop(iommusim_cache_t *c, unsigned set, unsigned way)
{
	unsigned ways = c->ways;
	uint64_t *tg = c->keys + (size_t)set * 3 * ways;

	tg[way] = CACHE_INV_TAG;
	tg[ways + way] = CACHE_INV_MASK;
	tg[2 * ways + way] = 0;
	c->flags[(size_t)set * ways + way] = 0;
	c->valid[set] &= ~(1ull << way);
	c->nvalid--;
}

static bool match_entry(const iommusim_cache_match_t *m, uint64_t tag, uint64_t mask,
			uint64_t ctx, uint32_t flags)
{
	if ((ctx & m->ctx_mask) != (m->ctx_value & m->ctx_mask))
		return false;
	if ((flags & m->flags_mask) != m->flags_value)
		return false;
	if (m->use_range) {
		uint64_t last = tag | ~mask;
		if (tag > m->tag_hi || last < m->tag_lo)
			return false;
	}
	return true;
}

size_t iommusim_cache_invalidate(iommusim_cache_t *c, const iommusim_cache_match_t *m,
				 size_t *scanned)
{
	size_t sets = (size_t)c->set_mask + 1, n = 0;
	unsigned ways = c->ways;

	if (scanned)
		*scanned = m ? sets * ways : 0;
	if (!m)
		return 0;
	/* A predicate no entry can satisfy still costs a scan but changes nothing. */
	bool possible = (m->flags_value & ~m->flags_mask) == 0 &&
			(!m->use_range || m->tag_lo <= m->tag_hi);
	for (size_t s = 0; possible && s < sets && c->nvalid; s++) {
		const uint64_t *tg = c->keys + s * 3 * ways;
		for (uint64_t v = c->valid[s]; v; v &= v - 1) {
			unsigned w = (unsigned)__builtin_ctzll(v);
			if (match_entry(m, tg[w], tg[ways + w], tg[2 * ways + w],
					c->flags[s * ways + w])) {
				drop(c, (unsigned)s, w);
				n++;
			}
		}
	}
	c->st.inval_ops++;
	c->st.invalidated += n;
	return n;
}

size_t iommusim_cache_invalidate_if(iommusim_cache_t *c, iommusim_cache_pred_fn pred, void *arg)
{
	size_t sets = (size_t)c->set_mask + 1, n = 0;
	unsigned ways = c->ways;

	if (!pred)
		return 0;
	for (size_t s = 0; s < sets && c->nvalid; s++) {
		const uint64_t *tg = c->keys + s * 3 * ways;
		for (uint64_t v = c->valid[s]; v; v &= v - 1) {
			unsigned w = (unsigned)__builtin_ctzll(v);
			size_t idx = s * ways + w;
			if (pred(arg, tg[w], tg[ways + w], tg[2 * ways + w], c->flags[idx],
				 payload_at(c, idx))) {
				drop(c, (unsigned)s, w);
				n++;
			}
		}
	}
	c->st.inval_ops++;
	c->st.invalidated += n;
	return n;
}

void iommusim_cache_flush(iommusim_cache_t *c)
{
	c->st.inval_ops++;
	c->st.invalidated += c->nvalid;
	reset_entries(c);
	reset_repl(c);
}

size_t iommusim_cache_count(const iommusim_cache_t *c)
{
	return c->nvalid;
}

void iommusim_cache_foreach(const iommusim_cache_t *c, iommusim_cache_visit_fn fn, void *arg)
{
	size_t sets = (size_t)c->set_mask + 1;
	unsigned ways = c->ways;

	if (!fn)
		return;
	for (size_t s = 0; s < sets; s++) {
		const uint64_t *tg = c->keys + s * 3 * ways;
		for (uint64_t v = c->valid[s]; v; v &= v - 1) {
			unsigned w = (unsigned)__builtin_ctzll(v);
			size_t idx = s * ways + w;
			iommusim_cache_loc_t loc = { (unsigned)s, w };
			fn(arg, loc, tg[w], tg[ways + w], tg[2 * ways + w], c->flags[idx],
			   payload_at(c, idx));
		}
	}
}

const iommusim_cache_stats_t *iommusim_cache_stats(const iommusim_cache_t *c)
{
	return &c->st;
}

void iommusim_cache_stats_reset(iommusim_cache_t *c)
{
	memset(&c->st, 0, sizeof(c->st));
}
