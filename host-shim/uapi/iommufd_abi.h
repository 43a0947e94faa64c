/* SPDX-License-Identifier: MIT */
/*
 * The iommufd ABI (/dev/iommu), written out for the host shim.
 *
 * These are the project's own declarations of the Linux iommufd uAPI binary interface: the
 * same request numbers, struct sizes, field offsets and flag values, so that a recorded
 * argument struct can be read and written byte for byte. Names follow the uAPI with a
 * `uapi_` / `UAPI_` prefix; fields named `__reserved` in the uAPI are `reserved` here.
 *
 * Sources of the facts: the uAPI header of Linux 6.17/6.18 (commands 0x80..0x94) and, for
 * the minimum sizes, the kernel's ioctl dispatch table (min size = end of the last field the
 * first version of each command had). Values marked "post-6.18" come from later trees and
 * may still move.
 *
 * Layout: all fields are host-endian (little-endian on every platform that has iommufd);
 * 64-bit fields are 8-byte aligned on every ABI (the uAPI's __aligned_u64).
 */
#ifndef IOMMUSIM_UAPI_IOMMUFD_ABI_H
#define IOMMUSIM_UAPI_IOMMUFD_ABI_H

#include <stddef.h>
#include <stdint.h>

/* ---- request numbers ----------------------------------------------------------------- */

/* Every command is _IO(';', nr): no size and no direction bits, so request = 0x3b00 | nr. */
#define UAPI_IOMMUFD_TYPE      0x3bu   /* ';' */
#define UAPI_IOMMUFD_CMD_BASE  0x80u
#define UAPI_IO(type, nr)      ((uint32_t)(((uint32_t)(type) << 8) | (uint32_t)(nr)))
#define UAPI_IOC_NR(req)       ((uint32_t)(req) & 0xffu)
#define UAPI_IOC_TYPE(req)     (((uint32_t)(req) >> 8) & 0xffu)

enum uapi_iommufd_cmd {
	UAPI_IOMMUFD_CMD_DESTROY                 = 0x80, /* 6.2 */
	UAPI_IOMMUFD_CMD_IOAS_ALLOC              = 0x81, /* 6.2 */
	UAPI_IOMMUFD_CMD_IOAS_ALLOW_IOVAS        = 0x82, /* 6.2 */
	UAPI_IOMMUFD_CMD_IOAS_COPY               = 0x83, /* 6.2 */
	UAPI_IOMMUFD_CMD_IOAS_IOVA_RANGES        = 0x84, /* 6.2 */
	UAPI_IOMMUFD_CMD_IOAS_MAP                = 0x85, /* 6.2 */
	UAPI_IOMMUFD_CMD_IOAS_UNMAP              = 0x86, /* 6.2 */
	UAPI_IOMMUFD_CMD_OPTION                  = 0x87, /* 6.2 */
	UAPI_IOMMUFD_CMD_VFIO_IOAS               = 0x88, /* 6.2 */
	UAPI_IOMMUFD_CMD_HWPT_ALLOC              = 0x89, /* 6.6 */
	UAPI_IOMMUFD_CMD_GET_HW_INFO             = 0x8a, /* 6.6 */
	UAPI_IOMMUFD_CMD_HWPT_SET_DIRTY_TRACKING = 0x8b, /* 6.7 */
	UAPI_IOMMUFD_CMD_HWPT_GET_DIRTY_BITMAP   = 0x8c, /* 6.7 */
	UAPI_IOMMUFD_CMD_HWPT_INVALIDATE         = 0x8d, /* 6.8 */
	UAPI_IOMMUFD_CMD_FAULT_QUEUE_ALLOC       = 0x8e, /* 6.11 */
	UAPI_IOMMUFD_CMD_IOAS_MAP_FILE           = 0x8f, /* 6.13 */
	UAPI_IOMMUFD_CMD_VIOMMU_ALLOC            = 0x90, /* 6.13 */
	UAPI_IOMMUFD_CMD_VDEVICE_ALLOC           = 0x91, /* 6.13 */
	UAPI_IOMMUFD_CMD_IOAS_CHANGE_PROCESS     = 0x92, /* 6.14 */
	UAPI_IOMMUFD_CMD_VEVENTQ_ALLOC           = 0x93, /* 6.15 */
	UAPI_IOMMUFD_CMD_HW_QUEUE_ALLOC          = 0x94, /* 6.17 */
	UAPI_IOMMUFD_CMD_LAST                    = 0x94,
};

#define UAPI_IOMMU_DESTROY                 UAPI_IO(UAPI_IOMMUFD_TYPE, 0x80)  /* 0x3b80 */
#define UAPI_IOMMU_IOAS_ALLOC              UAPI_IO(UAPI_IOMMUFD_TYPE, 0x81)
#define UAPI_IOMMU_IOAS_ALLOW_IOVAS        UAPI_IO(UAPI_IOMMUFD_TYPE, 0x82)
#define UAPI_IOMMU_IOAS_COPY               UAPI_IO(UAPI_IOMMUFD_TYPE, 0x83)
#define UAPI_IOMMU_IOAS_IOVA_RANGES        UAPI_IO(UAPI_IOMMUFD_TYPE, 0x84)
#define UAPI_IOMMU_IOAS_MAP                UAPI_IO(UAPI_IOMMUFD_TYPE, 0x85)
#define UAPI_IOMMU_IOAS_UNMAP              UAPI_IO(UAPI_IOMMUFD_TYPE, 0x86)
#define UAPI_IOMMU_OPTION                  UAPI_IO(UAPI_IOMMUFD_TYPE, 0x87)
#define UAPI_IOMMU_VFIO_IOAS               UAPI_IO(UAPI_IOMMUFD_TYPE, 0x88)
#define UAPI_IOMMU_HWPT_ALLOC              UAPI_IO(UAPI_IOMMUFD_TYPE, 0x89)
#define UAPI_IOMMU_GET_HW_INFO             UAPI_IO(UAPI_IOMMUFD_TYPE, 0x8a)
#define UAPI_IOMMU_HWPT_SET_DIRTY_TRACKING UAPI_IO(UAPI_IOMMUFD_TYPE, 0x8b)
#define UAPI_IOMMU_HWPT_GET_DIRTY_BITMAP   UAPI_IO(UAPI_IOMMUFD_TYPE, 0x8c)
#define UAPI_IOMMU_HWPT_INVALIDATE         UAPI_IO(UAPI_IOMMUFD_TYPE, 0x8d)
#define UAPI_IOMMU_FAULT_QUEUE_ALLOC       UAPI_IO(UAPI_IOMMUFD_TYPE, 0x8e)
#define UAPI_IOMMU_IOAS_MAP_FILE           UAPI_IO(UAPI_IOMMUFD_TYPE, 0x8f)
#define UAPI_IOMMU_VIOMMU_ALLOC            UAPI_IO(UAPI_IOMMUFD_TYPE, 0x90)
#define UAPI_IOMMU_VDEVICE_ALLOC           UAPI_IO(UAPI_IOMMUFD_TYPE, 0x91)
#define UAPI_IOMMU_IOAS_CHANGE_PROCESS     UAPI_IO(UAPI_IOMMUFD_TYPE, 0x92)
#define UAPI_IOMMU_VEVENTQ_ALLOC           UAPI_IO(UAPI_IOMMUFD_TYPE, 0x93)
#define UAPI_IOMMU_HW_QUEUE_ALLOC          UAPI_IO(UAPI_IOMMUFD_TYPE, 0x94)  /* 0x3b94 */
/* Exists only with CONFIG_IOMMUFD_TEST; a model for simulator-private commands. */
#define UAPI_IOMMU_TEST_CMD                UAPI_IO(UAPI_IOMMUFD_TYPE, 0xa0)

/* IDs are 32-bit, one namespace per iommufd; 0 is never a valid object ID. */
#define UAPI_IOMMUFD_INVALID_ID 0u

/* ---- IOMMU_DESTROY ------------------------------------------------------------------- */
struct uapi_iommu_destroy {
	uint32_t size;
	uint32_t id;
};

/* ---- IOMMU_IOAS_ALLOC ---------------------------------------------------------------- */
struct uapi_iommu_ioas_alloc {
	uint32_t size;
	uint32_t flags;          /* must be 0 */
	uint32_t out_ioas_id;
};

/* ---- IOVA ranges (IOAS_IOVA_RANGES, IOAS_ALLOW_IOVAS) --------------------------------- */
struct uapi_iommu_iova_range {
	_Alignas(8) uint64_t start;
	_Alignas(8) uint64_t last;   /* inclusive */
};

struct uapi_iommu_ioas_iova_ranges {
	uint32_t size;
	uint32_t ioas_id;
	uint32_t num_iovas;      /* in: capacity of allowed_iovas; out: total (EMSGSIZE if short) */
	uint32_t reserved;
	_Alignas(8) uint64_t allowed_iovas;      /* user pointer to uapi_iommu_iova_range[] */
	_Alignas(8) uint64_t out_iova_alignment;
};

struct uapi_iommu_ioas_allow_iovas {
	uint32_t size;
	uint32_t ioas_id;
	uint32_t num_iovas;
	uint32_t reserved;
	_Alignas(8) uint64_t allowed_iovas;
};

/* ---- map flags (IOAS_MAP, IOAS_MAP_FILE, IOAS_COPY) ----------------------------------- */
#define UAPI_IOMMU_IOAS_MAP_FIXED_IOVA (1u << 0)
#define UAPI_IOMMU_IOAS_MAP_WRITEABLE  (1u << 1)
#define UAPI_IOMMU_IOAS_MAP_READABLE   (1u << 2)

struct uapi_iommu_ioas_map {
	uint32_t size;
	uint32_t flags;
	uint32_t ioas_id;
	uint32_t reserved;
	_Alignas(8) uint64_t user_va;
	_Alignas(8) uint64_t length;
	_Alignas(8) uint64_t iova;   /* in with FIXED_IOVA, else out */
};

struct uapi_iommu_ioas_map_file {
	uint32_t size;
	uint32_t flags;
	uint32_t ioas_id;
	int32_t fd;
	_Alignas(8) uint64_t start;
	_Alignas(8) uint64_t length;
	_Alignas(8) uint64_t iova;
};

struct uapi_iommu_ioas_copy {
	uint32_t size;
	uint32_t flags;
	uint32_t dst_ioas_id;
	uint32_t src_ioas_id;
	_Alignas(8) uint64_t length;
	_Alignas(8) uint64_t dst_iova;
	_Alignas(8) uint64_t src_iova;
};

struct uapi_iommu_ioas_unmap {
	uint32_t size;
	uint32_t ioas_id;
	_Alignas(8) uint64_t iova;
	_Alignas(8) uint64_t length;  /* in: bytes; out: bytes unmapped */
};

/* ---- IOMMU_OPTION --------------------------------------------------------------------- */
#define UAPI_IOMMU_OPTION_RLIMIT_MODE 0u
#define UAPI_IOMMU_OPTION_HUGE_PAGES  1u
#define UAPI_IOMMU_OPTION_OP_SET      0u
#define UAPI_IOMMU_OPTION_OP_GET      1u

struct uapi_iommu_option {
	uint32_t size;
	uint32_t option_id;
	uint16_t op;
	uint16_t reserved;
	uint32_t object_id;
	_Alignas(8) uint64_t val64;
};

/* ---- IOMMU_VFIO_IOAS ------------------------------------------------------------------ */
#define UAPI_IOMMU_VFIO_IOAS_GET   0u
#define UAPI_IOMMU_VFIO_IOAS_SET   1u
#define UAPI_IOMMU_VFIO_IOAS_CLEAR 2u

struct uapi_iommu_vfio_ioas {
	uint32_t size;
	uint32_t ioas_id;
	uint16_t op;
	uint16_t reserved;
};

/* ---- IOMMU_HWPT_ALLOC ----------------------------------------------------------------- */
#define UAPI_IOMMU_HWPT_ALLOC_NEST_PARENT     (1u << 0)   /* 6.7 */
#define UAPI_IOMMU_HWPT_ALLOC_DIRTY_TRACKING  (1u << 1)   /* 6.7 */
#define UAPI_IOMMU_HWPT_FAULT_ID_VALID        (1u << 2)   /* 6.11 */
#define UAPI_IOMMU_HWPT_ALLOC_PASID           (1u << 3)   /* 6.13 */

/* enum iommu_hwpt_data_type */
#define UAPI_IOMMU_HWPT_DATA_NONE       0u
#define UAPI_IOMMU_HWPT_DATA_VTD_S1     1u
#define UAPI_IOMMU_HWPT_DATA_ARM_SMMUV3 2u
#define UAPI_IOMMU_HWPT_DATA_AMD_GUEST  3u        /* post-6.18 */
#define UAPI_IOMMU_HWPT_DATA_SELFTEST   0xdeadu   /* CONFIG_IOMMUFD_TEST only */

/* Stage-1 attributes; they mirror the scalable-mode PASID entry's SRE/EAFE/WPE bits. */
#define UAPI_IOMMU_VTD_S1_SRE  (1u << 0)
#define UAPI_IOMMU_VTD_S1_EAFE (1u << 1)
#define UAPI_IOMMU_VTD_S1_WPE  (1u << 2)

struct uapi_iommu_hwpt_vtd_s1 {
	_Alignas(8) uint64_t flags;
	_Alignas(8) uint64_t pgtbl_addr;   /* first-stage table base, a GPA */
	uint32_t addr_width;               /* 48 or 57 */
	uint32_t reserved;
};

/* The guest STE's first two double words, little-endian. */
struct uapi_iommu_hwpt_arm_smmuv3 {
	_Alignas(8) uint64_t ste[2];
};

/* A guest Device Table Entry (256 bits). post-6.18. */
struct uapi_iommu_hwpt_amd_guest {
	_Alignas(8) uint64_t dte[4];
};

struct uapi_iommu_hwpt_alloc {
	uint32_t size;
	uint32_t flags;
	uint32_t dev_id;
	uint32_t pt_id;          /* IOAS, NEST_PARENT HWPT or vIOMMU */
	uint32_t out_hwpt_id;
	uint32_t reserved;
	uint32_t data_type;      /* 6.7 */
	uint32_t data_len;
	_Alignas(8) uint64_t data_uptr;
	uint32_t fault_id;       /* 6.11, valid with UAPI_IOMMU_HWPT_FAULT_ID_VALID */
	uint32_t reserved2;
};

/* ---- IOMMU_GET_HW_INFO ---------------------------------------------------------------- */
/* enum iommu_hw_info_type */
#define UAPI_IOMMU_HW_INFO_TYPE_NONE            0u
#define UAPI_IOMMU_HW_INFO_TYPE_DEFAULT         0u   /* the same value, as an input */
#define UAPI_IOMMU_HW_INFO_TYPE_INTEL_VTD       1u
#define UAPI_IOMMU_HW_INFO_TYPE_ARM_SMMUV3      2u
#define UAPI_IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV  3u
#define UAPI_IOMMU_HW_INFO_TYPE_AMD             4u           /* post-6.18 */
#define UAPI_IOMMU_HW_INFO_TYPE_SELFTEST        0xfeedbeefu  /* CONFIG_IOMMUFD_TEST only */

#define UAPI_IOMMU_HW_INFO_FLAG_INPUT_TYPE      (1u << 0)    /* 6.17 */

/* enum iommufd_hw_capabilities (out_capabilities) */
#define UAPI_IOMMU_HW_CAP_DIRTY_TRACKING          (1ull << 0)
#define UAPI_IOMMU_HW_CAP_PCI_PASID_EXEC          (1ull << 1)
#define UAPI_IOMMU_HW_CAP_PCI_PASID_PRIV          (1ull << 2)
/* Negative sense so that 0 from an older kernel reads as "ATS usable". post-6.18. */
#define UAPI_IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED   (1ull << 3)

#define UAPI_IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17       (1u << 0)
#define UAPI_IOMMU_HW_INFO_ARM_SMMUV3_ERRATA_REPEAT_TLBI_CFGI (1u << 0)  /* post-6.18 */

struct uapi_iommu_hw_info_vtd {
	uint32_t flags;
	uint32_t reserved;
	_Alignas(8) uint64_t cap_reg;    /* VT-d CAP_REG, raw */
	_Alignas(8) uint64_t ecap_reg;   /* VT-d ECAP_REG, raw */
};

struct uapi_iommu_hw_info_arm_smmuv3 {
	uint32_t flags;
	uint32_t reserved;
	uint32_t idr[6];
	uint32_t iidr;
	uint32_t aidr;
};

struct uapi_iommu_hw_info_tegra241_cmdqv {
	uint32_t flags;
	uint8_t version;
	uint8_t log2vcmdqs;
	uint8_t log2vsids;
	uint8_t reserved;
};

/* post-6.18 */
struct uapi_iommu_hw_info_amd {
	_Alignas(8) uint64_t efr;
	_Alignas(8) uint64_t efr2;
};

struct uapi_iommu_hw_info {
	uint32_t size;
	uint32_t flags;
	uint32_t dev_id;
	uint32_t data_len;       /* in: buffer length; out: length the kernel supports */
	_Alignas(8) uint64_t data_uptr;
	union {
		uint32_t in_data_type;   /* with UAPI_IOMMU_HW_INFO_FLAG_INPUT_TYPE */
		uint32_t out_data_type;
	};
	uint8_t out_max_pasid_log2;
	uint8_t reserved[3];
	_Alignas(8) uint64_t out_capabilities;
};

/* ---- dirty tracking ------------------------------------------------------------------- */
#define UAPI_IOMMU_HWPT_DIRTY_TRACKING_ENABLE     1u
#define UAPI_IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR 1u

struct uapi_iommu_hwpt_set_dirty_tracking {
	uint32_t size;
	uint32_t flags;
	uint32_t hwpt_id;
	uint32_t reserved;
};

struct uapi_iommu_hwpt_get_dirty_bitmap {
	uint32_t size;
	uint32_t hwpt_id;
	uint32_t flags;
	uint32_t reserved;
	_Alignas(8) uint64_t iova;
	_Alignas(8) uint64_t length;
	_Alignas(8) uint64_t page_size;
	_Alignas(8) uint64_t data;   /* user bitmap, bit n = page (iova + n * page_size) */
};

/* ---- IOMMU_HWPT_INVALIDATE ------------------------------------------------------------ */
/* enum iommu_hwpt_invalidate_data_type */
#define UAPI_IOMMU_HWPT_INVALIDATE_DATA_VTD_S1       0u
#define UAPI_IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3 1u
#define UAPI_IOMMU_HWPT_INVALIDATE_DATA_SELFTEST     0xdeadbeefu

#define UAPI_IOMMU_VTD_INV_FLAGS_LEAF (1u << 0)

struct uapi_iommu_hwpt_vtd_s1_invalidate {
	_Alignas(8) uint64_t addr;      /* 4 KiB aligned */
	_Alignas(8) uint64_t npages;    /* addr=0, npages=U64_MAX: everything */
	uint32_t flags;
	uint32_t reserved;
};

/* One raw 128-bit SMMUv3 command, little-endian. */
struct uapi_iommu_viommu_arm_smmuv3_invalidate {
	_Alignas(8) uint64_t cmd[2];
};

struct uapi_iommu_hwpt_invalidate {
	uint32_t size;
	uint32_t hwpt_id;        /* nested HWPT or vIOMMU */
	_Alignas(8) uint64_t data_uptr;
	uint32_t data_type;
	uint32_t entry_len;
	uint32_t entry_num;      /* in: count; out: count handled */
	uint32_t reserved;
};

/* ---- fault queue ---------------------------------------------------------------------- */
#define UAPI_IOMMU_PGFAULT_FLAGS_PASID_VALID (1u << 0)
#define UAPI_IOMMU_PGFAULT_FLAGS_LAST_PAGE   (1u << 1)
#define UAPI_IOMMU_PGFAULT_PERM_READ  (1u << 0)
#define UAPI_IOMMU_PGFAULT_PERM_WRITE (1u << 1)
#define UAPI_IOMMU_PGFAULT_PERM_EXEC  (1u << 2)
#define UAPI_IOMMU_PGFAULT_PERM_PRIV  (1u << 3)
#define UAPI_IOMMUFD_PAGE_RESP_SUCCESS 0u
#define UAPI_IOMMUFD_PAGE_RESP_INVALID 1u

/* read() from the fault fd */
struct uapi_iommu_hwpt_pgfault {
	uint32_t flags;
	uint32_t dev_id;
	uint32_t pasid;
	uint32_t grpid;
	uint32_t perm;
	uint32_t reserved;
	_Alignas(8) uint64_t addr;
	uint32_t length;
	uint32_t cookie;
};

/* write() to the fault fd */
struct uapi_iommu_hwpt_page_response {
	uint32_t cookie;
	uint32_t code;
};

struct uapi_iommu_fault_alloc {
	uint32_t size;
	uint32_t flags;
	uint32_t out_fault_id;
	uint32_t out_fault_fd;
};

/* ---- vIOMMU, vDEVICE, vEVENTQ, HW queue ----------------------------------------------- */
#define UAPI_IOMMU_VIOMMU_TYPE_DEFAULT         0u
#define UAPI_IOMMU_VIOMMU_TYPE_ARM_SMMUV3      1u
#define UAPI_IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV  2u

struct uapi_iommu_viommu_tegra241_cmdqv {
	_Alignas(8) uint64_t out_vintf_mmap_offset;
	_Alignas(8) uint64_t out_vintf_mmap_length;
};

struct uapi_iommu_viommu_alloc {
	uint32_t size;
	uint32_t flags;
	uint32_t type;
	uint32_t dev_id;
	uint32_t hwpt_id;        /* NEST_PARENT HWPT */
	uint32_t out_viommu_id;
	uint32_t data_len;
	uint32_t reserved;
	_Alignas(8) uint64_t data_uptr;
};

struct uapi_iommu_vdevice_alloc {
	uint32_t size;
	uint32_t viommu_id;
	uint32_t dev_id;
	uint32_t out_vdevice_id;
	_Alignas(8) uint64_t virt_id;   /* vSID (SMMUv3), vDeviceID (AMD), vRID (VT-d) */
};

struct uapi_iommu_ioas_change_process {
	uint32_t size;
	uint32_t reserved;
};

#define UAPI_IOMMU_VEVENTQ_FLAG_LOST_EVENTS     (1u << 0)
#define UAPI_IOMMU_VEVENTQ_TYPE_DEFAULT         0u
#define UAPI_IOMMU_VEVENTQ_TYPE_ARM_SMMUV3      1u
#define UAPI_IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV  2u

/* Precedes each record read from a vEVENTQ fd; sequence runs 0..INT32_MAX then wraps. */
struct uapi_iommufd_vevent_header {
	uint32_t flags;
	uint32_t sequence;
};

struct uapi_iommu_vevent_arm_smmuv3 {
	_Alignas(8) uint64_t evt[4];
};

struct uapi_iommu_vevent_tegra241_cmdqv {
	_Alignas(8) uint64_t lvcmdq_err_map[2];
};

struct uapi_iommu_veventq_alloc {
	uint32_t size;
	uint32_t flags;
	uint32_t viommu_id;
	uint32_t type;
	uint32_t veventq_depth;
	uint32_t out_veventq_id;
	uint32_t out_veventq_fd;
	uint32_t reserved;
};

#define UAPI_IOMMU_HW_QUEUE_TYPE_DEFAULT        0u
#define UAPI_IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV 1u

struct uapi_iommu_hw_queue_alloc {
	uint32_t size;
	uint32_t flags;
	uint32_t viommu_id;
	uint32_t type;
	uint32_t index;
	uint32_t out_hw_queue_id;
	_Alignas(8) uint64_t nesting_parent_iova;
	_Alignas(8) uint64_t length;
};

/* ---- layout checks (sizes and offsets from the uAPI) ---------------------------------- */
#define UAPI_OFFSET_END(type, field) (offsetof(type, field) + sizeof(((type *)0)->field))

_Static_assert(sizeof(struct uapi_iommu_destroy) == 8, "iommu_destroy");
_Static_assert(sizeof(struct uapi_iommu_ioas_alloc) == 12, "iommu_ioas_alloc");
_Static_assert(offsetof(struct uapi_iommu_ioas_alloc, out_ioas_id) == 8, "out_ioas_id");
_Static_assert(sizeof(struct uapi_iommu_iova_range) == 16, "iommu_iova_range");
_Static_assert(sizeof(struct uapi_iommu_ioas_iova_ranges) == 32, "iommu_ioas_iova_ranges");
_Static_assert(offsetof(struct uapi_iommu_ioas_iova_ranges, allowed_iovas) == 16, "");
_Static_assert(offsetof(struct uapi_iommu_ioas_iova_ranges, out_iova_alignment) == 24, "");
_Static_assert(sizeof(struct uapi_iommu_ioas_allow_iovas) == 24, "iommu_ioas_allow_iovas");
_Static_assert(offsetof(struct uapi_iommu_ioas_allow_iovas, allowed_iovas) == 16, "");
_Static_assert(sizeof(struct uapi_iommu_ioas_map) == 40, "iommu_ioas_map");
_Static_assert(offsetof(struct uapi_iommu_ioas_map, user_va) == 16, "");
_Static_assert(offsetof(struct uapi_iommu_ioas_map, length) == 24, "");
_Static_assert(offsetof(struct uapi_iommu_ioas_map, iova) == 32, "");
_Static_assert(sizeof(struct uapi_iommu_ioas_map_file) == 40, "iommu_ioas_map_file");
_Static_assert(offsetof(struct uapi_iommu_ioas_map_file, fd) == 12, "");
_Static_assert(offsetof(struct uapi_iommu_ioas_map_file, start) == 16, "");
_Static_assert(offsetof(struct uapi_iommu_ioas_map_file, iova) == 32, "");
_Static_assert(sizeof(struct uapi_iommu_ioas_copy) == 40, "iommu_ioas_copy");
_Static_assert(offsetof(struct uapi_iommu_ioas_copy, length) == 16, "");
_Static_assert(offsetof(struct uapi_iommu_ioas_copy, src_iova) == 32, "");
_Static_assert(sizeof(struct uapi_iommu_ioas_unmap) == 24, "iommu_ioas_unmap");
_Static_assert(offsetof(struct uapi_iommu_ioas_unmap, iova) == 8, "");
_Static_assert(offsetof(struct uapi_iommu_ioas_unmap, length) == 16, "");
_Static_assert(sizeof(struct uapi_iommu_option) == 24, "iommu_option");
_Static_assert(offsetof(struct uapi_iommu_option, op) == 8, "");
_Static_assert(offsetof(struct uapi_iommu_option, object_id) == 12, "");
_Static_assert(offsetof(struct uapi_iommu_option, val64) == 16, "");
_Static_assert(sizeof(struct uapi_iommu_vfio_ioas) == 12, "iommu_vfio_ioas");
_Static_assert(offsetof(struct uapi_iommu_vfio_ioas, op) == 8, "");
_Static_assert(sizeof(struct uapi_iommu_hwpt_alloc) == 48, "iommu_hwpt_alloc");
_Static_assert(offsetof(struct uapi_iommu_hwpt_alloc, out_hwpt_id) == 16, "");
_Static_assert(offsetof(struct uapi_iommu_hwpt_alloc, data_type) == 24, "");
_Static_assert(offsetof(struct uapi_iommu_hwpt_alloc, data_uptr) == 32, "");
_Static_assert(offsetof(struct uapi_iommu_hwpt_alloc, fault_id) == 40, "");
_Static_assert(sizeof(struct uapi_iommu_hwpt_vtd_s1) == 24, "iommu_hwpt_vtd_s1");
_Static_assert(offsetof(struct uapi_iommu_hwpt_vtd_s1, addr_width) == 16, "");
_Static_assert(sizeof(struct uapi_iommu_hwpt_arm_smmuv3) == 16, "iommu_hwpt_arm_smmuv3");
_Static_assert(sizeof(struct uapi_iommu_hwpt_amd_guest) == 32, "iommu_hwpt_amd_guest");
_Static_assert(sizeof(struct uapi_iommu_hw_info) == 40, "iommu_hw_info");
_Static_assert(offsetof(struct uapi_iommu_hw_info, data_uptr) == 16, "");
_Static_assert(offsetof(struct uapi_iommu_hw_info, out_data_type) == 24, "");
_Static_assert(offsetof(struct uapi_iommu_hw_info, in_data_type) == 24, "");
_Static_assert(offsetof(struct uapi_iommu_hw_info, out_max_pasid_log2) == 28, "");
_Static_assert(offsetof(struct uapi_iommu_hw_info, out_capabilities) == 32, "");
_Static_assert(sizeof(struct uapi_iommu_hw_info_vtd) == 24, "iommu_hw_info_vtd");
_Static_assert(offsetof(struct uapi_iommu_hw_info_vtd, cap_reg) == 8, "");
_Static_assert(offsetof(struct uapi_iommu_hw_info_vtd, ecap_reg) == 16, "");
_Static_assert(sizeof(struct uapi_iommu_hw_info_arm_smmuv3) == 40, "iommu_hw_info_arm_smmuv3");
_Static_assert(offsetof(struct uapi_iommu_hw_info_arm_smmuv3, idr) == 8, "");
_Static_assert(offsetof(struct uapi_iommu_hw_info_arm_smmuv3, iidr) == 32, "");
_Static_assert(offsetof(struct uapi_iommu_hw_info_arm_smmuv3, aidr) == 36, "");
_Static_assert(sizeof(struct uapi_iommu_hw_info_tegra241_cmdqv) == 8, "tegra241 hw_info");
_Static_assert(sizeof(struct uapi_iommu_hw_info_amd) == 16, "iommu_hw_info_amd");
_Static_assert(sizeof(struct uapi_iommu_hwpt_set_dirty_tracking) == 16, "set_dirty_tracking");
_Static_assert(sizeof(struct uapi_iommu_hwpt_get_dirty_bitmap) == 48, "get_dirty_bitmap");
_Static_assert(offsetof(struct uapi_iommu_hwpt_get_dirty_bitmap, flags) == 8, "");
_Static_assert(offsetof(struct uapi_iommu_hwpt_get_dirty_bitmap, page_size) == 32, "");
_Static_assert(offsetof(struct uapi_iommu_hwpt_get_dirty_bitmap, data) == 40, "");
_Static_assert(sizeof(struct uapi_iommu_hwpt_invalidate) == 32, "iommu_hwpt_invalidate");
_Static_assert(offsetof(struct uapi_iommu_hwpt_invalidate, data_uptr) == 8, "");
_Static_assert(offsetof(struct uapi_iommu_hwpt_invalidate, data_type) == 16, "");
_Static_assert(offsetof(struct uapi_iommu_hwpt_invalidate, entry_num) == 24, "");
_Static_assert(sizeof(struct uapi_iommu_hwpt_vtd_s1_invalidate) == 24, "vtd_s1_invalidate");
_Static_assert(offsetof(struct uapi_iommu_hwpt_vtd_s1_invalidate, flags) == 16, "");
_Static_assert(sizeof(struct uapi_iommu_viommu_arm_smmuv3_invalidate) == 16, "smmuv3 inv");
_Static_assert(sizeof(struct uapi_iommu_hwpt_pgfault) == 40, "iommu_hwpt_pgfault");
_Static_assert(offsetof(struct uapi_iommu_hwpt_pgfault, addr) == 24, "");
_Static_assert(offsetof(struct uapi_iommu_hwpt_pgfault, cookie) == 36, "");
_Static_assert(sizeof(struct uapi_iommu_hwpt_page_response) == 8, "page_response");
_Static_assert(sizeof(struct uapi_iommu_fault_alloc) == 16, "iommu_fault_alloc");
_Static_assert(offsetof(struct uapi_iommu_fault_alloc, out_fault_fd) == 12, "");
_Static_assert(sizeof(struct uapi_iommu_viommu_alloc) == 40, "iommu_viommu_alloc");
_Static_assert(offsetof(struct uapi_iommu_viommu_alloc, out_viommu_id) == 20, "");
_Static_assert(offsetof(struct uapi_iommu_viommu_alloc, data_uptr) == 32, "");
_Static_assert(sizeof(struct uapi_iommu_viommu_tegra241_cmdqv) == 16, "tegra241 viommu");
_Static_assert(sizeof(struct uapi_iommu_vdevice_alloc) == 24, "iommu_vdevice_alloc");
_Static_assert(offsetof(struct uapi_iommu_vdevice_alloc, virt_id) == 16, "");
_Static_assert(sizeof(struct uapi_iommu_ioas_change_process) == 8, "change_process");
_Static_assert(sizeof(struct uapi_iommufd_vevent_header) == 8, "vevent_header");
_Static_assert(sizeof(struct uapi_iommu_vevent_arm_smmuv3) == 32, "vevent_arm_smmuv3");
_Static_assert(sizeof(struct uapi_iommu_vevent_tegra241_cmdqv) == 16, "vevent_tegra241");
_Static_assert(sizeof(struct uapi_iommu_veventq_alloc) == 32, "iommu_veventq_alloc");
_Static_assert(offsetof(struct uapi_iommu_veventq_alloc, out_veventq_fd) == 24, "");
_Static_assert(sizeof(struct uapi_iommu_hw_queue_alloc) == 40, "iommu_hw_queue_alloc");
_Static_assert(offsetof(struct uapi_iommu_hw_queue_alloc, nesting_parent_iova) == 24, "");
_Static_assert(offsetof(struct uapi_iommu_hw_queue_alloc, length) == 32, "");

#endif
