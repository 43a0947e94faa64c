/* SPDX-License-Identifier: MIT */
/*
 * Issue times of the traffic generators: t(n) = floor(n * num / den), stepped exactly.
 * For a rate of R bits per second and B bytes per unit, num = B * 8 * 10^12 and den = R; for
 * R units per second, num = 10^12. num / den = q + r / den is split once; each step adds q
 * and keeps the sum of the fractions r / den exactly in an integer remainder, so the n-th
 * time equals the closed form for every n (no floating point, no drift).
 */
#include "models/endpoint/traffic_priv.h"

void traffic_clock_init(traffic_clock_t *c, traffic_u128 num, uint64_t den)
{
	c->den = den;
	c->q = c->r = 0;
	c->q_overflow = false;
	if (den) {
		traffic_u128 q = num / den;
		c->q_overflow = q > UINT64_MAX;
		c->q = c->q_overflow ? UINT64_MAX : (uint64_t)q;
		c->r = (uint64_t)(num % den);
	}
	traffic_clock_reset(c);
}

void traffic_clock_reset(traffic_clock_t *c)
{
	c->t = 0;
	c->rem = 0;
}

/* t(n + 1) = t(n) + q + carry, where carry is 1 when the remainders pass den: the sum of
 * the fractional parts is kept exactly in rem, so no error builds up. */
void traffic_clock_step(traffic_clock_t *c)
{
	if (!c->den || c->t == IOMMUSIM_TIME_MAX)
		return;
	if (c->q_overflow) {
		c->t = IOMMUSIM_TIME_MAX;
		return;
	}
	uint64_t carry = 0;
	if (c->rem >= c->den - c->r) {
		c->rem -= c->den - c->r;
		carry = 1;
	} else {
		c->rem += c->r;
	}
	c->t = iommusim_time_add(iommusim_time_add(c->t, c->q), carry);
}
