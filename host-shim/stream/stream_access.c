/* SPDX-License-Identifier: MIT */
/* Typed access to a line's values, with errors that name the key, the line and column. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "host-shim/stream/stream_internal.h"

static const char *kind_name(const stream_value_t *v)
{
	switch (v->kind) {
	case STREAM_NUMBER: return "a number";
	case STREAM_WORD: return "a word";
	case STREAM_STRING: return "a quoted string";
	case STREAM_REF: return "a variable";
	}
	return "a value";
}

static int resolve_ref(const stream_line_t *l, const char *what, const stream_value_t *v,
		       const stream_vars_t *vars, uint64_t *out, iommusim_error_t *err)
{
	if (!vars)
		return stream_line_error(l, v->col, err, -EINVAL,
					 "%s: $%s cannot be used here (no bindings)", what, v->text);
	return stream_vars_get(vars, v->text, l->file, l->lineno, v->col, out, err);
}

int stream_value_u64(const stream_line_t *l, const char *what, const stream_value_t *v,
		     const stream_vars_t *vars, uint64_t *out, iommusim_error_t *err)
{
	switch (v->kind) {
	case STREAM_NUMBER:
		if (v->neg)
			return stream_line_error(l, v->col, err, -ERANGE,
						 "%s: must not be negative, got -%llu", what,
						 (unsigned long long)v->num);
		*out = v->num;
		return 0;
	case STREAM_REF:
		return resolve_ref(l, what, v, vars, out, err);
	case STREAM_WORD:
		return stream_line_error(l, v->col, err, -EINVAL,
					 "%s: expected a number, got '%s'", what, v->text);
	case STREAM_STRING:
		break;
	}
	return stream_line_error(l, v->col, err, -EINVAL, "%s: expected a number, got %s", what,
				 kind_name(v));
}

int stream_value_s64(const stream_line_t *l, const char *what, const stream_value_t *v,
		     const stream_vars_t *vars, int64_t *out, iommusim_error_t *err)
{
	uint64_t u;
	int rc;

	if (v->kind == STREAM_NUMBER && v->neg) {
		/* magnitude <= 2^63 by construction */
		*out = v->num == (1ull << 63) ? INT64_MIN : -(int64_t)v->num;
		return 0;
	}
	rc = stream_value_u64(l, what, v, vars, &u, err);
	if (rc)
		return rc;
	if (u > (uint64_t)INT64_MAX)
		return stream_line_error(l, v->col, err, -ERANGE,
					 "%s: %llu does not fit a signed 64-bit value", what,
					 (unsigned long long)u);
	*out = (int64_t)u;
	return 0;
}

static int unknown_name(const stream_line_t *l, const char *what, const stream_value_t *v,
			const char *name, size_t n, const uapi_name_t *names, const char *noun,
			iommusim_error_t *err)
{
	char list[IOMMUSIM_ERROR_MSG_MAX / 2];

	if (!names || !names[0].name)
		return stream_line_error(l, v->col, err, -EINVAL,
					 "%s: unknown %s '%.*s' (this field has no named values; "
					 "give a number)", what, noun, (int)n, name);
	uapi_names_list(names, list, sizeof(list));
	return stream_line_error(l, v->col, err, -EINVAL, "%s: unknown %s '%.*s' (valid: %s)",
				 what, noun, (int)n, name, list);
}

int stream_value_flags(const stream_line_t *l, const char *what, const stream_value_t *v,
		       const uapi_name_t *names, const stream_vars_t *vars, uint64_t *out,
		       iommusim_error_t *err)
{
	uint64_t bits = 0;
	const char *p;

	if (v->kind != STREAM_WORD)
		return stream_value_u64(l, what, v, vars, out, err);
	p = v->text;
	for (;;) {
		const char *bar = strchr(p, '|');
		size_t n = bar ? (size_t)(bar - p) : strlen(p);
		stream_value_t num;
		if (n > 0 && p[0] >= '0' && p[0] <= '9' && stream_parse_number(p, n, &num) == 0) {
			bits |= num.num;
		} else {
			char name[128];
			uint64_t bit;
			if (n >= sizeof(name) || (memcpy(name, p, n), name[n] = '\0',
						  uapi_name_lookup(names, name, &bit) != 0))
				return unknown_name(l, what, v, p, n, names, "flag", err);
			bits |= bit;
		}
		if (!bar)
			break;
		p = bar + 1;
	}
	*out = bits;
	return 0;
}

int stream_value_enum(const stream_line_t *l, const char *what, const stream_value_t *v,
		      const uapi_name_t *names, const stream_vars_t *vars, uint64_t *out,
		      iommusim_error_t *err)
{
	if (v->kind != STREAM_WORD)
		return stream_value_u64(l, what, v, vars, out, err);
	if (strchr(v->text, '|'))
		return stream_line_error(l, v->col, err, -EINVAL,
					 "%s: takes one value, not a flag expression '%s'", what,
					 v->text);
	if (uapi_name_lookup(names, v->text, out) != 0)
		return unknown_name(l, what, v, v->text, strlen(v->text), names, "value", err);
	return 0;
}

static int missing_key(const stream_line_t *l, const char *key, iommusim_error_t *err)
{
	return stream_line_error(l, 0, err, -ENOENT, "%s: missing key '%s'",
				 l->verb ? l->verb : "line", key);
}

int stream_line_get_u64(const stream_line_t *l, const char *key, const stream_vars_t *vars,
			uint64_t *out, iommusim_error_t *err)
{
	char what[96];
	const stream_value_t *v = stream_line_arg(l, key);

	if (!v)
		return missing_key(l, key, err);
	snprintf(what, sizeof(what), "key '%s'", key);
	return stream_value_u64(l, what, v, vars, out, err);
}

int stream_line_get_u64_opt(const stream_line_t *l, const char *key,
			    const stream_vars_t *vars, uint64_t def, uint64_t *out,
			    iommusim_error_t *err)
{
	if (!stream_line_arg(l, key)) {
		*out = def;
		return 0;
	}
	return stream_line_get_u64(l, key, vars, out, err);
}

int stream_line_get_s64(const stream_line_t *l, const char *key, const stream_vars_t *vars,
			int64_t *out, iommusim_error_t *err)
{
	char what[96];
	const stream_value_t *v = stream_line_arg(l, key);

	if (!v)
		return missing_key(l, key, err);
	snprintf(what, sizeof(what), "key '%s'", key);
	return stream_value_s64(l, what, v, vars, out, err);
}

int stream_line_get_text(const stream_line_t *l, const char *key, const char **out,
			 iommusim_error_t *err)
{
	const stream_value_t *v = stream_line_arg(l, key);

	if (!v)
		return missing_key(l, key, err);
	if (v->kind != STREAM_WORD && v->kind != STREAM_STRING)
		return stream_line_error(l, v->col, err, -EINVAL,
					 "key '%s': expected text, got %s", key, kind_name(v));
	*out = v->text;
	return 0;
}

int stream_line_get_flags(const stream_line_t *l, const char *key, const uapi_name_t *names,
			  const stream_vars_t *vars, uint64_t *out, iommusim_error_t *err)
{
	char what[96];
	const stream_value_t *v = stream_line_arg(l, key);

	if (!v)
		return missing_key(l, key, err);
	snprintf(what, sizeof(what), "key '%s'", key);
	return stream_value_flags(l, what, v, names, vars, out, err);
}

int stream_line_pos_u64(const stream_line_t *l, size_t idx, const char *what,
			const stream_vars_t *vars, uint64_t *out, iommusim_error_t *err)
{
	char desc[96];

	if (idx >= l->npos)
		return stream_line_error(l, 0, err, -ENOENT, "%s: missing argument %zu (%s)",
					 l->verb ? l->verb : "line", idx + 1, what);
	snprintf(desc, sizeof(desc), "argument %zu (%s)", idx + 1, what);
	return stream_value_u64(l, desc, &l->pos[idx], vars, out, err);
}

int stream_line_pos_text(const stream_line_t *l, size_t idx, const char *what,
			 const char **out, iommusim_error_t *err)
{
	const stream_value_t *v;

	if (idx >= l->npos)
		return stream_line_error(l, 0, err, -ENOENT, "%s: missing argument %zu (%s)",
					 l->verb ? l->verb : "line", idx + 1, what);
	v = &l->pos[idx];
	if (v->kind != STREAM_WORD && v->kind != STREAM_STRING)
		return stream_line_error(l, v->col, err, -EINVAL,
					 "argument %zu (%s): expected text, got %s", idx + 1, what,
					 kind_name(v));
	*out = v->text;
	return 0;
}

int stream_line_check_keys(const stream_line_t *l, const char *const *allowed,
			   iommusim_error_t *err)
{
	for (size_t i = 0; i < l->nargs; i++) {
		bool ok = false;
		for (size_t j = 0; allowed && allowed[j]; j++)
			if (strcmp(allowed[j], l->args[i].key) == 0)
				ok = true;
		if (ok)
			continue;
		char list[IOMMUSIM_ERROR_MSG_MAX / 2];
		size_t pos = 0;
		list[0] = '\0';
		for (size_t j = 0; allowed && allowed[j] && pos < sizeof(list); j++) {
			int n = snprintf(list + pos, sizeof(list) - pos, "%s%s", j ? ", " : "",
					 allowed[j]);
			if (n < 0)
				break;
			pos += (size_t)n;
		}
		return stream_line_error(l, l->args[i].col, err, -EINVAL,
					 "%s: unknown key '%s' (valid: %s)",
					 l->verb ? l->verb : "line", l->args[i].key,
					 list[0] ? list : "none");
	}
	return 0;
}
