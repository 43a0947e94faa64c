/* SPDX-License-Identifier: MIT */
/* Bench scenarios: the "# bench:" declarations, their errors (file:line:col), the checks of
 * ${name} placeholders and their expansion. */
#include "tests/support/test.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host-shim/bench/bench.h"

static const char good[] =
	"iommusim-stream 1\n"
	"# a comment that is not a directive: bench: nothing\n"
	"# bench: var size=4K\n"
	"#bench: var n=3\n"
	"   #   bench: sweep size=4K,2M\n"
	"# bench: sweep drv.vtd.flush=strict,batched\n"
	"# bench: metric unmap_inval_cycles\n"
	"# bench: metric walks unit=reads better=higher = vtd.walks / (1 + ep0.dma)\n"
	"# bench: metric secs unit=s informational = bench.host_s\n"
	"system arch=vtd\n"
	"# bench: begin\n"
	"ioctl 3 IOMMU_IOAS_UNMAP ioas_id=1 iova=0 length=${size} # ${n} times\n"
	"# bench: end\r\n";

static void declarations(void **state)
{
	bench_scenario_t s;
	iommusim_error_t err = { 0 };
	(void)state;
	assert_int_equal(bench_scenario_parse(&s, good, strlen(good), "g.stream", &err), 0);
	assert_string_equal(s.path, "g.stream");
	assert_int_equal(s.len, strlen(good));
	assert_int_equal(s.nvars, 2);
	assert_string_equal(s.vars[0].key, "size");
	assert_string_equal(s.vars[0].value, "4K");
	assert_string_equal(s.vars[1].key, "n");
	assert_true(bench_scenario_has_var(&s, "n"));
	assert_false(bench_scenario_has_var(&s, "m"));
	assert_int_equal(s.sweep.ndims, 2);
	assert_string_equal(s.sweep.dims[0].key, "size");
	assert_string_equal(s.sweep.dims[1].values[1], "batched");
	assert_int_equal(s.begin_line, 11);
	assert_int_equal(s.end_line, 13);
	assert_int_equal(s.nmetrics, 3);
	/* a standard metric takes its definition from the table */
	const bench_std_metric_t *std = bench_std_find("unmap_inval_cycles");
	assert_non_null(std);
	assert_string_equal(s.metrics[0].name, "unmap_inval_cycles");
	assert_string_equal(s.metrics[0].expr_text, std->expr);
	assert_string_equal(s.metrics[0].unit, "cycles");
	assert_int_equal(s.metrics[0].better, BENCH_LOWER);
	assert_int_equal(s.metrics[0].line, 7);
	assert_string_equal(s.metrics[1].name, "walks");
	assert_string_equal(s.metrics[1].expr_text, "vtd.walks / (1 + ep0.dma)");
	assert_string_equal(s.metrics[1].unit, "reads");
	assert_int_equal(s.metrics[1].better, BENCH_HIGHER);
	assert_false(s.metrics[1].informational);
	assert_true(s.metrics[2].informational);
	assert_string_equal(s.metrics[2].unit, "s");
	/* the content hash of these exact bytes (sha256sum) */
	assert_string_equal(s.sha256,
			    "6e46d81da6ffdf02a2e9d2c940996f7bed85e78de273ebec4dee233818bdccbe");
	bench_scenario_free(&s);
}

static void expansion(void **state)
{
	bench_scenario_t s;
	iommusim_error_t err = { 0 };
	char *out = NULL;
	size_t len = 0;
	bench_kv_t vals[] = { { (char *)"size", (char *)"2M" } };
	(void)state;
	assert_int_equal(bench_scenario_parse(&s, good, strlen(good), "g.stream", &err), 0);
	assert_int_equal(bench_scenario_expand(&s, vals, 1, &out, &len, &err), 0);
	assert_int_equal(len, strlen(out));
	assert_non_null(strstr(out, "length=2M # 3 times\n"));
	assert_null(strstr(out, "${"));
	/* the rest is untouched: same length but for the two placeholders */
	assert_int_equal(len, strlen(good) - strlen("${size}") + 2 - strlen("${n}") + 1);
	free(out);
	/* defaults */
	assert_int_equal(bench_scenario_expand(&s, NULL, 0, &out, &len, &err), 0);
	assert_non_null(strstr(out, "length=4K # 3 times"));
	free(out);
	bench_scenario_free(&s);
}

struct bad_case {
	const char *body;       /* after the version line (line 1) */
	const char *needle;     /* the message holds this, "FILE:LINE[:COL]: " included */
};

static void errors_are_located(void **state)
{
	static const struct bad_case cases[] = {
		{ "system arch=vtd\n", "b.stream: declares no metric" },
		{ "# bench: metric\n", "b.stream:2:16: bench: metric: expected a metric name" },
		{ "# bench: metric 9x = 1\n", "b.stream:2:17: bench: metric: expected" },
		{ "# bench: metric nosuch\n", "b.stream:2:17: bench: metric 'nosuch' is not a "
					      "standard metric" },
		{ "# bench: metric x = 1\n", "b.stream:2:17: bench: metric x: say whether" },
		{ "# bench: metric x better=worse = 1\n", "b.stream:2:26: bench: metric x: better=" },
		{ "# bench: metric x color=red = 1\n", "b.stream:2:19: bench: metric x: unknown "
						       "attribute 'color=red'" },
		{ "# bench: metric x better=lower =\n", "nothing after '='" },
		{ "# bench: metric x better=lower = 1 +\n", "b.stream:2:37: bench: metric x: col 4: "
							    "expression ends" },
		{ "# bench: metric x better=lower = (a\n", "b.stream:2:36: bench: metric x: col 3" },
		{ "# bench: metric x better=lower = bench.host_s\n", "mark it informational" },
		{ "# bench: metric iotlb_hit_rate better=lower\n", "takes no attributes" },
		{ "# bench: metric a better=lower = 1\n# bench: metric a better=lower = 2\n",
		  "b.stream:3:17: bench: metric 'a' is declared twice" },
		{ "# bench: metric host_ms better=lower = 1\n", "every run has it already" },
		{ "# bench: metric a better=lower = 1\n# bench: var 1x=2\n",
		  "b.stream:3:14: bench: var: bad name" },
		{ "# bench: metric a better=lower = 1\n# bench: var x=a b\n",
		  "one NAME=DEFAULT per line" },
		{ "# bench: metric a better=lower = 1\n# bench: var x=\n", "bad default" },
		{ "# bench: metric a better=lower = 1\n# bench: var x\n", "expected NAME=DEFAULT" },
		{ "# bench: metric a better=lower = 1\n# bench: var x=1\n# bench: var x=2\n",
		  "b.stream:4:14: bench: var x is declared twice" },
		{ "# bench: metric a better=lower = 1\n# bench: var a.b=1\n", "dotted names" },
		{ "# bench: metric a better=lower = 1\n# bench: sweep x\n", "b.stream:3:16: bench: "
									     "sweep: 'x' is not" },
		{ "# bench: metric a better=lower = 1\n# bench: sweep x=1 y=2\n", "one KEY=v1" },
		{ "# bench: metric a better=lower = 1\n# bench: sweep y=1,2\n",
		  "sweep of 'y', which is neither" },
		{ "# bench: metric a better=lower = 1\n# bench: var y=1\n# bench: sweep y=1,a#b\n",
		  "bad value 'a#b'" },
		{ "# bench: metric a better=lower = 1\n# bench: frobnicate\n",
		  "b.stream:3:10: bench: unknown directive 'frobnicate'" },
		{ "# bench: metric a better=lower = 1\n# bench: begin\n# bench: begin\n",
		  "b.stream:4:10: bench: begin given twice (first at line 3)" },
		{ "# bench: metric a better=lower = 1\n# bench: end\n# bench: end\n",
		  "end given twice" },
		{ "# bench: metric a better=lower = 1\n# bench: end\n# bench: begin\n",
		  "begin after end (line 3)" },
		{ "# bench: metric a better=lower = 1\n# bench: begin now\n", "takes nothing" },
		{ "# bench: metric a better=lower = 1\nx len=${len}\n",
		  "b.stream:3:7: ${len} is not declared" },
		{ "# bench: metric a better=lower = 1\nx len=${len\n", "b.stream:3:7: '${' without" },
		{ "# bench: metric a better=lower = 1\nx len=${9}\n", "bad variable name" },
	};
	char text[1024];
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bench_scenario_t s;
		iommusim_error_t err = { 0 };
		snprintf(text, sizeof(text), "iommusim-stream 1\n%s", cases[i].body);
		int rc = bench_scenario_parse(&s, text, strlen(text), "b.stream", &err);
		if (rc != -EINVAL)
			fail_msg("case %zu parsed (rc %d)", i, rc);
		if (!strstr(err.msg, cases[i].needle))
			fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, cases[i].needle);
		assert_null(s.metrics);
		assert_null(s.text);
	}
}

static void bad_bytes_and_files(void **state)
{
	bench_scenario_t s;
	iommusim_error_t err = { 0 };
	static const char nul[] = "iommusim-stream 1\n# bench: metric a\0 = 1\n";
	(void)state;
	assert_int_equal(bench_scenario_parse(&s, nul, sizeof(nul) - 1, "n.stream", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "NUL"));
	assert_int_equal(bench_scenario_load(&s, "/nonexistent/x.stream", &err), -ENOENT);
	assert_non_null(strstr(err.msg, "/nonexistent/x.stream: cannot open"));
	/* loading a file gives what parsing its bytes gives */
	char path[] = "/tmp/iommusim-bench-test-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs(good, f);
	fclose(f);
	assert_int_equal(bench_scenario_load(&s, path, &err), 0);
	assert_string_equal(s.path, path);
	assert_int_equal(s.nmetrics, 3);
	assert_string_equal(s.sha256,
			    "6e46d81da6ffdf02a2e9d2c940996f7bed85e78de273ebec4dee233818bdccbe");
	bench_scenario_free(&s);
	unlink(path);
}

static void standard_metrics_table(void **state)
{
	size_t n, na;
	const bench_std_metric_t *m = bench_std_metrics(&n);
	const bench_std_metric_t *a = bench_auto_metrics(&na);
	(void)state;
	assert_true(n >= 10);
	/* every expression parses, names are unique, host time only in informational ones */
	for (size_t i = 0; i < n + na; i++) {
		const bench_std_metric_t *x = i < n ? &m[i] : &a[i - n];
		bench_expr_t *e = NULL;
		iommusim_error_t err = { 0 };
		if (bench_expr_parse(x->expr, &e, NULL, &err))
			fail_msg("%s: %s", x->name, err.msg);
		if (bench_expr_uses(e, "bench.host"))
			assert_true(x->informational);
		bench_expr_free(e);
		for (size_t k = 0; k < i; k++) {
			const bench_std_metric_t *y = k < n ? &m[k] : &a[k - n];
			assert_string_not_equal(x->name, y->name);
		}
		if (i < n)
			assert_ptr_equal(bench_std_find(x->name), x);
	}
	/* the automatic ones are not usable by name, and are informational */
	for (size_t i = 0; i < na; i++) {
		assert_null(bench_std_find(a[i].name));
		assert_true(a[i].informational);
	}
	assert_null(bench_std_find("nosuch"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(declarations),
		cmocka_unit_test(expansion),
		cmocka_unit_test(errors_are_located),
		cmocka_unit_test(bad_bytes_and_files),
		cmocka_unit_test(standard_metrics_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
