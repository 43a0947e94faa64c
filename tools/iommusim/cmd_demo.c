/* SPDX-License-Identifier: MIT */
/*
 * `iommusim demo`: the first thing to try. It builds a system with one VT-d IOMMU and one
 * PCIe device, programs the IOMMU by hand the way a driver does (root table, context entry,
 * a 4-level second-level page table in simulated memory; RTADDR, GCMD.SRTP, GCMD.TE), then
 * drives DMA through it and shows what happened: the data in memory, the translation cost
 * (IOTLB miss then hit), and a fault on an unmapped address read back from the fault
 * recording registers. Everything printed is computed by the model; the demo checks the DMA
 * data end to end and exits 1 if anything differs from what the tables say.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iommusim/hw/vtd_regs.h"
#include "iommusim/hw/vtd_tables.h"
#include "iommusim/iommusim.h"
#include "tools/iommusim/cli.h"

/* Where the demo's "driver" puts things in simulated physical memory. */
#define ROOT_TABLE   0x10000ull
#define CTX_TABLE    0x11000ull
#define SL_PML4      0x12000ull
#define SL_PDPT      0x13000ull
#define SL_PD        0x14000ull
#define SL_PT        0x15000ull
#define BUF_PA       UINT64_C(0x80000000)   /* 4 pages of "user" memory the device may access */
#define BUF_IOVA     0x100000ull
#define BIG_IOVA     0x40000000ull   /* a 2 MiB page */
#define BIG_PA       UINT64_C(0xc0000000)
#define DEV_BUS      3
#define DEV_DEVFN    0               /* 0000:03:00.0 */
#define DEV_DID      1

static void help(FILE *out)
{
	fprintf(out,
		"usage: iommusim demo [--json] [KEY=VALUE...]\n"
		"\n"
		"Builds one VT-d IOMMU with one PCIe device (0000:03:00.0), programs it by hand as a\n"
		"driver would (legacy-mode root and context tables, a 4-level second-level page\n"
		"table mapping 16 KiB at IOVA 0x100000 and a 2 MiB page at IOVA 0x40000000), then\n"
		"issues DMA and prints: the data as it landed in memory, each DMA's latency with the\n"
		"IOMMU's share (IOTLB miss and walk, then hits), and the fault recorded for a DMA to\n"
		"an unmapped IOVA, decoded from the fault recording registers.\n"
		"\n"
		"KEY=VALUE overrides any parameter (see 'iommusim params'), e.g.\n"
		"  iommusim demo mem.read_latency_ns=197 vtd.iotlb.sets=1\n"
		"\n"
		"options:\n"
		"  --json   also print every statistic as JSON at the end\n"
		"\n"
		"exit status: 0 if the DMA data and faults are what the tables say, 1 otherwise.\n");
}

struct demo {
	iommusim_system_t *sys;
	iommusim_model_t *vtd;
	iommusim_endpoint_t *ep;
	iommusim_mem_t *mem;
	int failures;
};

static void wr64(struct demo *d, uint64_t pa, uint64_t v)
{
	if (iommusim_mem_write64(d->mem, pa, v) != 0)
		d->failures++;
}

/* The tables a driver would build for: IOVA 0x100000..0x103fff -> BUF_PA (4 KiB pages, RW)
 * and IOVA 0x40000000 -> BIG_PA (one 2 MiB page, RW), domain DEV_DID, 48-bit (4-level). */
static void build_tables(struct demo *d)
{
	wr64(d, ROOT_TABLE + DEV_BUS * VTD_ROOT_ENTRY_SIZE, CTX_TABLE | VTD_RE_LO_P);
	uint64_t ce = CTX_TABLE + DEV_DEVFN * VTD_CTX_ENTRY_SIZE;
	wr64(d, ce, SL_PML4 | ((uint64_t)VTD_TT_MULTI_LEVEL << VTD_CE_LO_TT_SHIFT) | VTD_CE_LO_P);
	wr64(d, ce + 8, VTD_AW_48 | ((uint64_t)DEV_DID << VTD_CE_HI_DID_SHIFT));
	const uint64_t rw = VTD_SL_R | VTD_SL_W;
	wr64(d, SL_PML4 + 0 * 8, SL_PDPT | rw);                    /* IOVA[47:39] = 0 */
	wr64(d, SL_PDPT + 0 * 8, SL_PD | rw);                      /* IOVA[38:30] = 0 */
	wr64(d, SL_PDPT + 1 * 8, 0);                               /* 1 GiB..2 GiB: below */
	wr64(d, SL_PD + 0 * 8, SL_PT | rw);                        /* IOVA[29:21] = 0 */
	for (unsigned i = 0; i < 4; i++)                           /* IOVA[20:12] = 0x100.. */
		wr64(d, SL_PT + (0x100 + i) * 8, (BUF_PA + i * 4096) | rw);
	/* BIG_IOVA = 1 GiB: PDPT index 1 -> a second PD whose entry 0 is a 2 MiB leaf. */
	wr64(d, SL_PDPT + 1 * 8, (SL_PT + 0x1000) | rw);
	wr64(d, SL_PT + 0x1000, BIG_PA | VTD_SL_PS | rw);
}

static int mmio_write(struct demo *d, uint64_t off, unsigned size, uint64_t v)
{
	iommusim_sched_t *s = iommusim_system_sched(d->sys);
	return d->vtd->ops->mmio_write(d->vtd->impl, off, size, v, iommusim_sched_now(s));
}

static uint64_t mmio_read(struct demo *d, uint64_t off, unsigned size)
{
	uint64_t v = 0;
	iommusim_sched_t *s = iommusim_system_sched(d->sys);
	d->vtd->ops->mmio_read(d->vtd->impl, off, size, &v, iommusim_sched_now(s));
	return v;
}

/* GCMD takes one command at a time; software writes the current status plus the new bit
 * (VT-d spec 10.4.4) and waits for GSTS to follow. */
static int gcmd_set(struct demo *d, uint32_t cmd, uint32_t status_bit, const char *what)
{
	uint32_t gsts = (uint32_t)mmio_read(d, VTD_REG_GSTS, 4);
	uint32_t keep = gsts & (VTD_GSTS_TES | VTD_GSTS_QIES | VTD_GSTS_IRES | VTD_GSTS_CFIS);
	mmio_write(d, VTD_REG_GCMD, 4, keep | cmd);
	iommusim_sched_t *s = iommusim_system_sched(d->sys);
	for (int i = 0; i < 1000 && !(mmio_read(d, VTD_REG_GSTS, 4) & status_bit); i++)
		iommusim_sched_run_until(s, iommusim_sched_now(s) + 10 * IOMMUSIM_PS_PER_NS);
	if (!(mmio_read(d, VTD_REG_GSTS, 4) & status_bit)) {
		fprintf(stderr, "iommusim demo: GSTS did not report %s after GCMD\n", what);
		d->failures++;
		return -1;
	}
	printf("  GCMD.%-4s -> GSTS 0x%08" PRIx64 "\n", what, mmio_read(d, VTD_REG_GSTS, 4));
	return 0;
}

static void print_dma(const char *what, const iommusim_dma_result_t *r, iommusim_time_t start,
		      const char *extra)
{
	double ns = iommusim_time_to_ns(r->done - start);
	double iommu_ns = iommusim_time_to_ns(r->cost.wait_ps + r->cost.lookup_ps +
					      r->cost.mem_ps + r->cost.other_ps);
	printf("  %-34s %-6s %8.1f ns  (IOMMU %7.1f ns, %u table reads, IOTLB %s)%s\n", what,
	       r->status == IOMMUSIM_DMA_OK ? "ok" : "FAULT", ns, iommu_ns, r->cost.mem_reads,
	       (r->cost.hits & IOMMUSIM_XS_IOTLB) ? "hit" :
	       (r->cost.misses & IOMMUSIM_XS_IOTLB) ? "miss" : "-", extra ? extra : "");
}

static int dma(struct demo *d, bool write, uint64_t iova, void *buf, size_t len,
	       iommusim_dma_result_t *r, iommusim_time_t *start)
{
	iommusim_sched_t *s = iommusim_system_sched(d->sys);
	iommusim_dma_t req = { .write = write, .iova = iova, .len = len, .buf = buf };
	*start = iommusim_sched_now(s);
	int rc = iommusim_endpoint_dma(d->ep, &req, *start, r);
	if (rc == 0)
		iommusim_sched_run_until(s, iommusim_time_max(r->done, *start));
	return rc;
}

static void run_steps(struct demo *d)
{
	uint8_t out[256], in[256], mem[256];
	iommusim_dma_result_t r;
	iommusim_time_t t0;

	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(0xa5 ^ i);

	printf("\nDMA from device 0000:03:00.0:\n");
	/* 256 bytes at the end of the first page and the start of the second. */
	if (dma(d, true, BUF_IOVA + 0xf80, out, sizeof(out), &r, &t0) != 0) {
		d->failures++;
		return;
	}
	print_dma("write 256 B at IOVA 0x100f80", &r, t0, "");
	iommusim_mem_read(d->mem, BUF_PA + 0xf80, mem, sizeof(mem));
	bool same = r.status == IOMMUSIM_DMA_OK && memcmp(mem, out, sizeof(out)) == 0;
	printf("    memory at PA 0x%" PRIx64 ": %s\n", BUF_PA + 0xf80,
	       same ? "holds the 256 bytes written" : "DIFFERS from what was written");
	d->failures += !same;

	dma(d, false, BUF_IOVA + 0xf80, in, sizeof(in), &r, &t0);
	print_dma("read it back (same pages)", &r, t0, "");
	same = r.status == IOMMUSIM_DMA_OK && memcmp(in, out, sizeof(out)) == 0;
	printf("    data read: %s\n", same ? "matches" : "DIFFERS");
	d->failures += !same;

	uint64_t word = 0x1122334455667788ull, got = 0;
	dma(d, true, BIG_IOVA + 0x12345 * 8, &word, 8, &r, &t0);
	print_dma("write 8 B into the 2 MiB page", &r, t0, "");
	iommusim_mem_read64(d->mem, BIG_PA + 0x12345 * 8, &got);
	printf("    memory at PA 0x%" PRIx64 ": 0x%016" PRIx64 " (%s)\n",
	       BIG_PA + 0x12345 * 8, got, got == word ? "as written" : "WRONG");
	d->failures += got != word;

	dma(d, false, 0x200000, in, 8, &r, &t0);
	print_dma("read 8 B at unmapped IOVA 0x200000", &r, t0, "");
	d->failures += r.status != IOMMUSIM_DMA_FAULT;

	uint64_t cap = mmio_read(d, VTD_REG_CAP, 8);
	uint64_t fro = (cap & VTD_CAP_FRO_MASK) >> VTD_CAP_FRO_SHIFT;
	uint32_t fsts = (uint32_t)mmio_read(d, VTD_REG_FSTS, 4);
	unsigned fri = (fsts & VTD_FSTS_FRI_MASK) >> VTD_FSTS_FRI_SHIFT;
	uint64_t lo = mmio_read(d, VTD_REG_FRCD(fro, fri), 8);
	uint64_t hi = mmio_read(d, VTD_REG_FRCD(fro, fri) + 8, 8);
	uint32_t fr = (uint32_t)((hi & VTD_FRCD_HI_FR_MASK) >> VTD_FRCD_HI_FR_SHIFT);
	printf("\nFault recording register %u (FSTS 0x%08x):\n", fri, fsts);
	printf("  F=%d SID=%02x:%02x.%x %s addr=0x%" PRIx64 " reason 0x%02x: %s\n",
	       (hi & VTD_FRCD_HI_F) != 0, (unsigned)((hi & VTD_FRCD_HI_SID_MASK) >> 8),
	       (unsigned)((hi >> 3) & 0x1f), (unsigned)(hi & 7),
	       (hi & VTD_FRCD_HI_T1) ? "read" : "write", (uint64_t)(lo & VTD_FRCD_LO_FI_MASK), fr,
	       iommusim_vtd_fault_reason_name(fr));
	d->failures += !(hi & VTD_FRCD_HI_F) || (lo & VTD_FRCD_LO_FI_MASK) != 0x200000;
	size_t nmsi = iommusim_system_msi_count(d->sys);
	const iommusim_msi_record_t *m = nmsi ? iommusim_system_msi(d->sys, nmsi - 1) : NULL;
	if (m)
		printf("  fault event MSI: write 0x%x to 0x%" PRIx64 " at %.1f ns\n", m->data, m->addr,
		       iommusim_time_to_ns(m->time));
	else
		printf("  no fault event MSI was sent\n");
	d->failures += nmsi != 1;
}

static void print_counters(void *arg, const char *name, uint64_t value)
{
	(void)arg;
	if (value && (strstr(name, ".hit") || strstr(name, ".miss") || strstr(name, "walk") ||
		      strstr(name, "fault")))
		printf("  %-40s %" PRIu64 "\n", name, value);
}

static int run(int argc, char **argv)
{
	bool json = false;
	iommusim_error_t err;
	struct demo d = { 0 };
	int rc = CLI_EXIT_OK;
	iommusim_params_t *ps = iommusim_params_create_all();

	if (!ps)
		return cli_error("demo", CLI_EXIT_INTERNAL, "out of memory");
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (strchr(argv[i], '=')) {
			if (iommusim_params_set_kv(ps, argv[i], &err) != 0) {
				rc = cli_error("demo", CLI_EXIT_INPUT, "%s", err.msg);
				goto out;
			}
		} else {
			rc = cli_error("demo", CLI_EXIT_USAGE,
				       "unexpected argument '%s'; see 'iommusim demo --help'", argv[i]);
			goto out;
		}
	}

	d.sys = iommusim_system_create(ps, &err);
	if (!d.sys || iommusim_system_add_iommu(d.sys, "vtd", "vtd0", ps, &err) < 0) {
		rc = cli_error("demo", CLI_EXIT_INPUT, "%s", err.msg);
		goto out;
	}
	d.vtd = iommusim_system_iommu(d.sys, 0);
	d.mem = iommusim_system_mem(d.sys);
	iommusim_endpoint_cfg_t cfg;
	iommusim_endpoint_cfg_from_params(&cfg, ps);
	cfg.rid = (DEV_BUS << 8) | DEV_DEVFN;
	cfg.ats = false;   /* legacy TT=0 contexts serve untranslated requests only */
	d.ep = iommusim_system_add_endpoint(d.sys, 0, &cfg, "dev0", &err);
	if (!d.ep) {
		rc = cli_error("demo", CLI_EXIT_INPUT, "%s", err.msg);
		goto out;
	}

	printf("iommusim %s demo: one VT-d IOMMU (vtd0), one device (0000:03:00.0)\n",
	       iommusim_version());
	printf("  CAP 0x%016" PRIx64 "  ECAP 0x%016" PRIx64 "\n", mmio_read(&d, VTD_REG_CAP, 8),
	       mmio_read(&d, VTD_REG_ECAP, 8));
	build_tables(&d);
	printf("\nDriver: root table at 0x%llx, context for 03:00.0 -> domain %d, 4-level tables\n",
	       ROOT_TABLE, DEV_DID);
	/* Fault events: an MSI to the local APIC window, vector 0x40; FECTL.IM resets to 1. */
	mmio_write(&d, VTD_REG_FEADDR, 4, 0xfee00000u);
	mmio_write(&d, VTD_REG_FEDATA, 4, 0x40);
	mmio_write(&d, VTD_REG_FECTL, 4, 0);
	mmio_write(&d, VTD_REG_RTADDR, 8, ROOT_TABLE);   /* TTM = 00b: legacy mode */
	if (gcmd_set(&d, VTD_GCMD_SRTP, VTD_GSTS_RTPS, "SRTP") || gcmd_set(&d, VTD_GCMD_TE, VTD_GSTS_TES, "TE")) {
		rc = CLI_EXIT_FAIL;
		goto out;
	}
	run_steps(&d);

	printf("\nStatistics (non-zero cache, walk and fault counters):\n");
	iommusim_stats_foreach_counter(iommusim_system_stats(d.sys), print_counters, NULL);
	printf("\nSimulated time: %.1f ns\n",
	       iommusim_time_to_ns(iommusim_sched_now(iommusim_system_sched(d.sys))));
	if (json) {
		char *s = iommusim_stats_to_json(iommusim_system_stats(d.sys));
		if (s) {
			puts(s);
			free(s);
		}
	}
	if (d.failures) {
		printf("\ndemo: %d check(s) failed\n", d.failures);
		rc = CLI_EXIT_FAIL;
	} else {
		printf("\ndemo: all checks passed\n");
	}
out:
	iommusim_system_destroy(d.sys);
	iommusim_params_destroy(ps);
	return rc;
}

const cli_command_t cli_cmd_demo = {
	.name = "demo",
	.summary = "program a VT-d IOMMU by hand, run DMA through it and show the result",
	.run = run,
	.help = help,
};
