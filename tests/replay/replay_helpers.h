/* SPDX-License-Identifier: MIT */
/* Helpers the replay tests share: run a stream from memory, run one more line, read a
 * statistic or a binding, check a mismatch. Include after tests/support/test.h. */
#ifndef IOMMUSIM_TESTS_REPLAY_HELPERS_H
#define IOMMUSIM_TESTS_REPLAY_HELPERS_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/replay/replay.h"
#include "iommusim/stats.h"

static inline replay_t *rt_run_opts(const char *text, const replay_opts_t *o, int *rc,
				    iommusim_error_t *err)
{
	replay_t *r = replay_create(o, err);
	assert_non_null(r);
	*rc = replay_run_memory(r, text, strlen(text), "t.stream", err);
	return r;
}

/* Runs text; the run must not stop. */
static inline replay_t *rt_run(const char *text)
{
	iommusim_error_t err;
	int rc;
	replay_t *r = rt_run_opts(text, NULL, &rc, &err);
	if (rc)
		fail_msg("replay stopped: %s", err.msg);
	return r;
}

/* Runs text; it must stop with code and a message holding msg. */
static inline void rt_error(const char *text, int code, const char *msg)
{
	iommusim_error_t err;
	int rc;
	replay_t *r = rt_run_opts(text, NULL, &rc, &err);
	bool ok = rc == code && strstr(err.msg, msg);
	if (!ok) {
		replay_destroy(r);
		fail_msg("want %d '%s', got %d '%s'", code, msg, rc, err.msg);
	}
	replay_destroy(r);
}

/* One more line, numbered lineno. */
static inline int rt_line(replay_t *r, const char *text, unsigned lineno, iommusim_error_t *err)
{
	stream_line_t l;
	stream_line_init(&l);
	assert_int_equal(stream_parse_line(text, strlen(text), "t.stream", lineno, &l, err), 0);
	int rc = replay_line(r, &l, err);
	stream_line_free(&l);
	return rc;
}

static inline double rt_stat(replay_t *r, const char *name)
{
	double v = -1;
	iommusim_error_t err;
	if (iommusim_stats_get(iommusim_system_stats(replay_system(r)), name, &v, &err))
		fail_msg("%s", err.msg);
	return v;
}

static inline uint64_t rt_var(replay_t *r, const char *name)
{
	uint64_t v = 0;
	iommusim_error_t err;
	if (stream_vars_get(replay_vars(r), name, "t", 1, 1, &v, &err))
		fail_msg("%s", err.msg);
	return v;
}

/* Mismatch i: its line, verb, key, expected and got values. A failure says what was
 * wanted and what the replay reported. */
static inline void rt_mismatch(replay_t *r, size_t i, unsigned lineno, const char *what,
			       const char *key, const char *expected, const char *got)
{
	const replay_mismatch_t *m = replay_mismatch_at(r, i);
	if (!m)
		fail_msg("no mismatch %zu (there are %zu): wanted line %u %s %s", i,
			 replay_mismatch_count(r), lineno, what, key);
	if (m->line != lineno || strcmp(m->what, what) || strcmp(m->key, key) ||
	    strcmp(m->expected, expected) || strcmp(m->got, got))
		fail_msg("mismatch %zu: wanted line %u '%s' '%s' expected '%s' got '%s'; "
			 "have line %u '%s' '%s' expected '%s' got '%s' (%s)", i, lineno, what, key,
			 expected, got, m->line, m->what, m->key, m->expected, m->got, m->note);
}

/* No mismatch at all (a failure lists the first). */
static inline void rt_clean(replay_t *r)
{
	if (replay_mismatch_count(r)) {
		const replay_mismatch_t *m = replay_mismatch_at(r, 0);
		fail_msg("%zu mismatches; first: line %u %s: %s: expected %s, got %s (%s)",
			 replay_mismatch_count(r), m->line, m->what, m->key, m->expected, m->got,
			 m->note);
	}
}

#endif
