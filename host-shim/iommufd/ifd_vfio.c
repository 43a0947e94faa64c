/* SPDX-License-Identifier: MIT */
/*
 * The vfio side (Linux drivers/vfio: device_cdev.c, group.c, iommufd.c, vfio_main.c) and
 * DMA ownership of groups (iommu core).
 *
 * - A device cdev file must bind to an iommufd (VFIO_DEVICE_BIND_IOMMUFD) before any other
 *   ioctl (-EINVAL). A device is opened through one cdev file at a time (a second bind:
 *   -EINVAL); a group whose node is open refuses cdev binds (-EBUSY) and a group with a
 *   device bound through its cdev refuses to open (-EBUSY).
 * - The group path: a group with an iommufd set as container hands out device files
 *   (VFIO_GROUP_GET_DEVICE_FD) of its vfio devices (ifd_vfio_reg.c; a member bound to a
 *   kernel driver is not on the list: -ENODEV); the first open binds the device to that
 *   iommufd and attaches it to the compat IOAS.
 * - DMA ownership: a group is either used by kernel drivers (kernel DMA) or owned by one
 *   iommufd (user DMA). Claiming a group another owner holds is -EPERM; binding a kernel
 *   driver in a user-owned group is -EBUSY. Claiming blocks the group's DMA; releasing the
 *   last claim puts the group back in the default domain.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/iommufd/ifd_internal.h"

ifd_vfio_dev_t *ifd_vfio_dev_of(ifd_sys_t *s, const pci_dev_t *pdev)
{
	return pdev && pdev->index < s->nvdevs ? s->vdevs[pdev->index] : NULL;
}

ifd_vfio_group_t *ifd_vfio_group_of(ifd_sys_t *s, const pci_group_t *g)
{
	for (size_t i = 0; i < s->nvgroups; i++)
		if (s->vgroups[i]->group == g)
			return s->vgroups[i];
	return NULL;
}

/* ---- DMA ownership ------------------------------------------------------------------------- */

int ifd_dma_owner_claim(ifd_sys_t *s, pci_dev_t *pdev, const void *owner,
			iommusim_error_t *err)
{
	ifd_vfio_group_t *vg = ifd_vfio_group_of(s, pdev->group);

	if (vg->owner_cnt) {
		if (vg->owner != owner)
			return iommusim_error_set(err, -EPERM,
				"group %u of %s is %s; every device of a group must belong to one "
				"user (one iommufd) and none to a kernel driver", vg->group->id,
				pdev->name,
				vg->owner ? "owned by another iommufd"
					  : "in use by a kernel driver (kernel DMA)");
		vg->owner_cnt++;
		return 0;
	}
	/* Taking the group: its DMA is blocked until user space attaches a domain. */
	for (size_t i = 0; i < vg->group->ndevs; i++) {
		pci_dev_t *d = vg->group->devs[i];
		drv_instance_t *drv = ifd_dev_drv(s, d);
		if (drv && drv->ops->attach_blocked)
			drv->ops->attach_blocked(drv->iommu, d, NULL);
	}
	vg->owner = owner;
	vg->owner_cnt = 1;
	return 0;
}

void ifd_dma_owner_release(ifd_sys_t *s, pci_dev_t *pdev)
{
	ifd_vfio_group_t *vg = ifd_vfio_group_of(s, pdev->group);

	if (!vg->owner_cnt || --vg->owner_cnt)
		return;
	vg->owner = NULL;
	for (size_t i = 0; i < vg->group->ndevs; i++) {
		pci_dev_t *d = vg->group->devs[i];
		drv_instance_t *drv = ifd_dev_drv(s, d);
		if (drv && drv->ops->attach_default)
			drv->ops->attach_default(drv->iommu, d, NULL);
	}
}

/* ---- device open / close -------------------------------------------------------------------- */

static int df_open(ifd_sys_t *s, ifd_devfile_t *df, iommusim_error_t *err)
{
	ifd_vfio_dev_t *vd = df->vdev;
	int rc;

	/* Only the group path may open a device more than once. */
	if (vd->open_count && !df->from_group)
		return iommusim_error_set(err, -EINVAL,
			"device %s is already open through another file; a device binds to one "
			"iommufd at a time", vd->pdev->name);
	if (vd->open_count++)
		return 0;
	if (!df->iommufd) {
		vd->open_count--;
		return iommusim_error_set(err, -EINVAL, "device %s has no iommufd", vd->pdev->name);
	}
	rc = ifd_device_bind(df->iommufd, vd->pdev, &vd->idev, err);
	if (rc)
		goto fail;
	vd->ictx = df->iommufd;
	if (df->from_group) {
		/* The legacy path attaches to the compat IOAS and cannot report the HWPT. */
		uint32_t id;
		rc = ifd_vfio_compat_ioas_id(df->iommufd, &id, err);
		if (!rc)
			rc = ifd_device_attach(vd->idev, IFD_NO_PASID, &id, err);
		if (rc) {
			ifd_device_unbind(vd->idev);
			vd->idev = NULL;
			goto fail;
		}
		vd->attached = true;
	}
	(void)s;
	return 0;
fail:
	vd->open_count--;
	vd->ictx = NULL;
	return rc;
}

static void df_close(ifd_devfile_t *df)
{
	ifd_vfio_dev_t *vd = df->vdev;

	if (!vd->open_count || --vd->open_count)
		return;
	/* vfio_iommufd_physical_unbind: PASIDs first, then the RID, then unbind. */
	if (vd->idev) {
		while (vd->npasids)
			ifd_device_detach(vd->idev, vd->pasids[--vd->npasids]);
		if (vd->attached)
			ifd_device_detach(vd->idev, IFD_NO_PASID);
		vd->attached = false;
		ifd_device_unbind(vd->idev);
		vd->idev = NULL;
	}
	free(vd->pasids);
	vd->pasids = NULL;
	free(vd->partial);
	vd->partial = NULL;
	vd->npartial = 0;
	vd->ictx = NULL;
}

void ifd_vfio_devfile_release(ifd_sys_t *s, ifd_devfile_t *df)
{
	if (!df->from_group)
		df->vdev->cdev_files--;
	if (!df->access_granted)
		return;
	ifd_ctx_t *ctx = df->iommufd;
	df_close(df);
	if (df->from_group) {
		ifd_vfio_group_t *vg = df->vdev->vgroup;
		if (vg->opened_file)
			ifd_file_put(s, vg->opened_file);
	} else {
		df->vdev->vgroup->cdev_device_open_cnt--;
		if (ctx)
			ifd_ctx_put(ctx);
	}
}

/* ---- cdev ioctls ----------------------------------------------------------------------------- */

static int bind_iommufd(ifd_sys_t *s, ifd_devfile_t *df, void *arg, size_t len,
			iommusim_error_t *err)
{
	struct uapi_vfio_device_bind_iommufd b = {0};
	const size_t minsz = UAPI_OFFSET_END(struct uapi_vfio_device_bind_iommufd, out_devid);
	ifd_vfio_dev_t *vd = df->vdev;
	int rc;

	if (!arg || len < minsz)
		return iommusim_error_set(err, -EFAULT, "VFIO_DEVICE_BIND_IOMMUFD: %zu bytes given",
					  arg ? len : 0);
	memcpy(&b, arg, minsz);
	if (b.argsz < minsz || (b.flags & ~UAPI_VFIO_DEVICE_BIND_FLAG_TOKEN) || b.iommufd < 0)
		return iommusim_error_set(err, -EINVAL,
			"VFIO_DEVICE_BIND_IOMMUFD: argsz %u (min %zu), flags 0x%x or iommufd %d "
			"invalid", b.argsz, minsz, b.flags, b.iommufd);
	if (b.flags & UAPI_VFIO_DEVICE_BIND_FLAG_TOKEN) {
		uint8_t uuid[16];
		if (b.argsz < sizeof(b))
			return iommusim_error_set(err, -EINVAL,
				"VFIO_DEVICE_BIND_IOMMUFD: FLAG_TOKEN needs argsz >= %zu", sizeof(b));
		if (len < sizeof(b))
			return iommusim_error_set(err, -EFAULT,
				"VFIO_DEVICE_BIND_IOMMUFD: %zu bytes given", len);
		memcpy(&b.token_uuid_ptr, (uint8_t *)arg + 16, 8);
		if (ifd_mm_read(&s->mm, b.token_uuid_ptr, uuid, sizeof(uuid)))
			return iommusim_error_set(err, -EFAULT,
				"VFIO_DEVICE_BIND_IOMMUFD: cannot read the token at 0x%llx",
				(unsigned long long)b.token_uuid_ptr);
	}
	if (df->from_group)
		return iommusim_error_set(err, -EINVAL,
			"VFIO_DEVICE_BIND_IOMMUFD: only for cdev files, not group-obtained ones");
	ifd_vfio_group_t *vg = vd->vgroup;
	if (vg->opened_file)
		return iommusim_error_set(err, -EBUSY,
			"VFIO_DEVICE_BIND_IOMMUFD: group %u of %s is open through /dev/vfio/%u "
			"(the legacy and the cdev path exclude each other)", vg->group->id,
			vd->pdev->name, vg->group->id);
	vg->cdev_device_open_cnt++;
	if (df->access_granted) {
		rc = iommusim_error_set(err, -EINVAL,
			"VFIO_DEVICE_BIND_IOMMUFD: this file is already bound");
		goto unblock;
	}
	ifd_file_t *f = ifd_fd_file(s, b.iommufd);
	if (!f) {
		rc = iommusim_error_set(err, -EBADF, "VFIO_DEVICE_BIND_IOMMUFD: fd %d is not open",
					b.iommufd);
		goto unblock;
	}
	if (f->kind != IFD_FILE_IOMMUFD) {
		rc = iommusim_error_set(err, -EBADFD,
			"VFIO_DEVICE_BIND_IOMMUFD: fd %d is not an iommufd", b.iommufd);
		goto unblock;
	}
	df->iommufd = f->u.ctx;
	ifd_ctx_get(df->iommufd);
	rc = df_open(s, df, err);
	if (rc) {
		ifd_ctx_put(df->iommufd);
		df->iommufd = NULL;
		goto unblock;
	}
	b.out_devid = vd->idev->obj.id;
	memcpy((uint8_t *)arg + offsetof(struct uapi_vfio_device_bind_iommufd, out_devid),
	       &b.out_devid, 4);
	df->access_granted = true;
	return 0;
unblock:
	vg->cdev_device_open_cnt--;
	return rc;
}

static bool has_pasid(const ifd_vfio_dev_t *vd, uint32_t pasid)
{
	for (size_t i = 0; i < vd->npasids; i++)
		if (vd->pasids[i] == pasid)
			return true;
	return false;
}

static int attach_pt(ifd_devfile_t *df, void *arg, size_t len, iommusim_error_t *err)
{
	struct uapi_vfio_device_attach_iommufd_pt a = {0};
	const size_t minsz = UAPI_OFFSET_END(struct uapi_vfio_device_attach_iommufd_pt, pt_id);
	ifd_vfio_dev_t *vd = df->vdev;
	int rc;

	if (!arg || len < minsz)
		return iommusim_error_set(err, -EFAULT, "VFIO_DEVICE_ATTACH_IOMMUFD_PT: %zu bytes "
					  "given", arg ? len : 0);
	memcpy(&a, arg, minsz);
	if (a.argsz < minsz)
		return iommusim_error_set(err, -EINVAL,
			"VFIO_DEVICE_ATTACH_IOMMUFD_PT: argsz %u is below %zu", a.argsz, minsz);
	if (a.flags & ~UAPI_VFIO_DEVICE_ATTACH_PASID)
		return iommusim_error_set(err, -EINVAL,
			"VFIO_DEVICE_ATTACH_IOMMUFD_PT: unknown flags 0x%x", a.flags);
	bool pasid = a.flags & UAPI_VFIO_DEVICE_ATTACH_PASID;
	if (pasid) {
		if (a.argsz < sizeof(a))
			return iommusim_error_set(err, -EINVAL,
				"VFIO_DEVICE_ATTACH_IOMMUFD_PT: ATTACH_PASID needs argsz >= %zu",
				sizeof(a));
		if (len < sizeof(a))
			return iommusim_error_set(err, -EFAULT,
				"VFIO_DEVICE_ATTACH_IOMMUFD_PT: %zu bytes given", len);
		memcpy(&a.pasid, (uint8_t *)arg + minsz, 4);
	}
	if (pasid) {
		if (has_pasid(vd, a.pasid)) {
			rc = ifd_device_replace(vd->idev, a.pasid, &a.pt_id, err);
		} else {
			uint32_t *v = realloc(vd->pasids, (vd->npasids + 1) * sizeof(*v));
			if (!v)
				return iommusim_error_set(err, -ENOMEM, "out of memory");
			vd->pasids = v;
			rc = ifd_device_attach(vd->idev, a.pasid, &a.pt_id, err);
			if (!rc)
				vd->pasids[vd->npasids++] = a.pasid;
		}
	} else if (vd->attached) {
		rc = ifd_device_replace(vd->idev, IFD_NO_PASID, &a.pt_id, err);
	} else {
		rc = ifd_device_attach(vd->idev, IFD_NO_PASID, &a.pt_id, err);
		if (!rc)
			vd->attached = true;
	}
	if (rc) {
		iommusim_error_prefix(err, "VFIO_DEVICE_ATTACH_IOMMUFD_PT %s", vd->pdev->name);
		return rc;
	}
	memcpy((uint8_t *)arg + offsetof(struct uapi_vfio_device_attach_iommufd_pt, pt_id),
	       &a.pt_id, 4);
	return 0;
}

static int detach_pt(ifd_devfile_t *df, void *arg, size_t len, iommusim_error_t *err)
{
	struct uapi_vfio_device_detach_iommufd_pt d = {0};
	const size_t minsz = UAPI_OFFSET_END(struct uapi_vfio_device_detach_iommufd_pt, flags);
	ifd_vfio_dev_t *vd = df->vdev;

	if (!arg || len < minsz)
		return iommusim_error_set(err, -EFAULT, "VFIO_DEVICE_DETACH_IOMMUFD_PT: %zu bytes "
					  "given", arg ? len : 0);
	memcpy(&d, arg, minsz);
	if (d.argsz < minsz)
		return iommusim_error_set(err, -EINVAL,
			"VFIO_DEVICE_DETACH_IOMMUFD_PT: argsz %u is below %zu", d.argsz, minsz);
	if (d.flags & ~UAPI_VFIO_DEVICE_DETACH_PASID)
		return iommusim_error_set(err, -EINVAL,
			"VFIO_DEVICE_DETACH_IOMMUFD_PT: unknown flags 0x%x", d.flags);
	if (d.flags & UAPI_VFIO_DEVICE_DETACH_PASID) {
		if (d.argsz < sizeof(d))
			return iommusim_error_set(err, -EINVAL,
				"VFIO_DEVICE_DETACH_IOMMUFD_PT: DETACH_PASID needs argsz >= %zu",
				sizeof(d));
		if (len < sizeof(d))
			return iommusim_error_set(err, -EFAULT,
				"VFIO_DEVICE_DETACH_IOMMUFD_PT: %zu bytes given", len);
		memcpy(&d.pasid, (uint8_t *)arg + minsz, 4);
		for (size_t i = 0; i < vd->npasids; i++) {
			if (vd->pasids[i] == d.pasid) {
				ifd_device_detach(vd->idev, d.pasid);
				vd->pasids[i] = vd->pasids[--vd->npasids];
				break;
			}
		}
		return 0;
	}
	if (vd->attached) {
		ifd_device_detach(vd->idev, IFD_NO_PASID);
		vd->attached = false;
	}
	return 0;
}

/* ---- the vfio-pci device ioctls a VMM issues during realize ------------------------------- */

#define VFIO_PCI_OFFSET_SHIFT 40   /* vfio-pci: region index in bits 63:40 of the offset */
#define PCIE_CONFIG_SIZE      4096u

static int device_info(void *arg, size_t len, iommusim_error_t *err)
{
	struct uapi_vfio_device_info info = {0};
	const size_t minsz = UAPI_OFFSET_END(struct uapi_vfio_device_info, num_irqs);

	if (!arg || len < minsz)
		return iommusim_error_set(err, -EFAULT, "VFIO_DEVICE_GET_INFO: %zu bytes given",
					  arg ? len : 0);
	memcpy(&info, arg, minsz);
	if (info.argsz < minsz)
		return iommusim_error_set(err, -EINVAL, "VFIO_DEVICE_GET_INFO: argsz %u < %zu",
					  info.argsz, minsz);
	info.flags = UAPI_VFIO_DEVICE_FLAGS_PCI | UAPI_VFIO_DEVICE_FLAGS_RESET;
	info.num_regions = UAPI_VFIO_PCI_NUM_REGIONS;
	info.num_irqs = UAPI_VFIO_PCI_NUM_IRQS;
	memcpy(arg, &info, minsz);
	return 0;
}

static int region_info(void *arg, size_t len, iommusim_error_t *err)
{
	struct uapi_vfio_region_info r;

	if (!arg || len < sizeof(r))
		return iommusim_error_set(err, -EFAULT, "VFIO_DEVICE_GET_REGION_INFO: %zu bytes "
					  "given", arg ? len : 0);
	memcpy(&r, arg, sizeof(r));
	if (r.argsz < sizeof(r) || r.index >= UAPI_VFIO_PCI_NUM_REGIONS)
		return iommusim_error_set(err, -EINVAL,
			"VFIO_DEVICE_GET_REGION_INFO: argsz %u or index %u invalid", r.argsz,
			r.index);
	r.offset = (uint64_t)r.index << VFIO_PCI_OFFSET_SHIFT;
	r.cap_offset = 0;
	/* The simulated endpoints have a config space and no BARs. */
	if (r.index == UAPI_VFIO_PCI_CONFIG_REGION_INDEX) {
		r.size = PCIE_CONFIG_SIZE;
		r.flags = UAPI_VFIO_REGION_INFO_FLAG_READ | UAPI_VFIO_REGION_INFO_FLAG_WRITE;
	} else {
		r.size = 0;
		r.flags = 0;
	}
	memcpy(arg, &r, sizeof(r));
	return 0;
}

static int irq_info(void *arg, size_t len, iommusim_error_t *err)
{
	struct uapi_vfio_irq_info i;

	if (!arg || len < sizeof(i))
		return iommusim_error_set(err, -EFAULT, "VFIO_DEVICE_GET_IRQ_INFO: %zu bytes given",
					  arg ? len : 0);
	memcpy(&i, arg, sizeof(i));
	if (i.argsz < sizeof(i) || i.index >= UAPI_VFIO_PCI_NUM_IRQS)
		return iommusim_error_set(err, -EINVAL,
			"VFIO_DEVICE_GET_IRQ_INFO: argsz %u or index %u invalid", i.argsz, i.index);
	i.flags = UAPI_VFIO_IRQ_INFO_EVENTFD;
	if (i.index == UAPI_VFIO_PCI_INTX_IRQ_INDEX)
		i.flags |= UAPI_VFIO_IRQ_INFO_MASKABLE | UAPI_VFIO_IRQ_INFO_AUTOMASKED;
	else
		i.flags |= UAPI_VFIO_IRQ_INFO_NORESIZE;
	i.count = i.index == UAPI_VFIO_PCI_MSIX_IRQ_INDEX ? 0 : 1;
	memcpy(arg, &i, sizeof(i));
	return 0;
}

static int set_irqs(void *arg, size_t len, iommusim_error_t *err)
{
	struct uapi_vfio_irq_set h;
	const uint32_t data = UAPI_VFIO_IRQ_SET_DATA_NONE | UAPI_VFIO_IRQ_SET_DATA_BOOL |
			      UAPI_VFIO_IRQ_SET_DATA_EVENTFD;
	const uint32_t action = UAPI_VFIO_IRQ_SET_ACTION_MASK | UAPI_VFIO_IRQ_SET_ACTION_UNMASK |
				UAPI_VFIO_IRQ_SET_ACTION_TRIGGER;

	if (!arg || len < sizeof(h))
		return iommusim_error_set(err, -EFAULT, "VFIO_DEVICE_SET_IRQS: %zu bytes given",
					  arg ? len : 0);
	memcpy(&h, arg, sizeof(h));
	/* vfio_set_irqs_validate_and_prepare: one data type, one action, a known index. */
	if (h.argsz < sizeof(h) || (h.flags & ~(data | action)) ||
	    __builtin_popcount(h.flags & data) != 1 || __builtin_popcount(h.flags & action) != 1 ||
	    h.index >= UAPI_VFIO_PCI_NUM_IRQS)
		return iommusim_error_set(err, -EINVAL,
			"VFIO_DEVICE_SET_IRQS: argsz %u, flags 0x%x or index %u invalid", h.argsz,
			h.flags, h.index);
	return 0;
}

int ifd_vfio_device_ioctl(ifd_sys_t *s, ifd_devfile_t *df, uint32_t request, void *arg,
			  size_t len, long *ret, iommusim_error_t *err)
{
	*ret = 0;
	if (request == UAPI_VFIO_DEVICE_BIND_IOMMUFD)
		return bind_iommufd(s, df, arg, len, err);
	if (!df->access_granted)
		return iommusim_error_set(err, -EINVAL,
			"ioctl 0x%x on %s: bind the device to an iommufd first "
			"(VFIO_DEVICE_BIND_IOMMUFD)", request, df->vdev->pdev->name);
	if (!df->from_group) {
		if (request == UAPI_VFIO_DEVICE_ATTACH_IOMMUFD_PT)
			return attach_pt(df, arg, len, err);
		if (request == UAPI_VFIO_DEVICE_DETACH_IOMMUFD_PT)
			return detach_pt(df, arg, len, err);
	}
	switch (request) {
	case UAPI_VFIO_DEVICE_GET_INFO:
		return device_info(arg, len, err);
	case UAPI_VFIO_DEVICE_GET_REGION_INFO:
		return region_info(arg, len, err);
	case UAPI_VFIO_DEVICE_GET_IRQ_INFO:
		return irq_info(arg, len, err);
	case UAPI_VFIO_DEVICE_SET_IRQS:
		return set_irqs(arg, len, err);
	case UAPI_VFIO_DEVICE_RESET:
		return 0;
	default:
		return iommusim_error_set(err, -ENOTTY, "ioctl 0x%x is not a vfio-pci device "
					  "command", request);
	}
}

/* ---- group ioctls ----------------------------------------------------------------------------- */

static bool group_has_open_devices(ifd_sys_t *s, ifd_vfio_group_t *vg)
{
	for (size_t i = 0; i < vg->group->ndevs; i++) {
		ifd_vfio_dev_t *vd = ifd_vfio_dev_of(s, vg->group->devs[i]);
		if (vd && vd->open_count)
			return true;
	}
	return false;
}

static int get_device_fd(ifd_sys_t *s, ifd_file_t *gf, const char *name, size_t len, long *ret,
			 iommusim_error_t *err)
{
	ifd_vfio_group_t *vg = gf->u.vgroup;
	pci_dev_t *pdev = NULL;
	int rc, fd;

	if (!name || !len || !memchr(name, '\0', len))
		return iommusim_error_set(err, -EFAULT,
			"VFIO_GROUP_GET_DEVICE_FD: the device name is not a terminated string");
	for (size_t i = 0; i < vg->group->ndevs; i++)
		if (!strcmp(vg->group->devs[i]->name, name))
			pdev = vg->group->devs[i];
	if (!pdev)
		return iommusim_error_set(err, -ENODEV,
			"VFIO_GROUP_GET_DEVICE_FD: no device '%s' in group %u", name, vg->group->id);
	/* vfio_device_get_from_name searches the group's vfio devices only, before any
	 * container or ownership check. */
	if (!ifd_vfio_dev_of(s, pdev)->registered)
		return iommusim_error_set(err, -ENODEV,
			"VFIO_GROUP_GET_DEVICE_FD: %s of group %u is not a vfio device (%s); only "
			"devices bound to vfio-pci are on the group's device list", name,
			vg->group->id, pdev->kernel_driver ? "it is bound to a kernel driver"
							   : "its IOMMU driver did not probe it");
	if (!vg->iommufd)
		return iommusim_error_set(err, -EINVAL,
			"VFIO_GROUP_GET_DEVICE_FD: group %u has no container (VFIO_GROUP_SET_CONTAINER "
			"first)", vg->group->id);
	ifd_file_t *f = ifd_file_new(IFD_FILE_DEVICE);
	ifd_devfile_t *df = calloc(1, sizeof(*df));
	if (!f || !df) {
		free(f);
		free(df);
		return iommusim_error_set(err, -ENOMEM, "out of memory");
	}
	df->vdev = ifd_vfio_dev_of(s, pdev);
	df->from_group = true;
	df->iommufd = vg->iommufd;
	f->u.df = df;
	rc = df_open(s, df, err);
	if (rc) {
		free(df);
		free(f);
		return rc;
	}
	if ((rc = ifd_fd_install(s, f, &fd, err))) {
		df_close(df);
		free(df);
		free(f);
		return rc;
	}
	df->access_granted = true;
	gf->fds++;   /* a device file holds its group file */
	*ret = fd;
	return 0;
}

/* A group file whose group went away when its last vfio device was unbound from vfio-pci
 * (vfio_device_remove_group set group->iommu_group to NULL and dropped the container). */
static int removed_group_ioctl(uint32_t request, iommusim_error_t *err)
{
	switch (request) {
	case UAPI_VFIO_GROUP_UNSET_CONTAINER:
		return iommusim_error_set(err, -EINVAL,
			"VFIO_GROUP_UNSET_CONTAINER: the group of this file is gone (its last vfio "
			"device was unbound from vfio-pci) and has no container");
	case UAPI_VFIO_GROUP_GET_STATUS:
	case UAPI_VFIO_GROUP_SET_CONTAINER:
	case UAPI_VFIO_GROUP_GET_DEVICE_FD:
		return iommusim_error_set(err, -ENODEV,
			"group ioctl 0x%x: the group of this file is gone (its last vfio device was "
			"unbound from vfio-pci); open /dev/vfio/N again once a device is bound",
			request);
	default:
		return iommusim_error_set(err, -ENOTTY, "ioctl 0x%x is not a vfio group command",
					  request);
	}
}

int ifd_vfio_group_ioctl(ifd_sys_t *s, ifd_file_t *gf, uint32_t request, void *arg,
			 size_t len, long *ret, iommusim_error_t *err)
{
	ifd_vfio_group_t *vg = gf->u.vgroup;
	int rc;

	*ret = 0;
	if (!vg)
		return removed_group_ioctl(request, err);
	switch (request) {
	case UAPI_VFIO_GROUP_GET_STATUS: {
		struct uapi_vfio_group_status st;
		if (!arg || len < sizeof(st))
			return iommusim_error_set(err, -EFAULT, "VFIO_GROUP_GET_STATUS: %zu bytes",
						  arg ? len : 0);
		memcpy(&st, arg, sizeof(st));
		if (st.argsz < sizeof(st))
			return iommusim_error_set(err, -EINVAL, "VFIO_GROUP_GET_STATUS: argsz %u",
						  st.argsz);
		st.flags = 0;
		if (vg->iommufd)
			st.flags = UAPI_VFIO_GROUP_FLAGS_CONTAINER_SET | UAPI_VFIO_GROUP_FLAGS_VIABLE;
		else if (!vg->owner_cnt)
			st.flags = UAPI_VFIO_GROUP_FLAGS_VIABLE;
		memcpy(arg, &st, sizeof(st));
		return 0;
	}
	case UAPI_VFIO_GROUP_SET_CONTAINER: {
		int32_t cfd;
		if (!arg || len < 4)
			return iommusim_error_set(err, -EFAULT,
						  "VFIO_GROUP_SET_CONTAINER: no container fd");
		memcpy(&cfd, arg, 4);
		ifd_file_t *cf = ifd_fd_file(s, cfd);
		if (!cf)
			return iommusim_error_set(err, -EBADF,
				"VFIO_GROUP_SET_CONTAINER: fd %d is not open", cfd);
		if (vg->iommufd)
			return iommusim_error_set(err, -EINVAL,
				"VFIO_GROUP_SET_CONTAINER: group %u already has a container",
				vg->group->id);
		if (cf->kind != IFD_FILE_IOMMUFD)
			return iommusim_error_set(err, -EBADFD,
				"VFIO_GROUP_SET_CONTAINER: fd %d is not a container", cfd);
		uint32_t id;
		if ((rc = ifd_vfio_compat_ioas_id(cf->u.ctx, &id, err)))
			return rc;
		vg->iommufd = cf->u.ctx;
		ifd_ctx_get(vg->iommufd);
		return 0;
	}
	case UAPI_VFIO_GROUP_UNSET_CONTAINER:
		if (!vg->iommufd)
			return iommusim_error_set(err, -EINVAL,
				"VFIO_GROUP_UNSET_CONTAINER: group %u has no container", vg->group->id);
		if (group_has_open_devices(s, vg))
			return iommusim_error_set(err, -EBUSY,
				"VFIO_GROUP_UNSET_CONTAINER: devices of group %u are open",
				vg->group->id);
		ifd_ctx_put(vg->iommufd);
		vg->iommufd = NULL;
		return 0;
	case UAPI_VFIO_GROUP_GET_DEVICE_FD:
		return get_device_fd(s, gf, arg, len, ret, err);
	default:
		return iommusim_error_set(err, -ENOTTY, "ioctl 0x%x is not a vfio group command",
					  request);
	}
}

void ifd_vfio_group_release(ifd_sys_t *s, ifd_file_t *gf)
{
	ifd_vfio_group_t *vg = gf->u.vgroup;
	(void)s;
	if (!vg)
		return;   /* its group went away with its last vfio device */
	if (vg->iommufd) {
		ifd_ctx_put(vg->iommufd);
		vg->iommufd = NULL;
	}
	vg->opened_file = NULL;
}
