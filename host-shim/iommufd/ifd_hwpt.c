/* SPDX-License-Identifier: MIT */
/*
 * Hardware page tables (Linux hw_pagetable.c): paging HWPTs backed by a driver paging
 * domain that mirrors an IOAS, nested HWPTs backed by a user stage 1 over a NEST_PARENT
 * paging HWPT or a vIOMMU, and the HWPT ioctls: ALLOC, SET_DIRTY_TRACKING,
 * GET_DIRTY_BITMAP, INVALIDATE.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/iommufd/ifd_internal.h"

#define PAGING_FLAGS (UAPI_IOMMU_HWPT_ALLOC_NEST_PARENT | UAPI_IOMMU_HWPT_ALLOC_DIRTY_TRACKING | \
		      UAPI_IOMMU_HWPT_FAULT_ID_VALID | UAPI_IOMMU_HWPT_ALLOC_PASID)

static uint32_t drv_flags(uint32_t uflags)
{
	uint32_t f = 0;
	if (uflags & UAPI_IOMMU_HWPT_ALLOC_NEST_PARENT)
		f |= DRV_ALLOC_NEST_PARENT;
	if (uflags & UAPI_IOMMU_HWPT_ALLOC_DIRTY_TRACKING)
		f |= DRV_ALLOC_DIRTY_TRACKING;
	if (uflags & UAPI_IOMMU_HWPT_ALLOC_PASID)
		f |= DRV_ALLOC_PASID;
	return f;
}

static void ioas_list_add(ifd_ioas_t *ioas, ifd_hwpt_t *h)
{
	if (ioas->nhwpts == ioas->caphwpts) {
		size_t nc = ioas->caphwpts ? ioas->caphwpts * 2 : 4;
		ifd_hwpt_t **v = realloc(ioas->hwpts, nc * sizeof(*v));
		if (!v)
			return;   /* the HWPT still works; it is only not offered for reuse */
		ioas->hwpts = v;
		ioas->caphwpts = nc;
	}
	ioas->hwpts[ioas->nhwpts++] = h;
}

static void ioas_list_del(ifd_ioas_t *ioas, ifd_hwpt_t *h)
{
	for (size_t i = 0; i < ioas->nhwpts; i++) {
		if (ioas->hwpts[i] == h) {
			memmove(&ioas->hwpts[i], &ioas->hwpts[i + 1],
				(ioas->nhwpts - i - 1) * sizeof(*ioas->hwpts));
			ioas->nhwpts--;
			return;
		}
	}
}

void ifd_hwpt_destroy(ifd_obj_t *obj)
{
	ifd_hwpt_t *h = (ifd_hwpt_t *)obj;

	if (obj->type == IFD_OBJ_HWPT_PAGING && h->in_ioas) {
		ioas_list_del(h->ioas, h);
		ifd_iopt_remove_domain(&h->ioas->iopt, h->domain);
		h->in_ioas = false;
	}
	if (h->domain)
		h->domain->ops->free(h->domain);
	if (h->fault)
		h->fault->obj.users--;
	if (obj->type == IFD_OBJ_HWPT_PAGING) {
		if (h->ioas)
			h->ioas->obj.users--;
	} else if (h->viommu) {
		h->viommu->obj.users--;
	} else if (h->parent) {
		h->parent->obj.users--;
	}
}

void ifd_hwpt_put(ifd_hwpt_t *hwpt)
{
	/* An automatic domain dies with its last attachment (iommufd_object_put_and_try_destroy). */
	if (hwpt->obj.type == IFD_OBJ_HWPT_PAGING && hwpt->auto_domain) {
		hwpt->obj.users--;
		if (hwpt->obj.users == 1)
			ifd_obj_remove(hwpt->obj.ctx, hwpt->obj.id, NULL);
		return;
	}
	hwpt->obj.users--;
}

int ifd_hwpt_paging_alloc(ifd_ctx_t *ctx, ifd_ioas_t *ioas, ifd_device_t *idev,
			  uint32_t pasid, uint32_t flags, bool immediate_attach,
			  const drv_user_data_t *data, ifd_hwpt_t **out, iommusim_error_t *err)
{
	drv_instance_t *drv = idev->drv;
	ifd_obj_t *obj;
	int rc;

	if (flags & ~PAGING_FLAGS)
		return iommusim_error_set(err, -EOPNOTSUPP, "unknown HWPT flags 0x%x",
					  flags & ~PAGING_FLAGS);
	if ((flags & UAPI_IOMMU_HWPT_ALLOC_DIRTY_TRACKING) &&
	    !(drv->ops->capabilities(drv->iommu, idev->pdev) & DRV_CAP_DIRTY_TRACKING))
		return iommusim_error_set(err, -EOPNOTSUPP,
			"DIRTY_TRACKING: the IOMMU of %s cannot track dirty pages",
			idev->pdev->name);
	if ((flags & UAPI_IOMMU_HWPT_FAULT_ID_VALID) &&
	    (flags & UAPI_IOMMU_HWPT_ALLOC_NEST_PARENT))
		return iommusim_error_set(err, -EOPNOTSUPP,
			"FAULT_ID_VALID with NEST_PARENT: a nesting parent cannot take I/O page "
			"faults");
	if ((rc = ifd_obj_alloc(ctx, sizeof(ifd_hwpt_t), IFD_OBJ_HWPT_PAGING, &obj, err)))
		return rc;
	ifd_hwpt_t *h = (ifd_hwpt_t *)obj;
	ioas->obj.users++;
	h->ioas = ioas;
	h->nest_parent = flags & UAPI_IOMMU_HWPT_ALLOC_NEST_PARENT;
	h->dirty_tracking = flags & UAPI_IOMMU_HWPT_ALLOC_DIRTY_TRACKING;
	/* A domain made for a PASID attach must be PASID capable. */
	if (pasid != IFD_NO_PASID)
		flags |= UAPI_IOMMU_HWPT_ALLOC_PASID;
	h->pasid_compat = flags & UAPI_IOMMU_HWPT_ALLOC_PASID;
	rc = drv->ops->domain_alloc_paging(drv->iommu, idev->pdev, drv_flags(flags), data,
					   &h->domain, err);
	if (rc) {
		h->domain = NULL;
		goto abort;
	}
	h->domain->iommufd_hwpt = h;
	if (immediate_attach) {
		/* Linux attaches first for drivers that finish the domain at attach. */
		rc = ifd_hwpt_attach(h, idev, pasid, err);
		if (rc)
			goto abort;
	}
	rc = ifd_iopt_add_domain(&ioas->iopt, h->domain, err);
	if (rc) {
		if (immediate_attach)
			h->obj.users -= ifd_hwpt_detach(idev, pasid) == h;
		goto abort;
	}
	h->in_ioas = true;
	ioas_list_add(ioas, h);
	*out = h;
	return 0;
abort:
	ifd_obj_abort(obj);
	return rc;
}

/* After the driver's nested allocation (its result rc): link the domain back to the HWPT
 * and publish it, or abort the half-made object. */
static int nested_finish(ifd_obj_t *obj, ifd_hwpt_t *h, int rc, ifd_hwpt_t **out,
			 iommusim_error_t *err)
{
	if (rc) {
		h->domain = NULL;
		goto abort;
	}
	h->domain->iommufd_hwpt = h;
	if (h->domain->type != DRV_DOMAIN_NESTED) {
		rc = iommusim_error_set(err, -EINVAL, "driver returned a non-nested domain");
		goto abort;
	}
	*out = h;
	return 0;
abort:
	ifd_obj_abort(obj);
	return rc;
}

static int hwpt_nested_alloc(ifd_ctx_t *ctx, ifd_hwpt_t *parent, ifd_device_t *idev,
			     uint32_t flags, const drv_user_data_t *data, ifd_hwpt_t **out,
			     iommusim_error_t *err)
{
	drv_instance_t *drv = idev->drv;
	ifd_obj_t *obj;
	int rc;

	if ((flags & ~(UAPI_IOMMU_HWPT_FAULT_ID_VALID | UAPI_IOMMU_HWPT_ALLOC_PASID)) ||
	    !data->len || !drv->ops->domain_alloc_nested)
		return iommusim_error_set(err, -EOPNOTSUPP,
			"nested HWPT: flags 0x%x, data_len %u%s (only FAULT_ID_VALID and PASID "
			"flags, and type data, are allowed)", flags, data->len,
			drv->ops->domain_alloc_nested ? "" : ", driver has no nesting");
	if (parent->auto_domain || !parent->nest_parent ||
	    parent->domain->owner != drv->ops)
		return iommusim_error_set(err, -EINVAL,
			"nested HWPT: parent HWPT %u is not a NEST_PARENT paging HWPT of this "
			"driver (allocate it with IOMMU_HWPT_ALLOC_NEST_PARENT)", parent->obj.id);
	if ((rc = ifd_obj_alloc(ctx, sizeof(ifd_hwpt_t), IFD_OBJ_HWPT_NESTED, &obj, err)))
		return rc;
	ifd_hwpt_t *h = (ifd_hwpt_t *)obj;
	parent->obj.users++;
	h->parent = parent;
	h->pasid_compat = flags & UAPI_IOMMU_HWPT_ALLOC_PASID;
	rc = drv->ops->domain_alloc_nested(drv->iommu, idev->pdev, parent->domain,
					   drv_flags(flags), data, &h->domain, err);
	return nested_finish(obj, h, rc, out, err);
}

static int viommu_nested_alloc(ifd_ctx_t *ctx, ifd_viommu_t *v, uint32_t flags,
			       const drv_user_data_t *data, ifd_hwpt_t **out,
			       iommusim_error_t *err)
{
	ifd_obj_t *obj;
	int rc;

	if (flags & ~(UAPI_IOMMU_HWPT_FAULT_ID_VALID | UAPI_IOMMU_HWPT_ALLOC_PASID))
		return iommusim_error_set(err, -EOPNOTSUPP,
			"nested HWPT on a vIOMMU: flags 0x%x not allowed", flags);
	if (!data->len)
		return iommusim_error_set(err, -EOPNOTSUPP,
			"nested HWPT on a vIOMMU needs type data (data_len is 0)");
	if (!v->drv->ops->alloc_domain_nested)
		return iommusim_error_set(err, -EOPNOTSUPP,
			"this vIOMMU type cannot allocate nested domains");
	if ((rc = ifd_obj_alloc(ctx, sizeof(ifd_hwpt_t), IFD_OBJ_HWPT_NESTED, &obj, err)))
		return rc;
	ifd_hwpt_t *h = (ifd_hwpt_t *)obj;
	h->viommu = v;
	v->obj.users++;
	h->parent = v->hwpt;
	h->pasid_compat = flags & UAPI_IOMMU_HWPT_ALLOC_PASID;
	rc = v->drv->ops->alloc_domain_nested(v->drv, drv_flags(flags), data, &h->domain, err);
	return nested_finish(obj, h, rc, out, err);
}

int ifd_cmd_hwpt_alloc(ifd_ctx_t *ctx, struct uapi_iommu_hwpt_alloc *cmd, iommusim_error_t *err)
{
	drv_user_data_t data = {cmd->data_type, cmd->data_len, cmd->data_uptr, &ctx->sys->mm};
	ifd_obj_t *dobj, *pt;
	ifd_hwpt_t *h = NULL;
	int rc;

	if (cmd->reserved || cmd->reserved2)
		return iommusim_error_set(err, -EOPNOTSUPP, "IOMMU_HWPT_ALLOC: __reserved must be 0");
	if ((cmd->data_type == UAPI_IOMMU_HWPT_DATA_NONE && cmd->data_len) ||
	    (cmd->data_type != UAPI_IOMMU_HWPT_DATA_NONE && !cmd->data_len))
		return iommusim_error_set(err, -EINVAL,
			"IOMMU_HWPT_ALLOC: data_type %u with data_len %u (NONE needs 0, any other "
			"type needs its struct)", cmd->data_type, cmd->data_len);
	if (ifd_obj_get(ctx, cmd->dev_id, IFD_OBJ_DEVICE, &dobj))
		return iommusim_error_set(err, -ENOENT, "IOMMU_HWPT_ALLOC: no device with id %u",
					  cmd->dev_id);
	ifd_device_t *idev = (ifd_device_t *)dobj;
	/* An unknown parent is EINVAL here, not ENOENT. */
	if (ifd_obj_get(ctx, cmd->pt_id, IFD_OBJ_ANY, &pt))
		return iommusim_error_set(err, -EINVAL, "IOMMU_HWPT_ALLOC: pt_id %u is not an "
					  "object of this iommufd", cmd->pt_id);
	switch (pt->type) {
	case IFD_OBJ_IOAS:
		rc = ifd_hwpt_paging_alloc(ctx, (ifd_ioas_t *)pt, idev, IFD_NO_PASID, cmd->flags,
					   false, cmd->data_len ? &data : NULL, &h, err);
		break;
	case IFD_OBJ_HWPT_PAGING:
		rc = hwpt_nested_alloc(ctx, (ifd_hwpt_t *)pt, idev, cmd->flags, &data, &h, err);
		break;
	case IFD_OBJ_VIOMMU: {
		ifd_viommu_t *v = (ifd_viommu_t *)pt;
		if (v->inst != idev->drv) {
			rc = iommusim_error_set(err, -EINVAL,
				"IOMMU_HWPT_ALLOC: vIOMMU %u is on another IOMMU than device %u",
				cmd->pt_id, cmd->dev_id);
			break;
		}
		rc = viommu_nested_alloc(ctx, v, cmd->flags, &data, &h, err);
		break;
	}
	default:
		rc = iommusim_error_set(err, -EINVAL,
			"IOMMU_HWPT_ALLOC: pt_id %u is a %s (an IOAS, a paging HWPT or a vIOMMU "
			"is needed)", cmd->pt_id, ifd_obj_type_name(pt->type));
	}
	if (rc) {
		iommusim_error_prefix(err, "IOMMU_HWPT_ALLOC");
		return rc;
	}
	if (cmd->flags & UAPI_IOMMU_HWPT_FAULT_ID_VALID) {
		ifd_obj_t *fobj;
		if (ifd_obj_get(ctx, cmd->fault_id, IFD_OBJ_FAULT, &fobj)) {
			ifd_obj_abort(&h->obj);
			return iommusim_error_set(err, -ENOENT,
				"IOMMU_HWPT_ALLOC: no fault queue with id %u", cmd->fault_id);
		}
		h->fault = (ifd_fault_t *)fobj;
		fobj->users++;
	}
	cmd->out_hwpt_id = h->obj.id;
	ifd_obj_finalize(&h->obj);
	return 0;
}

/* ---- dirty tracking ------------------------------------------------------------------------- */

struct drv_dirty {
	ifd_ctx_t *ctx;
	uint64_t base, length, page_size, data;
	int rc;
};

void drv_dirty_record(drv_dirty_t *d, uint64_t iova, uint64_t length)
{
	if (!d || !d->data || !length || d->rc)
		return;   /* a clear-only walk, or an earlier failure */
	uint64_t last = iova + length - 1;
	if (last < d->base || iova > d->base + d->length - 1)
		return;
	if (iova < d->base)
		iova = d->base;
	if (last > d->base + d->length - 1)
		last = d->base + d->length - 1;
	uint64_t first_bit = (iova - d->base) / d->page_size;
	uint64_t last_bit = (last - d->base) / d->page_size;
	for (uint64_t b = first_bit; b <= last_bit;) {
		uint64_t word, at = d->data + (b / 64) * 8;
		if (ifd_copy_from_user(d->ctx, at, &word, 8)) {
			d->rc = -EFAULT;
			return;
		}
		for (; b <= last_bit && (b / 64) * 8 + d->data == at; b++)
			word |= 1ull << (b % 64);
		if (ifd_copy_to_user(d->ctx, at, &word, 8)) {
			d->rc = -EFAULT;
			return;
		}
	}
}

static int get_paging(ifd_ctx_t *ctx, uint32_t id, ifd_hwpt_t **out, const char *cmd,
		      iommusim_error_t *err)
{
	ifd_obj_t *obj;
	if (ifd_obj_get(ctx, id, IFD_OBJ_HWPT_PAGING, &obj))
		return iommusim_error_set(err, -ENOENT, "%s: no paging HWPT with id %u", cmd, id);
	*out = (ifd_hwpt_t *)obj;
	return 0;
}

/* Walks every area overlapping [iova, last] of the IOAS in IOVA order; the range must be
 * mapped without gaps (-EINVAL otherwise). */
static int dirty_walk(ifd_hwpt_t *h, uint64_t iova, uint64_t last, unsigned flags,
		      drv_dirty_t *dirty, iommusim_error_t *err)
{
	ifd_iopt_t *p = &h->ioas->iopt;
	uint64_t cur = iova;

	for (;;) {
		ifd_area_t *a = ifd_iopt_area_find(p, cur, cur);
		if (!a)
			return iommusim_error_set(err, -EINVAL,
				"IOVA 0x%llx in the range is not mapped", (unsigned long long)cur);
		uint64_t end = a->last < last ? a->last : last;
		int rc = h->domain->ops->read_and_clear_dirty(h->domain, cur, end - cur + 1,
							      flags, dirty, err);
		if (rc)
			return rc;
		if (dirty && dirty->rc)
			return iommusim_error_set(err, dirty->rc,
				"cannot write the dirty bitmap at user address 0x%llx",
				(unsigned long long)dirty->data);
		if (end == last)
			return 0;
		cur = end + 1;
	}
}

int ifd_cmd_set_dirty_tracking(ifd_ctx_t *ctx, struct uapi_iommu_hwpt_set_dirty_tracking *cmd, iommusim_error_t *err)
{
	ifd_hwpt_t *h = NULL;
	int rc;

	if (cmd->flags & ~UAPI_IOMMU_HWPT_DIRTY_TRACKING_ENABLE)
		return iommusim_error_set(err, -EOPNOTSUPP,
			"IOMMU_HWPT_SET_DIRTY_TRACKING: unknown flags 0x%x", cmd->flags);
	if ((rc = get_paging(ctx, cmd->hwpt_id, &h, "IOMMU_HWPT_SET_DIRTY_TRACKING", err)))
		return rc;
	drv_domain_t *d = h->domain;
	if (!d->ops->set_dirty_tracking || !d->ops->read_and_clear_dirty)
		return iommusim_error_set(err, -EOPNOTSUPP,
			"IOMMU_HWPT_SET_DIRTY_TRACKING: HWPT %u has no dirty tracking (allocate it "
			"with IOMMU_HWPT_ALLOC_DIRTY_TRACKING)", cmd->hwpt_id);
	bool enable = cmd->flags & UAPI_IOMMU_HWPT_DIRTY_TRACKING_ENABLE;
	if (enable) {
		/* Start clean: clear dirty bits left from before (iopt_clear_dirty_data). */
		ifd_iopt_t *p = &h->ioas->iopt;
		for (size_t i = 0; i < p->nareas; i++) {
			rc = d->ops->read_and_clear_dirty(d, p->areas[i]->iova,
				p->areas[i]->last - p->areas[i]->iova + 1, 0, NULL, err);
			if (rc)
				return rc;
		}
	}
	return d->ops->set_dirty_tracking(d, enable, err);
}

int ifd_cmd_get_dirty_bitmap(ifd_ctx_t *ctx, struct uapi_iommu_hwpt_get_dirty_bitmap *cmd, iommusim_error_t *err)
{
	ifd_hwpt_t *h = NULL;
	int rc;

	if ((cmd->flags & ~UAPI_IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR) || cmd->reserved)
		return iommusim_error_set(err, -EOPNOTSUPP,
			"IOMMU_HWPT_GET_DIRTY_BITMAP: unknown flags 0x%x or non-zero __reserved",
			cmd->flags);
	if ((rc = get_paging(ctx, cmd->hwpt_id, &h, "IOMMU_HWPT_GET_DIRTY_BITMAP", err)))
		return rc;
	if (!h->domain->ops->read_and_clear_dirty)
		return iommusim_error_set(err, -EOPNOTSUPP,
			"IOMMU_HWPT_GET_DIRTY_BITMAP: HWPT %u has no dirty tracking", cmd->hwpt_id);
	uint64_t align = h->ioas->iopt.iova_alignment;
	uint64_t last = cmd->iova + cmd->length - 1;
	if (last < cmd->iova || !cmd->length)
		return iommusim_error_set(err, -EOVERFLOW,
			"IOMMU_HWPT_GET_DIRTY_BITMAP: iova 0x%llx length 0x%llx wraps around",
			(unsigned long long)cmd->iova, (unsigned long long)cmd->length);
	if ((cmd->iova & (align - 1)) || ((last + 1) & (align - 1)))
		return iommusim_error_set(err, -EINVAL,
			"IOMMU_HWPT_GET_DIRTY_BITMAP: range not aligned to the IOAS page 0x%llx",
			(unsigned long long)align);
	if (!cmd->page_size || (cmd->page_size & (cmd->page_size - 1)))
		return iommusim_error_set(err, -EINVAL,
			"IOMMU_HWPT_GET_DIRTY_BITMAP: page_size 0x%llx must be a power of two",
			(unsigned long long)cmd->page_size);
	if ((cmd->iova & (cmd->page_size - 1)) || ((last + 1) & (cmd->page_size - 1)))
		return iommusim_error_set(err, -EINVAL,
			"IOMMU_HWPT_GET_DIRTY_BITMAP: range not aligned to page_size 0x%llx",
			(unsigned long long)cmd->page_size);
	drv_dirty_t dirty = {ctx, cmd->iova, cmd->length, cmd->page_size, cmd->data, 0};
	unsigned flags = cmd->flags & UAPI_IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR
			 ? DRV_DIRTY_NO_CLEAR : 0;
	rc = dirty_walk(h, cmd->iova, last, flags, &dirty, err);
	if (rc)
		iommusim_error_prefix(err, "IOMMU_HWPT_GET_DIRTY_BITMAP");
	return rc;
}

/* ---- user cache invalidation ----------------------------------------------------------------- */

int ifd_cmd_hwpt_invalidate(ifd_ctx_t *ctx, struct uapi_iommu_hwpt_invalidate *cmd, iommusim_error_t *err)
{
	drv_user_array_t a = {cmd->data_type, cmd->entry_len, cmd->entry_num, cmd->data_uptr,
			      &ctx->sys->mm};
	ifd_obj_t *obj;
	int rc;

	/* entry_num reports the entries handled, also on failure (0 when nothing ran). */
	uint32_t given = cmd->entry_num;
	cmd->entry_num = 0;
	if (cmd->reserved)
		return iommusim_error_set(err, -EOPNOTSUPP,
					  "IOMMU_HWPT_INVALIDATE: __reserved must be 0");
	if (given && (!cmd->data_uptr || !cmd->entry_len))
		return iommusim_error_set(err, -EINVAL,
			"IOMMU_HWPT_INVALIDATE: %u entries need data_uptr and entry_len", given);
	if (ifd_obj_get(ctx, cmd->hwpt_id, IFD_OBJ_ANY, &obj))
		return iommusim_error_set(err, -ENOENT,
			"IOMMU_HWPT_INVALIDATE: no object with id %u", cmd->hwpt_id);
	if (obj->type == IFD_OBJ_HWPT_NESTED) {
		drv_domain_t *d = ((ifd_hwpt_t *)obj)->domain;
		if (!d->ops->cache_invalidate_user)
			return iommusim_error_set(err, -EOPNOTSUPP,
				"IOMMU_HWPT_INVALIDATE: HWPT %u takes no user invalidation",
				cmd->hwpt_id);
		rc = d->ops->cache_invalidate_user(d, &a, err);
	} else if (obj->type == IFD_OBJ_VIOMMU) {
		drv_viommu_t *v = ((ifd_viommu_t *)obj)->drv;
		if (!v->ops->cache_invalidate)
			return iommusim_error_set(err, -EOPNOTSUPP,
				"IOMMU_HWPT_INVALIDATE: vIOMMU %u takes no invalidation",
				cmd->hwpt_id);
		rc = v->ops->cache_invalidate(v, &a, err);
	} else {
		return iommusim_error_set(err, -EINVAL,
			"IOMMU_HWPT_INVALIDATE: id %u is a %s (a nested HWPT or a vIOMMU is needed)",
			cmd->hwpt_id, ifd_obj_type_name(obj->type));
	}
	cmd->entry_num = a.entry_num > given ? given : a.entry_num;
	if (rc)
		iommusim_error_prefix(err, "IOMMU_HWPT_INVALIDATE (%u of %u entries done)",
				      cmd->entry_num, given);
	return rc;
}
