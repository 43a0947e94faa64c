/* SPDX-License-Identifier: MIT */
/*
 * Fault recording registers (spec 7.2, 10.4.9, 10.4.14) as intel-iommu's fault handler
 * drains them (dmar.c: dmar_fault): starting at FSTS.FRI, read the high half of each record
 * while its F bit is set, decode source ID, fault reason, request type, PASID and address,
 * clear F (write-1-to-clear), move to the next record (wrapping at CAP.NFR), then clear
 * FSTS (PFO, and PRO). Each record becomes an entry of the driver's fault log; VT-d has no
 * vIOMMU event queue to forward them to.
 */
#include <errno.h>
#include <string.h>

#include "host-shim/drivers/vtd/vtd_drv_priv.h"
#include "iommusim/vtd.h"

int vdrv_fault_init(struct vdrv_iommu *v, iommusim_error_t *err)
{
	(void)err;
	v->fault_head = 0;
	v->nfaults = 0;
	v->faults_dropped = 0;
	return 0;
}

void vdrv_fault_fini(struct vdrv_iommu *v)
{
	v->nfaults = 0;
}

static void log_fault(struct vdrv_iommu *v, const vtd_drv_fault_t *f)
{
	if (v->nfaults == VTD_DRV_FAULT_LOG_MAX) {
		v->fault_head = (v->fault_head + 1) % VTD_DRV_FAULT_LOG_MAX;
		v->nfaults--;
		v->faults_dropped++;
	}
	v->faults[(v->fault_head + v->nfaults) % VTD_DRV_FAULT_LOG_MAX] = *f;
	v->nfaults++;
}

int vdrv_fault_poll(struct vdrv_iommu *v)
{
	uint64_t raw = 0;
	uint32_t fsts;
	unsigned idx;
	int n = 0;

	/* look without cost: the handler runs only when the fault event was raised */
	(void)v->hw->ops->mmio_read(v->hw->impl, VTD_REG_FSTS, 4, &raw, v->t);
	if (!(raw & (VTD_FSTS_PPF | VTD_FSTS_PFO)))
		return 0;
	if (vdrv_rd32(v, VTD_REG_FSTS, &fsts))
		return -EIO;
	if (fsts & VTD_FSTS_PPF) {
		idx = (fsts & VTD_FSTS_FRI_MASK) >> VTD_FSTS_FRI_SHIFT;
		if (idx >= v->nfr)
			idx = 0;
		for (unsigned k = 0; k < v->nfr; k++) {
			uint64_t off = VTD_REG_FRCD(v->fro, idx), lo = 0, hi = 0;
			vtd_drv_fault_t f;

			if (vdrv_rd64(v, off + 8, &hi) || !(hi & VTD_FRCD_HI_F))
				break;
			(void)vdrv_rd64(v, off, &lo);
			memset(&f, 0, sizeof(f));
			f.time = v->t;
			f.sid = (uint16_t)(hi & VTD_FRCD_HI_SID_MASK);
			f.reason = (uint8_t)((hi & VTD_FRCD_HI_FR_MASK) >> VTD_FRCD_HI_FR_SHIFT);
			f.pasid_valid = (hi & VTD_FRCD_HI_PP) != 0;
			f.pasid = f.pasid_valid ? (uint32_t)((hi & VTD_FRCD_HI_PV_MASK) >>
							     VTD_FRCD_HI_PV_SHIFT)
						: 0;
			f.write = !(hi & VTD_FRCD_HI_T1);
			f.exec = (hi & VTD_FRCD_HI_EXE) != 0;
			f.priv = (hi & VTD_FRCD_HI_PRIV) != 0;
			f.at = (unsigned)((hi & VTD_FRCD_HI_AT_MASK) >> VTD_FRCD_HI_AT_SHIFT);
			f.addr = lo & VTD_FRCD_LO_FI_MASK;
			f.reason_name = iommusim_vtd_fault_reason_name(f.reason);
			/* clear F: bit 31 of the record's last dword */
			(void)vdrv_wr32(v, off + 12, (uint32_t)(VTD_FRCD_HI_F >> 32));
			log_fault(v, &f);
			(*v->st.fault_records)++;
			n++;
			idx = (idx + 1) % v->nfr;
		}
	}
	(void)vdrv_wr32(v, VTD_REG_FSTS, VTD_FSTS_PFO | VTD_FSTS_PPF | VTD_FSTS_PRO);
	return n;
}

size_t vtd_drv_fault_log(const drv_instance_t *inst, const vtd_drv_fault_t **log)
{
	struct vdrv_iommu *v;

	if (log)
		*log = NULL;
	if (!inst || !inst->iommu || inst->ops != &vtd_drv_ops)
		return 0;
	v = vdrv_of(inst->iommu);
	for (size_t i = 0; i < v->nfaults; i++)
		v->fault_view[i] = v->faults[(v->fault_head + i) % VTD_DRV_FAULT_LOG_MAX];
	if (log)
		*log = v->fault_view;
	return v->nfaults;
}

uint64_t vtd_drv_fault_dropped(const drv_instance_t *inst)
{
	if (!inst || !inst->iommu || inst->ops != &vtd_drv_ops)
		return 0;
	return vdrv_of(inst->iommu)->faults_dropped;
}

void vtd_drv_fault_log_clear(drv_instance_t *inst)
{
	if (!inst || !inst->iommu || inst->ops != &vtd_drv_ops)
		return;
	vdrv_of(inst->iommu)->fault_head = 0;
	vdrv_of(inst->iommu)->nfaults = 0;
}
