/* SPDX-License-Identifier: MIT */
/*
 * Test bench for the VT-d driver (tests/drivers/test_vtd_drv_*.c): a real system (memory,
 * scheduler, stats, the VT-d model "vtd0", endpoints) with the driver on top, driven through
 * its ops directly, as the iommufd layer would.
 *
 * Frames for the driver's tables come from a simple allocator at FX_FRAME_BASE that counts
 * what is live (so a test can check that everything was given back); data pages the tests
 * map live at FX_DATA_BASE. Page requests the driver reports are captured in fx->pf.
 *
 * Expected values in the tests come from the specification (register fields, descriptor
 * counts worked out by hand from the Linux behaviour each test names), never from the code
 * under test.
 */
#ifndef TESTS_DRIVERS_VTD_DRV_FIXTURE_H
#define TESTS_DRIVERS_VTD_DRV_FIXTURE_H

#include "tests/support/test.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/drivers/driver.h"
#include "host-shim/drivers/vtd/vtd_drv.h"
#include "host-shim/iommufd/ifd.h"
#include "iommusim/endpoint.h"
#include "iommusim/system.h"
#include "iommusim/vtd.h"

#define FX_FRAME_BASE 0x100000000ull     /* 4 GiB: driver table frames */
#define FX_DATA_BASE  0x400000000ull     /* 16 GiB: pages the tests map */
#define FX_MAX_DEVS   4
#define FX_MAX_PF     32

/* Parameters of a VT-d without scalable mode (and so without the features that need it). */
#define FX_NO_SM_HW "vtd.smts=0", "vtd.flts=0", "vtd.slts=0", "vtd.nest=0", "vtd.pasid=0", \
	"vtd.prs=0", "vtd.pds=0", "vtd.ers=0", "vtd.srs=0", "vtd.eafs=0", "vtd.slads=0",    \
	"vtd.smpwcs=0", "vtd.rps=0", "vtd.rprivs=0", "vtd.fl1gp=0"

#define SZ_4K (1ull << 12)
#define SZ_2M (1ull << 21)
#define SZ_1G (1ull << 30)

typedef struct fx {
	iommusim_params_t *ps;
	iommusim_system_t *sys;
	iommusim_model_t *hw;
	iommusim_sched_t *sched;
	iommusim_mem_t *mem;
	iommusim_stats_t *stats;
	drv_env_t env;
	drv_instance_t inst;
	const drv_ops_t *ops;
	drv_iommu_t *iommu;
	/* frames */
	uint64_t next_frame;
	uint64_t *freed;
	size_t nfreed, capfreed;
	long live;
	/* devices */
	pci_dev_t devs[FX_MAX_DEVS];
	iommusim_endpoint_t *eps[FX_MAX_DEVS];
	unsigned ndevs;
	/* page requests reported */
	drv_page_fault_t pf[FX_MAX_PF];
	const pci_dev_t *pf_dev[FX_MAX_PF];
	unsigned npf;
	/* DMAs completed later (page requests) */
	iommusim_dma_result_t late[8];
	unsigned nlate;
	/* a simulated process for user data (nested HWPT data, invalidation arrays) */
	ifd_sys_t *usys;
	iommusim_error_t err;
} fx_t;

static inline int fx_alloc_frame(void *ctx, uint64_t *pa)
{
	fx_t *f = ctx;

	if (f->nfreed)
		*pa = f->freed[--f->nfreed];
	else {
		*pa = f->next_frame;
		f->next_frame += SZ_4K;
	}
	if (iommusim_mem_fill(f->mem, *pa, 0, SZ_4K))
		return -ENOMEM;
	f->live++;
	return 0;
}

static inline void fx_free_frame(void *ctx, uint64_t pa)
{
	fx_t *f = ctx;

	if (f->nfreed == f->capfreed) {
		f->capfreed = f->capfreed ? f->capfreed * 2 : 64;
		f->freed = realloc(f->freed, f->capfreed * sizeof(*f->freed));
		assert_non_null(f->freed);
	}
	f->freed[f->nfreed++] = pa;
	f->live--;
}

static inline void fx_report_fault(void *ctx, drv_iommu_t *iommu, const pci_dev_t *dev,
				   const drv_page_fault_t *pf)
{
	fx_t *f = ctx;

	(void)iommu;
	if (f->npf < FX_MAX_PF) {
		f->pf[f->npf] = *pf;
		f->pf_dev[f->npf] = dev;
	}
	f->npf++;
}

static inline void fx_dma_done(void *ctx, const iommusim_dma_result_t *res)
{
	fx_t *f = ctx;

	if (f->nlate < 8)
		f->late[f->nlate++] = *res;
}

/* Sets "key=value" overrides (NULL-terminated list), then builds the system and the driver.
 * Returns the driver's create result (the system must build). */
static inline int fx_init_rc(fx_t *f, const char *const *kv)
{
	memset(f, 0, sizeof(*f));
	f->ps = iommusim_params_create_all();
	assert_non_null(f->ps);
	assert_int_equal(iommusim_params_add(f->ps, &vtd_drv_component, NULL), 0);
	for (; kv && *kv; kv++) {
		int rc = iommusim_params_set_kv(f->ps, *kv, &f->err);

		if (rc)
			fail_msg("parameter %s: %s", *kv, f->err.msg);
	}
	f->sys = iommusim_system_create(f->ps, &f->err);
	assert_non_null(f->sys);
	if (iommusim_system_add_iommu(f->sys, "vtd", "vtd0", f->ps, &f->err) != 0)
		fail_msg("add_iommu: %s", f->err.msg);
	f->hw = iommusim_system_iommu(f->sys, 0);
	f->sched = iommusim_system_sched(f->sys);
	f->mem = iommusim_system_mem(f->sys);
	f->stats = iommusim_system_stats(f->sys);
	f->next_frame = FX_FRAME_BASE;
	f->env.mem = f->mem;
	f->env.ctx = f;
	f->env.alloc_frame = fx_alloc_frame;
	f->env.free_frame = fx_free_frame;
	f->env.report_fault = fx_report_fault;
	return vtd_drv_create_stats(&f->env, f->hw, f->sched, f->stats, "vtd", f->ps, &f->inst,
				    &f->err);
}

static inline void fx_init(fx_t *f, const char *const *kv)
{
	int rc = fx_init_rc(f, kv);

	if (rc)
		fail_msg("vtd_drv_create: %d %s", rc, f->err.msg);
	f->ops = f->inst.ops;
	f->iommu = f->inst.iommu;
}

static inline void fx_fini(fx_t *f)
{
	vtd_drv_destroy(&f->inst);
	if (f->usys)
		ifd_sys_destroy(f->usys);
	iommusim_system_destroy(f->sys);
	iommusim_params_destroy(f->ps);
	free(f->freed);
}

/* The simulated process (created on first use; its frames at 32 GiB). */
static inline ifd_mm_t *fx_mm(fx_t *f)
{
	if (!f->usys) {
		ifd_sys_config_t c;

		ifd_sys_config_default(&c, f->mem);
		c.frame_base = 0x800000000ull;
		c.frame_size = 1ull << 30;
		if (ifd_sys_create(&c, &f->usys, &f->err))
			fail_msg("ifd_sys_create: %s", f->err.msg);
	}
	return ifd_sys_mm(f->usys);
}

/* Copies len bytes into the process; returns their user address. */
static inline uint64_t fx_user(fx_t *f, const void *data, size_t len)
{
	ifd_mm_t *mm = fx_mm(f);
	uint64_t va = ifd_mm_scratch(mm, len ? len : 1);

	assert_int_not_equal(va, 0);
	assert_int_equal(ifd_mm_write(mm, va, data, len), 0);
	return va;
}

/* A device at 00:dev.0 with an endpoint behind vtd0, probed by the driver. */
static inline pci_dev_t *fx_dev(fx_t *f, unsigned devno, bool ats, bool pri, unsigned pasid_bits)
{
	pci_dev_t *d = &f->devs[f->ndevs];
	iommusim_endpoint_cfg_t cfg;

	assert_true(f->ndevs < FX_MAX_DEVS);
	memset(d, 0, sizeof(*d));
	d->bdf.bus = 0;
	d->bdf.dev = (uint8_t)devno;
	d->bdf.fn = 0;
	d->rid = (uint16_t)(devno << 3);
	snprintf(d->name, sizeof(d->name), "0000:00:%02x.0", devno);
	d->ats = ats;
	d->pri = pri;
	d->pasid_bits = pasid_bits;
	d->index = f->ndevs;

	iommusim_endpoint_cfg_default(&cfg);
	iommusim_endpoint_cfg_from_params(&cfg, f->ps);   /* endpoint.* overrides */
	cfg.rid = d->rid;
	cfg.ats = ats;
	cfg.pri = pri;
	cfg.pasid_bits = pasid_bits;
	f->eps[f->ndevs] = iommusim_system_add_endpoint(f->sys, 0, &cfg, d->name, &f->err);
	if (!f->eps[f->ndevs])
		fail_msg("endpoint: %s", f->err.msg);
	iommusim_endpoint_on_complete(f->eps[f->ndevs], fx_dma_done, f);
	if (f->ops->probe_device(f->iommu, d, &f->err))
		fail_msg("probe: %s", f->err.msg);
	f->ndevs++;
	return d;
}

static inline iommusim_endpoint_t *fx_ep(fx_t *f, const pci_dev_t *d)
{
	return f->eps[d->index];
}

static inline drv_domain_t *fx_paging(fx_t *f, const pci_dev_t *d, uint32_t flags)
{
	drv_domain_t *dom = NULL;

	if (f->ops->domain_alloc_paging(f->iommu, d, flags, NULL, &dom, &f->err))
		fail_msg("domain_alloc_paging: %s", f->err.msg);
	return dom;
}

static inline void fx_attach(fx_t *f, drv_domain_t *dom, const pci_dev_t *d)
{
	if (dom->ops->attach_dev(dom, d, &f->err))
		fail_msg("attach_dev: %s", f->err.msg);
}

static inline void fx_map(fx_t *f, drv_domain_t *dom, uint64_t iova, uint64_t pa,
			  uint64_t pgsize, uint64_t count, unsigned prot)
{
	uint64_t mapped = 0;

	if (dom->ops->map_pages(dom, iova, pa, pgsize, count, prot, &mapped, &f->err))
		fail_msg("map_pages(0x%llx): %s", (unsigned long long)iova, f->err.msg);
	assert_int_equal(mapped, pgsize * count);
	if (dom->ops->iotlb_sync_map)
		dom->ops->iotlb_sync_map(dom, iova, pgsize * count);
}

/* Unmaps [iova, iova + len) the way iommufd does (largest page sizes first, one gather,
 * then iotlb_sync); returns the bytes the driver reported. */
static inline uint64_t fx_unmap(fx_t *f, drv_domain_t *dom, uint64_t iova, uint64_t len)
{
	drv_gather_t g;
	uint64_t done = 0;

	(void)f;
	drv_gather_init(&g);
	while (done < len) {
		uint64_t pgsize = SZ_4K, a = iova + done, left = len - done, n;

		if ((dom->pgsize_bitmap & SZ_1G) && !(a & (SZ_1G - 1)) && left >= SZ_1G)
			pgsize = SZ_1G;
		else if ((dom->pgsize_bitmap & SZ_2M) && !(a & (SZ_2M - 1)) && left >= SZ_2M)
			pgsize = SZ_2M;
		n = dom->ops->unmap_pages(dom, a, pgsize, 1, &g);
		if (!n)
			break;
		done += n;
	}
	if (dom->ops->iotlb_sync)
		dom->ops->iotlb_sync(dom, &g);
	return done;
}

/* A DMA of len bytes at iova issued now; the scheduler then runs to its end. */
static inline iommusim_dma_result_t fx_dma_pasid(fx_t *f, const pci_dev_t *d, bool write,
						 uint64_t iova, void *buf, size_t len, bool pv,
						 uint32_t pasid)
{
	iommusim_dma_t dma = { .write = write, .iova = iova, .len = len, .buf = buf,
			       .pasid_valid = pv, .pasid = pasid };
	iommusim_dma_result_t r;

	memset(&r, 0, sizeof(r));
	if (iommusim_endpoint_dma(fx_ep(f, d), &dma, iommusim_sched_now(f->sched), &r))
		fail_msg("endpoint_dma refused");
	if (r.done > iommusim_sched_now(f->sched))
		iommusim_sched_run_until(f->sched, r.done);
	return r;
}

static inline iommusim_dma_result_t fx_dma(fx_t *f, const pci_dev_t *d, bool write,
					   uint64_t iova, void *buf, size_t len)
{
	return fx_dma_pasid(f, d, write, iova, buf, len, false, 0);
}

/* Reads a statistic (counter, or histogram with a .count/.mean/... suffix). */
static inline double fx_stat(fx_t *f, const char *name)
{
	double v = 0;
	iommusim_error_t e;

	if (iommusim_stats_get(f->stats, name, &v, &e))
		fail_msg("statistic %s: %s", name, e.msg);
	return v;
}

static inline uint64_t fx_reg(fx_t *f, uint64_t off, unsigned size)
{
	uint64_t v = 0;

	assert_int_equal(f->hw->ops->mmio_read(f->hw->impl, off, size, &v,
					       iommusim_sched_now(f->sched)), 0);
	return v;
}

/* Runs the scheduler for dt and tells the driver. */
static inline void fx_advance(fx_t *f, iommusim_time_t dt)
{
	iommusim_time_t t = iommusim_sched_now(f->sched) + dt;

	iommusim_sched_run_until(f->sched, t);
	f->ops->advance(f->iommu, t);
}

/* ---- reading what the driver wrote, with the specification's offsets ---------------------- */

/* Register offsets and fields used by the tests (spec 10.4), written out independently. */
#define R_GSTS   0x01c
#define R_RTADDR 0x020
#define R_FECTL  0x038
#define R_FEADDR 0x040
#define R_IQH    0x080
#define R_IQT    0x088
#define R_IQA    0x090
#define R_PQA    0x0d0
#define R_PECTL  0x0e0

/* The descriptor k slots before the invalidation queue's tail (k = 1: the last written,
 * normally a wait descriptor); 256-bit descriptors when IQA.DW (bit 11). */
static inline void fx_desc_back(fx_t *f, unsigned k, uint64_t q[4])
{
	uint64_t iqa = fx_reg(f, R_IQA, 8), iqt = fx_reg(f, R_IQT, 8);
	unsigned shift = (iqa & (1ull << 11)) ? 5 : 4;
	unsigned n = (unsigned)((4096ull << (iqa & 7)) >> shift);
	unsigned slot = (unsigned)(((iqt >> shift) + n - k) % n);

	memset(q, 0, 4 * sizeof(q[0]));
	assert_int_equal(iommusim_mem_read(f->mem, (iqa & ~0xfffull) + ((uint64_t)slot << shift),
					   q, (size_t)1 << shift), 0);
}

static inline unsigned fx_desc_type(const uint64_t q[4])
{
	return (unsigned)(q[0] & 0xf) | (unsigned)(((q[0] >> 9) & 7) << 4);
}

/* The scalable-mode PASID table entry (8 qwords) of rid / pasid, walking root table (9.2),
 * scalable context entry (9.4), PASID directory (9.5) and table (9.6). Returns false if a
 * level is not present. */
static inline bool fx_pasid_entry(fx_t *f, uint16_t rid, uint32_t pasid, uint64_t e[8])
{
	uint64_t rta = fx_reg(f, R_RTADDR, 8) & ~0xfffull, re, ce, pde;
	unsigned bus = rid >> 8, devfn = rid & 0xff;

	memset(e, 0, 8 * sizeof(e[0]));
	iommusim_mem_read64(f->mem, rta + bus * 16 + (devfn >= 128 ? 8 : 0), &re);
	if (!(re & 1))
		return false;
	iommusim_mem_read64(f->mem, (re & ~0xfffull) + (devfn & 0x7f) * 32, &ce);
	if (!(ce & 1))
		return false;
	iommusim_mem_read64(f->mem, (ce & ~0xfffull) + (pasid >> 6) * 8, &pde);
	if (!(pde & 1))
		return false;
	iommusim_mem_read(f->mem, (pde & ~0xfffull) + (pasid & 63) * 64, e, 64);
	return (e[0] & 1) != 0;
}

/* The scalable context entry's low qword of rid (0 if not present). */
static inline uint64_t fx_sm_ctx(fx_t *f, uint16_t rid)
{
	uint64_t rta = fx_reg(f, R_RTADDR, 8) & ~0xfffull, re, ce = 0;
	unsigned bus = rid >> 8, devfn = rid & 0xff;

	iommusim_mem_read64(f->mem, rta + bus * 16 + (devfn >= 128 ? 8 : 0), &re);
	if (re & 1)
		iommusim_mem_read64(f->mem, (re & ~0xfffull) + (devfn & 0x7f) * 32, &ce);
	return ce;
}

/* The legacy context entry (2 qwords) of rid. */
static inline void fx_legacy_ctx(fx_t *f, uint16_t rid, uint64_t ce[2])
{
	uint64_t rta = fx_reg(f, R_RTADDR, 8) & ~0xfffull, re;

	ce[0] = ce[1] = 0;
	iommusim_mem_read64(f->mem, rta + (rid >> 8) * 16, &re);
	if (re & 1)
		iommusim_mem_read(f->mem, (re & ~0xfffull) + (rid & 0xff) * 16, ce, 16);
}

/* Walks a table of the domain by hand (4 levels, 9 bits each) and returns the leaf entry for
 * iova and its level (0 if not present). present: bit mask that marks an entry present. */
static inline uint64_t fx_leaf(fx_t *f, uint64_t root, unsigned levels, uint64_t iova,
			       uint64_t present, unsigned *level)
{
	uint64_t t = root, e = 0;

	for (unsigned l = levels; l >= 1; l--) {
		iommusim_mem_read64(f->mem, t + ((iova >> (12 + 9 * (l - 1))) & 511) * 8, &e);
		*level = l;
		if (!(e & present))
			return *level = 0, 0;
		if (l == 1 || (l <= 3 && (e & (1ull << 7))))
			return e;
		t = e & 0x000ffffffffff000ull;
	}
	return 0;
}

#endif
