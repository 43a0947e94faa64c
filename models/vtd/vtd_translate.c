/* SPDX-License-Identifier: MIT */
/*
 * The translate op (spec 3.x, 4.2): untranslated requests, ATS translation requests and
 * translated requests, with timing.
 *
 * Order of work for a request issued at t (every step adds to the response's cost):
 *   pipeline (other) -> context cache [-> root + context reads] -> PASID cache [-> PASID
 *   directory + table reads] -> IOTLB -> on a miss: walker slot (wait) -> paging-structure
 *   caches -> table reads (mem) with a processing step each (other) -> A/D writes (mem)
 *   -> fault record (other).
 * The walker slot is taken before the first memory access of the request and held until the
 * request is done. done = issue + wait + lookup + mem + other. accept (the next request of
 * the same stream may enter) = issue + the slowest stage passed for a request every lookup
 * answered, done for any other (vtd_accept).
 *
 * Request checks: a translated request needs a context that enables device-TLBs (legacy
 * TT = 01b, scalable DTE = 1; LCT.5 / SCT.5) and is passed through unchanged; an ATS
 * translation request needs the same and is answered with the translation, its
 * permissions and page size. Not-present and permission conditions of an ATS request are
 * not faults: the answer carries what is granted (see iommusim/vtd.h).
 */
#include <stdio.h>
#include <string.h>

#include "models/vtd/vtd_priv.h"

/* ---- the per-request operation ---------------------------------------------------------- */

void vtd_op_walker(struct vtd_op *op)
{
	iommusim_time_t start;

	if (op->walker_held)
		return;
	start = iommusim_resource_claim(&op->v->walkers, op->t, &op->walker_slot);
	if (start == IOMMUSIM_TIME_MAX)
		start = op->t;   /* cannot happen: every claim is released within its request */
	else
		op->walker_held = true;
	if (start > op->t) {
		op->cost->wait_ps += start - op->t;
		*op->v->st.wait_ps += start - op->t;
		op->t = start;
	}
}

void vtd_op_release(struct vtd_op *op)
{
	iommusim_resource_release(&op->v->walkers, op->walker_slot, op->t);
	op->walker_held = false;
}

int vtd_op_read(struct vtd_op *op, uint64_t pa, void *buf, size_t len, int stage, unsigned level)
{
	struct vtd *v = op->v;
	iommusim_time_t done = op->t;
	int rc;

	vtd_op_walker(op);
	if (len == 8) {
		/* paging and PASID directory entries: the port's 64-bit path is the fast one */
		uint64_t q = 0;

		rc = iommusim_port_read64(v->env.mem, pa, &q, op->t, &done);
		memcpy(buf, &q, 8);
	} else {
		rc = iommusim_port_read(v->env.mem, pa, buf, len, op->t, &done);
	}
	if (done < op->t)
		done = op->t;
	op->cost->mem_ps += done - op->t;
	op->cost->mem_reads++;
	(*v->st.mem_reads)++;
	if (stage >= 0 && level >= 1 && level <= 5) {
		op->cost->walk_reads[stage][level]++;
		(*v->st.walk_reads[stage][level])++;
	} else if (stage == -1) {
		(*v->st.ctx_reads)++;
	} else {
		(*v->st.pasid_reads)++;
	}
	op->t = iommusim_time_add(done, v->lat.step);
	op->cost->other_ps += v->lat.step;
	return rc;
}

int vtd_op_write64(struct vtd_op *op, uint64_t pa, uint64_t val)
{
	struct vtd *v = op->v;
	iommusim_time_t done = op->t;
	int rc;

	vtd_op_walker(op);
	rc = iommusim_port_write64(v->env.mem, pa, val, op->t, &done);
	if (done < op->t)
		done = op->t;
	op->cost->mem_ps += done - op->t;
	op->cost->mem_writes++;
	(*v->st.mem_writes)++;
	op->t = done;
	return rc;
}

/* ---- a request's view ------------------------------------------------------------------- */

/* Full resolution of a request to a vtd_dom: root-table mode checks, context, RID_PASID,
 * PASID entry, the PASID-entry request checks (SRE, ERE). Returns 0 or a fault reason. */
static uint32_t vtd_resolve(struct vtd_op *op, const iommusim_xlate_req_t *req, struct vtd_dom *d)
{
	struct vtd *v = op->v;
	struct vtd_ctx_info cbuf;
	struct vtd_pasid_info pbuf;
	const struct vtd_ctx_info *ci;
	const struct vtd_pasid_info *pi;
	uint16_t sid = (uint16_t)req->rid;
	unsigned ttm = v->ttm_active;
	uint32_t fr;
	bool exec = false;

	d->sid = sid;
	if (ttm == VTD_TTM_RESERVED || ttm == VTD_TTM_ABORT_DMA ||
	    (ttm == VTD_TTM_SCALABLE && !vtd_ecap(v, VTD_ECAP_SMTS)))
		return VTD_FR_RTA_1;
	if (ttm == VTD_TTM_LEGACY && req->pasid_valid)
		return VTD_FR_RTA_2;
	fr = vtd_context_get(op, sid, &ci, &cbuf);
	if (fr)
		return fr;
	if (ttm == VTD_TTM_LEGACY) {
		d->kind = ci->tt == VTD_TT_PASS_THROUGH ? VTD_K_PT : VTD_K_LEGACY;
		d->sm = false;
		d->did = ci->did;
		d->pasid = 0;
		d->ats_ok = ci->tt == VTD_TT_DEV_TLB;
		d->pri_ok = false;
		d->priv = false;
		d->sl_levels = ci->levels;
		d->fl_levels = 0;
		d->sl_root = ci->slptptr;
		d->fl_root = 0;
		d->slee = d->slade = d->wpe = d->nxe = d->smep = d->eafe = d->pgsnp = false;
		return 0;
	}

	d->sm = true;
	d->ats_ok = ci->dte;
	d->pri_ok = ci->pre;
	if (req->pasid_valid) {
		unsigned pss = (unsigned)((v->ecap & VTD_ECAP_PSS_MASK) >> VTD_ECAP_PSS_SHIFT);

		if (!ci->paside)
			return VTD_FR_SCT_6;
		if (req->pasid >> (pss + 1))
			return VTD_FR_SCT_7;
		d->pasid = req->pasid;
		d->priv = (req->access & IOMMUSIM_ACC_PRIV) != 0;
		exec = (req->access & IOMMUSIM_ACC_EXEC) && vtd_ecap(v, VTD_ECAP_ERS);
	} else {
		d->pasid = ci->rid_pasid;
		d->priv = ci->rid_priv;
		/* SCT.9: RID_PASID outside the PASID directory */
		if ((ci->rid_pasid >> VTD_PASID_DIR_SHIFT) >> (ci->pdts + 7))
			return VTD_FR_SCT_9;
	}
	fr = vtd_pasid_get(op, sid, ci, d->pasid, &pi, &pbuf);
	if (fr)
		return fr;
	if (d->priv && !pi->sre)
		return VTD_FR_SPT_6;
	if (exec && !pi->ere)
		return VTD_FR_SPT_5;
	switch (pi->pgtt) {
	case VTD_PGTT_FL:
		d->kind = VTD_K_FL;
		break;
	case VTD_PGTT_SL:
		d->kind = VTD_K_SL;
		break;
	case VTD_PGTT_NESTED:
		d->kind = VTD_K_NESTED;
		break;
	default:
		d->kind = VTD_K_PT;
		break;
	}
	d->did = pi->did;
	d->sl_levels = pi->sl_levels;
	d->fl_levels = pi->fl_levels;
	d->sl_root = pi->slptptr;
	d->fl_root = pi->flptptr;
	d->slee = pi->slee;
	d->slade = pi->slade;
	d->wpe = pi->wpe;
	d->nxe = pi->nxe && vtd_ecap(v, VTD_ECAP_ERS);
	d->smep = pi->smep;
	d->eafe = pi->eafe;
	d->pgsnp = pi->pgsnp;
	return 0;
}

/* ---- translation ------------------------------------------------------------------------ */

static bool vtd_in_intr_range(uint64_t a)
{
	return a >= VTD_INTR_ADDR_BASE && a <= VTD_INTR_ADDR_LIMIT;
}

static void vtd_answer(iommusim_xlate_resp_t *resp, uint64_t addr, unsigned perm, unsigned shift)
{
	resp->status = IOMMUSIM_XLATE_OK;
	resp->addr = addr;
	resp->perm = perm;
	resp->page_size = 1ull << shift;
}

static unsigned vtd_perm_acc(unsigned p, bool priv)
{
	return (p & (VTD_P_R | VTD_P_W | VTD_P_X)) | (priv ? IOMMUSIM_ACC_PRIV : 0);
}

/* Looks the request up in the IOTLB and walks on a miss. Fills resp on success (status OK
 * or, for ATS, the not-present answer) and returns 0, or returns a fault reason. */
static uint32_t vtd_xlate(struct vtd_op *op, const struct vtd_dom *d,
			  const iommusim_xlate_req_t *req, unsigned access,
			  iommusim_xlate_resp_t *resp)
{
	struct vtd *v = op->v;
	bool ats = req->type == IOMMUSIM_REQ_ATS_TRANSLATE;
	bool write = (access & IOMMUSIM_ACC_WRITE) != 0;
	struct vtd_tlb_entry *e;
	struct vtd_walk_res res;
	uint32_t fr, pf;
	unsigned granted;

	vtd_op_lookup(op, v->lat.iotlb);
	e = vtd_iotlb_lookup(v, d, req->iova);
	if (e) {
		memset(&res, 0, sizeof(res));
		res.out = e->out + (req->iova & ((1ull << e->shift) - 1));
		res.shift = e->shift;
		res.perm_user = e->perm_user;
		res.perm_sup = e->perm_sup;
		res.present = !e->negative;
		res.dirty_ok = e->dirty_ok;
		res.us_denied = e->us_denied;
		if (e->negative) {
			(*v->st.iotlb_hit)++;
			op->cost->hits |= IOMMUSIM_XS_IOTLB;
			fr = e->fault;
			goto not_present;
		}
		granted = d->priv ? res.perm_sup : res.perm_user;
		if ((ats || !(vtd_access_need(access) & ~granted)) && (!write || res.dirty_ok)) {
			(*v->st.iotlb_hit)++;
			op->cost->hits |= IOMMUSIM_XS_IOTLB;
			goto answer;
		}
		/* permission not cached or a D update needed: walk again */
	}
	(*v->st.iotlb_miss)++;
	op->cost->misses |= IOMMUSIM_XS_IOTLB;
	fr = vtd_walk(op, d, req->iova, access, ats, &res);
	if (fr == VTD_FR_SFL_2) {
		if (vtd_cap(v, VTD_CAP_CM)) {
			struct vtd_tlb_entry ne = { .shift = VTD_PAGE_SHIFT, .negative = 1,
						    .fault = VTD_FR_SFL_2 };
			vtd_iotlb_insert(v, d, req->iova, &ne, false);
		}
		goto not_present;
	}
	if (fr)
		return fr;
	if (!res.present) {
		if (vtd_cap(v, VTD_CAP_CM)) {
			struct vtd_tlb_entry ne = { .shift = VTD_PAGE_SHIFT, .negative = 1 };
			vtd_iotlb_insert(v, d, req->iova, &ne, false);
		}
		fr = 0;
		goto not_present;
	}
	if (vtd_in_intr_range(res.out & ~((1ull << res.shift) - 1)) ||
	    vtd_in_intr_range(res.out))
		return d->sm ? VTD_FR_SGN_8 : VTD_FR_LGN_4;
	{
		struct vtd_tlb_entry ne = {
			.out = res.out & ~((1ull << res.shift) - 1),
			.shift = (uint8_t)res.shift,
			.perm_user = res.perm_user,
			.perm_sup = res.perm_sup,
			.dirty_ok = res.dirty_ok,
			.us_denied = res.us_denied,
		};
		vtd_iotlb_insert(v, d, req->iova, &ne, res.global);
	}
	granted = d->priv ? res.perm_sup : res.perm_user;
	pf = vtd_perm_fault(d, &res, access);
	if (pf && !ats)
		return pf;
answer:
	vtd_answer(resp, res.out, vtd_perm_acc(granted, d->priv), res.shift);
	if (ats) {
		pf = vtd_perm_fault(d, &res, access);
		resp->fault_reason = pf;
		if (pf && d->pri_ok)
			resp->status = IOMMUSIM_XLATE_PAGE_REQUEST;
	}
	return 0;

not_present:
	if (!fr) {
		res.perm_user = res.perm_sup = 0;
		fr = vtd_perm_fault(d, &res, access);
	}
	if (!ats)
		return fr;
	/* ATS: "no translation" answer (R = W = 0); a page request may follow (4.2.3). */
	resp->status = d->pri_ok ? IOMMUSIM_XLATE_PAGE_REQUEST : IOMMUSIM_XLATE_OK;
	resp->fault_reason = fr;
	resp->addr = 0;
	resp->perm = 0;
	resp->page_size = VTD_PAGE_SIZE;
	return 0;
}

/* Trace: IOTLB misses (walks) as spans on the "translate" track, faults and page-request
 * answers as instants. Hits are not traced (there are too many). */
static void vtd_trace_xlate(struct vtd *v, const iommusim_xlate_req_t *req,
			    const iommusim_xlate_resp_t *resp)
{
	char args[192];

	snprintf(args, sizeof(args),
		 "{\"rid\":%u,\"pasid\":%d,\"iova\":\"0x%llx\",\"reads\":%u,\"writes\":%u,"
		 "\"fault\":\"0x%02x\"}",
		 (unsigned)req->rid, req->pasid_valid ? (int)req->pasid : -1,
		 (unsigned long long)req->iova, (unsigned)resp->cost.mem_reads,
		 (unsigned)resp->cost.mem_writes, (unsigned)resp->fault_reason);
	if (resp->cost.misses & IOMMUSIM_XS_IOTLB)
		iommusim_trace_span(v->env.trace, v->trace_pid, 1, "vtd", "walk", req->issue,
				    resp->done - req->issue, args);
	if (resp->status != IOMMUSIM_XLATE_OK)
		iommusim_trace_instant(v->env.trace, v->trace_pid, 2, "vtd",
				       resp->status == IOMMUSIM_XLATE_FAULT ? "fault"
									     : "page_request",
				       resp->done, args);
}

/*
 * When the next request of the same in-order stream (a device's posted writes) can enter.
 * The specification does not define the micro-architecture; this is the model's choice. A
 * request that every lookup answered (no memory access, no wait for a walker slot) went
 * through the translation pipeline, whose throughput is set by its slowest stage: the next
 * request enters one initiation interval (the largest of the pipeline, context-cache,
 * PASID-cache when looked up, and IOTLB latencies) after this one did. Anything else blocks
 * the stream until it is done: a miss costs sequential table reads, and Rubin et al., "Fast &
 * Safe IO Memory Protection" (SOSP 2024, §2.2), observe that these stall the device's posted
 * writes (receive throughput 4096 B / (l_0 + M x l_m) for M walk reads per 4 KiB).
 */
static iommusim_time_t vtd_accept(const iommusim_xlate_req_t *req,
				  const iommusim_xlate_resp_t *resp, const struct vtd_op *op)
{
	const iommusim_xlate_cost_t *c = &resp->cost;

	if (resp->status != IOMMUSIM_XLATE_OK || c->misses || c->mem_reads || c->mem_writes ||
	    c->wait_ps)
		return resp->done;
	return iommusim_time_add(req->issue, op->stage_max);
}

void vtd_translate(void *m, const iommusim_xlate_req_t *req, iommusim_xlate_resp_t *resp)
{
	struct vtd *v = m;
	struct vtd_op op;
	struct vtd_dom d;
	unsigned access;
	uint32_t fr = 0;
	bool record = true;

	/* field by field: a memset of the whole response is a slow "rep stos" on some hosts
	 * and this is the hot path */
	resp->status = IOMMUSIM_XLATE_OK;
	resp->fault_reason = 0;
	resp->addr = 0;
	resp->perm = 0;
	resp->page_size = 0;
	resp->untranslated_only = false;
	resp->cost.wait_ps = resp->cost.lookup_ps = resp->cost.mem_ps = 0;
	resp->cost.mem_reads = resp->cost.mem_writes = 0;
	resp->cost.hits = resp->cost.misses = 0;
	for (int st = 0; st < 2; st++)
		for (int l = 0; l < 6; l++)
			resp->cost.walk_reads[st][l] = 0;
	vtd_op_begin(&op, v, req->issue, &resp->cost);
	op.t += v->lat.pipeline;
	op.stage_max = v->lat.pipeline;
	resp->cost.other_ps = v->lat.pipeline;
	access = req->access & (IOMMUSIM_ACC_READ | IOMMUSIM_ACC_WRITE | IOMMUSIM_ACC_EXEC |
				IOMMUSIM_ACC_PRIV);
	if (!req->pasid_valid)
		access &= ~(IOMMUSIM_ACC_EXEC | IOMMUSIM_ACC_PRIV);
	else if (!vtd_ecap(v, VTD_ECAP_ERS))
		access &= ~IOMMUSIM_ACC_EXEC;   /* execute-requested is not supported: ignored */

	if ((unsigned)req->type > IOMMUSIM_REQ_TRANSLATED || req->size == 0 ||
	    (req->iova & (VTD_PAGE_SIZE - 1)) + req->size > VTD_PAGE_SIZE) {
		/* not a request a PCIe link can carry: refused without a fault record */
		fr = 0;
		record = false;
		goto fault;
	}
	(*v->st.req[req->type])++;

	if (!(v->gsts & VTD_GSTS_TES)) {
		/* translation disabled: requests use their own addresses (3.1) */
		vtd_answer(resp, req->iova, VTD_P_ALL, VTD_PAGE_SHIFT);
		resp->untranslated_only = req->type == IOMMUSIM_REQ_ATS_TRANSLATE;
		goto done;
	}
	fr = vtd_resolve(&op, req, &d);
	if (fr)
		goto fault;
	if (req->type != IOMMUSIM_REQ_UNTRANSLATED && !d.ats_ok) {
		fr = d.sm ? VTD_FR_SCT_5 : VTD_FR_LCT_5;
		goto fault;
	}
	if (req->type == IOMMUSIM_REQ_TRANSLATED) {
		/* the device translated it through its ATC: passed unchanged */
		vtd_answer(resp, req->iova, vtd_perm_acc(access, false), VTD_PAGE_SHIFT);
		goto done;
	}
	if (d.kind == VTD_K_PT) {
		if (req->iova >> v->cfg.haw) {
			fr = d.sm ? VTD_FR_SGN_4 : VTD_FR_LGN_1;
			goto fault;
		}
		vtd_answer(resp, req->iova, vtd_perm_acc(VTD_P_ALL, d.priv), VTD_PAGE_SHIFT);
		resp->untranslated_only = req->type == IOMMUSIM_REQ_ATS_TRANSLATE;
		goto done;
	}
	fr = vtd_xlate(&op, &d, req, access, resp);
	if (fr)
		goto fault;
	goto done;

fault:
	resp->status = IOMMUSIM_XLATE_FAULT;
	resp->fault_reason = fr;
	resp->addr = 0;
	resp->perm = 0;
	resp->page_size = 0;
	resp->untranslated_only = false;
	if (record && fr) {
		struct vtd_fault f = {
			.reason = fr,
			.sid = (uint16_t)req->rid,
			.pasid_valid = req->pasid_valid,
			.pasid = req->pasid,
			.addr = req->iova,
			.access = access,
			.type = req->type,
		};
		vtd_fault_report(&op, &f);
	}
done:
	vtd_op_end(&op);
	resp->done = op.t;
	resp->accept = vtd_accept(req, resp, &op);
	switch (resp->status) {
	case IOMMUSIM_XLATE_OK:
		(*v->st.xlate_ok)++;
		break;
	case IOMMUSIM_XLATE_FAULT:
		(*v->st.xlate_fault)++;
		break;
	default:
		(*v->st.xlate_pri)++;
		break;
	}
	if (v->env.trace && (resp->status != IOMMUSIM_XLATE_OK ||
			     (resp->cost.misses & IOMMUSIM_XS_IOTLB)))
		vtd_trace_xlate(v, req, resp);
	if (v->st.latency) {
		iommusim_time_t lat = op.t - req->issue;
		/* the default 1 GHz clock divides by a constant (a multiply, not a division) */
		uint64_t cyc = v->clk.period_ps == 1000 ? (lat + 999) / 1000
							: iommusim_clock_to_cycles(&v->clk, lat);
		iommusim_hist_add(v->st.latency, cyc);
	}
}

uint32_t vtd_page_request_check(struct vtd *v, const iommusim_dev_msg_t *msg)
{
	iommusim_xlate_cost_t cost;
	struct vtd_op op;
	struct vtd_ctx_info cbuf;
	const struct vtd_ctx_info *ci = NULL;
	unsigned ttm = v->ttm_active;
	uint32_t fr;

	memset(&cost, 0, sizeof(cost));
	vtd_op_begin(&op, v, msg->time, &cost);
	if (!(v->gsts & VTD_GSTS_TES))
		return VTD_FR_RTA_3;   /* nothing to translate for: refused, not recorded */
	if (ttm == VTD_TTM_RESERVED || ttm == VTD_TTM_ABORT_DMA ||
	    (ttm == VTD_TTM_SCALABLE && !vtd_ecap(v, VTD_ECAP_SMTS)))
		fr = VTD_FR_RTA_1;
	else if (ttm == VTD_TTM_LEGACY)
		fr = VTD_FR_RTA_3;
	else
		fr = vtd_context_get(&op, (uint16_t)msg->rid, &ci, &cbuf);
	if (!fr && msg->pasid_valid && !ci->paside)
		fr = VTD_FR_SCT_6;
	if (!fr && !ci->pre)
		fr = VTD_FR_SCT_8;
	if (fr) {
		struct vtd_fault f = {
			.reason = fr,
			.sid = (uint16_t)msg->rid,
			.pasid_valid = msg->pasid_valid,
			.pasid = msg->pasid,
			.addr = msg->addr,
			.access = msg->access,
			.type = IOMMUSIM_REQ_ATS_TRANSLATE,
		};
		vtd_fault_report(&op, &f);
	}
	vtd_op_end(&op);
	return fr;
}
