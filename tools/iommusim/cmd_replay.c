/* SPDX-License-Identifier: MIT */
/*
 * `iommusim replay`: replays command streams on a simulated host (host-shim/replay/) and
 * reports every result that differs from the recorded one.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "host-shim/replay/replay.h"
#include "iommusim/iommusim.h"
#include "tools/iommusim/cli.h"

static void help(FILE *out)
{
	fprintf(out,
		"usage: iommusim replay [--json FILE] [--quiet] [KEY=VALUE...] FILE|DIR...\n"
		"\n"
		"Replays each command stream on its own simulated host: the stream's system and\n"
		"device lines build it, its iommufd/vfio calls run through the shim and the IOMMU\n"
		"driver down to the hardware model, its dma lines drive the devices. Every\n"
		"recorded result ('-> ...') and every expect line is compared; each mismatch is\n"
		"printed as\n"
		"  FILE:LINE:COL: WHAT: KEY: expected E, got G (note)\n"
		"and the replay goes on. A line that cannot run (malformed, unknown verb or key,\n"
		"a failing system or device line, a name whose binding line failed) stops that\n"
		"stream with FILE:LINE: message. A DIR stands for its *.stream files, in name order.\n"
		"\n"
		"KEY=VALUE overrides a parameter of every stream's system line (they win over the\n"
		"line), e.g. drv.vtd.flush=strict; 'iommusim params' lists the parameters.\n"
		"\n"
		"options:\n"
		"  --json FILE  also write the results as JSON: per stream the counts, the\n"
		"               mismatches, the error, simulated time and every statistic\n"
		"  --quiet      print only mismatches and errors (no per-stream lines, no summary)\n"
		"\n"
		"exit status: 0 every stream ran to its end and everything matched; 1 a mismatch;\n"
		"2 bad command line; 3 a stream could not be read or stopped at a bad line;\n"
		"4 out of memory.\n"
		"\n"
		"The stream format: docs/stream-format.md; replaying: docs/replay.md.\n");
}

static void print_mismatch(void *ctx, const replay_mismatch_t *m)
{
	(void)ctx;
	replay_mismatch_print(stdout, m);
}

static json_t *mismatch_json(const replay_mismatch_t *m)
{
	json_t *o = json_object();
	json_object_set_new(o, "file", json_string(m->file));
	json_object_set_new(o, "line", json_integer(m->line));
	json_object_set_new(o, "col", json_integer(m->col));
	json_object_set_new(o, "what", json_string(m->what));
	json_object_set_new(o, "key", json_string(m->key));
	json_object_set_new(o, "expected", json_string(m->expected));
	json_object_set_new(o, "got", json_string(m->got));
	if (m->note[0])
		json_object_set_new(o, "note", json_string(m->note));
	return o;
}

static json_t *stream_json(const char *file, replay_t *r, const replay_summary_t *s,
			   const char *status, const char *error)
{
	json_t *o = json_object();
	json_t *mm = json_array();

	json_object_set_new(o, "file", json_string(file));
	json_object_set_new(o, "status", json_string(status));
	json_object_set_new(o, "lines", json_integer(s->lines));
	json_object_set_new(o, "ioctls", json_integer(s->ioctls));
	json_object_set_new(o, "dmas", json_integer(s->dmas));
	json_object_set_new(o, "checks", json_integer(s->checks));
	json_object_set_new(o, "mismatch_count", json_integer(s->mismatches));
	for (size_t i = 0; i < replay_mismatch_count(r); i++)
		json_array_append_new(mm, mismatch_json(replay_mismatch_at(r, i)));
	json_object_set_new(o, "mismatches", mm);
	if (error)
		json_object_set_new(o, "error", json_string(error));
	json_object_set_new(o, "sim_time_ps", json_integer((json_int_t)s->now));
	json_object_set_new(o, "sim_time_ns", json_real(iommusim_time_to_ns(s->now)));
	if (replay_system(r)) {
		char *text = iommusim_stats_to_json(iommusim_system_stats(replay_system(r)));
		json_t *stats = text ? json_loads(text, 0, NULL) : NULL;
		free(text);
		if (stats)
			json_object_set_new(o, "stats", stats);
	}
	return o;
}

typedef struct totals {
	unsigned streams, passed, failed, stopped;
	unsigned long checks, mismatches;
	bool oom;
} totals_t;

static void replay_one(const char *file, const replay_opts_t *opts, bool quiet, json_t *arr,
		       totals_t *t)
{
	iommusim_error_t err;
	replay_summary_t s;
	replay_t *r = replay_create(opts, &err);
	const char *status;

	t->streams++;
	if (!r) {
		fprintf(stderr, "%s: %s\n", file, err.msg);
		t->stopped++;
		t->oom = true;
		return;
	}
	int rc = replay_run_file(r, file, &err);
	replay_get_summary(r, &s);
	t->checks += s.checks;
	t->mismatches += s.mismatches;
	if (rc) {
		fflush(stdout);
		fprintf(stderr, "%s\n", err.msg);
		fflush(stderr);
		status = "error";
		t->stopped++;
		t->oom |= rc == -ENOMEM;
		if (!quiet && s.stop_line)
			printf("ERROR %s: stopped at line %u (%u line%s ran, %u mismatch%s)\n", file,
			       s.stop_line, s.lines, s.lines == 1 ? "" : "s", s.mismatches,
			       s.mismatches == 1 ? "" : "es");
		else if (!quiet)
			printf("ERROR %s: not replayed\n", file);
	} else if (s.mismatches) {
		status = "fail";
		t->failed++;
		if (!quiet)
			printf("FAIL  %s: %u mismatch%s in %u checks (%u lines)\n", file,
			       s.mismatches, s.mismatches == 1 ? "" : "es", s.checks, s.lines);
	} else {
		status = "pass";
		t->passed++;
		if (!quiet)
			printf("PASS  %s: %u checks, %u lines, %u ioctls, %u DMAs, %.1f us simulated\n",
			       file, s.checks, s.lines, s.ioctls, s.dmas,
			       iommusim_time_to_ns(s.now) / 1000.0);
	}
	if (arr)
		json_array_append_new(arr, stream_json(file, r, &s, status, rc ? err.msg : NULL));
	replay_destroy(r);
}

static int run(int argc, char **argv)
{
	const char *json_path = NULL;
	bool quiet = false, no_more_opts = false;
	cli_files_t files = { 0 };
	const char **params = NULL;
	size_t nparams = 0;
	int rc = CLI_EXIT_OK;

	params = calloc((size_t)argc, sizeof(*params));
	if (!params)
		return cli_error("replay", CLI_EXIT_INTERNAL, "out of memory");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!no_more_opts && strcmp(a, "--") == 0) {
			no_more_opts = true;
		} else if (!no_more_opts && strcmp(a, "--json") == 0) {
			if (i + 1 >= argc) {
				rc = cli_error("replay", CLI_EXIT_USAGE, "--json needs a file name");
				goto out;
			}
			json_path = argv[++i];
		} else if (!no_more_opts && (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0)) {
			quiet = true;
		} else if (!no_more_opts && a[0] == '-' && a[1]) {
			rc = cli_error("replay", CLI_EXIT_USAGE,
				       "unknown option '%s'; see 'iommusim replay --help'", a);
			goto out;
		} else if (!no_more_opts && strchr(a, '=') && !strchr(a, '/')) {
			params[nparams++] = a;
		} else if (cli_files_add(&files, a, false)) {
			rc = cli_error("replay", CLI_EXIT_INTERNAL, "out of memory");
			goto out;
		}
	}
	if (!files.n) {
		rc = cli_error("replay", CLI_EXIT_USAGE,
			       "no stream to replay; usage: iommusim replay [--json FILE] [--quiet] "
			       "FILE...");
		goto out;
	}

	/* Check the overrides once, before any stream runs. */
	iommusim_params_t *ps = iommusim_params_create_all();
	for (size_t i = 0; ps && i < nparams; i++) {
		iommusim_error_t err;
		int prc = iommusim_params_set_kv(ps, params[i], &err);
		if (prc) {
			iommusim_params_destroy(ps);
			rc = cli_error("replay", CLI_EXIT_INPUT, "%s", err.msg);
			goto out;
		}
	}
	iommusim_params_destroy(ps);

	replay_opts_t opts = {
		.on_mismatch = print_mismatch,
		.params = params,
		.nparams = nparams,
	};
	json_t *arr = json_path ? json_array() : NULL;
	totals_t t = { 0 };
	for (size_t i = 0; i < files.n; i++)
		replay_one(files.v[i], &opts, quiet, arr, &t);
	if (!quiet)
		printf("replay: %u stream%s: %u passed, %u failed, %u stopped; %lu checks, %lu "
		       "mismatch%s\n", t.streams, t.streams == 1 ? "" : "s", t.passed, t.failed,
		       t.stopped, t.checks, t.mismatches, t.mismatches == 1 ? "" : "es");
	if (arr) {
		json_t *root = json_object();
		json_t *sum = json_object();
		json_object_set_new(sum, "streams", json_integer(t.streams));
		json_object_set_new(sum, "passed", json_integer(t.passed));
		json_object_set_new(sum, "failed", json_integer(t.failed));
		json_object_set_new(sum, "stopped", json_integer(t.stopped));
		json_object_set_new(sum, "checks", json_integer((json_int_t)t.checks));
		json_object_set_new(sum, "mismatches", json_integer((json_int_t)t.mismatches));
		json_object_set_new(root, "summary", sum);
		json_object_set_new(root, "streams", arr);
		if (json_dump_file(root, json_path, JSON_INDENT(2) | JSON_SORT_KEYS) != 0) {
			json_decref(root);
			rc = cli_error("replay", CLI_EXIT_INPUT, "cannot write %s", json_path);
			goto out;
		}
		json_decref(root);
	}
	if (t.oom)
		rc = CLI_EXIT_INTERNAL;
	else if (t.stopped)
		rc = CLI_EXIT_INPUT;
	else if (t.mismatches)
		rc = CLI_EXIT_FAIL;
out:
	cli_files_free(&files);
	free(params);
	return rc;
}

const cli_command_t cli_cmd_replay = {
	.name = "replay",
	.summary = "replay command streams on a simulated host and report every mismatch",
	.run = run,
	.help = help,
};
