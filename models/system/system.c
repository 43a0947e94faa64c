/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iommusim/system.h"
#include "iommusim/vtd.h"
#include "models/core/mem_component.h"

static const iommusim_model_ops_t *const model_table[] = {
	&iommusim_vtd_ops,
};

const iommusim_model_ops_t *iommusim_model_find(const char *name)
{
	for (size_t i = 0; i < sizeof(model_table) / sizeof(model_table[0]); i++)
		if (name && strcmp(model_table[i]->name, name) == 0)
			return model_table[i];
	return NULL;
}

const char *iommusim_model_names(void)
{
	return "vtd";
}

struct sys_iommu {
	iommusim_system_t *sys;
	size_t index;
	char name[32];
	iommusim_model_env_t env;
	iommusim_model_t model;
};

struct sys_endpoint {
	size_t iommu;
	uint32_t rid;
	iommusim_endpoint_t *ep;
};

struct iommusim_system {
	iommusim_sched_t *sched;
	iommusim_mem_t *mem;
	iommusim_mem_port_t port;
	iommusim_stats_t *stats;
	iommusim_trace_t *trace;
	struct sys_iommu **iommus;
	size_t niommus;
	struct sys_endpoint *eps;
	size_t neps, cap_eps;
	iommusim_msi_record_t *msis;
	size_t nmsis, cap_msis;
	uint64_t unrouted;
};

iommusim_system_t *iommusim_system_create(const iommusim_params_t *ps, iommusim_error_t *err)
{
	if (!ps || !iommusim_params_has(ps, "mem.addr_bits")) {
		iommusim_error_set(err, -EINVAL, "system: the parameter set lacks the 'mem' component");
		return NULL;
	}
	iommusim_system_t *s = calloc(1, sizeof(*s));
	if (!s)
		goto nomem;
	s->sched = iommusim_sched_create();
	s->mem = iommusim_mem_create((unsigned)iommusim_params_u64(ps, "mem.addr_bits"));
	s->stats = iommusim_stats_create();
	if (!s->sched || !s->mem || !s->stats)
		goto nomem;
	iommusim_mem_port_init_mem(&s->port, s->mem);
	iommusim_mem_port_configure(&s->port, ps);
	return s;
nomem:
	iommusim_system_destroy(s);
	iommusim_error_set(err, -ENOMEM, "system: out of memory");
	return NULL;
}

void iommusim_system_destroy(iommusim_system_t *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->neps; i++)
		iommusim_endpoint_destroy(s->eps[i].ep);
	for (size_t i = 0; i < s->niommus; i++) {
		iommusim_model_destroy(&s->iommus[i]->model);
		free(s->iommus[i]);
	}
	free(s->iommus);
	free(s->eps);
	free(s->msis);
	iommusim_stats_destroy(s->stats);
	iommusim_mem_destroy(s->mem);
	iommusim_sched_destroy(s->sched);
	free(s);
}

iommusim_sched_t *iommusim_system_sched(iommusim_system_t *s) { return s->sched; }
iommusim_mem_t *iommusim_system_mem(iommusim_system_t *s) { return s->mem; }
iommusim_mem_port_t *iommusim_system_port(iommusim_system_t *s) { return &s->port; }
iommusim_stats_t *iommusim_system_stats(iommusim_system_t *s) { return s->stats; }
void iommusim_system_set_trace(iommusim_system_t *s, iommusim_trace_t *tr) { s->trace = tr; }

static void sys_msi(void *ctx, uint64_t addr, uint32_t data, iommusim_time_t t)
{
	struct sys_iommu *io = ctx;
	iommusim_system_t *s = io->sys;

	if (s->nmsis == s->cap_msis) {
		size_t cap = s->cap_msis ? 2 * s->cap_msis : 16;
		iommusim_msi_record_t *n = realloc(s->msis, cap * sizeof(*n));
		if (!n)
			return;   /* the log is best effort; the model's own counters still count */
		s->msis = n;
		s->cap_msis = cap;
	}
	s->msis[s->nmsis++] = (iommusim_msi_record_t){ io->index, addr, data, t };
}

static int sys_to_device(void *ctx, const iommusim_dev_msg_t *msg)
{
	struct sys_iommu *io = ctx;
	iommusim_endpoint_t *ep = iommusim_system_endpoint(io->sys, io->index, msg->rid);

	if (!ep) {
		io->sys->unrouted++;
		return -ENODEV;
	}
	return iommusim_endpoint_receive(ep, msg);
}

int iommusim_system_add_iommu(iommusim_system_t *s, const char *arch, const char *name,
			      const iommusim_params_t *ps, iommusim_error_t *err)
{
	const iommusim_model_ops_t *ops = iommusim_model_find(arch);
	if (!ops)
		return iommusim_error_set(err, -ENOENT, "no IOMMU architecture '%s' (known: %s)",
					  arch ? arch : "(null)", iommusim_model_names());
	struct sys_iommu **arr = realloc(s->iommus, (s->niommus + 1) * sizeof(*arr));
	if (!arr)
		return iommusim_error_set(err, -ENOMEM, "system: out of memory");
	s->iommus = arr;
	struct sys_iommu *io = calloc(1, sizeof(*io));
	if (!io)
		return iommusim_error_set(err, -ENOMEM, "system: out of memory");
	io->sys = s;
	io->index = s->niommus;
	snprintf(io->name, sizeof(io->name), "%s", name ? name : arch);
	io->env = (iommusim_model_env_t){
		.sched = s->sched, .mem = &s->port, .stats = s->stats, .trace = s->trace,
		.instance = io->name, .msi = sys_msi, .msi_ctx = io,
		.to_device = sys_to_device, .dev_ctx = io,
	};
	int rc = iommusim_model_create(&io->model, ops, ps, &io->env, err);
	if (rc != 0) {
		free(io);
		return rc;
	}
	s->iommus[s->niommus++] = io;
	return (int)io->index;
}

size_t iommusim_system_iommu_count(const iommusim_system_t *s) { return s->niommus; }

iommusim_model_t *iommusim_system_iommu(iommusim_system_t *s, size_t index)
{
	return index < s->niommus ? &s->iommus[index]->model : NULL;
}

iommusim_endpoint_t *iommusim_system_add_endpoint(iommusim_system_t *s, size_t iommu,
						  const iommusim_endpoint_cfg_t *cfg,
						  const char *name, iommusim_error_t *err)
{
	if (iommu >= s->niommus) {
		iommusim_error_set(err, -EINVAL, "endpoint '%s': no IOMMU #%zu (the system has %zu)",
				   name ? name : "?", iommu, s->niommus);
		return NULL;
	}
	if (iommusim_system_endpoint(s, iommu, cfg->rid)) {
		iommusim_error_set(err, -EEXIST,
				   "endpoint '%s': requester ID %02x:%02x.%x is already used behind %s",
				   name ? name : "?", cfg->rid >> 8, (cfg->rid >> 3) & 0x1f,
				   cfg->rid & 7, s->iommus[iommu]->name);
		return NULL;
	}
	if (s->neps == s->cap_eps) {
		size_t cap = s->cap_eps ? 2 * s->cap_eps : 8;
		struct sys_endpoint *n = realloc(s->eps, cap * sizeof(*n));
		if (!n) {
			iommusim_error_set(err, -ENOMEM, "system: out of memory");
			return NULL;
		}
		s->eps = n;
		s->cap_eps = cap;
	}
	iommusim_endpoint_t *ep = iommusim_endpoint_create(cfg, name, &s->iommus[iommu]->model,
							   &s->port, s->sched, s->stats, err);
	if (!ep)
		return NULL;
	s->eps[s->neps++] = (struct sys_endpoint){ iommu, cfg->rid, ep };
	return ep;
}

iommusim_endpoint_t *iommusim_system_endpoint(iommusim_system_t *s, size_t iommu, uint32_t rid)
{
	for (size_t i = 0; i < s->neps; i++)
		if (s->eps[i].iommu == iommu && s->eps[i].rid == rid)
			return s->eps[i].ep;
	return NULL;
}

size_t iommusim_system_msi_count(const iommusim_system_t *s) { return s->nmsis; }

const iommusim_msi_record_t *iommusim_system_msi(const iommusim_system_t *s, size_t i)
{
	return i < s->nmsis ? &s->msis[i] : NULL;
}

uint64_t iommusim_system_unrouted(const iommusim_system_t *s) { return s->unrouted; }
