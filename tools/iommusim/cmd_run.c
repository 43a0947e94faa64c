/* SPDX-License-Identifier: MIT */
/*
 * `iommusim run`: runs scenarios -- files and folders of command streams, each on its own
 * simulated host (host-shim/replay/) -- and reports them as a pass/fail table with the
 * simulated and the host time each took and, for each failure, the first failing line and
 * why; optionally as JUnit XML and JSON for CI.
 *
 * The host time is measured around each scenario for the report only: it is the one value
 * that differs between two runs of the same scenarios.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "host-shim/replay/replay.h"
#include "host-shim/replay/replay_junit.h"
#include "iommusim/iommusim.h"
#include "tools/iommusim/cli.h"


static void help(FILE *out)
{
	fprintf(out,
		"usage: iommusim run [--junit FILE] [--json FILE] [--quiet] [KEY=VALUE...] FILE|DIR...\n"
		"\n"
		"Runs scenarios: each command stream on its own simulated host, its expectations\n"
		"checked (recorded results, expect lines, DMA outcomes). A DIR stands for every\n"
		"*.stream file under it, in its folders too, in name order. Prints a table -- PASS,\n"
		"FAIL (an expectation did not hold) or ERROR (a line could not run), the simulated\n"
		"time reached, the host time taken, the checks made -- and, for each scenario that\n"
		"did not pass, its first failing line and why:\n"
		"  FILE:LINE:COL: WHAT: KEY: expected E, got G (note)\n"
		"('iommusim replay FILE' lists every mismatch of a scenario.) On a terminal a\n"
		"progress line shows the scenario running.\n"
		"\n"
		"KEY=VALUE overrides a parameter of every scenario's system line (they win over\n"
		"the line), e.g. drv.vtd.flush=deferred; 'iommusim params' lists the parameters.\n"
		"\n"
		"options:\n"
		"  --junit FILE  also write a JUnit XML report (a testsuite per folder, a testcase\n"
		"                per scenario, <failure>/<error> with the first failing line)\n"
		"  --json FILE   also write the results as JSON: per scenario the status, counts,\n"
		"                every mismatch, the error, the times and every statistic\n"
		"  --quiet       print only the scenarios that did not pass\n"
		"\n"
		"exit status: 0 every scenario passed; 1 an expectation failed; 2 bad command line;\n"
		"3 a scenario could not be read or stopped at a line that cannot run (wins over 1);\n"
		"4 out of memory.\n"
		"\n"
		"Writing scenarios: docs/scenarios.md; the format: docs/stream-format.md.\n");
}

/* ---- collecting the scenarios ---------------------------------------------------------------- */

/* ---- running ------------------------------------------------------------------------------------ */

typedef struct outcome {
	replay_case_t c;
	char status[8];
	char *message;        /* the first failing line and why */
	char *details;        /* every mismatch and the error */
	bool msg_is_mismatch; /* message is the first mismatch (not the error) */
	char *error;          /* the line that stopped the run, when one did */
	json_t *json;
} outcome_t;

static double host_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A mismatch as replay_mismatch_print writes it, without the newline. */
static char *mismatch_text(const replay_mismatch_t *m)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	replay_mismatch_print(f, m);
	fclose(f);
	if (buf && len && buf[len - 1] == '\n')
		buf[len - 1] = '\0';
	return buf;
}

/* jansson refuses strings that are not UTF-8: such bytes become '?'. */
static json_t *json_text(const char *s)
{
	json_t *j = json_string(s ? s : "");
	if (j)
		return j;
	char *copy = strdup(s);
	if (!copy)
		return json_string("");
	for (unsigned char *p = (unsigned char *)copy; *p; p++)
		if (*p >= 0x80)
			*p = '?';
	j = json_string(copy);
	free(copy);
	return j;
}

static json_t *mismatch_json(const replay_mismatch_t *m)
{
	json_t *o = json_object();
	json_object_set_new(o, "file", json_text(m->file));
	json_object_set_new(o, "line", json_integer(m->line));
	json_object_set_new(o, "col", json_integer(m->col));
	json_object_set_new(o, "what", json_text(m->what));
	json_object_set_new(o, "key", json_text(m->key));
	json_object_set_new(o, "expected", json_text(m->expected));
	json_object_set_new(o, "got", json_text(m->got));
	if (m->note[0])
		json_object_set_new(o, "note", json_text(m->note));
	return o;
}

/* Appends line to the growing text *buf. */
static void append_line(char **buf, const char *line)
{
	size_t old = *buf ? strlen(*buf) : 0, add = strlen(line);
	char *v = realloc(*buf, old + add + 2);
	if (!v)
		return;
	memcpy(v + old, line, add);
	v[old + add] = '\n';
	v[old + add + 1] = '\0';
	*buf = v;
}

static void run_one(const char *file, const replay_opts_t *opts, bool want_json, outcome_t *o,
		    bool *oom)
{
	iommusim_error_t err;
	replay_summary_t s;
	double t0 = host_now();
	replay_t *r = replay_create(opts, &err);
	int rc;

	memset(o, 0, sizeof(*o));
	o->c.file = file;
	if (!r) {
		*oom = true;
		snprintf(o->status, sizeof(o->status), "error");
		o->message = strdup(err.msg);
		o->c.status = o->status;
		o->c.message = o->message;
		return;
	}
	rc = replay_run_file(r, file, &err);
	o->c.host_s = host_now() - t0;
	replay_get_summary(r, &s);
	*oom |= rc == -ENOMEM;
	snprintf(o->status, sizeof(o->status), "%s", rc ? "error" : s.mismatches ? "fail" : "pass");
	o->c.status = o->status;
	o->c.checks = s.checks;
	o->c.mismatches = s.mismatches;
	o->c.sim_ns = iommusim_time_to_ns(s.now);

	/* The first failing line: the earliest mismatch, or the line that stopped the run. */
	const replay_mismatch_t *first = NULL;
	for (size_t i = 0; i < replay_mismatch_count(r); i++) {
		const replay_mismatch_t *m = replay_mismatch_at(r, i);
		char *t = mismatch_text(m);
		if (t) {
			append_line(&o->details, t);
			free(t);
		}
		if (!first || m->line < first->line)
			first = m;
	}
	if (rc) {
		append_line(&o->details, err.msg);
		o->error = strdup(err.msg);
	}
	if (rc && (!first || !s.stop_line || s.stop_line <= first->line)) {
		o->message = strdup(err.msg);
	} else if (first) {
		o->message = mismatch_text(first);
		o->msg_is_mismatch = true;
	}
	o->c.message = o->message;
	o->c.details = o->details;

	if (want_json) {
		json_t *j = json_object();
		json_t *mm = json_array();
		json_object_set_new(j, "file", json_text(file));
		json_object_set_new(j, "status", json_string(o->status));
		json_object_set_new(j, "lines", json_integer(s.lines));
		json_object_set_new(j, "checks", json_integer(s.checks));
		json_object_set_new(j, "mismatch_count", json_integer(s.mismatches));
		for (size_t i = 0; i < replay_mismatch_count(r); i++)
			json_array_append_new(mm, mismatch_json(replay_mismatch_at(r, i)));
		json_object_set_new(j, "mismatches", mm);
		if (o->message) {
			json_t *ff = json_object();
			unsigned line = rc && (!first || !s.stop_line || s.stop_line <= first->line)
						? s.stop_line : first ? first->line : 0;
			json_object_set_new(ff, "line", json_integer(line));
			json_object_set_new(ff, "message", json_text(o->message));
			json_object_set_new(j, "first_failure", ff);
		}
		if (rc)
			json_object_set_new(j, "error", json_text(err.msg));
		json_object_set_new(j, "sim_time_ps", json_integer((json_int_t)s.now));
		json_object_set_new(j, "sim_time_ns", json_real(o->c.sim_ns));
		json_object_set_new(j, "host_time_s", json_real(o->c.host_s));
		if (replay_system(r)) {
			char *text = iommusim_stats_to_json(iommusim_system_stats(replay_system(r)));
			json_t *stats = text ? json_loads(text, 0, NULL) : NULL;
			free(text);
			if (stats)
				json_object_set_new(j, "stats", stats);
		}
		o->json = j;
	}
	replay_destroy(r);
}

/* ---- the table ------------------------------------------------------------------------------------ */

static void fmt_sim(double ns, char *buf, size_t len)
{
	if (ns < 1e3)
		snprintf(buf, len, "%.0f ns", ns);
	else if (ns < 1e6)
		snprintf(buf, len, "%.1f us", ns / 1e3);
	else if (ns < 1e9)
		snprintf(buf, len, "%.2f ms", ns / 1e6);
	else
		snprintf(buf, len, "%.2f s", ns / 1e9);
}

static void fmt_host(double s, char *buf, size_t len)
{
	if (s < 1.0)
		snprintf(buf, len, "%.1f ms", s * 1e3);
	else
		snprintf(buf, len, "%.2f s", s);
}

static void print_row(const outcome_t *o, int width)
{
	char sim[32], host[32];

	fmt_sim(o->c.sim_ns, sim, sizeof(sim));
	fmt_host(o->c.host_s, host, sizeof(host));
	printf("%-5s  %-*s  %10s  %10s  %6u\n", strcmp(o->status, "pass") == 0 ? "PASS" :
	       strcmp(o->status, "fail") == 0 ? "FAIL" : "ERROR", width, o->c.file, sim, host,
	       o->c.checks);
}

static int write_json(const char *path, const outcome_t *o, size_t n, unsigned passed,
		      unsigned failed, unsigned errors)
{
	json_t *root = json_object(), *sum = json_object(), *arr = json_array();
	unsigned long checks = 0, mismatches = 0;
	double sim = 0, host = 0;

	for (size_t i = 0; i < n; i++) {
		checks += o[i].c.checks;
		mismatches += o[i].c.mismatches;
		sim += o[i].c.sim_ns;
		host += o[i].c.host_s;
		json_array_append(arr, o[i].json ? o[i].json : json_null());
	}
	json_object_set_new(sum, "scenarios", json_integer((json_int_t)n));
	json_object_set_new(sum, "passed", json_integer(passed));
	json_object_set_new(sum, "failed", json_integer(failed));
	json_object_set_new(sum, "errors", json_integer(errors));
	json_object_set_new(sum, "checks", json_integer((json_int_t)checks));
	json_object_set_new(sum, "mismatches", json_integer((json_int_t)mismatches));
	json_object_set_new(sum, "sim_time_ns", json_real(sim));
	json_object_set_new(sum, "host_time_s", json_real(host));
	json_object_set_new(root, "summary", sum);
	json_object_set_new(root, "scenarios", arr);
	int rc = json_dump_file(root, path, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(root);
	return rc;
}

static int write_junit(const char *path, const outcome_t *o, size_t n)
{
	replay_case_t *cases = calloc(n ? n : 1, sizeof(*cases));
	FILE *f;
	int rc;

	if (!cases)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		cases[i] = o[i].c;
	f = fopen(path, "w");
	if (!f) {
		free(cases);
		return -errno;
	}
	rc = replay_junit_write(f, "iommusim run", cases, n);
	if (fclose(f) != 0 && !rc)
		rc = -EIO;
	free(cases);
	return rc;
}

static int run(int argc, char **argv)
{
	const char *json_path = NULL, *junit_path = NULL;
	bool quiet = false, no_more_opts = false, oom = false;
	cli_files_t files = { 0 };
	const char **params;
	size_t nparams = 0;
	outcome_t *out = NULL;
	int rc = CLI_EXIT_OK;

	params = calloc((size_t)argc, sizeof(*params));
	if (!params)
		return cli_error("run", CLI_EXIT_INTERNAL, "out of memory");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!no_more_opts && strcmp(a, "--") == 0) {
			no_more_opts = true;
		} else if (!no_more_opts && (strcmp(a, "--json") == 0 || strcmp(a, "--junit") == 0)) {
			if (i + 1 >= argc) {
				rc = cli_error("run", CLI_EXIT_USAGE, "%s needs a file name", a);
				goto out;
			}
			if (strcmp(a, "--json") == 0)
				json_path = argv[++i];
			else
				junit_path = argv[++i];
		} else if (!no_more_opts && (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0)) {
			quiet = true;
		} else if (!no_more_opts && a[0] == '-' && a[1]) {
			rc = cli_error("run", CLI_EXIT_USAGE,
				       "unknown option '%s'; see 'iommusim run --help'", a);
			goto out;
		} else if (!no_more_opts && strchr(a, '=') && !strchr(a, '/')) {
			params[nparams++] = a;
		} else if (cli_files_add(&files, a, true)) {
			rc = cli_error("run", CLI_EXIT_INTERNAL, "out of memory");
			goto out;
		}
	}
	if (!files.n) {
		rc = cli_error("run", CLI_EXIT_USAGE,
			       "no scenario to run (a folder holds no *.stream file, or none was "
			       "given); usage: iommusim run [--junit FILE] [--json FILE] [--quiet] "
			       "FILE|DIR...");
		goto out;
	}
	iommusim_params_t *ps = iommusim_params_create_all();
	for (size_t i = 0; ps && i < nparams; i++) {
		iommusim_error_t err;
		if (iommusim_params_set_kv(ps, params[i], &err)) {
			iommusim_params_destroy(ps);
			rc = cli_error("run", CLI_EXIT_INPUT, "%s", err.msg);
			goto out;
		}
	}
	iommusim_params_destroy(ps);

	out = calloc(files.n, sizeof(*out));
	if (!out) {
		rc = cli_error("run", CLI_EXIT_INTERNAL, "out of memory");
		goto out;
	}
	replay_opts_t opts = { .params = params, .nparams = nparams };
	bool tty = isatty(STDOUT_FILENO) && !quiet;
	int width = 8;
	for (size_t i = 0; i < files.n; i++)
		if ((int)strlen(files.v[i]) > width)
			width = (int)strlen(files.v[i]);
	if (width > 72)
		width = 72;
	if (!quiet)
		printf("%-5s  %-*s  %10s  %10s  %6s\n", "", width, "SCENARIO", "SIMULATED", "HOST",
		       "CHECKS");
	unsigned passed = 0, failed = 0, errors = 0;
	for (size_t i = 0; i < files.n; i++) {
		if (tty) {
			printf("\r[%zu/%zu] %s\033[K", i + 1, files.n, files.v[i]);
			fflush(stdout);
		}
		run_one(files.v[i], &opts, json_path != NULL, &out[i], &oom);
		if (tty)
			printf("\r\033[K");
		bool pass = strcmp(out[i].status, "pass") == 0;
		passed += pass;
		failed += strcmp(out[i].status, "fail") == 0;
		errors += strcmp(out[i].status, "error") == 0;
		if (!quiet || !pass)
			print_row(&out[i], width);
		fflush(stdout);
	}
	if (failed + errors) {
		printf("\n%s:\n", failed + errors == 1 ? "failure" : "failures");
		for (size_t i = 0; i < files.n; i++) {
			if (strcmp(out[i].status, "pass") == 0)
				continue;
			printf("  %s\n", out[i].message ? out[i].message : out[i].c.file);
			unsigned more = out[i].c.mismatches - out[i].msg_is_mismatch;
			if (out[i].msg_is_mismatch && out[i].error)
				printf("    then stopped: %s\n", out[i].error);
			if (more)
				printf("    (%u more mismatch%s: iommusim replay %s)\n", more,
				       more == 1 ? "" : "es", out[i].c.file);
		}
	}
	double sim = 0, host = 0;
	unsigned long checks = 0;
	for (size_t i = 0; i < files.n; i++) {
		sim += out[i].c.sim_ns;
		host += out[i].c.host_s;
		checks += out[i].c.checks;
	}
	char sim_s[32], host_s[32];
	fmt_sim(sim, sim_s, sizeof(sim_s));
	fmt_host(host, host_s, sizeof(host_s));
	printf("%srun: %zu scenario%s: %u passed, %u failed, %u error%s; %lu checks; %s "
	       "simulated, %s host\n", quiet ? "" : "\n", files.n, files.n == 1 ? "" : "s",
	       passed, failed, errors, errors == 1 ? "" : "s", checks, sim_s, host_s);
	fflush(stdout);

	if (junit_path && write_junit(junit_path, out, files.n)) {
		rc = cli_error("run", CLI_EXIT_INPUT, "cannot write %s", junit_path);
		goto out;
	}
	if (json_path && write_json(json_path, out, files.n, passed, failed, errors)) {
		rc = cli_error("run", CLI_EXIT_INPUT, "cannot write %s", json_path);
		goto out;
	}
	if (oom)
		rc = CLI_EXIT_INTERNAL;
	else if (errors)
		rc = CLI_EXIT_INPUT;
	else if (failed)
		rc = CLI_EXIT_FAIL;
out:
	for (size_t i = 0; out && i < files.n; i++) {
		free(out[i].message);
		free(out[i].details);
		free(out[i].error);
		json_decref(out[i].json);
	}
	free(out);
	cli_files_free(&files);
	free(params);
	return rc;
}

const cli_command_t cli_cmd_run = {
	.name = "run",
	.summary = "run scenarios (files and folders of streams): pass/fail table, JUnit, JSON",
	.run = run,
	.help = help,
};
