/* SPDX-License-Identifier: MIT */
/*
 * Bench scenarios: a command stream whose whole-line comments "# bench: ..." declare the
 * metrics, the variables, the default sweep and the measurement window (bench.h,
 * docs/bench.md). The declarations are read here from the raw text, line by line, so that
 * a scenario with ${name} placeholders can be checked before any value is pasted in; the
 * stream itself is parsed by the replay engine after the expansion.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/bench/bench.h"

#define SCENARIO_MAX_BYTES (64u << 20)   /* a scenario is text; refuse anything larger */

struct ctx {
	bench_scenario_t *s;
	const char *path;
	unsigned line;
	iommusim_error_t *err;
};

static int lerr(struct ctx *c, unsigned col, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int lerr(struct ctx *c, unsigned col, int code, const char *fmt, ...)
{
	char msg[IOMMUSIM_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (col)
		return iommusim_error_set(c->err, code, "%s:%u:%u: %s", c->path, c->line, col, msg);
	return iommusim_error_set(c->err, code, "%s:%u: %s", c->path, c->line, msg);
}

static int oom(struct ctx *c)
{
	return iommusim_error_set(c->err, -ENOMEM, "out of memory");
}

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* The next blank-separated token of [p, end): *tok, *tlen; returns the position after it. */
static const char *token(const char *p, const char **tok, size_t *tlen)
{
	p = skip_ws(p);
	*tok = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	*tlen = (size_t)(p - *tok);
	return p;
}

static bool tok_is(const char *t, size_t n, const char *word)
{
	return strlen(word) == n && strncmp(t, word, n) == 0;
}

static bool metric_name_ok(const char *t, size_t n)
{
	if (!n || !((t[0] >= 'a' && t[0] <= 'z') || (t[0] >= 'A' && t[0] <= 'Z') || t[0] == '_'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= 'A' && t[i] <= 'Z') ||
		      (t[i] >= '0' && t[i] <= '9') || t[i] == '_'))
			return false;
	return true;
}

static const bench_metric_def_t *find_metric(const bench_scenario_t *s, const char *name)
{
	for (size_t i = 0; i < s->nmetrics; i++)
		if (strcmp(s->metrics[i].name, name) == 0)
			return &s->metrics[i];
	return NULL;
}

static bool is_auto_metric(const char *name)
{
	size_t n;
	const bench_std_metric_t *a = bench_auto_metrics(&n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(a[i].name, name) == 0)
			return true;
	return false;
}

static int add_metric(struct ctx *c, bench_metric_def_t *m)
{
	bench_metric_def_t *v = realloc(c->s->metrics, (c->s->nmetrics + 1) * sizeof(*v));
	if (!v)
		return oom(c);
	c->s->metrics = v;
	v[c->s->nmetrics++] = *m;
	return 0;
}

static void metric_free(bench_metric_def_t *m)
{
	free(m->name);
	free(m->expr_text);
	free(m->unit);
	bench_expr_free(m->expr);
}

/* metric NAME                                   (a standard metric)
 * metric NAME [unit=U] [better=lower|higher] [informational] = EXPR */
static int dir_metric(struct ctx *c, const char *p, const char *lstart)
{
	bench_metric_def_t m = { .line = c->line, .better = BENCH_LOWER };
	const char *tok, *expr = NULL;
	size_t n;
	bool have_better = false;
	iommusim_error_t e;
	int rc;

	p = token(p, &tok, &n);
	if (!metric_name_ok(tok, n))
		return lerr(c, (unsigned)(tok - lstart) + 1, -EINVAL, "bench: metric: expected a "
			    "metric name ([A-Za-z_][A-Za-z0-9_]*), got '%.*s'", (int)n, tok);
	if (!(m.name = strndup(tok, n)))
		return oom(c);
	unsigned name_col = (unsigned)(tok - lstart) + 1;
	if (find_metric(c->s, m.name) || is_auto_metric(m.name)) {
		rc = lerr(c, name_col, -EINVAL, "bench: metric '%s' is declared twice%s", m.name,
			  is_auto_metric(m.name) ? " (every run has it already)" : "");
		goto fail;
	}
	for (;;) {
		p = token(p, &tok, &n);
		if (!n)
			break;
		if (tok[0] == '=') {
			expr = tok + 1;
			break;
		}
		if (n > 5 && strncmp(tok, "unit=", 5) == 0) {
			free(m.unit);
			if (!(m.unit = strndup(tok + 5, n - 5))) {
				rc = oom(c);
				goto fail;
			}
		} else if (n > 7 && strncmp(tok, "better=", 7) == 0) {
			char word[16] = "";
			if (n - 7 < sizeof(word))
				memcpy(word, tok + 7, n - 7);
			if (bench_better_parse(word, &m.better)) {
				rc = lerr(c, (unsigned)(tok - lstart) + 8, -EINVAL, "bench: metric "
					  "%s: better= is lower (a cost) or higher, not '%.*s'",
					  m.name, (int)(n - 7), tok + 7);
				goto fail;
			}
			have_better = true;
		} else if (tok_is(tok, n, "informational")) {
			m.informational = true;
		} else {
			rc = lerr(c, (unsigned)(tok - lstart) + 1, -EINVAL, "bench: metric %s: "
				  "unknown attribute '%.*s' (attributes: unit=U, better=lower|higher, "
				  "informational; then ' = EXPR')", m.name, (int)n, tok);
			goto fail;
		}
	}
	if (!expr) {
		const bench_std_metric_t *sm = bench_std_find(m.name);
		if (!sm) {
			size_t nstd;
			const bench_std_metric_t *all = bench_std_metrics(&nstd);
			char list[512] = "";
			for (size_t i = 0; i < nstd; i++)
				snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
					 i ? ", " : "", all[i].name);
			rc = lerr(c, name_col, -EINVAL, "bench: metric '%s' is not a standard "
				  "metric; give its expression (metric NAME unit=U better=lower = "
				  "EXPR) or use one of: %s", m.name, list);
			goto fail;
		}
		if (m.unit || have_better || m.informational) {
			rc = lerr(c, name_col, -EINVAL, "bench: metric %s: a standard metric takes "
				  "no attributes (declare your own under another name)", m.name);
			goto fail;
		}
		m.expr_text = strdup(sm->expr);
		m.unit = strdup(sm->unit);
		m.better = sm->better;
		m.informational = sm->informational;
		expr = m.expr_text;
	} else {
		expr = skip_ws(expr);
		if (!*expr) {
			rc = lerr(c, (unsigned)(expr - lstart) + 1, -EINVAL, "bench: metric %s: "
				  "nothing after '='", m.name);
			goto fail;
		}
		if (!have_better && !m.informational) {
			rc = lerr(c, name_col, -EINVAL, "bench: metric %s: say whether it is a cost "
				  "(better=lower) or a benefit (better=higher), or mark it "
				  "informational", m.name);
			goto fail;
		}
		m.expr_text = strdup(expr);
		if (!m.unit)
			m.unit = strdup("");
	}
	if (!m.expr_text || !m.unit) {
		rc = oom(c);
		goto fail;
	}
	unsigned col = 0;
	rc = bench_expr_parse(m.expr_text, &m.expr, &col, &e);
	if (rc) {
		if (rc == -ENOMEM)
			return metric_free(&m), oom(c);
		/* the column inside the line, when the expression is the line's own text */
		unsigned base = expr == m.expr_text ? 0 : (unsigned)(expr - lstart);
		rc = lerr(c, base ? base + col : 0, rc, "bench: metric %s: %s", m.name, e.msg);
		goto fail;
	}
	if (bench_expr_uses(m.expr, "bench.host") && !m.informational) {
		rc = lerr(c, name_col, -EINVAL, "bench: metric %s reads host time (bench.host_s): "
			  "mark it informational (host time is not deterministic)", m.name);
		goto fail;
	}
	rc = add_metric(c, &m);
	if (rc)
		goto fail;
	return 0;
fail:
	metric_free(&m);
	return rc;
}

/* var NAME=DEFAULT */
static int dir_var(struct ctx *c, const char *p, const char *lstart)
{
	const char *tok;
	size_t n;

	p = token(p, &tok, &n);
	const char *eq = memchr(tok, '=', n);
	unsigned col = (unsigned)(tok - lstart) + 1;
	if (!eq)
		return lerr(c, col, -EINVAL, "bench: var: expected NAME=DEFAULT");
	char *name = strndup(tok, (size_t)(eq - tok));
	char *val = strndup(eq + 1, n - (size_t)(eq - tok) - 1);
	int rc = 0;
	if (!name || !val)
		rc = oom(c);
	else if (!bench_var_name_ok(name) || bench_key_is_param(name))
		rc = lerr(c, col, -EINVAL, "bench: var: bad name '%s' ([A-Za-z_][A-Za-z0-9_]*; "
			  "dotted names are parameters)", name);
	else if (!bench_var_value_ok(val))
		rc = lerr(c, col + (unsigned)(eq - tok) + 1, -EINVAL, "bench: var %s: bad default "
			  "'%s' (letters, digits and _ . : | + / -)", name, val);
	else if (bench_scenario_has_var(c->s, name))
		rc = lerr(c, col, -EINVAL, "bench: var %s is declared twice", name);
	else if (*skip_ws(p))
		rc = lerr(c, (unsigned)(skip_ws(p) - lstart) + 1, -EINVAL, "bench: var: one "
			  "NAME=DEFAULT per line");
	if (!rc) {
		bench_kv_t *v = realloc(c->s->vars, (c->s->nvars + 1) * sizeof(*v));
		if (!v)
			rc = oom(c);
		else {
			c->s->vars = v;
			v[c->s->nvars++] = (bench_kv_t){ .key = name, .value = val };
			return 0;
		}
	}
	free(name);
	free(val);
	return rc;
}

static int dir_sweep(struct ctx *c, const char *p, const char *lstart)
{
	const char *tok;
	size_t n;
	iommusim_error_t e;

	p = token(p, &tok, &n);
	unsigned col = (unsigned)(tok - lstart) + 1;
	if (*skip_ws(p))
		return lerr(c, (unsigned)(skip_ws(p) - lstart) + 1, -EINVAL, "bench: sweep: "
			    "one KEY=v1,v2,... per line, without blanks");
	char *spec = strndup(tok, n);
	if (!spec)
		return oom(c);
	int rc = bench_sweep_add(&c->s->sweep, spec, &e);
	free(spec);
	if (rc)
		return rc == -ENOMEM ? oom(c) : lerr(c, col, rc, "bench: %s", e.msg);
	return 0;
}

static int directive(struct ctx *c, const char *p, const char *lstart)
{
	const char *tok;
	size_t n;

	p = token(p, &tok, &n);
	unsigned col = (unsigned)(tok - lstart) + 1;
	if (tok_is(tok, n, "metric"))
		return dir_metric(c, p, lstart);
	if (tok_is(tok, n, "var"))
		return dir_var(c, p, lstart);
	if (tok_is(tok, n, "sweep"))
		return dir_sweep(c, p, lstart);
	if (tok_is(tok, n, "begin") || tok_is(tok, n, "end")) {
		bool begin = tok_is(tok, n, "begin");
		if (*skip_ws(p))
			return lerr(c, (unsigned)(skip_ws(p) - lstart) + 1, -EINVAL,
				    "bench: %s takes nothing after it", begin ? "begin" : "end");
		if (begin && c->s->begin_line)
			return lerr(c, col, -EINVAL, "bench: begin given twice (first at line %u)",
				    c->s->begin_line);
		if (!begin && c->s->end_line)
			return lerr(c, col, -EINVAL, "bench: end given twice (first at line %u)",
				    c->s->end_line);
		if (begin && c->s->end_line)
			return lerr(c, col, -EINVAL, "bench: begin after end (line %u)",
				    c->s->end_line);
		*(begin ? &c->s->begin_line : &c->s->end_line) = c->line;
		return 0;
	}
	return lerr(c, col, -EINVAL, "bench: unknown directive '%.*s' (directives: metric, var, "
		    "sweep, begin, end)", (int)n, tok);
}

/* Every ${name} of the line must be a declared variable (checked after all lines). */
static int check_refs(struct ctx *c, const char *line, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (line[i] != '$' || line[i + 1] != '{')
			continue;
		const char *close = memchr(line + i + 2, '}', len - i - 2);
		if (!close)
			return lerr(c, (unsigned)i + 1, -EINVAL, "'${' without its '}'");
		char *name = strndup(line + i + 2, (size_t)(close - line - i - 2));
		if (!name)
			return oom(c);
		int rc = 0;
		if (!bench_var_name_ok(name))
			rc = lerr(c, (unsigned)i + 1, -EINVAL, "bad variable name '${%s}'", name);
		else if (!bench_scenario_has_var(c->s, name))
			rc = lerr(c, (unsigned)i + 1, -EINVAL, "${%s} is not declared (add "
				  "'# bench: var %s=DEFAULT')", name, name);
		free(name);
		if (rc)
			return rc;
	}
	return 0;
}

/* Calls fn for each line of the text: (ctx, start, length without the newline). */
static int each_line(struct ctx *c, const char *text, size_t len,
		     int (*fn)(struct ctx *, const char *, size_t))
{
	size_t pos = 0;
	c->line = 0;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - text - pos) : len - pos;
		c->line++;
		int rc = fn(c, text + pos, n);
		if (rc)
			return rc;
		pos += n + 1;
	}
	return 0;
}

static int scan_directive(struct ctx *c, const char *line, size_t len)
{
	char buf[4096];
	const char *p;

	(void)len;
	p = skip_ws(line);
	if (*p != '#')
		return 0;
	p = skip_ws(p + 1);
	if (strncmp(p, "bench:", 6) != 0)
		return 0;
	if (len >= sizeof(buf))
		return lerr(c, 0, -EINVAL, "bench: directive longer than %zu bytes", sizeof(buf) - 1);
	/* a NUL-terminated copy of the line, with a trailing '\r' dropped */
	memcpy(buf, line, len);
	buf[len] = '\0';
	if (len && buf[len - 1] == '\r')
		buf[len - 1] = '\0';
	return directive(c, buf + (p - line) + 6, buf);
}

int bench_scenario_parse(bench_scenario_t *s, const char *text, size_t len, const char *path,
			 iommusim_error_t *err)
{
	struct ctx c = { .s = s, .path = path ? path : "<scenario>", .err = err };
	int rc;

	memset(s, 0, sizeof(*s));
	if (memchr(text, '\0', len))
		return iommusim_error_set(err, -EINVAL, "%s: holds a NUL byte: not a text stream",
					  c.path);
	s->path = strdup(c.path);
	s->text = malloc(len + 1);
	if (!s->path || !s->text) {
		bench_scenario_free(s);
		return oom(&c);
	}
	memcpy(s->text, text, len);
	s->text[len] = '\0';
	s->len = len;
	bench_sha256_hex(text, len, s->sha256);
	rc = each_line(&c, s->text, len, scan_directive);
	if (!rc)
		rc = each_line(&c, s->text, len, check_refs);
	if (!rc && !s->nmetrics)
		rc = iommusim_error_set(err, -EINVAL, "%s: declares no metric: a bench scenario "
					"needs at least one '# bench: metric ...' line", c.path);
	for (size_t i = 0; !rc && i < s->sweep.ndims; i++) {
		const char *key = s->sweep.dims[i].key;
		if (!bench_key_is_param(key) && !bench_scenario_has_var(s, key))
			rc = iommusim_error_set(err, -EINVAL, "%s: bench: sweep of '%s', which is "
						"neither a parameter (dotted) nor a declared "
						"variable", c.path, key);
		for (size_t k = 0; !rc && !bench_key_is_param(key) && k < s->sweep.dims[i].nvalues;
		     k++)
			if (!bench_var_value_ok(s->sweep.dims[i].values[k]))
				rc = iommusim_error_set(err, -EINVAL, "%s: bench: sweep %s: bad "
							"value '%s' (letters, digits and "
							"_ . : | + / -)", c.path, key,
							s->sweep.dims[i].values[k]);
	}
	if (rc)
		bench_scenario_free(s);
	return rc;
}

int bench_scenario_load(bench_scenario_t *s, const char *path, iommusim_error_t *err)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int rc;

	memset(s, 0, sizeof(*s));
	if (!f)
		return iommusim_error_set(err, -errno, "%s: cannot open: %s", path, strerror(errno));
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 65536;
			if (cap > SCENARIO_MAX_BYTES + 1) {
				free(buf);
				fclose(f);
				return iommusim_error_set(err, -EFBIG, "%s: larger than %u MiB: not "
							  "a scenario", path,
							  SCENARIO_MAX_BYTES >> 20);
			}
			char *nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return iommusim_error_set(err, -ENOMEM, "out of memory");
			}
			buf = nb;
		}
		size_t got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		return iommusim_error_set(err, -EIO, "%s: read error", path);
	}
	fclose(f);
	rc = bench_scenario_parse(s, buf ? buf : "", len, path, err);
	free(buf);
	return rc;
}

void bench_scenario_free(bench_scenario_t *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nmetrics; i++)
		metric_free(&s->metrics[i]);
	free(s->metrics);
	for (size_t i = 0; i < s->nvars; i++) {
		free(s->vars[i].key);
		free(s->vars[i].value);
	}
	free(s->vars);
	bench_sweep_free(&s->sweep);
	free(s->path);
	free(s->text);
	memset(s, 0, sizeof(*s));
}

bool bench_scenario_has_var(const bench_scenario_t *s, const char *name)
{
	for (size_t i = 0; i < s->nvars; i++)
		if (strcmp(s->vars[i].key, name) == 0)
			return true;
	return false;
}

static const char *var_value(const bench_scenario_t *s, const bench_kv_t *vals, size_t nvals,
			     const char *name, size_t n)
{
	for (size_t i = 0; i < nvals; i++)
		if (strlen(vals[i].key) == n && strncmp(vals[i].key, name, n) == 0)
			return vals[i].value;
	for (size_t i = 0; i < s->nvars; i++)
		if (strlen(s->vars[i].key) == n && strncmp(s->vars[i].key, name, n) == 0)
			return s->vars[i].value;
	return NULL;
}

int bench_scenario_expand(const bench_scenario_t *s, const bench_kv_t *vals, size_t nvals,
			  char **out, size_t *outlen, iommusim_error_t *err)
{
	size_t cap = s->len + 1, n = 0;
	char *buf = malloc(cap);

	*out = NULL;
	if (!buf)
		return iommusim_error_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < s->len;) {
		const char *piece = s->text + i;
		size_t plen = 1, adv = 1;
		if (s->text[i] == '$' && i + 1 < s->len && s->text[i + 1] == '{') {
			const char *close = strchr(s->text + i + 2, '}');
			const char *v = close ? var_value(s, vals, nvals, s->text + i + 2,
							  (size_t)(close - s->text - i - 2)) : NULL;
			if (!v) {
				free(buf);
				return iommusim_error_set(err, -EINVAL, "%s: a ${...} without a "
							  "declared variable (offset %zu)", s->path,
							  i);
			}
			piece = v;
			plen = strlen(v);
			adv = (size_t)(close - s->text - i) + 1;
		}
		if (n + plen + 1 > cap) {
			cap = (n + plen + 1) * 2;
			char *nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				return iommusim_error_set(err, -ENOMEM, "out of memory");
			}
			buf = nb;
		}
		memcpy(buf + n, piece, plen);
		n += plen;
		i += adv;
	}
	buf[n] = '\0';
	*out = buf;
	*outlen = n;
	return 0;
}
