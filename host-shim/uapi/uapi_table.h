/* SPDX-License-Identifier: MIT */
/*
 * A table of every iommufd and vfio ioctl the shim knows: name <-> request number <-> fd kind
 * <-> argument struct (current size, smallest size the kernel accepts) <-> fields (name,
 * offset, width, direction, symbolic flag or value names), plus the typed payloads some
 * commands point to (HWPT_ALLOC data, invalidation entries, IOVA range arrays, ...).
 *
 * The stream layer reads and writes ioctl arguments by field name through this table; the
 * iommufd semantics use it to copy argument structs in with the kernel's size rules.
 * Field and flag names are the uAPI's: flags drop their common prefix where a stream writes
 * them (IOMMU_IOAS_MAP_FIXED_IOVA is FIXED_IOVA in field `flags` of IOMMU_IOAS_MAP).
 */
#ifndef IOMMUSIM_UAPI_TABLE_H
#define IOMMUSIM_UAPI_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iommusim/error.h"

/* Largest argument struct in the table, plus room for a caller's longer (newer) struct. */
#define UAPI_ARG_MAX 256

/* The kind of file an ioctl is issued on (a bit mask: some commands work on several). */
enum uapi_fd_kind {
	UAPI_FD_IOMMUFD   = 1u << 0,   /* /dev/iommu */
	UAPI_FD_CONTAINER = 1u << 1,   /* /dev/vfio/vfio, or /dev/iommu used as a container */
	UAPI_FD_GROUP     = 1u << 2,   /* /dev/vfio/N */
	UAPI_FD_DEVICE    = 1u << 3,   /* a VFIO device fd (cdev or group-obtained) */
	UAPI_FD_CDEV      = 1u << 4,   /* only a /dev/vfio/devices/vfioN device fd */
};

/* How the ioctl's third argument is passed. */
enum uapi_arg_kind {
	UAPI_ARG_STRUCT,    /* pointer to a struct whose first u32 is size/argsz */
	UAPI_ARG_NONE,      /* no argument */
	UAPI_ARG_VALUE,     /* an integer passed by value (the one field is its name) */
	UAPI_ARG_PTR_S32,   /* pointer to one s32 (VFIO_GROUP_SET_CONTAINER) */
	UAPI_ARG_STRING,    /* pointer to a NUL-terminated string (VFIO_GROUP_GET_DEVICE_FD) */
};

/* Which size rule the kernel applies to the struct. */
enum uapi_size_rule {
	UAPI_RULE_NONE,     /* not a sized struct */
	UAPI_RULE_IOMMUFD,  /* size >= min; longer: unknown tail must be zero (E2BIG) */
	UAPI_RULE_VFIO,     /* argsz >= min; extension flags need argsz >= their end; tail ignored */
};

enum uapi_dir {
	UAPI_IN    = 1u << 0,   /* read by the kernel */
	UAPI_OUT   = 1u << 1,   /* written by the kernel */
	UAPI_INOUT = UAPI_IN | UAPI_OUT,
};

/* How a value is shown in a stream. */
enum uapi_fmt {
	UAPI_FMT_DEC,       /* IDs, counts, fds */
	UAPI_FMT_HEX,       /* addresses, lengths, raw registers */
	UAPI_FMT_FLAGS,     /* bit names joined by '|' (names: one bit each) */
	UAPI_FMT_ENUM,      /* one name for the whole value (names: the values) */
};

/* Field attributes. */
enum uapi_attr {
	UAPI_ATTR_SIGNED   = 1u << 0,   /* s32 (fds) */
	UAPI_ATTR_RESERVED = 1u << 1,   /* must be zero; shown only when non-zero */
	UAPI_ATTR_SIZE     = 1u << 2,   /* the size/argsz field */
	UAPI_ATTR_PTR      = 1u << 3,   /* a user pointer */
};

/* Lists of names end with {NULL, 0}. */
typedef struct uapi_name {
	const char *name;
	uint64_t value;
} uapi_name_t;

typedef struct uapi_field {
	const char *name;
	uint16_t offset;
	uint8_t width;        /* bytes: 1, 2, 4 or 8 */
	uint8_t dir;          /* enum uapi_dir */
	uint8_t fmt;          /* enum uapi_fmt */
	uint8_t attr;         /* enum uapi_attr */
	const uapi_name_t *names;   /* flag bits or enum values, or NULL */
} uapi_field_t;

/* A VFIO flag that makes the kernel read fields past the minimum size. */
typedef struct uapi_flag_ext {
	uint32_t flag;
	uint16_t end;         /* argsz must be at least this with the flag set */
} uapi_flag_ext_t;

/* One type of payload struct, chosen by the value of the selector field. */
typedef struct uapi_payload_type {
	uint64_t selector;
	const char *struct_name;
	uint16_t size;        /* current size (array element size) */
	uint16_t min_size;    /* smallest length the kernel accepts */
	const uapi_field_t *fields;
	size_t nfields;
} uapi_payload_type_t;

enum uapi_payload_shape {
	UAPI_PAYLOAD_STRUCT,  /* one struct, byte length in len_field */
	UAPI_PAYLOAD_ARRAY,   /* count_field elements of elem_len_field (or the type's) bytes */
	UAPI_PAYLOAD_BITMAP,  /* u64 words covering length / page_size bits */
};

/* User memory an argument struct points to, addressed in streams as `prefix.field`
 * (STRUCT), `prefix.N.field` (ARRAY) or `prefix.N` (BITMAP word N). */
typedef struct uapi_payload {
	const char *prefix;          /* "data", "allowed_iovas" */
	uint8_t dir;                 /* enum uapi_dir: who fills it */
	uint8_t shape;               /* enum uapi_payload_shape */
	const char *ptr_field;       /* the user pointer field */
	const char *len_field;       /* STRUCT: byte length field */
	const char *count_field;     /* ARRAY: element count field */
	const char *elem_len_field;  /* ARRAY: element length field, or NULL (fixed) */
	const char *selector_field;  /* field choosing the type, or NULL (types[0]) */
	const uapi_payload_type_t *types;
	size_t ntypes;
} uapi_payload_t;

typedef struct uapi_ioctl {
	const char *name;            /* "IOMMU_IOAS_MAP" */
	uint32_t request;            /* 0x3b85 */
	uint8_t fd_kinds;            /* enum uapi_fd_kind mask */
	uint8_t arg_kind;            /* enum uapi_arg_kind */
	uint8_t rule;                /* enum uapi_size_rule */
	const char *struct_name;     /* "iommu_ioas_map", or NULL */
	uint16_t size;               /* current struct size (0 if not a struct) */
	uint16_t min_size;           /* smallest size/argsz accepted */
	uint32_t valid_flags;        /* VFIO: flags the kernel accepts (others: EINVAL) */
	const uapi_field_t *fields;
	size_t nfields;
	const uapi_flag_ext_t *exts; /* VFIO extension flags */
	size_t nexts;
	const uapi_payload_t *payload;   /* or NULL */
	const char *since;           /* first kernel with the command, "6.2" */
} uapi_ioctl_t;

/* ---- the table ------------------------------------------------------------------------ */

/* Every known ioctl: index 0..uapi_ioctl_count()-1, iommufd ones first in request order,
 * then VFIO ones. uapi_ioctl_at returns NULL past the end. */
size_t uapi_ioctl_count(void);
const uapi_ioctl_t *uapi_ioctl_at(size_t i);
/* By exact name ("IOMMU_IOAS_MAP"); NULL if unknown. */
const uapi_ioctl_t *uapi_ioctl_by_name(const char *name);
/* The known name closest to name (for "did you mean"), or NULL when nothing is close. */
const char *uapi_ioctl_suggest(const char *name);
/* By request number as issued on an fd of the given kind (UAPI_FD_*); NULL if unknown. */
const uapi_ioctl_t *uapi_ioctl_by_request(uint32_t request, unsigned fd_kind);

/* A field of the argument struct by name; NULL if unknown. */
const uapi_field_t *uapi_ioctl_field(const uapi_ioctl_t *cmd, const char *name);
/* A field of a payload type by name; NULL if unknown. */
const uapi_field_t *uapi_payload_field(const uapi_payload_type_t *t, const char *name);
/* The payload type for a selector value; NULL if that value has no payload. */
const uapi_payload_type_t *uapi_payload_type(const uapi_payload_t *p, uint64_t selector);

/* Writes "a, b, c" (the field names, reserved ones last) into buf. */
void uapi_ioctl_field_list(const uapi_ioctl_t *cmd, char *buf, size_t len);
void uapi_payload_field_list(const uapi_payload_type_t *t, char *buf, size_t len);
/* Writes the names of a flag/enum name list into buf, "A, B, C". */
void uapi_names_list(const uapi_name_t *names, char *buf, size_t len);

/* ---- reading and writing fields ------------------------------------------------------- */

/* Reads a field (zero-extended; a SIGNED field is sign-extended to 64 bits). buf must hold
 * offset + width bytes. */
uint64_t uapi_field_get(const uapi_field_t *f, const void *buf);
/* Writes the low width bytes of v. */
void uapi_field_set(const uapi_field_t *f, void *buf, uint64_t v);
/* Does v fit the field? (unsigned: v < 2^(8*width); signed: the sign-extended range) */
bool uapi_field_fits(const uapi_field_t *f, uint64_t v);

/* Looks a name up in a flag/enum list: 0 and *value, or -ENOENT. */
int uapi_name_lookup(const uapi_name_t *names, const char *name, uint64_t *value);
/* The name of value in an enum list, or NULL. */
const char *uapi_name_of(const uapi_name_t *names, uint64_t value);
/* Writes v as flag names joined by '|' ("READABLE|WRITEABLE"), bits no name covers as a
 * trailing "|0x..". Returns 0, or -1 (buf unspecified) when no named bit is set or the text
 * does not fit in len bytes: the caller then writes the number. */
int uapi_format_flags(const uapi_name_t *names, uint64_t v, char *buf, size_t len);

/* ---- size rules ----------------------------------------------------------------------- */

/* The kernel's extensible-struct copy (iommufd's rule). src holds src_size bytes as the
 * caller sent them; dst receives dst_size bytes.
 *   src_size < min_size          -> -EINVAL
 *   src_size <= dst_size         -> copy, zero-fill the rest, 0
 *   src_size >  dst_size         -> -E2BIG if any byte past dst_size is non-zero, else copy
 * err names the struct, the sizes and the first non-zero offset. */
int uapi_copy_struct(void *dst, size_t dst_size, size_t min_size, const void *src,
		     size_t src_size, const char *what, iommusim_error_t *err);

/* Copies an ioctl argument struct in with the command's rule. user holds avail bytes (the
 * whole buffer the caller made available); kbuf receives cmd->size bytes.
 * -EFAULT if avail < 4 or the size field claims more than avail. For UAPI_RULE_VFIO also
 * -EINVAL for unknown flags (outside valid_flags) and for an extension flag whose end lies
 * past argsz; bytes past min_size are copied only for extension flags that are set. */
int uapi_ioctl_copy_in(const uapi_ioctl_t *cmd, const void *user, size_t avail, void *kbuf,
		       iommusim_error_t *err);

/* ---- errno names ---------------------------------------------------------------------- */

/* "ENOENT" for ENOENT (positive); NULL if not in the table. */
const char *uapi_errno_name(int err);
/* ENOENT for "ENOENT"; 0 if unknown. */
int uapi_errno_by_name(const char *name);

#endif
