/* SPDX-License-Identifier: MIT */
/*
 * Device stimulus verbs: dma with patterns and checked read data, ats (the answer and the
 * ATC fill), translated requests, expect xlate, page requests sent with pri, and traffic
 * generators (DMA patterns, pacing, the NIC ring's map/DMA/unmap, its descriptor and
 * completion rings). Expected values come from
 * the mappings the streams make (physical addresses from the process's own page table,
 * ifd_mm_lookup), the VT-d specification's fault reasons and hand counts.
 */
#include "tests/support/test.h"

#include "tests/replay/replay_helpers.h"

#define HDR "iommusim-stream 1\n" \
	"system arch=vtd\n"                                                            /* 2 */ \
	"device 0000:03:00.0 ats=1 pri=1 pasid_bits=20\n"                              /* 3 */ \
	"device 0000:04:00.0\n"                                                        /* 4 */ \
	"open /dev/iommu -> fd=3\n"                                                    /* 5 */ \
	"open /dev/vfio/devices/vfio0 -> fd=4\n"                                       /* 6 */ \
	"open /dev/vfio/devices/vfio1 -> fd=5\n"                                       /* 7 */ \
	"ioctl 4 VFIO_DEVICE_BIND_IOMMUFD iommufd=3 -> out_devid=$dev\n"               /* 8 */ \
	"ioctl 5 VFIO_DEVICE_BIND_IOMMUFD iommufd=3 -> out_devid=$dev2\n"              /* 9 */ \
	"ioctl 3 IOMMU_IOAS_ALLOC -> out_ioas_id=$ioas\n"                              /* 10 */
#define ATTACH \
	"ioctl 4 VFIO_DEVICE_ATTACH_IOMMUFD_PT pt_id=$ioas\n"                          /* 11 */ \
	"ioctl 5 VFIO_DEVICE_ATTACH_IOMMUFD_PT pt_id=$ioas\n"                          /* 12 */
/* A read-only 4 KiB page at 0x100000 and a writeable 2 MiB one (THP-backed) at 0x200000. */
#define MAPS \
	"ioctl 3 IOMMU_IOAS_MAP flags=FIXED_IOVA|READABLE ioas_id=$ioas "                      \
	"user_va=0x7f0000000000 length=0x1000 iova=0x100000\n"                         /* 13 */ \
	"ioctl 3 IOMMU_IOAS_MAP flags=FIXED_IOVA|READABLE|WRITEABLE ioas_id=$ioas "            \
	"user_va=0x7f0000200000 length=0x200000 iova=0x200000\n"                       /* 14 */
#define SETUP HDR ATTACH MAPS

static uint64_t pa_of(replay_t *r, uint64_t va)
{
	uint64_t pa = 0;
	assert_int_equal(ifd_mm_lookup(ifd_sys_mm(replay_ifd(r)), va, &pa), 0);
	return pa;
}

/* ---- dma: patterns and the data a read returns ---------------------------------------------- */

static void t_dma_bytes(void **state)
{
	(void)state;
	replay_t *r = rt_run(SETUP
		"mem write user_va=0x7f0000000000 pattern=seq len=0x1000\n"                   /* 15 */
		"dma 0000:04:00.0 read iova=0x100000 len=0x200 pattern=seq expect=ok\n"       /* 16 */
		"dma 0000:04:00.0 read iova=0x100100 len=4 expect_data=00:01:02:03 expect=ok\n"
		"dma 0000:04:00.0 read iova=0x100010 len=2 expect_fill=0x10\n"                /* 18 */
		"dma 0000:04:00.0 write iova=0x200000 len=0x1000 pattern=seq expect=ok\n"
		"expect mem user_va=0x7f0000200000 pattern=seq len=0x1000\n"                  /* 20 */
		"expect mem user_va=0x7f0000200100 data=01:01\n"                                 /* 21 */
		"dma 0000:04:00.0 write iova=0x100000 len=4 pattern=seq expect=fault reason=0x85\n"
		"dma 0000:04:00.0 read iova=0x100ffe len=4 expect_data=fe:ff expect=fault "
		"reason=0x71\n");                                                             /* 23 */
	assert_int_equal(replay_mismatch_count(r), 2);
	/* bytes 0x10, 0x11 arrived: the first difference is the second byte */
	rt_mismatch(r, 0, 18, "dma", "data", "10", "11");
	assert_string_equal(replay_mismatch_at(r, 0)->note,
			    "first difference at iova 0x100011 (+0x1); 1 of 2 bytes differ");
	/* pattern=seq wrote byte 0x100 % 256 = 0 at offset 0x100 */
	rt_mismatch(r, 1, 21, "expect mem", "data", "01:01", "00:01");
	assert_int_equal(rt_stat(r, "ep1.dma"), 6);
	replay_destroy(r);

	rt_error(SETUP "dma 0000:04:00.0 write iova=0x200000 len=4 fill=1 expect_fill=1\n",
		 -EINVAL, "t.stream:15:63: dma write: expect_data=/expect_fill= check what a read "
		 "returns");
	rt_error(SETUP "dma 0000:04:00.0 read iova=0x200000 len=4 fill=1 expect_fill=1\n",
		 -EINVAL, "dma read: give the expected bytes once");
	rt_error(SETUP "dma 0000:04:00.0 write iova=0x200000 len=4 pattern=random\n", -EINVAL,
		 "pattern: the pattern is 'seq'");
	rt_error(SETUP "dma 0000:04:00.0 write iova=0x200000 pattern=seq\n", -EINVAL,
		 "t.stream:15: pattern= needs len=");
	rt_error(SETUP "dma 0000:04:00.0 read iova=0x200000\n", -EINVAL, "dma: missing len=");
	rt_error(SETUP "dma 0000:04:00.0 read iova=0x200000 len=4 fill=1 data=02\n", -EINVAL,
		 "give one of fill=, data= or pattern=, not several");
	rt_error(SETUP "hwdma 0000:04:00.0 read iova=0 len=4 expect=pending\n", -EINVAL,
		 "hwdma: expect= is one of ok, fault, mem_error");
}

/* ---- ats and translated requests ---------------------------------------------------------------- */

static void t_ats(void **state)
{
	(void)state;
	replay_t *r = rt_run(SETUP
		"ats 0000:03:00.0 iova=0x100010 -> status=ok perm=r size=0x1000 addr=$pa\n"   /* 15 */
		/* a read-only page asked for write by a device with PRI: "page request", with
		 * the reason a DMA would have got, and no fault record (VT-d 4.2.3) */
		"ats 0000:03:00.0 iova=0x100000 access=w -> status=page_request reason=0x85\n"
		"ats 0000:03:00.0 iova=0x280000 access=rw -> status=ok perm=rw size=0x200000 "
		"addr=$pa2\n"                                                                  /* 17 */
		"ats 0000:03:00.0 iova=0x500000 -> status=page_request reason=0x71\n"         /* 18 */
		"ats 0000:03:00.0 iova=0x100000 -> status=fault\n"                            /* 19 */
		"ats 0000:03:00.0 iova=0x100000 -> status=ok perm=rw\n"                       /* 20 */
		"ats 0000:03:00.0 iova=0x100000 -> status=ok size=0x2000 addr=$pa\n"          /* 21 */
		"expect nofault\n"                                                            /* 22 */
		/* AT=translated with the address ATS gave */
		"translated 0000:03:00.0 write addr=$pa2 len=8 data=de:ad:be:ef expect=ok\n"  /* 23 */
		"expect mem user_va=0x7f0000280000 len=8 data=de:ad:be:ef\n"
		"translated 0000:03:00.0 read addr=$pa2 len=4 expect_data=de:ad:be:ef expect=ok\n"
		/* a device whose context entry does not enable ATS: SCT.5 */
		"translated 0000:04:00.0 read addr=$pa2 len=4 expect=fault reason=0x44\n");   /* 26 */
	/* ATS answers for the page: the physical page behind the user page */
	assert_int_equal(rt_var(r, "pa"), pa_of(r, 0x7f0000000000));
	assert_int_equal(rt_var(r, "pa2"), pa_of(r, 0x7f0000280000));
	assert_int_equal(replay_mismatch_count(r), 3);
	rt_mismatch(r, 0, 19, "ats", "status", "fault", "ok");
	assert_non_null(strstr(replay_mismatch_at(r, 0)->note, "perm r"));
	rt_mismatch(r, 1, 20, "ats", "perm", "rw", "r");
	rt_mismatch(r, 2, 21, "ats", "size", "0x2000", "0x1000");
	assert_int_equal(rt_stat(r, "ep0.req.ats"), 7);
	assert_true(rt_stat(r, "ep0.atc.fill") >= 1);
	assert_int_equal(rt_stat(r, "vtd.req.translated"), 3);
	replay_destroy(r);

	rt_error(SETUP "ats 0000:04:00.0 iova=0 -> status=ok\n", -EINVAL,
		 "t.stream:15:5: ats: 0000:04:00.0 has no ATS (give ats=1 on its device line)");
	rt_error(SETUP "ats 0000:03:00.0 iova=0 -> colour=1\n", -EINVAL,
		 "t.stream:15:28: ats: unknown result 'colour'");
	rt_error(SETUP "ats 0000:03:00.0 iova=0 -> status=maybe\n", -EINVAL,
		 "ats: status is ok, page_request or fault");
	rt_error(SETUP "ats 0000:03:00.0 iova=0 access=q\n", -EINVAL,
		 "'q' is not an access: write r, w or rw");
	rt_error(SETUP "ats 0000:03:00.0 iova=0 -> perm=rq\n", -EINVAL, "'rq' is not an access");
}

static void t_expect_xlate(void **state)
{
	(void)state;
	replay_t *r = rt_run(SETUP
		"expect xlate 0000:04:00.0 iova=0x100123 -> status=ok perm=r size=0x1000 "
		"addr=$a\n"                                                                    /* 15 */
		"expect xlate 0000:04:00.0 iova=0x100000 access=w -> status=fault reason=0x85\n"
		"expect xlate 0000:04:00.0 iova=0x600000 -> status=fault reason=0x71\n"       /* 17 */
		"expect xlate 0000:04:00.0 iova=0x600000 -> status=fault reason=0x85\n"       /* 18 */
		"expect xlate 0000:04:00.0 iova=0x100000 -> status=fault\n"                   /* 19 */
		/* like a DMA: the faults are recorded */
		"expect fault reason=0x85 addr=0x100000 dev=0000:04:00.0 count=1\n"
		"expect fault reason=0x71 addr=0x600000 count=2\n");                          /* 21 */
	/* the output address of the byte itself */
	assert_int_equal(rt_var(r, "a"), pa_of(r, 0x7f0000000000) + 0x123);
	assert_int_equal(replay_mismatch_count(r), 2);
	const replay_mismatch_t *m = replay_mismatch_at(r, 0);
	assert_int_equal(m->line, 18);
	assert_string_equal(m->key, "reason");
	assert_int_equal(strncmp(m->expected, "0x85 (SGN.6", 11), 0);
	assert_int_equal(strncmp(m->got, "0x71 (SFL.2", 11), 0);
	rt_mismatch(r, 1, 19, "expect xlate", "status", "fault", "ok");
	replay_destroy(r);

	rt_error(SETUP "expect xlate 0000:04:00.0 iova=0\n", -EINVAL,
		 "expect xlate: say what the IOMMU answers");
	rt_error(SETUP "expect xlate 0000:09:00.0 iova=0 -> status=ok\n", -ENOENT,
		 "t.stream:15:14: no device 0000:09:00.0 (devices: 0000:03:00.0, 0000:04:00.0)");
}

/* ---- page requests --------------------------------------------------------------------------------- */

#define IOPF HDR \
	"ioctl 3 IOMMU_FAULT_QUEUE_ALLOC -> out_fault_id=$fq out_fault_fd=40\n"        /* 11 */ \
	"ioctl 3 IOMMU_HWPT_ALLOC flags=FAULT_ID_VALID dev_id=$dev pt_id=$ioas "               \
	"fault_id=$fq -> out_hwpt_id=$hwpt\n"                                          /* 12 */ \
	"ioctl 4 VFIO_DEVICE_ATTACH_IOMMUFD_PT pt_id=$hwpt\n"                          /* 13 */

static void t_pri(void **state)
{
	(void)state;
	replay_t *r = rt_run(IOPF
		/* the HWPT takes page requests: ATS says so for a page not there */
		"ats 0000:03:00.0 iova=0x500000 -> status=page_request\n"                     /* 14 */
		"pri 0000:03:00.0 addr=0x300123 access=w prg=5 last=1\n"                      /* 15 */
		"read 40 -> ret=40 flags=LAST_PAGE dev_id=$dev perm=WRITE addr=0x300000 grpid=5 "
		"cookie=$ck\n"
		"write 40 cookie=$ck code=SUCCESS -> ret=8\n"
		"advance us=5\n"
		/* nothing waited for that group on the device */
		"expect stat ep0.prg_resp.unexpected == 1\n"                                  /* 19 */
		/* a group is delivered when its last request arrives */
		"pri 0000:03:00.0 addr=0x400000 access=r prg=6\n"
		"read 40 -> ret=0\n"
		"pri 0000:03:00.0 addr=0x401000 access=r prg=6 last=1\n"
		"read 40 len=80 -> ret=80 data.0.addr=0x400000 data.0.grpid=6 "
		"data.1.addr=0x401000 data.1.flags=LAST_PAGE\n");                              /* 23 */
	rt_clean(r);
	assert_int_equal(rt_stat(r, "drv.vtd.prq.requests"), 3);
	replay_destroy(r);

	rt_error(IOPF "pri 0000:03:00.0 addr=0 access=r prg=512\n", -ERANGE,
		 "t.stream:14:38: pri: prg is a page request group index, 0..511");
	rt_error(IOPF "pri 0000:03:00.0 addr=0 prg=1\n", -ENOENT, "pri: missing access=r|w|rw");
}

/* ---- traffic ---------------------------------------------------------------------------------------- */

static void t_traffic(void **state)
{
	iommusim_error_t err;
	(void)state;
	replay_t *r = rt_run(HDR ATTACH
		"ioctl 3 IOMMU_IOAS_MAP flags=FIXED_IOVA|READABLE|WRITEABLE ioas_id=$ioas "
		"user_va=0x7f0000000000 length=0x10000 iova=0x100000\n"                       /* 13 */
		"traffic 0000:04:00.0 pattern=seq base=0x100000 span=64K size=4K count=32 write=1\n"
		"expect mem user_va=0x7f0000003000 pattern=seq len=0x1000\n"                   /* 15 */
		"traffic 0000:04:00.0 pattern=seq base=0x800000 span=16K size=4K count=4 name=bad\n"
		"expect fault reason=0x71 count=4 dev=0000:04:00.0\n"                          /* 17 */
		"traffic 0000:04:00.0 pattern=nic queues=2 ring=4 pkt=1500 buf=2K count=8 "
		"base=0x40000000 fd=3 ioas=$ioas uva=0x7f1000000000\n");                       /* 18 */
	rt_clean(r);
	/* 32 DMAs of 4 KiB, all landed */
	assert_int_equal(rt_stat(r, "traffic.seq.ops"), 32);
	assert_int_equal(rt_stat(r, "traffic.seq.dma"), 32);
	assert_int_equal(rt_stat(r, "traffic.seq.bytes"), 32 * 4096);
	assert_int_equal(rt_stat(r, "traffic.seq.faults"), 0);
	assert_int_equal(rt_stat(r, "traffic.seq.latency.count"), 32);
	assert_true(rt_stat(r, "traffic.seq.throughput_mbps") > 0);
	/* nothing mapped there */
	assert_int_equal(rt_stat(r, "traffic.bad.faults"), 4);
	assert_int_equal(rt_stat(r, "traffic.bad.bytes"), 0);
	/* per packet a map, a 1500-byte write, an unmap */
	assert_int_equal(rt_stat(r, "traffic.nic.ops"), 24);
	assert_int_equal(rt_stat(r, "traffic.nic.maps"), 8);
	assert_int_equal(rt_stat(r, "traffic.nic.unmaps"), 8);
	assert_int_equal(rt_stat(r, "traffic.nic.bytes"), 8 * 1500);
	assert_int_equal(rt_stat(r, "traffic.nic.map_errors"), 0);
	assert_int_equal(rt_stat(r, "ep1.dma"), 32 + 4 + 8);

	/* paced at 1000 DMAs per second: the fourth starts 3 ms after the first */
	iommusim_time_t t0 = replay_now(r);
	assert_int_equal(rt_line(r, "traffic 0000:04:00.0 pattern=seq base=0x100000 span=16K "
				    "size=1K count=4 rate=1000op/s name=paced", 19, &err), 0);
	double tp = rt_stat(r, "traffic.paced.time_ps");
	assert_true(tp >= 3e9 && tp < 3.1e9);
	assert_true(replay_now(r) - t0 >= 3000000000ull);
	/* the same name adds up */
	assert_int_equal(rt_line(r, "traffic 0000:04:00.0 pattern=seq base=0x100000 span=16K "
				    "size=1K count=2 name=paced", 20, &err), 0);
	assert_int_equal(rt_stat(r, "traffic.paced.dma"), 6);
	/* a map over an existing mapping fails: counted, and reported once */
	assert_int_equal(rt_line(r, "ioctl 3 IOMMU_IOAS_MAP flags=FIXED_IOVA|READABLE "
				    "ioas_id=$ioas user_va=0x7f2000000000 length=0x1000 "
				    "iova=0x50000000", 21, &err), 0);
	assert_int_equal(rt_line(r, "traffic 0000:04:00.0 pattern=nic pkt=64 buf=2K count=2 "
				    "ring=1 base=0x50000000 fd=3 ioas=$ioas uva=0x7f1000000000 "
				    "name=clash", 22, &err), 0);
	assert_int_equal(rt_stat(r, "traffic.clash.map_errors"), 1);
	assert_int_equal(replay_mismatch_count(r), 1);
	rt_mismatch(r, 0, 22, "traffic", "map", "success", "EEXIST");
	replay_destroy(r);

	rt_error(SETUP "traffic 0000:04:00.0 pattern=nic count=1\n", -EINVAL,
		 "traffic: pattern=nic maps its buffers: give the iommufd fd= and the IOAS ioas=");
	rt_error(SETUP "traffic 0000:04:00.0 pattern=seq count=1 fd=3\n", -EINVAL,
		 "traffic: pattern=seq maps nothing");
	rt_error(SETUP "traffic 0000:04:00.0 pattern=seq sizee=4K\n", -EINVAL, "sizee");
	rt_error(SETUP "traffic 0000:04:00.0 pattern=seq count=1G\n", -E2BIG,
		 "one line runs at most 4194304");
	rt_error(SETUP "traffic 0000:04:00.0 pattern=nic count=1 fd=9 ioas=1\n", -EBADF,
		 "traffic: fd= is not an open iommufd");
}

/* The nic pattern with receive-descriptor and completion rings. 2 queues x 4 slots,
 * desc=16, cqe=64: a queue's descriptor ring is 4 x 16 = 64 bytes and its completion ring
 * 4 x 64 = 256 bytes, each rounded up to 4 KiB, so 8 KiB per queue and a 16 KiB ring area.
 * The windows are 2 x 4 x 4 KiB = 32 KiB from 0x60000000, so the area starts at
 * round_up(0x60008000, 2M) = 0x60200000, and its user memory at
 * round_up(0x7f3000008000, 2M) = 0x7f3000200000. Queue 0's completion ring is 4 KiB into
 * it; packet 0 (queue 0, slot 0) writes its 64-byte completion there. */
static void t_traffic_rings(void **state)
{
	(void)state;
	replay_t *r = rt_run(HDR ATTACH
		"traffic 0000:04:00.0 pattern=nic queues=2 ring=4 pkt=1500 buf=2K desc=16 cqe=64 "
		"count=8 base=0x60000000 fd=3 ioas=$ioas uva=0x7f3000000000 name=rx\n"      /* 13 */
		"expect mem user_va=0x7f3000201000 pattern=seq len=64\n"                     /* 14 */
		/* the area was unmapped after the last packet */
		"dma 0000:04:00.0 read iova=0x60200000 len=16 expect=fault\n");              /* 15 */
	rt_clean(r);
	/* per packet: map, descriptor read, packet write, completion write, unmap (5 x 8);
	 * the area's map and unmap once */
	assert_int_equal(rt_stat(r, "traffic.rx.ops"), 8 * 5 + 2);
	assert_int_equal(rt_stat(r, "traffic.rx.dma"), 8 * 3);
	assert_int_equal(rt_stat(r, "traffic.rx.desc_reads"), 8);
	assert_int_equal(rt_stat(r, "traffic.rx.cqe_writes"), 8);
	assert_int_equal(rt_stat(r, "traffic.rx.maps"), 8 + 1);
	assert_int_equal(rt_stat(r, "traffic.rx.unmaps"), 8 + 1);
	assert_int_equal(rt_stat(r, "traffic.rx.map_errors"), 0);
	/* the rings were mapped: no access faulted */
	assert_int_equal(rt_stat(r, "traffic.rx.faults"), 0);
	assert_int_equal(rt_stat(r, "traffic.rx.pending"), 0);
	/* bytes and the latency histogram are the packets' only */
	assert_int_equal(rt_stat(r, "traffic.rx.bytes"), 8 * 1500);
	assert_int_equal(rt_stat(r, "traffic.rx.latency.count"), 8);
	/* the endpoint saw every DMA: 24 of the traffic and the stream's own read */
	assert_int_equal(rt_stat(r, "ep1.dma"), 8 * 3 + 1);
	replay_destroy(r);

	/* a ring area on top of the windows (2 queues x a 4 KiB descriptor ring = 8 KiB from
	 * 0x60004000): the line's error names rings= */
	rt_error(SETUP "traffic 0000:04:00.0 pattern=nic queues=2 ring=4 desc=16 count=1 "
		 "base=0x60000000 rings=0x60004000 fd=3 ioas=$ioas\n", -EINVAL,
		 "rings=0x60004000: the ring area 0x60004000..0x60005fff (8K) overlaps the "
		 "queues' buffer windows 0x60000000..0x60007fff");
	rt_error(SETUP "traffic 0000:04:00.0 pattern=seq desc=16 count=1\n", -EINVAL,
		 "key 'desc' is not used by pattern=seq");
}

/* ---- the request stream set per device -------------------------------------------------- */

/* Device 3 streams with mps=512: one 4 KiB write is 8 TLPs, each its own translation (the
 * first misses, 7 hit); device 4 keeps the chunk engine: one translation, no TLP counted. */
static void t_device_stream_keys(void **state)
{
	(void)state;
	replay_t *r = rt_run("iommusim-stream 1\n"
		"system arch=vtd\n"
		"device 0000:03:00.0 posted=1 mps=512 link_gbps=128\n"
		"device 0000:04:00.0\n"
		"open /dev/iommu -> fd=3\n"
		"open /dev/vfio/devices/vfio0 -> fd=4\n"
		"open /dev/vfio/devices/vfio1 -> fd=5\n"
		"ioctl 4 VFIO_DEVICE_BIND_IOMMUFD iommufd=3 -> out_devid=$dev\n"
		"ioctl 5 VFIO_DEVICE_BIND_IOMMUFD iommufd=3 -> out_devid=$dev2\n"
		"ioctl 3 IOMMU_IOAS_ALLOC -> out_ioas_id=$ioas\n"
		ATTACH MAPS
		"dma 0000:03:00.0 write iova=0x200000 len=0x1000 pattern=seq expect=ok\n"
		"dma 0000:04:00.0 write iova=0x201000 len=0x1000 pattern=seq expect=ok\n"
		"expect mem user_va=0x7f0000200000 pattern=seq len=0x1000\n"
		"expect mem user_va=0x7f0000201000 pattern=seq len=0x1000\n");
	rt_clean(r);
	assert_int_equal(rt_stat(r, "ep0.stream.tlps"), 8);
	assert_int_equal(rt_stat(r, "ep0.stream.bytes"), 4096);
	assert_int_equal(rt_stat(r, "ep0.req.untranslated"), 8);
	assert_int_equal(rt_stat(r, "ep1.stream.tlps"), 0);
	assert_int_equal(rt_stat(r, "ep1.req.untranslated"), 1);
	replay_destroy(r);

	rt_error("iommusim-stream 1\nsystem arch=vtd\ndevice 0000:03:00.0 mps=384\n", -EINVAL,
		 "mps=384 is not a power of two");
	rt_error("iommusim-stream 1\nsystem arch=vtd\ndevice 0000:03:00.0 mps=8192\n", -ERANGE,
		 "mps");
	rt_error("iommusim-stream 1\nsystem arch=vtd\ndevice 0000:03:00.0 posted=2\n", -EINVAL,
		 "posted");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_dma_bytes),
		cmocka_unit_test(t_ats),
		cmocka_unit_test(t_expect_xlate),
		cmocka_unit_test(t_pri),
		cmocka_unit_test(t_traffic),
		cmocka_unit_test(t_traffic_rings),
		cmocka_unit_test(t_device_stream_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
