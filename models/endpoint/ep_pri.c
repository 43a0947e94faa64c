/* SPDX-License-Identifier: MIT */
/*
 * PRI (PCIe 10.4): page requests, page-group responses and DMA retries.
 *
 * Each page request is its own group (last = true), so a PRG index names one waiting DMA.
 * Indices are taken lowest-free-first, which keeps runs deterministic. A response frees the
 * index at once; the DMA then waits for its resume event, scheduled when the response reaches
 * the device, so every retry and every completion callback runs from the scheduler at its
 * simulated time (never inside the model's call that delivered the response).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "iommusim/endpoint.h"
#include "models/endpoint/ep_internal.h"

static int ep_prg_alloc(const struct iommusim_endpoint *ep)
{
	for (unsigned i = 0; i < EP_PRG_INDICES; i++)
		if (!ep->prg[i])
			return (int)i;
	return -1;
}

bool ep_pri_request(struct iommusim_endpoint *ep, struct ep_dma_state **stp, uint64_t page,
		    unsigned access, iommusim_time_t t)
{
	struct ep_dma_state *st = *stp;
	int idx = ep_prg_alloc(ep);
	iommusim_dev_msg_t msg;
	int rc;

	if (idx < 0 || !ep->iommu->ops->device_msg)
		return false;
	if (!st->on_heap) {
		struct ep_dma_state *h = malloc(sizeof(*h));
		if (!h)
			return false;
		*h = *st;
		h->on_heap = true;
		ep->dma_pending++;
		*stp = st = h;
	}
	st->prg = (uint32_t)idx;
	st->retry = NULL;
	st->res.status = IOMMUSIM_DMA_PRI_PENDING;
	st->res.done = t;
	st->res.done_bytes = st->pos;
	st->res.page_requests++;
	ep->prg[idx] = st;   /* before sending: a model may answer from inside device_msg */
	ep_count(ep, EP_C_PAGE_REQ, 1);

	memset(&msg, 0, sizeof(msg));
	msg.kind = IOMMUSIM_MSG_PAGE_REQ;
	msg.rid = ep->cfg.rid;
	msg.pasid_valid = st->dma.pasid_valid;
	msg.pasid = st->dma.pasid_valid ? st->dma.pasid : 0;
	msg.addr = page;
	msg.access = access;
	msg.prg_index = (uint32_t)idx;
	msg.last = true;
	msg.time = iommusim_time_add(t, ep->cfg.link_latency);
	rc = ep->iommu->ops->device_msg(ep->iommu->impl, &msg);
	if (rc != 0 && ep->prg[idx] == st) {
		/* Refused and not answered: the DMA fails (the caller records how). */
		ep->prg[idx] = NULL;
		st->res.page_requests--;
		return false;
	}
	return true;
}

int ep_pri_response(struct iommusim_endpoint *ep, const iommusim_dev_msg_t *msg)
{
	struct ep_dma_state *st;
	struct ep_event *ev;

	if (msg->prg_index >= EP_PRG_INDICES)
		return -EINVAL;
	ep_count(ep, EP_C_PRG_RESP, 1);
	st = ep->prg[msg->prg_index];
	if (!st) {
		/* PCIe PRI: a response for an unknown group index is recorded (the status
		 * register's Unexpected PRG Index bit) and dropped. */
		ep_count(ep, EP_C_PRG_RESP_UNEXPECTED, 1);
		return 0;
	}
	ev = ep_event_new(ep, EP_EV_DMA_RESUME,
			  iommusim_time_add(msg->time, ep->cfg.link_latency));
	if (!ev)
		return -ENOMEM;
	if (msg->resp_code != IOMMUSIM_PRG_SUCCESS)
		ep_count(ep, EP_C_PRG_RESP_FAIL, 1);
	ep->prg[msg->prg_index] = NULL;
	ev->st = st;
	ev->resp_code = msg->resp_code;
	st->retry = ev;
	return 0;
}

void ep_pri_resume(struct iommusim_endpoint *ep, struct ep_event *ev, iommusim_time_t now)
{
	struct ep_dma_state *st = ev->st;

	st->retry = NULL;
	if (ev->resp_code != IOMMUSIM_PRG_SUCCESS) {
		/* Invalid Request or Response Failure (PCIe PRG Response): no page will come. */
		st->res.status = IOMMUSIM_DMA_PRI_FAILED;
		st->res.fault_reason = ev->resp_code;
		st->res.done = now;
		st->res.done_bytes = st->pos;
	} else {
		st->page_retries++;
		ep_count(ep, EP_C_PRI_RETRY, 1);
		if (!ep_dma_run(ep, &st, now))
			return;   /* waiting for another page */
	}
	ep_dma_finish(ep, st);
	ep->dma_pending--;
	if (ep->done_fn)
		ep->done_fn(ep->done_ctx, &st->res);
	free(st);
}

void ep_pri_drop_all(struct iommusim_endpoint *ep)
{
	for (unsigned i = 0; i < EP_PRG_INDICES; i++) {
		free(ep->prg[i]);
		ep->prg[i] = NULL;
	}
	ep->dma_pending = 0;
}
