/* SPDX-License-Identifier: MIT */
/* The whole public API of libiommusim. */
#ifndef IOMMUSIM_H
#define IOMMUSIM_H

#include "iommusim/error.h"
#include "iommusim/time.h"
#include "iommusim/sched.h"
#include "iommusim/resource.h"
#include "iommusim/mem.h"
#include "iommusim/cache.h"
#include "iommusim/param.h"
#include "iommusim/stats.h"
#include "iommusim/trace.h"
#include "iommusim/traffic.h"
#include "iommusim/model.h"
#include "iommusim/endpoint.h"
#include "iommusim/system.h"
#include "iommusim/vtd.h"

#ifdef __cplusplus
extern "C" {
#endif

/* "MAJOR.MINOR.PATCH" */
const char *iommusim_version(void);

#ifdef __cplusplus
}
#endif
#endif
