/* SPDX-License-Identifier: MIT */
/*
 * The process's file table: open, close, ioctl, read and write dispatched by the kind of
 * file, as the kernel's file operations do (request numbers of iommufd, container, group
 * and device files collide, so the file decides).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/iommufd/ifd_internal.h"

ifd_file_t *ifd_file_new(ifd_file_kind_t kind)
{
	ifd_file_t *f = calloc(1, sizeof(*f));
	if (f)
		f->kind = kind;
	return f;
}

int ifd_fd_install(ifd_sys_t *s, ifd_file_t *f, int *fd, iommusim_error_t *err)
{
	size_t i = IFD_FD_FIRST;

	while (i < s->nfds && s->fds[i])
		i++;
	if (i >= s->nfds) {
		size_t n = s->nfds ? s->nfds * 2 : 16;
		while (n <= i)
			n *= 2;
		ifd_file_t **v = realloc(s->fds, n * sizeof(*v));
		if (!v)
			return iommusim_error_set(err, -ENOMEM, "out of memory for the fd table");
		for (size_t k = s->nfds; k < n; k++)
			v[k] = NULL;
		s->fds = v;
		s->nfds = n;
	}
	s->fds[i] = f;
	f->fds++;
	*fd = (int)i;
	return 0;
}

ifd_file_t *ifd_fd_file(ifd_sys_t *s, int fd)
{
	return fd >= 0 && (size_t)fd < s->nfds ? s->fds[fd] : NULL;
}

ifd_file_kind_t ifd_fd_kind(ifd_sys_t *s, int fd)
{
	ifd_file_t *f = ifd_fd_file(s, fd);
	return f ? f->kind : IFD_FILE_NONE;
}

size_t ifd_nfds(ifd_sys_t *s)
{
	size_t n = 0;
	for (size_t i = 0; i < s->nfds; i++)
		n += s->fds[i] != NULL;
	return n;
}

ifd_ctx_t *ifd_fd_ctx(ifd_sys_t *s, int fd)
{
	ifd_file_t *f = ifd_fd_file(s, fd);
	return f && f->kind == IFD_FILE_IOMMUFD ? f->u.ctx : NULL;
}

static int open_iommufd(ifd_sys_t *s, bool container, int *fd, iommusim_error_t *err)
{
	ifd_file_t *f = ifd_file_new(IFD_FILE_IOMMUFD);
	ifd_ctx_t *ctx = f ? ifd_ctx_new(s, container) : NULL;
	int rc;

	if (!ctx) {
		free(f);
		return iommusim_error_set(err, -ENOMEM, "out of memory");
	}
	f->u.ctx = ctx;
	if ((rc = ifd_fd_install(s, f, fd, err))) {
		ifd_ctx_put(ctx);
		free(f);
	}
	return rc;
}

static int open_group(ifd_sys_t *s, unsigned id, int *fd, iommusim_error_t *err)
{
	pci_group_t *g = pci_topo_find_group(s->topo, id);
	int rc;

	if (!g)
		return iommusim_error_set(err, -ENOENT, "open /dev/vfio/%u: no such group", id);
	ifd_vfio_group_t *vg = ifd_vfio_group_of(s, g);
	if (!ifd_vfio_group_registered(s, vg))
		return iommusim_error_set(err, -ENOENT,
			"open /dev/vfio/%u: no device of group %u is bound to vfio-pci, so vfio has "
			"no node for it", id, id);
	/* One open of a group at a time, and never while a member is open through its cdev. */
	if (vg->opened_file)
		return iommusim_error_set(err, -EBUSY, "open /dev/vfio/%u: already open", id);
	if (vg->cdev_device_open_cnt)
		return iommusim_error_set(err, -EBUSY,
			"open /dev/vfio/%u: a device of the group is bound through its cdev", id);
	ifd_file_t *f = ifd_file_new(IFD_FILE_GROUP);
	if (!f)
		return iommusim_error_set(err, -ENOMEM, "out of memory");
	f->u.vgroup = vg;
	if ((rc = ifd_fd_install(s, f, fd, err))) {
		free(f);
		return rc;
	}
	vg->opened_file = f;
	return 0;
}

int ifd_open_cdev(ifd_sys_t *s, const pci_dev_t *dev, int *fd, iommusim_error_t *err)
{
	ifd_vfio_dev_t *vd = dev ? ifd_vfio_dev_of(s, dev) : NULL;
	int rc;

	if (!vd)
		return iommusim_error_set(err, -ENODEV, "no such vfio device");
	if (!vd->registered)
		return iommusim_error_set(err, -ENOENT,
			"open /dev/vfio/devices/: %s has no vfio cdev: %s", dev->name,
			dev->kernel_driver ? "it is bound to a kernel driver, not vfio-pci"
					   : "its IOMMU driver did not probe it");
	ifd_file_t *f = ifd_file_new(IFD_FILE_DEVICE);
	ifd_devfile_t *df = calloc(1, sizeof(*df));
	if (!f || !df) {
		free(f);
		free(df);
		return iommusim_error_set(err, -ENOMEM, "out of memory");
	}
	df->vdev = vd;
	f->u.df = df;
	if ((rc = ifd_fd_install(s, f, fd, err))) {
		free(df);
		free(f);
		return rc;
	}
	vd->cdev_files++;
	return 0;
}

int ifd_open(ifd_sys_t *s, const char *path, int *fd, iommusim_error_t *err)
{
	unsigned n;
	char tail;

	if (!s || !path || !fd)
		return iommusim_error_set(err, -EINVAL, "open: no path");
	if (!strcmp(path, "/dev/iommu"))
		return open_iommufd(s, false, fd, err);
	if (!strcmp(path, "/dev/vfio/vfio"))
		return open_iommufd(s, true, fd, err);
	if (sscanf(path, "/dev/vfio/devices/vfio%u%c", &n, &tail) == 1) {
		ifd_vfio_dev_t *vd = ifd_vfio_dev_by_minor(s, n);
		if (!vd)
			return iommusim_error_set(err, -ENOENT,
				"open %s: no vfio device has minor %u (minors go to devices bound "
				"to vfio-pci, lowest free first; devices bound to a kernel driver "
				"have none)", path, n);
		return ifd_open_cdev(s, vd->pdev, fd, err);
	}
	if (sscanf(path, "/dev/vfio/%u%c", &n, &tail) == 1)
		return open_group(s, n, fd, err);
	return iommusim_error_set(err, -ENOENT,
		"open %s: not a node the simulated host has (/dev/iommu, /dev/vfio/vfio, "
		"/dev/vfio/N, /dev/vfio/devices/vfioN)", path);
}

int ifd_memfd_create(ifd_sys_t *s, uint64_t size, int *fd, iommusim_error_t *err)
{
	ifd_file_t *f = ifd_file_new(IFD_FILE_MEMFD);
	ifd_memfd_t *m = calloc(1, sizeof(*m));
	int rc;

	if (!f || !m) {
		free(f);
		free(m);
		return iommusim_error_set(err, -ENOMEM, "out of memory");
	}
	ifd_pstore_init(&m->ps, &s->frames, s->cfg.thp);
	m->size = (size + IFD_PAGE_SIZE - 1) & ~(IFD_PAGE_SIZE - 1);
	m->refs = 1;
	f->u.memfd = m;
	if ((rc = ifd_fd_install(s, f, fd, err))) {
		free(m);
		free(f);
	}
	return rc;
}

static void file_release(ifd_sys_t *s, ifd_file_t *f)
{
	switch (f->kind) {
	case IFD_FILE_IOMMUFD:
		ifd_ctx_put(f->u.ctx);
		break;
	case IFD_FILE_GROUP:
		ifd_vfio_group_release(s, f);
		break;
	case IFD_FILE_DEVICE:
		ifd_vfio_devfile_release(s, f->u.df);
		free(f->u.df);
		break;
	case IFD_FILE_FAULT:
		ifd_fault_file_release(f->u.fault);
		break;
	case IFD_FILE_VEVENTQ:
		ifd_veventq_file_release(f->u.veventq);
		break;
	case IFD_FILE_MEMFD:
		if (--f->u.memfd->refs == 0) {
			ifd_pstore_fini(&f->u.memfd->ps);
			free(f->u.memfd);
		}
		break;
	default:
		break;
	}
	free(f);
}

int ifd_close(ifd_sys_t *s, int fd, iommusim_error_t *err)
{
	ifd_file_t *f = s ? ifd_fd_file(s, fd) : NULL;

	if (!f)
		return iommusim_error_set(err, -EBADF, "close: fd %d is not open", fd);
	s->fds[fd] = NULL;
	ifd_file_put(s, f);
	return 0;
}

void ifd_file_put(ifd_sys_t *s, ifd_file_t *f)
{
	if (--f->fds == 0)
		file_release(s, f);
}

int ifd_ioctl_fd(ifd_sys_t *s, int fd, uint32_t request, void *arg, size_t len, long *ret,
		 iommusim_error_t *err)
{
	ifd_file_t *f = s ? ifd_fd_file(s, fd) : NULL;
	long dummy;

	if (!ret)
		ret = &dummy;
	*ret = 0;
	if (!f)
		return iommusim_error_set(err, -EBADF, "ioctl: fd %d is not open", fd);
	switch (f->kind) {
	case IFD_FILE_IOMMUFD:
		return ifd_ioctl(f->u.ctx, request, arg, len, ret, err);
	case IFD_FILE_GROUP:
		return ifd_vfio_group_ioctl(s, f, request, arg, len, ret, err);
	case IFD_FILE_DEVICE:
		return ifd_vfio_device_ioctl(s, f->u.df, request, arg, len, ret, err);
	default:
		return iommusim_error_set(err, -ENOTTY, "ioctl 0x%x: fd %d takes no ioctls",
					  request, fd);
	}
}

int ifd_read(ifd_sys_t *s, int fd, void *buf, size_t len, size_t *done, iommusim_error_t *err)
{
	ifd_file_t *f = s ? ifd_fd_file(s, fd) : NULL;
	size_t dummy;

	if (!done)
		done = &dummy;
	*done = 0;
	if (!f)
		return iommusim_error_set(err, -EBADF, "read: fd %d is not open", fd);
	if (len && !buf)
		return iommusim_error_set(err, -EFAULT, "read: no buffer");
	switch (f->kind) {
	case IFD_FILE_FAULT:
		return ifd_fault_read(f->u.fault, buf, len, done, err);
	case IFD_FILE_VEVENTQ:
		return ifd_veventq_read(f->u.veventq, buf, len, done, err);
	case IFD_FILE_MEMFD:
		return iommusim_error_set(err, -EINVAL, "read: use ifd_memfd access for memfds");
	default:
		return iommusim_error_set(err, -EINVAL, "read: fd %d cannot be read", fd);
	}
}

int ifd_write(ifd_sys_t *s, int fd, const void *buf, size_t len, size_t *done,
	      iommusim_error_t *err)
{
	ifd_file_t *f = s ? ifd_fd_file(s, fd) : NULL;
	size_t dummy;

	if (!done)
		done = &dummy;
	*done = 0;
	if (!f)
		return iommusim_error_set(err, -EBADF, "write: fd %d is not open", fd);
	if (len && !buf)
		return iommusim_error_set(err, -EFAULT, "write: no buffer");
	if (f->kind == IFD_FILE_FAULT)
		return ifd_fault_write(f->u.fault, buf, len, done, err);
	return iommusim_error_set(err, -EINVAL, "write: fd %d cannot be written", fd);
}
