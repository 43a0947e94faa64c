/* SPDX-License-Identifier: MIT */
/*
 * The per-context object table (Linux iommufd main.c): one 31-bit ID space shared by every
 * object type, IDs handed out lowest-free from 1 (xa_alloc with XA_FLAGS_ALLOC1), an ID
 * reserved while its object is being built, "users" counts that keep an object alive while
 * other objects depend on it, and IOMMU_DESTROY that removes an object only when the table
 * holds the last user.
 */
#include <errno.h>
#include <stdlib.h>

#include "host-shim/iommufd/ifd_internal.h"

static const char *const type_names[IFD_OBJ_NTYPES] = {
	[IFD_OBJ_NONE] = "none",
	[IFD_OBJ_DEVICE] = "DEVICE",
	[IFD_OBJ_HWPT_PAGING] = "HWPT_PAGING",
	[IFD_OBJ_HWPT_NESTED] = "HWPT_NESTED",
	[IFD_OBJ_IOAS] = "IOAS",
	[IFD_OBJ_FAULT] = "FAULT",
	[IFD_OBJ_VIOMMU] = "VIOMMU",
	[IFD_OBJ_VDEVICE] = "VDEVICE",
	[IFD_OBJ_VEVENTQ] = "VEVENTQ",
	[IFD_OBJ_HW_QUEUE] = "HW_QUEUE",
};

const char *ifd_obj_type_name(ifd_obj_type_t t)
{
	if (t == IFD_OBJ_ANY)
		return "any";
	return (unsigned)t < IFD_OBJ_NTYPES ? type_names[t] : "?";
}

static void type_destroy(ifd_obj_t *obj)
{
	switch (obj->type) {
	case IFD_OBJ_DEVICE: ifd_device_destroy(obj); break;
	case IFD_OBJ_HWPT_PAGING:
	case IFD_OBJ_HWPT_NESTED: ifd_hwpt_destroy(obj); break;
	case IFD_OBJ_IOAS: ifd_ioas_destroy(obj); break;
	case IFD_OBJ_FAULT: ifd_fault_destroy(obj); break;
	case IFD_OBJ_VIOMMU: ifd_viommu_destroy(obj); break;
	case IFD_OBJ_VDEVICE: ifd_vdevice_destroy(obj); break;
	case IFD_OBJ_VEVENTQ: ifd_veventq_destroy(obj); break;
	case IFD_OBJ_HW_QUEUE: ifd_hw_queue_destroy(obj); break;
	default: break;
	}
}

int ifd_obj_alloc(ifd_ctx_t *ctx, size_t size, ifd_obj_type_t type, ifd_obj_t **out,
		  iommusim_error_t *err)
{
	size_t id = 1;

	while (id < ctx->nslots && ctx->slots[id])
		id++;
	if (id > IFD_ID_MAX)
		return iommusim_error_set(err, -EBUSY,
			"every object ID 1..%u of this iommufd is in use", IFD_ID_MAX);
	if (id >= ctx->nslots) {
		size_t n = ctx->nslots ? ctx->nslots * 2 : 16;
		ifd_obj_t **s = realloc(ctx->slots, n * sizeof(*s));
		if (!s)
			return iommusim_error_set(err, -ENOMEM, "out of memory for the ID table");
		for (size_t i = ctx->nslots; i < n; i++)
			s[i] = NULL;
		ctx->slots = s;
		ctx->nslots = n;
	}
	ifd_obj_t *obj = calloc(1, size);
	if (!obj)
		return iommusim_error_set(err, -ENOMEM, "out of memory for a %s object",
					  ifd_obj_type_name(type));
	obj->id = (uint32_t)id;
	obj->type = type;
	obj->users = 1;
	obj->ctx = ctx;
	ctx->slots[id] = IFD_SLOT_RESERVED;
	*out = obj;
	return 0;
}

void ifd_obj_finalize(ifd_obj_t *obj)
{
	obj->ctx->slots[obj->id] = obj;
}

void ifd_obj_abort(ifd_obj_t *obj)
{
	ifd_ctx_t *ctx = obj->ctx;
	uint32_t id = obj->id;

	type_destroy(obj);
	ctx->slots[id] = NULL;
	free(obj);
}

int ifd_obj_get(ifd_ctx_t *ctx, uint32_t id, ifd_obj_type_t type, ifd_obj_t **out)
{
	ifd_obj_t *obj = id < ctx->nslots ? ctx->slots[id] : NULL;

	if (!obj || obj == IFD_SLOT_RESERVED || (type != IFD_OBJ_ANY && obj->type != type))
		return -ENOENT;
	*out = obj;
	return 0;
}

void ifd_obj_destroy(ifd_obj_t *obj)
{
	type_destroy(obj);
	free(obj);
}

int ifd_obj_remove(ifd_ctx_t *ctx, uint32_t id, iommusim_error_t *err)
{
	ifd_obj_t *obj = id < ctx->nslots ? ctx->slots[id] : NULL;

	if (!obj || obj == IFD_SLOT_RESERVED)
		return iommusim_error_set(err, -ENOENT, "IOMMU_DESTROY: no object with id %u", id);
	if (obj->users != 1)
		return iommusim_error_set(err, -EBUSY,
			"IOMMU_DESTROY: %s %u is in use (%u other users: attached devices, "
			"child objects or open files); destroy those first",
			ifd_obj_type_name(obj->type), id, obj->users - 1);
	obj->users = 0;
	ctx->slots[id] = NULL;
	if (ctx->vfio_ioas && &ctx->vfio_ioas->obj == obj)
		ctx->vfio_ioas = NULL;
	ifd_obj_destroy(obj);
	return 0;
}

void ifd_obj_destroy_user(ifd_obj_t *obj)
{
	ifd_ctx_t *ctx = obj->ctx;
	/* The caller's user goes, and with it the table's: nothing else may hold it. */
	obj->users = 0;
	ctx->slots[obj->id] = NULL;
	ifd_obj_destroy(obj);
}

void ifd_obj_tombstone(ifd_obj_t *obj)
{
	ifd_ctx_t *ctx = obj->ctx;
	/* The ID stays taken so that a later IOMMU_DESTROY of it is -ENOENT and it is not
	 * handed out again until the context is released. */
	ctx->slots[obj->id] = IFD_SLOT_RESERVED;
	ifd_obj_destroy(obj);
}
