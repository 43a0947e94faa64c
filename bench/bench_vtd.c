/* SPDX-License-Identifier: MIT */
/*
 * Speed of the VT-d model's translate op on this machine:
 *  - vtd_iotlb_hit_legacy: legacy mode, context cache and IOTLB hit (target >= 20 M/s);
 *  - vtd_iotlb_hit_scalable: scalable mode, second level, context + PASID cache + IOTLB hit
 *    (target >= 20 M/s);
 *  - vtd_miss_4level: legacy 4-level walk on every translation: one-entry IOTLB and
 *    paging-structure caches and IOVAs in different 512 GiB regions, so each request reads
 *    4 paging entries through the memory port (target >= 3 M/s). The 64 PML4 entries share
 *    their lower tables, so the walk touches 4 table pages (host caches stay warm);
 *  - vtd_miss_4level_spread: the same with 64 separate table trees (256 table pages), which
 *    adds the sparse memory's page lookups on a cold host cache.
 * Requests cycle through a precomputed array of IOVAs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench_util.h"
#include "iommusim/iommusim.h"
#include "iommusim/vtd.h"

#define NIOVA 64u

typedef struct bench_vtd {
	iommusim_mem_t *mem;
	iommusim_mem_port_t port;
	iommusim_sched_t *sched;
	iommusim_stats_t *stats;
	iommusim_params_t *ps;
	void *m;
	uint64_t next;
	uint64_t iova[NIOVA];
	iommusim_xlate_req_t req;
} bench_vtd_t;

static void die(const char *what, const iommusim_error_t *err)
{
	fprintf(stderr, "bench_vtd: %s: %s\n", what, err ? err->msg : "");
	exit(1);
}

static uint64_t page(bench_vtd_t *b)
{
	uint64_t p = b->next;

	b->next += 0x1000;
	return p;
}

static void w64(bench_vtd_t *b, uint64_t pa, uint64_t v)
{
	if (iommusim_mem_write64(b->mem, pa, v))
		die("memory write", NULL);
}

static uint64_t r64(bench_vtd_t *b, uint64_t pa)
{
	uint64_t v = 0;

	iommusim_mem_read64(b->mem, pa, &v);
	return v;
}

/* Maps iova -> pa in a 4-level second-level tree (R/W everywhere). */
static void map4k(bench_vtd_t *b, uint64_t root, uint64_t iova, uint64_t pa)
{
	uint64_t t = root;

	for (unsigned l = 4; l > 1; l--) {
		uint64_t ea = t + ((iova >> (12 + 9 * (l - 1))) & 0x1ff) * 8, e = r64(b, ea);

		if (!(e & 3)) {
			e = page(b) | 3;
			w64(b, ea, e);
		}
		t = e & 0x000ffffffffff000ull;
	}
	w64(b, t + ((iova >> 12) & 0x1ff) * 8, pa | 3);
}

static void mmio(bench_vtd_t *b, uint64_t off, unsigned size, uint64_t v)
{
	if (iommusim_vtd_ops.mmio_write(b->m, off, size, v, 0))
		die("register write", NULL);
}

static void setup(bench_vtd_t *b, const char *const *params, bool scalable, bool spread,
		  bool alias)
{
	iommusim_error_t err;
	iommusim_model_env_t env;
	uint64_t root, slpt, ctp;

	memset(b, 0, sizeof(*b));
	b->mem = iommusim_mem_create(40);
	b->sched = iommusim_sched_create();
	b->stats = iommusim_stats_create();
	b->ps = iommusim_params_create();
	if (!b->mem || !b->sched || !b->stats || !b->ps)
		die("out of memory", NULL);
	iommusim_mem_port_init_mem(&b->port, b->mem);
	iommusim_mem_port_set_latency(&b->port, 100000, 50000, 0);
	if (iommusim_params_add(b->ps, &iommusim_vtd_component, &err))
		die("params", &err);
	for (const char *const *p = params; p && *p; p++)
		if (iommusim_params_set_kv(b->ps, *p, &err))
			die("params", &err);
	memset(&env, 0, sizeof(env));
	env.sched = b->sched;
	env.mem = &b->port;
	env.stats = b->stats;
	if (iommusim_vtd_ops.create(b->ps, &env, &b->m, &err))
		die("create", &err);

	b->next = 0x100000;
	root = page(b);
	slpt = page(b);
	ctp = page(b);
	w64(b, root + 16 * 1, ctp | 1);                     /* bus 1 */
	if (!scalable) {
		w64(b, ctp, slpt | 1);                      /* devfn 0: TT 0 */
		w64(b, ctp + 8, 2 | (5 << 8));              /* AW 48, DID 5 */
	} else {
		uint64_t dir = page(b), ptbl = page(b);

		w64(b, ctp, dir | 1);                       /* P, PDTS 0 */
		w64(b, dir, ptbl | 1);
		w64(b, ptbl, slpt | (2 << 6) | (2 << 2) | 1);   /* SL-only, AW 48 */
		w64(b, ptbl + 8, 5);                        /* DID 5 */
	}
	for (unsigned i = 0; i < NIOVA; i++) {
		b->iova[i] = spread ? ((uint64_t)i << 39) | 0x1000 : 0x1000ull * (i + 1);
		if (alias && i > 0)
			w64(b, slpt + 8 * i, r64(b, slpt));   /* PML4E i -> the PDPT of entry 0 */
		else
			map4k(b, slpt, b->iova[i], 0x40000000ull + 0x1000ull * i);
	}
	mmio(b, 0x20, 8, root | (scalable ? 1u << 10 : 0));
	mmio(b, 0x18, 4, 1u << 30);
	mmio(b, 0x18, 4, 1u << 31);
	b->req.rid = 0x0100;
	b->req.size = 64;
	b->req.access = IOMMUSIM_ACC_READ;
	b->req.type = IOMMUSIM_REQ_UNTRANSLATED;
}

static void teardown(bench_vtd_t *b)
{
	iommusim_vtd_ops.destroy(b->m);
	iommusim_params_destroy(b->ps);
	iommusim_stats_destroy(b->stats);
	iommusim_sched_destroy(b->sched);
	iommusim_mem_destroy(b->mem);
}

static uint64_t run(void *arg, uint64_t n)
{
	bench_vtd_t *b = arg;
	iommusim_xlate_resp_t resp;
	uint64_t sum = 0;

	for (uint64_t i = 0; i < n; i++) {
		b->req.iova = b->iova[i & (NIOVA - 1)];
		b->req.issue = i * 1000;
		iommusim_vtd_ops.translate(b->m, &b->req, &resp);
		sum += resp.addr + resp.cost.mem_reads;
	}
	return sum;
}

/* Checks the path really is the one measured. */
static void expect_reads(bench_vtd_t *b, unsigned want)
{
	iommusim_xlate_resp_t resp;

	for (unsigned i = 0; i < 2 * NIOVA; i++) {
		b->req.iova = b->iova[i & (NIOVA - 1)];
		iommusim_vtd_ops.translate(b->m, &b->req, &resp);
	}
	if (resp.status != IOMMUSIM_XLATE_OK || resp.cost.mem_reads != want) {
		fprintf(stderr, "bench_vtd: expected %u reads per translation, got %u (status %d)\n",
			want, resp.cost.mem_reads, resp.status);
		exit(1);
	}
}

int main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : "";
	static const char *const hit[] = { "vtd.iotlb.sets=64", "vtd.iotlb.ways=4", NULL };
	static const char *const miss[] = { "vtd.iotlb.sets=1", "vtd.iotlb.ways=1",
					    "vtd.pwc_sl.sets=1", "vtd.pwc_sl.ways=1", NULL };
	bench_vtd_t *b = malloc(sizeof(*b));

	if (!b)
		return 1;
	if (!*only || strchr(only, 'l')) {
		setup(b, hit, false, false, false);
		expect_reads(b, 0);
		bench_run("vtd_iotlb_hit_legacy", run, b, 20e6);
		teardown(b);
	}
	if (!*only || strchr(only, 's')) {
		setup(b, hit, true, false, false);
		expect_reads(b, 0);
		bench_run("vtd_iotlb_hit_scalable", run, b, 20e6);
		teardown(b);
	}
	if (*only && !strchr(only, 'm'))
		goto out;

	setup(b, miss, false, true, true);
	expect_reads(b, 4);
	bench_run("vtd_miss_4level", run, b, 3e6);
	teardown(b);
	setup(b, miss, false, true, false);
	expect_reads(b, 4);
	bench_run("vtd_miss_4level_spread", run, b, 3e6);
	teardown(b);
out:
	free(b);
	return 0;
}
