/* SPDX-License-Identifier: MIT */
/* Sweeps: parsing KEY=v1,v2,..., the product and its order (first dimension slowest),
 * overflow, and the rules for keys and variable values. */
#include "tests/support/test.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "host-shim/bench/bench.h"

static void parse_dimensions(void **state)
{
	bench_sweep_t sw = { 0 };
	iommusim_error_t err = { 0 };
	(void)state;
	assert_int_equal(bench_sweep_count(&sw), 1);            /* no dimension: one point */
	assert_int_equal(bench_sweep_add(&sw, "drv.vtd.flush=strict,batched,deferred", &err), 0);
	assert_int_equal(bench_sweep_add(&sw, "size=4K,2M", &err), 0);
	assert_int_equal(sw.ndims, 2);
	assert_string_equal(sw.dims[0].key, "drv.vtd.flush");
	assert_int_equal(sw.dims[0].nvalues, 3);
	assert_string_equal(sw.dims[0].values[2], "deferred");
	assert_string_equal(sw.dims[1].values[1], "2M");
	assert_non_null(bench_sweep_find(&sw, "size"));
	assert_null(bench_sweep_find(&sw, "siz"));
	assert_int_equal(bench_sweep_count(&sw), 6);
	/* a key once */
	assert_int_equal(bench_sweep_add(&sw, "size=1G", &err), -EEXIST);
	assert_non_null(strstr(err.msg, "size"));
	bench_sweep_free(&sw);
	assert_int_equal(sw.ndims, 0);
}

static void product_order(void **state)
{
	bench_sweep_t sw = { 0 };
	iommusim_error_t err = { 0 };
	const char *v[3];
	/* nested loops: a outermost, c innermost */
	static const char *const want[12][3] = {
		{ "1", "x", "p" }, { "1", "x", "q" }, { "1", "y", "p" }, { "1", "y", "q" },
		{ "1", "z", "p" }, { "1", "z", "q" }, { "2", "x", "p" }, { "2", "x", "q" },
		{ "2", "y", "p" }, { "2", "y", "q" }, { "2", "z", "p" }, { "2", "z", "q" },
	};
	(void)state;
	assert_int_equal(bench_sweep_add(&sw, "a=1,2", &err), 0);
	assert_int_equal(bench_sweep_add(&sw, "b=x,y,z", &err), 0);
	assert_int_equal(bench_sweep_add(&sw, "c=p,q", &err), 0);
	assert_int_equal(bench_sweep_count(&sw), 12);
	for (size_t i = 0; i < 12; i++) {
		assert_int_equal(bench_sweep_point(&sw, i, v), 0);
		for (int k = 0; k < 3; k++)
			assert_string_equal(v[k], want[i][k]);
	}
	assert_int_equal(bench_sweep_point(&sw, 12, v), -ERANGE);
	bench_sweep_free(&sw);
	/* no dimension: exactly point 0 */
	assert_int_equal(bench_sweep_point(&sw, 0, v), 0);
	assert_int_equal(bench_sweep_point(&sw, 1, v), -ERANGE);
	assert_int_equal(bench_sweep_point(NULL, 0, v), 0);
}

static void bad_specs(void **state)
{
	static const struct {
		const char *spec, *needle;
		int rc;
	} bad[] = {
		{ "size", "KEY=v1", -EINVAL },
		{ "=1,2", "KEY=v1", -EINVAL },
		{ "size=", "empty value", -EINVAL },
		{ "size=1,,2", "empty value", -EINVAL },
		{ "size=1,2,", "empty value", -EINVAL },
		{ "size=1,2,1", "twice", -EINVAL },
		{ "a b=1", "bad key", -EINVAL },
		{ ".x=1", "bad key", -EINVAL },
		{ "x.=1", "bad key", -EINVAL },
		{ "x..y=1", "bad key", -EINVAL },
		{ "9x=1", "bad key", -EINVAL },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		bench_sweep_t sw = { 0 };
		iommusim_error_t err = { 0 };
		assert_int_equal(bench_sweep_add(&sw, bad[i].spec, &err), bad[i].rc);
		if (!strstr(err.msg, bad[i].needle))
			fail_msg("'%s': '%s' lacks '%s'", bad[i].spec, err.msg, bad[i].needle);
		assert_int_equal(sw.ndims, 0);
		bench_sweep_free(&sw);
	}
}

static void overflow_is_reported(void **state)
{
	bench_sweep_t sw = { 0 };
	iommusim_error_t err = { 0 };
	char spec[4096];
	const char *v[32];
	(void)state;
	/* 16 dimensions of 16 values: 2^64 points do not fit a size_t */
	for (int d = 0; d < 16; d++) {
		size_t n = (size_t)snprintf(spec, sizeof(spec), "k%d=", d);
		for (int i = 0; i < 16; i++)
			n += (size_t)snprintf(spec + n, sizeof(spec) - n, "%s%d", i ? "," : "", i);
		assert_int_equal(bench_sweep_add(&sw, spec, &err), 0);
	}
	assert_true(bench_sweep_count(&sw) == SIZE_MAX);
	assert_int_equal(bench_sweep_point(&sw, 0, v), -ERANGE);
	bench_sweep_free(&sw);
}

static void keys_and_values(void **state)
{
	(void)state;
	assert_true(bench_key_is_param("drv.vtd.flush"));
	assert_false(bench_key_is_param("size"));
	assert_true(bench_var_name_ok("flows"));
	assert_true(bench_var_name_ok("_x9"));
	assert_false(bench_var_name_ok("9x"));
	assert_false(bench_var_name_ok("a.b"));
	assert_false(bench_var_name_ok(""));
	assert_true(bench_var_value_ok("4K"));
	assert_true(bench_var_value_ok("0x1000"));
	assert_true(bench_var_value_ok("FIXED_IOVA|READABLE"));
	assert_true(bench_var_value_ok("100Gb/s"));
	assert_true(bench_var_value_ok("-1"));
	/* would change the line's shape: blanks, comments, quotes, results, another ${} */
	assert_false(bench_var_value_ok("a b"));
	assert_false(bench_var_value_ok("a#b"));
	assert_false(bench_var_value_ok("\"x\""));
	assert_false(bench_var_value_ok("x=1"));
	assert_false(bench_var_value_ok("${y}"));
	assert_false(bench_var_value_ok("a\nb"));
	assert_false(bench_var_value_ok(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_dimensions),
		cmocka_unit_test(product_order),
		cmocka_unit_test(bad_specs),
		cmocka_unit_test(overflow_is_reported),
		cmocka_unit_test(keys_and_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
