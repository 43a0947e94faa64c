/* SPDX-License-Identifier: MIT */
/*
 * A PCIe endpoint (DESIGN.md §4): issues DMA through an IOMMU model, keeps an ATC (device
 * TLB, built from the core cache) when ATS is enabled, sends page requests when PRI is
 * enabled and retries after a successful response, and answers ATS invalidation requests
 * after a configurable delay (or never, to model a broken device).
 *
 * DMA. Unless it is a posted write (below), a DMA is split into chunks that never cross a
 * 4 KiB page. Chunks run one after the other (the engine keeps one request outstanding;
 * several engines or DMAs issued at the same time model concurrency). With L the one-way link latency, a chunk issued at time t:
 *   without ATS:  UNTRANSLATED request reaching the IOMMU at t + L; memory access at the
 *                 model's done time, to the address it returned;
 *   with ATS:     ATC lookup until t + atc_lookup = c. On a miss an ATS_TRANSLATE request
 *                 reaches the IOMMU at c + L and its answer is back at done + L = c'; the
 *                 answer fills the ATC (unless untranslated_only). Then a TRANSLATED request
 *                 reaches the IOMMU at c' + L (c' = c on a hit); the memory access at the
 *                 translated address starts at that request's done time.
 * A write chunk ends when its memory access completes (a posted write has reached memory);
 * a read chunk ends one link latency later (the data is back at the device). The next chunk
 * starts when the previous ends; the DMA's done time is the last chunk's end. A failure is
 * known at the device one link latency after the IOMMU answered (or after the failed memory
 * access); the DMA stops there.
 *
 * ATS details. The ATC tag is the IOVA page number (iova >> 12); an entry covers the page
 * size the translation reported (a naturally aligned power of two >= 4 KiB) through its
 * tag_mask, so one 2 MiB entry answers for all 512 pages under it. The ctx is
 * IOMMUSIM_ATC_CTX(pasid_valid, pasid, priv). An entry without the permission a chunk needs
 * counts as a miss and is re-requested. An ATS answer marked untranslated_only is not cached:
 * the chunk goes out as an UNTRANSLATED request instead (PCIe ATS "U" bit). An ATS answer
 * PAGE_REQUEST, or OK without the needed permission, sends a page request when PRI is enabled
 * and fails the DMA with IOMMUSIM_DMA_FAULT (the model's fault_reason) otherwise.
 *
 * Request stream (posted = true). A DMA goes out as TLPs of at most mps bytes that never
 * cross an mps boundary (so never a 4 KiB page); read requests are split at mps too (the
 * Max_Read_Request_Size is taken equal to it). The device does not wait for a write TLP's
 * memory write before sending the next (posted writes), nor for a read's data before sending
 * the next read request (outstanding tags), and the IOMMU takes the TLPs in order (a read
 * request may not pass a posted write). For TLP k of len_k bytes of a DMA issued at t:
 *   ready_k:  without ATS, t. With ATS, the ATC lookup (and on a miss the ATS translation
 *             request, as for a chunk) starts at ready_{k-1} (t for the first TLP, the
 *             retry time for the TLP a page response let through), so the
 *             device looks one TLP up at a time, in order; ready_k is when the TLP may leave;
 *   s_k = max(ready_k, link_free): the device sends it; with link_gbps > 0 a write TLP
 *             keeps the link busy until link_free = s_k + len_k x 8 / link_gbps ns (rounded
 *             to the ps); a read request is a header and leaves link_free alone;
 *             link_gbps = 0 leaves link_free alone (serialisation not modelled);
 *   a_k = s_k + L: it reaches the IOMMU;
 *   x_k = max(a_k, stream_accept): the IOMMU takes it; the request (UNTRANSLATED, or
 *             TRANSLATED with ATS) is issued at x_k;
 *   stream_accept = the answer's accept, or its done when accept is 0 or before x_k: when the
 *             IOMMU can take the next TLP (a hit pipelines, a miss holds the stream);
 *   the TLP's bytes are written (read) at the answer's done, as for a chunk.
 * link_free and stream_accept belong to the endpoint and carry over from DMA to DMA. A write
 * DMA's done is its last TLP's memory completion (the latest one); a read DMA's is the latest
 * memory completion of its TLPs plus L (the data is back at the device). Faults, memory errors and PRI
 * work as for chunks, per TLP: the DMA stops (or is parked and later retries) at the failing
 * TLP, done_bytes counting the whole TLPs moved before it; the PRI retry count starts again
 * for each page the DMA moves past. Counters: stream.tlps (TLPs the IOMMU took, a failing one
 * included), stream.bytes (bytes they moved), stream.busy_ps (the sum over TLPs of
 * stream_accept - x_k: the time the IOMMU's in-order acceptance was busy with the stream).
 * stream.bytes x 8 / stream.busy_ps x 1000 is the stream's throughput in Gb/s when the device
 * always has data to send (IOMMU-bound); it excludes idle time between DMAs.
 *
 * PRI. A page request (IOMMUSIM_MSG_PAGE_REQ, last = true, one page per group) carries a PRG
 * index (the lowest free one of 512) and goes to the model's device_msg arriving at the
 * send time + L. The DMA is then IOMMUSIM_DMA_PRI_PENDING. A PRG_RESP Success schedules a
 * retry of the chunk on the scheduler when the response reaches the device; Invalid or
 * Failure ends the DMA with IOMMUSIM_DMA_PRI_FAILED. A page that still needs a page request
 * after max_pri_retries retries fails the DMA with IOMMUSIM_DMA_PRI_FAILED (the count starts
 * again for each page the DMA moves past). A pending DMA's final result goes to the
 * completion callback, from a scheduler event.
 *
 * ATS invalidation. An ATS_INVAL_REQ drops the ATC entries overlapping [addr, addr + size):
 * only those of its PASID when it carries one, all PASIDs when it is global, and every entry
 * (with or without PASID) when it carries none (PCIe: a request without a PASID prefix covers
 * the whole range). A size of 2^63 stands for the whole 64-bit space. It is applied when
 * received; the completion (IOMMUSIM_MSG_ATS_INVAL_CPL, same itag) is sent inval_delay after
 * the request reaches the device and arrives at the IOMMU one link latency later, or is never
 * sent with inval_never.
 *
 * Message times. Messages the endpoint sends carry the time they reach the IOMMU (send time
 * plus the link latency). Messages the IOMMU sends the endpoint (iommusim_endpoint_receive)
 * carry the time the IOMMU sent them; the endpoint adds the link latency.
 *
 * Costs. A result's cost adds up the cost of every response the model gave for the DMA
 * (UNTRANSLATED, ATS_TRANSLATE and TRANSLATED requests; hits/misses are OR-ed), plus the ATC
 * lookup time in lookup_ps and IOMMUSIM_XS_ATC in hits or misses.
 *
 * Counters (in the stats registry, "<name>." followed by): dma, dma.bytes, dma.ok, dma.fault,
 * dma.mem_error, dma.pri_failed, req.untranslated, req.ats, req.translated, atc.hit, atc.miss,
 * atc.perm_miss, atc.fill, atc.evict, page_req, prg_resp, prg_resp.fail, prg_resp.unexpected,
 * pri.retry, inval, inval.entries, inval.cpl, inval.cpl_err, stream.tlps, stream.bytes,
 * stream.busy_ps; histogram dma.latency (ps, DMAs that ended, from issue to done).
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

/* Parameters "endpoint.*": ats (off), pasid_bits (20), atc_sets (16), atc_ways (4), atc_repl
 * (lru), pri (off), max_pri_retries (3), inval_delay_ns (1000), inval_never (off),
 * atc_lookup_ns (4), link_latency_ns (225), posted (off), mps (256), link_gbps (0).
 * `iommusim params endpoint` prints them with help. */
extern const iommusim_component_t iommusim_endpoint_component;

typedef struct iommusim_endpoint_cfg {
	uint32_t rid;                    /* requester ID (BDF) */
	bool ats;                        /* ATS enabled: translate via ATS, cache in the ATC */
	unsigned pasid_bits;             /* PASID width supported, 0 .. 20 (0 = no PASID) */
	unsigned atc_sets, atc_ways;     /* ATC geometry (see iommusim_cache_geom_t) */
	iommusim_cache_repl_t atc_repl;  /* RANDOM is seeded with rid + 1 */
	bool pri;                        /* PRI enabled: page requests on PAGE_REQUEST */
	unsigned max_pri_retries;        /* retries per page before PRI_FAILED, >= 1 */
	iommusim_time_t inval_delay;     /* ATS invalidation completion delay */
	bool inval_never;                /* never answer ATS invalidations */
	iommusim_time_t atc_lookup;      /* ATC lookup time */
	iommusim_time_t link_latency;    /* one-way endpoint <-> IOMMU latency */
	bool posted;                     /* DMAs go out as an in-order stream of TLPs */
	unsigned mps;                    /* Max_Payload_Size: a power of two, 128 .. 4096 */
	double link_gbps;                /* link data rate for the stream; 0 = not modelled */
} iommusim_endpoint_cfg_t;

/* The defaults of iommusim_endpoint_component applied to cfg (rid 0). */
void iommusim_endpoint_cfg_default(iommusim_endpoint_cfg_t *cfg);
/* Reads the "endpoint.*" parameters of ps into cfg (keys ps does not hold are left as they
 * are; rid is never touched). */
void iommusim_endpoint_cfg_from_params(iommusim_endpoint_cfg_t *cfg, const iommusim_params_t *ps);

/* ATC layout, for inspection through iommusim_endpoint_atc(). */
#define IOMMUSIM_ATC_CTX_PASID_MASK 0xfffffull      /* PASID, 20 bits (PCIe 6.20) */
#define IOMMUSIM_ATC_CTX_PV         (1ull << 32)    /* entry was requested with a PASID */
#define IOMMUSIM_ATC_CTX_PRIV       (1ull << 33)    /* ... in privileged mode */
#define IOMMUSIM_ATC_CTX(pv, pasid, priv)                                                   \
	((pv) ? (IOMMUSIM_ATC_CTX_PV | ((uint64_t)(pasid) & IOMMUSIM_ATC_CTX_PASID_MASK) |     \
		 ((priv) ? IOMMUSIM_ATC_CTX_PRIV : 0))                                         \
	      : 0)

typedef struct iommusim_atc_entry {
	uint64_t out_base;    /* translated address of the first byte the entry covers */
	uint64_t page_size;   /* bytes covered, a power of two >= 4 KiB */
	unsigned perm;        /* IOMMUSIM_ACC_* granted */
} iommusim_atc_entry_t;

typedef struct iommusim_endpoint iommusim_endpoint_t;

/* Creates an endpoint that translates through iommu and moves data through mem (the
 * system side of the IOMMU). Counters go to stats as "<name>.*" (stats may be NULL: no
 * counters are published). name NULL means "ep". NULL iommu/mem/sched, a pasid_bits above
 * 20, max_pri_retries 0, an mps that is not a power of two in 128 .. 4096, a negative or
 * non-finite link_gbps or a bad ATC geometry give NULL with -EINVAL in err. */
iommusim_endpoint_t *iommusim_endpoint_create(const iommusim_endpoint_cfg_t *cfg, const char *name,
					      iommusim_model_t *iommu, iommusim_mem_port_t *mem,
					      iommusim_sched_t *sched, iommusim_stats_t *stats,
					      iommusim_error_t *err);
/* Cancels the endpoint's scheduled events and frees it; pending DMAs are dropped without a
 * callback. NULL is a no-op. */
void iommusim_endpoint_destroy(iommusim_endpoint_t *ep);

typedef struct iommusim_dma {
	bool write;
	uint64_t iova;
	size_t len;               /* >= 1; may cross pages (split per 4 KiB) */
	void *buf;                /* read: filled; write: source. Must live until the DMA ends */
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
	uint64_t fault_iova;       /* first IOVA of the chunk that failed (or waits for PRI) */
	size_t done_bytes;         /* bytes moved before the first failure */
	iommusim_time_t done;      /* completion time (PRI_PENDING: when the page request left) */
	uint32_t translations;     /* UNTRANSLATED and ATS_TRANSLATE requests sent to the IOMMU */
	uint32_t atc_hits;
	uint32_t page_requests;
	iommusim_xlate_cost_t cost;  /* summed over the DMA's requests (see above) */
} iommusim_dma_result_t;

/* Issues a DMA at time t and runs it to completion or to a pending page request. For a
 * pending DMA, the result is delivered when it finishes through the completion callback
 * (set with iommusim_endpoint_on_complete) after the scheduler runs the response.
 * Returns 0, or -EINVAL for a bad request (NULL ep/dma/res, len 0, NULL buf, iova + len
 * past 2^64, a PASID without PASID support or wider than pasid_bits) or -ENOMEM. */
int iommusim_endpoint_dma(iommusim_endpoint_t *ep, const iommusim_dma_t *dma, iommusim_time_t t,
			  iommusim_dma_result_t *res);

typedef void (*iommusim_dma_done_fn)(void *ctx, const iommusim_dma_result_t *res);
void iommusim_endpoint_on_complete(iommusim_endpoint_t *ep, iommusim_dma_done_fn fn, void *ctx);

/* Sends one ATS translation request at time t for the page holding iova (ATS must be
 * enabled) and caches the answer as a DMA would. resp is the model's answer with done moved
 * to when it reaches the device. Returns 0, or -EINVAL (ATS off, access with bits other than
 * IOMMUSIM_ACC_*, a bad PASID, NULL ep/resp). */
int iommusim_endpoint_ats_translate(iommusim_endpoint_t *ep, uint64_t iova, bool pasid_valid,
				    uint32_t pasid, unsigned access, iommusim_time_t t,
				    iommusim_xlate_resp_t *resp);

/* A message from the IOMMU (ATS_INVAL_REQ, PRG_RESP). Returns 0, or -EINVAL (NULL, another
 * kind, a rid not ours, itag > 31, prg_index > 511, an invalidation size that is not a
 * power of two or an address not aligned to it), or -ENOMEM. A response for a PRG index
 * with no pending request is counted (prg_resp.unexpected) and ignored. */
int iommusim_endpoint_receive(iommusim_endpoint_t *ep, const iommusim_dev_msg_t *msg);

/* The ATC, for inspection (NULL without ATS). */
const iommusim_cache_t *iommusim_endpoint_atc(const iommusim_endpoint_t *ep);
uint32_t iommusim_endpoint_rid(const iommusim_endpoint_t *ep);
/* Outstanding ATS invalidations not yet answered. */
unsigned iommusim_endpoint_inval_pending(const iommusim_endpoint_t *ep);
/* DMAs waiting for a page-request response or a scheduled retry. */
unsigned iommusim_endpoint_dma_pending(const iommusim_endpoint_t *ep);

#ifdef __cplusplus
}
#endif
#endif
