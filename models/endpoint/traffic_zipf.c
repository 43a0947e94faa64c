/* SPDX-License-Identifier: MIT */
/*
 * The zipf sampler of the traffic generators.
 * P(rank r) = r^-theta / H, H = sum over r = 1..n of r^-theta. The exact method is a
 * precomputed CDF searched by bisection (inversion): the table holds, for each rank, the
 * threshold floor(CDF(r) * 2^53) as an integer, and a sample draws a 53-bit integer u and
 * takes the first rank whose threshold exceeds u (a guide table narrows the bisection to a
 * few entries, see traffic_priv.h). The only floating point is in building the table, done
 * once, in a fixed order:
 *   w_r = exp(-theta * ln r), with ln and exp below (no libm, whose last bit may differ
 *         between C libraries), theta = theta_ppm / 10^6;
 *   c_r = c_(r-1) + w_r, summed for r = 1, 2, ..., n (one addition each, in that order);
 *   thr[r - 1] = (uint64_t)(c_r / c_n * 2^53), and thr[n - 1] = 2^53.
 * Each step is one IEEE-754 double operation (+ - * / rounded to nearest, or an exact
 * scaling by a power of two), so the table is bit-identical on every machine that evaluates
 * double expressions in double (FLT_EVAL_METHOD 0: x86-64, AArch64) and keeps multiplies and
 * adds separately rounded, which ISO C mode (-std=c11) gives with gcc. The sampling itself is
 * integer-only. The resolution is 2^-53: a rank whose probability is below that may never be
 * drawn.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/endpoint/traffic_priv.h"

/* ln 2 rounded to the nearest double, and split as HI + LO with HI holding its first 32
 * significant bits (so k * HI is exact for |k| < 2^21) and LO the rest, rounded. */
#define TRAFFIC_LN2    0x1.62e42fefa39efp-1
#define TRAFFIC_LN2_HI 0x1.62e42fee00000p-1
#define TRAFFIC_LN2_LO 0x1.a39ef35793c76p-33
/* sqrt(1/2) rounded to the nearest double. */
#define TRAFFIC_SQRT_HALF 0x1.6a09e667f3bcdp-1

/* ln x for x > 0 (the zipf table needs x >= 1): x = m * 2^e with m in [sqrt(1/2), sqrt(2)),
 * ln m = 2 atanh(s) = 2 (s + s^3/3 + s^5/5 + ...) with s = (m - 1) / (m + 1), |s| < 0.172;
 * terms up to s^25 leave an error below 2^-60 relative. */
double traffic_ln(double x)
{
	int e;

	if (!(x > 0.0))
		return -HUGE_VAL;
	double m = frexp(x, &e);   /* exact: x = m * 2^e, m in [0.5, 1) */
	if (m < TRAFFIC_SQRT_HALF) {
		m *= 2.0;              /* exact */
		e -= 1;
	}
	double s = (m - 1.0) / (m + 1.0);
	double s2 = s * s;
	double p = 1.0 / 25.0;
	for (int k = 23; k >= 1; k -= 2)
		p = p * s2 + 1.0 / (double)k;
	return ((double)e * TRAFFIC_LN2_HI + 2.0 * s * p) + (double)e * TRAFFIC_LN2_LO;
}

/* e^y: y = k ln 2 + r with k = round(y / ln 2), |r| <= ~0.35 (r = y - k HI - k LO, the
 * first subtraction exact); e^r by its Taylor series to r^17/17! (error below 2^-60
 * relative), then scaled by 2^k exactly. */
double traffic_exp(double y)
{
	if (y < -746.0)
		return 0.0;
	if (y > 709.0)
		return HUGE_VAL;
	double k = floor(y / TRAFFIC_LN2 + 0.5);   /* floor is exact */
	double r = (y - k * TRAFFIC_LN2_HI) - k * TRAFFIC_LN2_LO;
	double p = 1.0;
	for (int j = 17; j >= 1; j--)
		p = 1.0 + r * p / (double)j;
	return ldexp(p, (int)k);                 /* exact (or IEEE rounding when subnormal) */
}

int traffic_zipf_init(traffic_zipf_t *z, uint64_t n, uint32_t theta_ppm)
{
	z->n = 0;
	z->thr = NULL;
	z->guide = NULL;
	if (n == 0 || n > UINT32_MAX || n > SIZE_MAX / sizeof(uint64_t))
		return -EINVAL;
	unsigned gbits = 0;
	while (gbits < TRAFFIC_ZIPF_GUIDE_BITS_MAX && (1ull << gbits) < n)
		gbits++;
	size_t g = (size_t)1 << gbits;
	uint64_t *thr = malloc((size_t)n * sizeof(uint64_t));
	uint32_t *guide = malloc((g + 1) * sizeof(uint32_t));
	if (!thr || !guide) {
		free(thr);
		free(guide);
		return -ENOMEM;
	}
	/* First pass: the partial sums, kept (as their bits) in the table itself. */
	double theta = (double)theta_ppm / 1e6;
	double c = 0.0;
	for (uint64_t r = 1; r <= n; r++) {
		double w = theta_ppm ? traffic_exp(-(theta * traffic_ln((double)r))) : 1.0;
		c += w;
		memcpy(&thr[r - 1], &c, sizeof(c));
	}
	/* Second pass: partial sums to integer thresholds. */
	for (uint64_t i = 0; i < n; i++) {
		double ci;
		memcpy(&ci, &thr[i], sizeof(ci));
		double f = ci / c * (double)TRAFFIC_ZIPF_ONE;
		thr[i] = f >= (double)TRAFFIC_ZIPF_ONE ? TRAFFIC_ZIPF_ONE : (uint64_t)f;
	}
	thr[n - 1] = TRAFFIC_ZIPF_ONE;
	/* Cut points, integers only. */
	unsigned shift = TRAFFIC_ZIPF_BITS - gbits;
	uint64_t i = 0;
	for (size_t j = 0; j < g; j++) {
		uint64_t bound = (uint64_t)j << shift;
		while (thr[i] <= bound)   /* stops at n - 1: thr[n - 1] = 2^53 > bound */
			i++;
		guide[j] = (uint32_t)i;
	}
	guide[g] = (uint32_t)(n - 1);
	z->n = n;
	z->thr = thr;
	z->guide = guide;
	z->shift = shift;
	return 0;
}

void traffic_zipf_fini(traffic_zipf_t *z)
{
	free(z->thr);
	free(z->guide);
	z->thr = NULL;
	z->guide = NULL;
	z->n = 0;
}

uint64_t traffic_zipf_rank(const traffic_zipf_t *z, uint64_t u)
{
	uint64_t j = u >> z->shift;
	uint64_t lo = z->guide[j], hi = z->guide[j + 1];   /* the answer is in [lo, hi] */

	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (u < z->thr[mid])
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo + 1;
}
