/* SPDX-License-Identifier: MIT */
/* compare: the verdict of one metric (direction, threshold edges, zero and undefined
 * bases), threshold parsing, and whole documents built here by hand: identical, a worse
 * cost, a worse benefit, informational metrics, --metric, and every mismatch that must be
 * an error. */
#include "tests/support/test.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "host-shim/bench/bench.h"

static void verdicts(void **state)
{
	double ch;
	(void)state;
	/* a cost (lower is better) */
	assert_int_equal(bench_judge(100, 100, BENCH_LOWER, 0, &ch), BENCH_SAME);
	assert_true(ch == 0);
	assert_int_equal(bench_judge(100, 90, BENCH_LOWER, 0, &ch), BENCH_BETTER);
	assert_true(ch == -0.1);
	assert_int_equal(bench_judge(100, 101, BENCH_LOWER, 0, &ch), BENCH_WORSE);
	assert_true(ch == 0.01);
	/* threshold edges: exactly at the threshold is allowed, beyond it is not */
	assert_int_equal(bench_judge(100, 102, BENCH_LOWER, 0.02, &ch), BENCH_WORSE_OK);
	assert_int_equal(bench_judge(100, 102.5, BENCH_LOWER, 0.02, &ch), BENCH_WORSE);
	assert_int_equal(bench_judge(100, 101.9, BENCH_LOWER, 0.02, &ch), BENCH_WORSE_OK);
	/* threshold 0: the smallest worsening counts */
	assert_int_equal(bench_judge(2108, 2109, BENCH_LOWER, 0, &ch), BENCH_WORSE);
	assert_int_equal(bench_judge(1e12, 1e12 + 1, BENCH_LOWER, 0, &ch), BENCH_WORSE);
	/* a benefit (higher is better): the mirror image */
	assert_int_equal(bench_judge(40, 30, BENCH_HIGHER, 0.2, &ch), BENCH_WORSE);
	assert_true(ch == -0.25);
	assert_int_equal(bench_judge(40, 34, BENCH_HIGHER, 0.2, &ch), BENCH_WORSE_OK);
	assert_int_equal(bench_judge(40, 50, BENCH_HIGHER, 0, &ch), BENCH_BETTER);
	assert_true(ch == 0.25);
	/* base 0: any increase of a cost is infinitely worse */
	assert_int_equal(bench_judge(0, 1, BENCH_LOWER, 1000, &ch), BENCH_WORSE);
	assert_true(isinf(ch) && ch > 0);
	assert_int_equal(bench_judge(0, 1, BENCH_HIGHER, 0, &ch), BENCH_BETTER);
	assert_int_equal(bench_judge(0, -1, BENCH_HIGHER, 0, &ch), BENCH_WORSE);
	assert_true(isinf(ch) && ch < 0);
	/* negative bases: relative to |base| */
	assert_int_equal(bench_judge(-10, -5, BENCH_LOWER, 0, &ch), BENCH_WORSE);
	assert_true(ch == 0.5);
	/* undefined values */
	assert_int_equal(bench_judge(NAN, NAN, BENCH_LOWER, 0, &ch), BENCH_SAME);
	assert_int_equal(bench_judge(NAN, 1, BENCH_LOWER, 0, &ch), BENCH_UNDEFINED);
	assert_int_equal(bench_judge(1, NAN, BENCH_HIGHER, 0.5, &ch), BENCH_UNDEFINED);
	assert_true(isnan(ch));
}

static void thresholds(void **state)
{
	double f;
	iommusim_error_t err = { 0 };
	(void)state;
	assert_int_equal(bench_threshold_parse("2%", &f, &err), 0);
	assert_true(f == 0.02);
	assert_int_equal(bench_threshold_parse("2", &f, &err), 0);
	assert_true(f == 0.02);
	assert_int_equal(bench_threshold_parse("0", &f, &err), 0);
	assert_true(f == 0);
	assert_int_equal(bench_threshold_parse("0.5%", &f, &err), 0);
	assert_true(f == 0.005);
	assert_int_equal(bench_threshold_parse("100%", &f, &err), 0);
	assert_true(f == 1);
	const char *bad[] = { "", "%", "-1", "2%%", "x", "1e2", "2 %", "0x10", "2000000" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(bench_threshold_parse(bad[i], &f, &err), -EINVAL);
		assert_non_null(strstr(err.msg, "percentage"));
	}
}

/* ---- documents built by hand ------------------------------------------------------------ */

static json_t *metric(double v, const char *unit, const char *better, bool info)
{
	return json_pack("{s:o, s:s, s:s, s:b}", "value", isnan(v) ? json_null() : json_real(v),
			 "unit", unit, "better", better, "informational", info);
}

/* Two runs of one scenario (flush=strict, flush=batched) with a cost, a benefit and an
 * informational metric. */
static json_t *doc(double cost_strict, double cost_batched, double gbps, double speed)
{
	json_t *runs = json_array();
	const char *pols[2] = { "strict", "batched" };
	for (int i = 0; i < 2; i++) {
		json_t *m = json_object();
		json_object_set_new(m, "inval_cycles", metric(i ? cost_batched : cost_strict,
							      "cycles", "lower", false));
		json_object_set_new(m, "gbps", metric(gbps, "Gb/s", "higher", false));
		json_object_set_new(m, "speed", metric(speed, "ops/s", "higher", true));
		json_array_append_new(runs, json_pack("{s:s, s:{s:s}, s:s, s:o, s:{s:i}}",
						      "scenario", "s/flush.stream", "point",
						      "drv.vtd.flush", pols[i], "status", "ok",
						      "metrics", m, "parameters", "vtd.iotlb.sets", 16));
	}
	return json_pack("{s:s, s:i, s:{s:s, s:s}, s:[{s:s, s:s}], s:o}", "schema",
			 "iommusim-bench", "schema_version", BENCH_SCHEMA_VERSION, "tool", "name",
			 "iommusim", "version", "0.1.0", "inputs", "path", "s/flush.stream",
			 "sha256", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
			 "runs", runs);
}

static json_t *run_metric(json_t *d, size_t run, const char *name)
{
	return json_object_get(json_object_get(json_array_get(json_object_get(d, "runs"), run),
					       "metrics"), name);
}

static void identical_documents(void **state)
{
	json_t *a = doc(2108, 1500, 40, 1e6), *b = doc(2108, 1500, 40, 5e5);
	bench_cmp_opts_t o = { .threshold = 0 };
	bench_cmp_t c;
	iommusim_error_t err = { 0 };
	(void)state;
	assert_int_equal(bench_compare(a, b, &o, &c, &err), 0);
	assert_int_equal(c.nrows, 6);
	assert_int_equal(c.regressions, 0);   /* the informational speed halved: not counted */
	for (size_t i = 0; i < c.nrows; i++) {
		if (strcmp(c.rows[i].metric, "speed") == 0) {
			assert_false(c.rows[i].gated);
			assert_int_equal(c.rows[i].verdict, BENCH_WORSE);
		} else {
			assert_true(c.rows[i].gated);
			assert_int_equal(c.rows[i].verdict, BENCH_SAME);
		}
	}
	assert_string_equal(c.rows[0].scenario, "s/flush.stream");
	assert_string_equal(c.rows[0].point, "drv.vtd.flush=strict");
	assert_string_equal(c.rows[3].point, "drv.vtd.flush=batched");
	/* the table names the regressions and the summary */
	char buf[8192];
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	bench_cmp_print(f, &c, 0, false);
	fclose(f);
	assert_non_null(strstr(buf, "s/flush.stream [drv.vtd.flush=strict]"));
	assert_non_null(strstr(buf, "no regression"));
	assert_null(strstr(buf, "REGRESSION"));
	bench_cmp_free(&c);
	json_decref(a);
	json_decref(b);
}

static void worse_cost_and_benefit(void **state)
{
	json_t *a = doc(2108, 1500, 40, 1e6), *b = doc(2108, 1530, 39, 1e6);
	bench_cmp_t c;
	iommusim_error_t err = { 0 };
	char buf[8192];
	(void)state;
	/* threshold 0: the batched cost (+2 %) and the bandwidth (-2.5 %, both runs) regress */
	bench_cmp_opts_t o = { .threshold = 0 };
	assert_int_equal(bench_compare(a, b, &o, &c, &err), 0);
	assert_int_equal(c.regressions, 3);
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	bench_cmp_print(f, &c, 0, true);
	fclose(f);
	assert_non_null(strstr(buf, "3 regressions"));
	assert_non_null(strstr(buf, "REGRESSION s/flush.stream [drv.vtd.flush=batched]: "
				    "inval_cycles (cycles, better lower): 1500 -> 1530 (+2.00%)"));
	assert_non_null(strstr(buf, "REGRESSION s/flush.stream [drv.vtd.flush=strict]: gbps "
				    "(Gb/s, better higher): 40 -> 39 (-2.50%)"));
	assert_null(strstr(buf, "verdict"));   /* quiet: no table */
	bench_cmp_free(&c);
	/* 2 %: the cost sits on the threshold (allowed), the bandwidth is beyond it */
	o.threshold = 0.02;
	assert_int_equal(bench_compare(a, b, &o, &c, &err), 0);
	assert_int_equal(c.regressions, 2);
	bench_cmp_free(&c);
	/* 3 %: nothing */
	o.threshold = 0.03;
	assert_int_equal(bench_compare(a, b, &o, &c, &err), 0);
	assert_int_equal(c.regressions, 0);
	bench_cmp_free(&c);
	/* the same change the other way round is an improvement */
	o.threshold = 0;
	assert_int_equal(bench_compare(b, a, &o, &c, &err), 0);
	assert_int_equal(c.regressions, 0);
	bench_cmp_free(&c);
	json_decref(a);
	json_decref(b);
}

static void metric_selection_and_undefined(void **state)
{
	json_t *a = doc(2108, 1500, 40, 1e6), *b = doc(2108, 1500, 40, 5e5);
	bench_cmp_t c;
	iommusim_error_t err = { 0 };
	(void)state;
	/* naming an informational metric gates it */
	const char *only_speed[] = { "speed" };
	bench_cmp_opts_t o = { .threshold = 0, .metrics = only_speed, .nmetrics = 1 };
	assert_int_equal(bench_compare(a, b, &o, &c, &err), 0);
	assert_int_equal(c.nrows, 2);
	assert_int_equal(c.regressions, 2);
	bench_cmp_free(&c);
	/* a metric no run has */
	const char *nosuch[] = { "nosuch" };
	o.metrics = nosuch;
	assert_int_equal(bench_compare(a, b, &o, &c, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "no run has a metric 'nosuch'"));
	/* a value that became undefined is a regression; undefined on both sides is not */
	json_object_set_new(run_metric(b, 0, "inval_cycles"), "value", json_null());
	o = (bench_cmp_opts_t){ .threshold = 0.5 };
	assert_int_equal(bench_compare(a, b, &o, &c, &err), 0);
	assert_int_equal(c.regressions, 1);
	assert_int_equal(c.rows[0].verdict, BENCH_UNDEFINED);
	bench_cmp_free(&c);
	json_object_set_new(run_metric(a, 0, "inval_cycles"), "value", json_null());
	assert_int_equal(bench_compare(a, b, &o, &c, &err), 0);
	assert_int_equal(c.regressions, 0);
	bench_cmp_free(&c);
	json_decref(a);
	json_decref(b);
}

static void notes(void **state)
{
	json_t *a = doc(1, 1, 1, 1), *b = doc(1, 1, 1, 1);
	bench_cmp_t c;
	iommusim_error_t err = { 0 };
	(void)state;
	json_object_set_new(json_object_get(b, "tool"), "version", json_string("0.2.0"));
	json_object_set_new(json_object_get(json_array_get(json_object_get(b, "runs"), 1),
					    "parameters"), "vtd.iotlb.sets", json_integer(32));
	bench_cmp_opts_t o = { 0 };
	assert_int_equal(bench_compare(a, b, &o, &c, &err), 0);
	assert_int_equal(c.regressions, 0);
	assert_int_equal(c.nnotes, 2);
	assert_string_equal(c.notes[0], "tool version 0.1.0 in BASE, 0.2.0 in NEW");
	assert_string_equal(c.notes[1], "parameter vtd.iotlb.sets differs: 16 in BASE, 32 in NEW");
	bench_cmp_free(&c);
	json_decref(a);
	json_decref(b);
}

/* Each mutation of NEW must make compare fail with a message holding the needle. */
static void mismatches_are_errors(void **state)
{
	bench_cmp_opts_t o = { 0 };
	(void)state;
	for (int k = 0; k < 12; k++) {
		json_t *a = doc(1, 2, 3, 4), *b = doc(1, 2, 3, 4);
		json_t *runs = json_object_get(b, "runs"), *r0 = json_array_get(runs, 0);
		const char *needle = NULL;
		switch (k) {
		case 0:
			json_object_set_new(b, "schema", json_string("other"));
			needle = "NEW: not an iommusim bench result";
			break;
		case 1:
			json_object_set_new(b, "schema_version", json_integer(99));
			needle = "NEW: schema_version 99";
			break;
		case 2:
			json_object_set_new(json_array_get(json_object_get(b, "inputs"), 0), "sha256",
					    json_string("f123456789abcdef0123456789abcdef0123456789abcdef"
							"0123456789abcdef"));
			needle = "scenario s/flush.stream differs between the results";
			break;
		case 3:
			json_object_set_new(json_array_get(json_object_get(b, "inputs"), 0), "path",
					    json_string("s/other.stream"));
			needle = "scenario s/flush.stream is in BASE only";
			break;
		case 4:
			json_array_remove(runs, 1);
			needle = "run s/flush.stream [drv.vtd.flush=batched] is in BASE only";
			break;
		case 5:
			json_object_set_new(json_object_get(r0, "point"), "drv.vtd.flush",
					    json_string("deferred"));
			needle = "[drv.vtd.flush=strict] is in BASE only";
			break;
		case 6:
			json_object_set_new(r0, "status", json_string("mismatch"));
			needle = "the run in NEW has status mismatch";
			break;
		case 7:
			json_object_del(json_object_get(r0, "metrics"), "inval_cycles");
			needle = "metric inval_cycles is in BASE only";
			break;
		case 8:
			json_object_set_new(json_object_get(r0, "metrics"), "extra",
					    metric(1, "x", "lower", false));
			needle = "metric extra is in NEW only";
			break;
		case 9:
			json_object_set_new(json_object_get(json_object_get(r0, "metrics"), "gbps"),
					    "better", json_string("lower"));
			needle = "metric gbps is measured in Gb/s (better higher) in BASE but Gb/s "
				 "(better lower) in NEW";
			break;
		case 10:
			json_object_set_new(json_object_get(json_object_get(r0, "metrics"), "gbps"),
					    "value", json_string("fast"));
			needle = "NEW: runs[0].metrics.gbps: \"value\" missing or not a number";
			break;
		case 11:
			json_array_append(runs, r0);
			needle = "appears 2 times in NEW";
			break;
		}
		bench_cmp_t c;
		iommusim_error_t err = { 0 };
		assert_int_equal(bench_compare(a, b, &o, &c, &err), -EINVAL);
		if (!strstr(err.msg, needle))
			fail_msg("case %d: '%s' lacks '%s'", k, err.msg, needle);
		assert_null(c.rows);
		json_decref(a);
		json_decref(b);
	}
	/* an informational metric present on one side only is not an error */
	json_t *a = doc(1, 2, 3, 4), *b = doc(1, 2, 3, 4);
	json_object_del(json_object_get(json_array_get(json_object_get(b, "runs"), 0), "metrics"),
			"speed");
	bench_cmp_t c;
	iommusim_error_t err = { 0 };
	assert_int_equal(bench_compare(a, b, &o, &c, &err), 0);
	assert_int_equal(c.nrows, 5);
	bench_cmp_free(&c);
	json_decref(a);
	json_decref(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(verdicts),
		cmocka_unit_test(thresholds),
		cmocka_unit_test(identical_documents),
		cmocka_unit_test(worse_cost_and_benefit),
		cmocka_unit_test(metric_selection_and_undefined),
		cmocka_unit_test(notes),
		cmocka_unit_test(mismatches_are_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
