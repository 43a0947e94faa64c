/* SPDX-License-Identifier: MIT */
/* Small text helpers shared by every parser in the project (parameters, the stream format,
 * PCI addresses) and by "did you mean" suggestions. */
#ifndef IOMMUSIM_TEXT_H
#define IOMMUSIM_TEXT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Longest name iommusim_strdist compares; longer names are never suggested. */
#define IOMMUSIM_STRDIST_MAX_LEN 128

/* Optimal-string-alignment edit distance (insert, delete, substitute, swap neighbours),
 * or SIZE_MAX if either string is longer than IOMMUSIM_STRDIST_MAX_LEN. */
size_t iommusim_strdist(const char *a, const char *b);

/* The value of hexadecimal digit c (0-9, a-f, A-F), or -1. */
int iommusim_hex_digit(int c);

#ifdef __cplusplus
}
#endif
#endif
