/* SPDX-License-Identifier: MIT */
/*
 * Speed of the traffic generators (models/endpoint/traffic.c): operations per second of
 * iommusim_traffic_next() for each pattern, paced (the exact issue-time arithmetic runs on
 * every unit), and the time to build the largest zipf table. A generator is far cheaper than
 * the DMA it describes; the target (>= 20 M ops/s) keeps it out of the way of the models.
 * A zipf draw over 4M pages reads a 4 MiB guide table and a 32 MiB threshold table at random
 * places, so it runs at memory latency: its target is 2 M ops/s.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench/bench_util.h"
#include "iommusim/traffic.h"

#define NEXT_TARGET 20e6

static iommusim_traffic_t *make(const char *spec)
{
	iommusim_traffic_cfg_t cfg;
	iommusim_error_t err;
	iommusim_traffic_t *t = NULL;

	if (iommusim_traffic_parse(spec, &cfg, &err) == 0)
		t = iommusim_traffic_create(&cfg, &err);
	if (!t) {
		fprintf(stderr, "bench_traffic: '%s': %s\n", spec, err.msg);
		exit(1);
	}
	return t;
}

static uint64_t run_next(void *arg, uint64_t n)
{
	iommusim_traffic_t *t = arg;
	iommusim_traffic_op_t op;
	uint64_t acc = 0;

	for (uint64_t i = 0; i < n; i++) {
		if (!iommusim_traffic_next(t, &op)) {
			iommusim_traffic_reset(t);
			iommusim_traffic_next(t, &op);
		}
		acc += op.iova ^ op.time;
	}
	return acc;
}

int main(void)
{
	static const struct {
		const char *name, *spec;
		double target;
	} cases[] = {
		{ "traffic_next_seq", "pattern=seq span=1G size=4K count=256T rate=100Gb/s",
		  NEXT_TARGET },
		{ "traffic_next_stride", "pattern=stride stride=12K span=1G size=4K count=256T "
		  "rate=100Gb/s", NEXT_TARGET },
		{ "traffic_next_random", "pattern=random seed=1 span=1T size=4K count=256T "
		  "rate=10Mop/s", NEXT_TARGET },
		{ "traffic_next_random_mixed", "pattern=random seed=1 span=1T size=4K write_pct=30 "
		  "count=256T", NEXT_TARGET },
		{ "traffic_next_zipf_4k_pages", "pattern=zipf theta=0.99 pages=4096 seed=1 count=256T "
		  "rate=100Gb/s", NEXT_TARGET },
		{ "traffic_next_zipf_4m_pages", "pattern=zipf theta=0.99 pages=4M seed=1 count=256T "
		  "rate=100Gb/s", 2e6 },
		{ "traffic_next_nic_64q", "pattern=nic queues=64 ring=256 pkt=1500 buf=2K count=256T "
		  "rate=100Gb/s", NEXT_TARGET },
		{ "traffic_next_storage", "pattern=storage block=128K span=1T seed=1 write_pct=30 "
		  "count=256T rate=3GB/s", NEXT_TARGET },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		iommusim_traffic_t *t = make(cases[i].spec);
		bench_run(cases[i].name, run_next, t, cases[i].target);
		iommusim_traffic_destroy(t);
	}

	/* building the largest zipf table (4M pages): one run = one create */
	double t0 = bench_now();
	unsigned builds = 0;
	do {
		iommusim_traffic_destroy(make("pattern=zipf theta=0.99 pages=4M"));
		builds++;
	} while (bench_now() - t0 < 0.5);
	bench_report("traffic_zipf_table_4m_pages", builds, bench_now() - t0, 0);
	return 0;
}
