/* SPDX-License-Identifier: MIT */
/*
 * IOAS objects and their ioctls (Linux ioas.c): ALLOC, IOVA_RANGES, ALLOW_IOVAS, MAP,
 * MAP_FILE, COPY, UNMAP, OPTION and CHANGE_PROCESS. Checks run in the kernel's order, so
 * the first failing check decides the errno.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/iommufd/ifd_internal.h"

#define MAP_FLAGS (UAPI_IOMMU_IOAS_MAP_FIXED_IOVA | UAPI_IOMMU_IOAS_MAP_WRITEABLE | \
		   UAPI_IOMMU_IOAS_MAP_READABLE)

int ifd_ioas_alloc(ifd_ctx_t *ctx, ifd_ioas_t **out, iommusim_error_t *err)
{
	ifd_obj_t *obj;
	int rc = ifd_obj_alloc(ctx, sizeof(ifd_ioas_t), IFD_OBJ_IOAS, &obj, err);
	if (rc)
		return rc;
	ifd_ioas_t *ioas = (ifd_ioas_t *)obj;
	ifd_iopt_init(&ioas->iopt);
	*out = ioas;
	return 0;
}

void ifd_ioas_destroy(ifd_obj_t *obj)
{
	ifd_ioas_t *ioas = (ifd_ioas_t *)obj;
	ifd_iopt_unmap_all(&ioas->iopt, NULL);
	ifd_iopt_fini(&ioas->iopt);
	free(ioas->hwpts);
}

static int get_ioas(ifd_ctx_t *ctx, uint32_t id, ifd_ioas_t **out, const char *cmd,
		    iommusim_error_t *err)
{
	ifd_obj_t *obj;
	if (ifd_obj_get(ctx, id, IFD_OBJ_IOAS, &obj))
		return iommusim_error_set(err, -ENOENT, "%s: no IOAS with id %u", cmd, id);
	*out = (ifd_ioas_t *)obj;
	return 0;
}

static unsigned conv_prot(uint32_t flags)
{
	/* iommufd always maps cache coherent (IOMMU_CACHE). */
	unsigned prot = DRV_PROT_CACHE;
	if (flags & UAPI_IOMMU_IOAS_MAP_WRITEABLE)
		prot |= DRV_PROT_WRITE;
	if (flags & UAPI_IOMMU_IOAS_MAP_READABLE)
		prot |= DRV_PROT_READ;
	return prot;
}

int ifd_cmd_ioas_alloc(ifd_ctx_t *ctx, struct uapi_iommu_ioas_alloc *cmd, iommusim_error_t *err)
{
	ifd_ioas_t *ioas = NULL;

	if (cmd->flags)
		return iommusim_error_set(err, -EOPNOTSUPP,
					  "IOMMU_IOAS_ALLOC: flags 0x%x must be 0", cmd->flags);
	int rc = ifd_ioas_alloc(ctx, &ioas, err);
	if (rc)
		return rc;
	cmd->out_ioas_id = ioas->obj.id;
	ifd_obj_finalize(&ioas->obj);
	return 0;
}

int ifd_cmd_ioas_iova_ranges(ifd_ctx_t *ctx, struct uapi_iommu_ioas_iova_ranges *cmd, iommusim_error_t *err)
{
	ifd_ioas_t *ioas = NULL;
	ifd_ivl_t *u = NULL;
	size_t nu = 0;
	int rc;

	if (cmd->reserved)
		return iommusim_error_set(err, -EOPNOTSUPP,
					  "IOMMU_IOAS_IOVA_RANGES: __reserved must be 0");
	if ((rc = get_ioas(ctx, cmd->ioas_id, &ioas, "IOMMU_IOAS_IOVA_RANGES", err)))
		return rc;
	if (ifd_ivls_union(&ioas->iopt.reserved, &u, &nu))
		return iommusim_error_set(err, -ENOMEM, "out of memory");
	uint32_t max = cmd->num_iovas, count = 0;
	uint64_t cur = 0;
	cmd->out_iova_alignment = ioas->iopt.iova_alignment;
	/* The holes between reserved ranges over the whole 64-bit space, in order. */
	for (size_t i = 0; i <= nu; i++) {
		bool hole = i == nu || u[i].start > cur;
		uint64_t last = i == nu ? UINT64_MAX : (hole ? u[i].start - 1 : 0);
		if (hole) {
			if (count < max) {
				struct uapi_iommu_iova_range r = {.start = cur, .last = last};
				uint64_t at = cmd->allowed_iovas + (uint64_t)count * sizeof(r);
				if (ifd_copy_to_user(ctx, at, &r, sizeof(r))) {
					free(u);
					return iommusim_error_set(err, -EFAULT,
						"IOMMU_IOAS_IOVA_RANGES: cannot write range %u at "
						"user address 0x%llx", count,
						(unsigned long long)at);
				}
			}
			count++;
		}
		if (i == nu || u[i].last == UINT64_MAX)
			break;
		cur = u[i].last + 1;
	}
	free(u);
	cmd->num_iovas = count;
	if (count > max)
		return iommusim_error_set(err, -EMSGSIZE,
			"IOMMU_IOAS_IOVA_RANGES: %u ranges but room for %u (num_iovas now says how "
			"many to pass)", count, max);
	return 0;
}

int ifd_cmd_ioas_allow_iovas(ifd_ctx_t *ctx, struct uapi_iommu_ioas_allow_iovas *cmd, iommusim_error_t *err)
{
	ifd_ivls_t allowed = {0};
	ifd_ioas_t *ioas = NULL;
	int rc;

	if (cmd->reserved)
		return iommusim_error_set(err, -EOPNOTSUPP,
					  "IOMMU_IOAS_ALLOW_IOVAS: __reserved must be 0");
	if ((rc = get_ioas(ctx, cmd->ioas_id, &ioas, "IOMMU_IOAS_ALLOW_IOVAS", err)))
		return rc;
	for (uint32_t i = 0; i < cmd->num_iovas; i++) {
		struct uapi_iommu_iova_range r;
		if (ifd_copy_from_user(ctx, cmd->allowed_iovas + (uint64_t)i * sizeof(r), &r,
				       sizeof(r))) {
			rc = iommusim_error_set(err, -EFAULT,
				"IOMMU_IOAS_ALLOW_IOVAS: cannot read range %u at 0x%llx", i,
				(unsigned long long)(cmd->allowed_iovas + (uint64_t)i * sizeof(r)));
			goto out;
		}
		if (r.start >= r.last) {
			rc = iommusim_error_set(err, -EINVAL,
				"IOMMU_IOAS_ALLOW_IOVAS: range %u has start 0x%llx >= last 0x%llx",
				i, (unsigned long long)r.start, (unsigned long long)r.last);
			goto out;
		}
		if (ifd_ivls_find(&allowed, r.start, r.last)) {
			rc = iommusim_error_set(err, -EINVAL,
				"IOMMU_IOAS_ALLOW_IOVAS: range %u (0x%llx-0x%llx) overlaps an "
				"earlier range", i, (unsigned long long)r.start,
				(unsigned long long)r.last);
			goto out;
		}
		if (ifd_ivls_insert(&allowed, r.start, r.last, NULL)) {
			rc = iommusim_error_set(err, -ENOMEM, "out of memory");
			goto out;
		}
	}
	rc = ifd_iopt_set_allowed(&ioas->iopt, &allowed);
	if (rc)
		iommusim_error_set(err, rc,
			"IOMMU_IOAS_ALLOW_IOVAS: an allowed range intersects a range reserved by "
			"an attached device or domain");
out:
	ifd_ivls_clear(&allowed);
	return rc;
}

static int map_checks(uint32_t flags, uint64_t iova, uint64_t length, const char *cmd,
		      iommusim_error_t *err)
{
	if (flags & ~MAP_FLAGS)
		return iommusim_error_set(err, -EOPNOTSUPP, "%s: unknown flags 0x%x", cmd,
					  flags & ~MAP_FLAGS);
	if (iova >= UINT64_MAX || length >= UINT64_MAX)
		return iommusim_error_set(err, -EOVERFLOW,
			"%s: iova 0x%llx or length 0x%llx is too large", cmd,
			(unsigned long long)iova, (unsigned long long)length);
	if (!(flags & (UAPI_IOMMU_IOAS_MAP_WRITEABLE | UAPI_IOMMU_IOAS_MAP_READABLE)))
		return iommusim_error_set(err, -EINVAL,
			"%s: flags need READABLE and/or WRITEABLE", cmd);
	return 0;
}

int ifd_cmd_ioas_map(ifd_ctx_t *ctx, struct uapi_iommu_ioas_map *cmd, iommusim_error_t *err)
{
	ifd_ioas_t *ioas = NULL;
	uint64_t iova = cmd->iova;
	int rc;

	if (cmd->flags & ~MAP_FLAGS || cmd->reserved)
		return iommusim_error_set(err, -EOPNOTSUPP,
			"IOMMU_IOAS_MAP: unknown flags 0x%x or non-zero __reserved",
			cmd->flags & ~MAP_FLAGS);
	if ((rc = map_checks(cmd->flags, cmd->iova, cmd->length, "IOMMU_IOAS_MAP", err)) ||
	    (rc = get_ioas(ctx, cmd->ioas_id, &ioas, "IOMMU_IOAS_MAP", err)))
		return rc;
	unsigned prot = conv_prot(cmd->flags);
	ifd_pages_t *pg = ifd_pages_new_user(ctx, cmd->user_va, cmd->length,
					     prot & DRV_PROT_WRITE, &rc);
	if (!pg)
		return iommusim_error_set(err, rc, "IOMMU_IOAS_MAP: user_va 0x%llx length 0x%llx: %s",
			(unsigned long long)cmd->user_va, (unsigned long long)cmd->length,
			rc == -EOVERFLOW ? "the range wraps around" : "zero or absurd length");
	ifd_slice_t sl = {pg, cmd->user_va - pg->base, cmd->length};
	rc = ifd_iopt_map_pages(&ioas->iopt, &sl, 1, cmd->length, &iova, prot,
				!(cmd->flags & UAPI_IOMMU_IOAS_MAP_FIXED_IOVA), err);
	ifd_pages_put(pg);
	if (rc) {
		iommusim_error_prefix(err, "IOMMU_IOAS_MAP ioas %u", cmd->ioas_id);
		return rc;
	}
	cmd->iova = iova;
	return 0;
}

int ifd_cmd_ioas_map_file(ifd_ctx_t *ctx, struct uapi_iommu_ioas_map_file *cmd, iommusim_error_t *err)
{
	ifd_ioas_t *ioas = NULL;
	uint64_t iova = cmd->iova;
	int rc;

	if ((rc = map_checks(cmd->flags, cmd->iova, cmd->length, "IOMMU_IOAS_MAP_FILE", err)) ||
	    (rc = get_ioas(ctx, cmd->ioas_id, &ioas, "IOMMU_IOAS_MAP_FILE", err)))
		return rc;
	ifd_file_t *f = ifd_fd_file(ctx->sys, cmd->fd);
	if (!f)
		return iommusim_error_set(err, -EBADF, "IOMMU_IOAS_MAP_FILE: fd %d is not open",
					  cmd->fd);
	if (f->kind != IFD_FILE_MEMFD)
		return iommusim_error_set(err, -EOPNOTSUPP,
			"IOMMU_IOAS_MAP_FILE: fd %d is not a memfd", cmd->fd);
	unsigned prot = conv_prot(cmd->flags);
	ifd_pages_t *pg = ifd_pages_new_file(ctx, f->u.memfd, cmd->start, cmd->length,
					     prot & DRV_PROT_WRITE, &rc);
	if (!pg)
		return iommusim_error_set(err, rc, "IOMMU_IOAS_MAP_FILE: start 0x%llx length "
			"0x%llx: %s", (unsigned long long)cmd->start,
			(unsigned long long)cmd->length,
			rc == -EOVERFLOW ? "the range wraps around" : "zero or absurd length");
	ifd_slice_t sl = {pg, cmd->start - pg->base, cmd->length};
	rc = ifd_iopt_map_pages(&ioas->iopt, &sl, 1, cmd->length, &iova, prot,
				!(cmd->flags & UAPI_IOMMU_IOAS_MAP_FIXED_IOVA), err);
	ifd_pages_put(pg);
	if (rc) {
		iommusim_error_prefix(err, "IOMMU_IOAS_MAP_FILE ioas %u", cmd->ioas_id);
		return rc;
	}
	cmd->iova = iova;
	return 0;
}

int ifd_cmd_ioas_copy(ifd_ctx_t *ctx, struct uapi_iommu_ioas_copy *cmd, iommusim_error_t *err)
{
	ifd_ioas_t *src = NULL, *dst = NULL;
	ifd_slice_t *sl = NULL;
	size_t n = 0;
	int rc;

	if (cmd->flags & ~MAP_FLAGS)
		return iommusim_error_set(err, -EOPNOTSUPP, "IOMMU_IOAS_COPY: unknown flags 0x%x",
					  cmd->flags & ~MAP_FLAGS);
	if (cmd->length >= UINT64_MAX || cmd->src_iova >= UINT64_MAX ||
	    cmd->dst_iova >= UINT64_MAX)
		return iommusim_error_set(err, -EOVERFLOW, "IOMMU_IOAS_COPY: a value is too large");
	if (!(cmd->flags & (UAPI_IOMMU_IOAS_MAP_WRITEABLE | UAPI_IOMMU_IOAS_MAP_READABLE)))
		return iommusim_error_set(err, -EINVAL,
			"IOMMU_IOAS_COPY: flags need READABLE and/or WRITEABLE");
	if ((rc = get_ioas(ctx, cmd->src_ioas_id, &src, "IOMMU_IOAS_COPY (src)", err)))
		return rc;
	/* iopt_get_pages: the source range must be covered by contiguous areas. */
	if (!cmd->length)
		return iommusim_error_set(err, -EINVAL, "IOMMU_IOAS_COPY: length is 0");
	uint64_t last = cmd->src_iova + cmd->length - 1;
	if (last < cmd->src_iova)
		return iommusim_error_set(err, -EOVERFLOW, "IOMMU_IOAS_COPY: source wraps around");
	uint64_t cur = cmd->src_iova;
	for (;;) {
		ifd_area_t *a = ifd_iopt_area_find(&src->iopt, cur, cur);
		if (!a || (n && a->iova != cur)) {
			rc = iommusim_error_set(err, -ENOENT,
				"IOMMU_IOAS_COPY: source IOVA 0x%llx is not mapped in IOAS %u",
				(unsigned long long)cur, cmd->src_ioas_id);
			goto out;
		}
		ifd_slice_t *v = realloc(sl, (n + 1) * sizeof(*v));
		if (!v) {
			rc = iommusim_error_set(err, -ENOMEM, "out of memory");
			goto out;
		}
		sl = v;
		uint64_t end = a->last < last ? a->last : last;
		sl[n] = (ifd_slice_t){a->pages, a->start_byte + (cur - a->iova), end - cur + 1};
		a->pages->refs++;
		n++;
		if (end == last)
			break;
		cur = end + 1;
	}
	if ((rc = get_ioas(ctx, cmd->dst_ioas_id, &dst, "IOMMU_IOAS_COPY (dst)", err)))
		goto out;
	uint64_t iova = cmd->dst_iova;
	rc = ifd_iopt_map_pages(&dst->iopt, sl, n, cmd->length, &iova, conv_prot(cmd->flags),
				!(cmd->flags & UAPI_IOMMU_IOAS_MAP_FIXED_IOVA), err);
	if (rc) {
		iommusim_error_prefix(err, "IOMMU_IOAS_COPY to IOAS %u", cmd->dst_ioas_id);
		goto out;
	}
	cmd->dst_iova = iova;
out:
	for (size_t i = 0; i < n; i++)
		ifd_pages_put(sl[i].pages);
	free(sl);
	return rc;
}

int ifd_cmd_ioas_unmap(ifd_ctx_t *ctx, struct uapi_iommu_ioas_unmap *cmd, iommusim_error_t *err)
{
	ifd_ioas_t *ioas = NULL;
	uint64_t unmapped = 0;
	int rc;

	if ((rc = get_ioas(ctx, cmd->ioas_id, &ioas, "IOMMU_IOAS_UNMAP", err)))
		return rc;
	if (cmd->iova == 0 && cmd->length == UINT64_MAX) {
		rc = ifd_iopt_unmap_all(&ioas->iopt, &unmapped);
	} else {
		if (cmd->iova >= UINT64_MAX || cmd->length >= UINT64_MAX)
			return iommusim_error_set(err, -EOVERFLOW,
				"IOMMU_IOAS_UNMAP: iova 0x%llx / length 0x%llx too large (iova=0 "
				"length=UINT64_MAX unmaps everything)",
				(unsigned long long)cmd->iova, (unsigned long long)cmd->length);
		if (!cmd->length)
			return iommusim_error_set(err, -EINVAL, "IOMMU_IOAS_UNMAP: length is 0");
		uint64_t last = cmd->iova + cmd->length - 1;
		if (last < cmd->iova)
			return iommusim_error_set(err, -EOVERFLOW,
						  "IOMMU_IOAS_UNMAP: range wraps around");
		rc = ifd_iopt_unmap(&ioas->iopt, cmd->iova, last, &unmapped);
		if (rc == -ENOENT)
			return iommusim_error_set(err, -ENOENT,
				"IOMMU_IOAS_UNMAP: 0x%llx-0x%llx %s", (unsigned long long)cmd->iova,
				(unsigned long long)last,
				unmapped ? "cuts a mapping (unmap whole mappings only; the ones "
					   "before the cut were unmapped)"
					 : "holds no whole mapping (nothing mapped there, or it "
					   "would cut a mapping)");
	}
	if (rc)
		return iommusim_error_set(err, rc, "IOMMU_IOAS_UNMAP failed");
	cmd->length = unmapped;
	return 0;
}

int ifd_cmd_option(ifd_ctx_t *ctx, struct uapi_iommu_option *cmd, iommusim_error_t *err)
{
	ifd_ioas_t *ioas = NULL;
	int rc;

	if (cmd->reserved)
		return iommusim_error_set(err, -EOPNOTSUPP, "IOMMU_OPTION: __reserved must be 0");
	switch (cmd->option_id) {
	case UAPI_IOMMU_OPTION_RLIMIT_MODE:
		if (cmd->object_id)
			return iommusim_error_set(err, -EOPNOTSUPP,
				"IOMMU_OPTION RLIMIT_MODE: object_id must be 0 (a global option)");
		if (cmd->op == UAPI_IOMMU_OPTION_OP_GET) {
			cmd->val64 = ctx->account == IFD_ACCOUNT_MM;
			return 0;
		}
		if (cmd->op != UAPI_IOMMU_OPTION_OP_SET)
			return iommusim_error_set(err, -EOPNOTSUPP, "IOMMU_OPTION: op %u unknown",
						  cmd->op);
		if (ctx->sys->cfg.no_sys_resource)
			return iommusim_error_set(err, -EPERM,
				"IOMMU_OPTION RLIMIT_MODE SET needs CAP_SYS_RESOURCE");
		for (size_t id = 1; id < ctx->nslots; id++)
			if (ctx->slots[id])
				return iommusim_error_set(err, -EBUSY,
					"IOMMU_OPTION RLIMIT_MODE: set it before creating objects");
		if (cmd->val64 > 1)
			return iommusim_error_set(err, -EINVAL,
				"IOMMU_OPTION RLIMIT_MODE: val64 %llu (0 user, 1 process)",
				(unsigned long long)cmd->val64);
		ctx->account = cmd->val64 ? IFD_ACCOUNT_MM : IFD_ACCOUNT_USER;
		return 0;
	case UAPI_IOMMU_OPTION_HUGE_PAGES:
		if ((rc = get_ioas(ctx, cmd->object_id, &ioas, "IOMMU_OPTION HUGE_PAGES", err)))
			return rc;
		if (cmd->op == UAPI_IOMMU_OPTION_OP_GET) {
			cmd->val64 = !ioas->iopt.disable_large_pages;
			return 0;
		}
		if (cmd->op != UAPI_IOMMU_OPTION_OP_SET)
			return iommusim_error_set(err, -EOPNOTSUPP, "IOMMU_OPTION: op %u unknown",
						  cmd->op);
		if (cmd->val64 == 0) {
			rc = ifd_iopt_disable_large_pages(&ioas->iopt);
			if (rc)
				return iommusim_error_set(err, rc,
					"IOMMU_OPTION HUGE_PAGES=0: the IOAS already has mappings "
					"in attached domains (set it before mapping)");
			return 0;
		}
		if (cmd->val64 == 1) {
			ifd_iopt_enable_large_pages(&ioas->iopt);
			return 0;
		}
		return iommusim_error_set(err, -EINVAL, "IOMMU_OPTION HUGE_PAGES: val64 %llu "
					  "(0 or 1)", (unsigned long long)cmd->val64);
	default:
		return iommusim_error_set(err, -EOPNOTSUPP, "IOMMU_OPTION: option_id %u unknown",
					  cmd->option_id);
	}
}

int ifd_cmd_ioas_change_process(ifd_ctx_t *ctx, struct uapi_iommu_ioas_change_process *cmd, iommusim_error_t *err)
{
	(void)ctx;
	if (cmd->reserved)
		return iommusim_error_set(err, -EOPNOTSUPP,
					  "IOMMU_IOAS_CHANGE_PROCESS: __reserved must be 0");
	/* The simulated host has one process, so the owner never changes: a no-op, as in
	 * Linux when the caller is already the owner. */
	return 0;
}
