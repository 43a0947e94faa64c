/* SPDX-License-Identifier: MIT */
/*
 * `iommusim params`: lists the parameters of every registered component (default, range,
 * unit, help), or of the components named; with key=value arguments it checks them and
 * prints the resulting values, which is how a user tries a parameter before a run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iommusim/iommusim.h"
#include "tools/iommusim/cli.h"

static void help(FILE *out)
{
	fprintf(out,
		"usage: iommusim params [--json] [COMPONENT...] [KEY=VALUE...]\n"
		"\n"
		"Lists the parameters of every component the simulator knows (name, type, default,\n"
		"allowed range, unit and help). Name components to list only those.\n"
		"KEY=VALUE arguments are checked as a run would check them; the values that result\n"
		"are printed as JSON. An unknown key or a bad value exits with code 3 and says why.\n"
		"\n"
		"options:\n"
		"  --json   print the (possibly overridden) values as one JSON object\n"
		"\n"
		"examples:\n"
		"  iommusim params\n"
		"  iommusim params mem\n"
		"  iommusim params mem.read_latency_ns=197\n");
}

static const iommusim_component_t *find_component(const char *name)
{
	size_t n;
	const iommusim_component_t *const *c = iommusim_components(&n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(c[i]->name, name) == 0)
			return c[i];
	return NULL;
}

static int run(int argc, char **argv)
{
	bool json = false;
	int nsel = 0, nkv = 0;
	const iommusim_component_t *sel[64];
	iommusim_params_t *ps = iommusim_params_create_all();
	int rc = CLI_EXIT_OK;

	if (!ps)
		return cli_error("params", CLI_EXIT_INTERNAL, "out of memory");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--json") == 0) {
			json = true;
		} else if (a[0] == '-') {
			rc = cli_error("params", CLI_EXIT_USAGE,
				       "unknown option '%s'; see 'iommusim params --help'", a);
			goto out;
		} else if (strchr(a, '=')) {
			iommusim_error_t err;
			if (iommusim_params_set_kv(ps, a, &err) != 0) {
				rc = cli_error("params", CLI_EXIT_INPUT, "%s", err.msg);
				goto out;
			}
			nkv++;
		} else {
			const iommusim_component_t *c = find_component(a);
			if (!c) {
				rc = cli_error("params", CLI_EXIT_INPUT,
					       "no component '%s'; 'iommusim params' lists them", a);
				goto out;
			}
			if (nsel < (int)(sizeof(sel) / sizeof(sel[0])))
				sel[nsel++] = c;
		}
	}

	if (json || nkv > 0) {
		char *s = iommusim_params_to_json(ps);
		if (!s) {
			rc = cli_error("params", CLI_EXIT_INTERNAL, "out of memory");
			goto out;
		}
		puts(s);
		free(s);
		goto out;
	}

	if (nsel == 0) {
		size_t n;
		const iommusim_component_t *const *c = iommusim_components(&n);
		for (size_t i = 0; i < n; i++) {
			if (i)
				putchar('\n');
			iommusim_param_print_help(stdout, c[i]);
		}
	} else {
		for (int i = 0; i < nsel; i++) {
			if (i)
				putchar('\n');
			iommusim_param_print_help(stdout, sel[i]);
		}
	}
out:
	iommusim_params_destroy(ps);
	return rc;
}

const cli_command_t cli_cmd_params = {
	.name = "params",
	.summary = "list every model parameter with default, range and help; check overrides",
	.run = run,
	.help = help,
};
