/* SPDX-License-Identifier: MIT */
/*
 * JUnit XML reports of scenario runs (`iommusim run --junit FILE`), the format CI systems
 * read: <testsuites> holding one <testsuite> per folder of scenarios, one <testcase> per
 * stream, with a <failure> for a stream whose expectations did not hold and an <error> for
 * one that stopped at a line that could not run.
 *
 * Text is written as XML 1.0 requires, whatever bytes a stream name or a message holds: the
 * five markup characters become entities, tabs and line breaks inside attributes become
 * character references, other control characters (not representable in XML 1.0) become the
 * text \xNN, and bytes that are not well-formed UTF-8 (or code points XML excludes) become
 * U+FFFD.
 */
#ifndef IOMMUSIM_REPLAY_JUNIT_H
#define IOMMUSIM_REPLAY_JUNIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* One scenario's outcome. */
typedef struct replay_case {
	const char *file;       /* the stream's path */
	const char *status;     /* "pass", "fail" (mismatches) or "error" (stopped) */
	unsigned checks;        /* expectations compared */
	unsigned mismatches;
	double sim_ns;          /* simulated time reached */
	double host_s;          /* host time the run took */
	const char *message;    /* the first failing line and why; NULL when it passed */
	const char *details;    /* every mismatch and the error, one per line; may be NULL */
} replay_case_t;

/* Writes s (n bytes) as XML character data (attr false) or as an attribute value between
 * double quotes (attr true). Returns 0, or -EIO when f fails. */
int replay_xml_write(FILE *f, const char *s, size_t n, bool attr);

/* Writes the report: the XML declaration, <testsuites name="name"> with totals, then per
 * folder (in the order its first case appears) a <testsuite> with its cases. A case's
 * classname is its folder with '/' as '.', its name the file name without ".stream"; time
 * is host seconds; <system-out> holds the simulated time and the check count. Returns 0 or
 * -EIO. */
int replay_junit_write(FILE *f, const char *name, const replay_case_t *cases, size_t n);

#endif
