/* SPDX-License-Identifier: MIT */
/*
 * Dirty tracking with second-level accessed/dirty bits (ECAP.SLADS), as intel-iommu does it
 * (iommu.c: intel_iommu_set_dirty_tracking, intel_iommu_read_and_clear_dirty; pasid.c:
 * intel_pasid_setup_dirty_tracking).
 *
 * Turning tracking on or off sets or clears SLADE in the PASID entry of every device whose
 * RID is attached to the domain (and, for a nest parent, to its nested children), each
 * followed by a PASID-cache, domain-selective IOTLB and device-TLB invalidation. Reading
 * walks the leaves of the range, reports those with D set and clears D (unless asked not
 * to); clearing needs an IOTLB flush, since the hardware sets D only when it fills an IOTLB
 * entry for a write (a cached entry would let later writes go unrecorded), so the cleared
 * range is flushed as an unmap would be (iommufd's iotlb_sync after the read).
 */
#include <errno.h>

#include "host-shim/drivers/vtd/vtd_drv_priv.h"

static int set_for_domain(struct vdrv_iommu *v, struct vdrv_domain *dom, bool on,
			  iommusim_error_t *err)
{
	for (size_t i = 0; i < v->ndevs; i++) {
		struct vdrv_dev *d = v->devs[i];
		int rc;

		if (d->rid_att != VDRV_ATT_DOMAIN || d->rid_dom != dom)
			continue;
		rc = vdrv_pasid_set_slade(v, d, VDRV_NO_PASID, on, err);
		if (rc)
			return rc;
	}
	return 0;
}

/* The devices of unit u attached to dom or its nested children (v: the unit doing the work). */
static int set_unit(struct vdrv_iommu *v, struct vdrv_iommu *u, struct vdrv_domain *dom, bool on,
		    iommusim_error_t *err)
{
	int rc;

	vdrv_cross_begin(v, u);
	rc = set_for_domain(u, dom, on, err);
	for (size_t k = 0; !rc && k < dom->nkids; k++)
		rc = set_for_domain(u, dom->kids[k], on, err);
	vdrv_cross_end(v, u);
	return rc;
}

/* Behind every unit the domain may be attached behind: its own and those it knows. */
static int set_all(struct vdrv_iommu *v, struct vdrv_domain *dom, bool on, iommusim_error_t *err)
{
	int rc = set_unit(v, v, dom, on, err);

	for (size_t i = 0; !rc && i < v->npeers; i++)
		rc = set_unit(v, v->peers[i], dom, on, err);
	return rc;
}

int vdrv_set_dirty_tracking(drv_domain_t *dd, bool enable, iommusim_error_t *err)
{
	struct vdrv_domain *dom = vdrv_dom(dd);
	struct vdrv_iommu *v = dom->v;
	int rc;

	if (dd->type != DRV_DOMAIN_PAGING || !dom->dirty_ops)
		return iommusim_error_set(err, -EOPNOTSUPP, "vtd driver: the domain was not "
					  "allocated with DIRTY_TRACKING");
	if (dom->dirty_tracking == enable)
		return 0;
	vdrv_begin(v);
	rc = set_all(v, dom, enable, err);
	if (rc)
		(void)set_all(v, dom, dom->dirty_tracking, NULL);   /* unwind */
	else
		dom->dirty_tracking = enable;
	vdrv_end(v);
	return rc;
}

struct dirty_walk {
	struct vdrv_iommu *v;
	uint64_t lo, hi;           /* the range asked for, inclusive */
	drv_dirty_t *dirty;
	bool clear;
	uint64_t cs, ce;           /* cleared range */
	bool any;
};

static int dirty_leaf(void *ctx, uint64_t base, uint64_t size, uint64_t pte_pa, uint64_t pte)
{
	struct dirty_walk *w = ctx;
	uint64_t s, e;

	if (!(pte & VTD_SL_D))
		return 0;
	s = base < w->lo ? w->lo : base;
	e = base + size - 1 > w->hi ? w->hi : base + size - 1;
	if (w->dirty)
		drv_dirty_record(w->dirty, s, e - s + 1);
	if (!w->clear)
		return 0;
	if (vdrv_write_pte(w->v, pte_pa, pte & ~VTD_SL_D))
		return -EIO;
	(*w->v->st.dirty_cleared)++;
	if (!w->any || base < w->cs)
		w->cs = base;
	if (!w->any || base + size - 1 > w->ce)
		w->ce = base + size - 1;
	w->any = true;
	return 0;
}

int vdrv_read_and_clear_dirty(drv_domain_t *dd, uint64_t iova, uint64_t size, unsigned flags,
			     drv_dirty_t *dirty, iommusim_error_t *err)
{
	struct vdrv_domain *dom = vdrv_dom(dd);
	struct vdrv_iommu *v = dom->v;
	struct dirty_walk w = { .v = v, .lo = iova, .dirty = dirty,
				.clear = !(flags & DRV_DIRTY_NO_CLEAR) };
	int rc;

	if (dd->type != DRV_DOMAIN_PAGING || !dom->dirty_ops)
		return iommusim_error_set(err, -EOPNOTSUPP, "vtd driver: the domain was not "
					  "allocated with DIRTY_TRACKING");
	/* a bitmap is only valid while tracking; without one the call just clears */
	if (!dom->dirty_tracking && dirty)
		return iommusim_error_set(err, -EINVAL, "vtd driver: dirty tracking is off");
	if (!size)
		return 0;
	w.hi = iova + size - 1 < iova ? UINT64_MAX : iova + size - 1;
	vdrv_begin(v);
	rc = vdrv_pt_for_each_leaf(&dom->pt, iova, size, dirty_leaf, &w);
	if (w.any) {
		struct vdrv_batch b;

		vdrv_batch_init(v, &b, vdrv_domain_policy(dom) != VDRV_FLUSH_STRICT);
		vdrv_flush_range(dom, w.cs, w.ce, true, &b);
		(void)vdrv_batch_finish(v, &b);
	}
	vdrv_end(v);
	if (rc)
		return iommusim_error_set(err, -EIO, "vtd driver: reading the table failed");
	return 0;
}
