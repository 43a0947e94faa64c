/* SPDX-License-Identifier: MIT */
/*
 * The iommufd ioctl dispatcher (Linux main.c iommufd_fops_ioctl).
 *
 * Each command has the size of the struct this kernel knows and the minimum size the first
 * kernel with the command accepted (the end of its last field then). The caller's first u32
 * is the size it knows: below the minimum is -EINVAL; shorter than ours is zero-extended;
 * longer must have a zero tail (-E2BIG). Requests outside the table go to the VFIO container
 * compatibility layer, which answers -ENOTTY for anything it does not know. Output fields
 * are copied back (up to the caller's size) as the kernel's iommufd_ucmd_respond does: on
 * success, and also on failure for IOMMU_HWPT_INVALIDATE (entry_num) and on -EMSGSIZE for
 * IOMMU_IOAS_IOVA_RANGES (num_iovas).
 */
#include <errno.h>
#include <string.h>

#include "host-shim/iommufd/ifd_internal.h"

typedef int (*ifd_cmd_fn)(ifd_ctx_t *ctx, void *arg, iommusim_error_t *err);

enum respond { RESP_OK, RESP_ALWAYS, RESP_OK_OR_EMSGSIZE };

typedef struct ifd_op {
	const char *name;
	uint16_t size;
	uint16_t min_size;
	uint8_t respond;
	ifd_cmd_fn fn;
} ifd_op_t;

/* Each handler behind the common signature of the table. */
#define WRAP(name, type)                                                                   \
	static int w_##name(ifd_ctx_t *ctx, void *arg, iommusim_error_t *err)              \
	{                                                                                  \
		return ifd_cmd_##name(ctx, (struct type *)arg, err);                       \
	}
WRAP(destroy, uapi_iommu_destroy)
WRAP(ioas_alloc, uapi_iommu_ioas_alloc)
WRAP(ioas_allow_iovas, uapi_iommu_ioas_allow_iovas)
WRAP(ioas_copy, uapi_iommu_ioas_copy)
WRAP(ioas_iova_ranges, uapi_iommu_ioas_iova_ranges)
WRAP(ioas_map, uapi_iommu_ioas_map)
WRAP(ioas_map_file, uapi_iommu_ioas_map_file)
WRAP(ioas_unmap, uapi_iommu_ioas_unmap)
WRAP(option, uapi_iommu_option)
WRAP(vfio_ioas, uapi_iommu_vfio_ioas)
WRAP(hwpt_alloc, uapi_iommu_hwpt_alloc)
WRAP(get_hw_info, uapi_iommu_hw_info)
WRAP(set_dirty_tracking, uapi_iommu_hwpt_set_dirty_tracking)
WRAP(get_dirty_bitmap, uapi_iommu_hwpt_get_dirty_bitmap)
WRAP(hwpt_invalidate, uapi_iommu_hwpt_invalidate)
WRAP(fault_alloc, uapi_iommu_fault_alloc)
WRAP(viommu_alloc, uapi_iommu_viommu_alloc)
WRAP(vdevice_alloc, uapi_iommu_vdevice_alloc)
WRAP(ioas_change_process, uapi_iommu_ioas_change_process)
WRAP(veventq_alloc, uapi_iommu_veventq_alloc)
WRAP(hw_queue_alloc, uapi_iommu_hw_queue_alloc)

#define END(type, field) ((uint16_t)UAPI_OFFSET_END(struct type, field))
#define OP(nr, nm, type, last, fnc, resp) \
	[(nr) - UAPI_IOMMUFD_CMD_BASE] = {nm, (uint16_t)sizeof(struct type), END(type, last), \
					  resp, fnc}

static const ifd_op_t ops[] = {
	OP(0x80, "IOMMU_DESTROY", uapi_iommu_destroy, id, w_destroy, RESP_OK),
	OP(0x81, "IOMMU_IOAS_ALLOC", uapi_iommu_ioas_alloc, out_ioas_id, w_ioas_alloc,
	   RESP_OK),
	OP(0x82, "IOMMU_IOAS_ALLOW_IOVAS", uapi_iommu_ioas_allow_iovas, allowed_iovas,
	   w_ioas_allow_iovas, RESP_OK),
	OP(0x83, "IOMMU_IOAS_COPY", uapi_iommu_ioas_copy, src_iova, w_ioas_copy, RESP_OK),
	OP(0x84, "IOMMU_IOAS_IOVA_RANGES", uapi_iommu_ioas_iova_ranges, out_iova_alignment,
	   w_ioas_iova_ranges, RESP_OK_OR_EMSGSIZE),
	OP(0x85, "IOMMU_IOAS_MAP", uapi_iommu_ioas_map, iova, w_ioas_map, RESP_OK),
	OP(0x86, "IOMMU_IOAS_UNMAP", uapi_iommu_ioas_unmap, length, w_ioas_unmap, RESP_OK),
	OP(0x87, "IOMMU_OPTION", uapi_iommu_option, val64, w_option, RESP_OK),
	OP(0x88, "IOMMU_VFIO_IOAS", uapi_iommu_vfio_ioas, reserved, w_vfio_ioas, RESP_OK),
	OP(0x89, "IOMMU_HWPT_ALLOC", uapi_iommu_hwpt_alloc, reserved, w_hwpt_alloc, RESP_OK),
	OP(0x8a, "IOMMU_GET_HW_INFO", uapi_iommu_hw_info, reserved, w_get_hw_info, RESP_OK),
	OP(0x8b, "IOMMU_HWPT_SET_DIRTY_TRACKING", uapi_iommu_hwpt_set_dirty_tracking, reserved,
	   w_set_dirty_tracking, RESP_OK),
	OP(0x8c, "IOMMU_HWPT_GET_DIRTY_BITMAP", uapi_iommu_hwpt_get_dirty_bitmap, data,
	   w_get_dirty_bitmap, RESP_OK),
	OP(0x8d, "IOMMU_HWPT_INVALIDATE", uapi_iommu_hwpt_invalidate, reserved,
	   w_hwpt_invalidate, RESP_ALWAYS),
	OP(0x8e, "IOMMU_FAULT_QUEUE_ALLOC", uapi_iommu_fault_alloc, out_fault_fd,
	   w_fault_alloc, RESP_OK),
	OP(0x8f, "IOMMU_IOAS_MAP_FILE", uapi_iommu_ioas_map_file, iova, w_ioas_map_file,
	   RESP_OK),
	OP(0x90, "IOMMU_VIOMMU_ALLOC", uapi_iommu_viommu_alloc, out_viommu_id,
	   w_viommu_alloc, RESP_OK),
	OP(0x91, "IOMMU_VDEVICE_ALLOC", uapi_iommu_vdevice_alloc, virt_id, w_vdevice_alloc,
	   RESP_OK),
	OP(0x92, "IOMMU_IOAS_CHANGE_PROCESS", uapi_iommu_ioas_change_process, reserved,
	   w_ioas_change_process, RESP_OK),
	OP(0x93, "IOMMU_VEVENTQ_ALLOC", uapi_iommu_veventq_alloc, out_veventq_fd,
	   w_veventq_alloc, RESP_OK),
	OP(0x94, "IOMMU_HW_QUEUE_ALLOC", uapi_iommu_hw_queue_alloc, length, w_hw_queue_alloc,
	   RESP_OK),
};

#define NOPS (sizeof(ops) / sizeof(ops[0]))

/* Big enough for every struct in the table. */
typedef union ifd_cmd_buf {
	struct uapi_iommu_hwpt_alloc hwpt;
	struct uapi_iommu_hwpt_get_dirty_bitmap dirty;
	struct uapi_iommu_hw_info info;
	struct uapi_iommu_ioas_map map;
	struct uapi_iommu_viommu_alloc viommu;
	struct uapi_iommu_hw_queue_alloc hwq;
	uint8_t bytes[64];
} ifd_cmd_buf_t;

int ifd_cmd_destroy(ifd_ctx_t *ctx, struct uapi_iommu_destroy *cmd, iommusim_error_t *err)
{
	return ifd_obj_remove(ctx, cmd->id, err);
}

int ifd_ioctl(ifd_ctx_t *ctx, uint32_t request, void *arg, size_t len, long *ret,
	      iommusim_error_t *err)
{
	uint32_t nr = UAPI_IOC_NR(request);
	ifd_cmd_buf_t buf;
	uint32_t usize;
	long dummy;
	int rc;

	if (!ret)
		ret = &dummy;
	*ret = 0;
	if (!ctx)
		return iommusim_error_set(err, -EBADF, "ioctl on no iommufd");
	if (nr < UAPI_IOMMUFD_CMD_BASE || nr - UAPI_IOMMUFD_CMD_BASE >= NOPS)
		return ifd_vfio_compat_ioctl(ctx, request, arg, len, ret, err);
	const ifd_op_t *op = &ops[nr - UAPI_IOMMUFD_CMD_BASE];
	if (!op->fn || request != UAPI_IO(UAPI_IOMMUFD_TYPE, nr))
		return iommusim_error_set(err, -ENOTTY, "ioctl 0x%x is not an iommufd command",
					  request);
	if (!arg || len < 4)
		return iommusim_error_set(err, -EFAULT, "%s: cannot read the size field (%zu bytes "
					  "given)", op->name, arg ? len : 0);
	memcpy(&usize, arg, 4);
	if (usize < op->min_size)
		return iommusim_error_set(err, -EINVAL,
			"%s: size %u is below the minimum %u (the struct of the first kernel with "
			"this command)", op->name, usize, op->min_size);
	if (usize > len)
		return iommusim_error_set(err, -EFAULT,
			"%s: size says %u bytes but only %zu are readable", op->name, usize, len);
	/* copy_struct_from_user */
	memset(&buf, 0, sizeof(buf));
	if (usize > op->size) {
		const uint8_t *b = arg;
		for (size_t i = op->size; i < usize; i++)
			if (b[i])
				return iommusim_error_set(err, -E2BIG,
					"%s: size %u is larger than the %u bytes this kernel knows "
					"and byte %zu is 0x%02x (unknown bytes must be zero)",
					op->name, usize, op->size, i, b[i]);
	}
	memcpy(&buf, arg, usize < op->size ? usize : op->size);
	rc = op->fn(ctx, &buf, err);
	if (!rc || op->respond == RESP_ALWAYS ||
	    (op->respond == RESP_OK_OR_EMSGSIZE && rc == -EMSGSIZE)) {
		/* The context may be gone (e.g. nothing else held it); the struct is ours. */
		size_t n = usize < op->size ? usize : op->size;
		if (nr == UAPI_IOMMUFD_CMD_OPTION && !rc)
			memcpy((uint8_t *)arg + offsetof(struct uapi_iommu_option, val64),
			       buf.bytes + offsetof(struct uapi_iommu_option, val64), 8);
		else
			memcpy(arg, &buf, n);
	}
	return rc;
}
