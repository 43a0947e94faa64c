/* SPDX-License-Identifier: MIT */
/*
 * The discrete-event scheduler (DESIGN.md §2.4). Events run in time order; events at the same
 * time run in the order they were scheduled (FIFO), so a run is deterministic. An outside
 * kernel (SystemC) drives it with iommusim_sched_next_time() and iommusim_sched_run_until().
 *
 * Callbacks may schedule and cancel events (including themselves: cancelling the running event
 * is a no-op). Time never goes backwards: scheduling before now is refused.
 *
 * Inside a callback, now is the event's time; an event a callback schedules at now runs after
 * every event already pending at now, in the same run_until. A callback must not call the run
 * functions (refused with -EBUSY) nor destroy the scheduler.
 *
 * Scheduling and running allocate nothing once the scheduler has held its peak number of
 * pending events (arrays grow by doubling and freed slots are reused).
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
 * life, so cancelling a stale handle is safe and reports -ENOENT. (A handle names a slot,
 * low 32 bits = index + 1, and that slot's 32-bit generation, high bits; a slot whose
 * generation is used up is retired rather than reused. Treat handles as opaque.) */
typedef uint64_t iommusim_event_id_t;

typedef void (*iommusim_event_fn)(void *ctx, iommusim_time_t now);

/* Creates an empty scheduler at time 0. Returns NULL only on allocation failure. */
iommusim_sched_t *iommusim_sched_create(void);
/* Destroys the scheduler; pending events are dropped without running. NULL is allowed. */
void iommusim_sched_destroy(iommusim_sched_t *s);

/* Current simulated time. */
iommusim_time_t iommusim_sched_now(const iommusim_sched_t *s);

/* Schedules fn(ctx) at absolute time t (t >= now, t < IOMMUSIM_TIME_MAX).
 * Returns the event's handle, or 0 if t is invalid, s or fn is NULL, or memory ran out
 * (the scheduler is unchanged then). */
iommusim_event_id_t iommusim_sched_at(iommusim_sched_t *s, iommusim_time_t t,
				      iommusim_event_fn fn, void *ctx);
/* Schedules fn(ctx) at now + delay (0 if the sum reaches IOMMUSIM_TIME_MAX). */
iommusim_event_id_t iommusim_sched_after(iommusim_sched_t *s, iommusim_time_t delay,
					 iommusim_event_fn fn, void *ctx);

/* Cancels a pending event. Returns 0, or -ENOENT if it already ran, is running now (the
 * running event is no longer pending: nothing happens), was cancelled or never existed;
 * -EINVAL if s is NULL. */
int iommusim_sched_cancel(iommusim_sched_t *s, iommusim_event_id_t id);

/* Number of pending events. */
size_t iommusim_sched_pending(const iommusim_sched_t *s);

/* Time of the next pending event; false if there is none. */
bool iommusim_sched_next_time(const iommusim_sched_t *s, iommusim_time_t *t);

/* Runs every event with time <= t (including events they schedule at <= t), then sets now
 * to t. t < now is refused with -EINVAL, a call from inside a callback with -EBUSY. Returns
 * the number of events run (>= 0). t may be IOMMUSIM_TIME_MAX: everything pending runs and
 * time ends (nothing can be scheduled afterwards). Events that keep scheduling more events
 * at <= t keep it running; bound such models with run_all. */
long iommusim_sched_run_until(iommusim_sched_t *s, iommusim_time_t t);

/* Runs the single earliest event (advancing now to its time). Returns 1 if one ran, 0 if
 * none was pending (now unchanged), -EBUSY from inside a callback. */
int iommusim_sched_run_one(iommusim_sched_t *s);

/* Runs events until none is pending or max_events have run (0 = no limit). Returns the
 * number run, or -EBUSY from inside a callback. now is the time of the last event run (it
 * does not move when none ran). A bounded count keeps a self-rescheduling event from hanging
 * a caller. */
long iommusim_sched_run_all(iommusim_sched_t *s, uint64_t max_events);

#ifdef __cplusplus
}
#endif
#endif
