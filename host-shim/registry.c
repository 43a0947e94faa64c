/* SPDX-License-Identifier: MIT */
/*
 * The list of every component whose parameters the library knows (models and host-side
 * drivers), for `iommusim params` and for parameter sets that accept any key. It lives at the
 * top of the library because it names components of every room. Adding a model or a driver
 * means adding its component here.
 */
#include <stddef.h>

#include "iommusim/endpoint.h"
#include "iommusim/param.h"
#include "iommusim/vtd.h"
#include "models/core/mem_component.h"
#include "host-shim/drivers/vtd/vtd_drv.h"

static const iommusim_component_t *const registry[] = {
	&iommusim_mem_component,
	&iommusim_endpoint_component,
	&iommusim_vtd_component,
	&vtd_drv_component,
};

const iommusim_component_t *const *iommusim_components(size_t *n)
{
	*n = sizeof(registry) / sizeof(registry[0]);
	return registry;
}

iommusim_params_t *iommusim_params_create_all(void)
{
	size_t n;
	const iommusim_component_t *const *comps = iommusim_components(&n);
	iommusim_params_t *ps = iommusim_params_create();

	if (!ps)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (iommusim_params_add(ps, comps[i], NULL) != 0) {
			iommusim_params_destroy(ps);
			return NULL;
		}
	}
	return ps;
}
