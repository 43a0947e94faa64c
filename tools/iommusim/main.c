/* SPDX-License-Identifier: MIT */
/*
 * iommusim: git-style subcommands over libiommusim. Each subcommand lives in its own
 * cmd_*.c file; this file only dispatches and prints the top-level help.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "iommusim/iommusim.h"
#include "tools/iommusim/cli.h"

static const cli_command_t *const commands[] = {
	&cli_cmd_bench,
	&cli_cmd_compare,
	&cli_cmd_demo,
	&cli_cmd_params,
	&cli_cmd_replay,
	&cli_cmd_run,
	&cli_cmd_trace,
	&cli_cmd_version,
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

bool cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return false;
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return true;
	}
	return false;
}

int cli_error(const char *cmd, int code, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "iommusim%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: iommusim [--version] [--help] <command> [<args>]\n"
		"\n"
		"iommusim is a cycle-approximate IOMMU hardware simulator (Intel VT-d, Arm SMMUv3,\n"
		"AMD-Vi) driven by recorded Linux iommufd/vfio command streams.\n"
		"\n"
		"commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(out,
		"  help       show the help of a command: iommusim help <command>\n"
		"\n"
		"exit codes:\n"
		"  0  success: everything ran and every check passed\n"
		"  1  a check, expectation or comparison failed\n"
		"  2  bad command line (unknown command or option, missing argument)\n"
		"  3  bad input (unreadable file, malformed line, unknown or out-of-range parameter)\n"
		"  4  internal error of the simulator (out of memory)\n"
		"\n"
		"Every command takes --help.\n");
}

static const cli_command_t *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	const char *name = argv[1];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	if (strcmp(name, "--version") == 0)
		return cli_cmd_version.run(1, argv + 1);
	if (strcmp(name, "help") == 0) {
		if (argc < 3) {
			usage(stdout);
			return CLI_EXIT_OK;
		}
		const cli_command_t *c = find_command(argv[2]);
		if (!c)
			return cli_error(NULL, CLI_EXIT_USAGE,
					 "no command '%s'; run 'iommusim --help' for the list", argv[2]);
		c->help(stdout);
		return CLI_EXIT_OK;
	}
	if (name[0] == '-')
		return cli_error(NULL, CLI_EXIT_USAGE,
				 "unknown option '%s'; run 'iommusim --help'", name);
	const cli_command_t *c = find_command(name);
	if (!c)
		return cli_error(NULL, CLI_EXIT_USAGE,
				 "no command '%s'; run 'iommusim --help' for the list", name);
	if (cli_wants_help(argc - 1, argv + 1)) {
		c->help(stdout);
		return CLI_EXIT_OK;
	}
	return c->run(argc - 1, argv + 1);
}
