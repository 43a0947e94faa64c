/* SPDX-License-Identifier: MIT */
/* Running scenarios: the measurement window (statistics zeroed at begin, evaluated at
 * end), window values, parameters in expressions, overrides and sweep plans, the
 * informational host-time metrics with a fake clock, and the three run statuses. */
#include "tests/support/test.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "host-shim/bench/bench.h"

#define HEAD                                                                                \
	"iommusim-stream 1\n"                                                               \
	"system arch=vtd\n"                                                                 \
	"device 0000:03:00.0 name=dev\n"                                                    \
	"open /dev/iommu -> fd=3\n"                                                         \
	"open /dev/vfio/devices/vfio0 dev=0000:03:00.0 -> fd=4\n"                           \
	"ioctl 4 VFIO_DEVICE_BIND_IOMMUFD iommufd=3 -> out_devid=$dev\n"                    \
	"ioctl 3 IOMMU_IOAS_ALLOC -> out_ioas_id=$ioas\n"                                   \
	"ioctl 4 VFIO_DEVICE_ATTACH_IOMMUFD_PT pt_id=$ioas -> pt_id=$hwpt\n"                \
	"ioctl 3 IOMMU_IOAS_MAP ioas_id=$ioas flags=FIXED_IOVA|READABLE|WRITEABLE "         \
	"user_va=0x7f0000000000 length=${len} iova=0x100000\n"                              \
	"dma 0000:03:00.0 write iova=0x100000 len=64 fill=0xa5 expect=ok\n"

#define METRICS                                                                             \
	"# bench: var len=8K\n"                                                             \
	"# bench: metric maps unit=calls better=lower = drv.vtd.map.calls\n"                \
	"# bench: metric unmaps unit=calls better=lower = drv.vtd.unmap.calls\n"            \
	"# bench: metric lines unit=lines better=lower = bench.lines\n"                     \
	"# bench: metric ioctls unit=ioctls better=lower = bench.ioctls\n"                  \
	"# bench: metric dmas unit=dmas better=lower = bench.dmas\n"                        \
	"# bench: metric window_ns unit=ns better=lower = bench.sim_ns\n"                   \
	"# bench: metric mhz unit=MHz better=lower = param.drv.vtd.cpu_mhz\n"               \
	"# bench: metric unmapped unit=B better=lower = drv.vtd.unmap.bytes\n"              \
	"# bench: metric unmap_inval_cycles\n"                                              \
	"# bench: metric unmap_inval_ns\n"                                                  \
	"# bench: metric iotlb_hit_rate\n"

static const char windowed[] = HEAD METRICS
	"# bench: begin\n"
	"ioctl 3 IOMMU_IOAS_UNMAP ioas_id=$ioas iova=0x100000 length=${len} -> length=${len}\n"
	"# bench: end\n"
	"dma 0000:03:00.0 read iova=0x100000 len=8 expect=fault\n";

static const char whole[] = HEAD METRICS
	"ioctl 3 IOMMU_IOAS_UNMAP ioas_id=$ioas iova=0x100000 length=${len} -> length=${len}\n";

static json_t *run1(const char *text, const bench_opts_t *o, const char *name, size_t idx,
		    char *log, size_t loglen)
{
	bench_scenario_t s;
	bench_sweep_t plan;
	iommusim_error_t err = { 0 };
	json_t *run = NULL;
	FILE *f = log ? fmemopen(log, loglen, "w") : NULL;

	if (bench_scenario_parse(&s, text, strlen(text), name, &err))
		fail_msg("parse: %s", err.msg);
	if (bench_plan(&s, o, &plan, &err))
		fail_msg("plan: %s", err.msg);
	if (bench_run_point(&s, &plan, idx, o, f, &run, &err))
		fail_msg("run: %s", err.msg);
	if (f)
		fclose(f);
	bench_sweep_free(&plan);
	bench_scenario_free(&s);
	return run;
}

static double mval(const json_t *run, const char *name)
{
	const json_t *m = json_object_get(json_object_get(run, "metrics"), name);
	if (!m)
		fail_msg("no metric %s", name);
	const json_t *v = json_object_get(m, "value");
	return json_is_number(v) ? json_number_value(v) : NAN;
}

static const char *status(const json_t *run)
{
	return json_string_value(json_object_get(run, "status"));
}

static void window_counts_only_its_lines(void **state)
{
	(void)state;
	json_t *r = run1(windowed, NULL, "w.stream", 0, NULL, 0);
	assert_string_equal(status(r), "ok");
	/* the map and the first DMA ran before begin: zeroed */
	assert_true(mval(r, "maps") == 0);
	assert_true(mval(r, "unmaps") == 1);
	assert_true(mval(r, "unmapped") == 8192);
	assert_true(mval(r, "lines") == 1);
	assert_true(mval(r, "ioctls") == 1);
	assert_true(mval(r, "dmas") == 0);
	/* the driver's default CPU clock */
	assert_true(mval(r, "mhz") == 3100);
	/* the same invalidation in cycles and in ns, related by the clock (cycles are rounded
	 * per sample by the driver) */
	double cyc = mval(r, "unmap_inval_cycles"), ns = mval(r, "unmap_inval_ns");
	assert_true(ns > 0);
	assert_true(fabs(cyc - ns * 3100 / 1000) <= 1);
	/* the window holds the unmap, so at least its invalidation */
	assert_true(mval(r, "window_ns") >= ns);
	/* no translation in the window: the hit rate is undefined, written as null */
	assert_true(isnan(mval(r, "iotlb_hit_rate")));
	assert_true(json_is_null(json_object_get(json_object_get(json_object_get(r, "metrics"),
							       "iotlb_hit_rate"), "value")));
	const json_t *w = json_object_get(r, "window");
	assert_int_equal(json_integer_value(json_object_get(w, "begin_line")), 23);
	assert_int_equal(json_integer_value(json_object_get(w, "end_line")), 25);
	assert_true(json_number_value(json_object_get(w, "sim_ps")) == mval(r, "window_ns") * 1000);
	json_decref(r);

	/* without markers the window is the whole stream */
	r = run1(whole, NULL, "a.stream", 0, NULL, 0);
	assert_string_equal(status(r), "ok");
	assert_true(mval(r, "maps") == 1);
	assert_true(mval(r, "dmas") == 1);
	assert_true(json_is_null(json_object_get(json_object_get(r, "window"), "begin_line")));
	assert_int_equal((int)mval(r, "window_ns") * 1000,
			 (int)json_integer_value(json_object_get(r, "sim_time_ps")));
	json_decref(r);
}

static void overrides_and_plan(void **state)
{
	bench_kv_t fixed[] = { { (char *)"drv.vtd.cpu_mhz", (char *)"2000" },
			       { (char *)"len", (char *)"16K" } };
	bench_sweep_t cli = { 0 };
	iommusim_error_t err = { 0 };
	(void)state;
	assert_int_equal(bench_sweep_add(&cli, "drv.vtd.flush=strict,batched", &err), 0);
	assert_int_equal(bench_sweep_add(&cli, "other=1,2", &err), 0);   /* not declared here */
	bench_opts_t o = { .fixed = fixed, .nfixed = 2, .sweep = &cli };

	/* the scenario's own sweep of len is replaced by the fixed value */
	char text[4096];
	snprintf(text, sizeof(text), "%s# bench: sweep len=4K,8K\n# bench: sweep "
		 "vtd.iotlb.sets=4,8\n", whole);
	bench_scenario_t s;
	bench_sweep_t plan;
	assert_int_equal(bench_scenario_parse(&s, text, strlen(text), "p.stream", &err), 0);
	assert_int_equal(bench_plan(&s, &o, &plan, &err), 0);
	assert_int_equal(plan.ndims, 2);
	assert_string_equal(plan.dims[0].key, "drv.vtd.flush");   /* the command line's first */
	assert_string_equal(plan.dims[1].key, "vtd.iotlb.sets");
	assert_int_equal(bench_sweep_count(&plan), 4);
	bench_sweep_free(&plan);
	bench_scenario_free(&s);

	/* point 3 = (batched, 8) */
	json_t *r = run1(text, &o, "p.stream", 3, NULL, 0);
	assert_string_equal(status(r), "ok");
	char *pt = bench_point_text(json_object_get(r, "point"));
	assert_string_equal(pt, "drv.vtd.flush=batched vtd.iotlb.sets=8");
	free(pt);
	const json_t *ps = json_object_get(r, "parameters");
	assert_string_equal(json_string_value(json_object_get(ps, "drv.vtd.flush")), "batched");
	assert_int_equal(json_integer_value(json_object_get(ps, "vtd.iotlb.sets")), 8);
	assert_int_equal(json_integer_value(json_object_get(ps, "drv.vtd.cpu_mhz")), 2000);
	assert_true(mval(r, "mhz") == 2000);
	assert_true(mval(r, "unmapped") == 16384);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r, "variables"),
							      "len")), "16K");
	json_decref(r);
	bench_sweep_free(&cli);
}

static void command_line_checks(void **state)
{
	bench_scenario_t s;
	iommusim_error_t err = { 0 };
	(void)state;
	assert_int_equal(bench_scenario_parse(&s, whole, strlen(whole), "c.stream", &err), 0);
	const bench_scenario_t *all[] = { &s };
	static const struct {
		const char *key, *value, *sweep, *needle;
	} cases[] = {
		{ "drv.vtd.flush", "sometimes", NULL, "parameter drv.vtd.flush=sometimes" },
		{ "vtd.nosuch", "1", NULL, "vtd.nosuch" },
		{ "flows", "4", NULL, "no scenario declares the variable 'flows' (variables: len" },
		{ "len", "4 K", NULL, "a variable's value" },
		{ NULL, NULL, "vtd.iotlb.sets=4,5", "--sweep vtd.iotlb.sets=5" },
		{ NULL, NULL, "nope=1,2", "--sweep nope" },
		{ "len", "4K", "len=8K,16K", "len is both fixed" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bench_kv_t kv = { (char *)cases[i].key, (char *)cases[i].value };
		bench_sweep_t sw = { 0 };
		if (cases[i].sweep)
			assert_int_equal(bench_sweep_add(&sw, cases[i].sweep, &err), 0);
		bench_opts_t o = { .fixed = &kv, .nfixed = cases[i].key ? 1 : 0, .sweep = &sw };
		int rc = bench_check_opts(&o, all, 1, &err);
		if (rc == 0 || !strstr(err.msg, cases[i].needle))
			fail_msg("case %zu: rc %d, '%s' lacks '%s'", i, rc, err.msg, cases[i].needle);
		bench_sweep_free(&sw);
	}
	bench_kv_t twice[] = { { (char *)"len", (char *)"4K" }, { (char *)"len", (char *)"8K" } };
	bench_opts_t o = { .fixed = twice, .nfixed = 2 };
	assert_int_equal(bench_check_opts(&o, all, 1, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "len is given twice"));
	bench_kv_t ok[] = { { (char *)"len", (char *)"4K" }, { (char *)"drv.vtd.flush", (char *)"strict" } };
	o = (bench_opts_t){ .fixed = ok, .nfixed = 2 };
	assert_int_equal(bench_check_opts(&o, all, 1, &err), 0);
	bench_scenario_free(&s);
}

static double fake_clock(void *ctx)
{
	double *t = ctx;
	*t += 0.25;
	return *t;
}

static void host_time_is_informational(void **state)
{
	double t = 0;
	bench_opts_t o = { .host_clock = fake_clock, .clock_ctx = &t };
	(void)state;
	json_t *r = run1(windowed, &o, "w.stream", 0, NULL, 0);
	/* the clock is read at the window's start and at its end: 0.25 s apart */
	assert_true(mval(r, "host_ms") == 250);
	const json_t *m = json_object_get(json_object_get(r, "metrics"), "sim_ops_per_host_sec");
	assert_true(json_is_true(json_object_get(m, "informational")));
	assert_string_equal(json_string_value(json_object_get(m, "better")), "higher");
	/* one stream line, no translation, one IOTLB descriptor and its wait: 3 ops in 0.25 s */
	double ops = mval(r, "sim_ops_per_host_sec") * 0.25;
	assert_true(ops >= 3 && ops == floor(ops));
	json_decref(r);
	/* without a clock host time is undefined */
	r = run1(windowed, NULL, "w.stream", 0, NULL, 0);
	assert_true(isnan(mval(r, "host_ms")));
	assert_true(isnan(mval(r, "sim_ops_per_host_sec")));
	json_decref(r);
}

static void statuses(void **state)
{
	char text[4096], log[4096];
	(void)state;
	/* an expectation that fails: mismatch, metrics still there, the line logged */
	snprintf(text, sizeof(text), "%s", windowed);
	char *p = strstr(text, "len=8 expect=fault");
	memcpy(p, "len=8 expect=ok   ", strlen("len=8 expect=fault"));
	json_t *r = run1(text, NULL, "m.stream", 0, log, sizeof(log));
	assert_string_equal(status(r), "mismatch");
	assert_int_equal(json_integer_value(json_object_get(r, "mismatches")), 1);
	assert_true(mval(r, "unmaps") == 1);
	assert_non_null(strstr(log, "m.stream:26:"));
	json_decref(r);

	/* a metric naming an unknown statistic: error, located at its declaration */
	snprintf(text, sizeof(text), "%s# bench: metric bad unit=x better=lower = vtd.iotlb.hits\n",
		 windowed);
	r = run1(text, NULL, "u.stream", 0, NULL, 0);
	assert_string_equal(status(r), "error");
	const char *e = json_string_value(json_object_get(r, "error"));
	assert_non_null(strstr(e, "u.stream:27: bench: metric bad:"));
	assert_non_null(strstr(e, "vtd.iotlb.hit"));            /* the close name */
	assert_int_equal(json_object_size(json_object_get(r, "metrics")), 0);
	json_decref(r);

	/* a line that cannot run after the window: error, no metrics trusted */
	snprintf(text, sizeof(text), "%sfrobnicate 1\n", windowed);
	r = run1(text, NULL, "s.stream", 0, NULL, 0);
	assert_string_equal(status(r), "error");
	assert_non_null(strstr(json_string_value(json_object_get(r, "error")), "s.stream:27"));
	json_decref(r);

	/* the window is comments: a "bench" line is no verb of the stream */
	snprintf(text, sizeof(text), "%sbench begin\n", windowed);
	r = run1(text, NULL, "v.stream", 0, NULL, 0);
	assert_string_equal(status(r), "error");
	assert_non_null(strstr(json_string_value(json_object_get(r, "error")), "v.stream:27"));
	json_decref(r);

	/* begin before the system line: the window covers the whole host's life */
	snprintf(text, sizeof(text), "iommusim-stream 1\n# bench: begin\n# bench: metric a "
		 "unit=x better=lower = drv.vtd.map.calls\nsystem arch=vtd\n");
	r = run1(text, NULL, "b.stream", 0, NULL, 0);
	assert_string_equal(status(r), "ok");
	assert_true(mval(r, "a") == 0);
	json_decref(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(window_counts_only_its_lines),
		cmocka_unit_test(overrides_and_plan),
		cmocka_unit_test(command_line_checks),
		cmocka_unit_test(host_time_is_informational),
		cmocka_unit_test(statuses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
