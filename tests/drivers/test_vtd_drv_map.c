/* SPDX-License-Identifier: MIT */
/*
 * VT-d driver: map and unmap with DMA through a real endpoint and the VT-d model, in each
 * table format and mode (scalable first level, scalable second level, legacy), large pages
 * and what intel-iommu does with a partial unmap of one, table freeing, and bad input.
 */
#include "tests/drivers/vtd_drv_fixture.h"

#define RW (DRV_PROT_READ | DRV_PROT_WRITE)

struct mode {
	const char *name;
	const char *const *kv;
	uint8_t fr_read;     /* fault reason of a read of an unmapped page */
	uint8_t fr_write_ro; /* fault reason of a write to a read-only page */
	bool first_level;
};

static const char *const kv_fl[] = { NULL };
static const char *const kv_sl[] = { "drv.vtd.paging=second-level", NULL };
static const char *const kv_legacy[] = { "drv.vtd.mode=legacy", NULL };

/* Fault reasons from the specification's tables (ch. 7): SFL.2 first-level entry not present,
 * SGN.6/SGN.7 write/read without permission (a not-present second-level entry has neither),
 * LGN.2/LGN.3 the same in legacy mode. */
static const struct mode modes[] = {
	{ "scalable first-level", kv_fl, 0x71, 0x85, true },
	{ "scalable second-level", kv_sl, 0x86, 0x85, false },
	{ "legacy", kv_legacy, 0x06, 0x05, false },
};

static void fill(uint8_t *b, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(seed + i * 7);
}

static void map_dma_unmap(const struct mode *m)
{
	fx_t f;
	pci_dev_t *d;
	drv_domain_t *dom;
	vtd_drv_domain_info_t info;
	/* three IOVA pages backed by scattered physical pages */
	const uint64_t iova = 0x7f0000200000ull;
	const uint64_t pa[3] = { FX_DATA_BASE + 0x5000, FX_DATA_BASE + 0x1000,
				 FX_DATA_BASE + 0x9000 };
	uint8_t out[8192], in[8192], got[8192];
	iommusim_dma_result_t r;
	const vtd_drv_fault_t *log;
	uint64_t phys;

	fx_init(&f, m->kv);
	d = fx_dev(&f, 3, false, false, 0);
	dom = fx_paging(&f, d, 0);
	vtd_drv_domain_info(dom, &info);
	assert_int_equal(info.first_level, m->first_level);
	fx_attach(&f, dom, d);
	for (int i = 0; i < 3; i++)
		fx_map(&f, dom, iova + (uint64_t)i * SZ_4K, pa[i], SZ_4K, 1, RW);

	/* a write crossing the three pages: its bytes land page by page */
	fill(out, sizeof(out), 0x11);
	r = fx_dma(&f, d, true, iova + 0x800, out, sizeof(out));
	assert_int_equal(r.status, IOMMUSIM_DMA_OK);
	assert_int_equal(iommusim_mem_read(f.mem, pa[0] + 0x800, got, 0x800), 0);
	assert_memory_equal(got, out, 0x800);
	assert_int_equal(iommusim_mem_read(f.mem, pa[1], got, 0x1000), 0);
	assert_memory_equal(got, out + 0x800, 0x1000);
	assert_int_equal(iommusim_mem_read(f.mem, pa[2], got, 0x800), 0);
	assert_memory_equal(got, out + 0x1800, 0x800);
	r = fx_dma(&f, d, false, iova + 0x800, in, sizeof(in));
	assert_int_equal(r.status, IOMMUSIM_DMA_OK);
	assert_memory_equal(in, out, sizeof(in));

	assert_int_equal(dom->ops->iova_to_phys(dom, iova + SZ_4K + 0x123, &phys), 0);
	assert_int_equal(phys, pa[1] + 0x123);

	assert_int_equal(fx_unmap(&f, dom, iova, 3 * SZ_4K), 3 * SZ_4K);
	assert_int_equal(dom->ops->iova_to_phys(dom, iova, &phys), -ENOENT);
	r = fx_dma(&f, d, false, iova + SZ_4K + 8, in, 8);
	assert_int_equal(r.status, IOMMUSIM_DMA_FAULT);
	assert_int_equal(r.fault_reason, m->fr_read);
	/* the fault record as the handler logged it */
	assert_true(vtd_drv_poll(&f.inst) >= 1);
	assert_int_equal(vtd_drv_fault_log(&f.inst, &log), 1);
	assert_int_equal(log[0].sid, d->rid);
	assert_int_equal(log[0].addr, iova + SZ_4K);
	assert_int_equal(log[0].reason, m->fr_read);
	assert_false(log[0].write);
	assert_false(log[0].pasid_valid);
	assert_int_equal(fx_reg(&f, 0x034, 4) & 3, 0);      /* FSTS: PFO, PPF clear */

	/* read-only mapping: reads pass, writes fault */
	fx_map(&f, dom, iova, pa[0], SZ_4K, 1, DRV_PROT_READ);
	r = fx_dma(&f, d, false, iova, in, 64);
	assert_int_equal(r.status, IOMMUSIM_DMA_OK);
	r = fx_dma(&f, d, true, iova, out, 64);
	assert_int_equal(r.status, IOMMUSIM_DMA_FAULT);
	assert_int_equal(r.fault_reason, m->fr_write_ro);
	vtd_drv_poll(&f.inst);
	assert_int_equal(vtd_drv_fault_log(&f.inst, &log), 2);
	assert_true(log[1].write);
	vtd_drv_fault_log_clear(&f.inst);
	assert_int_equal(vtd_drv_fault_log(&f.inst, &log), 0);

	assert_int_equal(fx_unmap(&f, dom, iova, SZ_4K), SZ_4K);
	assert_int_equal(f.ops->attach_blocked(f.iommu, d, &f.err), 0);
	dom->ops->free(dom);
	f.ops->release_device(f.iommu, d);
	fx_fini(&f);
	assert_int_equal(f.live, 0);
}

static void t_map_fl(void **state)
{
	(void)state;
	map_dma_unmap(&modes[0]);
}

static void t_map_sl(void **state)
{
	(void)state;
	map_dma_unmap(&modes[1]);
}

static void t_map_legacy(void **state)
{
	(void)state;
	map_dma_unmap(&modes[2]);
}

/* The hand walk of the table finds what was written, in the format's own bits. */
static void t_pte_format(void **state)
{
	fx_t f;
	pci_dev_t *d;
	drv_domain_t *fl, *sl;
	vtd_drv_domain_info_t i;
	unsigned lvl;
	uint64_t e;

	(void)state;
	fx_init(&f, NULL);
	d = fx_dev(&f, 1, false, false, 0);
	fl = fx_paging(&f, d, 0);
	sl = fx_paging(&f, d, DRV_ALLOC_NEST_PARENT);
	fx_map(&f, fl, 0x40000000, FX_DATA_BASE + 0x3000, SZ_4K, 1, DRV_PROT_READ);
	fx_map(&f, fl, 0x40001000, FX_DATA_BASE + 0x4000, SZ_4K, 1, RW);
	fx_map(&f, sl, 0x40000000, FX_DATA_BASE + 0x3000, SZ_4K, 1, DRV_PROT_READ);
	fx_map(&f, sl, 0x40200000, FX_DATA_BASE + 0x200000, SZ_2M, 1, DRV_PROT_WRITE);
	vtd_drv_domain_info(fl, &i);
	/* first level: P, U/S, A; R/W and D only when writable */
	e = fx_leaf(&f, i.root, 4, 0x40000000, 1, &lvl);
	assert_int_equal(lvl, 1);
	assert_int_equal(e, FX_DATA_BASE + 0x3000 + 0x1 + 0x4 + 0x20);
	e = fx_leaf(&f, i.root, 4, 0x40001000, 1, &lvl);
	assert_int_equal(e, FX_DATA_BASE + 0x4000 + 0x1 + 0x2 + 0x4 + 0x20 + 0x40);
	vtd_drv_domain_info(sl, &i);
	/* second level: R and W from the protection, PS for a 2 MiB leaf */
	e = fx_leaf(&f, i.root, 4, 0x40000000, 3, &lvl);
	assert_int_equal(e, FX_DATA_BASE + 0x3000 + 0x1);
	e = fx_leaf(&f, i.root, 4, 0x40300000, 3, &lvl);
	assert_int_equal(lvl, 2);
	assert_int_equal(e, FX_DATA_BASE + 0x200000 + 0x2 + 0x80);
	fl->ops->free(fl);
	sl->ops->free(sl);
	fx_fini(&f);
	assert_int_equal(f.live, 0);
}

static void large_pages(const char *const *kv)
{
	fx_t f;
	pci_dev_t *d;
	drv_domain_t *dom;
	uint8_t out[64], in[64];
	iommusim_dma_result_t r;
	uint64_t phys, walk4;
	char name[64];

	fx_init(&f, kv);
	d = fx_dev(&f, 3, false, false, 0);
	dom = fx_paging(&f, d, 0);
	fx_attach(&f, dom, d);
	fx_map(&f, dom, 0x80000000ull, FX_DATA_BASE + SZ_2M, SZ_2M, 2, RW);
	fx_map(&f, dom, 0x100000000ull, FX_DATA_BASE + SZ_1G, SZ_1G, 1, RW);
	assert_int_equal(fx_stat(&f, "drv.vtd.map.pages_2m"), 2);
	assert_int_equal(fx_stat(&f, "drv.vtd.map.pages_1g"), 1);
	assert_int_equal(fx_stat(&f, "drv.vtd.map.pages_4k"), 0);
	assert_int_equal(dom->ops->iova_to_phys(dom, 0x80000000ull + SZ_2M + 0x12345, &phys), 0);
	assert_int_equal(phys, FX_DATA_BASE + 2 * SZ_2M + 0x12345);

	fill(out, sizeof(out), 0x5a);
	r = fx_dma(&f, d, true, 0x100000000ull + 0x3456789, out, sizeof(out));
	assert_int_equal(r.status, IOMMUSIM_DMA_OK);
	assert_int_equal(iommusim_mem_read(f.mem, FX_DATA_BASE + SZ_1G + 0x3456789, in, 64), 0);
	assert_memory_equal(in, out, 64);
	r = fx_dma(&f, d, true, 0x80000000ull + 0x1000, out, sizeof(out));
	assert_int_equal(r.status, IOMMUSIM_DMA_OK);
	/* a 2 MiB leaf ends the hardware walk at level 2, a 1 GiB one at level 3: nothing was
	 * read at level 1 */
	snprintf(name, sizeof(name), "vtd0.walk.%s.l1.reads", kv[0] ? "sl" : "fl");
	assert_int_equal(fx_stat(&f, name), 0);
	snprintf(name, sizeof(name), "vtd0.walk.%s.l4.reads", kv[0] ? "sl" : "fl");
	walk4 = (uint64_t)fx_stat(&f, name);
	assert_true(walk4 >= 1);

	/* intel-iommu does not split a large page: unmapping its first 4 KiB removes all of
	 * it and reports the whole size */
	drv_gather_t g;

	drv_gather_init(&g);
	assert_int_equal(dom->ops->unmap_pages(dom, 0x80000000ull, SZ_4K, 1, &g), SZ_2M);
	assert_int_equal(g.start, 0x80000000ull);
	assert_int_equal(g.end, 0x80000000ull + SZ_2M - 1);
	dom->ops->iotlb_sync(dom, &g);
	assert_int_equal(fx_stat(&f, "drv.vtd.unmap.superpage_whole"), 1);
	r = fx_dma(&f, d, false, 0x80000000ull + 0x100000, in, 8);
	assert_int_equal(r.status, IOMMUSIM_DMA_FAULT);
	/* the second 2 MiB page is still there */
	r = fx_dma(&f, d, false, 0x80000000ull + SZ_2M, in, 8);
	assert_int_equal(r.status, IOMMUSIM_DMA_OK);
	/* from inside the page: the rest of it, counted from the IOVA given */
	drv_gather_init(&g);
	assert_int_equal(dom->ops->unmap_pages(dom, 0x80000000ull + SZ_2M + 0x3000, SZ_4K, 1, &g),
			 SZ_2M - 0x3000);
	assert_int_equal(g.start, 0x80000000ull + SZ_2M);
	dom->ops->iotlb_sync(dom, &g);
	assert_int_equal(fx_unmap(&f, dom, 0x100000000ull, SZ_1G), SZ_1G);
	r = fx_dma(&f, d, false, 0x100000000ull, in, 8);
	assert_int_equal(r.status, IOMMUSIM_DMA_FAULT);

	assert_int_equal(f.ops->attach_blocked(f.iommu, d, &f.err), 0);
	dom->ops->free(dom);
	fx_fini(&f);
	assert_int_equal(f.live, 0);
}

static void t_large_pages_fl(void **state)
{
	(void)state;
	large_pages(kv_fl);
}

static void t_large_pages_sl(void **state)
{
	(void)state;
	large_pages(kv_sl);
}

/* Tables: Linux frees a table when one unmap covers its whole span, not when piecemeal
 * unmaps empty it; a large page mapped where an empty table remains replaces it after a
 * flush. */
static void t_table_freeing(void **state)
{
	fx_t f;
	pci_dev_t *d;
	drv_domain_t *dom;
	double freed, psi;
	uint8_t b[8];

	(void)state;
	fx_init(&f, NULL);
	d = fx_dev(&f, 3, false, false, 0);
	dom = fx_paging(&f, d, 0);
	fx_attach(&f, dom, d);
	/* 512 pages = one whole level-1 table */
	fx_map(&f, dom, 0x400000, FX_DATA_BASE, SZ_4K, 512, RW);
	freed = fx_stat(&f, "drv.vtd.pt.tables_freed");
	assert_int_equal(fx_unmap(&f, dom, 0x400000, SZ_2M), SZ_2M);
	assert_int_equal(fx_stat(&f, "drv.vtd.pt.tables_freed"), freed + 1);

	/* piecemeal: the level-1 table stays */
	fx_map(&f, dom, 0x600000, FX_DATA_BASE, SZ_4K, 2, RW);
	freed = fx_stat(&f, "drv.vtd.pt.tables_freed");
	assert_int_equal(fx_unmap(&f, dom, 0x600000, SZ_4K), SZ_4K);
	assert_int_equal(fx_unmap(&f, dom, 0x601000, SZ_4K), SZ_4K);
	assert_int_equal(fx_stat(&f, "drv.vtd.pt.tables_freed"), freed);
	/* a 2 MiB page over the empty table: the table goes, after a PASID-based flush */
	psi = fx_stat(&f, "vtd0.iq.desc.piotlb");
	fx_map(&f, dom, 0x600000, FX_DATA_BASE + SZ_2M, SZ_2M, 1, RW);
	assert_int_equal(fx_stat(&f, "drv.vtd.pt.tables_freed"), freed + 1);
	assert_int_equal(fx_stat(&f, "vtd0.iq.desc.piotlb"), psi + 1);
	assert_int_equal(fx_dma(&f, d, true, 0x6ff000, b, 8).status, IOMMUSIM_DMA_OK);
	assert_int_equal(fx_unmap(&f, dom, 0x600000, SZ_2M), SZ_2M);
	/* unmapping a hole reports the size (as intel_iommu_unmap does) */
	assert_int_equal(fx_unmap(&f, dom, 0x10000000, SZ_4K), SZ_4K);
	assert_int_equal(f.ops->attach_blocked(f.iommu, d, &f.err), 0);
	dom->ops->free(dom);
	fx_fini(&f);
	assert_int_equal(f.live, 0);
}

static void t_map_errors(void **state)
{
	fx_t f;
	pci_dev_t *d;
	drv_domain_t *dom;
	uint64_t mapped = 99;

	(void)state;
	fx_init(&f, NULL);
	d = fx_dev(&f, 3, false, false, 0);
	dom = fx_paging(&f, d, 0);
	assert_int_equal(dom->ops->map_pages(dom, 0x1000, FX_DATA_BASE, SZ_4K, 1, 0, &mapped,
					     &f.err), -EINVAL);
	assert_int_equal(mapped, 0);
	assert_int_equal(dom->ops->map_pages(dom, 0x1800, FX_DATA_BASE, SZ_4K, 1, RW, &mapped,
					     &f.err), -EINVAL);
	assert_int_equal(dom->ops->map_pages(dom, SZ_2M, FX_DATA_BASE + SZ_4K, SZ_2M, 1, RW,
					     &mapped, &f.err), -EINVAL);
	assert_int_equal(dom->ops->map_pages(dom, 0x2000, FX_DATA_BASE, 0x2000, 1, RW, &mapped,
					     &f.err), -EINVAL);
	/* beyond the 48-bit width */
	assert_int_equal(dom->ops->map_pages(dom, 1ull << 48, FX_DATA_BASE, SZ_4K, 1, RW,
					     &mapped, &f.err), -EFAULT);
	/* over a present page: refused, the pages before it stay mapped and are counted */
	fx_map(&f, dom, 0x3000, FX_DATA_BASE, SZ_4K, 1, RW);
	assert_int_equal(dom->ops->map_pages(dom, 0x2000, FX_DATA_BASE, SZ_4K, 2, RW, &mapped,
					     &f.err), -EEXIST);
	assert_int_equal(mapped, SZ_4K);
	/* a large page over a table with live pages */
	assert_int_equal(dom->ops->map_pages(dom, 0, FX_DATA_BASE, SZ_2M, 1, RW, &mapped,
					     &f.err), -EEXIST);
	/* small pages inside a large one */
	fx_map(&f, dom, SZ_2M, FX_DATA_BASE, SZ_2M, 1, RW);
	assert_int_equal(dom->ops->map_pages(dom, SZ_2M + SZ_4K, FX_DATA_BASE, SZ_4K, 1, RW,
					     &mapped, &f.err), -EEXIST);
	assert_int_equal(fx_unmap(&f, dom, 0, 2 * SZ_2M), 2 * SZ_2M);
	dom->ops->free(dom);
	fx_fini(&f);
	assert_int_equal(f.live, 0);
}

/* An ATS translation reports the page size of the leaf the driver wrote. */
static void t_ats_page_size(void **state)
{
	fx_t f;
	pci_dev_t *d;
	drv_domain_t *dom;
	iommusim_xlate_resp_t resp;

	(void)state;
	fx_init(&f, NULL);
	d = fx_dev(&f, 3, true, false, 0);
	dom = fx_paging(&f, d, 0);
	fx_attach(&f, dom, d);
	fx_map(&f, dom, SZ_2M, FX_DATA_BASE, SZ_2M, 1, RW);
	fx_map(&f, dom, 0x1000, FX_DATA_BASE + 0x7000, SZ_4K, 1, DRV_PROT_READ);
	assert_int_equal(iommusim_endpoint_ats_translate(fx_ep(&f, d), SZ_2M + 0x5000, false, 0,
							 IOMMUSIM_ACC_READ,
							 iommusim_sched_now(f.sched), &resp), 0);
	assert_int_equal(resp.status, IOMMUSIM_XLATE_OK);
	assert_int_equal(resp.page_size, SZ_2M);
	assert_int_equal(resp.addr, FX_DATA_BASE + 0x5000);
	assert_int_equal(iommusim_endpoint_ats_translate(fx_ep(&f, d), 0x1000, false, 0,
							 IOMMUSIM_ACC_READ,
							 iommusim_sched_now(f.sched), &resp), 0);
	assert_int_equal(resp.page_size, SZ_4K);
	assert_true(resp.perm & IOMMUSIM_ACC_READ);
	assert_false(resp.perm & IOMMUSIM_ACC_WRITE);
	fx_unmap(&f, dom, SZ_2M, SZ_2M);
	fx_unmap(&f, dom, 0x1000, SZ_4K);
	fx_fini(&f);
	assert_int_equal(f.live, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_map_fl),
		cmocka_unit_test(t_map_sl),
		cmocka_unit_test(t_map_legacy),
		cmocka_unit_test(t_pte_format),
		cmocka_unit_test(t_large_pages_fl),
		cmocka_unit_test(t_large_pages_sl),
		cmocka_unit_test(t_table_freeing),
		cmocka_unit_test(t_map_errors),
		cmocka_unit_test(t_ats_page_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
