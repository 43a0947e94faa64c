/* SPDX-License-Identifier: MIT */
/*
 * Cache invalidation operations of the VT-d model, shared by register-based invalidation
 * (CCMD, IOTLB registers) and the invalidation queue. Each drops exactly what the VT-d
 * specification (ch. 6.5) says the request drops and keeps everything else.
 * Each returns 0 or -EINVAL for a reserved granularity; *scanned (if non-NULL) gets the
 * number of cache entries examined (the scan-cost input of the timing model).
 */
#ifndef VTD_INVAL_H
#define VTD_INVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vtd;

/* Granularities as encoded in the descriptors (interfaces.md D.1.6). */
#define VTD_INV_GLOBAL 1
#define VTD_INV_DOMAIN 2
#define VTD_INV_DEVICE 3   /* context cache */
#define VTD_INV_PAGE   3   /* IOTLB */

/* Context-cache invalidation: gran global, domain (legacy entries of did; every scalable-mode
 * entry, which carries no DID) or device (sid, with fm masking SID bits 2, 2:1 or 2:0 for fm
 * 1, 2, 3). Only the context cache is affected: the PASID cache and the IOTLB are tagged by
 * DID/PASID and software invalidates them separately (spec 6.5.3.3 guidance). */
int vtd_inval_context(struct vtd *v, unsigned gran, uint16_t did, uint16_t sid, unsigned fm,
		      size_t *scanned);

/* IOTLB invalidation (gran global/domain/page; page: addr + 2^am pages, ih = invalidation hint:
 * leaf-only, paging-structure caches kept). Also drops the paging-structure caches the spec
 * says go with it. In scalable mode it covers second-level-only and nested translations
 * (page-selective: every nested translation of the DID, whose tags are first-level inputs);
 * first-level-only translations are left to vtd_inval_piotlb. -EINVAL also for am > 52. */
int vtd_inval_iotlb(struct vtd *v, unsigned gran, uint16_t did, uint64_t addr, unsigned am,
		    bool ih, size_t *scanned);

/* PASID-cache invalidation: gran 0 = all PASIDs of DID, 1 = PASID-selective, 3 = global. */
int vtd_inval_pasid_cache(struct vtd *v, unsigned gran, uint16_t did, uint32_t pasid,
			  size_t *scanned);

/* PASID-based IOTLB invalidation: gran 2 = all non-global mappings of (DID, PASID),
 * 3 = page-selective within (DID, PASID). */
int vtd_inval_piotlb(struct vtd *v, unsigned gran, uint16_t did, uint32_t pasid, uint64_t addr,
		     unsigned am, bool ih, size_t *scanned);

#endif
