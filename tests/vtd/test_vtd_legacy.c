/* SPDX-License-Identifier: MIT */
/*
 * Legacy-mode translation (spec 3.4, 3.7, 9.1, 9.3, 9.8): 3/4/5-level second-level tables,
 * large pages, pass-through, translation types, and every legacy fault reason the model can
 * raise (table-driven, one row per fault condition).
 */
#include "tests/support/test.h"

#include <string.h>

#include "tests/support/vtd_tables.h"

#define SID   0x0100u          /* bus 1, devfn 0 */
#define DID   5u
#define PA    0x70000000ull
#define R     IOMMUSIM_ACC_READ
#define W     IOMMUSIM_ACC_WRITE

static const char *const caps_345[] = { "vtd.sagaw=0xe", "vtd.mgaw=57", NULL };

struct fx {
	vtdt_t tb;
	uint64_t slpt;
};

static void fx_legacy(struct fx *f, const char *const *params, unsigned levels, unsigned tt)
{
	iommusim_error_t err = { 0 };

	memset(f, 0, sizeof(*f));
	assert_int_equal(vtdt_init(&f->tb, params, 100, 50, &err), 0);
	vtdt_enable(&f->tb, false);
	f->slpt = vtdt_page(&f->tb);
	vtdt_legacy_ctx(&f->tb, SID, vtdt_legacy_lo(f->slpt, tt, false),
			vtdt_legacy_hi(levels - 2, DID));
}

static void test_basic_4level(void **state)
{
	struct fx f;
	iommusim_xlate_resp_t r;

	(void)state;
	fx_legacy(&f, NULL, 4, 0);
	vtdt_sl_map(&f.tb, &f.slpt, 4, 0x1000, PA, 12, T_SL_R | T_SL_W, T_SL_R | T_SL_W);
	vtdt_sl_map(&f.tb, &f.slpt, 4, 0x2000, PA + 0x5000, 12, T_SL_R, T_SL_R | T_SL_W);

	r = vtdt_dma(&f.tb, SID, 0x1004, R, 0);
	assert_int_equal(r.status, IOMMUSIM_XLATE_OK);
	assert_int_equal(r.addr, PA + 4);
	assert_int_equal(r.page_size, 4096);
	assert_int_equal(r.perm & (R | W), R | W);
	/* root + context + 4 paging entries, each 100 ns + a 2-cycle step; pipeline 2, context
	 * cache 2, IOTLB 2, paging-structure caches 2 (1 GHz: 1 cycle = 1 ns) */
	assert_int_equal(r.cost.mem_reads, 6);
	assert_int_equal(r.cost.walk_reads[1][4], 1);
	assert_int_equal(r.cost.walk_reads[1][1], 1);
	assert_int_equal(r.cost.mem_ps, 600 * T_NS);
	assert_int_equal(r.cost.lookup_ps, 6 * T_NS);
	assert_int_equal(r.cost.other_ps, 14 * T_NS);
	assert_int_equal(r.cost.wait_ps, 0);
	assert_int_equal(r.done, 620 * T_NS);

	/* the same page again: context cache and IOTLB hit */
	r = vtdt_dma(&f.tb, SID, 0x1ff8, W, 1000 * T_NS);
	assert_int_equal(r.status, IOMMUSIM_XLATE_OK);
	assert_int_equal(r.addr, PA + 0xff8);
	assert_int_equal(r.cost.mem_reads, 0);
	assert_int_equal(r.done, 1006 * T_NS);
	assert_true(r.cost.hits & IOMMUSIM_XS_IOTLB);

	/* a neighbour page: the PDE comes from the paging-structure cache, one read */
	r = vtdt_dma(&f.tb, SID, 0x2000, R, 2000 * T_NS);
	assert_int_equal(r.status, IOMMUSIM_XLATE_OK);
	assert_int_equal(r.addr, PA + 0x5000);
	assert_int_equal(r.cost.mem_reads, 1);
	assert_int_equal(r.cost.walk_reads[1][1], 1);
	assert_true(r.cost.hits & IOMMUSIM_XS_PWC_S2);
	assert_int_equal(r.done, 2000 * T_NS + 110 * T_NS);

	/* read-only page refuses a write: LGN.2 */
	r = vtdt_dma(&f.tb, SID, 0x2000, W, 3000 * T_NS);
	assert_int_equal(r.status, IOMMUSIM_XLATE_FAULT);
	assert_int_equal(r.fault_reason, 0x05);
	vtdt_fini(&f.tb);
}

/* ---- levels and large pages -------------------------------------------------------------- */

static void test_levels(void **state)
{
	static const struct {
		unsigned levels;
		uint64_t iova;
	} rows[] = {
		{ 3, 0x7ffffff000ull },           /* top of 39 bits */
		{ 4, 0xfffffffff000ull },         /* top of 48 bits */
		{ 5, 0x1fffffffffff000ull },      /* top of 57 bits */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct fx f;
		iommusim_xlate_resp_t r;

		fx_legacy(&f, caps_345, rows[i].levels, 0);
		vtdt_sl_map(&f.tb, &f.slpt, rows[i].levels, rows[i].iova, PA, 12, T_SL_R,
			    T_SL_R | T_SL_W);
		r = vtdt_dma(&f.tb, SID, rows[i].iova + 0x10, R, 0);
		assert_int_equal(r.status, IOMMUSIM_XLATE_OK);
		assert_int_equal(r.addr, PA + 0x10);
		/* one read per level, from the top */
		for (unsigned l = 1; l <= 5; l++)
			assert_int_equal(r.cost.walk_reads[1][l], l <= rows[i].levels ? 1 : 0);
		assert_int_equal(vtdt_stat(&f.tb, "walk.sl.l1.reads"), 1);
		/* one past the top of the width: LGN.1 */
		r = vtdt_dma(&f.tb, SID, 1ull << (12 + 9 * rows[i].levels), R, 1000 * T_NS);
		assert_int_equal(r.status, IOMMUSIM_XLATE_FAULT);
		assert_int_equal(r.fault_reason, 0x04);
		vtdt_fini(&f.tb);
	}
}

static void test_large_pages(void **state)
{
	struct fx f;
	iommusim_xlate_resp_t r;

	(void)state;
	fx_legacy(&f, NULL, 4, 0);
	vtdt_sl_map(&f.tb, &f.slpt, 4, 0x40000000ull, 0x80000000ull, 30, T_SL_R | T_SL_W,
		    T_SL_R | T_SL_W);
	vtdt_sl_map(&f.tb, &f.slpt, 4, 0x200000ull, 0x600000ull, 21, T_SL_R, T_SL_R | T_SL_W);

	r = vtdt_dma(&f.tb, SID, 0x40000000ull + 0x12345678, W, 0);
	assert_int_equal(r.status, IOMMUSIM_XLATE_OK);
	assert_int_equal(r.addr, 0x80000000ull + 0x12345678);
	assert_int_equal(r.page_size, 1ull << 30);
	assert_int_equal(r.cost.walk_reads[1][3], 1);
	assert_int_equal(r.cost.walk_reads[1][2], 0);

	r = vtdt_dma(&f.tb, SID, 0x2abcde, R, 1000 * T_NS);
	assert_int_equal(r.status, IOMMUSIM_XLATE_OK);
	assert_int_equal(r.addr, 0x6abcde);
	assert_int_equal(r.page_size, 1ull << 21);

	/* another page of the same 1 GiB mapping hits the IOTLB entry of the first */
	r = vtdt_dma(&f.tb, SID, 0x40000000ull + 0x3fff0000, R, 2000 * T_NS);
	assert_int_equal(r.status, IOMMUSIM_XLATE_OK);
	assert_int_equal(r.addr, 0x80000000ull + 0x3fff0000);
	assert_int_equal(r.cost.mem_reads, 0);
	assert_true(r.cost.hits & IOMMUSIM_XS_IOTLB);
	vtdt_fini(&f.tb);
}

/* CAP.SLLPS gates large pages: PS where the size is not supported is a reserved bit. */
static void test_sllps_gating(void **state)
{
	static const char *const p2m[] = { "vtd.sllps=1", NULL };
	static const char *const p0[] = { "vtd.sllps=0", NULL };
	struct fx f;
	iommusim_xlate_resp_t r;

	(void)state;
	fx_legacy(&f, p2m, 4, 0);
	vtdt_sl_map(&f.tb, &f.slpt, 4, 0x200000ull, 0x600000ull, 21, T_SL_R, T_SL_R | T_SL_W);
	vtdt_sl_map(&f.tb, &f.slpt, 4, 0x40000000ull, 0x80000000ull, 30, T_SL_R, T_SL_R | T_SL_W);
	assert_int_equal(vtdt_dma(&f.tb, SID, 0x200000, R, 0).status, IOMMUSIM_XLATE_OK);
	r = vtdt_dma(&f.tb, SID, 0x40000000ull, R, 0);
	assert_int_equal(r.status, IOMMUSIM_XLATE_FAULT);
	assert_int_equal(r.fault_reason, 0x0c);
	vtdt_fini(&f.tb);

	fx_legacy(&f, p0, 4, 0);
	vtdt_sl_map(&f.tb, &f.slpt, 4, 0x200000ull, 0x600000ull, 21, T_SL_R, T_SL_R | T_SL_W);
	r = vtdt_dma(&f.tb, SID, 0x200000, R, 0);
	assert_int_equal(r.status, IOMMUSIM_XLATE_FAULT);
	assert_int_equal(r.fault_reason, 0x0c);
	assert_int_equal(vtdt_rd(&f.tb, T_CAP, 8, 0) >> 34 & 0xf, 0);
	vtdt_fini(&f.tb);
}

static void test_pass_through(void **state)
{
	struct fx f;
	iommusim_xlate_resp_t r;

	(void)state;
	fx_legacy(&f, NULL, 4, 2);
	r = vtdt_dma(&f.tb, SID, 0x123456789ull, W, 0);
	assert_int_equal(r.status, IOMMUSIM_XLATE_OK);
	assert_int_equal(r.addr, 0x123456789ull);
	assert_int_equal(r.cost.walk_reads[1][1], 0);
	/* beyond the host address width (46) there is no memory to pass through to */
	r = vtdt_dma(&f.tb, SID, 1ull << 46, R, 0);
	assert_int_equal(r.status, IOMMUSIM_XLATE_FAULT);
	assert_int_equal(r.fault_reason, 0x04);
	vtdt_fini(&f.tb);
}

/* Translation disabled: requests pass with their own address. */
static void test_translation_disabled(void **state)
{
	vtdt_t tb;
	iommusim_xlate_resp_t r;

	(void)state;
	assert_int_equal(vtdt_init(&tb, NULL, 100, 50, NULL), 0);
	r = vtdt_dma(&tb, SID, 0xdead000, W, 5 * T_NS);
	assert_int_equal(r.status, IOMMUSIM_XLATE_OK);
	assert_int_equal(r.addr, 0xdead000);
	assert_int_equal(r.done, 7 * T_NS);    /* pipeline only */
	vtdt_fini(&tb);
}

/* ---- fault reasons ------------------------------------------------------------------------ */

struct frow {
	const char *name;
	const char *const *params;
	void (*setup)(struct fx *f);
	unsigned levels, tt;
	uint64_t iova;
	unsigned access;
	iommusim_req_type_t type;
	bool pasid;
	uint32_t fr;
};

static void map_rw(struct fx *f)
{
	vtdt_sl_map(&f->tb, &f->slpt, 4, 0x1000, PA, 12, T_SL_R | T_SL_W, T_SL_R | T_SL_W);
}

static void s_root_np(struct fx *f)
{
	vtdt_poke(&f->tb, f->tb.root + 16 * (SID >> 8), 0);
}

static void s_root_rsvd_lo(struct fx *f)
{
	uint64_t re = f->tb.root + 16 * (SID >> 8);
	vtdt_poke(&f->tb, re, vtdt_peek(&f->tb, re) | (1ull << 5));
}

static void s_root_rsvd_hi(struct fx *f)
{
	vtdt_poke(&f->tb, f->tb.root + 16 * (SID >> 8) + 8, 1);
}

static void s_root_haw(struct fx *f)
{
	uint64_t re = f->tb.root + 16 * (SID >> 8);
	vtdt_poke(&f->tb, re, vtdt_peek(&f->tb, re) | (1ull << 46));
}

static void s_root_table_missing(struct fx *f)
{
	/* RTADDR beyond the memory (2^40) but within the host address width */
	vtdt_wr(&f->tb, T_RTADDR, 8, 1ull << 41, 0);
	vtdt_wr(&f->tb, T_GCMD, 4, T_GCMD_SRTP | T_GCMD_TE, 0);
}

static void s_ctx_table_missing(struct fx *f)
{
	vtdt_poke(&f->tb, f->tb.root + 16 * (SID >> 8), (1ull << 41) | 1);
}

static uint64_t ctx_addr(struct fx *f)
{
	return (vtdt_peek(&f->tb, f->tb.root + 16 * (SID >> 8)) & ~0xfffull) + 16 * (SID & 0xff);
}

static void s_ctx_np(struct fx *f)
{
	vtdt_poke(&f->tb, ctx_addr(f), vtdt_peek(&f->tb, ctx_addr(f)) & ~1ull);
}

static void s_ctx_rsvd_lo(struct fx *f)
{
	vtdt_poke(&f->tb, ctx_addr(f), vtdt_peek(&f->tb, ctx_addr(f)) | (1ull << 4));
}

static void s_ctx_rsvd_hi7(struct fx *f)
{
	vtdt_poke(&f->tb, ctx_addr(f) + 8, vtdt_peek(&f->tb, ctx_addr(f) + 8) | (1ull << 7));
}

static void s_ctx_rsvd_hi_top(struct fx *f)
{
	vtdt_poke(&f->tb, ctx_addr(f) + 8, vtdt_peek(&f->tb, ctx_addr(f) + 8) | (1ull << 40));
}

static void s_ctx_did_beyond_nd(struct fx *f)
{
	/* vtd.nd=0: 16 domains, DID 16 is out of range */
	vtdt_poke(&f->tb, ctx_addr(f) + 8, vtdt_legacy_hi(2, 16));
}

static void s_ctx_slptptr_haw(struct fx *f)
{
	vtdt_poke(&f->tb, ctx_addr(f), vtdt_peek(&f->tb, ctx_addr(f)) | (1ull << 50));
}

static void s_slpt_missing(struct fx *f)
{
	vtdt_poke(&f->tb, ctx_addr(f), vtdt_legacy_lo(1ull << 41, 0, false));
}

static void s_pte_missing(struct fx *f)
{
	/* the PML4E points outside memory */
	vtdt_poke(&f->tb, f->slpt, (1ull << 41) | T_SL_R | T_SL_W);
}

static void set_bits(struct fx *f, unsigned level, uint64_t bits)
{
	uint64_t ea = vtdt_entry_addr(&f->tb, f->slpt, 4, 0x1000, level, false);
	vtdt_poke(&f->tb, ea, vtdt_peek(&f->tb, ea) | bits);
}

static void s_pte_haw(struct fx *f)
{
	map_rw(f);
	set_bits(f, 1, 1ull << 46);
}

static void s_pml4e_ps(struct fx *f)
{
	map_rw(f);
	set_bits(f, 4, T_SL_PS);
}

static void s_pde_snp(struct fx *f)
{
	map_rw(f);
	set_bits(f, 2, T_SL_SNP);
}

static void s_leaf_snp_nosc(struct fx *f)
{
	map_rw(f);
	set_bits(f, 1, T_SL_SNP);
}

static void s_leaf_tm_nodt(struct fx *f)
{
	map_rw(f);
	set_bits(f, 1, 1ull << 62);
}

static void s_2m_lowbits(struct fx *f)
{
	vtdt_sl_map(&f->tb, &f->slpt, 4, 0x200000, 0x600000 | 0x1000, 21, T_SL_R, T_SL_R | T_SL_W);
}

static void s_ro(struct fx *f)
{
	vtdt_sl_map(&f->tb, &f->slpt, 4, 0x1000, PA, 12, T_SL_R, T_SL_R | T_SL_W);
}

static void s_wo(struct fx *f)
{
	vtdt_sl_map(&f->tb, &f->slpt, 4, 0x1000, PA, 12, T_SL_W, T_SL_R | T_SL_W);
}

static void s_table_ro(struct fx *f)
{
	/* write permission removed at the PDPE: the leaf's W does not help */
	vtdt_sl_map(&f->tb, &f->slpt, 4, 0x1000, PA, 12, T_SL_R | T_SL_W, T_SL_R | T_SL_W);
	uint64_t ea = vtdt_entry_addr(&f->tb, f->slpt, 4, 0x1000, 3, false);
	vtdt_poke(&f->tb, ea, vtdt_peek(&f->tb, ea) & ~T_SL_W);
}

static void s_intr(struct fx *f)
{
	vtdt_sl_map(&f->tb, &f->slpt, 4, 0x1000, 0xfee00000ull, 12, T_SL_R | T_SL_W,
		    T_SL_R | T_SL_W);
}

static void s_ttm(struct fx *f, uint64_t ttm)
{
	vtdt_wr(&f->tb, T_RTADDR, 8, f->tb.root | (ttm << 10), 0);
	vtdt_wr(&f->tb, T_GCMD, 4, T_GCMD_SRTP | T_GCMD_TE, 0);
	/* the register keeps what was written */
	assert_int_equal(vtdt_rd(&f->tb, T_RTADDR, 8, 0), f->tb.root | (ttm << 10));
}

static void s_ttm2(struct fx *f)
{
	s_ttm(f, 2);
}

static void s_ttm3(struct fx *f)
{
	s_ttm(f, 3);
}

static void s_ttm1(struct fx *f)
{
	s_ttm(f, 1);
}

static const char *const p_nd0[] = { "vtd.nd=0", NULL };
static const char *const p_nodt[] = { "vtd.dt=0", "vtd.prs=0", "vtd.pds=0", NULL };
static const char *const p_nopt[] = { "vtd.pt=0", NULL };
static const char *const p_nosc[] = { "vtd.sc=0", NULL };
static const char *const p_mgaw40[] = { "vtd.mgaw=40", NULL };
static const char *const p_nosm[] = { "vtd.smts=0", "vtd.flts=0", "vtd.slts=0", "vtd.nest=0",
				      "vtd.pasid=0", "vtd.prs=0", "vtd.pds=0", "vtd.ers=0",
				      "vtd.srs=0", "vtd.eafs=0", "vtd.slads=0", "vtd.smpwcs=0",
				      "vtd.rps=0", "vtd.rprivs=0", "vtd.fl1gp=0", NULL };
static const char *const p_sagaw3[] = { "vtd.sagaw=0x2", NULL };

#define U IOMMUSIM_REQ_UNTRANSLATED
#define A IOMMUSIM_REQ_ATS_TRANSLATE
#define T IOMMUSIM_REQ_TRANSLATED

static const struct frow legacy_faults[] = {
	{ "LRT.1 root table access", NULL, s_root_table_missing, 4, 0, 0x1000, R, U, false, 0x08 },
	{ "LRT.2 root not present", NULL, s_root_np, 4, 0, 0x1000, R, U, false, 0x01 },
	{ "LRT.3 root reserved lo", NULL, s_root_rsvd_lo, 4, 0, 0x1000, R, U, false, 0x0a },
	{ "LRT.3 root reserved hi", NULL, s_root_rsvd_hi, 4, 0, 0x1000, R, U, false, 0x0a },
	{ "LRT.3 root CTP above HAW", NULL, s_root_haw, 4, 0, 0x1000, R, U, false, 0x0a },
	{ "LCT.1 context table access", NULL, s_ctx_table_missing, 4, 0, 0x1000, R, U, false, 0x09 },
	{ "LCT.2 context not present", NULL, s_ctx_np, 4, 0, 0x1000, R, U, false, 0x02 },
	{ "LCT.3 context reserved lo", NULL, s_ctx_rsvd_lo, 4, 0, 0x1000, R, U, false, 0x0b },
	{ "LCT.3 context reserved bit 71", NULL, s_ctx_rsvd_hi7, 4, 0, 0x1000, R, U, false, 0x0b },
	{ "LCT.3 context reserved bit 104", NULL, s_ctx_rsvd_hi_top, 4, 0, 0x1000, R, U, false, 0x0b },
	{ "LCT.3 DID beyond CAP.ND", p_nd0, s_ctx_did_beyond_nd, 4, 0, 0x1000, R, U, false, 0x0b },
	{ "LCT.3 SLPTPTR above HAW", NULL, s_ctx_slptptr_haw, 4, 0, 0x1000, R, U, false, 0x0b },
	{ "LCT.4 TT reserved", NULL, NULL, 4, 3, 0x1000, R, U, false, 0x03 },
	{ "LCT.4 TT=01 without DT", p_nodt, NULL, 4, 1, 0x1000, R, U, false, 0x03 },
	{ "LCT.4 TT=10 without PT", p_nopt, NULL, 4, 2, 0x1000, R, U, false, 0x03 },
	{ "LCT.4 AW not in SAGAW", NULL, NULL, 3, 0, 0x1000, R, U, false, 0x03 },
	{ "LCT.4 AW 48 with SAGAW 39 only", p_sagaw3, NULL, 4, 0, 0x1000, R, U, false, 0x03 },
	{ "LCT.5 ATS with TT=00", NULL, map_rw, 4, 0, 0x1000, R, A, false, 0x0d },
	{ "LCT.5 translated with TT=00", NULL, map_rw, 4, 0, 0x1000, R, T, false, 0x0d },
	{ "LCT.5 ATS with TT=10", NULL, NULL, 4, 2, 0x1000, R, A, false, 0x0d },
	{ "LSL.1 SL table access", NULL, s_slpt_missing, 4, 0, 0x1000, R, U, false, 0x07 },
	{ "LSL.1 SL entry pointer", NULL, s_pte_missing, 4, 0, 0x1000, R, U, false, 0x07 },
	{ "LSL.2 address above HAW", NULL, s_pte_haw, 4, 0, 0x1000, R, U, false, 0x0c },
	{ "LSL.2 PS in a PML4E", NULL, s_pml4e_ps, 4, 0, 0x1000, R, U, false, 0x0c },
	{ "LSL.2 SNP in a PDE", NULL, s_pde_snp, 4, 0, 0x1000, R, U, false, 0x0c },
	{ "LSL.2 SNP without ECAP.SC", p_nosc, s_leaf_snp_nosc, 4, 0, 0x1000, R, U, false, 0x0c },
	{ "LSL.2 TM without ECAP.DT", p_nodt, s_leaf_tm_nodt, 4, 0, 0x1000, R, U, false, 0x0c },
	{ "LSL.2 2 MiB address bits", NULL, s_2m_lowbits, 4, 0, 0x200000, R, U, false, 0x0c },
	{ "LGN.1 beyond AGAW", NULL, map_rw, 4, 0, 1ull << 48, R, U, false, 0x04 },
	{ "LGN.1 beyond MGAW", p_mgaw40, map_rw, 4, 0, 1ull << 40, R, U, false, 0x04 },
	{ "LGN.2 write to read-only", NULL, s_ro, 4, 0, 0x1000, W, U, false, 0x05 },
	{ "LGN.2 write, table read-only", NULL, s_table_ro, 4, 0, 0x1000, W, U, false, 0x05 },
	{ "LGN.2 write, not present", NULL, NULL, 4, 0, 0x1000, W, U, false, 0x05 },
	{ "LGN.3 read of write-only", NULL, s_wo, 4, 0, 0x1000, R, U, false, 0x06 },
	{ "LGN.3 read, not present", NULL, NULL, 4, 0, 0x1000, R, U, false, 0x06 },
	{ "LGN.4 output in interrupt range", NULL, s_intr, 4, 0, 0x1000, W, U, false, 0x0e },
	{ "RTA.1 TTM=10b reserved", NULL, s_ttm2, 4, 0, 0x1000, R, U, false, 0x30 },
	{ "RTA.1 TTM=11b without ADMS", NULL, s_ttm3, 4, 0, 0x1000, R, U, false, 0x30 },
	{ "RTA.1 TTM=01b without SMTS", p_nosm, s_ttm1, 4, 0, 0x1000, R, U, false, 0x30 },
	{ "RTA.2 PASID in legacy mode", NULL, map_rw, 4, 0, 0x1000, R, U, true, 0x31 },
};

static void test_fault_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(legacy_faults) / sizeof(legacy_faults[0]); i++) {
		const struct frow *row = &legacy_faults[i];
		struct fx f;
		iommusim_xlate_resp_t r;
		uint64_t lo, hi;

		print_message("  %s\n", row->name);
		fx_legacy(&f, row->params, row->levels, row->tt);
		if (row->setup)
			row->setup(&f);
		r = vtdt_xlate(&f.tb, SID, row->pasid, 7, row->iova + 0x24, row->access, row->type,
			       100 * T_NS);
		assert_int_equal(r.status, IOMMUSIM_XLATE_FAULT);
		assert_int_equal(r.fault_reason, row->fr);
		assert_int_equal(r.perm, 0);
		/* recorded in fault recording register 0 with the request's details */
		vtdt_frcd(&f.tb, 0, &lo, &hi);
		assert_int_equal(lo, (row->iova + 0x24) & ~0xfffull);
		assert_int_equal(hi & 0xffff, SID);
		assert_int_equal((hi >> 32) & 0xff, row->fr);
		assert_true(hi >> 63);                                  /* F */
		assert_int_equal((hi >> 31) & 1, row->pasid ? 1 : 0);   /* PP */
		if (row->pasid)
			assert_int_equal((hi >> 40) & 0xfffff, 7);
		if (row->type == U)
			assert_int_equal((hi >> 62) & 1, row->access == R ? 1 : 0);   /* T1: read */
		assert_int_equal((hi >> 60) & 3, row->type == A ? 1 : row->type == T ? 2 : 0);
		assert_int_equal(vtdt_rd(&f.tb, T_FSTS, 4, 0) & 2, 2);     /* PPF */
		assert_int_equal(vtdt_stat(&f.tb, "fault.recorded"), 1);
		vtdt_fini(&f.tb);
	}
}

/* FPD in the context entry suppresses recording of the qualified faults found with it. */
static void test_fpd(void **state)
{
	struct fx f;
	iommusim_xlate_resp_t r;

	(void)state;
	fx_legacy(&f, NULL, 4, 0);
	vtdt_legacy_ctx(&f.tb, SID, vtdt_legacy_lo(f.slpt, 0, true), vtdt_legacy_hi(2, DID));
	r = vtdt_dma(&f.tb, SID, 0x1000, R, 0);          /* not mapped: LGN.3 */
	assert_int_equal(r.status, IOMMUSIM_XLATE_FAULT);
	assert_int_equal(r.fault_reason, 0x06);
	assert_int_equal(vtdt_rd(&f.tb, T_FSTS, 4, 0), 0);
	assert_int_equal(vtdt_stat(&f.tb, "fault.fpd"), 1);
	assert_int_equal(f.tb.nmsi, 0);

	/* a not-present context entry with FPD set is not recorded either (LCT.2 qualified) */
	vtdt_legacy_ctx(&f.tb, SID + 1, 2 /* FPD, P = 0 */, 0);
	r = vtdt_dma(&f.tb, SID + 1, 0x1000, R, 0);
	assert_int_equal(r.fault_reason, 0x02);
	assert_int_equal(vtdt_rd(&f.tb, T_FSTS, 4, 0), 0);

	/* a root entry fault is not qualified: recorded regardless */
	r = vtdt_dma(&f.tb, 0x0500, 0x1000, R, 0);
	assert_int_equal(r.fault_reason, 0x01);
	assert_int_equal(vtdt_rd(&f.tb, T_FSTS, 4, 0) & 2, 2);
	vtdt_fini(&f.tb);
}

/* TT=01 allows ATS translation and translated requests. */
static void test_tt_devtlb(void **state)
{
	struct fx f;
	iommusim_xlate_resp_t r;

	(void)state;
	fx_legacy(&f, NULL, 4, 1);
	vtdt_sl_map(&f.tb, &f.slpt, 4, 0x1000, PA, 12, T_SL_R, T_SL_R | T_SL_W);
	r = vtdt_xlate(&f.tb, SID, false, 0, 0x1000, R | W, A, 0);
	assert_int_equal(r.status, IOMMUSIM_XLATE_OK);
	assert_int_equal(r.addr, PA);
	assert_int_equal(r.perm & (R | W), R);       /* read-only page: R granted only */
	assert_int_equal(r.fault_reason, 0x05);      /* what a write would have got */
	assert_int_equal(vtdt_rd(&f.tb, T_FSTS, 4, 0), 0);   /* ATS answers record nothing */
	r = vtdt_xlate(&f.tb, SID, false, 0, 0x5000, R, A, 0);   /* not mapped */
	assert_int_equal(r.status, IOMMUSIM_XLATE_OK);   /* legacy: no page requests */
	assert_int_equal(r.perm, 0);
	r = vtdt_xlate(&f.tb, SID, false, 0, PA + 8, W, T, 0);
	assert_int_equal(r.status, IOMMUSIM_XLATE_OK);
	assert_int_equal(r.addr, PA + 8);
	assert_int_equal(vtdt_rd(&f.tb, T_FSTS, 4, 0), 0);
	vtdt_fini(&f.tb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic_4level),
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_large_pages),
		cmocka_unit_test(test_sllps_gating),
		cmocka_unit_test(test_pass_through),
		cmocka_unit_test(test_translation_disabled),
		cmocka_unit_test(test_fault_table),
		cmocka_unit_test(test_fpd),
		cmocka_unit_test(test_tt_devtlb),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
