/* SPDX-License-Identifier: MIT */
/*
 * Parameters of the VT-d driver ("drv.vtd.*"): the kernel's choices (mode, paging table,
 * flush policy and its thresholds), a fault-injection knob, the polling of synchronous
 * invalidations, and the CPU cost of the driver's own work.
 *
 * Defaults follow Linux: scalable mode when the hardware has it (intel_iommu=sm_on), a
 * first-level table for paging domains when ECAP.FLTS (first_level_by_default), batched
 * IOTLB + device-TLB invalidation with one wait per flush (qi_batch, Linux 6.12+), the
 * page-selective range covering the flushed range with one naturally aligned power of two
 * (calculate_psi_aligned_address) and domain-selective only past CAP.MAMV (inval_scope=auto;
 * domain and global force one granularity, to measure it), and a flush queue of 256 entries
 * or 10 ms (IOVA_FQ_SIZE, IOVA_FQ_TIMEOUT). The CPU costs describe the
 * core of the rIOMMU testbed (a 3.1 GHz Xeon, Malka et al., ASPLOS 2015), the machine whose
 * strict-unmap invalidation cost the defaults reproduce: a cached PTE store, an uncached MMIO
 * write (which takes effect when its cost has passed), an uncached MMIO read round trip, the
 * rest of one polling iteration, building one descriptor. docs/calibration.md gives each
 * figure's source and the published results the defaults reproduce.
 */
#include <errno.h>
#include <stddef.h>

#include "host-shim/drivers/vtd/vtd_drv_priv.h"

static const char *const mode_choices[] = { "scalable", "legacy", NULL };
static const char *const paging_choices[] = { "auto", "first-level", "second-level", NULL };
static const char *const flush_choices[] = { "strict", "deferred", "batched", NULL };
static const char *const psi_choices[] = { "cover", "chunks", NULL };
static const char *const scope_choices[] = { "auto", "domain", "global", NULL };

#define P_BOOL(n, d, h) \
	{ .name = (n), .type = IOMMUSIM_PARAM_BOOL, .help = (h), .def_u64 = (d), .max = 1 }
#define P_U64(n, d, lo, hi, u, h)                                                           \
	{ .name = (n), .type = IOMMUSIM_PARAM_U64, .help = (h), .unit = (u), .def_u64 = (d),  \
	  .min = (lo), .max = (hi) }
#define P_ENUM(n, d, ch, h) \
	{ .name = (n), .type = IOMMUSIM_PARAM_ENUM, .help = (h), .def_u64 = (d), .choices = (ch) }

static const iommusim_param_def_t vtd_drv_params[] = {
	P_ENUM("drv.vtd.mode", 0, mode_choices,
	       "translation table mode: scalable (RTADDR.TTM = 01b; falls back to legacy when "
	       "ECAP.SMTS is clear, as Linux does) or legacy"),
	P_ENUM("drv.vtd.paging", 0, paging_choices,
	       "table format of paging domains: auto (Linux: first level in scalable mode when "
	       "ECAP.FLTS, else second level; nest parents and dirty tracking always second "
	       "level), first-level, second-level"),
	P_ENUM("drv.vtd.flush", 2, flush_choices,
	       "IOTLB flush policy after unmap: strict (every descriptor its own synchronous "
	       "submit, Linux before 6.12), deferred (flush queue, domain-selective flush at "
	       "fq_size entries or fq_timeout_ns), batched (IOTLB and device-TLB descriptors of "
	       "one flush in one submit with one wait, Linux 6.12+)"),
	P_ENUM("drv.vtd.psi", 0, psi_choices,
	       "page-selective range: cover (one descriptor whose naturally aligned 2^AM pages "
	       "cover the range, Linux) or chunks (one descriptor per naturally aligned chunk, "
	       "exact)"),
	P_U64("drv.vtd.psi_threshold", 0, 0, 1ull << 40, "pages",
	      "a flush of more pages than this is domain-selective (PASID-selective for first "
	      "level); 0 = only when AM would exceed CAP.MAMV (Linux)"),
	P_ENUM("drv.vtd.inval_scope", 0, scope_choices,
	       "granularity of the IOTLB flush after unmap and of the flush queue's flush: auto "
	       "(page-selective, domain-selective past psi_threshold or CAP.MAMV; the flush queue "
	       "domain-selective; Linux), domain (always domain-selective, PASID-selective for "
	       "first level; device TLBs still by range after unmap), global (one IOTLB "
	       "invalidation with global granularity, which also drops every other domain's "
	       "entries, plus every device TLB of the domain whole)"),
	P_U64("drv.vtd.batch_max", 16, 1, 64, "descriptors",
	      "descriptors per batched submit before it is sent (QI_MAX_BATCHED_DESC_COUNT)"),
	P_U64("drv.vtd.fq_size", 256, 1, 1u << 20, "entries",
	      "deferred policy: queued unmaps that trigger the flush (IOVA_FQ_SIZE)"),
	P_U64("drv.vtd.fq_timeout_ns", 10000000, 1, 3600000000000ull, "ns",
	      "deferred policy: the flush queue is flushed this long after its first entry "
	      "(IOVA_FQ_TIMEOUT); runs from ops->advance"),
	P_BOOL("drv.vtd.skip_flush", 0,
	       "fault injection: skip the IOTLB/device-TLB flush after unmap (the stale-IOTLB "
	       "bug); page-table frames are still freed"),
	P_BOOL("drv.vtd.superpage", 1,
	       "use 2 MiB / 1 GiB pages where CAP.SLLPS / CAP.FL1GP allow (intel_iommu=sp_off "
	       "clears it)"),
	P_U64("drv.vtd.qi.poll_ns", 10, 1, 1000000000, "ns",
	      "one iteration of a polling loop besides its register read: cpu_relax (PAUSE, about "
	      "10 cycles before Skylake and 140 from Skylake on, Intel optimization manual) and "
	      "dropping and retaking the queue lock. qi_submit_sync reads FSTS in every "
	      "iteration (qi_check_fault), so the status word is looked at every "
	      "cost.mmio_read_ns + qi.poll_ns"),
	P_U64("drv.vtd.qi.timeout_ns", 1000000000, 1, 3600000000000ull, "ns",
	      "synchronous invalidation: give up with -ETIMEDOUT after this long (Linux waits "
	      "forever; a bound keeps a broken device from hanging a run); also bounds "
	      "register command waits"),
	P_U64("drv.vtd.cost.pte_ns", 2, 0, 1000000, "ns",
	      "CPU cost of writing one table entry (PTE, context or PASID entry qword)"),
	P_U64("drv.vtd.cost.mmio_write_ns", 100, 0, 1000000, "ns",
	      "CPU cost of one uncached MMIO register write; the write reaches the register when "
	      "it has passed (x86 keeps uncached accesses in order). Uncached MMIO stores leave "
	      "a core 50-300 ns apart (Intel developer forum, 'Why do MemReq TLPs take 100s "
	      "nanoseconds to be generated after MMIO writes?'); the on-die IOMMU is at the short "
	      "end"),
	P_U64("drv.vtd.cost.mmio_read_ns", 270, 0, 1000000, "ns",
	      "CPU cost of one uncached MMIO register read (a non-posted round trip to the "
	      "IOMMU's registers). No published VT-d register read latency was found: 270 ns "
	      "lies in the range of uncached accesses and is fitted with the other defaults to "
	      "the rIOMMU strict-unmap figure (docs/calibration.md)"),
	P_U64("drv.vtd.cost.desc_ns", 10, 0, 1000000, "ns",
	      "CPU cost of building one invalidation descriptor in the queue (qi_submit_sync "
	      "copies it into the ring and marks its status slot: cached stores, about 30 "
	      "cycles)"),
	P_U64("drv.vtd.cost.op_ns", 25, 0, 1000000, "ns",
	      "fixed CPU cost of entering one driver operation: an uncontended lock taken and "
	      "released with interrupts saved (about 50 cycles) and the domain and tag lookups, "
	      "about 80 cycles at 3.1 GHz"),
	P_U64("drv.vtd.cpu_mhz", 3100, 1, 100000, "MHz",
	      "clock of the CPU the driver runs on, used only to report the *_cycles statistics "
	      "as the papers do (TSC cycles); 3100: the 3.1 GHz Xeon of the rIOMMU testbed "
	      "(Malka et al., ASPLOS 2015)"),
};

const iommusim_component_t vtd_drv_component = {
	.name = "drv.vtd",
	.help = "VT-d host driver (intel-iommu behaviour): mode, paging format, flush policy, "
		"CPU costs",
	.params = vtd_drv_params,
	.nparams = sizeof(vtd_drv_params) / sizeof(vtd_drv_params[0]),
};

void vdrv_cfg_default(struct vdrv_cfg *c)
{
	c->legacy = false;
	c->paging = VDRV_PAGING_AUTO;
	c->policy = VDRV_FLUSH_BATCHED;
	c->psi_mode = VDRV_PSI_COVER;
	c->psi_threshold = 0;
	c->scope = VDRV_SCOPE_AUTO;
	c->batch_max = 16;
	c->fq_size = 256;
	c->fq_timeout = iommusim_time_from_ns(10000000);
	c->skip_flush = false;
	c->superpage = true;
	c->poll_step = iommusim_time_from_ns(10);
	c->qi_timeout = iommusim_time_from_ns(1000000000);
	c->cost_pte = iommusim_time_from_ns(2);
	c->cost_mmio_w = iommusim_time_from_ns(100);
	c->cost_mmio_r = iommusim_time_from_ns(270);
	c->cost_desc = iommusim_time_from_ns(10);
	c->cost_op = iommusim_time_from_ns(25);
	c->cpu_mhz = 3100;
}

int vdrv_cfg_read(struct vdrv_cfg *c, const iommusim_params_t *ps, iommusim_error_t *err)
{
	vdrv_cfg_default(c);
	if (!ps)
		return 0;
	if (!iommusim_params_has(ps, "drv.vtd.mode"))
		return iommusim_error_set(err, -EINVAL,
					  "vtd driver: the parameter set lacks the drv.vtd "
					  "component (add vtd_drv_component to it)");
	c->legacy = iommusim_params_enum(ps, "drv.vtd.mode") == 1;
	c->paging = (enum vdrv_paging_choice)iommusim_params_enum(ps, "drv.vtd.paging");
	c->policy = (enum vdrv_flush_policy)iommusim_params_enum(ps, "drv.vtd.flush");
	c->psi_mode = (enum vdrv_psi_mode)iommusim_params_enum(ps, "drv.vtd.psi");
	c->psi_threshold = iommusim_params_u64(ps, "drv.vtd.psi_threshold");
	c->scope = (enum vdrv_inval_scope)iommusim_params_enum(ps, "drv.vtd.inval_scope");
	c->batch_max = (unsigned)iommusim_params_u64(ps, "drv.vtd.batch_max");
	if (c->batch_max > VDRV_BATCH_MAX)
		c->batch_max = VDRV_BATCH_MAX;
	c->fq_size = iommusim_params_u64(ps, "drv.vtd.fq_size");
	c->fq_timeout = iommusim_time_from_ns(iommusim_params_u64(ps, "drv.vtd.fq_timeout_ns"));
	c->skip_flush = iommusim_params_bool(ps, "drv.vtd.skip_flush");
	c->superpage = iommusim_params_bool(ps, "drv.vtd.superpage");
	c->poll_step = iommusim_time_from_ns(iommusim_params_u64(ps, "drv.vtd.qi.poll_ns"));
	c->qi_timeout = iommusim_time_from_ns(iommusim_params_u64(ps, "drv.vtd.qi.timeout_ns"));
	c->cost_pte = iommusim_time_from_ns(iommusim_params_u64(ps, "drv.vtd.cost.pte_ns"));
	c->cost_mmio_w =
		iommusim_time_from_ns(iommusim_params_u64(ps, "drv.vtd.cost.mmio_write_ns"));
	c->cost_mmio_r =
		iommusim_time_from_ns(iommusim_params_u64(ps, "drv.vtd.cost.mmio_read_ns"));
	c->cost_desc = iommusim_time_from_ns(iommusim_params_u64(ps, "drv.vtd.cost.desc_ns"));
	c->cost_op = iommusim_time_from_ns(iommusim_params_u64(ps, "drv.vtd.cost.op_ns"));
	c->cpu_mhz = iommusim_params_u64(ps, "drv.vtd.cpu_mhz");
	if (c->cpu_mhz == 0)   /* the parameter's range forbids it; guard a hand-built set */
		c->cpu_mhz = 1;
	return iommusim_params_check(ps, err);
}

const char *vdrv_cfg_flush_differs(const struct vdrv_cfg *a, const struct vdrv_cfg *b)
{
	if (a->policy != b->policy)
		return "drv.vtd.flush";
	if (a->psi_mode != b->psi_mode)
		return "drv.vtd.psi";
	if (a->psi_threshold != b->psi_threshold)
		return "drv.vtd.psi_threshold";
	if (a->scope != b->scope)
		return "drv.vtd.inval_scope";
	if (a->batch_max != b->batch_max)
		return "drv.vtd.batch_max";
	if (a->fq_size != b->fq_size)
		return "drv.vtd.fq_size";
	if (a->fq_timeout != b->fq_timeout)
		return "drv.vtd.fq_timeout_ns";
	if (a->skip_flush != b->skip_flush)
		return "drv.vtd.skip_flush";
	return NULL;
}
