/* SPDX-License-Identifier: MIT */
/*
 * Primary fault logging and the fault event (spec 7.2.1, 7.3, 10.4.9 - 10.4.14).
 *
 * Recording: hardware keeps an internal index of the fault recording register to write next
 * (reset to 0). A fault is written there if that register's F is clear; the index then
 * advances (wrapping at CAP.NFR). If F is set the fault is dropped and FSTS.PFO is set; while
 * PFO stays set every further fault is dropped too, until software clears it.
 * FSTS.PPF is the OR of all F fields; when a record makes PPF go from 0 to 1, FSTS.FRI gets
 * that record's index.
 *
 * Fault event: setting PPF, PFO, IQE, ICE, ITE or PRO is an interrupt condition only if none
 * of them was set before. On an interrupt condition FECTL.IP is set; with FECTL.IM clear the
 * MSI (FEDATA to FEUADDR:FEADDR) is sent at once and IP cleared, otherwise it is held until
 * software clears IM. IP also clears, without a message, when software has cleared every
 * status it stands for.
 *
 * Qualified faults (those found in or after an entry carrying an FPD bit) are not recorded
 * when such a bit was set; root-table, root-entry and context-table access faults are not
 * qualified (no FPD bit has been read yet).
 */
#include <errno.h>
#include <string.h>

#include "iommusim/vtd.h"
#include "models/vtd/vtd_priv.h"

#define VTD_FSTS_EVENT_BITS (VTD_FSTS_PFO | VTD_FSTS_PPF | VTD_FSTS_IQE | VTD_FSTS_ICE | \
			     VTD_FSTS_ITE | VTD_FSTS_PRO)

bool vtd_fault_qualified(uint32_t reason)
{
	switch (reason) {
	case VTD_FR_LRT_1:
	case VTD_FR_LRT_2:
	case VTD_FR_LRT_3:
	case VTD_FR_LCT_1:
	case VTD_FR_RTA_1:
	case VTD_FR_RTA_2:
	case VTD_FR_RTA_3:
	case VTD_FR_SRT_1:
	case VTD_FR_SRT_2:
	case VTD_FR_SRT_3:
	case VTD_FR_SCT_1:
		return false;
	default:
		return true;
	}
}

uint32_t vtd_fsts_read(const struct vtd *v)
{
	return (v->fsts & ~VTD_FSTS_PPF) | (v->frcd_pending ? VTD_FSTS_PPF : 0);
}

static void vtd_fault_msi(struct vtd *v, iommusim_time_t t)
{
	v->fectl &= ~VTD_FECTL_IP;
	(*v->st.fault_irq)++;
	if (v->env.msi)
		v->env.msi(v->env.msi_ctx, ((uint64_t)v->feuaddr << 32) | v->feaddr, v->fedata, t);
}

/* An interrupt condition (7.3). */
static void vtd_fault_event(struct vtd *v, iommusim_time_t t)
{
	v->fectl |= VTD_FECTL_IP;
	if (!(v->fectl & VTD_FECTL_IM))
		vtd_fault_msi(v, t);
}

/* IP clears when nothing it stands for is pending any more. */
static void vtd_fault_ip_check(struct vtd *v)
{
	if (!(vtd_fsts_read(v) & VTD_FSTS_EVENT_BITS))
		v->fectl &= ~VTD_FECTL_IP;
}

void vtd_fsts_set(struct vtd *v, uint32_t bits, iommusim_time_t t)
{
	uint32_t before = vtd_fsts_read(v) & VTD_FSTS_EVENT_BITS;

	bits &= VTD_FSTS_EVENT_BITS & ~VTD_FSTS_PPF;   /* PPF follows the records */
	v->fsts |= bits;
	if (bits && !before)
		vtd_fault_event(v, t);
}

void vtd_fsts_write(struct vtd *v, uint32_t val, iommusim_time_t t)
{
	uint32_t cleared = v->fsts & val & VTD_FSTS_RW1C;

	v->fsts &= ~cleared;
	vtd_fault_ip_check(v);
	if (cleared & (VTD_FSTS_IQE | VTD_FSTS_ICE | VTD_FSTS_ITE))
		vtd_iq_fsts_cleared(v, cleared, t);
}

void vtd_fectl_write(struct vtd *v, uint32_t val, iommusim_time_t t)
{
	v->fectl = (v->fectl & ~VTD_FECTL_IM) | (val & VTD_FECTL_IM);
	if (!(v->fectl & VTD_FECTL_IM) && (v->fectl & VTD_FECTL_IP))
		vtd_fault_msi(v, t);
}

static void vtd_fault_record(struct vtd *v, const struct vtd_fault *f, iommusim_time_t t)
{
	unsigned i = v->frcd_next;
	uint64_t hi;
	bool read = (f->access & IOMMUSIM_ACC_READ) || !(f->access & IOMMUSIM_ACC_WRITE);
	bool write = (f->access & IOMMUSIM_ACC_WRITE) != 0;

	/* Spec 7.2.1: while FSTS.PFO is set nothing more is recorded, even into a free
	 * register; software must clear PFO first. */
	if ((v->fsts & VTD_FSTS_PFO) || (v->frcd[i][1] & VTD_FRCD_HI_F)) {
		(*v->st.fault_overflow)++;
		vtd_fsts_set(v, VTD_FSTS_PFO, t);
		return;
	}
	hi = (uint64_t)f->sid | ((uint64_t)(f->reason & 0xff) << VTD_FRCD_HI_FR_SHIFT) |
	     VTD_FRCD_HI_F;
	if (f->pasid_valid) {
		hi |= VTD_FRCD_HI_PP | (((uint64_t)f->pasid << VTD_FRCD_HI_PV_SHIFT) &
					VTD_FRCD_HI_PV_MASK);
		if (f->access & IOMMUSIM_ACC_PRIV)
			hi |= VTD_FRCD_HI_PRIV;
		if (f->access & IOMMUSIM_ACC_EXEC)
			hi |= VTD_FRCD_HI_EXE;
	}
	/* Request type {T2, T1}: 00 write, 01 read, 10 translation request, 11 atomic. */
	switch (f->type) {
	case IOMMUSIM_REQ_ATS_TRANSLATE:
		hi |= VTD_FRCD_HI_T2 | ((uint64_t)VTD_AT_TRANSLATION_REQ << VTD_FRCD_HI_AT_SHIFT);
		break;
	case IOMMUSIM_REQ_TRANSLATED:
		hi |= (uint64_t)VTD_AT_TRANSLATED << VTD_FRCD_HI_AT_SHIFT;
		/* fall through */
	default:
		if (read && write)
			hi |= VTD_FRCD_HI_T2 | VTD_FRCD_HI_T1;
		else if (read)
			hi |= VTD_FRCD_HI_T1;
		break;
	}
	v->frcd[i][0] = f->addr & VTD_FRCD_LO_FI_MASK;
	v->frcd[i][1] = hi;
	v->frcd_next = (i + 1) % v->cfg.nfr;
	(*v->st.fault_recorded)++;
	if (v->frcd_pending++ == 0) {
		uint32_t before = vtd_fsts_read(v) & VTD_FSTS_EVENT_BITS & ~VTD_FSTS_PPF;

		v->fsts = (v->fsts & ~VTD_FSTS_FRI_MASK) | ((uint32_t)i << VTD_FSTS_FRI_SHIFT);
		if (!before)
			vtd_fault_event(v, t);
	}
}

void vtd_fault_report(struct vtd_op *op, const struct vtd_fault *f)
{
	struct vtd *v = op->v;

	if (op->fpd && vtd_fault_qualified(f->reason)) {
		(*v->st.fault_fpd)++;
		return;
	}
	op->t += v->lat.fault;
	op->cost->other_ps += v->lat.fault;
	vtd_fault_record(v, f, op->t);
}

void vtd_fault_reset(struct vtd *v)
{
	memset(v->frcd, 0, (size_t)v->cfg.nfr * sizeof(*v->frcd));
	v->frcd_next = 0;
	v->frcd_pending = 0;
	v->fsts = 0;
	v->fectl = VTD_FECTL_IM;
	v->fedata = 0;
	v->feaddr = 0;
	v->feuaddr = 0;
}

int vtd_frcd_read(struct vtd *v, uint64_t off, unsigned size, uint64_t *val)
{
	uint64_t rec = off / 16, in = off % 16;
	uint64_t q;

	if (rec >= v->cfg.nfr)
		return -ENOENT;
	q = v->frcd[rec][in / 8];
	*val = size == 8 ? q : (in % 8 ? q >> 32 : q & 0xffffffffull);
	return 0;
}

int vtd_frcd_write(struct vtd *v, uint64_t off, unsigned size, uint64_t val, iommusim_time_t t)
{
	uint64_t rec = off / 16, in = off % 16;
	bool clear;

	(void)t;
	if (rec >= v->cfg.nfr)
		return -ENOENT;
	/* Only F (bit 127) is writable: write 1 to clear. */
	if (size == 8)
		clear = in == 8 && (val & VTD_FRCD_HI_F);
	else
		clear = in == 12 && (val & (1u << 31));
	if (clear && (v->frcd[rec][1] & VTD_FRCD_HI_F)) {
		v->frcd[rec][1] &= ~VTD_FRCD_HI_F;
		v->frcd_pending--;
		vtd_fault_ip_check(v);
	}
	return 0;
}

/* ---- names, for messages ---------------------------------------------------------------- */

const char *iommusim_vtd_fault_reason_name(uint32_t fr)
{
	switch (fr) {
	case VTD_FR_LRT_2: return "LRT.2 root entry not present";
	case VTD_FR_LCT_2: return "LCT.2 context entry not present";
	case VTD_FR_LCT_4: return "LCT.4 invalid context entry";
	case VTD_FR_LGN_1: return "LGN.1 address beyond the guest address width";
	case VTD_FR_LGN_2: return "LGN.2 no write permission";
	case VTD_FR_LGN_3: return "LGN.3 no read permission";
	case VTD_FR_LSL_1: return "LSL.1 second-level paging entry access failed";
	case VTD_FR_LRT_1: return "LRT.1 root table access failed";
	case VTD_FR_LCT_1: return "LCT.1 context table access failed";
	case VTD_FR_LRT_3: return "LRT.3 root entry reserved field set";
	case VTD_FR_LCT_3: return "LCT.3 context entry reserved field set";
	case VTD_FR_LSL_2: return "LSL.2 second-level paging entry reserved field set";
	case VTD_FR_LCT_5: return "LCT.5 request type blocked by the context's TT";
	case VTD_FR_LGN_4: return "LGN.4 output address in the interrupt range";
	case VTD_FR_RTA_1: return "RTA.1 root table mode (TTM) reserved or not supported";
	case VTD_FR_RTA_2: return "RTA.2 request with PASID in legacy mode";
	case VTD_FR_RTA_3: return "RTA.3 page request in legacy mode";
	case VTD_FR_SRT_1: return "SRT.1 root entry access failed";
	case VTD_FR_SRT_2: return "SRT.2 root entry not present";
	case VTD_FR_SRT_3: return "SRT.3 root entry reserved field set";
	case VTD_FR_SCT_1: return "SCT.1 context entry access failed";
	case VTD_FR_SCT_2: return "SCT.2 context entry not present";
	case VTD_FR_SCT_3: return "SCT.3 context entry reserved field set";
	case VTD_FR_SCT_4: return "SCT.4 invalid context entry";
	case VTD_FR_SCT_5: return "SCT.5 translation/translated request with DTE = 0";
	case VTD_FR_SCT_6: return "SCT.6 request with PASID with PASIDE = 0";
	case VTD_FR_SCT_7: return "SCT.7 PASID beyond the PASID directory";
	case VTD_FR_SCT_8: return "SCT.8 page request with PRE = 0";
	case VTD_FR_SCT_9: return "SCT.9 RID_PASID error";
	case VTD_FR_SPD_1: return "SPD.1 PASID directory entry access failed";
	case VTD_FR_SPD_2: return "SPD.2 PASID directory entry not present";
	case VTD_FR_SPD_3: return "SPD.3 PASID directory entry reserved field set";
	case VTD_FR_SPT_1: return "SPT.1 PASID table entry access failed";
	case VTD_FR_SPT_2: return "SPT.2 PASID table entry not present";
	case VTD_FR_SPT_3: return "SPT.3 PASID table entry reserved field set";
	case VTD_FR_SPT_4: return "SPT.4 invalid PASID table entry";
	case VTD_FR_SPT_5: return "SPT.5 execute request with ERE = 0";
	case VTD_FR_SPT_6: return "SPT.6 supervisor request with SRE = 0";
	case VTD_FR_SFL_1: return "SFL.1 first-level paging entry access failed";
	case VTD_FR_SFL_2: return "SFL.2 first-level paging entry not present";
	case VTD_FR_SFL_3: return "SFL.3 first-level paging entry reserved field set";
	case VTD_FR_SFL_4: return "SFL.4 first-level root access failed";
	case VTD_FR_SFL_5: return "SFL.5 first-level table address beyond the second-level width";
	case VTD_FR_SFL_6: return "SFL.6 no second-level read permission for the first-level root";
	case VTD_FR_SFL_7: return "SFL.7 no second-level read permission for a first-level table";
	case VTD_FR_SFL_8: return "SFL.8 no second-level write permission for a first-level A/D update";
	case VTD_FR_SFL_9: return "SFL.9 first-level A/D update needed without snoop";
	case VTD_FR_SFL_10: return "SFL.10 first-level A/D update failed";
	case VTD_FR_SSL_1: return "SSL.1 second-level paging entry access failed";
	case VTD_FR_SSL_2: return "SSL.2 second-level paging entry permission error";
	case VTD_FR_SSL_3: return "SSL.3 second-level paging entry reserved field set";
	case VTD_FR_SSL_4: return "SSL.4 invalid second-level table pointer";
	case VTD_FR_SSL_5: return "SSL.5 second-level A/D update needed without snoop";
	case VTD_FR_SGN_1: return "SGN.1 first-level address not canonical";
	case VTD_FR_SGN_2: return "SGN.2 user request to a supervisor page";
	case VTD_FR_SGN_3: return "SGN.3 no execute permission";
	case VTD_FR_SGN_4: return "SGN.4 address beyond the hardware maximum";
	case VTD_FR_SGN_5: return "SGN.5 second-level input address beyond the AGAW";
	case VTD_FR_SGN_6: return "SGN.6 no write permission";
	case VTD_FR_SGN_7: return "SGN.7 no read permission";
	case VTD_FR_SGN_8: return "SGN.8 output address in the interrupt range";
	default: return "unknown fault reason";
	}
}
