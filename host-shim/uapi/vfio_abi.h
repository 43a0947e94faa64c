/* SPDX-License-Identifier: MIT */
/*
 * The VFIO ABI the host shim sees: the device cdev + iommufd ioctls (bind, attach/detach
 * with PASID), the device ioctls of a vfio-pci realize (info, regions, IRQs, reset), the
 * group ioctls and the legacy type1 container ioctls. The project's own declarations of the
 * Linux vfio uAPI binary interface (same numbers, sizes, offsets and flag values).
 *
 * VFIO uses the same type byte as iommufd (';') with numbers 100 + n, all _IO, so
 * request = 0x3b00 | (100 + n). Numbers collide across fd kinds (container vs device), so a
 * request is only meaningful together with the kind of fd it is issued on.
 *
 * Size rules differ from iommufd: the kernel reads `argsz` and requires argsz >= the
 * minimum size; fields past the minimum are read only when a flag asks for them (an
 * extension flag with its own end offset); trailing bytes are otherwise ignored. BIND
 * (6.17+) is the exception and checks its unknown tail like iommufd.
 */
#ifndef IOMMUSIM_UAPI_VFIO_ABI_H
#define IOMMUSIM_UAPI_VFIO_ABI_H

#include <stddef.h>
#include <stdint.h>

#include "host-shim/uapi/iommufd_abi.h"

#define UAPI_VFIO_TYPE  0x3bu   /* ';' */
#define UAPI_VFIO_BASE  100u
#define UAPI_VFIO_REQ(n) UAPI_IO(UAPI_VFIO_TYPE, UAPI_VFIO_BASE + (n))

#define UAPI_VFIO_API_VERSION 0

/* container fd (/dev/vfio/vfio, or /dev/iommu in compatibility mode) */
#define UAPI_VFIO_GET_API_VERSION        UAPI_VFIO_REQ(0)   /* 0x3b64 */
#define UAPI_VFIO_CHECK_EXTENSION        UAPI_VFIO_REQ(1)   /* 0x3b65, arg: u32 by value */
#define UAPI_VFIO_SET_IOMMU              UAPI_VFIO_REQ(2)   /* 0x3b66, arg: s32 by value */
#define UAPI_VFIO_IOMMU_GET_INFO         UAPI_VFIO_REQ(12)  /* 0x3b70 */
#define UAPI_VFIO_IOMMU_MAP_DMA          UAPI_VFIO_REQ(13)  /* 0x3b71 */
#define UAPI_VFIO_IOMMU_UNMAP_DMA        UAPI_VFIO_REQ(14)  /* 0x3b72 */
#define UAPI_VFIO_IOMMU_ENABLE           UAPI_VFIO_REQ(15)  /* 0x3b73 */
#define UAPI_VFIO_IOMMU_DISABLE          UAPI_VFIO_REQ(16)  /* 0x3b74 */
#define UAPI_VFIO_IOMMU_DIRTY_PAGES      UAPI_VFIO_REQ(17)  /* 0x3b75 */

/* group fd (/dev/vfio/N) */
#define UAPI_VFIO_GROUP_GET_STATUS       UAPI_VFIO_REQ(3)   /* 0x3b67 */
#define UAPI_VFIO_GROUP_SET_CONTAINER    UAPI_VFIO_REQ(4)   /* 0x3b68, arg: pointer to s32 */
#define UAPI_VFIO_GROUP_UNSET_CONTAINER  UAPI_VFIO_REQ(5)   /* 0x3b69 */
#define UAPI_VFIO_GROUP_GET_DEVICE_FD    UAPI_VFIO_REQ(6)   /* 0x3b6a, arg: device name string */

/* device fd (group-obtained or /dev/vfio/devices/vfioN) */
#define UAPI_VFIO_DEVICE_GET_INFO        UAPI_VFIO_REQ(7)   /* 0x3b6b */
#define UAPI_VFIO_DEVICE_GET_REGION_INFO UAPI_VFIO_REQ(8)   /* 0x3b6c */
#define UAPI_VFIO_DEVICE_GET_IRQ_INFO    UAPI_VFIO_REQ(9)   /* 0x3b6d */
#define UAPI_VFIO_DEVICE_SET_IRQS        UAPI_VFIO_REQ(10)  /* 0x3b6e */
#define UAPI_VFIO_DEVICE_RESET           UAPI_VFIO_REQ(11)  /* 0x3b6f */
#define UAPI_VFIO_DEVICE_BIND_IOMMUFD    UAPI_VFIO_REQ(18)  /* 0x3b76, cdev only (6.6) */
#define UAPI_VFIO_DEVICE_ATTACH_IOMMUFD_PT UAPI_VFIO_REQ(19) /* 0x3b77, cdev only */
#define UAPI_VFIO_DEVICE_DETACH_IOMMUFD_PT UAPI_VFIO_REQ(20) /* 0x3b78, cdev only */

/* VFIO_CHECK_EXTENSION / VFIO_SET_IOMMU values */
#define UAPI_VFIO_TYPE1_IOMMU          1u
#define UAPI_VFIO_SPAPR_TCE_IOMMU      2u
#define UAPI_VFIO_TYPE1v2_IOMMU        3u
#define UAPI_VFIO_DMA_CC_IOMMU         4u
#define UAPI_VFIO_EEH                  5u
#define UAPI_VFIO_TYPE1_NESTING_IOMMU  6u   /* removed in 6.13 */
#define UAPI_VFIO_SPAPR_TCE_v2_IOMMU   7u
#define UAPI_VFIO_NOIOMMU_IOMMU        8u
#define UAPI_VFIO_UNMAP_ALL            9u
#define UAPI_VFIO_UPDATE_VADDR         10u

/* ---- group ---------------------------------------------------------------------------- */
#define UAPI_VFIO_GROUP_FLAGS_VIABLE        (1u << 0)
#define UAPI_VFIO_GROUP_FLAGS_CONTAINER_SET (1u << 1)

struct uapi_vfio_group_status {
	uint32_t argsz;
	uint32_t flags;
};

/* ---- capability chain header (device info, region info, type1 info) ------------------ */
struct uapi_vfio_info_cap_header {
	uint16_t id;
	uint16_t version;
	uint32_t next;
};

/* ---- device --------------------------------------------------------------------------- */
#define UAPI_VFIO_DEVICE_FLAGS_RESET    (1u << 0)
#define UAPI_VFIO_DEVICE_FLAGS_PCI      (1u << 1)
#define UAPI_VFIO_DEVICE_FLAGS_PLATFORM (1u << 2)
#define UAPI_VFIO_DEVICE_FLAGS_AMBA     (1u << 3)
#define UAPI_VFIO_DEVICE_FLAGS_CCW      (1u << 4)
#define UAPI_VFIO_DEVICE_FLAGS_AP       (1u << 5)
#define UAPI_VFIO_DEVICE_FLAGS_FSL_MC   (1u << 6)
#define UAPI_VFIO_DEVICE_FLAGS_CAPS     (1u << 7)
#define UAPI_VFIO_DEVICE_FLAGS_CDX      (1u << 8)

/* PCI region and IRQ indexes */
#define UAPI_VFIO_PCI_BAR0_REGION_INDEX   0u
#define UAPI_VFIO_PCI_ROM_REGION_INDEX    6u
#define UAPI_VFIO_PCI_CONFIG_REGION_INDEX 7u
#define UAPI_VFIO_PCI_VGA_REGION_INDEX    8u
#define UAPI_VFIO_PCI_NUM_REGIONS         9u
#define UAPI_VFIO_PCI_INTX_IRQ_INDEX 0u
#define UAPI_VFIO_PCI_MSI_IRQ_INDEX  1u
#define UAPI_VFIO_PCI_MSIX_IRQ_INDEX 2u
#define UAPI_VFIO_PCI_ERR_IRQ_INDEX  3u
#define UAPI_VFIO_PCI_REQ_IRQ_INDEX  4u
#define UAPI_VFIO_PCI_NUM_IRQS       5u

struct uapi_vfio_device_info {
	uint32_t argsz;
	uint32_t flags;
	uint32_t num_regions;
	uint32_t num_irqs;
	uint32_t cap_offset;     /* absent (20-byte struct) on old headers */
	uint32_t pad;
};

#define UAPI_VFIO_REGION_INFO_FLAG_READ  (1u << 0)
#define UAPI_VFIO_REGION_INFO_FLAG_WRITE (1u << 1)
#define UAPI_VFIO_REGION_INFO_FLAG_MMAP  (1u << 2)
#define UAPI_VFIO_REGION_INFO_FLAG_CAPS  (1u << 3)

struct uapi_vfio_region_info {
	uint32_t argsz;
	uint32_t flags;
	uint32_t index;
	uint32_t cap_offset;
	uint64_t size;
	uint64_t offset;         /* mmap/pread offset in the device fd */
};

#define UAPI_VFIO_IRQ_INFO_EVENTFD    (1u << 0)
#define UAPI_VFIO_IRQ_INFO_MASKABLE   (1u << 1)
#define UAPI_VFIO_IRQ_INFO_AUTOMASKED (1u << 2)
#define UAPI_VFIO_IRQ_INFO_NORESIZE   (1u << 3)

struct uapi_vfio_irq_info {
	uint32_t argsz;
	uint32_t flags;
	uint32_t index;
	uint32_t count;
};

#define UAPI_VFIO_IRQ_SET_DATA_NONE      (1u << 0)
#define UAPI_VFIO_IRQ_SET_DATA_BOOL      (1u << 1)
#define UAPI_VFIO_IRQ_SET_DATA_EVENTFD   (1u << 2)
#define UAPI_VFIO_IRQ_SET_ACTION_MASK    (1u << 3)
#define UAPI_VFIO_IRQ_SET_ACTION_UNMASK  (1u << 4)
#define UAPI_VFIO_IRQ_SET_ACTION_TRIGGER (1u << 5)

/* Followed by count elements of data (bool bytes or s32 eventfds) as the flags say. */
struct uapi_vfio_irq_set {
	uint32_t argsz;
	uint32_t flags;
	uint32_t index;
	uint32_t start;
	uint32_t count;
};

/* ---- cdev + iommufd ------------------------------------------------------------------- */
#define UAPI_VFIO_DEVICE_BIND_FLAG_TOKEN (1u << 0)   /* 6.17 */
#define UAPI_VFIO_DEVICE_ATTACH_PASID    (1u << 0)   /* 6.15 */
#define UAPI_VFIO_DEVICE_DETACH_PASID    (1u << 0)   /* 6.15 */

struct uapi_vfio_device_bind_iommufd {
	uint32_t argsz;
	uint32_t flags;
	int32_t iommufd;
	uint32_t out_devid;
	_Alignas(8) uint64_t token_uuid_ptr;   /* 6.17: 16-byte UUID, with FLAG_TOKEN */
};

struct uapi_vfio_device_attach_iommufd_pt {
	uint32_t argsz;
	uint32_t flags;
	uint32_t pt_id;          /* in: IOAS or HWPT; out: the HWPT attached */
	uint32_t pasid;          /* 6.15, read only with ATTACH_PASID */
};

struct uapi_vfio_device_detach_iommufd_pt {
	uint32_t argsz;
	uint32_t flags;
	uint32_t pasid;          /* 6.15, read only with DETACH_PASID */
};

/* ---- type1 container ------------------------------------------------------------------ */
#define UAPI_VFIO_IOMMU_INFO_PGSIZES (1u << 0)
#define UAPI_VFIO_IOMMU_INFO_CAPS    (1u << 1)
#define UAPI_VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE 1u
#define UAPI_VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION  2u
#define UAPI_VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL      3u

struct uapi_vfio_iommu_type1_info {
	uint32_t argsz;
	uint32_t flags;
	uint64_t iova_pgsizes;   /* bitmap of supported page sizes */
	uint32_t cap_offset;
	uint32_t pad;
};

#define UAPI_VFIO_DMA_MAP_FLAG_READ  (1u << 0)
#define UAPI_VFIO_DMA_MAP_FLAG_WRITE (1u << 1)
#define UAPI_VFIO_DMA_MAP_FLAG_VADDR (1u << 2)

struct uapi_vfio_iommu_type1_dma_map {
	uint32_t argsz;
	uint32_t flags;
	uint64_t vaddr;
	uint64_t iova;
	uint64_t size;
};

#define UAPI_VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP (1u << 0)
#define UAPI_VFIO_DMA_UNMAP_FLAG_ALL              (1u << 1)
#define UAPI_VFIO_DMA_UNMAP_FLAG_VADDR            (1u << 2)

/* Followed by a struct uapi_vfio_bitmap with GET_DIRTY_BITMAP. */
struct uapi_vfio_iommu_type1_dma_unmap {
	uint32_t argsz;
	uint32_t flags;
	uint64_t iova;
	uint64_t size;           /* in: requested; out: unmapped */
};

struct uapi_vfio_bitmap {
	uint64_t pgsize;
	uint64_t size;
	uint64_t data;           /* user pointer */
};

#define UAPI_VFIO_IOMMU_DIRTY_PAGES_FLAG_START      (1u << 0)
#define UAPI_VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP       (1u << 1)
#define UAPI_VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP (1u << 2)

struct uapi_vfio_iommu_type1_dirty_bitmap {
	uint32_t argsz;
	uint32_t flags;
};

/* ---- layout checks -------------------------------------------------------------------- */
_Static_assert(sizeof(struct uapi_vfio_group_status) == 8, "vfio_group_status");
_Static_assert(sizeof(struct uapi_vfio_info_cap_header) == 8, "vfio_info_cap_header");
_Static_assert(sizeof(struct uapi_vfio_device_info) == 24, "vfio_device_info");
_Static_assert(offsetof(struct uapi_vfio_device_info, num_irqs) == 12, "");
_Static_assert(offsetof(struct uapi_vfio_device_info, cap_offset) == 16, "");
_Static_assert(sizeof(struct uapi_vfio_region_info) == 32, "vfio_region_info");
_Static_assert(offsetof(struct uapi_vfio_region_info, size) == 16, "");
_Static_assert(offsetof(struct uapi_vfio_region_info, offset) == 24, "");
_Static_assert(sizeof(struct uapi_vfio_irq_info) == 16, "vfio_irq_info");
_Static_assert(sizeof(struct uapi_vfio_irq_set) == 20, "vfio_irq_set");
_Static_assert(sizeof(struct uapi_vfio_device_bind_iommufd) == 24, "vfio_device_bind_iommufd");
_Static_assert(offsetof(struct uapi_vfio_device_bind_iommufd, iommufd) == 8, "");
_Static_assert(offsetof(struct uapi_vfio_device_bind_iommufd, out_devid) == 12, "");
_Static_assert(offsetof(struct uapi_vfio_device_bind_iommufd, token_uuid_ptr) == 16, "");
_Static_assert(sizeof(struct uapi_vfio_device_attach_iommufd_pt) == 16, "attach_iommufd_pt");
_Static_assert(offsetof(struct uapi_vfio_device_attach_iommufd_pt, pt_id) == 8, "");
_Static_assert(offsetof(struct uapi_vfio_device_attach_iommufd_pt, pasid) == 12, "");
_Static_assert(sizeof(struct uapi_vfio_device_detach_iommufd_pt) == 12, "detach_iommufd_pt");
_Static_assert(offsetof(struct uapi_vfio_device_detach_iommufd_pt, pasid) == 8, "");
_Static_assert(sizeof(struct uapi_vfio_iommu_type1_info) == 24, "vfio_iommu_type1_info");
_Static_assert(offsetof(struct uapi_vfio_iommu_type1_info, iova_pgsizes) == 8, "");
_Static_assert(offsetof(struct uapi_vfio_iommu_type1_info, cap_offset) == 16, "");
_Static_assert(sizeof(struct uapi_vfio_iommu_type1_dma_map) == 32, "vfio_iommu_type1_dma_map");
_Static_assert(offsetof(struct uapi_vfio_iommu_type1_dma_map, vaddr) == 8, "");
_Static_assert(offsetof(struct uapi_vfio_iommu_type1_dma_map, iova) == 16, "");
_Static_assert(offsetof(struct uapi_vfio_iommu_type1_dma_map, size) == 24, "");
_Static_assert(sizeof(struct uapi_vfio_iommu_type1_dma_unmap) == 24, "dma_unmap");
_Static_assert(offsetof(struct uapi_vfio_iommu_type1_dma_unmap, size) == 16, "");
_Static_assert(sizeof(struct uapi_vfio_bitmap) == 24, "vfio_bitmap");
_Static_assert(sizeof(struct uapi_vfio_iommu_type1_dirty_bitmap) == 8, "dirty_bitmap");

#endif
