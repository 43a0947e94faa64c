/* SPDX-License-Identifier: MIT */
/* Metric expressions: parsing, precedence, errors with columns, evaluation over a table of
 * names, undefined values, counter patterns. Expected values are computed by hand. */
#include "tests/support/test.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "host-shim/bench/bench.h"

/* A fixed table of names: the environment the expressions see. */
struct entry {
	const char *name;
	double value;
};

static const struct entry table[] = {
	{ "vtd.iotlb.hit", 30 },      { "vtd.iotlb.miss", 10 },    { "ep0.dma.bytes", 8192 },
	{ "nic.dma.bytes", 4096 },    { "traffic.rx.dma.bytes", 1 << 20 },
	{ "vtd.req.ats", 2 },         { "vtd.req.untranslated", 5 }, { "vtd0.req.ats", 7 },
	{ "zero", 0 },                { "bench.sim_ns", 2000 },     { "h.p50", 112 },
};

static int tlookup(void *ctx, const char *name, double *v, iommusim_error_t *err)
{
	(void)ctx;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(table[i].name, name) == 0) {
			*v = table[i].value;
			return 0;
		}
	return iommusim_error_set(err, -ENOENT, "unknown statistic '%s'", name);
}

static void teach(void *ctx, bench_visit_fn fn, void *arg)
{
	(void)ctx;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		fn(arg, table[i].name, table[i].value);
}

static const bench_env_t env = { .lookup = tlookup, .each = teach };

static double eval_ok(const char *text)
{
	bench_expr_t *e = NULL;
	iommusim_error_t err = { 0 };
	double v = -12345;
	int rc = bench_expr_parse(text, &e, NULL, &err);
	if (rc)
		fail_msg("parse '%s': %s", text, err.msg);
	rc = bench_expr_eval(e, &env, &v, &err);
	if (rc)
		fail_msg("eval '%s': %s", text, err.msg);
	bench_expr_free(e);
	return v;
}

static unsigned parse_fails_at(const char *text, const char *needle)
{
	bench_expr_t *e = NULL;
	iommusim_error_t err = { 0 };
	unsigned col = 0;
	int rc = bench_expr_parse(text, &e, &col, &err);
	if (rc != -EINVAL)
		fail_msg("'%s' parsed (rc %d)", text, rc);
	assert_null(e);
	if (!strstr(err.msg, needle))
		fail_msg("'%s': message '%s' lacks '%s'", text, err.msg, needle);
	return col;
}

static void arithmetic_and_precedence(void **state)
{
	(void)state;
	assert_true(eval_ok("1 + 2 * 3") == 7);
	assert_true(eval_ok("(1 + 2) * 3") == 9);
	assert_true(eval_ok("10 - 4 - 3") == 3);          /* left-associative */
	assert_true(eval_ok("64 / 4 / 2") == 8);
	assert_true(eval_ok("-2 * -3") == 6);
	assert_true(eval_ok("- (1 + 1)") == -2);
	assert_true(eval_ok("2.5 * 4") == 10);
	assert_true(eval_ok(".5 + .25") == 0.75);
	assert_true(eval_ok("1e9 / 1e6") == 1000);
	assert_true(eval_ok("3E-3 * 1000") == 3);
	assert_true(eval_ok("9007199254740991") == 9007199254740991.0);
	assert_true(eval_ok("min(3, 4) + max(3, 4)") == 7);
	assert_true(eval_ok("max(-1, min(2, 1))") == 1);
}

static void names_and_statistics(void **state)
{
	(void)state;
	/* a hit rate by hand: 30 / (30 + 10) */
	assert_true(eval_ok("vtd.iotlb.hit / (vtd.iotlb.hit + vtd.iotlb.miss)") == 0.75);
	assert_true(eval_ok("h.p50*2") == 224);          /* '*' right after a name multiplies */
	assert_true(eval_ok("ep0.dma.bytes*8/bench.sim_ns") == 8192.0 * 8 / 2000);
	bench_expr_t *e = NULL;
	iommusim_error_t err = { 0 };
	double v;
	assert_int_equal(bench_expr_parse("vtd.nope + 1", &e, NULL, &err), 0);
	assert_int_equal(bench_expr_eval(e, &env, &v, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "vtd.nope"));
	assert_true(bench_expr_uses(e, "vtd."));
	assert_false(bench_expr_uses(e, "bench."));
	bench_expr_free(e);
}

static void division_by_zero_is_undefined(void **state)
{
	(void)state;
	assert_true(isnan(eval_ok("1 / zero")));
	assert_true(isnan(eval_ok("zero / zero")));
	assert_true(isnan(eval_ok("(1 / zero) + 5")));      /* propagates */
	assert_true(isnan(eval_ok("min(1 / zero, 3)")));
	assert_true(isnan(eval_ok("-(0 / 0)")));
	assert_true(eval_ok("zero / 5") == 0);
}

static void patterns_sum_counters(void **state)
{
	(void)state;
	/* '*' stays in one segment: traffic.rx.dma.bytes has four segments and is not summed */
	assert_true(eval_ok("sum(*.dma.bytes)") == 8192 + 4096);
	assert_true(eval_ok("sum(vtd*.req.*)") == 2 + 5 + 7);
	assert_true(eval_ok("sum(vtd.req.*)") == 2 + 5);
	assert_true(eval_ok("sum(*.*.dma.bytes)") == 1 << 20);
	assert_true(eval_ok("sum(nothing.*)") == 0);
	assert_true(eval_ok("sum( ep0.dma.bytes ) * 2") == 16384);

	assert_true(bench_glob_match("a.*.c", "a.bb.c"));
	assert_true(bench_glob_match("a.*.c", "a..c"));   /* '*' may be empty */
	assert_false(bench_glob_match("a.*.c", "a.b.b.c"));
	assert_true(bench_glob_match("*", "abc"));
	assert_false(bench_glob_match("*", "a.b"));
	assert_true(bench_glob_match("x*y*z", "xaaybbz"));
	assert_false(bench_glob_match("x*y", "xy.y"));
	assert_true(bench_glob_match("", ""));
	assert_false(bench_glob_match("", "a"));
}

static void syntax_errors_have_columns(void **state)
{
	(void)state;
	assert_int_equal(parse_fails_at("1 +", "ends"), 4);
	assert_int_equal(parse_fails_at("(1 + 2", "expected ')'"), 7);
	assert_int_equal(parse_fails_at("1 2", "unexpected text"), 3);
	assert_int_equal(parse_fails_at("a..b", "empty segment"), 3);
	assert_int_equal(parse_fails_at("a.", "cannot end"), 2);
	assert_int_equal(parse_fails_at("foo(1)", "unknown function"), 1);
	assert_int_equal(parse_fails_at("min(1)", "two values"), 6);
	assert_int_equal(parse_fails_at("sum(1 + 2)", "sum()"), 7);
	assert_int_equal(parse_fails_at("sum()", "pattern"), 5);
	assert_int_equal(parse_fails_at("1e", "exponent"), 3);
	assert_int_equal(parse_fails_at("1e999", "exponent out of range"), 2);
	assert_int_equal(parse_fails_at("2x", "runs into a name"), 2);
	assert_int_equal(parse_fails_at("", "ends"), 1);
	assert_int_equal(parse_fails_at("1 % 2", "unexpected"), 3);
	assert_int_equal(parse_fails_at("$x", "expected a number"), 1);
	assert_int_equal(parse_fails_at("a * * b", "expected"), 5);
}

static void nesting_is_bounded(void **state)
{
	char deep[512];
	size_t n = 0;
	(void)state;
	for (int i = 0; i < 200; i++)
		deep[n++] = '(';
	deep[n++] = '1';
	for (int i = 0; i < 200; i++)
		deep[n++] = ')';
	deep[n] = '\0';
	parse_fails_at(deep, "nested too deeply");
	memset(deep, '-', 300);
	strcpy(deep + 300, "1");
	parse_fails_at(deep, "nested too deeply");
	/* a modest nesting is fine */
	assert_true(eval_ok("((((((((1))))))))") == 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(arithmetic_and_precedence),
		cmocka_unit_test(names_and_statistics),
		cmocka_unit_test(division_by_zero_is_undefined),
		cmocka_unit_test(patterns_sum_counters),
		cmocka_unit_test(syntax_errors_have_columns),
		cmocka_unit_test(nesting_is_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
