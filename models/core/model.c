/* SPDX-License-Identifier: MIT */
/* Generic helpers around the hardware-model ops table (model.h). */
#include <errno.h>
#include <stddef.h>

#include "iommusim/model.h"

int iommusim_model_create(iommusim_model_t *m, const iommusim_model_ops_t *ops,
			  const iommusim_params_t *ps, const iommusim_model_env_t *env,
			  iommusim_error_t *err)
{
	if (!m || !ops || !ops->create || !ps || !env)
		return iommusim_error_set(err, -EINVAL,
					  "model create: missing model, ops, parameters or environment");
	if (!env->sched || !env->mem || !env->stats)
		return iommusim_error_set(err, -EINVAL,
					  "model '%s': the environment needs a scheduler, a memory port "
					  "and a stats registry", ops->name ? ops->name : "?");
	m->ops = ops;
	m->impl = NULL;
	int rc = ops->create(ps, env, &m->impl, err);
	if (rc != 0) {
		m->ops = NULL;
		m->impl = NULL;
	}
	return rc;
}

void iommusim_model_destroy(iommusim_model_t *m)
{
	if (!m || !m->ops)
		return;
	if (m->ops->destroy)
		m->ops->destroy(m->impl);
	m->ops = NULL;
	m->impl = NULL;
}

const char *iommusim_xlate_status_name(iommusim_xlate_status_t s)
{
	switch (s) {
	case IOMMUSIM_XLATE_OK: return "ok";
	case IOMMUSIM_XLATE_FAULT: return "fault";
	case IOMMUSIM_XLATE_PAGE_REQUEST: return "page-request";
	}
	return "unknown";
}
