/* SPDX-License-Identifier: MIT */
/*
 * IOVA management: automatic allocation (Linux iopt_alloc_iova: IOVA 0 never, alignment
 * min(roundup_pow_of_two(length), alignment of user_va) capped at 2 MiB, the user_va's page
 * offset kept), allowed ranges, reserved ranges from devices and apertures, IOVA_RANGES.
 * Expected addresses are worked out by hand from those rules.
 */
#include "tests/iommufd/mock_drv.h"

#define RW (UAPI_IOMMU_IOAS_MAP_READABLE | UAPI_IOMMU_IOAS_MAP_WRITEABLE)

static uint64_t map_auto(fx_t *f, uint32_t ioas, uint64_t uva, uint64_t len, int want)
{
	uint64_t iova = 0;
	assert_int_equal(fx_map(f, ioas, RW, uva, len, &iova), want);
	return iova;
}

static void allocation_follows_length_and_address_alignment(void **state)
{
	fx_t f;
	uint32_t ioas;
	(void)state;
	fx_init(&f, 0, false, 0);
	assert_int_equal(fx_ioas(&f, &ioas), 0);
	/* 0x3000 rounds up to 0x4000; the first hole starts at 0x1000. */
	assert_int_equal(map_auto(&f, ioas, 0x7f0000000000ull, 0x3000, 0), 0x4000);
	/* One page: the hole below fits it. */
	assert_int_equal(map_auto(&f, ioas, 0x7f0000000000ull, 0x1000, 0), 0x1000);
	assert_int_equal(map_auto(&f, ioas, 0x7f0000000000ull, 0x1000, 0), 0x2000);
	assert_int_equal(map_auto(&f, ioas, 0x7f0000000000ull, 0x1000, 0), 0x3000);
	/* 0x4000-0x6fff is taken: next page is 0x7000. */
	assert_int_equal(map_auto(&f, ioas, 0x7f0000000000ull, 0x1000, 0), 0x7000);
	/* A user address aligned to 8 KiB limits the alignment to 8 KiB. */
	assert_int_equal(map_auto(&f, ioas, 0x7f0000002000ull, 0x8000, 0), 0x8000);
	/* Huge lengths align to 2 MiB at most. */
	assert_int_equal(map_auto(&f, ioas, 0x7f0000000000ull, 0x1000000, 0), 0x200000);
	fx_fini(&f);
}

static void allocation_keeps_the_page_offset(void **state)
{
	fx_t f;
	uint32_t ioas;
	(void)state;
	uint32_t pt;
	fx_init(&f, 1, false, 0);
	assert_int_equal(fx_ioas(&f, &ioas), 0);
	/* Without a domain any byte range maps; offset 0x10 of the user address, whose lowest
	 * set bit allows 16-byte alignment: ALIGN(0x1000, 0x10) | 0x10. */
	assert_int_equal(map_auto(&f, ioas, 0x10000010, 0x100, 0), 0x1010);
	/* Attaching a device makes the IOAS page granular: that area no longer conforms. */
	assert_int_equal(fx_bind(&f, 0), 0);
	pt = ioas;
	assert_int_equal(fx_attach(&f, 0, &pt), -EADDRINUSE);
	assert_int_equal(fx_unmap(&f, ioas, 0, UINT64_MAX, NULL), 0);
	pt = ioas;
	assert_int_equal(fx_attach(&f, 0, &pt), 0);
	/* Now a sub-page user alignment is below the IOAS alignment. */
	map_auto(&f, ioas, 0x10000010, 0x1000, -EINVAL);
	fx_fini(&f);
}

static void allowed_ranges_bound_allocation(void **state)
{
	fx_t f;
	uint32_t ioas;
	(void)state;
	fx_init(&f, 1, false, 0);
	assert_int_equal(fx_ioas(&f, &ioas), 0);
	struct uapi_iommu_iova_range r[2] = {{0x100000, 0x103fff}, {0x800000, 0x8fffff}};
	uint64_t up = ifd_mm_scratch(f.mm, sizeof(r));
	assert_int_equal(ifd_mm_write(f.mm, up, r, sizeof(r)), 0);
	struct uapi_iommu_ioas_allow_iovas a = {.size = sizeof(a), .ioas_id = ioas, .num_iovas = 2,
						.allowed_iovas = up};
	assert_int_equal(fx_ioctl(&f, f.ifd, UAPI_IOMMU_IOAS_ALLOW_IOVAS, &a, sizeof(a)), 0);
	assert_int_equal(map_auto(&f, ioas, 0x7f0000000000ull, 0x2000, 0), 0x100000);
	assert_int_equal(map_auto(&f, ioas, 0x7f0000000000ull, 0x2000, 0), 0x102000);
	/* The first range is full: the second one. */
	assert_int_equal(map_auto(&f, ioas, 0x7f0000000000ull, 0x1000, 0), 0x800000);
	/* Too big for any allowed range. */
	map_auto(&f, ioas, 0x7f0000000000ull, 0x200000, -ENOSPC);
	/* A fixed IOVA may lie outside the allowed ranges (they only guide allocation). */
	assert_int_equal(fx_map_fixed(&f, ioas, 0x7f0000000000ull, 0x1000, 0x40000000), 0);
	/* Overlapping ranges in one list are refused. */
	struct uapi_iommu_iova_range o[2] = {{0x100000, 0x1fffff}, {0x180000, 0x2fffff}};
	assert_int_equal(ifd_mm_write(f.mm, up, o, sizeof(o)), 0);
	assert_int_equal(fx_ioctl(&f, f.ifd, UAPI_IOMMU_IOAS_ALLOW_IOVAS, &a, sizeof(a)), -EINVAL);
	/* An allowed range over a reserved one cannot coexist with the device's MSI window. */
	struct uapi_iommu_iova_range msi[1] = {{0xfe000000, 0xffffffff}};
	assert_int_equal(ifd_mm_write(f.mm, up, msi, sizeof(msi)), 0);
	a.num_iovas = 1;
	assert_int_equal(fx_ioctl(&f, f.ifd, UAPI_IOMMU_IOAS_ALLOW_IOVAS, &a, sizeof(a)), 0);
	assert_int_equal(fx_bind(&f, 0), 0);
	uint32_t pt = ioas;
	assert_int_equal(fx_attach(&f, 0, &pt), -EADDRINUSE);
	/* Clearing the allow list (0 ranges) lets the device in; re-allowing it fails. */
	a.num_iovas = 0;
	assert_int_equal(fx_ioctl(&f, f.ifd, UAPI_IOMMU_IOAS_ALLOW_IOVAS, &a, sizeof(a)), 0);
	pt = ioas;
	assert_int_equal(fx_attach(&f, 0, &pt), 0);
	a.num_iovas = 1;
	assert_int_equal(fx_ioctl(&f, f.ifd, UAPI_IOMMU_IOAS_ALLOW_IOVAS, &a, sizeof(a)),
			 -EADDRINUSE);
	fx_fini(&f);
}

static void allocation_skips_reserved_ranges(void **state)
{
	fx_t f;
	uint32_t ioas, pt;
	(void)state;
	fx_init(&f, 1, false, 0);
	assert_int_equal(fx_ioas(&f, &ioas), 0);
	assert_int_equal(fx_bind(&f, 0), 0);
	pt = ioas;
	assert_int_equal(fx_attach(&f, 0, &pt), 0);
	/* Allow only [0xfed00000, 0xfeffffff]: the MSI window 0xfee00000-0xfeefffff sits inside. */
	struct uapi_iommu_iova_range r = {0xfed00000, 0xfedfffff};
	uint64_t up = ifd_mm_scratch(f.mm, sizeof(r));
	assert_int_equal(ifd_mm_write(f.mm, up, &r, sizeof(r)), 0);
	struct uapi_iommu_ioas_allow_iovas a = {.size = sizeof(a), .ioas_id = ioas, .num_iovas = 1,
						.allowed_iovas = up};
	assert_int_equal(fx_ioctl(&f, f.ifd, UAPI_IOMMU_IOAS_ALLOW_IOVAS, &a, sizeof(a)), 0);
	assert_int_equal(map_auto(&f, ioas, 0x7f0000000000ull, 0x80000, 0), 0xfed00000);
	assert_int_equal(map_auto(&f, ioas, 0x7f0000000000ull, 0x80000, 0), 0xfed80000);
	map_auto(&f, ioas, 0x7f0000000000ull, 0x1000, -ENOSPC);
	/* The window cannot be mapped with a fixed IOVA either. */
	assert_int_equal(fx_map_fixed(&f, ioas, 0x7f0000000000ull, 0x1000, 0xfee00000), -EINVAL);
	assert_int_equal(fx_map_fixed(&f, ioas, 0x7f0000000000ull, 0x2000, 0xfeeff000), -EINVAL);
	assert_int_equal(fx_map_fixed(&f, ioas, 0x7f0000000000ull, 0x1000, 0xfef00000), 0);
	fx_fini(&f);
}

static int ranges(fx_t *f, uint32_t ioas, uint32_t cap, struct uapi_iommu_iova_range *out,
		  uint32_t *num, uint64_t *align)
{
	uint64_t up = ifd_mm_scratch(f->mm, 16 * 8);
	struct uapi_iommu_ioas_iova_ranges r = {.size = sizeof(r), .ioas_id = ioas,
						.num_iovas = cap, .allowed_iovas = up};
	int rc = fx_ioctl(f, f->ifd, UAPI_IOMMU_IOAS_IOVA_RANGES, &r, sizeof(r));
	*num = r.num_iovas;
	*align = r.out_iova_alignment;
	if (out && cap)
		assert_int_equal(ifd_mm_read(f->mm, up, out, 16 * (cap < *num ? cap : *num)), 0);
	return rc;
}

static void iova_ranges_follow_attachments(void **state)
{
	fx_t f;
	uint32_t ioas, pt, num;
	uint64_t align;
	struct uapi_iommu_iova_range r[4];
	(void)state;
	fx_init(&f, 1, false, 0);
	assert_int_equal(fx_ioas(&f, &ioas), 0);
	assert_int_equal(ranges(&f, ioas, 4, r, &num, &align), 0);
	assert_int_equal(num, 1);
	assert_int_equal(r[0].start, 0);
	assert_int_equal(r[0].last, UINT64_MAX);
	assert_int_equal(align, 1);
	assert_int_equal(fx_bind(&f, 0), 0);
	pt = ioas;
	assert_int_equal(fx_attach(&f, 0, &pt), 0);
	/* The MSI window and the space above the 48-bit aperture are gone. */
	assert_int_equal(ranges(&f, ioas, 1, r, &num, &align), -EMSGSIZE);
	assert_int_equal(num, 2);
	assert_int_equal(r[0].start, 0);
	assert_int_equal(r[0].last, 0xfedfffff);
	assert_int_equal(ranges(&f, ioas, 4, r, &num, &align), 0);
	assert_int_equal(num, 2);
	assert_int_equal(r[1].start, 0xfef00000);
	assert_int_equal(r[1].last, (1ull << 48) - 1);
	assert_int_equal(align, 0x1000);
	/* Probe with no room: the count comes back. */
	assert_int_equal(ranges(&f, ioas, 0, NULL, &num, &align), -EMSGSIZE);
	assert_int_equal(num, 2);
	assert_int_equal(fx_detach(&f, 0), 0);
	assert_int_equal(ranges(&f, ioas, 4, r, &num, &align), 0);
	assert_int_equal(num, 1);
	assert_int_equal(align, 1);
	fx_fini(&f);
}

static void attach_refuses_mapped_reserved_window(void **state)
{
	fx_t f;
	uint32_t ioas, pt;
	(void)state;
	fx_init(&f, 1, false, 0);
	assert_int_equal(fx_ioas(&f, &ioas), 0);
	assert_int_equal(fx_map_fixed(&f, ioas, 0x7f0000000000ull, 0x1000, 0xfee80000), 0);
	assert_int_equal(fx_bind(&f, 0), 0);
	pt = ioas;
	assert_int_equal(fx_attach(&f, 0, &pt), -EADDRINUSE);
	/* Nothing of the failed attach is left: no domain, the device still blocked. */
	assert_int_equal(f.mock.domains_live, 0);
	assert_int_equal(fx_state(&f, 0)->state, MOCK_DEV_BLOCKED);
	fx_fini(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(allocation_follows_length_and_address_alignment),
		cmocka_unit_test(allocation_keeps_the_page_offset),
		cmocka_unit_test(allowed_ranges_bound_allocation),
		cmocka_unit_test(allocation_skips_reserved_ranges),
		cmocka_unit_test(iova_ranges_follow_attachments),
		cmocka_unit_test(attach_refuses_mapped_reserved_window),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
