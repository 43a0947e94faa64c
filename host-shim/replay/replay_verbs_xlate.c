/* SPDX-License-Identifier: MIT */
/*
 * Translation requests and page requests a device sends the IOMMU.
 *
 *   ats BDF iova=A [pasid=N] [access=r|w|rw]
 *       [-> status=ok|page_request|fault [addr=PA] [perm=r|w|rw|none] [size=BYTES] [reason=N]]
 *   expect xlate BDF iova=A [pasid=N] [access=r|w|rw]
 *       -> status=ok|page_request|fault [addr=PA] [perm=...] [size=BYTES] [reason=N]
 *   pri BDF addr=A [pasid=N] access=r|w|rw prg=N [last=0|1]
 *
 * `ats` sends one PCIe ATS translation request from the device's endpoint for the 4 KiB page
 * holding iova, and the answer fills the device's ATC as it would for a DMA (unless it is
 * marked untranslated-only). `expect xlate` sends the IOMMU an untranslated request for one
 * byte at iova (a DMA without data movement: caches fill, a fault is recorded). Both wait
 * for the answer (link latency included) and compare it with the results: status; addr,
 * the translated address (ats: of the page; expect xlate: of iova); perm, the read and
 * write permission granted (x too when the expectation names it); size, the bytes the
 * translation covers; reason, the architecture's fault reason (for page_request: the reason
 * an untranslated request would have got). Other results are compared only when status
 * matched. `pri` sends one page request (PCIe PRI) straight to the IOMMU for the page
 * holding addr, with page request group index prg (0..511); last=1 marks the last request
 * of its group. It arrives one link latency later.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/replay/replay_int.h"

static const uapi_name_t status_names[] = {
	{ "ok", IOMMUSIM_XLATE_OK },
	{ "fault", IOMMUSIM_XLATE_FAULT },
	{ "page_request", IOMMUSIM_XLATE_PAGE_REQUEST },
	{ NULL, 0 },
};

static const char *const result_keys[] = { "status", "addr", "perm", "size", "reason", NULL };

static bool is_ats(const stream_line_t *l)
{
	return strcmp(l->verb, "ats") == 0;
}

/* The device position: ats BDF, expect xlate BDF. */
static size_t dev_pos(const stream_line_t *l)
{
	return is_ats(l) ? 0 : 1;
}

static int get_access(const stream_line_t *l, unsigned def, unsigned *acc,
		      iommusim_error_t *err)
{
	const stream_value_t *v = stream_line_arg(l, "access");

	*acc = def;
	if (!v)
		return 0;
	int rc = replay_access_parse(l, v, false, acc, err);
	if (!rc && !*acc)
		return stream_line_error(l, v->col, err, -EINVAL,
					 "%s: access= asks for r, w or rw", l->verb);
	return rc;
}

static int xlate_check(const stream_line_t *l, iommusim_error_t *err)
{
	unsigned acc;
	bool pv;
	uint32_t pasid;
	uint64_t x;
	int rc;

	if ((rc = replay_check_num(l, "iova", true, err)) ||
	    (rc = replay_get_pasid(l, NULL, &pv, &pasid, err)) ||
	    (rc = get_access(l, IOMMUSIM_ACC_READ, &acc, err)))
		return rc;
	if (!is_ats(l) && !l->nres)
		return stream_line_error(l, 0, err, -EINVAL,
					 "expect xlate: say what the IOMMU answers: -> status=ok "
					 "[addr=PA] [perm=rw] [size=N], or -> status=fault reason=N");
	for (size_t i = 0; i < l->nres; i++) {
		const stream_arg_t *a = &l->res[i];
		bool known = false;
		for (size_t k = 0; result_keys[k]; k++)
			known |= strcmp(result_keys[k], a->key) == 0;
		if (!known)
			return stream_line_error(l, a->col, err, -EINVAL,
						 "%s: unknown result '%s' (results: status, addr, "
						 "perm, size, reason)", l->verb, a->key);
		if (strcmp(a->key, "status") == 0 &&
		    (a->v.kind != STREAM_WORD || uapi_name_lookup(status_names, a->v.text, &x)))
			return stream_line_error(l, a->v.col, err, -EINVAL,
						 "%s: status is ok, page_request or fault", l->verb);
		if (strcmp(a->key, "perm") == 0 &&
		    (rc = replay_access_parse(l, &a->v, true, &acc, err)))
			return rc;
		if ((strcmp(a->key, "addr") == 0 || strcmp(a->key, "size") == 0 ||
		     strcmp(a->key, "reason") == 0) && a->v.kind != STREAM_REF &&
		    (rc = stream_value_u64(l, a->key, &a->v, NULL, &x, err)))
			return rc;
	}
	return 0;
}

static void resp_summary(replay_t *r, const iommusim_xlate_resp_t *resp, char *buf, size_t len)
{
	char perm[8];

	replay_access_format(resp->perm, perm, sizeof(perm));
	if (resp->status == IOMMUSIM_XLATE_OK)
		snprintf(buf, len, "addr 0x%" PRIx64 ", perm %s, size 0x%" PRIx64, resp->addr,
			 perm, resp->page_size);
	else
		snprintf(buf, len, "reason 0x%x (%s)", resp->fault_reason,
			 replay_fault_reason_name(r, resp->fault_reason));
}

/* Compares the answer with the line's results. */
static int xlate_compare(replay_t *r, const stream_line_t *l, const iommusim_xlate_resp_t *resp,
			 iommusim_error_t *err)
{
	const char *what = is_ats(l) ? "ats" : "expect xlate";
	const stream_arg_t *status = NULL;
	char exp_s[64], got_s[64], note[160];
	int rc;

	for (size_t i = 0; i < l->nres; i++)
		if (strcmp(l->res[i].key, "status") == 0)
			status = &l->res[i];
	if (status) {
		uint64_t want = 0;
		uapi_name_lookup(status_names, status->v.text, &want);
		if (want != (uint64_t)resp->status) {
			resp_summary(r, resp, note, sizeof(note));
			replay_report(r, l, status->v.col, what, "status", status->v.text,
				      uapi_name_of(status_names, resp->status), note);
			return 0;
		}
		replay_count_checks(r, 1);
	}
	for (size_t i = 0; i < l->nres; i++) {
		const stream_arg_t *a = &l->res[i];
		if (a == status)
			continue;
		if (strcmp(a->key, "addr") == 0) {
			rc = replay_expect_u64(r, l, what, a, NULL, resp->addr, err);
		} else if (strcmp(a->key, "size") == 0) {
			rc = replay_expect_u64(r, l, what, a, NULL, resp->page_size, err);
		} else if (strcmp(a->key, "reason") == 0) {
			if (a->v.kind == STREAM_REF) {
				rc = replay_expect_u64(r, l, what, a, NULL, resp->fault_reason, err);
			} else {
				uint64_t want = a->v.num;
				rc = 0;
				if (want == resp->fault_reason) {
					replay_count_checks(r, 1);
					continue;
				}
				snprintf(exp_s, sizeof(exp_s), "0x%" PRIx64 " (%s)", want,
					 replay_fault_reason_name(r, (uint32_t)want));
				snprintf(got_s, sizeof(got_s), "0x%x (%s)", resp->fault_reason,
					 resp->status == IOMMUSIM_XLATE_OK
						 ? "none: the translation succeeded"
						 : replay_fault_reason_name(r, resp->fault_reason));
				replay_report(r, l, a->v.col, what, "reason", exp_s, got_s, NULL);
			}
		} else {   /* perm */
			unsigned want = 0;
			rc = replay_access_parse(l, &a->v, true, &want, err);
			if (rc)
				return rc;
			unsigned mask = IOMMUSIM_ACC_READ | IOMMUSIM_ACC_WRITE |
					(want & IOMMUSIM_ACC_EXEC);
			if ((resp->perm & mask) == want) {
				replay_count_checks(r, 1);
				continue;
			}
			replay_access_format(want, exp_s, sizeof(exp_s));
			replay_access_format(resp->perm & mask, got_s, sizeof(got_s));
			replay_report(r, l, a->v.col, what, "perm", exp_s, got_s, NULL);
		}
		if (rc)
			return rc;
	}
	return 0;
}

static int xlate_run(replay_t *r, const stream_line_t *l, iommusim_error_t *err)
{
	replay_dev_t *d;
	iommusim_xlate_resp_t resp;
	uint64_t iova;
	unsigned acc;
	bool pv;
	uint32_t pasid;
	int rc;

	if ((rc = xlate_check(l, err)) || (rc = replay_dev_lookup(r, l, dev_pos(l), &d, err)) ||
	    (rc = stream_line_get_u64(l, "iova", r->vars, &iova, err)) ||
	    (rc = replay_get_pasid(l, r->vars, &pv, &pasid, err)) ||
	    (rc = get_access(l, IOMMUSIM_ACC_READ, &acc, err)))
		return rc;
	iommusim_time_t now = replay_now(r);
	if (is_ats(l)) {
		if (!d->cfg.ats)
			return stream_line_error(l, l->pos[0].col, err, -EINVAL,
						 "ats: %s has no ATS (give ats=1 on its device line)",
						 d->bdfname);
		rc = iommusim_endpoint_ats_translate(d->ep, iova, pv, pasid, acc, now, &resp);
		if (rc)
			return stream_line_error(l, stream_line_arg(l, "pasid")
							    ? stream_line_arg(l, "pasid")->col : 0,
						 err, rc, "ats: the device cannot send this request "
						 "(a PASID wider than its pasid_bits=%u)",
						 d->cfg.pasid_bits);
	} else {
		iommusim_xlate_req_t req = {
			.rid = d->cfg.rid, .pasid_valid = pv, .pasid = pasid, .iova = iova,
			.size = 1, .access = acc, .type = IOMMUSIM_REQ_UNTRANSLATED,
			.issue = iommusim_time_add(now, d->cfg.link_latency),
		};
		iommusim_model_translate(replay_iommu(r, d->iommu), &req, &resp);
		resp.done = iommusim_time_add(resp.done, d->cfg.link_latency);
	}
	replay_advance_to(r, resp.done);
	return xlate_compare(r, l, &resp, err);
}

/* ---- pri ---------------------------------------------------------------------------------------- */

static int pri_check(const stream_line_t *l, iommusim_error_t *err)
{
	const stream_value_t *acc = stream_line_arg(l, "access");
	const stream_value_t *prg = stream_line_arg(l, "prg");
	unsigned a;
	uint64_t x;
	bool b, pv;
	uint32_t pasid;
	int rc;

	if ((rc = replay_check_num(l, "addr", true, err)) ||
	    (rc = replay_check_num(l, "prg", true, err)) ||
	    (rc = replay_get_pasid(l, NULL, &pv, &pasid, err)) ||
	    (rc = replay_get_bool(l, "last", false, &b, err)))
		return rc;
	if (!acc)
		return stream_line_error(l, 0, err, -ENOENT,
					 "pri: missing access=r|w|rw (what the device needs)");
	if ((rc = replay_access_parse(l, acc, false, &a, err)))
		return rc;
	if (!a)
		return stream_line_error(l, acc->col, err, -EINVAL, "pri: access= asks for r, w or rw");
	if (prg->kind != STREAM_REF && (stream_value_u64(l, "prg", prg, NULL, &x, NULL) || x > 511))
		return stream_line_error(l, prg->col, err, -ERANGE,
					 "pri: prg is a page request group index, 0..511");
	return 0;
}

static int pri_run(replay_t *r, const stream_line_t *l, iommusim_error_t *err)
{
	replay_dev_t *d;
	uint64_t addr, prg;
	unsigned acc;
	bool last, pv;
	uint32_t pasid;
	int rc;

	if ((rc = pri_check(l, err)) || (rc = replay_dev_lookup(r, l, 0, &d, err)) ||
	    (rc = stream_line_get_u64(l, "addr", r->vars, &addr, err)) ||
	    (rc = stream_line_get_u64(l, "prg", r->vars, &prg, err)) ||
	    (rc = replay_get_pasid(l, r->vars, &pv, &pasid, err)))
		return rc;
	replay_get_bool(l, "last", false, &last, NULL);
	replay_access_parse(l, stream_line_arg(l, "access"), false, &acc, NULL);
	if (prg > 511)
		return stream_line_error(l, stream_line_arg(l, "prg")->col, err, -ERANGE,
					 "pri: prg is a page request group index, 0..511");
	iommusim_model_t *hw = replay_iommu(r, d->iommu);
	iommusim_dev_msg_t msg = {
		.kind = IOMMUSIM_MSG_PAGE_REQ, .rid = d->cfg.rid, .pasid_valid = pv,
		.pasid = pasid, .addr = addr & ~(IOMMUSIM_PAGE_SIZE - 1), .access = acc,
		.prg_index = (uint32_t)prg, .last = last,
		.time = iommusim_time_add(replay_now(r), d->cfg.link_latency),
	};
	rc = hw->ops->device_msg(hw->impl, &msg);
	if (rc)
		return stream_line_error(l, 0, err, rc, "pri: the IOMMU refused the page request "
					 "message");
	replay_advance_to(r, msg.time);
	return 0;
}

static const char *const xlate_keys[] = { "iova", "pasid", "access", NULL };
static const char *const pri_keys[] = { "addr", "pasid", "access", "prg", "last", NULL };

const replay_verb_t replay_verbs_xlate[] = {
	{ .name = "ats",
	  .usage = "ats BDF iova=A [pasid=N] [access=r|w|rw] [-> status=ok|page_request|fault "
		   "[addr=PA] [perm=r|w|rw|none] [size=BYTES] [reason=N]]",
	  .min_pos = 1, .max_pos = 1, .keys = xlate_keys,
	  .flags = REPLAY_VERB_SYSTEM | REPLAY_VERB_RESULTS, .check = xlate_check,
	  .run = xlate_run },
	{ .name = "expect xlate",
	  .usage = "expect xlate BDF iova=A [pasid=N] [access=r|w|rw] -> "
		   "status=ok|page_request|fault [addr=PA] [perm=r|w|rw|none] [size=BYTES] "
		   "[reason=N]",
	  .min_pos = 1, .max_pos = 1, .keys = xlate_keys,
	  .flags = REPLAY_VERB_SYSTEM | REPLAY_VERB_RESULTS, .check = xlate_check,
	  .run = xlate_run },
	{ .name = "pri",
	  .usage = "pri BDF addr=A [pasid=N] access=r|w|rw prg=N [last=0|1]",
	  .min_pos = 1, .max_pos = 1, .keys = pri_keys, .flags = REPLAY_VERB_SYSTEM,
	  .check = pri_check, .run = pri_run },
	{ .name = NULL },
};
