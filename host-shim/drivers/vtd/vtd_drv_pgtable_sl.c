/* SPDX-License-Identifier: MIT */
/*
 * Second-level table format (spec 9.8) as intel-iommu writes it: non-leaf entries readable
 * and writable, leaves with R/W from the mapping's protection and PS at levels 2 and 3. An
 * entry is present when R or W is set (dma_pte_present). With SLADE in the PASID entry the
 * hardware sets A and D (bits 8, 9) on use; D is what dirty tracking reads and clears.
 */
#include "host-shim/drivers/vtd/vtd_drv_priv.h"

static uint64_t sl_mk_table(uint64_t pa)
{
	return (pa & VTD_SL_ADDR_MASK) | VTD_SL_R | VTD_SL_W;
}

static uint64_t sl_mk_leaf(uint64_t pa, unsigned level, unsigned prot)
{
	uint64_t e = pa & VTD_SL_ADDR_MASK;

	if (prot & DRV_PROT_READ)
		e |= VTD_SL_R;
	if (prot & DRV_PROT_WRITE)
		e |= VTD_SL_W;
	if (level > 1)
		e |= VTD_SL_PS;
	return e;
}

static bool sl_present(uint64_t pte)
{
	return (pte & (VTD_SL_R | VTD_SL_W)) != 0;
}

const struct vdrv_pt_fmt vdrv_fmt_sl = {
	.name = "second-level",
	.mk_table = sl_mk_table,
	.mk_leaf = sl_mk_leaf,
	.present = sl_present,
	.ps_bit = VTD_SL_PS,
	.addr_mask = VTD_SL_ADDR_MASK,
	.dirty_bit = VTD_SL_D,
};
