/* SPDX-License-Identifier: MIT */
/*
 * VT-d driver: page requests. A PRI-capable endpoint touches a page that is not mapped; its
 * page request goes through the model's page request queue, the driver's handler reads it
 * and reports it (env->report_fault); the test maps the page and answers, the page group
 * response reaches the device, which retries and completes. Also: responses with PASID, a
 * failure response, requests the driver refuses itself, stop markers, and bad responses.
 */
#include "tests/drivers/vtd_drv_fixture.h"

#define RW (DRV_PROT_READ | DRV_PROT_WRITE)

struct pri {
	fx_t f;
	pci_dev_t *d;
	drv_domain_t *dom;
};

static void setup(struct pri *p)
{
	fx_init(&p->f, NULL);
	p->d = fx_dev(&p->f, 9, true, true, 20);
	p->dom = fx_paging(&p->f, p->d, 0);
	fx_attach(&p->f, p->dom, p->d);
}

static void teardown(struct pri *p)
{
	assert_int_equal(p->f.ops->attach_blocked(p->f.iommu, p->d, &p->f.err), 0);
	p->dom->ops->free(p->dom);
	fx_fini(&p->f);
	assert_int_equal(p->f.live, 0);
}

/* Issues a DMA that needs a page request; returns its result (PRI_PENDING expected). */
static iommusim_dma_result_t start(struct pri *p, bool write, uint64_t iova, void *buf,
				   size_t len, bool pv, uint32_t pasid)
{
	iommusim_dma_t dma = { .write = write, .iova = iova, .len = len, .buf = buf,
			       .pasid_valid = pv, .pasid = pasid };
	iommusim_dma_result_t r;

	assert_int_equal(iommusim_endpoint_dma(fx_ep(&p->f, p->d), &dma,
					       iommusim_sched_now(p->f.sched), &r), 0);
	return r;
}

static void respond(struct pri *p, const drv_page_fault_t *pf, uint32_t code)
{
	drv_page_response_t resp = {
		.pasid_valid = (pf->flags & DRV_PF_PASID_VALID) != 0,
		.pasid = pf->pasid,
		.grpid = pf->grpid,
		.code = code,
	};

	assert_int_equal(p->f.ops->page_response(p->f.iommu, p->d, &resp, &p->f.err), 0);
}

static void t_page_request_and_response(void **state)
{
	struct pri p;
	uint8_t out[16], in[16];
	iommusim_dma_result_t r;
	double g0;

	(void)state;
	setup(&p);
	assert_true(fx_sm_ctx(&p.f, p.d->rid) & (1ull << 4));   /* PRE */
	memset(out, 0xe7, sizeof(out));
	r = start(&p, true, 0x50010, out, sizeof(out), false, 0);
	assert_int_equal(r.status, IOMMUSIM_DMA_PRI_PENDING);
	/* the request travels to the queue; the handler runs at the next advance */
	assert_int_equal(p.f.npf, 0);
	fx_advance(&p.f, iommusim_time_from_ns(5000));
	assert_int_equal(p.f.npf, 1);
	assert_ptr_equal(p.f.pf_dev[0], p.d);
	assert_int_equal(p.f.pf[0].addr, 0x50000);
	assert_int_equal(p.f.pf[0].perm, DRV_PF_PERM_WRITE);
	assert_int_equal(p.f.pf[0].flags, DRV_PF_LAST_PAGE);
	assert_int_equal(fx_stat(&p.f, "drv.vtd.prq.requests"), 1);
	/* the handler consumed the queue */
	assert_int_equal(fx_reg(&p.f, 0x0c0, 8), fx_reg(&p.f, 0x0c8, 8));

	/* the fault is served: map, then answer Success */
	fx_map(&p.f, p.dom, 0x50000, FX_DATA_BASE + 0x6000, SZ_4K, 1, RW);
	g0 = fx_stat(&p.f, "vtd0.prq.group_responses");
	respond(&p, &p.f.pf[0], DRV_PAGE_RESP_SUCCESS);
	assert_int_equal(fx_stat(&p.f, "vtd0.prq.group_responses"), g0 + 1);
	assert_int_equal(fx_stat(&p.f, "drv.vtd.prq.responses"), 1);
	/* the response descriptor: type 9, PASID not present, the RID, code 0, LPIG, index */
	uint64_t q[4];
	fx_desc_back(&p.f, 2, q);
	assert_int_equal(fx_desc_type(q), 9);
	assert_int_equal((q[0] >> 4) & 1, 0);
	assert_int_equal((q[0] >> 12) & 0xf, 0);
	assert_int_equal((q[0] >> 16) & 0xffff, p.d->rid);
	assert_int_equal(q[1], (1ull << 2) | ((uint64_t)p.f.pf[0].grpid << 3));
	fx_advance(&p.f, iommusim_time_from_ns(10000));
	assert_int_equal(p.f.nlate, 1);
	assert_int_equal(p.f.late[0].status, IOMMUSIM_DMA_OK);
	assert_int_equal(iommusim_mem_read(p.f.mem, FX_DATA_BASE + 0x6010, in, sizeof(in)), 0);
	assert_memory_equal(in, out, sizeof(in));
	fx_unmap(&p.f, p.dom, 0x50000, SZ_4K);
	teardown(&p);
}

static void t_page_request_with_pasid(void **state)
{
	struct pri p;
	uint8_t buf[8];
	uint64_t q[4];

	(void)state;
	setup(&p);
	assert_int_equal(p.dom->ops->set_dev_pasid(p.dom, p.d, 5, NULL, &p.f.err), 0);
	assert_int_equal(start(&p, false, 0x70000, buf, sizeof(buf), true, 5).status,
			 IOMMUSIM_DMA_PRI_PENDING);
	fx_advance(&p.f, iommusim_time_from_ns(5000));
	assert_int_equal(p.f.npf, 1);
	assert_int_equal(p.f.pf[0].flags, DRV_PF_LAST_PAGE | DRV_PF_PASID_VALID);
	assert_int_equal(p.f.pf[0].pasid, 5);
	assert_int_equal(p.f.pf[0].perm, DRV_PF_PERM_READ);
	fx_map(&p.f, p.dom, 0x70000, FX_DATA_BASE, SZ_4K, 1, RW);
	respond(&p, &p.f.pf[0], DRV_PAGE_RESP_SUCCESS);
	fx_desc_back(&p.f, 2, q);
	assert_int_equal((q[0] >> 4) & 1, 1);                  /* PASID present */
	assert_int_equal((q[0] >> 32) & 0xfffff, 5);
	fx_advance(&p.f, iommusim_time_from_ns(10000));
	assert_int_equal(p.f.nlate, 1);
	assert_int_equal(p.f.late[0].status, IOMMUSIM_DMA_OK);
	p.f.ops->remove_dev_pasid(p.f.iommu, p.d, 5, p.dom);
	fx_unmap(&p.f, p.dom, 0x70000, SZ_4K);
	teardown(&p);
}

static void t_failure_response(void **state)
{
	struct pri p;
	uint8_t buf[8];
	uint64_t q[4];

	(void)state;
	setup(&p);
	assert_int_equal(start(&p, false, 0x70000, buf, sizeof(buf), false, 0).status,
			 IOMMUSIM_DMA_PRI_PENDING);
	fx_advance(&p.f, iommusim_time_from_ns(5000));
	assert_int_equal(p.f.npf, 1);
	respond(&p, &p.f.pf[0], DRV_PAGE_RESP_FAILURE);
	fx_desc_back(&p.f, 2, q);
	assert_int_equal((q[0] >> 12) & 0xf, 0xf);             /* Response Failure */
	fx_advance(&p.f, iommusim_time_from_ns(10000));
	assert_int_equal(p.f.nlate, 1);
	assert_int_equal(p.f.late[0].status, IOMMUSIM_DMA_PRI_FAILED);
	teardown(&p);
}

/* Requests intel-iommu refuses (privileged with read/write) are answered Invalid by the
 * driver; a stop marker (last, no read, no write) is dropped without a response. */
static void t_requests_the_driver_answers(void **state)
{
	struct pri p;
	iommusim_dev_msg_t m = { .kind = IOMMUSIM_MSG_PAGE_REQ, .pasid_valid = true, .pasid = 5,
				 .addr = 0x80000, .last = true, .prg_index = 17 };
	uint64_t q[4];
	double g0;

	(void)state;
	setup(&p);
	assert_int_equal(p.dom->ops->set_dev_pasid(p.dom, p.d, 5, NULL, &p.f.err), 0);
	m.rid = p.d->rid;
	m.access = IOMMUSIM_ACC_READ | IOMMUSIM_ACC_PRIV;
	m.time = iommusim_sched_now(p.f.sched);
	assert_int_equal(p.f.hw->ops->device_msg(p.f.hw->impl, &m), 0);
	g0 = fx_stat(&p.f, "vtd0.prq.group_responses");
	fx_advance(&p.f, iommusim_time_from_ns(5000));
	assert_int_equal(p.f.npf, 0);
	assert_int_equal(fx_stat(&p.f, "drv.vtd.prq.requests"), 1);
	assert_int_equal(fx_stat(&p.f, "drv.vtd.prq.bad"), 1);
	assert_int_equal(fx_stat(&p.f, "vtd0.prq.group_responses"), g0 + 1);
	fx_desc_back(&p.f, 2, q);
	assert_int_equal(fx_desc_type(q), 9);
	assert_int_equal((q[0] >> 12) & 0xf, 1);               /* Invalid Request */
	assert_int_equal(q[1], (1ull << 2) | (17ull << 3));

	/* stop marker */
	m.access = 0;
	m.prg_index = 18;
	m.time = iommusim_sched_now(p.f.sched);
	assert_int_equal(p.f.hw->ops->device_msg(p.f.hw->impl, &m), 0);
	g0 = fx_stat(&p.f, "vtd0.prq.group_responses");
	fx_advance(&p.f, iommusim_time_from_ns(5000));
	assert_int_equal(fx_stat(&p.f, "drv.vtd.prq.requests"), 2);
	assert_int_equal(p.f.npf, 0);
	assert_int_equal(fx_stat(&p.f, "vtd0.prq.group_responses"), g0);
	p.f.ops->remove_dev_pasid(p.f.iommu, p.d, 5, p.dom);
	teardown(&p);
}

static void t_response_errors(void **state)
{
	struct pri p;
	drv_page_response_t resp = { .code = 7 };
	pci_dev_t stranger;

	(void)state;
	setup(&p);
	assert_int_equal(p.f.ops->page_response(p.f.iommu, p.d, &resp, &p.f.err), -EINVAL);
	assert_int_equal(p.f.ops->page_response(p.f.iommu, p.d, NULL, &p.f.err), -EINVAL);
	memset(&stranger, 0, sizeof(stranger));
	stranger.rid = 0x4242;
	resp.code = DRV_PAGE_RESP_SUCCESS;
	assert_int_equal(p.f.ops->page_response(p.f.iommu, &stranger, &resp, &p.f.err), -ENODEV);
	teardown(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_page_request_and_response),
		cmocka_unit_test(t_page_request_with_pasid),
		cmocka_unit_test(t_failure_response),
		cmocka_unit_test(t_requests_the_driver_answers),
		cmocka_unit_test(t_response_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
