/* SPDX-License-Identifier: MIT */
/* Shared between the uapi table files: the per-family command arrays and field macros. */
#ifndef IOMMUSIM_UAPI_INTERNAL_H
#define IOMMUSIM_UAPI_INTERNAL_H

#include <stddef.h>

#include "host-shim/uapi/uapi_table.h"

extern const uapi_ioctl_t uapi_iommufd_ioctls[];
extern const size_t uapi_iommufd_nioctls;
extern const uapi_ioctl_t uapi_vfio_ioctls[];
extern const size_t uapi_vfio_nioctls;

#define UAPI_NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define UAPI_MEMBER_SIZE(type, member) sizeof(((type *)0)->member)

/* A field of struct type: F(type, member, "name", dir, fmt, attr, names). */
#define UAPI_F(type, member, fname, dir, fmt, attr, names)                           \
	{ (fname), (uint16_t)offsetof(type, member),                                  \
	  (uint8_t)UAPI_MEMBER_SIZE(type, member), (dir), (fmt), (attr), (names) }

#define UAPI_F_SIZE(type, member) \
	UAPI_F(type, member, #member, UAPI_IN, UAPI_FMT_DEC, UAPI_ATTR_SIZE, NULL)
#define UAPI_F_RSVD(type, member, fname) \
	UAPI_F(type, member, fname, UAPI_IN, UAPI_FMT_HEX, UAPI_ATTR_RESERVED, NULL)
#define UAPI_F_ID(type, member, dir) \
	UAPI_F(type, member, #member, dir, UAPI_FMT_DEC, 0, NULL)
#define UAPI_F_HEX(type, member, dir) \
	UAPI_F(type, member, #member, dir, UAPI_FMT_HEX, 0, NULL)
#define UAPI_F_PTR(type, member) \
	UAPI_F(type, member, #member, UAPI_IN, UAPI_FMT_HEX, UAPI_ATTR_PTR, NULL)
#define UAPI_F_FLAGS(type, member, dir, names) \
	UAPI_F(type, member, #member, dir, UAPI_FMT_FLAGS, 0, names)
#define UAPI_F_ENUM(type, member, dir, names) \
	UAPI_F(type, member, #member, dir, UAPI_FMT_ENUM, 0, names)

#define UAPI_FIELDS(arr) (arr), UAPI_NELEM(arr)

/* No flag check for VFIO commands whose flags field is output only. */
#define UAPI_FLAGS_ANY 0xffffffffu

#endif
