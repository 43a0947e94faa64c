/* SPDX-License-Identifier: MIT */
/* The result document: every field of schema version 1 (docs/bench.md) as written by a
 * real run, its round trip through text, the checks compare relies on, and the number
 * encoding of metric values. */
#include "tests/support/test.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "host-shim/bench/bench.h"
#include "host-shim/bench/bench_int.h"
#include "iommusim/iommusim.h"

static const char scenario[] =
	"iommusim-stream 1\n"
	"# bench: var len=4K\n"
	"# bench: sweep len=4K,8K\n"
	"# bench: metric unmaps unit=calls better=lower = drv.vtd.unmap.calls\n"
	"# bench: metric unmap_inval_ns\n"
	"system arch=vtd\n"
	"device 0000:03:00.0\n"
	"open /dev/iommu -> fd=3\n"
	"open /dev/vfio/devices/vfio0 dev=0000:03:00.0 -> fd=4\n"
	"ioctl 4 VFIO_DEVICE_BIND_IOMMUFD iommufd=3 -> out_devid=$dev\n"
	"ioctl 3 IOMMU_IOAS_ALLOC -> out_ioas_id=$ioas\n"
	"ioctl 4 VFIO_DEVICE_ATTACH_IOMMUFD_PT pt_id=$ioas -> pt_id=$hwpt\n"
	"ioctl 3 IOMMU_IOAS_MAP ioas_id=$ioas flags=FIXED_IOVA|READABLE|WRITEABLE "
	"user_va=0x7f0000000000 length=${len} iova=0x100000\n"
	"# bench: begin\n"
	"ioctl 3 IOMMU_IOAS_UNMAP ioas_id=$ioas iova=0x100000 length=${len}\n"
	"# bench: end\n";

/* The whole document of `bench --sweep drv.vtd.flush=strict,batched drv.vtd.cpu_mhz=2000`
 * on the scenario above. */
static json_t *make_doc(void)
{
	bench_scenario_t s;
	bench_sweep_t cli = { 0 }, plan;
	iommusim_error_t err = { 0 };
	bench_kv_t fixed[] = { { (char *)"drv.vtd.cpu_mhz", (char *)"2000" } };

	assert_int_equal(bench_sweep_add(&cli, "drv.vtd.flush=strict,batched", &err), 0);
	bench_opts_t o = { .fixed = fixed, .nfixed = 1, .sweep = &cli };
	assert_int_equal(bench_scenario_parse(&s, scenario, strlen(scenario), "d.stream", &err), 0);
	json_t *doc = bench_doc_new(&o);
	assert_non_null(doc);
	assert_int_equal(bench_plan(&s, &o, &plan, &err), 0);
	assert_int_equal(bench_doc_add_input(doc, &s, &plan), 0);
	for (size_t i = 0; i < bench_sweep_count(&plan); i++) {
		json_t *run = NULL;
		assert_int_equal(bench_run_point(&s, &plan, i, &o, NULL, &run, &err), 0);
		assert_int_equal(bench_doc_add_run(doc, run), 0);
	}
	bench_sweep_free(&plan);
	bench_sweep_free(&cli);
	bench_scenario_free(&s);
	return doc;
}

static void schema_fields(void **state)
{
	(void)state;
	json_t *doc = make_doc();
	iommusim_error_t err = { 0 };

	assert_string_equal(json_string_value(json_object_get(doc, "schema")), "iommusim-bench");
	assert_int_equal(json_integer_value(json_object_get(doc, "schema_version")), 1);
	const json_t *tool = json_object_get(doc, "tool");
	assert_string_equal(json_string_value(json_object_get(tool, "name")), "iommusim");
	assert_string_equal(json_string_value(json_object_get(tool, "version")), iommusim_version());
	assert_string_equal(json_string_value(json_object_get(json_object_get(doc, "fixed"),
							      "drv.vtd.cpu_mhz")), "2000");
	const json_t *sw = json_array_get(json_object_get(doc, "sweep"), 0);
	assert_string_equal(json_string_value(json_object_get(sw, "key")), "drv.vtd.flush");
	assert_int_equal(json_array_size(json_object_get(sw, "values")), 2);

	/* inputs: path, content hash (sha256sum of the bytes), size, declarations, plan */
	const json_t *in = json_array_get(json_object_get(doc, "inputs"), 0);
	assert_int_equal(json_array_size(json_object_get(doc, "inputs")), 1);
	assert_string_equal(json_string_value(json_object_get(in, "path")), "d.stream");
	assert_string_equal(json_string_value(json_object_get(in, "sha256")),
			    "fd163affda883aa3a92c67bf65c7b53d12ac02bed1221abf7c226afc8aacdd32");
	assert_int_equal(json_integer_value(json_object_get(in, "bytes")), strlen(scenario));
	assert_string_equal(json_string_value(json_object_get(json_object_get(in, "variables"),
							      "len")), "4K");
	const json_t *ms = json_object_get(in, "metrics");
	assert_int_equal(json_array_size(ms), 4);   /* 2 declared, 2 automatic */
	assert_string_equal(json_string_value(json_object_get(json_array_get(ms, 0), "expr")),
			    "drv.vtd.unmap.calls");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(ms, 0), "line")), 4);
	assert_true(json_is_true(json_object_get(json_array_get(ms, 3), "informational")));
	assert_int_equal(json_integer_value(json_object_get(in, "points")), 4);
	const json_t *plan = json_object_get(in, "sweep");
	assert_string_equal(json_string_value(json_object_get(json_array_get(plan, 0), "key")),
			    "drv.vtd.flush");
	assert_string_equal(json_string_value(json_object_get(json_array_get(plan, 1), "key")),
			    "len");

	/* runs: the product, in order, each with everything that produced it */
	const json_t *runs = json_object_get(doc, "runs");
	assert_int_equal(json_array_size(runs), 4);
	static const char *const points[4] = {
		"drv.vtd.flush=strict len=4K", "drv.vtd.flush=strict len=8K",
		"drv.vtd.flush=batched len=4K", "drv.vtd.flush=batched len=8K",
	};
	for (size_t i = 0; i < 4; i++) {
		const json_t *r = json_array_get(runs, i);
		char *pt = bench_point_text(json_object_get(r, "point"));
		assert_string_equal(pt, points[i]);
		free(pt);
		assert_string_equal(json_string_value(json_object_get(r, "scenario")), "d.stream");
		assert_string_equal(json_string_value(json_object_get(r, "status")), "ok");
		assert_int_equal(json_integer_value(json_object_get(r, "mismatches")), 0);
		const json_t *p = json_object_get(r, "parameters");
		/* every parameter of every component, with its effective value */
		assert_true(json_object_size(p) > 50);
		assert_string_equal(json_string_value(json_object_get(p, "drv.vtd.flush")),
				    i < 2 ? "strict" : "batched");
		assert_int_equal(json_integer_value(json_object_get(p, "drv.vtd.cpu_mhz")), 2000);
		assert_string_equal(json_string_value(json_object_get(json_object_get(r, "variables"),
								      "len")), i % 2 ? "8K" : "4K");
		const json_t *m = json_object_get(json_object_get(r, "metrics"), "unmaps");
		assert_int_equal(json_integer_value(json_object_get(m, "value")), 1);
		assert_string_equal(json_string_value(json_object_get(m, "unit")), "calls");
		assert_string_equal(json_string_value(json_object_get(m, "better")), "lower");
		assert_true(json_is_false(json_object_get(m, "informational")));
		assert_int_equal(json_object_size(json_object_get(r, "metrics")), 4);
		const json_t *w = json_object_get(r, "window");
		assert_int_equal(json_integer_value(json_object_get(w, "begin_line")), 14);
		assert_int_equal(json_integer_value(json_object_get(w, "lines")), 1);
		assert_true(json_is_null(json_object_get(w, "host_seconds")));
	}
	assert_int_equal(bench_doc_check(doc, &err), 0);

	/* through text and back: still a valid document, equal to the original */
	char *text = json_dumps(doc, JSON_INDENT(2));
	json_t *back = json_loads(text, 0, NULL);
	assert_non_null(back);
	assert_int_equal(bench_doc_check(back, &err), 0);
	assert_true(json_equal(doc, back));
	free(text);
	json_decref(back);

	/* two runs of the same thing give the same document (no host clock given) */
	json_t *again = make_doc();
	assert_true(json_equal(doc, again));
	json_decref(again);
	json_decref(doc);
}

static void bad_documents(void **state)
{
	(void)state;
	static const struct {
		const char *text, *needle;
	} bad[] = {
		{ "[]", "not a JSON object" },
		{ "{}", "\"schema\" is missing" },
		{ "{\"schema\":\"x\"}", "\"schema\" is \"x\"" },
		{ "{\"schema\":\"iommusim-bench\"}", "schema_version: missing" },
		{ "{\"schema\":\"iommusim-bench\",\"schema_version\":2}", "schema_version 2" },
		{ "{\"schema\":\"iommusim-bench\",\"schema_version\":1}", "tool.version" },
		{ "{\"schema\":\"iommusim-bench\",\"schema_version\":1,\"tool\":{\"version\":\"1\"}}",
		  "inputs: missing" },
		{ "{\"schema\":\"iommusim-bench\",\"schema_version\":1,\"tool\":{\"version\":\"1\"},"
		  "\"inputs\":[{\"path\":\"a\",\"sha256\":\"00\"}],\"runs\":[]}",
		  "inputs[0]: \"sha256\"" },
		{ "{\"schema\":\"iommusim-bench\",\"schema_version\":1,\"tool\":{\"version\":\"1\"},"
		  "\"inputs\":[],\"runs\":{}}", "runs: missing" },
		{ "{\"schema\":\"iommusim-bench\",\"schema_version\":1,\"tool\":{\"version\":\"1\"},"
		  "\"inputs\":[],\"runs\":[{\"scenario\":\"a\",\"status\":\"ok\",\"point\":{\"k\":1},"
		  "\"metrics\":{}}]}", "runs[0]: a \"point\" value" },
		{ "{\"schema\":\"iommusim-bench\",\"schema_version\":1,\"tool\":{\"version\":\"1\"},"
		  "\"inputs\":[],\"runs\":[{\"scenario\":\"a\",\"status\":\"ok\",\"point\":{},"
		  "\"metrics\":{\"m\":{\"value\":1,\"unit\":\"x\",\"better\":\"up\","
		  "\"informational\":false}}}]}", "runs[0].metrics.m: \"better\"" },
		{ "{\"schema\":\"iommusim-bench\",\"schema_version\":1,\"tool\":{\"version\":\"1\"},"
		  "\"inputs\":[],\"runs\":[{\"scenario\":\"a\",\"status\":\"ok\",\"point\":{},"
		  "\"metrics\":{\"m\":{\"value\":1,\"unit\":\"x\",\"better\":\"lower\"}}}]}",
		  "runs[0].metrics.m: \"informational\"" },
		{ "{\"schema\":\"iommusim-bench\",\"schema_version\":1,\"tool\":{\"version\":\"1\"},"
		  "\"inputs\":[],\"runs\":[{\"scenario\":\"a\",\"status\":\"ok\",\"point\":{}}]}",
		  "runs[0].metrics: missing" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		iommusim_error_t err = { 0 };
		json_t *d = json_loads(bad[i].text, JSON_DECODE_ANY, NULL);
		assert_non_null(d);
		assert_int_equal(bench_doc_check(d, &err), -EINVAL);
		if (!strstr(err.msg, bad[i].needle))
			fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, bad[i].needle);
		json_decref(d);
	}
}

static void numbers(void **state)
{
	(void)state;
	json_t *v = bench_json_number(2108);
	assert_true(json_is_integer(v));
	assert_int_equal(json_integer_value(v), 2108);
	json_decref(v);
	v = bench_json_number(-3);
	assert_true(json_is_integer(v) && json_integer_value(v) == -3);
	json_decref(v);
	v = bench_json_number(0.75);
	assert_true(json_is_real(v) && json_real_value(v) == 0.75);
	json_decref(v);
	v = bench_json_number(9007199254740992.0);   /* 2^53: beyond exact integers */
	assert_true(json_is_real(v));
	json_decref(v);
	assert_true(json_is_null(bench_json_number(NAN)));
	assert_true(json_is_null(bench_json_number(INFINITY)));
	assert_true(json_is_null(bench_json_number(-INFINITY)));

	json_t *pt = json_pack("{s:s, s:s}", "b", "2", "a", "1");
	char *s = bench_point_text(pt);
	assert_string_equal(s, "b=2 a=1");   /* the order written, not sorted */
	free(s);
	json_decref(pt);
	pt = json_object();
	s = bench_point_text(pt);
	assert_string_equal(s, "");
	free(s);
	json_decref(pt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(schema_fields),
		cmocka_unit_test(bad_documents),
		cmocka_unit_test(numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
