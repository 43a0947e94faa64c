/* SPDX-License-Identifier: MIT */
#include "tests/support/test.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "iommusim/mem.h"

/* ---- a callback backend: 256 bytes at BASE, -EFAULT elsewhere, -EIO on one poisoned byte --- */

#define BASE 0x10000ull
#define SIZE 256u

struct fake {
	uint8_t bytes[SIZE];
	uint64_t poison;        /* an access covering this address fails with -EIO */
	unsigned reads, writes; /* backend calls */
	size_t last_len;
};

static int fake_check(struct fake *f, uint64_t pa, size_t len)
{
	f->last_len = len;
	if (pa < BASE || pa - BASE > SIZE || len > SIZE - (pa - BASE))
		return -EFAULT;
	if (len && f->poison >= pa && f->poison - pa < len)
		return -EIO;
	return 0;
}

static int fake_read(void *ctx, uint64_t pa, void *buf, size_t len)
{
	struct fake *f = ctx;
	f->reads++;
	int rc = fake_check(f, pa, len);
	if (rc == 0)
		memcpy(buf, f->bytes + (pa - BASE), len);
	return rc;
}

static int fake_write(void *ctx, uint64_t pa, const void *buf, size_t len)
{
	struct fake *f = ctx;
	f->writes++;
	int rc = fake_check(f, pa, len);
	if (rc == 0)
		memcpy(f->bytes + (pa - BASE), buf, len);
	return rc;
}

static const iommusim_mem_port_ops_t fake_ops = { .read = fake_read, .write = fake_write };

/* ---- latency callback that records its arguments ---------------------------------------- */

struct lat_log {
	unsigned calls;
	bool write;
	uint64_t pa;
	size_t len;
	iommusim_time_t t;
};

static iommusim_time_t lat_cb(void *ctx, bool write, uint64_t pa, size_t len, iommusim_time_t t)
{
	struct lat_log *l = ctx;
	l->calls++;
	l->write = write;
	l->pa = pa;
	l->len = len;
	l->t = t;
	/* some function of every argument, so a wrong argument shows in the result */
	return (write ? 7000u : 3000u) + (iommusim_time_t)len * 10u + (pa & 0xff) + (t % 1000u);
}

/* ---- tests ----------------------------------------------------------------------------------- */

static void init_is_zero_latency_and_zero_counters(void **state)
{
	(void)state;
	iommusim_mem_t *m = iommusim_mem_create(48);
	iommusim_mem_port_t p;
	memset(&p, 0xa5, sizeof(p));
	iommusim_mem_port_init_mem(&p, m);
	assert_int_equal(p.read_latency, 0);
	assert_int_equal(p.write_latency, 0);
	assert_int_equal(p.bytes_per_ns, 0);
	assert_null(p.latency_fn);
	assert_int_equal(p.reads + p.writes + p.read_bytes + p.write_bytes + p.errors, 0);

	iommusim_time_t done = 0;
	uint64_t v = 0;
	assert_int_equal(iommusim_port_write64(&p, 0x1000, 0x1122334455667788ull, 500, &done), 0);
	assert_int_equal(done, 500);
	assert_int_equal(iommusim_port_read64(&p, 0x1000, &v, 900, &done), 0);
	assert_int_equal(done, 900);
	assert_int_equal(v, 0x1122334455667788ull);
	/* the port reached the memory itself */
	assert_int_equal(iommusim_mem_read64(m, 0x1000, &v), 0);
	assert_int_equal(v, 0x1122334455667788ull);
	iommusim_mem_destroy(m);
}

static void fixed_latency(void **state)
{
	(void)state;
	iommusim_mem_t *m = iommusim_mem_create(48);
	iommusim_mem_port_t p;
	iommusim_time_t done;
	uint8_t buf[64] = { 0 };
	uint32_t v32;
	iommusim_mem_port_init_mem(&p, m);
	iommusim_mem_port_set_latency(&p, 80000, 30000, 0);
	assert_int_equal(iommusim_port_read(&p, 0, buf, 64, 1000, &done), 0);
	assert_int_equal(done, 81000);
	assert_int_equal(iommusim_port_write(&p, 0, buf, 64, 1000, &done), 0);
	assert_int_equal(done, 31000);
	assert_int_equal(iommusim_port_read32(&p, 4, &v32, 5, &done), 0);
	assert_int_equal(done, 80005);
	assert_int_equal(iommusim_port_write32(&p, 4, 1, 5, &done), 0);
	assert_int_equal(done, 30005);
	/* without bandwidth the length does not matter */
	assert_int_equal(iommusim_port_read(&p, 0, buf, 1, 0, &done), 0);
	assert_int_equal(done, 80000);
	/* saturates rather than wrapping */
	assert_int_equal(iommusim_port_read(&p, 0, buf, 8, IOMMUSIM_TIME_MAX - 10, &done), 0);
	assert_int_equal(done, IOMMUSIM_TIME_MAX);
	/* a NULL done is fine */
	assert_int_equal(iommusim_port_read(&p, 0, buf, 8, 0, NULL), 0);
	iommusim_mem_destroy(m);
}

static void bandwidth_latency(void **state)
{
	(void)state;
	iommusim_mem_t *m = iommusim_mem_create(48);
	iommusim_mem_port_t p;
	iommusim_time_t done;
	uint8_t buf[256] = { 0 };
	uint64_t v;
	iommusim_mem_port_init_mem(&p, m);

	/* 16 B/ns: 64 B = 4 ns = 4000 ps, plus 10 ns fixed */
	iommusim_mem_port_set_latency(&p, 10000, 20000, 16);
	assert_int_equal(iommusim_port_read(&p, 0, buf, 64, 0, &done), 0);
	assert_int_equal(done, 14000);
	assert_int_equal(iommusim_port_write(&p, 0, buf, 64, 100, &done), 0);
	assert_int_equal(done, 24100);
	/* 10 B at 16 B/ns = 625 ps exactly */
	assert_int_equal(iommusim_port_read(&p, 0, buf, 10, 0, &done), 0);
	assert_int_equal(done, 10625);
	/* 8 B at 16 B/ns = 500 ps, through the 64-bit accessor */
	assert_int_equal(iommusim_port_read64(&p, 8, &v, 0, &done), 0);
	assert_int_equal(done, 10500);
	assert_int_equal(iommusim_port_write64(&p, 8, 1, 0, &done), 0);
	assert_int_equal(done, 20500);
	uint32_t v32;
	assert_int_equal(iommusim_port_read32(&p, 8, &v32, 0, &done), 0);
	assert_int_equal(done, 10250);

	/* rounding up to a whole ps: 1 B at 3 B/ns = 333.3 ps -> 334; 256 B -> 85333.3 -> 85334 */
	iommusim_mem_port_set_latency(&p, 0, 0, 3);
	assert_int_equal(iommusim_port_read(&p, 0, buf, 1, 0, &done), 0);
	assert_int_equal(done, 334);
	assert_int_equal(iommusim_port_read(&p, 0, buf, 256, 0, &done), 0);
	assert_int_equal(done, 85334);
	assert_int_equal(iommusim_port_read(&p, 0, buf, 3, 0, &done), 0);
	assert_int_equal(done, 1000);

	/* a huge bandwidth: any non-empty transfer still costs at least 1 ps; empty costs 0 */
	iommusim_mem_port_set_latency(&p, 0, 0, UINT64_MAX);
	assert_int_equal(iommusim_port_read(&p, 0, buf, 256, 0, &done), 0);
	assert_int_equal(done, 1);
	assert_int_equal(iommusim_port_read(&p, 0, buf, 0, 0, &done), 0);
	assert_int_equal(done, 0);
	/* 1 B/ns: 256 B = 256 ns */
	iommusim_mem_port_set_latency(&p, 0, 0, 1);
	assert_int_equal(iommusim_port_write(&p, 0, buf, 256, 0, &done), 0);
	assert_int_equal(done, 256000);
	iommusim_mem_destroy(m);
}

static void bandwidth_time_saturates(void **state)
{
	(void)state;
	/* The backend refuses the absurd length without touching the buffer; the latency of the
	 * attempt is still reported, saturated. */
	struct fake f = { .poison = UINT64_MAX };
	iommusim_mem_port_t p;
	iommusim_time_t done = 0;
	uint8_t b;
	iommusim_mem_port_init(&p, &fake_ops, &f);
	iommusim_mem_port_set_latency(&p, 5, 5, 1);
	assert_int_equal(iommusim_port_read(&p, BASE, &b, SIZE_MAX, 0, &done), -EFAULT);
	assert_int_equal(done, IOMMUSIM_TIME_MAX);
	/* just below the saturation point: (2^64-1)/1000 B at 1 B/ns */
	iommusim_mem_port_set_latency(&p, 0, 0, 1);
	assert_int_equal(iommusim_port_read(&p, BASE, &b, (size_t)(UINT64_MAX / 1000), 0, &done),
			 -EFAULT);
	assert_int_equal(done, UINT64_MAX / 1000 * 1000);
	/* lengths whose len * 1000 passes 2^64 but whose time does not */
	iommusim_mem_port_set_latency(&p, 0, 0, 1ull << 50);
	assert_int_equal(iommusim_port_read(&p, BASE, &b, (size_t)1 << 60, 0, &done), -EFAULT);
	assert_int_equal(done, 1024000);
	iommusim_mem_port_set_latency(&p, 0, 0, 1ull << 60);
	assert_int_equal(iommusim_port_read(&p, BASE, &b, ((size_t)1 << 60) + 1, 0, &done),
			 -EFAULT);
	assert_int_equal(done, 1001);
	/* 2^63 * 1000 / (2^64 - 1) is a hair above 500 */
	iommusim_mem_port_set_latency(&p, 0, 0, UINT64_MAX);
	assert_int_equal(iommusim_port_read(&p, BASE, &b, (size_t)1 << 63, 0, &done), -EFAULT);
	assert_int_equal(done, 501);
}

static void latency_callback_overrides_fixed_model(void **state)
{
	(void)state;
	iommusim_mem_t *m = iommusim_mem_create(48);
	iommusim_mem_port_t p;
	struct lat_log log = { 0 };
	iommusim_time_t done;
	uint8_t buf[32] = { 0 };
	uint64_t v;
	iommusim_mem_port_init_mem(&p, m);
	iommusim_mem_port_set_latency(&p, 999999, 999999, 1);
	p.latency_fn = lat_cb;
	p.latency_ctx = &log;

	assert_int_equal(iommusim_port_read(&p, 0x1234, buf, 32, 2500, &done), 0);
	assert_int_equal(log.calls, 1);
	assert_false(log.write);
	assert_int_equal(log.pa, 0x1234);
	assert_int_equal(log.len, 32);
	assert_int_equal(log.t, 2500);
	assert_int_equal(done, 2500 + 3000 + 320 + 0x34 + 500);

	assert_int_equal(iommusim_port_write64(&p, 0x2010, 5, 10000, &done), 0);
	assert_int_equal(log.calls, 2);
	assert_true(log.write);
	assert_int_equal(log.pa, 0x2010);
	assert_int_equal(log.len, 8);
	assert_int_equal(done, 10000 + 7000 + 80 + 0x10 + 0);

	assert_int_equal(iommusim_port_read64(&p, 0x2010, &v, 1, &done), 0);
	assert_int_equal(v, 5);
	assert_int_equal(log.len, 8);
	assert_int_equal(done, 1 + 3000 + 80 + 0x10 + 1);

	assert_int_equal(iommusim_port_write32(&p, 0x20ff, 5, 0, &done), 0);
	assert_int_equal(log.len, 4);
	assert_int_equal(done, 7000 + 40 + 0xff);

	/* asked even when the caller does not want the time, and on an error */
	assert_int_equal(iommusim_port_read(&p, 0, buf, 1, 0, NULL), 0);
	assert_int_equal(log.calls, 5);
	assert_int_equal(iommusim_port_read64(&p, 1ull << 48, &v, 0, &done), -EFAULT);
	assert_int_equal(log.calls, 6);
	assert_int_equal(done, 3000 + 80);

	/* a callback result near the end of time saturates */
	assert_int_equal(iommusim_port_read(&p, 0xff, buf, 1, IOMMUSIM_TIME_MAX - 100, &done), 0);
	assert_int_equal(done, IOMMUSIM_TIME_MAX);
	iommusim_mem_destroy(m);
}

static void counters(void **state)
{
	(void)state;
	iommusim_mem_t *m = iommusim_mem_create(32);
	iommusim_mem_port_t p;
	uint8_t buf[100] = { 0 };
	uint64_t v64;
	uint32_t v32;
	iommusim_mem_port_init_mem(&p, m);
	assert_int_equal(iommusim_port_write(&p, 0, buf, 100, 0, NULL), 0);
	assert_int_equal(iommusim_port_read(&p, 0, buf, 40, 0, NULL), 0);
	assert_int_equal(iommusim_port_read64(&p, 0, &v64, 0, NULL), 0);
	assert_int_equal(iommusim_port_read32(&p, 0, &v32, 0, NULL), 0);
	assert_int_equal(iommusim_port_write64(&p, 0, 1, 0, NULL), 0);
	assert_int_equal(iommusim_port_write32(&p, 0, 1, 0, NULL), 0);
	assert_int_equal(p.reads, 3);
	assert_int_equal(p.writes, 3);
	assert_int_equal(p.read_bytes, 40 + 8 + 4);
	assert_int_equal(p.write_bytes, 100 + 8 + 4);
	assert_int_equal(p.errors, 0);
	/* failures: counted as accesses and errors, no bytes */
	assert_int_equal(iommusim_port_read64(&p, 1ull << 32, &v64, 0, NULL), -EFAULT);
	assert_int_equal(iommusim_port_write32(&p, (1ull << 32) - 2, 1, 0, NULL), -EFAULT);
	assert_int_equal(iommusim_port_read(&p, (1ull << 32) - 50, buf, 100, 0, NULL), -EFAULT);
	assert_int_equal(iommusim_port_write(&p, UINT64_MAX, buf, 2, 0, NULL), -EFAULT);
	assert_int_equal(p.reads, 5);
	assert_int_equal(p.writes, 5);
	assert_int_equal(p.read_bytes, 52);
	assert_int_equal(p.write_bytes, 112);
	assert_int_equal(p.errors, 4);
	iommusim_mem_destroy(m);
}

static void builtin_memory_errors_report_time(void **state)
{
	(void)state;
	iommusim_mem_t *m = iommusim_mem_create(40);
	iommusim_mem_port_t p;
	iommusim_time_t done = 0;
	uint64_t v = 0x77;
	uint32_t v32 = 0x77;
	iommusim_mem_port_init_mem(&p, m);
	iommusim_mem_port_set_latency(&p, 100, 200, 0);
	assert_int_equal(iommusim_port_read64(&p, (1ull << 40) - 4, &v, 1000, &done), -EFAULT);
	assert_int_equal(done, 1100);
	assert_int_equal(v, 0x77);   /* untouched on failure */
	assert_int_equal(iommusim_port_read32(&p, 1ull << 40, &v32, 1000, &done), -EFAULT);
	assert_int_equal(done, 1100);
	assert_int_equal(v32, 0x77);
	assert_int_equal(iommusim_port_write64(&p, (1ull << 40) - 1, 1, 1000, &done), -EFAULT);
	assert_int_equal(done, 1200);
	assert_int_equal(iommusim_mem_pages(m), 0);
	assert_int_equal(p.errors, 3);
	iommusim_mem_destroy(m);
}

static void callback_backend_with_errors(void **state)
{
	(void)state;
	struct fake f = { .poison = BASE + 0x80 };
	iommusim_mem_port_t p;
	iommusim_time_t done = 0;
	uint64_t v = 0;
	uint32_t v32 = 0;
	uint8_t buf[16];
	iommusim_mem_port_init(&p, &fake_ops, &f);
	iommusim_mem_port_set_latency(&p, 1000, 2000, 8);

	/* scalars are little-endian on the backend's bytes */
	assert_int_equal(iommusim_port_write64(&p, BASE + 8, 0x0807060504030201ull, 0, &done), 0);
	assert_int_equal(done, 3000);
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(f.bytes[8 + i], i + 1);
	assert_int_equal(f.last_len, 8);
	assert_int_equal(iommusim_port_write32(&p, BASE + 16, 0xd4c3b2a1u, 0, &done), 0);
	assert_int_equal(done, 2500);
	static const uint8_t e32[4] = { 0xa1, 0xb2, 0xc3, 0xd4 };
	assert_memory_equal(f.bytes + 16, e32, 4);
	assert_int_equal(iommusim_port_read64(&p, BASE + 12, &v, 0, &done), 0);
	assert_int_equal(done, 2000);
	assert_int_equal(v, 0xd4c3b2a108070605ull);
	assert_int_equal(iommusim_port_read32(&p, BASE + 9, &v32, 0, &done), 0);
	assert_int_equal(done, 1500);
	assert_int_equal(v32, 0x05040302u);
	assert_int_equal(f.reads, 2);
	assert_int_equal(f.writes, 2);

	/* errors from the backend come back unchanged, with a completion time */
	v = 0x55;
	assert_int_equal(iommusim_port_read64(&p, BASE + 0x7c, &v, 100, &done), -EIO);
	assert_int_equal(done, 2100);
	assert_int_equal(v, 0x55);
	assert_int_equal(iommusim_port_write32(&p, BASE + 0x80, 0, 100, &done), -EIO);
	assert_int_equal(done, 2600);
	assert_int_equal(iommusim_port_read(&p, BASE - 1, buf, 2, 0, &done), -EFAULT);
	assert_int_equal(done, 1250);
	assert_int_equal(iommusim_port_write(&p, BASE + SIZE - 8, buf, 16, 0, &done), -EFAULT);
	assert_int_equal(done, 4000);
	assert_int_equal(iommusim_port_read32(&p, BASE + SIZE, &v32, 0, &done), -EFAULT);
	assert_int_equal(p.errors, 5);
	assert_int_equal(p.reads, 5);
	assert_int_equal(p.writes, 4);
	assert_int_equal(p.read_bytes, 8 + 4);
	assert_int_equal(p.write_bytes, 8 + 4);
}

static void unconnected_and_bad_arguments(void **state)
{
	(void)state;
	iommusim_mem_port_t p;
	iommusim_time_t done = 0;
	uint8_t buf[8] = { 0 };
	uint64_t v;
	uint32_t v32;

	/* no ops at all */
	iommusim_mem_port_init(&p, NULL, NULL);
	iommusim_mem_port_set_latency(&p, 10, 20, 0);
	assert_int_equal(iommusim_port_read(&p, 0, buf, 8, 5, &done), -ENODEV);
	assert_int_equal(done, 15);
	assert_int_equal(iommusim_port_write64(&p, 0, 1, 5, &done), -ENODEV);
	assert_int_equal(done, 25);
	assert_int_equal(p.errors, 2);

	/* an ops table with only a read callback */
	static const iommusim_mem_port_ops_t ro = { .read = fake_read };
	struct fake f = { .poison = UINT64_MAX };
	iommusim_mem_port_init(&p, &ro, &f);
	assert_int_equal(iommusim_port_read32(&p, BASE, &v32, 0, NULL), 0);
	assert_int_equal(iommusim_port_write32(&p, BASE, 1, 0, NULL), -ENODEV);
	assert_int_equal(p.errors, 1);

	/* a built-in port with no memory */
	iommusim_mem_port_init_mem(&p, NULL);
	assert_int_equal(iommusim_port_read64(&p, 0, &v, 0, NULL), -EINVAL);
	assert_int_equal(iommusim_port_write(&p, 0, buf, 8, 0, NULL), -EINVAL);

	/* NULL port or buffer: -EINVAL, done = t, nothing counted, backend not called */
	memset(&f, 0, sizeof(f));
	iommusim_mem_port_init(&p, &fake_ops, &f);
	assert_int_equal(iommusim_port_read(NULL, 0, buf, 8, 7, &done), -EINVAL);
	assert_int_equal(done, 7);
	assert_int_equal(iommusim_port_write(NULL, 0, buf, 8, 8, &done), -EINVAL);
	assert_int_equal(done, 8);
	assert_int_equal(iommusim_port_read64(NULL, 0, &v, 9, &done), -EINVAL);
	assert_int_equal(iommusim_port_read32(NULL, 0, &v32, 9, &done), -EINVAL);
	assert_int_equal(iommusim_port_write64(NULL, 0, 1, 9, &done), -EINVAL);
	assert_int_equal(iommusim_port_write32(NULL, 0, 1, 9, &done), -EINVAL);
	assert_int_equal(iommusim_port_read(&p, BASE, NULL, 8, 3, &done), -EINVAL);
	assert_int_equal(done, 3);
	assert_int_equal(iommusim_port_write(&p, BASE, NULL, 8, 3, &done), -EINVAL);
	assert_int_equal(iommusim_port_read64(&p, BASE, NULL, 3, &done), -EINVAL);
	assert_int_equal(iommusim_port_read32(&p, BASE, NULL, 3, &done), -EINVAL);
	assert_int_equal(p.reads + p.writes + p.errors, 0);
	assert_int_equal(f.reads + f.writes, 0);
	iommusim_mem_port_init(NULL, &fake_ops, &f);
	iommusim_mem_port_init_mem(NULL, NULL);
	iommusim_mem_port_set_latency(NULL, 1, 1, 1);
}

static void builtin_and_callback_ports_agree(void **state)
{
	(void)state;
	/* The built-in port takes a shortcut for scalars; a port on the same memory through
	 * plain callbacks must see identical results, times and counters. */
	iommusim_mem_t *m = iommusim_mem_create(52);
	iommusim_mem_port_t a, b;
	iommusim_mem_port_init_mem(&a, m);
	iommusim_mem_port_init_mem(&b, m);
	/* b: same backend functions, different ops table, so no shortcut */
	iommusim_mem_port_ops_t ops = *a.ops;
	b.ops = &ops;
	iommusim_mem_port_set_latency(&a, 1000, 1500, 4);
	iommusim_mem_port_set_latency(&b, 1000, 1500, 4);
	uint64_t seed = 12345;
	for (int i = 0; i < 2000; i++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		/* a's accesses go to pa, b's to a mirror 64 KiB higher; near the top both fail */
		uint64_t pa = (seed >> 20) & 0x3fff, pb = pa + 0x10000;
		if (i % 97 == 0)
			pa = pb = (1ull << 52) - 1 - (seed & 7);
		iommusim_time_t da = 0, db = 1;
		int ra, rb;
		switch (i & 3) {
		case 0: ra = iommusim_port_write64(&a, pa, seed, (uint64_t)i, &da);
			rb = iommusim_port_write64(&b, pb, seed, (uint64_t)i, &db);
			break;
		case 1: ra = iommusim_port_write32(&a, pa, (uint32_t)seed, (uint64_t)i, &da);
			rb = iommusim_port_write32(&b, pb, (uint32_t)seed, (uint64_t)i, &db);
			break;
		case 2: {
			uint64_t va = 1, vb = 2;
			ra = iommusim_port_read64(&a, pa, &va, (uint64_t)i, &da);
			rb = iommusim_port_read64(&b, pb, &vb, (uint64_t)i, &db);
			if (ra == 0)
				assert_int_equal(va, vb);
			break;
		}
		default: {
			uint32_t va = 1, vb = 2;
			ra = iommusim_port_read32(&a, pa, &va, (uint64_t)i, &da);
			rb = iommusim_port_read32(&b, pb, &vb, (uint64_t)i, &db);
			if (ra == 0)
				assert_int_equal(va, vb);
			break;
		}
		}
		assert_int_equal(ra, rb);
		assert_int_equal(da, db);
	}
	assert_int_equal(a.reads, b.reads);
	assert_int_equal(a.writes, b.writes);
	assert_int_equal(a.read_bytes, b.read_bytes);
	assert_int_equal(a.write_bytes, b.write_bytes);
	assert_int_equal(a.errors, b.errors);
	assert_true(a.errors > 0);
	iommusim_mem_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(init_is_zero_latency_and_zero_counters),
		cmocka_unit_test(fixed_latency),
		cmocka_unit_test(bandwidth_latency),
		cmocka_unit_test(bandwidth_time_saturates),
		cmocka_unit_test(latency_callback_overrides_fixed_model),
		cmocka_unit_test(counters),
		cmocka_unit_test(builtin_memory_errors_report_time),
		cmocka_unit_test(callback_backend_with_errors),
		cmocka_unit_test(unconnected_and_bad_arguments),
		cmocka_unit_test(builtin_and_callback_ports_agree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
