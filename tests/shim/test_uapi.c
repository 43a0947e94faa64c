/* SPDX-License-Identifier: MIT */
/*
 * The uapi definitions against values written out by hand from the uAPI (request numbers,
 * struct sizes, minimum sizes, field offsets and widths, flag values), and the size rules.
 */
#include "tests/support/test.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/uapi/iommufd_abi.h"
#include "host-shim/uapi/uapi_table.h"
#include "host-shim/uapi/vfio_abi.h"

/* name, request, size, minimum size -- from interfaces.md §A.1/§B.1 and the kernel's
 * dispatch table (min = end of the last field of each command's first version). */
static const struct {
	const char *name;
	uint32_t request;
	unsigned size, min;
} commands[] = {
	{ "IOMMU_DESTROY", 0x3b80, 8, 8 },
	{ "IOMMU_IOAS_ALLOC", 0x3b81, 12, 12 },
	{ "IOMMU_IOAS_ALLOW_IOVAS", 0x3b82, 24, 24 },
	{ "IOMMU_IOAS_COPY", 0x3b83, 40, 40 },
	{ "IOMMU_IOAS_IOVA_RANGES", 0x3b84, 32, 32 },
	{ "IOMMU_IOAS_MAP", 0x3b85, 40, 40 },
	{ "IOMMU_IOAS_UNMAP", 0x3b86, 24, 24 },
	{ "IOMMU_OPTION", 0x3b87, 24, 24 },
	{ "IOMMU_VFIO_IOAS", 0x3b88, 12, 12 },
	{ "IOMMU_HWPT_ALLOC", 0x3b89, 48, 24 },
	{ "IOMMU_GET_HW_INFO", 0x3b8a, 40, 32 },
	{ "IOMMU_HWPT_SET_DIRTY_TRACKING", 0x3b8b, 16, 16 },
	{ "IOMMU_HWPT_GET_DIRTY_BITMAP", 0x3b8c, 48, 48 },
	{ "IOMMU_HWPT_INVALIDATE", 0x3b8d, 32, 32 },
	{ "IOMMU_FAULT_QUEUE_ALLOC", 0x3b8e, 16, 16 },
	{ "IOMMU_IOAS_MAP_FILE", 0x3b8f, 40, 40 },
	{ "IOMMU_VIOMMU_ALLOC", 0x3b90, 40, 24 },
	{ "IOMMU_VDEVICE_ALLOC", 0x3b91, 24, 24 },
	{ "IOMMU_IOAS_CHANGE_PROCESS", 0x3b92, 8, 8 },
	{ "IOMMU_VEVENTQ_ALLOC", 0x3b93, 32, 28 },
	{ "IOMMU_HW_QUEUE_ALLOC", 0x3b94, 40, 40 },
	{ "VFIO_GET_API_VERSION", 0x3b64, 0, 0 },
	{ "VFIO_CHECK_EXTENSION", 0x3b65, 0, 0 },
	{ "VFIO_SET_IOMMU", 0x3b66, 0, 0 },
	{ "VFIO_GROUP_GET_STATUS", 0x3b67, 8, 8 },
	{ "VFIO_GROUP_SET_CONTAINER", 0x3b68, 0, 0 },
	{ "VFIO_GROUP_UNSET_CONTAINER", 0x3b69, 0, 0 },
	{ "VFIO_GROUP_GET_DEVICE_FD", 0x3b6a, 0, 0 },
	{ "VFIO_DEVICE_GET_INFO", 0x3b6b, 24, 16 },
	{ "VFIO_DEVICE_GET_REGION_INFO", 0x3b6c, 32, 32 },
	{ "VFIO_DEVICE_GET_IRQ_INFO", 0x3b6d, 16, 16 },
	{ "VFIO_DEVICE_SET_IRQS", 0x3b6e, 20, 20 },
	{ "VFIO_DEVICE_RESET", 0x3b6f, 0, 0 },
	{ "VFIO_IOMMU_GET_INFO", 0x3b70, 24, 16 },
	{ "VFIO_IOMMU_MAP_DMA", 0x3b71, 32, 32 },
	{ "VFIO_IOMMU_UNMAP_DMA", 0x3b72, 24, 24 },
	{ "VFIO_IOMMU_DIRTY_PAGES", 0x3b75, 8, 8 },
	{ "VFIO_DEVICE_BIND_IOMMUFD", 0x3b76, 24, 16 },
	{ "VFIO_DEVICE_ATTACH_IOMMUFD_PT", 0x3b77, 16, 12 },
	{ "VFIO_DEVICE_DETACH_IOMMUFD_PT", 0x3b78, 12, 8 },
};

/* command, field, offset, width (bytes) -- from interfaces.md §A.2, §B.2-§B.4. */
static const struct {
	const char *cmd, *field;
	unsigned off, width;
} fields[] = {
	{ "IOMMU_DESTROY", "id", 4, 4 },
	{ "IOMMU_IOAS_ALLOC", "out_ioas_id", 8, 4 },
	{ "IOMMU_IOAS_IOVA_RANGES", "num_iovas", 8, 4 },
	{ "IOMMU_IOAS_IOVA_RANGES", "allowed_iovas", 16, 8 },
	{ "IOMMU_IOAS_IOVA_RANGES", "out_iova_alignment", 24, 8 },
	{ "IOMMU_IOAS_ALLOW_IOVAS", "allowed_iovas", 16, 8 },
	{ "IOMMU_IOAS_MAP", "flags", 4, 4 },
	{ "IOMMU_IOAS_MAP", "ioas_id", 8, 4 },
	{ "IOMMU_IOAS_MAP", "__reserved", 12, 4 },
	{ "IOMMU_IOAS_MAP", "user_va", 16, 8 },
	{ "IOMMU_IOAS_MAP", "length", 24, 8 },
	{ "IOMMU_IOAS_MAP", "iova", 32, 8 },
	{ "IOMMU_IOAS_MAP_FILE", "fd", 12, 4 },
	{ "IOMMU_IOAS_MAP_FILE", "start", 16, 8 },
	{ "IOMMU_IOAS_COPY", "dst_ioas_id", 8, 4 },
	{ "IOMMU_IOAS_COPY", "src_ioas_id", 12, 4 },
	{ "IOMMU_IOAS_COPY", "length", 16, 8 },
	{ "IOMMU_IOAS_COPY", "dst_iova", 24, 8 },
	{ "IOMMU_IOAS_COPY", "src_iova", 32, 8 },
	{ "IOMMU_IOAS_UNMAP", "iova", 8, 8 },
	{ "IOMMU_IOAS_UNMAP", "length", 16, 8 },
	{ "IOMMU_OPTION", "option_id", 4, 4 },
	{ "IOMMU_OPTION", "op", 8, 2 },
	{ "IOMMU_OPTION", "object_id", 12, 4 },
	{ "IOMMU_OPTION", "val64", 16, 8 },
	{ "IOMMU_VFIO_IOAS", "op", 8, 2 },
	{ "IOMMU_HWPT_ALLOC", "dev_id", 8, 4 },
	{ "IOMMU_HWPT_ALLOC", "pt_id", 12, 4 },
	{ "IOMMU_HWPT_ALLOC", "out_hwpt_id", 16, 4 },
	{ "IOMMU_HWPT_ALLOC", "data_type", 24, 4 },
	{ "IOMMU_HWPT_ALLOC", "data_len", 28, 4 },
	{ "IOMMU_HWPT_ALLOC", "data_uptr", 32, 8 },
	{ "IOMMU_HWPT_ALLOC", "fault_id", 40, 4 },
	{ "IOMMU_HWPT_ALLOC", "__reserved2", 44, 4 },
	{ "IOMMU_GET_HW_INFO", "data_len", 12, 4 },
	{ "IOMMU_GET_HW_INFO", "data_uptr", 16, 8 },
	{ "IOMMU_GET_HW_INFO", "in_data_type", 24, 4 },
	{ "IOMMU_GET_HW_INFO", "out_data_type", 24, 4 },
	{ "IOMMU_GET_HW_INFO", "out_max_pasid_log2", 28, 1 },
	{ "IOMMU_GET_HW_INFO", "out_capabilities", 32, 8 },
	{ "IOMMU_HWPT_SET_DIRTY_TRACKING", "hwpt_id", 8, 4 },
	{ "IOMMU_HWPT_GET_DIRTY_BITMAP", "hwpt_id", 4, 4 },
	{ "IOMMU_HWPT_GET_DIRTY_BITMAP", "flags", 8, 4 },
	{ "IOMMU_HWPT_GET_DIRTY_BITMAP", "iova", 16, 8 },
	{ "IOMMU_HWPT_GET_DIRTY_BITMAP", "page_size", 32, 8 },
	{ "IOMMU_HWPT_GET_DIRTY_BITMAP", "data", 40, 8 },
	{ "IOMMU_HWPT_INVALIDATE", "hwpt_id", 4, 4 },
	{ "IOMMU_HWPT_INVALIDATE", "data_uptr", 8, 8 },
	{ "IOMMU_HWPT_INVALIDATE", "data_type", 16, 4 },
	{ "IOMMU_HWPT_INVALIDATE", "entry_len", 20, 4 },
	{ "IOMMU_HWPT_INVALIDATE", "entry_num", 24, 4 },
	{ "IOMMU_FAULT_QUEUE_ALLOC", "out_fault_id", 8, 4 },
	{ "IOMMU_FAULT_QUEUE_ALLOC", "out_fault_fd", 12, 4 },
	{ "IOMMU_VIOMMU_ALLOC", "type", 8, 4 },
	{ "IOMMU_VIOMMU_ALLOC", "hwpt_id", 16, 4 },
	{ "IOMMU_VIOMMU_ALLOC", "out_viommu_id", 20, 4 },
	{ "IOMMU_VIOMMU_ALLOC", "data_len", 24, 4 },
	{ "IOMMU_VIOMMU_ALLOC", "data_uptr", 32, 8 },
	{ "IOMMU_VDEVICE_ALLOC", "out_vdevice_id", 12, 4 },
	{ "IOMMU_VDEVICE_ALLOC", "virt_id", 16, 8 },
	{ "IOMMU_VEVENTQ_ALLOC", "veventq_depth", 16, 4 },
	{ "IOMMU_VEVENTQ_ALLOC", "out_veventq_id", 20, 4 },
	{ "IOMMU_VEVENTQ_ALLOC", "out_veventq_fd", 24, 4 },
	{ "IOMMU_HW_QUEUE_ALLOC", "index", 16, 4 },
	{ "IOMMU_HW_QUEUE_ALLOC", "out_hw_queue_id", 20, 4 },
	{ "IOMMU_HW_QUEUE_ALLOC", "nesting_parent_iova", 24, 8 },
	{ "IOMMU_HW_QUEUE_ALLOC", "length", 32, 8 },
	{ "VFIO_DEVICE_BIND_IOMMUFD", "iommufd", 8, 4 },
	{ "VFIO_DEVICE_BIND_IOMMUFD", "out_devid", 12, 4 },
	{ "VFIO_DEVICE_BIND_IOMMUFD", "token_uuid_ptr", 16, 8 },
	{ "VFIO_DEVICE_ATTACH_IOMMUFD_PT", "pt_id", 8, 4 },
	{ "VFIO_DEVICE_ATTACH_IOMMUFD_PT", "pasid", 12, 4 },
	{ "VFIO_DEVICE_DETACH_IOMMUFD_PT", "pasid", 8, 4 },
	{ "VFIO_DEVICE_GET_INFO", "num_regions", 8, 4 },
	{ "VFIO_DEVICE_GET_INFO", "num_irqs", 12, 4 },
	{ "VFIO_DEVICE_GET_INFO", "cap_offset", 16, 4 },
	{ "VFIO_DEVICE_GET_REGION_INFO", "size", 16, 8 },
	{ "VFIO_DEVICE_GET_REGION_INFO", "offset", 24, 8 },
	{ "VFIO_IOMMU_GET_INFO", "iova_pgsizes", 8, 8 },
	{ "VFIO_IOMMU_GET_INFO", "cap_offset", 16, 4 },
	{ "VFIO_IOMMU_MAP_DMA", "vaddr", 8, 8 },
	{ "VFIO_IOMMU_MAP_DMA", "iova", 16, 8 },
	{ "VFIO_IOMMU_MAP_DMA", "size", 24, 8 },
	{ "VFIO_IOMMU_UNMAP_DMA", "iova", 8, 8 },
	{ "VFIO_IOMMU_UNMAP_DMA", "size", 16, 8 },
};

/* command, field, flag name, value -- from interfaces.md. */
static const struct {
	const char *cmd, *field, *name;
	uint64_t value;
} names[] = {
	{ "IOMMU_IOAS_MAP", "flags", "FIXED_IOVA", 1 },
	{ "IOMMU_IOAS_MAP", "flags", "WRITEABLE", 2 },
	{ "IOMMU_IOAS_MAP", "flags", "READABLE", 4 },
	{ "IOMMU_IOAS_COPY", "flags", "READABLE", 4 },
	{ "IOMMU_HWPT_ALLOC", "flags", "NEST_PARENT", 1 },
	{ "IOMMU_HWPT_ALLOC", "flags", "DIRTY_TRACKING", 2 },
	{ "IOMMU_HWPT_ALLOC", "flags", "FAULT_ID_VALID", 4 },
	{ "IOMMU_HWPT_ALLOC", "flags", "PASID", 8 },
	{ "IOMMU_HWPT_ALLOC", "data_type", "NONE", 0 },
	{ "IOMMU_HWPT_ALLOC", "data_type", "VTD_S1", 1 },
	{ "IOMMU_HWPT_ALLOC", "data_type", "ARM_SMMUV3", 2 },
	{ "IOMMU_HWPT_ALLOC", "data_type", "AMD_GUEST", 3 },
	{ "IOMMU_HWPT_ALLOC", "data_type", "SELFTEST", 0xdead },
	{ "IOMMU_GET_HW_INFO", "flags", "INPUT_TYPE", 1 },
	{ "IOMMU_GET_HW_INFO", "in_data_type", "DEFAULT", 0 },
	{ "IOMMU_GET_HW_INFO", "out_data_type", "INTEL_VTD", 1 },
	{ "IOMMU_GET_HW_INFO", "out_data_type", "ARM_SMMUV3", 2 },
	{ "IOMMU_GET_HW_INFO", "out_data_type", "TEGRA241_CMDQV", 3 },
	{ "IOMMU_GET_HW_INFO", "out_data_type", "AMD", 4 },
	{ "IOMMU_GET_HW_INFO", "out_data_type", "SELFTEST", 0xfeedbeef },
	{ "IOMMU_GET_HW_INFO", "out_capabilities", "DIRTY_TRACKING", 1 },
	{ "IOMMU_GET_HW_INFO", "out_capabilities", "PCI_PASID_EXEC", 2 },
	{ "IOMMU_GET_HW_INFO", "out_capabilities", "PCI_PASID_PRIV", 4 },
	{ "IOMMU_GET_HW_INFO", "out_capabilities", "PCI_ATS_NOT_SUPPORTED", 8 },
	{ "IOMMU_OPTION", "option_id", "RLIMIT_MODE", 0 },
	{ "IOMMU_OPTION", "option_id", "HUGE_PAGES", 1 },
	{ "IOMMU_OPTION", "op", "GET", 1 },
	{ "IOMMU_VFIO_IOAS", "op", "CLEAR", 2 },
	{ "IOMMU_HWPT_SET_DIRTY_TRACKING", "flags", "ENABLE", 1 },
	{ "IOMMU_HWPT_GET_DIRTY_BITMAP", "flags", "NO_CLEAR", 1 },
	{ "IOMMU_HWPT_INVALIDATE", "data_type", "VTD_S1", 0 },
	{ "IOMMU_HWPT_INVALIDATE", "data_type", "ARM_SMMUV3", 1 },
	{ "IOMMU_VIOMMU_ALLOC", "type", "ARM_SMMUV3", 1 },
	{ "IOMMU_VIOMMU_ALLOC", "type", "TEGRA241_CMDQV", 2 },
	{ "IOMMU_VEVENTQ_ALLOC", "type", "ARM_SMMUV3", 1 },
	{ "IOMMU_HW_QUEUE_ALLOC", "type", "TEGRA241_CMDQV", 1 },
	{ "VFIO_DEVICE_BIND_IOMMUFD", "flags", "TOKEN", 1 },
	{ "VFIO_DEVICE_ATTACH_IOMMUFD_PT", "flags", "PASID", 1 },
	{ "VFIO_DEVICE_DETACH_IOMMUFD_PT", "flags", "PASID", 1 },
	{ "VFIO_DEVICE_GET_INFO", "flags", "PCI", 2 },
	{ "VFIO_DEVICE_GET_INFO", "flags", "CAPS", 0x80 },
	{ "VFIO_DEVICE_GET_REGION_INFO", "flags", "MMAP", 4 },
	{ "VFIO_DEVICE_SET_IRQS", "flags", "ACTION_TRIGGER", 0x20 },
	{ "VFIO_IOMMU_MAP_DMA", "flags", "READ", 1 },
	{ "VFIO_IOMMU_MAP_DMA", "flags", "WRITE", 2 },
	{ "VFIO_IOMMU_MAP_DMA", "flags", "VADDR", 4 },
	{ "VFIO_IOMMU_UNMAP_DMA", "flags", "ALL", 2 },
	{ "VFIO_IOMMU_GET_INFO", "flags", "PGSIZES", 1 },
	{ "VFIO_GROUP_GET_STATUS", "flags", "VIABLE", 1 },
	{ "VFIO_SET_IOMMU", "type", "TYPE1_IOMMU", 1 },
	{ "VFIO_SET_IOMMU", "type", "TYPE1v2_IOMMU", 3 },
	{ "VFIO_SET_IOMMU", "type", "SPAPR_TCE_v2_IOMMU", 7 },
	{ "VFIO_SET_IOMMU", "type", "NOIOMMU_IOMMU", 8 },
	{ "VFIO_CHECK_EXTENSION", "extension", "UPDATE_VADDR", 10 },
};

static void request_numbers_sizes_and_minimums(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		const uapi_ioctl_t *c = uapi_ioctl_by_name(commands[i].name);
		if (!c)
			fail_msg("%s missing from the table", commands[i].name);
		assert_int_equal(c->request, commands[i].request);
		assert_int_equal(c->size, commands[i].size);
		assert_int_equal(c->min_size, commands[i].min);
	}
	/* Every iommufd command 0x80..0x94 is there, and only the listed ones. */
	for (unsigned nr = 0x80; nr <= 0x94; nr++) {
		const uapi_ioctl_t *c = uapi_ioctl_by_request(0x3b00 | nr, UAPI_FD_IOMMUFD);
		assert_non_null(c);
		assert_int_equal(UAPI_IOC_NR(c->request), nr);
	}
	assert_null(uapi_ioctl_by_request(0x3b95, UAPI_FD_IOMMUFD));
	assert_int_equal(uapi_ioctl_count(), sizeof(commands) / sizeof(commands[0]));
	/* The macros agree with the hand values. */
	assert_int_equal(UAPI_IOMMU_IOAS_ALLOC, 0x3b81);
	assert_int_equal(UAPI_IOMMU_HW_QUEUE_ALLOC, 0x3b94);
	assert_int_equal(UAPI_VFIO_DEVICE_BIND_IOMMUFD, 0x3b76);
	assert_int_equal(UAPI_VFIO_IOMMU_UNMAP_DMA, 0x3b72);
	assert_int_equal(UAPI_IOMMU_TEST_CMD, 0x3ba0);
}

static void numbers_collide_across_fd_kinds(void **state)
{
	(void)state;
	/* 0x3b70 is VFIO_IOMMU_GET_INFO on a container and something else on a device fd. */
	const uapi_ioctl_t *c = uapi_ioctl_by_request(0x3b70, UAPI_FD_CONTAINER);
	assert_non_null(c);
	assert_string_equal(c->name, "VFIO_IOMMU_GET_INFO");
	assert_null(uapi_ioctl_by_request(0x3b70, UAPI_FD_DEVICE));
	/* iommufd in compatibility mode takes the type1 container ioctls. */
	c = uapi_ioctl_by_request(0x3b71, UAPI_FD_IOMMUFD);
	assert_non_null(c);
	assert_string_equal(c->name, "VFIO_IOMMU_MAP_DMA");
	c = uapi_ioctl_by_request(0x3b76, UAPI_FD_CDEV);
	assert_non_null(c);
	assert_string_equal(c->name, "VFIO_DEVICE_BIND_IOMMUFD");
	assert_null(uapi_ioctl_by_request(0x3b76, UAPI_FD_CONTAINER));
}

static void field_offsets_and_widths(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const uapi_ioctl_t *c = uapi_ioctl_by_name(fields[i].cmd);
		assert_non_null(c);
		const uapi_field_t *f = uapi_ioctl_field(c, fields[i].field);
		if (!f)
			fail_msg("%s.%s missing", fields[i].cmd, fields[i].field);
		if (f->offset != fields[i].off || f->width != fields[i].width)
			fail_msg("%s.%s at %u/%u, expected %u/%u", fields[i].cmd, fields[i].field,
				 f->offset, f->width, fields[i].off, fields[i].width);
	}
}

static void every_struct_is_consistent(void **state)
{
	(void)state;
	for (size_t i = 0; i < uapi_ioctl_count(); i++) {
		const uapi_ioctl_t *c = uapi_ioctl_at(i);
		assert_non_null(c);
		assert_ptr_equal(uapi_ioctl_by_name(c->name), c);
		if (c->arg_kind != UAPI_ARG_STRUCT)
			continue;
		/* size/argsz first, min <= size <= UAPI_ARG_MAX, fields inside the struct */
		assert_true(c->nfields >= 1);
		assert_int_equal(c->fields[0].offset, 0);
		assert_int_equal(c->fields[0].width, 4);
		assert_true(c->fields[0].attr & UAPI_ATTR_SIZE);
		assert_true(c->min_size <= c->size);
		assert_true(c->size <= UAPI_ARG_MAX);
		uint8_t covered[UAPI_ARG_MAX] = { 0 };
		for (size_t j = 0; j < c->nfields; j++) {
			const uapi_field_t *f = &c->fields[j];
			assert_true(f->width == 1 || f->width == 2 || f->width == 4 || f->width == 8);
			assert_true(f->offset + f->width <= c->size);
			assert_int_equal(f->offset % f->width, 0);
			for (unsigned b = f->offset; b < f->offset + f->width; b++)
				covered[b]++;
		}
		/* Every byte is described exactly once (the hw_info type union twice). */
		for (unsigned b = 0; b < c->size; b++) {
			unsigned want = strcmp(c->name, "IOMMU_GET_HW_INFO") == 0 && b >= 24 && b < 28
					? 2 : 1;
			if (covered[b] != want)
				fail_msg("%s: byte %u described %u times", c->name, b, covered[b]);
		}
	}
}

static void flag_and_enum_names(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const uapi_ioctl_t *c = uapi_ioctl_by_name(names[i].cmd);
		assert_non_null(c);
		const uapi_field_t *f = uapi_ioctl_field(c, names[i].field);
		assert_non_null(f);
		uint64_t v = 99;
		if (uapi_name_lookup(f->names, names[i].name, &v) != 0)
			fail_msg("%s.%s: no name %s", names[i].cmd, names[i].field, names[i].name);
		assert_int_equal(v, names[i].value);
	}
	/* Flags drop the prefix the design's example drops. */
	const uapi_field_t *f = uapi_ioctl_field(uapi_ioctl_by_name("IOMMU_IOAS_MAP"), "flags");
	uint64_t v;
	assert_int_equal(uapi_name_lookup(f->names, "IOMMU_IOAS_MAP_FIXED_IOVA", &v), -ENOENT);
	assert_string_equal(uapi_name_of(f->names, 4), "READABLE");
	assert_null(uapi_name_of(f->names, 8));
	char list[128];
	uapi_names_list(f->names, list, sizeof(list));
	assert_string_equal(list, "FIXED_IOVA, WRITEABLE, READABLE");
}

static void payload_types(void **state)
{
	(void)state;
	const uapi_ioctl_t *c = uapi_ioctl_by_name("IOMMU_HWPT_ALLOC");
	const uapi_payload_type_t *t = uapi_payload_type(c->payload, 1 /* VTD_S1 */);
	assert_non_null(t);
	assert_int_equal(t->size, 24);
	assert_int_equal(uapi_payload_field(t, "pgtbl_addr")->offset, 8);
	assert_int_equal(uapi_payload_field(t, "addr_width")->offset, 16);
	uint64_t v;
	assert_int_equal(uapi_name_lookup(uapi_payload_field(t, "flags")->names, "WPE", &v), 0);
	assert_int_equal(v, 4);
	assert_null(uapi_payload_type(c->payload, 0 /* NONE */));
	t = uapi_payload_type(c->payload, 2);
	assert_int_equal(t->size, 16);
	assert_int_equal(uapi_payload_field(t, "ste.1")->offset, 8);

	c = uapi_ioctl_by_name("IOMMU_HWPT_INVALIDATE");
	t = uapi_payload_type(c->payload, 0);
	assert_int_equal(t->size, 24);
	assert_int_equal(uapi_payload_field(t, "npages")->offset, 8);
	assert_int_equal(uapi_payload_field(t, "flags")->offset, 16);
	t = uapi_payload_type(c->payload, 1);
	assert_int_equal(t->size, 16);

	c = uapi_ioctl_by_name("IOMMU_GET_HW_INFO");
	t = uapi_payload_type(c->payload, 1);
	assert_int_equal(t->size, 24);
	assert_int_equal(uapi_payload_field(t, "cap_reg")->offset, 8);
	assert_int_equal(uapi_payload_field(t, "ecap_reg")->offset, 16);
	t = uapi_payload_type(c->payload, 2);
	assert_int_equal(t->size, 40);
	assert_int_equal(uapi_payload_field(t, "idr.5")->offset, 28);
	assert_int_equal(uapi_payload_field(t, "aidr")->offset, 36);

	c = uapi_ioctl_by_name("IOMMU_IOAS_IOVA_RANGES");
	t = uapi_payload_type(c->payload, 12345);   /* no selector: always the one type */
	assert_int_equal(t->size, 16);
	assert_int_equal(uapi_payload_field(t, "last")->offset, 8);
}

static void field_get_set_and_fits(void **state)
{
	(void)state;
	uint8_t buf[16];
	const uapi_field_t u16f = { "x", 2, 2, UAPI_IN, UAPI_FMT_DEC, 0, NULL };
	const uapi_field_t s32f = { "fd", 4, 4, UAPI_IN, UAPI_FMT_DEC, UAPI_ATTR_SIGNED, NULL };
	const uapi_field_t u64f = { "v", 8, 8, UAPI_IN, UAPI_FMT_HEX, 0, NULL };

	memset(buf, 0xee, sizeof(buf));
	uapi_field_set(&u16f, buf, 0x1234);
	assert_int_equal(buf[2], 0x34);   /* little-endian */
	assert_int_equal(buf[3], 0x12);
	assert_int_equal(buf[1], 0xee);   /* neighbours untouched */
	assert_int_equal(buf[4], 0xee);
	assert_int_equal(uapi_field_get(&u16f, buf), 0x1234);
	uapi_field_set(&s32f, buf, (uint64_t)-1);
	assert_int_equal(uapi_field_get(&s32f, buf), (uint64_t)-1);   /* sign-extended */
	uapi_field_set(&u64f, buf, 0x0102030405060708ull);
	assert_int_equal(buf[8], 0x08);
	assert_int_equal(buf[15], 0x01);
	assert_true(uapi_field_fits(&u16f, 0xffff));
	assert_false(uapi_field_fits(&u16f, 0x10000));
	assert_true(uapi_field_fits(&s32f, (uint64_t)INT32_MIN));
	assert_true(uapi_field_fits(&s32f, 0x7fffffff));
	assert_false(uapi_field_fits(&s32f, 0x80000000));
	assert_false(uapi_field_fits(&s32f, (uint64_t)INT32_MIN - 1));
	assert_true(uapi_field_fits(&u64f, UINT64_MAX));
}

/* ---- size rules ------------------------------------------------------------------------- */

static void copy_struct_rules(void **state)
{
	(void)state;
	uint8_t src[64], dst[40];
	iommusim_error_t e;

	for (unsigned i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(i + 1);
	/* shorter: copied and zero-extended */
	memset(dst, 0xaa, sizeof(dst));
	assert_int_equal(uapi_copy_struct(dst, 40, 24, src, 32, "s", &e), 0);
	assert_memory_equal(dst, src, 32);
	for (unsigned i = 32; i < 40; i++)
		assert_int_equal(dst[i], 0);
	/* exactly the minimum */
	assert_int_equal(uapi_copy_struct(dst, 40, 24, src, 24, "s", &e), 0);
	assert_int_equal(dst[23], 24);
	assert_int_equal(dst[24], 0);
	/* below the minimum */
	assert_int_equal(uapi_copy_struct(dst, 40, 24, src, 23, "iommu_x", &e), -EINVAL);
	assert_non_null(strstr(e.msg, "iommu_x: size 23 is below the minimum 24"));
	/* longer with a zero tail: accepted */
	uint8_t longer[56] = { 0 };
	memcpy(longer, src, 40);
	assert_int_equal(uapi_copy_struct(dst, 40, 24, longer, 56, "s", &e), 0);
	assert_memory_equal(dst, src, 40);
	/* longer with a non-zero byte in the tail: E2BIG naming the byte */
	longer[50] = 7;
	assert_int_equal(uapi_copy_struct(dst, 40, 24, longer, 56, "iommu_y", &e), -E2BIG);
	assert_non_null(strstr(e.msg, "byte 50"));
	assert_non_null(strstr(e.msg, "iommu_y"));
	/* and without an error struct */
	assert_int_equal(uapi_copy_struct(dst, 40, 24, longer, 56, NULL, NULL), -E2BIG);
}

static void iommufd_copy_in(void **state)
{
	(void)state;
	const uapi_ioctl_t *c = uapi_ioctl_by_name("IOMMU_HWPT_ALLOC");
	struct uapi_iommu_hwpt_alloc k;
	uint8_t user[64];
	iommusim_error_t e;

	/* A 6.10 caller: 40 bytes, fault_id unknown to it -> reads as zero. */
	memset(user, 0, sizeof(user));
	user[0] = 40;
	user[8] = 5;            /* dev_id */
	user[40] = 0x77;        /* beyond its struct: must not be read */
	memset(&k, 0xcc, sizeof(k));
	assert_int_equal(uapi_ioctl_copy_in(c, user, sizeof(user), &k, &e), 0);
	assert_int_equal(k.size, 40);
	assert_int_equal(k.dev_id, 5);
	assert_int_equal(k.fault_id, 0);
	assert_int_equal(k.reserved2, 0);
	/* A 6.6 caller: 24 bytes. */
	user[0] = 24;
	assert_int_equal(uapi_ioctl_copy_in(c, user, sizeof(user), &k, &e), 0);
	assert_int_equal(k.data_type, 0);
	/* Below the minimum. */
	user[0] = 20;
	assert_int_equal(uapi_ioctl_copy_in(c, user, sizeof(user), &k, &e), -EINVAL);
	/* A newer caller with a zero tail, then a non-zero one. */
	memset(user, 0, sizeof(user));
	user[0] = 56;
	assert_int_equal(uapi_ioctl_copy_in(c, user, sizeof(user), &k, &e), 0);
	user[48] = 1;
	assert_int_equal(uapi_ioctl_copy_in(c, user, sizeof(user), &k, &e), -E2BIG);
	/* The size field claims more than the caller made readable. */
	user[0] = 60;
	assert_int_equal(uapi_ioctl_copy_in(c, user, 56, &k, &e), -EFAULT);
	assert_int_equal(uapi_ioctl_copy_in(c, user, 3, &k, &e), -EFAULT);
	/* Not a struct command. */
	assert_int_equal(uapi_ioctl_copy_in(uapi_ioctl_by_name("VFIO_SET_IOMMU"), user, 64, &k,
					    &e), -EINVAL);
}

static void vfio_copy_in_attach(void **state)
{
	(void)state;
	const uapi_ioctl_t *c = uapi_ioctl_by_name("VFIO_DEVICE_ATTACH_IOMMUFD_PT");
	struct uapi_vfio_device_attach_iommufd_pt k;
	uint32_t user[16];
	iommusim_error_t e;

	/* 12-byte pre-6.15 struct; pasid is read only with the PASID flag. */
	memset(user, 0, sizeof(user));
	user[0] = 12;
	user[2] = 9;            /* pt_id */
	user[3] = 0xdead;       /* would be pasid */
	assert_int_equal(uapi_ioctl_copy_in(c, user, sizeof(user), &k, &e), 0);
	assert_int_equal(k.pt_id, 9);
	assert_int_equal(k.pasid, 0);
	/* PASID flag with a 12-byte argsz: the kernel needs 16. */
	user[1] = 1;
	assert_int_equal(uapi_ioctl_copy_in(c, user, sizeof(user), &k, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "argsz >= 16"));
	user[0] = 16;
	assert_int_equal(uapi_ioctl_copy_in(c, user, sizeof(user), &k, &e), 0);
	assert_int_equal(k.pasid, 0xdead);
	/* Without the flag a 16-byte struct still does not deliver pasid. */
	user[1] = 0;
	assert_int_equal(uapi_ioctl_copy_in(c, user, sizeof(user), &k, &e), 0);
	assert_int_equal(k.pasid, 0);
	/* Unknown flags, and a too short argsz. */
	user[1] = 2;
	assert_int_equal(uapi_ioctl_copy_in(c, user, sizeof(user), &k, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "0x2"));
	user[1] = 0;
	user[0] = 8;
	assert_int_equal(uapi_ioctl_copy_in(c, user, sizeof(user), &k, &e), -EINVAL);
	/* A large argsz with garbage behind: VFIO ignores the tail (no E2BIG). */
	user[0] = 64;
	for (int i = 4; i < 16; i++)
		user[i] = 0xffffffffu;
	assert_int_equal(uapi_ioctl_copy_in(c, user, sizeof(user), &k, &e), 0);
}

static void vfio_copy_in_others(void **state)
{
	(void)state;
	uint32_t user[16] = { 0 };
	uint8_t k[64];
	iommusim_error_t e;

	const uapi_ioctl_t *det = uapi_ioctl_by_name("VFIO_DEVICE_DETACH_IOMMUFD_PT");
	user[0] = 8;
	assert_int_equal(uapi_ioctl_copy_in(det, user, sizeof(user), k, &e), 0);
	user[1] = 1;           /* PASID needs argsz 12 */
	assert_int_equal(uapi_ioctl_copy_in(det, user, sizeof(user), k, &e), -EINVAL);
	user[0] = 12;
	user[2] = 3;
	assert_int_equal(uapi_ioctl_copy_in(det, user, sizeof(user), k, &e), 0);
	assert_int_equal(((struct uapi_vfio_device_detach_iommufd_pt *)k)->pasid, 3);

	const uapi_ioctl_t *map = uapi_ioctl_by_name("VFIO_IOMMU_MAP_DMA");
	memset(user, 0, sizeof(user));
	user[0] = 32;
	user[1] = 3;
	assert_int_equal(uapi_ioctl_copy_in(map, user, sizeof(user), k, &e), 0);
	user[1] = 8;           /* not a map flag */
	assert_int_equal(uapi_ioctl_copy_in(map, user, sizeof(user), k, &e), -EINVAL);
	user[1] = 0;
	user[0] = 31;
	assert_int_equal(uapi_ioctl_copy_in(map, user, sizeof(user), k, &e), -EINVAL);

	/* Output-only flags (GET_INFO) are not checked. */
	const uapi_ioctl_t *info = uapi_ioctl_by_name("VFIO_DEVICE_GET_INFO");
	user[0] = 16;
	user[1] = 0xffffffffu;
	assert_int_equal(uapi_ioctl_copy_in(info, user, sizeof(user), k, &e), 0);
	/* Old 20-byte header: still at least the 16-byte minimum. */
	user[0] = 20;
	assert_int_equal(uapi_ioctl_copy_in(info, user, sizeof(user), k, &e), 0);

	/* BIND (6.17) follows the iommufd rule: tail past 24 bytes must be zero. */
	const uapi_ioctl_t *bind = uapi_ioctl_by_name("VFIO_DEVICE_BIND_IOMMUFD");
	memset(user, 0, sizeof(user));
	user[0] = 16;
	assert_int_equal(uapi_ioctl_copy_in(bind, user, sizeof(user), k, &e), 0);
	user[0] = 32;
	user[7] = 1;
	assert_int_equal(uapi_ioctl_copy_in(bind, user, sizeof(user), k, &e), -E2BIG);
}

static void errno_names(void **state)
{
	(void)state;
	assert_string_equal(uapi_errno_name(ENOENT), "ENOENT");
	assert_string_equal(uapi_errno_name(-E2BIG), "E2BIG");
	assert_string_equal(uapi_errno_name(EMSGSIZE), "EMSGSIZE");
	assert_string_equal(uapi_errno_name(EOPNOTSUPP), "EOPNOTSUPP");
	assert_int_equal(uapi_errno_by_name("EOVERFLOW"), EOVERFLOW);
	assert_int_equal(uapi_errno_by_name("ENOTSUP"), EOPNOTSUPP);
	assert_int_equal(uapi_errno_by_name("EBADFD"), EBADFD);
	assert_int_equal(uapi_errno_by_name("ENOPE"), 0);
	assert_null(uapi_errno_name(4095));
	/* The Linux numbers the streams stand for. */
	assert_int_equal(ENOENT, 2);
	assert_int_equal(E2BIG, 7);
	assert_int_equal(EINVAL, 22);
	assert_int_equal(ENOTTY, 25);
	assert_int_equal(EOPNOTSUPP, 95);
}

static void suggestions(void **state)
{
	(void)state;
	assert_string_equal(uapi_ioctl_suggest("IOMMU_IOAS_MAPP"), "IOMMU_IOAS_MAP");
	assert_string_equal(uapi_ioctl_suggest("IOAS_UNMAP"), "IOMMU_IOAS_UNMAP");
	assert_string_equal(uapi_ioctl_suggest("iommu_hwpt_alloc"), "IOMMU_HWPT_ALLOC");
	assert_null(uapi_ioctl_suggest("XYZZY"));
	assert_null(uapi_ioctl_suggest(""));
	char list[256];
	uapi_ioctl_field_list(uapi_ioctl_by_name("IOMMU_IOAS_UNMAP"), list, sizeof(list));
	assert_string_equal(list, "size, ioas_id, iova, length");
	uapi_ioctl_field_list(uapi_ioctl_by_name("IOMMU_VFIO_IOAS"), list, sizeof(list));
	assert_string_equal(list, "size, ioas_id, op, __reserved");
	/* bounded */
	uapi_ioctl_field_list(uapi_ioctl_by_name("IOMMU_HWPT_ALLOC"), list, 10);
	assert_int_equal(strlen(list), 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(request_numbers_sizes_and_minimums),
		cmocka_unit_test(numbers_collide_across_fd_kinds),
		cmocka_unit_test(field_offsets_and_widths),
		cmocka_unit_test(every_struct_is_consistent),
		cmocka_unit_test(flag_and_enum_names),
		cmocka_unit_test(payload_types),
		cmocka_unit_test(field_get_set_and_fits),
		cmocka_unit_test(copy_struct_rules),
		cmocka_unit_test(iommufd_copy_in),
		cmocka_unit_test(vfio_copy_in_attach),
		cmocka_unit_test(vfio_copy_in_others),
		cmocka_unit_test(errno_names),
		cmocka_unit_test(suggestions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
