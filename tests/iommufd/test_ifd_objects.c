/* SPDX-License-Identifier: MIT */
/* Object IDs, reference counts and IOMMU_DESTROY; the basic attach/map path. */
#include "tests/iommufd/mock_drv.h"

static void ids_start_at_one_and_reuse_lowest(void **state)
{
	fx_t f;
	uint32_t a, b, c, d;
	(void)state;
	fx_init(&f, 1, false, 0);
	assert_int_equal(fx_ioas(&f, &a), 0);
	assert_int_equal(fx_ioas(&f, &b), 0);
	assert_int_equal(fx_ioas(&f, &c), 0);
	assert_int_equal(a, 1);
	assert_int_equal(b, 2);
	assert_int_equal(c, 3);
	assert_int_equal(fx_destroy(&f, b), 0);
	assert_int_equal(fx_destroy(&f, a), 0);
	/* The lowest free ID comes back first (xa_alloc). */
	assert_int_equal(fx_ioas(&f, &d), 0);
	assert_int_equal(d, 1);
	assert_int_equal(fx_ioas(&f, &d), 0);
	assert_int_equal(d, 2);
	assert_int_equal(fx_ioas(&f, &d), 0);
	assert_int_equal(d, 4);
	fx_fini(&f);
}

static void ids_are_shared_by_all_types(void **state)
{
	fx_t f;
	uint32_t ioas, pt;
	(void)state;
	fx_init(&f, 1, false, 0);
	assert_int_equal(fx_ioas(&f, &ioas), 0);
	assert_int_equal(fx_bind(&f, 0), 0);
	assert_int_equal(f.devid[0], 2);
	pt = ioas;
	assert_int_equal(fx_attach(&f, 0, &pt), 0);
	assert_int_equal(pt, 3);   /* the automatic HWPT */
	fx_fini(&f);
}

static void destroy_unknown_is_enoent_and_busy_while_used(void **state)
{
	fx_t f;
	uint32_t ioas, pt;
	(void)state;
	fx_init(&f, 1, false, 0);
	assert_int_equal(fx_destroy(&f, 1), -ENOENT);
	assert_int_equal(fx_destroy(&f, 0), -ENOENT);
	assert_int_equal(fx_destroy(&f, 0x7fffffff), -ENOENT);
	assert_int_equal(fx_ioas(&f, &ioas), 0);
	assert_int_equal(fx_bind(&f, 0), 0);
	pt = ioas;
	assert_int_equal(fx_attach(&f, 0, &pt), 0);
	/* The HWPT uses the IOAS, the device uses the HWPT, vfio holds the device. */
	assert_int_equal(fx_destroy(&f, ioas), -EBUSY);
	assert_int_equal(fx_destroy(&f, pt), -EBUSY);
	assert_int_equal(fx_destroy(&f, f.devid[0]), -EBUSY);
	assert_int_equal(fx_detach(&f, 0), 0);
	/* The automatic HWPT went with its last attachment. */
	assert_int_equal(fx_destroy(&f, pt), -ENOENT);
	assert_int_equal(f.mock.domains_live, 0);
	assert_int_equal(fx_destroy(&f, ioas), 0);
	assert_int_equal(fx_destroy(&f, ioas), -ENOENT);
	fx_fini(&f);
}

static void attach_maps_existing_and_new_areas(void **state)
{
	fx_t f;
	uint32_t ioas, pt;
	uint64_t pa = 0;
	(void)state;
	fx_init(&f, 1, false, 0);
	assert_int_equal(fx_ioas(&f, &ioas), 0);
	assert_int_equal(fx_map_fixed(&f, ioas, 0x7f0000000000ull, 0x200000, 0x100000), 0);
	assert_int_equal(fx_bind(&f, 0), 0);
	assert_int_equal(fx_state(&f, 0)->state, MOCK_DEV_BLOCKED);
	pt = ioas;
	assert_int_equal(fx_attach(&f, 0, &pt), 0);
	mock_devstate_t *ds = fx_state(&f, 0);
	assert_int_equal(ds->state, MOCK_DEV_DOMAIN);
	mock_domain_t *md = ds->dom;
	/* IOVA 0x100000 with a 2 MiB THP frame: not 2 MiB aligned in IOVA, so 4 KiB pages. */
	assert_int_equal(mock_dom_iova_to_phys(&md->dom, 0x100000, &pa), 0);
	uint64_t upa;
	assert_int_equal(ifd_mm_lookup(f.mm, 0x7f0000000000ull, &upa), 0);
	assert_int_equal(pa, upa);
	assert_int_equal(md->nmaps, 512);
	/* A 2 MiB-aligned IOVA for 2 MiB-aligned user memory maps one large page. */
	assert_int_equal(fx_map_fixed(&f, ioas, 0x7f0000400000ull, 0x200000, 0x40000000), 0);
	assert_int_equal(md->nmaps, 513);
	assert_int_equal(mock_dom_iova_to_phys(&md->dom, 0x40000000 + 0x1234, &pa), 0);
	assert_int_equal(ifd_mm_lookup(f.mm, 0x7f0000401234ull, &upa), 0);
	assert_int_equal(pa, upa);
	/* DMA data written through the frame shows at the user address. */
	uint8_t v = 0xa5, r = 0;
	assert_int_equal(iommusim_mem_write(f.mem, pa, &v, 1), 0);
	assert_int_equal(ifd_mm_read(f.mm, 0x7f0000401234ull, &r, 1), 0);
	assert_int_equal(r, 0xa5);
	fx_fini(&f);
}

static void release_on_close_frees_everything(void **state)
{
	fx_t f;
	uint32_t ioas, pt;
	(void)state;
	fx_init(&f, 1, false, 0);
	assert_int_equal(fx_ioas(&f, &ioas), 0);
	assert_int_equal(fx_map_fixed(&f, ioas, 0x10000000, 0x10000, 0x10000), 0);
	assert_int_equal(fx_bind(&f, 0), 0);
	pt = ioas;
	assert_int_equal(fx_attach(&f, 0, &pt), 0);
	assert_int_equal(ifd_close(f.sys, f.ifd, &f.err), 0);
	/* The bound device keeps the context. */
	assert_int_equal(fx_contexts(&f), 1);
	assert_int_equal(ifd_close(f.sys, f.dfd[0], &f.err), 0);
	assert_int_equal(fx_contexts(&f), 0);
	assert_int_equal(f.mock.domains_live, 0);
	assert_int_equal(fx_state(&f, 0)->state, MOCK_DEV_DEFAULT);
	ifd_sys_stats_t st;
	ifd_sys_get_stats(f.sys, &st);
	assert_int_equal(st.locked_pages, 0);
	assert_int_equal(ifd_close(f.sys, f.ifd, &f.err), -EBADF);
	fx_fini(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ids_start_at_one_and_reuse_lowest),
		cmocka_unit_test(ids_are_shared_by_all_types),
		cmocka_unit_test(destroy_unknown_is_enoent_and_busy_while_used),
		cmocka_unit_test(attach_maps_existing_and_new_areas),
		cmocka_unit_test(release_on_close_frees_everything),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
