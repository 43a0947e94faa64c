/* SPDX-License-Identifier: MIT */
/*
 * Comparing two result documents: the same scenarios (by path and content hash) and the
 * same runs (scenario and sweep point) must be on both sides; then every metric of every
 * run gets a verdict. A metric is a cost or a benefit ("better"); it regresses when it
 * moves in the bad direction by more than the threshold, relative to the base. Results are
 * deterministic, so a threshold of 0 flags any change for the worse.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/bench/bench.h"

int bench_threshold_parse(const char *s, double *frac, iommusim_error_t *err)
{
	double v = 0, scale = 1;
	const char *p = s;
	bool any = false;

	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (*p++ - '0');
		any = true;
	}
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9') {
			scale /= 10;
			v += (*p++ - '0') * scale;
			any = true;
		}
	}
	if (*p == '%')
		p++;
	if (!any || *p || v > 1e6)
		return iommusim_error_set(err, -EINVAL, "bad threshold '%s': a percentage such as "
					  "2%%, 0.5%% or 0 (results are deterministic: 0 flags any "
					  "change for the worse)", s);
	*frac = v / 100;
	return 0;
}

bench_verdict_t bench_judge(double base, double newv, bench_better_t better, double frac,
			    double *change)
{
	double ch;

	if (isnan(base) || isnan(newv)) {
		*change = NAN;
		return isnan(base) && isnan(newv) ? BENCH_SAME : BENCH_UNDEFINED;
	}
	if (base == newv) {
		*change = 0;
		return BENCH_SAME;
	}
	ch = base != 0 ? (newv - base) / fabs(base) : (newv > base ? INFINITY : -INFINITY);
	*change = ch;
	bool worse = better == BENCH_LOWER ? newv > base : newv < base;
	if (!worse)
		return BENCH_BETTER;
	double bad = better == BENCH_LOWER ? ch : -ch;
	return bad > frac ? BENCH_WORSE : BENCH_WORSE_OK;
}

const char *bench_verdict_name(bench_verdict_t v)
{
	switch (v) {
	case BENCH_SAME: return "same";
	case BENCH_BETTER: return "better";
	case BENCH_WORSE_OK: return "worse, within threshold";
	case BENCH_WORSE: return "WORSE";
	case BENCH_UNDEFINED: return "UNDEFINED";
	}
	return "?";
}

void bench_cmp_free(bench_cmp_t *c)
{
	for (size_t i = 0; i < c->nrows; i++) {
		free(c->rows[i].scenario);
		free(c->rows[i].point);
		free(c->rows[i].metric);
		free(c->rows[i].unit);
	}
	free(c->rows);
	for (size_t i = 0; i < c->nnotes; i++)
		free(c->notes[i]);
	free(c->notes);
	memset(c, 0, sizeof(*c));
}

static int add_note(bench_cmp_t *c, const char *text)
{
	for (size_t i = 0; i < c->nnotes; i++)
		if (strcmp(c->notes[i], text) == 0)
			return 0;
	char **n = realloc(c->notes, (c->nnotes + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	c->notes = n;
	if (!(n[c->nnotes] = strdup(text)))
		return -ENOMEM;
	c->nnotes++;
	return 0;
}

static const json_t *find_input(const json_t *doc, const char *path)
{
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(doc, "inputs"), i, x)
		if (strcmp(json_string_value(json_object_get(x, "path")), path) == 0)
			return x;
	return NULL;
}

static int check_inputs(const json_t *a, const json_t *b, const char *aname, const char *bname,
			iommusim_error_t *err)
{
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(a, "inputs"), i, x) {
		const char *path = json_string_value(json_object_get(x, "path"));
		const json_t *y = find_input(b, path);
		if (!y)
			return iommusim_error_set(err, -EINVAL, "scenario %s is in %s only: run "
						  "both sides on the same scenarios", path, aname);
		const char *ha = json_string_value(json_object_get(x, "sha256"));
		const char *hb = json_string_value(json_object_get(y, "sha256"));
		if (strcmp(ha, hb) != 0)
			return iommusim_error_set(err, -EINVAL, "scenario %s differs between the "
						  "results (sha256 %.12s... in %s, %.12s... in %s): "
						  "run both builds on the same scenario files", path,
						  ha, aname, hb, bname);
	}
	return 0;
}

/* The run of doc with this scenario and point text; NULL if none. *dups counts matches. */
static const json_t *find_run(const json_t *doc, const char *scenario, const char *point,
			      size_t *dups)
{
	const json_t *found = NULL;
	size_t i;
	json_t *x;

	*dups = 0;
	json_array_foreach(json_object_get(doc, "runs"), i, x) {
		if (strcmp(json_string_value(json_object_get(x, "scenario")), scenario) != 0)
			continue;
		char *pt = bench_point_text(json_object_get(x, "point"));
		if (pt && strcmp(pt, point) == 0) {
			found = found ? found : x;
			(*dups)++;
		}
		free(pt);
	}
	return found;
}

static double metric_value(const json_t *m)
{
	const json_t *v = json_object_get(m, "value");
	return json_is_number(v) ? json_number_value(v) : NAN;
}

static bool wanted(const bench_cmp_opts_t *o, const char *name)
{
	if (!o || !o->nmetrics)
		return true;
	for (size_t i = 0; i < o->nmetrics; i++)
		if (strcmp(o->metrics[i], name) == 0)
			return true;
	return false;
}

static int add_row(bench_cmp_t *c, const char *scenario, const char *point, const char *name,
		   const json_t *mb, const json_t *mn, const bench_cmp_opts_t *o)
{
	bench_cmp_row_t r = { 0 };
	bench_better_t better;
	double frac = o ? o->threshold : 0;

	bench_better_parse(json_string_value(json_object_get(mb, "better")), &better);
	r.better = better;
	r.informational = json_is_true(json_object_get(mb, "informational"));
	r.gated = o && o->nmetrics ? true : !r.informational;
	r.base = metric_value(mb);
	r.newv = metric_value(mn);
	r.verdict = bench_judge(r.base, r.newv, better, frac, &r.change);
	r.scenario = strdup(scenario);
	r.point = strdup(point);
	r.metric = strdup(name);
	r.unit = strdup(json_string_value(json_object_get(mb, "unit")));
	bench_cmp_row_t *rows = realloc(c->rows, (c->nrows + 1) * sizeof(*rows));
	if (!rows || !r.scenario || !r.point || !r.metric || !r.unit) {
		free(r.scenario);
		free(r.point);
		free(r.metric);
		free(r.unit);
		if (rows)
			c->rows = rows;
		return -ENOMEM;
	}
	c->rows = rows;
	c->rows[c->nrows++] = r;
	if (r.gated && (r.verdict == BENCH_WORSE || r.verdict == BENCH_UNDEFINED))
		c->regressions++;
	return 0;
}

/* Parameters whose values differ between the two runs: one note each (deduplicated). */
static int note_params(bench_cmp_t *c, const json_t *rb, const json_t *rn)
{
	const json_t *pb = json_object_get(rb, "parameters"), *pn = json_object_get(rn, "parameters");
	const char *key;
	json_t *v;
	char line[512];

	if (!json_is_object(pb) || !json_is_object(pn))
		return 0;
	json_object_foreach((json_t *)pb, key, v) {
		json_t *w = json_object_get(pn, key);
		if (w && json_equal(v, w))
			continue;
		char *a = json_dumps(v, JSON_ENCODE_ANY), *b = w ? json_dumps(w, JSON_ENCODE_ANY) : NULL;
		snprintf(line, sizeof(line), "parameter %s differs: %s in BASE, %s in NEW", key,
			 a ? a : "?", b ? b : "(absent)");
		free(a);
		free(b);
		if (add_note(c, line))
			return -ENOMEM;
	}
	json_object_foreach((json_t *)pn, key, v) {
		if (json_object_get(pb, key))
			continue;
		snprintf(line, sizeof(line), "parameter %s is new in NEW", key);
		if (add_note(c, line))
			return -ENOMEM;
	}
	return 0;
}

static int compare_run(const json_t *rb, const json_t *rn, const char *scenario,
		       const char *point, const bench_cmp_opts_t *o, bench_cmp_t *c,
		       iommusim_error_t *err)
{
	const json_t *mb = json_object_get(rb, "metrics"), *mn = json_object_get(rn, "metrics");
	const char *name;
	json_t *m;
	const char *sides[2] = { "BASE", "NEW" };
	const json_t *runs[2] = { rb, rn };

	for (int k = 0; k < 2; k++) {
		const char *st = json_string_value(json_object_get(runs[k], "status"));
		if (strcmp(st, "ok") != 0) {
			const char *why = json_string_value(json_object_get(runs[k], "error"));
			return iommusim_error_set(err, -EINVAL, "%s [%s]: the run in %s has status "
						  "%s%s%s: its metrics cannot be trusted", scenario,
						  point, sides[k], st, why ? ": " : "",
						  why ? why : "");
		}
	}
	json_object_foreach((json_t *)mb, name, m) {
		json_t *other = json_object_get(mn, name);
		if (!other) {
			if (json_is_true(json_object_get(m, "informational")))
				continue;
			return iommusim_error_set(err, -EINVAL, "%s [%s]: metric %s is in BASE "
						  "only", scenario, point, name);
		}
		const char *ub = json_string_value(json_object_get(m, "unit"));
		const char *un = json_string_value(json_object_get(other, "unit"));
		const char *bb = json_string_value(json_object_get(m, "better"));
		const char *bn = json_string_value(json_object_get(other, "better"));
		if (strcmp(ub, un) != 0 || strcmp(bb, bn) != 0)
			return iommusim_error_set(err, -EINVAL, "%s [%s]: metric %s is measured in "
						  "%s (better %s) in BASE but %s (better %s) in NEW",
						  scenario, point, name, ub, bb, un, bn);
		if (wanted(o, name) && add_row(c, scenario, point, name, m, other, o))
			return iommusim_error_set(err, -ENOMEM, "out of memory");
	}
	json_object_foreach((json_t *)mn, name, m) {
		if (json_object_get(mb, name) || json_is_true(json_object_get(m, "informational")))
			continue;
		return iommusim_error_set(err, -EINVAL, "%s [%s]: metric %s is in NEW only",
					  scenario, point, name);
	}
	return note_params(c, rb, rn) ? iommusim_error_set(err, -ENOMEM, "out of memory") : 0;
}

/* Every run of a must have exactly one partner in b. */
static int check_runs(const json_t *a, const json_t *b, const char *aname, const char *bname,
		      iommusim_error_t *err)
{
	size_t i, dups;
	json_t *x;
	json_array_foreach(json_object_get(a, "runs"), i, x) {
		const char *sc = json_string_value(json_object_get(x, "scenario"));
		char *pt = bench_point_text(json_object_get(x, "point"));
		if (!pt)
			return iommusim_error_set(err, -ENOMEM, "out of memory");
		const json_t *y = find_run(b, sc, pt, &dups);
		int rc = 0;
		if (!y)
			rc = iommusim_error_set(err, -EINVAL, "run %s [%s] is in %s only: give both "
						"sides the same sweeps and KEY=VALUE settings", sc,
						pt, aname);
		else if (dups > 1)
			rc = iommusim_error_set(err, -EINVAL, "run %s [%s] appears %zu times in %s",
						sc, pt, dups, bname);
		else if (find_run(a, sc, pt, &dups) && dups > 1)
			rc = iommusim_error_set(err, -EINVAL, "run %s [%s] appears %zu times in %s",
						sc, pt, dups, aname);
		free(pt);
		if (rc)
			return rc;
	}
	return 0;
}

int bench_compare(const json_t *base, const json_t *newd, const bench_cmp_opts_t *o,
		  bench_cmp_t *out, iommusim_error_t *err)
{
	iommusim_error_t e;
	size_t i;
	json_t *x;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = bench_doc_check(base, &e)))
		return iommusim_error_set(err, rc, "BASE: %s", e.msg);
	if ((rc = bench_doc_check(newd, &e)))
		return iommusim_error_set(err, rc, "NEW: %s", e.msg);
	if ((rc = check_inputs(base, newd, "BASE", "NEW", err)) ||
	    (rc = check_inputs(newd, base, "NEW", "BASE", err)) ||
	    (rc = check_runs(base, newd, "BASE", "NEW", err)) ||
	    (rc = check_runs(newd, base, "NEW", "BASE", err)))
		return rc;
	const char *vb = json_string_value(json_object_get(json_object_get(base, "tool"), "version"));
	const char *vn = json_string_value(json_object_get(json_object_get(newd, "tool"), "version"));
	if (strcmp(vb, vn) != 0) {
		char line[256];
		snprintf(line, sizeof(line), "tool version %s in BASE, %s in NEW", vb, vn);
		if (add_note(out, line))
			goto oom;
	}
	json_array_foreach(json_object_get(base, "runs"), i, x) {
		const char *sc = json_string_value(json_object_get(x, "scenario"));
		char *pt = bench_point_text(json_object_get(x, "point"));
		size_t dups;
		if (!pt)
			goto oom;
		rc = compare_run(x, find_run(newd, sc, pt, &dups), sc, pt, o, out, err);
		free(pt);
		if (rc) {
			bench_cmp_free(out);
			return rc;
		}
	}
	for (size_t k = 0; o && k < o->nmetrics; k++) {
		bool seen = false;
		for (size_t r = 0; r < out->nrows && !seen; r++)
			seen = strcmp(out->rows[r].metric, o->metrics[k]) == 0;
		if (!seen) {
			bench_cmp_free(out);
			return iommusim_error_set(err, -EINVAL, "no run has a metric '%s' (see the "
						  "metric names in the table without --metric)",
						  o->metrics[k]);
		}
	}
	return 0;
oom:
	bench_cmp_free(out);
	return iommusim_error_set(err, -ENOMEM, "out of memory");
}

static void fmt_value(char *buf, size_t len, double v)
{
	if (isnan(v))
		snprintf(buf, len, "undefined");
	else if (v == floor(v) && fabs(v) < 1e15)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.6g", v);
}

static void fmt_change(char *buf, size_t len, const bench_cmp_row_t *r)
{
	if (isnan(r->change))
		snprintf(buf, len, "-");
	else if (isinf(r->change))
		snprintf(buf, len, "%s", r->change > 0 ? "+inf" : "-inf");
	else
		snprintf(buf, len, "%+.2f%%", r->change * 100);
}

void bench_cmp_print(FILE *f, const bench_cmp_t *c, double threshold, bool quiet)
{
	const char *last_sc = NULL, *last_pt = NULL;
	char b[32], n[32], ch[32];
	size_t runs = 0;

	for (size_t i = 0; i < c->nrows; i++) {
		const bench_cmp_row_t *r = &c->rows[i];
		if (!last_sc || strcmp(last_sc, r->scenario) || strcmp(last_pt, r->point)) {
			last_sc = r->scenario;
			last_pt = r->point;
			runs++;
			if (quiet)
				continue;
			fprintf(f, "%s%s%s%s%s\n", runs > 1 ? "\n" : "", r->scenario, r->point[0] ? " [" : "",
				r->point, r->point[0] ? "]" : "");
			fprintf(f, "  %-24s %-11s %16s %16s %10s  %s\n", "metric", "unit", "base", "new",
				"change", "verdict");
		}
		if (quiet)
			continue;
		fmt_value(b, sizeof(b), r->base);
		fmt_value(n, sizeof(n), r->newv);
		fmt_change(ch, sizeof(ch), r);
		fprintf(f, "  %-24s %-11s %16s %16s %10s  %s%s\n", r->metric, r->unit, b, n, ch,
			bench_verdict_name(r->verdict), r->gated ? "" : " (informational)");
	}
	for (size_t i = 0; !quiet && i < c->nnotes; i++)
		fprintf(f, "%snote: %s\n", i ? "" : "\n", c->notes[i]);
	fprintf(f, "%scompare: %zu run%s, %zu metric value%s, threshold %g%%: ", quiet ? "" : "\n", runs,
		runs == 1 ? "" : "s", c->nrows, c->nrows == 1 ? "" : "s", threshold * 100);
	if (!c->regressions) {
		fprintf(f, "no regression\n");
		return;
	}
	fprintf(f, "%zu regression%s\n", c->regressions, c->regressions == 1 ? "" : "s");
	for (size_t i = 0; i < c->nrows; i++) {
		const bench_cmp_row_t *r = &c->rows[i];
		if (!r->gated || (r->verdict != BENCH_WORSE && r->verdict != BENCH_UNDEFINED))
			continue;
		fmt_value(b, sizeof(b), r->base);
		fmt_value(n, sizeof(n), r->newv);
		fmt_change(ch, sizeof(ch), r);
		fprintf(f, "REGRESSION %s%s%s%s: %s (%s, better %s): %s -> %s (%s)\n", r->scenario,
			r->point[0] ? " [" : "", r->point, r->point[0] ? "]" : "", r->metric,
			r->unit[0] ? r->unit : "no unit", bench_better_name(r->better), b, n, ch);
	}
}
