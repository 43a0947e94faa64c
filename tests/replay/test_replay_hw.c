/* SPDX-License-Identifier: MIT */
/*
 * Hardware-level scenario lines: a system without a driver (driver=none) programmed by hand
 * through mmio and pa= memory writes as QEMU's qtest would -- a legacy-mode root table,
 * context entry and 4-level second-level table written byte by byte from the VT-d
 * specification's layouts (9.1, 9.3, 9.8) -- with hwdma and expect xlate through it and its
 * fault recording registers read by expect fault; more IOMMUs with `iommu` lines, each with
 * its own parameters; and `wait idle` for ATS invalidations answered late or never and for
 * a page request still on its way into the page request queue.
 */
#include "tests/support/test.h"

#include "tests/replay/replay_helpers.h"

/* Root entry of bus 3 -> context table at 0x11000; context entry 3:00.0: present, TT = 0
 * (second level), SLPTPTR 0x12000, AW = 2 (48 bits, 4 levels), DID 1; then PML4, PDPT, PD
 * and PT entries (R|W) down to iova 0x1000 -> pa 0x50000. Entries are little-endian. */
#define LEGACY_TABLES \
	"mem write pa=0x10030 data=01:10:01:00:00:00:00:00\n"                            /* 4 */ \
	"mem write pa=0x11000 data=01:20:01:00:00:00:00:00:02:01:00:00:00:00:00:00\n"    /* 5 */ \
	"mem write pa=0x12000 data=03:30:01:00:00:00:00:00\n"                            /* 6 */ \
	"mem write pa=0x13000 data=03:40:01:00:00:00:00:00\n"                            /* 7 */ \
	"mem write pa=0x14000 data=03:50:01:00:00:00:00:00\n"                            /* 8 */ \
	"mem write pa=0x15008 data=03:00:05:00:00:00:00:00\n"                            /* 9 */
/* RTADDR = 0x10000 (TTM legacy), GCMD.SRTP, then GCMD.TE (VT-d 10.4.4, 10.4.6). */
#define ENABLE \
	"mmio write 0x20 0x10000 size=8\n"                                              /* 10 */ \
	"mmio write 0x18 0x40000000\n"                                                  /* 11 */ \
	"advance us=1\n"                                                                /* 12 */ \
	"mmio read 0x1c expect=0x40000000 mask=0x40000000\n"                            /* 13 */ \
	"mmio write 0x18 0x80000000\n"                                                  /* 14 */ \
	"advance us=1\n"                                                                /* 15 */ \
	"mmio read 0x1c expect=0x80000000 mask=0x80000000\n"                            /* 16 */

static void t_hand_programmed(void **state)
{
	(void)state;
	replay_t *r = rt_run("iommusim-stream 1\n"
		"system arch=vtd driver=none\n"
		"device 0000:03:00.0\n"
		LEGACY_TABLES ENABLE
		"hwdma 0000:03:00.0 write iova=0x1000 len=16 fill=0x5a expect=ok\n"         /* 17 */
		"expect mem pa=0x50000 len=16 fill=0x5a\n"
		"hwdma 0000:03:00.0 read iova=0x1008 len=8 expect=ok expect_fill=0x5a\n"
		/* PT entry 2 is not present: legacy reason 6, read of a page without R */
		"hwdma 0000:03:00.0 read iova=0x2000 len=8 expect=fault reason=0x6\n"       /* 20 */
		"mmio read 0x34 expect=0x2 mask=0x2\n"                         /* FSTS.PPF */
		"expect fault reason=0x6 addr=0x2000 dev=0000:03:00.0\n"                    /* 22 */
		"mmio read 0x34 expect=0 mask=0x2\n"                  /* the record was cleared */
		"expect nofault\n"
		"expect xlate 0000:03:00.0 iova=0x1234 -> status=ok addr=0x50234 perm=rw "
		"size=0x1000\n"                                                              /* 25 */
		/* the device's own DMA engine goes through the same tables */
		"dma 0000:03:00.0 read iova=0x1000 len=4 expect=ok expect_fill=0x5a\n"
		"mmio read 0x1c expect=0x40000000\n");                                       /* 27 */
	assert_non_null(replay_system(r));
	assert_null(replay_ifd(r));
	/* GSTS has TES and RTPS set: 0xc0000000, not 0x40000000 */
	assert_int_equal(replay_mismatch_count(r), 1);
	rt_mismatch(r, 0, 27, "mmio read", "0x1c", "0x40000000", "0xc0000000");
	assert_int_equal(rt_stat(r, "vtd.req.untranslated"), 5);
	replay_destroy(r);

	/* CAP.FRO = 0x22 (fault recording registers from 0x220), CAP bits 33:24 */
	r = rt_run("iommusim-stream 1\nsystem arch=vtd driver=none\n"
		   "mmio read 0x8 size=8 expect=0x22000000 mask=0x3ff000000\n"
		   "mmio read 0x8 size=8 expect=0x21000000 mask=0x3ff000000\n");              /* 4 */
	rt_mismatch(r, 0, 4, "mmio read", "0x8", "0x21000000", "0x22000000");
	assert_non_null(strstr(replay_mismatch_at(r, 0)->note, "mask 0x3ff000000"));
	replay_destroy(r);

	/* translation off: requests use their own addresses */
	r = rt_run("iommusim-stream 1\nsystem arch=vtd driver=none\ndevice 0000:03:00.0\n"
		   "hwdma 0000:03:00.0 write iova=0x7000 len=4 data=01:02:03:04 expect=ok\n"
		   "expect mem pa=0x7000 data=01:02:03:04\n");
	rt_clean(r);
	replay_destroy(r);
}

static void t_no_driver_refusals(void **state)
{
	(void)state;
#define BARE "iommusim-stream 1\nsystem arch=vtd driver=none\ndevice 0000:03:00.0\n"
	rt_error(BARE "open /dev/iommu -> fd=3\n", -EINVAL,
		 "t.stream:4:1: 'open' needs the host's process and drivers, and this system has "
		 "none (driver=none)");
	rt_error(BARE "ioctl 3 IOMMU_IOAS_ALLOC\n", -EINVAL, "'ioctl' needs the host's process");
	rt_error(BARE "mem write user_va=0x1000 fill=0 len=4\n", -EINVAL,
		 "t.stream:4:19: mem write: user_va= is process memory, and a system with "
		 "driver=none has no process: use pa=");
	rt_error(BARE "traffic 0000:03:00.0 pattern=nic count=1 fd=3 ioas=1\n", -EINVAL,
		 "maps through iommufd, and a system with driver=none has none");
	rt_error("iommusim-stream 1\nsystem arch=vtd driver=none\ndevice 0000:03:00.0 group=4\n",
		 -EINVAL, "t.stream:3:27: device: group= describes the host's topology");
	rt_error(BARE "device 03:00.0\n", -EEXIST, "device: 0000:03:00.0 is already there");
	rt_error("iommusim-stream 1\nsystem arch=vtd driver=vtdx\n", -EINVAL,
		 "system: driver= is 'none'");
#undef BARE
}

static void t_mmio_errors(void **state)
{
	(void)state;
#define SYS "iommusim-stream 1\nsystem arch=vtd driver=none\n"
	rt_error(SYS "mmio read 0x6 size=4\n", -EINVAL,
		 "t.stream:3:11: mmio: offset 0x6 is not aligned to the 4-byte access");
	rt_error(SYS "mmio write 0x18 0x100000000\n", -ERANGE,
		 "mmio: 0x100000000 does not fit a 4-byte access (give size=8)");
	rt_error(SYS "mmio read 0x8 size=2\n", -EINVAL, "mmio: size is 4 or 8");
	rt_error(SYS "mmio write 0x18 1 expect=1\n", -EINVAL,
		 "t.stream:3:19: mmio: unknown key 'expect' (valid: iommu, size)");
	rt_error(SYS "mmio read 0x18 mask=1\n", -EINVAL, "mmio read: mask= goes with expect=");
	rt_error(SYS "mmio write 0x18\n", -EINVAL, "'mmio write' needs 2 positional values");
	rt_error(SYS "mmio read 0x8 iommu=2\n", -EINVAL,
		 "t.stream:3:21: iommu=2: the system has 1 IOMMU: 0 (vtd)");
	rt_error(SYS "mmio peek 0x8\n", -EINVAL, "unknown 'mmio peek' (known: mmio write, read)");
#undef SYS
}

/* ---- more IOMMUs --------------------------------------------------------------------------------- */

static void t_iommu_lines(void **state)
{
	(void)state;
	/* IOMMU 1 flushes lazily: its device keeps the old translation until the flush
	 * queue is flushed; IOMMU 0 flushes strictly. */
	replay_t *r = rt_run("iommusim-stream 1\n"
		"system arch=vtd drv.vtd.flush=strict\n"
		"iommu vtd1 drv.vtd.flush=deferred drv.vtd.fq_timeout_ns=1000000\n"            /* 3 */
		"device 0000:03:00.0\n"
		"device 0000:80:00.0 iommu=1\n"                                                /* 5 */
		"open /dev/iommu -> fd=3\n"
		"open /dev/vfio/devices/vfio0 -> fd=4\n"
		"open /dev/vfio/devices/vfio1 -> fd=5\n"
		"ioctl 4 VFIO_DEVICE_BIND_IOMMUFD iommufd=3 -> out_devid=$d0\n"
		"ioctl 5 VFIO_DEVICE_BIND_IOMMUFD iommufd=3 -> out_devid=$d1\n"               /* 10 */
		"ioctl 3 IOMMU_IOAS_ALLOC -> out_ioas_id=$ioas\n"
		"ioctl 4 VFIO_DEVICE_ATTACH_IOMMUFD_PT pt_id=$ioas\n"
		"ioctl 5 VFIO_DEVICE_ATTACH_IOMMUFD_PT pt_id=$ioas\n"
		"ioctl 3 IOMMU_IOAS_MAP flags=FIXED_IOVA|READABLE|WRITEABLE ioas_id=$ioas "
		"user_va=0x7f0000000000 length=0x1000 iova=0x100000\n"
		"dma 0000:03:00.0 write iova=0x100000 len=8 fill=1 expect=ok\n"               /* 15 */
		"dma 0000:80:00.0 write iova=0x100000 len=8 fill=2 expect=ok\n"
		"ioctl 3 IOMMU_IOAS_UNMAP ioas_id=$ioas iova=0x100000 length=0x1000\n"
		"dma 0000:03:00.0 write iova=0x100000 len=8 fill=3 expect=fault reason=0x71\n"
		"dma 0000:80:00.0 write iova=0x100000 len=8 fill=4 expect=ok\n"               /* 19 */
		"advance ms=2\n"
		"dma 0000:80:00.0 write iova=0x100000 len=8 fill=5 expect=fault reason=0x71\n"
		"expect fault reason=0x71 iommu=1 count=1\n"                                   /* 22 */
		"expect fault reason=0x71 dev=0000:03:00.0 count=1\n"
		"expect nofault\n");
	rt_clean(r);
	assert_int_equal(iommusim_system_iommu_count(replay_system(r)), 2);
	/* each its own statistics, named by the line */
	assert_true(rt_stat(r, "drv.vtd1.flush.deferred") >= 1);
	assert_int_equal(rt_stat(r, "drv.vtd1.flush.strict"), 0);
	assert_true(rt_stat(r, "drv.vtd.flush.strict") >= 1);
	assert_true(rt_stat(r, "vtd1.req.untranslated") >= 3);
	replay_destroy(r);

	/* without a driver: hardware only, reachable through mmio iommu=1 */
	r = rt_run("iommusim-stream 1\nsystem arch=vtd driver=none\n"
		   "iommu hw1 vtd.nd=4\n"
		   "mmio read 0x8 iommu=1 size=8 expect=4 mask=7\n"          /* CAP.ND (10.4.2) */
		   "mmio read 0x8 size=8 expect=4 mask=7\n");                                 /* 5 */
	assert_int_equal(replay_mismatch_count(r), 1);
	assert_int_equal(replay_mismatch_at(r, 0)->line, 5);
	replay_destroy(r);

#define SYS "iommusim-stream 1\nsystem arch=vtd\n"
	rt_error(SYS "iommu vtd\n", -EEXIST, "t.stream:3:7: iommu: IOMMU 0 is already named 'vtd'");
	rt_error(SYS "iommu x mem.read_latency_ns=1\n", -EINVAL,
		 "t.stream:3:9: iommu: 'mem.read_latency_ns' is not a parameter of the IOMMU "
		 "(vtd.* or drv.vtd.*); set it on the system line");
	rt_error(SYS "iommu x colour=1\n", -EINVAL, "iommu: unknown key 'colour'");
	rt_error(SYS "iommu x arch=smmu\n", -EINVAL, "iommu: unknown arch 'smmu'");
	rt_error(SYS "iommu a.b\n", -EINVAL, "iommu: name 'a.b' must be a statistics prefix");
	rt_error(SYS "iommu x vtd.iotlb.sets=3\n", -EINVAL, "t.stream:3:9: iommu:");
	rt_error(SYS "device 0000:03:00.0 iommu=1\n", -EINVAL,
		 "device: iommu=1 but the system has 1 IOMMU");
	rt_error("iommusim-stream 1\niommu x\n", -EINVAL, "'iommu' needs the system");
#undef SYS
}

/* ---- wait idle --------------------------------------------------------------------------------- */

#define WAIT_HDR(dev) "iommusim-stream 1\n" \
	"system arch=vtd drv.vtd.qi.timeout_ns=10000\n"                                  \
	"device 0000:03:00.0 ats=1 " dev "\n"                                            \
	"open /dev/iommu -> fd=3\n"                                                      \
	"open /dev/vfio/devices/vfio0 -> fd=4\n"                                         \
	"ioctl 4 VFIO_DEVICE_BIND_IOMMUFD iommufd=3 -> out_devid=$dev\n"                 \
	"ioctl 3 IOMMU_IOAS_ALLOC -> out_ioas_id=$ioas\n"                                \
	"ioctl 4 VFIO_DEVICE_ATTACH_IOMMUFD_PT pt_id=$ioas\n"                      /* 8 */ \
	"ioctl 3 IOMMU_IOAS_MAP flags=FIXED_IOVA|READABLE|WRITEABLE ioas_id=$ioas "     \
	"user_va=0x7f0000000000 length=0x1000 iova=0x100000\n"                     /* 9 */ \
	"dma 0000:03:00.0 read iova=0x100000 len=8 expect=ok\n"                   /* 10 */

static iommusim_endpoint_t *ep(replay_t *r)
{
	return iommusim_system_endpoint(replay_system(r), 0, 0x0300);
}

static void t_wait_idle(void **state)
{
	iommusim_error_t err;
	(void)state;

	/* a device that answers the unmap's ATS invalidation 100 us late, after the driver
	 * gave up waiting (10 us): the wait ends when the answer arrives */
	replay_t *r = rt_run(WAIT_HDR("inval_delay_ns=100000") "wait idle\n");
	assert_int_equal(rt_line(r, "ioctl 3 IOMMU_IOAS_UNMAP ioas_id=$ioas iova=0x100000 "
				    "length=0x1000", 12, &err), 0);
	assert_int_equal(iommusim_endpoint_inval_pending(ep(r)), 1);
	iommusim_time_t t0 = replay_now(r);
	assert_int_equal(rt_line(r, "wait idle dev=0000:03:00.0", 13, &err), 0);
	iommusim_time_t waited = replay_now(r) - t0;
	assert_true(waited > 50 * IOMMUSIM_PS_PER_US && waited <= 101 * IOMMUSIM_PS_PER_US);
	assert_int_equal(iommusim_endpoint_inval_pending(ep(r)), 0);
	/* nothing left: no time passes */
	t0 = replay_now(r);
	assert_int_equal(rt_line(r, "wait idle iommu=0", 14, &err), 0);
	assert_int_equal(replay_now(r), t0);
	rt_clean(r);
	replay_destroy(r);

	/* a device that never answers: reported after the time-out, with what is busy */
	r = rt_run(WAIT_HDR("inval_never=1")
		   "ioctl 3 IOMMU_IOAS_UNMAP ioas_id=$ioas iova=0x100000 length=0x1000\n");
	t0 = replay_now(r);
	assert_int_equal(rt_line(r, "wait idle timeout_ns=5000", 12, &err), 0);
	assert_int_equal(replay_now(r) - t0, 5000 * IOMMUSIM_PS_PER_NS);
	size_t n = replay_mismatch_count(r);
	assert_true(n >= 1);
	rt_mismatch(r, n - 1, 12, "wait idle", "idle", "idle within 5000 ns", "busy after 5000 ns");
	const char *note = replay_mismatch_at(r, n - 1)->note;
	assert_non_null(strstr(note, "0000:03:00.0: "));
	assert_non_null(strstr(note, "unanswered"));
	assert_true(rt_stat(r, "drv.vtd.qi.timeouts") >= 1);
	replay_destroy(r);

	rt_error(WAIT_HDR("") "wait idle timeout_ns=3600000000001\n", -ERANGE,
		 "wait idle: timeout_ns=3600000000001 is above one simulated hour");
	rt_error(WAIT_HDR("") "wait idle dev=0000:07:00.0\n", -ENOENT, "no device 0000:07:00.0");
	rt_error(WAIT_HDR("") "wait busy\n", -EINVAL, "unknown 'wait busy' (known: wait idle)");
}

/* A page request sent on a system without a driver is on its way for a while: one link
 * latency to the IOMMU, then the queue writer formats the descriptor and writes it to
 * memory; only when that write completes does PQT cover it and PRS.PPR get set (VT-d
 * 7.5.1). Until then no register shows it, and `wait idle` must still wait for it. The
 * scalable-mode tables below: root entry of bus 3 -> context table 0x100001000, context entry
 * 3:00.0 with P and PRE (bits 0 and 4) and PASID directory 0x100002000; RTADDR has TTM = 01
 * (scalable, bit 10); the page request queue is one 4 KiB page at 0x100003000 (PQS = 0). */
#define PRQ_HDR(params, link) "iommusim-stream 1\n"                                   \
	"system arch=vtd driver=none " params "\n"                                      \
	"device 0000:03:00.0 ats=1 pri=1 link_latency_ns=" link "\n"                    \
	"mem write pa=0x100000000 fill=0 len=0x5000\n"                                  \
	"mem write pa=0x100000030 data=01:10:00:00:01:00:00:00\n"                       \
	"mem write pa=0x100001000 data=11:20:00:00:01:00:00:00\n"                       \
	"mmio write 0x20 0x100000400 size=8\n"                                          \
	"mmio write 0x18 0x40000000\n"                                                  \
	"mmio write 0x18 0x80000000\n"                                                  \
	"mmio write 0xd0 0x100003000 size=8\n"                                   /* 10 */

static uint64_t reg(replay_t *r, uint64_t off, unsigned size)
{
	iommusim_model_t *m = iommusim_system_iommu(replay_system(r), 0);
	uint64_t v = 0;
	assert_int_equal(m->ops->mmio_read(m->impl, off, size, &v, replay_now(r)), 0);
	return v;
}

static unsigned msgs_in_flight(replay_t *r)
{
	iommusim_model_t *m = iommusim_system_iommu(replay_system(r), 0);
	return m->ops->msgs_in_flight(m->impl);
}

static void t_wait_idle_page_request(void **state)
{
	iommusim_error_t err;
	(void)state;

	/* IOMMU clock 500 MHz (2 ns a cycle); the descriptor takes 30 cycles to format, then
	 * one 250 ns memory write; the link takes 400 ns */
	replay_t *r = rt_run(PRQ_HDR("vtd.clock_mhz=500 vtd.prq.write_cycles=30 "
				     "mem.write_latency_ns=250", "400"));
	iommusim_time_t t0 = replay_now(r);
	assert_int_equal(rt_line(r, "pri 0000:03:00.0 addr=0x5000 access=r prg=7 last=1", 11,
				 &err), 0);
	/* pri returns when the request reaches the IOMMU: t0 + 400 ns, nothing in the queue */
	assert_int_equal(replay_now(r) - t0, 400 * IOMMUSIM_PS_PER_NS);
	assert_int_equal(msgs_in_flight(r), 1);
	assert_int_equal(reg(r, 0xc8, 8), 0);                             /* PQT */
	assert_int_equal(reg(r, 0xdc, 4), 0);                             /* PRS */

	assert_int_equal(rt_line(r, "wait idle", 12, &err), 0);
	/* lands at t0 + 400 ns (link) + 30 x 2 ns (formatting) + 250 ns (write) = t0 + 710 ns */
	assert_int_equal(replay_now(r) - t0, 710 * IOMMUSIM_PS_PER_NS);
	assert_int_equal(msgs_in_flight(r), 0);
	assert_int_equal(reg(r, 0xc8, 8), 0x20);           /* PQT: one 32-byte descriptor */
	assert_int_equal(reg(r, 0xdc, 4), 0x1);            /* PRS.PPR */
	/* page request descriptor (7.5.1.1): type 1, RID 0x0300 at bit 16; address 0x5000,
	 * PRGI 7 at bit 3, LPIG (bit 2) and RD (bit 0): 0x5000 | 0x38 | 0x4 | 0x1 = 0x503d */
	assert_int_equal(rt_line(r, "expect mem pa=0x100003000 "
				    "data=01:00:00:03:00:00:00:00:3d:50:00:00:00:00:00:00", 13,
				 &err), 0);
	/* nothing left: no time passes */
	t0 = replay_now(r);
	assert_int_equal(rt_line(r, "wait idle iommu=0", 14, &err), 0);
	assert_int_equal(replay_now(r), t0);
	rt_clean(r);
	replay_destroy(r);

	/* still on its way when the time-out ends it: the line names what is busy. Default
	 * timing: 225 ns link, 8 cycles at 1 GHz, a 100 ns write: lands 108 ns after pri
	 * returns, past a 100 ns time-out. */
	r = rt_run(PRQ_HDR("", "225") "pri 0000:03:00.0 addr=0x5000 access=r prg=7 last=1\n");
	t0 = replay_now(r);
	assert_int_equal(rt_line(r, "wait idle timeout_ns=100", 12, &err), 0);
	assert_int_equal(replay_now(r) - t0, 100 * IOMMUSIM_PS_PER_NS);
	assert_int_equal(replay_mismatch_count(r), 1);
	rt_mismatch(r, 0, 12, "wait idle", "idle", "idle within 100 ns", "busy after 100 ns");
	assert_non_null(strstr(replay_mismatch_at(r, 0)->note,
			       "vtd: 1 device message on the way in"));
	assert_int_equal(reg(r, 0xc8, 8), 0);
	/* 8 ns later it is in */
	assert_int_equal(rt_line(r, "wait idle", 13, &err), 0);
	assert_int_equal(replay_now(r) - t0, 108 * IOMMUSIM_PS_PER_NS);
	assert_int_equal(reg(r, 0xc8, 8), 0x20);
	replay_destroy(r);
}

/* ---- static checks (no system built: what `iommusim trace check` does) -------------------------- */

static int check(const char *text, iommusim_error_t *err)
{
	stream_line_t l;
	stream_line_init(&l);
	assert_int_equal(stream_parse_line(text, strlen(text), "c.stream", 5, &l, err), 0);
	int rc = replay_check_line(&l, err);
	stream_line_free(&l);
	return rc;
}

static void t_static_checks(void **state)
{
	static const char *const good[] = {
		"system arch=vtd driver=none",
		"iommu vtd1 vtd.iotlb.sets=8 drv.vtd.flush=deferred mode=legacy",
		"dma 0000:03:00.0 read iova=$v len=8 expect_data=01:02 expect=ok",
		"hwdma 0000:03:00.0 write iova=0x1000 len=4 pattern=seq expect=mem_error",
		"translated 0000:03:00.0 read addr=$pa len=4 expect=fault reason=0x44",
		"ats 0000:03:00.0 iova=0 pasid=3 access=rw -> status=ok perm=rx size=$s addr=$a",
		"expect xlate 0000:03:00.0 iova=0 -> status=page_request reason=0x71",
		"pri 0000:03:00.0 addr=0x1000 access=w prg=511 last=1",
		"traffic 0000:03:00.0 pattern=zipf theta=0.99 pages=64 count=10 name=z",
		"traffic 0000:03:00.0 pattern=storage block=8K span=1M count=4 fd=3 ioas=$ioas",
		"mmio write 0x88 0x20 size=8 iommu=1",
		"mmio read 0x34 expect=$x mask=0x2",
		"wait idle iommu=1 dev=0000:03:00.0 timeout_ns=100",
		"expect fault reason=0x85 addr=0x1000 dev=03:00.0 pasid=1 count=0 iommu=0",
		"expect nofault iommu=2",
		"expect stat vtd.iotlb.miss \"<=\" 3",
		"expect stat traffic.z.latency.p99 \">\" 0.5",
	};
	static const struct { const char *line; const char *msg; } bad[] = {
		{ "system arch=vtd driver=maybe", "c.stream:5:24: system: driver= is 'none'" },
		{ "iommu x foo=1", "c.stream:5:9: iommu: unknown key 'foo'" },
		{ "dma 0000:03:00.0 read iova=0 len=4 expect_fill=0x100", "not a byte" },
		{ "hwdma 0000:03:00.0 read iova=0 len=4 expect=pri_failed", "hwdma: expect=" },
		{ "translated 0000:03:00.0 read iova=0 len=4", "translated: unknown key 'iova' (valid: addr," },
		{ "translated 0000:03:00.0 read len=4", "missing key 'addr'" },
		{ "ats 0000:03:00.0 -> status=ok", "missing key 'iova'" },
		{ "ats 0000:03:00.0 iova=0 -> perm=rr", "c.stream:5:33: 'rr' is not an access" },
		{ "expect xlate 0000:03:00.0 iova=0 access=none -> status=ok", "access= asks for" },
		{ "pri 0000:03:00.0 addr=0 access=rw prg=-1", "c.stream:5:39:" },
		{ "traffic 0000:03:00.0 pattern=zipf theta=11 count=1", "theta" },
		{ "traffic 0000:03:00.0 pattern=seq count=1 name=\"a b\"", "name= is a statistics prefix" },
		{ "mmio read 0x8 size=8 expect=1 mask=1 colour=1", "unknown key 'colour'" },
		{ "wait idle timeout_ns=abc", "timeout_ns" },
		{ "expect fault reason=0x71 dev=banana", "dev= is a device address" },
		{ "expect stat vtd.iotlb.miss \"!=\" 3", "the comparison is one of" },
		{ "expect stat $name \"==\" 3", "NAME is a statistic's dotted name" },
	};
	iommusim_error_t err;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (check(good[i], &err))
			fail_msg("'%s' refused: %s", good[i], err.msg);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (!check(bad[i].line, &err))
			fail_msg("'%s' accepted", bad[i].line);
		if (!strstr(err.msg, bad[i].msg))
			fail_msg("'%s': want '%s' in '%s'", bad[i].line, bad[i].msg, err.msg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_hand_programmed),
		cmocka_unit_test(t_no_driver_refusals),
		cmocka_unit_test(t_mmio_errors),
		cmocka_unit_test(t_iommu_lines),
		cmocka_unit_test(t_wait_idle),
		cmocka_unit_test(t_wait_idle_page_request),
		cmocka_unit_test(t_static_checks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
