/* SPDX-License-Identifier: MIT */
/*
 * Pinned user memory: pages are pinned while a domain needs them (lazily otherwise), each
 * pinned page of a mapping is charged to the memlock accounting (user or process mode, per
 * IOMMU_OPTION RLIMIT_MODE), a pin past the limit is -ENOMEM and leaves nothing behind, the
 * same user address mapped twice shares frames, MAP_FILE pins memfd pages, and DMA data is
 * visible through the user address.
 */
#include "tests/iommufd/mock_drv.h"

static uint64_t locked(fx_t *f)
{
	ifd_sys_stats_t st;
	ifd_sys_get_stats(f->sys, &st);
	return st.locked_pages;
}

static uint64_t pinned_vm(fx_t *f)
{
	ifd_sys_stats_t st;
	ifd_sys_get_stats(f->sys, &st);
	return st.pinned_vm_pages;
}

static void attach0(fx_t *f, uint32_t ioas, int want)
{
	uint32_t pt = ioas;
	if (f->dfd[0] < 0)
		assert_int_equal(fx_bind(f, 0), 0);
	assert_int_equal(fx_attach(f, 0, &pt), want);
}

static void limit_gives_enomem_and_changes_nothing(void **state)
{
	fx_t f;
	uint32_t ioas;
	(void)state;
	fx_init(&f, 1, false, 16 * 4096);
	assert_int_equal(fx_ioas(&f, &ioas), 0);
	attach0(&f, ioas, 0);
	assert_int_equal(fx_map_fixed(&f, ioas, 0x10000000, 8 * 4096, 0x100000), 0);
	assert_int_equal(locked(&f), 8);
	assert_int_equal(fx_map_fixed(&f, ioas, 0x20000000, 9 * 4096, 0x200000), -ENOMEM);
	assert_int_equal(locked(&f), 8);
	/* The failed map left no area: the range maps fine once it fits. */
	assert_int_equal(fx_map_fixed(&f, ioas, 0x20000000, 8 * 4096, 0x200000), 0);
	assert_int_equal(locked(&f), 16);
	assert_int_equal(fx_unmap(&f, ioas, 0x100000, 8 * 4096, NULL), 0);
	assert_int_equal(locked(&f), 8);
	ifd_ctx_stats_t cs;
	ifd_ctx_get_stats(ifd_fd_ctx(f.sys, f.ifd), &cs);
	assert_int_equal(cs.pinned_pages, 8);
	assert_int_equal(ifd_close(f.sys, f.dfd[0], &f.err), 0);
	assert_int_equal(locked(&f), 0);
	fx_fini(&f);
}

static void pinning_waits_for_a_domain(void **state)
{
	fx_t f;
	uint32_t ioas;
	(void)state;
	fx_init(&f, 1, false, 16 * 4096);
	assert_int_equal(fx_ioas(&f, &ioas), 0);
	/* No domain: a lazy reference, nothing pinned, nothing checked. */
	assert_int_equal(fx_map_fixed(&f, ioas, 0x10000000, 32 * 4096, 0x100000), 0);
	assert_int_equal(locked(&f), 0);
	/* The attach pins and fails on the limit; the device stays blocked. */
	attach0(&f, ioas, -ENOMEM);
	assert_int_equal(locked(&f), 0);
	assert_int_equal(fx_state(&f, 0)->state, MOCK_DEV_BLOCKED);
	assert_int_equal(f.mock.domains_live, 0);
	assert_int_equal(fx_unmap(&f, ioas, 0x100000, 32 * 4096, NULL), 0);
	/* A hole in the process is found at pin time too. */
	assert_int_equal(ifd_mm_set_hole(f.mm, 0x30000000, 0x1000, true), 0);
	assert_int_equal(fx_map_fixed(&f, ioas, 0x30000000, 0x2000, 0x100000), 0);
	attach0(&f, ioas, -EFAULT);
	assert_int_equal(locked(&f), 0);
	assert_int_equal(ifd_mm_set_hole(f.mm, 0x30000000, 0x1000, false), 0);
	attach0(&f, ioas, 0);
	assert_int_equal(locked(&f), 2);
	fx_fini(&f);
}

static void same_user_va_twice_shares_frames(void **state)
{
	fx_t f;
	uint32_t ioas;
	uint64_t pa1 = 0, pa2 = 0;
	(void)state;
	fx_init(&f, 1, false, 0);
	assert_int_equal(fx_ioas(&f, &ioas), 0);
	attach0(&f, ioas, 0);
	assert_int_equal(fx_map_fixed(&f, ioas, 0x10000000, 0x4000, 0x100000), 0);
	assert_int_equal(fx_map_fixed(&f, ioas, 0x10000000, 0x4000, 0x800000), 0);
	mock_domain_t *md = fx_state(&f, 0)->dom;
	assert_int_equal(mock_dom_iova_to_phys(&md->dom, 0x102000, &pa1), 0);
	assert_int_equal(mock_dom_iova_to_phys(&md->dom, 0x802000, &pa2), 0);
	assert_int_equal(pa1, pa2);
	/* Two mappings are two pinnings, as in Linux: charged twice. */
	assert_int_equal(locked(&f), 8);
	/* A device write through one IOVA is read back through the user address. */
	const char msg[] = "dma data";
	assert_int_equal(iommusim_mem_write(f.mem, pa1 + 0x10, msg, sizeof(msg)), 0);
	char back[sizeof(msg)];
	assert_int_equal(ifd_mm_read(f.mm, 0x10002010, back, sizeof(back)), 0);
	assert_string_equal(back, msg);
	/* And a CPU write shows through the other IOVA. */
	assert_int_equal(ifd_mm_write(f.mm, 0x10003000, "cpu", 4), 0);
	assert_int_equal(mock_dom_iova_to_phys(&md->dom, 0x803000, &pa2), 0);
	assert_int_equal(iommusim_mem_read(f.mem, pa2, back, 4), 0);
	assert_string_equal(back, "cpu");
	fx_fini(&f);
}

static void process_accounting_mode(void **state)
{
	fx_t f;
	uint32_t ioas;
	(void)state;
	fx_init(&f, 1, false, 0);
	struct uapi_iommu_option o = {.size = sizeof(o), .option_id = UAPI_IOMMU_OPTION_RLIMIT_MODE,
				      .op = UAPI_IOMMU_OPTION_OP_SET, .val64 = 1};
	assert_int_equal(fx_ioctl(&f, f.ifd, UAPI_IOMMU_OPTION, &o, sizeof(o)), 0);
	o.op = UAPI_IOMMU_OPTION_OP_GET;
	o.val64 = 7;
	assert_int_equal(fx_ioctl(&f, f.ifd, UAPI_IOMMU_OPTION, &o, sizeof(o)), 0);
	assert_int_equal(o.val64, 1);
	assert_int_equal(fx_ioas(&f, &ioas), 0);
	attach0(&f, ioas, 0);
	assert_int_equal(fx_map_fixed(&f, ioas, 0x10000000, 0x3000, 0x100000), 0);
	assert_int_equal(pinned_vm(&f), 3);
	assert_int_equal(locked(&f), 0);
	/* The container defaults to process (vfio) accounting. */
	int cfd;
	assert_int_equal(ifd_open(f.sys, "/dev/vfio/vfio", &cfd, &f.err), 0);
	struct uapi_iommu_option g = {.size = sizeof(g), .option_id = UAPI_IOMMU_OPTION_RLIMIT_MODE,
				      .op = UAPI_IOMMU_OPTION_OP_GET};
	assert_int_equal(fx_ioctl(&f, cfd, UAPI_IOMMU_OPTION, &g, sizeof(g)), 0);
	assert_int_equal(g.val64, 1);
	fx_fini(&f);
}

static void map_file_pins_memfd_pages(void **state)
{
	fx_t f;
	uint32_t ioas;
	int mfd;
	uint64_t pa = 0;
	(void)state;
	fx_init(&f, 1, false, 0);
	assert_int_equal(ifd_memfd_create(f.sys, 0x10000, &mfd, &f.err), 0);
	assert_int_equal(ifd_memfd_rw(f.sys, mfd, 0x2004, "file", 5, true), 0);
	assert_int_equal(fx_ioas(&f, &ioas), 0);
	attach0(&f, ioas, 0);
	struct uapi_iommu_ioas_map_file m = {.size = sizeof(m),
		.flags = UAPI_IOMMU_IOAS_MAP_FIXED_IOVA | UAPI_IOMMU_IOAS_MAP_READABLE,
		.ioas_id = ioas, .fd = mfd, .start = 0x2000, .length = 0x4000, .iova = 0x100000};
	assert_int_equal(fx_ioctl(&f, f.ifd, UAPI_IOMMU_IOAS_MAP_FILE, &m, sizeof(m)), 0);
	assert_int_equal(locked(&f), 4);
	/* The mapping outlives the memfd's descriptor. */
	assert_int_equal(ifd_close(f.sys, mfd, &f.err), 0);
	mock_domain_t *md = fx_state(&f, 0)->dom;
	assert_int_equal(mock_dom_iova_to_phys(&md->dom, 0x100004, &pa), 0);
	char b[5];
	assert_int_equal(iommusim_mem_read(f.mem, pa, b, 5), 0);
	assert_string_equal(b, "file");
	/* Past the end of a file: the pin fails. */
	assert_int_equal(ifd_memfd_create(f.sys, 0x1000, &mfd, &f.err), 0);
	m.fd = mfd;
	m.start = 0;
	m.length = 0x2000;
	m.iova = 0x200000;
	assert_int_equal(fx_ioctl(&f, f.ifd, UAPI_IOMMU_IOAS_MAP_FILE, &m, sizeof(m)), -EFAULT);
	/* A descriptor that is not a memfd. */
	m.fd = f.ifd;
	assert_int_equal(fx_ioctl(&f, f.ifd, UAPI_IOMMU_IOAS_MAP_FILE, &m, sizeof(m)),
			 -EOPNOTSUPP);
	fx_fini(&f);
}

static void huge_pages_option_maps_small_pages(void **state)
{
	fx_t f;
	uint32_t ioas;
	(void)state;
	fx_init(&f, 1, false, 0);
	assert_int_equal(fx_ioas(&f, &ioas), 0);
	struct uapi_iommu_option o = {.size = sizeof(o), .option_id = UAPI_IOMMU_OPTION_HUGE_PAGES,
				      .op = UAPI_IOMMU_OPTION_OP_SET, .object_id = ioas, .val64 = 0};
	assert_int_equal(fx_ioctl(&f, f.ifd, UAPI_IOMMU_OPTION, &o, sizeof(o)), 0);
	attach0(&f, ioas, 0);
	/* 2 MiB aligned on both sides, yet 512 small pages. */
	assert_int_equal(fx_map_fixed(&f, ioas, 0x40000000, 0x200000, 0x40000000), 0);
	assert_int_equal(fx_state(&f, 0)->dom->nmaps, 512);
	o.op = UAPI_IOMMU_OPTION_OP_GET;
	o.val64 = 9;
	assert_int_equal(fx_ioctl(&f, f.ifd, UAPI_IOMMU_OPTION, &o, sizeof(o)), 0);
	assert_int_equal(o.val64, 0);
	fx_fini(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(limit_gives_enomem_and_changes_nothing),
		cmocka_unit_test(pinning_waits_for_a_domain),
		cmocka_unit_test(same_user_va_twice_shares_frames),
		cmocka_unit_test(process_accounting_mode),
		cmocka_unit_test(map_file_pins_memfd_pages),
		cmocka_unit_test(huge_pages_option_maps_small_pages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
