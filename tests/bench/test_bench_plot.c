/* SPDX-License-Identifier: MIT */
/* Sweep plots: the gnuplot script made from a result document built here by hand (the x
 * key, the lines, the data in x order, undefined values, quoting, the axis), its errors,
 * and running gnuplot (or failing clearly without it). */
#include "tests/support/test.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "host-shim/bench/bench.h"

static json_t *run(const char *scenario, const char *flush, const char *size, double cyc,
		   double speed)
{
	json_t *m = json_pack("{s:{s:o, s:s, s:s, s:b}, s:{s:f, s:s, s:s, s:b}}",
			      "cycles", "value", isnan(cyc) ? json_null() : json_real(cyc), "unit",
			      "cycles", "better", "lower", "informational", false,
			      "speed", "value", speed, "unit", "ops/s", "better", "higher",
			      "informational", true);
	json_t *pt = json_object();
	if (flush)
		json_object_set_new(pt, "drv.vtd.flush", json_string(flush));
	if (size)
		json_object_set_new(pt, "size", json_string(size));
	return json_pack("{s:s, s:o, s:s, s:o}", "scenario", scenario, "point", pt, "status", "ok",
			 "metrics", m);
}

static json_t *doc_of(json_t *runs)
{
	return json_pack("{s:s, s:i, s:{s:s}, s:[], s:o}", "schema", "iommusim-bench",
			 "schema_version", BENCH_SCHEMA_VERSION, "tool", "version", "0.1.0",
			 "inputs", "runs", runs);
}

/* size against cycles, one line per policy; the 2M point of batched comes first on
 * purpose (the script must sort by x) */
static json_t *sweep_doc(void)
{
	return doc_of(json_pack("[o, o, o, o, o, o]",
				run("b/f.stream", "strict", "4K", 2108, 1),
				run("b/f.stream", "strict", "2M", 2200, 1),
				run("b/f.stream", "strict", "1G", 2300, 1),
				run("b/f.stream", "batched", "2M", 1900, 1),
				run("b/f.stream", "batched", "4K", 1800, 1),
				run("b/f.stream", "batched", "1G", NAN, 1)));
}

static char *script_ok(const json_t *doc, const bench_plot_opts_t *o)
{
	char *s = NULL;
	iommusim_error_t err = { 0 };
	if (bench_plot_script(doc, o, &s, &err))
		fail_msg("script: %s", err.msg);
	return s;
}

static void numeric_sweep(void **state)
{
	(void)state;
	json_t *d = sweep_doc();
	bench_plot_opts_t o = { .out = "/tmp/it's.svg" };
	char *s = script_ok(d, &o);
	assert_non_null(strstr(s, "set terminal svg"));
	assert_non_null(strstr(s, "set output '/tmp/it''s.svg'\n"));   /* quote doubled */
	/* the first non-informational metric, against the first all-numeric key */
	assert_non_null(strstr(s, "set title 'cycles against size'\n"));
	assert_non_null(strstr(s, "set ylabel 'cycles (cycles)'\n"));
	assert_non_null(strstr(s, "set xlabel 'size'\n"));
	/* 4K .. 1G spans orders of magnitude */
	assert_non_null(strstr(s, "set logscale x 2\n"));
	/* one datablock per policy, in x order, with the undefined point as NaN */
	assert_non_null(strstr(s, "$d0 << EOD\n4096 2108\n2097152 2200\n1073741824 2300\nEOD\n"));
	assert_non_null(strstr(s, "$d1 << EOD\n4096 1800\n2097152 1900\n1073741824 NaN\nEOD\n"));
	assert_non_null(strstr(s, "plot $d0 using 1:2 with linespoints lw 2 pt 7 title "
				  "'drv.vtd.flush=strict', $d1 using 1:2 with linespoints lw 2 pt 7 "
				  "title 'drv.vtd.flush=batched'\n"));
	free(s);

	/* an informational metric may be asked for by name */
	o.metric = "speed";
	s = script_ok(d, &o);
	assert_non_null(strstr(s, "set ylabel 'speed (ops/s)'"));
	free(s);
	json_decref(d);
}

static void categorical_axis(void **state)
{
	(void)state;
	json_t *d = sweep_doc();
	bench_plot_opts_t o = { .out = "x.svg", .x = "drv.vtd.flush" };
	char *s = script_ok(d, &o);
	assert_non_null(strstr(s, "set xtics ('strict' 0, 'batched' 1)\n"));
	assert_non_null(strstr(s, "set xrange [-0.5:1.5]\n"));
	assert_null(strstr(s, "logscale"));
	/* one line per size */
	assert_non_null(strstr(s, "title 'size=4K'"));
	assert_non_null(strstr(s, "title 'size=1G'"));
	assert_non_null(strstr(s, "$d0 << EOD\n0 2108\n1 1800\nEOD\n"));
	assert_non_null(strstr(s, "$d2 << EOD\n0 2300\n1 NaN\nEOD\n"));
	free(s);
	json_decref(d);
}

static void several_scenarios(void **state)
{
	(void)state;
	json_t *d = doc_of(json_pack("[o, o, o, o, o]", run("b/a.stream", NULL, "1", 1, 1),
				     run("b/a.stream", NULL, "2", 2, 1),
				     run("b/other.stream", NULL, "1", 3, 1),
				     run("b/other.stream", NULL, "2", 4, 1),
				     run("b/none.stream", NULL, "1", NAN, 1)));
	bench_plot_opts_t o = { .out = "x.svg" };
	char *s = script_ok(d, &o);
	/* a line without a single defined point is left out: gnuplot would refuse it */
	assert_non_null(strstr(s, "plot $d0 using 1:2 with linespoints lw 2 pt 7 title 'a', $d1 "
				  "using 1:2 with linespoints lw 2 pt 7 title 'other'\n"));
	assert_non_null(strstr(s, "$d2 << EOD\n1 NaN\nEOD\n"));
	assert_null(strstr(s, "logscale"));   /* 1 .. 2 is linear */
	free(s);
	json_decref(d);
}

static void errors(void **state)
{
	(void)state;
	iommusim_error_t err = { 0 };
	char *s = NULL;
	bench_plot_opts_t o = { .out = "x.svg" };

	json_t *flat = doc_of(json_pack("[o]", run("b/a.stream", NULL, NULL, 1, 1)));
	assert_int_equal(bench_plot_script(flat, &o, &s, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "no sweep"));
	json_decref(flat);

	json_t *d = sweep_doc();
	o.metric = "nosuch";
	assert_int_equal(bench_plot_script(d, &o, &s, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "no metric 'nosuch'"));
	o.metric = NULL;
	o.x = "drv.vtd.psi";
	assert_int_equal(bench_plot_script(d, &o, &s, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "--plot-x drv.vtd.psi: not a swept key"));
	json_decref(d);

	json_t *undef = doc_of(json_pack("[o, o]", run("b/a.stream", NULL, "1", NAN, 1),
					 run("b/a.stream", NULL, "2", NAN, 1)));
	o.x = NULL;
	assert_int_equal(bench_plot_script(undef, &o, &s, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "undefined in every run"));
	json_decref(undef);

	json_t *notdoc = json_object();
	assert_int_equal(bench_plot_script(notdoc, &o, &s, &err), -EINVAL);
	json_decref(notdoc);
	assert_null(s);
}

static void gnuplot_missing_is_clear(void **state)
{
	(void)state;
	char *old = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	iommusim_error_t err = { 0 };
	setenv("PATH", "/nonexistent-dir", 1);
	assert_int_equal(bench_plot_run("set terminal svg\n", &err), -ENOENT);
	assert_non_null(strstr(err.msg, "gnuplot"));
	assert_non_null(strstr(err.msg, "gnuplot-nox"));
	if (old) {
		setenv("PATH", old, 1);
		free(old);
	}
}

static void gnuplot_draws(void **state)
{
	(void)state;
	const char *path = getenv("PATH");
	bool have = false;
	char buf[4096];
	/* the same PATH search the library does, to know whether to expect a drawing */
	while (path && *path && !have) {
		size_t n = strcspn(path, ":");
		snprintf(buf, sizeof(buf), "%.*s/gnuplot", (int)n, path);
		have = access(buf, X_OK) == 0;
		path += n + (path[n] == ':');
	}
	if (!have)
		skip();
	char out[] = "/tmp/iommusim-plot-test-XXXXXX";
	int fd = mkstemp(out);
	assert_true(fd >= 0);
	close(fd);
	json_t *d = sweep_doc();
	bench_plot_opts_t o = { .out = out };
	char *s = script_ok(d, &o);
	iommusim_error_t err = { 0 };
	assert_int_equal(bench_plot_run(s, &err), 0);
	FILE *f = fopen(out, "r");
	assert_non_null(f);
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_non_null(strstr(buf, "<svg"));
	free(s);
	/* a script gnuplot refuses is an error, not a crash */
	assert_int_equal(bench_plot_run("this is not gnuplot\n", &err), -EIO);
	assert_non_null(strstr(err.msg, "failed"));
	unlink(out);
	json_decref(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(numeric_sweep),
		cmocka_unit_test(categorical_axis),
		cmocka_unit_test(several_scenarios),
		cmocka_unit_test(errors),
		cmocka_unit_test(gnuplot_missing_is_clear),
		cmocka_unit_test(gnuplot_draws),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
