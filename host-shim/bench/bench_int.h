/* SPDX-License-Identifier: MIT */
/* Internals of the bench runner shared between its files. */
#ifndef IOMMUSIM_BENCH_INT_H
#define IOMMUSIM_BENCH_INT_H

#include <stddef.h>

#include <jansson.h>

#include "host-shim/bench/bench.h"
#include "host-shim/replay/replay.h"

/* What one run of a scenario is given: parameter overrides ("key=value", the command
 * line's fixed ones then the point's) and variable values (the same order; later wins). */
struct bench_point {
	char **params;
	size_t nparams;
	bench_kv_t *vars;
	size_t nvars;
};

/* bench_plan.c */
int bench_point_build(struct bench_point *pt, const bench_scenario_t *s, const bench_opts_t *o,
		      const bench_sweep_t *plan, const char *const *values,
		      iommusim_error_t *err);
void bench_point_free(struct bench_point *pt);
/* The effective value of variable name for pt (the default when pt does not set it). */
const char *bench_point_var(const struct bench_point *pt, const bench_scenario_t *s,
			    const char *name);

/* The measurement window, as the expressions see it ("bench.*"). */
struct bench_window {
	double sim_ps;
	double host_s;        /* NaN without a host clock */
	double lines, ioctls, dmas, checks;
};

/* bench_doc.c: the run record. values: one per metric (declared, then automatic), NULL
 * when the metrics were not evaluated (the stream stopped first). */
int bench_run_record(const bench_scenario_t *s, const struct bench_point *pt, size_t npoint,
		     const bench_sweep_t *plan, const char *const *values, replay_t *r,
		     int run_rc, const iommusim_error_t *run_err, const double *metric_values,
		     const struct bench_window *w, int eval_rc, const iommusim_error_t *eval_err,
		     json_t **out, iommusim_error_t *err);

/* A metric value as JSON: an integer when it is one (below 2^53), a real, or null when
 * undefined (NaN, infinite). */
json_t *bench_json_number(double v);

#endif
