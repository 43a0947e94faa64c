/* SPDX-License-Identifier: MIT */
/* A trivial IOMMU model for tests; see identity_iommu.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "iommusim/mem.h"
#include "iommusim/sched.h"
#include "tests/support/identity_iommu.h"

struct identity_resp {
	struct identity_iommu *owner;
	iommusim_dev_msg_t msg;
	iommusim_event_id_t id;
	struct identity_resp *prev, *next;
};

struct identity_iommu {
	identity_iommu_cfg_t cfg;
	iommusim_model_env_t env;
	uint64_t requests[3];
	iommusim_xlate_req_t last_req;
	uint64_t page_reqs, prg_resps;
	iommusim_dev_msg_t last_page_req;
	identity_iommu_cpl_t cpl[IDENTITY_CPL_MAX];
	size_t ncpl;
	uint64_t *present;   /* page numbers made present by a page response */
	size_t npresent, cap_present;
	struct identity_resp *resps;   /* scheduled responses */
};

void identity_iommu_cfg_default(identity_iommu_cfg_t *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->page_size = IOMMUSIM_PAGE_SIZE;
	cfg->perm = IOMMUSIM_ACC_READ | IOMMUSIM_ACC_WRITE | IOMMUSIM_ACC_EXEC | IOMMUSIM_ACC_PRIV;
	cfg->ats_enabled = true;
	cfg->pri_respond = true;
	cfg->prg_resp_code = IOMMUSIM_PRG_SUCCESS;
}

static struct identity_iommu *impl_of(iommusim_model_t *m)
{
	return m ? m->impl : NULL;
}

static int id_create(const iommusim_params_t *ps, const iommusim_model_env_t *env, void **out,
		     iommusim_error_t *err)
{
	struct identity_iommu *id;

	(void)ps;
	if (!env || !out)
		return iommusim_error_set(err, -EINVAL, "identity iommu: env and out are required");
	id = calloc(1, sizeof(*id));
	if (!id)
		return iommusim_error_set(err, -ENOMEM, "identity iommu: out of memory");
	identity_iommu_cfg_default(&id->cfg);
	id->env = *env;
	*out = id;
	return 0;
}

static void id_cancel_responses(struct identity_iommu *id)
{
	while (id->resps) {
		struct identity_resp *r = id->resps;
		id->resps = r->next;
		iommusim_sched_cancel(id->env.sched, r->id);
		free(r);
	}
}

static void id_destroy(void *m)
{
	struct identity_iommu *id = m;

	if (!id)
		return;
	id_cancel_responses(id);
	free(id->present);
	free(id);
}

static void id_reset(void *m, iommusim_time_t t)
{
	struct identity_iommu *id = m;

	(void)t;
	id_cancel_responses(id);
	memset(id->requests, 0, sizeof(id->requests));
	memset(&id->last_req, 0, sizeof(id->last_req));
	memset(&id->last_page_req, 0, sizeof(id->last_page_req));
	id->page_reqs = id->prg_resps = 0;
	id->ncpl = 0;
	id->npresent = 0;
}

static int id_mmio_check(uint64_t off, unsigned size)
{
	return ((size != 4 && size != 8) || (off & (size - 1))) ? -EINVAL : 0;
}

static int id_mmio_read(void *m, uint64_t off, unsigned size, uint64_t *val, iommusim_time_t t)
{
	(void)m;
	(void)t;
	if (id_mmio_check(off, size) || !val)
		return -EINVAL;
	*val = 0;   /* no registers */
	return 0;
}

static int id_mmio_write(void *m, uint64_t off, unsigned size, uint64_t val, iommusim_time_t t)
{
	(void)m;
	(void)val;
	(void)t;
	return id_mmio_check(off, size);
}

static bool id_in(uint64_t lo, uint64_t hi, uint64_t a, uint64_t size)
{
	/* [a, a + size) overlaps [lo, hi); size >= 1 and no request crosses a page. */
	return lo < hi && a < hi && a + (size - 1) >= lo;
}

static bool id_present(const struct identity_iommu *id, uint64_t iova)
{
	uint64_t pfn = iova >> IOMMUSIM_PAGE_SHIFT;

	if (!id_in(id->cfg.np_lo, id->cfg.np_hi, iova, 1))
		return true;
	if (id->cfg.np_sticky)
		return false;
	for (size_t i = 0; i < id->npresent; i++)
		if (id->present[i] == pfn)
			return true;
	return false;
}

static void id_translate(void *m, const iommusim_xlate_req_t *req, iommusim_xlate_resp_t *resp)
{
	struct identity_iommu *id = m;
	uint64_t size = req->size ? req->size : 1;

	memset(resp, 0, sizeof(*resp));
	if ((unsigned)req->type < 3)
		id->requests[req->type]++;
	id->last_req = *req;
	if (req->type == IOMMUSIM_REQ_TRANSLATED) {
		resp->done = iommusim_time_add(req->issue, id->cfg.translated_latency);
		resp->cost.other_ps = id->cfg.translated_latency;
		if (!id->cfg.ats_enabled) {
			resp->status = IOMMUSIM_XLATE_FAULT;
			resp->fault_reason = IDENTITY_FR_ATS_DISABLED;
			return;
		}
		resp->status = IOMMUSIM_XLATE_OK;
		resp->addr = req->iova;
		resp->perm = id->cfg.perm;
		resp->page_size = IOMMUSIM_PAGE_SIZE;
		return;
	}
	resp->done = iommusim_time_add(req->issue, id->cfg.latency);
	resp->cost.other_ps = id->cfg.latency;
	resp->cost.mem_reads = 1;
	resp->cost.walk_reads[1][3] = 1;
	resp->cost.hits = IOMMUSIM_XS_CONFIG;
	resp->cost.misses = IOMMUSIM_XS_IOTLB;
	if (id_in(id->cfg.blocked_lo, id->cfg.blocked_hi, req->iova, size)) {
		resp->status = IOMMUSIM_XLATE_FAULT;
		resp->fault_reason = IDENTITY_FR_BLOCKED;
		return;
	}
	if (!id_present(id, req->iova)) {
		if (req->type == IOMMUSIM_REQ_ATS_TRANSLATE) {
			resp->status = IOMMUSIM_XLATE_PAGE_REQUEST;
		} else {
			resp->status = IOMMUSIM_XLATE_FAULT;
			resp->fault_reason = IDENTITY_FR_NOT_PRESENT;
		}
		return;
	}
	resp->status = IOMMUSIM_XLATE_OK;
	resp->addr = req->iova + id->cfg.offset;
	resp->perm = id->cfg.perm;
	resp->page_size = id->cfg.page_size;
	resp->untranslated_only = id->cfg.untranslated_only;
}

static void id_mark_present(struct identity_iommu *id, uint64_t iova)
{
	uint64_t pfn = iova >> IOMMUSIM_PAGE_SHIFT;

	if (id_present(id, iova))
		return;
	if (id->npresent == id->cap_present) {
		size_t cap = id->cap_present ? 2 * id->cap_present : 16;
		uint64_t *p = realloc(id->present, cap * sizeof(*p));
		if (!p)
			return;
		id->present = p;
		id->cap_present = cap;
	}
	id->present[id->npresent++] = pfn;
}

static void id_respond(void *ctx, iommusim_time_t now)
{
	struct identity_resp *r = ctx;
	struct identity_iommu *id = r->owner;

	if (r->prev)
		r->prev->next = r->next;
	else
		id->resps = r->next;
	if (r->next)
		r->next->prev = r->prev;
	if (r->msg.resp_code == IOMMUSIM_PRG_SUCCESS && !id->cfg.np_sticky)
		id_mark_present(id, r->msg.addr);
	r->msg.time = now;
	id->prg_resps++;
	if (id->env.to_device)
		id->env.to_device(id->env.dev_ctx, &r->msg);
	free(r);
}

static int id_device_msg(void *m, const iommusim_dev_msg_t *msg)
{
	struct identity_iommu *id = m;
	struct identity_resp *r;
	iommusim_time_t when;

	if (!msg)
		return -EINVAL;
	switch (msg->kind) {
	case IOMMUSIM_MSG_ATS_INVAL_CPL:
		if (id->ncpl < IDENTITY_CPL_MAX)
			id->cpl[id->ncpl] = (identity_iommu_cpl_t){
				.rid = msg->rid, .itag = msg->itag, .time = msg->time };
		id->ncpl++;
		return 0;
	case IOMMUSIM_MSG_PAGE_REQ:
		id->page_reqs++;
		id->last_page_req = *msg;
		if (!id->cfg.pri_respond)
			return 0;
		r = calloc(1, sizeof(*r));
		if (!r)
			return -ENOMEM;
		r->owner = id;
		r->msg = (iommusim_dev_msg_t){
			.kind = IOMMUSIM_MSG_PRG_RESP,
			.rid = msg->rid,
			.pasid_valid = msg->pasid_valid,
			.pasid = msg->pasid,
			.addr = msg->addr,
			.prg_index = msg->prg_index,
			.resp_code = id->cfg.prg_resp_code,
		};
		if (id->cfg.pri_respond_sync) {
			if (r->msg.resp_code == IOMMUSIM_PRG_SUCCESS && !id->cfg.np_sticky)
				id_mark_present(id, r->msg.addr);
			r->msg.time = msg->time;
			id->prg_resps++;
			if (id->env.to_device)
				id->env.to_device(id->env.dev_ctx, &r->msg);
			free(r);
			return 0;
		}
		when = iommusim_time_add(msg->time, id->cfg.prq_latency);
		when = iommusim_time_max(when, iommusim_sched_now(id->env.sched));
		r->id = iommusim_sched_at(id->env.sched, when, id_respond, r);
		if (r->id == 0) {
			free(r);
			return -ENOMEM;
		}
		r->next = id->resps;
		if (id->resps)
			id->resps->prev = r;
		id->resps = r;
		return 0;
	default:
		return -EINVAL;
	}
}

const iommusim_model_ops_t identity_iommu_ops = {
	.name = "identity",
	.component = NULL,
	.create = id_create,
	.destroy = id_destroy,
	.reset = id_reset,
	.mmio_read = id_mmio_read,
	.mmio_write = id_mmio_write,
	.translate = id_translate,
	.device_msg = id_device_msg,
};

int identity_iommu_create(const identity_iommu_cfg_t *cfg, const iommusim_model_env_t *env,
			  iommusim_model_t *m)
{
	void *impl = NULL;
	int rc;

	if (!m || !env || !env->sched)
		return -EINVAL;
	rc = id_create(NULL, env, &impl, NULL);
	if (rc)
		return rc;
	if (cfg)
		((struct identity_iommu *)impl)->cfg = *cfg;
	m->ops = &identity_iommu_ops;
	m->impl = impl;
	return 0;
}

void identity_iommu_destroy(iommusim_model_t *m)
{
	if (!m)
		return;
	id_destroy(m->impl);
	m->impl = NULL;
}

identity_iommu_cfg_t *identity_iommu_cfg(iommusim_model_t *m)
{
	return &impl_of(m)->cfg;
}

int identity_iommu_ats_inval(iommusim_model_t *m, uint32_t rid, bool pasid_valid, uint32_t pasid,
			     bool global, uint64_t addr, uint64_t size, uint32_t itag,
			     iommusim_time_t t)
{
	struct identity_iommu *id = impl_of(m);
	iommusim_dev_msg_t msg = {
		.kind = IOMMUSIM_MSG_ATS_INVAL_REQ,
		.rid = rid,
		.pasid_valid = pasid_valid,
		.pasid = pasid,
		.addr = addr,
		.size = size,
		.global = global,
		.itag = itag,
		.time = t,
	};

	if (!id->env.to_device)
		return -ENODEV;
	return id->env.to_device(id->env.dev_ctx, &msg);
}

uint64_t identity_iommu_requests(iommusim_model_t *m, iommusim_req_type_t type)
{
	return (unsigned)type < 3 ? impl_of(m)->requests[type] : 0;
}

const iommusim_xlate_req_t *identity_iommu_last_request(iommusim_model_t *m)
{
	return &impl_of(m)->last_req;
}

uint64_t identity_iommu_page_requests(iommusim_model_t *m)
{
	return impl_of(m)->page_reqs;
}

const iommusim_dev_msg_t *identity_iommu_last_page_request(iommusim_model_t *m)
{
	return &impl_of(m)->last_page_req;
}

uint64_t identity_iommu_prg_responses(iommusim_model_t *m)
{
	return impl_of(m)->prg_resps;
}

size_t identity_iommu_cpl_count(iommusim_model_t *m)
{
	return impl_of(m)->ncpl;
}

const identity_iommu_cpl_t *identity_iommu_cpl(iommusim_model_t *m, size_t i)
{
	struct identity_iommu *id = impl_of(m);

	return (i < id->ncpl && i < IDENTITY_CPL_MAX) ? &id->cpl[i] : NULL;
}

bool identity_iommu_page_present(iommusim_model_t *m, uint64_t iova)
{
	return id_present(impl_of(m), iova);
}
