/* SPDX-License-Identifier: MIT */
/*
 * The VT-d page request queue (spec 7.5, registers 11.4.11): page request descriptors
 * written at PQT, the page-request event, overflow, the responses the hardware generates
 * itself, and page group responses from the invalidation queue. The timing model is
 * described in vtd_prq.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iommusim/hw/vtd_queue.h"
#include "models/vtd/vtd.h"
#include "models/vtd/vtd_iq_int.h"

static const iommusim_param_def_t prq_param_defs[] = { VTD_PRQ_PARAM_DEFS };

#define PRQ_NDEFS (sizeof(prq_param_defs) / sizeof(prq_param_defs[0]))
#define PQA_WRITABLE (VTD_PRQ_PQA_BASE_MASK | VTD_PRQ_PQA_PQS_MASK)
#define PRS_BITS (VTD_PRQ_PRS_PPR | VTD_PRQ_PRS_PRO)

static void prq_complete(void *ctx, iommusim_time_t now);

/* ---- lifetime ------------------------------------------------------------------------ */

static int prq_param(const iommusim_params_t *ps, const char *name, uint64_t *out,
		     iommusim_error_t *err)
{
	if (ps) {
		if (!iommusim_params_has(ps, name))
			return iommusim_error_set(err, -ENOENT,
				"parameter '%s' is missing from the parameter set: add the VT-d "
				"component (its table includes VTD_PRQ_PARAM_DEFS)", name);
		*out = iommusim_params_u64(ps, name);
		return 0;
	}
	for (size_t i = 0; i < PRQ_NDEFS; i++) {
		if (strcmp(prq_param_defs[i].name, name) == 0) {
			*out = prq_param_defs[i].def_u64;
			return 0;
		}
	}
	return iommusim_error_set(err, -ENOENT, "no default for parameter '%s'", name);
}

static int prq_counter(struct vtd *v, uint64_t **c, const char *name, const char *help)
{
	*c = vtd_counter(v, name, help);
	return *c ? 0 : -ENOMEM;
}

static int prq_hist(struct vtd *v, iommusim_hist_t **h, const char *name, const char *unit,
		    const char *help)
{
	char full[128];

	snprintf(full, sizeof(full), "%s.%s", v->instance, name);
	*h = iommusim_stats_hist(v->env.stats, full, unit, help);
	return *h ? 0 : -ENOMEM;
}

static int prq_stats(struct vtd *v)
{
	struct vtd_prq_stats *st = &v->prq.st;
	int rc = 0;

	rc |= prq_counter(v, &st->requests, "prq.requests", "page requests received");
	rc |= prq_counter(v, &st->writes, "prq.writes", "page request descriptors written");
	rc |= prq_counter(v, &st->overflows, "prq.overflows",
			  "page request queue overflows (PRS.PRO set)");
	rc |= prq_counter(v, &st->dropped, "prq.dropped",
			  "page requests dropped: queue full or PRO set");
	rc |= prq_counter(v, &st->auto_resp, "prq.auto_responses",
			  "Success responses generated for dropped last-in-group requests");
	rc |= prq_counter(v, &st->invalid_resp, "prq.invalid_responses",
			  "Invalid Request responses to page requests that are not allowed");
	rc |= prq_counter(v, &st->group_resp, "prq.group_responses",
			  "page group responses sent from the invalidation queue");
	rc |= prq_counter(v, &st->events, "prq.events", "page request event interrupts sent");
	rc |= prq_counter(v, &st->write_errors, "prq.write_errors",
			  "page request descriptor writes to an address that does not exist");
	rc |= prq_counter(v, &st->nodev, "prq.nodev", "responses no device accepted");
	rc |= prq_hist(v, &st->occupancy, "prq.occupancy", "entries",
		       "page requests in the queue after each write");
	rc |= prq_hist(v, &st->latency, "prq.latency", "ps",
		       "from a page request's arrival until PQT covers it");
	return rc ? -ENOMEM : 0;
}

static void prq_regs_reset(struct vtd_prq *r)
{
	r->pqa = r->pqh = r->pqt = 0;
	r->prs = 0;
	r->pectl = VTD_EVT_CTL_IM;   /* IM is 1 at reset (11.4.11.6) */
	r->pedata = r->peaddr = r->peuaddr = 0;
	r->tail_alloc = 0;
	r->writer_free = r->last_done = 0;
}

int vtd_prq_init(struct vtd *v, const iommusim_params_t *ps, iommusim_error_t *err)
{
	struct vtd_prq *r = &v->prq;
	int rc;

	memset(r, 0, sizeof(*r));
	if (!v->env.sched || !v->env.mem || !v->env.stats)
		return iommusim_error_set(err, -EINVAL, "VT-d page request queue: the environment "
					  "needs a scheduler, a memory port and a stats registry");
	if ((rc = prq_param(ps, "vtd.prq.write_cycles", &r->write_cycles, err)) ||
	    (rc = prq_param(ps, "vtd.prq.resp_cycles", &r->resp_cycles, err)))
		return rc;
	if (prq_stats(v))
		return iommusim_error_set(err, -ENOMEM, "VT-d page request queue: out of memory "
					  "registering statistics");
	r->inflight_cap = 16;
	r->inflight = malloc(r->inflight_cap * sizeof(*r->inflight));
	if (!r->inflight)
		return iommusim_error_set(err, -ENOMEM, "VT-d page request queue: out of memory");
	prq_regs_reset(r);
	return 0;
}

void vtd_prq_fini(struct vtd *v)
{
	struct vtd_prq *r = &v->prq;

	if (r->ev && v->env.sched)
		iommusim_sched_cancel(v->env.sched, r->ev);
	r->ev = 0;
	free(r->inflight);
	r->inflight = NULL;
	r->inflight_n = 0;
}

void vtd_prq_reset(struct vtd *v, iommusim_time_t t)
{
	struct vtd_prq *r = &v->prq;

	(void)t;
	if (r->ev)
		iommusim_sched_cancel(v->env.sched, r->ev);
	r->ev = 0;
	r->inflight_n = r->inflight_head = 0;
	prq_regs_reset(r);
}

/* ---- helpers ------------------------------------------------------------------------- */

static uint64_t prq_qbytes(const struct vtd_prq *r)
{
	return IOMMUSIM_PAGE_SIZE << (r->pqa & VTD_PRQ_PQA_PQS_MASK);
}

static void prq_msi(struct vtd *v, iommusim_time_t t)
{
	struct vtd_prq *r = &v->prq;

	if (v->env.msi)
		v->env.msi(v->env.msi_ctx, ((uint64_t)r->peuaddr << 32) | r->peaddr, r->pedata, t);
	(*r->st.events)++;
}

/* Page request event (7.5.2): only when PPR and PRO were both clear before the change that
 * set one of them; IP while masked. */
static void prq_event(struct vtd *v, uint32_t old_prs, iommusim_time_t t)
{
	struct vtd_prq *r = &v->prq;

	if (old_prs & PRS_BITS)
		return;
	r->pectl |= VTD_EVT_CTL_IP;
	if (!(r->pectl & VTD_EVT_CTL_IM)) {
		r->pectl &= ~VTD_EVT_CTL_IP;
		prq_msi(v, t);
	}
}

static int prq_respond(struct vtd *v, uint16_t rid, bool pasid_valid, uint32_t pasid,
		       uint32_t prgi, uint32_t code, iommusim_time_t t)
{
	iommusim_dev_msg_t msg = {
		.kind = IOMMUSIM_MSG_PRG_RESP,
		.rid = rid,
		.pasid_valid = pasid_valid,
		.pasid = pasid_valid ? pasid : 0,
		.prg_index = prgi & 0x1ff,
		.resp_code = code,
		.time = t,
	};
	int rc = v->env.to_device ? v->env.to_device(v->env.dev_ctx, &msg) : -ENODEV;

	if (rc)
		(*v->prq.st.nodev)++;
	return rc;
}

/* ---- page requests ------------------------------------------------------------------- */

int vtd_prq_page_request(struct vtd *v, const iommusim_dev_msg_t *msg, bool allowed)
{
	struct vtd_prq *r = &v->prq;
	uint64_t qb, next, d[4] = { 0 };
	uint8_t bytes[VTD_PRD_SIZE];
	iommusim_time_t t, start, done;
	uint16_t rid;

	if (!msg || msg->kind != IOMMUSIM_MSG_PAGE_REQ)
		return -EINVAL;
	t = iommusim_time_max(msg->time, iommusim_sched_now(v->env.sched));
	rid = (uint16_t)msg->rid;
	(*r->st.requests)++;

	/* Not allowed (no PRS, or the context's PRE clear): the hardware answers a
	 * last-in-group request with Invalid Request and queues nothing (7.5.1). */
	if (!allowed || !(v->ecap & VTD_IQ_ECAP_PRS)) {
		if (msg->last) {
			(*r->st.invalid_resp)++;
			prq_respond(v, rid, msg->pasid_valid, msg->pasid, msg->prg_index,
				    IOMMUSIM_PRG_INVALID,
				    t + iommusim_clock_cycles(&v->clk, r->resp_cycles));
		}
		return 0;
	}

	/* Full (one entry is always left free, so PQT never reaches PQH) or overflow already
	 * flagged: the request is dropped. A dropped last-in-group request is answered with
	 * Success so the device retries its translation instead of waiting forever. */
	qb = prq_qbytes(r);
	next = (r->tail_alloc + VTD_PRD_SIZE) % qb;
	if ((r->prs & VTD_PRQ_PRS_PRO) || next == (r->pqh & VTD_PRQ_PQHT_MASK)) {
		if (!(r->prs & VTD_PRQ_PRS_PRO)) {
			uint32_t old = r->prs;

			r->prs |= VTD_PRQ_PRS_PRO;
			(*r->st.overflows)++;
			vtd_fsts_set(v, VTD_IQ_FSTS_PRO, t);
			prq_event(v, old, t);
		}
		(*r->st.dropped)++;
		if (msg->last) {
			(*r->st.auto_resp)++;
			prq_respond(v, rid, msg->pasid_valid, msg->pasid, msg->prg_index,
				    IOMMUSIM_PRG_SUCCESS,
				    t + iommusim_clock_cycles(&v->clk, r->resp_cycles));
		}
		return 0;
	}

	/* The page request descriptor (7.5.1.1). */
	d[0] = VTD_PRD_TYPE_PAGE_REQ | ((uint64_t)rid << VTD_PRD_RID_SHIFT);
	if (msg->pasid_valid)
		d[0] |= VTD_PRD_PP | (((uint64_t)msg->pasid << VTD_PRD_PASID_SHIFT) &
				      VTD_PRD_PASID_MASK);
	if (msg->access & IOMMUSIM_ACC_EXEC)
		d[0] |= VTD_PRD_EXE;
	if (msg->access & IOMMUSIM_ACC_PRIV)
		d[0] |= VTD_PRD_PRIV;
	d[1] = (msg->addr & VTD_PRD_ADDR_MASK) |
	       (((uint64_t)msg->prg_index << VTD_PRD_PRGI_SHIFT) & VTD_PRD_PRGI_MASK);
	if (msg->access & IOMMUSIM_ACC_READ)
		d[1] |= VTD_PRD_RD;
	if (msg->access & IOMMUSIM_ACC_WRITE)
		d[1] |= VTD_PRD_WR;
	if (msg->last)
		d[1] |= VTD_PRD_LPIG;
	for (unsigned i = 0; i < VTD_PRD_SIZE; i++)
		bytes[i] = (uint8_t)(d[i / 8] >> (8 * (i % 8)));

	start = iommusim_time_max(t, r->writer_free);
	r->writer_free = start + iommusim_clock_cycles(&v->clk, r->write_cycles);
	if (iommusim_port_write(v->env.mem, (r->pqa & VTD_PRQ_PQA_BASE_MASK) + r->tail_alloc,
				bytes, sizeof(bytes), r->writer_free, &done))
		(*r->st.write_errors)++;
	/* Writes become visible in order. */
	done = iommusim_time_max(done, r->last_done);
	r->last_done = done;
	r->tail_alloc = next;
	(*r->st.writes)++;

	if (r->inflight_n == r->inflight_cap) {
		unsigned ncap = r->inflight_cap * 2;
		iommusim_time_t (*n)[2] = malloc(ncap * sizeof(*n));

		if (!n)
			return 0;   /* out of memory: PQT will not cover this request */
		for (unsigned i = 0; i < r->inflight_n; i++) {
			n[i][0] = r->inflight[(r->inflight_head + i) % r->inflight_cap][0];
			n[i][1] = r->inflight[(r->inflight_head + i) % r->inflight_cap][1];
		}
		free(r->inflight);
		r->inflight = n;
		r->inflight_cap = ncap;
		r->inflight_head = 0;
	}
	{
		unsigned i = (r->inflight_head + r->inflight_n++) % r->inflight_cap;

		r->inflight[i][0] = done;
		r->inflight[i][1] = t;
	}
	if (!r->ev)
		r->ev = iommusim_sched_at(v->env.sched, r->inflight[r->inflight_head][0],
					  prq_complete, v);
	return 0;
}

/* The oldest in-flight descriptor write has completed: PQT covers it, PPR, event. */
static void prq_complete(void *ctx, iommusim_time_t now)
{
	struct vtd *v = ctx;
	struct vtd_prq *r = &v->prq;
	uint64_t qb = prq_qbytes(r);
	iommusim_time_t arrival = r->inflight[r->inflight_head][1];

	r->ev = 0;
	r->inflight_head = (r->inflight_head + 1) % r->inflight_cap;
	r->inflight_n--;
	r->pqt = ((r->pqt & VTD_PRQ_PQHT_MASK) + VTD_PRD_SIZE) % qb;
	iommusim_hist_add(r->st.latency, now - arrival);
	iommusim_hist_add(r->st.occupancy,
			  ((r->pqt + qb - (r->pqh & VTD_PRQ_PQHT_MASK)) % qb) / VTD_PRD_SIZE);
	if (!(r->prs & VTD_PRQ_PRS_PPR)) {
		uint32_t old = r->prs;

		r->prs |= VTD_PRQ_PRS_PPR;
		prq_event(v, old, now);
	}
	if (r->inflight_n)
		r->ev = iommusim_sched_at(v->env.sched,
					  iommusim_time_max(now, r->inflight[r->inflight_head][0]),
					  prq_complete, v);
}

int vtd_prq_group_response(struct vtd *v, uint16_t rid, bool pasid_present, uint32_t pasid,
			   uint32_t prg_index, uint32_t resp_code, iommusim_time_t t)
{
	(*v->prq.st.group_resp)++;
	return prq_respond(v, rid, pasid_present, pasid, prg_index, resp_code, t);
}

unsigned vtd_prq_in_flight(const struct vtd *v)
{
	return v->prq.inflight_n;
}

bool vtd_prq_pending(const struct vtd *v)
{
	return (v->prq.pqh & VTD_PRQ_PQHT_MASK) != (v->prq.pqt & VTD_PRQ_PQHT_MASK);
}

iommusim_time_t vtd_prq_drain_time(const struct vtd *v)
{
	return v->prq.last_done;
}

/* ---- registers ----------------------------------------------------------------------- */

bool vtd_prq_owns_reg(uint64_t off)
{
	return off >= VTD_PRQ_REG_PQH && off < VTD_PRQ_REG_PEUADDR + 4;
}

static uint32_t prq_read32(const struct vtd_prq *r, uint64_t off)
{
	switch (off) {
	case VTD_PRQ_REG_PQH: return (uint32_t)r->pqh;
	case VTD_PRQ_REG_PQH + 4: return (uint32_t)(r->pqh >> 32);
	case VTD_PRQ_REG_PQT: return (uint32_t)r->pqt;
	case VTD_PRQ_REG_PQT + 4: return (uint32_t)(r->pqt >> 32);
	case VTD_PRQ_REG_PQA: return (uint32_t)r->pqa;
	case VTD_PRQ_REG_PQA + 4: return (uint32_t)(r->pqa >> 32);
	case VTD_PRQ_REG_PRS: return r->prs;
	case VTD_PRQ_REG_PECTL: return r->pectl;
	case VTD_PRQ_REG_PEDATA: return r->pedata;
	case VTD_PRQ_REG_PEADDR: return r->peaddr;
	case VTD_PRQ_REG_PEUADDR: return r->peuaddr;
	default: return 0;
	}
}

static void prq_write32(struct vtd *v, uint64_t off, uint32_t val, iommusim_time_t t)
{
	struct vtd_prq *r = &v->prq;

	switch (off) {
	case VTD_PRQ_REG_PQH:
		r->pqh = val & VTD_PRQ_PQHT_MASK;
		break;
	case VTD_PRQ_REG_PQT:
		/* Software sets the tail only while setting the queue up. */
		r->pqt = val & VTD_PRQ_PQHT_MASK;
		r->tail_alloc = r->pqt;
		break;
	case VTD_PRQ_REG_PQA:
		r->pqa = (r->pqa & 0xffffffff00000000ull) | (val & PQA_WRITABLE);
		break;
	case VTD_PRQ_REG_PQA + 4:
		r->pqa = (r->pqa & 0xffffffffull) | ((uint64_t)val << 32);
		break;
	case VTD_PRQ_REG_PRS:
		/* RW1C; with both clear the pending event is serviced. */
		r->prs &= ~(val & PRS_BITS);
		if (!(r->prs & PRS_BITS))
			r->pectl &= ~VTD_EVT_CTL_IP;
		break;
	case VTD_PRQ_REG_PECTL:
		r->pectl = (r->pectl & ~VTD_EVT_CTL_IM) | (val & VTD_EVT_CTL_IM);
		if (!(r->pectl & VTD_EVT_CTL_IM) && (r->pectl & VTD_EVT_CTL_IP)) {
			r->pectl &= ~VTD_EVT_CTL_IP;
			prq_msi(v, t);
		}
		break;
	case VTD_PRQ_REG_PEDATA:
		r->pedata = val;
		break;
	case VTD_PRQ_REG_PEADDR:
		r->peaddr = val & VTD_EVT_ADDR_MASK;
		break;
	case VTD_PRQ_REG_PEUADDR:
		r->peuaddr = val;
		break;
	default:
		break;   /* high halves of PQH/PQT and reserved space */
	}
}

static bool prq_access_ok(uint64_t off, unsigned size)
{
	return (size == 4 || size == 8) && off % size == 0 && vtd_prq_owns_reg(off);
}

int vtd_prq_mmio_read(struct vtd *v, uint64_t off, unsigned size, uint64_t *val,
		      iommusim_time_t t)
{
	(void)t;
	if (!prq_access_ok(off, size) || !val)
		return -EINVAL;
	*val = prq_read32(&v->prq, off);
	if (size == 8)
		*val |= (uint64_t)prq_read32(&v->prq, off + 4) << 32;
	return 0;
}

int vtd_prq_mmio_write(struct vtd *v, uint64_t off, unsigned size, uint64_t val,
		       iommusim_time_t t)
{
	if (!prq_access_ok(off, size))
		return -EINVAL;
	if (size == 8)
		prq_write32(v, off + 4, (uint32_t)(val >> 32), t);
	prq_write32(v, off, (uint32_t)val, t);
	return 0;
}
