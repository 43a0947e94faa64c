/* SPDX-License-Identifier: MIT */
/*
 * What the generic verbs need to know of the architecture (VT-d, the one with a driver):
 * fault reason names, fault records -- from the driver's fault log, or read from the
 * fault recording registers when the system has no driver -- and whether the IOMMU's queues
 * still hold work. Registers are read through the model's MMIO ops, as software would.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/drivers/vtd/vtd_drv.h"
#include "host-shim/replay/replay_int.h"
#include "iommusim/hw/vtd_queue.h"
#include "iommusim/hw/vtd_regs.h"
#include "iommusim/vtd.h"

const char *replay_fault_reason_name(const replay_t *r, uint32_t reason)
{
	if (r->arch && strcmp(r->arch, "vtd") == 0)
		return iommusim_vtd_fault_reason_name(reason);
	return "fault";
}

static int rd(replay_t *r, size_t i, uint64_t off, unsigned size, uint64_t *v)
{
	iommusim_model_t *m = replay_iommu(r, i);
	*v = 0;
	return m ? m->ops->mmio_read(m->impl, off, size, v, replay_now(r)) : -ENODEV;
}

static int wr(replay_t *r, size_t i, uint64_t off, unsigned size, uint64_t v)
{
	iommusim_model_t *m = replay_iommu(r, i);
	return m ? m->ops->mmio_write(m->impl, off, size, v, replay_now(r)) : -ENODEV;
}

/* Appends a record to IOMMU i's waiting list, dropping the oldest when it is full. */
static int keep(replay_t *r, size_t i, const replay_fault_rec_t *rec, iommusim_error_t *err)
{
	size_t n = r->nfault_pend[i];

	if (n == REPLAY_FAULTS_KEPT) {
		memmove(r->fault_pend[i], r->fault_pend[i] + 1, (n - 1) * sizeof(*rec));
		r->fault_lost[i]++;
		n--;
	} else {
		replay_fault_rec_t *v = realloc(r->fault_pend[i], (n + 1) * sizeof(*v));
		if (!v)
			return iommusim_error_set(err, -ENOMEM, "out of memory");
		r->fault_pend[i] = v;
	}
	r->fault_pend[i][n] = *rec;
	r->nfault_pend[i] = n + 1;
	return 0;
}

/* The fault recording registers (VT-d 10.4.14), oldest first from FSTS.FRI, each record
 * cleared after reading (F is RW1C: a write of 1 to bit 127, as Linux's handler does with
 * the upper dword), and FSTS.PFO (records lost) cleared too. */
static int faults_from_regs(replay_t *r, size_t i, iommusim_error_t *err)
{
	uint64_t cap, fsts, lo, hi;
	int rc;

	if (rd(r, i, VTD_REG_CAP, 8, &cap) || rd(r, i, VTD_REG_FSTS, 4, &fsts))
		return iommusim_error_set(err, -EIO, "cannot read the CAP and FSTS registers of "
					  "IOMMU %zu", i);
	unsigned fro = (unsigned)((cap & VTD_CAP_FRO_MASK) >> VTD_CAP_FRO_SHIFT);
	unsigned nfr = (unsigned)((cap & VTD_CAP_NFR_MASK) >> VTD_CAP_NFR_SHIFT) + 1;
	unsigned first = (unsigned)((fsts & VTD_FSTS_FRI_MASK) >> VTD_FSTS_FRI_SHIFT) % nfr;

	for (unsigned k = 0; k < nfr; k++) {
		unsigned idx = (first + k) % nfr;
		uint64_t off = VTD_REG_FRCD(fro, idx);
		if (rd(r, i, off, 8, &lo) || rd(r, i, off + 8, 8, &hi))
			return iommusim_error_set(err, -EIO, "cannot read fault recording "
						  "register %u of IOMMU %zu", idx, i);
		if (!(hi & VTD_FRCD_HI_F))
			continue;
		replay_fault_rec_t rec = {
			.sid = (uint16_t)(hi & VTD_FRCD_HI_SID_MASK),
			.pasid_valid = (hi & VTD_FRCD_HI_PP) != 0,
			.pasid = (uint32_t)((hi & VTD_FRCD_HI_PV_MASK) >> VTD_FRCD_HI_PV_SHIFT),
			.addr = lo & VTD_FRCD_LO_FI_MASK,
			.reason = (uint32_t)((hi & VTD_FRCD_HI_FR_MASK) >> VTD_FRCD_HI_FR_SHIFT),
			.write = !(hi & VTD_FRCD_HI_T1),
		};
		if ((rc = keep(r, i, &rec, err)))
			return rc;
		wr(r, i, off + 12, 4, VTD_FRCD_HI_F >> 32);
	}
	if (fsts & VTD_FSTS_PFO) {
		r->fault_lost[i]++;
		wr(r, i, VTD_REG_FSTS, 4, VTD_FSTS_PFO);
	}
	return 0;
}

int replay_faults_take(replay_t *r, size_t iommu, iommusim_error_t *err)
{
	const vtd_drv_fault_t *log;
	int rc;

	if (iommu >= r->niommu)
		return iommusim_error_set(err, -EINVAL, "no IOMMU %zu", iommu);
	if (!r->drv[iommu].ops)
		return faults_from_regs(r, iommu, err);
	vtd_drv_poll(&r->drv[iommu]);
	size_t count = vtd_drv_fault_log(&r->drv[iommu], &log);
	uint64_t dropped = vtd_drv_fault_dropped(&r->drv[iommu]);
	uint64_t seen = r->fault_seen[iommu];
	size_t start = 0;
	if (seen < dropped)
		r->fault_lost[iommu] += dropped - seen;
	else
		start = (size_t)(seen - dropped);
	r->fault_seen[iommu] = dropped + count;
	for (size_t k = start; k < count; k++) {
		replay_fault_rec_t rec = {
			.sid = log[k].sid, .pasid_valid = log[k].pasid_valid, .pasid = log[k].pasid,
			.addr = log[k].addr, .reason = log[k].reason, .write = log[k].write,
		};
		if ((rc = keep(r, iommu, &rec, err)))
			return rc;
	}
	return 0;
}

void replay_faults_free(replay_t *r)
{
	for (size_t i = 0; i < REPLAY_IOMMUS_MAX; i++) {
		free(r->fault_pend[i]);
		r->fault_pend[i] = NULL;
		r->nfault_pend[i] = 0;
		r->fault_lost[i] = 0;
		r->fault_seen[i] = 0;
	}
}

bool replay_iommu_busy(replay_t *r, size_t iommu, char *buf, size_t len)
{
	uint64_t gsts, fsts, h, t;
	size_t pos = 0;

	buf[0] = '\0';
	if (rd(r, iommu, VTD_REG_GSTS, 4, &gsts) || rd(r, iommu, VTD_REG_FSTS, 4, &fsts))
		return false;
	if ((gsts & VTD_GSTS_QIES) && !rd(r, iommu, VTD_QI_REG_IQH, 8, &h) &&
	    !rd(r, iommu, VTD_QI_REG_IQT, 8, &t) && h != t) {
		int k = snprintf(buf, len, "%s: invalidation queue head 0x%" PRIx64 ", tail 0x%"
				 PRIx64 "%s%s", r->iommu_name[iommu], h, t,
				 fsts & VTD_FSTS_IQE ? " (stopped: FSTS.IQE, a bad descriptor)" : "",
				 fsts & VTD_FSTS_ITE ? " (FSTS.ITE: a device-TLB invalidation "
						       "timed out)" : "");
		pos = k > 0 ? (size_t)k : 0;
	}
	if (r->drv[iommu].ops && pos < len && !rd(r, iommu, VTD_PRQ_REG_PQH, 8, &h) &&
	    !rd(r, iommu, VTD_PRQ_REG_PQT, 8, &t) && h != t)
		snprintf(buf + pos, len - pos, "%s%s: page request queue head 0x%" PRIx64
			 ", tail 0x%" PRIx64 " (not yet handled by the driver)", pos ? "; " : "",
			 r->iommu_name[iommu], h, t);
	return buf[0] != '\0';
}
