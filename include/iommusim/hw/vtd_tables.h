/* SPDX-License-Identifier: MIT */
/*
 * Intel VT-d in-memory translation structures (VT-d specification ch. 9): root and context
 * entries (legacy and scalable mode), PASID directory and PASID table entries, and the
 * first- and second-level paging entries. All little-endian; a structure of N bits is N/64
 * qwords, qword 0 first. Masks and shifts apply to the qword named in the macro (_LO/_HI or
 * _Q0.._Q3); bit numbers in comments are the specification's (across the whole entry).
 */
#ifndef IOMMUSIM_HW_VTD_TABLES_H
#define IOMMUSIM_HW_VTD_TABLES_H

#include <stdint.h>

#define VTD_PAGE_SHIFT       12
#define VTD_PAGE_SIZE        (1ull << VTD_PAGE_SHIFT)
#define VTD_ADDR_MASK_4K     (~0xfffull)     /* bits 63:12 of a table pointer */

/* ---- legacy root entry (9.1): 128 bits, 256 per table, indexed by bus ---------------- */
#define VTD_ROOT_ENTRY_SIZE  16
#define VTD_RE_LO_P          (1ull << 0)
#define VTD_RE_LO_RSVD       0xffeull          /* bits 11:1 */
#define VTD_RE_LO_CTP_MASK   VTD_ADDR_MASK_4K  /* context table pointer */
/* the high qword is reserved */

/* ---- legacy context entry (9.3): 128 bits, 256 per table, indexed by devfn ------------ */
#define VTD_CTX_ENTRY_SIZE   16
#define VTD_CE_LO_P          (1ull << 0)
#define VTD_CE_LO_FPD        (1ull << 1)       /* fault processing disable */
#define VTD_CE_LO_TT_SHIFT   2
#define VTD_CE_LO_TT_MASK    (0x3ull << 2)
#define VTD_CE_LO_RSVD       0xff0ull          /* bits 11:4 */
#define VTD_CE_LO_SLPTPTR    VTD_ADDR_MASK_4K
#define VTD_CE_HI_AW_MASK    0x7ull            /* bits 66:64 (VTD_AW_*) */
#define VTD_CE_HI_AVAIL      (0xfull << 3)     /* bits 70:67, ignored */
#define VTD_CE_HI_RSVD       ((1ull << 7) | (0xffffffffffull << 24))   /* bits 71, 127:88 */
#define VTD_CE_HI_DID_SHIFT  8                 /* bits 87:72 */
#define VTD_CE_HI_DID_MASK   (0xffffull << 8)
/* Translation types. */
#define VTD_TT_MULTI_LEVEL   0u   /* untranslated requests only */
#define VTD_TT_DEV_TLB       1u   /* untranslated, translation and translated requests */
#define VTD_TT_PASS_THROUGH  2u
#define VTD_TT_RESERVED      3u

/* ---- scalable-mode root entry (9.2): 128 bits, lower half devfn 0..127 ---------------- */
#define VTD_SRE_LO_LP        (1ull << 0)       /* lower present */
#define VTD_SRE_LO_RSVD      0xffeull
#define VTD_SRE_LO_LCTP      VTD_ADDR_MASK_4K
#define VTD_SRE_HI_UP        (1ull << 0)       /* upper present (devfn 128..255) */
#define VTD_SRE_HI_RSVD      0xffeull
#define VTD_SRE_HI_UCTP      VTD_ADDR_MASK_4K

/* ---- scalable-mode context entry (9.4): 256 bits, 128 per table ----------------------- */
#define VTD_SM_CTX_ENTRY_SIZE 32
#define VTD_SCE_Q0_P         (1ull << 0)
#define VTD_SCE_Q0_FPD       (1ull << 1)
#define VTD_SCE_Q0_DTE       (1ull << 2)       /* device-TLB enable */
#define VTD_SCE_Q0_PASIDE    (1ull << 3)       /* PASID enable */
#define VTD_SCE_Q0_PRE       (1ull << 4)       /* page request enable */
#define VTD_SCE_Q0_RSVD      (0xfull << 5)     /* bits 8:5 */
#define VTD_SCE_Q0_PDTS_SHIFT 9                /* PASID directory: 2^(PDTS + 7) entries */
#define VTD_SCE_Q0_PDTS_MASK (0x7ull << 9)
#define VTD_SCE_Q0_PASIDDIRPTR VTD_ADDR_MASK_4K
#define VTD_SCE_Q1_RID_PASID_MASK 0xfffffull   /* bits 83:64 */
#define VTD_SCE_Q1_RID_PRIV  (1ull << 20)      /* bit 84 */
#define VTD_SCE_Q1_RSVD      (~0x1fffffull)    /* bits 127:85 */
/* qwords 2 and 3 are reserved */

/* ---- scalable-mode PASID directory entry (9.5): 64 bits --------------------------------
 * PASID[19:6] indexes the directory, PASID[5:0] the 64-entry PASID table. */
#define VTD_PDE_P            (1ull << 0)
#define VTD_PDE_FPD          (1ull << 1)
#define VTD_PDE_RSVD         0xffcull          /* bits 11:2 */
#define VTD_PDE_PTP          VTD_ADDR_MASK_4K  /* PASID table pointer */
#define VTD_PASID_DIR_SHIFT  6
#define VTD_PASID_TABLE_ENTRIES 64

/* ---- scalable-mode PASID table entry (9.6): 512 bits ---------------------------------- */
#define VTD_PASID_ENTRY_SIZE 64
#define VTD_PTE_Q0_P         (1ull << 0)
#define VTD_PTE_Q0_FPD       (1ull << 1)
#define VTD_PTE_Q0_AW_SHIFT  2                 /* second-level AW (VTD_AW_*) */
#define VTD_PTE_Q0_AW_MASK   (0x7ull << 2)
#define VTD_PTE_Q0_SLEE      (1ull << 5)       /* second-level execute enable */
#define VTD_PTE_Q0_PGTT_SHIFT 6                /* PASID-granular translation type */
#define VTD_PTE_Q0_PGTT_MASK (0x7ull << 6)
#define VTD_PTE_Q0_SLADE     (1ull << 9)       /* second-level A/D enable */
#define VTD_PTE_Q0_RSVD      (0x3ull << 10)    /* bits 11:10 */
#define VTD_PTE_Q0_SLPTPTR   VTD_ADDR_MASK_4K
#define VTD_PTE_Q1_DID_MASK  0xffffull         /* bits 79:64 */
#define VTD_PTE_Q1_RSVD      (0x7full << 16)   /* bits 86:80 */
#define VTD_PTE_Q1_PWSNP     (1ull << 23)      /* page-walk snoop */
#define VTD_PTE_Q1_PGSNP     (1ull << 24)      /* page snoop */
#define VTD_PTE_Q1_CD        (1ull << 25)
#define VTD_PTE_Q1_EMTE      (1ull << 26)
#define VTD_PTE_Q1_EMT_SHIFT 27
#define VTD_PTE_Q1_EMT_MASK  (0x7ull << 27)
#define VTD_PTE_Q1_PWT       (1ull << 30)
#define VTD_PTE_Q1_PCD       (1ull << 31)
#define VTD_PTE_Q1_PAT_SHIFT 32
#define VTD_PTE_Q2_SRE       (1ull << 0)       /* supervisor request enable */
#define VTD_PTE_Q2_ERE       (1ull << 1)       /* execute request enable */
#define VTD_PTE_Q2_FLPM_SHIFT 2                /* 0: 4-level, 1: 5-level */
#define VTD_PTE_Q2_FLPM_MASK (0x3ull << 2)
#define VTD_PTE_Q2_WPE       (1ull << 4)       /* write protect enable */
#define VTD_PTE_Q2_NXE       (1ull << 5)       /* no-execute enable */
#define VTD_PTE_Q2_SMEP      (1ull << 6)
#define VTD_PTE_Q2_EAFE      (1ull << 7)       /* extended accessed flag enable */
#define VTD_PTE_Q2_RSVD      (0xfull << 8)     /* bits 139:136 */
#define VTD_PTE_Q2_FLPTPTR   VTD_ADDR_MASK_4K
/* qwords 3..7 are reserved */
/* PGTT values. */
#define VTD_PGTT_FL          1u   /* first-level only */
#define VTD_PGTT_SL          2u   /* second-level only */
#define VTD_PGTT_NESTED      3u
#define VTD_PGTT_PT          4u   /* pass-through */

/* ---- second-level paging entry (9.8) --------------------------------------------------
 * Levels: 1 (PTE, IOVA[20:12]), 2 (PDE, [29:21]), 3 (PDPE, [38:30]), 4 (PML4E, [47:39]),
 * 5 (PML5E, [56:48]); 512 eight-byte entries per table. */
#define VTD_SL_R             (1ull << 0)
#define VTD_SL_W             (1ull << 1)
#define VTD_SL_X             (1ull << 2)
#define VTD_SL_EMT_SHIFT     3
#define VTD_SL_EMT_MASK      (0x7ull << 3)
#define VTD_SL_IPAT          (1ull << 6)
#define VTD_SL_PS            (1ull << 7)       /* PDE/PDPE: maps a 2 MiB / 1 GiB page */
#define VTD_SL_A             (1ull << 8)
#define VTD_SL_D             (1ull << 9)
#define VTD_SL_SNP           (1ull << 11)
#define VTD_SL_ADDR_MASK     0x000ffffffffff000ull
#define VTD_SL_TM            (1ull << 62)      /* transient mapping */
#define VTD_SL_IGNORED       0xbff0000000000000ull   /* bits 61:52 and 63 */

/* ---- first-level paging entry (9.7): IA-32e format ------------------------------------ */
#define VTD_FL_P             (1ull << 0)
#define VTD_FL_RW            (1ull << 1)
#define VTD_FL_US            (1ull << 2)
#define VTD_FL_PWT           (1ull << 3)
#define VTD_FL_PCD           (1ull << 4)
#define VTD_FL_A             (1ull << 5)
#define VTD_FL_D             (1ull << 6)
#define VTD_FL_PS            (1ull << 7)       /* PDE/PDPE: large page (PAT in a PTE) */
#define VTD_FL_G             (1ull << 8)
#define VTD_FL_EA            (1ull << 10)      /* extended accessed (with EAFE) */
#define VTD_FL_PAT_LARGE     (1ull << 12)      /* PAT bit of a 2 MiB / 1 GiB page */
#define VTD_FL_ADDR_MASK     0x000ffffffffff000ull
#define VTD_FL_IGNORED_HI    0x7ff0000000000000ull   /* bits 62:52 */
#define VTD_FL_XD            (1ull << 63)      /* execute disable (reserved if NXE = 0) */

#define VTD_LEVEL_SHIFT(level)  (VTD_PAGE_SHIFT + 9u * ((unsigned)(level) - 1u))
#define VTD_LEVEL_INDEX(addr, level) (((addr) >> VTD_LEVEL_SHIFT(level)) & 0x1ffu)

#endif
