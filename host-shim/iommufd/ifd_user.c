/* SPDX-License-Identifier: MIT */
/*
 * User memory access for the handlers (copy_from_user / copy_to_user against the
 * simulated process), and the user-data helpers drivers call (Linux
 * iommu_copy_struct_from_user and iommu_copy_struct_from_user_array).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/iommufd/ifd_internal.h"

int ifd_copy_from_user(ifd_ctx_t *ctx, uint64_t uptr, void *dst, size_t len)
{
	return ifd_mm_read(&ctx->sys->mm, uptr, dst, len);
}

int ifd_copy_to_user(ifd_ctx_t *ctx, uint64_t uptr, const void *src, size_t len)
{
	return ifd_mm_write(&ctx->sys->mm, uptr, src, len);
}

/* copy_struct_from_user: a shorter source is zero-extended, a longer one needs a zero tail. */
static int copy_struct(struct ifd_mm *mm, void *dst, size_t dst_size, uint64_t uptr,
		       size_t src_size, const char *what, iommusim_error_t *err)
{
	size_t n = src_size < dst_size ? src_size : dst_size;

	memset(dst, 0, dst_size);
	if (ifd_mm_read(mm, uptr, dst, n))
		return iommusim_error_set(err, -EFAULT, "%s: cannot read %zu bytes at user "
					  "address 0x%llx", what, n, (unsigned long long)uptr);
	for (size_t off = dst_size; off < src_size; off++) {
		uint8_t b;
		if (ifd_mm_read(mm, uptr + off, &b, 1))
			return iommusim_error_set(err, -EFAULT, "%s: cannot read user address "
						  "0x%llx", what,
						  (unsigned long long)(uptr + off));
		if (b)
			return iommusim_error_set(err, -E2BIG,
				"%s: %zu bytes given but this kernel knows %zu and byte %zu is 0x%02x "
				"(unknown bytes must be zero)", what, src_size, dst_size, off, b);
	}
	return 0;
}

int drv_user_data_copy(const drv_user_data_t *d, uint32_t want_type, void *dst,
		       size_t dst_size, size_t min_size, iommusim_error_t *err)
{
	if (!d || !dst)
		return iommusim_error_set(err, -EINVAL, "user data: nothing to copy");
	if (d->type != want_type)
		return iommusim_error_set(err, -EINVAL, "user data type %u, expected %u",
					  d->type, want_type);
	if (d->len < min_size)
		return iommusim_error_set(err, -EINVAL,
			"user data of type %u: data_len %u is below the minimum %zu", d->type,
			d->len, min_size);
	return copy_struct(d->mm, dst, dst_size, d->uptr, d->len, "user data", err);
}

int drv_user_data_write(const drv_user_data_t *d, const void *src, size_t len,
			iommusim_error_t *err)
{
	if (len > d->len)
		len = d->len;
	if (ifd_mm_write(d->mm, d->uptr, src, len))
		return iommusim_error_set(err, -EFAULT, "cannot write %zu bytes of output data at "
					  "user address 0x%llx", len,
					  (unsigned long long)d->uptr);
	return 0;
}

int drv_user_array_copy_entry(const drv_user_array_t *a, uint32_t index, uint32_t want_type,
			      void *dst, size_t dst_size, size_t min_size, iommusim_error_t *err)
{
	if (!a || !dst)
		return iommusim_error_set(err, -EINVAL, "user array: nothing to copy");
	if (a->type != want_type)
		return iommusim_error_set(err, -EINVAL, "invalidation data_type %u, expected %u",
					  a->type, want_type);
	if (a->entry_len < min_size)
		return iommusim_error_set(err, -EINVAL,
			"entry_len %u is below the minimum %zu for data_type %u", a->entry_len,
			min_size, a->type);
	if (index >= a->entry_num)
		return iommusim_error_set(err, -EINVAL, "entry %u past entry_num %u", index,
					  a->entry_num);
	uint64_t uptr = a->uptr + (uint64_t)index * a->entry_len;
	char what[48];
	snprintf(what, sizeof(what), "invalidation entry %u", index);
	return copy_struct(a->mm, dst, dst_size, uptr, a->entry_len, what, err);
}
