/* SPDX-License-Identifier: MIT */
/*
 * Statistics of the VT-d driver, registered as "drv.<name>.*" (see vtd_drv.h for the list).
 */
#include <errno.h>
#include <stdio.h>

#include "host-shim/drivers/vtd/vtd_drv_priv.h"

struct counter_def {
	size_t off;              /* offset of the slot pointer in struct vdrv_stats */
	const char *name, *help;
};

#define C(field, n, h) { offsetof(struct vdrv_stats, field), (n), (h) }

static const struct counter_def counters[] = {
	C(qi_submits, "qi.submits", "synchronous invalidation-queue submits (each ends with a wait)"),
	C(qi_iqe, "qi.errors.iqe", "invalidation queue errors seen while waiting (FSTS.IQE)"),
	C(qi_ite, "qi.errors.ite", "device-TLB invalidation time-outs seen (FSTS.ITE)"),
	C(qi_timeouts, "qi.timeouts", "waits abandoned after drv.vtd.qi.timeout_ns"),
	C(flush_strict, "flush.strict", "unmap flushes done strictly (one wait per descriptor)"),
	C(flush_batched, "flush.batched", "unmap flushes done batched (one wait per flush)"),
	C(flush_deferred, "flush.deferred",
	  "flush-queue flushes (domain-selective; global with drv.vtd.inval_scope=global)"),
	C(fq_full, "flush.fq_full", "flush-queue flushes because the queue filled"),
	C(fq_timer, "flush.fq_timer", "flush-queue flushes because the timer expired"),
	C(fq_queued, "flush.queued", "unmaps queued in a flush queue"),
	C(flush_skipped, "flush.skipped", "unmap flushes skipped (drv.vtd.skip_flush)"),
	C(flush_psi, "flush.psi", "page-selective IOTLB / PASID-IOTLB descriptors built"),
	C(flush_dsi, "flush.dsi", "domain- / PASID-selective IOTLB descriptors built for flushes"),
	C(flush_global, "flush.global",
	  "global IOTLB descriptors built for flushes (drv.vtd.inval_scope=global)"),
	C(flush_devtlb, "flush.devtlb", "device-TLB descriptors built for flushes"),
	C(flush_cm_map, "flush.cm_map", "flushes after map for caching mode"),
	C(map_calls, "map.calls", "map_pages calls"),
	C(map_bytes, "map.bytes", "bytes mapped"),
	C(map_4k, "map.pages_4k", "4 KiB leaves written"),
	C(map_2m, "map.pages_2m", "2 MiB leaves written"),
	C(map_1g, "map.pages_1g", "1 GiB leaves written"),
	C(unmap_calls, "unmap.calls", "unmap_pages calls"),
	C(unmap_bytes, "unmap.bytes", "bytes unmapped"),
	C(unmap_sp_whole, "unmap.superpage_whole",
	  "unmaps of part of a large page that removed the whole page (intel-iommu)"),
	C(pt_tables, "pt.tables", "table frames allocated (all kinds)"),
	C(pt_freed, "pt.tables_freed", "table frames freed"),
	C(pt_pte_writes, "pt.pte_writes", "table entry writes (PTE, context, PASID qwords)"),
	C(mmio_reads, "mmio.reads", "register reads"),
	C(mmio_writes, "mmio.writes", "register writes"),
	C(cpu_ps, "cpu_ps", "CPU time the driver spent (ps)"),
	C(prq_requests, "prq.requests", "page requests read from the page request queue"),
	C(prq_bad, "prq.bad", "page requests answered Invalid by the driver itself"),
	C(prq_responses, "prq.responses", "page group responses sent"),
	C(fault_records, "fault.records", "fault records read and cleared"),
	C(dirty_cleared, "dirty.cleared", "dirty bits cleared"),
};

struct hist_def {
	size_t off;              /* offset of the histogram pointer in struct vdrv_stats */
	const char *name, *unit, *help;
};

#define H(field, n, u, h) { offsetof(struct vdrv_stats, field), (n), (u), (h) }

static const struct hist_def hists[] = {
	H(qi_wait, "qi.wait", "ps", "synchronous submit: tail write to observed completion"),
	H(unmap_inval, "unmap.inval", "ps",
	  "invalidation time of one flushed unmap as the driver sees it: from building its first "
	  "descriptor to the completion of its last wait"),
	H(qi_sync_cycles, "qi.sync_cycles", "cycles",
	  "one completed synchronous submit (qi_submit_sync) from entry to return, in CPU cycles "
	  "at drv.vtd.cpu_mhz"),
	H(unmap_inval_cycles, "unmap.inval_cycles", "cycles",
	  "unmap.inval in CPU cycles at drv.vtd.cpu_mhz"),
	H(fq_flush, "fq.flush", "ps",
	  "one flush-queue flush (deferred policy) as the driver sees it: from building its "
	  "first descriptor to the completion of its last wait"),
	H(fq_flush_cycles, "fq.flush_cycles", "cycles", "fq.flush in CPU cycles at drv.vtd.cpu_mhz"),
	H(fq_flush_entries, "fq.flush_entries", "entries",
	  "queued unmaps one flush-queue flush covered"),
};

static const char *const desc_names[VDRV_NDESC_TYPES] = {
	[VTD_QI_TYPE_CC] = "cc",         [VTD_QI_TYPE_IOTLB] = "iotlb",
	[VTD_QI_TYPE_DEVTLB] = "devtlb", [VTD_QI_TYPE_IEC] = "iec",
	[VTD_QI_TYPE_WAIT] = "wait",     [VTD_QI_TYPE_PIOTLB] = "piotlb",
	[VTD_QI_TYPE_PC] = "pc",         [VTD_QI_TYPE_PDEVTLB] = "pdevtlb",
	[VTD_QI_TYPE_PGRP_RESP] = "pgrp_resp",
};

int vdrv_stats_init(struct vdrv_iommu *v, iommusim_stats_t *st, const char *name,
		   iommusim_error_t *err)
{
	char full[96];

	for (size_t i = 0; i < sizeof(counters) / sizeof(counters[0]); i++) {
		uint64_t **slot = (uint64_t **)(void *)((char *)&v->st + counters[i].off);

		snprintf(full, sizeof(full), "drv.%s.%s", name, counters[i].name);
		*slot = iommusim_stats_counter(st, full, counters[i].help);
		if (!*slot)
			return iommusim_error_set(err, -ENOMEM, "vtd driver: cannot register "
						  "statistic %s", full);
	}
	for (unsigned t = 0; t < VDRV_NDESC_TYPES; t++) {
		if (!desc_names[t]) {
			/* never counted: types the driver does not build */
			v->st.qi_desc[t] = &v->st.unused;
			continue;
		}
		snprintf(full, sizeof(full), "drv.%s.qi.desc.%s", name, desc_names[t]);
		v->st.qi_desc[t] = iommusim_stats_counter(st, full,
							  "invalidation descriptors submitted");
		if (!v->st.qi_desc[t])
			return iommusim_error_set(err, -ENOMEM, "vtd driver: cannot register "
						  "statistic %s", full);
	}
	for (size_t i = 0; i < sizeof(hists) / sizeof(hists[0]); i++) {
		iommusim_hist_t **slot = (iommusim_hist_t **)(void *)((char *)&v->st + hists[i].off);

		snprintf(full, sizeof(full), "drv.%s.%s", name, hists[i].name);
		*slot = iommusim_stats_hist(st, full, hists[i].unit, hists[i].help);
		if (!*slot)
			return iommusim_error_set(err, -ENOMEM, "vtd driver: cannot register "
						  "histogram %s", full);
	}
	return 0;
}
