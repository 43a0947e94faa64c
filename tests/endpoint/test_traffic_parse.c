/* SPDX-License-Identifier: MIT */
/*
 * Tests of the traffic text form (models/endpoint/traffic_parse.c) and of the configuration
 * check (traffic_cfg.c): values of every kind, defaults, the canonical text and its round
 * trip, and every error with its code and the words of its message.
 */
#include "tests/support/test.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "iommusim/traffic.h"

static iommusim_traffic_cfg_t parse_ok(const char *spec)
{
	iommusim_traffic_cfg_t cfg;
	iommusim_error_t err = { 0 };
	if (iommusim_traffic_parse(spec, &cfg, &err))
		fail_msg("'%s': %s", spec, err.msg);
	return cfg;
}

static void defaults(void **state)
{
	iommusim_traffic_cfg_t c = parse_ok("pattern=nic");
	assert_int_equal(c.pattern, IOMMUSIM_TRAFFIC_NIC);
	assert_int_equal(c.base, 0x100000);
	assert_int_equal(c.count, 1000);
	assert_int_equal(c.rate_unit, IOMMUSIM_TRAFFIC_RATE_NONE);
	assert_int_equal(c.queues, 1);
	assert_int_equal(c.ring, 256);
	assert_int_equal(c.pkt, 1500);
	assert_int_equal(c.buf, 2048);
	assert_int_equal(c.window, 0);
	assert_int_equal(c.page, 4096);
	assert_int_equal(c.uva, 0x7f0000000000ull);
	assert_int_equal(c.write_pct, 100);
	assert_int_equal(c.desc, 0);   /* no rings: the per-packet triplet as it always was */
	assert_int_equal(c.cqe, 0);
	assert_int_equal(c.rings, 0);

	c = parse_ok("pattern=storage");
	assert_int_equal(c.span, 1ull << 30);
	assert_int_equal(c.block, 128 * 1024);
	assert_int_equal(c.bufs, 1);
	assert_int_equal(c.seed, 1);
	assert_int_equal(c.write_pct, 0);

	c = parse_ok("pattern=zipf");
	assert_int_equal(c.theta_ppm, 990000);
	assert_int_equal(c.pages, 4096);
	assert_int_equal(c.size, 4096);

	c = parse_ok("pattern=stride");
	assert_int_equal(c.span, 1ull << 20);
	assert_int_equal(c.stride, 8192);

	/* an out-of-range pattern gets the seq defaults */
	iommusim_traffic_cfg_default(&c, (iommusim_traffic_pattern_t)99);
	assert_int_equal(c.pattern, IOMMUSIM_TRAFFIC_SEQ);
	iommusim_traffic_cfg_default(NULL, IOMMUSIM_TRAFFIC_SEQ);   /* no crash */

	assert_string_equal(iommusim_traffic_pattern_name(IOMMUSIM_TRAFFIC_STORAGE), "storage");
	assert_null(iommusim_traffic_pattern_name(IOMMUSIM_TRAFFIC_NPATTERNS));
}

static void values(void **state)
{
	iommusim_traffic_cfg_t c;

	c = parse_ok("pattern=seq base=0x100000 span=1M size=4K count=1000 rate=10Gbps write=1");
	assert_int_equal(c.base, 0x100000);
	assert_int_equal(c.span, 1 << 20);
	assert_int_equal(c.size, 4096);
	assert_int_equal(c.count, 1000);
	assert_int_equal(c.rate_unit, IOMMUSIM_TRAFFIC_RATE_BPS);
	assert_int_equal(c.rate, 10000000000ull);
	assert_int_equal(c.write_pct, 100);

	/* the pattern anywhere; tabs and extra blanks; hex in either case */
	c = parse_ok("  size=0X1000\tspan=4096  pattern=seq\t");
	assert_int_equal(c.size, 4096);
	assert_int_equal(c.span, 4096);
	c = parse_ok("pattern=seq base=0xABCdef000 span=1T size=1G");
	assert_int_equal(c.base, 0xabcdef000ull);
	assert_int_equal(c.span, 1ull << 40);
	assert_int_equal(c.size, 1ull << 30);
	c = parse_ok("pattern=seq base=18446744073709547520 span=4K size=4K");   /* 2^64 - 4K */
	assert_int_equal(c.base, 0xfffffffffffff000ull);

	/* rates: bits, bytes, units, SI prefixes, fractions */
	static const struct {
		const char *text;
		iommusim_traffic_rate_unit_t unit;
		uint64_t rate;
	} rates[] = {
		{ "0", IOMMUSIM_TRAFFIC_RATE_NONE, 0 },
		{ "1b/s", IOMMUSIM_TRAFFIC_RATE_BPS, 1 },
		{ "10Gb/s", IOMMUSIM_TRAFFIC_RATE_BPS, 10000000000ull },
		{ "100Gbps", IOMMUSIM_TRAFFIC_RATE_BPS, 100000000000ull },
		{ "2.5Gb/s", IOMMUSIM_TRAFFIC_RATE_BPS, 2500000000ull },
		{ "100kb/s", IOMMUSIM_TRAFFIC_RATE_BPS, 100000 },
		{ "100Kbps", IOMMUSIM_TRAFFIC_RATE_BPS, 100000 },
		{ "1Tb/s", IOMMUSIM_TRAFFIC_RATE_BPS, 1000000000000ull },
		{ "1.25GB/s", IOMMUSIM_TRAFFIC_RATE_BPS, 10000000000ull },
		{ "3Bps", IOMMUSIM_TRAFFIC_RATE_BPS, 24 },
		{ "0.125B/s", IOMMUSIM_TRAFFIC_RATE_BPS, 1 },
		{ "2Mop/s", IOMMUSIM_TRAFFIC_RATE_UPS, 2000000 },
		{ "2Mops", IOMMUSIM_TRAFFIC_RATE_UPS, 2000000 },
		{ "1.5kop/s", IOMMUSIM_TRAFFIC_RATE_UPS, 1500 },
		{ "7ops", IOMMUSIM_TRAFFIC_RATE_UPS, 7 },
		{ "18446744073709551615b/s", IOMMUSIM_TRAFFIC_RATE_BPS, UINT64_MAX },
	};
	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		char spec[128];
		snprintf(spec, sizeof(spec), "pattern=seq rate=%s", rates[i].text);
		c = parse_ok(spec);
		if (c.rate_unit != rates[i].unit || c.rate != rates[i].rate)
			fail_msg("rate=%s: unit %d rate %llu", rates[i].text, c.rate_unit,
				 (unsigned long long)c.rate);
	}

	/* theta */
	static const struct { const char *text; uint32_t ppm; } thetas[] = {
		{ "0", 0 }, { "0.99", 990000 }, { "1", 1000000 }, { "1.5", 1500000 },
		{ "10", 10000000 }, { "0.000001", 1 }, { "10.000000", 10000000 }, { "007.5", 7500000 },
	};
	for (size_t i = 0; i < sizeof(thetas) / sizeof(thetas[0]); i++) {
		char spec[64];
		snprintf(spec, sizeof(spec), "pattern=zipf theta=%s", thetas[i].text);
		c = parse_ok(spec);
		assert_int_equal(c.theta_ppm, thetas[i].ppm);
	}

	/* booleans */
	static const char *const yes[] = { "1", "true", "on", "yes" }, *const no[] = { "0", "false", "off", "no" };
	for (size_t i = 0; i < 4; i++) {
		char spec[64];
		snprintf(spec, sizeof(spec), "pattern=stride write=%s", yes[i]);
		assert_int_equal(parse_ok(spec).write_pct, 100);
		snprintf(spec, sizeof(spec), "pattern=stride write=%s", no[i]);
		assert_int_equal(parse_ok(spec).write_pct, 0);
	}

	/* the other keys land in their fields */
	c = parse_ok("pattern=nic queues=4 ring=128 pkt=9000 buf=16K window=4M page=8K uva=0x2000 "
		     "base=0x10000000 count=12");
	assert_int_equal(c.queues, 4);
	assert_int_equal(c.ring, 128);
	assert_int_equal(c.pkt, 9000);
	assert_int_equal(c.buf, 16384);
	assert_int_equal(c.window, 4 << 20);
	assert_int_equal(c.page, 8192);
	assert_int_equal(c.uva, 0x2000);
	assert_int_equal(c.count, 12);
	c = parse_ok("pattern=nic desc=4K cqe=8 rings=0x80000000");
	assert_int_equal(c.desc, 4096);
	assert_int_equal(c.cqe, 8);
	assert_int_equal(c.rings, 0x80000000ull);
	c = parse_ok("pattern=storage block=64K span=16M align=1M bufs=8 seed=18446744073709551615 "
		     "write_pct=25 uva=0x1000");
	assert_int_equal(c.block, 65536);
	assert_int_equal(c.align, 1 << 20);
	assert_int_equal(c.bufs, 8);
	assert_int_equal(c.seed, UINT64_MAX);
	assert_int_equal(c.write_pct, 25);
	c = parse_ok("pattern=random align=16 size=48 span=1K write_pct=100");
	assert_int_equal(c.align, 16);
	assert_int_equal(c.write_pct, 100);
	c = parse_ok("pattern=zipf pages=4M page=1G size=1G");
	assert_int_equal(c.pages, 4u << 20);
	assert_int_equal(c.page, 1u << 30);
}

static void kv_form(void **state)
{
	const char *k[] = { "span", "pattern", "size" }, *v[] = { "8K", "seq", "2K" };
	iommusim_traffic_cfg_t c;
	iommusim_error_t err = { 0 };

	assert_int_equal(iommusim_traffic_parse_kv(3, k, v, &c, &err), 0);
	assert_int_equal(c.pattern, IOMMUSIM_TRAFFIC_SEQ);
	assert_int_equal(c.span, 8192);
	assert_int_equal(c.size, 2048);

	const char *kn[] = { "pattern", NULL }, *vn[] = { "seq", "1" };
	assert_int_equal(iommusim_traffic_parse_kv(2, kn, vn, &c, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "NULL"));
	assert_int_equal(iommusim_traffic_parse_kv(1, NULL, NULL, &c, &err), -EINVAL);
	assert_int_equal(iommusim_traffic_parse_kv(0, NULL, NULL, &c, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "missing pattern="));
	assert_int_equal(iommusim_traffic_parse_kv(1, k, v, NULL, &err), -EINVAL);
	assert_int_equal(iommusim_traffic_parse(NULL, &c, &err), -EINVAL);
	assert_int_equal(iommusim_traffic_parse("pattern=seq", NULL, &err), -EINVAL);
	assert_int_equal(iommusim_traffic_parse("pattern=seq size=0", &c, NULL), -ERANGE);

	/* at most 64 pairs */
	const char *many_k[65], *many_v[65];
	for (int i = 0; i < 65; i++) {
		many_k[i] = "size";
		many_v[i] = "1";
	}
	assert_int_equal(iommusim_traffic_parse_kv(65, many_k, many_v, &c, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "too many"));
	char spec[65 * 7 + 16] = "pattern=seq";
	for (int i = 0; i < 64; i++)
		strcat(spec, " size=1");
	assert_int_equal(iommusim_traffic_parse(spec, &c, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "too many"));
}

typedef struct bad_case {
	const char *spec;
	int code;
	const char *msg[3];   /* substrings the message must hold */
} bad_case_t;

static const bad_case_t bad[] = {
	/* structure */
	{ "", -EINVAL, { "missing pattern=", "seq, stride, random, zipf, nic, storage" } },
	{ "size=4K span=1M", -EINVAL, { "missing pattern=" } },
	{ "pattern=seq size", -EINVAL, { "'size' is not key=value" } },
	{ "pattern=seq =4", -EINVAL, { "'=4' is not key=value" } },
	{ "pattern=seq size=", -EINVAL, { "size= has no value" } },
	{ "pattern=seq size=4K size=8K", -EINVAL, { "key 'size' given twice" } },
	{ "pattern=seq pattern=seq", -EINVAL, { "key 'pattern' given twice" } },
	{ "pattern=seq sise=4K", -EINVAL, { "unknown key 'sise'", "did you mean 'size'?" } },
	{ "patern=seq", -EINVAL, { "unknown key 'patern'", "did you mean 'pattern'?" } },
	{ "pattern=nic queue=4", -EINVAL, { "unknown key 'queue'", "did you mean 'queues'?" } },
	{ "pattern=seq qwertyuiop=1", -EINVAL, { "unknown key 'qwertyuiop'", "(the keys: pattern base" } },
	{ "pattern=zip", -EINVAL, { "pattern=zip is not one of seq, stride", "did you mean 'zipf'?" } },
	{ "pattern=banana", -EINVAL, { "pattern=banana is not one of" } },
	{ "pattern=seq theta=0.5", -EINVAL,
	  { "key 'theta' is not used by pattern=seq", "(its keys: pattern base span size write count rate)" } },
	{ "pattern=nic write=1", -EINVAL, { "key 'write' is not used by pattern=nic" } },
	{ "pattern=seq write_pct=50", -EINVAL, { "key 'write_pct' is not used by pattern=seq" } },
	{ "pattern=random write=1 write_pct=50", -EINVAL, { "write= and write_pct= both given" } },
	/* numbers */
	{ "pattern=seq size=4x", -EINVAL, { "size=4x is not a number", "K M G T" } },
	{ "pattern=seq size=4k", -EINVAL, { "size=4k", "upper case" } },
	{ "pattern=seq size=4KB", -EINVAL, { "size=4KB is not a number" } },
	{ "pattern=seq size=0x", -EINVAL, { "size=0x is not a number" } },
	{ "pattern=seq size=0xfg", -EINVAL, { "size=0xfg is not a number" } },
	{ "pattern=seq size=-1", -EINVAL, { "size=-1 is not a number" } },
	{ "pattern=seq size=K", -EINVAL, { "size=K is not a number" } },
	{ "pattern=seq base=0x10000000000000000", -ERANGE, { "base=0x10000000000000000 is too large" } },
	{ "pattern=seq base=18446744073709551616", -ERANGE, { "is too large" } },
	{ "pattern=seq size=20000000T", -ERANGE, { "size=20000000T is too large" } },
	{ "pattern=seq write=2", -EINVAL, { "write=2 is not a boolean" } },
	/* common ranges */
	{ "pattern=seq count=0", -ERANGE, { "count=0 is out of range: 1 .. 256T" } },
	{ "pattern=seq count=256T", 0, { NULL } },
	{ "pattern=seq count=281474976710657", -ERANGE, { "count=281474976710657 is out of range" } },
	/* seq / stride / random */
	{ "pattern=seq size=0", -ERANGE, { "size=0 is out of range: 1 .. 1G bytes" } },
	{ "pattern=seq size=2G span=4G", -ERANGE, { "size=2G is out of range" } },
	{ "pattern=seq span=0", -ERANGE, { "span=0 is out of range" } },
	{ "pattern=seq span=4K size=8K", -EINVAL, { "size=8K does not fit in span=4K" } },
	{ "pattern=seq base=0xfffffffffffff000 span=8K", -ERANGE,
	  { "base=0xfffffffffffff000 plus span passes the end of the 64-bit address space" } },
	{ "pattern=stride stride=0", -ERANGE, { "stride=0 is out of range" } },
	{ "pattern=stride stride=12K span=1M size=8K", -EINVAL,
	  { "size=8K is larger than gcd(stride, span)=4K", "cross the end of span" } },
	{ "pattern=stride stride=8K span=20K size=8K", -EINVAL, { "gcd(stride, span)=4K" } },
	{ "pattern=random align=3000", -EINVAL, { "align=3000 must be a power of two" } },
	{ "pattern=random write_pct=101", -ERANGE, { "write_pct=101 is out of range: 0 .. 100" } },
	{ "pattern=random write_pct=x", -EINVAL, { "write_pct=x is not a number" } },
	/* zipf */
	{ "pattern=zipf theta=10.5", -ERANGE, { "theta=10.5 is out of range: 0 .. 10" } },
	{ "pattern=zipf theta=0.1234567", -EINVAL, { "theta=0.1234567 has more than 6 decimal places" } },
	{ "pattern=zipf theta=abc", -EINVAL, { "theta=abc is not a decimal number" } },
	{ "pattern=zipf theta=1.", -EINVAL, { "theta=1. is not a decimal number" } },
	{ "pattern=zipf theta=.5", -EINVAL, { "theta=.5 is not a decimal number" } },
	{ "pattern=zipf theta=-1", -EINVAL, { "theta=-1 is not a decimal number" } },
	{ "pattern=zipf theta=1.2.3", -EINVAL, { "theta=1.2.3 is not a decimal number" } },
	{ "pattern=zipf pages=0", -ERANGE, { "pages=0 is out of range: 1 .. 4M" } },
	{ "pattern=zipf pages=8M", -ERANGE, { "pages=8M is out of range" } },
	{ "pattern=zipf page=3000", -EINVAL, { "page=3000 must be a power of two in 4K .. 1G" } },
	{ "pattern=zipf page=2K", -ERANGE, { "page=2K must be a power of two in 4K .. 1G" } },
	{ "pattern=zipf page=2G", -ERANGE, { "page=2G must be a power of two" } },
	{ "pattern=zipf size=8K", -EINVAL, { "size=8K is larger than page=4K" } },
	{ "pattern=zipf base=0xffffffffff000000 pages=4097", -ERANGE,
	  { "base=0xffffffffff000000 plus pages * page passes the end" } },
	{ "pattern=zipf base=0xffffffffff000000 pages=4096", 0, { NULL } },
	/* nic */
	{ "pattern=nic queues=0", -ERANGE, { "queues=0 is out of range: 1 .. 1024" } },
	{ "pattern=nic queues=2000", -ERANGE, { "queues=2000 is out of range: 1 .. 1024" } },
	{ "pattern=nic queues=99999999999", -ERANGE, { "queues=99999999999 is out of range" } },
	{ "pattern=nic ring=0", -ERANGE, { "ring=0 is out of range: 1 .. 65536" } },
	{ "pattern=nic ring=70000", -ERANGE, { "ring=70000 is out of range" } },
	{ "pattern=nic pkt=3000 buf=2K", -EINVAL, { "pkt=3000 does not fit in buf=2K" } },
	{ "pattern=nic pkt=0", -ERANGE, { "pkt=0 is out of range" } },
	{ "pattern=nic buf=2M", -ERANGE, { "buf=2M is out of range: 1 .. 1M bytes" } },
	{ "pattern=nic window=6K", -EINVAL, { "window=0x1800 is not aligned to page=4K" } },
	{ "pattern=nic window=4K ring=2", -EINVAL,
	  { "window=4K is smaller than the ring", "ring=2 slots of 4K", "need 8K" } },
	{ "pattern=nic base=0x100800", -EINVAL, { "base=0x100800 is not aligned to page=4K" } },
	{ "pattern=nic uva=0x7f0000000001", -EINVAL, { "uva=0x7f0000000001 is not aligned" } },
	{ "pattern=nic base=0xfffffffffff00000 queues=1024", -ERANGE,
	  { "base=0xfffffffffff00000 plus queues * window passes the end" } },
	{ "pattern=nic uva=0xfffffffffff00000 queues=2", -ERANGE, { "uva=0xfffffffffff00000 plus" } },
	{ "pattern=nic page=5000", -EINVAL, { "page=5000 must be a power of two" } },
	/* nic rings: entry sizes */
	{ "pattern=nic desc=12", -EINVAL, { "desc=12 must be 0 (none) or a power of two in 8 .. 4K bytes" } },
	{ "pattern=nic desc=4", -ERANGE, { "desc=4 must be 0 (none) or a power of two in 8 .. 4K" } },
	{ "pattern=nic desc=8K", -ERANGE, { "desc=8K must be 0 (none)" } },
	{ "pattern=nic cqe=100", -EINVAL, { "cqe=100 must be 0 (none) or a power of two in 8 .. 4K" } },
	{ "pattern=nic cqe=8K", -ERANGE, { "cqe=8K must be 0 (none)" } },
	{ "pattern=nic desc=8 cqe=4K", 0, { NULL } },
	/* rings= without rings, unaligned, past the end of the space */
	{ "pattern=nic rings=0x40000000", -EINVAL,
	  { "rings=0x40000000 places the descriptor and completion rings, and there are none",
	    "give desc= and/or cqe=, or drop rings=" } },
	{ "pattern=nic desc=16 rings=0x300800", -EINVAL, { "rings=0x300800 is not aligned to page=4K" } },
	/* queues=1 ring=4: 4 x 16 and 4 x 64 bytes, each ring rounded up to 4 KiB: 8 KiB from
	 * 2^64 - 4K does not fit, from 2^64 - 8K it ends exactly at the top */
	{ "pattern=nic ring=4 desc=16 cqe=64 rings=0xfffffffffffff000", -ERANGE,
	  { "rings=0xfffffffffffff000 plus the ring area passes the end of the 64-bit address space" } },
	{ "pattern=nic ring=4 desc=16 cqe=64 rings=0xffffffffffffe000", 0, { NULL } },
	/* the windows end at 2^64 - 2M + 4K, which rounds up to 2M at 2^64: no room */
	{ "pattern=nic ring=1 desc=16 base=0xffffffffffe00000", -ERANGE,
	  { "rings=0 puts the ring area (4K) after the queues' windows (base + queues * window "
	    "rounded up to 2M)", "passes the end of the 64-bit address space",
	    "lower base=0xffffffffffe00000" } },
	{ "pattern=nic ring=1 desc=16 base=0xffffffffffe00000 rings=0x100000", 0, { NULL } },
	{ "pattern=nic ring=1 cqe=16 uva=0xffffffffffe00000", -ERANGE,
	  { "the ring area's user memory (4K after the buffers: uva + queues * window rounded up "
	    "to 2M) passes the end of the 64-bit address space", "lower uva=0xffffffffffe00000" } },
	/* windows 0x100000..0x107fff (2 queues x 4 slots x 4K); the area is 16K */
	{ "pattern=nic queues=2 ring=4 desc=16 cqe=64 rings=0x104000", -EINVAL,
	  { "rings=0x104000: the ring area 0x104000..0x107fff (16K) overlaps the queues' buffer "
	    "windows 0x100000..0x107fff (base + queues * window)", "give rings=0" } },
	{ "pattern=nic queues=2 ring=4 desc=16 cqe=64 rings=0xfd000", -EINVAL,
	  { "0xfd000..0x100fff (16K) overlaps" } },
	{ "pattern=nic queues=2 ring=4 desc=16 cqe=64 rings=0xfc000", 0, { NULL } },   /* just below */
	{ "pattern=nic queues=2 ring=4 desc=16 cqe=64 rings=0x108000", 0, { NULL } },  /* just after */
	/* the ring keys belong to nic */
	{ "pattern=seq desc=16", -EINVAL, { "key 'desc' is not used by pattern=seq" } },
	{ "pattern=storage cqe=64", -EINVAL, { "key 'cqe' is not used by pattern=storage" } },
	{ "pattern=zipf rings=0x200000", -EINVAL, { "key 'rings' is not used by pattern=zipf" } },
	{ "pattern=nic cq=64", -EINVAL, { "unknown key 'cq'", "did you mean 'cqe'?" } },
	/* storage */
	{ "pattern=storage block=0", -ERANGE, { "block=0 is out of range" } },
	{ "pattern=storage block=2G", -ERANGE, { "block=2G is out of range" } },
	{ "pattern=storage block=128K span=64K", -EINVAL, { "block=128K", "does not fit in span=64K" } },
	{ "pattern=storage block=5000 span=5000", -EINVAL, { "block=5000 (mapped as 8K" } },
	{ "pattern=storage align=2K", -ERANGE, { "align=2K must be a power of two >= page=4K" } },
	{ "pattern=storage align=12K", -EINVAL, { "align=12K must be a power of two" } },
	{ "pattern=storage bufs=0", -ERANGE, { "bufs=0 is out of range: 1 .. 65536" } },
	{ "pattern=storage base=0x1800", -EINVAL, { "base=0x1800 is not aligned to page=4K" } },
	{ "pattern=storage uva=0xfffffffffff00000 bufs=100", -ERANGE, { "uva=0xfffffffffff00000 plus bufs * block" } },
	{ "pattern=storage base=0xffffffffc0000000 span=1G", 0, { NULL } },
	{ "pattern=storage base=0xffffffffc0001000 span=1G", -ERANGE, { "plus span passes the end" } },
	/* rates */
	{ "pattern=seq rate=10", -EINVAL, { "rate=10: unknown unit ''" } },
	{ "pattern=seq rate=10Gbit", -EINVAL, { "unknown unit 'Gbit'", "b/s bps B/s Bps op/s ops" } },
	{ "pattern=seq rate=10gb/s", -EINVAL, { "unknown unit 'gb/s'" } },
	{ "pattern=seq rate=Gb/s", -EINVAL, { "rate=Gb/s does not start with a number" } },
	{ "pattern=seq rate=1.5b/s", -EINVAL, { "rate=1.5b/s is not a whole number of bits per second" } },
	{ "pattern=seq rate=0.5op/s", -EINVAL, { "not a whole number of units per second" } },
	{ "pattern=seq rate=0b/s", -ERANGE, { "rate=0b/s is zero", "rate=0 for unpaced" } },
	{ "pattern=seq rate=20000000Tb/s", -ERANGE, { "rate=20000000Tb/s is too large" } },
	{ "pattern=seq rate=18446744073709551616b/s", -ERANGE, { "has too many digits" } },
	{ "pattern=seq rate=18446744073709551.615Mb/s", -ERANGE, { "rate=18446744073709551.615Mb/s is too large" } },
	{ "pattern=seq rate=18446744073709551.615kb/s", 0, { NULL } },
	{ "pattern=seq rate=12345678901234567890123b/s", -ERANGE, { "has too many digits" } },
	{ "pattern=seq rate=1.8446744073709551616Gb/s", -ERANGE, { "has too many digits" } },
	{ "pattern=zipf theta=18446744073709551", -ERANGE, { "out of range: 0 .. 10" } },
	{ "pattern=zipf theta=99999999999999999999", -ERANGE, { "out of range: 0 .. 10" } },
	{ "pattern=zipf theta=10.0000001", -EINVAL, { "more than 6 decimal places" } },
};

static void errors(void **state)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		iommusim_traffic_cfg_t cfg;
		iommusim_error_t err = { 0 };
		int rc = iommusim_traffic_parse(bad[i].spec, &cfg, &err);
		if (rc != bad[i].code)
			fail_msg("'%s': code %d, want %d (%s)", bad[i].spec, rc, bad[i].code, err.msg);
		if (rc)
			assert_int_equal(err.code, rc);
		for (int m = 0; m < 3 && bad[i].msg[m]; m++)
			if (!strstr(err.msg, bad[i].msg[m]))
				fail_msg("'%s': message '%s' lacks '%s'", bad[i].spec, err.msg, bad[i].msg[m]);
	}
}

/* Configurations built in code reach the same checks. */
static void code_built(void **state)
{
	iommusim_traffic_cfg_t c;
	iommusim_error_t err = { 0 };

	assert_int_equal(iommusim_traffic_cfg_check(NULL, &err), -EINVAL);

	iommusim_traffic_cfg_default(&c, IOMMUSIM_TRAFFIC_SEQ);
	assert_int_equal(iommusim_traffic_cfg_check(&c, &err), 0);
	c.pattern = (iommusim_traffic_pattern_t)17;
	assert_int_equal(iommusim_traffic_cfg_check(&c, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "pattern 17 is not one of"));

	iommusim_traffic_cfg_default(&c, IOMMUSIM_TRAFFIC_SEQ);
	c.rate_unit = IOMMUSIM_TRAFFIC_RATE_BPS;
	c.rate = 0;
	assert_int_equal(iommusim_traffic_cfg_check(&c, &err), -ERANGE);
	assert_non_null(strstr(err.msg, "rate of 0 with a unit"));
	c.rate_unit = (iommusim_traffic_rate_unit_t)9;
	assert_int_equal(iommusim_traffic_cfg_check(&c, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "rate unit 9"));

	/* seq and stride take no mixed direction */
	iommusim_traffic_cfg_default(&c, IOMMUSIM_TRAFFIC_STRIDE);
	c.write_pct = 50;
	assert_int_equal(iommusim_traffic_cfg_check(&c, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "pattern=stride takes only reads (0) or writes (100)"));
	iommusim_traffic_cfg_default(&c, IOMMUSIM_TRAFFIC_ZIPF);
	c.write_pct = 101;
	assert_int_equal(iommusim_traffic_cfg_check(&c, &err), -ERANGE);

	/* zipf theta above 10 */
	iommusim_traffic_cfg_default(&c, IOMMUSIM_TRAFFIC_ZIPF);
	c.theta_ppm = 10000001;
	assert_int_equal(iommusim_traffic_cfg_check(&c, &err), -ERANGE);
	assert_non_null(strstr(err.msg, "theta=10.000001 is out of range"));

	/* nic and storage resolve their 0 defaults; the caller's copy is untouched */
	iommusim_traffic_cfg_default(&c, IOMMUSIM_TRAFFIC_NIC);
	c.write_pct = 0;   /* ignored: a NIC receives */
	c.buf = 6000;
	c.ring = 10;
	assert_int_equal(iommusim_traffic_cfg_check(&c, &err), 0);
	assert_int_equal(c.window, 0);
	iommusim_traffic_t *t = iommusim_traffic_create(&c, &err);
	assert_non_null(t);
	assert_int_equal(iommusim_traffic_cfg(t)->window, 10 * 8192);
	assert_int_equal(iommusim_traffic_cfg(t)->write_pct, 100);
	iommusim_traffic_destroy(t);

	iommusim_traffic_cfg_default(&c, IOMMUSIM_TRAFFIC_STORAGE);
	c.block = 3u << 20;   /* natural alignment 1M */
	t = iommusim_traffic_create(&c, &err);
	assert_non_null(t);
	assert_int_equal(iommusim_traffic_cfg(t)->align, 1u << 20);
	iommusim_traffic_destroy(t);
	c.block = 512;        /* natural alignment 512, raised to the page */
	t = iommusim_traffic_create(&c, &err);
	assert_non_null(t);
	assert_int_equal(iommusim_traffic_cfg(t)->align, 4096);
	iommusim_traffic_destroy(t);
}

static void format_canonical(void **state)
{
	char buf[512];
	iommusim_traffic_cfg_t c = parse_ok("pattern=seq span=1M size=4K count=1000 rate=10Gbps write=1");
	int n = iommusim_traffic_format(&c, buf, sizeof(buf));
	const char *want = "pattern=seq base=0x100000 span=1M size=4K write=1 count=1000 rate=10Gb/s";
	assert_string_equal(buf, want);
	assert_int_equal(n, (int)strlen(want));

	c = parse_ok("pattern=zipf theta=0.5 pages=100 seed=3 write_pct=20 rate=1500op/s size=64");
	iommusim_traffic_format(&c, buf, sizeof(buf));
	assert_string_equal(buf, "pattern=zipf base=0x100000 size=64 theta=0.5 pages=100 page=4K "
				 "seed=3 write_pct=20 count=1000 rate=1500op/s");

	c = parse_ok("pattern=nic queues=4 ring=256 pkt=1500 buf=2K count=10000 rate=100Gbps");
	iommusim_traffic_format(&c, buf, sizeof(buf));
	assert_string_equal(buf, "pattern=nic base=0x100000 page=4K queues=4 ring=256 pkt=1500 buf=2K "
				 "window=0 uva=0x7f0000000000 count=10000 rate=100Gb/s");
	/* with rings, desc, cqe and rings follow window (rings=0 stays 0: resolved by create) */
	c = parse_ok("pattern=nic queues=4 desc=16 cqe=64 count=10");
	iommusim_traffic_format(&c, buf, sizeof(buf));
	assert_string_equal(buf, "pattern=nic base=0x100000 page=4K queues=4 ring=256 pkt=1500 buf=2K "
				 "window=0 desc=16 cqe=64 rings=0x0 uva=0x7f0000000000 count=10 rate=0");
	c = parse_ok("pattern=nic cqe=4K rings=0x40000000");
	iommusim_traffic_format(&c, buf, sizeof(buf));
	assert_non_null(strstr(buf, " window=0 desc=0 cqe=4K rings=0x40000000 uva="));

	c = parse_ok("pattern=storage block=128K span=1G seed=9 rate=1.25GB/s");
	iommusim_traffic_format(&c, buf, sizeof(buf));
	assert_string_equal(buf, "pattern=storage base=0x100000 span=1G block=128K align=0 page=4K "
				 "bufs=1 uva=0x7f0000000000 seed=9 write=0 count=1000 rate=10Gb/s");

}

static void format_round_trip(void **state)
{
	static const char *const specs[] = {
		"pattern=seq base=0 span=10000 size=1500 count=7 rate=0",
		"pattern=stride stride=24K span=20K size=4K write=1 rate=123456789b/s",
		"pattern=random seed=18446744073709551615 span=1T size=3 align=1 write_pct=1 rate=1kop/s",
		"pattern=zipf theta=0.000001 pages=1 page=1G size=1 rate=1000001b/s",
		"pattern=zipf theta=10 pages=4M write=1 rate=999Tb/s",
		"pattern=nic queues=64 ring=1 pkt=1 buf=1 window=1G page=4K uva=0 base=0",
		"pattern=nic queues=1024 ring=65536 desc=4K cqe=4K rings=0x800000000000",
		"pattern=nic desc=8 rings=0",
		"pattern=storage block=1 span=4K align=4K bufs=65536 page=4K uva=0x40000000 write_pct=99",
	};
	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		char a[512], b[512];
		iommusim_traffic_cfg_t c1, c2;
		iommusim_error_t err = { 0 };
		if (iommusim_traffic_parse(specs[i], &c1, &err))
			fail_msg("'%s': %s", specs[i], err.msg);
		iommusim_traffic_format(&c1, a, sizeof(a));
		if (iommusim_traffic_parse(a, &c2, &err))
			fail_msg("'%s' (from '%s'): %s", a, specs[i], err.msg);
		iommusim_traffic_format(&c2, b, sizeof(b));
		assert_string_equal(a, b);
		/* the configuration itself survives */
		assert_int_equal(c1.pattern, c2.pattern);
		assert_int_equal(c1.base, c2.base);
		assert_int_equal(c1.count, c2.count);
		assert_int_equal(c1.rate_unit, c2.rate_unit);
		assert_int_equal(c1.rate, c2.rate);
		assert_int_equal(c1.span, c2.span);
		assert_int_equal(c1.size, c2.size);
		assert_int_equal(c1.stride, c2.stride);
		assert_int_equal(c1.align, c2.align);
		assert_int_equal(c1.seed, c2.seed);
		assert_int_equal(c1.write_pct, c2.write_pct);
		assert_int_equal(c1.theta_ppm, c2.theta_ppm);
		assert_int_equal(c1.pages, c2.pages);
		assert_int_equal(c1.page, c2.page);
		assert_int_equal(c1.queues, c2.queues);
		assert_int_equal(c1.ring, c2.ring);
		assert_int_equal(c1.pkt, c2.pkt);
		assert_int_equal(c1.buf, c2.buf);
		assert_int_equal(c1.window, c2.window);
		assert_int_equal(c1.desc, c2.desc);
		assert_int_equal(c1.cqe, c2.cqe);
		assert_int_equal(c1.rings, c2.rings);
		assert_int_equal(c1.block, c2.block);
		assert_int_equal(c1.bufs, c2.bufs);
		assert_int_equal(c1.uva, c2.uva);
		/* nothing in the text needs quoting in a stream line */
		assert_null(strpbrk(a, "\"#$\\'()[]{}<>;`"));
	}
}

static void format_edges(void **state)
{
	iommusim_traffic_cfg_t c = parse_ok("pattern=seq");
	char small[10];
	char full[256];
	int need = iommusim_traffic_format(&c, full, sizeof(full));
	assert_true(need > 10);
	assert_int_equal(iommusim_traffic_format(&c, small, sizeof(small)), need);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_memory_equal(small, full, sizeof(small) - 1);
	assert_int_equal(iommusim_traffic_format(&c, NULL, 0), need);
	assert_int_equal(iommusim_traffic_format(NULL, full, sizeof(full)), -EINVAL);
	c.pattern = IOMMUSIM_TRAFFIC_NPATTERNS;
	assert_int_equal(iommusim_traffic_format(&c, full, sizeof(full)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(values),
		cmocka_unit_test(kv_form),
		cmocka_unit_test(errors),
		cmocka_unit_test(code_built),
		cmocka_unit_test(format_canonical),
		cmocka_unit_test(format_round_trip),
		cmocka_unit_test(format_edges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
