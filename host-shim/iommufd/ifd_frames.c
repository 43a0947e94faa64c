/* SPDX-License-Identifier: MIT */
/*
 * The frame allocator over simulated physical memory. User memory and driver tables take
 * frames from one range. 2 MiB blocks come from a bump pointer (aligned, so a huge-page
 * mapping is possible), 4 KiB frames from a block split into 512 frames. Freed frames are
 * reused last-in first-out, which keeps allocation deterministic. Frames are zeroed when
 * handed out (a fresh process page and a fresh page-table page both read as zero).
 */
#include <errno.h>
#include <stdlib.h>

#include "host-shim/iommufd/ifd_internal.h"

int ifd_frames_init(ifd_frames_t *f, iommusim_mem_t *mem, uint64_t base, uint64_t size)
{
	*f = (ifd_frames_t){0};
	f->mem = mem;
	f->base = base;
	f->end = base + size;
	if (f->end < base)
		return -EINVAL;
	f->bump = (base + IFD_HPAGE_SIZE - 1) & ~(IFD_HPAGE_SIZE - 1);
	return 0;
}

void ifd_frames_fini(ifd_frames_t *f)
{
	free(f->free4k);
	free(f->free2m);
	*f = (ifd_frames_t){0};
}

static int push(uint64_t **arr, size_t *n, size_t *cap, uint64_t v)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		uint64_t *p = realloc(*arr, nc * sizeof(*p));
		if (!p)
			return -ENOMEM;
		*arr = p;
		*cap = nc;
	}
	(*arr)[(*n)++] = v;
	return 0;
}

static int zero(ifd_frames_t *f, uint64_t pa, uint64_t len)
{
	return f->mem ? iommusim_mem_fill(f->mem, pa, 0, len) : 0;
}

int ifd_frames_alloc2m(ifd_frames_t *f, uint64_t *pa)
{
	uint64_t p;

	if (f->nfree2m) {
		p = f->free2m[--f->nfree2m];
	} else {
		if (f->bump >= f->end || f->end - f->bump < IFD_HPAGE_SIZE)
			return -ENOMEM;
		p = f->bump;
		f->bump += IFD_HPAGE_SIZE;
	}
	if (zero(f, p, IFD_HPAGE_SIZE)) {
		push(&f->free2m, &f->nfree2m, &f->capfree2m, p);
		return -ENOMEM;
	}
	f->in_use += IFD_HPAGE_SIZE / IFD_PAGE_SIZE;
	*pa = p;
	return 0;
}

int ifd_frames_alloc4k(ifd_frames_t *f, uint64_t *pa)
{
	if (!f->nfree4k) {
		uint64_t blk;
		int rc = ifd_frames_alloc2m(f, &blk);
		if (rc)
			return rc;
		f->in_use -= IFD_HPAGE_SIZE / IFD_PAGE_SIZE;
		/* Push in reverse so that the block's frames come out in address order. */
		for (uint64_t i = IFD_HPAGE_SIZE / IFD_PAGE_SIZE; i-- > 0;)
			if (push(&f->free4k, &f->nfree4k, &f->capfree4k, blk + i * IFD_PAGE_SIZE))
				return -ENOMEM;
	}
	uint64_t p = f->free4k[--f->nfree4k];
	if (zero(f, p, IFD_PAGE_SIZE)) {
		f->nfree4k++;
		return -ENOMEM;
	}
	f->in_use++;
	*pa = p;
	return 0;
}

void ifd_frames_free4k(ifd_frames_t *f, uint64_t pa)
{
	/* If the list cannot grow the frame is lost to reuse, which only wastes address space. */
	if (!push(&f->free4k, &f->nfree4k, &f->capfree4k, pa))
		f->in_use--;
}

void ifd_frames_free2m(ifd_frames_t *f, uint64_t pa)
{
	if (!push(&f->free2m, &f->nfree2m, &f->capfree2m, pa))
		f->in_use -= IFD_HPAGE_SIZE / IFD_PAGE_SIZE;
}
