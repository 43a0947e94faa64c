/* SPDX-License-Identifier: MIT */
/*
 * Unmap rules (Linux iopt_unmap_iova_range): a range must cover whole mappings; it may span
 * several mappings and the gaps between them; areas are taken in IOVA order, so a range
 * whose end cuts a mapping has already removed the whole mappings before it when it fails
 * with -ENOENT; unmapping nothing is -ENOENT; iova 0 + length U64_MAX unmaps everything,
 * also an empty IOAS. IOAS_COPY shares the pages: each IOAS unmaps independently.
 */
#include "tests/iommufd/mock_drv.h"

static bool mapped(mock_domain_t *md, uint64_t iova)
{
	uint64_t pa;
	return mock_dom_iova_to_phys(&md->dom, iova, &pa) == 0;
}

typedef struct ctx3 {
	fx_t f;
	uint32_t ioas;
	mock_domain_t *md;
} ctx3_t;

/* A [0x10000, 0x14000), B [0x14000, 0x18000), C [0x20000, 0x21000), a device attached. */
static void three(ctx3_t *c)
{
	uint32_t pt;
	fx_init(&c->f, 1, false, 0);
	assert_int_equal(fx_ioas(&c->f, &c->ioas), 0);
	assert_int_equal(fx_map_fixed(&c->f, c->ioas, 0x30000000, 0x4000, 0x10000), 0);
	assert_int_equal(fx_map_fixed(&c->f, c->ioas, 0x30004000, 0x4000, 0x14000), 0);
	assert_int_equal(fx_map_fixed(&c->f, c->ioas, 0x30010000, 0x1000, 0x20000), 0);
	assert_int_equal(fx_bind(&c->f, 0), 0);
	pt = c->ioas;
	assert_int_equal(fx_attach(&c->f, 0, &pt), 0);
	c->md = fx_state(&c->f, 0)->dom;
}

static void whole_mappings_and_gaps(void **state)
{
	ctx3_t c;
	uint64_t len;
	(void)state;
	three(&c);
	assert_int_equal(fx_unmap(&c.f, c.ioas, 0x10000, 0x8000, &len), 0);
	assert_int_equal(len, 0x8000);
	assert_false(mapped(c.md, 0x10000));
	assert_false(mapped(c.md, 0x17fff));
	assert_true(mapped(c.md, 0x20000));
	/* A range with gaps around the last one. */
	assert_int_equal(fx_unmap(&c.f, c.ioas, 0x1000, 0x100000, &len), 0);
	assert_int_equal(len, 0x1000);
	assert_int_equal(c.md->nmaps, 0);
	/* Nothing left there. */
	assert_int_equal(fx_unmap(&c.f, c.ioas, 0x1000, 0x100000, &len), -ENOENT);
	fx_fini(&c.f);
}

static void cutting_a_mapping_fails(void **state)
{
	ctx3_t c;
	uint64_t len = 0xdead;
	(void)state;
	three(&c);
	/* Inside A only. */
	assert_int_equal(fx_unmap(&c.f, c.ioas, 0x11000, 0x1000, &len), -ENOENT);
	assert_int_equal(len, 0x1000);   /* not written back on failure: the input stays */
	assert_true(mapped(c.md, 0x10000));
	/* A start that cuts A removes nothing. */
	assert_int_equal(fx_unmap(&c.f, c.ioas, 0x11000, 0x10000, NULL), -ENOENT);
	assert_true(mapped(c.md, 0x10000));
	assert_true(mapped(c.md, 0x14000));
	/* A whole, B cut at its end: A is gone before B fails the call. */
	assert_int_equal(fx_unmap(&c.f, c.ioas, 0x10000, 0x6000, NULL), -ENOENT);
	assert_false(mapped(c.md, 0x10000));
	assert_true(mapped(c.md, 0x14000));
	assert_true(mapped(c.md, 0x17000));
	fx_fini(&c.f);
}

static void unmap_all(void **state)
{
	ctx3_t c;
	uint64_t len;
	(void)state;
	three(&c);
	assert_int_equal(fx_unmap(&c.f, c.ioas, 0, UINT64_MAX, &len), 0);
	assert_int_equal(len, 0x9000);
	assert_int_equal(c.md->nmaps, 0);
	/* An empty IOAS: success with length 0. */
	assert_int_equal(fx_unmap(&c.f, c.ioas, 0, UINT64_MAX, &len), 0);
	assert_int_equal(len, 0);
	/* length 0 is not "all". */
	assert_int_equal(fx_unmap(&c.f, c.ioas, 0, 0, &len), -EINVAL);
	fx_fini(&c.f);
}

static void copy_shares_pages(void **state)
{
	fx_t f;
	uint32_t a, b, pta, ptb;
	uint64_t pa1, pa2;
	(void)state;
	fx_init(&f, 2, false, 0);
	assert_int_equal(fx_ioas(&f, &a), 0);
	assert_int_equal(fx_ioas(&f, &b), 0);
	assert_int_equal(fx_bind(&f, 0), 0);
	assert_int_equal(fx_bind(&f, 1), 0);
	pta = a;
	ptb = b;
	assert_int_equal(fx_attach(&f, 0, &pta), 0);
	assert_int_equal(fx_attach(&f, 1, &ptb), 0);
	assert_int_equal(fx_map_fixed(&f, a, 0x50000000, 0x8000, 0x100000), 0);
	ifd_sys_stats_t st;
	ifd_sys_get_stats(f.sys, &st);
	assert_int_equal(st.locked_pages, 8);
	/* Copy the middle 16 KiB into IOAS b at 0x400000. */
	struct uapi_iommu_ioas_copy c = {.size = sizeof(c),
		.flags = UAPI_IOMMU_IOAS_MAP_FIXED_IOVA | UAPI_IOMMU_IOAS_MAP_READABLE,
		.dst_ioas_id = b, .src_ioas_id = a, .length = 0x4000, .dst_iova = 0x400000,
		.src_iova = 0x102000};
	assert_int_equal(fx_ioctl(&f, f.ifd, UAPI_IOMMU_IOAS_COPY, &c, sizeof(c)), 0);
	/* The same frames, pinned once. */
	mock_domain_t *da = fx_state(&f, 0)->dom, *db = fx_state(&f, 1)->dom;
	assert_int_equal(mock_dom_iova_to_phys(&da->dom, 0x102000, &pa1), 0);
	assert_int_equal(mock_dom_iova_to_phys(&db->dom, 0x400000, &pa2), 0);
	assert_int_equal(pa1, pa2);
	ifd_sys_get_stats(f.sys, &st);
	assert_int_equal(st.locked_pages, 8);
	/* Unmapping the source keeps the copy's 4 pages pinned. */
	assert_int_equal(fx_unmap(&f, a, 0x100000, 0x8000, NULL), 0);
	ifd_sys_get_stats(f.sys, &st);
	assert_int_equal(st.locked_pages, 4);
	assert_int_equal(mock_dom_iova_to_phys(&db->dom, 0x403000, &pa2), 0);
	/* The copy is its own mapping: unmapping part of it fails, all of it works. */
	assert_int_equal(fx_unmap(&f, b, 0x400000, 0x1000, NULL), -ENOENT);
	assert_int_equal(fx_unmap(&f, b, 0x400000, 0x4000, NULL), 0);
	ifd_sys_get_stats(f.sys, &st);
	assert_int_equal(st.locked_pages, 0);
	fx_fini(&f);
}

static void copy_spanning_two_mappings(void **state)
{
	fx_t f;
	uint32_t a, b;
	uint64_t len;
	(void)state;
	fx_init(&f, 0, false, 0);
	assert_int_equal(fx_ioas(&f, &a), 0);
	assert_int_equal(fx_ioas(&f, &b), 0);
	assert_int_equal(fx_map_fixed(&f, a, 0x50000000, 0x2000, 0x100000), 0);
	assert_int_equal(fx_map_fixed(&f, a, 0x60000000, 0x2000, 0x102000), 0);
	struct uapi_iommu_ioas_copy c = {.size = sizeof(c), .flags = UAPI_IOMMU_IOAS_MAP_READABLE,
		.dst_ioas_id = b, .src_ioas_id = a, .length = 0x3000, .src_iova = 0x101000};
	assert_int_equal(fx_ioctl(&f, f.ifd, UAPI_IOMMU_IOAS_COPY, &c, sizeof(c)), 0);
	/* The first slice's address (user 0x50001000) limits the alignment to 4 KiB; the
	 * slices become two areas back to back. */
	assert_int_equal(c.dst_iova, 0x1000);
	assert_int_equal(fx_unmap(&f, b, 0x1000, 0x1000, &len), 0);
	assert_int_equal(len, 0x1000);
	assert_int_equal(fx_unmap(&f, b, 0x2000, 0x2000, &len), 0);
	assert_int_equal(len, 0x2000);
	/* A gap in the source is -ENOENT. */
	assert_int_equal(fx_unmap(&f, a, 0x102000, 0x2000, NULL), 0);
	assert_int_equal(fx_ioctl(&f, f.ifd, UAPI_IOMMU_IOAS_COPY, &c, sizeof(c)), -ENOENT);
	fx_fini(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(whole_mappings_and_gaps),
		cmocka_unit_test(cutting_a_mapping_fails),
		cmocka_unit_test(unmap_all),
		cmocka_unit_test(copy_shares_pages),
		cmocka_unit_test(copy_spanning_two_mappings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
