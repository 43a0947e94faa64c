/* SPDX-License-Identifier: MIT */
/*
 * Traffic generator configurations: pattern defaults and the check of every field a
 * pattern uses (ranges, the region inside the 64-bit IOVA space, alignment), with messages
 * that name the key as the text form spells it, its value and what is allowed.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "models/endpoint/traffic_priv.h"

static const char *const pattern_names[IOMMUSIM_TRAFFIC_NPATTERNS] = {
	[IOMMUSIM_TRAFFIC_SEQ] = "seq",
	[IOMMUSIM_TRAFFIC_STRIDE] = "stride",
	[IOMMUSIM_TRAFFIC_RANDOM] = "random",
	[IOMMUSIM_TRAFFIC_ZIPF] = "zipf",
	[IOMMUSIM_TRAFFIC_NIC] = "nic",
	[IOMMUSIM_TRAFFIC_STORAGE] = "storage",
};

const char *iommusim_traffic_pattern_name(iommusim_traffic_pattern_t p)
{
	if ((unsigned)p >= IOMMUSIM_TRAFFIC_NPATTERNS)
		return NULL;
	return pattern_names[p];
}

void iommusim_traffic_cfg_default(iommusim_traffic_cfg_t *cfg, iommusim_traffic_pattern_t pattern)
{
	if (!cfg)
		return;
	if ((unsigned)pattern >= IOMMUSIM_TRAFFIC_NPATTERNS)
		pattern = IOMMUSIM_TRAFFIC_SEQ;
	memset(cfg, 0, sizeof(*cfg));
	cfg->pattern = pattern;
	cfg->base = 0x100000;
	cfg->count = 1000;
	cfg->rate_unit = IOMMUSIM_TRAFFIC_RATE_NONE;
	cfg->span = pattern == IOMMUSIM_TRAFFIC_STORAGE ? (1ull << 30) : (1ull << 20);
	cfg->size = 4096;
	cfg->stride = 8192;
	cfg->align = 0;
	cfg->seed = 1;
	cfg->write_pct = pattern == IOMMUSIM_TRAFFIC_NIC ? 100 : 0;
	cfg->theta_ppm = 990000;
	cfg->pages = 4096;
	cfg->page = 4096;
	cfg->queues = 1;
	cfg->ring = 256;
	cfg->pkt = 1500;
	cfg->buf = 2048;
	cfg->window = 0;
	cfg->desc = 0;
	cfg->cqe = 0;
	cfg->rings = 0;
	cfg->block = 128 * 1024;
	cfg->bufs = 1;
	cfg->uva = 0x7f0000000000ull;
}

const char *traffic_size_str(uint64_t v, char *buf)
{
	static const char suffix[] = "TGMK";
	for (int i = 0; i < 4; i++) {
		unsigned shift = 40 - 10 * (unsigned)i;
		uint64_t unit = 1ull << shift;
		if (v && v % unit == 0) {
			snprintf(buf, TRAFFIC_SIZE_STR_LEN, "%" PRIu64 "%c", v >> shift, suffix[i]);
			return buf;
		}
	}
	snprintf(buf, TRAFFIC_SIZE_STR_LEN, "%" PRIu64, v);
	return buf;
}

uint64_t traffic_map_len(const iommusim_traffic_cfg_t *cfg)
{
	uint64_t b = cfg->pattern == IOMMUSIM_TRAFFIC_NIC ? cfg->buf : cfg->block;
	uint64_t page = cfg->page ? cfg->page : IOMMUSIM_TRAFFIC_MIN_PAGE;
	return (b + page - 1) / page * page;   /* b <= 1G, page <= 1G: no overflow */
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

static uint64_t gcd_u64(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t r = a % b;
		a = b;
		b = r;
	}
	return a;
}

/* key=value out of [min, max] (sizes printed as sizes). */
static int range_err(iommusim_error_t *err, const char *key, uint64_t v, uint64_t min, uint64_t max,
		     const char *unit)
{
	char a[TRAFFIC_SIZE_STR_LEN], b[TRAFFIC_SIZE_STR_LEN], c[TRAFFIC_SIZE_STR_LEN];
	return iommusim_error_set(err, -ERANGE, "%s=%s is out of range: %s .. %s%s%s", key,
				  traffic_size_str(v, a), traffic_size_str(min, b),
				  traffic_size_str(max, c), unit ? " " : "", unit ? unit : "");
}

static int check_range(iommusim_error_t *err, const char *key, uint64_t v, uint64_t min, uint64_t max,
		       const char *unit)
{
	return (v < min || v > max) ? range_err(err, key, v, min, max, unit) : 0;
}

/* A power of two in [min, max]. */
static int check_pow2(iommusim_error_t *err, const char *key, uint64_t v, uint64_t min, uint64_t max)
{
	char a[TRAFFIC_SIZE_STR_LEN], b[TRAFFIC_SIZE_STR_LEN], c[TRAFFIC_SIZE_STR_LEN];
	if (!is_pow2(v) || v < min || v > max)
		return iommusim_error_set(err, is_pow2(v) ? -ERANGE : -EINVAL,
					  "%s=%s must be a power of two in %s .. %s", key,
					  traffic_size_str(v, a), traffic_size_str(min, b),
					  traffic_size_str(max, c));
	return 0;
}

/* [base, base + len) inside the 64-bit space (len >= 1; len as a 128-bit count). */
static int check_region(iommusim_error_t *err, const char *base_key, uint64_t base, traffic_u128 len,
			const char *what)
{
	if (len > (traffic_u128)UINT64_MAX - base + 1)
		return iommusim_error_set(err, -ERANGE,
					  "%s=0x%" PRIx64 " plus %s passes the end of the 64-bit "
					  "address space; lower %s or the region's size",
					  base_key, base, what, base_key);
	return 0;
}

static int check_aligned(iommusim_error_t *err, const char *key, uint64_t v, uint64_t page)
{
	char a[TRAFFIC_SIZE_STR_LEN];
	if (v % page)
		return iommusim_error_set(err, -EINVAL,
					  "%s=0x%" PRIx64 " is not aligned to page=%s (mappings are "
					  "whole pages)", key, v, traffic_size_str(page, a));
	return 0;
}

static int check_write_pct(iommusim_error_t *err, const iommusim_traffic_cfg_t *c, bool any)
{
	if (c->write_pct > 100)
		return iommusim_error_set(err, -ERANGE, "write_pct=%u is out of range: 0 .. 100",
					  c->write_pct);
	if (!any && c->write_pct != 0 && c->write_pct != 100)
		return iommusim_error_set(err, -EINVAL,
					  "write_pct=%u: pattern=%s takes only reads (0) or writes "
					  "(100); mixed directions need random, zipf or storage",
					  c->write_pct, pattern_names[c->pattern]);
	return 0;
}

/* Lowest set bit of v (its largest power-of-two divisor), v > 0. */
static uint64_t natural_align(uint64_t v)
{
	return v & (0 - v);
}

static int check_dma_region(const iommusim_traffic_cfg_t *c, iommusim_error_t *err)
{
	char a[TRAFFIC_SIZE_STR_LEN], b[TRAFFIC_SIZE_STR_LEN];
	int rc;

	if ((rc = check_range(err, "span", c->span, 1, UINT64_MAX, "bytes")) ||
	    (rc = check_range(err, "size", c->size, 1, IOMMUSIM_TRAFFIC_MAX_SIZE, "bytes")))
		return rc;
	if (c->size > c->span)
		return iommusim_error_set(err, -EINVAL, "size=%s does not fit in span=%s",
					  traffic_size_str(c->size, a), traffic_size_str(c->span, b));
	return check_region(err, "base", c->base, c->span, "span");
}

static int check_stride(const iommusim_traffic_cfg_t *c, iommusim_error_t *err)
{
	char a[TRAFFIC_SIZE_STR_LEN], b[TRAFFIC_SIZE_STR_LEN];
	int rc = check_range(err, "stride", c->stride, 1, UINT64_MAX, "bytes");
	if (rc)
		return rc;
	/* Offsets are the multiples of g below span; the last, span - g, must hold a DMA. */
	uint64_t g = gcd_u64(c->stride % c->span, c->span);
	if (c->size > g)
		return iommusim_error_set(err, -EINVAL,
					  "size=%s is larger than gcd(stride, span)=%s: the DMA at "
					  "offset span - %s would cross the end of span; make size "
					  "<= %s, or stride and span multiples of size",
					  traffic_size_str(c->size, a), traffic_size_str(g, b),
					  traffic_size_str(g, b), traffic_size_str(g, b));
	return 0;
}

static int check_zipf(const iommusim_traffic_cfg_t *c, iommusim_error_t *err)
{
	char a[TRAFFIC_SIZE_STR_LEN], b[TRAFFIC_SIZE_STR_LEN];
	int rc;

	if ((rc = check_range(err, "pages", c->pages, 1, IOMMUSIM_TRAFFIC_MAX_PAGES, NULL)) ||
	    (rc = check_pow2(err, "page", c->page, IOMMUSIM_TRAFFIC_MIN_PAGE, IOMMUSIM_TRAFFIC_MAX_PAGE)) ||
	    (rc = check_range(err, "size", c->size, 1, IOMMUSIM_TRAFFIC_MAX_SIZE, "bytes")))
		return rc;
	if (c->size > c->page)
		return iommusim_error_set(err, -EINVAL,
					  "size=%s is larger than page=%s (each zipf DMA stays in its "
					  "rank's page)", traffic_size_str(c->size, a),
					  traffic_size_str(c->page, b));
	if (c->theta_ppm > IOMMUSIM_TRAFFIC_MAX_THETA_PPM)
		return iommusim_error_set(err, -ERANGE,
					  "theta=%u.%06u is out of range: 0 .. 10", c->theta_ppm / 1000000,
					  c->theta_ppm % 1000000);
	return check_region(err, "base", c->base, (traffic_u128)c->pages * c->page, "pages * page");
}

/* ---- nic rings ------------------------------------------------------------------------------ */

static uint64_t round_up(uint64_t v, uint64_t to)
{
	return (v + to - 1) / to * to;
}

/* Where the derived ring area starts after a region [start, start + len): the end rounded up
 * to 2 MiB, or to page when page is larger (the area's MAP must be page-aligned). As a 128-bit
 * number: near the top of the space it may reach 2^64. */
static uint64_t rings_align(uint64_t page)
{
	return page > IOMMUSIM_TRAFFIC_RING_ALIGN ? page : IOMMUSIM_TRAFFIC_RING_ALIGN;
}

static traffic_u128 rings_after(uint64_t start, traffic_u128 len, uint64_t page)
{
	uint64_t a = rings_align(page);
	traffic_u128 end = (traffic_u128)start + len;
	return (end + a - 1) / a * a;
}

void traffic_rings_layout(const iommusim_traffic_cfg_t *c, traffic_rings_t *r)
{
	/* ring <= 2^16, desc and cqe <= 2^12: a queue's rings take at most 2^29 bytes, the
	 * area at most 2^39 */
	r->desc_ring = round_up((uint64_t)c->ring * c->desc, TRAFFIC_RING_GRANULE);
	r->cqe_ring = round_up((uint64_t)c->ring * c->cqe, TRAFFIC_RING_GRANULE);
	r->per_queue = r->desc_ring + r->cqe_ring;
	r->map_len = round_up((uint64_t)c->queues * r->per_queue, c->page);
	r->iova = c->rings;
	r->uva = (uint64_t)rings_after(c->uva, (traffic_u128)c->queues * c->window, c->page);
}

/* desc=, cqe=: 0 (none) or a power of two in 8 .. 4K. */
static int check_ring_entry(iommusim_error_t *err, const char *key, uint64_t v)
{
	char a[TRAFFIC_SIZE_STR_LEN], b[TRAFFIC_SIZE_STR_LEN], c[TRAFFIC_SIZE_STR_LEN];
	if (v && (!is_pow2(v) || v < IOMMUSIM_TRAFFIC_MIN_RING_ENTRY ||
		  v > IOMMUSIM_TRAFFIC_MAX_RING_ENTRY))
		return iommusim_error_set(err, is_pow2(v) ? -ERANGE : -EINVAL,
					  "%s=%s must be 0 (none) or a power of two in %s .. %s bytes",
					  key, traffic_size_str(v, a),
					  traffic_size_str(IOMMUSIM_TRAFFIC_MIN_RING_ENTRY, b),
					  traffic_size_str(IOMMUSIM_TRAFFIC_MAX_RING_ENTRY, c));
	return 0;
}

/* The ring area of a nic configuration whose window is resolved: rings resolved from 0, the
 * area and its user memory inside the 64-bit space, the area clear of the buffer windows. */
static int check_rings(iommusim_traffic_cfg_t *c, iommusim_error_t *err)
{
	char a[TRAFFIC_SIZE_STR_LEN], al[TRAFFIC_SIZE_STR_LEN];
	traffic_u128 bufs = (traffic_u128)c->queues * c->window;
	traffic_u128 end_space = (traffic_u128)UINT64_MAX + 1;
	traffic_rings_t r;
	int rc;

	if ((rc = check_ring_entry(err, "desc", c->desc)) ||
	    (rc = check_ring_entry(err, "cqe", c->cqe)))
		return rc;
	if (!c->desc && !c->cqe) {
		if (c->rings)
			return iommusim_error_set(err, -EINVAL,
						  "rings=0x%" PRIx64 " places the descriptor and "
						  "completion rings, and there are none: give desc= "
						  "and/or cqe=, or drop rings=", c->rings);
		return 0;
	}
	traffic_rings_layout(c, &r);
	traffic_size_str(r.map_len, a);
	traffic_size_str(rings_align(c->page), al);
	if (rings_after(c->uva, bufs, c->page) + r.map_len > end_space)
		return iommusim_error_set(err, -ERANGE,
					  "the ring area's user memory (%s after the buffers: uva + "
					  "queues * window rounded up to %s) passes the end of the "
					  "64-bit address space; lower uva=0x%" PRIx64, a, al, c->uva);
	if (c->rings == 0) {
		traffic_u128 at = rings_after(c->base, bufs, c->page);
		if (at + r.map_len > end_space)
			return iommusim_error_set(err, -ERANGE,
						  "rings=0 puts the ring area (%s) after the queues' "
						  "windows (base + queues * window rounded up to %s), "
						  "and there it passes the end of the 64-bit address "
						  "space; give rings= an address below base, or lower "
						  "base=0x%" PRIx64, a, al, c->base);
		c->rings = (uint64_t)at;
		return 0;
	}
	if ((rc = check_aligned(err, "rings", c->rings, c->page)) ||
	    (rc = check_region(err, "rings", c->rings, r.map_len, "the ring area")))
		return rc;
	/* [rings, rings + map_len) and [base, base + bufs) overlap */
	if (c->rings < (traffic_u128)c->base + bufs && (traffic_u128)c->rings + r.map_len > c->base)
		return iommusim_error_set(err, -EINVAL,
					  "rings=0x%" PRIx64 ": the ring area 0x%" PRIx64 "..0x%" PRIx64
					  " (%s) overlaps the queues' buffer windows 0x%" PRIx64
					  "..0x%" PRIx64 " (base + queues * window); place it "
					  "outside them, or give rings=0 to put it right after them",
					  c->rings, c->rings, c->rings + (r.map_len - 1), a, c->base,
					  (uint64_t)(c->base + bufs - 1));
	return 0;
}

static int check_nic(iommusim_traffic_cfg_t *c, iommusim_error_t *err)
{
	char a[TRAFFIC_SIZE_STR_LEN], b[TRAFFIC_SIZE_STR_LEN], n[TRAFFIC_SIZE_STR_LEN];
	int rc;

	if ((rc = check_range(err, "queues", c->queues, 1, IOMMUSIM_TRAFFIC_MAX_QUEUES, NULL)) ||
	    (rc = check_range(err, "ring", c->ring, 1, IOMMUSIM_TRAFFIC_MAX_RING, "slots")) ||
	    (rc = check_range(err, "buf", c->buf, 1, IOMMUSIM_TRAFFIC_MAX_BUF, "bytes")) ||
	    (rc = check_range(err, "pkt", c->pkt, 1, IOMMUSIM_TRAFFIC_MAX_BUF, "bytes")) ||
	    (rc = check_pow2(err, "page", c->page, IOMMUSIM_TRAFFIC_MIN_PAGE, IOMMUSIM_TRAFFIC_MAX_PAGE)))
		return rc;
	if (c->pkt > c->buf)
		return iommusim_error_set(err, -EINVAL, "pkt=%s does not fit in buf=%s",
					  traffic_size_str(c->pkt, a), traffic_size_str(c->buf, b));
	uint64_t need = (uint64_t)c->ring * traffic_map_len(c);   /* <= 2^16 * 2^30 */
	if (c->window == 0) {
		c->window = need;
	} else {
		if ((rc = check_aligned(err, "window", c->window, c->page)))
			return rc;
		if (c->window < need)
			return iommusim_error_set(err, -EINVAL,
						  "window=%s is smaller than the ring: ring=%u slots of "
						  "%s (buf rounded up to page) need %s; use window=0 for "
						  "exactly that", traffic_size_str(c->window, a), c->ring,
						  traffic_size_str(traffic_map_len(c), b),
						  traffic_size_str(need, n));
	}
	if ((rc = check_aligned(err, "base", c->base, c->page)) ||
	    (rc = check_aligned(err, "uva", c->uva, c->page)))
		return rc;
	traffic_u128 all = (traffic_u128)c->queues * c->window;
	if ((rc = check_region(err, "base", c->base, all, "queues * window")) ||
	    (rc = check_region(err, "uva", c->uva, all, "queues * window")))
		return rc;
	return check_rings(c, err);
}

static int check_storage(iommusim_traffic_cfg_t *c, iommusim_error_t *err)
{
	char a[TRAFFIC_SIZE_STR_LEN], b[TRAFFIC_SIZE_STR_LEN], s[TRAFFIC_SIZE_STR_LEN];
	int rc;

	if ((rc = check_range(err, "block", c->block, 1, IOMMUSIM_TRAFFIC_MAX_SIZE, "bytes")) ||
	    (rc = check_pow2(err, "page", c->page, IOMMUSIM_TRAFFIC_MIN_PAGE, IOMMUSIM_TRAFFIC_MAX_PAGE)) ||
	    (rc = check_range(err, "span", c->span, 1, UINT64_MAX, "bytes")) ||
	    (rc = check_range(err, "bufs", c->bufs, 1, IOMMUSIM_TRAFFIC_MAX_BUFS, NULL)))
		return rc;
	uint64_t map = traffic_map_len(c);
	if (map > c->span)
		return iommusim_error_set(err, -EINVAL,
					  "block=%s (mapped as %s, whole pages) does not fit in span=%s",
					  traffic_size_str(c->block, a), traffic_size_str(map, b),
					  traffic_size_str(c->span, s));
	if (c->align == 0) {
		uint64_t n = natural_align(c->block);
		c->align = n > c->page ? n : c->page;
	} else if (!is_pow2(c->align) || c->align < c->page) {
		return iommusim_error_set(err, is_pow2(c->align) ? -ERANGE : -EINVAL,
					  "align=%s must be a power of two >= page=%s (storage "
					  "buffers are mapped at page-aligned offsets)",
					  traffic_size_str(c->align, a), traffic_size_str(c->page, b));
	}
	if ((rc = check_aligned(err, "base", c->base, c->page)) ||
	    (rc = check_aligned(err, "uva", c->uva, c->page)) ||
	    (rc = check_region(err, "base", c->base, c->span, "span")) ||
	    (rc = check_region(err, "uva", c->uva, (traffic_u128)c->bufs * map, "bufs * block")))
		return rc;
	return check_write_pct(err, c, true);
}

int traffic_cfg_resolve(const iommusim_traffic_cfg_t *in, iommusim_traffic_cfg_t *out,
			iommusim_error_t *err)
{
	int rc;

	if (!in || !out)
		return iommusim_error_set(err, -EINVAL, "no traffic configuration (NULL)");
	if (out != in)
		*out = *in;
	iommusim_traffic_cfg_t *c = out;
	if ((unsigned)c->pattern >= IOMMUSIM_TRAFFIC_NPATTERNS)
		return iommusim_error_set(err, -EINVAL,
					  "pattern %u is not one of seq, stride, random, zipf, nic, "
					  "storage", (unsigned)c->pattern);
	if ((rc = check_range(err, "count", c->count, 1, IOMMUSIM_TRAFFIC_MAX_COUNT, NULL)))
		return rc;
	switch (c->rate_unit) {
	case IOMMUSIM_TRAFFIC_RATE_NONE:
		break;
	case IOMMUSIM_TRAFFIC_RATE_BPS:
	case IOMMUSIM_TRAFFIC_RATE_UPS:
		if (c->rate == 0)
			return iommusim_error_set(err, -ERANGE,
						  "rate of 0 with a unit: give a rate >= 1, or "
						  "rate=0 for unpaced traffic");
		break;
	default:
		return iommusim_error_set(err, -EINVAL,
					  "rate unit %u is not NONE, BPS or UPS", (unsigned)c->rate_unit);
	}

	switch (c->pattern) {
	case IOMMUSIM_TRAFFIC_SEQ:
		if ((rc = check_dma_region(c, err)))
			return rc;
		return check_write_pct(err, c, false);
	case IOMMUSIM_TRAFFIC_STRIDE:
		if ((rc = check_dma_region(c, err)) || (rc = check_stride(c, err)))
			return rc;
		return check_write_pct(err, c, false);
	case IOMMUSIM_TRAFFIC_RANDOM:
		if ((rc = check_dma_region(c, err)))
			return rc;
		if (c->align == 0)
			c->align = natural_align(c->size);
		else if (!is_pow2(c->align))
			return iommusim_error_set(err, -EINVAL, "align=%" PRIu64 " must be a power "
						  "of two (or 0 for the natural alignment of size)",
						  c->align);
		return check_write_pct(err, c, true);
	case IOMMUSIM_TRAFFIC_ZIPF:
		if ((rc = check_zipf(c, err)))
			return rc;
		return check_write_pct(err, c, true);
	case IOMMUSIM_TRAFFIC_NIC:
		c->write_pct = 100;   /* receive: the device writes */
		return check_nic(c, err);
	case IOMMUSIM_TRAFFIC_STORAGE:
		return check_storage(c, err);
	default:
		break;
	}
	return iommusim_error_set(err, -EINVAL, "pattern %u unknown", (unsigned)c->pattern);
}

int iommusim_traffic_cfg_check(const iommusim_traffic_cfg_t *cfg, iommusim_error_t *err)
{
	iommusim_traffic_cfg_t tmp;
	return traffic_cfg_resolve(cfg, &tmp, err);
}
