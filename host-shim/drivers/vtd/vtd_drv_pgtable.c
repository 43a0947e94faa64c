/* SPDX-License-Identifier: MIT */
/*
 * The generic page-table walker of the VT-d driver, shared by the first-level (IA-32e,
 * spec 9.7) and second-level (9.8) formats, which differ only in how an entry is made and
 * read (struct vdrv_pt_fmt). Tables are 4 KiB frames of 512 eight-byte entries in simulated
 * memory; level 1 maps 4 KiB, a leaf at level 2 or 3 (PS = 1) maps 2 MiB or 1 GiB.
 *
 * Map follows intel-iommu's __domain_mapping: intermediate tables are allocated on the way
 * down; a large page replacing an (empty) lower table frees that table after a flush
 * (switch_to_super_page); mapping over a present leaf is refused with -EEXIST (Linux warns
 * and keeps the old entry).
 *
 * Unmap follows intel_iommu_unmap and dma_pte_clear_level: when the first leaf met is larger
 * than the request, the whole leaf goes ("cope with horrid API": a partial unmap of a large
 * page removes all of it, nothing is split) and the size unmapped grows accordingly; a
 * table whose whole span lies in the removed range is detached and its frames go on the
 * freelist, to be freed after the IOTLB flush; tables only partly emptied stay, as in Linux.
 */
#include <errno.h>
#include <stdlib.h>

#include "host-shim/drivers/vtd/vtd_drv_priv.h"

#define PT_ENTRIES 512u

static uint64_t level_size(unsigned level)
{
	return 1ull << VTD_LEVEL_SHIFT(level);
}

static unsigned pgsize_level(uint64_t pgsize)
{
	switch (pgsize) {
	case 1ull << 12: return 1;
	case 1ull << 21: return 2;
	case 1ull << 30: return 3;
	default: return 0;
	}
}

static bool is_leaf(const struct vdrv_pt *pt, uint64_t pte, unsigned level)
{
	return level == 1 || (level <= 3 && (pte & pt->fmt->ps_bit));
}

static uint64_t pte_addr(const struct vdrv_pt *pt, uint64_t pte, unsigned level)
{
	uint64_t a = pte & pt->fmt->addr_mask;

	/* a large leaf's low address bits hold attributes (the first level's PAT bit 12) */
	return level > 1 && is_leaf(pt, pte, level) ? a & ~(level_size(level) - 1) : a;
}

static uint64_t reach(const struct vdrv_pt *pt)
{
	unsigned bits = VTD_LEVEL_SHIFT(pt->levels) + 9;

	return bits >= 64 ? UINT64_MAX : (1ull << bits) - 1;
}

/* ---- freelist ----------------------------------------------------------------------------- */

int vdrv_freelist_add(struct vdrv_freelist *fl, uint64_t pa)
{
	if (fl->n == fl->cap) {
		size_t cap = fl->cap ? fl->cap * 2 : 16;
		uint64_t *p = realloc(fl->pa, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		fl->pa = p;
		fl->cap = cap;
	}
	fl->pa[fl->n++] = pa;
	return 0;
}

void vdrv_freelist_release(struct vdrv_iommu *v, struct vdrv_freelist *fl)
{
	for (size_t i = 0; i < fl->n; i++)
		vdrv_frame_free(v, fl->pa[i]);
	fl->n = 0;
}

/* ---- life --------------------------------------------------------------------------------- */

int vdrv_pt_init(struct vdrv_pt *pt, struct vdrv_iommu *v, const struct vdrv_pt_fmt *fmt,
		unsigned levels, uint64_t pgsize_bitmap, iommusim_error_t *err)
{
	pt->fmt = fmt;
	pt->v = v;
	pt->levels = levels;
	pt->pgsize_bitmap = pgsize_bitmap;
	pt->root = 0;
	return vdrv_frame_alloc(v, &pt->root, err);
}

/* Puts the frames of the subtree below table (at level) and table itself on fl, or frees
 * them at once when fl is NULL. */
static int collect(const struct vdrv_pt *pt, uint64_t table, unsigned level,
		   struct vdrv_freelist *fl)
{
	int rc = 0;

	if (level > 1) {
		for (unsigned i = 0; i < PT_ENTRIES; i++) {
			uint64_t pte = 0;

			if (vdrv_read_pte(pt->v, table + i * 8, &pte))
				return -EIO;
			if (pt->fmt->present(pte) && !is_leaf(pt, pte, level))
				rc |= collect(pt, pte_addr(pt, pte, level), level - 1, fl);
		}
	}
	if (fl)
		rc |= vdrv_freelist_add(fl, table);
	else
		vdrv_frame_free(pt->v, table);
	return rc;
}

void vdrv_pt_destroy(struct vdrv_pt *pt)
{
	if (!pt->root)
		return;
	(void)collect(pt, pt->root, pt->levels, NULL);
	pt->root = 0;
}

/* True when the subtree below table holds a present leaf (or cannot be read). */
static bool subtree_mapped(const struct vdrv_pt *pt, uint64_t table, unsigned level)
{
	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		uint64_t pte = 0;

		if (vdrv_read_pte(pt->v, table + i * 8, &pte))
			return true;
		if (!pt->fmt->present(pte))
			continue;
		if (is_leaf(pt, pte, level) || subtree_mapped(pt, pte_addr(pt, pte, level), level - 1))
			return true;
	}
	return false;
}

/* ---- map ---------------------------------------------------------------------------------- */

static int map_one(struct vdrv_pt *pt, uint64_t iova, uint64_t pa, unsigned target,
		   unsigned prot, struct vdrv_freelist *fl, bool *flush_needed,
		   iommusim_error_t *err)
{
	struct vdrv_iommu *v = pt->v;
	uint64_t table = pt->root, pte = 0, epa;
	int rc;

	for (unsigned lvl = pt->levels; lvl > target; lvl--) {
		epa = table + VTD_LEVEL_INDEX(iova, lvl) * 8;
		if (vdrv_read_pte(v, epa, &pte))
			return iommusim_error_set(err, -EIO, "vtd driver: table read at 0x%llx "
						  "failed", (unsigned long long)epa);
		if (!pt->fmt->present(pte)) {
			uint64_t frame;

			rc = vdrv_frame_alloc(v, &frame, err);
			if (rc)
				return rc;
			pte = pt->fmt->mk_table(frame);
			if (vdrv_write_pte(v, epa, pte)) {
				vdrv_frame_free(v, frame);
				return iommusim_error_set(err, -EIO, "vtd driver: table write at "
							  "0x%llx failed", (unsigned long long)epa);
			}
		} else if (is_leaf(pt, pte, lvl)) {
			return iommusim_error_set(err, -EEXIST,
				"vtd driver: IOVA 0x%llx is inside a %llu KiB page already mapped",
				(unsigned long long)iova,
				(unsigned long long)(level_size(lvl) >> 10));
		}
		table = pte_addr(pt, pte, lvl);
	}
	epa = table + VTD_LEVEL_INDEX(iova, target) * 8;
	if (vdrv_read_pte(v, epa, &pte))
		return iommusim_error_set(err, -EIO, "vtd driver: table read at 0x%llx failed",
					  (unsigned long long)epa);
	if (pt->fmt->present(pte)) {
		if (is_leaf(pt, pte, target) ||
		    subtree_mapped(pt, pte_addr(pt, pte, target), target - 1))
			return iommusim_error_set(err, -EEXIST,
				"vtd driver: IOVA 0x%llx is already mapped (%s entry 0x%llx)",
				(unsigned long long)iova, pt->fmt->name, (unsigned long long)pte);
		/* switch_to_super_page: the empty lower table goes, after a flush */
		if (collect(pt, pte_addr(pt, pte, target), target - 1, fl))
			return iommusim_error_set(err, -ENOMEM, "vtd driver: out of memory");
		*flush_needed = true;
	}
	if (vdrv_write_pte(v, epa, pt->fmt->mk_leaf(pa, target, prot)))
		return iommusim_error_set(err, -EIO, "vtd driver: table write at 0x%llx failed",
					  (unsigned long long)epa);
	return 0;
}

int vdrv_pt_map(struct vdrv_pt *pt, uint64_t iova, uint64_t pa, uint64_t pgsize,
	       uint64_t count, unsigned prot, uint64_t *mapped, struct vdrv_freelist *fl,
	       bool *flush_needed, iommusim_error_t *err)
{
	unsigned target = pgsize_level(pgsize);

	*mapped = 0;
	if (!target || !(pt->pgsize_bitmap & pgsize))
		return iommusim_error_set(err, -EINVAL, "vtd driver: page size 0x%llx is not in "
					  "the domain's sizes 0x%llx", (unsigned long long)pgsize,
					  (unsigned long long)pt->pgsize_bitmap);
	if ((iova | pa) & (pgsize - 1))
		return iommusim_error_set(err, -EINVAL, "vtd driver: IOVA 0x%llx or address 0x%llx "
					  "is not aligned to the page size 0x%llx",
					  (unsigned long long)iova, (unsigned long long)pa,
					  (unsigned long long)pgsize);
	if (count && (iova + count * pgsize - 1 < iova || iova + count * pgsize - 1 > reach(pt)))
		return iommusim_error_set(err, -EFAULT, "vtd driver: [0x%llx, +0x%llx) is beyond "
					  "the %u-level table", (unsigned long long)iova,
					  (unsigned long long)(count * pgsize), pt->levels);
	for (uint64_t i = 0; i < count; i++) {
		int rc = map_one(pt, iova + i * pgsize, pa + i * pgsize, target, prot, fl,
				 flush_needed, err);

		if (rc)
			return rc;
		*mapped += pgsize;
	}
	return 0;
}

/* ---- unmap -------------------------------------------------------------------------------- */

struct walk {
	unsigned level;      /* level where the walk stopped */
	uint64_t pte, pte_pa;
	bool present;        /* a present leaf */
};

static int walk(const struct vdrv_pt *pt, uint64_t iova, struct walk *w)
{
	uint64_t table = pt->root;

	for (unsigned lvl = pt->levels; lvl >= 1; lvl--) {
		w->level = lvl;
		w->pte_pa = table + VTD_LEVEL_INDEX(iova, lvl) * 8;
		if (vdrv_read_pte(pt->v, w->pte_pa, &w->pte))
			return -EIO;
		w->present = pt->fmt->present(w->pte);
		if (!w->present || is_leaf(pt, w->pte, lvl))
			return 0;
		table = pte_addr(pt, w->pte, lvl);
	}
	return 0;
}

struct clear_ctx {
	const struct vdrv_pt *pt;
	uint64_t s, e;           /* removed range; e grows to cover a large page cut at the end */
	struct vdrv_freelist *fl;
	int rc;
};

static void clear_level(struct clear_ctx *c, uint64_t table, unsigned level, uint64_t base)
{
	const struct vdrv_pt *pt = c->pt;
	uint64_t span = level_size(level);
	unsigned first = c->s > base ? (unsigned)((c->s - base) / span) : 0;

	for (unsigned i = first; i < PT_ENTRIES; i++) {
		uint64_t eb = base + (uint64_t)i * span, el = eb + span - 1, pte = 0;
		uint64_t epa = table + (uint64_t)i * 8;

		if (eb > c->e)
			break;
		if (vdrv_read_pte(pt->v, epa, &pte)) {
			c->rc = -EIO;
			return;
		}
		if (!pt->fmt->present(pte))
			continue;
		if (is_leaf(pt, pte, level)) {
			/* a leaf cut by the range (a large page at its end) goes whole */
			if (el > c->e)
				c->e = el;
			(void)vdrv_write_pte(pt->v, epa, 0);
		} else if (c->s <= eb && c->e >= el) {
			if (collect(pt, pte_addr(pt, pte, level), level - 1, c->fl))
				c->rc = -ENOMEM;
			(void)vdrv_write_pte(pt->v, epa, 0);
		} else {
			clear_level(c, pte_addr(pt, pte, level), level - 1, eb);
		}
		if (el == UINT64_MAX)
			break;
	}
}

uint64_t vdrv_pt_unmap(struct vdrv_pt *pt, uint64_t iova, uint64_t size, struct vdrv_freelist *fl,
		      uint64_t *start, uint64_t *last, uint64_t *leaf)
{
	struct clear_ctx c = { .pt = pt, .fl = fl };
	struct walk w = { 0 };
	uint64_t done = size;

	*leaf = 0;
	*start = iova;
	*last = iova;
	if (!size || iova > reach(pt))
		return 0;
	c.s = iova;
	c.e = iova + size - 1 < iova ? UINT64_MAX : iova + size - 1;
	if (c.e > reach(pt))
		c.e = reach(pt);
	if (walk(pt, iova, &w))
		return 0;
	if (w.present) {
		uint64_t ls = level_size(w.level);

		*leaf = ls;
		if (ls > size) {
			/* intel_iommu_unmap: the whole large page goes */
			c.s = iova & ~(ls - 1);
			c.e = c.s + ls - 1;
			done = c.s + ls - iova;
		}
	}
	clear_level(&c, pt->root, pt->levels, 0);
	if (c.rc == -EIO)
		return 0;
	*start = c.s;
	*last = c.e;
	if (c.e > iova + size - 1 && c.e - iova + 1 > done)
		done = c.e - iova + 1;
	return done;
}

/* ---- lookup and leaf walks ---------------------------------------------------------------- */

int vdrv_pt_lookup(const struct vdrv_pt *pt, uint64_t iova, uint64_t *pa, uint64_t *pte,
		  uint64_t *pte_pa, uint64_t *leaf_size)
{
	struct walk w = { 0 };

	if (iova > reach(pt))
		return -ENOENT;
	if (walk(pt, iova, &w))
		return -EIO;
	if (!w.present)
		return -ENOENT;
	uint64_t ls = level_size(w.level);

	if (pa)
		*pa = pte_addr(pt, w.pte, w.level) + (iova & (ls - 1));
	if (pte)
		*pte = w.pte;
	if (pte_pa)
		*pte_pa = w.pte_pa;
	if (leaf_size)
		*leaf_size = ls;
	return 0;
}

int vdrv_pt_for_each_leaf(const struct vdrv_pt *pt, uint64_t iova, uint64_t size,
			 vdrv_pt_leaf_fn fn, void *ctx)
{
	uint64_t end = iova + size - 1 < iova ? UINT64_MAX : iova + size - 1;

	if (!size)
		return 0;
	if (end > reach(pt))
		end = reach(pt);
	while (iova <= end) {
		struct walk w = { 0 };
		uint64_t ls, base;

		if (walk(pt, iova, &w))
			return -EIO;
		ls = level_size(w.level);
		base = iova & ~(ls - 1);
		if (w.present) {
			int rc = fn(ctx, base, ls, w.pte_pa, w.pte);

			if (rc)
				return rc;
		}
		if (base + ls - 1 >= end)
			break;
		iova = base + ls;
	}
	return 0;
}
