/* SPDX-License-Identifier: MIT */
/*
 * Data-moving device verbs.
 *
 *   dma BDF read|write iova=N len=N [fill=B|data=HEX|pattern=seq] [pasid=N] [priv=0|1]
 *       [exec=0|1] [expect=ok|fault|pri_failed|mem_error|pending] [reason=N]
 *       [expect_data=HEX|expect_fill=B]
 *   hwdma BDF read|write iova=N len=N ... (the keys of dma; expect=ok|fault|mem_error)
 *   translated BDF read|write addr=PA len=N ... (the same, with the translated address)
 *
 * A `dma` line issues the DMA from the device's endpoint at the current time (through its
 * ATC when it has ATS, with page requests when it has PRI) and runs the simulation until it
 * is done; the drivers then see the new time (fault and page-request handlers run).
 * expect= is the final outcome: a write moves fill=/data=/pattern= bytes, a read checks the
 * bytes that arrived against expect_data=/expect_fill= (or fill=/data=/pattern=), reason=
 * the fault reason of a fault. A DMA that waits for a page response (PRI) is checked when it
 * ends -- after later lines answered the fault fd -- and reported at its own line; one
 * still waiting at the end of the stream matches only expect=pending.
 *
 * `hwdma` and `translated` skip the device model: each 4 KiB chunk is one request straight at
 * the IOMMU model (UNTRANSLATED, or TRANSLATED: PCIe AT=translated, the address a device
 * got from ATS) followed by the memory access at the address it answered. No ATC, no page
 * requests. hwdma is issued at the IOMMU (no link latency); translated crosses the device's
 * link as its requests do.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/replay/replay_int.h"

static const uapi_name_t expect_names[] = {
	{ "ok", REPLAY_DMA_OK },
	{ "fault", REPLAY_DMA_FAULT },
	{ "pri_failed", REPLAY_DMA_PRI_FAILED },
	{ "mem_error", REPLAY_DMA_MEM_ERROR },
	{ "pending", REPLAY_DMA_PENDING },
	{ NULL, 0 },
};

/* Which verb: the device's DMA engine, or a raw request at the model. */
enum dma_kind {
	DMA_DEVICE,
	DMA_HW,
	DMA_TRANSLATED,
};

static enum dma_kind kind_of(const stream_line_t *l)
{
	if (strcmp(l->verb, "hwdma") == 0)
		return DMA_HW;
	if (strcmp(l->verb, "translated") == 0)
		return DMA_TRANSLATED;
	return DMA_DEVICE;
}

static const char *addr_key(enum dma_kind k)
{
	return k == DMA_TRANSLATED ? "addr" : "iova";
}

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

/* What a dma line expects, parsed once (the pending record keeps it). */
typedef struct dma_line {
	replay_dev_t *dev;
	const char *verb;
	bool write;
	uint64_t iova;                /* translated: the translated address */
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
					 "%s: direction '%s' (read or write: the device reads "
					 "memory or writes it)", l->verb, dir);
	*write = dir[0] == 'w';
	return 0;
}

static int parse_expect(const stream_line_t *l, const stream_vars_t *vars, dma_line_t *d,
			iommusim_error_t *err)
{
	const stream_value_t *ex = stream_line_arg(l, "expect");
	const stream_value_t *rv = stream_line_arg(l, "reason");
	bool device = kind_of(l) == DMA_DEVICE;
	uint64_t v;
	int rc;

	d->expect = REPLAY_DMA_ANY;
	if (ex) {
		if (ex->kind != STREAM_WORD || uapi_name_lookup(expect_names, ex->text, &v) ||
		    (!device && v != REPLAY_DMA_OK && v != REPLAY_DMA_FAULT &&
		     v != REPLAY_DMA_MEM_ERROR))
			return stream_line_error(l, ex->col, err, -EINVAL,
						 "%s: expect= is one of %s", l->verb,
						 device ? "ok, fault, pri_failed, mem_error, pending"
							: "ok, fault, mem_error (no device model: "
							  "no page requests)");
		d->expect = (enum replay_dma_expect)v;
		d->expect_col = ex->col;
	}
	if (rv) {
		if (d->expect != REPLAY_DMA_FAULT && d->expect != REPLAY_DMA_PRI_FAILED)
			return stream_line_error(l, rv->col, err, -EINVAL,
						 "%s: reason= goes with expect=fault%s", l->verb,
						 device ? " or expect=pri_failed" : "");
		if (vars || rv->kind != STREAM_REF) {
			rc = stream_value_u64(l, "reason", rv, vars, &v, err);
			if (rc)
				return rc;
			if (v > UINT32_MAX)
				return stream_line_error(l, rv->col, err, -ERANGE,
							 "%s: reason 0x%" PRIx64
							 " is not a fault reason", l->verb, v);
			d->reason = (uint32_t)v;
		}
		d->has_reason = true;
		d->reason_col = rv->col;
	}
	return 0;
}

static int dma_check(const stream_line_t *l, iommusim_error_t *err)
{
	enum dma_kind k = kind_of(l);
	dma_line_t d;
	bool b, pv;
	uint32_t pasid;
	int rc;

	memset(&d, 0, sizeof(d));
	if ((rc = parse_dir(l, &d.write, err)) || (rc = parse_expect(l, NULL, &d, err)) ||
	    (rc = replay_check_num(l, addr_key(k), true, err)) ||
	    (rc = replay_get_pasid(l, NULL, &pv, &pasid, err)) ||
	    (rc = replay_check_bytes_k(l, &replay_bytes_src, err)) ||
	    (rc = replay_check_bytes_k(l, &replay_bytes_expected, err)) ||
	    (rc = replay_get_bool(l, "priv", false, &b, err)) ||
	    (rc = replay_get_bool(l, "exec", false, &b, err)))
		return rc;
	const stream_value_t *src = replay_bytes_arg(l, &replay_bytes_src);
	const stream_value_t *exp = replay_bytes_arg(l, &replay_bytes_expected);
	if (!stream_line_arg(l, "len") && !stream_line_arg(l, "data") &&
	    !stream_line_arg(l, "expect_data"))
		return stream_line_error(l, 0, err, -EINVAL, "%s: missing len= (or data=)", l->verb);
	if (d.write && !src)
		return stream_line_error(l, 0, err, -EINVAL,
					 "%s write: say what the device writes: fill=B, data=HEX "
					 "or pattern=seq", l->verb);
	if (d.write && exp)
		return stream_line_error(l, exp->col, err, -EINVAL,
					 "%s write: expect_data=/expect_fill= check what a read "
					 "returns; check a write with 'expect mem'", l->verb);
	if (src && exp)
		return stream_line_error(l, exp->col, err, -EINVAL,
					 "%s read: give the expected bytes once (expect_data=, "
					 "expect_fill=, or the older fill=/data=/pattern=)", l->verb);
	return 0;
}

static int dma_parse(replay_t *r, const stream_line_t *l, dma_line_t *d, iommusim_error_t *err)
{
	enum dma_kind k = kind_of(l);
	int rc;

	memset(d, 0, sizeof(*d));
	d->verb = l->verb;
	if ((rc = dma_check(l, err)) || (rc = replay_dev_lookup(r, l, 0, &d->dev, err)) ||
	    (rc = parse_expect(l, r->vars, d, err)) ||
	    (rc = stream_line_get_u64(l, addr_key(k), r->vars, &d->iova, err)) ||
	    (rc = replay_get_pasid(l, r->vars, &d->pasid_valid, &d->pasid, err)) ||
	    (rc = replay_get_bool(l, "priv", false, &d->priv, err)) ||
	    (rc = replay_get_bool(l, "exec", false, &d->exec, err)))
		return rc;
	parse_dir(l, &d->write, NULL);
	const replay_bytes_keys_t *keys = replay_bytes_arg(l, &replay_bytes_expected)
						  ? &replay_bytes_expected : &replay_bytes_src;
	rc = replay_bytes_k(l, r->vars, keys, &d->len, &d->bytes, err);
	if (rc < 0)
		return rc;
	const stream_value_t *dv = replay_bytes_arg(l, keys);
	if (dv)
		d->data_col = dv->col;
	if (d->iova + d->len < d->iova)
		return stream_line_error(l, stream_line_arg(l, addr_key(k))->col, err, -EINVAL,
					 "%s: %s 0x%" PRIx64 " + len 0x%" PRIx64 " wraps", l->verb,
					 addr_key(k), d->iova, d->len);
	return 0;
}

/* Compares a finished DMA with its line's expectations. */
static void compare(replay_t *r, const char *file, unsigned line, const dma_line_t *d,
		    const iommusim_dma_result_t *res, const uint8_t *buf)
{
	char note[256], exp_s[128], got_s[128];
	enum replay_dma_expect got = status_expect(res->status);
	const char *what = d->verb ? d->verb : "dma";
	const char *unit = strcmp(what, "translated") == 0 ? "addr" : "iova";

	if (d->expect != REPLAY_DMA_ANY) {
		if (got != d->expect) {
			if (res->status == IOMMUSIM_DMA_FAULT ||
			    res->status == IOMMUSIM_DMA_PRI_FAILED)
				snprintf(note, sizeof(note), "reason 0x%x (%s) at %s 0x%" PRIx64
					 " after %zu of %" PRIu64 " bytes", res->fault_reason,
					 res->status == IOMMUSIM_DMA_FAULT
						 ? replay_fault_reason_name(r, res->fault_reason)
						 : "page response failed",
					 unit, res->fault_iova, res->done_bytes, d->len);
			else if (res->status == IOMMUSIM_DMA_MEM_ERROR)
				snprintf(note, sizeof(note), "no memory behind the translation of "
					 "0x%" PRIx64 " after %zu of %" PRIu64 " bytes",
					 res->fault_iova, res->done_bytes, d->len);
			else
				snprintf(note, sizeof(note), "%" PRIu64 " bytes %s", d->len,
					 d->write ? "written" : "read");
			replay_report_at(r, file, line, d->expect_col, what, "status",
					 expect_name(d->expect), replay_dma_status_name(res->status),
					 note);
			return;
		}
		replay_count_checks(r, 1);
	}
	if (d->has_reason) {
		if (res->fault_reason != d->reason) {
			snprintf(exp_s, sizeof(exp_s), "0x%x (%s)", d->reason,
				 replay_fault_reason_name(r, d->reason));
			snprintf(got_s, sizeof(got_s), "0x%x (%s)", res->fault_reason,
				 replay_fault_reason_name(r, res->fault_reason));
			replay_report_at(r, file, line, d->reason_col, what, "reason", exp_s, got_s,
					 NULL);
		} else {
			replay_count_checks(r, 1);
		}
	}
	if (!d->write && d->bytes && res->status == IOMMUSIM_DMA_OK) {
		if (replay_bytes_diff(d->bytes, buf, d->len, d->iova, unit, exp_s,
				      sizeof(exp_s), got_s, sizeof(got_s), note, sizeof(note)))
			replay_report_at(r, file, line, d->data_col, what, "data", exp_s, got_s,
					 note);
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
	if (r->teardown) {
		/* nothing to report any more */
	} else if (p->tr_faults) {
		if (res->status != IOMMUSIM_DMA_OK)
			(*p->tr_faults)++;
		if (p->tr_latency && res->done >= p->issued)
			iommusim_hist_add(p->tr_latency, res->done - p->issued);
	} else if (p->expect == REPLAY_DMA_PENDING) {
		replay_report_at(r, p->file, p->line, p->expect_col, "dma", "status", "pending",
				 replay_dma_status_name(res->status),
				 "the DMA ended after its page response");
	} else {
		dma_line_t d = {
			.dev = dev, .verb = "dma", .write = p->write, .iova = p->iova,
			.len = p->len, .bytes = p->want, .expect = p->expect,
			.has_reason = p->has_reason, .reason = p->reason,
			.expect_col = p->expect_col, .reason_col = p->reason_col,
			.data_col = p->data_col,
		};
		compare(r, p->file, p->line, &d, res, p->buf);
	}
	pending_free(p);
}

/* ---- dma: the device's DMA engine ------------------------------------------------------------- */

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

/* ---- hwdma and translated: requests straight at the model ---------------------------------------- */

/* Runs d chunk by chunk at the device's IOMMU: each chunk (never crossing 4 KiB) is one
 * request of type type issued when the previous chunk ended, then the memory access at the
 * address the model answered. link is the one-way latency between the requester and the
 * IOMMU (a write ends when memory took it, a read when its data is back). */
static void hw_run(replay_t *r, const dma_line_t *d, iommusim_req_type_t type,
		   iommusim_time_t link, uint8_t *buf, iommusim_dma_result_t *res)
{
	iommusim_model_t *hw = replay_iommu(r, d->dev->iommu);
	iommusim_mem_port_t *port = iommusim_system_port(r->sys);
	iommusim_time_t t = replay_now(r);
	unsigned acc = (d->write ? IOMMUSIM_ACC_WRITE : IOMMUSIM_ACC_READ) |
		       (d->exec ? IOMMUSIM_ACC_EXEC : 0) | (d->priv ? IOMMUSIM_ACC_PRIV : 0);
	uint64_t off = 0;

	memset(res, 0, sizeof(*res));
	while (off < d->len) {
		uint64_t a = d->iova + off;
		uint64_t n = IOMMUSIM_PAGE_SIZE - (a & (IOMMUSIM_PAGE_SIZE - 1));
		iommusim_xlate_resp_t resp;
		iommusim_time_t done;
		int rc;

		if (n > d->len - off)
			n = d->len - off;
		iommusim_xlate_req_t req = {
			.rid = d->dev->cfg.rid, .pasid_valid = d->pasid_valid, .pasid = d->pasid,
			.iova = a, .size = n, .access = acc, .type = type,
			.issue = iommusim_time_add(t, link),
		};
		iommusim_model_translate(hw, &req, &resp);
		res->translations += type == IOMMUSIM_REQ_UNTRANSLATED;
		res->cost.wait_ps += resp.cost.wait_ps;
		res->cost.lookup_ps += resp.cost.lookup_ps;
		res->cost.mem_ps += resp.cost.mem_ps;
		res->cost.other_ps += resp.cost.other_ps;
		res->cost.mem_reads += resp.cost.mem_reads;
		res->cost.mem_writes += resp.cost.mem_writes;
		res->cost.hits |= resp.cost.hits;
		res->cost.misses |= resp.cost.misses;
		if (resp.status != IOMMUSIM_XLATE_OK) {
			res->status = IOMMUSIM_DMA_FAULT;
			res->fault_reason = resp.fault_reason;
			res->fault_iova = a;
			res->done_bytes = (size_t)off;
			res->done = iommusim_time_add(resp.done, link);
			return;
		}
		if (d->write)
			rc = iommusim_port_write(port, resp.addr, buf + off, (size_t)n, resp.done,
						 &done);
		else
			rc = iommusim_port_read(port, resp.addr, buf + off, (size_t)n, resp.done,
						&done);
		if (rc) {
			res->status = IOMMUSIM_DMA_MEM_ERROR;
			res->fault_iova = a;
			res->done_bytes = (size_t)off;
			res->done = iommusim_time_add(done, link);
			return;
		}
		t = d->write ? done : iommusim_time_add(done, link);
		off += n;
	}
	res->status = IOMMUSIM_DMA_OK;
	res->done_bytes = (size_t)d->len;
	res->done = t;
}

static int hwdma_run(replay_t *r, const stream_line_t *l, iommusim_error_t *err)
{
	bool translated = kind_of(l) == DMA_TRANSLATED;
	dma_line_t d;
	iommusim_dma_result_t res;
	uint8_t *buf;
	int rc = dma_parse(r, l, &d, err);

	if (rc) {
		free(d.bytes);
		return rc;
	}
	if (d.pasid_valid && d.dev->cfg.pasid_bits < 20 && d.pasid >> d.dev->cfg.pasid_bits) {
		free(d.bytes);
		return stream_line_error(l, stream_line_arg(l, "pasid")->col, err, -EINVAL,
					 "%s: pasid 0x%x is wider than the device's pasid_bits=%u",
					 l->verb, d.pasid, d.dev->cfg.pasid_bits);
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
	r->sum.dmas++;
	hw_run(r, &d, translated ? IOMMUSIM_REQ_TRANSLATED : IOMMUSIM_REQ_UNTRANSLATED,
	       translated ? d.dev->cfg.link_latency : 0, buf, &res);
	replay_advance_to(r, res.done);
	compare(r, l->file, l->lineno, &d, &res, buf);
	free(buf);
	free(d.bytes);
	return 0;
}

static const char *const dma_keys[] = {
	"iova", "len", "fill", "data", "pattern", "pasid", "priv", "exec", "expect", "reason",
	"expect_data", "expect_fill", NULL,
};
static const char *const translated_keys[] = {
	"addr", "len", "fill", "data", "pattern", "pasid", "priv", "exec", "expect", "reason",
	"expect_data", "expect_fill", NULL,
};

const replay_verb_t replay_verbs_dma[] = {
	{ .name = "dma",
	  .usage = "dma BDF read|write iova=N len=N [fill=B|data=HEX|pattern=seq] [pasid=N] "
		   "[priv=0|1] [exec=0|1] [expect=ok|fault|pri_failed|mem_error|pending] "
		   "[reason=N] [expect_data=HEX|expect_fill=B]",
	  .min_pos = 2, .max_pos = 2, .keys = dma_keys, .flags = REPLAY_VERB_SYSTEM,
	  .check = dma_check, .run = dma_run },
	{ .name = "hwdma",
	  .usage = "hwdma BDF read|write iova=N len=N [fill=B|data=HEX|pattern=seq] [pasid=N] "
		   "[priv=0|1] [exec=0|1] [expect=ok|fault|mem_error] [reason=N] "
		   "[expect_data=HEX|expect_fill=B]",
	  .min_pos = 2, .max_pos = 2, .keys = dma_keys, .flags = REPLAY_VERB_SYSTEM,
	  .check = dma_check, .run = hwdma_run },
	{ .name = "translated",
	  .usage = "translated BDF read|write addr=PA len=N [fill=B|data=HEX|pattern=seq] "
		   "[pasid=N] [priv=0|1] [exec=0|1] [expect=ok|fault|mem_error] [reason=N] "
		   "[expect_data=HEX|expect_fill=B]",
	  .min_pos = 2, .max_pos = 2, .keys = translated_keys, .flags = REPLAY_VERB_SYSTEM,
	  .check = dma_check, .run = hwdma_run },
	{ .name = NULL },
};
