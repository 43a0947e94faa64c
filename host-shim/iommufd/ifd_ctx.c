/* SPDX-License-Identifier: MIT */
/*
 * An iommufd context (one open /dev/iommu): its lifetime and its per-group state.
 *
 * The context lives as long as its file, and the file is also held by every bound device,
 * by every fault and vEVENTQ file and by a vfio group using it as container (Linux:
 * iommufd_ctx_get takes a file reference). Closing the descriptor therefore does not tear
 * anything down while a device is still bound; the release runs when the last holder goes,
 * and then destroys the remaining objects leaves first (iommufd_fops_release).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/iommufd/ifd_internal.h"

ifd_ctx_t *ifd_ctx_new(ifd_sys_t *s, bool container)
{
	ifd_ctx_t *ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return NULL;
	ctx->sys = s;
	ctx->refs = 1;
	ctx->container = container;
	/* /dev/vfio/vfio keeps vfio's mm-based (pinned_vm) accounting; /dev/iommu accounts
	 * against the user's locked_vm. */
	ctx->account = container ? IFD_ACCOUNT_MM : IFD_ACCOUNT_USER;
	ctx->next_live = s->live;
	s->live = ctx;
	return ctx;
}

void ifd_ctx_get(ifd_ctx_t *ctx)
{
	ctx->refs++;
}

static void ctx_release(ifd_ctx_t *ctx)
{
	ifd_sys_t *s = ctx->sys;

	for (;;) {
		size_t destroyed = 0, left = 0;
		for (size_t id = 1; id < ctx->nslots; id++) {
			ifd_obj_t *obj = ctx->slots[id];
			if (!obj)
				continue;
			if (obj == IFD_SLOT_RESERVED) {
				ctx->slots[id] = NULL;   /* tombstones go with the context */
				continue;
			}
			left++;
			if (obj->users != 1)
				continue;
			obj->users = 0;
			ctx->slots[id] = NULL;
			if (ctx->vfio_ioas == (ifd_ioas_t *)obj)
				ctx->vfio_ioas = NULL;
			ifd_obj_destroy(obj);
			destroyed++;
		}
		if (!left || !destroyed)
			break;   /* done, or a reference cycle (a bug; leaks are reported by ASan) */
	}
	free(ctx->slots);
	free(ctx->igroups);
	for (ifd_ctx_t **pp = &s->live; *pp; pp = &(*pp)->next_live) {
		if (*pp == ctx) {
			*pp = ctx->next_live;
			break;
		}
	}
	free(ctx);
}

void ifd_ctx_put(ifd_ctx_t *ctx)
{
	if (--ctx->refs == 0)
		ctx_release(ctx);
}

ifd_igroup_t *ifd_igroup_get(ifd_ctx_t *ctx, pci_group_t *g)
{
	for (size_t i = 0; i < ctx->nigroups; i++) {
		if (ctx->igroups[i]->group == g) {
			ctx->igroups[i]->refs++;
			return ctx->igroups[i];
		}
	}
	ifd_igroup_t **v = realloc(ctx->igroups, (ctx->nigroups + 1) * sizeof(*v));
	if (!v)
		return NULL;
	ctx->igroups = v;
	ifd_igroup_t *ig = calloc(1, sizeof(*ig));
	if (!ig)
		return NULL;
	ig->refs = 1;
	ig->ctx = ctx;
	ig->group = g;
	ctx->igroups[ctx->nigroups++] = ig;
	return ig;
}

void ifd_igroup_put(ifd_igroup_t *ig)
{
	ifd_ctx_t *ctx = ig->ctx;

	if (--ig->refs)
		return;
	for (size_t i = 0; i < ctx->nigroups; i++) {
		if (ctx->igroups[i] == ig) {
			ctx->igroups[i] = ctx->igroups[--ctx->nigroups];
			break;
		}
	}
	for (size_t i = 0; i < ig->nattach; i++)
		free(ig->attach[i].devs);
	free(ig->attach);
	free(ig);
}

ifd_attach_t *ifd_igroup_attach(ifd_igroup_t *ig, uint32_t pasid)
{
	for (size_t i = 0; i < ig->nattach; i++)
		if (ig->attach[i].pasid == pasid)
			return &ig->attach[i];
	return NULL;
}

void ifd_ctx_get_stats(ifd_ctx_t *ctx, ifd_ctx_stats_t *st)
{
	memset(st, 0, sizeof(*st));
	if (!ctx)
		return;
	for (size_t id = 1; id < ctx->nslots; id++) {
		ifd_obj_t *obj = ctx->slots[id];
		if (!obj || obj == IFD_SLOT_RESERVED)
			continue;
		st->objects++;
		if ((unsigned)obj->type < 16)
			st->by_type[obj->type]++;
	}
	st->pinned_pages = ctx->pinned_pages;
}
