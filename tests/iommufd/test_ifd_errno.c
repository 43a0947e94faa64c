/* SPDX-License-Identifier: MIT */
/*
 * The errno conformance table: for each iommufd ioctl (and the vfio cdev ones), each error
 * case Linux enforces, with the errno it returns. Expected values come from the kernel's
 * checks (the iommufd core and the vfio cdev code), written out by hand.
 *
 * Every row runs on a fresh system in the same state:
 *   IOAS 1; device 0 bound as ID 2 and attached to HWPT 3 (paging, NEST_PARENT) of IOAS 1;
 *   HWPT 4 nested (VTD_S1) on 3; FAULT 5 (its fd open); VIOMMU 6 on HWPT 3; HWPT 7 paging
 *   with DIRTY_TRACKING; VDEVICE 8 (device 2, virt_id 0x10); IOVA 0x100000 + 64 KiB mapped
 *   from user 0x10000000. Device 1 has an open cdev that is not bound.
 */
#include "tests/iommufd/mock_drv.h"

/* Rows list only the fields that matter; the rest are zero. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define IOAS 1u
#define DEV 2u
#define PARENT 3u
#define NESTED 4u
#define FAULT 5u
#define VIOMMU 6u
#define DIRTY 7u
#define VDEV 8u
#define NOID 99u
#define UVA 0x10000000ull
#define MAPPED 0x100000ull
#define U64MAX UINT64_MAX

/* Payloads at fixed user addresses. */
#define P_S1      0x20000000ull   /* iommu_hwpt_vtd_s1, valid */
#define P_S1_BAD  0x20001000ull   /* addr_width 39 */
#define P_S1_TAIL 0x20002000ull   /* 32 bytes, non-zero past 24 */
#define P_INV     0x20003000ull   /* one valid vtd_s1_invalidate */
#define P_INV_FL  0x20004000ull   /* flags 0x2 */
#define P_INV_AD  0x20005000ull   /* addr 0x1001 */
#define P_INV_ALL 0x20006000ull   /* addr 0x1000, npages U64_MAX */
#define P_RANGES  0x20007000ull   /* ranges */
#define P_STE     0x20008000ull   /* arm_smmuv3 STE */

enum fdsel { FD_IOMMUFD, FD_DEV0, FD_DEV1 };

typedef struct row {
	const char *name;
	int fdsel;
	uint32_t req;
	uint8_t bytes[64];
	size_t len;
	int expect;
} row_t;

static row_t rows[256];
static size_t nrows;

static void add_row(const char *name, int fdsel, uint32_t req, const void *s, size_t len,
		    int expect)
{
	row_t *r = &rows[nrows++];
	r->name = name;
	r->fdsel = fdsel;
	r->req = req;
	memcpy(r->bytes, s, len);
	r->len = len;
	r->expect = expect;
}

#define ROW(nm, rq, T, ex, ...) \
	add_row(nm, FD_IOMMUFD, rq, &(struct T){__VA_ARGS__}, sizeof(struct T), ex)
#define DROW(nm, fd, rq, T, ex, ...) \
	add_row(nm, fd, rq, &(struct T){__VA_ARGS__}, sizeof(struct T), ex)

static void put(fx_t *f, uint64_t va, const void *p, size_t n)
{
	assert_int_equal(ifd_mm_write(f->mm, va, p, n), 0);
}

static void setup_state(fx_t *f)
{
	uint32_t id, pt;

	fx_init(f, 2, false, 0);
	assert_int_equal(fx_ioas(f, &id), 0);
	assert_int_equal(id, IOAS);
	assert_int_equal(fx_bind(f, 0), 0);
	assert_int_equal(f->devid[0], DEV);
	assert_int_equal(fx_hwpt_alloc(f, DEV, IOAS, UAPI_IOMMU_HWPT_ALLOC_NEST_PARENT, 0, NULL,
				       0, 0, &id), 0);
	assert_int_equal(id, PARENT);
	pt = PARENT;
	assert_int_equal(fx_attach(f, 0, &pt), 0);
	assert_int_equal(fx_nested(f, DEV, PARENT, &id), 0);
	assert_int_equal(id, NESTED);
	struct uapi_iommu_fault_alloc fa = {.size = sizeof(fa)};
	assert_int_equal(fx_ioctl(f, f->ifd, UAPI_IOMMU_FAULT_QUEUE_ALLOC, &fa, sizeof(fa)), 0);
	assert_int_equal(fa.out_fault_id, FAULT);
	struct uapi_iommu_viommu_alloc va = {.size = sizeof(va),
		.type = UAPI_IOMMU_VIOMMU_TYPE_ARM_SMMUV3, .dev_id = DEV, .hwpt_id = PARENT};
	assert_int_equal(fx_ioctl(f, f->ifd, UAPI_IOMMU_VIOMMU_ALLOC, &va, sizeof(va)), 0);
	assert_int_equal(va.out_viommu_id, VIOMMU);
	assert_int_equal(fx_hwpt_alloc(f, DEV, IOAS, UAPI_IOMMU_HWPT_ALLOC_DIRTY_TRACKING, 0,
				       NULL, 0, 0, &id), 0);
	assert_int_equal(id, DIRTY);
	struct uapi_iommu_vdevice_alloc vd = {.size = sizeof(vd), .viommu_id = VIOMMU,
					      .dev_id = DEV, .virt_id = 0x10};
	assert_int_equal(fx_ioctl(f, f->ifd, UAPI_IOMMU_VDEVICE_ALLOC, &vd, sizeof(vd)), 0);
	assert_int_equal(vd.out_vdevice_id, VDEV);
	assert_int_equal(fx_map_fixed(f, IOAS, UVA, 0x10000, MAPPED), 0);
	assert_int_equal(ifd_open_cdev(f->sys, f->dev[1], &f->dfd[1], &f->err), 0);

	struct uapi_iommu_hwpt_vtd_s1 s1 = {.flags = 0, .pgtbl_addr = 0x1000, .addr_width = 48};
	put(f, P_S1, &s1, sizeof(s1));
	s1.addr_width = 39;
	put(f, P_S1_BAD, &s1, sizeof(s1));
	uint8_t tail[32] = {0};
	s1.addr_width = 48;
	memcpy(tail, &s1, sizeof(s1));
	tail[30] = 1;
	put(f, P_S1_TAIL, tail, sizeof(tail));
	struct uapi_iommu_hwpt_vtd_s1_invalidate inv = {.addr = 0x1000, .npages = 1};
	put(f, P_INV, &inv, sizeof(inv));
	inv.flags = 2;
	put(f, P_INV_FL, &inv, sizeof(inv));
	inv.flags = 0;
	inv.addr = 0x1001;
	put(f, P_INV_AD, &inv, sizeof(inv));
	inv.addr = 0x1000;
	inv.npages = U64MAX;
	put(f, P_INV_ALL, &inv, sizeof(inv));
	struct uapi_iommu_iova_range rg[2] = {{0x2000, 0x1000}, {0, 0}};
	put(f, P_RANGES, rg, sizeof(rg));
	struct uapi_iommu_hwpt_arm_smmuv3 ste = {{1, 0}};
	put(f, P_STE, &ste, sizeof(ste));
}

static void build_rows(void)
{
	const uint32_t RW = UAPI_IOMMU_IOAS_MAP_READABLE | UAPI_IOMMU_IOAS_MAP_WRITEABLE;
	const uint32_t FIX = UAPI_IOMMU_IOAS_MAP_FIXED_IOVA;

	/* dispatcher */
	add_row("unknown command 0x95", FD_IOMMUFD, 0x3b95, (uint32_t[2]){8}, 8, -ENOTTY);
	add_row("selftest command 0xa0", FD_IOMMUFD, 0x3ba0, (uint32_t[2]){8}, 8, -ENOTTY);
	add_row("wrong type byte", FD_IOMMUFD, 0x1b81, (uint32_t[3]){12}, 12, -ENOTTY);
	add_row("size field unreadable", FD_IOMMUFD, UAPI_IOMMU_IOAS_ALLOC, &(uint16_t){12}, 2,
		-EFAULT);

	/* IOMMU_DESTROY */
	ROW("destroy: unknown id", UAPI_IOMMU_DESTROY, uapi_iommu_destroy, -ENOENT, 8, NOID);
	ROW("destroy: id 0", UAPI_IOMMU_DESTROY, uapi_iommu_destroy, -ENOENT, 8, 0);
	ROW("destroy: IOAS in use", UAPI_IOMMU_DESTROY, uapi_iommu_destroy, -EBUSY, 8, IOAS);
	ROW("destroy: attached HWPT", UAPI_IOMMU_DESTROY, uapi_iommu_destroy, -EBUSY, 8, PARENT);
	ROW("destroy: device held by vfio", UAPI_IOMMU_DESTROY, uapi_iommu_destroy, -EBUSY, 8, DEV);
	ROW("destroy: vIOMMU with a vDEVICE", UAPI_IOMMU_DESTROY, uapi_iommu_destroy, -EBUSY, 8,
	    VIOMMU);
	ROW("destroy: fault queue with open fd", UAPI_IOMMU_DESTROY, uapi_iommu_destroy, -EBUSY,
	    8, FAULT);
	ROW("destroy: unused HWPT", UAPI_IOMMU_DESTROY, uapi_iommu_destroy, 0, 8, DIRTY);
	ROW("destroy: vDEVICE", UAPI_IOMMU_DESTROY, uapi_iommu_destroy, 0, 8, VDEV);
	ROW("destroy: size below minimum", UAPI_IOMMU_DESTROY, uapi_iommu_destroy, -EINVAL, 4,
	    DIRTY);
	add_row("destroy: longer struct, non-zero tail", FD_IOMMUFD, UAPI_IOMMU_DESTROY,
		(uint32_t[4]){16, DIRTY, 0, 1}, 16, -E2BIG);
	add_row("destroy: longer struct, zero tail", FD_IOMMUFD, UAPI_IOMMU_DESTROY,
		(uint32_t[4]){16, DIRTY, 0, 0}, 16, 0);

	/* IOMMU_IOAS_ALLOC */
	ROW("ioas_alloc: flags", UAPI_IOMMU_IOAS_ALLOC, uapi_iommu_ioas_alloc, -EOPNOTSUPP, 12, 1);
	ROW("ioas_alloc: size 8", UAPI_IOMMU_IOAS_ALLOC, uapi_iommu_ioas_alloc, -EINVAL, 8);
	ROW("ioas_alloc: ok", UAPI_IOMMU_IOAS_ALLOC, uapi_iommu_ioas_alloc, 0, 12);

	/* IOMMU_IOAS_ALLOW_IOVAS */
	ROW("allow_iovas: __reserved", UAPI_IOMMU_IOAS_ALLOW_IOVAS, uapi_iommu_ioas_allow_iovas,
	    -EOPNOTSUPP, 24, IOAS, 0, 1);
	ROW("allow_iovas: unknown IOAS", UAPI_IOMMU_IOAS_ALLOW_IOVAS, uapi_iommu_ioas_allow_iovas,
	    -ENOENT, 24, NOID);
	ROW("allow_iovas: start >= last", UAPI_IOMMU_IOAS_ALLOW_IOVAS,
	    uapi_iommu_ioas_allow_iovas, -EINVAL, 24, IOAS, 1, 0, P_RANGES);
	ROW("allow_iovas: unreadable array", UAPI_IOMMU_IOAS_ALLOW_IOVAS,
	    uapi_iommu_ioas_allow_iovas, -EFAULT, 24, IOAS, 1, 0, 0);
	ROW("allow_iovas: empty list", UAPI_IOMMU_IOAS_ALLOW_IOVAS, uapi_iommu_ioas_allow_iovas,
	    0, 24, IOAS, 0, 0, 0);

	/* IOMMU_IOAS_IOVA_RANGES */
	ROW("iova_ranges: __reserved", UAPI_IOMMU_IOAS_IOVA_RANGES, uapi_iommu_ioas_iova_ranges,
	    -EOPNOTSUPP, 32, IOAS, 0, 1);
	ROW("iova_ranges: unknown IOAS", UAPI_IOMMU_IOAS_IOVA_RANGES,
	    uapi_iommu_ioas_iova_ranges, -ENOENT, 32, NOID);
	ROW("iova_ranges: no room", UAPI_IOMMU_IOAS_IOVA_RANGES, uapi_iommu_ioas_iova_ranges,
	    -EMSGSIZE, 32, IOAS, 0);
	ROW("iova_ranges: unwritable array", UAPI_IOMMU_IOAS_IOVA_RANGES,
	    uapi_iommu_ioas_iova_ranges, -EFAULT, 32, IOAS, 4, 0, 0);
	ROW("iova_ranges: ok", UAPI_IOMMU_IOAS_IOVA_RANGES, uapi_iommu_ioas_iova_ranges, 0, 32,
	    IOAS, 4, 0, P_RANGES);

	/* IOMMU_IOAS_MAP */
	ROW("map: unknown flag", UAPI_IOMMU_IOAS_MAP, uapi_iommu_ioas_map, -EOPNOTSUPP, 40,
	    RW | 8, IOAS, 0, UVA, 0x1000);
	ROW("map: __reserved", UAPI_IOMMU_IOAS_MAP, uapi_iommu_ioas_map, -EOPNOTSUPP, 40, RW,
	    IOAS, 1, UVA, 0x1000);
	ROW("map: iova U64_MAX", UAPI_IOMMU_IOAS_MAP, uapi_iommu_ioas_map, -EOVERFLOW, 40,
	    RW | FIX, IOAS, 0, UVA, 0x1000, U64MAX);
	ROW("map: length U64_MAX", UAPI_IOMMU_IOAS_MAP, uapi_iommu_ioas_map, -EOVERFLOW, 40, RW,
	    IOAS, 0, UVA, U64MAX);
	ROW("map: neither READABLE nor WRITEABLE", UAPI_IOMMU_IOAS_MAP, uapi_iommu_ioas_map,
	    -EINVAL, 40, FIX, IOAS, 0, UVA, 0x1000, 0x400000);
	ROW("map: unknown IOAS", UAPI_IOMMU_IOAS_MAP, uapi_iommu_ioas_map, -ENOENT, 40, RW,
	    NOID, 0, UVA, 0x1000);
	ROW("map: IOAS id of a HWPT", UAPI_IOMMU_IOAS_MAP, uapi_iommu_ioas_map, -ENOENT, 40, RW,
	    PARENT, 0, UVA, 0x1000);
	ROW("map: length 0", UAPI_IOMMU_IOAS_MAP, uapi_iommu_ioas_map, -EINVAL, 40, RW, IOAS, 0,
	    UVA, 0);
	ROW("map: user_va wraps", UAPI_IOMMU_IOAS_MAP, uapi_iommu_ioas_map, -EOVERFLOW, 40, RW,
	    IOAS, 0, U64MAX - 0xfff, 0x2000);
	ROW("map: overlaps a mapping", UAPI_IOMMU_IOAS_MAP, uapi_iommu_ioas_map, -EEXIST, 40,
	    RW | FIX, IOAS, 0, UVA, 0x1000, MAPPED + 0x1000);
	ROW("map: inside the MSI window", UAPI_IOMMU_IOAS_MAP, uapi_iommu_ioas_map, -EINVAL, 40,
	    RW | FIX, IOAS, 0, UVA, 0x1000, MOCK_MSI_START);
	ROW("map: iova below the domain page size", UAPI_IOMMU_IOAS_MAP, uapi_iommu_ioas_map,
	    -EINVAL, 40, RW | FIX, IOAS, 0, UVA, 0x1000, 0x400800);
	ROW("map: length below the domain page size", UAPI_IOMMU_IOAS_MAP, uapi_iommu_ioas_map,
	    -EINVAL, 40, RW | FIX, IOAS, 0, UVA, 0x800, 0x400000);
	ROW("map: unpinnable user_va", UAPI_IOMMU_IOAS_MAP, uapi_iommu_ioas_map, -EFAULT, 40,
	    RW | FIX, IOAS, 0, 1ull << 47, 0x1000, 0x400000);
	ROW("map: ok, allocated IOVA", UAPI_IOMMU_IOAS_MAP, uapi_iommu_ioas_map, 0, 40, RW, IOAS,
	    0, UVA, 0x1000);
	ROW("map: size 32", UAPI_IOMMU_IOAS_MAP, uapi_iommu_ioas_map, -EINVAL, 32, RW, IOAS, 0,
	    UVA, 0x1000);

	/* IOMMU_IOAS_MAP_FILE */
	ROW("map_file: unknown flag", UAPI_IOMMU_IOAS_MAP_FILE, uapi_iommu_ioas_map_file,
	    -EOPNOTSUPP, 40, RW | 8, IOAS, 3, 0, 0x1000);
	ROW("map_file: no permission", UAPI_IOMMU_IOAS_MAP_FILE, uapi_iommu_ioas_map_file,
	    -EINVAL, 40, 0, IOAS, 3, 0, 0x1000);
	ROW("map_file: unknown IOAS", UAPI_IOMMU_IOAS_MAP_FILE, uapi_iommu_ioas_map_file,
	    -ENOENT, 40, RW, NOID, 3, 0, 0x1000);
	ROW("map_file: fd not open", UAPI_IOMMU_IOAS_MAP_FILE, uapi_iommu_ioas_map_file, -EBADF,
	    40, RW, IOAS, 77, 0, 0x1000);

	/* IOMMU_IOAS_COPY */
	ROW("copy: unknown flag", UAPI_IOMMU_IOAS_COPY, uapi_iommu_ioas_copy, -EOPNOTSUPP, 40,
	    RW | 8, IOAS, IOAS, 0x1000, 0, MAPPED);
	ROW("copy: length U64_MAX", UAPI_IOMMU_IOAS_COPY, uapi_iommu_ioas_copy, -EOVERFLOW, 40,
	    RW, IOAS, IOAS, U64MAX, 0, MAPPED);
	ROW("copy: no permission", UAPI_IOMMU_IOAS_COPY, uapi_iommu_ioas_copy, -EINVAL, 40, 0,
	    IOAS, IOAS, 0x1000, 0, MAPPED);
	ROW("copy: unknown source", UAPI_IOMMU_IOAS_COPY, uapi_iommu_ioas_copy, -ENOENT, 40, RW,
	    IOAS, NOID, 0x1000, 0, MAPPED);
	ROW("copy: source not mapped", UAPI_IOMMU_IOAS_COPY, uapi_iommu_ioas_copy, -ENOENT, 40,
	    RW, IOAS, IOAS, 0x1000, 0, 0x900000);
	ROW("copy: length 0", UAPI_IOMMU_IOAS_COPY, uapi_iommu_ioas_copy, -EINVAL, 40, RW, IOAS,
	    IOAS, 0, 0, MAPPED);
	ROW("copy: unknown destination", UAPI_IOMMU_IOAS_COPY, uapi_iommu_ioas_copy, -ENOENT, 40,
	    RW, NOID, IOAS, 0x1000, 0, MAPPED);
	ROW("copy: destination taken", UAPI_IOMMU_IOAS_COPY, uapi_iommu_ioas_copy, -EEXIST, 40,
	    RW | FIX, IOAS, IOAS, 0x1000, MAPPED, MAPPED);
	ROW("copy: ok", UAPI_IOMMU_IOAS_COPY, uapi_iommu_ioas_copy, 0, 40, RW | FIX, IOAS, IOAS,
	    0x2000, 0x800000, MAPPED + 0x1000);

	/* IOMMU_IOAS_UNMAP */
	ROW("unmap: unknown IOAS", UAPI_IOMMU_IOAS_UNMAP, uapi_iommu_ioas_unmap, -ENOENT, 24, NOID,
	    MAPPED, 0x10000);
	ROW("unmap: length 0", UAPI_IOMMU_IOAS_UNMAP, uapi_iommu_ioas_unmap, -EINVAL, 24, IOAS,
	    MAPPED, 0);
	ROW("unmap: iova U64_MAX", UAPI_IOMMU_IOAS_UNMAP, uapi_iommu_ioas_unmap, -EOVERFLOW, 24,
	    IOAS, U64MAX, 0x1000);
	ROW("unmap: range wraps", UAPI_IOMMU_IOAS_UNMAP, uapi_iommu_ioas_unmap, -EOVERFLOW, 24,
	    IOAS, 0x2000, U64MAX - 1);
	ROW("unmap: part of a mapping", UAPI_IOMMU_IOAS_UNMAP, uapi_iommu_ioas_unmap, -ENOENT, 24,
	    IOAS, MAPPED, 0x1000);
	ROW("unmap: nothing mapped", UAPI_IOMMU_IOAS_UNMAP, uapi_iommu_ioas_unmap, -ENOENT, 24,
	    IOAS, 0x40000000, 0x1000);
	ROW("unmap: whole mapping", UAPI_IOMMU_IOAS_UNMAP, uapi_iommu_ioas_unmap, 0, 24, IOAS,
	    MAPPED, 0x10000);
	ROW("unmap: all", UAPI_IOMMU_IOAS_UNMAP, uapi_iommu_ioas_unmap, 0, 24, IOAS, 0, U64MAX);

	/* IOMMU_OPTION */
	ROW("option: __reserved", UAPI_IOMMU_OPTION, uapi_iommu_option, -EOPNOTSUPP, 24, 0, 1, 1);
	ROW("option: unknown option", UAPI_IOMMU_OPTION, uapi_iommu_option, -EOPNOTSUPP, 24, 9, 1);
	ROW("option: RLIMIT_MODE with object", UAPI_IOMMU_OPTION, uapi_iommu_option, -EOPNOTSUPP,
	    24, UAPI_IOMMU_OPTION_RLIMIT_MODE, UAPI_IOMMU_OPTION_OP_GET, 0, IOAS);
	ROW("option: RLIMIT_MODE bad op", UAPI_IOMMU_OPTION, uapi_iommu_option, -EOPNOTSUPP, 24,
	    UAPI_IOMMU_OPTION_RLIMIT_MODE, 5);
	ROW("option: RLIMIT_MODE SET with objects", UAPI_IOMMU_OPTION, uapi_iommu_option, -EBUSY,
	    24, UAPI_IOMMU_OPTION_RLIMIT_MODE, UAPI_IOMMU_OPTION_OP_SET, 0, 0, 1);
	ROW("option: RLIMIT_MODE GET", UAPI_IOMMU_OPTION, uapi_iommu_option, 0, 24,
	    UAPI_IOMMU_OPTION_RLIMIT_MODE, UAPI_IOMMU_OPTION_OP_GET);
	ROW("option: HUGE_PAGES unknown IOAS", UAPI_IOMMU_OPTION, uapi_iommu_option, -ENOENT, 24,
	    UAPI_IOMMU_OPTION_HUGE_PAGES, UAPI_IOMMU_OPTION_OP_GET, 0, NOID);
	ROW("option: HUGE_PAGES val 2", UAPI_IOMMU_OPTION, uapi_iommu_option, -EINVAL, 24,
	    UAPI_IOMMU_OPTION_HUGE_PAGES, UAPI_IOMMU_OPTION_OP_SET, 0, IOAS, 2);
	ROW("option: HUGE_PAGES=0 after mapping", UAPI_IOMMU_OPTION, uapi_iommu_option, -EINVAL,
	    24, UAPI_IOMMU_OPTION_HUGE_PAGES, UAPI_IOMMU_OPTION_OP_SET, 0, IOAS, 0);
	ROW("option: HUGE_PAGES bad op", UAPI_IOMMU_OPTION, uapi_iommu_option, -EOPNOTSUPP, 24,
	    UAPI_IOMMU_OPTION_HUGE_PAGES, 3, 0, IOAS);

	/* IOMMU_VFIO_IOAS */
	ROW("vfio_ioas: __reserved", UAPI_IOMMU_VFIO_IOAS, uapi_iommu_vfio_ioas, -EOPNOTSUPP, 12,
	    IOAS, UAPI_IOMMU_VFIO_IOAS_SET, 1);
	ROW("vfio_ioas: GET without one", UAPI_IOMMU_VFIO_IOAS, uapi_iommu_vfio_ioas, -ENODEV, 12,
	    0, UAPI_IOMMU_VFIO_IOAS_GET);
	ROW("vfio_ioas: SET unknown", UAPI_IOMMU_VFIO_IOAS, uapi_iommu_vfio_ioas, -ENOENT, 12,
	    NOID, UAPI_IOMMU_VFIO_IOAS_SET);
	ROW("vfio_ioas: bad op", UAPI_IOMMU_VFIO_IOAS, uapi_iommu_vfio_ioas, -EOPNOTSUPP, 12, IOAS,
	    7);
	ROW("vfio_ioas: SET", UAPI_IOMMU_VFIO_IOAS, uapi_iommu_vfio_ioas, 0, 12, IOAS,
	    UAPI_IOMMU_VFIO_IOAS_SET);

	/* IOMMU_HWPT_ALLOC */
	ROW("hwpt_alloc: __reserved", UAPI_IOMMU_HWPT_ALLOC, uapi_iommu_hwpt_alloc, -EOPNOTSUPP,
	    48, 0, DEV, IOAS, 0, 1);
	ROW("hwpt_alloc: NONE with data_len", UAPI_IOMMU_HWPT_ALLOC, uapi_iommu_hwpt_alloc,
	    -EINVAL, 48, 0, DEV, IOAS, 0, 0, 0, 24, P_S1);
	ROW("hwpt_alloc: type without data", UAPI_IOMMU_HWPT_ALLOC, uapi_iommu_hwpt_alloc,
	    -EINVAL, 48, 0, DEV, PARENT, 0, 0, UAPI_IOMMU_HWPT_DATA_VTD_S1, 0);
	ROW("hwpt_alloc: unknown device", UAPI_IOMMU_HWPT_ALLOC, uapi_iommu_hwpt_alloc, -ENOENT,
	    48, 0, NOID, IOAS);
	ROW("hwpt_alloc: dev_id of an IOAS", UAPI_IOMMU_HWPT_ALLOC, uapi_iommu_hwpt_alloc,
	    -ENOENT, 48, 0, IOAS, IOAS);
	ROW("hwpt_alloc: unknown pt_id", UAPI_IOMMU_HWPT_ALLOC, uapi_iommu_hwpt_alloc, -EINVAL,
	    48, 0, DEV, NOID);
	ROW("hwpt_alloc: pt_id of a device", UAPI_IOMMU_HWPT_ALLOC, uapi_iommu_hwpt_alloc,
	    -EINVAL, 48, 0, DEV, DEV);
	ROW("hwpt_alloc: unknown flag", UAPI_IOMMU_HWPT_ALLOC, uapi_iommu_hwpt_alloc, -EOPNOTSUPP,
	    48, 1u << 7, DEV, IOAS);
	ROW("hwpt_alloc: FAULT_ID_VALID with NEST_PARENT", UAPI_IOMMU_HWPT_ALLOC,
	    uapi_iommu_hwpt_alloc, -EOPNOTSUPP, 48,
	    UAPI_IOMMU_HWPT_FAULT_ID_VALID | UAPI_IOMMU_HWPT_ALLOC_NEST_PARENT, DEV, IOAS, 0, 0, 0,
	    0, 0, FAULT);
	ROW("hwpt_alloc: paging with type data", UAPI_IOMMU_HWPT_ALLOC, uapi_iommu_hwpt_alloc,
	    -EOPNOTSUPP, 48, 0, DEV, IOAS, 0, 0, UAPI_IOMMU_HWPT_DATA_VTD_S1, 24, P_S1);
	ROW("hwpt_alloc: nested on a non-parent", UAPI_IOMMU_HWPT_ALLOC, uapi_iommu_hwpt_alloc,
	    -EINVAL, 48, 0, DEV, DIRTY, 0, 0, UAPI_IOMMU_HWPT_DATA_VTD_S1, 24, P_S1);
	ROW("hwpt_alloc: nested with DIRTY_TRACKING", UAPI_IOMMU_HWPT_ALLOC, uapi_iommu_hwpt_alloc,
	    -EOPNOTSUPP, 48, UAPI_IOMMU_HWPT_ALLOC_DIRTY_TRACKING, DEV, PARENT, 0, 0,
	    UAPI_IOMMU_HWPT_DATA_VTD_S1, 24, P_S1);
	ROW("hwpt_alloc: nested on a nested HWPT", UAPI_IOMMU_HWPT_ALLOC, uapi_iommu_hwpt_alloc,
	    -EINVAL, 48, 0, DEV, NESTED, 0, 0, UAPI_IOMMU_HWPT_DATA_VTD_S1, 24, P_S1);
	ROW("hwpt_alloc: nested data too short", UAPI_IOMMU_HWPT_ALLOC, uapi_iommu_hwpt_alloc,
	    -EINVAL, 48, 0, DEV, PARENT, 0, 0, UAPI_IOMMU_HWPT_DATA_VTD_S1, 16, P_S1);
	ROW("hwpt_alloc: nested data with non-zero tail", UAPI_IOMMU_HWPT_ALLOC,
	    uapi_iommu_hwpt_alloc, -E2BIG, 48, 0, DEV, PARENT, 0, 0, UAPI_IOMMU_HWPT_DATA_VTD_S1,
	    32, P_S1_TAIL);
	ROW("hwpt_alloc: nested data unreadable", UAPI_IOMMU_HWPT_ALLOC, uapi_iommu_hwpt_alloc,
	    -EFAULT, 48, 0, DEV, PARENT, 0, 0, UAPI_IOMMU_HWPT_DATA_VTD_S1, 24, 0);
	ROW("hwpt_alloc: nested wrong data type", UAPI_IOMMU_HWPT_ALLOC, uapi_iommu_hwpt_alloc,
	    -EINVAL, 48, 0, DEV, PARENT, 0, 0, UAPI_IOMMU_HWPT_DATA_ARM_SMMUV3, 16, P_STE);
	ROW("hwpt_alloc: nested bad addr_width", UAPI_IOMMU_HWPT_ALLOC, uapi_iommu_hwpt_alloc,
	    -EINVAL, 48, 0, DEV, PARENT, 0, 0, UAPI_IOMMU_HWPT_DATA_VTD_S1, 24, P_S1_BAD);
	ROW("hwpt_alloc: unknown fault_id", UAPI_IOMMU_HWPT_ALLOC, uapi_iommu_hwpt_alloc, -ENOENT,
	    48, UAPI_IOMMU_HWPT_FAULT_ID_VALID, DEV, IOAS, 0, 0, 0, 0, 0, NOID);
	ROW("hwpt_alloc: fault_id of an IOAS", UAPI_IOMMU_HWPT_ALLOC, uapi_iommu_hwpt_alloc,
	    -ENOENT, 48, UAPI_IOMMU_HWPT_FAULT_ID_VALID, DEV, IOAS, 0, 0, 0, 0, 0, IOAS);
	ROW("hwpt_alloc: size 20", UAPI_IOMMU_HWPT_ALLOC, uapi_iommu_hwpt_alloc, -EINVAL, 20, 0,
	    DEV, IOAS);
	ROW("hwpt_alloc: 6.10 size 40", UAPI_IOMMU_HWPT_ALLOC, uapi_iommu_hwpt_alloc, 0, 40, 0,
	    DEV, IOAS);
	ROW("hwpt_alloc: vIOMMU nested, bad flag", UAPI_IOMMU_HWPT_ALLOC, uapi_iommu_hwpt_alloc,
	    -EOPNOTSUPP, 48, UAPI_IOMMU_HWPT_ALLOC_NEST_PARENT, DEV, VIOMMU, 0, 0,
	    UAPI_IOMMU_HWPT_DATA_ARM_SMMUV3, 16, P_STE);
	ROW("hwpt_alloc: vIOMMU nested ok", UAPI_IOMMU_HWPT_ALLOC, uapi_iommu_hwpt_alloc, 0, 48,
	    0, DEV, VIOMMU, 0, 0, UAPI_IOMMU_HWPT_DATA_ARM_SMMUV3, 16, P_STE);

	/* IOMMU_GET_HW_INFO */
	ROW("hw_info: unknown flag", UAPI_IOMMU_GET_HW_INFO, uapi_iommu_hw_info, -EOPNOTSUPP, 40,
	    2, DEV);
	ROW("hw_info: __reserved", UAPI_IOMMU_GET_HW_INFO, uapi_iommu_hw_info, -EOPNOTSUPP, 40, 0,
	    DEV, .reserved = {0, 1, 0});
	ROW("hw_info: unknown device", UAPI_IOMMU_GET_HW_INFO, uapi_iommu_hw_info, -ENOENT, 40, 0,
	    NOID);
	ROW("hw_info: unsupported input type", UAPI_IOMMU_GET_HW_INFO, uapi_iommu_hw_info,
	    -EOPNOTSUPP, 40, UAPI_IOMMU_HW_INFO_FLAG_INPUT_TYPE, DEV, 0, 0,
	    .in_data_type = UAPI_IOMMU_HW_INFO_TYPE_ARM_SMMUV3);
	ROW("hw_info: unwritable buffer", UAPI_IOMMU_GET_HW_INFO, uapi_iommu_hw_info, -EFAULT, 40,
	    0, DEV, 24, 0);
	ROW("hw_info: size 24", UAPI_IOMMU_GET_HW_INFO, uapi_iommu_hw_info, -EINVAL, 24, 0, DEV);
	ROW("hw_info: ok", UAPI_IOMMU_GET_HW_INFO, uapi_iommu_hw_info, 0, 40, 0, DEV, 24,
	    P_RANGES);

	/* IOMMU_HWPT_SET_DIRTY_TRACKING */
	ROW("set_dirty: unknown flag", UAPI_IOMMU_HWPT_SET_DIRTY_TRACKING,
	    uapi_iommu_hwpt_set_dirty_tracking, -EOPNOTSUPP, 16, 2, DIRTY);
	ROW("set_dirty: unknown HWPT", UAPI_IOMMU_HWPT_SET_DIRTY_TRACKING,
	    uapi_iommu_hwpt_set_dirty_tracking, -ENOENT, 16, 1, NOID);
	ROW("set_dirty: nested HWPT", UAPI_IOMMU_HWPT_SET_DIRTY_TRACKING,
	    uapi_iommu_hwpt_set_dirty_tracking, -ENOENT, 16, 1, NESTED);
	ROW("set_dirty: HWPT without tracking", UAPI_IOMMU_HWPT_SET_DIRTY_TRACKING,
	    uapi_iommu_hwpt_set_dirty_tracking, -EOPNOTSUPP, 16, 1, PARENT);
	ROW("set_dirty: ok", UAPI_IOMMU_HWPT_SET_DIRTY_TRACKING,
	    uapi_iommu_hwpt_set_dirty_tracking, 0, 16, 1, DIRTY);

	/* IOMMU_HWPT_GET_DIRTY_BITMAP */
	ROW("get_dirty: unknown flag", UAPI_IOMMU_HWPT_GET_DIRTY_BITMAP,
	    uapi_iommu_hwpt_get_dirty_bitmap, -EOPNOTSUPP, 48, DIRTY, 2, 0, MAPPED, 0x10000,
	    0x1000, P_RANGES);
	ROW("get_dirty: __reserved", UAPI_IOMMU_HWPT_GET_DIRTY_BITMAP,
	    uapi_iommu_hwpt_get_dirty_bitmap, -EOPNOTSUPP, 48, DIRTY, 0, 1, MAPPED, 0x10000,
	    0x1000, P_RANGES);
	ROW("get_dirty: unknown HWPT", UAPI_IOMMU_HWPT_GET_DIRTY_BITMAP,
	    uapi_iommu_hwpt_get_dirty_bitmap, -ENOENT, 48, NOID, 0, 0, MAPPED, 0x10000, 0x1000,
	    P_RANGES);
	ROW("get_dirty: HWPT without tracking", UAPI_IOMMU_HWPT_GET_DIRTY_BITMAP,
	    uapi_iommu_hwpt_get_dirty_bitmap, -EOPNOTSUPP, 48, PARENT, 0, 0, MAPPED, 0x10000,
	    0x1000, P_RANGES);
	ROW("get_dirty: page_size 0", UAPI_IOMMU_HWPT_GET_DIRTY_BITMAP,
	    uapi_iommu_hwpt_get_dirty_bitmap, -EINVAL, 48, DIRTY, 0, 0, MAPPED, 0x10000, 0,
	    P_RANGES);
	ROW("get_dirty: iova not page aligned", UAPI_IOMMU_HWPT_GET_DIRTY_BITMAP,
	    uapi_iommu_hwpt_get_dirty_bitmap, -EINVAL, 48, DIRTY, 0, 0, MAPPED + 0x10, 0x1000,
	    0x1000, P_RANGES);
	ROW("get_dirty: wraps", UAPI_IOMMU_HWPT_GET_DIRTY_BITMAP,
	    uapi_iommu_hwpt_get_dirty_bitmap, -EOVERFLOW, 48, DIRTY, 0, 0, MAPPED, U64MAX,
	    0x1000, P_RANGES);
	ROW("get_dirty: range not mapped", UAPI_IOMMU_HWPT_GET_DIRTY_BITMAP,
	    uapi_iommu_hwpt_get_dirty_bitmap, -EINVAL, 48, DIRTY, 0, 0, MAPPED, 0x20000, 0x1000,
	    P_RANGES);
	ROW("get_dirty: ok", UAPI_IOMMU_HWPT_GET_DIRTY_BITMAP, uapi_iommu_hwpt_get_dirty_bitmap,
	    0, 48, DIRTY, 0, 0, MAPPED, 0x10000, 0x1000, P_RANGES);

	/* IOMMU_HWPT_INVALIDATE */
	ROW("invalidate: __reserved", UAPI_IOMMU_HWPT_INVALIDATE, uapi_iommu_hwpt_invalidate,
	    -EOPNOTSUPP, 32, NESTED, P_INV, 0, 24, 1, 1);
	ROW("invalidate: entries without pointer", UAPI_IOMMU_HWPT_INVALIDATE,
	    uapi_iommu_hwpt_invalidate, -EINVAL, 32, NESTED, 0, 0, 24, 1);
	ROW("invalidate: entries without entry_len", UAPI_IOMMU_HWPT_INVALIDATE,
	    uapi_iommu_hwpt_invalidate, -EINVAL, 32, NESTED, P_INV, 0, 0, 1);
	ROW("invalidate: unknown id", UAPI_IOMMU_HWPT_INVALIDATE, uapi_iommu_hwpt_invalidate,
	    -ENOENT, 32, NOID, P_INV, 0, 24, 1);
	ROW("invalidate: paging HWPT", UAPI_IOMMU_HWPT_INVALIDATE, uapi_iommu_hwpt_invalidate,
	    -EINVAL, 32, PARENT, P_INV, 0, 24, 1);
	ROW("invalidate: wrong data_type", UAPI_IOMMU_HWPT_INVALIDATE, uapi_iommu_hwpt_invalidate,
	    -EINVAL, 32, NESTED, P_INV, 7, 24, 1);
	ROW("invalidate: probe of a wrong type", UAPI_IOMMU_HWPT_INVALIDATE,
	    uapi_iommu_hwpt_invalidate, -EINVAL, 32, NESTED, 0, 7, 0, 0);
	ROW("invalidate: probe of VTD_S1", UAPI_IOMMU_HWPT_INVALIDATE, uapi_iommu_hwpt_invalidate,
	    0, 32, NESTED, 0, UAPI_IOMMU_HWPT_INVALIDATE_DATA_VTD_S1, 0, 0);
	ROW("invalidate: entry_len too short", UAPI_IOMMU_HWPT_INVALIDATE,
	    uapi_iommu_hwpt_invalidate, -EINVAL, 32, NESTED, P_INV, 0, 16, 1);
	ROW("invalidate: unknown entry flag", UAPI_IOMMU_HWPT_INVALIDATE,
	    uapi_iommu_hwpt_invalidate, -EOPNOTSUPP, 32, NESTED, P_INV_FL, 0, 24, 1);
	ROW("invalidate: unaligned addr", UAPI_IOMMU_HWPT_INVALIDATE, uapi_iommu_hwpt_invalidate,
	    -EINVAL, 32, NESTED, P_INV_AD, 0, 24, 1);
	ROW("invalidate: npages U64_MAX with addr", UAPI_IOMMU_HWPT_INVALIDATE,
	    uapi_iommu_hwpt_invalidate, -EINVAL, 32, NESTED, P_INV_ALL, 0, 24, 1);
	ROW("invalidate: unreadable entry", UAPI_IOMMU_HWPT_INVALIDATE, uapi_iommu_hwpt_invalidate,
	    -EFAULT, 32, NESTED, 1ull << 47, 0, 24, 1);
	ROW("invalidate: ok", UAPI_IOMMU_HWPT_INVALIDATE, uapi_iommu_hwpt_invalidate, 0, 32,
	    NESTED, P_INV, 0, 24, 1);
	ROW("invalidate: vIOMMU wrong type", UAPI_IOMMU_HWPT_INVALIDATE,
	    uapi_iommu_hwpt_invalidate, -EINVAL, 32, VIOMMU, P_INV, 0, 16, 1);

	/* IOMMU_FAULT_QUEUE_ALLOC */
	ROW("fault_alloc: flags", UAPI_IOMMU_FAULT_QUEUE_ALLOC, uapi_iommu_fault_alloc,
	    -EOPNOTSUPP, 16, 1);
	ROW("fault_alloc: size 12", UAPI_IOMMU_FAULT_QUEUE_ALLOC, uapi_iommu_fault_alloc, -EINVAL,
	    12);
	ROW("fault_alloc: ok", UAPI_IOMMU_FAULT_QUEUE_ALLOC, uapi_iommu_fault_alloc, 0, 16);

	/* IOMMU_VIOMMU_ALLOC */
	ROW("viommu_alloc: flags", UAPI_IOMMU_VIOMMU_ALLOC, uapi_iommu_viommu_alloc, -EOPNOTSUPP,
	    40, 1, UAPI_IOMMU_VIOMMU_TYPE_ARM_SMMUV3, DEV, PARENT);
	ROW("viommu_alloc: type DEFAULT", UAPI_IOMMU_VIOMMU_ALLOC, uapi_iommu_viommu_alloc,
	    -EOPNOTSUPP, 40, 0, UAPI_IOMMU_VIOMMU_TYPE_DEFAULT, DEV, PARENT);
	ROW("viommu_alloc: unknown device", UAPI_IOMMU_VIOMMU_ALLOC, uapi_iommu_viommu_alloc,
	    -ENOENT, 40, 0, UAPI_IOMMU_VIOMMU_TYPE_ARM_SMMUV3, NOID, PARENT);
	ROW("viommu_alloc: unknown HWPT", UAPI_IOMMU_VIOMMU_ALLOC, uapi_iommu_viommu_alloc,
	    -ENOENT, 40, 0, UAPI_IOMMU_VIOMMU_TYPE_ARM_SMMUV3, DEV, NOID);
	ROW("viommu_alloc: nested HWPT", UAPI_IOMMU_VIOMMU_ALLOC, uapi_iommu_viommu_alloc,
	    -ENOENT, 40, 0, UAPI_IOMMU_VIOMMU_TYPE_ARM_SMMUV3, DEV, NESTED);
	ROW("viommu_alloc: not a nest parent", UAPI_IOMMU_VIOMMU_ALLOC, uapi_iommu_viommu_alloc,
	    -EINVAL, 40, 0, UAPI_IOMMU_VIOMMU_TYPE_ARM_SMMUV3, DEV, DIRTY);
	ROW("viommu_alloc: type the driver lacks", UAPI_IOMMU_VIOMMU_ALLOC,
	    uapi_iommu_viommu_alloc, -EOPNOTSUPP, 40, 0, UAPI_IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV,
	    DEV, PARENT);
	ROW("viommu_alloc: 6.13 size 24", UAPI_IOMMU_VIOMMU_ALLOC, uapi_iommu_viommu_alloc, 0, 24,
	    0, UAPI_IOMMU_VIOMMU_TYPE_ARM_SMMUV3, DEV, PARENT);

	/* IOMMU_VDEVICE_ALLOC */
	ROW("vdevice_alloc: unknown vIOMMU", UAPI_IOMMU_VDEVICE_ALLOC, uapi_iommu_vdevice_alloc,
	    -ENOENT, 24, NOID, DEV, 0, 0x20);
	ROW("vdevice_alloc: unknown device", UAPI_IOMMU_VDEVICE_ALLOC, uapi_iommu_vdevice_alloc,
	    -ENOENT, 24, VIOMMU, NOID, 0, 0x20);
	ROW("vdevice_alloc: device has one", UAPI_IOMMU_VDEVICE_ALLOC, uapi_iommu_vdevice_alloc,
	    -EEXIST, 24, VIOMMU, DEV, 0, 0x20);

	/* IOMMU_IOAS_CHANGE_PROCESS */
	ROW("change_process: __reserved", UAPI_IOMMU_IOAS_CHANGE_PROCESS,
	    uapi_iommu_ioas_change_process, -EOPNOTSUPP, 8, 1);
	ROW("change_process: same process", UAPI_IOMMU_IOAS_CHANGE_PROCESS,
	    uapi_iommu_ioas_change_process, 0, 8);

	/* IOMMU_VEVENTQ_ALLOC */
	ROW("veventq_alloc: flags", UAPI_IOMMU_VEVENTQ_ALLOC, uapi_iommu_veventq_alloc,
	    -EOPNOTSUPP, 32, 1, VIOMMU, 1, 8);
	ROW("veventq_alloc: type DEFAULT", UAPI_IOMMU_VEVENTQ_ALLOC, uapi_iommu_veventq_alloc,
	    -EOPNOTSUPP, 32, 0, VIOMMU, 0, 8);
	ROW("veventq_alloc: depth 0", UAPI_IOMMU_VEVENTQ_ALLOC, uapi_iommu_veventq_alloc, -EINVAL,
	    32, 0, VIOMMU, 1, 0);
	ROW("veventq_alloc: unknown vIOMMU", UAPI_IOMMU_VEVENTQ_ALLOC, uapi_iommu_veventq_alloc,
	    -ENOENT, 32, 0, NOID, 1, 8);
	ROW("veventq_alloc: ok", UAPI_IOMMU_VEVENTQ_ALLOC, uapi_iommu_veventq_alloc, 0, 32, 0,
	    VIOMMU, 1, 8);

	/* IOMMU_HW_QUEUE_ALLOC */
	ROW("hw_queue_alloc: flags", UAPI_IOMMU_HW_QUEUE_ALLOC, uapi_iommu_hw_queue_alloc,
	    -EOPNOTSUPP, 40, 1, VIOMMU, 1, 0, 0, MAPPED, 0x1000);
	ROW("hw_queue_alloc: type DEFAULT", UAPI_IOMMU_HW_QUEUE_ALLOC, uapi_iommu_hw_queue_alloc,
	    -EOPNOTSUPP, 40, 0, VIOMMU, 0, 0, 0, MAPPED, 0x1000);
	ROW("hw_queue_alloc: length 0", UAPI_IOMMU_HW_QUEUE_ALLOC, uapi_iommu_hw_queue_alloc,
	    -EINVAL, 40, 0, VIOMMU, 1, 0, 0, MAPPED, 0);
	ROW("hw_queue_alloc: wraps", UAPI_IOMMU_HW_QUEUE_ALLOC, uapi_iommu_hw_queue_alloc,
	    -EOVERFLOW, 40, 0, VIOMMU, 1, 0, 0, U64MAX, 0x1000);
	ROW("hw_queue_alloc: unknown vIOMMU", UAPI_IOMMU_HW_QUEUE_ALLOC, uapi_iommu_hw_queue_alloc,
	    -ENOENT, 40, 0, NOID, 1, 0, 0, MAPPED, 0x1000);
	ROW("hw_queue_alloc: memory not mapped", UAPI_IOMMU_HW_QUEUE_ALLOC,
	    uapi_iommu_hw_queue_alloc, -ENOENT, 40, 0, VIOMMU, 1, 0, 0, 0x900000, 0x1000);
	ROW("hw_queue_alloc: ok", UAPI_IOMMU_HW_QUEUE_ALLOC, uapi_iommu_hw_queue_alloc, 0, 40, 0,
	    VIOMMU, 1, 0, 0, MAPPED, 0x1000);

	/* vfio cdev */
	DROW("bind: second bind of a file", FD_DEV0, UAPI_VFIO_DEVICE_BIND_IOMMUFD,
	     uapi_vfio_device_bind_iommufd, -EINVAL, 16, 0, 3);
	DROW("bind: unknown flag", FD_DEV1, UAPI_VFIO_DEVICE_BIND_IOMMUFD,
	     uapi_vfio_device_bind_iommufd, -EINVAL, 16, 2, 3);
	DROW("bind: argsz 12", FD_DEV1, UAPI_VFIO_DEVICE_BIND_IOMMUFD,
	     uapi_vfio_device_bind_iommufd, -EINVAL, 12, 0, 3);
	DROW("bind: negative fd", FD_DEV1, UAPI_VFIO_DEVICE_BIND_IOMMUFD,
	     uapi_vfio_device_bind_iommufd, -EINVAL, 16, 0, -1);
	DROW("bind: fd not open", FD_DEV1, UAPI_VFIO_DEVICE_BIND_IOMMUFD,
	     uapi_vfio_device_bind_iommufd, -EBADF, 16, 0, 90);
	DROW("bind: fd not an iommufd", FD_DEV1, UAPI_VFIO_DEVICE_BIND_IOMMUFD,
	     uapi_vfio_device_bind_iommufd, -EBADFD, 16, 0, 4);
	DROW("bind: ok", FD_DEV1, UAPI_VFIO_DEVICE_BIND_IOMMUFD, uapi_vfio_device_bind_iommufd, 0,
	     16, 0, 3);
	DROW("attach: before bind", FD_DEV1, UAPI_VFIO_DEVICE_ATTACH_IOMMUFD_PT,
	     uapi_vfio_device_attach_iommufd_pt, -EINVAL, 12, 0, IOAS);
	DROW("attach: unknown flag", FD_DEV0, UAPI_VFIO_DEVICE_ATTACH_IOMMUFD_PT,
	     uapi_vfio_device_attach_iommufd_pt, -EINVAL, 12, 2, IOAS);
	DROW("attach: argsz 8", FD_DEV0, UAPI_VFIO_DEVICE_ATTACH_IOMMUFD_PT,
	     uapi_vfio_device_attach_iommufd_pt, -EINVAL, 8, 0, IOAS);
	DROW("attach: PASID with argsz 12", FD_DEV0, UAPI_VFIO_DEVICE_ATTACH_IOMMUFD_PT,
	     uapi_vfio_device_attach_iommufd_pt, -EINVAL, 12, UAPI_VFIO_DEVICE_ATTACH_PASID,
	     IOAS, 1);
	DROW("attach: unknown pt_id", FD_DEV0, UAPI_VFIO_DEVICE_ATTACH_IOMMUFD_PT,
	     uapi_vfio_device_attach_iommufd_pt, -ENOENT, 12, 0, NOID);
	DROW("attach: pt_id of a fault queue", FD_DEV0, UAPI_VFIO_DEVICE_ATTACH_IOMMUFD_PT,
	     uapi_vfio_device_attach_iommufd_pt, -EINVAL, 12, 0, FAULT);
	DROW("attach: replace with the nested HWPT", FD_DEV0, UAPI_VFIO_DEVICE_ATTACH_IOMMUFD_PT,
	     uapi_vfio_device_attach_iommufd_pt, 0, 12, 0, NESTED);
	DROW("attach: PASID outside the device's width", FD_DEV0,
	     UAPI_VFIO_DEVICE_ATTACH_IOMMUFD_PT, uapi_vfio_device_attach_iommufd_pt, -EINVAL, 16,
	     UAPI_VFIO_DEVICE_ATTACH_PASID, IOAS, 9);
	DROW("attach: PASID to a HWPT without ALLOC_PASID", FD_DEV0,
	     UAPI_VFIO_DEVICE_ATTACH_IOMMUFD_PT, uapi_vfio_device_attach_iommufd_pt, -EINVAL, 16,
	     UAPI_VFIO_DEVICE_ATTACH_PASID, DIRTY, 1);
	DROW("detach: unknown flag", FD_DEV0, UAPI_VFIO_DEVICE_DETACH_IOMMUFD_PT,
	     uapi_vfio_device_detach_iommufd_pt, -EINVAL, 8, 2);
	DROW("detach: argsz 4", FD_DEV0, UAPI_VFIO_DEVICE_DETACH_IOMMUFD_PT,
	     uapi_vfio_device_detach_iommufd_pt, -EINVAL, 4);
	DROW("detach: PASID with argsz 8", FD_DEV0, UAPI_VFIO_DEVICE_DETACH_IOMMUFD_PT,
	     uapi_vfio_device_detach_iommufd_pt, -EINVAL, 8, UAPI_VFIO_DEVICE_DETACH_PASID, 1);
	DROW("detach: ok", FD_DEV0, UAPI_VFIO_DEVICE_DETACH_IOMMUFD_PT,
	     uapi_vfio_device_detach_iommufd_pt, 0, 8);
	DROW("device: unknown ioctl", FD_DEV0, 0x3b79, uapi_vfio_device_detach_iommufd_pt,
	     -ENOTTY, 8);

	/* VFIO container commands on an iommufd */
	add_row("container: SET_IOMMU SPAPR", FD_IOMMUFD, UAPI_VFIO_SET_IOMMU, &(uint32_t){2}, 4,
		-EINVAL);
	add_row("container: SET_IOMMU without compat IOAS", FD_IOMMUFD, UAPI_VFIO_SET_IOMMU,
		&(uint32_t){3}, 4, -ENODEV);
	ROW("container: MAP_DMA without compat IOAS", UAPI_VFIO_IOMMU_MAP_DMA,
	    uapi_vfio_iommu_type1_dma_map, -ENODEV, 32, 3, UVA, 0x400000, 0x1000);
	ROW("container: MAP_DMA VADDR flag", UAPI_VFIO_IOMMU_MAP_DMA,
	    uapi_vfio_iommu_type1_dma_map, -EINVAL, 32, UAPI_VFIO_DMA_MAP_FLAG_VADDR, UVA,
	    0x400000, 0x1000);
	ROW("container: UNMAP_DMA dirty bitmap flag", UAPI_VFIO_IOMMU_UNMAP_DMA,
	    uapi_vfio_iommu_type1_dma_unmap, -EINVAL, 24,
	    UAPI_VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP);
	add_row("container: DIRTY_PAGES", FD_IOMMUFD, UAPI_VFIO_IOMMU_DIRTY_PAGES, (uint32_t[2]){8},
		8, -ENOTTY);
}

static void run_rows(void **state)
{
	(void)state;
	size_t failures = 0;

	build_rows();
	for (size_t i = 0; i < nrows; i++) {
		fx_t f;
		row_t *r = &rows[i];
		uint8_t buf[64];
		int fd;

		setup_state(&f);
		fd = r->fdsel == FD_DEV0 ? f.dfd[0] : r->fdsel == FD_DEV1 ? f.dfd[1] : f.ifd;
		memcpy(buf, r->bytes, r->len);
		iommusim_error_clear(&f.err);
		int rc = fx_ioctl(&f, fd, r->req, buf, r->len);
		if (rc != r->expect) {
			print_error("row %zu \"%s\": got %d, expected %d (%s)\n", i, r->name, rc,
				    r->expect, f.err.msg);
			failures++;
		} else if (rc && f.err.msg[0] == '\0') {
			print_error("row %zu \"%s\": no error message\n", i, r->name);
			failures++;
		}
		fx_fini(&f);
	}
	print_message("%zu errno rows checked\n", nrows);
	assert_int_equal(failures, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(run_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
