/* SPDX-License-Identifier: MIT */
/*
 * I/O page fault delivery (Linux io-pgfault.c and iommufd eventq.c, FAULT part).
 *
 * A driver reports each page request it takes from its hardware queue. Requests of one
 * page request group collect until the one marked LAST_PAGE arrives; the group then goes
 * to the fault queue of the HWPT attached to (device, PASID). Reading the fault fd hands out
 * whole groups as iommu_hwpt_pgfault records and gives each group a cookie; writing an
 * iommu_hwpt_page_response with that cookie answers the group through the driver. A group
 * nobody can take is answered INVALID at once; groups still pending when their attachment
 * goes away (detach, replace, queue destroyed) are answered INVALID too.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/iommufd/ifd_internal.h"

#define REC_SIZE  sizeof(struct uapi_iommu_hwpt_pgfault)
#define RESP_SIZE sizeof(struct uapi_iommu_hwpt_page_response)

static void respond(ifd_sys_t *s, pci_dev_t *pdev, const drv_page_fault_t *last,
		    uint32_t code)
{
	drv_instance_t *drv = ifd_dev_drv(s, pdev);
	drv_page_response_t r = {
		.pasid_valid = last->flags & DRV_PF_PASID_VALID,
		.pasid = last->pasid,
		.grpid = last->grpid,
		.code = code,
		.priv_data_valid = last->flags & DRV_PF_PRIV_DATA,
		.private_data = {last->private_data[0], last->private_data[1]},
	};
	if (drv && drv->ops->page_response)
		drv->ops->page_response(drv->iommu, pdev, &r, NULL);
}

static void group_free(ifd_iopf_group_t *g)
{
	free(g->faults);
	free(g);
}

static void group_respond(ifd_sys_t *s, ifd_iopf_group_t *g, uint32_t code)
{
	respond(s, g->pdev, &g->faults[g->nfaults - 1], code);
	group_free(g);
}

void ifd_fault_destroy(ifd_obj_t *obj)
{
	ifd_fault_t *f = (ifd_fault_t *)obj;
	ifd_sys_t *s = obj->ctx->sys;

	while (f->deliver) {
		ifd_iopf_group_t *g = f->deliver;
		f->deliver = g->next;
		group_respond(s, g, DRV_PAGE_RESP_INVALID);
	}
	while (f->response) {
		ifd_iopf_group_t *g = f->response;
		f->response = g->next;
		group_respond(s, g, DRV_PAGE_RESP_INVALID);
	}
}

static void respond_matching(ifd_sys_t *s, ifd_iopf_group_t **list, ifd_device_t *idev,
			     ifd_hwpt_t *hwpt, uint32_t pasid)
{
	for (ifd_iopf_group_t **pp = list; *pp;) {
		ifd_iopf_group_t *g = *pp;
		if (g->hwpt == hwpt && g->pasid == pasid && g->idev->igroup == idev->igroup) {
			*pp = g->next;
			group_respond(s, g, DRV_PAGE_RESP_INVALID);
			continue;
		}
		pp = &g->next;
	}
}

void ifd_fault_auto_respond(ifd_fault_t *f, ifd_device_t *idev, ifd_hwpt_t *hwpt,
			    uint32_t pasid)
{
	ifd_sys_t *s = f->obj.ctx->sys;
	respond_matching(s, &f->deliver, idev, hwpt, pasid);
	respond_matching(s, &f->response, idev, hwpt, pasid);
}

int ifd_cmd_fault_alloc(ifd_ctx_t *ctx, struct uapi_iommu_fault_alloc *cmd, iommusim_error_t *err)
{
	ifd_obj_t *obj;
	int fd, rc;

	if (cmd->flags)
		return iommusim_error_set(err, -EOPNOTSUPP,
					  "IOMMU_FAULT_QUEUE_ALLOC: flags 0x%x must be 0", cmd->flags);
	if ((rc = ifd_obj_alloc(ctx, sizeof(ifd_fault_t), IFD_OBJ_FAULT, &obj, err)))
		return rc;
	ifd_fault_t *f = (ifd_fault_t *)obj;
	ifd_file_t *file = ifd_file_new(IFD_FILE_FAULT);
	if (!file) {
		ifd_obj_abort(obj);
		return iommusim_error_set(err, -ENOMEM, "out of memory");
	}
	file->u.fault = f;
	if ((rc = ifd_fd_install(ctx->sys, file, &fd, err))) {
		free(file);
		ifd_obj_abort(obj);
		return rc;
	}
	/* The file holds the object and the context until it is closed. */
	f->file = file;
	obj->users++;
	ifd_ctx_get(ctx);
	cmd->out_fault_id = obj->id;
	cmd->out_fault_fd = (uint32_t)fd;
	ifd_obj_finalize(obj);
	return 0;
}

void ifd_fault_file_release(ifd_fault_t *f)
{
	ifd_ctx_t *ctx = f->obj.ctx;
	f->file = NULL;
	f->obj.users--;
	ifd_ctx_put(ctx);
}

/* ---- from the driver ------------------------------------------------------------------------ */

static ifd_hwpt_t *handler_for(ifd_device_t *idev, const drv_page_fault_t *pf, uint32_t *pasid)
{
	ifd_hwpt_t *h;

	if (pf->flags & DRV_PF_PASID_VALID) {
		h = ifd_device_attached_hwpt(idev, pf->pasid);
		*pasid = pf->pasid;
		if (!h) {
			/* A user-managed PASID table (VT-d/SMMU nesting): faults of any PASID go
			 * to the nested domain on the RID. */
			h = ifd_device_attached_hwpt(idev, IFD_NO_PASID);
			*pasid = IFD_NO_PASID;
			if (!h || h->obj.type != IFD_OBJ_HWPT_NESTED)
				return NULL;
		}
	} else {
		h = ifd_device_attached_hwpt(idev, IFD_NO_PASID);
		*pasid = IFD_NO_PASID;
	}
	return h && h->fault ? h : NULL;
}

void ifd_fault_report(ifd_sys_t *s, drv_iommu_t *iommu, const pci_dev_t *dev,
		      const drv_page_fault_t *pf)
{
	(void)iommu;
	pci_dev_t *pdev = (pci_dev_t *)dev;
	ifd_vfio_dev_t *vd = ifd_vfio_dev_of(s, pdev);
	ifd_hwpt_t *h = NULL;
	uint32_t pasid = IFD_NO_PASID;

	if (vd && vd->idev)
		h = handler_for(vd->idev, pf, &pasid);
	if (!h) {
		/* Nobody handles faults here: answer at once (a request that is not the last of
		 * its group needs no answer). */
		if (pf->flags & DRV_PF_LAST_PAGE)
			respond(s, pdev, pf, DRV_PAGE_RESP_INVALID);
		return;
	}
	if (!(pf->flags & DRV_PF_LAST_PAGE)) {
		drv_page_fault_t *v = realloc(vd->partial, (vd->npartial + 1) * sizeof(*v));
		if (!v)
			return;   /* dropped, as Linux drops a partial fault it cannot store */
		vd->partial = v;
		vd->partial[vd->npartial++] = *pf;
		return;
	}
	ifd_iopf_group_t *g = calloc(1, sizeof(*g));
	size_t n = 1;
	for (size_t i = 0; i < vd->npartial; i++)
		n += vd->partial[i].grpid == pf->grpid;
	if (g)
		g->faults = calloc(n, sizeof(*g->faults));
	if (!g || !g->faults) {
		free(g);
		respond(s, pdev, pf, DRV_PAGE_RESP_FAILURE);
		return;
	}
	/* The group's earlier requests, then the last one. */
	for (size_t i = 0; i < vd->npartial;) {
		if (vd->partial[i].grpid == pf->grpid) {
			g->faults[g->nfaults++] = vd->partial[i];
			memmove(&vd->partial[i], &vd->partial[i + 1],
				(vd->npartial - i - 1) * sizeof(*vd->partial));
			vd->npartial--;
			continue;
		}
		i++;
	}
	g->faults[g->nfaults++] = *pf;
	g->idev = vd->idev;
	g->pdev = pdev;
	g->hwpt = h;
	g->pasid = pasid;
	ifd_iopf_group_t **pp = &h->fault->deliver;
	while (*pp)
		pp = &(*pp)->next;
	*pp = g;
}

/* ---- the fault fd ---------------------------------------------------------------------------- */

static uint32_t lowest_cookie(const ifd_fault_t *f)
{
	uint32_t c = 1;
	for (bool again = true; again;) {
		again = false;
		for (const ifd_iopf_group_t *g = f->response; g; g = g->next) {
			if (g->cookie == c) {
				c++;
				again = true;
			}
		}
	}
	return c;
}

int ifd_fault_read(ifd_fault_t *f, void *buf, size_t len, size_t *done, iommusim_error_t *err)
{
	uint8_t *out = buf;
	size_t n = 0;

	*done = 0;
	if (len % REC_SIZE)
		return iommusim_error_set(err, -ESPIPE,
			"fault fd read: %zu bytes is not a multiple of the %zu-byte record", len,
			REC_SIZE);
	while (f->deliver) {
		ifd_iopf_group_t *g = f->deliver;
		if (g->nfaults * REC_SIZE > len - n)
			break;   /* whole groups only */
		f->deliver = g->next;
		g->cookie = lowest_cookie(f);
		g->next = f->response;
		f->response = g;
		for (size_t i = 0; i < g->nfaults; i++) {
			const drv_page_fault_t *pf = &g->faults[i];
			struct uapi_iommu_hwpt_pgfault r = {
				.flags = pf->flags & (DRV_PF_PASID_VALID | DRV_PF_LAST_PAGE),
				.dev_id = g->idev->obj.id,
				.pasid = pf->pasid,
				.grpid = pf->grpid,
				.perm = pf->perm,
				.addr = pf->addr,
				.length = 0,
				.cookie = g->cookie,
			};
			memcpy(out + n, &r, REC_SIZE);
			n += REC_SIZE;
		}
	}
	*done = n;
	return 0;
}

int ifd_fault_write(ifd_fault_t *f, const void *buf, size_t len, size_t *done,
		    iommusim_error_t *err)
{
	const uint8_t *in = buf;
	ifd_sys_t *s = f->obj.ctx->sys;
	size_t n = 0;
	int rc = 0;

	*done = 0;
	if (len % RESP_SIZE)
		return iommusim_error_set(err, -ESPIPE,
			"fault fd write: %zu bytes is not a multiple of the %zu-byte response", len,
			RESP_SIZE);
	while (n < len) {
		struct uapi_iommu_hwpt_page_response r;
		memcpy(&r, in + n, RESP_SIZE);
		if (r.code != UAPI_IOMMUFD_PAGE_RESP_SUCCESS &&
		    r.code != UAPI_IOMMUFD_PAGE_RESP_INVALID) {
			rc = iommusim_error_set(err, -EINVAL,
				"fault fd write: response %zu has code %u (0 SUCCESS or 1 INVALID)",
				n / RESP_SIZE, r.code);
			break;
		}
		ifd_iopf_group_t **pp = &f->response;
		while (*pp && (*pp)->cookie != r.cookie)
			pp = &(*pp)->next;
		if (!*pp) {
			rc = iommusim_error_set(err, -EINVAL,
				"fault fd write: no fault group with cookie %u waits for a response",
				r.cookie);
			break;
		}
		ifd_iopf_group_t *g = *pp;
		*pp = g->next;
		group_respond(s, g, r.code == UAPI_IOMMUFD_PAGE_RESP_SUCCESS
				    ? DRV_PAGE_RESP_SUCCESS : DRV_PAGE_RESP_INVALID);
		n += RESP_SIZE;
	}
	*done = n;
	/* Like write(2): bytes done win over an error seen after them. */
	return n ? 0 : rc;
}
