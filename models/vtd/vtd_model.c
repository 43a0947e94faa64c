/* SPDX-License-Identifier: MIT */
/*
 * The VT-d model as a component: its parameters, create/destroy/reset and the ops table.
 *
 * Capabilities come from parameters and are written into CAP/ECAP; everything advertised is
 * modelled and everything not advertised is refused as the specification says (the checks
 * live where the structures are decoded). Combinations the specification does not allow
 * (scalable mode without queued invalidation, nesting without both levels, ...) are refused
 * at create with a message naming the parameters.
 *
 * Timing parameters are in IOMMU cycles (vtd.clock_mhz, default 1000 MHz = 1 ns/cycle);
 * memory latency is the memory port's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iommusim/vtd.h"
#include "models/vtd/vtd_priv.h"

#define P_BOOL(n, d, h) \
	{ .name = (n), .type = IOMMUSIM_PARAM_BOOL, .help = (h), .def_u64 = (d), .max = 1 }
#define P_U64(n, d, lo, hi, u, h)                                                           \
	{ .name = (n), .type = IOMMUSIM_PARAM_U64, .help = (h), .unit = (u), .def_u64 = (d),  \
	  .min = (lo), .max = (hi) }
#define P_POW2(n, d, lo, hi, u, h)                                                          \
	{ .name = (n), .type = IOMMUSIM_PARAM_U64, .help = (h), .unit = (u), .def_u64 = (d),  \
	  .min = (lo), .max = (hi), .pow2 = true }
#define P_ENUM(n, d, ch, h) \
	{ .name = (n), .type = IOMMUSIM_PARAM_ENUM, .help = (h), .def_u64 = (d), .choices = (ch) }
#define P_DBL(n, d, lo, hi, u, h)                                                           \
	{ .name = (n), .type = IOMMUSIM_PARAM_DOUBLE, .help = (h), .unit = (u),                \
	  .def_double = (d), .dmin = (lo), .dmax = (hi) }

/* Same order as iommusim_cache_repl_t. */
static const char *const vtd_repl_choices[] = { "lru", "plru", "rr", "random", NULL };

#define VTD_CACHE_PARAMS(pfx, what, sets, ways)                                             \
	P_POW2("vtd." pfx ".sets", sets, 1, 65536, "sets", what ": number of sets"),          \
	P_U64("vtd." pfx ".ways", ways, 1, 64, "ways", what ": associativity (a power of two " \
	      "for plru)"),                                                                    \
	P_ENUM("vtd." pfx ".repl", 0, vtd_repl_choices, what ": replacement policy")

static const iommusim_param_def_t vtd_param_defs[] = {
	/* ---- CAP ---- */
	P_U64("vtd.version", 0x30, 0x10, 0xff, NULL,
	      "VER register: major version in bits 7:4, minor in 3:0"),
	P_U64("vtd.mgaw", 48, 30, 57, "bits", "CAP.MGAW: maximum guest address width"),
	P_U64("vtd.haw", 46, 32, 52, "bits",
	      "host address width (DMAR table): entry address bits at or above it are reserved"),
	P_U64("vtd.sagaw", 0x4, 0x2, 0xe, NULL,
	      "CAP.SAGAW: supported second-level widths, bit 1 = 39-bit (3-level), bit 2 = 48-bit "
	      "(4-level), bit 3 = 57-bit (5-level)"),
	P_U64("vtd.nd", 6, 0, 6, NULL, "CAP.ND: 2^(4 + 2*nd) domain IDs; DID bits above are reserved"),
	P_BOOL("vtd.cm", 0,
	       "CAP.CM caching mode: not-present context entries and leaves are cached (software "
	       "must invalidate after making an entry present)"),
	P_BOOL("vtd.rwbf", 0, "CAP.RWBF: write-buffer flushing required (GCMD.WBF works)"),
	P_U64("vtd.sllps", 3, 0, 3, NULL,
	      "CAP.SLLPS: second-level large pages, bit 0 = 2 MiB, bit 1 = 1 GiB"),
	P_BOOL("vtd.psi", 1, "CAP.PSI: page-selective IOTLB invalidation"),
	P_U64("vtd.mamv", 18, 0, 63, NULL, "CAP.MAMV: largest address mask of a page invalidation"),
	P_U64("vtd.nfr", 8, 1, 256, "records", "CAP.NFR: number of fault recording registers"),
	P_BOOL("vtd.fl1gp", 1, "CAP.FL1GP: first-level 1 GiB pages"),
	P_BOOL("vtd.fl5lp", 0, "CAP.FL5LP: first-level 5-level paging"),
	P_BOOL("vtd.esrtps", 0, "CAP.ESRTPS: SRTP also invalidates all caches"),
	/* ---- ECAP ---- */
	P_BOOL("vtd.c", 1, "ECAP.C: page walks are coherent"),
	P_BOOL("vtd.qi", 1, "ECAP.QI: queued invalidation"),
	P_BOOL("vtd.dt", 1, "ECAP.DT: device-TLBs (ATS translation and translated requests)"),
	P_BOOL("vtd.pt", 1, "ECAP.PT: pass-through translation type"),
	P_BOOL("vtd.sc", 1, "ECAP.SC: snoop control (SNP bit of second-level leaves)"),
	P_BOOL("vtd.nest", 1, "ECAP.NEST: nested (first level over second level) translation"),
	P_BOOL("vtd.prs", 1, "ECAP.PRS: page requests"),
	P_BOOL("vtd.ers", 0,
	       "ECAP.ERS: execute requests (rev. 3: ERE/SLEE/NXE/SMEP and the XD bit; later "
	       "revisions removed them: with 0, XD is ignored and execute requests are plain reads)"),
	P_BOOL("vtd.srs", 1, "ECAP.SRS: supervisor requests"),
	P_BOOL("vtd.eafs", 1, "ECAP.EAFS: extended accessed flag (PASID entry EAFE)"),
	P_BOOL("vtd.pasid", 1, "ECAP.PASID: requests with PASID"),
	P_U64("vtd.pss", 19, 0, 19, NULL, "ECAP.PSS: PASID width minus one"),
	P_BOOL("vtd.pds", 1, "ECAP.PDS: page-request drain in invalidation wait"),
	P_BOOL("vtd.smts", 1, "ECAP.SMTS: scalable-mode translation (RTADDR.TTM = 01b)"),
	P_BOOL("vtd.slads", 1, "ECAP.SLADS: second-level accessed/dirty bits (PASID entry SLADE)"),
	P_BOOL("vtd.slts", 1, "ECAP.SLTS: second-level translation in scalable mode"),
	P_BOOL("vtd.flts", 1, "ECAP.FLTS: first-level translation"),
	P_BOOL("vtd.smpwcs", 1, "ECAP.SMPWCS: scalable-mode page walks are coherent"),
	P_BOOL("vtd.rps", 1, "ECAP.RPS: RID_PASID field of scalable context entries"),
	P_BOOL("vtd.rprivs", 1, "ECAP.RPRIVS: RID_PRIV field of scalable context entries"),
	/* ---- caches ---- */
	VTD_CACHE_PARAMS("ctx_cache", "context cache", 16, 4),
	VTD_CACHE_PARAMS("pasid_cache", "PASID cache", 16, 4),
	VTD_CACHE_PARAMS("iotlb", "IOTLB", 64, 4),
	VTD_CACHE_PARAMS("pwc_fl", "first-level paging-structure cache", 8, 4),
	VTD_CACHE_PARAMS("pwc_sl", "second-level paging-structure cache", 8, 4),
	P_U64("vtd.cache_seed", 1, 0, 0xffffffffull, NULL,
	      "seed of the random replacement policy (each cache adds its index)"),
	/* ---- timing ---- */
	P_U64("vtd.clock_mhz", 1000, 1, 100000, "MHz", "IOMMU clock"),
	P_U64("vtd.walkers", 4, 1, 256, "slots", "page-walker slots (concurrent cache-miss walks)"),
	P_U64("vtd.lat.pipeline", 2, 0, 1000000, "cycles", "fixed cost of every translation"),
	P_U64("vtd.lat.ctx_cache", 2, 0, 1000000, "cycles", "context-cache lookup"),
	P_U64("vtd.lat.pasid_cache", 2, 0, 1000000, "cycles", "PASID-cache lookup"),
	P_U64("vtd.lat.iotlb", 2, 0, 1000000, "cycles", "IOTLB lookup"),
	P_U64("vtd.lat.pwc", 2, 0, 1000000, "cycles",
	      "paging-structure-cache lookup (all levels looked up together)"),
	P_U64("vtd.lat.walk_step", 2, 0, 1000000, "cycles",
	      "processing of each fetched table entry (memory latency is the port's)"),
	P_U64("vtd.lat.fault_record", 20, 0, 1000000, "cycles", "writing a fault record"),
	P_U64("vtd.lat.reg_inval", 100, 0, 1000000, "cycles",
	      "register-based invalidation (CCMD/IOTLB register), fixed part"),
	P_DBL("vtd.lat.inval_entry", 0.25, 0.0, 1000.0, "cycles",
	      "invalidation scan cost per cache entry examined"),
	P_U64("vtd.lat.wbf", 50, 0, 1000000, "cycles", "write-buffer flush (GCMD.WBF)"),
	/* ---- the invalidation and page request queues ---- */
	VTD_IQ_PARAM_DEFS
	VTD_PRQ_PARAM_DEFS
};

const iommusim_component_t iommusim_vtd_component = {
	.name = "vtd",
	.help = "Intel VT-d DMA remapping hardware",
	.params = vtd_param_defs,
	.nparams = sizeof(vtd_param_defs) / sizeof(vtd_param_defs[0]),
};

uint64_t *vtd_counter(struct vtd *v, const char *name, const char *help)
{
	char full[160];
	uint64_t *c;

	snprintf(full, sizeof(full), "%s.%s", v->instance, name);
	c = v->env.stats ? iommusim_stats_counter(v->env.stats, full, help) : NULL;
	return c ? c : &v->dummy_counter;
}

static bool pbool(const iommusim_params_t *ps, const char *n)
{
	return iommusim_params_bool(ps, n);
}

static int vtd_read_caps(struct vtd *v, const iommusim_params_t *ps, iommusim_error_t *err)
{
	uint64_t cap = 0, ecap = 0;
	unsigned sagaw = (unsigned)iommusim_params_u64(ps, "vtd.sagaw");
	unsigned mgaw = (unsigned)iommusim_params_u64(ps, "vtd.mgaw");

	v->cfg.ver = (uint32_t)iommusim_params_u64(ps, "vtd.version");
	v->cfg.mgaw = mgaw;
	v->cfg.haw = (unsigned)iommusim_params_u64(ps, "vtd.haw");
	v->cfg.nfr = (unsigned)iommusim_params_u64(ps, "vtd.nfr");
	v->cfg.mamv = (unsigned)iommusim_params_u64(ps, "vtd.mamv");

	if (sagaw & 1u)
		return iommusim_error_set(err, -EINVAL,
					  "vtd.sagaw=0x%x: bit 0 (30-bit, 2-level) is reserved; use bits "
					  "1..3 (0x2 39-bit, 0x4 48-bit, 0x8 57-bit)", sagaw);
	cap |= (uint64_t)iommusim_params_u64(ps, "vtd.nd") << VTD_CAP_ND_SHIFT;
	cap |= pbool(ps, "vtd.rwbf") ? VTD_CAP_RWBF : 0;
	cap |= pbool(ps, "vtd.cm") ? VTD_CAP_CM : 0;
	cap |= (uint64_t)sagaw << VTD_CAP_SAGAW_SHIFT;
	cap |= (uint64_t)(mgaw - 1) << VTD_CAP_MGAW_SHIFT;
	cap |= (uint64_t)VTD_IMPL_FRO << VTD_CAP_FRO_SHIFT;
	cap |= iommusim_params_u64(ps, "vtd.sllps") << VTD_CAP_SLLPS_SHIFT;
	cap |= pbool(ps, "vtd.psi") ? VTD_CAP_PSI : 0;
	cap |= (uint64_t)(v->cfg.nfr - 1) << VTD_CAP_NFR_SHIFT;
	cap |= (uint64_t)v->cfg.mamv << VTD_CAP_MAMV_SHIFT;
	cap |= pbool(ps, "vtd.fl1gp") ? VTD_CAP_FL1GP : 0;
	cap |= pbool(ps, "vtd.fl5lp") ? VTD_CAP_FL5LP : 0;
	cap |= pbool(ps, "vtd.esrtps") ? VTD_CAP_ESRTPS : 0;

	ecap |= pbool(ps, "vtd.c") ? VTD_ECAP_C : 0;
	ecap |= pbool(ps, "vtd.qi") ? VTD_ECAP_QI : 0;
	ecap |= pbool(ps, "vtd.dt") ? VTD_ECAP_DT : 0;
	ecap |= pbool(ps, "vtd.pt") ? VTD_ECAP_PT : 0;
	ecap |= pbool(ps, "vtd.sc") ? VTD_ECAP_SC : 0;
	ecap |= (uint64_t)VTD_IMPL_IRO << VTD_ECAP_IRO_SHIFT;
	ecap |= pbool(ps, "vtd.nest") ? VTD_ECAP_NEST : 0;
	ecap |= pbool(ps, "vtd.prs") ? VTD_ECAP_PRS : 0;
	ecap |= pbool(ps, "vtd.ers") ? VTD_ECAP_ERS : 0;
	ecap |= pbool(ps, "vtd.srs") ? VTD_ECAP_SRS : 0;
	ecap |= pbool(ps, "vtd.eafs") ? VTD_ECAP_EAFS : 0;
	ecap |= pbool(ps, "vtd.pasid") ? VTD_ECAP_PASID : 0;
	ecap |= iommusim_params_u64(ps, "vtd.pss") << VTD_ECAP_PSS_SHIFT;
	ecap |= pbool(ps, "vtd.pds") ? VTD_ECAP_PDS : 0;
	ecap |= pbool(ps, "vtd.smts") ? VTD_ECAP_SMTS : 0;
	ecap |= pbool(ps, "vtd.slads") ? VTD_ECAP_SLADS : 0;
	ecap |= pbool(ps, "vtd.slts") ? VTD_ECAP_SLTS : 0;
	ecap |= pbool(ps, "vtd.flts") ? VTD_ECAP_FLTS : 0;
	ecap |= pbool(ps, "vtd.smpwcs") ? VTD_ECAP_SMPWCS : 0;
	ecap |= pbool(ps, "vtd.rps") ? VTD_ECAP_RPS : 0;
	ecap |= pbool(ps, "vtd.rprivs") ? VTD_ECAP_RPRIVS : 0;

	/* Combinations the specification ties together (10.4.2, 10.4.3). */
	struct {
		uint64_t need_ecap;      /* this capability ... */
		uint64_t requires;       /* ... requires all of these */
		const char *msg;
	} deps[] = {
		{ VTD_ECAP_SMTS, VTD_ECAP_QI, "vtd.smts=1 requires vtd.qi=1 (scalable mode uses queued invalidation)" },
		{ VTD_ECAP_DT, VTD_ECAP_QI, "vtd.dt=1 requires vtd.qi=1 (device-TLB invalidation is queued)" },
		{ VTD_ECAP_FLTS, VTD_ECAP_SMTS, "vtd.flts=1 requires vtd.smts=1" },
		{ VTD_ECAP_SLTS, VTD_ECAP_SMTS, "vtd.slts=1 requires vtd.smts=1" },
		{ VTD_ECAP_NEST, VTD_ECAP_FLTS | VTD_ECAP_SLTS, "vtd.nest=1 requires vtd.flts=1 and vtd.slts=1" },
		{ VTD_ECAP_PASID, VTD_ECAP_SMTS, "vtd.pasid=1 requires vtd.smts=1" },
		{ VTD_ECAP_PRS, VTD_ECAP_SMTS | VTD_ECAP_DT, "vtd.prs=1 requires vtd.smts=1 and vtd.dt=1" },
		{ VTD_ECAP_PDS, VTD_ECAP_PRS, "vtd.pds=1 requires vtd.prs=1" },
		{ VTD_ECAP_ERS, VTD_ECAP_PASID, "vtd.ers=1 requires vtd.pasid=1 (execute requests carry a PASID)" },
		{ VTD_ECAP_SRS, VTD_ECAP_PASID, "vtd.srs=1 requires vtd.pasid=1 (supervisor requests carry a PASID)" },
		{ VTD_ECAP_EAFS, VTD_ECAP_FLTS, "vtd.eafs=1 requires vtd.flts=1" },
		{ VTD_ECAP_SLADS, VTD_ECAP_SLTS, "vtd.slads=1 requires vtd.slts=1" },
		{ VTD_ECAP_SMPWCS, VTD_ECAP_SMTS, "vtd.smpwcs=1 requires vtd.smts=1" },
		{ VTD_ECAP_RPS, VTD_ECAP_SMTS, "vtd.rps=1 requires vtd.smts=1" },
		{ VTD_ECAP_RPRIVS, VTD_ECAP_SMTS, "vtd.rprivs=1 requires vtd.smts=1" },
	};
	for (size_t i = 0; i < sizeof(deps) / sizeof(deps[0]); i++) {
		if ((ecap & deps[i].need_ecap) && (ecap & deps[i].requires) != deps[i].requires)
			return iommusim_error_set(err, -EINVAL, "%s (or turn it off)", deps[i].msg);
	}
	if ((cap & (VTD_CAP_FL1GP | VTD_CAP_FL5LP)) && !(ecap & VTD_ECAP_FLTS))
		return iommusim_error_set(err, -EINVAL,
					  "vtd.fl1gp / vtd.fl5lp describe first-level paging and require "
					  "vtd.flts=1 (or set them to 0)");
	v->cap = cap;
	v->ecap = ecap;
	return 0;
}

static iommusim_time_t cyc(const struct vtd *v, const iommusim_params_t *ps, const char *n)
{
	return iommusim_clock_cycles(&v->clk, iommusim_params_u64(ps, n));
}

static void vtd_read_timing(struct vtd *v, const iommusim_params_t *ps)
{
	v->lat.pipeline = cyc(v, ps, "vtd.lat.pipeline");
	v->lat.ctx = cyc(v, ps, "vtd.lat.ctx_cache");
	v->lat.pasid = cyc(v, ps, "vtd.lat.pasid_cache");
	v->lat.iotlb = cyc(v, ps, "vtd.lat.iotlb");
	v->lat.pwc = cyc(v, ps, "vtd.lat.pwc");
	v->lat.step = cyc(v, ps, "vtd.lat.walk_step");
	v->lat.fault = cyc(v, ps, "vtd.lat.fault_record");
	v->lat.reg_inval = cyc(v, ps, "vtd.lat.reg_inval");
	v->lat.wbf = cyc(v, ps, "vtd.lat.wbf");
	/* per-entry scan cost may be a fraction of a cycle: keep it in ps, rounded */
	v->lat.inval_entry = (iommusim_time_t)(iommusim_params_double(ps, "vtd.lat.inval_entry") *
					       (double)v->clk.period_ps + 0.5);
}

static void vtd_counters_init(struct vtd *v)
{
	struct vtd_counters *s = &v->st;
	static const char *const stage_name[2] = { "fl", "sl" };
	char name[64];

	s->ctx_hit = vtd_counter(v, "ctx_cache.hit", "context-cache hits");
	s->ctx_miss = vtd_counter(v, "ctx_cache.miss", "context-cache misses");
	s->pasid_hit = vtd_counter(v, "pasid_cache.hit", "PASID-cache hits");
	s->pasid_miss = vtd_counter(v, "pasid_cache.miss", "PASID-cache misses");
	s->iotlb_hit = vtd_counter(v, "iotlb.hit", "IOTLB hits");
	s->iotlb_miss = vtd_counter(v, "iotlb.miss", "IOTLB misses (incl. hits refused for "
				    "permission or a needed D update)");
	s->pwc_fl_hit = vtd_counter(v, "pwc_fl.hit", "first-level paging-structure-cache hits");
	s->pwc_fl_miss = vtd_counter(v, "pwc_fl.miss", "first-level paging-structure-cache misses");
	s->pwc_sl_hit = vtd_counter(v, "pwc_sl.hit", "second-level paging-structure-cache hits");
	s->pwc_sl_miss = vtd_counter(v, "pwc_sl.miss", "second-level paging-structure-cache misses");
	s->walks = vtd_counter(v, "walks", "page walks started");
	s->mem_reads = vtd_counter(v, "mem.reads", "structure reads through the memory port");
	s->mem_writes = vtd_counter(v, "mem.writes", "A/D updates written to memory");
	for (int st = 0; st < 2; st++) {
		for (int l = 1; l <= 5; l++) {
			snprintf(name, sizeof(name), "walk.%s.l%d.reads", stage_name[st], l);
			s->walk_reads[st][l] = vtd_counter(v, name, "paging-entry reads at this level");
		}
	}
	s->ctx_reads = vtd_counter(v, "mem.ctx_reads", "root and context entry reads");
	s->pasid_reads = vtd_counter(v, "mem.pasid_reads", "PASID directory and table reads");
	s->req[IOMMUSIM_REQ_UNTRANSLATED] = vtd_counter(v, "req.untranslated", "untranslated requests");
	s->req[IOMMUSIM_REQ_ATS_TRANSLATE] = vtd_counter(v, "req.ats", "ATS translation requests");
	s->req[IOMMUSIM_REQ_TRANSLATED] = vtd_counter(v, "req.translated", "translated requests");
	s->xlate_ok = vtd_counter(v, "xlate.ok", "requests answered OK");
	s->xlate_fault = vtd_counter(v, "xlate.fault", "requests blocked");
	s->xlate_pri = vtd_counter(v, "xlate.page_request", "ATS answers asking for a page request");
	s->fault_recorded = vtd_counter(v, "fault.recorded", "faults written to fault records");
	s->fault_fpd = vtd_counter(v, "fault.fpd", "qualified faults not recorded because of FPD");
	s->fault_overflow = vtd_counter(v, "fault.overflow", "faults lost to a full record set (PFO)");
	s->fault_irq = vtd_counter(v, "fault.irq", "fault event interrupts sent");
	s->inval_ctx = vtd_counter(v, "inval.ctx", "context-cache invalidations");
	s->inval_pasid = vtd_counter(v, "inval.pasid", "PASID-cache invalidations");
	s->inval_iotlb = vtd_counter(v, "inval.iotlb", "IOTLB invalidations");
	s->inval_piotlb = vtd_counter(v, "inval.piotlb", "PASID-based IOTLB invalidations");
	s->inval_dropped = vtd_counter(v, "inval.dropped", "cache entries dropped by invalidations");
	s->wait_ps = vtd_counter(v, "walker.wait_ps", "time requests waited for a walker slot (ps)");
	snprintf(name, sizeof(name), "%s.xlate.latency", v->instance);
	s->latency = iommusim_stats_hist(v->env.stats, name, "cycles",
					 "translation latency from issue to done");
}

static void vtd_reset(void *m, iommusim_time_t t)
{
	struct vtd *v = m;

	vtd_regs_reset(v);
	vtd_fault_reset(v);
	vtd_caches_flush(v);
	iommusim_resource_reset(&v->walkers);
	vtd_iq_reset(v, t);
	vtd_prq_reset(v, t);
}

static void vtd_destroy(void *m)
{
	struct vtd *v = m;

	if (!v)
		return;
	vtd_prq_fini(v);
	vtd_iq_fini(v);
	vtd_caches_fini(v);
	iommusim_resource_fini(&v->walkers);
	free(v->frcd);
	free(v);
}

static int vtd_create(const iommusim_params_t *ps, const iommusim_model_env_t *env, void **out,
		      iommusim_error_t *err)
{
	struct vtd *v;
	const char *inst;
	int rc;

	if (!ps || !env || !out)
		return iommusim_error_set(err, -EINVAL, "vtd: create needs parameters, an "
					  "environment and an output pointer");
	*out = NULL;
	if (!env->sched || !env->mem || !env->stats)
		return iommusim_error_set(err, -EINVAL, "vtd: the environment needs a scheduler, a "
					  "memory port and a stats registry (sched/mem/stats)");
	if (!iommusim_params_has(ps, "vtd.mgaw"))
		return iommusim_error_set(err, -EINVAL, "vtd: the parameter set has no \"vtd\" "
					  "component; add iommusim_vtd_component to it");
	inst = env->instance ? env->instance : "vtd";
	if (strlen(inst) == 0 || strlen(inst) >= sizeof(((struct vtd *)0)->instance))
		return iommusim_error_set(err, -EINVAL, "vtd: instance name \"%s\" must be 1..%zu "
					  "characters", inst,
					  sizeof(((struct vtd *)0)->instance) - 1);
	v = calloc(1, sizeof(*v));
	if (!v)
		return iommusim_error_set(err, -ENOMEM, "vtd: out of memory");
	v->env = *env;
	v->env.instance = v->instance;
	snprintf(v->instance, sizeof(v->instance), "%s", inst);

	rc = vtd_read_caps(v, ps, err);
	if (rc)
		goto fail;
	rc = iommusim_clock_init_hz(&v->clk, iommusim_params_u64(ps, "vtd.clock_mhz") * 1000000ull);
	if (rc) {
		iommusim_error_set(err, rc, "vtd.clock_mhz: not a usable clock");
		goto fail;
	}
	vtd_read_timing(v, ps);
	rc = iommusim_params_check(ps, err);
	if (rc)
		goto fail;
	vtd_counters_init(v);
	if (v->env.trace) {
		/* a stable process id per instance name, so several models share one trace */
		uint32_t h = 2166136261u;

		for (const char *c = v->instance; *c; c++)
			h = (h ^ (uint8_t)*c) * 16777619u;
		v->trace_pid = 1000 + h % 100000;
		iommusim_trace_track(v->env.trace, v->trace_pid, 1, v->instance, "translate");
		iommusim_trace_track(v->env.trace, v->trace_pid, 2, v->instance, "faults");
	}
	v->frcd = calloc(v->cfg.nfr, sizeof(*v->frcd));
	if (!v->frcd) {
		rc = iommusim_error_set(err, -ENOMEM, "vtd: out of memory");
		goto fail;
	}
	rc = vtd_caches_init(v, ps, err);
	if (rc)
		goto fail;
	rc = iommusim_resource_init(&v->walkers, (unsigned)iommusim_params_u64(ps, "vtd.walkers"));
	if (rc) {
		iommusim_error_set(err, rc, "vtd.walkers: cannot create the walker slots");
		goto fail;
	}
	rc = vtd_iq_init(v, ps, err);
	if (rc)
		goto fail;
	rc = vtd_prq_init(v, ps, err);
	if (rc) {
		vtd_iq_fini(v);
		goto fail;
	}
	vtd_reset(v, iommusim_sched_now(env->sched));
	*out = v;
	return 0;

fail:
	vtd_caches_fini(v);
	iommusim_resource_fini(&v->walkers);
	free(v->frcd);
	free(v);
	return rc;
}

static int vtd_device_msg(void *m, const iommusim_dev_msg_t *msg)
{
	struct vtd *v = m;

	if (!msg)
		return -EINVAL;
	switch (msg->kind) {
	case IOMMUSIM_MSG_ATS_INVAL_CPL:
		return vtd_iq_ats_completion(v, msg);
	case IOMMUSIM_MSG_PAGE_REQ:
		return vtd_prq_page_request(v, msg, vtd_page_request_check(v, msg) == 0);
	default:
		return -EINVAL;
	}
}

/* Only page requests are counted: an ATS invalidation completion is taken into account
 * when it is accepted, and the wait descriptors it releases still hold the invalidation
 * queue's head until they complete. */
static unsigned vtd_msgs_in_flight(void *m)
{
	return vtd_prq_in_flight(m);
}

const iommusim_model_ops_t iommusim_vtd_ops = {
	.name = "vtd",
	.component = &iommusim_vtd_component,
	.create = vtd_create,
	.destroy = vtd_destroy,
	.reset = vtd_reset,
	.mmio_read = vtd_mmio_read,
	.mmio_write = vtd_mmio_write,
	.translate = vtd_translate,
	.device_msg = vtd_device_msg,
	.msgs_in_flight = vtd_msgs_in_flight,
};
