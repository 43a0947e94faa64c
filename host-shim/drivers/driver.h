/* SPDX-License-Identifier: MIT */
/*
 * The per-IOMMU "kernel driver" interface the iommufd layer calls (DESIGN.md §4 "The shim").
 *
 * It has the shape of Linux's struct iommu_ops (per IOMMU instance: probe a device, report
 * capabilities and reserved regions, allocate domains, block a device, answer page
 * requests) and struct iommu_domain_ops (per domain: attach, map/unmap with a page-size
 * bitmap, IOTLB gather and sync, flush all, dirty tracking, user cache invalidation), plus
 * the vIOMMU ops of iommufd (vDEVICE, HW queue, vIOMMU-wide invalidation). A driver lowers
 * these to what a Linux driver would do to the hardware model: table updates in simulated
 * memory, register writes and invalidation commands.
 *
 * Conventions
 * - Every fallible op returns 0 or a negative errno and fills err with a precise message.
 *   The errno is the one the Linux driver returns in the same situation, because iommufd
 *   passes it to user space unchanged (e.g. -EOPNOTSUPP for an unsupported flag or type,
 *   -EINVAL for a domain that cannot serve this device, -ENOMEM, -E2BIG from the user-data
 *   copy helpers).
 * - Optional ops may be NULL; iommufd then answers as the kernel does when a driver lacks
 *   the op (mostly -EOPNOTSUPP), as documented per op.
 * - A driver never sees iommufd objects or IDs; it sees devices (pci_dev_t), its own domains
 *   and vIOMMUs, and user data it reads through the helpers at the end of this file.
 * - Addresses are IOVAs (input) and simulated physical addresses (output, "pa").
 */
#ifndef IOMMUSIM_DRIVER_H
#define IOMMUSIM_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iommusim/error.h"
#include "iommusim/mem.h"
#include "iommusim/time.h"
#include "host-shim/pci/pci.h"

typedef struct drv_iommu drv_iommu_t;       /* a driver's state for one IOMMU instance */
typedef struct drv_domain drv_domain_t;
typedef struct drv_viommu drv_viommu_t;
typedef struct drv_ops drv_ops_t;
typedef struct drv_domain_ops drv_domain_ops_t;
typedef struct drv_viommu_ops drv_viommu_ops_t;
struct ifd_mm;                                /* user memory (the simulated process) */

/* ---- capabilities ----------------------------------------------------------------------- */

/* Answers of ops->capabilities (Linux enum iommu_cap). */
#define DRV_CAP_CACHE_COHERENCY         (1u << 0) /* DMA is cache coherent; iommufd binds
						     only such devices (else -EINVAL) */
#define DRV_CAP_ENFORCE_CACHE_COHERENCY (1u << 1) /* domains can force snooping */
#define DRV_CAP_DIRTY_TRACKING          (1u << 2) /* paging domains can track dirty pages */
#define DRV_CAP_DEFERRED_FLUSH          (1u << 3) /* the driver flushes lazily */

/* Filled by ops->hw_info for IOMMU_GET_HW_INFO. */
#define DRV_HW_INFO_MAX 64
typedef struct drv_hw_info {
	uint32_t type;                  /* enum iommu_hw_info_type (UAPI_IOMMU_HW_INFO_TYPE_*) */
	uint32_t len;                   /* bytes of data used */
	uint8_t data[DRV_HW_INFO_MAX];  /* the type's struct, e.g. iommu_hw_info_vtd */
	uint64_t capabilities;          /* UAPI_IOMMU_HW_CAP_* (iommufd adds DIRTY_TRACKING
					   itself from DRV_CAP_DIRTY_TRACKING) */
	uint8_t max_pasid_log2;         /* 0 = no PASID; iommufd caps it by the device's width */
} drv_hw_info_t;

/* ---- reserved regions ------------------------------------------------------------------- */

/* Linux enum iommu_resv_type. */
typedef enum drv_resv_type {
	DRV_RESV_DIRECT,            /* must stay identity mapped (RMRR); iommufd reserves it */
	DRV_RESV_DIRECT_RELAXABLE,  /* may be relaxed for user DMA: iommufd ignores it */
	DRV_RESV_RESERVED,          /* never usable as IOVA */
	DRV_RESV_MSI,               /* hardware MSI window (x86: 0xfee00000-0xfeefffff) */
	DRV_RESV_SW_MSI,            /* software-managed MSI window (Arm) */
} drv_resv_type_t;

typedef struct drv_resv_region {
	uint64_t start;
	uint64_t length;
	drv_resv_type_t type;
} drv_resv_region_t;

#define DRV_RESV_MAX 16  /* most regions one device may report */

/* ---- user data ---------------------------------------------------------------------------- */

/* A typed blob in user memory (HWPT_ALLOC data, VIOMMU_ALLOC data). Read it with
 * drv_user_data_copy; write back (out data) with drv_user_data_write. */
typedef struct drv_user_data {
	uint32_t type;       /* HWPT: enum iommu_hwpt_data_type; vIOMMU: the vIOMMU type */
	uint32_t len;        /* bytes the user provided */
	uint64_t uptr;       /* user address */
	struct ifd_mm *mm;
} drv_user_data_t;

/* An array of typed entries in user memory (HWPT_INVALIDATE). A driver handles entries in
 * order and sets entry_num to the number it handled before returning, success or not. */
typedef struct drv_user_array {
	uint32_t type;       /* enum iommu_hwpt_invalidate_data_type */
	uint32_t entry_len;  /* bytes per entry as the user laid them out */
	uint32_t entry_num;  /* in: entries given; out: entries handled */
	uint64_t uptr;
	struct ifd_mm *mm;
} drv_user_array_t;

/* Copies a user blob into dst (dst_size bytes) with the kernel's rules: type must equal
 * want_type (-EINVAL), len must be >= min_size (-EINVAL); a shorter blob is zero-extended;
 * a longer one must have a zero tail (-E2BIG); an unreadable pointer gives -EFAULT. */
int drv_user_data_copy(const drv_user_data_t *d, uint32_t want_type, void *dst,
		       size_t dst_size, size_t min_size, iommusim_error_t *err);
/* Writes len bytes of src back to the user blob, at most d->len bytes (-EFAULT if
 * unwritable). */
int drv_user_data_write(const drv_user_data_t *d, const void *src, size_t len,
			iommusim_error_t *err);
/* Copies entry index of a user array with the same rules (entry_len plays the part of len). */
int drv_user_array_copy_entry(const drv_user_array_t *a, uint32_t index, uint32_t want_type,
			      void *dst, size_t dst_size, size_t min_size, iommusim_error_t *err);

/* ---- IOTLB gather (Linux struct iommu_iotlb_gather) ------------------------------------- */

/* unmap_pages records what it removed here; iotlb_sync then flushes it. */
typedef struct drv_gather {
	uint64_t start;      /* lowest IOVA unmapped (UINT64_MAX when empty) */
	uint64_t end;        /* last IOVA unmapped, inclusive */
	uint64_t pgsize;     /* largest page size seen, 0 when empty */
	bool queued;         /* the driver deferred the flush (flush queue) */
} drv_gather_t;

void drv_gather_init(drv_gather_t *g);
/* Widens the gathered range to include [iova, iova + size). */
void drv_gather_add(drv_gather_t *g, uint64_t iova, uint64_t size, uint64_t pgsize);
bool drv_gather_empty(const drv_gather_t *g);

/* ---- dirty bitmap ------------------------------------------------------------------------ */

/* Where read_and_clear_dirty reports dirty IOVA ranges; iommufd turns them into the user's
 * bitmap (bit n = page iova_base + n * page_size). */
typedef struct drv_dirty drv_dirty_t;
void drv_dirty_record(drv_dirty_t *d, uint64_t iova, uint64_t length);

#define DRV_DIRTY_NO_CLEAR (1u << 0)   /* read the dirty bits without clearing them */

/* ---- page requests ------------------------------------------------------------------------ */

#define DRV_PF_PASID_VALID (1u << 0)   /* = IOMMU_PGFAULT_FLAGS_PASID_VALID */
#define DRV_PF_LAST_PAGE   (1u << 1)   /* last request of its page request group */
#define DRV_PF_PRIV_DATA   (1u << 2)   /* private data present (echoed in the response) */

#define DRV_PF_PERM_READ  (1u << 0)
#define DRV_PF_PERM_WRITE (1u << 1)
#define DRV_PF_PERM_EXEC  (1u << 2)
#define DRV_PF_PERM_PRIV  (1u << 3)

/* One page request a device sent (PCIe PRI Page Request Message, Linux struct
 * iommu_fault_page_request). */
typedef struct drv_page_fault {
	uint32_t flags;          /* DRV_PF_* */
	uint32_t pasid;
	uint32_t grpid;          /* page request group index (9 bits on PCIe) */
	uint32_t perm;           /* DRV_PF_PERM_* */
	uint64_t addr;           /* page address */
	uint64_t private_data[2];
} drv_page_fault_t;

/* Response codes (Linux enum iommu_page_response_code; PCIe Page Response codes). */
#define DRV_PAGE_RESP_SUCCESS 0u
#define DRV_PAGE_RESP_INVALID 1u
#define DRV_PAGE_RESP_FAILURE 2u

typedef struct drv_page_response {
	bool pasid_valid;
	uint32_t pasid;
	uint32_t grpid;
	uint32_t code;           /* DRV_PAGE_RESP_* */
	bool priv_data_valid;
	uint64_t private_data[2];
} drv_page_response_t;

/* ---- services the shim gives a driver instance ------------------------------------------ */

typedef struct drv_env {
	iommusim_mem_t *mem;     /* simulated physical memory: the driver's tables live here */
	void *ctx;               /* passed back to every callback */
	/* A zeroed 4 KiB frame for driver tables / its release. -ENOMEM when memory runs out. */
	int (*alloc_frame)(void *ctx, uint64_t *pa);
	void (*free_frame)(void *ctx, uint64_t pa);
	/* A page request arrived from dev (the driver decoded its queue entry). The shim routes
	 * it to the fault queue of the HWPT attached to (dev, pasid) and answers INVALID
	 * itself (through ops->page_response) when nothing can take it. */
	void (*report_fault)(void *ctx, drv_iommu_t *iommu, const pci_dev_t *dev,
			     const drv_page_fault_t *f);
	/* An event for a vIOMMU's event queue of type type (a vEVENTQ). -EOPNOTSUPP when no
	 * queue of that type exists; the event is dropped. */
	int (*report_vevent)(void *ctx, drv_viommu_t *viommu, uint32_t type, const void *data,
			     size_t len);
} drv_env_t;

/* ---- per-instance ops (Linux struct iommu_ops) ------------------------------------------ */

/* flags for domain_alloc_paging / domain_alloc_nested (the IOMMU_HWPT_ALLOC_* bits without
 * FAULT_ID_VALID, which iommufd handles itself) */
#define DRV_ALLOC_NEST_PARENT    (1u << 0)
#define DRV_ALLOC_DIRTY_TRACKING (1u << 1)
#define DRV_ALLOC_PASID          (1u << 3)

struct drv_ops {
	const char *name;                     /* "vtd", "smmuv3", "mock" */

	/* DRV_CAP_* this IOMMU offers for dev. Required. */
	uint32_t (*capabilities)(drv_iommu_t *iommu, const pci_dev_t *dev);

	/* IOMMU_GET_HW_INFO: the raw registers user space may see. in_type is the type the
	 * caller asked for (0 = default); a driver that cannot report it answers -EOPNOTSUPP.
	 * NULL: iommufd reports type NONE with no data. */
	int (*hw_info)(drv_iommu_t *iommu, const pci_dev_t *dev, uint32_t in_type,
		       drv_hw_info_t *out, iommusim_error_t *err);

	/* The device now exists behind this IOMMU (boot): set up per-device state and put it
	 * in the default (kernel DMA) translation. Required. */
	int (*probe_device)(drv_iommu_t *iommu, const pci_dev_t *dev, iommusim_error_t *err);
	/* The device goes away; nothing may be attached any more. Required. */
	void (*release_device)(drv_iommu_t *iommu, const pci_dev_t *dev);

	/* Reserved IOVA regions of dev, at most max; *count gets the number. Required. */
	int (*get_resv_regions)(drv_iommu_t *iommu, const pci_dev_t *dev, drv_resv_region_t *out,
				size_t max, size_t *count, iommusim_error_t *err);

	/* Puts dev (its RID; PASIDs are unaffected) back in the default domain used for kernel
	 * DMA, replacing whatever is attached. Called when user DMA ownership is released. */
	int (*attach_default)(drv_iommu_t *iommu, const pci_dev_t *dev, iommusim_error_t *err);
	/* Puts dev's RID in the blocking domain: every untranslated request faults. Called when
	 * user space claims DMA ownership and on detach. Must not fail on a valid device. */
	int (*attach_blocked)(drv_iommu_t *iommu, const pci_dev_t *dev, iommusim_error_t *err);
	/* Blocks requests with this PASID again (undoes domain ops->set_dev_pasid); domain is the
	 * one that was attached. NULL: PASID attach is unsupported. */
	void (*remove_dev_pasid)(drv_iommu_t *iommu, const pci_dev_t *dev, uint32_t pasid,
				 drv_domain_t *domain);

	/* A paging domain (kernel-managed I/O page table) usable by dev. flags DRV_ALLOC_*;
	 * data is NULL or driver-specific user data (-EOPNOTSUPP for a type it does not take).
	 * Unsupported flags: -EOPNOTSUPP. Required. */
	int (*domain_alloc_paging)(drv_iommu_t *iommu, const pci_dev_t *dev, uint32_t flags,
				   const drv_user_data_t *data, drv_domain_t **out,
				   iommusim_error_t *err);
	/* A nested domain (user-managed stage 1 on top of parent, a NEST_PARENT paging domain of
	 * this driver) described by data (e.g. IOMMU_HWPT_DATA_VTD_S1). NULL: -EOPNOTSUPP. */
	int (*domain_alloc_nested)(drv_iommu_t *iommu, const pci_dev_t *dev, drv_domain_t *parent,
				   uint32_t flags, const drv_user_data_t *data, drv_domain_t **out,
				   iommusim_error_t *err);

	/* A vIOMMU of type type (UAPI_IOMMU_VIOMMU_TYPE_*) over parent (a NEST_PARENT paging
	 * domain); data is the type's in/out struct. -EOPNOTSUPP when the driver has no vIOMMU of
	 * that type (VT-d today). NULL: -EOPNOTSUPP. */
	int (*viommu_alloc)(drv_iommu_t *iommu, const pci_dev_t *dev, drv_domain_t *parent,
			    uint32_t type, const drv_user_data_t *data, drv_viommu_t **out,
			    iommusim_error_t *err);

	/* Answers a page request group of dev (user space wrote an iommu_hwpt_page_response,
	 * or the shim auto-responded on detach/teardown). NULL: responses are dropped. */
	int (*page_response)(drv_iommu_t *iommu, const pci_dev_t *dev,
			     const drv_page_response_t *resp, iommusim_error_t *err);

	/* Simulated time has reached now: run what was due by then (deferred-flush timers,
	 * queue polling). Called before every operation and whenever the shim advances time.
	 * NULL: the driver has no timers. */
	void (*advance)(drv_iommu_t *iommu, iommusim_time_t now);

	/* Makes peer, another instance of this driver in the same system, known to iommu (and
	 * iommu to peer), so that a domain of one can be attached to devices behind the other:
	 * a Linux driver finds a device's IOMMU from the device (dev_iommu_priv_get), which here
	 * only the instance that probed it knows. iommufd calls it when it adds an instance,
	 * once for each instance of the same driver added before. Idempotent; a driver drops
	 * the link itself when either instance is destroyed. NULL: a domain serves only devices
	 * behind the instance that allocated it (attach elsewhere fails with -EINVAL). */
	int (*add_peer)(drv_iommu_t *iommu, drv_iommu_t *peer, iommusim_error_t *err);
};

/* ---- domains (Linux struct iommu_domain / iommu_domain_ops) ----------------------------- */

typedef enum drv_domain_type {
	DRV_DOMAIN_PAGING = 1,     /* kernel-managed I/O page table (stage 2 when a parent) */
	DRV_DOMAIN_NESTED,         /* user stage 1 over a paging parent */
} drv_domain_type_t;

/* Every driver domain starts with this common part (the driver embeds it first). */
struct drv_domain {
	const drv_domain_ops_t *ops;
	drv_iommu_t *iommu;          /* the instance that allocated it */
	const drv_ops_t *owner;      /* that instance's driver ops */
	drv_domain_type_t type;
	uint64_t pgsize_bitmap;      /* PAGING: bit n set = pages of 2^n bytes supported */
	uint64_t aperture_start;     /* PAGING: lowest IOVA that translates */
	uint64_t aperture_end;       /* PAGING: highest IOVA that translates (inclusive) */
	drv_domain_t *parent;        /* NESTED: the paging parent */
	void *iommufd_hwpt;          /* set by iommufd: the HWPT this domain backs */
};

/* Mapping permissions (Linux IOMMU_READ/WRITE/CACHE). */
#define DRV_PROT_READ  (1u << 0)
#define DRV_PROT_WRITE (1u << 1)
#define DRV_PROT_CACHE (1u << 2)

struct drv_domain_ops {
	/* Attaches dev's RID (requests without PASID) to the domain, replacing the current
	 * attachment atomically. dev may be behind another instance of the driver than the one
	 * that allocated the domain (see ops->add_peer). -EINVAL: this domain cannot serve dev
	 * (an instance it cannot span, a missing capability); iommufd tries another domain on
	 * -EINVAL. Required. */
	int (*attach_dev)(drv_domain_t *d, const pci_dev_t *dev, iommusim_error_t *err);
	/* Attaches requests of dev tagged with pasid; old is the domain attached to that PASID
	 * before (NULL if blocked). NULL op: PASID attach gives -EOPNOTSUPP. */
	int (*set_dev_pasid)(drv_domain_t *d, const pci_dev_t *dev, uint32_t pasid,
			     drv_domain_t *old, iommusim_error_t *err);

	/* PAGING: maps pgcount pages of pgsize bytes (a size in pgsize_bitmap) at iova to
	 * consecutive physical pages starting at pa. *mapped gets the bytes mapped, also on
	 * failure (iommufd unmaps them). */
	int (*map_pages)(drv_domain_t *d, uint64_t iova, uint64_t pa, uint64_t pgsize,
			 uint64_t pgcount, unsigned prot, uint64_t *mapped, iommusim_error_t *err);
	/* PAGING: unmaps up to pgcount pages of pgsize at iova and returns the bytes unmapped;
	 * records the range in gather for the following iotlb_sync. */
	uint64_t (*unmap_pages)(drv_domain_t *d, uint64_t iova, uint64_t pgsize, uint64_t pgcount,
				drv_gather_t *gather);
	/* PAGING: after a batch of map_pages (drivers that need a flush on map, e.g. caching
	 * mode). Optional. */
	void (*iotlb_sync_map)(drv_domain_t *d, uint64_t iova, uint64_t size);
	/* Flushes (or queues, for a deferred policy) what gather recorded. Optional. */
	void (*iotlb_sync)(drv_domain_t *d, drv_gather_t *gather);
	/* Flushes every IOTLB entry tagged with this domain. Optional. */
	void (*flush_iotlb_all)(drv_domain_t *d);
	/* PAGING: software walk of the domain's table: *pa for iova, -ENOENT if unmapped.
	 * Optional (a golden reference for the hardware walker). */
	int (*iova_to_phys)(drv_domain_t *d, uint64_t iova, uint64_t *pa);

	/* PAGING: turns hardware dirty tracking on or off. NULL: dirty tracking unsupported
	 * (-EOPNOTSUPP). */
	int (*set_dirty_tracking)(drv_domain_t *d, bool enable, iommusim_error_t *err);
	/* PAGING: reports dirty pages in [iova, iova + size) through drv_dirty_record and clears
	 * their dirty bits unless flags has DRV_DIRTY_NO_CLEAR. */
	int (*read_and_clear_dirty)(drv_domain_t *d, uint64_t iova, uint64_t size, unsigned flags,
				    drv_dirty_t *dirty, iommusim_error_t *err);

	/* NESTED: the user's stage-1 cache invalidation (IOMMU_HWPT_INVALIDATE), entries of
	 * array->type read with drv_user_array_copy_entry; sets array->entry_num to the entries
	 * handled. NULL: -EOPNOTSUPP. */
	int (*cache_invalidate_user)(drv_domain_t *d, drv_user_array_t *array,
				     iommusim_error_t *err);

	/* Frees the domain; nothing is attached to it any more and (PAGING) it is empty. */
	void (*free)(drv_domain_t *d);
};

/* ---- vIOMMU (iommufd_viommu_ops) -------------------------------------------------------- */

struct drv_viommu {
	const drv_viommu_ops_t *ops;
	drv_iommu_t *iommu;
	uint32_t type;
	drv_domain_t *parent;        /* the NEST_PARENT paging domain */
	void *iommufd_viommu;        /* set by iommufd */
};

struct drv_viommu_ops {
	/* Frees the vIOMMU; its vDEVICEs, HW queues and nested domains are gone. Required. */
	void (*free)(drv_viommu_t *v);
	/* A nested domain of this vIOMMU from data (e.g. IOMMU_HWPT_DATA_ARM_SMMUV3). NULL:
	 * -EOPNOTSUPP. */
	int (*alloc_domain_nested)(drv_viommu_t *v, uint32_t flags, const drv_user_data_t *data,
				   drv_domain_t **out, iommusim_error_t *err);
	/* vIOMMU-wide invalidation (IOMMU_HWPT_INVALIDATE on a vIOMMU ID). NULL: -EOPNOTSUPP. */
	int (*cache_invalidate)(drv_viommu_t *v, drv_user_array_t *array, iommusim_error_t *err);
	/* A vDEVICE: dev appears to the guest as virt_id. Optional. */
	int (*vdevice_init)(drv_viommu_t *v, const pci_dev_t *dev, uint64_t virt_id,
			    iommusim_error_t *err);
	void (*vdevice_destroy)(drv_viommu_t *v, const pci_dev_t *dev, uint64_t virt_id);
	/* A HW queue of type at index, backed by guest memory at iova (pa = its physical
	 * address, the range being physically contiguous). NULL: -EOPNOTSUPP. */
	int (*hw_queue_init)(drv_viommu_t *v, uint32_t type, uint32_t index, uint64_t iova,
			     uint64_t pa, uint64_t length, iommusim_error_t *err);
	void (*hw_queue_destroy)(drv_viommu_t *v, uint32_t type, uint32_t index);
};

/* ---- an IOMMU instance as the shim holds it ----------------------------------------------- */

typedef struct drv_instance {
	const drv_ops_t *ops;
	drv_iommu_t *iommu;
} drv_instance_t;

#endif
