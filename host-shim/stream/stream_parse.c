/* SPDX-License-Identifier: MIT */
/*
 * The tokenizer and parser of one stream line (grammar in docs/stream-format.md):
 *
 *   line    := blank | comment | command [comment]
 *   command := verb value* (key '=' value)* ['->' (key '=' value)+]
 *   value   := number | word | "string" | $name
 *
 * Errors carry file:line:column. Nothing here allocates more than a few times the line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iommusim/text.h"
#include "host-shim/stream/stream_internal.h"

typedef struct parser {
	const char *s;
	size_t len;
	size_t i;
	const char *file;
	unsigned lineno;
	iommusim_error_t *err;
	stream_line_t *out;
	bool seen_kv;          /* a key=value before '->' was seen */
	bool seen_arrow;
	unsigned arrow_col;
} parser_t;

#define COL(p, idx) ((unsigned)(idx) + 1u)

static int perr(parser_t *p, size_t idx, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int perr(parser_t *p, size_t idx, int code, const char *fmt, ...)
{
	char msg[IOMMUSIM_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return stream_error_at(p->file, p->lineno, COL(p, idx), p->err, code, "%s", msg);
}

static bool at_end(const parser_t *p)
{
	return p->i >= p->len;
}

static bool is_space(int c)
{
	return c == ' ' || c == '\t';
}

/* Ends a bare token: white space, a comment, or the end of the line. */
static bool is_token_end(const parser_t *p, size_t idx)
{
	return idx >= p->len || is_space((unsigned char)p->s[idx]) || p->s[idx] == '#';
}

/* Rejects bytes that may not appear anywhere in a line. */
static int check_bytes(parser_t *p)
{
	for (size_t i = 0; i < p->len; i++) {
		unsigned char c = (unsigned char)p->s[i];
		if (c == 0)
			return perr(p, i, -EINVAL, "NUL byte in line");
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return perr(p, i, -EINVAL,
				    "control character 0x%02x in line (write it as \\x%02x inside a "
				    "quoted string)", c, c);
	}
	return 0;
}

/* A quoted string starting at p->i (on the '"'). */
static int parse_string(parser_t *p, stream_value_t *v)
{
	size_t open = p->i;
	char *buf = malloc(p->len - p->i + 1);
	size_t n = 0;

	if (!buf)
		return perr(p, open, -ENOMEM, "out of memory");
	p->i++;
	for (;;) {
		if (at_end(p)) {
			free(buf);
			return perr(p, open, -EINVAL, "unterminated string (no closing '\"')");
		}
		char c = p->s[p->i];
		if (c == '"') {
			p->i++;
			break;
		}
		if (c != '\\') {
			buf[n++] = c;
			p->i++;
			continue;
		}
		size_t esc = p->i;
		if (p->i + 1 >= p->len) {
			free(buf);
			return perr(p, open, -EINVAL, "unterminated string (ends in '\\')");
		}
		char e = p->s[p->i + 1];
		p->i += 2;
		switch (e) {
		case '\\': buf[n++] = '\\'; break;
		case '"': buf[n++] = '"'; break;
		case 'n': buf[n++] = '\n'; break;
		case 't': buf[n++] = '\t'; break;
		case 'r': buf[n++] = '\r'; break;
		case 'x': {
			int hi = p->i < p->len ? iommusim_hex_digit((unsigned char)p->s[p->i]) : -1;
			int lo = p->i + 1 < p->len ? iommusim_hex_digit((unsigned char)p->s[p->i + 1]) : -1;
			if (hi < 0 || lo < 0) {
				free(buf);
				return perr(p, esc, -EINVAL, "'\\x' needs two hex digits");
			}
			if (hi == 0 && lo == 0) {
				free(buf);
				return perr(p, esc, -EINVAL, "'\\x00' (NUL) is not allowed in strings");
			}
			buf[n++] = (char)(hi << 4 | lo);
			p->i += 2;
			break;
		}
		default:
			free(buf);
			if ((unsigned char)e >= 0x20 && (unsigned char)e < 0x7f)
				return perr(p, esc, -EINVAL,
					    "unknown escape '\\%c' (known: \\\\ \\\" \\n \\t \\r \\xHH)",
					    e);
			return perr(p, esc, -EINVAL,
				    "unknown escape '\\' + byte 0x%02x (known: \\\\ \\\" \\n \\t \\r "
				    "\\xHH)", (unsigned char)e);
		}
	}
	if (!is_token_end(p, p->i)) {
		free(buf);
		return perr(p, p->i, -EINVAL,
			    "text right after a closing quote (separate values with a space)");
	}
	buf[n] = '\0';
	memset(v, 0, sizeof(*v));
	v->kind = STREAM_STRING;
	v->text = buf;
	v->col = COL(p, open);
	return 0;
}

/* $name starting at p->i. */
static int parse_ref(parser_t *p, stream_value_t *v)
{
	size_t start = p->i;
	size_t end = start + 1;

	while (!is_token_end(p, end))
		end++;
	char *name = stream_strndup(p->s + start + 1, end - start - 1);
	if (!name)
		return perr(p, start, -ENOMEM, "out of memory");
	if (!stream_is_name(name)) {
		int rc = perr(p, start, -EINVAL,
			      "bad variable name '%.*s' (a letter or '_' followed by letters, "
			      "digits and '_')", (int)(end - start), p->s + start);
		free(name);
		return rc;
	}
	memset(v, 0, sizeof(*v));
	v->kind = STREAM_REF;
	v->text = name;
	v->col = COL(p, start);
	p->i = end;
	return 0;
}

static const char *reserved_chars = "\"#$=\\'()[]{}<>;`";

/* A bare value (number or word) at p->i, up to the end of the token. key: for messages,
 * the key whose value this is (NULL for a positional value). */
static int parse_bare(parser_t *p, const char *key, stream_value_t *v)
{
	size_t start = p->i;
	size_t end = start;

	while (!is_token_end(p, end)) {
		unsigned char c = (unsigned char)p->s[end];
		if (c >= 0x80)
			return perr(p, end, -EINVAL,
				    "byte 0x%02x outside a quoted string (quote text that is not "
				    "ASCII)", c);
		if (c == '=' && key)
			return perr(p, end, -EINVAL,
				    "'=' inside the value of '%s' (quote the value)", key);
		if (c == '"')
			return perr(p, end, -EINVAL,
				    "'\"' inside a word (quote the whole value)");
		if (strchr(reserved_chars, c) && c != '=')
			return perr(p, end, -EINVAL,
				    "reserved character '%c' in a word (quote the value)", c);
		end++;
	}
	size_t n = end - start;
	const char *t = p->s + start;
	memset(v, 0, sizeof(*v));
	if (stream_looks_numeric(t, n)) {
		int rc = stream_parse_number(t, n, v);
		if (rc == -ERANGE)
			return perr(p, start, -ERANGE,
				    "number '%.*s' is out of range (64 bits; negative down to -2^63)",
				    (int)n, t);
		if (rc)
			return perr(p, start, -EINVAL,
				    "bad number '%.*s' (decimal, 0x hex, or decimal with a K/M/G/T "
				    "suffix)", (int)n, t);
		v->col = COL(p, start);
		p->i = end;
		return 0;
	}
	v->text = stream_strndup(t, n);
	if (!v->text)
		return perr(p, start, -ENOMEM, "out of memory");
	if (memchr(t, '|', n) && !stream_is_flag_expr(v->text)) {
		int rc = perr(p, start, -EINVAL,
			      "bad flag expression '%s' (names or numbers joined by '|', none "
			      "empty)", v->text);
		free(v->text);
		v->text = NULL;
		return rc;
	}
	v->kind = STREAM_WORD;
	v->col = COL(p, start);
	p->i = end;
	return 0;
}

static int parse_value(parser_t *p, const char *key, stream_value_t *v)
{
	char c = p->s[p->i];
	if (c == '"')
		return parse_string(p, v);
	if (c == '$')
		return parse_ref(p, v);
	return parse_bare(p, key, v);
}

static int push_pos(parser_t *p, stream_value_t *v)
{
	stream_line_t *l = p->out;
	stream_value_t *grown = realloc(l->pos, (l->npos + 1) * sizeof(*l->pos));
	if (!grown) {
		stream_value_free(v);
		return perr(p, v->col ? v->col - 1 : 0, -ENOMEM, "out of memory");
	}
	l->pos = grown;
	l->pos[l->npos++] = *v;
	return 0;
}

static int push_kv(parser_t *p, bool result, char *key, unsigned key_col, stream_value_t *v)
{
	stream_line_t *l = p->out;
	stream_arg_t **arr = result ? &l->res : &l->args;
	size_t *n = result ? &l->nres : &l->nargs;

	for (size_t i = 0; i < *n; i++) {
		if (strcmp((*arr)[i].key, key) == 0) {
			int rc = perr(p, key_col - 1, -EINVAL,
				      "duplicate key '%s' (first given at column %u)", key,
				      (*arr)[i].col);
			free(key);
			stream_value_free(v);
			return rc;
		}
	}
	stream_arg_t *grown = realloc(*arr, (*n + 1) * sizeof(**arr));
	if (!grown) {
		free(key);
		stream_value_free(v);
		return perr(p, key_col - 1, -ENOMEM, "out of memory");
	}
	*arr = grown;
	grown[*n].key = key;
	grown[*n].v = *v;
	grown[*n].col = key_col;
	(*n)++;
	return 0;
}

static bool is_operator(const char *s, size_t n)
{
	return (n == 1 && (s[0] == '<' || s[0] == '>')) ||
	       (n == 2 && s[1] == '=' && (s[0] == '<' || s[0] == '>' || s[0] == '='));
}

/* One token: positional value, key=value, or '->'. */
static int parse_token(parser_t *p)
{
	size_t start = p->i;
	char c = p->s[start];
	stream_value_t v;
	int rc;

	if (c == '-' && start + 1 < p->len && p->s[start + 1] == '>' &&
	    is_token_end(p, start + 2)) {
		if (p->seen_arrow)
			return perr(p, start, -EINVAL, "second '->' (the first is at column %u)",
				    p->arrow_col);
		p->seen_arrow = true;
		p->arrow_col = COL(p, start);
		p->out->has_result = true;
		p->i = start + 2;
		return 0;
	}
	if (c == '"' || c == '$') {
		if (p->seen_arrow)
			return perr(p, start, -EINVAL,
				    "after '->' only key=value results may follow, got a %s",
				    c == '"' ? "quoted string" : "variable");
		if (p->seen_kv)
			return perr(p, start, -EINVAL,
				    "positional value after key=value arguments (put positional "
				    "values first)");
		rc = parse_value(p, NULL, &v);
		return rc ? rc : push_pos(p, &v);
	}
	/* A comparison operator (< <= == >= >, as in `expect stat NAME == 3`) is a positional
	 * word of its own although its characters are reserved in words. */
	size_t oe = start;
	while (!is_token_end(p, oe))
		oe++;
	if (is_operator(p->s + start, oe - start)) {
		if (p->seen_arrow || p->seen_kv)
			return perr(p, start, -EINVAL,
				    "comparison '%.*s' after key=value arguments (put positional "
				    "values first)", (int)(oe - start), p->s + start);
		memset(&v, 0, sizeof(v));
		v.kind = STREAM_WORD;
		v.text = stream_strndup(p->s + start, oe - start);
		if (!v.text)
			return perr(p, start, -ENOMEM, "out of memory");
		v.col = COL(p, start);
		p->i = oe;
		return push_pos(p, &v);
	}
	/* A key is a leading run of key characters followed by '='. */
	size_t k = start;
	while (k < p->len && (p->s[k] == '_' || p->s[k] == '.' ||
			      (p->s[k] >= 'a' && p->s[k] <= 'z') ||
			      (p->s[k] >= 'A' && p->s[k] <= 'Z') ||
			      (p->s[k] >= '0' && p->s[k] <= '9')))
		k++;
	if (k < p->len && p->s[k] == '=') {
		char *key = stream_strndup(p->s + start, k - start);
		if (!key)
			return perr(p, start, -ENOMEM, "out of memory");
		if (!stream_is_key(key)) {
			rc = perr(p, start, -EINVAL,
				  "bad key '%s' (letters, digits and '_', segments joined by '.', "
				  "starting with a letter or '_')", key);
			free(key);
			return rc;
		}
		p->i = k + 1;
		if (is_token_end(p, p->i)) {
			rc = perr(p, k, -EINVAL,
				  "missing value after '%s=' (write \"\" for an empty string)", key);
			free(key);
			return rc;
		}
		rc = parse_value(p, key, &v);
		if (rc) {
			free(key);
			return rc;
		}
		if (!p->seen_arrow)
			p->seen_kv = true;
		return push_kv(p, p->seen_arrow, key, COL(p, start), &v);
	}
	/* Not a key: '=' later in the token means a bad key. */
	size_t e = start;
	while (!is_token_end(p, e) && p->s[e] != '=' && p->s[e] != '"')
		e++;
	if (e < p->len && p->s[e] == '=')
		return perr(p, start, -EINVAL,
			    "bad key '%.*s' (letters, digits and '_', segments joined by '.', "
			    "starting with a letter or '_')", (int)(e - start), p->s + start);
	if (p->seen_arrow)
		return perr(p, start, -EINVAL,
			    "after '->' only key=value results may follow, got '%.*s'",
			    (int)(e - start), p->s + start);
	if (p->seen_kv)
		return perr(p, start, -EINVAL,
			    "positional value '%.*s' after key=value arguments (put positional "
			    "values first)", (int)(e - start), p->s + start);
	rc = parse_bare(p, NULL, &v);
	return rc ? rc : push_pos(p, &v);
}

static void skip_space(parser_t *p)
{
	while (!at_end(p) && is_space((unsigned char)p->s[p->i]))
		p->i++;
}

/* The verb: the first token, a bare name. */
static int parse_verb(parser_t *p)
{
	size_t start = p->i;
	size_t end = start;

	while (!is_token_end(p, end))
		end++;
	char *verb = stream_strndup(p->s + start, end - start);
	if (!verb)
		return perr(p, start, -ENOMEM, "out of memory");
	if (!stream_is_verb(verb)) {
		int rc = perr(p, start, -EINVAL,
			      "expected a command name, got '%s' (a letter, then letters, digits, "
			      "'_' or '-')", verb);
		free(verb);
		return rc;
	}
	p->out->verb = verb;
	p->out->kind = strcmp(verb, STREAM_MAGIC) == 0 ? STREAM_LINE_VERSION
						       : STREAM_LINE_COMMAND;
	p->i = end;
	return 0;
}

int stream_parse_line(const char *text, size_t len, const char *file, unsigned lineno,
		      stream_line_t *out, iommusim_error_t *err)
{
	parser_t p = { .s = text, .len = len, .file = file, .lineno = lineno, .err = err,
		       .out = out };
	int rc;

	stream_line_free(out);
	if (len > 0 && text[len - 1] == '\r')
		p.len = --len;
	if (len > STREAM_LINE_MAX)
		return stream_error_at(file, lineno, 0, err, -E2BIG,
				       "line is %zu bytes, longer than the limit of %u", len,
				       STREAM_LINE_MAX);
	out->lineno = lineno;
	if (file && !(out->file = stream_strdup(file)))
		return iommusim_error_set(err, -ENOMEM, "out of memory");
	rc = check_bytes(&p);
	if (rc)
		goto fail;
	skip_space(&p);
	if (at_end(&p)) {
		out->kind = STREAM_LINE_BLANK;
		return 0;
	}
	if (text[p.i] == '#') {
		out->kind = STREAM_LINE_COMMENT;
		out->comment = stream_strndup(text + p.i + 1, len - p.i - 1);
		if (!out->comment) {
			rc = iommusim_error_set(err, -ENOMEM, "out of memory");
			goto fail;
		}
		return 0;
	}
	rc = parse_verb(&p);
	if (rc)
		goto fail;
	for (;;) {
		skip_space(&p);
		if (at_end(&p))
			break;
		if (text[p.i] == '#') {
			out->comment = stream_strndup(text + p.i + 1, len - p.i - 1);
			if (!out->comment) {
				rc = iommusim_error_set(err, -ENOMEM, "out of memory");
				goto fail;
			}
			break;
		}
		rc = parse_token(&p);
		if (rc)
			goto fail;
	}
	if (p.seen_arrow && out->nres == 0) {
		rc = perr(&p, p.arrow_col - 1, -EINVAL,
			  "'->' must be followed by at least one key=value result");
		goto fail;
	}
	return 0;
fail:
	stream_line_free(out);
	return rc;
}
