/* SPDX-License-Identifier: MIT */
/*
 * What runs: the sweep each scenario runs (the command line's dimensions that apply to it,
 * then its own), the check of the command line's keys and values before anything runs,
 * and the overrides and variable values of one point.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/bench/bench.h"
#include "host-shim/bench/bench_int.h"
#include "iommusim/param.h"

static const bench_kv_t *fixed_find(const bench_opts_t *o, const char *key)
{
	for (size_t i = 0; o && i < o->nfixed; i++)
		if (strcmp(o->fixed[i].key, key) == 0)
			return &o->fixed[i];
	return NULL;
}

int bench_plan(const bench_scenario_t *s, const bench_opts_t *o, bench_sweep_t *out,
	       iommusim_error_t *err)
{
	const bench_sweep_t *cli = o ? o->sweep : NULL;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; !rc && cli && i < cli->ndims; i++) {
		const bench_dim_t *d = &cli->dims[i];
		if (bench_key_is_param(d->key) || bench_scenario_has_var(s, d->key))
			rc = bench_sweep_add_dim(out, d, err);
	}
	for (size_t i = 0; !rc && i < s->sweep.ndims; i++) {
		const bench_dim_t *d = &s->sweep.dims[i];
		if (!bench_sweep_find(cli, d->key) && !fixed_find(o, d->key))
			rc = bench_sweep_add_dim(out, d, err);
	}
	if (!rc && bench_sweep_count(out) == SIZE_MAX)
		rc = iommusim_error_set(err, -E2BIG, "%s: the sweep has too many points", s->path);
	if (rc)
		bench_sweep_free(out);
	return rc;
}

static int check_param(iommusim_params_t *ps, const char *key, const char *value,
		       const char *what, iommusim_error_t *err)
{
	iommusim_error_t e;
	int rc = iommusim_params_set(ps, key, value, &e);
	if (rc)
		return iommusim_error_set(err, rc, "%s %s=%s: %s", what, key, value, e.msg);
	return 0;
}

static int check_var(const bench_scenario_t *const *s, size_t ns, const char *key,
		     const char *value, const char *what, iommusim_error_t *err)
{
	bool declared = false;
	for (size_t i = 0; i < ns; i++)
		declared |= bench_scenario_has_var(s[i], key);
	if (!declared) {
		char list[256] = "";
		for (size_t i = 0; i < ns; i++)
			for (size_t k = 0; k < s[i]->nvars; k++)
				if (!strstr(list, s[i]->vars[k].key))
					snprintf(list + strlen(list), sizeof(list) - strlen(list),
						 "%s%s", list[0] ? ", " : "", s[i]->vars[k].key);
		return iommusim_error_set(err, -EINVAL, "%s %s: no scenario declares the variable "
					  "'%s' (variables: %s; parameters are dotted names such "
					  "as drv.vtd.flush)", what, key, key,
					  list[0] ? list : "none");
	}
	if (!bench_var_value_ok(value))
		return iommusim_error_set(err, -EINVAL, "%s %s=%s: a variable's value is letters, "
					  "digits and _ . : | + / -", what, key, value);
	return 0;
}

int bench_check_opts(const bench_opts_t *o, const bench_scenario_t *const *s, size_t ns,
		     iommusim_error_t *err)
{
	iommusim_params_t *ps = iommusim_params_create_all();
	int rc = 0;

	if (!ps)
		return iommusim_error_set(err, -ENOMEM, "out of memory");
	for (size_t i = 0; !rc && o && i < o->nfixed; i++) {
		const bench_kv_t *kv = &o->fixed[i];
		for (size_t k = 0; !rc && k < i; k++)
			if (strcmp(o->fixed[k].key, kv->key) == 0)
				rc = iommusim_error_set(err, -EINVAL, "%s is given twice",
							kv->key);
		if (!rc && o->sweep && bench_sweep_find(o->sweep, kv->key))
			rc = iommusim_error_set(err, -EINVAL, "%s is both fixed (%s=%s) and swept "
						"(--sweep): give one", kv->key, kv->key,
						kv->value);
		if (rc)
			break;
		rc = bench_key_is_param(kv->key) ? check_param(ps, kv->key, kv->value, "parameter", err)
						 : check_var(s, ns, kv->key, kv->value, "variable",
							     err);
	}
	for (size_t i = 0; !rc && o && o->sweep && i < o->sweep->ndims; i++) {
		const bench_dim_t *d = &o->sweep->dims[i];
		for (size_t k = 0; !rc && k < d->nvalues; k++)
			rc = bench_key_is_param(d->key)
				     ? check_param(ps, d->key, d->values[k], "--sweep", err)
				     : check_var(s, ns, d->key, d->values[k], "--sweep", err);
	}
	iommusim_params_destroy(ps);
	return rc;
}

void bench_point_free(struct bench_point *pt)
{
	for (size_t i = 0; i < pt->nparams; i++)
		free(pt->params[i]);
	free(pt->params);
	/* the variables borrow their text */
	free(pt->vars);
	memset(pt, 0, sizeof(*pt));
}

static int add_param(struct bench_point *pt, const char *key, const char *value)
{
	size_t n = strlen(key) + strlen(value) + 2;
	char *kv = malloc(n);
	char **v = realloc(pt->params, (pt->nparams + 1) * sizeof(*v));
	if (v)
		pt->params = v;
	if (!kv || !v) {
		free(kv);
		return -ENOMEM;
	}
	snprintf(kv, n, "%s=%s", key, value);
	pt->params[pt->nparams++] = kv;
	return 0;
}

static int add_var(struct bench_point *pt, const char *key, const char *value)
{
	bench_kv_t *v = realloc(pt->vars, (pt->nvars + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	pt->vars = v;
	/* the point's values win: they come first, bench_scenario_expand takes the first */
	memmove(v + 1, v, pt->nvars * sizeof(*v));
	v[0] = (bench_kv_t){ .key = (char *)key, .value = (char *)value };
	pt->nvars++;
	return 0;
}

int bench_point_build(struct bench_point *pt, const bench_scenario_t *s, const bench_opts_t *o,
		      const bench_sweep_t *plan, const char *const *values,
		      iommusim_error_t *err)
{
	int rc = 0;

	memset(pt, 0, sizeof(*pt));
	for (size_t i = 0; !rc && o && i < o->nfixed; i++) {
		const bench_kv_t *kv = &o->fixed[i];
		if (bench_key_is_param(kv->key))
			rc = add_param(pt, kv->key, kv->value);
		else if (bench_scenario_has_var(s, kv->key))
			rc = add_var(pt, kv->key, kv->value);
	}
	for (size_t i = 0; !rc && plan && i < plan->ndims; i++) {
		if (bench_key_is_param(plan->dims[i].key))
			rc = add_param(pt, plan->dims[i].key, values[i]);
		else
			rc = add_var(pt, plan->dims[i].key, values[i]);
	}
	if (rc) {
		bench_point_free(pt);
		return iommusim_error_set(err, -ENOMEM, "out of memory");
	}
	return 0;
}

const char *bench_point_var(const struct bench_point *pt, const bench_scenario_t *s,
			    const char *name)
{
	for (size_t i = 0; i < pt->nvars; i++)
		if (strcmp(pt->vars[i].key, name) == 0)
			return pt->vars[i].value;
	for (size_t i = 0; i < s->nvars; i++)
		if (strcmp(s->vars[i].key, name) == 0)
			return s->vars[i].value;
	return NULL;
}
