/* SPDX-License-Identifier: MIT */
/*
 * Sweeps: dimensions "KEY=v1,v2,..." and the points of their product, enumerated in
 * mixed radix with the first dimension varying slowest (so a table of results reads like
 * nested loops in the order the dimensions were given). Also the rules for keys and the
 * values of scenario variables.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/bench/bench.h"

bool bench_key_is_param(const char *key)
{
	return strchr(key, '.') != NULL;
}

bool bench_var_name_ok(const char *name)
{
	if (!name || !((*name >= 'a' && *name <= 'z') || (*name >= 'A' && *name <= 'Z') ||
		       *name == '_'))
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return true;
}

bool bench_var_value_ok(const char *value)
{
	if (!value || !*value)
		return false;
	for (const char *p = value; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("_.:|+/-", *p)))
			return false;
	return true;
}

static void dim_free(bench_dim_t *d)
{
	for (size_t i = 0; i < d->nvalues; i++)
		free(d->values[i]);
	free(d->values);
	free(d->key);
	memset(d, 0, sizeof(*d));
}

void bench_sweep_free(bench_sweep_t *sw)
{
	if (!sw)
		return;
	for (size_t i = 0; i < sw->ndims; i++)
		dim_free(&sw->dims[i]);
	free(sw->dims);
	sw->dims = NULL;
	sw->ndims = 0;
}

const bench_dim_t *bench_sweep_find(const bench_sweep_t *sw, const char *key)
{
	for (size_t i = 0; sw && i < sw->ndims; i++)
		if (strcmp(sw->dims[i].key, key) == 0)
			return &sw->dims[i];
	return NULL;
}

static bool key_ok(const char *key)
{
	/* a parameter name (dotted segments) or a variable name */
	if (!*key || *key == '.' || key[strlen(key) - 1] == '.' || strstr(key, ".."))
		return false;
	for (const char *p = key; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '.'))
			return false;
	return !(*key >= '0' && *key <= '9');
}

int bench_sweep_add_dim(bench_sweep_t *sw, const bench_dim_t *d, iommusim_error_t *err)
{
	bench_dim_t nd = { 0 };

	if (!key_ok(d->key))
		return iommusim_error_set(err, -EINVAL, "sweep: bad key '%s' (a parameter such "
					  "as drv.vtd.flush or a scenario variable such as size)",
					  d->key);
	if (bench_sweep_find(sw, d->key))
		return iommusim_error_set(err, -EEXIST, "sweep: key '%s' is swept twice (give "
					  "all its values in one list)", d->key);
	if (d->nvalues == 0)
		return iommusim_error_set(err, -EINVAL, "sweep: '%s' has no values", d->key);
	for (size_t i = 0; i < d->nvalues; i++) {
		if (!d->values[i][0])
			return iommusim_error_set(err, -EINVAL, "sweep: '%s' has an empty value "
						  "(value %zu)", d->key, i + 1);
		for (size_t k = 0; k < i; k++)
			if (strcmp(d->values[i], d->values[k]) == 0)
				return iommusim_error_set(err, -EINVAL, "sweep: '%s' lists the "
							  "value '%s' twice", d->key,
							  d->values[i]);
	}
	if (sw->ndims >= 32)
		return iommusim_error_set(err, -EINVAL, "sweep: more than 32 dimensions");
	bench_dim_t *dims = realloc(sw->dims, (sw->ndims + 1) * sizeof(*dims));
	if (!dims)
		return iommusim_error_set(err, -ENOMEM, "out of memory");
	sw->dims = dims;
	nd.key = strdup(d->key);
	nd.values = calloc(d->nvalues, sizeof(char *));
	if (!nd.key || !nd.values)
		goto oom;
	for (size_t i = 0; i < d->nvalues; i++) {
		if (!(nd.values[i] = strdup(d->values[i])))
			goto oom;
		nd.nvalues++;
	}
	sw->dims[sw->ndims++] = nd;
	return 0;
oom:
	dim_free(&nd);
	return iommusim_error_set(err, -ENOMEM, "out of memory");
}

int bench_sweep_add(bench_sweep_t *sw, const char *spec, iommusim_error_t *err)
{
	const char *eq = strchr(spec, '=');
	bench_dim_t d = { 0 };
	int rc;

	if (!eq || eq == spec)
		return iommusim_error_set(err, -EINVAL, "sweep: '%s' is not KEY=v1,v2,...", spec);
	char *copy = strdup(spec);
	if (!copy)
		return iommusim_error_set(err, -ENOMEM, "out of memory");
	copy[eq - spec] = '\0';
	d.key = copy;
	size_t n = 1;
	for (const char *p = eq + 1; *p; p++)
		n += *p == ',';
	d.values = calloc(n, sizeof(char *));
	if (!d.values) {
		free(copy);
		return iommusim_error_set(err, -ENOMEM, "out of memory");
	}
	char *v = copy + (eq - spec) + 1;
	for (;;) {
		char *comma = strchr(v, ',');
		if (comma)
			*comma = '\0';
		d.values[d.nvalues++] = v;
		if (!comma)
			break;
		v = comma + 1;
	}
	rc = bench_sweep_add_dim(sw, &d, err);
	free(d.values);
	free(copy);
	return rc;
}

size_t bench_sweep_count(const bench_sweep_t *sw)
{
	size_t n = 1;
	for (size_t i = 0; sw && i < sw->ndims; i++) {
		if (sw->dims[i].nvalues && n > SIZE_MAX / sw->dims[i].nvalues)
			return SIZE_MAX;
		n *= sw->dims[i].nvalues;
	}
	return n;
}

int bench_sweep_point(const bench_sweep_t *sw, size_t idx, const char **values)
{
	size_t n = bench_sweep_count(sw);

	if (n == SIZE_MAX || idx >= n)
		return -ERANGE;
	for (size_t i = sw ? sw->ndims : 0; i-- > 0;) {
		values[i] = sw->dims[i].values[idx % sw->dims[i].nvalues];
		idx /= sw->dims[i].nvalues;
	}
	return 0;
}
