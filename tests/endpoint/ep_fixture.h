/* SPDX-License-Identifier: MIT */
/*
 * The endpoint tests' fixture: an endpoint in front of the identity IOMMU (tests/support),
 * with a real scheduler, memory, memory port and stats registry. Expected times in the tests
 * are worked out by hand from the timing rules in include/iommusim/endpoint.h with these round
 * numbers:
 *   L  = 100 ns one-way link        A  = 5 ns ATC lookup
 *   X  = 40 ns identity translation T  = 7 ns identity check of a translated request
 *   MR = 50 ns memory read          MW = 30 ns memory write
 *   P  = 1000 ns page-request service in the identity IOMMU
 * so that, per 4 KiB chunk:
 *   no ATS, write: L + X + MW = 170 ns          no ATS, read: L + X + MR + L = 290 ns
 *   ATS miss, read: A + L + X + L + L + T + MR + L = 502 ns;  write: 382 ns
 *   ATS hit,  read: A + L + T + MR + L = 262 ns;              write: 142 ns
 *   ATS answer back at the device after a lookup miss: A + L + X + L = 245 ns
 * Include "tests/support/test.h" before this header.
 */
#ifndef IOMMUSIM_TEST_EP_FIXTURE_H
#define IOMMUSIM_TEST_EP_FIXTURE_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iommusim/endpoint.h"
#include "iommusim/mem.h"
#include "iommusim/param.h"
#include "iommusim/sched.h"
#include "iommusim/stats.h"
#include "tests/support/identity_iommu.h"

#define NS(x) ((iommusim_time_t)(x) * IOMMUSIM_PS_PER_NS)
#define L_NS 100
#define A_NS 5
#define X_NS 40
#define T_NS 7
#define MR_NS 50
#define MW_NS 30
#define P_NS 1000
#define DELAY_NS 2000
#define OFF 0x40000000ull
#define RID 0x0318u
#define PG 4096u

struct fx {
	iommusim_sched_t *sched;
	iommusim_mem_t *mem;
	iommusim_mem_port_t port;        /* the endpoint's system-side port */
	iommusim_mem_port_t iommu_port;  /* the model's port (unused by the identity IOMMU) */
	iommusim_stats_t *stats;
	iommusim_model_t iommu;
	iommusim_endpoint_cfg_t cfg;
	iommusim_endpoint_t *ep;
	unsigned ncomplete;
	iommusim_dma_result_t last;    /* the last result delivered to the callback */
};

static inline int fx_to_device(void *ctx, const iommusim_dev_msg_t *msg)
{
	struct fx *f = ctx;

	if (!f->ep || msg->rid != iommusim_endpoint_rid(f->ep))
		return -ENODEV;
	return iommusim_endpoint_receive(f->ep, msg);
}

static inline void fx_done(void *ctx, const iommusim_dma_result_t *res)
{
	struct fx *f = ctx;

	f->ncomplete++;
	f->last = *res;
}

static inline int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	iommusim_model_env_t env;
	identity_iommu_cfg_t icfg;

	assert_non_null(f);
	f->sched = iommusim_sched_create();
	f->mem = iommusim_mem_create(40);
	f->stats = iommusim_stats_create();
	assert_non_null(f->sched);
	assert_non_null(f->mem);
	assert_non_null(f->stats);
	iommusim_mem_port_init_mem(&f->port, f->mem);
	iommusim_mem_port_set_latency(&f->port, NS(MR_NS), NS(MW_NS), 0);
	iommusim_mem_port_init_mem(&f->iommu_port, f->mem);

	memset(&env, 0, sizeof(env));
	env.sched = f->sched;
	env.mem = &f->iommu_port;
	env.stats = f->stats;
	env.instance = "id0";
	env.to_device = fx_to_device;
	env.dev_ctx = f;
	identity_iommu_cfg_default(&icfg);
	icfg.offset = OFF;
	icfg.latency = NS(X_NS);
	icfg.translated_latency = NS(T_NS);
	icfg.prq_latency = NS(P_NS);
	assert_int_equal(identity_iommu_create(&icfg, &env, &f->iommu), 0);

	iommusim_endpoint_cfg_default(&f->cfg);
	f->cfg.rid = RID;
	f->cfg.link_latency = NS(L_NS);
	f->cfg.atc_lookup = NS(A_NS);
	f->cfg.inval_delay = NS(DELAY_NS);
	*state = f;
	return 0;
}

static inline int teardown(void **state)
{
	struct fx *f = *state;

	iommusim_endpoint_destroy(f->ep);
	identity_iommu_destroy(&f->iommu);
	iommusim_stats_destroy(f->stats);
	iommusim_mem_destroy(f->mem);
	iommusim_sched_destroy(f->sched);
	free(f);
	return 0;
}

static inline void make_ep(struct fx *f)
{
	iommusim_error_t err = { 0 };

	f->ep = iommusim_endpoint_create(&f->cfg, "ep0", &f->iommu, &f->port, f->sched, f->stats,
					 &err);
	if (!f->ep)
		fail_msg("endpoint create: %s", err.msg);
	iommusim_endpoint_on_complete(f->ep, fx_done, f);
}

static inline identity_iommu_cfg_t *icfg(struct fx *f)
{
	return identity_iommu_cfg(&f->iommu);
}

static inline uint64_t ctr(struct fx *f, const char *suffix)
{
	char name[128];
	double v = -1;
	iommusim_error_t err;

	snprintf(name, sizeof(name), "ep0.%s", suffix);
	if (iommusim_stats_get(f->stats, name, &v, &err) != 0)
		fail_msg("stats %s: %s", name, err.msg);
	return (uint64_t)v;
}

static inline int dma(struct fx *f, bool write, uint64_t iova, void *buf, size_t len,
		      iommusim_time_t t, iommusim_dma_result_t *res)
{
	iommusim_dma_t d = { .write = write, .iova = iova, .len = len, .buf = buf };

	memset(res, 0xa5, sizeof(*res));   /* every field must be written */
	return iommusim_endpoint_dma(f->ep, &d, t, res);
}

static inline int dma_pasid(struct fx *f, bool write, uint64_t iova, void *buf, size_t len,
			    uint32_t pasid, iommusim_time_t t, iommusim_dma_result_t *res)
{
	iommusim_dma_t d = { .write = write, .iova = iova, .len = len, .buf = buf,
			     .pasid_valid = true, .pasid = pasid };

	return iommusim_endpoint_dma(f->ep, &d, t, res);
}

static inline void fill_pattern(uint8_t *b, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		b[i] = (uint8_t)(i * 7u + seed + (i >> 8));
}

static inline void run_all(struct fx *f)
{
	assert_true(iommusim_sched_run_all(f->sched, 10000) >= 0);
	assert_int_equal(iommusim_sched_pending(f->sched), 0);
}

#endif
