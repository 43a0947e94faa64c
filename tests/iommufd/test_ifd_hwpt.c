/* SPDX-License-Identifier: MIT */
/*
 * HWPTs and the device-facing commands: nested HWPTs and replace, user invalidation with
 * entry_num reporting progress, dirty tracking and the user bitmap, GET_HW_INFO, PASID
 * attach, and the vIOMMU objects (vEVENTQ records and lost events, HW queues).
 */
#include "tests/iommufd/mock_drv.h"

typedef struct hs {
	fx_t f;
	uint32_t ioas, parent, nested;
} hs_t;

static void nested_setup(hs_t *s)
{
	fx_t *f = &s->f;
	fx_init(f, 1, false, 0);
	assert_int_equal(fx_ioas(f, &s->ioas), 0);
	assert_int_equal(fx_bind(f, 0), 0);
	assert_int_equal(fx_hwpt_alloc(f, f->devid[0], s->ioas, UAPI_IOMMU_HWPT_ALLOC_NEST_PARENT,
				       0, NULL, 0, 0, &s->parent), 0);
	assert_int_equal(fx_nested(f, f->devid[0], s->parent, &s->nested), 0);
}

static void nested_replace_and_back(void **state)
{
	hs_t s;
	uint32_t pt;
	(void)state;
	nested_setup(&s);
	pt = s.parent;
	assert_int_equal(fx_attach(&s.f, 0, &pt), 0);
	mock_domain_t *pd = fx_state(&s.f, 0)->dom;
	pt = s.nested;
	assert_int_equal(fx_attach(&s.f, 0, &pt), 0);   /* a replace */
	mock_domain_t *nd = fx_state(&s.f, 0)->dom;
	assert_ptr_not_equal(nd, pd);
	assert_ptr_equal(nd->dom.parent, &pd->dom);
	assert_int_equal(nd->s1.pgtbl_addr, 0x100000);
	assert_int_equal(nd->s1.flags, UAPI_IOMMU_VTD_S1_SRE);
	/* The nested HWPT keeps the MSI window reserved in the parent's IOAS. */
	assert_int_equal(fx_map_fixed(&s.f, s.ioas, 0x10000000, 0x1000, 0xfee00000), -EINVAL);
	assert_int_equal(fx_destroy(&s.f, s.parent), -EBUSY);
	pt = s.parent;
	assert_int_equal(fx_attach(&s.f, 0, &pt), 0);
	assert_int_equal(fx_destroy(&s.f, s.nested), 0);
	assert_int_equal(fx_detach(&s.f, 0), 0);
	assert_int_equal(fx_destroy(&s.f, s.parent), 0);
	assert_int_equal(s.f.mock.domains_live, 0);
	fx_fini(&s.f);
}

static void invalidate_reports_entries_done(void **state)
{
	hs_t s;
	(void)state;
	nested_setup(&s);
	struct uapi_iommu_hwpt_vtd_s1_invalidate e[3] = {
		{.addr = 0x1000, .npages = 1},
		{.addr = 0, .npages = UINT64_MAX},
		{.addr = 0x3000, .npages = 1, .flags = 0x80},
	};
	uint64_t up = ifd_mm_scratch(s.f.mm, sizeof(e));
	assert_int_equal(ifd_mm_write(s.f.mm, up, e, sizeof(e)), 0);
	struct uapi_iommu_hwpt_invalidate inv = {.size = sizeof(inv), .hwpt_id = s.nested,
		.data_uptr = up, .data_type = UAPI_IOMMU_HWPT_INVALIDATE_DATA_VTD_S1,
		.entry_len = sizeof(e[0]), .entry_num = 3};
	assert_int_equal(fx_ioctl(&s.f, s.f.ifd, UAPI_IOMMU_HWPT_INVALIDATE, &inv, sizeof(inv)),
			 -EOPNOTSUPP);
	assert_int_equal(inv.entry_num, 2);
	mock_domain_t *nd = NULL;
	uint32_t pt = s.nested;
	assert_int_equal(fx_attach(&s.f, 0, &pt), 0);
	nd = fx_state(&s.f, 0)->dom;
	assert_int_equal(nd->invalidations, 2);
	/* A longer entry with a zero tail is fine; entry_len 32 steps over the tail. */
	uint8_t big[2][32] = {{0}};
	memcpy(big[0], &e[0], 24);
	memcpy(big[1], &e[1], 24);
	up = ifd_mm_scratch(s.f.mm, sizeof(big));
	assert_int_equal(ifd_mm_write(s.f.mm, up, big, sizeof(big)), 0);
	inv.data_uptr = up;
	inv.entry_len = 32;
	inv.entry_num = 2;
	assert_int_equal(fx_ioctl(&s.f, s.f.ifd, UAPI_IOMMU_HWPT_INVALIDATE, &inv, sizeof(inv)), 0);
	assert_int_equal(inv.entry_num, 2);
	assert_int_equal(nd->invalidations, 4);
	/* A non-zero tail byte: E2BIG at that entry. */
	big[1][28] = 1;
	assert_int_equal(ifd_mm_write(s.f.mm, up, big, sizeof(big)), 0);
	assert_int_equal(fx_ioctl(&s.f, s.f.ifd, UAPI_IOMMU_HWPT_INVALIDATE, &inv, sizeof(inv)),
			 -E2BIG);
	assert_int_equal(inv.entry_num, 1);
	fx_fini(&s.f);
}

static uint64_t get_bitmap(fx_t *f, uint32_t hwpt, uint64_t iova, uint64_t len, uint64_t pgsz,
			   uint32_t flags, int want)
{
	uint64_t up = ifd_mm_scratch(f->mm, 64), word = 0;
	struct uapi_iommu_hwpt_get_dirty_bitmap g = {.size = sizeof(g), .hwpt_id = hwpt,
		.flags = flags, .iova = iova, .length = len, .page_size = pgsz, .data = up};
	assert_int_equal(fx_ioctl(f, f->ifd, UAPI_IOMMU_HWPT_GET_DIRTY_BITMAP, &g, sizeof(g)),
			 want);
	assert_int_equal(ifd_mm_read(f->mm, up, &word, 8), 0);
	return word;
}

static void dirty_tracking_bitmap(void **state)
{
	fx_t f;
	uint32_t ioas, hwpt, pt;
	(void)state;
	fx_init(&f, 1, false, 0);
	assert_int_equal(fx_ioas(&f, &ioas), 0);
	assert_int_equal(fx_bind(&f, 0), 0);
	assert_int_equal(fx_hwpt_alloc(&f, f.devid[0], ioas, UAPI_IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
				       0, NULL, 0, 0, &hwpt), 0);
	pt = hwpt;
	assert_int_equal(fx_attach(&f, 0, &pt), 0);
	assert_int_equal(fx_map_fixed(&f, ioas, 0x10000000, 0x10000, 0x100000), 0);
	mock_domain_t *md = fx_state(&f, 0)->dom;
	/* Stale bits from before tracking starts are cleared by the enable. */
	md->dirty[md->ndirty++] = 0x10f000;
	struct uapi_iommu_hwpt_set_dirty_tracking st = {.size = sizeof(st), .hwpt_id = hwpt,
		.flags = UAPI_IOMMU_HWPT_DIRTY_TRACKING_ENABLE};
	assert_int_equal(fx_ioctl(&f, f.ifd, UAPI_IOMMU_HWPT_SET_DIRTY_TRACKING, &st, sizeof(st)),
			 0);
	assert_true(md->dirty_on);
	assert_int_equal(md->ndirty, 0);
	md->dirty[md->ndirty++] = 0x101000;
	md->dirty[md->ndirty++] = 0x103000;
	/* Bit n = page iova + n * page_size. */
	assert_int_equal(get_bitmap(&f, hwpt, 0x100000, 0x10000, 0x1000,
				    UAPI_IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR, 0), 0xa);
	assert_int_equal(md->ndirty, 2);
	/* 8 KiB per bit: pages 1 and 3 fall in bits 0 and 1. */
	assert_int_equal(get_bitmap(&f, hwpt, 0x100000, 0x10000, 0x2000, 0, 0), 0x3);
	assert_int_equal(md->ndirty, 0);
	assert_int_equal(get_bitmap(&f, hwpt, 0x100000, 0x10000, 0x1000, 0, 0), 0);
	/* A window: only page 5 of the range [0x104000, 0x108000). */
	md->dirty[md->ndirty++] = 0x105000;
	md->dirty[md->ndirty++] = 0x101000;
	assert_int_equal(get_bitmap(&f, hwpt, 0x104000, 0x4000, 0x1000, 0, 0), 0x2);
	st.flags = 0;
	assert_int_equal(fx_ioctl(&f, f.ifd, UAPI_IOMMU_HWPT_SET_DIRTY_TRACKING, &st, sizeof(st)),
			 0);
	assert_false(md->dirty_on);
	fx_fini(&f);

	/* An IOMMU without dirty tracking refuses the flag. */
	fx_init(&f, 1, false, 0);
	f.mock.caps &= ~DRV_CAP_DIRTY_TRACKING;
	assert_int_equal(fx_ioas(&f, &ioas), 0);
	assert_int_equal(fx_bind(&f, 0), 0);
	assert_int_equal(fx_hwpt_alloc(&f, f.devid[0], ioas, UAPI_IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
				       0, NULL, 0, 0, &hwpt), -EOPNOTSUPP);
	fx_fini(&f);
}

static void hw_info_reports_the_driver_and_device(void **state)
{
	fx_t f;
	(void)state;
	fx_init(&f, 1, false, 0);
	assert_int_equal(fx_bind(&f, 0), 0);
	uint64_t up = ifd_mm_scratch(f.mm, 64);
	uint8_t fill[64];
	memset(fill, 0xee, sizeof(fill));
	assert_int_equal(ifd_mm_write(f.mm, up, fill, sizeof(fill)), 0);
	struct uapi_iommu_hw_info h = {.size = sizeof(h), .dev_id = f.devid[0], .data_len = 32,
				       .data_uptr = up};
	assert_int_equal(fx_ioctl(&f, f.ifd, UAPI_IOMMU_GET_HW_INFO, &h, sizeof(h)), 0);
	assert_int_equal(h.out_data_type, UAPI_IOMMU_HW_INFO_TYPE_INTEL_VTD);
	assert_int_equal(h.data_len, 24);
	assert_int_equal(h.out_capabilities, UAPI_IOMMU_HW_CAP_DIRTY_TRACKING |
					     UAPI_IOMMU_HW_CAP_PCI_PASID_EXEC);
	assert_int_equal(h.out_max_pasid_log2, 3);   /* the device's width, below the IOMMU's */
	struct uapi_iommu_hw_info_vtd v;
	uint8_t rest[8];
	assert_int_equal(ifd_mm_read(f.mm, up, &v, sizeof(v)), 0);
	assert_int_equal(v.cap_reg, 0x1234);
	assert_int_equal(v.ecap_reg, 0x5678);
	/* The buffer past the data is cleared, and nothing beyond data_len is touched. */
	assert_int_equal(ifd_mm_read(f.mm, up + 24, rest, 8), 0);
	for (int i = 0; i < 8; i++)
		assert_int_equal(rest[i], 0);
	assert_int_equal(ifd_mm_read(f.mm, up + 32, rest, 8), 0);
	assert_int_equal(rest[0], 0xee);
	/* A short buffer gets a prefix and learns the full length. */
	h.data_len = 8;
	assert_int_equal(fx_ioctl(&f, f.ifd, UAPI_IOMMU_GET_HW_INFO, &h, sizeof(h)), 0);
	assert_int_equal(h.data_len, 24);
	/* An old caller (32-byte struct, before out_capabilities) is served. */
	struct uapi_iommu_hw_info old = {.size = 32, .dev_id = f.devid[0]};
	old.out_capabilities = 0x77;
	assert_int_equal(fx_ioctl(&f, f.ifd, UAPI_IOMMU_GET_HW_INFO, &old, 32), 0);
	assert_int_equal(old.out_capabilities, 0x77);   /* past its size: untouched */
	fx_fini(&f);
}

static void pasid_attach(void **state)
{
	fx_t f;
	uint32_t ioas, rid, pas, plain, pt;
	(void)state;
	fx_init(&f, 1, false, 0);
	assert_int_equal(fx_ioas(&f, &ioas), 0);
	assert_int_equal(fx_bind(&f, 0), 0);
	assert_int_equal(fx_hwpt_alloc(&f, f.devid[0], ioas, UAPI_IOMMU_HWPT_ALLOC_PASID, 0, NULL,
				       0, 0, &rid), 0);
	assert_int_equal(fx_hwpt_alloc(&f, f.devid[0], ioas, UAPI_IOMMU_HWPT_ALLOC_PASID, 0, NULL,
				       0, 0, &pas), 0);
	assert_int_equal(fx_hwpt_alloc(&f, f.devid[0], ioas, 0, 0, NULL, 0, 0, &plain), 0);
	/* A RID domain without ALLOC_PASID blocks PASID attach. */
	pt = plain;
	assert_int_equal(fx_attach(&f, 0, &pt), 0);
	pt = pas;
	assert_int_equal(fx_attach_pasid(&f, 0, 1, &pt), -EINVAL);
	pt = rid;
	assert_int_equal(fx_attach(&f, 0, &pt), 0);
	pt = pas;
	assert_int_equal(fx_attach_pasid(&f, 0, 1, &pt), 0);
	mock_devstate_t *ds = fx_state(&f, 0);
	assert_non_null(ds->pasid_dom[1]);
	assert_ptr_not_equal(ds->pasid_dom[1], ds->dom);
	/* Now the RID cannot go back to a non-PASID domain. */
	pt = plain;
	assert_int_equal(fx_attach(&f, 0, &pt), -EINVAL);
	/* An IOAS gives a PASID-capable automatic domain. */
	pt = ioas;
	assert_int_equal(fx_attach_pasid(&f, 0, 2, &pt), 0);
	assert_non_null(ds->pasid_dom[2]);
	/* Detach one PASID; closing the device detaches the rest. */
	struct uapi_vfio_device_detach_iommufd_pt d = {.argsz = 12,
		.flags = UAPI_VFIO_DEVICE_DETACH_PASID, .pasid = 1};
	assert_int_equal(fx_ioctl(&f, f.dfd[0], UAPI_VFIO_DEVICE_DETACH_IOMMUFD_PT, &d, sizeof(d)),
			 0);
	assert_null(ds->pasid_dom[1]);
	assert_int_equal(ifd_close(f.sys, f.dfd[0], &f.err), 0);
	assert_null(ds->pasid_dom[2]);
	assert_int_equal(f.mock.n_remove_pasid, 2);
	fx_fini(&f);
}

static void veventq_records_and_lost_events(void **state)
{
	hs_t s;
	(void)state;
	nested_setup(&s);
	fx_t *f = &s.f;
	struct uapi_iommu_viommu_alloc va = {.size = sizeof(va),
		.type = UAPI_IOMMU_VIOMMU_TYPE_ARM_SMMUV3, .dev_id = f->devid[0],
		.hwpt_id = s.parent};
	assert_int_equal(fx_ioctl(f, f->ifd, UAPI_IOMMU_VIOMMU_ALLOC, &va, sizeof(va)), 0);
	drv_viommu_t *dv = f->mock.last_viommu;
	assert_non_null(dv);
	const drv_env_t *env = f->mock.env;
	struct uapi_iommu_vevent_arm_smmuv3 ev = {{0x10, 0, 0, 0}};
	/* No queue of that type yet: the event is refused. */
	assert_int_equal(env->report_vevent(env->ctx, dv, UAPI_IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, &ev,
					    sizeof(ev)), -EOPNOTSUPP);
	struct uapi_iommu_veventq_alloc q = {.size = sizeof(q), .viommu_id = va.out_viommu_id,
		.type = UAPI_IOMMU_VEVENTQ_TYPE_ARM_SMMUV3, .veventq_depth = 2};
	assert_int_equal(fx_ioctl(f, f->ifd, UAPI_IOMMU_VEVENTQ_ALLOC, &q, sizeof(q)), 0);
	assert_int_equal(fx_ioctl(f, f->ifd, UAPI_IOMMU_VEVENTQ_ALLOC, &q, sizeof(q)), -EEXIST);
	for (uint64_t i = 0; i < 4; i++) {
		ev.evt[1] = i;
		assert_int_equal(env->report_vevent(env->ctx, dv, UAPI_IOMMU_VEVENTQ_TYPE_ARM_SMMUV3,
						    &ev, sizeof(ev)), 0);
	}
	/* Two records (header + 32 bytes), then one LOST_EVENTS header without payload. */
	uint8_t buf[256];
	size_t done;
	assert_int_equal(ifd_read(f->sys, (int)q.out_veventq_fd, buf, sizeof(buf), &done, &f->err),
			 0);
	assert_int_equal(done, 2 * (8 + 32) + 8);
	struct uapi_iommufd_vevent_header h;
	memcpy(&h, buf, 8);
	assert_int_equal(h.flags, 0);
	assert_int_equal(h.sequence, 0);
	memcpy(&ev, buf + 8, 32);
	assert_int_equal(ev.evt[1], 0);
	memcpy(&h, buf + 40, 8);
	assert_int_equal(h.sequence, 1);
	memcpy(&h, buf + 80, 8);
	assert_int_equal(h.flags, UAPI_IOMMU_VEVENTQ_FLAG_LOST_EVENTS);
	assert_int_equal(h.sequence, 3);
	/* The vIOMMU is busy while the queue exists; the queue while its fd is open. */
	assert_int_equal(fx_destroy(f, va.out_viommu_id), -EBUSY);
	assert_int_equal(fx_destroy(f, q.out_veventq_id), -EBUSY);
	assert_int_equal(ifd_close(f->sys, (int)q.out_veventq_fd, &f->err), 0);
	assert_int_equal(fx_destroy(f, q.out_veventq_id), 0);
	/* A HW queue over mapped, contiguous memory of the parent's IOAS. */
	uint32_t pt = s.parent;
	assert_int_equal(fx_attach(f, 0, &pt), 0);
	assert_int_equal(fx_map_fixed(f, s.ioas, 0x40000000, 0x200000, 0x40000000), 0);
	struct uapi_iommu_hw_queue_alloc hq = {.size = sizeof(hq), .viommu_id = va.out_viommu_id,
		.type = UAPI_IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV, .nesting_parent_iova = 0x40000000,
		.length = 0x2000};
	assert_int_equal(fx_ioctl(f, f->ifd, UAPI_IOMMU_HW_QUEUE_ALLOC, &hq, sizeof(hq)), 0);
	assert_int_equal(((mock_viommu_t *)dv)->hwqs, 1);
	hq.length = 0x3000;
	assert_int_equal(fx_ioctl(f, f->ifd, UAPI_IOMMU_HW_QUEUE_ALLOC, &hq, sizeof(hq)), -EINVAL);
	assert_int_equal(fx_destroy(f, va.out_viommu_id), -EBUSY);
	assert_int_equal(fx_destroy(f, hq.out_hw_queue_id), 0);
	assert_int_equal(((mock_viommu_t *)dv)->hwqs, 0);
	assert_int_equal(fx_destroy(f, va.out_viommu_id), 0);
	assert_int_equal(f->mock.n_viommu_free, 1);
	fx_fini(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nested_replace_and_back),
		cmocka_unit_test(invalidate_reports_entries_done),
		cmocka_unit_test(dirty_tracking_bitmap),
		cmocka_unit_test(hw_info_reports_the_driver_and_device),
		cmocka_unit_test(pasid_attach),
		cmocka_unit_test(veventq_records_and_lost_events),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
