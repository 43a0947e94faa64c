/* SPDX-License-Identifier: MIT */
/*
 * Expectation lines: expect fault (filters, count, which records a line takes and which
 * wait for later lines, records lost to overflow), expect nofault, expect stat with each
 * comparison, value forms and the unknown-name stop, and the bare comparison operators read
 * from a stream text and from a file (columns as written).
 */
#include "tests/support/test.h"

#include <unistd.h>

#include "tests/replay/replay_helpers.h"

#define HDR "iommusim-stream 1\n" \
	"system arch=vtd\n"                                                            /* 2 */ \
	"device 0000:03:00.0 pasid_bits=20\n"                                          /* 3 */ \
	"device 0000:04:00.0\n"                                                        /* 4 */ \
	"open /dev/iommu -> fd=3\n"                                                    /* 5 */ \
	"open /dev/vfio/devices/vfio0 -> fd=4\n"                                       /* 6 */ \
	"open /dev/vfio/devices/vfio1 -> fd=5\n"                                       /* 7 */ \
	"ioctl 4 VFIO_DEVICE_BIND_IOMMUFD iommufd=3 -> out_devid=$dev\n"               /* 8 */ \
	"ioctl 5 VFIO_DEVICE_BIND_IOMMUFD iommufd=3 -> out_devid=$dev2\n"              /* 9 */ \
	"ioctl 3 IOMMU_IOAS_ALLOC -> out_ioas_id=$ioas\n"                              /* 10 */ \
	"ioctl 4 VFIO_DEVICE_ATTACH_IOMMUFD_PT pt_id=$ioas\n"                          /* 11 */ \
	"ioctl 5 VFIO_DEVICE_ATTACH_IOMMUFD_PT pt_id=$ioas\n"                          /* 12 */ \
	"ioctl 3 IOMMU_IOAS_MAP flags=FIXED_IOVA|READABLE ioas_id=$ioas "                      \
	"user_va=0x7f0000000000 length=0x1000 iova=0x100000\n"                         /* 13 */

static void t_expect_fault(void **state)
{
	(void)state;
	replay_t *r = rt_run(HDR
		"dma 0000:03:00.0 write iova=0x100010 len=4 fill=1 expect=fault reason=0x85\n" /* 14 */
		"dma 0000:04:00.0 read iova=0x300000 len=4 expect=fault reason=0x71\n"
		"dma 0000:04:00.0 read iova=0x301000 len=4 expect=fault reason=0x71\n"
		"dma 0000:03:00.0 read iova=0x100000 len=4 pasid=7 expect=fault reason=0x59\n"
		/* each line takes the records it is about; the others wait */
		"expect fault reason=0x71 dev=0000:04:00.0 count=2\n"                          /* 18 */
		"expect fault reason=0x85 addr=0x100fff dev=0000:03:00.0\n"   /* the same page */
		"expect fault reason=0x59 pasid=7\n"                                           /* 20 */
		"expect nofault\n"
		/* taken already: nothing left */
		"expect fault reason=0x71\n"                                                   /* 22 */
		"dma 0000:04:00.0 read iova=0x300000 len=4 expect=fault\n"
		"expect fault reason=0x71 dev=0000:03:00.0\n"          /* the wrong requester */
		"expect nofault\n"                                     /* 25: the record waits */
		"dma 0000:04:00.0 read iova=0x300000 len=4 expect=fault\n"
		"expect fault reason=0x71 count=2\n"                   /* 27: only one */
		"expect nofault iommu=0\n");
	assert_int_equal(replay_mismatch_count(r), 4);
	rt_mismatch(r, 0, 22, "expect fault", "record", "a record with reason 0x71", "none of 0");
	assert_string_equal(replay_mismatch_at(r, 0)->note,
			    "no fault recorded that an earlier expect line did not take");
	rt_mismatch(r, 1, 24, "expect fault", "record",
		    "a record with reason 0x71 dev 0000:03:00.0", "none of 1");
	assert_non_null(strstr(replay_mismatch_at(r, 1)->note,
			       "1 recorded: 0x71 (SFL.2 first-level paging entry not present) at "
			       "0x300000 from 0000:04:00.0 read"));
	rt_mismatch(r, 2, 25, "expect nofault", "faults", "none", "1 record on vtd");
	rt_mismatch(r, 3, 27, "expect fault", "count", "2 records with reason 0x71", "1");
	assert_int_equal(replay_mismatch_at(r, 3)->col, 32);
	replay_destroy(r);

#define E(line, msg) rt_error(HDR line "\n", -EINVAL, msg)
	rt_error(HDR "expect fault addr=0x1000\n", -ENOENT, "t.stream:14: expect fault: missing reason=N");
	rt_error(HDR "expect fault reason=0x100\n", -ERANGE, "reason 0x100 is not a fault reason");
	E("expect fault reason=1 dev=03", "t.stream:14:27: expect fault: dev= is a device address");
	E("expect fault reason=1 iommu=1", "iommu=1: the system has 1 IOMMU: 0 (vtd)");
	E("expect fault reason=1 colour=2", "unknown key 'colour'");
	E("expect nofault reason=1", "unknown key 'reason'");
#undef E
}

/* More faults than the driver's log keeps (1024): those lost were never recorded, and a
 * line that counts them says so. */
static void t_fault_overflow(void **state)
{
	(void)state;
	replay_t *r = rt_run(HDR
		"traffic 0000:04:00.0 pattern=seq base=0x10000000 span=8M size=4 count=1100\n"
		"expect fault reason=0x71 dev=0000:04:00.0 count=1100\n"                      /* 15 */
		"expect nofault\n");                                                          /* 16 */
	assert_int_equal(rt_stat(r, "traffic.seq.faults"), 1100);
	assert_int_equal(replay_mismatch_count(r), 1);
	const replay_mismatch_t *m = replay_mismatch_at(r, 0);
	assert_int_equal(m->line, 15);
	assert_string_equal(m->key, "count");
	/* the log kept the last 1024 */
	assert_string_equal(m->got, "1024");
	assert_int_equal(strncmp(m->note, "76 lost to overflow; 1024 recorded: 0x71", 40), 0);
	replay_destroy(r);
}

static void t_expect_stat_results(void **state)
{
	iommusim_error_t err;
	int rc;
	(void)state;
	const char *text = HDR
		"dma 0000:03:00.0 read iova=0x100000 len=4 expect=ok\n"                       /* 14 */
		"dma 0000:03:00.0 read iova=0x100000 len=4 expect=ok\n"
		"dma 0000:03:00.0 read iova=0x101000 len=4 expect=fault\n"                    /* 16 */
		"expect stat ep0.dma == 3\n"
		"expect stat ep0.dma >= 3\n"
		"expect stat ep0.dma <= 3\n"
		"expect stat ep0.dma > 2\n"                                                   /* 20 */
		"expect stat ep0.dma < 4\n"
		"expect stat ep0.dma.fault == 0x1\n"
		"expect stat ep0.dma > -1\n"
		"expect stat ep0.dma == $dev\n"                 /* the first object: 1, a mismatch */
		"expect stat ep0.dma.latency.count == 2.5\n"                                  /* 25 */
		"expect stat ep0.dma.latency.mean > 0.5\n"
		"expect stat ep0.dma \"<\" 3\n"
		"expect stat ep0.dma > 3\n"                                                   /* 28 */
		"expect stat   ep0.dma\t<  3   # a comment\n";
	replay_t *r = rt_run_opts(text, NULL, &rc, &err);
	assert_int_equal(rc, 0);
	assert_int_equal(replay_mismatch_count(r), 5);
	rt_mismatch(r, 0, 24, "expect stat", "ep0.dma", "== 1", "3");
	/* DMAs that ended, the faulting one too */
	rt_mismatch(r, 1, 25, "expect stat", "ep0.dma.latency.count", "== 2.5", "3");
	rt_mismatch(r, 2, 27, "expect stat", "ep0.dma", "< 3", "3");
	rt_mismatch(r, 3, 28, "expect stat", "ep0.dma", "> 3", "3");
	rt_mismatch(r, 4, 29, "expect stat", "ep0.dma", "< 3", "3");
	/* columns of the values as written, bare operator or quoted */
	assert_int_equal(replay_mismatch_at(r, 2)->col, 25);
	assert_int_equal(replay_mismatch_at(r, 3)->col, 23);
	assert_int_equal(replay_mismatch_at(r, 4)->col, 26);
	replay_destroy(r);

	/* the same from a file */
	char path[] = "/tmp/iommusim_expect_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	r = replay_create(NULL, &err);
	assert_non_null(r);
	rc = replay_run_file(r, path, &err);
	unlink(path);
	assert_int_equal(rc, 0);
	assert_int_equal(replay_mismatch_count(r), 5);
	assert_int_equal(replay_mismatch_at(r, 3)->col, 23);
	assert_string_equal(replay_mismatch_at(r, 3)->file, path);
	replay_destroy(r);

	rt_error(HDR "expect stat vtd.iotlb.mis == 1\n", -ENOENT,
		 "t.stream:14:13: expect stat: unknown statistic \"vtd.iotlb.mis\"; close names: "
		 "vtd.iotlb.miss");
	/* only the five comparisons are read */
	rt_error(HDR "expect stat ep0.dma != 1\n", -EINVAL, "t.stream:14:21: bad key '!'");
	rt_error(HDR "expect stat ep0.dma \"=<\" 1\n", -EINVAL,
		 "t.stream:14:21: expect stat: the comparison is one of < <= == >= >");
	rt_error(HDR "expect stat ep0.dma == lots\n", -EINVAL,
		 "t.stream:14:24: expect stat: the value is a number");
	rt_error(HDR "expect stat ep0.dma ==\n", -EINVAL, "'expect stat' needs 3 positional values");
	rt_error(HDR "expect stat ep0.dma == 1 2\n", -EINVAL, "one too many");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_expect_fault),
		cmocka_unit_test(t_fault_overflow),
		cmocka_unit_test(t_expect_stat_results),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
