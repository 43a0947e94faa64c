/* SPDX-License-Identifier: MIT */
/* The simulated host: memory and frames, the process, topology, IOMMU instances. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/iommufd/ifd_internal.h"

void ifd_sys_config_default(ifd_sys_config_t *c, iommusim_mem_t *mem)
{
	memset(c, 0, sizeof(*c));
	c->mem = mem;
	c->frame_base = 1ull << 32;
	c->frame_size = 1ull << 32;
	c->user_va_bits = 47;
	c->thp = true;
}

static int env_alloc_frame(void *ctx, uint64_t *pa)
{
	return ifd_frames_alloc4k(&((ifd_sys_t *)ctx)->frames, pa);
}

static void env_free_frame(void *ctx, uint64_t pa)
{
	ifd_frames_free4k(&((ifd_sys_t *)ctx)->frames, pa);
}

static void env_report_fault(void *ctx, drv_iommu_t *iommu, const pci_dev_t *dev,
			     const drv_page_fault_t *f)
{
	ifd_fault_report(ctx, iommu, dev, f);
}

int ifd_sys_create(const ifd_sys_config_t *c, ifd_sys_t **out, iommusim_error_t *err)
{
	if (!c || !c->mem || !out)
		return iommusim_error_set(err, -EINVAL, "ifd: a configuration with memory is needed");
	if ((c->frame_base | c->frame_size) & (IFD_PAGE_SIZE - 1) || !c->frame_size ||
	    c->frame_base + c->frame_size < c->frame_base)
		return iommusim_error_set(err, -EINVAL,
			"ifd: frame range 0x%llx+0x%llx must be non-empty and 4 KiB aligned",
			(unsigned long long)c->frame_base, (unsigned long long)c->frame_size);
	if (c->user_va_bits && (c->user_va_bits < 20 || c->user_va_bits > 57))
		return iommusim_error_set(err, -EINVAL,
			"ifd: user_va_bits %u out of range 20..57", c->user_va_bits);
	ifd_sys_t *s = calloc(1, sizeof(*s));
	if (!s)
		return iommusim_error_set(err, -ENOMEM, "ifd: out of memory");
	s->cfg = *c;
	s->topo = pci_topo_create();
	if (!s->topo) {
		free(s);
		return iommusim_error_set(err, -ENOMEM, "ifd: out of memory");
	}
	ifd_frames_init(&s->frames, c->mem, c->frame_base, c->frame_size);
	ifd_mm_init(&s->mm, &s->frames, c->user_va_bits, c->thp, c->memlock_limit);
	s->env = (drv_env_t){
		.mem = c->mem,
		.ctx = s,
		.alloc_frame = env_alloc_frame,
		.free_frame = env_free_frame,
		.report_fault = env_report_fault,
		.report_vevent = ifd_veventq_report,
	};
	*out = s;
	return 0;
}

void ifd_sys_destroy(ifd_sys_t *s)
{
	if (!s)
		return;
	for (size_t fd = 0; fd < s->nfds; fd++)
		if (s->fds[fd])
			ifd_close(s, (int)fd, NULL);
	free(s->fds);
	for (size_t i = 0; i < s->nvdevs; i++) {
		pci_dev_t *d = s->vdevs[i]->pdev;
		drv_instance_t *drv = ifd_dev_drv(s, d);
		if (drv && drv->ops->release_device)
			drv->ops->release_device(drv->iommu, d);
		free(s->vdevs[i]->pasids);
		free(s->vdevs[i]->partial);
		free(s->vdevs[i]);
	}
	free(s->vdevs);
	for (size_t i = 0; i < s->nvgroups; i++)
		free(s->vgroups[i]);
	free(s->vgroups);
	for (size_t i = 0; i < s->niommus; i++)
		free(s->iommus[i]);
	free(s->iommus);
	pci_topo_destroy(s->topo);
	ifd_mm_fini(&s->mm);
	ifd_frames_fini(&s->frames);
	free(s);
}

const drv_env_t *ifd_sys_driver_env(ifd_sys_t *s)
{
	return s ? &s->env : NULL;
}

int ifd_sys_add_iommu(ifd_sys_t *s, const drv_ops_t *ops, drv_iommu_t *iommu,
		      unsigned *index, iommusim_error_t *err)
{
	if (!s || !ops || !ops->capabilities || !ops->probe_device || !ops->release_device ||
	    !ops->get_resv_regions || !ops->domain_alloc_paging || !ops->attach_blocked)
		return iommusim_error_set(err, -EINVAL,
			"ifd: a driver needs capabilities, probe_device, release_device, "
			"get_resv_regions, domain_alloc_paging and attach_blocked");
	drv_instance_t **v = realloc(s->iommus, (s->niommus + 1) * sizeof(*v));
	if (!v)
		return iommusim_error_set(err, -ENOMEM, "ifd: out of memory");
	s->iommus = v;
	drv_instance_t *inst = calloc(1, sizeof(*inst));
	if (!inst)
		return iommusim_error_set(err, -ENOMEM, "ifd: out of memory");
	inst->ops = ops;
	inst->iommu = iommu;
	/* Instances of one driver know each other, so a domain of one can serve devices
	 * behind another (intel-iommu domains span units). */
	for (size_t i = 0; ops->add_peer && i < s->niommus; i++) {
		if (s->iommus[i]->ops != ops)
			continue;
		int rc = ops->add_peer(s->iommus[i]->iommu, iommu, err);
		if (rc) {
			free(inst);
			return rc;
		}
	}
	s->iommus[s->niommus] = inst;
	if (index)
		*index = (unsigned)s->niommus;
	s->niommus++;
	return 0;
}

drv_instance_t *ifd_sys_iommu(ifd_sys_t *s, unsigned index)
{
	return s && index < s->niommus ? s->iommus[index] : NULL;
}

int ifd_sys_add_device(ifd_sys_t *s, const pci_dev_desc_t *d, pci_dev_t **out,
		       iommusim_error_t *err)
{
	pci_dev_t *pdev;
	int rc;

	if (!s || !d)
		return iommusim_error_set(err, -EINVAL, "ifd: no device description");
	if (d->iommu >= s->niommus)
		return iommusim_error_set(err, -EINVAL,
			"ifd: device asks for IOMMU %u but the system has %zu", d->iommu, s->niommus);
	ifd_vfio_dev_t **vv = realloc(s->vdevs, (s->nvdevs + 1) * sizeof(*vv));
	if (!vv)
		return iommusim_error_set(err, -ENOMEM, "ifd: out of memory");
	s->vdevs = vv;
	ifd_vfio_group_t **gv = realloc(s->vgroups, (s->nvgroups + 1) * sizeof(*gv));
	if (!gv)
		return iommusim_error_set(err, -ENOMEM, "ifd: out of memory");
	s->vgroups = gv;
	ifd_vfio_dev_t *vd = calloc(1, sizeof(*vd));
	ifd_vfio_group_t *vg = calloc(1, sizeof(*vg));
	if (!vd || !vg) {
		free(vd);
		free(vg);
		return iommusim_error_set(err, -ENOMEM, "ifd: out of memory");
	}
	if ((rc = pci_topo_add(s->topo, d, &pdev, err))) {
		free(vd);
		free(vg);
		return rc;
	}
	ifd_vfio_group_t *have = ifd_vfio_group_of(s, pdev->group);
	if (have) {
		free(vg);
		vg = have;
	} else {
		vg->group = pdev->group;
		s->vgroups[s->nvgroups++] = vg;
	}
	vd->pdev = pdev;
	vd->vgroup = vg;
	s->vdevs[s->nvdevs++] = vd;
	drv_instance_t *drv = s->iommus[d->iommu];
	rc = drv->ops->probe_device(drv->iommu, pdev, err);
	if (rc)
		return rc;   /* the device stays in the topology, unusable by its driver */
	vd->probed = true;
	if (pdev->kernel_driver)
		vg->owner_cnt++;   /* kernel DMA (iommu_device_use_default_domain) */
	else
		ifd_vfio_register(s, vd);   /* bound to vfio-pci */
	if (out)
		*out = pdev;
	return 0;
}

pci_topo_t *ifd_sys_topo(ifd_sys_t *s)
{
	return s ? s->topo : NULL;
}

ifd_mm_t *ifd_sys_mm(ifd_sys_t *s)
{
	return s ? &s->mm : NULL;
}

void ifd_sys_advance(ifd_sys_t *s, iommusim_time_t now)
{
	if (!s)
		return;
	if (now > s->now)
		s->now = now;
	for (size_t i = 0; i < s->niommus; i++)
		if (s->iommus[i]->ops->advance)
			s->iommus[i]->ops->advance(s->iommus[i]->iommu, s->now);
}

void ifd_sys_get_stats(ifd_sys_t *s, ifd_sys_stats_t *st)
{
	memset(st, 0, sizeof(*st));
	if (!s)
		return;
	st->locked_pages = s->mm.locked_pages;
	st->pinned_vm_pages = s->mm.pinned_vm;
	st->frames_in_use = s->frames.in_use;
	for (ifd_ctx_t *c = s->live; c; c = c->next_live)
		st->contexts++;
	for (size_t i = 0; i < s->nvdevs; i++)
		st->bound_devices += s->vdevs[i]->idev != NULL;
}

int ifd_memfd_rw(ifd_sys_t *s, int fd, uint64_t off, void *buf, size_t len, bool write)
{
	ifd_file_t *f = s ? ifd_fd_file(s, fd) : NULL;
	if (!f || f->kind != IFD_FILE_MEMFD)
		return -EBADF;
	if (off + len < off || off + len > f->u.memfd->size)
		return -EFAULT;
	return ifd_pstore_rw(&f->u.memfd->ps, off, buf, len, write) ? -EFAULT : 0;
}
