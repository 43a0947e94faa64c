/* SPDX-License-Identifier: MIT */
/*
 * Teardown orders. A nested setup (IOAS with a mapping, NEST_PARENT paging HWPT, nested
 * HWPT with a fault queue, vIOMMU, vDEVICE, device attached to the nested HWPT) is torn down
 * by every permutation of: closing the device fd, closing the iommufd, closing the fault fd,
 * and IOMMU_DESTROY of the nested HWPT, the vDEVICE, the vIOMMU, the parent HWPT and the
 * IOAS. A DESTROY may fail (-EBUSY while used, -ENOENT once gone or tombstoned, -EBADF after
 * the iommufd is closed); each step's result is checked against a small model of the
 * references (who holds whom), and at the end nothing may be left: no context, no domain,
 * no device attached, no pinned page, no open fd (ASan reports any leak).
 */
#include "tests/iommufd/mock_drv.h"

enum step {
	S_CLOSE_DEV, S_CLOSE_IFD, S_CLOSE_FAULT, S_D_NESTED, S_D_VDEV, S_D_VIOMMU, S_D_PARENT,
	S_D_IOAS, S_N
};

static const char *const step_names[S_N] = {
	"close(device)", "close(iommufd)", "close(fault fd)", "destroy(nested)",
	"destroy(vdevice)", "destroy(viommu)", "destroy(parent)", "destroy(ioas)",
};

typedef struct setup {
	fx_t f;
	uint32_t ioas, parent, nested, fault, viommu, vdev;
	int fault_fd;
} setup_t;

static void build(setup_t *s)
{
	fx_t *f = &s->f;
	uint32_t pt;

	fx_init(f, 1, false, 0);
	assert_int_equal(fx_ioas(f, &s->ioas), 0);
	assert_int_equal(fx_map_fixed(f, s->ioas, 0x40000000, 0x400000, 0x1000000), 0);
	assert_int_equal(fx_bind(f, 0), 0);
	assert_int_equal(fx_hwpt_alloc(f, f->devid[0], s->ioas, UAPI_IOMMU_HWPT_ALLOC_NEST_PARENT,
				       0, NULL, 0, 0, &s->parent), 0);
	struct uapi_iommu_fault_alloc fa = {.size = sizeof(fa)};
	assert_int_equal(fx_ioctl(f, f->ifd, UAPI_IOMMU_FAULT_QUEUE_ALLOC, &fa, sizeof(fa)), 0);
	s->fault = fa.out_fault_id;
	s->fault_fd = (int)fa.out_fault_fd;
	struct uapi_iommu_hwpt_vtd_s1 s1 = {.pgtbl_addr = 0x1000, .addr_width = 48};
	assert_int_equal(fx_hwpt_alloc(f, f->devid[0], s->parent, UAPI_IOMMU_HWPT_FAULT_ID_VALID,
				       UAPI_IOMMU_HWPT_DATA_VTD_S1, &s1, sizeof(s1), s->fault,
				       &s->nested), 0);
	struct uapi_iommu_viommu_alloc va = {.size = sizeof(va),
		.type = UAPI_IOMMU_VIOMMU_TYPE_ARM_SMMUV3, .dev_id = f->devid[0],
		.hwpt_id = s->parent};
	assert_int_equal(fx_ioctl(f, f->ifd, UAPI_IOMMU_VIOMMU_ALLOC, &va, sizeof(va)), 0);
	s->viommu = va.out_viommu_id;
	struct uapi_iommu_vdevice_alloc vd = {.size = sizeof(vd), .viommu_id = s->viommu,
					      .dev_id = f->devid[0], .virt_id = 3};
	assert_int_equal(fx_ioctl(f, f->ifd, UAPI_IOMMU_VDEVICE_ALLOC, &vd, sizeof(vd)), 0);
	s->vdev = vd.out_vdevice_id;
	pt = s->nested;
	assert_int_equal(fx_attach(f, 0, &pt), 0);
	assert_int_equal(pt, s->nested);
	/* A page request waiting in the queue must be answered by the teardown. */
	drv_page_fault_t pf = {.flags = DRV_PF_LAST_PAGE, .grpid = 5, .perm = DRV_PF_PERM_READ,
			       .addr = 0x1000};
	f->mock.env->report_fault(f->mock.env->ctx, &f->mock, f->dev[0], &pf);
}

/* The reference model: what must happen for each step given what is gone already. */
typedef struct model {
	bool dev_open, ifd_open, fault_open;
	bool nested, vdev, viommu, parent, ioas;
	bool tomb_vdev;
} model_t;

static int expect(model_t *m, int step)
{
	switch (step) {
	case S_CLOSE_DEV:
		m->dev_open = false;
		/* Unbind destroys a vDEVICE still on the device and leaves a tombstone. */
		if (m->vdev) {
			m->vdev = false;
			m->tomb_vdev = true;
		}
		return 0;
	case S_CLOSE_IFD:
		m->ifd_open = false;
		return 0;
	case S_CLOSE_FAULT:
		m->fault_open = false;
		return 0;
	default:
		break;
	}
	if (!m->ifd_open)
		return -EBADF;
	switch (step) {
	case S_D_NESTED:
		if (!m->nested)
			return -ENOENT;
		if (m->dev_open)
			return -EBUSY;   /* the device is attached to it */
		m->nested = false;
		return 0;
	case S_D_VDEV:
		if (!m->vdev)
			return -ENOENT;
		m->vdev = false;
		return 0;
	case S_D_VIOMMU:
		if (!m->viommu)
			return -ENOENT;
		if (m->vdev)
			return -EBUSY;
		m->viommu = false;
		return 0;
	case S_D_PARENT:
		if (!m->parent)
			return -ENOENT;
		if (m->nested || m->viommu)
			return -EBUSY;
		m->parent = false;
		return 0;
	case S_D_IOAS:
		if (!m->ioas)
			return -ENOENT;
		if (m->parent)
			return -EBUSY;
		m->ioas = false;
		return 0;
	default:
		return -EINVAL;
	}
}

static int do_step(setup_t *s, int step)
{
	fx_t *f = &s->f;
	iommusim_error_t *e = &f->err;
	switch (step) {
	case S_CLOSE_DEV: return ifd_close(f->sys, f->dfd[0], e);
	case S_CLOSE_IFD: return ifd_close(f->sys, f->ifd, e);
	case S_CLOSE_FAULT: return ifd_close(f->sys, s->fault_fd, e);
	case S_D_NESTED: return fx_destroy(f, s->nested);
	case S_D_VDEV: return fx_destroy(f, s->vdev);
	case S_D_VIOMMU: return fx_destroy(f, s->viommu);
	case S_D_PARENT: return fx_destroy(f, s->parent);
	case S_D_IOAS: return fx_destroy(f, s->ioas);
	default: return -EINVAL;
	}
}

static bool next_perm(int *a, int n)
{
	int i = n - 2;
	while (i >= 0 && a[i] >= a[i + 1])
		i--;
	if (i < 0)
		return false;
	int j = n - 1;
	while (a[j] <= a[i])
		j--;
	int t = a[i];
	a[i] = a[j];
	a[j] = t;
	for (int l = i + 1, r = n - 1; l < r; l++, r--) {
		t = a[l];
		a[l] = a[r];
		a[r] = t;
	}
	return true;
}

static void every_order_leaves_nothing(void **state)
{
	int perm[S_N];
	size_t runs = 0, failures = 0;
	(void)state;

	for (int i = 0; i < S_N; i++)
		perm[i] = i;
	do {
		setup_t s;
		model_t m = {true, true, true, true, true, true, true, true, false};
		build(&s);
		fx_t *f = &s.f;
		for (int k = 0; k < S_N; k++) {
			int want = expect(&m, perm[k]);
			int got = do_step(&s, perm[k]);
			if (got != want && failures < 10) {
				print_error("order %zu step %d %s: got %d, expected %d (%s)\n", runs, k,
					    step_names[perm[k]], got, want, f->err.msg);
				failures++;
			}
		}
		/* Everything is closed now. */
		if (fx_contexts(f) != 0 || f->mock.domains_live != 0 ||
		    fx_state(f, 0)->state != MOCK_DEV_DEFAULT || ifd_nfds(f->sys) != 0 ||
		    f->mock.n_viommu_free != 1 || f->mock.n_vdev_init != f->mock.n_vdev_destroy ||
		    f->mock.n_resp != 1 || f->mock.last_resp.code != DRV_PAGE_RESP_INVALID) {
			if (failures < 10)
				print_error("order %zu: left contexts=%zu domains=%d state=%d fds=%zu "
					    "viommu_free=%u resp=%u\n", runs, fx_contexts(f),
					    f->mock.domains_live, fx_state(f, 0)->state,
					    ifd_nfds(f->sys), f->mock.n_viommu_free, f->mock.n_resp);
			failures++;
		}
		ifd_sys_stats_t st;
		ifd_sys_get_stats(f->sys, &st);
		if (st.locked_pages || st.bound_devices)
			failures++;
		fx_fini(f);
		runs++;
	} while (next_perm(perm, S_N));
	print_message("%zu teardown orders checked\n", runs);
	assert_int_equal(runs, 40320);
	assert_int_equal(failures, 0);
}

/* The vDEVICE bug of the vIOMMU series: a vDEVICE still on the device must not break unbind,
 * and its ID stays taken (a tombstone) until the context goes. */
static void unbind_with_vdevice_leaves_a_tombstone(void **state)
{
	setup_t s;
	uint32_t id;
	(void)state;
	build(&s);
	fx_t *f = &s.f;
	assert_int_equal(ifd_close(f->sys, f->dfd[0], &f->err), 0);
	assert_int_equal(f->mock.n_vdev_destroy, 1);
	assert_int_equal(fx_destroy(f, s.vdev), -ENOENT);
	/* The vIOMMU is free of it now. */
	assert_int_equal(fx_destroy(f, s.viommu), 0);
	/* New objects take the freed IDs (the device's, the vIOMMU's) but skip the tombstone. */
	uint32_t devid = f->devid[0];
	assert_int_equal(fx_ioas(f, &id), 0);
	assert_int_equal(id, devid);
	assert_int_equal(fx_ioas(f, &id), 0);
	assert_int_equal(id, s.viommu);
	assert_int_equal(s.vdev, s.viommu + 1);
	assert_int_equal(fx_ioas(f, &id), 0);
	assert_int_equal(id, s.vdev + 1);
	fx_fini(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unbind_with_vdevice_leaves_a_tombstone),
		cmocka_unit_test(every_order_leaves_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
