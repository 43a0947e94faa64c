/* SPDX-License-Identifier: MIT */
/*
 * Scalable-mode fault reasons (spec ch. 7 tables SRT, SCT, SPD, SPT, SFL, SSL, SGN),
 * table-driven: each row builds a working scalable-mode setup, breaks one thing, issues one
 * request and checks the fault reason and the fault record.
 */
#include "tests/support/test.h"

#include <errno.h>
#include <string.h>

#include "tests/support/vtd_tables.h"

#define SID  0x0208u
#define PA   0x70000000ull
#define IOVA 0x5000ull
#define R    IOMMUSIM_ACC_READ
#define W    IOMMUSIM_ACC_WRITE
#define X    IOMMUSIM_ACC_EXEC
#define PRIV IOMMUSIM_ACC_PRIV
#define U    IOMMUSIM_REQ_UNTRANSLATED
#define A    IOMMUSIM_REQ_ATS_TRANSLATE
#define T    IOMMUSIM_REQ_TRANSLATED
#define PASID 9u
#define FAR  (1ull << 41)    /* inside the host address width, outside the 2^40 memory */

struct sfx {
	vtdt_t tb;
	uint64_t ctx, dir, pe_addr;
	uint64_t q[4];
	uint64_t pe[8];
	uint64_t slpt, flpt;
	unsigned pgtt;
};

static const uint64_t FLT = T_FL_P | T_FL_RW | T_FL_US;
static const uint64_t SLT = T_SL_R | T_SL_W;

static void write_pe(struct sfx *f)
{
	f->pe_addr = vtdt_pasid_entry(&f->tb, f->dir, PASID, f->pe);
	/* RID_PASID 0 gets the same entry */
	vtdt_pasid_entry(&f->tb, f->dir, 0, f->pe);
}

static void write_ctx(struct sfx *f)
{
	f->ctx = vtdt_sm_ctx(&f->tb, SID, f->q);
}

/* A working setup of the given PGTT (1 FL, 2 SL, 3 nested, 4 PT) translating IOVA -> PA. */
static void sfx_init(struct sfx *f, const char *const *params, unsigned pgtt)
{
	memset(f, 0, sizeof(*f));
	assert_int_equal(vtdt_init(&f->tb, params, 100, 50, NULL), 0);
	vtdt_enable(&f->tb, true);
	f->pgtt = pgtt;
	f->q[0] = vtdt_sm_q0(&f->tb, 0, T_SCE_PASIDE, &f->dir);
	write_ctx(f);
	f->slpt = vtdt_page(&f->tb);
	f->flpt = vtdt_page(&f->tb);
	f->pe[0] = T_PE0_P | T_PE0_AW(2) | T_PE0_PGTT(pgtt);
	f->pe[1] = 7;
	if (pgtt == 2 || pgtt == 3)
		f->pe[0] |= f->slpt;
	if (pgtt == 1 || pgtt == 3)
		f->pe[2] = f->flpt;
	if (pgtt == 1) {
		vtdt_fl_map(&f->tb, &f->flpt, 4, IOVA, PA, 12, FLT, FLT);
	} else if (pgtt == 2) {
		vtdt_sl_map(&f->tb, &f->slpt, 4, IOVA, PA, 12, SLT, SLT);
	} else if (pgtt == 3) {
		vtdt_fl_map(&f->tb, &f->flpt, 4, IOVA, 0x40000000ull, 12, FLT, FLT);
		for (uint64_t p = 0x100000; p < f->tb.next_page; p += 0x1000)
			vtdt_sl_map(&f->tb, &f->slpt, 4, p, p, 12, SLT, SLT);
		vtdt_sl_map(&f->tb, &f->slpt, 4, 0x40000000ull, PA, 12, SLT, SLT);
	}
	write_pe(f);
}

/* ---- setups (each breaks one thing) -------------------------------------------------------- */

static void s_root_far(struct sfx *f)
{
	vtdt_wr(&f->tb, T_RTADDR, 8, FAR | T_TTM_SM, 0);
	vtdt_wr(&f->tb, T_GCMD, 4, T_GCMD_SRTP | T_GCMD_TE, 0);
}

static void s_root_lp0(struct sfx *f)
{
	vtdt_poke(&f->tb, f->tb.root + 16 * (SID >> 8), 0);
}

static void s_root_rsvd(struct sfx *f)
{
	uint64_t re = f->tb.root + 16 * (SID >> 8);
	vtdt_poke(&f->tb, re, vtdt_peek(&f->tb, re) | (1ull << 3));
}

static void s_root_ctp_far(struct sfx *f)
{
	vtdt_poke(&f->tb, f->tb.root + 16 * (SID >> 8), FAR | 1);
}

static void s_ctx_np(struct sfx *f)
{
	f->q[0] &= ~T_SCE_P;
	write_ctx(f);
}

static void q0_or(struct sfx *f, uint64_t b)
{
	f->q[0] |= b;
	write_ctx(f);
}

static void s_ctx_rsvd5(struct sfx *f) { q0_or(f, 1ull << 5); }
static void s_ctx_dte(struct sfx *f) { q0_or(f, T_SCE_DTE); }
static void s_ctx_pre(struct sfx *f) { q0_or(f, T_SCE_PRE); }
static void s_ctx_dir_haw(struct sfx *f) { q0_or(f, 1ull << 50); }

static void s_ctx_rsvd_q1(struct sfx *f)
{
	f->q[1] |= 1ull << 30;
	write_ctx(f);
}

static void s_ctx_rsvd_q2(struct sfx *f)
{
	f->q[2] = 1;
	write_ctx(f);
}

static void s_ctx_rid_priv(struct sfx *f)
{
	f->q[1] |= 1ull << 20;
	write_ctx(f);
}

static void s_ctx_rid_pasid(struct sfx *f)
{
	f->q[1] |= 5;
	write_ctx(f);
}

static void s_ctx_rid_pasid_big(struct sfx *f)
{
	f->q[1] = 8192;      /* PDTS 0: PASIDs 0..8191 */
	write_ctx(f);
}

static void s_ctx_rid_pasid_pss(struct sfx *f)
{
	f->q[1] = 300;       /* vtd.pss=2: 8 PASIDs */
	write_ctx(f);
}

static void s_ctx_paside0(struct sfx *f)
{
	f->q[0] &= ~T_SCE_PASIDE;
	write_ctx(f);
}

static void s_dir_far(struct sfx *f)
{
	f->q[0] = (f->q[0] & 0xfffull) | FAR;
	write_ctx(f);
}

static void s_dir_np(struct sfx *f)
{
	vtdt_poke(&f->tb, f->dir, 0);
}

static void s_dir_rsvd(struct sfx *f)
{
	vtdt_poke(&f->tb, f->dir, vtdt_peek(&f->tb, f->dir) | (1ull << 2));
}

static void s_ptbl_far(struct sfx *f)
{
	vtdt_poke(&f->tb, f->dir, FAR | 1);
}

static void pe_set(struct sfx *f, int q, uint64_t bits)
{
	f->pe[q] |= bits;
	write_pe(f);
}

static void s_pe_np(struct sfx *f)
{
	f->pe[0] &= ~T_PE0_P;
	write_pe(f);
}

static void s_pe_rsvd0(struct sfx *f) { pe_set(f, 0, 1ull << 10); }
static void s_pe_rsvd1(struct sfx *f) { pe_set(f, 1, 1ull << 16); }
static void s_pe_rsvd3(struct sfx *f) { pe_set(f, 3, 1ull << 40); }
static void s_pe_did(struct sfx *f) { pe_set(f, 1, 16); }       /* vtd.nd=0: 16 DIDs */
static void s_pe_slade(struct sfx *f) { pe_set(f, 0, T_PE0_SLADE); }
static void s_pe_eafe(struct sfx *f) { pe_set(f, 2, T_PE2_EAFE); }
static void s_pe_sre(struct sfx *f) { pe_set(f, 2, T_PE2_SRE); }
static void s_pe_ere(struct sfx *f) { pe_set(f, 2, T_PE2_ERE); }
static void s_pe_slpt_haw(struct sfx *f) { pe_set(f, 0, 1ull << 47); }
static void s_pe_flpt_haw(struct sfx *f) { pe_set(f, 2, 1ull << 47); }
static void s_pe_flpm5(struct sfx *f) { pe_set(f, 2, T_PE2_FLPM5); }
static void s_pe_flpm2(struct sfx *f) { pe_set(f, 2, 2ull << 2); }

static void s_pgtt(struct sfx *f, unsigned pgtt)
{
	f->pe[0] = (f->pe[0] & ~(7ull << 6)) | T_PE0_PGTT(pgtt);
	write_pe(f);
}

static void s_pgtt0(struct sfx *f) { s_pgtt(f, 0); }
static void s_pgtt5(struct sfx *f) { s_pgtt(f, 5); }

static void s_aw39(struct sfx *f)
{
	f->pe[0] = (f->pe[0] & ~(7ull << 2)) | T_PE0_AW(1);
	write_pe(f);
}

static void s_flpt_far(struct sfx *f)
{
	f->pe[2] = (f->pe[2] & 0xfffull) | FAR;
	write_pe(f);
}

static void s_slpt_far(struct sfx *f)
{
	f->pe[0] = (f->pe[0] & 0xfffull) | FAR;
	write_pe(f);
}

static void fl_entry_set(struct sfx *f, unsigned level, uint64_t set, uint64_t clear)
{
	uint64_t ea = vtdt_entry_addr(&f->tb, f->flpt, 4, IOVA, level, true);
	vtdt_poke(&f->tb, ea, (vtdt_peek(&f->tb, ea) & ~clear) | set);
}

static void sl_entry_set(struct sfx *f, uint64_t addr, unsigned level, uint64_t set,
			 uint64_t clear)
{
	uint64_t ea = vtdt_entry_addr(&f->tb, f->slpt, 4, addr, level, false);
	vtdt_poke(&f->tb, ea, (vtdt_peek(&f->tb, ea) & ~clear) | set);
}

static void s_fl_pml4_far(struct sfx *f) { vtdt_poke(&f->tb, f->flpt, FAR | FLT); }
static void s_fl_np(struct sfx *f) { fl_entry_set(f, 1, 0, T_FL_P); }
static void s_fl_haw(struct sfx *f) { fl_entry_set(f, 1, 1ull << 46, 0); }
static void s_fl_ps4(struct sfx *f) { fl_entry_set(f, 4, T_FL_PS, 0); }
static void s_fl_xd_nonxe(struct sfx *f) { fl_entry_set(f, 1, T_FL_XD, 0); }
static void s_fl_ro(struct sfx *f) { fl_entry_set(f, 1, 0, T_FL_RW); }
static void s_fl_sup(struct sfx *f) { fl_entry_set(f, 2, 0, T_FL_US); }

static void s_fl_xd(struct sfx *f)
{
	pe_set(f, 2, T_PE2_NXE | T_PE2_ERE);
	fl_entry_set(f, 3, T_FL_XD, 0);
}

static void s_fl_ere(struct sfx *f)
{
	pe_set(f, 2, T_PE2_ERE);
}

static void s_fl_2m_low(struct sfx *f)
{
	vtdt_fl_map(&f->tb, &f->flpt, 4, 0x200000, 0x600000 | 0x2000, 21, FLT, FLT);
}

static void s_fl_1g_no(struct sfx *f)
{
	vtdt_fl_map(&f->tb, &f->flpt, 4, 0x40000000ull, 0x80000000ull, 30, FLT, FLT);
}

static void s_nest_root_beyond(struct sfx *f)
{
	f->pe[2] = (f->pe[2] & 0xfffull) | (1ull << 48);
	write_pe(f);
}

static void s_nest_root_noread(struct sfx *f)
{
	sl_entry_set(f, f->flpt, 1, 0, T_SL_R);
}

static void s_nest_table_noread(struct sfx *f)
{
	uint64_t pdpt = vtdt_peek(&f->tb, f->flpt) & ~0xfffull;   /* PML4E -> PDPT page */
	sl_entry_set(f, pdpt, 1, 0, T_SL_R);
}

static void s_nest_table_nowrite(struct sfx *f)
{
	/* A needs setting in the PML4E; its page is read-only in the second level */
	sl_entry_set(f, f->flpt, 1, 0, T_SL_W);
}

static void s_nest_out_beyond(struct sfx *f)
{
	fl_entry_set(f, 1, 1ull << 44, 0);   /* GPA within HAW, beyond MGAW 44 */
}

static void s_nest_out_ro(struct sfx *f)
{
	sl_entry_set(f, 0x40000000ull, 1, 0, T_SL_W);
}

static void s_nest_out_noread(struct sfx *f)
{
	sl_entry_set(f, 0x40000000ull, 1, 0, T_SL_R);
}

static void s_sl_entry_far(struct sfx *f)
{
	vtdt_poke(&f->tb, f->slpt, FAR | SLT);
}

static void s_sl_rsvd(struct sfx *f)
{
	sl_entry_set(f, IOVA, 2, T_SL_SNP, 0);
}

static void s_sl_wo(struct sfx *f)
{
	sl_entry_set(f, IOVA, 1, 0, T_SL_R);
}

static void s_sl_np(struct sfx *f)
{
	sl_entry_set(f, IOVA, 1, 0, T_SL_R | T_SL_W);
}

static void s_sl_intr(struct sfx *f)
{
	vtdt_sl_map(&f->tb, &f->slpt, 4, IOVA, 0xfee00000ull, 12, SLT, SLT);
}

static int fail_read(void *ctx, uint64_t pa, void *buf, size_t len)
{
	return iommusim_mem_read(ctx, pa, buf, len);
}

static int fail_write(void *ctx, uint64_t pa, const void *buf, size_t len)
{
	(void)ctx;
	(void)pa;
	(void)buf;
	(void)len;
	return -EFAULT;
}

static const iommusim_mem_port_ops_t no_write_ops = { fail_read, fail_write };

static void s_writes_fail(struct sfx *f)
{
	f->tb.port.ops = &no_write_ops;
}

static void s_writes_fail_slade(struct sfx *f)
{
	pe_set(f, 0, T_PE0_SLADE);
	f->tb.port.ops = &no_write_ops;
}

static void s_ttm_nosm(struct sfx *f)
{
	(void)f;
}

/* ---- the table ------------------------------------------------------------------------------ */

struct frow {
	const char *name;
	const char *const *params;
	unsigned pgtt;
	void (*setup)(struct sfx *f);
	bool pasid;
	uint64_t iova;
	unsigned access;
	iommusim_req_type_t type;
	uint32_t fr;
	uint32_t pasid_val;      /* 0: PASID */
};

static const char *const p_nodt[] = { "vtd.dt=0", "vtd.prs=0", "vtd.pds=0", NULL };
static const char *const p_noprs[] = { "vtd.prs=0", "vtd.pds=0", NULL };
static const char *const p_norpriv[] = { "vtd.rprivs=0", NULL };
static const char *const p_norps[] = { "vtd.rps=0", NULL };
static const char *const p_pss2[] = { "vtd.pss=2", NULL };
static const char *const p_mgaw44[] = { "vtd.mgaw=44", NULL };
static const char *const p_nd0[] = { "vtd.nd=0", NULL };
static const char *const p_noslads[] = { "vtd.slads=0", NULL };
static const char *const p_noeafs[] = { "vtd.eafs=0", NULL };
static const char *const p_nosrs[] = { "vtd.srs=0", NULL };
static const char *const p_noers[] = { "vtd.ers=0", NULL };
static const char *const p_ers[] = { "vtd.ers=1", NULL };
static const char *const p_noflts[] = { "vtd.flts=0", "vtd.nest=0", "vtd.eafs=0",
					"vtd.fl1gp=0", NULL };
static const char *const p_noslts[] = { "vtd.slts=0", "vtd.nest=0", "vtd.slads=0", NULL };
static const char *const p_nonest[] = { "vtd.nest=0", NULL };
static const char *const p_nopt[] = { "vtd.pt=0", NULL };
static const char *const p_no1g[] = { "vtd.fl1gp=0", NULL };
static const char *const p_nopasid[] = { "vtd.pasid=0", "vtd.ers=0", "vtd.srs=0", NULL };

static const struct frow sm_faults[] = {
	{ "SRT.1 root table access", NULL, 2, s_root_far, false, IOVA, R, U, 0x38, 0 },
	{ "SRT.2 lower half not present", NULL, 2, s_root_lp0, false, IOVA, R, U, 0x39, 0 },
	{ "SRT.3 root reserved", NULL, 2, s_root_rsvd, false, IOVA, R, U, 0x3a, 0 },
	{ "SCT.1 context table access", NULL, 2, s_root_ctp_far, false, IOVA, R, U, 0x40, 0 },
	{ "SCT.2 context not present", NULL, 2, s_ctx_np, false, IOVA, R, U, 0x41, 0 },
	{ "SCT.3 reserved bit 5", NULL, 2, s_ctx_rsvd5, false, IOVA, R, U, 0x42, 0 },
	{ "SCT.3 reserved bit 94", NULL, 2, s_ctx_rsvd_q1, false, IOVA, R, U, 0x42, 0 },
	{ "SCT.3 reserved qword 2", NULL, 2, s_ctx_rsvd_q2, false, IOVA, R, U, 0x42, 0 },
	{ "SCT.3 PASIDDIRPTR above HAW", NULL, 2, s_ctx_dir_haw, false, IOVA, R, U, 0x42, 0 },
	{ "SCT.3 DTE without ECAP.DT", p_nodt, 2, s_ctx_dte, false, IOVA, R, U, 0x42, 0 },
	{ "SCT.3 PRE without ECAP.PRS", p_noprs, 2, s_ctx_pre, false, IOVA, R, U, 0x42, 0 },
	{ "SCT.3 PASIDE without ECAP.PASID", p_nopasid, 2, NULL, false, IOVA, R, U, 0x42, 0 },
	{ "SCT.3 RID_PRIV without RPRIVS", p_norpriv, 2, s_ctx_rid_priv, false, IOVA, R, U, 0x42, 0 },
	{ "SCT.3 RID_PASID without RPS", p_norps, 2, s_ctx_rid_pasid, false, IOVA, R, U, 0x42, 0 },
	{ "SCT.5 ATS with DTE=0", NULL, 2, NULL, false, IOVA, R, A, 0x44, 0 },
	{ "SCT.5 translated with DTE=0", NULL, 2, NULL, false, IOVA, R, T, 0x44, 0 },
	{ "SCT.6 PASID with PASIDE=0", NULL, 2, s_ctx_paside0, true, IOVA, R, U, 0x45, 0 },
	{ "SCT.7 PASID beyond PSS", p_pss2, 2, NULL, true, IOVA, R, U, 0x46, 0 },
	{ "SCT.7 PASID beyond PDTS", NULL, 2, NULL, true, IOVA, R, U, 0x46, 8192 },
	{ "SCT.9 RID_PASID beyond PDTS", NULL, 2, s_ctx_rid_pasid_big, false, IOVA, R, U, 0x48, 0 },
	{ "SCT.9 RID_PASID beyond PSS", p_pss2, 2, s_ctx_rid_pasid_pss, false, IOVA, R, U, 0x48, 0 },
	{ "SPD.1 directory access", NULL, 2, s_dir_far, false, IOVA, R, U, 0x50, 0 },
	{ "SPD.2 directory entry not present", NULL, 2, s_dir_np, false, IOVA, R, U, 0x51, 0 },
	{ "SPD.3 directory entry reserved", NULL, 2, s_dir_rsvd, false, IOVA, R, U, 0x52, 0 },
	{ "SPT.1 PASID table access", NULL, 2, s_ptbl_far, false, IOVA, R, U, 0x58, 0 },
	{ "SPT.2 PASID entry not present", NULL, 2, s_pe_np, true, IOVA, R, U, 0x59, 0 },
	{ "SPT.3 reserved bit 10", NULL, 2, s_pe_rsvd0, true, IOVA, R, U, 0x5a, 0 },
	{ "SPT.3 reserved bit 80", NULL, 2, s_pe_rsvd1, true, IOVA, R, U, 0x5a, 0 },
	{ "SPT.3 reserved qword 3", NULL, 2, s_pe_rsvd3, true, IOVA, R, U, 0x5a, 0 },
	{ "SPT.3 DID beyond CAP.ND", p_nd0, 2, s_pe_did, true, IOVA, R, U, 0x5a, 0 },
	{ "SPT.3 SLADE without SLADS", p_noslads, 2, s_pe_slade, true, IOVA, R, U, 0x5a, 0 },
	{ "SPT.3 EAFE without EAFS", p_noeafs, 1, s_pe_eafe, true, IOVA, R, U, 0x5a, 0 },
	{ "SPT.3 SRE without SRS", p_nosrs, 1, s_pe_sre, true, IOVA, R, U, 0x5a, 0 },
	{ "SPT.3 ERE without ERS", p_noers, 1, s_pe_ere, true, IOVA, R, U, 0x5a, 0 },
	{ "SPT.3 SLPTPTR above HAW", NULL, 2, s_pe_slpt_haw, true, IOVA, R, U, 0x5a, 0 },
	{ "SPT.3 FLPTPTR above HAW", NULL, 1, s_pe_flpt_haw, true, IOVA, R, U, 0x5a, 0 },
	{ "SPT.4 PGTT 0", NULL, 2, s_pgtt0, true, IOVA, R, U, 0x5b, 0 },
	{ "SPT.4 PGTT 5", NULL, 2, s_pgtt5, true, IOVA, R, U, 0x5b, 0 },
	{ "SPT.4 FL without FLTS", p_noflts, 1, NULL, true, IOVA, R, U, 0x5b, 0 },
	{ "SPT.4 SL without SLTS", p_noslts, 2, NULL, true, IOVA, R, U, 0x5b, 0 },
	{ "SPT.4 nested without NEST", p_nonest, 3, NULL, true, IOVA, R, U, 0x5b, 0 },
	{ "SPT.4 PT without ECAP.PT", p_nopt, 4, NULL, true, IOVA, R, U, 0x5b, 0 },
	{ "SPT.4 AW not in SAGAW", NULL, 2, s_aw39, true, IOVA, R, U, 0x5b, 0 },
	{ "SPT.4 FLPM 5-level without FL5LP", NULL, 1, s_pe_flpm5, true, IOVA, R, U, 0x5b, 0 },
	{ "SPT.4 FLPM reserved", NULL, 1, s_pe_flpm2, true, IOVA, R, U, 0x5b, 0 },
	{ "SPT.5 execute with ERE=0", p_ers, 1, NULL, true, IOVA, R | X, U, 0x5c, 0 },
	{ "SPT.6 supervisor with SRE=0", NULL, 1, NULL, true, IOVA, R | PRIV, U, 0x5d, 0 },
	{ "SFL.1 FL entry access", NULL, 1, s_fl_pml4_far, true, IOVA, R, U, 0x70, 0 },
	{ "SFL.2 FL not present", NULL, 1, s_fl_np, true, IOVA, R, U, 0x71, 0 },
	{ "SFL.3 address above HAW", NULL, 1, s_fl_haw, true, IOVA, R, U, 0x72, 0 },
	{ "SFL.3 PS in a PML4E", NULL, 1, s_fl_ps4, true, IOVA, R, U, 0x72, 0 },
	{ "SFL.3 XD with NXE=0 (ERS)", p_ers, 1, s_fl_xd_nonxe, true, IOVA, R, U, 0x72, 0 },
	{ "SFL.3 2 MiB address bits", NULL, 1, s_fl_2m_low, true, 0x200000, R, U, 0x72, 0 },
	{ "SFL.3 1 GiB without FL1GP", p_no1g, 1, s_fl_1g_no, true, 0x40000000, R, U, 0x72, 0 },
	{ "SFL.4 FL root access", NULL, 1, s_flpt_far, true, IOVA, R, U, 0x73, 0 },
	{ "SFL.5 nested root beyond SL", NULL, 3, s_nest_root_beyond, true, IOVA, R, U, 0x74, 0 },
	{ "SFL.6 nested root no SL read", NULL, 3, s_nest_root_noread, true, IOVA, R, U, 0x75, 0 },
	{ "SFL.7 nested table no SL read", NULL, 3, s_nest_table_noread, true, IOVA, R, U, 0x76, 0 },
	{ "SFL.8 nested A/D no SL write", NULL, 3, s_nest_table_nowrite, true, IOVA, R, U, 0x77, 0 },
	{ "SFL.10 FL A/D write failed", NULL, 1, s_writes_fail, true, IOVA, R, U, 0x91, 0 },
	{ "SSL.1 SL table access", NULL, 2, s_slpt_far, true, IOVA, R, U, 0x78, 0 },
	{ "SSL.1 SL entry pointer", NULL, 2, s_sl_entry_far, true, IOVA, R, U, 0x78, 0 },
	{ "SSL.1 SL A/D write failed", NULL, 2, s_writes_fail_slade, true, IOVA, R, U, 0x78, 0 },
	{ "SSL.3 SL reserved", NULL, 2, s_sl_rsvd, true, IOVA, R, U, 0x7a, 0 },
	{ "SGN.1 not canonical", NULL, 1, NULL, true, 0x0000800000005000ull, R, U, 0x80, 0 },
	{ "SGN.2 user to supervisor page", NULL, 1, s_fl_sup, true, IOVA, R, U, 0x81, 0 },
	{ "SGN.3 execute-disable", p_ers, 1, s_fl_xd, true, IOVA, R | X, U, 0x82, 0 },
	{ "SGN.4 pass-through beyond HAW", NULL, 4, NULL, true, 1ull << 46, R, U, 0x83, 0 },
	{ "SGN.5 SL input beyond AGAW", NULL, 2, NULL, true, 1ull << 48, R, U, 0x84, 0 },
	{ "SGN.5 nested output beyond SL", p_mgaw44, 3, s_nest_out_beyond, true, IOVA, R, U, 0x84, 0 },
	{ "SGN.6 FL read-only", NULL, 1, s_fl_ro, true, IOVA, W, U, 0x85, 0 },
	{ "SGN.6 nested SL no write", NULL, 3, s_nest_out_ro, true, IOVA, W, U, 0x85, 0 },
	{ "SGN.7 SL write-only", NULL, 2, s_sl_wo, true, IOVA, R, U, 0x86, 0 },
	{ "SGN.7 SL not present", NULL, 2, s_sl_np, true, IOVA, R, U, 0x86, 0 },
	{ "SGN.7 nested output no SL read", NULL, 3, s_nest_out_noread, true, IOVA, R, U, 0x86, 0 },
	{ "SGN.8 interrupt range", NULL, 2, s_sl_intr, true, IOVA, W, U, 0x87, 0 },
	{ "(control) FL exec with ERE", p_ers, 1, s_fl_ere, true, IOVA, R | X, U, 0, 0 },
	{ "(control) TTM kept", NULL, 2, s_ttm_nosm, true, IOVA, R, U, 0, 0 },
	{ "(control) XD ignored without ERS", NULL, 1, s_fl_xd_nonxe, true, IOVA, R, U, 0, 0 },
};

static void test_sm_fault_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(sm_faults) / sizeof(sm_faults[0]); i++) {
		const struct frow *row = &sm_faults[i];
		struct sfx f;
		iommusim_xlate_resp_t r;
		uint64_t lo, hi;

		print_message("  %s\n", row->name);
		sfx_init(&f, row->params, row->pgtt);
		if (row->setup)
			row->setup(&f);
		uint32_t pasid = row->pasid_val ? row->pasid_val : PASID;
		r = vtdt_xlate(&f.tb, SID, row->pasid, pasid, row->iova + 0x30, row->access,
			       row->type, 10 * T_NS);
		if (!row->fr) {
			/* control rows: the setup alone must not fault */
			assert_int_equal(r.status, IOMMUSIM_XLATE_OK);
			vtdt_fini(&f.tb);
			continue;
		}
		assert_int_equal(r.status, IOMMUSIM_XLATE_FAULT);
		assert_int_equal(r.fault_reason, row->fr);
		vtdt_frcd(&f.tb, 0, &lo, &hi);
		assert_int_equal(lo, (row->iova + 0x30) & ~0xfffull);
		assert_int_equal(hi & 0xffff, SID);
		assert_int_equal((hi >> 32) & 0xff, row->fr);
		assert_true(hi >> 63);
		assert_int_equal((hi >> 31) & 1, row->pasid);
		if (row->pasid) {
			assert_int_equal((hi >> 40) & 0xfffff, pasid);
			assert_int_equal((hi >> 29) & 1, (row->access & PRIV) ? 1 : 0);
			assert_int_equal((hi >> 30) & 1, (row->access & X) ? 1 : 0);
		}
		vtdt_fini(&f.tb);
	}
}

/* A fault found below a PASID entry with FPD set is not recorded; one found before it is. */
static void test_sm_fpd(void **state)
{
	struct sfx f;
	iommusim_xlate_resp_t r;

	(void)state;
	sfx_init(&f, NULL, 1);
	pe_set(&f, 0, T_PE0_FPD);
	s_fl_np(&f);
	r = vtdt_xlate(&f.tb, SID, true, PASID, IOVA, R, U, 0);
	assert_int_equal(r.fault_reason, 0x71);
	assert_int_equal(vtdt_rd(&f.tb, T_FSTS, 4, 0), 0);
	vtdt_fini(&f.tb);

	/* FPD in the PASID directory entry covers the PASID entry's faults */
	sfx_init(&f, NULL, 1);
	vtdt_poke(&f.tb, f.dir, vtdt_peek(&f.tb, f.dir) | 2);
	s_pe_np(&f);
	r = vtdt_xlate(&f.tb, SID, true, PASID, IOVA, R, U, 0);
	assert_int_equal(r.fault_reason, 0x59);
	assert_int_equal(vtdt_rd(&f.tb, T_FSTS, 4, 0), 0);
	vtdt_fini(&f.tb);

	/* FPD in the context entry: everything below it, incl. its own P = 0 */
	sfx_init(&f, NULL, 1);
	f.q[0] |= T_SCE_FPD;
	f.q[0] &= ~T_SCE_P;
	write_ctx(&f);
	r = vtdt_xlate(&f.tb, SID, true, PASID, IOVA, R, U, 0);
	assert_int_equal(r.fault_reason, 0x41);
	assert_int_equal(vtdt_rd(&f.tb, T_FSTS, 4, 0), 0);
	assert_int_equal(vtdt_stat(&f.tb, "fault.fpd"), 1);
	/* root faults are not qualified */
	s_root_lp0(&f);
	r = vtdt_xlate(&f.tb, SID, true, PASID, IOVA, R, U, 0);
	assert_int_equal(r.fault_reason, 0x39);
	assert_int_equal(vtdt_rd(&f.tb, T_FSTS, 4, 0) & 2, 2);
	vtdt_fini(&f.tb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sm_fault_table),
		cmocka_unit_test(test_sm_fpd),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
