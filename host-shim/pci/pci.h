/* SPDX-License-Identifier: MIT */
/*
 * PCI topology of the simulated host: devices with their addresses, requester IDs and PCIe
 * capabilities (ATS, PRI, PASID), which IOMMU instance translates for them, and the IOMMU
 * groups they form (DESIGN.md §4 "pci/").
 *
 * A group is the unit of DMA isolation: devices the IOMMU cannot tell apart (shared or
 * aliased requester IDs, devices behind a conventional PCI bridge, multi-function devices
 * without ACS) sit in one group, and ownership changes (kernel DMA vs user DMA, attach to a
 * domain) act on the whole group. Devices default to a group of their own.
 *
 * Addresses are written as in sysfs: "SSSS:BB:DD.F" (segment, bus, device, function, hex),
 * the segment optional ("BB:DD.F" means segment 0).
 */
#ifndef IOMMUSIM_PCI_H
#define IOMMUSIM_PCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iommusim/error.h"

/* PCI Express Base Specification 6.0 §2.2.6.2: requester ID = bus[15:8] device[7:3] fn[2:0]. */
#define PCI_RID_BUS_SHIFT  8
#define PCI_RID_DEV_SHIFT  3
#define PCI_RID_DEV_MASK   0x1fu
#define PCI_RID_FN_MASK    0x7u

#define PCI_DEV_MAX        0x1fu   /* 5-bit device number */
#define PCI_FN_MAX         0x7u    /* 3-bit function number */
#define PCI_BUS_MAX        0xffu
#define PCI_SEG_MAX        0xffffu
#define PCI_PASID_BITS_MAX 20u     /* PCIe §7.8.9: Max PASID Width is at most 20 */
#define PCI_BDF_STRLEN     13u     /* "ssss:bb:dd.f" + NUL */

typedef struct pci_bdf {
	uint16_t seg;
	uint8_t bus;
	uint8_t dev;   /* 0..31 */
	uint8_t fn;    /* 0..7 */
} pci_bdf_t;

/* Parses "ssss:bb:dd.f" or "bb:dd.f" (hex fields, at most 4/2/2/1 digits). On error fills
 * err with the text, the field and its allowed range; returns -EINVAL. */
int pci_bdf_parse(const char *s, pci_bdf_t *out, iommusim_error_t *err);
/* Writes "ssss:bb:dd.f" (lower-case hex); buf needs PCI_BDF_STRLEN bytes. Returns buf. */
char *pci_bdf_format(const pci_bdf_t *b, char *buf, size_t len);
/* Requester ID of a function (bus:devfn). */
uint16_t pci_bdf_rid(const pci_bdf_t *b);
bool pci_bdf_equal(const pci_bdf_t *a, const pci_bdf_t *b);

/* What the topology needs to know about a device when it is added. */
typedef struct pci_dev_desc {
	pci_bdf_t bdf;
	unsigned iommu;          /* index of the IOMMU instance that translates for it */
	bool ats;                /* ATS capability present */
	bool pri;                /* PRI capability present */
	unsigned pasid_bits;     /* PASID capability Max PASID Width; 0 = no PASID capability */
	bool has_alias;          /* DMA also appears with alias_rid (e.g. behind a PCIe-to-PCI bridge) */
	uint16_t alias_rid;
	int group;               /* group number to join, or -1 for a group of its own */
	bool kernel_driver;      /* bound to a kernel driver (kernel DMA) rather than vfio-pci */
	bool is_vf;              /* an SR-IOV virtual function */
} pci_dev_desc_t;

typedef struct pci_group pci_group_t;

typedef struct pci_dev {
	pci_bdf_t bdf;
	char name[PCI_BDF_STRLEN];   /* "0000:03:00.0" */
	uint16_t rid;
	unsigned iommu;
	bool ats, pri;
	unsigned pasid_bits;
	bool has_alias;
	uint16_t alias_rid;
	bool kernel_driver;
	bool is_vf;
	unsigned index;              /* position in the topology (not the vfio cdev minor) */
	pci_group_t *group;
} pci_dev_t;

struct pci_group {
	unsigned id;                 /* iommu_group number (/dev/vfio/<id>) */
	unsigned iommu;              /* all members share one IOMMU instance */
	pci_dev_t **devs;
	size_t ndevs;
};

typedef struct pci_topo pci_topo_t;

pci_topo_t *pci_topo_create(void);
void pci_topo_destroy(pci_topo_t *t);

/* Adds a device. -EEXIST if the address is taken, -EINVAL for a bad description (PASID
 * width, PRI without ATS, a group whose devices use another IOMMU, a requester ID already
 * used by a device outside the requested group), -ENOMEM. *out (if non-NULL) gets the
 * device. Group numbers given explicitly are kept; devices without one get the lowest
 * number not in use. */
int pci_topo_add(pci_topo_t *t, const pci_dev_desc_t *d, pci_dev_t **out, iommusim_error_t *err);

size_t pci_topo_ndevs(const pci_topo_t *t);
pci_dev_t *pci_topo_dev(const pci_topo_t *t, size_t i);
pci_dev_t *pci_topo_find(const pci_topo_t *t, const pci_bdf_t *bdf);
/* By the text form; -ENOENT/-EINVAL with a message naming the closest known device. */
int pci_topo_lookup(const pci_topo_t *t, const char *name, pci_dev_t **out, iommusim_error_t *err);
/* The device that issues requests with this requester ID behind IOMMU iommu (its own RID or
 * its alias); NULL if none. */
pci_dev_t *pci_topo_find_rid(const pci_topo_t *t, unsigned iommu, uint16_t rid);

size_t pci_topo_ngroups(const pci_topo_t *t);
pci_group_t *pci_topo_group(const pci_topo_t *t, size_t i);
pci_group_t *pci_topo_find_group(const pci_topo_t *t, unsigned id);

/* Marks a device as bound to a kernel driver or not (driver bind/unbind events). */
void pci_dev_set_kernel_driver(pci_dev_t *d, bool bound);

#endif
