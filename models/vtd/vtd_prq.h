/* SPDX-License-Identifier: MIT */
/*
 * The VT-d page request queue (spec ch. 7.5): PQH/PQT/PQA/PRS/PECTL/PEDATA/PEADDR/PEUADDR,
 * page request descriptors written to memory for PRI page requests from devices, overflow
 * (PRS.PRO and FSTS.PRO, with the auto-response the spec requires for a lost last request),
 * the page-request event interrupt, and the page group response sent back to the device.
 *
 * Timing (IOMMU cycles at v->clk): a request arriving at t is formatted by the queue writer
 * (free again vtd.prq.write_cycles after it starts one) and written with one 32-byte
 * memory-port write issued when formatting ends; PQT advances, PRS.PPR is set and the
 * page-request event fires when that write completes (writes complete in order).
 * Responses the hardware generates itself (overflow auto-response, Invalid Request) leave
 * vtd.prq.resp_cycles after the request arrived.
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
#define VTD_PRQ_PARAM_DEFS \
	{ .name = "vtd.prq.write_cycles", .type = IOMMUSIM_PARAM_U64, .unit = "cycles", \
	  .help = "page request queue: formatting one page request descriptor before its " \
		  "32-byte memory write (the write latency comes on top)", \
	  .def_u64 = 8, .min = 0, .max = 1000000 }, \
	{ .name = "vtd.prq.resp_cycles", .type = IOMMUSIM_PARAM_U64, .unit = "cycles", \
	  .help = "page request queue: time until a response the hardware generates itself " \
		  "(overflow auto-response, Invalid Request) leaves for the device", \
	  .def_u64 = 10, .min = 0, .max = 1000000 },

struct vtd_prq_stats {
	uint64_t *requests, *writes, *overflows, *dropped, *auto_resp, *invalid_resp;
	uint64_t *group_resp, *events, *write_errors, *nodev;
	iommusim_hist_t *occupancy;  /* entries in the queue after each write */
	iommusim_hist_t *latency;    /* ps from a request's arrival to PQT covering it */
};

/* The register fields hold the architectural values; the rest is private to vtd_prq.c. */
struct vtd_prq {
	uint64_t pqa, pqh, pqt;
	uint32_t prs, pectl, pedata, peaddr, peuaddr;

	uint64_t write_cycles, resp_cycles;
	struct vtd_prq_stats st;

	uint64_t tail_alloc;             /* where the next accepted request is written */
	iommusim_time_t writer_free;     /* the writer can start the next descriptor */
	iommusim_time_t last_done;       /* the last accepted write completes */
	/* accepted writes whose completion has not advanced PQT yet (FIFO ring of
	 * completion time and arrival time) */
	iommusim_time_t (*inflight)[2];
	unsigned inflight_cap, inflight_head, inflight_n;
	iommusim_event_id_t ev;          /* completion of the oldest in-flight write */
};

/* Lifetime. ps may be NULL (defaults). */
int vtd_prq_init(struct vtd *v, const iommusim_params_t *ps, iommusim_error_t *err);
void vtd_prq_fini(struct vtd *v);
void vtd_prq_reset(struct vtd *v, iommusim_time_t t);

/* Registers 0x0c0..0x0ef. Sizes and errors as vtd_iq_mmio_*. */
bool vtd_prq_owns_reg(uint64_t off);
int vtd_prq_mmio_read(struct vtd *v, uint64_t off, unsigned size, uint64_t *val, iommusim_time_t t);
int vtd_prq_mmio_write(struct vtd *v, uint64_t off, unsigned size, uint64_t val, iommusim_time_t t);

/* A PRI page request from a device (the model's device_msg op), arriving at msg->time. The
 * caller has checked that the device's context allows page requests (PRE) and passes the
 * result in `allowed`; when not allowed (or ECAP.PRS is clear) a last-in-group request is
 * answered with Invalid Request and nothing is queued. Returns 0, or -EINVAL for a message
 * that is not IOMMUSIM_MSG_PAGE_REQ. */
int vtd_prq_page_request(struct vtd *v, const iommusim_dev_msg_t *msg, bool allowed);

/* Sends a page group response (from a type 0x9 descriptor) to the device at time t. */
int vtd_prq_group_response(struct vtd *v, uint16_t rid, bool pasid_present, uint32_t pasid,
			   uint32_t prg_index, uint32_t resp_code, iommusim_time_t t);

/* Page requests accepted whose descriptor is not yet in the queue (PQT does not cover it):
 * on the link, being formatted or being written (the model's msgs_in_flight op). */
unsigned vtd_prq_in_flight(const struct vtd *v);

/* True while page requests are in the queue (PQH != PQT). */
bool vtd_prq_pending(const struct vtd *v);

/* The time at which every page request accepted so far is in the queue (PQT covers it):
 * the earliest completion time of a wait descriptor with PD (page-request drain, 7.10). */
iommusim_time_t vtd_prq_drain_time(const struct vtd *v);

#endif
