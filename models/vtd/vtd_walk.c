/* SPDX-License-Identifier: MIT */
/*
 * Page walks (spec 3.6 first level, 3.7 second level, 3.8 nested, 9.7/9.8 entry formats).
 *
 * Second level: 3, 4 or 5 levels by AW; an entry is present when R or W is set; R, W (and
 * X when SLEE) are ANDed down the walk; PS in a PDE / PDPE maps a 2 MiB / 1 GiB page when
 * CAP.SLLPS allows it (otherwise PS is a reserved bit); with SLADE the A bit is set in every
 * entry used and D in the leaf of a permitted write. Legacy mode has no A/D.
 *
 * First level: IA-32e 4- or 5-level paging (FLPM); the input must be canonical; P, R/W,
 * U/S and XD (with NXE, when ECAP.ERS) accumulate down the walk; supervisor writes ignore
 * R/W unless WPE;
 * supervisor execution of user pages is refused with SMEP; 1 GiB pages need CAP.FL1GP.
 * A (and EA with EAFE) is set in every entry used and D in the leaf of a permitted write.
 *
 * Nested: the first-level root, every first-level table pointer and the final output are
 * guest-physical and go through the second level: table reads need SL read permission
 * (SFL.6 for the root, SFL.7 below), first-level A/D updates need SL write permission
 * (SFL.8) and set the SL D bit of the table's page when SLADE.
 *
 * Every table read goes through the memory port at its latency (vtd_op_read); both
 * paging-structure caches are consulted first (one lookup latency per walk and level kind)
 * and filled with the non-leaf entries read.
 */
#include <string.h>

#include "models/vtd/vtd_priv.h"

/* ---- second level ------------------------------------------------------------------------ */

struct sl_res {
	uint64_t out;
	unsigned shift;
	unsigned perm;                 /* VTD_P_* granted */
	bool present;
	bool dirty_ok;
	bool beyond;                   /* input beyond the second-level width (caller maps it) */
};

static uint64_t sl_rsvd(const struct vtd *v, unsigned level, bool leaf)
{
	uint64_t r = vtd_haw_rsvd(v);

	if (!leaf) {
		r |= VTD_SL_SNP;
		if (level >= 4)
			r |= VTD_SL_PS;
		return r;
	}
	if (!vtd_ecap(v, VTD_ECAP_SC))
		r |= VTD_SL_SNP;
	if (!vtd_ecap(v, VTD_ECAP_DT))
		r |= VTD_SL_TM;
	if (level == 2)
		r |= 0x1ff000ull;      /* bits 20:12 of a 2 MiB page address */
	else if (level == 3)
		r |= 0x3ffff000ull;    /* bits 29:12 of a 1 GiB page address */
	return r;
}

static bool sl_large_ok(const struct vtd *v, unsigned level)
{
	unsigned sllps = (unsigned)((v->cap & VTD_CAP_SLLPS_MASK) >> VTD_CAP_SLLPS_SHIFT);

	return (level == 2 && (sllps & 1)) || (level == 3 && (sllps & 2));
}

/* Walks the second level for addr. need: VTD_P_* the access needs (A/D follow it); ats:
 * permissions are only computed; set_d: a write (sets D when permitted). */
static uint32_t sl_walk(struct vtd_op *op, const struct vtd_dom *d, uint64_t addr, unsigned need,
			bool ats, bool set_d, struct sl_res *r)
{
	struct vtd *v = op->v;
	unsigned levels = d->sl_levels, level = levels;
	unsigned width = 12 + 9 * levels;
	uint64_t table = d->sl_root, pte = 0;
	unsigned acc_r = 1, acc_w = 1, acc_x = 1;
	bool ad = d->sm && d->slade;

	memset(r, 0, sizeof(*r));
	if (width > v->cfg.mgaw)
		width = v->cfg.mgaw;
	if (addr >> width) {
		r->beyond = true;
		return d->sm ? VTD_FR_SGN_5 : VTD_FR_LGN_1;
	}
	vtd_op_lookup(op, v->lat.pwc);
	for (unsigned l = 2; l <= levels; l++) {
		const struct vtd_pwc_entry *e = vtd_pwc_lookup(v, false, d, addr, l);

		if (e) {
			table = e->next;
			level = l - 1;
			acc_r = e->r;
			acc_w = e->w;
			acc_x = e->x;
			break;
		}
	}
	if (level < levels) {
		(*v->st.pwc_sl_hit)++;
		op->cost->hits |= IOMMUSIM_XS_PWC_S2;
	} else {
		(*v->st.pwc_sl_miss)++;
		op->cost->misses |= IOMMUSIM_XS_PWC_S2;
	}

	for (;;) {
		uint64_t pa = table + VTD_LEVEL_INDEX(addr, level) * 8;
		bool leaf;

		if (vtd_op_read(op, pa, &pte, sizeof(pte), 1, level))
			return d->sm ? VTD_FR_SSL_1 : VTD_FR_LSL_1;
		if (!(pte & (VTD_SL_R | VTD_SL_W))) {
			/* not present: no permission at all (LGN.2/3, SGN.6/7 by access) */
			r->shift = VTD_PAGE_SHIFT;
			return 0;
		}
		leaf = level == 1 || ((pte & VTD_SL_PS) && sl_large_ok(v, level));
		if (pte & sl_rsvd(v, level, leaf))
			return d->sm ? VTD_FR_SSL_3 : VTD_FR_LSL_2;
		if (!leaf && (pte & VTD_SL_PS))
			return d->sm ? VTD_FR_SSL_3 : VTD_FR_LSL_2;   /* large page not supported */
		acc_r &= (pte & VTD_SL_R) != 0;
		acc_w &= (pte & VTD_SL_W) != 0;
		if (d->slee)
			acc_x &= (pte & VTD_SL_X) != 0;
		if (!leaf) {
			struct vtd_pwc_entry e = { 0 };

			if (ad && !(pte & VTD_SL_A)) {
				pte |= VTD_SL_A;
				if (vtd_op_write64(op, pa, pte))
					return VTD_FR_SSL_1;
			}
			e.next = pte & VTD_SL_ADDR_MASK;
			e.r = (uint8_t)acc_r;
			e.w = (uint8_t)acc_w;
			e.x = (uint8_t)acc_x;
			vtd_pwc_insert(v, false, d, addr, level, &e);
			table = e.next;
			level--;
			continue;
		}
		r->shift = VTD_LEVEL_SHIFT(level);
		r->out = (pte & VTD_SL_ADDR_MASK & ~((1ull << r->shift) - 1)) |
			 (addr & ((1ull << r->shift) - 1));
		r->perm = (acc_r ? VTD_P_R : 0) | (acc_w ? VTD_P_W : 0) | (acc_x ? VTD_P_X : 0);
		r->present = true;
		if (ad) {
			bool permitted = ats ? r->perm != 0 : (need & ~r->perm) == 0;
			uint64_t nv = pte;

			if (permitted) {
				nv |= VTD_SL_A;
				if (set_d && (r->perm & VTD_P_W))
					nv |= VTD_SL_D;
			}
			if (nv != pte && vtd_op_write64(op, pa, nv))
				return VTD_FR_SSL_1;
			r->dirty_ok = (nv & VTD_SL_D) != 0;
		} else {
			r->dirty_ok = true;
		}
		return 0;
	}
}

/* ---- first level ------------------------------------------------------------------------- */

struct fl_table {
	uint64_t hpa, gpa;
	bool sl_w, sl_dirty;
};

static uint64_t fl_rsvd(const struct vtd *v, const struct vtd_dom *d, unsigned level, bool leaf)
{
	uint64_t r = vtd_haw_rsvd(v);

	/* XD is reserved with NXE = 0 where execute requests exist (rev. 3 ECAP.ERS); later
	 * revisions dropped execute requests and with them NXE/XD: ignored then */
	if (!d->nxe && vtd_ecap(v, VTD_ECAP_ERS))
		r |= VTD_FL_XD;
	if (level >= 4)
		r |= VTD_FL_PS;
	if (leaf && level == 2)
		r |= 0x1fe000ull;      /* bits 20:13 of a 2 MiB page (bit 12 is PAT) */
	else if (leaf && level == 3)
		r |= 0x3fffe000ull;    /* bits 29:13 of a 1 GiB page */
	return r;
}

/* Nested: translates a first-level table's guest-physical address for a read. */
static uint32_t fl_table_translate(struct vtd_op *op, const struct vtd_dom *d, uint64_t gpa,
				   bool root, struct fl_table *tb)
{
	struct sl_res sr;
	uint32_t fr = sl_walk(op, d, gpa, VTD_P_R, false, false, &sr);

	if (fr)
		return sr.beyond ? VTD_FR_SFL_5 : fr;
	if (!(sr.perm & VTD_P_R))
		return root ? VTD_FR_SFL_6 : VTD_FR_SFL_7;
	tb->hpa = sr.out;
	tb->gpa = gpa;
	tb->sl_w = (sr.perm & VTD_P_W) != 0;
	tb->sl_dirty = sr.dirty_ok;
	return 0;
}

/* Nested: a first-level A/D write to a table needs SL write permission and SL D. */
static uint32_t fl_table_writable(struct vtd_op *op, const struct vtd_dom *d, struct fl_table *tb)
{
	struct sl_res sr;
	uint32_t fr;

	if (d->kind != VTD_K_NESTED)
		return 0;
	if (!tb->sl_w)
		return VTD_FR_SFL_8;
	if (tb->sl_dirty)
		return 0;
	fr = sl_walk(op, d, tb->gpa, VTD_P_R | VTD_P_W, false, true, &sr);
	if (fr)
		return sr.beyond ? VTD_FR_SFL_5 : fr;
	if (!(sr.perm & VTD_P_W))
		return VTD_FR_SFL_8;
	tb->sl_dirty = true;
	return 0;
}

static bool fl_canonical(uint64_t iova, unsigned width)
{
	uint64_t top = iova >> (width - 1);

	return top == 0 || top == (~0ull >> (width - 1));
}

static unsigned fl_need(unsigned access)
{
	return ((access & IOMMUSIM_ACC_READ) ? VTD_P_R : 0) |
	       ((access & IOMMUSIM_ACC_WRITE) ? VTD_P_W : 0) |
	       ((access & IOMMUSIM_ACC_EXEC) ? VTD_P_X : 0);
}

static uint32_t fl_walk(struct vtd_op *op, const struct vtd_dom *d, uint64_t iova,
			unsigned access, bool ats, struct vtd_walk_res *res)
{
	struct vtd *v = op->v;
	unsigned levels = d->fl_levels, level = levels;
	unsigned width = 12 + 9 * levels;
	bool nested = d->kind == VTD_K_NESTED, from_pwc = false;
	unsigned rw = 1, us = 1, xd = 0;
	unsigned need = fl_need(access);
	bool write = (access & IOMMUSIM_ACC_WRITE) != 0;
	struct fl_table tb = { 0 };
	uint64_t pte = 0, pa;
	uint32_t fr;

	if (!fl_canonical(iova, width))
		return VTD_FR_SGN_1;
	vtd_op_lookup(op, v->lat.pwc);
	for (unsigned l = 2; l <= levels; l++) {
		const struct vtd_pwc_entry *e = vtd_pwc_lookup(v, true, d, iova, l);

		if (e) {
			tb.hpa = e->next;
			tb.gpa = e->next_gpa;
			tb.sl_w = e->sl_w;
			tb.sl_dirty = e->sl_dirty;
			rw = e->rw;
			us = e->us;
			xd = e->xd;
			level = l - 1;
			from_pwc = true;
			break;
		}
	}
	if (from_pwc) {
		(*v->st.pwc_fl_hit)++;
		op->cost->hits |= IOMMUSIM_XS_PWC_S1;
	} else {
		(*v->st.pwc_fl_miss)++;
		op->cost->misses |= IOMMUSIM_XS_PWC_S1;
		if (nested) {
			fr = fl_table_translate(op, d, d->fl_root, true, &tb);
			if (fr)
				return fr;
		} else {
			tb.hpa = d->fl_root;
			tb.sl_w = tb.sl_dirty = true;
		}
	}

	for (;;) {
		bool leaf;

		pa = tb.hpa + VTD_LEVEL_INDEX(iova, level) * 8;
		if (vtd_op_read(op, pa, &pte, sizeof(pte), 0, level))
			return (level == levels) ? VTD_FR_SFL_4 : VTD_FR_SFL_1;
		if (!(pte & VTD_FL_P))
			return VTD_FR_SFL_2;
		leaf = level == 1 || (level == 2 && (pte & VTD_FL_PS)) ||
		       (level == 3 && (pte & VTD_FL_PS) && vtd_cap(v, VTD_CAP_FL1GP));
		if (pte & fl_rsvd(v, d, level, leaf))
			return VTD_FR_SFL_3;
		if (!leaf && (pte & VTD_FL_PS))
			return VTD_FR_SFL_3;   /* 1 GiB page without FL1GP */
		rw &= (pte & VTD_FL_RW) != 0;
		us &= (pte & VTD_FL_US) != 0;
		if (d->nxe)
			xd |= (pte & VTD_FL_XD) != 0;
		if (leaf)
			break;

		/* non-leaf: accessed flag, then the next table */
		uint64_t want = VTD_FL_A | (d->eafe ? VTD_FL_EA : 0);
		if ((pte & want) != want) {
			fr = fl_table_writable(op, d, &tb);
			if (fr)
				return fr;
			pte |= want;
			if (vtd_op_write64(op, pa, pte))
				return VTD_FR_SFL_10;
		}
		struct vtd_pwc_entry e = { 0 };
		uint64_t next = pte & VTD_FL_ADDR_MASK;

		if (nested) {
			fr = fl_table_translate(op, d, next, false, &tb);
			if (fr)
				return fr;
		} else {
			tb.hpa = next;
		}
		e.next = tb.hpa;
		e.next_gpa = next;
		e.rw = (uint8_t)rw;
		e.us = (uint8_t)us;
		e.xd = (uint8_t)xd;
		e.sl_w = tb.sl_w;
		e.sl_dirty = tb.sl_dirty;
		vtd_pwc_insert(v, true, d, iova, level, &e);
		level--;
	}

	/* leaf */
	unsigned shift = VTD_LEVEL_SHIFT(level);
	uint64_t out = (pte & VTD_FL_ADDR_MASK & ~((1ull << shift) - 1)) | (iova & ((1ull << shift) - 1));
	unsigned user = us ? (VTD_P_R | (rw ? VTD_P_W : 0) | (xd ? 0 : VTD_P_X)) : 0;
	unsigned sup = VTD_P_R | ((rw || !d->wpe) ? VTD_P_W : 0) |
		       ((xd || (d->smep && us)) ? 0 : VTD_P_X);
	bool dirty_ok = (pte & VTD_FL_D) != 0;
	bool s2_dirty_ok = true;   /* the second-stage leaf of the output page (nested) */

	res->us_denied = !us;
	if (nested) {
		struct sl_res sr;

		fr = sl_walk(op, d, out, need, ats, write, &sr);
		if (fr)
			return fr;
		user &= sr.perm;
		sup &= sr.perm;
		res->present = sr.present;
		if (sr.present && sr.shift < shift)
			shift = sr.shift;
		out = sr.out;
		s2_dirty_ok = sr.dirty_ok;
		dirty_ok = dirty_ok && s2_dirty_ok;
	} else {
		res->present = true;
	}

	/* accessed / dirty of the leaf, when the access is allowed */
	unsigned granted = d->priv ? sup : user;
	bool permitted = ats ? granted != 0 : (need & ~granted) == 0 && !(!d->priv && !us);
	if (permitted && res->present) {
		uint64_t nv = pte | VTD_FL_A | (d->eafe ? VTD_FL_EA : 0);

		if (write && (granted & VTD_P_W))
			nv |= VTD_FL_D;
		if (nv != pte) {
			fr = fl_table_writable(op, d, &tb);
			if (fr)
				return fr;
			if (vtd_op_write64(op, pa, nv))
				return VTD_FR_SFL_10;
		}
		/* the entry may now serve writes if both stages' leaves are dirty (after this
		 * update), so a later write hits the IOTLB instead of walking again */
		dirty_ok = (nv & VTD_FL_D) && s2_dirty_ok;
	}
	res->out = out;
	res->shift = shift;
	res->perm_user = (uint8_t)user;
	res->perm_sup = (uint8_t)sup;
	res->dirty_ok = dirty_ok;
	res->global = (pte & VTD_FL_G) != 0;
	return 0;
}

/* ---- entry points ------------------------------------------------------------------------ */

uint32_t vtd_walk(struct vtd_op *op, const struct vtd_dom *d, uint64_t iova, unsigned access,
		  bool ats, struct vtd_walk_res *res)
{
	struct sl_res sr;
	uint32_t fr;

	memset(res, 0, sizeof(*res));
	(*op->v->st.walks)++;
	if (d->kind == VTD_K_FL || d->kind == VTD_K_NESTED)
		return fl_walk(op, d, iova, access, ats, res);

	unsigned need = fl_need(access);
	if (!d->sm)
		need &= VTD_P_R | VTD_P_W;
	fr = sl_walk(op, d, iova, need, ats, (access & IOMMUSIM_ACC_WRITE) != 0, &sr);
	if (fr)
		return fr;
	res->out = sr.out;
	res->shift = sr.shift;
	res->perm_user = res->perm_sup = (uint8_t)sr.perm;
	res->present = sr.present;
	res->dirty_ok = sr.dirty_ok;
	return 0;
}

uint32_t vtd_perm_fault(const struct vtd_dom *d, const struct vtd_walk_res *res,
			unsigned access)
{
	bool rd = (access & IOMMUSIM_ACC_READ) || !(access & IOMMUSIM_ACC_WRITE);
	bool wr = (access & IOMMUSIM_ACC_WRITE) != 0;
	unsigned perm;

	if (!d->sm) {
		perm = res->perm_user;
		if (wr && !(perm & VTD_P_W))
			return VTD_FR_LGN_2;
		if (rd && !(perm & VTD_P_R))
			return VTD_FR_LGN_3;
		return 0;
	}
	perm = d->priv ? res->perm_sup : res->perm_user;
	if (!d->priv && res->us_denied)
		return VTD_FR_SGN_2;
	if ((access & IOMMUSIM_ACC_EXEC) && !(perm & VTD_P_X))
		return VTD_FR_SGN_3;
	if (wr && !(perm & VTD_P_W))
		return VTD_FR_SGN_6;
	if (rd && !(perm & VTD_P_R))
		return VTD_FR_SGN_7;
	return 0;
}
