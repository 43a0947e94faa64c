/* SPDX-License-Identifier: MIT */
/*
 * Primary fault logging and the fault event (spec 7.2.1, 7.3, 10.4.9-10.4.14): records
 * written at the hardware index, FRI, PPF, overflow (PFO), clearing F, the request type
 * fields, the fault event MSI with FECTL.IM/IP, and FSTS bits set by the queues.
 */
#include "tests/support/test.h"

#include <string.h>

#include "models/vtd/vtd.h"
#include "tests/support/vtd_tables.h"

#define R IOMMUSIM_ACC_READ
#define W IOMMUSIM_ACC_WRITE

static const char *const nfr4[] = { "vtd.nfr=4", NULL };

/* A legacy bench where every bus has no root entry: any request faults LRT.2 (0x01). */
static void bench(vtdt_t *tb, const char *const *params)
{
	assert_int_equal(vtdt_init(tb, params, 100, 50, NULL), 0);
	vtdt_enable(tb, false);
}

static void fault_from(vtdt_t *tb, uint16_t sid, unsigned access, uint64_t t)
{
	iommusim_xlate_resp_t r = vtdt_dma(tb, sid, 0x1000ull * sid, access, t);

	assert_int_equal(r.status, IOMMUSIM_XLATE_FAULT);
	assert_int_equal(r.fault_reason, 0x01);
}

static uint32_t fsts(vtdt_t *tb)
{
	return (uint32_t)vtdt_rd(tb, T_FSTS, 4, 0);
}

static void clear_f(vtdt_t *tb, unsigned n)
{
	vtdt_wr(tb, T_FRCD + 16ull * n + 12, 4, 1u << 31, 0);
}

static void test_records_and_overflow(void **state)
{
	vtdt_t tb;
	uint64_t lo, hi;

	(void)state;
	bench(&tb, nfr4);
	for (uint16_t s = 1; s <= 4; s++)
		fault_from(&tb, s, s == 2 ? W : R, 0);
	for (unsigned n = 0; n < 4; n++) {
		vtdt_frcd(&tb, n, &lo, &hi);
		assert_int_equal(lo, 0x1000ull * (n + 1));
		assert_int_equal(hi & 0xffff, n + 1);
		assert_int_equal((hi >> 32) & 0xff, 0x01);
		assert_int_equal(hi >> 63, 1);
		assert_int_equal((hi >> 62) & 1, n == 1 ? 0 : 1);   /* T1: write 0, read 1 */
	}
	assert_int_equal(fsts(&tb), 2);                        /* PPF, FRI 0 */
	/* a fifth fault finds record 0 still full: dropped, PFO */
	fault_from(&tb, 5, R, 0);
	assert_int_equal(fsts(&tb), 2 | 1);
	assert_int_equal(vtdt_stat(&tb, "fault.overflow"), 1);
	assert_int_equal(vtdt_stat(&tb, "fault.recorded"), 4);
	vtdt_frcd(&tb, 0, &lo, &hi);
	assert_int_equal(hi & 0xffff, 1);

	/* clearing F of record 0 is not enough while PFO is set: spec 7.2.1 drops every
	 * fault until software clears PFO */
	clear_f(&tb, 0);
	vtdt_frcd(&tb, 0, &lo, &hi);
	assert_int_equal(hi >> 63, 0);
	fault_from(&tb, 6, R, 0);
	vtdt_frcd(&tb, 0, &lo, &hi);
	assert_int_equal(hi >> 63, 0);
	assert_int_equal(vtdt_stat(&tb, "fault.overflow"), 2);
	/* PFO cleared (RW1C): the next fault lands in record 0 (the index wrapped to 0) */
	vtdt_wr(&tb, T_FSTS, 4, 1, 0);
	assert_int_equal(fsts(&tb) & 1, 0);
	fault_from(&tb, 6, R, 0);
	vtdt_frcd(&tb, 0, &lo, &hi);
	assert_int_equal(hi & 0xffff, 6);
	assert_int_equal(hi >> 63, 1);
	/* the next index is 1, still full: dropped, PFO set again, nothing written */
	fault_from(&tb, 7, R, 0);
	vtdt_frcd(&tb, 1, &lo, &hi);
	assert_int_equal(hi & 0xffff, 2);
	assert_int_equal(fsts(&tb) & 1, 1);

	/* software services everything: F of all, then PFO (RW1C) */
	for (unsigned n = 0; n < 4; n++)
		clear_f(&tb, n);
	assert_int_equal(fsts(&tb), 1);                        /* PPF follows the F bits */
	vtdt_wr(&tb, T_FSTS, 4, 1, 0);
	assert_int_equal(fsts(&tb), 0);
	/* the next record goes to index 1; FRI points there */
	fault_from(&tb, 8, R, 0);
	assert_int_equal(fsts(&tb), 2 | (1u << 8));
	vtdt_frcd(&tb, 1, &lo, &hi);
	assert_int_equal(hi & 0xffff, 8);
	/* writes to the low qword and to other high bits change nothing */
	vtdt_wr(&tb, T_FRCD + 16, 8, ~0ull, 0);
	vtdt_wr(&tb, T_FRCD + 16 + 8, 8, 0x7fffffffffffffffull, 0);
	vtdt_frcd(&tb, 1, &lo, &hi);
	assert_int_equal(lo, 0x8000);
	assert_int_equal(hi >> 63, 1);
	/* 64-bit clear of F works too */
	vtdt_wr(&tb, T_FRCD + 16 + 8, 8, 1ull << 63, 0);
	assert_int_equal(fsts(&tb) & 2, 0);
	vtdt_fini(&tb);
}

static void test_interrupt(void **state)
{
	vtdt_t tb;

	(void)state;
	bench(&tb, nfr4);
	vtdt_wr(&tb, T_FEDATA, 4, 0x4021, 0);
	vtdt_wr(&tb, T_FEADDR, 4, 0xfee00000, 0);
	vtdt_wr(&tb, T_FEUADDR, 4, 0x2, 0);
	/* masked (reset value): IP set, no message */
	fault_from(&tb, 1, R, 100 * T_NS);
	assert_int_equal(tb.nmsi, 0);
	assert_int_equal(vtdt_rd(&tb, T_FECTL, 4, 0), 0xc0000000u);
	/* unmasking sends the held message and clears IP */
	vtdt_wr(&tb, T_FECTL, 4, 0, 500 * T_NS);
	assert_int_equal(tb.nmsi, 1);
	assert_int_equal(tb.msi[0].addr, 0x2fee00000ull);
	assert_int_equal(tb.msi[0].data, 0x4021);
	assert_int_equal(tb.msi[0].t, 500 * T_NS);
	assert_int_equal(vtdt_rd(&tb, T_FECTL, 4, 0), 0);
	/* PPF already set: a second record is not a new interrupt condition */
	fault_from(&tb, 2, R, 600 * T_NS);
	assert_int_equal(tb.nmsi, 1);
	/* service all, then a new fault interrupts at once, at its record time */
	clear_f(&tb, 0);
	clear_f(&tb, 1);
	fault_from(&tb, 3, R, 1000 * T_NS);
	assert_int_equal(tb.nmsi, 2);
	/* pipeline 2 + context-cache lookup 2 + root read 100 + step 2, then the record (20) */
	assert_int_equal(tb.msi[1].t, 1000 * T_NS + 126 * T_NS);
	assert_int_equal(vtdt_stat(&tb, "fault.irq"), 2);

	/* masked again; IP clears without a message when software clears the status */
	clear_f(&tb, 2);
	vtdt_wr(&tb, T_FECTL, 4, 1u << 31, 0);
	fault_from(&tb, 4, R, 2000 * T_NS);
	assert_int_equal(vtdt_rd(&tb, T_FECTL, 4, 0), 0xc0000000u);
	clear_f(&tb, 3);
	assert_int_equal(vtdt_rd(&tb, T_FECTL, 4, 0), 0x80000000u);
	vtdt_wr(&tb, T_FECTL, 4, 0, 0);
	assert_int_equal(tb.nmsi, 2);
	vtdt_fini(&tb);
}

/* FSTS bits the queues set (IQE, ICE, ITE, PRO) use the same interrupt rule. */
static void test_queue_status_bits(void **state)
{
	vtdt_t tb;
	struct vtd *v;

	(void)state;
	bench(&tb, NULL);
	v = tb.m;
	vtdt_wr(&tb, T_FECTL, 4, 0, 0);
	vtd_fsts_set(v, 1u << 4, 10);                  /* IQE */
	assert_int_equal(tb.nmsi, 1);
	assert_int_equal(fsts(&tb), 1u << 4);
	vtd_fsts_set(v, 1u << 6, 20);                  /* ITE while IQE is set: no new event */
	assert_int_equal(tb.nmsi, 1);
	vtdt_wr(&tb, T_FSTS, 4, (1u << 4) | (1u << 6), 0);
	assert_int_equal(fsts(&tb), 0);
	vtd_fsts_set(v, 1u << 7, 30);                  /* PRO */
	assert_int_equal(tb.nmsi, 2);
	/* a fault record while PRO is pending is not a new condition either */
	fault_from(&tb, 1, R, 40);
	assert_int_equal(tb.nmsi, 2);
	assert_int_equal(fsts(&tb), (1u << 7) | 2);
	vtdt_fini(&tb);
}

/* Request type and address type fields for ATS and translated requests. */
static void test_type_fields(void **state)
{
	vtdt_t tb;
	uint64_t lo, hi;
	iommusim_xlate_resp_t r;

	(void)state;
	bench(&tb, NULL);
	r = vtdt_xlate(&tb, 1, false, 0, 0x3000, R, IOMMUSIM_REQ_ATS_TRANSLATE, 0);
	assert_int_equal(r.fault_reason, 0x01);
	r = vtdt_xlate(&tb, 2, false, 0, 0x4000, W, IOMMUSIM_REQ_TRANSLATED, 0);
	r = vtdt_xlate(&tb, 3, false, 0, 0x5000, R | W, IOMMUSIM_REQ_UNTRANSLATED, 0);
	vtdt_frcd(&tb, 0, &lo, &hi);
	assert_int_equal((hi >> 60) & 3, 1);          /* AT: translation request */
	assert_int_equal((hi >> 28) & 1, 1);          /* T2 */
	assert_int_equal((hi >> 62) & 1, 0);
	vtdt_frcd(&tb, 1, &lo, &hi);
	assert_int_equal((hi >> 60) & 3, 2);          /* AT: translated */
	assert_int_equal((hi >> 28) & 1, 0);
	assert_int_equal((hi >> 62) & 1, 0);          /* write */
	vtdt_frcd(&tb, 2, &lo, &hi);
	assert_int_equal((hi >> 60) & 3, 0);
	assert_int_equal((hi >> 28) & 1, 1);          /* atomic: T2 = T1 = 1 */
	assert_int_equal((hi >> 62) & 1, 1);
	/* 32-bit reads of a record */
	assert_int_equal(vtdt_rd(&tb, T_FRCD + 32 + 12, 4, 0), hi >> 32);
	assert_int_equal(vtdt_rd(&tb, T_FRCD + 32 + 8, 4, 0), hi & 0xffffffffu);
	assert_int_equal(vtdt_rd(&tb, T_FRCD + 32, 4, 0), 0x5000);
	vtdt_fini(&tb);
}

/* Malformed requests are refused without a record. */
static void test_bad_requests(void **state)
{
	vtdt_t tb;
	iommusim_xlate_req_t req = { .rid = 1, .iova = 0xff0, .size = 0x20, .access = R };
	iommusim_xlate_resp_t r;

	(void)state;
	bench(&tb, NULL);
	tb.ops->translate(tb.m, &req, &r);           /* crosses a 4 KiB page */
	assert_int_equal(r.status, IOMMUSIM_XLATE_FAULT);
	assert_int_equal(r.fault_reason, 0);
	req.iova = 0;
	req.size = 0;
	tb.ops->translate(tb.m, &req, &r);
	assert_int_equal(r.status, IOMMUSIM_XLATE_FAULT);
	req.size = 4;
	req.type = (iommusim_req_type_t)7;
	tb.ops->translate(tb.m, &req, &r);
	assert_int_equal(r.status, IOMMUSIM_XLATE_FAULT);
	assert_int_equal(fsts(&tb), 0);
	vtdt_fini(&tb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_records_and_overflow),
		cmocka_unit_test(test_interrupt),
		cmocka_unit_test(test_queue_status_bits),
		cmocka_unit_test(test_type_fields),
		cmocka_unit_test(test_bad_requests),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
