/* SPDX-License-Identifier: MIT */
/*
 * The discrete-event scheduler (DESIGN.md §2.4). Events run in time order; events at the same
 * time run in the order they were scheduled (FIFO), so a run is deterministic. An outside
 * kernel (SystemC) drives it with iommusim_sched_next_time() and iommusim_sched_run_until().
 *
 * Callbacks may schedule and cancel events (including themselves: cancelling the running event
 * is a no-op). Time never goes backwards: scheduling before now is refused.
 */
#ifndef IOMMUSIM_SCHED_H
#define IOMMUSIM_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iommusim/time.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct iommusim_sched iommusim_sched_t;

/* An event handle. 0 is never a valid handle. Handles are not reused within a scheduler's
 * life (a 64-bit generation counter), so cancelling a stale handle is safe and reports -ENOENT. */
typedef uint64_t iommusim_event_id_t;

typedef void (*iommusim_event_fn)(void *ctx, iommusim_time_t now);

/* Creates an empty scheduler at time 0. Returns NULL only on allocation failure. */
iommusim_sched_t *iommusim_sched_create(void);
/* Destroys the scheduler; pending events are dropped without running. NULL is allowed. */
void iommusim_sched_destroy(iommusim_sched_t *s);

/* Current simulated time. */
iommusim_time_t iommusim_sched_now(const iommusim_sched_t *s);

/* Schedules fn(ctx) at absolute time t (t >= now, t < IOMMUSIM_TIME_MAX).
 * Returns the event's handle, or 0 if t is invalid or memory ran out. */
iommusim_event_id_t iommusim_sched_at(iommusim_sched_t *s, iommusim_time_t t,
				      iommusim_event_fn fn, void *ctx);
/* Schedules fn(ctx) at now + delay (0 if the sum reaches IOMMUSIM_TIME_MAX). */
iommusim_event_id_t iommusim_sched_after(iommusim_sched_t *s, iommusim_time_t delay,
					 iommusim_event_fn fn, void *ctx);

/* Cancels a pending event. Returns 0, or -ENOENT if it already ran, was cancelled or never
 * existed. */
int iommusim_sched_cancel(iommusim_sched_t *s, iommusim_event_id_t id);

/* Number of pending events. */
size_t iommusim_sched_pending(const iommusim_sched_t *s);

/* Time of the next pending event; false if there is none. */
bool iommusim_sched_next_time(const iommusim_sched_t *s, iommusim_time_t *t);

/* Runs every event with time <= t (including events they schedule at <= t), then sets now
 * to t. t < now is refused with -EINVAL. Returns the number of events run (>= 0). */
long iommusim_sched_run_until(iommusim_sched_t *s, iommusim_time_t t);

/* Runs the single earliest event (advancing now to its time). Returns 1 if one ran, 0 if
 * none was pending. */
int iommusim_sched_run_one(iommusim_sched_t *s);

/* Runs events until none is pending or max_events have run (0 = no limit). Returns the
 * number run. A bounded count keeps a self-rescheduling event from hanging a caller. */
long iommusim_sched_run_all(iommusim_sched_t *s, uint64_t max_events);

#ifdef __cplusplus
}
#endif
#endif
