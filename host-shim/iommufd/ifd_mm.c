/* SPDX-License-Identifier: MIT */
/*
 * User memory of the simulated process, and the page stores behind it and behind memfds.
 *
 * The process has one anonymous read-write mapping covering its whole address space
 * (minus the zero page and any holes a scenario makes), so any user_va a stream names is
 * memory, as in a VMM that mapped guest RAM there. A page gets a frame the first time it is
 * written or pinned; with THP a whole 2 MiB-aligned chunk gets one 2 MiB block, so pinned
 * ranges are physically contiguous where Linux would have a transparent huge page.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/iommufd/ifd_internal.h"

#define CHUNK_PAGES (IFD_HPAGE_SIZE / IFD_PAGE_SIZE)
/* Scratch payloads live high in the address space, away from typical guest-RAM mappings. */
#define SCRATCH_BASE 0x7ff000000000ull

void ifd_pstore_init(ifd_pstore_t *p, ifd_frames_t *f, bool thp)
{
	*p = (ifd_pstore_t){.frames = f, .thp = thp};
}

void ifd_pstore_fini(ifd_pstore_t *p)
{
	for (size_t i = 0; i < p->nchunks; i++) {
		ifd_chunk_t *c = &p->chunks[i];
		if (c->huge_pa) {
			ifd_frames_free2m(p->frames, c->huge_pa);
		} else if (c->pa) {
			for (size_t j = 0; j < CHUNK_PAGES; j++)
				if (c->pa[j])
					ifd_frames_free4k(p->frames, c->pa[j]);
			free(c->pa);
		}
	}
	free(p->chunks);
	p->chunks = NULL;
	p->nchunks = p->capchunks = 0;
}

/* Binary search: the position of index, or where it would go. */
static size_t chunk_pos(const ifd_pstore_t *p, uint64_t index, bool *found)
{
	size_t lo = 0, hi = p->nchunks;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p->chunks[mid].index < index)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < p->nchunks && p->chunks[lo].index == index;
	return lo;
}

int ifd_pstore_page(ifd_pstore_t *p, uint64_t addr, bool alloc, uint64_t *pa)
{
	uint64_t index = addr >> IFD_HPAGE_SHIFT;
	size_t slot = (size_t)((addr >> IFD_PAGE_SHIFT) & (CHUNK_PAGES - 1));
	bool found;
	size_t pos = chunk_pos(p, index, &found);
	ifd_chunk_t *c;

	if (!found) {
		if (!alloc)
			return -ENOENT;
		if (p->nchunks == p->capchunks) {
			size_t nc = p->capchunks ? p->capchunks * 2 : 16;
			ifd_chunk_t *nv = realloc(p->chunks, nc * sizeof(*nv));
			if (!nv)
				return -ENOMEM;
			p->chunks = nv;
			p->capchunks = nc;
		}
		ifd_chunk_t nc = {.index = index};
		if (p->thp) {
			int rc = ifd_frames_alloc2m(p->frames, &nc.huge_pa);
			if (rc)
				nc.huge_pa = 0;   /* fall back to 4 KiB frames, as THP does */
		}
		if (!nc.huge_pa) {
			nc.pa = calloc(CHUNK_PAGES, sizeof(uint64_t));
			if (!nc.pa)
				return -ENOMEM;
		}
		memmove(&p->chunks[pos + 1], &p->chunks[pos],
			(p->nchunks - pos) * sizeof(*p->chunks));
		p->chunks[pos] = nc;
		p->nchunks++;
	}
	c = &p->chunks[pos];
	if (c->huge_pa) {
		*pa = c->huge_pa + slot * IFD_PAGE_SIZE;
		return 0;
	}
	if (!c->pa[slot]) {
		if (!alloc)
			return -ENOENT;
		int rc = ifd_frames_alloc4k(p->frames, &c->pa[slot]);
		if (rc)
			return rc;
	}
	*pa = c->pa[slot];
	return 0;
}

int ifd_pstore_rw(ifd_pstore_t *p, uint64_t addr, void *buf, size_t len, bool write)
{
	uint8_t *b = buf;

	while (len) {
		uint64_t off = addr & (IFD_PAGE_SIZE - 1);
		size_t n = (size_t)(IFD_PAGE_SIZE - off);
		uint64_t pa;
		int rc;

		if (n > len)
			n = len;
		rc = ifd_pstore_page(p, addr, write, &pa);
		if (rc == -ENOENT && !write) {
			memset(b, 0, n);
		} else if (rc) {
			return rc;
		} else {
			rc = write ? iommusim_mem_write(p->frames->mem, pa + off, b, n)
				   : iommusim_mem_read(p->frames->mem, pa + off, b, n);
			if (rc)
				return rc;
		}
		b += n;
		addr += n;
		len -= n;
	}
	return 0;
}

/* ---- the process ---------------------------------------------------------------------- */

int ifd_mm_init(ifd_mm_t *mm, ifd_frames_t *f, unsigned va_bits, bool thp, uint64_t limit)
{
	*mm = (ifd_mm_t){0};
	ifd_pstore_init(&mm->ps, f, thp);
	mm->va_limit = 1ull << (va_bits ? va_bits : 47);
	mm->scratch_next = SCRATCH_BASE < mm->va_limit ? SCRATCH_BASE : mm->va_limit / 2;
	mm->limit_pages = limit / IFD_PAGE_SIZE;
	return 0;
}

void ifd_mm_fini(ifd_mm_t *mm)
{
	ifd_pstore_fini(&mm->ps);
	free(mm->holes);
	mm->holes = NULL;
	mm->nholes = 0;
}

/* Is [va, va + len) ordinary memory? The first page is never mapped (NULL). */
static bool range_ok(const ifd_mm_t *mm, uint64_t va, uint64_t len)
{
	if (len == 0)
		return true;
	uint64_t last = va + len - 1;
	if (last < va || va < IFD_PAGE_SIZE || last >= mm->va_limit)
		return false;
	for (size_t i = 0; i < mm->nholes; i++)
		if (mm->holes[i].start <= last && va <= mm->holes[i].last)
			return false;
	return true;
}

int ifd_mm_read(ifd_mm_t *mm, uint64_t va, void *buf, size_t len)
{
	if (!mm || (len && !buf) || !range_ok(mm, va, len))
		return -EFAULT;
	return ifd_pstore_rw(&mm->ps, va, buf, len, false) ? -EFAULT : 0;
}

int ifd_mm_write(ifd_mm_t *mm, uint64_t va, const void *buf, size_t len)
{
	if (!mm || (len && !buf) || !range_ok(mm, va, len))
		return -EFAULT;
	return ifd_pstore_rw(&mm->ps, va, (void *)buf, len, true) ? -EFAULT : 0;
}

uint64_t ifd_mm_scratch(ifd_mm_t *mm, uint64_t len)
{
	uint64_t size = (len + IFD_PAGE_SIZE - 1) & ~(IFD_PAGE_SIZE - 1);
	if (!mm || size < len)
		return 0;
	if (size == 0)
		size = IFD_PAGE_SIZE;
	if (mm->scratch_next + size + IFD_PAGE_SIZE > mm->va_limit ||
	    mm->scratch_next + size < mm->scratch_next)
		return 0;
	uint64_t va = mm->scratch_next;
	mm->scratch_next += size + IFD_PAGE_SIZE;   /* a guard page between payloads */
	return va;
}

int ifd_mm_set_hole(ifd_mm_t *mm, uint64_t va, uint64_t len, bool hole)
{
	if (!mm || len == 0 || va + len - 1 < va)
		return -EINVAL;
	uint64_t last = va + len - 1;
	if (!hole) {
		for (size_t i = 0; i < mm->nholes;) {
			if (mm->holes[i].start == va && mm->holes[i].last == last) {
				mm->holes[i] = mm->holes[--mm->nholes];
				continue;
			}
			i++;
		}
		return 0;
	}
	ifd_hole_t *h = realloc(mm->holes, (mm->nholes + 1) * sizeof(*h));
	if (!h)
		return -ENOMEM;
	mm->holes = h;
	mm->holes[mm->nholes++] = (ifd_hole_t){va, last};
	return 0;
}

int ifd_mm_lookup(ifd_mm_t *mm, uint64_t va, uint64_t *pa)
{
	uint64_t base;
	if (!mm || !range_ok(mm, va, 1))
		return -ENOENT;
	int rc = ifd_pstore_page(&mm->ps, va, false, &base);
	if (rc)
		return rc;
	*pa = base + (va & (IFD_PAGE_SIZE - 1));
	return 0;
}

int ifd_mm_pin(ifd_mm_t *mm, uint64_t va, bool write, uint64_t *pa)
{
	(void)write;   /* the process's one mapping is writable */
	if (!range_ok(mm, va & ~(IFD_PAGE_SIZE - 1), IFD_PAGE_SIZE))
		return -EFAULT;
	int rc = ifd_pstore_page(&mm->ps, va, true, pa);
	return rc == -ENOMEM ? -ENOMEM : rc ? -EFAULT : 0;
}
