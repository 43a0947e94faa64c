/* SPDX-License-Identifier: MIT */
/*
 * Memory verbs.
 *
 *   mem write (user_va=N | pa=N) (fill=B len=N | data=HEX [len=N] | pattern=seq len=N)
 *   expect mem (user_va=N | pa=N) (fill=B len=N | data=HEX [len=N] | pattern=seq len=N)
 *
 * user_va is an address of the simulated process (what IOAS_MAP's user_va and type1's
 * vaddr name): `mem write` fills it before a map so that a device read has something to
 * find, `expect mem` checks what a device wrote, end to end. pa is simulated physical
 * memory, for checks below the shim and for programming the hardware by hand (tables,
 * queues) on a system with driver=none, which has no process.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/replay/replay_int.h"

/* Which address the line names. */
static int where(const stream_line_t *l, const stream_vars_t *vars, bool *user, uint64_t *addr,
		 iommusim_error_t *err)
{
	const stream_value_t *u = stream_line_arg(l, "user_va");
	const stream_value_t *p = stream_line_arg(l, "pa");

	if (u && p)
		return stream_line_error(l, p->col, err, -EINVAL,
					 "give user_va= or pa=, not both");
	if (!u && !p)
		return stream_line_error(l, 0, err, -EINVAL,
					 "missing user_va= (process memory) or pa= (physical)");
	*user = u != NULL;
	if (!vars && (u ? u : p)->kind == STREAM_REF)
		return 0;
	return stream_line_get_u64(l, u ? "user_va" : "pa", vars, addr, err);
}

static const char *verb_name(const stream_line_t *l)
{
	return strcmp(l->verb, "mem") == 0 ? "mem write" : "expect mem";
}

static int mem_check(const stream_line_t *l, iommusim_error_t *err)
{
	bool user;
	uint64_t addr;
	int rc;

	if ((rc = where(l, NULL, &user, &addr, err)) || (rc = replay_check_bytes(l, err)))
		return rc;
	if (!replay_bytes_arg(l, &replay_bytes_src))
		return stream_line_error(l, 0, err, -EINVAL,
					 "%s: say which bytes: fill=B len=N, data=HEX or "
					 "pattern=seq len=N", verb_name(l));
	return 0;
}

/* Process memory needs the process. */
static int need_process(replay_t *r, const stream_line_t *l, bool user, iommusim_error_t *err)
{
	if (!user || r->ifd)
		return 0;
	return stream_line_error(l, stream_line_arg(l, "user_va")->col, err, -EINVAL,
				 "%s: user_va= is process memory, and a system with "
				 "driver=none has no process: use pa=", verb_name(l));
}

static int mem_write_run(replay_t *r, const stream_line_t *l, iommusim_error_t *err)
{
	uint64_t addr = 0, len;
	uint8_t *buf;
	bool user;
	int rc;

	if ((rc = mem_check(l, err)) || (rc = where(l, r->vars, &user, &addr, err)) ||
	    (rc = need_process(r, l, user, err)))
		return rc;
	rc = replay_bytes(l, r->vars, &len, &buf, err);
	if (rc < 0)
		return rc;
	if (user)
		rc = ifd_mm_write(ifd_sys_mm(r->ifd), addr, buf, len);
	else
		rc = iommusim_mem_write(iommusim_system_mem(r->sys), addr, buf, len);
	free(buf);
	if (rc)
		return stream_line_error(l, 0, err, rc,
					 "mem write: cannot write 0x%" PRIx64 " bytes at %s 0x%"
					 PRIx64 " (%s)", len, user ? "user_va" : "pa", addr,
					 user ? "a hole, outside the process's address space, or "
						"no frames left" : "past the physical address width");
	return 0;
}

static int expect_mem_run(replay_t *r, const stream_line_t *l, iommusim_error_t *err)
{
	uint64_t addr = 0, len;
	uint8_t *want, *got;
	bool user;
	char exp_s[128], got_s[128], note[256];
	int rc;

	if ((rc = mem_check(l, err)) || (rc = where(l, r->vars, &user, &addr, err)) ||
	    (rc = need_process(r, l, user, err)))
		return rc;
	rc = replay_bytes(l, r->vars, &len, &want, err);
	if (rc < 0)
		return rc;
	got = malloc(len);
	if (!got) {
		free(want);
		return stream_line_error(l, 0, err, -ENOMEM, "out of memory");
	}
	if (user)
		rc = ifd_mm_read(ifd_sys_mm(r->ifd), addr, got, len);
	else
		rc = iommusim_mem_read(iommusim_system_mem(r->sys), addr, got, len);
	const char *unit = user ? "user_va" : "pa";
	if (rc) {
		snprintf(note, sizeof(note), "%s 0x%" PRIx64 "+0x%" PRIx64 " cannot be read", unit,
			 addr, len);
		replay_report(r, l, 0, "expect mem", "data", "readable memory", "unreadable",
			      note);
	} else if (replay_bytes_diff(want, got, len, addr, unit, exp_s, sizeof(exp_s), got_s,
				     sizeof(got_s), note, sizeof(note))) {
		const stream_value_t *v = replay_bytes_arg(l, &replay_bytes_src);
		replay_report(r, l, v ? v->col : 0, "expect mem", "data", exp_s, got_s, note);
	} else {
		replay_count_checks(r, 1);
	}
	free(want);
	free(got);
	return 0;
}

static const char *const mem_keys[] = { "user_va", "pa", "fill", "data", "pattern", "len",
					 NULL };

const replay_verb_t replay_verbs_mem[] = {
	{ .name = "mem write",
	  .usage = "mem write (user_va=N | pa=N) (fill=B len=N | data=HEX [len=N] | "
		   "pattern=seq len=N)",
	  .min_pos = 0, .max_pos = 0, .keys = mem_keys, .flags = REPLAY_VERB_SYSTEM,
	  .check = mem_check, .run = mem_write_run },
	{ .name = "expect mem",
	  .usage = "expect mem (user_va=N | pa=N) (fill=B len=N | data=HEX [len=N] | "
		   "pattern=seq len=N)",
	  .min_pos = 0, .max_pos = 0, .keys = mem_keys, .flags = REPLAY_VERB_SYSTEM,
	  .check = mem_check, .run = expect_mem_run },
	{ .name = NULL },
};
