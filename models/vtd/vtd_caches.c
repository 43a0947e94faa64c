/* SPDX-License-Identifier: MIT */
/*
 * The VT-d caches (spec 6.2), each a core set-associative cache with geometry and
 * replacement from the "vtd.<cache>.*" parameters:
 *  - context cache: decoded context entries, tagged by source-id and translation mode;
 *  - PASID cache: decoded PASID table entries, tagged by source-id and PASID (the entry's
 *    DID is in the payload, for DID-selective invalidation);
 *  - IOTLB: translations tagged by DID, PASID, input page number and page size (4 KiB,
 *    2 MiB, 1 GiB: one lookup per size, each in the set its own page number selects);
 *  - first-level and second-level paging-structure caches: non-leaf entries per level,
 *    tagged by DID (and PASID for the first level) and the input range they cover. In nested
 *    translation the first-level entries hold the host address of the next table (the
 *    combined result of both levels), so a hit skips the second-level walks too.
 */
#include <errno.h>
#include <string.h>

#include "models/vtd/vtd_priv.h"

static const char *const vtd_cache_names[5] = { "ctx_cache", "pasid_cache", "iotlb", "pwc_fl",
						 "pwc_sl" };

static iommusim_cache_t *vtd_cache_new(const iommusim_params_t *ps, unsigned idx, size_t payload,
				       iommusim_error_t *err)
{
	char key[64];
	iommusim_cache_geom_t g = { 0 };
	iommusim_cache_t *c;

	snprintf(key, sizeof(key), "vtd.%s.sets", vtd_cache_names[idx]);
	g.sets = (unsigned)iommusim_params_u64(ps, key);
	snprintf(key, sizeof(key), "vtd.%s.ways", vtd_cache_names[idx]);
	g.ways = (unsigned)iommusim_params_u64(ps, key);
	snprintf(key, sizeof(key), "vtd.%s.repl", vtd_cache_names[idx]);
	g.repl = (iommusim_cache_repl_t)iommusim_params_enum(ps, key);
	g.seed = (uint32_t)(iommusim_params_u64(ps, "vtd.cache_seed") + idx);
	g.payload_size = payload;
	c = iommusim_cache_create(&g, err);
	if (!c)
		iommusim_error_prefix(err, "vtd.%s", vtd_cache_names[idx]);
	return c;
}

int vtd_caches_init(struct vtd *v, const iommusim_params_t *ps, iommusim_error_t *err)
{
	v->ctxc = vtd_cache_new(ps, 0, sizeof(struct vtd_ctx_info), err);
	if (!v->ctxc)
		goto fail;
	v->pasidc = vtd_cache_new(ps, 1, sizeof(struct vtd_pasid_info), err);
	if (!v->pasidc)
		goto fail;
	v->iotlb = vtd_cache_new(ps, 2, sizeof(struct vtd_tlb_entry), err);
	if (!v->iotlb)
		goto fail;
	v->pwc_fl = vtd_cache_new(ps, 3, sizeof(struct vtd_pwc_entry), err);
	if (!v->pwc_fl)
		goto fail;
	v->pwc_sl = vtd_cache_new(ps, 4, sizeof(struct vtd_pwc_entry), err);
	if (!v->pwc_sl)
		goto fail;
	v->ctxc_mask = iommusim_cache_geom(v->ctxc)->sets - 1;
	v->pasidc_mask = iommusim_cache_geom(v->pasidc)->sets - 1;
	v->iotlb_mask = iommusim_cache_geom(v->iotlb)->sets - 1;
	v->pwc_fl_mask = iommusim_cache_geom(v->pwc_fl)->sets - 1;
	v->pwc_sl_mask = iommusim_cache_geom(v->pwc_sl)->sets - 1;
	return 0;
fail:
	vtd_caches_fini(v);
	return err && err->code ? err->code : -ENOMEM;
}

void vtd_caches_fini(struct vtd *v)
{
	iommusim_cache_destroy(v->ctxc);
	iommusim_cache_destroy(v->pasidc);
	iommusim_cache_destroy(v->iotlb);
	iommusim_cache_destroy(v->pwc_fl);
	iommusim_cache_destroy(v->pwc_sl);
	v->ctxc = v->pasidc = v->iotlb = v->pwc_fl = v->pwc_sl = NULL;
}

void vtd_caches_flush(struct vtd *v)
{
	iommusim_cache_flush(v->ctxc);
	iommusim_cache_flush(v->pasidc);
	iommusim_cache_flush(v->iotlb);
	iommusim_cache_flush(v->pwc_fl);
	iommusim_cache_flush(v->pwc_sl);
	v->tlb_sizes = 0;
}

/* ---- context cache ---------------------------------------------------------------------- */

void vtd_ctxc_insert(struct vtd *v, uint16_t sid, bool sm, const struct vtd_ctx_info *ci)
{
	iommusim_cache_insert(v->ctxc, vtd_ctxc_set(v, sid), sid, ~0ull, sm, 0, ci, NULL, NULL);
}

/* ---- PASID cache ------------------------------------------------------------------------ */

void vtd_pasidc_insert(struct vtd *v, uint16_t sid, uint32_t pasid,
		       const struct vtd_pasid_info *pi)
{
	iommusim_cache_insert(v->pasidc, vtd_pasidc_set(v, sid, pasid), VTD_PASIDC_TAG(sid, pasid),
			      ~0ull, 0, 0, pi, NULL, NULL);
}

/* ---- IOTLB ------------------------------------------------------------------------------ */

static const unsigned vtd_size_shift[3] = { 12, 21, 30 };

void vtd_iotlb_insert(struct vtd *v, const struct vtd_dom *d, uint64_t iova,
		      const struct vtd_tlb_entry *e, bool global)
{
	unsigned s = e->shift >= 30 ? 2 : e->shift >= 21 ? 1 : 0;
	uint64_t mask = ~((1ull << (vtd_size_shift[s] - VTD_PAGE_SHIFT)) - 1);
	uint32_t flags = IOMMUSIM_CACHE_F_LEAF | (global ? IOMMUSIM_CACHE_F_GLOBAL : 0);

	switch (d->kind) {
	case VTD_K_FL:
		flags |= VTD_TLBF_FL;
		break;
	case VTD_K_NESTED:
		flags |= VTD_TLBF_FL | VTD_TLBF_SL;
		break;
	default:
		flags |= VTD_TLBF_SL;
		break;
	}
	iommusim_cache_insert(v->iotlb, vtd_iotlb_set(v, d->did, iova, vtd_size_shift[s]),
			      iova >> VTD_PAGE_SHIFT, mask, VTD_TLB_CTX(d->did, d->pasid, s), flags, e,
			      NULL, NULL);
	v->tlb_sizes |= 1u << s;
}

/* ---- paging-structure caches ------------------------------------------------------------ */

static uint64_t pwc_ctx(bool fl, const struct vtd_dom *d, unsigned level)
{
	return fl ? VTD_TLB_CTX(d->did, d->pasid, level) : VTD_SLPWC_CTX(d->did, level);
}

static unsigned pwc_set(unsigned mask, uint16_t did, uint64_t addr, unsigned level)
{
	return (unsigned)(((addr >> VTD_LEVEL_SHIFT(level)) ^ ((uint64_t)level << 5) ^
			   ((uint64_t)did << 3)) & mask);
}

const struct vtd_pwc_entry *vtd_pwc_lookup(struct vtd *v, bool fl, const struct vtd_dom *d,
					   uint64_t addr, unsigned level)
{
	iommusim_cache_t *c = fl ? v->pwc_fl : v->pwc_sl;
	unsigned mask = fl ? v->pwc_fl_mask : v->pwc_sl_mask;

	return iommusim_cache_lookup(c, pwc_set(mask, d->did, addr, level), addr >> VTD_PAGE_SHIFT,
				     pwc_ctx(fl, d, level), NULL);
}

void vtd_pwc_insert(struct vtd *v, bool fl, const struct vtd_dom *d, uint64_t addr,
		    unsigned level, const struct vtd_pwc_entry *e)
{
	iommusim_cache_t *c = fl ? v->pwc_fl : v->pwc_sl;
	unsigned smask = fl ? v->pwc_fl_mask : v->pwc_sl_mask;
	uint64_t mask = ~((1ull << (9u * (level - 1u))) - 1);

	/* nested first-level entries hold second-level results: mark them for SL invalidation */
	uint32_t flags = (fl && d->kind == VTD_K_NESTED) ? VTD_TLBF_SL : 0;

	iommusim_cache_insert(c, pwc_set(smask, d->did, addr, level), addr >> VTD_PAGE_SHIFT, mask,
			      pwc_ctx(fl, d, level), flags, e, NULL, NULL);
}
