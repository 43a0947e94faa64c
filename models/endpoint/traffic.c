/* SPDX-License-Identifier: MIT */
/*
 * Traffic generators: the iterator (include/iommusim/traffic.h has the patterns' rules).
 * Each call to next() produces one op from a small state (a position, the seeded random
 * generator, the exact issue-time stepper), so a generator of 10^9 units costs no memory;
 * only zipf keeps a table (traffic_zipf.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "models/endpoint/traffic_priv.h"

/* Phases of a driver-shaped unit (nic, storage), in stream order. PH_DESC and PH_CQE are
 * the nic's ring accesses, PH_RING_MAP and PH_RING_UNMAP the nic ring area's mapping (before
 * the first unit, after the last); phases whose ring is absent are skipped. */
enum { PH_RING_MAP = 0, PH_MAP, PH_DESC, PH_DMA, PH_CQE, PH_UNMAP, PH_RING_UNMAP };

struct iommusim_traffic {
	iommusim_traffic_cfg_t cfg;   /* resolved: align and window set */
	uint64_t total;               /* ops in all */
	uint64_t produced;            /* ops so far = next op's seq */
	uint64_t unit;                /* current unit */
	unsigned phase;               /* nic, storage: next op of the unit */
	bool rings;                   /* nic: descriptor and/or completion rings */
	traffic_rings_t rl;           /* nic with rings: their layout */
	traffic_rng_t rng;
	traffic_clock_t clock;        /* clock.t = time of the current unit */
	traffic_zipf_t zipf;
	/* positions */
	uint64_t pos;                 /* seq: slot in the pass; stride: offset in span */
	uint64_t seq_slots;           /* seq: DMAs per pass */
	uint64_t stride_step;         /* stride mod span */
	uint64_t slots;               /* random, storage: aligned offsets to pick from */
	uint64_t map_len;             /* nic, storage: bytes per MAP */
	uint32_t queue, ring_slot;    /* nic: where the next packet goes */
	uint32_t pool_slot;           /* storage: next pool buffer */
	/* the unit in progress (nic, storage) */
	uint64_t cur_iova, cur_uva;
	uint32_t cur_queue, cur_slot;
	bool cur_write;
};

iommusim_traffic_t *iommusim_traffic_create(const iommusim_traffic_cfg_t *cfg, iommusim_error_t *err)
{
	iommusim_traffic_cfg_t c;

	if (traffic_cfg_resolve(cfg, &c, err))
		return NULL;
	iommusim_traffic_t *t = calloc(1, sizeof(*t));
	if (!t) {
		iommusim_error_set(err, -ENOMEM, "out of memory for a traffic generator");
		return NULL;
	}
	t->cfg = c;
	bool triplets = c.pattern == IOMMUSIM_TRAFFIC_NIC || c.pattern == IOMMUSIM_TRAFFIC_STORAGE;
	t->total = triplets ? c.count * 3 : c.count;   /* count <= 2^48 */
	t->rings = traffic_has_rings(&c);
	if (t->rings) {
		traffic_rings_layout(&c, &t->rl);
		/* per packet a descriptor read and a completion write when their rings exist;
		 * the area's MAP and UNMAP once */
		t->total += c.count * ((c.desc != 0) + (c.cqe != 0)) + 2;
	}

	uint64_t unit_bytes = 0;
	switch (c.pattern) {
	case IOMMUSIM_TRAFFIC_SEQ:
		t->seq_slots = c.span / c.size;
		unit_bytes = c.size;
		break;
	case IOMMUSIM_TRAFFIC_STRIDE:
		t->stride_step = c.stride % c.span;
		unit_bytes = c.size;
		break;
	case IOMMUSIM_TRAFFIC_RANDOM:
		/* offsets k * align with k * align + size <= span */
		t->slots = (c.span - c.size) / c.align + 1;
		unit_bytes = c.size;
		break;
	case IOMMUSIM_TRAFFIC_ZIPF: {
		int rc = traffic_zipf_init(&t->zipf, c.pages, c.theta_ppm);
		if (rc) {
			free(t);
			iommusim_error_set(err, rc, "out of memory for the zipf table of pages=%llu "
					   "(8 bytes per page)", (unsigned long long)c.pages);
			return NULL;
		}
		unit_bytes = c.size;
		break;
	}
	case IOMMUSIM_TRAFFIC_NIC:
		t->map_len = traffic_map_len(&c);
		unit_bytes = c.pkt;
		break;
	case IOMMUSIM_TRAFFIC_STORAGE:
		t->map_len = traffic_map_len(&c);
		t->slots = (c.span - t->map_len) / c.align + 1;
		unit_bytes = c.block;
		break;
	default:
		break;
	}

	switch (c.rate_unit) {
	case IOMMUSIM_TRAFFIC_RATE_BPS:
		traffic_clock_init(&t->clock, (traffic_u128)unit_bytes * 8u * IOMMUSIM_PS_PER_S, c.rate);
		break;
	case IOMMUSIM_TRAFFIC_RATE_UPS:
		traffic_clock_init(&t->clock, IOMMUSIM_PS_PER_S, c.rate);
		break;
	default:
		traffic_clock_init(&t->clock, 0, 0);
		break;
	}
	iommusim_traffic_reset(t);
	return t;
}

void iommusim_traffic_destroy(iommusim_traffic_t *t)
{
	if (!t)
		return;
	traffic_zipf_fini(&t->zipf);
	free(t);
}

void iommusim_traffic_reset(iommusim_traffic_t *t)
{
	if (!t)
		return;
	t->produced = 0;
	t->unit = 0;
	t->phase = t->rings ? PH_RING_MAP : PH_MAP;
	t->pos = 0;
	t->queue = t->ring_slot = t->pool_slot = 0;
	traffic_rng_seed(&t->rng, t->cfg.seed);
	traffic_clock_reset(&t->clock);
}

const iommusim_traffic_cfg_t *iommusim_traffic_cfg(const iommusim_traffic_t *t)
{
	return t ? &t->cfg : NULL;
}

uint64_t iommusim_traffic_total_ops(const iommusim_traffic_t *t)
{
	return t ? t->total : 0;
}

uint64_t iommusim_traffic_produced(const iommusim_traffic_t *t)
{
	return t ? t->produced : 0;
}

/* The direction of a unit: fixed for 0 and 100 %, else one draw in [0, 100). */
static bool draw_write(iommusim_traffic_t *t)
{
	if (t->cfg.write_pct == 0)
		return false;
	if (t->cfg.write_pct >= 100)
		return true;
	return traffic_rng_below(&t->rng, 100) < t->cfg.write_pct;
}

static void end_unit(iommusim_traffic_t *t)
{
	t->unit++;
	traffic_clock_step(&t->clock);
}

/* seq, stride, random, zipf: one DMA per unit. Returns its offset from base and sets *w. */
static uint64_t dma_offset(iommusim_traffic_t *t, bool *w)
{
	const iommusim_traffic_cfg_t *c = &t->cfg;
	uint64_t off = 0;

	switch (c->pattern) {
	case IOMMUSIM_TRAFFIC_SEQ:
		off = t->pos * c->size;
		if (++t->pos == t->seq_slots)
			t->pos = 0;
		*w = c->write_pct == 100;
		break;
	case IOMMUSIM_TRAFFIC_STRIDE:
		off = t->pos;
		/* pos = (pos + step) mod span without overflow (pos, step < span) */
		t->pos = t->pos >= c->span - t->stride_step ? t->pos - (c->span - t->stride_step)
							    : t->pos + t->stride_step;
		*w = c->write_pct == 100;
		break;
	case IOMMUSIM_TRAFFIC_RANDOM:
		off = traffic_rng_below(&t->rng, t->slots) * c->align;
		*w = draw_write(t);
		break;
	case IOMMUSIM_TRAFFIC_ZIPF: {
		uint64_t u = traffic_rng_next(&t->rng) >> (64 - TRAFFIC_ZIPF_BITS);
		off = (traffic_zipf_rank(&t->zipf, u) - 1) * c->page;
		*w = draw_write(t);
		break;
	}
	default:
		break;
	}
	return off;
}

/* nic, storage: pick the buffer of a new unit. */
static void start_unit(iommusim_traffic_t *t)
{
	const iommusim_traffic_cfg_t *c = &t->cfg;

	if (c->pattern == IOMMUSIM_TRAFFIC_NIC) {
		uint64_t off = (uint64_t)t->queue * c->window + (uint64_t)t->ring_slot * t->map_len;
		t->cur_iova = c->base + off;
		t->cur_uva = c->uva + off;
		t->cur_queue = t->queue;
		t->cur_slot = t->ring_slot;
		t->cur_write = true;
		/* round-robin over the queues; each queue moves to its next ring slot */
		if (++t->queue == c->queues) {
			t->queue = 0;
			if (++t->ring_slot == c->ring)
				t->ring_slot = 0;
		}
	} else {
		t->cur_iova = c->base + traffic_rng_below(&t->rng, t->slots) * c->align;
		t->cur_write = draw_write(t);
		t->cur_queue = 0;
		t->cur_slot = t->pool_slot;
		t->cur_uva = c->uva + (uint64_t)t->pool_slot * t->map_len;
		if (++t->pool_slot == c->bufs)
			t->pool_slot = 0;
	}
}

bool iommusim_traffic_next(iommusim_traffic_t *t, iommusim_traffic_op_t *op)
{
	if (!t || !op || t->produced >= t->total)
		return false;
	const iommusim_traffic_cfg_t *c = &t->cfg;

	memset(op, 0, sizeof(*op));
	op->seq = t->produced++;
	op->unit = t->unit;
	op->time = t->clock.t;

	if (c->pattern != IOMMUSIM_TRAFFIC_NIC && c->pattern != IOMMUSIM_TRAFFIC_STORAGE) {
		bool w = false;
		op->iova = c->base + dma_offset(t, &w);
		op->len = c->size;
		op->kind = w ? IOMMUSIM_TRAFFIC_DMA_WRITE : IOMMUSIM_TRAFFIC_DMA_READ;
		end_unit(t);
		return true;
	}

	switch (t->phase) {
	case PH_RING_MAP:
		/* the coherent ring memory, mapped for the traffic's lifetime: the device reads
		 * descriptors and writes completions (DMA_BIDIRECTIONAL) */
		op->kind = IOMMUSIM_TRAFFIC_MAP;
		op->ring = true;
		op->iova = t->rl.iova;
		op->len = t->rl.map_len;
		op->user_va = t->rl.uva;
		op->perm = IOMMUSIM_ACC_READ | IOMMUSIM_ACC_WRITE;
		t->phase = PH_MAP;
		return true;
	case PH_RING_UNMAP:
		op->kind = IOMMUSIM_TRAFFIC_UNMAP;
		op->ring = true;
		op->iova = t->rl.iova;
		op->len = t->rl.map_len;
		t->phase = PH_MAP;
		end_unit(t);
		return true;
	case PH_MAP:
		start_unit(t);
		break;
	default:
		break;
	}
	op->iova = t->cur_iova;
	op->queue = t->cur_queue;
	op->slot = t->cur_slot;
	/* the current packet's entries in its queue's rings */
	uint64_t qrings = t->rl.iova + (uint64_t)t->cur_queue * t->rl.per_queue;
	switch (t->phase) {
	case PH_MAP:
		op->kind = IOMMUSIM_TRAFFIC_MAP;
		op->len = t->map_len;
		op->user_va = t->cur_uva;
		/* the DMA API grants what the transfer needs: device writes need WRITE */
		op->perm = t->cur_write ? IOMMUSIM_ACC_WRITE : IOMMUSIM_ACC_READ;
		t->phase = t->rings && c->desc ? PH_DESC : PH_DMA;
		break;
	case PH_DESC:
		/* the receive descriptor of the slot: where the packet goes */
		op->kind = IOMMUSIM_TRAFFIC_DMA_READ;
		op->ring = true;
		op->iova = qrings + (uint64_t)t->cur_slot * c->desc;
		op->len = c->desc;
		t->phase = PH_DMA;
		break;
	case PH_DMA:
		op->kind = t->cur_write ? IOMMUSIM_TRAFFIC_DMA_WRITE : IOMMUSIM_TRAFFIC_DMA_READ;
		op->len = c->pattern == IOMMUSIM_TRAFFIC_NIC ? c->pkt : c->block;
		t->phase = t->rings && c->cqe ? PH_CQE : PH_UNMAP;
		break;
	case PH_CQE:
		/* the completion entry telling the driver the packet arrived */
		op->kind = IOMMUSIM_TRAFFIC_DMA_WRITE;
		op->ring = true;
		op->iova = qrings + t->rl.desc_ring + (uint64_t)t->cur_slot * c->cqe;
		op->len = c->cqe;
		t->phase = PH_UNMAP;
		break;
	default:
		op->kind = IOMMUSIM_TRAFFIC_UNMAP;
		op->len = t->map_len;
		if (t->rings && t->unit + 1 == c->count) {
			/* the ring area's UNMAP closes the last unit */
			t->phase = PH_RING_UNMAP;
			break;
		}
		t->phase = PH_MAP;
		end_unit(t);
		break;
	}
	return true;
}
