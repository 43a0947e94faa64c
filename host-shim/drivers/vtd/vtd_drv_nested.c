/* SPDX-License-Identifier: MIT */
/*
 * Nested domains (Linux drivers/iommu/intel/nested.c): a user-managed first-level table
 * (IOMMU_HWPT_DATA_VTD_S1: its guest-physical address, address width and the SRE / EAFE /
 * WPE attributes) translated through a NEST_PARENT second-level domain. Attaching writes a
 * PASID entry with PGTT = nested (intel_pasid_setup_nested), with its own domain ID; the
 * parent gets nesting cache tags so that its changes flush the nested translations too.
 *
 * User invalidations (IOMMU_HWPT_INVALIDATE with IOMMU_HWPT_INVALIDATE_DATA_VTD_S1 entries)
 * become PASID-based IOTLB invalidations (type 6) and, for ATS devices, device-TLB
 * invalidations (type 3 for the RID, type 8 for a PASID), through the same range flush as
 * the kernel's own domains (intel_nested_cache_invalidate_user -> cache_tag_flush_range);
 * entry_num reports the entries handled, also on error.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/drivers/vtd/vtd_drv_priv.h"

int vdrv_nested_check(struct vdrv_iommu *v, const struct vdrv_domain *dom, iommusim_error_t *err)
{
	const struct uapi_iommu_hwpt_vtd_s1 *s1 = &dom->s1;

	switch (s1->addr_width) {
	case 48:
		break;
	case 57:
		if (!vdrv_capb(v, VTD_CAP_FL5LP))
			return iommusim_error_set(err, -EINVAL, "vtd driver %s: stage-1 address "
						  "width 57 needs CAP.FL5LP", v->name);
		break;
	default:
		return iommusim_error_set(err, -EINVAL, "vtd driver %s: stage-1 address width %u "
					  "(48 or 57)", v->name, s1->addr_width);
	}
	if ((s1->flags & UAPI_IOMMU_VTD_S1_SRE) && !vdrv_ecap(v, VTD_ECAP_SRS))
		return iommusim_error_set(err, -EINVAL, "vtd driver %s: IOMMU_VTD_S1_SRE without "
					  "ECAP.SRS", v->name);
	if ((s1->flags & UAPI_IOMMU_VTD_S1_EAFE) && !vdrv_ecap(v, VTD_ECAP_EAFS))
		return iommusim_error_set(err, -EINVAL, "vtd driver %s: IOMMU_VTD_S1_EAFE without "
					  "ECAP.EAFS", v->name);
	if (dom->s2->agaw > v->agaw)
		return iommusim_error_set(err, -ENODEV, "vtd driver %s: the parent's table is "
					  "wider than the IOMMU's", v->name);
	return 0;
}

static int nested_attach_dev(drv_domain_t *dd, const pci_dev_t *pdev, iommusim_error_t *err)
{
	struct vdrv_domain *dom = vdrv_dom(dd);
	int rc = vdrv_nested_check(dom->v, dom, err);

	return rc ? rc : vdrv_domain_attach_dev(dd, pdev, err);
}

static int nested_set_dev_pasid(drv_domain_t *dd, const pci_dev_t *pdev, uint32_t pasid,
				drv_domain_t *old, iommusim_error_t *err)
{
	struct vdrv_domain *dom = vdrv_dom(dd);
	int rc = vdrv_nested_check(dom->v, dom, err);

	return rc ? rc : vdrv_domain_set_dev_pasid(dd, pdev, pasid, old, err);
}

static int nested_cache_invalidate_user(drv_domain_t *dd, drv_user_array_t *array,
					iommusim_error_t *err)
{
	struct vdrv_domain *dom = vdrv_dom(dd);
	struct vdrv_iommu *v = dom->v;
	uint32_t processed = 0;
	int rc = 0;

	if (array->type != UAPI_IOMMU_HWPT_INVALIDATE_DATA_VTD_S1) {
		array->entry_num = 0;
		return iommusim_error_set(err, -EINVAL, "vtd driver: invalidation data_type %u "
					  "(VT-d takes IOMMU_HWPT_INVALIDATE_DATA_VTD_S1 = %u)",
					  array->type, UAPI_IOMMU_HWPT_INVALIDATE_DATA_VTD_S1);
	}
	vdrv_begin(v);
	for (uint32_t i = 0; i < array->entry_num; i++) {
		struct uapi_iommu_hwpt_vtd_s1_invalidate e;
		struct vdrv_batch b;
		uint64_t last;

		rc = drv_user_array_copy_entry(array, i, UAPI_IOMMU_HWPT_INVALIDATE_DATA_VTD_S1, &e,
					       sizeof(e), sizeof(e), err);
		if (rc)
			break;
		if ((e.flags & ~UAPI_IOMMU_VTD_INV_FLAGS_LEAF) || e.reserved) {
			rc = iommusim_error_set(err, -EOPNOTSUPP, "vtd driver: invalidation entry "
						"%u: flags 0x%x / reserved 0x%x not supported", i,
						e.flags, e.reserved);
			break;
		}
		if ((e.addr & (VTD_PAGE_SIZE - 1)) || (e.npages == UINT64_MAX && e.addr)) {
			rc = iommusim_error_set(err, -EINVAL, "vtd driver: invalidation entry %u: "
						"addr 0x%llx must be 4 KiB aligned, and 0 when npages "
						"is U64_MAX", i, (unsigned long long)e.addr);
			break;
		}
		if (e.npages) {
			if (e.npages == UINT64_MAX || e.npages > (UINT64_MAX >> VTD_PAGE_SHIFT) ||
			    e.addr + (e.npages << VTD_PAGE_SHIFT) - 1 < e.addr)
				last = UINT64_MAX;
			else
				last = e.addr + (e.npages << VTD_PAGE_SHIFT) - 1;
			vdrv_batch_init(v, &b, vdrv_domain_policy(dom) != VDRV_FLUSH_STRICT);
			vdrv_flush_range(dom, e.addr, last,
					(e.flags & UAPI_IOMMU_VTD_INV_FLAGS_LEAF) != 0, &b);
			(void)vdrv_batch_finish(v, &b);
		}
		processed++;
	}
	vdrv_end(v);
	array->entry_num = processed;
	return rc;
}

static void nested_free(drv_domain_t *dd)
{
	vdrv_domain_destroy(vdrv_dom(dd));
}

const drv_domain_ops_t vdrv_nested_ops = {
	.attach_dev = nested_attach_dev,
	.set_dev_pasid = nested_set_dev_pasid,
	.cache_invalidate_user = nested_cache_invalidate_user,
	.free = nested_free,
};

int vdrv_domain_alloc_nested(struct vdrv_iommu *v, const pci_dev_t *pdev, drv_domain_t *parent,
			    uint32_t flags, const drv_user_data_t *data, drv_domain_t **out,
			    iommusim_error_t *err)
{
	struct uapi_iommu_hwpt_vtd_s1 s1;
	struct vdrv_domain *p, *d;
	int rc;

	(void)pdev;
	if (!(v->sm && vdrv_ecap(v, VTD_ECAP_NEST)) || (flags & ~DRV_ALLOC_PASID))
		return iommusim_error_set(err, -EOPNOTSUPP, "vtd driver %s: nested domains need "
					  "scalable mode and ECAP.NEST, and take only the PASID "
					  "flag (flags 0x%x)", v->name, flags);
	if (!data || data->type != UAPI_IOMMU_HWPT_DATA_VTD_S1)
		return iommusim_error_set(err, -EOPNOTSUPP, "vtd driver: nested data_type %u "
					  "(VT-d takes IOMMU_HWPT_DATA_VTD_S1 = %u)",
					  data ? data->type : 0, UAPI_IOMMU_HWPT_DATA_VTD_S1);
	if (!parent || parent->owner != &vtd_drv_ops || parent->type != DRV_DOMAIN_PAGING ||
	    !vdrv_dom(parent)->nest_parent || vdrv_dom(parent)->v != v)
		return iommusim_error_set(err, -EINVAL, "vtd driver %s: the parent is not a "
					  "NEST_PARENT paging domain of this IOMMU", v->name);
	p = vdrv_dom(parent);
	rc = drv_user_data_copy(data, UAPI_IOMMU_HWPT_DATA_VTD_S1, &s1, sizeof(s1), sizeof(s1),
				err);
	if (rc)
		return rc;
	d = calloc(1, sizeof(*d));
	if (!d)
		return iommusim_error_set(err, -ENOMEM, "vtd driver: out of memory");
	d->v = v;
	d->first_level = true;
	d->s2 = p;
	d->s1 = s1;
	d->agaw = p->agaw;
	d->gaw = p->gaw;
	d->base.ops = &vdrv_nested_ops;
	d->base.iommu = vtd_drv_iommu(v);
	d->base.owner = &vtd_drv_ops;
	d->base.type = DRV_DOMAIN_NESTED;
	d->base.parent = parent;
	if (p->nkids == p->capkids) {
		size_t cap = p->capkids ? p->capkids * 2 : 4;
		struct vdrv_domain **k = realloc(p->kids, cap * sizeof(*k));

		if (!k) {
			free(d);
			return iommusim_error_set(err, -ENOMEM, "vtd driver: out of memory");
		}
		p->kids = k;
		p->capkids = cap;
	}
	if (vdrv_doms_add(v, d)) {
		free(d);
		return iommusim_error_set(err, -ENOMEM, "vtd driver: out of memory");
	}
	p->kids[p->nkids++] = d;
	*out = &d->base;
	return 0;
}
