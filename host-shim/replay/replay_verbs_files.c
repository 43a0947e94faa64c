/* SPDX-License-Identifier: MIT */
/*
 * File verbs: the simulated process's descriptors.
 *
 *   open PATH [dev=BDF] [-> fd=N|$name | errno=E]
 *   close FD [-> errno=E]
 *   memfd size=N [fill=B|data=HEX] [len=N] [-> fd=N|$name]
 *   read FD [len=N] [timeout_ns=T] [-> ret=N | errno=E] [FIELD=V | data.N.FIELD=V ...]
 *   write FD (FIELD=V | data.N.FIELD=V ...) [len=N] [-> ret=N | errno=E]
 *
 * `open` of /dev/vfio/devices/vfioN with dev=BDF opens that device's cdev whatever N was on
 * the recording host. Fault fds (IOMMU_FAULT_QUEUE_ALLOC) are read as struct
 * iommu_hwpt_pgfault records (40 bytes) and written as struct iommu_hwpt_page_response
 * (8 bytes): plain field names are record 0, data.N.field record N. A read that expects
 * data (ret= other than 0, or record fields) waits for it as a process blocked in poll()
 * would: simulated time runs, event by event, up to timeout_ns (default 1 ms).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/replay/replay_int.h"
#include "host-shim/uapi/iommufd_abi.h"

#define READ_TIMEOUT_NS 1000000ull

static const uapi_name_t pgfault_flags[] = {
	{ "PASID_VALID", UAPI_IOMMU_PGFAULT_FLAGS_PASID_VALID },
	{ "LAST_PAGE", UAPI_IOMMU_PGFAULT_FLAGS_LAST_PAGE },
	{ NULL, 0 },
};

static const uapi_name_t pgfault_perm[] = {
	{ "READ", UAPI_IOMMU_PGFAULT_PERM_READ },
	{ "WRITE", UAPI_IOMMU_PGFAULT_PERM_WRITE },
	{ "EXEC", UAPI_IOMMU_PGFAULT_PERM_EXEC },
	{ "PRIV", UAPI_IOMMU_PGFAULT_PERM_PRIV },
	{ NULL, 0 },
};

static const uapi_name_t resp_codes[] = {
	{ "SUCCESS", UAPI_IOMMUFD_PAGE_RESP_SUCCESS },
	{ "INVALID", UAPI_IOMMUFD_PAGE_RESP_INVALID },
	{ NULL, 0 },
};

#define PGF(f) offsetof(struct uapi_iommu_hwpt_pgfault, f)
static const uapi_field_t pgfault_fields[] = {
	{ "flags", PGF(flags), 4, UAPI_OUT, UAPI_FMT_FLAGS, 0, pgfault_flags },
	{ "dev_id", PGF(dev_id), 4, UAPI_OUT, UAPI_FMT_DEC, 0, NULL },
	{ "pasid", PGF(pasid), 4, UAPI_OUT, UAPI_FMT_DEC, 0, NULL },
	{ "grpid", PGF(grpid), 4, UAPI_OUT, UAPI_FMT_DEC, 0, NULL },
	{ "perm", PGF(perm), 4, UAPI_OUT, UAPI_FMT_FLAGS, 0, pgfault_perm },
	{ "addr", PGF(addr), 8, UAPI_OUT, UAPI_FMT_HEX, 0, NULL },
	{ "length", PGF(length), 4, UAPI_OUT, UAPI_FMT_HEX, 0, NULL },
	{ "cookie", PGF(cookie), 4, UAPI_OUT, UAPI_FMT_DEC, 0, NULL },
};

#define PGR(f) offsetof(struct uapi_iommu_hwpt_page_response, f)
static const uapi_field_t resp_fields[] = {
	{ "cookie", PGR(cookie), 4, UAPI_IN, UAPI_FMT_DEC, 0, NULL },
	{ "code", PGR(code), 4, UAPI_IN, UAPI_FMT_ENUM, 0, resp_codes },
};

/* Byte counts (ret=) are shown in decimal. */
static const uapi_field_t ret_field = { "ret", 0, 8, UAPI_OUT, UAPI_FMT_DEC, 0, NULL };

static const replay_rec_layout_t pgfault_layout = {
	"fault record", pgfault_fields, sizeof(pgfault_fields) / sizeof(pgfault_fields[0]),
	sizeof(struct uapi_iommu_hwpt_pgfault),
};

static const replay_rec_layout_t resp_layout = {
	"page response", resp_fields, sizeof(resp_fields) / sizeof(resp_fields[0]),
	sizeof(struct uapi_iommu_hwpt_page_response),
};

/* Results a file verb takes: errno, and fd or ret. */
static int check_results(const stream_line_t *l, const char *other,
			 const replay_rec_layout_t *lay, iommusim_error_t *err)
{
	for (size_t i = 0; i < l->nres; i++) {
		const stream_arg_t *a = &l->res[i];
		size_t idx;
		const uapi_field_t *f;
		if (strcmp(a->key, "errno") == 0)
			continue;
		if (other && strcmp(a->key, other) == 0) {
			if (a->v.kind != STREAM_NUMBER && a->v.kind != STREAM_REF)
				return stream_line_error(l, a->v.col, err, -EINVAL,
							 "%s: %s= is a number or $name", l->verb,
							 other);
			continue;
		}
		if (lay) {
			int rc = replay_rec_key(l, a, lay, &idx, &f, err);
			if (rc < 0)
				return rc;
			if (rc == 1)
				continue;
		}
		return stream_line_error(l, a->col, err, -EINVAL,
					 "'%s' has no result '%s' (results: errno%s%s%s)", l->verb,
					 a->key, other ? ", " : "", other ? other : "",
					 lay ? ", and fields of a fault record" : "");
	}
	return replay_check_errno(l, err);
}

static int text_pos(const stream_line_t *l, size_t idx, const char **out, iommusim_error_t *err)
{
	return stream_line_pos_text(l, idx, "path", out, err);
}

/* ---- open / close ------------------------------------------------------------------------ */

static int open_check(const stream_line_t *l, iommusim_error_t *err)
{
	const char *path;
	int rc = text_pos(l, 0, &path, err);

	if (rc)
		return rc;
	if (stream_line_arg(l, "dev") && strncmp(path, "/dev/vfio/devices/", 18) != 0)
		return stream_line_error(l, stream_line_arg(l, "dev")->col, err, -EINVAL,
					 "open: dev= names the device behind a /dev/vfio/devices/ "
					 "path, not %s", path);
	return check_results(l, "fd", NULL, err);
}

static int open_run(replay_t *r, const stream_line_t *l, iommusim_error_t *err)
{
	const char *path;
	iommusim_error_t e;
	int simfd = -1;
	int64_t sfd;
	int rc;

	rc = text_pos(l, 0, &path, err);
	if (rc)
		return rc;
	iommusim_error_clear(&e);
	if (stream_line_arg(l, "dev")) {
		replay_dev_t *d = NULL;
		const char *name;
		rc = stream_line_get_text(l, "dev", &name, err);
		if (rc)
			return rc;
		for (size_t i = 0; i < r->ndevs; i++) {
			pci_bdf_t b;
			if (pci_bdf_parse(name, &b, NULL) == 0 && pci_bdf_equal(&b, &r->devs[i]->bdf))
				d = r->devs[i];
		}
		if (!d)
			return stream_line_error(l, stream_line_arg(l, "dev")->col, err, -ENOENT,
						 "open: no device %s (add a 'device %s' line)", name,
						 name);
		rc = ifd_open_cdev(r->ifd, d->pdev, &simfd, &e);
	} else {
		rc = ifd_open(r->ifd, path, &simfd, &e);
	}
	replay_expect_outcome(r, l, "open", rc, e.msg);
	if (rc)
		return 0;
	return replay_fd_new(r, l, stream_line_result(l, "fd"), simfd, &sfd, err);
}

static int close_check(const stream_line_t *l, iommusim_error_t *err)
{
	return check_results(l, NULL, NULL, err);
}

static int close_run(replay_t *r, const stream_line_t *l, iommusim_error_t *err)
{
	iommusim_error_t e;
	int64_t sfd;
	int fd, rc;

	rc = replay_fd_in(r, l, &l->pos[0], &fd, err);
	if (rc)
		return rc;
	stream_value_s64(l, "file descriptor", &l->pos[0], r->vars, &sfd, NULL);
	iommusim_error_clear(&e);
	rc = ifd_close(r->ifd, fd, &e);
	replay_expect_outcome(r, l, "close", rc, e.msg);
	if (rc == 0)
		replay_fd_forget(r, sfd);
	return 0;
}

/* ---- memfd ------------------------------------------------------------------------------- */

static int memfd_check(const stream_line_t *l, iommusim_error_t *err)
{
	int rc;

	if ((rc = replay_check_num(l, "size", true, err)) ||
	    (rc = replay_check_num(l, "offset", false, err)) ||
	    (rc = replay_check_bytes(l, err)))
		return rc;
	return check_results(l, "fd", NULL, err);
}

static int memfd_run(replay_t *r, const stream_line_t *l, iommusim_error_t *err)
{
	iommusim_error_t e;
	uint64_t size, len, off;
	uint8_t *buf;
	int simfd;
	int64_t sfd;
	int rc;

	if ((rc = stream_line_get_u64(l, "size", r->vars, &size, err)) ||
	    (rc = stream_line_get_u64_opt(l, "offset", r->vars, 0, &off, err)))
		return rc;
	rc = replay_bytes(l, r->vars, &len, &buf, err);
	if (rc < 0)
		return rc;
	rc = ifd_memfd_create(r->ifd, size, &simfd, &e);
	if (rc) {
		free(buf);
		return stream_line_error(l, 0, err, rc, "memfd: %s", e.msg);
	}
	if (buf) {
		rc = ifd_memfd_rw(r->ifd, simfd, off, buf, len, true);
		free(buf);
		if (rc)
			return stream_line_error(l, 0, err, rc,
						 "memfd: writing 0x%" PRIx64 " bytes at offset 0x%"
						 PRIx64 " does not fit a memfd of 0x%" PRIx64 " bytes",
						 len, off, size);
	}
	return replay_fd_new(r, l, stream_line_result(l, "fd"), simfd, &sfd, err);
}

/* ---- read / write ------------------------------------------------------------------------ */

static int read_check(const stream_line_t *l, iommusim_error_t *err)
{
	int rc;

	if ((rc = replay_check_num(l, "len", false, err)) ||
	    (rc = replay_check_num(l, "timeout_ns", false, err)))
		return rc;
	return check_results(l, "ret", &pgfault_layout, err);
}

/* Does the line expect the read to return data? Any result but errno= and ret=0. */
static bool wants_data(const stream_line_t *l)
{
	bool any = false;

	for (size_t i = 0; i < l->nres; i++) {
		const stream_arg_t *a = &l->res[i];
		if (strcmp(a->key, "errno") == 0)
			return false;
		if (strcmp(a->key, "ret") == 0 && a->v.kind == STREAM_NUMBER && a->v.num == 0)
			return false;
		any = true;
	}
	return any;
}

static int read_run(replay_t *r, const stream_line_t *l, iommusim_error_t *err)
{
	iommusim_error_t e;
	uint64_t len, timeout;
	size_t done = 0;
	int fd, rc;

	if ((rc = replay_fd_in(r, l, &l->pos[0], &fd, err)))
		return rc;
	bool fault = ifd_fd_kind(r->ifd, fd) == IFD_FILE_FAULT;
	if ((rc = stream_line_get_u64_opt(l, "len", r->vars, pgfault_layout.size, &len, err)) ||
	    (rc = stream_line_get_u64_opt(l, "timeout_ns", r->vars, READ_TIMEOUT_NS, &timeout,
					  err)))
		return rc;
	if (len > REPLAY_BUF_MAX)
		return stream_line_error(l, stream_line_arg(l, "len")->col, err, -E2BIG,
					 "read: len 0x%" PRIx64 " is more than one line reads", len);
	uint8_t *buf = calloc(1, len ? len : 1);
	if (!buf)
		return stream_line_error(l, 0, err, -ENOMEM, "out of memory");
	iommusim_time_t deadline = iommusim_time_add(replay_now(r),
						     timeout * IOMMUSIM_PS_PER_NS);
	bool wait = wants_data(l);
	for (;;) {
		iommusim_error_clear(&e);
		rc = ifd_read(r->ifd, fd, buf, len, &done, &e);
		if (rc || done || !wait || replay_now(r) >= deadline)
			break;
		/* Nothing yet: let the hardware and the driver's handlers run, one event at a
		 * time, as a process blocked in poll() lets them. */
		iommusim_time_t next;
		iommusim_sched_t *s = iommusim_system_sched(r->sys);
		if (iommusim_sched_next_time(s, &next) && next < deadline)
			replay_advance_to(r, next > replay_now(r) ? next : replay_now(r) + 1);
		else
			replay_advance_to(r, deadline);
	}
	if (!replay_expect_outcome(r, l, "read", rc, e.msg) || rc) {
		rc = 0;
		goto out;
	}
	for (size_t i = 0; i < l->nres; i++) {
		const stream_arg_t *a = &l->res[i];
		const uapi_field_t *f;
		size_t idx;
		if (strcmp(a->key, "errno") == 0)
			continue;
		if (strcmp(a->key, "ret") == 0) {
			rc = replay_expect_u64(r, l, "read", a, &ret_field, done, err);
			if (rc)
				goto out;
			continue;
		}
		rc = replay_rec_key(l, a, &pgfault_layout, &idx, &f, err);
		if (rc < 0)
			goto out;
		if (!fault) {
			rc = stream_line_error(l, a->col, err, -EINVAL,
					       "read: '%s': only fault fds have decoded records",
					       a->key);
			goto out;
		}
		if ((idx + 1) * pgfault_layout.size > done) {
			char *exp = stream_value_format(&a->v);
			char got[64];
			snprintf(got, sizeof(got), "absent (read returned %zu record%s)",
				 done / pgfault_layout.size,
				 done / pgfault_layout.size == 1 ? "" : "s");
			replay_report(r, l, a->v.col, "read", a->key, exp ? exp : "?", got, NULL);
			free(exp);
			continue;
		}
		uint64_t got = uapi_field_get(f, buf + idx * pgfault_layout.size);
		rc = replay_expect_u64(r, l, "read", a, f, got, err);
		if (rc)
			goto out;
	}
	rc = 0;
out:
	free(buf);
	return rc;
}

/* The records a write line describes: *count records, or 0 when it names no field. */
static int write_records(const stream_line_t *l, const stream_vars_t *vars, uint8_t **out,
			 size_t *count, iommusim_error_t *err)
{
	size_t n = 0;
	int rc;

	*out = NULL;
	for (size_t pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < l->nargs; i++) {
			const stream_arg_t *a = &l->args[i];
			const uapi_field_t *f;
			size_t idx;
			uint64_t v;
			if (strcmp(a->key, "len") == 0)
				continue;
			rc = replay_rec_key(l, a, &resp_layout, &idx, &f, err);
			if (rc < 0)
				goto fail;
			if (rc == 0) {
				rc = stream_line_error(l, a->col, err, -EINVAL,
						       "write: unknown key '%s' (cookie, code, "
						       "data.N.cookie, data.N.code, len)", a->key);
				goto fail;
			}
			if (pass == 0) {
				if (idx + 1 > n)
					n = idx + 1;
				continue;
			}
			if (a->v.kind == STREAM_REF && !vars)
				continue;
			rc = replay_field_value(l, "write", a, f, vars, &v, err);
			if (rc)
				goto fail;
			uapi_field_set(f, *out + idx * resp_layout.size, v);
		}
		if (pass == 0) {
			*out = calloc(n ? n : 1, resp_layout.size);
			if (!*out)
				return stream_line_error(l, 0, err, -ENOMEM, "out of memory");
		}
	}
	*count = n;
	return 0;
fail:
	free(*out);
	*out = NULL;
	return rc;
}

static int write_check(const stream_line_t *l, iommusim_error_t *err)
{
	uint8_t *recs;
	size_t n;
	int rc = write_records(l, NULL, &recs, &n, err);

	free(recs);
	if (rc)
		return rc;
	return check_results(l, "ret", NULL, err);
}

static int write_run(replay_t *r, const stream_line_t *l, iommusim_error_t *err)
{
	iommusim_error_t e;
	uint8_t *recs;
	size_t n, done = 0;
	uint64_t len;
	int fd, rc;

	if ((rc = replay_fd_in(r, l, &l->pos[0], &fd, err)))
		return rc;
	if ((rc = write_records(l, r->vars, &recs, &n, err)))
		return rc;
	rc = stream_line_get_u64_opt(l, "len", r->vars, n * resp_layout.size, &len, err);
	if (rc || len > n * resp_layout.size) {
		free(recs);
		if (rc)
			return rc;
		return stream_line_error(l, stream_line_arg(l, "len")->col, err, -EINVAL,
					 "write: len=%" PRIu64 " is more than the %zu bytes of the "
					 "records given", len, n * resp_layout.size);
	}
	iommusim_error_clear(&e);
	rc = ifd_write(r->ifd, fd, recs, len, &done, &e);
	free(recs);
	if (!replay_expect_outcome(r, l, "write", rc, e.msg) || rc)
		return 0;
	const stream_arg_t *ret = NULL;
	for (size_t i = 0; i < l->nres; i++)
		if (strcmp(l->res[i].key, "ret") == 0)
			ret = &l->res[i];
	if (ret)
		return replay_expect_u64(r, l, "write", ret, &ret_field, done, err);
	/* Without ret=, a short write is a mismatch: the response was not all taken. */
	if (done != len) {
		char exp_s[32], got_s[32];
		snprintf(exp_s, sizeof(exp_s), "%" PRIu64, len);
		snprintf(got_s, sizeof(got_s), "%zu", done);
		replay_report(r, l, 0, "write", "ret", exp_s, got_s, e.msg[0] ? e.msg : NULL);
	}
	return 0;
}

static const char *const open_keys[] = { "dev", NULL };
static const char *const memfd_keys[] = { "size", "fill", "data", "len", "offset", NULL };
static const char *const read_keys[] = { "len", "timeout_ns", NULL };

const replay_verb_t replay_verbs_files[] = {
	{ .name = "open", .usage = "open PATH [dev=BDF] [-> fd=N|$name | errno=E]",
	  .min_pos = 1, .max_pos = 1, .keys = open_keys,
	  .flags = REPLAY_VERB_SHIM | REPLAY_VERB_RESULTS, .check = open_check, .run = open_run },
	{ .name = "close", .usage = "close FD [-> errno=E]",
	  .min_pos = 1, .max_pos = 1, .keys = (const char *const[]){ NULL },
	  .flags = REPLAY_VERB_SHIM | REPLAY_VERB_RESULTS, .check = close_check,
	  .run = close_run },
	{ .name = "memfd", .usage = "memfd size=N [fill=B|data=HEX [len=N] [offset=N]] "
				    "[-> fd=N|$name]",
	  .min_pos = 0, .max_pos = 0, .keys = memfd_keys,
	  .flags = REPLAY_VERB_SHIM | REPLAY_VERB_RESULTS, .check = memfd_check,
	  .run = memfd_run },
	{ .name = "read", .usage = "read FD [len=N] [timeout_ns=T] [-> ret=N | errno=E] "
				   "[FIELD=V | data.N.FIELD=V ...]",
	  .min_pos = 1, .max_pos = 1, .keys = read_keys,
	  .flags = REPLAY_VERB_SHIM | REPLAY_VERB_RESULTS, .check = read_check,
	  .run = read_run },
	{ .name = "write", .usage = "write FD cookie=N code=SUCCESS|INVALID [data.N.cookie=N "
				    "data.N.code=C ...] [len=N] [-> ret=N | errno=E]",
	  .min_pos = 1, .max_pos = 1, .keys = NULL,
	  .flags = REPLAY_VERB_SHIM | REPLAY_VERB_RESULTS, .check = write_check,
	  .run = write_run },
	{ .name = NULL },
};
