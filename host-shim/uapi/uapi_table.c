/* SPDX-License-Identifier: MIT */
/* Lookups over the ioctl table, field access, name lists and errno names. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "host-shim/uapi/uapi_internal.h"

/* The two family tables, walked in order: iommufd, then VFIO. */
static const uapi_ioctl_t *nth_ioctl(size_t i)
{
	if (i < uapi_iommufd_nioctls)
		return &uapi_iommufd_ioctls[i];
	i -= uapi_iommufd_nioctls;
	if (i < uapi_vfio_nioctls)
		return &uapi_vfio_ioctls[i];
	return NULL;
}

size_t uapi_ioctl_count(void)
{
	return uapi_iommufd_nioctls + uapi_vfio_nioctls;
}

const uapi_ioctl_t *uapi_ioctl_at(size_t i)
{
	return nth_ioctl(i);
}

const uapi_ioctl_t *uapi_ioctl_by_name(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; nth_ioctl(i); i++)
		if (strcmp(nth_ioctl(i)->name, name) == 0)
			return nth_ioctl(i);
	return NULL;
}

const uapi_ioctl_t *uapi_ioctl_by_request(uint32_t request, unsigned fd_kind)
{
	for (size_t i = 0; nth_ioctl(i); i++) {
		const uapi_ioctl_t *c = nth_ioctl(i);
		if (c->request == request && (c->fd_kinds & fd_kind))
			return c;
	}
	return NULL;
}

/* Edit distance, case-insensitive, capped (the strings are short identifiers). */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t row[64];

	if (la >= 63 || lb >= 63)
		return (size_t)-1;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t cost = toupper((unsigned char)a[i - 1]) ==
				      toupper((unsigned char)b[j - 1]) ? 0 : 1;
			size_t best = diag + cost;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			if (up + 1 < best)
				best = up + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

static bool ends_with_ci(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);
	if (lx == 0 || lx > ls)
		return false;
	for (size_t i = 0; i < lx; i++)
		if (toupper((unsigned char)s[ls - lx + i]) != toupper((unsigned char)suffix[i]))
			return false;
	return ls == lx || s[ls - lx - 1] == '_';
}

const char *uapi_ioctl_suggest(const char *name)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1;

	if (!name || !*name)
		return NULL;
	for (size_t i = 0; nth_ioctl(i); i++) {
		const char *cand = nth_ioctl(i)->name;
		if (ends_with_ci(cand, name))
			return cand;
		size_t d = edit_distance(name, cand);
		if (d < best_d) {
			best_d = d;
			best = cand;
		}
	}
	return best_d <= 3 ? best : NULL;
}

const uapi_field_t *uapi_ioctl_field(const uapi_ioctl_t *cmd, const char *name)
{
	for (size_t i = 0; cmd && i < cmd->nfields; i++)
		if (strcmp(cmd->fields[i].name, name) == 0)
			return &cmd->fields[i];
	return NULL;
}

const uapi_field_t *uapi_payload_field(const uapi_payload_type_t *t, const char *name)
{
	for (size_t i = 0; t && i < t->nfields; i++)
		if (strcmp(t->fields[i].name, name) == 0)
			return &t->fields[i];
	return NULL;
}

const uapi_payload_type_t *uapi_payload_type(const uapi_payload_t *p, uint64_t selector)
{
	if (!p)
		return NULL;
	if (!p->selector_field)
		return p->ntypes ? &p->types[0] : NULL;
	for (size_t i = 0; i < p->ntypes; i++)
		if (p->types[i].selector == selector)
			return &p->types[i];
	return NULL;
}

/* Appends s to buf (bounded, always terminated). */
static void append(char *buf, size_t len, size_t *pos, const char *s)
{
	size_t n = strlen(s);
	if (*pos >= len)
		return;
	if (n > len - 1 - *pos)
		n = len - 1 - *pos;
	memcpy(buf + *pos, s, n);
	*pos += n;
	buf[*pos] = '\0';
}

static void field_list(const uapi_field_t *f, size_t n, char *buf, size_t len)
{
	size_t pos = 0;
	bool first = true;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < n; i++) {
			bool rsvd = (f[i].attr & UAPI_ATTR_RESERVED) != 0;
			if (rsvd != (pass == 1))
				continue;
			if (!first)
				append(buf, len, &pos, ", ");
			append(buf, len, &pos, f[i].name);
			first = false;
		}
	}
}

void uapi_ioctl_field_list(const uapi_ioctl_t *cmd, char *buf, size_t len)
{
	field_list(cmd->fields, cmd->nfields, buf, len);
}

void uapi_payload_field_list(const uapi_payload_type_t *t, char *buf, size_t len)
{
	field_list(t->fields, t->nfields, buf, len);
}

void uapi_names_list(const uapi_name_t *names, char *buf, size_t len)
{
	size_t pos = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (size_t i = 0; names && names[i].name; i++) {
		if (i)
			append(buf, len, &pos, ", ");
		append(buf, len, &pos, names[i].name);
	}
}

uint64_t uapi_field_get(const uapi_field_t *f, const void *buf)
{
	const uint8_t *p = (const uint8_t *)buf + f->offset;
	uint64_t v = 0;

	/* Little-endian, as the uAPI is on every iommufd platform. */
	for (unsigned i = 0; i < f->width; i++)
		v |= (uint64_t)p[i] << (8 * i);
	if ((f->attr & UAPI_ATTR_SIGNED) && f->width < 8 && (v >> (8 * f->width - 1)) & 1)
		v |= ~0ull << (8 * f->width);
	return v;
}

void uapi_field_set(const uapi_field_t *f, void *buf, uint64_t v)
{
	uint8_t *p = (uint8_t *)buf + f->offset;

	for (unsigned i = 0; i < f->width; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

bool uapi_field_fits(const uapi_field_t *f, uint64_t v)
{
	if (f->width >= 8)
		return true;
	unsigned bits = 8u * f->width;
	if (f->attr & UAPI_ATTR_SIGNED) {
		/* v is a sign-extended 64-bit value: it fits if bits above the sign agree. */
		uint64_t top = v >> (bits - 1);
		return top == 0 || top == (~0ull >> (bits - 1));
	}
	return (v >> bits) == 0;
}

int uapi_name_lookup(const uapi_name_t *names, const char *name, uint64_t *value)
{
	for (size_t i = 0; names && names[i].name; i++) {
		if (strcmp(names[i].name, name) == 0) {
			*value = names[i].value;
			return 0;
		}
	}
	return -ENOENT;
}

const char *uapi_name_of(const uapi_name_t *names, uint64_t value)
{
	for (size_t i = 0; names && names[i].name; i++)
		if (names[i].value == value)
			return names[i].name;
	return NULL;
}

int uapi_format_flags(const uapi_name_t *names, uint64_t v, char *buf, size_t len)
{
	size_t pos = 0;
	uint64_t left = v;

	if (!names || !len)
		return -1;
	buf[0] = '\0';
	for (size_t i = 0; names[i].name; i++) {
		uint64_t bit = names[i].value;
		if (bit && (left & bit) == bit) {
			int n = snprintf(buf + pos, len - pos, "%s%s", pos ? "|" : "", names[i].name);
			if (n < 0 || (size_t)n >= len - pos)
				return -1;
			pos += (size_t)n;
			left &= ~bit;
		}
	}
	if (pos == 0)
		return -1;
	if (left) {
		int n = snprintf(buf + pos, len - pos, "|0x%" PRIx64, left);
		if (n < 0 || (size_t)n >= len - pos)
			return -1;
	}
	return 0;
}

/* ---- errno names ------------------------------------------------------------------------ */

static const struct {
	const char *name;
	int value;
} errnos[] = {
	{ "EPERM", EPERM }, { "ENOENT", ENOENT }, { "ESRCH", ESRCH }, { "EINTR", EINTR },
	{ "EIO", EIO }, { "ENXIO", ENXIO }, { "E2BIG", E2BIG }, { "EBADF", EBADF },
	{ "EAGAIN", EAGAIN }, { "ENOMEM", ENOMEM }, { "EACCES", EACCES }, { "EFAULT", EFAULT },
	{ "EBUSY", EBUSY }, { "EEXIST", EEXIST }, { "ENODEV", ENODEV }, { "EINVAL", EINVAL },
	{ "ENFILE", ENFILE }, { "EMFILE", EMFILE }, { "ENOTTY", ENOTTY }, { "ENOSPC", ENOSPC },
	{ "ERANGE", ERANGE }, { "ENOSYS", ENOSYS }, { "EMSGSIZE", EMSGSIZE },
	{ "EOPNOTSUPP", EOPNOTSUPP }, { "ENOTSUP", ENOTSUP }, { "EOVERFLOW", EOVERFLOW },
	{ "EBADFD", EBADFD }, { "ETIMEDOUT", ETIMEDOUT }, { "EDEADLK", EDEADLK },
	{ "ENOTCONN", ENOTCONN }, { "ECANCELED", ECANCELED }, { "ENODATA", ENODATA },
};

const char *uapi_errno_name(int err)
{
	if (err < 0)
		err = -err;
	for (size_t i = 0; i < UAPI_NELEM(errnos); i++)
		if (errnos[i].value == err)
			return errnos[i].name;
	return NULL;
}

int uapi_errno_by_name(const char *name)
{
	for (size_t i = 0; name && i < UAPI_NELEM(errnos); i++)
		if (strcmp(errnos[i].name, name) == 0)
			return errnos[i].value;
	return 0;
}
