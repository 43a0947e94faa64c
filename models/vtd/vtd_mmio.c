/* SPDX-License-Identifier: MIT */
/*
 * Register access (spec 10.4). 64-bit registers may be accessed as two 32-bit halves; an
 * 8-byte access to two 32-bit registers is split in two. Offsets 0x080..0x0b7 belong to the
 * invalidation queue (vtd_iq.c), 0x0c0..0x0ef to the page request queue (vtd_prq.c).
 *
 * GCMD (10.4.4): software changes one command at a time, writing the current status with
 * one bit changed. Enables (TE, QIE) follow the written value; one-shot commands (SRTP,
 * WBF) act when written as 1. SRTP latches RTADDR (address and TTM, kept as written even
 * when TTM is reserved or not supported: translations then fault RTA.1) and sets RTPS; with
 * CAP.ESRTPS it also invalidates every cache. WBF works only when CAP.RWBF is advertised;
 * WBFS reads 1 until the flush's modelled end. SFL, EAFL, IRE, SIRTP and CFI are ignored:
 * advanced fault logging and interrupt remapping are not advertised.
 *
 * CCMD / IOTLB (10.4.7, 10.4.8): writing ICC / IVT = 1 performs the invalidation; the bit
 * reads 1 until the modelled completion (fixed cost plus a per-entry scan cost) and the
 * actual granularity (CAIG / IAIG) appears then. A request is not performed (actual
 * granularity 0) when queued invalidation is enabled, for context-cache requests in
 * scalable mode, for a reserved granularity and for a page request with AM > MAMV. Without
 * CAP.PSI a page-selective request is performed domain-selective.
 */
#include <errno.h>

#include "models/vtd/vtd_priv.h"

static bool vtd_frcd_range(const struct vtd *v, uint64_t off)
{
	uint64_t base = VTD_REG_FRCD(VTD_IMPL_FRO, 0);

	return off >= base && off < base + (uint64_t)v->cfg.nfr * 16;
}

void vtd_regs_reset(struct vtd *v)
{
	/* called before the queues' reset, which sees legacy mode again */
	v->gsts = 0;
	v->rtaddr = 0;
	v->rta_active = 0;
	v->ttm_active = VTD_TTM_LEGACY;
	v->ccmd = 0;
	v->ccmd_busy_until = 0;
	v->iotlb_reg = 0;
	v->iva = 0;
	v->iotlb_busy_until = 0;
	v->wbf_busy_until = 0;
}

static iommusim_time_t vtd_inval_cost(const struct vtd *v, size_t scanned)
{
	return iommusim_time_add(v->lat.reg_inval, (iommusim_time_t)scanned * v->lat.inval_entry);
}

static void vtd_ccmd_exec(struct vtd *v, uint64_t val, iommusim_time_t t)
{
	unsigned cirg = (unsigned)((val & VTD_CCMD_CIRG_MASK) >> VTD_CCMD_CIRG_SHIFT);
	uint16_t did = (uint16_t)(val & VTD_CCMD_DID_MASK);
	uint16_t sid = (uint16_t)((val & VTD_CCMD_SID_MASK) >> VTD_CCMD_SID_SHIFT);
	unsigned fm = (unsigned)((val & VTD_CCMD_FM_MASK) >> VTD_CCMD_FM_SHIFT);
	unsigned caig = 0;
	size_t scanned = 0;

	if (!(v->gsts & VTD_GSTS_QIES) && v->ttm_active != VTD_TTM_SCALABLE && cirg != 0 &&
	    vtd_inval_context(v, cirg, did, sid, fm, &scanned) == 0)
		caig = cirg;
	v->ccmd = (val & ~(VTD_CCMD_ICC | VTD_CCMD_CAIG_MASK)) |
		  ((uint64_t)caig << VTD_CCMD_CAIG_SHIFT);
	v->ccmd_busy_until = iommusim_time_add(t, vtd_inval_cost(v, scanned));
}

static void vtd_iotlb_exec(struct vtd *v, uint64_t val, iommusim_time_t t)
{
	unsigned iirg = (unsigned)((val & VTD_IOTLB_IIRG_MASK) >> VTD_IOTLB_IIRG_SHIFT);
	uint16_t did = (uint16_t)((val & VTD_IOTLB_DID_MASK) >> VTD_IOTLB_DID_SHIFT);
	unsigned am = (unsigned)(v->iva & VTD_IVA_AM_MASK);
	unsigned iaig = 0;
	size_t scanned = 0;

	if (iirg == VTD_INV_PAGE && !vtd_cap(v, VTD_CAP_PSI))
		iirg = VTD_INV_DOMAIN;
	if (!(v->gsts & VTD_GSTS_QIES) && iirg != 0 &&
	    !(iirg == VTD_INV_PAGE && am > v->cfg.mamv) &&
	    vtd_inval_iotlb(v, iirg, did, v->iva & VTD_IVA_ADDR_MASK, am,
			    (v->iva & VTD_IVA_IH) != 0, &scanned) == 0)
		iaig = iirg;
	v->iotlb_reg = (val & ~(VTD_IOTLB_IVT | VTD_IOTLB_IAIG_MASK)) |
		       ((uint64_t)iaig << VTD_IOTLB_IAIG_SHIFT);
	v->iotlb_busy_until = iommusim_time_add(t, vtd_inval_cost(v, scanned));
}

static void vtd_gcmd_write(struct vtd *v, uint32_t val, iommusim_time_t t)
{
	if (val & VTD_GCMD_SRTP) {
		v->rta_active = v->rtaddr & VTD_RTADDR_RTA_MASK;
		v->ttm_active = (unsigned)((v->rtaddr & VTD_RTADDR_TTM_MASK) >> VTD_RTADDR_TTM_SHIFT);
		v->gsts |= VTD_GSTS_RTPS;
		vtd_iq_set_scalable(v, v->ttm_active == VTD_TTM_SCALABLE);
		if (vtd_cap(v, VTD_CAP_ESRTPS))
			vtd_caches_flush(v);
	}
	if (val & VTD_GCMD_TE)
		v->gsts |= VTD_GSTS_TES;
	else
		v->gsts &= ~VTD_GSTS_TES;
	if (vtd_ecap(v, VTD_ECAP_QI)) {
		bool on = (val & VTD_GCMD_QIE) != 0;

		if (on != ((v->gsts & VTD_GSTS_QIES) != 0)) {
			vtd_iq_set_enabled(v, on, t);
			if (on)
				v->gsts |= VTD_GSTS_QIES;
			else
				v->gsts &= ~VTD_GSTS_QIES;
		}
	}
	if ((val & VTD_GCMD_WBF) && vtd_cap(v, VTD_CAP_RWBF))
		v->wbf_busy_until = iommusim_time_add(t, v->lat.wbf);
}

/* ---- 32-bit views of every register ---------------------------------------------------- */

static uint64_t vtd_reg64_read(struct vtd *v, uint64_t base, iommusim_time_t t, bool *found)
{
	*found = true;
	switch (base) {
	case VTD_REG_CAP:
		return v->cap;
	case VTD_REG_ECAP:
		return v->ecap;
	case VTD_REG_RTADDR:
		return v->rtaddr;
	case VTD_REG_CCMD:
		if (t < v->ccmd_busy_until)
			return (v->ccmd & ~VTD_CCMD_CAIG_MASK) | VTD_CCMD_ICC;
		return v->ccmd;
	case VTD_REG_IVA(VTD_IMPL_IRO):
		return v->iva;
	case VTD_REG_IOTLB(VTD_IMPL_IRO):
		if (t < v->iotlb_busy_until)
			return (v->iotlb_reg & ~VTD_IOTLB_IAIG_MASK) | VTD_IOTLB_IVT;
		return v->iotlb_reg;
	case VTD_REG_AFLOG:
	case VTD_REG_PHMBASE:
	case VTD_REG_PHMLIMIT:
	case VTD_REG_IRTA:
		return 0;   /* AFL, PHMR and IR not advertised */
	default:
		*found = false;
		return 0;
	}
}

/* Writes a 64-bit register; `mask` says which bytes the access wrote (the rest keep the
 * current value), so a command bit only acts when this access wrote it. */
static bool vtd_reg64_write(struct vtd *v, uint64_t base, uint64_t val, uint64_t mask,
			    iommusim_time_t t)
{
	switch (base) {
	case VTD_REG_RTADDR:
		v->rtaddr = ((v->rtaddr & ~mask) | (val & mask)) & ~0x3ffull;
		return true;
	case VTD_REG_CCMD: {
		uint64_t cur = v->ccmd & ~VTD_CCMD_ICC;
		uint64_t nv = (cur & ~mask) | (val & mask);

		if ((mask & VTD_CCMD_ICC) && (val & VTD_CCMD_ICC) && t >= v->ccmd_busy_until)
			vtd_ccmd_exec(v, nv, t);
		else
			v->ccmd = (nv & ~VTD_CCMD_ICC);
		return true;
	}
	case VTD_REG_IVA(VTD_IMPL_IRO):
		v->iva = ((v->iva & ~mask) | (val & mask)) &
			 (VTD_IVA_ADDR_MASK | VTD_IVA_IH | VTD_IVA_AM_MASK);
		return true;
	case VTD_REG_IOTLB(VTD_IMPL_IRO): {
		uint64_t cur = v->iotlb_reg & ~VTD_IOTLB_IVT;
		uint64_t nv = (cur & ~mask) | (val & mask);

		if ((mask & VTD_IOTLB_IVT) && (val & VTD_IOTLB_IVT) && t >= v->iotlb_busy_until)
			vtd_iotlb_exec(v, nv, t);
		else
			v->iotlb_reg = nv & ~VTD_IOTLB_IVT;
		return true;
	}
	case VTD_REG_CAP:
	case VTD_REG_ECAP:
	case VTD_REG_AFLOG:
	case VTD_REG_PHMBASE:
	case VTD_REG_PHMLIMIT:
	case VTD_REG_IRTA:
		return true;   /* read-only or not implemented: writes ignored */
	default:
		return false;
	}
}

static uint32_t vtd_read32(struct vtd *v, uint64_t off, iommusim_time_t t)
{
	bool found;
	uint64_t q = vtd_reg64_read(v, off & ~7ull, t, &found);

	if (found)
		return (uint32_t)(off & 4 ? q >> 32 : q);
	switch (off) {
	case VTD_REG_VER:
		return v->cfg.ver;
	case VTD_REG_GSTS:
		return v->gsts | (t < v->wbf_busy_until ? VTD_GSTS_WBFS : 0);
	case VTD_REG_FSTS:
		return vtd_fsts_read(v);
	case VTD_REG_FECTL:
		return v->fectl;
	case VTD_REG_FEDATA:
		return v->fedata;
	case VTD_REG_FEADDR:
		return v->feaddr;
	case VTD_REG_FEUADDR:
		return v->feuaddr;
	default:
		return 0;   /* GCMD is write-only; PMEN/PLM* not advertised; holes read 0 */
	}
}

static void vtd_write32(struct vtd *v, uint64_t off, uint32_t val, iommusim_time_t t)
{
	uint64_t shift = (off & 4) ? 32 : 0;

	if (vtd_reg64_write(v, off & ~7ull, (uint64_t)val << shift, 0xffffffffull << shift, t))
		return;
	switch (off) {
	case VTD_REG_GCMD:
		vtd_gcmd_write(v, val, t);
		break;
	case VTD_REG_FSTS:
		vtd_fsts_write(v, val, t);
		break;
	case VTD_REG_FECTL:
		vtd_fectl_write(v, val, t);
		break;
	case VTD_REG_FEDATA:
		v->fedata = val & VTD_FEDATA_MASK;
		break;
	case VTD_REG_FEADDR:
		v->feaddr = val & VTD_FEADDR_MASK;
		break;
	case VTD_REG_FEUADDR:
		v->feuaddr = val;
		break;
	default:
		break;   /* read-only registers and holes ignore writes */
	}
}

/* ---- the ops --------------------------------------------------------------------------- */

static bool vtd_access_ok(uint64_t off, unsigned size)
{
	return (size == 4 || size == 8) && !(off & (size - 1));
}

int vtd_mmio_read(void *m, uint64_t off, unsigned size, uint64_t *val, iommusim_time_t t)
{
	struct vtd *v = m;
	bool found;

	if (!val || !vtd_access_ok(off, size))
		return -EINVAL;
	*val = 0;
	if (vtd_iq_owns_reg(off))
		return vtd_iq_mmio_read(v, off, size, val, t);
	if (vtd_prq_owns_reg(off))
		return vtd_prq_mmio_read(v, off, size, val, t);
	if (vtd_frcd_range(v, off))
		return vtd_frcd_read(v, off - VTD_REG_FRCD(VTD_IMPL_FRO, 0), size, val) ? -EINVAL : 0;
	if (size == 8) {
		uint64_t q = vtd_reg64_read(v, off, t, &found);

		*val = found ? q : (uint64_t)vtd_read32(v, off, t) |
					   ((uint64_t)vtd_read32(v, off + 4, t) << 32);
	} else {
		*val = vtd_read32(v, off, t);
	}
	return 0;
}

int vtd_mmio_write(void *m, uint64_t off, unsigned size, uint64_t val, iommusim_time_t t)
{
	struct vtd *v = m;

	if (!vtd_access_ok(off, size))
		return -EINVAL;
	if (size == 4)
		val &= 0xffffffffull;
	if (vtd_iq_owns_reg(off))
		return vtd_iq_mmio_write(v, off, size, val, t);
	if (vtd_prq_owns_reg(off))
		return vtd_prq_mmio_write(v, off, size, val, t);
	if (vtd_frcd_range(v, off))
		return vtd_frcd_write(v, off - VTD_REG_FRCD(VTD_IMPL_FRO, 0), size, val, t) ? -EINVAL
											      : 0;
	if (size == 8) {
		if (vtd_reg64_write(v, off, val, ~0ull, t))
			return 0;
		vtd_write32(v, off, (uint32_t)val, t);
		vtd_write32(v, off + 4, (uint32_t)(val >> 32), t);
	} else {
		vtd_write32(v, off, (uint32_t)val, t);
	}
	return 0;
}
