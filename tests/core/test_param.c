/* SPDX-License-Identifier: MIT */
#include "tests/support/test.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "iommusim/param.h"

static const char *const t_repl[] = { "lru", "plru", "rr", "random", NULL };

static const iommusim_param_def_t t_defs[] = {
	{ .name = "t.sets", .type = IOMMUSIM_PARAM_U64, .help = "IOTLB sets", .unit = "entries",
	  .def_u64 = 64, .min = 1, .max = 65536, .pow2 = true },
	{ .name = "t.latency", .type = IOMMUSIM_PARAM_U64, .help = "lookup latency", .unit = "ns",
	  .def_u64 = 100, .min = 0, .max = UINT64_MAX },
	{ .name = "t.small", .type = IOMMUSIM_PARAM_U64, .help = "a small number",
	  .def_u64 = 10, .min = 5, .max = 20 },
	{ .name = "t.ats", .type = IOMMUSIM_PARAM_BOOL, .help = "ATS enabled", .def_u64 = 1 },
	{ .name = "t.ratio", .type = IOMMUSIM_PARAM_DOUBLE, .help = "hit ratio",
	  .def_double = 0.5, .dmin = 0.0, .dmax = 1.0 },
	{ .name = "t.repl", .type = IOMMUSIM_PARAM_ENUM, .help = "replacement",
	  .def_u64 = 1, .choices = t_repl },
	{ .name = "t.label", .type = IOMMUSIM_PARAM_STRING, .help = "label",
	  .def_string = "dev0" },
};

static const iommusim_component_t t_comp = {
	.name = "t", .help = "test component", .params = t_defs,
	.nparams = sizeof(t_defs) / sizeof(t_defs[0]),
};

static const iommusim_param_def_t u_defs[] = {
	{ .name = "u.depth", .type = IOMMUSIM_PARAM_U64, .help = "queue depth",
	  .def_u64 = 8, .min = 1, .max = 1024 },
};

static const iommusim_component_t u_comp = {
	.name = "u", .help = "second component", .params = u_defs, .nparams = 1,
};

static iommusim_params_t *new_set(void)
{
	iommusim_error_t err = { 0 };
	iommusim_params_t *ps = iommusim_params_create();

	assert_non_null(ps);
	assert_int_equal(iommusim_params_add(ps, &t_comp, &err), 0);
	return ps;
}

/* Sets key=value and expects rc; on failure also expects every needle in the message. */
static void expect_set(iommusim_params_t *ps, const char *key, const char *value, int rc,
		       const char *n1, const char *n2, const char *n3)
{
	iommusim_error_t err = { 0 };
	int got = iommusim_params_set(ps, key, value, &err);

	if (got != rc)
		fail_msg("set %s=\"%s\": got %d want %d (%s)", key, value, got, rc, err.msg);
	if (rc) {
		assert_int_equal(err.code, rc);
		const char *needles[] = { n1, n2, n3 };
		for (int i = 0; i < 3; i++) {
			if (needles[i] && !strstr(err.msg, needles[i]))
				fail_msg("message \"%s\" lacks \"%s\"", err.msg, needles[i]);
		}
	}
}

static uint64_t u64_after(iommusim_params_t *ps, const char *key, const char *value)
{
	expect_set(ps, key, value, 0, NULL, NULL, NULL);
	return iommusim_params_u64(ps, key);
}

static void defaults(void **state)
{
	iommusim_params_t *ps = new_set();
	iommusim_error_t err = { 0 };
	(void)state;

	assert_int_equal(iommusim_params_u64(ps, "t.sets"), 64);
	assert_int_equal(iommusim_params_u64(ps, "t.latency"), 100);
	assert_true(iommusim_params_bool(ps, "t.ats"));
	assert_true(iommusim_params_double(ps, "t.ratio") == 0.5);
	assert_int_equal(iommusim_params_enum(ps, "t.repl"), 1);
	assert_string_equal(iommusim_params_string(ps, "t.label"), "dev0");
	assert_true(iommusim_params_has(ps, "t.sets"));
	assert_false(iommusim_params_has(ps, "t.set"));
	assert_false(iommusim_params_has(ps, "u.depth"));
	assert_false(iommusim_params_is_set(ps, "t.sets"));
	assert_int_equal(iommusim_params_check(ps, &err), 0);
	iommusim_params_destroy(ps);
}

static void u64_forms(void **state)
{
	iommusim_params_t *ps = new_set();
	(void)state;

	assert_int_equal(u64_after(ps, "t.latency", "0"), 0);
	assert_int_equal(u64_after(ps, "t.latency", "12345"), 12345);
	assert_int_equal(u64_after(ps, "t.latency", "010"), 10);      /* not octal */
	assert_int_equal(u64_after(ps, "t.latency", "+7"), 7);
	assert_int_equal(u64_after(ps, "t.latency", "-0"), 0);
	assert_int_equal(u64_after(ps, "t.latency", "0x10"), 16);
	assert_int_equal(u64_after(ps, "t.latency", "0XfF"), 255);
	assert_int_equal(u64_after(ps, "t.latency", "4K"), 4096);
	assert_int_equal(u64_after(ps, "t.latency", "4k"), 4096);
	assert_int_equal(u64_after(ps, "t.latency", "3M"), 3ull << 20);
	assert_int_equal(u64_after(ps, "t.latency", "2G"), 2ull << 30);
	assert_int_equal(u64_after(ps, "t.latency", "0x10K"), 16384);
	assert_int_equal(u64_after(ps, "t.latency", "0x1g"), 1ull << 30);
	assert_int_equal(u64_after(ps, "t.latency", "  42\t"), 42);
	assert_int_equal(u64_after(ps, "t.latency", "18446744073709551615"), UINT64_MAX);
	assert_int_equal(u64_after(ps, "t.latency", "0xffffffffffffffff"), UINT64_MAX);
	assert_int_equal(u64_after(ps, "t.latency", "17179869183G"),
			 (((1ull << 34) - 1) << 30));
	assert_true(iommusim_params_is_set(ps, "t.latency"));
	iommusim_params_destroy(ps);
}

static void u64_overflow_and_negative(void **state)
{
	iommusim_params_t *ps = new_set();
	(void)state;

	expect_set(ps, "t.latency", "18446744073709551616", -ERANGE, "t.latency",
		   "18446744073709551616", "64 bits");
	expect_set(ps, "t.latency", "99999999999999999999999", -ERANGE, "t.latency", NULL, NULL);
	expect_set(ps, "t.latency", "0x10000000000000000", -ERANGE, "t.latency", NULL, NULL);
	expect_set(ps, "t.latency", "17179869184G", -ERANGE, "t.latency", NULL, NULL);
	expect_set(ps, "t.latency", "16777216T", -EINVAL, NULL, NULL, NULL);  /* no T suffix */
	expect_set(ps, "t.latency", "-1", -ERANGE, "t.latency", "negative", NULL);
	expect_set(ps, "t.latency", "-4K", -ERANGE, "negative", NULL, NULL);
	expect_set(ps, "t.latency", "-", -EINVAL, "u64", NULL, NULL);
	/* a failed set leaves the value alone */
	assert_int_equal(iommusim_params_u64(ps, "t.latency"), 100);
	iommusim_params_destroy(ps);
}

static void u64_syntax_errors(void **state)
{
	iommusim_params_t *ps = new_set();
	static const char *const bad[] = { "abc", "0x", "1.5", "10KB", "1 0", "12x", "K",
					   "0x-1", "++1", "1e3", "0b101", "4KK" };
	(void)state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_set(ps, "t.sets", bad[i], -EINVAL, "t.sets", bad[i], "1..65536");
	expect_set(ps, "t.sets", "", -EINVAL, "t.sets", "empty", "u64");
	expect_set(ps, "t.sets", "   ", -EINVAL, "empty", NULL, NULL);
	assert_int_equal(iommusim_params_u64(ps, "t.sets"), 64);
	iommusim_params_destroy(ps);
}

static void u64_range_and_pow2(void **state)
{
	iommusim_params_t *ps = new_set();
	(void)state;

	assert_int_equal(u64_after(ps, "t.small", "5"), 5);
	assert_int_equal(u64_after(ps, "t.small", "20"), 20);
	expect_set(ps, "t.small", "4", -ERANGE, "t.small", "5..20", NULL);
	expect_set(ps, "t.small", "21", -ERANGE, "t.small", "21", "5..20");
	expect_set(ps, "t.small", "0x15", -ERANGE, "21", NULL, NULL);
	assert_int_equal(iommusim_params_u64(ps, "t.small"), 20);

	assert_int_equal(u64_after(ps, "t.sets", "1"), 1);
	assert_int_equal(u64_after(ps, "t.sets", "64K"), 65536);
	assert_int_equal(u64_after(ps, "t.sets", "0x800"), 2048);
	expect_set(ps, "t.sets", "48", -EINVAL, "power of two", "32 or 64", "t.sets");
	expect_set(ps, "t.sets", "65535", -EINVAL, "power of two", "32768 or 65536", NULL);
	expect_set(ps, "t.sets", "0", -ERANGE, "1..65536", NULL, NULL);
	expect_set(ps, "t.sets", "128K", -ERANGE, "131072", "entries", NULL);
	assert_int_equal(iommusim_params_u64(ps, "t.sets"), 2048);
	iommusim_params_destroy(ps);
}

static void bools(void **state)
{
	iommusim_params_t *ps = new_set();
	static const char *const yes[] = { "1", "true", "on", "yes", "TRUE", "On", " yes " };
	static const char *const no[] = { "0", "false", "off", "no", "False", "OFF" };
	static const char *const bad[] = { "2", "y", "n", "yes please", "truee", "01", "-1" };
	(void)state;

	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		expect_set(ps, "t.ats", no[i], 0, NULL, NULL, NULL);
		assert_false(iommusim_params_bool(ps, "t.ats"));
		expect_set(ps, "t.ats", "1", 0, NULL, NULL, NULL);
	}
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		expect_set(ps, "t.ats", "0", 0, NULL, NULL, NULL);
		expect_set(ps, "t.ats", yes[i], 0, NULL, NULL, NULL);
		assert_true(iommusim_params_bool(ps, "t.ats"));
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_set(ps, "t.ats", bad[i], -EINVAL, "t.ats", "bool", "on/off");
	expect_set(ps, "t.ats", "", -EINVAL, "empty", NULL, NULL);
	assert_true(iommusim_params_bool(ps, "t.ats"));
	iommusim_params_destroy(ps);
}

static void doubles(void **state)
{
	iommusim_params_t *ps = new_set();
	static const char *const bad[] = { "nan", "NaN", "inf", "-inf", "infinity", "1.5x", "x",
					   "0.5 0.5", "1,5", "." };
	(void)state;

	expect_set(ps, "t.ratio", "0.25", 0, NULL, NULL, NULL);
	assert_true(iommusim_params_double(ps, "t.ratio") == 0.25);
	expect_set(ps, "t.ratio", " 1e-1 ", 0, NULL, NULL, NULL);
	assert_true(iommusim_params_double(ps, "t.ratio") == 0.1);
	expect_set(ps, "t.ratio", "1", 0, NULL, NULL, NULL);
	assert_true(iommusim_params_double(ps, "t.ratio") == 1.0);
	expect_set(ps, "t.ratio", "0", 0, NULL, NULL, NULL);
	assert_true(iommusim_params_double(ps, "t.ratio") == 0.0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_set(ps, "t.ratio", bad[i], -EINVAL, "t.ratio", "double", "0..1");
	expect_set(ps, "t.ratio", "", -EINVAL, "empty", "double", NULL);
	expect_set(ps, "t.ratio", "1.0000001", -ERANGE, "t.ratio", "0..1", NULL);
	expect_set(ps, "t.ratio", "-0.1", -ERANGE, "0..1", NULL, NULL);
	expect_set(ps, "t.ratio", "1e999", -ERANGE, "t.ratio", NULL, NULL);
	assert_true(iommusim_params_double(ps, "t.ratio") == 0.0);
	iommusim_params_destroy(ps);
}

static void enums_and_strings(void **state)
{
	iommusim_params_t *ps = new_set();
	(void)state;

	expect_set(ps, "t.repl", "lru", 0, NULL, NULL, NULL);
	assert_int_equal(iommusim_params_enum(ps, "t.repl"), 0);
	expect_set(ps, "t.repl", "RR", 0, NULL, NULL, NULL);
	assert_int_equal(iommusim_params_enum(ps, "t.repl"), 2);
	expect_set(ps, "t.repl", " random ", 0, NULL, NULL, NULL);
	assert_int_equal(iommusim_params_enum(ps, "t.repl"), 3);
	expect_set(ps, "t.repl", "fifo", -EINVAL, "t.repl", "fifo", "lru|plru|rr|random");
	expect_set(ps, "t.repl", "1", -EINVAL, "lru|plru|rr|random", NULL, NULL);
	expect_set(ps, "t.repl", "", -EINVAL, "empty", NULL, NULL);
	assert_int_equal(iommusim_params_enum(ps, "t.repl"), 3);

	expect_set(ps, "t.label", " a b ", 0, NULL, NULL, NULL);
	assert_string_equal(iommusim_params_string(ps, "t.label"), " a b ");
	expect_set(ps, "t.label", "", 0, NULL, NULL, NULL);
	assert_string_equal(iommusim_params_string(ps, "t.label"), "");
	assert_true(iommusim_params_is_set(ps, "t.label"));
	expect_set(ps, "t.label", "dev0", 0, NULL, NULL, NULL);
	assert_false(iommusim_params_is_set(ps, "t.label"));
	iommusim_params_destroy(ps);
}

static void unknown_keys(void **state)
{
	iommusim_params_t *ps = new_set();
	iommusim_error_t err = { 0 };
	(void)state;

	expect_set(ps, "t.sett", "1", -ENOENT, "\"t.sett\"", "did you mean t.sets?", NULL);
	expect_set(ps, "t.stes", "1", -ENOENT, "did you mean t.sets?", NULL, NULL);
	expect_set(ps, "t.lable", "1", -ENOENT, "did you mean t.label?", NULL, NULL);
	/* the component left out */
	expect_set(ps, "latency", "1", -ENOENT, "did you mean t.latency?", NULL, NULL);
	assert_int_equal(iommusim_params_set(ps, "completely.different", "1", &err), -ENOENT);
	assert_non_null(strstr(err.msg, "completely.different"));
	assert_null(strstr(err.msg, "did you mean"));
	/* near-ish but not a likely typo: no suggestion (t.qqqq is 4 edits from t.sets) */
	assert_int_equal(iommusim_params_set(ps, "t.qqqq", "1", &err), -ENOENT);
	assert_null(strstr(err.msg, "did you mean"));
	assert_int_equal(iommusim_params_set(ps, "t.foo", "1", &err), -ENOENT);
	assert_null(strstr(err.msg, "did you mean"));
	assert_int_equal(iommusim_params_set(ps, "", "1", &err), -ENOENT);
	assert_int_equal(iommusim_params_set(NULL, "t.sets", "1", &err), -EINVAL);
	assert_int_equal(iommusim_params_set(ps, "t.sets", NULL, &err), -EINVAL);
	iommusim_params_destroy(ps);
}

static void key_value_pairs(void **state)
{
	iommusim_params_t *ps = new_set();
	iommusim_error_t err = { 0 };
	(void)state;

	assert_int_equal(iommusim_params_set_kv(ps, "t.sets=128", &err), 0);
	assert_int_equal(iommusim_params_u64(ps, "t.sets"), 128);
	assert_int_equal(iommusim_params_set_kv(ps, "  t.sets = 256 ", &err), 0);
	assert_int_equal(iommusim_params_u64(ps, "t.sets"), 256);
	assert_int_equal(iommusim_params_set_kv(ps, "t.label=a=b", &err), 0);
	assert_string_equal(iommusim_params_string(ps, "t.label"), "a=b");

	assert_int_equal(iommusim_params_set_kv(ps, "t.sets", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "key=value"));
	assert_non_null(strstr(err.msg, "t.sets"));
	assert_int_equal(iommusim_params_set_kv(ps, "=5", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "no key"));
	assert_int_equal(iommusim_params_set_kv(ps, " =5", &err), -EINVAL);
	assert_int_equal(iommusim_params_set_kv(ps, "t.sets=", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "empty"));
	assert_int_equal(iommusim_params_set_kv(ps, "t.setss=4", &err), -ENOENT);
	assert_non_null(strstr(err.msg, "did you mean t.sets?"));
	assert_int_equal(iommusim_params_set_kv(ps, "", &err), -EINVAL);
	assert_int_equal(iommusim_params_set_kv(ps, NULL, &err), -EINVAL);
	assert_int_equal(iommusim_params_u64(ps, "t.sets"), 256);
	iommusim_params_destroy(ps);
}

/* Formats name in a, sets that text in a fresh set b, and returns b for comparison. */
static iommusim_params_t *through_text(iommusim_params_t *a, const char *name, char *text,
				       size_t len)
{
	iommusim_params_t *b = new_set();
	iommusim_error_t err = { 0 };

	assert_int_equal(iommusim_params_format(a, name, text, len), 0);
	if (iommusim_params_set(b, name, text, &err))
		fail_msg("%s: \"%s\" does not read back: %s", name, text, err.msg);
	return b;
}

static void format_round_trip(void **state)
{
	static const double ds[] = { 0.1, 1.0 / 3.0, 5e-324, 0.9999999999999999, 2.2250738585072014e-308,
				     0.5, 0.0, 1.0, 0.123456789012345678 };
	static const uint64_t us[] = { 0, 1, 100, 4096, 1ull << 63, UINT64_MAX, 123456789012345ull };
	iommusim_params_t *a = new_set(), *b;
	char text[128];
	iommusim_error_t err = { 0 };
	(void)state;

	for (size_t i = 0; i < sizeof(ds) / sizeof(ds[0]); i++) {
		char in[64];
		snprintf(in, sizeof(in), "%.17g", ds[i]);
		expect_set(a, "t.ratio", in, 0, NULL, NULL, NULL);
		b = through_text(a, "t.ratio", text, sizeof(text));
		assert_true(iommusim_params_double(b, "t.ratio") == ds[i]);
		iommusim_params_destroy(b);
	}
	/* shortest form: 0.1 is written as 0.1 */
	expect_set(a, "t.ratio", "0.1", 0, NULL, NULL, NULL);
	assert_int_equal(iommusim_params_format(a, "t.ratio", text, sizeof(text)), 0);
	assert_string_equal(text, "0.1");

	for (size_t i = 0; i < sizeof(us) / sizeof(us[0]); i++) {
		assert_int_equal(iommusim_params_set(a, "t.latency", "0", &err), 0);
		snprintf(text, sizeof(text), "0x%llx", (unsigned long long)us[i]);
		expect_set(a, "t.latency", text, 0, NULL, NULL, NULL);
		b = through_text(a, "t.latency", text, sizeof(text));
		assert_int_equal(iommusim_params_u64(b, "t.latency"), us[i]);
		iommusim_params_destroy(b);
	}
	assert_int_equal(iommusim_params_format(a, "t.latency", text, sizeof(text)), 0);
	assert_string_equal(text, "123456789012345");

	expect_set(a, "t.ats", "off", 0, NULL, NULL, NULL);
	b = through_text(a, "t.ats", text, sizeof(text));
	assert_string_equal(text, "false");
	assert_false(iommusim_params_bool(b, "t.ats"));
	iommusim_params_destroy(b);

	expect_set(a, "t.repl", "RANDOM", 0, NULL, NULL, NULL);
	b = through_text(a, "t.repl", text, sizeof(text));
	assert_string_equal(text, "random");
	assert_int_equal(iommusim_params_enum(b, "t.repl"), 3);
	iommusim_params_destroy(b);

	expect_set(a, "t.label", "x y=z", 0, NULL, NULL, NULL);
	b = through_text(a, "t.label", text, sizeof(text));
	assert_string_equal(iommusim_params_string(b, "t.label"), "x y=z");
	iommusim_params_destroy(b);

	/* too small a buffer: truncated and terminated, -ENOSPC */
	assert_int_equal(iommusim_params_format(a, "t.label", text, 3), -ENOSPC);
	assert_string_equal(text, "x ");
	assert_int_equal(iommusim_params_format(a, "t.nope", text, sizeof(text)), -ENOENT);
	assert_int_equal(iommusim_params_format(a, "t.label", NULL, 0), -EINVAL);
	iommusim_params_destroy(a);
}

static void adding_components(void **state)
{
	iommusim_params_t *ps = new_set();
	iommusim_error_t err = { 0 };
	(void)state;

	/* the same component again: no-op, values kept */
	expect_set(ps, "t.sets", "8", 0, NULL, NULL, NULL);
	assert_int_equal(iommusim_params_add(ps, &t_comp, &err), 0);
	assert_int_equal(iommusim_params_u64(ps, "t.sets"), 8);

	assert_int_equal(iommusim_params_add(ps, &u_comp, &err), 0);
	assert_int_equal(iommusim_params_u64(ps, "u.depth"), 8);
	assert_int_equal(iommusim_params_u64(ps, "t.sets"), 8);

	/* another component named "t" */
	iommusim_component_t other_t = { .name = "t", .params = u_defs, .nparams = 0 };
	assert_int_equal(iommusim_params_add(ps, &other_t, &err), -EEXIST);
	assert_non_null(strstr(err.msg, "t"));

	/* a parameter that belongs to someone else: -EEXIST, and nothing is added */
	const iommusim_param_def_t clash_defs[] = {
		{ .name = "v.fresh", .type = IOMMUSIM_PARAM_BOOL },
		{ .name = "t.ats", .type = IOMMUSIM_PARAM_BOOL },
	};
	iommusim_component_t clash = { .name = "v", .params = clash_defs, .nparams = 2 };
	assert_int_equal(iommusim_params_add(ps, &clash, &err), -EEXIST);
	assert_non_null(strstr(err.msg, "t.ats"));
	assert_false(iommusim_params_has(ps, "v.fresh"));
	iommusim_params_destroy(ps);
}

static void bad_tables_are_refused(void **state)
{
	static const char *const none[] = { NULL };
	const iommusim_param_def_t bad[][2] = {
		{ { .name = "b.x", .type = IOMMUSIM_PARAM_U64, .def_u64 = 9, .min = 1, .max = 8 } },
		{ { .name = "b.x", .type = IOMMUSIM_PARAM_U64, .def_u64 = 3, .min = 8, .max = 1 } },
		{ { .name = "b.x", .type = IOMMUSIM_PARAM_U64, .def_u64 = 3, .max = 8, .pow2 = true } },
		{ { .name = "b.x", .type = IOMMUSIM_PARAM_BOOL, .def_u64 = 2 } },
		{ { .name = "b.x", .type = IOMMUSIM_PARAM_ENUM, .def_u64 = 4, .choices = t_repl } },
		{ { .name = "b.x", .type = IOMMUSIM_PARAM_ENUM, .choices = none } },
		{ { .name = "b.x", .type = IOMMUSIM_PARAM_DOUBLE, .def_double = 2, .dmax = 1 } },
		{ { .name = "b.x", .type = IOMMUSIM_PARAM_DOUBLE, .dmax = INFINITY } },
		{ { .name = "b x", .type = IOMMUSIM_PARAM_BOOL } },
		{ { .name = "b=x", .type = IOMMUSIM_PARAM_BOOL } },
		{ { .name = NULL, .type = IOMMUSIM_PARAM_BOOL } },
		{ { .name = "b.x", .type = (iommusim_param_type_t)42 } },
		{ { .name = "b.x", .type = IOMMUSIM_PARAM_BOOL },
		  { .name = "b.x", .type = IOMMUSIM_PARAM_BOOL } },
	};
	(void)state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		iommusim_params_t *ps = iommusim_params_create();
		iommusim_error_t err = { 0 };
		iommusim_component_t c = { .name = "b", .params = bad[i],
					   .nparams = bad[i][1].name ? 2 : 1 };
		if (iommusim_params_add(ps, &c, &err) != -EINVAL)
			fail_msg("table %zu accepted", i);
		assert_false(iommusim_params_has(ps, "b.x"));
		iommusim_params_destroy(ps);
	}
}

static void getter_misuse_is_reported(void **state)
{
	iommusim_params_t *ps = new_set();
	iommusim_error_t err = { 0 };
	(void)state;

	assert_int_equal(iommusim_params_u64(ps, "t.ats"), 0);       /* a bool */
	assert_false(iommusim_params_bool(ps, "t.sets"));             /* later misuse: not kept */
	assert_int_equal(iommusim_params_check(ps, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "t.ats"));
	assert_non_null(strstr(err.msg, "bool"));
	iommusim_params_destroy(ps);

	ps = new_set();
	assert_true(iommusim_params_double(ps, "t.rato") == 0.0);
	assert_string_equal(iommusim_params_string(ps, "t.sets"), "");
	assert_int_equal(iommusim_params_enum(ps, "nope"), 0);
	assert_int_equal(iommusim_params_check(ps, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "did you mean t.ratio?"));
	iommusim_params_destroy(ps);
}

/* Not inlined: gcc 12 at -O2 otherwise mistakes the memstream buffer for a pointer to the
 * local that receives it (a false -Wdangling-pointer). */
__attribute__((noinline)) static char *help_text(const iommusim_component_t *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	iommusim_param_print_help(f, c);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static const char *line_with(const char *text, const char *needle, char *line, size_t len)
{
	const char *p = strstr(text, needle);

	if (!p)
		return NULL;
	/* offsets, not pointers, so the copy is plainly within text */
	size_t at = (size_t)(p - text), start = at;
	while (start > 0 && text[start - 1] != '\n')
		start--;
	size_t end = at + strcspn(text + at, "\n");
	snprintf(line, len, "%.*s", (int)(end - start), text + start);
	return line;
}

static void help_table(void **state)
{
	char *text = help_text(&t_comp);
	char head[512], row[512];
	(void)state;

	assert_non_null(strstr(text, "test component"));
	assert_non_null(line_with(text, "NAME", head, sizeof(head)));
	const char *cols[] = { "TYPE", "DEFAULT", "RANGE", "UNIT", "HELP" };
	assert_non_null(line_with(text, "t.sets ", row, sizeof(row)));
	const char *cells[] = { "u64", "64", "1..65536, power of two", "entries", "IOTLB sets" };
	/* every column of the t.sets row starts where its heading does */
	for (int i = 0; i < 5; i++) {
		const char *h = strstr(head, cols[i]);
		assert_non_null(h);
		size_t at = (size_t)(h - head);
		if (strncmp(row + at, cells[i], strlen(cells[i])) != 0)
			fail_msg("column %s: row \"%s\"", cols[i], row);
	}
	assert_non_null(line_with(text, "t.repl ", row, sizeof(row)));
	assert_non_null(strstr(row, "lru|plru|rr|random"));
	assert_non_null(strstr(row, "plru"));
	assert_non_null(line_with(text, "t.latency ", row, sizeof(row)));
	assert_non_null(strstr(row, "0..18446744073709551615"));
	assert_non_null(strstr(row, " ns "));
	assert_non_null(line_with(text, "t.ratio ", row, sizeof(row)));
	assert_non_null(strstr(row, "0.5"));
	assert_non_null(strstr(row, "0..1"));
	assert_non_null(line_with(text, "t.ats ", row, sizeof(row)));
	assert_non_null(strstr(row, "true|false"));
	free(text);
}

static void json_output(void **state)
{
	iommusim_params_t *ps = new_set();
	iommusim_error_t err = { 0 };
	json_error_t jerr;
	char *text;
	json_t *root;
	(void)state;

	assert_int_equal(iommusim_params_add(ps, &u_comp, &err), 0);
	expect_set(ps, "t.label", "say \"hi\"\nbye\\", 0, NULL, NULL, NULL);
	expect_set(ps, "t.latency", "0xffffffffffffffff", 0, NULL, NULL, NULL);
	expect_set(ps, "t.ratio", "0.1", 0, NULL, NULL, NULL);
	text = iommusim_params_to_json(ps);
	assert_non_null(text);
	root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		fail_msg("invalid JSON: %s\n%s", jerr.text, text);
	assert_true(json_is_object(root));
	assert_int_equal(json_object_size(root), 8);
	assert_int_equal(json_integer_value(json_object_get(root, "t.sets")), 64);
	assert_true(json_is_integer(json_object_get(root, "t.sets")));
	assert_true(json_is_true(json_object_get(root, "t.ats")));
	assert_true(json_real_value(json_object_get(root, "t.ratio")) == 0.1);
	assert_string_equal(json_string_value(json_object_get(root, "t.repl")), "plru");
	assert_string_equal(json_string_value(json_object_get(root, "t.label")),
			    "say \"hi\"\nbye\\");
	assert_true(json_real_value(json_object_get(root, "t.latency")) == 18446744073709551616.0);
	assert_int_equal(json_integer_value(json_object_get(root, "u.depth")), 8);
	assert_int_equal(json_integer_value(json_object_get(root, "t.small")), 10);
	/* sorted by name in the text */
	const char *order[] = { "\"t.ats\"", "\"t.label\"", "\"t.latency\"", "\"t.ratio\"",
				"\"t.repl\"", "\"t.sets\"", "\"t.small\"", "\"u.depth\"" };
	for (int i = 1; i < 8; i++)
		assert_true(strstr(text, order[i - 1]) < strstr(text, order[i]));
	/* deterministic */
	char *again = iommusim_params_to_json(ps);
	assert_string_equal(text, again);
	free(again);
	json_decref(root);
	free(text);
	iommusim_params_destroy(ps);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(u64_forms),
		cmocka_unit_test(u64_overflow_and_negative),
		cmocka_unit_test(u64_syntax_errors),
		cmocka_unit_test(u64_range_and_pow2),
		cmocka_unit_test(bools),
		cmocka_unit_test(doubles),
		cmocka_unit_test(enums_and_strings),
		cmocka_unit_test(unknown_keys),
		cmocka_unit_test(key_value_pairs),
		cmocka_unit_test(format_round_trip),
		cmocka_unit_test(adding_components),
		cmocka_unit_test(bad_tables_are_refused),
		cmocka_unit_test(getter_misuse_is_reported),
		cmocka_unit_test(help_table),
		cmocka_unit_test(json_output),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
