/* SPDX-License-Identifier: MIT */
#include "tests/support/test.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "iommusim/mem.h"

#define TOP52 (1ull << 52)

/* Deterministic generator for the randomised tests (xorshift64*, fixed seeds). */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1Dull;
}

static iommusim_mem_t *mk(unsigned bits)
{
	iommusim_mem_t *m = iommusim_mem_create(bits);
	assert_non_null(m);
	return m;
}

/* ---- create ------------------------------------------------------------------------- */

static void create_rejects_bad_addr_bits(void **state)
{
	(void)state;
	static const unsigned bad[] = { 0, 1, 11, 53, 64, 65, 1000 };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_null(iommusim_mem_create(bad[i]));
	for (unsigned b = 12; b <= 52; b++) {
		iommusim_mem_t *m = mk(b);
		assert_int_equal(iommusim_mem_addr_bits(m), b);
		assert_int_equal(iommusim_mem_pages(m), 0);
		iommusim_mem_destroy(m);
	}
	iommusim_mem_destroy(NULL);
}

static void null_arguments_are_einval(void **state)
{
	(void)state;
	iommusim_mem_t *m = mk(40);
	uint8_t b[8];
	uint16_t v16;
	uint32_t v32;
	uint64_t v64;
	assert_int_equal(iommusim_mem_read(NULL, 0, b, 8), -EINVAL);
	assert_int_equal(iommusim_mem_write(NULL, 0, b, 8), -EINVAL);
	assert_int_equal(iommusim_mem_fill(NULL, 0, 1, 8), -EINVAL);
	assert_int_equal(iommusim_mem_read(m, 0, NULL, 8), -EINVAL);
	assert_int_equal(iommusim_mem_write(m, 0, NULL, 8), -EINVAL);
	assert_int_equal(iommusim_mem_read8(m, 0, NULL), -EINVAL);
	assert_int_equal(iommusim_mem_read16(m, 0, NULL), -EINVAL);
	assert_int_equal(iommusim_mem_read32(m, 0, NULL), -EINVAL);
	assert_int_equal(iommusim_mem_read64(m, 0, NULL), -EINVAL);
	assert_int_equal(iommusim_mem_read16(NULL, 0, &v16), -EINVAL);
	assert_int_equal(iommusim_mem_read32(NULL, 0, &v32), -EINVAL);
	assert_int_equal(iommusim_mem_read64(NULL, 0, &v64), -EINVAL);
	assert_int_equal(iommusim_mem_write8(NULL, 0, 1), -EINVAL);
	assert_int_equal(iommusim_mem_write16(NULL, 0, 1), -EINVAL);
	assert_int_equal(iommusim_mem_write32(NULL, 0, 1), -EINVAL);
	assert_int_equal(iommusim_mem_write64(NULL, 0, 1), -EINVAL);
	assert_int_equal(iommusim_mem_addr_bits(NULL), 0);
	assert_int_equal(iommusim_mem_pages(NULL), 0);
	assert_int_equal(iommusim_mem_pages(m), 0);
	iommusim_mem_destroy(m);
}

/* ---- zeros without allocation ----------------------------------------------------------- */

static void untouched_reads_zero_without_allocating(void **state)
{
	(void)state;
	iommusim_mem_t *m = mk(52);
	static const uint64_t addrs[] = { 0, 0xfff, 0x1000, 0x123456789, TOP52 - 8,
					  0xfedcba987000ull, 0x7ffffffff8ull };
	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		uint8_t v8 = 0xaa;
		uint16_t v16 = 0xaaaa;
		uint32_t v32 = 0xaaaaaaaa;
		uint64_t v64 = ~0ull;
		assert_int_equal(iommusim_mem_read8(m, addrs[i], &v8), 0);
		assert_int_equal(iommusim_mem_read16(m, addrs[i], &v16), 0);
		assert_int_equal(iommusim_mem_read32(m, addrs[i], &v32), 0);
		assert_int_equal(iommusim_mem_read64(m, addrs[i], &v64), 0);
		assert_int_equal(v8, 0);
		assert_int_equal(v16, 0);
		assert_int_equal(v32, 0);
		assert_int_equal(v64, 0);
	}
	/* A buffer spanning several pages and a missing subtree. */
	size_t len = 5 * IOMMUSIM_PAGE_SIZE + 123;
	uint8_t *buf = malloc(len);
	assert_non_null(buf);
	memset(buf, 0x5a, len);
	assert_int_equal(iommusim_mem_read(m, 0x3ffffffe00ull, buf, len), 0);
	for (size_t i = 0; i < len; i++)
		assert_int_equal(buf[i], 0);
	free(buf);
	assert_int_equal(iommusim_mem_pages(m), 0);

	/* Touch one page; its neighbours still read zero and stay unallocated. */
	assert_int_equal(iommusim_mem_write8(m, 0x5000, 0x77), 0);
	assert_int_equal(iommusim_mem_pages(m), 1);
	uint64_t v;
	assert_int_equal(iommusim_mem_read64(m, 0x4ff8, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(iommusim_mem_read64(m, 0x6000, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(iommusim_mem_read64(m, 0x4ffc, &v), 0);   /* crosses into 0x5000 */
	assert_int_equal(v, 0x77ull << 32);
	assert_int_equal(iommusim_mem_pages(m), 1);
	iommusim_mem_destroy(m);
}

static void page_counting(void **state)
{
	(void)state;
	iommusim_mem_t *m = mk(48);
	uint8_t b[16] = { 1 };
	assert_int_equal(iommusim_mem_write(m, 0x10000, b, 1), 0);
	assert_int_equal(iommusim_mem_pages(m), 1);
	assert_int_equal(iommusim_mem_write(m, 0x10008, b, 8), 0);   /* same page */
	assert_int_equal(iommusim_mem_pages(m), 1);
	assert_int_equal(iommusim_mem_write(m, 0x20ffc, b, 8), 0);   /* two new pages */
	assert_int_equal(iommusim_mem_pages(m), 3);
	assert_int_equal(iommusim_mem_write64(m, 0x21ffc, 1), 0);    /* 0x21000 old, 0x22000 new */
	assert_int_equal(iommusim_mem_pages(m), 4);
	assert_int_equal(iommusim_mem_write16(m, 0xfffffffffffeull, 1), 0);
	assert_int_equal(iommusim_mem_pages(m), 5);
	iommusim_mem_destroy(m);
}

/* ---- round trip ------------------------------------------------------------------------- */

static void round_trip_every_size_and_alignment(void **state)
{
	(void)state;
	iommusim_mem_t *m = mk(52);
	/* A reference image of four pages at base; each case writes a pattern then the whole
	 * image is compared, so stray writes outside the range are caught too. */
	const uint64_t base = 0xabcde000ull;
	const size_t span = 4 * IOMMUSIM_PAGE_SIZE;
	uint8_t *ref = calloc(1, span), *got = malloc(span), *pat = malloc(span);
	assert_non_null(ref);
	assert_non_null(got);
	assert_non_null(pat);
	static const size_t sizes[] = { 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 64, 100, 4095,
					4096, 4097, 8192, 8195 };
	static const size_t offs[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 63, 2048, 4088, 4089, 4092,
				       4094, 4095, 4096, 4097 };
	uint8_t tag = 1;
	for (size_t si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
		for (size_t oi = 0; oi < sizeof(offs) / sizeof(offs[0]); oi++) {
			size_t len = sizes[si], off = offs[oi];
			if (off + len > span)
				continue;
			for (size_t i = 0; i < len; i++)
				pat[i] = (uint8_t)(tag * 31u + i * 7u + 1u);
			tag++;
			assert_int_equal(iommusim_mem_write(m, base + off, pat, len), 0);
			memcpy(ref + off, pat, len);
			memset(got, 0xee, len);
			assert_int_equal(iommusim_mem_read(m, base + off, got, len), 0);
			assert_memory_equal(got, pat, len);
			assert_int_equal(iommusim_mem_read(m, base, got, span), 0);
			assert_memory_equal(got, ref, span);
		}
	}
	free(ref);
	free(got);
	free(pat);
	iommusim_mem_destroy(m);
}

static void scalars_round_trip_at_every_offset(void **state)
{
	(void)state;
	iommusim_mem_t *m = mk(52);
	const uint64_t base = 0x7000000000ull;
	/* Offsets around a page boundary, so every scalar width crosses it at every split. */
	for (uint64_t pa = base + 0xff0; pa < base + 0x1010; pa++) {
		uint64_t v64;
		uint32_t v32;
		uint16_t v16;
		uint8_t v8;
		uint64_t x = 0x8877665544332211ull ^ (pa * 0x0101010101010101ull);
		assert_int_equal(iommusim_mem_write64(m, pa, x), 0);
		assert_int_equal(iommusim_mem_read64(m, pa, &v64), 0);
		assert_int_equal(v64, x);
		assert_int_equal(iommusim_mem_write32(m, pa, (uint32_t)~x), 0);
		assert_int_equal(iommusim_mem_read32(m, pa, &v32), 0);
		assert_int_equal(v32, (uint32_t)~x);
		/* the upper half written by write64 is untouched by write32 */
		assert_int_equal(iommusim_mem_read32(m, pa + 4, &v32), 0);
		assert_int_equal(v32, (uint32_t)(x >> 32));
		assert_int_equal(iommusim_mem_write16(m, pa, (uint16_t)(x >> 8)), 0);
		assert_int_equal(iommusim_mem_read16(m, pa, &v16), 0);
		assert_int_equal(v16, (uint16_t)(x >> 8));
		assert_int_equal(iommusim_mem_write8(m, pa, (uint8_t)(x >> 3)), 0);
		assert_int_equal(iommusim_mem_read8(m, pa, &v8), 0);
		assert_int_equal(v8, (uint8_t)(x >> 3));
	}
	iommusim_mem_destroy(m);
}

/* ---- byte order --------------------------------------------------------------------------- */

static void scalars_are_little_endian(void **state)
{
	(void)state;
	iommusim_mem_t *m = mk(52);
	/* within a page, and split across a page boundary at every position */
	static const uint64_t where[] = { 0x1000, 0x1ff9, 0x1ffa, 0x1ffb, 0x1ffc, 0x1ffd, 0x1ffe,
					  0x1fff };
	for (size_t w = 0; w < sizeof(where) / sizeof(where[0]); w++) {
		uint64_t pa = where[w];
		uint8_t b[8];
		assert_int_equal(iommusim_mem_write64(m, pa, 0x0807060504030201ull), 0);
		assert_int_equal(iommusim_mem_read(m, pa, b, 8), 0);
		for (unsigned i = 0; i < 8; i++)
			assert_int_equal(b[i], i + 1);
		assert_int_equal(iommusim_mem_write32(m, pa, 0xa4a3a2a1u), 0);
		assert_int_equal(iommusim_mem_read(m, pa, b, 8), 0);
		static const uint8_t e32[8] = { 0xa1, 0xa2, 0xa3, 0xa4, 5, 6, 7, 8 };
		assert_memory_equal(b, e32, 8);
		assert_int_equal(iommusim_mem_write16(m, pa + 1, 0xc2c1u), 0);
		assert_int_equal(iommusim_mem_read(m, pa, b, 8), 0);
		static const uint8_t e16[8] = { 0xa1, 0xc1, 0xc2, 0xa4, 5, 6, 7, 8 };
		assert_memory_equal(b, e16, 8);

		/* bytes in, scalars out */
		static const uint8_t in[8] = { 0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01 };
		assert_int_equal(iommusim_mem_write(m, pa, in, 8), 0);
		uint64_t v64;
		uint32_t v32;
		uint16_t v16;
		assert_int_equal(iommusim_mem_read64(m, pa, &v64), 0);
		assert_int_equal(v64, 0x0123456789abcdefull);
		assert_int_equal(iommusim_mem_read32(m, pa, &v32), 0);
		assert_int_equal(v32, 0x89abcdefu);
		assert_int_equal(iommusim_mem_read32(m, pa + 4, &v32), 0);
		assert_int_equal(v32, 0x01234567u);
		assert_int_equal(iommusim_mem_read16(m, pa + 2, &v16), 0);
		assert_int_equal(v16, 0x89abu);
	}
	iommusim_mem_destroy(m);
}

/* ---- limits ------------------------------------------------------------------------------- */

static void top_of_52_bit_space(void **state)
{
	(void)state;
	iommusim_mem_t *m = mk(52);
	uint8_t v8;
	uint64_t v64;
	assert_int_equal(iommusim_mem_write8(m, TOP52 - 1, 0x5c), 0);
	assert_int_equal(iommusim_mem_read8(m, TOP52 - 1, &v8), 0);
	assert_int_equal(v8, 0x5c);
	assert_int_equal(iommusim_mem_write64(m, TOP52 - 8, 0x1122334455667788ull), 0);
	assert_int_equal(iommusim_mem_read64(m, TOP52 - 8, &v64), 0);
	assert_int_equal(v64, 0x1122334455667788ull);
	assert_int_equal(iommusim_mem_pages(m), 1);

	/* one past the end */
	assert_int_equal(iommusim_mem_write8(m, TOP52, 1), -EFAULT);
	assert_int_equal(iommusim_mem_read8(m, TOP52, &v8), -EFAULT);
	assert_int_equal(iommusim_mem_read64(m, TOP52, &v64), -EFAULT);
	assert_int_equal(iommusim_mem_fill(m, TOP52, 1, 1), -EFAULT);

	/* partial: starts inside, ends outside -- nothing may be written */
	for (uint64_t back = 1; back < 8; back++) {
		assert_int_equal(iommusim_mem_write64(m, TOP52 - back, ~0ull), -EFAULT);
		assert_int_equal(iommusim_mem_write32(m, TOP52 - (back & 3 ? back & 3 : 1), ~0u),
				 -EFAULT);
		assert_int_equal(iommusim_mem_read64(m, TOP52 - back, &v64), -EFAULT);
	}
	uint8_t big[64];
	memset(big, 0xff, sizeof(big));
	assert_int_equal(iommusim_mem_write(m, TOP52 - 32, big, sizeof(big)), -EFAULT);
	assert_int_equal(iommusim_mem_fill(m, TOP52 - 32, 0xff, 64), -EFAULT);
	assert_int_equal(iommusim_mem_fill(m, TOP52 - 32, 0, 64), -EFAULT);
	assert_int_equal(iommusim_mem_read64(m, TOP52 - 8, &v64), 0);
	assert_int_equal(v64, 0x1122334455667788ull);
	assert_int_equal(iommusim_mem_read64(m, TOP52 - 16, &v64), 0);
	assert_int_equal(v64, 0);

	/* a failed write spanning untouched pages allocates nothing */
	uint64_t pages = iommusim_mem_pages(m);
	uint8_t *huge = calloc(1, 0x3000);
	assert_non_null(huge);
	memset(huge, 0xab, 0x3000);
	assert_int_equal(iommusim_mem_write(m, TOP52 - 0x2800, huge, 0x3000), -EFAULT);
	assert_int_equal(iommusim_mem_pages(m), pages);
	assert_int_equal(iommusim_mem_read64(m, TOP52 - 0x2800, &v64), 0);
	assert_int_equal(v64, 0);
	free(huge);
	iommusim_mem_destroy(m);
}

static void other_address_widths(void **state)
{
	(void)state;
	static const unsigned widths[] = { 12, 13, 20, 32, 39, 40, 41, 48, 51 };
	for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
		unsigned bits = widths[w];
		uint64_t top = 1ull << bits;
		iommusim_mem_t *m = mk(bits);
		uint8_t v8;
		uint64_t v64;
		assert_int_equal(iommusim_mem_write8(m, top - 1, 0x42), 0);
		assert_int_equal(iommusim_mem_read8(m, top - 1, &v8), 0);
		assert_int_equal(v8, 0x42);
		assert_int_equal(iommusim_mem_write8(m, top, 0x42), -EFAULT);
		assert_int_equal(iommusim_mem_read8(m, top, &v8), -EFAULT);
		assert_int_equal(iommusim_mem_write64(m, top - 4, 0), -EFAULT);
		assert_int_equal(iommusim_mem_read64(m, top - 4, &v64), -EFAULT);
		assert_int_equal(iommusim_mem_write64(m, top - 8, 0x0102030405060708ull), 0);
		assert_int_equal(iommusim_mem_read64(m, top - 8, &v64), 0);
		assert_int_equal(v64, 0x0102030405060708ull);
		/* an address valid at 52 bits is not valid here */
		assert_int_equal(iommusim_mem_write8(m, 1ull << 51 | 0x10, 1), -EFAULT);
		assert_int_equal(iommusim_mem_read8(m, top + IOMMUSIM_PAGE_SIZE, &v8), -EFAULT);
		assert_int_equal(iommusim_mem_pages(m), 1);
		/* nothing written near the top aliased onto address 0 */
		assert_int_equal(iommusim_mem_read8(m, 0, &v8), 0);
		assert_int_equal(v8, 0);
		iommusim_mem_destroy(m);
	}
}

static void overflowing_ranges_fault(void **state)
{
	(void)state;
	iommusim_mem_t *m = mk(52);
	uint8_t b[16] = { 0 };
	uint64_t v64;
	assert_int_equal(iommusim_mem_read(m, UINT64_MAX - 3, b, 8), -EFAULT);
	assert_int_equal(iommusim_mem_write(m, UINT64_MAX - 3, b, 8), -EFAULT);
	assert_int_equal(iommusim_mem_read64(m, UINT64_MAX, &v64), -EFAULT);
	assert_int_equal(iommusim_mem_write64(m, UINT64_MAX - 7, 1), -EFAULT);
	assert_int_equal(iommusim_mem_write8(m, UINT64_MAX, 1), -EFAULT);
	/* pa + len wraps to a small in-range value */
	assert_int_equal(iommusim_mem_read(m, 0x1000, b, SIZE_MAX - 0xfff + 0x10), -EFAULT);
	assert_int_equal(iommusim_mem_fill(m, 0x1000, 1, SIZE_MAX), -EFAULT);
	assert_int_equal(iommusim_mem_fill(m, 0x1000, 0, SIZE_MAX), -EFAULT);
	assert_int_equal(iommusim_mem_fill(m, 0, 7, (size_t)TOP52 + 1), -EFAULT);
	assert_int_equal(iommusim_mem_write(m, 0x1000, b, SIZE_MAX), -EFAULT);
	assert_int_equal(iommusim_mem_pages(m), 0);
	iommusim_mem_destroy(m);
}

static void zero_length_is_a_no_op(void **state)
{
	(void)state;
	iommusim_mem_t *m = mk(32);
	uint8_t b = 0x11;
	static const uint64_t where[] = { 0, 0x1234, (1ull << 32) - 1, 1ull << 32, UINT64_MAX };
	for (size_t i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		assert_int_equal(iommusim_mem_read(m, where[i], &b, 0), 0);
		assert_int_equal(iommusim_mem_write(m, where[i], &b, 0), 0);
		assert_int_equal(iommusim_mem_fill(m, where[i], 0xff, 0), 0);
		assert_int_equal(iommusim_mem_read(m, where[i], NULL, 0), 0);
		assert_int_equal(iommusim_mem_write(m, where[i], NULL, 0), 0);
	}
	assert_int_equal(b, 0x11);
	assert_int_equal(iommusim_mem_pages(m), 0);
	iommusim_mem_destroy(m);
}

/* ---- fill --------------------------------------------------------------------------------- */

static void fill_sets_exactly_the_range(void **state)
{
	(void)state;
	iommusim_mem_t *m = mk(52);
	const uint64_t base = 0x40000000ull;
	uint8_t *got = malloc(5 * IOMMUSIM_PAGE_SIZE);
	assert_non_null(got);
	/* 0x10 bytes before a page boundary through 3 pages and a bit */
	assert_int_equal(iommusim_mem_fill(m, base + 0xff0, 0xa5, 0x3020), 0);
	assert_int_equal(iommusim_mem_pages(m), 5);
	assert_int_equal(iommusim_mem_read(m, base, got, 5 * IOMMUSIM_PAGE_SIZE), 0);
	for (uint64_t i = 0; i < 5 * IOMMUSIM_PAGE_SIZE; i++) {
		bool in = i >= 0xff0 && i < 0xff0 + 0x3020;
		assert_int_equal(got[i], in ? 0xa5 : 0);
	}
	/* zero part of it back */
	assert_int_equal(iommusim_mem_fill(m, base + 0x1800, 0, 0x1000), 0);
	assert_int_equal(iommusim_mem_read(m, base, got, 5 * IOMMUSIM_PAGE_SIZE), 0);
	for (uint64_t i = 0; i < 5 * IOMMUSIM_PAGE_SIZE; i++) {
		bool in = i >= 0xff0 && i < 0xff0 + 0x3020 && !(i >= 0x1800 && i < 0x2800);
		assert_int_equal(got[i], in ? 0xa5 : 0);
	}
	assert_int_equal(iommusim_mem_pages(m), 5);
	free(got);
	iommusim_mem_destroy(m);
}

static void fill_zero_allocates_nothing_and_clears_the_whole_space(void **state)
{
	(void)state;
	iommusim_mem_t *m = mk(52);
	assert_int_equal(iommusim_mem_fill(m, 0x100000, 0, 16 * IOMMUSIM_PAGE_SIZE), 0);
	assert_int_equal(iommusim_mem_pages(m), 0);
	static const uint64_t spots[] = { 0, 0x1234567, 0x8000000000ull, 0xfedcba9876543ull,
					  TOP52 - 8 };
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(iommusim_mem_write64(m, spots[i], ~0ull), 0);
	assert_int_equal(iommusim_mem_pages(m), 5);
	/* the whole 4 PiB: must finish quickly because missing subtrees are skipped */
	assert_int_equal(iommusim_mem_fill(m, 0, 0, (size_t)TOP52), 0);
	for (size_t i = 0; i < 5; i++) {
		uint64_t v;
		assert_int_equal(iommusim_mem_read64(m, spots[i], &v), 0);
		assert_int_equal(v, 0);
	}
	assert_int_equal(iommusim_mem_pages(m), 5);

	/* Start in the middle of an empty stretch: the step over it must end where the stretch
	 * ends, not a whole stretch later (0x400000 is the first page of the next leaf node,
	 * 0x40000000 of the next level-2 node). */
	iommusim_mem_destroy(m);
	static const uint64_t next[] = { 0x400000, 0x40000000, 0x10000000000ull };
	for (size_t i = 0; i < 3; i++) {
		uint64_t v;
		m = mk(52);
		assert_int_equal(iommusim_mem_write64(m, next[i], ~0ull), 0);
		assert_int_equal(iommusim_mem_fill(m, 0x3000, 0, (size_t)(next[i] + 8 - 0x3000)), 0);
		assert_int_equal(iommusim_mem_read64(m, next[i], &v), 0);
		assert_int_equal(v, 0);
		iommusim_mem_destroy(m);
	}
}

/* ---- page cap ------------------------------------------------------------------------------ */

static void page_limit_refuses_whole_write(void **state)
{
	(void)state;
	iommusim_mem_t *m = mk(52);
	uint8_t b[0x2000];
	memset(b, 0x3c, sizeof(b));
	iommusim_mem_set_page_limit(m, 2);
	assert_int_equal(iommusim_mem_write8(m, 0x1000, 1), 0);
	/* needs 0x1000 (have) + 0x2000 + 0x3000: one too many */
	assert_int_equal(iommusim_mem_write(m, 0x1800, b, 0x2000), -ENOMEM);
	assert_int_equal(iommusim_mem_fill(m, 0x1800, 0x3c, 0x2000), -ENOMEM);
	assert_int_equal(iommusim_mem_pages(m), 1);
	uint8_t v;
	assert_int_equal(iommusim_mem_read8(m, 0x1800, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(iommusim_mem_read8(m, 0x1000, &v), 0);
	assert_int_equal(v, 1);
	/* scalar writes too */
	assert_int_equal(iommusim_mem_write8(m, 0x9000, 1), 0);
	assert_int_equal(iommusim_mem_write64(m, 0xa000, 1), -ENOMEM);
	assert_int_equal(iommusim_mem_write64(m, 0x9ffc, ~0ull), -ENOMEM);
	assert_int_equal(iommusim_mem_read8(m, 0x9ffc, &v), 0);
	assert_int_equal(v, 0);
	/* writes to allocated pages still work; fill with 0 never needs a page */
	assert_int_equal(iommusim_mem_write64(m, 0x9008, ~0ull), 0);
	assert_int_equal(iommusim_mem_fill(m, 0, 0, 0x100000), 0);
	assert_int_equal(iommusim_mem_pages(m), 2);
	/* the missing pages sit in subtrees that do not exist yet: all must be counted */
	assert_int_equal(iommusim_mem_write(m, 0x3ffffff800ull, b, 0x2000), -ENOMEM);
	iommusim_mem_set_page_limit(m, 4);
	assert_int_equal(iommusim_mem_write(m, 0x3ffffff800ull, b, 0x2000), -ENOMEM);
	assert_int_equal(iommusim_mem_fill(m, 0x7ffffff800ull, 9, 0x2000), -ENOMEM);
	assert_int_equal(iommusim_mem_pages(m), 2);
	/* raise the cap and the same write goes through */
	iommusim_mem_set_page_limit(m, 0);
	assert_int_equal(iommusim_mem_write(m, 0x1800, b, 0x2000), 0);
	assert_int_equal(iommusim_mem_pages(m), 4);
	iommusim_mem_destroy(m);
}

/* ---- instances ----------------------------------------------------------------------------- */

static void instances_are_independent(void **state)
{
	(void)state;
	iommusim_mem_t *a = mk(52), *b = mk(52);
	uint64_t v;
	for (uint64_t i = 0; i < 64; i++) {
		assert_int_equal(iommusim_mem_write64(a, i << 12, i + 1), 0);
		assert_int_equal(iommusim_mem_write64(b, i << 12, ~i), 0);
	}
	for (uint64_t r = 0; r < 3; r++) {
		for (uint64_t i = 0; i < 64; i++) {
			assert_int_equal(iommusim_mem_read64(a, i << 12, &v), 0);
			assert_int_equal(v, i + 1);
			assert_int_equal(iommusim_mem_read64(b, i << 12, &v), 0);
			assert_int_equal(v, ~i);
		}
	}
	assert_int_equal(iommusim_mem_write64(a, 0x100000, 5), 0);
	assert_int_equal(iommusim_mem_read64(b, 0x100000, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(iommusim_mem_pages(a), 65);
	assert_int_equal(iommusim_mem_pages(b), 64);
	iommusim_mem_destroy(a);
	iommusim_mem_destroy(b);
}

/* ---- differential test ------------------------------------------------------------------ */

/* The reference: a few flat arrays mapped at scattered bases, each REF_SPAN bytes; the rest of
 * the space is zero. Accesses are kept inside one window (plus deliberate out-of-range ones). */
#define REF_WINDOWS 5
#define REF_SPAN    (3 * 4096u + 512u)

static void differential_against_flat_reference(void **state)
{
	(void)state;
	static const uint64_t bases[REF_WINDOWS] = {
		0x0,                      /* bottom of the space */
		0x3ffffffe00ull,          /* crosses a level-1 node boundary (2^38) */
		0x123456789abull,         /* unaligned */
		0x8000000000000ull - 0x1100, /* crosses 2^51 */
		TOP52 - REF_SPAN,         /* ends at the top */
	};
	uint8_t *ref[REF_WINDOWS];
	iommusim_mem_t *m = mk(52);
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	uint8_t buf[600], got[600];

	for (int w = 0; w < REF_WINDOWS; w++) {
		ref[w] = calloc(1, REF_SPAN);
		assert_non_null(ref[w]);
	}
	for (int it = 0; it < 40000; it++) {
		uint64_t r = rng_next(&seed);
		int w = (int)(r % REF_WINDOWS);
		unsigned op = (unsigned)(r >> 8) % 12;
		size_t len;
		switch (op) {
		case 0: case 1: len = 1 + (size_t)(rng_next(&seed) % sizeof(buf)); break;
		case 2: len = 1 + (size_t)(rng_next(&seed) % 64); break;
		default: len = (size_t[]){ 1, 2, 4, 8 }[(r >> 16) & 3]; break;
		}
		uint64_t off = rng_next(&seed) % (REF_SPAN - len + 1);
		uint64_t pa = bases[w] + off;
		uint64_t val = rng_next(&seed);

		switch (op) {
		case 0: /* buffer write */
			for (size_t i = 0; i < len; i++)
				buf[i] = (uint8_t)rng_next(&seed);
			assert_int_equal(iommusim_mem_write(m, pa, buf, len), 0);
			memcpy(ref[w] + off, buf, len);
			break;
		case 1: /* buffer read */
			assert_int_equal(iommusim_mem_read(m, pa, got, len), 0);
			assert_memory_equal(got, ref[w] + off, len);
			break;
		case 2: /* fill, sometimes zero */
			assert_int_equal(iommusim_mem_fill(m, pa, (val & 3) ? (uint8_t)val : 0, len),
					 0);
			memset(ref[w] + off, (val & 3) ? (uint8_t)val : 0, len);
			break;
		case 3: case 4: case 5: { /* scalar write */
			int rc;
			switch (len) {
			case 1: rc = iommusim_mem_write8(m, pa, (uint8_t)val); break;
			case 2: rc = iommusim_mem_write16(m, pa, (uint16_t)val); break;
			case 4: rc = iommusim_mem_write32(m, pa, (uint32_t)val); break;
			default: rc = iommusim_mem_write64(m, pa, val); break;
			}
			assert_int_equal(rc, 0);
			for (size_t i = 0; i < len; i++)
				ref[w][off + i] = (uint8_t)(val >> (8 * i));
			break;
		}
		case 6: case 7: case 8: case 9: { /* scalar read */
			uint64_t want = 0, v = 0;
			for (size_t i = 0; i < len; i++)
				want |= (uint64_t)ref[w][off + i] << (8 * i);
			uint8_t v8;
			uint16_t v16;
			uint32_t v32;
			switch (len) {
			case 1: assert_int_equal(iommusim_mem_read8(m, pa, &v8), 0); v = v8; break;
			case 2: assert_int_equal(iommusim_mem_read16(m, pa, &v16), 0); v = v16; break;
			case 4: assert_int_equal(iommusim_mem_read32(m, pa, &v32), 0); v = v32; break;
			default: assert_int_equal(iommusim_mem_read64(m, pa, &v), 0); break;
			}
			assert_int_equal(v, want);
			break;
		}
		case 10: { /* read just outside a window: zero unless another window is there */
			uint64_t out = bases[w] + REF_SPAN + (val % 4096);
			if (out + len <= TOP52) {
				assert_int_equal(iommusim_mem_read(m, out, got, len), 0);
				for (size_t i = 0; i < len; i++)
					assert_int_equal(got[i], 0);
			}
			break;
		}
		default: { /* out of range: must fail and change nothing */
			uint64_t bad = TOP52 - (val % len);   /* at most len - 1 bytes fit */
			memset(buf, 0xff, len);
			assert_int_equal(iommusim_mem_write(m, bad, buf, len), -EFAULT);
			if (len == 8)
				assert_int_equal(iommusim_mem_write64(m, bad, val), -EFAULT);
			break;
		}
		}
	}
	/* final full comparison */
	uint8_t *all = malloc(REF_SPAN);
	assert_non_null(all);
	for (int w = 0; w < REF_WINDOWS; w++) {
		assert_int_equal(iommusim_mem_read(m, bases[w], all, REF_SPAN), 0);
		assert_memory_equal(all, ref[w], REF_SPAN);
		free(ref[w]);
	}
	free(all);
	/* every window spans at most 5 pages */
	assert_true(iommusim_mem_pages(m) <= 5 * REF_WINDOWS);
	iommusim_mem_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(create_rejects_bad_addr_bits),
		cmocka_unit_test(null_arguments_are_einval),
		cmocka_unit_test(untouched_reads_zero_without_allocating),
		cmocka_unit_test(page_counting),
		cmocka_unit_test(round_trip_every_size_and_alignment),
		cmocka_unit_test(scalars_round_trip_at_every_offset),
		cmocka_unit_test(scalars_are_little_endian),
		cmocka_unit_test(top_of_52_bit_space),
		cmocka_unit_test(other_address_widths),
		cmocka_unit_test(overflowing_ranges_fault),
		cmocka_unit_test(zero_length_is_a_no_op),
		cmocka_unit_test(fill_sets_exactly_the_range),
		cmocka_unit_test(fill_zero_allocates_nothing_and_clears_the_whole_space),
		cmocka_unit_test(page_limit_refuses_whole_write),
		cmocka_unit_test(instances_are_independent),
		cmocka_unit_test(differential_against_flat_reference),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
