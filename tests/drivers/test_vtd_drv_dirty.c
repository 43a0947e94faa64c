/* SPDX-License-Identifier: MIT */
/*
 * VT-d driver: dirty tracking with second-level A/D bits. SLADE in the PASID entry follows
 * set_dirty_tracking; the hardware sets D in the leaf on a write; read_and_clear_dirty
 * clears it (or not, with NO_CLEAR) and flushes the IOTLB so the next write sets it again.
 * The PTEs are read by hand from memory (second-level D is bit 9).
 */
#include "tests/drivers/vtd_drv_fixture.h"

#define RW (DRV_PROT_READ | DRV_PROT_WRITE)
#define SL_D (1ull << 9)
#define SLADE (1ull << 9)

struct dt {
	fx_t f;
	pci_dev_t *d;
	drv_domain_t *dom;
	uint64_t root;
};

static uint64_t leaf(struct dt *t, uint64_t iova)
{
	unsigned lvl;

	return fx_leaf(&t->f, t->root, 4, iova, 3, &lvl);
}

static void wr(struct dt *t, uint64_t iova)
{
	uint8_t b[8] = { 0 };

	assert_int_equal(fx_dma(&t->f, t->d, true, iova, b, sizeof(b)).status, IOMMUSIM_DMA_OK);
}

static void t_dirty_bits(void **state)
{
	struct dt t;
	vtd_drv_domain_info_t i;
	uint64_t e[8], q[4];
	uint8_t b[8];
	char fake_bitmap;

	(void)state;
	fx_init(&t.f, NULL);
	t.d = fx_dev(&t.f, 2, false, false, 0);
	t.dom = fx_paging(&t.f, t.d, DRV_ALLOC_DIRTY_TRACKING);
	vtd_drv_domain_info(t.dom, &i);
	t.root = i.root;
	fx_attach(&t.f, t.dom, t.d);
	fx_map(&t.f, t.dom, 0x10000, FX_DATA_BASE, SZ_4K, 4, RW);
	assert_true(fx_pasid_entry(&t.f, t.d->rid, 0, e));
	assert_false(e[0] & SLADE);
	/* while tracking is off a bitmap is refused; clearing alone is allowed */
	assert_int_equal(t.dom->ops->read_and_clear_dirty(t.dom, 0x10000, 4 * SZ_4K, 0,
							  (drv_dirty_t *)(void *)&fake_bitmap,
							  &t.f.err), -EINVAL);
	assert_int_equal(t.dom->ops->read_and_clear_dirty(t.dom, 0x10000, 4 * SZ_4K, 0, NULL,
							  &t.f.err), 0);

	assert_int_equal(t.dom->ops->set_dirty_tracking(t.dom, true, &t.f.err), 0);
	assert_true(fx_pasid_entry(&t.f, t.d->rid, 0, e));
	assert_true(e[0] & SLADE);
	assert_int_equal(t.dom->ops->set_dirty_tracking(t.dom, true, &t.f.err), 0);   /* no-op */
	vtd_drv_domain_info(t.dom, &i);
	assert_true(i.dirty_tracking);

	wr(&t, 0x11000);
	assert_int_equal(fx_dma(&t.f, t.d, false, 0x12000, b, 8).status, IOMMUSIM_DMA_OK);
	assert_true(leaf(&t, 0x11000) & SL_D);
	assert_false(leaf(&t, 0x12000) & SL_D);
	assert_false(leaf(&t, 0x10000) & SL_D);

	/* NO_CLEAR leaves the bit */
	assert_int_equal(t.dom->ops->read_and_clear_dirty(t.dom, 0x10000, 4 * SZ_4K,
							  DRV_DIRTY_NO_CLEAR, NULL, &t.f.err), 0);
	assert_true(leaf(&t, 0x11000) & SL_D);
	assert_int_equal(fx_stat(&t.f, "drv.vtd.dirty.cleared"), 0);
	/* clearing, then the page-selective IOTLB flush of the cleared page */
	assert_int_equal(t.dom->ops->read_and_clear_dirty(t.dom, 0x10000, 4 * SZ_4K, 0, NULL,
							  &t.f.err), 0);
	assert_false(leaf(&t, 0x11000) & SL_D);
	assert_int_equal(fx_stat(&t.f, "drv.vtd.dirty.cleared"), 1);
	fx_desc_back(&t.f, 2, q);
	assert_int_equal(fx_desc_type(q), 2);
	assert_int_equal((q[0] >> 4) & 3, 3);
	assert_int_equal(q[1], 0x11000);
	/* the next write is seen again */
	wr(&t, 0x11000);
	assert_true(leaf(&t, 0x11000) & SL_D);

	assert_int_equal(t.dom->ops->set_dirty_tracking(t.dom, false, &t.f.err), 0);
	assert_true(fx_pasid_entry(&t.f, t.d->rid, 0, e));
	assert_false(e[0] & SLADE);
	fx_unmap(&t.f, t.dom, 0x10000, 4 * SZ_4K);
	assert_int_equal(t.f.ops->attach_blocked(t.f.iommu, t.d, &t.f.err), 0);
	t.dom->ops->free(t.dom);
	fx_fini(&t.f);
	assert_int_equal(t.f.live, 0);
}

/* A device attached after tracking was turned on gets SLADE from the start. */
static void t_attach_while_tracking(void **state)
{
	struct dt t;
	pci_dev_t *d2;
	uint64_t e[8];

	(void)state;
	fx_init(&t.f, NULL);
	t.d = fx_dev(&t.f, 2, false, false, 0);
	d2 = fx_dev(&t.f, 3, false, false, 0);
	t.dom = fx_paging(&t.f, t.d, DRV_ALLOC_DIRTY_TRACKING);
	fx_attach(&t.f, t.dom, t.d);
	assert_int_equal(t.dom->ops->set_dirty_tracking(t.dom, true, &t.f.err), 0);
	fx_attach(&t.f, t.dom, d2);
	assert_true(fx_pasid_entry(&t.f, d2->rid, 0, e));
	assert_true(e[0] & SLADE);
	assert_int_equal(t.f.ops->attach_blocked(t.f.iommu, t.d, &t.f.err), 0);
	assert_int_equal(t.f.ops->attach_blocked(t.f.iommu, d2, &t.f.err), 0);
	t.dom->ops->free(t.dom);
	fx_fini(&t.f);
	assert_int_equal(t.f.live, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_dirty_bits),
		cmocka_unit_test(t_attach_while_tracking),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
