/* SPDX-License-Identifier: MIT */
/*
 * Cache invalidation (spec 6.5): what each request drops, shared by the register interface
 * (CCMD, IOTLB register) and the invalidation queue. See vtd_inval.h for the contract.
 *
 *  - Context cache: global; domain-selective drops legacy entries of the DID and every
 *    scalable-mode entry (scalable context entries carry no DID, so hardware cannot select
 *    them by domain; register-based invalidation reports global as the actual granularity
 *    in scalable mode - it is refused there anyway); device-selective drops the source-ids
 *    matching SID under the function mask.
 *  - PASID cache: all PASIDs of a DID, one (DID, PASID), or global.
 *  - IOTLB (type 2 / register): second-level-only, legacy and nested translations of a DID
 *    (global: everything). Page-selective drops the SL-only/legacy entries overlapping the
 *    range and, since a nested entry is tagged by its first-level input and not by the
 *    guest-physical address the range names, every nested entry of the DID. Unless IH, the
 *    second-level paging-structure entries covering the range go too; nested first-level
 *    paging-structure entries of the DID (which hold second-level results) always go.
 *  - PASID-based IOTLB (type 6): first-level and nested translations of (DID, PASID):
 *    granularity 2 keeps global (G = 1) translations; 3 drops the range, global or not.
 *    First-level paging-structure entries of (DID, PASID) go too (only those covering the
 *    range for 3, and none for a range with IH).
 */
#include <errno.h>

#include "models/vtd/vtd_priv.h"

static size_t cache_size(const iommusim_cache_t *c)
{
	const iommusim_cache_geom_t *g = iommusim_cache_geom(c);

	return (size_t)g->sets * g->ways;
}

static size_t drop(struct vtd *v, iommusim_cache_t *c, const iommusim_cache_match_t *m,
		   size_t *scanned)
{
	size_t sc = 0, n = iommusim_cache_invalidate(c, m, &sc);

	*scanned += sc;
	*v->st.inval_dropped += n;
	return n;
}

static void set_range(iommusim_cache_match_t *m, uint64_t addr, unsigned am)
{
	uint64_t pages = 1ull << am;

	m->use_range = true;
	m->tag_lo = (addr >> VTD_PAGE_SHIFT) & ~(pages - 1);
	m->tag_hi = m->tag_lo + pages - 1;
}

/* ---- context cache ---------------------------------------------------------------------- */

struct ctx_pred {
	unsigned gran;
	uint16_t did, sid, sid_mask;
};

static bool ctx_pred_fn(void *arg, uint64_t tag, uint64_t tag_mask, uint64_t ctx, uint32_t flags,
			const void *payload)
{
	const struct ctx_pred *p = arg;
	const struct vtd_ctx_info *ci = payload;

	(void)tag_mask;
	(void)flags;
	if (p->gran == VTD_INV_DOMAIN)
		return ctx != 0 || ci->did == p->did;   /* ctx != 0: scalable-mode entry */
	return ((uint16_t)tag & p->sid_mask) == (p->sid & p->sid_mask);
}

int vtd_inval_context(struct vtd *v, unsigned gran, uint16_t did, uint16_t sid, unsigned fm,
		      size_t *scanned)
{
	static const uint16_t fm_bits[4] = { 0, 0x4, 0x6, 0x7 };
	struct ctx_pred p = { .gran = gran, .did = did, .sid = sid };
	iommusim_cache_match_t all = { 0 };
	size_t sc = 0, n;

	switch (gran) {
	case VTD_INV_GLOBAL:
		drop(v, v->ctxc, &all, &sc);
		break;
	case VTD_INV_DOMAIN:
	case VTD_INV_DEVICE:
		p.sid_mask = (uint16_t)~fm_bits[fm & 3];
		n = iommusim_cache_invalidate_if(v->ctxc, ctx_pred_fn, &p);
		*v->st.inval_dropped += n;
		sc = cache_size(v->ctxc);
		break;
	default:
		return -EINVAL;
	}
	(*v->st.inval_ctx)++;
	if (scanned)
		*scanned = sc;
	return 0;
}

/* ---- PASID cache ------------------------------------------------------------------------ */

struct pasid_pred {
	bool by_pasid;
	uint16_t did;
	uint32_t pasid;
};

static bool pasid_pred_fn(void *arg, uint64_t tag, uint64_t tag_mask, uint64_t ctx,
			  uint32_t flags, const void *payload)
{
	const struct pasid_pred *p = arg;
	const struct vtd_pasid_info *pi = payload;

	(void)tag_mask;
	(void)ctx;
	(void)flags;
	if (pi->did != p->did)
		return false;
	return !p->by_pasid || (uint32_t)(tag & VTD_KEY_PASID_MASK) == p->pasid;
}

int vtd_inval_pasid_cache(struct vtd *v, unsigned gran, uint16_t did, uint32_t pasid,
			  size_t *scanned)
{
	struct pasid_pred p = { .by_pasid = gran == 1, .did = did, .pasid = pasid };
	iommusim_cache_match_t all = { 0 };
	size_t sc = 0, n;

	switch (gran) {
	case 0:
	case 1:
		n = iommusim_cache_invalidate_if(v->pasidc, pasid_pred_fn, &p);
		*v->st.inval_dropped += n;
		sc = cache_size(v->pasidc);
		break;
	case 3:
		drop(v, v->pasidc, &all, &sc);
		break;
	default:
		return -EINVAL;
	}
	(*v->st.inval_pasid)++;
	if (scanned)
		*scanned = sc;
	return 0;
}

/* ---- IOTLB ------------------------------------------------------------------------------ */

int vtd_inval_iotlb(struct vtd *v, unsigned gran, uint16_t did, uint64_t addr, unsigned am,
		    bool ih, size_t *scanned)
{
	iommusim_cache_match_t m = { 0 };
	uint64_t did_ctx = (uint64_t)did << VTD_KEY_DID_SHIFT;
	size_t sc = 0;

	switch (gran) {
	case VTD_INV_GLOBAL:
		drop(v, v->iotlb, &m, &sc);
		drop(v, v->pwc_sl, &m, &sc);
		drop(v, v->pwc_fl, &m, &sc);
		v->tlb_sizes = 0;
		break;
	case VTD_INV_DOMAIN:
		m.ctx_mask = VTD_KEY_DID_MASK;
		m.ctx_value = did_ctx;
		m.flags_mask = m.flags_value = VTD_TLBF_SL;
		drop(v, v->iotlb, &m, &sc);
		drop(v, v->pwc_fl, &m, &sc);          /* nested entries of the DID */
		m.ctx_mask = VTD_SLPWC_DID_MASK;
		m.ctx_value = did;
		m.flags_mask = m.flags_value = 0;
		drop(v, v->pwc_sl, &m, &sc);
		break;
	case VTD_INV_PAGE:
		if (am > 52)
			return -EINVAL;
		/* second-level-only and legacy translations overlapping the range */
		m.ctx_mask = VTD_KEY_DID_MASK;
		m.ctx_value = did_ctx;
		m.flags_mask = VTD_TLBF_SL | VTD_TLBF_FL;
		m.flags_value = VTD_TLBF_SL;
		set_range(&m, addr, am);
		drop(v, v->iotlb, &m, &sc);
		/* nested translations of the DID: tagged by first-level input, all go */
		m.use_range = false;
		m.flags_value = VTD_TLBF_SL | VTD_TLBF_FL;
		drop(v, v->iotlb, &m, &sc);
		m.flags_mask = m.flags_value = VTD_TLBF_SL;
		drop(v, v->pwc_fl, &m, &sc);
		if (!ih) {
			iommusim_cache_match_t p = { 0 };

			p.ctx_mask = VTD_SLPWC_DID_MASK;
			p.ctx_value = did;
			set_range(&p, addr, am);
			drop(v, v->pwc_sl, &p, &sc);
		}
		break;
	default:
		return -EINVAL;
	}
	(*v->st.inval_iotlb)++;
	if (scanned)
		*scanned = sc;
	return 0;
}

int vtd_inval_piotlb(struct vtd *v, unsigned gran, uint16_t did, uint32_t pasid, uint64_t addr,
		     unsigned am, bool ih, size_t *scanned)
{
	iommusim_cache_match_t m = { 0 };
	size_t sc = 0;

	m.ctx_mask = VTD_KEY_DID_MASK | VTD_KEY_PASID_MASK;
	m.ctx_value = VTD_TLB_CTX(did, pasid, 0);
	switch (gran) {
	case 2:
		m.flags_mask = VTD_TLBF_FL | IOMMUSIM_CACHE_F_GLOBAL;
		m.flags_value = VTD_TLBF_FL;
		drop(v, v->iotlb, &m, &sc);
		m.flags_mask = m.flags_value = 0;
		drop(v, v->pwc_fl, &m, &sc);
		break;
	case 3:
		if (am > 52)
			return -EINVAL;
		m.flags_mask = m.flags_value = VTD_TLBF_FL;
		set_range(&m, addr, am);
		drop(v, v->iotlb, &m, &sc);
		if (!ih) {
			m.flags_mask = m.flags_value = 0;
			drop(v, v->pwc_fl, &m, &sc);
		}
		break;
	default:
		return -EINVAL;
	}
	(*v->st.inval_piotlb)++;
	if (scanned)
		*scanned = sc;
	return 0;
}
