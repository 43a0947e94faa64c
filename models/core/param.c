/* SPDX-License-Identifier: MIT */
/*
 * Typed parameters (DESIGN.md §4, include/iommusim/param.h). A set keeps one slot per
 * parameter, sorted by name so lookups are a binary search and JSON/help output is in a
 * stable order. Values are parsed strictly: anything the parser does not fully consume is an
 * error that names the key, the value and what would have been accepted.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "iommusim/text.h"
#include "iommusim/param.h"

/* Values are quoted in messages up to this many characters, so a message stays one line. */
#define PARAM_QUOTE_MAX 64

typedef struct param_slot {
	const iommusim_param_def_t *def;
	uint64_t u;     /* BOOL (0/1), U64, ENUM (index) */
	double d;       /* DOUBLE */
	char *s;        /* STRING: owned, never NULL */
} param_slot_t;

struct iommusim_params {
	param_slot_t *slots;                   /* sorted by def->name (strcmp) */
	size_t n;
	const iommusim_component_t **comps;    /* components added, in order */
	size_t ncomps, capcomps;
	/* First getter misuse (unknown name, wrong type). Separately allocated so that the
	 * const getters can record it without casting const away. */
	iommusim_error_t *misuse;
};

static const char *const param_type_names[] = {
	[IOMMUSIM_PARAM_BOOL] = "bool",
	[IOMMUSIM_PARAM_U64] = "u64",
	[IOMMUSIM_PARAM_DOUBLE] = "double",
	[IOMMUSIM_PARAM_ENUM] = "enum",
	[IOMMUSIM_PARAM_STRING] = "string",
};

static const char *type_name(iommusim_param_type_t t)
{
	if ((unsigned)t < sizeof(param_type_names) / sizeof(param_type_names[0]))
		return param_type_names[t];
	return "?";
}

/* ---- small text helpers ------------------------------------------------------------------ */

/* Copies s into buf for quoting in a message: at most PARAM_QUOTE_MAX characters, with "..."
 * when cut, and non-printable bytes shown as '?' so the message stays one line. */
static const char *quote(char *buf, size_t len, const char *s)
{
	size_t i = 0, o = 0;

	if (!s)
		s = "(null)";
	while (s[i] && i < PARAM_QUOTE_MAX && o + 4 < len) {
		unsigned char c = (unsigned char)s[i++];
		buf[o++] = isprint(c) ? (char)c : '?';
	}
	if (s[i] && o + 4 <= len) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Returns s without leading/trailing white space, copied into a fresh allocation. */
static char *dup_trimmed(const char *s, size_t n)
{
	while (n && is_space(*s)) {
		s++;
		n--;
	}
	while (n && is_space(s[n - 1]))
		n--;
	char *r = malloc(n + 1);
	if (r) {
		memcpy(r, s, n);
		r[n] = '\0';
	}
	return r;
}

/* ASCII case-insensitive equality (independent of the C locale). */
static bool ascii_ieq(const char *a, const char *b)
{
	for (;; a++, b++) {
		char ca = (*a >= 'A' && *a <= 'Z') ? (char)(*a - 'A' + 'a') : *a;
		char cb = (*b >= 'A' && *b <= 'Z') ? (char)(*b - 'A' + 'a') : *b;
		if (ca != cb)
			return false;
		if (!ca)
			return true;
	}
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* ---- lookup ------------------------------------------------------------------------------ */

/* Index of name, or of where it would be inserted (*found false). */
static size_t slot_search(const iommusim_params_t *ps, const char *name, bool *found)
{
	size_t lo = 0, hi = ps->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(ps->slots[mid].def->name, name);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

static param_slot_t *slot_find(const iommusim_params_t *ps, const char *name)
{
	bool found;
	size_t i;

	if (!ps || !name)
		return NULL;
	i = slot_search(ps, name, &found);
	return found ? &ps->slots[i] : NULL;
}

/* The known name closest to key, or NULL when none is close enough to be a likely typo. A
 * key that is the dotted tail of exactly one name ("iotlb.sets" for "vtd.iotlb.sets") is
 * suggested too: that is the usual mistake of leaving out the component. */
static const char *suggest(const iommusim_params_t *ps, const char *key)
{
	size_t klen = strlen(key);
	size_t limit = 1 + klen / 5;
	size_t best = SIZE_MAX;
	const char *best_name = NULL;
	const char *tail_name = NULL;
	size_t ntail = 0;

	if (limit > 4)
		limit = 4;
	for (size_t i = 0; i < ps->n; i++) {
		const char *name = ps->slots[i].def->name;
		size_t nlen = strlen(name);
		size_t d = iommusim_strdist(key, name);

		if (d < best) {
			best = d;
			best_name = name;
		}
		if (klen && nlen > klen && name[nlen - klen - 1] == '.' &&
		    strcmp(name + nlen - klen, key) == 0) {
			tail_name = name;
			ntail++;
		}
	}
	if (best <= limit)
		return best_name;
	if (ntail == 1)
		return tail_name;
	return NULL;
}

static int unknown_key(const iommusim_params_t *ps, const char *key, iommusim_error_t *err)
{
	char q[PARAM_QUOTE_MAX + 8];
	const char *s = suggest(ps, key);

	if (s)
		return iommusim_error_set(err, -ENOENT,
					  "unknown parameter \"%s\" (did you mean %s?)",
					  quote(q, sizeof(q), key), s);
	return iommusim_error_set(err, -ENOENT,
				  "unknown parameter \"%s\" (`iommusim params` lists them all)",
				  quote(q, sizeof(q), key));
}

/* ---- formatting -------------------------------------------------------------------------- */

/* The shortest decimal text that reads back as exactly d. */
static void format_double(char *buf, size_t len, double d)
{
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, len, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			return;
	}
}

/* Allowed values of def, as text for messages and the help table. */
static void describe_range(const iommusim_param_def_t *def, char *buf, size_t len)
{
	char lo[40], hi[40];
	size_t o = 0;

	buf[0] = '\0';
	switch (def->type) {
	case IOMMUSIM_PARAM_BOOL:
		snprintf(buf, len, "true|false");
		break;
	case IOMMUSIM_PARAM_U64:
		snprintf(buf, len, "%" PRIu64 "..%" PRIu64 "%s", def->min, def->max,
			 def->pow2 ? ", power of two" : "");
		break;
	case IOMMUSIM_PARAM_DOUBLE:
		format_double(lo, sizeof(lo), def->dmin);
		format_double(hi, sizeof(hi), def->dmax);
		snprintf(buf, len, "%s..%s", lo, hi);
		break;
	case IOMMUSIM_PARAM_ENUM:
		for (size_t i = 0; def->choices && def->choices[i]; i++) {
			int w = snprintf(buf + o, len - o, "%s%s", i ? "|" : "", def->choices[i]);
			if (w < 0 || (size_t)w >= len - o)
				break;
			o += (size_t)w;
		}
		break;
	case IOMMUSIM_PARAM_STRING:
		snprintf(buf, len, "text");
		break;
	}
}

/* Writes a slot's value as text; returns what snprintf returns. */
static int format_value(const iommusim_param_def_t *def, uint64_t u, double d, const char *s,
			char *buf, size_t len)
{
	char tmp[40];

	switch (def->type) {
	case IOMMUSIM_PARAM_BOOL:
		return snprintf(buf, len, "%s", u ? "true" : "false");
	case IOMMUSIM_PARAM_U64:
		return snprintf(buf, len, "%" PRIu64, u);
	case IOMMUSIM_PARAM_DOUBLE:
		format_double(tmp, sizeof(tmp), d);
		return snprintf(buf, len, "%s", tmp);
	case IOMMUSIM_PARAM_ENUM:
		return snprintf(buf, len, "%s", def->choices[u]);
	case IOMMUSIM_PARAM_STRING:
		return snprintf(buf, len, "%s", s ? s : "");
	}
	return snprintf(buf, len, "?");
}

/* ---- parsing ----------------------------------------------------------------------------- */

/*
 * Integer text: [+|-] (decimal digits | 0x hex digits) [K|M|G]. Leading zeros are decimal
 * (no octal). Returns 0, -EINVAL for a syntax error, -ERANGE for a value that does not fit
 * in 64 bits or is negative (*neg tells which).
 */
static int parse_u64(const char *s, uint64_t *out, bool *neg)
{
	unsigned base = 10;
	uint64_t v = 0;
	bool overflow = false;
	size_t ndigits = 0;
	unsigned shift = 0;

	*neg = false;
	if (*s == '+' || *s == '-')
		*neg = *s++ == '-';
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (; *s; s++, ndigits++) {
		int dv = iommusim_hex_digit((unsigned char)*s);
		if (dv < 0 || dv >= (int)base)
			break;
		if (v > (UINT64_MAX - (uint64_t)dv) / base)
			overflow = true;
		else
			v = v * base + (uint64_t)dv;
	}
	if (!ndigits)
		return -EINVAL;
	switch (*s) {
	case 'k': case 'K': shift = 10; s++; break;
	case 'm': case 'M': shift = 20; s++; break;
	case 'g': case 'G': shift = 30; s++; break;
	default: break;
	}
	if (*s)
		return -EINVAL;
	if (shift && v > (UINT64_MAX >> shift))
		overflow = true;
	else
		v <<= shift;
	if (overflow)
		return -ERANGE;
	if (*neg && v)
		return -ERANGE;
	*neg = false;
	*out = v;
	return 0;
}

static int parse_bool(const char *s, uint64_t *out)
{
	static const char *const yes[] = { "1", "true", "on", "yes" };
	static const char *const no[] = { "0", "false", "off", "no" };

	for (size_t i = 0; i < 4; i++) {
		if (ascii_ieq(s, yes[i])) {
			*out = 1;
			return 0;
		}
		if (ascii_ieq(s, no[i])) {
			*out = 0;
			return 0;
		}
	}
	return -EINVAL;
}

/* "nearest: 512 or 1024" for a value that is not a power of two. */
static void pow2_neighbours(uint64_t v, char *buf, size_t len)
{
	unsigned msb;
	uint64_t below;

	if (!v) {
		snprintf(buf, len, "nearest: 1");
		return;
	}
	msb = 63u - (unsigned)__builtin_clzll(v);
	below = (uint64_t)1 << msb;
	if (msb < 63)
		snprintf(buf, len, "nearest: %" PRIu64 " or %" PRIu64, below, below << 1);
	else
		snprintf(buf, len, "nearest: %" PRIu64, below);
}

/* strtod with nothing left over; nan and inf are refused (they cannot be compared against a
 * range and have no JSON form). Returns 0, -EINVAL, or -ERANGE (magnitude too large). */
static int parse_double(const char *s, double *out)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(s, &end);
	if (end == s || *end)
		return -EINVAL;
	if (isnan(d))
		return -EINVAL;
	if (isinf(d))
		return errno == ERANGE ? -ERANGE : -EINVAL;
	/* An underflow to a subnormal or zero is accepted: it is the closest double. */
	*out = d;
	return 0;
}

/* "allowed 1..64 entries, power of two", "one of lru|plru" */
static void describe_allowed(const iommusim_param_def_t *def, char *buf, size_t len)
{
	char r[256], lo[40], hi[40];
	const char *unit = def->unit ? def->unit : "";
	const char *sp = def->unit ? " " : "";

	switch (def->type) {
	case IOMMUSIM_PARAM_U64:
		snprintf(buf, len, "allowed %" PRIu64 "..%" PRIu64 "%s%s%s", def->min, def->max, sp,
			 unit, def->pow2 ? ", power of two" : "");
		break;
	case IOMMUSIM_PARAM_DOUBLE:
		format_double(lo, sizeof(lo), def->dmin);
		format_double(hi, sizeof(hi), def->dmax);
		snprintf(buf, len, "allowed %s..%s%s%s", lo, hi, sp, unit);
		break;
	case IOMMUSIM_PARAM_ENUM:
		describe_range(def, r, sizeof(r));
		snprintf(buf, len, "one of %s", r);
		break;
	default:
		describe_range(def, r, sizeof(r));
		snprintf(buf, len, "allowed %s", r);
		break;
	}
}

/* Parses text (already trimmed, except for strings) for def into *u or *d. */
static int parse_value(const iommusim_param_def_t *def, const char *text, uint64_t *u,
		       double *d, iommusim_error_t *err)
{
	char q[PARAM_QUOTE_MAX + 8];
	char allowed[300];
	const char *tn = type_name(def->type);
	bool neg;
	int rc;

	describe_allowed(def, allowed, sizeof(allowed));
	if (def->type != IOMMUSIM_PARAM_STRING && !*text)
		return iommusim_error_set(err, -EINVAL, "parameter %s: empty value (expected %s, %s)",
					  def->name, tn, allowed);
	switch (def->type) {
	case IOMMUSIM_PARAM_BOOL:
		if (parse_bool(text, u))
			return iommusim_error_set(err, -EINVAL,
						  "parameter %s: \"%s\" is not a valid bool "
						  "(use 1/0, true/false, on/off or yes/no)",
						  def->name, quote(q, sizeof(q), text));
		return 0;
	case IOMMUSIM_PARAM_U64:
		rc = parse_u64(text, u, &neg);
		if (rc == -EINVAL)
			return iommusim_error_set(err, -EINVAL,
						  "parameter %s: \"%s\" is not a valid u64 (decimal, "
						  "0x hex, optional K/M/G suffix; %s)",
						  def->name, quote(q, sizeof(q), text), allowed);
		if (rc == -ERANGE)
			return iommusim_error_set(err, -ERANGE, "parameter %s: \"%s\" %s (%s)",
						  def->name, quote(q, sizeof(q), text),
						  neg ? "is negative" : "does not fit in 64 bits",
						  allowed);
		if (*u < def->min || *u > def->max) {
			char dec[32];
			snprintf(dec, sizeof(dec), "%" PRIu64, *u);
			/* show what a suffix or hex form came to */
			if (strcmp(dec, text))
				return iommusim_error_set(err, -ERANGE,
							  "parameter %s: \"%s\" = %s is out of range (%s)",
							  def->name, quote(q, sizeof(q), text), dec, allowed);
			return iommusim_error_set(err, -ERANGE,
						  "parameter %s: %s is out of range (%s)", def->name,
						  dec, allowed);
		}
		if (def->pow2 && !is_pow2(*u)) {
			char near[80];
			pow2_neighbours(*u, near, sizeof(near));
			return iommusim_error_set(err, -EINVAL,
						  "parameter %s: %" PRIu64 " is not a power of two "
						  "(%s; %s)",
						  def->name, *u, near, allowed);
		}
		return 0;
	case IOMMUSIM_PARAM_DOUBLE:
		rc = parse_double(text, d);
		if (rc == -EINVAL)
			return iommusim_error_set(err, -EINVAL,
						  "parameter %s: \"%s\" is not a valid finite double (%s)",
						  def->name, quote(q, sizeof(q), text), allowed);
		if (rc == -ERANGE || *d < def->dmin || *d > def->dmax)
			return iommusim_error_set(err, -ERANGE,
						  "parameter %s: %s is out of range (%s)", def->name,
						  quote(q, sizeof(q), text), allowed);
		return 0;
	case IOMMUSIM_PARAM_ENUM:
		for (size_t i = 0; def->choices[i]; i++) {
			if (ascii_ieq(text, def->choices[i])) {
				*u = i;
				return 0;
			}
		}
		return iommusim_error_set(err, -EINVAL,
					  "parameter %s: \"%s\" is not a valid choice (%s)", def->name,
					  quote(q, sizeof(q), text), allowed);
	case IOMMUSIM_PARAM_STRING:
		return 0;
	}
	return iommusim_error_set(err, -EINVAL, "parameter %s: unknown type %d", def->name,
				  (int)def->type);
}

/* ---- sets -------------------------------------------------------------------------------- */

iommusim_params_t *iommusim_params_create(void)
{
	iommusim_params_t *ps = calloc(1, sizeof(*ps));

	if (!ps)
		return NULL;
	ps->misuse = calloc(1, sizeof(*ps->misuse));
	if (!ps->misuse) {
		free(ps);
		return NULL;
	}
	return ps;
}

void iommusim_params_destroy(iommusim_params_t *ps)
{
	if (!ps)
		return;
	for (size_t i = 0; i < ps->n; i++)
		free(ps->slots[i].s);
	free(ps->slots);
	free(ps->comps);
	free(ps->misuse);
	free(ps);
}

/* A component's table is written by hand; catch its mistakes when it is added rather than
 * as odd behaviour later. */
static int check_def(const iommusim_component_t *comp, const iommusim_param_def_t *def,
		     iommusim_error_t *err)
{
	const char *cn = comp->name ? comp->name : "?";
	size_t nchoices = 0;

	if (!def->name || !*def->name)
		return iommusim_error_set(err, -EINVAL, "component %s: a parameter has no name", cn);
	for (const char *c = def->name; *c; c++) {
		if (*c == '=' || is_space(*c) || !isprint((unsigned char)*c))
			return iommusim_error_set(err, -EINVAL,
						  "component %s: parameter name \"%s\" contains '=', "
						  "white space or a control character",
						  cn, def->name);
	}
	switch (def->type) {
	case IOMMUSIM_PARAM_BOOL:
		if (def->def_u64 > 1)
			return iommusim_error_set(err, -EINVAL,
						  "parameter %s: bool default %" PRIu64 " is not 0 or 1",
						  def->name, def->def_u64);
		return 0;
	case IOMMUSIM_PARAM_U64:
		if (def->min > def->max)
			return iommusim_error_set(err, -EINVAL,
						  "parameter %s: min %" PRIu64 " > max %" PRIu64,
						  def->name, def->min, def->max);
		if (def->def_u64 < def->min || def->def_u64 > def->max)
			return iommusim_error_set(err, -EINVAL,
						  "parameter %s: default %" PRIu64
						  " is outside %" PRIu64 "..%" PRIu64,
						  def->name, def->def_u64, def->min, def->max);
		if (def->pow2 && !is_pow2(def->def_u64))
			return iommusim_error_set(err, -EINVAL,
						  "parameter %s: default %" PRIu64
						  " is not a power of two",
						  def->name, def->def_u64);
		return 0;
	case IOMMUSIM_PARAM_DOUBLE:
		if (!isfinite(def->dmin) || !isfinite(def->dmax) || !isfinite(def->def_double) ||
		    def->dmin > def->dmax || def->def_double < def->dmin ||
		    def->def_double > def->dmax)
			return iommusim_error_set(err, -EINVAL,
						  "parameter %s: default %g / range %g..%g are not "
						  "finite and ordered",
						  def->name, def->def_double, def->dmin, def->dmax);
		return 0;
	case IOMMUSIM_PARAM_ENUM:
		while (def->choices && def->choices[nchoices])
			nchoices++;
		if (!nchoices)
			return iommusim_error_set(err, -EINVAL, "parameter %s: enum without choices",
						  def->name);
		if (def->def_u64 >= nchoices)
			return iommusim_error_set(err, -EINVAL,
						  "parameter %s: default index %" PRIu64
						  " but only %zu choices",
						  def->name, def->def_u64, nchoices);
		return 0;
	case IOMMUSIM_PARAM_STRING:
		return 0;
	}
	return iommusim_error_set(err, -EINVAL, "parameter %s: unknown type %d", def->name,
				  (int)def->type);
}

static int cmp_def_ptr(const void *a, const void *b)
{
	const iommusim_param_def_t *const *x = a, *const *y = b;
	return strcmp((*x)->name, (*y)->name);
}

int iommusim_params_add(iommusim_params_t *ps, const iommusim_component_t *comp,
			iommusim_error_t *err)
{
	const iommusim_param_def_t **sorted;
	param_slot_t *fresh = NULL, *merged = NULL;
	size_t i, j, o;
	int rc = 0;

	if (!ps || !comp || !comp->name || (comp->nparams && !comp->params))
		return iommusim_error_set(err, -EINVAL, "params_add: no set or no component");
	for (i = 0; i < ps->ncomps; i++) {
		if (ps->comps[i] == comp)
			return 0;
		if (strcmp(ps->comps[i]->name, comp->name) == 0)
			return iommusim_error_set(err, -EEXIST,
						  "component %s: a different component of that name "
						  "is already in the set",
						  comp->name);
	}
	for (i = 0; i < comp->nparams; i++) {
		rc = check_def(comp, &comp->params[i], err);
		if (rc)
			return rc;
	}

	/* Sort the new definitions, then check them against each other and against the set
	 * before changing anything, so a failed add leaves the set as it was. */
	sorted = malloc((comp->nparams ? comp->nparams : 1) * sizeof(*sorted));
	if (!sorted)
		return iommusim_error_set(err, -ENOMEM, "component %s: out of memory", comp->name);
	for (i = 0; i < comp->nparams; i++)
		sorted[i] = &comp->params[i];
	qsort(sorted, comp->nparams, sizeof(*sorted), cmp_def_ptr);
	for (i = 0; i < comp->nparams; i++) {
		if (i && strcmp(sorted[i - 1]->name, sorted[i]->name) == 0) {
			rc = iommusim_error_set(err, -EINVAL,
						"component %s: parameter %s is listed twice",
						comp->name, sorted[i]->name);
			goto out;
		}
		if (slot_find(ps, sorted[i]->name)) {
			rc = iommusim_error_set(err, -EEXIST,
						"component %s: parameter %s already belongs to "
						"another component of the set",
						comp->name, sorted[i]->name);
			goto out;
		}
	}

	if (ps->ncomps == ps->capcomps) {
		size_t cap = ps->capcomps ? 2 * ps->capcomps : 8;
		const iommusim_component_t **c = realloc(ps->comps, cap * sizeof(*c));
		if (!c) {
			rc = iommusim_error_set(err, -ENOMEM, "component %s: out of memory",
						comp->name);
			goto out;
		}
		ps->comps = c;
		ps->capcomps = cap;
	}
	fresh = calloc(comp->nparams + 1, sizeof(*fresh));
	merged = calloc(ps->n + comp->nparams + 1, sizeof(*merged));
	if (!fresh || !merged)
		goto nomem;
	for (i = 0; i < comp->nparams; i++) {
		const iommusim_param_def_t *def = sorted[i];

		fresh[i].def = def;
		fresh[i].u = def->def_u64;
		fresh[i].d = def->def_double;
		if (def->type == IOMMUSIM_PARAM_STRING) {
			fresh[i].s = strdup(def->def_string ? def->def_string : "");
			if (!fresh[i].s)
				goto nomem;
		}
	}
	/* Both runs are sorted and disjoint: merge them. */
	for (i = 0, j = 0, o = 0; i < ps->n || j < comp->nparams; o++) {
		if (j == comp->nparams ||
		    (i < ps->n && strcmp(ps->slots[i].def->name, fresh[j].def->name) < 0))
			merged[o] = ps->slots[i++];
		else
			merged[o] = fresh[j++];
	}
	free(ps->slots);
	ps->slots = merged;
	ps->n += comp->nparams;
	ps->comps[ps->ncomps++] = comp;
	free(fresh);
	free(sorted);
	return 0;

nomem:
	for (i = 0; fresh && i < comp->nparams; i++)
		free(fresh[i].s);
	free(fresh);
	free(merged);
	rc = iommusim_error_set(err, -ENOMEM, "component %s: out of memory", comp->name);
out:
	free(sorted);
	return rc;
}

int iommusim_params_set(iommusim_params_t *ps, const char *key, const char *value,
			iommusim_error_t *err)
{
	param_slot_t *slot;
	char *text;
	uint64_t u = 0;
	double d = 0;
	int rc;

	if (!ps || !key || !value)
		return iommusim_error_set(err, -EINVAL, "params_set: missing set, key or value");
	slot = slot_find(ps, key);
	if (!slot)
		return unknown_key(ps, key, err);
	if (slot->def->type == IOMMUSIM_PARAM_STRING) {
		/* Strings are taken verbatim: white space may be meaningful. */
		text = strdup(value);
		if (!text)
			return iommusim_error_set(err, -ENOMEM, "parameter %s: out of memory", key);
		free(slot->s);
		slot->s = text;
		return 0;
	}
	text = dup_trimmed(value, strlen(value));
	if (!text)
		return iommusim_error_set(err, -ENOMEM, "parameter %s: out of memory", key);
	rc = parse_value(slot->def, text, &u, &d, err);
	free(text);
	if (rc)
		return rc;
	slot->u = u;
	slot->d = d;
	return 0;
}

int iommusim_params_set_kv(iommusim_params_t *ps, const char *kv, iommusim_error_t *err)
{
	char q[PARAM_QUOTE_MAX + 8];
	const char *eq;
	char *key;
	int rc;

	if (!ps || !kv)
		return iommusim_error_set(err, -EINVAL, "params_set_kv: missing set or text");
	eq = strchr(kv, '=');
	if (!eq)
		return iommusim_error_set(err, -EINVAL,
					  "\"%s\" is not key=value (e.g. vtd.iotlb.sets=64)",
					  quote(q, sizeof(q), kv));
	key = dup_trimmed(kv, (size_t)(eq - kv));
	if (!key)
		return iommusim_error_set(err, -ENOMEM, "params_set_kv: out of memory");
	if (!*key)
		rc = iommusim_error_set(err, -EINVAL, "\"%s\" has no key before '='",
					quote(q, sizeof(q), kv));
	else
		rc = iommusim_params_set(ps, key, eq + 1, err);
	free(key);
	return rc;
}

/* ---- getters ----------------------------------------------------------------------------- */

/* Finds name for a getter expecting type; records a misuse (first one wins) otherwise. */
static const param_slot_t *get_slot(const iommusim_params_t *ps, const char *name,
				    iommusim_param_type_t type)
{
	const param_slot_t *slot;

	if (!ps)
		return NULL;
	slot = slot_find(ps, name);
	if (!slot) {
		if (!ps->misuse->code) {
			if (name)
				unknown_key(ps, name, ps->misuse);
			else
				iommusim_error_set(ps->misuse, -ENOENT, "parameter getter without a name");
		}
		return NULL;
	}
	if (slot->def->type != type) {
		if (!ps->misuse->code)
			iommusim_error_set(ps->misuse, -EINVAL,
					   "parameter %s is a %s but was read as a %s", name,
					   type_name(slot->def->type), type_name(type));
		return NULL;
	}
	return slot;
}

bool iommusim_params_bool(const iommusim_params_t *ps, const char *name)
{
	const param_slot_t *s = get_slot(ps, name, IOMMUSIM_PARAM_BOOL);
	return s ? s->u != 0 : false;
}

uint64_t iommusim_params_u64(const iommusim_params_t *ps, const char *name)
{
	const param_slot_t *s = get_slot(ps, name, IOMMUSIM_PARAM_U64);
	return s ? s->u : 0;
}

double iommusim_params_double(const iommusim_params_t *ps, const char *name)
{
	const param_slot_t *s = get_slot(ps, name, IOMMUSIM_PARAM_DOUBLE);
	return s ? s->d : 0.0;
}

unsigned iommusim_params_enum(const iommusim_params_t *ps, const char *name)
{
	const param_slot_t *s = get_slot(ps, name, IOMMUSIM_PARAM_ENUM);
	return s ? (unsigned)s->u : 0;
}

const char *iommusim_params_string(const iommusim_params_t *ps, const char *name)
{
	const param_slot_t *s = get_slot(ps, name, IOMMUSIM_PARAM_STRING);
	return s ? s->s : "";
}

bool iommusim_params_has(const iommusim_params_t *ps, const char *name)
{
	return slot_find(ps, name) != NULL;
}

bool iommusim_params_is_set(const iommusim_params_t *ps, const char *name)
{
	const param_slot_t *s = slot_find(ps, name);

	if (!s)
		return false;
	switch (s->def->type) {
	case IOMMUSIM_PARAM_BOOL:
	case IOMMUSIM_PARAM_U64:
	case IOMMUSIM_PARAM_ENUM:
		return s->u != s->def->def_u64;
	case IOMMUSIM_PARAM_DOUBLE:
		return s->d != s->def->def_double;
	case IOMMUSIM_PARAM_STRING:
		return strcmp(s->s, s->def->def_string ? s->def->def_string : "") != 0;
	}
	return false;
}

int iommusim_params_check(const iommusim_params_t *ps, iommusim_error_t *err)
{
	if (!ps)
		return iommusim_error_set(err, -EINVAL, "params_check: no set");
	if (!ps->misuse->code)
		return 0;
	return iommusim_error_set(err, ps->misuse->code, "%s", ps->misuse->msg);
}

/* ---- output ------------------------------------------------------------------------------ */

int iommusim_params_format(const iommusim_params_t *ps, const char *name, char *buf, size_t len)
{
	const param_slot_t *s;
	int w;

	if (!buf || !len)
		return -EINVAL;
	buf[0] = '\0';
	s = slot_find(ps, name);
	if (!s)
		return -ENOENT;
	w = format_value(s->def, s->u, s->d, s->s, buf, len);
	if (w < 0)
		return -EINVAL;
	return (size_t)w >= len ? -ENOSPC : 0;
}

typedef struct help_row {
	char def[64];
	char range[256];
} help_row_t;

static size_t max_size(size_t a, size_t b)
{
	return a > b ? a : b;
}

void iommusim_param_print_help(FILE *out, const iommusim_component_t *comp)
{
	size_t wname = 4, wtype = 4, wdef = 7, wrange = 5, wunit = 4;
	help_row_t *rows;

	if (!out || !comp)
		return;
	fprintf(out, "%s: %s\n", comp->name ? comp->name : "?", comp->help ? comp->help : "");
	if (!comp->nparams || !comp->params)
		return;
	rows = calloc(comp->nparams, sizeof(*rows));
	if (!rows)
		return;
	for (size_t i = 0; i < comp->nparams; i++) {
		const iommusim_param_def_t *d = &comp->params[i];
		bool enum_ok = d->type != IOMMUSIM_PARAM_ENUM || !d->choices;
		size_t nchoices = 0;

		while (d->choices && d->choices[nchoices])
			nchoices++;
		if (d->type == IOMMUSIM_PARAM_ENUM)
			enum_ok = d->def_u64 < nchoices;
		if (enum_ok)
			format_value(d, d->def_u64, d->def_double, d->def_string, rows[i].def,
				     sizeof(rows[i].def));
		else
			snprintf(rows[i].def, sizeof(rows[i].def), "?");
		describe_range(d, rows[i].range, sizeof(rows[i].range));
		wname = max_size(wname, strlen(d->name ? d->name : "?"));
		wtype = max_size(wtype, strlen(type_name(d->type)));
		wdef = max_size(wdef, strlen(rows[i].def));
		wrange = max_size(wrange, strlen(rows[i].range));
		wunit = max_size(wunit, strlen(d->unit ? d->unit : "-"));
	}
	fprintf(out, "  %-*s  %-*s  %-*s  %-*s  %-*s  %s\n", (int)wname, "NAME", (int)wtype,
		"TYPE", (int)wdef, "DEFAULT", (int)wrange, "RANGE", (int)wunit, "UNIT", "HELP");
	for (size_t i = 0; i < comp->nparams; i++) {
		const iommusim_param_def_t *d = &comp->params[i];
		fprintf(out, "  %-*s  %-*s  %-*s  %-*s  %-*s  %s\n", (int)wname,
			d->name ? d->name : "?", (int)wtype, type_name(d->type), (int)wdef,
			rows[i].def, (int)wrange, rows[i].range, (int)wunit,
			d->unit ? d->unit : "-", d->help ? d->help : "");
	}
	free(rows);
}

/* json_int_t is signed: values above INT64_MAX become reals (nearest double). */
static json_t *json_u64(uint64_t v)
{
	if (v <= (uint64_t)INT64_MAX)
		return json_integer((json_int_t)v);
	return json_real((double)v);
}

char *iommusim_params_to_json(const iommusim_params_t *ps)
{
	json_t *root;
	char *text;

	if (!ps)
		return NULL;
	root = json_object();
	if (!root)
		return NULL;
	for (size_t i = 0; i < ps->n; i++) {
		const param_slot_t *s = &ps->slots[i];
		json_t *v = NULL;

		switch (s->def->type) {
		case IOMMUSIM_PARAM_BOOL:
			v = json_boolean(s->u);
			break;
		case IOMMUSIM_PARAM_U64:
			v = json_u64(s->u);
			break;
		case IOMMUSIM_PARAM_DOUBLE:
			v = json_real(s->d);
			break;
		case IOMMUSIM_PARAM_ENUM:
			v = json_string(s->def->choices[s->u]);
			break;
		case IOMMUSIM_PARAM_STRING:
			/* Not valid UTF-8 cannot be a JSON string; keep the document valid. */
			v = json_string(s->s);
			if (!v)
				v = json_null();
			break;
		}
		if (!v || json_object_set_new(root, s->def->name, v)) {
			json_decref(root);
			return NULL;
		}
	}
	text = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(root);
	return text;
}
