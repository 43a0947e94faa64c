/* SPDX-License-Identifier: MIT */
/*
 * The trace sink (DESIGN.md §4): writes a Chrome/Perfetto trace-event JSON timeline
 * ({"traceEvents": [...], "displayTimeUnit": "ns"}) that chrome://tracing and ui.perfetto.dev
 * open. Simulated picoseconds become the format's microseconds (ts = ps / 10^6, with
 * fractions). Tracks are (pid, tid) pairs named once with iommusim_trace_track().
 * Strings are escaped by jansson. A NULL sink accepts every call and does nothing, so models
 * can trace unconditionally.
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
/* Finishes the JSON document and closes. Returns 0 or -EIO if any write failed. */
int iommusim_trace_close(iommusim_trace_t *tr);

/* Names a track (process pid, thread tid) so viewers show "vtd0 / walker" etc. */
void iommusim_trace_track(iommusim_trace_t *tr, uint32_t pid, uint32_t tid,
			  const char *process_name, const char *thread_name);

/* A span [start, start+dur) ("ph":"X"). args_json is NULL or a JSON object text. */
void iommusim_trace_span(iommusim_trace_t *tr, uint32_t pid, uint32_t tid, const char *cat,
			 const char *name, iommusim_time_t start, iommusim_time_t dur,
			 const char *args_json);
/* A point event ("ph":"i"). */
void iommusim_trace_instant(iommusim_trace_t *tr, uint32_t pid, uint32_t tid, const char *cat,
			    const char *name, iommusim_time_t t, const char *args_json);
/* A counter sample ("ph":"C"), e.g. queue occupancy. */
void iommusim_trace_counter(iommusim_trace_t *tr, uint32_t pid, const char *name,
			    iommusim_time_t t, double value);

#ifdef __cplusplus
}
#endif
#endif
