/* SPDX-License-Identifier: MIT */
/*
 * The standard metrics: the measurements of DESIGN.md §1 (CI performance benchmarking),
 * each an expression over the statistics of one VT-d IOMMU named "vtd" and its driver
 * ("drv.vtd.*"; counter names in host-shim/drivers/vtd/vtd_drv.h and `iommusim replay
 * --json`). docs/bench.md explains each one. A scenario names the ones it wants; the
 * automatic ones (the simulator's own speed, from host time) come with every run.
 */
#include <errno.h>
#include <string.h>

#include "host-shim/bench/bench.h"

static const bench_std_metric_t std_metrics[] = {
	{ "unmap_inval_cycles",
	  "drv.vtd.unmap.inval_cycles.sum / drv.vtd.unmap.inval_cycles.count",
	  "cycles", BENCH_LOWER, false,
	  "invalidation time of one flushed unmap as the driver sees it, from building its first "
	  "descriptor to the completion of its last wait, in CPU cycles (drv.vtd.cpu_mhz); "
	  "undefined when no unmap was flushed on its own (deferred policy)" },
	{ "unmap_inval_ns",
	  "drv.vtd.unmap.inval.sum / drv.vtd.unmap.inval.count / 1000",
	  "ns", BENCH_LOWER, false,
	  "the same in simulated nanoseconds" },
	{ "inval_cycles_per_unmap",
	  "drv.vtd.qi.sync_cycles.sum / drv.vtd.unmap.calls",
	  "cycles", BENCH_LOWER, false,
	  "CPU cycles spent in synchronous invalidation submits in the window, per unmap: the "
	  "amortised cost under any policy (a deferred flush is shared by the unmaps it covers)" },
	{ "inval_ns_per_unmap",
	  "drv.vtd.qi.sync_cycles.sum * 1000 / param.drv.vtd.cpu_mhz / drv.vtd.unmap.calls",
	  "ns", BENCH_LOWER, false,
	  "the same in nanoseconds" },
	{ "fq_flush_cycles",
	  "drv.vtd.fq.flush_cycles.sum / drv.vtd.fq.flush_cycles.count",
	  "cycles", BENCH_LOWER, false,
	  "time of one flush-queue flush (deferred policy) as the driver sees it, from building "
	  "its first descriptor to the completion of its last wait, in CPU cycles "
	  "(drv.vtd.cpu_mhz); undefined when the window has no flush-queue flush" },
	{ "fq_flush_entries",
	  "drv.vtd.fq.flush_entries.sum / drv.vtd.fq.flush_entries.count",
	  "entries", BENCH_HIGHER, false,
	  "queued unmaps one flush-queue flush covered, on average (more entries share one "
	  "flush); undefined when the window has no flush-queue flush" },
	{ "invals_per_sec",
	  "(vtd.iq.desc.iotlb + vtd.iq.desc.piotlb) * 1e9 / bench.sim_ns",
	  "1/s", BENCH_HIGHER, false,
	  "IOTLB and PASID-IOTLB invalidation descriptors the hardware processed per simulated "
	  "second of the window" },
	{ "iotlb_hit_rate",
	  "vtd.iotlb.hit / (vtd.iotlb.hit + vtd.iotlb.miss)",
	  "ratio", BENCH_HIGHER, false,
	  "IOTLB lookups that hit; undefined without a lookup" },
	{ "mem_reads_per_4k",
	  "vtd.mem.reads * 4096 / sum(*.dma.bytes)",
	  "reads", BENCH_LOWER, false,
	  "translation-structure memory reads of the IOMMU per 4 KiB of device DMA (the M of "
	  "T = 4096 B / (65 ns + M x 197 ns))" },
	{ "xlate_p50_cycles",
	  "vtd.xlate.latency.p50",
	  "cycles", BENCH_LOWER, false,
	  "median translation latency in IOMMU cycles" },
	{ "xlate_p99_cycles",
	  "vtd.xlate.latency.p99",
	  "cycles", BENCH_LOWER, false,
	  "99th percentile translation latency in IOMMU cycles" },
	{ "throughput_gbps",
	  "sum(*.dma.bytes) * 8 / bench.sim_ns",
	  "Gb/s", BENCH_HIGHER, false,
	  "bytes every device moved by DMA in the window over the window's simulated time" },
	{ "stream_gbps",
	  "sum(*.stream.bytes) * 8000 / sum(*.stream.busy_ps)",
	  "Gb/s", BENCH_HIGHER, false,
	  "throughput the devices' posted-write streams sustain when they always have data to "
	  "send (the IOMMU-bound regime): bytes of posted TLPs over the time the IOMMU was busy "
	  "taking them in order (needs endpoint.posted=1; undefined otherwise)" },
	{ "iq_occupancy_mean",
	  "vtd.iq.occupancy.mean",
	  "entries", BENCH_LOWER, false,
	  "mean invalidation-queue occupancy the hardware saw" },
	{ "iq_occupancy_max",
	  "vtd.iq.occupancy.max",
	  "entries", BENCH_LOWER, false,
	  "largest invalidation-queue occupancy the hardware saw" },
	{ "prq_latency_p50_ns",
	  "vtd.prq.latency.p50 / 1000",
	  "ns", BENCH_LOWER, false,
	  "median page-request latency (vtd.prq.latency) in nanoseconds" },
};

static const bench_std_metric_t auto_metrics[] = {
	{ "sim_ops_per_host_sec",
	  "(bench.lines + sum(vtd*.req.*) + sum(vtd*.iq.desc.*)) / bench.host_s",
	  "ops/s", BENCH_HIGHER, true,
	  "the simulator's own speed: stream lines, translation requests and invalidation "
	  "descriptors simulated in the window per host second (host time: informational)" },
	{ "host_ms",
	  "bench.host_s * 1000",
	  "ms", BENCH_LOWER, true,
	  "host time the window took (informational)" },
};

const bench_std_metric_t *bench_std_metrics(size_t *n)
{
	*n = sizeof(std_metrics) / sizeof(std_metrics[0]);
	return std_metrics;
}

const bench_std_metric_t *bench_auto_metrics(size_t *n)
{
	*n = sizeof(auto_metrics) / sizeof(auto_metrics[0]);
	return auto_metrics;
}

const bench_std_metric_t *bench_std_find(const char *name)
{
	for (size_t i = 0; i < sizeof(std_metrics) / sizeof(std_metrics[0]); i++)
		if (strcmp(std_metrics[i].name, name) == 0)
			return &std_metrics[i];
	return NULL;
}

const char *bench_better_name(bench_better_t b)
{
	return b == BENCH_HIGHER ? "higher" : "lower";
}

int bench_better_parse(const char *s, bench_better_t *out)
{
	if (strcmp(s, "lower") == 0)
		*out = BENCH_LOWER;
	else if (strcmp(s, "higher") == 0)
		*out = BENCH_HIGHER;
	else
		return -EINVAL;
	return 0;
}
