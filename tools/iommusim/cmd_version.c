/* SPDX-License-Identifier: MIT */
#include <stdio.h>

#include "iommusim/iommusim.h"
#include "tools/iommusim/cli.h"

static int run(int argc, char **argv)
{
	if (argc > 1)
		return cli_error("version", CLI_EXIT_USAGE, "takes no arguments (got '%s')", argv[1]);
	printf("iommusim %s\n", iommusim_version());
	return CLI_EXIT_OK;
}

static void help(FILE *out)
{
	fprintf(out, "usage: iommusim version\n       iommusim --version\n\n"
		     "Prints the version of iommusim.\n");
}

const cli_command_t cli_cmd_version = {
	.name = "version", .summary = "print the version", .run = run, .help = help,
};
