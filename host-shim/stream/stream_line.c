/* SPDX-License-Identifier: MIT */
/* Lines: lifetime, builders (which keep every line writable), equality, lookup. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/stream/stream_internal.h"

void stream_line_init(stream_line_t *l)
{
	memset(l, 0, sizeof(*l));
}

static void free_args(stream_arg_t *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(a[i].key);
		stream_value_free(&a[i].v);
	}
	free(a);
}

void stream_line_free(stream_line_t *l)
{
	if (!l)
		return;
	free(l->file);
	free(l->verb);
	for (size_t i = 0; i < l->npos; i++)
		stream_value_free(&l->pos[i]);
	free(l->pos);
	free_args(l->args, l->nargs);
	free_args(l->res, l->nres);
	free(l->comment);
	stream_line_init(l);
}

static int copy_args(stream_arg_t **dst, const stream_arg_t *src, size_t n)
{
	*dst = NULL;
	if (n == 0)
		return 0;
	*dst = calloc(n, sizeof(**dst));
	if (!*dst)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		(*dst)[i].col = src[i].col;
		(*dst)[i].key = stream_strdup(src[i].key);
		if (!(*dst)[i].key || stream_value_copy(&(*dst)[i].v, &src[i].v) != 0)
			return -ENOMEM;
	}
	return 0;
}

int stream_line_copy(stream_line_t *dst, const stream_line_t *src)
{
	stream_line_init(dst);
	dst->kind = src->kind;
	dst->lineno = src->lineno;
	dst->has_result = src->has_result;
	dst->version = src->version;
	if ((src->file && !(dst->file = stream_strdup(src->file))) ||
	    (src->verb && !(dst->verb = stream_strdup(src->verb))) ||
	    (src->comment && !(dst->comment = stream_strdup(src->comment))))
		goto oom;
	if (src->npos) {
		dst->pos = calloc(src->npos, sizeof(*dst->pos));
		if (!dst->pos)
			goto oom;
		for (size_t i = 0; i < src->npos; i++, dst->npos++)
			if (stream_value_copy(&dst->pos[i], &src->pos[i]) != 0)
				goto oom;
	}
	dst->nargs = src->nargs;
	if (copy_args(&dst->args, src->args, src->nargs) != 0)
		goto oom;
	dst->nres = src->nres;
	if (copy_args(&dst->res, src->res, src->nres) != 0)
		goto oom;
	return 0;
oom:
	stream_line_free(dst);
	return -ENOMEM;
}

static int check_value(const stream_value_t *v, iommusim_error_t *err)
{
	switch (v->kind) {
	case STREAM_NUMBER:
		if (v->neg && v->num > (1ull << 63))
			return iommusim_error_set(err, -EINVAL, "negative number below -2^63");
		if (v->numfmt > STREAM_NUM_T)
			return iommusim_error_set(err, -EINVAL, "bad number format %u", v->numfmt);
		return 0;
	case STREAM_WORD:
		if (!stream_is_bare_word(v->text))
			return iommusim_error_set(err, -EINVAL,
				"'%s' cannot be written as a bare word (use a quoted string)",
				v->text ? v->text : "");
		return 0;
	case STREAM_STRING:
		if (!v->text)
			return iommusim_error_set(err, -EINVAL, "string without text");
		return 0;
	case STREAM_REF:
		if (!stream_is_name(v->text))
			return iommusim_error_set(err, -EINVAL, "bad variable name '$%s'",
						  v->text ? v->text : "");
		return 0;
	}
	return iommusim_error_set(err, -EINVAL, "unknown value kind %d", (int)v->kind);
}

int stream_line_set_verb(stream_line_t *l, const char *verb, iommusim_error_t *err)
{
	char *copy;

	if (!stream_is_verb(verb))
		return iommusim_error_set(err, -EINVAL,
			"bad command name '%s' (a letter, then letters, digits, '_' or '-')",
			verb ? verb : "");
	copy = stream_strdup(verb);
	if (!copy)
		return iommusim_error_set(err, -ENOMEM, "out of memory");
	free(l->verb);
	l->verb = copy;
	l->kind = strcmp(verb, STREAM_MAGIC) == 0 ? STREAM_LINE_VERSION : STREAM_LINE_COMMAND;
	return 0;
}

int stream_line_add_pos(stream_line_t *l, const stream_value_t *v, iommusim_error_t *err)
{
	stream_value_t *grown;
	int rc = check_value(v, err);

	if (rc)
		return rc;
	if (l->nargs || l->has_result)
		return iommusim_error_set(err, -EINVAL,
					  "positional values come before key=value arguments");
	grown = realloc(l->pos, (l->npos + 1) * sizeof(*l->pos));
	if (!grown)
		return iommusim_error_set(err, -ENOMEM, "out of memory");
	l->pos = grown;
	if (stream_value_copy(&l->pos[l->npos], v) != 0)
		return iommusim_error_set(err, -ENOMEM, "out of memory");
	l->npos++;
	return 0;
}

static int add_kv(stream_arg_t **arr, size_t *n, const char *key, const stream_value_t *v,
		  iommusim_error_t *err)
{
	stream_arg_t *grown;
	int rc;

	if (!stream_is_key(key))
		return iommusim_error_set(err, -EINVAL,
			"bad key '%s' (letters, digits and '_', segments joined by '.')",
			key ? key : "");
	rc = check_value(v, err);
	if (rc)
		return rc;
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*arr)[i].key, key) == 0)
			return iommusim_error_set(err, -EEXIST, "duplicate key '%s'", key);
	grown = realloc(*arr, (*n + 1) * sizeof(**arr));
	if (!grown)
		return iommusim_error_set(err, -ENOMEM, "out of memory");
	*arr = grown;
	memset(&grown[*n], 0, sizeof(grown[*n]));
	grown[*n].key = stream_strdup(key);
	if (!grown[*n].key || stream_value_copy(&grown[*n].v, v) != 0) {
		free(grown[*n].key);
		return iommusim_error_set(err, -ENOMEM, "out of memory");
	}
	(*n)++;
	return 0;
}

int stream_line_add_arg(stream_line_t *l, const char *key, const stream_value_t *v,
			iommusim_error_t *err)
{
	if (l->has_result)
		return iommusim_error_set(err, -EINVAL, "arguments come before '->' results");
	return add_kv(&l->args, &l->nargs, key, v, err);
}

int stream_line_add_result(stream_line_t *l, const char *key, const stream_value_t *v,
			   iommusim_error_t *err)
{
	int rc = add_kv(&l->res, &l->nres, key, v, err);
	if (rc == 0)
		l->has_result = true;
	return rc;
}

int stream_line_set_comment(stream_line_t *l, const char *text, iommusim_error_t *err)
{
	char *copy;

	for (const char *p = text; p && *p; p++)
		if ((unsigned char)*p < 0x20 && *p != '\t')
			return iommusim_error_set(err, -EINVAL,
				"comment holds control character 0x%02x", (unsigned char)*p);
	copy = text ? stream_strdup(text) : NULL;
	if (text && !copy)
		return iommusim_error_set(err, -ENOMEM, "out of memory");
	free(l->comment);
	l->comment = copy;
	return 0;
}

static bool args_equal(const stream_arg_t *a, const stream_arg_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(a[i].key, b[i].key) != 0 || !stream_value_equal(&a[i].v, &b[i].v))
			return false;
	return true;
}

static bool str_equal(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

bool stream_line_equal(const stream_line_t *a, const stream_line_t *b)
{
	if (a->kind != b->kind || !str_equal(a->verb, b->verb) ||
	    !str_equal(a->comment, b->comment) || a->npos != b->npos ||
	    a->nargs != b->nargs || a->nres != b->nres || a->has_result != b->has_result)
		return false;
	for (size_t i = 0; i < a->npos; i++)
		if (!stream_value_equal(&a->pos[i], &b->pos[i]))
			return false;
	return args_equal(a->args, b->args, a->nargs) && args_equal(a->res, b->res, a->nres);
}

const stream_value_t *stream_line_arg(const stream_line_t *l, const char *key)
{
	for (size_t i = 0; i < l->nargs; i++)
		if (strcmp(l->args[i].key, key) == 0)
			return &l->args[i].v;
	return NULL;
}

const stream_value_t *stream_line_result(const stream_line_t *l, const char *key)
{
	for (size_t i = 0; i < l->nres; i++)
		if (strcmp(l->res[i].key, key) == 0)
			return &l->res[i].v;
	return NULL;
}

int stream_line_error(const stream_line_t *l, unsigned col, iommusim_error_t *err, int code,
		      const char *fmt, ...)
{
	char msg[IOMMUSIM_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return stream_error_at(l ? l->file : NULL, l ? l->lineno : 0, col, err, code, "%s",
			       msg);
}
