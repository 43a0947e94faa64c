/* SPDX-License-Identifier: MIT */
/*
 * The VFIO type1 container served by iommufd (Linux vfio_compat.c): IOMMU_VFIO_IOAS picks
 * the IOAS the container ioctls act on, and VFIO_GET_API_VERSION, VFIO_CHECK_EXTENSION,
 * VFIO_SET_IOMMU, VFIO_IOMMU_GET_INFO, VFIO_IOMMU_MAP_DMA and VFIO_IOMMU_UNMAP_DMA work on
 * that IOAS. A type1 (v1) container disables huge pages so that an unmap may cut a mapping.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/iommufd/ifd_internal.h"

static int compat_ioas(ifd_ctx_t *ctx, ifd_ioas_t **out, const char *cmd, iommusim_error_t *err)
{
	if (!ctx->vfio_ioas)
		return iommusim_error_set(err, -ENODEV,
			"%s: the container has no IOAS yet (set a group on it, or IOMMU_VFIO_IOAS "
			"SET)", cmd);
	*out = ctx->vfio_ioas;
	return 0;
}

int ifd_vfio_compat_ioas_id(ifd_ctx_t *ctx, uint32_t *id, iommusim_error_t *err)
{
	if (ctx->vfio_ioas) {
		*id = ctx->vfio_ioas->obj.id;
		return 0;
	}
	ifd_ioas_t *ioas = NULL;
	int rc = ifd_ioas_alloc(ctx, &ioas, err);
	if (rc)
		return rc;
	/* Treated as a user-created IOAS: it shows in IOMMU_VFIO_IOAS GET and goes with the
	 * context unless destroyed first. */
	ctx->vfio_ioas = ioas;
	ifd_obj_finalize(&ioas->obj);
	*id = ioas->obj.id;
	return 0;
}

int ifd_cmd_vfio_ioas(ifd_ctx_t *ctx, struct uapi_iommu_vfio_ioas *cmd, iommusim_error_t *err)
{
	ifd_ioas_t *ioas = NULL;
	ifd_obj_t *obj;
	int rc;

	if (cmd->reserved)
		return iommusim_error_set(err, -EOPNOTSUPP, "IOMMU_VFIO_IOAS: __reserved must be 0");
	switch (cmd->op) {
	case UAPI_IOMMU_VFIO_IOAS_GET:
		if ((rc = compat_ioas(ctx, &ioas, "IOMMU_VFIO_IOAS GET", err)))
			return rc;
		cmd->ioas_id = ioas->obj.id;
		return 0;
	case UAPI_IOMMU_VFIO_IOAS_SET:
		if (ifd_obj_get(ctx, cmd->ioas_id, IFD_OBJ_IOAS, &obj))
			return iommusim_error_set(err, -ENOENT, "IOMMU_VFIO_IOAS SET: no IOAS %u",
						  cmd->ioas_id);
		ctx->vfio_ioas = (ifd_ioas_t *)obj;
		return 0;
	case UAPI_IOMMU_VFIO_IOAS_CLEAR:
		ctx->vfio_ioas = NULL;
		return 0;
	default:
		return iommusim_error_set(err, -EOPNOTSUPP, "IOMMU_VFIO_IOAS: op %u unknown",
					  cmd->op);
	}
}

static uint64_t arg_value(const void *arg, size_t len)
{
	if (!arg)
		return 0;
	if (len >= 8) {
		uint64_t v;
		memcpy(&v, arg, 8);
		return v;
	}
	if (len >= 4) {
		uint32_t v;
		memcpy(&v, arg, 4);
		return v;
	}
	return 0;
}

static int check_extension(ifd_ctx_t *ctx, uint64_t type, long *ret, iommusim_error_t *err)
{
	switch (type) {
	case UAPI_VFIO_TYPE1_IOMMU:
	case UAPI_VFIO_TYPE1v2_IOMMU:
	case UAPI_VFIO_UNMAP_ALL:
		*ret = 1;
		return 0;
	case UAPI_VFIO_DMA_CC_IOMMU: {
		ifd_ioas_t *ioas = NULL;
		int rc = compat_ioas(ctx, &ioas, "VFIO_CHECK_EXTENSION(DMA_CC)", err);
		if (rc)
			return rc;
		/* Every domain iommufd makes enforces coherency. */
		*ret = 1;
		return 0;
	}
	default:
		*ret = 0;   /* TYPE1_NESTING, UPDATE_VADDR and the rest */
		return 0;
	}
}

static int set_iommu(ifd_ctx_t *ctx, uint64_t type, iommusim_error_t *err)
{
	ifd_ioas_t *ioas = NULL;
	int rc;

	if (type != UAPI_VFIO_TYPE1_IOMMU && type != UAPI_VFIO_TYPE1v2_IOMMU)
		return iommusim_error_set(err, -EINVAL,
			"VFIO_SET_IOMMU: type %llu (iommufd serves TYPE1=1 and TYPE1v2=3)",
			(unsigned long long)type);
	if ((rc = compat_ioas(ctx, &ioas, "VFIO_SET_IOMMU", err)))
		return rc;
	/* TYPE1 may unmap inside a mapping: no huge IOPTEs that could not be split. */
	if (type == UAPI_VFIO_TYPE1_IOMMU && (rc = ifd_iopt_disable_large_pages(&ioas->iopt)))
		return iommusim_error_set(err, rc,
			"VFIO_SET_IOMMU TYPE1: the IOAS already has mappings in domains");
	return 0;
}

static uint64_t pagesizes(ifd_ioas_t *ioas)
{
	uint64_t bm = UINT64_MAX;
	for (size_t i = 0; i < ioas->iopt.ndomains; i++)
		bm &= ioas->iopt.domains[i]->pgsize_bitmap;
	if (bm & (IFD_PAGE_SIZE - 1)) {
		bm &= ~(IFD_PAGE_SIZE - 1);
		bm |= IFD_PAGE_SIZE;
	}
	return bm > ioas->iopt.iova_alignment ? bm : ioas->iopt.iova_alignment;
}

/* Writes n bytes at offset off of the caller's buffer if it fits. */
static int put_bytes(void *arg, size_t len, size_t off, const void *src, size_t n)
{
	if (off > len || len - off < n)
		return -EFAULT;
	memcpy((uint8_t *)arg + off, src, n);
	return 0;
}

#define CAP_DMA_AVAIL_SIZE 12u    /* header + u32 avail */
#define CAP_IOVA_HDR_SIZE  16u    /* header + nr_iovas + reserved */

static int get_info(ifd_ctx_t *ctx, void *arg, size_t len, iommusim_error_t *err)
{
	struct uapi_vfio_iommu_type1_info info;
	const size_t minsz = offsetof(struct uapi_vfio_iommu_type1_info, cap_offset);
	ifd_ioas_t *ioas = NULL;
	int rc;

	if (len < minsz)
		return iommusim_error_set(err, -EFAULT, "VFIO_IOMMU_GET_INFO: %zu bytes given", len);
	memcpy(&info, arg, minsz);
	if (info.argsz < minsz)
		return iommusim_error_set(err, -EINVAL,
			"VFIO_IOMMU_GET_INFO: argsz %u is below %zu", info.argsz, minsz);
	size_t outsz = info.argsz < sizeof(info) ? info.argsz : sizeof(info);
	if ((rc = compat_ioas(ctx, &ioas, "VFIO_IOMMU_GET_INFO", err)))
		return rc;
	info.flags = UAPI_VFIO_IOMMU_INFO_PGSIZES;
	info.iova_pgsizes = pagesizes(ioas);
	info.cap_offset = 0;
	info.pad = 0;

	ifd_ivl_t *u = NULL;
	size_t nu = 0;
	if (ifd_ivls_union(&ioas->iopt.reserved, &u, &nu))
		return iommusim_error_set(err, -ENOMEM, "out of memory");
	/* Cap 1: DMA_AVAIL, right after the struct. */
	size_t total = sizeof(info), dma_at = total;
	if (info.argsz >= total + CAP_DMA_AVAIL_SIZE) {
		struct uapi_vfio_info_cap_header h = {UAPI_VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL, 1, 0};
		uint32_t avail = UINT32_MAX;
		if (put_bytes(arg, len, dma_at, &h, sizeof(h)) ||
		    put_bytes(arg, len, dma_at + 8, &avail, 4))
			goto efault;
	}
	total += CAP_DMA_AVAIL_SIZE;
	/* Cap 2: IOVA ranges (the holes between reserved ranges). */
	size_t iova_at = total;
	uint32_t nr = 0;
	uint64_t cur = 0;
	for (size_t i = 0; i <= nu; i++) {
		if (i == nu || u[i].start > cur) {
			uint64_t r[2] = {cur, i == nu ? UINT64_MAX : u[i].start - 1};
			size_t at = iova_at + CAP_IOVA_HDR_SIZE + (size_t)nr * 16;
			if (info.argsz >= at + 16 && put_bytes(arg, len, at, r, 16))
				goto efault;
			nr++;
		}
		if (i == nu || u[i].last == UINT64_MAX)
			break;
		cur = u[i].last + 1;
	}
	size_t iova_size = CAP_IOVA_HDR_SIZE + (size_t)nr * 16;
	if (info.argsz >= iova_at + iova_size) {
		struct uapi_vfio_info_cap_header h = {UAPI_VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, 1, 0};
		uint32_t hdr2[2] = {nr, 0};
		if (put_bytes(arg, len, iova_at, &h, sizeof(h)) ||
		    put_bytes(arg, len, iova_at + 8, hdr2, 8))
			goto efault;
	}
	if (info.argsz >= iova_at) {
		uint32_t next = (uint32_t)iova_at;
		if (info.argsz >= dma_at + CAP_DMA_AVAIL_SIZE &&
		    put_bytes(arg, len, dma_at + 4, &next, 4))
			goto efault;
	}
	total += iova_size;
	free(u);
	if (info.argsz >= total)
		info.cap_offset = (uint32_t)sizeof(info);
	info.argsz = (uint32_t)total;
	info.flags |= UAPI_VFIO_IOMMU_INFO_CAPS;
	memcpy(arg, &info, outsz);
	return 0;
efault:
	free(u);
	return iommusim_error_set(err, -EFAULT,
		"VFIO_IOMMU_GET_INFO: argsz %u claims more than the %zu bytes given", info.argsz,
		len);
}

static int map_dma(ifd_ctx_t *ctx, void *arg, size_t len, iommusim_error_t *err)
{
	struct uapi_vfio_iommu_type1_dma_map map;
	const uint32_t supported = UAPI_VFIO_DMA_MAP_FLAG_READ | UAPI_VFIO_DMA_MAP_FLAG_WRITE;
	ifd_ioas_t *ioas = NULL;
	int rc;

	if (len < sizeof(map))
		return iommusim_error_set(err, -EFAULT, "VFIO_IOMMU_MAP_DMA: %zu bytes given", len);
	memcpy(&map, arg, sizeof(map));
	if (map.argsz < sizeof(map) || (map.flags & ~supported))
		return iommusim_error_set(err, -EINVAL,
			"VFIO_IOMMU_MAP_DMA: argsz %u < %zu or flags 0x%x beyond READ|WRITE",
			map.argsz, sizeof(map), map.flags);
	unsigned prot = DRV_PROT_CACHE;
	if (map.flags & UAPI_VFIO_DMA_MAP_FLAG_READ)
		prot |= DRV_PROT_READ;
	if (map.flags & UAPI_VFIO_DMA_MAP_FLAG_WRITE)
		prot |= DRV_PROT_WRITE;
	if ((rc = compat_ioas(ctx, &ioas, "VFIO_IOMMU_MAP_DMA", err)))
		return rc;
	ifd_pages_t *pg = ifd_pages_new_user(ctx, map.vaddr, map.size, prot & DRV_PROT_WRITE, &rc);
	if (!pg)
		return iommusim_error_set(err, rc, "VFIO_IOMMU_MAP_DMA: vaddr 0x%llx size 0x%llx: %s",
			(unsigned long long)map.vaddr, (unsigned long long)map.size,
			rc == -EOVERFLOW ? "wraps around" : "zero or absurd size");
	uint64_t iova = map.iova;
	ifd_slice_t sl = {pg, map.vaddr - pg->base, map.size};
	rc = ifd_iopt_map_pages(&ioas->iopt, &sl, 1, map.size, &iova, prot, false, err);
	ifd_pages_put(pg);
	if (rc)
		iommusim_error_prefix(err, "VFIO_IOMMU_MAP_DMA");
	return rc;
}

static int unmap_dma(ifd_ctx_t *ctx, void *arg, size_t len, iommusim_error_t *err)
{
	struct uapi_vfio_iommu_type1_dma_unmap um;
	ifd_ioas_t *ioas = NULL;
	uint64_t unmapped = 0;
	int rc;

	if (len < sizeof(um))
		return iommusim_error_set(err, -EFAULT, "VFIO_IOMMU_UNMAP_DMA: %zu bytes given",
					  len);
	memcpy(&um, arg, sizeof(um));
	if (um.argsz < sizeof(um) || (um.flags & ~UAPI_VFIO_DMA_UNMAP_FLAG_ALL))
		return iommusim_error_set(err, -EINVAL,
			"VFIO_IOMMU_UNMAP_DMA: argsz %u < %zu or flags 0x%x (only UNMAP_ALL; "
			"GET_DIRTY_BITMAP and VADDR are not served)", um.argsz, sizeof(um), um.flags);
	if ((rc = compat_ioas(ctx, &ioas, "VFIO_IOMMU_UNMAP_DMA", err)))
		return rc;
	if (um.flags & UAPI_VFIO_DMA_UNMAP_FLAG_ALL) {
		if (um.iova || um.size) {
			return iommusim_error_set(err, -EINVAL,
				"VFIO_IOMMU_UNMAP_DMA: UNMAP_ALL needs iova = size = 0");
		}
		rc = ifd_iopt_unmap_all(&ioas->iopt, &unmapped);
	} else {
		if (ioas->iopt.disable_large_pages) {
			/* Type1 v1: cut the mappings at both ends of the range first. */
			rc = ifd_iopt_cut(&ioas->iopt, um.iova + um.size - 1);
			if (!rc && um.iova)
				rc = ifd_iopt_cut(&ioas->iopt, um.iova - 1);
			if (rc)
				return iommusim_error_set(err, rc,
					"VFIO_IOMMU_UNMAP_DMA: cannot split a mapping at the range "
					"0x%llx+0x%llx", (unsigned long long)um.iova,
					(unsigned long long)um.size);
		}
		if (!um.size)
			rc = -EINVAL;
		else if (um.iova + um.size - 1 < um.iova)
			rc = -EOVERFLOW;
		else
			rc = ifd_iopt_unmap(&ioas->iopt, um.iova, um.iova + um.size - 1, &unmapped);
		if (rc)
			iommusim_error_set(err, rc,
				"VFIO_IOMMU_UNMAP_DMA: 0x%llx+0x%llx %s", (unsigned long long)um.iova,
				(unsigned long long)um.size,
				rc == -ENOENT ? "covers no whole mapping (or cuts one)"
					      : "is an empty or wrapping range");
	}
	um.size = unmapped;
	memcpy(arg, &um, sizeof(um));
	return rc;
}

int ifd_vfio_compat_ioctl(ifd_ctx_t *ctx, uint32_t request, void *arg, size_t len, long *ret,
			  iommusim_error_t *err)
{
	*ret = 0;
	switch (request) {
	case UAPI_VFIO_GET_API_VERSION:
		*ret = UAPI_VFIO_API_VERSION;
		return 0;
	case UAPI_VFIO_SET_IOMMU:
		return set_iommu(ctx, arg_value(arg, len), err);
	case UAPI_VFIO_CHECK_EXTENSION:
		return check_extension(ctx, arg_value(arg, len), ret, err);
	case UAPI_VFIO_IOMMU_GET_INFO:
		return get_info(ctx, arg, len, err);
	case UAPI_VFIO_IOMMU_MAP_DMA:
		return map_dma(ctx, arg, len, err);
	case UAPI_VFIO_IOMMU_UNMAP_DMA:
		return unmap_dma(ctx, arg, len, err);
	default:
		return iommusim_error_set(err, -ENOTTY,
			"ioctl 0x%x is not an iommufd or VFIO container command", request);
	}
}
