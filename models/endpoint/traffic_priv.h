/* SPDX-License-Identifier: MIT */
/*
 * Internals of the traffic generators (include/iommusim/traffic.h): the seeded pseudo-random
 * generator, the zipf table, and the exact issue-time stepper. Exposed to the tests.
 */
#ifndef IOMMUSIM_TRAFFIC_PRIV_H
#define IOMMUSIM_TRAFFIC_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "iommusim/error.h"
#include "iommusim/time.h"
#include "iommusim/traffic.h"

__extension__ typedef unsigned __int128 traffic_u128;

/* ---- pseudo-random numbers ------------------------------------------------------------
 * xoshiro256** (Blackman and Vigna, 2018) with its four state words taken from four
 * successive outputs of splitmix64 started at the seed, so every seed (0 included) gives a
 * usable, distinct state. Integer operations only: the same numbers on every machine. */
typedef struct traffic_rng {
	uint64_t s[4];
} traffic_rng_t;

static inline uint64_t traffic_splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline void traffic_rng_seed(traffic_rng_t *r, uint64_t seed)
{
	uint64_t x = seed;
	for (int i = 0; i < 4; i++)
		r->s[i] = traffic_splitmix64(&x);
}

static inline uint64_t traffic_rotl(uint64_t v, int k)
{
	return (v << k) | (v >> (64 - k));
}

static inline uint64_t traffic_rng_next(traffic_rng_t *r)
{
	uint64_t *s = r->s;
	uint64_t out = traffic_rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = traffic_rotl(s[3], 45);
	return out;
}

/* Uniform in [0, n), n >= 1, without bias: the high word of x * n, rejecting the few x whose
 * low word falls below 2^64 mod n (Lemire, "Fast random integer generation in an interval",
 * 2019). Consumes one number, rarely more. */
static inline uint64_t traffic_rng_below(traffic_rng_t *r, uint64_t n)
{
	traffic_u128 m = (traffic_u128)traffic_rng_next(r) * n;
	uint64_t lo = (uint64_t)m;

	if (lo < n) {
		uint64_t reject = (0 - n) % n;   /* 2^64 mod n */
		while (lo < reject) {
			m = (traffic_u128)traffic_rng_next(r) * n;
			lo = (uint64_t)m;
		}
	}
	return (uint64_t)(m >> 64);
}

/* ---- zipf ------------------------------------------------------------------------------- */

/* Scale of the table's thresholds: a sample is a 53-bit integer u, the rank the first r
 * whose threshold exceeds u. */
#define TRAFFIC_ZIPF_BITS 53
#define TRAFFIC_ZIPF_ONE  (1ull << TRAFFIC_ZIPF_BITS)

/* Largest guide table: 2^20 buckets. */
#define TRAFFIC_ZIPF_GUIDE_BITS_MAX 20

typedef struct traffic_zipf {
	uint64_t n;        /* ranks */
	uint64_t *thr;     /* thr[r - 1] = floor(CDF(r) * 2^53), thr[n - 1] = 2^53 */
	/* Guide table (Chen and Asau's cut points): guide[j] is the first index i with
	 * thr[i] > j << shift, for j = 0 .. G - 1, and guide[G] = n - 1; a u in bucket
	 * j = u >> shift has its answer in [guide[j], guide[j + 1]], so the bisection runs over
	 * a few entries instead of the whole table. The answer is the same. */
	uint32_t *guide;
	unsigned shift;    /* 53 - log2(G) */
} traffic_zipf_t;

/* Builds the table for ranks 1..n with exponent theta_ppm / 10^6. 0 or -ENOMEM. */
int traffic_zipf_init(traffic_zipf_t *z, uint64_t n, uint32_t theta_ppm);
void traffic_zipf_fini(traffic_zipf_t *z);
/* The rank (1..n) for a 53-bit uniform u (u < 2^53). */
uint64_t traffic_zipf_rank(const traffic_zipf_t *z, uint64_t u);

/* Natural logarithm of x >= 1 and e^y for y <= 0, from + - * / and exact scaling by powers
 * of two only, so the result is the same double on every IEEE-754 machine (no libm). */
double traffic_ln(double x);
double traffic_exp(double y);

/* ---- issue times -------------------------------------------------------------------------
 * t(n) = floor(n * num / den) stepped one unit at a time with a quotient and a remainder,
 * exactly, saturating at IOMMUSIM_TIME_MAX. */
typedef struct traffic_clock {
	uint64_t den;        /* 0: unpaced (always 0) */
	uint64_t q, r;       /* num = q * den + r */
	bool q_overflow;     /* num / den does not fit 64 bits: every t(n >= 1) saturates */
	iommusim_time_t t;   /* current t(n) */
	uint64_t rem;        /* n * num mod den */
} traffic_clock_t;

void traffic_clock_init(traffic_clock_t *c, traffic_u128 num, uint64_t den);
void traffic_clock_reset(traffic_clock_t *c);
void traffic_clock_step(traffic_clock_t *c);

/* ---- configuration ------------------------------------------------------------------------ */

/* Checks in and writes to out a copy with align and window resolved from 0 to their values
 * (out may be in). Returns 0 or the error of iommusim_traffic_cfg_check. */
int traffic_cfg_resolve(const iommusim_traffic_cfg_t *in, iommusim_traffic_cfg_t *out,
			iommusim_error_t *err);

/* v as the text form writes a size: with the largest of T G M K (x1024) that divides it
 * exactly, else in decimal ("4K", "1500", "0"). Returns buf (at least 24 bytes). */
#define TRAFFIC_SIZE_STR_LEN 24
const char *traffic_size_str(uint64_t v, char *buf);

/* Bytes one MAP covers: the buffer (nic buf, storage block) rounded up to page. */
uint64_t traffic_map_len(const iommusim_traffic_cfg_t *cfg);

/* ---- nic rings (include/iommusim/traffic.h, "Rings") --------------------------------------- */

/* Each queue's rings are whole CPU pages of coherent memory. */
#define TRAFFIC_RING_GRANULE 4096ull

typedef struct traffic_rings {
	uint64_t desc_ring;    /* one queue's descriptor ring: round_up(ring * desc, 4K) */
	uint64_t cqe_ring;     /* one queue's completion ring: round_up(ring * cqe, 4K) */
	uint64_t per_queue;    /* desc_ring + cqe_ring */
	uint64_t map_len;      /* the area's MAP: round_up(queues * per_queue, page) */
	uint64_t iova, uva;    /* the area's first IOVA (cfg->rings) and user address */
} traffic_rings_t;

/* Whether a nic configuration has rings (desc or cqe non-zero). */
static inline bool traffic_has_rings(const iommusim_traffic_cfg_t *c)
{
	return c->pattern == IOMMUSIM_TRAFFIC_NIC && (c->desc || c->cqe);
}

/* The ring layout of a resolved nic configuration with rings (window and rings set, checked
 * by traffic_cfg_resolve, so nothing overflows). */
void traffic_rings_layout(const iommusim_traffic_cfg_t *cfg, traffic_rings_t *r);

#endif
