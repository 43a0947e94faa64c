/* SPDX-License-Identifier: MIT */
/*
 * Test harness for the VT-d queues (test_iq*.c, test_prq.c): a struct vtd on a real core
 * scheduler, memory, memory port and stats registry, plus recording doubles for the
 * translation side's functions the queues call (vtd_inval.h, vtd_fsts_set, vtd_counter).
 * The doubles are defined here, so each test program that includes this header links them
 * instead of the model's own.
 *
 * Descriptors and expected values in the tests are built from the specification's bit
 * positions written out as numbers, not from the model's header, so a wrong mask in the
 * model shows up as a failure.
 */
#ifndef TESTS_VTD_Q_HARNESS_H
#define TESTS_VTD_Q_HARNESS_H

#include "tests/support/test.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iommusim/mem.h"
#include "iommusim/param.h"
#include "iommusim/sched.h"
#include "iommusim/stats.h"
#include "models/vtd/vtd.h"

#define NS 1000ull            /* ps */
#define CYC 1000ull           /* one IOMMU cycle at 1 GHz, in ps */
#define MEM_RD (100 * NS)     /* memory port read latency */
#define MEM_WR (50 * NS)      /* memory port write latency */

/* ECAP / CAP bits (spec 11.4.2-3). */
#define T_ECAP_QI   (1ull << 1)
#define T_ECAP_DT   (1ull << 2)
#define T_ECAP_IR   (1ull << 3)
#define T_ECAP_PRS  (1ull << 29)
#define T_ECAP_PDS  (1ull << 42)
#define T_ECAP_SMTS (1ull << 43)
#define T_CAP_PSI   (1ull << 39)
#define T_CAP_MAMV(x) ((uint64_t)(x) << 48)
#define T_CAP_DWD   (1ull << 54)
#define T_CAP_DRD   (1ull << 55)

/* FSTS bits. */
#define T_FSTS_IQE (1u << 4)
#define T_FSTS_ICE (1u << 5)
#define T_FSTS_ITE (1u << 6)
#define T_FSTS_PRO (1u << 7)

enum inval_kind { INV_CTX = 1, INV_IOTLB, INV_PC, INV_PIOTLB };

struct inval_call {
	enum inval_kind kind;
	unsigned gran;
	uint16_t did, sid;
	unsigned fm, am;
	uint32_t pasid;
	uint64_t addr;
	bool ih;
	iommusim_time_t t;   /* scheduler time of the call */
};

struct h_msi {
	uint64_t addr;
	uint32_t data;
	iommusim_time_t t;
};

struct h;

/* A pending answer of the simulated device to an ATS invalidation request. */
struct h_answer {
	struct h *h;
	iommusim_dev_msg_t msg;
	bool used;
};

struct h {
	struct vtd v;   /* first: the doubles recover the harness from the struct vtd */
	iommusim_sched_t *sched;
	iommusim_mem_t *mem;
	iommusim_mem_port_t port;
	iommusim_stats_t *stats;
	iommusim_params_t *ps;

	struct inval_call calls[256];
	unsigned ncalls;
	size_t scanned;     /* what the invalidation doubles report */
	int inval_rc;

	iommusim_dev_msg_t msgs[256];
	unsigned nmsgs;
	int to_device_rc;
	bool answer;                    /* the device answers ATS invalidations ... */
	iommusim_time_t answer_delay;   /* ... this long after the request */
	struct h_answer answers[64];

	struct h_msi msis[64];
	unsigned nmsi;
	uint32_t fsts_calls[64];
	iommusim_time_t fsts_times[64];
	unsigned nfsts;
};

/* ---- doubles of the translation side ------------------------------------------------- */

static inline struct h *h_of(struct vtd *v)
{
	return (struct h *)(void *)v;
}

static inline int h_record(struct vtd *v, struct inval_call c, size_t *scanned)
{
	struct h *h = h_of(v);

	c.t = iommusim_sched_now(h->sched);
	if (h->ncalls < sizeof(h->calls) / sizeof(h->calls[0]))
		h->calls[h->ncalls++] = c;
	if (scanned)
		*scanned = h->scanned;
	return h->inval_rc;
}

int vtd_inval_context(struct vtd *v, unsigned gran, uint16_t did, uint16_t sid, unsigned fm,
		      size_t *scanned)
{
	return h_record(v, (struct inval_call){ .kind = INV_CTX, .gran = gran, .did = did,
						.sid = sid, .fm = fm }, scanned);
}

int vtd_inval_iotlb(struct vtd *v, unsigned gran, uint16_t did, uint64_t addr, unsigned am,
		    bool ih, size_t *scanned)
{
	return h_record(v, (struct inval_call){ .kind = INV_IOTLB, .gran = gran, .did = did,
						.addr = addr, .am = am, .ih = ih }, scanned);
}

int vtd_inval_pasid_cache(struct vtd *v, unsigned gran, uint16_t did, uint32_t pasid,
			  size_t *scanned)
{
	return h_record(v, (struct inval_call){ .kind = INV_PC, .gran = gran, .did = did,
						.pasid = pasid }, scanned);
}

int vtd_inval_piotlb(struct vtd *v, unsigned gran, uint16_t did, uint32_t pasid, uint64_t addr,
		     unsigned am, bool ih, size_t *scanned)
{
	return h_record(v, (struct inval_call){ .kind = INV_PIOTLB, .gran = gran, .did = did,
						.pasid = pasid, .addr = addr, .am = am, .ih = ih },
			scanned);
}

void vtd_fsts_set(struct vtd *v, uint32_t bits, iommusim_time_t t)
{
	struct h *h = h_of(v);

	v->fsts |= bits;
	if (h->nfsts < 64) {
		h->fsts_calls[h->nfsts] = bits;
		h->fsts_times[h->nfsts++] = t;
	}
}

uint64_t *vtd_counter(struct vtd *v, const char *name, const char *help)
{
	char full[128];

	snprintf(full, sizeof(full), "%s.%s", v->instance, name);
	return iommusim_stats_counter(v->env.stats, full, help);
}

/* ---- environment --------------------------------------------------------------------- */

static inline void h_msi_cb(void *ctx, uint64_t addr, uint32_t data, iommusim_time_t t)
{
	struct h *h = ctx;

	if (h->nmsi < 64)
		h->msis[h->nmsi++] = (struct h_msi){ addr, data, t };
}

static inline void h_answer_cb(void *ctx, iommusim_time_t now)
{
	struct h_answer *a = ctx;

	(void)now;
	a->used = false;
	vtd_iq_ats_completion(&a->h->v, &a->msg);
}

static inline int h_to_device(void *ctx, const iommusim_dev_msg_t *msg)
{
	struct h *h = ctx;

	if (h->nmsgs < 256)
		h->msgs[h->nmsgs++] = *msg;
	if (h->to_device_rc)
		return h->to_device_rc;
	if (msg->kind == IOMMUSIM_MSG_ATS_INVAL_REQ && h->answer) {
		for (unsigned i = 0; i < 64; i++) {
			struct h_answer *a = &h->answers[i];

			if (a->used)
				continue;
			a->used = true;
			a->h = h;
			a->msg = (iommusim_dev_msg_t){ .kind = IOMMUSIM_MSG_ATS_INVAL_CPL,
						       .rid = msg->rid, .itag = msg->itag,
						       .time = msg->time + h->answer_delay };
			iommusim_sched_at(h->sched, a->msg.time, h_answer_cb, a);
			break;
		}
	}
	return 0;
}

/* The queues' parameters as a component of their own, for overrides. */
static const iommusim_param_def_t h_param_defs[] = { VTD_IQ_PARAM_DEFS VTD_PRQ_PARAM_DEFS };
static const iommusim_component_t h_component = {
	.name = "vtd", .help = "VT-d queues (test)", .params = h_param_defs,
	.nparams = sizeof(h_param_defs) / sizeof(h_param_defs[0]),
};

/* Builds the harness. overrides: NULL or a NULL-terminated list of "key=value". */
static inline void h_init(struct h *h, uint64_t cap, uint64_t ecap, const char *const *overrides)
{
	iommusim_error_t err = { 0 };

	memset(h, 0, sizeof(*h));
	h->sched = iommusim_sched_create();
	h->mem = iommusim_mem_create(40);
	h->stats = iommusim_stats_create();
	assert_non_null(h->sched);
	assert_non_null(h->mem);
	assert_non_null(h->stats);
	iommusim_mem_port_init_mem(&h->port, h->mem);
	iommusim_mem_port_set_latency(&h->port, MEM_RD, MEM_WR, 0);
	if (overrides) {
		h->ps = iommusim_params_create();
		assert_non_null(h->ps);
		assert_int_equal(iommusim_params_add(h->ps, &h_component, &err), 0);
		for (const char *const *kv = overrides; *kv; kv++)
			assert_int_equal(iommusim_params_set_kv(h->ps, *kv, &err), 0);
	}
	h->v.env = (iommusim_model_env_t){
		.sched = h->sched, .mem = &h->port, .stats = h->stats, .instance = "vtd0",
		.msi = h_msi_cb, .msi_ctx = h, .to_device = h_to_device, .dev_ctx = h,
	};
	snprintf(h->v.instance, sizeof(h->v.instance), "vtd0");
	assert_int_equal(iommusim_clock_init_hz(&h->v.clk, 1000000000ull), 0);
	h->v.cap = cap;
	h->v.ecap = ecap;
	assert_int_equal(vtd_iq_init(&h->v, h->ps, &err), 0);
	assert_int_equal(vtd_prq_init(&h->v, h->ps, &err), 0);
	h->answer = true;
	h->answer_delay = 500 * NS;
}

static inline void h_fini(struct h *h)
{
	vtd_prq_fini(&h->v);
	vtd_iq_fini(&h->v);
	iommusim_params_destroy(h->ps);
	iommusim_stats_destroy(h->stats);
	iommusim_mem_destroy(h->mem);
	iommusim_sched_destroy(h->sched);
}

/* ---- register and queue helpers ------------------------------------------------------ */

static inline uint64_t h_rd(struct h *h, uint64_t off, unsigned size)
{
	uint64_t val = 0xdeadbeef;
	int rc = off >= 0xc0 ? vtd_prq_mmio_read(&h->v, off, size, &val, 0)
			     : vtd_iq_mmio_read(&h->v, off, size, &val, 0);

	assert_int_equal(rc, 0);
	return val;
}

static inline void h_wr(struct h *h, uint64_t off, unsigned size, uint64_t val)
{
	iommusim_time_t t = iommusim_sched_now(h->sched);
	int rc = off >= 0xc0 ? vtd_prq_mmio_write(&h->v, off, size, val, t)
			     : vtd_iq_mmio_write(&h->v, off, size, val, t);

	assert_int_equal(rc, 0);
}

/* Runs the scheduler to absolute time t. */
static inline void h_run_to(struct h *h, iommusim_time_t t)
{
	assert_true(iommusim_sched_run_until(h->sched, t) >= 0);
}

static inline void h_run(struct h *h)
{
	iommusim_sched_run_all(h->sched, 1000000);
}

#define IQ_BASE 0x100000ull

/* Programs IQA (base IQ_BASE, size qs, width dw) and enables queued invalidation. */
static inline void h_qi_on(struct h *h, unsigned qs, bool dw256)
{
	h_wr(h, 0x90, 8, IQ_BASE | (dw256 ? 1ull << 11 : 0) | qs);
	h_wr(h, 0x88, 8, 0);
	vtd_iq_set_enabled(&h->v, true, iommusim_sched_now(h->sched));
}

/* Writes descriptors at the slots from the current IQT on (wrapping) without moving IQT. */
static inline uint64_t h_put(struct h *h, const uint64_t (*d)[4], unsigned n)
{
	uint64_t iqa = h->v.iq.iqa;
	uint64_t dsz = (iqa & (1ull << 11)) ? 32 : 16;
	uint64_t qbytes = 4096ull << (iqa & 7);
	uint64_t tail = h_rd(h, 0x88, 8);

	for (unsigned i = 0; i < n; i++) {
		for (unsigned w = 0; w < dsz / 8; w++)
			assert_int_equal(iommusim_mem_write64(h->mem, (iqa & ~0xfffull) + tail + 8 * w,
							      d[i][w]), 0);
		tail = (tail + dsz) % qbytes;
	}
	return tail;
}

/* Writes descriptors and submits them with one IQT write. */
static inline void h_submit(struct h *h, const uint64_t (*d)[4], unsigned n)
{
	h_wr(h, 0x88, 8, h_put(h, d, n));
}

/* Descriptor builders from the spec's bit positions (6.5.2.x). */
static inline void d_cc(uint64_t *d, unsigned g, uint16_t did, uint16_t sid, unsigned fm)
{
	d[0] = 0x1 | ((uint64_t)g << 4) | ((uint64_t)did << 16) | ((uint64_t)sid << 32) |
	       ((uint64_t)fm << 48);
	d[1] = d[2] = d[3] = 0;
}

static inline void d_iotlb(uint64_t *d, unsigned g, uint16_t did, uint64_t addr, unsigned am,
			   bool ih, bool dr, bool dw)
{
	d[0] = 0x2 | ((uint64_t)g << 4) | ((uint64_t)dw << 6) | ((uint64_t)dr << 7) |
	       ((uint64_t)did << 16);
	d[1] = addr | am | ((uint64_t)ih << 6);
	d[2] = d[3] = 0;
}

static inline void d_devtlb(uint64_t *d, uint16_t sid, unsigned qdep, uint64_t addr, bool s)
{
	d[0] = 0x3 | ((uint64_t)qdep << 16) | ((uint64_t)sid << 32);
	d[1] = addr | (uint64_t)s;
	d[2] = d[3] = 0;
}

static inline void d_wait(uint64_t *d, bool iflag, bool sw, bool fn, bool pd, uint32_t data,
			  uint64_t addr)
{
	d[0] = 0x5 | ((uint64_t)iflag << 4) | ((uint64_t)sw << 5) | ((uint64_t)fn << 6) |
	       ((uint64_t)pd << 7) | ((uint64_t)data << 32);
	d[1] = addr;
	d[2] = d[3] = 0;
}

static inline void d_piotlb(uint64_t *d, unsigned g, uint16_t did, uint32_t pasid, uint64_t addr,
			    unsigned am, bool ih)
{
	d[0] = 0x6 | ((uint64_t)g << 4) | ((uint64_t)did << 16) | ((uint64_t)pasid << 32);
	d[1] = addr | am | ((uint64_t)ih << 6);
	d[2] = d[3] = 0;
}

static inline void d_pc(uint64_t *d, unsigned g, uint16_t did, uint32_t pasid)
{
	d[0] = 0x7 | ((uint64_t)g << 4) | ((uint64_t)did << 16) | ((uint64_t)pasid << 32);
	d[1] = d[2] = d[3] = 0;
}

static inline void d_pdevtlb(uint64_t *d, uint16_t sid, unsigned qdep, uint32_t pasid,
			     uint64_t addr, bool s, bool g)
{
	d[0] = 0x8 | ((uint64_t)qdep << 4) | ((uint64_t)sid << 16) | ((uint64_t)pasid << 32);
	d[1] = addr | ((uint64_t)s << 11) | (uint64_t)g;
	d[2] = d[3] = 0;
}

static inline void d_pgrp(uint64_t *d, uint16_t rid, bool pp, uint32_t pasid, unsigned rc,
			  unsigned prgi, bool lpig)
{
	d[0] = 0x9 | ((uint64_t)pp << 4) | ((uint64_t)rc << 12) | ((uint64_t)rid << 16) |
	       ((uint64_t)pasid << 32);
	d[1] = ((uint64_t)prgi << 3) | ((uint64_t)lpig << 2);
	d[2] = d[3] = 0;
}

static inline uint64_t h_counter(struct h *h, const char *name)
{
	double val = -1;
	char full[128];

	snprintf(full, sizeof(full), "vtd0.%s", name);
	assert_int_equal(iommusim_stats_get(h->stats, full, &val, NULL), 0);
	return (uint64_t)val;
}

#endif
