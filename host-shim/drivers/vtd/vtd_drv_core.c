/* SPDX-License-Identifier: MIT */
/*
 * Instance life of the VT-d driver and the helpers every other file uses: the CPU-time
 * cursor, register access, GCMD commands, frames and table writes.
 *
 * Bring-up follows intel-iommu's init_dmars() and intel_iommu_init(): read VER/CAP/ECAP,
 * enable queued invalidation (IQT = 0, IQA with DW = ECAP.SMTS, GCMD.QIE), allocate the
 * root table, enable the page request queue (scalable mode with ECAP.PRS), flush the write
 * buffer, program RTADDR (TTM = scalable when used) and latch it with SRTP, invalidate the
 * context cache, PASID cache and IOTLB globally unless CAP.ESRTPS did it, program and
 * unmask the fault event registers, clear pending fault records, and enable translation.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/drivers/vtd/vtd_drv_priv.h"

/* Fault event MSI (10.4.10 - 10.4.13): an x86 MSI to the local APIC range. The vector is
 * arbitrary; the system only logs it. */
#define VTD_DRV_FAULT_MSI_ADDR 0xfee00000u
#define VTD_DRV_FAULT_MSI_DATA 0x00000040u

/* ---- time ------------------------------------------------------------------------------- */

void vdrv_cpu(struct vdrv_iommu *v, iommusim_time_t cost)
{
	v->t = iommusim_time_add(v->t, cost);
	*v->st.cpu_ps += cost;
}

uint64_t vdrv_cycles(const struct vdrv_iommu *v, iommusim_time_t span)
{
	/* ps * MHz / 10^6; spans of up to ~50 days at 100 GHz stay in 64 bits */
	const uint64_t ps_per_us = 1000000;

	if (span > UINT64_MAX / v->cfg.cpu_mhz)
		return UINT64_MAX;
	return (span * v->cfg.cpu_mhz + ps_per_us / 2) / ps_per_us;
}

int vdrv_sync(struct vdrv_iommu *v)
{
	iommusim_time_t now = iommusim_sched_now(v->sched);

	if (now > v->t) {
		v->t = now;
		return 0;
	}
	if (now < v->t) {
		long rc = iommusim_sched_run_until(v->sched, v->t);
		if (rc < 0)
			return (int)rc;
	}
	return 0;
}

void vdrv_begin(struct vdrv_iommu *v)
{
	iommusim_time_t now = iommusim_sched_now(v->sched);

	if (v->depth++ == 0) {
		if (now > v->t)
			v->t = now;
		vdrv_cpu(v, v->cfg.cost_op);
		vdrv_fq_timers(v);
	}
}

void vdrv_end(struct vdrv_iommu *v)
{
	if (v->depth > 0 && --v->depth == 0)
		(void)vdrv_sync(v);
}

/* ---- registers -------------------------------------------------------------------------- */

static int vdrv_rd(struct vdrv_iommu *v, uint64_t off, unsigned size, uint64_t *val)
{
	int rc;

	(void)vdrv_sync(v);
	rc = v->hw->ops->mmio_read(v->hw->impl, off, size, val, v->t);
	vdrv_cpu(v, v->cfg.cost_mmio_r);
	(*v->st.mmio_reads)++;
	return rc;
}

/* An uncached store: x86 keeps UC accesses in order, so the core does not go on to its next
 * register access until the write has reached the register. The write therefore takes
 * effect when its CPU cost (cost.mmio_write_ns) has passed. */
static int vdrv_wr(struct vdrv_iommu *v, uint64_t off, unsigned size, uint64_t val)
{
	int rc;

	(void)vdrv_sync(v);
	vdrv_cpu(v, v->cfg.cost_mmio_w);
	(void)vdrv_sync(v);
	rc = v->hw->ops->mmio_write(v->hw->impl, off, size, val, v->t);
	(*v->st.mmio_writes)++;
	return rc;
}

int vdrv_rd32(struct vdrv_iommu *v, uint64_t off, uint32_t *val)
{
	uint64_t x = 0;
	int rc = vdrv_rd(v, off, 4, &x);

	*val = (uint32_t)x;
	return rc;
}

int vdrv_rd64(struct vdrv_iommu *v, uint64_t off, uint64_t *val)
{
	*val = 0;
	return vdrv_rd(v, off, 8, val);
}

int vdrv_wr32(struct vdrv_iommu *v, uint64_t off, uint32_t val)
{
	return vdrv_wr(v, off, 4, val);
}

int vdrv_wr64(struct vdrv_iommu *v, uint64_t off, uint64_t val)
{
	return vdrv_wr(v, off, 8, val);
}

int vdrv_wait_reg(struct vdrv_iommu *v, uint64_t off, unsigned size, uint64_t mask,
		 uint64_t want, const char *what, uint64_t *last, iommusim_error_t *err)
{
	iommusim_time_t start = v->t;
	uint64_t val = 0;

	for (;;) {
		int rc = vdrv_rd(v, off, size, &val);

		if (last)
			*last = val;
		if (rc)
			return iommusim_error_set(err, -EIO, "vtd driver %s: reading register 0x%03llx "
						  "failed (%d)", v->name,
						  (unsigned long long)off, rc);
		if ((val & mask) == want)
			return 0;
		if (v->t - start >= v->cfg.qi_timeout)
			return iommusim_error_set(err, -ETIMEDOUT,
				"vtd driver %s: %s not acknowledged after %.0f ns (register 0x%03llx "
				"reads 0x%llx); raise drv.vtd.qi.timeout_ns if the hardware is slow",
				v->name, what, iommusim_time_to_ns(v->t - start),
				(unsigned long long)off, (unsigned long long)val);
		vdrv_cpu(v, v->cfg.poll_step);
	}
}

int vdrv_gcmd(struct vdrv_iommu *v, uint32_t cmd, bool on, iommusim_error_t *err)
{
	static const struct {
		uint32_t cmd, sts;
		bool oneshot;
		const char *name;
	} table[] = {
		{ VTD_GCMD_TE, VTD_GSTS_TES, false, "GCMD.TE" },
		{ VTD_GCMD_QIE, VTD_GSTS_QIES, false, "GCMD.QIE" },
		{ VTD_GCMD_SRTP, VTD_GSTS_RTPS, true, "GCMD.SRTP" },
		{ VTD_GCMD_WBF, VTD_GSTS_WBFS, true, "GCMD.WBF" },
	};

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (table[i].cmd != cmd)
			continue;
		uint32_t val;
		uint64_t want;

		if (table[i].oneshot) {
			val = v->gcmd | cmd;
			/* SRTP completes with RTPS set, WBF with WBFS clear again (10.4.5) */
			want = cmd == VTD_GCMD_SRTP ? table[i].sts : 0;
		} else {
			v->gcmd = on ? (v->gcmd | cmd) : (v->gcmd & ~cmd);
			val = v->gcmd;
			want = on ? table[i].sts : 0;
		}
		if (vdrv_wr32(v, VTD_REG_GCMD, val))
			return iommusim_error_set(err, -EIO, "vtd driver %s: GCMD write refused",
						  v->name);
		return vdrv_wait_reg(v, VTD_REG_GSTS, 4, table[i].sts, want, table[i].name, NULL,
				    err);
	}
	return iommusim_error_set(err, -EINVAL, "vtd driver: GCMD command 0x%x not used", cmd);
}

int vdrv_flush_write_buffer(struct vdrv_iommu *v, iommusim_error_t *err)
{
	if (!vdrv_capb(v, VTD_CAP_RWBF))
		return 0;
	return vdrv_gcmd(v, VTD_GCMD_WBF, true, err);
}

/* ---- frames and tables ------------------------------------------------------------------- */

int vdrv_frame_alloc(struct vdrv_iommu *v, uint64_t *pa, iommusim_error_t *err)
{
	int rc = v->env.alloc_frame ? v->env.alloc_frame(v->env.ctx, pa) : -ENOMEM;

	if (rc)
		return iommusim_error_set(err, rc < 0 ? rc : -ENOMEM,
					  "vtd driver %s: no frame for a table (%d)", v->name, rc);
	if (*pa & (VTD_PAGE_SIZE - 1)) {
		if (v->env.free_frame)
			v->env.free_frame(v->env.ctx, *pa);
		return iommusim_error_set(err, -EINVAL, "vtd driver %s: frame 0x%llx from the "
					  "allocator is not 4 KiB aligned", v->name,
					  (unsigned long long)*pa);
	}
	(*v->st.pt_tables)++;
	return 0;
}

void vdrv_frame_free(struct vdrv_iommu *v, uint64_t pa)
{
	if (!pa)
		return;
	/* The next owner expects a zeroed frame; do as the kernel's page allocator users do. */
	(void)iommusim_mem_fill(v->mem, pa, 0, VTD_PAGE_SIZE);
	if (v->env.free_frame)
		v->env.free_frame(v->env.ctx, pa);
	(*v->st.pt_freed)++;
}

int vdrv_write_pte(struct vdrv_iommu *v, uint64_t pa, uint64_t val)
{
	vdrv_cpu(v, v->cfg.cost_pte);
	(*v->st.pt_pte_writes)++;
	return iommusim_mem_write64(v->mem, pa, val);
}

int vdrv_read_pte(const struct vdrv_iommu *v, uint64_t pa, uint64_t *val)
{
	return iommusim_mem_read64(v->mem, pa, val);
}

/* ---- devices ---------------------------------------------------------------------------- */

struct vdrv_dev *vdrv_dev_find(struct vdrv_iommu *v, const pci_dev_t *pdev)
{
	for (size_t i = 0; i < v->ndevs; i++)
		if (v->devs[i]->pdev == pdev)
			return v->devs[i];
	return NULL;
}

struct vdrv_dev *vdrv_dev_find_rid(struct vdrv_iommu *v, uint16_t rid)
{
	for (size_t i = 0; i < v->ndevs; i++)
		for (unsigned k = 0; k < v->devs[i]->nrids; k++)
			if (v->devs[i]->rids[k] == rid)
				return v->devs[i];
	return NULL;
}

struct vdrv_dev *vdrv_dev_lookup(struct vdrv_iommu *v, const pci_dev_t *pdev,
				 struct vdrv_iommu **unit)
{
	struct vdrv_dev *d = vdrv_dev_find(v, pdev);

	*unit = v;
	for (size_t i = 0; !d && i < v->npeers; i++) {
		d = vdrv_dev_find(v->peers[i], pdev);
		*unit = v->peers[i];
	}
	return d;
}

/* ---- units -------------------------------------------------------------------------------- */

void vdrv_cross_begin(struct vdrv_iommu *v, struct vdrv_iommu *u)
{
	if (u == v)
		return;
	u->depth++;
	if (u->t < v->t)
		u->t = v->t;
}

void vdrv_cross_end(struct vdrv_iommu *v, struct vdrv_iommu *u)
{
	if (u == v)
		return;
	if (u->depth > 0)
		u->depth--;
	if (v->t < u->t)
		v->t = u->t;
}

static bool peer_known(const struct vdrv_iommu *a, const struct vdrv_iommu *b)
{
	for (size_t i = 0; i < a->npeers; i++)
		if (a->peers[i] == b)
			return true;
	return false;
}

static int peer_add(struct vdrv_iommu *a, struct vdrv_iommu *b)
{
	if (peer_known(a, b))
		return 0;
	if (a->npeers == a->cappeers) {
		size_t cap = a->cappeers ? a->cappeers * 2 : 4;
		struct vdrv_iommu **p = realloc(a->peers, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		a->peers = p;
		a->cappeers = cap;
	}
	a->peers[a->npeers++] = b;
	return 0;
}

static void peer_del(struct vdrv_iommu *a, const struct vdrv_iommu *b)
{
	for (size_t i = 0; i < a->npeers; i++) {
		if (a->peers[i] == b) {
			a->peers[i] = a->peers[--a->npeers];
			return;
		}
	}
}

int vdrv_peer_link(struct vdrv_iommu *a, struct vdrv_iommu *b)
{
	if (a == b)
		return 0;
	if (peer_add(a, b))
		return -ENOMEM;
	if (peer_add(b, a)) {
		peer_del(a, b);
		return -ENOMEM;
	}
	return 0;
}

void vdrv_peer_unlink_all(struct vdrv_iommu *v)
{
	for (size_t i = 0; i < v->npeers; i++)
		peer_del(v->peers[i], v);
	v->npeers = 0;
}

/* ---- bring-up ----------------------------------------------------------------------------- */

static int vdrv_read_caps(struct vdrv_iommu *v, iommusim_error_t *err)
{
	unsigned sagaw, mgaw;

	if (vdrv_rd32(v, VTD_REG_VER, &v->ver) || vdrv_rd64(v, VTD_REG_CAP, &v->cap) ||
	    vdrv_rd64(v, VTD_REG_ECAP, &v->ecap))
		return iommusim_error_set(err, -EIO, "vtd driver %s: cannot read VER/CAP/ECAP",
					  v->name);
	sagaw = (unsigned)((v->cap & VTD_CAP_SAGAW_MASK) >> VTD_CAP_SAGAW_SHIFT);
	mgaw = (unsigned)((v->cap & VTD_CAP_MGAW_MASK) >> VTD_CAP_MGAW_SHIFT) + 1;
	/* iommu_calculate_agaw: the deepest supported table up to 57 bits */
	v->agaw = 0;
	for (unsigned aw = VTD_AW_57; aw >= VTD_AW_39; aw--) {
		if (sagaw & (1u << aw)) {
			v->agaw = aw;
			break;
		}
	}
	if (!v->agaw)
		return iommusim_error_set(err, -ENODEV, "vtd driver %s: CAP.SAGAW 0x%x offers no "
					  "39-, 48- or 57-bit table", v->name, sagaw);
	v->msagaw = v->agaw;
	v->gaw = vdrv_aw_width(v->agaw) < mgaw ? vdrv_aw_width(v->agaw) : mgaw;
	v->iro = (unsigned)((v->ecap & VTD_ECAP_IRO_MASK) >> VTD_ECAP_IRO_SHIFT);
	v->fro = (unsigned)((v->cap & VTD_CAP_FRO_MASK) >> VTD_CAP_FRO_SHIFT);
	v->nfr = (unsigned)((v->cap & VTD_CAP_NFR_MASK) >> VTD_CAP_NFR_SHIFT) + 1;
	v->ndoms = 1u << (4 + 2 * (unsigned)((v->cap & VTD_CAP_ND_MASK) >> VTD_CAP_ND_SHIFT));
	v->sm = !v->cfg.legacy && vdrv_ecap(v, VTD_ECAP_SMTS);
	v->qi = vdrv_ecap(v, VTD_ECAP_QI);
	if (v->sm && !v->qi)
		return iommusim_error_set(err, -ENODEV, "vtd driver %s: scalable mode without "
					  "ECAP.QI cannot be invalidated", v->name);

	switch (v->cfg.paging) {
	case VDRV_PAGING_FL:
		if (!v->sm || !vdrv_ecap(v, VTD_ECAP_FLTS))
			return iommusim_error_set(err, -EINVAL,
				"vtd driver %s: drv.vtd.paging=first-level needs scalable mode and "
				"ECAP.FLTS (mode %s, FLTS %d); use auto or second-level", v->name,
				v->sm ? "scalable" : "legacy", vdrv_ecap(v, VTD_ECAP_FLTS));
		break;
	case VDRV_PAGING_SL:
		if (v->sm && !vdrv_ecap(v, VTD_ECAP_SLTS))
			return iommusim_error_set(err, -EINVAL,
				"vtd driver %s: drv.vtd.paging=second-level in scalable mode needs "
				"ECAP.SLTS; use auto or first-level", v->name);
		break;
	case VDRV_PAGING_AUTO:
		if (v->sm && !vdrv_ecap(v, VTD_ECAP_SLTS) && !vdrv_ecap(v, VTD_ECAP_FLTS))
			return iommusim_error_set(err, -ENODEV, "vtd driver %s: scalable mode "
						  "with neither ECAP.FLTS nor ECAP.SLTS", v->name);
		break;
	}
	return 0;
}

static int vdrv_enable_faults(struct vdrv_iommu *v, iommusim_error_t *err)
{
	if (vdrv_wr32(v, VTD_REG_FEDATA, VTD_DRV_FAULT_MSI_DATA) ||
	    vdrv_wr32(v, VTD_REG_FEADDR, VTD_DRV_FAULT_MSI_ADDR) ||
	    vdrv_wr32(v, VTD_REG_FEUADDR, 0) || vdrv_wr32(v, VTD_REG_FECTL, 0))
		return iommusim_error_set(err, -EIO, "vtd driver %s: fault event registers refused "
					  "the write", v->name);
	/* dmar_set_interrupt: clear what may be pending from before */
	(void)vdrv_fault_poll(v);
	return 0;
}

static int vdrv_set_root(struct vdrv_iommu *v, iommusim_error_t *err)
{
	uint64_t rta = v->root;
	int rc;

	if (v->sm)
		rta |= (uint64_t)VTD_TTM_SCALABLE << VTD_RTADDR_TTM_SHIFT;
	if (vdrv_wr64(v, VTD_REG_RTADDR, rta))
		return iommusim_error_set(err, -EIO, "vtd driver %s: RTADDR write refused", v->name);
	rc = vdrv_gcmd(v, VTD_GCMD_SRTP, true, err);
	if (rc)
		return rc;
	if (vdrv_capb(v, VTD_CAP_ESRTPS))
		return 0;

	/* iommu_set_root_entry: context cache, PASID cache, IOTLB, all global */
	uint64_t d[4];

	vdrv_desc_cc(d, VDRV_G_GLOBAL, 0, 0, 0);
	rc = vdrv_inv_one(v, d, err);
	if (!rc && v->sm) {
		vdrv_desc_pc(d, VDRV_PC_G_GLOBAL, 0, 0);
		rc = vdrv_inv_one(v, d, err);
	}
	if (!rc) {
		vdrv_desc_iotlb(v, d, VDRV_G_GLOBAL, 0, 0, 0, false);
		rc = vdrv_inv_one(v, d, err);
	}
	return rc;
}

static void vdrv_free_instance(struct vdrv_iommu *v)
{
	free(v->did_map);
	free(v->peers);
	free(v->devs);
	free(v->doms);
	free(v->faults);
	free(v->fault_view);
	if (v->own_stats)
		iommusim_stats_destroy(v->stats);
	free(v);
}

int vtd_drv_create_stats(const drv_env_t *env, iommusim_model_t *hw, iommusim_sched_t *sched,
			 iommusim_stats_t *stats, const char *name, const iommusim_params_t *ps,
			 drv_instance_t *out, iommusim_error_t *err)
{
	struct vdrv_iommu *v;
	int rc;

	if (!env || !hw || !hw->ops || !sched || !out || !env->mem || !env->alloc_frame)
		return iommusim_error_set(err, -EINVAL, "vtd driver: create needs an environment "
					  "with memory and a frame allocator, a model, a scheduler "
					  "and an output");
	if (strcmp(hw->ops->name, "vtd") != 0)
		return iommusim_error_set(err, -EINVAL, "vtd driver: the model is \"%s\", not "
					  "\"vtd\"", hw->ops->name);
	if (name && (!*name || strlen(name) >= sizeof(v->name)))
		return iommusim_error_set(err, -EINVAL, "vtd driver: instance name must be 1..%zu "
					  "characters", sizeof(v->name) - 1);
	out->ops = NULL;
	out->iommu = NULL;
	v = calloc(1, sizeof(*v));
	if (!v)
		return iommusim_error_set(err, -ENOMEM, "vtd driver: out of memory");
	v->env = *env;
	v->hw = hw;
	v->sched = sched;
	v->mem = env->mem;
	snprintf(v->name, sizeof(v->name), "%s", name ? name : "vtd");
	v->t = iommusim_sched_now(sched);
	rc = vdrv_cfg_read(&v->cfg, ps, err);
	if (rc) {
		free(v);
		return rc;
	}
	if (!stats) {
		stats = iommusim_stats_create();
		if (!stats) {
			free(v);
			return iommusim_error_set(err, -ENOMEM, "vtd driver: out of memory");
		}
		v->own_stats = true;
	}
	v->stats = stats;
	v->faults = calloc(VTD_DRV_FAULT_LOG_MAX, sizeof(*v->faults));
	v->fault_view = calloc(VTD_DRV_FAULT_LOG_MAX, sizeof(*v->fault_view));
	rc = (!v->faults || !v->fault_view)
		     ? iommusim_error_set(err, -ENOMEM, "vtd driver: out of memory")
		     : vdrv_stats_init(v, stats, v->name, err);
	if (rc) {
		vdrv_free_instance(v);
		return rc;
	}

	vdrv_begin(v);
	rc = vdrv_read_caps(v, err);
	if (!rc) {
		v->did_map = calloc(v->ndoms, 1);
		if (!v->did_map)
			rc = iommusim_error_set(err, -ENOMEM, "vtd driver: out of memory");
	}
	/* A translation left enabled (kexec) is switched off first, as intel_iommu_init does. */
	if (!rc) {
		uint32_t gsts = 0;

		(void)vdrv_rd32(v, VTD_REG_GSTS, &gsts);
		if (gsts & (VTD_GSTS_TES | VTD_GSTS_QIES)) {
			v->gcmd = 0;
			(void)vdrv_wr32(v, VTD_REG_GCMD, 0);
		}
	}
	if (!rc && v->qi)
		rc = vdrv_qi_init(v, err);
	if (!rc)
		rc = vdrv_root_init(v, err);
	if (!rc && v->sm && vdrv_ecap(v, VTD_ECAP_PRS))
		rc = vdrv_prq_init(v, err);
	if (!rc)
		rc = vdrv_flush_write_buffer(v, err);
	if (!rc)
		rc = vdrv_set_root(v, err);
	if (!rc)
		rc = vdrv_fault_init(v, err);
	if (!rc)
		rc = vdrv_enable_faults(v, err);
	if (!rc)
		rc = vdrv_gcmd(v, VTD_GCMD_TE, true, err);
	vdrv_end(v);
	if (rc) {
		drv_instance_t tmp = { .ops = &vtd_drv_ops, .iommu = vtd_drv_iommu(v) };
		vtd_drv_destroy(&tmp);
		return rc;
	}
	out->ops = &vtd_drv_ops;
	out->iommu = vtd_drv_iommu(v);
	return 0;
}

int vtd_drv_create(const drv_env_t *env, iommusim_model_t *hw, iommusim_sched_t *sched,
		   const iommusim_params_t *ps, drv_instance_t *out, iommusim_error_t *err)
{
	return vtd_drv_create_stats(env, hw, sched, NULL, NULL, ps, out, err);
}

void vtd_drv_destroy(drv_instance_t *inst)
{
	struct vdrv_iommu *v;

	if (!inst || !inst->iommu || inst->ops != &vtd_drv_ops)
		return;
	v = vdrv_of(inst->iommu);
	vdrv_begin(v);
	while (v->ndevs)
		vtd_drv_ops.release_device(inst->iommu, v->devs[v->ndevs - 1]->pdev);
	/* Domains the caller did not free: nested ones first (they reference parents). */
	for (size_t i = v->ndoms_live; i-- > 0;)
		if (v->doms[i]->base.type == DRV_DOMAIN_NESTED)
			vdrv_domain_destroy(v->doms[i]);
	while (v->ndoms_live)
		vdrv_domain_destroy(v->doms[v->ndoms_live - 1]);
	/* its devices have left the other units' domains, its domains the other units */
	vdrv_peer_unlink_all(v);
	if (v->gcmd & VTD_GCMD_TE)
		(void)vdrv_gcmd(v, VTD_GCMD_TE, false, NULL);
	vdrv_prq_fini(v);
	if (v->gcmd & VTD_GCMD_QIE)
		(void)vdrv_gcmd(v, VTD_GCMD_QIE, false, NULL);
	vdrv_qi_fini(v);
	vdrv_root_fini(v);
	vdrv_fault_fini(v);
	vdrv_end(v);
	vdrv_free_instance(v);
	inst->iommu = NULL;
	inst->ops = NULL;
}

/* ---- public inspection ---------------------------------------------------------------------- */

iommusim_stats_t *vtd_drv_stats(const drv_instance_t *inst)
{
	if (!inst || !inst->iommu || inst->ops != &vtd_drv_ops)
		return NULL;
	return vdrv_of(inst->iommu)->stats;
}

bool vtd_drv_scalable(const drv_instance_t *inst)
{
	if (!inst || !inst->iommu || inst->ops != &vtd_drv_ops)
		return false;
	return vdrv_of(inst->iommu)->sm;
}

int vtd_drv_poll(drv_instance_t *inst)
{
	struct vdrv_iommu *v;
	int n, m;

	if (!inst || !inst->iommu || inst->ops != &vtd_drv_ops)
		return -EINVAL;
	v = vdrv_of(inst->iommu);
	vdrv_begin(v);
	n = vdrv_fault_poll(v);
	m = vdrv_prq_poll(v);
	vdrv_end(v);
	if (n < 0)
		return n;
	if (m < 0)
		return m;
	return n + m;
}
