/* SPDX-License-Identifier: MIT */
/*
 * Scalable-mode translation (spec 3.4.x, 3.6-3.8, 9.2, 9.4-9.8): second-level only,
 * first-level only (4 and 5 levels, user/supervisor, R/W, XD, WPE, SMEP, A/D/EA), nested,
 * pass-through, RID_PASID / RID_PRIV, DID per PASID entry.
 */
#include "tests/support/test.h"

#include <string.h>

#include "tests/support/vtd_tables.h"

#define SID  0x0208u         /* bus 2, devfn 8 */
#define PA   0x70000000ull
#define R    IOMMUSIM_ACC_READ
#define W    IOMMUSIM_ACC_WRITE
#define X    IOMMUSIM_ACC_EXEC
#define PRIV IOMMUSIM_ACC_PRIV
#define U    IOMMUSIM_REQ_UNTRANSLATED

struct sfx {
	vtdt_t tb;
	uint64_t dir;
	uint64_t slpt, flpt;
};

static void sfx_init(struct sfx *f, const char *const *params, uint64_t ctx_flags,
		     uint64_t q1)
{
	uint64_t q[4] = { 0, q1, 0, 0 };

	memset(f, 0, sizeof(*f));
	assert_int_equal(vtdt_init(&f->tb, params, 100, 50, NULL), 0);
	vtdt_enable(&f->tb, true);
	q[0] = vtdt_sm_q0(&f->tb, 0, ctx_flags, &f->dir);
	vtdt_sm_ctx(&f->tb, SID, q);
}

/* A PASID entry: pgtt, DID, extra qword-0 and qword-2 bits; AW 48 (4-level SL), FLPM 0. */
static uint64_t sfx_pasid(struct sfx *f, uint32_t pasid, unsigned pgtt, uint16_t did,
			  uint64_t q0, uint64_t q2)
{
	uint64_t pe[8] = { 0 };

	if (!f->slpt)
		f->slpt = vtdt_page(&f->tb);
	if (!f->flpt)
		f->flpt = vtdt_page(&f->tb);
	pe[0] = T_PE0_P | T_PE0_AW(2) | T_PE0_PGTT(pgtt) | q0;
	if (pgtt == 2 || pgtt == 3)
		pe[0] |= f->slpt;
	pe[1] = did;
	pe[2] = q2;
	if (pgtt == 1 || pgtt == 3)
		pe[2] |= f->flpt;
	return vtdt_pasid_entry(&f->tb, f->dir, pasid, pe);
}

static iommusim_xlate_resp_t px(struct sfx *f, uint32_t pasid, uint64_t iova, unsigned acc)
{
	return vtdt_xlate(&f->tb, SID, true, pasid, iova, acc, U, 0);
}

static void expect_ok(iommusim_xlate_resp_t r, uint64_t addr)
{
	if (r.status != IOMMUSIM_XLATE_OK)
		print_message("  unexpected fault 0x%02x\n", r.fault_reason);
	assert_int_equal(r.status, IOMMUSIM_XLATE_OK);
	assert_int_equal(r.addr, addr);
}

static void expect_fault(iommusim_xlate_resp_t r, uint32_t fr)
{
	assert_int_equal(r.status, IOMMUSIM_XLATE_FAULT);
	assert_int_equal(r.fault_reason, fr);
}

/* ---- second level only ------------------------------------------------------------------ */

static void test_sl_only_rid_pasid_ad(void **state)
{
	struct sfx f;
	iommusim_xlate_resp_t r;
	uint64_t leaf;

	(void)state;
	sfx_init(&f, NULL, 0, 0);
	sfx_pasid(&f, 0, 2, 9, T_PE0_SLADE, 0);
	leaf = vtdt_sl_map(&f.tb, &f.slpt, 4, 0x1000, PA, 12, T_SL_R | T_SL_W, T_SL_R | T_SL_W);

	r = vtdt_dma(&f.tb, SID, 0x1008, R, 0);
	expect_ok(r, PA + 8);
	/* root, context, PASID directory, PASID entry, 4 paging entries */
	assert_int_equal(r.cost.mem_reads, 8);
	assert_int_equal(vtdt_stat(&f.tb, "mem.pasid_reads"), 2);
	assert_int_equal(vtdt_stat(&f.tb, "mem.ctx_reads"), 2);
	/* SLADE: A set in every entry used, D not yet */
	for (unsigned l = 1; l <= 4; l++) {
		uint64_t e = vtdt_peek(&f.tb, vtdt_entry_addr(&f.tb, f.slpt, 4, 0x1000, l, false));
		assert_true(e & T_SL_A);
		assert_false(e & T_SL_D);
	}
	assert_int_equal(r.cost.mem_writes, 4);

	/* a write: the cached translation has no D, so it walks again (the PDE is in the
	 * paging-structure cache: one read) and sets D */
	r = vtdt_dma(&f.tb, SID, 0x1008, W, 0);
	expect_ok(r, PA + 8);
	assert_int_equal(r.cost.mem_reads, 1);
	assert_int_equal(r.cost.mem_writes, 1);
	assert_true(vtdt_peek(&f.tb, leaf) & T_SL_D);
	r = vtdt_dma(&f.tb, SID, 0x1008, W, 0);
	expect_ok(r, PA + 8);
	assert_int_equal(r.cost.mem_reads, 0);
	vtdt_fini(&f.tb);
}

/* Without SLADE the tables are never written. */
static void test_sl_no_ad(void **state)
{
	struct sfx f;
	uint64_t leaf;

	(void)state;
	sfx_init(&f, NULL, 0, 0);
	sfx_pasid(&f, 0, 2, 9, 0, 0);
	leaf = vtdt_sl_map(&f.tb, &f.slpt, 4, 0x1000, PA, 12, T_SL_R | T_SL_W, T_SL_R | T_SL_W);
	expect_ok(vtdt_dma(&f.tb, SID, 0x1000, W, 0), PA);
	assert_int_equal(vtdt_peek(&f.tb, leaf), PA | T_SL_R | T_SL_W);
	assert_int_equal(vtdt_stat(&f.tb, "mem.writes"), 0);
	vtdt_fini(&f.tb);
}

/* SLEE: X of the second level is checked for execute requests only when enabled. */
static const char *const p_ers[] = { "vtd.ers=1", NULL };

static void test_sl_execute(void **state)
{
	struct sfx f;

	(void)state;
	sfx_init(&f, p_ers, T_SCE_PASIDE, 0);
	sfx_pasid(&f, 1, 2, 9, 0, T_PE2_ERE);
	sfx_pasid(&f, 2, 2, 9, T_PE0_SLEE, T_PE2_ERE);
	vtdt_sl_map(&f.tb, &f.slpt, 4, 0x1000, PA, 12, T_SL_R, T_SL_R | T_SL_W);
	expect_ok(px(&f, 1, 0x1000, R | X), PA);
	expect_fault(px(&f, 2, 0x1000, R | X), 0x82);
	vtdt_fini(&f.tb);
}

/* ---- first level only ------------------------------------------------------------------- */

static void test_fl_user_supervisor(void **state)
{
	struct sfx f;
	uint64_t leaf;
	const uint64_t tbl = T_FL_P | T_FL_RW | T_FL_US;

	(void)state;
	sfx_init(&f, p_ers, T_SCE_PASIDE, 0);
	sfx_pasid(&f, 5, 1, 3, 0, T_PE2_SRE | T_PE2_ERE | T_PE2_NXE | T_PE2_EAFE);
	sfx_pasid(&f, 6, 1, 3, 0, T_PE2_SRE | T_PE2_NXE | T_PE2_WPE);
	sfx_pasid(&f, 7, 1, 3, 0, T_PE2_SRE | T_PE2_ERE | T_PE2_NXE | T_PE2_SMEP);
	leaf = vtdt_fl_map(&f.tb, &f.flpt, 4, 0x400000, PA, 12, T_FL_P | T_FL_RW | T_FL_US, tbl);
	vtdt_fl_map(&f.tb, &f.flpt, 4, 0x800000, PA + 0x1000, 12, T_FL_P | T_FL_US, tbl);
	vtdt_fl_map(&f.tb, &f.flpt, 4, 0xc00000, PA + 0x2000, 12, T_FL_P | T_FL_RW, tbl);
	vtdt_fl_map(&f.tb, &f.flpt, 4, 0x1000000, PA + 0x3000, 12,
		    T_FL_P | T_FL_RW | T_FL_US | T_FL_XD, tbl);
	vtdt_fl_map(&f.tb, &f.flpt, 4, 0xffff800000001000ull, PA + 0x4000, 12, T_FL_P | T_FL_RW,
		    T_FL_P | T_FL_RW);

	/* user read: A and EA (EAFE) set in every level, D not */
	expect_ok(px(&f, 5, 0x400010, R), PA + 0x10);
	for (unsigned l = 1; l <= 4; l++) {
		uint64_t e = vtdt_peek(&f.tb, vtdt_entry_addr(&f.tb, f.flpt, 4, 0x400000, l, true));
		assert_true(e & T_FL_A);
		assert_true(e & T_FL_EA);
		assert_false(e & T_FL_D);
	}
	expect_ok(px(&f, 5, 0x400010, W), PA + 0x10);
	assert_true(vtdt_peek(&f.tb, leaf) & T_FL_D);

	/* read-only user page */
	expect_fault(px(&f, 5, 0x800000, W), 0x85);
	/* ... a supervisor write ignores R/W when WPE = 0, not when WPE = 1 */
	expect_ok(px(&f, 5, 0x800000, W | PRIV), PA + 0x1000);
	expect_fault(px(&f, 6, 0x800000, W | PRIV), 0x85);
	/* supervisor page (U/S = 0) refuses user requests */
	expect_fault(px(&f, 5, 0xc00000, R), 0x81);
	expect_ok(px(&f, 5, 0xc00000, R | PRIV), PA + 0x2000);
	/* execute-disable */
	expect_fault(px(&f, 5, 0x1000000, R | X), 0x82);
	expect_ok(px(&f, 5, 0x1000000, R), PA + 0x3000);
	/* SMEP: supervisor execution of a user page */
	expect_fault(px(&f, 7, 0x400000, R | X | PRIV), 0x82);
	expect_ok(px(&f, 7, 0x400000, R | X), PA);
	expect_ok(px(&f, 5, 0x400000, R | X | PRIV), PA);
	/* canonical upper half works, a non-canonical address does not */
	expect_ok(px(&f, 5, 0xffff800000001000ull, R | PRIV), PA + 0x4000);
	expect_fault(px(&f, 5, 0x0000800000001000ull, R | PRIV), 0x80);
	vtdt_fini(&f.tb);
}

/* Without ECAP.ERS (current specification revisions): no execute requests, XD ignored. */
static void test_fl_no_execute_requests(void **state)
{
	struct sfx f;
	const uint64_t tbl = T_FL_P | T_FL_RW | T_FL_US;

	(void)state;
	sfx_init(&f, NULL, T_SCE_PASIDE, 0);
	assert_int_equal((vtdt_rd(&f.tb, T_ECAP, 8, 0) >> 30) & 1, 0);
	sfx_pasid(&f, 5, 1, 3, 0, T_PE2_NXE);          /* NXE is ignored, not reserved */
	vtdt_fl_map(&f.tb, &f.flpt, 4, 0x1000000, PA, 12, T_FL_P | T_FL_RW | T_FL_US | T_FL_XD,
		    tbl | T_FL_XD);
	expect_ok(px(&f, 5, 0x1000000, R | X), PA);
	expect_ok(px(&f, 5, 0x1000000, W), PA);
	/* ERE is a reserved field then */
	sfx_pasid(&f, 6, 1, 3, 0, T_PE2_ERE);
	expect_fault(px(&f, 6, 0x1000000, R), 0x5a);
	vtdt_fini(&f.tb);
}

static void test_fl_5level(void **state)
{
	static const char *const p5[] = { "vtd.fl5lp=1", NULL };
	struct sfx f;
	iommusim_xlate_resp_t r;
	const uint64_t tbl = T_FL_P | T_FL_RW | T_FL_US;
	uint64_t iova = 0x00ff123456789000ull;   /* needs 57 bits */

	(void)state;
	sfx_init(&f, NULL, T_SCE_PASIDE, 0);
	sfx_pasid(&f, 1, 1, 3, 0, T_PE2_FLPM5);
	expect_fault(px(&f, 1, 0x1000, R), 0x5b);          /* FLPM = 1 needs CAP.FL5LP */
	vtdt_fini(&f.tb);

	sfx_init(&f, p5, T_SCE_PASIDE, 0);
	assert_true(vtdt_rd(&f.tb, T_CAP, 8, 0) >> 60 & 1);
	sfx_pasid(&f, 1, 1, 3, 0, T_PE2_FLPM5);
	sfx_pasid(&f, 2, 1, 3, 0, 0);
	vtdt_fl_map(&f.tb, &f.flpt, 5, iova, PA, 12, T_FL_P | T_FL_US, tbl);
	r = px(&f, 1, iova, R);
	expect_ok(r, PA);
	for (unsigned l = 1; l <= 5; l++)
		assert_int_equal(r.cost.walk_reads[0][l], 1);
	/* the same root used as 4-level: the address is not canonical for 48 bits */
	expect_fault(px(&f, 2, iova, R), 0x80);
	vtdt_fini(&f.tb);
}

static void test_fl_large_pages(void **state)
{
	static const char *const no1g[] = { "vtd.fl1gp=0", NULL };
	struct sfx f;
	iommusim_xlate_resp_t r;
	const uint64_t tbl = T_FL_P | T_FL_RW | T_FL_US;

	(void)state;
	sfx_init(&f, NULL, T_SCE_PASIDE, 0);
	sfx_pasid(&f, 1, 1, 3, 0, 0);
	vtdt_fl_map(&f.tb, &f.flpt, 4, 0x40000000ull, 0x80000000ull, 30,
		    T_FL_P | T_FL_RW | T_FL_US | T_FL_G, tbl);
	vtdt_fl_map(&f.tb, &f.flpt, 4, 0x200000ull, 0x600000ull, 21, T_FL_P | T_FL_US, tbl);
	r = px(&f, 1, 0x40000000ull + 0x1234567, W);
	expect_ok(r, 0x80000000ull + 0x1234567);
	assert_int_equal(r.page_size, 1ull << 30);
	r = px(&f, 1, 0x200000ull + 0x1234, R);
	expect_ok(r, 0x600000ull + 0x1234);
	assert_int_equal(r.page_size, 1ull << 21);
	vtdt_fini(&f.tb);

	sfx_init(&f, no1g, T_SCE_PASIDE, 0);
	sfx_pasid(&f, 1, 1, 3, 0, 0);
	vtdt_fl_map(&f.tb, &f.flpt, 4, 0x40000000ull, 0x80000000ull, 30, T_FL_P | T_FL_US, tbl);
	expect_fault(px(&f, 1, 0x40000000ull, R), 0x72);
	vtdt_fini(&f.tb);
}

/* ---- nested ------------------------------------------------------------------------------ */

/* Identity-maps (GPA = HPA) every structure page allocated so far in the second level, with
 * `bits`, so first-level tables can be reached in nested translation. */
static void sl_identity_tables(struct sfx *f, uint64_t bits)
{
	uint64_t end = f->tb.next_page;

	for (uint64_t p = 0x100000; p < end; p += 0x1000)
		vtdt_sl_map(&f->tb, &f->slpt, 4, p, p, 12, bits, T_SL_R | T_SL_W);
}

static void test_nested(void **state)
{
	struct sfx f;
	iommusim_xlate_resp_t r;
	uint64_t fl_leaf, sl_leaf;
	const uint64_t tbl = T_FL_P | T_FL_RW | T_FL_US;

	(void)state;
	sfx_init(&f, NULL, T_SCE_PASIDE, 0);
	sfx_pasid(&f, 4, 3, 21, T_PE0_SLADE, 0);
	/* first level: IOVA 0x7000 -> GPA 0x40000000; second level: GPA -> HPA 0x90000000 */
	fl_leaf = vtdt_fl_map(&f.tb, &f.flpt, 4, 0x7000, 0x40000000ull, 12,
			      T_FL_P | T_FL_RW | T_FL_US, tbl);
	vtdt_fl_map(&f.tb, &f.flpt, 4, 0x8000, 0x40001000ull, 12, T_FL_P | T_FL_US, tbl);
	sl_identity_tables(&f, T_SL_R | T_SL_W);
	sl_leaf = vtdt_sl_map(&f.tb, &f.slpt, 4, 0x40000000ull, 0x90000000ull, 12,
			      T_SL_R | T_SL_W, T_SL_R | T_SL_W);
	vtdt_sl_map(&f.tb, &f.slpt, 4, 0x40001000ull, 0x90001000ull, 12, T_SL_R | T_SL_W,
		    T_SL_R | T_SL_W);

	r = px(&f, 4, 0x7010, W);
	expect_ok(r, 0x90000010ull);
	/* 4 first-level reads. Second-level reads: the FL root (GPA) 4; the 3 lower FL tables
	 * lie in the same 2 MiB as the root, so the SL PDE is cached: 1 each; the output GPA
	 * shares only the PML4E: 3; setting A in the 4 FL tables (and D in the leaf) writes
	 * their pages, which needs the SL D bit of each: one more SL read each (4). */
	assert_int_equal(r.cost.walk_reads[0][4] + r.cost.walk_reads[0][3] +
			 r.cost.walk_reads[0][2] + r.cost.walk_reads[0][1], 4);
	assert_int_equal(r.cost.walk_reads[1][4] + r.cost.walk_reads[1][3] +
			 r.cost.walk_reads[1][2] + r.cost.walk_reads[1][1], 4 + 3 + 3 + 4);
	assert_true(vtdt_peek(&f.tb, fl_leaf) & T_FL_D);
	assert_true(vtdt_peek(&f.tb, sl_leaf) & T_SL_D);
	/* the page the FL leaf lives in was written for A/D: its SL entry has D too */
	uint64_t pt_page = fl_leaf & ~0xfffull;
	uint64_t sl_of_pt = vtdt_entry_addr(&f.tb, f.slpt, 4, pt_page, 1, false);
	assert_true(vtdt_peek(&f.tb, sl_of_pt) & T_SL_D);

	/* the neighbour page: FL paging-structure cache gives the PT's host address directly */
	r = px(&f, 4, 0x8000, R);
	expect_ok(r, 0x90001000ull);
	assert_int_equal(r.cost.walk_reads[0][1], 1);
	assert_int_equal(r.cost.walk_reads[0][4] + r.cost.walk_reads[0][3] +
			 r.cost.walk_reads[0][2], 0);
	assert_true(r.cost.hits & IOMMUSIM_XS_PWC_S1);
	/* nested permissions: FL read-only page */
	expect_fault(px(&f, 4, 0x8000, W), 0x85);
	vtdt_fini(&f.tb);
}

/* Nested: the second level restricts what the first level grants. */
static void test_nested_sl_perm(void **state)
{
	struct sfx f;
	const uint64_t tbl = T_FL_P | T_FL_RW | T_FL_US;

	(void)state;
	sfx_init(&f, NULL, T_SCE_PASIDE, 0);
	sfx_pasid(&f, 4, 3, 21, 0, 0);
	vtdt_fl_map(&f.tb, &f.flpt, 4, 0x7000, 0x40000000ull, 12,
		    T_FL_P | T_FL_RW | T_FL_US | T_FL_A | T_FL_D, tbl | T_FL_A);
	sl_identity_tables(&f, T_SL_R | T_SL_W);
	vtdt_sl_map(&f.tb, &f.slpt, 4, 0x40000000ull, 0x90000000ull, 21, T_SL_R,
		    T_SL_R | T_SL_W);
	iommusim_xlate_resp_t r = px(&f, 4, 0x7010, R);
	expect_ok(r, 0x90000010ull);
	/* a 4 KiB FL page over a 2 MiB SL page: the smaller size */
	assert_int_equal(r.page_size, 4096);
	expect_fault(px(&f, 4, 0x7010, W), 0x85);
	vtdt_fini(&f.tb);
}

/* ---- pass-through, RID_PASID, DID per PASID --------------------------------------------- */

static void test_pt(void **state)
{
	struct sfx f;
	iommusim_xlate_resp_t r;

	(void)state;
	sfx_init(&f, NULL, T_SCE_PASIDE | T_SCE_DTE, 0);
	sfx_pasid(&f, 0, 4, 1, 0, 0);
	r = vtdt_dma(&f.tb, SID, 0x12345678, W, 0);
	expect_ok(r, 0x12345678);
	r = vtdt_xlate(&f.tb, SID, false, 0, 0x12345000, R, IOMMUSIM_REQ_ATS_TRANSLATE, 0);
	expect_ok(r, 0x12345000);
	assert_true(r.untranslated_only);
	expect_fault(vtdt_dma(&f.tb, SID, 1ull << 46, R, 0), 0x83);
	vtdt_fini(&f.tb);
}

static void test_rid_pasid_and_did(void **state)
{
	struct sfx f;
	const uint64_t tbl = T_FL_P | T_FL_RW | T_FL_US;

	(void)state;
	/* requests without PASID use PASID 3 (RID_PASID) */
	sfx_init(&f, NULL, T_SCE_PASIDE, 3);
	sfx_pasid(&f, 3, 2, 11, 0, 0);
	sfx_pasid(&f, 4, 1, 12, 0, 0);
	vtdt_sl_map(&f.tb, &f.slpt, 4, 0x5000, PA, 12, T_SL_R | T_SL_W, T_SL_R | T_SL_W);
	vtdt_fl_map(&f.tb, &f.flpt, 4, 0x5000, PA + 0x100000, 12, T_FL_P | T_FL_RW | T_FL_US, tbl);
	expect_ok(vtdt_dma(&f.tb, SID, 0x5000, R, 0), PA);
	expect_ok(px(&f, 4, 0x5000, R), PA + 0x100000);
	/* the PASID-tagged IOTLB keeps both */
	expect_ok(vtdt_dma(&f.tb, SID, 0x5000, R, 0), PA);
	expect_ok(px(&f, 4, 0x5000, R), PA + 0x100000);
	assert_int_equal(vtdt_stat(&f.tb, "iotlb.hit"), 2);
	/* a request with PASID 3 itself reaches the same entry */
	expect_ok(px(&f, 3, 0x5000, R), PA);
	assert_int_equal(vtdt_stat(&f.tb, "iotlb.hit"), 3);
	vtdt_fini(&f.tb);
}

static void test_rid_priv(void **state)
{
	struct sfx f;
	const uint64_t tbl = T_FL_P | T_FL_RW;

	(void)state;
	/* RID_PRIV: requests without PASID are supervisor requests */
	sfx_init(&f, NULL, 0, 1ull << 20);
	sfx_pasid(&f, 0, 1, 12, 0, T_PE2_SRE);
	vtdt_fl_map(&f.tb, &f.flpt, 4, 0x5000, PA, 12, T_FL_P | T_FL_RW, tbl);
	expect_ok(vtdt_dma(&f.tb, SID, 0x5000, W, 0), PA);
	vtdt_fini(&f.tb);

	sfx_init(&f, NULL, 0, 1ull << 20);
	sfx_pasid(&f, 0, 1, 12, 0, 0);
	expect_fault(vtdt_dma(&f.tb, SID, 0x5000, R, 0), 0x5d);
	vtdt_fini(&f.tb);

	/* without RID_PRIV the same page refuses the (user) request */
	sfx_init(&f, NULL, 0, 0);
	sfx_pasid(&f, 0, 1, 12, 0, T_PE2_SRE);
	vtdt_fl_map(&f.tb, &f.flpt, 4, 0x5000, PA, 12, T_FL_P | T_FL_RW, tbl);
	expect_fault(vtdt_dma(&f.tb, SID, 0x5000, R, 0), 0x81);
	vtdt_fini(&f.tb);
}

/* The upper half of the scalable root entry serves devfn 0x80..0xff. */
static void test_root_upper_half(void **state)
{
	struct sfx f;
	uint64_t q[4] = { 0 }, dir;

	(void)state;
	sfx_init(&f, NULL, 0, 0);
	q[0] = vtdt_sm_q0(&f.tb, 0, 0, &dir);
	vtdt_sm_ctx(&f.tb, 0x0290, q);       /* bus 2, devfn 0x90 */
	uint64_t pe[8] = { T_PE0_P | T_PE0_PGTT(4), 2, 0, 0, 0, 0, 0, 0 };
	vtdt_pasid_entry(&f.tb, dir, 0, pe);
	expect_ok(vtdt_dma(&f.tb, 0x0290, 0xabc000, R, 0), 0xabc000);
	/* both halves present, different context tables */
	uint64_t re_lo = vtdt_peek(&f.tb, f.tb.root + 2 * 16);
	uint64_t re_hi = vtdt_peek(&f.tb, f.tb.root + 2 * 16 + 8);
	assert_true((re_lo & 1) && (re_hi & 1));
	assert_true((re_lo & ~0xfffull) != (re_hi & ~0xfffull));
	vtdt_fini(&f.tb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sl_only_rid_pasid_ad),
		cmocka_unit_test(test_sl_no_ad),
		cmocka_unit_test(test_sl_execute),
		cmocka_unit_test(test_fl_user_supervisor),
		cmocka_unit_test(test_fl_no_execute_requests),
		cmocka_unit_test(test_fl_5level),
		cmocka_unit_test(test_fl_large_pages),
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_nested_sl_perm),
		cmocka_unit_test(test_pt),
		cmocka_unit_test(test_rid_pasid_and_did),
		cmocka_unit_test(test_rid_priv),
		cmocka_unit_test(test_root_upper_half),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
