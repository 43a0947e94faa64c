/* SPDX-License-Identifier: MIT */
/*
 * VT-d driver: bring-up (the register programming of intel-iommu's init_dmars), parameter
 * checks, capabilities, hw_info, reserved regions, device probe, domain IDs, domain
 * allocation flags, and teardown giving every frame back.
 */
#include "tests/drivers/vtd_drv_fixture.h"

static void t_bringup_scalable(void **state)
{
	fx_t f;
	uint64_t iqa, rta, pqa;

	(void)state;
	fx_init(&f, NULL);
	/* GSTS: TES (31), RTPS (30), QIES (26) */
	assert_int_equal(fx_reg(&f, R_GSTS, 4) & 0xc4000000u, 0xc4000000u);
	rta = fx_reg(&f, R_RTADDR, 8);
	assert_int_equal((rta >> 10) & 3, 1);                /* TTM = scalable */
	assert_int_equal(rta & 0x3ff, 0);
	iqa = fx_reg(&f, R_IQA, 8);
	assert_true(iqa & (1ull << 11));                      /* DW: 256-bit descriptors */
	assert_int_equal(iqa & 7, 0);                         /* one page */
	pqa = fx_reg(&f, R_PQA, 8);
	assert_int_not_equal(pqa & ~0xfffull, 0);             /* page request queue set up */
	assert_false(fx_reg(&f, R_PECTL, 4) & (1u << 31));    /* page request event unmasked */
	assert_false(fx_reg(&f, R_FECTL, 4) & (1u << 31));    /* fault event unmasked */
	assert_int_equal(fx_reg(&f, R_FEADDR, 4), 0xfee00000u);
	assert_true(vtd_drv_scalable(&f.inst));
	/* iommu_set_root_entry: global context-cache, PASID-cache and IOTLB invalidations,
	 * each a synchronous submit with its own wait (the model counts what it processed) */
	assert_int_equal(fx_stat(&f, "vtd0.iq.desc.cc"), 1);
	assert_int_equal(fx_stat(&f, "vtd0.iq.desc.pc"), 1);
	assert_int_equal(fx_stat(&f, "vtd0.iq.desc.iotlb"), 1);
	assert_int_equal(fx_stat(&f, "vtd0.iq.desc.wait"), 3);
	assert_int_equal(fx_stat(&f, "drv.vtd.qi.submits"), 3);
	/* the driver's work took simulated time */
	assert_true(iommusim_sched_now(f.sched) > 0);
	assert_true(fx_stat(&f, "drv.vtd.cpu_ps") > 0);
	fx_fini(&f);
}

static void t_bringup_legacy(void **state)
{
	static const char *const kv[] = { "drv.vtd.mode=legacy", NULL };
	fx_t f;

	(void)state;
	fx_init(&f, kv);
	assert_false(vtd_drv_scalable(&f.inst));
	assert_int_equal((fx_reg(&f, R_RTADDR, 8) >> 10) & 3, 0);
	/* DW follows ECAP.SMTS, as in dmar_enable_qi */
	assert_true(fx_reg(&f, R_IQA, 8) & (1ull << 11));
	assert_int_equal(fx_reg(&f, R_PQA, 8), 0);             /* no page requests in legacy */
	assert_int_equal(fx_stat(&f, "vtd0.iq.desc.cc"), 1);
	assert_int_equal(fx_stat(&f, "vtd0.iq.desc.pc"), 0);
	assert_int_equal(fx_stat(&f, "vtd0.iq.desc.iotlb"), 1);
	assert_int_equal(fx_stat(&f, "vtd0.iq.desc.wait"), 2);
	fx_fini(&f);
}

/* Without queued invalidation (legacy hardware) the register interface is used. */
static void t_legacy_register_invalidation(void **state)
{
	static const char *const kv[] = { FX_NO_SM_HW, "vtd.qi=0", "vtd.dt=0", NULL };
	fx_t f;
	pci_dev_t *d;
	drv_domain_t *dom;
	uint8_t buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	iommusim_dma_result_t r;
	double ctx0, iotlb0;

	(void)state;
	fx_init(&f, kv);
	assert_false(fx_reg(&f, R_GSTS, 4) & (1u << 26));     /* QIES clear */
	assert_int_equal(fx_stat(&f, "drv.vtd.qi.submits"), 0);
	d = fx_dev(&f, 2, false, false, 0);
	dom = fx_paging(&f, d, 0);
	fx_attach(&f, dom, d);
	fx_map(&f, dom, 0x10000, FX_DATA_BASE, SZ_4K, 1, DRV_PROT_READ | DRV_PROT_WRITE);
	r = fx_dma(&f, d, true, 0x10000, buf, sizeof(buf));
	assert_int_equal(r.status, IOMMUSIM_DMA_OK);
	ctx0 = fx_stat(&f, "vtd0.inval.ctx");
	iotlb0 = fx_stat(&f, "vtd0.inval.iotlb");
	assert_true(ctx0 >= 1);                               /* the global one at bring-up */
	assert_int_equal(fx_unmap(&f, dom, 0x10000, SZ_4K), SZ_4K);
	assert_int_equal(fx_stat(&f, "vtd0.inval.iotlb"), iotlb0 + 1);
	r = fx_dma(&f, d, false, 0x10000, buf, sizeof(buf));
	assert_int_equal(r.status, IOMMUSIM_DMA_FAULT);
	assert_int_equal(r.fault_reason, 0x06);               /* LGN.3: read, not present */
	fx_fini(&f);
}

static void t_param_errors(void **state)
{
	static const char *const fl_legacy[] = { "drv.vtd.mode=legacy",
						 "drv.vtd.paging=first-level", NULL };
	static const char *const sl_noslts[] = { "vtd.slts=0", "vtd.nest=0", "vtd.slads=0",
						 "drv.vtd.paging=second-level", NULL };
	fx_t f;
	drv_instance_t inst;
	iommusim_params_t *bare;

	(void)state;
	assert_int_equal(fx_init_rc(&f, fl_legacy), -EINVAL);
	assert_non_null(strstr(f.err.msg, "first-level"));
	assert_int_equal(f.live, 0);
	fx_fini(&f);

	assert_int_equal(fx_init_rc(&f, sl_noslts), -EINVAL);
	assert_non_null(strstr(f.err.msg, "SLTS"));
	fx_fini(&f);

	/* a parameter set without the driver's component */
	fx_init(&f, NULL);
	bare = iommusim_params_create();
	assert_non_null(bare);
	assert_int_equal(iommusim_params_add(bare, &iommusim_vtd_component, NULL), 0);
	assert_int_equal(vtd_drv_create(&f.env, f.hw, f.sched, bare, &inst, &f.err), -EINVAL);
	assert_non_null(strstr(f.err.msg, "drv.vtd"));
	iommusim_params_destroy(bare);
	/* no environment */
	assert_int_equal(vtd_drv_create(NULL, f.hw, f.sched, f.ps, &inst, &f.err), -EINVAL);
	assert_int_equal(vtd_drv_create_stats(&f.env, f.hw, f.sched, NULL, "", f.ps, &inst,
					      &f.err), -EINVAL);
	fx_fini(&f);
}

static void t_capabilities_hw_info(void **state)
{
	static const char *const plain[] = { "vtd.sc=0", "vtd.slads=0", NULL };
	fx_t f;
	pci_dev_t *d;
	drv_hw_info_t hi;
	uint32_t flags;
	uint64_t cap, ecap;

	(void)state;
	fx_init(&f, NULL);
	d = fx_dev(&f, 1, false, false, 20);
	assert_int_equal(f.ops->capabilities(f.iommu, d),
			 DRV_CAP_CACHE_COHERENCY | DRV_CAP_DEFERRED_FLUSH |
			 DRV_CAP_ENFORCE_CACHE_COHERENCY | DRV_CAP_DIRTY_TRACKING);
	assert_int_equal(f.ops->hw_info(f.iommu, d, 0, &hi, &f.err), 0);
	assert_int_equal(hi.type, 1);                       /* IOMMU_HW_INFO_TYPE_INTEL_VTD */
	assert_int_equal(hi.len, 24);
	memcpy(&flags, hi.data, 4);
	memcpy(&cap, hi.data + 8, 8);
	memcpy(&ecap, hi.data + 16, 8);
	assert_int_equal(flags, 1);                         /* ERRATA_772415_SPR17 */
	assert_int_equal(cap, fx_reg(&f, 0x008, 8));
	assert_int_equal(ecap, fx_reg(&f, 0x010, 8));
	/* ECAP.PSS + 1 = 20 bits, capped by the one-page PASID directory (2^15) */
	assert_int_equal(hi.max_pasid_log2, 15);
	assert_int_equal(f.ops->hw_info(f.iommu, d, 1, &hi, &f.err), 0);
	assert_int_equal(f.ops->hw_info(f.iommu, d, 2, &hi, &f.err), -EOPNOTSUPP);
	fx_fini(&f);

	fx_init(&f, plain);
	d = fx_dev(&f, 1, false, false, 0);
	assert_int_equal(f.ops->capabilities(f.iommu, d),
			 DRV_CAP_CACHE_COHERENCY | DRV_CAP_DEFERRED_FLUSH);
	fx_fini(&f);
}

static void t_resv_regions(void **state)
{
	fx_t f;
	pci_dev_t *d;
	drv_resv_region_t r[4];
	size_t n = 99;

	(void)state;
	fx_init(&f, NULL);
	d = fx_dev(&f, 1, false, false, 0);
	assert_int_equal(f.ops->get_resv_regions(f.iommu, d, r, 4, &n, &f.err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(r[0].start, 0xfee00000ull);
	assert_int_equal(r[0].length, 0x100000ull);
	assert_int_equal(r[0].type, DRV_RESV_MSI);
	assert_int_equal(f.ops->get_resv_regions(f.iommu, d, r, 0, &n, &f.err), -ENOSPC);
	fx_fini(&f);
}

static void t_probe(void **state)
{
	fx_t f;
	pci_dev_t *d, dup;
	uint64_t e[8], ce;

	(void)state;
	fx_init(&f, NULL);
	d = fx_dev(&f, 4, true, true, 20);
	dup = *d;
	assert_int_equal(f.ops->probe_device(f.iommu, &dup, &f.err), -EEXIST);
	/* scalable context entry: P, DTE (ATS), PASIDE, PRE, PDTS = 2, RID_PASID 0 */
	ce = fx_sm_ctx(&f, d->rid);
	assert_int_equal(ce & 0x1f, 0x1d);
	assert_int_equal((ce >> 9) & 7, 2);
	/* default domain with ECAP.PT: pass-through PASID entry for RID_PASID, DID 1 */
	assert_true(fx_pasid_entry(&f, d->rid, 0, e));
	assert_int_equal((e[0] >> 6) & 7, 4);               /* PGTT = pass-through */
	assert_int_equal(e[1] & 0xffff, 1);                 /* FLPT_DEFAULT_DID */
	f.ops->release_device(f.iommu, d);
	assert_int_equal(fx_sm_ctx(&f, d->rid) & 1, 0);
	f.ops->release_device(f.iommu, d);                  /* twice: nothing */
	fx_fini(&f);
	assert_int_equal(f.live, 0);
}

static void t_domain_ids(void **state)
{
	fx_t f;
	pci_dev_t *a, *b;
	drv_domain_t *d1, *d2, *d3;
	vtd_drv_domain_info_t i1, i2, i3;
	uint64_t e[8];

	(void)state;
	fx_init(&f, NULL);
	a = fx_dev(&f, 1, false, false, 0);
	b = fx_dev(&f, 2, false, false, 0);
	d1 = fx_paging(&f, a, 0);
	d2 = fx_paging(&f, b, 0);
	assert_int_equal(vtd_drv_domain_info(d1, &i1), 0);
	assert_int_equal(i1.did, -1);                       /* allocated on attach */
	fx_attach(&f, d1, a);
	fx_attach(&f, d2, b);
	vtd_drv_domain_info(d1, &i1);
	vtd_drv_domain_info(d2, &i2);
	/* 0 and FLPT_DEFAULT_DID (1) are reserved */
	assert_int_equal(i1.did, 2);
	assert_int_equal(i2.did, 3);
	assert_true(fx_pasid_entry(&f, a->rid, 0, e));
	assert_int_equal(e[1] & 0xffff, 2);
	/* attaching b to d1 too keeps one DID for d1 */
	fx_attach(&f, d1, b);
	vtd_drv_domain_info(d2, &i2);
	assert_int_equal(i2.did, -1);                       /* d2 lost its last attachment */
	assert_int_equal(f.ops->attach_blocked(f.iommu, a, &f.err), 0);
	assert_int_equal(f.ops->attach_blocked(f.iommu, b, &f.err), 0);
	d3 = fx_paging(&f, a, 0);
	fx_attach(&f, d3, a);
	vtd_drv_domain_info(d3, &i3);
	assert_int_equal(i3.did, 2);                        /* freed and reused */
	assert_int_equal(f.ops->attach_default(f.iommu, a, &f.err), 0);
	d1->ops->free(d1);
	d2->ops->free(d2);
	d3->ops->free(d3);
	assert_int_equal(vtd_drv_domain_info(NULL, &i1), -EINVAL);
	fx_fini(&f);
	assert_int_equal(f.live, 0);
}

static void t_alloc_flags(void **state)
{
	static const char *const legacy[] = { "drv.vtd.mode=legacy", NULL };
	static const char *const sl[] = { "drv.vtd.paging=second-level", "vtd.sllps=1", NULL };
	static const char *const nosp[] = { "drv.vtd.superpage=0", NULL };
	static const char *const nofl1g[] = { "vtd.fl1gp=0", "drv.vtd.paging=first-level", NULL };
	fx_t f;
	pci_dev_t *d;
	drv_domain_t *dom = NULL;
	drv_user_data_t data = { .type = 1 /* VTD_S1 */ };
	vtd_drv_domain_info_t info;

	(void)state;
	fx_init(&f, NULL);
	d = fx_dev(&f, 1, false, false, 0);
	assert_int_equal(f.ops->domain_alloc_paging(f.iommu, d, 1u << 2, NULL, &dom, &f.err),
			 -EOPNOTSUPP);
	assert_int_equal(f.ops->domain_alloc_paging(f.iommu, d, 0, &data, &dom, &f.err),
			 -EOPNOTSUPP);
	/* Linux's default in scalable mode with FLTS: first level */
	dom = fx_paging(&f, d, 0);
	vtd_drv_domain_info(dom, &info);
	assert_true(info.first_level);
	assert_int_equal(info.levels, 4);
	assert_int_equal(dom->pgsize_bitmap, SZ_4K | SZ_2M | SZ_1G);
	assert_int_equal(dom->aperture_end, (1ull << 47) - 1);   /* canonical: bit 47 unusable */
	dom->ops->free(dom);
	/* nest parents and dirty tracking use the second level */
	dom = fx_paging(&f, d, DRV_ALLOC_NEST_PARENT | DRV_ALLOC_DIRTY_TRACKING);
	vtd_drv_domain_info(dom, &info);
	assert_false(info.first_level);
	assert_int_equal(dom->aperture_end, (1ull << 48) - 1);
	assert_non_null(dom->ops->set_dirty_tracking);
	dom->ops->free(dom);
	dom = fx_paging(&f, d, 0);
	assert_null(dom->ops->set_dirty_tracking);
	dom->ops->free(dom);
	fx_fini(&f);

	fx_init(&f, legacy);
	d = fx_dev(&f, 1, false, false, 0);
	assert_int_equal(f.ops->domain_alloc_paging(f.iommu, d, DRV_ALLOC_NEST_PARENT, NULL, &dom,
						    &f.err), -EOPNOTSUPP);
	assert_int_equal(f.ops->domain_alloc_paging(f.iommu, d, DRV_ALLOC_DIRTY_TRACKING, NULL,
						    &dom, &f.err), -EOPNOTSUPP);
	dom = fx_paging(&f, d, 0);
	vtd_drv_domain_info(dom, &info);
	assert_false(info.first_level);
	dom->ops->free(dom);
	fx_fini(&f);

	fx_init(&f, sl);
	d = fx_dev(&f, 1, false, false, 0);
	dom = fx_paging(&f, d, 0);
	vtd_drv_domain_info(dom, &info);
	assert_false(info.first_level);
	assert_int_equal(dom->pgsize_bitmap, SZ_4K | SZ_2M);   /* SLLPS = 1: 2 MiB only */
	dom->ops->free(dom);
	fx_fini(&f);

	fx_init(&f, nosp);
	d = fx_dev(&f, 1, false, false, 0);
	dom = fx_paging(&f, d, 0);
	assert_int_equal(dom->pgsize_bitmap, SZ_4K);
	dom->ops->free(dom);
	fx_fini(&f);

	/* first level without CAP.FL1GP: 2 MiB pages only */
	fx_init(&f, nofl1g);
	d = fx_dev(&f, 1, false, false, 0);
	dom = fx_paging(&f, d, 0);
	vtd_drv_domain_info(dom, &info);
	assert_true(info.first_level);
	assert_int_equal(dom->pgsize_bitmap, SZ_4K | SZ_2M);
	dom->ops->free(dom);
	fx_fini(&f);
}

/* Destroying the instance with devices, domains and mappings still there frees it all. */
static void t_destroy_frees_everything(void **state)
{
	fx_t f;
	pci_dev_t *d;
	drv_domain_t *parent, *dom;

	(void)state;
	fx_init(&f, NULL);
	d = fx_dev(&f, 1, true, false, 8);
	dom = fx_paging(&f, d, 0);
	parent = fx_paging(&f, d, DRV_ALLOC_NEST_PARENT);
	fx_attach(&f, dom, d);
	fx_map(&f, dom, 0, FX_DATA_BASE, SZ_4K, 64, DRV_PROT_READ);
	fx_map(&f, parent, SZ_1G, FX_DATA_BASE, SZ_2M, 2, DRV_PROT_READ);
	assert_int_equal(dom->ops->set_dev_pasid(dom, d, 7, NULL, &f.err), 0);
	assert_true(f.live > 0);
	vtd_drv_destroy(&f.inst);
	assert_int_equal(f.live, 0);
	/* translation is off again */
	assert_int_equal(fx_reg(&f, R_GSTS, 4) & (1u << 31), 0);
	vtd_drv_destroy(&f.inst);                           /* twice: nothing */
	fx_fini(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_bringup_scalable),
		cmocka_unit_test(t_bringup_legacy),
		cmocka_unit_test(t_legacy_register_invalidation),
		cmocka_unit_test(t_param_errors),
		cmocka_unit_test(t_capabilities_hw_info),
		cmocka_unit_test(t_resv_regions),
		cmocka_unit_test(t_probe),
		cmocka_unit_test(t_domain_ids),
		cmocka_unit_test(t_alloc_flags),
		cmocka_unit_test(t_destroy_frees_everything),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
