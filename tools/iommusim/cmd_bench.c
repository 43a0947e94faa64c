/* SPDX-License-Identifier: MIT */
/*
 * `iommusim bench`: runs measurement scenarios over sweeps of parameters and variables
 * (host-shim/bench/) and writes the metrics as JSON (docs/bench.md), optionally drawing a
 * sweep with gnuplot.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include "host-shim/bench/bench.h"
#include "tools/iommusim/cli.h"

static void help(FILE *out)
{
	fprintf(out,
		"usage: iommusim bench [--sweep KEY=v1,v2,...]... [--out FILE.json] [--plot FILE.svg]\n"
		"                      [--plot-metric NAME] [--plot-x KEY] [--quiet]\n"
		"                      [KEY=VALUE...] FILE|DIR...\n"
		"       iommusim bench --list-metrics\n"
		"\n"
		"Runs each bench scenario once per point of its sweep, each on a fresh simulated\n"
		"host, and evaluates its metrics over the statistics of its measurement window.\n"
		"A scenario is a command stream with '# bench:' lines: 'metric NAME' (a standard\n"
		"metric) or 'metric NAME unit=U better=lower|higher = EXPR', 'var NAME=DEFAULT'\n"
		"(pasted as ${NAME}), 'sweep KEY=v1,v2', 'begin' and 'end' (the window). A DIR\n"
		"stands for its *.stream files, in name order.\n"
		"\n"
		"KEY is a parameter when dotted (drv.vtd.flush; 'iommusim params' lists them) and\n"
		"a scenario variable otherwise (size). KEY=VALUE fixes it for every run; --sweep\n"
		"runs every value (several --sweep: their product, the first varying slowest).\n"
		"The command line's sweeps and settings replace a scenario's own sweep of the same\n"
		"key. Put files after '--' if their names hold '='.\n"
		"\n"
		"options:\n"
		"  --sweep KEY=v1,v2,...  sweep KEY over the values (repeatable)\n"
		"  --out FILE             write the results as JSON (schema iommusim-bench version %d,\n"
		"                         docs/bench.md); '-' for standard output\n"
		"  --plot FILE.svg        draw a metric against a swept key with gnuplot, one line\n"
		"                         per combination of the other swept keys\n"
		"  --plot-metric NAME     the metric to draw (default: the first that is not\n"
		"                         informational)\n"
		"  --plot-x KEY           the swept key on the x axis (default: the first whose values\n"
		"                         are all numbers)\n"
		"  --quiet                print only errors and mismatches\n"
		"  --list-metrics         print the standard metrics (name, unit, better, the\n"
		"                         expression over the statistics, what it measures) and exit\n"
		"\n"
		"Every metric is deterministic except the informational ones that read host time\n"
		"(sim_ops_per_host_sec, host_ms); 'iommusim compare' ignores those by default.\n"
		"\n"
		"exit status: 0 every run ran to its end and matched its expectations; 1 a run had\n"
		"a mismatch (its metrics are still written, with status \"mismatch\"); 2 bad command\n"
		"line; 3 a scenario could not be read, declares something wrong, names an unknown\n"
		"statistic, or stopped at a line, a parameter is unknown or out of range, or\n"
		"gnuplot is missing or failed; 4 out of memory.\n",
		BENCH_SCHEMA_VERSION);
}

static double host_seconds(void *ctx)
{
	struct timespec ts;
	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}


static void print_run(const json_t *run)
{
	const char *status = json_string_value(json_object_get(run, "status"));
	char *pt = bench_point_text(json_object_get(run, "point"));
	const char *name;
	json_t *m;

	printf("%-8s %s%s%s%s\n", strcmp(status, "ok") == 0 ? "OK" : status,
	       json_string_value(json_object_get(run, "scenario")), pt && pt[0] ? " [" : "",
	       pt ? pt : "", pt && pt[0] ? "]" : "");
	free(pt);
	json_object_foreach(json_object_get(run, "metrics"), name, m) {
		const json_t *v = json_object_get(m, "value");
		char val[64];
		if (json_is_integer(v))
			snprintf(val, sizeof(val), "%lld", (long long)json_integer_value(v));
		else if (json_is_real(v))
			snprintf(val, sizeof(val), "%.6g", json_real_value(v));
		else
			snprintf(val, sizeof(val), "undefined");
		printf("  %-24s %14s %-8s%s\n", name, val,
		       json_string_value(json_object_get(m, "unit")),
		       json_is_true(json_object_get(m, "informational")) ? " (informational)" : "");
	}
}

/* The standard and automatic metrics, for scenario writers. */
static void list_metrics(void)
{
	size_t n, nauto;
	const bench_std_metric_t *m = bench_std_metrics(&n), *a = bench_auto_metrics(&nauto);

	printf("standard metrics ('# bench: metric NAME'):\n");
	for (size_t i = 0; i < n + nauto; i++) {
		const bench_std_metric_t *d = i < n ? &m[i] : &a[i - n];

		if (i == n)
			printf("\nwith every run (informational: host time):\n");
		printf("  %-24s %-8s %-6s = %s\n      %s\n", d->name, d->unit,
		       bench_better_name(d->better), d->expr, d->help);
	}
}

struct cfg {
	bench_sweep_t sweep;
	bench_kv_t *fixed;
	size_t nfixed;
	cli_files_t files;
	const char *out, *plot, *plot_metric, *plot_x;
	bool quiet, list;
};

static int parse_args(int argc, char **argv, struct cfg *c)
{
	iommusim_error_t err;
	bool files_only = false;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *const valued[] = { "--sweep", "--out", "--plot", "--plot-metric",
					       "--plot-x", NULL };
		if (!files_only && strcmp(a, "--") == 0) {
			files_only = true;
			continue;
		}
		if (!files_only && a[0] == '-' && a[1]) {
			if (strcmp(a, "--quiet") == 0) {
				c->quiet = true;
				continue;
			}
			if (strcmp(a, "--list-metrics") == 0) {
				c->list = true;
				continue;
			}
			size_t k = 0;
			while (valued[k] && strcmp(a, valued[k]) != 0)
				k++;
			if (!valued[k])
				return cli_error("bench", CLI_EXIT_USAGE, "unknown option '%s'; run "
						 "'iommusim bench --help'", a);
			if (i + 1 >= argc)
				return cli_error("bench", CLI_EXIT_USAGE, "%s needs a value", a);
			const char *v = argv[++i];
			if (k == 0) {
				int rc = bench_sweep_add(&c->sweep, v, &err);
				if (rc)
					return cli_error("bench", rc == -ENOMEM ? CLI_EXIT_INTERNAL
										: CLI_EXIT_USAGE,
							 "--sweep %s", err.msg);
			} else {
				const char **slot[] = { NULL, &c->out, &c->plot, &c->plot_metric,
							&c->plot_x };
				*slot[k] = v;
			}
			continue;
		}
		const char *eq = strchr(a, '=');
		if (!files_only && eq) {
			if (eq == a)
				return cli_error("bench", CLI_EXIT_USAGE, "'%s': KEY=VALUE needs a key", a);
			bench_kv_t *v = realloc(c->fixed, (c->nfixed + 1) * sizeof(*v));
			if (!v)
				return cli_error("bench", CLI_EXIT_INTERNAL, "out of memory");
			c->fixed = v;
			v[c->nfixed].key = strndup(a, (size_t)(eq - a));
			v[c->nfixed].value = strdup(eq + 1);
			if (!v[c->nfixed].key || !v[c->nfixed].value) {
				free(v[c->nfixed].key);
				free(v[c->nfixed].value);
				return cli_error("bench", CLI_EXIT_INTERNAL, "out of memory");
			}
			c->nfixed++;
			continue;
		}
		size_t before = c->files.n;
		if (cli_files_add(&c->files, a, false))
			return cli_error("bench", CLI_EXIT_INTERNAL, "out of memory");
		if (c->files.n == before)
			return cli_error("bench", CLI_EXIT_INPUT, "%s: a folder without a *.stream "
					 "file", a);
	}
	if (c->list && (c->files.n || c->nfixed || c->sweep.ndims || c->out || c->plot))
		return cli_error("bench", CLI_EXIT_USAGE, "--list-metrics takes nothing else");
	if (c->list)
		return 0;
	if (!c->files.n)
		return cli_error("bench", CLI_EXIT_USAGE, "no scenario given; run 'iommusim bench "
				 "--help' (the shipped ones are in scenarios/bench/)");
	if ((c->plot_metric || c->plot_x) && !c->plot)
		return cli_error("bench", CLI_EXIT_USAGE, "--plot-metric and --plot-x need --plot");
	return 0;
}

static int write_json(const json_t *doc, const char *path)
{
	FILE *f = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
	if (!f)
		return cli_error("bench", CLI_EXIT_INPUT, "cannot write %s: %s", path,
				 strerror(errno));
	int bad = json_dumpf(doc, f, JSON_INDENT(2)) != 0 || fputc('\n', f) == EOF;
	bad |= f == stdout ? fflush(f) != 0 : fclose(f) != 0;
	if (bad)
		return cli_error("bench", CLI_EXIT_INPUT, "cannot write %s", path);
	return 0;
}

static int run(int argc, char **argv)
{
	struct cfg c = { 0 };
	bench_scenario_t *sc = NULL;
	const bench_scenario_t **scp = NULL;
	json_t *doc = NULL;
	iommusim_error_t err;
	int exit_code = CLI_EXIT_OK, rc;
	size_t loaded = 0;
	unsigned runs = 0, failed = 0, mismatched = 0;
	FILE *log = stdout;   /* where mismatches go */

	rc = parse_args(argc, argv, &c);
	if (rc)
		goto out_rc;
	if (c.list) {
		list_metrics();
		goto out_rc;
	}
	if (c.out && strcmp(c.out, "-") == 0) {
		c.quiet = true;   /* standard output carries the JSON */
		log = stderr;
	}
	sc = calloc(c.files.n, sizeof(*sc));
	scp = calloc(c.files.n, sizeof(*scp));
	if (!sc || !scp) {
		rc = cli_error("bench", CLI_EXIT_INTERNAL, "out of memory");
		goto out_rc;
	}
	for (; loaded < c.files.n; loaded++) {
		rc = bench_scenario_load(&sc[loaded], c.files.v[loaded], &err);
		if (rc) {
			rc = cli_error("bench", rc == -ENOMEM ? CLI_EXIT_INTERNAL : CLI_EXIT_INPUT,
				       "%s", err.msg);
			goto out_rc;
		}
		scp[loaded] = &sc[loaded];
	}
	bench_opts_t o = { .fixed = c.fixed, .nfixed = c.nfixed, .sweep = &c.sweep,
			   .host_clock = host_seconds };
	rc = bench_check_opts(&o, scp, c.files.n, &err);
	if (rc) {
		rc = cli_error("bench", rc == -ENOMEM ? CLI_EXIT_INTERNAL : CLI_EXIT_INPUT, "%s",
			       err.msg);
		goto out_rc;
	}
	doc = bench_doc_new(&o);
	if (!doc) {
		rc = cli_error("bench", CLI_EXIT_INTERNAL, "out of memory");
		goto out_rc;
	}
	for (size_t i = 0; i < c.files.n; i++) {
		bench_sweep_t plan;
		rc = bench_plan(&sc[i], &o, &plan, &err);
		if (rc || bench_doc_add_input(doc, &sc[i], &plan)) {
			bench_sweep_free(&plan);
			rc = rc ? cli_error("bench", CLI_EXIT_INPUT, "%s", err.msg)
				: cli_error("bench", CLI_EXIT_INTERNAL, "out of memory");
			goto out_rc;
		}
		size_t n = bench_sweep_count(&plan);
		for (size_t p = 0; p < n; p++) {
			json_t *r = NULL;
			fflush(stdout);
			rc = bench_run_point(&sc[i], &plan, p, &o, log, &r, &err);
			if (rc || bench_doc_add_run(doc, r)) {
				bench_sweep_free(&plan);
				rc = cli_error("bench", CLI_EXIT_INTERNAL, "%s",
					       rc ? err.msg : "out of memory");
				goto out_rc;
			}
			runs++;
			const char *st = json_string_value(json_object_get(r, "status"));
			if (strcmp(st, "error") == 0) {
				failed++;
				fflush(stdout);
				fprintf(stderr, "%s\n",
					json_string_value(json_object_get(r, "error")));
			} else if (strcmp(st, "mismatch") == 0) {
				mismatched++;
			}
			if (!c.quiet)
				print_run(r);
		}
		bench_sweep_free(&plan);
	}
	if (!c.quiet)
		printf("bench: %u run%s: %u ok, %u with mismatches, %u stopped\n", runs,
		       runs == 1 ? "" : "s", runs - failed - mismatched, mismatched, failed);
	if (c.out && (rc = write_json(doc, c.out)))
		goto out_rc;
	if (failed)
		exit_code = CLI_EXIT_INPUT;
	else if (mismatched)
		exit_code = CLI_EXIT_FAIL;
	if (c.plot) {
		bench_plot_opts_t po = { .out = c.plot, .metric = c.plot_metric, .x = c.plot_x };
		char *script = NULL;
		rc = bench_plot_script(doc, &po, &script, &err);
		if (!rc)
			rc = bench_plot_run(script, &err);
		free(script);
		if (rc) {
			rc = cli_error("bench", rc == -ENOMEM ? CLI_EXIT_INTERNAL : CLI_EXIT_INPUT,
				       "%s%s", err.msg, c.out ? " (the JSON results were written)" : "");
			goto out_rc;
		}
		if (!c.quiet)
			printf("bench: plot written to %s\n", c.plot);
	}
	rc = exit_code;
out_rc:
	for (size_t i = 0; i < loaded; i++)
		bench_scenario_free(&sc[i]);
	free(sc);
	free(scp);
	json_decref(doc);
	bench_sweep_free(&c.sweep);
	for (size_t i = 0; i < c.nfixed; i++) {
		free(c.fixed[i].key);
		free(c.fixed[i].value);
	}
	free(c.fixed);
	cli_files_free(&c.files);
	return rc;
}

const cli_command_t cli_cmd_bench = {
	.name = "bench",
	.summary = "run measurement scenarios over parameter sweeps, write metrics as JSON",
	.run = run,
	.help = help,
};
