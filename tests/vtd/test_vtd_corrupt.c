/* SPDX-License-Identifier: MIT */
/*
 * Bad guest structures end in the specification's fault, never a crash or a hang:
 * self-referencing tables, pointers outside memory, and a deterministic fuzz of random
 * structures and register writes in both translation modes.
 */
#include "tests/support/test.h"

#include <string.h>

#include "iommusim/vtd.h"
#include "models/vtd/vtd.h"
#include "tests/support/vtd_tables.h"

#define R IOMMUSIM_ACC_READ
#define W IOMMUSIM_ACC_WRITE

/* Every level of a second-level table points at the table itself: the walk still has
 * exactly `levels` steps and ends in a translation to the table page. */
static void test_self_loop_sl(void **state)
{
	vtdt_t tb;
	uint64_t t;
	iommusim_xlate_resp_t r;

	(void)state;
	assert_int_equal(vtdt_init(&tb, NULL, 100, 50, NULL), 0);
	vtdt_enable(&tb, false);
	t = vtdt_page(&tb);
	for (unsigned i = 0; i < 512; i++)
		vtdt_poke(&tb, t + 8 * i, t | T_SL_R | T_SL_W);
	vtdt_legacy_ctx(&tb, 0x0100, vtdt_legacy_lo(t, 0, false), vtdt_legacy_hi(2, 1));
	r = vtdt_dma(&tb, 0x0100, 0x123456789000ull, R, 0);
	assert_int_equal(r.status, IOMMUSIM_XLATE_OK);
	assert_int_equal(r.addr, t);
	assert_int_equal(r.cost.mem_reads, 2 + 4);
	/* context table = root table: the root entry read as a context entry */
	vtdt_poke(&tb, tb.root + 16 * 2, tb.root | 1);
	vtdt_poke(&tb, tb.root, tb.root | 1);
	r = vtdt_dma(&tb, 0x0200, 0x1000, R, 0);
	assert_int_equal(r.status, IOMMUSIM_XLATE_FAULT);
	assert_int_equal(r.fault_reason, 0x03);     /* read as a context entry: AW 0 is invalid */
	vtdt_fini(&tb);
}

static void test_self_loop_fl(void **state)
{
	vtdt_t tb;
	uint64_t q[4] = { 0 }, dir, t;
	uint64_t pe[8] = { 0 };
	iommusim_xlate_resp_t r;

	(void)state;
	assert_int_equal(vtdt_init(&tb, NULL, 100, 50, NULL), 0);
	vtdt_enable(&tb, true);
	q[0] = vtdt_sm_q0(&tb, 0, 0, &dir);
	vtdt_sm_ctx(&tb, 0x0100, q);
	t = vtdt_page(&tb);
	for (unsigned i = 0; i < 512; i++)
		vtdt_poke(&tb, t + 8 * i, t | T_FL_P | T_FL_RW | T_FL_US);
	pe[0] = T_PE0_P | T_PE0_PGTT(1);
	pe[1] = 1;
	pe[2] = t;
	vtdt_pasid_entry(&tb, dir, 0, pe);
	r = vtdt_dma(&tb, 0x0100, 0x7f0000001000ull, W, 0);
	assert_int_equal(r.status, IOMMUSIM_XLATE_OK);
	assert_int_equal(r.addr, t);
	assert_int_equal(r.cost.walk_reads[0][4] + r.cost.walk_reads[0][3] +
			 r.cost.walk_reads[0][2] + r.cost.walk_reads[0][1], 4);
	/* the PASID directory entry pointing at the directory: its "PASID entry" is
	 * garbage (reserved bits): a PASID-table fault */
	vtdt_poke(&tb, dir, dir | 1);
	for (int i = 1; i < 8; i++)
		vtdt_poke(&tb, dir + 8 * (uint64_t)i, 0xffffffffffffffffull);
	r = vtdt_xlate(&tb, 0x0100, false, 0, 0x1000, R, IOMMUSIM_REQ_UNTRANSLATED, 0);
	assert_int_equal(r.status, IOMMUSIM_XLATE_OK);   /* still cached: no invalidation yet */
	vtdt_fini(&tb);
}

/* ---- fuzz --------------------------------------------------------------------------------- */

static uint64_t rng_next(uint64_t *s)
{
	/* xorshift64*: deterministic from the seed */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

/* Working structures for the fuzz: legacy contexts 0x0100..0x0107 over one second-level
 * tree, or scalable contexts with PASIDs 0..7 of every PGTT over shared FL/SL trees. */
static const uint64_t fuzz_iovas[] = { 0x1000, 0x2000, 0x7000, 0x200000, 0x345000, 0x40000000,
				       0x7fff0000, 0x12345678000ull };

static void fuzz_build(vtdt_t *tb, bool scalable, bool ers)
{
	uint64_t slpt = 0, flpt = 0;
	const uint64_t flt = T_FL_P | T_FL_RW | T_FL_US, slt = T_SL_R | T_SL_W;

	vtdt_enable(tb, scalable);
	for (size_t i = 0; i < sizeof(fuzz_iovas) / sizeof(fuzz_iovas[0]); i++) {
		uint64_t a = fuzz_iovas[i];
		unsigned shift = a == 0x200000 ? 21 : a == 0x40000000 ? 30 : 12;

		vtdt_sl_map(tb, &slpt, 4, a, 0x10000000 + a, shift, slt | (i & 1 ? T_SL_X : 0), slt);
		vtdt_fl_map(tb, &flpt, 4, a, 0x20000000 + (a & 0xfffffff), shift,
			    flt | (i & 2 ? T_FL_G : 0), flt);
	}
	if (!scalable) {
		for (uint16_t s = 0; s < 8; s++)
			vtdt_legacy_ctx(tb, 0x0100 + s, vtdt_legacy_lo(slpt, s % 3, s == 5),
					vtdt_legacy_hi(2, (uint16_t)(1 + s % 4)));
		return;
	}
	/* nested: the FL tables reach the second level through an identity map */
	for (uint64_t p = 0x100000; p < tb->next_page + 0x20000; p += 0x1000)
		vtdt_sl_map(tb, &slpt, 4, p, p, 12, slt, slt);
	for (uint16_t s = 0; s < 4; s++) {
		uint64_t q[4] = { 0, s, 0, 0 }, dir;

		q[0] = vtdt_sm_q0(tb, 0, T_SCE_PASIDE | T_SCE_DTE | (s & 1 ? T_SCE_PRE : 0), &dir);
		vtdt_sm_ctx(tb, 0x0100 + s, q);
		for (uint32_t pasid = 0; pasid < 8; pasid++) {
			unsigned pgtt = 1 + pasid % 4;
			uint64_t pe[8] = { 0 };

			pe[0] = T_PE0_P | T_PE0_AW(2) | T_PE0_PGTT(pgtt) |
				(pgtt == 2 || pgtt == 3 ? slpt : 0) | (pasid == 6 ? T_PE0_SLADE : 0);
			pe[1] = 1 + pasid % 3;
			pe[2] = (pgtt == 1 || pgtt == 3 ? flpt : 0) | T_PE2_SRE |
				(ers ? T_PE2_ERE : 0) | (pasid & 4 ? T_PE2_NXE | T_PE2_WPE : 0);
			vtdt_pasid_entry(tb, dir, pasid, pe);
		}
	}
}

static void fuzz_mode(bool scalable, uint64_t seed, const char *const *params)
{
	vtdt_t tb;
	struct vtd *v;
	uint64_t s = seed, end;
	const char *unknown = iommusim_vtd_fault_reason_name(0xff);
	static const unsigned acc[4] = { R, W, R | W, R | IOMMUSIM_ACC_EXEC };

	assert_int_equal(vtdt_init(&tb, params, 10, 10, NULL), 0);
	v = tb.m;
	fuzz_build(&tb, scalable, params != NULL);
	end = tb.next_page;
	for (unsigned i = 0; i < 4000; i++) {
		uint64_t x = rng_next(&s), y = rng_next(&s);
		uint64_t iova = fuzz_iovas[y % 8] + ((y >> 8) & 0xff8);
		iommusim_xlate_resp_t r;
		uint64_t t = i * 1000 * T_NS;

		/* corrupt a structure: flip one bit of a random qword, or write garbage */
		if (x % 3 == 0) {
			uint64_t a = 0x100000 + ((x >> 8) % ((end - 0x100000) / 8)) * 8;
			uint64_t val = vtdt_peek(&tb, a);

			if ((x >> 40) % 8 == 0)
				val = rng_next(&s);
			else
				val ^= 1ull << ((x >> 48) & 63);
			vtdt_poke(&tb, a, val);
		}
		/* drop cached state now and then so the corruption is seen */
		if (i % 7 == 0) {
			vtd_inval_context(v, VTD_INV_GLOBAL, 0, 0, 0, NULL);
			vtd_inval_pasid_cache(v, 3, 0, 0, NULL);
			vtd_inval_iotlb(v, VTD_INV_GLOBAL, 0, 0, 0, false, NULL);
		}
		if ((x >> 20) % 11 == 0)
			iova = rng_next(&s) & ~0xfffull;
		r = vtdt_xlate(&tb, (uint16_t)(0x0100 + ((x >> 16) % 9)), (x >> 24) & 1,
			       (uint32_t)((x >> 28) % 9), iova, acc[(x >> 33) & 3] |
			       ((x >> 35) & 1 ? IOMMUSIM_ACC_PRIV : 0),
			       (iommusim_req_type_t)((x >> 36) % 3), t);
		assert_true(r.status == IOMMUSIM_XLATE_OK || r.status == IOMMUSIM_XLATE_FAULT ||
			    r.status == IOMMUSIM_XLATE_PAGE_REQUEST);
		assert_true(r.done >= t);
		assert_true(r.done - t == r.cost.wait_ps + r.cost.lookup_ps + r.cost.mem_ps +
						  r.cost.other_ps);
		if (r.status != IOMMUSIM_XLATE_OK && r.fault_reason)
			assert_true(iommusim_vtd_fault_reason_name(r.fault_reason) != unknown);
		if (i % 53 == 0) {
			for (unsigned n = 0; n < 8; n++)
				vtdt_wr(&tb, T_FRCD + 16ull * n + 12, 4, 1u << 31, 0);
			vtdt_wr(&tb, T_FSTS, 4, 0xff, 0);
		}
	}
	print_message("  %s seed %llx: ok %llu, fault %llu, page request %llu, walks %llu\n",
		      scalable ? "scalable" : "legacy", (unsigned long long)seed,
		      (unsigned long long)vtdt_stat(&tb, "xlate.ok"),
		      (unsigned long long)vtdt_stat(&tb, "xlate.fault"),
		      (unsigned long long)vtdt_stat(&tb, "xlate.page_request"),
		      (unsigned long long)vtdt_stat(&tb, "walks"));
	assert_true(vtdt_stat(&tb, "xlate.fault") > 100);
	assert_true(vtdt_stat(&tb, "xlate.ok") > 100);
	vtdt_fini(&tb);
}

static void test_fuzz_legacy(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 4; seed++)
		fuzz_mode(false, seed * 0x9e3779b97f4a7c15ull, NULL);
}

static void test_fuzz_scalable(void **state)
{
	static const char *const p[] = { "vtd.fl5lp=1", "vtd.sagaw=0xe", "vtd.mgaw=57",
					 "vtd.cm=1", "vtd.ers=1", NULL };
	(void)state;
	for (uint64_t seed = 1; seed <= 4; seed++)
		fuzz_mode(true, seed * 0xbf58476d1ce4e5b9ull, seed & 1 ? p : NULL);
}

/* Random register writes never break the model: every later translation still answers. */
static void test_fuzz_registers(void **state)
{
	vtdt_t tb;
	uint64_t s = 12345;

	(void)state;
	assert_int_equal(vtdt_init(&tb, NULL, 10, 10, NULL), 0);
	for (unsigned i = 0; i < 4000; i++) {
		uint64_t v = rng_next(&s);
		uint64_t off = (v >> 32) & 0x2f8;    /* 0x000..0x2f8, 8-aligned */

		if ((off >= 0x80 && off < 0xf0))
			continue;                    /* queue registers: their own tests */
		if (v & 1)
			tb.ops->mmio_write(tb.m, off + ((v >> 1) & 1 ? 4 : 0), 4, rng_next(&s),
					   i * T_NS);
		else
			tb.ops->mmio_write(tb.m, off, 8, rng_next(&s), i * T_NS);
		iommusim_xlate_resp_t r = vtdt_dma(&tb, (uint16_t)v, rng_next(&s) & ~0xfffull, R,
						   i * T_NS);
		assert_true(r.status <= IOMMUSIM_XLATE_PAGE_REQUEST);
	}
	vtdt_fini(&tb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_self_loop_sl),
		cmocka_unit_test(test_self_loop_fl),
		cmocka_unit_test(test_fuzz_legacy),
		cmocka_unit_test(test_fuzz_scalable),
		cmocka_unit_test(test_fuzz_registers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
