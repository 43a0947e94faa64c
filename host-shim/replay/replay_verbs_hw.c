/* SPDX-License-Identifier: MIT */
/*
 * Register access below the shim, as QEMU's qtest protocol gives a test.
 *
 *   mmio write OFF VALUE [iommu=N] [size=4|8]
 *   mmio read OFF [iommu=N] [size=4|8] [expect=VALUE] [mask=M]
 *
 * OFF is the register's offset in the IOMMU's MMIO window (VT-d: GCMD 0x18, IQT 0x88, ...),
 * naturally aligned to size (default 4 bytes: a 32-bit access; 64-bit registers take
 * size=8). The access happens at the current simulated time; whatever it starts (a queue
 * being processed, a command completing) runs as time moves (`advance`, `wait idle`). A read
 * with expect= compares (value & mask) with (expect & mask). The positional values come
 * before the keys: `mmio write 0x18 0x80000000 iommu=1`.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/replay/replay_int.h"

typedef struct mmio_line {
	bool write;
	uint64_t off;
	uint64_t value;                /* write: the value; read: expect= */
	bool has_expect;
	uint64_t mask;
	unsigned size;
} mmio_line_t;

static int mmio_parse(const stream_line_t *l, const stream_vars_t *vars, mmio_line_t *m,
		      iommusim_error_t *err)
{
	const stream_value_t *sz = stream_line_arg(l, "size");
	uint64_t x = 4, full;
	int rc;

	memset(m, 0, sizeof(*m));
	m->write = strcmp(l->pos[0].text, "write") == 0;
	if (sz) {
		if ((rc = stream_value_u64(l, "size", sz, NULL, &x, err)))
			return rc;
		if (x != 4 && x != 8)
			return stream_line_error(l, sz->col, err, -EINVAL,
						 "mmio: size is 4 or 8 (bytes)");
	}
	m->size = (unsigned)x;
	full = m->size == 8 ? UINT64_MAX : 0xffffffffull;
	m->mask = full;
	if (!vars && l->pos[1].kind == STREAM_REF)
		return 0;
	if ((rc = stream_value_u64(l, "register offset", &l->pos[1], vars, &m->off, err)))
		return rc;
	if (m->off % m->size)
		return stream_line_error(l, l->pos[1].col, err, -EINVAL,
					 "mmio: offset 0x%" PRIx64 " is not aligned to the %u-byte "
					 "access (size=%u)", m->off, m->size, m->size);
	const stream_value_t *v = m->write ? &l->pos[2] : stream_line_arg(l, "expect");
	if (v) {
		if (!vars && v->kind == STREAM_REF)
			return 0;
		if ((rc = stream_value_u64(l, m->write ? "value" : "expect", v, vars, &m->value,
					   err)))
			return rc;
		if (m->value & ~full)
			return stream_line_error(l, v->col, err, -ERANGE,
						 "mmio: 0x%" PRIx64 " does not fit a %u-byte access "
						 "(give size=8)", m->value, m->size);
		m->has_expect = !m->write;
	}
	const stream_value_t *mk = stream_line_arg(l, "mask");
	if (mk) {
		if (!stream_line_arg(l, "expect"))
			return stream_line_error(l, mk->col, err, -EINVAL,
						 "mmio read: mask= goes with expect=");
		if (!vars && mk->kind == STREAM_REF)
			return 0;
		if ((rc = stream_value_u64(l, "mask", mk, vars, &m->mask, err)))
			return rc;
		m->mask &= full;
	}
	return 0;
}

static int mmio_check(const stream_line_t *l, iommusim_error_t *err)
{
	mmio_line_t m;
	int rc = replay_check_num(l, "iommu", false, err);

	if (rc)
		return rc;
	if (strcmp(l->pos[0].text, "write") == 0 && l->npos != 3)
		return stream_line_error(l, 0, err, -EINVAL,
					 "mmio write: needs the offset and the value: mmio write "
					 "OFF VALUE [iommu=N] [size=4|8]");
	return mmio_parse(l, NULL, &m, err);
}

static int mmio_run(replay_t *r, const stream_line_t *l, iommusim_error_t *err)
{
	mmio_line_t m;
	unsigned idx;
	uint64_t got = 0;
	int rc;

	if ((rc = mmio_check(l, err)) || (rc = mmio_parse(l, r->vars, &m, err)) ||
	    (rc = replay_iommu_arg(r, l, 0, &idx, err)))
		return rc;
	iommusim_model_t *hw = replay_iommu(r, idx);
	if (m.write)
		rc = hw->ops->mmio_write(hw->impl, m.off, m.size, m.value, replay_now(r));
	else
		rc = hw->ops->mmio_read(hw->impl, m.off, m.size, &got, replay_now(r));
	if (rc)
		return stream_line_error(l, l->pos[1].col, err, rc,
					 "mmio %s: %s refused the %u-byte access at 0x%" PRIx64,
					 m.write ? "write" : "read", r->iommu_name[idx], m.size, m.off);
	if (!m.has_expect)
		return 0;
	if ((got & m.mask) == (m.value & m.mask)) {
		replay_count_checks(r, 1);
		return 0;
	}
	char exp_s[48], got_s[48], note[96] = "";
	snprintf(exp_s, sizeof(exp_s), "0x%" PRIx64, m.value & m.mask);
	snprintf(got_s, sizeof(got_s), "0x%" PRIx64, got & m.mask);
	if (stream_line_arg(l, "mask"))
		snprintf(note, sizeof(note), "mask 0x%" PRIx64 "; the register reads 0x%" PRIx64,
			 m.mask, got);
	char key[32];
	snprintf(key, sizeof(key), "0x%" PRIx64, m.off);
	replay_report(r, l, stream_line_arg(l, "expect")->col, "mmio read", key, exp_s, got_s,
		      note[0] ? note : NULL);
	return 0;
}

static const char *const write_keys[] = { "iommu", "size", NULL };
static const char *const read_keys[] = { "iommu", "size", "expect", "mask", NULL };

const replay_verb_t replay_verbs_hw[] = {
	{ .name = "mmio write", .usage = "mmio write OFF VALUE [iommu=N] [size=4|8]",
	  .min_pos = 2, .max_pos = 2, .keys = write_keys, .flags = REPLAY_VERB_SYSTEM,
	  .check = mmio_check, .run = mmio_run },
	{ .name = "mmio read", .usage = "mmio read OFF [iommu=N] [size=4|8] [expect=VALUE] [mask=M]",
	  .min_pos = 1, .max_pos = 1, .keys = read_keys, .flags = REPLAY_VERB_SYSTEM,
	  .check = mmio_check, .run = mmio_run },
	{ .name = NULL },
};
