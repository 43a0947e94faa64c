/* SPDX-License-Identifier: MIT */
/*
 * A trivial IOMMU for tests of things that sit in front of a model (endpoints, traffic).
 * It implements iommusim_model_ops_t with behaviour simple enough to compute by hand:
 *
 *  - UNTRANSLATED and ATS_TRANSLATE requests translate iova to iova + offset, with perm and
 *    page_size from the configuration, done = issue + latency, cost.other_ps = latency,
 *    cost.mem_reads = 1 and walk_reads[1][3] = 1 (one pretend table read per translation),
 *    cost.hits = IOMMUSIM_XS_CONFIG, cost.misses = IOMMUSIM_XS_IOTLB;
 *  - TRANSLATED requests pass (addr = iova) after translated_latency (cost.other_ps the same,
 *    no reads), or fault with IDENTITY_FR_ATS_DISABLED when ats_enabled is false;
 *  - an IOVA in the blocked range [blocked_lo, blocked_hi) faults with IDENTITY_FR_BLOCKED;
 *  - an IOVA in the not-present range [np_lo, np_hi) answers PAGE_REQUEST to ATS requests and
 *    faults untranslated ones with IDENTITY_FR_NOT_PRESENT, until a page request for its page
 *    has been answered with Success (np_sticky keeps it not present anyway);
 *  - a PAGE_REQ message is answered (pri_respond) prq_latency after it arrives with a PRG_RESP
 *    carrying prg_resp_code, sent through env->to_device from a scheduler event, or at once
 *    from inside device_msg with pri_respond_sync (as a model that rejects a request does);
 *  - ATS_INVAL_CPL messages are recorded with their arrival time.
 * Reason codes are test values, not any architecture's.
 */
#ifndef IOMMUSIM_TEST_IDENTITY_IOMMU_H
#define IOMMUSIM_TEST_IDENTITY_IOMMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iommusim/model.h"

#define IDENTITY_FR_BLOCKED      0x7e1u
#define IDENTITY_FR_NOT_PRESENT  0x7e2u
#define IDENTITY_FR_ATS_DISABLED 0x7e3u

typedef struct identity_iommu_cfg {
	uint64_t offset;                    /* output = iova + offset */
	iommusim_time_t latency;            /* UNTRANSLATED and ATS_TRANSLATE */
	iommusim_time_t translated_latency; /* TRANSLATED */
	iommusim_time_t prq_latency;        /* PAGE_REQ arrival to PRG_RESP sent */
	uint64_t page_size;                 /* reported page size (default 4 KiB) */
	unsigned perm;                      /* granted (default READ|WRITE|EXEC|PRIV) */
	bool untranslated_only;             /* ATS answers say "do not cache" */
	bool ats_enabled;                   /* TRANSLATED requests allowed (default true) */
	uint64_t blocked_lo, blocked_hi;    /* faulting range; empty when lo >= hi */
	uint64_t np_lo, np_hi;              /* not-present range; empty when lo >= hi */
	bool np_sticky;                     /* pages never become present */
	bool pri_respond;                   /* answer page requests (default true) */
	bool pri_respond_sync;              /* ... from inside device_msg, time = arrival */
	uint32_t prg_resp_code;             /* IOMMUSIM_PRG_* sent back (default Success) */
} identity_iommu_cfg_t;

/* An ATS invalidation completion as received. */
typedef struct identity_iommu_cpl {
	uint32_t rid, itag;
	iommusim_time_t time;
} identity_iommu_cpl_t;

#define IDENTITY_CPL_MAX 64

void identity_iommu_cfg_default(identity_iommu_cfg_t *cfg);

/* The ops table; create() ignores its parameter set and starts from the defaults. */
extern const iommusim_model_ops_t identity_iommu_ops;

/* Creates an instance with cfg (NULL: defaults) into *m. Returns 0 or -ENOMEM/-EINVAL. */
int identity_iommu_create(const identity_iommu_cfg_t *cfg, const iommusim_model_env_t *env,
			  iommusim_model_t *m);
void identity_iommu_destroy(iommusim_model_t *m);

/* The live configuration of an instance (may be changed between requests). */
identity_iommu_cfg_t *identity_iommu_cfg(iommusim_model_t *m);

/* Sends an ATS invalidation request to the device at time t through env->to_device. */
int identity_iommu_ats_inval(iommusim_model_t *m, uint32_t rid, bool pasid_valid, uint32_t pasid,
			     bool global, uint64_t addr, uint64_t size, uint32_t itag,
			     iommusim_time_t t);

/* Requests seen, by iommusim_req_type_t. */
uint64_t identity_iommu_requests(iommusim_model_t *m, iommusim_req_type_t type);
/* The last request seen (zeroed before the first). */
const iommusim_xlate_req_t *identity_iommu_last_request(iommusim_model_t *m);
/* Page requests seen and the last one. */
uint64_t identity_iommu_page_requests(iommusim_model_t *m);
const iommusim_dev_msg_t *identity_iommu_last_page_request(iommusim_model_t *m);
/* PRG responses sent (to_device called). */
uint64_t identity_iommu_prg_responses(iommusim_model_t *m);
/* ATS invalidation completions received (the first IDENTITY_CPL_MAX are kept). */
size_t identity_iommu_cpl_count(iommusim_model_t *m);
const identity_iommu_cpl_t *identity_iommu_cpl(iommusim_model_t *m, size_t i);
/* Is the not-present page holding iova present now? */
bool identity_iommu_page_present(iommusim_model_t *m, uint64_t iova);

#endif
