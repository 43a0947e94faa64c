/* SPDX-License-Identifier: MIT */
/* The VT-d test bench; see vtd_tables.h. */
#include "tests/support/test.h"

#include <stdio.h>
#include <string.h>

#include "iommusim/vtd.h"
#include "tests/support/vtd_tables.h"

static void vtdt_msi_cb(void *ctx, uint64_t addr, uint32_t data, iommusim_time_t t)
{
	vtdt_t *tb = ctx;

	if (tb->nmsi < sizeof(tb->msi) / sizeof(tb->msi[0]))
		tb->msi[tb->nmsi] = (struct vtdt_msi){ addr, data, t };
	tb->nmsi++;
}

static int vtdt_dev_cb(void *ctx, const iommusim_dev_msg_t *msg)
{
	vtdt_t *tb = ctx;

	if (tb->nmsg < sizeof(tb->msg) / sizeof(tb->msg[0]))
		tb->msg[tb->nmsg] = *msg;
	tb->nmsg++;
	return tb->fwd ? tb->fwd(tb->fwd_ctx, msg) : 0;
}

int vtdt_init(vtdt_t *tb, const char *const *params, uint64_t read_ns, uint64_t write_ns,
	      iommusim_error_t *err)
{
	iommusim_model_env_t env;
	int rc;

	memset(tb, 0, sizeof(*tb));
	tb->mem = iommusim_mem_create(40);
	tb->sched = iommusim_sched_create();
	tb->stats = iommusim_stats_create();
	tb->ps = iommusim_params_create();
	assert_non_null(tb->mem);
	assert_non_null(tb->sched);
	assert_non_null(tb->stats);
	assert_non_null(tb->ps);
	iommusim_mem_port_init_mem(&tb->port, tb->mem);
	iommusim_mem_port_set_latency(&tb->port, read_ns * T_NS, write_ns * T_NS, 0);
	assert_int_equal(iommusim_params_add(tb->ps, &iommusim_vtd_component, NULL), 0);
	for (const char *const *p = params; p && *p; p++) {
		rc = iommusim_params_set_kv(tb->ps, *p, err);
		if (rc)
			return rc;
	}
	memset(&env, 0, sizeof(env));
	env.sched = tb->sched;
	env.mem = &tb->port;
	env.stats = tb->stats;
	env.instance = "vtd";
	env.msi = vtdt_msi_cb;
	env.msi_ctx = tb;
	env.to_device = vtdt_dev_cb;
	env.dev_ctx = tb;
	tb->ops = &iommusim_vtd_ops;
	tb->next_page = 0x100000;
	return tb->ops->create(tb->ps, &env, &tb->m, err);
}

void vtdt_fini(vtdt_t *tb)
{
	if (tb->m)
		tb->ops->destroy(tb->m);
	iommusim_params_destroy(tb->ps);
	iommusim_stats_destroy(tb->stats);
	iommusim_sched_destroy(tb->sched);
	iommusim_mem_destroy(tb->mem);
	memset(tb, 0, sizeof(*tb));
}

uint64_t vtdt_page(vtdt_t *tb)
{
	uint64_t p = tb->next_page;

	tb->next_page += 0x1000;
	assert_int_equal(iommusim_mem_fill(tb->mem, p, 0, 0x1000), 0);
	return p;
}

uint64_t vtdt_rd(vtdt_t *tb, uint64_t off, unsigned size, uint64_t t)
{
	uint64_t v = ~0ull;

	assert_int_equal(tb->ops->mmio_read(tb->m, off, size, &v, t), 0);
	return v;
}

void vtdt_wr(vtdt_t *tb, uint64_t off, unsigned size, uint64_t val, uint64_t t)
{
	assert_int_equal(tb->ops->mmio_write(tb->m, off, size, val, t), 0);
}

uint64_t vtdt_peek(vtdt_t *tb, uint64_t pa)
{
	uint64_t v = 0;

	assert_int_equal(iommusim_mem_read64(tb->mem, pa, &v), 0);
	return v;
}

void vtdt_poke(vtdt_t *tb, uint64_t pa, uint64_t val)
{
	assert_int_equal(iommusim_mem_write64(tb->mem, pa, val), 0);
}

void vtdt_enable(vtdt_t *tb, bool scalable)
{
	tb->root = vtdt_page(tb);
	tb->scalable = scalable;
	vtdt_wr(tb, T_RTADDR, 8, tb->root | (scalable ? T_TTM_SM : 0), 0);
	vtdt_wr(tb, T_GCMD, 4, T_GCMD_SRTP, 0);
	vtdt_wr(tb, T_GCMD, 4, T_GCMD_TE, 0);
}

/* ---- context entries ---------------------------------------------------------------------- */

static uint64_t vtdt_ctx_table(vtdt_t *tb, uint16_t sid)
{
	unsigned bus = sid >> 8, devfn = sid & 0xff;
	uint64_t re = tb->root + bus * 16ull;
	uint64_t off = (tb->scalable && devfn >= 0x80) ? 8 : 0;
	uint64_t half = vtdt_peek(tb, re + off);

	if (!(half & 1)) {
		half = vtdt_page(tb) | 1;
		vtdt_poke(tb, re + off, half);
	}
	return half & ~0xfffull;
}

void vtdt_legacy_ctx(vtdt_t *tb, uint16_t sid, uint64_t lo, uint64_t hi)
{
	uint64_t ce = vtdt_ctx_table(tb, sid) + (sid & 0xff) * 16ull;

	vtdt_poke(tb, ce, lo);
	vtdt_poke(tb, ce + 8, hi);
}

uint64_t vtdt_legacy_lo(uint64_t slptptr, unsigned tt, bool fpd)
{
	return slptptr | ((uint64_t)tt << 2) | (fpd ? 2 : 0) | 1;
}

uint64_t vtdt_legacy_hi(unsigned aw, uint16_t did)
{
	return (uint64_t)aw | ((uint64_t)did << 8);
}

uint64_t vtdt_sm_ctx(vtdt_t *tb, uint16_t sid, const uint64_t q[4])
{
	uint64_t ce = vtdt_ctx_table(tb, sid) + (sid & 0x7f) * 32ull;

	for (int i = 0; i < 4; i++)
		vtdt_poke(tb, ce + 8 * (uint64_t)i, q[i]);
	return ce;
}

uint64_t vtdt_sm_q0(vtdt_t *tb, unsigned pdts, uint64_t flags, uint64_t *dir)
{
	uint64_t bytes = 8ull << (pdts + 7);
	uint64_t d = vtdt_page(tb);

	for (uint64_t b = 0x1000; b < bytes; b += 0x1000)
		vtdt_page(tb);   /* contiguous */
	if (dir)
		*dir = d;
	return d | ((uint64_t)pdts << 9) | flags | T_SCE_P;
}

uint64_t vtdt_pasid_entry(vtdt_t *tb, uint64_t dir, uint32_t pasid, const uint64_t pe[8])
{
	uint64_t de = dir + (pasid >> 6) * 8ull, dv = vtdt_peek(tb, de), e;

	if (!(dv & 1)) {
		dv = vtdt_page(tb) | 1;
		vtdt_poke(tb, de, dv);
	}
	e = (dv & ~0xfffull) + (pasid & 63) * 64ull;
	for (int i = 0; i < 8; i++)
		vtdt_poke(tb, e + 8 * (uint64_t)i, pe[i]);
	return e;
}

/* ---- page tables -------------------------------------------------------------------------- */

static uint64_t vtdt_map(vtdt_t *tb, uint64_t *root, unsigned levels, uint64_t iova, uint64_t pa,
			 unsigned shift, uint64_t leaf, uint64_t table, bool fl)
{
	unsigned leaf_level = (shift - 12) / 9 + 1;
	uint64_t present = fl ? T_FL_P : (T_SL_R | T_SL_W);
	uint64_t t;

	if (!*root)
		*root = vtdt_page(tb);
	t = *root;
	for (unsigned l = levels; l > leaf_level; l--) {
		uint64_t ea = t + ((iova >> (12 + 9 * (l - 1))) & 0x1ff) * 8;
		uint64_t e = vtdt_peek(tb, ea);

		if (!(e & present)) {
			e = vtdt_page(tb) | table;
			vtdt_poke(tb, ea, e);
		}
		t = e & 0x000ffffffffff000ull;
	}
	uint64_t ea = t + ((iova >> shift) & 0x1ff) * 8;
	vtdt_poke(tb, ea, pa | leaf | (leaf_level > 1 ? (fl ? T_FL_PS : T_SL_PS) : 0));
	return ea;
}

uint64_t vtdt_sl_map(vtdt_t *tb, uint64_t *root, unsigned levels, uint64_t iova, uint64_t pa,
		     unsigned shift, uint64_t leaf, uint64_t table)
{
	return vtdt_map(tb, root, levels, iova, pa, shift, leaf, table, false);
}

uint64_t vtdt_fl_map(vtdt_t *tb, uint64_t *root, unsigned levels, uint64_t iova, uint64_t pa,
		     unsigned shift, uint64_t leaf, uint64_t table)
{
	return vtdt_map(tb, root, levels, iova, pa, shift, leaf, table, true);
}

uint64_t vtdt_entry_addr(vtdt_t *tb, uint64_t root, unsigned levels, uint64_t iova,
			 unsigned level, bool fl)
{
	uint64_t present = fl ? T_FL_P : (T_SL_R | T_SL_W);
	uint64_t t = root;

	for (unsigned l = levels; l > level; l--) {
		uint64_t e = vtdt_peek(tb, t + ((iova >> (12 + 9 * (l - 1))) & 0x1ff) * 8);

		if (!(e & present))
			return 0;
		t = e & 0x000ffffffffff000ull;
	}
	return t + ((iova >> (12 + 9 * (level - 1))) & 0x1ff) * 8;
}

/* ---- requests ----------------------------------------------------------------------------- */

iommusim_xlate_resp_t vtdt_xlate(vtdt_t *tb, uint16_t rid, bool pasid_valid, uint32_t pasid,
				 uint64_t iova, unsigned access, iommusim_req_type_t type,
				 uint64_t t)
{
	iommusim_xlate_req_t req = {
		.rid = rid,
		.pasid_valid = pasid_valid,
		.pasid = pasid,
		.iova = iova,
		.size = 4,
		.access = access,
		.type = type,
		.issue = t,
	};
	iommusim_xlate_resp_t resp;

	memset(&resp, 0xa5, sizeof(resp));
	tb->ops->translate(tb->m, &req, &resp);
	return resp;
}

iommusim_xlate_resp_t vtdt_dma(vtdt_t *tb, uint16_t rid, uint64_t iova, unsigned access,
			       uint64_t t)
{
	return vtdt_xlate(tb, rid, false, 0, iova, access, IOMMUSIM_REQ_UNTRANSLATED, t);
}

uint64_t vtdt_stat(vtdt_t *tb, const char *name)
{
	char full[128];
	double v = 0;

	snprintf(full, sizeof(full), "vtd.%s", name);
	if (iommusim_stats_get(tb->stats, full, &v, NULL) != 0)
		return 0;
	return (uint64_t)v;
}

void vtdt_frcd(vtdt_t *tb, unsigned n, uint64_t *lo, uint64_t *hi)
{
	*lo = vtdt_rd(tb, T_FRCD + 16ull * n, 8, 0);
	*hi = vtdt_rd(tb, T_FRCD + 16ull * n + 8, 8, 0);
}
