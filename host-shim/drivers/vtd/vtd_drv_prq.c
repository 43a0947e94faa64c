/* SPDX-License-Identifier: MIT */
/*
 * The page request queue (spec 7.5) as intel-iommu drives it (prq.c: intel_iommu_enable_prq,
 * prq_event_thread, handle_bad_prq_event, intel_iommu_page_response).
 *
 * The handler clears PRS.PPR, reads PQT and PQH, and decodes each 32-byte page request
 * descriptor between them. Requests Linux refuses are answered Invalid Request by the
 * driver itself when they end a group (non-canonical address, privileged mode with read or
 * write, execute with read, an unknown requester ID); stop markers (last in group without
 * read or write) are dropped; the rest go to env->report_fault. PQH is then moved to the
 * tail, and an overflow (PRS.PRO) is cleared once the queue is empty.
 *
 * A response becomes a page group response descriptor (type 0x9) for the group: response
 * code 0 Success, 1 Invalid Request, 0xF Response Failure (the PCIe values; Linux writes the
 * iommufd code, 2, for a failure), LPIG set since a group is answered once its last request
 * is in, and the private data when the request carried some.
 *
 * The queue is one 4 KiB page (PQA.PQS = 0: 128 requests); Linux uses 16 pages.
 */
#include <errno.h>

#include "host-shim/drivers/vtd/vtd_drv_priv.h"

/* Page request event MSI; the system only logs it. */
#define PRQ_MSI_ADDR 0xfee00000u
#define PRQ_MSI_DATA 0x00000041u

/* x86-64 4-level canonical addresses (__VIRTUAL_MASK_SHIFT = 47) */
static bool canonical(uint64_t a)
{
	uint64_t top = a >> 47;

	return top == 0 || top == (UINT64_MAX >> 47);
}

int vdrv_prq_init(struct vdrv_iommu *v, iommusim_error_t *err)
{
	int rc = vdrv_frame_alloc(v, &v->prq_base, err);

	if (rc)
		return rc;
	v->prq_entries = (unsigned)(VTD_PAGE_SIZE / VTD_PRD_SIZE);
	if (vdrv_wr64(v, VTD_PRQ_REG_PQH, 0) || vdrv_wr64(v, VTD_PRQ_REG_PQT, 0) ||
	    vdrv_wr64(v, VTD_PRQ_REG_PQA, v->prq_base) ||
	    vdrv_wr32(v, VTD_PRQ_REG_PEDATA, PRQ_MSI_DATA) ||
	    vdrv_wr32(v, VTD_PRQ_REG_PEADDR, PRQ_MSI_ADDR) ||
	    vdrv_wr32(v, VTD_PRQ_REG_PEUADDR, 0) || vdrv_wr32(v, VTD_PRQ_REG_PECTL, 0))
		return iommusim_error_set(err, -EIO, "vtd driver %s: page request queue registers "
					  "refused the write", v->name);
	v->prq_on = true;
	return 0;
}

void vdrv_prq_fini(struct vdrv_iommu *v)
{
	if (v->prq_on) {
		/* intel_iommu_finish_prq */
		(void)vdrv_wr64(v, VTD_PRQ_REG_PQH, 0);
		(void)vdrv_wr64(v, VTD_PRQ_REG_PQT, 0);
		(void)vdrv_wr64(v, VTD_PRQ_REG_PQA, 0);
		v->prq_on = false;
	}
	vdrv_frame_free(v, v->prq_base);
	v->prq_base = 0;
}

static void respond_invalid(struct vdrv_iommu *v, uint16_t rid, bool pp, uint32_t pasid,
			    uint32_t prgi, bool lpig)
{
	uint64_t d[4];

	(*v->st.prq_bad)++;
	if (!lpig)
		return;
	vdrv_desc_pgrp(d, rid, pp, pasid, prgi, IOMMUSIM_PRG_INVALID, true);
	if (!vdrv_inv_one(v, d, NULL))
		(*v->st.prq_responses)++;
}

static void handle_one(struct vdrv_iommu *v, const uint64_t q[4])
{
	uint16_t rid = (uint16_t)((q[0] & VTD_PRD_RID_MASK) >> VTD_PRD_RID_SHIFT);
	bool pp = (q[0] & VTD_PRD_PP) != 0, pdp = (q[0] & VTD_PRD_PDP) != 0;
	bool exe = (q[0] & VTD_PRD_EXE) != 0, priv = (q[0] & VTD_PRD_PRIV) != 0;
	bool rd = (q[1] & VTD_PRD_RD) != 0, wr = (q[1] & VTD_PRD_WR) != 0;
	bool lpig = (q[1] & VTD_PRD_LPIG) != 0;
	uint32_t pasid = (uint32_t)((q[0] & VTD_PRD_PASID_MASK) >> VTD_PRD_PASID_SHIFT);
	uint32_t prgi = (uint32_t)((q[1] & VTD_PRD_PRGI_MASK) >> VTD_PRD_PRGI_SHIFT);
	uint64_t addr = q[1] & VTD_PRD_ADDR_MASK;
	struct vdrv_dev *d;
	drv_page_fault_t f = { 0 };

	(*v->st.prq_requests)++;
	if (!canonical(addr) || (priv && (rd || wr)) || (exe && rd)) {
		respond_invalid(v, rid, pp, pasid, prgi, lpig);
		return;
	}
	if (lpig && !rd && !wr)
		return;   /* stop marker: no response */
	d = vdrv_dev_find_rid(v, rid);
	if (!d) {
		respond_invalid(v, rid, pp, pasid, prgi, lpig);
		return;
	}
	f.flags = (pp ? DRV_PF_PASID_VALID : 0) | (lpig ? DRV_PF_LAST_PAGE : 0) |
		  (pdp ? DRV_PF_PRIV_DATA : 0);
	f.pasid = pp ? pasid : 0;
	f.grpid = prgi;
	f.perm = (rd ? DRV_PF_PERM_READ : 0) | (wr ? DRV_PF_PERM_WRITE : 0) |
		 (exe ? DRV_PF_PERM_EXEC : 0) | (priv ? DRV_PF_PERM_PRIV : 0);
	f.addr = addr;
	if (pdp) {
		f.private_data[0] = q[2];
		f.private_data[1] = q[3];
	}
	if (v->env.report_fault)
		v->env.report_fault(v->env.ctx, vtd_drv_iommu(v), d->pdev, &f);
}

int vdrv_prq_poll(struct vdrv_iommu *v)
{
	uint64_t pqh = 0, pqt = 0, raw = 0, mask = VTD_PRQ_PQHT_MASK, size;
	uint32_t prs;
	int n = 0;

	if (!v->prq_on)
		return 0;
	size = (uint64_t)v->prq_entries * VTD_PRD_SIZE;
	/* look without cost: the handler runs only when the hardware raised the event */
	(void)v->hw->ops->mmio_read(v->hw->impl, VTD_PRQ_REG_PRS, 4, &raw, v->t);
	prs = (uint32_t)raw;
	(void)v->hw->ops->mmio_read(v->hw->impl, VTD_PRQ_REG_PQH, 8, &pqh, v->t);
	(void)v->hw->ops->mmio_read(v->hw->impl, VTD_PRQ_REG_PQT, 8, &pqt, v->t);
	if ((pqh & mask) == (pqt & mask) && !(prs & (VTD_PRQ_PRS_PPR | VTD_PRQ_PRS_PRO)))
		return 0;

	/* prq_event_thread: clear PPR before reading head and tail */
	(void)vdrv_wr32(v, VTD_PRQ_REG_PRS, VTD_PRQ_PRS_PPR);
	(void)vdrv_rd64(v, VTD_PRQ_REG_PQT, &pqt);
	(void)vdrv_rd64(v, VTD_PRQ_REG_PQH, &pqh);
	pqt &= mask;
	pqh &= mask;
	for (uint64_t head = pqh; head != pqt; head = (head + VTD_PRD_SIZE) % size) {
		uint64_t q[4] = { 0 };

		if (head >= size)
			break;
		(void)iommusim_mem_read(v->mem, v->prq_base + head, q, sizeof(q));
		vdrv_cpu(v, v->cfg.cost_desc);
		handle_one(v, q);
		n++;
	}
	(void)vdrv_wr64(v, VTD_PRQ_REG_PQH, pqt);
	(void)vdrv_rd32(v, VTD_PRQ_REG_PRS, &prs);
	if (prs & VTD_PRQ_PRS_PRO) {
		(void)vdrv_rd64(v, VTD_PRQ_REG_PQH, &pqh);
		(void)vdrv_rd64(v, VTD_PRQ_REG_PQT, &pqt);
		if ((pqh & mask) == (pqt & mask))
			(void)vdrv_wr32(v, VTD_PRQ_REG_PRS, VTD_PRQ_PRS_PRO);
	}
	return n;
}

int vdrv_page_response(drv_iommu_t *iommu, const pci_dev_t *pdev,
		      const drv_page_response_t *resp, iommusim_error_t *err)
{
	struct vdrv_iommu *v = vdrv_of(iommu);
	struct vdrv_dev *d;
	uint64_t q[4];
	unsigned code;
	int rc;

	if (!resp)
		return iommusim_error_set(err, -EINVAL, "vtd driver: no response");
	switch (resp->code) {
	case DRV_PAGE_RESP_SUCCESS: code = IOMMUSIM_PRG_SUCCESS; break;
	case DRV_PAGE_RESP_INVALID: code = IOMMUSIM_PRG_INVALID; break;
	case DRV_PAGE_RESP_FAILURE: code = IOMMUSIM_PRG_FAILURE; break;
	default:
		return iommusim_error_set(err, -EINVAL, "vtd driver: page response code %u "
					  "(0 success, 1 invalid, 2 failure)", resp->code);
	}
	if (!v->prq_on)
		return iommusim_error_set(err, -EOPNOTSUPP, "vtd driver %s: page requests are not "
					  "enabled (scalable mode with ECAP.PRS)", v->name);
	vdrv_begin(v);
	d = vdrv_dev_find(v, pdev);
	if (!d) {
		vdrv_end(v);
		return iommusim_error_set(err, -ENODEV, "vtd driver %s: %s is not behind this "
					  "IOMMU", v->name, pdev ? pdev->name : "(null)");
	}
	vdrv_desc_pgrp(q, d->rid, resp->pasid_valid, resp->pasid, resp->grpid & 0x1ff, code, true);
	if (resp->priv_data_valid && v->dw) {
		q[0] |= VTD_QI_PGRP_PDP;
		q[2] = resp->private_data[0];
		q[3] = resp->private_data[1];
	}
	rc = vdrv_inv_one(v, q, err);
	if (!rc)
		(*v->st.prq_responses)++;
	vdrv_end(v);
	return rc;
}
