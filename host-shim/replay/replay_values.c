/* SPDX-License-Identifier: MIT */
/*
 * Values the verb handlers share: byte patterns (fill=, data=), field values with flag and
 * enum names, fixed-layout records (fault-fd reads and writes), and the comparison of a
 * result with what happened (binding $names on first sight).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/replay/replay_int.h"
#include "iommusim/text.h"

/* ---- bytes ------------------------------------------------------------------------------------ */

static bool is_sep(char c)
{
	return c == ' ' || c == ':' || c == '.' || c == '-' || c == '_' || c == '\t';
}

/* Parses hex bytes; *n gets the count. buf NULL: count only. */
static int parse_hex_bytes(const stream_line_t *l, const stream_value_t *v, uint8_t *buf,
			   size_t *n, iommusim_error_t *err)
{
	const char *s = v->text;
	size_t count = 0;

	while (*s) {
		if (is_sep(*s)) {
			s++;
			continue;
		}
		int hi = iommusim_hex_digit((unsigned char)s[0]);
		int lo = hi >= 0 && s[1] ? iommusim_hex_digit((unsigned char)s[1]) : -1;
		if (hi < 0 || lo < 0)
			return stream_line_error(l, v->col, err, -EINVAL,
						 "data: '%s' is not hex bytes at offset %zu (write "
						 "pairs of hex digits: data=de:ad:be:ef or "
						 "data=\"de ad be ef\")", v->text, (size_t)(s - v->text));
		if (s[2] && !is_sep(s[2]) && iommusim_hex_digit((unsigned char)s[2]) < 0)
			return stream_line_error(l, v->col, err, -EINVAL,
						 "data: unexpected '%c' in '%s' (hex byte pairs, "
						 "separated by ' ', ':', '.', '-' or '_')", s[2], v->text);
		if (buf)
			buf[count] = (uint8_t)(hi << 4 | lo);
		count++;
		s += 2;
	}
	*n = count;
	return 0;
}

const replay_bytes_keys_t replay_bytes_src = { "fill", "data", "pattern" };
const replay_bytes_keys_t replay_bytes_expected = { "expect_fill", "expect_data", NULL };

const stream_value_t *replay_bytes_arg(const stream_line_t *l, const replay_bytes_keys_t *k)
{
	const stream_value_t *v = k->fill ? stream_line_arg(l, k->fill) : NULL;

	if (!v && k->data)
		v = stream_line_arg(l, k->data);
	if (!v && k->pattern)
		v = stream_line_arg(l, k->pattern);
	return v;
}

/* The named patterns of pattern=. */
static int pattern_check(const stream_line_t *l, const char *key, const stream_value_t *v,
			 iommusim_error_t *err)
{
	if (v->kind == STREAM_WORD && strcmp(v->text, "seq") == 0)
		return 0;
	return stream_line_error(l, v->col, err, -EINVAL,
				 "%s: the pattern is 'seq' (byte i of the transfer is i mod 256)",
				 key);
}

int replay_bytes_k(const stream_line_t *l, const stream_vars_t *vars,
		   const replay_bytes_keys_t *k, uint64_t *len, uint8_t **buf,
		   iommusim_error_t *err)
{
	const stream_value_t *fill = k->fill ? stream_line_arg(l, k->fill) : NULL;
	const stream_value_t *data = k->data ? stream_line_arg(l, k->data) : NULL;
	const stream_value_t *pat = k->pattern ? stream_line_arg(l, k->pattern) : NULL;
	uint64_t n = 0, byte = 0;
	size_t dn = 0;
	bool has_len = stream_line_arg(l, "len") != NULL;
	int rc;

	*buf = NULL;
	if (has_len) {
		rc = stream_line_get_u64(l, "len", vars, &n, err);
		if (rc)
			return rc;
		if (n == 0)
			return stream_line_error(l, stream_line_arg(l, "len")->col, err, -EINVAL,
						 "len must be at least 1");
		if (n > REPLAY_BUF_MAX)
			return stream_line_error(l, stream_line_arg(l, "len")->col, err, -E2BIG,
						 "len 0x%" PRIx64 " is larger than the %u MiB one "
						 "line may move", n, REPLAY_BUF_MAX >> 20);
	}
	*len = n;
	if ((fill != NULL) + (data != NULL) + (pat != NULL) > 1) {
		const stream_value_t *second = pat ? pat : data;
		return stream_line_error(l, second->col, err, -EINVAL,
					 "give one of %s=, %s=%s%s%s, not several", k->fill, k->data,
					 k->pattern ? " or " : "", k->pattern ? k->pattern : "",
					 k->pattern ? "=" : "");
	}
	if (!fill && !data && !pat)
		return 0;
	if (fill) {
		rc = stream_value_u64(l, k->fill, fill, vars, &byte, err);
		if (rc)
			return rc;
		if (byte > 0xff)
			return stream_line_error(l, fill->col, err, -ERANGE,
						 "%s=0x%" PRIx64 " is not a byte (0..0xff)", k->fill,
						 byte);
		if (!has_len)
			return stream_line_error(l, 0, err, -EINVAL, "%s= needs len=", k->fill);
	} else if (pat) {
		rc = pattern_check(l, k->pattern, pat, err);
		if (rc)
			return rc;
		if (!has_len)
			return stream_line_error(l, 0, err, -EINVAL, "%s= needs len=", k->pattern);
	} else {
		if (data->kind != STREAM_WORD && data->kind != STREAM_STRING)
			return stream_line_error(l, data->col, err, -EINVAL,
						 "%s: write hex bytes in memory order, "
						 "%s=de:ad:be:ef or %s=\"de ad be ef\" (a number "
						 "would lose its width and byte order)", k->data, k->data,
						 k->data);
		rc = parse_hex_bytes(l, data, NULL, &dn, err);
		if (rc)
			return rc;
		if (dn == 0)
			return stream_line_error(l, data->col, err, -EINVAL, "%s: no bytes", k->data);
		if (dn > REPLAY_BUF_MAX)
			return stream_line_error(l, data->col, err, -E2BIG, "%s: too long", k->data);
		if (!has_len)
			n = dn;
	}
	uint8_t *b = malloc(n);
	if (!b)
		return stream_line_error(l, 0, err, -ENOMEM, "out of memory for %" PRIu64 " bytes",
					 n);
	if (fill) {
		memset(b, (int)byte, n);
	} else if (pat) {
		for (uint64_t i = 0; i < n; i++)
			b[i] = (uint8_t)i;
	} else {
		uint8_t *p = malloc(dn);
		if (!p) {
			free(b);
			return stream_line_error(l, 0, err, -ENOMEM, "out of memory");
		}
		parse_hex_bytes(l, data, p, &dn, NULL);
		for (uint64_t i = 0; i < n; i++)
			b[i] = p[i % dn];
		free(p);
	}
	*len = n;
	*buf = b;
	return 1;
}

int replay_bytes(const stream_line_t *l, const stream_vars_t *vars, uint64_t *len,
		 uint8_t **buf, iommusim_error_t *err)
{
	return replay_bytes_k(l, vars, &replay_bytes_src, len, buf, err);
}

int replay_check_num(const stream_line_t *l, const char *key, bool required,
		     iommusim_error_t *err)
{
	const stream_value_t *v = stream_line_arg(l, key);
	uint64_t x;

	if (!v)
		return required ? stream_line_error(l, 0, err, -ENOENT, "missing key '%s'", key) : 0;
	if (v->kind == STREAM_REF)
		return 0;
	return stream_value_u64(l, key, v, NULL, &x, err);
}

int replay_check_bytes_k(const stream_line_t *l, const replay_bytes_keys_t *k,
			 iommusim_error_t *err)
{
	const stream_value_t *fill = k->fill ? stream_line_arg(l, k->fill) : NULL;
	const stream_value_t *data = k->data ? stream_line_arg(l, k->data) : NULL;
	const stream_value_t *pat = k->pattern ? stream_line_arg(l, k->pattern) : NULL;
	const stream_value_t *len = stream_line_arg(l, "len");
	uint8_t *buf;
	uint64_t n;
	int rc;

	if ((fill && fill->kind == STREAM_REF) || (len && len->kind == STREAM_REF)) {
		/* Values come later: check the shape only. */
		if ((fill != NULL) + (data != NULL) + (pat != NULL) > 1)
			return stream_line_error(l, (pat ? pat : data)->col, err, -EINVAL,
						 "give one of %s=, %s=%s%s, not several", k->fill,
						 k->data, k->pattern ? " or " : "",
						 k->pattern ? k->pattern : "");
		if ((fill || pat) && !len)
			return stream_line_error(l, 0, err, -EINVAL, "%s= needs len=",
						 fill ? k->fill : k->pattern);
		if (pat)
			return pattern_check(l, k->pattern, pat, err);
		if (data) {
			size_t dn;
			if (data->kind != STREAM_WORD && data->kind != STREAM_STRING)
				return stream_line_error(l, data->col, err, -EINVAL,
							 "%s: write hex bytes in memory order, "
							 "%s=de:ad:be:ef or %s=\"de ad be ef\"",
							 k->data, k->data, k->data);
			return parse_hex_bytes(l, data, NULL, &dn, err);
		}
		return 0;
	}
	rc = replay_bytes_k(l, NULL, k, &n, &buf, err);
	free(buf);
	return rc < 0 ? rc : 0;
}

int replay_check_bytes(const stream_line_t *l, iommusim_error_t *err)
{
	return replay_check_bytes_k(l, &replay_bytes_src, err);
}

bool replay_bytes_diff(const uint8_t *want, const uint8_t *got, size_t n, uint64_t base,
		       const char *unit, char *exp_s, size_t exp_len, char *got_s, size_t got_len,
		       char *note, size_t note_len)
{
	size_t first = SIZE_MAX, count = 0;

	for (size_t i = 0; i < n; i++) {
		if (want[i] != got[i]) {
			if (first == SIZE_MAX)
				first = i;
			count++;
		}
	}
	if (first == SIZE_MAX)
		return false;
	/* Up to 8 bytes from the first difference, as the stream would write them. */
	size_t show = n - first < 8 ? n - first : 8;
	size_t pe = 0, pg = 0;
	exp_s[0] = got_s[0] = '\0';
	for (size_t i = 0; i < show; i++) {
		int a = snprintf(exp_s + pe, exp_len - pe, "%s%02x", i ? ":" : "", want[first + i]);
		int b = snprintf(got_s + pg, got_len - pg, "%s%02x", i ? ":" : "", got[first + i]);
		if (a < 0 || b < 0 || (size_t)a >= exp_len - pe || (size_t)b >= got_len - pg)
			break;
		pe += (size_t)a;
		pg += (size_t)b;
	}
	snprintf(note, note_len, "first difference at %s 0x%" PRIx64 " (+0x%zx); %zu of %zu bytes differ",
		 unit, base + first, first, count, n);
	return true;
}

int replay_get_bool(const stream_line_t *l, const char *key, bool def, bool *out,
		    iommusim_error_t *err)
{
	const stream_value_t *v = stream_line_arg(l, key);
	uint64_t x;
	int rc;

	*out = def;
	if (!v)
		return 0;
	rc = stream_value_u64(l, key, v, NULL, &x, err);
	if (rc)
		return rc;
	if (x > 1)
		return stream_line_error(l, v->col, err, -EINVAL, "%s must be 0 or 1", key);
	*out = x == 1;
	return 0;
}

/* ---- fields -------------------------------------------------------------------------------------- */

void replay_format_field(const uapi_field_t *f, uint64_t v, char *buf, size_t len)
{
	if (f && f->fmt == UAPI_FMT_ENUM && f->names) {
		const char *name = uapi_name_of(f->names, v);
		if (name) {
			snprintf(buf, len, "%s", name);
			return;
		}
	}
	if (f && f->fmt == UAPI_FMT_FLAGS && v && uapi_format_flags(f->names, v, buf, len) == 0)
		return;
	if (f && f->fmt == UAPI_FMT_DEC) {
		if (f->attr & UAPI_ATTR_SIGNED)
			snprintf(buf, len, "%" PRId64, (int64_t)v);
		else
			snprintf(buf, len, "%" PRIu64, v);
		return;
	}
	snprintf(buf, len, "0x%" PRIx64, v);
}

int replay_field_value(const stream_line_t *l, const char *what, const stream_arg_t *a,
		       const uapi_field_t *f, const stream_vars_t *vars, uint64_t *out,
		       iommusim_error_t *err)
{
	char label[128];
	int rc;

	snprintf(label, sizeof(label), "%s: %s", what, a->key);
	if (f && f->fmt == UAPI_FMT_FLAGS && f->names)
		rc = stream_value_flags(l, label, &a->v, f->names, vars, out, err);
	else if (f && f->fmt == UAPI_FMT_ENUM && f->names)
		rc = stream_value_enum(l, label, &a->v, f->names, vars, out, err);
	else
		rc = stream_value_u64(l, label, &a->v, vars, out, err);
	if (rc)
		return rc;
	if (f && !uapi_field_fits(f, *out))
		return stream_line_error(l, a->v.col, err, -ERANGE,
					 "%s: 0x%" PRIx64 " does not fit the %u-bit field", label,
					 *out, 8u * f->width);
	return 0;
}

int replay_rec_key(const stream_line_t *l, const stream_arg_t *a,
		   const replay_rec_layout_t *lay, size_t *index, const uapi_field_t **f,
		   iommusim_error_t *err)
{
	const char *key = a->key;
	const char *name = key;
	size_t idx = 0;

	if (strncmp(key, "data.", 5) == 0) {
		const char *d = key + 5;
		if (*d < '0' || *d > '9')
			return 0;
		while (*d >= '0' && *d <= '9') {
			idx = idx * 10 + (size_t)(*d - '0');
			if (idx > 65535)
				return stream_line_error(l, a->col, err, -EINVAL,
							 "'%s': record index larger than 65535", key);
			d++;
		}
		if (*d != '.' || (key[5] == '0' && d - key > 6))
			return stream_line_error(l, a->col, err, -EINVAL,
						 "'%s': expected data.N.field with N without "
						 "leading zeros", key);
		name = d + 1;
	}
	for (size_t i = 0; i < lay->nfields; i++) {
		if (strcmp(lay->fields[i].name, name) == 0) {
			*index = idx;
			*f = &lay->fields[i];
			return 1;
		}
	}
	if (name == key)
		return 0;
	char list[256];
	size_t pos = 0;
	list[0] = '\0';
	for (size_t i = 0; i < lay->nfields; i++) {
		int n = snprintf(list + pos, sizeof(list) - pos, "%s%s", i ? ", " : "",
				 lay->fields[i].name);
		if (n < 0 || (size_t)n >= sizeof(list) - pos)
			break;
		pos += (size_t)n;
	}
	return stream_line_error(l, a->col, err, -EINVAL, "unknown %s field '%s' (fields: %s)",
				 lay->what, name, list);
}

/* ---- expectations ---------------------------------------------------------------------------------- */

int replay_expect_u64(replay_t *r, const stream_line_t *l, const char *what,
		      const stream_arg_t *a, const uapi_field_t *f, uint64_t got,
		      iommusim_error_t *err)
{
	char exp_s[96], got_s[96], full[128];
	uint64_t exp;
	int rc;

	if (a->v.kind == STREAM_REF && !stream_vars_is_bound(r->vars, a->v.text)) {
		iommusim_error_t e;
		rc = stream_vars_bind(r->vars, a->v.text, got, l->lineno, &e);
		if (rc)
			return stream_line_error(l, a->v.col, err, rc, "%s", e.msg);
		return 0;
	}
	rc = replay_field_value(l, what, a, f, r->vars, &exp, err);
	if (rc)
		return rc;
	if (exp == got) {
		replay_count_checks(r, 1);
		return 0;
	}
	replay_format_field(f, exp, exp_s, sizeof(exp_s));
	replay_format_field(f, got, got_s, sizeof(got_s));
	if (a->v.kind == STREAM_REF)
		snprintf(full, sizeof(full), "$%s (%s)", a->v.text, exp_s);
	else
		snprintf(full, sizeof(full), "%s", exp_s);
	replay_report(r, l, a->v.col, what, a->key, full, got_s, NULL);
	return 0;
}

static void errno_text(int e, char *buf, size_t len)
{
	const char *name = uapi_errno_name(e);
	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "errno %d", e);
}

bool replay_expect_outcome(replay_t *r, const stream_line_t *l, const char *what, int rc,
			   const char *errmsg)
{
	const stream_value_t *ev = stream_line_result(l, "errno");
	char exp_s[64], got_s[64];
	int want = 0;

	if (ev)
		want = ev->kind == STREAM_WORD ? uapi_errno_by_name(ev->text) : (int)ev->num;
	if ((rc < 0 ? -rc : 0) == want) {
		replay_count_checks(r, 1);
		return true;
	}
	if (want)
		errno_text(want, exp_s, sizeof(exp_s));
	else
		snprintf(exp_s, sizeof(exp_s), "success");
	if (rc < 0)
		errno_text(-rc, got_s, sizeof(got_s));
	else
		snprintf(got_s, sizeof(got_s), "success");
	replay_report(r, l, ev ? ev->col : 0, what, "errno", exp_s, got_s,
		      rc < 0 && errmsg && errmsg[0] ? errmsg : NULL);
	return false;
}

int replay_check_errno(const stream_line_t *l, iommusim_error_t *err)
{
	const stream_value_t *ev = stream_line_result(l, "errno");

	if (!ev)
		return 0;
	if (ev->kind == STREAM_WORD && uapi_errno_by_name(ev->text) != 0)
		return 0;
	if (ev->kind == STREAM_NUMBER && !ev->neg && ev->num > 0 && ev->num < 4096)
		return 0;
	return stream_line_error(l, ev->col, err, -EINVAL,
				 "errno must be a name like ENOENT or a positive number");
}

const char *replay_dma_status_name(iommusim_dma_status_t s)
{
	switch (s) {
	case IOMMUSIM_DMA_OK:          return "ok";
	case IOMMUSIM_DMA_FAULT:       return "fault";
	case IOMMUSIM_DMA_PRI_PENDING: return "pending";
	case IOMMUSIM_DMA_PRI_FAILED:  return "pri_failed";
	case IOMMUSIM_DMA_MEM_ERROR:   return "mem_error";
	}
	return "unknown";
}

/* ---- access and PASID ---------------------------------------------------------------------------- */

int replay_access_parse(const stream_line_t *l, const stream_value_t *v, bool allow_x,
			unsigned *acc, iommusim_error_t *err)
{
	unsigned a = 0;

	if (v->kind != STREAM_WORD || !v->text[0])
		goto bad;
	if (strcmp(v->text, "none") == 0) {
		*acc = 0;
		return 0;
	}
	for (const char *c = v->text; *c; c++) {
		unsigned bit = *c == 'r' ? IOMMUSIM_ACC_READ : *c == 'w' ? IOMMUSIM_ACC_WRITE :
			       *c == 'x' && allow_x ? IOMMUSIM_ACC_EXEC : 0;
		if (!bit || (a & bit))
			goto bad;
		a |= bit;
	}
	*acc = a;
	return 0;
bad:
	return stream_line_error(l, v->col, err, -EINVAL,
				 "'%s' is not an access: write r, w or rw%s", v->kind == STREAM_WORD ||
				 v->kind == STREAM_STRING ? v->text : "(a number)",
				 allow_x ? " (x for execute), or none" : "");
}

void replay_access_format(unsigned acc, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s", acc & IOMMUSIM_ACC_READ ? "r" : "",
		 acc & IOMMUSIM_ACC_WRITE ? "w" : "", acc & IOMMUSIM_ACC_EXEC ? "x" : "",
		 acc & (IOMMUSIM_ACC_READ | IOMMUSIM_ACC_WRITE | IOMMUSIM_ACC_EXEC) ? "" : "none");
}

int replay_get_pasid(const stream_line_t *l, const stream_vars_t *vars, bool *valid,
		     uint32_t *pasid, iommusim_error_t *err)
{
	const stream_value_t *v = stream_line_arg(l, "pasid");
	uint64_t p;
	int rc;

	*valid = false;
	*pasid = 0;
	if (!v)
		return 0;
	if (!vars && v->kind == STREAM_REF) {
		*valid = true;
		return 0;
	}
	rc = stream_value_u64(l, "pasid", v, vars, &p, err);
	if (rc)
		return rc;
	if (p >= (1u << PCI_PASID_BITS_MAX))
		return stream_line_error(l, v->col, err, -ERANGE,
					 "pasid 0x%" PRIx64 " is wider than 20 bits", p);
	*valid = true;
	*pasid = (uint32_t)p;
	return 0;
}
