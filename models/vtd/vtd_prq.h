/* SPDX-License-Identifier: MIT */
/*
 * The VT-d page request queue (spec ch. 7.5): PQH/PQT/PQA/PRS/PECTL/PEDATA/PEADDR/PEUADDR,
 * page request descriptors written to memory for PRI page requests from devices, overflow
 * (PRS.PRO and FSTS.PRO, with the auto-response the spec requires for a lost last request),
 * the page-request event interrupt, and the page group response sent back to the device.
 */
#ifndef VTD_PRQ_H
#define VTD_PRQ_H

#include <stdbool.h>
#include <stdint.h>

#include "iommusim/error.h"
#include "iommusim/model.h"
#include "iommusim/param.h"

struct vtd;

/* Parameter definitions spliced into the VT-d component (see VTD_IQ_PARAM_DEFS). */
#define VTD_PRQ_PARAM_DEFS /* filled by vtd_prq.c's owner */

struct vtd_prq {
	uint64_t pqa, pqh, pqt;
	uint32_t prs, pectl, pedata, peaddr, peuaddr;
};

int vtd_prq_init(struct vtd *v, const iommusim_params_t *ps, iommusim_error_t *err);
void vtd_prq_fini(struct vtd *v);
void vtd_prq_reset(struct vtd *v, iommusim_time_t t);

/* Registers 0x0c0..0x0ef. */
bool vtd_prq_owns_reg(uint64_t off);
int vtd_prq_mmio_read(struct vtd *v, uint64_t off, unsigned size, uint64_t *val, iommusim_time_t t);
int vtd_prq_mmio_write(struct vtd *v, uint64_t off, unsigned size, uint64_t val, iommusim_time_t t);

/* A PRI page request from a device (the model's device_msg op). The caller has checked that
 * the device's context allows page requests (PRE) and passes the result in `allowed`; when
 * not allowed the request is answered with Invalid Request without queueing. */
int vtd_prq_page_request(struct vtd *v, const iommusim_dev_msg_t *msg, bool allowed);

/* Sends a page group response (from a type 0x9 descriptor) to the device. */
int vtd_prq_group_response(struct vtd *v, uint16_t rid, bool pasid_present, uint32_t pasid,
			   uint32_t prg_index, uint32_t resp_code, iommusim_time_t t);

/* True while page requests are in the queue (PQH != PQT), for the wait descriptor's drain. */
bool vtd_prq_pending(const struct vtd *v);

#endif
