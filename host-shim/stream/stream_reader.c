/* SPDX-License-Identifier: MIT */
/*
 * Reading a stream line by line from a file or from memory: line splitting ('\n', with an
 * optional '\r' before it; the last line may lack its newline), the line length limit, the
 * version line, and whole-stream parsing into a stream_doc_t.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/stream/stream_internal.h"

struct stream_reader {
	char *name;
	unsigned flags;
	FILE *f;              /* file source, or NULL */
	bool own_f;
	const char *mem;      /* memory source */
	size_t mem_len, mem_pos;
	char *line;           /* STREAM_LINE_MAX + 2 bytes */
	unsigned lineno;
	unsigned version;
	unsigned version_line;
	bool eof;
	int error;            /* sticky */
	iommusim_error_t saved;
};

static stream_reader_t *reader_new(const char *name, unsigned flags)
{
	stream_reader_t *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->name = stream_strdup(name ? name : "<stream>");
	r->line = malloc(STREAM_LINE_MAX + 2);
	if (!r->name || !r->line) {
		free(r->name);
		free(r->line);
		free(r);
		return NULL;
	}
	r->flags = flags;
	return r;
}

stream_reader_t *stream_reader_from_memory(const char *data, size_t len, const char *name,
					   unsigned flags)
{
	stream_reader_t *r = reader_new(name, flags);

	if (r) {
		r->mem = data ? data : "";
		r->mem_len = data ? len : 0;
	}
	return r;
}

stream_reader_t *stream_reader_from_file(FILE *f, const char *name, unsigned flags)
{
	stream_reader_t *r = reader_new(name, flags);

	if (r)
		r->f = f;
	return r;
}

int stream_reader_open(stream_reader_t **out, const char *path, unsigned flags,
		       iommusim_error_t *err)
{
	FILE *f = fopen(path, "rb");

	*out = NULL;
	if (!f) {
		int e = errno;
		return iommusim_error_set(err, -e, "%s: cannot open: %s", path, strerror(e));
	}
	*out = stream_reader_from_file(f, path, flags);
	if (!*out) {
		fclose(f);
		return iommusim_error_set(err, -ENOMEM, "%s: out of memory", path);
	}
	(*out)->own_f = true;
	return 0;
}

void stream_reader_close(stream_reader_t *r)
{
	if (!r)
		return;
	if (r->own_f && r->f)
		fclose(r->f);
	free(r->name);
	free(r->line);
	free(r);
}

unsigned stream_reader_version(const stream_reader_t *r)
{
	return r->version;
}

unsigned stream_reader_lineno(const stream_reader_t *r)
{
	return r->lineno;
}

static int next_byte(stream_reader_t *r)
{
	if (r->f)
		return getc(r->f);
	if (r->mem_pos >= r->mem_len)
		return EOF;
	return (unsigned char)r->mem[r->mem_pos++];
}

/* Reads one raw line into r->line. 1 with *len, 0 at the end, or an error. */
static int read_raw(stream_reader_t *r, size_t *len, iommusim_error_t *err)
{
	size_t n = 0;
	int c;

	if (r->eof)
		return 0;
	for (;;) {
		c = next_byte(r);
		if (c == EOF || c == '\n')
			break;
		/* Room for one '\r' past the limit: it is dropped before the check. */
		if (n >= STREAM_LINE_MAX + 1) {
			r->lineno++;
			return stream_error_at(r->name, r->lineno, 0, err, -E2BIG,
					       "line longer than the limit of %u bytes",
					       STREAM_LINE_MAX);
		}
		r->line[n++] = (char)c;
	}
	if (c == EOF) {
		if (r->f && ferror(r->f)) {
			r->lineno++;
			return stream_error_at(r->name, r->lineno, 0, err, -EIO, "read error");
		}
		r->eof = true;
		if (n == 0)
			return 0;   /* the last line had its newline (or the stream is empty) */
	}
	r->lineno++;
	if (n > STREAM_LINE_MAX && !(n == STREAM_LINE_MAX + 1 && r->line[n - 1] == '\r'))
		return stream_error_at(r->name, r->lineno, 0, err, -E2BIG,
				       "line longer than the limit of %u bytes", STREAM_LINE_MAX);
	*len = n;
	return 1;
}

static int check_version(stream_reader_t *r, stream_line_t *l, iommusim_error_t *err)
{
	if (r->version)
		return stream_line_error(l, 1, err, -EINVAL,
					 "version line repeated (the first is line %u)",
					 r->version_line);
	if (l->npos != 1 || l->pos[0].kind != STREAM_NUMBER || l->pos[0].neg || l->nargs ||
	    l->has_result)
		return stream_line_error(l, 1, err, -EINVAL,
					 "bad version line: write '%s %u'", STREAM_MAGIC,
					 STREAM_VERSION);
	if (l->pos[0].num != STREAM_VERSION)
		return stream_line_error(l, l->pos[0].col, err, -EPROTONOSUPPORT,
					 "unsupported stream version %llu (this build reads "
					 "version %u)", (unsigned long long)l->pos[0].num,
					 STREAM_VERSION);
	r->version = STREAM_VERSION;
	r->version_line = l->lineno;
	l->version = STREAM_VERSION;
	return 0;
}

static int reader_next(stream_reader_t *r, stream_line_t *line, iommusim_error_t *err)
{
	size_t len = 0;
	int rc;

	for (;;) {
		rc = read_raw(r, &len, err);
		if (rc < 0)
			return rc;
		if (rc == 0) {
			if (!r->version)
				return stream_error_at(r->name, r->lineno ? r->lineno : 1, 0, err,
						       -EINVAL,
						       "missing version line: a stream begins with "
						       "'%s %u' (supported versions: %u)",
						       STREAM_MAGIC, STREAM_VERSION, STREAM_VERSION);
			return 0;
		}
		rc = stream_parse_line(r->line, len, r->name, r->lineno, line, err);
		if (rc < 0)
			return rc;
		switch (line->kind) {
		case STREAM_LINE_BLANK:
		case STREAM_LINE_COMMENT:
			if (r->flags & STREAM_READ_KEEP_ALL)
				return 1;
			continue;
		case STREAM_LINE_VERSION:
			rc = check_version(r, line, err);
			if (rc < 0)
				return rc;
			if (r->flags & STREAM_READ_KEEP_ALL)
				return 1;
			continue;
		case STREAM_LINE_COMMAND:
			if (!r->version)
				return stream_line_error(line, 1, err, -EINVAL,
							 "missing version line: a stream begins "
							 "with '%s %u' (supported versions: %u)",
							 STREAM_MAGIC, STREAM_VERSION,
							 STREAM_VERSION);
			return 1;
		}
	}
}

int stream_reader_next(stream_reader_t *r, stream_line_t *line, iommusim_error_t *err)
{
	int rc;

	if (r->error) {
		if (err)
			*err = r->saved;
		stream_line_free(line);
		return r->error;
	}
	rc = reader_next(r, line, err);
	if (rc < 0) {
		stream_line_free(line);
		r->error = rc;
		if (err)
			r->saved = *err;
		else
			iommusim_error_set(&r->saved, rc, "%s:%u: error", r->name, r->lineno);
	}
	return rc;
}

/* ---- whole streams ------------------------------------------------------------------------ */

void stream_doc_free(stream_doc_t *doc)
{
	if (!doc)
		return;
	for (size_t i = 0; i < doc->nlines; i++)
		stream_line_free(&doc->lines[i]);
	free(doc->lines);
	free(doc->file);
	memset(doc, 0, sizeof(*doc));
}

static int doc_read(stream_doc_t *doc, stream_reader_t *r, iommusim_error_t *err)
{
	size_t cap = 0;
	int rc;

	for (;;) {
		if (doc->nlines == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			stream_line_t *grown = realloc(doc->lines, ncap * sizeof(*grown));
			if (!grown) {
				rc = iommusim_error_set(err, -ENOMEM, "out of memory");
				goto fail;
			}
			doc->lines = grown;
			cap = ncap;
		}
		stream_line_init(&doc->lines[doc->nlines]);
		rc = stream_reader_next(r, &doc->lines[doc->nlines], err);
		if (rc < 0)
			goto fail;
		if (rc == 0)
			break;
		doc->nlines++;
	}
	doc->version = stream_reader_version(r);
	rc = stream_doc_check_refs(doc, err);
	if (rc < 0)
		goto fail;
	return 0;
fail:
	stream_doc_free(doc);
	return rc;
}

int stream_doc_parse(stream_doc_t *doc, const char *text, size_t len, const char *name,
		     iommusim_error_t *err)
{
	stream_reader_t *r;
	int rc;

	memset(doc, 0, sizeof(*doc));
	r = stream_reader_from_memory(text, len, name, STREAM_READ_KEEP_ALL);
	doc->file = stream_strdup(name ? name : "<stream>");
	if (!r || !doc->file) {
		stream_reader_close(r);
		free(doc->file);
		doc->file = NULL;
		return iommusim_error_set(err, -ENOMEM, "out of memory");
	}
	rc = doc_read(doc, r, err);
	stream_reader_close(r);
	return rc;
}

int stream_doc_load(stream_doc_t *doc, const char *path, iommusim_error_t *err)
{
	stream_reader_t *r;
	int rc;

	memset(doc, 0, sizeof(*doc));
	rc = stream_reader_open(&r, path, STREAM_READ_KEEP_ALL, err);
	if (rc < 0)
		return rc;
	doc->file = stream_strdup(path);
	if (!doc->file) {
		stream_reader_close(r);
		return iommusim_error_set(err, -ENOMEM, "out of memory");
	}
	rc = doc_read(doc, r, err);
	stream_reader_close(r);
	return rc;
}

bool stream_doc_equal(const stream_doc_t *a, const stream_doc_t *b)
{
	if (a->nlines != b->nlines || a->version != b->version)
		return false;
	for (size_t i = 0; i < a->nlines; i++)
		if (!stream_line_equal(&a->lines[i], &b->lines[i]))
			return false;
	return true;
}

static int check_use(const stream_vars_t *vars, const stream_line_t *l,
		     const stream_value_t *v, iommusim_error_t *err)
{
	if (v->kind != STREAM_REF || stream_vars_is_known(vars, v->text))
		return 0;
	return stream_line_error(l, v->col, err, -EINVAL,
				 "$%s is used before any line binds it (bind it with "
				 "'-> key=$%s' on an earlier line)", v->text, v->text);
}

int stream_doc_check_refs(const stream_doc_t *doc, iommusim_error_t *err)
{
	stream_vars_t *vars = stream_vars_create();
	int rc = 0;

	if (!vars)
		return iommusim_error_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < doc->nlines && rc == 0; i++) {
		const stream_line_t *l = &doc->lines[i];
		for (size_t j = 0; j < l->npos && rc == 0; j++)
			rc = check_use(vars, l, &l->pos[j], err);
		for (size_t j = 0; j < l->nargs && rc == 0; j++)
			rc = check_use(vars, l, &l->args[j].v, err);
		if (rc == 0 && stream_vars_expect_line(vars, l) < 0)
			rc = iommusim_error_set(err, -ENOMEM, "out of memory");
	}
	stream_vars_destroy(vars);
	return rc;
}
