/* SPDX-License-Identifier: MIT */
/*
 * VT-d driver under the iommufd layer: the driver created with the shim's environment (its
 * frame allocator and fault upcalls), the device bound through a vfio cdev, an IOAS mapped
 * from user memory, and DMA through the endpoint reaching that user memory; then unmap,
 * GET_HW_INFO, and dirty tracking read back through IOMMU_HWPT_GET_DIRTY_BITMAP.
 */
#include "tests/support/test.h"

#include <errno.h>
#include <string.h>

#include "host-shim/drivers/vtd/vtd_drv.h"
#include "host-shim/iommufd/ifd.h"
#include "host-shim/uapi/iommufd_abi.h"
#include "host-shim/uapi/vfio_abi.h"
#include "iommusim/endpoint.h"
#include "iommusim/system.h"

#define UVA   0x7f0000200000ull    /* 2 MiB aligned user buffer */
#define IOVA  0x100000000ull

struct it {
	iommusim_params_t *ps;
	iommusim_system_t *sys;
	ifd_sys_t *ifd;
	drv_instance_t drv;
	pci_dev_t *pdev;
	iommusim_endpoint_t *ep;
	int iommufd, devfd;
	uint32_t devid;
	/* the shim's environment, with frame releases dropped once the shim is gone (see
	 * teardown) */
	drv_env_t env;
	const drv_env_t *shim_env;
	bool shim_gone;
	iommusim_error_t err;
};

static int it_alloc_frame(void *ctx, uint64_t *pa)
{
	struct it *t = ctx;

	return t->shim_env->alloc_frame(t->shim_env->ctx, pa);
}

static void it_free_frame(void *ctx, uint64_t pa)
{
	struct it *t = ctx;

	if (!t->shim_gone)
		t->shim_env->free_frame(t->shim_env->ctx, pa);
}

static void it_report_fault(void *ctx, drv_iommu_t *iommu, const pci_dev_t *dev,
			    const drv_page_fault_t *f)
{
	struct it *t = ctx;

	t->shim_env->report_fault(t->shim_env->ctx, iommu, dev, f);
}

static int io(struct it *t, int fd, uint32_t req, void *arg, size_t len)
{
	long ret;

	return ifd_ioctl_fd(t->ifd, fd, req, arg, len, &ret, &t->err);
}

static void setup(struct it *t)
{
	ifd_sys_config_t c;
	unsigned idx;
	iommusim_endpoint_cfg_t cfg;
	pci_dev_desc_t d = { .bdf = { 0, 0, 3, 0 }, .group = -1 };
	struct uapi_vfio_device_bind_iommufd b = { .argsz = 16 };

	memset(t, 0, sizeof(*t));
	t->ps = iommusim_params_create_all();
	assert_int_equal(iommusim_params_add(t->ps, &vtd_drv_component, NULL), 0);
	t->sys = iommusim_system_create(t->ps, &t->err);
	assert_non_null(t->sys);
	assert_int_equal(iommusim_system_add_iommu(t->sys, "vtd", "vtd0", t->ps, &t->err), 0);
	ifd_sys_config_default(&c, iommusim_system_mem(t->sys));
	assert_int_equal(ifd_sys_create(&c, &t->ifd, &t->err), 0);
	t->shim_env = ifd_sys_driver_env(t->ifd);
	t->env = *t->shim_env;
	t->env.ctx = t;
	t->env.alloc_frame = it_alloc_frame;
	t->env.free_frame = it_free_frame;
	t->env.report_fault = it_report_fault;
	if (vtd_drv_create_stats(&t->env, iommusim_system_iommu(t->sys, 0),
				 iommusim_system_sched(t->sys), iommusim_system_stats(t->sys), "vtd",
				 t->ps, &t->drv, &t->err))
		fail_msg("vtd_drv_create: %s", t->err.msg);
	assert_int_equal(ifd_sys_add_iommu(t->ifd, t->drv.ops, t->drv.iommu, &idx, &t->err), 0);
	d.iommu = idx;
	if (ifd_sys_add_device(t->ifd, &d, &t->pdev, &t->err))
		fail_msg("add_device: %s", t->err.msg);
	iommusim_endpoint_cfg_default(&cfg);
	cfg.rid = t->pdev->rid;
	t->ep = iommusim_system_add_endpoint(t->sys, 0, &cfg, "ep", &t->err);
	assert_non_null(t->ep);

	assert_int_equal(ifd_open(t->ifd, "/dev/iommu", &t->iommufd, &t->err), 0);
	assert_int_equal(ifd_open_cdev(t->ifd, t->pdev, &t->devfd, &t->err), 0);
	b.iommufd = t->iommufd;
	if (io(t, t->devfd, UAPI_VFIO_DEVICE_BIND_IOMMUFD, &b, sizeof(b)))
		fail_msg("bind: %s", t->err.msg);
	t->devid = b.out_devid;
}

/* ifd_sys_destroy releases the devices through the driver and then frees the frame pool;
 * the driver's own frames (root table, queues) can only go back after the former and before
 * the latter, which ifd_sys_destroy has no hook for: here they are dropped instead. */
static void teardown(struct it *t)
{
	assert_int_equal(ifd_close(t->ifd, t->devfd, &t->err), 0);
	assert_int_equal(ifd_close(t->ifd, t->iommufd, &t->err), 0);
	ifd_sys_destroy(t->ifd);
	t->shim_gone = true;
	vtd_drv_destroy(&t->drv);
	iommusim_system_destroy(t->sys);
	iommusim_params_destroy(t->ps);
}

static iommusim_dma_status_t dma(struct it *t, bool write, uint64_t iova, void *buf, size_t n)
{
	iommusim_sched_t *s = iommusim_system_sched(t->sys);
	iommusim_dma_t d = { .write = write, .iova = iova, .len = n, .buf = buf };
	iommusim_dma_result_t r;

	assert_int_equal(iommusim_endpoint_dma(t->ep, &d, iommusim_sched_now(s), &r), 0);
	if (r.done > iommusim_sched_now(s))
		iommusim_sched_run_until(s, r.done);
	return r.status;
}

static uint32_t attach(struct it *t, uint32_t pt)
{
	struct uapi_vfio_device_attach_iommufd_pt a = { .argsz = 12, .pt_id = pt };

	if (io(t, t->devfd, UAPI_VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a, sizeof(a)))
		fail_msg("attach: %s", t->err.msg);
	return a.pt_id;
}

static int map(struct it *t, uint32_t ioas, uint64_t uva, uint64_t len, uint64_t iova)
{
	struct uapi_iommu_ioas_map m = {
		.size = sizeof(m), .ioas_id = ioas, .user_va = uva, .length = len, .iova = iova,
		.flags = UAPI_IOMMU_IOAS_MAP_FIXED_IOVA | UAPI_IOMMU_IOAS_MAP_READABLE |
			 UAPI_IOMMU_IOAS_MAP_WRITEABLE,
	};

	return io(t, t->iommufd, UAPI_IOMMU_IOAS_MAP, &m, sizeof(m));
}

static void t_ioas_dma(void **state)
{
	struct it t;
	struct uapi_iommu_ioas_alloc a = { .size = sizeof(a) };
	struct uapi_iommu_ioas_unmap u = { .size = sizeof(u) };
	uint8_t pattern[256], got[256];

	(void)state;
	setup(&t);
	assert_int_equal(io(&t, t.iommufd, UAPI_IOMMU_IOAS_ALLOC, &a, sizeof(a)), 0);
	attach(&t, a.out_ioas_id);
	for (unsigned i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)(i * 3 + 1);
	assert_int_equal(ifd_mm_write(ifd_sys_mm(t.ifd), UVA + 0x1000, pattern, sizeof(pattern)),
			 0);
	if (map(&t, a.out_ioas_id, UVA, 1ull << 21, IOVA))
		fail_msg("IOAS_MAP: %s", t.err.msg);
	/* the device reads what the process wrote, and its writes land in the process */
	assert_int_equal(dma(&t, false, IOVA + 0x1000, got, sizeof(got)), IOMMUSIM_DMA_OK);
	assert_memory_equal(got, pattern, sizeof(got));
	memset(pattern, 0x6b, sizeof(pattern));
	assert_int_equal(dma(&t, true, IOVA + 0x3000, pattern, sizeof(pattern)), IOMMUSIM_DMA_OK);
	assert_int_equal(ifd_mm_read(ifd_sys_mm(t.ifd), UVA + 0x3000, got, sizeof(got)), 0);
	assert_memory_equal(got, pattern, sizeof(got));

	u.ioas_id = a.out_ioas_id;
	u.iova = IOVA;
	u.length = 1ull << 21;
	assert_int_equal(io(&t, t.iommufd, UAPI_IOMMU_IOAS_UNMAP, &u, sizeof(u)), 0);
	assert_int_equal(u.length, 1ull << 21);
	assert_int_equal(dma(&t, false, IOVA + 0x1000, got, 8), IOMMUSIM_DMA_FAULT);
	teardown(&t);
}

static void t_hw_info(void **state)
{
	struct it t;
	struct uapi_iommu_hw_info_vtd vtd;
	struct uapi_iommu_hw_info h = { .size = sizeof(h), .data_len = sizeof(vtd) };

	(void)state;
	setup(&t);
	memset(&vtd, 0, sizeof(vtd));
	h.dev_id = t.devid;
	h.data_uptr = ifd_mm_scratch(ifd_sys_mm(t.ifd), sizeof(vtd));
	if (io(&t, t.iommufd, UAPI_IOMMU_GET_HW_INFO, &h, sizeof(h)))
		fail_msg("GET_HW_INFO: %s", t.err.msg);
	assert_int_equal(h.out_data_type, UAPI_IOMMU_HW_INFO_TYPE_INTEL_VTD);
	assert_int_equal(ifd_mm_read(ifd_sys_mm(t.ifd), h.data_uptr, &vtd, sizeof(vtd)), 0);
	assert_int_equal(vtd.flags, UAPI_IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17);
	assert_true(vtd.ecap_reg & (1ull << 43));           /* ECAP.SMTS */
	assert_true(h.out_capabilities & UAPI_IOMMU_HW_CAP_DIRTY_TRACKING);
	teardown(&t);
}

static void t_dirty_bitmap(void **state)
{
	struct it t;
	struct uapi_iommu_ioas_alloc a = { .size = sizeof(a) };
	struct uapi_iommu_hwpt_alloc h = { .size = sizeof(h) };
	struct uapi_iommu_hwpt_set_dirty_tracking s = { .size = sizeof(s) };
	struct uapi_iommu_hwpt_get_dirty_bitmap g = { .size = sizeof(g) };
	uint8_t b[8] = { 0 };
	uint64_t bits = 0;

	(void)state;
	setup(&t);
	assert_int_equal(io(&t, t.iommufd, UAPI_IOMMU_IOAS_ALLOC, &a, sizeof(a)), 0);
	h.flags = UAPI_IOMMU_HWPT_ALLOC_DIRTY_TRACKING;
	h.dev_id = t.devid;
	h.pt_id = a.out_ioas_id;
	if (io(&t, t.iommufd, UAPI_IOMMU_HWPT_ALLOC, &h, sizeof(h)))
		fail_msg("HWPT_ALLOC: %s", t.err.msg);
	attach(&t, h.out_hwpt_id);
	assert_int_equal(map(&t, a.out_ioas_id, UVA, 16 * 4096, IOVA), 0);
	s.hwpt_id = h.out_hwpt_id;
	s.flags = UAPI_IOMMU_HWPT_DIRTY_TRACKING_ENABLE;
	if (io(&t, t.iommufd, UAPI_IOMMU_HWPT_SET_DIRTY_TRACKING, &s, sizeof(s)))
		fail_msg("SET_DIRTY_TRACKING: %s", t.err.msg);
	assert_int_equal(dma(&t, true, IOVA + 3 * 4096, b, sizeof(b)), IOMMUSIM_DMA_OK);
	assert_int_equal(dma(&t, true, IOVA + 9 * 4096 + 100, b, sizeof(b)), IOMMUSIM_DMA_OK);
	assert_int_equal(dma(&t, false, IOVA + 5 * 4096, b, sizeof(b)), IOMMUSIM_DMA_OK);
	g.hwpt_id = h.out_hwpt_id;
	g.iova = IOVA;
	g.length = 16 * 4096;
	g.page_size = 4096;
	g.data = ifd_mm_scratch(ifd_sys_mm(t.ifd), 8);
	if (io(&t, t.iommufd, UAPI_IOMMU_HWPT_GET_DIRTY_BITMAP, &g, sizeof(g)))
		fail_msg("GET_DIRTY_BITMAP: %s", t.err.msg);
	assert_int_equal(ifd_mm_read(ifd_sys_mm(t.ifd), g.data, &bits, 8), 0);
	assert_int_equal(bits, (1ull << 3) | (1ull << 9));
	/* read again: cleared by the first read */
	bits = 0;
	assert_int_equal(ifd_mm_write(ifd_sys_mm(t.ifd), g.data, &bits, 8), 0);
	assert_int_equal(io(&t, t.iommufd, UAPI_IOMMU_HWPT_GET_DIRTY_BITMAP, &g, sizeof(g)), 0);
	assert_int_equal(ifd_mm_read(ifd_sys_mm(t.ifd), g.data, &bits, 8), 0);
	assert_int_equal(bits, 0);
	teardown(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_ioas_dma),
		cmocka_unit_test(t_hw_info),
		cmocka_unit_test(t_dirty_bitmap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
