/* SPDX-License-Identifier: MIT */
/*
 * VT-d driver: the default and blocking domains as DMA sees them, and the fault handler
 * (fault recording registers -> fault log): contents, draining from ops->advance, hardware
 * overflow when nobody drains, and the log's own bound.
 */
#include "tests/drivers/vtd_drv_fixture.h"

#define RW (DRV_PROT_READ | DRV_PROT_WRITE)

static iommusim_dma_result_t poke(fx_t *f, pci_dev_t *d, uint64_t iova)
{
	uint8_t b[4] = { 0xde, 0xad, 0xbe, 0xef };

	return fx_dma(f, d, true, iova, b, sizeof(b));
}

static void t_identity_and_blocked(void **state)
{
	static const char *const legacy[] = { "drv.vtd.mode=legacy", NULL };
	const char *const *sets[2] = { NULL, legacy };
	const uint8_t blocked_fr[2] = { 0x59, 0x02 };   /* SPT.2, LCT.2: entry not present */

	(void)state;
	for (int i = 0; i < 2; i++) {
		fx_t f;
		pci_dev_t *d;
		uint32_t v = 0;
		iommusim_dma_result_t r;

		fx_init(&f, sets[i]);
		d = fx_dev(&f, 2, false, false, 0);
		/* the default domain is pass-through: the IOVA is the address */
		assert_int_equal(poke(&f, d, 0x12345000).status, IOMMUSIM_DMA_OK);
		iommusim_mem_read32(f.mem, 0x12345000, &v);
		assert_int_equal(v, 0xefbeadde);
		assert_int_equal(f.ops->attach_blocked(f.iommu, d, &f.err), 0);
		r = poke(&f, d, 0x12345000);
		assert_int_equal(r.status, IOMMUSIM_DMA_FAULT);
		assert_int_equal(r.fault_reason, blocked_fr[i]);
		assert_int_equal(f.ops->attach_default(f.iommu, d, &f.err), 0);
		assert_int_equal(poke(&f, d, 0x12345000).status, IOMMUSIM_DMA_OK);
		fx_fini(&f);
		assert_int_equal(f.live, 0);
	}
}

/* Without ECAP.PT the default domain is an (empty) paging domain of the device's own. */
static void t_default_without_pass_through(void **state)
{
	static const char *const kv[] = { "vtd.pt=0", NULL };
	fx_t f;
	pci_dev_t *d;
	drv_domain_t *dom;
	uint64_t e[8], e2[8];
	iommusim_dma_result_t r;

	(void)state;
	fx_init(&f, kv);
	d = fx_dev(&f, 2, false, false, 0);
	assert_true(fx_pasid_entry(&f, d->rid, 0, e));
	assert_int_equal((e[0] >> 6) & 7, 1);              /* a first-level table */
	r = poke(&f, d, 0x12345000);
	assert_int_equal(r.status, IOMMUSIM_DMA_FAULT);
	assert_int_equal(r.fault_reason, 0x71);
	dom = fx_paging(&f, d, 0);
	fx_attach(&f, dom, d);
	assert_int_equal(f.ops->attach_default(f.iommu, d, &f.err), 0);
	assert_true(fx_pasid_entry(&f, d->rid, 0, e2));
	assert_int_equal(e2[1] & 0xffff, e[1] & 0xffff);   /* the same default domain again */
	assert_int_equal(e2[2], e[2]);
	dom->ops->free(dom);
	fx_fini(&f);
	assert_int_equal(f.live, 0);
}

static void t_fault_log_from_advance(void **state)
{
	fx_t f;
	pci_dev_t *d;
	const vtd_drv_fault_t *log;

	(void)state;
	fx_init(&f, NULL);
	d = fx_dev(&f, 2, false, false, 0);
	assert_int_equal(f.ops->attach_blocked(f.iommu, d, &f.err), 0);
	assert_int_equal(poke(&f, d, 0xabc000).status, IOMMUSIM_DMA_FAULT);
	assert_int_equal(vtd_drv_fault_log(&f.inst, &log), 0);
	fx_advance(&f, iommusim_time_from_ns(1000));
	assert_int_equal(vtd_drv_fault_log(&f.inst, &log), 1);
	assert_int_equal(log[0].sid, d->rid);
	assert_int_equal(log[0].addr, 0xabc000);
	assert_int_equal(log[0].reason, 0x59);
	assert_true(log[0].write);
	assert_int_equal(log[0].at, 0);                    /* untranslated request */
	assert_non_null(strstr(log[0].reason_name, "SPT.2"));
	assert_true(log[0].time > 0);
	assert_int_equal(fx_stat(&f, "drv.vtd.fault.records"), 1);
	/* the record was cleared: nothing more to read */
	assert_int_equal(vtd_drv_poll(&f.inst), 0);
	fx_fini(&f);
}

/* Eight recording registers (CAP.NFR): faults beyond them while nobody drains are lost
 * (FSTS.PFO); after draining, recording resumes. */
static void t_hardware_overflow(void **state)
{
	fx_t f;
	pci_dev_t *d;
	const vtd_drv_fault_t *log;

	(void)state;
	fx_init(&f, NULL);
	d = fx_dev(&f, 2, false, false, 0);
	assert_int_equal(f.ops->attach_blocked(f.iommu, d, &f.err), 0);
	for (int i = 0; i < 10; i++)
		assert_int_equal(poke(&f, d, 0x100000 + i * SZ_4K).status, IOMMUSIM_DMA_FAULT);
	assert_int_equal(vtd_drv_poll(&f.inst), 8);
	assert_int_equal(vtd_drv_fault_log(&f.inst, &log), 8);
	for (int i = 0; i < 8; i++)
		assert_int_equal(log[i].addr, 0x100000 + i * SZ_4K);
	assert_int_equal(fx_stat(&f, "vtd0.fault.overflow"), 2);
	assert_int_equal(fx_reg(&f, 0x034, 4) & 1, 0);     /* PFO cleared by the handler */
	assert_int_equal(poke(&f, d, 0x200000).status, IOMMUSIM_DMA_FAULT);
	assert_int_equal(vtd_drv_poll(&f.inst), 1);
	assert_int_equal(vtd_drv_fault_log(&f.inst, &log), 9);
	assert_int_equal(log[8].addr, 0x200000);
	fx_fini(&f);
}

static void t_fault_log_bound(void **state)
{
	fx_t f;
	pci_dev_t *d;
	const vtd_drv_fault_t *log;
	const unsigned n = VTD_DRV_FAULT_LOG_MAX + 5;

	(void)state;
	fx_init(&f, NULL);
	d = fx_dev(&f, 2, false, false, 0);
	assert_int_equal(f.ops->attach_blocked(f.iommu, d, &f.err), 0);
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(poke(&f, d, (uint64_t)i * SZ_4K).status, IOMMUSIM_DMA_FAULT);
		assert_int_equal(vtd_drv_poll(&f.inst), 1);
	}
	assert_int_equal(vtd_drv_fault_log(&f.inst, &log), VTD_DRV_FAULT_LOG_MAX);
	assert_int_equal(vtd_drv_fault_dropped(&f.inst), 5);
	/* oldest first, the five oldest gone */
	assert_int_equal(log[0].addr, 5 * SZ_4K);
	assert_int_equal(log[VTD_DRV_FAULT_LOG_MAX - 1].addr, (uint64_t)(n - 1) * SZ_4K);
	assert_int_equal(vtd_drv_fault_log(NULL, &log), 0);
	assert_null(log);
	fx_fini(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_identity_and_blocked),
		cmocka_unit_test(t_default_without_pass_through),
		cmocka_unit_test(t_fault_log_from_advance),
		cmocka_unit_test(t_hardware_overflow),
		cmocka_unit_test(t_fault_log_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
