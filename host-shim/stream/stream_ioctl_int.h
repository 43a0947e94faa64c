/* SPDX-License-Identifier: MIT */
/* Helpers shared by the two halves of the ioctl layer (encode, and check/describe). */
#ifndef IOMMUSIM_STREAM_IOCTL_INT_H
#define IOMMUSIM_STREAM_IOCTL_INT_H

#include "host-shim/stream/stream_ioctl.h"
#include "host-shim/stream/stream_internal.h"

/* A key that names payload memory: prefix.field (STRUCT), prefix.N.field (ARRAY),
 * prefix.N (BITMAP). */
typedef struct sio_pkey {
	unsigned long index;   /* ARRAY, BITMAP */
	const char *field;     /* STRUCT, ARRAY: points into the key */
} sio_pkey_t;

/* 1 if key belongs to payload p (and fills pk), 0 if not, -EINVAL if it starts with the
 * prefix but is malformed (message in err, without line context). */
int sio_payload_key(const uapi_payload_t *p, const char *key, sio_pkey_t *pk,
		    iommusim_error_t *err);

/* The value of v for field f (flags/enum names, sign, width checked). */
int sio_field_value(const stream_line_t *l, const uapi_ioctl_t *cmd, const char *key,
		    const uapi_field_t *f, const stream_value_t *v, const stream_vars_t *vars,
		    uint64_t *out, iommusim_error_t *err);

/* A stream value showing raw value x of field f: names for flags/enums, hex or decimal.
 * Text values point into buf. */
void sio_value_for(const uapi_field_t *f, uint64_t x, stream_value_t *out, char *buf,
		   size_t buflen);

/* The payload type for a payload key when it is known (selector read from arg), or the
 * first type that has the field (when the selector is an output). */
const uapi_payload_type_t *sio_type_for(const uapi_ioctl_t *cmd, const void *arg,
					size_t arg_len, bool selector_known,
					const char *field);

/* The selector value in arg; false if the selector lies past arg_len. */
bool sio_selector(const uapi_ioctl_t *cmd, const void *arg, size_t arg_len, uint64_t *sel);

/* "VTD_S1, ARM_SMMUV3" -- the selector names that have a payload type. */
void sio_type_names(const uapi_ioctl_t *cmd, char *buf, size_t len);

#endif
