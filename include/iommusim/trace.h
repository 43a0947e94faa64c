/* SPDX-License-Identifier: MIT */
/*
 * The trace sink (DESIGN.md §4): writes a Chrome/Perfetto trace-event JSON timeline
 * ({"traceEvents": [...], "displayTimeUnit": "ns"}) that chrome://tracing and ui.perfetto.dev
 * open. Simulated picoseconds become the format's microseconds (ts = ps / 10^6, with
 * fractions, written with six decimals so every picosecond survives in the text). Tracks are
 * (pid, tid) pairs named once with iommusim_trace_track(). Events are written as they come
 * (nothing is kept in memory). Strings are escaped by jansson; a string that is not UTF-8 is
 * written as "<not UTF-8>". A NULL sink accepts every call and does nothing, so models can
 * trace unconditionally.
 */
#ifndef IOMMUSIM_TRACE_H
#define IOMMUSIM_TRACE_H

#include <stdint.h>
#include <stdio.h>

#include "iommusim/error.h"
#include "iommusim/time.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct iommusim_trace iommusim_trace_t;

/* Opens path for writing (truncates). NULL with err filled on failure. */
iommusim_trace_t *iommusim_trace_open(const char *path, iommusim_error_t *err);
/* Writes to an already open stream (not closed by iommusim_trace_close). */
iommusim_trace_t *iommusim_trace_open_stream(FILE *f);
/* Finishes the JSON document, flushes, and closes (a stream from open_stream is flushed, not
 * closed). Returns 0 or -EIO if any write failed. NULL is accepted (returns 0). */
int iommusim_trace_close(iommusim_trace_t *tr);

/* Names a track (process pid, thread tid) so viewers show "vtd0 / walker" etc. */
void iommusim_trace_track(iommusim_trace_t *tr, uint32_t pid, uint32_t tid,
			  const char *process_name, const char *thread_name);

/* A span [start, start+dur) ("ph":"X"). args_json is NULL or a JSON object text; anything
 * else (bad syntax, not an object, duplicate keys) is written as
 * "args":{"invalid_args":"<the text>"} so the document stays valid. cat may be NULL. */
void iommusim_trace_span(iommusim_trace_t *tr, uint32_t pid, uint32_t tid, const char *cat,
			 const char *name, iommusim_time_t start, iommusim_time_t dur,
			 const char *args_json);
/* A point event ("ph":"i", thread scope). */
void iommusim_trace_instant(iommusim_trace_t *tr, uint32_t pid, uint32_t tid, const char *cat,
			    const char *name, iommusim_time_t t, const char *args_json);
/* A counter sample ("ph":"C"), e.g. queue occupancy: "args":{"value":v}. A NaN or infinite
 * value (JSON has none) is written as "args":{"invalid_value":"nan"|"inf"|"-inf"}. */
void iommusim_trace_counter(iommusim_trace_t *tr, uint32_t pid, const char *name,
			    iommusim_time_t t, double value);

#ifdef __cplusplus
}
#endif
#endif
