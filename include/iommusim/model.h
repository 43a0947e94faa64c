/* SPDX-License-Identifier: MIT */
/*
 * The hardware-model interface (DESIGN.md §2.1, §4). VT-d, SMMUv3 and AMD-Vi implement the
 * same ops table. A model sees only what silicon sees: MMIO accesses, its memory port, and
 * requests and messages from devices. Its outputs are interrupts (MSI writes) and messages to
 * devices (ATS invalidation requests, page-group responses).
 */
#ifndef IOMMUSIM_MODEL_H
#define IOMMUSIM_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "iommusim/error.h"
#include "iommusim/mem.h"
#include "iommusim/param.h"
#include "iommusim/sched.h"
#include "iommusim/stats.h"
#include "iommusim/time.h"
#include "iommusim/trace.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- translation requests ------------------------------------------------------------ */

/* Access kind bits (a request may combine READ|WRITE for an atomic, EXEC with READ). */
#define IOMMUSIM_ACC_READ  (1u << 0)
#define IOMMUSIM_ACC_WRITE (1u << 1)
#define IOMMUSIM_ACC_EXEC  (1u << 2)
#define IOMMUSIM_ACC_PRIV  (1u << 3)   /* privileged (supervisor) request */

typedef enum iommusim_req_type {
	IOMMUSIM_REQ_UNTRANSLATED = 0,  /* ordinary DMA: translate and check */
	IOMMUSIM_REQ_ATS_TRANSLATE,     /* PCIe ATS translation request: answer, no access */
	IOMMUSIM_REQ_TRANSLATED,        /* pre-translated (AT=translated): check ATS enabled */
} iommusim_req_type_t;

typedef struct iommusim_xlate_req {
	uint32_t rid;            /* requester ID: PCI BDF, StreamID or DeviceID */
	bool pasid_valid;
	uint32_t pasid;          /* PASID / SubstreamID when pasid_valid */
	uint64_t iova;           /* for TRANSLATED requests: the translated address */
	uint64_t size;           /* bytes, >= 1; must not cross a 4 KiB page */
	unsigned access;         /* IOMMUSIM_ACC_* */
	iommusim_req_type_t type;
	iommusim_time_t issue;   /* when the request reaches the IOMMU */
} iommusim_xlate_req_t;

typedef enum iommusim_xlate_status {
	IOMMUSIM_XLATE_OK = 0,
	IOMMUSIM_XLATE_FAULT,         /* blocked; fault_reason holds the architecture's code */
	IOMMUSIM_XLATE_PAGE_REQUEST,  /* ATS: not present / no permission; a PRI-capable device
					 may send a page request and retry */
} iommusim_xlate_status_t;

/* Structures a lookup can hit or miss, for the cost breakdown (bit per structure). */
#define IOMMUSIM_XS_CONFIG   (1u << 0)   /* context / STE / DTE cache */
#define IOMMUSIM_XS_PASID    (1u << 1)   /* PASID / CD / GCR3 cache */
#define IOMMUSIM_XS_IOTLB    (1u << 2)
#define IOMMUSIM_XS_PWC_S1   (1u << 3)   /* first-stage paging-structure cache */
#define IOMMUSIM_XS_PWC_S2   (1u << 4)   /* second-stage paging-structure cache */
#define IOMMUSIM_XS_ATC      (1u << 5)   /* the endpoint's device TLB */

/* Where a translation's time went. Sums: done - issue = wait + lookup + mem + other. */
typedef struct iommusim_xlate_cost {
	iommusim_time_t wait_ps;     /* waiting for a walker slot or port */
	iommusim_time_t lookup_ps;   /* cache lookups */
	iommusim_time_t mem_ps;      /* table reads and A/D writes, in sequence */
	iommusim_time_t other_ps;    /* fixed pipeline costs */
	uint32_t mem_reads;          /* table reads issued */
	uint32_t mem_writes;         /* A/D updates */
	uint32_t hits;               /* IOMMUSIM_XS_* that hit */
	uint32_t misses;             /* IOMMUSIM_XS_* that missed */
	uint32_t walk_reads[2][6];   /* [stage 0 = first, 1 = second][level 1..5] reads */
} iommusim_xlate_cost_t;

typedef struct iommusim_xlate_resp {
	iommusim_xlate_status_t status;
	uint32_t fault_reason;       /* architecture code (VT-d FR, SMMU event, AMD-Vi event) */
	uint64_t addr;               /* output (physical) address of iova */
	unsigned perm;               /* IOMMUSIM_ACC_* granted by the translation */
	uint64_t page_size;          /* bytes covered by the translation (naturally aligned) */
	bool untranslated_only;      /* ATS: the device must not cache it (e.g. pass-through off) */
	iommusim_time_t done;        /* completion time */
	/* When the IOMMU can take the next request of the same in-order stream (a requester's
	 * posted writes): before done when the translation pipelines behind it, done when it
	 * blocks the stream. 0 means "the model does not say": the caller treats it as done. */
	iommusim_time_t accept;
	iommusim_xlate_cost_t cost;
} iommusim_xlate_resp_t;

/* ---- device messages ----------------------------------------------------------------- */

typedef enum iommusim_msg_kind {
	IOMMUSIM_MSG_ATS_INVAL_REQ = 1,  /* IOMMU -> device: invalidate ATC entries */
	IOMMUSIM_MSG_ATS_INVAL_CPL,      /* device -> IOMMU: invalidation completion */
	IOMMUSIM_MSG_PAGE_REQ,           /* device -> IOMMU: PRI page request */
	IOMMUSIM_MSG_PRG_RESP,           /* IOMMU -> device: page-request group response */
} iommusim_msg_kind_t;

/* PRG response codes (PCIe: Success, Invalid Request, Response Failure). */
#define IOMMUSIM_PRG_SUCCESS  0x0
#define IOMMUSIM_PRG_INVALID  0x1
#define IOMMUSIM_PRG_FAILURE  0xf

typedef struct iommusim_dev_msg {
	iommusim_msg_kind_t kind;
	uint32_t rid;
	bool pasid_valid;
	uint32_t pasid;
	uint64_t addr;          /* page address (PAGE_REQ), range base (ATS_INVAL_REQ) */
	uint64_t size;          /* ATS_INVAL_REQ: bytes (power of two, aligned) */
	bool global;            /* ATS_INVAL_REQ: global invalidate (all PASIDs) */
	uint32_t itag;          /* ATS_INVAL_REQ/CPL: invalidation tag (0..31) */
	unsigned access;        /* PAGE_REQ: IOMMUSIM_ACC_* requested */
	uint32_t prg_index;     /* PAGE_REQ / PRG_RESP: 9-bit page request group index */
	bool last;              /* PAGE_REQ: last request in group (LPIG / L) */
	uint32_t resp_code;     /* PRG_RESP: IOMMUSIM_PRG_* */
	iommusim_time_t time;   /* when the message arrives */
} iommusim_dev_msg_t;

/* ---- the environment a model is connected to ----------------------------------------- */

typedef struct iommusim_model_env {
	iommusim_sched_t *sched;      /* required: asynchronous work runs here */
	iommusim_mem_port_t *mem;     /* required: table walks, queues, status writes */
	iommusim_stats_t *stats;      /* required: counters are registered as "<instance>.*" */
	iommusim_trace_t *trace;      /* optional */
	const char *instance;         /* stats/trace prefix, e.g. "vtd0"; NULL = model name */
	/* MSI output: a 32-bit write of data to addr at time t. */
	void (*msi)(void *ctx, uint64_t addr, uint32_t data, iommusim_time_t t);
	void *msi_ctx;
	/* Messages to devices (routed by msg->rid). Returns 0, or -ENODEV if no such device. */
	int (*to_device)(void *ctx, const iommusim_dev_msg_t *msg);
	void *dev_ctx;
} iommusim_model_env_t;

/* ---- the ops table ------------------------------------------------------------------- */

typedef struct iommusim_model_ops {
	const char *name;                        /* "vtd", "smmuv3", "amdvi" */
	const iommusim_component_t *component;   /* its parameters */
	/* Builds an instance from parameters (ps must contain the component). */
	int (*create)(const iommusim_params_t *ps, const iommusim_model_env_t *env, void **out,
		      iommusim_error_t *err);
	void (*destroy)(void *m);
	/* Hardware reset: registers to reset values, caches and queues empty. */
	void (*reset)(void *m, iommusim_time_t t);
	/* Register access at offset off (size 4 or 8 bytes, naturally aligned). Offsets with no
	 * register read as 0 and ignore writes, as hardware does. Returns 0 or -EINVAL for a bad
	 * size or alignment. */
	int (*mmio_read)(void *m, uint64_t off, unsigned size, uint64_t *val, iommusim_time_t t);
	int (*mmio_write)(void *m, uint64_t off, unsigned size, uint64_t val, iommusim_time_t t);
	/* Translates one request (see iommusim_xlate_req_t). Always fills resp. */
	void (*translate)(void *m, const iommusim_xlate_req_t *req, iommusim_xlate_resp_t *resp);
	/* A message from a device (ATS_INVAL_CPL, PAGE_REQ). Returns 0 or -EINVAL. */
	int (*device_msg)(void *m, const iommusim_dev_msg_t *msg);
	/* Device messages device_msg accepted whose effect has not landed yet: a page request
	 * still on its way into the page request queue (not yet covered by the queue's tail),
	 * for example. A message is accepted when it is sent, with its arrival time; until it
	 * lands its only trace is a pending scheduler event, so whoever waits for the IOMMU to
	 * be idle asks here. NULL: the model's messages land when device_msg returns. */
	unsigned (*msgs_in_flight)(void *m);
} iommusim_model_ops_t;

/* A model instance. */
typedef struct iommusim_model {
	const iommusim_model_ops_t *ops;
	void *impl;
} iommusim_model_t;

/* Creates an instance; returns 0 or the create op's error. */
int iommusim_model_create(iommusim_model_t *m, const iommusim_model_ops_t *ops,
			  const iommusim_params_t *ps, const iommusim_model_env_t *env,
			  iommusim_error_t *err);
void iommusim_model_destroy(iommusim_model_t *m);

static inline void iommusim_model_translate(iommusim_model_t *m, const iommusim_xlate_req_t *req,
					    iommusim_xlate_resp_t *resp)
{
	m->ops->translate(m->impl, req, resp);
}

/* Short name of a status, for messages. */
const char *iommusim_xlate_status_name(iommusim_xlate_status_t s);

#ifdef __cplusplus
}
#endif
#endif
