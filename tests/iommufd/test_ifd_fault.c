/* SPDX-License-Identifier: MIT */
/*
 * I/O page faults through a FAULT queue: page request groups collect until their last
 * request, the fault fd hands out whole groups with a cookie, a response with that cookie
 * goes to the driver, and groups nobody can or will answer get INVALID.
 */
#include "tests/iommufd/mock_drv.h"

typedef struct fsetup {
	fx_t f;
	uint32_t ioas, fault, hwpt;
	int ffd;
} fsetup_t;

static void fsetup(fsetup_t *s)
{
	fx_t *f = &s->f;
	fx_init(f, 1, false, 0);
	assert_int_equal(fx_ioas(f, &s->ioas), 0);
	assert_int_equal(fx_bind(f, 0), 0);
	struct uapi_iommu_fault_alloc fa = {.size = sizeof(fa)};
	assert_int_equal(fx_ioctl(f, f->ifd, UAPI_IOMMU_FAULT_QUEUE_ALLOC, &fa, sizeof(fa)), 0);
	s->fault = fa.out_fault_id;
	s->ffd = (int)fa.out_fault_fd;
	assert_int_equal(ifd_fd_kind(f->sys, s->ffd), IFD_FILE_FAULT);
	assert_int_equal(fx_hwpt_alloc(f, f->devid[0], s->ioas, UAPI_IOMMU_HWPT_FAULT_ID_VALID, 0,
				       NULL, 0, s->fault, &s->hwpt), 0);
	uint32_t pt = s->hwpt;
	assert_int_equal(fx_attach(f, 0, &pt), 0);
}

static void report(fx_t *f, uint32_t flags, uint32_t grpid, uint64_t addr, uint32_t pasid)
{
	drv_page_fault_t pf = {.flags = flags, .grpid = grpid, .addr = addr, .pasid = pasid,
			       .perm = DRV_PF_PERM_READ | DRV_PF_PERM_WRITE};
	f->mock.env->report_fault(f->mock.env->ctx, &f->mock, f->dev[0], &pf);
}

static size_t rd(fsetup_t *s, struct uapi_iommu_hwpt_pgfault *out, size_t n, int want)
{
	size_t done = 99;
	assert_int_equal(ifd_read(s->f.sys, s->ffd, out, n * sizeof(*out), &done, &s->f.err), want);
	return done / sizeof(*out);
}

static int wr(fsetup_t *s, uint32_t cookie, uint32_t code, size_t *done)
{
	struct uapi_iommu_hwpt_page_response r = {cookie, code};
	return ifd_write(s->f.sys, s->ffd, &r, sizeof(r), done, &s->f.err);
}

static void groups_are_read_whole_and_answered(void **state)
{
	fsetup_t s;
	struct uapi_iommu_hwpt_pgfault rec[4];
	size_t done;
	(void)state;
	fsetup(&s);
	report(&s.f, 0, 1, 0x10000, 0);
	assert_int_equal(rd(&s, rec, 4, 0), 0);   /* the group is not complete yet */
	report(&s.f, DRV_PF_LAST_PAGE, 1, 0x11000, 0);
	/* Room for one record only: a group of two is never split. */
	assert_int_equal(rd(&s, rec, 1, 0), 0);
	assert_int_equal(rd(&s, rec, 4, 0), 2);
	assert_int_equal(rec[0].flags, 0);
	assert_int_equal(rec[1].flags, UAPI_IOMMU_PGFAULT_FLAGS_LAST_PAGE);
	assert_int_equal(rec[0].addr, 0x10000);
	assert_int_equal(rec[1].addr, 0x11000);
	assert_int_equal(rec[0].dev_id, s.f.devid[0]);
	assert_int_equal(rec[0].grpid, 1);
	assert_int_equal(rec[0].perm, UAPI_IOMMU_PGFAULT_PERM_READ |
				      UAPI_IOMMU_PGFAULT_PERM_WRITE);
	assert_int_equal(rec[0].cookie, 1);
	assert_int_equal(rec[1].cookie, 1);
	assert_int_equal(s.f.mock.n_resp, 0);
	/* Bad responses. */
	assert_int_equal(wr(&s, 7, UAPI_IOMMUFD_PAGE_RESP_SUCCESS, &done), -EINVAL);
	assert_int_equal(wr(&s, 1, 5, &done), -EINVAL);
	uint32_t half = 1;
	assert_int_equal(ifd_write(s.f.sys, s.ffd, &half, 4, &done, &s.f.err), -ESPIPE);
	assert_int_equal(ifd_read(s.f.sys, s.ffd, rec, 30, &done, &s.f.err), -ESPIPE);
	/* The answer reaches the driver with the group's PRG index. */
	assert_int_equal(wr(&s, 1, UAPI_IOMMUFD_PAGE_RESP_SUCCESS, &done), 0);
	assert_int_equal(done, 8);
	assert_int_equal(s.f.mock.n_resp, 1);
	assert_int_equal(s.f.mock.last_resp.grpid, 1);
	assert_int_equal(s.f.mock.last_resp.code, DRV_PAGE_RESP_SUCCESS);
	/* Answered once only. */
	assert_int_equal(wr(&s, 1, UAPI_IOMMUFD_PAGE_RESP_SUCCESS, &done), -EINVAL);
	fx_fini(&s.f);
}

static void cookies_are_lowest_free(void **state)
{
	fsetup_t s;
	struct uapi_iommu_hwpt_pgfault rec[4];
	size_t done;
	(void)state;
	fsetup(&s);
	report(&s.f, DRV_PF_LAST_PAGE, 1, 0x1000, 0);
	report(&s.f, DRV_PF_LAST_PAGE, 2, 0x2000, 0);
	assert_int_equal(rd(&s, rec, 4, 0), 2);
	assert_int_equal(rec[0].cookie, 1);
	assert_int_equal(rec[1].cookie, 2);
	assert_int_equal(wr(&s, 1, UAPI_IOMMUFD_PAGE_RESP_INVALID, &done), 0);
	assert_int_equal(s.f.mock.last_resp.code, DRV_PAGE_RESP_INVALID);
	report(&s.f, DRV_PF_LAST_PAGE, 3, 0x3000, 0);
	assert_int_equal(rd(&s, rec, 4, 0), 1);
	assert_int_equal(rec[0].cookie, 1);
	/* Two responses in one write. */
	struct uapi_iommu_hwpt_page_response r[2] = {{1, 0}, {2, 0}};
	assert_int_equal(ifd_write(s.f.sys, s.ffd, r, sizeof(r), &done, &s.f.err), 0);
	assert_int_equal(done, 16);
	assert_int_equal(s.f.mock.n_resp, 3);
	fx_fini(&s.f);
}

static void unhandled_requests_are_answered_invalid(void **state)
{
	fsetup_t s;
	(void)state;
	fsetup(&s);
	/* A PASID with nothing attached, under a paging RID domain. */
	report(&s.f, DRV_PF_LAST_PAGE | DRV_PF_PASID_VALID, 4, 0x1000, 2);
	assert_int_equal(s.f.mock.n_resp, 1);
	assert_int_equal(s.f.mock.last_resp.code, DRV_PAGE_RESP_INVALID);
	assert_true(s.f.mock.last_resp.pasid_valid);
	assert_int_equal(s.f.mock.last_resp.pasid, 2);
	/* A request that is not the last of its group needs no answer. */
	report(&s.f, DRV_PF_PASID_VALID, 5, 0x1000, 2);
	assert_int_equal(s.f.mock.n_resp, 1);
	/* A device on a domain without a fault queue. */
	uint32_t plain, pt;
	assert_int_equal(fx_hwpt_alloc(&s.f, s.f.devid[0], s.ioas, 0, 0, NULL, 0, 0, &plain), 0);
	pt = plain;
	assert_int_equal(fx_attach(&s.f, 0, &pt), 0);
	report(&s.f, DRV_PF_LAST_PAGE, 6, 0x1000, 0);
	assert_int_equal(s.f.mock.n_resp, 2);
	fx_fini(&s.f);
}

static void detach_and_replace_answer_pending_groups(void **state)
{
	fsetup_t s;
	struct uapi_iommu_hwpt_pgfault rec[4];
	(void)state;
	fsetup(&s);
	report(&s.f, DRV_PF_LAST_PAGE, 1, 0x1000, 0);          /* queued */
	report(&s.f, DRV_PF_LAST_PAGE, 2, 0x2000, 0);
	assert_int_equal(rd(&s, rec, 1, 0), 1);                /* group 1 read, waits */
	uint32_t plain, pt;
	assert_int_equal(fx_hwpt_alloc(&s.f, s.f.devid[0], s.ioas, 0, 0, NULL, 0, 0, &plain), 0);
	pt = plain;
	assert_int_equal(fx_attach(&s.f, 0, &pt), 0);          /* replace */
	assert_int_equal(s.f.mock.n_resp, 2);
	assert_int_equal(s.f.mock.last_resp.code, DRV_PAGE_RESP_INVALID);
	assert_int_equal(rd(&s, rec, 4, 0), 0);
	/* Back on the fault HWPT, then detach with a group pending. */
	pt = s.hwpt;
	assert_int_equal(fx_attach(&s.f, 0, &pt), 0);
	report(&s.f, DRV_PF_LAST_PAGE, 3, 0x3000, 0);
	assert_int_equal(fx_detach(&s.f, 0), 0);
	assert_int_equal(s.f.mock.n_resp, 3);
	fx_fini(&s.f);
}

static void fault_queue_lifetime(void **state)
{
	fsetup_t s;
	(void)state;
	fsetup(&s);
	/* Used by the HWPT and by its fd. */
	assert_int_equal(fx_destroy(&s.f, s.fault), -EBUSY);
	assert_int_equal(fx_detach(&s.f, 0), 0);
	assert_int_equal(fx_destroy(&s.f, s.hwpt), 0);
	assert_int_equal(fx_destroy(&s.f, s.fault), -EBUSY);
	report(&s.f, DRV_PF_LAST_PAGE, 1, 0x1000, 0);   /* nobody: answered at once */
	assert_int_equal(s.f.mock.n_resp, 1);
	assert_int_equal(ifd_close(s.f.sys, s.ffd, &s.f.err), 0);
	assert_int_equal(fx_destroy(&s.f, s.fault), 0);
	fx_fini(&s.f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(groups_are_read_whole_and_answered),
		cmocka_unit_test(cookies_are_lowest_free),
		cmocka_unit_test(unhandled_requests_are_answered_invalid),
		cmocka_unit_test(detach_and_replace_answer_pending_groups),
		cmocka_unit_test(fault_queue_lifetime),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
