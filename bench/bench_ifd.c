/* SPDX-License-Identifier: MIT */
/*
 * Speed of the iommufd layer itself: IOAS_MAP + IOAS_UNMAP through the dispatcher into an
 * attached domain of a null driver (which only counts pages), for 64 KiB of 4 KiB pages and
 * for one 2 MiB huge page, and the ioctl path alone (IOAS_ALLOC + DESTROY).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench_util.h"
#include "host-shim/iommufd/ifd.h"
#include "host-shim/uapi/vfio_abi.h"

struct drv_iommu {
	uint64_t pages;
};

typedef struct null_domain {
	drv_domain_t dom;
} null_domain_t;

static int nd_attach(drv_domain_t *d, const pci_dev_t *dev, iommusim_error_t *err)
{
	(void)d;
	(void)dev;
	(void)err;
	return 0;
}

static int nd_map(drv_domain_t *d, uint64_t iova, uint64_t pa, uint64_t pgsize, uint64_t count,
		  unsigned prot, uint64_t *mapped, iommusim_error_t *err)
{
	(void)iova;
	(void)pa;
	(void)prot;
	(void)err;
	d->iommu->pages += count;
	*mapped = pgsize * count;
	return 0;
}

static uint64_t nd_unmap(drv_domain_t *d, uint64_t iova, uint64_t pgsize, uint64_t count,
			 drv_gather_t *g)
{
	d->iommu->pages -= count;
	drv_gather_add(g, iova, pgsize * count, pgsize);
	return pgsize * count;
}

static void nd_free(drv_domain_t *d)
{
	free(d);
}

static const drv_domain_ops_t nd_ops = {
	.attach_dev = nd_attach, .map_pages = nd_map, .unmap_pages = nd_unmap, .free = nd_free,
};

static uint32_t n_caps(drv_iommu_t *m, const pci_dev_t *dev)
{
	(void)m;
	(void)dev;
	return DRV_CAP_CACHE_COHERENCY;
}

static int n_probe(drv_iommu_t *m, const pci_dev_t *dev, iommusim_error_t *err)
{
	(void)m;
	(void)dev;
	(void)err;
	return 0;
}

static void n_release(drv_iommu_t *m, const pci_dev_t *dev)
{
	(void)m;
	(void)dev;
}

static int n_resv(drv_iommu_t *m, const pci_dev_t *dev, drv_resv_region_t *out, size_t max,
		  size_t *count, iommusim_error_t *err)
{
	(void)m;
	(void)dev;
	(void)out;
	(void)max;
	(void)err;
	*count = 0;
	return 0;
}

static int n_block(drv_iommu_t *m, const pci_dev_t *dev, iommusim_error_t *err)
{
	(void)m;
	(void)dev;
	(void)err;
	return 0;
}

static const drv_ops_t n_ops;

static int n_alloc(drv_iommu_t *m, const pci_dev_t *dev, uint32_t flags,
		   const drv_user_data_t *data, drv_domain_t **out, iommusim_error_t *err)
{
	(void)dev;
	(void)flags;
	(void)data;
	(void)err;
	null_domain_t *d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->dom = (drv_domain_t){.ops = &nd_ops, .iommu = m, .owner = &n_ops,
				.type = DRV_DOMAIN_PAGING, .pgsize_bitmap = 0x1000 | 0x200000,
				.aperture_end = UINT64_MAX};
	*out = &d->dom;
	return 0;
}

static const drv_ops_t n_ops = {
	.name = "null", .capabilities = n_caps, .probe_device = n_probe,
	.release_device = n_release, .get_resv_regions = n_resv, .attach_blocked = n_block,
	.attach_default = n_block, .domain_alloc_paging = n_alloc,
};

typedef struct bctx {
	ifd_sys_t *sys;
	int ifd;
	uint32_t ioas;
	uint64_t len;
} bctx_t;

static uint64_t map_unmap(void *arg, uint64_t n)
{
	bctx_t *b = arg;
	uint64_t acc = 0;
	long ret;
	for (uint64_t i = 0; i < n; i++) {
		struct uapi_iommu_ioas_map m = {.size = sizeof(m),
			.flags = UAPI_IOMMU_IOAS_MAP_FIXED_IOVA | UAPI_IOMMU_IOAS_MAP_READABLE |
				 UAPI_IOMMU_IOAS_MAP_WRITEABLE,
			.ioas_id = b->ioas, .user_va = 0x40000000, .length = b->len,
			.iova = 0x40000000};
		struct uapi_iommu_ioas_unmap u = {.size = sizeof(u), .ioas_id = b->ioas,
						  .iova = 0x40000000, .length = b->len};
		if (ifd_ioctl_fd(b->sys, b->ifd, UAPI_IOMMU_IOAS_MAP, &m, sizeof(m), &ret, NULL) ||
		    ifd_ioctl_fd(b->sys, b->ifd, UAPI_IOMMU_IOAS_UNMAP, &u, sizeof(u), &ret, NULL))
			abort();
		acc += u.length;
	}
	return acc;
}

static uint64_t alloc_destroy(void *arg, uint64_t n)
{
	bctx_t *b = arg;
	uint64_t acc = 0;
	long ret;
	for (uint64_t i = 0; i < n; i++) {
		struct uapi_iommu_ioas_alloc a = {.size = sizeof(a)};
		if (ifd_ioctl_fd(b->sys, b->ifd, UAPI_IOMMU_IOAS_ALLOC, &a, sizeof(a), &ret, NULL))
			abort();
		struct uapi_iommu_destroy d = {.size = sizeof(d), .id = a.out_ioas_id};
		if (ifd_ioctl_fd(b->sys, b->ifd, UAPI_IOMMU_DESTROY, &d, sizeof(d), &ret, NULL))
			abort();
		acc += a.out_ioas_id;
	}
	return acc;
}

int main(void)
{
	iommusim_mem_t *mem = iommusim_mem_create(48);
	ifd_sys_config_t c;
	iommusim_error_t err;
	struct drv_iommu null = {0};
	bctx_t b = {0};
	pci_dev_t *dev;
	int dfd;
	long ret;

	ifd_sys_config_default(&c, mem);
	if (ifd_sys_create(&c, &b.sys, &err) ||
	    ifd_sys_add_iommu(b.sys, &n_ops, &null, NULL, &err)) {
		fprintf(stderr, "setup: %s\n", err.msg);
		return 1;
	}
	pci_dev_desc_t d = {.bdf = {0, 3, 0, 0}, .group = -1};
	struct uapi_iommu_ioas_alloc a = {.size = sizeof(a)};
	if (ifd_sys_add_device(b.sys, &d, &dev, &err) ||
	    ifd_open(b.sys, "/dev/iommu", &b.ifd, &err) ||
	    ifd_ioctl_fd(b.sys, b.ifd, UAPI_IOMMU_IOAS_ALLOC, &a, sizeof(a), &ret, &err) ||
	    ifd_open_cdev(b.sys, dev, &dfd, &err)) {
		fprintf(stderr, "setup: %s\n", err.msg);
		return 1;
	}
	b.ioas = a.out_ioas_id;
	struct uapi_vfio_device_bind_iommufd bind = {.argsz = 16, .iommufd = b.ifd};
	struct uapi_vfio_device_attach_iommufd_pt at = {.argsz = 12, .pt_id = b.ioas};
	if (ifd_ioctl_fd(b.sys, dfd, UAPI_VFIO_DEVICE_BIND_IOMMUFD, &bind, sizeof(bind), &ret,
			 &err) ||
	    ifd_ioctl_fd(b.sys, dfd, UAPI_VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at, sizeof(at), &ret,
			 &err)) {
		fprintf(stderr, "setup: %s\n", err.msg);
		return 1;
	}
	b.len = 0x10000;
	bench_run("ifd_map_unmap_64k_4k_pages", map_unmap, &b, 200000.0);
	b.len = 0x200000;
	bench_run("ifd_map_unmap_2m_huge_page", map_unmap, &b, 50000.0);
	bench_run("ifd_ioas_alloc_destroy", alloc_destroy, &b, 1000000.0);
	ifd_sys_destroy(b.sys);
	iommusim_mem_destroy(mem);
	return 0;
}
