/* SPDX-License-Identifier: MIT */
/*
 * Root and context tables (spec 9.1 - 9.4) and scalable-mode PASID directory and table
 * entries (9.5, 9.6), with the cache invalidations intel-iommu issues around each change
 * (iommu.c: domain_context_mapping_one, domain_context_clear_one; pasid.c:
 * intel_pasid_setup_*, intel_pasid_tear_down_entry, intel_pasid_flush_present,
 * pasid_flush_caches, intel_pasid_setup_dirty_tracking, devtlb_invalidation_with_pasid).
 *
 * A device's PASID directory is one 4 KiB frame (512 entries, PDTS = 2), so PASIDs below
 * 2^15 can be attached; Linux sizes it for the device's PASID width with a multi-page
 * allocation, which the single-frame allocator here cannot give. PASID tables (64 entries,
 * one frame) are allocated when a PASID of their range is first used.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/drivers/vtd/vtd_drv_priv.h"

#define SM_PDTS 2u   /* 2^(PDTS + 7) = 512 directory entries */

int vdrv_root_init(struct vdrv_iommu *v, iommusim_error_t *err)
{
	return vdrv_frame_alloc(v, &v->root, err);
}

void vdrv_root_fini(struct vdrv_iommu *v)
{
	for (unsigned b = 0; b < 256; b++)
		for (unsigned h = 0; h < 2; h++)
			if (v->ctx[b][h]) {
				vdrv_frame_free(v, v->ctx[b][h]);
				v->ctx[b][h] = 0;
			}
	vdrv_frame_free(v, v->root);
	v->root = 0;
}

/* The context entry of rid, its table allocated (and the root entry made present) on
 * demand (iommu_context_addr). */
static int ctx_entry(struct vdrv_iommu *v, uint16_t rid, bool alloc, uint64_t *pa,
		     iommusim_error_t *err)
{
	unsigned bus = rid >> 8, devfn = rid & 0xff;
	unsigned half = v->sm ? devfn >> 7 : 0;
	uint64_t *tbl = &v->ctx[bus][half];

	if (!*tbl) {
		int rc;

		if (!alloc)
			return -ENOENT;
		rc = vdrv_frame_alloc(v, tbl, err);
		if (rc)
			return rc;
		/* legacy: lo = CTP | P; scalable: lo = LCTP | LP, hi = UCTP | UP (9.1, 9.2) */
		rc = vdrv_write_pte(v, v->root + (uint64_t)bus * VTD_ROOT_ENTRY_SIZE + half * 8,
				   *tbl | VTD_RE_LO_P);
		if (rc)
			return iommusim_error_set(err, rc, "vtd driver %s: root entry write "
						  "failed", v->name);
	}
	*pa = v->sm ? *tbl + (uint64_t)(devfn & 0x7f) * VTD_SM_CTX_ENTRY_SIZE
		    : *tbl + (uint64_t)devfn * VTD_CTX_ENTRY_SIZE;
	return 0;
}

/* Writes an entry of n qwords with qword 0 (the present bit) last. */
static int write_entry(struct vdrv_iommu *v, uint64_t pa, const uint64_t *q, unsigned n)
{
	int rc = 0;

	for (unsigned i = n; i-- > 1;)
		rc |= vdrv_write_pte(v, pa + i * 8, q[i]);
	rc |= vdrv_write_pte(v, pa, q[0]);
	return rc ? -EIO : 0;
}

/* Clears an entry of n qwords, qword 0 (the present bit) first. */
static void clear_entry(struct vdrv_iommu *v, uint64_t pa, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		(void)vdrv_write_pte(v, pa + i * 8, 0);
}

static void inv(struct vdrv_iommu *v, const uint64_t d[4])
{
	/* Errors of these flushes are counted by the queue and left to the fault log: the
	 * kernel's callers ignore them as well. */
	(void)vdrv_inv_one(v, d, NULL);
}

void vdrv_devtlb_flush_pasid(struct vdrv_iommu *v, struct vdrv_dev *d, uint32_t pasid)
{
	uint64_t q[4];

	/* no device-TLB invalidation while translation is off (6.5.2.5 recommendation) */
	if (!d->ats || !(v->gcmd & VTD_GCMD_TE))
		return;
	if (pasid == VDRV_NO_PASID)
		vdrv_desc_devtlb(q, d->rid, d->pfsid, d->qdep, 0, VDRV_DEVTLB_ALL);
	else
		vdrv_desc_pdevtlb(q, d->rid, d->pfsid, pasid, d->qdep, 0, VDRV_DEVTLB_ALL);
	inv(v, q);
}

/* ---- scalable-mode context entries -------------------------------------------------------- */

int vdrv_ctx_setup_sm(struct vdrv_iommu *v, struct vdrv_dev *d, iommusim_error_t *err)
{
	uint64_t q[4] = { 0 }, pa = 0;
	int rc;

	if (!d->pasid_dir) {
		rc = vdrv_frame_alloc(v, &d->pasid_dir, err);
		if (rc)
			return rc;
	}
	if (!d->pasid_tbl) {
		d->pasid_tbl = calloc(VDRV_PASID_DIR_ENTRIES, sizeof(*d->pasid_tbl));
		if (!d->pasid_tbl)
			return iommusim_error_set(err, -ENOMEM, "vtd driver: out of memory");
	}
	/* context_entry_set_pasid_table: RID_PASID = 0, DTE with ATS, PASIDE with the PASID
	 * capability, PRE with PRI */
	q[0] = d->pasid_dir | ((uint64_t)SM_PDTS << VTD_SCE_Q0_PDTS_SHIFT) | VTD_SCE_Q0_P;
	if (d->ats)
		q[0] |= VTD_SCE_Q0_DTE;
	if (d->pasid)
		q[0] |= VTD_SCE_Q0_PASIDE;
	if (d->pri)
		q[0] |= VTD_SCE_Q0_PRE;
	q[1] = VDRV_NO_PASID;
	for (unsigned k = 0; k < d->nrids; k++) {
		rc = ctx_entry(v, d->rids[k], true, &pa, err);
		if (rc)
			return rc;
		if (write_entry(v, pa, q, 4))
			return iommusim_error_set(err, -EIO, "vtd driver %s: context entry write "
						  "failed", v->name);
		/* non-present to present: only hardware caching not-present entries needs
		 * invalidation (CAP.CM) */
		if (vdrv_capb(v, VTD_CAP_CM)) {
			uint64_t x[4];

			vdrv_desc_cc(x, VDRV_G_DEVICE, 0, d->rids[k], 0);
			inv(v, x);
			vdrv_desc_pc(x, VDRV_PC_G_GLOBAL, 0, 0);
			inv(v, x);
			vdrv_desc_iotlb(v, x, VDRV_G_GLOBAL, 0, 0, 0, false);
			inv(v, x);
			vdrv_devtlb_flush_pasid(v, d, VDRV_NO_PASID);
		}
	}
	return 0;
}

void vdrv_ctx_teardown(struct vdrv_iommu *v, struct vdrv_dev *d)
{
	for (unsigned k = 0; k < d->nrids; k++) {
		uint64_t pa = 0, lo = 0, hi = 0, x[4];

		if (ctx_entry(v, d->rids[k], false, &pa, NULL))
			continue;
		(void)vdrv_read_pte(v, pa, &lo);
		(void)vdrv_read_pte(v, pa + 8, &hi);
		if (!(lo & VTD_CE_LO_P))
			continue;
		clear_entry(v, pa, v->sm ? 4 : 2);
		/* intel_context_flush_no_pasid: device-selective context cache, then the
		 * translations of the domain (legacy) and the device TLB */
		vdrv_desc_cc(x, VDRV_G_DEVICE, v->sm ? 0 : (uint16_t)((hi & VTD_CE_HI_DID_MASK) >>
								     VTD_CE_HI_DID_SHIFT),
			    d->rids[k], 0);
		inv(v, x);
		if (!v->sm) {
			vdrv_desc_iotlb(v, x, VDRV_G_DOMAIN,
				       (uint16_t)((hi & VTD_CE_HI_DID_MASK) >> VTD_CE_HI_DID_SHIFT),
				       0, 0, false);
			inv(v, x);
		}
		vdrv_devtlb_flush_pasid(v, d, VDRV_NO_PASID);
	}
}

/* ---- legacy-mode context entries ------------------------------------------------------------ */

void vdrv_ctx_clear_legacy(struct vdrv_iommu *v, struct vdrv_dev *d)
{
	vdrv_ctx_teardown(v, d);
}

int vdrv_ctx_set_legacy(struct vdrv_iommu *v, struct vdrv_dev *d, struct vdrv_domain *dom,
		       iommusim_error_t *err)
{
	uint64_t q[2], pa = 0, x[4];
	uint16_t did;
	int rc;

	if (dom) {
		unsigned tt = d->ats ? VTD_TT_DEV_TLB : VTD_TT_MULTI_LEVEL;

		did = (uint16_t)vdrv_did_of(dom, v);
		q[0] = dom->pt.root | ((uint64_t)tt << VTD_CE_LO_TT_SHIFT) | VTD_CE_LO_P;
		q[1] = (uint64_t)dom->agaw | ((uint64_t)did << VTD_CE_HI_DID_SHIFT);
	} else {
		/* context_setup_pass_through: AW = the largest supported width */
		did = VDRV_FLPT_DEFAULT_DID;
		q[0] = ((uint64_t)VTD_TT_PASS_THROUGH << VTD_CE_LO_TT_SHIFT) | VTD_CE_LO_P;
		q[1] = (uint64_t)v->msagaw | ((uint64_t)did << VTD_CE_HI_DID_SHIFT);
	}
	for (unsigned k = 0; k < d->nrids; k++) {
		rc = ctx_entry(v, d->rids[k], true, &pa, err);
		if (rc)
			return rc;
		if (write_entry(v, pa, q, 2))
			return iommusim_error_set(err, -EIO, "vtd driver %s: context entry write "
						  "failed", v->name);
		/* context_present_cache_flush: with caching mode the not-present entry may be
		 * cached under domain 0 */
		if (vdrv_capb(v, VTD_CAP_CM)) {
			vdrv_desc_cc(x, VDRV_G_DEVICE, 0, d->rids[k], 0);
			inv(v, x);
			vdrv_desc_iotlb(v, x, VDRV_G_DOMAIN, did, 0, 0, false);
			inv(v, x);
		} else {
			(void)vdrv_flush_write_buffer(v, NULL);
		}
	}
	return 0;
}

/* ---- PASID entries ------------------------------------------------------------------------ */

static int pasid_entry(struct vdrv_iommu *v, struct vdrv_dev *d, uint32_t pasid, bool alloc,
		       uint64_t *pa, iommusim_error_t *err)
{
	uint32_t di = pasid >> VTD_PASID_DIR_SHIFT;
	int rc;

	if (!d->pasid_dir || !d->pasid_tbl)
		return iommusim_error_set(err, -ENODEV, "vtd driver %s: %s has no PASID table",
					  v->name, d->pdev->name);
	if (di >= VDRV_PASID_DIR_ENTRIES)
		return iommusim_error_set(err, -EINVAL,
			"vtd driver %s: PASID %u of %s is beyond the %u PASIDs of its one-page PASID "
			"directory (IOMMU_GET_HW_INFO reports max_pasid_log2 %u)", v->name, pasid,
			d->pdev->name, VDRV_PASID_DIR_ENTRIES * VTD_PASID_TABLE_ENTRIES,
			VDRV_PASID_MAX_LOG2);
	if (!d->pasid_tbl[di]) {
		if (!alloc)
			return -ENOENT;
		rc = vdrv_frame_alloc(v, &d->pasid_tbl[di], err);
		if (rc)
			return rc;
		rc = vdrv_write_pte(v, d->pasid_dir + (uint64_t)di * 8, d->pasid_tbl[di] | VTD_PDE_P);
		if (rc)
			return iommusim_error_set(err, rc, "vtd driver %s: PASID directory write "
						  "failed", v->name);
	}
	*pa = d->pasid_tbl[di] + (uint64_t)(pasid % VTD_PASID_TABLE_ENTRIES) * VTD_PASID_ENTRY_SIZE;
	return 0;
}

static int build_pasid_entry(struct vdrv_iommu *v, struct vdrv_domain *dom, uint64_t e[8],
			     iommusim_error_t *err)
{
	uint64_t pwsnp = vdrv_ecap(v, VTD_ECAP_SMPWCS) ? VTD_PTE_Q1_PWSNP : 0;

	memset(e, 0, 8 * sizeof(e[0]));
	if (!dom) {
		/* intel_pasid_setup_pass_through */
		e[0] = ((uint64_t)v->agaw << VTD_PTE_Q0_AW_SHIFT) |
		       ((uint64_t)VTD_PGTT_PT << VTD_PTE_Q0_PGTT_SHIFT) | VTD_PTE_Q0_P;
		e[1] = VDRV_FLPT_DEFAULT_DID | pwsnp;
		return 0;
	}
	e[1] = (uint64_t)(uint16_t)vdrv_did_of(dom, v) | pwsnp;
	if (dom->base.type == DRV_DOMAIN_NESTED) {
		struct vdrv_domain *s2 = dom->s2;
		int rc = vdrv_nested_check(v, dom, err);

		if (rc)
			return rc;
		/* intel_pasid_setup_nested */
		e[0] = s2->pt.root | ((uint64_t)s2->agaw << VTD_PTE_Q0_AW_SHIFT) |
		       ((uint64_t)VTD_PGTT_NESTED << VTD_PTE_Q0_PGTT_SHIFT) |
		       (s2->dirty_tracking ? VTD_PTE_Q0_SLADE : 0) | VTD_PTE_Q0_P;
		e[2] = (dom->s1.pgtbl_addr & VTD_PTE_Q2_FLPTPTR) |
		       (dom->s1.addr_width == 57 ? (1ull << VTD_PTE_Q2_FLPM_SHIFT) : 0) |
		       ((dom->s1.flags & UAPI_IOMMU_VTD_S1_SRE) ? VTD_PTE_Q2_SRE : 0) |
		       ((dom->s1.flags & UAPI_IOMMU_VTD_S1_EAFE) ? VTD_PTE_Q2_EAFE : 0) |
		       ((dom->s1.flags & UAPI_IOMMU_VTD_S1_WPE) ? VTD_PTE_Q2_WPE : 0);
		return 0;
	}
	if (dom->first_level) {
		/* domain_setup_first_level: 4- or 5-level tables only */
		if (dom->pt.levels != 4 && dom->pt.levels != 5)
			return iommusim_error_set(err, -EINVAL,
				"vtd driver %s: a %u-level first-level table cannot be attached "
				"(first level uses 4 or 5 levels)", v->name, dom->pt.levels);
		if (dom->pt.levels == 5 && !vdrv_capb(v, VTD_CAP_FL5LP))
			return iommusim_error_set(err, -EINVAL, "vtd driver %s: 5-level first-level "
						  "table without CAP.FL5LP", v->name);
		e[0] = ((uint64_t)v->agaw << VTD_PTE_Q0_AW_SHIFT) |
		       ((uint64_t)VTD_PGTT_FL << VTD_PTE_Q0_PGTT_SHIFT) | VTD_PTE_Q0_P;
		e[2] = dom->pt.root | (dom->pt.levels == 5 ? (1ull << VTD_PTE_Q2_FLPM_SHIFT) : 0);
		return 0;
	}
	/* intel_pasid_setup_second_level */
	e[0] = dom->pt.root | ((uint64_t)dom->agaw << VTD_PTE_Q0_AW_SHIFT) |
	       ((uint64_t)VTD_PGTT_SL << VTD_PTE_Q0_PGTT_SHIFT) |
	       (dom->dirty_tracking ? VTD_PTE_Q0_SLADE : 0) | VTD_PTE_Q0_P;
	return 0;
}

/* The translation caches tagged by (did, pasid) of an entry of type pgtt. */
static void flush_pasid_translations(struct vdrv_iommu *v, uint16_t did, uint32_t pasid,
				     unsigned pgtt)
{
	uint64_t x[4];

	if (pgtt == VTD_PGTT_PT || pgtt == VTD_PGTT_FL)
		vdrv_desc_piotlb(x, did, pasid, 0, 0, true, false);
	else
		vdrv_desc_iotlb(v, x, VDRV_G_DOMAIN, did, 0, 0, false);
	inv(v, x);
}

int vdrv_pasid_set(struct vdrv_iommu *v, struct vdrv_dev *d, uint32_t pasid,
		  struct vdrv_domain *dom, iommusim_error_t *err)
{
	uint64_t pa = 0, e[8], old0 = 0, old1 = 0, x[4];
	int rc = pasid_entry(v, d, pasid, true, &pa, err);

	if (rc)
		return rc;
	rc = build_pasid_entry(v, dom, e, err);
	if (rc)
		return rc;
	(void)vdrv_read_pte(v, pa, &old0);
	(void)vdrv_read_pte(v, pa + 8, &old1);
	if (write_entry(v, pa, e, 8))
		return iommusim_error_set(err, -EIO, "vtd driver %s: PASID entry write failed",
					  v->name);
	if (old0 & VTD_PTE_Q0_P) {
		/* intel_pasid_flush_present: the old entry's caches */
		uint16_t old_did = (uint16_t)(old1 & VTD_PTE_Q1_DID_MASK);

		vdrv_desc_pc(x, VDRV_PC_G_PASID, old_did, pasid);
		inv(v, x);
		flush_pasid_translations(v, old_did, pasid,
					 (unsigned)((old0 & VTD_PTE_Q0_PGTT_MASK) >>
						    VTD_PTE_Q0_PGTT_SHIFT));
		vdrv_devtlb_flush_pasid(v, d, pasid);
	} else if (vdrv_capb(v, VTD_CAP_CM)) {
		/* pasid_flush_caches: a not-present entry may have been cached */
		uint16_t did = (uint16_t)(e[1] & VTD_PTE_Q1_DID_MASK);

		vdrv_desc_pc(x, VDRV_PC_G_PASID, did, pasid);
		inv(v, x);
		vdrv_desc_piotlb(x, did, pasid, 0, 0, true, false);
		inv(v, x);
	} else {
		(void)vdrv_flush_write_buffer(v, NULL);
	}
	return 0;
}

void vdrv_pasid_clear(struct vdrv_iommu *v, struct vdrv_dev *d, uint32_t pasid)
{
	uint64_t pa = 0, e0 = 0, e1 = 0, x[4];
	uint16_t did;

	if (pasid_entry(v, d, pasid, false, &pa, NULL))
		return;
	(void)vdrv_read_pte(v, pa, &e0);
	(void)vdrv_read_pte(v, pa + 8, &e1);
	if (!(e0 & VTD_PTE_Q0_P))
		return;
	did = (uint16_t)(e1 & VTD_PTE_Q1_DID_MASK);
	clear_entry(v, pa, 8);
	/* intel_pasid_tear_down_entry */
	vdrv_desc_pc(x, VDRV_PC_G_PASID, did, pasid);
	inv(v, x);
	flush_pasid_translations(v, did, pasid,
				 (unsigned)((e0 & VTD_PTE_Q0_PGTT_MASK) >> VTD_PTE_Q0_PGTT_SHIFT));
	vdrv_devtlb_flush_pasid(v, d, pasid);
}

int vdrv_pasid_set_slade(struct vdrv_iommu *v, struct vdrv_dev *d, uint32_t pasid, bool on,
			iommusim_error_t *err)
{
	uint64_t pa = 0, e0 = 0, e1 = 0, x[4];
	uint16_t did;
	int rc = pasid_entry(v, d, pasid, false, &pa, err);

	if (rc)
		return rc == -ENOENT ? iommusim_error_set(err, -ENODEV, "vtd driver %s: PASID %u "
							  "of %s is not set up", v->name, pasid,
							  d->pdev->name)
				     : rc;
	(void)vdrv_read_pte(v, pa, &e0);
	(void)vdrv_read_pte(v, pa + 8, &e1);
	if (!(e0 & VTD_PTE_Q0_P))
		return iommusim_error_set(err, -ENODEV, "vtd driver %s: PASID %u of %s is not "
					  "present", v->name, pasid, d->pdev->name);
	if (((e0 & VTD_PTE_Q0_SLADE) != 0) == on)
		return 0;
	e0 = on ? (e0 | VTD_PTE_Q0_SLADE) : (e0 & ~VTD_PTE_Q0_SLADE);
	if (vdrv_write_pte(v, pa, e0))
		return iommusim_error_set(err, -EIO, "vtd driver %s: PASID entry write failed",
					  v->name);
	/* intel_pasid_setup_dirty_tracking, following table 25 of the specification */
	did = (uint16_t)(e1 & VTD_PTE_Q1_DID_MASK);
	vdrv_desc_pc(x, VDRV_PC_G_PASID, did, pasid);
	inv(v, x);
	vdrv_desc_iotlb(v, x, VDRV_G_DOMAIN, did, 0, 0, false);
	inv(v, x);
	vdrv_devtlb_flush_pasid(v, d, pasid);
	return 0;
}

void vdrv_pasid_free_tables(struct vdrv_iommu *v, struct vdrv_dev *d)
{
	if (d->pasid_tbl) {
		for (unsigned i = 0; i < VDRV_PASID_DIR_ENTRIES; i++)
			vdrv_frame_free(v, d->pasid_tbl[i]);
		free(d->pasid_tbl);
		d->pasid_tbl = NULL;
	}
	vdrv_frame_free(v, d->pasid_dir);
	d->pasid_dir = 0;
}
