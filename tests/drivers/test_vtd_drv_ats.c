/* SPDX-License-Identifier: MIT */
/*
 * VT-d driver: devices with ATS. The context entries allow translation requests (scalable:
 * DTE; legacy: TT = device-TLB), unmaps invalidate the device TLB and the ATS invalidation
 * reaches the endpoint, and a device that never answers ends in the time-out errors
 * (hardware ITE, or the driver's own wait time-out) without hanging the run.
 */
#include "tests/drivers/vtd_drv_fixture.h"

#define RW (DRV_PROT_READ | DRV_PROT_WRITE)

static void t_context_entries(void **state)
{
	static const char *const legacy[] = { "drv.vtd.mode=legacy", NULL };
	fx_t f;
	pci_dev_t *ats, *plain;
	drv_domain_t *dom;
	uint64_t ce[2];

	(void)state;
	fx_init(&f, NULL);
	ats = fx_dev(&f, 1, true, false, 0);
	plain = fx_dev(&f, 2, false, false, 0);
	assert_true(fx_sm_ctx(&f, ats->rid) & (1ull << 2));     /* DTE */
	assert_false(fx_sm_ctx(&f, plain->rid) & (1ull << 2));
	fx_fini(&f);

	fx_init(&f, legacy);
	ats = fx_dev(&f, 1, true, false, 0);
	plain = fx_dev(&f, 2, false, false, 0);
	/* legacy identity default: TT = pass-through (2), DID 1, AW = the widest (2) */
	fx_legacy_ctx(&f, plain->rid, ce);
	assert_int_equal(ce[0] & 0xf, 0x1 | (2 << 2));
	assert_int_equal(ce[1], 2 | (1 << 8));
	dom = fx_paging(&f, ats, 0);
	fx_attach(&f, dom, ats);
	fx_legacy_ctx(&f, ats->rid, ce);
	assert_int_equal(ce[0] & 0xf, 0x1 | (1 << 2));           /* TT = device-TLB */
	fx_attach(&f, dom, plain);
	fx_legacy_ctx(&f, plain->rid, ce);
	assert_int_equal(ce[0] & 0xf, 0x1 | (0 << 2));           /* TT = multi-level */
	assert_int_equal(ce[1] & 7, 2);                          /* AW 48-bit */
	assert_int_equal((ce[1] >> 8) & 0xffff, 2);              /* the domain's DID */
	assert_int_equal(f.ops->attach_default(f.iommu, ats, &f.err), 0);
	assert_int_equal(f.ops->attach_default(f.iommu, plain, &f.err), 0);
	dom->ops->free(dom);
	fx_fini(&f);
	assert_int_equal(f.live, 0);
}

static void ats_unmap(const char *const *kv)
{
	fx_t f;
	pci_dev_t *d;
	drv_domain_t *dom;
	uint8_t buf[32];
	uint64_t q[4];
	double inv0, ent0, fill0;

	fx_init(&f, kv);
	d = fx_dev(&f, 3, true, false, 0);
	dom = fx_paging(&f, d, 0);
	fx_attach(&f, dom, d);
	fx_map(&f, dom, 0x60000, FX_DATA_BASE, SZ_4K, 2, RW);
	fill0 = fx_stat(&f, "0000:00:03.0.atc.fill");
	assert_int_equal(fx_dma(&f, d, false, 0x60000, buf, sizeof(buf)).status, IOMMUSIM_DMA_OK);
	assert_int_equal(fx_stat(&f, "0000:00:03.0.atc.fill"), fill0 + 1);
	/* a second DMA hits the device's ATC */
	assert_int_equal(fx_dma(&f, d, false, 0x60000, buf, sizeof(buf)).atc_hits, 1);
	inv0 = fx_stat(&f, "0000:00:03.0.inval");
	ent0 = fx_stat(&f, "0000:00:03.0.inval.entries");
	assert_int_equal(fx_unmap(&f, dom, 0x60000, SZ_4K), SZ_4K);
	/* device-TLB invalidation for the RID (type 3), one page: S = 0 */
	fx_desc_back(&f, 2, q);
	assert_int_equal(fx_desc_type(q), 3);
	assert_int_equal((q[0] >> 32) & 0xffff, d->rid);
	assert_int_equal(q[1], 0x60000);
	assert_int_equal(fx_stat(&f, "0000:00:03.0.inval"), inv0 + 1);
	assert_int_equal(fx_stat(&f, "0000:00:03.0.inval.entries"), ent0 + 1);
	assert_int_equal(fx_stat(&f, "vtd0.ats.inval.completed"), fx_stat(&f, "vtd0.ats.inval.sent"));
	/* the ATC no longer has it; the IOMMU says no */
	iommusim_dma_result_t r = fx_dma(&f, d, false, 0x60000, buf, sizeof(buf));
	assert_int_equal(r.status, IOMMUSIM_DMA_FAULT);
	assert_int_equal(r.atc_hits, 0);
	/* the other page is still cached and still valid */
	assert_int_equal(fx_dma(&f, d, false, 0x61000, buf, sizeof(buf)).status, IOMMUSIM_DMA_OK);
	fx_unmap(&f, dom, 0x61000, SZ_4K);
	assert_int_equal(f.ops->attach_blocked(f.iommu, d, &f.err), 0);
	dom->ops->free(dom);
	fx_fini(&f);
	assert_int_equal(f.live, 0);
}

static void t_ats_invalidation_scalable(void **state)
{
	static const char *const kv[] = { NULL };

	(void)state;
	ats_unmap(kv);
}

static void t_ats_invalidation_legacy(void **state)
{
	static const char *const kv[] = { "drv.vtd.mode=legacy", NULL };

	(void)state;
	ats_unmap(kv);
}

/* The device never completes ATS invalidations and the hardware times out (ITE): the flush
 * fails, ITE is cleared, and the queue works again for the next submit. */
static void t_ats_hardware_timeout(void **state)
{
	static const char *const kv[] = { "endpoint.inval_never=1",
					  "vtd.ats.inval_timeout_ns=20000", NULL };
	fx_t f;
	pci_dev_t *d, *plain;
	drv_domain_t *dom, *other;
	uint8_t buf[8];
	double sub, ite;

	(void)state;
	fx_init(&f, kv);
	d = fx_dev(&f, 3, true, false, 0);
	plain = fx_dev(&f, 4, false, false, 0);
	dom = fx_paging(&f, d, 0);
	other = fx_paging(&f, plain, 0);
	fx_attach(&f, dom, d);
	fx_attach(&f, other, plain);
	fx_map(&f, dom, 0x60000, FX_DATA_BASE, SZ_4K, 1, RW);
	fx_map(&f, other, 0x60000, FX_DATA_BASE, SZ_4K, 1, RW);
	assert_int_equal(fx_dma(&f, d, false, 0x60000, buf, 8).status, IOMMUSIM_DMA_OK);
	/* (attaching already timed out once: replacing the identity entry flushes the device
	 * TLB too) */
	ite = fx_stat(&f, "drv.vtd.qi.errors.ite");
	assert_int_equal(ite, fx_stat(&f, "vtd0.iq.errors.ite"));
	assert_int_equal(fx_unmap(&f, dom, 0x60000, SZ_4K), SZ_4K);
	assert_int_equal(fx_stat(&f, "drv.vtd.qi.errors.ite"), ite + 1);
	assert_int_equal(fx_stat(&f, "vtd0.iq.errors.ite"), ite + 1);
	assert_int_equal(fx_reg(&f, 0x034, 4) & (1u << 6), 0);   /* FSTS.ITE cleared */
	/* the queue moves on */
	sub = fx_stat(&f, "drv.vtd.qi.submits");
	assert_int_equal(fx_unmap(&f, other, 0x60000, SZ_4K), SZ_4K);
	assert_int_equal(fx_stat(&f, "drv.vtd.qi.submits"), sub + 1);
	assert_int_equal(fx_stat(&f, "drv.vtd.qi.timeouts"), 0);
	assert_int_equal(fx_dma(&f, plain, false, 0x60000, buf, 8).status, IOMMUSIM_DMA_FAULT);
	assert_int_equal(f.ops->attach_blocked(f.iommu, plain, &f.err), 0);
	other->ops->free(other);
	fx_fini(&f);
}

/* The hardware time-out is a minute (PCIe allows that long); the driver gives up first. */
static void t_ats_driver_timeout(void **state)
{
	static const char *const kv[] = { "endpoint.inval_never=1", "drv.vtd.qi.timeout_ns=100000",
					  NULL };
	fx_t f;
	pci_dev_t *d;
	drv_domain_t *dom;
	uint8_t buf[8];
	iommusim_time_t t0;
	double to;

	(void)state;
	fx_init(&f, kv);
	d = fx_dev(&f, 3, true, false, 0);
	dom = fx_paging(&f, d, 0);
	fx_attach(&f, dom, d);
	fx_map(&f, dom, 0x60000, FX_DATA_BASE, SZ_4K, 1, RW);
	assert_int_equal(fx_dma(&f, d, false, 0x60000, buf, 8).status, IOMMUSIM_DMA_OK);
	t0 = iommusim_sched_now(f.sched);
	to = fx_stat(&f, "drv.vtd.qi.timeouts");
	assert_int_equal(fx_unmap(&f, dom, 0x60000, SZ_4K), SZ_4K);
	assert_int_equal(fx_stat(&f, "drv.vtd.qi.timeouts"), to + 1);
	assert_true(iommusim_sched_now(f.sched) - t0 >= iommusim_time_from_ns(100000));
	assert_true(iommusim_sched_now(f.sched) - t0 < iommusim_time_from_ns(200000));
	fx_fini(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_context_entries),
		cmocka_unit_test(t_ats_invalidation_scalable),
		cmocka_unit_test(t_ats_invalidation_legacy),
		cmocka_unit_test(t_ats_hardware_timeout),
		cmocka_unit_test(t_ats_driver_timeout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
