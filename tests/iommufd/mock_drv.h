/* SPDX-License-Identifier: MIT */
/*
 * A test-only IOMMU driver for the iommufd tests, and a fixture that builds a system with
 * it. The driver keeps each domain's mappings in a plain list (IOVA -> PA per page size),
 * counts every call, and records the state of each device (blocked, default, or which
 * domain) so that tests check what iommufd did to the "hardware" without a hardware model.
 * Its nested domains take IOMMU_HWPT_DATA_VTD_S1 and IOMMU_HWPT_INVALIDATE_DATA_VTD_S1 with
 * the VT-d driver's checks; its vIOMMU (type ARM_SMMUV3) exists when enabled.
 *
 * Everything is defined here (static), so each test program that includes this header
 * gets its own copy.
 */
#ifndef TESTS_IOMMUFD_MOCK_DRV_H
#define TESTS_IOMMUFD_MOCK_DRV_H

#include "tests/support/test.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/iommufd/ifd.h"
#include "host-shim/uapi/iommufd_abi.h"
#include "host-shim/uapi/vfio_abi.h"

#define MOCK_UNUSED __attribute__((unused))
#define MOCK_MAX_DEVS 16
#define MOCK_MSI_START 0xfee00000ull
#define MOCK_MSI_LEN   0x100000ull
#define MOCK_PGSIZES   (0x1000ull | 0x200000ull | 0x40000000ull)

typedef struct mock_map {
	uint64_t iova, pa, size;
	unsigned prot;
} mock_map_t;

typedef struct mock_domain {
	drv_domain_t dom;
	int serial;
	mock_map_t *maps;
	size_t nmaps;
	bool dirty_on;
	uint64_t dirty[64];          /* dirty page IOVAs */
	size_t ndirty;
	struct uapi_iommu_hwpt_vtd_s1 s1;   /* nested data */
	unsigned invalidations;
	unsigned attached;           /* RIDs and PASIDs using it */
	bool freed;
} mock_domain_t;

typedef struct mock_devstate {
	const pci_dev_t *dev;
	int state;                   /* MOCK_DEV_* */
	mock_domain_t *dom;          /* RID domain when attached */
	mock_domain_t *pasid_dom[8]; /* PASIDs 1..7 */
} mock_devstate_t;

enum { MOCK_DEV_NONE, MOCK_DEV_DEFAULT, MOCK_DEV_BLOCKED, MOCK_DEV_DOMAIN };

struct drv_iommu {
	const drv_env_t *env;
	uint32_t caps;
	bool nesting, viommu, pasid;
	unsigned max_pasid_log2;
	int serial;
	mock_devstate_t devs[MOCK_MAX_DEVS];
	size_t ndevs;
	/* calls */
	unsigned n_probe, n_release, n_attach, n_set_pasid, n_remove_pasid, n_blocked,
		 n_default, n_map, n_unmap, n_sync, n_alloc, n_free, n_resp, n_vdev_init,
		 n_vdev_destroy, n_viommu_free;
	drv_page_response_t last_resp;
	int fail_attach;             /* next attach_dev returns this (once) */
	int fail_alloc;              /* next domain_alloc_paging returns this (once) */
	int domains_live;
	drv_viommu_t *last_viommu;   /* the most recent vIOMMU (for reporting events) */
};

typedef struct mock_viommu {
	drv_viommu_t v;
	unsigned invalidations;
	unsigned vdevs;
	unsigned hwqs;
} mock_viommu_t;

static mock_devstate_t *mock_dev(drv_iommu_t *m, const pci_dev_t *dev)
{
	for (size_t i = 0; i < m->ndevs; i++)
		if (m->devs[i].dev == dev)
			return &m->devs[i];
	return NULL;
}

static uint32_t mock_caps(drv_iommu_t *m, const pci_dev_t *dev)
{
	(void)dev;
	return m->caps;
}

static int mock_hw_info(drv_iommu_t *m, const pci_dev_t *dev, uint32_t in_type,
			drv_hw_info_t *out, iommusim_error_t *err)
{
	(void)dev;
	if (in_type != UAPI_IOMMU_HW_INFO_TYPE_DEFAULT && in_type != UAPI_IOMMU_HW_INFO_TYPE_INTEL_VTD)
		return iommusim_error_set(err, -EOPNOTSUPP, "mock: hw_info type %u", in_type);
	struct uapi_iommu_hw_info_vtd v = {.flags = 0, .cap_reg = 0x1234, .ecap_reg = 0x5678};
	out->type = UAPI_IOMMU_HW_INFO_TYPE_INTEL_VTD;
	out->len = sizeof(v);
	memcpy(out->data, &v, sizeof(v));
	out->capabilities = UAPI_IOMMU_HW_CAP_PCI_PASID_EXEC;
	out->max_pasid_log2 = (uint8_t)(m->pasid ? m->max_pasid_log2 : 0);
	return 0;
}

static int mock_probe(drv_iommu_t *m, const pci_dev_t *dev, iommusim_error_t *err)
{
	if (m->ndevs == MOCK_MAX_DEVS)
		return iommusim_error_set(err, -ENOSPC, "mock: too many devices");
	m->devs[m->ndevs++] = (mock_devstate_t){.dev = dev, .state = MOCK_DEV_DEFAULT};
	m->n_probe++;
	return 0;
}

static void mock_release(drv_iommu_t *m, const pci_dev_t *dev)
{
	mock_devstate_t *d = mock_dev(m, dev);
	if (d)
		d->state = MOCK_DEV_NONE;
	m->n_release++;
}

static int mock_resv(drv_iommu_t *m, const pci_dev_t *dev, drv_resv_region_t *out, size_t max,
		     size_t *count, iommusim_error_t *err)
{
	(void)m;
	(void)dev;
	(void)err;
	*count = 0;
	if (max) {
		out[0] = (drv_resv_region_t){MOCK_MSI_START, MOCK_MSI_LEN, DRV_RESV_MSI};
		*count = 1;
	}
	return 0;
}

static void mock_unuse(mock_devstate_t *d)
{
	if (d->state == MOCK_DEV_DOMAIN && d->dom)
		d->dom->attached--;
	d->dom = NULL;
}

static int mock_attach_default(drv_iommu_t *m, const pci_dev_t *dev, iommusim_error_t *err)
{
	(void)err;
	mock_devstate_t *d = mock_dev(m, dev);
	mock_unuse(d);
	d->state = MOCK_DEV_DEFAULT;
	m->n_default++;
	return 0;
}

static int mock_attach_blocked(drv_iommu_t *m, const pci_dev_t *dev, iommusim_error_t *err)
{
	(void)err;
	mock_devstate_t *d = mock_dev(m, dev);
	mock_unuse(d);
	d->state = MOCK_DEV_BLOCKED;
	m->n_blocked++;
	return 0;
}

static void mock_remove_pasid(drv_iommu_t *m, const pci_dev_t *dev, uint32_t pasid,
			      drv_domain_t *dom)
{
	(void)dom;
	mock_devstate_t *d = mock_dev(m, dev);
	if (pasid < 8 && d->pasid_dom[pasid]) {
		d->pasid_dom[pasid]->attached--;
		d->pasid_dom[pasid] = NULL;
	}
	m->n_remove_pasid++;
}

/* ---- domain ops ---- */

static int mock_dom_attach(drv_domain_t *dd, const pci_dev_t *dev, iommusim_error_t *err)
{
	mock_domain_t *md = (mock_domain_t *)dd;
	drv_iommu_t *m = dd->iommu;
	mock_devstate_t *d = mock_dev(m, dev);
	if (!d)
		return iommusim_error_set(err, -EINVAL, "mock: device %s is not behind this IOMMU",
					  dev->name);
	if (m->fail_attach) {
		int rc = m->fail_attach;
		m->fail_attach = 0;
		return iommusim_error_set(err, rc, "mock: attach failure injected");
	}
	mock_unuse(d);
	d->state = MOCK_DEV_DOMAIN;
	d->dom = md;
	md->attached++;
	m->n_attach++;
	return 0;
}

static int mock_dom_set_pasid(drv_domain_t *dd, const pci_dev_t *dev, uint32_t pasid,
			      drv_domain_t *old, iommusim_error_t *err)
{
	(void)old;
	mock_devstate_t *d = mock_dev(dd->iommu, dev);
	if (pasid >= 8)
		return iommusim_error_set(err, -EINVAL, "mock: PASID %u too large", pasid);
	if (d->pasid_dom[pasid])
		d->pasid_dom[pasid]->attached--;
	d->pasid_dom[pasid] = (mock_domain_t *)dd;
	((mock_domain_t *)dd)->attached++;
	dd->iommu->n_set_pasid++;
	return 0;
}

static int mock_dom_map(drv_domain_t *dd, uint64_t iova, uint64_t pa, uint64_t pgsize,
			uint64_t pgcount, unsigned prot, uint64_t *mapped, iommusim_error_t *err)
{
	mock_domain_t *md = (mock_domain_t *)dd;
	*mapped = 0;
	if (!(dd->pgsize_bitmap & pgsize) || (iova & (pgsize - 1)) || (pa & (pgsize - 1)))
		return iommusim_error_set(err, -EINVAL, "mock: bad page size/alignment");
	for (uint64_t i = 0; i < pgcount; i++) {
		uint64_t va = iova + i * pgsize;
		for (size_t k = 0; k < md->nmaps; k++)
			if (md->maps[k].iova < va + pgsize && va < md->maps[k].iova + md->maps[k].size)
				return iommusim_error_set(err, -EEXIST, "mock: 0x%llx already mapped",
							  (unsigned long long)va);
		mock_map_t *v = realloc(md->maps, (md->nmaps + 1) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		md->maps = v;
		md->maps[md->nmaps++] = (mock_map_t){va, pa + i * pgsize, pgsize, prot};
		*mapped += pgsize;
	}
	dd->iommu->n_map++;
	return 0;
}

static uint64_t mock_dom_unmap(drv_domain_t *dd, uint64_t iova, uint64_t pgsize,
			       uint64_t pgcount, drv_gather_t *g)
{
	mock_domain_t *md = (mock_domain_t *)dd;
	uint64_t end = iova + pgsize * pgcount, done = 0;
	for (size_t k = 0; k < md->nmaps;) {
		if (md->maps[k].iova >= iova && md->maps[k].iova < end) {
			done += md->maps[k].size;
			md->maps[k] = md->maps[--md->nmaps];
			continue;
		}
		k++;
	}
	drv_gather_add(g, iova, done, pgsize);
	dd->iommu->n_unmap++;
	return done;
}

static void mock_dom_sync(drv_domain_t *dd, drv_gather_t *g)
{
	(void)g;
	dd->iommu->n_sync++;
}

static int mock_dom_iova_to_phys(drv_domain_t *dd, uint64_t iova, uint64_t *pa)
{
	mock_domain_t *md = (mock_domain_t *)dd;
	for (size_t k = 0; k < md->nmaps; k++)
		if (iova >= md->maps[k].iova && iova < md->maps[k].iova + md->maps[k].size) {
			*pa = md->maps[k].pa + (iova - md->maps[k].iova);
			return 0;
		}
	return -ENOENT;
}

static int mock_dom_set_dirty(drv_domain_t *dd, bool enable, iommusim_error_t *err)
{
	(void)err;
	((mock_domain_t *)dd)->dirty_on = enable;
	return 0;
}

static int mock_dom_read_dirty(drv_domain_t *dd, uint64_t iova, uint64_t size, unsigned flags,
			       drv_dirty_t *dirty, iommusim_error_t *err)
{
	(void)err;
	mock_domain_t *md = (mock_domain_t *)dd;
	for (size_t i = 0; i < md->ndirty;) {
		uint64_t a = md->dirty[i];
		if (a >= iova && a < iova + size) {
			drv_dirty_record(dirty, a, 0x1000);
			if (!(flags & DRV_DIRTY_NO_CLEAR)) {
				md->dirty[i] = md->dirty[--md->ndirty];
				continue;
			}
		}
		i++;
	}
	return 0;
}

/* The VT-d driver's checks on VTD_S1 invalidation entries. */
static int mock_dom_inv_user(drv_domain_t *dd, drv_user_array_t *a, iommusim_error_t *err)
{
	mock_domain_t *md = (mock_domain_t *)dd;
	uint32_t i;
	int rc = 0;

	if (a->type != UAPI_IOMMU_HWPT_INVALIDATE_DATA_VTD_S1) {
		a->entry_num = 0;
		return iommusim_error_set(err, -EINVAL, "mock: invalidation type %u", a->type);
	}
	for (i = 0; i < a->entry_num; i++) {
		struct uapi_iommu_hwpt_vtd_s1_invalidate e;
		rc = drv_user_array_copy_entry(a, i, UAPI_IOMMU_HWPT_INVALIDATE_DATA_VTD_S1, &e,
					       sizeof(e), sizeof(e), err);
		if (rc)
			break;
		if ((e.flags & ~UAPI_IOMMU_VTD_INV_FLAGS_LEAF) || e.reserved) {
			rc = iommusim_error_set(err, -EOPNOTSUPP, "mock: entry %u flags", i);
			break;
		}
		if ((e.addr & 0xfff) || (e.npages == UINT64_MAX && e.addr)) {
			rc = iommusim_error_set(err, -EINVAL, "mock: entry %u address", i);
			break;
		}
		md->invalidations++;
	}
	a->entry_num = i;
	return rc;
}

static void mock_dom_free(drv_domain_t *dd)
{
	mock_domain_t *md = (mock_domain_t *)dd;
	dd->iommu->n_free++;
	dd->iommu->domains_live--;
	free(md->maps);
	free(md);
}

static const drv_domain_ops_t mock_paging_ops = {
	.attach_dev = mock_dom_attach,
	.set_dev_pasid = mock_dom_set_pasid,
	.map_pages = mock_dom_map,
	.unmap_pages = mock_dom_unmap,
	.iotlb_sync = mock_dom_sync,
	.iova_to_phys = mock_dom_iova_to_phys,
	.set_dirty_tracking = mock_dom_set_dirty,
	.read_and_clear_dirty = mock_dom_read_dirty,
	.free = mock_dom_free,
};

static const drv_domain_ops_t mock_paging_nodirty_ops = {
	.attach_dev = mock_dom_attach,
	.set_dev_pasid = mock_dom_set_pasid,
	.map_pages = mock_dom_map,
	.unmap_pages = mock_dom_unmap,
	.iotlb_sync = mock_dom_sync,
	.iova_to_phys = mock_dom_iova_to_phys,
	.free = mock_dom_free,
};

static const drv_domain_ops_t mock_nested_ops = {
	.attach_dev = mock_dom_attach,
	.set_dev_pasid = mock_dom_set_pasid,
	.cache_invalidate_user = mock_dom_inv_user,
	.free = mock_dom_free,
};


static mock_domain_t *mock_new_domain(drv_iommu_t *m, const drv_domain_ops_t *ops,
				      drv_domain_type_t type, const drv_ops_t *owner)
{
	mock_domain_t *md = calloc(1, sizeof(*md));
	if (!md)
		return NULL;
	md->dom.ops = ops;
	md->dom.iommu = m;
	md->dom.owner = owner;
	md->dom.type = type;
	md->dom.pgsize_bitmap = MOCK_PGSIZES;
	md->dom.aperture_start = 0;
	md->dom.aperture_end = (1ull << 48) - 1;
	md->serial = ++m->serial;
	m->domains_live++;
	m->n_alloc++;
	return md;
}

static const drv_ops_t *mock_self_ops(void);

static int mock_alloc_paging(drv_iommu_t *m, const pci_dev_t *dev, uint32_t flags,
			     const drv_user_data_t *data, drv_domain_t **out, iommusim_error_t *err)
{
	(void)dev;
	if (m->fail_alloc) {
		int rc = m->fail_alloc;
		m->fail_alloc = 0;
		return iommusim_error_set(err, rc, "mock: alloc failure injected");
	}
	if (data)
		return iommusim_error_set(err, -EOPNOTSUPP, "mock: paging data type %u", data->type);
	if ((flags & DRV_ALLOC_NEST_PARENT) && !m->nesting)
		return iommusim_error_set(err, -EOPNOTSUPP, "mock: no nesting");
	if ((flags & DRV_ALLOC_PASID) && !m->pasid)
		return iommusim_error_set(err, -EOPNOTSUPP, "mock: no PASID");
	mock_domain_t *md = mock_new_domain(m, (flags & DRV_ALLOC_DIRTY_TRACKING)
					       ? &mock_paging_ops : &mock_paging_nodirty_ops,
					    DRV_DOMAIN_PAGING, mock_self_ops());
	if (!md)
		return -ENOMEM;
	*out = &md->dom;
	return 0;
}

static int mock_alloc_nested(drv_iommu_t *m, const pci_dev_t *dev, drv_domain_t *parent,
			     uint32_t flags, const drv_user_data_t *data, drv_domain_t **out,
			     iommusim_error_t *err)
{
	(void)dev;
	(void)flags;
	struct uapi_iommu_hwpt_vtd_s1 s1;
	int rc = drv_user_data_copy(data, UAPI_IOMMU_HWPT_DATA_VTD_S1, &s1, sizeof(s1),
				    sizeof(s1), err);
	if (rc)
		return rc;
	if (s1.flags & ~(UAPI_IOMMU_VTD_S1_SRE | UAPI_IOMMU_VTD_S1_EAFE | UAPI_IOMMU_VTD_S1_WPE))
		return iommusim_error_set(err, -EOPNOTSUPP, "mock: s1 flags");
	if (s1.addr_width != 48 && s1.addr_width != 57)
		return iommusim_error_set(err, -EINVAL, "mock: addr_width %u", s1.addr_width);
	mock_domain_t *md = mock_new_domain(m, &mock_nested_ops, DRV_DOMAIN_NESTED,
					    mock_self_ops());
	if (!md)
		return -ENOMEM;
	md->s1 = s1;
	md->dom.parent = parent;
	*out = &md->dom;
	return 0;
}

/* ---- vIOMMU ---- */

static void mock_viommu_free(drv_viommu_t *v)
{
	v->iommu->n_viommu_free++;
	if (v->iommu->last_viommu == v)
		v->iommu->last_viommu = NULL;
	free(v);
}

static int mock_viommu_nested(drv_viommu_t *v, uint32_t flags, const drv_user_data_t *data,
			      drv_domain_t **out, iommusim_error_t *err)
{
	(void)flags;
	struct uapi_iommu_hwpt_arm_smmuv3 ste;
	int rc = drv_user_data_copy(data, UAPI_IOMMU_HWPT_DATA_ARM_SMMUV3, &ste, sizeof(ste),
				    sizeof(ste), err);
	if (rc)
		return rc;
	mock_domain_t *md = mock_new_domain(v->iommu, &mock_nested_ops, DRV_DOMAIN_NESTED,
					    mock_self_ops());
	if (!md)
		return -ENOMEM;
	md->dom.parent = v->parent;
	*out = &md->dom;
	return 0;
}

static int mock_viommu_inv(drv_viommu_t *v, drv_user_array_t *a, iommusim_error_t *err)
{
	uint32_t i;
	int rc = 0;
	for (i = 0; i < a->entry_num; i++) {
		struct uapi_iommu_viommu_arm_smmuv3_invalidate c;
		rc = drv_user_array_copy_entry(a, i, UAPI_IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3,
					       &c, sizeof(c), sizeof(c), err);
		if (rc)
			break;
		((mock_viommu_t *)v)->invalidations++;
	}
	a->entry_num = i;
	return rc;
}

static int mock_vdev_init(drv_viommu_t *v, const pci_dev_t *dev, uint64_t virt_id,
			  iommusim_error_t *err)
{
	(void)dev;
	(void)virt_id;
	(void)err;
	((mock_viommu_t *)v)->vdevs++;
	v->iommu->n_vdev_init++;
	return 0;
}

static void mock_vdev_destroy(drv_viommu_t *v, const pci_dev_t *dev, uint64_t virt_id)
{
	(void)dev;
	(void)virt_id;
	((mock_viommu_t *)v)->vdevs--;
	v->iommu->n_vdev_destroy++;
}

static int mock_hwq_init(drv_viommu_t *v, uint32_t type, uint32_t index, uint64_t iova,
			 uint64_t pa, uint64_t length, iommusim_error_t *err)
{
	(void)index;
	(void)iova;
	(void)pa;
	if (type != UAPI_IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV)
		return iommusim_error_set(err, -EOPNOTSUPP, "mock: hw queue type %u", type);
	if (length & (length - 1))
		return iommusim_error_set(err, -EINVAL, "mock: length not a power of two");
	((mock_viommu_t *)v)->hwqs++;
	return 0;
}

static void mock_hwq_destroy(drv_viommu_t *v, uint32_t type, uint32_t index)
{
	(void)type;
	(void)index;
	((mock_viommu_t *)v)->hwqs--;
}

static const drv_viommu_ops_t mock_viommu_ops = {
	.free = mock_viommu_free,
	.alloc_domain_nested = mock_viommu_nested,
	.cache_invalidate = mock_viommu_inv,
	.vdevice_init = mock_vdev_init,
	.vdevice_destroy = mock_vdev_destroy,
	.hw_queue_init = mock_hwq_init,
	.hw_queue_destroy = mock_hwq_destroy,
};

static int mock_viommu_alloc(drv_iommu_t *m, const pci_dev_t *dev, drv_domain_t *parent,
			     uint32_t type, const drv_user_data_t *data, drv_viommu_t **out,
			     iommusim_error_t *err)
{
	(void)dev;
	(void)data;
	if (!m->viommu || type != UAPI_IOMMU_VIOMMU_TYPE_ARM_SMMUV3)
		return iommusim_error_set(err, -EOPNOTSUPP, "mock: no vIOMMU of type %u", type);
	mock_viommu_t *v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->v.ops = &mock_viommu_ops;
	v->v.iommu = m;
	v->v.type = type;
	v->v.parent = parent;
	m->last_viommu = &v->v;
	*out = &v->v;
	return 0;
}

static int mock_page_response(drv_iommu_t *m, const pci_dev_t *dev,
			      const drv_page_response_t *r, iommusim_error_t *err)
{
	(void)dev;
	(void)err;
	m->last_resp = *r;
	m->n_resp++;
	return 0;
}

static const drv_ops_t mock_ops = {
	.name = "mock",
	.capabilities = mock_caps,
	.hw_info = mock_hw_info,
	.probe_device = mock_probe,
	.release_device = mock_release,
	.get_resv_regions = mock_resv,
	.attach_default = mock_attach_default,
	.attach_blocked = mock_attach_blocked,
	.remove_dev_pasid = mock_remove_pasid,
	.domain_alloc_paging = mock_alloc_paging,
	.domain_alloc_nested = mock_alloc_nested,
	.viommu_alloc = mock_viommu_alloc,
	.page_response = mock_page_response,
};

static const drv_ops_t *mock_self_ops(void)
{
	return &mock_ops;
}

/* ---- fixture ---- */

typedef struct fx {
	iommusim_mem_t *mem;
	ifd_sys_t *sys;
	drv_iommu_t mock;
	ifd_mm_t *mm;
	pci_dev_t *dev[4];
	int ifd;                     /* an open /dev/iommu */
	int dfd[4];                  /* cdev fds, -1 if not opened */
	uint32_t devid[4];
	iommusim_error_t err;
} fx_t;

/* A system with the mock IOMMU and ndevs devices 0000:0b:00.N, each in its own group
 * unless same_group; the mock offers dirty tracking, nesting, PASID and a vIOMMU. */
static MOCK_UNUSED void fx_init(fx_t *f, unsigned ndevs, bool same_group, uint64_t memlock)
{
	ifd_sys_config_t c;
	memset(f, 0, sizeof(*f));
	f->mem = iommusim_mem_create(48);
	assert_non_null(f->mem);
	ifd_sys_config_default(&c, f->mem);
	c.memlock_limit = memlock;
	assert_int_equal(ifd_sys_create(&c, &f->sys, &f->err), 0);
	f->mock.caps = DRV_CAP_CACHE_COHERENCY | DRV_CAP_DIRTY_TRACKING;
	f->mock.nesting = f->mock.viommu = f->mock.pasid = true;
	f->mock.max_pasid_log2 = 20;
	f->mock.env = ifd_sys_driver_env(f->sys);
	unsigned idx;
	assert_int_equal(ifd_sys_add_iommu(f->sys, &mock_ops, &f->mock, &idx, &f->err), 0);
	for (unsigned i = 0; i < ndevs && i < 4; i++) {
		pci_dev_desc_t d = {.bdf = {0, 0x0b, 0, (uint8_t)i}, .iommu = idx, .ats = true,
				    .pri = true, .pasid_bits = 3, .group = same_group ? 7 : -1};
		assert_int_equal(ifd_sys_add_device(f->sys, &d, &f->dev[i], &f->err), 0);
		f->dfd[i] = -1;
	}
	f->mm = ifd_sys_mm(f->sys);
	assert_int_equal(ifd_open(f->sys, "/dev/iommu", &f->ifd, &f->err), 0);
}

static MOCK_UNUSED void fx_fini(fx_t *f)
{
	ifd_sys_stats_t st;
	ifd_sys_destroy(f->sys);
	iommusim_mem_destroy(f->mem);
	(void)st;
}

/* ioctl on an fd of the fixture's system; returns the errno-style result. */
static MOCK_UNUSED int fx_ioctl(fx_t *f, int fd, uint32_t req, void *arg, size_t len)
{
	long ret;
	return ifd_ioctl_fd(f->sys, fd, req, arg, len, &ret, &f->err);
}

static MOCK_UNUSED int fx_ioas(fx_t *f, uint32_t *id)
{
	struct uapi_iommu_ioas_alloc a = {.size = sizeof(a)};
	int rc = fx_ioctl(f, f->ifd, UAPI_IOMMU_IOAS_ALLOC, &a, sizeof(a));
	*id = a.out_ioas_id;
	return rc;
}

static MOCK_UNUSED int fx_map(fx_t *f, uint32_t ioas, uint32_t flags, uint64_t uva, uint64_t len,
			      uint64_t *iova)
{
	struct uapi_iommu_ioas_map m = {.size = sizeof(m), .flags = flags, .ioas_id = ioas,
					.user_va = uva, .length = len, .iova = *iova};
	int rc = fx_ioctl(f, f->ifd, UAPI_IOMMU_IOAS_MAP, &m, sizeof(m));
	*iova = m.iova;
	return rc;
}

static MOCK_UNUSED int fx_map_fixed(fx_t *f, uint32_t ioas, uint64_t uva, uint64_t len,
				    uint64_t iova)
{
	return fx_map(f, ioas, UAPI_IOMMU_IOAS_MAP_FIXED_IOVA | UAPI_IOMMU_IOAS_MAP_READABLE |
			       UAPI_IOMMU_IOAS_MAP_WRITEABLE, uva, len, &iova);
}

static MOCK_UNUSED int fx_unmap(fx_t *f, uint32_t ioas, uint64_t iova, uint64_t len,
				uint64_t *out_len)
{
	struct uapi_iommu_ioas_unmap u = {.size = sizeof(u), .ioas_id = ioas, .iova = iova,
					  .length = len};
	int rc = fx_ioctl(f, f->ifd, UAPI_IOMMU_IOAS_UNMAP, &u, sizeof(u));
	if (out_len)
		*out_len = u.length;
	return rc;
}

static MOCK_UNUSED int fx_destroy(fx_t *f, uint32_t id)
{
	struct uapi_iommu_destroy d = {.size = sizeof(d), .id = id};
	return fx_ioctl(f, f->ifd, UAPI_IOMMU_DESTROY, &d, sizeof(d));
}

/* Opens device i's cdev and binds it to iommufd fd ifd. */
static MOCK_UNUSED int fx_bind_to(fx_t *f, unsigned i, int ifd)
{
	int rc;
	if (f->dfd[i] < 0 && (rc = ifd_open_cdev(f->sys, f->dev[i], &f->dfd[i], &f->err)))
		return rc;
	struct uapi_vfio_device_bind_iommufd b = {.argsz = 16, .iommufd = ifd};
	rc = fx_ioctl(f, f->dfd[i], UAPI_VFIO_DEVICE_BIND_IOMMUFD, &b, sizeof(b));
	if (!rc)
		f->devid[i] = b.out_devid;
	return rc;
}

static MOCK_UNUSED int fx_bind(fx_t *f, unsigned i)
{
	return fx_bind_to(f, i, f->ifd);
}

static MOCK_UNUSED int fx_attach(fx_t *f, unsigned i, uint32_t *pt)
{
	struct uapi_vfio_device_attach_iommufd_pt a = {.argsz = 12, .pt_id = *pt};
	int rc = fx_ioctl(f, f->dfd[i], UAPI_VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a, sizeof(a));
	*pt = a.pt_id;
	return rc;
}

static MOCK_UNUSED int fx_attach_pasid(fx_t *f, unsigned i, uint32_t pasid, uint32_t *pt)
{
	struct uapi_vfio_device_attach_iommufd_pt a = {.argsz = 16, .pt_id = *pt,
		.flags = UAPI_VFIO_DEVICE_ATTACH_PASID, .pasid = pasid};
	int rc = fx_ioctl(f, f->dfd[i], UAPI_VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a, sizeof(a));
	*pt = a.pt_id;
	return rc;
}

static MOCK_UNUSED int fx_detach(fx_t *f, unsigned i)
{
	struct uapi_vfio_device_detach_iommufd_pt d = {.argsz = 8};
	return fx_ioctl(f, f->dfd[i], UAPI_VFIO_DEVICE_DETACH_IOMMUFD_PT, &d, sizeof(d));
}

static MOCK_UNUSED int fx_hwpt_alloc(fx_t *f, uint32_t dev, uint32_t pt, uint32_t flags,
				     uint32_t type, const void *data, uint32_t dlen,
				     uint32_t fault_id, uint32_t *out)
{
	uint64_t uptr = 0;
	if (dlen) {
		uptr = ifd_mm_scratch(f->mm, dlen);
		assert_int_equal(ifd_mm_write(f->mm, uptr, data, dlen), 0);
	}
	struct uapi_iommu_hwpt_alloc a = {.size = sizeof(a), .flags = flags, .dev_id = dev,
		.pt_id = pt, .data_type = type, .data_len = dlen, .data_uptr = uptr,
		.fault_id = fault_id};
	int rc = fx_ioctl(f, f->ifd, UAPI_IOMMU_HWPT_ALLOC, &a, sizeof(a));
	if (out)
		*out = a.out_hwpt_id;
	return rc;
}

static MOCK_UNUSED int fx_nested(fx_t *f, uint32_t dev, uint32_t parent, uint32_t *out)
{
	struct uapi_iommu_hwpt_vtd_s1 s1 = {.flags = UAPI_IOMMU_VTD_S1_SRE,
					    .pgtbl_addr = 0x100000, .addr_width = 48};
	return fx_hwpt_alloc(f, dev, parent, 0, UAPI_IOMMU_HWPT_DATA_VTD_S1, &s1, sizeof(s1), 0,
			     out);
}

static MOCK_UNUSED mock_devstate_t *fx_state(fx_t *f, unsigned i)
{
	return mock_dev(&f->mock, f->dev[i]);
}

static MOCK_UNUSED size_t fx_contexts(fx_t *f)
{
	ifd_sys_stats_t st;
	ifd_sys_get_stats(f->sys, &st);
	return st.contexts;
}

#endif
