/* SPDX-License-Identifier: MIT */
/*
 * The `ioctl` verb: ioctl FD NAME field=value ... [-> result=value ...]
 *
 * The order of docs/stream-format.md: the engine has recorded which names the line will
 * bind (stream_vars_expect_line), stream_ioctl_encode builds the argument bytes and the
 * payload, the call runs on the simulated process, stream_ioctl_check compares the results
 * (binding new names). Around the call the engine
 *   - translates file descriptors: the FD, and the fd fields the kernel reads (iommufd= of
 *     VFIO_DEVICE_BIND_IOMMUFD, container_fd= of VFIO_GROUP_SET_CONTAINER, fd= of
 *     IOMMU_IOAS_MAP_FILE) from stream numbers to simulated ones, and the fds the kernel
 *     returns (VFIO_GROUP_GET_DEVICE_FD, out_fault_fd, out_veventq_fd) back, so that the
 *     recorded numbers compare equal;
 *   - places the payload in the simulated process's memory (a scratch area no mapping
 *     uses) and points the struct at it, unless the line gave the pointer itself, and
 *     reads it back after the call for the output payload results.
 * An unexpected errno is reported with the kernel's message as the note.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/replay/replay_int.h"
#include "host-shim/stream/stream_ioctl.h"

#define SCRATCH_MIN (64u << 10)

/* Descriptors inside arguments: which field of which command, and which way. */
enum fd_dir { FD_IN, FD_OUT, FD_RET };

typedef struct fd_field {
	const char *cmd;
	const char *field;    /* FD_RET: NULL */
	enum fd_dir dir;
} fd_field_t;

static const fd_field_t fd_fields[] = {
	{ "VFIO_DEVICE_BIND_IOMMUFD", "iommufd", FD_IN },
	{ "VFIO_GROUP_SET_CONTAINER", "container_fd", FD_IN },
	{ "IOMMU_IOAS_MAP_FILE", "fd", FD_IN },
	{ "IOMMU_FAULT_QUEUE_ALLOC", "out_fault_fd", FD_OUT },
	{ "IOMMU_VEVENTQ_ALLOC", "out_veventq_fd", FD_OUT },
	{ "VFIO_GROUP_GET_DEVICE_FD", NULL, FD_RET },
};
#define NFD_FIELDS (sizeof(fd_fields) / sizeof(fd_fields[0]))

static int translate_in(replay_t *r, const stream_line_t *l, stream_ioctl_t *io,
			iommusim_error_t *err)
{
	for (size_t i = 0; i < NFD_FIELDS; i++) {
		const fd_field_t *x = &fd_fields[i];
		if (x->dir != FD_IN || strcmp(x->cmd, io->cmd->name) != 0)
			continue;
		const uapi_field_t *f = uapi_ioctl_field(io->cmd, x->field);
		const stream_value_t *v = stream_line_arg(l, x->field);
		if (!f || !v || (size_t)f->offset + f->width > io->arg_len)
			continue;
		int fd;
		int rc = replay_fd_in(r, l, v, &fd, err);
		if (rc)
			return rc;
		uapi_field_set(f, io->arg, (uint64_t)(int64_t)fd);
	}
	return 0;
}

/* After a successful call: the fds the kernel handed out, as stream numbers. */
static int translate_out(replay_t *r, const stream_line_t *l, stream_ioctl_t *io, long *ret,
			 iommusim_error_t *err)
{
	for (size_t i = 0; i < NFD_FIELDS; i++) {
		const fd_field_t *x = &fd_fields[i];
		int64_t sfd;
		int rc;
		if (x->dir == FD_IN || strcmp(x->cmd, io->cmd->name) != 0)
			continue;
		if (x->dir == FD_RET) {
			rc = replay_fd_new(r, l, stream_line_result(l, "ret"), (int)*ret, &sfd, err);
			if (rc)
				return rc;
			*ret = (long)sfd;
			continue;
		}
		const uapi_field_t *f = uapi_ioctl_field(io->cmd, x->field);
		if (!f || (size_t)f->offset + f->width > io->arg_len)
			continue;
		int simfd = (int)uapi_field_get(f, io->arg);
		rc = replay_fd_new(r, l, stream_line_result(l, x->field), simfd, &sfd, err);
		if (rc)
			return rc;
		uapi_field_set(f, io->arg, (uint64_t)sfd);
	}
	return 0;
}

/* Where the payload goes in user memory. */
static int place_payload(replay_t *r, const stream_line_t *l, stream_ioctl_t *io, uint64_t *va,
			 iommusim_error_t *err)
{
	const uapi_field_t *pf = uapi_ioctl_field(io->cmd, io->payload->ptr_field);
	ifd_mm_t *mm = ifd_sys_mm(r->ifd);

	*va = 0;
	if (!pf)
		return 0;
	if (io->ptr_given) {
		/* The line chose the address (perhaps a bad one, to see EFAULT): put the bytes
		 * there if that memory exists, and let the kernel find out otherwise. */
		*va = uapi_field_get(pf, io->arg);
		(void)ifd_mm_write(mm, *va, io->pdata, io->plen);
		return 0;
	}
	if (io->plen > r->scratch_len) {
		uint64_t len = (io->plen + 0xfff) & ~0xfffull;
		if (len < SCRATCH_MIN)
			len = SCRATCH_MIN;
		r->scratch_va = ifd_mm_scratch(mm, len);
		r->scratch_len = r->scratch_va ? len : 0;
		if (!r->scratch_va)
			return stream_line_error(l, 0, err, -ENOMEM,
						 "%s: no user memory left for the %zu-byte payload",
						 io->cmd->name, io->plen);
	}
	*va = r->scratch_va;
	if (ifd_mm_write(mm, *va, io->pdata, io->plen))
		return stream_line_error(l, 0, err, -ENOMEM,
					 "%s: cannot write the %zu-byte payload to user memory "
					 "(frames exhausted? give system frames=SIZE)",
					 io->cmd->name, io->plen);
	uapi_field_set(pf, io->arg, *va);
	return 0;
}

typedef struct check_ctx {
	replay_t *r;
	const char *what;
	const char *note;     /* the kernel's message when the call failed */
} check_ctx_t;

static void on_mismatch(void *ctx, const stream_line_t *l, const stream_mismatch_t *m)
{
	check_ctx_t *c = ctx;
	replay_report(c->r, l, m->col, c->what, m->key, m->expected, m->got,
		      strcmp(m->key, "errno") == 0 ? c->note : NULL);
}

static int ioctl_check(const stream_line_t *l, iommusim_error_t *err)
{
	return stream_ioctl_validate(l, err);
}

static int ioctl_run(replay_t *r, const stream_line_t *l, iommusim_error_t *err)
{
	stream_ioctl_t io;
	iommusim_error_t e;
	uint8_t *pafter = NULL;
	uint64_t pva = 0;
	uint32_t val32;
	long ret = 0;
	void *arg;
	size_t alen;
	int fd, rc;

	rc = stream_ioctl_encode(l, r->vars, &io, err);
	if (rc)
		return rc;
	r->sum.ioctls++;
	if ((rc = replay_fd_in(r, l, &l->pos[0], &fd, err)) ||
	    (rc = translate_in(r, l, &io, err)))
		goto out;
	if (io.pdata && io.plen && (rc = place_payload(r, l, &io, &pva, err)))
		goto out;
	switch (io.cmd->arg_kind) {
	case UAPI_ARG_VALUE:
		val32 = (uint32_t)io.value;
		arg = &val32;
		alen = sizeof(val32);
		break;
	case UAPI_ARG_NONE:
		arg = NULL;
		alen = 0;
		break;
	default:
		arg = io.arg;
		alen = io.arg_len;
		break;
	}
	iommusim_error_clear(&e);
	int crc = ifd_ioctl_fd(r->ifd, fd, io.cmd->request, arg, alen, &ret, &e);
	if (io.plen && pva) {
		pafter = malloc(io.plen);
		if (!pafter) {
			rc = stream_line_error(l, 0, err, -ENOMEM, "out of memory");
			goto out;
		}
		if (ifd_mm_read(ifd_sys_mm(r->ifd), pva, pafter, io.plen)) {
			free(pafter);
			pafter = NULL;
		}
	}
	if (crc == 0 && (rc = translate_out(r, l, &io, &ret, err)))
		goto out;

	/* Results that bind a name are not comparisons; an absent errno= is one. */
	unsigned compared = stream_line_result(l, "errno") ? 0 : 1;
	for (size_t i = 0; i < l->nres; i++)
		compared += !(l->res[i].v.kind == STREAM_REF &&
			      !stream_vars_is_bound(r->vars, l->res[i].v.text));
	check_ctx_t ctx = { .r = r, .what = io.cmd->name, .note = crc ? e.msg : NULL };
	int n = stream_ioctl_check(l, &io, io.arg, pafter, pafter ? io.plen : 0,
				   crc < 0 ? (long)crc : ret, r->vars, on_mismatch, &ctx, err);
	if (n < 0) {
		rc = n;
		goto out;
	}
	/* After a wrong outcome the fields were not compared. */
	const stream_value_t *ev = stream_line_result(l, "errno");
	int want = !ev ? 0 : ev->kind == STREAM_WORD ? uapi_errno_by_name(ev->text) : (int)ev->num;
	if ((crc < 0 ? -crc : 0) == want)
		replay_count_checks(r, compared > (unsigned)n ? compared - (unsigned)n : 0);
	rc = 0;
out:
	free(pafter);
	stream_ioctl_release(&io);
	return rc;
}

const replay_verb_t replay_verbs_ioctl[] = {
	{ .name = "ioctl", .usage = "ioctl FD NAME field=value ... [-> result=value ...]",
	  .min_pos = 2, .max_pos = 2, .keys = NULL,
	  .flags = REPLAY_VERB_SHIM | REPLAY_VERB_RESULTS, .check = ioctl_check,
	  .run = ioctl_run },
	{ .name = NULL },
};
