/* SPDX-License-Identifier: MIT */
/*
 * Internal state of the VT-d model. Only files in models/vtd/ include this.
 * The translation side (registers, tables, walks, caches, faults) and the queues (vtd_iq.h,
 * vtd_prq.h) share it; the queues use only the fields marked "shared".
 */
#ifndef VTD_H
#define VTD_H

#include <stdbool.h>
#include <stdint.h>

#include "iommusim/model.h"
#include "iommusim/time.h"
#include "models/vtd/vtd_inval.h"
#include "models/vtd/vtd_iq.h"
#include "models/vtd/vtd_prq.h"

struct vtd {
	/* shared: what the model is connected to */
	iommusim_model_env_t env;
	char instance[32];
	iommusim_clock_t clk;          /* the IOMMU clock */

	/* shared: capability registers as advertised */
	uint64_t cap, ecap;

	/* shared: FSTS (read through vtd_fsts_set / the MMIO path) */
	uint32_t fsts;

	/* shared: queue state, owned by vtd_iq.c / vtd_prq.c */
	struct vtd_iq iq;
	struct vtd_prq prq;

	/* the rest belongs to the translation side */
};

/* Sets FSTS bits (IQE, ICE, ITE, PRO, PPF, PFO) and, if FECTL allows, signals the fault
 * event interrupt (spec 7.3 / 10.4.10-13). */
void vtd_fsts_set(struct vtd *v, uint32_t bits, iommusim_time_t t);

/* Registers (or finds) the counter "<instance>.<name>". */
uint64_t *vtd_counter(struct vtd *v, const char *name, const char *help);

#endif
