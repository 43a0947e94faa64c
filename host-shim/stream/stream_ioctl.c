/* SPDX-License-Identifier: MIT */
/* Encoding `ioctl` lines into argument bytes and payloads (see stream_ioctl.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/stream/stream_ioctl_int.h"

/* ---- shared helpers ----------------------------------------------------------------------- */

int sio_payload_key(const uapi_payload_t *p, const char *key, sio_pkey_t *pk,
		    iommusim_error_t *err)
{
	size_t n;
	const char *rest;

	if (!p)
		return 0;
	n = strlen(p->prefix);
	if (strncmp(key, p->prefix, n) != 0 || key[n] != '.')
		return 0;
	rest = key + n + 1;
	memset(pk, 0, sizeof(*pk));
	if (p->shape == UAPI_PAYLOAD_STRUCT) {
		pk->field = rest;
		return 1;
	}
	/* An index: "0" or digits without a leading zero. */
	const char *d = rest;
	unsigned long idx = 0;
	while (*d >= '0' && *d <= '9') {
		idx = idx * 10 + (unsigned long)(*d - '0');
		if (idx > 65535)
			return iommusim_error_set(err, -EINVAL,
						  "index in '%s' is larger than 65535", key);
		d++;
	}
	if (d == rest || (rest[0] == '0' && d - rest > 1))
		return iommusim_error_set(err, -EINVAL,
			"'%s': expected %s.N%s with N a number without leading zeros", key,
			p->prefix, p->shape == UAPI_PAYLOAD_ARRAY ? ".field" : "");
	pk->index = idx;
	if (p->shape == UAPI_PAYLOAD_BITMAP) {
		if (*d != '\0')
			return iommusim_error_set(err, -EINVAL,
						  "'%s': bitmap words are written %s.N", key, p->prefix);
		return 1;
	}
	if (*d != '.' || d[1] == '\0')
		return iommusim_error_set(err, -EINVAL, "'%s': expected %s.N.field", key,
					  p->prefix);
	pk->field = d + 1;
	return 1;
}

int sio_field_value(const stream_line_t *l, const uapi_ioctl_t *cmd, const char *key,
		    const uapi_field_t *f, const stream_value_t *v, const stream_vars_t *vars,
		    uint64_t *out, iommusim_error_t *err)
{
	char what[160];
	int rc;

	snprintf(what, sizeof(what), "%s: %s", cmd->name, key);
	switch (f->fmt) {
	case UAPI_FMT_FLAGS:
		rc = stream_value_flags(l, what, v, f->names, vars, out, err);
		break;
	case UAPI_FMT_ENUM:
		rc = stream_value_enum(l, what, v, f->names, vars, out, err);
		break;
	default:
		if (f->attr & UAPI_ATTR_SIGNED) {
			int64_t s;
			rc = stream_value_s64(l, what, v, vars, &s, err);
			*out = (uint64_t)s;
		} else {
			rc = stream_value_u64(l, what, v, vars, out, err);
		}
	}
	if (rc)
		return rc;
	if (!uapi_field_fits(f, *out)) {
		if (f->attr & UAPI_ATTR_SIGNED)
			return stream_line_error(l, v->col, err, -ERANGE,
						 "%s: %lld does not fit the %u-bit signed field",
						 what, (long long)*out, 8u * f->width);
		return stream_line_error(l, v->col, err, -ERANGE,
					 "%s: 0x%llx does not fit the %u-bit field", what,
					 (unsigned long long)*out, 8u * f->width);
	}
	return 0;
}

void sio_value_for(const uapi_field_t *f, uint64_t x, stream_value_t *out, char *buf,
		   size_t buflen)
{
	if (f->fmt == UAPI_FMT_ENUM) {
		const char *name = uapi_name_of(f->names, x);
		if (name) {
			snprintf(buf, buflen, "%s", name);
			*out = stream_word(buf);
			return;
		}
	}
	if (f->fmt == UAPI_FMT_FLAGS && x != 0 && uapi_format_flags(f->names, x, buf, buflen) == 0) {
		*out = stream_word(buf);
		return;
	}
	if (f->attr & UAPI_ATTR_SIGNED) {
		*out = stream_snum((int64_t)x);
		return;
	}
	*out = stream_num(x, f->fmt == UAPI_FMT_DEC || (f->fmt == UAPI_FMT_FLAGS && x == 0)
				     ? STREAM_NUM_DEC : STREAM_NUM_HEX);
}

bool sio_selector(const uapi_ioctl_t *cmd, const void *arg, size_t arg_len, uint64_t *sel)
{
	const uapi_payload_t *p = cmd->payload;
	const uapi_field_t *f;

	*sel = 0;
	if (!p || !p->selector_field)
		return true;
	f = uapi_ioctl_field(cmd, p->selector_field);
	if (!f || (size_t)f->offset + f->width > arg_len)
		return false;
	*sel = uapi_field_get(f, arg);
	return true;
}

const uapi_payload_type_t *sio_type_for(const uapi_ioctl_t *cmd, const void *arg,
					size_t arg_len, bool selector_known,
					const char *field)
{
	const uapi_payload_t *p = cmd->payload;
	uint64_t sel;

	if (!p)
		return NULL;
	if (selector_known) {
		if (!sio_selector(cmd, arg, arg_len, &sel))
			return NULL;
		return uapi_payload_type(p, sel);
	}
	for (size_t i = 0; i < p->ntypes; i++)
		if (!field || p->shape == UAPI_PAYLOAD_BITMAP ||
		    uapi_payload_field(&p->types[i], field))
			return &p->types[i];
	return NULL;
}

void sio_type_names(const uapi_ioctl_t *cmd, char *buf, size_t len)
{
	const uapi_payload_t *p = cmd->payload;
	const uapi_field_t *sf = p && p->selector_field ?
				 uapi_ioctl_field(cmd, p->selector_field) : NULL;
	size_t pos = 0;

	buf[0] = '\0';
	for (size_t i = 0; p && i < p->ntypes; i++) {
		const char *name = sf ? uapi_name_of(sf->names, p->types[i].selector) : NULL;
		int n = name ? snprintf(buf + pos, len - pos, "%s%s", pos ? ", " : "", name)
			     : snprintf(buf + pos, len - pos, "%s%llu", pos ? ", " : "",
					(unsigned long long)p->types[i].selector);
		if (n < 0 || (size_t)n >= len - pos)
			return;
		pos += (size_t)n;
	}
}

/* ---- encoding ------------------------------------------------------------------------------ */

typedef struct enc {
	const stream_line_t *l;
	const stream_vars_t *vars;
	bool placeholders;        /* validate only: $names are not resolved */
	stream_ioctl_t *io;
	iommusim_error_t *err;
	unsigned long max_index;  /* ARRAY/BITMAP: largest index named (call or results) */
	bool any_pkey;            /* some payload key was named (call or results) */
} enc_t;

static int field_error_list(enc_t *e, const stream_arg_t *a, const char *why)
{
	char list[IOMMUSIM_ERROR_MSG_MAX / 2];

	uapi_ioctl_field_list(e->io->cmd, list, sizeof(list));
	return stream_line_error(e->l, a->col, e->err, -EINVAL, "%s: %s '%s' (fields: %s%s%s)",
				 e->io->cmd->name, why, a->key, list,
				 e->io->cmd->payload ? "; payload: " : "",
				 e->io->cmd->payload ? e->io->cmd->payload->prefix : "");
}

/* The value of a to store in f; in placeholder mode a $name reads as 0. */
static int arg_value(enc_t *e, const stream_arg_t *a, const uapi_field_t *f, uint64_t *out)
{
	if (e->placeholders && a->v.kind == STREAM_REF) {
		*out = 0;
		return 0;
	}
	return sio_field_value(e->l, e->io->cmd, a->key, f, &a->v, e->vars, out, e->err);
}

static int encode_scalar(enc_t *e)
{
	const uapi_ioctl_t *cmd = e->io->cmd;
	const stream_line_t *l = e->l;

	if (cmd->arg_kind == UAPI_ARG_NONE) {
		if (l->nargs)
			return stream_line_error(l, l->args[0].col, e->err, -EINVAL,
						 "%s takes no argument; unexpected key '%s'",
						 cmd->name, l->args[0].key);
		return 0;
	}
	if (cmd->arg_kind == UAPI_ARG_STRING) {
		for (size_t i = 0; i < l->nargs; i++) {
			const stream_arg_t *a = &l->args[i];
			if (strcmp(a->key, "name") != 0)
				return stream_line_error(l, a->col, e->err, -EINVAL,
							 "%s: unknown key '%s' (fields: name)",
							 cmd->name, a->key);
			if (a->v.kind != STREAM_WORD && a->v.kind != STREAM_STRING)
				return stream_line_error(l, a->v.col, e->err, -EINVAL,
							 "%s: name: expected text", cmd->name);
			size_t n = strlen(a->v.text);
			if (n + 1 > UAPI_ARG_MAX)
				return stream_line_error(l, a->v.col, e->err, -E2BIG,
							 "%s: name is longer than %u bytes",
							 cmd->name, UAPI_ARG_MAX - 1);
			memcpy(e->io->arg, a->v.text, n + 1);
			e->io->arg_len = (uint32_t)(n + 1);
			return 0;
		}
		return stream_line_error(l, 0, e->err, -ENOENT, "%s: missing key 'name'",
					 cmd->name);
	}
	/* VALUE, PTR_S32: one field. */
	const uapi_field_t *f = &cmd->fields[0];
	bool seen = false;
	for (size_t i = 0; i < l->nargs; i++) {
		const stream_arg_t *a = &l->args[i];
		uint64_t v;
		int rc;
		if (strcmp(a->key, f->name) != 0)
			return stream_line_error(l, a->col, e->err, -EINVAL,
						 "%s: unknown key '%s' (fields: %s)", cmd->name,
						 a->key, f->name);
		rc = arg_value(e, a, f, &v);
		if (rc)
			return rc;
		seen = true;
		if (cmd->arg_kind == UAPI_ARG_VALUE) {
			e->io->value = v;
		} else {
			uapi_field_set(f, e->io->arg, v);
			e->io->arg_len = 4;
		}
	}
	if (!seen)
		return stream_line_error(l, 0, e->err, -ENOENT, "%s: missing key '%s'",
					 cmd->name, f->name);
	return 0;
}

/* Notes payload keys (call and result part) for the automatic lengths. */
static int scan_payload_keys(enc_t *e)
{
	const uapi_payload_t *p = e->io->cmd->payload;
	const stream_line_t *l = e->l;

	for (int part = 0; part < 2; part++) {
		const stream_arg_t *arr = part ? l->res : l->args;
		size_t n = part ? l->nres : l->nargs;
		for (size_t i = 0; i < n; i++) {
			sio_pkey_t pk;
			iommusim_error_t kerr;
			int rc = sio_payload_key(p, arr[i].key, &pk, &kerr);
			if (rc < 0)
				return stream_line_error(l, arr[i].col, e->err, rc, "%s: %s",
							 e->io->cmd->name, kerr.msg);
			if (rc == 0)
				continue;
			if (!e->any_pkey || pk.index > e->max_index)
				e->max_index = pk.index;
			e->any_pkey = true;
		}
	}
	return 0;
}

static bool arg_given(const stream_line_t *l, const char *key)
{
	return key && stream_line_arg(l, key) != NULL;
}

/* Fills a length/count field the line did not give. */
static void auto_field(enc_t *e, const char *name, uint64_t v)
{
	const uapi_field_t *f = name ? uapi_ioctl_field(e->io->cmd, name) : NULL;

	if (f && !arg_given(e->l, name) && (size_t)f->offset + f->width <= e->io->arg_len)
		uapi_field_set(f, e->io->arg, v);
}

static uint64_t get_field(enc_t *e, const char *name)
{
	const uapi_field_t *f = name ? uapi_ioctl_field(e->io->cmd, name) : NULL;

	if (!f || (size_t)f->offset + f->width > e->io->arg_len)
		return 0;
	return uapi_field_get(f, e->io->arg);
}

static size_t max_type_size(const uapi_payload_t *p)
{
	size_t m = 0;
	for (size_t i = 0; i < p->ntypes; i++)
		if (p->types[i].size > m)
			m = p->types[i].size;
	return m;
}

/* Sizes the payload, allocates it and writes the call part's payload keys. */
static int encode_payload(enc_t *e)
{
	stream_ioctl_t *io = e->io;
	const uapi_ioctl_t *cmd = io->cmd;
	const uapi_payload_t *p = cmd->payload;
	const stream_line_t *l = e->l;
	const uapi_field_t *sel_f = p->selector_field ? uapi_ioctl_field(cmd, p->selector_field)
						      : NULL;
	bool sel_is_input = !sel_f || (sel_f->dir & UAPI_IN);
	bool call_keys = false;
	size_t elem = 0;
	uint64_t plen = 0;
	char list[IOMMUSIM_ERROR_MSG_MAX / 2];

	for (size_t i = 0; i < l->nargs; i++) {
		sio_pkey_t pk;
		if (sio_payload_key(p, l->args[i].key, &pk, NULL) == 1)
			call_keys = true;
	}
	if (call_keys && !(p->dir & UAPI_IN)) {
		for (size_t i = 0; i < l->nargs; i++) {
			sio_pkey_t pk;
			if (sio_payload_key(p, l->args[i].key, &pk, NULL) == 1)
				return stream_line_error(l, l->args[i].col, e->err, -EINVAL,
					"%s: '%s' is written by the kernel; give it after '->'",
					cmd->name, l->args[i].key);
		}
	}
	io->ptr_given = arg_given(l, p->ptr_field);
	if (sel_is_input)
		io->ptype = sio_type_for(cmd, io->arg, io->arg_len, true, NULL);
	if (call_keys && !io->ptype) {
		uint64_t sel = 0;
		sio_selector(cmd, io->arg, io->arg_len, &sel);
		sio_type_names(cmd, list, sizeof(list));
		return stream_line_error(l, 0, e->err, -EINVAL,
			"%s: '%s.*' given but %s=%s selects no payload (payloads exist for: %s)",
			cmd->name, p->prefix, p->selector_field,
			sel_f && uapi_name_of(sel_f->names, sel) ? uapi_name_of(sel_f->names, sel)
								  : "0", list);
	}
	switch (p->shape) {
	case UAPI_PAYLOAD_STRUCT:
		if (e->any_pkey)
			auto_field(e, p->len_field, io->ptype ? io->ptype->size : max_type_size(p));
		plen = get_field(e, p->len_field);
		break;
	case UAPI_PAYLOAD_ARRAY: {
		const uapi_payload_type_t *t = io->ptype ? io->ptype : &p->types[0];
		if (e->any_pkey) {
			auto_field(e, p->count_field, e->max_index + 1);
			auto_field(e, p->elem_len_field, t->size);
		}
		elem = p->elem_len_field ? (size_t)get_field(e, p->elem_len_field) : t->size;
		uint64_t count = get_field(e, p->count_field);
		if (call_keys && e->max_index >= count)
			return stream_line_error(l, 0, e->err, -EINVAL,
				"%s: %s.%lu given but %s=%llu", cmd->name, p->prefix,
				e->max_index, p->count_field, (unsigned long long)count);
		plen = count * (uint64_t)elem;
		if (elem && plen / elem != count)
			plen = UINT64_MAX;
		break;
	}
	case UAPI_PAYLOAD_BITMAP: {
		uint64_t length = get_field(e, "length");
		uint64_t page = get_field(e, "page_size");
		if (page) {
			uint64_t bits = length / page + (length % page ? 1 : 0);
			plen = (bits + 63) / 64 * 8;
		}
		break;
	}
	}
	if (plen > STREAM_IOCTL_PAYLOAD_MAX)
		return stream_line_error(l, 0, e->err, -E2BIG,
					 "%s: the %s payload would be %llu bytes, more than the %u "
					 "a stream describes", cmd->name, p->prefix,
					 (unsigned long long)plen, STREAM_IOCTL_PAYLOAD_MAX);
	if (plen == 0)
		return 0;
	io->payload = p;
	io->plen = (size_t)plen;
	io->pdata = calloc(1, io->plen);
	if (!io->pdata)
		return stream_line_error(l, 0, e->err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < l->nargs; i++) {
		const stream_arg_t *a = &l->args[i];
		sio_pkey_t pk;
		if (sio_payload_key(p, a->key, &pk, NULL) != 1)
			continue;
		const uapi_field_t *f = uapi_payload_field(io->ptype, pk.field);
		if (!f) {
			uapi_payload_field_list(io->ptype, list, sizeof(list));
			return stream_line_error(l, a->col, e->err, -EINVAL,
				"%s: unknown %s field '%s' (fields of %s: %s)", cmd->name,
				p->prefix, pk.field, io->ptype->struct_name, list);
		}
		if (!(f->dir & UAPI_IN))
			return stream_line_error(l, a->col, e->err, -EINVAL,
				"%s: '%s' is written by the kernel; give it after '->'", cmd->name,
				a->key);
		size_t base = p->shape == UAPI_PAYLOAD_ARRAY ? pk.index * elem : 0;
		if ((size_t)f->offset + f->width > (p->shape == UAPI_PAYLOAD_ARRAY ? elem
										   : io->plen) ||
		    base + f->offset + f->width > io->plen)
			return stream_line_error(l, a->col, e->err, -EINVAL,
				"%s: '%s' (bytes %u..%u) lies past the %zu-byte %s", cmd->name,
				a->key, f->offset, f->offset + f->width - 1,
				p->shape == UAPI_PAYLOAD_ARRAY ? elem : io->plen,
				p->shape == UAPI_PAYLOAD_ARRAY ? "element" : "payload");
		uint64_t v;
		int rc = arg_value(e, a, f, &v);
		if (rc)
			return rc;
		uapi_field_set(f, io->pdata + base, v);
	}
	return 0;
}

static int encode_struct(enc_t *e)
{
	stream_ioctl_t *io = e->io;
	const uapi_ioctl_t *cmd = io->cmd;
	const stream_line_t *l = e->l;
	const uapi_field_t *size_f = &cmd->fields[0];
	uint64_t size = cmd->size;
	const stream_arg_t *tail = NULL;
	int rc;

	/* The size first: it bounds every other field. */
	for (size_t i = 0; i < l->nargs; i++) {
		const stream_arg_t *a = &l->args[i];
		if (strcmp(a->key, size_f->name) != 0 || (e->placeholders && a->v.kind == STREAM_REF))
			continue;
		rc = arg_value(e, a, size_f, &size);
		if (rc)
			return rc;
		if (size > UAPI_ARG_MAX)
			return stream_line_error(l, a->v.col, e->err, -E2BIG,
						 "%s: %s %llu is larger than the %u bytes a stream "
						 "describes", cmd->name, size_f->name,
						 (unsigned long long)size, UAPI_ARG_MAX);
	}
	io->arg_len = (uint32_t)(size < 4 ? 4 : size);
	uapi_field_set(size_f, io->arg, size);

	for (size_t i = 0; i < l->nargs; i++) {
		const stream_arg_t *a = &l->args[i];
		const uapi_field_t *f;
		sio_pkey_t pk;
		uint64_t v;
		iommusim_error_t kerr;

		if (strcmp(a->key, size_f->name) == 0)
			continue;
		if (strcmp(a->key, "_tail") == 0) {
			tail = a;
			continue;
		}
		rc = sio_payload_key(cmd->payload, a->key, &pk, &kerr);
		if (rc < 0)
			return stream_line_error(l, a->col, e->err, rc, "%s: %s", cmd->name,
						 kerr.msg);
		if (rc == 1)
			continue;
		f = uapi_ioctl_field(cmd, a->key);
		if (!f)
			return field_error_list(e, a, "unknown field");
		if (!(f->dir & UAPI_IN))
			return stream_line_error(l, a->col, e->err, -EINVAL,
						 "%s: '%s' is written by the kernel; give it after "
						 "'->'", cmd->name, a->key);
		if ((size_t)f->offset + f->width > size)
			return stream_line_error(l, a->col, e->err, -EINVAL,
						 "%s: '%s' (bytes %u..%u) lies past %s %llu",
						 cmd->name, a->key, f->offset,
						 f->offset + f->width - 1, size_f->name,
						 (unsigned long long)size);
		rc = arg_value(e, a, f, &v);
		if (rc)
			return rc;
		uapi_field_set(f, io->arg, v);
	}
	if (tail) {
		uint64_t v;
		if (size <= cmd->size)
			return stream_line_error(l, tail->col, e->err, -EINVAL,
						 "%s: _tail needs %s larger than the %u bytes of "
						 "the struct", cmd->name, size_f->name, cmd->size);
		if (!(e->placeholders && tail->v.kind == STREAM_REF)) {
			rc = stream_value_u64(l, "_tail", &tail->v, e->vars, &v, e->err);
			if (rc)
				return rc;
			for (uint64_t b = cmd->size; b < size && b < cmd->size + 8u; b++)
				io->arg[b] = (uint8_t)(v >> (8 * (b - cmd->size)));
		}
	}
	if (cmd->payload) {
		rc = scan_payload_keys(e);
		if (rc)
			return rc;
		return encode_payload(e);
	}
	return 0;
}

/* Checks the result part: names, kernel-written fields, payload fields. */
static int check_results(enc_t *e)
{
	const stream_line_t *l = e->l;
	const uapi_ioctl_t *cmd = e->io->cmd;
	char list[IOMMUSIM_ERROR_MSG_MAX / 2];

	for (size_t i = 0; i < l->nres; i++) {
		const stream_arg_t *a = &l->res[i];
		const uapi_field_t *f;
		sio_pkey_t pk;
		uint64_t v;
		int rc;

		if (strcmp(a->key, "errno") == 0) {
			if (a->v.kind == STREAM_WORD && uapi_errno_by_name(a->v.text) == 0)
				return stream_line_error(l, a->v.col, e->err, -EINVAL,
							 "unknown errno name '%s'", a->v.text);
			if (a->v.kind == STREAM_NUMBER && (a->v.neg || a->v.num == 0))
				return stream_line_error(l, a->v.col, e->err, -EINVAL,
							 "errno must be a positive number or a "
							 "name like ENOENT");
			if (a->v.kind == STREAM_STRING || a->v.kind == STREAM_REF)
				return stream_line_error(l, a->v.col, e->err, -EINVAL,
							 "errno must be a name like ENOENT");
			continue;
		}
		if (strcmp(a->key, "ret") == 0) {
			if (a->v.kind == STREAM_WORD || a->v.kind == STREAM_STRING)
				return stream_line_error(l, a->v.col, e->err, -EINVAL,
							 "ret must be a number or $name");
			continue;
		}
		if (cmd->arg_kind != UAPI_ARG_STRUCT)
			return stream_line_error(l, a->col, e->err, -EINVAL,
						 "%s: unknown result '%s' (results: ret, errno)",
						 cmd->name, a->key);
		rc = sio_payload_key(cmd->payload, a->key, &pk, NULL);
		if (rc == 1) {
			const uapi_payload_t *p = cmd->payload;
			if (!(p->dir & UAPI_OUT))
				return stream_line_error(l, a->col, e->err, -EINVAL,
					"%s: the %s payload is read by the kernel, not written; '%s' "
					"cannot be a result", cmd->name, p->prefix, a->key);
			if (p->shape == UAPI_PAYLOAD_BITMAP) {
				f = NULL;
			} else {
				const uapi_payload_type_t *t = e->io->ptype;
				if (!t)
					t = sio_type_for(cmd, NULL, 0, false, pk.field);
				f = t ? uapi_payload_field(t, pk.field) : NULL;
				if (!f) {
					t = e->io->ptype ? e->io->ptype : &p->types[0];
					uapi_payload_field_list(t, list, sizeof(list));
					return stream_line_error(l, a->col, e->err, -EINVAL,
						"%s: unknown %s field '%s' (fields of %s: %s)",
						cmd->name, p->prefix, pk.field, t->struct_name,
						list);
				}
				if (!(f->dir & UAPI_OUT))
					return stream_line_error(l, a->col, e->err, -EINVAL,
						"%s: '%s' is not written by the kernel", cmd->name,
						a->key);
			}
		} else {
			f = uapi_ioctl_field(cmd, a->key);
			if (!f)
				return field_error_list(e, a, "unknown result field");
			if (!(f->dir & UAPI_OUT))
				return stream_line_error(l, a->col, e->err, -EINVAL,
					"%s: '%s' is not written by the kernel, so it cannot be a "
					"result", cmd->name, a->key);
		}
		if (a->v.kind == STREAM_REF)
			continue;
		if (f) {
			rc = sio_field_value(l, cmd, a->key, f, &a->v, NULL, &v, e->err);
		} else {
			char what[96];
			snprintf(what, sizeof(what), "%s: %s", cmd->name, a->key);
			rc = stream_value_u64(l, what, &a->v, NULL, &v, e->err);
		}
		if (rc)
			return rc;
	}
	return 0;
}

static int encode(const stream_line_t *l, const stream_vars_t *vars, bool placeholders,
		  stream_ioctl_t *io, iommusim_error_t *err)
{
	enc_t e = { .l = l, .vars = vars, .placeholders = placeholders, .io = io, .err = err };
	const char *name;
	int rc;

	memset(io, 0, sizeof(*io));
	if (l->kind != STREAM_LINE_COMMAND || !l->verb || strcmp(l->verb, STREAM_IOCTL_VERB))
		return stream_line_error(l, 1, err, -EINVAL, "not an '%s' line",
					 STREAM_IOCTL_VERB);
	if (l->npos < 2)
		return stream_line_error(l, 0, err, -EINVAL,
					 "ioctl needs a file descriptor and a command name: "
					 "'ioctl FD NAME key=value...'");
	if (l->npos > 2)
		return stream_line_error(l, l->pos[2].col, err, -EINVAL,
					 "ioctl takes FD and NAME; argument 3 is extra (fields are "
					 "written key=value)");
	if (l->pos[1].kind != STREAM_WORD)
		return stream_line_error(l, l->pos[1].col, err, -EINVAL,
					 "argument 2 must be an ioctl name like IOMMU_IOAS_MAP");
	name = l->pos[1].text;
	io->cmd = uapi_ioctl_by_name(name);
	if (!io->cmd) {
		const char *sug = uapi_ioctl_suggest(name);
		if (sug)
			return stream_line_error(l, l->pos[1].col, err, -EINVAL,
						 "unknown ioctl '%s' (did you mean %s?)", name, sug);
		return stream_line_error(l, l->pos[1].col, err, -EINVAL,
					 "unknown ioctl '%s' (names are those of the iommufd and "
					 "vfio uAPI, like IOMMU_IOAS_MAP)", name);
	}
	if (!(placeholders && l->pos[0].kind == STREAM_REF)) {
		rc = stream_value_u64(l, "argument 1 (file descriptor)", &l->pos[0], vars, &io->fd,
				      err);
		if (rc)
			goto fail;
	}
	rc = io->cmd->arg_kind == UAPI_ARG_STRUCT ? encode_struct(&e) : encode_scalar(&e);
	if (rc)
		goto fail;
	rc = check_results(&e);
	if (rc)
		goto fail;
	return 0;
fail:
	stream_ioctl_release(io);
	return rc;
}

int stream_ioctl_encode(const stream_line_t *l, const stream_vars_t *vars, stream_ioctl_t *io,
			iommusim_error_t *err)
{
	return encode(l, vars, false, io, err);
}

int stream_ioctl_validate(const stream_line_t *l, iommusim_error_t *err)
{
	stream_ioctl_t io;
	int rc = encode(l, NULL, true, &io, err);

	if (rc == 0)
		stream_ioctl_release(&io);
	return rc;
}

void stream_ioctl_release(stream_ioctl_t *io)
{
	if (!io)
		return;
	free(io->pdata);
	io->pdata = NULL;
	io->plen = 0;
}
