/* SPDX-License-Identifier: MIT */
/*
 * The kernel's size rules for ioctl argument structs.
 *
 * iommufd (and VFIO bind since 6.17): the caller's first u32 is the size of the struct it
 * knows. Shorter than the minimum: EINVAL. Shorter than the current struct: the missing
 * fields read as zero (an older caller). Longer: the bytes the kernel does not know must be
 * zero, otherwise E2BIG (a newer caller asking for something this kernel cannot do).
 *
 * VFIO: argsz must reach the minimum (EINVAL); fields past it are read only when a flag
 * asks for them, and then argsz must reach that flag's end (EINVAL); unknown flags are
 * EINVAL; trailing bytes are never inspected.
 */
#include <errno.h>
#include <string.h>

#include "host-shim/uapi/uapi_internal.h"

int uapi_copy_struct(void *dst, size_t dst_size, size_t min_size, const void *src,
		     size_t src_size, const char *what, iommusim_error_t *err)
{
	const uint8_t *s = src;

	if (!what)
		what = "struct";
	if (src_size < min_size)
		return iommusim_error_set(err, -EINVAL,
					  "%s: size %zu is below the minimum %zu the kernel accepts",
					  what, src_size, min_size);
	if (src_size > dst_size) {
		for (size_t i = dst_size; i < src_size; i++) {
			if (s[i] != 0)
				return iommusim_error_set(err, -E2BIG,
					"%s: size %zu is larger than the %zu bytes this kernel knows "
					"and byte %zu of the unknown tail is 0x%02x (must be zero)",
					what, src_size, dst_size, i, s[i]);
		}
		memcpy(dst, src, dst_size);
		return 0;
	}
	memcpy(dst, src, src_size);
	memset((uint8_t *)dst + src_size, 0, dst_size - src_size);
	return 0;
}

static uint32_t read_le32(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

static int vfio_copy_in(const uapi_ioctl_t *cmd, const uint8_t *user, uint32_t argsz,
			void *kbuf, iommusim_error_t *err)
{
	const uapi_field_t *flags_f = uapi_ioctl_field(cmd, "flags");
	uint32_t flags = 0;

	if (argsz < cmd->min_size)
		return iommusim_error_set(err, -EINVAL,
					  "%s: argsz %u is below the minimum %u the kernel accepts",
					  cmd->name, argsz, cmd->min_size);
	memset(kbuf, 0, cmd->size);
	memcpy(kbuf, user, cmd->min_size);
	if (!flags_f || cmd->valid_flags == UAPI_FLAGS_ANY)
		return 0;
	flags = (uint32_t)uapi_field_get(flags_f, kbuf);
	if (flags & ~cmd->valid_flags)
		return iommusim_error_set(err, -EINVAL,
					  "%s: flags 0x%x has bits 0x%x this kernel does not know",
					  cmd->name, flags, flags & ~cmd->valid_flags);
	for (size_t i = 0; i < cmd->nexts; i++) {
		const uapi_flag_ext_t *x = &cmd->exts[i];
		if (!(flags & x->flag))
			continue;
		if (argsz < x->end)
			return iommusim_error_set(err, -EINVAL,
				"%s: flag 0x%x needs argsz >= %u but argsz is %u", cmd->name,
				x->flag, x->end, argsz);
		size_t end = x->end < cmd->size ? x->end : cmd->size;
		if (end > cmd->min_size)
			memcpy((uint8_t *)kbuf + cmd->min_size, user + cmd->min_size,
			       end - cmd->min_size);
	}
	return 0;
}

int uapi_ioctl_copy_in(const uapi_ioctl_t *cmd, const void *user, size_t avail, void *kbuf,
		       iommusim_error_t *err)
{
	uint32_t size;

	if (!cmd || cmd->arg_kind != UAPI_ARG_STRUCT)
		return iommusim_error_set(err, -EINVAL, "%s takes no argument struct",
					  cmd ? cmd->name : "(null)");
	if (avail < 4)
		return iommusim_error_set(err, -EFAULT,
					  "%s: only %zu bytes readable, cannot read the size field",
					  cmd->name, avail);
	size = read_le32(user);
	if (size > avail)
		return iommusim_error_set(err, -EFAULT,
					  "%s: size field says %u bytes but only %zu are readable",
					  cmd->name, size, avail);
	if (cmd->rule == UAPI_RULE_VFIO)
		return vfio_copy_in(cmd, user, size, kbuf, err);
	return uapi_copy_struct(kbuf, cmd->size, cmd->min_size, user, size, cmd->name, err);
}
