/* SPDX-License-Identifier: MIT */
/*
 * Running a bench scenario at one point of its sweep: the variables are pasted into the
 * text, the stream runs on a fresh simulated host through the replay engine with the
 * parameter overrides, and the metrics are evaluated over the statistics of the
 * measurement window.
 *
 * The window. The engine runs whole streams and hands the runner every comment line at its
 * place in simulated time (replay_opts_t.on_comment); the scenario's "# bench: begin" and
 * "# bench: end" lines (their line numbers are in the scenario, and pasting the variables
 * keeps the lines where they are) open and close the window. `begin` zeroes every statistic
 * and notes the simulated and host time; `end` evaluates the metrics. Without `end` they
 * are evaluated after the stream's last line.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/bench/bench.h"
#include "host-shim/bench/bench_int.h"
#include "host-shim/replay/replay.h"
#include "iommusim/param.h"
#include "iommusim/stats.h"
#include "iommusim/system.h"

struct run_ctx {
	const bench_scenario_t *s;
	const bench_opts_t *o;
	FILE *log;
	replay_t *r;
	/* the window */
	bool begun;
	iommusim_time_t t0;
	double host0;
	replay_summary_t sum0;
	/* the results */
	bool evaluated;
	double *values;                  /* one per metric: declared then automatic */
	struct bench_window w;
	int eval_rc;
	iommusim_error_t eval_err;
};

static double host_now(const struct run_ctx *c)
{
	return c->o && c->o->host_clock ? c->o->host_clock(c->o->clock_ctx) : 0;
}

/* ---- the environment of the expressions ----------------------------------------------- */

static int lookup_window(const struct bench_window *w, const char *key, double *v,
			 iommusim_error_t *err)
{
	static const char *const names[] = { "sim_ps", "sim_ns", "sim_s", "host_s", "lines",
					     "ioctls", "dmas", "checks", NULL };
	const double vals[] = { w->sim_ps, w->sim_ps / 1e3, w->sim_ps / 1e12, w->host_s,
				w->lines, w->ioctls, w->dmas, w->checks };
	for (size_t i = 0; names[i]; i++) {
		if (strcmp(key, names[i]) == 0) {
			*v = vals[i];
			return 0;
		}
	}
	return iommusim_error_set(err, -ENOENT, "no window value 'bench.%s' (bench.sim_ps, "
				  "bench.sim_ns, bench.sim_s, bench.host_s, bench.lines, "
				  "bench.ioctls, bench.dmas, bench.checks)", key);
}

/* A parameter's value as a number: integers, reals, booleans (0/1); enums and strings are
 * not numbers. */
static int lookup_param(const iommusim_params_t *ps, const char *key, double *v,
			iommusim_error_t *err)
{
	char buf[128];
	if (!ps || iommusim_params_format(ps, key, buf, sizeof(buf)) != 0) {
		iommusim_error_t e;
		iommusim_params_t *all = iommusim_params_create_all();
		int rc = all ? iommusim_params_set(all, key, "0", &e) : -ENOMEM;
		iommusim_params_destroy(all);
		if (rc == -ENOENT)
			return iommusim_error_set(err, -ENOENT, "param.%s: %s", key, e.msg);
		return iommusim_error_set(err, -ENOENT, "param.%s: no such parameter", key);
	}
	if (strcmp(buf, "true") == 0 || strcmp(buf, "false") == 0) {
		*v = buf[0] == 't';
		return 0;
	}
	bench_expr_t *e = NULL;
	iommusim_error_t pe;
	if (bench_expr_parse(buf, &e, NULL, &pe) == 0) {
		/* a plain number parses to a constant: evaluate with no names */
		bench_env_t none = { 0 };
		int rc = bench_expr_eval(e, &none, v, &pe);
		bench_expr_free(e);
		if (rc == 0)
			return 0;
	}
	bench_expr_free(e);
	return iommusim_error_set(err, -EINVAL, "param.%s is '%s', not a number", key, buf);
}

static int lookup(void *ctx, const char *name, double *v, iommusim_error_t *err)
{
	struct run_ctx *c = ctx;
	iommusim_system_t *sys = replay_system(c->r);
	iommusim_stats_t *st = sys ? iommusim_system_stats(sys) : NULL;

	if (strncmp(name, "bench.", 6) == 0)
		return lookup_window(&c->w, name + 6, v, err);
	if (strncmp(name, "param.", 6) == 0)
		return lookup_param(replay_params(c->r), name + 6, v, err);
	if (!st)
		return iommusim_error_set(err, -ENOENT, "'%s': the stream built no system", name);
	int rc = iommusim_stats_get(st, name, v, err);
	size_t n = strlen(name);
	if (rc == -ENOENT && n > 4 && strcmp(name + n - 4, ".sum") == 0) {
		/* NAME.sum of a histogram: mean x count (exact below 2^53) */
		char base[256];
		double mean, count;
		iommusim_error_t e;
		snprintf(base, sizeof(base), "%.*s.mean", (int)(n - 4), name);
		if (iommusim_stats_get(st, base, &mean, &e) == 0) {
			snprintf(base, sizeof(base), "%.*s.count", (int)(n - 4), name);
			if (iommusim_stats_get(st, base, &count, &e) == 0) {
				*v = mean * count;
				return 0;
			}
		}
	}
	return rc;
}

struct each_arg {
	bench_visit_fn fn;
	void *arg;
};

static void each_counter(void *arg, const char *name, uint64_t value)
{
	struct each_arg *a = arg;
	a->fn(a->arg, name, (double)value);
}

static void each(void *ctx, bench_visit_fn fn, void *arg)
{
	struct run_ctx *c = ctx;
	iommusim_system_t *sys = replay_system(c->r);
	struct each_arg a = { fn, arg };
	if (sys)
		iommusim_stats_foreach_counter(iommusim_system_stats(sys), each_counter, &a);
}

/* ---- the window ------------------------------------------------------------------------ */

static void window_begin(struct run_ctx *c)
{
	iommusim_system_t *sys = replay_system(c->r);
	if (sys)
		iommusim_stats_reset(iommusim_system_stats(sys));
	c->t0 = replay_now(c->r);
	replay_get_summary(c->r, &c->sum0);
	c->begun = true;
	c->host0 = host_now(c);
}

static const bench_std_metric_t *auto_def(size_t i)
{
	size_t n;
	return &bench_auto_metrics(&n)[i];
}

/* Evaluates every metric once; an error (an unknown statistic) is kept for the record. */
static void evaluate(struct run_ctx *c)
{
	double host1 = host_now(c);
	replay_summary_t s;
	size_t nauto;
	bench_env_t env = { .lookup = lookup, .each = each, .ctx = c };

	if (c->evaluated)
		return;
	c->evaluated = true;
	replay_get_summary(c->r, &s);
	c->w.sim_ps = (double)(replay_now(c->r) - c->t0);
	c->w.host_s = c->o && c->o->host_clock ? host1 - c->host0 : NAN;
	c->w.lines = s.lines - c->sum0.lines;
	c->w.ioctls = s.ioctls - c->sum0.ioctls;
	c->w.dmas = s.dmas - c->sum0.dmas;
	c->w.checks = s.checks - c->sum0.checks;
	bench_auto_metrics(&nauto);
	for (size_t i = 0; i < c->s->nmetrics + nauto; i++) {
		const bench_metric_def_t *m = i < c->s->nmetrics ? &c->s->metrics[i] : NULL;
		bench_expr_t *tmp = NULL;
		const bench_expr_t *e = m ? m->expr : NULL;
		iommusim_error_t err;
		if (!m) {
			if (bench_expr_parse(auto_def(i - c->s->nmetrics)->expr, &tmp, NULL, &err)) {
				c->values[i] = NAN;
				continue;
			}
			e = tmp;
		}
		int rc = bench_expr_eval(e, &env, &c->values[i], &err);
		bench_expr_free(tmp);
		if (rc && m && !c->eval_rc) {
			c->eval_rc = rc;
			iommusim_error_set(&c->eval_err, rc, "%s:%u: bench: metric %s: %s",
					   c->s->path, m->line, m->name, err.msg);
		}
		if (rc)
			c->values[i] = NAN;
	}
}

/* The window's comment lines, found by the line numbers the scenario recorded. */
static int on_comment(void *ctx, const stream_line_t *l, iommusim_error_t *err)
{
	struct run_ctx *c = ctx;

	(void)err;
	if (c->s->begin_line && l->lineno == c->s->begin_line)
		window_begin(c);
	else if (c->s->end_line && l->lineno == c->s->end_line)
		evaluate(c);
	return 0;
}

/* ---- one run --------------------------------------------------------------------------- */

static void on_mismatch(void *ctx, const replay_mismatch_t *m)
{
	struct run_ctx *c = ctx;
	if (c->log)
		replay_mismatch_print(c->log, m);
}

int bench_run_point(const bench_scenario_t *s, const bench_sweep_t *plan, size_t idx,
		    const bench_opts_t *o, FILE *log, json_t **run, iommusim_error_t *err)
{
	const char *values[32];
	size_t nauto, npoint = plan ? plan->ndims : 0;
	struct bench_point pt = { 0 };
	struct run_ctx *c = NULL;
	char *text = NULL;
	size_t len = 0;
	int rc;

	*run = NULL;
	if (bench_sweep_point(plan, idx, values))
		return iommusim_error_set(err, -ERANGE, "bench: point %zu out of range", idx);
	bench_auto_metrics(&nauto);
	rc = bench_point_build(&pt, s, o, plan, values, err);
	if (rc)
		return rc;
	c = calloc(1, sizeof(*c));
	if (!c || !(c->values = calloc(s->nmetrics + nauto, sizeof(double)))) {
		rc = iommusim_error_set(err, -ENOMEM, "out of memory");
		goto out;
	}
	c->s = s;
	c->o = o;
	c->log = log;
	rc = bench_scenario_expand(s, pt.vars, pt.nvars, &text, &len, err);
	if (rc)
		goto out;
	replay_opts_t ro = {
		.on_mismatch = on_mismatch, .on_comment = on_comment, .ctx = c,
		.params = (const char *const *)pt.params, .nparams = pt.nparams,
	};
	iommusim_error_t rerr;
	c->r = replay_create(&ro, err);
	if (!c->r) {
		rc = -ENOMEM;
		goto out;
	}
	c->host0 = host_now(c);
	iommusim_error_clear(&rerr);
	int run_rc = replay_run_memory(c->r, text, len, s->path, &rerr);
	if (run_rc == 0)
		evaluate(c);
	rc = bench_run_record(s, &pt, npoint, plan, values, c->r, run_rc, &rerr,
			      c->evaluated ? c->values : NULL, &c->w, c->eval_rc, &c->eval_err,
			      run, err);
out:
	if (c) {
		replay_destroy(c->r);
		free(c->values);
		free(c);
	}
	free(text);
	bench_point_free(&pt);
	return rc;
}
