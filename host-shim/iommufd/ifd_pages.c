/* SPDX-License-Identifier: MIT */
/*
 * Pinned user memory (Linux iopt_pages) and loading it into domains.
 *
 * A pages object describes one IOAS_MAP / IOAS_MAP_FILE source: a page-aligned run of the
 * process's memory or of a memfd. Areas (in one IOAS, or several after IOAS_COPY) take slices
 * of it. Pages are pinned only while some domain needs them (an IOAS without attached
 * domains keeps only a lazy reference, as Linux does), each page once however many areas and
 * domains use it, and every pinned page is charged once to the owner's memlock accounting:
 * over the limit the pin fails with -ENOMEM.
 */
#include <errno.h>
#include <stdlib.h>

#include "host-shim/iommufd/ifd_internal.h"

static ifd_pages_t *pages_alloc(ifd_ctx_t *ctx, uint64_t base, uint64_t npages, int *rc)
{
	ifd_pages_t *pg = calloc(1, sizeof(*pg));
	if (pg) {
		pg->pin = calloc(npages, sizeof(*pg->pin));
		pg->pa = calloc(npages, sizeof(*pg->pa));
	}
	if (!pg || !pg->pin || !pg->pa) {
		if (pg) {
			free(pg->pin);
			free(pg->pa);
		}
		free(pg);
		*rc = -ENOMEM;
		return NULL;
	}
	pg->refs = 1;
	pg->sys = ctx->sys;
	pg->ctx = ctx;
	pg->base = base;
	pg->npages = npages;
	pg->account = ctx->account;
	return pg;
}

ifd_pages_t *ifd_pages_new_user(ifd_ctx_t *ctx, uint64_t uptr, uint64_t length, bool writable,
				int *rc)
{
	uint64_t end;

	/* iopt_alloc_pages: a zero or absurd length is EINVAL, address overflow EOVERFLOW */
	if (length == 0 || length > UINT64_MAX - IFD_PAGE_SIZE) {
		*rc = -EINVAL;
		return NULL;
	}
	end = uptr + length;
	if (end < uptr) {
		*rc = -EOVERFLOW;
		return NULL;
	}
	uint64_t base = uptr & ~(IFD_PAGE_SIZE - 1);
	uint64_t npages = ((end - base) + IFD_PAGE_SIZE - 1) >> IFD_PAGE_SHIFT;
	ifd_pages_t *pg = pages_alloc(ctx, base, npages, rc);
	if (pg)
		pg->writable = writable;
	return pg;
}

ifd_pages_t *ifd_pages_new_file(ifd_ctx_t *ctx, ifd_memfd_t *f, uint64_t start,
				uint64_t length, bool writable, int *rc)
{
	uint64_t end;

	if (length == 0 || length > UINT64_MAX - IFD_PAGE_SIZE) {
		*rc = -EINVAL;
		return NULL;
	}
	if (start + length < start) {
		*rc = -EOVERFLOW;
		return NULL;
	}
	end = start + length;
	uint64_t base = start & ~(IFD_PAGE_SIZE - 1);
	uint64_t npages = ((end - base) + IFD_PAGE_SIZE - 1) >> IFD_PAGE_SHIFT;
	ifd_pages_t *pg = pages_alloc(ctx, base, npages, rc);
	if (pg) {
		pg->writable = writable;
		pg->memfd = f;
		f->refs++;
	}
	return pg;
}

static void memfd_put(ifd_memfd_t *f)
{
	if (--f->refs == 0) {
		ifd_pstore_fini(&f->ps);
		free(f);
	}
}

void ifd_pages_put(ifd_pages_t *pg)
{
	if (!pg || --pg->refs)
		return;
	/* Every user unpinned before dropping its reference. */
	if (pg->memfd)
		memfd_put(pg->memfd);
	free(pg->pin);
	free(pg->pa);
	free(pg);
}

static uint64_t *account_counter(ifd_pages_t *pg)
{
	ifd_mm_t *mm = &pg->sys->mm;
	return pg->account == IFD_ACCOUNT_MM ? &mm->pinned_vm : &mm->locked_pages;
}

int ifd_pages_pin(ifd_pages_t *pg, uint64_t first, uint64_t last, iommusim_error_t *err)
{
	ifd_mm_t *mm = &pg->sys->mm;
	uint64_t need = 0;

	for (uint64_t i = first; i <= last; i++)
		need += pg->pin[i] == 0;
	uint64_t *counter = account_counter(pg);
	if (need && mm->limit_pages && *counter + need > mm->limit_pages)
		return iommusim_error_set(err, -ENOMEM,
			"pinning %llu more pages would pass RLIMIT_MEMLOCK (%llu pages, %llu "
			"pinned); raise memlock_limit or map less",
			(unsigned long long)need, (unsigned long long)mm->limit_pages,
			(unsigned long long)*counter);
	for (uint64_t i = first; i <= last; i++) {
		if (pg->pin[i]) {
			pg->pin[i]++;
			continue;
		}
		uint64_t addr = pg->base + i * IFD_PAGE_SIZE, pa;
		int rc;
		if (pg->memfd) {
			rc = addr >= pg->memfd->size ? -EFAULT
			     : ifd_pstore_page(&pg->memfd->ps, addr, true, &pa);
		} else {
			rc = ifd_mm_pin(mm, addr, pg->writable, &pa);
		}
		if (rc) {
			if (i > first)
				ifd_pages_unpin(pg, first, i - 1);
			return iommusim_error_set(err, rc == -ENOMEM ? -ENOMEM : -EFAULT,
				"cannot pin %s 0x%llx: %s", pg->memfd ? "memfd offset" : "user_va",
				(unsigned long long)addr,
				rc == -ENOMEM ? "out of simulated frames"
					      : "not mapped in the process (a hole or outside the "
						"address space)");
		}
		pg->pin[i] = 1;
		pg->pa[i] = pa;
		pg->npinned++;
		(*counter)++;
		pg->ctx->pinned_pages++;
	}
	return 0;
}

void ifd_pages_unpin(ifd_pages_t *pg, uint64_t first, uint64_t last)
{
	uint64_t *counter = account_counter(pg);

	for (uint64_t i = first; i <= last; i++) {
		if (!pg->pin[i] || --pg->pin[i])
			continue;
		pg->pa[i] = 0;
		pg->npinned--;
		(*counter)--;
		pg->ctx->pinned_pages--;
	}
}

/* ---- domains ------------------------------------------------------------------------------ */

static unsigned fls64_(uint64_t v)
{
	return 63u - (unsigned)__builtin_clzll(v);
}

/* Linux iommu_pgsize(): the largest supported page size that the address alignment and the
 * remaining size allow, and how many of them to map before a larger size could take over. */
static uint64_t pick_pgsize(uint64_t bitmap, uint64_t iova, uint64_t pa, uint64_t size,
			    uint64_t *count)
{
	uint64_t addr_merge = iova | pa;
	uint64_t sizes = bitmap & (fls64_(size) == 63 ? UINT64_MAX : (2ull << fls64_(size)) - 1);

	if (addr_merge)
		sizes &= (2ull << __builtin_ctzll(addr_merge)) - 1;
	if (!sizes)
		return 0;
	unsigned idx = fls64_(sizes);
	uint64_t pgsize = 1ull << idx;
	uint64_t bigger = idx == 63 ? 0 : bitmap & ~((2ull << idx) - 1);
	if (bigger) {
		uint64_t next = 1ull << __builtin_ctzll(bigger);
		uint64_t offset = next - (addr_merge & (next - 1));
		/* Stop where both addresses reach the next size's alignment together. */
		if (!((iova ^ pa) & (next - 1)) && offset + next <= size)
			size = offset;
	}
	*count = size >> idx;
	return pgsize;
}

int ifd_domain_map_area(drv_domain_t *d, const ifd_area_t *a, bool large,
			iommusim_error_t *err)
{
	const ifd_pages_t *pg = a->pages;
	uint64_t iova = a->iova, len = a->last - a->iova + 1, done = 0;
	uint64_t bitmap = large ? d->pgsize_bitmap : (d->pgsize_bitmap & IFD_PAGE_SIZE);

	if (!bitmap)
		bitmap = IFD_PAGE_SIZE;
	while (done < len) {
		uint64_t byte = a->start_byte + done;
		uint64_t idx = byte >> IFD_PAGE_SHIFT;
		uint64_t pa = pg->pa[idx] + (byte & (IFD_PAGE_SIZE - 1));
		/* The physically contiguous run starting here. */
		uint64_t run = IFD_PAGE_SIZE - (byte & (IFD_PAGE_SIZE - 1));
		while (done + run < len && pg->pa[idx + 1] == pg->pa[idx] + IFD_PAGE_SIZE) {
			idx++;
			run += IFD_PAGE_SIZE;
		}
		if (done + run > len)
			run = len - done;
		uint64_t count = 0, mapped = 0;
		uint64_t pgsize = pick_pgsize(bitmap, iova + done, pa, run, &count);
		if (!pgsize || !count)
			goto fail_align;
		int rc = d->ops->map_pages(d, iova + done, pa, pgsize, count,
					   a->prot, &mapped, err);
		done += mapped;
		if (rc || mapped == 0) {
			if (done)
				ifd_domain_unmap_range(d, iova, done);
			return rc ? rc : iommusim_error_set(err, -EINVAL,
				"driver mapped nothing at IOVA 0x%llx",
				(unsigned long long)(iova + done));
		}
	}
	if (d->ops->iotlb_sync_map)
		d->ops->iotlb_sync_map(d, iova, len);
	return 0;

fail_align:
	if (done)
		ifd_domain_unmap_range(d, iova, done);
	return iommusim_error_set(err, -EINVAL,
		"IOVA 0x%llx cannot be mapped with the domain's page sizes (bitmap 0x%llx)",
		(unsigned long long)(iova + done), (unsigned long long)d->pgsize_bitmap);
}

void ifd_domain_unmap_range(drv_domain_t *d, uint64_t iova, uint64_t length)
{
	drv_gather_t g;
	uint64_t done = 0;

	drv_gather_init(&g);
	while (done < length) {
		uint64_t count = 0;
		uint64_t pgsize = pick_pgsize(d->pgsize_bitmap, iova + done, 0, length - done,
					      &count);
		if (!pgsize || !count)
			break;
		uint64_t n = d->ops->unmap_pages(d, iova + done, pgsize, count, &g);
		if (!n)
			break;
		done += n;
	}
	if (d->ops->iotlb_sync)
		d->ops->iotlb_sync(d, &g);
}

/* ---- helpers drivers call (declared in drivers/driver.h) ------------------------------- */

void drv_gather_init(drv_gather_t *g)
{
	g->start = UINT64_MAX;
	g->end = 0;
	g->pgsize = 0;
	g->queued = false;
}

void drv_gather_add(drv_gather_t *g, uint64_t iova, uint64_t size, uint64_t pgsize)
{
	if (!size)
		return;
	uint64_t last = iova + size - 1;
	if (last < iova)
		last = UINT64_MAX;
	if (iova < g->start)
		g->start = iova;
	if (last > g->end)
		g->end = last;
	if (pgsize > g->pgsize)
		g->pgsize = pgsize;
}

bool drv_gather_empty(const drv_gather_t *g)
{
	return g->start > g->end;
}
