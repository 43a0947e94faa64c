/* SPDX-License-Identifier: MIT */
/* The iommusim command-line program: subcommand table and shared helpers. */
#ifndef IOMMUSIM_CLI_H
#define IOMMUSIM_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Exit codes (documented in `iommusim --help` and docs/cli.md). */
#define CLI_EXIT_OK       0   /* success; every check passed */
#define CLI_EXIT_FAIL     1   /* ran, but a check, expectation or comparison failed */
#define CLI_EXIT_USAGE    2   /* bad command line */
#define CLI_EXIT_INPUT    3   /* bad input: unreadable file, malformed line, bad parameter */
#define CLI_EXIT_INTERNAL 4   /* the simulator failed (out of memory, internal error) */

typedef struct cli_command {
	const char *name;
	const char *summary;                 /* one line for the command list */
	int (*run)(int argc, char **argv);   /* argv[0] is the command name */
	void (*help)(FILE *out);             /* full help text */
} cli_command_t;

/* True if argv holds -h or --help (before a "--"). */
bool cli_wants_help(int argc, char **argv);

/* Prints "iommusim CMD: message" to stderr and returns code. */
int cli_error(const char *cmd, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Stream files named on a command line (cli_files.c). */
typedef struct cli_files {
	char **v;
	size_t n, cap;
} cli_files_t;
/* A FILE as named, or a DIR's *.stream files (with recursive, also in its sub-folders),
 * sorted by path. Returns 0 or -ENOMEM. */
int cli_files_add(cli_files_t *f, const char *path, bool recursive);
/* Appends one path as it is. */
int cli_files_push(cli_files_t *f, const char *path);
void cli_files_free(cli_files_t *f);

extern const cli_command_t cli_cmd_params;
extern const cli_command_t cli_cmd_version;
extern const cli_command_t cli_cmd_demo;
extern const cli_command_t cli_cmd_replay;
extern const cli_command_t cli_cmd_run;
extern const cli_command_t cli_cmd_trace;
extern const cli_command_t cli_cmd_bench;
extern const cli_command_t cli_cmd_compare;

#endif
