/* SPDX-License-Identifier: MIT */
/*
 * Time conversions and clocks (DESIGN.md §2.3). Everything saturates at IOMMUSIM_TIME_MAX,
 * which the scheduler treats as "never", so an overflowing latency can only make an event
 * late, never early.
 */
#include <errno.h>
#include <stddef.h>

#include "iommusim/time.h"

/* The fastest clock whose period is still at least one picosecond. */
#define TIME_HZ_MAX IOMMUSIM_PS_PER_S

iommusim_time_t iommusim_time_from_ns(uint64_t ns)
{
	if (ns > IOMMUSIM_TIME_MAX / IOMMUSIM_PS_PER_NS)
		return IOMMUSIM_TIME_MAX;
	return ns * IOMMUSIM_PS_PER_NS;
}

double iommusim_time_to_ns(iommusim_time_t t)
{
	/* Split so the whole-ns part converts exactly for any t below 2^53 ns. */
	return (double)(t / IOMMUSIM_PS_PER_NS) +
	       (double)(t % IOMMUSIM_PS_PER_NS) / (double)IOMMUSIM_PS_PER_NS;
}

int iommusim_clock_init_hz(iommusim_clock_t *clk, uint64_t hz)
{
	if (!clk || hz == 0 || hz > TIME_HZ_MAX)
		return -EINVAL;
	/* Round to nearest; hz <= 10^12 keeps the quotient >= 1 and the sum far from overflow. */
	clk->period_ps = (IOMMUSIM_PS_PER_S + hz / 2) / hz;
	return 0;
}

/* An uninitialised clock (period 0) counts as 1 ps so that nothing divides by zero. */
static uint64_t clock_period(const iommusim_clock_t *clk)
{
	if (!clk || clk->period_ps == 0)
		return 1;
	return clk->period_ps;
}

iommusim_time_t iommusim_clock_cycles(const iommusim_clock_t *clk, uint64_t n)
{
	uint64_t p = clock_period(clk);

	if (n > IOMMUSIM_TIME_MAX / p)
		return IOMMUSIM_TIME_MAX;
	return n * p;
}

uint64_t iommusim_clock_to_cycles(const iommusim_clock_t *clk, iommusim_time_t d)
{
	uint64_t p = clock_period(clk);

	return d / p + (d % p != 0);
}

iommusim_time_t iommusim_clock_next_edge(const iommusim_clock_t *clk, iommusim_time_t t)
{
	uint64_t p = clock_period(clk);
	uint64_t rem = t % p;

	if (rem == 0)
		return t;
	/* The edge after t is t - rem + p; past the end of time it saturates to "never". */
	return iommusim_time_add(t - rem, p);
}
