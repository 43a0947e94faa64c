/* SPDX-License-Identifier: MIT */
/* The device and group table of the simulated host. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/pci/pci.h"

struct pci_topo {
	pci_dev_t **devs;
	size_t ndevs, capdevs;
	pci_group_t **groups;
	size_t ngroups, capgroups;
};

pci_topo_t *pci_topo_create(void)
{
	return calloc(1, sizeof(pci_topo_t));
}

void pci_topo_destroy(pci_topo_t *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->ndevs; i++)
		free(t->devs[i]);
	for (size_t i = 0; i < t->ngroups; i++) {
		free(t->groups[i]->devs);
		free(t->groups[i]);
	}
	free(t->devs);
	free(t->groups);
	free(t);
}

static int grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 8;
	while (ncap < need)
		ncap *= 2;
	void *p = realloc(*arr, ncap * elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

pci_group_t *pci_topo_find_group(const pci_topo_t *t, unsigned id)
{
	for (size_t i = 0; i < t->ngroups; i++)
		if (t->groups[i]->id == id)
			return t->groups[i];
	return NULL;
}

static unsigned lowest_free_group(const pci_topo_t *t)
{
	unsigned id = 0;
	while (pci_topo_find_group(t, id))
		id++;
	return id;
}

pci_dev_t *pci_topo_find(const pci_topo_t *t, const pci_bdf_t *bdf)
{
	for (size_t i = 0; i < t->ndevs; i++)
		if (pci_bdf_equal(&t->devs[i]->bdf, bdf))
			return t->devs[i];
	return NULL;
}

pci_dev_t *pci_topo_find_rid(const pci_topo_t *t, unsigned iommu, uint16_t rid)
{
	for (size_t i = 0; i < t->ndevs; i++) {
		pci_dev_t *d = t->devs[i];
		if (d->iommu == iommu && d->rid == rid)
			return d;
	}
	for (size_t i = 0; i < t->ndevs; i++) {
		pci_dev_t *d = t->devs[i];
		if (d->iommu == iommu && d->has_alias && d->alias_rid == rid)
			return d;
	}
	return NULL;
}

int pci_topo_add(pci_topo_t *t, const pci_dev_desc_t *d, pci_dev_t **out, iommusim_error_t *err)
{
	char name[PCI_BDF_STRLEN];
	pci_group_t *g = NULL;

	if (!t || !d)
		return iommusim_error_set(err, -EINVAL, "pci: no topology or description");
	pci_bdf_format(&d->bdf, name, sizeof(name));
	if (d->bdf.dev > PCI_DEV_MAX || d->bdf.fn > PCI_FN_MAX)
		return iommusim_error_set(err, -EINVAL,
			"pci: device %s: device number must be 0..0x1f and function 0..7", name);
	if (pci_topo_find(t, &d->bdf))
		return iommusim_error_set(err, -EEXIST, "pci: device %s is already present", name);
	if (d->pasid_bits > PCI_PASID_BITS_MAX)
		return iommusim_error_set(err, -EINVAL,
			"pci: device %s: pasid_bits %u exceeds the PCIe maximum of 20", name,
			d->pasid_bits);
	if (d->pri && !d->ats)
		return iommusim_error_set(err, -EINVAL,
			"pci: device %s: PRI needs ATS (a page request is answered by a retried "
			"ATS translation); set ats=1 or pri=0", name);
	if (d->group >= 0) {
		g = pci_topo_find_group(t, (unsigned)d->group);
		if (g && g->iommu != d->iommu)
			return iommusim_error_set(err, -EINVAL,
				"pci: device %s: group %d holds devices behind IOMMU %u, not %u "
				"(a group never spans IOMMU instances)", name, d->group, g->iommu,
				d->iommu);
	}
	/* A requester ID seen by one IOMMU identifies one group: devices sharing it cannot be
	 * isolated from each other. */
	uint16_t rid = pci_bdf_rid(&d->bdf);
	for (size_t i = 0; i < t->ndevs; i++) {
		pci_dev_t *o = t->devs[i];
		bool clash = o->iommu == d->iommu &&
			     (o->rid == rid || (o->has_alias && o->alias_rid == rid) ||
			      (d->has_alias && (o->rid == d->alias_rid ||
						(o->has_alias && o->alias_rid == d->alias_rid))));
		if (clash && (!g || o->group != g))
			return iommusim_error_set(err, -EINVAL,
				"pci: device %s shares a requester ID with %s behind IOMMU %u but "
				"asks for another group; give both the same group", name, o->name,
				d->iommu);
	}

	pci_dev_t *dev = calloc(1, sizeof(*dev));
	if (!dev)
		return iommusim_error_set(err, -ENOMEM, "pci: out of memory adding %s", name);
	bool new_group = false;
	if (!g) {
		g = calloc(1, sizeof(*g));
		if (!g) {
			free(dev);
			return iommusim_error_set(err, -ENOMEM, "pci: out of memory adding %s", name);
		}
		g->id = d->group >= 0 ? (unsigned)d->group : lowest_free_group(t);
		g->iommu = d->iommu;
		new_group = true;
	}
	pci_dev_t **gd = realloc(g->devs, (g->ndevs + 1) * sizeof(*g->devs));
	if (gd)
		g->devs = gd;
	if (!gd || grow((void **)&t->devs, &t->capdevs, t->ndevs + 1, sizeof(*t->devs)) ||
	    (new_group &&
	     grow((void **)&t->groups, &t->capgroups, t->ngroups + 1, sizeof(*t->groups)))) {
		if (new_group) {
			free(g->devs);
			free(g);
		}
		free(dev);
		return iommusim_error_set(err, -ENOMEM, "pci: out of memory adding %s", name);
	}
	dev->bdf = d->bdf;
	memcpy(dev->name, name, sizeof(name));
	dev->rid = rid;
	dev->iommu = d->iommu;
	dev->ats = d->ats;
	dev->pri = d->pri;
	dev->pasid_bits = d->pasid_bits;
	dev->has_alias = d->has_alias;
	dev->alias_rid = d->alias_rid;
	dev->kernel_driver = d->kernel_driver;
	dev->is_vf = d->is_vf;
	dev->index = (unsigned)t->ndevs;
	dev->group = g;
	g->devs[g->ndevs++] = dev;
	t->devs[t->ndevs++] = dev;
	if (new_group)
		t->groups[t->ngroups++] = g;
	if (out)
		*out = dev;
	return 0;
}

size_t pci_topo_ndevs(const pci_topo_t *t)
{
	return t ? t->ndevs : 0;
}

pci_dev_t *pci_topo_dev(const pci_topo_t *t, size_t i)
{
	return t && i < t->ndevs ? t->devs[i] : NULL;
}

size_t pci_topo_ngroups(const pci_topo_t *t)
{
	return t ? t->ngroups : 0;
}

pci_group_t *pci_topo_group(const pci_topo_t *t, size_t i)
{
	return t && i < t->ngroups ? t->groups[i] : NULL;
}

int pci_topo_lookup(const pci_topo_t *t, const char *name, pci_dev_t **out, iommusim_error_t *err)
{
	pci_bdf_t bdf;
	int rc = pci_bdf_parse(name, &bdf, err);

	if (rc)
		return rc;
	pci_dev_t *d = pci_topo_find(t, &bdf);
	if (!d) {
		char known[256] = "";
		size_t n = 0;
		for (size_t i = 0; i < t->ndevs && n + PCI_BDF_STRLEN + 2 < sizeof(known); i++)
			n += (size_t)snprintf(known + n, sizeof(known) - n, "%s%s", i ? ", " : "",
					      t->devs[i]->name);
		return iommusim_error_set(err, -ENOENT,
			"no PCI device %s in the topology (devices: %s)", name,
			t->ndevs ? known : "none; add one with a device line");
	}
	*out = d;
	return 0;
}

void pci_dev_set_kernel_driver(pci_dev_t *d, bool bound)
{
	if (d)
		d->kernel_driver = bound;
}
