/* SPDX-License-Identifier: MIT */
/* PCI addresses and the topology: parsing, requester IDs, groups, lookups. */
#include "tests/support/test.h"

#include <errno.h>
#include <string.h>

#include "host-shim/pci/pci.h"

static void parse_good_addresses(void **state)
{
	pci_bdf_t b;
	iommusim_error_t e;
	char buf[PCI_BDF_STRLEN];
	(void)state;
	assert_int_equal(pci_bdf_parse("0000:03:00.0", &b, &e), 0);
	assert_int_equal(b.seg, 0);
	assert_int_equal(b.bus, 3);
	assert_int_equal(b.dev, 0);
	assert_int_equal(b.fn, 0);
	assert_int_equal(pci_bdf_parse("abcd:fF:1f.7", &b, &e), 0);
	assert_int_equal(b.seg, 0xabcd);
	assert_int_equal(b.bus, 0xff);
	assert_int_equal(b.dev, 0x1f);
	assert_int_equal(b.fn, 7);
	/* RID = bus << 8 | dev << 3 | fn (PCIe requester ID). */
	assert_int_equal(pci_bdf_rid(&b), 0xffff);
	assert_int_equal(pci_bdf_parse("03:1c.2", &b, &e), 0);
	assert_int_equal(b.seg, 0);
	assert_int_equal(pci_bdf_rid(&b), 0x03e2);
	assert_string_equal(pci_bdf_format(&b, buf, sizeof(buf)), "0000:03:1c.2");
}

static void parse_bad_addresses(void **state)
{
	static const struct { const char *s, *needle; } bad[] = {
		{"", "expected ssss:bb:dd.f"},
		{"0000:03:00", "expected ssss:bb:dd.f"},   /* one colon, then no '.' */
		{"0000:03:20.0", "device 0x20 is out of range"},
		{"0000:03:00.8", "function 8 is out of range"},
		{"00000:03:00.0", "segment field has more than 4"},
		{"0000:003:00.0", "bus field has more than 2"},
		{"0000:g3:00.0", "expected hex digits for the bus"},
		{"0000:03:00.0x", "unexpected 'x'"},
		{"0000:03:00:0", "expected ssss:bb:dd.f"},
		{"0000:03:00-0", "expected '.' after the device"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pci_bdf_t b;
		iommusim_error_t e = {0};
		assert_int_equal(pci_bdf_parse(bad[i].s, &b, &e), -EINVAL);
		if (!strstr(e.msg, bad[i].needle)) {
			print_error("'%s': message \"%s\" lacks \"%s\"\n", bad[i].s, e.msg,
				    bad[i].needle);
			fail();
		}
	}
	assert_int_equal(pci_bdf_parse(NULL, NULL, NULL), -EINVAL);
}

static void groups_and_lookups(void **state)
{
	pci_topo_t *t = pci_topo_create();
	iommusim_error_t e;
	pci_dev_t *a, *b, *c, *d;
	(void)state;
	pci_dev_desc_t da = {.bdf = {0, 3, 0, 0}, .iommu = 0, .group = -1};
	pci_dev_desc_t db = {.bdf = {0, 3, 0, 1}, .iommu = 0, .group = 5};
	pci_dev_desc_t dc = {.bdf = {0, 4, 0, 0}, .iommu = 0, .group = 5};
	assert_int_equal(pci_topo_add(t, &da, &a, &e), 0);
	assert_int_equal(pci_topo_add(t, &db, &b, &e), 0);
	assert_int_equal(pci_topo_add(t, &dc, &c, &e), 0);
	assert_int_equal(a->group->id, 0);
	assert_ptr_equal(b->group, c->group);
	assert_int_equal(b->group->ndevs, 2);
	assert_int_equal(pci_topo_ngroups(t), 2);
	assert_int_equal(c->index, 2);
	assert_int_equal(pci_topo_add(t, &da, NULL, &e), -EEXIST);
	/* A device of group 5 behind another IOMMU. */
	pci_dev_desc_t dd = {.bdf = {0, 5, 0, 0}, .iommu = 1, .group = 5};
	assert_int_equal(pci_topo_add(t, &dd, NULL, &e), -EINVAL);
	/* An alias that collides with a device of another group. */
	dd = (pci_dev_desc_t){.bdf = {0, 6, 0, 0}, .iommu = 0, .group = -1, .has_alias = true,
			      .alias_rid = 0x0300};
	assert_int_equal(pci_topo_add(t, &dd, NULL, &e), -EINVAL);
	dd.group = 0;
	assert_int_equal(pci_topo_add(t, &dd, &d, &e), 0);
	assert_ptr_equal(pci_topo_find_rid(t, 0, 0x0300), a);
	assert_ptr_equal(pci_topo_find_rid(t, 0, 0x0600), d);
	assert_null(pci_topo_find_rid(t, 1, 0x0300));
	/* PRI without ATS, PASID wider than 20 bits. */
	pci_dev_desc_t bad = {.bdf = {0, 9, 0, 0}, .pri = true, .group = -1};
	assert_int_equal(pci_topo_add(t, &bad, NULL, &e), -EINVAL);
	bad.pri = false;
	bad.pasid_bits = 21;
	assert_int_equal(pci_topo_add(t, &bad, NULL, &e), -EINVAL);
	pci_dev_t *got;
	assert_int_equal(pci_topo_lookup(t, "0000:04:00.0", &got, &e), 0);
	assert_ptr_equal(got, c);
	assert_int_equal(pci_topo_lookup(t, "0000:04:00.1", &got, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "0000:03:00.0"));
	assert_int_equal(pci_topo_lookup(t, "nonsense", &got, &e), -EINVAL);
	pci_topo_destroy(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_good_addresses),
		cmocka_unit_test(parse_bad_addresses),
		cmocka_unit_test(groups_and_lookups),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
