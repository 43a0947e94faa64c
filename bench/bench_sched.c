/* SPDX-License-Identifier: MIT */
/*
 * Scheduler throughput in the "hold" model: the queue holds a fixed number of pending events;
 * each event that runs schedules one new event at a pseudo-random time ahead, so the queue
 * size stays constant. One op = one event scheduled, popped and dispatched.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench/bench_util.h"
#include "iommusim/sched.h"

struct hold {
	iommusim_sched_t *s;
	uint64_t rng;
	uint32_t spread;    /* new events land in now + [1, spread] ps */
	uint64_t handled;
};

static uint64_t hold_rand(struct hold *h)
{
	/* xorshift64*: cheap and seeded, so every run does the same work */
	h->rng ^= h->rng >> 12;
	h->rng ^= h->rng << 25;
	h->rng ^= h->rng >> 27;
	return h->rng * 0x2545f4914f6cdd1dull;
}

/* Uniform in [1, spread] by multiply-shift (no division on the measured path). */
static uint64_t hold_delay(struct hold *h)
{
	return 1 + (((hold_rand(h) >> 32) * h->spread) >> 32);
}

static void hold_fn(void *ctx, iommusim_time_t now)
{
	struct hold *h = ctx;
	(void)now;
	h->handled++;
	iommusim_sched_after(h->s, hold_delay(h), hold_fn, h);
}

static uint64_t hold_run(void *arg, uint64_t n)
{
	struct hold *h = arg;
	long ran = iommusim_sched_run_all(h->s, n);
	return (uint64_t)ran + h->handled;
}

/* Events that cancel-and-reschedule a timeout before it fires (a driver watchdog pattern):
 * one op = one cancel plus one schedule plus one dispatch. */
struct rearm {
	struct hold h;
	iommusim_event_id_t timer[1000];
	unsigned next;
};

static void timer_fn(void *ctx, iommusim_time_t now)
{
	(void)ctx;
	(void)now;
}

static void rearm_fn(void *ctx, iommusim_time_t now)
{
	struct rearm *r = ctx;
	unsigned i = r->next++ % 1000;
	(void)now;
	iommusim_sched_cancel(r->h.s, r->timer[i]);
	r->timer[i] = iommusim_sched_after(r->h.s, 1000000 + (hold_rand(&r->h) >> 54), timer_fn, r);
	iommusim_sched_after(r->h.s, hold_delay(&r->h), rearm_fn, r);
}

static int hold_setup(struct hold *h, unsigned pending, uint32_t spread, iommusim_event_fn fn,
		      void *ctx)
{
	h->s = iommusim_sched_create();
	h->rng = 0x9e3779b97f4a7c15ull;
	h->spread = spread;
	h->handled = 0;
	if (!h->s)
		return -1;
	for (unsigned i = 0; i < pending; i++)
		if (!iommusim_sched_after(h->s, hold_delay(h), fn, ctx))
			return -1;
	return 0;
}

int main(void)
{
	static const unsigned sizes[] = { 1000, 16, 100000 };
	struct hold h;
	char name[64];

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		if (hold_setup(&h, sizes[i], 1000000, hold_fn, &h)) {
			fprintf(stderr, "bench_sched: out of memory\n");
			return 1;
		}
		snprintf(name, sizeof(name), "sched_hold_%u", sizes[i]);
		/* The target applies to the 1,000-pending case only. */
		bench_run(name, hold_run, &h, sizes[i] == 1000 ? 10e6 : 0);
		iommusim_sched_destroy(h.s);
	}

	struct rearm *r = calloc(1, sizeof(*r));
	if (!r || hold_setup(&r->h, 1000, 1000000, rearm_fn, r)) {
		fprintf(stderr, "bench_sched: out of memory\n");
		return 1;
	}
	bench_run("sched_rearm_timeout_1000", hold_run, &r->h, 0);
	iommusim_sched_destroy(r->h.s);
	free(r);
	return 0;
}
