/* SPDX-License-Identifier: MIT */
/*
 * The Intel VT-d hardware model (DESIGN.md §4). It implements iommusim_model_ops_t and is
 * seen only through its registers (iommusim/hw/vtd_regs.h), the structures it reads from
 * memory (iommusim/hw/vtd_tables.h, iommusim/hw/vtd_queue.h) and device requests.
 *
 * Behaviour summary (details in docs and the source comments):
 *  - Registers: VER, CAP, ECAP (from the "vtd.*" parameters), GCMD/GSTS (TE, SRTP, QIE, WBF;
 *    SFL/EAFL/IRE/SIRTP/CFI are refused since AFL and IR are not advertised), RTADDR (TTM
 *    kept as written; a reserved or unsupported TTM makes every translation fault RTA.1),
 *    CCMD and IOTLB/IVA (register-based invalidation, legacy mode and QIE = 0 only; the
 *    command bit reads 1 until the invalidation's modelled completion time), FSTS, FECTL,
 *    FEDATA/FEADDR/FEUADDR, NFR fault recording registers at CAP.FRO, and the queue
 *    registers. IVA/IOTLB are at 0x0f0/0x0f8 (ECAP.IRO = 0x0f), FRCD from 0x220 (FRO = 0x22).
 *  - Translation: legacy and scalable mode, first level, second level, nested, pass-through,
 *    with the specification's fault reasons recorded in the fault recording registers and
 *    the fault event MSI sent through env->msi.
 *  - A request without PASID carries no execute or privileged attribute (PCIe: those live in
 *    the PASID prefix): IOMMUSIM_ACC_EXEC and IOMMUSIM_ACC_PRIV are ignored for it; in
 *    scalable mode its privilege comes from the context entry's RID_PRIV. Without ECAP.ERS
 *    (vtd.ers, default 0 as in current specification revisions) IOMMUSIM_ACC_EXEC is ignored
 *    for every request and the first-level XD bit is ignored.
 *  - ATS translation requests: a not-present or not-permitted page is answered OK with the
 *    permissions that exist (possibly none), or IOMMUSIM_XLATE_PAGE_REQUEST when the
 *    context allows page requests (scalable, PRE = 1); fault_reason then holds the reason an
 *    untranslated request would have got. Such answers record no fault (spec 4.2.3).
 *    Pass-through answers have untranslated_only set.
 *  - Translation disabled (GSTS.TES = 0): requests pass with their own address.
 */
#ifndef IOMMUSIM_VTD_H
#define IOMMUSIM_VTD_H

#include <stdint.h>

#include "iommusim/model.h"
#include "iommusim/param.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The model's ops table (name "vtd") and its parameter component ("vtd.*"). */
extern const iommusim_model_ops_t iommusim_vtd_ops;
extern const iommusim_component_t iommusim_vtd_component;

/* A short description of a VT-d fault reason code ("SCT.2 context entry not present"), for
 * messages; "unknown fault reason" for codes the model does not know. */
const char *iommusim_vtd_fault_reason_name(uint32_t fr);

#ifdef __cplusplus
}
#endif
#endif
