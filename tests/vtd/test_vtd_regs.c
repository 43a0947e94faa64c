/* SPDX-License-Identifier: MIT */
/*
 * VT-d registers (spec 10.4): reset values, CAP/ECAP from parameters, GCMD one-bit command
 * semantics (SRTP, TE, QIE, WBF), RTADDR, register-based invalidation (CCMD, IOTLB/IVA)
 * with its completion timing, access sizes, create-time parameter checks and reset.
 */
#include "tests/support/test.h"

#include <errno.h>
#include <string.h>

#include "iommusim/vtd.h"
#include "tests/support/vtd_tables.h"

#define SID 0x0100u
#define R   IOMMUSIM_ACC_READ

static void bench(vtdt_t *tb, const char *const *params)
{
	iommusim_error_t err = { 0 };

	assert_int_equal(vtdt_init(tb, params, 100, 50, &err), 0);
}

static void test_reset_values(void **state)
{
	vtdt_t tb;
	uint64_t cap, ecap, exp;

	(void)state;
	bench(&tb, NULL);
	assert_int_equal(vtdt_rd(&tb, T_VER, 4, 0), 0x30);
	cap = vtdt_rd(&tb, T_CAP, 8, 0);
	/* ND 6, SAGAW 48-bit, MGAW 48, FRO 0x22, SLLPS 2M+1G, PSI, NFR 8, MAMV 18, FL1GP */
	exp = 6ull | (0x4ull << 8) | (47ull << 16) | (0x22ull << 24) | (3ull << 34) | (1ull << 39) |
	      (7ull << 40) | (18ull << 48) | (1ull << 56);
	assert_int_equal(cap, exp);
	ecap = vtdt_rd(&tb, T_ECAP, 8, 0);
	exp = (1ull << 0) | (1ull << 1) | (1ull << 2) | (1ull << 6) | (1ull << 7) | (0x0full << 8) |
	      (1ull << 26) | (1ull << 29) | (1ull << 31) | (1ull << 34) |
	      (19ull << 35) | (1ull << 40) | (1ull << 42) | (1ull << 43) | (1ull << 45) |
	      (1ull << 46) | (1ull << 47) | (1ull << 48) | (1ull << 49) | (1ull << 53);
	assert_int_equal(ecap, exp);
	/* 32-bit halves */
	assert_int_equal(vtdt_rd(&tb, T_CAP, 4, 0), cap & 0xffffffffull);
	assert_int_equal(vtdt_rd(&tb, T_CAP + 4, 4, 0), cap >> 32);
	assert_int_equal(vtdt_rd(&tb, T_GSTS, 4, 0), 0);
	assert_int_equal(vtdt_rd(&tb, T_GCMD, 4, 0), 0);
	assert_int_equal(vtdt_rd(&tb, T_RTADDR, 8, 0), 0);
	assert_int_equal(vtdt_rd(&tb, T_FSTS, 4, 0), 0);
	assert_int_equal(vtdt_rd(&tb, T_FECTL, 4, 0), 0x80000000u);
	/* capability registers are read-only */
	vtdt_wr(&tb, T_CAP, 8, 0, 0);
	assert_int_equal(vtdt_rd(&tb, T_CAP, 8, 0), cap);
	vtdt_fini(&tb);
}

static void test_caps_from_params(void **state)
{
	static const char *const p[] = { "vtd.sagaw=0xa", "vtd.mgaw=57", "vtd.nfr=4", "vtd.nd=2",
					 "vtd.cm=1", "vtd.rwbf=1", "vtd.sllps=1", "vtd.psi=0",
					 "vtd.mamv=9", "vtd.fl5lp=1", "vtd.pss=7", "vtd.dt=0",
					 "vtd.prs=0", "vtd.pds=0", "vtd.nest=0", NULL };
	vtdt_t tb;
	uint64_t cap, ecap;

	(void)state;
	bench(&tb, p);
	cap = vtdt_rd(&tb, T_CAP, 8, 0);
	assert_int_equal(cap & 7, 2);
	assert_int_equal((cap >> 4) & 1, 1);        /* RWBF */
	assert_int_equal((cap >> 7) & 1, 1);        /* CM */
	assert_int_equal((cap >> 8) & 0x1f, 0xa);
	assert_int_equal((cap >> 16) & 0x3f, 56);
	assert_int_equal((cap >> 34) & 0xf, 1);
	assert_int_equal((cap >> 39) & 1, 0);
	assert_int_equal((cap >> 40) & 0xff, 3);
	assert_int_equal((cap >> 48) & 0x3f, 9);
	assert_int_equal((cap >> 60) & 1, 1);
	ecap = vtdt_rd(&tb, T_ECAP, 8, 0);
	assert_int_equal((ecap >> 2) & 1, 0);       /* DT */
	assert_int_equal((ecap >> 26) & 1, 0);      /* NEST */
	assert_int_equal((ecap >> 29) & 1, 0);      /* PRS */
	assert_int_equal((ecap >> 35) & 0x1f, 7);
	vtdt_fini(&tb);
}

static void test_create_errors(void **state)
{
	static const struct {
		const char *const params[4];
		const char *needle;
	} rows[] = {
		{ { "vtd.qi=0", NULL }, "vtd.smts" },
		{ { "vtd.sagaw=0x3", NULL }, "vtd.sagaw" },
		{ { "vtd.nest=1", "vtd.flts=0", "vtd.eafs=0", NULL }, "vtd.nest" },
		{ { "vtd.pds=1", "vtd.prs=0", NULL }, "vtd.pds" },
		{ { "vtd.iotlb.ways=3", "vtd.iotlb.repl=plru", NULL }, "iotlb" },
	};
	iommusim_error_t err;

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		vtdt_t tb;

		memset(&err, 0, sizeof(err));
		assert_int_equal(vtdt_init(&tb, rows[i].params, 100, 50, &err), -EINVAL);
		assert_non_null(strstr(err.msg, rows[i].needle));
		vtdt_fini(&tb);
	}

	/* a missing environment part, or a parameter set without the component */
	vtdt_t tb;
	iommusim_model_env_t env;
	void *m = (void *)1;

	bench(&tb, NULL);
	memset(&env, 0, sizeof(env));
	env.sched = tb.sched;
	env.mem = &tb.port;
	memset(&err, 0, sizeof(err));
	assert_int_equal(iommusim_vtd_ops.create(tb.ps, &env, &m, &err), -EINVAL);
	assert_null(m);
	assert_non_null(strstr(err.msg, "stats"));
	env.stats = tb.stats;
	iommusim_params_t *empty = iommusim_params_create();
	assert_int_equal(iommusim_vtd_ops.create(empty, &env, &m, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "component"));
	iommusim_params_destroy(empty);
	env.instance = "a-name-that-is-far-too-long-for-the-model";
	assert_int_equal(iommusim_vtd_ops.create(tb.ps, &env, &m, &err), -EINVAL);
	vtdt_fini(&tb);
}

static void test_access_checks(void **state)
{
	vtdt_t tb;
	uint64_t v;

	(void)state;
	bench(&tb, NULL);
	assert_int_equal(tb.ops->mmio_read(tb.m, T_CAP, 2, &v, 0), -EINVAL);
	assert_int_equal(tb.ops->mmio_read(tb.m, T_CAP + 4, 8, &v, 0), -EINVAL);
	assert_int_equal(tb.ops->mmio_write(tb.m, T_GCMD + 2, 4, 0, 0), -EINVAL);
	assert_int_equal(tb.ops->mmio_write(tb.m, T_GCMD, 1, 0, 0), -EINVAL);
	/* holes read 0 and ignore writes */
	vtdt_wr(&tb, 0x300, 8, ~0ull, 0);
	assert_int_equal(vtdt_rd(&tb, 0x300, 8, 0), 0);
	assert_int_equal(vtdt_rd(&tb, 0x0ff0, 4, 0), 0);
	/* an 8-byte access over two 32-bit registers reaches both */
	vtdt_wr(&tb, T_FEDATA - 4 + 4, 4, 0x1234, 0);
	vtdt_wr(&tb, T_FEADDR, 8, 0x00000001fee01004ull, 0);   /* FEADDR + FEUADDR */
	assert_int_equal(vtdt_rd(&tb, T_FEADDR, 4, 0), 0xfee01004u);
	assert_int_equal(vtdt_rd(&tb, T_FEUADDR, 4, 0), 1);
	assert_int_equal(vtdt_rd(&tb, T_FECTL, 8, 0), 0x80000000ull | (0x1234ull << 32));
	vtdt_fini(&tb);
}

static void test_gcmd(void **state)
{
	vtdt_t tb;
	uint64_t root;

	(void)state;
	bench(&tb, NULL);
	root = vtdt_page(&tb);
	/* RTADDR: bits 9:0 are reserved, TTM is kept */
	vtdt_wr(&tb, T_RTADDR, 8, root | T_TTM_SM | 0x3ff, 0);
	assert_int_equal(vtdt_rd(&tb, T_RTADDR, 8, 0), root | T_TTM_SM);
	vtdt_wr(&tb, T_GCMD, 4, T_GCMD_SRTP, 0);
	assert_int_equal(vtdt_rd(&tb, T_GSTS, 4, 0), T_GSTS_RTPS);
	vtdt_wr(&tb, T_GCMD, 4, T_GCMD_TE, 0);      /* SRTP is one-shot, TE follows the value */
	assert_int_equal(vtdt_rd(&tb, T_GSTS, 4, 0), T_GSTS_RTPS | T_GSTS_TES);
	vtdt_wr(&tb, T_GCMD, 4, T_GCMD_TE | T_GCMD_QIE, 0);
	assert_int_equal(vtdt_rd(&tb, T_GSTS, 4, 0), T_GSTS_RTPS | T_GSTS_TES | T_GSTS_QIES);
	vtdt_wr(&tb, T_GCMD, 4, T_GCMD_QIE, 0);
	assert_int_equal(vtdt_rd(&tb, T_GSTS, 4, 0), T_GSTS_RTPS | T_GSTS_QIES);
	vtdt_wr(&tb, T_GCMD, 4, 0, 0);
	assert_int_equal(vtdt_rd(&tb, T_GSTS, 4, 0), T_GSTS_RTPS);
	/* WBF without CAP.RWBF: nothing happens */
	vtdt_wr(&tb, T_GCMD, 4, T_GCMD_WBF, 1000);
	assert_int_equal(vtdt_rd(&tb, T_GSTS, 4, 1000), T_GSTS_RTPS);
	/* interrupt-remapping and fault-log commands are not advertised: ignored */
	vtdt_wr(&tb, T_GCMD, 4, (1u << 25) | (1u << 24) | (1u << 29) | (1u << 28) | (1u << 23), 0);
	assert_int_equal(vtdt_rd(&tb, T_GSTS, 4, 0), T_GSTS_RTPS);
	vtdt_fini(&tb);
}

static void test_gcmd_unsupported_qi_and_wbf(void **state)
{
	static const char *const noqi[] = { "vtd.qi=0", "vtd.smts=0", "vtd.dt=0", "vtd.prs=0",
					    "vtd.pds=0", "vtd.flts=0", "vtd.slts=0", "vtd.nest=0",
					    "vtd.pasid=0", "vtd.ers=0", "vtd.srs=0", "vtd.eafs=0",
					    "vtd.slads=0", "vtd.smpwcs=0", "vtd.rps=0",
					    "vtd.rprivs=0", "vtd.fl1gp=0", "vtd.rwbf=1", NULL };
	vtdt_t tb;

	(void)state;
	bench(&tb, noqi);
	vtdt_wr(&tb, T_GCMD, 4, T_GCMD_QIE, 0);
	assert_int_equal(vtdt_rd(&tb, T_GSTS, 4, 0) & T_GSTS_QIES, 0);
	/* WBF with RWBF: WBFS reads 1 for vtd.lat.wbf = 50 cycles */
	vtdt_wr(&tb, T_GCMD, 4, T_GCMD_WBF, 1000 * T_NS);
	assert_int_equal(vtdt_rd(&tb, T_GSTS, 4, 1000 * T_NS) & T_GSTS_WBFS, T_GSTS_WBFS);
	assert_int_equal(vtdt_rd(&tb, T_GSTS, 4, 1049 * T_NS) & T_GSTS_WBFS, T_GSTS_WBFS);
	assert_int_equal(vtdt_rd(&tb, T_GSTS, 4, 1050 * T_NS) & T_GSTS_WBFS, 0);
	vtdt_fini(&tb);
}

/* A legacy setup with one mapping, translated once so the caches hold it. */
static void legacy_warm(vtdt_t *tb)
{
	uint64_t slpt = 0;

	vtdt_enable(tb, false);
	vtdt_sl_map(tb, &slpt, 4, 0x1000, 0x700000, 12, T_SL_R, T_SL_R | T_SL_W);
	vtdt_legacy_ctx(tb, SID, vtdt_legacy_lo(slpt, 0, false), vtdt_legacy_hi(2, 7));
	assert_int_equal(vtdt_dma(tb, SID, 0x1000, R, 0).status, IOMMUSIM_XLATE_OK);
	assert_int_equal(vtdt_dma(tb, SID, 0x1000, R, 0).cost.mem_reads, 0);
}

static void test_ccmd(void **state)
{
	vtdt_t tb;
	iommusim_xlate_resp_t r;
	const uint64_t t0 = 5000 * T_NS;

	(void)state;
	bench(&tb, NULL);
	legacy_warm(&tb);
	/* global: ICC reads 1 until 100 cycles + 64 entries x 0.25 = 116 cycles later */
	vtdt_wr(&tb, T_CCMD, 8, (1ull << 63) | (1ull << 61), t0);
	assert_int_equal(vtdt_rd(&tb, T_CCMD, 8, t0) >> 59, 0x10 | (1 << 2));   /* ICC, CIRG */
	assert_int_equal(vtdt_rd(&tb, T_CCMD, 8, t0 + 115 * T_NS) >> 63, 1);
	assert_int_equal(vtdt_rd(&tb, T_CCMD, 8, t0 + 116 * T_NS) >> 59, (1 << 2) | 1); /* CAIG 1 */
	/* the context entry is read again, the IOTLB entry is still there */
	r = vtdt_dma(&tb, SID, 0x1000, R, t0);
	assert_int_equal(r.cost.mem_reads, 2);
	assert_true(r.cost.hits & IOMMUSIM_XS_IOTLB);

	/* device-selective, written as two halves: the command starts with the upper half */
	vtdt_wr(&tb, T_CCMD, 4, (uint64_t)SID << 16 | 7, t0 + 1000 * T_NS);
	vtdt_wr(&tb, T_CCMD + 4, 4, (1u << 31) | (3u << 29), t0 + 1000 * T_NS);
	assert_int_equal(vtdt_rd(&tb, T_CCMD, 8, t0 + 2000 * T_NS),
			 (3ull << 61) | (3ull << 59) | ((uint64_t)SID << 16) | 7);
	assert_int_equal(vtdt_dma(&tb, SID, 0x1000, R, t0).cost.mem_reads, 2);

	/* reserved granularity: not performed, CAIG 0 */
	vtdt_wr(&tb, T_CCMD, 8, 1ull << 63, t0 + 3000 * T_NS);
	assert_int_equal(vtdt_rd(&tb, T_CCMD, 8, t0 + 4000 * T_NS) >> 59 & 3, 0);
	assert_int_equal(vtdt_dma(&tb, SID, 0x1000, R, t0).cost.mem_reads, 0);

	/* with queued invalidation enabled the register is not used */
	vtdt_wr(&tb, T_GCMD, 4, T_GCMD_TE | T_GCMD_QIE, 0);
	vtdt_wr(&tb, T_CCMD, 8, (1ull << 63) | (1ull << 61), t0 + 5000 * T_NS);
	assert_int_equal(vtdt_rd(&tb, T_CCMD, 8, t0 + 6000 * T_NS) >> 59 & 3, 0);
	assert_int_equal(vtdt_dma(&tb, SID, 0x1000, R, t0).cost.mem_reads, 0);
	vtdt_fini(&tb);
}

static void test_iotlb_reg(void **state)
{
	vtdt_t tb;
	const uint64_t t0 = 5000 * T_NS;

	(void)state;
	bench(&tb, NULL);
	legacy_warm(&tb);
	/* page-selective for DID 7, 0x1000, AM 0 */
	vtdt_wr(&tb, T_IVA, 8, 0x1000, t0);
	assert_int_equal(vtdt_rd(&tb, T_IVA, 8, t0), 0x1000);
	vtdt_wr(&tb, T_IOTLB, 8, (1ull << 63) | (3ull << 60) | (7ull << 32), t0);
	/* IOTLB 256 + PWCs 2 x 32 entries scanned, twice for the IOTLB (SL and nested passes),
	 * once for the FL PWC (nested) and once for the SL PWC: 256*2 + 32 + 32 = 576 x 0.25
	 * = 144 cycles + 100 */
	assert_int_equal(vtdt_rd(&tb, T_IOTLB, 8, t0 + 243 * T_NS) >> 63, 1);
	assert_int_equal(vtdt_rd(&tb, T_IOTLB, 8, t0 + 244 * T_NS),
			 (3ull << 60) | (3ull << 57) | (7ull << 32));
	/* IH = 0: the paging-structure entries covering the page went too: a full walk */
	assert_int_equal(vtdt_dma(&tb, SID, 0x1000, R, t0 + 300 * T_NS).cost.mem_reads, 4);
	/* IH = 1: only the leaf; the PDE is still cached */
	vtdt_wr(&tb, T_IVA, 8, 0x1000 | (1u << 6), t0 + 400 * T_NS);
	vtdt_wr(&tb, T_IOTLB, 8, (1ull << 63) | (3ull << 60) | (7ull << 32), t0 + 400 * T_NS);
	assert_int_equal(vtdt_dma(&tb, SID, 0x1000, R, t0 + 1000 * T_NS).cost.mem_reads, 1);
	/* another DID: nothing dropped */
	vtdt_wr(&tb, T_IOTLB, 8, (1ull << 63) | (2ull << 60) | (8ull << 32), t0 + 1100 * T_NS);
	assert_int_equal(vtdt_rd(&tb, T_IOTLB, 8, t0 + 1900 * T_NS) >> 57 & 3, 2);
	assert_int_equal(vtdt_dma(&tb, SID, 0x1000, R, t0).cost.mem_reads, 0);
	/* AM above MAMV: not performed */
	vtdt_wr(&tb, T_IVA, 8, 19, t0 + 2000 * T_NS);
	vtdt_wr(&tb, T_IOTLB, 8, (1ull << 63) | (3ull << 60) | (7ull << 32), t0 + 2000 * T_NS);
	assert_int_equal(vtdt_rd(&tb, T_IOTLB, 8, t0 + 3000 * T_NS) >> 57 & 3, 0);
	assert_int_equal(vtdt_dma(&tb, SID, 0x1000, R, t0).cost.mem_reads, 0);
	/* global */
	vtdt_wr(&tb, T_IOTLB, 8, (1ull << 63) | (1ull << 60), t0 + 4000 * T_NS);
	assert_int_equal(vtdt_rd(&tb, T_IOTLB, 8, t0 + 5000 * T_NS) >> 57 & 3, 1);
	assert_int_equal(vtdt_dma(&tb, SID, 0x1000, R, t0).cost.mem_reads, 4);
	vtdt_fini(&tb);
}

/* Without CAP.PSI a page-selective request is performed domain-selective. */
static void test_iotlb_reg_no_psi(void **state)
{
	static const char *const p[] = { "vtd.psi=0", NULL };
	vtdt_t tb;

	(void)state;
	bench(&tb, p);
	legacy_warm(&tb);
	vtdt_wr(&tb, T_IVA, 8, 0x9000, 0);
	vtdt_wr(&tb, T_IOTLB, 8, (1ull << 63) | (3ull << 60) | (7ull << 32), 0);
	assert_int_equal(vtdt_rd(&tb, T_IOTLB, 8, 10000 * T_NS) >> 57 & 3, 2);
	assert_int_equal(vtdt_dma(&tb, SID, 0x1000, R, 0).cost.mem_reads, 4);
	vtdt_fini(&tb);
}

/* CAP.ESRTPS: SRTP also invalidates every cache. */
static void test_esrtps(void **state)
{
	static const char *const p[] = { "vtd.esrtps=1", NULL };
	vtdt_t tb;

	(void)state;
	bench(&tb, NULL);
	legacy_warm(&tb);
	vtdt_wr(&tb, T_GCMD, 4, T_GCMD_TE | T_GCMD_SRTP, 0);
	assert_int_equal(vtdt_dma(&tb, SID, 0x1000, R, 0).cost.mem_reads, 0);
	vtdt_fini(&tb);

	bench(&tb, p);
	legacy_warm(&tb);
	vtdt_wr(&tb, T_GCMD, 4, T_GCMD_TE | T_GCMD_SRTP, 0);
	assert_int_equal(vtdt_dma(&tb, SID, 0x1000, R, 0).cost.mem_reads, 6);
	vtdt_fini(&tb);
}

static void test_reset_op(void **state)
{
	vtdt_t tb;

	(void)state;
	bench(&tb, NULL);
	legacy_warm(&tb);
	vtdt_wr(&tb, T_FECTL, 4, 0, 0);
	vtdt_wr(&tb, T_FEDATA, 4, 0x55, 0);
	assert_int_equal(vtdt_dma(&tb, 0x0300, 0x1000, R, 0).status, IOMMUSIM_XLATE_FAULT);
	tb.ops->reset(tb.m, 0);
	assert_int_equal(vtdt_rd(&tb, T_GSTS, 4, 0), 0);
	assert_int_equal(vtdt_rd(&tb, T_RTADDR, 8, 0), 0);
	assert_int_equal(vtdt_rd(&tb, T_FSTS, 4, 0), 0);
	assert_int_equal(vtdt_rd(&tb, T_FECTL, 4, 0), 0x80000000u);
	assert_int_equal(vtdt_rd(&tb, T_FEDATA, 4, 0), 0);
	assert_int_equal(vtdt_rd(&tb, T_FRCD + 8, 8, 0), 0);
	/* caches are empty: after re-enabling, the walk is done again */
	vtdt_wr(&tb, T_RTADDR, 8, tb.root, 0);
	vtdt_wr(&tb, T_GCMD, 4, T_GCMD_SRTP, 0);
	vtdt_wr(&tb, T_GCMD, 4, T_GCMD_TE, 0);
	assert_int_equal(vtdt_dma(&tb, SID, 0x1000, R, 0).cost.mem_reads, 6);
	vtdt_fini(&tb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reset_values),
		cmocka_unit_test(test_caps_from_params),
		cmocka_unit_test(test_create_errors),
		cmocka_unit_test(test_access_checks),
		cmocka_unit_test(test_gcmd),
		cmocka_unit_test(test_gcmd_unsupported_qi_and_wbf),
		cmocka_unit_test(test_ccmd),
		cmocka_unit_test(test_iotlb_reg),
		cmocka_unit_test(test_iotlb_reg_no_psi),
		cmocka_unit_test(test_esrtps),
		cmocka_unit_test(test_reset_op),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
