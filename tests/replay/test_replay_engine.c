/* SPDX-License-Identifier: MIT */
/*
 * The replay engine on in-memory streams: mismatches reported with the right file, line,
 * column, ioctl, field, expected and got values; counts; stopping at bad lines with a
 * located message; the verb table (lookup, shapes, suggestions, added tables); the fd
 * map; static checks; determinism.
 */
#include "tests/support/test.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/replay/replay.h"
#include "iommusim/stats.h"

#define HDR "iommusim-stream 1\n" \
	    "system arch=vtd\n"                                                   /* 2 */ \
	    "device 0000:03:00.0\n"                                               /* 3 */
#define BOUND \
	"open /dev/iommu -> fd=3\n"                                           /* 4 */ \
	"open /dev/vfio/devices/vfio0 -> fd=4\n"                              /* 5 */ \
	"ioctl 4 VFIO_DEVICE_BIND_IOMMUFD iommufd=3 -> out_devid=$dev\n"      /* 6 */ \
	"ioctl 3 IOMMU_IOAS_ALLOC -> out_ioas_id=$ioas\n"                     /* 7 */ \
	"ioctl 4 VFIO_DEVICE_ATTACH_IOMMUFD_PT pt_id=$ioas -> pt_id=$hwpt\n"  /* 8 */
#define MAP_LINE "ioctl 3 IOMMU_IOAS_MAP flags=FIXED_IOVA|READABLE|WRITEABLE ioas_id=$ioas " \
		 "user_va=0x7f0000000000 length=0x2000 iova=0x100000\n"
#define UNMAP_WRONG "ioctl 3 IOMMU_IOAS_UNMAP ioas_id=$ioas iova=0x100000 length=0x2000 -> length=0x1000"

static replay_t *run(const char *text, int *rc, iommusim_error_t *err)
{
	replay_t *r = replay_create(NULL, err);
	assert_non_null(r);
	*rc = replay_run_memory(r, text, strlen(text), "t.stream", err);
	return r;
}

/* 1-based column of the first occurrence of needle's end-part in a line. */
static unsigned col_of(const char *line, const char *needle)
{
	const char *p = strstr(line, needle);
	assert_non_null(p);
	return (unsigned)(p - line) + 1;
}

static uint64_t var(replay_t *r, const char *name)
{
	uint64_t v = 0;
	iommusim_error_t err;
	assert_int_equal(stream_vars_get(replay_vars(r), name, "t", 1, 1, &v, &err), 0);
	return v;
}

static void t_mismatch_line_field(void **state)
{
	iommusim_error_t err;
	replay_summary_t s;
	int rc;

	(void)state;
	replay_t *r = run(HDR BOUND MAP_LINE UNMAP_WRONG "\n", &rc, &err);
	assert_int_equal(rc, 0);
	replay_get_summary(r, &s);
	assert_false(s.stopped);
	assert_int_equal(s.mismatches, 1);
	assert_int_equal(replay_mismatch_count(r), 1);
	const replay_mismatch_t *m = replay_mismatch_at(r, 0);
	assert_string_equal(m->file, "t.stream");
	assert_int_equal(m->line, 10);
	assert_int_equal(m->col, col_of(UNMAP_WRONG, "-> length=") + 10);
	assert_string_equal(m->what, "IOMMU_IOAS_UNMAP");
	assert_string_equal(m->key, "length");
	assert_string_equal(m->expected, "0x1000");
	assert_string_equal(m->got, "0x2000");
	assert_null(replay_mismatch_at(r, 1));
	/* IDs as the kernel hands them out: lowest free from 1, device first */
	assert_int_equal(var(r, "dev"), 1);
	assert_int_equal(var(r, "ioas"), 2);
	assert_int_equal(var(r, "hwpt"), 3);

	char buf[512];
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	replay_mismatch_print(f, m);
	fclose(f);
	char want[200];
	snprintf(want, sizeof(want),
		 "t.stream:10:%u: IOMMU_IOAS_UNMAP: length: expected 0x1000, got 0x2000\n", m->col);
	assert_string_equal(buf, want);
	replay_destroy(r);
}

static void t_errno_mismatch_note(void **state)
{
	iommusim_error_t err;
	int rc;

	(void)state;
	/* line 9 expects success, line 10 an errno the call does not give, line 11 an errno
	 * for a call that succeeds */
	replay_t *r = run(HDR BOUND
			  "ioctl 3 IOMMU_IOAS_UNMAP ioas_id=$ioas iova=0x100000 length=0x1000\n"
			  "ioctl 3 IOMMU_DESTROY id=99 -> errno=EBUSY\n"
			  "ioctl 3 IOMMU_IOAS_ALLOC -> errno=ENOMEM\n", &rc, &err);
	assert_int_equal(rc, 0);
	assert_int_equal(replay_mismatch_count(r), 3);
	const replay_mismatch_t *m = replay_mismatch_at(r, 0);
	assert_int_equal(m->line, 9);
	assert_int_equal(m->col, 0);
	assert_string_equal(m->key, "errno");
	assert_string_equal(m->expected, "success");
	assert_string_equal(m->got, "ENOENT");
	assert_true(strlen(m->note) > 0);              /* the kernel's reason */
	m = replay_mismatch_at(r, 1);
	assert_int_equal(m->line, 10);
	assert_string_equal(m->what, "IOMMU_DESTROY");
	assert_string_equal(m->expected, "EBUSY");
	assert_string_equal(m->got, "ENOENT");
	m = replay_mismatch_at(r, 2);
	assert_int_equal(m->line, 11);
	assert_string_equal(m->expected, "ENOMEM");
	assert_string_equal(m->got, "success");
	replay_destroy(r);
}

typedef struct seen {
	unsigned lines[8];
	size_t n;
} seen_t;

static void on_mm(void *ctx, const replay_mismatch_t *m)
{
	seen_t *s = ctx;
	if (s->n < 8)
		s->lines[s->n++] = m->line;
}

static void t_callback_and_counts(void **state)
{
	static const char text[] = HDR
		"open /dev/iommu -> fd=3\n"                            /* 4: 1 check */
		"ioctl 3 IOMMU_IOAS_ALLOC -> out_ioas_id=$a\n"         /* 5: 1 (binding: none) */
		"ioctl 3 IOMMU_IOAS_ALLOC -> out_ioas_id=7\n"          /* 6: 2, one fails */
		"ioctl 3 IOMMU_DESTROY id=$a\n"                        /* 7: 1 */
		"ioctl 3 IOMMU_DESTROY id=$a -> errno=EINVAL\n"        /* 8: 1, fails (ENOENT) */
		"advance ns=5\n";                                      /* 9: 0 */
	iommusim_error_t err;
	replay_summary_t s;
	seen_t seen = { 0 };
	replay_opts_t o = { .on_mismatch = on_mm, .ctx = &seen };
	replay_t *r = replay_create(&o, &err);

	(void)state;
	assert_int_equal(replay_run_memory(r, text, strlen(text), "t.stream", &err), 0);
	replay_get_summary(r, &s);
	assert_int_equal(s.lines, 8);
	assert_int_equal(s.ioctls, 4);
	assert_int_equal(s.dmas, 0);
	assert_int_equal(s.checks, 6);
	assert_int_equal(s.mismatches, 2);
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.lines[0], 6);
	assert_int_equal(seen.lines[1], 8);
	assert_string_equal(replay_mismatch_at(r, 0)->expected, "7");
	assert_string_equal(replay_mismatch_at(r, 0)->got, "2");
	replay_destroy(r);
}

static void t_max_kept(void **state)
{
	iommusim_error_t err;
	replay_summary_t s;
	replay_opts_t o = { .max_kept = 1 };
	static const char text[] = HDR "open /dev/iommu -> errno=ENOENT\n"
				      "open /dev/iommu -> errno=EBUSY\n";
	replay_t *r = replay_create(&o, &err);

	(void)state;
	assert_int_equal(replay_run_memory(r, text, strlen(text), "t.stream", &err), 0);
	replay_get_summary(r, &s);
	assert_int_equal(s.mismatches, 2);             /* counted */
	assert_int_equal(replay_mismatch_count(r), 1); /* kept */
	replay_destroy(r);
}

static void t_stop_at_bad_line(void **state)
{
	iommusim_error_t err, err2;
	replay_summary_t s;
	stream_line_t l;
	int rc;

	(void)state;
	replay_t *r = run(HDR "open /dev/iommu -> fd=3\n"
			  "dma 0000:03:00.0 read iova=0x1000 len=8 bogus=1\n"
			  "close 3\n", &rc, &err);
	assert_int_equal(rc, -EINVAL);
	assert_int_equal(strncmp(err.msg, "t.stream:5:", 11), 0);
	assert_non_null(strstr(err.msg, "unknown key 'bogus'"));
	replay_get_summary(r, &s);
	assert_true(s.stopped);
	assert_int_equal(s.stop_line, 5);
	assert_int_equal(s.lines, 3);
	/* stopped for good: later lines give the same error */
	stream_line_init(&l);
	assert_int_equal(stream_parse_line("close 3", 7, "t.stream", 6, &l, &err2), 0);
	assert_int_equal(replay_line(r, &l, &err2), -EINVAL);
	assert_string_equal(err2.msg, err.msg);
	assert_int_equal(replay_finish(r, &err2), -EINVAL);
	stream_line_free(&l);
	replay_destroy(r);

	/* a syntax error from the reader stops it too, with its line */
	r = run(HDR "open \"/dev/iommu\n", &rc, &err);
	assert_true(rc < 0);
	assert_int_equal(strncmp(err.msg, "t.stream:4:", 11), 0);
	replay_get_summary(r, &s);
	assert_true(s.stopped);
	assert_int_equal(s.stop_line, 4);
	replay_destroy(r);
}

static void expect_error(const char *text, int code, const char *msg)
{
	iommusim_error_t err;
	int rc;
	replay_t *r = run(text, &rc, &err);

	if (rc != code || !strstr(err.msg, msg))
		fail_msg("want %d '%s', got %d '%s'", code, msg, rc, err.msg);
	replay_destroy(r);
}

static void t_verb_errors(void **state)
{
	(void)state;
	expect_error(HDR "advanse ns=1\n", -EINVAL,
		     "t.stream:4:1: unknown verb 'advanse' (did you mean advance?)");
	expect_error(HDR "frobnicate\n", -EINVAL, "unknown verb 'frobnicate' (known: system,");
	expect_error(HDR "expect foo\n", -EINVAL,
		     "t.stream:4:8: unknown 'expect foo' (known: expect mem, xlate, fault, "
		     "nofault, stat)");
	expect_error(HDR "expect\n", -EINVAL, "'expect' needs a word after it (mem, xlate, fault, nofault, stat)");
	expect_error(HDR "close\n", -EINVAL, "'close' needs 1 positional value: close FD");
	expect_error(HDR "close 3 4\n", -EINVAL, "t.stream:4:9: 'close' takes 1 positional value");
	expect_error(HDR "advance ns=1 -> x=1\n", -EINVAL,
		     "t.stream:4:17: 'advance' has no results");
	expect_error(HDR "open /dev/iommu -> ret=3\n", -EINVAL, "'open' has no result 'ret'");
	expect_error(HDR "open /dev/iommu -> errno=ENOTANERRNO\n", -EINVAL,
		     "errno must be a name like ENOENT");
	expect_error("iommusim-stream 1\nopen /dev/iommu\n", -EINVAL,
		     "t.stream:2:1: 'open' needs the system");
	expect_error(HDR "system arch=vtd\n", -EINVAL, "t.stream:4:1: a stream has one 'system' line");
	expect_error("iommusim-stream 1\nsystem\n", -EINVAL, "system: missing arch=");
	expect_error("iommusim-stream 1\nsystem arch=smmu\n", -EINVAL,
		     "t.stream:2:13: system: unknown arch 'smmu'");
	expect_error("iommusim-stream 1\nsystem arch=vtd color=blue\n", -EINVAL,
		     "t.stream:2:17: system: unknown key 'color'");
	expect_error("iommusim-stream 1\nsystem arch=vtd vtd.iotlb.sets=3\n", -EINVAL,
		     "t.stream:2:17: system: ");
	expect_error("iommusim-stream 1\nsystem arch=vtd params=fast\n", -EINVAL,
		     "the only one is 'default'");
	expect_error("iommusim-stream 1\nsystem arch=vtd iommus=0\n", -ERANGE, "iommus=0 is out of range 1..16");
}

static void t_fd_map(void **state)
{
	iommusim_error_t err;
	int rc;

	(void)state;
	/* recorded numbers map to the simulated ones (3, 4, ...) */
	replay_t *r = run(HDR
			  "open /dev/iommu -> fd=20\n"                           /* sim 3 */
			  "ioctl 20 IOMMU_IOAS_ALLOC -> out_ioas_id=$a\n"
			  "ioctl 3 IOMMU_IOAS_ALLOC -> errno=EBADF\n"            /* never opened */
			  "open /dev/iommu -> fd=$x\n"                           /* sim 4: stream 4 */
			  "ioctl $x IOMMU_IOAS_ALLOC -> out_ioas_id=$b\n"
			  "close 20\n"
			  "ioctl 20 IOMMU_IOAS_ALLOC -> errno=EBADF\n"
			  "open /dev/iommu -> fd=20\n"                           /* again, fine */
			  "close 20\n"
			  "close 20 -> errno=EBADF\n", &rc, &err);
	assert_int_equal(rc, 0);
	assert_int_equal(replay_mismatch_count(r), 0);
	assert_int_equal(var(r, "x"), 4);
	assert_int_equal(var(r, "a"), 1);
	assert_int_equal(var(r, "b"), 1);
	replay_destroy(r);

	/* a stream fd still open cannot be handed out again */
	expect_error(HDR "open /dev/iommu -> fd=20\nopen /dev/iommu -> fd=20\n", -EEXIST,
		     "t.stream:5:23: fd 20 is still open (line 4 opened it)");
	/* a $name whose value is taken by a recorded number gets the next free number */
	r = run(HDR "open /dev/iommu -> fd=4\n"          /* sim 3 */
		"open /dev/iommu -> fd=$y\n", &rc, &err);   /* sim 4 -> stream 5 */
	assert_int_equal(rc, 0);
	assert_int_equal(var(r, "y"), 5);
	replay_destroy(r);
}

static void t_undelivered_binding(void **state)
{
	(void)state;
	expect_error(HDR "open /dev/iommu -> fd=3\n"
		     "ioctl 3 IOMMU_HWPT_ALLOC dev_id=1 pt_id=99 -> out_hwpt_id=$h\n"
		     "ioctl 3 IOMMU_DESTROY id=$h\n", -ENOENT,
		     "t.stream:6:26: $h has no value: line 5 was expected to bind it");
	expect_error(HDR "open /dev/iommu -> fd=$f\nclose $g\n", -ENOENT, "t.stream:5:7: $g");
}

/* ---- added verbs -------------------------------------------------------------------- */

typedef struct ping {
	unsigned calls;
	unsigned last_line;
	bool had_system;
} ping_t;

static ping_t *g_ping;   /* the handlers' view of the test's counters */

static int ping_run(replay_t *r, const stream_line_t *l, iommusim_error_t *err)
{
	(void)err;
	g_ping->calls++;
	g_ping->last_line = l->lineno;
	g_ping->had_system = replay_system(r) != NULL && replay_ifd(r) != NULL;
	if (l->npos > 1)
		replay_report(r, l, 0, "ping", "count", "1", "2", NULL);
	return 0;
}

static int dma_shadow(replay_t *r, const stream_line_t *l, iommusim_error_t *err)
{
	(void)r;
	return stream_line_error(l, 1, err, -ENOTSUP, "shadowed");
}

static const char *const no_keys[] = { NULL };
static const replay_verb_t extra[] = {
	{ .name = "ping", .usage = "ping [X]", .min_pos = 0, .max_pos = 2, .keys = no_keys,
	  .flags = REPLAY_VERB_SYSTEM, .run = ping_run },
	{ .name = "expect ping", .usage = "expect ping", .min_pos = 0, .max_pos = 0,
	  .keys = no_keys, .run = ping_run },
	{ .name = "dma", .usage = "dma", .min_pos = 0, .max_pos = 9, .run = dma_shadow },
	{ .name = NULL },
};

static void t_added_verbs(void **state)
{
	static const char text[] = HDR "ping\n" "expect ping\n" "ping a b\n";
	iommusim_error_t err;
	ping_t p = { 0 };
	replay_t *r = replay_create(NULL, &err);

	(void)state;
	g_ping = &p;
	assert_int_equal(replay_add_verbs(r, extra, &err), 0);
	assert_int_equal(replay_run_memory(r, text, strlen(text), "t.stream", &err), 0);
	assert_int_equal(p.calls, 3);
	assert_int_equal(p.last_line, 6);
	assert_true(p.had_system);
	assert_int_equal(replay_mismatch_count(r), 1);
	assert_string_equal(replay_mismatch_at(r, 0)->what, "ping");
	replay_destroy(r);

	/* an added verb comes before a built-in one of the same name; the built-in "expect
	 * mem" stays reachable */
	r = replay_create(NULL, &err);
	assert_int_equal(replay_add_verbs(r, extra, &err), 0);
	static const char t2[] = HDR "expect mem pa=0x1000 fill=0 len=8\n"
				    "dma 0000:03:00.0 read iova=0 len=1\n";
	assert_int_equal(replay_run_memory(r, t2, strlen(t2), "t.stream", &err), -ENOTSUP);
	assert_non_null(strstr(err.msg, "t.stream:5:1: shadowed"));
	assert_int_equal(replay_mismatch_count(r), 0);
	replay_destroy(r);

	/* lookup without an engine: only the built-in ones */
	stream_line_t l;
	size_t npos = 9;
	stream_line_init(&l);
	assert_int_equal(stream_parse_line("expect mem pa=0", 15, "x", 1, &l, &err), 0);
	const replay_verb_t *v = replay_find_verb(NULL, &l, &npos);
	assert_non_null(v);
	assert_string_equal(v->name, "expect mem");
	assert_int_equal(npos, 1);
	assert_int_equal(stream_parse_line("ping", 4, "x", 1, &l, &err), 0);
	assert_null(replay_find_verb(NULL, &l, &npos));
	stream_line_free(&l);
}

/* ---- static checks ------------------------------------------------------------------ */

static int check_text(const char *text, iommusim_error_t *err)
{
	stream_doc_t doc;
	int rc = stream_doc_parse(&doc, text, strlen(text), "c.stream", err);
	if (rc == 0)
		rc = replay_check_doc(&doc, err);
	stream_doc_free(&doc);
	return rc;
}

static void t_static_check(void **state)
{
	iommusim_error_t err;

	(void)state;
	assert_int_equal(check_text(HDR BOUND MAP_LINE
				    "dma 0000:03:00.0 write iova=0x100000 len=8 fill=1 expect=ok\n"
				    "expect mem user_va=$ioas len=8 fill=1\n"
				    "advance us=$ioas\n"
				    "read 3 -> ret=40 data.1.addr=0x1000 cookie=$c\n"
				    "write 3 cookie=$c code=SUCCESS\n", &err), 0);
	/* each verb's own checks, without running anything */
	assert_int_equal(check_text(HDR "dma 0000:03:00.0 wrte iova=0 len=8\n", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "c.stream:4:18: dma: direction 'wrte'"));
	assert_int_equal(check_text(HDR "dma 0000:03:00.0 write iova=0 len=8\n", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "say what the device writes"));
	assert_int_equal(check_text(HDR "dma 0000:03:00.0 read iova=0 len=8 reason=1\n", &err),
			 -EINVAL);
	assert_non_null(strstr(err.msg, "reason= goes with expect=fault"));
	assert_int_equal(check_text(HDR "device 0000:04:00.0 pri=1\n", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "pri=1 needs ats=1"));
	assert_int_equal(check_text(HDR "device 0000:04:00.x\n", &err), -EINVAL);
	assert_int_equal(check_text(HDR "expect mem user_va=0 len=8\n", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "say which bytes"));
	assert_int_equal(check_text(HDR "expect mem user_va=0 pa=0 fill=1 len=8\n", &err), -EINVAL);
	assert_int_equal(check_text(HDR "advance ns=1 us=1\n", &err), -EINVAL);
	assert_int_equal(check_text(HDR "advance\n", &err), -EINVAL);
	assert_int_equal(check_text(HDR "read 3 -> data.1.adr=4\n", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "unknown fault record field 'adr'"));
	assert_int_equal(check_text(HDR "write 3 cookie=1 color=2\n", &err), -EINVAL);
	assert_int_equal(check_text(HDR "ioctl 3 IOMMU_IOAS_MAPP\n", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "did you mean IOMMU_IOAS_MAP?"));
	assert_int_equal(check_text(HDR "open /dev/vfio/12 dev=0000:03:00.0\n", &err), -EINVAL);
	assert_int_equal(check_text(HDR "memfd fill=1 len=4\n", &err), -ENOENT);
	/* the system line comes first and once; names are bound before use */
	assert_int_equal(check_text("iommusim-stream 1\nadvance ns=1\n", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "c.stream:2:1: 'advance' needs the system"));
	assert_int_equal(check_text(HDR "system arch=vtd\n", &err), -EINVAL);
	assert_int_equal(check_text(HDR "close $nope\n", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "$nope is used before any line binds it"));
}

/* ---- determinism -------------------------------------------------------------------------- */

static void t_determinism(void **state)
{
	static const char text[] = HDR BOUND MAP_LINE
		"dma 0000:03:00.0 write iova=0x100000 len=0x1800 fill=0x3c expect=ok\n"
		"dma 0000:03:00.0 read iova=0x100000 len=0x1800 fill=0x3d expect=ok\n"
		"ioctl 3 IOMMU_IOAS_UNMAP ioas_id=$ioas iova=0x100000 length=0x2000 -> length=0x2000\n"
		"dma 0000:03:00.0 read iova=0x100000 len=8 expect=ok\n";
	char *json[2];
	replay_summary_t s[2];
	char mm[2][1024];

	(void)state;
	for (int i = 0; i < 2; i++) {
		iommusim_error_t err;
		int rc;
		replay_t *r = run(text, &rc, &err);
		assert_int_equal(rc, 0);
		replay_get_summary(r, &s[i]);
		json[i] = iommusim_stats_to_json(iommusim_system_stats(replay_system(r)));
		assert_int_equal(replay_mismatch_count(r), 2);
		const replay_mismatch_t *m = replay_mismatch_at(r, 1);
		snprintf(mm[i], sizeof(mm[i]), "%u:%u %s %s %s %s %s", m->line, m->col, m->what,
			 m->key, m->expected, m->got, m->note);
		replay_destroy(r);
	}
	assert_true(s[0].now > 0);
	assert_memory_equal(&s[0], &s[1], sizeof(s[0]));
	assert_string_equal(json[0], json[1]);
	assert_string_equal(mm[0], mm[1]);
	free(json[0]);
	free(json[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_mismatch_line_field),
		cmocka_unit_test(t_errno_mismatch_note),
		cmocka_unit_test(t_callback_and_counts),
		cmocka_unit_test(t_max_kept),
		cmocka_unit_test(t_stop_at_bad_line),
		cmocka_unit_test(t_verb_errors),
		cmocka_unit_test(t_fd_map),
		cmocka_unit_test(t_undelivered_binding),
		cmocka_unit_test(t_added_verbs),
		cmocka_unit_test(t_static_check),
		cmocka_unit_test(t_determinism),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
