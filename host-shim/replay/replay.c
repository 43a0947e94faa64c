/* SPDX-License-Identifier: MIT */
/*
 * The replay engine: verb dispatch, the mismatch record, the fd map and the accessors verb
 * handlers use (see replay.h). The verbs themselves live in replay_verbs_*.c.
 */
#include <errno.h>
#include <limits.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/replay/replay_int.h"
#include "host-shim/stream/stream_ioctl.h"
#include "iommusim/text.h"

/* The built-in verb groups, searched in this order. A new group is one more line. */
static const replay_verb_t *const builtin_groups[] = {
	replay_verbs_setup,
	replay_verbs_files,
	replay_verbs_ioctl,
	replay_verbs_dma,
	replay_verbs_mem,
	replay_verbs_xlate,
	replay_verbs_traffic,
	replay_verbs_hw,
	replay_verbs_time,
	replay_verbs_expect,
};
#define NGROUPS (sizeof(builtin_groups) / sizeof(builtin_groups[0]))

#define DEFAULT_MAX_KEPT 10000u
/* Stream numbers for descriptors no line names. */
#define REPLAY_FD_UNNAMED 1000000

/* ---- creation ------------------------------------------------------------------------------ */

replay_t *replay_create(const replay_opts_t *opts, iommusim_error_t *err)
{
	replay_t *r = calloc(1, sizeof(*r));
	if (!r)
		goto nomem;
	if (opts)
		r->opts = *opts;
	if (!r->opts.max_kept)
		r->opts.max_kept = DEFAULT_MAX_KEPT;
	stream_line_init(&r->sysline);
	r->vars = stream_vars_create();
	if (!r->vars)
		goto nomem;
	return r;
nomem:
	free(r);
	iommusim_error_set(err, -ENOMEM, "replay: out of memory");
	return NULL;
}

void replay_destroy(replay_t *r)
{
	if (!r)
		return;
	replay_host_free(r);
	stream_line_free(&r->sysline);
	stream_vars_destroy(r->vars);
	free(r->fds);
	free(r->mm);
	free(r->tables);
	for (size_t i = 0; i < r->nnames; i++)
		free(r->names[i]);
	free(r->names);
	free(r);
}

const char *replay_intern(replay_t *r, const char *name)
{
	if (!name)
		name = "";
	for (size_t i = 0; i < r->nnames; i++)
		if (strcmp(r->names[i], name) == 0)
			return r->names[i];
	char **v = realloc(r->names, (r->nnames + 1) * sizeof(*v));
	if (!v)
		return "";
	r->names = v;
	char *copy = strdup(name);
	if (!copy)
		return "";
	r->names[r->nnames++] = copy;
	return copy;
}

/* ---- mismatches ------------------------------------------------------------------------------ */

static void copy_text(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

void replay_report_at(replay_t *r, const char *file, unsigned line, unsigned col,
		      const char *what, const char *key, const char *expected, const char *got,
		      const char *note)
{
	replay_mismatch_t m;

	memset(&m, 0, sizeof(m));
	m.file = replay_intern(r, file);
	m.line = line;
	m.col = col;
	copy_text(m.what, sizeof(m.what), what);
	copy_text(m.key, sizeof(m.key), key);
	copy_text(m.expected, sizeof(m.expected), expected);
	copy_text(m.got, sizeof(m.got), got);
	copy_text(m.note, sizeof(m.note), note);
	r->sum.mismatches++;
	r->sum.checks++;
	if (r->nmm < r->opts.max_kept) {
		if (r->nmm == r->capmm) {
			size_t cap = r->capmm ? r->capmm * 2 : 16;
			replay_mismatch_t *v = realloc(r->mm, cap * sizeof(*v));
			if (v) {
				r->mm = v;
				r->capmm = cap;
			}
		}
		if (r->nmm < r->capmm)
			r->mm[r->nmm++] = m;
	}
	if (r->opts.on_mismatch)
		r->opts.on_mismatch(r->opts.ctx, &m);
}

void replay_report(replay_t *r, const stream_line_t *l, unsigned col, const char *what,
		   const char *key, const char *expected, const char *got, const char *note)
{
	replay_report_at(r, l->file, l->lineno, col, what, key, expected, got, note);
}

void replay_count_checks(replay_t *r, unsigned n)
{
	r->sum.checks += n;
}

void replay_mismatch_print(FILE *f, const replay_mismatch_t *m)
{
	fprintf(f, "%s:%u:", m->file ? m->file : "", m->line);
	if (m->col)
		fprintf(f, "%u:", m->col);
	fprintf(f, " %s: %s: expected %s, got %s", m->what, m->key, m->expected, m->got);
	if (m->note[0])
		fprintf(f, " (%s)", m->note);
	fputc('\n', f);
}

void replay_get_summary(const replay_t *r, replay_summary_t *s)
{
	*s = r->sum;
	s->now = r->sys ? iommusim_sched_now(iommusim_system_sched(r->sys)) : 0;
}

size_t replay_mismatch_count(const replay_t *r)
{
	return r->nmm;
}

const replay_mismatch_t *replay_mismatch_at(const replay_t *r, size_t i)
{
	return i < r->nmm ? &r->mm[i] : NULL;
}

/* ---- verb lookup ------------------------------------------------------------------------------- */

static const replay_verb_t *search(const replay_verb_t *t, const char *verb, const char *word,
				   size_t *npos)
{
	size_t vlen = strlen(verb);

	if (word) {
		for (const replay_verb_t *v = t; v->name; v++) {
			if (strncmp(v->name, verb, vlen) == 0 && v->name[vlen] == ' ' &&
			    strcmp(v->name + vlen + 1, word) == 0) {
				*npos = 1;
				return v;
			}
		}
	}
	for (const replay_verb_t *v = t; v->name; v++) {
		if (strcmp(v->name, verb) == 0) {
			*npos = 0;
			return v;
		}
	}
	return NULL;
}

const replay_verb_t *replay_find_verb(const replay_t *r, const stream_line_t *l, size_t *npos)
{
	const char *word = l->npos && l->pos[0].kind == STREAM_WORD ? l->pos[0].text : NULL;
	const replay_verb_t *v;
	size_t dummy;

	if (!npos)
		npos = &dummy;
	if (!l->verb)
		return NULL;
	for (size_t i = 0; r && i < r->ntables; i++)
		if ((v = search(r->tables[i], l->verb, word, npos)))
			return v;
	for (size_t i = 0; i < NGROUPS; i++)
		if ((v = search(builtin_groups[i], l->verb, word, npos)))
			return v;
	return NULL;
}

int replay_add_verbs(replay_t *r, const replay_verb_t *table, iommusim_error_t *err)
{
	const replay_verb_t **v = realloc(r->tables, (r->ntables + 1) * sizeof(*v));
	if (!v)
		return iommusim_error_set(err, -ENOMEM, "replay: out of memory");
	r->tables = v;
	r->tables[r->ntables++] = table;
	return 0;
}

/* The closest known verb (or "verb word" pair) to what the line says, for "did you mean". */
static const char *suggest_verb(const replay_t *r, const stream_line_t *l)
{
	const char *best = NULL;
	size_t best_d = SIZE_MAX;

	for (size_t g = 0; g < NGROUPS + (r ? r->ntables : 0); g++) {
		const replay_verb_t *t = g < NGROUPS ? builtin_groups[g] : r->tables[g - NGROUPS];
		for (const replay_verb_t *v = t; v->name; v++) {
			char first[64];
			snprintf(first, sizeof(first), "%s", v->name);
			char *sp = strchr(first, ' ');
			if (sp)
				*sp = '\0';
			size_t d = iommusim_strdist(l->verb, first);
			if (d < best_d) {
				best_d = d;
				best = v->name;
			}
		}
	}
	return best_d <= 2 ? best : NULL;
}

/* Every verb name, for messages: "system, device, ...". */
static void verb_list(const replay_t *r, const char *verb, char *buf, size_t len)
{
	size_t pos = 0;

	buf[0] = '\0';
	for (size_t g = 0; g < NGROUPS + (r ? r->ntables : 0); g++) {
		const replay_verb_t *t = g < NGROUPS ? builtin_groups[g] : r->tables[g - NGROUPS];
		for (const replay_verb_t *v = t; v->name; v++) {
			size_t vl = verb ? strlen(verb) : 0;
			if (verb && (strncmp(v->name, verb, vl) != 0 || v->name[vl] != ' '))
				continue;
			const char *shown = verb ? v->name + vl + 1 : v->name;
			int n = snprintf(buf + pos, len - pos, "%s%s", pos ? ", " : "", shown);
			if (n < 0 || (size_t)n >= len - pos)
				return;
			pos += (size_t)n;
		}
	}
}

static int unknown_verb(const replay_t *r, const stream_line_t *l, iommusim_error_t *err)
{
	char list[384];
	const char *sug;

	/* A verb that exists only with a word after it ("expect mem"): name the words. */
	verb_list(r, l->verb, list, sizeof(list));
	if (list[0]) {
		if (l->npos && l->pos[0].kind == STREAM_WORD)
			return stream_line_error(l, l->pos[0].col, err, -EINVAL,
						 "unknown '%s %s' (known: %s %s)", l->verb,
						 l->pos[0].text, l->verb, list);
		return stream_line_error(l, 1, err, -EINVAL, "'%s' needs a word after it (%s)",
					 l->verb, list);
	}
	sug = suggest_verb(r, l);
	verb_list(r, NULL, list, sizeof(list));
	if (sug)
		return stream_line_error(l, 1, err, -EINVAL, "unknown verb '%s' (did you mean %s?)",
					 l->verb, sug);
	return stream_line_error(l, 1, err, -EINVAL, "unknown verb '%s' (known: %s)", l->verb,
				 list);
}

/* What every verb shares: the number of positional values, the keys, the results. */
static int check_shape(const replay_verb_t *v, size_t skip, const stream_line_t *l,
		       iommusim_error_t *err)
{
	size_t n = l->npos - skip;
	int rc;

	if (n < v->min_pos)
		return stream_line_error(l, 0, err, -EINVAL, "'%s' needs %u positional value%s: %s",
					 v->name, v->min_pos, v->min_pos == 1 ? "" : "s", v->usage);
	if (n > v->max_pos)
		return stream_line_error(l, l->pos[skip + v->max_pos].col, err, -EINVAL,
					 "'%s' takes %u positional value%s, this is one too many: %s",
					 v->name, v->max_pos, v->max_pos == 1 ? "" : "s", v->usage);
	if (v->keys) {
		rc = stream_line_check_keys(l, v->keys, err);
		if (rc)
			return rc;
	}
	if (l->has_result && !(v->flags & REPLAY_VERB_RESULTS))
		return stream_line_error(l, l->nres ? l->res[0].col : 0, err, -EINVAL,
					 "'%s' has no results; remove the '->' part (%s)", v->name,
					 v->usage);
	if (v->check)
		return v->check(l, err);
	return 0;
}

int replay_check_line(const stream_line_t *l, iommusim_error_t *err)
{
	const replay_verb_t *v;
	size_t skip = 0;

	if (l->kind != STREAM_LINE_COMMAND)
		return 0;
	v = replay_find_verb(NULL, l, &skip);
	if (!v)
		return unknown_verb(NULL, l, err);
	return check_shape(v, skip, l, err);
}

int replay_check_doc(const stream_doc_t *doc, iommusim_error_t *err)
{
	bool system_seen = false;
	int rc;

	for (size_t i = 0; i < doc->nlines; i++) {
		const stream_line_t *l = &doc->lines[i];
		if (l->kind != STREAM_LINE_COMMAND)
			continue;
		rc = replay_check_line(l, err);
		if (rc)
			return rc;
		size_t skip;
		const replay_verb_t *v = replay_find_verb(NULL, l, &skip);
		if (strcmp(l->verb, "system") == 0) {
			if (system_seen)
				return stream_line_error(l, 1, err, -EINVAL,
							 "a stream has one 'system' line");
			system_seen = true;
		} else if (v && (v->flags & (REPLAY_VERB_SYSTEM | REPLAY_VERB_SHIM)) &&
			   !system_seen) {
			return stream_line_error(l, 1, err, -EINVAL,
						 "'%s' needs the system: begin the stream with a "
						 "'system arch=vtd' line", l->verb);
		}
	}
	return stream_doc_check_refs(doc, err);
}

/* ---- running ------------------------------------------------------------------------------------ */

static int stop(replay_t *r, int rc, const iommusim_error_t *e, iommusim_error_t *err)
{
	r->stopped = true;
	r->sum.stopped = true;
	r->stop_err = *e;
	if (!r->stop_err.code)
		r->stop_err.code = rc;
	if (err)
		*err = r->stop_err;
	return rc;
}

static int run_line(replay_t *r, const stream_line_t *l, iommusim_error_t *err)
{
	iommusim_error_t e;
	const replay_verb_t *v;
	size_t skip = 0;
	int rc;

	iommusim_error_clear(&e);
	r->sum.stop_line = l->lineno;
	rc = stream_vars_expect_line(r->vars, l);
	if (rc) {
		stream_line_error(l, 0, &e, rc, "out of memory");
		return stop(r, rc, &e, err);
	}
	v = replay_find_verb(r, l, &skip);
	rc = v ? check_shape(v, skip, l, &e) : unknown_verb(r, l, &e);
	if (rc)
		return stop(r, rc, &e, err);
	if ((v->flags & (REPLAY_VERB_SYSTEM | REPLAY_VERB_SHIM)) && !r->sys) {
		rc = stream_line_error(l, 1, &e, -EINVAL,
				       "'%s' needs the system: begin the stream with a 'system "
				       "arch=vtd' line", l->verb);
		return stop(r, rc, &e, err);
	}
	if ((v->flags & REPLAY_VERB_SHIM) && !r->ifd) {
		rc = stream_line_error(l, 1, &e, -EINVAL,
				       "'%s' needs the host's process and drivers, and this system "
				       "has none (driver=none): use the hardware-level lines "
				       "(mmio, hwdma, mem ... pa=) or drop driver=none", l->verb);
		return stop(r, rc, &e, err);
	}
	if (r->sys)
		replay_sync(r);
	rc = v->run(r, l, &e);
	if (rc < 0)
		return stop(r, rc, &e, err);
	r->sum.lines++;
	return 0;
}

int replay_line(replay_t *r, const stream_line_t *l, iommusim_error_t *err)
{

	if (r->stopped) {
		if (err)
			*err = r->stop_err;
		return r->stop_err.code ? r->stop_err.code : -EINVAL;
	}
	if (l->kind == STREAM_LINE_COMMENT && r->opts.on_comment) {
		iommusim_error_t e;
		int rc;

		iommusim_error_clear(&e);
		if (r->sys)
			replay_sync(r);
		rc = r->opts.on_comment(r->opts.ctx, l, &e);
		return rc < 0 ? stop(r, rc, &e, err) : 0;
	}
	if (l->kind != STREAM_LINE_COMMAND)
		return 0;
	return run_line(r, l, err);
}

int replay_finish(replay_t *r, iommusim_error_t *err)
{
	if (r->stopped) {
		if (err)
			*err = r->stop_err;
		return r->stop_err.code ? r->stop_err.code : -EINVAL;
	}
	for (size_t i = 0; i < r->ndevs; i++) {
		replay_dev_t *d = r->devs[i];
		for (replay_dma_pending_t *p = d->pending; p; p = p->next) {
			if (p->expect == REPLAY_DMA_PENDING || p->expect == REPLAY_DMA_ANY) {
				replay_count_checks(r, p->expect == REPLAY_DMA_PENDING);
				continue;
			}
			replay_report_at(r, p->file, p->line, p->expect_col, "dma", "status",
					 p->expect == REPLAY_DMA_OK ? "ok" :
					 p->expect == REPLAY_DMA_FAULT ? "fault" :
					 p->expect == REPLAY_DMA_PRI_FAILED ? "pri_failed" : "mem_error",
					 "pending",
					 "the DMA still waits for a page response at the end of the "
					 "stream: read the fault fd and write a response");
		}
	}
	return 0;
}

/* Comment lines are only read when someone listens to them. */
static unsigned read_flags(const replay_t *r)
{
	return r->opts.on_comment ? STREAM_READ_KEEP_ALL : 0;
}

int replay_run_reader(replay_t *r, stream_reader_t *rd, iommusim_error_t *err)
{
	stream_line_t l;
	int rc;

	stream_line_init(&l);
	while ((rc = stream_reader_next(rd, &l, err)) > 0) {
		rc = replay_line(r, &l, err);
		if (rc)
			break;
	}
	stream_line_free(&l);
	if (rc < 0) {
		if (!r->stopped) {
			r->sum.stop_line = stream_reader_lineno(rd);
			stop(r, rc, err, NULL);
		}
		return rc;
	}
	return replay_finish(r, err);
}

int replay_run_file(replay_t *r, const char *path, iommusim_error_t *err)
{
	stream_reader_t *rd;
	int rc = stream_reader_open(&rd, path, read_flags(r), err);

	if (rc) {
		stop(r, rc, err, NULL);
		return rc;
	}
	rc = replay_run_reader(r, rd, err);
	stream_reader_close(rd);
	return rc;
}

int replay_run_memory(replay_t *r, const char *text, size_t len, const char *name,
		      iommusim_error_t *err)
{
	stream_reader_t *rd = stream_reader_from_memory(text, len, name, read_flags(r));
	int rc;

	if (!rd) {
		iommusim_error_t e;
		rc = iommusim_error_set(&e, -ENOMEM, "replay: out of memory");
		return stop(r, rc, &e, err);
	}
	rc = replay_run_reader(r, rd, err);
	stream_reader_close(rd);
	return rc;
}

/* ---- accessors -------------------------------------------------------------------------------- */

iommusim_system_t *replay_system(replay_t *r)
{
	return r->sys;
}

ifd_sys_t *replay_ifd(replay_t *r)
{
	return r->ifd;
}

const iommusim_params_t *replay_params(replay_t *r)
{
	return r->ps;
}

stream_vars_t *replay_vars(replay_t *r)
{
	return r->vars;
}

iommusim_time_t replay_now(replay_t *r)
{
	return r->sys ? iommusim_sched_now(iommusim_system_sched(r->sys)) : 0;
}

void replay_sync(replay_t *r)
{
	if (r->ifd)
		ifd_sys_advance(r->ifd, replay_now(r));
}

void replay_advance_to(replay_t *r, iommusim_time_t t)
{
	if (!r->sys)
		return;
	iommusim_sched_t *s = iommusim_system_sched(r->sys);
	if (t > iommusim_sched_now(s))
		iommusim_sched_run_until(s, t);
	replay_sync(r);
}

/* ---- devices ------------------------------------------------------------------------------------- */

pci_dev_t *replay_dev_pci(replay_dev_t *d)
{
	return d->pdev;
}

iommusim_endpoint_t *replay_dev_endpoint(replay_dev_t *d)
{
	return d->ep;
}

unsigned replay_dev_iommu(const replay_dev_t *d)
{
	return d->iommu;
}

static int dev_find(replay_t *r, const stream_line_t *l, const char *name, unsigned col,
		    replay_dev_t **out, iommusim_error_t *err)
{
	pci_bdf_t bdf;
	iommusim_error_t e;

	if (pci_bdf_parse(name, &bdf, &e))
		return stream_line_error(l, col, err, -EINVAL, "%s", e.msg);
	for (size_t i = 0; i < r->ndevs; i++) {
		if (pci_bdf_equal(&r->devs[i]->bdf, &bdf)) {
			*out = r->devs[i];
			return 0;
		}
	}
	char list[256] = "";
	size_t pos = 0;
	for (size_t i = 0; i < r->ndevs && pos < sizeof(list); i++) {
		int n = snprintf(list + pos, sizeof(list) - pos, "%s%s", i ? ", " : "",
				 r->devs[i]->bdfname);
		if (n < 0)
			break;
		pos += (size_t)n;
	}
	if (!r->ndevs)
		return stream_line_error(l, col, err, -ENOENT,
					 "no device %s: the stream has no 'device' line", name);
	return stream_line_error(l, col, err, -ENOENT, "no device %s (devices: %s)", name, list);
}

int replay_dev_lookup(replay_t *r, const stream_line_t *l, size_t idx, replay_dev_t **out,
		      iommusim_error_t *err)
{
	const char *name;
	int rc = stream_line_pos_text(l, idx, "device address", &name, err);

	if (rc)
		return rc;
	return dev_find(r, l, name, l->pos[idx].col, out, err);
}

int replay_dev_lookup_key(replay_t *r, const stream_line_t *l, const char *key,
			  replay_dev_t **out, iommusim_error_t *err)
{
	const char *name;
	int rc = stream_line_get_text(l, key, &name, err);

	if (rc)
		return rc;
	return dev_find(r, l, name, stream_line_arg(l, key)->col, out, err);
}

/* ---- IOMMUs ------------------------------------------------------------------------------------ */

iommusim_model_t *replay_iommu(replay_t *r, size_t i)
{
	return r->sys && i < r->niommu ? iommusim_system_iommu(r->sys, i) : NULL;
}

int replay_iommu_arg(replay_t *r, const stream_line_t *l, unsigned def, unsigned *out,
		     iommusim_error_t *err)
{
	const stream_value_t *v = stream_line_arg(l, "iommu");
	uint64_t i = def;
	int rc;

	if (v) {
		rc = stream_value_u64(l, "iommu", v, r->vars, &i, err);
		if (rc)
			return rc;
	}
	if (i >= r->niommu) {
		char list[256] = "";
		size_t pos = 0;
		for (size_t k = 0; k < r->niommu && pos < sizeof(list); k++) {
			int n = snprintf(list + pos, sizeof(list) - pos, "%s%zu (%s)",
					 k ? ", " : "", k, r->iommu_name[k]);
			if (n < 0)
				break;
			pos += (size_t)n;
		}
		return stream_line_error(l, v ? v->col : 0, err, -EINVAL,
					 "iommu=%" PRIu64 ": the system has %zu IOMMU%s: %s", i,
					 r->niommu, r->niommu == 1 ? "" : "s", list);
	}
	*out = (unsigned)i;
	return 0;
}

/* ---- the fd map ----------------------------------------------------------------------------------- */

static replay_fdmap_t *fd_find(replay_t *r, int64_t sfd)
{
	for (size_t i = 0; i < r->nfds; i++)
		if (r->fds[i].sfd == sfd)
			return &r->fds[i];
	return NULL;
}

int replay_fd_in(replay_t *r, const stream_line_t *l, const stream_value_t *v, int *fd,
		 iommusim_error_t *err)
{
	int64_t sfd;
	int rc;

	if (v->kind == STREAM_REF) {
		uint64_t u;
		rc = stream_vars_get(r->vars, v->text, l->file, l->lineno, v->col, &u, err);
		if (rc)
			return rc;
		sfd = (int64_t)u;
	} else {
		rc = stream_value_s64(l, "file descriptor", v, r->vars, &sfd, err);
		if (rc)
			return rc;
	}
	replay_fdmap_t *m = fd_find(r, sfd);
	if (m)
		*fd = m->simfd;
	else if (sfd < 0)
		*fd = sfd < INT_MIN ? INT_MIN : (int)sfd;   /* negative as recorded */
	else
		*fd = REPLAY_FD_NOT_OPEN;   /* a descriptor the process never opened: EBADF */
	return 0;
}

int replay_fd_new(replay_t *r, const stream_line_t *l, const stream_value_t *want, int simfd,
		  int64_t *streamfd, iommusim_error_t *err)
{
	int64_t sfd;
	bool bind = false;
	int rc;

	if (want && want->kind == STREAM_NUMBER) {
		rc = stream_value_s64(l, "file descriptor", want, NULL, &sfd, err);
		if (rc)
			return rc;
	} else if (want && want->kind == STREAM_REF && stream_vars_is_bound(r->vars, want->text)) {
		uint64_t u;
		rc = stream_vars_get(r->vars, want->text, l->file, l->lineno, want->col, &u, err);
		if (rc)
			return rc;
		sfd = (int64_t)u;
	} else if (want && want->kind != STREAM_REF) {
		return stream_line_error(l, want->col, err, -EINVAL,
					 "a file descriptor result is a number or $name");
	} else {
		/* The engine's choice. For a $name, the simulated number when the stream does
		 * not use it; for a descriptor the line does not mention (an open that was
		 * expected to fail, an fd result left out), a number far above the ones
		 * recordings use, so that it never takes a recorded number's place. */
		sfd = want ? simfd : REPLAY_FD_UNNAMED + simfd;
		while (fd_find(r, sfd))
			sfd++;
		bind = want != NULL;
	}
	replay_fdmap_t *m = fd_find(r, sfd);
	if (m)
		return stream_line_error(l, want ? want->col : 0, err, -EEXIST,
					 "fd %" PRId64 " is still open (line %u opened it): a "
					 "process cannot get the same number twice; close it first",
					 sfd, m->line);
	if (r->nfds == r->capfds) {
		size_t cap = r->capfds ? r->capfds * 2 : 16;
		replay_fdmap_t *v = realloc(r->fds, cap * sizeof(*v));
		if (!v)
			return stream_line_error(l, 0, err, -ENOMEM, "out of memory");
		r->fds = v;
		r->capfds = cap;
	}
	if (bind) {
		iommusim_error_t e;
		rc = stream_vars_bind(r->vars, want->text, (uint64_t)sfd, l->lineno, &e);
		if (rc)
			return stream_line_error(l, want->col, err, rc, "%s", e.msg);
	}
	r->fds[r->nfds++] = (replay_fdmap_t){ .sfd = sfd, .simfd = simfd, .line = l->lineno };
	*streamfd = sfd;
	return 0;
}

void replay_fd_forget(replay_t *r, int64_t streamfd)
{
	for (size_t i = 0; i < r->nfds; i++) {
		if (r->fds[i].sfd == streamfd) {
			r->fds[i] = r->fds[--r->nfds];
			return;
		}
	}
}
