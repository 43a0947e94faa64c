/* SPDX-License-Identifier: MIT */
/* Helpers shared by the stream files: a growable string and the number syntax. */
#ifndef IOMMUSIM_STREAM_INTERNAL_H
#define IOMMUSIM_STREAM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host-shim/stream/stream.h"

/* A growable, always NUL-terminated byte string. oom is sticky. */
typedef struct stream_sbuf {
	char *buf;
	size_t len;
	size_t cap;
	bool oom;
} stream_sbuf_t;

void stream_sbuf_putc(stream_sbuf_t *b, char c);
void stream_sbuf_puts(stream_sbuf_t *b, const char *s);
void stream_sbuf_printf(stream_sbuf_t *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Appends the canonical text of v. */
void stream_sbuf_value(stream_sbuf_t *b, const stream_value_t *v);
/* Appends the canonical text of l (no newline). */
void stream_sbuf_line(stream_sbuf_t *b, const stream_line_t *l);
/* Takes the buffer (NULL after an allocation failure) and resets b. */
char *stream_sbuf_take(stream_sbuf_t *b, size_t *len);
void stream_sbuf_free(stream_sbuf_t *b);

/* Number syntax: 123, 0x7b, 4K/2M/1G/1T (decimal x 1024^n), optionally with a leading '-'.
 * Returns 0 and fills the value; -EINVAL (not a number) or -ERANGE (too large for 64 bits,
 * or below -2^63 when negative). */
int stream_parse_number(const char *s, size_t len, stream_value_t *out);
/* Does the bare text look like it was meant as a number (a digit, or '-' and a digit,
 * followed only by letters and digits)? Such text must parse as a number. */
bool stream_looks_numeric(const char *s, size_t len);
/* Is s a valid flag expression (elements joined by '|': names or numbers)? */
bool stream_is_flag_expr(const char *s);

char *stream_strdup(const char *s);
char *stream_strndup(const char *s, size_t n);

/* Deep copy / free of one value's owned text. */
int stream_value_copy(stream_value_t *dst, const stream_value_t *src);
void stream_value_free(stream_value_t *v);

/* The "file:line:col: " prefix helper used by every error. */
int stream_error_at(const char *file, unsigned lineno, unsigned col, iommusim_error_t *err,
		    int code, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

#endif
