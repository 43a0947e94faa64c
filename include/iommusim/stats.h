/* SPDX-License-Identifier: MIT */
/*
 * Statistics (DESIGN.md §4): named counters and latency histograms, owned by a stats
 * registry, written as JSON through jansson.
 *
 * Counters are plain uint64_t slots a model increments directly (no call on the hot path).
 * Histograms are log-linear (HDR style): values below 2^sub_bits are exact, larger values
 * keep sub_bits significant bits, so a percentile's relative error is below 2^-(sub_bits-1)
 * (under 1 % at the default 8). Percentiles report the bucket's lowest value, so they never
 * overstate; max and min are exact.
 */
#ifndef IOMMUSIM_STATS_H
#define IOMMUSIM_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iommusim/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct iommusim_stats iommusim_stats_t;
typedef struct iommusim_hist iommusim_hist_t;

iommusim_stats_t *iommusim_stats_create(void);
void iommusim_stats_destroy(iommusim_stats_t *st);

/* Registers (or finds) a counter; returns its slot, which stays valid for the registry's
 * life. Names are dotted ("vtd.iotlb.hit"), non-empty UTF-8. NULL on allocation failure,
 * on a bad name, or when the name is already a histogram (one name space for both). */
uint64_t *iommusim_stats_counter(iommusim_stats_t *st, const char *name, const char *help);

/* Registers (or finds) a histogram of values in `unit` ("ps", "cycles", "entries"). NULL on
 * allocation failure, a bad name, or when the name is already a counter. Finding an existing
 * histogram keeps its first unit and help. */
iommusim_hist_t *iommusim_stats_hist(iommusim_stats_t *st, const char *name, const char *unit,
				     const char *help);

void iommusim_hist_add(iommusim_hist_t *h, uint64_t v);
uint64_t iommusim_hist_count(const iommusim_hist_t *h);
uint64_t iommusim_hist_min(const iommusim_hist_t *h);   /* 0 when empty */
uint64_t iommusim_hist_max(const iommusim_hist_t *h);
double iommusim_hist_mean(const iommusim_hist_t *h);
/* The value below which p percent (0 < p <= 100) of samples fall: the lower bound of the
 * bucket holding the sample of rank ceil(p/100 * count), raised to the exact min if that is
 * larger. p >= 100 gives the exact max; p <= 0 (or NaN) the min; an empty histogram 0. */
uint64_t iommusim_hist_percentile(const iommusim_hist_t *h, double p);
void iommusim_hist_reset(iommusim_hist_t *h);

/* Reads a statistic by name: a counter's value, or for a histogram "NAME.count", ".min",
 * ".max", ".mean", ".p50", ".p90", ".p99". Returns 0 or -ENOENT (the message lists close
 * names). */
int iommusim_stats_get(const iommusim_stats_t *st, const char *name, double *value,
		       iommusim_error_t *err);

/* Zeroes every counter and histogram. */
void iommusim_stats_reset(iommusim_stats_t *st);

/* Visits counters in name order. */
typedef void (*iommusim_stats_visit_fn)(void *arg, const char *name, uint64_t value);
void iommusim_stats_foreach_counter(const iommusim_stats_t *st, iommusim_stats_visit_fn fn,
				    void *arg);

/* JSON: {"counters": {name: value, ...}, "histograms": {name: {"unit":..., "count":...,
 * "min":..., "max":..., "mean":..., "p50":..., "p90":..., "p99":...}}}, names sorted
 * (byte order), indented by 2. Integers above INT64_MAX (jansson's limit) are written as
 * the nearest real. Returns a malloc'd string (free() it) or NULL on allocation failure. */
char *iommusim_stats_to_json(const iommusim_stats_t *st);

#ifdef __cplusplus
}
#endif
#endif
