/* SPDX-License-Identifier: MIT */
/*
 * iommufd devices (Linux device.c): binding a device to a context, attaching it (or one of
 * its PASIDs) to a HWPT or an IOAS, replacing and detaching, and IOMMU_GET_HW_INFO.
 *
 * Attachment is per group: the first device of a group to attach moves the whole group to
 * the domain; the other devices must attach to the same HWPT (else -EINVAL) and each
 * brings its own reserved regions into the IOAS. An IOAS given instead of a HWPT picks an
 * automatic paging domain: an existing automatic one that accepts the device (-EINVAL means
 * "incompatible, try the next"), else a new one, destroyed again with its last attachment.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/iommufd/ifd_internal.h"

/* ---- bind / unbind ------------------------------------------------------------------------- */

int ifd_device_bind(ifd_ctx_t *ctx, pci_dev_t *pdev, ifd_device_t **out, iommusim_error_t *err)
{
	ifd_sys_t *s = ctx->sys;
	drv_instance_t *drv = ifd_dev_drv(s, pdev);
	ifd_obj_t *obj;
	int rc;

	if (!drv || !drv->ops)
		return iommusim_error_set(err, -ENODEV, "device %s has no IOMMU", pdev->name);
	/* iommufd maps everything cache coherent and offers no way back. */
	if (!(drv->ops->capabilities(drv->iommu, pdev) & DRV_CAP_CACHE_COHERENCY))
		return iommusim_error_set(err, -EINVAL,
			"device %s: its IOMMU cannot make DMA cache coherent", pdev->name);
	ifd_igroup_t *ig = ifd_igroup_get(ctx, pdev->group);
	if (!ig)
		return iommusim_error_set(err, -ENOMEM, "out of memory");
	rc = ifd_dma_owner_claim(s, pdev, ctx, err);
	if (rc)
		goto put_group;
	rc = ifd_obj_alloc(ctx, sizeof(ifd_device_t), IFD_OBJ_DEVICE, &obj, err);
	if (rc)
		goto release_owner;
	ifd_device_t *idev = (ifd_device_t *)obj;
	idev->pdev = pdev;
	idev->drv = drv;
	idev->igroup = ig;
	ifd_ctx_get(ctx);
	/* The vfio driver is a user until unbind. */
	obj->users++;
	ifd_obj_finalize(obj);
	*out = idev;
	return 0;
release_owner:
	ifd_dma_owner_release(s, pdev);
put_group:
	ifd_igroup_put(ig);
	return rc;
}

void ifd_device_destroy(ifd_obj_t *obj)
{
	ifd_device_t *idev = (ifd_device_t *)obj;
	ifd_ctx_t *ctx = obj->ctx;

	ifd_dma_owner_release(ctx->sys, idev->pdev);
	ifd_igroup_put(idev->igroup);
	ifd_ctx_put(ctx);   /* last: this may release the whole context */
}

void ifd_device_unbind(ifd_device_t *idev)
{
	/* A vDEVICE still on the device is destroyed behind user space's back and leaves a
	 * tombstone: its ID stays taken and IOMMU_DESTROY of it gives -ENOENT. */
	idev->destroying = true;
	if (idev->vdev) {
		ifd_vdevice_t *vd = idev->vdev;
		ifd_obj_tombstone(&vd->obj);
	}
	ifd_obj_destroy_user(&idev->obj);
}

/* ---- group-level attach ------------------------------------------------------------------ */

/* Linux find_hwpt_paging: the paging HWPT whose IOAS holds the reserved regions (a nested
 * HWPT's parent). */
static ifd_hwpt_t *paging_of(ifd_hwpt_t *h)
{
	if (!h)
		return NULL;
	if (h->obj.type == IFD_OBJ_HWPT_PAGING)
		return h;
	return h->parent;
}

static bool dev_in(const ifd_attach_t *a, const ifd_device_t *idev)
{
	for (size_t i = 0; a && i < a->ndevs; i++)
		if (a->devs[i] == idev)
			return true;
	return false;
}

ifd_hwpt_t *ifd_device_attached_hwpt(ifd_device_t *idev, uint32_t pasid)
{
	ifd_attach_t *a = ifd_igroup_attach(idev->igroup, pasid);
	return a ? a->hwpt : NULL;
}

static int pasid_compat(ifd_hwpt_t *h, ifd_device_t *idev, uint32_t pasid,
			iommusim_error_t *err)
{
	ifd_igroup_t *ig = idev->igroup;

	if (pasid == IFD_NO_PASID) {
		if (h->pasid_compat)
			return 0;
		for (size_t i = 0; i < ig->nattach; i++)
			if (ig->attach[i].pasid != IFD_NO_PASID)
				return iommusim_error_set(err, -EINVAL,
					"HWPT %u is not PASID capable but PASIDs of the device are "
					"attached (allocate it with IOMMU_HWPT_ALLOC_PASID)",
					h->obj.id);
		return 0;
	}
	if (!h->pasid_compat)
		return iommusim_error_set(err, -EINVAL,
			"HWPT %u was not allocated with IOMMU_HWPT_ALLOC_PASID", h->obj.id);
	ifd_attach_t *rid = ifd_igroup_attach(ig, IFD_NO_PASID);
	if (rid && rid->hwpt && !rid->hwpt->pasid_compat)
		return iommusim_error_set(err, -EINVAL,
			"the device's RID is attached to HWPT %u without IOMMU_HWPT_ALLOC_PASID, "
			"which blocks PASID attach", rid->hwpt->obj.id);
	return 0;
}

static int hw_checks(ifd_hwpt_t *h, ifd_device_t *idev, uint32_t pasid, iommusim_error_t *err)
{
	pci_dev_t *pdev = idev->pdev;

	/* PRI is shared between a PF and its VFs: no fault queue for a PRI-capable VF. */
	if (h->fault && pdev->is_vf && pdev->pri)
		return iommusim_error_set(err, -EINVAL,
			"a HWPT with a fault queue cannot serve VF %s (PRI is shared with the PF)",
			pdev->name);
	if (h->domain->owner != idev->drv->ops)
		return iommusim_error_set(err, -EINVAL,
			"HWPT %u belongs to another IOMMU driver than device %s", h->obj.id,
			pdev->name);
	if (pasid != IFD_NO_PASID) {
		if (!h->domain->ops->set_dev_pasid || !idev->drv->ops->remove_dev_pasid)
			return iommusim_error_set(err, -EOPNOTSUPP,
				"the IOMMU of %s cannot attach PASIDs", pdev->name);
		if (pdev->group->ndevs != 1)
			return iommusim_error_set(err, -EINVAL,
				"PASID attach needs a device alone in its group (%s shares group %u)",
				pdev->name, pdev->group->id);
		if (!pdev->pasid_bits || pasid >= (1u << pdev->pasid_bits))
			return iommusim_error_set(err, -EINVAL,
				"PASID %u is outside the %u-bit PASID space of %s", pasid,
				pdev->pasid_bits, pdev->name);
	}
	return pasid_compat(h, idev, pasid, err);
}

/* Moves every device of the group (RID) or the one device (PASID) to h's domain. */
static int drv_attach(ifd_hwpt_t *h, ifd_device_t *idev, uint32_t pasid, ifd_hwpt_t *old,
		      iommusim_error_t *err)
{
	pci_group_t *g = idev->pdev->group;
	drv_domain_t *d = h->domain;
	int rc;

	if (pasid != IFD_NO_PASID)
		return d->ops->set_dev_pasid(d, idev->pdev, pasid, old ? old->domain : NULL, err);
	for (size_t i = 0; i < g->ndevs; i++) {
		rc = d->ops->attach_dev(d, g->devs[i], err);
		if (rc) {
			/* Put the devices already moved back where they were. */
			for (size_t k = 0; k < i; k++) {
				if (old)
					old->domain->ops->attach_dev(old->domain, g->devs[k], NULL);
				else
					idev->drv->ops->attach_blocked(idev->drv->iommu, g->devs[k],
								       NULL);
			}
			return rc;
		}
	}
	return 0;
}

static void drv_detach(ifd_hwpt_t *h, ifd_device_t *idev, uint32_t pasid)
{
	pci_group_t *g = idev->pdev->group;
	drv_instance_t *drv = idev->drv;

	if (pasid != IFD_NO_PASID) {
		drv->ops->remove_dev_pasid(drv->iommu, idev->pdev, pasid, h->domain);
		return;
	}
	for (size_t i = 0; i < g->ndevs; i++)
		drv->ops->attach_blocked(drv->iommu, g->devs[i], NULL);
}

static int attach_add_dev(ifd_attach_t *a, ifd_device_t *idev)
{
	ifd_device_t **v = realloc(a->devs, (a->ndevs + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	a->devs = v;
	a->devs[a->ndevs++] = idev;
	return 0;
}

static void attach_del_dev(ifd_attach_t *a, ifd_device_t *idev)
{
	for (size_t i = 0; i < a->ndevs; i++) {
		if (a->devs[i] == idev) {
			a->devs[i] = a->devs[--a->ndevs];
			return;
		}
	}
}

static void attach_erase(ifd_igroup_t *ig, ifd_attach_t *a)
{
	free(a->devs);
	*a = ig->attach[--ig->nattach];
}

int ifd_hwpt_attach(ifd_hwpt_t *h, ifd_device_t *idev, uint32_t pasid, iommusim_error_t *err)
{
	ifd_igroup_t *ig = idev->igroup;
	ifd_hwpt_t *hp = pasid == IFD_NO_PASID ? paging_of(h) : NULL;
	ifd_attach_t *a = ifd_igroup_attach(ig, pasid);
	bool first = !a;
	int rc;

	if (a && dev_in(a, idev))
		return iommusim_error_set(err, -EBUSY, "device %u is already attached",
					  idev->obj.id);
	if (a && a->hwpt != h)
		return iommusim_error_set(err, -EINVAL,
			"the group of %s is attached to HWPT %u; every device of a group must "
			"use the same HWPT", idev->pdev->name, a->hwpt->obj.id);
	if (hp) {
		rc = ifd_iopt_enforce_resv(&hp->ioas->iopt, idev, err);
		if (rc)
			return rc;
	}
	if (first) {
		rc = hw_checks(h, idev, pasid, err);
		if (!rc)
			rc = drv_attach(h, idev, pasid, NULL, err);
		if (rc)
			goto unresv;
		ifd_attach_t *v = realloc(ig->attach, (ig->nattach + 1) * sizeof(*v));
		if (!v) {
			drv_detach(h, idev, pasid);
			rc = iommusim_error_set(err, -ENOMEM, "out of memory");
			goto unresv;
		}
		ig->attach = v;
		a = &ig->attach[ig->nattach++];
		*a = (ifd_attach_t){.pasid = pasid, .hwpt = h};
		if (h->fault)
			idev->iopf_enabled++;
	}
	if (attach_add_dev(a, idev)) {
		rc = iommusim_error_set(err, -ENOMEM, "out of memory");
		if (first) {
			drv_detach(h, idev, pasid);
			attach_erase(ig, a);
		}
		goto unresv;
	}
	h->obj.users++;
	return 0;
unresv:
	if (hp)
		ifd_iopt_unreserve(&hp->ioas->iopt, idev);
	return rc;
}

ifd_hwpt_t *ifd_hwpt_detach(ifd_device_t *idev, uint32_t pasid)
{
	ifd_igroup_t *ig = idev->igroup;
	ifd_attach_t *a = ifd_igroup_attach(ig, pasid);

	if (!a || !dev_in(a, idev))
		return NULL;
	ifd_hwpt_t *h = a->hwpt;
	ifd_hwpt_t *hp = pasid == IFD_NO_PASID ? paging_of(h) : NULL;
	attach_del_dev(a, idev);
	if (!a->ndevs) {
		/* The last device of the group: the hardware goes back to blocking, then the
		 * page requests nobody will answer now are answered INVALID. */
		drv_detach(h, idev, pasid);
		if (h->fault) {
			ifd_fault_auto_respond(h->fault, idev, h, pasid);
			if (idev->iopf_enabled)
				idev->iopf_enabled--;
		}
		attach_erase(ig, a);
	}
	if (hp)
		ifd_iopt_unreserve(&hp->ioas->iopt, idev);
	return h;
}

typedef int (*attach_fn)(ifd_device_t *idev, uint32_t pasid, ifd_hwpt_t *h,
			 ifd_hwpt_t **destroy, iommusim_error_t *err);

static int do_attach(ifd_device_t *idev, uint32_t pasid, ifd_hwpt_t *h, ifd_hwpt_t **destroy,
		     iommusim_error_t *err)
{
	*destroy = NULL;
	return ifd_hwpt_attach(h, idev, pasid, err);
}

static int replace_reserved(ifd_igroup_t *ig, ifd_attach_t *a, ifd_hwpt_t *hp,
			    iommusim_error_t *err)
{
	ifd_hwpt_t *old = paging_of(a->hwpt);
	if (old && old->ioas == hp->ioas)
		return 0;
	for (size_t i = 0; i < a->ndevs; i++) {
		int rc = ifd_iopt_enforce_resv(&hp->ioas->iopt, a->devs[i], err);
		if (rc) {
			for (size_t k = 0; k < i; k++)
				ifd_iopt_unreserve(&hp->ioas->iopt, a->devs[k]);
			return rc;
		}
	}
	(void)ig;
	return 0;
}

static int do_replace(ifd_device_t *idev, uint32_t pasid, ifd_hwpt_t *h, ifd_hwpt_t **destroy,
		      iommusim_error_t *err)
{
	ifd_igroup_t *ig = idev->igroup;
	ifd_attach_t *a = ifd_igroup_attach(ig, pasid);
	int rc;

	*destroy = NULL;
	if (!a || !a->hwpt || !dev_in(a, idev))
		return iommusim_error_set(err, -EINVAL, "device %u is not attached%s",
					  idev->obj.id, pasid ? " with that PASID" : "");
	ifd_hwpt_t *old = a->hwpt;
	if (h == old)
		return 0;
	ifd_hwpt_t *hp = pasid == IFD_NO_PASID ? paging_of(h) : NULL;
	ifd_hwpt_t *oldp = pasid == IFD_NO_PASID ? paging_of(old) : NULL;
	if (hp && (rc = replace_reserved(ig, a, hp, err)))
		return rc;
	rc = hw_checks(h, idev, pasid, err);
	if (!rc)
		rc = drv_attach(h, idev, pasid, old, err);
	if (rc) {
		if (hp && (!oldp || oldp->ioas != hp->ioas))
			for (size_t i = 0; i < a->ndevs; i++)
				ifd_iopt_unreserve(&hp->ioas->iopt, a->devs[i]);
		return rc;
	}
	if (old->fault)
		ifd_fault_auto_respond(old->fault, idev, old, pasid);
	if (h->fault && !old->fault)
		idev->iopf_enabled++;
	else if (!h->fault && old->fault && idev->iopf_enabled)
		idev->iopf_enabled--;
	if (oldp && (!hp || hp->ioas != oldp->ioas))
		for (size_t i = 0; i < a->ndevs; i++)
			ifd_iopt_unreserve(&oldp->ioas->iopt, a->devs[i]);
	a->hwpt = h;
	/* The attached devices' users move to the new HWPT; the caller drops the last one
	 * of the old HWPT. */
	h->obj.users += (unsigned)a->ndevs;
	old->obj.users -= (unsigned)a->ndevs - 1;
	*destroy = old;
	return 0;
}

static int auto_get_domain(ifd_device_t *idev, uint32_t pasid, ifd_ioas_t *ioas,
			   uint32_t *pt_id, attach_fn fn, ifd_hwpt_t **destroy,
			   iommusim_error_t *err)
{
	bool immediate = fn == do_attach;
	ifd_hwpt_t *h = NULL;
	int rc;

	for (size_t i = 0; i < ioas->nhwpts; i++) {
		h = ioas->hwpts[i];
		if (!h->auto_domain)
			continue;
		if (pasid != IFD_NO_PASID && !h->pasid_compat)
			continue;
		iommusim_error_t tmp;
		rc = fn(idev, pasid, h, destroy, &tmp);
		if (rc == -EINVAL)
			continue;   /* incompatible with this device: try the next */
		if (rc) {
			if (err)
				*err = tmp;
			return rc;
		}
		*pt_id = h->obj.id;
		return 0;
	}
	rc = ifd_hwpt_paging_alloc(idev->obj.ctx, ioas, idev, pasid, 0, immediate, NULL, &h,
				   err);
	if (rc)
		return rc;
	if (!immediate) {
		rc = fn(idev, pasid, h, destroy, err);
		if (rc) {
			ifd_obj_abort(&h->obj);
			return rc;
		}
	} else {
		*destroy = NULL;
	}
	h->auto_domain = true;
	*pt_id = h->obj.id;
	ifd_obj_finalize(&h->obj);
	return 0;
}

static int change_pt(ifd_device_t *idev, uint32_t pasid, uint32_t *pt_id, attach_fn fn,
		     iommusim_error_t *err)
{
	ifd_ctx_t *ctx = idev->obj.ctx;
	ifd_hwpt_t *destroy = NULL;
	ifd_obj_t *pt;
	int rc;

	if (ifd_obj_get(ctx, *pt_id, IFD_OBJ_ANY, &pt))
		return iommusim_error_set(err, -ENOENT, "no object with id %u to attach to",
					  *pt_id);
	switch (pt->type) {
	case IFD_OBJ_HWPT_NESTED:
	case IFD_OBJ_HWPT_PAGING:
		rc = fn(idev, pasid, (ifd_hwpt_t *)pt, &destroy, err);
		break;
	case IFD_OBJ_IOAS:
		rc = auto_get_domain(idev, pasid, (ifd_ioas_t *)pt, pt_id, fn, &destroy, err);
		break;
	default:
		rc = iommusim_error_set(err, -EINVAL,
			"id %u is a %s; attach takes an IOAS or a HWPT", *pt_id,
			ifd_obj_type_name(pt->type));
	}
	if (rc)
		return rc;
	if (destroy)
		ifd_hwpt_put(destroy);
	return 0;
}

int ifd_device_attach(ifd_device_t *idev, uint32_t pasid, uint32_t *pt_id,
		      iommusim_error_t *err)
{
	int rc = change_pt(idev, pasid, pt_id, do_attach, err);
	if (rc)
		return rc;
	/* Pairs with detach: a device with an attachment cannot be destroyed. */
	idev->obj.users++;
	return 0;
}

int ifd_device_replace(ifd_device_t *idev, uint32_t pasid, uint32_t *pt_id,
		       iommusim_error_t *err)
{
	return change_pt(idev, pasid, pt_id, do_replace, err);
}

void ifd_device_detach(ifd_device_t *idev, uint32_t pasid)
{
	ifd_hwpt_t *h = ifd_hwpt_detach(idev, pasid);
	if (!h)
		return;
	ifd_hwpt_put(h);
	idev->obj.users--;
}

/* ---- IOMMU_GET_HW_INFO -------------------------------------------------------------------- */

int ifd_cmd_get_hw_info(ifd_ctx_t *ctx, struct uapi_iommu_hw_info *cmd, iommusim_error_t *err)
{
	drv_hw_info_t info = {0};
	ifd_obj_t *obj;
	int rc;

	if (cmd->flags & ~UAPI_IOMMU_HW_INFO_FLAG_INPUT_TYPE)
		return iommusim_error_set(err, -EOPNOTSUPP,
			"IOMMU_GET_HW_INFO: unknown flags 0x%x", cmd->flags);
	if (cmd->reserved[0] || cmd->reserved[1] || cmd->reserved[2])
		return iommusim_error_set(err, -EOPNOTSUPP,
			"IOMMU_GET_HW_INFO: __reserved must be 0");
	if (!(cmd->flags & UAPI_IOMMU_HW_INFO_FLAG_INPUT_TYPE))
		cmd->in_data_type = UAPI_IOMMU_HW_INFO_TYPE_DEFAULT;
	if (ifd_obj_get(ctx, cmd->dev_id, IFD_OBJ_DEVICE, &obj))
		return iommusim_error_set(err, -ENOENT, "IOMMU_GET_HW_INFO: no device with id %u",
					  cmd->dev_id);
	ifd_device_t *idev = (ifd_device_t *)obj;
	drv_instance_t *drv = idev->drv;
	if (drv->ops->hw_info) {
		rc = drv->ops->hw_info(drv->iommu, idev->pdev, cmd->in_data_type, &info, err);
		if (rc)
			return rc;
		if (info.type == UAPI_IOMMU_HW_INFO_TYPE_NONE)
			return iommusim_error_set(err, -EOPNOTSUPP,
				"IOMMU_GET_HW_INFO: the driver reported no type");
		if (info.len > DRV_HW_INFO_MAX)
			info.len = DRV_HW_INFO_MAX;
	}
	uint32_t copy = cmd->data_len < info.len ? cmd->data_len : info.len;
	if (copy && ifd_copy_to_user(ctx, cmd->data_uptr, info.data, copy))
		return iommusim_error_set(err, -EFAULT,
			"IOMMU_GET_HW_INFO: cannot write %u bytes at data_uptr 0x%llx", copy,
			(unsigned long long)cmd->data_uptr);
	if (copy < cmd->data_len) {
		/* The rest of a larger buffer is zeroed. */
		uint8_t zero[64] = {0};
		for (uint64_t off = copy; off < cmd->data_len; off += sizeof(zero)) {
			uint64_t n = cmd->data_len - off < sizeof(zero) ? cmd->data_len - off
									: sizeof(zero);
			if (ifd_copy_to_user(ctx, cmd->data_uptr + off, zero, (size_t)n))
				return iommusim_error_set(err, -EFAULT,
					"IOMMU_GET_HW_INFO: cannot clear the data buffer at 0x%llx",
					(unsigned long long)(cmd->data_uptr + off));
		}
	}
	cmd->out_data_type = info.type;
	cmd->data_len = info.len;
	cmd->out_capabilities = info.capabilities & ~UAPI_IOMMU_HW_CAP_DIRTY_TRACKING;
	if (drv->ops->capabilities(drv->iommu, idev->pdev) & DRV_CAP_DIRTY_TRACKING)
		cmd->out_capabilities |= UAPI_IOMMU_HW_CAP_DIRTY_TRACKING;
	/* PASID is reported only when both the device and the IOMMU have it. */
	unsigned bits = idev->pdev->pasid_bits;
	if (info.max_pasid_log2 < bits)
		bits = info.max_pasid_log2;
	cmd->out_max_pasid_log2 = (uint8_t)bits;
	if (!bits)
		cmd->out_capabilities &= ~(UAPI_IOMMU_HW_CAP_PCI_PASID_EXEC |
					   UAPI_IOMMU_HW_CAP_PCI_PASID_PRIV);
	return 0;
}
