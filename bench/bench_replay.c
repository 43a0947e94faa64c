/* SPDX-License-Identifier: MIT */
/*
 * Speed of the replay engine: a whole small stream on a fresh simulated host (system and
 * driver bring-up, bind, attach, map, DMA, unmap, teardown), and the steady state of a
 * DPDK-like loop on one host -- IOAS_MAP, a 1500-byte DMA write, IOAS_UNMAP, each a parsed
 * line through the engine, the shim, the VT-d driver and the model. Then one 4 KiB DMA write
 * to a mapped page per op, as one 4 KiB chunk (replay_dma4k_chunk) and as the endpoint's
 * request stream of 16 TLPs, each its own translation (replay_dma4k_stream,
 * endpoint.posted=1): what a receive-ring scenario pays per packet in the endpoint.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench_util.h"
#include "host-shim/replay/replay.h"

static const char whole[] =
	"iommusim-stream 1\n"
	"system arch=vtd\n"
	"device 0000:03:00.0\n"
	"open /dev/iommu -> fd=3\n"
	"open /dev/vfio/devices/vfio0 -> fd=4\n"
	"ioctl 4 VFIO_DEVICE_BIND_IOMMUFD iommufd=3 -> out_devid=$dev\n"
	"ioctl 3 IOMMU_IOAS_ALLOC -> out_ioas_id=$ioas\n"
	"ioctl 4 VFIO_DEVICE_ATTACH_IOMMUFD_PT pt_id=$ioas -> pt_id=$hwpt\n"
	"ioctl 3 IOMMU_IOAS_MAP flags=FIXED_IOVA|READABLE|WRITEABLE ioas_id=$ioas "
	"user_va=0x7f0000000000 length=0x200000 iova=0x100000\n"
	"dma 0000:03:00.0 write iova=0x100000 len=0x5dc fill=0xa5 expect=ok\n"
	"expect mem user_va=0x7f0000000000 len=0x5dc fill=0xa5\n"
	"ioctl 3 IOMMU_IOAS_UNMAP ioas_id=$ioas iova=0x100000 length=0x200000 -> length=0x200000\n"
	"close 4\n"
	"close 3\n";

static uint64_t run_whole(void *arg, uint64_t n)
{
	uint64_t sum = 0;
	(void)arg;
	for (uint64_t i = 0; i < n; i++) {
		iommusim_error_t err;
		replay_summary_t s;
		replay_t *r = replay_create(NULL, &err);
		if (!r || replay_run_memory(r, whole, sizeof(whole) - 1, "bench", &err)) {
			fprintf(stderr, "bench_replay: %s\n", err.msg);
			exit(1);
		}
		replay_get_summary(r, &s);
		sum += s.checks + s.mismatches;
		replay_destroy(r);
	}
	return sum;
}

typedef struct loop {
	replay_t *r;
	stream_line_t lines[3];
	int nlines;
} loop_t;

static uint64_t run_loop(void *arg, uint64_t n)
{
	loop_t *lp = arg;
	iommusim_error_t err;
	for (uint64_t i = 0; i < n; i++) {
		for (int k = 0; k < lp->nlines; k++) {
			if (replay_line(lp->r, &lp->lines[k], &err)) {
				fprintf(stderr, "bench_replay: %s\n", err.msg);
				exit(1);
			}
		}
	}
	return replay_mismatch_count(lp->r);
}

/* A host brought up by setup (a whole stream), then the loop's lines, parsed once. */
static void loop_init(loop_t *lp, const char *setup, const char *const *lines, int nlines)
{
	iommusim_error_t err;

	lp->nlines = nlines;
	lp->r = replay_create(NULL, &err);
	if (!lp->r || replay_run_memory(lp->r, setup, strlen(setup), "bench", &err)) {
		fprintf(stderr, "bench_replay: %s\n", err.msg);
		exit(1);
	}
	for (int k = 0; k < nlines; k++) {
		stream_line_init(&lp->lines[k]);
		if (stream_parse_line(lines[k], strlen(lines[k]), "bench", (unsigned)(20 + k),
				      &lp->lines[k], &err)) {
			fprintf(stderr, "bench_replay: %s\n", err.msg);
			exit(1);
		}
	}
}

/* Frees the loop; every line must have matched. */
static void loop_fini(loop_t *lp)
{
	if (replay_mismatch_count(lp->r)) {
		fprintf(stderr, "bench_replay: %zu mismatches in the loop\n",
			replay_mismatch_count(lp->r));
		exit(1);
	}
	for (int k = 0; k < lp->nlines; k++)
		stream_line_free(&lp->lines[k]);
	replay_destroy(lp->r);
}

#define BRING_UP                                                                            \
	"device 0000:03:00.0\n"                                                             \
	"open /dev/iommu -> fd=3\n"                                                         \
	"open /dev/vfio/devices/vfio0 -> fd=4\n"                                            \
	"ioctl 4 VFIO_DEVICE_BIND_IOMMUFD iommufd=3 -> out_devid=$dev\n"                    \
	"ioctl 3 IOMMU_IOAS_ALLOC -> out_ioas_id=$ioas\n"                                   \
	"ioctl 4 VFIO_DEVICE_ATTACH_IOMMUFD_PT pt_id=$ioas -> pt_id=$hwpt\n"

#define MAP_4K                                                                              \
	"ioctl 3 IOMMU_IOAS_MAP flags=FIXED_IOVA|READABLE|WRITEABLE ioas_id=$ioas "         \
	"user_va=0x7f0000000000 length=0x1000 iova=0x100000\n"

int main(void)
{
	static const char *const per_packet[3] = {
		"ioctl 3 IOMMU_IOAS_MAP flags=FIXED_IOVA|READABLE|WRITEABLE ioas_id=$ioas "
		"user_va=0x7f0000000000 length=0x1000 iova=0x100000",
		"dma 0000:03:00.0 write iova=0x100000 len=0x5dc fill=0xa5 expect=ok",
		"ioctl 3 IOMMU_IOAS_UNMAP ioas_id=$ioas iova=0x100000 length=0x1000 -> length=0x1000",
	};
	static const char *const dma4k[1] = {
		"dma 0000:03:00.0 write iova=0x100000 len=0x1000 fill=0xa5 expect=ok",
	};
	loop_t lp;

	bench_run("replay_whole_stream", run_whole, NULL, 0);

	/* one op = one packet: three lines */
	loop_init(&lp, "iommusim-stream 1\nsystem arch=vtd\n" BRING_UP, per_packet, 3);
	bench_run("replay_map_dma_unmap_packet", run_loop, &lp, 0);
	loop_fini(&lp);

	/* one op = one 4 KiB DMA write */
	loop_init(&lp, "iommusim-stream 1\nsystem arch=vtd\n" BRING_UP MAP_4K, dma4k, 1);
	bench_run("replay_dma4k_chunk", run_loop, &lp, 0);
	loop_fini(&lp);
	loop_init(&lp, "iommusim-stream 1\nsystem arch=vtd endpoint.posted=1\n" BRING_UP MAP_4K,
		  dma4k, 1);
	bench_run("replay_dma4k_stream", run_loop, &lp, 0);
	loop_fini(&lp);
	return 0;
}
