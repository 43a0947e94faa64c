/* SPDX-License-Identifier: MIT */
/*
 * Internal data model of the iommufd layer. It follows Linux drivers/iommu/iommufd:
 * an object table per context with "users" counts, io_pagetable (areas, reserved and
 * allowed ranges, domains), iopt_pages (pinned user memory shared by areas), iommufd_group
 * (per-context group state: which HWPT each PASID of the group is attached to), and the
 * vfio side (device files, group files, DMA ownership of groups).
 */
#ifndef IOMMUSIM_IFD_INTERNAL_H
#define IOMMUSIM_IFD_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host-shim/iommufd/ifd.h"
#include "host-shim/uapi/iommufd_abi.h"
#include "host-shim/uapi/vfio_abi.h"

#define IFD_PAGE_SHIFT 12
#define IFD_PAGE_SIZE  (1ull << IFD_PAGE_SHIFT)
#define IFD_HPAGE_SHIFT 21
#define IFD_HPAGE_SIZE (1ull << IFD_HPAGE_SHIFT)   /* x86 THP: HPAGE_SIZE */
#define IFD_ID_MAX     0x7fffffffu                 /* xa_limit_31b */
#define IFD_NO_PASID   0u                          /* IOMMU_NO_PASID */
#define IFD_FD_FIRST   3                           /* 0..2 are stdio */

/* ---- frames ------------------------------------------------------------------------------ */

/* 4 KiB frames and 2 MiB-aligned blocks carved from one physical range. */
typedef struct ifd_frames {
	iommusim_mem_t *mem;
	uint64_t base, end;        /* [base, end) */
	uint64_t bump;             /* next never-used 2 MiB-aligned address */
	uint64_t *free4k;          /* freed 4 KiB frames (LIFO, deterministic) */
	size_t nfree4k, capfree4k;
	uint64_t *free2m;          /* freed 2 MiB blocks */
	size_t nfree2m, capfree2m;
	uint64_t in_use;           /* frames (4 KiB units) handed out */
} ifd_frames_t;

int ifd_frames_init(ifd_frames_t *f, iommusim_mem_t *mem, uint64_t base, uint64_t size);
void ifd_frames_fini(ifd_frames_t *f);
int ifd_frames_alloc4k(ifd_frames_t *f, uint64_t *pa);
int ifd_frames_alloc2m(ifd_frames_t *f, uint64_t *pa);
void ifd_frames_free4k(ifd_frames_t *f, uint64_t pa);
void ifd_frames_free2m(ifd_frames_t *f, uint64_t pa);

/* ---- page stores (process memory and memfds) ---------------------------------------------- */

/* Pages of a linear space (user VA or file offset) backed by frames, in 2 MiB chunks; a
 * chunk is one 2 MiB block (huge) or up to 512 separate frames. */
typedef struct ifd_chunk {
	uint64_t index;            /* address >> 21 */
	uint64_t huge_pa;          /* the 2 MiB block, or 0 */
	uint64_t *pa;              /* [512] per-page frames (0 = absent) when not huge */
} ifd_chunk_t;

typedef struct ifd_pstore {
	ifd_frames_t *frames;
	bool thp;
	ifd_chunk_t *chunks;       /* sorted by index */
	size_t nchunks, capchunks;
} ifd_pstore_t;

void ifd_pstore_init(ifd_pstore_t *p, ifd_frames_t *f, bool thp);
void ifd_pstore_fini(ifd_pstore_t *p);
/* The frame of page addr (allocating it when alloc); -ENOENT absent, -ENOMEM no frames. */
int ifd_pstore_page(ifd_pstore_t *p, uint64_t addr, bool alloc, uint64_t *pa);
int ifd_pstore_rw(ifd_pstore_t *p, uint64_t addr, void *buf, size_t len, bool write);

typedef struct ifd_hole {
	uint64_t start, last;
} ifd_hole_t;

struct ifd_mm {
	ifd_pstore_t ps;
	uint64_t va_limit;         /* addresses must be below */
	ifd_hole_t *holes;
	size_t nholes;
	uint64_t scratch_next;
	uint64_t locked_pages;     /* IOPT_PAGES_ACCOUNT_USER: the user's locked_vm */
	uint64_t pinned_vm;        /* IOPT_PAGES_ACCOUNT_MM: mm->pinned_vm */
	uint64_t limit_pages;      /* RLIMIT_MEMLOCK in pages, 0 = unlimited */
};

int ifd_mm_init(ifd_mm_t *mm, ifd_frames_t *f, unsigned va_bits, bool thp, uint64_t limit);
void ifd_mm_fini(ifd_mm_t *mm);
/* Pins the page at va for DMA (write: the mapping is writable): -EFAULT if the address is
 * not usable. *pa gets its frame. */
int ifd_mm_pin(ifd_mm_t *mm, uint64_t va, bool write, uint64_t *pa);

typedef struct ifd_memfd {
	ifd_pstore_t ps;
	uint64_t size;
	unsigned refs;             /* fds and pages objects using it */
} ifd_memfd_t;

/* ---- intervals ----------------------------------------------------------------------------- */

/* A sorted list of closed ranges [start, last] with an owner (reserved ranges may overlap;
 * allowed ranges do not). */
typedef struct ifd_ivl {
	uint64_t start, last;
	const void *owner;
} ifd_ivl_t;

typedef struct ifd_ivls {
	ifd_ivl_t *v;
	size_t n, cap;
} ifd_ivls_t;

int ifd_ivls_insert(ifd_ivls_t *l, uint64_t start, uint64_t last, const void *owner);
void ifd_ivls_remove_owner(ifd_ivls_t *l, const void *owner);
/* First range intersecting [start, last], or NULL. */
const ifd_ivl_t *ifd_ivls_find(const ifd_ivls_t *l, uint64_t start, uint64_t last);
void ifd_ivls_clear(ifd_ivls_t *l);
/* The union of the ranges as disjoint sorted ranges (caller frees *out). */
int ifd_ivls_union(const ifd_ivls_t *l, ifd_ivl_t **out, size_t *n);

/* ---- objects ------------------------------------------------------------------------------- */

typedef enum ifd_obj_type {
	IFD_OBJ_NONE = 0,
	IFD_OBJ_DEVICE,
	IFD_OBJ_HWPT_PAGING,
	IFD_OBJ_HWPT_NESTED,
	IFD_OBJ_IOAS,
	IFD_OBJ_FAULT,
	IFD_OBJ_VIOMMU,
	IFD_OBJ_VDEVICE,
	IFD_OBJ_VEVENTQ,
	IFD_OBJ_HW_QUEUE,
	IFD_OBJ_NTYPES,
	IFD_OBJ_ANY = 100,
} ifd_obj_type_t;

typedef struct ifd_obj {
	uint32_t id;
	ifd_obj_type_t type;
	unsigned users;            /* 1 = only the ID table holds it */
	ifd_ctx_t *ctx;
} ifd_obj_t;

/* The table slot of an ID that is reserved but holds no object (being created, or a
 * tombstone left by an object destroyed behind user space's back). */
#define IFD_SLOT_RESERVED ((ifd_obj_t *)1)

typedef struct ifd_pages ifd_pages_t;
typedef struct ifd_area ifd_area_t;
typedef struct ifd_ioas ifd_ioas_t;
typedef struct ifd_hwpt ifd_hwpt_t;
typedef struct ifd_device ifd_device_t;
typedef struct ifd_igroup ifd_igroup_t;
typedef struct ifd_fault ifd_fault_t;
typedef struct ifd_viommu ifd_viommu_t;
typedef struct ifd_vdevice ifd_vdevice_t;
typedef struct ifd_veventq ifd_veventq_t;
typedef struct ifd_hw_queue ifd_hw_queue_t;
typedef struct ifd_file ifd_file_t;
typedef struct ifd_vfio_dev ifd_vfio_dev_t;
typedef struct ifd_vfio_group ifd_vfio_group_t;

/* ---- pinned memory (iopt_pages) ---------------------------------------------------------- */

typedef enum ifd_account { IFD_ACCOUNT_NONE, IFD_ACCOUNT_USER, IFD_ACCOUNT_MM } ifd_account_t;

struct ifd_pages {
	unsigned refs;             /* areas (and in-flight copies) using it */
	ifd_sys_t *sys;
	ifd_ctx_t *ctx;            /* whose accounting */
	ifd_memfd_t *memfd;        /* file-backed, else user memory */
	uint64_t base;             /* first page's address (user VA or file offset), aligned */
	uint64_t npages;
	bool writable;
	ifd_account_t account;
	uint32_t *pin;             /* per-page pin count (domains' users) */
	uint64_t *pa;              /* per-page frame while pinned */
	uint64_t npinned;          /* pages with pin > 0 (accounted) */
};

/* A mapped IOVA range: bytes [start_byte, start_byte + len) of its pages. */
struct ifd_area {
	uint64_t iova, last;
	ifd_pages_t *pages;
	uint64_t start_byte;       /* offset from pages->base */
	unsigned prot;             /* DRV_PROT_* */
};

typedef struct ifd_iopt {
	ifd_area_t **areas;        /* sorted by iova, disjoint */
	size_t nareas, capareas;
	ifd_ivls_t reserved;
	ifd_ivls_t allowed;
	drv_domain_t **domains;
	size_t ndomains, capdomains;
	uint64_t iova_alignment;
	bool disable_large_pages;
} ifd_iopt_t;

/* ---- object kinds -------------------------------------------------------------------------- */

struct ifd_ioas {
	ifd_obj_t obj;
	ifd_iopt_t iopt;
	ifd_hwpt_t **hwpts;        /* paging HWPTs on this IOAS (hwpt_list) */
	size_t nhwpts, caphwpts;
};

struct ifd_hwpt {
	ifd_obj_t obj;
	drv_domain_t *domain;
	ifd_fault_t *fault;
	bool pasid_compat;
	/* paging */
	ifd_ioas_t *ioas;
	bool auto_domain;
	bool nest_parent;
	bool dirty_tracking;       /* allocated with DIRTY_TRACKING */
	bool in_ioas;              /* domain added to ioas->iopt */
	/* nested */
	ifd_hwpt_t *parent;
	ifd_viommu_t *viommu;
};

struct ifd_device {
	ifd_obj_t obj;
	pci_dev_t *pdev;
	drv_instance_t *drv;
	ifd_igroup_t *igroup;
	ifd_vdevice_t *vdev;
	bool destroying;
	unsigned iopf_enabled;
};

/* Per-context state of one iommu group: what each PASID of the group is attached to. */
typedef struct ifd_attach {
	uint32_t pasid;
	ifd_hwpt_t *hwpt;
	ifd_device_t **devs;       /* devices of the group attached through this */
	size_t ndevs;
} ifd_attach_t;

struct ifd_igroup {
	unsigned refs;
	ifd_ctx_t *ctx;
	pci_group_t *group;
	ifd_attach_t *attach;      /* one per attached PASID (IFD_NO_PASID = the RID) */
	size_t nattach;
};

/* A page request group held by a fault queue until user space answers it. */
typedef struct ifd_iopf_group {
	ifd_device_t *idev;
	pci_dev_t *pdev;
	ifd_hwpt_t *hwpt;          /* attached when it arrived (the "attach handle") */
	uint32_t pasid;
	uint32_t cookie;           /* assigned on read; 0 while queued for delivery */
	drv_page_fault_t *faults;
	size_t nfaults;
	struct ifd_iopf_group *next;
} ifd_iopf_group_t;

struct ifd_fault {
	ifd_obj_t obj;
	ifd_file_t *file;          /* the fault fd's file (holds a user) */
	ifd_iopf_group_t *deliver; /* FIFO, not yet read */
	ifd_iopf_group_t *response;/* read, waiting for a response (by cookie) */
};

struct ifd_viommu {
	ifd_obj_t obj;
	drv_viommu_t *drv;
	ifd_hwpt_t *hwpt;          /* the nest parent */
	drv_instance_t *inst;
	ifd_vdevice_t **vdevs;
	size_t nvdevs, capvdevs;
	ifd_veventq_t **veventqs;  /* at most one per type */
	size_t nveventqs;
};

struct ifd_vdevice {
	ifd_obj_t obj;
	ifd_viommu_t *viommu;
	ifd_device_t *idev;
	uint64_t virt_id;
};

typedef struct ifd_vevent {
	uint32_t flags;
	uint32_t sequence;
	uint8_t *data;
	size_t len;
	struct ifd_vevent *next;
} ifd_vevent_t;

struct ifd_veventq {
	ifd_obj_t obj;
	ifd_file_t *file;
	ifd_viommu_t *viommu;
	uint32_t type;
	uint32_t depth;
	uint32_t num;
	uint32_t sequence;
	bool lost_queued;          /* the LOST_EVENTS header is in the list */
	ifd_vevent_t lost;         /* that header (no payload) */
	ifd_vevent_t *head, *tail;
};

struct ifd_hw_queue {
	ifd_obj_t obj;
	ifd_viommu_t *viommu;
	uint32_t type, index;
	uint64_t iova, length;
};

/* ---- the context --------------------------------------------------------------------------- */

struct ifd_ctx {
	ifd_sys_t *sys;
	unsigned refs;             /* the file and everything holding the file */
	ifd_obj_t **slots;         /* slots[id], id >= 1 */
	size_t nslots;
	ifd_account_t account;
	ifd_ioas_t *vfio_ioas;     /* compat IOAS */
	bool container;            /* opened as /dev/vfio/vfio */
	ifd_igroup_t **igroups;
	size_t nigroups;
	uint64_t pinned_pages;
	ifd_ctx_t *next_live;      /* the system's list of live contexts */
};

/* ---- vfio ------------------------------------------------------------------------------------ */

struct ifd_vfio_group {
	pci_group_t *group;
	ifd_file_t *opened_file;   /* the group fd (one open at a time) */
	unsigned cdev_device_open_cnt;
	ifd_ctx_t *iommufd;        /* the container (an iommufd) set on the group */
	/* DMA ownership (iommu core): owner NULL with owner_cnt > 0 = kernel drivers */
	const void *owner;
	unsigned owner_cnt;
};

struct ifd_vfio_dev {
	pci_dev_t *pdev;
	ifd_vfio_group_t *vgroup;
	bool probed;               /* its IOMMU driver took it (it has an iommu_group) */
	/* Bound to vfio-pci (vfio_register_group_dev): on its group's device list, with the
	 * cdev /dev/vfio/devices/vfio<minor>. A device bound to a kernel driver is neither. */
	bool registered;
	unsigned minor;            /* while registered: the lowest number free at registration */
	unsigned cdev_files;       /* files open on its cdev, bound or not */
	unsigned open_count;
	ifd_device_t *idev;        /* the iommufd binding while open */
	ifd_ctx_t *ictx;
	bool attached;             /* iommufd_attached (RID) */
	uint32_t *pasids;          /* PASIDs attached through vfio (vdev->pasids) */
	size_t npasids;
	drv_page_fault_t *partial; /* page requests waiting for their group's last one */
	size_t npartial;
};

typedef struct ifd_devfile {
	ifd_vfio_dev_t *vdev;
	bool from_group;           /* df->group: obtained through VFIO_GROUP_GET_DEVICE_FD */
	bool access_granted;
	ifd_ctx_t *iommufd;        /* df->iommufd */
} ifd_devfile_t;

struct ifd_file {
	ifd_file_kind_t kind;
	unsigned fds;              /* references: descriptors, and device files of a group */
	union {
		ifd_ctx_t *ctx;
		ifd_vfio_group_t *vgroup;
		ifd_devfile_t *df;
		ifd_fault_t *fault;
		ifd_veventq_t *veventq;
		ifd_memfd_t *memfd;
	} u;
};

struct ifd_sys {
	ifd_sys_config_t cfg;
	ifd_frames_t frames;
	ifd_mm_t mm;
	pci_topo_t *topo;
	drv_instance_t **iommus;   /* stable pointers: devices keep them */
	size_t niommus;
	drv_env_t env;
	ifd_file_t **fds;          /* fd table */
	size_t nfds;
	ifd_vfio_dev_t **vdevs;    /* per topology device, same index */
	size_t nvdevs;
	ifd_vfio_group_t **vgroups;/* per topology group, same index */
	size_t nvgroups;
	ifd_ctx_t *live;           /* contexts not yet released */
	iommusim_time_t now;
};

/* ---- functions shared between the files of this folder ----------------------------------- */

/* ifd_obj.c: the ID table */
int ifd_obj_alloc(ifd_ctx_t *ctx, size_t size, ifd_obj_type_t type, ifd_obj_t **out,
		  iommusim_error_t *err);
void ifd_obj_finalize(ifd_obj_t *obj);
/* Undoes ifd_obj_alloc before finalize, running the type's destroy. */
void ifd_obj_abort(ifd_obj_t *obj);
/* Looks up id; -ENOENT if absent or not of type (IFD_OBJ_ANY matches all). */
int ifd_obj_get(ifd_ctx_t *ctx, uint32_t id, ifd_obj_type_t type, ifd_obj_t **out);
/* IOMMU_DESTROY: -ENOENT unknown, -EBUSY while others use it. */
int ifd_obj_remove(ifd_ctx_t *ctx, uint32_t id, iommusim_error_t *err);
/* Destroys obj now (the caller holds the only other user), leaving its ID reserved. */
void ifd_obj_tombstone(ifd_obj_t *obj);
/* Kernel-internal destroy (iommufd_object_destroy_user): drops the caller's user and
 * removes the object; it must then be unused. */
void ifd_obj_destroy_user(ifd_obj_t *obj);
void ifd_obj_destroy(ifd_obj_t *obj);
const char *ifd_obj_type_name(ifd_obj_type_t t);

/* ifd_ctx.c */
ifd_ctx_t *ifd_ctx_new(ifd_sys_t *s, bool container);
void ifd_ctx_get(ifd_ctx_t *ctx);
void ifd_ctx_put(ifd_ctx_t *ctx);
ifd_igroup_t *ifd_igroup_get(ifd_ctx_t *ctx, pci_group_t *g);
void ifd_igroup_put(ifd_igroup_t *ig);
ifd_attach_t *ifd_igroup_attach(ifd_igroup_t *ig, uint32_t pasid);

/* ifd_iopt.c / ifd_iova.c / ifd_pages.c */
void ifd_iopt_init(ifd_iopt_t *p);
void ifd_iopt_fini(ifd_iopt_t *p);
ifd_area_t *ifd_iopt_area_find(const ifd_iopt_t *p, uint64_t start, uint64_t last);
int ifd_iopt_alloc_iova(ifd_iopt_t *p, uint64_t *iova, uint64_t uptr, uint64_t length);
int ifd_iopt_check_iova(ifd_iopt_t *p, uint64_t iova, uint64_t length);
/* A slice of a pages object to map (IOAS_COPY maps several, back to back). */
typedef struct ifd_slice {
	ifd_pages_t *pages;
	uint64_t start_byte;       /* from pages->base */
	uint64_t length;
} ifd_slice_t;
int ifd_iopt_map_pages(ifd_iopt_t *p, const ifd_slice_t *sl, size_t n, uint64_t length,
		       uint64_t *iova, unsigned prot, bool alloc, iommusim_error_t *err);
int ifd_iopt_unmap(ifd_iopt_t *p, uint64_t start, uint64_t last, uint64_t *unmapped);
int ifd_iopt_unmap_all(ifd_iopt_t *p, uint64_t *unmapped);
int ifd_iopt_cut(ifd_iopt_t *p, uint64_t iova);
int ifd_iopt_add_domain(ifd_iopt_t *p, drv_domain_t *d, iommusim_error_t *err);
void ifd_iopt_remove_domain(ifd_iopt_t *p, drv_domain_t *d);
int ifd_iopt_reserve(ifd_iopt_t *p, uint64_t start, uint64_t last, const void *owner);
void ifd_iopt_unreserve(ifd_iopt_t *p, const void *owner);
int ifd_iopt_set_allowed(ifd_iopt_t *p, ifd_ivls_t *allowed);
int ifd_iopt_disable_large_pages(ifd_iopt_t *p);
void ifd_iopt_enable_large_pages(ifd_iopt_t *p);
int ifd_iopt_enforce_resv(ifd_iopt_t *p, ifd_device_t *idev, iommusim_error_t *err);
/* Physical address behind iova (pages pinned by a domain), -ENOENT otherwise. */
int ifd_iopt_iova_to_pa(const ifd_iopt_t *p, uint64_t iova, uint64_t *pa);

ifd_pages_t *ifd_pages_new_user(ifd_ctx_t *ctx, uint64_t uptr, uint64_t length, bool writable,
				int *rc);
ifd_pages_t *ifd_pages_new_file(ifd_ctx_t *ctx, ifd_memfd_t *f, uint64_t start,
				uint64_t length, bool writable, int *rc);
void ifd_pages_put(ifd_pages_t *pg);
/* Pins pages [first, last] (indexes) for a domain user; unpin undoes it. */
int ifd_pages_pin(ifd_pages_t *pg, uint64_t first, uint64_t last, iommusim_error_t *err);
void ifd_pages_unpin(ifd_pages_t *pg, uint64_t first, uint64_t last);
/* Maps/unmaps an area into one domain (pages already pinned). */
int ifd_domain_map_area(drv_domain_t *d, const ifd_area_t *a, bool large,
			iommusim_error_t *err);
void ifd_domain_unmap_range(drv_domain_t *d, uint64_t iova, uint64_t length);

/* ifd_ioas.c */
int ifd_ioas_alloc(ifd_ctx_t *ctx, ifd_ioas_t **out, iommusim_error_t *err);
void ifd_ioas_destroy(ifd_obj_t *obj);

/* ifd_hwpt.c */
int ifd_hwpt_paging_alloc(ifd_ctx_t *ctx, ifd_ioas_t *ioas, ifd_device_t *idev,
			  uint32_t pasid, uint32_t flags, bool immediate_attach,
			  const drv_user_data_t *data, ifd_hwpt_t **out, iommusim_error_t *err);
void ifd_hwpt_destroy(ifd_obj_t *obj);
/* Drops a user of hwpt; an automatic domain that nobody uses any more is destroyed. */
void ifd_hwpt_put(ifd_hwpt_t *hwpt);

/* ifd_device.c */
int ifd_device_bind(ifd_ctx_t *ctx, pci_dev_t *pdev, ifd_device_t **out, iommusim_error_t *err);
void ifd_device_unbind(ifd_device_t *idev);
void ifd_device_destroy(ifd_obj_t *obj);
int ifd_device_attach(ifd_device_t *idev, uint32_t pasid, uint32_t *pt_id,
		      iommusim_error_t *err);
int ifd_device_replace(ifd_device_t *idev, uint32_t pasid, uint32_t *pt_id,
		       iommusim_error_t *err);
void ifd_device_detach(ifd_device_t *idev, uint32_t pasid);
/* iommufd_hw_pagetable_attach / _detach: the group-level attach of idev (takes / the caller
 * must drop a user of the HWPT). */
int ifd_hwpt_attach(ifd_hwpt_t *h, ifd_device_t *idev, uint32_t pasid, iommusim_error_t *err);
ifd_hwpt_t *ifd_hwpt_detach(ifd_device_t *idev, uint32_t pasid);
/* The HWPT the device's group has attached to pasid, or NULL. */
ifd_hwpt_t *ifd_device_attached_hwpt(ifd_device_t *idev, uint32_t pasid);

/* ifd_fault.c */
void ifd_fault_destroy(ifd_obj_t *obj);
/* Answers INVALID every group the fault queue holds for (idev's group, pasid, hwpt). */
void ifd_fault_auto_respond(ifd_fault_t *f, ifd_device_t *idev, ifd_hwpt_t *hwpt,
			    uint32_t pasid);
void ifd_fault_report(ifd_sys_t *s, drv_iommu_t *iommu, const pci_dev_t *dev,
		      const drv_page_fault_t *pf);
int ifd_fault_read(ifd_fault_t *f, void *buf, size_t len, size_t *done, iommusim_error_t *err);
int ifd_fault_write(ifd_fault_t *f, const void *buf, size_t len, size_t *done,
		    iommusim_error_t *err);
void ifd_fault_file_release(ifd_fault_t *f);

/* ifd_viommu.c */
void ifd_viommu_destroy(ifd_obj_t *obj);
void ifd_vdevice_destroy(ifd_obj_t *obj);
void ifd_veventq_destroy(ifd_obj_t *obj);
void ifd_hw_queue_destroy(ifd_obj_t *obj);
int ifd_veventq_report(void *ctx, drv_viommu_t *v, uint32_t type, const void *data, size_t len);
int ifd_veventq_read(ifd_veventq_t *q, void *buf, size_t len, size_t *done,
		     iommusim_error_t *err);
void ifd_veventq_file_release(ifd_veventq_t *q);

/* ifd_compat.c: type1 container ioctls on an iommufd; *ret gets a positive result */
int ifd_vfio_compat_ioctl(ifd_ctx_t *ctx, uint32_t request, void *arg, size_t len, long *ret,
			  iommusim_error_t *err);
int ifd_vfio_compat_ioas_id(ifd_ctx_t *ctx, uint32_t *id, iommusim_error_t *err);

/* ifd_files.c */
int ifd_fd_install(ifd_sys_t *s, ifd_file_t *f, int *fd, iommusim_error_t *err);
ifd_file_t *ifd_file_new(ifd_file_kind_t kind);
ifd_file_t *ifd_fd_file(ifd_sys_t *s, int fd);
/* Drops a reference; the last one releases the file. */
void ifd_file_put(ifd_sys_t *s, ifd_file_t *f);

/* ifd_vfio.c */
int ifd_vfio_device_ioctl(ifd_sys_t *s, ifd_devfile_t *df, uint32_t request, void *arg,
			  size_t len, long *ret, iommusim_error_t *err);
int ifd_vfio_group_ioctl(ifd_sys_t *s, ifd_file_t *gf, uint32_t request, void *arg,
			 size_t len, long *ret, iommusim_error_t *err);
void ifd_vfio_devfile_release(ifd_sys_t *s, ifd_devfile_t *df);
void ifd_vfio_group_release(ifd_sys_t *s, ifd_file_t *gf);
/* DMA ownership of a device's group (iommu_device_claim_dma_owner / release). */
int ifd_dma_owner_claim(ifd_sys_t *s, pci_dev_t *pdev, const void *owner,
			iommusim_error_t *err);
void ifd_dma_owner_release(ifd_sys_t *s, pci_dev_t *pdev);
ifd_vfio_dev_t *ifd_vfio_dev_of(ifd_sys_t *s, const pci_dev_t *pdev);
ifd_vfio_group_t *ifd_vfio_group_of(ifd_sys_t *s, const pci_group_t *g);

/* ifd_vfio_reg.c: which devices are vfio devices (bound to vfio-pci) */
/* Registers a probed device with vfio: it joins its group's device list and gets the lowest
 * free cdev minor (vfio_init_device's ida_alloc). */
void ifd_vfio_register(ifd_sys_t *s, ifd_vfio_dev_t *vd);
/* The registered device with cdev minor N, or NULL. */
ifd_vfio_dev_t *ifd_vfio_dev_by_minor(ifd_sys_t *s, unsigned minor);
/* True while a device of the group is registered: only then does /dev/vfio/<id> exist. */
bool ifd_vfio_group_registered(ifd_sys_t *s, const ifd_vfio_group_t *vg);

/* ifd_user.c: user memory helpers for handlers */
int ifd_copy_from_user(ifd_ctx_t *ctx, uint64_t uptr, void *dst, size_t len);
int ifd_copy_to_user(ifd_ctx_t *ctx, uint64_t uptr, const void *src, size_t len);

static inline drv_instance_t *ifd_dev_drv(ifd_sys_t *s, const pci_dev_t *pdev)
{
	return pdev->iommu < s->niommus ? s->iommus[pdev->iommu] : NULL;
}

#endif
