/* SPDX-License-Identifier: MIT */
/*
 * The binding table: `$name` values bound by results (`-> out_ioas_id=$ioas`), and, for
 * names not bound yet, the line that was expected to bind them, so that a later use can say
 * which line failed to deliver. An open-addressing hash table keyed by name.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/stream/stream_internal.h"

typedef struct var {
	char *name;           /* NULL: empty slot */
	char *key;            /* the result key expected to bind it */
	uint64_t value;
	bool bound;
	unsigned bound_line;
	unsigned expect_line;
} var_t;

struct stream_vars {
	var_t *slots;
	size_t cap;           /* power of two */
	size_t used;
};

stream_vars_t *stream_vars_create(void)
{
	stream_vars_t *v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;
	v->cap = 64;
	v->slots = calloc(v->cap, sizeof(*v->slots));
	if (!v->slots) {
		free(v);
		return NULL;
	}
	return v;
}

void stream_vars_destroy(stream_vars_t *vars)
{
	if (!vars)
		return;
	for (size_t i = 0; i < vars->cap; i++) {
		free(vars->slots[i].name);
		free(vars->slots[i].key);
	}
	free(vars->slots);
	free(vars);
}

/* FNV-1a: deterministic, no seed. */
static uint64_t hash_name(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ull;
	}
	return h;
}

static var_t *find_slot(var_t *slots, size_t cap, const char *name)
{
	size_t i = (size_t)hash_name(name) & (cap - 1);
	for (;;) {
		if (!slots[i].name || strcmp(slots[i].name, name) == 0)
			return &slots[i];
		i = (i + 1) & (cap - 1);
	}
}

static var_t *lookup(const stream_vars_t *vars, const char *name)
{
	var_t *s = find_slot(vars->slots, vars->cap, name);
	return s->name ? s : NULL;
}

static int grow(stream_vars_t *vars)
{
	size_t ncap = vars->cap * 2;
	var_t *ns = calloc(ncap, sizeof(*ns));

	if (!ns)
		return -ENOMEM;
	for (size_t i = 0; i < vars->cap; i++)
		if (vars->slots[i].name)
			*find_slot(ns, ncap, vars->slots[i].name) = vars->slots[i];
	free(vars->slots);
	vars->slots = ns;
	vars->cap = ncap;
	return 0;
}

/* The entry for name, created if missing. NULL on ENOMEM. */
static var_t *get_or_add(stream_vars_t *vars, const char *name)
{
	var_t *s = lookup(vars, name);

	if (s)
		return s;
	if ((vars->used + 1) * 2 > vars->cap && grow(vars) != 0)
		return NULL;
	s = find_slot(vars->slots, vars->cap, name);
	s->name = stream_strdup(name);
	if (!s->name)
		return NULL;
	vars->used++;
	return s;
}

int stream_vars_expect(stream_vars_t *vars, const char *name, const char *key,
		       unsigned lineno)
{
	var_t *s = get_or_add(vars, name);

	if (!s)
		return -ENOMEM;
	if (s->bound || s->expect_line)
		return 0;
	s->expect_line = lineno;
	if (key) {
		s->key = stream_strdup(key);
		if (!s->key)
			return -ENOMEM;
	}
	return 0;
}

int stream_vars_expect_line(stream_vars_t *vars, const stream_line_t *l)
{
	for (size_t i = 0; i < l->nres; i++) {
		if (l->res[i].v.kind != STREAM_REF)
			continue;
		int rc = stream_vars_expect(vars, l->res[i].v.text, l->res[i].key, l->lineno);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int stream_vars_bind(stream_vars_t *vars, const char *name, uint64_t value, unsigned lineno,
		     iommusim_error_t *err)
{
	var_t *s = get_or_add(vars, name);

	if (!s)
		return iommusim_error_set(err, -ENOMEM, "out of memory");
	if (s->bound)
		return iommusim_error_set(err, -EEXIST,
					  "$%s is already bound (to %llu, by line %u)", name,
					  (unsigned long long)s->value, s->bound_line);
	s->bound = true;
	s->value = value;
	s->bound_line = lineno;
	return 0;
}

bool stream_vars_is_bound(const stream_vars_t *vars, const char *name)
{
	var_t *s = lookup(vars, name);
	return s && s->bound;
}

bool stream_vars_is_known(const stream_vars_t *vars, const char *name)
{
	return lookup(vars, name) != NULL;
}

int stream_vars_get(const stream_vars_t *vars, const char *name, const char *file,
		    unsigned lineno, unsigned col, uint64_t *value, iommusim_error_t *err)
{
	var_t *s = vars ? lookup(vars, name) : NULL;

	if (s && s->bound) {
		*value = s->value;
		return 0;
	}
	if (s && s->expect_line)
		return stream_error_at(file, lineno, col, err, -ENOENT,
				       "$%s has no value: line %u was expected to bind it "
				       "('%s=$%s') but did not (did that command fail?)",
				       name, s->expect_line, s->key ? s->key : "...", name);
	return stream_error_at(file, lineno, col, err, -ENOENT,
			       "$%s is not bound: no earlier line binds it (bind it with "
			       "'-> key=$%s')", name, name);
}
