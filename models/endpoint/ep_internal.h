/* SPDX-License-Identifier: MIT */
/*
 * Internal state of the endpoint model, shared by the files of models/endpoint/ only:
 * endpoint.c (parameters, life cycle, messages, ATS invalidation), ep_dma.c (the DMA engine:
 * chunks), ep_stream.c (posted writes as a stream of TLPs), ep_pri.c (page requests and
 * retries) and ep_atc.c (the device TLB).
 */
#ifndef EP_INTERNAL_H
#define EP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iommusim/endpoint.h"
#include "models/endpoint/ep_atc.h"

/* PCIe PRI: the Page Request Group Index is 9 bits (PCIe 10.4.1). */
#define EP_PRG_INDICES 512u
/* PCIe ATS: the invalidation tag is 5 bits (PCIe 10.3.1). */
#define EP_ITAG_MAX 31u
/* PCIe PASID TLP prefix: 20 bits (PCIe 6.20). */
#define EP_PASID_BITS_MAX 20u
/* Max_Payload_Size encodings: 128 to 4096 bytes (PCIe 7.5.3.4, Device Control). */
#define EP_MPS_MIN 128u
#define EP_MPS_MAX 4096u

/* Counter slots, published as "<name>.<counter name>" (see ep_counter_names in endpoint.c). */
enum ep_ctr {
	EP_C_DMA,
	EP_C_DMA_BYTES,
	EP_C_DMA_OK,
	EP_C_DMA_FAULT,
	EP_C_DMA_MEM_ERROR,
	EP_C_DMA_PRI_FAILED,
	EP_C_REQ_UNTRANSLATED,
	EP_C_REQ_ATS,
	EP_C_REQ_TRANSLATED,
	EP_C_ATC_HIT,
	EP_C_ATC_MISS,
	EP_C_ATC_PERM_MISS,
	EP_C_ATC_FILL,
	EP_C_ATC_EVICT,
	EP_C_PAGE_REQ,
	EP_C_PRG_RESP,
	EP_C_PRG_RESP_FAIL,
	EP_C_PRG_RESP_UNEXPECTED,
	EP_C_PRI_RETRY,
	EP_C_INVAL,
	EP_C_INVAL_ENTRIES,
	EP_C_INVAL_CPL,
	EP_C_INVAL_CPL_ERR,
	EP_C_STREAM_TLPS,
	EP_C_STREAM_BYTES,
	EP_C_STREAM_BUSY_PS,
	EP_C_COUNT
};

/* One DMA in flight: its request, how far it got and what it has cost so far. A DMA runs on
 * the caller's stack until it needs a page request; then it moves to the heap and waits in
 * ep->prg[prg]. */
struct ep_dma_state {
	iommusim_dma_t dma;            /* a copy; dma.buf is the caller's */
	size_t pos;                    /* bytes done */
	iommusim_time_t issued;        /* when the DMA was issued (for dma.latency) */
	iommusim_time_t mem_done;      /* posted stream: latest memory completion so far */
	unsigned page_retries;         /* retries of the current page after PRI responses */
	uint32_t prg;                  /* PRG index while waiting */
	struct ep_event *retry;        /* the scheduled retry, if any */
	bool on_heap;
	iommusim_dma_result_t res;     /* accumulated */
};

enum ep_event_kind {
	EP_EV_INVAL_CPL,   /* send an ATS invalidation completion */
	EP_EV_DMA_RESUME,  /* retry a DMA after a PRG response, or end it */
};

/* A scheduled event. Live events sit on ep->events so destroy can cancel them. */
struct ep_event {
	struct iommusim_endpoint *ep;
	enum ep_event_kind kind;
	iommusim_event_id_t id;
	struct ep_event *prev, *next;
	/* EP_EV_INVAL_CPL */
	uint32_t itag;
	bool pasid_valid;
	uint32_t pasid;
	/* EP_EV_DMA_RESUME */
	struct ep_dma_state *st;
	uint32_t resp_code;            /* the PRG response code (IOMMUSIM_PRG_*) */
};

struct iommusim_endpoint {
	iommusim_endpoint_cfg_t cfg;
	char name[64];
	iommusim_model_t *iommu;
	iommusim_mem_port_t *mem;
	iommusim_sched_t *sched;
	struct ep_atc *atc;            /* NULL without ATS */

	iommusim_dma_done_fn done_fn;
	void *done_ctx;

	uint64_t *ctr[EP_C_COUNT];
	uint64_t ctr_local[EP_C_COUNT];   /* backing store when there is no stats registry */
	iommusim_hist_t *lat_hist;        /* NULL without stats */

	struct ep_dma_state *prg[EP_PRG_INDICES];  /* DMAs waiting, by PRG index */
	unsigned dma_pending;                       /* waiting or scheduled to resume */
	unsigned inval_pending;
	struct ep_event *events;                    /* live scheduled events */

	/* The posted stream (ep_stream.c); both persist across DMAs. */
	iommusim_time_t link_free;      /* the link can start serialising the next TLP */
	iommusim_time_t stream_accept;  /* the IOMMU can take the stream's next TLP */
};

static inline void ep_count(struct iommusim_endpoint *ep, enum ep_ctr c, uint64_t n)
{
	*ep->ctr[c] += n;
}

/* Events (endpoint.c). ep_event_new links a new event and schedules it at t (clamped to the
 * scheduler's now); NULL if it could not. ep_event_done unlinks and frees one. */
struct ep_event *ep_event_new(struct iommusim_endpoint *ep, enum ep_event_kind kind,
			      iommusim_time_t t);
void ep_event_done(struct iommusim_endpoint *ep, struct ep_event *ev);

/* The DMA engine (ep_dma.c). Runs *stp from its pos at time t until it ends or waits for a
 * page request. Returns true when the DMA ended ((*stp)->res final), false when it waits
 * (parked by ep_pri_request). Either way *stp may have become the heap copy of a DMA that
 * started on the caller's stack: on_heap tells. A posted write goes to ep_stream_run. */
bool ep_dma_run(struct iommusim_endpoint *ep, struct ep_dma_state **stp, iommusim_time_t t);

/* One piece of a DMA (a chunk, or a TLP of the posted stream), shared by ep_dma.c and
 * ep_stream.c. */
enum ep_chunk_outcome {
	EP_CHUNK_DONE,
	EP_CHUNK_FAILED,   /* st->res holds the failure */
	EP_CHUNK_PARKED,   /* waiting for a page-request response */
};
/* The ATS part of a piece at iova: ATC lookup from t and, on a miss, an ATS translation
 * request. EP_CHUNK_DONE gives *pa and *ready (when the request may leave the device), or
 * *untranslated when the piece must go out untranslated from *ready; else the DMA failed
 * or was parked for a page request (*stp may then be its heap copy). */
enum ep_chunk_outcome ep_chunk_ats(struct iommusim_endpoint *ep, struct ep_dma_state **stp,
				   uint64_t iova, iommusim_time_t t, uint64_t *pa,
				   iommusim_time_t *ready, bool *untranslated);
/* Sends the piece [iova, iova + len) (at st->pos of the DMA) as an UNTRANSLATED request, or
 * a TRANSLATED one for pa, reaching the IOMMU at issue; then moves its bytes at the answer's
 * done. *resp gets the answer (done never before issue), *mdone the memory completion. */
enum ep_chunk_outcome ep_chunk_send(struct iommusim_endpoint *ep, struct ep_dma_state *st,
				    uint64_t iova, size_t len, bool untranslated, uint64_t pa,
				    iommusim_time_t issue, iommusim_xlate_resp_t *resp,
				    iommusim_time_t *mdone);

/* The request stream (ep_stream.c): runs a DMA as TLPs, as ep_dma_run does. */
bool ep_stream_run(struct iommusim_endpoint *ep, struct ep_dma_state **stp, iommusim_time_t t);
/* Accounts a DMA that ended (counters, histogram). */
void ep_dma_finish(struct iommusim_endpoint *ep, struct ep_dma_state *st);
/* PASID checks shared by the DMA and ATS entry points. */
bool ep_pasid_ok(const struct iommusim_endpoint *ep, bool pasid_valid, uint32_t pasid);

/* PRI (ep_pri.c). ep_pri_request sends a page request for the page at `page` needing
 * `access` at device time t and parks the DMA (moving it to the heap first, *stp updated);
 * returns false (DMA not parked, possibly already on the heap) when no PRG index is free,
 * memory ran out or the model refused the message. */
bool ep_pri_request(struct iommusim_endpoint *ep, struct ep_dma_state **stp, uint64_t page,
		    unsigned access, iommusim_time_t t);
int ep_pri_response(struct iommusim_endpoint *ep, const iommusim_dev_msg_t *msg);
void ep_pri_resume(struct iommusim_endpoint *ep, struct ep_event *ev, iommusim_time_t now);
/* Frees every parked DMA (destroy). */
void ep_pri_drop_all(struct iommusim_endpoint *ep);

#endif
