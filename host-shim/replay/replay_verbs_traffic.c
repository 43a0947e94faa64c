/* SPDX-License-Identifier: MIT */
/*
 * Traffic generators on a device.
 *
 *   traffic BDF pattern=P [PATTERN KEYS...] [ioas=ID] [fd=FD] [name=NAME]
 *
 * The pattern keys are those of include/iommusim/traffic.h (docs/traffic.md): seq, stride,
 * random, zipf (DMAs over a region) and nic, storage (per unit: map a buffer, DMA, unmap),
 * with count= and an optional rate=. The line runs every operation in order on the device's
 * endpoint: an operation starts at its paced time (from the line's start) or when the one
 * before it ended, whichever is later; a DMA runs to its end (a DMA that waits for a page
 * response is left pending and counted when it ends). MAP and UNMAP go through
 * IOMMU_IOAS_MAP (FIXED_IOVA, readable or writeable as the DMA API maps a buffer for the
 * device's direction) and IOMMU_IOAS_UNMAP on the IOAS ioas= of the iommufd fd=, which
 * the nic and storage patterns need. Writes (packets, blocks, completion entries) carry bytes
 * i mod 256; a descriptor read lands in a scratch buffer.
 *
 * Results go to the statistics as traffic.NAME.* (NAME defaults to the pattern's name; lines
 * with the same name add up): ops, dma (every DMA issued: nic ring accesses included), maps
 * and unmaps (every IOMMU_IOAS_MAP / IOMMU_IOAS_UNMAP: the nic ring area's one of each
 * included), desc_reads and cqe_writes (the nic's descriptor reads and completion writes
 * issued), bytes (moved by the unit DMAs -- packets, blocks -- that completed: what the
 * device received or sent, not its ring traffic), faults (DMAs, ring accesses included, that
 * ended in a fault, a failed page request or a memory error), pending (DMAs left waiting for a
 * page response), map_errors, time_ps (from each line's start to its last operation's end),
 * throughput_mbps (bytes over time_ps, in 10^6 bits per second) and the histogram latency (ps
 * from a unit DMA's issue to its end; ring accesses are not in it). A MAP or UNMAP that fails
 * is also a mismatch of the line (the first one is reported).
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/replay/replay_int.h"
#include "iommusim/traffic.h"

/* Operations one line may run: a typo in count= cannot make a run last for days. */
#define TRAFFIC_MAX_OPS (1ull << 22)

static bool own_key(const char *k)
{
	return strcmp(k, "ioas") == 0 || strcmp(k, "fd") == 0 || strcmp(k, "name") == 0;
}

/* The generator's configuration from the line's other keys. vars NULL (static check):
 * a $name value skips the configuration check. */
static int traffic_cfg(const stream_line_t *l, const stream_vars_t *vars,
		       iommusim_traffic_cfg_t *cfg, iommusim_error_t *err)
{
	const char *keys[64], *vals[64];
	char text[64][32];
	size_t n = 0;
	iommusim_error_t e;
	int rc;

	for (size_t i = 0; i < l->nargs; i++) {
		const stream_arg_t *a = &l->args[i];
		if (own_key(a->key))
			continue;
		if (n == 64)
			return stream_line_error(l, a->col, err, -E2BIG, "traffic: too many keys");
		keys[n] = a->key;
		switch (a->v.kind) {
		case STREAM_NUMBER:
			snprintf(text[n], sizeof(text[n]), "%s%" PRIu64, a->v.neg ? "-" : "",
				 a->v.num);
			vals[n] = text[n];
			break;
		case STREAM_REF: {
			uint64_t u;
			if (!vars)
				return 0;
			rc = stream_vars_get(vars, a->v.text, l->file, l->lineno, a->v.col, &u, err);
			if (rc)
				return rc;
			snprintf(text[n], sizeof(text[n]), "%" PRIu64, u);
			vals[n] = text[n];
			break;
		}
		default:
			vals[n] = a->v.text;
			break;
		}
		n++;
	}
	rc = iommusim_traffic_parse_kv(n, keys, vals, cfg, &e);
	if (rc) {
		/* point at the key the message names, when it names one of the line's */
		unsigned col = 0;
		for (size_t i = 0; i < l->nargs && !col; i++)
			if (!own_key(l->args[i].key) && strstr(e.msg, l->args[i].key))
				col = l->args[i].col;
		return stream_line_error(l, col, err, rc, "traffic: %s", e.msg);
	}
	return 0;
}

static bool maps_buffers(iommusim_traffic_pattern_t p)
{
	return p == IOMMUSIM_TRAFFIC_NIC || p == IOMMUSIM_TRAFFIC_STORAGE;
}

static int traffic_check(const stream_line_t *l, iommusim_error_t *err)
{
	iommusim_traffic_cfg_t cfg;
	const stream_value_t *v;
	int rc;

	if ((rc = replay_check_num(l, "ioas", false, err)))
		return rc;
	if ((v = stream_line_arg(l, "fd")) && v->kind != STREAM_REF && v->kind != STREAM_NUMBER)
		return stream_line_error(l, v->col, err, -EINVAL, "traffic: fd= is a file descriptor");
	if ((v = stream_line_arg(l, "name")) &&
	    ((v->kind != STREAM_WORD && v->kind != STREAM_STRING) || !stream_is_key(v->text)))
		return stream_line_error(l, v->col, err, -EINVAL,
					 "traffic: name= is a statistics prefix (letters, digits, "
					 "'_', dots)");
	for (size_t i = 0; i < l->nargs; i++)
		if (l->args[i].v.kind == STREAM_REF && !own_key(l->args[i].key))
			return 0;
	if ((rc = traffic_cfg(l, NULL, &cfg, err)))
		return rc;
	bool has_map_keys = stream_line_arg(l, "ioas") || stream_line_arg(l, "fd");
	if (maps_buffers(cfg.pattern) && !(stream_line_arg(l, "ioas") && stream_line_arg(l, "fd")))
		return stream_line_error(l, 0, err, -EINVAL,
					 "traffic: pattern=%s maps its buffers: give the iommufd "
					 "fd= and the IOAS ioas= to map them in",
					 iommusim_traffic_pattern_name(cfg.pattern));
	if (!maps_buffers(cfg.pattern) && has_map_keys)
		return stream_line_error(l, 0, err, -EINVAL,
					 "traffic: pattern=%s maps nothing (its DMAs use mappings "
					 "the stream made): drop ioas= and fd=",
					 iommusim_traffic_pattern_name(cfg.pattern));
	return 0;
}

/* The counters of one traffic name. */
typedef struct tr_stats {
	uint64_t *ops, *dma, *maps, *unmaps, *desc_reads, *cqe_writes, *bytes, *faults, *pending,
		*map_errors, *time_ps, *mbps;
	iommusim_hist_t *latency;
} tr_stats_t;

static int tr_stats_get(replay_t *r, const stream_line_t *l, const char *name, tr_stats_t *st,
			iommusim_error_t *err)
{
	static const struct { size_t off; const char *key, *help; } c[] = {
		{ offsetof(tr_stats_t, ops), "ops", "operations run (DMA, map, unmap)" },
		{ offsetof(tr_stats_t, dma), "dma", "DMAs issued (ring accesses included)" },
		{ offsetof(tr_stats_t, maps), "maps", "buffers and ring areas mapped (IOMMU_IOAS_MAP)" },
		{ offsetof(tr_stats_t, unmaps), "unmaps",
		  "buffers and ring areas unmapped (IOMMU_IOAS_UNMAP)" },
		{ offsetof(tr_stats_t, desc_reads), "desc_reads", "receive descriptors read (nic)" },
		{ offsetof(tr_stats_t, cqe_writes), "cqe_writes", "completion entries written (nic)" },
		{ offsetof(tr_stats_t, bytes), "bytes",
		  "bytes of packets or blocks moved by DMAs that completed" },
		{ offsetof(tr_stats_t, faults), "faults", "DMAs (ring accesses included) that did not complete" },
		{ offsetof(tr_stats_t, pending), "pending", "DMAs left waiting for a page response" },
		{ offsetof(tr_stats_t, map_errors), "map_errors", "maps and unmaps that failed" },
		{ offsetof(tr_stats_t, time_ps), "time_ps", "simulated time the traffic ran" },
		{ offsetof(tr_stats_t, mbps), "throughput_mbps", "bytes over time, 10^6 bits/s" },
	};
	iommusim_stats_t *stats = iommusim_system_stats(r->sys);
	char full[160];

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		snprintf(full, sizeof(full), "traffic.%s.%s", name, c[i].key);
		uint64_t *slot = iommusim_stats_counter(stats, full, c[i].help);
		if (!slot)
			return stream_line_error(l, 0, err, -EINVAL,
						 "traffic: cannot register the statistic %s (a "
						 "histogram of that name, or out of memory)", full);
		*(uint64_t **)((char *)st + c[i].off) = slot;
	}
	snprintf(full, sizeof(full), "traffic.%s.latency", name);
	st->latency = iommusim_stats_hist(stats, full, "ps", "packet or block DMA issue to end");
	if (!st->latency)
		return stream_line_error(l, 0, err, -EINVAL,
					 "traffic: cannot register the histogram %s", full);
	return 0;
}

typedef struct tr_run {
	replay_t *r;
	const stream_line_t *l;
	replay_dev_t *dev;
	tr_stats_t st;
	ifd_ctx_t *ctx;
	uint32_t ioas;
	uint8_t *buf;
	size_t buflen;
	bool reported;
} tr_run_t;

static void map_failed(tr_run_t *t, const char *what, const iommusim_traffic_op_t *op, int rc,
		       const char *msg)
{
	char exp_s[32], got_s[64], note[256];

	(*t->st.map_errors)++;
	if (t->reported)
		return;
	t->reported = true;
	snprintf(exp_s, sizeof(exp_s), "success");
	snprintf(got_s, sizeof(got_s), "%s", uapi_errno_name(-rc) ? uapi_errno_name(-rc) : "error");
	snprintf(note, sizeof(note), "%s of iova 0x%" PRIx64 "+0x%" PRIx64 " (op %" PRIu64 "): %s",
		 what, op->iova, op->len, op->seq, msg);
	replay_report(t->r, t->l, 0, "traffic", what, exp_s, got_s, note);
}

static int do_map(tr_run_t *t, const iommusim_traffic_op_t *op)
{
	iommusim_error_t e;
	int rc;

	iommusim_error_clear(&e);
	if (op->kind == IOMMUSIM_TRAFFIC_MAP) {
		struct uapi_iommu_ioas_map cmd = {
			.size = sizeof(cmd),
			.flags = UAPI_IOMMU_IOAS_MAP_FIXED_IOVA |
				 (op->perm & IOMMUSIM_ACC_READ ? UAPI_IOMMU_IOAS_MAP_READABLE : 0) |
				 (op->perm & IOMMUSIM_ACC_WRITE ? UAPI_IOMMU_IOAS_MAP_WRITEABLE : 0),
			.ioas_id = t->ioas, .user_va = op->user_va, .length = op->len,
			.iova = op->iova,
		};
		(*t->st.maps)++;
		rc = ifd_cmd_ioas_map(t->ctx, &cmd, &e);
		if (rc)
			map_failed(t, "map", op, rc, e.msg);
	} else {
		struct uapi_iommu_ioas_unmap cmd = {
			.size = sizeof(cmd), .ioas_id = t->ioas, .iova = op->iova, .length = op->len,
		};
		(*t->st.unmaps)++;
		rc = ifd_cmd_ioas_unmap(t->ctx, &cmd, &e);
		if (rc)
			map_failed(t, "unmap", op, rc, e.msg);
	}
	replay_sync(t->r);
	return 0;
}

static int do_dma(tr_run_t *t, const iommusim_traffic_op_t *op, iommusim_error_t *err)
{
	replay_t *r = t->r;
	iommusim_dma_result_t res;
	iommusim_time_t issue = replay_now(r);

	if (op->len > REPLAY_BUF_MAX)
		return stream_line_error(t->l, 0, err, -E2BIG,
					 "traffic: a DMA of 0x%" PRIx64 " bytes is larger than the "
					 "%u MiB one line may move", op->len, REPLAY_BUF_MAX >> 20);
	if (op->len > t->buflen) {
		uint8_t *b = realloc(t->buf, (size_t)op->len);
		if (!b)
			return stream_line_error(t->l, 0, err, -ENOMEM, "out of memory");
		t->buf = b;
		t->buflen = (size_t)op->len;
	}
	bool write = op->kind == IOMMUSIM_TRAFFIC_DMA_WRITE;
	/* a nic ring access: counted apart, and kept out of bytes and latency, which describe
	 * the packets */
	iommusim_hist_t *latency = op->ring ? NULL : t->st.latency;
	if (op->ring)
		(*(write ? t->st.cqe_writes : t->st.desc_reads))++;
	if (write)
		for (size_t i = 0; i < op->len; i++)
			t->buf[i] = (uint8_t)i;
	/* A DMA may wait for a page response: its buffer must outlive the line then. */
	replay_dma_pending_t *p = calloc(1, sizeof(*p));
	if (!p)
		return stream_line_error(t->l, 0, err, -ENOMEM, "out of memory");
	iommusim_dma_t req = {
		.write = write, .iova = op->iova, .len = (size_t)op->len, .buf = t->buf,
	};
	(*t->st.dma)++;
	r->sum.dmas++;
	int rc = iommusim_endpoint_dma(t->dev->ep, &req, issue, &res);
	if (rc) {
		free(p);
		return stream_line_error(t->l, 0, err, rc,
					 "traffic: the device cannot issue a DMA of 0x%" PRIx64
					 " bytes at 0x%" PRIx64, op->len, op->iova);
	}
	if (res.status == IOMMUSIM_DMA_PRI_PENDING) {
		/* the endpoint keeps using the buffer: hand it to the pending record */
		*p = (replay_dma_pending_t){
			.tr_faults = t->st.faults, .tr_latency = latency, .issued = issue,
			.file = replay_intern(r, t->l->file), .line = t->l->lineno,
			.seq = r->dma_seq++, .write = write, .iova = op->iova,
			.len = (size_t)op->len, .buf = t->buf,
		};
		t->buf = NULL;
		t->buflen = 0;
		replay_dma_pending_t **pp = &t->dev->pending;
		while (*pp)
			pp = &(*pp)->next;
		*pp = p;
		(*t->st.pending)++;
		replay_advance_to(r, res.done);
		return 0;
	}
	free(p);
	replay_advance_to(r, res.done);
	if (latency)
		iommusim_hist_add(latency, res.done - issue);
	if (res.status != IOMMUSIM_DMA_OK)
		(*t->st.faults)++;
	else if (!op->ring)
		*t->st.bytes += op->len;
	return 0;
}

static int traffic_run(replay_t *r, const stream_line_t *l, iommusim_error_t *err)
{
	iommusim_traffic_cfg_t cfg;
	iommusim_traffic_op_t op;
	iommusim_error_t e;
	tr_run_t t = { .r = r, .l = l };
	const char *name;
	int rc;

	if ((rc = traffic_check(l, err)) || (rc = traffic_cfg(l, r->vars, &cfg, err)) ||
	    (rc = replay_dev_lookup(r, l, 0, &t.dev, err)))
		return rc;
	if (maps_buffers(cfg.pattern)) {
		uint64_t ioas;
		int simfd;
		if (!r->ifd)
			return stream_line_error(l, 1, err, -EINVAL,
						 "traffic: pattern=%s maps through iommufd, and a "
						 "system with driver=none has none",
						 iommusim_traffic_pattern_name(cfg.pattern));
		if ((rc = stream_line_get_u64(l, "ioas", r->vars, &ioas, err)) ||
		    (rc = replay_fd_in(r, l, stream_line_arg(l, "fd"), &simfd, err)))
			return rc;
		t.ctx = simfd >= 0 ? ifd_fd_ctx(r->ifd, simfd) : NULL;
		if (!t.ctx)
			return stream_line_error(l, stream_line_arg(l, "fd")->col, err, -EBADF,
						 "traffic: fd= is not an open iommufd");
		if (ioas > UINT32_MAX)
			return stream_line_error(l, stream_line_arg(l, "ioas")->col, err, -ERANGE,
						 "traffic: ioas=%" PRIu64 " is not an object ID", ioas);
		t.ioas = (uint32_t)ioas;
	}
	if (stream_line_arg(l, "name"))
		stream_line_get_text(l, "name", &name, NULL);
	else
		name = iommusim_traffic_pattern_name(cfg.pattern);
	if ((rc = tr_stats_get(r, l, name, &t.st, err)))
		return rc;
	iommusim_traffic_t *gen = iommusim_traffic_create(&cfg, &e);
	if (!gen)
		return stream_line_error(l, 0, err, e.code ? e.code : -ENOMEM, "traffic: %s", e.msg);
	uint64_t total = iommusim_traffic_total_ops(gen);
	if (total > TRAFFIC_MAX_OPS) {
		iommusim_traffic_destroy(gen);
		return stream_line_error(l, stream_line_arg(l, "count") ?
					 stream_line_arg(l, "count")->col : 0, err, -E2BIG,
					 "traffic: %" PRIu64 " operations; one line runs at most %llu "
					 "(split it into several lines with the same name=)", total,
					 TRAFFIC_MAX_OPS);
	}
	iommusim_time_t start = replay_now(r);
	rc = 0;
	while (rc == 0 && iommusim_traffic_next(gen, &op)) {
		iommusim_time_t at = iommusim_time_add(start, op.time);
		if (at > replay_now(r))
			replay_advance_to(r, at);
		(*t.st.ops)++;
		if (op.kind == IOMMUSIM_TRAFFIC_MAP || op.kind == IOMMUSIM_TRAFFIC_UNMAP)
			rc = do_map(&t, &op);
		else
			rc = do_dma(&t, &op, err);
	}
	iommusim_traffic_destroy(gen);
	free(t.buf);
	*t.st.time_ps += replay_now(r) - start;
	if (*t.st.time_ps)
		*t.st.mbps = (uint64_t)((double)*t.st.bytes * 8e6 / (double)*t.st.time_ps + 0.5);
	return rc;
}

const replay_verb_t replay_verbs_traffic[] = {
	{ .name = "traffic",
	  .usage = "traffic BDF pattern=seq|stride|random|zipf|nic|storage [PATTERN KEYS...] "
		   "[ioas=ID] [fd=FD] [name=NAME]",
	  .min_pos = 1, .max_pos = 1, .keys = NULL, .flags = REPLAY_VERB_SYSTEM,
	  .check = traffic_check, .run = traffic_run },
	{ .name = NULL },
};
