/* SPDX-License-Identifier: MIT */
/*
 * The canonical writer: one space between tokens, positional values, then key=value
 * arguments, then " -> " and results, then " #comment". Numbers keep the base they were
 * written in (hex in lower case without leading zeros; K/M/G/T kept when exact); strings
 * are quoted with the minimal escapes. What it writes reads back as the same line.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/stream/stream_internal.h"

static bool sbuf_reserve(stream_sbuf_t *b, size_t extra)
{
	if (b->oom)
		return false;
	if (b->len + extra + 1 <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 128;
	while (cap < b->len + extra + 1)
		cap *= 2;
	char *grown = realloc(b->buf, cap);
	if (!grown) {
		b->oom = true;
		return false;
	}
	b->buf = grown;
	b->cap = cap;
	return true;
}

void stream_sbuf_putc(stream_sbuf_t *b, char c)
{
	if (!sbuf_reserve(b, 1))
		return;
	b->buf[b->len++] = c;
	b->buf[b->len] = '\0';
}

void stream_sbuf_puts(stream_sbuf_t *b, const char *s)
{
	size_t n = strlen(s);
	if (!sbuf_reserve(b, n))
		return;
	memcpy(b->buf + b->len, s, n + 1);
	b->len += n;
}

void stream_sbuf_printf(stream_sbuf_t *b, const char *fmt, ...)
{
	char small[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		stream_sbuf_puts(b, small);
		return;
	}
	if (!sbuf_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

char *stream_sbuf_take(stream_sbuf_t *b, size_t *len)
{
	char *s = NULL;

	if (!b->oom) {
		if (!b->buf)
			sbuf_reserve(b, 0);
		if (!b->oom) {
			s = b->buf;
			b->buf[b->len] = '\0';
			if (len)
				*len = b->len;
			b->buf = NULL;
		}
	}
	stream_sbuf_free(b);
	return s;
}

void stream_sbuf_free(stream_sbuf_t *b)
{
	free(b->buf);
	memset(b, 0, sizeof(*b));
}

static void put_string(stream_sbuf_t *b, const char *s)
{
	stream_sbuf_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '\\': stream_sbuf_puts(b, "\\\\"); break;
		case '"': stream_sbuf_puts(b, "\\\""); break;
		case '\n': stream_sbuf_puts(b, "\\n"); break;
		case '\t': stream_sbuf_puts(b, "\\t"); break;
		case '\r': stream_sbuf_puts(b, "\\r"); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				stream_sbuf_printf(b, "\\x%02x", *p);
			else
				stream_sbuf_putc(b, (char)*p);
		}
	}
	stream_sbuf_putc(b, '"');
}

void stream_sbuf_value(stream_sbuf_t *b, const stream_value_t *v)
{
	switch (v->kind) {
	case STREAM_NUMBER: {
		if (v->neg)
			stream_sbuf_putc(b, '-');
		unsigned fmt = v->numfmt;
		if (fmt >= STREAM_NUM_K && fmt <= STREAM_NUM_T) {
			unsigned shift = 10u * (fmt - STREAM_NUM_K + 1);
			if ((v->num & ((1ull << shift) - 1)) == 0) {
				stream_sbuf_printf(b, "%" PRIu64 "%c", v->num >> shift,
						   "KMGT"[fmt - STREAM_NUM_K]);
				return;
			}
			fmt = STREAM_NUM_HEX;
		}
		if (fmt == STREAM_NUM_HEX)
			stream_sbuf_printf(b, "0x%" PRIx64, v->num);
		else
			stream_sbuf_printf(b, "%" PRIu64, v->num);
		return;
	}
	case STREAM_WORD:
		stream_sbuf_puts(b, v->text ? v->text : "");
		return;
	case STREAM_STRING:
		put_string(b, v->text ? v->text : "");
		return;
	case STREAM_REF:
		stream_sbuf_putc(b, '$');
		stream_sbuf_puts(b, v->text ? v->text : "");
		return;
	}
}

static void put_args(stream_sbuf_t *b, const stream_arg_t *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		stream_sbuf_putc(b, ' ');
		stream_sbuf_puts(b, a[i].key);
		stream_sbuf_putc(b, '=');
		stream_sbuf_value(b, &a[i].v);
	}
}

void stream_sbuf_line(stream_sbuf_t *b, const stream_line_t *l)
{
	switch (l->kind) {
	case STREAM_LINE_BLANK:
		return;
	case STREAM_LINE_COMMENT:
		stream_sbuf_putc(b, '#');
		stream_sbuf_puts(b, l->comment ? l->comment : "");
		return;
	case STREAM_LINE_VERSION:
	case STREAM_LINE_COMMAND:
		break;
	}
	stream_sbuf_puts(b, l->verb ? l->verb : "");
	for (size_t i = 0; i < l->npos; i++) {
		stream_sbuf_putc(b, ' ');
		stream_sbuf_value(b, &l->pos[i]);
	}
	put_args(b, l->args, l->nargs);
	if (l->has_result) {
		stream_sbuf_puts(b, " ->");
		put_args(b, l->res, l->nres);
	}
	if (l->comment) {
		stream_sbuf_puts(b, " #");
		stream_sbuf_puts(b, l->comment);
	}
}

char *stream_value_format(const stream_value_t *v)
{
	stream_sbuf_t b = { 0 };
	stream_sbuf_value(&b, v);
	return stream_sbuf_take(&b, NULL);
}

char *stream_line_format(const stream_line_t *l)
{
	stream_sbuf_t b = { 0 };
	stream_sbuf_line(&b, l);
	return stream_sbuf_take(&b, NULL);
}

int stream_write_line(FILE *f, const stream_line_t *l)
{
	char *s = stream_line_format(l);
	int rc = 0;

	if (!s)
		return -ENOMEM;
	if (fputs(s, f) == EOF || fputc('\n', f) == EOF)
		rc = -EIO;
	free(s);
	return rc;
}

char *stream_doc_format(const stream_doc_t *doc, size_t *len)
{
	stream_sbuf_t b = { 0 };

	for (size_t i = 0; i < doc->nlines; i++) {
		stream_sbuf_line(&b, &doc->lines[i]);
		stream_sbuf_putc(&b, '\n');
	}
	return stream_sbuf_take(&b, len);
}
