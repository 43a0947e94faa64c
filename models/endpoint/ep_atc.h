/* SPDX-License-Identifier: MIT */
/*
 * The endpoint's ATC (device TLB): a core set-associative cache whose entries may cover any
 * naturally aligned power-of-two range of 4 KiB pages (the page size an ATS translation
 * completion reports).
 */
#ifndef EP_ATC_H
#define EP_ATC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iommusim/cache.h"
#include "iommusim/endpoint.h"

struct ep_atc;

/* Creates an ATC; geometry errors come from the core cache (NULL, err filled). */
struct ep_atc *ep_atc_create(unsigned sets, unsigned ways, iommusim_cache_repl_t repl,
			     uint32_t seed, iommusim_error_t *err);
void ep_atc_destroy(struct ep_atc *a);
const iommusim_cache_t *ep_atc_cache(const struct ep_atc *a);

/* Looks iova up in context ctx. One cache lookup is counted per call (a hit updates the
 * replacement state of the entry hit). Returns true and *out on a hit. */
bool ep_atc_lookup(struct ep_atc *a, uint64_t iova, uint64_t ctx, iommusim_atc_entry_t *out);

/* Caches the translation of the page holding iova: out_addr is the translated address of
 * that page's first byte, page_size what the translation covers (anything that is not a
 * power of two >= 4 KiB counts as 4 KiB). Returns true if a valid entry was evicted. */
bool ep_atc_fill(struct ep_atc *a, uint64_t iova, uint64_t ctx, uint64_t out_addr,
		 uint64_t page_size, unsigned perm);

/* Drops entries overlapping the bytes [lo, hi] whose ctx matches ctx_value under ctx_mask
 * (ctx_mask 0: every context). Returns how many. */
size_t ep_atc_invalidate(struct ep_atc *a, uint64_t lo, uint64_t hi, uint64_t ctx_mask,
			 uint64_t ctx_value);

#endif
