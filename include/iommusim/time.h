/* SPDX-License-Identifier: MIT */
/*
 * One time base (DESIGN.md §2.3): simulated time is a 64-bit count of picoseconds, which
 * covers about 213 days. Arithmetic that could pass the end saturates at IOMMUSIM_TIME_MAX
 * ("never"); the scheduler refuses to schedule at IOMMUSIM_TIME_MAX.
 *
 * A clock turns a component's cycles into picoseconds. Periods are whole picoseconds, so a
 * 1 GHz clock has period 1000 ps and a 3 GHz clock 333 ps (frequencies that do not divide
 * 10^12 are rounded to the nearest picosecond; that rounding is documented per component).
 */
#ifndef IOMMUSIM_TIME_H
#define IOMMUSIM_TIME_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uint64_t iommusim_time_t;

#define IOMMUSIM_TIME_MAX UINT64_MAX
#define IOMMUSIM_PS_PER_NS 1000ull
#define IOMMUSIM_PS_PER_US 1000000ull
#define IOMMUSIM_PS_PER_MS 1000000000ull
#define IOMMUSIM_PS_PER_S  1000000000000ull

/* a + b, or IOMMUSIM_TIME_MAX if the sum would pass it. */
static inline iommusim_time_t iommusim_time_add(iommusim_time_t a, iommusim_time_t b)
{
	return (a > IOMMUSIM_TIME_MAX - b) ? IOMMUSIM_TIME_MAX : a + b;
}

/* a - b, or 0 if b > a. */
static inline iommusim_time_t iommusim_time_sub(iommusim_time_t a, iommusim_time_t b)
{
	return a > b ? a - b : 0;
}

static inline iommusim_time_t iommusim_time_max(iommusim_time_t a, iommusim_time_t b)
{
	return a > b ? a : b;
}

/* Nanoseconds as picoseconds, saturating. */
iommusim_time_t iommusim_time_from_ns(uint64_t ns);
/* Picoseconds as (fractional) nanoseconds, for reports. */
double iommusim_time_to_ns(iommusim_time_t t);

/* The clock functions below treat a NULL clock or a period of 0 (never initialised) as a
 * 1 ps period, so they never divide by zero. */
typedef struct iommusim_clock {
	uint64_t period_ps;   /* > 0 */
} iommusim_clock_t;

/* Initialises clk from a frequency in Hz (1 Hz .. 1 THz): period_ps = 10^12 / hz rounded to
 * the nearest picosecond, halves up (3 GHz gives 333 ps, 1.5 GHz 667 ps, 400 GHz 3 ps).
 * Returns 0, or -EINVAL (clk NULL, hz 0 or hz > 10^12) leaving clk unchanged. */
int iommusim_clock_init_hz(iommusim_clock_t *clk, uint64_t hz);

/* Duration of n cycles, saturating. */
iommusim_time_t iommusim_clock_cycles(const iommusim_clock_t *clk, uint64_t n);

/* Whole cycles in a duration, rounded up (a partial cycle costs a cycle). */
uint64_t iommusim_clock_to_cycles(const iommusim_clock_t *clk, iommusim_time_t d);

/* The first clock edge at or after t (edges at multiples of the period). If that edge lies
 * past IOMMUSIM_TIME_MAX the result is IOMMUSIM_TIME_MAX ("never"), which need not be an edge. */
iommusim_time_t iommusim_clock_next_edge(const iommusim_clock_t *clk, iommusim_time_t t);

#ifdef __cplusplus
}
#endif
#endif
