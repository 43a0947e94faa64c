/* SPDX-License-Identifier: MIT */
/*
 * The result document (schema "iommusim-bench", version BENCH_SCHEMA_VERSION; reference in
 * docs/bench.md): what was run (tool, command-line overrides and sweeps, every input with
 * its content hash), and per run the sweep point, every effective parameter and variable,
 * the measurement window and the metrics with unit, direction and the informational flag.
 * Also the check of a document read back, which compare and plot rely on.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/bench/bench.h"
#include "host-shim/bench/bench_int.h"
#include "iommusim/iommusim.h"

json_t *bench_json_number(double v)
{
	if (!isfinite(v))
		return json_null();
	if (v == floor(v) && fabs(v) < 9007199254740992.0)
		return json_integer((json_int_t)v);
	return json_real(v);
}

static json_t *sweep_json(const bench_sweep_t *sw)
{
	json_t *a = json_array();
	for (size_t i = 0; a && sw && i < sw->ndims; i++) {
		json_t *vals = json_array();
		for (size_t k = 0; vals && k < sw->dims[i].nvalues; k++)
			json_array_append_new(vals, json_string(sw->dims[i].values[k]));
		json_array_append_new(a, json_pack("{s:s, s:o}", "key", sw->dims[i].key,
						   "values", vals ? vals : json_array()));
	}
	return a;
}

json_t *bench_doc_new(const bench_opts_t *o)
{
	json_t *fixed = json_object();
	for (size_t i = 0; fixed && o && i < o->nfixed; i++)
		json_object_set_new(fixed, o->fixed[i].key, json_string(o->fixed[i].value));
	return json_pack("{s:s, s:i, s:{s:s, s:s}, s:o, s:o, s:[], s:[]}",
			 "schema", BENCH_SCHEMA, "schema_version", BENCH_SCHEMA_VERSION,
			 "tool", "name", "iommusim", "version", iommusim_version(),
			 "fixed", fixed ? fixed : json_object(),
			 "sweep", sweep_json(o ? o->sweep : NULL),
			 "inputs", "runs");
}

static json_t *metric_def_json(const char *name, const char *expr, const char *unit,
			       bench_better_t better, bool informational, unsigned line)
{
	json_t *m = json_pack("{s:s, s:s, s:s, s:s, s:b}", "name", name, "expr", expr,
			      "unit", unit, "better", bench_better_name(better),
			      "informational", informational);
	if (m && line)
		json_object_set_new(m, "line", json_integer(line));
	return m;
}

int bench_doc_add_input(json_t *doc, const bench_scenario_t *s, const bench_sweep_t *plan)
{
	json_t *vars = json_object(), *metrics = json_array();
	size_t nauto;
	const bench_std_metric_t *am = bench_auto_metrics(&nauto);

	for (size_t i = 0; vars && i < s->nvars; i++)
		json_object_set_new(vars, s->vars[i].key, json_string(s->vars[i].value));
	for (size_t i = 0; metrics && i < s->nmetrics; i++) {
		const bench_metric_def_t *m = &s->metrics[i];
		json_array_append_new(metrics, metric_def_json(m->name, m->expr_text, m->unit,
							       m->better, m->informational,
							       m->line));
	}
	for (size_t i = 0; metrics && i < nauto; i++)
		json_array_append_new(metrics, metric_def_json(am[i].name, am[i].expr, am[i].unit,
							       am[i].better, true, 0));
	json_t *in = json_pack("{s:s, s:s, s:I, s:o, s:o, s:o, s:I}", "path", s->path,
			       "sha256", s->sha256, "bytes", (json_int_t)s->len,
			       "variables", vars ? vars : json_object(),
			       "metrics", metrics ? metrics : json_array(),
			       "sweep", sweep_json(plan),
			       "points", (json_int_t)bench_sweep_count(plan));
	if (!in || json_array_append_new(json_object_get(doc, "inputs"), in))
		return -ENOMEM;
	return 0;
}

int bench_doc_add_run(json_t *doc, json_t *run)
{
	return json_array_append_new(json_object_get(doc, "runs"), run) ? -ENOMEM : 0;
}

int bench_run_record(const bench_scenario_t *s, const struct bench_point *pt, size_t npoint,
		     const bench_sweep_t *plan, const char *const *values, replay_t *r,
		     int run_rc, const iommusim_error_t *run_err, const double *metric_values,
		     const struct bench_window *w, int eval_rc, const iommusim_error_t *eval_err,
		     json_t **out, iommusim_error_t *err)
{
	replay_summary_t sum;
	json_t *run = json_object(), *point = json_object(), *vars = json_object();
	json_t *metrics = json_object(), *params = NULL;
	const char *status = "ok";
	size_t nauto;

	if (!run || !point || !vars || !metrics)
		goto oom;
	replay_get_summary(r, &sum);
	for (size_t i = 0; i < npoint; i++)
		json_object_set_new(point, plan->dims[i].key, json_string(values[i]));
	for (size_t i = 0; i < s->nvars; i++)
		json_object_set_new(vars, s->vars[i].key,
				    json_string(bench_point_var(pt, s, s->vars[i].key)));
	if (replay_system(r)) {
		char *text = iommusim_params_to_json(replay_params(r));
		params = text ? json_loads(text, 0, NULL) : NULL;
		free(text);
		if (!params)
			goto oom;
	}
	if (run_rc || eval_rc)
		status = "error";
	else if (sum.mismatches)
		status = "mismatch";
	json_object_set_new(run, "scenario", json_string(s->path));
	json_object_set_new(run, "point", point);
	point = NULL;
	json_object_set_new(run, "status", json_string(status));
	if (run_rc)
		json_object_set_new(run, "error", json_string(run_err->msg));
	else if (eval_rc)
		json_object_set_new(run, "error", json_string(eval_err->msg));
	json_object_set_new(run, "checks", json_integer(sum.checks));
	json_object_set_new(run, "mismatches", json_integer(sum.mismatches));
	json_object_set_new(run, "sim_time_ps", json_integer((json_int_t)sum.now));
	if (metric_values)
		json_object_set_new(run, "window",
				    json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
					      "begin_line", s->begin_line ? json_integer(s->begin_line)
									  : json_null(),
					      "end_line", s->end_line ? json_integer(s->end_line)
								      : json_null(),
					      "sim_ps", bench_json_number(w->sim_ps),
					      "lines", bench_json_number(w->lines),
					      "ioctls", bench_json_number(w->ioctls),
					      "dmas", bench_json_number(w->dmas),
					      "host_seconds", bench_json_number(w->host_s)));
	json_object_set_new(run, "variables", vars);
	vars = NULL;
	json_object_set_new(run, "parameters", params ? params : json_null());
	params = NULL;
	const bench_std_metric_t *am = bench_auto_metrics(&nauto);
	for (size_t i = 0; metric_values && !eval_rc && i < s->nmetrics + nauto; i++) {
		const bench_metric_def_t *m = i < s->nmetrics ? &s->metrics[i] : NULL;
		const bench_std_metric_t *a = m ? NULL : &am[i - s->nmetrics];
		json_t *mv = json_pack("{s:o, s:s, s:s, s:b}", "value",
				       bench_json_number(metric_values[i]),
				       "unit", m ? m->unit : a->unit,
				       "better", bench_better_name(m ? m->better : a->better),
				       "informational", m ? m->informational : true);
		if (!mv)
			goto oom;
		json_object_set_new(metrics, m ? m->name : a->name, mv);
	}
	json_object_set_new(run, "metrics", metrics);
	*out = run;
	return 0;
oom:
	json_decref(run);
	json_decref(point);
	json_decref(vars);
	json_decref(metrics);
	json_decref(params);
	return iommusim_error_set(err, -ENOMEM, "out of memory");
}

/* ---- reading back ------------------------------------------------------------------------- */

static int bad(iommusim_error_t *err, const char *path, const char *what)
{
	return iommusim_error_set(err, -EINVAL, "%s: %s", path, what);
}

static int check_metrics(const json_t *metrics, const char *where, iommusim_error_t *err)
{
	const char *name;
	json_t *m;
	char path[384];

	if (!json_is_object(metrics))
		return snprintf(path, sizeof(path), "%s.metrics", where),
		       bad(err, path, "missing or not an object");
	json_object_foreach((json_t *)metrics, name, m) {
		json_t *v = json_object_get(m, "value");
		const char *better = json_string_value(json_object_get(m, "better"));
		bench_better_t b;
		snprintf(path, sizeof(path), "%s.metrics.%s", where, name);
		if (!json_is_object(m))
			return bad(err, path, "not an object");
		if (!v || !(json_is_number(v) || json_is_null(v)))
			return bad(err, path, "\"value\" missing or not a number or null");
		if (!json_is_string(json_object_get(m, "unit")))
			return bad(err, path, "\"unit\" missing or not a string");
		if (!better || bench_better_parse(better, &b))
			return bad(err, path, "\"better\" must be \"lower\" or \"higher\"");
		if (!json_is_boolean(json_object_get(m, "informational")))
			return bad(err, path, "\"informational\" missing or not true/false");
	}
	return 0;
}

int bench_doc_check(const json_t *doc, iommusim_error_t *err)
{
	const char *schema = json_string_value(json_object_get(doc, "schema"));
	json_t *ver = json_object_get(doc, "schema_version");
	json_t *inputs = json_object_get(doc, "inputs"), *runs = json_object_get(doc, "runs");
	char path[64];
	size_t i;
	json_t *x;

	if (!json_is_object(doc))
		return bad(err, "document", "not a JSON object");
	if (!schema || strcmp(schema, BENCH_SCHEMA) != 0)
		return iommusim_error_set(err, -EINVAL, "not an iommusim bench result (\"schema\" "
					  "is %s%s%s, expected \"%s\")", schema ? "\"" : "",
					  schema ? schema : "missing", schema ? "\"" : "",
					  BENCH_SCHEMA);
	if (!json_is_integer(ver))
		return bad(err, "schema_version", "missing or not an integer");
	if (json_integer_value(ver) != BENCH_SCHEMA_VERSION)
		return iommusim_error_set(err, -EINVAL, "schema_version %lld, but this iommusim "
					  "reads version %d: produce both results with the same "
					  "major tool version", (long long)json_integer_value(ver),
					  BENCH_SCHEMA_VERSION);
	if (!json_is_string(json_object_get(json_object_get(doc, "tool"), "version")))
		return bad(err, "tool.version", "missing or not a string");
	if (!json_is_array(inputs))
		return bad(err, "inputs", "missing or not an array");
	json_array_foreach(inputs, i, x) {
		snprintf(path, sizeof(path), "inputs[%zu]", i);
		if (!json_is_string(json_object_get(x, "path")))
			return bad(err, path, "\"path\" missing or not a string");
		if (!json_is_string(json_object_get(x, "sha256")) ||
		    strlen(json_string_value(json_object_get(x, "sha256"))) != 64)
			return bad(err, path, "\"sha256\" missing or not 64 hex digits");
	}
	if (!json_is_array(runs))
		return bad(err, "runs", "missing or not an array");
	json_array_foreach(runs, i, x) {
		const char *name;
		json_t *v;
		snprintf(path, sizeof(path), "runs[%zu]", i);
		if (!json_is_string(json_object_get(x, "scenario")))
			return bad(err, path, "\"scenario\" missing or not a string");
		if (!json_is_string(json_object_get(x, "status")))
			return bad(err, path, "\"status\" missing or not a string");
		if (!json_is_object(json_object_get(x, "point")))
			return bad(err, path, "\"point\" missing or not an object");
		json_object_foreach(json_object_get(x, "point"), name, v)
			if (!json_is_string(v))
				return bad(err, path, "a \"point\" value is not a string");
		int rc = check_metrics(json_object_get(x, "metrics"), path, err);
		if (rc)
			return rc;
	}
	return 0;
}

char *bench_point_text(const json_t *point)
{
	size_t cap = 1, n = 0;
	const char *key;
	json_t *v;
	char *s;

	json_object_foreach((json_t *)point, key, v)
		cap += strlen(key) + strlen(json_string_value(v) ? json_string_value(v) : "") + 2;
	s = malloc(cap);
	if (!s)
		return NULL;
	s[0] = '\0';
	json_object_foreach((json_t *)point, key, v)
		n += (size_t)snprintf(s + n, cap - n, "%s%s=%s", n ? " " : "", key,
				      json_string_value(v) ? json_string_value(v) : "");
	return s;
}
