/* SPDX-License-Identifier: MIT */
/*
 * Metric expressions: a small recursive-descent parser into a tree, and its evaluation
 * over an environment of named values (grammar in bench.h). Arithmetic is IEEE double; a
 * division by zero gives NaN so that a metric with nothing to measure (a hit rate without
 * a lookup) is "undefined" rather than an error or a misleading 0.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/bench/bench.h"

enum node_kind { N_NUM, N_NAME, N_NEG, N_ADD, N_SUB, N_MUL, N_DIV, N_MIN, N_MAX };

struct bench_expr {
	enum node_kind kind;
	double num;
	char *name;
	bool glob;
	struct bench_expr *a, *b;
};

#define EXPR_MAX_DEPTH 64   /* nesting bound: a hostile expression cannot exhaust the stack */

struct parser {
	const char *s;
	size_t pos;
	unsigned depth;
	iommusim_error_t *err;
	unsigned *col;
};

static int perr(struct parser *p, int code, const char *what)
{
	if (p->col)
		*p->col = (unsigned)p->pos + 1;
	return iommusim_error_set(p->err, code, "col %u: %s", (unsigned)p->pos + 1, what);
}

static void skip_ws(struct parser *p)
{
	while (p->s[p->pos] == ' ' || p->s[p->pos] == '\t')
		p->pos++;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool name_start(char c) { return is_alpha(c) || c == '_'; }
static bool name_char(char c) { return name_start(c) || is_digit(c) || c == '.'; }
static bool pattern_char(char c) { return name_char(c) || c == '*'; }

static struct bench_expr *node(enum node_kind k)
{
	struct bench_expr *e = calloc(1, sizeof(*e));
	if (e)
		e->kind = k;
	return e;
}

/* Decimal digits, optional fraction, optional exponent; exact for integers below 2^53
 * and independent of the C locale. */
static int parse_number(struct parser *p, double *out)
{
	double v = 0, scale = 1;
	bool any = false;

	while (is_digit(p->s[p->pos])) {
		v = v * 10 + (p->s[p->pos++] - '0');
		any = true;
	}
	if (p->s[p->pos] == '.') {
		p->pos++;
		while (is_digit(p->s[p->pos])) {
			scale /= 10;
			v += (p->s[p->pos++] - '0') * scale;
			any = true;
		}
	}
	if (!any)
		return perr(p, -EINVAL, "a number needs a digit");
	if (p->s[p->pos] == 'e' || p->s[p->pos] == 'E') {
		int sign = 1, ex = 0;
		size_t ex_start = p->pos;
		p->pos++;
		if (p->s[p->pos] == '+' || p->s[p->pos] == '-')
			sign = p->s[p->pos++] == '-' ? -1 : 1;
		if (!is_digit(p->s[p->pos]))
			return perr(p, -EINVAL, "an exponent needs digits (1e9, 2.5e-3)");
		while (is_digit(p->s[p->pos])) {
			ex = ex * 10 + (p->s[p->pos++] - '0');
			if (ex > 400)
				return p->pos = ex_start, perr(p, -EINVAL, "exponent out of range");
		}
		v *= pow(10, sign * ex);
	}
	if (name_start(p->s[p->pos]))
		return perr(p, -EINVAL, "a number runs into a name (names start with a letter)");
	*out = v;
	return 0;
}

static int parse_expr(struct parser *p, struct bench_expr **out);

/* sum(PATTERN): the '(' is next. A pattern is a name in which '*' may stand for any run of
 * characters within one dotted segment. */
static int parse_sum(struct parser *p, struct bench_expr **out)
{
	p->pos++;
	skip_ws(p);
	size_t start = p->pos;
	while (pattern_char(p->s[p->pos]))
		p->pos++;
	size_t n = p->pos - start;
	if (n == 0 || p->s[start] == '.' || p->s[p->pos - 1] == '.')
		return perr(p, -EINVAL, "sum() takes a counter name pattern such as *.dma.bytes");
	for (size_t i = start; i + 1 < p->pos; i++)
		if (p->s[i] == '.' && p->s[i + 1] == '.')
			return p->pos = i + 1, perr(p, -EINVAL, "empty segment ('..') in a pattern");
	skip_ws(p);
	if (p->s[p->pos] != ')')
		return perr(p, -EINVAL, "expected ')' after the pattern of sum()");
	struct bench_expr *e = node(N_NAME);
	if (!e || !(e->name = strndup(p->s + start, n))) {
		free(e);
		return perr(p, -ENOMEM, "out of memory");
	}
	e->glob = true;
	p->pos++;
	*out = e;
	return 0;
}

static int parse_primary(struct parser *p, struct bench_expr **out)
{
	skip_ws(p);
	char c = p->s[p->pos];

	if (c == '(') {
		p->pos++;
		int rc = parse_expr(p, out);
		if (rc)
			return rc;
		skip_ws(p);
		if (p->s[p->pos] != ')') {
			bench_expr_free(*out);
			*out = NULL;
			return perr(p, -EINVAL, "expected ')'");
		}
		p->pos++;
		return 0;
	}
	if (is_digit(c) || c == '.') {
		struct bench_expr *e = node(N_NUM);
		if (!e)
			return perr(p, -ENOMEM, "out of memory");
		int rc = parse_number(p, &e->num);
		if (rc) {
			free(e);
			return rc;
		}
		*out = e;
		return 0;
	}
	if (!name_start(c)) {
		if (c == '\0')
			return perr(p, -EINVAL, "expression ends where a value is expected");
		return perr(p, -EINVAL, "expected a number, a name, '(' or '-'");
	}
	size_t start = p->pos;
	while (name_char(p->s[p->pos]))
		p->pos++;
	size_t n = p->pos - start;
	if (p->s[p->pos - 1] == '.') {
		p->pos--;
		return perr(p, -EINVAL, "a name cannot end with '.'");
	}
	for (size_t i = start; i + 1 < p->pos; i++)
		if (p->s[i] == '.' && p->s[i + 1] == '.')
			return p->pos = i + 1, perr(p, -EINVAL, "empty segment ('..') in a name");
	skip_ws(p);
	if (p->s[p->pos] == '(' && n == 3 && strncmp(p->s + start, "sum", 3) == 0)
		return parse_sum(p, out);
	if (p->s[p->pos] == '(') {
		enum node_kind k;
		if (n == 3 && strncmp(p->s + start, "min", 3) == 0)
			k = N_MIN;
		else if (n == 3 && strncmp(p->s + start, "max", 3) == 0)
			k = N_MAX;
		else
			return p->pos = start, perr(p, -EINVAL, "unknown function (functions: min, max, "
							   "sum)");
		p->pos++;
		struct bench_expr *e = node(k);
		if (!e)
			return perr(p, -ENOMEM, "out of memory");
		int rc = parse_expr(p, &e->a);
		if (!rc) {
			skip_ws(p);
			if (p->s[p->pos] != ',')
				rc = perr(p, -EINVAL, "expected ',': min and max take two values");
			else {
				p->pos++;
				rc = parse_expr(p, &e->b);
			}
		}
		if (!rc) {
			skip_ws(p);
			if (p->s[p->pos] != ')')
				rc = perr(p, -EINVAL, "expected ')'");
			else
				p->pos++;
		}
		if (rc) {
			bench_expr_free(e);
			return rc;
		}
		*out = e;
		return 0;
	}
	struct bench_expr *e = node(N_NAME);
	if (!e || !(e->name = strndup(p->s + start, n))) {
		free(e);
		return perr(p, -ENOMEM, "out of memory");
	}
	*out = e;
	return 0;
}

static int parse_unary(struct parser *p, struct bench_expr **out)
{
	skip_ws(p);
	if (p->s[p->pos] != '-')
		return parse_primary(p, out);
	if (++p->depth > EXPR_MAX_DEPTH)
		return perr(p, -EINVAL, "expression nested too deeply");
	p->pos++;
	struct bench_expr *e = node(N_NEG);
	if (!e)
		return perr(p, -ENOMEM, "out of memory");
	int rc = parse_unary(p, &e->a);
	p->depth--;
	if (rc) {
		free(e);
		return rc;
	}
	*out = e;
	return 0;
}

/* One binary level: operands from sub, operators from ops (kinds in the same order). */
static int parse_binary(struct parser *p, struct bench_expr **out,
			int (*sub)(struct parser *, struct bench_expr **), const char *ops,
			const enum node_kind *kinds)
{
	struct bench_expr *lhs = NULL;
	int rc = sub(p, &lhs);
	if (rc)
		return rc;
	for (;;) {
		skip_ws(p);
		const char *op = p->s[p->pos] ? strchr(ops, p->s[p->pos]) : NULL;
		if (!op)
			break;
		p->pos++;
		struct bench_expr *e = node(kinds[op - ops]);
		if (!e) {
			bench_expr_free(lhs);
			return perr(p, -ENOMEM, "out of memory");
		}
		e->a = lhs;
		lhs = e;
		rc = sub(p, &e->b);
		if (rc) {
			bench_expr_free(lhs);
			return rc;
		}
	}
	*out = lhs;
	return 0;
}

static int parse_term(struct parser *p, struct bench_expr **out)
{
	static const enum node_kind k[] = { N_MUL, N_DIV };
	return parse_binary(p, out, parse_unary, "*/", k);
}

static int parse_expr(struct parser *p, struct bench_expr **out)
{
	static const enum node_kind k[] = { N_ADD, N_SUB };
	if (++p->depth > EXPR_MAX_DEPTH)
		return perr(p, -EINVAL, "expression nested too deeply");
	int rc = parse_binary(p, out, parse_term, "+-", k);
	p->depth--;
	return rc;
}

int bench_expr_parse(const char *text, bench_expr_t **out, unsigned *col, iommusim_error_t *err)
{
	struct parser p = { .s = text ? text : "", .err = err, .col = col };
	struct bench_expr *e = NULL;

	*out = NULL;
	int rc = parse_expr(&p, &e);
	if (rc)
		return rc;
	skip_ws(&p);
	if (p.s[p.pos] != '\0') {
		bench_expr_free(e);
		return perr(&p, -EINVAL, "unexpected text after the expression (operators: + - * /)");
	}
	*out = e;
	return 0;
}

void bench_expr_free(bench_expr_t *e)
{
	if (!e)
		return;
	bench_expr_free(e->a);
	bench_expr_free(e->b);
	free(e->name);
	free(e);
}

bool bench_glob_match(const char *pat, const char *name)
{
	while (*pat) {
		if (*pat == '*') {
			/* the star takes 0..k characters of the current segment */
			for (const char *s = name;; s++) {
				if (bench_glob_match(pat + 1, s))
					return true;
				if (*s == '\0' || *s == '.')
					return false;
			}
		}
		if (*pat != *name)
			return false;
		pat++;
		name++;
	}
	return *name == '\0';
}

struct glob_sum {
	const char *pattern;
	double sum;
};

static void glob_visit(void *arg, const char *name, double value)
{
	struct glob_sum *g = arg;
	if (bench_glob_match(g->pattern, name))
		g->sum += value;
}

int bench_expr_eval(const bench_expr_t *e, const bench_env_t *env, double *out,
		    iommusim_error_t *err)
{
	double a = 0, b = 0;
	int rc;

	switch (e->kind) {
	case N_NUM:
		*out = e->num;
		return 0;
	case N_NAME:
		if (e->glob) {
			struct glob_sum g = { .pattern = e->name };
			if (env->each)
				env->each(env->ctx, glob_visit, &g);
			*out = g.sum;
			return 0;
		}
		if (!env->lookup)
			return iommusim_error_set(err, -ENOENT, "no value for '%s'", e->name);
		return env->lookup(env->ctx, e->name, out, err);
	default:
		break;
	}
	rc = bench_expr_eval(e->a, env, &a, err);
	if (rc)
		return rc;
	if (e->kind == N_NEG) {
		*out = -a;
		return 0;
	}
	rc = bench_expr_eval(e->b, env, &b, err);
	if (rc)
		return rc;
	switch (e->kind) {
	case N_ADD: *out = a + b; break;
	case N_SUB: *out = a - b; break;
	case N_MUL: *out = a * b; break;
	case N_DIV: *out = b == 0 ? NAN : a / b; break;
	case N_MIN: *out = (isnan(a) || isnan(b)) ? NAN : (a < b ? a : b); break;
	case N_MAX: *out = (isnan(a) || isnan(b)) ? NAN : (a > b ? a : b); break;
	default: *out = NAN; break;
	}
	return 0;
}

bool bench_expr_uses(const bench_expr_t *e, const char *prefix)
{
	if (!e)
		return false;
	if (e->kind == N_NAME && strncmp(e->name, prefix, strlen(prefix)) == 0)
		return true;
	return bench_expr_uses(e->a, prefix) || bench_expr_uses(e->b, prefix);
}
