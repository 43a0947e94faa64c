/* SPDX-License-Identifier: MIT */
/*
 * Internal interfaces of the VT-d translation side: the per-request operation (time, cost,
 * walker slot, fault qualification), the decoded structures kept in the context and PASID
 * caches, the translation-relevant view of a request after context/PASID resolution, the
 * cache key packing, and the functions the translation files call in each other.
 */
#ifndef VTD_PRIV_H
#define VTD_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "iommusim/hw/vtd_regs.h"
#include "iommusim/hw/vtd_tables.h"
#include "iommusim/param.h"
#include "models/vtd/vtd.h"

/* Permission bits of a translation (same values as IOMMUSIM_ACC_READ/WRITE/EXEC). */
#define VTD_P_R 1u
#define VTD_P_W 2u
#define VTD_P_X 4u
#define VTD_P_ALL (VTD_P_R | VTD_P_W | VTD_P_X)

/* ---- one request in progress ------------------------------------------------------------ */
struct vtd_op {
	struct vtd *v;
	iommusim_time_t t;             /* current time of the request */
	iommusim_xlate_cost_t *cost;
	bool walker_held;
	unsigned walker_slot;
	bool fpd;                      /* an FPD bit was seen: qualified faults are not recorded */
	iommusim_time_t stage_max;     /* the slowest pipeline stage the request passed through */
};

static inline void vtd_op_begin(struct vtd_op *op, struct vtd *v, iommusim_time_t t,
				iommusim_xlate_cost_t *cost)
{
	op->v = v;
	op->t = t;
	op->cost = cost;
	op->walker_held = false;
	op->walker_slot = 0;
	op->fpd = false;
	op->stage_max = 0;
}
/* Takes a walker slot (once per request) before the first memory access. */
void vtd_op_walker(struct vtd_op *op);
void vtd_op_release(struct vtd_op *op);
/* Releases the walker slot (if taken) at the current time. */
static inline void vtd_op_end(struct vtd_op *op)
{
	if (op->walker_held)
		vtd_op_release(op);
}
/* Adds a cache lookup's latency; the lookup is one stage of the translation pipeline. */
static inline void vtd_op_lookup(struct vtd_op *op, iommusim_time_t lat)
{
	op->t += lat;
	op->cost->lookup_ps += lat;
	if (lat > op->stage_max)
		op->stage_max = lat;
}
/* Reads a structure through the memory port (takes a walker slot first) and adds the
 * per-entry processing step. stage: 0 first level, 1 second level (level 1..5), -1 root or
 * context entry, -2 PASID directory or table entry. Returns 0 or a negative errno. */
int vtd_op_read(struct vtd_op *op, uint64_t pa, void *buf, size_t len, int stage,
		unsigned level);
/* Writes a paging entry back (A/D update). */
int vtd_op_write64(struct vtd_op *op, uint64_t pa, uint64_t val);

/* ---- decoded context entry (the context-cache payload) ---------------------------------- */
struct vtd_ctx_info {
	uint8_t fault;                 /* != 0: negative entry (CM = 1): the fault it gave */
	uint8_t fpd;
	uint8_t sm;                    /* scalable-mode entry */
	uint8_t tt;                    /* legacy: translation type */
	uint8_t levels;                /* legacy: second-level levels (3..5) */
	uint8_t dte, paside, pre, pdts, rid_priv;   /* scalable */
	uint16_t did;                  /* legacy */
	uint32_t rid_pasid;            /* scalable */
	uint64_t slptptr;              /* legacy */
	uint64_t pasid_dir;            /* scalable */
};

/* ---- decoded PASID table entry (the PASID-cache payload) -------------------------------- */
struct vtd_pasid_info {
	uint16_t did;
	uint8_t pgtt, fpd;
	uint8_t sl_levels, fl_levels;
	uint8_t slee, slade, sre, ere, wpe, nxe, smep, eafe, pgsnp;
	uint64_t slptptr, flptptr;
};

/* What translates a request, after context (and PASID) resolution. */
enum vtd_kind {
	VTD_K_LEGACY = 0,   /* legacy second level */
	VTD_K_PT,           /* pass-through (legacy TT = 2 or PGTT = 4) */
	VTD_K_FL,           /* scalable: first level only */
	VTD_K_SL,           /* scalable: second level only */
	VTD_K_NESTED,       /* scalable: first level nested over second level */
};

struct vtd_dom {
	enum vtd_kind kind;
	bool sm;
	uint16_t did;
	uint16_t sid;
	uint32_t pasid;                /* tag PASID (request PASID or RID_PASID; legacy 0) */
	bool ats_ok;                   /* translation / translated requests allowed (TT=1 / DTE) */
	bool pri_ok;                   /* scalable context with PRE = 1 */
	bool priv;                     /* the request is supervisor (PASID PR bit or RID_PRIV) */
	unsigned sl_levels, fl_levels;
	uint64_t sl_root, fl_root;     /* fl_root is a GPA when nested */
	bool slee, slade, wpe, nxe, smep, eafe, pgsnp;
};

/* ---- context and PASID resolution (vtd_context.c) -------------------------------------- */
/* Context-cache miss: reads the root and context entries of sid into ci, checks them and
 * caches the result. Returns 0 or a fault reason. */
uint32_t vtd_context_miss(struct vtd_op *op, uint16_t sid, struct vtd_ctx_info *ci);
/* PASID-cache miss: reads the PASID directory and table entry of (sid, pasid) below the
 * scalable context ci into pi, checks and caches it. */
uint32_t vtd_pasid_miss(struct vtd_op *op, uint16_t sid, const struct vtd_ctx_info *ci,
			uint32_t pasid, struct vtd_pasid_info *pi);
/* Number of second-level levels for an AW field value, 0 if the value is not supported by
 * CAP.SAGAW. */
unsigned vtd_aw_levels(const struct vtd *v, unsigned aw);

/* ---- walks (vtd_walk.c) ----------------------------------------------------------------- */
struct vtd_walk_res {
	uint64_t out;                  /* output address of the input address */
	unsigned shift;                /* page size of the translation (12, 21, 30) */
	uint8_t perm_user, perm_sup;   /* VTD_P_* for user / supervisor requests */
	bool present;                  /* false: a not-present leaf (perms 0), CM may cache it */
	bool us_denied;                /* first level: some entry has U/S = 0 (user requests fail
					  with SGN.2) */
	bool dirty_ok;                 /* no D update is needed for a write */
	bool global;                   /* first-level G bit on the leaf */
};

/* Walks the tables of d for iova. access is IOMMUSIM_ACC_*; ats: a translation request
 * (permissions are computed, not enforced; A/D follow what is granted). Returns 0 (the
 * caller checks res perms against the access) or a structural fault reason. */
uint32_t vtd_walk(struct vtd_op *op, const struct vtd_dom *d, uint64_t iova, unsigned access,
		  bool ats, struct vtd_walk_res *res);
/* The VTD_P_* an access needs (a request with neither read nor write is a read). */
static inline unsigned vtd_access_need(unsigned access)
{
	unsigned need = access & (VTD_P_R | VTD_P_W | VTD_P_X);

	return (need & (VTD_P_R | VTD_P_W)) ? need : need | VTD_P_R;
}
/* The fault reason for an access that res does not permit (0 if it is permitted). */
uint32_t vtd_perm_fault(const struct vtd_dom *d, const struct vtd_walk_res *res,
			unsigned access);

/* ---- caches (vtd_caches.c) -------------------------------------------------------------- */
int vtd_caches_init(struct vtd *v, const iommusim_params_t *ps, iommusim_error_t *err);
void vtd_caches_fini(struct vtd *v);
void vtd_caches_flush(struct vtd *v);

/* IOTLB entries. */
struct vtd_tlb_entry {
	uint64_t out;                  /* output address of the first byte covered */
	uint8_t shift;
	uint8_t perm_user, perm_sup;
	uint8_t dirty_ok;
	uint8_t us_denied;             /* first level: user requests fail SGN.2 */
	uint8_t negative;              /* CM = 1: a cached not-present leaf */
	uint8_t fault;                 /* negative: its structural fault, 0 = permission fault */
};
/* IOTLB flags (cache flags from bit 8 on): which stages produced the entry. */
#define VTD_TLBF_FL (1u << 8)
#define VTD_TLBF_SL (1u << 9)

/* Cache key layouts. IOTLB and first-level PWC ctx: PASID in bits 19:0, DID in 35:20, then
 * the page-size code (IOTLB) or the level (PWC) from bit 36. Second-level PWC ctx: DID in
 * 15:0, level from bit 16. Tags of IOTLB and PWCs are 4 KiB page numbers of the input
 * address, masked to the range the entry covers. */
#define VTD_KEY_PASID_MASK  0xfffffull
#define VTD_KEY_DID_SHIFT   20
#define VTD_KEY_DID_MASK    (0xffffull << VTD_KEY_DID_SHIFT)
#define VTD_KEY_X_SHIFT     36
#define VTD_TLB_CTX(did, pasid, x)                                                      \
	(((uint64_t)(pasid) & VTD_KEY_PASID_MASK) | ((uint64_t)(did) << VTD_KEY_DID_SHIFT) | \
	 ((uint64_t)(x) << VTD_KEY_X_SHIFT))
#define VTD_SLPWC_CTX(did, level) ((uint64_t)(did) | ((uint64_t)(level) << 16))
#define VTD_SLPWC_DID_MASK  0xffffull

/* Set selection (the caller chooses the set, cache.h): mixes the structure's own index bits
 * with the DID so domains spread. Inline: the lookups below are on the hit path. */
static inline unsigned vtd_iotlb_set(const struct vtd *v, uint16_t did, uint64_t iova,
				     unsigned shift)
{
	return (unsigned)(((iova >> shift) ^ ((uint64_t)did << 3)) & v->iotlb_mask);
}
static inline unsigned vtd_ctxc_set(const struct vtd *v, uint16_t sid)
{
	return (unsigned)(((uint64_t)sid ^ ((uint64_t)sid >> 8)) & v->ctxc_mask);
}
static inline unsigned vtd_pasidc_set(const struct vtd *v, uint16_t sid, uint32_t pasid)
{
	return (unsigned)(((uint64_t)pasid ^ ((uint64_t)sid * 0x9e37u)) & v->pasidc_mask);
}
#define VTD_PASIDC_TAG(sid, pasid) (((uint64_t)(sid) << 20) | (pasid))

/* Looks d/iova up in the IOTLB (4 KiB, 2 MiB, 1 GiB in turn, each only if such entries were
 * ever inserted). NULL on a miss. */
static inline struct vtd_tlb_entry *vtd_iotlb_lookup(struct vtd *v, const struct vtd_dom *d,
						     uint64_t iova)
{
	uint64_t tag = iova >> VTD_PAGE_SHIFT;

	for (unsigned s = 0; s < 3; s++) {
		if (!(v->tlb_sizes & (1u << s)))
			continue;
		struct vtd_tlb_entry *e = (struct vtd_tlb_entry *)iommusim_cache_lookup(
			v->iotlb, vtd_iotlb_set(v, d->did, iova, 12 + 9 * s), tag,
			VTD_TLB_CTX(d->did, d->pasid, s), NULL);
		if (e)
			return e;
	}
	return NULL;
}
void vtd_iotlb_insert(struct vtd *v, const struct vtd_dom *d, uint64_t iova,
		      const struct vtd_tlb_entry *e, bool global);

/* Context cache (key: source-id and mode). */
static inline struct vtd_ctx_info *vtd_ctxc_lookup(struct vtd *v, uint16_t sid, bool sm)
{
	return (struct vtd_ctx_info *)iommusim_cache_lookup(v->ctxc, vtd_ctxc_set(v, sid), sid, sm,
							    NULL);
}
void vtd_ctxc_insert(struct vtd *v, uint16_t sid, bool sm, const struct vtd_ctx_info *ci);
/* PASID cache (key: source-id and PASID; DID in the payload). */
static inline struct vtd_pasid_info *vtd_pasidc_lookup(struct vtd *v, uint16_t sid,
						       uint32_t pasid)
{
	return (struct vtd_pasid_info *)iommusim_cache_lookup(
		v->pasidc, vtd_pasidc_set(v, sid, pasid), VTD_PASIDC_TAG(sid, pasid), 0, NULL);
}
void vtd_pasidc_insert(struct vtd *v, uint16_t sid, uint32_t pasid,
		       const struct vtd_pasid_info *pi);

/* Paging-structure caches. An entry caches a non-leaf entry of `level` (2..5): the next
 * table's host address and the permissions accumulated from the top down to it. */
struct vtd_pwc_entry {
	uint64_t next;                 /* host address of the level-1 lower table */
	uint64_t next_gpa;             /* nested first level: its guest-physical address */
	uint8_t rw, us, xd;            /* first level: AND of R/W, AND of U/S, OR of XD */
	uint8_t r, w, x;               /* second level: AND of R, W, X */
	uint8_t sl_w;                  /* nested first level: SL allows writes to the table */
	uint8_t sl_dirty;              /* nested first level: SL D already set for the table */
};
const struct vtd_pwc_entry *vtd_pwc_lookup(struct vtd *v, bool fl, const struct vtd_dom *d,
					   uint64_t addr, unsigned level);
void vtd_pwc_insert(struct vtd *v, bool fl, const struct vtd_dom *d, uint64_t addr,
		    unsigned level, const struct vtd_pwc_entry *e);

/* ---- cached resolution (hit path inline) ------------------------------------------------ */
/* The context entry of sid: context cache, else vtd_context_miss into buf. Returns 0 or a
 * fault reason; on success *out points at the decoded entry (the cache payload or buf),
 * valid until the context cache next changes. */
static inline uint32_t vtd_context_get(struct vtd_op *op, uint16_t sid,
				       const struct vtd_ctx_info **out, struct vtd_ctx_info *buf)
{
	struct vtd *v = op->v;
	const struct vtd_ctx_info *c;

	vtd_op_lookup(op, v->lat.ctx);
	c = vtd_ctxc_lookup(v, sid, v->ttm_active == VTD_TTM_SCALABLE);
	if (c) {
		(*v->st.ctx_hit)++;
		op->cost->hits |= IOMMUSIM_XS_CONFIG;
		*out = c;
		op->fpd |= c->fpd;
		return c->fault;
	}
	*out = buf;
	return vtd_context_miss(op, sid, buf);
}

/* The PASID table entry of (sid, pasid) below the scalable context ci, likewise. */
static inline uint32_t vtd_pasid_get(struct vtd_op *op, uint16_t sid,
				     const struct vtd_ctx_info *ci, uint32_t pasid,
				     const struct vtd_pasid_info **out, struct vtd_pasid_info *buf)
{
	struct vtd *v = op->v;
	const struct vtd_pasid_info *c;

	/* SCT.7: the PASID directory has 2^(PDTS + 7) entries. */
	if ((pasid >> VTD_PASID_DIR_SHIFT) >> (ci->pdts + 7))
		return VTD_FR_SCT_7;
	vtd_op_lookup(op, v->lat.pasid);
	c = vtd_pasidc_lookup(v, sid, pasid);
	if (c) {
		(*v->st.pasid_hit)++;
		op->cost->hits |= IOMMUSIM_XS_PASID;
		*out = c;
		op->fpd |= c->fpd;
		return 0;
	}
	*out = buf;
	return vtd_pasid_miss(op, sid, ci, pasid, buf);
}

/* ---- faults (vtd_fault.c) --------------------------------------------------------------- */
struct vtd_fault {
	uint32_t reason;
	uint16_t sid;
	bool pasid_valid;
	uint32_t pasid;
	uint64_t addr;
	unsigned access;               /* IOMMUSIM_ACC_* of the request */
	iommusim_req_type_t type;
};
/* Records a non-recoverable fault (primary fault logging, 7.2.1) unless op->fpd suppresses a
 * qualified one. Adds the recording time to op. */
void vtd_fault_report(struct vtd_op *op, const struct vtd_fault *f);
/* True for the fault reasons FPD can suppress. */
bool vtd_fault_qualified(uint32_t reason);
void vtd_fault_reset(struct vtd *v);
/* FRCD register access (off relative to the first record); 0 or -EINVAL. */
int vtd_frcd_read(struct vtd *v, uint64_t off, unsigned size, uint64_t *val);
int vtd_frcd_write(struct vtd *v, uint64_t off, unsigned size, uint64_t val, iommusim_time_t t);
uint32_t vtd_fsts_read(const struct vtd *v);
void vtd_fsts_write(struct vtd *v, uint32_t val, iommusim_time_t t);
void vtd_fectl_write(struct vtd *v, uint32_t val, iommusim_time_t t);

/* ---- MMIO (vtd_mmio.c) ------------------------------------------------------------------ */
int vtd_mmio_read(void *m, uint64_t off, unsigned size, uint64_t *val, iommusim_time_t t);
int vtd_mmio_write(void *m, uint64_t off, unsigned size, uint64_t val, iommusim_time_t t);
void vtd_regs_reset(struct vtd *v);

/* ---- translation (vtd_translate.c) ------------------------------------------------------ */
void vtd_translate(void *m, const iommusim_xlate_req_t *req, iommusim_xlate_resp_t *resp);
/* The page-request admission check for device_msg: 0 if the context of (rid, pasid) has
 * PRE = 1, else the fault reason (recorded). */
uint32_t vtd_page_request_check(struct vtd *v, const iommusim_dev_msg_t *msg);

/* ---- helpers ---------------------------------------------------------------------------- */
static inline bool vtd_cap(const struct vtd *v, uint64_t bit)
{
	return (v->cap & bit) != 0;
}
static inline bool vtd_ecap(const struct vtd *v, uint64_t bit)
{
	return (v->ecap & bit) != 0;
}
/* Bits of an entry address at or above the host address width (reserved, 9.x). */
static inline uint64_t vtd_haw_rsvd(const struct vtd *v)
{
	return VTD_SL_ADDR_MASK & ~((1ull << v->cfg.haw) - 1);
}

#endif
