/* SPDX-License-Identifier: MIT */
/*
 * Cache tags and cache flushing (Linux drivers/iommu/intel/cache.c), and the flush policy
 * after unmap.
 *
 * A domain carries one tag per (unit, domain ID, PASID) it is attached with (IOTLB) and one
 * per ATS-enabled device (device TLB); a nested domain's attachment also tags its parent
 * (NESTING_IOTLB / NESTING_DEVTLB with the nested domain's ID), so that a change in the
 * parent's table reaches the nested translations built on it. Flushing a domain walks its
 * tags:
 *   - IOTLB of a first-level (or nested) domain: PASID-based IOTLB invalidation (type 6),
 *     page-selective within the PASID, or all of the PASID;
 *   - IOTLB of a second-level domain: IOTLB invalidation (type 2), page-selective with AM,
 *     or domain-selective without CAP.PSI, past CAP.MAMV or past drv.vtd.psi_threshold;
 *   - device TLB: device-TLB invalidation (type 3) for PASID 0 (the RID), PASID-based
 *     device-TLB invalidation (type 8) otherwise; nesting device TLBs are flushed whole.
 * Each descriptor goes to the queue of its tag's unit, built with that unit's capabilities
 * (CAP.PSI, CAP.MAMV, caching mode); a domain attached behind several units thus flushes
 * each of them, one batch per unit in tag order (cache_tag_flush_range flushes its qi_batch
 * when the tag's IOMMU changes). The global scope posts one global invalidation per unit.
 *
 * The page-selective range is, as calculate_psi_aligned_address computes it, the smallest
 * naturally aligned power of two of pages covering the range (drv.vtd.psi=cover), or one
 * descriptor per naturally aligned chunk of at most 2^MAMV pages (chunks; a range needing
 * more than 64 chunks is covered as in cover mode).
 *
 * Policies: strict submits every descriptor on its own with its own wait (intel-iommu
 * before the qi_batch change); batched puts all descriptors of one flush in one submit
 * with one wait (up to drv.vtd.batch_max each); deferred queues unmaps and flushes the
 * domain whole (cache_tag_flush_all) when drv.vtd.fq_size unmaps are queued or
 * drv.vtd.fq_timeout_ns after the first (the iommu-dma flush queue). Page-table frames
 * removed by unmap are freed only after the flush that covers them.
 *
 * Scope (drv.vtd.inval_scope), for measuring each granularity: auto is the above; domain
 * makes every IOTLB tag of an unmap's flush domain-selective (PASID-selective for first
 * level), as past psi_threshold, device TLBs still by range; global replaces the IOTLB tags
 * by one global IOTLB invalidation and flushes every device TLB of the domain whole. The
 * flush queue's flush is domain-selective under auto and domain, global under global.
 */
#include <errno.h>
#include <stdlib.h>

#include "host-shim/drivers/vtd/vtd_drv_priv.h"

/* ---- tags ---------------------------------------------------------------------------------- */

static bool tag_match(const struct vdrv_tag *t, enum vdrv_tag_type type,
		      const struct vdrv_iommu *v, uint16_t did, uint32_t pasid,
		      const struct vdrv_dev *d)
{
	if (t->type != type || t->iommu != v || t->did != did || t->pasid != pasid)
		return false;
	if (type == VDRV_TAG_DEVTLB || type == VDRV_TAG_NEST_DEVTLB)
		return t->dev == d;
	return true;
}

static int tag_add(struct vdrv_domain *dom, enum vdrv_tag_type type, struct vdrv_iommu *v,
		   uint16_t did, uint32_t pasid, struct vdrv_dev *d)
{
	for (size_t i = 0; i < dom->ntags; i++) {
		if (tag_match(&dom->tags[i], type, v, did, pasid, d)) {
			dom->tags[i].users++;
			return 0;
		}
	}
	if (dom->ntags == dom->captags) {
		size_t cap = dom->captags ? dom->captags * 2 : 4;
		struct vdrv_tag *p = realloc(dom->tags, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		dom->tags = p;
		dom->captags = cap;
	}
	dom->tags[dom->ntags++] = (struct vdrv_tag){
		.type = type, .iommu = v, .did = did, .pasid = pasid,
		.dev = (type == VDRV_TAG_DEVTLB || type == VDRV_TAG_NEST_DEVTLB) ? d : NULL,
		.users = 1,
	};
	return 0;
}

static void tag_del(struct vdrv_domain *dom, enum vdrv_tag_type type, const struct vdrv_iommu *v,
		    uint16_t did, uint32_t pasid, const struct vdrv_dev *d)
{
	for (size_t i = 0; i < dom->ntags; i++) {
		if (tag_match(&dom->tags[i], type, v, did, pasid, d)) {
			if (--dom->tags[i].users == 0) {
				for (size_t k = i + 1; k < dom->ntags; k++)
					dom->tags[k - 1] = dom->tags[k];
				dom->ntags--;
			}
			return;
		}
	}
}

int vdrv_tag_assign(struct vdrv_domain *dom, struct vdrv_iommu *v, struct vdrv_dev *d,
		    uint32_t pasid)
{
	uint16_t did = (uint16_t)vdrv_did_of(dom, v);

	if (tag_add(dom, VDRV_TAG_IOTLB, v, did, pasid, NULL))
		return -ENOMEM;
	if (d->ats && tag_add(dom, VDRV_TAG_DEVTLB, v, did, pasid, d))
		goto undo_iotlb;
	if (dom->base.type != DRV_DOMAIN_NESTED)
		return 0;
	if (tag_add(dom->s2, VDRV_TAG_NEST_IOTLB, v, did, pasid, NULL))
		goto undo_devtlb;
	if (d->ats && tag_add(dom->s2, VDRV_TAG_NEST_DEVTLB, v, did, pasid, d)) {
		tag_del(dom->s2, VDRV_TAG_NEST_IOTLB, v, did, pasid, NULL);
		goto undo_devtlb;
	}
	return 0;
undo_devtlb:
	if (d->ats)
		tag_del(dom, VDRV_TAG_DEVTLB, v, did, pasid, d);
undo_iotlb:
	tag_del(dom, VDRV_TAG_IOTLB, v, did, pasid, NULL);
	return -ENOMEM;
}

void vdrv_tag_unassign(struct vdrv_domain *dom, struct vdrv_iommu *v, struct vdrv_dev *d,
		       uint32_t pasid)
{
	uint16_t did = (uint16_t)vdrv_did_of(dom, v);

	tag_del(dom, VDRV_TAG_IOTLB, v, did, pasid, NULL);
	if (d->ats)
		tag_del(dom, VDRV_TAG_DEVTLB, v, did, pasid, d);
	if (dom->base.type == DRV_DOMAIN_NESTED) {
		tag_del(dom->s2, VDRV_TAG_NEST_IOTLB, v, did, pasid, NULL);
		if (d->ats)
			tag_del(dom->s2, VDRV_TAG_NEST_DEVTLB, v, did, pasid, d);
	}
}

/* ---- ranges ------------------------------------------------------------------------------- */

static unsigned mamv(const struct vdrv_iommu *v)
{
	return (unsigned)((v->cap & VTD_CAP_MAMV_MASK) >> VTD_CAP_MAMV_SHIFT);
}

/* calculate_psi_aligned_address: the aligned power of two of pages covering [start, last]. */
static uint64_t psi_cover(uint64_t start, uint64_t last, unsigned *mask)
{
	uint64_t pfn = start >> VTD_PAGE_SHIFT, end_pfn = last >> VTD_PAGE_SHIFT;
	uint64_t pages = end_pfn - pfn + 1;
	unsigned m = 0;

	while (m < VDRV_DEVTLB_ALL && (1ull << m) < pages)
		m++;
	if (m < VDRV_DEVTLB_ALL && (pfn & ((1ull << m) - 1))) {
		/* the first bit above m where pfn and end_pfn agree from there up */
		uint64_t shared = ~(pfn ^ end_pfn) & ~((1ull << m) - 1);

		m = shared ? (unsigned)__builtin_ctzll(shared) : VDRV_DEVTLB_ALL;
		while (m < VDRV_DEVTLB_ALL && ((pfn >> m) != (end_pfn >> m)))
			m++;
	}
	*mask = m;
	return m >= VDRV_DEVTLB_ALL ? 0 : (pfn & ~((1ull << m) - 1)) << VTD_PAGE_SHIFT;
}

/* One flush of one tag: the tag, the hint, and the batch the descriptors go to. */
struct unit_ctx {
	struct vdrv_domain *dom;
	const struct vdrv_tag *tag;
	bool ih;
	struct vdrv_batch *b;
};

static void tag_flush_unit(struct unit_ctx *c, uint64_t addr, unsigned am)
{
	struct vdrv_domain *dom = c->dom;
	const struct vdrv_tag *t = c->tag;
	struct vdrv_iommu *v = t->iommu;
	uint64_t d[4];

	switch (t->type) {
	case VDRV_TAG_IOTLB:
	case VDRV_TAG_NEST_IOTLB:
		if (dom->first_level) {
			if (am > mamv(v) || am >= VDRV_DEVTLB_ALL) {
				vdrv_desc_piotlb(d, t->did, t->pasid, 0, 0, true, false);
				(*v->st.flush_dsi)++;
			} else {
				vdrv_desc_piotlb(d, t->did, t->pasid, addr, am, false, c->ih);
				(*v->st.flush_psi)++;
			}
		} else if (!vdrv_capb(v, VTD_CAP_PSI) || am > mamv(v) || am >= VDRV_DEVTLB_ALL) {
			vdrv_desc_iotlb(v, d, VDRV_G_DOMAIN, t->did, 0, 0, false);
			(*v->st.flush_dsi)++;
		} else {
			vdrv_desc_iotlb(v, d, VDRV_G_PAGE, t->did, addr, am, c->ih);
			(*v->st.flush_psi)++;
		}
		break;
	case VDRV_TAG_NEST_DEVTLB:
		addr = 0;
		am = VDRV_DEVTLB_ALL;
		/* fall through */
	case VDRV_TAG_DEVTLB:
		if (!t->dev->ats || !(v->gcmd & VTD_GCMD_TE))
			return;
		if (t->pasid == VDRV_NO_PASID)
			vdrv_desc_devtlb(d, t->dev->rid, t->dev->pfsid, t->dev->qdep, addr, am);
		else
			vdrv_desc_pdevtlb(d, t->dev->rid, t->dev->pfsid, t->pasid, t->dev->qdep,
					 addr, am);
		(*v->st.flush_devtlb)++;
		break;
	}
	vdrv_batch_add(v, c->b, d);
}

#define MAX_CHUNKS 64   /* past this many, chunks mode falls back to one covering unit */

/* The naturally aligned chunk (at most 2^MAMV pages) starting at pfn within end_pfn. */
static unsigned chunk_order(const struct vdrv_iommu *v, uint64_t pfn, uint64_t end_pfn)
{
	unsigned order = pfn ? (unsigned)__builtin_ctzll(pfn) : 63;
	uint64_t left = end_pfn - pfn + 1;

	if (order > mamv(v))
		order = mamv(v);
	while (order && (left == 0 || (1ull << order) > left))
		order--;
	return order;
}

/* Walks the chunks of [pfn, end_pfn]; emits them when c is non-NULL. Returns how many
 * there are, counting no further than MAX_CHUNKS + 1. */
static unsigned chunks(struct unit_ctx *c, const struct vdrv_iommu *v, uint64_t pfn,
		       uint64_t end_pfn)
{
	unsigned n = 0;

	for (;;) {
		unsigned order = chunk_order(v, pfn, end_pfn);

		if (c)
			tag_flush_unit(c, pfn << VTD_PAGE_SHIFT, order);
		if (++n > MAX_CHUNKS && !c)
			return n;
		if (end_pfn - pfn < (1ull << order))
			return n;
		pfn += 1ull << order;
	}
}

static void tag_flush_range(struct unit_ctx *c, uint64_t start, uint64_t last)
{
	struct vdrv_iommu *v = c->tag->iommu;
	uint64_t pfn = start >> VTD_PAGE_SHIFT, end_pfn = last >> VTD_PAGE_SHIFT;

	/* the domain's flush policy; the tag's unit's CAP.MAMV */
	if (c->dom->v->cfg.psi_mode == VDRV_PSI_CHUNKS && c->tag->type != VDRV_TAG_NEST_DEVTLB &&
	    chunks(NULL, v, pfn, end_pfn) <= MAX_CHUNKS) {
		(void)chunks(c, v, pfn, end_pfn);
		return;
	}
	unsigned am;
	uint64_t addr = psi_cover(start, last, &am);

	tag_flush_unit(c, addr, am);
}

static bool tag_is_iotlb(const struct vdrv_tag *t)
{
	return t->type == VDRV_TAG_IOTLB || t->type == VDRV_TAG_NEST_IOTLB;
}

/* [start, last] of every tag; whole: the IOTLB tags domain- / PASID-selective. */
static void flush_range_tags(struct vdrv_domain *dom, uint64_t start, uint64_t last, bool ih,
			     bool whole, struct vdrv_batch *b)
{
	struct unit_ctx c = { .dom = dom, .ih = ih, .b = b };

	for (size_t i = 0; i < dom->ntags; i++) {
		c.tag = &dom->tags[i];
		if (whole && tag_is_iotlb(c.tag))
			tag_flush_unit(&c, 0, VDRV_DEVTLB_ALL);
		else
			tag_flush_range(&c, start, last);
	}
}

void vdrv_flush_range(struct vdrv_domain *dom, uint64_t start, uint64_t last, bool ih,
		     struct vdrv_batch *b)
{
	struct vdrv_iommu *v = dom->v;
	uint64_t pages = (last >> VTD_PAGE_SHIFT) - (start >> VTD_PAGE_SHIFT) + 1;

	flush_range_tags(dom, start, last, ih,
			 v->cfg.psi_threshold && pages > v->cfg.psi_threshold, b);
}

/* cache_tag_flush_devtlb_all: a device-TLB invalidation of every address, without PASID. */
static void flush_devtlb_all(struct vdrv_iommu *v, const struct vdrv_tag *t, struct vdrv_batch *b)
{
	uint64_t d[4];

	if (!t->dev->ats || !(v->gcmd & VTD_GCMD_TE))
		return;
	vdrv_desc_devtlb(d, t->dev->rid, t->dev->pfsid, t->dev->qdep, 0, VDRV_DEVTLB_ALL);
	(*v->st.flush_devtlb)++;
	vdrv_batch_add(v, b, d);
}

void vdrv_flush_all(struct vdrv_domain *dom, struct vdrv_batch *b)
{
	uint64_t d[4];

	for (size_t i = 0; i < dom->ntags; i++) {
		const struct vdrv_tag *t = &dom->tags[i];
		struct vdrv_iommu *v = t->iommu;

		if (!tag_is_iotlb(t)) {
			flush_devtlb_all(v, t, b);
			continue;
		}
		if (dom->first_level)
			vdrv_desc_piotlb(d, t->did, t->pasid, 0, 0, true, false);
		else
			vdrv_desc_iotlb(v, d, VDRV_G_DOMAIN, t->did, 0, 0, false);
		(*v->st.flush_dsi)++;
		vdrv_batch_add(v, b, d);
	}
}

/* A global flush: one IOTLB invalidation (type 2) with global granularity (G = 01b), which
 * drops every IOTLB and paging-structure-cache entry of every domain ID and PASID, first
 * level, second level and nested alike (spec 6.5.2.3 "IOTLB Invalidate Descriptor"; the
 * PASID-based IOTLB descriptor, 6.5.2.4, has no global granularity: 00b and 01b are
 * reserved). It is what intel-iommu posts for a global IOTLB flush in both modes:
 * iommu->flush.flush_iotlb(iommu, 0, 0, 0, DMA_TLB_GLOBAL_FLUSH), i.e. qi_flush_iotlb with
 * a DID of 0, in scalable mode too (iommu_set_root_entry, drivers/iommu/intel/iommu.c).
 * Then every device TLB of the domain, whole, as cache_tag_flush_all does. */
static bool unit_seen(const struct vdrv_domain *dom, size_t i)
{
	for (size_t k = 0; k < i; k++)
		if (tag_is_iotlb(&dom->tags[k]) && dom->tags[k].iommu == dom->tags[i].iommu)
			return true;
	return false;
}

static void flush_global(struct vdrv_domain *dom, struct vdrv_batch *b)
{
	uint64_t d[4];

	/* one global invalidation on each unit the domain is attached behind */
	for (size_t i = 0; i < dom->ntags; i++) {
		struct vdrv_iommu *v = dom->tags[i].iommu;

		if (!tag_is_iotlb(&dom->tags[i]) || unit_seen(dom, i))
			continue;
		vdrv_desc_iotlb(v, d, VDRV_G_GLOBAL, 0, 0, 0, false);
		(*v->st.flush_global)++;
		vdrv_batch_add(v, b, d);
	}
	for (size_t i = 0; i < dom->ntags; i++)
		if (!tag_is_iotlb(&dom->tags[i]))
			flush_devtlb_all(dom->tags[i].iommu, &dom->tags[i], b);
}

void vdrv_flush_range_np(struct vdrv_domain *dom, uint64_t start, uint64_t last)
{
	struct vdrv_iommu *v = dom->v;
	struct vdrv_batch b;
	bool any = false;

	vdrv_batch_init(v, &b, vdrv_domain_policy(dom) != VDRV_FLUSH_STRICT);
	for (size_t i = 0; i < dom->ntags; i++) {
		struct unit_ctx c = { .dom = dom, .tag = &dom->tags[i], .ih = false, .b = &b };
		struct vdrv_iommu *u = c.tag->iommu;

		/* only caching mode caches not-present second-level entries; first-level
		 * and non-caching hardware need at most a write-buffer flush */
		if (!vdrv_capb(u, VTD_CAP_CM) || dom->first_level) {
			vdrv_cross_begin(v, u);
			(void)vdrv_flush_write_buffer(u, NULL);
			vdrv_cross_end(v, u);
			continue;
		}
		if (tag_is_iotlb(c.tag)) {
			tag_flush_range(&c, start, last);
			any = true;
		}
	}
	(void)vdrv_batch_finish(v, &b);
	if (any)
		(*v->st.flush_cm_map)++;
}

/* ---- policies ----------------------------------------------------------------------------- */

enum vdrv_flush_policy vdrv_domain_policy(const struct vdrv_domain *dom)
{
	const struct vdrv_iommu *v = dom->v;

	/* intel_iommu_init: "IOMMU batching disallowed due to virtualization" — caching mode
	 * with second-level tables keeps page-selective flushes (no flush queue) */
	if (v->cfg.policy == VDRV_FLUSH_DEFERRED && vdrv_capb(v, VTD_CAP_CM) && !dom->first_level)
		return VDRV_FLUSH_BATCHED;
	return v->cfg.policy;
}

void vdrv_fq_flush(struct vdrv_domain *dom, uint64_t *reason_counter)
{
	struct vdrv_iommu *v = dom->v;
	struct vdrv_batch b;
	iommusim_time_t start = v->t;

	vdrv_batch_init(v, &b, true);
	if (v->cfg.scope == VDRV_SCOPE_GLOBAL)
		flush_global(dom, &b);
	else
		vdrv_flush_all(dom, &b);
	(void)vdrv_batch_finish(v, &b);
	/* as for unmap.inval: from building the first descriptor to the last completion */
	iommusim_hist_add(v->st.fq_flush, v->t - start);
	iommusim_hist_add(v->st.fq_flush_cycles, vdrv_cycles(v, v->t - start));
	iommusim_hist_add(v->st.fq_flush_entries, dom->fq_n);
	(*v->st.flush_deferred)++;
	if (reason_counter)
		(*reason_counter)++;
	dom->fq_n = 0;
	dom->fq_deadline = 0;
	vdrv_freelist_release(v, &dom->fl);
}

void vdrv_fq_timers(struct vdrv_iommu *v)
{
	for (size_t i = 0; i < v->ndoms_live; i++) {
		struct vdrv_domain *dom = v->doms[i];

		if (dom->fq_n && v->t >= dom->fq_deadline)
			vdrv_fq_flush(dom, v->st.fq_timer);
	}
}

void vdrv_unmap_sync(struct vdrv_domain *dom, drv_gather_t *g)
{
	struct vdrv_iommu *v = dom->v;
	enum vdrv_flush_policy pol = vdrv_domain_policy(dom);
	struct vdrv_batch b;
	iommusim_time_t start;

	if (!g || drv_gather_empty(g)) {
		if (!dom->fq_n)
			vdrv_freelist_release(v, &dom->fl);
		return;
	}
	if (v->cfg.skip_flush) {
		/* the injected bug: the hardware keeps its stale translations */
		(*v->st.flush_skipped)++;
		if (!dom->fq_n)
			vdrv_freelist_release(v, &dom->fl);
		return;
	}
	if (!dom->ntags) {
		/* attached nowhere: no cache can hold its translations */
		vdrv_freelist_release(v, &dom->fl);
		return;
	}
	if (pol == VDRV_FLUSH_DEFERRED) {
		g->queued = true;
		(*v->st.fq_queued)++;
		if (!dom->fq_n++)
			dom->fq_deadline = iommusim_time_add(v->t, v->cfg.fq_timeout);
		if (dom->fq_n >= v->cfg.fq_size)
			vdrv_fq_flush(dom, v->st.fq_full);
		return;
	}
	start = v->t;
	vdrv_batch_init(v, &b, pol == VDRV_FLUSH_BATCHED);
	/* intel_iommu_tlb_sync: the invalidation hint says only leaves changed */
	if (v->cfg.scope == VDRV_SCOPE_GLOBAL)
		flush_global(dom, &b);
	else if (v->cfg.scope == VDRV_SCOPE_DOMAIN)
		flush_range_tags(dom, g->start, g->end, dom->fl.n == 0, true, &b);
	else
		vdrv_flush_range(dom, g->start, g->end, dom->fl.n == 0, &b);
	(void)vdrv_batch_finish(v, &b);
	/* as the driver sees it: from building the first descriptor to the last completion */
	iommusim_hist_add(v->st.unmap_inval, v->t - start);
	iommusim_hist_add(v->st.unmap_inval_cycles, vdrv_cycles(v, v->t - start));
	(*(pol == VDRV_FLUSH_BATCHED ? v->st.flush_batched : v->st.flush_strict))++;
	vdrv_freelist_release(v, &dom->fl);
}
