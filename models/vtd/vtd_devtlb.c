/* SPDX-License-Identifier: MIT */
/*
 * Device-TLB invalidations (VT-d spec 6.5.2.5, 6.5.2.6; PCIe ATS invalidation): each type
 * 0x3 / 0x8 descriptor becomes an ATS invalidation request to the endpoint with an ITag,
 * tracked until the endpoint's completion arrives. A request unanswered after
 * vtd.ats.inval_timeout_ns is an invalidation time-out (ITE, 6.5.2.10); a completion that
 * matches nothing outstanding is an invalidation completion error (ICE).
 */
#include <errno.h>
#include <stdlib.h>

#include "iommusim/hw/vtd_queue.h"
#include "models/vtd/vtd.h"
#include "models/vtd/vtd_iq_int.h"

#define ATS_ITAGS 32u   /* PCIe ITag is 5 bits */

int vtd_devtlb_init(struct vtd *v)
{
	struct vtd_iq *q = &v->iq;

	q->ats = calloc(q->p.ats_max, sizeof(*q->ats));
	if (!q->ats)
		return -ENOMEM;
	for (unsigned i = 0; i < q->p.ats_max; i++)
		q->ats[i].v = v;
	q->ats_used = 0;
	q->ats_seq = 0;
	return 0;
}

void vtd_devtlb_fini(struct vtd *v)
{
	vtd_devtlb_reset(v);
	free(v->iq.ats);
	v->iq.ats = NULL;
}

void vtd_devtlb_reset(struct vtd *v)
{
	struct vtd_iq *q = &v->iq;

	if (!q->ats)
		return;
	for (unsigned i = 0; i < q->p.ats_max; i++) {
		struct vtd_iq_ats *a = &q->ats[i];

		if (a->used && a->timeout_ev)
			iommusim_sched_cancel(v->env.sched, a->timeout_ev);
		a->used = false;
		a->timed_out = false;
		a->timeout_ev = 0;
	}
	q->ats_used = 0;
}

void vtd_devtlb_target(unsigned type, const uint64_t q[4], uint16_t *rid, unsigned *qdep)
{
	if (type == VTD_QI_TYPE_PDEVTLB) {
		*rid = (uint16_t)((q[0] & VTD_QI_PDEVTLB_SID_MASK) >> VTD_QI_PDEVTLB_SID_SHIFT);
		*qdep = (unsigned)((q[0] & VTD_QI_PDEVTLB_QDEP_MASK) >> VTD_QI_PDEVTLB_QDEP_SHIFT);
	} else {
		*rid = (uint16_t)((q[0] & VTD_QI_DEVTLB_SID_MASK) >> VTD_QI_DEVTLB_SID_SHIFT);
		*qdep = (unsigned)((q[0] & VTD_QI_DEVTLB_QDEP_MASK) >> VTD_QI_DEVTLB_QDEP_SHIFT);
	}
	/* PCIe Invalidate Queue Depth: 0 means 32. */
	if (*qdep == 0)
		*qdep = ATS_ITAGS;
}

static unsigned outstanding_to(const struct vtd *v, uint16_t rid, uint32_t *itags)
{
	const struct vtd_iq *q = &v->iq;
	unsigned n = 0;

	*itags = 0;
	for (unsigned i = 0; i < q->p.ats_max; i++) {
		if (q->ats[i].used && q->ats[i].rid == rid) {
			n++;
			*itags |= 1u << q->ats[i].itag;
		}
	}
	return n;
}

bool vtd_devtlb_has_room(const struct vtd *v, uint16_t rid, unsigned qdep)
{
	uint32_t itags;

	if (v->iq.ats_used >= v->iq.p.ats_max)
		return false;
	return outstanding_to(v, rid, &itags) < qdep && itags != 0xffffffffu;
}

void vtd_devtlb_range(uint64_t addr, bool s, uint64_t *base, uint64_t *size)
{
	uint64_t page = addr >> IOMMUSIM_PAGE_SHIFT;
	unsigned ones = 0;

	if (!s) {
		*base = addr & VTD_QI_ADDR_MASK;
		*size = IOMMUSIM_PAGE_SIZE;
		return;
	}
	/* PCIe ATS invalidation size encoding: with S set, the run of 1s starting at address
	 * bit 12 gives the size; N ones mean 2^(N+1) pages. */
	while (ones < 52 && (page >> ones) & 1)
		ones++;
	if (ones + 1 + IOMMUSIM_PAGE_SHIFT >= 63) {
		/* The whole (63-bit) address space: no IOVA reaches higher. */
		*base = 0;
		*size = 1ull << 63;
		return;
	}
	*size = IOMMUSIM_PAGE_SIZE << (ones + 1);
	*base = addr & ~(*size - 1);
}

static void ats_timeout(void *ctx, iommusim_time_t now)
{
	struct vtd_iq_ats *a = ctx;
	struct vtd *v = a->v;
	struct vtd_iq *q = &v->iq;

	a->timeout_ev = 0;
	if (!a->used)
		return;
	a->used = false;
	a->timed_out = true;
	q->ats_used--;
	(*q->st.ats_timeouts)++;
	iommusim_hist_add(q->st.time[a->type], now - a->start);
	vtd_iq_devtlb_timeout(v, a->rid, now);
}

void vtd_devtlb_send(struct vtd *v, unsigned type, const uint64_t q4[4], iommusim_time_t sent,
		     iommusim_time_t start)
{
	struct vtd_iq *q = &v->iq;
	struct vtd_iq_ats *a = NULL;
	iommusim_dev_msg_t msg = { .kind = IOMMUSIM_MSG_ATS_INVAL_REQ, .time = sent };
	uint16_t rid;
	unsigned qdep, itag;
	uint32_t used_tags, dead_tags = 0;
	bool s;

	vtd_devtlb_target(type, q4, &rid, &qdep);
	outstanding_to(v, rid, &used_tags);
	/* A free slot; a timed-out one only when no other is left. */
	for (unsigned i = 0; i < q->p.ats_max; i++) {
		struct vtd_iq_ats *c = &q->ats[i];

		if (c->timed_out && c->rid == rid)
			dead_tags |= 1u << c->itag;
		if (!c->used && (!a || (a->timed_out && !c->timed_out)))
			a = c;
	}
	if (!a || used_tags == 0xffffffffu)
		return;   /* vtd_devtlb_has_room() was checked when the descriptor was taken */
	/* The lowest ITag not in use; one whose request timed out only if nothing else is
	 * free (a late completion for it would then complete the new request). */
	for (itag = 0; itag < ATS_ITAGS; itag++)
		if (!((used_tags | dead_tags) >> itag & 1))
			break;
	if (itag == ATS_ITAGS)
		for (itag = 0; itag < ATS_ITAGS && (used_tags >> itag & 1); itag++)
			;
	if (a->timed_out || (dead_tags >> itag & 1)) {
		/* the reused ITag's tombstone goes */
		for (unsigned i = 0; i < q->p.ats_max; i++)
			if (q->ats[i].timed_out && q->ats[i].rid == rid && q->ats[i].itag == itag)
				q->ats[i].timed_out = false;
	}

	a->used = true;
	a->timed_out = false;
	a->itag = (uint8_t)itag;
	a->type = (uint8_t)type;
	a->rid = rid;
	a->seq = q->ats_seq++;
	a->sent = sent;
	a->start = start;
	a->timeout_ev = iommusim_sched_at(v->env.sched, iommusim_time_add(sent, q->p.ats_timeout),
					  ats_timeout, a);
	q->ats_used++;
	iommusim_hist_add(q->st.ats_outstanding, q->ats_used);

	msg.rid = rid;
	msg.itag = itag;
	if (type == VTD_QI_TYPE_PDEVTLB) {
		msg.pasid_valid = true;
		msg.pasid = (uint32_t)((q4[0] & VTD_QI_PASID_MASK) >> VTD_QI_PASID_SHIFT);
		msg.global = (q4[1] & VTD_QI_PDEVTLB_G) != 0;
		s = (q4[1] & VTD_QI_PDEVTLB_S) != 0;
	} else {
		s = (q4[1] & VTD_QI_DEVTLB_S) != 0;
	}
	vtd_devtlb_range(q4[1] & VTD_QI_ADDR_MASK, s, &msg.addr, &msg.size);
	(*q->st.ats_sent)++;
	/* A request to no device is lost on the link: it ends in a time-out. */
	if (!v->env.to_device || v->env.to_device(v->env.dev_ctx, &msg) != 0)
		(*q->st.ats_nodev)++;
}

bool vtd_devtlb_settled(const struct vtd *v, uint64_t limit)
{
	const struct vtd_iq *q = &v->iq;

	if (q->ats_used == 0)
		return true;
	for (unsigned i = 0; i < q->p.ats_max; i++)
		if (q->ats[i].used && q->ats[i].seq < limit)
			return false;
	return true;
}

int vtd_iq_ats_completion(struct vtd *v, const iommusim_dev_msg_t *msg)
{
	struct vtd_iq *q = &v->iq;
	iommusim_time_t t;

	if (!msg || msg->kind != IOMMUSIM_MSG_ATS_INVAL_CPL || msg->itag >= ATS_ITAGS)
		return -EINVAL;
	t = iommusim_time_max(msg->time, iommusim_sched_now(v->env.sched));
	for (unsigned i = 0; i < q->p.ats_max; i++) {
		struct vtd_iq_ats *a = &q->ats[i];

		if (!a->used || a->rid != (msg->rid & 0xffff) || a->itag != msg->itag)
			continue;
		if (a->timeout_ev)
			iommusim_sched_cancel(v->env.sched, a->timeout_ev);
		a->timeout_ev = 0;
		a->used = false;
		q->ats_used--;
		(*q->st.ats_done)++;
		iommusim_hist_add(q->st.ats_rtt, iommusim_time_sub(t, a->sent));
		iommusim_hist_add(q->st.time[a->type], iommusim_time_sub(t, a->start));
		vtd_iq_devtlb_progress(v, t);
		return 0;
	}
	for (unsigned i = 0; i < q->p.ats_max; i++) {
		struct vtd_iq_ats *a = &q->ats[i];

		if (a->timed_out && a->rid == (msg->rid & 0xffff) && a->itag == msg->itag) {
			/* The answer to a request that already timed out. */
			a->timed_out = false;
			(*q->st.ats_late)++;
			return 0;
		}
	}
	/* Invalid ITag or source-id: ICE, recording the requester if ICE was clear. */
	(*q->st.ice)++;
	if (!(v->fsts & VTD_IQ_FSTS_ICE)) {
		q->iqer = (q->iqer & ~VTD_QI_IQER_ICESID_MASK) |
			  ((uint64_t)(msg->rid & 0xffff) << VTD_QI_IQER_ICESID_SHIFT);
		vtd_fsts_set(v, VTD_IQ_FSTS_ICE, t);
	}
	return 0;
}
