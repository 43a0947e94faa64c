/* SPDX-License-Identifier: MIT */
/*
 * Which devices are vfio devices (Linux drivers/vfio/vfio_main.c vfio_register_group_dev,
 * group.c vfio_device_set_group / vfio_device_remove_group, device_cdev.c).
 *
 * Only a device bound to vfio-pci is registered with vfio. Registration puts it on its
 * group's device list (what VFIO_GROUP_GET_DEVICE_FD searches) and gives it a cdev,
 * /dev/vfio/devices/vfio<minor>, the minor being the lowest free number
 * (vfio_init_device: ida_alloc). A device bound to a kernel driver has neither, though it
 * stays in its iommu_group and keeps the group's DMA for the kernel. The group node
 * /dev/vfio/<id> exists while at least one device of the group is registered.
 */
#include <errno.h>

#include "host-shim/iommufd/ifd_internal.h"

void ifd_vfio_register(ifd_sys_t *s, ifd_vfio_dev_t *vd)
{
	unsigned minor = 0;

	while (ifd_vfio_dev_by_minor(s, minor))
		minor++;
	vd->minor = minor;
	vd->registered = true;
}

ifd_vfio_dev_t *ifd_vfio_dev_by_minor(ifd_sys_t *s, unsigned minor)
{
	for (size_t i = 0; i < s->nvdevs; i++)
		if (s->vdevs[i]->registered && s->vdevs[i]->minor == minor)
			return s->vdevs[i];
	return NULL;
}

bool ifd_vfio_group_registered(ifd_sys_t *s, const ifd_vfio_group_t *vg)
{
	for (size_t i = 0; i < vg->group->ndevs; i++) {
		const ifd_vfio_dev_t *vd = ifd_vfio_dev_of(s, vg->group->devs[i]);
		if (vd && vd->registered)
			return true;
	}
	return false;
}

bool ifd_vfio_cdev_minor(ifd_sys_t *s, const pci_dev_t *dev, unsigned *minor)
{
	const ifd_vfio_dev_t *vd = s && dev ? ifd_vfio_dev_of(s, dev) : NULL;

	if (!vd || !vd->registered)
		return false;
	if (minor)
		*minor = vd->minor;
	return true;
}

/* vfio_unregister_group_dev. The last device of a group takes the group with it
 * (vfio_device_remove_group): the container is detached and an open group file is left
 * pointing at nothing, so its ioctls fail with -ENODEV; a later registration makes a new
 * group that file does not see. */
static void vfio_unregister(ifd_sys_t *s, ifd_vfio_dev_t *vd)
{
	ifd_vfio_group_t *vg = vd->vgroup;

	vd->registered = false;
	if (ifd_vfio_group_registered(s, vg))
		return;
	if (vg->iommufd) {
		ifd_ctx_put(vg->iommufd);
		vg->iommufd = NULL;
	}
	if (vg->opened_file) {
		vg->opened_file->u.vgroup = NULL;
		vg->opened_file = NULL;
	}
}

int ifd_sys_kernel_driver(ifd_sys_t *s, pci_dev_t *dev, bool bind, iommusim_error_t *err)
{
	if (!s || !dev)
		return iommusim_error_set(err, -EINVAL, "no device");
	ifd_vfio_dev_t *vd = ifd_vfio_dev_of(s, dev);
	ifd_vfio_group_t *vg = vd->vgroup;
	if (bind == dev->kernel_driver)
		return 0;
	if (bind) {
		/* iommu_device_use_default_domain */
		if (vg->owner_cnt && vg->owner)
			return iommusim_error_set(err, -EBUSY,
				"cannot bind a kernel driver to %s: its group %u is owned by user "
				"space", dev->name, vg->group->id);
		/* Unbinding vfio-pci waits in vfio_unregister_group_dev until every file of
		 * the device is closed; the simulated host cannot wait, so it refuses. */
		if (vd->cdev_files)
			return iommusim_error_set(err, -EBUSY,
				"cannot bind a kernel driver to %s: %u file%s of its vfio cdev %s "
				"open (close %s first)", dev->name, vd->cdev_files,
				vd->cdev_files == 1 ? "" : "s", vd->cdev_files == 1 ? "is" : "are",
				vd->cdev_files == 1 ? "it" : "them");
		if (vd->registered)
			vfio_unregister(s, vd);
		vg->owner_cnt++;
	} else {
		if (vg->owner_cnt && !vg->owner)
			vg->owner_cnt--;
		/* Bound to vfio-pci instead, which needs the device in an iommu_group. */
		if (vd->probed)
			ifd_vfio_register(s, vd);
	}
	pci_dev_set_kernel_driver(dev, bind);
	return 0;
}
