/* SPDX-License-Identifier: MIT */
/*
 * The VT-d invalidation queue (spec ch. 6.5.2): IQA/IQH/IQT/ICS/IECTL/IEDATA/IEADDR/IEUADDR/
 * IQER registers, descriptor fetch and processing on the scheduler, invalidation wait
 * (status write, interrupt, fence, page-request drain), device-TLB invalidations sent to
 * endpoints as ATS invalidation requests with completion tracking and time-out (ITE), and
 * queue errors (IQE with IQER.IQEI, ICE, ITE).
 */
#ifndef VTD_IQ_H
#define VTD_IQ_H

#include <stdbool.h>
#include <stdint.h>

#include "iommusim/error.h"
#include "iommusim/model.h"
#include "iommusim/param.h"

struct vtd;

/* Parameter definitions of the queue, spliced into the VT-d component's table
 * (a comma-separated list of iommusim_param_def_t initialisers, each ending with a comma). */
#define VTD_IQ_PARAM_DEFS /* filled by vtd_iq.c's owner */

/* The queue's state lives inside struct vtd as `struct vtd_iq iq;`. */
struct vtd_iq {
	uint64_t iqa, iqh, iqt, iqer;
	uint32_t ics, iectl, iedata, ieaddr, ieuaddr;
	bool enabled;
};

/* Lifetime: called from the model's create/destroy/reset. */
int vtd_iq_init(struct vtd *v, const iommusim_params_t *ps, iommusim_error_t *err);
void vtd_iq_fini(struct vtd *v);
void vtd_iq_reset(struct vtd *v, iommusim_time_t t);

/* Registers 0x080..0x0b7 (IQH, IQT, IQA, ICS, IECTL, IEDATA, IEADDR, IEUADDR, IQER). */
bool vtd_iq_owns_reg(uint64_t off);
int vtd_iq_mmio_read(struct vtd *v, uint64_t off, unsigned size, uint64_t *val, iommusim_time_t t);
int vtd_iq_mmio_write(struct vtd *v, uint64_t off, unsigned size, uint64_t val, iommusim_time_t t);

/* GCMD.QIE changed (the caller has checked ECAP.QI and updates GSTS.QIES). Enabling resets
 * IQH to 0 and starts processing if IQT != IQH; disabling requires an idle queue (spec 10.4.4). */
void vtd_iq_set_enabled(struct vtd *v, bool on, iommusim_time_t t);
/* True while descriptors are pending or in flight. */
bool vtd_iq_busy(const struct vtd *v);

/* A device's ATS invalidation completion (from the model's device_msg op). */
int vtd_iq_ats_completion(struct vtd *v, const iommusim_dev_msg_t *msg);

#endif
