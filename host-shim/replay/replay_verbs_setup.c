/* SPDX-License-Identifier: MIT */
/*
 * Setup verbs: the simulated host.
 *
 *   system arch=vtd [driver=none] [mode=scalable|legacy] [params=default] [iommus=N]
 *          [frames=SIZE] [memlock=BYTES] [thp=0|1] [user_va_bits=N] [PARAM=VALUE...]
 *   iommu NAME [arch=vtd] [mode=scalable|legacy] [PARAM=VALUE...]
 *   device BDF [ats=0|1] [pri=0|1] [pasid_bits=N] [group=N] [iommu=N] [alias=BDF]
 *          [kernel_driver=0|1] [vf=0|1] [name=NAME] [atc_sets=N] [atc_ways=N]
 *          [inval_delay_ns=N] [inval_never=0|1] [max_pri_retries=N] [link_latency_ns=N]
 *          [posted=0|1] [mps=N] [link_gbps=N]
 *
 * `system` builds, over one memory and one scheduler: the IOMMU models (iommusim_system),
 * the process with its files (ifd_sys) and one "kernel driver" per IOMMU, given ifd's
 * services. Every parameter of every component (`iommusim params`) can be set on the line
 * with its dotted name; `mode=` is the driver's mode parameter. With driver=none it builds
 * the hardware alone (no process, no driver): the stream programs the IOMMU itself through
 * mmio and pa= memory lines, as QEMU's qtest does. `iommu` adds one more IOMMU (and its
 * driver), named NAME, with the system's parameters and its own overrides of the model's
 * and the driver's. `device` adds a PCI function to the topology (ifd probes it with its
 * IOMMU's driver) and an endpoint model with its requester ID behind the same IOMMU.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/drivers/vtd/vtd_drv.h"
#include "host-shim/replay/replay_int.h"

#define IOMMUS_MAX REPLAY_IOMMUS_MAX

/* A hardware model and the driver that runs it. */
typedef struct arch_driver {
	const char *arch;                           /* iommusim_model_find() name */
	const iommusim_component_t *component;      /* the driver's parameters */
	const char *mode_param;                     /* what mode= sets, or NULL */
	int (*create)(const drv_env_t *env, iommusim_model_t *hw, iommusim_sched_t *sched,
		      iommusim_stats_t *stats, const char *name, const iommusim_params_t *ps,
		      drv_instance_t *out, iommusim_error_t *err);
	void (*destroy)(drv_instance_t *inst);
} arch_driver_t;

static const arch_driver_t arch_drivers[] = {
	{ "vtd", &vtd_drv_component, "drv.vtd.mode", vtd_drv_create_stats, vtd_drv_destroy },
};
#define NARCH (sizeof(arch_drivers) / sizeof(arch_drivers[0]))

static const arch_driver_t *arch_find(const char *name)
{
	for (size_t i = 0; i < NARCH; i++)
		if (name && strcmp(arch_drivers[i].arch, name) == 0)
			return &arch_drivers[i];
	return NULL;
}

static const char *const system_keys[] = {
	"arch", "mode", "params", "iommus", "frames", "memlock", "thp", "user_va_bits", "driver",
	NULL,
};

static bool is_system_key(const char *k)
{
	for (size_t i = 0; system_keys[i]; i++)
		if (strcmp(system_keys[i], k) == 0)
			return true;
	return false;
}

/* A value as parameter text. */
static int value_text(const stream_line_t *l, const stream_arg_t *a, char *buf, size_t len,
		      iommusim_error_t *err)
{
	switch (a->v.kind) {
	case STREAM_NUMBER:
		snprintf(buf, len, "%s%" PRIu64, a->v.neg ? "-" : "", a->v.num);
		return 0;
	case STREAM_WORD:
	case STREAM_STRING:
		snprintf(buf, len, "%s", a->v.text);
		return 0;
	default:
		return stream_line_error(l, a->v.col, err, -EINVAL,
					 "%s: a parameter takes a value, not a $name", a->key);
	}
}

/* Applies the keys of line l that are parameters to ps. iommu_line: l is an `iommu` line,
 * whose parameters must belong to its IOMMU (the model's "<arch>." or the driver's
 * "drv.<arch>."). */
static int apply_line(const stream_line_t *l, bool iommu_line, const arch_driver_t *drv,
		      iommusim_params_t *ps, iommusim_error_t *err)
{
	iommusim_error_t e;
	char val[256], own[32], own_drv[40];
	int rc;

	snprintf(own, sizeof(own), "%s.", drv->arch);
	snprintf(own_drv, sizeof(own_drv), "drv.%s.", drv->arch);
	for (size_t i = 0; i < l->nargs; i++) {
		const stream_arg_t *a = &l->args[i];
		const char *key = a->key;
		if (strcmp(key, "arch") == 0)
			continue;
		if (!iommu_line && is_system_key(key) && strcmp(key, "mode") != 0) {
			if (strcmp(key, "params") == 0 &&
			    (a->v.kind != STREAM_WORD || strcmp(a->v.text, "default") != 0))
				return stream_line_error(l, a->v.col, err, -EINVAL,
							 "system: params= names a preset; the only "
							 "one is 'default' (set single parameters "
							 "with KEY=VALUE)");
			continue;
		}
		if (strcmp(key, "mode") == 0) {
			if (!drv->mode_param)
				return stream_line_error(l, a->col, err, -EINVAL,
							 "%s: arch %s has no mode", l->verb, drv->arch);
			key = drv->mode_param;
		} else if (!strchr(key, '.')) {
			if (iommu_line)
				return stream_line_error(l, a->col, err, -EINVAL,
							 "iommu: unknown key '%s' (keys: arch, mode, "
							 "or a parameter of the IOMMU such as "
							 "%siotlb.sets or %sflush)", a->key, own,
							 own_drv);
			return stream_line_error(l, a->col, err, -EINVAL,
						 "system: unknown key '%s' (keys: arch, driver, mode, "
						 "params, iommus, frames, memlock, thp, user_va_bits, "
						 "or a parameter such as vtd.iotlb.sets; 'iommusim "
						 "params' lists them)", a->key);
		} else if (iommu_line && strncmp(key, own, strlen(own)) != 0 &&
			   strncmp(key, own_drv, strlen(own_drv)) != 0) {
			return stream_line_error(l, a->col, err, -EINVAL,
						 "iommu: '%s' is not a parameter of the IOMMU (%s* "
						 "or %s*); set it on the system line", a->key, own,
						 own_drv);
		}
		rc = value_text(l, a, val, sizeof(val), err);
		if (rc)
			return rc;
		rc = iommusim_params_set(ps, key, val, &e);
		if (rc)
			return stream_line_error(l, a->col, err, rc, "%s: %s", l->verb, e.msg);
	}
	return 0;
}

/* The parameter set of a system line: every component, the driver's, then the line's
 * values, then (for an `iommu` line) that line's, then the overrides (from the command
 * line). */
static int build_params(const stream_line_t *l, const stream_line_t *iommu_line,
			const replay_opts_t *opts, iommusim_params_t **out,
			const arch_driver_t **drv_out, iommusim_error_t *err)
{
	const char *arch = NULL;
	iommusim_params_t *ps = NULL;
	iommusim_error_t e;
	int rc;

	*out = NULL;
	rc = stream_line_get_text(l, "arch", &arch, err);
	if (rc == -ENOENT)
		return stream_line_error(l, 0, err, -EINVAL,
					 "system: missing arch= (architectures: %s)",
					 iommusim_model_names());
	if (rc)
		return rc;
	const arch_driver_t *drv = arch_find(arch);
	if (!drv || !iommusim_model_find(arch))
		return stream_line_error(l, stream_line_arg(l, "arch")->col, err, -EINVAL,
					 "system: unknown arch '%s' (architectures with a "
					 "driver: %s)", arch, iommusim_model_names());
	ps = iommusim_params_create_all();
	if (!ps || iommusim_params_add(ps, drv->component, &e)) {
		iommusim_params_destroy(ps);
		return stream_line_error(l, 0, err, -ENOMEM, "out of memory");
	}
	rc = apply_line(l, false, drv, ps, err);
	if (!rc && iommu_line)
		rc = apply_line(iommu_line, true, drv, ps, err);
	if (rc)
		goto fail;
	for (size_t i = 0; opts && i < opts->nparams; i++) {
		rc = iommusim_params_set_kv(ps, opts->params[i], &e);
		if (rc) {
			rc = stream_line_error(l, 0, err, rc, "system: parameter '%s' given to the "
					       "replay: %s", opts->params[i], e.msg);
			goto fail;
		}
	}
	*out = ps;
	if (drv_out)
		*drv_out = drv;
	return 0;
fail:
	iommusim_params_destroy(ps);
	return rc;
}

static int get_u64_range(const stream_line_t *l, const char *key, uint64_t def, uint64_t lo,
			 uint64_t hi, uint64_t *out, iommusim_error_t *err)
{
	int rc = stream_line_get_u64_opt(l, key, NULL, def, out, err);
	if (rc)
		return rc;
	if (*out < lo || *out > hi)
		return stream_line_error(l, stream_line_arg(l, key)->col, err, -ERANGE,
					 "%s=%" PRIu64 " is out of range %" PRIu64 "..%" PRIu64, key,
					 *out, lo, hi);
	return 0;
}

/* driver=: none, or the architecture's own driver (the default). */
static int get_no_driver(const stream_line_t *l, const char *arch, bool *none,
			 iommusim_error_t *err)
{
	const stream_value_t *v = stream_line_arg(l, "driver");

	*none = false;
	if (!v)
		return 0;
	if (v->kind == STREAM_WORD && strcmp(v->text, "none") == 0) {
		*none = true;
		return 0;
	}
	if (v->kind == STREAM_WORD && arch && strcmp(v->text, arch) == 0)
		return 0;
	return stream_line_error(l, v->col, err, -EINVAL,
				 "system: driver= is 'none' (the hardware alone, programmed by "
				 "the stream) or '%s' (the default)", arch ? arch : "vtd");
}

static int system_check(const stream_line_t *l, iommusim_error_t *err)
{
	const arch_driver_t *drv;
	iommusim_params_t *ps;
	uint64_t v;
	bool b;
	int rc = build_params(l, NULL, NULL, &ps, &drv, err);

	if (rc)
		return rc;
	iommusim_params_destroy(ps);
	if ((rc = get_no_driver(l, drv->arch, &b, err)))
		return rc;
	if ((rc = get_u64_range(l, "iommus", 1, 1, IOMMUS_MAX, &v, err)) ||
	    (rc = get_u64_range(l, "user_va_bits", 47, 20, 57, &v, err)) ||
	    (rc = get_u64_range(l, "frames", 1ull << 32, 1ull << 20, 1ull << 44, &v, err)) ||
	    (rc = stream_line_get_u64_opt(l, "memlock", NULL, 0, &v, err)) ||
	    (rc = replay_get_bool(l, "thp", true, &b, err)))
		return rc;
	return 0;
}

/* The services drivers get: ifd's, through the replay so that a driver destroyed after the
 * process can still give its frames back (they go with the memory). */
static int env_alloc_frame(void *ctx, uint64_t *pa)
{
	replay_t *r = ctx;
	const drv_env_t *e = r->ifd ? ifd_sys_driver_env(r->ifd) : NULL;
	return e ? e->alloc_frame(e->ctx, pa) : -ENOMEM;
}

static void env_free_frame(void *ctx, uint64_t pa)
{
	replay_t *r = ctx;
	const drv_env_t *e = r->ifd ? ifd_sys_driver_env(r->ifd) : NULL;
	if (e && e->free_frame)
		e->free_frame(e->ctx, pa);
}

static void env_report_fault(void *ctx, drv_iommu_t *iommu, const pci_dev_t *dev,
			     const drv_page_fault_t *f)
{
	replay_t *r = ctx;
	const drv_env_t *e = r->ifd ? ifd_sys_driver_env(r->ifd) : NULL;
	if (e && e->report_fault)
		e->report_fault(e->ctx, iommu, dev, f);
}

static int env_report_vevent(void *ctx, drv_viommu_t *viommu, uint32_t type, const void *data,
			     size_t len)
{
	replay_t *r = ctx;
	const drv_env_t *e = r->ifd ? ifd_sys_driver_env(r->ifd) : NULL;
	return e && e->report_vevent ? e->report_vevent(e->ctx, viommu, type, data, len)
				     : -EOPNOTSUPP;
}

void replay_host_free(replay_t *r)
{
	const arch_driver_t *drv = arch_find(r->arch);

	r->teardown = true;
	/* The process goes first (it closes its files through the drivers), then the drivers,
	 * then the hardware. */
	ifd_sys_destroy(r->ifd);
	r->ifd = NULL;
	for (size_t i = 0; i < r->niommu; i++)
		if (drv && r->drv[i].ops)
			drv->destroy(&r->drv[i]);
	memset(r->drv, 0, sizeof(r->drv));
	replay_faults_free(r);
	r->ndrv = 0;
	r->niommu = 0;
	iommusim_system_destroy(r->sys);
	r->sys = NULL;
	for (size_t i = 0; i < r->ndevs; i++) {
		replay_dma_free_pending(r->devs[i]);
		free(r->devs[i]);
	}
	free(r->devs);
	r->devs = NULL;
	r->ndevs = 0;
	iommusim_params_destroy(r->ps);
	r->ps = NULL;
}

/* Adds IOMMU number r->niommu named name, with its driver unless the system has none. */
static int add_iommu(replay_t *r, const stream_line_t *l, const arch_driver_t *drv,
		     const char *name, const iommusim_params_t *ps, iommusim_error_t *err)
{
	iommusim_error_t e;
	size_t i = r->niommu;
	unsigned index;
	int rc;

	if (i >= IOMMUS_MAX)
		return stream_line_error(l, 1, err, -ENOSPC, "%s: a system has at most %u IOMMUs",
					 l->verb, IOMMUS_MAX);
	for (size_t k = 0; k < r->niommu; k++)
		if (strcmp(r->iommu_name[k], name) == 0)
			return stream_line_error(l, l->npos ? l->pos[0].col : 1, err, -EEXIST,
						 "%s: IOMMU %zu is already named '%s' (each IOMMU "
						 "needs its own name: it prefixes its statistics)",
						 l->verb, k, name);
	rc = iommusim_system_add_iommu(r->sys, drv->arch, name, ps, &e);
	if (rc < 0)
		return stream_line_error(l, 0, err, rc, "%s: IOMMU %zu: %s", l->verb, i, e.msg);
	if ((size_t)rc != i)
		return stream_line_error(l, 0, err, -EINVAL, "%s: IOMMU %zu got index %d",
					 l->verb, i, rc);
	snprintf(r->iommu_name[i], sizeof(r->iommu_name[i]), "%s", name);
	r->niommu++;
	if (r->no_driver)
		return 0;
	rc = drv->create(&r->env, replay_iommu(r, i), iommusim_system_sched(r->sys),
			 iommusim_system_stats(r->sys), name, ps, &r->drv[i], &e);
	if (rc)
		return stream_line_error(l, 0, err, rc, "%s: %s driver of IOMMU %zu: %s", l->verb,
					 drv->arch, i, e.msg);
	r->ndrv++;
	rc = ifd_sys_add_iommu(r->ifd, r->drv[i].ops, r->drv[i].iommu, &index, &e);
	if (rc)
		return stream_line_error(l, 0, err, rc, "%s: %s", l->verb, e.msg);
	if (index != i)
		return stream_line_error(l, 0, err, -EINVAL, "%s: IOMMU %zu is the shim's %u",
					 l->verb, i, index);
	return 0;
}

static int system_run(replay_t *r, const stream_line_t *l, iommusim_error_t *err)
{
	const arch_driver_t *drv;
	ifd_sys_config_t cfg;
	iommusim_error_t e;
	uint64_t niommus, frames, memlock, vabits;
	bool thp;
	int rc;

	if (r->sys)
		return stream_line_error(l, 1, err, -EINVAL, "a stream has one 'system' line");
	rc = system_check(l, err);
	if (rc)
		return rc;
	get_u64_range(l, "iommus", 1, 1, IOMMUS_MAX, &niommus, NULL);
	get_u64_range(l, "frames", 1ull << 32, 1ull << 20, 1ull << 44, &frames, NULL);
	get_u64_range(l, "user_va_bits", 47, 20, 57, &vabits, NULL);
	stream_line_get_u64_opt(l, "memlock", NULL, 0, &memlock, NULL);
	replay_get_bool(l, "thp", true, &thp, NULL);
	rc = build_params(l, NULL, &r->opts, &r->ps, &drv, err);
	if (rc)
		return rc;
	get_no_driver(l, drv->arch, &r->no_driver, NULL);
	r->arch = drv->arch;
	if (stream_line_copy(&r->sysline, l))
		return stream_line_error(l, 0, err, -ENOMEM, "out of memory");
	r->sys = iommusim_system_create(r->ps, &e);
	if (!r->sys)
		return stream_line_error(l, 0, err, e.code ? e.code : -ENOMEM, "system: %s", e.msg);
	if (!r->no_driver) {
		ifd_sys_config_default(&cfg, iommusim_system_mem(r->sys));
		cfg.frame_size = (frames + 0xfff) & ~0xfffull;
		cfg.memlock_limit = memlock;
		cfg.thp = thp;
		cfg.user_va_bits = (unsigned)vabits;
		rc = ifd_sys_create(&cfg, &r->ifd, &e);
		if (rc)
			return stream_line_error(l, 0, err, rc, "system: %s", e.msg);
		r->env = (drv_env_t){
			.mem = iommusim_system_mem(r->sys),
			.ctx = r,
			.alloc_frame = env_alloc_frame,
			.free_frame = env_free_frame,
			.report_fault = env_report_fault,
			.report_vevent = env_report_vevent,
		};
	}
	for (unsigned i = 0; i < niommus; i++) {
		char name[32];
		if (niommus == 1)
			snprintf(name, sizeof(name), "%s", drv->arch);
		else
			snprintf(name, sizeof(name), "%s%u", drv->arch, i);
		rc = add_iommu(r, l, drv, name, r->ps, err);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- iommu ------------------------------------------------------------------------------------ */

static int iommu_check(const stream_line_t *l, iommusim_error_t *err)
{
	const char *name;
	int rc = stream_line_pos_text(l, 0, "IOMMU name", &name, err);

	if (rc)
		return rc;
	if (!stream_is_key(name) || strchr(name, '.'))
		return stream_line_error(l, l->pos[0].col, err, -EINVAL,
					 "iommu: name '%s' must be a statistics prefix (a letter, "
					 "then letters, digits or '_')", name);
	if (stream_line_arg(l, "arch")) {
		const char *arch;
		rc = stream_line_get_text(l, "arch", &arch, err);
		if (rc)
			return rc;
		if (!arch_find(arch))
			return stream_line_error(l, stream_line_arg(l, "arch")->col, err, -EINVAL,
						 "iommu: unknown arch '%s' (architectures with a "
						 "driver: %s)", arch, iommusim_model_names());
	}
	for (size_t i = 0; i < l->nargs; i++) {
		const char *k = l->args[i].key;
		if (strcmp(k, "arch") && strcmp(k, "mode") && !strchr(k, '.'))
			return stream_line_error(l, l->args[i].col, err, -EINVAL,
						 "iommu: unknown key '%s' (keys: arch, mode, or a "
						 "parameter of the IOMMU such as vtd.iotlb.sets or "
						 "drv.vtd.flush)", k);
	}
	return 0;
}

static int iommu_run(replay_t *r, const stream_line_t *l, iommusim_error_t *err)
{
	const arch_driver_t *drv;
	iommusim_params_t *ps;
	const char *name, *arch;
	int rc = iommu_check(l, err);

	if (rc)
		return rc;
	stream_line_pos_text(l, 0, "IOMMU name", &name, NULL);
	if (stream_line_arg(l, "arch")) {
		stream_line_get_text(l, "arch", &arch, NULL);
		if (strcmp(arch, r->arch) != 0)
			return stream_line_error(l, stream_line_arg(l, "arch")->col, err, -EINVAL,
						 "iommu: arch %s in a %s system (one architecture "
						 "per system)", arch, r->arch);
	}
	rc = build_params(&r->sysline, l, &r->opts, &ps, &drv, err);
	if (rc)
		return rc;
	rc = add_iommu(r, l, drv, name, ps, err);
	iommusim_params_destroy(ps);
	return rc;
}

/* ---- device --------------------------------------------------------------------------------- */

static const char *const device_keys[] = {
	"ats", "pri", "pasid_bits", "group", "iommu", "alias", "kernel_driver", "vf", "name",
	"atc_sets", "atc_ways", "inval_delay_ns", "inval_never", "max_pri_retries",
	"link_latency_ns", "posted", "mps", "link_gbps", NULL,
};

/* The description of the line (iommu is checked against the system by the caller). */
static int device_desc(const stream_line_t *l, pci_dev_desc_t *d, iommusim_error_t *err)
{
	const char *text;
	iommusim_error_t e;
	uint64_t v;
	int rc;

	memset(d, 0, sizeof(*d));
	rc = stream_line_pos_text(l, 0, "device address", &text, err);
	if (rc)
		return rc;
	if (pci_bdf_parse(text, &d->bdf, &e))
		return stream_line_error(l, l->pos[0].col, err, -EINVAL, "%s", e.msg);
	if ((rc = replay_get_bool(l, "ats", false, &d->ats, err)) ||
	    (rc = replay_get_bool(l, "pri", false, &d->pri, err)) ||
	    (rc = replay_get_bool(l, "kernel_driver", false, &d->kernel_driver, err)) ||
	    (rc = replay_get_bool(l, "vf", false, &d->is_vf, err)))
		return rc;
	if ((rc = get_u64_range(l, "pasid_bits", 0, 0, PCI_PASID_BITS_MAX, &v, err)))
		return rc;
	d->pasid_bits = (unsigned)v;
	if ((rc = get_u64_range(l, "iommu", 0, 0, IOMMUS_MAX - 1, &v, err)))
		return rc;
	d->iommu = (unsigned)v;
	d->group = -1;
	if (stream_line_arg(l, "group")) {
		if ((rc = get_u64_range(l, "group", 0, 0, 0x7fffffff, &v, err)))
			return rc;
		d->group = (int)v;
	}
	if (stream_line_arg(l, "alias")) {
		pci_bdf_t a;
		rc = stream_line_get_text(l, "alias", &text, err);
		if (rc)
			return rc;
		if (pci_bdf_parse(text, &a, &e))
			return stream_line_error(l, stream_line_arg(l, "alias")->col, err, -EINVAL,
						 "alias: %s", e.msg);
		d->has_alias = true;
		d->alias_rid = pci_bdf_rid(&a);
	}
	if (d->pri && !d->ats)
		return stream_line_error(l, 0, err, -EINVAL,
					 "device: pri=1 needs ats=1 (PCIe PRI works with ATS)");
	return 0;
}

static int endpoint_cfg(const stream_line_t *l, const iommusim_params_t *ps,
			const pci_dev_desc_t *d, iommusim_endpoint_cfg_t *cfg, iommusim_error_t *err)
{
	uint64_t v;
	int rc;

	iommusim_endpoint_cfg_default(cfg);
	if (ps)
		iommusim_endpoint_cfg_from_params(cfg, ps);
	cfg->rid = pci_bdf_rid(&d->bdf);
	cfg->ats = d->ats;
	cfg->pri = d->pri;
	cfg->pasid_bits = d->pasid_bits;
	if ((rc = get_u64_range(l, "atc_sets", cfg->atc_sets, 1, 65536, &v, err)))
		return rc;
	cfg->atc_sets = (unsigned)v;
	if ((rc = get_u64_range(l, "atc_ways", cfg->atc_ways, 1, 64, &v, err)))
		return rc;
	cfg->atc_ways = (unsigned)v;
	if ((rc = get_u64_range(l, "max_pri_retries", cfg->max_pri_retries, 1, 1000, &v, err)))
		return rc;
	cfg->max_pri_retries = (unsigned)v;
	if ((rc = get_u64_range(l, "inval_delay_ns", cfg->inval_delay / IOMMUSIM_PS_PER_NS, 0,
				3600000000000ull, &v, err)))
		return rc;
	cfg->inval_delay = v * IOMMUSIM_PS_PER_NS;
	if ((rc = get_u64_range(l, "link_latency_ns", cfg->link_latency / IOMMUSIM_PS_PER_NS, 0,
				1000000000ull, &v, err)))
		return rc;
	cfg->link_latency = v * IOMMUSIM_PS_PER_NS;
	/* the request stream (endpoint.posted, endpoint.mps, endpoint.link_gbps) */
	if ((rc = replay_get_bool(l, "posted", cfg->posted, &cfg->posted, err)))
		return rc;
	if ((rc = get_u64_range(l, "mps", cfg->mps, 128, 4096, &v, err)))
		return rc;
	if (v & (v - 1))
		return stream_line_error(l, stream_line_arg(l, "mps")->col, err, -EINVAL,
					 "device: mps=%" PRIu64 " is not a power of two (PCIe "
					 "Max_Payload_Size: 128, 256, 512, 1024, 2048 or 4096)", v);
	cfg->mps = (unsigned)v;
	if (stream_line_arg(l, "link_gbps")) {
		if ((rc = get_u64_range(l, "link_gbps", 0, 0, 1000000, &v, err)))
			return rc;
		cfg->link_gbps = (double)v;
	}
	return replay_get_bool(l, "inval_never", cfg->inval_never, &cfg->inval_never, err);
}

static int device_check(const stream_line_t *l, iommusim_error_t *err)
{
	pci_dev_desc_t d;
	iommusim_endpoint_cfg_t cfg;
	int rc = device_desc(l, &d, err);

	if (rc)
		return rc;
	return endpoint_cfg(l, NULL, &d, &cfg, err);
}

/* Keys that describe the host's topology, which a system with driver=none does not have. */
static const char *const topology_keys[] = { "group", "alias", "kernel_driver", "vf", NULL };

static int device_run(replay_t *r, const stream_line_t *l, iommusim_error_t *err)
{
	pci_dev_desc_t d;
	iommusim_endpoint_cfg_t cfg;
	iommusim_error_t e;
	pci_dev_t *pdev = NULL;
	const char *name = NULL;
	int rc;

	if ((rc = device_desc(l, &d, err)) || (rc = endpoint_cfg(l, r->ps, &d, &cfg, err)))
		return rc;
	if (d.iommu >= r->niommu)
		return stream_line_error(l, stream_line_arg(l, "iommu")->col, err, -EINVAL,
					 "device: iommu=%u but the system has %zu IOMMU%s (give "
					 "iommus=N on the system line, or add one with an 'iommu' "
					 "line)", d.iommu, r->niommu, r->niommu == 1 ? "" : "s");
	if (stream_line_arg(l, "name")) {
		rc = stream_line_get_text(l, "name", &name, err);
		if (rc)
			return rc;
		if (!stream_is_key(name))
			return stream_line_error(l, stream_line_arg(l, "name")->col, err, -EINVAL,
						 "device: name '%s' must be a statistics prefix "
						 "(letters, digits, '_', dots)", name);
	}
	if (r->no_driver) {
		for (size_t i = 0; topology_keys[i]; i++)
			if (stream_line_arg(l, topology_keys[i]))
				return stream_line_error(l, stream_line_arg(l, topology_keys[i])->col,
							 err, -EINVAL,
							 "device: %s= describes the host's topology, "
							 "which a system with driver=none does not have",
							 topology_keys[i]);
		for (size_t i = 0; i < r->ndevs; i++)
			if (pci_bdf_equal(&r->devs[i]->bdf, &d.bdf))
				return stream_line_error(l, l->pos[0].col, err, -EEXIST,
							 "device: %s is already there",
							 r->devs[i]->bdfname);
	}
	replay_dev_t **v = realloc(r->devs, (r->ndevs + 1) * sizeof(*v));
	if (!v)
		return stream_line_error(l, 0, err, -ENOMEM, "out of memory");
	r->devs = v;
	replay_dev_t *dev = calloc(1, sizeof(*dev));
	if (!dev)
		return stream_line_error(l, 0, err, -ENOMEM, "out of memory");
	if (!r->no_driver) {
		rc = ifd_sys_add_device(r->ifd, &d, &pdev, &e);
		if (rc) {
			free(dev);
			return stream_line_error(l, l->pos[0].col, err, rc, "device: %s", e.msg);
		}
	}
	dev->r = r;
	dev->pdev = pdev;
	dev->bdf = d.bdf;
	pci_bdf_format(&d.bdf, dev->bdfname, sizeof(dev->bdfname));
	dev->iommu = d.iommu;
	dev->cfg = cfg;
	if (name)
		snprintf(dev->name, sizeof(dev->name), "%s", name);
	else
		snprintf(dev->name, sizeof(dev->name), "ep%zu", pdev ? (size_t)pdev->index : r->ndevs);
	dev->ep = iommusim_system_add_endpoint(r->sys, d.iommu, &cfg, dev->name, &e);
	if (!dev->ep) {
		free(dev);
		return stream_line_error(l, 0, err, e.code ? e.code : -EINVAL, "device: %s", e.msg);
	}
	iommusim_endpoint_on_complete(dev->ep, replay_dma_done, dev);
	r->devs[r->ndevs++] = dev;
	return 0;
}

const replay_verb_t replay_verbs_setup[] = {
	{ .name = "system",
	  .usage = "system arch=vtd [driver=none] [mode=scalable|legacy] [iommus=N] "
		   "[frames=SIZE] [memlock=BYTES] [thp=0|1] [user_va_bits=N] [PARAM=VALUE...]",
	  .min_pos = 0, .max_pos = 0, .keys = NULL,
	  .check = system_check, .run = system_run },
	{ .name = "iommu",
	  .usage = "iommu NAME [arch=vtd] [mode=scalable|legacy] [PARAM=VALUE...]",
	  .min_pos = 1, .max_pos = 1, .keys = NULL, .flags = REPLAY_VERB_SYSTEM,
	  .check = iommu_check, .run = iommu_run },
	{ .name = "device",
	  .usage = "device BDF [ats=0|1] [pri=0|1] [pasid_bits=N] [group=N] [iommu=N] "
		   "[alias=BDF] [kernel_driver=0|1] [vf=0|1] [name=NAME] [atc_sets=N] "
		   "[atc_ways=N] [inval_delay_ns=N] [inval_never=0|1] [max_pri_retries=N] "
		   "[link_latency_ns=N] [posted=0|1] [mps=N] [link_gbps=N]",
	  .min_pos = 1, .max_pos = 1, .keys = device_keys, .flags = REPLAY_VERB_SYSTEM,
	  .check = device_check, .run = device_run },
	{ .name = NULL },
};
