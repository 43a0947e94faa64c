/* SPDX-License-Identifier: MIT */
/*
 * The endpoint's DMA engine: splits a DMA into 4 KiB chunks and runs each through the ATC,
 * the IOMMU model and the memory port. The timing of a chunk is spelled out in
 * include/iommusim/endpoint.h; the code follows it step by step. Posted writes
 * (endpoint.posted) go to the stream of ep_stream.c, which reuses the ATS and send steps.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "iommusim/endpoint.h"
#include "iommusim/mem.h"
#include "iommusim/stats.h"
#include "models/endpoint/ep_internal.h"

#define EP_PAGE_MASK (IOMMUSIM_PAGE_SIZE - 1)
/* Permissions an ATS translation completion grants that a chunk may need (R, W, Exe). */
#define EP_ACC_RWX (IOMMUSIM_ACC_READ | IOMMUSIM_ACC_WRITE | IOMMUSIM_ACC_EXEC)
#define EP_ACC_ALL (EP_ACC_RWX | IOMMUSIM_ACC_PRIV)

bool ep_pasid_ok(const struct iommusim_endpoint *ep, bool pasid_valid, uint32_t pasid)
{
	if (!pasid_valid)
		return true;
	return ep->cfg.pasid_bits > 0 && (pasid >> ep->cfg.pasid_bits) == 0;
}

static unsigned ep_dma_access(const iommusim_dma_t *d)
{
	unsigned a = d->write ? IOMMUSIM_ACC_WRITE : IOMMUSIM_ACC_READ;

	if (d->exec)
		a |= IOMMUSIM_ACC_EXEC;
	if (d->priv)
		a |= IOMMUSIM_ACC_PRIV;
	return a;
}

static void ep_cost_add(iommusim_xlate_cost_t *sum, const iommusim_xlate_cost_t *c)
{
	sum->wait_ps = iommusim_time_add(sum->wait_ps, c->wait_ps);
	sum->lookup_ps = iommusim_time_add(sum->lookup_ps, c->lookup_ps);
	sum->mem_ps = iommusim_time_add(sum->mem_ps, c->mem_ps);
	sum->other_ps = iommusim_time_add(sum->other_ps, c->other_ps);
	sum->mem_reads += c->mem_reads;
	sum->mem_writes += c->mem_writes;
	sum->hits |= c->hits;
	sum->misses |= c->misses;
	for (unsigned s = 0; s < 2; s++)
		for (unsigned l = 0; l < 6; l++)
			sum->walk_reads[s][l] += c->walk_reads[s][l];
}

/* Sends one request to the model, arriving at `issue`. The answer's done is never before
 * issue, whatever the model says. */
static void ep_request(struct iommusim_endpoint *ep, iommusim_req_type_t type, bool pasid_valid,
		       uint32_t pasid, uint64_t iova, uint64_t size, unsigned access,
		       iommusim_time_t issue, iommusim_xlate_resp_t *resp)
{
	iommusim_xlate_req_t req = {
		.rid = ep->cfg.rid,
		.pasid_valid = pasid_valid,
		.pasid = pasid_valid ? pasid : 0,
		.iova = iova,
		.size = size,
		.access = access,
		.type = type,
		.issue = issue,
	};
	static const enum ep_ctr by_type[] = {
		[IOMMUSIM_REQ_UNTRANSLATED] = EP_C_REQ_UNTRANSLATED,
		[IOMMUSIM_REQ_ATS_TRANSLATE] = EP_C_REQ_ATS,
		[IOMMUSIM_REQ_TRANSLATED] = EP_C_REQ_TRANSLATED,
	};

	memset(resp, 0, sizeof(*resp));
	iommusim_model_translate(ep->iommu, &req, resp);
	resp->done = iommusim_time_max(resp->done, issue);
	ep_count(ep, by_type[type], 1);
}

/* A chunk's request, with its cost charged to the DMA. */
static void ep_chunk_request(struct iommusim_endpoint *ep, struct ep_dma_state *st,
			     iommusim_req_type_t type, uint64_t iova, uint64_t size,
			     unsigned access, iommusim_time_t issue, iommusim_xlate_resp_t *resp)
{
	ep_request(ep, type, st->dma.pasid_valid, st->dma.pasid, iova, size, access, issue, resp);
	ep_cost_add(&st->res.cost, &resp->cost);
	if (type != IOMMUSIM_REQ_TRANSLATED)
		st->res.translations++;
}

static enum ep_chunk_outcome ep_chunk_fail(struct ep_dma_state *st, iommusim_dma_status_t status,
					   uint32_t reason, uint64_t iova, iommusim_time_t t)
{
	st->res.status = status;
	st->res.fault_reason = reason;
	st->res.fault_iova = iova;
	st->res.done = t;
	st->res.done_bytes = st->pos;
	return EP_CHUNK_FAILED;
}

/* Caches an ATS answer for the page at `page`. */
static void ep_atc_fill_resp(struct iommusim_endpoint *ep, uint64_t page, uint64_t ctx,
			     const iommusim_xlate_resp_t *r)
{
	ep_count(ep, EP_C_ATC_FILL, 1);
	if (ep_atc_fill(ep->atc, page, ctx, r->addr, r->page_size, r->perm))
		ep_count(ep, EP_C_ATC_EVICT, 1);
}

/* The ATS part of a chunk or TLP (see ep_internal.h). */
enum ep_chunk_outcome ep_chunk_ats(struct iommusim_endpoint *ep, struct ep_dma_state **stp,
				   uint64_t iova, iommusim_time_t t, uint64_t *pa,
				   iommusim_time_t *ready, bool *untranslated)
{
	struct ep_dma_state *st = *stp;
	const iommusim_time_t link = ep->cfg.link_latency;
	unsigned need = ep_dma_access(&st->dma);
	uint64_t ctx = IOMMUSIM_ATC_CTX(st->dma.pasid_valid, st->dma.pasid, st->dma.priv);
	uint64_t page = iova & ~EP_PAGE_MASK;
	iommusim_time_t c = iommusim_time_add(t, ep->cfg.atc_lookup), back;
	iommusim_atc_entry_t e;
	iommusim_xlate_resp_t r;
	bool hit = ep_atc_lookup(ep->atc, iova, ctx, &e);

	st->res.cost.lookup_ps = iommusim_time_add(st->res.cost.lookup_ps, ep->cfg.atc_lookup);
	if (hit && (need & EP_ACC_RWX & ~e.perm) == 0) {
		ep_count(ep, EP_C_ATC_HIT, 1);
		st->res.atc_hits++;
		st->res.cost.hits |= IOMMUSIM_XS_ATC;
		*pa = e.out_base + (iova & (e.page_size - 1));
		*ready = c;
		return EP_CHUNK_DONE;
	}
	if (hit)
		ep_count(ep, EP_C_ATC_PERM_MISS, 1);
	ep_count(ep, EP_C_ATC_MISS, 1);
	st->res.cost.misses |= IOMMUSIM_XS_ATC;

	ep_chunk_request(ep, st, IOMMUSIM_REQ_ATS_TRANSLATE, page, IOMMUSIM_PAGE_SIZE, need,
			 iommusim_time_add(c, link), &r);
	back = iommusim_time_add(r.done, link);
	if (r.status == IOMMUSIM_XLATE_FAULT)
		return ep_chunk_fail(st, IOMMUSIM_DMA_FAULT, r.fault_reason, iova, back);
	if (r.status == IOMMUSIM_XLATE_OK && !r.untranslated_only)
		ep_atc_fill_resp(ep, page, ctx, &r);
	if (r.status != IOMMUSIM_XLATE_OK || (!r.untranslated_only && (need & EP_ACC_RWX & ~r.perm))) {
		/* Not present, or present without the access we need (PCIe 10.4: a PRI-capable
		 * function asks for the page and retries). */
		if (!ep->cfg.pri)
			return ep_chunk_fail(st, IOMMUSIM_DMA_FAULT, r.fault_reason, iova, back);
		if (st->page_retries >= ep->cfg.max_pri_retries)
			return ep_chunk_fail(st, IOMMUSIM_DMA_PRI_FAILED, 0, iova, back);
		st->res.fault_iova = iova;
		if (!ep_pri_request(ep, stp, page, need, back))
			return ep_chunk_fail(*stp, IOMMUSIM_DMA_PRI_FAILED, 0, iova, back);
		return EP_CHUNK_PARKED;
	}
	*untranslated = r.untranslated_only;
	*pa = r.addr + (iova & EP_PAGE_MASK);
	*ready = back;
	return EP_CHUNK_DONE;
}

/* The request of a chunk or TLP and its memory access (see ep_internal.h). */
enum ep_chunk_outcome ep_chunk_send(struct iommusim_endpoint *ep, struct ep_dma_state *st,
				    uint64_t iova, size_t len, bool untranslated, uint64_t pa,
				    iommusim_time_t issue, iommusim_xlate_resp_t *resp,
				    iommusim_time_t *mdone)
{
	const iommusim_time_t link = ep->cfg.link_latency;
	unsigned need = ep_dma_access(&st->dma);
	uint8_t *buf = (uint8_t *)st->dma.buf + st->pos;
	int rc;

	ep_chunk_request(ep, st, untranslated ? IOMMUSIM_REQ_UNTRANSLATED : IOMMUSIM_REQ_TRANSLATED,
			 untranslated ? iova : pa, len, need, issue, resp);
	*mdone = resp->done;
	if (resp->status != IOMMUSIM_XLATE_OK)
		return ep_chunk_fail(st, IOMMUSIM_DMA_FAULT, resp->fault_reason, iova,
				     iommusim_time_add(resp->done, link));
	/* A TRANSLATED request: the device put pa on the wire; the IOMMU only checked it. */
	if (untranslated)
		pa = resp->addr;
	if (st->dma.write)
		rc = iommusim_port_write(ep->mem, pa, buf, len, resp->done, mdone);
	else
		rc = iommusim_port_read(ep->mem, pa, buf, len, resp->done, mdone);
	*mdone = iommusim_time_max(*mdone, resp->done);
	if (rc != 0)
		return ep_chunk_fail(st, IOMMUSIM_DMA_MEM_ERROR, 0, iova,
				     iommusim_time_add(*mdone, link));
	return EP_CHUNK_DONE;
}

/* Runs one chunk [iova, iova + len) within a page, starting at t; *end gets when it ends. */
static enum ep_chunk_outcome ep_chunk(struct iommusim_endpoint *ep, struct ep_dma_state **stp,
				      uint64_t iova, size_t len, iommusim_time_t t,
				      iommusim_time_t *end)
{
	bool untranslated = ep->atc == NULL;
	iommusim_time_t ready = t, mdone;
	iommusim_xlate_resp_t r;
	uint64_t pa = 0;
	enum ep_chunk_outcome oc;

	if (ep->atc) {
		oc = ep_chunk_ats(ep, stp, iova, t, &pa, &ready, &untranslated);
		if (oc != EP_CHUNK_DONE)
			return oc;
	}
	oc = ep_chunk_send(ep, *stp, iova, len, untranslated, pa,
			   iommusim_time_add(ready, ep->cfg.link_latency), &r, &mdone);
	if (oc != EP_CHUNK_DONE)
		return oc;
	*end = (*stp)->dma.write ? mdone : iommusim_time_add(mdone, ep->cfg.link_latency);
	return EP_CHUNK_DONE;
}

bool ep_dma_run(struct iommusim_endpoint *ep, struct ep_dma_state **stp, iommusim_time_t t)
{
	struct ep_dma_state *st = *stp;

	if (ep->cfg.posted)
		return ep_stream_run(ep, stp, t);
	st->res.status = IOMMUSIM_DMA_OK;
	while (st->pos < st->dma.len) {
		uint64_t iova = st->dma.iova + st->pos;
		size_t left = st->dma.len - st->pos;
		size_t room = (size_t)(IOMMUSIM_PAGE_SIZE - (iova & EP_PAGE_MASK));
		size_t len = left < room ? left : room;
		iommusim_time_t end = t;
		enum ep_chunk_outcome oc = ep_chunk(ep, stp, iova, len, t, &end);

		st = *stp;
		if (oc == EP_CHUNK_PARKED)
			return false;
		if (oc == EP_CHUNK_FAILED)
			return true;
		st->pos += len;
		st->page_retries = 0;
		ep_count(ep, EP_C_DMA_BYTES, len);
		t = end;
	}
	st->res.status = IOMMUSIM_DMA_OK;
	st->res.fault_reason = 0;
	st->res.fault_iova = 0;
	st->res.done = t;
	st->res.done_bytes = st->pos;
	return true;
}

void ep_dma_finish(struct iommusim_endpoint *ep, struct ep_dma_state *st)
{
	switch (st->res.status) {
	case IOMMUSIM_DMA_OK:
		ep_count(ep, EP_C_DMA_OK, 1);
		break;
	case IOMMUSIM_DMA_FAULT:
		ep_count(ep, EP_C_DMA_FAULT, 1);
		break;
	case IOMMUSIM_DMA_MEM_ERROR:
		ep_count(ep, EP_C_DMA_MEM_ERROR, 1);
		break;
	case IOMMUSIM_DMA_PRI_FAILED:
		ep_count(ep, EP_C_DMA_PRI_FAILED, 1);
		break;
	case IOMMUSIM_DMA_PRI_PENDING:
		break;
	}
	if (ep->lat_hist)
		iommusim_hist_add(ep->lat_hist, iommusim_time_sub(st->res.done, st->issued));
}

int iommusim_endpoint_dma(iommusim_endpoint_t *ep, const iommusim_dma_t *dma, iommusim_time_t t,
			  iommusim_dma_result_t *res)
{
	struct ep_dma_state local, *st = &local;

	if (!ep || !dma || !res || dma->len == 0 || !dma->buf)
		return -EINVAL;
	if ((uint64_t)(dma->len - 1) > UINT64_MAX - dma->iova)
		return -EINVAL;
	if (!ep_pasid_ok(ep, dma->pasid_valid, dma->pasid))
		return -EINVAL;
	memset(&local, 0, sizeof(local));
	local.dma = *dma;
	local.issued = t;
	ep_count(ep, EP_C_DMA, 1);
	if (!ep_dma_run(ep, &st, t)) {
		*res = st->res;   /* parked: st is the heap copy ep_pri.c owns now */
		return 0;
	}
	ep_dma_finish(ep, st);
	*res = st->res;
	if (st->on_heap) {
		/* A page request that could not be sent after the DMA moved to the heap. */
		ep->dma_pending--;
		free(st);
	}
	return 0;
}

int iommusim_endpoint_ats_translate(iommusim_endpoint_t *ep, uint64_t iova, bool pasid_valid,
				    uint32_t pasid, unsigned access, iommusim_time_t t,
				    iommusim_xlate_resp_t *resp)
{
	uint64_t page = iova & ~EP_PAGE_MASK;
	uint64_t ctx;

	if (!ep || !resp || !ep->atc || (access & ~EP_ACC_ALL))
		return -EINVAL;
	if (!ep_pasid_ok(ep, pasid_valid, pasid))
		return -EINVAL;
	ctx = IOMMUSIM_ATC_CTX(pasid_valid, pasid, access & IOMMUSIM_ACC_PRIV);
	ep_request(ep, IOMMUSIM_REQ_ATS_TRANSLATE, pasid_valid, pasid, page, IOMMUSIM_PAGE_SIZE,
		   access, iommusim_time_add(t, ep->cfg.link_latency), resp);
	if (resp->status == IOMMUSIM_XLATE_OK && !resp->untranslated_only)
		ep_atc_fill_resp(ep, page, ctx, resp);
	resp->done = iommusim_time_add(resp->done, ep->cfg.link_latency);
	return 0;
}
