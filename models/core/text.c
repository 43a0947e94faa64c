/* SPDX-License-Identifier: MIT */
#include "iommusim/text.h"

#include <stdint.h>
#include <string.h>

size_t iommusim_strdist(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t r0[IOMMUSIM_STRDIST_MAX_LEN + 1], r1[IOMMUSIM_STRDIST_MAX_LEN + 1], r2[IOMMUSIM_STRDIST_MAX_LEN + 1];
	size_t *pp = r0, *p = r1, *c = r2;

	if (la > IOMMUSIM_STRDIST_MAX_LEN || lb > IOMMUSIM_STRDIST_MAX_LEN)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		p[j] = j;
	for (size_t i = 1; i <= la; i++) {
		c[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t v = p[j - 1] + (a[i - 1] != b[j - 1]);
			if (p[j] + 1 < v)
				v = p[j] + 1;
			if (c[j - 1] + 1 < v)
				v = c[j - 1] + 1;
			/* a transposition of neighbours counts as one edit */
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

int iommusim_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
