/* SPDX-License-Identifier: MIT */
/* PCI addresses: parsing and printing "ssss:bb:dd.f", requester IDs. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "iommusim/text.h"
#include "host-shim/pci/pci.h"

/* Reads up to maxdig hex digits at s[*pos]; fails when there are none or too many. */
static int read_hex(const char *s, size_t *pos, unsigned maxdig, unsigned *val,
		    const char *field, iommusim_error_t *err)
{
	unsigned v = 0, n = 0;

	while (iommusim_hex_digit(s[*pos]) >= 0) {
		if (n == maxdig)
			return iommusim_error_set(err, -EINVAL,
				"bad PCI address '%s': the %s field has more than %u hex digits "
				"(expected ssss:bb:dd.f, e.g. 0000:03:00.0)", s, field, maxdig);
		v = v * 16 + (unsigned)iommusim_hex_digit(s[*pos]);
		n++;
		(*pos)++;
	}
	if (n == 0)
		return iommusim_error_set(err, -EINVAL,
			"bad PCI address '%s': expected hex digits for the %s field at column %zu "
			"(expected ssss:bb:dd.f, e.g. 0000:03:00.0)", s, field, *pos + 1);
	*val = v;
	return 0;
}

static int expect(const char *s, size_t *pos, char c, const char *after, iommusim_error_t *err)
{
	if (s[*pos] != c)
		return iommusim_error_set(err, -EINVAL,
			"bad PCI address '%s': expected '%c' after the %s field at column %zu "
			"(expected ssss:bb:dd.f, e.g. 0000:03:00.0)", s, c, after, *pos + 1);
	(*pos)++;
	return 0;
}

int pci_bdf_parse(const char *s, pci_bdf_t *out, iommusim_error_t *err)
{
	unsigned a = 0, b = 0, dev = 0, fn = 0, seg = 0, bus;
	size_t pos = 0;
	int rc;

	if (!s || !out)
		return iommusim_error_set(err, -EINVAL, "bad PCI address: none given");
	/* Count the colons to tell "ssss:bb:dd.f" from "bb:dd.f". */
	unsigned colons = 0;
	for (const char *p = s; *p; p++)
		colons += *p == ':';
	if (colons != 1 && colons != 2)
		return iommusim_error_set(err, -EINVAL,
			"bad PCI address '%s': expected ssss:bb:dd.f or bb:dd.f (e.g. 0000:03:00.0)",
			s);
	if (colons == 2) {
		if ((rc = read_hex(s, &pos, 4, &a, "segment", err)) ||
		    (rc = expect(s, &pos, ':', "segment", err)))
			return rc;
		seg = a;
	}
	if ((rc = read_hex(s, &pos, 2, &b, "bus", err)) ||
	    (rc = expect(s, &pos, ':', "bus", err)))
		return rc;
	bus = b;
	if ((rc = read_hex(s, &pos, 2, &dev, "device", err)) ||
	    (rc = expect(s, &pos, '.', "device", err)) ||
	    (rc = read_hex(s, &pos, 1, &fn, "function", err)))
		return rc;
	if (s[pos] != '\0')
		return iommusim_error_set(err, -EINVAL,
			"bad PCI address '%s': unexpected '%c' at column %zu after the function",
			s, s[pos], pos + 1);
	if (dev > PCI_DEV_MAX)
		return iommusim_error_set(err, -EINVAL,
			"bad PCI address '%s': device 0x%x is out of range 0x00..0x1f", s, dev);
	if (fn > PCI_FN_MAX)
		return iommusim_error_set(err, -EINVAL,
			"bad PCI address '%s': function %u is out of range 0..7", s, fn);
	out->seg = (uint16_t)seg;
	out->bus = (uint8_t)bus;
	out->dev = (uint8_t)dev;
	out->fn = (uint8_t)fn;
	return 0;
}

char *pci_bdf_format(const pci_bdf_t *b, char *buf, size_t len)
{
	if (buf && len)
		snprintf(buf, len, "%04x:%02x:%02x.%x", b->seg, b->bus, b->dev, b->fn);
	return buf;
}

uint16_t pci_bdf_rid(const pci_bdf_t *b)
{
	return (uint16_t)((unsigned)b->bus << PCI_RID_BUS_SHIFT |
			  (b->dev & PCI_RID_DEV_MASK) << PCI_RID_DEV_SHIFT |
			  (b->fn & PCI_RID_FN_MASK));
}

bool pci_bdf_equal(const pci_bdf_t *a, const pci_bdf_t *b)
{
	return a->seg == b->seg && a->bus == b->bus && a->dev == b->dev && a->fn == b->fn;
}
