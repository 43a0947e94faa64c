/* SPDX-License-Identifier: MIT */
/*
 * The ATC. Entries are keyed by the IOVA page number; an entry for a page of 2^s bytes has
 * tag_mask ~(2^(s-12) - 1), so it answers for every 4 KiB page under it.
 *
 * Set indexing must put a large entry where a lookup of any page under it looks: an entry of
 * page shift s is stored in the set chosen by the low bits of iova >> s (its own page
 * number). A lookup does not know the page size in advance, so it tries, smallest first, the
 * set of every page shift that has been filled since the ATC was last empty (a real ATC
 * probes its page-size classes in parallel; this costs host time only). Without large pages
 * this is one set, as in any set-associative TLB.
 *
 * Cache stats stay exact: the classes are examined with probe(), and exactly one lookup()
 * is made per call, on the class that hits or, on a miss, on the 4 KiB class.
 */
#include <errno.h>
#include <stdlib.h>

#include "iommusim/mem.h"
#include "models/endpoint/ep_atc.h"

struct ep_atc {
	iommusim_cache_t *c;
	uint64_t shifts;   /* bit s set: an entry of page shift s may be present */
};

struct ep_atc *ep_atc_create(unsigned sets, unsigned ways, iommusim_cache_repl_t repl,
			     uint32_t seed, iommusim_error_t *err)
{
	iommusim_cache_geom_t g = {
		.sets = sets, .ways = ways, .repl = repl, .seed = seed,
		.payload_size = sizeof(iommusim_atc_entry_t),
	};
	struct ep_atc *a = calloc(1, sizeof(*a));

	if (!a) {
		iommusim_error_set(err, -ENOMEM, "endpoint: out of memory for the ATC");
		return NULL;
	}
	a->c = iommusim_cache_create(&g, err);
	if (!a->c) {
		free(a);
		return NULL;
	}
	return a;
}

void ep_atc_destroy(struct ep_atc *a)
{
	if (!a)
		return;
	iommusim_cache_destroy(a->c);
	free(a);
}

const iommusim_cache_t *ep_atc_cache(const struct ep_atc *a)
{
	return a ? a->c : NULL;
}

static unsigned atc_set(const struct ep_atc *a, uint64_t tag, unsigned shift)
{
	return iommusim_cache_set_index(a->c, tag >> (shift - IOMMUSIM_PAGE_SHIFT));
}

bool ep_atc_lookup(struct ep_atc *a, uint64_t iova, uint64_t ctx, iommusim_atc_entry_t *out)
{
	uint64_t tag = iova >> IOMMUSIM_PAGE_SHIFT;
	unsigned set = atc_set(a, tag, IOMMUSIM_PAGE_SHIFT);
	const void *p;

	for (unsigned s = IOMMUSIM_PAGE_SHIFT; s < 64; s++) {
		if (!(a->shifts & (1ull << s)))
			continue;
		if (iommusim_cache_probe(a->c, atc_set(a, tag, s), tag, ctx, NULL)) {
			set = atc_set(a, tag, s);
			break;
		}
	}
	p = iommusim_cache_lookup(a->c, set, tag, ctx, NULL);
	if (!p)
		return false;
	*out = *(const iommusim_atc_entry_t *)p;
	return true;
}

/* log2 of a valid page size, or 12 for anything that is not a power of two >= 4 KiB. */
static unsigned atc_page_shift(uint64_t page_size)
{
	unsigned s = IOMMUSIM_PAGE_SHIFT;

	if (page_size < IOMMUSIM_PAGE_SIZE || (page_size & (page_size - 1)))
		return IOMMUSIM_PAGE_SHIFT;
	while ((1ull << s) != page_size)
		s++;
	return s;
}

bool ep_atc_fill(struct ep_atc *a, uint64_t iova, uint64_t ctx, uint64_t out_addr,
		 uint64_t page_size, unsigned perm)
{
	unsigned s = atc_page_shift(page_size);
	uint64_t size = 1ull << s;
	uint64_t tag = iova >> IOMMUSIM_PAGE_SHIFT;
	uint64_t tag_mask = ~((1ull << (s - IOMMUSIM_PAGE_SHIFT)) - 1);
	iommusim_cache_victim_t victim;
	/* out_addr translates the 4 KiB page at iova; the entry starts at the large page's base. */
	iommusim_atc_entry_t e = {
		.out_base = out_addr - ((iova & ~(IOMMUSIM_PAGE_SIZE - 1)) & (size - 1)),
		.page_size = size,
		.perm = perm,
	};

	a->shifts |= 1ull << s;
	iommusim_cache_insert(a->c, atc_set(a, tag, s), tag, tag_mask, ctx, IOMMUSIM_CACHE_F_LEAF,
			      &e, NULL, &victim);
	return victim.evicted;
}

size_t ep_atc_invalidate(struct ep_atc *a, uint64_t lo, uint64_t hi, uint64_t ctx_mask,
			 uint64_t ctx_value)
{
	iommusim_cache_match_t m = {
		.ctx_mask = ctx_mask, .ctx_value = ctx_value, .use_range = true,
		.tag_lo = lo >> IOMMUSIM_PAGE_SHIFT, .tag_hi = hi >> IOMMUSIM_PAGE_SHIFT,
	};
	size_t n = iommusim_cache_invalidate(a->c, &m, NULL);

	if (iommusim_cache_count(a->c) == 0)
		a->shifts = 0;
	return n;
}
