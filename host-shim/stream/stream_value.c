/* SPDX-License-Identifier: MIT */
/* Values: constructors, the lexical predicates, number syntax, copying and equality. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iommusim/text.h"
#include "host-shim/stream/stream_internal.h"

stream_value_t stream_num(uint64_t v, stream_numfmt_t fmt)
{
	stream_value_t x = { .kind = STREAM_NUMBER, .num = v, .numfmt = (uint8_t)fmt };
	return x;
}

stream_value_t stream_snum(int64_t v)
{
	stream_value_t x = { .kind = STREAM_NUMBER, .numfmt = STREAM_NUM_DEC };
	if (v < 0) {
		x.neg = true;
		x.num = (uint64_t)(-(v + 1)) + 1;   /* no overflow for INT64_MIN */
	} else {
		x.num = (uint64_t)v;
	}
	return x;
}

stream_value_t stream_word(const char *text)
{
	stream_value_t x = { .kind = STREAM_WORD, .text = (char *)text };
	return x;
}

stream_value_t stream_str(const char *text)
{
	stream_value_t x = { .kind = STREAM_STRING, .text = (char *)text };
	return x;
}

stream_value_t stream_ref(const char *name)
{
	stream_value_t x = { .kind = STREAM_REF, .text = (char *)name };
	return x;
}

static bool is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool is_ident_char(int c)
{
	return is_alpha(c) || is_digit(c) || c == '_';
}

bool stream_is_name(const char *s)
{
	if (!s || !(is_alpha((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (const char *p = s + 1; *p; p++)
		if (!is_ident_char((unsigned char)*p))
			return false;
	return true;
}

bool stream_is_key(const char *s)
{
	/* Segments joined by single dots; the first starts with a letter or '_', later ones
	 * may be array indexes (digits): data.0.addr, vtd.iotlb.sets. */
	if (!s || !(is_alpha((unsigned char)s[0]) || s[0] == '_'))
		return false;
	bool seg_start = false;
	for (const char *p = s + 1; *p; p++) {
		if (*p == '.') {
			if (seg_start)
				return false;
			seg_start = true;
			continue;
		}
		if (!is_ident_char((unsigned char)*p))
			return false;
		seg_start = false;
	}
	return !seg_start;
}

bool stream_is_verb(const char *s)
{
	if (!s || !is_alpha((unsigned char)s[0]))
		return false;
	for (const char *p = s + 1; *p; p++)
		if (!is_ident_char((unsigned char)*p) && *p != '-')
			return false;
	return true;
}

/* Characters a bare word may hold: printable ASCII except the ones with a meaning in the
 * format (quote, comment, reference, key separator) and a few kept for future syntax. */
static bool is_bare_char(int c)
{
	if (c <= 0x20 || c >= 0x7f)
		return false;
	return !strchr("\"#$=\\'()[]{}<>;`", c);
}

bool stream_looks_numeric(const char *s, size_t len)
{
	size_t i = 0;
	if (len > 0 && s[0] == '-')
		i = 1;
	if (i >= len || !is_digit((unsigned char)s[i]))
		return false;
	for (; i < len; i++)
		if (!is_alpha((unsigned char)s[i]) && !is_digit((unsigned char)s[i]))
			return false;
	return true;
}

int stream_parse_number(const char *s, size_t len, stream_value_t *out)
{
	size_t i = 0;
	uint64_t v = 0;
	uint8_t fmt = STREAM_NUM_DEC;
	bool neg = false;

	if (len > 0 && s[0] == '-') {
		neg = true;
		i = 1;
	}
	if (i >= len)
		return -EINVAL;
	if (len - i > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
		fmt = STREAM_NUM_HEX;
		for (i += 2; i < len; i++) {
			int d = iommusim_hex_digit((unsigned char)s[i]);
			if (d < 0)
				return -EINVAL;
			if (v > (UINT64_MAX >> 4))
				return -ERANGE;
			v = (v << 4) | (uint64_t)d;
		}
	} else {
		size_t digits = 0;
		for (; i < len && is_digit((unsigned char)s[i]); i++, digits++) {
			uint64_t d = (uint64_t)(s[i] - '0');
			if (v > (UINT64_MAX - d) / 10)
				return -ERANGE;
			v = v * 10 + d;
		}
		if (digits == 0)
			return -EINVAL;
		if (i < len) {
			static const char suffixes[] = "KMGT";
			const char *sp = strchr(suffixes, s[i]);
			if (!sp || s[i] == '\0' || i + 1 != len)
				return -EINVAL;
			unsigned shift = 10u * (unsigned)(sp - suffixes + 1);
			if (v > (UINT64_MAX >> shift))
				return -ERANGE;
			v <<= shift;
			fmt = (uint8_t)(STREAM_NUM_K + (sp - suffixes));
		}
	}
	if (neg && v > (1ull << 63))
		return -ERANGE;
	if (v == 0)
		neg = false;
	memset(out, 0, sizeof(*out));
	out->kind = STREAM_NUMBER;
	out->num = v;
	out->neg = neg;
	out->numfmt = fmt;
	return 0;
}

bool stream_is_flag_expr(const char *s)
{
	const char *p = s;

	for (;;) {
		const char *bar = strchr(p, '|');
		size_t n = bar ? (size_t)(bar - p) : strlen(p);
		if (n == 0)
			return false;
		if (is_digit((unsigned char)p[0])) {
			stream_value_t v;
			if (stream_parse_number(p, n, &v) != 0 || v.neg)
				return false;
		} else {
			if (!(is_alpha((unsigned char)p[0]) || p[0] == '_'))
				return false;
			for (size_t i = 1; i < n; i++)
				if (!is_ident_char((unsigned char)p[i]))
					return false;
		}
		if (!bar)
			return true;
		p = bar + 1;
	}
}

bool stream_is_bare_word(const char *s)
{
	size_t len;

	if (!s || !*s)
		return false;
	len = strlen(s);
	for (size_t i = 0; i < len; i++)
		if (!is_bare_char((unsigned char)s[i]))
			return false;
	if (stream_looks_numeric(s, len))
		return false;   /* it would read back as a number */
	if (strchr(s, '|') && !stream_is_flag_expr(s))
		return false;
	return true;
}

char *stream_strndup(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *stream_strdup(const char *s)
{
	return s ? stream_strndup(s, strlen(s)) : NULL;
}

int stream_value_copy(stream_value_t *dst, const stream_value_t *src)
{
	*dst = *src;
	dst->text = NULL;
	if (src->text) {
		dst->text = stream_strdup(src->text);
		if (!dst->text)
			return -ENOMEM;
	}
	return 0;
}

void stream_value_free(stream_value_t *v)
{
	free(v->text);
	v->text = NULL;
}

bool stream_value_equal(const stream_value_t *a, const stream_value_t *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind == STREAM_NUMBER)
		return a->num == b->num && a->neg == b->neg;
	if (!a->text || !b->text)
		return a->text == b->text;
	return strcmp(a->text, b->text) == 0;
}

int stream_error_at(const char *file, unsigned lineno, unsigned col, iommusim_error_t *err,
		    int code, const char *fmt, ...)
{
	char msg[IOMMUSIM_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!file)
		file = "<stream>";
	if (lineno && col)
		return iommusim_error_set(err, code, "%s:%u:%u: %s", file, lineno, col, msg);
	if (lineno)
		return iommusim_error_set(err, code, "%s:%u: %s", file, lineno, msg);
	return iommusim_error_set(err, code, "%s: %s", file, msg);
}
