/* SPDX-License-Identifier: MIT */
/*
 * Test bench for the VT-d model (tests/vtd/test_vtd_*.c): a model instance on the core
 * scheduler, memory, memory port and stats registry, MSI and device-message capture, and
 * builders that write VT-d structures into the simulated memory the way a driver would.
 *
 * The builders take raw entry bits written out from the specification's bit positions
 * (the T_* constants below), not the model's headers, so a wrong mask in the model shows up
 * as a test failure rather than being mirrored by the test.
 */
#ifndef TESTS_SUPPORT_VTD_TABLES_H
#define TESTS_SUPPORT_VTD_TABLES_H

#include <stdbool.h>
#include <stdint.h>

#include "iommusim/mem.h"
#include "iommusim/model.h"
#include "iommusim/param.h"
#include "iommusim/sched.h"
#include "iommusim/stats.h"

/* Register offsets and bits (spec 10.4). */
#define T_VER      0x000
#define T_CAP      0x008
#define T_ECAP     0x010
#define T_GCMD     0x018
#define T_GSTS     0x01c
#define T_RTADDR   0x020
#define T_CCMD     0x028
#define T_FSTS     0x034
#define T_FECTL    0x038
#define T_FEDATA   0x03c
#define T_FEADDR   0x040
#define T_FEUADDR  0x044
#define T_IVA      0x0f0   /* ECAP.IRO = 0x0f */
#define T_IOTLB    0x0f8
#define T_FRCD     0x220   /* CAP.FRO = 0x22 */
#define T_GCMD_TE   (1u << 31)
#define T_GCMD_SRTP (1u << 30)
#define T_GCMD_WBF  (1u << 27)
#define T_GCMD_QIE  (1u << 26)
#define T_GSTS_TES  (1u << 31)
#define T_GSTS_RTPS (1u << 30)
#define T_GSTS_WBFS (1u << 27)
#define T_GSTS_QIES (1u << 26)
#define T_TTM_SM    (1ull << 10)

/* Second-level entry bits (9.8). */
#define T_SL_R   (1ull << 0)
#define T_SL_W   (1ull << 1)
#define T_SL_X   (1ull << 2)
#define T_SL_PS  (1ull << 7)
#define T_SL_A   (1ull << 8)
#define T_SL_D   (1ull << 9)
#define T_SL_SNP (1ull << 11)
/* First-level entry bits (9.7). */
#define T_FL_P   (1ull << 0)
#define T_FL_RW  (1ull << 1)
#define T_FL_US  (1ull << 2)
#define T_FL_A   (1ull << 5)
#define T_FL_D   (1ull << 6)
#define T_FL_PS  (1ull << 7)
#define T_FL_G   (1ull << 8)
#define T_FL_EA  (1ull << 10)
#define T_FL_XD  (1ull << 63)

/* Scalable context entry qword 0 bits (9.4). */
#define T_SCE_P      (1ull << 0)
#define T_SCE_FPD    (1ull << 1)
#define T_SCE_DTE    (1ull << 2)
#define T_SCE_PASIDE (1ull << 3)
#define T_SCE_PRE    (1ull << 4)
/* PASID table entry bits (9.6). */
#define T_PE0_P      (1ull << 0)
#define T_PE0_FPD    (1ull << 1)
#define T_PE0_AW(x)  ((uint64_t)(x) << 2)
#define T_PE0_SLEE   (1ull << 5)
#define T_PE0_PGTT(x) ((uint64_t)(x) << 6)
#define T_PE0_SLADE  (1ull << 9)
#define T_PE2_SRE    (1ull << 0)
#define T_PE2_ERE    (1ull << 1)
#define T_PE2_FLPM5  (1ull << 2)
#define T_PE2_WPE    (1ull << 4)
#define T_PE2_NXE    (1ull << 5)
#define T_PE2_SMEP   (1ull << 6)
#define T_PE2_EAFE   (1ull << 7)

#define T_NS  1000ull    /* ps */
#define T_CYC 1000ull    /* one cycle at the default 1 GHz */

struct vtdt_msi {
	uint64_t addr;
	uint32_t data;
	uint64_t t;
};

typedef struct vtdt {
	iommusim_mem_t *mem;
	iommusim_mem_port_t port;
	iommusim_sched_t *sched;
	iommusim_stats_t *stats;
	iommusim_params_t *ps;
	const iommusim_model_ops_t *ops;
	void *m;                     /* the model instance */
	uint64_t next_page;          /* bump allocator for structures */
	uint64_t root;               /* root table */
	bool scalable;
	/* captured outputs */
	unsigned nmsi;
	struct vtdt_msi msi[16];
	unsigned nmsg;
	iommusim_dev_msg_t msg[16];
	/* optional: also deliver the model's device messages here (e.g. to an endpoint) */
	int (*fwd)(void *ctx, const iommusim_dev_msg_t *msg);
	void *fwd_ctx;
} vtdt_t;

/* Builds a bench: memory of 2^40 bytes, port latencies read_ns / write_ns, the model with
 * the "k=v" overrides of params (NULL-terminated list, may be NULL). Returns 0 or the
 * create error (err filled). Structures are allocated from 0x100000 up. */
int vtdt_init(vtdt_t *tb, const char *const *params, uint64_t read_ns, uint64_t write_ns,
	      iommusim_error_t *err);
void vtdt_fini(vtdt_t *tb);

/* A zeroed 4 KiB page for a structure. */
uint64_t vtdt_page(vtdt_t *tb);

/* Register access at time t (asserting success). */
uint64_t vtdt_rd(vtdt_t *tb, uint64_t off, unsigned size, uint64_t t);
void vtdt_wr(vtdt_t *tb, uint64_t off, unsigned size, uint64_t val, uint64_t t);

/* Allocates a root table, points RTADDR at it (TTM legacy or scalable), sets SRTP, then TE. */
void vtdt_enable(vtdt_t *tb, bool scalable);

/* Legacy context entry for sid: lo/hi are the raw qwords (P, TT, SLPTPTR, AW, DID ...). */
void vtdt_legacy_ctx(vtdt_t *tb, uint16_t sid, uint64_t lo, uint64_t hi);
uint64_t vtdt_legacy_lo(uint64_t slptptr, unsigned tt, bool fpd);
uint64_t vtdt_legacy_hi(unsigned aw, uint16_t did);

/* Scalable context entry for sid (q[4] raw); returns the entry's address. */
uint64_t vtdt_sm_ctx(vtdt_t *tb, uint16_t sid, const uint64_t q[4]);
/* A scalable context entry's qword 0 with a freshly allocated PASID directory of
 * 2^(pdts+7) entries and the given flag bits (T_SCE_*). *dir gets the directory address. */
uint64_t vtdt_sm_q0(vtdt_t *tb, unsigned pdts, uint64_t flags, uint64_t *dir);
/* Writes the 64-byte PASID table entry of pasid under the directory (allocating its
 * PASID table if the directory entry is not present); returns the entry's address. */
uint64_t vtdt_pasid_entry(vtdt_t *tb, uint64_t dir, uint32_t pasid, const uint64_t pe[8]);

/* Maps iova -> pa in a second-level table tree rooted at *root (allocated when 0) with
 * `levels` levels; the leaf is at the level whose size is 2^shift (12, 21, 30) and gets
 * `leaf` bits (R/W/X/PS/SNP..., PS is added for large pages); table entries get `table`
 * bits (usually T_SL_R | T_SL_W). Returns the leaf entry's address. */
uint64_t vtdt_sl_map(vtdt_t *tb, uint64_t *root, unsigned levels, uint64_t iova, uint64_t pa,
		     unsigned shift, uint64_t leaf, uint64_t table);
/* The same for first-level tables (table entries get `table`, e.g. P|RW|US). */
uint64_t vtdt_fl_map(vtdt_t *tb, uint64_t *root, unsigned levels, uint64_t iova, uint64_t pa,
		     unsigned shift, uint64_t leaf, uint64_t table);
/* Address of the entry at `level` that a walk of iova would read under root (0 if a table
 * on the way is missing). */
uint64_t vtdt_entry_addr(vtdt_t *tb, uint64_t root, unsigned levels, uint64_t iova,
			 unsigned level, bool fl);

uint64_t vtdt_peek(vtdt_t *tb, uint64_t pa);
void vtdt_poke(vtdt_t *tb, uint64_t pa, uint64_t val);

/* One translation request. */
iommusim_xlate_resp_t vtdt_xlate(vtdt_t *tb, uint16_t rid, bool pasid_valid, uint32_t pasid,
				 uint64_t iova, unsigned access, iommusim_req_type_t type,
				 uint64_t t);
/* Shorthand: untranslated read/write without PASID at time t. */
iommusim_xlate_resp_t vtdt_dma(vtdt_t *tb, uint16_t rid, uint64_t iova, unsigned access,
			       uint64_t t);

/* A statistic "vtd.<name>" (0 when missing). */
uint64_t vtdt_stat(vtdt_t *tb, const char *name);

/* The fault recording register n as two qwords. */
void vtdt_frcd(vtdt_t *tb, unsigned n, uint64_t *lo, uint64_t *hi);

#endif
