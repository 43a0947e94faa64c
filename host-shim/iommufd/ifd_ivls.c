/* SPDX-License-Identifier: MIT */
/* Sorted lists of closed IOVA ranges (the reserved and allowed "interval trees"). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/iommufd/ifd_internal.h"

int ifd_ivls_insert(ifd_ivls_t *l, uint64_t start, uint64_t last, const void *owner)
{
	size_t pos = 0;

	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 8;
		ifd_ivl_t *v = realloc(l->v, nc * sizeof(*v));
		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = nc;
	}
	while (pos < l->n && (l->v[pos].start < start ||
			      (l->v[pos].start == start && l->v[pos].last <= last)))
		pos++;
	memmove(&l->v[pos + 1], &l->v[pos], (l->n - pos) * sizeof(*l->v));
	l->v[pos] = (ifd_ivl_t){start, last, owner};
	l->n++;
	return 0;
}

void ifd_ivls_remove_owner(ifd_ivls_t *l, const void *owner)
{
	size_t w = 0;
	for (size_t r = 0; r < l->n; r++)
		if (l->v[r].owner != owner)
			l->v[w++] = l->v[r];
	l->n = w;
}

const ifd_ivl_t *ifd_ivls_find(const ifd_ivls_t *l, uint64_t start, uint64_t last)
{
	for (size_t i = 0; i < l->n && l->v[i].start <= last; i++)
		if (l->v[i].last >= start)
			return &l->v[i];
	return NULL;
}

void ifd_ivls_clear(ifd_ivls_t *l)
{
	free(l->v);
	*l = (ifd_ivls_t){0};
}

int ifd_ivls_union(const ifd_ivls_t *l, ifd_ivl_t **out, size_t *n)
{
	ifd_ivl_t *u = NULL;
	size_t k = 0;

	if (l->n) {
		u = malloc(l->n * sizeof(*u));
		if (!u)
			return -ENOMEM;
	}
	for (size_t i = 0; i < l->n; i++) {
		if (k && (l->v[i].start <= u[k - 1].last ||
			  (u[k - 1].last != UINT64_MAX && l->v[i].start == u[k - 1].last + 1))) {
			if (l->v[i].last > u[k - 1].last)
				u[k - 1].last = l->v[i].last;
			continue;
		}
		u[k++] = (ifd_ivl_t){l->v[i].start, l->v[i].last, NULL};
	}
	*out = u;
	*n = k;
	return 0;
}
