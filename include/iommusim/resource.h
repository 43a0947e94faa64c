/* SPDX-License-Identifier: MIT */
/*
 * Counting resources (DESIGN.md §2.4): a fixed number of identical slots, each busy until a
 * time. A request that is ready at t takes the slot that frees earliest (lowest index among
 * equals) and starts at max(t, that slot's free time). Walker slots, memory ports and queue
 * engines are resources.
 *
 * "Frees earliest" is literal: the slot with the smallest busy-until time wins even when
 * several slots are already free at t (the start time is the same; only the index differs).
 * A slot busy until u is free at u (busy-until is the first instant it can start new work).
 * A claimed slot is busy until IOMMUSIM_TIME_MAX ("never") until it is released.
 * IOMMUSIM_TIME_MAX as a start time means "never": nothing was taken and nothing counted.
 */
#ifndef IOMMUSIM_RESOURCE_H
#define IOMMUSIM_RESOURCE_H

#include <stdint.h>

#include "iommusim/time.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct iommusim_resource {
	unsigned nslots;
	iommusim_time_t *busy_until;   /* nslots entries */
	uint64_t grants;               /* acquisitions */
	uint64_t waited;               /* acquisitions that had to wait */
	iommusim_time_t wait_total;    /* sum of waits */
} iommusim_resource_t;

/* Initialises r with nslots (1 .. UINT_MAX - 1) free slots. Returns 0, -EINVAL or -ENOMEM;
 * on failure r is left zeroed (nslots 0), which every other function accepts. */
int iommusim_resource_init(iommusim_resource_t *r, unsigned nslots);
/* Frees the slot array and zeroes r; calling it twice is harmless. */
void iommusim_resource_fini(iommusim_resource_t *r);
/* Frees every slot and clears the counters. */
void iommusim_resource_reset(iommusim_resource_t *r);

/* Occupies a slot for `duration` from the earliest possible start at or after `ready` (the
 * slot is then busy until start + duration, saturating). Counts a grant, and a wait of
 * start - ready when start > ready. Returns the start time; *slot (if non-NULL) gets the
 * slot index. Returns IOMMUSIM_TIME_MAX with *slot = UINT_MAX if no slot can ever start the
 * work (every slot held by an unreleased claim, ready == IOMMUSIM_TIME_MAX, or r has no
 * slots). */
iommusim_time_t iommusim_resource_acquire(iommusim_resource_t *r, iommusim_time_t ready,
					  iommusim_time_t duration, unsigned *slot);

/* Claims a slot whose busy time is not known yet (a walk whose length depends on memory):
 * returns the start time and the slot in *slot; the slot stays busy until released. Slot
 * choice, counters and the IOMMUSIM_TIME_MAX ("never") result are as for acquire. */
iommusim_time_t iommusim_resource_claim(iommusim_resource_t *r, iommusim_time_t ready,
					unsigned *slot);
/* Ends a claim: the slot is busy until `until` (normally >= the claim's start; not checked).
 * Returns 0, -EINVAL if slot is out of range, or -ENOENT if the slot is not claimed (its
 * busy-until is not IOMMUSIM_TIME_MAX, e.g. released twice). */
int iommusim_resource_release(iommusim_resource_t *r, unsigned slot, iommusim_time_t until);

/* Earliest time at or after `ready` at which a slot is free, without taking it
 * (IOMMUSIM_TIME_MAX if every slot is claimed or r has no slots). */
iommusim_time_t iommusim_resource_free_at(const iommusim_resource_t *r, iommusim_time_t ready);

/* Number of slots busy at time t (busy-until > t; claimed slots are always busy). */
unsigned iommusim_resource_busy(const iommusim_resource_t *r, iommusim_time_t t);

#ifdef __cplusplus
}
#endif
#endif
