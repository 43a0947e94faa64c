/* SPDX-License-Identifier: MIT */
/*
 * Paging domains as intel-iommu makes them (iommu.c: intel_iommu_domain_alloc_paging_flags,
 * paging_domain_alloc, paging_domain_compatible, dmar_domain_attach_device, set_dev_pasid,
 * map/unmap), domain IDs (domain_attach_iommu: allocated on a unit with the first attachment
 * behind it, released with the last; 0 and FLPT_DEFAULT_DID = 1 reserved), and the attach
 * paths shared with identity, blocking and nested domains.
 *
 * A domain spans units as intel-iommu's dmar_domain does: attaching it to a device behind
 * another unit (found through the unit's peers) checks only that unit's capabilities, gives
 * the domain a domain ID there and tags there, and points that unit's entries at the same
 * page tables.
 *
 * Attach replaces: in scalable mode the new PASID entry is written over the old one and the
 * old entry's caches are flushed (intel_pasid_replace_*, intel_pasid_flush_present), so no
 * request sees a blocked RID in between; in legacy mode the context entry is cleared and
 * flushed first, then written again (domain_context_mapping_one only fills a non-present
 * entry).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/drivers/vtd/vtd_drv_priv.h"

/* ---- domain IDs, per unit ------------------------------------------------------------------ */

static struct vdrv_dom_unit *unit_of(const struct vdrv_domain *d, const struct vdrv_iommu *v)
{
	for (size_t i = 0; i < d->nunits; i++)
		if (d->units[i].v == v)
			return &d->units[i];
	return NULL;
}

int vdrv_did_of(const struct vdrv_domain *d, const struct vdrv_iommu *v)
{
	const struct vdrv_dom_unit *u = unit_of(d, v);

	return u ? (int)u->did : -1;
}

int vdrv_did_get(struct vdrv_domain *d, struct vdrv_iommu *v, iommusim_error_t *err)
{
	struct vdrv_dom_unit *u = unit_of(d, v);

	if (u) {
		u->refs++;
		return 0;
	}
	if (d->nunits == d->capunits) {
		size_t cap = d->capunits ? d->capunits * 2 : 2;
		struct vdrv_dom_unit *p = realloc(d->units, cap * sizeof(*p));

		if (!p)
			return iommusim_error_set(err, -ENOMEM, "vtd driver: out of memory");
		d->units = p;
		d->capunits = cap;
	}
	for (unsigned id = VDRV_FIRST_DID; id < v->ndoms; id++) {
		if (!v->did_map[id]) {
			v->did_map[id] = 1;
			d->units[d->nunits++] = (struct vdrv_dom_unit){ .v = v, .did = (uint16_t)id,
									 .refs = 1 };
			return 0;
		}
	}
	return iommusim_error_set(err, -ENOSPC, "vtd driver %s: all %u domain IDs are in use "
				  "(CAP.ND)", v->name, v->ndoms);
}

void vdrv_did_put(struct vdrv_domain *d, struct vdrv_iommu *v)
{
	struct vdrv_dom_unit *u = unit_of(d, v);

	if (!u || --u->refs)
		return;
	v->did_map[u->did] = 0;
	*u = d->units[--d->nunits];
}

/* ---- allocation ---------------------------------------------------------------------------- */

int vdrv_doms_add(struct vdrv_iommu *v, struct vdrv_domain *d)
{
	if (v->ndoms_live == v->capdoms) {
		size_t cap = v->capdoms ? v->capdoms * 2 : 8;
		struct vdrv_domain **p = realloc(v->doms, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		v->doms = p;
		v->capdoms = cap;
	}
	v->doms[v->ndoms_live++] = d;
	return 0;
}

static void doms_del(struct vdrv_iommu *v, struct vdrv_domain *d)
{
	for (size_t i = 0; i < v->ndoms_live; i++) {
		if (v->doms[i] == d) {
			memmove(&v->doms[i], &v->doms[i + 1],
				(v->ndoms_live - i - 1) * sizeof(v->doms[0]));
			v->ndoms_live--;
			return;
		}
	}
}

static bool first_level_by_default(const struct vdrv_iommu *v)
{
	switch (v->cfg.paging) {
	case VDRV_PAGING_FL:
		return true;
	case VDRV_PAGING_SL:
		return false;
	default:
		return v->sm && vdrv_ecap(v, VTD_ECAP_FLTS);
	}
}

static uint64_t super_bitmap(const struct vdrv_iommu *v, bool fl)
{
	unsigned sllps, sp;

	if (!v->cfg.superpage)
		return 0;
	if (fl)
		return (1ull << 21) | (vdrv_capb(v, VTD_CAP_FL1GP) ? 1ull << 30 : 0);
	/* iommu_superpage_capability: fls(CAP.SLLPS) levels of large pages */
	sllps = (unsigned)((v->cap & VTD_CAP_SLLPS_MASK) >> VTD_CAP_SLLPS_SHIFT);
	sp = sllps ? 32u - (unsigned)__builtin_clz(sllps) : 0;
	return (sp >= 1 ? 1ull << 21 : 0) | (sp >= 2 ? 1ull << 30 : 0);
}

static int paging_alloc(struct vdrv_iommu *v, bool fl, uint32_t flags, struct vdrv_domain **out,
			iommusim_error_t *err)
{
	struct vdrv_domain *d = calloc(1, sizeof(*d));
	int rc;

	if (!d)
		return iommusim_error_set(err, -ENOMEM, "vtd driver: out of memory");
	d->v = v;
	d->first_level = fl;
	d->nest_parent = (flags & DRV_ALLOC_NEST_PARENT) != 0;
	d->dirty_ops = (flags & DRV_ALLOC_DIRTY_TRACKING) != 0;
	d->agaw = v->agaw;
	d->gaw = v->gaw;
	d->coherent = v->sm ? vdrv_ecap(v, VTD_ECAP_SMPWCS) : vdrv_ecap(v, VTD_ECAP_C);
	d->base.ops = d->dirty_ops ? &vdrv_paging_dirty_ops : &vdrv_paging_ops;
	d->base.iommu = vtd_drv_iommu(v);
	d->base.owner = &vtd_drv_ops;
	d->base.type = DRV_DOMAIN_PAGING;
	d->base.pgsize_bitmap = VTD_PAGE_SIZE | super_bitmap(v, fl);
	d->base.aperture_start = 0;
	/* first level: canonical addresses only, so bit gaw - 1 is not usable */
	d->base.aperture_end = fl ? (1ull << (d->gaw - 1)) - 1 : (1ull << d->gaw) - 1;
	rc = vdrv_pt_init(&d->pt, v, fl ? &vdrv_fmt_fl : &vdrv_fmt_sl, vdrv_aw_levels(d->agaw),
			 d->base.pgsize_bitmap, err);
	if (!rc && vdrv_doms_add(v, d))
		rc = iommusim_error_set(err, -ENOMEM, "vtd driver: out of memory");
	if (rc) {
		vdrv_pt_destroy(&d->pt);
		free(d);
		return rc;
	}
	*out = d;
	return 0;
}

int vdrv_domain_alloc_paging(struct vdrv_iommu *v, const pci_dev_t *pdev, uint32_t flags,
			    const drv_user_data_t *data, drv_domain_t **out,
			    iommusim_error_t *err)
{
	bool parent = (flags & DRV_ALLOC_NEST_PARENT) != 0;
	bool dirty = (flags & DRV_ALLOC_DIRTY_TRACKING) != 0;
	struct vdrv_domain *d = NULL;
	bool fl;
	int rc;

	(void)pdev;
	if (flags & ~(DRV_ALLOC_NEST_PARENT | DRV_ALLOC_DIRTY_TRACKING | DRV_ALLOC_PASID))
		return iommusim_error_set(err, -EOPNOTSUPP, "vtd driver: HWPT flags 0x%x are not "
					  "supported (NEST_PARENT, DIRTY_TRACKING, PASID are)",
					  flags);
	if (parent && !(v->sm && vdrv_ecap(v, VTD_ECAP_NEST)))
		return iommusim_error_set(err, -EOPNOTSUPP, "vtd driver: NEST_PARENT needs scalable "
					  "mode and ECAP.NEST");
	if (data && data->type != UAPI_IOMMU_HWPT_DATA_NONE)
		return iommusim_error_set(err, -EOPNOTSUPP, "vtd driver: a paging domain takes no "
					  "user data (data_type %u)", data->type);
	if (dirty && !(v->sm && vdrv_ecap(v, VTD_ECAP_SLADS)))
		return iommusim_error_set(err, -EOPNOTSUPP, "vtd driver: DIRTY_TRACKING needs "
					  "scalable mode and ECAP.SLADS");
	if (parent || dirty) {
		if (!v->sm || !vdrv_ecap(v, VTD_ECAP_SLTS))
			return iommusim_error_set(err, -EOPNOTSUPP, "vtd driver: NEST_PARENT and "
						  "DIRTY_TRACKING need a second-level table "
						  "(scalable mode, ECAP.SLTS)");
		fl = false;
	} else {
		fl = first_level_by_default(v);
	}
	rc = paging_alloc(v, fl, flags, &d, err);
	if (rc)
		return rc;
	*out = &d->base;
	return 0;
}

/* ---- attach -------------------------------------------------------------------------------- */

static bool sl_large_page(const struct vdrv_iommu *v, unsigned bit)
{
	return ((v->cap & VTD_CAP_SLLPS_MASK) >> VTD_CAP_SLLPS_SHIFT) & (1u << bit);
}

int vdrv_domain_compatible(struct vdrv_iommu *v, struct vdrv_domain *dom, struct vdrv_dev *d,
			  iommusim_error_t *err)
{
	struct vdrv_domain *pg = dom->base.type == DRV_DOMAIN_NESTED ? dom->s2 : dom;
	uint64_t pgs = pg->base.pgsize_bitmap;
	bool coherent = v->sm ? vdrv_ecap(v, VTD_ECAP_SMPWCS) : vdrv_ecap(v, VTD_ECAP_C);
	const char *differs;

	(void)d;
	/* paging_domain_compatible_first_stage / _second_stage: the table format and the large
	 * pages the domain may already hold */
	if (pg->first_level) {
		if (!v->sm || !vdrv_ecap(v, VTD_ECAP_FLTS))
			return iommusim_error_set(err, -EINVAL, "vtd driver %s: first-level domain "
						  "needs scalable mode and ECAP.FLTS", v->name);
		if ((pgs & (1ull << 30)) && !vdrv_capb(v, VTD_CAP_FL1GP))
			return iommusim_error_set(err, -EINVAL, "vtd driver %s: the domain maps "
						  "1 GiB first-level pages; the IOMMU lacks "
						  "CAP.FL1GP", v->name);
	} else {
		if (pg->dirty_ops && !(v->sm && vdrv_ecap(v, VTD_ECAP_SLADS)))
			return iommusim_error_set(err, -EINVAL, "vtd driver %s: dirty tracking "
						  "domain on an IOMMU without ECAP.SLADS", v->name);
		if (pg->nest_parent && !(v->sm && vdrv_ecap(v, VTD_ECAP_NEST)))
			return iommusim_error_set(err, -EINVAL, "vtd driver %s: nest parent domain "
						  "on an IOMMU without ECAP.NEST", v->name);
		if (v->sm && !vdrv_ecap(v, VTD_ECAP_SLTS))
			return iommusim_error_set(err, -EINVAL, "vtd driver %s: second-level "
						  "domain needs ECAP.SLTS in scalable mode",
						  v->name);
		if ((pgs & (1ull << 21)) && !sl_large_page(v, 0))
			return iommusim_error_set(err, -EINVAL, "vtd driver %s: the domain maps "
						  "2 MiB pages; the IOMMU's CAP.SLLPS lacks them",
						  v->name);
		if ((pgs & (1ull << 30)) && !sl_large_page(v, 1))
			return iommusim_error_set(err, -EINVAL, "vtd driver %s: the domain maps "
						  "1 GiB pages; the IOMMU's CAP.SLLPS lacks them",
						  v->name);
		/* the context / PASID entry names the table depth: CAP.SAGAW must offer it */
		if (!(((v->cap & VTD_CAP_SAGAW_MASK) >> VTD_CAP_SAGAW_SHIFT) & (1u << pg->agaw)))
			return iommusim_error_set(err, -EINVAL, "vtd driver %s: the domain's "
						  "%u-level table is not in the IOMMU's CAP.SAGAW",
						  v->name, vdrv_aw_levels(pg->agaw));
	}
	if (pg->coherent != coherent)
		return iommusim_error_set(err, -EINVAL, "vtd driver %s: page-walk coherency (%s) "
					  "differs from the domain's", v->name,
					  v->sm ? "ECAP.SMPWCS" : "ECAP.C");
	/* the unit's address width: its table depth, capped by CAP.MGAW */
	if (pg->gaw > v->gaw || pg->agaw > v->agaw)
		return iommusim_error_set(err, -EINVAL, "vtd driver %s: the domain's %u-bit address "
					  "width is wider than the IOMMU's %u bits (CAP.SAGAW, "
					  "CAP.MGAW)", v->name, pg->gaw, v->gaw);
	/* not a Linux check (its flush policy is global): a unit set up to flush differently
	 * would see its parameters ignored for this domain */
	differs = vdrv_cfg_flush_differs(&v->cfg, &pg->v->cfg);
	if (differs)
		return iommusim_error_set(err, -EINVAL, "vtd driver %s: %s differs from that of %s, "
					  "whose domain this is (a domain has one flush policy)",
					  v->name, differs, pg->v->name);
	return 0;
}

/* The cache tags and domain ID an attachment holds. */
static int hold(struct vdrv_iommu *v, struct vdrv_domain *dom, struct vdrv_dev *d, uint32_t pasid,
		iommusim_error_t *err)
{
	int rc = vdrv_did_get(dom, v, err);

	if (rc)
		return rc;
	if (vdrv_tag_assign(dom, v, d, pasid)) {
		vdrv_did_put(dom, v);
		return iommusim_error_set(err, -ENOMEM, "vtd driver: out of memory");
	}
	return 0;
}

static void unhold(struct vdrv_iommu *v, struct vdrv_domain *dom, struct vdrv_dev *d,
		   uint32_t pasid)
{
	vdrv_tag_unassign(dom, v, d, pasid);
	vdrv_did_put(dom, v);
}

int vdrv_attach_rid(struct vdrv_iommu *v, struct vdrv_dev *d, enum vdrv_att kind,
		   struct vdrv_domain *dom, iommusim_error_t *err)
{
	enum vdrv_att old_kind = d->rid_att;
	struct vdrv_domain *old = d->rid_dom;
	int rc = 0;

	if (kind == VDRV_ATT_IDENTITY && !vdrv_ecap(v, VTD_ECAP_PT))
		return iommusim_error_set(err, -EOPNOTSUPP, "vtd driver %s: identity domain "
					  "without ECAP.PT", v->name);
	if (kind == VDRV_ATT_DOMAIN) {
		rc = vdrv_domain_compatible(v, dom, d, err);
		if (!rc)
			rc = hold(v, dom, d, VDRV_NO_PASID, err);
		if (rc)
			return rc;
	}
	if (v->sm) {
		if (kind == VDRV_ATT_BLOCKED)
			vdrv_pasid_clear(v, d, VDRV_NO_PASID);
		else
			rc = vdrv_pasid_set(v, d, VDRV_NO_PASID,
					   kind == VDRV_ATT_DOMAIN ? dom : NULL, err);
		if (rc) {
			if (kind == VDRV_ATT_DOMAIN)
				unhold(v, dom, d, VDRV_NO_PASID);
			return rc;
		}
	} else {
		if (old_kind != VDRV_ATT_BLOCKED)
			vdrv_ctx_clear_legacy(v, d);
		if (kind != VDRV_ATT_BLOCKED)
			rc = vdrv_ctx_set_legacy(v, d, kind == VDRV_ATT_DOMAIN ? dom : NULL, err);
		if (rc) {
			if (kind == VDRV_ATT_DOMAIN)
				unhold(v, dom, d, VDRV_NO_PASID);
			kind = VDRV_ATT_BLOCKED;
			dom = NULL;
		}
	}
	if (old_kind == VDRV_ATT_DOMAIN && old)
		unhold(v, old, d, VDRV_NO_PASID);
	d->rid_att = kind;
	d->rid_dom = kind == VDRV_ATT_DOMAIN ? dom : NULL;
	return rc;
}

static struct vdrv_pasid_att *patt_find(struct vdrv_dev *d, uint32_t pasid)
{
	for (size_t i = 0; i < d->npatt; i++)
		if (d->patt[i].pasid == pasid)
			return &d->patt[i];
	return NULL;
}

int vdrv_attach_pasid(struct vdrv_iommu *v, struct vdrv_dev *d, uint32_t pasid, enum vdrv_att kind,
		     struct vdrv_domain *dom, iommusim_error_t *err)
{
	struct vdrv_pasid_att *a = patt_find(d, pasid);
	int rc = 0;

	if (kind == VDRV_ATT_BLOCKED) {
		if (!a)
			return 0;
		vdrv_pasid_clear(v, d, pasid);
		if (a->kind == VDRV_ATT_DOMAIN)
			unhold(v, a->dom, d, pasid);
		*a = d->patt[--d->npatt];
		return 0;
	}
	if (kind == VDRV_ATT_DOMAIN) {
		rc = vdrv_domain_compatible(v, dom, d, err);
		if (!rc)
			rc = hold(v, dom, d, pasid, err);
		if (rc)
			return rc;
	}
	if (!a && d->npatt == d->cappatt) {
		size_t cap = d->cappatt ? d->cappatt * 2 : 4;
		struct vdrv_pasid_att *p = realloc(d->patt, cap * sizeof(*p));

		if (!p) {
			rc = iommusim_error_set(err, -ENOMEM, "vtd driver: out of memory");
			goto undo;
		}
		d->patt = p;
		d->cappatt = cap;
	}
	rc = vdrv_pasid_set(v, d, pasid, kind == VDRV_ATT_DOMAIN ? dom : NULL, err);
	if (rc)
		goto undo;
	if (a) {
		if (a->kind == VDRV_ATT_DOMAIN)
			unhold(v, a->dom, d, pasid);
	} else {
		a = &d->patt[d->npatt++];
		a->pasid = pasid;
	}
	a->kind = kind;
	a->dom = kind == VDRV_ATT_DOMAIN ? dom : NULL;
	return 0;
undo:
	if (kind == VDRV_ATT_DOMAIN)
		unhold(v, dom, d, pasid);
	return rc;
}

static int not_behind(const struct vdrv_domain *dom, const pci_dev_t *pdev, iommusim_error_t *err)
{
	return iommusim_error_set(err, -EINVAL, "vtd driver %s: %s is behind neither this IOMMU "
				  "nor a unit linked to it (drv ops add_peer)", dom->v->name,
				  pdev ? pdev->name : "(null)");
}

int vdrv_domain_attach_dev(drv_domain_t *dd, const pci_dev_t *pdev, iommusim_error_t *err)
{
	struct vdrv_domain *dom = vdrv_dom(dd);
	struct vdrv_iommu *v;
	struct vdrv_dev *d = vdrv_dev_lookup(dom->v, pdev, &v);
	int rc;

	if (!d)
		return not_behind(dom, pdev, err);
	/* the work is on the device's unit: its context or PASID entries, its domain ID */
	vdrv_begin(v);
	rc = vdrv_attach_rid(v, d, VDRV_ATT_DOMAIN, dom, err);
	vdrv_end(v);
	return rc;
}

int vdrv_domain_set_dev_pasid(drv_domain_t *dd, const pci_dev_t *pdev, uint32_t pasid,
			      drv_domain_t *old, iommusim_error_t *err)
{
	struct vdrv_domain *dom = vdrv_dom(dd);
	struct vdrv_iommu *v;
	struct vdrv_dev *d = vdrv_dev_lookup(dom->v, pdev, &v);
	int rc;

	(void)old;
	if (!d)
		return not_behind(dom, pdev, err);
	vdrv_begin(v);
	if (!v->sm || !vdrv_ecap(v, VTD_ECAP_PASID) || !d->pasid)
		rc = iommusim_error_set(err, -EOPNOTSUPP, "vtd driver %s: PASID attach needs "
					"scalable mode, ECAP.PASID and a device with the PASID "
					"capability", v->name);
	else if (pasid == VDRV_NO_PASID)
		rc = iommusim_error_set(err, -EINVAL, "vtd driver %s: PASID 0 is the RID's "
					"(RID_PASID)", v->name);
	else if (dom->base.type == DRV_DOMAIN_PAGING && dom->dirty_ops)
		rc = iommusim_error_set(err, -EINVAL, "vtd driver %s: a dirty-tracking domain "
					"cannot be attached to a PASID", v->name);
	else
		rc = vdrv_attach_pasid(v, d, pasid, VDRV_ATT_DOMAIN, dom, err);
	vdrv_end(v);
	return rc;
}

/* ---- map / unmap --------------------------------------------------------------------------- */

static int domain_map_pages(drv_domain_t *dd, uint64_t iova, uint64_t pa, uint64_t pgsize,
			    uint64_t pgcount, unsigned prot, uint64_t *mapped,
			    iommusim_error_t *err)
{
	struct vdrv_domain *dom = vdrv_dom(dd);
	struct vdrv_iommu *v = dom->v;
	struct vdrv_freelist fl = { 0 };
	bool flush = false;
	uint64_t got = 0, size = pgsize * pgcount;
	int rc;

	if (mapped)
		*mapped = 0;
	if (!(prot & (DRV_PROT_READ | DRV_PROT_WRITE)))
		return iommusim_error_set(err, -EINVAL, "vtd driver: mapping without read or "
					  "write permission");
	if (pgcount && (size / pgcount != pgsize || iova + size - 1 < iova ||
			iova + size - 1 > ((dom->gaw >= 64) ? UINT64_MAX
							    : (1ull << dom->gaw) - 1)))
		return iommusim_error_set(err, -EFAULT, "vtd driver: [0x%llx, +0x%llx) is beyond "
					  "the domain's %u-bit address width",
					  (unsigned long long)iova, (unsigned long long)size,
					  dom->gaw);
	vdrv_begin(v);
	(*v->st.map_calls)++;
	rc = vdrv_pt_map(&dom->pt, iova, pa, pgsize, pgcount, prot, &got, &fl, &flush, err);
	*v->st.map_bytes += got;
	*(pgsize == (1ull << 30) ? v->st.map_1g : pgsize == (1ull << 21) ? v->st.map_2m
									    : v->st.map_4k) +=
		got / pgsize;
	if (flush) {
		/* a large page replaced a lower table: flush before the table is reused */
		struct vdrv_batch b;

		vdrv_batch_init(v, &b, vdrv_domain_policy(dom) != VDRV_FLUSH_STRICT);
		vdrv_flush_range(dom, iova, iova + size - 1, false, &b);
		(void)vdrv_batch_finish(v, &b);
	}
	vdrv_freelist_release(v, &fl);
	free(fl.pa);
	vdrv_end(v);
	if (mapped)
		*mapped = got;
	return rc;
}

static uint64_t domain_unmap_pages(drv_domain_t *dd, uint64_t iova, uint64_t pgsize,
				   uint64_t pgcount, drv_gather_t *g)
{
	struct vdrv_domain *dom = vdrv_dom(dd);
	struct vdrv_iommu *v = dom->v;
	uint64_t s, l, leaf, n, size = pgsize * pgcount;

	if (!pgcount || size / pgcount != pgsize)
		return 0;
	vdrv_begin(v);
	(*v->st.unmap_calls)++;
	n = vdrv_pt_unmap(&dom->pt, iova, size, &dom->fl, &s, &l, &leaf);
	if (n) {
		if (leaf > size)
			(*v->st.unmap_sp_whole)++;
		if (g)
			drv_gather_add(g, s, l - s + 1, leaf ? leaf : pgsize);
		*v->st.unmap_bytes += n;
	}
	vdrv_end(v);
	return n;
}

static void domain_iotlb_sync_map(drv_domain_t *dd, uint64_t iova, uint64_t size)
{
	struct vdrv_domain *dom = vdrv_dom(dd);

	if (!size)
		return;
	vdrv_begin(dom->v);
	vdrv_flush_range_np(dom, iova, iova + size - 1);
	vdrv_end(dom->v);
}

static void domain_iotlb_sync(drv_domain_t *dd, drv_gather_t *g)
{
	struct vdrv_domain *dom = vdrv_dom(dd);

	vdrv_begin(dom->v);
	vdrv_unmap_sync(dom, g);
	vdrv_end(dom->v);
}

static void domain_flush_iotlb_all(drv_domain_t *dd)
{
	struct vdrv_domain *dom = vdrv_dom(dd);
	struct vdrv_iommu *v = dom->v;
	struct vdrv_batch b;

	vdrv_begin(v);
	vdrv_batch_init(v, &b, vdrv_domain_policy(dom) != VDRV_FLUSH_STRICT);
	vdrv_flush_all(dom, &b);
	(void)vdrv_batch_finish(v, &b);
	dom->fq_n = 0;
	dom->fq_deadline = 0;
	vdrv_freelist_release(v, &dom->fl);
	vdrv_end(v);
}

static int domain_iova_to_phys(drv_domain_t *dd, uint64_t iova, uint64_t *pa)
{
	struct vdrv_domain *dom = vdrv_dom(dd);
	int rc = vdrv_pt_lookup(&dom->pt, iova, pa, NULL, NULL, NULL);

	return rc == -EIO ? -ENOENT : rc;
}

/* ---- free ---------------------------------------------------------------------------------- */

/* Blocks whatever of unit u is attached to dom (v: the unit doing the work). */
static void block_users(struct vdrv_iommu *v, struct vdrv_domain *dom, struct vdrv_iommu *u)
{
	vdrv_cross_begin(v, u);
	for (size_t i = 0; i < u->ndevs; i++) {
		struct vdrv_dev *d = u->devs[i];

		if (d->rid_att == VDRV_ATT_DOMAIN && d->rid_dom == dom)
			(void)vdrv_attach_rid(u, d, VDRV_ATT_BLOCKED, NULL, NULL);
		for (size_t k = d->npatt; k-- > 0;)
			if (d->patt[k].kind == VDRV_ATT_DOMAIN && d->patt[k].dom == dom)
				(void)vdrv_attach_pasid(u, d, d->patt[k].pasid, VDRV_ATT_BLOCKED,
						       NULL, NULL);
		if (d->def_dom == dom)
			d->def_dom = NULL;
	}
	vdrv_cross_end(v, u);
}

void vdrv_domain_destroy(struct vdrv_domain *dom)
{
	struct vdrv_iommu *v = dom->v;

	vdrv_begin(v);
	/* Nothing should be attached; if something is, block it rather than leave the hardware
	 * pointing at freed tables: behind this unit and every unit it knows. */
	block_users(v, dom, v);
	for (size_t i = 0; i < v->npeers; i++)
		block_users(v, dom, v->peers[i]);
	/* a parent outliving its nested children would leave them dangling */
	while (dom->nkids)
		vdrv_domain_destroy(dom->kids[dom->nkids - 1]);
	if (dom->base.type == DRV_DOMAIN_NESTED && dom->s2) {
		struct vdrv_domain *p = dom->s2;

		for (size_t i = 0; i < p->nkids; i++)
			if (p->kids[i] == dom) {
				p->kids[i] = p->kids[--p->nkids];
				break;
			}
	} else {
		if (dom->fq_n)
			vdrv_fq_flush(dom, NULL);
		vdrv_freelist_release(v, &dom->fl);
		vdrv_pt_destroy(&dom->pt);
	}
	doms_del(v, dom);
	vdrv_end(v);
	free(dom->fl.pa);
	free(dom->tags);
	free(dom->units);
	free(dom->kids);
	free(dom);
}

static void domain_free(drv_domain_t *dd)
{
	vdrv_domain_destroy(vdrv_dom(dd));
}

int vtd_drv_domain_info(const drv_domain_t *dd, vtd_drv_domain_info_t *out)
{
	const struct vdrv_domain *dom;

	if (!dd || !out || dd->owner != &vtd_drv_ops)
		return -EINVAL;
	dom = (const struct vdrv_domain *)(const void *)dd;
	memset(out, 0, sizeof(*out));
	out->nested = dd->type == DRV_DOMAIN_NESTED;
	out->first_level = dom->first_level;
	out->did = vdrv_did_of(dom, dom->v);
	out->units = dom->nunits;
	out->root = out->nested ? dom->s1.pgtbl_addr : dom->pt.root;
	out->levels = out->nested ? (dom->s1.addr_width == 57 ? 5 : 4) : dom->pt.levels;
	out->dirty_tracking = dom->dirty_tracking;
	out->fq_pending = dom->fq_n;
	return 0;
}

int vtd_drv_domain_did(const drv_domain_t *dd, const drv_instance_t *unit)
{
	if (!dd || dd->owner != &vtd_drv_ops || !unit || unit->ops != &vtd_drv_ops ||
	    !unit->iommu)
		return -EINVAL;
	return vdrv_did_of((const struct vdrv_domain *)(const void *)dd, vdrv_of(unit->iommu));
}

const drv_domain_ops_t vdrv_paging_ops = {
	.attach_dev = vdrv_domain_attach_dev,
	.set_dev_pasid = vdrv_domain_set_dev_pasid,
	.map_pages = domain_map_pages,
	.unmap_pages = domain_unmap_pages,
	.iotlb_sync_map = domain_iotlb_sync_map,
	.iotlb_sync = domain_iotlb_sync,
	.flush_iotlb_all = domain_flush_iotlb_all,
	.iova_to_phys = domain_iova_to_phys,
	.free = domain_free,
};

const drv_domain_ops_t vdrv_paging_dirty_ops = {
	.attach_dev = vdrv_domain_attach_dev,
	.set_dev_pasid = vdrv_domain_set_dev_pasid,
	.map_pages = domain_map_pages,
	.unmap_pages = domain_unmap_pages,
	.iotlb_sync_map = domain_iotlb_sync_map,
	.iotlb_sync = domain_iotlb_sync,
	.flush_iotlb_all = domain_flush_iotlb_all,
	.iova_to_phys = domain_iova_to_phys,
	.set_dirty_tracking = vdrv_set_dirty_tracking,
	.read_and_clear_dirty = vdrv_read_and_clear_dirty,
	.free = domain_free,
};
