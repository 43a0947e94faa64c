/* SPDX-License-Identifier: MIT */
/*
 * Intel VT-d remapping-hardware registers (VT-d specification ch. 10.4) and the DMA-remapping
 * fault reasons (ch. 7, "Non-recoverable fault conditions"), as named masks and shifts. Both
 * the hardware model and the host-side driver use them. Offsets are from the register base.
 *
 * The queue registers (IQH..IQER, PQH..PEUADDR) and the descriptor layouts are in
 * iommusim/hw/vtd_queue.h.
 */
#ifndef IOMMUSIM_HW_VTD_REGS_H
#define IOMMUSIM_HW_VTD_REGS_H

#include <stdint.h>

/* ---- register offsets (10.4, Table "Address mapping for remapping hardware") ---------- */
#define VTD_REG_VER      0x000   /* 32: version */
#define VTD_REG_CAP      0x008   /* 64: capability */
#define VTD_REG_ECAP     0x010   /* 64: extended capability */
#define VTD_REG_GCMD     0x018   /* 32: global command (write-only, reads 0) */
#define VTD_REG_GSTS     0x01c   /* 32: global status */
#define VTD_REG_RTADDR   0x020   /* 64: root table address */
#define VTD_REG_CCMD     0x028   /* 64: context command */
#define VTD_REG_FSTS     0x034   /* 32: fault status */
#define VTD_REG_FECTL    0x038   /* 32: fault event control */
#define VTD_REG_FEDATA   0x03c   /* 32: fault event data */
#define VTD_REG_FEADDR   0x040   /* 32: fault event address */
#define VTD_REG_FEUADDR  0x044   /* 32: fault event upper address */
#define VTD_REG_AFLOG    0x058   /* 64: advanced fault log */
#define VTD_REG_PMEN     0x064   /* 32: protected memory enable */
#define VTD_REG_PLMBASE  0x068
#define VTD_REG_PLMLIMIT 0x06c
#define VTD_REG_PHMBASE  0x070
#define VTD_REG_PHMLIMIT 0x078
#define VTD_REG_IRTA     0x0b8   /* 64: interrupt remapping table address */

/* Where this implementation places the registers whose offset the capability registers
 * report (CAP.FRO, ECAP.IRO; values in 16-byte units). */
#define VTD_IMPL_IRO     0x0f    /* IVA at 0x0f0, IOTLB at 0x0f8 */
#define VTD_IMPL_FRO     0x22    /* fault recording registers from 0x220 */
#define VTD_REG_IVA(iro)       ((uint64_t)(iro) * 16)       /* 10.4.8.2 */
#define VTD_REG_IOTLB(iro)     ((uint64_t)(iro) * 16 + 8)   /* 10.4.8.1 */
#define VTD_REG_FRCD(fro, n)   ((uint64_t)(fro) * 16 + (uint64_t)(n) * 16)   /* 10.4.14 */

/* ---- VER_REG (10.4.1) ---------------------------------------------------------------- */
#define VTD_VER_MIN_MASK   0x0fu
#define VTD_VER_MAX_SHIFT  4
#define VTD_VER_MAX_MASK   0xf0u

/* ---- CAP_REG (10.4.2) ---------------------------------------------------------------- */
#define VTD_CAP_ND_SHIFT      0         /* number of domains: 2^(4 + 2*ND) */
#define VTD_CAP_ND_MASK       0x7ull
#define VTD_CAP_AFL           (1ull << 3)
#define VTD_CAP_RWBF          (1ull << 4)
#define VTD_CAP_PLMR          (1ull << 5)
#define VTD_CAP_PHMR          (1ull << 6)
#define VTD_CAP_CM            (1ull << 7)   /* caching mode */
#define VTD_CAP_SAGAW_SHIFT   8             /* bit 1: 39-bit (3-level), 2: 48 (4), 3: 57 (5) */
#define VTD_CAP_SAGAW_MASK    (0x1full << 8)
#define VTD_CAP_MGAW_SHIFT    16            /* MGAW - 1 */
#define VTD_CAP_MGAW_MASK     (0x3full << 16)
#define VTD_CAP_ZLR           (1ull << 22)
#define VTD_CAP_FRO_SHIFT     24            /* fault recording offset / 16 */
#define VTD_CAP_FRO_MASK      (0x3ffull << 24)
#define VTD_CAP_SLLPS_SHIFT   34            /* bit 0: 2 MiB, bit 1: 1 GiB second-level pages */
#define VTD_CAP_SLLPS_MASK    (0xfull << 34)
#define VTD_CAP_PSI           (1ull << 39)  /* page-selective invalidation */
#define VTD_CAP_NFR_SHIFT     40            /* number of fault recording registers - 1 */
#define VTD_CAP_NFR_MASK      (0xffull << 40)
#define VTD_CAP_MAMV_SHIFT    48            /* maximum address mask value */
#define VTD_CAP_MAMV_MASK     (0x3full << 48)
#define VTD_CAP_DWD           (1ull << 54)
#define VTD_CAP_DRD           (1ull << 55)
#define VTD_CAP_FL1GP         (1ull << 56)  /* first-level 1 GiB pages */
#define VTD_CAP_PI            (1ull << 59)
#define VTD_CAP_FL5LP         (1ull << 60)  /* first-level 5-level paging */
#define VTD_CAP_ECMDS         (1ull << 61)
#define VTD_CAP_ESIRTPS       (1ull << 62)
#define VTD_CAP_ESRTPS        (1ull << 63)  /* SRTP also invalidates the caches */

/* SAGAW bits (and the AW field values of context and PASID entries, 9.3 / 9.6). */
#define VTD_AW_39   1u    /* 3-level */
#define VTD_AW_48   2u    /* 4-level */
#define VTD_AW_57   3u    /* 5-level */

/* ---- ECAP_REG (10.4.3) --------------------------------------------------------------- */
#define VTD_ECAP_C            (1ull << 0)   /* page-walk coherency */
#define VTD_ECAP_QI           (1ull << 1)   /* queued invalidation */
#define VTD_ECAP_DT           (1ull << 2)   /* device-TLB (ATS) */
#define VTD_ECAP_IR           (1ull << 3)   /* interrupt remapping */
#define VTD_ECAP_EIM          (1ull << 4)
#define VTD_ECAP_PT           (1ull << 6)   /* pass-through */
#define VTD_ECAP_SC           (1ull << 7)   /* snoop control */
#define VTD_ECAP_IRO_SHIFT    8             /* IOTLB register offset / 16 */
#define VTD_ECAP_IRO_MASK     (0x3ffull << 8)
#define VTD_ECAP_MHMV_SHIFT   20
#define VTD_ECAP_MHMV_MASK    (0xfull << 20)
#define VTD_ECAP_MTS          (1ull << 25)
#define VTD_ECAP_NEST         (1ull << 26)  /* nested translation */
#define VTD_ECAP_PRS          (1ull << 29)  /* page requests */
#define VTD_ECAP_ERS          (1ull << 30)  /* execute requests */
#define VTD_ECAP_SRS          (1ull << 31)  /* supervisor requests */
#define VTD_ECAP_NWFS         (1ull << 33)
#define VTD_ECAP_EAFS         (1ull << 34)  /* extended accessed flag */
#define VTD_ECAP_PSS_SHIFT    35            /* PASID size supported - 1 */
#define VTD_ECAP_PSS_MASK     (0x1full << 35)
#define VTD_ECAP_PASID        (1ull << 40)
#define VTD_ECAP_DIT          (1ull << 41)
#define VTD_ECAP_PDS          (1ull << 42)  /* page-request drain */
#define VTD_ECAP_SMTS         (1ull << 43)  /* scalable-mode translation */
#define VTD_ECAP_VCS          (1ull << 44)
#define VTD_ECAP_SLADS        (1ull << 45)  /* second-level accessed/dirty */
#define VTD_ECAP_SLTS         (1ull << 46)  /* second-level translation */
#define VTD_ECAP_FLTS         (1ull << 47)  /* first-level translation */
#define VTD_ECAP_SMPWCS       (1ull << 48)  /* scalable-mode page-walk coherency */
#define VTD_ECAP_RPS          (1ull << 49)  /* RID_PASID */
#define VTD_ECAP_ADMS         (1ull << 52)  /* abort-DMA mode */
#define VTD_ECAP_RPRIVS       (1ull << 53)  /* RID_PRIV */

/* ---- GCMD_REG / GSTS_REG (10.4.4, 10.4.5): command bit and its status bit ------------- */
#define VTD_GCMD_CFI     (1u << 23)
#define VTD_GCMD_SIRTP   (1u << 24)
#define VTD_GCMD_IRE     (1u << 25)
#define VTD_GCMD_QIE     (1u << 26)
#define VTD_GCMD_WBF     (1u << 27)
#define VTD_GCMD_EAFL    (1u << 28)
#define VTD_GCMD_SFL     (1u << 29)
#define VTD_GCMD_SRTP    (1u << 30)
#define VTD_GCMD_TE      (1u << 31)
#define VTD_GSTS_CFIS    (1u << 23)
#define VTD_GSTS_IRTPS   (1u << 24)
#define VTD_GSTS_IRES    (1u << 25)
#define VTD_GSTS_QIES    (1u << 26)
#define VTD_GSTS_WBFS    (1u << 27)
#define VTD_GSTS_AFLS    (1u << 28)
#define VTD_GSTS_FLS     (1u << 29)
#define VTD_GSTS_RTPS    (1u << 30)
#define VTD_GSTS_TES     (1u << 31)

/* ---- RTADDR_REG (10.4.6) ------------------------------------------------------------- */
#define VTD_RTADDR_TTM_SHIFT  10
#define VTD_RTADDR_TTM_MASK   (0x3ull << 10)
#define VTD_RTADDR_RTA_MASK   (~0xfffull)
#define VTD_TTM_LEGACY        0u
#define VTD_TTM_SCALABLE      1u
#define VTD_TTM_RESERVED      2u
#define VTD_TTM_ABORT_DMA     3u

/* ---- CCMD_REG (10.4.7) --------------------------------------------------------------- */
#define VTD_CCMD_DID_MASK     0xffffull
#define VTD_CCMD_SID_SHIFT    16
#define VTD_CCMD_SID_MASK     (0xffffull << 16)
#define VTD_CCMD_FM_SHIFT     32            /* function mask: 0 none, 1..3 mask SID bits 2, 2:1, 2:0 */
#define VTD_CCMD_FM_MASK      (0x3ull << 32)
#define VTD_CCMD_CAIG_SHIFT   59            /* actual granularity (0: request not performed) */
#define VTD_CCMD_CAIG_MASK    (0x3ull << 59)
#define VTD_CCMD_CIRG_SHIFT   61            /* requested: 1 global, 2 domain, 3 device */
#define VTD_CCMD_CIRG_MASK    (0x3ull << 61)
#define VTD_CCMD_ICC          (1ull << 63)

/* ---- IOTLB_REG and IVA_REG (10.4.8) -------------------------------------------------- */
#define VTD_IOTLB_DID_SHIFT   32
#define VTD_IOTLB_DID_MASK    (0xffffull << 32)
#define VTD_IOTLB_DW          (1ull << 48)
#define VTD_IOTLB_DR          (1ull << 49)
#define VTD_IOTLB_IAIG_SHIFT  57            /* actual granularity (0: request not performed) */
#define VTD_IOTLB_IAIG_MASK   (0x3ull << 57)
#define VTD_IOTLB_IIRG_SHIFT  60            /* requested: 1 global, 2 domain, 3 page */
#define VTD_IOTLB_IIRG_MASK   (0x3ull << 60)
#define VTD_IOTLB_IVT         (1ull << 63)
#define VTD_IVA_AM_MASK       0x3full       /* 2^AM pages */
#define VTD_IVA_IH            (1ull << 6)   /* invalidation hint: leaf entries only */
#define VTD_IVA_ADDR_MASK     (~0xfffull)

/* ---- FSTS_REG (10.4.9) --------------------------------------------------------------- */
#define VTD_FSTS_PFO          (1u << 0)     /* primary fault overflow (RW1C) */
#define VTD_FSTS_PPF          (1u << 1)     /* primary pending fault (RO: OR of FRCD.F) */
#define VTD_FSTS_AFO          (1u << 2)
#define VTD_FSTS_APF          (1u << 3)
#define VTD_FSTS_IQE          (1u << 4)     /* invalidation queue error (RW1C) */
#define VTD_FSTS_ICE          (1u << 5)     /* invalidation completion error (RW1C) */
#define VTD_FSTS_ITE          (1u << 6)     /* invalidation time-out error (RW1C) */
#define VTD_FSTS_PRO          (1u << 7)     /* page request overflow (RW1C) */
#define VTD_FSTS_FRI_SHIFT    8             /* fault record index */
#define VTD_FSTS_FRI_MASK     (0xffu << 8)
#define VTD_FSTS_RW1C         (VTD_FSTS_PFO | VTD_FSTS_AFO | VTD_FSTS_APF | VTD_FSTS_IQE | \
			       VTD_FSTS_ICE | VTD_FSTS_ITE | VTD_FSTS_PRO)

/* ---- FECTL_REG / FEDATA / FEADDR / FEUADDR (10.4.10 - 10.4.13) ------------------------ */
#define VTD_FECTL_IP          (1u << 30)    /* interrupt pending (RO) */
#define VTD_FECTL_IM          (1u << 31)    /* interrupt mask (reset 1) */
#define VTD_FEDATA_MASK       0xffffu
#define VTD_FEADDR_MASK       0xfffffffcu

/* ---- PMEN_REG (10.4.16) -------------------------------------------------------------- */
#define VTD_PMEN_PRS          (1u << 0)
#define VTD_PMEN_EPM          (1u << 31)

/* ---- fault recording register (10.4.14): 128 bits as two qwords ---------------------- */
#define VTD_FRCD_LO_FI_MASK     (~0xfffull)     /* faulting page address (bits 63:12) */
#define VTD_FRCD_HI_SID_MASK    0xffffull       /* bits 79:64 */
#define VTD_FRCD_HI_T2          (1ull << 28)    /* bit 92: type bit 2 (translation request) */
#define VTD_FRCD_HI_PRIV        (1ull << 29)    /* bit 93: privilege-mode requested */
#define VTD_FRCD_HI_EXE         (1ull << 30)    /* bit 94: execute requested */
#define VTD_FRCD_HI_PP          (1ull << 31)    /* bit 95: PASID present */
#define VTD_FRCD_HI_FR_SHIFT    32              /* bits 103:96: fault reason */
#define VTD_FRCD_HI_FR_MASK     (0xffull << 32)
#define VTD_FRCD_HI_PV_SHIFT    40              /* bits 123:104: PASID value */
#define VTD_FRCD_HI_PV_MASK     (0xfffffull << 40)
#define VTD_FRCD_HI_AT_SHIFT    60              /* bits 125:124: address type of the request */
#define VTD_FRCD_HI_AT_MASK     (0x3ull << 60)
#define VTD_FRCD_HI_T1          (1ull << 62)    /* bit 126: type bit 1 (1 = read, 0 = write) */
#define VTD_FRCD_HI_F           (1ull << 63)    /* bit 127: fault (RW1C) */
/* PCIe address types recorded in AT. */
#define VTD_AT_UNTRANSLATED     0u
#define VTD_AT_TRANSLATION_REQ  1u
#define VTD_AT_TRANSLATED       2u

/* Interrupt address range: a translation whose output lands here is refused (LGN.4/SGN.8). */
#define VTD_INTR_ADDR_BASE      0xfee00000ull
#define VTD_INTR_ADDR_LIMIT     0xfeefffffull

/* ---- fault reasons (ch. 7, Tables "Non-recoverable fault conditions") ------------------
 * Legacy mode (TTM = 00b). */
#define VTD_FR_LRT_2            0x01   /* root entry not present */
#define VTD_FR_LCT_2            0x02   /* context entry not present */
#define VTD_FR_LCT_4            0x03   /* invalid context entry (AW/TT not supported, ...) */
#define VTD_FR_LGN_1            0x04   /* input address beyond MGAW / AGAW */
#define VTD_FR_LGN_2            0x05   /* write to a page without write permission */
#define VTD_FR_LGN_3            0x06   /* read of a page without read permission */
#define VTD_FR_LSL_1            0x07   /* second-level paging entry access failed */
#define VTD_FR_LRT_1            0x08   /* root table access failed */
#define VTD_FR_LCT_1            0x09   /* context table access failed */
#define VTD_FR_LRT_3            0x0a   /* root entry reserved field set */
#define VTD_FR_LCT_3            0x0b   /* context entry reserved field set */
#define VTD_FR_LSL_2            0x0c   /* second-level paging entry reserved field set */
#define VTD_FR_LCT_5            0x0d   /* translation/translated request blocked by TT */
#define VTD_FR_LGN_4            0x0e   /* output address in the interrupt address range */
/* Root table address (either mode). */
#define VTD_FR_RTA_1            0x30   /* TTM reserved or not supported (RTA.1.1 - 1.3) */
#define VTD_FR_RTA_2            0x31   /* request with PASID while TTM = legacy */
#define VTD_FR_RTA_3            0x32   /* page request while TTM = legacy */
/* Scalable mode (TTM = 01b). */
#define VTD_FR_SRT_1            0x38   /* scalable root entry access failed */
#define VTD_FR_SRT_2            0x39   /* scalable root entry (LP/UP) not present */
#define VTD_FR_SRT_3            0x3a   /* scalable root entry reserved field set */
#define VTD_FR_SCT_1            0x40   /* scalable context entry access failed */
#define VTD_FR_SCT_2            0x41   /* scalable context entry not present */
#define VTD_FR_SCT_3            0x42   /* scalable context entry reserved field set */
#define VTD_FR_SCT_4            0x43   /* invalid scalable context entry */
#define VTD_FR_SCT_5            0x44   /* translation/translated request with DTE = 0 */
#define VTD_FR_SCT_6            0x45   /* request with PASID with PASIDE = 0 */
#define VTD_FR_SCT_7            0x46   /* PASID beyond the PASID directory size (PDTS) */
#define VTD_FR_SCT_8            0x47   /* page request with PRE = 0 */
#define VTD_FR_SCT_9            0x48   /* RID_PASID error */
#define VTD_FR_SPD_1            0x50   /* PASID directory entry access failed */
#define VTD_FR_SPD_2            0x51   /* PASID directory entry not present */
#define VTD_FR_SPD_3            0x52   /* PASID directory entry reserved field set */
#define VTD_FR_SPT_1            0x58   /* PASID table entry access failed */
#define VTD_FR_SPT_2            0x59   /* PASID table entry not present */
#define VTD_FR_SPT_3            0x5a   /* PASID table entry reserved field set */
#define VTD_FR_SPT_4            0x5b   /* invalid PASID table entry (PGTT, AW, FLPM, ...) */
#define VTD_FR_SPT_5            0x5c   /* execute request with ERE = 0 */
#define VTD_FR_SPT_6            0x5d   /* supervisor request with SRE = 0 */
#define VTD_FR_SFL_1            0x70   /* first-level paging entry access failed */
#define VTD_FR_SFL_2            0x71   /* first-level paging entry not present */
#define VTD_FR_SFL_3            0x72   /* first-level paging entry reserved field set */
#define VTD_FR_SFL_4            0x73   /* first-level root (FLPTPTR) access failed */
#define VTD_FR_SFL_5            0x74   /* nested: first-level table address beyond the SL AGAW */
#define VTD_FR_SFL_6            0x75   /* nested: no SL read permission for the FL root */
#define VTD_FR_SFL_7            0x76   /* nested: no SL read permission for a FL table */
#define VTD_FR_SFL_8            0x77   /* nested: no SL write permission for a FL A/D update */
#define VTD_FR_SSL_1            0x78   /* second-level paging entry access failed */
#define VTD_FR_SSL_2            0x79   /* second-level paging entry R/W permission error */
#define VTD_FR_SSL_3            0x7a   /* second-level paging entry reserved field set */
#define VTD_FR_SSL_4            0x7b   /* invalid second-level table pointer */
#define VTD_FR_SSL_5            0x7c   /* SL A/D update needed while set up for no snoop */
#define VTD_FR_SGN_1            0x80   /* first-level input address not canonical */
#define VTD_FR_SGN_2            0x81   /* user request to a supervisor (U/S = 0) page */
#define VTD_FR_SGN_3            0x82   /* execute request without execute permission */
#define VTD_FR_SGN_4            0x83   /* address beyond the hardware maximum */
#define VTD_FR_SGN_5            0x84   /* second-level input address beyond the AGAW */
#define VTD_FR_SGN_6            0x85   /* write without write permission */
#define VTD_FR_SGN_7            0x86   /* read without read permission */
#define VTD_FR_SGN_8            0x87   /* output address in the interrupt address range */
#define VTD_FR_SFL_9            0x90   /* FL A/D update needed while set up for no snoop */
#define VTD_FR_SFL_10           0x91   /* first-level A/D bit update failed */

#endif
