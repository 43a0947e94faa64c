/* SPDX-License-Identifier: MIT */
/*
 * Internal interface between the invalidation queue files (vtd_iq.c: registers and engine,
 * vtd_iq_desc.c: descriptor checks and cache invalidations, vtd_devtlb.c: device-TLB
 * invalidation tracking). Not for use outside them.
 */
#ifndef VTD_IQ_INT_H
#define VTD_IQ_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "iommusim/time.h"

struct vtd;

/* FSTS bits the queues set or watch (11.4.4.x Fault Status Register). */
#define VTD_IQ_FSTS_IQE (1u << 4)
#define VTD_IQ_FSTS_ICE (1u << 5)
#define VTD_IQ_FSTS_ITE (1u << 6)
#define VTD_IQ_FSTS_PRO (1u << 7)

/* Capability bits that gate descriptors (11.4.2 CAP_REG, 11.4.3 ECAP_REG). */
#define VTD_IQ_CAP_PSI        (1ull << 39)
#define VTD_IQ_CAP_MAMV_SHIFT 48
#define VTD_IQ_CAP_MAMV_MASK  (0x3full << 48)
#define VTD_IQ_CAP_DWD        (1ull << 54)
#define VTD_IQ_CAP_DRD        (1ull << 55)
#define VTD_IQ_ECAP_DT        (1ull << 2)
#define VTD_IQ_ECAP_IR        (1ull << 3)
#define VTD_IQ_ECAP_PRS       (1ull << 29)
#define VTD_IQ_ECAP_PDS       (1ull << 42)
#define VTD_IQ_ECAP_SMTS      (1ull << 43)

/* Short name of a descriptor type for statistics ("cc", "iotlb", ...), NULL if none. */
const char *vtd_iq_type_name(unsigned type);

/* Decodes the type of a descriptor (qw0[3:0] | qw0[11:9] << 4) and checks it against the
 * capabilities, the translation mode and its reserved fields. Returns 0 for a valid
 * descriptor or the IQEI code (VTD_QI_IQEI_TYPE / VTD_QI_IQEI_RSVD). */
unsigned vtd_iq_desc_check(const struct vtd *v, const uint64_t q[4], bool dw256,
			   unsigned *type);

/* Performs the cache invalidation of a checked descriptor of type 0x1, 0x2, 0x6 or 0x7
 * (other types do nothing here) and returns its processing cycles after decode (type cost,
 * scan cost, drain cost). Returns -EINVAL through *err if the invalidation refused it. */
uint64_t vtd_iq_desc_exec(struct vtd *v, unsigned type, const uint64_t q[4], int *err);

/* Device-TLB invalidation tracking (vtd_devtlb.c). */
int vtd_devtlb_init(struct vtd *v);
void vtd_devtlb_fini(struct vtd *v);
/* Forgets every outstanding invalidation and cancels their time-outs. */
void vtd_devtlb_reset(struct vtd *v);
/* Requester ID and invalidate queue depth (0 = 32) of a type 0x3 / 0x8 descriptor. */
void vtd_devtlb_target(unsigned type, const uint64_t q[4], uint16_t *rid, unsigned *qdep);
/* Room for one more invalidation to rid: a free tracking slot, a free ITag and fewer than
 * qdep outstanding to that device. */
bool vtd_devtlb_has_room(const struct vtd *v, uint16_t rid, unsigned qdep);
/* Sends the ATS invalidation request of a type 0x3 / 0x8 descriptor at time `sent` and arms
 * its time-out; `start` is when the descriptor's step began. */
void vtd_devtlb_send(struct vtd *v, unsigned type, const uint64_t q[4], iommusim_time_t sent,
		     iommusim_time_t start);
/* True when no invalidation issued with seq < limit is outstanding. */
bool vtd_devtlb_settled(const struct vtd *v, uint64_t limit);
/* Decodes the address range of a device-TLB descriptor (qw1 ADDR with the S bit, PCIe ATS
 * size encoding) into a naturally aligned base and size in bytes. */
void vtd_devtlb_range(uint64_t addr, bool s, uint64_t *base, uint64_t *size);

/* Engine callbacks from vtd_devtlb.c. */
/* An invalidation completed at t: waits may complete, a stalled engine may resume. */
void vtd_iq_devtlb_progress(struct vtd *v, iommusim_time_t t);
/* An invalidation to rid timed out at t: ITE. */
void vtd_iq_devtlb_timeout(struct vtd *v, uint16_t rid, iommusim_time_t t);

#endif
