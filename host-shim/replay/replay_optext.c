/* SPDX-License-Identifier: MIT */
/*
 * The comparison operators of `expect stat NAME OP VALUE` (< <= == >= >) are characters the
 * stream lexer reserves, so a reader that does not know them refuses the line. Until it
 * does, the replay reads such a line with its operator quoted ("==" is a string value, which
 * `expect stat` takes as well): a line the reader accepts is never touched, so once the
 * lexer takes bare operators this does nothing. Quoting adds two columns after the
 * operator; replay_line takes them off again before the verb sees the line, so messages
 * point where the stream as written has the value.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/replay/replay_int.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_op(const char *s, size_t n)
{
	static const char *const ops[] = { "<", "<=", "==", ">=", ">" };
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strlen(ops[i]) == n && memcmp(ops[i], s, n) == 0)
			return true;
	return false;
}

/* The offset of the operator token of an `expect stat` line the reader refuses, or -1. */
static long op_offset(const char *line, size_t len, unsigned lineno)
{
	const char *tok[4];
	size_t tlen[4], n = 0, i = 0;

	while (n < 4) {
		while (i < len && is_blank(line[i]))
			i++;
		if (i >= len || line[i] == '#')
			return -1;
		tok[n] = line + i;
		while (i < len && !is_blank(line[i]))
			i++;
		tlen[n] = (size_t)(tok[n] - line);
		tlen[n] = i - tlen[n];
		n++;
	}
	if (tlen[0] != 6 || memcmp(tok[0], "expect", 6) != 0 || tlen[1] != 4 ||
	    memcmp(tok[1], "stat", 4) != 0 || !is_op(tok[3], tlen[3]))
		return -1;
	stream_line_t l;
	iommusim_error_t e;
	stream_line_init(&l);
	int rc = stream_parse_line(line, len, NULL, lineno, &l, &e);
	stream_line_free(&l);
	return rc ? (long)(tok[3] - line) : -1;
}

static int note_line(replay_t *r, unsigned lineno)
{
	unsigned *v = realloc(r->opfix, (r->nopfix + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	r->opfix = v;
	r->opfix[r->nopfix++] = lineno;
	return 0;
}

int replay_optext_memory(replay_t *r, const char *text, size_t len, const char *name,
			 char **out, size_t *outlen, iommusim_error_t *err)
{
	char *buf = NULL;
	size_t pos = 0, cap = 0;
	unsigned lineno = 0;

	(void)name;
	*out = NULL;
	*outlen = 0;
	r->nopfix = 0;
	for (size_t start = 0; start < len;) {
		const char *nl = memchr(text + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - text) : len;
		long op = op_offset(text + start, end - start, ++lineno);
		if (op >= 0) {
			if (!buf) {
				cap = len + 64;
				buf = malloc(cap);
				if (!buf)
					goto nomem;
				memcpy(buf, text, start);
				pos = start;
			}
			size_t oplen = 1;
			while (start + (size_t)op + oplen < end &&
			       !is_blank(text[start + (size_t)op + oplen]))
				oplen++;
			if (pos + (end - start) + 4 > cap) {
				cap = (pos + (end - start) + 4) * 2;
				char *g = realloc(buf, cap);
				if (!g)
					goto nomem;
				buf = g;
			}
			memcpy(buf + pos, text + start, (size_t)op);
			pos += (size_t)op;
			buf[pos++] = '"';
			memcpy(buf + pos, text + start + op, oplen);
			pos += oplen;
			buf[pos++] = '"';
			size_t rest = end - start - (size_t)op - oplen;
			memcpy(buf + pos, text + start + (size_t)op + oplen, rest);
			pos += rest;
			if (note_line(r, lineno))
				goto nomem;
		} else if (buf) {
			if (pos + (end - start) + 1 > cap) {
				cap = (pos + (end - start) + 1) * 2;
				char *g = realloc(buf, cap);
				if (!g)
					goto nomem;
				buf = g;
			}
			memcpy(buf + pos, text + start, end - start);
			pos += end - start;
		}
		if (nl && buf)
			buf[pos++] = '\n';
		start = nl ? end + 1 : len;
	}
	*out = buf;
	*outlen = pos;
	return 0;
nomem:
	free(buf);
	return iommusim_error_set(err, -ENOMEM, "replay: out of memory");
}

int replay_optext_file(replay_t *r, const char *path, char **out, size_t *len,
		       iommusim_error_t *err)
{
	FILE *f = fopen(path, "rb");
	char *line = NULL, *all = NULL;
	size_t cap = 0, size = 0, used = 0;
	bool needed = false;
	unsigned lineno = 0;
	ssize_t n;
	int rc = 0;

	*out = NULL;
	*len = 0;
	r->nopfix = 0;
	if (!f)
		return 0;   /* the reader says why it cannot be opened */
	/* First a look for a line to fix, so that an ordinary stream is read as it is. */
	while (!needed && (n = getline(&line, &cap, f)) > 0) {
		size_t l = (size_t)n;
		if (line[l - 1] == '\n')
			l--;
		needed = op_offset(line, l, ++lineno) >= 0;
	}
	free(line);
	if (!needed) {
		fclose(f);
		return 0;
	}
	rewind(f);
	for (;;) {
		if (used == size) {
			size = size ? size * 2 : 65536;
			char *g = realloc(all, size);
			if (!g) {
				rc = iommusim_error_set(err, -ENOMEM, "replay: out of memory");
				break;
			}
			all = g;
		}
		size_t got = fread(all + used, 1, size - used, f);
		used += got;
		if (got == 0)
			break;
	}
	fclose(f);
	if (!rc)
		rc = replay_optext_memory(r, all, used, path, out, len, err);
	free(all);
	return rc;
}

unsigned replay_optext_shift(const replay_t *r, const stream_line_t *l)
{
	for (size_t i = 0; i < r->nopfix; i++)
		if (r->opfix[i] == l->lineno)
			return 2;
	return 0;
}
