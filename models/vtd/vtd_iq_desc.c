/* SPDX-License-Identifier: MIT */
/*
 * Invalidation descriptors (VT-d spec 6.5.2.1-6.5.2.9): type decode, capability and
 * translation-mode gating, reserved-field checks, and the cache invalidations of the
 * context-cache, IOTLB, PASID-cache and PASID-based IOTLB descriptors.
 */
#include <errno.h>
#include <stddef.h>

#include "iommusim/hw/vtd_queue.h"
#include "models/vtd/vtd.h"
#include "models/vtd/vtd_iq_int.h"

/* Bit ranges [hi:lo] as masks, for the reserved-field tables below. */
#define BITS(hi, lo) ((~0ull >> (63 - (hi))) & (~0ull << (lo)))

const char *vtd_iq_type_name(unsigned type)
{
	static const char *const names[] = {
		[VTD_QI_TYPE_CC] = "cc",         [VTD_QI_TYPE_IOTLB] = "iotlb",
		[VTD_QI_TYPE_DEVTLB] = "devtlb", [VTD_QI_TYPE_IEC] = "iec",
		[VTD_QI_TYPE_WAIT] = "wait",     [VTD_QI_TYPE_PIOTLB] = "piotlb",
		[VTD_QI_TYPE_PC] = "pc",         [VTD_QI_TYPE_PDEVTLB] = "pdevtlb",
		[VTD_QI_TYPE_PGRP_RESP] = "pgrp_resp",
	};

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : NULL;
}

/* Reserved bits of qw0 and qw1 per type (6.5.2.x descriptor figures). Type bits 11:9 are
 * part of the type, so a descriptor with them set is an unknown type, not a reserved-field
 * error. */
struct desc_rsvd {
	uint64_t qw0, qw1;
};

static const struct desc_rsvd desc_rsvd[] = {
	[VTD_QI_TYPE_CC] = { BITS(8, 6) | BITS(15, 12) | BITS(63, 50), ~0ull },
	[VTD_QI_TYPE_IOTLB] = { BITS(8, 8) | BITS(15, 12) | BITS(63, 32), BITS(11, 7) },
	[VTD_QI_TYPE_DEVTLB] = { BITS(8, 4) | BITS(31, 21) | BITS(51, 48), BITS(11, 1) },
	[VTD_QI_TYPE_IEC] = { BITS(8, 5) | BITS(26, 12) | BITS(63, 48), ~0ull },
	[VTD_QI_TYPE_WAIT] = { BITS(8, 8) | BITS(31, 12), BITS(1, 0) },
	[VTD_QI_TYPE_PIOTLB] = { BITS(8, 6) | BITS(15, 12) | BITS(63, 52), BITS(11, 7) },
	[VTD_QI_TYPE_PC] = { BITS(8, 6) | BITS(15, 12) | BITS(63, 52), ~0ull },
	[VTD_QI_TYPE_PDEVTLB] = { 0, BITS(10, 1) },
	[VTD_QI_TYPE_PGRP_RESP] = { BITS(8, 6) | BITS(63, 52), BITS(1, 0) | BITS(63, 12) },
};

static unsigned field(uint64_t qw, uint64_t mask, unsigned shift)
{
	return (unsigned)((qw & mask) >> shift);
}

unsigned vtd_iq_desc_check(const struct vtd *v, const uint64_t q[4], bool dw256,
			   unsigned *type_out)
{
	unsigned type = (unsigned)(q[0] & VTD_QI_TYPE_LO_MASK) |
			(unsigned)((q[0] & VTD_QI_TYPE_HI_MASK) >> (VTD_QI_TYPE_HI_SHIFT - 4));
	unsigned g = field(q[0], VTD_QI_G_MASK, VTD_QI_G_SHIFT);
	uint64_t rsvd0;

	*type_out = type;
	if (type == 0 || type >= sizeof(desc_rsvd) / sizeof(desc_rsvd[0]))
		return VTD_QI_IQEI_TYPE;

	/* Descriptors the hardware does not implement are invalid types (6.5.2: device-TLB
	 * ones need ECAP.DT, the interrupt entry cache ECAP.IR, the PASID-based ones scalable
	 * mode, the page group response ECAP.PRS). */
	switch (type) {
	case VTD_QI_TYPE_DEVTLB:
		if (!(v->ecap & VTD_IQ_ECAP_DT))
			return VTD_QI_IQEI_TYPE;
		break;
	case VTD_QI_TYPE_IEC:
		if (!(v->ecap & VTD_IQ_ECAP_IR))
			return VTD_QI_IQEI_TYPE;
		break;
	case VTD_QI_TYPE_PIOTLB:
	case VTD_QI_TYPE_PC:
		if (!(v->ecap & VTD_IQ_ECAP_SMTS) || !v->iq.scalable)
			return VTD_QI_IQEI_TYPE;
		break;
	case VTD_QI_TYPE_PDEVTLB:
		if (!(v->ecap & VTD_IQ_ECAP_SMTS) || !v->iq.scalable ||
		    !(v->ecap & VTD_IQ_ECAP_DT))
			return VTD_QI_IQEI_TYPE;
		break;
	case VTD_QI_TYPE_PGRP_RESP:
		if (!(v->ecap & VTD_IQ_ECAP_PRS))
			return VTD_QI_IQEI_TYPE;
		break;
	default:
		break;
	}

	rsvd0 = desc_rsvd[type].qw0;
	/* PD is defined only with page-request drain support (ECAP.PDS). */
	if (type == VTD_QI_TYPE_WAIT && !(v->ecap & VTD_IQ_ECAP_PDS))
		rsvd0 |= VTD_QI_WAIT_PD;
	if ((q[0] & rsvd0) || (q[1] & desc_rsvd[type].qw1))
		return VTD_QI_IQEI_RSVD;
	/* In 256-bit mode qw2..qw3 are reserved except the page group response's private
	 * data (6.5.2.9). */
	if (dw256 && type != VTD_QI_TYPE_PGRP_RESP && (q[2] | q[3]))
		return VTD_QI_IQEI_RSVD;

	/* Reserved granularities. */
	switch (type) {
	case VTD_QI_TYPE_CC:
	case VTD_QI_TYPE_IOTLB:
		if (g == 0)
			return VTD_QI_IQEI_RSVD;
		break;
	case VTD_QI_TYPE_PC:
		if (g == 2)
			return VTD_QI_IQEI_RSVD;
		break;
	case VTD_QI_TYPE_PIOTLB:
		if (g < 2)
			return VTD_QI_IQEI_RSVD;
		break;
	default:
		break;
	}

	/* A page-selective address mask beyond CAP.MAMV is not supported. */
	if (((type == VTD_QI_TYPE_IOTLB && g == VTD_INV_PAGE) ||
	     (type == VTD_QI_TYPE_PIOTLB && g == 3)) &&
	    (q[1] & VTD_QI_AM_MASK) > field(v->cap, VTD_IQ_CAP_MAMV_MASK, VTD_IQ_CAP_MAMV_SHIFT))
		return VTD_QI_IQEI_RSVD;
	return 0;
}

uint64_t vtd_iq_desc_exec(struct vtd *v, unsigned type, const uint64_t q[4], int *err)
{
	const struct vtd_iq_params *p = &v->iq.p;
	unsigned g = field(q[0], VTD_QI_G_MASK, VTD_QI_G_SHIFT);
	uint16_t did = (uint16_t)field(q[0], VTD_QI_DID_MASK, VTD_QI_DID_SHIFT);
	uint32_t pasid = field(q[0], VTD_QI_PASID_MASK, VTD_QI_PASID_SHIFT);
	uint64_t addr = q[1] & VTD_QI_ADDR_MASK;
	unsigned am = (unsigned)(q[1] & VTD_QI_AM_MASK);
	bool ih = (q[1] & VTD_QI_IH) != 0;
	uint64_t cycles = p->type_cycles[type];
	size_t scanned = 0;
	int rc = 0;

	switch (type) {
	case VTD_QI_TYPE_CC:
		rc = vtd_inval_context(v, g, did, (uint16_t)field(q[0], VTD_QI_CC_SID_MASK,
								   VTD_QI_CC_SID_SHIFT),
				       field(q[0], VTD_QI_CC_FM_MASK, VTD_QI_CC_FM_SHIFT), &scanned);
		break;
	case VTD_QI_TYPE_IOTLB:
		/* Without page-selective support the hardware may invalidate more than asked
		 * (6.5.2.3): it does a domain-selective invalidation. */
		if (g == VTD_INV_PAGE && !(v->cap & VTD_IQ_CAP_PSI))
			g = VTD_INV_DOMAIN;
		rc = vtd_inval_iotlb(v, g, did, addr, am, ih, &scanned);
		if (((q[0] & VTD_QI_IOTLB_DR) && (v->cap & VTD_IQ_CAP_DRD)) ||
		    ((q[0] & VTD_QI_IOTLB_DW) && (v->cap & VTD_IQ_CAP_DWD)))
			cycles += p->drain_cycles;
		break;
	case VTD_QI_TYPE_PIOTLB:
		rc = vtd_inval_piotlb(v, g, did, pasid, addr, am, ih, &scanned);
		break;
	case VTD_QI_TYPE_PC:
		rc = vtd_inval_pasid_cache(v, g, did, pasid, &scanned);
		break;
	default:
		break;
	}
	*err = rc < 0 ? rc : 0;
	if (scanned)
		cycles += (scanned + p->scan_per_cycle - 1) / p->scan_per_cycle;
	return cycles;
}
