/* SPDX-License-Identifier: MIT */
/*
 * The iommufd commands 0x80..0x94: argument structs, fields, names and payloads.
 * Minimum sizes are those of the kernel's dispatch table: the end of the last field the
 * first version of each command had (so HWPT_ALLOC accepts 24 bytes, the 6.6 layout).
 */
#include <stddef.h>
#include <stdint.h>

#include "host-shim/uapi/iommufd_abi.h"
#include "host-shim/uapi/uapi_internal.h"

/* ---- names ----------------------------------------------------------------------------- */

static const uapi_name_t map_flags[] = {
	{ "FIXED_IOVA", UAPI_IOMMU_IOAS_MAP_FIXED_IOVA },
	{ "WRITEABLE", UAPI_IOMMU_IOAS_MAP_WRITEABLE },
	{ "READABLE", UAPI_IOMMU_IOAS_MAP_READABLE },
	{ NULL, 0 },
};
static const uapi_name_t option_ids[] = {
	{ "RLIMIT_MODE", UAPI_IOMMU_OPTION_RLIMIT_MODE },
	{ "HUGE_PAGES", UAPI_IOMMU_OPTION_HUGE_PAGES },
	{ NULL, 0 },
};
static const uapi_name_t option_ops[] = {
	{ "SET", UAPI_IOMMU_OPTION_OP_SET },
	{ "GET", UAPI_IOMMU_OPTION_OP_GET },
	{ NULL, 0 },
};
static const uapi_name_t vfio_ioas_ops[] = {
	{ "GET", UAPI_IOMMU_VFIO_IOAS_GET },
	{ "SET", UAPI_IOMMU_VFIO_IOAS_SET },
	{ "CLEAR", UAPI_IOMMU_VFIO_IOAS_CLEAR },
	{ NULL, 0 },
};
static const uapi_name_t hwpt_alloc_flags[] = {
	{ "NEST_PARENT", UAPI_IOMMU_HWPT_ALLOC_NEST_PARENT },
	{ "DIRTY_TRACKING", UAPI_IOMMU_HWPT_ALLOC_DIRTY_TRACKING },
	{ "FAULT_ID_VALID", UAPI_IOMMU_HWPT_FAULT_ID_VALID },
	{ "PASID", UAPI_IOMMU_HWPT_ALLOC_PASID },
	{ NULL, 0 },
};
static const uapi_name_t hwpt_data_types[] = {
	{ "NONE", UAPI_IOMMU_HWPT_DATA_NONE },
	{ "VTD_S1", UAPI_IOMMU_HWPT_DATA_VTD_S1 },
	{ "ARM_SMMUV3", UAPI_IOMMU_HWPT_DATA_ARM_SMMUV3 },
	{ "AMD_GUEST", UAPI_IOMMU_HWPT_DATA_AMD_GUEST },
	{ "SELFTEST", UAPI_IOMMU_HWPT_DATA_SELFTEST },
	{ NULL, 0 },
};
static const uapi_name_t vtd_s1_flags[] = {
	{ "SRE", UAPI_IOMMU_VTD_S1_SRE },
	{ "EAFE", UAPI_IOMMU_VTD_S1_EAFE },
	{ "WPE", UAPI_IOMMU_VTD_S1_WPE },
	{ NULL, 0 },
};
static const uapi_name_t hw_info_flags[] = {
	{ "INPUT_TYPE", UAPI_IOMMU_HW_INFO_FLAG_INPUT_TYPE },
	{ NULL, 0 },
};
/* As an input the value 0 is called DEFAULT, as an output NONE. */
static const uapi_name_t hw_info_in_types[] = {
	{ "DEFAULT", UAPI_IOMMU_HW_INFO_TYPE_DEFAULT },
	{ "INTEL_VTD", UAPI_IOMMU_HW_INFO_TYPE_INTEL_VTD },
	{ "ARM_SMMUV3", UAPI_IOMMU_HW_INFO_TYPE_ARM_SMMUV3 },
	{ "TEGRA241_CMDQV", UAPI_IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV },
	{ "AMD", UAPI_IOMMU_HW_INFO_TYPE_AMD },
	{ "SELFTEST", UAPI_IOMMU_HW_INFO_TYPE_SELFTEST },
	{ "NONE", UAPI_IOMMU_HW_INFO_TYPE_NONE },
	{ NULL, 0 },
};
static const uapi_name_t hw_info_out_types[] = {
	{ "NONE", UAPI_IOMMU_HW_INFO_TYPE_NONE },
	{ "INTEL_VTD", UAPI_IOMMU_HW_INFO_TYPE_INTEL_VTD },
	{ "ARM_SMMUV3", UAPI_IOMMU_HW_INFO_TYPE_ARM_SMMUV3 },
	{ "TEGRA241_CMDQV", UAPI_IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV },
	{ "AMD", UAPI_IOMMU_HW_INFO_TYPE_AMD },
	{ "SELFTEST", UAPI_IOMMU_HW_INFO_TYPE_SELFTEST },
	{ "DEFAULT", UAPI_IOMMU_HW_INFO_TYPE_DEFAULT },
	{ NULL, 0 },
};
static const uapi_name_t hw_caps[] = {
	{ "DIRTY_TRACKING", UAPI_IOMMU_HW_CAP_DIRTY_TRACKING },
	{ "PCI_PASID_EXEC", UAPI_IOMMU_HW_CAP_PCI_PASID_EXEC },
	{ "PCI_PASID_PRIV", UAPI_IOMMU_HW_CAP_PCI_PASID_PRIV },
	{ "PCI_ATS_NOT_SUPPORTED", UAPI_IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED },
	{ NULL, 0 },
};
static const uapi_name_t hw_info_vtd_flags[] = {
	{ "ERRATA_772415_SPR17", UAPI_IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17 },
	{ NULL, 0 },
};
static const uapi_name_t hw_info_smmuv3_flags[] = {
	{ "ERRATA_REPEAT_TLBI_CFGI", UAPI_IOMMU_HW_INFO_ARM_SMMUV3_ERRATA_REPEAT_TLBI_CFGI },
	{ NULL, 0 },
};
static const uapi_name_t dirty_tracking_flags[] = {
	{ "ENABLE", UAPI_IOMMU_HWPT_DIRTY_TRACKING_ENABLE },
	{ NULL, 0 },
};
static const uapi_name_t dirty_bitmap_flags[] = {
	{ "NO_CLEAR", UAPI_IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR },
	{ NULL, 0 },
};
static const uapi_name_t inv_data_types[] = {
	{ "VTD_S1", UAPI_IOMMU_HWPT_INVALIDATE_DATA_VTD_S1 },
	{ "ARM_SMMUV3", UAPI_IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3 },
	{ "SELFTEST", UAPI_IOMMU_HWPT_INVALIDATE_DATA_SELFTEST },
	{ NULL, 0 },
};
static const uapi_name_t vtd_inv_flags[] = {
	{ "LEAF", UAPI_IOMMU_VTD_INV_FLAGS_LEAF },
	{ NULL, 0 },
};
static const uapi_name_t viommu_types[] = {
	{ "DEFAULT", UAPI_IOMMU_VIOMMU_TYPE_DEFAULT },
	{ "ARM_SMMUV3", UAPI_IOMMU_VIOMMU_TYPE_ARM_SMMUV3 },
	{ "TEGRA241_CMDQV", UAPI_IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV },
	{ NULL, 0 },
};
static const uapi_name_t veventq_types[] = {
	{ "DEFAULT", UAPI_IOMMU_VEVENTQ_TYPE_DEFAULT },
	{ "ARM_SMMUV3", UAPI_IOMMU_VEVENTQ_TYPE_ARM_SMMUV3 },
	{ "TEGRA241_CMDQV", UAPI_IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV },
	{ NULL, 0 },
};
static const uapi_name_t hw_queue_types[] = {
	{ "DEFAULT", UAPI_IOMMU_HW_QUEUE_TYPE_DEFAULT },
	{ "TEGRA241_CMDQV", UAPI_IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV },
	{ NULL, 0 },
};

/* ---- payload structs ------------------------------------------------------------------- */

#define T struct uapi_iommu_iova_range
static const uapi_field_t iova_range_in_fields[] = {
	UAPI_F_HEX(T, start, UAPI_IN),
	UAPI_F_HEX(T, last, UAPI_IN),
};
static const uapi_field_t iova_range_out_fields[] = {
	UAPI_F_HEX(T, start, UAPI_OUT),
	UAPI_F_HEX(T, last, UAPI_OUT),
};
#undef T
static const uapi_payload_type_t iova_range_in_type[] = {
	{ 0, "iommu_iova_range", 16, 16, UAPI_FIELDS(iova_range_in_fields) },
};
static const uapi_payload_type_t iova_range_out_type[] = {
	{ 0, "iommu_iova_range", 16, 16, UAPI_FIELDS(iova_range_out_fields) },
};
static const uapi_payload_t allow_iovas_payload = {
	"allowed_iovas", UAPI_IN, UAPI_PAYLOAD_ARRAY, "allowed_iovas", NULL, "num_iovas", NULL,
	NULL, UAPI_FIELDS(iova_range_in_type),
};
static const uapi_payload_t iova_ranges_payload = {
	"allowed_iovas", UAPI_OUT, UAPI_PAYLOAD_ARRAY, "allowed_iovas", NULL, "num_iovas", NULL,
	NULL, UAPI_FIELDS(iova_range_out_type),
};

#define T struct uapi_iommu_hwpt_vtd_s1
static const uapi_field_t vtd_s1_fields[] = {
	UAPI_F_FLAGS(T, flags, UAPI_IN, vtd_s1_flags),
	UAPI_F_HEX(T, pgtbl_addr, UAPI_IN),
	UAPI_F_ID(T, addr_width, UAPI_IN),
	UAPI_F_RSVD(T, reserved, "__reserved"),
};
#undef T
#define T struct uapi_iommu_hwpt_arm_smmuv3
static const uapi_field_t hwpt_smmuv3_fields[] = {
	UAPI_F(T, ste[0], "ste.0", UAPI_IN, UAPI_FMT_HEX, 0, NULL),
	UAPI_F(T, ste[1], "ste.1", UAPI_IN, UAPI_FMT_HEX, 0, NULL),
};
#undef T
#define T struct uapi_iommu_hwpt_amd_guest
static const uapi_field_t hwpt_amd_fields[] = {
	UAPI_F(T, dte[0], "dte.0", UAPI_IN, UAPI_FMT_HEX, 0, NULL),
	UAPI_F(T, dte[1], "dte.1", UAPI_IN, UAPI_FMT_HEX, 0, NULL),
	UAPI_F(T, dte[2], "dte.2", UAPI_IN, UAPI_FMT_HEX, 0, NULL),
	UAPI_F(T, dte[3], "dte.3", UAPI_IN, UAPI_FMT_HEX, 0, NULL),
};
#undef T
static const uapi_payload_type_t hwpt_data_payload_types[] = {
	{ UAPI_IOMMU_HWPT_DATA_VTD_S1, "iommu_hwpt_vtd_s1", 24, 24, UAPI_FIELDS(vtd_s1_fields) },
	{ UAPI_IOMMU_HWPT_DATA_ARM_SMMUV3, "iommu_hwpt_arm_smmuv3", 16, 16,
	  UAPI_FIELDS(hwpt_smmuv3_fields) },
	{ UAPI_IOMMU_HWPT_DATA_AMD_GUEST, "iommu_hwpt_amd_guest", 32, 32,
	  UAPI_FIELDS(hwpt_amd_fields) },
};
static const uapi_payload_t hwpt_alloc_payload = {
	"data", UAPI_IN, UAPI_PAYLOAD_STRUCT, "data_uptr", "data_len", NULL, NULL, "data_type",
	UAPI_FIELDS(hwpt_data_payload_types),
};

#define T struct uapi_iommu_hw_info_vtd
static const uapi_field_t hw_info_vtd_fields[] = {
	UAPI_F_FLAGS(T, flags, UAPI_OUT, hw_info_vtd_flags),
	UAPI_F_RSVD(T, reserved, "__reserved"),
	UAPI_F_HEX(T, cap_reg, UAPI_OUT),
	UAPI_F_HEX(T, ecap_reg, UAPI_OUT),
};
#undef T
#define T struct uapi_iommu_hw_info_arm_smmuv3
static const uapi_field_t hw_info_smmuv3_fields[] = {
	UAPI_F_FLAGS(T, flags, UAPI_OUT, hw_info_smmuv3_flags),
	UAPI_F_RSVD(T, reserved, "__reserved"),
	UAPI_F(T, idr[0], "idr.0", UAPI_OUT, UAPI_FMT_HEX, 0, NULL),
	UAPI_F(T, idr[1], "idr.1", UAPI_OUT, UAPI_FMT_HEX, 0, NULL),
	UAPI_F(T, idr[2], "idr.2", UAPI_OUT, UAPI_FMT_HEX, 0, NULL),
	UAPI_F(T, idr[3], "idr.3", UAPI_OUT, UAPI_FMT_HEX, 0, NULL),
	UAPI_F(T, idr[4], "idr.4", UAPI_OUT, UAPI_FMT_HEX, 0, NULL),
	UAPI_F(T, idr[5], "idr.5", UAPI_OUT, UAPI_FMT_HEX, 0, NULL),
	UAPI_F_HEX(T, iidr, UAPI_OUT),
	UAPI_F_HEX(T, aidr, UAPI_OUT),
};
#undef T
#define T struct uapi_iommu_hw_info_tegra241_cmdqv
static const uapi_field_t hw_info_tegra_fields[] = {
	UAPI_F_HEX(T, flags, UAPI_OUT),
	UAPI_F_ID(T, version, UAPI_OUT),
	UAPI_F_ID(T, log2vcmdqs, UAPI_OUT),
	UAPI_F_ID(T, log2vsids, UAPI_OUT),
	UAPI_F_RSVD(T, reserved, "__reserved"),
};
#undef T
#define T struct uapi_iommu_hw_info_amd
static const uapi_field_t hw_info_amd_fields[] = {
	UAPI_F_HEX(T, efr, UAPI_OUT),
	UAPI_F_HEX(T, efr2, UAPI_OUT),
};
#undef T
static const uapi_payload_type_t hw_info_payload_types[] = {
	{ UAPI_IOMMU_HW_INFO_TYPE_INTEL_VTD, "iommu_hw_info_vtd", 24, 24,
	  UAPI_FIELDS(hw_info_vtd_fields) },
	{ UAPI_IOMMU_HW_INFO_TYPE_ARM_SMMUV3, "iommu_hw_info_arm_smmuv3", 40, 40,
	  UAPI_FIELDS(hw_info_smmuv3_fields) },
	{ UAPI_IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV, "iommu_hw_info_tegra241_cmdqv", 8, 8,
	  UAPI_FIELDS(hw_info_tegra_fields) },
	{ UAPI_IOMMU_HW_INFO_TYPE_AMD, "iommu_hw_info_amd", 16, 16,
	  UAPI_FIELDS(hw_info_amd_fields) },
};
/* The kernel fills data as the type it reports in out_data_type. */
static const uapi_payload_t hw_info_payload = {
	"data", UAPI_OUT, UAPI_PAYLOAD_STRUCT, "data_uptr", "data_len", NULL, NULL,
	"out_data_type", UAPI_FIELDS(hw_info_payload_types),
};

#define T struct uapi_iommu_hwpt_vtd_s1_invalidate
static const uapi_field_t vtd_inv_fields[] = {
	UAPI_F_HEX(T, addr, UAPI_IN),
	UAPI_F_HEX(T, npages, UAPI_IN),
	UAPI_F_FLAGS(T, flags, UAPI_IN, vtd_inv_flags),
	UAPI_F_RSVD(T, reserved, "__reserved"),
};
#undef T
#define T struct uapi_iommu_viommu_arm_smmuv3_invalidate
static const uapi_field_t smmuv3_inv_fields[] = {
	UAPI_F(T, cmd[0], "cmd.0", UAPI_IN, UAPI_FMT_HEX, 0, NULL),
	UAPI_F(T, cmd[1], "cmd.1", UAPI_IN, UAPI_FMT_HEX, 0, NULL),
};
#undef T
static const uapi_payload_type_t inv_payload_types[] = {
	{ UAPI_IOMMU_HWPT_INVALIDATE_DATA_VTD_S1, "iommu_hwpt_vtd_s1_invalidate", 24, 24,
	  UAPI_FIELDS(vtd_inv_fields) },
	{ UAPI_IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3, "iommu_viommu_arm_smmuv3_invalidate",
	  16, 16, UAPI_FIELDS(smmuv3_inv_fields) },
};
static const uapi_payload_t invalidate_payload = {
	"data", UAPI_IN, UAPI_PAYLOAD_ARRAY, "data_uptr", NULL, "entry_num", "entry_len",
	"data_type", UAPI_FIELDS(inv_payload_types),
};

#define T struct uapi_iommu_viommu_tegra241_cmdqv
static const uapi_field_t viommu_tegra_fields[] = {
	UAPI_F_HEX(T, out_vintf_mmap_offset, UAPI_OUT),
	UAPI_F_HEX(T, out_vintf_mmap_length, UAPI_OUT),
};
#undef T
static const uapi_payload_type_t viommu_payload_types[] = {
	{ UAPI_IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV, "iommu_viommu_tegra241_cmdqv", 16, 16,
	  UAPI_FIELDS(viommu_tegra_fields) },
};
static const uapi_payload_t viommu_payload = {
	"data", UAPI_INOUT, UAPI_PAYLOAD_STRUCT, "data_uptr", "data_len", NULL, NULL, "type",
	UAPI_FIELDS(viommu_payload_types),
};

/* One u64 word per 64 pages; word N is `data.N`. */
static const uapi_payload_type_t bitmap_word_type[] = {
	{ 0, "u64", 8, 8, NULL, 0 },
};
static const uapi_payload_t dirty_bitmap_payload = {
	"data", UAPI_OUT, UAPI_PAYLOAD_BITMAP, "data", NULL, NULL, NULL, NULL,
	UAPI_FIELDS(bitmap_word_type),
};

/* ---- argument structs ------------------------------------------------------------------ */

#define T struct uapi_iommu_destroy
static const uapi_field_t destroy_fields[] = {
	UAPI_F_SIZE(T, size),
	UAPI_F_ID(T, id, UAPI_IN),
};
#undef T
#define T struct uapi_iommu_ioas_alloc
static const uapi_field_t ioas_alloc_fields[] = {
	UAPI_F_SIZE(T, size),
	UAPI_F_FLAGS(T, flags, UAPI_IN, NULL),
	UAPI_F_ID(T, out_ioas_id, UAPI_OUT),
};
#undef T
#define T struct uapi_iommu_ioas_allow_iovas
static const uapi_field_t allow_iovas_fields[] = {
	UAPI_F_SIZE(T, size),
	UAPI_F_ID(T, ioas_id, UAPI_IN),
	UAPI_F_ID(T, num_iovas, UAPI_IN),
	UAPI_F_RSVD(T, reserved, "__reserved"),
	UAPI_F_PTR(T, allowed_iovas),
};
#undef T
#define T struct uapi_iommu_ioas_copy
static const uapi_field_t copy_fields[] = {
	UAPI_F_SIZE(T, size),
	UAPI_F_FLAGS(T, flags, UAPI_IN, map_flags),
	UAPI_F_ID(T, dst_ioas_id, UAPI_IN),
	UAPI_F_ID(T, src_ioas_id, UAPI_IN),
	UAPI_F_HEX(T, length, UAPI_IN),
	UAPI_F_HEX(T, dst_iova, UAPI_INOUT),
	UAPI_F_HEX(T, src_iova, UAPI_IN),
};
#undef T
#define T struct uapi_iommu_ioas_iova_ranges
static const uapi_field_t iova_ranges_fields[] = {
	UAPI_F_SIZE(T, size),
	UAPI_F_ID(T, ioas_id, UAPI_IN),
	UAPI_F_ID(T, num_iovas, UAPI_INOUT),
	UAPI_F_RSVD(T, reserved, "__reserved"),
	UAPI_F_PTR(T, allowed_iovas),
	UAPI_F_HEX(T, out_iova_alignment, UAPI_OUT),
};
#undef T
#define T struct uapi_iommu_ioas_map
static const uapi_field_t map_fields[] = {
	UAPI_F_SIZE(T, size),
	UAPI_F_FLAGS(T, flags, UAPI_IN, map_flags),
	UAPI_F_ID(T, ioas_id, UAPI_IN),
	UAPI_F_RSVD(T, reserved, "__reserved"),
	UAPI_F_PTR(T, user_va),
	UAPI_F_HEX(T, length, UAPI_IN),
	UAPI_F_HEX(T, iova, UAPI_INOUT),
};
#undef T
#define T struct uapi_iommu_ioas_unmap
static const uapi_field_t unmap_fields[] = {
	UAPI_F_SIZE(T, size),
	UAPI_F_ID(T, ioas_id, UAPI_IN),
	UAPI_F_HEX(T, iova, UAPI_IN),
	UAPI_F_HEX(T, length, UAPI_INOUT),
};
#undef T
#define T struct uapi_iommu_option
static const uapi_field_t option_fields[] = {
	UAPI_F_SIZE(T, size),
	UAPI_F_ENUM(T, option_id, UAPI_IN, option_ids),
	UAPI_F_ENUM(T, op, UAPI_IN, option_ops),
	UAPI_F_RSVD(T, reserved, "__reserved"),
	UAPI_F_ID(T, object_id, UAPI_IN),
	UAPI_F_ID(T, val64, UAPI_INOUT),
};
#undef T
#define T struct uapi_iommu_vfio_ioas
static const uapi_field_t vfio_ioas_fields[] = {
	UAPI_F_SIZE(T, size),
	UAPI_F_ID(T, ioas_id, UAPI_INOUT),
	UAPI_F_ENUM(T, op, UAPI_IN, vfio_ioas_ops),
	UAPI_F_RSVD(T, reserved, "__reserved"),
};
#undef T
#define T struct uapi_iommu_hwpt_alloc
static const uapi_field_t hwpt_alloc_fields[] = {
	UAPI_F_SIZE(T, size),
	UAPI_F_FLAGS(T, flags, UAPI_IN, hwpt_alloc_flags),
	UAPI_F_ID(T, dev_id, UAPI_IN),
	UAPI_F_ID(T, pt_id, UAPI_IN),
	UAPI_F_ID(T, out_hwpt_id, UAPI_OUT),
	UAPI_F_RSVD(T, reserved, "__reserved"),
	UAPI_F_ENUM(T, data_type, UAPI_IN, hwpt_data_types),
	UAPI_F_ID(T, data_len, UAPI_IN),
	UAPI_F_PTR(T, data_uptr),
	UAPI_F_ID(T, fault_id, UAPI_IN),
	UAPI_F_RSVD(T, reserved2, "__reserved2"),
};
#undef T
#define T struct uapi_iommu_hw_info
static const uapi_field_t hw_info_fields[] = {
	UAPI_F_SIZE(T, size),
	UAPI_F_FLAGS(T, flags, UAPI_IN, hw_info_flags),
	UAPI_F_ID(T, dev_id, UAPI_IN),
	UAPI_F_ID(T, data_len, UAPI_INOUT),
	UAPI_F_PTR(T, data_uptr),
	UAPI_F_ENUM(T, in_data_type, UAPI_IN, hw_info_in_types),
	UAPI_F_ENUM(T, out_data_type, UAPI_OUT, hw_info_out_types),
	UAPI_F_ID(T, out_max_pasid_log2, UAPI_OUT),
	UAPI_F(T, reserved[0], "__reserved.0", UAPI_IN, UAPI_FMT_HEX, UAPI_ATTR_RESERVED, NULL),
	UAPI_F(T, reserved[1], "__reserved.1", UAPI_IN, UAPI_FMT_HEX, UAPI_ATTR_RESERVED, NULL),
	UAPI_F(T, reserved[2], "__reserved.2", UAPI_IN, UAPI_FMT_HEX, UAPI_ATTR_RESERVED, NULL),
	UAPI_F_FLAGS(T, out_capabilities, UAPI_OUT, hw_caps),
};
#undef T
#define T struct uapi_iommu_hwpt_set_dirty_tracking
static const uapi_field_t set_dirty_fields[] = {
	UAPI_F_SIZE(T, size),
	UAPI_F_FLAGS(T, flags, UAPI_IN, dirty_tracking_flags),
	UAPI_F_ID(T, hwpt_id, UAPI_IN),
	UAPI_F_RSVD(T, reserved, "__reserved"),
};
#undef T
#define T struct uapi_iommu_hwpt_get_dirty_bitmap
static const uapi_field_t get_dirty_fields[] = {
	UAPI_F_SIZE(T, size),
	UAPI_F_ID(T, hwpt_id, UAPI_IN),
	UAPI_F_FLAGS(T, flags, UAPI_IN, dirty_bitmap_flags),
	UAPI_F_RSVD(T, reserved, "__reserved"),
	UAPI_F_HEX(T, iova, UAPI_IN),
	UAPI_F_HEX(T, length, UAPI_IN),
	UAPI_F_HEX(T, page_size, UAPI_IN),
	UAPI_F_PTR(T, data),
};
#undef T
#define T struct uapi_iommu_hwpt_invalidate
static const uapi_field_t invalidate_fields[] = {
	UAPI_F_SIZE(T, size),
	UAPI_F_ID(T, hwpt_id, UAPI_IN),
	UAPI_F_PTR(T, data_uptr),
	UAPI_F_ENUM(T, data_type, UAPI_IN, inv_data_types),
	UAPI_F_ID(T, entry_len, UAPI_IN),
	UAPI_F_ID(T, entry_num, UAPI_INOUT),
	UAPI_F_RSVD(T, reserved, "__reserved"),
};
#undef T
#define T struct uapi_iommu_fault_alloc
static const uapi_field_t fault_alloc_fields[] = {
	UAPI_F_SIZE(T, size),
	UAPI_F_FLAGS(T, flags, UAPI_IN, NULL),
	UAPI_F_ID(T, out_fault_id, UAPI_OUT),
	UAPI_F_ID(T, out_fault_fd, UAPI_OUT),
};
#undef T
#define T struct uapi_iommu_ioas_map_file
static const uapi_field_t map_file_fields[] = {
	UAPI_F_SIZE(T, size),
	UAPI_F_FLAGS(T, flags, UAPI_IN, map_flags),
	UAPI_F_ID(T, ioas_id, UAPI_IN),
	UAPI_F(T, fd, "fd", UAPI_IN, UAPI_FMT_DEC, UAPI_ATTR_SIGNED, NULL),
	UAPI_F_HEX(T, start, UAPI_IN),
	UAPI_F_HEX(T, length, UAPI_IN),
	UAPI_F_HEX(T, iova, UAPI_INOUT),
};
#undef T
#define T struct uapi_iommu_viommu_alloc
static const uapi_field_t viommu_alloc_fields[] = {
	UAPI_F_SIZE(T, size),
	UAPI_F_FLAGS(T, flags, UAPI_IN, NULL),
	UAPI_F_ENUM(T, type, UAPI_IN, viommu_types),
	UAPI_F_ID(T, dev_id, UAPI_IN),
	UAPI_F_ID(T, hwpt_id, UAPI_IN),
	UAPI_F_ID(T, out_viommu_id, UAPI_OUT),
	UAPI_F_ID(T, data_len, UAPI_IN),
	UAPI_F_RSVD(T, reserved, "__reserved"),
	UAPI_F_PTR(T, data_uptr),
};
#undef T
#define T struct uapi_iommu_vdevice_alloc
static const uapi_field_t vdevice_alloc_fields[] = {
	UAPI_F_SIZE(T, size),
	UAPI_F_ID(T, viommu_id, UAPI_IN),
	UAPI_F_ID(T, dev_id, UAPI_IN),
	UAPI_F_ID(T, out_vdevice_id, UAPI_OUT),
	UAPI_F_HEX(T, virt_id, UAPI_IN),
};
#undef T
#define T struct uapi_iommu_ioas_change_process
static const uapi_field_t change_process_fields[] = {
	UAPI_F_SIZE(T, size),
	UAPI_F_RSVD(T, reserved, "__reserved"),
};
#undef T
#define T struct uapi_iommu_veventq_alloc
static const uapi_field_t veventq_alloc_fields[] = {
	UAPI_F_SIZE(T, size),
	UAPI_F_FLAGS(T, flags, UAPI_IN, NULL),
	UAPI_F_ID(T, viommu_id, UAPI_IN),
	UAPI_F_ENUM(T, type, UAPI_IN, veventq_types),
	UAPI_F_ID(T, veventq_depth, UAPI_IN),
	UAPI_F_ID(T, out_veventq_id, UAPI_OUT),
	UAPI_F_ID(T, out_veventq_fd, UAPI_OUT),
	UAPI_F_RSVD(T, reserved, "__reserved"),
};
#undef T
#define T struct uapi_iommu_hw_queue_alloc
static const uapi_field_t hw_queue_alloc_fields[] = {
	UAPI_F_SIZE(T, size),
	UAPI_F_FLAGS(T, flags, UAPI_IN, NULL),
	UAPI_F_ID(T, viommu_id, UAPI_IN),
	UAPI_F_ENUM(T, type, UAPI_IN, hw_queue_types),
	UAPI_F_ID(T, index, UAPI_IN),
	UAPI_F_ID(T, out_hw_queue_id, UAPI_OUT),
	UAPI_F_HEX(T, nesting_parent_iova, UAPI_IN),
	UAPI_F_HEX(T, length, UAPI_IN),
};
#undef T

/* ---- the commands ---------------------------------------------------------------------- */

#define IOMMUFD_CMD(nm, req, sname, type, minsz, flds, pl, since)                       \
	{ (nm), (req), UAPI_FD_IOMMUFD, UAPI_ARG_STRUCT, UAPI_RULE_IOMMUFD, (sname),       \
	  (uint16_t)sizeof(type), (minsz), 0, UAPI_FIELDS(flds), NULL, 0, (pl), (since) }

const uapi_ioctl_t uapi_iommufd_ioctls[] = {
	IOMMUFD_CMD("IOMMU_DESTROY", UAPI_IOMMU_DESTROY, "iommu_destroy",
		    struct uapi_iommu_destroy, 8, destroy_fields, NULL, "6.2"),
	IOMMUFD_CMD("IOMMU_IOAS_ALLOC", UAPI_IOMMU_IOAS_ALLOC, "iommu_ioas_alloc",
		    struct uapi_iommu_ioas_alloc, 12, ioas_alloc_fields, NULL, "6.2"),
	IOMMUFD_CMD("IOMMU_IOAS_ALLOW_IOVAS", UAPI_IOMMU_IOAS_ALLOW_IOVAS,
		    "iommu_ioas_allow_iovas", struct uapi_iommu_ioas_allow_iovas, 24,
		    allow_iovas_fields, &allow_iovas_payload, "6.2"),
	IOMMUFD_CMD("IOMMU_IOAS_COPY", UAPI_IOMMU_IOAS_COPY, "iommu_ioas_copy",
		    struct uapi_iommu_ioas_copy, 40, copy_fields, NULL, "6.2"),
	IOMMUFD_CMD("IOMMU_IOAS_IOVA_RANGES", UAPI_IOMMU_IOAS_IOVA_RANGES,
		    "iommu_ioas_iova_ranges", struct uapi_iommu_ioas_iova_ranges, 32,
		    iova_ranges_fields, &iova_ranges_payload, "6.2"),
	IOMMUFD_CMD("IOMMU_IOAS_MAP", UAPI_IOMMU_IOAS_MAP, "iommu_ioas_map",
		    struct uapi_iommu_ioas_map, 40, map_fields, NULL, "6.2"),
	IOMMUFD_CMD("IOMMU_IOAS_UNMAP", UAPI_IOMMU_IOAS_UNMAP, "iommu_ioas_unmap",
		    struct uapi_iommu_ioas_unmap, 24, unmap_fields, NULL, "6.2"),
	IOMMUFD_CMD("IOMMU_OPTION", UAPI_IOMMU_OPTION, "iommu_option",
		    struct uapi_iommu_option, 24, option_fields, NULL, "6.2"),
	IOMMUFD_CMD("IOMMU_VFIO_IOAS", UAPI_IOMMU_VFIO_IOAS, "iommu_vfio_ioas",
		    struct uapi_iommu_vfio_ioas, 12, vfio_ioas_fields, NULL, "6.2"),
	IOMMUFD_CMD("IOMMU_HWPT_ALLOC", UAPI_IOMMU_HWPT_ALLOC, "iommu_hwpt_alloc",
		    struct uapi_iommu_hwpt_alloc, 24, hwpt_alloc_fields, &hwpt_alloc_payload,
		    "6.6"),
	IOMMUFD_CMD("IOMMU_GET_HW_INFO", UAPI_IOMMU_GET_HW_INFO, "iommu_hw_info",
		    struct uapi_iommu_hw_info, 32, hw_info_fields, &hw_info_payload, "6.6"),
	IOMMUFD_CMD("IOMMU_HWPT_SET_DIRTY_TRACKING", UAPI_IOMMU_HWPT_SET_DIRTY_TRACKING,
		    "iommu_hwpt_set_dirty_tracking", struct uapi_iommu_hwpt_set_dirty_tracking,
		    16, set_dirty_fields, NULL, "6.7"),
	IOMMUFD_CMD("IOMMU_HWPT_GET_DIRTY_BITMAP", UAPI_IOMMU_HWPT_GET_DIRTY_BITMAP,
		    "iommu_hwpt_get_dirty_bitmap", struct uapi_iommu_hwpt_get_dirty_bitmap, 48,
		    get_dirty_fields, &dirty_bitmap_payload, "6.7"),
	IOMMUFD_CMD("IOMMU_HWPT_INVALIDATE", UAPI_IOMMU_HWPT_INVALIDATE,
		    "iommu_hwpt_invalidate", struct uapi_iommu_hwpt_invalidate, 32,
		    invalidate_fields, &invalidate_payload, "6.8"),
	IOMMUFD_CMD("IOMMU_FAULT_QUEUE_ALLOC", UAPI_IOMMU_FAULT_QUEUE_ALLOC,
		    "iommu_fault_alloc", struct uapi_iommu_fault_alloc, 16, fault_alloc_fields,
		    NULL, "6.11"),
	IOMMUFD_CMD("IOMMU_IOAS_MAP_FILE", UAPI_IOMMU_IOAS_MAP_FILE, "iommu_ioas_map_file",
		    struct uapi_iommu_ioas_map_file, 40, map_file_fields, NULL, "6.13"),
	IOMMUFD_CMD("IOMMU_VIOMMU_ALLOC", UAPI_IOMMU_VIOMMU_ALLOC, "iommu_viommu_alloc",
		    struct uapi_iommu_viommu_alloc, 24, viommu_alloc_fields, &viommu_payload,
		    "6.13"),
	IOMMUFD_CMD("IOMMU_VDEVICE_ALLOC", UAPI_IOMMU_VDEVICE_ALLOC, "iommu_vdevice_alloc",
		    struct uapi_iommu_vdevice_alloc, 24, vdevice_alloc_fields, NULL, "6.13"),
	IOMMUFD_CMD("IOMMU_IOAS_CHANGE_PROCESS", UAPI_IOMMU_IOAS_CHANGE_PROCESS,
		    "iommu_ioas_change_process", struct uapi_iommu_ioas_change_process, 8,
		    change_process_fields, NULL, "6.14"),
	IOMMUFD_CMD("IOMMU_VEVENTQ_ALLOC", UAPI_IOMMU_VEVENTQ_ALLOC, "iommu_veventq_alloc",
		    struct uapi_iommu_veventq_alloc, 28, veventq_alloc_fields, NULL, "6.15"),
	IOMMUFD_CMD("IOMMU_HW_QUEUE_ALLOC", UAPI_IOMMU_HW_QUEUE_ALLOC, "iommu_hw_queue_alloc",
		    struct uapi_iommu_hw_queue_alloc, 40, hw_queue_alloc_fields, NULL, "6.17"),
};

const size_t uapi_iommufd_nioctls = UAPI_NELEM(uapi_iommufd_ioctls);
