/* SPDX-License-Identifier: MIT */
/*
 * Internal state of the VT-d driver (host-shim/drivers/vtd/). One concept per file:
 *   vtd_drv_params.c   parameters
 *   vtd_drv_core.c     instance life, bring-up, time and register helpers
 *   vtd_drv_qi.c       invalidation queue: descriptors, synchronous submit, batches
 *   vtd_drv_ctx.c      root/context tables, PASID directory and table entries
 *   vtd_drv_pgtable.c  the generic page-table walker; _fl.c / _sl.c the two formats
 *   vtd_drv_domain.c   paging domains: domain IDs, attach, map/unmap
 *   vtd_drv_cache.c    cache tags and their flushing (range, all, map), flush policies
 *   vtd_drv_dirty.c    second-level dirty tracking
 *   vtd_drv_nested.c   nested domains and user invalidations
 *   vtd_drv_prq.c      page requests and page responses
 *   vtd_drv_fault.c    fault recording registers and the fault log
 *   vtd_drv_ops.c      the drv_ops_t table (devices, default/blocked attach, hw_info)
 *   vtd_drv_stats.c    statistics registration
 */
#ifndef VTD_DRV_PRIV_H
#define VTD_DRV_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host-shim/drivers/driver.h"
#include "host-shim/drivers/vtd/vtd_drv.h"
#include "host-shim/uapi/iommufd_abi.h"
#include "iommusim/hw/vtd_queue.h"
#include "iommusim/hw/vtd_regs.h"
#include "iommusim/hw/vtd_tables.h"
#include "iommusim/mem.h"
#include "iommusim/model.h"
#include "iommusim/sched.h"
#include "iommusim/stats.h"

struct vdrv_iommu;
struct vdrv_domain;
struct vdrv_dev;

/* ---- parameters -------------------------------------------------------------------------- */

enum vdrv_paging_choice { VDRV_PAGING_AUTO, VDRV_PAGING_FL, VDRV_PAGING_SL };
enum vdrv_flush_policy { VDRV_FLUSH_STRICT, VDRV_FLUSH_DEFERRED, VDRV_FLUSH_BATCHED };
enum vdrv_psi_mode { VDRV_PSI_COVER, VDRV_PSI_CHUNKS };
/* drv.vtd.inval_scope: granularity of the IOTLB flush after unmap (and of the flush queue's) */
enum vdrv_inval_scope { VDRV_SCOPE_AUTO, VDRV_SCOPE_DOMAIN, VDRV_SCOPE_GLOBAL };

struct vdrv_cfg {
	bool legacy;                 /* drv.vtd.mode = legacy */
	enum vdrv_paging_choice paging;
	enum vdrv_flush_policy policy;
	enum vdrv_psi_mode psi_mode;
	uint64_t psi_threshold;      /* pages; 0 = only CAP.MAMV limits PSI */
	enum vdrv_inval_scope scope;
	unsigned batch_max;          /* descriptors per batched submit */
	uint64_t fq_size;
	iommusim_time_t fq_timeout;
	bool skip_flush;
	bool superpage;
	iommusim_time_t poll_step, qi_timeout;
	iommusim_time_t cost_pte, cost_mmio_w, cost_mmio_r, cost_desc, cost_op;
	uint64_t cpu_mhz;            /* for the statistics kept in CPU cycles */
};

/* Reads "drv.vtd.*" from ps (NULL: defaults). */
int vdrv_cfg_read(struct vdrv_cfg *c, const iommusim_params_t *ps, iommusim_error_t *err);
void vdrv_cfg_default(struct vdrv_cfg *c);
/* The first flush parameter (its name) in which a and b differ, NULL if none: a domain has one
 * flush policy, so units that would flush it differently do not share it. */
const char *vdrv_cfg_flush_differs(const struct vdrv_cfg *a, const struct vdrv_cfg *b);

/* ---- statistics ------------------------------------------------------------------------ */

#define VDRV_NDESC_TYPES 16

struct vdrv_stats {
	uint64_t *qi_submits, *qi_desc[VDRV_NDESC_TYPES], *qi_iqe, *qi_ite, *qi_timeouts;
	iommusim_hist_t *qi_wait, *unmap_inval, *qi_sync_cycles, *unmap_inval_cycles;
	iommusim_hist_t *fq_flush, *fq_flush_cycles, *fq_flush_entries;
	uint64_t *flush_strict, *flush_batched, *flush_deferred, *fq_full, *fq_timer, *fq_queued;
	uint64_t *flush_skipped, *flush_psi, *flush_dsi, *flush_global, *flush_devtlb;
	uint64_t *flush_cm_map;
	uint64_t *map_calls, *map_bytes, *map_4k, *map_2m, *map_1g;
	uint64_t *unmap_calls, *unmap_bytes, *unmap_sp_whole;
	uint64_t *pt_tables, *pt_freed, *pt_pte_writes;
	uint64_t *mmio_reads, *mmio_writes, *cpu_ps;
	uint64_t *prq_requests, *prq_bad, *prq_responses, *fault_records, *dirty_cleared;
	uint64_t unused;             /* slot of descriptor types never built */
};

int vdrv_stats_init(struct vdrv_iommu *v, iommusim_stats_t *st, const char *name,
		   iommusim_error_t *err);

/* ---- page tables ----------------------------------------------------------------------- */

/* One page-table format: how entries are made and read. The walker in vtd_drv_pgtable.c
 * does the rest. */
struct vdrv_pt_fmt {
	const char *name;
	uint64_t (*mk_table)(uint64_t pa);
	uint64_t (*mk_leaf)(uint64_t pa, unsigned level, unsigned prot);
	bool (*present)(uint64_t pte);
	uint64_t ps_bit;             /* large-page bit of levels 2 and 3 */
	uint64_t addr_mask;          /* address bits of a table entry */
	uint64_t dirty_bit;          /* hardware dirty bit, 0 if the format has none here */
};

extern const struct vdrv_pt_fmt vdrv_fmt_fl;   /* first level, IA-32e (9.7) */
extern const struct vdrv_pt_fmt vdrv_fmt_sl;   /* second level (9.8) */

/* Page frames removed from a table, freed once the caches cannot hold them any more. */
struct vdrv_freelist {
	uint64_t *pa;
	size_t n, cap;
};

struct vdrv_pt {
	const struct vdrv_pt_fmt *fmt;
	struct vdrv_iommu *v;
	uint64_t root;
	unsigned levels;             /* 3, 4 or 5 */
	uint64_t pgsize_bitmap;      /* 4 KiB plus the large pages allowed */
};

int vdrv_pt_init(struct vdrv_pt *pt, struct vdrv_iommu *v, const struct vdrv_pt_fmt *fmt,
		unsigned levels, uint64_t pgsize_bitmap, iommusim_error_t *err);
/* Frees every table, the root included (the caller guarantees no cache holds them). */
void vdrv_pt_destroy(struct vdrv_pt *pt);
/* Maps count pages of pgsize; *mapped gets the bytes mapped. A large page replacing an
 * empty lower table moves that table to fl and sets *flush_needed. */
int vdrv_pt_map(struct vdrv_pt *pt, uint64_t iova, uint64_t pa, uint64_t pgsize,
	       uint64_t count, unsigned prot, uint64_t *mapped, struct vdrv_freelist *fl,
	       bool *flush_needed, iommusim_error_t *err);
/* Unmaps size bytes at iova with intel-iommu's rule for large pages: a leaf larger than
 * the request is removed whole. Tables whose whole span lies inside the removed range go to
 * fl. Returns the bytes unmapped counted from iova (0 on a memory error) and the range
 * removed in [*start, *last]; *leaf gets the size of the first leaf met (0 if none). */
uint64_t vdrv_pt_unmap(struct vdrv_pt *pt, uint64_t iova, uint64_t size, struct vdrv_freelist *fl,
		      uint64_t *start, uint64_t *last, uint64_t *leaf);
/* Software walk: the leaf for iova. -ENOENT if unmapped, -EIO on a memory error. */
int vdrv_pt_lookup(const struct vdrv_pt *pt, uint64_t iova, uint64_t *pa, uint64_t *pte,
		  uint64_t *pte_pa, uint64_t *leaf_size);
/* Visits every present leaf overlapping [iova, iova + size): fn(ctx, base, size, pte_pa,
 * pte). Stops at the first non-zero return, which it returns. */
typedef int (*vdrv_pt_leaf_fn)(void *ctx, uint64_t base, uint64_t size, uint64_t pte_pa,
			      uint64_t pte);
int vdrv_pt_for_each_leaf(const struct vdrv_pt *pt, uint64_t iova, uint64_t size,
			 vdrv_pt_leaf_fn fn, void *ctx);

int vdrv_freelist_add(struct vdrv_freelist *fl, uint64_t pa);
/* Returns every frame of fl to the allocator. */
void vdrv_freelist_release(struct vdrv_iommu *v, struct vdrv_freelist *fl);

/* ---- cache tags (Linux struct cache_tag) --------------------------------------------------- */

enum vdrv_tag_type { VDRV_TAG_IOTLB, VDRV_TAG_DEVTLB, VDRV_TAG_NEST_IOTLB, VDRV_TAG_NEST_DEVTLB };

/* Tags name the IOMMU unit whose caches hold the translations (Linux cache_tag->iommu): a
 * domain attached behind several units flushes each unit through its own queue. */
struct vdrv_tag {
	enum vdrv_tag_type type;
	struct vdrv_iommu *iommu;
	uint16_t did;
	uint32_t pasid;
	struct vdrv_dev *dev;         /* device-TLB tags */
	unsigned users;
};

/* ---- domains --------------------------------------------------------------------------- */

/* A domain on one IOMMU unit it is attached behind (Linux struct iommu_domain_info in
 * dmar_domain->iommu_array): its domain ID there, held while any attachment there uses it. */
struct vdrv_dom_unit {
	struct vdrv_iommu *v;
	uint16_t did;
	unsigned refs;
};

/* A domain belongs to the unit that allocated it (its tables' frames, its flush policy and
 * flush queue, the CPU time of map and unmap) but may be attached to devices behind any unit
 * of the system (vtd_drv.h, "Units"): it then has a domain ID on each of them, and its page
 * tables are shared by all. */
struct vdrv_domain {
	drv_domain_t base;           /* first: drv_domain_t * converts to struct vdrv_domain * */
	struct vdrv_iommu *v;
	bool first_level;            /* PAGING: table format; NESTED: always (guest stage 1) */
	bool nest_parent, dirty_ops, dirty_tracking;
	bool kernel_default;         /* the per-device default domain (no PT support) */
	bool coherent;               /* PAGING: walks of the allocating unit snoop (ECAP.SMPWCS
					in scalable mode, ECAP.C in legacy mode) */
	unsigned agaw;               /* VTD_AW_* of the table depth */
	unsigned gaw;                /* address width in bits */
	struct vdrv_pt pt;
	struct vdrv_dom_unit *units; /* the units it is attached behind */
	size_t nunits, capunits;
	struct vdrv_tag *tags;
	size_t ntags, captags;
	struct vdrv_freelist fl;      /* frames waiting for the next flush */
	size_t fq_n;                 /* deferred policy: unmaps queued since the last flush */
	iommusim_time_t fq_deadline;
	/* NESTED */
	struct vdrv_domain *s2;
	struct uapi_iommu_hwpt_vtd_s1 s1;
	/* PAGING nest parent: its nested children */
	struct vdrv_domain **kids;
	size_t nkids, capkids;
};

static inline struct vdrv_domain *vdrv_dom(drv_domain_t *d)
{
	return (struct vdrv_domain *)(void *)d;
}

/* ---- devices (Linux struct device_domain_info) ----------------------------------------- */

enum vdrv_att { VDRV_ATT_BLOCKED = 0, VDRV_ATT_IDENTITY, VDRV_ATT_DOMAIN };

struct vdrv_pasid_att {
	uint32_t pasid;
	enum vdrv_att kind;           /* IDENTITY or DOMAIN */
	struct vdrv_domain *dom;
};

struct vdrv_dev {
	const pci_dev_t *pdev;
	uint16_t rid;
	uint16_t rids[2];            /* the RID and its DMA alias */
	unsigned nrids;
	bool ats, pri, pasid;        /* features the driver enabled */
	uint16_t pfsid;
	unsigned qdep;
	uint64_t pasid_dir;          /* scalable mode: PASID directory frame */
	uint64_t *pasid_tbl;         /* per directory entry: its PASID table frame, 0 = none */
	enum vdrv_att rid_att;
	struct vdrv_domain *rid_dom;
	struct vdrv_domain *def_dom;  /* kernel default paging domain (no ECAP.PT) */
	struct vdrv_pasid_att *patt;
	size_t npatt, cappatt;
};

#define VDRV_PASID_DIR_ENTRIES 512u   /* one 4 KiB directory: PASIDs below 2^15 */
#define VDRV_PASID_MAX_LOG2    15u
#define VDRV_FLPT_DEFAULT_DID  1u     /* Linux FLPT_DEFAULT_DID: identity / pass-through */
#define VDRV_FIRST_DID         2u     /* DIDs 0 and 1 are reserved */
#define VDRV_NO_PASID          0u     /* Linux IOMMU_NO_PASID = RID_PASID */

/* ---- the instance ------------------------------------------------------------------------ */

#define VDRV_BATCH_MAX 16u            /* Linux QI_MAX_BATCHED_DESC_COUNT */

/* Descriptors collected for one flush (Linux struct qi_batch), submitted according to the
 * flush policy: one synchronous submit each (strict) or together (batched). */
struct vdrv_batch {
	struct vdrv_iommu *owner;    /* the unit whose operation flushes (its CPU cursor) */
	struct vdrv_iommu *unit;     /* the unit the pending descriptors are for */
	uint64_t d[VDRV_BATCH_MAX][4];
	unsigned n;
	bool together;               /* submit together (else one by one) */
	int rc;
	iommusim_error_t err;
};

struct vdrv_iommu {
	drv_env_t env;
	iommusim_model_t *hw;
	iommusim_sched_t *sched;
	iommusim_mem_t *mem;
	struct vdrv_cfg cfg;
	char name[32];

	/* hardware */
	uint64_t cap, ecap;
	uint32_t ver;
	bool sm;                     /* scalable mode in use */
	bool qi;                     /* queued invalidation in use */
	bool dw;                     /* 256-bit descriptors */
	unsigned agaw, gaw, msagaw;  /* table depth code, its width, the largest supported */
	unsigned iro, fro, nfr;
	unsigned ndoms;
	uint32_t gcmd;               /* enabled persistent commands (TE, QIE) */
	uint64_t root;
	uint64_t ctx[256][2];        /* per bus: context table(s); legacy uses [0] */

	/* invalidation queue */
	uint64_t qi_base, qi_status;
	unsigned qi_entries, qi_shift, qi_tail;
	uint32_t qi_seq;

	/* page request queue */
	uint64_t prq_base;
	unsigned prq_entries;
	bool prq_on;

	/* domain IDs */
	uint8_t *did_map;

	/* the other units of the system this one knows (vtd_drv.h, "Units") */
	struct vdrv_iommu **peers;
	size_t npeers, cappeers;

	/* devices and domains */
	struct vdrv_dev **devs;
	size_t ndevs, capdevs;
	struct vdrv_domain **doms;    /* paging domains, for the flush-queue timer */
	size_t ndoms_live, capdoms;

	/* CPU time of the driver */
	iommusim_time_t t;
	int depth;                   /* nesting of begin/end */

	/* faults */
	vtd_drv_fault_t *faults;     /* ring of VTD_DRV_FAULT_LOG_MAX */
	size_t fault_head, nfaults;
	uint64_t faults_dropped;
	vtd_drv_fault_t *fault_view; /* oldest-first copy for vtd_drv_fault_log */

	iommusim_stats_t *stats;
	bool own_stats;
	struct vdrv_stats st;
};

static inline struct vdrv_iommu *vdrv_of(drv_iommu_t *i)
{
	return (struct vdrv_iommu *)(void *)i;
}

static inline drv_iommu_t *vtd_drv_iommu(struct vdrv_iommu *v)
{
	return (drv_iommu_t *)(void *)v;
}

static inline bool vdrv_ecap(const struct vdrv_iommu *v, uint64_t bit)
{
	return (v->ecap & bit) != 0;
}

static inline bool vdrv_capb(const struct vdrv_iommu *v, uint64_t bit)
{
	return (v->cap & bit) != 0;
}

static inline unsigned vdrv_aw_levels(unsigned aw)
{
	return aw + 2u;
}

static inline unsigned vdrv_aw_width(unsigned aw)
{
	return 30u + 9u * aw;
}

extern const drv_ops_t vtd_drv_ops;

/* ---- vtd_drv_core.c: time, registers, frames -------------------------------------------- */

/* An operation begins: the CPU cursor catches up with the scheduler; due flush-queue timers
 * run. Pairs with vdrv_end, which runs the scheduler up to the cursor. */
void vdrv_begin(struct vdrv_iommu *v);
void vdrv_end(struct vdrv_iommu *v);
/* Adds CPU time. */
void vdrv_cpu(struct vdrv_iommu *v, iommusim_time_t cost);
/* A span of simulated time in CPU cycles at drv.vtd.cpu_mhz, rounded to the nearest. */
uint64_t vdrv_cycles(const struct vdrv_iommu *v, iommusim_time_t span);
/* Runs the scheduler to the cursor (0, or -EBUSY from inside an event). */
int vdrv_sync(struct vdrv_iommu *v);
int vdrv_rd32(struct vdrv_iommu *v, uint64_t off, uint32_t *val);
int vdrv_rd64(struct vdrv_iommu *v, uint64_t off, uint64_t *val);
int vdrv_wr32(struct vdrv_iommu *v, uint64_t off, uint32_t val);
int vdrv_wr64(struct vdrv_iommu *v, uint64_t off, uint64_t val);
/* Polls a 32- or 64-bit register until (val & mask) == want or the time-out, as
 * IOMMU_WAIT_OP does: each iteration is one register read (cost.mmio_read_ns) and one
 * cpu_relax (qi.poll_ns); -ETIMEDOUT with a message naming what. */
int vdrv_wait_reg(struct vdrv_iommu *v, uint64_t off, unsigned size, uint64_t mask,
		 uint64_t want, const char *what, uint64_t *last, iommusim_error_t *err);
/* GCMD: sets (or clears) a persistent command and waits for its status bit; a one-shot
 * command (SRTP, WBF) waits for its status. */
int vdrv_gcmd(struct vdrv_iommu *v, uint32_t cmd, bool on, iommusim_error_t *err);
/* Write-buffer flush when CAP.RWBF asks for it (Linux iommu_flush_write_buffer). */
int vdrv_flush_write_buffer(struct vdrv_iommu *v, iommusim_error_t *err);

int vdrv_frame_alloc(struct vdrv_iommu *v, uint64_t *pa, iommusim_error_t *err);
void vdrv_frame_free(struct vdrv_iommu *v, uint64_t pa);
/* Table writes from the CPU: memory write plus CPU cost (pt.pte_writes). */
int vdrv_write_pte(struct vdrv_iommu *v, uint64_t pa, uint64_t val);
int vdrv_read_pte(const struct vdrv_iommu *v, uint64_t pa, uint64_t *val);

struct vdrv_dev *vdrv_dev_find(struct vdrv_iommu *v, const pci_dev_t *pdev);
struct vdrv_dev *vdrv_dev_find_rid(struct vdrv_iommu *v, uint16_t rid);
/* The device behind v or behind one of v's peers (Linux finds the unit from the device:
 * dev_iommu_priv_get); *unit gets the unit that probed it. NULL if none did. */
struct vdrv_dev *vdrv_dev_lookup(struct vdrv_iommu *v, const pci_dev_t *pdev,
				 struct vdrv_iommu **unit);

/* Units: v's operation does work on unit u (a domain attached behind several units). One CPU
 * does both: u's cursor catches up with v's before, v's with u's after. No-ops when u == v. */
void vdrv_cross_begin(struct vdrv_iommu *v, struct vdrv_iommu *u);
void vdrv_cross_end(struct vdrv_iommu *v, struct vdrv_iommu *u);
/* Makes a and b peers of each other (idempotent); -ENOMEM. */
int vdrv_peer_link(struct vdrv_iommu *a, struct vdrv_iommu *b);
/* v leaves: every peer forgets it. */
void vdrv_peer_unlink_all(struct vdrv_iommu *v);

/* ---- vtd_drv_qi.c ------------------------------------------------------------------------ */

#define VDRV_QI_OPT_DRAIN 1u          /* wait with page-request drain (PD) */

int vdrv_qi_init(struct vdrv_iommu *v, iommusim_error_t *err);
void vdrv_qi_fini(struct vdrv_iommu *v);
/* Submits n descriptors and one wait descriptor, then polls for completion. *inval (if
 * non-NULL) gets the time from the tail write to the observed completion. */
int vdrv_qi_submit_sync(struct vdrv_iommu *v, uint64_t (*d)[4], unsigned n, unsigned opts,
		       iommusim_time_t *inval, iommusim_error_t *err);
/* One invalidation, through the queue or (legacy without QI) the registers. */
int vdrv_inv_one(struct vdrv_iommu *v, const uint64_t d[4], iommusim_error_t *err);

/* Descriptor builders (6.5.2). d[0..3] are written whole. */
void vdrv_desc_cc(uint64_t d[4], unsigned g, uint16_t did, uint16_t sid, unsigned fm);
void vdrv_desc_iotlb(const struct vdrv_iommu *v, uint64_t d[4], unsigned g, uint16_t did,
		    uint64_t addr, unsigned am, bool ih);
/* npages 0 = every non-global mapping of (did, pasid) (granularity 2) */
void vdrv_desc_piotlb(uint64_t d[4], uint16_t did, uint32_t pasid, uint64_t addr,
		     unsigned am, bool all, bool ih);
void vdrv_desc_pc(uint64_t d[4], unsigned g, uint16_t did, uint32_t pasid);
/* size_order: 2^size_order pages at addr; >= 52 means everything */
void vdrv_desc_devtlb(uint64_t d[4], uint16_t sid, uint16_t pfsid, unsigned qdep, uint64_t addr,
		     unsigned size_order);
void vdrv_desc_pdevtlb(uint64_t d[4], uint16_t sid, uint16_t pfsid, uint32_t pasid,
		      unsigned qdep, uint64_t addr, unsigned size_order);
void vdrv_desc_pgrp(uint64_t d[4], uint16_t rid, bool pasid_valid, uint32_t pasid,
		   uint32_t prgi, unsigned code, bool lpig);

#define VDRV_G_GLOBAL 1u
#define VDRV_G_DOMAIN 2u
#define VDRV_G_PAGE   3u
#define VDRV_G_DEVICE 3u              /* context cache */
#define VDRV_PC_G_DOMAIN 0u           /* PASID cache: all PASIDs of a DID */
#define VDRV_PC_G_PASID  1u
#define VDRV_PC_G_GLOBAL 3u
#define VDRV_PIOTLB_G_PASID 2u        /* non-global mappings of (DID, PASID) */
#define VDRV_PIOTLB_G_PAGE  3u
#define VDRV_DEVTLB_ALL     52u       /* size order covering every address */

/* A batch flushed by an operation of unit v. */
void vdrv_batch_init(struct vdrv_iommu *v, struct vdrv_batch *b, bool together);
/* Adds a descriptor for unit u's queue; descriptors pending for another unit are submitted
 * there first (Linux cache.c flushes its qi_batch when the tag's IOMMU changes). */
void vdrv_batch_add(struct vdrv_iommu *u, struct vdrv_batch *b, const uint64_t d[4]);
/* Submits what is left; returns b->rc (the first error of any submit). */
int vdrv_batch_finish(struct vdrv_iommu *v, struct vdrv_batch *b);

/* ---- vtd_drv_ctx.c ----------------------------------------------------------------------- */

int vdrv_root_init(struct vdrv_iommu *v, iommusim_error_t *err);
void vdrv_root_fini(struct vdrv_iommu *v);
/* Scalable mode: allocates the PASID directory and writes the scalable context entries of
 * every RID of dev (intel_pasid_setup_sm_context). */
int vdrv_ctx_setup_sm(struct vdrv_iommu *v, struct vdrv_dev *d, iommusim_error_t *err);
/* Clears dev's context entries and flushes them (release). */
void vdrv_ctx_teardown(struct vdrv_iommu *v, struct vdrv_dev *d);
/* Legacy mode: context entries of dev translating through dom (NULL: pass-through). */
int vdrv_ctx_set_legacy(struct vdrv_iommu *v, struct vdrv_dev *d, struct vdrv_domain *dom,
		       iommusim_error_t *err);
/* Legacy mode: context entries cleared (blocked), with the flushes Linux does. */
void vdrv_ctx_clear_legacy(struct vdrv_iommu *v, struct vdrv_dev *d);

/* Scalable mode PASID entries: dom NULL = pass-through. Replaces a present entry with the
 * flushes of intel_pasid_flush_present; sets up a new one with pasid_flush_caches. */
int vdrv_pasid_set(struct vdrv_iommu *v, struct vdrv_dev *d, uint32_t pasid,
		  struct vdrv_domain *dom, iommusim_error_t *err);
/* Tears a PASID entry down with the flushes of intel_pasid_tear_down_entry. */
void vdrv_pasid_clear(struct vdrv_iommu *v, struct vdrv_dev *d, uint32_t pasid);
/* Sets or clears SLADE of a present entry, then flushes (dirty tracking). */
int vdrv_pasid_set_slade(struct vdrv_iommu *v, struct vdrv_dev *d, uint32_t pasid, bool on,
			iommusim_error_t *err);
void vdrv_pasid_free_tables(struct vdrv_iommu *v, struct vdrv_dev *d);
/* Global device-TLB invalidation of dev for pasid (devtlb_invalidation_with_pasid). */
void vdrv_devtlb_flush_pasid(struct vdrv_iommu *v, struct vdrv_dev *d, uint32_t pasid);

/* ---- vtd_drv_domain.c -------------------------------------------------------------------- */

int vdrv_domain_alloc_paging(struct vdrv_iommu *v, const pci_dev_t *pdev, uint32_t flags,
			    const drv_user_data_t *data, drv_domain_t **out,
			    iommusim_error_t *err);
/* domain_attach_iommu: references the domain on unit v, allocating its domain ID there on
 * the first reference (-ENOSPC when the unit has none left). */
int vdrv_did_get(struct vdrv_domain *d, struct vdrv_iommu *v, iommusim_error_t *err);
/* domain_detach_iommu: drops a reference; the last one frees the domain ID on v. */
void vdrv_did_put(struct vdrv_domain *d, struct vdrv_iommu *v);
/* The domain ID of d on unit v, -1 if d is not attached behind v. */
int vdrv_did_of(const struct vdrv_domain *d, const struct vdrv_iommu *v);
/* Puts dev's RID in dom (NULL with kind IDENTITY / BLOCKED): the hardware entries, the cache
 * tags and the domain ID references, as Linux's attach paths do. */
int vdrv_attach_rid(struct vdrv_iommu *v, struct vdrv_dev *d, enum vdrv_att kind,
		   struct vdrv_domain *dom, iommusim_error_t *err);
/* Same for a PASID (scalable mode). */
int vdrv_attach_pasid(struct vdrv_iommu *v, struct vdrv_dev *d, uint32_t pasid, enum vdrv_att kind,
		     struct vdrv_domain *dom, iommusim_error_t *err);
/* paging_domain_compatible: can unit v walk dom's tables (nested: its parent's)? Only
 * capabilities count (table format, large pages, address width, walk coherency, dirty
 * tracking, nesting), not which unit allocated it; -EINVAL naming the capability. */
int vdrv_domain_compatible(struct vdrv_iommu *v, struct vdrv_domain *dom, struct vdrv_dev *d,
			  iommusim_error_t *err);
void vdrv_domain_destroy(struct vdrv_domain *d);
/* Registers a domain with its instance (flush-queue timers, teardown). */
int vdrv_doms_add(struct vdrv_iommu *v, struct vdrv_domain *d);
extern const drv_domain_ops_t vdrv_paging_ops;
extern const drv_domain_ops_t vdrv_paging_dirty_ops;
/* attach_dev / set_dev_pasid of every domain kind of this driver */
int vdrv_domain_attach_dev(drv_domain_t *dd, const pci_dev_t *pdev, iommusim_error_t *err);
int vdrv_domain_set_dev_pasid(drv_domain_t *dd, const pci_dev_t *pdev, uint32_t pasid,
			     drv_domain_t *old, iommusim_error_t *err);
extern const drv_domain_ops_t vdrv_nested_ops;

/* ---- vtd_drv_cache.c --------------------------------------------------------------------- */

/* Tags of an attachment of d (behind unit v) with pasid; dom must hold a domain ID on v. */
int vdrv_tag_assign(struct vdrv_domain *dom, struct vdrv_iommu *v, struct vdrv_dev *d,
		    uint32_t pasid);
void vdrv_tag_unassign(struct vdrv_domain *dom, struct vdrv_iommu *v, struct vdrv_dev *d,
		       uint32_t pasid);
/* cache_tag_flush_range: [start, last] changed; ih: only leaves changed. */
void vdrv_flush_range(struct vdrv_domain *dom, uint64_t start, uint64_t last, bool ih,
		     struct vdrv_batch *b);
/* cache_tag_flush_all */
void vdrv_flush_all(struct vdrv_domain *dom, struct vdrv_batch *b);
/* cache_tag_flush_range_np (after map) */
void vdrv_flush_range_np(struct vdrv_domain *dom, uint64_t start, uint64_t last);
/* The effective policy of a domain (caching mode turns deferred into strict for second-level
 * tables, as intel_iommu_init does). */
enum vdrv_flush_policy vdrv_domain_policy(const struct vdrv_domain *dom);
/* iotlb_sync of an unmap: flush now or queue (deferred), at drv.vtd.inval_scope; frees the
 * domain's freelist once flushed. */
void vdrv_unmap_sync(struct vdrv_domain *dom, drv_gather_t *g);
/* Flushes the domain's flush queue (reason: full, timer or teardown) at drv.vtd.inval_scope
 * (auto: domain-selective); records its time and entries (fq.flush*). */
void vdrv_fq_flush(struct vdrv_domain *dom, uint64_t *reason_counter);
/* Runs the flush-queue timers that are due at the cursor. */
void vdrv_fq_timers(struct vdrv_iommu *v);

/* ---- vtd_drv_dirty.c --------------------------------------------------------------------- */

int vdrv_set_dirty_tracking(drv_domain_t *dd, bool enable, iommusim_error_t *err);
int vdrv_read_and_clear_dirty(drv_domain_t *dd, uint64_t iova, uint64_t size, unsigned flags,
			     drv_dirty_t *dirty, iommusim_error_t *err);

/* ---- vtd_drv_nested.c -------------------------------------------------------------------- */

int vdrv_domain_alloc_nested(struct vdrv_iommu *v, const pci_dev_t *pdev, drv_domain_t *parent,
			    uint32_t flags, const drv_user_data_t *data, drv_domain_t **out,
			    iommusim_error_t *err);
/* The checks intel_pasid_setup_nested makes of the stage-1 configuration. */
int vdrv_nested_check(struct vdrv_iommu *v, const struct vdrv_domain *dom, iommusim_error_t *err);

/* ---- vtd_drv_prq.c / vtd_drv_fault.c ----------------------------------------------------- */

int vdrv_prq_init(struct vdrv_iommu *v, iommusim_error_t *err);
void vdrv_prq_fini(struct vdrv_iommu *v);
/* Handles the page requests in the queue; returns how many. */
int vdrv_prq_poll(struct vdrv_iommu *v);
int vdrv_page_response(drv_iommu_t *iommu, const pci_dev_t *pdev,
		      const drv_page_response_t *resp, iommusim_error_t *err);

int vdrv_fault_init(struct vdrv_iommu *v, iommusim_error_t *err);
void vdrv_fault_fini(struct vdrv_iommu *v);
/* Drains the fault recording registers; returns how many records. */
int vdrv_fault_poll(struct vdrv_iommu *v);

#endif
