/* SPDX-License-Identifier: MIT */
/*
 * The VT-d invalidation queue (spec 6.5.2, registers 11.4.9): registers, the descriptor
 * engine on the scheduler, invalidation wait descriptors and queue errors. Descriptor
 * checks and cache invalidations are in vtd_iq_desc.c, device-TLB invalidations in
 * vtd_devtlb.c. The timing model is described in vtd_iq.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iommusim/hw/vtd_queue.h"
#include "models/vtd/vtd.h"
#include "models/vtd/vtd_iq_int.h"

static const iommusim_param_def_t iq_param_defs[] = { VTD_IQ_PARAM_DEFS };

#define IQ_NDEFS (sizeof(iq_param_defs) / sizeof(iq_param_defs[0]))

/* IQA bits software can write: base, DW and QS (bits 10:3 are reserved). */
#define IQA_WRITABLE (VTD_QI_IQA_BASE_MASK | VTD_QI_IQA_DW | VTD_QI_IQA_QS_MASK)

static void iq_step(void *ctx, iommusim_time_t now);
static void wait_check(struct vtd *v, iommusim_time_t now);
static void status_flush(struct vtd *v);

/* ---- parameters and statistics ------------------------------------------------------- */

static int param_get(const iommusim_params_t *ps, const char *name, uint64_t *out,
		     iommusim_error_t *err)
{
	if (ps) {
		if (!iommusim_params_has(ps, name))
			return iommusim_error_set(err, -ENOENT,
				"parameter '%s' is missing from the parameter set: add the VT-d "
				"component (its table includes VTD_IQ_PARAM_DEFS)", name);
		*out = iommusim_params_u64(ps, name);
		return 0;
	}
	for (size_t i = 0; i < IQ_NDEFS; i++) {
		if (strcmp(iq_param_defs[i].name, name) == 0) {
			*out = iq_param_defs[i].def_u64;
			return 0;
		}
	}
	return iommusim_error_set(err, -ENOENT, "no default for parameter '%s'", name);
}

static int iq_params(struct vtd *v, const iommusim_params_t *ps, iommusim_error_t *err)
{
	static const struct {
		unsigned type;
		const char *name;
	} per_type[] = {
		{ VTD_QI_TYPE_CC, "vtd.iq.cc_cycles" },
		{ VTD_QI_TYPE_IOTLB, "vtd.iq.iotlb_cycles" },
		{ VTD_QI_TYPE_DEVTLB, "vtd.iq.devtlb_cycles" },
		{ VTD_QI_TYPE_IEC, "vtd.iq.iec_cycles" },
		{ VTD_QI_TYPE_WAIT, "vtd.iq.wait_cycles" },
		{ VTD_QI_TYPE_PIOTLB, "vtd.iq.piotlb_cycles" },
		{ VTD_QI_TYPE_PC, "vtd.iq.pc_cycles" },
		{ VTD_QI_TYPE_PDEVTLB, "vtd.iq.devtlb_cycles" },
		{ VTD_QI_TYPE_PGRP_RESP, "vtd.iq.pgrp_cycles" },
	};
	struct vtd_iq_params *p = &v->iq.p;
	uint64_t timeout_ns, ats_max;
	int rc;

	memset(p, 0, sizeof(*p));
	if ((rc = param_get(ps, "vtd.iq.fetch_cycles", &p->fetch_cycles, err)) ||
	    (rc = param_get(ps, "vtd.iq.fetch_bytes", &p->fetch_bytes, err)) ||
	    (rc = param_get(ps, "vtd.iq.decode_cycles", &p->decode_cycles, err)) ||
	    (rc = param_get(ps, "vtd.iq.scan_entries_per_cycle", &p->scan_per_cycle, err)) ||
	    (rc = param_get(ps, "vtd.iq.drain_cycles", &p->drain_cycles, err)) ||
	    (rc = param_get(ps, "vtd.ats.inval_timeout_ns", &timeout_ns, err)) ||
	    (rc = param_get(ps, "vtd.ats.max_outstanding", &ats_max, err)))
		return rc;
	for (size_t i = 0; i < sizeof(per_type) / sizeof(per_type[0]); i++)
		if ((rc = param_get(ps, per_type[i].name, &p->type_cycles[per_type[i].type], err)))
			return rc;
	/* The parameter module enforces the ranges; these guard against a hand-built set. */
	if (p->fetch_bytes < 32 || p->fetch_bytes > 4096 || (p->fetch_bytes & (p->fetch_bytes - 1)))
		return iommusim_error_set(err, -EINVAL, "vtd.iq.fetch_bytes=%llu: must be a power "
					  "of two in 32..4096", (unsigned long long)p->fetch_bytes);
	if (p->scan_per_cycle == 0)
		return iommusim_error_set(err, -EINVAL, "vtd.iq.scan_entries_per_cycle=0: must "
					  "be at least 1");
	if (ats_max == 0 || ats_max > 4096)
		return iommusim_error_set(err, -EINVAL, "vtd.ats.max_outstanding=%llu: must be "
					  "in 1..4096", (unsigned long long)ats_max);
	if (timeout_ns == 0)
		return iommusim_error_set(err, -EINVAL, "vtd.ats.inval_timeout_ns=0: must be at "
					  "least 1");
	p->ats_timeout = iommusim_time_from_ns(timeout_ns);
	p->ats_max = (unsigned)ats_max;
	return 0;
}

static int iq_hist(struct vtd *v, iommusim_hist_t **h, const char *name, const char *unit,
		   const char *help)
{
	char full[128];

	snprintf(full, sizeof(full), "%s.%s", v->instance, name);
	*h = iommusim_stats_hist(v->env.stats, full, unit, help);
	return *h ? 0 : -ENOMEM;
}

static int iq_counter(struct vtd *v, uint64_t **c, const char *name, const char *help)
{
	*c = vtd_counter(v, name, help);
	return *c ? 0 : -ENOMEM;
}

static int iq_stats(struct vtd *v)
{
	struct vtd_iq_stats *st = &v->iq.st;
	char name[64];
	int rc = 0;

	for (unsigned t = 0; t < 16; t++) {
		const char *tn = vtd_iq_type_name(t);

		if (!tn)
			continue;
		snprintf(name, sizeof(name), "iq.desc.%s", tn);
		rc |= iq_counter(v, &st->desc[t], name, "invalidation descriptors processed");
		snprintf(name, sizeof(name), "iq.time.%s", tn);
		rc |= iq_hist(v, &st->time[t], name, "ps",
			      "from the start of a descriptor's step (its fetch included) to its "
			      "completion (device-TLB: the device's answer; wait: status write "
			      "and interrupt)");
	}
	rc |= iq_counter(v, &st->fetches, "iq.fetches", "descriptor fetch reads");
	rc |= iq_counter(v, &st->iqe, "iq.errors.iqe", "invalidation queue errors (FSTS.IQE)");
	rc |= iq_counter(v, &st->ite, "iq.errors.ite",
			 "device-TLB invalidation time-outs reported (FSTS.ITE)");
	rc |= iq_counter(v, &st->ice, "iq.errors.ice",
			 "unexpected invalidation completions (FSTS.ICE)");
	rc |= iq_counter(v, &st->wait_aborted, "iq.wait.aborted",
			 "wait descriptors aborted by an invalidation time-out");
	rc |= iq_counter(v, &st->status_writes, "iq.wait.status_writes",
			 "wait descriptor status writes");
	rc |= iq_counter(v, &st->status_write_errors, "iq.wait.status_write_errors",
			 "wait descriptor status writes to an address that does not exist");
	rc |= iq_counter(v, &st->interrupts, "iq.wait.interrupts",
			 "invalidation completion event interrupts sent");
	rc |= iq_counter(v, &st->busy_ps, "iq.busy_ps", "time the descriptor engine was busy");
	rc |= iq_counter(v, &st->ats_sent, "ats.inval.sent", "ATS invalidation requests sent");
	rc |= iq_counter(v, &st->ats_done, "ats.inval.completed",
			 "ATS invalidation requests completed by the device");
	rc |= iq_counter(v, &st->ats_timeouts, "ats.inval.timeouts",
			 "ATS invalidation requests that timed out");
	rc |= iq_counter(v, &st->ats_late, "ats.inval.late",
			 "completions that arrived after their request timed out");
	rc |= iq_counter(v, &st->ats_nodev, "ats.inval.nodev",
			 "ATS invalidation requests no device accepted");
	rc |= iq_hist(v, &st->occupancy, "iq.occupancy", "entries",
		      "descriptors between IQH and IQT when the engine takes one");
	rc |= iq_hist(v, &st->ats_rtt, "ats.inval.rtt", "ps",
		      "ATS invalidation request to completion");
	rc |= iq_hist(v, &st->ats_outstanding, "ats.inval.outstanding", "entries",
		      "ATS invalidations outstanding after each request is sent");
	return rc ? -ENOMEM : 0;
}

/* ---- lifetime ------------------------------------------------------------------------ */

static void iq_regs_reset(struct vtd_iq *q)
{
	q->iqa = q->iqh = q->iqt = q->iqer = 0;
	q->ics = 0;
	q->iectl = VTD_EVT_CTL_IM;   /* IM is 1 at reset (11.4.9.5) */
	q->iedata = q->ieaddr = q->ieuaddr = 0;
	q->enabled = false;
	q->scalable = false;
}

int vtd_iq_init(struct vtd *v, const iommusim_params_t *ps, iommusim_error_t *err)
{
	struct vtd_iq *q = &v->iq;
	int rc;

	memset(q, 0, sizeof(*q));
	if (!v->env.sched || !v->env.mem || !v->env.stats)
		return iommusim_error_set(err, -EINVAL, "VT-d invalidation queue: the environment "
					  "needs a scheduler, a memory port and a stats registry");
	if ((rc = iq_params(v, ps, err)))
		return rc;
	if (iq_stats(v))
		return iommusim_error_set(err, -ENOMEM, "VT-d invalidation queue: out of memory "
					  "registering statistics");
	q->buf = malloc(q->p.fetch_bytes);
	q->wait_cap = 16;
	q->waits = malloc(q->wait_cap * sizeof(*q->waits));
	if (!q->buf || !q->waits || vtd_devtlb_init(v)) {
		vtd_iq_fini(v);
		return iommusim_error_set(err, -ENOMEM, "VT-d invalidation queue: out of memory");
	}
	iq_regs_reset(q);
	return 0;
}

static void iq_cancel(struct vtd *v, iommusim_event_id_t *ev)
{
	if (*ev)
		iommusim_sched_cancel(v->env.sched, *ev);
	*ev = 0;
}

/* Stops the engine and forgets everything in flight (disable, reset). */
static void iq_stop(struct vtd *v)
{
	struct vtd_iq *q = &v->iq;

	iq_cancel(v, &q->step_ev);
	iq_cancel(v, &q->wait_ev);
	q->wait_n = q->wait_head = 0;
	q->wait_writing = false;
	q->status_pending = false;   /* callers that must keep it flush first */
	q->buf_n = q->buf_i = 0;
	q->cur_valid = false;
	q->fetch_err = false;
	q->stall = VTD_IQ_RUN;
	vtd_devtlb_reset(v);
}

void vtd_iq_fini(struct vtd *v)
{
	struct vtd_iq *q = &v->iq;

	if (v->env.sched)
		iq_stop(v);
	vtd_devtlb_fini(v);
	free(q->buf);
	free(q->waits);
	q->buf = NULL;
	q->waits = NULL;
}

void vtd_iq_reset(struct vtd *v, iommusim_time_t t)
{
	struct vtd_iq *q = &v->iq;

	(void)t;
	status_flush(v);
	iq_stop(v);
	iq_regs_reset(q);
	q->free_at = 0;
}

/* ---- helpers ------------------------------------------------------------------------- */

static bool iq_dw256(const struct vtd_iq *q)
{
	return (q->iqa & VTD_QI_IQA_DW) != 0;
}

static uint64_t iq_dsize(const struct vtd_iq *q)
{
	return iq_dw256(q) ? 32 : 16;
}

static uint64_t iq_qbytes(const struct vtd_iq *q)
{
	return IOMMUSIM_PAGE_SIZE << (q->iqa & VTD_QI_IQA_QS_MASK);
}

static iommusim_time_t cyc(const struct vtd *v, uint64_t n)
{
	return iommusim_clock_cycles(&v->clk, n);
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t x = 0;

	for (int i = 7; i >= 0; i--)
		x = (x << 8) | p[i];
	return x;
}

static void iq_schedule(struct vtd *v, iommusim_time_t t)
{
	struct vtd_iq *q = &v->iq;

	if (q->step_ev)
		return;
	t = iommusim_time_max(t, iommusim_sched_now(v->env.sched));
	q->step_ev = iommusim_sched_at(v->env.sched, t, iq_step, v);
}

static void iq_msi(struct vtd *v, iommusim_time_t t)
{
	struct vtd_iq *q = &v->iq;

	if (v->env.msi)
		v->env.msi(v->env.msi_ctx, ((uint64_t)q->ieuaddr << 32) | q->ieaddr, q->iedata, t);
	(*q->st.interrupts)++;
}

/* A wait descriptor with IF completed (11.4.9.4-5): IWC, and an interrupt if it is a new
 * condition and not masked. */
static void iq_iwc(struct vtd *v, iommusim_time_t t)
{
	struct vtd_iq *q = &v->iq;

	if (q->ics & VTD_QI_ICS_IWC)
		return;   /* not serviced yet: no new interrupt condition */
	q->ics |= VTD_QI_ICS_IWC;
	q->iectl |= VTD_EVT_CTL_IP;
	if (!(q->iectl & VTD_EVT_CTL_IM)) {
		q->iectl &= ~VTD_EVT_CTL_IP;
		iq_msi(v, t);
	}
}

/* Reports an invalidation queue error: IQEI, FSTS.IQE, and the queue stops with IQH at the
 * descriptor (6.5.2.10). */
static void iq_error(struct vtd *v, unsigned iqei, iommusim_time_t t)
{
	struct vtd_iq *q = &v->iq;

	q->iqer = (q->iqer & ~VTD_QI_IQER_IQEI_MASK) | iqei;
	q->stall = VTD_IQ_STALL_IQE;
	q->buf_n = q->buf_i = 0;
	(*q->st.iqe)++;
	vtd_fsts_set(v, VTD_IQ_FSTS_IQE, t);
}

/* ---- the engine ---------------------------------------------------------------------- */

/* Completion actions of the descriptor whose processing ended now. Returns false if the
 * engine must not go on (a fence). */
static bool iq_finish(struct vtd *v, iommusim_time_t now)
{
	struct vtd_iq *q = &v->iq;
	unsigned type = q->cur_type;
	const uint64_t *d = q->cur_q;

	q->cur_valid = false;
	switch (type) {
	case VTD_QI_TYPE_DEVTLB:
	case VTD_QI_TYPE_PDEVTLB:
		vtd_devtlb_send(v, type, d, now, q->cur_start);
		return true;
	case VTD_QI_TYPE_WAIT: {
		struct vtd_iq_wait *w;

		if (q->wait_n == q->wait_cap) {
			unsigned ncap = q->wait_cap * 2;
			struct vtd_iq_wait *nw = malloc(ncap * sizeof(*nw));

			if (!nw)
				return true;   /* out of memory: the wait is lost */
			for (unsigned i = 0; i < q->wait_n; i++)
				nw[i] = q->waits[(q->wait_head + i) % q->wait_cap];
			free(q->waits);
			q->waits = nw;
			q->wait_cap = ncap;
			q->wait_head = 0;
		}
		w = &q->waits[(q->wait_head + q->wait_n++) % q->wait_cap];
		w->qw0 = d[0];
		w->qw1 = d[1];
		w->ats_limit = q->ats_seq;
		w->ready = now;
		if (d[0] & VTD_QI_WAIT_PD)
			w->ready = iommusim_time_max(now, vtd_prq_drain_time(v));
		w->start = q->cur_start;
		wait_check(v, now);
		if (d[0] & VTD_QI_WAIT_FN) {
			q->stall = VTD_IQ_STALL_FENCE;
			return false;
		}
		return true;
	}
	case VTD_QI_TYPE_PGRP_RESP:
		vtd_prq_group_response(v, (uint16_t)((d[0] & VTD_QI_PGRP_RID_MASK) >>
						     VTD_QI_PGRP_RID_SHIFT),
				       (d[0] & VTD_QI_PGRP_PP) != 0,
				       (uint32_t)((d[0] & VTD_QI_PASID_MASK) >> VTD_QI_PASID_SHIFT),
				       (uint32_t)((d[1] & VTD_QI_PGRP_PRGI_MASK) >>
						  VTD_QI_PGRP_PRGI_SHIFT),
				       (uint32_t)((d[0] & VTD_QI_PGRP_RC_MASK) >> VTD_QI_PGRP_RC_SHIFT),
				       now);
		iommusim_hist_add(q->st.time[type], now - q->cur_start);
		return true;
	default:
		iommusim_hist_add(q->st.time[type], now - q->cur_start);
		return true;
	}
}

/* The queue registers cannot be used as programmed: returns the IQEI, or 0. */
static unsigned iq_regs_check(const struct vtd *v)
{
	const struct vtd_iq *q = &v->iq;

	/* 256-bit descriptors need ECAP.SMTS; scalable mode needs them (6.5.2). */
	if (iq_dw256(q) ? !(v->ecap & VTD_IQ_ECAP_SMTS) : q->scalable)
		return VTD_QI_IQEI_WIDTH;
	if (iq_dw256(q) && (q->iqt & VTD_QI_IQT_BIT4))
		return VTD_QI_IQEI_TAIL_ALIGN;
	/* IQH on a 16-byte slot with 256-bit descriptors: DW changed under an enabled queue. */
	if (iq_dw256(q) && (q->iqh & VTD_QI_IQT_BIT4))
		return VTD_QI_IQEI_WIDTH;
	if (q->iqt >= iq_qbytes(q) || q->iqh >= iq_qbytes(q))
		return VTD_QI_IQEI_TAIL;
	return 0;
}

/* Fetches descriptors from IQH: one read of up to fetch_bytes, within one aligned block of
 * that size, not past IQT or the end of the queue. The step runs when the data arrives. */
static void iq_fetch(struct vtd *v, iommusim_time_t now)
{
	struct vtd_iq *q = &v->iq;
	uint64_t dsz = iq_dsize(q), qbytes = iq_qbytes(q);
	uint64_t upto = q->iqt > q->iqh ? q->iqt : qbytes;
	uint64_t block_end = (q->iqh / q->p.fetch_bytes + 1) * q->p.fetch_bytes;
	uint64_t len;
	iommusim_time_t done;

	if (block_end < upto)
		upto = block_end;
	len = upto - q->iqh;
	if (len > q->p.fetch_bytes)
		len = q->p.fetch_bytes;
	len -= len % dsz;
	q->step_start = now;
	(*q->st.fetches)++;
	q->fetch_err = iommusim_port_read(v->env.mem, (q->iqa & VTD_QI_IQA_BASE_MASK) + q->iqh,
					  q->buf, len, now + cyc(v, q->p.fetch_cycles), &done) != 0;
	q->buf_i = 0;
	q->buf_n = q->fetch_err ? 0 : (unsigned)(len / dsz);
	q->step_ev = iommusim_sched_at(v->env.sched, done, iq_step, v);
}

/* Takes the next fetched descriptor: checks it, advances IQH, performs its invalidation
 * and schedules the step at which its processing ends. */
static void iq_take(struct vtd *v, iommusim_time_t now)
{
	struct vtd_iq *q = &v->iq;
	uint64_t dsz = iq_dsize(q), qbytes = iq_qbytes(q);
	const uint8_t *p = q->buf + (size_t)q->buf_i * dsz;
	uint64_t d[4] = { le64(p), le64(p + 8), 0, 0 };
	unsigned type, iqei;
	uint64_t cycles;
	iommusim_time_t end;
	int err;

	if (dsz == 32) {
		d[2] = le64(p + 16);
		d[3] = le64(p + 24);
	}
	iqei = vtd_iq_desc_check(v, d, dsz == 32, &type);
	if (iqei) {
		iq_error(v, iqei, now);
		return;
	}
	if (type == VTD_QI_TYPE_DEVTLB || type == VTD_QI_TYPE_PDEVTLB) {
		uint16_t rid;
		unsigned qdep;

		vtd_devtlb_target(type, d, &rid, &qdep);
		if (!vtd_devtlb_has_room(v, rid, qdep)) {
			q->stall = VTD_IQ_STALL_ATS;
			return;
		}
	}
	cycles = vtd_iq_desc_exec(v, type, d, &err);
	if (err) {
		iq_error(v, VTD_QI_IQEI_RSVD, now);
		return;
	}
	iommusim_hist_add(q->st.occupancy, ((q->iqt + qbytes - q->iqh) % qbytes) / dsz);
	q->buf_i++;
	q->iqh = (q->iqh + dsz) % qbytes;
	(*q->st.desc[type])++;
	end = now + cyc(v, q->p.decode_cycles + cycles);
	*q->st.busy_ps += end - q->step_start;
	q->cur_valid = true;
	q->cur_type = type;
	memcpy(q->cur_q, d, sizeof(d));
	q->cur_start = q->step_start;
	q->step_start = end;
	q->free_at = end;
	q->step_ev = iommusim_sched_at(v->env.sched, end, iq_step, v);
}

/* The engine is free at now: decide what it does next. */
static void iq_next(struct vtd *v, iommusim_time_t now)
{
	struct vtd_iq *q = &v->iq;
	unsigned iqei;

	q->free_at = now;
	if (!q->enabled || q->stall != VTD_IQ_RUN)
		return;
	/* No descriptor is fetched while IQE or ITE is set (6.5.2.10). */
	if (v->fsts & VTD_IQ_FSTS_ITE) {
		q->stall = VTD_IQ_STALL_ITE;
		q->buf_n = q->buf_i = 0;
		return;
	}
	if (v->fsts & VTD_IQ_FSTS_IQE) {
		q->stall = VTD_IQ_STALL_IQE;
		q->buf_n = q->buf_i = 0;
		return;
	}
	if (q->buf_i < q->buf_n) {
		iq_take(v, now);
		return;
	}
	q->buf_n = q->buf_i = 0;
	if (q->iqh == q->iqt)
		return;   /* idle */
	iqei = iq_regs_check(v);
	if (iqei) {
		iq_error(v, iqei, now);
		return;
	}
	iq_fetch(v, now);
}

static void iq_step(void *ctx, iommusim_time_t now)
{
	struct vtd *v = ctx;
	struct vtd_iq *q = &v->iq;

	q->step_ev = 0;
	if (q->cur_valid && !iq_finish(v, now))
		return;
	if (q->fetch_err) {
		q->fetch_err = false;
		iq_error(v, VTD_QI_IQEI_FETCH, now);
		return;
	}
	iq_next(v, now);
}

/* Something may let a stopped or idle engine run again at t. */
static void iq_kick(struct vtd *v, iommusim_time_t t)
{
	struct vtd_iq *q = &v->iq;

	if (!q->enabled || q->step_ev)
		return;
	switch (q->stall) {
	case VTD_IQ_STALL_IQE:
		if (v->fsts & VTD_IQ_FSTS_IQE)
			return;
		break;
	case VTD_IQ_STALL_ITE:
		if (v->fsts & VTD_IQ_FSTS_ITE)
			return;
		break;
	case VTD_IQ_STALL_FENCE:
	case VTD_IQ_STALL_ATS:
		return;   /* resumed by the wait / the device-TLB invalidation */
	default:
		break;
	}
	q->stall = VTD_IQ_RUN;
	q->step_start = iommusim_time_max(t, q->free_at);
	iq_schedule(v, q->step_start);
}

/* ---- wait descriptors ---------------------------------------------------------------- */

static void wait_finish(void *ctx, iommusim_time_t now);

/* When a 4-byte write issued at t completes on the built-in port's fixed latency model
 * (include/iommusim/mem.h: write latency plus len / bytes_per_ns, rounded up to a ps). False
 * when the port has a latency callback: its backend decides when data is visible. */
static bool status_land_time(const struct vtd *v, iommusim_time_t t, iommusim_time_t *land)
{
	const iommusim_mem_port_t *p = v->env.mem;
	iommusim_time_t lat;

	if (p->latency_fn)
		return false;
	lat = p->write_latency;
	if (p->bytes_per_ns)
		lat = iommusim_time_add(lat, (4 * IOMMUSIM_PS_PER_NS + p->bytes_per_ns - 1) /
					     p->bytes_per_ns);
	*land = iommusim_time_add(t, lat);
	return true;
}

/* Makes the pending status write (issued at status_issued) through the port. An issued
 * write is never taken back: a reset or disable makes it at once. */
static void status_flush(struct vtd *v)
{
	struct vtd_iq *q = &v->iq;

	if (!q->status_pending)
		return;
	q->status_pending = false;
	if (iommusim_port_write32(v->env.mem, q->status_pa, q->status_data, q->status_issued,
				  NULL))
		(*q->st.status_write_errors)++;
}

/* The head wait's status write has landed: the data is in memory now, then completion. */
static void wait_land(void *ctx, iommusim_time_t now)
{
	struct vtd *v = ctx;

	v->iq.wait_ev = 0;
	status_flush(v);
	wait_finish(v, now);
}

/* The head wait writes its status (if SW) now; it completes when the write has landed
 * (6.5.2.8: the interrupt, if any, follows the status write). */
static void wait_fire(void *ctx, iommusim_time_t now)
{
	struct vtd *v = ctx;
	struct vtd_iq *q = &v->iq;
	struct vtd_iq_wait *w = &q->waits[q->wait_head];
	iommusim_time_t done = now;

	q->wait_ev = 0;
	if (w->qw0 & VTD_QI_WAIT_SW) {
		uint64_t pa = w->qw1 & VTD_QI_WAIT_SADDR_MASK;
		uint32_t data = (uint32_t)(w->qw0 >> VTD_QI_WAIT_SDATA_SHIFT);
		iommusim_time_t land;

		(*q->st.status_writes)++;
		if (status_land_time(v, now, &land) && land > now) {
			q->status_pending = true;
			q->status_pa = pa;
			q->status_data = data;
			q->status_issued = now;
			q->wait_writing = true;
			q->wait_done = land;
			q->wait_ev = iommusim_sched_at(v->env.sched, land, wait_land, v);
			if (q->wait_ev)
				return;
			/* no event: the write is made now */
			q->wait_writing = false;
			status_flush(v);
		} else if (iommusim_port_write32(v->env.mem, pa, data, now, &done)) {
			(*q->st.status_write_errors)++;
		}
	}
	if (done > now) {
		q->wait_writing = true;
		q->wait_done = done;
		q->wait_ev = iommusim_sched_at(v->env.sched, done, wait_finish, v);
		if (q->wait_ev)
			return;
	}
	wait_finish(v, now);
}

/* The head wait is complete: interrupt (after the status write, 6.5.2.8), fence release. */
static void wait_finish(void *ctx, iommusim_time_t now)
{
	struct vtd *v = ctx;
	struct vtd_iq *q = &v->iq;
	struct vtd_iq_wait *w = &q->waits[q->wait_head];

	q->wait_ev = 0;
	q->wait_writing = false;
	if (w->qw0 & VTD_QI_WAIT_IF)
		iq_iwc(v, now);
	iommusim_hist_add(q->st.time[VTD_QI_TYPE_WAIT], now - w->start);
	q->wait_head = (q->wait_head + 1) % q->wait_cap;
	q->wait_n--;
	if (q->stall == VTD_IQ_STALL_FENCE && q->wait_n == 0) {
		q->stall = VTD_IQ_RUN;
		q->step_start = now;
		iq_schedule(v, now);
	}
	wait_check(v, now);
}

/* Schedules the head wait's completion once everything before it has completed. */
static void wait_check(struct vtd *v, iommusim_time_t now)
{
	struct vtd_iq *q = &v->iq;
	struct vtd_iq_wait *w;

	if (q->wait_ev || q->wait_n == 0)
		return;
	w = &q->waits[q->wait_head];
	if (!vtd_devtlb_settled(v, w->ats_limit))
		return;
	q->wait_ev = iommusim_sched_at(v->env.sched, iommusim_time_max(now, w->ready),
				       wait_fire, v);
}

void vtd_iq_devtlb_progress(struct vtd *v, iommusim_time_t t)
{
	struct vtd_iq *q = &v->iq;

	t = iommusim_time_max(t, iommusim_sched_now(v->env.sched));
	wait_check(v, t);
	if (q->stall == VTD_IQ_STALL_ATS) {
		q->stall = VTD_IQ_RUN;
		q->step_start = iommusim_time_max(q->step_start, t);
		iq_schedule(v, t);
	}
}

void vtd_iq_devtlb_timeout(struct vtd *v, uint16_t rid, iommusim_time_t t)
{
	struct vtd_iq *q = &v->iq;
	unsigned keep = 0;

	(*q->st.ite)++;
	if (!(v->fsts & VTD_IQ_FSTS_ITE)) {
		q->iqer = (q->iqer & ~VTD_QI_IQER_ITESID_MASK) |
			  ((uint64_t)rid << VTD_QI_IQER_ITESID_SHIFT);
		vtd_fsts_set(v, VTD_IQ_FSTS_ITE, t);
	}
	/* Hardware aborts the wait descriptors it holds: no status write, no interrupt
	 * (6.5.2.10). One whose status write is already under way completes. */
	if (q->wait_writing)
		keep = 1;
	else
		iq_cancel(v, &q->wait_ev);
	*q->st.wait_aborted += q->wait_n - keep;
	q->wait_n = keep;
	/* No descriptor is fetched until software clears ITE; fetching restarts at IQH. */
	if (q->stall == VTD_IQ_STALL_FENCE || q->stall == VTD_IQ_STALL_ATS)
		q->stall = VTD_IQ_STALL_ITE;
	q->buf_n = q->buf_i = 0;
}

/* ---- control ------------------------------------------------------------------------- */

void vtd_iq_set_enabled(struct vtd *v, bool on, iommusim_time_t t)
{
	struct vtd_iq *q = &v->iq;

	if (on == q->enabled)
		return;
	status_flush(v);
	iq_stop(v);
	q->iqh = 0;   /* IQH is 0 while queued invalidation is disabled (11.4.9.1) */
	q->enabled = on;
	if (on)
		iq_kick(v, t);
}

bool vtd_iq_busy(const struct vtd *v)
{
	const struct vtd_iq *q = &v->iq;

	return q->enabled && (q->iqh != q->iqt || q->step_ev || q->cur_valid || q->wait_n ||
			      q->ats_used);
}

void vtd_iq_set_scalable(struct vtd *v, bool scalable)
{
	v->iq.scalable = scalable;
}

void vtd_iq_fsts_cleared(struct vtd *v, uint32_t cleared, iommusim_time_t t)
{
	if (cleared & (VTD_IQ_FSTS_IQE | VTD_IQ_FSTS_ITE))
		iq_kick(v, t);
}

/* ---- registers ----------------------------------------------------------------------- */

bool vtd_iq_owns_reg(uint64_t off)
{
	return off >= VTD_QI_REG_IQH && off < VTD_QI_REG_IQER + 8;
}

static uint32_t iq_read32(const struct vtd_iq *q, uint64_t off)
{
	switch (off) {
	case VTD_QI_REG_IQH: return (uint32_t)q->iqh;
	case VTD_QI_REG_IQH + 4: return (uint32_t)(q->iqh >> 32);
	case VTD_QI_REG_IQT: return (uint32_t)q->iqt;
	case VTD_QI_REG_IQT + 4: return (uint32_t)(q->iqt >> 32);
	case VTD_QI_REG_IQA: return (uint32_t)q->iqa;
	case VTD_QI_REG_IQA + 4: return (uint32_t)(q->iqa >> 32);
	case VTD_QI_REG_ICS: return q->ics;
	case VTD_QI_REG_IECTL: return q->iectl;
	case VTD_QI_REG_IEDATA: return q->iedata;
	case VTD_QI_REG_IEADDR: return q->ieaddr;
	case VTD_QI_REG_IEUADDR: return q->ieuaddr;
	case VTD_QI_REG_IQER: return (uint32_t)q->iqer;
	case VTD_QI_REG_IQER + 4: return (uint32_t)(q->iqer >> 32);
	default: return 0;
	}
}

static void iq_write32(struct vtd *v, uint64_t off, uint32_t val, iommusim_time_t t)
{
	struct vtd_iq *q = &v->iq;

	switch (off) {
	case VTD_QI_REG_IQT:
		/* The high half of IQT is reserved. */
		q->iqt = val & VTD_QI_IQHT_MASK;
		iq_kick(v, t);
		break;
	case VTD_QI_REG_IQA:
		q->iqa = (q->iqa & 0xffffffff00000000ull) | (val & IQA_WRITABLE);
		break;
	case VTD_QI_REG_IQA + 4:
		q->iqa = (q->iqa & 0xffffffffull) | ((uint64_t)val << 32);
		break;
	case VTD_QI_REG_ICS:
		/* RW1C; servicing IWC also clears a pending interrupt (11.4.9.5). */
		if (val & VTD_QI_ICS_IWC) {
			q->ics &= ~VTD_QI_ICS_IWC;
			q->iectl &= ~VTD_EVT_CTL_IP;
		}
		break;
	case VTD_QI_REG_IECTL:
		q->iectl = (q->iectl & ~VTD_EVT_CTL_IM) | (val & VTD_EVT_CTL_IM);
		/* Unmasking with an interrupt pending sends it. */
		if (!(q->iectl & VTD_EVT_CTL_IM) && (q->iectl & VTD_EVT_CTL_IP)) {
			q->iectl &= ~VTD_EVT_CTL_IP;
			iq_msi(v, t);
		}
		break;
	case VTD_QI_REG_IEDATA:
		q->iedata = val;
		break;
	case VTD_QI_REG_IEADDR:
		q->ieaddr = val & VTD_EVT_ADDR_MASK;
		break;
	case VTD_QI_REG_IEUADDR:
		q->ieuaddr = val;
		break;
	default:
		break;   /* IQH, IQER and reserved space are read-only */
	}
}

static bool iq_access_ok(uint64_t off, unsigned size)
{
	return (size == 4 || size == 8) && off % size == 0 && vtd_iq_owns_reg(off);
}

int vtd_iq_mmio_read(struct vtd *v, uint64_t off, unsigned size, uint64_t *val,
		     iommusim_time_t t)
{
	(void)t;
	if (!iq_access_ok(off, size) || !val)
		return -EINVAL;
	*val = iq_read32(&v->iq, off);
	if (size == 8)
		*val |= (uint64_t)iq_read32(&v->iq, off + 4) << 32;
	return 0;
}

int vtd_iq_mmio_write(struct vtd *v, uint64_t off, unsigned size, uint64_t val,
		      iommusim_time_t t)
{
	if (!iq_access_ok(off, size))
		return -EINVAL;
	/* The high half first, so a 64-bit IQT or IQA write acts on the whole value. */
	if (size == 8)
		iq_write32(v, off + 4, (uint32_t)(val >> 32), t);
	iq_write32(v, off, (uint32_t)val, t);
	return 0;
}
