/* SPDX-License-Identifier: MIT */
/*
 * Cache invalidation (spec 6.5, vtd_inval.h): every invalidation type and granularity drops
 * the stale entry and keeps the unrelated ones, checked by translating again and counting
 * memory reads and cache hits. Also caching mode (CAP.CM): not-present entries are cached
 * until invalidated.
 */
#include "tests/support/test.h"

#include <errno.h>
#include <string.h>

#include "models/vtd/vtd.h"
#include "tests/support/vtd_tables.h"

#define R IOMMUSIM_ACC_READ
#define W IOMMUSIM_ACC_WRITE
#define U IOMMUSIM_REQ_UNTRANSLATED

/* ---- legacy: SIDs A (DID 1), B (DID 2), A2 (A's function 1, DID 1) ------------------------ */

#define SA  0x0310u
#define SB  0x0320u
#define SA2 0x0311u

struct lfx {
	vtdt_t tb;
	struct vtd *v;
	uint64_t pt1, pt2;
};

static void lfx_init(struct lfx *f, const char *const *params)
{
	memset(f, 0, sizeof(*f));
	assert_int_equal(vtdt_init(&f->tb, params, 100, 50, NULL), 0);
	f->v = f->tb.m;
	vtdt_enable(&f->tb, false);
	for (uint64_t a = 0x1000; a <= 0x4000; a += 0x1000) {
		vtdt_sl_map(&f->tb, &f->pt1, 4, a, 0x10000000 + a, 12, T_SL_R | T_SL_W,
			    T_SL_R | T_SL_W);
		vtdt_sl_map(&f->tb, &f->pt2, 4, a, 0x20000000 + a, 12, T_SL_R | T_SL_W,
			    T_SL_R | T_SL_W);
	}
	vtdt_sl_map(&f->tb, &f->pt1, 4, 0x200000, 0x30000000, 21, T_SL_R, T_SL_R | T_SL_W);
	vtdt_legacy_ctx(&f->tb, SA, vtdt_legacy_lo(f->pt1, 0, false), vtdt_legacy_hi(2, 1));
	vtdt_legacy_ctx(&f->tb, SA2, vtdt_legacy_lo(f->pt1, 0, false), vtdt_legacy_hi(2, 1));
	vtdt_legacy_ctx(&f->tb, SB, vtdt_legacy_lo(f->pt2, 0, false), vtdt_legacy_hi(2, 2));
}

/* Memory reads of one translation (must succeed). */
static uint32_t reads(struct lfx *f, uint16_t sid, uint64_t iova)
{
	iommusim_xlate_resp_t r = vtdt_dma(&f->tb, sid, iova, R, 0);

	assert_int_equal(r.status, IOMMUSIM_XLATE_OK);
	return r.cost.mem_reads;
}

static void warm(struct lfx *f)
{
	static const uint16_t sids[3] = { SA, SB, SA2 };

	for (int i = 0; i < 3; i++)
		for (uint64_t a = 0x1000; a <= 0x4000; a += 0x1000)
			reads(f, sids[i], a);
	reads(f, SA, 0x200000);
	for (int i = 0; i < 3; i++)
		assert_int_equal(reads(f, sids[i], 0x1000), 0);
}

static void test_context_invalidation(void **state)
{
	struct lfx f;
	size_t scanned = 0;

	(void)state;
	lfx_init(&f, NULL);
	warm(&f);
	/* global: every context entry is read again (root + context), the IOTLB keeps its */
	assert_int_equal(vtd_inval_context(f.v, VTD_INV_GLOBAL, 0, 0, 0, &scanned), 0);
	assert_int_equal(scanned, 64);
	assert_int_equal(reads(&f, SA, 0x1000), 2);
	assert_int_equal(reads(&f, SB, 0x1000), 2);
	assert_int_equal(reads(&f, SA2, 0x1000), 2);

	/* domain-selective: the DID 1 entries only */
	assert_int_equal(vtd_inval_context(f.v, VTD_INV_DOMAIN, 1, 0, 0, NULL), 0);
	assert_int_equal(reads(&f, SA, 0x1000), 2);
	assert_int_equal(reads(&f, SA2, 0x1000), 2);
	assert_int_equal(reads(&f, SB, 0x1000), 0);

	/* device-selective, no function mask: SA only */
	assert_int_equal(vtd_inval_context(f.v, VTD_INV_DEVICE, 1, SA, 0, NULL), 0);
	assert_int_equal(reads(&f, SA, 0x1000), 2);
	assert_int_equal(reads(&f, SA2, 0x1000), 0);
	assert_int_equal(reads(&f, SB, 0x1000), 0);

	/* function mask 3 (bits 2:0): both functions of the device */
	assert_int_equal(vtd_inval_context(f.v, VTD_INV_DEVICE, 1, SA, 3, NULL), 0);
	assert_int_equal(reads(&f, SA, 0x1000), 2);
	assert_int_equal(reads(&f, SA2, 0x1000), 2);
	assert_int_equal(reads(&f, SB, 0x1000), 0);
	/* function mask 1 masks bit 2 only: 0x0311 and 0x0315 match, 0x0310 does not */
	assert_int_equal(vtd_inval_context(f.v, VTD_INV_DEVICE, 1, 0x0315, 1, NULL), 0);
	assert_int_equal(reads(&f, SA2, 0x1000), 2);
	assert_int_equal(reads(&f, SA, 0x1000), 0);

	assert_int_equal(vtd_inval_context(f.v, 0, 0, 0, 0, NULL), -EINVAL);
	assert_int_equal(vtdt_stat(&f.tb, "inval.ctx"), 5);
	vtdt_fini(&f.tb);
}

static void test_iotlb_invalidation(void **state)
{
	struct lfx f;

	(void)state;
	lfx_init(&f, NULL);

	/* global: everything walks again (paging-structure caches too) */
	warm(&f);
	assert_int_equal(vtd_inval_iotlb(f.v, VTD_INV_GLOBAL, 0, 0, 0, false, NULL), 0);
	assert_int_equal(reads(&f, SA, 0x1000), 4);
	assert_int_equal(reads(&f, SB, 0x1000), 4);

	/* domain-selective: DID 1 walks from the top, DID 2 hits */
	warm(&f);
	assert_int_equal(vtd_inval_iotlb(f.v, VTD_INV_DOMAIN, 1, 0, 0, false, NULL), 0);
	assert_int_equal(reads(&f, SB, 0x1000), 0);
	assert_int_equal(reads(&f, SA, 0x1000), 4);
	assert_int_equal(reads(&f, SA, 0x2000), 1);   /* PWC refilled by the walk above */

	/* page-selective 0x2000 in DID 1: that page only; its covering PWC entries go too */
	warm(&f);
	assert_int_equal(vtd_inval_iotlb(f.v, VTD_INV_PAGE, 1, 0x2000, 0, false, NULL), 0);
	assert_int_equal(reads(&f, SA, 0x1000), 0);
	assert_int_equal(reads(&f, SA, 0x3000), 0);
	assert_int_equal(reads(&f, SB, 0x2000), 0);
	assert_int_equal(reads(&f, SA, 0x2000), 4);

	/* AM = 1 covers two pages, aligned down: 0x3000 -> 0x2000..0x3fff */
	warm(&f);
	assert_int_equal(vtd_inval_iotlb(f.v, VTD_INV_PAGE, 1, 0x3000, 1, true, NULL), 0);
	assert_int_equal(reads(&f, SA, 0x1000), 0);
	assert_int_equal(reads(&f, SA, 0x4000), 0);
	assert_int_equal(reads(&f, SA, 0x2000), 1);   /* IH: the PDE stayed cached */
	assert_int_equal(reads(&f, SA, 0x3000), 1);

	/* a 4 KiB invalidation inside a 2 MiB translation drops the whole 2 MiB entry */
	warm(&f);
	assert_int_equal(vtd_inval_iotlb(f.v, VTD_INV_PAGE, 1, 0x2a3000, 0, true, NULL), 0);
	assert_int_equal(reads(&f, SA, 0x200000), 1);
	assert_int_equal(reads(&f, SA, 0x3ff000), 0);

	assert_int_equal(vtd_inval_iotlb(f.v, 0, 1, 0, 0, false, NULL), -EINVAL);
	assert_int_equal(vtd_inval_iotlb(f.v, VTD_INV_PAGE, 1, 0, 53, false, NULL), -EINVAL);
	vtdt_fini(&f.tb);
}

/* ---- scalable mode ---------------------------------------------------------------------- */

#define SID 0x0400u

struct sfx {
	vtdt_t tb;
	struct vtd *v;
	uint64_t dir, slpt, flpt, nfl;
};

static uint64_t pe_write(struct sfx *f, uint32_t pasid, unsigned pgtt, uint16_t did)
{
	uint64_t pe[8] = { 0 };

	pe[0] = T_PE0_P | T_PE0_AW(2) | T_PE0_PGTT(pgtt) | (pgtt == 2 || pgtt == 3 ? f->slpt : 0);
	pe[1] = did;
	pe[2] = pgtt == 1 ? f->flpt : pgtt == 3 ? f->nfl : 0;
	return vtdt_pasid_entry(&f->tb, f->dir, pasid, pe);
}

/* PASID 1: SL-only DID 10; PASID 2: FL-only DID 10; PASID 3: FL-only DID 11; PASID 4:
 * nested DID 10. IOVA 0x1000..0x3000 mapped in each; FL 0x3000 is global. */
static void sfx_init(struct sfx *f)
{
	uint64_t q[4] = { 0 };
	const uint64_t flt = T_FL_P | T_FL_RW | T_FL_US;

	memset(f, 0, sizeof(*f));
	assert_int_equal(vtdt_init(&f->tb, NULL, 100, 50, NULL), 0);
	f->v = f->tb.m;
	vtdt_enable(&f->tb, true);
	q[0] = vtdt_sm_q0(&f->tb, 0, T_SCE_PASIDE, &f->dir);
	vtdt_sm_ctx(&f->tb, SID, q);
	for (uint64_t a = 0x1000; a <= 0x3000; a += 0x1000) {
		vtdt_fl_map(&f->tb, &f->flpt, 4, a, 0x50000000 + a, 12,
			    flt | T_FL_A | T_FL_D | (a == 0x3000 ? T_FL_G : 0), flt | T_FL_A);
		vtdt_fl_map(&f->tb, &f->nfl, 4, a, 0x40000000 + a, 12, flt | T_FL_A | T_FL_D,
			    flt | T_FL_A);
	}
	for (uint64_t p = 0x100000; p < f->tb.next_page + 0x10000; p += 0x1000)
		vtdt_sl_map(&f->tb, &f->slpt, 4, p, p, 12, T_SL_R | T_SL_W, T_SL_R | T_SL_W);
	for (uint64_t a = 0x1000; a <= 0x3000; a += 0x1000) {
		vtdt_sl_map(&f->tb, &f->slpt, 4, a, 0x60000000 + a, 12, T_SL_R | T_SL_W,
			    T_SL_R | T_SL_W);
		vtdt_sl_map(&f->tb, &f->slpt, 4, 0x40000000 + a, 0x70000000 + a, 12,
			    T_SL_R | T_SL_W, T_SL_R | T_SL_W);
	}
	pe_write(f, 1, 2, 10);
	pe_write(f, 2, 1, 10);
	pe_write(f, 3, 1, 11);
	pe_write(f, 4, 3, 10);
}

static iommusim_xlate_resp_t sx(struct sfx *f, uint32_t pasid, uint64_t iova)
{
	iommusim_xlate_resp_t r = vtdt_xlate(&f->tb, SID, true, pasid, iova, R, U, 0);

	assert_int_equal(r.status, IOMMUSIM_XLATE_OK);
	return r;
}

static bool hit(struct sfx *f, uint32_t pasid, uint64_t iova)
{
	return (sx(f, pasid, iova).cost.hits & IOMMUSIM_XS_IOTLB) != 0;
}

static void swarm(struct sfx *f)
{
	for (uint32_t p = 1; p <= 4; p++)
		for (uint64_t a = 0x1000; a <= 0x3000; a += 0x1000)
			sx(f, p, a);
	for (uint32_t p = 1; p <= 4; p++)
		assert_true(hit(f, p, 0x1000));
}

static void test_pasid_cache_invalidation(void **state)
{
	struct sfx f;

	(void)state;
	sfx_init(&f);
	swarm(&f);
	/* all PASIDs of DID 10: 1, 2, 4 read their PASID entry again (dir + entry), 3 not */
	assert_int_equal(vtd_inval_pasid_cache(f.v, 0, 10, 0, NULL), 0);
	assert_int_equal(sx(&f, 1, 0x1000).cost.mem_reads, 2);
	assert_int_equal(sx(&f, 2, 0x1000).cost.mem_reads, 2);
	assert_int_equal(sx(&f, 4, 0x1000).cost.mem_reads, 2);
	assert_int_equal(sx(&f, 3, 0x1000).cost.mem_reads, 0);
	/* PASID-selective */
	assert_int_equal(vtd_inval_pasid_cache(f.v, 1, 10, 2, NULL), 0);
	assert_int_equal(sx(&f, 2, 0x1000).cost.mem_reads, 2);
	assert_int_equal(sx(&f, 1, 0x1000).cost.mem_reads, 0);
	/* a PASID with another DID is not touched */
	assert_int_equal(vtd_inval_pasid_cache(f.v, 1, 10, 3, NULL), 0);
	assert_int_equal(sx(&f, 3, 0x1000).cost.mem_reads, 0);
	/* global */
	assert_int_equal(vtd_inval_pasid_cache(f.v, 3, 0, 0, NULL), 0);
	for (uint32_t p = 1; p <= 4; p++)
		assert_int_equal(sx(&f, p, 0x1000).cost.mem_reads, 2);
	assert_int_equal(vtd_inval_pasid_cache(f.v, 2, 10, 0, NULL), -EINVAL);
	/* the IOTLB is not a PASID-cache's business */
	assert_true(hit(&f, 1, 0x2000));
	vtdt_fini(&f.tb);
}

static void test_sm_iotlb_invalidation(void **state)
{
	struct sfx f;

	(void)state;
	sfx_init(&f);

	/* IOTLB (type 2) domain-selective: second-level-only and nested of DID 10 go,
	 * first-level-only stays */
	swarm(&f);
	assert_int_equal(vtd_inval_iotlb(f.v, VTD_INV_DOMAIN, 10, 0, 0, false, NULL), 0);
	assert_false(hit(&f, 1, 0x1000));
	assert_false(hit(&f, 4, 0x1000));
	assert_true(hit(&f, 2, 0x1000));
	assert_true(hit(&f, 3, 0x1000));

	/* IOTLB page-selective 0x2000 in DID 10: the SL-only page, every nested entry */
	swarm(&f);
	assert_int_equal(vtd_inval_iotlb(f.v, VTD_INV_PAGE, 10, 0x2000, 0, true, NULL), 0);
	assert_false(hit(&f, 1, 0x2000));
	assert_true(hit(&f, 1, 0x1000));
	assert_false(hit(&f, 4, 0x1000));
	assert_false(hit(&f, 4, 0x3000));
	assert_true(hit(&f, 2, 0x2000));

	/* PASID-based IOTLB, all non-global of (DID 10, PASID 2) */
	swarm(&f);
	assert_int_equal(vtd_inval_piotlb(f.v, 2, 10, 2, 0, 0, false, NULL), 0);
	assert_false(hit(&f, 2, 0x1000));
	assert_false(hit(&f, 2, 0x2000));
	assert_true(hit(&f, 2, 0x3000));         /* global translation kept */
	assert_true(hit(&f, 3, 0x1000));         /* other DID */
	assert_true(hit(&f, 1, 0x1000));         /* second level only */
	assert_true(hit(&f, 4, 0x1000));         /* nested entries of another PASID */

	/* PASID-based page-selective: global or not, that range only */
	swarm(&f);
	assert_int_equal(vtd_inval_piotlb(f.v, 3, 10, 2, 0x3000, 0, false, NULL), 0);
	assert_false(hit(&f, 2, 0x3000));
	assert_true(hit(&f, 2, 0x1000));
	/* and with IH the first-level paging-structure entries stay: one read */
	swarm(&f);
	assert_int_equal(vtd_inval_piotlb(f.v, 3, 10, 2, 0x1000, 0, true, NULL), 0);
	assert_int_equal(sx(&f, 2, 0x1000).cost.mem_reads, 1);
	/* without IH they go: a full first-level walk */
	assert_int_equal(vtd_inval_piotlb(f.v, 3, 10, 2, 0x1000, 0, false, NULL), 0);
	assert_int_equal(sx(&f, 2, 0x1000).cost.mem_reads, 4);
	/* nested entries go with a PASID-based invalidation of their PASID */
	swarm(&f);
	assert_int_equal(vtd_inval_piotlb(f.v, 2, 10, 4, 0, 0, false, NULL), 0);
	assert_false(hit(&f, 4, 0x2000));
	assert_true(hit(&f, 1, 0x2000));

	assert_int_equal(vtd_inval_piotlb(f.v, 1, 10, 2, 0, 0, false, NULL), -EINVAL);
	assert_int_equal(vtd_inval_piotlb(f.v, 3, 10, 2, 0, 60, false, NULL), -EINVAL);
	vtdt_fini(&f.tb);
}

/* In scalable mode a domain-selective context invalidation drops every scalable entry. */
static void test_sm_context_domain(void **state)
{
	struct sfx f;

	(void)state;
	sfx_init(&f);
	swarm(&f);
	assert_int_equal(vtd_inval_context(f.v, VTD_INV_DOMAIN, 99, 0, 0, NULL), 0);
	assert_int_equal(sx(&f, 1, 0x1000).cost.mem_reads, 2);   /* root + context */
	vtdt_fini(&f.tb);
}

/* ---- caching mode ------------------------------------------------------------------------ */

static void test_caching_mode(void **state)
{
	static const char *const cm[] = { "vtd.cm=1", NULL };
	struct lfx f;
	iommusim_xlate_resp_t r;
	uint64_t pt3 = 0;

	(void)state;
	/* CM = 0: making an entry present needs no invalidation */
	lfx_init(&f, NULL);
	assert_int_equal(vtdt_dma(&f.tb, 0x0500, 0x1000, R, 0).fault_reason, 0x01);
	assert_int_equal(vtdt_dma(&f.tb, SA, 0x9000, R, 0).fault_reason, 0x06);
	vtdt_sl_map(&f.tb, &f.pt1, 4, 0x9000, 0x99000, 12, T_SL_R, T_SL_R | T_SL_W);
	assert_int_equal(vtdt_dma(&f.tb, SA, 0x9000, R, 0).status, IOMMUSIM_XLATE_OK);
	vtdt_fini(&f.tb);

	/* CM = 1: not-present entries are cached until invalidated */
	lfx_init(&f, cm);
	vtdt_legacy_ctx(&f.tb, 0x0330, 0, 0);                /* present root, context P = 0 */
	assert_int_equal(vtdt_dma(&f.tb, 0x0330, 0x1000, R, 0).fault_reason, 0x02);
	vtdt_sl_map(&f.tb, &pt3, 4, 0x1000, 0x77000, 12, T_SL_R, T_SL_R | T_SL_W);
	vtdt_legacy_ctx(&f.tb, 0x0330, vtdt_legacy_lo(pt3, 0, false), vtdt_legacy_hi(2, 3));
	r = vtdt_dma(&f.tb, 0x0330, 0x1000, R, 0);
	assert_int_equal(r.fault_reason, 0x02);
	assert_int_equal(r.cost.mem_reads, 0);               /* from the context cache */
	assert_int_equal(vtd_inval_context(f.v, VTD_INV_DEVICE, 3, 0x0330, 0, NULL), 0);
	assert_int_equal(vtdt_dma(&f.tb, 0x0330, 0x1000, R, 0).status, IOMMUSIM_XLATE_OK);

	/* a not-present leaf is cached in the IOTLB */
	assert_int_equal(vtdt_dma(&f.tb, SA, 0x9000, W, 0).fault_reason, 0x05);
	vtdt_sl_map(&f.tb, &f.pt1, 4, 0x9000, 0x99000, 12, T_SL_R | T_SL_W, T_SL_R | T_SL_W);
	r = vtdt_dma(&f.tb, SA, 0x9000, R, 0);
	assert_int_equal(r.fault_reason, 0x06);
	assert_int_equal(r.cost.mem_reads, 0);
	assert_int_equal(vtd_inval_iotlb(f.v, VTD_INV_PAGE, 1, 0x9000, 0, true, NULL), 0);
	r = vtdt_dma(&f.tb, SA, 0x9000, W, 0);
	assert_int_equal(r.status, IOMMUSIM_XLATE_OK);
	assert_int_equal(r.addr, 0x99000);
	vtdt_fini(&f.tb);
}

/* Entries of the two translation modes do not mix after a TTM change. */
static void test_mode_switch(void **state)
{
	struct lfx f;

	(void)state;
	lfx_init(&f, NULL);
	warm(&f);
	/* switch to scalable mode on an empty root table: the cached legacy context does not
	 * answer for it */
	vtdt_wr(&f.tb, T_RTADDR, 8, vtdt_page(&f.tb) | T_TTM_SM, 0);
	vtdt_wr(&f.tb, T_GCMD, 4, T_GCMD_SRTP | T_GCMD_TE, 0);
	assert_int_equal(vtdt_dma(&f.tb, SA, 0x1000, R, 0).fault_reason, 0x39);
	vtdt_fini(&f.tb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_context_invalidation),
		cmocka_unit_test(test_iotlb_invalidation),
		cmocka_unit_test(test_pasid_cache_invalidation),
		cmocka_unit_test(test_sm_iotlb_invalidation),
		cmocka_unit_test(test_sm_context_domain),
		cmocka_unit_test(test_caching_mode),
		cmocka_unit_test(test_mode_switch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
