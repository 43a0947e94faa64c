/* SPDX-License-Identifier: MIT */
/*
 * The bench runner (DESIGN.md §1, third user; docs/bench.md): measurement scenarios, sweeps
 * over parameters, metrics evaluated over the statistics, results as versioned JSON, the
 * comparison of two results and sweep plots.
 *
 * A bench scenario is a command stream (docs/stream-format.md) whose whole-line comments
 * starting with "bench:" declare what to measure:
 *
 *   # bench: metric unmap_inval_cycles                    a standard metric, by name
 *   # bench: metric walks unit=walks better=lower = vtd.walks / ep0.dma
 *   # bench: var size=4K                                  ${size} in the stream's lines
 *   # bench: sweep drv.vtd.flush=strict,batched           the default sweep
 *   # bench: begin                                        the measurement window starts
 *   # bench: end                                          ... and ends
 *
 * Each scenario runs once per point of its sweep (the product of its sweep dimensions) on
 * a fresh simulated host through the replay engine (host-shim/replay/replay.h). At `begin`
 * every statistic is zeroed; at `end` (or at the end of the stream) the metrics are
 * evaluated over the statistics, the window's simulated time, the effective parameters and
 * the window's host time (host time only feeds metrics marked informational).
 *
 * Determinism: everything but host time is a function of the scenario text and the
 * parameters. The library itself never reads a clock: the caller passes one.
 */
#ifndef IOMMUSIM_BENCH_H
#define IOMMUSIM_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "iommusim/error.h"

#define BENCH_SCHEMA          "iommusim-bench"   /* "schema" of a result document */
#define BENCH_SCHEMA_VERSION  1                  /* "schema_version" this build writes/reads */

/* ---- expressions (bench_expr.c) ------------------------------------------------------------
 *
 * EXPR := TERM (('+'|'-') TERM)*      TERM := UNARY (('*'|'/') UNARY)*
 * UNARY := '-' UNARY | PRIMARY
 * PRIMARY := NUMBER | NAME | 'sum(' PATTERN ')' | ('min'|'max') '(' EXPR ',' EXPR ')' | '(' EXPR ')'
 * NUMBER: decimal with optional fraction and exponent (1, 0.5, 1e9; no locale).
 * NAME: [A-Za-z_][A-Za-z0-9_.]* -- a statistic, a histogram field (NAME.p50, NAME.sum ...),
 * "bench.*" (the window) or "param.*" (a parameter), looked up through the environment.
 * sum(PATTERN): the sum of every counter the pattern matches, '*' matching any run of
 * characters within one dotted segment (sum(*.dma.bytes)); no match sums to 0.
 * Division by zero gives NaN ("undefined"), which propagates (min and max too).
 */
typedef struct bench_expr bench_expr_t;

/* Parses text. -EINVAL with "col N: message" in err (N 1-based, *col too if non-NULL),
 * -ENOMEM. */
int bench_expr_parse(const char *text, bench_expr_t **out, unsigned *col, iommusim_error_t *err);
void bench_expr_free(bench_expr_t *e);

/* Where names get their values. lookup: 0 or a negative errno with a message (an unknown
 * name should list close names). each: visits every (counter name, value) for patterns. */
typedef void (*bench_visit_fn)(void *arg, const char *name, double value);
typedef struct bench_env {
	int (*lookup)(void *ctx, const char *name, double *value, iommusim_error_t *err);
	void (*each)(void *ctx, bench_visit_fn fn, void *arg);
	void *ctx;
} bench_env_t;

/* Evaluates e. NaN results are values (undefined), not errors. Errors come from lookup. */
int bench_expr_eval(const bench_expr_t *e, const bench_env_t *env, double *out,
		    iommusim_error_t *err);
/* Does any NAME of e start with prefix ("bench.host")? */
bool bench_expr_uses(const bench_expr_t *e, const char *prefix);
/* '*' matches any run of characters other than '.'; everything else matches itself. */
bool bench_glob_match(const char *pattern, const char *name);

/* ---- metrics ---------------------------------------------------------------------------- */

typedef enum bench_better {
	BENCH_LOWER,    /* a cost: an increase is a regression */
	BENCH_HIGHER,   /* a benefit: a decrease is a regression */
} bench_better_t;

const char *bench_better_name(bench_better_t b);                /* "lower", "higher" */
int bench_better_parse(const char *s, bench_better_t *out);      /* 0 or -EINVAL */

typedef struct bench_metric_def {
	char *name;
	char *expr_text;
	bench_expr_t *expr;
	char *unit;              /* "" when dimensionless */
	bench_better_t better;
	bool informational;      /* compare ignores it unless asked (--metric) */
	unsigned line;           /* declaring line, 0 for the automatic ones */
} bench_metric_def_t;

/* The standard metrics (bench_std.c), usable by name: "# bench: metric NAME". */
typedef struct bench_std_metric {
	const char *name, *expr, *unit;
	bench_better_t better;
	bool informational;
	const char *help;
} bench_std_metric_t;
const bench_std_metric_t *bench_std_metrics(size_t *n);
const bench_std_metric_t *bench_std_find(const char *name);
/* The metrics every run gets in addition to the declared ones (informational). */
const bench_std_metric_t *bench_auto_metrics(size_t *n);

/* ---- key=value lists ------------------------------------------------------------------- */

typedef struct bench_kv {
	char *key;
	char *value;
} bench_kv_t;

/* A parameter key is dotted ("drv.vtd.flush"); a scenario variable is not ("size"). */
bool bench_key_is_param(const char *key);
/* Variable names [A-Za-z_][A-Za-z0-9_]*, values [A-Za-z0-9_.:|+/-]+ (they are pasted into
 * stream lines). */
bool bench_var_name_ok(const char *name);
bool bench_var_value_ok(const char *value);

/* ---- sweeps (bench_sweep.c) ------------------------------------------------------------- */

typedef struct bench_dim {
	char *key;
	char **values;
	size_t nvalues;
} bench_dim_t;

typedef struct bench_sweep {
	bench_dim_t *dims;
	size_t ndims;
} bench_sweep_t;

/* Adds a dimension from "KEY=v1,v2,..." (values non-empty, no duplicates; a key once).
 * -EINVAL with a message, -EEXIST (key already swept), -ENOMEM. */
int bench_sweep_add(bench_sweep_t *sw, const char *spec, iommusim_error_t *err);
int bench_sweep_add_dim(bench_sweep_t *sw, const bench_dim_t *d, iommusim_error_t *err);
const bench_dim_t *bench_sweep_find(const bench_sweep_t *sw, const char *key);
void bench_sweep_free(bench_sweep_t *sw);
/* Points in the product (1 with no dimension); SIZE_MAX when it would overflow. */
size_t bench_sweep_count(const bench_sweep_t *sw);
/* Point idx (0 .. count-1): values[i] is the value of dims[i]; the first dimension varies
 * slowest. -ERANGE for idx out of range. */
int bench_sweep_point(const bench_sweep_t *sw, size_t idx, const char **values);

/* ---- scenarios (bench_scenario.c) ------------------------------------------------------- */

typedef struct bench_scenario {
	char *path;              /* as given */
	char *text;              /* the file's bytes (NUL-terminated copy) */
	size_t len;
	char sha256[65];         /* of the bytes, lower-case hex */
	bench_metric_def_t *metrics;   /* declared, in order (the automatic ones are not here) */
	size_t nmetrics;
	bench_kv_t *vars;        /* declared variables with their defaults */
	size_t nvars;
	bench_sweep_t sweep;     /* declared default sweep */
	unsigned begin_line, end_line;   /* 0: none */
} bench_scenario_t;

/* Reads and checks the declarations: at least one metric; names unique; expressions parse;
 * variables declared once and every ${name} in the text declared; sweep keys are
 * parameters or declared variables; begin before end, each at most once. Errors are
 * "path:line[:col]: message". */
int bench_scenario_load(bench_scenario_t *s, const char *path, iommusim_error_t *err);
int bench_scenario_parse(bench_scenario_t *s, const char *text, size_t len, const char *path,
			 iommusim_error_t *err);
void bench_scenario_free(bench_scenario_t *s);
bool bench_scenario_has_var(const bench_scenario_t *s, const char *name);
/* The text with every ${name} replaced by its value in vals (else the default): malloc'd. */
int bench_scenario_expand(const bench_scenario_t *s, const bench_kv_t *vals, size_t nvals,
			  char **out, size_t *outlen, iommusim_error_t *err);

/* SHA-256 (FIPS 180-4) of data as 64 lower-case hex digits and a NUL. */
void bench_sha256_hex(const void *data, size_t len, char out[65]);

/* ---- running (bench_runner.c) ----------------------------------------------------------- */

typedef struct bench_opts {
	const bench_kv_t *fixed;    /* KEY=VALUE from the command line: parameters and variables */
	size_t nfixed;
	const bench_sweep_t *sweep; /* --sweep dimensions (NULL: none) */
	/* Host seconds since any fixed origin, for the informational speed metrics; NULL:
	 * host time reads 0 and those metrics are undefined. */
	double (*host_clock)(void *ctx);
	void *clock_ctx;
} bench_opts_t;

/* The sweep a scenario runs: the command line's dimensions that apply to it (parameters,
 * and variables it declares), then its own declared dimensions whose key the command line
 * neither sweeps nor fixes. */
int bench_plan(const bench_scenario_t *s, const bench_opts_t *o, bench_sweep_t *out,
	       iommusim_error_t *err);

/* Checks the command line against the scenarios before anything runs: every fixed or
 * swept parameter is a known parameter with a valid value, every fixed or swept variable
 * is declared by at least one scenario and its values are pasteable. */
int bench_check_opts(const bench_opts_t *o, const bench_scenario_t *const *s, size_t ns,
		     iommusim_error_t *err);

/* Runs scenario s at point idx of plan. *run gets the run record (docs/bench.md) whose
 * "status" is "ok", "mismatch" (an expectation of the stream failed; metrics are still
 * given) or "error" (the stream stopped; "error" holds the message). Returns 0 (whatever
 * the status) or -ENOMEM. Mismatch lines go to log (may be NULL). */
int bench_run_point(const bench_scenario_t *s, const bench_sweep_t *plan, size_t idx,
		    const bench_opts_t *o, FILE *log, json_t **run, iommusim_error_t *err);

/* ---- result documents (bench_doc.c) ------------------------------------------------------ */

/* A new document: schema, tool, command-line overrides and sweeps, empty inputs and runs. */
json_t *bench_doc_new(const bench_opts_t *o);
/* Appends the input record of s (path, sha256, bytes, variables, metrics, its plan). */
int bench_doc_add_input(json_t *doc, const bench_scenario_t *s, const bench_sweep_t *plan);
int bench_doc_add_run(json_t *doc, json_t *run);   /* takes the reference */
/* Checks a document read back: schema name and version, and the type of every field
 * compare and plot use. -EINVAL with the path of the bad field ("runs[3].metrics.x.unit"). */
int bench_doc_check(const json_t *doc, iommusim_error_t *err);
/* "key=value key=value" of a run's point in the order written, "" for none. malloc'd. */
char *bench_point_text(const json_t *point);

/* ---- comparison (bench_compare.c) -------------------------------------------------------- */

/* "2%", "2", "0.5%", "0": a percentage >= 0 into a fraction (0.02). -EINVAL. */
int bench_threshold_parse(const char *s, double *frac, iommusim_error_t *err);

typedef enum bench_verdict {
	BENCH_SAME,         /* equal (both undefined counts as equal) */
	BENCH_BETTER,
	BENCH_WORSE_OK,     /* worse, within the threshold */
	BENCH_WORSE,        /* worse beyond the threshold: a regression */
	BENCH_UNDEFINED,    /* one side undefined (null), the other not: a regression */
} bench_verdict_t;

/* The verdict for one metric. Relative change = (new - base) / |base| (into *change; ±inf
 * when base is 0 and new is not, NaN when either is undefined). Worse beyond the threshold
 * means the change in the bad direction exceeds frac (strictly); with frac 0 any worsening
 * is a regression. */
bench_verdict_t bench_judge(double base, double newv, bench_better_t better, double frac,
			    double *change);
const char *bench_verdict_name(bench_verdict_t v);

typedef struct bench_cmp_row {
	char *scenario, *point, *metric, *unit;
	bench_better_t better;
	bool informational;
	bool gated;                /* counts for the exit status */
	double base, newv, change; /* NaN for undefined */
	bench_verdict_t verdict;
} bench_cmp_row_t;

typedef struct bench_cmp {
	bench_cmp_row_t *rows;
	size_t nrows;
	size_t regressions;        /* gated rows with verdict WORSE or UNDEFINED */
	char **notes;              /* e.g. parameters that differ, tool versions */
	size_t nnotes;
} bench_cmp_t;

typedef struct bench_cmp_opts {
	double threshold;              /* a fraction (0.02 for 2%) */
	const char *const *metrics;    /* only these (gated even when informational); n 0: all */
	size_t nmetrics;
} bench_cmp_opts_t;

/* Compares two documents (bench_doc_check first). Errors (-EINVAL, with a message that says
 * what differs and what to do): schema mismatch, different runs (scenario and point sets),
 * a scenario whose content hash differs, a run that is not "ok", a non-informational
 * metric missing on one side, unit or direction that differ, a --metric that no run has. */
int bench_compare(const json_t *base, const json_t *newd, const bench_cmp_opts_t *o,
		  bench_cmp_t *out, iommusim_error_t *err);
void bench_cmp_free(bench_cmp_t *c);
/* The table: per run, every metric with base, new, change and verdict; then the notes and
 * a summary line, and a "REGRESSION ..." line naming each regression. quiet: the summary
 * and the regressions only. */
void bench_cmp_print(FILE *f, const bench_cmp_t *c, double threshold, bool quiet);

/* ---- plots (bench_plot.c) ---------------------------------------------------------------- */

typedef struct bench_plot_opts {
	const char *out;      /* the SVG file */
	const char *metric;   /* NULL: the first metric that is not informational */
	const char *x;        /* NULL: the first swept key whose values are all numbers */
} bench_plot_opts_t;

/* The gnuplot script (data inline) that draws the metric against the swept key, one line
 * per combination of the other swept keys (and scenario). -EINVAL when the document has
 * no sweep, no such metric or key. malloc'd. */
int bench_plot_script(const json_t *doc, const bench_plot_opts_t *o, char **script,
		      iommusim_error_t *err);
/* Runs gnuplot (found in PATH) on script. -ENOENT when gnuplot is missing (the message
 * says how to install it), -EIO when it fails. */
int bench_plot_run(const char *script, iommusim_error_t *err);

#endif
