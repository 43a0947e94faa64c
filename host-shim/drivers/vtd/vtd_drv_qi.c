/* SPDX-License-Identifier: MIT */
/*
 * The invalidation queue as intel-iommu drives it (dmar.c: dmar_enable_qi, qi_submit_sync,
 * qi_check_fault; cache.c: struct qi_batch), descriptor builders (spec 6.5.2), and the
 * register-based invalidation used in legacy mode without ECAP.QI (__iommu_flush_context,
 * __iommu_flush_iotlb).
 *
 * A synchronous submit writes its descriptors and an invalidation wait descriptor (SW = 1,
 * status data unique to the submit, status address = the slot's word in a status frame) into
 * the queue, writes IQT, and then polls the status word in memory while running the
 * scheduler. One polling iteration is qi_submit_sync's: look at the status word (a cached
 * read, free), read FSTS (qi_check_fault: an uncached register read, cost.mmio_read_ns),
 * cpu_relax with the lock dropped and retaken (qi.poll_ns); so the word is looked at every
 * cost.mmio_read_ns + qi.poll_ns after the tail write, and a completion is seen at the first
 * look after the status data has landed. The loop jumps over stretches in which nothing is
 * scheduled (they cannot change the word), counting their register reads. While it waits
 * it checks FSTS as qi_check_fault does: on
 * IQE it overwrites the bad descriptor with the wait descriptor, clears IQE and fails with
 * -EINVAL; on ITE it clears ITE and fails with -ETIMEDOUT (Linux retries while the device is
 * present; a device that never answers would hang it); ICE is cleared. A wait that is not
 * complete after drv.vtd.qi.timeout_ns fails with -ETIMEDOUT.
 *
 * The queue is one 4 KiB page (IQA.QS = 0: 128 descriptors of 256 bits, or 256 of 128 bits)
 * because the frame allocator hands out single frames; Linux uses two pages in scalable
 * mode. Submits never overlap (each waits), so the queue is empty between them unless a
 * wait was abandoned; then IQH is read to see how much room is left.
 */
#include <errno.h>
#include <string.h>

#include "host-shim/drivers/vtd/vtd_drv_priv.h"

static const char *const iqei_names[] = {
	"no information", "invalid tail pointer", "descriptor fetch failed",
	"invalid descriptor type", "reserved field set", "invalid descriptor width",
	"tail pointer not 256-bit aligned", "invalid translation table mode",
};

/* ---- descriptors -------------------------------------------------------------------------- */

static void desc_clear(uint64_t d[4], unsigned type)
{
	d[0] = (uint64_t)(type & VTD_QI_TYPE_LO_MASK) |
	       (((uint64_t)type >> 4) << VTD_QI_TYPE_HI_SHIFT & VTD_QI_TYPE_HI_MASK);
	d[1] = d[2] = d[3] = 0;
}

void vdrv_desc_cc(uint64_t d[4], unsigned g, uint16_t did, uint16_t sid, unsigned fm)
{
	desc_clear(d, VTD_QI_TYPE_CC);
	d[0] |= ((uint64_t)g << VTD_QI_G_SHIFT & VTD_QI_G_MASK) |
		((uint64_t)did << VTD_QI_DID_SHIFT) |
		((uint64_t)sid << VTD_QI_CC_SID_SHIFT) |
		((uint64_t)fm << VTD_QI_CC_FM_SHIFT & VTD_QI_CC_FM_MASK);
}

void vdrv_desc_iotlb(const struct vdrv_iommu *v, uint64_t d[4], unsigned g, uint16_t did,
		    uint64_t addr, unsigned am, bool ih)
{
	desc_clear(d, VTD_QI_TYPE_IOTLB);
	d[0] |= ((uint64_t)g << VTD_QI_G_SHIFT & VTD_QI_G_MASK) |
		((uint64_t)did << VTD_QI_DID_SHIFT);
	/* qi_desc_iotlb: drain reads/writes when the hardware offers it */
	if (vdrv_capb(v, VTD_CAP_DWD))
		d[0] |= VTD_QI_IOTLB_DW;
	if (vdrv_capb(v, VTD_CAP_DRD))
		d[0] |= VTD_QI_IOTLB_DR;
	/* intel-iommu folds the hint into the address and masks it off again, so its IOTLB
	 * descriptors never carry IH; do the same. */
	(void)ih;
	if (g == VDRV_G_PAGE)
		d[1] = (addr & VTD_QI_ADDR_MASK) | ((uint64_t)am & VTD_QI_AM_MASK);
}

void vdrv_desc_piotlb(uint64_t d[4], uint16_t did, uint32_t pasid, uint64_t addr,
		     unsigned am, bool all, bool ih)
{
	desc_clear(d, VTD_QI_TYPE_PIOTLB);
	d[0] |= ((uint64_t)(all ? VDRV_PIOTLB_G_PASID : VDRV_PIOTLB_G_PAGE) << VTD_QI_G_SHIFT) |
		((uint64_t)did << VTD_QI_DID_SHIFT) |
		((uint64_t)pasid << VTD_QI_PASID_SHIFT & VTD_QI_PASID_MASK);
	if (!all) {
		/* the address is aligned to the 2^AM pages it names */
		uint64_t span = am >= 64 - VTD_PAGE_SHIFT ? 0 : VTD_PAGE_SIZE << am;

		d[1] = (span ? addr & VTD_QI_ADDR_MASK & ~(span - 1) : 0) |
		       (ih ? VTD_QI_IH : 0) | ((uint64_t)am & VTD_QI_AM_MASK);
	}
}

void vdrv_desc_pc(uint64_t d[4], unsigned g, uint16_t did, uint32_t pasid)
{
	desc_clear(d, VTD_QI_TYPE_PC);
	d[0] |= ((uint64_t)g << VTD_QI_G_SHIFT & VTD_QI_G_MASK) |
		((uint64_t)did << VTD_QI_DID_SHIFT) |
		((uint64_t)pasid << VTD_QI_PASID_SHIFT & VTD_QI_PASID_MASK);
}

/* PCIe ATS invalidation size encoding (6.5.2.5): with S = 1 the range is 2^(k+1) pages when
 * address bits 12 .. 12+k-1 are 1 and bit 12+k is 0; 2^size_order pages need bits
 * 12 .. 12+size_order-2 set. Everything: bits 62:12 set. */
static uint64_t ats_addr(uint64_t addr, unsigned size_order, bool *s)
{
	if (size_order == 0) {
		*s = false;
		return addr & VTD_QI_ADDR_MASK;
	}
	*s = true;
	if (size_order >= VDRV_DEVTLB_ALL)
		return 0x7ffffffffffff000ull;
	addr &= ~((VTD_PAGE_SIZE << size_order) - 1);
	return (addr | ((1ull << (VTD_PAGE_SHIFT + size_order - 1)) - 1)) & VTD_QI_ADDR_MASK;
}

void vdrv_desc_devtlb(uint64_t d[4], uint16_t sid, uint16_t pfsid, unsigned qdep, uint64_t addr,
		     unsigned size_order)
{
	bool s;

	desc_clear(d, VTD_QI_TYPE_DEVTLB);
	if (qdep >= 32)
		qdep = 0;
	d[0] |= ((uint64_t)(pfsid & 0xf) << 12) |
		((uint64_t)qdep << VTD_QI_DEVTLB_QDEP_SHIFT & VTD_QI_DEVTLB_QDEP_MASK) |
		((uint64_t)sid << VTD_QI_DEVTLB_SID_SHIFT) |
		((uint64_t)(pfsid >> 4) << 52 & VTD_QI_DEVTLB_PFSID_HI_MASK);
	d[1] = ats_addr(addr, size_order, &s) | (s ? VTD_QI_DEVTLB_S : 0);
}

void vdrv_desc_pdevtlb(uint64_t d[4], uint16_t sid, uint16_t pfsid, uint32_t pasid,
		      unsigned qdep, uint64_t addr, unsigned size_order)
{
	bool s;

	desc_clear(d, VTD_QI_TYPE_PDEVTLB);
	if (qdep >= 32)
		qdep = 0;
	d[0] |= ((uint64_t)qdep << VTD_QI_PDEVTLB_QDEP_SHIFT & VTD_QI_PDEVTLB_QDEP_MASK) |
		((uint64_t)(pfsid & 0xf) << 12) |
		((uint64_t)sid << VTD_QI_PDEVTLB_SID_SHIFT & VTD_QI_PDEVTLB_SID_MASK) |
		((uint64_t)pasid << VTD_QI_PASID_SHIFT & VTD_QI_PASID_MASK) |
		((uint64_t)(pfsid >> 4) << 52 & VTD_QI_DEVTLB_PFSID_HI_MASK);
	d[1] = ats_addr(addr, size_order, &s) | (s ? VTD_QI_PDEVTLB_S : 0);
}

void vdrv_desc_pgrp(uint64_t d[4], uint16_t rid, bool pasid_valid, uint32_t pasid,
		   uint32_t prgi, unsigned code, bool lpig)
{
	desc_clear(d, VTD_QI_TYPE_PGRP_RESP);
	d[0] |= (pasid_valid ? VTD_QI_PGRP_PP : 0) |
		((uint64_t)code << VTD_QI_PGRP_RC_SHIFT & VTD_QI_PGRP_RC_MASK) |
		((uint64_t)rid << VTD_QI_PGRP_RID_SHIFT & VTD_QI_PGRP_RID_MASK) |
		(pasid_valid ? ((uint64_t)pasid << VTD_QI_PASID_SHIFT & VTD_QI_PASID_MASK) : 0);
	d[1] = (lpig ? VTD_QI_PGRP_LPIG : 0) |
	       ((uint64_t)prgi << VTD_QI_PGRP_PRGI_SHIFT & VTD_QI_PGRP_PRGI_MASK);
}

static unsigned desc_type(const uint64_t d[4])
{
	return (unsigned)(d[0] & VTD_QI_TYPE_LO_MASK) |
	       (unsigned)((d[0] & VTD_QI_TYPE_HI_MASK) >> (VTD_QI_TYPE_HI_SHIFT - 4));
}

/* ---- the queue ---------------------------------------------------------------------------- */

/* Set when a wait was abandoned: the hardware may still hold descriptors. */
#define QI_DIRTY(v) ((v)->qi_seq & 0x80000000u)

int vdrv_qi_init(struct vdrv_iommu *v, iommusim_error_t *err)
{
	int rc = vdrv_frame_alloc(v, &v->qi_base, err);

	if (!rc)
		rc = vdrv_frame_alloc(v, &v->qi_status, err);
	if (rc)
		return rc;
	/* dmar_enable_qi: 256-bit descriptors whenever the hardware has scalable mode */
	v->dw = vdrv_ecap(v, VTD_ECAP_SMTS);
	v->qi_shift = v->dw ? 5 : 4;
	v->qi_entries = (unsigned)(VTD_PAGE_SIZE >> v->qi_shift);
	v->qi_tail = 0;
	v->qi_seq = 0;
	if (vdrv_wr64(v, VTD_QI_REG_IQT, 0) ||
	    vdrv_wr64(v, VTD_QI_REG_IQA, v->qi_base | (v->dw ? VTD_QI_IQA_DW : 0)))
		return iommusim_error_set(err, -EIO, "vtd driver %s: IQT/IQA write refused",
					  v->name);
	return vdrv_gcmd(v, VTD_GCMD_QIE, true, err);
}

void vdrv_qi_fini(struct vdrv_iommu *v)
{
	vdrv_frame_free(v, v->qi_base);
	vdrv_frame_free(v, v->qi_status);
	v->qi_base = v->qi_status = 0;
}

/* Register read without CPU cost, for the checks made while spinning. */
static uint64_t peek(struct vdrv_iommu *v, uint64_t off, unsigned size)
{
	uint64_t val = 0;

	(void)v->hw->ops->mmio_read(v->hw->impl, off, size, &val, v->t);
	return val;
}

static int qi_room(struct vdrv_iommu *v, unsigned need, iommusim_error_t *err)
{
	uint64_t iqh;
	unsigned head, used;

	if (!QI_DIRTY(v))
		return 0;
	if (vdrv_rd64(v, VTD_QI_REG_IQH, &iqh))
		return iommusim_error_set(err, -EIO, "vtd driver %s: IQH read failed", v->name);
	head = (unsigned)((iqh & VTD_QI_IQHT_MASK) >> v->qi_shift);
	used = (v->qi_tail + v->qi_entries - head) % v->qi_entries;
	if (used == 0)
		v->qi_seq &= ~0x80000000u;
	if (used + need > v->qi_entries - 1)
		return iommusim_error_set(err, -EBUSY,
			"vtd driver %s: invalidation queue has no room for %u descriptors: the "
			"hardware still holds %u (IQH %u, IQT %u) after an abandoned wait",
			v->name, need, used, head, v->qi_tail);
	return 0;
}

static int qi_fault(struct vdrv_iommu *v, uint32_t fsts, unsigned first, unsigned n,
		    unsigned wait_index, const uint64_t wait[4], iommusim_error_t *err)
{
	size_t dsz = (size_t)1 << v->qi_shift;

	if (fsts & VTD_FSTS_IQE) {
		uint64_t iqh = peek(v, VTD_QI_REG_IQH, 8), iqer = peek(v, VTD_QI_REG_IQER, 8);
		unsigned head = (unsigned)((iqh & VTD_QI_IQHT_MASK) >> v->qi_shift);
		unsigned iqei = (unsigned)(iqer & VTD_QI_IQER_IQEI_MASK);
		uint64_t bad[4] = { 0 };

		(void)iommusim_mem_read(v->mem, v->qi_base + head * dsz, bad, dsz);
		/* qi_check_fault: replace the offending descriptor by the wait descriptor so
		 * that the queue can move on once IQE is cleared */
		if (head != wait_index)
			(void)iommusim_mem_write(v->mem, v->qi_base + head * dsz, wait, dsz);
		(void)vdrv_wr32(v, VTD_REG_FSTS, VTD_FSTS_IQE);
		(*v->st.qi_iqe)++;
		v->qi_seq |= 0x80000000u;
		unsigned pos = (head + v->qi_entries - first) % v->qi_entries;
		return iommusim_error_set(err, -EINVAL,
			"vtd driver %s: invalidation queue error (FSTS.IQE, IQER.IQEI %u: %s) at "
			"queue slot %u (descriptor %u of %u in this submit, type 0x%x, qw0 0x%llx "
			"qw1 0x%llx)", v->name, iqei, iqei < 8 ? iqei_names[iqei] : "reserved",
			head, pos, n + 1, desc_type(bad), (unsigned long long)bad[0],
			(unsigned long long)bad[1]);
	}
	if (fsts & VTD_FSTS_ITE) {
		uint64_t iqer = peek(v, VTD_QI_REG_IQER, 8);
		unsigned sid = (unsigned)((iqer & VTD_QI_IQER_ITESID_MASK) >>
					  VTD_QI_IQER_ITESID_SHIFT);

		(void)vdrv_wr32(v, VTD_REG_FSTS, VTD_FSTS_ITE);
		(*v->st.qi_ite)++;
		v->qi_seq |= 0x80000000u;
		return iommusim_error_set(err, -ETIMEDOUT,
			"vtd driver %s: device-TLB invalidation timed out (FSTS.ITE) for source ID "
			"%02x:%02x.%u; the device did not answer the ATS invalidation", v->name,
			sid >> 8, (sid >> 3) & 0x1f, sid & 7);
	}
	return 0;
}

int vdrv_qi_submit_sync(struct vdrv_iommu *v, uint64_t (*d)[4], unsigned n, unsigned opts,
		       iommusim_time_t *inval, iommusim_error_t *err)
{
	size_t dsz = (size_t)1 << v->qi_shift;
	unsigned first = v->qi_tail, wait_index;
	uint64_t wait[4], status_pa;
	uint32_t seq;
	iommusim_time_t entry = v->t, post, deadline, period;
	int rc;

	if (inval)
		*inval = 0;
	if (!v->qi)
		return iommusim_error_set(err, -ENODEV, "vtd driver %s: no invalidation queue",
					  v->name);
	if (n + 1 > v->qi_entries - 1)
		return iommusim_error_set(err, -EINVAL, "vtd driver %s: %u descriptors do not fit "
					  "the %u-entry queue", v->name, n, v->qi_entries);
	rc = qi_room(v, n + 1, err);
	if (rc)
		return rc;

	wait_index = (first + n) % v->qi_entries;
	status_pa = v->qi_status + (uint64_t)wait_index * 4;
	seq = ((v->qi_seq & 0x7fffffffu) + 1) & 0x7fffffffu;
	if (!seq)
		seq = 1;
	v->qi_seq = (v->qi_seq & 0x80000000u) | seq;
	memset(wait, 0, sizeof(wait));
	wait[0] = VTD_QI_TYPE_WAIT | VTD_QI_WAIT_SW | ((uint64_t)seq << VTD_QI_WAIT_SDATA_SHIFT);
	if ((opts & VDRV_QI_OPT_DRAIN) && vdrv_ecap(v, VTD_ECAP_PDS))
		wait[0] |= VTD_QI_WAIT_PD;
	wait[1] = status_pa & VTD_QI_WAIT_SADDR_MASK;

	for (unsigned i = 0; i < n; i++) {
		unsigned slot = (first + i) % v->qi_entries;
		unsigned type = desc_type(d[i]);

		(void)iommusim_mem_write(v->mem, v->qi_base + slot * dsz, d[i], dsz);
		vdrv_cpu(v, v->cfg.cost_desc);
		(*v->st.qi_desc[type < VDRV_NDESC_TYPES ? type : 0])++;
	}
	(void)iommusim_mem_write32(v->mem, status_pa, 0);
	(void)iommusim_mem_write(v->mem, v->qi_base + wait_index * dsz, wait, dsz);
	vdrv_cpu(v, v->cfg.cost_desc);
	(*v->st.qi_desc[VTD_QI_TYPE_WAIT])++;
	(*v->st.qi_submits)++;

	v->qi_tail = (wait_index + 1) % v->qi_entries;
	if (vdrv_wr64(v, VTD_QI_REG_IQT, (uint64_t)v->qi_tail << v->qi_shift))
		return iommusim_error_set(err, -EIO, "vtd driver %s: IQT write refused", v->name);
	post = v->t;
	deadline = iommusim_time_add(post, v->cfg.qi_timeout);
	period = v->cfg.cost_mmio_r + v->cfg.poll_step;   /* poll_step >= 1 ps */

	for (;;) {
		uint32_t status = 0, fsts;
		iommusim_time_t next, target, k, at = v->t;

		(void)iommusim_mem_read32(v->mem, status_pa, &status);
		if (status == seq)
			break;
		/* qi_check_fault's FSTS read; its time is charged with the iteration below */
		fsts = (uint32_t)peek(v, VTD_REG_FSTS, 4);
		rc = qi_fault(v, fsts, first, n, wait_index, wait, err);
		if (rc)
			return rc;
		if (fsts & VTD_FSTS_ICE)
			(void)vdrv_wr32(v, VTD_REG_FSTS, VTD_FSTS_ICE);
		if (v->t >= deadline || !iommusim_sched_next_time(v->sched, &next)) {
			uint64_t iqh = peek(v, VTD_QI_REG_IQH, 8);

			(*v->st.qi_timeouts)++;
			v->qi_seq |= 0x80000000u;
			return iommusim_error_set(err, -ETIMEDOUT,
				"vtd driver %s: invalidation wait not complete after %.0f ns (%s; IQH "
				"slot %llu, IQT slot %u, FSTS 0x%x, %u descriptors, first type 0x%x)",
				v->name, iommusim_time_to_ns(v->t - post),
				v->t >= deadline ? "drv.vtd.qi.timeout_ns reached"
						 : "no hardware activity is pending",
				(unsigned long long)((iqh & VTD_QI_IQHT_MASK) >> v->qi_shift),
				v->qi_tail, fsts, n, n ? desc_type(d[0]) : VTD_QI_TYPE_WAIT);
		}
		/* the first look at the word at or after the next event */
		if (next <= v->t)
			next = v->t + 1;
		k = (next - post + period - 1) / period;
		target = iommusim_time_add(post, k * period);
		if (target > deadline)
			target = deadline;
		if (iommusim_sched_run_until(v->sched, target) < 0)
			return iommusim_error_set(err, -EBUSY,
				"vtd driver %s: cannot wait for an invalidation from inside a "
				"scheduler event", v->name);
		/* one FSTS read per iteration from this look to the next */
		*v->st.mmio_reads += (target - at + period - 1) / period;
		vdrv_cpu(v, target - v->t);
	}
	if (inval)
		*inval = v->t - post;
	iommusim_hist_add(v->st.qi_wait, v->t - post);
	iommusim_hist_add(v->st.qi_sync_cycles, vdrv_cycles(v, v->t - entry));
	return 0;
}

/* ---- register-based invalidation (legacy mode without QI) --------------------------------- */

static int reg_inv(struct vdrv_iommu *v, const uint64_t d[4], iommusim_error_t *err)
{
	unsigned type = desc_type(d);
	unsigned g = (unsigned)((d[0] & VTD_QI_G_MASK) >> VTD_QI_G_SHIFT);
	uint16_t did = (uint16_t)((d[0] & VTD_QI_DID_MASK) >> VTD_QI_DID_SHIFT);

	if (type == VTD_QI_TYPE_CC) {
		uint64_t cmd = VTD_CCMD_ICC | ((uint64_t)g << VTD_CCMD_CIRG_SHIFT) |
			       (((d[0] & VTD_QI_CC_FM_MASK) >> VTD_QI_CC_FM_SHIFT)
				<< VTD_CCMD_FM_SHIFT) |
			       (((d[0] & VTD_QI_CC_SID_MASK) >> VTD_QI_CC_SID_SHIFT)
				<< VTD_CCMD_SID_SHIFT) | did;

		if (vdrv_wr64(v, VTD_REG_CCMD, cmd))
			return iommusim_error_set(err, -EIO, "vtd driver %s: CCMD write refused",
						  v->name);
		return vdrv_wait_reg(v, VTD_REG_CCMD, 8, VTD_CCMD_ICC, 0, "CCMD.ICC", NULL, err);
	}
	if (type == VTD_QI_TYPE_IOTLB) {
		uint64_t cmd = VTD_IOTLB_IVT | ((uint64_t)g << VTD_IOTLB_IIRG_SHIFT) |
			       ((uint64_t)did << VTD_IOTLB_DID_SHIFT);

		if (d[0] & VTD_QI_IOTLB_DW)
			cmd |= VTD_IOTLB_DW;
		if (d[0] & VTD_QI_IOTLB_DR)
			cmd |= VTD_IOTLB_DR;
		if (g == VDRV_G_PAGE &&
		    vdrv_wr64(v, VTD_REG_IVA(v->iro), d[1] & (VTD_IVA_ADDR_MASK | VTD_IVA_IH |
							    VTD_IVA_AM_MASK)))
			return iommusim_error_set(err, -EIO, "vtd driver %s: IVA write refused",
						  v->name);
		if (vdrv_wr64(v, VTD_REG_IOTLB(v->iro), cmd))
			return iommusim_error_set(err, -EIO, "vtd driver %s: IOTLB register write "
						  "refused", v->name);
		return vdrv_wait_reg(v, VTD_REG_IOTLB(v->iro), 8, VTD_IOTLB_IVT, 0, "IOTLB.IVT",
				    NULL, err);
	}
	/* Device-TLB, PASID and page-response descriptors need the queue; the driver does not
	 * enable the features that need them without it. */
	return 0;
}

int vdrv_inv_one(struct vdrv_iommu *v, const uint64_t d[4], iommusim_error_t *err)
{
	uint64_t one[1][4];

	if (!v->qi)
		return reg_inv(v, d, err);
	memcpy(one[0], d, sizeof(one[0]));
	return vdrv_qi_submit_sync(v, one, 1, 0, NULL, err);
}

/* ---- batches ------------------------------------------------------------------------------ */

void vdrv_batch_init(struct vdrv_iommu *v, struct vdrv_batch *b, bool together)
{
	b->owner = v;
	b->unit = v;
	b->n = 0;
	b->together = together;
	b->rc = 0;
	iommusim_error_clear(&b->err);
}

static void batch_error(struct vdrv_batch *b, int rc, const iommusim_error_t *e)
{
	if (rc && !b->rc) {
		b->rc = rc;
		b->err = *e;
	}
}

/* Submits n descriptors to b->unit's queue, on the CPU cursor of the batch's operation. */
static void batch_submit(struct vdrv_batch *b, uint64_t (*d)[4], unsigned n)
{
	struct vdrv_iommu *u = b->unit;
	iommusim_error_t e;
	int rc;

	iommusim_error_clear(&e);
	vdrv_cross_begin(b->owner, u);
	rc = vdrv_qi_submit_sync(u, d, n, 0, NULL, &e);
	vdrv_cross_end(b->owner, u);
	batch_error(b, rc, &e);
}

void vdrv_batch_add(struct vdrv_iommu *u, struct vdrv_batch *b, const uint64_t d[4])
{
	if (b->n && b->unit != u) {
		/* the descriptors so far are for another unit's queue */
		batch_submit(b, b->d, b->n);
		b->n = 0;
	}
	b->unit = u;
	if (!u->qi) {
		iommusim_error_t e;
		int rc;

		iommusim_error_clear(&e);
		vdrv_cross_begin(b->owner, u);
		rc = reg_inv(u, d, &e);
		vdrv_cross_end(b->owner, u);
		batch_error(b, rc, &e);
		return;
	}
	memcpy(b->d[b->n], d, sizeof(b->d[0]));
	b->n++;
	if (!b->together) {
		batch_submit(b, b->d, 1);
		b->n = 0;
	} else if (b->n >= b->owner->cfg.batch_max) {
		batch_submit(b, b->d, b->n);
		b->n = 0;
	}
}

int vdrv_batch_finish(struct vdrv_iommu *v, struct vdrv_batch *b)
{
	(void)v;
	if (b->n) {
		batch_submit(b, b->d, b->n);
		b->n = 0;
	}
	return b->rc;
}
