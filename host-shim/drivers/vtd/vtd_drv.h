/* SPDX-License-Identifier: MIT */
/*
 * The VT-d "kernel driver" of the host shim: the drv_ops_t of host-shim/drivers/driver.h for
 * an Intel VT-d hardware model (include/iommusim/vtd.h), behaving as Linux intel-iommu does.
 * It sees the hardware only through the model's MMIO ops and simulated memory: it builds
 * root, context, PASID and paging tables in frames from env->alloc_frame, posts descriptors
 * to the invalidation queue and bumps the tail, waits for the wait descriptor's status word
 * by polling memory while running the scheduler, and drains the fault recording registers
 * and the page request queue.
 *
 * Time. The driver's own work costs simulated CPU time (parameters drv.vtd.cost.*): each
 * operation starts at the scheduler's current time, adds the cost of every PTE write, MMIO
 * access and descriptor it builds, issues its MMIO accesses at that running time and, at the
 * end, runs the scheduler up to it. An MMIO write takes effect when its cost has passed
 * (uncached stores stay in order). A synchronous invalidation runs the scheduler until the
 * wait descriptor's status write is seen by the polling loop (one look at the status word
 * per drv.vtd.cost.mmio_read_ns + drv.vtd.qi.poll_ns: qi_submit_sync reads FSTS in every
 * iteration) or the time-out (drv.vtd.qi.timeout_ns) passes. Histogram drv.<name>.qi.wait
 * holds each submit's time from its tail write to the observed completion; qi.sync_cycles
 * each submit's time from entry to return in CPU cycles at drv.vtd.cpu_mhz (what get_cycles()
 * around qi_submit_sync measures); drv.<name>.unmap.inval each flushed unmap's invalidation
 * time as the driver sees it, from building its first descriptor to the completion of its
 * last wait (so a strict flush's second submit and the CPU work between submits count), and
 * unmap.inval_cycles the same in CPU cycles; fq.flush, fq.flush_cycles and fq.flush_entries
 * the same span of each flush-queue flush (deferred policy) and the unmaps it covered. The
 * flushes' granularity follows drv.vtd.inval_scope. Operations must not be called from
 * inside a scheduler event (they run the scheduler; a wait there fails with -EBUSY).
 *
 * Interrupt handlers. The fault-event and page-request handlers run from ops->advance and
 * vtd_drv_poll(): fault records become entries of the fault log (vtd_drv_fault_log), page
 * requests are decoded and passed to env->report_fault. Their register reads cost CPU time
 * only when there is something to handle (an interrupt-driven handler runs only then).
 *
 * Statistics (drv.<name>.*, name "vtd" unless given): qi.submits, qi.desc.<type> (cc, iotlb,
 * devtlb, wait, piotlb, pc, pdevtlb, pgrp_resp), qi.errors.iqe, qi.errors.ite,
 * qi.timeouts, histogram qi.wait (ps per synchronous submit), histogram qi.sync_cycles,
 * histogram unmap.inval (ps per flushed unmap, see above), histogram unmap.inval_cycles,
 * histograms fq.flush (ps per flush-queue flush), fq.flush_cycles, fq.flush_entries,
 * flush.strict, flush.batched, flush.deferred (flush-queue
 * flushes), flush.fq_full, flush.fq_timer, flush.queued, flush.skipped (skip_flush),
 * flush.psi, flush.dsi, flush.global, flush.devtlb, flush.cm_map, map.calls, map.bytes,
 * map.pages_4k/2m/1g, unmap.calls, unmap.bytes, unmap.superpage_whole, pt.tables,
 * pt.tables_freed, pt.pte_writes, mmio.reads, mmio.writes, cpu_ps, prq.requests, prq.bad,
 * prq.responses, fault.records, dirty.cleared.
 *
 * Units. Several instances (VT-d units, Linux's DRHDs) can live in one system; ops->add_peer
 * links two of them (iommufd does it when an attach crosses units). A paging domain then
 * serves devices behind any linked unit, as intel-iommu's do: it belongs to the unit that
 * allocated it (its table frames, flush policy, flush queue and the statistics of map and
 * unmap), and each unit it is attached behind gives it a domain ID of its own, allocated with
 * the first attachment there and freed with the last (domain_attach_iommu). Its page tables
 * are shared: every unit's context or PASID entries point at the same root. Attaching checks
 * only the unit's capabilities (paging_domain_compatible: table format, large pages, address
 * width, page-walk coherency, dirty tracking, nesting); an incompatible unit gives -EINVAL
 * naming the capability. Cache tags name their unit, so a flush sends each unit's
 * descriptors to its own invalidation queue (one batch per unit, in tag order), and the
 * qi.* and flush.* statistics of those descriptors count on that unit. A nested domain is
 * allocated on its parent's unit and spans units the same way.
 *
 * Where it differs from intel-iommu, and why:
 *  - the invalidation queue, the page request queue and each device's PASID directory are
 *    one 4 KiB frame each (the frame allocator gives single frames): 128 descriptors,
 *    128 page requests, PASIDs below 2^15 (hw_info reports max_pasid_log2 <= 15);
 *  - a device-TLB time-out (FSTS.ITE) fails the flush with -ETIMEDOUT instead of retrying,
 *    and every wait gives up after drv.vtd.qi.timeout_ns;
 *  - mapping over a present leaf fails with -EEXIST (Linux warns and keeps the old entry);
 *    unmapping from inside a large page removes it whole and reports the bytes from the
 *    IOVA to its end (Linux reports the page size whatever the IOVA);
 *  - a first-level page-selective flush wider than CAP.MAMV becomes PASID-selective (Linux
 *    posts the wide address mask, which the hardware may refuse);
 *  - PASID-based device-TLB invalidations use the specification's size encoding (Linux's
 *    covers twice the range), and a Failure page response carries the PCIe code 0xF
 *    (Linux passes the iommufd code 2);
 *  - the flush queue belongs to the domain and its timer is seen at the next operation or
 *    ops->advance, so it fires at that time rather than exactly at the deadline.
 */
#ifndef IOMMUSIM_VTD_DRV_H
#define IOMMUSIM_VTD_DRV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host-shim/drivers/driver.h"
#include "iommusim/error.h"
#include "iommusim/model.h"
#include "iommusim/param.h"
#include "iommusim/sched.h"
#include "iommusim/stats.h"
#include "iommusim/time.h"

/* Parameters "drv.vtd.*" (`iommusim params drv.vtd` lists them with defaults and help). */
extern const iommusim_component_t vtd_drv_component;

/* Brings up the VT-d behind hw as intel-iommu does (CAP/ECAP, queued invalidation, root
 * table, page request queue, fault event registers, SRTP, global invalidations, TE) and
 * fills out with the instance. ps must contain vtd_drv_component (NULL: defaults). The
 * statistics go to a registry the driver owns (vtd_drv_stats). Errors: -EINVAL (a parameter
 * the hardware cannot honour, e.g. first-level paging without ECAP.FLTS), -ENOMEM,
 * -ETIMEDOUT (the hardware did not acknowledge a command), -EIO. */
int vtd_drv_create(const drv_env_t *env, iommusim_model_t *hw, iommusim_sched_t *sched,
		   const iommusim_params_t *ps, drv_instance_t *out, iommusim_error_t *err);
/* The same, with the statistics registered in stats as "drv.<name>.*" (name NULL: "vtd";
 * give each VT-d instance its own name). */
int vtd_drv_create_stats(const drv_env_t *env, iommusim_model_t *hw, iommusim_sched_t *sched,
			 iommusim_stats_t *stats, const char *name, const iommusim_params_t *ps,
			 drv_instance_t *out, iommusim_error_t *err);
/* Turns translation off, frees every frame the driver holds and the instance. Domains still
 * allocated are freed too. NULL or an empty instance is a no-op. */
void vtd_drv_destroy(drv_instance_t *inst);

/* ---- fault log ------------------------------------------------------------------------ */

/* One fault record read from the hardware (spec 10.4.14) as the fault handler saw it. */
typedef struct vtd_drv_fault {
	iommusim_time_t time;      /* when the handler read it */
	uint16_t sid;              /* source ID (requester ID) */
	bool pasid_valid;
	uint32_t pasid;
	uint64_t addr;             /* faulting page address */
	uint8_t reason;            /* VT-d fault reason (VTD_FR_*) */
	bool write;                /* request type: write (else read) */
	bool exec, priv;
	unsigned at;               /* PCIe address type (VTD_AT_*) */
	const char *reason_name;   /* iommusim_vtd_fault_reason_name(reason) */
} vtd_drv_fault_t;

#define VTD_DRV_FAULT_LOG_MAX 1024   /* oldest records are dropped past this */

/* The records logged so far, oldest first: *log gets the array, the result is the count. */
size_t vtd_drv_fault_log(const drv_instance_t *inst, const vtd_drv_fault_t **log);
/* Records dropped because the log was full. */
uint64_t vtd_drv_fault_dropped(const drv_instance_t *inst);
void vtd_drv_fault_log_clear(drv_instance_t *inst);

/* Runs the interrupt handlers now: drains the fault recording registers into the log and
 * the page request queue into env->report_fault. Returns the number of records and
 * requests handled (>= 0) or a negative errno. */
int vtd_drv_poll(drv_instance_t *inst);

/* ---- inspection ------------------------------------------------------------------------ */

iommusim_stats_t *vtd_drv_stats(const drv_instance_t *inst);
/* True when the driver runs the hardware in scalable mode (RTADDR.TTM = 01b). */
bool vtd_drv_scalable(const drv_instance_t *inst);

typedef struct vtd_drv_domain_info {
	bool nested;
	bool first_level;      /* the table format (nested: the guest's, first level) */
	int did;               /* domain ID on the unit that allocated it, -1 while nothing
				  behind that unit is attached */
	size_t units;          /* units it is attached behind (each with its own ID) */
	uint64_t root;         /* top table (nested: the guest's first-level pointer) */
	unsigned levels;       /* paging levels of root */
	bool dirty_tracking;
	size_t fq_pending;     /* unmaps waiting in the flush queue */
} vtd_drv_domain_info_t;

/* Describes a domain of this driver; -EINVAL for a domain of another driver. */
int vtd_drv_domain_info(const drv_domain_t *d, vtd_drv_domain_info_t *out);
/* The domain ID of d on unit (an instance of this driver): -1 if nothing behind that unit is
 * attached to d, -EINVAL for a domain or instance of another driver. */
int vtd_drv_domain_did(const drv_domain_t *d, const drv_instance_t *unit);

#endif
