/* SPDX-License-Identifier: MIT */
/*
 * The text form of a traffic configuration (include/iommusim/traffic.h, docs/traffic.md):
 * blank-separated key=value pairs, parsed into an iommusim_traffic_cfg_t, and the canonical
 * text written back. Numbers follow the stream format (decimal, 0x hex, decimal with one of
 * K M G T = x1024); rates use SI prefixes (x1000); theta is a decimal with up to 6 places.
 * Nothing here uses strtod or the locale: the same text gives the same configuration
 * everywhere.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iommusim/text.h"
#include "models/endpoint/traffic_priv.h"

#define P(x) (1u << IOMMUSIM_TRAFFIC_##x)
#define ALLP (P(SEQ) | P(STRIDE) | P(RANDOM) | P(ZIPF) | P(NIC) | P(STORAGE))

typedef enum key_kind { KV_PATTERN, KV_NUM, KV_BOOL, KV_PCT, KV_RATE, KV_THETA } key_kind_t;

typedef enum key_id {
	K_PATTERN, K_BASE, K_SPAN, K_SIZE, K_STRIDE, K_BLOCK, K_ALIGN, K_THETA, K_PAGES, K_PAGE,
	K_QUEUES, K_RING, K_PKT, K_BUF, K_WINDOW, K_DESC, K_CQE, K_RINGS, K_BUFS, K_UVA, K_SEED,
	K_WRITE, K_WRITE_PCT, K_COUNT, K_RATE, K_NKEYS
} key_id_t;

typedef struct key_def {
	const char *name;
	key_kind_t kind;
	unsigned patterns;     /* bit per pattern that uses the key */
	uint64_t min, max;     /* KV_NUM, KV_PCT: checked here for the fields narrower than 64
				  bits; the others are checked by iommusim_traffic_cfg_check */
} key_def_t;

/* The enum order is the order of the canonical text. */
static const key_def_t keys[K_NKEYS] = {
	[K_PATTERN] = { "pattern", KV_PATTERN, ALLP, 0, 0 },
	[K_BASE] = { "base", KV_NUM, ALLP, 0, UINT64_MAX },
	[K_SPAN] = { "span", KV_NUM, P(SEQ) | P(STRIDE) | P(RANDOM) | P(STORAGE), 0, UINT64_MAX },
	[K_SIZE] = { "size", KV_NUM, P(SEQ) | P(STRIDE) | P(RANDOM) | P(ZIPF), 0, UINT64_MAX },
	[K_STRIDE] = { "stride", KV_NUM, P(STRIDE), 0, UINT64_MAX },
	[K_BLOCK] = { "block", KV_NUM, P(STORAGE), 0, UINT64_MAX },
	[K_ALIGN] = { "align", KV_NUM, P(RANDOM) | P(STORAGE), 0, UINT64_MAX },
	[K_THETA] = { "theta", KV_THETA, P(ZIPF), 0, 0 },
	[K_PAGES] = { "pages", KV_NUM, P(ZIPF), 0, UINT64_MAX },
	[K_PAGE] = { "page", KV_NUM, P(ZIPF) | P(NIC) | P(STORAGE), 0, UINT64_MAX },
	[K_QUEUES] = { "queues", KV_NUM, P(NIC), 1, IOMMUSIM_TRAFFIC_MAX_QUEUES },
	[K_RING] = { "ring", KV_NUM, P(NIC), 1, IOMMUSIM_TRAFFIC_MAX_RING },
	[K_PKT] = { "pkt", KV_NUM, P(NIC), 0, UINT64_MAX },
	[K_BUF] = { "buf", KV_NUM, P(NIC), 0, UINT64_MAX },
	[K_WINDOW] = { "window", KV_NUM, P(NIC), 0, UINT64_MAX },
	[K_DESC] = { "desc", KV_NUM, P(NIC), 0, UINT64_MAX },
	[K_CQE] = { "cqe", KV_NUM, P(NIC), 0, UINT64_MAX },
	[K_RINGS] = { "rings", KV_NUM, P(NIC), 0, UINT64_MAX },
	[K_BUFS] = { "bufs", KV_NUM, P(STORAGE), 1, IOMMUSIM_TRAFFIC_MAX_BUFS },
	[K_UVA] = { "uva", KV_NUM, P(NIC) | P(STORAGE), 0, UINT64_MAX },
	[K_SEED] = { "seed", KV_NUM, P(RANDOM) | P(ZIPF) | P(STORAGE), 0, UINT64_MAX },
	[K_WRITE] = { "write", KV_BOOL, ALLP & ~P(NIC), 0, 0 },
	[K_WRITE_PCT] = { "write_pct", KV_PCT, P(RANDOM) | P(ZIPF) | P(STORAGE), 0, 100 },
	[K_COUNT] = { "count", KV_NUM, ALLP, 0, UINT64_MAX },
	[K_RATE] = { "rate", KV_RATE, ALLP, 0, 0 },
};

/* parse_kv keeps the keys it saw as bits of an unsigned. */
_Static_assert(K_NKEYS <= 32, "more keys than bits in parse_kv's seen mask");

/* Longest key or value quoted in a message. */
#define QUOTE_MAX 48
#define MAX_ARGS  64

static const char pattern_list[] = "seq, stride, random, zipf, nic, storage";

/* The keys of a pattern, for messages: "pattern base span ...". */
static void pattern_keys(unsigned pattern, char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = '\0';
	for (int k = 0; k < K_NKEYS; k++) {
		if (!(keys[k].patterns & (1u << pattern)))
			continue;
		int w = snprintf(buf + n, len - n, "%s%s", n ? " " : "", keys[k].name);
		if (w < 0 || (size_t)w >= len - n)
			break;
		n += (size_t)w;
	}
}

static int find_key(const char *name)
{
	for (int k = 0; k < K_NKEYS; k++)
		if (strcmp(keys[k].name, name) == 0)
			return k;
	return -1;
}

/* The closest name of list within two edits (ties: the first), or NULL. */
static const char *closest(const char *word, const char *const *list, size_t n)
{
	const char *best = NULL;
	size_t bd = 3;
	for (size_t i = 0; i < n; i++) {
		size_t d = iommusim_strdist(word, list[i]);
		if (d < bd) {
			bd = d;
			best = list[i];
		}
	}
	return best;
}

static int unknown_key(iommusim_error_t *err, const char *key)
{
	const char *names[K_NKEYS];
	char list[256];
	size_t n = 0;

	for (int k = 0; k < K_NKEYS; k++)
		names[k] = keys[k].name;
	const char *s = closest(key, names, K_NKEYS);
	if (s)
		return iommusim_error_set(err, -EINVAL, "unknown key '%.*s'; did you mean '%s'?",
					  QUOTE_MAX, key, s);
	list[0] = '\0';
	for (int k = 0; k < K_NKEYS && n < sizeof(list); k++) {
		int w = snprintf(list + n, sizeof(list) - n, "%s%s", k ? " " : "", keys[k].name);
		if (w > 0)
			n += (size_t)w;
	}
	return iommusim_error_set(err, -EINVAL, "unknown key '%.*s' (the keys: %s)", QUOTE_MAX,
				  key, list);
}

/* ---- values --------------------------------------------------------------------------------- */

/* A number as the stream writes one: decimal, 0x hex, or decimal with one suffix K M G T. */
static int parse_num(const char *key, const char *v, uint64_t *out, iommusim_error_t *err)
{
	const char *p = v;
	uint64_t x = 0;

	if (v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
		p = v + 2;
		if (!*p)
			goto bad;
		for (; *p; p++) {
			int d = iommusim_hex_digit((unsigned char)*p);
			if (d < 0)
				goto bad;
			if (x > (UINT64_MAX >> 4))
				goto range;
			x = (x << 4) | (uint64_t)d;
		}
		*out = x;
		return 0;
	}
	if (*p < '0' || *p > '9')
		goto bad;
	for (; *p >= '0' && *p <= '9'; p++) {
		uint64_t d = (uint64_t)(*p - '0');
		if (x > (UINT64_MAX - d) / 10)
			goto range;
		x = x * 10 + d;
	}
	if (*p) {
		static const char suf[] = "KMGT";
		const char *s = p[1] ? NULL : strchr(suf, *p);
		if (!s || !*s) {
			if (p[1] == '\0' && strchr("kmgt", *p))
				return iommusim_error_set(err, -EINVAL,
							  "%s=%.*s: size suffixes are upper case (K M G T, "
							  "x1024)", key, QUOTE_MAX, v);
			goto bad;
		}
		unsigned shift = 10u * (unsigned)(s - suf + 1);
		if (x > (UINT64_MAX >> shift))
			goto range;
		x <<= shift;
	}
	*out = x;
	return 0;
bad:
	return iommusim_error_set(err, -EINVAL,
				  "%s=%.*s is not a number (decimal, 0x hex, or decimal with one "
				  "suffix K M G T = x1024)", key, QUOTE_MAX, v);
range:
	return iommusim_error_set(err, -ERANGE, "%s=%.*s is too large (above 2^64 - 1)", key,
				  QUOTE_MAX, v);
}

static int parse_bool(const char *key, const char *v, bool *out, iommusim_error_t *err)
{
	static const char *const yes[] = { "1", "true", "on", "yes" };
	static const char *const no[] = { "0", "false", "off", "no" };
	for (size_t i = 0; i < 4; i++) {
		if (strcmp(v, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcmp(v, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return iommusim_error_set(err, -EINVAL, "%s=%.*s is not a boolean (0/1, true/false, "
				  "on/off, yes/no)", key, QUOTE_MAX, v);
}

/* Decimal digits with an optional fraction: *mant = all digits as an integer, *places the
 * digits after the point. Returns the end, or NULL when malformed; *overflow is set when the
 * digits do not fit 64 bits. */
static const char *parse_decimal(const char *v, uint64_t *mant, unsigned *places, bool *overflow)
{
	uint64_t m = 0;
	unsigned nd = 0, pl = 0;
	bool point = false;
	const char *p = v;

	*overflow = false;
	if (*p < '0' || *p > '9')
		return NULL;   /* a digit first: ".5" and "-1" are not numbers */
	for (;; p++) {
		if (*p == '.' && !point) {
			point = true;
			continue;
		}
		if (*p < '0' || *p > '9')
			break;
		uint64_t d = (uint64_t)(*p - '0');
		if (m > (UINT64_MAX - d) / 10) {
			*overflow = true;
			return NULL;
		}
		m = m * 10 + d;
		nd++;
		if (point)
			pl++;
	}
	if (nd == 0 || (point && pl == 0))
		return NULL;
	*mant = m;
	*places = pl;
	return p;
}

/* theta: 0 .. 10 with up to 6 decimal places, kept in millionths. */
static int parse_theta(const char *v, uint32_t *ppm, iommusim_error_t *err)
{
	uint64_t m = 0;
	unsigned pl = 0;
	bool over;
	const char *end = parse_decimal(v, &m, &pl, &over);

	if (over)
		return iommusim_error_set(err, -ERANGE, "theta=%.*s is out of range: 0 .. 10",
					  QUOTE_MAX, v);
	if (!end || *end)
		return iommusim_error_set(err, -EINVAL, "theta=%.*s is not a decimal number from 0 "
					  "to 10 (such as 0.99)", QUOTE_MAX, v);
	if (pl > 6)
		return iommusim_error_set(err, -EINVAL, "theta=%.*s has more than 6 decimal places",
					  QUOTE_MAX, v);
	/* with at most 6 places, digits above 10^7 mean a value above 10 (and could overflow
	 * the scaling below) */
	if (m > IOMMUSIM_TRAFFIC_MAX_THETA_PPM)
		return iommusim_error_set(err, -ERANGE, "theta=%.*s is out of range: 0 .. 10",
					  QUOTE_MAX, v);
	for (unsigned i = pl; i < 6; i++)
		m *= 10;
	if (m > IOMMUSIM_TRAFFIC_MAX_THETA_PPM)
		return iommusim_error_set(err, -ERANGE, "theta=%.*s is out of range: 0 .. 10",
					  QUOTE_MAX, v);
	*ppm = (uint32_t)m;
	return 0;
}

typedef struct rate_unit {
	const char *name;
	iommusim_traffic_rate_unit_t unit;
	unsigned mult;         /* bits per unit of the text (8 for bytes) */
} rate_unit_t;

static const rate_unit_t rate_units[] = {
	{ "b/s", IOMMUSIM_TRAFFIC_RATE_BPS, 1 },  { "bps", IOMMUSIM_TRAFFIC_RATE_BPS, 1 },
	{ "B/s", IOMMUSIM_TRAFFIC_RATE_BPS, 8 },  { "Bps", IOMMUSIM_TRAFFIC_RATE_BPS, 8 },
	{ "op/s", IOMMUSIM_TRAFFIC_RATE_UPS, 1 }, { "ops", IOMMUSIM_TRAFFIC_RATE_UPS, 1 },
};

static const rate_unit_t *find_rate_unit(const char *s)
{
	for (size_t i = 0; i < sizeof(rate_units) / sizeof(rate_units[0]); i++)
		if (strcmp(s, rate_units[i].name) == 0)
			return &rate_units[i];
	return NULL;
}

/* rate: "0", or a decimal, an optional SI prefix and a unit. */
static int parse_rate(const char *v, iommusim_traffic_cfg_t *cfg, iommusim_error_t *err)
{
	uint64_t m = 0;
	unsigned pl = 0;
	bool over;

	if (strcmp(v, "0") == 0) {
		cfg->rate_unit = IOMMUSIM_TRAFFIC_RATE_NONE;
		cfg->rate = 0;
		return 0;
	}
	const char *end = parse_decimal(v, &m, &pl, &over);
	if (over)
		return iommusim_error_set(err, -ERANGE, "rate=%.*s has too many digits (they must "
					  "fit 64 bits)", QUOTE_MAX, v);
	if (!end)
		return iommusim_error_set(err, -EINVAL,
					  "rate=%.*s does not start with a number (such as 10Gb/s, "
					  "1.25GB/s, 2Mop/s; rate=0 for unpaced)", QUOTE_MAX, v);
	traffic_u128 scale = 1;
	const rate_unit_t *u = find_rate_unit(end);
	if (!u && *end) {
		static const char prefixes[] = "kKMGT";
		static const unsigned pow10[] = { 3, 3, 6, 9, 12 };
		const char *pp = strchr(prefixes, *end);
		if (pp && *pp) {
			u = find_rate_unit(end + 1);
			for (unsigned i = 0; i < pow10[pp - prefixes]; i++)
				scale *= 10;
		}
	}
	if (!u)
		return iommusim_error_set(err, -EINVAL,
					  "rate=%.*s: unknown unit '%.*s' (b/s bps B/s Bps op/s ops, "
					  "with an optional prefix k K M G T = x1000)", QUOTE_MAX, v,
					  QUOTE_MAX, end);
	traffic_u128 num = (traffic_u128)m * scale * u->mult;   /* < 2^64 * 10^12 * 8 */
	traffic_u128 den = 1;
	for (unsigned i = 0; i < pl; i++)
		den *= 10;
	if (num % den)
		return iommusim_error_set(err, -EINVAL,
					  "rate=%.*s is not a whole number of %s per second",
					  QUOTE_MAX, v,
					  u->unit == IOMMUSIM_TRAFFIC_RATE_BPS ? "bits" : "units");
	num /= den;
	if (num == 0)
		return iommusim_error_set(err, -ERANGE,
					  "rate=%.*s is zero; write rate=0 for unpaced traffic",
					  QUOTE_MAX, v);
	if (num > UINT64_MAX)
		return iommusim_error_set(err, -ERANGE, "rate=%.*s is too large (above 2^64 - 1 %s "
					  "per second)", QUOTE_MAX, v,
					  u->unit == IOMMUSIM_TRAFFIC_RATE_BPS ? "bits" : "units");
	cfg->rate_unit = u->unit;
	cfg->rate = (uint64_t)num;
	return 0;
}

static int parse_pattern(const char *v, iommusim_traffic_pattern_t *out, iommusim_error_t *err)
{
	const char *names[IOMMUSIM_TRAFFIC_NPATTERNS];
	for (unsigned p = 0; p < IOMMUSIM_TRAFFIC_NPATTERNS; p++) {
		names[p] = iommusim_traffic_pattern_name((iommusim_traffic_pattern_t)p);
		if (strcmp(v, names[p]) == 0) {
			*out = (iommusim_traffic_pattern_t)p;
			return 0;
		}
	}
	const char *s = closest(v, names, IOMMUSIM_TRAFFIC_NPATTERNS);
	return iommusim_error_set(err, -EINVAL, "pattern=%.*s is not one of %s%s%s%s", QUOTE_MAX, v,
				  pattern_list, s ? "; did you mean '" : "", s ? s : "",
				  s ? "'?" : "");
}

/* Applies one known, applicable key. */
static int apply(iommusim_traffic_cfg_t *cfg, key_id_t k, const char *v, iommusim_error_t *err)
{
	const key_def_t *d = &keys[k];
	uint64_t x = 0;
	bool b = false;
	int rc;

	switch (d->kind) {
	case KV_PATTERN:
		return 0;   /* applied first */
	case KV_BOOL:
		if ((rc = parse_bool(d->name, v, &b, err)))
			return rc;
		cfg->write_pct = b ? 100 : 0;
		return 0;
	case KV_THETA:
		return parse_theta(v, &cfg->theta_ppm, err);
	case KV_RATE:
		return parse_rate(v, cfg, err);
	case KV_PCT:
	case KV_NUM:
		if ((rc = parse_num(d->name, v, &x, err)))
			return rc;
		if (x < d->min || x > d->max)
			return iommusim_error_set(err, -ERANGE,
						  "%s=%.*s is out of range: %" PRIu64 " .. %" PRIu64,
						  d->name, QUOTE_MAX, v, d->min, d->max);
		break;
	}
	switch (k) {
	case K_BASE: cfg->base = x; break;
	case K_COUNT: cfg->count = x; break;
	case K_SPAN: cfg->span = x; break;
	case K_SIZE: cfg->size = x; break;
	case K_STRIDE: cfg->stride = x; break;
	case K_ALIGN: cfg->align = x; break;
	case K_SEED: cfg->seed = x; break;
	case K_WRITE_PCT: cfg->write_pct = (unsigned)x; break;
	case K_PAGES: cfg->pages = x; break;
	case K_PAGE: cfg->page = x; break;
	case K_QUEUES: cfg->queues = (unsigned)x; break;
	case K_RING: cfg->ring = (unsigned)x; break;
	case K_PKT: cfg->pkt = x; break;
	case K_BUF: cfg->buf = x; break;
	case K_WINDOW: cfg->window = x; break;
	case K_DESC: cfg->desc = x; break;
	case K_CQE: cfg->cqe = x; break;
	case K_RINGS: cfg->rings = x; break;
	case K_BLOCK: cfg->block = x; break;
	case K_BUFS: cfg->bufs = (unsigned)x; break;
	case K_UVA: cfg->uva = x; break;
	default: break;
	}
	return 0;
}

int iommusim_traffic_parse_kv(size_t n, const char *const k[], const char *const v[],
			      iommusim_traffic_cfg_t *cfg, iommusim_error_t *err)
{
	int ids[MAX_ARGS];
	unsigned seen = 0;
	int pattern_at = -1;
	int rc;

	if (!cfg || (n && (!k || !v)))
		return iommusim_error_set(err, -EINVAL, "traffic parse: NULL argument");
	if (n > MAX_ARGS)
		return iommusim_error_set(err, -EINVAL, "too many traffic arguments (%zu, at most %d)",
					  n, MAX_ARGS);
	/* First pass: every key known, none twice, and the pattern, wherever it is. */
	for (size_t i = 0; i < n; i++) {
		if (!k[i] || !v[i])
			return iommusim_error_set(err, -EINVAL, "traffic parse: NULL key or value");
		ids[i] = find_key(k[i]);
		if (ids[i] < 0)
			return unknown_key(err, k[i]);
		if (seen & (1u << ids[i]))
			return iommusim_error_set(err, -EINVAL, "key '%s' given twice", k[i]);
		seen |= 1u << ids[i];
		if (!v[i][0])
			return iommusim_error_set(err, -EINVAL, "%s= has no value", k[i]);
		if (ids[i] == K_PATTERN)
			pattern_at = (int)i;
	}
	if (pattern_at < 0)
		return iommusim_error_set(err, -EINVAL, "missing pattern= (one of %s)", pattern_list);
	iommusim_traffic_pattern_t pat = IOMMUSIM_TRAFFIC_SEQ;
	if ((rc = parse_pattern(v[pattern_at], &pat, err)))
		return rc;
	if ((seen & (1u << K_WRITE)) && (seen & (1u << K_WRITE_PCT)))
		return iommusim_error_set(err, -EINVAL,
					  "write= and write_pct= both given; use one (write=1 is "
					  "write_pct=100)");
	iommusim_traffic_cfg_default(cfg, pat);
	/* Second pass: the keys of the pattern, in the order given. */
	for (size_t i = 0; i < n; i++) {
		const key_def_t *d = &keys[ids[i]];
		if (!(d->patterns & (1u << pat))) {
			char list[256];
			pattern_keys(pat, list, sizeof(list));
			return iommusim_error_set(err, -EINVAL,
						  "key '%s' is not used by pattern=%s (its keys: %s)",
						  d->name, iommusim_traffic_pattern_name(pat), list);
		}
		if ((rc = apply(cfg, (key_id_t)ids[i], v[i], err)))
			return rc;
	}
	return iommusim_traffic_cfg_check(cfg, err);
}

int iommusim_traffic_parse(const char *spec, iommusim_traffic_cfg_t *cfg, iommusim_error_t *err)
{
	const char *kk[MAX_ARGS], *vv[MAX_ARGS];
	size_t n = 0;

	if (!spec || !cfg)
		return iommusim_error_set(err, -EINVAL, "traffic parse: NULL argument");
	size_t sl = strlen(spec);
	char *copy = malloc(sl + 1);
	if (copy)
		memcpy(copy, spec, sl + 1);
	if (!copy)
		return iommusim_error_set(err, -ENOMEM, "out of memory parsing a traffic spec");
	int rc = 0;
	char *p = copy;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		char *tok = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (*p)
			*p++ = '\0';
		char *eq = strchr(tok, '=');
		if (!eq || eq == tok) {
			rc = iommusim_error_set(err, -EINVAL, "'%.*s' is not key=value", QUOTE_MAX, tok);
			goto out;
		}
		if (n == MAX_ARGS) {
			rc = iommusim_error_set(err, -EINVAL, "too many traffic arguments (at most %d)",
						MAX_ARGS);
			goto out;
		}
		*eq = '\0';
		kk[n] = tok;
		vv[n] = eq + 1;
		n++;
	}
	rc = iommusim_traffic_parse_kv(n, kk, vv, cfg, err);
out:
	free(copy);
	return rc;
}

/* ---- the canonical text ------------------------------------------------------------------- */

typedef struct outbuf {
	char *buf;
	size_t len, n;   /* n: characters the full text needs so far */
} outbuf_t;

static void put(outbuf_t *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(outbuf_t *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	size_t room = o->n < o->len ? o->len - o->n : 0;
	int w = vsnprintf(room ? o->buf + o->n : NULL, room, fmt, ap);
	va_end(ap);
	if (w > 0)
		o->n += (size_t)w;
}

static void put_rate(outbuf_t *o, const iommusim_traffic_cfg_t *c)
{
	static const char prefix[] = "kMGT";
	if (c->rate_unit == IOMMUSIM_TRAFFIC_RATE_NONE) {
		put(o, "0");
		return;
	}
	uint64_t r = c->rate;
	int pi = -1;
	while (pi < 3 && r % 1000 == 0) {
		r /= 1000;
		pi++;
	}
	const char *unit = c->rate_unit == IOMMUSIM_TRAFFIC_RATE_BPS ? "b/s" : "op/s";
	if (pi >= 0)
		put(o, "%" PRIu64 "%c%s", r, prefix[pi], unit);
	else
		put(o, "%" PRIu64 "%s", r, unit);
}

int iommusim_traffic_format(const iommusim_traffic_cfg_t *cfg, char *buf, size_t len)
{
	char s[TRAFFIC_SIZE_STR_LEN];
	outbuf_t o = { buf, buf ? len : 0, 0 };

	if (!cfg || (unsigned)cfg->pattern >= IOMMUSIM_TRAFFIC_NPATTERNS)
		return -EINVAL;
	if (o.len)
		buf[0] = '\0';
	unsigned pat = cfg->pattern;
	bool mixed = cfg->write_pct != 0 && cfg->write_pct != 100;
	/* without rings the nic text stays as it was before rings existed */
	bool rings = cfg->desc || cfg->cqe;
	for (int k = 0; k < K_NKEYS; k++) {
		if (!(keys[k].patterns & (1u << pat)))
			continue;
		if ((k == K_WRITE && mixed) || (k == K_WRITE_PCT && !mixed))
			continue;
		if ((k == K_DESC || k == K_CQE || k == K_RINGS) && !rings)
			continue;
		put(&o, "%s%s=", k ? " " : "", keys[k].name);
		switch ((key_id_t)k) {
		case K_PATTERN: put(&o, "%s", iommusim_traffic_pattern_name(cfg->pattern)); break;
		case K_BASE: put(&o, "0x%" PRIx64, cfg->base); break;
		case K_UVA: put(&o, "0x%" PRIx64, cfg->uva); break;
		case K_RINGS: put(&o, "0x%" PRIx64, cfg->rings); break;
		case K_DESC: put(&o, "%s", traffic_size_str(cfg->desc, s)); break;
		case K_CQE: put(&o, "%s", traffic_size_str(cfg->cqe, s)); break;
		case K_SPAN: put(&o, "%s", traffic_size_str(cfg->span, s)); break;
		case K_SIZE: put(&o, "%s", traffic_size_str(cfg->size, s)); break;
		case K_STRIDE: put(&o, "%s", traffic_size_str(cfg->stride, s)); break;
		case K_BLOCK: put(&o, "%s", traffic_size_str(cfg->block, s)); break;
		case K_ALIGN: put(&o, "%s", traffic_size_str(cfg->align, s)); break;
		case K_PAGE: put(&o, "%s", traffic_size_str(cfg->page, s)); break;
		case K_PKT: put(&o, "%s", traffic_size_str(cfg->pkt, s)); break;
		case K_BUF: put(&o, "%s", traffic_size_str(cfg->buf, s)); break;
		case K_WINDOW: put(&o, "%s", traffic_size_str(cfg->window, s)); break;
		case K_THETA: {
			unsigned ip = cfg->theta_ppm / 1000000, fr = cfg->theta_ppm % 1000000;
			int places = 6;
			while (places > 0 && fr % 10 == 0) {
				fr /= 10;
				places--;
			}
			if (places)
				put(&o, "%u.%0*u", ip, places, fr);
			else
				put(&o, "%u", ip);
			break;
		}
		case K_PAGES: put(&o, "%" PRIu64, cfg->pages); break;
		case K_QUEUES: put(&o, "%u", cfg->queues); break;
		case K_RING: put(&o, "%u", cfg->ring); break;
		case K_BUFS: put(&o, "%u", cfg->bufs); break;
		case K_SEED: put(&o, "%" PRIu64, cfg->seed); break;
		case K_WRITE: put(&o, "%d", cfg->write_pct == 100); break;
		case K_WRITE_PCT: put(&o, "%u", cfg->write_pct); break;
		case K_COUNT: put(&o, "%" PRIu64, cfg->count); break;
		case K_RATE: put_rate(&o, cfg); break;
		default: break;
		}
	}
	return o.n > INT32_MAX ? -EINVAL : (int)o.n;
}
