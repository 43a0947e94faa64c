/* SPDX-License-Identifier: MIT */
/*
 * Typed parameters (DESIGN.md §4). A component describes its parameters once, in a const
 * table of iommusim_param_def_t; a parameter set holds the values of several components,
 * starts at the defaults, and takes `key=value` overrides. An unknown key or a bad value is
 * an error that names the key, the value, and the allowed type and range.
 *
 * Names are dotted, component first: "vtd.iotlb.sets", "mem.read_latency_ns".
 * Integer values accept decimal, 0x hex, and the suffixes K/M/G (x1024) for sizes;
 * booleans accept 0/1/true/false/on/off/yes/no; enums accept one of their listed names.
 */
#ifndef IOMMUSIM_PARAM_H
#define IOMMUSIM_PARAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "iommusim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum iommusim_param_type {
	IOMMUSIM_PARAM_BOOL,
	IOMMUSIM_PARAM_U64,     /* with min/max */
	IOMMUSIM_PARAM_DOUBLE,  /* with dmin/dmax */
	IOMMUSIM_PARAM_ENUM,    /* value is the index into choices */
	IOMMUSIM_PARAM_STRING,
} iommusim_param_type_t;

typedef struct iommusim_param_def {
	const char *name;
	iommusim_param_type_t type;
	const char *help;
	const char *unit;            /* "ns", "cycles", "entries", ... or NULL */
	uint64_t def_u64;            /* BOOL (0/1), U64, ENUM (index) */
	uint64_t min, max;           /* U64 range, inclusive */
	double def_double, dmin, dmax;
	const char *def_string;
	const char *const *choices;  /* ENUM: NULL-terminated */
	bool pow2;                   /* U64: must be a power of two (cache geometry) */
} iommusim_param_def_t;

/* A component: a named group of parameters. */
typedef struct iommusim_component {
	const char *name;            /* "vtd", "mem", "endpoint", ... */
	const char *help;
	const iommusim_param_def_t *params;
	size_t nparams;
} iommusim_component_t;

/* Every component the library knows, for `iommusim params`. */
const iommusim_component_t *const *iommusim_components(size_t *n);

typedef struct iommusim_params iommusim_params_t;

/* An empty set; add components to it. */
iommusim_params_t *iommusim_params_create(void);
void iommusim_params_destroy(iommusim_params_t *ps);
/* Adds a component's parameters at their defaults. Adding the same component twice is a
 * no-op; a name clash with another component is -EEXIST. */
int iommusim_params_add(iommusim_params_t *ps, const iommusim_component_t *comp,
			iommusim_error_t *err);
/* A set with every registered component. */
iommusim_params_t *iommusim_params_create_all(void);

/* Sets one parameter from text (surrounding white space is ignored, except for strings,
 * which are taken verbatim). -ENOENT (unknown key; the message suggests the closest
 * known key), -EINVAL (bad value; names type and range), -ERANGE (out of range). */
int iommusim_params_set(iommusim_params_t *ps, const char *key, const char *value,
			iommusim_error_t *err);
/* Parses "key=value" (split at the first '='; -EINVAL without one). */
int iommusim_params_set_kv(iommusim_params_t *ps, const char *kv, iommusim_error_t *err);

/* Typed getters. Asking for an unknown name or the wrong type is a programming error: the
 * getter returns the zero value (false, 0, 0.0, index 0, "" for strings) and the first such
 * misuse is reported by iommusim_params_check(). */
bool iommusim_params_bool(const iommusim_params_t *ps, const char *name);
uint64_t iommusim_params_u64(const iommusim_params_t *ps, const char *name);
double iommusim_params_double(const iommusim_params_t *ps, const char *name);
unsigned iommusim_params_enum(const iommusim_params_t *ps, const char *name);
const char *iommusim_params_string(const iommusim_params_t *ps, const char *name);
/* 0, or the first getter misuse on ps: -ENOENT (unknown name; the message suggests the
 * closest key) or -EINVAL (read with the wrong type). A model's create() calls it after
 * reading its parameters. */
int iommusim_params_check(const iommusim_params_t *ps, iommusim_error_t *err);
/* True if name exists in the set. */
bool iommusim_params_has(const iommusim_params_t *ps, const char *name);
/* Does the current value differ from the default? (Setting a key to its default value
 * leaves it "not set".) */
bool iommusim_params_is_set(const iommusim_params_t *ps, const char *name);

/* Formats the current value as text (the form `set` accepts) into buf: u64 in decimal,
 * bool as true/false, enum as its name, double in the shortest form that reads back exactly.
 * Returns 0, -ENOENT (unknown name) or -ENOSPC (buf too small; truncated, NUL-terminated). */
int iommusim_params_format(const iommusim_params_t *ps, const char *name, char *buf, size_t len);

/* Writes a help table of one component (name, type, default, range, unit, help). */
void iommusim_param_print_help(FILE *out, const iommusim_component_t *comp);

/* Writes every value of the set as a JSON object {"name": value, ...} (sorted by name):
 * bool as true/false, u64 as an integer (above INT64_MAX: the nearest real), double as a
 * real, enum as its name, string as a string. malloc'd (free() it); NULL on allocation
 * failure. */
char *iommusim_params_to_json(const iommusim_params_t *ps);

#ifdef __cplusplus
}
#endif
#endif
