/* SPDX-License-Identifier: MIT */
/*
 * Device context resolution (spec 3.4 legacy, 3.4.x/9.2-9.6 scalable mode): root and context
 * entries, the PASID directory and PASID table, with every structure check of the fault
 * tables of ch. 7 (present, reserved fields, capability-gated fields, invalid values).
 *
 * Reserved fields include the fields a capability controls when that capability is not
 * advertised (e.g. DTE without ECAP.DT, SLADE without ECAP.SLADS) and address bits at or
 * above the host address width. Values the specification calls invalid (TT = 11b or a TT,
 * AW or PGTT the hardware does not support) give the "invalid entry" faults (LCT.4, SPT.4).
 *
 * Results are cached (context cache, PASID cache) only when valid; with CAP.CM = 1 a
 * not-present context entry is cached too (caching mode lets hardware cache not-present
 * entries, so software must invalidate after making one present).
 */
#include <string.h>

#include "models/vtd/vtd_priv.h"

unsigned vtd_aw_levels(const struct vtd *v, unsigned aw)
{
	unsigned sagaw = (unsigned)((v->cap & VTD_CAP_SAGAW_MASK) >> VTD_CAP_SAGAW_SHIFT);

	if (aw < VTD_AW_39 || aw > VTD_AW_57 || !(sagaw & (1u << aw)))
		return 0;
	return aw + 2;
}

/* Pointer bits (63:12) at or above the host address width: reserved in every structure. */
static uint64_t vtd_ptr_rsvd(const struct vtd *v)
{
	return VTD_ADDR_MASK_4K & ~((1ull << v->cfg.haw) - 1);
}

static uint64_t vtd_did_rsvd(const struct vtd *v)
{
	unsigned nd = (unsigned)(v->cap & VTD_CAP_ND_MASK);
	unsigned bits = 4 + 2 * nd;

	return bits >= 16 ? 0 : 0xffffull & ~((1ull << bits) - 1);
}

/* ---- legacy mode (9.1, 9.3) -------------------------------------------------------------- */

static uint32_t vtd_legacy_fetch(struct vtd_op *op, uint16_t sid, struct vtd_ctx_info *ci)
{
	struct vtd *v = op->v;
	uint64_t re[2], ce[2];
	unsigned bus = sid >> 8, devfn = sid & 0xff;

	if (vtd_op_read(op, v->rta_active + (uint64_t)bus * VTD_ROOT_ENTRY_SIZE, re, sizeof(re), -1,
			0))
		return VTD_FR_LRT_1;
	if (!(re[0] & VTD_RE_LO_P))
		return VTD_FR_LRT_2;
	if ((re[0] & (VTD_RE_LO_RSVD | vtd_ptr_rsvd(v))) || re[1])
		return VTD_FR_LRT_3;
	if (vtd_op_read(op, (re[0] & VTD_RE_LO_CTP_MASK) + (uint64_t)devfn * VTD_CTX_ENTRY_SIZE, ce,
			sizeof(ce), -1, 0))
		return VTD_FR_LCT_1;

	memset(ci, 0, sizeof(*ci));
	ci->fpd = (ce[0] & VTD_CE_LO_FPD) != 0;
	op->fpd |= ci->fpd;
	if (!(ce[0] & VTD_CE_LO_P))
		return VTD_FR_LCT_2;

	unsigned tt = (unsigned)((ce[0] & VTD_CE_LO_TT_MASK) >> VTD_CE_LO_TT_SHIFT);
	uint64_t did = (ce[1] & VTD_CE_HI_DID_MASK) >> VTD_CE_HI_DID_SHIFT;

	if ((ce[0] & VTD_CE_LO_RSVD) || (ce[1] & VTD_CE_HI_RSVD) || (did & vtd_did_rsvd(v)) ||
	    (tt != VTD_TT_PASS_THROUGH && (ce[0] & vtd_ptr_rsvd(v))))
		return VTD_FR_LCT_3;
	/* LCT.4: TT reserved or not supported, AW not supported (for translating types). */
	if (tt == VTD_TT_RESERVED || (tt == VTD_TT_DEV_TLB && !vtd_ecap(v, VTD_ECAP_DT)) ||
	    (tt == VTD_TT_PASS_THROUGH && !vtd_ecap(v, VTD_ECAP_PT)))
		return VTD_FR_LCT_4;
	ci->tt = (uint8_t)tt;
	ci->did = (uint16_t)did;
	if (tt != VTD_TT_PASS_THROUGH) {
		ci->levels = (uint8_t)vtd_aw_levels(v, (unsigned)(ce[1] & VTD_CE_HI_AW_MASK));
		if (!ci->levels)
			return VTD_FR_LCT_4;
		ci->slptptr = ce[0] & VTD_CE_LO_SLPTPTR;
	}
	return 0;
}

/* ---- scalable mode (9.2, 9.4) ----------------------------------------------------------- */

static uint32_t vtd_sm_fetch(struct vtd_op *op, uint16_t sid, struct vtd_ctx_info *ci)
{
	struct vtd *v = op->v;
	uint64_t re[2], ce[4], half, ctp;
	unsigned bus = sid >> 8, devfn = sid & 0xff;
	bool upper = devfn >= 0x80;

	if (vtd_op_read(op, v->rta_active + (uint64_t)bus * VTD_ROOT_ENTRY_SIZE, re, sizeof(re), -1,
			0))
		return VTD_FR_SRT_1;
	half = upper ? re[1] : re[0];
	if (!(half & VTD_SRE_LO_LP))
		return VTD_FR_SRT_2;
	if (half & (VTD_SRE_LO_RSVD | vtd_ptr_rsvd(v)))
		return VTD_FR_SRT_3;
	ctp = half & VTD_SRE_LO_LCTP;
	if (vtd_op_read(op, ctp + (uint64_t)(devfn & 0x7f) * VTD_SM_CTX_ENTRY_SIZE, ce, sizeof(ce),
			-1, 0))
		return VTD_FR_SCT_1;

	memset(ci, 0, sizeof(*ci));
	ci->sm = 1;
	ci->fpd = (ce[0] & VTD_SCE_Q0_FPD) != 0;
	op->fpd |= ci->fpd;
	if (!(ce[0] & VTD_SCE_Q0_P))
		return VTD_FR_SCT_2;

	uint64_t rsvd0 = VTD_SCE_Q0_RSVD | vtd_ptr_rsvd(v);
	uint64_t rsvd1 = VTD_SCE_Q1_RSVD;

	if (!vtd_ecap(v, VTD_ECAP_DT))
		rsvd0 |= VTD_SCE_Q0_DTE;
	if (!vtd_ecap(v, VTD_ECAP_PASID))
		rsvd0 |= VTD_SCE_Q0_PASIDE;
	if (!vtd_ecap(v, VTD_ECAP_PRS))
		rsvd0 |= VTD_SCE_Q0_PRE;
	if (!vtd_ecap(v, VTD_ECAP_RPRIVS))
		rsvd1 |= VTD_SCE_Q1_RID_PRIV;
	if (!vtd_ecap(v, VTD_ECAP_RPS))
		rsvd1 |= VTD_SCE_Q1_RID_PASID_MASK;
	if ((ce[0] & rsvd0) || (ce[1] & rsvd1) || ce[2] || ce[3])
		return VTD_FR_SCT_3;

	ci->dte = (ce[0] & VTD_SCE_Q0_DTE) != 0;
	ci->paside = (ce[0] & VTD_SCE_Q0_PASIDE) != 0;
	ci->pre = (ce[0] & VTD_SCE_Q0_PRE) != 0;
	ci->pdts = (uint8_t)((ce[0] & VTD_SCE_Q0_PDTS_MASK) >> VTD_SCE_Q0_PDTS_SHIFT);
	ci->pasid_dir = ce[0] & VTD_SCE_Q0_PASIDDIRPTR;
	ci->rid_pasid = (uint32_t)(ce[1] & VTD_SCE_Q1_RID_PASID_MASK);
	ci->rid_priv = (ce[1] & VTD_SCE_Q1_RID_PRIV) != 0;
	/* SCT.9: RID_PASID outside the PASID space the hardware supports. */
	unsigned pss = (unsigned)((v->ecap & VTD_ECAP_PSS_MASK) >> VTD_ECAP_PSS_SHIFT);
	if (ci->rid_pasid >> (pss + 1))
		return VTD_FR_SCT_9;
	return 0;
}

uint32_t vtd_context_miss(struct vtd_op *op, uint16_t sid, struct vtd_ctx_info *ci)
{
	struct vtd *v = op->v;
	bool sm = v->ttm_active == VTD_TTM_SCALABLE;
	uint32_t fr;

	(*v->st.ctx_miss)++;
	op->cost->misses |= IOMMUSIM_XS_CONFIG;
	fr = sm ? vtd_sm_fetch(op, sid, ci) : vtd_legacy_fetch(op, sid, ci);
	if (!fr) {
		vtd_ctxc_insert(v, sid, sm, ci);
	} else if ((fr == VTD_FR_LCT_2 || fr == VTD_FR_SCT_2) && vtd_cap(v, VTD_CAP_CM)) {
		ci->fault = (uint8_t)fr;
		vtd_ctxc_insert(v, sid, sm, ci);
	}
	return fr;
}

/* ---- PASID directory and table (9.5, 9.6) ----------------------------------------------- */

static uint32_t vtd_pasid_fetch(struct vtd_op *op, const struct vtd_ctx_info *ci, uint32_t pasid,
				struct vtd_pasid_info *pi)
{
	struct vtd *v = op->v;
	uint64_t pde, pe[8];
	uint32_t fpd;

	if (vtd_op_read(op, ci->pasid_dir + (uint64_t)(pasid >> VTD_PASID_DIR_SHIFT) * 8, &pde,
			sizeof(pde), -2, 0))
		return VTD_FR_SPD_1;
	fpd = (pde & VTD_PDE_FPD) != 0;
	op->fpd |= fpd;
	if (!(pde & VTD_PDE_P))
		return VTD_FR_SPD_2;
	if (pde & (VTD_PDE_RSVD | vtd_ptr_rsvd(v)))
		return VTD_FR_SPD_3;
	if (vtd_op_read(op, (pde & VTD_PDE_PTP) + (uint64_t)(pasid % VTD_PASID_TABLE_ENTRIES) *
						     VTD_PASID_ENTRY_SIZE,
			pe, sizeof(pe), -2, 0))
		return VTD_FR_SPT_1;
	memset(pi, 0, sizeof(*pi));
	fpd |= (pe[0] & VTD_PTE_Q0_FPD) != 0;
	op->fpd |= fpd;
	pi->fpd = (uint8_t)fpd;
	if (!(pe[0] & VTD_PTE_Q0_P))
		return VTD_FR_SPT_2;

	unsigned pgtt = (unsigned)((pe[0] & VTD_PTE_Q0_PGTT_MASK) >> VTD_PTE_Q0_PGTT_SHIFT);
	bool uses_sl = pgtt == VTD_PGTT_SL || pgtt == VTD_PGTT_NESTED;
	bool uses_fl = pgtt == VTD_PGTT_FL || pgtt == VTD_PGTT_NESTED;
	uint64_t rsvd0 = VTD_PTE_Q0_RSVD, rsvd1 = VTD_PTE_Q1_RSVD, rsvd2 = VTD_PTE_Q2_RSVD;

	if (!vtd_ecap(v, VTD_ECAP_SLADS))
		rsvd0 |= VTD_PTE_Q0_SLADE;
	if (!vtd_ecap(v, VTD_ECAP_ERS))
		rsvd0 |= VTD_PTE_Q0_SLEE;
	if (!vtd_ecap(v, VTD_ECAP_SRS))
		rsvd2 |= VTD_PTE_Q2_SRE;
	if (!vtd_ecap(v, VTD_ECAP_ERS))
		rsvd2 |= VTD_PTE_Q2_ERE;
	if (!vtd_ecap(v, VTD_ECAP_EAFS))
		rsvd2 |= VTD_PTE_Q2_EAFE;
	if (uses_sl)
		rsvd0 |= vtd_ptr_rsvd(v);
	if (pgtt == VTD_PGTT_FL)
		rsvd2 |= vtd_ptr_rsvd(v);
	rsvd1 |= vtd_did_rsvd(v);
	if ((pe[0] & rsvd0) || (pe[1] & rsvd1) || (pe[2] & rsvd2) || pe[3] || pe[4] || pe[5] ||
	    pe[6] || pe[7])
		return VTD_FR_SPT_3;

	/* SPT.4: PGTT reserved or not supported, AW or FLPM not supported. */
	switch (pgtt) {
	case VTD_PGTT_FL:
		if (!vtd_ecap(v, VTD_ECAP_FLTS))
			return VTD_FR_SPT_4;
		break;
	case VTD_PGTT_SL:
		if (!vtd_ecap(v, VTD_ECAP_SLTS))
			return VTD_FR_SPT_4;
		break;
	case VTD_PGTT_NESTED:
		if (!vtd_ecap(v, VTD_ECAP_NEST))
			return VTD_FR_SPT_4;
		break;
	case VTD_PGTT_PT:
		if (!vtd_ecap(v, VTD_ECAP_PT))
			return VTD_FR_SPT_4;
		break;
	default:
		return VTD_FR_SPT_4;
	}
	if (uses_sl) {
		pi->sl_levels = (uint8_t)vtd_aw_levels(v, (unsigned)((pe[0] & VTD_PTE_Q0_AW_MASK) >>
								    VTD_PTE_Q0_AW_SHIFT));
		if (!pi->sl_levels)
			return VTD_FR_SPT_4;
		pi->slptptr = pe[0] & VTD_PTE_Q0_SLPTPTR;
	}
	if (uses_fl) {
		unsigned flpm = (unsigned)((pe[2] & VTD_PTE_Q2_FLPM_MASK) >> VTD_PTE_Q2_FLPM_SHIFT);

		if (flpm > 1 || (flpm == 1 && !vtd_cap(v, VTD_CAP_FL5LP)))
			return VTD_FR_SPT_4;
		pi->fl_levels = (uint8_t)(flpm ? 5 : 4);
		pi->flptptr = pe[2] & VTD_PTE_Q2_FLPTPTR;
	}
	pi->pgtt = (uint8_t)pgtt;
	pi->did = (uint16_t)(pe[1] & VTD_PTE_Q1_DID_MASK);
	pi->slee = (pe[0] & VTD_PTE_Q0_SLEE) != 0;
	pi->slade = (pe[0] & VTD_PTE_Q0_SLADE) != 0;
	pi->pgsnp = (pe[1] & VTD_PTE_Q1_PGSNP) != 0;
	pi->sre = (pe[2] & VTD_PTE_Q2_SRE) != 0;
	pi->ere = (pe[2] & VTD_PTE_Q2_ERE) != 0;
	pi->wpe = (pe[2] & VTD_PTE_Q2_WPE) != 0;
	pi->nxe = (pe[2] & VTD_PTE_Q2_NXE) != 0;
	pi->smep = (pe[2] & VTD_PTE_Q2_SMEP) != 0;
	pi->eafe = (pe[2] & VTD_PTE_Q2_EAFE) != 0;
	return 0;
}

uint32_t vtd_pasid_miss(struct vtd_op *op, uint16_t sid, const struct vtd_ctx_info *ci,
			uint32_t pasid, struct vtd_pasid_info *pi)
{
	struct vtd *v = op->v;
	uint32_t fr;

	(*v->st.pasid_miss)++;
	op->cost->misses |= IOMMUSIM_XS_PASID;
	fr = vtd_pasid_fetch(op, ci, pasid, pi);
	if (!fr)
		vtd_pasidc_insert(v, sid, pasid, pi);
	return fr;
}
