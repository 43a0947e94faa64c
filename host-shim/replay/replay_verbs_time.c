/* SPDX-License-Identifier: MIT */
/*
 * Time verbs.
 *
 *   advance (ns=N | us=N | ms=N)
 *   wait idle [iommu=N] [dev=BDF] [timeout_ns=N]
 *
 * `advance` runs the simulation forward by a fixed amount. `wait idle` runs it event by
 * event until nothing is left in flight: the IOMMU's invalidation queue is empty (head ==
 * tail), no device message it accepted is still on its way (a page request until its
 * descriptor is in the page request queue: the model's msgs_in_flight op) and, with a
 * driver, its page request queue was drained; the device has no ATS invalidation
 * unanswered and no DMA waiting for a page response. Without iommu= every
 * IOMMU is waited for, without dev= every device behind the IOMMUs waited for (with dev=
 * alone: that device and its IOMMU). What is still busy after timeout_ns (default 10 ms) --
 * or when nothing left to run could change it -- is reported as a mismatch of the line,
 * and time then stands at the deadline. `wait idle` answers no page request itself.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/replay/replay_int.h"

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

/* ---- wait idle ----------------------------------------------------------------------------- */

#define WAIT_DEFAULT_NS UINT64_C(10000000)         /* 10 ms */
#define WAIT_MAX_NS     UINT64_C(3600000000000)     /* one simulated hour */
/* Scheduler steps one line may take: a model that keeps scheduling cannot hang a run. */
#define WAIT_MAX_STEPS  10000000u

static int wait_timeout(const stream_line_t *l, const stream_vars_t *vars, uint64_t *ns,
			iommusim_error_t *err)
{
	const stream_value_t *v = stream_line_arg(l, "timeout_ns");
	int rc;

	*ns = WAIT_DEFAULT_NS;
	if (!v || (!vars && v->kind == STREAM_REF))
		return 0;
	rc = stream_value_u64(l, "timeout_ns", v, vars, ns, err);
	if (rc)
		return rc;
	if (*ns > WAIT_MAX_NS)
		return stream_line_error(l, v->col, err, -ERANGE,
					 "wait idle: timeout_ns=%" PRIu64 " is above one simulated "
					 "hour (%" PRIu64 ")", *ns, WAIT_MAX_NS);
	return 0;
}

static int wait_check(const stream_line_t *l, iommusim_error_t *err)
{
	uint64_t ns;
	int rc = replay_check_num(l, "iommu", false, err);

	if (rc)
		return rc;
	if (stream_line_arg(l, "dev") && stream_line_arg(l, "dev")->kind != STREAM_WORD)
		return stream_line_error(l, stream_line_arg(l, "dev")->col, err, -EINVAL,
					 "wait idle: dev= is a device address (0000:03:00.0)");
	return wait_timeout(l, NULL, &ns, err);
}

/* Appends to a "; "-separated description. */
static void add_text(char *buf, size_t len, const char *text)
{
	size_t pos = strlen(buf);
	if (pos + 1 >= len)
		return;
	snprintf(buf + pos, len - pos, "%s%s", pos ? "; " : "", text);
}

/* Whether what the line waits for is still busy; describes it in buf. */
static bool busy(replay_t *r, const bool *iommus, replay_dev_t *only, char *buf, size_t len)
{
	char part[192];

	buf[0] = '\0';
	for (size_t i = 0; i < r->niommu; i++) {
		if (!iommus[i])
			continue;
		if (replay_iommu_busy(r, i, part, sizeof(part)))
			add_text(buf, len, part);
		/* Sent but not landed: its arrival is only a scheduler event, which no
		 * register shows yet. */
		iommusim_model_t *m = replay_iommu(r, i);
		unsigned msgs = m && m->ops->msgs_in_flight ? m->ops->msgs_in_flight(m->impl) : 0;
		if (msgs) {
			snprintf(part, sizeof(part), "%s: %u device message%s on the way in "
				 "(%s not yet in the queue)", r->iommu_name[i], msgs,
				 msgs == 1 ? "" : "s", msgs == 1 ? "a page request" : "page requests");
			add_text(buf, len, part);
		}
	}
	for (size_t i = 0; i < r->ndevs; i++) {
		replay_dev_t *d = r->devs[i];
		if (only ? d != only : !iommus[d->iommu])
			continue;
		unsigned inval = iommusim_endpoint_inval_pending(d->ep);
		unsigned dmas = iommusim_endpoint_dma_pending(d->ep);
		if (inval) {
			snprintf(part, sizeof(part), "%s: %u ATS invalidation%s unanswered",
				 d->bdfname, inval, inval == 1 ? "" : "s");
			add_text(buf, len, part);
		}
		if (dmas) {
			snprintf(part, sizeof(part), "%s: %u DMA%s waiting for a page response",
				 d->bdfname, dmas, dmas == 1 ? "" : "s");
			add_text(buf, len, part);
		}
	}
	return buf[0] != '\0';
}

static int wait_run(replay_t *r, const stream_line_t *l, iommusim_error_t *err)
{
	bool iommus[REPLAY_IOMMUS_MAX] = { false };
	replay_dev_t *dev = NULL;
	iommusim_sched_t *s = iommusim_system_sched(r->sys);
	char what[512], exp_s[64], got_s[64];
	uint64_t ns;
	unsigned idx;
	int rc;

	if ((rc = wait_check(l, err)) || (rc = wait_timeout(l, r->vars, &ns, err)))
		return rc;
	if (stream_line_arg(l, "dev")) {
		rc = replay_dev_lookup_key(r, l, "dev", &dev, err);
		if (rc)
			return rc;
	}
	if (stream_line_arg(l, "iommu")) {
		rc = replay_iommu_arg(r, l, 0, &idx, err);
		if (rc)
			return rc;
		iommus[idx] = true;
	} else if (dev) {
		iommus[dev->iommu] = true;
	} else {
		for (size_t i = 0; i < r->niommu; i++)
			iommus[i] = true;
	}
	iommusim_time_t start = replay_now(r);
	iommusim_time_t deadline = iommusim_time_add(start, ns * IOMMUSIM_PS_PER_NS);
	bool stuck = false;
	for (unsigned step = 0; busy(r, iommus, dev, what, sizeof(what)); step++) {
		iommusim_time_t next;
		if (step >= WAIT_MAX_STEPS || !iommusim_sched_next_time(s, &next) ||
		    next > deadline) {
			stuck = step < WAIT_MAX_STEPS && !iommusim_sched_next_time(s, &next);
			replay_advance_to(r, deadline);
			/* the last events may have finished it */
			if (!busy(r, iommus, dev, what, sizeof(what)))
				break;
			snprintf(exp_s, sizeof(exp_s), "idle within %" PRIu64 " ns", ns);
			snprintf(got_s, sizeof(got_s), "busy after %" PRIu64 " ns", ns);
			if (stuck && strlen(what) + 64 < sizeof(what))
				strcat(what, " (nothing left to run can change it)");
			replay_report(r, l, 0, "wait idle", "idle", exp_s, got_s, what);
			return 0;
		}
		/* an event may be due at the current time: run it too */
		iommusim_time_t now = replay_now(r);
		iommusim_sched_run_until(s, next > now ? next : now);
		replay_sync(r);
	}
	replay_count_checks(r, 1);
	return 0;
}

static const char *const advance_keys[] = { "ns", "us", "ms", NULL };
static const char *const wait_keys[] = { "iommu", "dev", "timeout_ns", NULL };

const replay_verb_t replay_verbs_time[] = {
	{ .name = "advance", .usage = "advance ns=N | us=N | ms=N",
	  .min_pos = 0, .max_pos = 0, .keys = advance_keys, .flags = REPLAY_VERB_SYSTEM,
	  .check = advance_check, .run = advance_run },
	{ .name = "wait idle", .usage = "wait idle [iommu=N] [dev=BDF] [timeout_ns=N]",
	  .min_pos = 0, .max_pos = 0, .keys = wait_keys, .flags = REPLAY_VERB_SYSTEM,
	  .check = wait_check, .run = wait_run },
	{ .name = NULL },
};
