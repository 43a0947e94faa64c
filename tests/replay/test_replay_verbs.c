/* SPDX-License-Identifier: MIT */
/*
 * Each built-in verb of the replay engine on in-memory streams: system (parameters, mode,
 * several IOMMUs, overrides), device (topology, groups, endpoints), open/close, memfd with
 * IOMMU_IOAS_MAP_FILE (fd translation inside arguments), ioctl payloads, the fault fd's
 * read and write (a whole I/O page fault round trip), mem write / expect mem, dma outcomes
 * and data, advance. Expected values are the kernel's and the specification's, written
 * out by hand.
 */
#include "tests/support/test.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/drivers/vtd/vtd_drv.h"
#include "host-shim/replay/replay.h"
#include "iommusim/stats.h"

#define HDR "iommusim-stream 1\n" \
	    "system arch=vtd\n"                                                   /* 2 */ \
	    "device 0000:03:00.0 ats=1 pri=1 pasid_bits=20\n"                     /* 3 */
#define BOUND \
	"open /dev/iommu -> fd=3\n"                                           /* 4 */ \
	"open /dev/vfio/devices/vfio0 -> fd=4\n"                              /* 5 */ \
	"ioctl 4 VFIO_DEVICE_BIND_IOMMUFD iommufd=3 -> out_devid=$dev\n"      /* 6 */ \
	"ioctl 3 IOMMU_IOAS_ALLOC -> out_ioas_id=$ioas\n"                     /* 7 */

static replay_t *run_opts(const char *text, const replay_opts_t *o, int *rc,
			  iommusim_error_t *err)
{
	replay_t *r = replay_create(o, err);
	assert_non_null(r);
	*rc = replay_run_memory(r, text, strlen(text), "t.stream", err);
	return r;
}

static replay_t *run_ok(const char *text)
{
	iommusim_error_t err;
	int rc;
	replay_t *r = run_opts(text, NULL, &rc, &err);
	if (rc)
		fail_msg("replay failed: %s", err.msg);
	return r;
}

static void expect_error(const char *text, int code, const char *msg)
{
	iommusim_error_t err;
	int rc;
	replay_t *r = run_opts(text, NULL, &rc, &err);

	if (rc != code || !strstr(err.msg, msg))
		fail_msg("want %d '%s', got %d '%s'", code, msg, rc, err.msg);
	replay_destroy(r);
}

/* One more line, numbered lineno. */
static int line(replay_t *r, const char *text, unsigned lineno, iommusim_error_t *err)
{
	stream_line_t l;
	stream_line_init(&l);
	assert_int_equal(stream_parse_line(text, strlen(text), "t.stream", lineno, &l, err), 0);
	int rc = replay_line(r, &l, err);
	stream_line_free(&l);
	return rc;
}

static double stat(replay_t *r, const char *name)
{
	double v = -1;
	iommusim_error_t err;
	if (iommusim_stats_get(iommusim_system_stats(replay_system(r)), name, &v, &err))
		fail_msg("%s", err.msg);
	return v;
}

static void assert_mismatch(replay_t *r, size_t i, unsigned lineno, const char *what,
			    const char *key, const char *expected, const char *got)
{
	const replay_mismatch_t *m = replay_mismatch_at(r, i);
	assert_non_null(m);
	assert_int_equal(m->line, lineno);
	assert_string_equal(m->what, what);
	assert_string_equal(m->key, key);
	assert_string_equal(m->expected, expected);
	assert_string_equal(m->got, got);
}

/* ---- system and device ------------------------------------------------------------------- */

static void t_system_params(void **state)
{
	(void)state;
	replay_t *r = run_ok("iommusim-stream 1\n"
			     "system arch=vtd vtd.iotlb.sets=8 mem.read_latency_ns=197 "
			     "drv.vtd.flush=strict\n");
	const iommusim_params_t *ps = replay_params(r);
	assert_int_equal(iommusim_params_u64(ps, "vtd.iotlb.sets"), 8);
	assert_int_equal(iommusim_params_u64(ps, "mem.read_latency_ns"), 197);
	assert_int_equal(iommusim_params_enum(ps, "drv.vtd.flush"), 0);    /* strict */
	assert_true(vtd_drv_scalable(ifd_sys_iommu(replay_ifd(r), 0)));
	/* one IOMMU: the model and its driver are "vtd" */
	assert_true(stat(r, "drv.vtd.qi.submits") > 0);
	replay_destroy(r);

	/* overrides from the caller win over the line */
	static const char *const over[] = { "mem.read_latency_ns=50", "drv.vtd.mode=legacy" };
	replay_opts_t o = { .params = over, .nparams = 2 };
	iommusim_error_t err;
	int rc;
	r = run_opts("iommusim-stream 1\nsystem arch=vtd mem.read_latency_ns=197 mode=scalable\n",
		     &o, &rc, &err);
	assert_int_equal(rc, 0);
	assert_int_equal(iommusim_params_u64(replay_params(r), "mem.read_latency_ns"), 50);
	assert_false(vtd_drv_scalable(ifd_sys_iommu(replay_ifd(r), 0)));
	replay_destroy(r);

	r = run_ok("iommusim-stream 1\nsystem arch=vtd mode=legacy\n");
	assert_false(vtd_drv_scalable(ifd_sys_iommu(replay_ifd(r), 0)));
	replay_destroy(r);
}

static void t_system_iommus(void **state)
{
	(void)state;
	replay_t *r = run_ok("iommusim-stream 1\n"
			     "system arch=vtd iommus=2\n"
			     "device 0000:03:00.0\n"
			     "device 0000:80:00.0 iommu=1 name=nic\n"
			     "open /dev/iommu -> fd=3\n"
			     "open /dev/vfio/devices/vfio1 -> fd=4\n"
			     "ioctl 4 VFIO_DEVICE_BIND_IOMMUFD iommufd=3 -> out_devid=$dev\n"
			     "ioctl 3 IOMMU_IOAS_ALLOC -> out_ioas_id=$ioas\n"
			     "ioctl 4 VFIO_DEVICE_ATTACH_IOMMUFD_PT pt_id=$ioas -> pt_id=$hwpt\n"
			     "ioctl 3 IOMMU_IOAS_MAP flags=FIXED_IOVA|READABLE|WRITEABLE "
			     "ioas_id=$ioas user_va=0x7f0000000000 length=0x1000 iova=0x1000\n"
			     "dma 0000:80:00.0 write iova=0x1000 len=8 fill=0x11 expect=ok\n"
			     "expect mem user_va=0x7f0000000000 len=8 fill=0x11\n");
	assert_int_equal(replay_mismatch_count(r), 0);
	pci_dev_t *d = pci_topo_dev(ifd_sys_topo(replay_ifd(r)), 1);
	assert_int_equal(d->iommu, 1);
	assert_int_equal(iommusim_system_iommu_count(replay_system(r)), 2);
	/* each instance its own statistics; the DMA went through the second */
	assert_true(stat(r, "drv.vtd0.qi.submits") > 0);
	assert_true(stat(r, "drv.vtd1.map.calls") >= 1);
	assert_true(stat(r, "drv.vtd0.map.calls") == 0);
	assert_true(stat(r, "nic.dma") == 1);
	replay_destroy(r);

	expect_error("iommusim-stream 1\nsystem arch=vtd\ndevice 0000:03:00.0 iommu=1\n", -EINVAL,
		     "t.stream:3:27: device: iommu=1 but the system has 1 IOMMU");
}

static void t_device(void **state)
{
	(void)state;
	replay_t *r = run_ok("iommusim-stream 1\n"
			     "system arch=vtd\n"
			     "device 0000:03:00.0 ats=1 pri=1 pasid_bits=16\n"
			     "device 0000:05:00.0 group=7\n"
			     "device 0000:05:00.1 group=7\n"
			     "open /dev/vfio/7 -> fd=3\n"
			     "ioctl 3 VFIO_GROUP_GET_STATUS -> flags=VIABLE\n");
	assert_int_equal(replay_mismatch_count(r), 0);
	pci_topo_t *t = ifd_sys_topo(replay_ifd(r));
	assert_int_equal(pci_topo_ndevs(t), 3);
	pci_dev_t *a = pci_topo_dev(t, 0), *b = pci_topo_dev(t, 1), *c = pci_topo_dev(t, 2);
	assert_true(a->ats && a->pri);
	assert_int_equal(a->pasid_bits, 16);
	assert_int_equal(a->rid, 0x0300);
	assert_false(b->ats || b->pri);
	assert_int_equal(b->pasid_bits, 0);
	assert_ptr_equal(b->group, c->group);
	assert_int_equal(b->group->id, 7);
	assert_ptr_not_equal(a->group, b->group);
	/* the endpoint answers for the function's requester ID behind IOMMU 0 */
	assert_non_null(iommusim_system_endpoint(replay_system(r), 0, 0x0501));
	assert_null(iommusim_system_endpoint(replay_system(r), 0, 0x0502));
	replay_destroy(r);

	expect_error("iommusim-stream 1\nsystem arch=vtd\ndevice 03:00.0\ndevice 0000:03:00.0\n",
		     -EEXIST, "t.stream:4:8: device: ");
	expect_error("iommusim-stream 1\nsystem arch=vtd\ndevice 0000:03:00.0 pasid_bits=21\n",
		     -ERANGE, "pasid_bits=21 is out of range 0..20");
}

/* ---- files -------------------------------------------------------------------------------- */

static void t_open_close(void **state)
{
	(void)state;
	replay_t *r = run_ok(HDR
			     "open /dev/vfio/99 -> errno=ENOENT\n"
			     "open /dev/nothing -> errno=ENOENT\n"
			     "open /dev/vfio/devices/vfio7 dev=0000:03:00.0 -> fd=9\n"
			     "ioctl 9 VFIO_DEVICE_GET_INFO -> errno=EINVAL\n"   /* not bound yet */
			     "open /dev/vfio/devices/vfio0 -> fd=10\n"
			     "close 9\n"
			     "close 9 -> errno=EBADF\n"
			     "close 10\n"
			     "open /dev/vfio/vfio -> errno=EBUSY\n");   /* 12: wrong, it opens */
	assert_int_equal(replay_mismatch_count(r), 1);
	assert_mismatch(r, 0, 12, "open", "errno", "EBUSY", "success");
	replay_destroy(r);

	expect_error(HDR "open /dev/vfio/devices/vfio0 dev=0000:09:00.0\n", -ENOENT,
		     "t.stream:4:34: open: no device 0000:09:00.0");
}

static void t_memfd_map_file(void **state)
{
	(void)state;
	/* the memfd's recorded number (30) is translated inside IOMMU_IOAS_MAP_FILE */
	replay_t *r = run_ok(HDR BOUND
			     "ioctl 4 VFIO_DEVICE_ATTACH_IOMMUFD_PT pt_id=$ioas -> pt_id=$hwpt\n"
			     "memfd size=0x3000 data=42:43 len=0x1000 offset=0x1000 -> fd=30\n"
			     "ioctl 3 IOMMU_IOAS_MAP_FILE flags=FIXED_IOVA|READABLE|WRITEABLE "
			     "ioas_id=$ioas fd=30 start=0 length=0x3000 iova=0x200000\n"
			     "dma 0000:03:00.0 read iova=0x201000 len=0x1000 data=42:43 expect=ok\n"
			     "dma 0000:03:00.0 read iova=0x200000 len=0x10 fill=0 expect=ok\n"
			     "ioctl 3 IOMMU_IOAS_MAP_FILE flags=FIXED_IOVA|READABLE ioas_id=$ioas "
			     "fd=31 start=0 length=0x1000 iova=0x400000 -> errno=EBADF\n");
	assert_int_equal(replay_mismatch_count(r), 0);
	replay_destroy(r);
	expect_error(HDR "memfd size=0x1000 fill=1 len=0x10 offset=0x1ff8\n", -EFAULT,
		     "memfd: writing 0x10 bytes at offset 0x1ff8");
}

static void t_ioctl_payloads(void **state)
{
	(void)state;
	replay_t *r = run_ok(HDR BOUND
			     /* 8: output payload read back from user memory */
			     "ioctl 3 IOMMU_GET_HW_INFO dev_id=$dev data_len=24 -> "
			     "out_data_type=INTEL_VTD data.flags=ERRATA_772415_SPR17 data.cap_reg=0x1\n"
			     /* 9: the line's own pointer: outside the 47-bit address space */
			     "ioctl 3 IOMMU_GET_HW_INFO dev_id=$dev data_len=24 "
			     "data_uptr=0xffff800000000000 -> errno=EFAULT\n"
			     /* 10: input array payload */
			     "ioctl 3 IOMMU_IOAS_ALLOW_IOVAS ioas_id=$ioas allowed_iovas.0.start=0x1000 "
			     "allowed_iovas.0.last=0x1fffff allowed_iovas.1.start=0x400000 "
			     "allowed_iovas.1.last=0x7fffff\n"
			     /* 11: FIXED_IOVA may lie outside the allowed list (it only steers
			      * automatic allocation) */
			     "ioctl 3 IOMMU_IOAS_MAP flags=FIXED_IOVA|READABLE ioas_id=$ioas "
			     "user_va=0x7f0000000000 length=0x1000 iova=0x200000\n"
			     /* 12: an automatic IOVA comes from an allowed range */
			     "ioctl 3 IOMMU_IOAS_MAP flags=READABLE ioas_id=$ioas "
			     "user_va=0x7f0000000000 length=0x1000 -> iova=$auto\n");
	/* only the made-up cap_reg differs */
	assert_int_equal(replay_mismatch_count(r), 1);
	const replay_mismatch_t *m = replay_mismatch_at(r, 0);
	assert_int_equal(m->line, 8);
	assert_string_equal(m->what, "IOMMU_GET_HW_INFO");
	assert_string_equal(m->key, "data.cap_reg");
	assert_string_equal(m->expected, "0x1");
	/* the model's CAP register as the driver read it: MGAW (bits 21:16) = 48 - 1 */
	unsigned long long cap = strtoull(m->got, NULL, 16);
	assert_int_equal((cap >> 16) & 0x3f, 47);
	uint64_t iova = 0;
	iommusim_error_t err;
	assert_int_equal(stream_vars_get(replay_vars(r), "auto", "t", 1, 1, &iova, &err), 0);
	assert_true((iova >= 0x1000 && iova + 0x1000 <= 0x200000) ||
		    (iova >= 0x400000 && iova + 0x1000 <= 0x800000));
	replay_destroy(r);
}

/* ---- the fault fd --------------------------------------------------------------------------- */

#define IOPF_SETUP HDR BOUND \
	"ioctl 3 IOMMU_FAULT_QUEUE_ALLOC -> out_fault_id=$fq out_fault_fd=40\n"          /* 8 */ \
	"ioctl 3 IOMMU_HWPT_ALLOC flags=FAULT_ID_VALID dev_id=$dev pt_id=$ioas "         \
	"fault_id=$fq -> out_hwpt_id=$hwpt\n"                                            /* 9 */ \
	"ioctl 4 VFIO_DEVICE_ATTACH_IOMMUFD_PT pt_id=$hwpt\n"                            /* 10 */

static void t_fault_fd_round_trip(void **state)
{
	(void)state;
	replay_t *r = run_ok(IOPF_SETUP
		"read 40 -> ret=0\n"                                                      /* 11 */
		"dma 0000:03:00.0 write iova=0x200000 len=0x20 fill=0x77 expect=ok\n"     /* 12 */
		"read 40 len=80 -> ret=40 flags=LAST_PAGE dev_id=$dev pasid=0 perm=WRITE "
		"addr=0x200000 cookie=$ck\n"                                              /* 13 */
		"ioctl 3 IOMMU_IOAS_MAP flags=FIXED_IOVA|READABLE|WRITEABLE ioas_id=$ioas "
		"user_va=0x7f0000200000 length=0x1000 iova=0x200000\n"                    /* 14 */
		"write 40 cookie=$ck code=SUCCESS -> ret=8\n"                             /* 15 */
		"advance us=5\n"
		"expect mem user_va=0x7f0000200000 len=0x20 fill=0x77\n"
		/* a wrong expectation on a record field names the field */
		"dma 0000:03:00.0 read iova=0x300000 len=8 expect=pri_failed\n"           /* 18 */
		"read 40 -> addr=0x400000 perm=READ cookie=$ck2\n"                        /* 19 */
		"write 40 data.0.cookie=$ck2 data.0.code=INVALID\n"                       /* 20 */
		"advance us=5\n"
		"write 40 cookie=$ck2 code=SUCCESS -> errno=EINVAL\n"                     /* 22 */
		"write 40 cookie=1 len=4 -> errno=29\n");                               /* ESPIPE */
	assert_int_equal(replay_mismatch_count(r), 1);
	assert_mismatch(r, 0, 19, "read", "addr", "0x400000", "0x300000");
	assert_int_equal(stat(r, "drv.vtd.prq.requests"), 2);
	assert_int_equal(stat(r, "drv.vtd.prq.responses"), 2);
	replay_destroy(r);
}

static void t_fault_fd_wait(void **state)
{
	iommusim_error_t err;
	replay_t *r = run_ok(IOPF_SETUP);

	(void)state;
	/* nothing comes: the read waits as long as it may, then finds nothing */
	iommusim_time_t t0 = replay_now(r);
	assert_int_equal(line(r, "read 40 timeout_ns=2000 -> ret=40", 11, &err), 0);
	assert_int_equal(replay_now(r) - t0, 2000 * IOMMUSIM_PS_PER_NS);
	assert_mismatch(r, 0, 11, "read", "ret", "40", "0");
	/* a read that expects nothing does not wait */
	t0 = replay_now(r);
	assert_int_equal(line(r, "read 40 timeout_ns=2000", 12, &err), 0);
	assert_int_equal(replay_now(r), t0);
	/* record fields past what was read */
	assert_int_equal(line(r, "read 40 timeout_ns=10 -> data.1.addr=0x1000", 13, &err), 0);
	assert_mismatch(r, 1, 13, "read", "data.1.addr", "0x1000", "absent (read returned 0 records)");
	/* a DMA that still waits for its response at the end */
	assert_int_equal(line(r, "dma 0000:03:00.0 write iova=0x500000 len=8 fill=1 expect=ok",
			      14, &err), 0);
	assert_int_equal(line(r, "dma 0000:03:00.0 write iova=0x600000 len=8 fill=1 expect=pending",
			      15, &err), 0);
	assert_int_equal(replay_finish(r, &err), 0);
	assert_int_equal(replay_mismatch_count(r), 3);
	assert_mismatch(r, 2, 14, "dma", "status", "ok", "pending");
	replay_destroy(r);

	/* an iommufd cannot be read: the errno, and no record is compared */
	r = run_ok(IOPF_SETUP "read 3 -> addr=0\n");
	assert_int_equal(replay_mismatch_count(r), 1);
	assert_mismatch(r, 0, 11, "read", "errno", "success", "EINVAL");
	replay_destroy(r);
}

/* ---- memory, DMA, time ------------------------------------------------------------------------ */

static void t_mem(void **state)
{
	(void)state;
	replay_t *r = run_ok(HDR
			     "mem write pa=0x10000 data=01:02:03:04\n"
			     "expect mem pa=0x10000 data=01:02:03:04\n"
			     "expect mem pa=0x10000 data=01:02:03:05\n"                 /* 6 */
			     "mem write user_va=0x7f0000000ffe fill=0xee len=4\n"       /* two pages */
			     "expect mem user_va=0x7f0000000ffc data=00:00:ee:ee:ee:ee:00:00\n"
			     "expect mem user_va=0xffff800000000000 fill=0 len=8\n");   /* 9 */
	assert_int_equal(replay_mismatch_count(r), 2);
	assert_mismatch(r, 0, 6, "expect mem", "data", "05", "04");
	assert_string_equal(replay_mismatch_at(r, 0)->note,
			    "first difference at pa 0x10003 (+0x3); 1 of 4 bytes differ");
	assert_mismatch(r, 1, 9, "expect mem", "data", "readable memory", "unreadable");
	replay_destroy(r);
	expect_error(HDR "mem write user_va=0xffff800000000000 fill=0 len=8\n", -EFAULT,
		     "t.stream:4: mem write: cannot write 0x8 bytes at user_va 0xffff800000000000");
}

static void t_dma(void **state)
{
	(void)state;
	replay_t *r = run_ok("iommusim-stream 1\n"
		"system arch=vtd\n"
		"device 0000:03:00.0 pasid_bits=20\n" BOUND
		"ioctl 4 VFIO_DEVICE_ATTACH_IOMMUFD_PT pt_id=$ioas -> pt_id=$hwpt\n"           /* 8 */
		"mem write user_va=0x7f0000000000 data=10:20:30:40 len=0x1000\n"
		"ioctl 3 IOMMU_IOAS_MAP flags=FIXED_IOVA|READABLE ioas_id=$ioas "
		"user_va=0x7f0000000000 length=0x1000 iova=0x100000\n"                          /* 10 */
		"dma 0000:03:00.0 read iova=0x100ffc len=4 data=10:20:30:40 expect=ok\n"
		"dma 0000:03:00.0 read iova=0x100ffc len=4 data=10:20:30:41 expect=ok\n"        /* 12 */
		"dma 0000:03:00.0 write iova=0x100000 len=4 fill=0 expect=fault reason=0x85\n"  /* 13 */
		"dma 0000:03:00.0 read iova=0x100ff8 len=0x10 expect=fault reason=0x71\n"       /* 14 */
		"dma 0000:03:00.0 read iova=0x100000 len=4 expect=fault\n"                      /* 15 */
		"dma 0000:03:00.0 read iova=0x100000 len=4 pasid=5 expect=ok\n"                 /* 16 */
		"dma 0000:03:00.0 write iova=0x100000 len=4 fill=0 expect=fault reason=0x86\n"  /* 17 */
		"dma 0000:03:00.0 read iova=0x100000 len=4 fill=0x10\n");                       /* 18 */
	assert_int_equal(replay_mismatch_count(r), 5);
	/* the bytes from the first difference on */
	assert_mismatch(r, 0, 12, "dma", "data", "41", "40");
	assert_string_equal(replay_mismatch_at(r, 0)->note,
			    "first difference at iova 0x100fff (+0x3); 1 of 4 bytes differ");
	assert_mismatch(r, 1, 15, "dma", "status", "fault", "ok");
	/* PASID 5 has nothing attached: its PASID-table entry is not present */
	assert_mismatch(r, 2, 16, "dma", "status", "ok", "fault");
	assert_non_null(strstr(replay_mismatch_at(r, 2)->note, "reason 0x59"));
	/* a read-only page: the write has no write permission (0x85), not 0x86 */
	const replay_mismatch_t *m = replay_mismatch_at(r, 3);
	assert_int_equal(m->line, 17);
	assert_string_equal(m->key, "reason");
	assert_int_equal(strncmp(m->expected, "0x86 (", 6), 0);
	assert_int_equal(strncmp(m->got, "0x85 (", 6), 0);
	/* without expect= only the data is compared */
	assert_mismatch(r, 4, 18, "dma", "data", "10:10:10", "20:30:40");
	assert_int_equal(stat(r, "ep0.dma"), 8);
	replay_destroy(r);

	/* a request the device cannot make stops the replay */
	expect_error("iommusim-stream 1\nsystem arch=vtd\ndevice 0000:03:00.0\n"
		     "dma 0000:03:00.0 read iova=0 len=4 pasid=1\n", -EINVAL,
		     "t.stream:4: dma: the device cannot issue this request");
	expect_error(HDR "dma 0000:04:00.0 read iova=0 len=4\n", -ENOENT,
		     "t.stream:4:5: no device 0000:04:00.0 (devices: 0000:03:00.0)");
	expect_error(HDR "dma 0000:03:00.0 read iova=0xfffffffffffffff0 len=0x20\n", -EINVAL,
		     "wraps");
}

static void t_advance(void **state)
{
	iommusim_error_t err;
	replay_t *r = run_ok(HDR);

	(void)state;
	iommusim_time_t t0 = replay_now(r);
	assert_int_equal(line(r, "advance ns=1500", 4, &err), 0);
	assert_int_equal(replay_now(r) - t0, 1500000);
	assert_int_equal(line(r, "advance us=2", 5, &err), 0);
	assert_int_equal(replay_now(r) - t0, 3500000);
	assert_int_equal(line(r, "advance ms=1", 6, &err), 0);
	assert_int_equal(replay_now(r) - t0, 1003500000);
	assert_int_equal(line(r, "advance ns=0", 7, &err), 0);
	assert_int_equal(replay_now(r) - t0, 1003500000);
	assert_int_equal(line(r, "advance ns=1 ms=1", 8, &err), -EINVAL);
	replay_destroy(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_system_params),
		cmocka_unit_test(t_system_iommus),
		cmocka_unit_test(t_device),
		cmocka_unit_test(t_open_close),
		cmocka_unit_test(t_memfd_map_file),
		cmocka_unit_test(t_ioctl_payloads),
		cmocka_unit_test(t_fault_fd_round_trip),
		cmocka_unit_test(t_fault_fd_wait),
		cmocka_unit_test(t_mem),
		cmocka_unit_test(t_dma),
		cmocka_unit_test(t_advance),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
