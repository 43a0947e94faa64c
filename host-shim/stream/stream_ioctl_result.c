/* SPDX-License-Identifier: MIT */
/*
 * The other direction of the ioctl layer: comparing a line's results with what a call did
 * (binding $names on the way), and describing a recorded call as a line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/stream/stream_ioctl_int.h"

/* ---- locating a result in the call's output ----------------------------------------------- */

typedef struct located {
	const uapi_field_t *f;     /* NULL for a bitmap word */
	bool present;
	uint64_t value;
	char why[64];              /* when absent */
} located_t;

static uint64_t read_le64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void locate_payload(const stream_ioctl_t *io, const void *after, const void *pafter,
			   size_t plen, const sio_pkey_t *pk, located_t *loc)
{
	const uapi_ioctl_t *cmd = io->cmd;
	const uapi_payload_t *p = cmd->payload;
	const uapi_payload_type_t *t = io->ptype;
	size_t base = 0, elem;

	if (!pafter || plen == 0) {
		snprintf(loc->why, sizeof(loc->why), "absent (no %s payload)", p->prefix);
		return;
	}
	if (p->shape == UAPI_PAYLOAD_BITMAP) {
		if ((pk->index + 1) * 8 > plen) {
			snprintf(loc->why, sizeof(loc->why), "absent (bitmap has %zu words)",
				 plen / 8);
			return;
		}
		loc->present = true;
		loc->value = read_le64((const uint8_t *)pafter + pk->index * 8);
		return;
	}
	if (!t)
		t = sio_type_for(cmd, after, io->arg_len, true, NULL);
	if (!t) {
		snprintf(loc->why, sizeof(loc->why), "absent (%s selects no payload)",
			 p->selector_field ? p->selector_field : "type");
		return;
	}
	loc->f = uapi_payload_field(t, pk->field);
	if (!loc->f) {
		snprintf(loc->why, sizeof(loc->why), "absent (not a field of %s)",
			 t->struct_name);
		return;
	}
	if (p->shape == UAPI_PAYLOAD_ARRAY) {
		const uapi_field_t *lf = p->elem_len_field ? uapi_ioctl_field(cmd, p->elem_len_field)
							   : NULL;
		elem = lf ? (size_t)uapi_field_get(lf, after) : t->size;
		if (elem == 0)
			elem = t->size;
		base = pk->index * elem;
	}
	if (base + loc->f->offset + loc->f->width > plen) {
		snprintf(loc->why, sizeof(loc->why), "absent (past the %zu-byte payload)", plen);
		return;
	}
	loc->present = true;
	loc->value = uapi_field_get(loc->f, (const uint8_t *)pafter + base);
}

static void locate(const stream_ioctl_t *io, const char *key, const void *after,
		   const void *pafter, size_t plen, located_t *loc)
{
	sio_pkey_t pk;

	memset(loc, 0, sizeof(*loc));
	if (sio_payload_key(io->cmd->payload, key, &pk, NULL) == 1) {
		locate_payload(io, after, pafter, plen, &pk, loc);
		return;
	}
	loc->f = uapi_ioctl_field(io->cmd, key);
	if (!loc->f) {
		snprintf(loc->why, sizeof(loc->why), "absent (no such field)");
		return;
	}
	if ((size_t)loc->f->offset + loc->f->width > io->arg_len) {
		snprintf(loc->why, sizeof(loc->why), "absent (past size %u)", io->arg_len);
		return;
	}
	loc->present = true;
	loc->value = uapi_field_get(loc->f, after);
}

/* ---- checking ------------------------------------------------------------------------------ */

typedef struct checker {
	const stream_line_t *l;
	stream_mismatch_fn cb;
	void *ctx;
	int count;
} checker_t;

/* Copies src into dst, cut to fit (the messages are bounded by design). */
static void copy_cut(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void report(checker_t *c, const stream_arg_t *a, const char *expected, const char *got)
{
	stream_mismatch_t m = { .key = a->key, .col = a->v.col };

	copy_cut(m.expected, sizeof(m.expected), expected);
	copy_cut(m.got, sizeof(m.got), got);
	c->count++;
	if (c->cb)
		c->cb(c->ctx, c->l, &m);
}

static void errno_text(long ret, char *buf, size_t len)
{
	const char *name = uapi_errno_name((int)-ret);
	if (name)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "errno %ld", -ret);
}

static void show(const uapi_field_t *f, uint64_t v, char *buf, size_t len)
{
	char tmp[80];
	stream_value_t sv;
	char *s;

	if (f) {
		sio_value_for(f, v, &sv, tmp, sizeof(tmp));
	} else {
		sv = stream_num(v, STREAM_NUM_HEX);
	}
	s = stream_value_format(&sv);
	snprintf(buf, len, "%s", s ? s : "?");
	free(s);
}

/* Compares (or binds) one expected value against got. */
static int expect_value(checker_t *c, const stream_ioctl_t *io, const stream_arg_t *a,
			const uapi_field_t *f, uint64_t got, stream_vars_t *vars, bool may_bind,
			iommusim_error_t *err)
{
	char exp_s[80], got_s[80];
	uint64_t exp;
	int rc;

	if (a->v.kind == STREAM_REF) {
		if (!vars)
			return stream_line_error(c->l, a->v.col, err, -EINVAL,
						 "$%s cannot be bound here (no bindings)", a->v.text);
		if (!stream_vars_is_bound(vars, a->v.text)) {
			iommusim_error_t berr;
			if (!may_bind)
				return 0;
			rc = stream_vars_bind(vars, a->v.text, got, c->l->lineno, &berr);
			return rc < 0 ? stream_line_error(c->l, a->v.col, err, rc, "%s", berr.msg)
				      : 0;
		}
		rc = stream_vars_get(vars, a->v.text, c->l->file, c->l->lineno, a->v.col, &exp,
				     err);
		if (rc)
			return rc;
	} else if (f) {
		rc = sio_field_value(c->l, io->cmd, a->key, f, &a->v, vars, &exp, err);
		if (rc)
			return rc;
	} else {
		rc = stream_value_u64(c->l, a->key, &a->v, vars, &exp, err);
		if (rc)
			return rc;
	}
	if (exp == got)
		return 0;
	char full[256];
	show(f, exp, exp_s, sizeof(exp_s));
	if (a->v.kind == STREAM_REF)
		snprintf(full, sizeof(full), "$%s (%s)", a->v.text, exp_s);
	else
		snprintf(full, sizeof(full), "%s", exp_s);
	show(f, got, got_s, sizeof(got_s));
	report(c, a, full, got_s);
	return 0;
}

int stream_ioctl_check(const stream_line_t *l, const stream_ioctl_t *io, const void *after,
		       const void *pafter, size_t plen, long ret, stream_vars_t *vars,
		       stream_mismatch_fn cb, void *ctx, iommusim_error_t *err)
{
	checker_t c = { .l = l, .cb = cb, .ctx = ctx };
	const stream_value_t *ev = stream_line_result(l, "errno");
	bool errno_ok = true;
	char buf[80];
	int rc;

	/* The outcome first: fields are compared only when the call went the recorded way. */
	for (size_t i = 0; i < l->nres; i++) {
		const stream_arg_t *a = &l->res[i];
		if (strcmp(a->key, "errno") != 0)
			continue;
		int want = a->v.kind == STREAM_WORD ? uapi_errno_by_name(a->v.text)
						    : (int)a->v.num;
		if (ret >= 0) {
			report(&c, a, a->v.kind == STREAM_WORD ? a->v.text : "errno", "success");
			errno_ok = false;
		} else if (-ret != want) {
			errno_text(ret, buf, sizeof(buf));
			char exp_s[80];
			errno_text(-(long)want, exp_s, sizeof(exp_s));
			report(&c, a, exp_s, buf);
			errno_ok = false;
		}
	}
	if (!ev && ret < 0) {
		stream_arg_t pseudo = { .key = "errno" };
		errno_text(ret, buf, sizeof(buf));
		report(&c, &pseudo, "success", buf);
		errno_ok = false;
	}
	if (!errno_ok)
		return c.count;
	for (size_t i = 0; i < l->nres; i++) {
		const stream_arg_t *a = &l->res[i];
		located_t loc;

		if (strcmp(a->key, "errno") == 0)
			continue;
		if (strcmp(a->key, "ret") == 0) {
			rc = expect_value(&c, io, a, NULL, (uint64_t)ret, vars, true, err);
			if (rc < 0)
				return rc;
			continue;
		}
		if (!after) {
			report(&c, a, "a value", "absent (no argument struct)");
			continue;
		}
		locate(io, a->key, after, pafter, plen, &loc);
		if (!loc.present) {
			char *exp_s = stream_value_format(&a->v);
			report(&c, a, exp_s ? exp_s : "?", loc.why);
			free(exp_s);
			continue;
		}
		rc = expect_value(&c, io, a, loc.f, loc.value, vars, true, err);
		if (rc < 0)
			return rc;
	}
	return c.count;
}

/* ---- describing recorded calls ------------------------------------------------------------- */

static int add_field(stream_line_t *l, bool result, const char *key, const uapi_field_t *f,
		     uint64_t v, iommusim_error_t *err)
{
	char buf[160];
	stream_value_t sv;

	sio_value_for(f, v, &sv, buf, sizeof(buf));
	return result ? stream_line_add_result(l, key, &sv, err)
		      : stream_line_add_arg(l, key, &sv, err);
}

static int add_hex(stream_line_t *l, bool result, const char *key, uint64_t v,
		   iommusim_error_t *err)
{
	stream_value_t sv = stream_num(v, STREAM_NUM_HEX);
	return result ? stream_line_add_result(l, key, &sv, err)
		      : stream_line_add_arg(l, key, &sv, err);
}

/* Adds payload fields of the wanted direction: for the call, the non-zero input fields;
 * for results, every output field except zero reserved ones. */
static int describe_payload(stream_line_t *l, const uapi_ioctl_t *cmd, const void *arg,
			    size_t arg_len, const uint8_t *pl, size_t plen, bool result,
			    iommusim_error_t *err)
{
	const uapi_payload_t *p = cmd->payload;
	const uapi_payload_type_t *t;
	unsigned dir = result ? UAPI_OUT : UAPI_IN;
	char key[96];
	int rc;

	if (p->shape == UAPI_PAYLOAD_BITMAP) {
		for (size_t w = 0; result && (w + 1) * 8 <= plen; w++) {
			uint64_t v = read_le64(pl + w * 8);
			if (!v)
				continue;
			snprintf(key, sizeof(key), "%s.%zu", p->prefix, w);
			rc = add_hex(l, true, key, v, err);
			if (rc)
				return rc;
		}
		return 0;
	}
	t = sio_type_for(cmd, arg, arg_len, true, NULL);
	if (!t)
		return 0;
	size_t elem = t->size, count = 1, limit = plen;
	if (p->shape == UAPI_PAYLOAD_ARRAY) {
		const uapi_field_t *lf = p->elem_len_field ? uapi_ioctl_field(cmd, p->elem_len_field)
							   : NULL;
		const uapi_field_t *cf = uapi_ioctl_field(cmd, p->count_field);
		if (lf && (size_t)lf->offset + lf->width <= arg_len && uapi_field_get(lf, arg))
			elem = (size_t)uapi_field_get(lf, arg);
		count = elem ? plen / elem : 0;
		if (cf && (size_t)cf->offset + cf->width <= arg_len &&
		    uapi_field_get(cf, arg) < count)
			count = (size_t)uapi_field_get(cf, arg);
	} else if (p->len_field) {
		const uapi_field_t *lf = uapi_ioctl_field(cmd, p->len_field);
		if (lf && (size_t)lf->offset + lf->width <= arg_len &&
		    uapi_field_get(lf, arg) < limit)
			limit = (size_t)uapi_field_get(lf, arg);
	}
	for (size_t i = 0; i < count; i++) {
		for (size_t j = 0; j < t->nfields; j++) {
			const uapi_field_t *f = &t->fields[j];
			size_t off = i * elem + f->offset;
			if (!(f->dir & dir) || off + f->width > limit ||
			    f->offset + f->width > elem)
				continue;
			uint64_t v = uapi_field_get(f, pl + i * elem);
			if (v == 0 && (!result || (f->attr & UAPI_ATTR_RESERVED)))
				continue;
			if (p->shape == UAPI_PAYLOAD_ARRAY)
				snprintf(key, sizeof(key), "%s.%zu.%s", p->prefix, i, f->name);
			else
				snprintf(key, sizeof(key), "%s.%s", p->prefix, f->name);
			rc = add_field(l, result, key, f, v, err);
			if (rc)
				return rc;
		}
	}
	return 0;
}

int stream_ioctl_describe_call(stream_line_t *l, const uapi_ioctl_t *cmd, uint64_t fd,
			       const void *arg, size_t arg_len, uint64_t value,
			       const void *payload, size_t plen, iommusim_error_t *err)
{
	stream_value_t sv;
	int rc;

	stream_line_free(l);
	rc = stream_line_set_verb(l, STREAM_IOCTL_VERB, err);
	if (!rc) {
		sv = stream_num(fd, STREAM_NUM_DEC);
		rc = stream_line_add_pos(l, &sv, err);
	}
	if (!rc) {
		sv = stream_word(cmd->name);
		rc = stream_line_add_pos(l, &sv, err);
	}
	if (rc)
		return rc;
	switch (cmd->arg_kind) {
	case UAPI_ARG_NONE:
		return 0;
	case UAPI_ARG_VALUE:
		return add_field(l, false, cmd->fields[0].name, &cmd->fields[0], value, err);
	case UAPI_ARG_PTR_S32:
		if (!arg || arg_len < 4)
			return iommusim_error_set(err, -EFAULT, "%s: no s32 argument", cmd->name);
		return add_field(l, false, cmd->fields[0].name, &cmd->fields[0],
				 uapi_field_get(&cmd->fields[0], arg), err);
	case UAPI_ARG_STRING: {
		const char *s = arg;
		if (!arg || !memchr(s, '\0', arg_len))
			return iommusim_error_set(err, -EFAULT, "%s: name is not terminated",
						  cmd->name);
		sv = stream_is_bare_word(s) ? stream_word(s) : stream_str(s);
		return stream_line_add_arg(l, "name", &sv, err);
	}
	case UAPI_ARG_STRUCT:
		break;
	}
	if (!arg || arg_len < 4)
		return iommusim_error_set(err, -EFAULT, "%s: no argument struct", cmd->name);
	const uapi_field_t *size_f = &cmd->fields[0];
	uint64_t size = uapi_field_get(size_f, arg);
	size_t limit = size < arg_len ? (size_t)size : arg_len;
	const uapi_payload_t *p = cmd->payload;
	bool payload_shown = p && payload && plen && (p->dir & UAPI_IN);

	if (size != cmd->size) {
		rc = add_field(l, false, size_f->name, size_f, size, err);
		if (rc)
			return rc;
	}
	for (size_t i = 1; i < cmd->nfields; i++) {
		const uapi_field_t *f = &cmd->fields[i];
		if (!(f->dir & UAPI_IN) || (size_t)f->offset + f->width > limit)
			continue;
		uint64_t v = uapi_field_get(f, arg);
		if (v == 0 || (payload_shown && strcmp(f->name, p->ptr_field) == 0))
			continue;
		rc = add_field(l, false, f->name, f, v, err);
		if (rc)
			return rc;
	}
	if (limit > cmd->size) {
		uint64_t tail = 0;
		const uint8_t *b = arg;
		for (size_t i = cmd->size; i < limit && i < cmd->size + 8u; i++)
			tail |= (uint64_t)b[i] << (8 * (i - cmd->size));
		if (tail) {
			rc = add_hex(l, false, "_tail", tail, err);
			if (rc)
				return rc;
		}
	}
	if (payload_shown)
		return describe_payload(l, cmd, arg, limit, payload, plen, false, err);
	return 0;
}

int stream_ioctl_describe_result(stream_line_t *l, const uapi_ioctl_t *cmd,
				 const void *before, const void *after, size_t arg_len,
				 const void *pafter, size_t plen, long ret,
				 iommusim_error_t *err)
{
	stream_value_t sv;
	char buf[32];
	int rc = 0;

	if (ret < 0) {
		const char *name = uapi_errno_name((int)-ret);
		if (name) {
			snprintf(buf, sizeof(buf), "%s", name);
			sv = stream_word(buf);
		} else {
			sv = stream_num((uint64_t)-ret, STREAM_NUM_DEC);
		}
		rc = stream_line_add_result(l, "errno", &sv, err);
	} else if (ret > 0) {
		sv = stream_num((uint64_t)ret, STREAM_NUM_DEC);
		rc = stream_line_add_result(l, "ret", &sv, err);
	}
	if (rc || cmd->arg_kind != UAPI_ARG_STRUCT || !before || !after || arg_len < 4)
		return rc;
	uint64_t size = uapi_field_get(&cmd->fields[0], before);
	size_t limit = size < arg_len ? (size_t)size : arg_len;
	for (size_t i = 0; i < cmd->nfields; i++) {
		const uapi_field_t *f = &cmd->fields[i];
		if (!(f->dir & UAPI_OUT) || (size_t)f->offset + f->width > limit)
			continue;
		uint64_t v = uapi_field_get(f, after), vb = uapi_field_get(f, before);
		bool changed = v != vb;
		bool always = ret >= 0 && !(f->attr & UAPI_ATTR_SIZE) &&
			      !((f->attr & UAPI_ATTR_RESERVED) && v == 0);
		if (!changed && !always)
			continue;
		rc = add_field(l, true, f->name, f, v, err);
		if (rc)
			return rc;
	}
	if (ret >= 0 && cmd->payload && (cmd->payload->dir & UAPI_OUT) && pafter && plen)
		return describe_payload(l, cmd, after, limit, pafter, plen, true, err);
	return 0;
}
