/* SPDX-License-Identifier: MIT */
/*
 * `iommusim trace`: command streams without running them. `print` writes a stream in its
 * canonical form (docs/stream-format.md, "Canonical form"); `check` validates streams as a
 * replay would before running anything: syntax, version, verbs and their keys, ioctl names
 * and fields, and that every $name is bound before it is used.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/replay/replay.h"
#include "host-shim/stream/stream.h"
#include "tools/iommusim/cli.h"

static void help(FILE *out)
{
	fprintf(out,
		"usage: iommusim trace print FILE|-\n"
		"       iommusim trace check FILE...\n"
		"\n"
		"print  reads a command stream ('-' for standard input) and writes it in canonical\n"
		"       form to standard output: single spaces, numbers in the base they were\n"
		"       written in, strings quoted, comments kept. Printing the output again gives\n"
		"       the same text.\n"
		"check  validates each stream without running it: the format, the version line,\n"
		"       every verb with its positional values and keys, ioctl names, fields and\n"
		"       flag names, results, and that each $name is bound by an earlier line.\n"
		"       Prints 'FILE: ok (N lines)' or the first error as FILE:LINE:COL: message.\n"
		"\n"
		"exit status: 0 success; 2 bad command line; 3 a stream is unreadable or invalid.\n");
}

/* Reads all of f into memory. */
static char *slurp(FILE *f, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap);

	while (buf) {
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
		if (n == cap) {
			char *b = realloc(buf, cap * 2);
			if (!b) {
				free(buf);
				return NULL;
			}
			buf = b;
			cap *= 2;
		}
	}
	*len = n;
	return buf;
}

static int load(stream_doc_t *doc, const char *path, iommusim_error_t *err)
{
	if (strcmp(path, "-") != 0)
		return stream_doc_load(doc, path, err);
	size_t len;
	char *text = slurp(stdin, &len);
	if (!text)
		return iommusim_error_set(err, -ENOMEM, "out of memory reading standard input");
	int rc = stream_doc_parse(doc, text, len, "<stdin>", err);
	free(text);
	return rc;
}

static int do_print(int argc, char **argv)
{
	stream_doc_t doc;
	iommusim_error_t err;
	size_t len;

	if (argc != 2)
		return cli_error("trace", CLI_EXIT_USAGE,
				 "print takes one file (or '-'); usage: iommusim trace print FILE");
	memset(&doc, 0, sizeof(doc));
	int rc = load(&doc, argv[1], &err);
	if (rc) {
		stream_doc_free(&doc);
		fprintf(stderr, "%s\n", err.msg);
		return rc == -ENOMEM ? CLI_EXIT_INTERNAL : CLI_EXIT_INPUT;
	}
	char *text = stream_doc_format(&doc, &len);
	stream_doc_free(&doc);
	if (!text)
		return cli_error("trace", CLI_EXIT_INTERNAL, "out of memory");
	fwrite(text, 1, len, stdout);
	free(text);
	return CLI_EXIT_OK;
}

static int do_check(int argc, char **argv)
{
	int rc = CLI_EXIT_OK;

	if (argc < 2)
		return cli_error("trace", CLI_EXIT_USAGE,
				 "check takes one or more files; usage: iommusim trace check FILE...");
	for (int i = 1; i < argc; i++) {
		stream_doc_t doc;
		iommusim_error_t err;
		memset(&doc, 0, sizeof(doc));
		int lrc = load(&doc, argv[i], &err);
		if (lrc == 0)
			lrc = replay_check_doc(&doc, &err);
		if (lrc) {
			fprintf(stderr, "%s\n", err.msg);
			if (rc == CLI_EXIT_OK)
				rc = lrc == -ENOMEM ? CLI_EXIT_INTERNAL : CLI_EXIT_INPUT;
		} else {
			size_t n = 0;
			for (size_t k = 0; k < doc.nlines; k++)
				n += doc.lines[k].kind == STREAM_LINE_COMMAND;
			printf("%s: ok (%zu line%s)\n", argv[i], n, n == 1 ? "" : "s");
		}
		stream_doc_free(&doc);
	}
	return rc;
}

static int run(int argc, char **argv)
{
	if (argc < 2)
		return cli_error("trace", CLI_EXIT_USAGE,
				 "missing subcommand; usage: iommusim trace print FILE | "
				 "iommusim trace check FILE...");
	if (strcmp(argv[1], "print") == 0)
		return do_print(argc - 1, argv + 1);
	if (strcmp(argv[1], "check") == 0)
		return do_check(argc - 1, argv + 1);
	return cli_error("trace", CLI_EXIT_USAGE,
			 "unknown subcommand '%s' (print, check); see 'iommusim trace --help'",
			 argv[1]);
}

const cli_command_t cli_cmd_trace = {
	.name = "trace",
	.summary = "print a command stream canonically, or check it without running it",
	.run = run,
	.help = help,
};
