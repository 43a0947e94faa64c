/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "iommusim/error.h"

int iommusim_error_set(iommusim_error_t *err, int code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return code;
}

void iommusim_error_prefix(iommusim_error_t *err, const char *fmt, ...)
{
	char prefix[IOMMUSIM_ERROR_MSG_MAX];
	char old[IOMMUSIM_ERROR_MSG_MAX];
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	/* Truncation is intended: the message stays one bounded line. */
	size_t n = strnlen(prefix, sizeof(err->msg) - 1);
	memcpy(err->msg, prefix, n);
	size_t room = sizeof(err->msg) - 1 - n;
	size_t sep = room < 2 ? room : 2;
	memcpy(err->msg + n, ": ", sep);
	n += sep;
	room -= sep;
	size_t rest = strnlen(old, room);
	memcpy(err->msg + n, old, rest);
	err->msg[n + rest] = '\0';
}

void iommusim_error_clear(iommusim_error_t *err)
{
	if (err) {
		err->code = 0;
		err->msg[0] = '\0';
	}
}
