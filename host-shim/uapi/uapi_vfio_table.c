/* SPDX-License-Identifier: MIT */
/*
 * The VFIO ioctls the shim sees: container (type1), group, device and cdev+iommufd.
 * Minimum sizes are the kernel's `minsz` (end of the last field every version reads);
 * extension flags name the end offset the kernel then requires.
 */
#include <stddef.h>
#include <stdint.h>

#include "host-shim/uapi/uapi_internal.h"
#include "host-shim/uapi/vfio_abi.h"

static const uapi_name_t extensions[] = {
	{ "TYPE1_IOMMU", UAPI_VFIO_TYPE1_IOMMU },
	{ "SPAPR_TCE_IOMMU", UAPI_VFIO_SPAPR_TCE_IOMMU },
	{ "TYPE1v2_IOMMU", UAPI_VFIO_TYPE1v2_IOMMU },
	{ "DMA_CC_IOMMU", UAPI_VFIO_DMA_CC_IOMMU },
	{ "EEH", UAPI_VFIO_EEH },
	{ "TYPE1_NESTING_IOMMU", UAPI_VFIO_TYPE1_NESTING_IOMMU },
	{ "SPAPR_TCE_v2_IOMMU", UAPI_VFIO_SPAPR_TCE_v2_IOMMU },
	{ "NOIOMMU_IOMMU", UAPI_VFIO_NOIOMMU_IOMMU },
	{ "UNMAP_ALL", UAPI_VFIO_UNMAP_ALL },
	{ "UPDATE_VADDR", UAPI_VFIO_UPDATE_VADDR },
	{ NULL, 0 },
};
static const uapi_name_t group_flags[] = {
	{ "VIABLE", UAPI_VFIO_GROUP_FLAGS_VIABLE },
	{ "CONTAINER_SET", UAPI_VFIO_GROUP_FLAGS_CONTAINER_SET },
	{ NULL, 0 },
};
static const uapi_name_t device_flags[] = {
	{ "RESET", UAPI_VFIO_DEVICE_FLAGS_RESET },
	{ "PCI", UAPI_VFIO_DEVICE_FLAGS_PCI },
	{ "PLATFORM", UAPI_VFIO_DEVICE_FLAGS_PLATFORM },
	{ "AMBA", UAPI_VFIO_DEVICE_FLAGS_AMBA },
	{ "CCW", UAPI_VFIO_DEVICE_FLAGS_CCW },
	{ "AP", UAPI_VFIO_DEVICE_FLAGS_AP },
	{ "FSL_MC", UAPI_VFIO_DEVICE_FLAGS_FSL_MC },
	{ "CAPS", UAPI_VFIO_DEVICE_FLAGS_CAPS },
	{ "CDX", UAPI_VFIO_DEVICE_FLAGS_CDX },
	{ NULL, 0 },
};
static const uapi_name_t region_flags[] = {
	{ "READ", UAPI_VFIO_REGION_INFO_FLAG_READ },
	{ "WRITE", UAPI_VFIO_REGION_INFO_FLAG_WRITE },
	{ "MMAP", UAPI_VFIO_REGION_INFO_FLAG_MMAP },
	{ "CAPS", UAPI_VFIO_REGION_INFO_FLAG_CAPS },
	{ NULL, 0 },
};
static const uapi_name_t irq_info_flags[] = {
	{ "EVENTFD", UAPI_VFIO_IRQ_INFO_EVENTFD },
	{ "MASKABLE", UAPI_VFIO_IRQ_INFO_MASKABLE },
	{ "AUTOMASKED", UAPI_VFIO_IRQ_INFO_AUTOMASKED },
	{ "NORESIZE", UAPI_VFIO_IRQ_INFO_NORESIZE },
	{ NULL, 0 },
};
static const uapi_name_t irq_set_flags[] = {
	{ "DATA_NONE", UAPI_VFIO_IRQ_SET_DATA_NONE },
	{ "DATA_BOOL", UAPI_VFIO_IRQ_SET_DATA_BOOL },
	{ "DATA_EVENTFD", UAPI_VFIO_IRQ_SET_DATA_EVENTFD },
	{ "ACTION_MASK", UAPI_VFIO_IRQ_SET_ACTION_MASK },
	{ "ACTION_UNMASK", UAPI_VFIO_IRQ_SET_ACTION_UNMASK },
	{ "ACTION_TRIGGER", UAPI_VFIO_IRQ_SET_ACTION_TRIGGER },
	{ NULL, 0 },
};
static const uapi_name_t bind_flags[] = {
	{ "TOKEN", UAPI_VFIO_DEVICE_BIND_FLAG_TOKEN },
	{ NULL, 0 },
};
static const uapi_name_t attach_flags[] = {
	{ "PASID", UAPI_VFIO_DEVICE_ATTACH_PASID },
	{ NULL, 0 },
};
static const uapi_name_t detach_flags[] = {
	{ "PASID", UAPI_VFIO_DEVICE_DETACH_PASID },
	{ NULL, 0 },
};
static const uapi_name_t type1_info_flags[] = {
	{ "PGSIZES", UAPI_VFIO_IOMMU_INFO_PGSIZES },
	{ "CAPS", UAPI_VFIO_IOMMU_INFO_CAPS },
	{ NULL, 0 },
};
static const uapi_name_t dma_map_flags[] = {
	{ "READ", UAPI_VFIO_DMA_MAP_FLAG_READ },
	{ "WRITE", UAPI_VFIO_DMA_MAP_FLAG_WRITE },
	{ "VADDR", UAPI_VFIO_DMA_MAP_FLAG_VADDR },
	{ NULL, 0 },
};
static const uapi_name_t dma_unmap_flags[] = {
	{ "GET_DIRTY_BITMAP", UAPI_VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP },
	{ "ALL", UAPI_VFIO_DMA_UNMAP_FLAG_ALL },
	{ "VADDR", UAPI_VFIO_DMA_UNMAP_FLAG_VADDR },
	{ NULL, 0 },
};
static const uapi_name_t dirty_pages_flags[] = {
	{ "START", UAPI_VFIO_IOMMU_DIRTY_PAGES_FLAG_START },
	{ "STOP", UAPI_VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP },
	{ "GET_BITMAP", UAPI_VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP },
	{ NULL, 0 },
};

/* Arguments passed by value or through a pointer to a scalar: the single field names it. */
static const uapi_field_t check_extension_fields[] = {
	{ "extension", 0, 4, UAPI_IN, UAPI_FMT_ENUM, 0, extensions },
};
static const uapi_field_t set_iommu_fields[] = {
	{ "type", 0, 4, UAPI_IN, UAPI_FMT_ENUM, UAPI_ATTR_SIGNED, extensions },
};
static const uapi_field_t set_container_fields[] = {
	{ "container_fd", 0, 4, UAPI_IN, UAPI_FMT_DEC, UAPI_ATTR_SIGNED, NULL },
};

#define T struct uapi_vfio_group_status
static const uapi_field_t group_status_fields[] = {
	UAPI_F_SIZE(T, argsz),
	UAPI_F_FLAGS(T, flags, UAPI_OUT, group_flags),
};
#undef T
#define T struct uapi_vfio_device_info
static const uapi_field_t device_info_fields[] = {
	UAPI_F(T, argsz, "argsz", UAPI_INOUT, UAPI_FMT_DEC, UAPI_ATTR_SIZE, NULL),
	UAPI_F_FLAGS(T, flags, UAPI_OUT, device_flags),
	UAPI_F_ID(T, num_regions, UAPI_OUT),
	UAPI_F_ID(T, num_irqs, UAPI_OUT),
	UAPI_F_ID(T, cap_offset, UAPI_OUT),
	UAPI_F_RSVD(T, pad, "pad"),
};
#undef T
#define T struct uapi_vfio_region_info
static const uapi_field_t region_info_fields[] = {
	UAPI_F(T, argsz, "argsz", UAPI_INOUT, UAPI_FMT_DEC, UAPI_ATTR_SIZE, NULL),
	UAPI_F_FLAGS(T, flags, UAPI_OUT, region_flags),
	UAPI_F_ID(T, index, UAPI_IN),
	UAPI_F_ID(T, cap_offset, UAPI_OUT),
	UAPI_F_HEX(T, size, UAPI_OUT),
	UAPI_F_HEX(T, offset, UAPI_OUT),
};
#undef T
#define T struct uapi_vfio_irq_info
static const uapi_field_t irq_info_fields[] = {
	UAPI_F_SIZE(T, argsz),
	UAPI_F_FLAGS(T, flags, UAPI_OUT, irq_info_flags),
	UAPI_F_ID(T, index, UAPI_IN),
	UAPI_F_ID(T, count, UAPI_OUT),
};
#undef T
#define T struct uapi_vfio_irq_set
static const uapi_field_t irq_set_fields[] = {
	UAPI_F_SIZE(T, argsz),
	UAPI_F_FLAGS(T, flags, UAPI_IN, irq_set_flags),
	UAPI_F_ID(T, index, UAPI_IN),
	UAPI_F_ID(T, start, UAPI_IN),
	UAPI_F_ID(T, count, UAPI_IN),
};
#undef T
#define T struct uapi_vfio_device_bind_iommufd
static const uapi_field_t bind_fields[] = {
	UAPI_F_SIZE(T, argsz),
	UAPI_F_FLAGS(T, flags, UAPI_IN, bind_flags),
	UAPI_F(T, iommufd, "iommufd", UAPI_IN, UAPI_FMT_DEC, UAPI_ATTR_SIGNED, NULL),
	UAPI_F_ID(T, out_devid, UAPI_OUT),
	UAPI_F_PTR(T, token_uuid_ptr),
};
#undef T
#define T struct uapi_vfio_device_attach_iommufd_pt
static const uapi_field_t attach_fields[] = {
	UAPI_F_SIZE(T, argsz),
	UAPI_F_FLAGS(T, flags, UAPI_IN, attach_flags),
	UAPI_F_ID(T, pt_id, UAPI_INOUT),
	UAPI_F_ID(T, pasid, UAPI_IN),
};
#undef T
#define T struct uapi_vfio_device_detach_iommufd_pt
static const uapi_field_t detach_fields[] = {
	UAPI_F_SIZE(T, argsz),
	UAPI_F_FLAGS(T, flags, UAPI_IN, detach_flags),
	UAPI_F_ID(T, pasid, UAPI_IN),
};
#undef T
#define T struct uapi_vfio_iommu_type1_info
static const uapi_field_t type1_info_fields[] = {
	UAPI_F(T, argsz, "argsz", UAPI_INOUT, UAPI_FMT_DEC, UAPI_ATTR_SIZE, NULL),
	UAPI_F_FLAGS(T, flags, UAPI_OUT, type1_info_flags),
	UAPI_F_HEX(T, iova_pgsizes, UAPI_OUT),
	UAPI_F_ID(T, cap_offset, UAPI_OUT),
	UAPI_F_RSVD(T, pad, "pad"),
};
#undef T
#define T struct uapi_vfio_iommu_type1_dma_map
static const uapi_field_t dma_map_fields[] = {
	UAPI_F_SIZE(T, argsz),
	UAPI_F_FLAGS(T, flags, UAPI_IN, dma_map_flags),
	UAPI_F_PTR(T, vaddr),
	UAPI_F_HEX(T, iova, UAPI_IN),
	UAPI_F_HEX(T, size, UAPI_IN),
};
#undef T
#define T struct uapi_vfio_iommu_type1_dma_unmap
static const uapi_field_t dma_unmap_fields[] = {
	UAPI_F_SIZE(T, argsz),
	UAPI_F_FLAGS(T, flags, UAPI_IN, dma_unmap_flags),
	UAPI_F_HEX(T, iova, UAPI_IN),
	UAPI_F_HEX(T, size, UAPI_INOUT),
};
#undef T
#define T struct uapi_vfio_iommu_type1_dirty_bitmap
static const uapi_field_t dirty_pages_fields[] = {
	UAPI_F_SIZE(T, argsz),
	UAPI_F_FLAGS(T, flags, UAPI_IN, dirty_pages_flags),
};
#undef T

static const uapi_flag_ext_t attach_exts[] = {
	{ UAPI_VFIO_DEVICE_ATTACH_PASID, 16 },
};
static const uapi_flag_ext_t detach_exts[] = {
	{ UAPI_VFIO_DEVICE_DETACH_PASID, 12 },
};
/* GET_DIRTY_BITMAP: a struct vfio_bitmap follows the 24-byte unmap struct. */
static const uapi_flag_ext_t dma_unmap_exts[] = {
	{ UAPI_VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP, 24 + 24 },
};
/* GET_BITMAP: {u64 iova; u64 size; struct vfio_bitmap} follows the 8-byte header. */
static const uapi_flag_ext_t dirty_pages_exts[] = {
	{ UAPI_VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP, 8 + 16 + 24 },
};

#define VFIO_STRUCT(nm, req, kinds, rule, sname, type, minsz, vflags, flds, exts, pl, since) \
	{ (nm), (req), (kinds), UAPI_ARG_STRUCT, (rule), (sname), (uint16_t)sizeof(type),  \
	  (minsz), (vflags), UAPI_FIELDS(flds), exts, (pl), (since) }
#define NO_EXTS NULL, 0
#define EXTS(a) (a), UAPI_NELEM(a)
#define VFIO_OTHER(nm, req, kinds, akind, flds, nflds, since)                           \
	{ (nm), (req), (kinds), (akind), UAPI_RULE_NONE, NULL, 0, 0, 0, (flds), (nflds),   \
	  NULL, 0, NULL, (since) }

/* Container commands also work on /dev/iommu (the type1 compatibility layer). */
#define CONTAINER_KINDS (UAPI_FD_CONTAINER | UAPI_FD_IOMMUFD)
#define DEVICE_KINDS (UAPI_FD_DEVICE | UAPI_FD_CDEV)

const uapi_ioctl_t uapi_vfio_ioctls[] = {
	VFIO_OTHER("VFIO_GET_API_VERSION", UAPI_VFIO_GET_API_VERSION, CONTAINER_KINDS,
		   UAPI_ARG_NONE, NULL, 0, "3.6"),
	VFIO_OTHER("VFIO_CHECK_EXTENSION", UAPI_VFIO_CHECK_EXTENSION, CONTAINER_KINDS,
		   UAPI_ARG_VALUE, check_extension_fields, 1, "3.6"),
	VFIO_OTHER("VFIO_SET_IOMMU", UAPI_VFIO_SET_IOMMU, CONTAINER_KINDS, UAPI_ARG_VALUE,
		   set_iommu_fields, 1, "3.6"),
	VFIO_STRUCT("VFIO_IOMMU_GET_INFO", UAPI_VFIO_IOMMU_GET_INFO, CONTAINER_KINDS,
		    UAPI_RULE_VFIO, "vfio_iommu_type1_info", struct uapi_vfio_iommu_type1_info,
		    16, UAPI_FLAGS_ANY, type1_info_fields, NO_EXTS, NULL, "3.6"),
	VFIO_STRUCT("VFIO_IOMMU_MAP_DMA", UAPI_VFIO_IOMMU_MAP_DMA, CONTAINER_KINDS,
		    UAPI_RULE_VFIO, "vfio_iommu_type1_dma_map",
		    struct uapi_vfio_iommu_type1_dma_map, 32,
		    UAPI_VFIO_DMA_MAP_FLAG_READ | UAPI_VFIO_DMA_MAP_FLAG_WRITE |
			    UAPI_VFIO_DMA_MAP_FLAG_VADDR,
		    dma_map_fields, NO_EXTS, NULL, "3.6"),
	VFIO_STRUCT("VFIO_IOMMU_UNMAP_DMA", UAPI_VFIO_IOMMU_UNMAP_DMA, CONTAINER_KINDS,
		    UAPI_RULE_VFIO, "vfio_iommu_type1_dma_unmap",
		    struct uapi_vfio_iommu_type1_dma_unmap, 24,
		    UAPI_VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP | UAPI_VFIO_DMA_UNMAP_FLAG_ALL |
			    UAPI_VFIO_DMA_UNMAP_FLAG_VADDR,
		    dma_unmap_fields, EXTS(dma_unmap_exts), NULL, "3.6"),
	VFIO_STRUCT("VFIO_IOMMU_DIRTY_PAGES", UAPI_VFIO_IOMMU_DIRTY_PAGES, CONTAINER_KINDS,
		    UAPI_RULE_VFIO, "vfio_iommu_type1_dirty_bitmap",
		    struct uapi_vfio_iommu_type1_dirty_bitmap, 8,
		    UAPI_VFIO_IOMMU_DIRTY_PAGES_FLAG_START | UAPI_VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP |
			    UAPI_VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP,
		    dirty_pages_fields, EXTS(dirty_pages_exts), NULL, "5.8"),
	VFIO_STRUCT("VFIO_GROUP_GET_STATUS", UAPI_VFIO_GROUP_GET_STATUS, UAPI_FD_GROUP,
		    UAPI_RULE_VFIO, "vfio_group_status", struct uapi_vfio_group_status, 8,
		    UAPI_FLAGS_ANY, group_status_fields, NO_EXTS, NULL, "3.6"),
	VFIO_OTHER("VFIO_GROUP_SET_CONTAINER", UAPI_VFIO_GROUP_SET_CONTAINER, UAPI_FD_GROUP,
		   UAPI_ARG_PTR_S32, set_container_fields, 1, "3.6"),
	VFIO_OTHER("VFIO_GROUP_UNSET_CONTAINER", UAPI_VFIO_GROUP_UNSET_CONTAINER,
		   UAPI_FD_GROUP, UAPI_ARG_NONE, NULL, 0, "3.6"),
	VFIO_OTHER("VFIO_GROUP_GET_DEVICE_FD", UAPI_VFIO_GROUP_GET_DEVICE_FD, UAPI_FD_GROUP,
		   UAPI_ARG_STRING, NULL, 0, "3.6"),
	VFIO_STRUCT("VFIO_DEVICE_GET_INFO", UAPI_VFIO_DEVICE_GET_INFO, DEVICE_KINDS,
		    UAPI_RULE_VFIO, "vfio_device_info", struct uapi_vfio_device_info, 16,
		    UAPI_FLAGS_ANY, device_info_fields, NO_EXTS, NULL, "3.6"),
	VFIO_STRUCT("VFIO_DEVICE_GET_REGION_INFO", UAPI_VFIO_DEVICE_GET_REGION_INFO,
		    DEVICE_KINDS, UAPI_RULE_VFIO, "vfio_region_info",
		    struct uapi_vfio_region_info, 32, UAPI_FLAGS_ANY, region_info_fields,
		    NO_EXTS, NULL, "3.6"),
	VFIO_STRUCT("VFIO_DEVICE_GET_IRQ_INFO", UAPI_VFIO_DEVICE_GET_IRQ_INFO, DEVICE_KINDS,
		    UAPI_RULE_VFIO, "vfio_irq_info", struct uapi_vfio_irq_info, 16,
		    UAPI_FLAGS_ANY, irq_info_fields, NO_EXTS, NULL, "3.6"),
	/* The data[] that follows (bools or eventfds) is not modelled. */
	VFIO_STRUCT("VFIO_DEVICE_SET_IRQS", UAPI_VFIO_DEVICE_SET_IRQS, DEVICE_KINDS,
		    UAPI_RULE_VFIO, "vfio_irq_set", struct uapi_vfio_irq_set, 20,
		    UAPI_FLAGS_ANY, irq_set_fields, NO_EXTS, NULL, "3.6"),
	VFIO_OTHER("VFIO_DEVICE_RESET", UAPI_VFIO_DEVICE_RESET, DEVICE_KINDS, UAPI_ARG_NONE,
		   NULL, 0, "3.6"),
	/* 6.17 checks the unknown tail like iommufd does (copy_struct_from_user). */
	VFIO_STRUCT("VFIO_DEVICE_BIND_IOMMUFD", UAPI_VFIO_DEVICE_BIND_IOMMUFD, UAPI_FD_CDEV,
		    UAPI_RULE_IOMMUFD, "vfio_device_bind_iommufd",
		    struct uapi_vfio_device_bind_iommufd, 16, UAPI_VFIO_DEVICE_BIND_FLAG_TOKEN,
		    bind_fields, NO_EXTS, NULL, "6.6"),
	VFIO_STRUCT("VFIO_DEVICE_ATTACH_IOMMUFD_PT", UAPI_VFIO_DEVICE_ATTACH_IOMMUFD_PT,
		    UAPI_FD_CDEV, UAPI_RULE_VFIO, "vfio_device_attach_iommufd_pt",
		    struct uapi_vfio_device_attach_iommufd_pt, 12, UAPI_VFIO_DEVICE_ATTACH_PASID,
		    attach_fields, EXTS(attach_exts), NULL, "6.6"),
	VFIO_STRUCT("VFIO_DEVICE_DETACH_IOMMUFD_PT", UAPI_VFIO_DEVICE_DETACH_IOMMUFD_PT,
		    UAPI_FD_CDEV, UAPI_RULE_VFIO, "vfio_device_detach_iommufd_pt",
		    struct uapi_vfio_device_detach_iommufd_pt, 8, UAPI_VFIO_DEVICE_DETACH_PASID,
		    detach_fields, EXTS(detach_exts), NULL, "6.6"),
};

const size_t uapi_vfio_nioctls = UAPI_NELEM(uapi_vfio_ioctls);
