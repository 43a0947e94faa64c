/* SPDX-License-Identifier: MIT */
/*
 * VT-d driver: one paging domain attached to devices behind two VT-d units, as intel-iommu
 * allows (domain_attach_iommu gives the dmar_domain a domain ID per unit; the cache tags
 * name their unit). The units' entries point at the same table, each with its own domain
 * ID; a DMA through either unit translates; an unmap posts its invalidation on both units'
 * queues; detaching the last device behind a unit frees the domain ID there while the other
 * unit goes on. A unit that lacks a capability the domain needs (address width, second-level
 * dirty bits) or that would flush it with other parameters refuses it with -EINVAL.
 *
 * The fixture builds unit 0 ("vtd0", driver statistics "drv.vtd.*"); this file adds unit 1
 * ("vtd1", "drv.vtd1.*") to the same system, memory, scheduler and frame allocator, and
 * links the two drivers with ops->add_peer as iommufd does.
 */
#include "tests/drivers/vtd_drv_fixture.h"

#define RW (DRV_PROT_READ | DRV_PROT_WRITE)
#define IOVA 0x100000ull

#define Q_DID(q)   (((q)[0] >> 16) & 0xffff)   /* 6.5.2.4: PASID-based IOTLB, DID 31:16 */
#define PIOTLB     6u                           /* descriptor type */
#define FR_FL_NP   0x71u                        /* SFL.2: first-level entry not present */

struct unit1 {
	iommusim_params_t *ps;
	iommusim_model_t *hw;
	drv_instance_t inst;
};

/* Unit 1 with the fixture's defaults and kv overrides, its driver linked to unit 0's. */
static void unit1_init(fx_t *f, struct unit1 *u, const char *const *kv)
{
	u->ps = iommusim_params_create_all();
	assert_non_null(u->ps);
	assert_int_equal(iommusim_params_add(u->ps, &vtd_drv_component, NULL), 0);
	for (; kv && *kv; kv++)
		if (iommusim_params_set_kv(u->ps, *kv, &f->err))
			fail_msg("parameter %s: %s", *kv, f->err.msg);
	if (iommusim_system_add_iommu(f->sys, "vtd", "vtd1", u->ps, &f->err) != 1)
		fail_msg("add_iommu: %s", f->err.msg);
	u->hw = iommusim_system_iommu(f->sys, 1);
	if (vtd_drv_create_stats(&f->env, u->hw, f->sched, f->stats, "vtd1", u->ps, &u->inst,
				 &f->err))
		fail_msg("vtd_drv_create vtd1: %s", f->err.msg);
	assert_int_equal(u->inst.ops->add_peer(f->iommu, u->inst.iommu, &f->err), 0);
	/* idempotent: a second link changes nothing */
	assert_int_equal(f->ops->add_peer(u->inst.iommu, f->iommu, &f->err), 0);
}

static void unit1_fini(struct unit1 *u)
{
	vtd_drv_destroy(&u->inst);
}

/* A device on bus 0x83 behind unit 1, probed by its driver; fx_dma reaches it. */
static pci_dev_t *unit1_dev(fx_t *f, struct unit1 *u, unsigned devno)
{
	pci_dev_t *d = &f->devs[f->ndevs];
	iommusim_endpoint_cfg_t cfg;

	assert_true(f->ndevs < FX_MAX_DEVS);
	memset(d, 0, sizeof(*d));
	d->bdf.bus = 0x83;
	d->bdf.dev = (uint8_t)devno;
	d->rid = (uint16_t)(0x83 << 8 | devno << 3);
	d->iommu = 1;
	snprintf(d->name, sizeof(d->name), "0000:83:%02x.0", devno);
	d->index = f->ndevs;
	iommusim_endpoint_cfg_default(&cfg);
	cfg.rid = d->rid;
	f->eps[f->ndevs] = iommusim_system_add_endpoint(f->sys, 1, &cfg, d->name, &f->err);
	if (!f->eps[f->ndevs])
		fail_msg("endpoint: %s", f->err.msg);
	if (u->inst.ops->probe_device(u->inst.iommu, d, &f->err))
		fail_msg("probe: %s", f->err.msg);
	f->ndevs++;
	return d;
}

/* The fixture's register readers look at f->hw; these point them at unit 1 for one call. */
static bool unit1_pasid_entry(fx_t *f, struct unit1 *u, uint16_t rid, uint64_t e[8])
{
	iommusim_model_t *hw0 = f->hw;
	bool ok;

	f->hw = u->hw;
	ok = fx_pasid_entry(f, rid, 0, e);
	f->hw = hw0;
	return ok;
}

static void unit1_desc_back(fx_t *f, struct unit1 *u, unsigned k, uint64_t q[4])
{
	iommusim_model_t *hw0 = f->hw;

	f->hw = u->hw;
	fx_desc_back(f, k, q);
	f->hw = hw0;
}

static iommusim_dma_result_t dma(fx_t *f, const pci_dev_t *d, bool write, uint8_t *buf)
{
	return fx_dma(f, d, write, IOVA, buf, 8);
}

/* ---- one domain, two units ------------------------------------------------------------------ */

static void t_shared_domain(void **state)
{
	fx_t f;
	struct unit1 u;
	pci_dev_t *a, *b, *c;
	drv_domain_t *dom, *other, *later;
	vtd_drv_domain_info_t info;
	uint64_t e[8], q[4];
	uint8_t wbuf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, rbuf[8] = { 0 };
	double p0, p1, s1;
	iommusim_dma_result_t r;

	(void)state;
	fx_init(&f, NULL);
	unit1_init(&f, &u, NULL);
	a = fx_dev(&f, 3, false, false, 0);                 /* 00:03.0 behind unit 0 */
	b = unit1_dev(&f, &u, 0);                           /* 83:00.0 behind unit 1 */
	c = unit1_dev(&f, &u, 1);                           /* 83:01.0 behind unit 1 */

	/* unit 1 hands out DID 2 first (0 and 1 are reserved): give it to a domain of its own,
	 * kept by c, so that the shared domain's ID differs on the two units */
	other = NULL;
	assert_int_equal(u.inst.ops->domain_alloc_paging(u.inst.iommu, c, 0, NULL, &other,
							 &f.err), 0);
	fx_attach(&f, other, c);
	assert_int_equal(vtd_drv_domain_did(other, &u.inst), 2);

	/* the shared domain, allocated on unit 0: DID 2 there, the next free (3) on unit 1 */
	dom = fx_paging(&f, a, 0);
	fx_attach(&f, dom, a);
	fx_attach(&f, dom, b);
	assert_int_equal(vtd_drv_domain_did(dom, &f.inst), 2);
	assert_int_equal(vtd_drv_domain_did(dom, &u.inst), 3);
	assert_int_equal(vtd_drv_domain_info(dom, &info), 0);
	assert_int_equal(info.units, 2);
	assert_true(info.first_level);                      /* scalable mode with ECAP.FLTS */

	/* each unit's RID_PASID entry: first level (PGTT 001b, qw0 bits 8:6), the same
	 * table pointer (qw2 bits 63:12), the unit's own DID (qw1 bits 15:0) */
	assert_true(fx_pasid_entry(&f, a->rid, 0, e));
	assert_int_equal((e[0] >> 6) & 7, 1);
	assert_int_equal(e[2] & ~0xfffull, info.root);
	assert_int_equal(e[1] & 0xffff, 2);
	assert_true(unit1_pasid_entry(&f, &u, b->rid, e));
	assert_int_equal((e[0] >> 6) & 7, 1);
	assert_int_equal(e[2] & ~0xfffull, info.root);
	assert_int_equal(e[1] & 0xffff, 3);

	/* one mapping, seen through both units: what a writes, b reads */
	fx_map(&f, dom, IOVA, FX_DATA_BASE, SZ_4K, 1, RW);
	assert_int_equal(dma(&f, a, true, wbuf).status, IOMMUSIM_DMA_OK);
	assert_int_equal(dma(&f, b, false, rbuf).status, IOMMUSIM_DMA_OK);
	assert_memory_equal(rbuf, wbuf, sizeof(wbuf));

	/* unmap (batched policy, no ATS): one PASID-based IOTLB invalidation of the page on
	 * each unit's queue, each with that unit's DID, each followed by its wait */
	p0 = fx_stat(&f, "vtd0.iq.desc.piotlb");
	p1 = fx_stat(&f, "vtd1.iq.desc.piotlb");
	s1 = fx_stat(&f, "drv.vtd1.qi.submits");
	assert_int_equal(fx_unmap(&f, dom, IOVA, SZ_4K), SZ_4K);
	assert_int_equal(fx_stat(&f, "vtd0.iq.desc.piotlb"), p0 + 1);
	assert_int_equal(fx_stat(&f, "vtd1.iq.desc.piotlb"), p1 + 1);
	assert_int_equal(fx_stat(&f, "drv.vtd1.qi.submits"), s1 + 1);
	fx_desc_back(&f, 2, q);
	assert_int_equal(fx_desc_type(q), PIOTLB);
	assert_int_equal(Q_DID(q), 2);
	unit1_desc_back(&f, &u, 2, q);
	assert_int_equal(fx_desc_type(q), PIOTLB);
	assert_int_equal(Q_DID(q), 3);
	r = dma(&f, a, false, rbuf);
	assert_int_equal(r.status, IOMMUSIM_DMA_FAULT);
	assert_int_equal(r.fault_reason, FR_FL_NP);
	r = dma(&f, b, false, rbuf);
	assert_int_equal(r.status, IOMMUSIM_DMA_FAULT);
	assert_int_equal(r.fault_reason, FR_FL_NP);

	/* b leaves: the domain's DID 3 on unit 1 is free again (the next domain attached
	 * there gets it, 2 being still other's), and the domain spans unit 0 alone */
	assert_int_equal(u.inst.ops->attach_blocked(u.inst.iommu, b, &f.err), 0);
	assert_int_equal(vtd_drv_domain_did(dom, &u.inst), -1);
	vtd_drv_domain_info(dom, &info);
	assert_int_equal(info.units, 1);
	later = NULL;
	assert_int_equal(u.inst.ops->domain_alloc_paging(u.inst.iommu, b, 0, NULL, &later,
							 &f.err), 0);
	fx_attach(&f, later, b);
	assert_int_equal(vtd_drv_domain_did(later, &u.inst), 3);

	/* unit 0 goes on, and its flushes stay on its own queue */
	p0 = fx_stat(&f, "vtd0.iq.desc.piotlb");
	p1 = fx_stat(&f, "vtd1.iq.desc.piotlb");
	fx_map(&f, dom, IOVA, FX_DATA_BASE, SZ_4K, 1, RW);
	assert_int_equal(dma(&f, a, false, rbuf).status, IOMMUSIM_DMA_OK);
	assert_int_equal(fx_unmap(&f, dom, IOVA, SZ_4K), SZ_4K);
	assert_int_equal(fx_stat(&f, "vtd0.iq.desc.piotlb"), p0 + 1);
	assert_int_equal(fx_stat(&f, "vtd1.iq.desc.piotlb"), p1);
	assert_int_equal(dma(&f, a, false, rbuf).status, IOMMUSIM_DMA_FAULT);

	assert_int_equal(f.ops->attach_blocked(f.iommu, a, &f.err), 0);
	assert_int_equal(u.inst.ops->attach_blocked(u.inst.iommu, b, &f.err), 0);
	assert_int_equal(u.inst.ops->attach_blocked(u.inst.iommu, c, &f.err), 0);
	dom->ops->free(dom);
	later->ops->free(later);
	other->ops->free(other);
	unit1_fini(&u);
	fx_fini(&f);
	iommusim_params_destroy(u.ps);
	assert_int_equal(f.live, 0);
}

/* Legacy mode (second-level tables in context entries): each unit's context entry carries
 * the shared table and its own DID (9.3: qw0 bits 63:12, qw1 bits 23:8). Unit 0's device
 * leaves first; unit 1's stays attached, so freeing the domain has to block it there. */
static void t_legacy_and_teardown(void **state)
{
	static const char *const legacy[] = { "drv.vtd.mode=legacy", NULL };
	fx_t f;
	struct unit1 u;
	pci_dev_t *a, *b;
	drv_domain_t *dom;
	vtd_drv_domain_info_t info;
	uint64_t ce[2];
	uint8_t buf[8];
	iommusim_model_t *hw0;

	(void)state;
	fx_init(&f, legacy);
	unit1_init(&f, &u, legacy);
	a = fx_dev(&f, 3, false, false, 0);
	b = unit1_dev(&f, &u, 0);
	dom = fx_paging(&f, a, 0);
	fx_attach(&f, dom, a);
	fx_attach(&f, dom, b);
	vtd_drv_domain_info(dom, &info);
	assert_false(info.first_level);
	fx_legacy_ctx(&f, a->rid, ce);
	assert_int_equal(ce[0] & ~0xfffull, info.root);
	assert_int_equal((ce[1] >> 8) & 0xffff, 2);
	hw0 = f.hw;
	f.hw = u.hw;
	fx_legacy_ctx(&f, b->rid, ce);
	f.hw = hw0;
	assert_int_equal(ce[0] & ~0xfffull, info.root);
	assert_int_equal((ce[1] >> 8) & 0xffff, 2);         /* unit 1's first free DID */
	fx_map(&f, dom, IOVA, FX_DATA_BASE, SZ_4K, 1, RW);
	assert_int_equal(dma(&f, b, false, buf).status, IOMMUSIM_DMA_OK);

	/* freeing the domain with b still attached blocks b (context entry cleared) */
	assert_int_equal(f.ops->attach_blocked(f.iommu, a, &f.err), 0);
	assert_int_equal(fx_unmap(&f, dom, IOVA, SZ_4K), SZ_4K);
	dom->ops->free(dom);
	f.hw = u.hw;
	fx_legacy_ctx(&f, b->rid, ce);
	f.hw = hw0;
	assert_int_equal(ce[0] & 1, 0);
	assert_int_equal(dma(&f, b, false, buf).status, IOMMUSIM_DMA_FAULT);
	unit1_fini(&u);
	fx_fini(&f);
	iommusim_params_destroy(u.ps);
	assert_int_equal(f.live, 0);
}

/* ---- incompatible units ---------------------------------------------------------------------- */

/* Attaching a domain of unit 0 (allocated with flags) to a device behind a unit 1 built with
 * kv: -EINVAL with a message naming want; nothing of the domain lands on unit 1. */
static void refused(const char *const *kv0, const char *const *kv1, uint32_t flags,
		    const char *want)
{
	fx_t f;
	struct unit1 u;
	pci_dev_t *a, *b;
	drv_domain_t *dom;
	uint64_t e[8];

	fx_init(&f, kv0);
	unit1_init(&f, &u, kv1);
	a = fx_dev(&f, 3, false, false, 0);
	b = unit1_dev(&f, &u, 0);
	dom = fx_paging(&f, a, flags);
	fx_attach(&f, dom, a);
	assert_int_equal(dom->ops->attach_dev(dom, b, &f.err), -EINVAL);
	if (!strstr(f.err.msg, want))
		fail_msg("expected '%s' in: %s", want, f.err.msg);
	assert_int_equal(vtd_drv_domain_did(dom, &u.inst), -1);
	/* b stays in its default domain: pass-through (PGTT 100b) with FLPT_DEFAULT_DID */
	assert_true(unit1_pasid_entry(&f, &u, b->rid, e));
	assert_int_equal((e[0] >> 6) & 7, 4);
	assert_int_equal(e[1] & 0xffff, 1);
	assert_int_equal(f.ops->attach_blocked(f.iommu, a, &f.err), 0);
	dom->ops->free(dom);
	unit1_fini(&u);
	fx_fini(&f);
	iommusim_params_destroy(u.ps);
	assert_int_equal(f.live, 0);
}

static void t_narrower_unit(void **state)
{
	/* unit 1: only 3-level (39-bit) tables (SAGAW bit 1) and MGAW 39; unit 0's domain
	 * has 48-bit addresses (4 levels) */
	static const char *const narrow[] = { "vtd.sagaw=2", "vtd.mgaw=39", NULL };

	(void)state;
	refused(NULL, narrow, 0, "48-bit address width is wider than the IOMMU's 39 bits");
}

static void t_unit_without_dirty_bits(void **state)
{
	/* a dirty-tracking domain (second level, SLADE) on a unit without ECAP.SLADS */
	static const char *const noslads[] = { "vtd.slads=0", NULL };

	(void)state;
	refused(NULL, noslads, DRV_ALLOC_DIRTY_TRACKING, "ECAP.SLADS");
}

static void t_unit_without_1g_first_level(void **state)
{
	/* unit 0's first-level domain may hold 1 GiB pages; unit 1 lacks CAP.FL1GP */
	static const char *const nofl1g[] = { "vtd.fl1gp=0", NULL };

	(void)state;
	refused(NULL, nofl1g, 0, "CAP.FL1GP");
}

static void t_unit_with_other_flush_policy(void **state)
{
	/* not a capability: unit 1 is set up to flush lazily, and the domain flushes as its
	 * own unit does */
	static const char *const lazy[] = { "drv.vtd.flush=deferred", NULL };

	(void)state;
	refused(NULL, lazy, 0, "drv.vtd.flush differs");
}

/* Without a link, a device behind another unit is unknown to the domain's driver. */
static void t_unlinked_unit(void **state)
{
	fx_t f;
	struct unit1 u;
	pci_dev_t *a, *b;
	drv_domain_t *dom;

	(void)state;
	fx_init(&f, NULL);
	unit1_init(&f, &u, NULL);
	a = fx_dev(&f, 3, false, false, 0);
	b = unit1_dev(&f, &u, 0);
	dom = fx_paging(&f, a, 0);
	/* destroying unit 1's driver unlinks it; b's pci_dev_t now names no probed device */
	unit1_fini(&u);
	assert_int_equal(dom->ops->attach_dev(dom, b, &f.err), -EINVAL);
	assert_non_null(strstr(f.err.msg, "0000:83:00.0 is behind neither this IOMMU"));
	dom->ops->free(dom);
	fx_fini(&f);
	iommusim_params_destroy(u.ps);
	assert_int_equal(f.live, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_shared_domain),
		cmocka_unit_test(t_legacy_and_teardown),
		cmocka_unit_test(t_narrower_unit),
		cmocka_unit_test(t_unit_without_dirty_bits),
		cmocka_unit_test(t_unit_without_1g_first_level),
		cmocka_unit_test(t_unit_with_other_flush_policy),
		cmocka_unit_test(t_unlinked_unit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
