/* SPDX-License-Identifier: MIT */
/*
 * Errors are values (DESIGN.md §2.6). Every fallible function returns 0 or a negative errno
 * and, when given an iommusim_error_t, fills it with a message that names what was wrong
 * (the key, the address and field, the file:line) and what to do.
 */
#ifndef IOMMUSIM_ERROR_H
#define IOMMUSIM_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define IOMMUSIM_ERROR_MSG_MAX 512

typedef struct iommusim_error {
	int code;                           /* negative errno, 0 when no error */
	char msg[IOMMUSIM_ERROR_MSG_MAX];   /* human-readable, one line, no trailing newline */
} iommusim_error_t;

/* Records an error in err (if non-NULL) and returns code, so callers can write
 * `return iommusim_error_set(err, -EINVAL, "...", ...);`. code must be negative. */
int iommusim_error_set(iommusim_error_t *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefixes the message already in err with "prefix: " (for adding file:line context). */
void iommusim_error_prefix(iommusim_error_t *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Clears err (code 0, empty message). */
void iommusim_error_clear(iommusim_error_t *err);

#ifdef __cplusplus
}
#endif
#endif
