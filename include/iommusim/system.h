/* SPDX-License-Identifier: MIT */
/*
 * A simulated system: one scheduler, one physical memory behind a timed port, a stats
 * registry, one or more IOMMUs (each a hardware model by architecture name), and PCIe
 * endpoints behind them. It wires each IOMMU's outputs: MSI writes are logged (and can be
 * inspected), messages to devices are routed by requester ID to the endpoints behind that
 * IOMMU. The demo, the scenario runner and the host shim build on this.
 */
#ifndef IOMMUSIM_SYSTEM_H
#define IOMMUSIM_SYSTEM_H

#include <stddef.h>
#include <stdint.h>

#include "iommusim/endpoint.h"
#include "iommusim/mem.h"
#include "iommusim/model.h"
#include "iommusim/param.h"
#include "iommusim/sched.h"
#include "iommusim/stats.h"
#include "iommusim/trace.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The hardware models the library has ("vtd", ...). NULL if name is unknown. */
const iommusim_model_ops_t *iommusim_model_find(const char *name);
/* Their names, for messages: "vtd" (comma-separated if several). */
const char *iommusim_model_names(void);

typedef struct iommusim_system iommusim_system_t;

/* Creates memory ("mem.addr_bits"), its port ("mem.*_latency_ns", "mem.bytes_per_ns"),
 * a scheduler and a stats registry. ps must contain the mem component (a set from
 * iommusim_params_create_all() does); the system keeps no reference to ps. */
iommusim_system_t *iommusim_system_create(const iommusim_params_t *ps, iommusim_error_t *err);
void iommusim_system_destroy(iommusim_system_t *s);

iommusim_sched_t *iommusim_system_sched(iommusim_system_t *s);
iommusim_mem_t *iommusim_system_mem(iommusim_system_t *s);
iommusim_mem_port_t *iommusim_system_port(iommusim_system_t *s);
iommusim_stats_t *iommusim_system_stats(iommusim_system_t *s);

/* Sends every model's and endpoint's trace events to tr (NULL: none). Call before adding
 * IOMMUs. The system does not close tr. */
void iommusim_system_set_trace(iommusim_system_t *s, iommusim_trace_t *tr);

/* Adds an IOMMU of architecture arch named name ("vtd0"; stats prefix). Returns its index
 * (>= 0) or a negative errno: -ENOENT for an unknown architecture (the message lists the
 * known ones), or the model's create error. */
int iommusim_system_add_iommu(iommusim_system_t *s, const char *arch, const char *name,
			      const iommusim_params_t *ps, iommusim_error_t *err);
size_t iommusim_system_iommu_count(const iommusim_system_t *s);
iommusim_model_t *iommusim_system_iommu(iommusim_system_t *s, size_t index);

/* Adds an endpoint behind IOMMU `iommu` (cfg->rid must be unique behind it). */
iommusim_endpoint_t *iommusim_system_add_endpoint(iommusim_system_t *s, size_t iommu,
						  const iommusim_endpoint_cfg_t *cfg,
						  const char *name, iommusim_error_t *err);
/* The endpoint with requester ID rid behind IOMMU iommu, or NULL. */
iommusim_endpoint_t *iommusim_system_endpoint(iommusim_system_t *s, size_t iommu, uint32_t rid);

/* MSI writes the IOMMUs sent, in order. */
typedef struct iommusim_msi_record {
	size_t iommu;
	uint64_t addr;
	uint32_t data;
	iommusim_time_t time;
} iommusim_msi_record_t;
size_t iommusim_system_msi_count(const iommusim_system_t *s);
const iommusim_msi_record_t *iommusim_system_msi(const iommusim_system_t *s, size_t i);

/* Messages to a requester ID with no endpoint behind that IOMMU (counted, then dropped). */
uint64_t iommusim_system_unrouted(const iommusim_system_t *s);

#ifdef __cplusplus
}
#endif
#endif
