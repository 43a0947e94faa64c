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

#include "iommusim/param.h"

/* Values are quoted in messages up to this many characters, so a message stays one line. */
#define PARAM_QUOTE_MAX 64
/* Names longer than this are never compared for "did you mean" (cost is quadratic). */
#define PARAM_SUGGEST_MAX_LEN 96

typedef struct param_slot {
	const iommusim_param_def_t *def;
	uint64_t u;     /* BOOL (0/1), U64, ENUM (index) */
	double d;       /* DOUBLE */
	char *s;        /* STRING: owned, never NULL */
} param_slot_t;

struct iommusim_params {
	param_slot_t *slots;                   /* sorted by def->name (strcmp) */
	size_t n, cap;
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

/* Optimal-string-alignment edit distance (insert, delete, substitute, swap neighbours),
 * or SIZE_MAX if either string is too long to bother with. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t r0[PARAM_SUGGEST_MAX_LEN + 1], r1[PARAM_SUGGEST_MAX_LEN + 1],
		r2[PARAM_SUGGEST_MAX_LEN + 1];
	size_t *pp = r0, *p = r1, *c = r2;

	if (la > PARAM_SUGGEST_MAX_LEN || lb > PARAM_SUGGEST_MAX_LEN)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		p[j] = j;
	for (size_t i = 1; i <= la; i++) {
		c[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t v = p[j - 1] + cost;
			if (p[j] + 1 < v)
				v = p[j] + 1;
			if (c[j - 1] + 1 < v)
				v = c[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			c[j] = v;
		}
		size_t *t = pp;
		pp = p;
		p = c;
		c = t;
	}
	return p[lb];
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
		size_t d = edit_distance(key, name);

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

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

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
		int dv = digit_value(*s);
		if (dv >= (int)base)
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

/* "allowed 1..64 entries, power of two" */
static void describe_allowed(const iommusim_param_def_t *def, char *buf, size_t len)
{
	char r[256];

	describe_range(def, r, sizeof(r));
	if (def->type == IOMMUSIM_PARAM_ENUM)
		snprintf(buf, len, "one of %s", r);
	else if (def->unit && (def->type == IOMMUSIM_PARAM_U64 ||
			       def->type == IOMMUSIM_PARAM_DOUBLE))
		snprintf(buf, len, "allowed %s (%s)", r, def->unit);
	else
		snprintf(buf, len, "allowed %s", r);
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
		if (*u < def->min || *u > def->max)
			return iommusim_error_set(err, -ERANGE,
						  "parameter %s: %" PRIu64 " is out of range (%s)",
						  def->name, *u, allowed);
		if (def->pow2 && !is_pow2(*u)) {
			/* *u >= 1 here: 0 is not a power of two but fails the msb test below */
			uint64_t below = *u ? (uint64_t)1 << (63 - __builtin_clzll(*u)) : 1;
			if (*u)
				return iommusim_error_set(
					err, -EINVAL,
					"parameter %s: %" PRIu64 " is not a power of two "
					"(nearest: %" PRIu64 "%s%.0" PRIu64 "; %s)",
					def->name, *u, below, below < (UINT64_MAX >> 1) ? " or " : "",
					below < (UINT64_MAX >> 1) ? below << 1 : 0, allowed);
			return iommusim_error_set(err, -EINVAL,
						  "parameter %s: 0 is not a power of two (%s)",
						  def->name, allowed);
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
