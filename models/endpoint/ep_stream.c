/* SPDX-License-Identifier: MIT */
/*
 * The endpoint's request stream (endpoint.posted): a DMA goes out as TLPs of at most
 * Max_Payload_Size bytes, in order. The device does not wait for one write TLP's memory write
 * before sending the next (PCIe posted writes need no completion), nor for one read's data
 * before sending the next read request (a device keeps many read tags outstanding); the
 * IOMMU takes them in order (a read request may not pass a posted write, PCIe ordering
 * rules), one per initiation interval while its lookups hit, and a TLP whose translation
 * walks holds every later one until its walk ends. This is the mechanism behind the receive
 * throughput law of Rubin et al., "Fast & Safe IO Memory Protection" (SOSP 2024, §2.2):
 * 4096 B / (l_0 + M x l_m) for M walk reads of latency l_m per 4 KiB. The same authors' PCM
 * counts on a ConnectX-7 receiving (their repository's result logs) show 16.6-19.5 IOTLB
 * lookups per 4 KiB page: about one per 256 B TLP. The timing rules are in
 * include/iommusim/endpoint.h; the code follows them step by step. The ATS part and the
 * request of a TLP are a chunk's (ep_dma.c).
 */
#include <math.h>

#include "iommusim/endpoint.h"
#include "iommusim/mem.h"
#include "models/endpoint/ep_internal.h"

#define EP_PAGE_MASK (IOMMUSIM_PAGE_SIZE - 1)

/* Time to serialise len bytes on a link of gbps Gb/s: len x 8 / gbps ns, rounded to the
 * nearest ps. */
static iommusim_time_t ep_link_time(double gbps, size_t len)
{
	return (iommusim_time_t)llround((double)len * 8.0 * (double)IOMMUSIM_PS_PER_NS / gbps);
}

/* The stream is in order: the IOMMU takes TLP k when it has arrived and the previous TLP
 * lets it (stream_accept). The model says when it can take the next one (resp.accept); a
 * model that does not say (0), or says something before the request even arrived, holds
 * the stream until the request is done. */
static void ep_stream_took(struct iommusim_endpoint *ep, iommusim_time_t x,
			   const iommusim_xlate_resp_t *r)
{
	iommusim_time_t next = (r->accept == 0 || r->accept < x) ? r->done : r->accept;

	ep->stream_accept = next;
	ep_count(ep, EP_C_STREAM_TLPS, 1);
	ep_count(ep, EP_C_STREAM_BUSY_PS, iommusim_time_sub(next, x));
}

bool ep_stream_run(struct iommusim_endpoint *ep, struct ep_dma_state **stp, iommusim_time_t t)
{
	const iommusim_time_t link = ep->cfg.link_latency;
	const uint64_t mps = ep->cfg.mps;
	struct ep_dma_state *st = *stp;
	iommusim_time_t q = t;   /* the device may start preparing the next TLP */

	st->res.status = IOMMUSIM_DMA_OK;
	while (st->pos < st->dma.len) {
		uint64_t iova = st->dma.iova + st->pos;
		size_t left = st->dma.len - st->pos;
		/* mps divides 4 KiB: a TLP that stops at an mps boundary never crosses a page */
		size_t room = (size_t)(mps - (iova & (mps - 1)));
		size_t len = left < room ? left : room;
		bool untranslated = ep->atc == NULL;
		iommusim_time_t ready = q, s, x, mdone;
		iommusim_xlate_resp_t r;
		uint64_t pa = 0;
		enum ep_chunk_outcome oc;

		if (ep->atc) {
			/* One ATC lookup at a time, in order: a miss holds the TLPs behind it
			 * until its ATS answer is back. */
			oc = ep_chunk_ats(ep, stp, iova, q, &pa, &ready, &untranslated);
			st = *stp;
			if (oc == EP_CHUNK_PARKED)
				return false;
			if (oc == EP_CHUNK_FAILED)
				return true;
		}
		s = iommusim_time_max(ready, ep->link_free);
		/* a read request is a header upstream: its data comes back on the other lane */
		if (ep->cfg.link_gbps > 0 && st->dma.write)
			ep->link_free = iommusim_time_add(s, ep_link_time(ep->cfg.link_gbps, len));
		x = iommusim_time_max(iommusim_time_add(s, link), ep->stream_accept);
		oc = ep_chunk_send(ep, st, iova, len, untranslated, pa, x, &r, &mdone);
		ep_stream_took(ep, x, &r);
		if (oc != EP_CHUNK_DONE)
			return true;
		/* a write is done when it is in memory, a read when its data is back */
		if (!st->dma.write)
			mdone = iommusim_time_add(mdone, link);
		st->mem_done = iommusim_time_max(st->mem_done, mdone);
		st->pos += len;
		if (((iova + len) & EP_PAGE_MASK) == 0)
			st->page_retries = 0;   /* moved past a page */
		ep_count(ep, EP_C_DMA_BYTES, len);
		ep_count(ep, EP_C_STREAM_BYTES, len);
		q = ready;
	}
	st->res.status = IOMMUSIM_DMA_OK;
	st->res.fault_reason = 0;
	st->res.fault_iova = 0;
	st->res.done = st->mem_done;
	st->res.done_bytes = st->pos;
	return true;
}
