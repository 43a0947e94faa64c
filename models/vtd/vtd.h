/* SPDX-License-Identifier: MIT */
/*
 * Internal state of the VT-d model. Only files in models/vtd/ include this.
 * The translation side (registers, tables, walks, caches, faults) and the queues (vtd_iq.h,
 * vtd_prq.h) share it; the queues use only the fields marked "shared".
 */
#ifndef VTD_H
#define VTD_H

#include <stdbool.h>
#include <stdint.h>

#include "iommusim/cache.h"
#include "iommusim/model.h"
#include "iommusim/resource.h"
#include "iommusim/stats.h"
#include "iommusim/time.h"
#include "models/vtd/vtd_inval.h"
#include "models/vtd/vtd_iq.h"
#include "models/vtd/vtd_prq.h"

/* Capability configuration read from the "vtd.*" parameters (the rest is in cap/ecap). */
struct vtd_cfg {
	unsigned haw;            /* host address width: entry address bits above it are reserved */
	unsigned mgaw;           /* maximum guest address width */
	unsigned nfr;            /* fault recording registers */
	unsigned mamv;
	uint32_t ver;
};

/* Latencies, converted to picoseconds at create (parameters are in IOMMU cycles). */
struct vtd_timing {
	iommusim_time_t pipeline;    /* fixed cost of every translation */
	iommusim_time_t ctx;         /* context-cache lookup */
	iommusim_time_t pasid;       /* PASID-cache lookup */
	iommusim_time_t iotlb;       /* IOTLB lookup */
	iommusim_time_t pwc;         /* paging-structure-cache lookup (all levels in parallel) */
	iommusim_time_t step;        /* processing of one fetched table entry */
	iommusim_time_t fault;       /* writing a fault record */
	iommusim_time_t reg_inval;   /* register-based invalidation, fixed part */
	iommusim_time_t inval_entry; /* per cache entry scanned by an invalidation */
	iommusim_time_t wbf;         /* write-buffer flush */
};

/* Counters "<instance>.<name>" (see vtd_model.c for the names). */
struct vtd_counters {
	uint64_t *ctx_hit, *ctx_miss, *pasid_hit, *pasid_miss, *iotlb_hit, *iotlb_miss;
	uint64_t *pwc_fl_hit, *pwc_fl_miss, *pwc_sl_hit, *pwc_sl_miss;
	uint64_t *walks, *mem_reads, *mem_writes;
	uint64_t *walk_reads[2][6];           /* [0 first level, 1 second level][level] */
	uint64_t *ctx_reads, *pasid_reads;    /* root/context and PASID dir/table reads */
	uint64_t *req[3];                     /* by iommusim_req_type_t */
	uint64_t *xlate_ok, *xlate_fault, *xlate_pri;
	uint64_t *fault_recorded, *fault_fpd, *fault_overflow, *fault_irq;
	uint64_t *inval_ctx, *inval_pasid, *inval_iotlb, *inval_piotlb, *inval_dropped;
	uint64_t *wait_ps;
	iommusim_hist_t *latency;             /* translation latency, IOMMU cycles */
};

struct vtd {
	/* shared: what the model is connected to */
	iommusim_model_env_t env;
	char instance[32];
	iommusim_clock_t clk;          /* the IOMMU clock */

	/* shared: capability registers as advertised */
	uint64_t cap, ecap;

	/* shared: FSTS (read through vtd_fsts_set / the MMIO path) */
	uint32_t fsts;

	/* shared: queue state, owned by vtd_iq.c / vtd_prq.c */
	struct vtd_iq iq;
	struct vtd_prq prq;

	/* the rest belongs to the translation side */
	struct vtd_cfg cfg;
	struct vtd_timing lat;
	struct vtd_counters st;

	/* registers */
	uint32_t gsts;
	uint64_t rtaddr;               /* as written */
	uint64_t rta_active;           /* root table address latched by SRTP */
	unsigned ttm_active;           /* TTM latched by SRTP */
	uint64_t ccmd;
	iommusim_time_t ccmd_busy_until;   /* ICC reads 1 until then */
	uint64_t iotlb_reg, iva;
	iommusim_time_t iotlb_busy_until;  /* IVT reads 1 until then */
	iommusim_time_t wbf_busy_until;    /* GSTS.WBFS reads 1 until then */
	uint32_t fectl, fedata, feaddr, feuaddr;
	uint64_t (*frcd)[2];           /* cfg.nfr fault recording registers */
	unsigned frcd_next;            /* hardware index of the next record to write */
	unsigned frcd_pending;         /* records with F set (PPF = frcd_pending != 0) */

	/* caches */
	iommusim_cache_t *ctxc, *pasidc, *iotlb, *pwc_fl, *pwc_sl;
	unsigned tlb_sizes;            /* page-size codes ever inserted in the IOTLB (bit per code) */
	unsigned ctxc_mask, pasidc_mask, iotlb_mask, pwc_fl_mask, pwc_sl_mask;   /* sets - 1 */
	iommusim_resource_t walkers;
	uint64_t dummy_counter;        /* vtd_counter() result when the registry cannot allocate */
	uint32_t trace_pid;            /* trace process id of this instance (from its name) */
};

/* Sets FSTS bits (IQE, ICE, ITE, PRO, PPF, PFO) and, if FECTL allows, signals the fault
 * event interrupt (spec 7.3 / 10.4.10-13). */
void vtd_fsts_set(struct vtd *v, uint32_t bits, iommusim_time_t t);

/* Registers (or finds) the counter "<instance>.<name>". Never NULL: if the registry cannot
 * allocate, a private dummy slot is returned (the count is then not published). */
uint64_t *vtd_counter(struct vtd *v, const char *name, const char *help);

#endif
