/* SPDX-License-Identifier: MIT */
/*
 * `ioctl` lines <-> argument bytes, through the uapi field table.
 *
 *   ioctl FD NAME field=value ... [payload.field=value ...] [-> result=value ...]
 *
 * FD is a number or $name; NAME an ioctl of uapi_table.h. Fields are the uAPI's names; flag
 * fields take NAME|NAME|0x.. and enum fields one NAME or a number. `size` (or `argsz`)
 * defaults to the current struct size; giving another value describes an older or newer
 * caller, and `_tail=V` fills the bytes past the known struct (to exercise E2BIG).
 *
 * Payloads (user memory the struct points to) are written with their prefix:
 *   data.flags=SRE data.pgtbl_addr=0x5000     HWPT_ALLOC with data_type=VTD_S1
 *   data.0.addr=0x1000 data.0.npages=1        HWPT_INVALIDATE entries
 *   allowed_iovas.0.start=0 ...               IOAS_ALLOW_IOVAS / IOAS_IOVA_RANGES
 *   data.3=0x10                               GET_DIRTY_BITMAP word 3
 * Their length/count fields (data_len, entry_len, entry_num, num_iovas) are filled in when
 * the line does not give them; the pointer field is left 0 for the replay to place the
 * payload (io->ptr_given says whether the line set it).
 *
 * Results: `errno=NAME` (the call fails with that errno), `ret=N` (the return value), and
 * fields the kernel writes, including payload fields. A `$name` result binds the value the
 * first time and is compared afterwards; any other value is compared.
 */
#ifndef IOMMUSIM_STREAM_IOCTL_H
#define IOMMUSIM_STREAM_IOCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host-shim/stream/stream.h"
#include "host-shim/uapi/uapi_table.h"

#define STREAM_IOCTL_VERB        "ioctl"
#define STREAM_IOCTL_PAYLOAD_MAX (1u << 20)   /* bytes of payload a line can describe */

typedef struct stream_ioctl {
	const uapi_ioctl_t *cmd;
	uint64_t fd;                  /* argument 1 */
	/* STRUCT: the struct as the caller passes it (arg_len = its size field, which may be
	 * below or above cmd->size); PTR_S32: the s32 (arg_len 4); STRING: the text with its
	 * NUL (arg_len = strlen + 1); VALUE and NONE: arg_len 0. */
	uint8_t arg[UAPI_ARG_MAX];
	uint32_t arg_len;
	uint64_t value;               /* VALUE: the integer passed by value */
	const uapi_payload_t *payload;      /* cmd->payload when the line has one, else NULL */
	const uapi_payload_type_t *ptype;   /* its type when known before the call */
	uint8_t *pdata;               /* IN: the bytes; OUT: zeroed room of plen bytes */
	size_t plen;
	bool ptr_given;               /* the line set the payload pointer field itself */
} stream_ioctl_t;

/* Encodes an `ioctl` line. Resolves $names through vars (may be NULL when the line has
 * none). Also checks the result part (known, kernel-written fields; valid names), so a bad
 * line fails before anything runs. Errors: "file:line:col: NAME: ..." listing the valid
 * fields or names. On success release io with stream_ioctl_release. */
int stream_ioctl_encode(const stream_line_t *l, const stream_vars_t *vars, stream_ioctl_t *io,
			iommusim_error_t *err);
void stream_ioctl_release(stream_ioctl_t *io);

/* Checks an encoded line without bindings: $names in the call part are accepted as
 * placeholders. For `iommusim trace print` and static validation. */
int stream_ioctl_validate(const stream_line_t *l, iommusim_error_t *err);

typedef struct stream_mismatch {
	const char *key;              /* the result key ("errno", "out_ioas_id", "data.0.addr") */
	unsigned col;
	char expected[80];
	char got[80];
} stream_mismatch_t;

typedef void (*stream_mismatch_fn)(void *ctx, const stream_line_t *l,
				   const stream_mismatch_t *m);

/* Compares the line's results with what the call did: after = the argument bytes after the
 * call (io->arg_len bytes for a STRUCT), pafter = the payload after the call (plen bytes),
 * ret = the return value (>= 0) or -errno. Binds $names seen for the first time. Each
 * mismatch goes to cb (may be NULL); returns the number of mismatches, or a negative errno
 * for a line that cannot be checked. Without `errno=` a failing call is a mismatch; with it
 * a succeeding one is. */
int stream_ioctl_check(const stream_line_t *l, const stream_ioctl_t *io, const void *after,
		       const void *pafter, size_t plen, long ret, stream_vars_t *vars,
		       stream_mismatch_fn cb, void *ctx, iommusim_error_t *err);

/* For recording: fills l (verb, fd, name, the fields the caller set and its input payload)
 * from a call's arguments. arg: the argument struct (arg_len bytes; for VALUE pass NULL and
 * value), payload: input payload bytes or NULL. */
int stream_ioctl_describe_call(stream_line_t *l, const uapi_ioctl_t *cmd, uint64_t fd,
			       const void *arg, size_t arg_len, uint64_t value,
			       const void *payload, size_t plen, iommusim_error_t *err);
/* Adds the results: errno= on failure, ret= when non-zero, the fields the kernel wrote (all
 * out fields on success; on failure the ones that changed from before) and the output
 * payload. */
int stream_ioctl_describe_result(stream_line_t *l, const uapi_ioctl_t *cmd,
				 const void *before, const void *after, size_t arg_len,
				 const void *pafter, size_t plen, long ret,
				 iommusim_error_t *err);

#endif
