/* SPDX-License-Identifier: MIT */
/*
 * Sparse memory speed: 8-byte reads from touched pages (random within a working set of 64
 * pages scattered over the 52-bit space, and sequential), reads of untouched memory, 8-byte
 * writes, and the port's read64 on the built-in memory.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench/bench_util.h"
#include "iommusim/mem.h"

#define WS_PAGES   64u
#define ADDRS      8192u   /* power of two */

struct ctx {
	iommusim_mem_t *m;
	iommusim_mem_port_t port;
	uint64_t page[WS_PAGES];
	uint64_t addr[ADDRS];   /* random 8-byte-aligned addresses within the working set */
	uint64_t seq_base;      /* WS_PAGES contiguous touched pages */
};

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t read_random(void *arg, uint64_t n)
{
	struct ctx *c = arg;
	uint64_t sum = 0, v;
	for (uint64_t i = 0; i < n; i++) {
		iommusim_mem_read64(c->m, c->addr[i & (ADDRS - 1)], &v);
		sum += v;
	}
	return sum;
}

static uint64_t read_sequential(void *arg, uint64_t n)
{
	struct ctx *c = arg;
	const uint64_t span = WS_PAGES * IOMMUSIM_PAGE_SIZE;
	uint64_t sum = 0, v, off = 0;
	for (uint64_t i = 0; i < n; i++) {
		iommusim_mem_read64(c->m, c->seq_base + off, &v);
		sum += v;
		off = (off + 8) & (span - 1);
	}
	return sum;
}

static uint64_t read_untouched(void *arg, uint64_t n)
{
	struct ctx *c = arg;
	uint64_t sum = 0, v;
	for (uint64_t i = 0; i < n; i++) {
		/* the same offsets, in pages next to the working set that were never written */
		iommusim_mem_read64(c->m, c->addr[i & (ADDRS - 1)] ^ 0x100000000ull, &v);
		sum += v;
	}
	return sum;
}

static uint64_t write_random(void *arg, uint64_t n)
{
	struct ctx *c = arg;
	for (uint64_t i = 0; i < n; i++)
		iommusim_mem_write64(c->m, c->addr[i & (ADDRS - 1)], i);
	return n;
}

static uint64_t port_read_random(void *arg, uint64_t n)
{
	struct ctx *c = arg;
	uint64_t sum = 0, v;
	iommusim_time_t t = 0;
	for (uint64_t i = 0; i < n; i++) {
		iommusim_port_read64(&c->port, c->addr[i & (ADDRS - 1)], &v, t, &t);
		sum += v;
	}
	return sum + t;
}

static uint64_t port_read_buffer(void *arg, uint64_t n)
{
	struct ctx *c = arg;
	uint64_t sum = 0;
	uint8_t b[64];
	iommusim_time_t t = 0;
	for (uint64_t i = 0; i < n; i++) {
		iommusim_port_read(&c->port, c->addr[i & (ADDRS - 1)] & ~63ull, b, sizeof(b), t, &t);
		sum += b[i & 63];
	}
	return sum + t;
}

int main(void)
{
	struct ctx *c = calloc(1, sizeof(*c));
	if (!c)
		return 1;
	c->m = iommusim_mem_create(52);
	if (!c->m)
		return 1;
	uint64_t seed = 42;
	for (unsigned i = 0; i < WS_PAGES; i++) {
		/* below 2^51 so the ^2^32 untouched mirror stays in range */
		c->page[i] = (splitmix(&seed) & ((1ull << 51) - 1)) & ~(IOMMUSIM_PAGE_SIZE - 1);
		if (iommusim_mem_fill(c->m, c->page[i], (uint8_t)(i + 1), IOMMUSIM_PAGE_SIZE))
			return 1;
	}
	c->seq_base = 0x123400000000ull;
	if (iommusim_mem_fill(c->m, c->seq_base, 0x5a, WS_PAGES * IOMMUSIM_PAGE_SIZE))
		return 1;
	for (unsigned i = 0; i < ADDRS; i++) {
		uint64_t r = splitmix(&seed);
		c->addr[i] = c->page[r % WS_PAGES] + ((r >> 32) & (IOMMUSIM_PAGE_SIZE - 8));
	}
	iommusim_mem_port_init_mem(&c->port, c->m);
	iommusim_mem_port_set_latency(&c->port, 80000, 80000, 32);

	bench_run("mem_read64_random_64pages", read_random, c, 100e6);
	bench_run("mem_read64_sequential", read_sequential, c, 100e6);
	bench_run("mem_read64_untouched", read_untouched, c, 0);
	bench_run("mem_write64_random_64pages", write_random, c, 0);
	bench_run("port_read64_builtin_mem", port_read_random, c, 50e6);
	bench_run("port_read_64B_builtin_mem", port_read_buffer, c, 0);

	iommusim_mem_destroy(c->m);
	free(c);
	return 0;
}
