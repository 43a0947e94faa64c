/* SPDX-License-Identifier: MIT */
/*
 * Descriptors per second through the VT-d invalidation queue of the full model, driven
 * through MMIO as a driver would: the ring (legacy mode, 128-bit descriptors, 32768 slots) is
 * filled once, then each batch moves IQT forward and the scheduler runs until the queue is
 * idle. One op = one descriptor fetched, checked and processed (IQH advanced).
 *
 *  vtd_iq_iotlb_psi  15 page-selective IOTLB invalidations + 1 wait (status write) per 16
 *  vtd_iq_mixed      context-cache, IOTLB (global/domain/page), device-TLB (the device
 *                    answers at once) and wait descriptors, fence on the wait
 *  vtd_iq_wait       wait descriptors only (status write): the engine's own overhead
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench/bench_util.h"
#include "iommusim/iommusim.h"
#include "iommusim/vtd.h"

#define RING_BASE   0x1000000ull
#define RING_QS     7                         /* 2^7 pages: 32768 128-bit descriptors */
#define RING_SLOTS  ((4096u << RING_QS) / 16u)
#define STATUS_ADDR 0x800000ull
#define BATCH       64u

struct qbench {
	iommusim_sched_t *sched;
	iommusim_mem_t *mem;
	iommusim_mem_port_t port;
	iommusim_stats_t *stats;
	iommusim_params_t *ps;
	iommusim_model_t m;
	uint32_t tail;                            /* slot index */
};

static int answer(void *ctx, const iommusim_dev_msg_t *msg)
{
	struct qbench *b = ctx;

	if (msg->kind == IOMMUSIM_MSG_ATS_INVAL_REQ) {
		iommusim_dev_msg_t cpl = { .kind = IOMMUSIM_MSG_ATS_INVAL_CPL, .rid = msg->rid,
					   .itag = msg->itag, .time = msg->time };

		return b->m.ops->device_msg(b->m.impl, &cpl);
	}
	return 0;
}

typedef void (*fill_fn)(uint32_t slot, uint64_t d[2]);

static void fill_psi(uint32_t slot, uint64_t d[2])
{
	if (slot % 16 == 15) {
		d[0] = 0x5 | (1 << 5) | ((uint64_t)slot << 32);       /* wait, SW */
		d[1] = STATUS_ADDR;
	} else {
		d[0] = 0x2 | (3 << 4) | (1 << 16);                     /* IOTLB PSI, DID 1 */
		d[1] = (uint64_t)slot << 12;
	}
}

static void fill_mixed(uint32_t slot, uint64_t d[2])
{
	switch (slot % 8) {
	case 0:
		d[0] = 0x1 | (3 << 4) | (1 << 16) | (0x0100ull << 32); /* CC device */
		d[1] = 0;
		break;
	case 1:
		d[0] = 0x2 | (2 << 4) | (1 << 16);                     /* IOTLB domain */
		d[1] = 0;
		break;
	case 2:
	case 3:
		d[0] = 0x2 | (3 << 4) | (1 << 16);                     /* IOTLB page, 4 pages */
		d[1] = ((uint64_t)slot << 14) | 2;
		break;
	case 4:
		d[0] = 0x3 | (0x0100ull << 32);                        /* device-TLB */
		d[1] = (uint64_t)slot << 12;
		break;
	case 5:
		d[0] = 0x2 | (1 << 4);                                 /* IOTLB global */
		d[1] = 0;
		break;
	case 6:
		d[0] = 0x5 | (1 << 5) | (1 << 6) | ((uint64_t)slot << 32); /* wait SW FN */
		d[1] = STATUS_ADDR;
		break;
	default:
		d[0] = 0x5;                                            /* wait, nothing */
		d[1] = 0;
		break;
	}
}

static void fill_wait(uint32_t slot, uint64_t d[2])
{
	d[0] = 0x5 | (1 << 5) | ((uint64_t)slot << 32);
	d[1] = STATUS_ADDR;
}

static int setup(struct qbench *b, fill_fn fill)
{
	iommusim_error_t err = { 0 };
	iommusim_model_env_t env;
	iommusim_time_t t;

	b->sched = iommusim_sched_create();
	b->mem = iommusim_mem_create(40);
	b->stats = iommusim_stats_create();
	b->ps = iommusim_params_create();
	if (!b->sched || !b->mem || !b->stats || !b->ps)
		return -1;
	iommusim_mem_port_init_mem(&b->port, b->mem);
	iommusim_mem_port_set_latency(&b->port, 100000, 50000, 0);
	if (iommusim_params_add(b->ps, &iommusim_vtd_component, &err))
		goto fail;
	env = (iommusim_model_env_t){ .sched = b->sched, .mem = &b->port, .stats = b->stats,
				      .instance = "vtd0", .to_device = answer, .dev_ctx = b };
	if (iommusim_model_create(&b->m, &iommusim_vtd_ops, b->ps, &env, &err))
		goto fail;
	for (uint32_t i = 0; i < RING_SLOTS; i++) {
		uint64_t d[2];

		fill(i, d);
		iommusim_mem_write64(b->mem, RING_BASE + 16ull * i, d[0]);
		iommusim_mem_write64(b->mem, RING_BASE + 16ull * i + 8, d[1]);
	}
	t = iommusim_sched_now(b->sched);
	b->m.ops->mmio_write(b->m.impl, 0x90, 8, RING_BASE | RING_QS, t);   /* IQA */
	b->m.ops->mmio_write(b->m.impl, 0x88, 8, 0, t);                     /* IQT */
	b->m.ops->mmio_write(b->m.impl, 0x18, 4, 1u << 26, t);              /* GCMD.QIE */
	b->tail = 0;
	return 0;
fail:
	fprintf(stderr, "bench_vtd_iq: %s\n", err.msg);
	return -1;
}

static void teardown(struct qbench *b)
{
	iommusim_model_destroy(&b->m);
	iommusim_params_destroy(b->ps);
	iommusim_stats_destroy(b->stats);
	iommusim_mem_destroy(b->mem);
	iommusim_sched_destroy(b->sched);
}

static uint64_t run(void *arg, uint64_t n)
{
	struct qbench *b = arg;
	uint64_t done = 0, head = 0;

	while (done < n) {
		uint64_t k = n - done < BATCH ? n - done : BATCH;

		b->tail = (uint32_t)((b->tail + k) % RING_SLOTS);
		b->m.ops->mmio_write(b->m.impl, 0x88, 8, (uint64_t)b->tail * 16,
				     iommusim_sched_now(b->sched));
		iommusim_sched_run_all(b->sched, 0);
		done += k;
	}
	b->m.ops->mmio_read(b->m.impl, 0x80, 8, &head, iommusim_sched_now(b->sched));
	if (head != (uint64_t)b->tail * 16)
		fprintf(stderr, "bench_vtd_iq: queue stopped at IQH %#llx (IQT %#llx)\n",
			(unsigned long long)head, (unsigned long long)b->tail * 16);
	return head;
}

static int bench_one(const char *name, fill_fn fill)
{
	struct qbench b = { 0 };

	if (setup(&b, fill))
		return 1;
	bench_run(name, run, &b, 5e6);
	teardown(&b);
	return 0;
}

int main(void)
{
	int rc = 0;

	rc |= bench_one("vtd_iq_iotlb_psi", fill_psi);
	rc |= bench_one("vtd_iq_mixed", fill_mixed);
	rc |= bench_one("vtd_iq_wait", fill_wait);
	return rc;
}
