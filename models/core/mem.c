/* SPDX-License-Identifier: MIT */
/*
 * Sparse physical memory (DESIGN.md §4, include/iommusim/mem.h).
 *
 * Pages live at the leaves of a radix tree over the 40-bit page number (52-bit address minus
 * the 12-bit page offset): four levels of 10 bits, nodes allocated when a write first needs
 * them. The root is embedded in the instance. A read walks the tree and treats a missing node
 * or page as zeros, so reads never allocate.
 *
 * A small direct-mapped cache of recently used pages sits in front of the tree so that the
 * common case -- a table walker or queue reading 8 bytes from a page it touched a moment ago --
 * costs one cache slot load and a tag compare instead of four dependent node loads. Each slot
 * holds one pointer to a page, and a page records its own page number, so a slot is a single
 * machine word: filling it from a const read path is one relaxed atomic store, which keeps
 * concurrent readers of the same instance free of data races. Pages are never freed before the
 * memory is destroyed, so a slot can never point at a stale page.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "iommusim/mem.h"

#define MEM_LEVEL_BITS  10u
#define MEM_FANOUT      (1u << MEM_LEVEL_BITS)
#define MEM_LEVEL_MASK  (MEM_FANOUT - 1u)
#define MEM_LEVELS      4u                   /* 4 x 10 bits = the 40-bit page number */
#define MEM_PAGE_MASK   (IOMMUSIM_PAGE_SIZE - 1u)

/* Page cache slots; a power of two. 256 slots cover a 1 MiB working set of scattered pages. */
#define MEM_TLB_SLOTS   256u

struct mem_page {
	uint8_t data[IOMMUSIM_PAGE_SIZE];
	uint64_t pn;    /* page number (pa >> 12); the cache tag */
};

struct mem_node {
	union {
		struct mem_node *child[MEM_FANOUT];   /* levels 0..2 */
		struct mem_page *page[MEM_FANOUT];    /* level 3 (leaves) */
	};
};

struct iommusim_mem {
	unsigned addr_bits;
	uint64_t limit;        /* 2^addr_bits: first address that does not exist */
	uint64_t pages;        /* pages allocated */
	uint64_t page_limit;   /* 0 = no limit */
	_Atomic(struct mem_page *) tlb[MEM_TLB_SLOTS];
	struct mem_node root;
};

/* ---- little-endian scalars ----------------------------------------------------------- */

static inline uint16_t mem_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (uint16_t)p[1] << 8);
}

static inline uint32_t mem_le32(const uint8_t *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return v;
#else
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
#endif
}

static inline uint64_t mem_le64(const uint8_t *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t v;
	memcpy(&v, p, sizeof(v));
	return v;
#else
	return (uint64_t)mem_le32(p) | (uint64_t)mem_le32(p + 4) << 32;
#endif
}

static inline void mem_put_le(uint8_t *p, uint64_t v, unsigned n)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(p, &v, n);
#else
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
#endif
}

/* ---- radix tree --------------------------------------------------------------------- */

static inline unsigned mem_index(uint64_t pn, unsigned level)
{
	return (unsigned)(pn >> (MEM_LEVEL_BITS * (MEM_LEVELS - 1 - level))) & MEM_LEVEL_MASK;
}

static inline unsigned mem_tlb_slot(uint64_t pn)
{
	/* Fold the upper bits in so that pages 1 MiB apart do not all share a slot. */
	return (unsigned)(pn ^ (pn >> 8) ^ (pn >> 16)) & (MEM_TLB_SLOTS - 1u);
}

/* Walks the tree. Returns the page, or NULL with *skip set to the number of pages from pn to
 * the end of the missing subtree (so range loops step over empty space in one go). */
static struct mem_page *mem_walk(const struct iommusim_mem *m, uint64_t pn, uint64_t *skip)
{
	const struct mem_node *n = &m->root;
	for (unsigned level = 0; level < MEM_LEVELS - 1; level++) {
		n = n->child[mem_index(pn, level)];
		if (!n) {
			unsigned shift = MEM_LEVEL_BITS * (MEM_LEVELS - 1 - level);
			uint64_t span = 1ull << shift;
			if (skip)
				*skip = span - (pn & (span - 1));
			return NULL;
		}
	}
	struct mem_page *pg = n->page[mem_index(pn, MEM_LEVELS - 1)];
	if (!pg && skip)
		*skip = 1;
	return pg;
}

/* Cached lookup for reads. The cast drops const only to fill a cache slot: the slot is an
 * atomic word and filling it changes no contents and no count (see the file comment). */
static inline struct mem_page *mem_lookup(const struct iommusim_mem *m, uint64_t pn)
{
	struct iommusim_mem *mm = (struct iommusim_mem *)m;
	unsigned s = mem_tlb_slot(pn);
	struct mem_page *pg = atomic_load_explicit(&mm->tlb[s], memory_order_relaxed);
	if (pg && pg->pn == pn)
		return pg;
	pg = mem_walk(m, pn, NULL);
	if (pg)
		atomic_store_explicit(&mm->tlb[s], pg, memory_order_relaxed);
	return pg;
}

/* Returns the page for pn, allocating nodes and the page as needed; NULL on no memory or
 * when the page limit is reached. */
static struct mem_page *mem_get_or_alloc(struct iommusim_mem *m, uint64_t pn)
{
	struct mem_page *pg = mem_lookup(m, pn);
	if (pg)
		return pg;

	struct mem_node *n = &m->root;
	for (unsigned level = 0; level < MEM_LEVELS - 1; level++) {
		struct mem_node **slot = &n->child[mem_index(pn, level)];
		if (!*slot) {
			*slot = calloc(1, sizeof(struct mem_node));
			if (!*slot)
				return NULL;
		}
		n = *slot;
	}
	if (m->page_limit && m->pages >= m->page_limit)
		return NULL;
	pg = calloc(1, sizeof(*pg));
	if (!pg)
		return NULL;
	pg->pn = pn;
	n->page[mem_index(pn, MEM_LEVELS - 1)] = pg;
	m->pages++;
	atomic_store_explicit(&m->tlb[mem_tlb_slot(pn)], pg, memory_order_relaxed);
	return pg;
}

static void mem_free_node(struct mem_node *n, unsigned level)
{
	for (unsigned i = 0; i < MEM_FANOUT; i++) {
		if (level == MEM_LEVELS - 1) {
			free(n->page[i]);
		} else if (n->child[i]) {
			mem_free_node(n->child[i], level + 1);
			free(n->child[i]);
		}
	}
}

/* ---- range checks ------------------------------------------------------------------- */

/* 0 when [pa, pa + len) lies wholly below 2^addr_bits; len > 0. */
static inline int mem_check(const struct iommusim_mem *m, uint64_t pa, uint64_t len)
{
	/* pa < limit and len <= limit - pa, written so that neither pa + len nor anything else
	 * can wrap. */
	if (pa >= m->limit || len > m->limit - pa)
		return -EFAULT;
	return 0;
}

/* Number of pages in [pa, pa + len) not yet allocated, counting no further than cap. */
static uint64_t mem_count_missing(const struct iommusim_mem *m, uint64_t pa, uint64_t len,
				  uint64_t cap)
{
	uint64_t pn = pa >> IOMMUSIM_PAGE_SHIFT;
	uint64_t last = (pa + len - 1) >> IOMMUSIM_PAGE_SHIFT;
	uint64_t missing = 0;

	while (pn <= last && missing <= cap) {
		uint64_t skip;
		if (mem_walk(m, pn, &skip)) {
			pn++;
			continue;
		}
		uint64_t left = last - pn + 1;
		if (skip > left)
			skip = left;
		missing += skip;
		pn += skip;
	}
	return missing;
}

/* Allocates every page of [pa, pa + len) so the copy that follows cannot fail half way. With
 * a page limit the whole need is checked first, so -ENOMEM then leaves the memory as it was. */
static int mem_prepare_write(struct iommusim_mem *m, uint64_t pa, uint64_t len)
{
	uint64_t pn = pa >> IOMMUSIM_PAGE_SHIFT;
	uint64_t last = (pa + len - 1) >> IOMMUSIM_PAGE_SHIFT;

	if (m->page_limit) {
		uint64_t room = m->page_limit > m->pages ? m->page_limit - m->pages : 0;
		if (mem_count_missing(m, pa, len, room) > room)
			return -ENOMEM;
	}
	for (; pn <= last; pn++) {
		if (!mem_get_or_alloc(m, pn))
			return -ENOMEM;
	}
	return 0;
}

/* ---- public API --------------------------------------------------------------------- */

iommusim_mem_t *iommusim_mem_create(unsigned addr_bits)
{
	if (addr_bits < IOMMUSIM_PAGE_SHIFT || addr_bits > IOMMUSIM_PA_BITS_MAX)
		return NULL;
	struct iommusim_mem *m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->addr_bits = addr_bits;
	m->limit = 1ull << addr_bits;
	for (unsigned i = 0; i < MEM_TLB_SLOTS; i++)
		atomic_init(&m->tlb[i], NULL);
	return m;
}

void iommusim_mem_destroy(iommusim_mem_t *m)
{
	if (!m)
		return;
	mem_free_node(&m->root, 0);
	free(m);
}

unsigned iommusim_mem_addr_bits(const iommusim_mem_t *m)
{
	return m ? m->addr_bits : 0;
}

uint64_t iommusim_mem_pages(const iommusim_mem_t *m)
{
	return m ? m->pages : 0;
}

void iommusim_mem_set_page_limit(iommusim_mem_t *m, uint64_t max_pages)
{
	if (m)
		m->page_limit = max_pages;
}

int iommusim_mem_read(const iommusim_mem_t *m, uint64_t pa, void *buf, size_t len)
{
	if (len == 0)
		return 0;
	if (!m || !buf)
		return -EINVAL;
	int rc = mem_check(m, pa, len);
	if (rc)
		return rc;

	uint8_t *out = buf;
	while (len) {
		uint64_t off = pa & MEM_PAGE_MASK;
		uint64_t chunk = IOMMUSIM_PAGE_SIZE - off;
		if (chunk > len)
			chunk = len;
		const struct mem_page *pg = mem_lookup(m, pa >> IOMMUSIM_PAGE_SHIFT);
		if (pg)
			memcpy(out, pg->data + off, chunk);
		else
			memset(out, 0, chunk);
		out += chunk;
		pa += chunk;
		len -= chunk;
	}
	return 0;
}

int iommusim_mem_write(iommusim_mem_t *m, uint64_t pa, const void *buf, size_t len)
{
	if (len == 0)
		return 0;
	if (!m || !buf)
		return -EINVAL;
	int rc = mem_check(m, pa, len);
	if (rc)
		return rc;
	rc = mem_prepare_write(m, pa, len);
	if (rc)
		return rc;

	const uint8_t *in = buf;
	while (len) {
		uint64_t off = pa & MEM_PAGE_MASK;
		uint64_t chunk = IOMMUSIM_PAGE_SIZE - off;
		if (chunk > len)
			chunk = len;
		struct mem_page *pg = mem_lookup(m, pa >> IOMMUSIM_PAGE_SHIFT);
		memcpy(pg->data + off, in, chunk);
		in += chunk;
		pa += chunk;
		len -= chunk;
	}
	return 0;
}

int iommusim_mem_fill(iommusim_mem_t *m, uint64_t pa, uint8_t byte, size_t len)
{
	if (len == 0)
		return 0;
	if (!m)
		return -EINVAL;
	int rc = mem_check(m, pa, len);
	if (rc)
		return rc;

	uint64_t end = pa + len;   /* cannot wrap: checked above */
	if (byte == 0) {
		/* Pages never written already read as zero: clear only the ones that exist and step
		 * over missing subtrees, so clearing even the whole space takes time in proportion
		 * to what is allocated. */
		while (pa < end) {
			uint64_t off = pa & MEM_PAGE_MASK;
			uint64_t chunk = IOMMUSIM_PAGE_SIZE - off;
			uint64_t skip;
			struct mem_page *pg = mem_walk(m, pa >> IOMMUSIM_PAGE_SHIFT, &skip);
			if (pg) {
				if (chunk > end - pa)
					chunk = end - pa;
				memset(pg->data + off, 0, chunk);
				pa += chunk;
			} else {
				uint64_t next = ((pa >> IOMMUSIM_PAGE_SHIFT) + skip) << IOMMUSIM_PAGE_SHIFT;
				pa = next < end ? next : end;
			}
		}
		return 0;
	}

	rc = mem_prepare_write(m, pa, len);
	if (rc)
		return rc;
	while (pa < end) {
		uint64_t off = pa & MEM_PAGE_MASK;
		uint64_t chunk = IOMMUSIM_PAGE_SIZE - off;
		if (chunk > end - pa)
			chunk = end - pa;
		struct mem_page *pg = mem_lookup(m, pa >> IOMMUSIM_PAGE_SHIFT);
		memset(pg->data + off, byte, chunk);
		pa += chunk;
	}
	return 0;
}

/* Scalars. The fast path is an access within one page below the limit; anything else (page
 * crossing, out of range, bad arguments) goes through the buffer functions, which check it. */

#define MEM_FAST(m, pa, n) \
	((m) && ((pa) & MEM_PAGE_MASK) <= IOMMUSIM_PAGE_SIZE - (n) && (pa) < (m)->limit)

int iommusim_mem_read8(const iommusim_mem_t *m, uint64_t pa, uint8_t *v)
{
	if (!v)
		return -EINVAL;
	return iommusim_mem_read(m, pa, v, 1);
}

int iommusim_mem_read16(const iommusim_mem_t *m, uint64_t pa, uint16_t *v)
{
	uint8_t b[2];
	if (!v)
		return -EINVAL;
	int rc = iommusim_mem_read(m, pa, b, sizeof(b));
	if (rc == 0)
		*v = mem_le16(b);
	return rc;
}

int iommusim_mem_read32(const iommusim_mem_t *m, uint64_t pa, uint32_t *v)
{
	if (!v)
		return -EINVAL;
	if (MEM_FAST(m, pa, 4)) {
		const struct mem_page *pg = mem_lookup(m, pa >> IOMMUSIM_PAGE_SHIFT);
		*v = pg ? mem_le32(pg->data + (pa & MEM_PAGE_MASK)) : 0;
		return 0;
	}
	uint8_t b[4];
	int rc = iommusim_mem_read(m, pa, b, sizeof(b));
	if (rc == 0)
		*v = mem_le32(b);
	return rc;
}

int iommusim_mem_read64(const iommusim_mem_t *m, uint64_t pa, uint64_t *v)
{
	if (!v)
		return -EINVAL;
	if (MEM_FAST(m, pa, 8)) {
		const struct mem_page *pg = mem_lookup(m, pa >> IOMMUSIM_PAGE_SHIFT);
		*v = pg ? mem_le64(pg->data + (pa & MEM_PAGE_MASK)) : 0;
		return 0;
	}
	uint8_t b[8];
	int rc = iommusim_mem_read(m, pa, b, sizeof(b));
	if (rc == 0)
		*v = mem_le64(b);
	return rc;
}

static int mem_write_scalar(iommusim_mem_t *m, uint64_t pa, uint64_t v, unsigned n)
{
	if (MEM_FAST(m, pa, n)) {
		struct mem_page *pg = mem_get_or_alloc(m, pa >> IOMMUSIM_PAGE_SHIFT);
		if (!pg)
			return -ENOMEM;
		mem_put_le(pg->data + (pa & MEM_PAGE_MASK), v, n);
		return 0;
	}
	uint8_t b[8];
	for (unsigned i = 0; i < n; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	return iommusim_mem_write(m, pa, b, n);
}

int iommusim_mem_write8(iommusim_mem_t *m, uint64_t pa, uint8_t v)
{
	return mem_write_scalar(m, pa, v, 1);
}

int iommusim_mem_write16(iommusim_mem_t *m, uint64_t pa, uint16_t v)
{
	return mem_write_scalar(m, pa, v, 2);
}

int iommusim_mem_write32(iommusim_mem_t *m, uint64_t pa, uint32_t v)
{
	return mem_write_scalar(m, pa, v, 4);
}

int iommusim_mem_write64(iommusim_mem_t *m, uint64_t pa, uint64_t v)
{
	return mem_write_scalar(m, pa, v, 8);
}
