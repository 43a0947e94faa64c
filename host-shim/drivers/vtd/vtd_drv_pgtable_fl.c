/* SPDX-License-Identifier: MIT */
/*
 * First-level table format (spec 9.7, IA-32e paging entries) as intel-iommu writes it for
 * its own DMA domains: every entry has U/S set, since requests without PASID are user
 * requests; non-leaf entries are present, writable and accessed; a leaf is present and
 * accessed, and writable and dirty when the mapping allows writes (so the hardware never
 * needs to set A or D itself). XD is left clear: the PASID entry does not enable NXE.
 */
#include "host-shim/drivers/vtd/vtd_drv_priv.h"

static uint64_t fl_mk_table(uint64_t pa)
{
	return (pa & VTD_FL_ADDR_MASK) | VTD_FL_P | VTD_FL_RW | VTD_FL_US | VTD_FL_A;
}

static uint64_t fl_mk_leaf(uint64_t pa, unsigned level, unsigned prot)
{
	uint64_t e = (pa & VTD_FL_ADDR_MASK) | VTD_FL_P | VTD_FL_US | VTD_FL_A;

	if (prot & DRV_PROT_WRITE)
		e |= VTD_FL_RW | VTD_FL_D;
	if (level > 1)
		e |= VTD_FL_PS;
	return e;
}

static bool fl_present(uint64_t pte)
{
	return (pte & VTD_FL_P) != 0;
}

const struct vdrv_pt_fmt vdrv_fmt_fl = {
	.name = "first-level",
	.mk_table = fl_mk_table,
	.mk_leaf = fl_mk_leaf,
	.present = fl_present,
	.ps_bit = VTD_FL_PS,
	.addr_mask = VTD_FL_ADDR_MASK,
	.dirty_bit = 0,
};
