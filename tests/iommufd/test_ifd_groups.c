/* SPDX-License-Identifier: MIT */
/*
 * Groups and DMA ownership: a group is owned by one iommufd or used by kernel drivers;
 * attaching one device of a group moves the whole group; the legacy group path and the
 * cdev path exclude each other; one device binds to one iommufd; automatic domains are
 * shared by compatible devices; the VFIO type1 container served by iommufd.
 */
#include "tests/iommufd/mock_drv.h"

static void a_group_moves_as_one(void **state)
{
	fx_t f;
	uint32_t ioas, ioas2, pt0, pt1, other;
	(void)state;
	fx_init(&f, 2, true, 0);
	assert_int_equal(fx_ioas(&f, &ioas), 0);
	assert_int_equal(fx_ioas(&f, &ioas2), 0);
	assert_int_equal(fx_state(&f, 1)->state, MOCK_DEV_DEFAULT);
	assert_int_equal(fx_bind(&f, 0), 0);
	/* Claiming the group blocks every member, not only the bound one. */
	assert_int_equal(fx_state(&f, 0)->state, MOCK_DEV_BLOCKED);
	assert_int_equal(fx_state(&f, 1)->state, MOCK_DEV_BLOCKED);
	assert_int_equal(fx_bind(&f, 1), 0);
	pt0 = ioas;
	assert_int_equal(fx_attach(&f, 0, &pt0), 0);
	/* Device 1 now translates through the domain too, though never attached. */
	assert_int_equal(fx_state(&f, 1)->state, MOCK_DEV_DOMAIN);
	assert_ptr_equal(fx_state(&f, 1)->dom, fx_state(&f, 0)->dom);
	/* The other device must use the same HWPT. */
	assert_int_equal(fx_hwpt_alloc(&f, f.devid[1], ioas2, 0, 0, NULL, 0, 0, &other), 0);
	pt1 = other;
	assert_int_equal(fx_attach(&f, 1, &pt1), -EINVAL);
	pt1 = ioas;
	assert_int_equal(fx_attach(&f, 1, &pt1), 0);
	assert_int_equal(pt1, pt0);
	/* Detaching one leaves the group on the domain; the last detach blocks it. */
	assert_int_equal(fx_detach(&f, 0), 0);
	assert_int_equal(fx_state(&f, 0)->state, MOCK_DEV_DOMAIN);
	assert_int_equal(fx_detach(&f, 1), 0);
	assert_int_equal(fx_state(&f, 0)->state, MOCK_DEV_BLOCKED);
	assert_int_equal(fx_state(&f, 1)->state, MOCK_DEV_BLOCKED);
	/* Releasing the last claim gives the group back to kernel DMA. */
	assert_int_equal(ifd_close(f.sys, f.dfd[0], &f.err), 0);
	assert_int_equal(fx_state(&f, 1)->state, MOCK_DEV_BLOCKED);
	assert_int_equal(ifd_close(f.sys, f.dfd[1], &f.err), 0);
	assert_int_equal(fx_state(&f, 0)->state, MOCK_DEV_DEFAULT);
	assert_int_equal(fx_state(&f, 1)->state, MOCK_DEV_DEFAULT);
	fx_fini(&f);
}

static void one_group_one_iommufd(void **state)
{
	fx_t f;
	int ifd2;
	(void)state;
	fx_init(&f, 2, true, 0);
	assert_int_equal(ifd_open(f.sys, "/dev/iommu", &ifd2, &f.err), 0);
	assert_int_equal(fx_bind(&f, 0), 0);
	assert_int_equal(fx_bind_to(&f, 1, ifd2), -EPERM);
	/* After device 0 lets go, device 1 may take the group to the other iommufd. */
	assert_int_equal(ifd_close(f.sys, f.dfd[0], &f.err), 0);
	assert_int_equal(fx_bind_to(&f, 1, ifd2), 0);
	fx_fini(&f);
}

static void kernel_dma_and_user_dma_never_mix(void **state)
{
	fx_t f;
	(void)state;
	fx_init(&f, 2, true, 0);
	assert_int_equal(ifd_sys_kernel_driver(f.sys, f.dev[1], true, &f.err), 0);
	assert_int_equal(fx_bind(&f, 0), -EPERM);
	assert_int_equal(ifd_sys_kernel_driver(f.sys, f.dev[1], false, &f.err), 0);
	assert_int_equal(fx_bind(&f, 0), 0);
	/* Now the group is user owned: no kernel driver may bind in it. */
	assert_int_equal(ifd_sys_kernel_driver(f.sys, f.dev[1], true, &f.err), -EBUSY);
	fx_fini(&f);
}

/* ---- devices bound to a kernel driver are not vfio devices ---- */

/* Adds device 0000:0b:00.<i> to group 7 of the fixture's mock IOMMU (instance 0), bound to
 * a kernel driver or to vfio-pci. */
static void fx_add_group7(fx_t *f, unsigned i, bool kernel_driver)
{
	pci_dev_desc_t d = {.bdf = {0, 0x0b, 0, (uint8_t)i}, .iommu = 0, .ats = true,
			    .pri = true, .pasid_bits = 3, .group = 7,
			    .kernel_driver = kernel_driver};
	assert_int_equal(ifd_sys_add_device(f->sys, &d, &f->dev[i], &f->err), 0);
	f->dfd[i] = -1;
}

static int bind_fd(fx_t *f, int fd)
{
	struct uapi_vfio_device_bind_iommufd b = {.argsz = 16, .iommufd = f->ifd};
	return fx_ioctl(f, fd, UAPI_VFIO_DEVICE_BIND_IOMMUFD, &b, sizeof(b));
}

static void kernel_driver_device_has_no_cdev(void **state)
{
	fx_t f;
	unsigned minor;
	int v1, v2, v0;
	(void)state;
	fx_init(&f, 0, false, 0);
	fx_add_group7(&f, 0, false);
	fx_add_group7(&f, 1, true);
	fx_add_group7(&f, 2, false);
	/* Minors go to vfio devices only, lowest free first: 00.0 takes 0, 00.2 takes 1
	 * (its topology position is 2, but 00.1 never took a number). */
	assert_true(ifd_vfio_cdev_minor(f.sys, f.dev[0], &minor));
	assert_int_equal(minor, 0);
	assert_false(ifd_vfio_cdev_minor(f.sys, f.dev[1], &minor));
	assert_true(ifd_vfio_cdev_minor(f.sys, f.dev[2], &minor));
	assert_int_equal(minor, 1);
	/* The kernel driver's device has no node, by device or by number (2 would be next). */
	assert_int_equal(fx_bind(&f, 1), -ENOENT);
	assert_int_equal(f.dfd[1], -1);
	assert_int_equal(ifd_open(f.sys, "/dev/vfio/devices/vfio2", &v2, &f.err), -ENOENT);
	/* vfio1 is 00.2; the group is the kernel driver's, so binding it is refused. */
	assert_int_equal(ifd_open(f.sys, "/dev/vfio/devices/vfio1", &v1, &f.err), 0);
	assert_int_equal(bind_fd(&f, v1), -EPERM);
	/* 00.1 moves to vfio-pci: it gets 2 (0 and 1 are taken) and the group is free. */
	assert_int_equal(ifd_sys_kernel_driver(f.sys, f.dev[1], false, &f.err), 0);
	assert_true(ifd_vfio_cdev_minor(f.sys, f.dev[1], &minor));
	assert_int_equal(minor, 2);
	assert_int_equal(bind_fd(&f, v1), 0);
	/* That file was 00.2's: a second file of 00.2 cannot bind (one device, one file). */
	assert_int_equal(fx_bind(&f, 2), -EINVAL);
	assert_int_equal(ifd_open(f.sys, "/dev/vfio/devices/vfio2", &v2, &f.err), 0);
	assert_int_equal(bind_fd(&f, v2), 0);
	assert_int_equal(fx_bind(&f, 1), -EINVAL);
	assert_int_equal(ifd_close(f.sys, v1, &f.err), 0);
	assert_int_equal(ifd_close(f.sys, v2, &f.err), 0);
	assert_int_equal(ifd_close(f.sys, f.dfd[1], &f.err), 0);
	assert_int_equal(ifd_close(f.sys, f.dfd[2], &f.err), 0);
	/* An open (even unbound) cdev file keeps its device on vfio-pci. */
	assert_int_equal(ifd_open(f.sys, "/dev/vfio/devices/vfio0", &v0, &f.err), 0);
	assert_int_equal(ifd_sys_kernel_driver(f.sys, f.dev[0], true, &f.err), -EBUSY);
	assert_int_equal(ifd_close(f.sys, v0, &f.err), 0);
	/* Unbinding vfio-pci frees minor 0; the next device bound to vfio-pci takes it. */
	assert_int_equal(ifd_sys_kernel_driver(f.sys, f.dev[0], true, &f.err), 0);
	assert_int_equal(ifd_open(f.sys, "/dev/vfio/devices/vfio0", &v0, &f.err), -ENOENT);
	assert_int_equal(ifd_sys_kernel_driver(f.sys, f.dev[0], false, &f.err), 0);
	assert_true(ifd_vfio_cdev_minor(f.sys, f.dev[0], &minor));
	assert_int_equal(minor, 0);
	fx_fini(&f);
}

static int get_device_fd(fx_t *f, int gfd, const char *name, long *ret)
{
	return ifd_ioctl_fd(f->sys, gfd, UAPI_VFIO_GROUP_GET_DEVICE_FD, (void *)name,
			    strlen(name) + 1, ret, &f->err);
}

static void group_get_device_fd_names_only_vfio_devices(void **state)
{
	fx_t f;
	int gfd, cfd;
	long ret;
	uint32_t type = UAPI_VFIO_TYPE1v2_IOMMU;
	struct uapi_vfio_group_status st = {.argsz = sizeof(st)};
	(void)state;
	fx_init(&f, 0, false, 0);
	fx_add_group7(&f, 0, false);
	fx_add_group7(&f, 1, true);
	assert_int_equal(ifd_open(f.sys, "/dev/vfio/7", &gfd, &f.err), 0);
	/* The kernel driver uses the group's DMA: not viable before a container. */
	assert_int_equal(fx_ioctl(&f, gfd, UAPI_VFIO_GROUP_GET_STATUS, &st, sizeof(st)), 0);
	assert_int_equal(st.flags, 0);
	/* The name lookup comes first: ENODEV for the kernel driver's device even without a
	 * container, whose absence the vfio device is refused for (EINVAL). */
	assert_int_equal(get_device_fd(&f, gfd, "0000:0b:00.1", &ret), -ENODEV);
	assert_int_equal(get_device_fd(&f, gfd, "0000:0b:00.0", &ret), -EINVAL);
	assert_int_equal(ifd_open(f.sys, "/dev/vfio/vfio", &cfd, &f.err), 0);
	int32_t c = cfd;
	assert_int_equal(fx_ioctl(&f, gfd, UAPI_VFIO_GROUP_SET_CONTAINER, &c, 4), 0);
	assert_int_equal(fx_ioctl(&f, cfd, UAPI_VFIO_SET_IOMMU, &type, 4), 0);
	assert_int_equal(fx_ioctl(&f, gfd, UAPI_VFIO_GROUP_GET_STATUS, &st, sizeof(st)), 0);
	assert_int_equal(st.flags, UAPI_VFIO_GROUP_FLAGS_VIABLE |
				   UAPI_VFIO_GROUP_FLAGS_CONTAINER_SET);
	/* Not on the list: ENODEV; the vfio sibling is on it, but the group is the kernel's. */
	assert_int_equal(get_device_fd(&f, gfd, "0000:0b:00.1", &ret), -ENODEV);
	assert_int_equal(get_device_fd(&f, gfd, "0000:0b:00.0", &ret), -EPERM);
	/* Nothing was taken from the kernel driver. */
	assert_int_equal(fx_state(&f, 0)->state, MOCK_DEV_DEFAULT);
	assert_int_equal(fx_state(&f, 1)->state, MOCK_DEV_DEFAULT);
	/* Moved to vfio-pci, 00.1 joins the list and the group is user space's to take. */
	assert_int_equal(ifd_sys_kernel_driver(f.sys, f.dev[1], false, &f.err), 0);
	assert_int_equal(get_device_fd(&f, gfd, "0000:0b:00.1", &ret), 0);
	assert_true(ret >= 3);   /* 0..2 are stdio */
	assert_int_equal(get_device_fd(&f, gfd, "0000:0b:00.0", &ret), 0);
	assert_int_equal(fx_state(&f, 0)->state, MOCK_DEV_DOMAIN);
	fx_fini(&f);
}

static void group_node_lives_with_its_vfio_devices(void **state)
{
	fx_t f;
	int gfd, gfd2, cfd;
	long ret;
	struct uapi_vfio_group_status st = {.argsz = sizeof(st)};
	(void)state;
	fx_init(&f, 0, false, 0);
	fx_add_group7(&f, 0, false);
	fx_add_group7(&f, 1, true);
	assert_int_equal(ifd_open(f.sys, "/dev/vfio/7", &gfd, &f.err), 0);
	assert_int_equal(ifd_open(f.sys, "/dev/vfio/vfio", &cfd, &f.err), 0);
	int32_t c = cfd;
	assert_int_equal(fx_ioctl(&f, gfd, UAPI_VFIO_GROUP_SET_CONTAINER, &c, 4), 0);
	assert_int_equal(ifd_close(f.sys, cfd, &f.err), 0);
	assert_int_equal(fx_contexts(&f), 2);   /* the fixture's /dev/iommu + the container */
	/* The group's last vfio device goes to a kernel driver: the group goes with it, and
	 * with the group the container it held. */
	assert_int_equal(ifd_sys_kernel_driver(f.sys, f.dev[0], true, &f.err), 0);
	assert_int_equal(fx_contexts(&f), 1);
	assert_int_equal(ifd_open(f.sys, "/dev/vfio/7", &gfd2, &f.err), -ENOENT);
	/* The file still open answers as a group whose iommu_group is gone. */
	assert_int_equal(fx_ioctl(&f, gfd, UAPI_VFIO_GROUP_GET_STATUS, &st, sizeof(st)), -ENODEV);
	assert_int_equal(fx_ioctl(&f, gfd, UAPI_VFIO_GROUP_SET_CONTAINER, &c, 4), -ENODEV);
	assert_int_equal(fx_ioctl(&f, gfd, UAPI_VFIO_GROUP_UNSET_CONTAINER, NULL, 0), -EINVAL);
	assert_int_equal(get_device_fd(&f, gfd, "0000:0b:00.0", &ret), -ENODEV);
	/* Back on vfio-pci: a new group, which the old file does not hold open. */
	assert_int_equal(ifd_sys_kernel_driver(f.sys, f.dev[0], false, &f.err), 0);
	assert_int_equal(ifd_open(f.sys, "/dev/vfio/7", &gfd2, &f.err), 0);
	assert_int_equal(fx_ioctl(&f, gfd, UAPI_VFIO_GROUP_GET_STATUS, &st, sizeof(st)), -ENODEV);
	assert_int_equal(ifd_close(f.sys, gfd, &f.err), 0);
	assert_int_equal(ifd_open(f.sys, "/dev/vfio/7", &gfd, &f.err), -EBUSY);
	/* 00.1 still holds the group for kernel DMA. */
	assert_int_equal(fx_ioctl(&f, gfd2, UAPI_VFIO_GROUP_GET_STATUS, &st, sizeof(st)), 0);
	assert_int_equal(st.flags, 0);
	fx_fini(&f);
}

static void one_device_one_iommufd(void **state)
{
	fx_t f;
	int ifd2, second;
	(void)state;
	fx_init(&f, 1, false, 0);
	assert_int_equal(ifd_open(f.sys, "/dev/iommu", &ifd2, &f.err), 0);
	assert_int_equal(fx_bind(&f, 0), 0);
	/* Binding the same file again. */
	assert_int_equal(fx_bind_to(&f, 0, ifd2), -EINVAL);
	/* A second cdev file of the same device. */
	assert_int_equal(ifd_open(f.sys, "/dev/vfio/devices/vfio0", &second, &f.err), 0);
	struct uapi_vfio_device_bind_iommufd b = {.argsz = 16, .iommufd = ifd2};
	assert_int_equal(fx_ioctl(&f, second, UAPI_VFIO_DEVICE_BIND_IOMMUFD, &b, sizeof(b)),
			 -EINVAL);
	/* Still usable after the first file goes. */
	assert_int_equal(ifd_close(f.sys, f.dfd[0], &f.err), 0);
	assert_int_equal(fx_ioctl(&f, second, UAPI_VFIO_DEVICE_BIND_IOMMUFD, &b, sizeof(b)), 0);
	fx_fini(&f);
}

static void legacy_group_and_cdev_exclude_each_other(void **state)
{
	fx_t f;
	int gfd, gfd2;
	char path[32];
	(void)state;
	fx_init(&f, 1, false, 0);
	snprintf(path, sizeof(path), "/dev/vfio/%u", f.dev[0]->group->id);
	assert_int_equal(ifd_open(f.sys, path, &gfd, &f.err), 0);
	assert_int_equal(ifd_open(f.sys, path, &gfd2, &f.err), -EBUSY);
	assert_int_equal(fx_bind(&f, 0), -EBUSY);
	assert_int_equal(ifd_close(f.sys, gfd, &f.err), 0);
	assert_int_equal(fx_bind(&f, 0), 0);
	assert_int_equal(ifd_open(f.sys, path, &gfd, &f.err), -EBUSY);
	assert_int_equal(ifd_close(f.sys, f.dfd[0], &f.err), 0);
	assert_int_equal(ifd_open(f.sys, path, &gfd, &f.err), 0);
	fx_fini(&f);
}

static void automatic_domains_are_shared_when_compatible(void **state)
{
	fx_t f;
	uint32_t ioas, pt0, pt1, pt2;
	(void)state;
	fx_init(&f, 3, false, 0);
	assert_int_equal(fx_ioas(&f, &ioas), 0);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(fx_bind(&f, i), 0);
	pt0 = pt1 = pt2 = ioas;
	assert_int_equal(fx_attach(&f, 0, &pt0), 0);
	assert_int_equal(fx_attach(&f, 1, &pt1), 0);
	assert_int_equal(pt1, pt0);
	assert_int_equal(f.mock.n_alloc, 1);
	/* An existing domain that refuses the device (-EINVAL) is skipped for a new one. */
	f.mock.fail_attach = -EINVAL;
	assert_int_equal(fx_attach(&f, 2, &pt2), 0);
	assert_true(pt2 != pt0);
	assert_int_equal(f.mock.n_alloc, 2);
	/* Any other error is the answer. */
	assert_int_equal(fx_detach(&f, 2), 0);
	f.mock.fail_attach = -ENOSPC;
	pt2 = ioas;
	assert_int_equal(fx_attach(&f, 2, &pt2), -ENOSPC);
	/* Replacing a device onto a manual HWPT of the same IOAS moves its users. */
	uint32_t manual;
	assert_int_equal(fx_hwpt_alloc(&f, f.devid[0], ioas, 0, 0, NULL, 0, 0, &manual), 0);
	uint32_t pt = manual;
	assert_int_equal(fx_attach(&f, 0, &pt), 0);
	assert_int_equal(pt, manual);
	assert_int_equal(fx_destroy(&f, manual), -EBUSY);
	/* The automatic HWPT lives on while device 1 uses it. */
	assert_int_equal(fx_destroy(&f, pt0), -EBUSY);
	assert_int_equal(fx_detach(&f, 1), 0);
	assert_int_equal(fx_destroy(&f, pt0), -ENOENT);
	fx_fini(&f);
}

/* ---- the type1 container ---- */

typedef struct cont {
	fx_t f;
	int cfd, gfd, dfd;
} cont_t;

static void container_setup(cont_t *c, uint32_t type)
{
	char path[32];
	long ret;
	fx_init(&c->f, 1, false, 0);
	assert_int_equal(ifd_open(c->f.sys, "/dev/vfio/vfio", &c->cfd, &c->f.err), 0);
	snprintf(path, sizeof(path), "/dev/vfio/%u", c->f.dev[0]->group->id);
	assert_int_equal(ifd_open(c->f.sys, path, &c->gfd, &c->f.err), 0);
	assert_int_equal(ifd_ioctl_fd(c->f.sys, c->cfd, UAPI_VFIO_GET_API_VERSION, NULL, 0, &ret,
				      &c->f.err), 0);
	assert_int_equal(ret, 0);
	uint32_t ext = UAPI_VFIO_TYPE1v2_IOMMU;
	assert_int_equal(ifd_ioctl_fd(c->f.sys, c->cfd, UAPI_VFIO_CHECK_EXTENSION, &ext, 4, &ret,
				      &c->f.err), 0);
	assert_int_equal(ret, 1);
	ext = UAPI_VFIO_TYPE1_NESTING_IOMMU;
	assert_int_equal(ifd_ioctl_fd(c->f.sys, c->cfd, UAPI_VFIO_CHECK_EXTENSION, &ext, 4, &ret,
				      &c->f.err), 0);
	assert_int_equal(ret, 0);
	struct uapi_vfio_group_status st = {.argsz = sizeof(st)};
	assert_int_equal(fx_ioctl(&c->f, c->gfd, UAPI_VFIO_GROUP_GET_STATUS, &st, sizeof(st)), 0);
	assert_int_equal(st.flags, UAPI_VFIO_GROUP_FLAGS_VIABLE);
	/* No device before a container. */
	assert_int_equal(ifd_ioctl_fd(c->f.sys, c->gfd, UAPI_VFIO_GROUP_GET_DEVICE_FD,
				      (void *)c->f.dev[0]->name, strlen(c->f.dev[0]->name) + 1,
				      &ret, &c->f.err), -EINVAL);
	int32_t cfd = c->cfd;
	assert_int_equal(fx_ioctl(&c->f, c->gfd, UAPI_VFIO_GROUP_SET_CONTAINER, &cfd, 4), 0);
	assert_int_equal(fx_ioctl(&c->f, c->gfd, UAPI_VFIO_GROUP_SET_CONTAINER, &cfd, 4), -EINVAL);
	assert_int_equal(fx_ioctl(&c->f, c->gfd, UAPI_VFIO_GROUP_GET_STATUS, &st, sizeof(st)), 0);
	assert_int_equal(st.flags, UAPI_VFIO_GROUP_FLAGS_VIABLE |
				   UAPI_VFIO_GROUP_FLAGS_CONTAINER_SET);
	assert_int_equal(fx_ioctl(&c->f, c->cfd, UAPI_VFIO_SET_IOMMU, &type, 4), 0);
	assert_int_equal(ifd_ioctl_fd(c->f.sys, c->gfd, UAPI_VFIO_GROUP_GET_DEVICE_FD,
				      "0000:0b:00.7", 13, &ret, &c->f.err), -ENODEV);
	assert_int_equal(ifd_ioctl_fd(c->f.sys, c->gfd, UAPI_VFIO_GROUP_GET_DEVICE_FD,
				      (void *)c->f.dev[0]->name, strlen(c->f.dev[0]->name) + 1,
				      &ret, &c->f.err), 0);
	c->dfd = (int)ret;
	/* Opening through the group attached the device to the container's IOAS. */
	assert_int_equal(fx_state(&c->f, 0)->state, MOCK_DEV_DOMAIN);
}

static int map_dma(cont_t *c, uint64_t va, uint64_t iova, uint64_t size)
{
	struct uapi_vfio_iommu_type1_dma_map m = {.argsz = sizeof(m),
		.flags = UAPI_VFIO_DMA_MAP_FLAG_READ | UAPI_VFIO_DMA_MAP_FLAG_WRITE, .vaddr = va,
		.iova = iova, .size = size};
	return fx_ioctl(&c->f, c->cfd, UAPI_VFIO_IOMMU_MAP_DMA, &m, sizeof(m));
}

static int unmap_dma(cont_t *c, uint64_t iova, uint64_t size, uint32_t flags, uint64_t *out)
{
	struct uapi_vfio_iommu_type1_dma_unmap u = {.argsz = sizeof(u), .flags = flags,
						    .iova = iova, .size = size};
	int rc = fx_ioctl(&c->f, c->cfd, UAPI_VFIO_IOMMU_UNMAP_DMA, &u, sizeof(u));
	*out = u.size;
	return rc;
}

static void container_type1v2(void **state)
{
	cont_t c;
	uint64_t out, pa;
	(void)state;
	container_setup(&c, UAPI_VFIO_TYPE1v2_IOMMU);
	assert_int_equal(map_dma(&c, 0x70000000, 0x100000, 0x4000), 0);
	assert_int_equal(map_dma(&c, 0x70000000, 0x101000, 0x1000), -EEXIST);
	mock_domain_t *md = fx_state(&c.f, 0)->dom;
	assert_int_equal(mock_dom_iova_to_phys(&md->dom, 0x103000, &pa), 0);
	/* v2: no hole punching; the size written back is what was unmapped. */
	assert_int_equal(unmap_dma(&c, 0x101000, 0x1000, 0, &out), -ENOENT);
	assert_int_equal(out, 0);
	assert_int_equal(unmap_dma(&c, 0x100000, 0x4000, 0, &out), 0);
	assert_int_equal(out, 0x4000);
	/* UNMAP_ALL needs iova = size = 0. */
	assert_int_equal(unmap_dma(&c, 0x100000, 0, UAPI_VFIO_DMA_UNMAP_FLAG_ALL, &out), -EINVAL);
	assert_int_equal(map_dma(&c, 0x70000000, 0x200000, 0x2000), 0);
	assert_int_equal(unmap_dma(&c, 0, 0, UAPI_VFIO_DMA_UNMAP_FLAG_ALL, &out), 0);
	assert_int_equal(out, 0x2000);
	/* GET_INFO: 4 KiB pages (the mock's smallest), the caps chain with the IOVA ranges. */
	uint8_t buf[256] = {0};
	struct uapi_vfio_iommu_type1_info *info = (void *)buf;
	info->argsz = sizeof(buf);
	assert_int_equal(fx_ioctl(&c.f, c.cfd, UAPI_VFIO_IOMMU_GET_INFO, buf, sizeof(buf)), 0);
	assert_int_equal(info->flags, UAPI_VFIO_IOMMU_INFO_PGSIZES | UAPI_VFIO_IOMMU_INFO_CAPS);
	assert_int_equal(info->iova_pgsizes, MOCK_PGSIZES);
	assert_int_equal(info->cap_offset, 24);
	assert_int_equal(info->argsz, 24 + 12 + 16 + 2 * 16);
	struct uapi_vfio_info_cap_header h;
	memcpy(&h, buf + 24, sizeof(h));
	assert_int_equal(h.id, UAPI_VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL);
	assert_int_equal(h.next, 36);
	memcpy(&h, buf + 36, sizeof(h));
	assert_int_equal(h.id, UAPI_VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE);
	uint64_t r[2];
	memcpy(r, buf + 36 + 16 + 16, 16);
	assert_int_equal(r[0], 0xfef00000);
	/* Teardown in the VMM's order: device, group, container. */
	assert_int_equal(ifd_close(c.f.sys, c.dfd, &c.f.err), 0);
	assert_int_equal(ifd_close(c.f.sys, c.gfd, &c.f.err), 0);
	assert_int_equal(ifd_close(c.f.sys, c.cfd, &c.f.err), 0);
	assert_int_equal(fx_contexts(&c.f), 1);   /* the fixture's own /dev/iommu */
	assert_int_equal(c.f.mock.domains_live, 0);
	assert_int_equal(fx_state(&c.f, 0)->state, MOCK_DEV_DEFAULT);
	fx_fini(&c.f);
}

static void container_type1_cuts_mappings(void **state)
{
	cont_t c;
	uint64_t out, pa;
	(void)state;
	container_setup(&c, UAPI_VFIO_TYPE1_IOMMU);
	assert_int_equal(map_dma(&c, 0x70000000, 0x100000, 0x4000), 0);
	mock_domain_t *md = fx_state(&c.f, 0)->dom;
	/* v1 semantics: the middle page goes, both sides stay mapped. */
	assert_int_equal(unmap_dma(&c, 0x101000, 0x1000, 0, &out), 0);
	assert_int_equal(out, 0x1000);
	assert_int_equal(mock_dom_iova_to_phys(&md->dom, 0x100000, &pa), 0);
	assert_int_equal(mock_dom_iova_to_phys(&md->dom, 0x101000, &pa), -ENOENT);
	assert_int_equal(mock_dom_iova_to_phys(&md->dom, 0x102000, &pa), 0);
	assert_int_equal(unmap_dma(&c, 0x100000, 0x4000, 0, &out), 0);
	assert_int_equal(out, 0x3000);
	/* Closing the container first: the group and device keep it alive. */
	assert_int_equal(ifd_close(c.f.sys, c.cfd, &c.f.err), 0);
	assert_int_equal(fx_contexts(&c.f), 2);
	assert_int_equal(ifd_close(c.f.sys, c.gfd, &c.f.err), 0);
	assert_int_equal(fx_contexts(&c.f), 2);
	assert_int_equal(ifd_close(c.f.sys, c.dfd, &c.f.err), 0);
	assert_int_equal(fx_contexts(&c.f), 1);
	fx_fini(&c.f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_group_moves_as_one),
		cmocka_unit_test(one_group_one_iommufd),
		cmocka_unit_test(kernel_dma_and_user_dma_never_mix),
		cmocka_unit_test(kernel_driver_device_has_no_cdev),
		cmocka_unit_test(group_get_device_fd_names_only_vfio_devices),
		cmocka_unit_test(group_node_lives_with_its_vfio_devices),
		cmocka_unit_test(one_device_one_iommufd),
		cmocka_unit_test(legacy_group_and_cdev_exclude_each_other),
		cmocka_unit_test(automatic_domains_are_shared_when_compatible),
		cmocka_unit_test(container_type1v2),
		cmocka_unit_test(container_type1_cuts_mappings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
