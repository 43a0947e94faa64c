/* SPDX-License-Identifier: MIT */
/*
 * Speed of the replay engine: a whole small stream on a fresh simulated host (system and
 * driver bring-up, bind, attach, map, DMA, unmap, teardown), and the steady state of a
 * DPDK-like loop on one host -- IOAS_MAP, a 1500-byte DMA write, IOAS_UNMAP, each a parsed
 * line through the engine, the shim, the VT-d driver and the model.
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
} loop_t;

static uint64_t run_loop(void *arg, uint64_t n)
{
	loop_t *lp = arg;
	iommusim_error_t err;
	for (uint64_t i = 0; i < n; i++) {
		for (int k = 0; k < 3; k++) {
			if (replay_line(lp->r, &lp->lines[k], &err)) {
				fprintf(stderr, "bench_replay: %s\n", err.msg);
				exit(1);
			}
		}
	}
	return replay_mismatch_count(lp->r);
}

int main(void)
{
	static const char *const per_packet[3] = {
		"ioctl 3 IOMMU_IOAS_MAP flags=FIXED_IOVA|READABLE|WRITEABLE ioas_id=$ioas "
		"user_va=0x7f0000000000 length=0x1000 iova=0x100000",
		"dma 0000:03:00.0 write iova=0x100000 len=0x5dc fill=0xa5 expect=ok",
		"ioctl 3 IOMMU_IOAS_UNMAP ioas_id=$ioas iova=0x100000 length=0x1000 -> length=0x1000",
	};
	/* The setup: the whole stream up to the map. */
	static const char setup[] =
		"iommusim-stream 1\n"
		"system arch=vtd\n"
		"device 0000:03:00.0\n"
		"open /dev/iommu -> fd=3\n"
		"open /dev/vfio/devices/vfio0 -> fd=4\n"
		"ioctl 4 VFIO_DEVICE_BIND_IOMMUFD iommufd=3 -> out_devid=$dev\n"
		"ioctl 3 IOMMU_IOAS_ALLOC -> out_ioas_id=$ioas\n"
		"ioctl 4 VFIO_DEVICE_ATTACH_IOMMUFD_PT pt_id=$ioas -> pt_id=$hwpt\n";
	iommusim_error_t err;
	loop_t lp;

	bench_run("replay_whole_stream", run_whole, NULL, 0);

	lp.r = replay_create(NULL, &err);
	if (!lp.r || replay_run_memory(lp.r, setup, sizeof(setup) - 1, "bench", &err)) {
		fprintf(stderr, "bench_replay: %s\n", err.msg);
		return 1;
	}
	for (int k = 0; k < 3; k++) {
		stream_line_init(&lp.lines[k]);
		if (stream_parse_line(per_packet[k], strlen(per_packet[k]), "bench", (unsigned)(20 + k),
				      &lp.lines[k], &err)) {
			fprintf(stderr, "bench_replay: %s\n", err.msg);
			return 1;
		}
	}
	/* one op = one packet: three lines */
	bench_run("replay_map_dma_unmap_packet", run_loop, &lp, 0);
	if (replay_mismatch_count(lp.r)) {
		fprintf(stderr, "bench_replay: %zu mismatches in the loop\n", replay_mismatch_count(lp.r));
		return 1;
	}
	for (int k = 0; k < 3; k++)
		stream_line_free(&lp.lines[k]);
	replay_destroy(lp.r);
	return 0;
}
