/* SPDX-License-Identifier: MIT */
#ifndef IOMMUSIM_MEM_COMPONENT_H
#define IOMMUSIM_MEM_COMPONENT_H

#include "iommusim/mem.h"
#include "iommusim/param.h"

extern const iommusim_component_t iommusim_mem_component;

/* Applies the "mem.*" latency parameters of ps to a port. */
int iommusim_mem_port_configure(iommusim_mem_port_t *p, const iommusim_params_t *ps);

#endif
