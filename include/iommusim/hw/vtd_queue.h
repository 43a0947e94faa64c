/* SPDX-License-Identifier: MIT */
/*
 * Intel VT-d invalidation queue and page request queue: register fields, invalidation
 * descriptor fields and page request descriptor fields, as named masks and shifts.
 * Section numbers refer to the VT-d specification (rev 4.x/5.x): 6.5.2 (queued invalidation),
 * 7.5 (page requests), 11.4.9 (invalidation queue registers), 11.4.11 (page request registers).
 * Both the model and the host driver use these definitions.
 */
#ifndef IOMMUSIM_HW_VTD_QUEUE_H
#define IOMMUSIM_HW_VTD_QUEUE_H

#include <stdint.h>

/* ---- invalidation queue registers (11.4.9) -------------------------------------------- */

#define VTD_QI_REG_IQH     0x080u   /* 64-bit, RO: queue head */
#define VTD_QI_REG_IQT     0x088u   /* 64-bit: queue tail (software submits by writing it) */
#define VTD_QI_REG_IQA     0x090u   /* 64-bit: queue base, width and size */
#define VTD_QI_REG_ICS     0x09cu   /* 32-bit: completion status */
#define VTD_QI_REG_IECTL   0x0a0u   /* 32-bit: completion event control */
#define VTD_QI_REG_IEDATA  0x0a4u   /* 32-bit: completion event MSI data */
#define VTD_QI_REG_IEADDR  0x0a8u   /* 32-bit: completion event MSI address */
#define VTD_QI_REG_IEUADDR 0x0acu   /* 32-bit: completion event MSI upper address */
#define VTD_QI_REG_IQER    0x0b0u   /* 64-bit, RO: error record */

/* IQH / IQT: byte offset of a descriptor in the queue, bits 18:4. With 256-bit descriptors
 * bit 4 is reserved (an IQT with bit 4 set is an error, IQEI 6). */
#define VTD_QI_IQHT_MASK   0x7fff0ull
#define VTD_QI_IQT_BIT4    (1ull << 4)

/* IQA (11.4.9.3): base 63:12, DW 11 (1 = 256-bit descriptors, only with ECAP.SMTS),
 * QS 2:0 (2^QS 4 KiB pages: 2^(QS+8) 128-bit or 2^(QS+7) 256-bit descriptors). */
#define VTD_QI_IQA_BASE_MASK 0xfffffffffffff000ull
#define VTD_QI_IQA_DW        (1ull << 11)
#define VTD_QI_IQA_QS_MASK   0x7ull

/* ICS (11.4.9.4): IWC, set when a wait descriptor with IF completes (RW1C). */
#define VTD_QI_ICS_IWC     (1u << 0)

/* IECTL (11.4.9.5) and PECTL (11.4.11.6): interrupt mask (RW, 1 at reset) and pending (RO). */
#define VTD_EVT_CTL_IM     (1u << 31)
#define VTD_EVT_CTL_IP     (1u << 30)
/* IEADDR / PEADDR: message address 31:2. */
#define VTD_EVT_ADDR_MASK  0xfffffffcu

/* IQER (11.4.9.9): IQEI 3:0 (valid while FSTS.IQE), ITESID 47:32 (valid while FSTS.ITE),
 * ICESID 63:48 (valid while FSTS.ICE). */
#define VTD_QI_IQER_IQEI_MASK    0xfull
#define VTD_QI_IQER_ITESID_SHIFT 32
#define VTD_QI_IQER_ITESID_MASK  (0xffffull << 32)
#define VTD_QI_IQER_ICESID_SHIFT 48
#define VTD_QI_IQER_ICESID_MASK  (0xffffull << 48)

/* IQEI values: what made hardware set FSTS.IQE. */
#define VTD_QI_IQEI_NONE        0x0   /* no information */
#define VTD_QI_IQEI_TAIL        0x1   /* invalid tail pointer (IQT beyond the queue) */
#define VTD_QI_IQEI_FETCH       0x2   /* descriptor fetch failed */
#define VTD_QI_IQEI_TYPE        0x3   /* invalid (or not supported) descriptor type */
#define VTD_QI_IQEI_RSVD        0x4   /* reserved field set in a valid descriptor type */
#define VTD_QI_IQEI_WIDTH       0x5   /* descriptor width in IQA not valid (DW=1 without
					 SMTS, or 128-bit descriptors in scalable mode) */
#define VTD_QI_IQEI_TAIL_ALIGN  0x6   /* IQT bit 4 set with 256-bit descriptors */
#define VTD_QI_IQEI_TTM         0x7   /* invalid translation table mode */

/* ---- invalidation descriptors (6.5.2): qw0..qw1 (128-bit) or qw0..qw3 (256-bit) -------- */

/* Type: qw0[3:0], with qw0[11:9] as bits 6:4 of the type. */
#define VTD_QI_TYPE_LO_MASK   0xfull
#define VTD_QI_TYPE_HI_SHIFT  9
#define VTD_QI_TYPE_HI_MASK   (0x7ull << 9)

#define VTD_QI_TYPE_CC        0x1   /* context-cache invalidate (6.5.2.1) */
#define VTD_QI_TYPE_IOTLB     0x2   /* IOTLB invalidate (6.5.2.3) */
#define VTD_QI_TYPE_DEVTLB    0x3   /* device-TLB invalidate (6.5.2.5) */
#define VTD_QI_TYPE_IEC       0x4   /* interrupt entry cache invalidate (6.5.2.7) */
#define VTD_QI_TYPE_WAIT      0x5   /* invalidation wait (6.5.2.8) */
#define VTD_QI_TYPE_PIOTLB    0x6   /* PASID-based IOTLB invalidate (6.5.2.4) */
#define VTD_QI_TYPE_PC        0x7   /* PASID-cache invalidate (6.5.2.2) */
#define VTD_QI_TYPE_PDEVTLB   0x8   /* PASID-based device-TLB invalidate (6.5.2.6) */
#define VTD_QI_TYPE_PGRP_RESP 0x9   /* page group response (6.5.2.9) */

/* Fields shared by several types. */
#define VTD_QI_G_SHIFT        4                      /* granularity, qw0[5:4] */
#define VTD_QI_G_MASK         (0x3ull << 4)
#define VTD_QI_DID_SHIFT      16                     /* domain ID, qw0[31:16] */
#define VTD_QI_DID_MASK       (0xffffull << 16)
#define VTD_QI_PASID_SHIFT    32                     /* PASID, qw0[51:32] */
#define VTD_QI_PASID_MASK     (0xfffffull << 32)
#define VTD_QI_ADDR_MASK      0xfffffffffffff000ull  /* address, qw1[63:12] */
#define VTD_QI_AM_MASK        0x3full                /* address mask, qw1[5:0] */
#define VTD_QI_IH             (1ull << 6)            /* invalidation hint, qw1[6] */

/* Context-cache invalidate: G 1 global, 2 domain, 3 device; SID qw0[47:32]; FM qw0[49:48]. */
#define VTD_QI_CC_SID_SHIFT   32
#define VTD_QI_CC_SID_MASK    (0xffffull << 32)
#define VTD_QI_CC_FM_SHIFT    48
#define VTD_QI_CC_FM_MASK     (0x3ull << 48)

/* IOTLB invalidate: G 1 global, 2 domain, 3 page; DW qw0[6] drain writes, DR qw0[7]
 * drain reads (honoured when CAP.DWD / CAP.DRD). */
#define VTD_QI_IOTLB_DW       (1ull << 6)
#define VTD_QI_IOTLB_DR       (1ull << 7)

/* Device-TLB invalidate: PFSID 3:0 at qw0[15:12] and 15:4 at qw0[63:52], MIP (invalidate
 * queue depth, 0 = 32) qw0[20:16], SID qw0[47:32]; qw1 S bit 0 (size encoded in ADDR). */
#define VTD_QI_DEVTLB_PFSID_LO_MASK (0xfull << 12)
#define VTD_QI_DEVTLB_QDEP_SHIFT    16
#define VTD_QI_DEVTLB_QDEP_MASK     (0x1full << 16)
#define VTD_QI_DEVTLB_SID_SHIFT     32
#define VTD_QI_DEVTLB_SID_MASK      (0xffffull << 32)
#define VTD_QI_DEVTLB_PFSID_HI_MASK (0xfffull << 52)
#define VTD_QI_DEVTLB_S             (1ull << 0)

/* Interrupt entry cache invalidate: G qw0[4] (0 global, 1 index), IM qw0[31:27],
 * IIDX qw0[47:32]. */
#define VTD_QI_IEC_G          (1ull << 4)
#define VTD_QI_IEC_IM_MASK    (0x1full << 27)
#define VTD_QI_IEC_IIDX_MASK  (0xffffull << 32)

/* Invalidation wait: IF qw0[4], SW qw0[5], FN qw0[6], PD qw0[7] (with ECAP.PDS),
 * status data qw0[63:32]; status address qw1[63:2]. */
#define VTD_QI_WAIT_IF          (1ull << 4)
#define VTD_QI_WAIT_SW          (1ull << 5)
#define VTD_QI_WAIT_FN          (1ull << 6)
#define VTD_QI_WAIT_PD          (1ull << 7)
#define VTD_QI_WAIT_SDATA_SHIFT 32
#define VTD_QI_WAIT_SADDR_MASK  0xfffffffffffffffcull

/* PASID-based IOTLB invalidate: G 2 = non-global mappings of (DID, PASID),
 * 3 = page-selective within (DID, PASID). */
/* PASID-cache invalidate: G 0 = all PASIDs of DID, 1 = PASID-selective, 3 = global. */

/* PASID-based device-TLB invalidate: queue depth qw0[8:4], PFSID as the device-TLB
 * descriptor, SID qw0[31:16], PASID qw0[51:32]; qw1 G bit 0 (all PASIDs), S bit 11. */
#define VTD_QI_PDEVTLB_QDEP_SHIFT 4
#define VTD_QI_PDEVTLB_QDEP_MASK  (0x1full << 4)
#define VTD_QI_PDEVTLB_SID_SHIFT  16
#define VTD_QI_PDEVTLB_SID_MASK   (0xffffull << 16)
#define VTD_QI_PDEVTLB_G          (1ull << 0)
#define VTD_QI_PDEVTLB_S          (1ull << 11)

/* Page group response: PP qw0[4] (PASID present), PDP qw0[5] (private data present),
 * response code qw0[15:12] (0 success, 1 invalid request, 0xf failure), RID qw0[31:16],
 * PASID qw0[51:32]; qw1 LPIG bit 2, PRG index qw1[11:3]; private data in qw2..qw3. */
#define VTD_QI_PGRP_PP          (1ull << 4)
#define VTD_QI_PGRP_PDP         (1ull << 5)
#define VTD_QI_PGRP_RC_SHIFT    12
#define VTD_QI_PGRP_RC_MASK     (0xfull << 12)
#define VTD_QI_PGRP_RID_SHIFT   16
#define VTD_QI_PGRP_RID_MASK    (0xffffull << 16)
#define VTD_QI_PGRP_LPIG        (1ull << 2)
#define VTD_QI_PGRP_PRGI_SHIFT  3
#define VTD_QI_PGRP_PRGI_MASK   (0x1ffull << 3)

/* ---- page request queue registers (11.4.11) ------------------------------------------- */

#define VTD_PRQ_REG_PQH     0x0c0u   /* 64-bit: head (software consumes) */
#define VTD_PRQ_REG_PQT     0x0c8u   /* 64-bit: tail (hardware produces) */
#define VTD_PRQ_REG_PQA     0x0d0u   /* 64-bit: base and size */
#define VTD_PRQ_REG_PRS     0x0dcu   /* 32-bit: status */
#define VTD_PRQ_REG_PECTL   0x0e0u   /* 32-bit: event control (VTD_EVT_CTL_*) */
#define VTD_PRQ_REG_PEDATA  0x0e4u
#define VTD_PRQ_REG_PEADDR  0x0e8u
#define VTD_PRQ_REG_PEUADDR 0x0ecu

/* PQH / PQT: byte offset of a 32-byte entry, bits 18:5. */
#define VTD_PRQ_PQHT_MASK   0x7ffe0ull
/* PQA: base 63:12, PQS 2:0 (2^PQS 4 KiB pages, 2^(PQS+7) entries). */
#define VTD_PRQ_PQA_BASE_MASK 0xfffffffffffff000ull
#define VTD_PRQ_PQA_PQS_MASK  0x7ull
/* PRS: PPR (pending page request), PRO (overflow); both RW1C. */
#define VTD_PRQ_PRS_PPR     (1u << 0)
#define VTD_PRQ_PRS_PRO     (1u << 1)

/* ---- page request descriptor (7.5.1.1), 32 bytes --------------------------------------- */

#define VTD_PRD_SIZE         32u
#define VTD_PRD_TYPE_MASK    0xffull          /* qw0[7:0] */
#define VTD_PRD_TYPE_PAGE_REQ 0x1ull
#define VTD_PRD_PP           (1ull << 8)      /* PASID present */
#define VTD_PRD_PDP          (1ull << 9)      /* private data present (qw2..qw3) */
#define VTD_PRD_RID_SHIFT    16               /* requester ID qw0[31:16] */
#define VTD_PRD_RID_MASK     (0xffffull << 16)
#define VTD_PRD_PASID_SHIFT  32               /* qw0[51:32] */
#define VTD_PRD_PASID_MASK   (0xfffffull << 32)
#define VTD_PRD_EXE          (1ull << 52)     /* execute requested */
#define VTD_PRD_PRIV         (1ull << 53)     /* privileged mode requested */
#define VTD_PRD_RD           (1ull << 0)      /* qw1: read requested */
#define VTD_PRD_WR           (1ull << 1)      /* qw1: write requested */
#define VTD_PRD_LPIG         (1ull << 2)      /* qw1: last page in group */
#define VTD_PRD_PRGI_SHIFT   3                /* qw1[11:3]: page request group index */
#define VTD_PRD_PRGI_MASK    (0x1ffull << 3)
#define VTD_PRD_ADDR_MASK    0xfffffffffffff000ull

#endif
