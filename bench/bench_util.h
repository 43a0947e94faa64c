/* SPDX-License-Identifier: MIT */
/*
 * Micro-benchmark helpers. Benchmarks measure the simulator's own speed on this machine
 * (host time is allowed here and nowhere else) and print one JSON object per benchmark:
 *   {"bench": NAME, "ops": N, "seconds": S, "ops_per_sec": R, "ns_per_op": T, "target_ops_per_sec": G}
 * `make bench` collects them into build/bench/results/.
 */
#ifndef IOMMUSIM_BENCH_UTIL_H
#define IOMMUSIM_BENCH_UTIL_H

#include <stdint.h>

/* Monotonic host time in seconds. */
double bench_now(void);

/* Runs fn(arg, n) with n growing until one run takes at least min_seconds (default 0.5 s),
 * then reports it. fn returns a value that is accumulated so the work cannot be optimised
 * away. Prints the JSON line to stdout and returns ops per second. */
typedef uint64_t (*bench_fn)(void *arg, uint64_t n);
double bench_run(const char *name, bench_fn fn, void *arg, double target_ops_per_sec);

/* Reports a measurement done by hand. */
void bench_report(const char *name, uint64_t ops, double seconds, double target_ops_per_sec);

#endif
