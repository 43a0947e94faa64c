/* SPDX-License-Identifier: MIT */
/*
 * The I/O page table of an IOAS (Linux io_pagetable.c): the areas mapped in it, the IOVA
 * ranges reserved by attached devices and domain apertures, the ranges user space allowed,
 * and the domains that mirror every area.
 *
 * Rules kept from Linux:
 * - A new area must not intersect a reserved range (-EINVAL) or another area (-EEXIST).
 * - Unmap takes only whole areas: a range that cuts an area is -ENOENT, a range holding no
 *   area is -ENOENT; the bytes unmapped are returned. "Unmap all" of an empty IOAS succeeds.
 * - Adding a domain raises iova_alignment to its smallest page size (> 4 KiB: -EINVAL);
 *   existing areas must conform (-EADDRINUSE), and its aperture is reserved.
 * - Reserving a range that intersects an area or an allowed range is -EADDRINUSE, and so is
 *   allowing a range that intersects a reserved one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/iommufd/ifd_internal.h"

void ifd_iopt_init(ifd_iopt_t *p)
{
	*p = (ifd_iopt_t){0};
	/* A table without domains can map any byte range (Linux: iova_alignment = 1). */
	p->iova_alignment = 1;
}

void ifd_iopt_fini(ifd_iopt_t *p)
{
	ifd_ivls_clear(&p->reserved);
	ifd_ivls_clear(&p->allowed);
	free(p->areas);
	free(p->domains);
	*p = (ifd_iopt_t){0};
}

/* Index of the first area whose last >= start. */
static size_t area_lower(const ifd_iopt_t *p, uint64_t start)
{
	size_t lo = 0, hi = p->nareas;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p->areas[mid]->last < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

ifd_area_t *ifd_iopt_area_find(const ifd_iopt_t *p, uint64_t start, uint64_t last)
{
	size_t i = area_lower(p, start);
	return i < p->nareas && p->areas[i]->iova <= last ? p->areas[i] : NULL;
}

static int area_insert(ifd_iopt_t *p, ifd_area_t *a)
{
	if (p->nareas == p->capareas) {
		size_t nc = p->capareas ? p->capareas * 2 : 16;
		ifd_area_t **v = realloc(p->areas, nc * sizeof(*v));
		if (!v)
			return -ENOMEM;
		p->areas = v;
		p->capareas = nc;
	}
	size_t pos = area_lower(p, a->iova);
	memmove(&p->areas[pos + 1], &p->areas[pos], (p->nareas - pos) * sizeof(*p->areas));
	p->areas[pos] = a;
	p->nareas++;
	return 0;
}

static void area_remove(ifd_iopt_t *p, ifd_area_t *a)
{
	for (size_t i = 0; i < p->nareas; i++) {
		if (p->areas[i] == a) {
			memmove(&p->areas[i], &p->areas[i + 1],
				(p->nareas - i - 1) * sizeof(*p->areas));
			p->nareas--;
			return;
		}
	}
}

static uint64_t area_first_page(const ifd_area_t *a)
{
	return a->start_byte >> IFD_PAGE_SHIFT;
}

static uint64_t area_last_page(const ifd_area_t *a)
{
	return (a->start_byte + (a->last - a->iova)) >> IFD_PAGE_SHIFT;
}

/* ---- IOVA allocation ------------------------------------------------------------------- */

static uint64_t roundup_pow2(uint64_t v)
{
	return v <= 1 ? 1 : 1ull << (64 - __builtin_clzll(v - 1));
}

/* __alloc_iova_check_*: can [start, last] hold length bytes after aligning start? */
static bool fit(uint64_t *start, uint64_t last, uint64_t length, uint64_t align,
		uint64_t page_offset)
{
	if (last - *start < length - 1)
		return false;
	uint64_t s = *start + (align - 1);
	if (s < *start)
		return false;
	s = (s & ~(align - 1)) | page_offset;
	if (s > last || last - s < length - 1)
		return false;
	*start = s;
	return true;
}

int ifd_iopt_alloc_iova(ifd_iopt_t *p, uint64_t *iova, uint64_t uptr, uint64_t length)
{
	uint64_t page_offset = uptr % IFD_PAGE_SIZE;
	uint64_t align;
	ifd_ivl_t *allowed = NULL, *used = NULL;
	size_t nallowed = 0, nused = 0;
	int rc = -ENOSPC;

	if (length == 0 || length >= UINT64_MAX / 2)
		return -EOVERFLOW;
	/* Keep the alignment the user address has, for huge pages. */
	align = roundup_pow2(length);
	if (uptr && (1ull << __builtin_ctzll(uptr)) < align)
		align = 1ull << __builtin_ctzll(uptr);
	if (align >= IFD_HPAGE_SIZE)
		align = IFD_HPAGE_SIZE;
	if (align < p->iova_alignment)
		return -EINVAL;

	if (ifd_ivls_union(&p->allowed, &allowed, &nallowed))
		return -ENOMEM;
	/* Used IOVA: reserved ranges and areas together. */
	ifd_ivls_t u = {0};
	for (size_t i = 0; i < p->reserved.n; i++)
		if (ifd_ivls_insert(&u, p->reserved.v[i].start, p->reserved.v[i].last, NULL))
			goto nomem;
	for (size_t i = 0; i < p->nareas; i++)
		if (ifd_ivls_insert(&u, p->areas[i]->iova, p->areas[i]->last, NULL))
			goto nomem;
	if (ifd_ivls_union(&u, &used, &nused))
		goto nomem;

	/* Never IOVA 0, never the last page (Linux walks [PAGE_SIZE, ULONG_MAX - PAGE_SIZE]). */
	const uint64_t lo = IFD_PAGE_SIZE, hi = UINT64_MAX - IFD_PAGE_SIZE;
	size_t nspans = nallowed ? nallowed : 1;
	for (size_t a = 0; a < nspans && rc; a++) {
		uint64_t s = nallowed ? allowed[a].start : lo;
		uint64_t l = nallowed ? allowed[a].last : hi;
		if (l < lo || s > hi)
			continue;
		if (s < lo)
			s = lo;
		if (l > hi)
			l = hi;
		if (!fit(&s, l, length, align, page_offset))
			continue;
		/* Holes of the used ranges inside [s, l], in order. */
		uint64_t cur = s;
		for (size_t k = 0; k <= nused && rc; k++) {
			uint64_t hole_last;
			if (k < nused && used[k].last < cur)
				continue;
			if (k < nused && used[k].start <= cur) {
				if (used[k].last >= l)
					break;
				cur = used[k].last + 1;
				continue;
			}
			hole_last = k < nused && used[k].start - 1 < l ? used[k].start - 1 : l;
			uint64_t hs = cur;
			if (fit(&hs, hole_last, length, align, page_offset)) {
				*iova = hs;
				rc = 0;
				break;
			}
			if (k == nused || used[k].last >= l)
				break;
			cur = used[k].last + 1;
		}
	}
	free(allowed);
	free(used);
	ifd_ivls_clear(&u);
	return rc;
nomem:
	free(allowed);
	ifd_ivls_clear(&u);
	return -ENOMEM;
}

int ifd_iopt_check_iova(ifd_iopt_t *p, uint64_t iova, uint64_t length)
{
	uint64_t last;

	if (iova & (p->iova_alignment - 1))
		return -EINVAL;
	last = iova + length - 1;
	if (last < iova)
		return -EOVERFLOW;
	if (ifd_ivls_find(&p->reserved, iova, last))
		return -EINVAL;
	if (ifd_iopt_area_find(p, iova, last))
		return -EEXIST;
	return 0;
}

/* ---- mapping ---------------------------------------------------------------------------- */

/* Pins an area's pages and loads it into every domain, or undoes everything. */
static int fill_domains(ifd_iopt_t *p, ifd_area_t *a, iommusim_error_t *err)
{
	int rc;
	size_t i;

	if (!p->ndomains)
		return 0;
	rc = ifd_pages_pin(a->pages, area_first_page(a), area_last_page(a), err);
	if (rc)
		return rc;
	for (i = 0; i < p->ndomains; i++) {
		rc = ifd_domain_map_area(p->domains[i], a, !p->disable_large_pages, err);
		if (rc)
			break;
	}
	if (!rc)
		return 0;
	while (i-- > 0)
		ifd_domain_unmap_range(p->domains[i], a->iova, a->last - a->iova + 1);
	ifd_pages_unpin(a->pages, area_first_page(a), area_last_page(a));
	return rc;
}

static void unfill_domains(ifd_iopt_t *p, ifd_area_t *a)
{
	if (!p->ndomains)
		return;
	for (size_t i = 0; i < p->ndomains; i++)
		ifd_domain_unmap_range(p->domains[i], a->iova, a->last - a->iova + 1);
	ifd_pages_unpin(a->pages, area_first_page(a), area_last_page(a));
}

int ifd_iopt_map_pages(ifd_iopt_t *p, const ifd_slice_t *sl, size_t n, uint64_t length,
		       uint64_t *iova, unsigned prot, bool alloc, iommusim_error_t *err)
{
	ifd_area_t **made;
	size_t i;
	int rc;

	if ((length & (p->iova_alignment - 1)) || !length)
		return iommusim_error_set(err, -EINVAL,
			"length 0x%llx is zero or not a multiple of the IOAS alignment 0x%llx",
			(unsigned long long)length, (unsigned long long)p->iova_alignment);
	if (alloc) {
		/* The first slice's address guides the alignment (Linux: first list entry). */
		rc = ifd_iopt_alloc_iova(p, iova, sl[0].pages->base + sl[0].start_byte, length);
		if (rc)
			return iommusim_error_set(err, rc,
				rc == -ENOSPC ? "no free IOVA range of 0x%llx bytes in the allowed "
						"ranges"
				: rc == -EINVAL ? "the user address alignment (length 0x%llx) is "
						  "below the IOAS alignment"
				: "length 0x%llx is too large to allocate IOVA for",
				(unsigned long long)length);
	} else {
		rc = ifd_iopt_check_iova(p, *iova, length);
		if (rc)
			return iommusim_error_set(err, rc,
				rc == -EEXIST ? "IOVA 0x%llx+0x%llx overlaps an existing mapping "
						"(unmap it first)"
				: rc == -EOVERFLOW ? "IOVA 0x%llx+0x%llx wraps around"
				: "IOVA 0x%llx+0x%llx is misaligned for the IOAS or intersects a "
				  "reserved range (see IOMMU_IOAS_IOVA_RANGES)",
				(unsigned long long)*iova, (unsigned long long)length);
	}
	made = calloc(n, sizeof(*made));
	if (!made)
		return iommusim_error_set(err, -ENOMEM, "out of memory for areas");
	uint64_t at = *iova;
	for (i = 0; i < n; i++) {
		ifd_pages_t *pg = sl[i].pages;
		if ((prot & DRV_PROT_WRITE) && !pg->writable) {
			rc = iommusim_error_set(err, -EPERM,
				"writable mapping of pages that were mapped read-only");
			goto undo;
		}
		if (((pg->base + sl[i].start_byte) % IFD_PAGE_SIZE) & (p->iova_alignment - 1)) {
			rc = iommusim_error_set(err, -EINVAL,
				"the source's page offset 0x%llx does not meet the IOAS alignment "
				"0x%llx", (unsigned long long)(sl[i].start_byte % IFD_PAGE_SIZE),
				(unsigned long long)p->iova_alignment);
			goto undo;
		}
		ifd_area_t *a = calloc(1, sizeof(*a));
		if (!a) {
			rc = iommusim_error_set(err, -ENOMEM, "out of memory for an area");
			goto undo;
		}
		a->iova = at;
		a->last = at + sl[i].length - 1;
		a->pages = pg;
		a->start_byte = sl[i].start_byte;
		a->prot = prot;
		if (area_insert(p, a)) {
			free(a);
			rc = iommusim_error_set(err, -ENOMEM, "out of memory for an area");
			goto undo;
		}
		made[i] = a;
		at += sl[i].length;
	}
	for (i = 0; i < n; i++) {
		rc = fill_domains(p, made[i], err);
		if (rc) {
			while (i-- > 0)
				unfill_domains(p, made[i]);
			i = n;
			goto undo;
		}
	}
	for (i = 0; i < n; i++)
		made[i]->pages->refs++;
	free(made);
	return 0;
undo:
	while (i-- > 0) {
		area_remove(p, made[i]);
		free(made[i]);
	}
	free(made);
	return rc;
}

static void area_free(ifd_iopt_t *p, ifd_area_t *a)
{
	unfill_domains(p, a);
	area_remove(p, a);
	ifd_pages_put(a->pages);
	free(a);
}

int ifd_iopt_unmap(ifd_iopt_t *p, uint64_t start, uint64_t last, uint64_t *unmapped)
{
	uint64_t bytes = 0;
	ifd_area_t *a;
	int rc = -ENOENT;

	while ((a = ifd_iopt_area_find(p, start, last))) {
		if (a->iova < start || a->last > last) {
			rc = -ENOENT;
			goto out;
		}
		bytes += a->last - a->iova + 1;
		area_free(p, a);
	}
	if (bytes)
		rc = 0;
out:
	if (unmapped)
		*unmapped = bytes;
	return rc;
}

int ifd_iopt_unmap_all(ifd_iopt_t *p, uint64_t *unmapped)
{
	int rc = ifd_iopt_unmap(p, 0, UINT64_MAX, unmapped);
	return rc == -ENOENT ? 0 : rc;
}

/* iopt_area_split: makes iova the last byte of an area (VFIO type1 v1 unmap of part of a
 * mapping, only when huge pages are disabled). */
int ifd_iopt_cut(ifd_iopt_t *p, uint64_t iova)
{
	ifd_area_t *a = ifd_iopt_area_find(p, iova, iova);

	if (!a || iova == a->iova || iova == a->last)
		return 0;
	uint64_t new_start = iova + 1;
	uint64_t off = a->start_byte + (new_start - a->iova);
	if ((new_start & (p->iova_alignment - 1)) || (off & (p->iova_alignment - 1)))
		return -EINVAL;
	/* A domain could hold huge pages across the cut. */
	if (p->ndomains && !p->disable_large_pages)
		return -EINVAL;
	ifd_area_t *rhs = calloc(1, sizeof(*rhs));
	if (!rhs)
		return -ENOMEM;
	*rhs = *a;
	rhs->iova = new_start;
	rhs->start_byte = off;
	a->last = iova;
	if (area_insert(p, rhs)) {
		a->last = rhs->last;
		free(rhs);
		return -ENOMEM;
	}
	a->pages->refs++;
	/* Both halves keep the pins the whole area held: each page's count is per area, so
	 * the page holding the cut (shared by both halves when the cut is not page aligned,
	 * which the alignment check rules out once domains exist) needs one more pin. */
	if (p->ndomains && area_first_page(rhs) == area_last_page(a)) {
		uint64_t i = area_first_page(rhs);
		a->pages->pin[i]++;
	}
	return 0;
}

/* ---- domains ------------------------------------------------------------------------------ */

static int check_alignment(ifd_iopt_t *p, uint64_t align)
{
	for (size_t i = 0; i < p->nareas; i++) {
		ifd_area_t *a = p->areas[i];
		if ((a->iova & (align - 1)) || ((a->last - a->iova + 1) & (align - 1)) ||
		    (((a->pages->base + a->start_byte) % IFD_PAGE_SIZE) & (align - 1)))
			return -EADDRINUSE;
	}
	return 0;
}

static uint64_t min_pgsize(const drv_domain_t *d)
{
	return d->pgsize_bitmap ? 1ull << __builtin_ctzll(d->pgsize_bitmap) : IFD_PAGE_SIZE;
}

int ifd_iopt_add_domain(ifd_iopt_t *p, drv_domain_t *d, iommusim_error_t *err)
{
	uint64_t align = min_pgsize(d);
	size_t i;
	int rc;

	for (i = 0; i < p->ndomains; i++)
		if (p->domains[i] == d)
			return iommusim_error_set(err, -EEXIST, "domain already in this IOAS");
	if (align < p->iova_alignment)
		align = p->iova_alignment;
	if (align > IFD_PAGE_SIZE)
		return iommusim_error_set(err, -EINVAL,
			"the domain's smallest page 0x%llx is larger than the CPU page size",
			(unsigned long long)align);
	if (align != p->iova_alignment && check_alignment(p, align))
		return iommusim_error_set(err, -EADDRINUSE,
			"a mapping in the IOAS is not aligned to the domain's page size 0x%llx",
			(unsigned long long)align);
	if (d->aperture_start != 0 &&
	    (rc = ifd_iopt_reserve(p, 0, d->aperture_start - 1, d)))
		goto aperture;
	if (d->aperture_end != UINT64_MAX &&
	    (rc = ifd_iopt_reserve(p, d->aperture_end + 1, UINT64_MAX, d)))
		goto aperture;
	if (p->ndomains == p->capdomains) {
		size_t nc = p->capdomains ? p->capdomains * 2 : 4;
		drv_domain_t **v = realloc(p->domains, nc * sizeof(*v));
		if (!v) {
			ifd_ivls_remove_owner(&p->reserved, d);
			return iommusim_error_set(err, -ENOMEM, "out of memory");
		}
		p->domains = v;
		p->capdomains = nc;
	}
	/* Fill: the first domain pins every area; later ones map the pinned pages. */
	for (i = 0; i < p->nareas; i++) {
		ifd_area_t *a = p->areas[i];
		if (!p->ndomains) {
			rc = ifd_pages_pin(a->pages, area_first_page(a), area_last_page(a), err);
			if (rc)
				goto unfill;
		}
		rc = ifd_domain_map_area(d, a, !p->disable_large_pages, err);
		if (rc) {
			if (!p->ndomains)
				ifd_pages_unpin(a->pages, area_first_page(a), area_last_page(a));
			goto unfill;
		}
	}
	p->iova_alignment = align;
	p->domains[p->ndomains++] = d;
	return 0;

unfill:
	while (i-- > 0) {
		ifd_area_t *a = p->areas[i];
		ifd_domain_unmap_range(d, a->iova, a->last - a->iova + 1);
		if (!p->ndomains)
			ifd_pages_unpin(a->pages, area_first_page(a), area_last_page(a));
	}
	ifd_ivls_remove_owner(&p->reserved, d);
	return rc;
aperture:
	ifd_ivls_remove_owner(&p->reserved, d);
	return iommusim_error_set(err, rc,
		"the domain's aperture 0x%llx-0x%llx excludes an existing mapping or allowed range",
		(unsigned long long)d->aperture_start, (unsigned long long)d->aperture_end);
}

static void recalc_alignment(ifd_iopt_t *p)
{
	uint64_t align = p->disable_large_pages ? IFD_PAGE_SIZE : 1;
	for (size_t i = 0; i < p->ndomains; i++)
		if (min_pgsize(p->domains[i]) > align)
			align = min_pgsize(p->domains[i]);
	/* Lowering never breaks existing areas; raising was checked by the caller. */
	p->iova_alignment = align;
}

void ifd_iopt_remove_domain(ifd_iopt_t *p, drv_domain_t *d)
{
	size_t i;

	for (i = 0; i < p->ndomains && p->domains[i] != d; i++)
		;
	if (i == p->ndomains)
		return;
	p->domains[i] = p->domains[--p->ndomains];
	for (size_t k = 0; k < p->nareas; k++) {
		ifd_area_t *a = p->areas[k];
		ifd_domain_unmap_range(d, a->iova, a->last - a->iova + 1);
		if (!p->ndomains)
			ifd_pages_unpin(a->pages, area_first_page(a), area_last_page(a));
	}
	ifd_ivls_remove_owner(&p->reserved, d);
	recalc_alignment(p);
}

/* ---- reserved and allowed ranges ---------------------------------------------------------- */

int ifd_iopt_reserve(ifd_iopt_t *p, uint64_t start, uint64_t last, const void *owner)
{
	if (ifd_iopt_area_find(p, start, last) || ifd_ivls_find(&p->allowed, start, last))
		return -EADDRINUSE;
	return ifd_ivls_insert(&p->reserved, start, last, owner);
}

void ifd_iopt_unreserve(ifd_iopt_t *p, const void *owner)
{
	ifd_ivls_remove_owner(&p->reserved, owner);
}

int ifd_iopt_set_allowed(ifd_iopt_t *p, ifd_ivls_t *allowed)
{
	for (size_t i = 0; i < allowed->n; i++)
		if (ifd_ivls_find(&p->reserved, allowed->v[i].start, allowed->v[i].last))
			return -EADDRINUSE;
	ifd_ivls_t old = p->allowed;
	p->allowed = *allowed;
	*allowed = old;   /* the caller frees the old list */
	return 0;
}

int ifd_iopt_disable_large_pages(ifd_iopt_t *p)
{
	if (p->disable_large_pages)
		return 0;
	/* Domains may already hold large pages. */
	if (p->ndomains && p->nareas)
		return -EINVAL;
	uint64_t old = p->iova_alignment;
	p->disable_large_pages = true;
	recalc_alignment(p);
	if (p->iova_alignment > old && check_alignment(p, p->iova_alignment)) {
		p->disable_large_pages = false;
		p->iova_alignment = old;
		return -EADDRINUSE;
	}
	return 0;
}

void ifd_iopt_enable_large_pages(ifd_iopt_t *p)
{
	p->disable_large_pages = false;
	recalc_alignment(p);
}

int ifd_iopt_enforce_resv(ifd_iopt_t *p, ifd_device_t *idev, iommusim_error_t *err)
{
	drv_resv_region_t r[DRV_RESV_MAX];
	size_t n = 0;
	drv_instance_t *drv = idev->drv;
	int rc = drv->ops->get_resv_regions(drv->iommu, idev->pdev, r, DRV_RESV_MAX, &n, err);

	if (rc)
		return rc;
	for (size_t i = 0; i < n && i < DRV_RESV_MAX; i++) {
		if (r[i].type == DRV_RESV_DIRECT_RELAXABLE || !r[i].length)
			continue;
		uint64_t last = r[i].start + r[i].length - 1;
		rc = ifd_iopt_reserve(p, r[i].start, last < r[i].start ? UINT64_MAX : last, idev);
		if (rc) {
			ifd_iopt_unreserve(p, idev);
			return iommusim_error_set(err, rc,
				"device %s reserves IOVA 0x%llx-0x%llx (%s), which is already "
				"mapped or allowed in the IOAS", idev->pdev->name,
				(unsigned long long)r[i].start, (unsigned long long)last,
				r[i].type == DRV_RESV_MSI ? "MSI window" : "reserved region");
		}
	}
	return 0;
}

int ifd_iopt_iova_to_pa(const ifd_iopt_t *p, uint64_t iova, uint64_t *pa)
{
	const ifd_area_t *a = ifd_iopt_area_find(p, iova, iova);
	if (!a)
		return -ENOENT;
	uint64_t byte = a->start_byte + (iova - a->iova);
	uint64_t idx = byte >> IFD_PAGE_SHIFT;
	if (!a->pages->pin[idx])
		return -ENOENT;
	*pa = a->pages->pa[idx] + (byte & (IFD_PAGE_SIZE - 1));
	return 0;
}
