/* SPDX-License-Identifier: MIT */
/*
 * VT-d driver: nested domains. The test plays the guest: it builds a first-level table in
 * guest-physical memory (backed through the NEST_PARENT domain's second-level mappings),
 * allocates the nested domain from IOMMU_HWPT_DATA_VTD_S1, attaches it and checks a DMA
 * lands at guest IOVA -> GPA -> HPA; then guest user invalidations, parent changes, and the
 * errnos of bad user data.
 */
#include "tests/drivers/vtd_drv_fixture.h"

#include "host-shim/uapi/iommufd_abi.h"

#define RW (DRV_PROT_READ | DRV_PROT_WRITE)

/* Guest layout: four table pages and one data page, at these GPAs and host pages. */
#define GPA_TBL   0x10000000ull
#define HPA_TBL   (FX_DATA_BASE + 0x100000)
#define GPA_DATA  0x20000000ull
#define HPA_DATA  (FX_DATA_BASE + 0x200000)
#define GIOVA     0x7f0000001000ull

/* First-level entry bits (spec 9.7): P, R/W, U/S, A, D. */
#define G_P  0x1ull
#define G_RW 0x2ull
#define G_US 0x4ull
#define G_A  0x20ull
#define G_D  0x40ull

struct nest {
	fx_t f;
	pci_dev_t *d;
	drv_domain_t *parent, *nested;
	int did;
};

static uint64_t gidx(uint64_t va, unsigned level)
{
	return (va >> (12 + 9 * (level - 1))) & 511;
}

static uint64_t l1_slot(void)
{
	return HPA_TBL + 3 * SZ_4K + gidx(GIOVA, 1) * 8;
}

/* The guest's 4-level table: page k of the table area holds level 4 - k. */
static void guest_tables(fx_t *f)
{
	for (unsigned k = 0; k < 3; k++)
		iommusim_mem_write64(f->mem, HPA_TBL + k * SZ_4K + gidx(GIOVA, 4 - k) * 8,
				     (GPA_TBL + (k + 1) * SZ_4K) | G_P | G_RW | G_US | G_A);
	iommusim_mem_write64(f->mem, l1_slot(), GPA_DATA | G_P | G_RW | G_US | G_A | G_D);
}

static int alloc_nested(fx_t *f, pci_dev_t *d, drv_domain_t *parent, uint32_t flags,
			uint32_t type, const void *blob, uint32_t len, drv_domain_t **out)
{
	drv_user_data_t data = { .type = type, .len = len, .uptr = fx_user(f, blob, len),
				 .mm = fx_mm(f) };

	return f->ops->domain_alloc_nested(f->iommu, d, parent, flags, &data, out, &f->err);
}

static void setup(struct nest *n, const char *const *kv, bool ats)
{
	struct uapi_iommu_hwpt_vtd_s1 s1 = { .flags = 0, .pgtbl_addr = GPA_TBL,
					     .addr_width = 48 };
	vtd_drv_domain_info_t i;

	fx_init(&n->f, kv);
	n->d = fx_dev(&n->f, 6, ats, false, 0);
	n->parent = fx_paging(&n->f, n->d, DRV_ALLOC_NEST_PARENT);
	fx_map(&n->f, n->parent, GPA_TBL, HPA_TBL, SZ_4K, 4, RW);
	fx_map(&n->f, n->parent, GPA_DATA, HPA_DATA, SZ_4K, 1, RW);
	guest_tables(&n->f);
	if (alloc_nested(&n->f, n->d, n->parent, 0, UAPI_IOMMU_HWPT_DATA_VTD_S1, &s1, sizeof(s1),
			 &n->nested))
		fail_msg("alloc_nested: %s", n->f.err.msg);
	assert_int_equal(n->nested->type, DRV_DOMAIN_NESTED);
	assert_ptr_equal(n->nested->parent, n->parent);
	fx_attach(&n->f, n->nested, n->d);
	vtd_drv_domain_info(n->nested, &i);
	n->did = i.did;
}

static void teardown(struct nest *n)
{
	assert_int_equal(n->f.ops->attach_blocked(n->f.iommu, n->d, &n->f.err), 0);
	n->nested->ops->free(n->nested);
	fx_unmap(&n->f, n->parent, GPA_TBL, 4 * SZ_4K);
	fx_unmap(&n->f, n->parent, GPA_DATA, SZ_4K);
	n->parent->ops->free(n->parent);
	fx_fini(&n->f);
	assert_int_equal(n->f.live, 0);
}

static int invalidate(struct nest *n, const struct uapi_iommu_hwpt_vtd_s1_invalidate *e,
		      uint32_t num, uint32_t entry_len, uint32_t type, uint32_t *done)
{
	drv_user_array_t a = { .type = type, .entry_len = entry_len, .entry_num = num,
			       .uptr = fx_user(&n->f, e, (size_t)entry_len * num),
			       .mm = fx_mm(&n->f) };
	int rc = n->nested->ops->cache_invalidate_user(n->nested, &a, &n->f.err);

	*done = a.entry_num;
	return rc;
}

static void t_nested_translation(void **state)
{
	struct nest n;
	vtd_drv_domain_info_t pi;
	uint8_t out[32], in[32];
	uint64_t e[8];

	(void)state;
	setup(&n, NULL, false);
	/* PASID entry of RID_PASID: PGTT nested, the parent's table as second level, the
	 * guest's GPA as first level, the nested domain's own DID */
	assert_true(fx_pasid_entry(&n.f, n.d->rid, 0, e));
	vtd_drv_domain_info(n.parent, &pi);
	assert_int_equal((e[0] >> 6) & 7, 3);
	assert_int_equal(e[0] & ~0xfffull, pi.root);
	assert_int_equal((e[0] >> 2) & 7, 2);               /* AW: 48-bit */
	assert_int_equal(e[2] & ~0xfffull, GPA_TBL);
	assert_int_equal((e[2] >> 2) & 3, 0);               /* FLPM: 4-level */
	assert_int_equal(e[1] & 0xffff, (unsigned)n.did);
	assert_true(n.did >= 2);

	for (unsigned i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(0x90 + i);
	assert_int_equal(fx_dma(&n.f, n.d, true, GIOVA + 0x10, out, sizeof(out)).status,
			 IOMMUSIM_DMA_OK);
	assert_int_equal(iommusim_mem_read(n.f.mem, HPA_DATA + 0x10, in, sizeof(in)), 0);
	assert_memory_equal(in, out, sizeof(in));
	teardown(&n);
}

static void t_user_invalidation(void **state)
{
	struct nest n;
	struct uapi_iommu_hwpt_vtd_s1_invalidate inv = { .addr = GIOVA, .npages = 1 };
	uint8_t buf[8];
	uint64_t q[4];
	uint32_t done;
	double p0;

	(void)state;
	setup(&n, NULL, false);
	assert_int_equal(fx_dma(&n.f, n.d, false, GIOVA, buf, 8).status, IOMMUSIM_DMA_OK);
	/* the guest unmaps; until it invalidates, the IOTLB still holds the translation */
	iommusim_mem_write64(n.f.mem, l1_slot(), 0);
	assert_int_equal(fx_dma(&n.f, n.d, false, GIOVA, buf, 8).status, IOMMUSIM_DMA_OK);
	p0 = fx_stat(&n.f, "vtd0.iq.desc.piotlb");
	assert_int_equal(invalidate(&n, &inv, 1, sizeof(inv), 0, &done), 0);
	assert_int_equal(done, 1);
	assert_int_equal(fx_stat(&n.f, "vtd0.iq.desc.piotlb"), p0 + 1);
	/* PASID-based IOTLB: page-selective in PASID 0 of the nested DID */
	fx_desc_back(&n.f, 2, q);
	assert_int_equal(fx_desc_type(q), 6);
	assert_int_equal((q[0] >> 4) & 3, 3);
	assert_int_equal((q[0] >> 16) & 0xffff, (unsigned)n.did);
	assert_int_equal((q[0] >> 32) & 0xfffff, 0);
	assert_int_equal(q[1], GIOVA | 0);
	iommusim_dma_result_t r = fx_dma(&n.f, n.d, false, GIOVA, buf, 8);
	assert_int_equal(r.status, IOMMUSIM_DMA_FAULT);
	assert_int_equal(r.fault_reason, 0x71);             /* SFL.2 */

	/* LEAF sets the hint; npages = U64_MAX with addr 0 flushes the whole PASID */
	guest_tables(&n.f);
	inv.flags = UAPI_IOMMU_VTD_INV_FLAGS_LEAF;
	assert_int_equal(invalidate(&n, &inv, 1, sizeof(inv), 0, &done), 0);
	fx_desc_back(&n.f, 2, q);
	assert_int_equal(q[1], GIOVA | 0x40);
	struct uapi_iommu_hwpt_vtd_s1_invalidate all = { .addr = 0, .npages = UINT64_MAX };
	assert_int_equal(invalidate(&n, &all, 1, sizeof(all), 0, &done), 0);
	fx_desc_back(&n.f, 2, q);
	assert_int_equal(fx_desc_type(q), 6);
	assert_int_equal((q[0] >> 4) & 3, 2);
	assert_int_equal(fx_dma(&n.f, n.d, false, GIOVA, buf, 8).status, IOMMUSIM_DMA_OK);
	teardown(&n);
}

/* With ATS, the RID's device TLB is invalidated with a type-3 descriptor; a change of the
 * parent flushes the nested DID in the parent's format and the whole device TLB. */
static void t_nested_ats_and_parent_change(void **state)
{
	struct nest n;
	struct uapi_iommu_hwpt_vtd_s1_invalidate inv = { .addr = GIOVA, .npages = 1 };
	uint8_t buf[8];
	uint64_t q[4];
	uint32_t done;

	(void)state;
	setup(&n, NULL, true);
	assert_int_equal(fx_dma(&n.f, n.d, false, GIOVA, buf, 8).status, IOMMUSIM_DMA_OK);
	assert_int_equal(invalidate(&n, &inv, 1, sizeof(inv), 0, &done), 0);
	fx_desc_back(&n.f, 3, q);
	assert_int_equal(fx_desc_type(q), 6);
	fx_desc_back(&n.f, 2, q);
	assert_int_equal(fx_desc_type(q), 3);
	assert_int_equal((q[0] >> 32) & 0xffff, n.d->rid);
	assert_int_equal(q[1], GIOVA);                       /* one page: S = 0 */

	/* the parent drops the data page: IOTLB invalidation with the nested DID (type 2, the
	 * parent is second level) and a full device-TLB invalidation */
	assert_int_equal(fx_dma(&n.f, n.d, false, GIOVA, buf, 8).status, IOMMUSIM_DMA_OK);
	assert_int_equal(fx_unmap(&n.f, n.parent, GPA_DATA, SZ_4K), SZ_4K);
	fx_desc_back(&n.f, 3, q);
	assert_int_equal(fx_desc_type(q), 2);
	assert_int_equal((q[0] >> 16) & 0xffff, (unsigned)n.did);
	fx_desc_back(&n.f, 2, q);
	assert_int_equal(fx_desc_type(q), 3);
	assert_int_equal(q[1], 0x7ffffffffffff001ull);
	iommusim_dma_result_t r = fx_dma(&n.f, n.d, false, GIOVA, buf, 8);
	assert_int_equal(r.status, IOMMUSIM_DMA_FAULT);
	assert_int_equal(r.fault_reason, 0x86);             /* SGN.7: no second-level read */
	fx_map(&n.f, n.parent, GPA_DATA, HPA_DATA, SZ_4K, 1, RW);
	teardown(&n);
}

static void t_invalidation_errors(void **state)
{
	struct nest n;
	struct uapi_iommu_hwpt_vtd_s1_invalidate e[3];
	uint8_t wide[2][32];
	uint32_t done = 99;

	(void)state;
	setup(&n, NULL, false);
	memset(e, 0, sizeof(e));
	e[0].addr = GIOVA;
	e[0].npages = 1;
	e[1] = e[0];
	e[2] = e[0];
	/* unknown flag in the second entry: one handled */
	e[1].flags = 2;
	assert_int_equal(invalidate(&n, e, 3, sizeof(e[0]), 0, &done), -EOPNOTSUPP);
	assert_int_equal(done, 1);
	e[1].flags = 0;
	e[1].reserved = 1;
	assert_int_equal(invalidate(&n, e, 3, sizeof(e[0]), 0, &done), -EOPNOTSUPP);
	assert_int_equal(done, 1);
	e[1].reserved = 0;
	/* unaligned address in the third */
	e[2].addr = GIOVA + 0x10;
	assert_int_equal(invalidate(&n, e, 3, sizeof(e[0]), 0, &done), -EINVAL);
	assert_int_equal(done, 2);
	/* npages U64_MAX with an address */
	e[0].npages = UINT64_MAX;
	assert_int_equal(invalidate(&n, e, 1, sizeof(e[0]), 0, &done), -EINVAL);
	assert_int_equal(done, 0);
	/* wrong data type: nothing handled */
	e[0].npages = 1;
	assert_int_equal(invalidate(&n, e, 1, sizeof(e[0]), 7, &done), -EINVAL);
	assert_int_equal(done, 0);
	/* entries shorter than the struct */
	assert_int_equal(invalidate(&n, e, 1, 16, 0, &done), -EINVAL);
	assert_int_equal(done, 0);
	/* longer entries: a zero tail is fine, a non-zero one is -E2BIG */
	memset(wide, 0, sizeof(wide));
	memcpy(wide[0], &e[0], sizeof(e[0]));
	memcpy(wide[1], &e[0], sizeof(e[0]));
	assert_int_equal(invalidate(&n, (const void *)wide, 2, 32, 0, &done), 0);
	assert_int_equal(done, 2);
	wide[1][30] = 1;
	assert_int_equal(invalidate(&n, (const void *)wide, 2, 32, 0, &done), -E2BIG);
	assert_int_equal(done, 1);
	/* zero entries */
	assert_int_equal(invalidate(&n, e, 0, sizeof(e[0]), 0, &done), 0);
	assert_int_equal(done, 0);
	teardown(&n);
}

static void t_alloc_errors(void **state)
{
	static const char *const legacy[] = { "drv.vtd.mode=legacy", NULL };
	static const char *const nosrs[] = { "vtd.srs=0", NULL };
	fx_t f;
	pci_dev_t *d;
	drv_domain_t *parent, *plain, *nd = NULL;
	struct uapi_iommu_hwpt_vtd_s1 s1 = { .pgtbl_addr = GPA_TBL, .addr_width = 48 };
	uint8_t wide[40];

	(void)state;
	fx_init(&f, NULL);
	d = fx_dev(&f, 6, false, false, 0);
	parent = fx_paging(&f, d, DRV_ALLOC_NEST_PARENT);
	plain = fx_paging(&f, d, 0);
	/* wrong data type, a flag other than PASID */
	assert_int_equal(alloc_nested(&f, d, parent, 0, UAPI_IOMMU_HWPT_DATA_ARM_SMMUV3, &s1,
				      sizeof(s1), &nd), -EOPNOTSUPP);
	assert_int_equal(alloc_nested(&f, d, parent, DRV_ALLOC_NEST_PARENT,
				      UAPI_IOMMU_HWPT_DATA_VTD_S1, &s1, sizeof(s1), &nd),
			 -EOPNOTSUPP);
	/* a parent that is not a nest parent */
	assert_int_equal(alloc_nested(&f, d, plain, 0, UAPI_IOMMU_HWPT_DATA_VTD_S1, &s1,
				      sizeof(s1), &nd), -EINVAL);
	/* shorter than the struct, longer with a non-zero tail */
	assert_int_equal(alloc_nested(&f, d, parent, 0, UAPI_IOMMU_HWPT_DATA_VTD_S1, &s1, 16,
				      &nd), -EINVAL);
	memset(wide, 0, sizeof(wide));
	memcpy(wide, &s1, sizeof(s1));
	wide[36] = 0xff;
	assert_int_equal(alloc_nested(&f, d, parent, 0, UAPI_IOMMU_HWPT_DATA_VTD_S1, wide,
				      sizeof(wide), &nd), -E2BIG);
	/* an unreadable pointer */
	drv_user_data_t bad = { .type = UAPI_IOMMU_HWPT_DATA_VTD_S1, .len = sizeof(s1),
				.uptr = 1ull << 60, .mm = fx_mm(&f) };
	assert_int_equal(f.ops->domain_alloc_nested(f.iommu, d, parent, 0, &bad, &nd, &f.err),
			 -EFAULT);
	/* accepted at allocation, refused at attach: the address width */
	s1.addr_width = 39;
	assert_int_equal(alloc_nested(&f, d, parent, DRV_ALLOC_PASID, UAPI_IOMMU_HWPT_DATA_VTD_S1,
				      &s1, sizeof(s1), &nd), 0);
	assert_int_equal(nd->ops->attach_dev(nd, d, &f.err), -EINVAL);
	nd->ops->free(nd);
	/* 5-level without CAP.FL5LP */
	s1.addr_width = 57;
	assert_int_equal(alloc_nested(&f, d, parent, 0, UAPI_IOMMU_HWPT_DATA_VTD_S1, &s1,
				      sizeof(s1), &nd), 0);
	assert_int_equal(nd->ops->attach_dev(nd, d, &f.err), -EINVAL);
	nd->ops->free(nd);
	plain->ops->free(plain);
	parent->ops->free(parent);
	fx_fini(&f);

	fx_init(&f, nosrs);
	d = fx_dev(&f, 6, false, false, 0);
	parent = fx_paging(&f, d, DRV_ALLOC_NEST_PARENT);
	s1.addr_width = 48;
	s1.flags = UAPI_IOMMU_VTD_S1_SRE;
	assert_int_equal(alloc_nested(&f, d, parent, 0, UAPI_IOMMU_HWPT_DATA_VTD_S1, &s1,
				      sizeof(s1), &nd), 0);
	assert_int_equal(nd->ops->attach_dev(nd, d, &f.err), -EINVAL);
	assert_non_null(strstr(f.err.msg, "SRS"));
	nd->ops->free(nd);
	parent->ops->free(parent);
	fx_fini(&f);

	fx_init(&f, legacy);
	d = fx_dev(&f, 6, false, false, 0);
	s1.flags = 0;
	assert_int_equal(alloc_nested(&f, d, NULL, 0, UAPI_IOMMU_HWPT_DATA_VTD_S1, &s1,
				      sizeof(s1), &nd), -EOPNOTSUPP);
	fx_fini(&f);
	assert_int_equal(f.live, 0);
}

/* The parent cannot be freed under its children: freeing it takes them along, and dirty
 * tracking on the parent reaches the PASID entries of the nested attachments. */
static void t_parent_dirty_tracking(void **state)
{
	struct nest n;
	drv_domain_t *dp;
	struct uapi_iommu_hwpt_vtd_s1 s1 = { .pgtbl_addr = GPA_TBL, .addr_width = 48 };
	uint64_t e[8];

	(void)state;
	fx_init(&n.f, NULL);
	n.d = fx_dev(&n.f, 6, false, false, 0);
	dp = fx_paging(&n.f, n.d, DRV_ALLOC_NEST_PARENT | DRV_ALLOC_DIRTY_TRACKING);
	assert_int_equal(alloc_nested(&n.f, n.d, dp, 0, UAPI_IOMMU_HWPT_DATA_VTD_S1, &s1,
				      sizeof(s1), &n.nested), 0);
	fx_attach(&n.f, n.nested, n.d);
	assert_true(fx_pasid_entry(&n.f, n.d->rid, 0, e));
	assert_false(e[0] & (1ull << 9));                   /* SLADE */
	assert_int_equal(dp->ops->set_dirty_tracking(dp, true, &n.f.err), 0);
	assert_true(fx_pasid_entry(&n.f, n.d->rid, 0, e));
	assert_true(e[0] & (1ull << 9));
	assert_int_equal(dp->ops->set_dirty_tracking(dp, false, &n.f.err), 0);
	assert_true(fx_pasid_entry(&n.f, n.d->rid, 0, e));
	assert_false(e[0] & (1ull << 9));
	assert_int_equal(n.f.ops->attach_blocked(n.f.iommu, n.d, &n.f.err), 0);
	dp->ops->free(dp);                                  /* takes the nested domain along */
	fx_fini(&n.f);
	assert_int_equal(n.f.live, 0);
}

/* With one descriptor per chunk, a whole-space invalidation still takes one descriptor. */
static void t_chunks_whole_space(void **state)
{
	static const char *const kv[] = { "drv.vtd.psi=chunks", NULL };
	struct nest n;
	struct uapi_iommu_hwpt_vtd_s1_invalidate all = { .addr = 0, .npages = UINT64_MAX };
	struct uapi_iommu_hwpt_vtd_s1_invalidate few = { .addr = GIOVA - 0x1000, .npages = 3 };
	uint64_t q[4];
	uint32_t done;
	double p0;

	(void)state;
	setup(&n, kv, false);
	p0 = fx_stat(&n.f, "vtd0.iq.desc.piotlb");
	assert_int_equal(invalidate(&n, &all, 1, sizeof(all), 0, &done), 0);
	assert_int_equal(fx_stat(&n.f, "vtd0.iq.desc.piotlb"), p0 + 1);
	fx_desc_back(&n.f, 2, q);
	assert_int_equal((q[0] >> 4) & 3, 2);
	/* pages 0x7f0000000..0x7f0000002: the first is aligned to 2^28 pages, so the chunks
	 * are the largest that fit, 2 pages (AM 1), then 1 page (AM 0) */
	assert_int_equal(invalidate(&n, &few, 1, sizeof(few), 0, &done), 0);
	assert_int_equal(fx_stat(&n.f, "vtd0.iq.desc.piotlb"), p0 + 3);
	fx_desc_back(&n.f, 3, q);
	assert_int_equal(q[1], (GIOVA - 0x1000) | 1);
	fx_desc_back(&n.f, 2, q);
	assert_int_equal(q[1], (GIOVA + 0x1000) | 0);
	teardown(&n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_nested_translation),
		cmocka_unit_test(t_user_invalidation),
		cmocka_unit_test(t_nested_ats_and_parent_change),
		cmocka_unit_test(t_invalidation_errors),
		cmocka_unit_test(t_alloc_errors),
		cmocka_unit_test(t_parent_dirty_tracking),
		cmocka_unit_test(t_chunks_whole_space),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
