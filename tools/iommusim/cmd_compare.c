/* SPDX-License-Identifier: MIT */
/*
 * `iommusim compare`: two results of `iommusim bench`, metric by metric, with a non-zero
 * exit when a cost got worse beyond a threshold (host-shim/bench/bench_compare.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "host-shim/bench/bench.h"
#include "tools/iommusim/cli.h"

static void help(FILE *out)
{
	fprintf(out,
		"usage: iommusim compare [--threshold PCT] [--metric NAME]... [--quiet]\n"
		"                        BASE.json NEW.json\n"
		"\n"
		"Compares two results of 'iommusim bench' (schema iommusim-bench version %d): for\n"
		"every run (scenario and sweep point) every metric with its base and new value,\n"
		"the relative change and a verdict. A metric is a cost (better=lower) or a benefit\n"
		"(better=higher); it regresses when it moves the wrong way by more than the\n"
		"threshold, relative to BASE (from or to 'undefined' is a regression too).\n"
		"Informational metrics (host time) are shown but do not count unless named with\n"
		"--metric. Parameters whose values differ between the two sides are listed as\n"
		"notes.\n"
		"\n"
		"options:\n"
		"  --threshold PCT  allowed worsening in percent: 2%%, 0.5, 0 (default 0: results\n"
		"                   are deterministic, so any change for the worse is flagged)\n"
		"  --metric NAME    compare only this metric (repeatable); it counts even when\n"
		"                   informational\n"
		"  --quiet          print only the summary and the regressions\n"
		"\n"
		"Both files must hold the same scenarios (same paths and contents) and the same\n"
		"runs: run the two builds on the same scenario files with the same sweeps.\n"
		"\n"
		"exit status: 0 no regression; 1 a metric regressed beyond the threshold (each is\n"
		"named on a REGRESSION line); 2 bad command line; 3 a file cannot be read, is not a\n"
		"bench result of this schema version, or the two do not hold the same scenarios,\n"
		"runs and metrics, or a run did not end with status ok; 4 out of memory.\n",
		BENCH_SCHEMA_VERSION);
}

static json_t *load(const char *path, int *code)
{
	json_error_t je;
	json_t *doc = json_load_file(path, 0, &je);
	iommusim_error_t err;

	if (!doc) {
		*code = cli_error("compare", CLI_EXIT_INPUT, "%s:%d:%d: %s", path, je.line,
				  je.column, je.text);
		return NULL;
	}
	if (bench_doc_check(doc, &err)) {
		*code = cli_error("compare", CLI_EXIT_INPUT, "%s: %s", path, err.msg);
		json_decref(doc);
		return NULL;
	}
	return doc;
}

static int run(int argc, char **argv)
{
	const char *files[2] = { NULL, NULL };
	const char **metrics = NULL;
	size_t nfiles = 0, nmetrics = 0;
	double threshold = 0;
	bool quiet = false, files_only = false;
	iommusim_error_t err;
	json_t *base = NULL, *newd = NULL;
	bench_cmp_t cmp = { 0 };
	int rc = CLI_EXIT_OK;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!files_only && strcmp(a, "--") == 0) {
			files_only = true;
		} else if (!files_only && strcmp(a, "--quiet") == 0) {
			quiet = true;
		} else if (!files_only && (strcmp(a, "--threshold") == 0 ||
					   strcmp(a, "--metric") == 0)) {
			if (i + 1 >= argc) {
				rc = cli_error("compare", CLI_EXIT_USAGE, "%s needs a value", a);
				goto out;
			}
			const char *v = argv[++i];
			if (a[2] == 't') {
				if (bench_threshold_parse(v, &threshold, &err)) {
					rc = cli_error("compare", CLI_EXIT_USAGE, "--threshold: %s",
						       err.msg);
					goto out;
				}
			} else {
				const char **m = realloc(metrics, (nmetrics + 1) * sizeof(*m));
				if (!m) {
					rc = cli_error("compare", CLI_EXIT_INTERNAL, "out of memory");
					goto out;
				}
				metrics = m;
				metrics[nmetrics++] = v;
			}
		} else if (!files_only && a[0] == '-' && a[1]) {
			rc = cli_error("compare", CLI_EXIT_USAGE, "unknown option '%s'; run "
				       "'iommusim compare --help'", a);
			goto out;
		} else if (nfiles < 2) {
			files[nfiles++] = a;
		} else {
			rc = cli_error("compare", CLI_EXIT_USAGE, "takes two files, BASE.json and "
				       "NEW.json (a third: '%s')", a);
			goto out;
		}
	}
	if (nfiles != 2) {
		rc = cli_error("compare", CLI_EXIT_USAGE, "needs two files: iommusim compare "
			       "BASE.json NEW.json");
		goto out;
	}
	if (!(base = load(files[0], &rc)) || !(newd = load(files[1], &rc)))
		goto out;
	bench_cmp_opts_t o = { .threshold = threshold, .metrics = metrics, .nmetrics = nmetrics };
	int crc = bench_compare(base, newd, &o, &cmp, &err);
	if (crc) {
		rc = cli_error("compare", crc == -ENOMEM ? CLI_EXIT_INTERNAL : CLI_EXIT_INPUT,
			       "%s vs %s: %s", files[0], files[1], err.msg);
		goto out;
	}
	bench_cmp_print(stdout, &cmp, threshold, quiet);
	rc = cmp.regressions ? CLI_EXIT_FAIL : CLI_EXIT_OK;
out:
	bench_cmp_free(&cmp);
	json_decref(base);
	json_decref(newd);
	free(metrics);
	return rc;
}

const cli_command_t cli_cmd_compare = {
	.name = "compare",
	.summary = "compare two bench results; exit 1 when a cost got worse beyond a threshold",
	.run = run,
	.help = help,
};
