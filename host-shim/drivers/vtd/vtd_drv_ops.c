/* SPDX-License-Identifier: MIT */
/*
 * The per-instance ops of the VT-d driver (Linux intel_iommu_ops): capabilities, hw_info,
 * device probe and release, reserved regions, the default (kernel DMA) and blocking
 * domains, domain allocation, page responses and the timer/interrupt hook.
 *
 * Probe (intel_iommu_probe_device): ATS is enabled for a device with the capability when
 * the hardware has device TLBs (ECAP.DT) and queued invalidation; PASID in scalable mode
 * with ECAP.PASID; PRI in scalable mode with ATS and ECAP.PRS. In scalable mode the PASID
 * directory and the scalable context entries are written at probe. The device then joins
 * its default domain: identity (pass-through) with ECAP.PT, otherwise a paging domain of
 * its own (kernel DMA mappings are not modelled, so it is empty).
 *
 * add_peer links two units of the system, so that a domain of one serves devices behind the
 * other (vtd_drv.h, "Units").
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/drivers/vtd/vtd_drv_priv.h"

static uint32_t ops_capabilities(drv_iommu_t *iommu, const pci_dev_t *dev)
{
	struct vdrv_iommu *v = vdrv_of(iommu);
	uint32_t caps = DRV_CAP_CACHE_COHERENCY | DRV_CAP_DEFERRED_FLUSH;

	(void)dev;
	if (vdrv_ecap(v, VTD_ECAP_SC))
		caps |= DRV_CAP_ENFORCE_CACHE_COHERENCY;
	if (v->sm && vdrv_ecap(v, VTD_ECAP_SLADS))
		caps |= DRV_CAP_DIRTY_TRACKING;
	return caps;
}

static int ops_hw_info(drv_iommu_t *iommu, const pci_dev_t *dev, uint32_t in_type,
		       drv_hw_info_t *out, iommusim_error_t *err)
{
	struct vdrv_iommu *v = vdrv_of(iommu);
	struct uapi_iommu_hw_info_vtd info;
	unsigned pss;

	(void)dev;
	if (in_type != UAPI_IOMMU_HW_INFO_TYPE_DEFAULT &&
	    in_type != UAPI_IOMMU_HW_INFO_TYPE_INTEL_VTD)
		return iommusim_error_set(err, -EOPNOTSUPP, "vtd driver: hw_info type %u is not "
					  "reported (INTEL_VTD = %u)", in_type,
					  UAPI_IOMMU_HW_INFO_TYPE_INTEL_VTD);
	memset(&info, 0, sizeof(info));
	/* intel_iommu_hw_info: read-only mappings in a nest parent are not safe on some
	 * parts, and the kernel always says so */
	info.flags = UAPI_IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17;
	info.cap_reg = v->cap;
	info.ecap_reg = v->ecap;
	memset(out, 0, sizeof(*out));
	out->type = UAPI_IOMMU_HW_INFO_TYPE_INTEL_VTD;
	out->len = sizeof(info);
	memcpy(out->data, &info, sizeof(info));
	if (v->sm && vdrv_ecap(v, VTD_ECAP_PASID)) {
		pss = (unsigned)((v->ecap & VTD_ECAP_PSS_MASK) >> VTD_ECAP_PSS_SHIFT) + 1;
		out->max_pasid_log2 = (uint8_t)(pss < VDRV_PASID_MAX_LOG2 ? pss : VDRV_PASID_MAX_LOG2);
	}
	return 0;
}

static int devs_add(struct vdrv_iommu *v, struct vdrv_dev *d)
{
	if (v->ndevs == v->capdevs) {
		size_t cap = v->capdevs ? v->capdevs * 2 : 8;
		struct vdrv_dev **p = realloc(v->devs, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		v->devs = p;
		v->capdevs = cap;
	}
	v->devs[v->ndevs++] = d;
	return 0;
}

static void devs_del(struct vdrv_iommu *v, struct vdrv_dev *d)
{
	for (size_t i = 0; i < v->ndevs; i++) {
		if (v->devs[i] == d) {
			memmove(&v->devs[i], &v->devs[i + 1], (v->ndevs - i - 1) * sizeof(v->devs[0]));
			v->ndevs--;
			return;
		}
	}
}

static int attach_default(struct vdrv_iommu *v, struct vdrv_dev *d, iommusim_error_t *err)
{
	if (vdrv_ecap(v, VTD_ECAP_PT))
		return vdrv_attach_rid(v, d, VDRV_ATT_IDENTITY, NULL, err);
	if (!d->def_dom) {
		drv_domain_t *dd;
		int rc = vdrv_domain_alloc_paging(v, d->pdev, 0, NULL, &dd, err);

		if (rc)
			return rc;
		d->def_dom = vdrv_dom(dd);
		d->def_dom->kernel_default = true;
	}
	return vdrv_attach_rid(v, d, VDRV_ATT_DOMAIN, d->def_dom, err);
}

static void free_dev(struct vdrv_iommu *v, struct vdrv_dev *d)
{
	vdrv_pasid_free_tables(v, d);
	free(d->patt);
	free(d);
}

static int ops_probe_device(drv_iommu_t *iommu, const pci_dev_t *pdev, iommusim_error_t *err)
{
	struct vdrv_iommu *v = vdrv_of(iommu);
	struct vdrv_dev *d;
	int rc;

	if (!pdev)
		return iommusim_error_set(err, -EINVAL, "vtd driver: no device");
	if (vdrv_dev_find(v, pdev) || vdrv_dev_find_rid(v, pdev->rid))
		return iommusim_error_set(err, -EEXIST, "vtd driver %s: %s (requester ID 0x%04x) "
					  "is already probed", v->name, pdev->name, pdev->rid);
	d = calloc(1, sizeof(*d));
	if (!d)
		return iommusim_error_set(err, -ENOMEM, "vtd driver: out of memory");
	d->pdev = pdev;
	d->rid = pdev->rid;
	d->rids[d->nrids++] = pdev->rid;
	if (pdev->has_alias && pdev->alias_rid != pdev->rid)
		d->rids[d->nrids++] = pdev->alias_rid;
	d->ats = pdev->ats && vdrv_ecap(v, VTD_ECAP_DT) && v->qi;
	d->pasid = v->sm && vdrv_ecap(v, VTD_ECAP_PASID) && pdev->pasid_bits > 0;
	d->pri = v->sm && d->ats && vdrv_ecap(v, VTD_ECAP_PRS) && pdev->pri;
	/* DIT: device-TLB throttling per physical function; without it PFSID is reserved */
	d->pfsid = vdrv_ecap(v, VTD_ECAP_DIT) ? pdev->rid : 0;
	d->qdep = 0;   /* ATS invalidate queue depth 0 = 32 */
	d->rid_att = VDRV_ATT_BLOCKED;

	vdrv_begin(v);
	rc = devs_add(v, d) ? iommusim_error_set(err, -ENOMEM, "vtd driver: out of memory") : 0;
	if (!rc && v->sm)
		rc = vdrv_ctx_setup_sm(v, d, err);
	if (!rc)
		rc = attach_default(v, d, err);
	if (rc) {
		if (v->sm)
			vdrv_ctx_teardown(v, d);
		if (d->def_dom)
			vdrv_domain_destroy(d->def_dom);
		devs_del(v, d);
		free_dev(v, d);
	}
	vdrv_end(v);
	return rc;
}

static void ops_release_device(drv_iommu_t *iommu, const pci_dev_t *pdev)
{
	struct vdrv_iommu *v = vdrv_of(iommu);
	struct vdrv_dev *d = vdrv_dev_find(v, pdev);

	if (!d)
		return;
	vdrv_begin(v);
	while (d->npatt)
		(void)vdrv_attach_pasid(v, d, d->patt[d->npatt - 1].pasid, VDRV_ATT_BLOCKED, NULL,
				       NULL);
	(void)vdrv_attach_rid(v, d, VDRV_ATT_BLOCKED, NULL, NULL);
	if (v->sm)
		vdrv_ctx_teardown(v, d);
	if (d->def_dom) {
		struct vdrv_domain *dd = d->def_dom;

		d->def_dom = NULL;
		vdrv_domain_destroy(dd);
	}
	devs_del(v, d);
	free_dev(v, d);
	vdrv_end(v);
}

static int ops_get_resv_regions(drv_iommu_t *iommu, const pci_dev_t *dev,
				drv_resv_region_t *out, size_t max, size_t *count,
				iommusim_error_t *err)
{
	(void)iommu;
	(void)dev;
	*count = 0;
	if (max < 1)
		return iommusim_error_set(err, -ENOSPC, "vtd driver: no room for the MSI region");
	/* intel_iommu_get_resv_regions: the interrupt address range (no RMRRs here) */
	out[0].start = VTD_INTR_ADDR_BASE;
	out[0].length = VTD_INTR_ADDR_LIMIT - VTD_INTR_ADDR_BASE + 1;
	out[0].type = DRV_RESV_MSI;
	*count = 1;
	return 0;
}

static int ops_attach_default(drv_iommu_t *iommu, const pci_dev_t *pdev, iommusim_error_t *err)
{
	struct vdrv_iommu *v = vdrv_of(iommu);
	struct vdrv_dev *d = vdrv_dev_find(v, pdev);
	int rc;

	if (!d)
		return iommusim_error_set(err, -ENODEV, "vtd driver %s: %s is not probed",
					  v->name, pdev ? pdev->name : "(null)");
	vdrv_begin(v);
	rc = attach_default(v, d, err);
	vdrv_end(v);
	return rc;
}

static int ops_attach_blocked(drv_iommu_t *iommu, const pci_dev_t *pdev, iommusim_error_t *err)
{
	struct vdrv_iommu *v = vdrv_of(iommu);
	struct vdrv_dev *d = vdrv_dev_find(v, pdev);
	int rc;

	if (!d)
		return iommusim_error_set(err, -ENODEV, "vtd driver %s: %s is not probed",
					  v->name, pdev ? pdev->name : "(null)");
	vdrv_begin(v);
	rc = vdrv_attach_rid(v, d, VDRV_ATT_BLOCKED, NULL, err);
	vdrv_end(v);
	return rc;
}

static void ops_remove_dev_pasid(drv_iommu_t *iommu, const pci_dev_t *pdev, uint32_t pasid,
				 drv_domain_t *domain)
{
	struct vdrv_iommu *v = vdrv_of(iommu);
	struct vdrv_dev *d = vdrv_dev_find(v, pdev);

	(void)domain;
	if (!d)
		return;
	vdrv_begin(v);
	(void)vdrv_attach_pasid(v, d, pasid, VDRV_ATT_BLOCKED, NULL, NULL);
	vdrv_end(v);
}

static int ops_domain_alloc_paging(drv_iommu_t *iommu, const pci_dev_t *dev, uint32_t flags,
				   const drv_user_data_t *data, drv_domain_t **out,
				   iommusim_error_t *err)
{
	struct vdrv_iommu *v = vdrv_of(iommu);
	int rc;

	vdrv_begin(v);
	rc = vdrv_domain_alloc_paging(v, dev, flags, data, out, err);
	vdrv_end(v);
	return rc;
}

static int ops_domain_alloc_nested(drv_iommu_t *iommu, const pci_dev_t *dev,
				   drv_domain_t *parent, uint32_t flags,
				   const drv_user_data_t *data, drv_domain_t **out,
				   iommusim_error_t *err)
{
	struct vdrv_iommu *v = vdrv_of(iommu);
	int rc;

	vdrv_begin(v);
	rc = vdrv_domain_alloc_nested(v, dev, parent, flags, data, out, err);
	vdrv_end(v);
	return rc;
}

static void ops_advance(drv_iommu_t *iommu, iommusim_time_t now)
{
	struct vdrv_iommu *v = vdrv_of(iommu);
	iommusim_time_t snow = iommusim_sched_now(v->sched);

	if (v->depth)
		return;   /* called back from inside an operation */
	v->depth++;
	if (snow > v->t)
		v->t = snow;
	if (now > v->t)
		v->t = now;
	vdrv_fq_timers(v);
	(void)vdrv_fault_poll(v);
	(void)vdrv_prq_poll(v);
	v->depth--;
	(void)vdrv_sync(v);
}

static int ops_add_peer(drv_iommu_t *iommu, drv_iommu_t *peer, iommusim_error_t *err)
{
	if (!peer)
		return iommusim_error_set(err, -EINVAL, "vtd driver: no peer instance");
	if (vdrv_peer_link(vdrv_of(iommu), vdrv_of(peer)))
		return iommusim_error_set(err, -ENOMEM, "vtd driver: out of memory");
	return 0;
}

const drv_ops_t vtd_drv_ops = {
	.name = "vtd",
	.capabilities = ops_capabilities,
	.hw_info = ops_hw_info,
	.probe_device = ops_probe_device,
	.release_device = ops_release_device,
	.get_resv_regions = ops_get_resv_regions,
	.attach_default = ops_attach_default,
	.attach_blocked = ops_attach_blocked,
	.remove_dev_pasid = ops_remove_dev_pasid,
	.domain_alloc_paging = ops_domain_alloc_paging,
	.domain_alloc_nested = ops_domain_alloc_nested,
	.viommu_alloc = NULL,
	.page_response = vdrv_page_response,
	.advance = ops_advance,
	.add_peer = ops_add_peer,
};
