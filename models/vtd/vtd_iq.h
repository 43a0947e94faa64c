/* SPDX-License-Identifier: MIT */
/*
 * The VT-d invalidation queue (spec ch. 6.5.2): IQA/IQH/IQT/ICS/IECTL/IEDATA/IEADDR/IEUADDR/
 * IQER registers, descriptor fetch and processing on the scheduler, invalidation wait
 * (status write, interrupt, fence, page-request drain), device-TLB invalidations sent to
 * endpoints as ATS invalidation requests with completion tracking and time-out (ITE), and
 * queue errors (IQE with IQER.IQEI, ICE, ITE).
 *
 * Timing (all in IOMMU cycles at v->clk unless named _ns): the engine handles one descriptor
 * at a time. A fetch costs vtd.iq.fetch_cycles plus one memory-port read of up to
 * vtd.iq.fetch_bytes of consecutive descriptors; each descriptor then costs
 * vtd.iq.decode_cycles + vtd.iq.<type>_cycles + ceil(scanned / vtd.iq.scan_entries_per_cycle)
 * (+ vtd.iq.drain_cycles for an IOTLB descriptor with DR/DW on hardware that drains).
 * IQH advances when a descriptor has been fetched and found valid (6.5.2: "incremented after
 * fetching a valid descriptor"); the invalidation takes effect at that moment and the engine
 * is busy until the descriptor's cost has passed. A wait descriptor completes when every
 * earlier device-TLB invalidation has completed (and, with PD, every page request received
 * so far is in the page request queue); its status write goes through the memory port and
 * its interrupt follows the write. The status data lands in memory when the port says the
 * write completes (issue + mem.write_latency_ns with the built-in port), so software polling
 * the word sees it no earlier; with a port latency callback the backend decides and the write
 * is made at issue.
 */
#ifndef VTD_IQ_H
#define VTD_IQ_H

#include <stdbool.h>
#include <stdint.h>

#include "iommusim/error.h"
#include "iommusim/model.h"
#include "iommusim/param.h"

struct vtd;

/* Parameter definitions of the queue, spliced into the VT-d component's table
 * (a comma-separated list of iommusim_param_def_t initialisers, each ending with a comma). */
#define VTD_IQ_PARAM_DEFS \
	{ .name = "vtd.iq.fetch_cycles", .type = IOMMUSIM_PARAM_U64, .unit = "cycles", \
	  .help = "invalidation queue: cost of issuing one descriptor fetch (the memory-port " \
		  "read latency comes on top)", \
	  .def_u64 = 4, .min = 0, .max = 1000000 }, \
	{ .name = "vtd.iq.fetch_bytes", .type = IOMMUSIM_PARAM_U64, .unit = "bytes", \
	  .help = "invalidation queue: bytes read per fetch (consecutive descriptors up to IQT " \
		  "and the end of the queue come in one read)", \
	  .def_u64 = 64, .min = 32, .max = 4096, .pow2 = true }, \
	{ .name = "vtd.iq.decode_cycles", .type = IOMMUSIM_PARAM_U64, .unit = "cycles", \
	  .help = "invalidation queue: decode and check of one descriptor", \
	  .def_u64 = 2, .min = 0, .max = 1000000 }, \
	{ .name = "vtd.iq.cc_cycles", .type = IOMMUSIM_PARAM_U64, .unit = "cycles", \
	  .help = "invalidation queue: context-cache invalidate (type 0x1), before scan cost", \
	  .def_u64 = 40, .min = 0, .max = 1000000 }, \
	{ .name = "vtd.iq.iotlb_cycles", .type = IOMMUSIM_PARAM_U64, .unit = "cycles", \
	  .help = "invalidation queue: IOTLB invalidate (type 0x2), before scan cost", \
	  .def_u64 = 40, .min = 0, .max = 1000000 }, \
	{ .name = "vtd.iq.devtlb_cycles", .type = IOMMUSIM_PARAM_U64, .unit = "cycles", \
	  .help = "invalidation queue: issuing a device-TLB invalidate (types 0x3, 0x8) as an " \
		  "ATS invalidation request", \
	  .def_u64 = 20, .min = 0, .max = 1000000 }, \
	{ .name = "vtd.iq.iec_cycles", .type = IOMMUSIM_PARAM_U64, .unit = "cycles", \
	  .help = "invalidation queue: interrupt entry cache invalidate (type 0x4)", \
	  .def_u64 = 20, .min = 0, .max = 1000000 }, \
	{ .name = "vtd.iq.wait_cycles", .type = IOMMUSIM_PARAM_U64, .unit = "cycles", \
	  .help = "invalidation queue: invalidation wait (type 0x5), before its status write", \
	  .def_u64 = 10, .min = 0, .max = 1000000 }, \
	{ .name = "vtd.iq.piotlb_cycles", .type = IOMMUSIM_PARAM_U64, .unit = "cycles", \
	  .help = "invalidation queue: PASID-based IOTLB invalidate (type 0x6), before scan cost", \
	  .def_u64 = 40, .min = 0, .max = 1000000 }, \
	{ .name = "vtd.iq.pc_cycles", .type = IOMMUSIM_PARAM_U64, .unit = "cycles", \
	  .help = "invalidation queue: PASID-cache invalidate (type 0x7), before scan cost", \
	  .def_u64 = 40, .min = 0, .max = 1000000 }, \
	{ .name = "vtd.iq.pgrp_cycles", .type = IOMMUSIM_PARAM_U64, .unit = "cycles", \
	  .help = "invalidation queue: page group response (type 0x9) until it leaves for " \
		  "the device", \
	  .def_u64 = 20, .min = 0, .max = 1000000 }, \
	{ .name = "vtd.iq.scan_entries_per_cycle", .type = IOMMUSIM_PARAM_U64, \
	  .unit = "entries", \
	  .help = "invalidation queue: cache entries an invalidation examines per cycle " \
		  "(scan cost = ceil(scanned / this); 4 matches vtd.lat.inval_entry = 0.25)", \
	  .def_u64 = 4, .min = 1, .max = 1000000 }, \
	{ .name = "vtd.iq.drain_cycles", .type = IOMMUSIM_PARAM_U64, .unit = "cycles", \
	  .help = "invalidation queue: read/write draining of an IOTLB invalidate with DR/DW " \
		  "(only when CAP.DRD/CAP.DWD advertise draining)", \
	  .def_u64 = 100, .min = 0, .max = 1000000 }, \
	{ .name = "vtd.ats.inval_timeout_ns", .type = IOMMUSIM_PARAM_U64, .unit = "ns", \
	  .help = "device-TLB invalidation completion time-out; past it the queue reports ITE " \
		  "(PCIe allows devices about one minute)", \
	  .def_u64 = 60000000000ull, .min = 1, .max = 3600000000000ull }, \
	{ .name = "vtd.ats.max_outstanding", .type = IOMMUSIM_PARAM_U64, .unit = "entries", \
	  .help = "device-TLB invalidations the IOMMU tracks at once (all devices); the queue " \
		  "stalls when they are all in use", \
	  .def_u64 = 64, .min = 1, .max = 4096 },

/* One outstanding (or timed-out) device-TLB invalidation. Private to vtd_iq*.c. */
struct vtd_iq_ats {
	struct vtd *v;
	bool used;               /* waiting for its completion */
	bool timed_out;          /* timed out; a late completion is ignored once */
	uint8_t itag;
	uint8_t type;            /* descriptor type (0x3 or 0x8) */
	uint16_t rid;
	uint64_t seq;            /* issue order */
	iommusim_time_t sent;    /* request left the IOMMU */
	iommusim_time_t start;   /* its descriptor's step began (latency statistics) */
	iommusim_event_id_t timeout_ev;
};

/* A processed wait descriptor that has not completed. Private to vtd_iq*.c. */
struct vtd_iq_wait {
	uint64_t qw0, qw1;
	uint64_t ats_limit;      /* completes once no device-TLB invalidation with seq < this */
	iommusim_time_t ready;   /* the engine finished processing it */
	iommusim_time_t start;   /* its step began (latency statistics) */
};

/* Statistics slots (registered at init). Private to vtd_iq*.c. */
struct vtd_iq_stats {
	uint64_t *desc[16];      /* descriptors processed per type (index = type) */
	uint64_t *fetches, *iqe, *ite, *ice;
	uint64_t *wait_aborted, *status_writes, *status_write_errors, *interrupts;
	uint64_t *ats_sent, *ats_done, *ats_timeouts, *ats_late, *ats_nodev;
	uint64_t *busy_ps;       /* engine busy time */
	iommusim_hist_t *time[16];   /* ps from the start of a descriptor's step to completion */
	iommusim_hist_t *occupancy;  /* descriptors in the queue when one is taken */
	iommusim_hist_t *ats_rtt;    /* ps from request to completion */
	iommusim_hist_t *ats_outstanding; /* outstanding invalidations when one is sent */
};

struct vtd_iq_params {
	uint64_t fetch_cycles, fetch_bytes, decode_cycles;
	uint64_t type_cycles[16];
	uint64_t scan_per_cycle, drain_cycles;
	iommusim_time_t ats_timeout;
	unsigned ats_max;
};

/* Why the engine does not run. */
enum vtd_iq_stall {
	VTD_IQ_RUN = 0,
	VTD_IQ_STALL_FENCE,      /* a wait descriptor with FN has not completed */
	VTD_IQ_STALL_ATS,        /* no free device-TLB invalidation slot / ITag / queue depth */
	VTD_IQ_STALL_IQE,        /* FSTS.IQE set: waits for software to clear it */
	VTD_IQ_STALL_ITE,        /* FSTS.ITE set: waits for software to clear it */
};

/* The queue's state lives inside struct vtd as `struct vtd_iq iq;`. The register fields
 * hold the architectural values; the rest is private to vtd_iq*.c. */
struct vtd_iq {
	uint64_t iqa, iqh, iqt, iqer;
	uint32_t ics, iectl, iedata, ieaddr, ieuaddr;
	bool enabled;            /* GSTS.QIES */
	bool scalable;           /* RTADDR.TTM is scalable mode (vtd_iq_set_scalable) */

	struct vtd_iq_params p;
	struct vtd_iq_stats st;

	/* engine */
	enum vtd_iq_stall stall;
	iommusim_event_id_t step_ev;   /* pending descriptor step */
	iommusim_time_t free_at;       /* the engine is busy until then */
	iommusim_time_t step_start;    /* when the next descriptor's step began (fetch incl.) */
	uint8_t *buf;                  /* fetched descriptors not yet processed */
	unsigned buf_n, buf_i;
	bool fetch_err;                /* the last fetch failed: IQE at the next step */
	/* the descriptor being processed; its completion actions run at the next step */
	bool cur_valid;
	unsigned cur_type;
	uint64_t cur_q[4];
	iommusim_time_t cur_start;

	/* device-TLB invalidations */
	struct vtd_iq_ats *ats;        /* p.ats_max entries */
	unsigned ats_used;
	uint64_t ats_seq;              /* seq of the next request */

	/* processed, not yet completed wait descriptors (FIFO ring) */
	struct vtd_iq_wait *waits;
	unsigned wait_cap, wait_head, wait_n;
	iommusim_event_id_t wait_ev;   /* the head's completion step */
	bool wait_writing;             /* head: status write issued, finish at wait_done */
	iommusim_time_t wait_done;
	/* the head's status write, issued and not landed yet (made at wait_done) */
	bool status_pending;
	uint64_t status_pa;
	uint32_t status_data;
	iommusim_time_t status_issued;
};

/* Lifetime: called from the model's create/destroy/reset. ps may be NULL (defaults). */
int vtd_iq_init(struct vtd *v, const iommusim_params_t *ps, iommusim_error_t *err);
void vtd_iq_fini(struct vtd *v);
void vtd_iq_reset(struct vtd *v, iommusim_time_t t);

/* Registers 0x080..0x0b7 (IQH, IQT, IQA, ICS, IECTL, IEDATA, IEADDR, IEUADDR, IQER).
 * Accesses of 4 or 8 bytes, naturally aligned; an 8-byte access to two 32-bit registers
 * reaches both. Returns 0 or -EINVAL (bad size/alignment or offset not owned). */
bool vtd_iq_owns_reg(uint64_t off);
int vtd_iq_mmio_read(struct vtd *v, uint64_t off, unsigned size, uint64_t *val, iommusim_time_t t);
int vtd_iq_mmio_write(struct vtd *v, uint64_t off, unsigned size, uint64_t val, iommusim_time_t t);

/* GCMD.QIE changed (the caller has checked ECAP.QI and updates GSTS.QIES). Enabling starts
 * processing if IQT != IQH; disabling stops the queue, drops pending waits and outstanding
 * device-TLB invalidations and resets IQH to 0 (spec 11.4.9.1). */
void vtd_iq_set_enabled(struct vtd *v, bool on, iommusim_time_t t);
/* True while descriptors are pending or in flight. */
bool vtd_iq_busy(const struct vtd *v);

/* The translation mode changed (GSTS.RTPS latched an RTADDR with TTM scalable or legacy).
 * In scalable mode 128-bit descriptors are an error (IQEI 5) and the PASID-based
 * descriptors (0x6, 0x7, 0x8) are valid; in legacy mode they are invalid types (IQEI 3). */
void vtd_iq_set_scalable(struct vtd *v, bool scalable);

/* Software cleared FSTS bits (write-1-to-clear of IQE / ITE / ICE). Clearing IQE or ITE
 * restarts fetching at IQH (spec 6.5.2.10). The queue also notices a cleared bit at the
 * next IQT write, so a caller that never calls this only delays the restart. */
void vtd_iq_fsts_cleared(struct vtd *v, uint32_t cleared, iommusim_time_t t);

/* A device's ATS invalidation completion (from the model's device_msg op). Returns 0, or
 * -EINVAL for a message that is not IOMMUSIM_MSG_ATS_INVAL_CPL or an ITag above 31. An
 * unexpected completion sets FSTS.ICE (IQER.ICESID), as hardware does. */
int vtd_iq_ats_completion(struct vtd *v, const iommusim_dev_msg_t *msg);

#endif
