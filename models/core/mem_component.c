/* SPDX-License-Identifier: MIT */
/*
 * Parameters of the simulated system memory and its port, as a component for
 * `iommusim params`. The defaults describe a typical server DRAM path seen from an IOMMU:
 * Rubin et al. (SOSP 2024, "Fast & Safe IO Memory Protection", §2.2) fit an effective
 * IOMMU-to-memory read latency of 197 ns per page-walk read on a Cascade Lake Xeon; we start
 * from 100 ns, the figure the same paper uses for an unloaded access, and let the
 * calibration scenarios raise it.
 */
#include "iommusim/mem.h"
#include "iommusim/param.h"
#include "models/core/mem_component.h"

static const iommusim_param_def_t mem_params[] = {
	{ .name = "mem.addr_bits", .type = IOMMUSIM_PARAM_U64, .unit = "bits",
	  .help = "physical address width of the simulated memory",
	  .def_u64 = 52, .min = 32, .max = IOMMUSIM_PA_BITS_MAX },
	{ .name = "mem.read_latency_ns", .type = IOMMUSIM_PARAM_U64, .unit = "ns",
	  .help = "latency of one read issued by an IOMMU or device (walks, descriptor fetches, DMA)",
	  .def_u64 = 100, .min = 0, .max = 1000000 },
	{ .name = "mem.write_latency_ns", .type = IOMMUSIM_PARAM_U64, .unit = "ns",
	  .help = "latency of one write (status writes, A/D updates, queue entries, DMA)",
	  .def_u64 = 100, .min = 0, .max = 1000000 },
	{ .name = "mem.bytes_per_ns", .type = IOMMUSIM_PARAM_U64, .unit = "B/ns",
	  .help = "port bandwidth added per access as len/bandwidth; 0 = unlimited",
	  .def_u64 = 0, .min = 0, .max = 1u << 20 },
};

const iommusim_component_t iommusim_mem_component = {
	.name = "mem",
	.help = "simulated physical memory and the memory port models connect to",
	.params = mem_params,
	.nparams = sizeof(mem_params) / sizeof(mem_params[0]),
};

int iommusim_mem_port_configure(iommusim_mem_port_t *p, const iommusim_params_t *ps)
{
	iommusim_mem_port_set_latency(p,
		iommusim_time_from_ns(iommusim_params_u64(ps, "mem.read_latency_ns")),
		iommusim_time_from_ns(iommusim_params_u64(ps, "mem.write_latency_ns")),
		iommusim_params_u64(ps, "mem.bytes_per_ns"));
	return 0;
}
