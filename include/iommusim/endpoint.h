/* SPDX-License-Identifier: MIT */
/*
 * A PCIe endpoint (DESIGN.md §4): issues DMA through an IOMMU model, keeps an ATC (device
 * TLB, built from the core cache) when ATS is enabled, sends page requests when PRI is
 * enabled and retries after a successful response, and answers ATS invalidation requests
 * after a configurable delay (or never, to model a broken device).
 */
#ifndef IOMMUSIM_ENDPOINT_H
#define IOMMUSIM_ENDPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iommusim/cache.h"
#include "iommusim/model.h"

#ifdef __cplusplus
extern "C" {
#endif

extern const iommusim_component_t iommusim_endpoint_component;

typedef struct iommusim_endpoint_cfg {
	uint32_t rid;                    /* requester ID (BDF) */
	bool ats;                        /* ATS enabled: translate via ATS, cache in the ATC */
	unsigned atc_sets, atc_ways;     /* ATC geometry */
	iommusim_cache_repl_t atc_repl;
	bool pri;                        /* PRI enabled: page requests on PAGE_REQUEST */
	unsigned max_pri_retries;        /* give up after this many responses per DMA */
	iommusim_time_t inval_delay;     /* ATS invalidation completion delay */
	bool inval_never;                /* never answer ATS invalidations */
	iommusim_time_t atc_lookup;      /* ATC lookup time */
	iommusim_time_t link_latency;    /* one-way endpoint <-> IOMMU latency */
} iommusim_endpoint_cfg_t;

/* The defaults of iommusim_endpoint_component applied to cfg (rid 0). */
void iommusim_endpoint_cfg_default(iommusim_endpoint_cfg_t *cfg);
/* Reads the "endpoint.*" parameters of ps into cfg. */
void iommusim_endpoint_cfg_from_params(iommusim_endpoint_cfg_t *cfg, const iommusim_params_t *ps);

typedef struct iommusim_endpoint iommusim_endpoint_t;

/* Creates an endpoint that translates through iommu and moves data through mem (the
 * system side of the IOMMU). Counters go to stats as "<name>.*". */
iommusim_endpoint_t *iommusim_endpoint_create(const iommusim_endpoint_cfg_t *cfg, const char *name,
					      iommusim_model_t *iommu, iommusim_mem_port_t *mem,
					      iommusim_sched_t *sched, iommusim_stats_t *stats,
					      iommusim_error_t *err);
void iommusim_endpoint_destroy(iommusim_endpoint_t *ep);

typedef struct iommusim_dma {
	bool write;
	uint64_t iova;
	size_t len;               /* >= 1; may cross pages (split per 4 KiB) */
	void *buf;                /* read: filled; write: source */
	bool pasid_valid;
	uint32_t pasid;
	bool priv, exec;
} iommusim_dma_t;

typedef enum iommusim_dma_status {
	IOMMUSIM_DMA_OK = 0,
	IOMMUSIM_DMA_FAULT,        /* a page was blocked: fault_reason, fault_iova */
	IOMMUSIM_DMA_PRI_PENDING,  /* waiting for a page-group response; completes later */
	IOMMUSIM_DMA_PRI_FAILED,   /* the response said Invalid/Failure, or retries ran out */
	IOMMUSIM_DMA_MEM_ERROR,    /* the translated address does not exist in memory */
} iommusim_dma_status_t;

typedef struct iommusim_dma_result {
	iommusim_dma_status_t status;
	uint32_t fault_reason;
	uint64_t fault_iova;
	size_t done_bytes;         /* bytes moved before the first failure */
	iommusim_time_t done;      /* completion time */
	uint32_t translations;     /* translation requests sent to the IOMMU */
	uint32_t atc_hits;
	uint32_t page_requests;
	iommusim_xlate_cost_t cost;  /* summed over the DMA's translations */
} iommusim_dma_result_t;

/* Issues a DMA at time t and runs it to completion or to a pending page request. For a
 * pending DMA, the result is delivered when it finishes through the completion callback
 * (set with iommusim_endpoint_on_complete) after the scheduler runs the response.
 * Returns 0, or -EINVAL for a bad request (len 0, NULL buf, PASID without PASID support). */
int iommusim_endpoint_dma(iommusim_endpoint_t *ep, const iommusim_dma_t *dma, iommusim_time_t t,
			  iommusim_dma_result_t *res);

typedef void (*iommusim_dma_done_fn)(void *ctx, const iommusim_dma_result_t *res);
void iommusim_endpoint_on_complete(iommusim_endpoint_t *ep, iommusim_dma_done_fn fn, void *ctx);

/* Sends one ATS translation request for iova (ATS must be enabled) and caches the answer. */
int iommusim_endpoint_ats_translate(iommusim_endpoint_t *ep, uint64_t iova, bool pasid_valid,
				    uint32_t pasid, unsigned access, iommusim_time_t t,
				    iommusim_xlate_resp_t *resp);

/* A message from the IOMMU (ATS_INVAL_REQ, PRG_RESP). Returns 0 or -EINVAL. */
int iommusim_endpoint_receive(iommusim_endpoint_t *ep, const iommusim_dev_msg_t *msg);

/* The ATC, for inspection (NULL without ATS). */
const iommusim_cache_t *iommusim_endpoint_atc(const iommusim_endpoint_t *ep);
uint32_t iommusim_endpoint_rid(const iommusim_endpoint_t *ep);
/* Outstanding ATS invalidations not yet answered. */
unsigned iommusim_endpoint_inval_pending(const iommusim_endpoint_t *ep);

#ifdef __cplusplus
}
#endif
#endif
