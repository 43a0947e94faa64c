/* SPDX-License-Identifier: MIT */
/*
 * The iommufd / vfio semantics of the host shim (DESIGN.md §4 "The shim").
 *
 * ifd_sys_t is the simulated host as a process sees it: simulated physical memory with a
 * frame allocator, one user process (its address space, ifd_mm_t, and its file table), the
 * PCI topology, the IOMMU instances with their drivers, and the vfio state of every device
 * and group. Files are what a process opens: /dev/iommu (an iommufd context), the vfio
 * container /dev/vfio/vfio (an iommufd context in container mode, as with
 * CONFIG_IOMMUFD_VFIO_CONTAINER), group files /dev/vfio/N, device files (cdev
 * /dev/vfio/devices/vfioN or obtained from a group), fault and vEVENTQ files returned by
 * iommufd, and memfds for IOMMU_IOAS_MAP_FILE.
 *
 * Everything behaves as Linux does: same objects, same IDs (lowest free, from 1), same
 * errno values, same teardown order. Argument structs are the uAPI's byte layout
 * (host-shim/uapi/); user pointers inside them (data_uptr, allowed_iovas, ...) are
 * addresses in the simulated process (ifd_sys_mm) and are read and written there, as is the
 * memory named by user_va in IOAS_MAP. Put payloads in with ifd_mm_write (ifd_mm_scratch
 * hands out addresses that no mapping uses).
 *
 * Return values: 0 or a negative errno; ioctls that return a value (VFIO_CHECK_EXTENSION,
 * VFIO_GROUP_GET_DEVICE_FD, ...) put it in *ret. Every error fills err with a message that
 * names the ioctl, the field and the value.
 */
#ifndef IOMMUSIM_IFD_H
#define IOMMUSIM_IFD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iommusim/error.h"
#include "iommusim/mem.h"
#include "iommusim/time.h"
#include "host-shim/drivers/driver.h"
#include "host-shim/pci/pci.h"
#include "host-shim/uapi/iommufd_abi.h"

typedef struct ifd_sys ifd_sys_t;
typedef struct ifd_ctx ifd_ctx_t;
typedef struct ifd_mm ifd_mm_t;

/* ---- the system -------------------------------------------------------------------------- */

typedef struct ifd_sys_config {
	iommusim_mem_t *mem;         /* simulated physical memory (required, not owned) */
	uint64_t frame_base;         /* frames for user memory and driver tables come from */
	uint64_t frame_size;         /* [frame_base, frame_base + frame_size); 4 KiB aligned */
	uint64_t memlock_limit;      /* RLIMIT_MEMLOCK in bytes for pinned pages; 0 = none */
	unsigned user_va_bits;       /* user address space size (47 = x86-64 4-level); 0: 47 */
	bool thp;                    /* back 2 MiB-aligned user ranges with 2 MiB frames */
	bool no_sys_resource;        /* the process lacks CAP_SYS_RESOURCE (RLIMIT_MODE SET) */
} ifd_sys_config_t;

/* Fills c with defaults: frames at 4 GiB, 4 GiB of them, no memlock limit, THP on. */
void ifd_sys_config_default(ifd_sys_config_t *c, iommusim_mem_t *mem);

int ifd_sys_create(const ifd_sys_config_t *c, ifd_sys_t **out, iommusim_error_t *err);
/* Closes every file still open (in fd order), then frees everything. */
void ifd_sys_destroy(ifd_sys_t *s);

/* Adds an IOMMU instance; *index gets its number (devices name it in pci_dev_desc_t.iommu).
 * Instances of the same driver are linked (drv ops add_peer) as they are added.
 * The driver's env (ifd_sys_driver_env) must have been given to the driver. */
int ifd_sys_add_iommu(ifd_sys_t *s, const drv_ops_t *ops, drv_iommu_t *iommu,
		      unsigned *index, iommusim_error_t *err);
/* The services a driver instance of this system uses (memory, frames, fault upcalls). */
const drv_env_t *ifd_sys_driver_env(ifd_sys_t *s);
/* Adds a device to the topology and probes it with its IOMMU's driver. A device without
 * kernel_driver is bound to vfio-pci: a vfio device with a cdev (ifd_vfio_cdev_minor). */
int ifd_sys_add_device(ifd_sys_t *s, const pci_dev_desc_t *d, pci_dev_t **out,
		       iommusim_error_t *err);
pci_topo_t *ifd_sys_topo(ifd_sys_t *s);
ifd_mm_t *ifd_sys_mm(ifd_sys_t *s);
drv_instance_t *ifd_sys_iommu(ifd_sys_t *s, unsigned index);
/* Tells every driver that simulated time has reached now. */
void ifd_sys_advance(ifd_sys_t *s, iommusim_time_t now);

/* Moves a device between vfio-pci and a kernel driver (kernel DMA). Binding the kernel
 * driver unregisters the vfio device: its cdev goes, its minor is free again, it leaves its
 * group's device list, and once no vfio device is left the group node goes too (an open
 * group file then answers -ENODEV). Binding fails with -EBUSY when user space owns the
 * group's DMA or a file of the device's cdev is open (Linux would wait for it to close).
 * Unbinding registers the device with vfio again, with the lowest free minor. */
int ifd_sys_kernel_driver(ifd_sys_t *s, pci_dev_t *dev, bool bind, iommusim_error_t *err);
/* The N of a vfio device's /dev/vfio/devices/vfioN: the lowest number free when it was bound
 * to vfio-pci, as Linux numbers them, so only vfio devices count. False for a device bound
 * to a kernel driver (it has no cdev) or one its IOMMU driver could not probe. */
bool ifd_vfio_cdev_minor(ifd_sys_t *s, const pci_dev_t *dev, unsigned *minor);

/* ---- files ------------------------------------------------------------------------------- */

typedef enum ifd_file_kind {
	IFD_FILE_NONE = 0,
	IFD_FILE_IOMMUFD,      /* /dev/iommu, or /dev/vfio/vfio (container mode) */
	IFD_FILE_GROUP,        /* /dev/vfio/N */
	IFD_FILE_DEVICE,       /* a vfio device file */
	IFD_FILE_FAULT,        /* from IOMMU_FAULT_QUEUE_ALLOC */
	IFD_FILE_VEVENTQ,      /* from IOMMU_VEVENTQ_ALLOC */
	IFD_FILE_MEMFD,        /* memfd_create */
} ifd_file_kind_t;

/* Opens a path as a process would: "/dev/iommu", "/dev/vfio/vfio", "/dev/vfio/N",
 * "/dev/vfio/devices/vfioN" (N = the vfio device's minor, ifd_vfio_cdev_minor). *fd gets the
 * lowest free descriptor >= 3. Errors: -ENOENT (no such node: no vfio device with that
 * minor, or a group none of whose devices is bound to vfio-pci), -EBUSY (group already open,
 * or a device of the group is open through its cdev). */
int ifd_open(ifd_sys_t *s, const char *path, int *fd, iommusim_error_t *err);
/* The cdev of a device, whatever its minor; -ENOENT for a device that is not a vfio device
 * (bound to a kernel driver, or not probed by its IOMMU driver). */
int ifd_open_cdev(ifd_sys_t *s, const pci_dev_t *dev, int *fd, iommusim_error_t *err);
/* A memfd of size bytes (rounded up to pages). */
int ifd_memfd_create(ifd_sys_t *s, uint64_t size, int *fd, iommusim_error_t *err);
/* Reads or writes a memfd's contents at byte off: -EBADF (not a memfd), -EFAULT (past the
 * end). */
int ifd_memfd_rw(ifd_sys_t *s, int fd, uint64_t off, void *buf, size_t len, bool write);
/* Closes fd with the kernel's release order (a device file unbinds from iommufd; an iommufd
 * is released once nothing holds it). -EBADF for a descriptor that is not open. */
int ifd_close(ifd_sys_t *s, int fd, iommusim_error_t *err);
ifd_file_kind_t ifd_fd_kind(ifd_sys_t *s, int fd);
/* Number of open descriptors. */
size_t ifd_nfds(ifd_sys_t *s);

/* ioctl(fd, request, arg): arg holds len bytes (the struct, for pointer arguments; for
 * VFIO_SET_IOMMU / VFIO_CHECK_EXTENSION the value is read from arg as a u32 when len >= 4;
 * VFIO_GROUP_SET_CONTAINER takes an s32 fd; VFIO_GROUP_GET_DEVICE_FD a NUL-terminated
 * name). Dispatches by the kind of file, as the kernel does (request numbers collide). */
int ifd_ioctl_fd(ifd_sys_t *s, int fd, uint32_t request, void *arg, size_t len, long *ret,
		 iommusim_error_t *err);
/* read()/write() on fault and vEVENTQ files: *done gets the bytes moved. */
int ifd_read(ifd_sys_t *s, int fd, void *buf, size_t len, size_t *done, iommusim_error_t *err);
int ifd_write(ifd_sys_t *s, int fd, const void *buf, size_t len, size_t *done,
	      iommusim_error_t *err);

/* The iommufd context behind an fd (NULL if the fd is not an iommufd). */
ifd_ctx_t *ifd_fd_ctx(ifd_sys_t *s, int fd);

/* ---- the iommufd dispatcher -------------------------------------------------------------- */

/* ioctl on an iommufd context: IOMMU_* commands 0x80..0x94 with the kernel's size rules
 * (size below the command's minimum: -EINVAL; longer than known with a non-zero tail:
 * -E2BIG; unknown request: -ENOTTY), and the VFIO container commands it serves for the
 * type1 compatibility layer. Output fields are written back into arg as the kernel writes
 * them back (only up to the caller's size). */
int ifd_ioctl(ifd_ctx_t *ctx, uint32_t request, void *arg, size_t len, long *ret,
	      iommusim_error_t *err);


/* The typed API under the dispatcher: one function per command, taking the kernel's copy of
 * the argument struct (size rules already applied), filling its output fields. Same checks,
 * same errnos as through ifd_ioctl. */
int ifd_cmd_destroy(ifd_ctx_t *ctx, struct uapi_iommu_destroy *cmd, iommusim_error_t *err);
int ifd_cmd_ioas_alloc(ifd_ctx_t *ctx, struct uapi_iommu_ioas_alloc *cmd, iommusim_error_t *err);
int ifd_cmd_ioas_allow_iovas(ifd_ctx_t *ctx, struct uapi_iommu_ioas_allow_iovas *cmd, iommusim_error_t *err);
int ifd_cmd_ioas_copy(ifd_ctx_t *ctx, struct uapi_iommu_ioas_copy *cmd, iommusim_error_t *err);
int ifd_cmd_ioas_iova_ranges(ifd_ctx_t *ctx, struct uapi_iommu_ioas_iova_ranges *cmd, iommusim_error_t *err);
int ifd_cmd_ioas_map(ifd_ctx_t *ctx, struct uapi_iommu_ioas_map *cmd, iommusim_error_t *err);
int ifd_cmd_ioas_map_file(ifd_ctx_t *ctx, struct uapi_iommu_ioas_map_file *cmd, iommusim_error_t *err);
int ifd_cmd_ioas_unmap(ifd_ctx_t *ctx, struct uapi_iommu_ioas_unmap *cmd, iommusim_error_t *err);
int ifd_cmd_option(ifd_ctx_t *ctx, struct uapi_iommu_option *cmd, iommusim_error_t *err);
int ifd_cmd_vfio_ioas(ifd_ctx_t *ctx, struct uapi_iommu_vfio_ioas *cmd, iommusim_error_t *err);
int ifd_cmd_hwpt_alloc(ifd_ctx_t *ctx, struct uapi_iommu_hwpt_alloc *cmd, iommusim_error_t *err);
int ifd_cmd_get_hw_info(ifd_ctx_t *ctx, struct uapi_iommu_hw_info *cmd, iommusim_error_t *err);
int ifd_cmd_set_dirty_tracking(ifd_ctx_t *ctx, struct uapi_iommu_hwpt_set_dirty_tracking *cmd, iommusim_error_t *err);
int ifd_cmd_get_dirty_bitmap(ifd_ctx_t *ctx, struct uapi_iommu_hwpt_get_dirty_bitmap *cmd, iommusim_error_t *err);
int ifd_cmd_hwpt_invalidate(ifd_ctx_t *ctx, struct uapi_iommu_hwpt_invalidate *cmd, iommusim_error_t *err);
int ifd_cmd_fault_alloc(ifd_ctx_t *ctx, struct uapi_iommu_fault_alloc *cmd, iommusim_error_t *err);
int ifd_cmd_viommu_alloc(ifd_ctx_t *ctx, struct uapi_iommu_viommu_alloc *cmd, iommusim_error_t *err);
int ifd_cmd_vdevice_alloc(ifd_ctx_t *ctx, struct uapi_iommu_vdevice_alloc *cmd, iommusim_error_t *err);
int ifd_cmd_ioas_change_process(ifd_ctx_t *ctx, struct uapi_iommu_ioas_change_process *cmd, iommusim_error_t *err);
int ifd_cmd_veventq_alloc(ifd_ctx_t *ctx, struct uapi_iommu_veventq_alloc *cmd, iommusim_error_t *err);
int ifd_cmd_hw_queue_alloc(ifd_ctx_t *ctx, struct uapi_iommu_hw_queue_alloc *cmd, iommusim_error_t *err);

/* ---- user memory (the simulated process) ------------------------------------------------- */

/* Reads/writes the process's memory at user address va, as copy_from_user/copy_to_user
 * would: -EFAULT outside the address space or in a hole; writes allocate frames (-EFAULT
 * when frames run out). Pages never written read as zero. */
int ifd_mm_read(ifd_mm_t *mm, uint64_t va, void *buf, size_t len);
int ifd_mm_write(ifd_mm_t *mm, uint64_t va, const void *buf, size_t len);
/* A fresh address range of len bytes (page aligned, above every range handed out before and
 * far from typical mapping addresses) for argument payloads. 0 if the area is exhausted. */
uint64_t ifd_mm_scratch(ifd_mm_t *mm, uint64_t len);
/* Makes [va, va+len) a hole (access faults, pinning gives -EFAULT) or ordinary memory again. */
int ifd_mm_set_hole(ifd_mm_t *mm, uint64_t va, uint64_t len, bool hole);
/* The physical frame behind a user page if it exists (0 and *pa), else -ENOENT. */
int ifd_mm_lookup(ifd_mm_t *mm, uint64_t va, uint64_t *pa);

/* ---- inspection (tests, reports) --------------------------------------------------------- */

typedef struct ifd_ctx_stats {
	size_t objects;              /* live objects in the ID table */
	size_t by_type[16];          /* per enum ifd_obj_type */
	uint64_t pinned_pages;       /* pages pinned for this context's mappings */
} ifd_ctx_stats_t;

typedef struct ifd_sys_stats {
	uint64_t locked_pages;       /* user-mode accounting (RLIMIT_MEMLOCK) */
	uint64_t pinned_vm_pages;    /* mm-mode accounting */
	uint64_t frames_in_use;      /* frames handed out (user memory + driver tables) */
	size_t contexts;             /* iommufd contexts alive */
	size_t bound_devices;        /* vfio devices bound to an iommufd */
} ifd_sys_stats_t;

void ifd_ctx_get_stats(ifd_ctx_t *ctx, ifd_ctx_stats_t *st);
void ifd_sys_get_stats(ifd_sys_t *s, ifd_sys_stats_t *st);

#endif
