/* SPDX-License-Identifier: MIT */
/*
 * Counting resources (DESIGN.md §2.4). A slot is free at time t when its busy-until time is
 * <= t: busy-until is the first instant the slot can start new work. A claimed slot (length
 * of the work not known yet) is busy until IOMMUSIM_TIME_MAX, i.e. "never free", until it is
 * released.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "iommusim/resource.h"

int iommusim_resource_init(iommusim_resource_t *r, unsigned nslots)
{
	if (!r)
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	if (nslots == 0 || nslots == UINT_MAX)
		return -EINVAL;
	r->busy_until = calloc(nslots, sizeof(*r->busy_until));
	if (!r->busy_until)
		return -ENOMEM;
	r->nslots = nslots;
	return 0;
}

void iommusim_resource_fini(iommusim_resource_t *r)
{
	if (!r)
		return;
	free(r->busy_until);
	memset(r, 0, sizeof(*r));
}

void iommusim_resource_reset(iommusim_resource_t *r)
{
	if (!r)
		return;
	if (r->busy_until)
		memset(r->busy_until, 0, (size_t)r->nslots * sizeof(*r->busy_until));
	r->grants = 0;
	r->waited = 0;
	r->wait_total = 0;
}

/* The slot that frees first, lowest index among equal times; nslots if there is none. */
static unsigned resource_earliest(const iommusim_resource_t *r)
{
	unsigned best = 0;

	if (!r || !r->busy_until || r->nslots == 0)
		return UINT_MAX;
	for (unsigned i = 1; i < r->nslots; i++)
		if (r->busy_until[i] < r->busy_until[best])
			best = i;
	return best;
}

/* Takes the earliest slot for work that ends at start + duration (IOMMUSIM_TIME_MAX for a
 * claim). Returns the start time, or IOMMUSIM_TIME_MAX ("never") without taking anything or
 * counting anything when the work could not start before the end of time: every slot held
 * by an unreleased claim, or ready itself is IOMMUSIM_TIME_MAX. */
static iommusim_time_t resource_take(iommusim_resource_t *r, iommusim_time_t ready,
				     iommusim_time_t duration, bool claim, unsigned *slot)
{
	unsigned i = resource_earliest(r);

	if (slot)
		*slot = UINT_MAX;
	if (i == UINT_MAX)
		return IOMMUSIM_TIME_MAX;
	iommusim_time_t start = iommusim_time_max(ready, r->busy_until[i]);
	if (start == IOMMUSIM_TIME_MAX)
		return IOMMUSIM_TIME_MAX;

	r->busy_until[i] = claim ? IOMMUSIM_TIME_MAX : iommusim_time_add(start, duration);
	r->grants++;
	if (start > ready) {
		r->waited++;
		r->wait_total = iommusim_time_add(r->wait_total, start - ready);
	}
	if (slot)
		*slot = i;
	return start;
}

iommusim_time_t iommusim_resource_acquire(iommusim_resource_t *r, iommusim_time_t ready,
					  iommusim_time_t duration, unsigned *slot)
{
	return resource_take(r, ready, duration, false, slot);
}

iommusim_time_t iommusim_resource_claim(iommusim_resource_t *r, iommusim_time_t ready,
					unsigned *slot)
{
	return resource_take(r, ready, 0, true, slot);
}

int iommusim_resource_release(iommusim_resource_t *r, unsigned slot, iommusim_time_t until)
{
	if (!r || !r->busy_until || slot >= r->nslots)
		return -EINVAL;
	if (r->busy_until[slot] != IOMMUSIM_TIME_MAX)
		return -ENOENT;
	r->busy_until[slot] = until;
	return 0;
}

iommusim_time_t iommusim_resource_free_at(const iommusim_resource_t *r, iommusim_time_t ready)
{
	unsigned i = resource_earliest(r);

	if (i == UINT_MAX)
		return IOMMUSIM_TIME_MAX;
	return iommusim_time_max(ready, r->busy_until[i]);
}

unsigned iommusim_resource_busy(const iommusim_resource_t *r, iommusim_time_t t)
{
	unsigned n = 0;

	if (!r || !r->busy_until)
		return 0;
	for (unsigned i = 0; i < r->nslots; i++)
		n += r->busy_until[i] > t;
	return n;
}
