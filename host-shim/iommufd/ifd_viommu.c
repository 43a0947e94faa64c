/* SPDX-License-Identifier: MIT */
/*
 * vIOMMU, vDEVICE, vEVENTQ and HW_QUEUE objects (Linux viommu.c, eventq.c VEVENTQ part).
 * iommufd keeps the generic part (IDs, references, the virtual-ID table, event queues);
 * the driver does the hardware part or answers -EOPNOTSUPP (VT-d has no vIOMMU type).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/iommufd/ifd_internal.h"

void ifd_viommu_destroy(ifd_obj_t *obj)
{
	ifd_viommu_t *v = (ifd_viommu_t *)obj;
	if (v->drv)
		v->drv->ops->free(v->drv);
	if (v->hwpt)
		v->hwpt->obj.users--;
	free(v->vdevs);
	free(v->veventqs);
}

int ifd_cmd_viommu_alloc(ifd_ctx_t *ctx, struct uapi_iommu_viommu_alloc *cmd, iommusim_error_t *err)
{
	ifd_obj_t *dobj, *hobj, *obj;
	int rc;

	if (cmd->flags || cmd->type == UAPI_IOMMU_VIOMMU_TYPE_DEFAULT)
		return iommusim_error_set(err, -EOPNOTSUPP,
			"IOMMU_VIOMMU_ALLOC: flags 0x%x must be 0 and type %u must not be DEFAULT",
			cmd->flags, cmd->type);
	if (ifd_obj_get(ctx, cmd->dev_id, IFD_OBJ_DEVICE, &dobj))
		return iommusim_error_set(err, -ENOENT, "IOMMU_VIOMMU_ALLOC: no device with id %u",
					  cmd->dev_id);
	ifd_device_t *idev = (ifd_device_t *)dobj;
	if (!idev->drv->ops->viommu_alloc)
		return iommusim_error_set(err, -EOPNOTSUPP,
			"IOMMU_VIOMMU_ALLOC: the %s driver has no vIOMMU", idev->drv->ops->name);
	if (ifd_obj_get(ctx, cmd->hwpt_id, IFD_OBJ_HWPT_PAGING, &hobj))
		return iommusim_error_set(err, -ENOENT,
			"IOMMU_VIOMMU_ALLOC: no paging HWPT with id %u", cmd->hwpt_id);
	ifd_hwpt_t *parent = (ifd_hwpt_t *)hobj;
	if (!parent->nest_parent)
		return iommusim_error_set(err, -EINVAL,
			"IOMMU_VIOMMU_ALLOC: HWPT %u is not a NEST_PARENT", cmd->hwpt_id);
	if ((rc = ifd_obj_alloc(ctx, sizeof(ifd_viommu_t), IFD_OBJ_VIOMMU, &obj, err)))
		return rc;
	ifd_viommu_t *v = (ifd_viommu_t *)obj;
	drv_user_data_t data = {cmd->type, cmd->data_len, cmd->data_uptr, &ctx->sys->mm};
	rc = idev->drv->ops->viommu_alloc(idev->drv->iommu, idev->pdev, parent->domain,
					  cmd->type, &data, &v->drv, err);
	if (rc) {
		v->drv = NULL;
		ifd_obj_abort(obj);
		iommusim_error_prefix(err, "IOMMU_VIOMMU_ALLOC");
		return rc;
	}
	v->drv->iommufd_viommu = v;
	v->inst = idev->drv;
	v->hwpt = parent;
	parent->obj.users++;
	cmd->out_viommu_id = obj->id;
	ifd_obj_finalize(obj);
	return 0;
}

/* ---- vDEVICE ------------------------------------------------------------------------------ */

void ifd_vdevice_destroy(ifd_obj_t *obj)
{
	ifd_vdevice_t *vd = (ifd_vdevice_t *)obj;
	ifd_viommu_t *v = vd->viommu;

	if (v->drv->ops->vdevice_destroy)
		v->drv->ops->vdevice_destroy(v->drv, vd->idev->pdev, vd->virt_id);
	for (size_t i = 0; i < v->nvdevs; i++) {
		if (v->vdevs[i] == vd) {
			v->vdevs[i] = v->vdevs[--v->nvdevs];
			break;
		}
	}
	v->obj.users--;
	vd->idev->vdev = NULL;
	vd->idev->obj.users--;
}

int ifd_cmd_vdevice_alloc(ifd_ctx_t *ctx, struct uapi_iommu_vdevice_alloc *cmd, iommusim_error_t *err)
{
	ifd_obj_t *vobj, *dobj, *obj;
	int rc;

	if (ifd_obj_get(ctx, cmd->viommu_id, IFD_OBJ_VIOMMU, &vobj))
		return iommusim_error_set(err, -ENOENT, "IOMMU_VDEVICE_ALLOC: no vIOMMU with id %u",
					  cmd->viommu_id);
	if (ifd_obj_get(ctx, cmd->dev_id, IFD_OBJ_DEVICE, &dobj))
		return iommusim_error_set(err, -ENOENT, "IOMMU_VDEVICE_ALLOC: no device with id %u",
					  cmd->dev_id);
	ifd_viommu_t *v = (ifd_viommu_t *)vobj;
	ifd_device_t *idev = (ifd_device_t *)dobj;
	if (v->inst != idev->drv)
		return iommusim_error_set(err, -EINVAL,
			"IOMMU_VDEVICE_ALLOC: device %u is behind another IOMMU than vIOMMU %u",
			cmd->dev_id, cmd->viommu_id);
	if (idev->destroying)
		return iommusim_error_set(err, -ENOENT, "IOMMU_VDEVICE_ALLOC: device %u is going",
					  cmd->dev_id);
	if (idev->vdev)
		return iommusim_error_set(err, -EEXIST,
			"IOMMU_VDEVICE_ALLOC: device %u already has vDEVICE %u", cmd->dev_id,
			idev->vdev->obj.id);
	for (size_t i = 0; i < v->nvdevs; i++)
		if (v->vdevs[i]->virt_id == cmd->virt_id)
			return iommusim_error_set(err, -EEXIST,
				"IOMMU_VDEVICE_ALLOC: virtual ID 0x%llx is taken in vIOMMU %u",
				(unsigned long long)cmd->virt_id, cmd->viommu_id);
	if (v->nvdevs == v->capvdevs) {
		size_t nc = v->capvdevs ? v->capvdevs * 2 : 4;
		ifd_vdevice_t **nv = realloc(v->vdevs, nc * sizeof(*nv));
		if (!nv)
			return iommusim_error_set(err, -ENOMEM, "out of memory");
		v->vdevs = nv;
		v->capvdevs = nc;
	}
	if ((rc = ifd_obj_alloc(ctx, sizeof(ifd_vdevice_t), IFD_OBJ_VDEVICE, &obj, err)))
		return rc;
	ifd_vdevice_t *vd = (ifd_vdevice_t *)obj;
	if (v->drv->ops->vdevice_init &&
	    (rc = v->drv->ops->vdevice_init(v->drv, idev->pdev, cmd->virt_id, err))) {
		/* Nothing links it yet: drop the ID only. */
		ctx->slots[obj->id] = NULL;
		free(obj);
		iommusim_error_prefix(err, "IOMMU_VDEVICE_ALLOC");
		return rc;
	}
	vd->viommu = v;
	vd->idev = idev;
	vd->virt_id = cmd->virt_id;
	v->obj.users++;
	idev->obj.users++;
	idev->vdev = vd;
	v->vdevs[v->nvdevs++] = vd;
	cmd->out_vdevice_id = obj->id;
	ifd_obj_finalize(obj);
	return 0;
}

/* ---- vEVENTQ ------------------------------------------------------------------------------ */

static void veventq_unlink(ifd_veventq_t *q)
{
	ifd_viommu_t *v = q->viommu;
	for (size_t i = 0; i < v->nveventqs; i++) {
		if (v->veventqs[i] == q) {
			v->veventqs[i] = v->veventqs[--v->nveventqs];
			return;
		}
	}
}

void ifd_veventq_destroy(ifd_obj_t *obj)
{
	ifd_veventq_t *q = (ifd_veventq_t *)obj;
	while (q->head) {
		ifd_vevent_t *e = q->head;
		q->head = e->next;
		if (e != &q->lost) {
			free(e->data);
			free(e);
		}
	}
	veventq_unlink(q);
	q->viommu->obj.users--;
}

int ifd_cmd_veventq_alloc(ifd_ctx_t *ctx, struct uapi_iommu_veventq_alloc *cmd, iommusim_error_t *err)
{
	ifd_obj_t *vobj, *obj;
	int fd, rc;

	if (cmd->flags || cmd->reserved || cmd->type == UAPI_IOMMU_VEVENTQ_TYPE_DEFAULT)
		return iommusim_error_set(err, -EOPNOTSUPP,
			"IOMMU_VEVENTQ_ALLOC: flags/__reserved must be 0 and type %u not DEFAULT",
			cmd->type);
	if (!cmd->veventq_depth)
		return iommusim_error_set(err, -EINVAL, "IOMMU_VEVENTQ_ALLOC: veventq_depth is 0");
	if (ifd_obj_get(ctx, cmd->viommu_id, IFD_OBJ_VIOMMU, &vobj))
		return iommusim_error_set(err, -ENOENT, "IOMMU_VEVENTQ_ALLOC: no vIOMMU with id %u",
					  cmd->viommu_id);
	ifd_viommu_t *v = (ifd_viommu_t *)vobj;
	for (size_t i = 0; i < v->nveventqs; i++)
		if (v->veventqs[i]->type == cmd->type)
			return iommusim_error_set(err, -EEXIST,
				"IOMMU_VEVENTQ_ALLOC: vIOMMU %u already has a queue of type %u",
				cmd->viommu_id, cmd->type);
	ifd_veventq_t **nv = realloc(v->veventqs, (v->nveventqs + 1) * sizeof(*nv));
	if (!nv)
		return iommusim_error_set(err, -ENOMEM, "out of memory");
	v->veventqs = nv;
	if ((rc = ifd_obj_alloc(ctx, sizeof(ifd_veventq_t), IFD_OBJ_VEVENTQ, &obj, err)))
		return rc;
	ifd_veventq_t *q = (ifd_veventq_t *)obj;
	q->viommu = v;
	q->type = cmd->type;
	q->depth = cmd->veventq_depth;
	q->lost.flags = UAPI_IOMMU_VEVENTQ_FLAG_LOST_EVENTS;
	v->obj.users++;
	v->veventqs[v->nveventqs++] = q;
	ifd_file_t *file = ifd_file_new(IFD_FILE_VEVENTQ);
	if (!file) {
		ifd_obj_abort(obj);
		return iommusim_error_set(err, -ENOMEM, "out of memory");
	}
	file->u.veventq = q;
	if ((rc = ifd_fd_install(ctx->sys, file, &fd, err))) {
		free(file);
		ifd_obj_abort(obj);
		return rc;
	}
	q->file = file;
	obj->users++;
	ifd_ctx_get(ctx);
	cmd->out_veventq_id = obj->id;
	cmd->out_veventq_fd = (uint32_t)fd;
	ifd_obj_finalize(obj);
	return 0;
}

void ifd_veventq_file_release(ifd_veventq_t *q)
{
	ifd_ctx_t *ctx = q->obj.ctx;
	q->file = NULL;
	q->obj.users--;
	ifd_ctx_put(ctx);
}

static void veventq_append(ifd_veventq_t *q, ifd_vevent_t *e)
{
	e->next = NULL;
	if (q->tail)
		q->tail->next = e;
	else
		q->head = e;
	q->tail = e;
}

int ifd_veventq_report(void *ctx, drv_viommu_t *dv, uint32_t type, const void *data, size_t len)
{
	(void)ctx;
	ifd_viommu_t *v = dv ? dv->iommufd_viommu : NULL;
	ifd_veventq_t *q = NULL;

	for (size_t i = 0; v && i < v->nveventqs; i++)
		if (v->veventqs[i]->type == type)
			q = v->veventqs[i];
	if (!q)
		return -EOPNOTSUPP;
	uint32_t seq = q->sequence;
	q->sequence = (q->sequence + 1) & 0x7fffffffu;
	if (q->num >= q->depth) {
		/* Overflow: one payload-less LOST_EVENTS header marks the gap. */
		q->lost.sequence = seq;
		if (!q->lost_queued) {
			q->lost_queued = true;
			veventq_append(q, &q->lost);
		}
		return 0;
	}
	ifd_vevent_t *e = calloc(1, sizeof(*e));
	if (e && len)
		e->data = malloc(len);
	if (!e || (len && !e->data)) {
		free(e);
		return -ENOMEM;
	}
	memcpy(e->data, data, len);
	e->len = len;
	e->sequence = seq;
	q->num++;
	veventq_append(q, e);
	return 0;
}

int ifd_veventq_read(ifd_veventq_t *q, void *buf, size_t len, size_t *done,
		     iommusim_error_t *err)
{
	uint8_t *out = buf;
	size_t n = 0;
	(void)err;

	while (q->head) {
		ifd_vevent_t *e = q->head;
		size_t need = sizeof(struct uapi_iommufd_vevent_header) + e->len;
		if (need > len - n)
			break;
		struct uapi_iommufd_vevent_header h = {e->flags, e->sequence};
		memcpy(out + n, &h, sizeof(h));
		if (e->len)
			memcpy(out + n + sizeof(h), e->data, e->len);
		n += need;
		q->head = e->next;
		if (!q->head)
			q->tail = NULL;
		if (e == &q->lost) {
			q->lost_queued = false;
		} else {
			q->num--;
			free(e->data);
			free(e);
		}
	}
	*done = n;
	return 0;
}

/* ---- HW queue --------------------------------------------------------------------------------- */

void ifd_hw_queue_destroy(ifd_obj_t *obj)
{
	ifd_hw_queue_t *hq = (ifd_hw_queue_t *)obj;
	ifd_viommu_t *v = hq->viommu;
	if (v->drv->ops->hw_queue_destroy)
		v->drv->ops->hw_queue_destroy(v->drv, hq->type, hq->index);
	v->obj.users--;
}

int ifd_cmd_hw_queue_alloc(ifd_ctx_t *ctx, struct uapi_iommu_hw_queue_alloc *cmd, iommusim_error_t *err)
{
	ifd_obj_t *vobj, *obj;
	int rc;

	if (cmd->flags || cmd->type == UAPI_IOMMU_HW_QUEUE_TYPE_DEFAULT)
		return iommusim_error_set(err, -EOPNOTSUPP,
			"IOMMU_HW_QUEUE_ALLOC: flags must be 0 and type %u not DEFAULT", cmd->type);
	if (!cmd->length)
		return iommusim_error_set(err, -EINVAL, "IOMMU_HW_QUEUE_ALLOC: length is 0");
	if (cmd->nesting_parent_iova + cmd->length - 1 < cmd->nesting_parent_iova)
		return iommusim_error_set(err, -EOVERFLOW,
					  "IOMMU_HW_QUEUE_ALLOC: iova + length wraps around");
	if (ifd_obj_get(ctx, cmd->viommu_id, IFD_OBJ_VIOMMU, &vobj))
		return iommusim_error_set(err, -ENOENT, "IOMMU_HW_QUEUE_ALLOC: no vIOMMU with id %u",
					  cmd->viommu_id);
	ifd_viommu_t *v = (ifd_viommu_t *)vobj;
	if (!v->drv->ops->hw_queue_init)
		return iommusim_error_set(err, -EOPNOTSUPP,
			"IOMMU_HW_QUEUE_ALLOC: this vIOMMU has no HW queues");
	/* The queue memory must be mapped in the parent's IOAS and physically contiguous. */
	ifd_iopt_t *p = &v->hwpt->ioas->iopt;
	uint64_t pa0, pa;
	if (ifd_iopt_iova_to_pa(p, cmd->nesting_parent_iova, &pa0))
		return iommusim_error_set(err, -ENOENT,
			"IOMMU_HW_QUEUE_ALLOC: nesting_parent_iova 0x%llx is not mapped",
			(unsigned long long)cmd->nesting_parent_iova);
	for (uint64_t off = IFD_PAGE_SIZE - (cmd->nesting_parent_iova & (IFD_PAGE_SIZE - 1));
	     off < cmd->length; off += IFD_PAGE_SIZE) {
		if (ifd_iopt_iova_to_pa(p, cmd->nesting_parent_iova + off, &pa))
			return iommusim_error_set(err, -ENOENT,
				"IOMMU_HW_QUEUE_ALLOC: IOVA 0x%llx of the queue is not mapped",
				(unsigned long long)(cmd->nesting_parent_iova + off));
		if (pa != pa0 + off)
			return iommusim_error_set(err, -EFAULT,
				"IOMMU_HW_QUEUE_ALLOC: the queue memory is not physically contiguous");
	}
	if ((rc = ifd_obj_alloc(ctx, sizeof(ifd_hw_queue_t), IFD_OBJ_HW_QUEUE, &obj, err)))
		return rc;
	rc = v->drv->ops->hw_queue_init(v->drv, cmd->type, cmd->index, cmd->nesting_parent_iova,
					pa0, cmd->length, err);
	if (rc) {
		ctx->slots[obj->id] = NULL;
		free(obj);
		iommusim_error_prefix(err, "IOMMU_HW_QUEUE_ALLOC");
		return rc;
	}
	ifd_hw_queue_t *hq = (ifd_hw_queue_t *)obj;
	hq->viommu = v;
	hq->type = cmd->type;
	hq->index = cmd->index;
	hq->iova = cmd->nesting_parent_iova;
	hq->length = cmd->length;
	v->obj.users++;
	cmd->out_hw_queue_id = obj->id;
	ifd_obj_finalize(obj);
	return 0;
}
