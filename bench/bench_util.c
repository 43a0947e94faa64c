/* SPDX-License-Identifier: MIT */
#include "bench/bench_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <jansson.h>

double bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static volatile uint64_t bench_sink;

void bench_report(const char *name, uint64_t ops, double seconds, double target)
{
	double rate = seconds > 0 ? (double)ops / seconds : 0.0;
	json_t *o = json_object();
	json_object_set_new(o, "bench", json_string(name));
	json_object_set_new(o, "ops", json_integer((json_int_t)ops));
	json_object_set_new(o, "seconds", json_real(seconds));
	json_object_set_new(o, "ops_per_sec", json_real(rate));
	json_object_set_new(o, "ns_per_op", json_real(ops ? seconds * 1e9 / (double)ops : 0.0));
	if (target > 0) {
		json_object_set_new(o, "target_ops_per_sec", json_real(target));
		json_object_set_new(o, "meets_target", json_boolean(rate >= target));
	}
	char *s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(6));
	if (s) {
		puts(s);
		free(s);
	}
	json_decref(o);
	fflush(stdout);
}

double bench_run(const char *name, bench_fn fn, void *arg, double target)
{
	const char *env = getenv("BENCH_MIN_SECONDS");
	double min_s = env ? atof(env) : 0.5;
	uint64_t n = 1024;
	double t0, dt;

	for (;;) {
		t0 = bench_now();
		bench_sink += fn(arg, n);
		dt = bench_now() - t0;
		if (dt >= min_s || n >= (1ull << 40))
			break;
		n = dt > 0.01 ? (uint64_t)((double)n * min_s / dt * 1.1) + 1 : n * 8;
	}
	bench_report(name, n, dt, target);
	return dt > 0 ? (double)n / dt : 0.0;
}
