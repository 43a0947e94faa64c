/* SPDX-License-Identifier: MIT */
/*
 * Expectations on what the IOMMU recorded and counted.
 *
 *   expect fault [iommu=N] reason=R [addr=A] [dev=BDF] [pasid=N] [count=N]
 *   expect nofault [iommu=N]
 *   expect stat NAME OP VALUE            OP: < <= == >= >
 *
 * Fault records come from the driver's fault log (what its fault handler read from the
 * hardware) or, on a system with driver=none, from the fault recording registers (read and
 * cleared as a handler would). They wait until an expect line takes them: `expect fault`
 * passes when at least one waiting record (exactly count=N of them) has the reason, and
 * the page of addr, the requester dev and the PASID when given, and takes every record
 * that matches; `expect nofault` passes when none waits (and takes them all, so that one
 * fault is reported once). Records lost to an overflow (the driver's log, or FSTS.PFO) were
 * never recorded: a failing line's note says how many. Without iommu=, `expect fault` looks at dev's IOMMU (IOMMU 0
 * without dev=) and `expect nofault` at every IOMMU.
 *
 * `expect stat` compares a statistic of the run (`iommusim replay --json` lists them: the
 * model's, the drivers', the devices', the traffic generators'; a histogram's NAME.count,
 * .min, .max, .mean, .p50, .p90, .p99). An unknown name stops the replay with the names
 * closest to it.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/replay/replay_int.h"

/* ---- expect fault / nofault ------------------------------------------------------------------ */

typedef struct fault_filter {
	uint32_t reason;
	bool has_addr, has_dev, has_pasid, has_count;
	uint64_t addr;
	uint16_t rid;
	char dev[PCI_BDF_STRLEN];
	uint32_t pasid;
	uint64_t count;
} fault_filter_t;

static int filter_parse(replay_t *r, const stream_line_t *l, fault_filter_t *f,
			iommusim_error_t *err)
{
	const stream_vars_t *vars = r ? r->vars : NULL;
	const stream_value_t *v;
	uint64_t x;
	bool pv;
	int rc;

	memset(f, 0, sizeof(*f));
	v = stream_line_arg(l, "reason");
	if (!v)
		return stream_line_error(l, 0, err, -ENOENT,
					 "expect fault: missing reason=N (the architecture's fault "
					 "reason; VT-d: 0x71 first-level entry not present, ...)");
	if (vars || v->kind != STREAM_REF) {
		if ((rc = stream_value_u64(l, "reason", v, vars, &x, err)))
			return rc;
		if (x > 0xff)
			return stream_line_error(l, v->col, err, -ERANGE,
						 "expect fault: reason 0x%" PRIx64 " is not a fault "
						 "reason (0..0xff)", x);
		f->reason = (uint32_t)x;
	}
	if ((v = stream_line_arg(l, "addr"))) {
		f->has_addr = true;
		if ((vars || v->kind != STREAM_REF) &&
		    (rc = stream_value_u64(l, "addr", v, vars, &f->addr, err)))
			return rc;
	}
	if ((v = stream_line_arg(l, "count"))) {
		f->has_count = true;
		if ((vars || v->kind != STREAM_REF) &&
		    (rc = stream_value_u64(l, "count", v, vars, &f->count, err)))
			return rc;
	}
	if ((rc = replay_get_pasid(l, vars, &pv, &f->pasid, err)))
		return rc;
	f->has_pasid = pv;
	if ((v = stream_line_arg(l, "dev"))) {
		pci_bdf_t b;
		iommusim_error_t e;
		if (v->kind != STREAM_WORD || pci_bdf_parse(v->text, &b, &e))
			return stream_line_error(l, v->col, err, -EINVAL,
						 "expect fault: dev= is a device address "
						 "(0000:03:00.0)");
		f->has_dev = true;
		f->rid = pci_bdf_rid(&b);
		pci_bdf_format(&b, f->dev, sizeof(f->dev));
	}
	return 0;
}

static bool filter_match(const fault_filter_t *f, const replay_fault_rec_t *rec)
{
	return rec->reason == f->reason &&
	       (!f->has_addr || (rec->addr & ~(IOMMUSIM_PAGE_SIZE - 1)) ==
				(f->addr & ~(IOMMUSIM_PAGE_SIZE - 1))) &&
	       (!f->has_dev || rec->sid == f->rid) &&
	       (!f->has_pasid || (rec->pasid_valid && rec->pasid == f->pasid));
}

static void rec_text(const replay_t *r, const replay_fault_rec_t *rec, char *buf, size_t len)
{
	char pasid[32] = "";

	if (rec->pasid_valid)
		snprintf(pasid, sizeof(pasid), " pasid %u", rec->pasid);
	snprintf(buf, len, "0x%x (%s) at 0x%" PRIx64 " from 0000:%02x:%02x.%u%s %s", rec->reason,
		 replay_fault_reason_name(r, rec->reason), rec->addr, rec->sid >> 8,
		 (rec->sid >> 3) & 0x1f, rec->sid & 7u, pasid, rec->write ? "write" : "read");
}

/* What the IOMMU recorded and no expect line took yet, for a note (a mismatch keeps 255
 * characters: the count of lost records first, then the first two records). */
static void recs_note(const replay_t *r, const replay_fault_rec_t *recs, size_t n,
		      uint64_t lost, char *buf, size_t len)
{
	size_t pos = 0;
	char one[160];
	int k;

	buf[0] = '\0';
	if (lost)
		pos = (size_t)snprintf(buf, len, "%" PRIu64 " lost to overflow; ", lost);
	if (!n) {
		snprintf(buf + pos, len - pos,
			 "no fault recorded that an earlier expect line did not take");
		return;
	}
	k = snprintf(buf + pos, len - pos, "%zu recorded: ", n);
	pos += k > 0 ? (size_t)k : 0;
	for (size_t i = 0; i < n && i < 2 && pos < len; i++) {
		rec_text(r, &recs[i], one, sizeof(one));
		k = snprintf(buf + pos, len - pos, "%s%s", i ? "; " : "", one);
		if (k < 0)
			break;
		pos += (size_t)k;
	}
	if (n > 2 && pos < len)
		snprintf(buf + pos, len - pos, "; ...");
}

static int fault_check(const stream_line_t *l, iommusim_error_t *err)
{
	fault_filter_t f;
	int rc = replay_check_num(l, "iommu", false, err);

	return rc ? rc : filter_parse(NULL, l, &f, err);
}

static int fault_run(replay_t *r, const stream_line_t *l, iommusim_error_t *err)
{
	fault_filter_t f;
	iommusim_error_t e;
	size_t match = 0;
	unsigned iommu = 0;
	char want[160], got[64], note[320], exp_s[192];
	int rc;

	if ((rc = filter_parse(r, l, &f, err)))
		return rc;
	if (!stream_line_arg(l, "iommu") && f.has_dev) {
		pci_bdf_t b;
		pci_bdf_parse(stream_line_arg(l, "dev")->text, &b, NULL);
		for (size_t i = 0; i < r->ndevs; i++)
			if (pci_bdf_equal(&r->devs[i]->bdf, &b))
				iommu = r->devs[i]->iommu;
	}
	if ((rc = replay_iommu_arg(r, l, iommu, &iommu, err)))
		return rc;
	if ((rc = replay_faults_take(r, iommu, &e)))
		return stream_line_error(l, 0, err, rc, "expect fault: %s", e.msg);
	replay_fault_rec_t *pend = r->fault_pend[iommu];
	size_t n = r->nfault_pend[iommu];
	for (size_t i = 0; i < n; i++)
		match += filter_match(&f, &pend[i]);
	bool ok = f.has_count ? match == f.count : match > 0;
	if (ok) {
		replay_count_checks(r, 1);
	} else {
		size_t pos = (size_t)snprintf(want, sizeof(want), "reason 0x%x", f.reason);
		if (f.has_addr)
			pos += (size_t)snprintf(want + pos, sizeof(want) - pos, " addr 0x%" PRIx64,
						f.addr & ~(uint64_t)0xfff);
		if (f.has_dev)
			pos += (size_t)snprintf(want + pos, sizeof(want) - pos, " dev %s", f.dev);
		if (f.has_pasid)
			snprintf(want + pos, sizeof(want) - pos, " pasid %u", f.pasid);
		if (f.has_count) {
			snprintf(exp_s, sizeof(exp_s), "%" PRIu64 " record%s with %s", f.count,
				 f.count == 1 ? "" : "s", want);
			snprintf(got, sizeof(got), "%zu", match);
		} else {
			snprintf(exp_s, sizeof(exp_s), "a record with %s", want);
			snprintf(got, sizeof(got), "none of %zu", n);
		}
		recs_note(r, pend, n, r->fault_lost[iommu], note, sizeof(note));
		const stream_value_t *col = stream_line_arg(l, f.has_count ? "count" : "reason");
		replay_report(r, l, col ? col->col : 0, "expect fault",
			      f.has_count ? "count" : "record", exp_s, got, note);
	}
	/* The records the line is about are taken, whether or not there were as many as it
	 * said: the others wait for later lines. */
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!filter_match(&f, &pend[i]))
			pend[k++] = pend[i];
	r->nfault_pend[iommu] = k;
	return 0;
}

static int nofault_run(replay_t *r, const stream_line_t *l, iommusim_error_t *err)
{
	unsigned first = 0, last = (unsigned)r->niommu;
	int rc;

	if (stream_line_arg(l, "iommu")) {
		if ((rc = replay_iommu_arg(r, l, 0, &first, err)))
			return rc;
		last = first + 1;
	}
	for (unsigned i = first; i < last; i++) {
		iommusim_error_t e;
		char got[64], note[320];
		if ((rc = replay_faults_take(r, i, &e)))
			return stream_line_error(l, 0, err, rc, "expect nofault: %s", e.msg);
		size_t n = r->nfault_pend[i];
		uint64_t lost = r->fault_lost[i];
		/* a fault lost to overflow was never recorded: it is only mentioned */
		r->fault_lost[i] = 0;
		if (!n) {
			replay_count_checks(r, 1);
			continue;
		}
		snprintf(got, sizeof(got), "%zu record%s on %s", n, n == 1 ? "" : "s",
			 r->iommu_name[i]);
		recs_note(r, r->fault_pend[i], n, lost, note, sizeof(note));
		replay_report(r, l, 0, "expect nofault", "faults", "none", got, note);
		r->nfault_pend[i] = 0;
	}
	return 0;
}

/* ---- expect stat ------------------------------------------------------------------------------- */

enum stat_op { OP_LT, OP_LE, OP_EQ, OP_GE, OP_GT };
static const char *const op_text[] = { "<", "<=", "==", ">=", ">" };

static int stat_op(const stream_line_t *l, enum stat_op *op, iommusim_error_t *err)
{
	const stream_value_t *v = &l->pos[2];

	if (v->kind == STREAM_WORD || v->kind == STREAM_STRING)
		for (size_t i = 0; i < sizeof(op_text) / sizeof(op_text[0]); i++)
			if (strcmp(v->text, op_text[i]) == 0) {
				*op = (enum stat_op)i;
				return 0;
			}
	return stream_line_error(l, v->col, err, -EINVAL,
				 "expect stat: the comparison is one of < <= == >= > "
				 "(expect stat NAME OP VALUE)");
}

/* VALUE: a number (negative allowed), a decimal fraction such as 0.5, or a bound $name. */
static int stat_value(const stream_line_t *l, const stream_vars_t *vars, double *out,
		      iommusim_error_t *err)
{
	const stream_value_t *v = &l->pos[3];
	uint64_t u;
	int rc;

	switch (v->kind) {
	case STREAM_NUMBER:
		*out = v->neg ? -(double)v->num : (double)v->num;
		return 0;
	case STREAM_REF:
		if (!vars)
			return 0;
		rc = stream_vars_get(vars, v->text, l->file, l->lineno, v->col, &u, err);
		*out = (double)u;
		return rc;
	case STREAM_WORD: {
		char *end;
		const char *s = v->text;
		bool digits = false;
		for (const char *c = s; *c; c++)
			digits |= *c >= '0' && *c <= '9';
		*out = strtod(s, &end);
		if (digits && *end == '\0' && (s[0] == '-' || s[0] == '.' ||
					       (s[0] >= '0' && s[0] <= '9')) && isfinite(*out))
			return 0;
		break;
	}
	default:
		break;
	}
	return stream_line_error(l, v->col, err, -EINVAL,
				 "expect stat: the value is a number (42, 0x2a, 0.5) or a "
				 "bound $name");
}

static int stat_check(const stream_line_t *l, iommusim_error_t *err)
{
	enum stat_op op = OP_EQ;
	double v;
	int rc;

	if (l->pos[1].kind != STREAM_WORD && l->pos[1].kind != STREAM_STRING)
		return stream_line_error(l, l->pos[1].col, err, -EINVAL,
					 "expect stat: NAME is a statistic's dotted name "
					 "(vtd.iotlb.miss)");
	if ((rc = stat_op(l, &op, err)))
		return rc;
	return stat_value(l, NULL, &v, err);
}

static void num_text(double v, char *buf, size_t len)
{
	if (v == floor(v) && fabs(v) < 9007199254740992.0)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.6g", v);
}

static int stat_run(replay_t *r, const stream_line_t *l, iommusim_error_t *err)
{
	const char *name = l->pos[1].text;
	iommusim_error_t e;
	enum stat_op op = OP_EQ;
	double want = 0, got = 0;
	bool ok;
	int rc;

	if ((rc = stat_check(l, err)) || (rc = stat_op(l, &op, err)) ||
	    (rc = stat_value(l, r->vars, &want, err)))
		return rc;
	rc = iommusim_stats_get(iommusim_system_stats(r->sys), name, &got, &e);
	if (rc)
		return stream_line_error(l, l->pos[1].col, err, rc, "expect stat: %s", e.msg);
	switch (op) {
	case OP_LT: ok = got < want; break;
	case OP_LE: ok = got <= want; break;
	case OP_EQ: ok = got == want; break;
	case OP_GE: ok = got >= want; break;
	default:    ok = got > want; break;
	}
	if (ok) {
		replay_count_checks(r, 1);
		return 0;
	}
	char w[48], g[48], exp_s[64];
	num_text(want, w, sizeof(w));
	num_text(got, g, sizeof(g));
	snprintf(exp_s, sizeof(exp_s), "%s %s", op_text[op], w);
	replay_report(r, l, l->pos[3].col, "expect stat", name, exp_s, g, NULL);
	return 0;
}

static const char *const fault_keys[] = { "iommu", "reason", "addr", "dev", "pasid", "count",
					  NULL };
static const char *const nofault_keys[] = { "iommu", NULL };

const replay_verb_t replay_verbs_expect[] = {
	{ .name = "expect fault",
	  .usage = "expect fault [iommu=N] reason=R [addr=A] [dev=BDF] [pasid=N] [count=N]",
	  .min_pos = 0, .max_pos = 0, .keys = fault_keys, .flags = REPLAY_VERB_SYSTEM,
	  .check = fault_check, .run = fault_run },
	{ .name = "expect nofault", .usage = "expect nofault [iommu=N]",
	  .min_pos = 0, .max_pos = 0, .keys = nofault_keys, .flags = REPLAY_VERB_SYSTEM,
	  .check = NULL, .run = nofault_run },
	{ .name = "expect stat", .usage = "expect stat NAME OP VALUE (OP: < <= == >= >)",
	  .min_pos = 3, .max_pos = 3, .keys = (const char *const[]){ NULL },
	  .flags = REPLAY_VERB_SYSTEM, .check = stat_check, .run = stat_run },
	{ .name = NULL },
};
