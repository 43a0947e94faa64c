/* SPDX-License-Identifier: MIT */
#include "tests/support/test.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "iommusim/sched.h"

#define TMAX IOMMUSIM_TIME_MAX

/* ---- a log of what ran ---------------------------------------------------------------- */

#define LOG_MAX 200000

struct run_log {
	iommusim_sched_t *s;
	size_t n;
	long tag[LOG_MAX];
	iommusim_time_t at[LOG_MAX];
};

struct tagged {
	struct run_log *log;
	long tag;
};

static void log_event(struct run_log *log, long tag, iommusim_time_t now)
{
	assert_true(log->n < LOG_MAX);
	/* The callback sees the scheduler's clock at the event's own time. */
	assert_true(iommusim_sched_now(log->s) == now);
	log->tag[log->n] = tag;
	log->at[log->n] = now;
	log->n++;
}

static void record_fn(void *ctx, iommusim_time_t now)
{
	struct tagged *t = ctx;
	log_event(t->log, t->tag, now);
}

static struct run_log *log_new(iommusim_sched_t *s)
{
	struct run_log *log = calloc(1, sizeof(*log));
	assert_non_null(log);
	log->s = s;
	return log;
}

static void noop_fn(void *ctx, iommusim_time_t now)
{
	(void)ctx;
	(void)now;
}

/* ---- empty and bad input ---------------------------------------------------------------- */

static void empty_scheduler(void **state)
{
	iommusim_sched_t *s = iommusim_sched_create();
	iommusim_time_t t = 42;
	(void)state;
	assert_non_null(s);
	assert_int_equal(iommusim_sched_now(s), 0);
	assert_int_equal(iommusim_sched_pending(s), 0);
	assert_false(iommusim_sched_next_time(s, &t));
	assert_int_equal(t, 42);   /* untouched */
	assert_int_equal(iommusim_sched_run_one(s), 0);
	assert_int_equal(iommusim_sched_now(s), 0);
	assert_int_equal(iommusim_sched_run_all(s, 0), 0);
	assert_int_equal(iommusim_sched_run_all(s, 5), 0);
	assert_int_equal(iommusim_sched_run_until(s, 1000), 0);
	assert_int_equal(iommusim_sched_now(s), 1000);   /* time moves with no events */
	assert_int_equal(iommusim_sched_run_until(s, 1000), 0);   /* t == now is fine */
	assert_int_equal(iommusim_sched_run_until(s, 999), -EINVAL);
	assert_int_equal(iommusim_sched_now(s), 1000);
	iommusim_sched_destroy(s);
}

static void null_arguments_are_refused(void **state)
{
	iommusim_time_t t;
	(void)state;
	iommusim_sched_destroy(NULL);
	assert_int_equal(iommusim_sched_now(NULL), 0);
	assert_int_equal(iommusim_sched_pending(NULL), 0);
	assert_false(iommusim_sched_next_time(NULL, &t));
	assert_true(iommusim_sched_at(NULL, 1, noop_fn, NULL) == 0);
	assert_true(iommusim_sched_after(NULL, 1, noop_fn, NULL) == 0);
	assert_int_equal(iommusim_sched_cancel(NULL, 1), -EINVAL);
	assert_int_equal(iommusim_sched_run_until(NULL, 1), -EINVAL);
	assert_int_equal(iommusim_sched_run_one(NULL), -EINVAL);
	assert_int_equal(iommusim_sched_run_all(NULL, 1), -EINVAL);

	iommusim_sched_t *s = iommusim_sched_create();
	assert_non_null(s);
	assert_true(iommusim_sched_at(s, 1, NULL, NULL) == 0);
	assert_int_equal(iommusim_sched_pending(s), 0);
	/* next_time with no output pointer still answers */
	assert_true(iommusim_sched_at(s, 9, noop_fn, NULL) != 0);
	assert_true(iommusim_sched_next_time(s, NULL));
	iommusim_sched_destroy(s);   /* drops the pending event */
}

static void past_and_end_of_time_refused(void **state)
{
	iommusim_sched_t *s = iommusim_sched_create();
	(void)state;
	assert_int_equal(iommusim_sched_run_until(s, 100), 0);
	assert_true(iommusim_sched_at(s, 99, noop_fn, NULL) == 0);
	assert_true(iommusim_sched_at(s, 0, noop_fn, NULL) == 0);
	assert_true(iommusim_sched_at(s, TMAX, noop_fn, NULL) == 0);
	assert_true(iommusim_sched_after(s, TMAX - 100, noop_fn, NULL) == 0);   /* sum == MAX */
	assert_true(iommusim_sched_after(s, TMAX, noop_fn, NULL) == 0);         /* saturates */
	assert_int_equal(iommusim_sched_pending(s), 0);

	assert_true(iommusim_sched_at(s, 100, noop_fn, NULL) != 0);            /* at now */
	assert_true(iommusim_sched_after(s, 0, noop_fn, NULL) != 0);
	assert_true(iommusim_sched_at(s, TMAX - 1, noop_fn, NULL) != 0);
	assert_true(iommusim_sched_after(s, TMAX - 101, noop_fn, NULL) != 0);  /* MAX - 1 */
	assert_int_equal(iommusim_sched_pending(s), 4);

	iommusim_time_t t;
	assert_true(iommusim_sched_next_time(s, &t));
	assert_int_equal(t, 100);
	/* Running to the end of time runs everything; nothing can be scheduled afterwards. */
	assert_int_equal(iommusim_sched_run_until(s, TMAX), 4);
	assert_true(iommusim_sched_now(s) == TMAX);
	assert_true(iommusim_sched_after(s, 0, noop_fn, NULL) == 0);
	assert_true(iommusim_sched_at(s, TMAX - 1, noop_fn, NULL) == 0);
	assert_int_equal(iommusim_sched_run_until(s, TMAX), 0);
	iommusim_sched_destroy(s);
}

/* ---- order ---------------------------------------------------------------------------- */

static void equal_times_run_fifo(void **state)
{
	static const iommusim_time_t times[] = { 50, 30, 50, 30, 50, 0, 30, 70, 0, 50 };
	/* By hand: time 0: tags 5, 8; time 30: 1, 3, 6; time 50: 0, 2, 4, 9; time 70: 7. */
	static const long expect[] = { 5, 8, 1, 3, 6, 0, 2, 4, 9, 7 };
	static const iommusim_time_t expect_at[] = { 0, 0, 30, 30, 30, 50, 50, 50, 50, 70 };
	iommusim_sched_t *s = iommusim_sched_create();
	struct run_log *log = log_new(s);
	struct tagged tg[10];
	(void)state;

	for (long i = 0; i < 10; i++) {
		tg[i] = (struct tagged){ log, i };
		assert_true(iommusim_sched_at(s, times[i], record_fn, &tg[i]) != 0);
	}
	assert_int_equal(iommusim_sched_pending(s), 10);
	assert_int_equal(iommusim_sched_run_until(s, 30), 5);
	assert_int_equal(iommusim_sched_now(s), 30);
	assert_int_equal(iommusim_sched_run_one(s), 1);
	assert_int_equal(iommusim_sched_now(s), 50);   /* run_one moves to the event's time */
	assert_int_equal(iommusim_sched_run_all(s, 0), 4);
	assert_int_equal(iommusim_sched_now(s), 70);   /* run_all leaves now at the last event */
	assert_int_equal(log->n, 10);
	for (int i = 0; i < 10; i++) {
		assert_int_equal(log->tag[i], expect[i]);
		assert_int_equal(log->at[i], expect_at[i]);
	}
	assert_int_equal(iommusim_sched_run_one(s), 0);
	assert_int_equal(iommusim_sched_now(s), 70);
	free(log);
	iommusim_sched_destroy(s);
}

/* Expected order for the "full" test: sort (time, insertion index), which is what a stable
 * sort on time gives. */
struct ref_ev {
	iommusim_time_t time;
	long idx;
};

static int ref_ev_cmp(const void *a, const void *b)
{
	const struct ref_ev *x = a, *y = b;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

static uint64_t rng_next(uint64_t *s)
{
	/* splitmix64 */
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

#define FULL_N 50000

static void full_scheduler_runs_in_order(void **state)
{
	iommusim_sched_t *s = iommusim_sched_create();
	struct run_log *log = log_new(s);
	struct tagged *tg = calloc(FULL_N, sizeof(*tg));
	struct ref_ev *ref = calloc(FULL_N, sizeof(*ref));
	uint64_t seed = 7;
	(void)state;
	assert_non_null(tg);
	assert_non_null(ref);

	for (long i = 0; i < FULL_N; i++) {
		/* Few distinct times, so most events tie with many others. */
		iommusim_time_t t = (i % 5 == 0) ? TMAX - 1 - rng_next(&seed) % 3
						 : rng_next(&seed) % 4000;
		tg[i] = (struct tagged){ log, i };
		ref[i] = (struct ref_ev){ t, i };
		assert_true(iommusim_sched_at(s, t, record_fn, &tg[i]) != 0);
	}
	assert_int_equal(iommusim_sched_pending(s), FULL_N);
	qsort(ref, FULL_N, sizeof(*ref), ref_ev_cmp);

	/* Half via run_one with next_time checked before each, half via run_all. */
	for (long i = 0; i < FULL_N / 2; i++) {
		iommusim_time_t t;
		assert_true(iommusim_sched_next_time(s, &t));
		assert_true(t == ref[i].time);
		assert_int_equal(iommusim_sched_run_one(s), 1);
		assert_int_equal(iommusim_sched_pending(s), (size_t)(FULL_N - 1 - i));
	}
	assert_int_equal(iommusim_sched_run_all(s, 0), FULL_N - FULL_N / 2);
	assert_int_equal(log->n, FULL_N);
	for (long i = 0; i < FULL_N; i++) {
		assert_int_equal(log->tag[i], ref[i].idx);
		assert_true(log->at[i] == ref[i].time);
	}
	free(ref);
	free(tg);
	free(log);
	iommusim_sched_destroy(s);
}

/* ---- cancel ------------------------------------------------------------------------------ */

/* Cancelling from the middle of a large heap must keep the rest in order: schedule widely
 * spread times, cancel a random 60% in random order, then compare the survivors' run order
 * with the sorted reference. */
static void cancel_many_keeps_order(void **state)
{
	enum { N = 20000 };
	iommusim_sched_t *s = iommusim_sched_create();
	struct run_log *log = log_new(s);
	struct tagged *tg = calloc(N, sizeof(*tg));
	struct ref_ev *ref = calloc(N, sizeof(*ref));
	iommusim_event_id_t *h = calloc(N, sizeof(*h));
	long *order = calloc(N, sizeof(*order));
	bool *gone = calloc(N, sizeof(*gone));
	uint64_t seed = 31337;
	(void)state;
	assert_true(tg && ref && h && order && gone);

	for (long i = 0; i < N; i++) {
		iommusim_time_t t = rng_next(&seed) % (i % 2 ? 1000000 : 50);
		tg[i] = (struct tagged){ log, i };
		ref[i] = (struct ref_ev){ t, i };
		h[i] = iommusim_sched_at(s, t, record_fn, &tg[i]);
		assert_true(h[i] != 0);
		order[i] = i;
	}
	/* Fisher-Yates shuffle of the cancel order. */
	for (long i = N - 1; i > 0; i--) {
		long j = (long)(rng_next(&seed) % (uint64_t)(i + 1));
		long tmp = order[i];
		order[i] = order[j];
		order[j] = tmp;
	}
	long ncancel = N * 6 / 10;
	for (long k = 0; k < ncancel; k++) {
		assert_int_equal(iommusim_sched_cancel(s, h[order[k]]), 0);
		gone[order[k]] = true;
		if (k % 1000 == 0) {
			/* the minimum stays right while the heap shrinks from the middle */
			iommusim_time_t best = TMAX, t;
			for (long i = 0; i < N; i++)
				if (!gone[i] && ref[i].time < best)
					best = ref[i].time;
			assert_true(iommusim_sched_next_time(s, &t));
			assert_true(t == best);
		}
	}
	assert_int_equal(iommusim_sched_pending(s), N - ncancel);

	long m = 0;
	for (long i = 0; i < N; i++)
		if (!gone[i])
			ref[m++] = ref[i];
	qsort(ref, (size_t)m, sizeof(*ref), ref_ev_cmp);
	assert_int_equal(iommusim_sched_run_all(s, 0), m);
	assert_int_equal(log->n, m);
	for (long i = 0; i < m; i++)
		assert_int_equal(log->tag[i], ref[i].idx);
	free(gone);
	free(order);
	free(h);
	free(ref);
	free(tg);
	free(log);
	iommusim_sched_destroy(s);
}


static void cancel_pending_ran_twice_stale(void **state)
{
	iommusim_sched_t *s = iommusim_sched_create();
	struct run_log *log = log_new(s);
	struct tagged a = { log, 1 }, b = { log, 2 }, c = { log, 3 };
	(void)state;

	iommusim_event_id_t ha = iommusim_sched_at(s, 10, record_fn, &a);
	iommusim_event_id_t hb = iommusim_sched_at(s, 20, record_fn, &b);
	assert_true(ha != 0 && hb != 0 && ha != hb);
	assert_int_equal(iommusim_sched_cancel(s, ha), 0);
	assert_int_equal(iommusim_sched_pending(s), 1);
	assert_int_equal(iommusim_sched_cancel(s, ha), -ENOENT);   /* twice */

	/* The freed slot is reused; the old handle must not reach the new event. */
	iommusim_event_id_t hc = iommusim_sched_at(s, 15, record_fn, &c);
	assert_true(hc != 0 && hc != ha && hc != hb);
	assert_int_equal(iommusim_sched_cancel(s, ha), -ENOENT);
	assert_int_equal(iommusim_sched_pending(s), 2);

	iommusim_time_t t;
	assert_true(iommusim_sched_next_time(s, &t));
	assert_int_equal(t, 15);
	assert_int_equal(iommusim_sched_run_until(s, 100), 2);
	assert_int_equal(log->n, 2);
	assert_int_equal(log->tag[0], 3);
	assert_int_equal(log->tag[1], 2);
	assert_int_equal(iommusim_sched_cancel(s, hb), -ENOENT);   /* already ran */
	assert_int_equal(iommusim_sched_cancel(s, hc), -ENOENT);

	/* Handles that were never issued. */
	assert_int_equal(iommusim_sched_cancel(s, 0), -ENOENT);
	assert_int_equal(iommusim_sched_cancel(s, UINT64_MAX), -ENOENT);
	assert_int_equal(iommusim_sched_cancel(s, 0xdeadbeef00000001ull), -ENOENT);
	assert_int_equal(iommusim_sched_cancel(s, 1000000), -ENOENT);
	free(log);
	iommusim_sched_destroy(s);
}

static int handle_cmp(const void *a, const void *b)
{
	iommusim_event_id_t x = *(const iommusim_event_id_t *)a;
	iommusim_event_id_t y = *(const iommusim_event_id_t *)b;
	return (x > y) - (x < y);
}

static void handles_never_repeat(void **state)
{
	enum { N = 100000 };
	iommusim_sched_t *s = iommusim_sched_create();
	iommusim_event_id_t *h = calloc(N, sizeof(*h));
	uint64_t seed = 99;
	(void)state;
	assert_non_null(h);

	/* Mixed churn: keep a few events live, cancel or run the rest, so slots get reused. */
	for (int i = 0; i < N; i++) {
		h[i] = iommusim_sched_after(s, rng_next(&seed) % 8, noop_fn, NULL);
		assert_true(h[i] != 0);
		if (i % 3 == 0)
			assert_int_equal(iommusim_sched_cancel(s, h[i]), 0);
		else if (i % 3 == 1)
			assert_int_equal(iommusim_sched_run_one(s), 1);
	}
	qsort(h, N, sizeof(*h), handle_cmp);
	for (int i = 1; i < N; i++)
		assert_true(h[i] != h[i - 1]);
	free(h);
	iommusim_sched_destroy(s);
}

struct canceller {
	struct run_log *log;
	iommusim_sched_t *s;
	iommusim_event_id_t victims[3];
	int results[3];
	int nvictims;
};

static void cancel_fn(void *ctx, iommusim_time_t now)
{
	struct canceller *c = ctx;
	log_event(c->log, 100, now);
	for (int i = 0; i < c->nvictims; i++)
		c->results[i] = iommusim_sched_cancel(c->s, c->victims[i]);
}

static void cancel_from_callback(void **state)
{
	iommusim_sched_t *s = iommusim_sched_create();
	struct run_log *log = log_new(s);
	struct tagged before = { log, 1 }, same = { log, 2 }, later = { log, 3 }, keep = { log, 4 };
	struct canceller c = { .log = log, .s = s, .nvictims = 3 };
	(void)state;

	/* at 10: before, canceller, same; at 20: later, keep */
	c.victims[0] = iommusim_sched_at(s, 10, record_fn, &before);   /* already ran */
	assert_true(iommusim_sched_at(s, 10, cancel_fn, &c) != 0);
	c.victims[1] = iommusim_sched_at(s, 10, record_fn, &same);     /* same time, not yet run */
	c.victims[2] = iommusim_sched_at(s, 20, record_fn, &later);
	assert_true(iommusim_sched_at(s, 20, record_fn, &keep) != 0);

	assert_int_equal(iommusim_sched_run_until(s, 30), 3);
	assert_int_equal(c.results[0], -ENOENT);
	assert_int_equal(c.results[1], 0);
	assert_int_equal(c.results[2], 0);
	assert_int_equal(log->n, 3);
	assert_int_equal(log->tag[0], 1);
	assert_int_equal(log->tag[1], 100);
	assert_int_equal(log->tag[2], 4);
	assert_int_equal(log->at[2], 20);
	assert_int_equal(iommusim_sched_pending(s), 0);
	free(log);
	iommusim_sched_destroy(s);
}

struct self_cancel {
	iommusim_sched_t *s;
	iommusim_event_id_t self;
	int result;
	int runs;
};

static void self_cancel_fn(void *ctx, iommusim_time_t now)
{
	struct self_cancel *sc = ctx;
	(void)now;
	sc->runs++;
	sc->result = iommusim_sched_cancel(sc->s, sc->self);
}

static void cancel_running_event_is_noop(void **state)
{
	iommusim_sched_t *s = iommusim_sched_create();
	struct self_cancel sc = { .s = s, .result = 1 };
	(void)state;
	sc.self = iommusim_sched_at(s, 5, self_cancel_fn, &sc);
	assert_true(iommusim_sched_at(s, 6, noop_fn, NULL) != 0);
	assert_true(sc.self != 0);
	assert_int_equal(iommusim_sched_run_until(s, 10), 2);
	assert_int_equal(sc.runs, 1);
	assert_int_equal(sc.result, -ENOENT);
	assert_int_equal(iommusim_sched_pending(s), 0);
	iommusim_sched_destroy(s);
}

/* ---- callbacks that schedule -------------------------------------------------------------- */

struct spawner {
	struct run_log *log;
	iommusim_sched_t *s;
	struct tagged child_now, child_later;
};

static void spawn_fn(void *ctx, iommusim_time_t now)
{
	struct spawner *sp = ctx;
	log_event(sp->log, 100, now);
	assert_true(iommusim_sched_after(sp->s, 0, record_fn, &sp->child_now) != 0);
	assert_true(iommusim_sched_at(sp->s, now + 1, record_fn, &sp->child_later) != 0);
	/* The past stays closed from inside a callback too. */
	assert_true(iommusim_sched_at(sp->s, now - 1, record_fn, &sp->child_later) == 0);
}

static void callback_schedules_at_now(void **state)
{
	iommusim_sched_t *s = iommusim_sched_create();
	struct run_log *log = log_new(s);
	struct spawner sp = { .log = log, .s = s };
	struct tagged other = { log, 2 };
	(void)state;
	sp.child_now = (struct tagged){ log, 10 };
	sp.child_later = (struct tagged){ log, 11 };

	assert_true(iommusim_sched_at(s, 10, spawn_fn, &sp) != 0);
	assert_true(iommusim_sched_at(s, 10, record_fn, &other) != 0);
	/* spawn, other (already pending at 10), then the child spawned at 10; 11 waits. */
	assert_int_equal(iommusim_sched_run_until(s, 10), 3);
	assert_int_equal(log->n, 3);
	assert_int_equal(log->tag[0], 100);
	assert_int_equal(log->tag[1], 2);
	assert_int_equal(log->tag[2], 10);
	assert_int_equal(log->at[2], 10);
	assert_int_equal(iommusim_sched_pending(s), 1);
	assert_int_equal(iommusim_sched_run_until(s, 11), 1);
	assert_int_equal(log->tag[3], 11);
	free(log);
	iommusim_sched_destroy(s);
}

struct looper {
	iommusim_sched_t *s;
	iommusim_time_t delay;
	long runs;
};

static void loop_fn(void *ctx, iommusim_time_t now)
{
	struct looper *l = ctx;
	(void)now;
	l->runs++;
	assert_true(iommusim_sched_after(l->s, l->delay, loop_fn, l) != 0);
}

static void run_all_limit_stops_self_rescheduling(void **state)
{
	(void)state;
	for (iommusim_time_t delay = 0; delay < 2; delay++) {
		iommusim_sched_t *s = iommusim_sched_create();
		struct looper l = { .s = s, .delay = delay };
		assert_true(iommusim_sched_at(s, 3, loop_fn, &l) != 0);
		assert_int_equal(iommusim_sched_run_all(s, 1000), 1000);
		assert_int_equal(l.runs, 1000);
		assert_int_equal(iommusim_sched_pending(s), 1);
		assert_int_equal(iommusim_sched_now(s), 3 + 999 * delay);
		assert_int_equal(iommusim_sched_run_all(s, 1), 1);
		assert_int_equal(l.runs, 1001);
		/* run_until stops at its bound when the loop advances time: 1,001 runs covered
		 * times 3..1003, so 1004..2000 remain. */
		if (delay == 1) {
			assert_int_equal(iommusim_sched_run_until(s, 2000), 2000 - 1004 + 1);
			assert_int_equal(iommusim_sched_now(s), 2000);
		}
		iommusim_sched_destroy(s);
	}
}

struct nester {
	iommusim_sched_t *s;
	long until, one, all;
};

static void nest_fn(void *ctx, iommusim_time_t now)
{
	struct nester *n = ctx;
	n->until = iommusim_sched_run_until(n->s, now + 100);
	n->one = iommusim_sched_run_one(n->s);
	n->all = iommusim_sched_run_all(n->s, 0);
}

static void nested_run_refused(void **state)
{
	iommusim_sched_t *s = iommusim_sched_create();
	struct nester n = { .s = s };
	(void)state;
	assert_true(iommusim_sched_at(s, 5, nest_fn, &n) != 0);
	assert_true(iommusim_sched_at(s, 6, noop_fn, NULL) != 0);
	assert_int_equal(iommusim_sched_run_one(s), 1);
	assert_int_equal(n.until, -EBUSY);
	assert_int_equal(n.one, -EBUSY);
	assert_int_equal(n.all, -EBUSY);
	assert_int_equal(iommusim_sched_now(s), 5);
	assert_int_equal(iommusim_sched_pending(s), 1);
	/* and the scheduler works normally afterwards */
	assert_int_equal(iommusim_sched_run_until(s, 6), 1);
	iommusim_sched_destroy(s);
}

/* ---- randomized differential test against a reference model ---------------------------- */

/*
 * The reference keeps pending events in a plain array and finds the next one by a linear scan
 * for the smallest (time, scheduling order). Events carry a tag; what an event does when it
 * runs is a pure function of its tag, so both sides make the same calls in the same order:
 * some schedule a child (often at the current time), some cancel an earlier tag.
 */

#define DIFF_TAGS 60000

struct diff_side;

struct diff_ev {
	struct diff_side *side;
	long tag;
};

struct diff_side {
	/* real scheduler side */
	iommusim_sched_t *s;
	iommusim_event_id_t handle[DIFF_TAGS];
	struct diff_ev ev[DIFF_TAGS];
	/* reference side */
	struct { iommusim_time_t time; uint64_t seq; long tag; } pend[DIFF_TAGS];
	size_t npend;
	uint64_t seq;
	iommusim_time_t now;
	/* both */
	long ntags;
	long log[4 * DIFF_TAGS];
	size_t nlog;
};

static uint64_t tag_hash(long tag)
{
	uint64_t x = (uint64_t)tag * 0x9e3779b97f4a7c15ull + 0x632be59bd9b4e019ull;
	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9ull;
	return x ^ (x >> 32);
}

static void diff_log(struct diff_side *d, long v)
{
	assert_true(d->nlog < sizeof(d->log) / sizeof(d->log[0]));
	d->log[d->nlog++] = v;
}

static void real_fn(void *ctx, iommusim_time_t now);

static void real_schedule(struct diff_side *d, iommusim_time_t t)
{
	long tag = d->ntags++;
	assert_true(tag < DIFF_TAGS);
	d->ev[tag] = (struct diff_ev){ d, tag };
	d->handle[tag] = iommusim_sched_at(d->s, t, real_fn, &d->ev[tag]);
	assert_true(d->handle[tag] != 0);
}

/* What event `tag` does when it runs, on the real side. */
static void real_fn(void *ctx, iommusim_time_t now)
{
	struct diff_ev *e = ctx;
	struct diff_side *d = e->side;
	uint64_t h = tag_hash(e->tag);

	diff_log(d, e->tag);
	diff_log(d, (long)now);
	if (h % 4 == 0 && d->ntags < DIFF_TAGS)
		real_schedule(d, now + (h >> 8) % 3);
	if (h % 5 == 0) {
		long victim = (long)((h >> 16) % (uint64_t)d->ntags);   /* may be itself */
		diff_log(d, -1000 + iommusim_sched_cancel(d->s, d->handle[victim]));
	}
}

static void ref_schedule(struct diff_side *d, iommusim_time_t t, long tag)
{
	d->pend[d->npend].time = t;
	d->pend[d->npend].seq = d->seq++;
	d->pend[d->npend].tag = tag;
	d->npend++;
}

static bool ref_cancel(struct diff_side *d, long tag)
{
	for (size_t i = 0; i < d->npend; i++) {
		if (d->pend[i].tag == tag) {
			d->pend[i] = d->pend[--d->npend];
			return true;
		}
	}
	return false;
}

static bool ref_next(const struct diff_side *d, size_t *at)
{
	if (d->npend == 0)
		return false;
	size_t best = 0;
	for (size_t i = 1; i < d->npend; i++) {
		if (d->pend[i].time < d->pend[best].time ||
		    (d->pend[i].time == d->pend[best].time && d->pend[i].seq < d->pend[best].seq))
			best = i;
	}
	*at = best;
	return true;
}

static void ref_run_one(struct diff_side *d, size_t at, long *ntags)
{
	long tag = d->pend[at].tag;
	iommusim_time_t now = d->pend[at].time;
	uint64_t h = tag_hash(tag);

	d->pend[at] = d->pend[--d->npend];
	d->now = now;
	diff_log(d, tag);
	diff_log(d, (long)now);
	if (h % 4 == 0 && *ntags < DIFF_TAGS)
		ref_schedule(d, now + (h >> 8) % 3, (*ntags)++);
	if (h % 5 == 0) {
		long victim = (long)((h >> 16) % (uint64_t)*ntags);
		diff_log(d, -1000 + (ref_cancel(d, victim) ? 0 : -ENOENT));
	}
}

static void differential_random_mix(void **state)
{
	struct diff_side *real = calloc(1, sizeof(*real));
	struct diff_side *ref = calloc(1, sizeof(*ref));
	uint64_t seed = 20240601;
	size_t max_pending = 0;
	(void)state;
	assert_non_null(real);
	assert_non_null(ref);
	real->s = iommusim_sched_create();
	assert_non_null(real->s);

	/* Start deep: 3,000 events well ahead of where the mix will get to by small steps, which
	 * the mix's cancels pick from and its far events land among. */
	for (int i = 0; i < 3000; i++) {
		iommusim_time_t t = 1000000 + rng_next(&seed) % 1000000;
		ref_schedule(ref, t, ref->ntags++);
		real_schedule(real, t);
	}

	for (int step = 0; step < 40000 && real->ntags < DIFF_TAGS - 16; step++) {
		uint64_t r = rng_next(&seed);
		unsigned op = r % 100;
		assert_int_equal(real->ntags, ref->ntags);

		if (op < 50) {
			/* schedule: small delays so equal times are common; a third far ahead, so
			 * the heap grows to thousands of entries */
			iommusim_time_t delay = (r >> 8) % 3 == 0 ? (r >> 16) % 1000000 : (r >> 8) % 6;
			iommusim_time_t t = iommusim_sched_now(real->s) + delay;
			ref_schedule(ref, t, ref->ntags++);
			real_schedule(real, t);
		} else if (op < 70) {
			/* cancel a tag ever issued (pending, ran or cancelled), often a recent one */
			if (real->ntags == 0)
				continue;
			uint64_t span = (r & 0x80) && real->ntags > 2000 ? 2000 : (uint64_t)real->ntags;
			long tag = real->ntags - 1 - (long)((r >> 8) % span);
			int want = ref_cancel(ref, tag) ? 0 : -ENOENT;
			assert_int_equal(iommusim_sched_cancel(real->s, real->handle[tag]), want);
		} else if (op < 90) {
			iommusim_time_t t = iommusim_sched_now(real->s) + (r >> 8) % 8;
			long n = 0;
			size_t at;
			while (ref_next(ref, &at) && ref->pend[at].time <= t) {
				ref_run_one(ref, at, &ref->ntags);
				n++;
			}
			ref->now = t;
			assert_int_equal(iommusim_sched_run_until(real->s, t), n);
		} else if (op < 95) {
			size_t at;
			int n = 0;
			if (ref_next(ref, &at)) {
				ref_run_one(ref, at, &ref->ntags);
				n = 1;
			}
			assert_int_equal(iommusim_sched_run_one(real->s), n);
		} else {
			/* bounded: an unlimited run_all would drain the deep heap (the final drain
			 * below covers limit 0) */
			uint64_t limit = 1 + (r >> 8) % 8;
			long n = 0;
			size_t at;
			while ((limit == 0 || (uint64_t)n < limit) && ref_next(ref, &at)) {
				ref_run_one(ref, at, &ref->ntags);
				n++;
			}
			assert_int_equal(iommusim_sched_run_all(real->s, limit), n);
		}
		if (ref->npend > max_pending)
			max_pending = ref->npend;

		/* The two sides agree after every step. */
		assert_int_equal(real->ntags, ref->ntags);
		assert_int_equal(iommusim_sched_pending(real->s), ref->npend);
		assert_true(iommusim_sched_now(real->s) == ref->now);
		iommusim_time_t t;
		size_t at;
		bool has = ref_next(ref, &at);
		assert_int_equal(iommusim_sched_next_time(real->s, &t), has);
		if (has)
			assert_true(t == ref->pend[at].time);
		assert_int_equal(real->nlog, ref->nlog);
	}
	/* The mix really ran events, and really held a deep heap. */
	assert_true(real->nlog > 10000);
	assert_true(max_pending > 2000);
	/* Drain what is left: the tail must agree too. */
	{
		long n = 0;
		size_t at;
		while (ref_next(ref, &at)) {
			ref_run_one(ref, at, &ref->ntags);
			n++;
		}
		assert_int_equal(iommusim_sched_run_all(real->s, 0), n);
		assert_int_equal(real->nlog, ref->nlog);
		assert_int_equal(iommusim_sched_pending(real->s), 0);
	}
	assert_memory_equal(real->log, ref->log, real->nlog * sizeof(long));

	iommusim_sched_destroy(real->s);
	free(real);
	free(ref);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_scheduler),
		cmocka_unit_test(null_arguments_are_refused),
		cmocka_unit_test(past_and_end_of_time_refused),
		cmocka_unit_test(equal_times_run_fifo),
		cmocka_unit_test(full_scheduler_runs_in_order),
		cmocka_unit_test(cancel_pending_ran_twice_stale),
		cmocka_unit_test(cancel_many_keeps_order),
		cmocka_unit_test(handles_never_repeat),
		cmocka_unit_test(cancel_from_callback),
		cmocka_unit_test(cancel_running_event_is_noop),
		cmocka_unit_test(callback_schedules_at_now),
		cmocka_unit_test(run_all_limit_stops_self_rescheduling),
		cmocka_unit_test(nested_run_refused),
		cmocka_unit_test(differential_random_mix),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
