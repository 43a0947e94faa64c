/* SPDX-License-Identifier: MIT */
/*
 * VT-d driver: PASID attach (set_dev_pasid / remove_dev_pasid) and PASID-tagged DMA, the
 * PASID table entries and the invalidations around them, and the errors.
 */
#include "tests/drivers/vtd_drv_fixture.h"

#define RW (DRV_PROT_READ | DRV_PROT_WRITE)
#define PA_RID   (FX_DATA_BASE + 0x1000)
#define PA_P5    (FX_DATA_BASE + 0x2000)
#define PA_P5B   (FX_DATA_BASE + 0x3000)

static iommusim_dma_result_t wr(fx_t *f, pci_dev_t *d, bool pv, uint32_t pasid, uint8_t v)
{
	uint8_t b[16];

	memset(b, v, sizeof(b));
	return fx_dma_pasid(f, d, true, 0x40000, b, sizeof(b), pv, pasid);
}

static uint8_t at(fx_t *f, uint64_t pa)
{
	uint8_t v = 0;

	iommusim_mem_read8(f->mem, pa, &v);
	return v;
}

static void t_pasid_attach_and_dma(void **state)
{
	fx_t f;
	pci_dev_t *d;
	drv_domain_t *a, *b, *c;
	vtd_drv_domain_info_t ib, ic;
	uint64_t e[8];
	double pc0, pi0;
	iommusim_dma_result_t r;

	(void)state;
	fx_init(&f, NULL);
	d = fx_dev(&f, 7, false, false, 20);
	a = fx_paging(&f, d, 0);
	b = fx_paging(&f, d, 0);
	c = fx_paging(&f, d, 0);
	fx_attach(&f, a, d);
	fx_map(&f, a, 0x40000, PA_RID, SZ_4K, 1, RW);
	fx_map(&f, b, 0x40000, PA_P5, SZ_4K, 1, RW);
	fx_map(&f, c, 0x40000, PA_P5B, SZ_4K, 1, RW);
	assert_int_equal(b->ops->set_dev_pasid(b, d, 5, NULL, &f.err), 0);
	vtd_drv_domain_info(b, &ib);
	/* PASID 5's entry: first level, b's DID, its table */
	assert_true(fx_pasid_entry(&f, d->rid, 5, e));
	assert_int_equal((e[0] >> 6) & 7, 1);
	assert_int_equal(e[1] & 0xffff, (unsigned)ib.did);
	assert_int_equal(e[2] & ~0xfffull, ib.root);

	/* the same IOVA reaches different pages with and without the PASID */
	assert_int_equal(wr(&f, d, false, 0, 0x11).status, IOMMUSIM_DMA_OK);
	assert_int_equal(wr(&f, d, true, 5, 0x55).status, IOMMUSIM_DMA_OK);
	assert_int_equal(at(&f, PA_RID), 0x11);
	assert_int_equal(at(&f, PA_P5), 0x55);
	/* PASID 6 shares 5's PASID table page (entry not present: SPT.2); PASID 100 has no
	 * table page (directory entry not present: SPD.2) */
	r = wr(&f, d, true, 6, 0x66);
	assert_int_equal(r.status, IOMMUSIM_DMA_FAULT);
	assert_int_equal(r.fault_reason, 0x59);
	r = wr(&f, d, true, 100, 0x64);
	assert_int_equal(r.status, IOMMUSIM_DMA_FAULT);
	assert_int_equal(r.fault_reason, 0x51);
	vtd_drv_poll(&f.inst);
	const vtd_drv_fault_t *log;
	assert_int_equal(vtd_drv_fault_log(&f.inst, &log), 2);
	assert_true(log[0].pasid_valid);
	assert_int_equal(log[0].pasid, 6);
	assert_int_equal(log[1].pasid, 100);

	/* replace PASID 5's domain: the old entry's caches go (PASID cache, PASID IOTLB) */
	pc0 = fx_stat(&f, "vtd0.iq.desc.pc");
	pi0 = fx_stat(&f, "vtd0.iq.desc.piotlb");
	assert_int_equal(c->ops->set_dev_pasid(c, d, 5, b, &f.err), 0);
	assert_int_equal(fx_stat(&f, "vtd0.iq.desc.pc"), pc0 + 1);
	assert_int_equal(fx_stat(&f, "vtd0.iq.desc.piotlb"), pi0 + 1);
	vtd_drv_domain_info(b, &ib);
	vtd_drv_domain_info(c, &ic);
	assert_int_equal(ib.did, -1);                        /* b is attached nowhere now */
	assert_true(fx_pasid_entry(&f, d->rid, 5, e));
	assert_int_equal(e[1] & 0xffff, (unsigned)ic.did);
	assert_int_equal(wr(&f, d, true, 5, 0x5b).status, IOMMUSIM_DMA_OK);
	assert_int_equal(at(&f, PA_P5B), 0x5b);
	assert_int_equal(at(&f, PA_P5), 0x55);

	/* remove: PASID 5 is blocked again, the RID is untouched */
	pc0 = fx_stat(&f, "vtd0.iq.desc.pc");
	f.ops->remove_dev_pasid(f.iommu, d, 5, c);
	assert_int_equal(fx_stat(&f, "vtd0.iq.desc.pc"), pc0 + 1);
	assert_false(fx_pasid_entry(&f, d->rid, 5, e));
	r = wr(&f, d, true, 5, 0x77);
	assert_int_equal(r.status, IOMMUSIM_DMA_FAULT);
	assert_int_equal(r.fault_reason, 0x59);
	assert_int_equal(wr(&f, d, false, 0, 0x12).status, IOMMUSIM_DMA_OK);
	f.ops->remove_dev_pasid(f.iommu, d, 5, c);          /* again: nothing */

	fx_unmap(&f, a, 0x40000, SZ_4K);
	fx_unmap(&f, b, 0x40000, SZ_4K);
	fx_unmap(&f, c, 0x40000, SZ_4K);
	assert_int_equal(f.ops->attach_blocked(f.iommu, d, &f.err), 0);
	a->ops->free(a);
	b->ops->free(b);
	c->ops->free(c);
	fx_fini(&f);
	assert_int_equal(f.live, 0);
}

/* A second-level domain on a PASID, and the PASID-based device-TLB invalidation of an ATS
 * device on unmap. */
static void t_pasid_sl_and_devtlb(void **state)
{
	static const char *const kv[] = { "drv.vtd.paging=second-level", NULL };
	fx_t f;
	pci_dev_t *d;
	drv_domain_t *dom;
	vtd_drv_domain_info_t i;
	uint64_t e[8], q[4];
	double pe0;

	(void)state;
	fx_init(&f, kv);
	d = fx_dev(&f, 7, true, false, 20);
	dom = fx_paging(&f, d, 0);
	fx_map(&f, dom, 0x40000, PA_P5, SZ_4K, 4, RW);
	assert_int_equal(dom->ops->set_dev_pasid(dom, d, 9, NULL, &f.err), 0);
	vtd_drv_domain_info(dom, &i);
	assert_true(fx_pasid_entry(&f, d->rid, 9, e));
	assert_int_equal((e[0] >> 6) & 7, 2);               /* PGTT second level */
	assert_int_equal(e[0] & ~0xfffull, i.root);
	assert_int_equal(wr(&f, d, true, 9, 0x99).status, IOMMUSIM_DMA_OK);
	assert_int_equal(at(&f, PA_P5), 0x99);
	pe0 = fx_stat(&f, "0000:00:07.0.inval");
	/* four pages at 0x40000: one IOTLB PSI (AM 2), one PASID device-TLB invalidation of
	 * 16 KiB: S = 1 with address bit 12 set and bit 13 clear */
	assert_int_equal(fx_unmap(&f, dom, 0x40000, 4 * SZ_4K), 4 * SZ_4K);
	fx_desc_back(&f, 3, q);
	assert_int_equal(fx_desc_type(q), 2);
	assert_int_equal(q[1], 0x40000 | 2);
	fx_desc_back(&f, 2, q);
	assert_int_equal(fx_desc_type(q), 8);
	assert_int_equal((q[0] >> 16) & 0xffff, d->rid);
	assert_int_equal((q[0] >> 32) & 0xfffff, 9);
	assert_int_equal(q[1], 0x40000 | 0x1000 | (1ull << 11));
	assert_int_equal(fx_stat(&f, "0000:00:07.0.inval"), pe0 + 1);
	assert_int_equal(wr(&f, d, true, 9, 0x98).status, IOMMUSIM_DMA_FAULT);
	f.ops->remove_dev_pasid(f.iommu, d, 9, dom);
	dom->ops->free(dom);
	fx_fini(&f);
	assert_int_equal(f.live, 0);
}

static void t_pasid_errors(void **state)
{
	static const char *const legacy[] = { "drv.vtd.mode=legacy", NULL };
	fx_t f;
	pci_dev_t *d, *nop;
	drv_domain_t *dom, *dirty;

	(void)state;
	fx_init(&f, NULL);
	d = fx_dev(&f, 7, false, false, 20);
	nop = fx_dev(&f, 8, false, false, 0);
	dom = fx_paging(&f, d, 0);
	dirty = fx_paging(&f, d, DRV_ALLOC_DIRTY_TRACKING);
	/* a device without the PASID capability */
	assert_int_equal(dom->ops->set_dev_pasid(dom, nop, 3, NULL, &f.err), -EOPNOTSUPP);
	/* PASID 0 is the RID's */
	assert_int_equal(dom->ops->set_dev_pasid(dom, d, 0, NULL, &f.err), -EINVAL);
	/* beyond the one-page PASID directory */
	assert_int_equal(dom->ops->set_dev_pasid(dom, d, 1u << 15, NULL, &f.err), -EINVAL);
	assert_int_equal(dom->ops->set_dev_pasid(dom, d, (1u << 15) - 1, NULL, &f.err), 0);
	f.ops->remove_dev_pasid(f.iommu, d, (1u << 15) - 1, dom);
	/* dirty tracking domains stay off PASIDs */
	assert_int_equal(dirty->ops->set_dev_pasid(dirty, d, 3, NULL, &f.err), -EINVAL);
	dom->ops->free(dom);
	dirty->ops->free(dirty);
	fx_fini(&f);
	assert_int_equal(f.live, 0);

	fx_init(&f, legacy);
	d = fx_dev(&f, 7, false, false, 20);
	dom = fx_paging(&f, d, 0);
	assert_int_equal(dom->ops->set_dev_pasid(dom, d, 3, NULL, &f.err), -EOPNOTSUPP);
	dom->ops->free(dom);
	fx_fini(&f);
}

/* Releasing a device with PASIDs attached tears them all down. */
static void t_release_with_pasids(void **state)
{
	fx_t f;
	pci_dev_t *d;
	drv_domain_t *dom;
	vtd_drv_domain_info_t i;

	(void)state;
	fx_init(&f, NULL);
	d = fx_dev(&f, 7, false, false, 20);
	dom = fx_paging(&f, d, 0);
	for (uint32_t p = 1; p <= 70; p += 23)
		assert_int_equal(dom->ops->set_dev_pasid(dom, d, p, NULL, &f.err), 0);
	f.ops->release_device(f.iommu, d);
	vtd_drv_domain_info(dom, &i);
	assert_int_equal(i.did, -1);
	dom->ops->free(dom);
	fx_fini(&f);
	assert_int_equal(f.live, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_pasid_attach_and_dma),
		cmocka_unit_test(t_pasid_sl_and_devtlb),
		cmocka_unit_test(t_pasid_errors),
		cmocka_unit_test(t_release_with_pasids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
