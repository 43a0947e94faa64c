/* SPDX-License-Identifier: MIT */
/* String distance for "did you mean" suggestions (parameters, statistics, stream keys). */
#ifndef IOMMUSIM_STRDIST_H
#define IOMMUSIM_STRDIST_H

#include <stddef.h>

/* Longest name compared; longer names are never suggested. */
#define STRDIST_MAX_LEN 128

/* Optimal-string-alignment edit distance (insert, delete, substitute, swap neighbours),
 * or SIZE_MAX if either string is longer than STRDIST_MAX_LEN. */
size_t iommusim_strdist(const char *a, const char *b);

#endif
