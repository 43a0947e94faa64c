/* SPDX-License-Identifier: MIT */
/*
 * Device and time verbs.
 *
 *   dma BDF read|write iova=N (len=N | data=HEX) [fill=B|data=HEX] [pasid=N] [priv=0|1]
 *       [exec=0|1] [expect=ok|fault|pri_failed|mem_error|pending] [reason=N]
 *   advance (ns=N | us=N | ms=N)
 *
 * A `dma` line issues the DMA from the device's endpoint at the current time and runs the
 * simulation until it is done; the drivers then see the new time (fault and page-request
 * handlers run). expect= is the final outcome: a write moves fill=/data= bytes, a read
 * with fill=/data= checks the bytes that arrived, reason= the fault reason of a fault. A
 * DMA that waits for a page response (PRI) is checked when it ends -- after later lines
 * answered the fault fd -- and reported at its own line; one still waiting at the end of
 * the stream matches only expect=pending.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/replay/replay_int.h"
#include "iommusim/vtd.h"

static const uapi_name_t expect_names[] = {
	{ "ok", REPLAY_DMA_OK },
	{ "fault", REPLAY_DMA_FAULT },
	{ "pri_failed", REPLAY_DMA_PRI_FAILED },
	{ "mem_error", REPLAY_DMA_MEM_ERROR },
	{ "pending", REPLAY_DMA_PENDING },
	{ NULL, 0 },
};

static const char *expect_name(enum replay_dma_expect x)
{
	const char *n = uapi_name_of(expect_names, x);
	return n ? n : "any";
}

static enum replay_dma_expect status_expect(iommusim_dma_status_t s)
{
	switch (s) {
	case IOMMUSIM_DMA_OK:          return REPLAY_DMA_OK;
	case IOMMUSIM_DMA_FAULT:       return REPLAY_DMA_FAULT;
	case IOMMUSIM_DMA_PRI_PENDING: return REPLAY_DMA_PENDING;
	case IOMMUSIM_DMA_PRI_FAILED:  return REPLAY_DMA_PRI_FAILED;
	case IOMMUSIM_DMA_MEM_ERROR:   return REPLAY_DMA_MEM_ERROR;
	}
	return REPLAY_DMA_ANY;
}

static const char *reason_name(const replay_t *r, uint32_t fr)
{
	if (r->arch && strcmp(r->arch, "vtd") == 0)
		return iommusim_vtd_fault_reason_name(fr);
	return "fault";
}

/* What a dma line expects, parsed once (the pending record keeps it). */
typedef struct dma_line {
	replay_dev_t *dev;
	bool write;
	uint64_t iova;
	uint64_t len;
	uint8_t *bytes;               /* write: the data; read: expected data or NULL */
	bool pasid_valid;
	uint32_t pasid;
	bool priv, exec;
	enum replay_dma_expect expect;
	bool has_reason;
	uint32_t reason;
	unsigned expect_col, reason_col, data_col;
} dma_line_t;

static int parse_dir(const stream_line_t *l, bool *write, iommusim_error_t *err)
{
	const char *dir;
	int rc = stream_line_pos_text(l, 1, "direction", &dir, err);

	if (rc)
		return rc;
	if (strcmp(dir, "read") && strcmp(dir, "write"))
		return stream_line_error(l, l->pos[1].col, err, -EINVAL,
					 "dma: direction '%s' (read or write: the device reads "
					 "memory or writes it)", dir);
	*write = dir[0] == 'w';
	return 0;
}

static int parse_expect(const stream_line_t *l, const stream_vars_t *vars, dma_line_t *d,
			iommusim_error_t *err)
{
	const stream_value_t *ex = stream_line_arg(l, "expect");
	uint64_t v;
	int rc;

	d->expect = REPLAY_DMA_ANY;
	if (ex) {
		if (ex->kind != STREAM_WORD || uapi_name_lookup(expect_names, ex->text, &v))
			return stream_line_error(l, ex->col, err, -EINVAL,
						 "dma: expect= is one of ok, fault, pri_failed, "
						 "mem_error, pending");
		d->expect = (enum replay_dma_expect)v;
		d->expect_col = ex->col;
	}
	if (stream_line_arg(l, "reason")) {
		if (d->expect != REPLAY_DMA_FAULT && d->expect != REPLAY_DMA_PRI_FAILED)
			return stream_line_error(l, stream_line_arg(l, "reason")->col, err, -EINVAL,
						 "dma: reason= goes with expect=fault or "
						 "expect=pri_failed");
		if (vars || stream_line_arg(l, "reason")->kind != STREAM_REF) {
			rc = stream_line_get_u64(l, "reason", vars, &v, err);
			if (rc)
				return rc;
			if (v > UINT32_MAX)
				return stream_line_error(l, stream_line_arg(l, "reason")->col, err,
							 -ERANGE, "dma: reason 0x%" PRIx64
							 " is not a fault reason", v);
			d->reason = (uint32_t)v;
		}
		d->has_reason = true;
		d->reason_col = stream_line_arg(l, "reason")->col;
	}
	return 0;
}

static int dma_check(const stream_line_t *l, iommusim_error_t *err)
{
	dma_line_t d;
	bool b;
	int rc;

	memset(&d, 0, sizeof(d));
	if ((rc = parse_dir(l, &d.write, err)) || (rc = parse_expect(l, NULL, &d, err)) ||
	    (rc = replay_check_num(l, "iova", true, err)) ||
	    (rc = replay_check_num(l, "pasid", false, err)) ||
	    (rc = replay_check_bytes(l, err)) ||
	    (rc = replay_get_bool(l, "priv", false, &b, err)) ||
	    (rc = replay_get_bool(l, "exec", false, &b, err)))
		return rc;
	if (!stream_line_arg(l, "len") && !stream_line_arg(l, "data"))
		return stream_line_error(l, 0, err, -EINVAL, "dma: missing len= (or data=)");
	if (d.write && !stream_line_arg(l, "fill") && !stream_line_arg(l, "data"))
		return stream_line_error(l, 0, err, -EINVAL,
					 "dma write: say what the device writes: fill=B or "
					 "data=HEX");
	return 0;
}

static int dma_parse(replay_t *r, const stream_line_t *l, dma_line_t *d, iommusim_error_t *err)
{
	uint64_t pasid;
	int rc;

	memset(d, 0, sizeof(*d));
	if ((rc = dma_check(l, err)) || (rc = replay_dev_lookup(r, l, 0, &d->dev, err)) ||
	    (rc = parse_expect(l, r->vars, d, err)) ||
	    (rc = stream_line_get_u64(l, "iova", r->vars, &d->iova, err)) ||
	    (rc = replay_get_bool(l, "priv", false, &d->priv, err)) ||
	    (rc = replay_get_bool(l, "exec", false, &d->exec, err)))
		return rc;
	parse_dir(l, &d->write, NULL);
	if (stream_line_arg(l, "pasid")) {
		rc = stream_line_get_u64(l, "pasid", r->vars, &pasid, err);
		if (rc)
			return rc;
		if (pasid >= (1u << PCI_PASID_BITS_MAX))
			return stream_line_error(l, stream_line_arg(l, "pasid")->col, err, -ERANGE,
						 "dma: pasid 0x%" PRIx64 " is wider than 20 bits",
						 pasid);
		d->pasid_valid = true;
		d->pasid = (uint32_t)pasid;
	}
	rc = replay_bytes(l, r->vars, &d->len, &d->bytes, err);
	if (rc < 0)
		return rc;
	if (stream_line_arg(l, "fill"))
		d->data_col = stream_line_arg(l, "fill")->col;
	else if (stream_line_arg(l, "data"))
		d->data_col = stream_line_arg(l, "data")->col;
	if (d->iova + d->len < d->iova)
		return stream_line_error(l, stream_line_arg(l, "iova")->col, err, -EINVAL,
					 "dma: iova 0x%" PRIx64 " + len 0x%" PRIx64 " wraps", d->iova,
					 d->len);
	return 0;
}

/* Compares a finished DMA with its line's expectations. */
static void compare(replay_t *r, const char *file, unsigned line, const dma_line_t *d,
		    const iommusim_dma_result_t *res, const uint8_t *buf)
{
	char note[256], exp_s[128], got_s[128];
	enum replay_dma_expect got = status_expect(res->status);

	if (d->expect != REPLAY_DMA_ANY) {
		if (got != d->expect) {
			if (res->status == IOMMUSIM_DMA_FAULT ||
			    res->status == IOMMUSIM_DMA_PRI_FAILED)
				snprintf(note, sizeof(note), "reason 0x%x (%s) at iova 0x%" PRIx64
					 " after %zu of %" PRIu64 " bytes", res->fault_reason,
					 res->status == IOMMUSIM_DMA_FAULT
						 ? reason_name(r, res->fault_reason)
						 : "page response failed",
					 res->fault_iova, res->done_bytes, d->len);
			else
				snprintf(note, sizeof(note), "%" PRIu64 " bytes %s", d->len,
					 d->write ? "written" : "read");
			replay_report_at(r, file, line, d->expect_col, "dma", "status", expect_name(d->expect),
					 replay_dma_status_name(res->status), note);
			return;
		}
		replay_count_checks(r, 1);
	}
	if (d->has_reason) {
		if (res->fault_reason != d->reason) {
			snprintf(exp_s, sizeof(exp_s), "0x%x (%s)", d->reason,
				 reason_name(r, d->reason));
			snprintf(got_s, sizeof(got_s), "0x%x (%s)", res->fault_reason,
				 reason_name(r, res->fault_reason));
			replay_report_at(r, file, line, d->reason_col, "dma", "reason", exp_s, got_s, NULL);
		} else {
			replay_count_checks(r, 1);
		}
	}
	if (!d->write && d->bytes && res->status == IOMMUSIM_DMA_OK) {
		if (replay_bytes_diff(d->bytes, buf, d->len, d->iova, "iova", exp_s, sizeof(exp_s),
				      got_s, sizeof(got_s), note, sizeof(note)))
			replay_report_at(r, file, line, d->data_col, "dma", "data", exp_s, got_s, note);
		else
			replay_count_checks(r, 1);
	}
}

static void pending_free(replay_dma_pending_t *p)
{
	free(p->buf);
	free(p->want);
	free(p);
}

void replay_dma_free_pending(replay_dev_t *d)
{
	while (d->pending) {
		replay_dma_pending_t *p = d->pending;
		d->pending = p->next;
		pending_free(p);
	}
}

void replay_dma_done(void *ctx, const iommusim_dma_result_t *res)
{
	replay_dev_t *dev = ctx;
	replay_t *r = dev->r;
	replay_dma_pending_t **pp, **hit = NULL;

	if (!dev->pending)
		return;
	/* The endpoint does not say which DMA ended: the only one, else the one whose range
	 * holds the IOVA that waited, else the oldest. */
	for (pp = &dev->pending; *pp; pp = &(*pp)->next)
		if (res->fault_iova >= (*pp)->iova && res->fault_iova - (*pp)->iova < (*pp)->len) {
			hit = pp;
			break;
		}
	if (!hit || !dev->pending->next)
		hit = &dev->pending;
	replay_dma_pending_t *p = *hit;
	*hit = p->next;
	if (!r->teardown) {
		dma_line_t d = {
			.dev = dev, .write = p->write, .iova = p->iova, .len = p->len,
			.bytes = p->want, .expect = p->expect, .has_reason = p->has_reason,
			.reason = p->reason, .expect_col = p->expect_col,
			.reason_col = p->reason_col, .data_col = p->data_col,
		};
		if (p->expect == REPLAY_DMA_PENDING) {
			replay_report_at(r, p->file, p->line, p->expect_col, "dma", "status", "pending",
					 replay_dma_status_name(res->status),
					 "the DMA ended after its page response");
		} else {
			compare(r, p->file, p->line, &d, res, p->buf);
		}
	}
	pending_free(p);
}

static int dma_run(replay_t *r, const stream_line_t *l, iommusim_error_t *err)
{
	dma_line_t d;
	iommusim_dma_result_t res;
	iommusim_time_t now = replay_now(r);
	uint8_t *buf;
	int rc;

	rc = dma_parse(r, l, &d, err);
	if (rc) {
		free(d.bytes);
		return rc;
	}
	if (d.write) {
		buf = d.bytes;
		d.bytes = NULL;
	} else {
		buf = calloc(1, d.len);
		if (!buf) {
			free(d.bytes);
			return stream_line_error(l, 0, err, -ENOMEM, "out of memory");
		}
	}
	iommusim_dma_t req = {
		.write = d.write, .iova = d.iova, .len = (size_t)d.len, .buf = buf,
		.pasid_valid = d.pasid_valid, .pasid = d.pasid, .priv = d.priv, .exec = d.exec,
	};
	/* The buffer lives in a pending record from the start: a page request may make the
	 * endpoint finish the DMA from a later scheduler event. */
	replay_dma_pending_t *p = calloc(1, sizeof(*p));
	if (!p) {
		free(buf);
		free(d.bytes);
		return stream_line_error(l, 0, err, -ENOMEM, "out of memory");
	}
	*p = (replay_dma_pending_t){
		.file = replay_intern(r, l->file), .line = l->lineno, .seq = r->dma_seq++,
		.write = d.write, .iova = d.iova, .len = (size_t)d.len, .buf = buf,
		.want = d.bytes, .expect = d.expect, .has_reason = d.has_reason,
		.reason = d.reason, .expect_col = d.expect_col, .reason_col = d.reason_col,
		.data_col = d.data_col,
	};
	r->sum.dmas++;
	rc = iommusim_endpoint_dma(d.dev->ep, &req, now, &res);
	if (rc) {
		pending_free(p);
		return stream_line_error(l, 0, err, rc,
					 "dma: the device cannot issue this request (pasid= on a "
					 "device without PASID or wider than its pasid_bits, or an "
					 "empty or wrapping range)");
	}
	if (res.status == IOMMUSIM_DMA_PRI_PENDING) {
		replay_dma_pending_t **pp = &d.dev->pending;
		while (*pp)
			pp = &(*pp)->next;
		*pp = p;
		replay_advance_to(r, res.done);
		return 0;
	}
	replay_advance_to(r, res.done);
	d.bytes = p->want;
	compare(r, p->file, p->line, &d, &res, buf);
	pending_free(p);
	return 0;
}

/* ---- advance ----------------------------------------------------------------------------- */

static int advance_amount(const stream_line_t *l, const stream_vars_t *vars, iommusim_time_t *ps,
			  iommusim_error_t *err)
{
	static const struct { const char *key; uint64_t mult; } units[] = {
		{ "ns", IOMMUSIM_PS_PER_NS }, { "us", IOMMUSIM_PS_PER_US }, { "ms", IOMMUSIM_PS_PER_MS },
	};
	const stream_value_t *found = NULL;
	uint64_t v = 0, mult = 0;
	int rc;

	for (size_t i = 0; i < 3; i++) {
		const stream_value_t *x = stream_line_arg(l, units[i].key);
		if (!x)
			continue;
		if (found)
			return stream_line_error(l, x->col, err, -EINVAL,
						 "advance: give one of ns=, us=, ms=");
		found = x;
		mult = units[i].mult;
		if (!vars && x->kind == STREAM_REF)
			continue;
		rc = stream_value_u64(l, units[i].key, x, vars, &v, err);
		if (rc)
			return rc;
	}
	if (!found)
		return stream_line_error(l, 0, err, -EINVAL, "advance: missing ns=N (or us=, ms=)");
	if (v > IOMMUSIM_TIME_MAX / 4 / mult)
		return stream_line_error(l, found->col, err, -ERANGE, "advance: too far");
	*ps = v * mult;
	return 0;
}

static int advance_check(const stream_line_t *l, iommusim_error_t *err)
{
	iommusim_time_t t = 0;
	return advance_amount(l, NULL, &t, err);
}

static int advance_run(replay_t *r, const stream_line_t *l, iommusim_error_t *err)
{
	iommusim_time_t t = 0;
	int rc = advance_amount(l, r->vars, &t, err);

	if (rc)
		return rc;
	replay_advance_to(r, iommusim_time_add(replay_now(r), t));
	return 0;
}

static const char *const dma_keys[] = {
	"iova", "len", "fill", "data", "pasid", "priv", "exec", "expect", "reason", NULL,
};
static const char *const advance_keys[] = { "ns", "us", "ms", NULL };

const replay_verb_t replay_verbs_dma[] = {
	{ .name = "dma",
	  .usage = "dma BDF read|write iova=N len=N [fill=B|data=HEX] [pasid=N] [priv=0|1] "
		   "[exec=0|1] [expect=ok|fault|pri_failed|mem_error|pending] [reason=N]",
	  .min_pos = 2, .max_pos = 2, .keys = dma_keys, .flags = REPLAY_VERB_SYSTEM,
	  .check = dma_check, .run = dma_run },
	{ .name = "advance", .usage = "advance ns=N | us=N | ms=N",
	  .min_pos = 0, .max_pos = 0, .keys = advance_keys, .flags = REPLAY_VERB_SYSTEM,
	  .check = advance_check, .run = advance_run },
	{ .name = NULL },
};
