/* SPDX-License-Identifier: MIT */
/* The replay engine's own state and the helpers its verb files share (not a public API). */
#ifndef IOMMUSIM_REPLAY_INT_H
#define IOMMUSIM_REPLAY_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host-shim/drivers/driver.h"
#include "host-shim/replay/replay.h"
#include "host-shim/uapi/uapi_table.h"

/* The built-in verb groups (one file each). */
extern const replay_verb_t replay_verbs_setup[];    /* system, device */
extern const replay_verb_t replay_verbs_files[];    /* open, close, memfd, read, write */
extern const replay_verb_t replay_verbs_ioctl[];    /* ioctl */
extern const replay_verb_t replay_verbs_dma[];      /* dma, advance */
extern const replay_verb_t replay_verbs_mem[];      /* mem write, expect mem */

/* Largest buffer one line may ask for (DMA, memory fill, memory check, fd read). */
#define REPLAY_BUF_MAX (64u << 20)

/* A stream fd and the simulated one it stands for. */
typedef struct replay_fdmap {
	int64_t sfd;
	int simfd;
	unsigned line;                /* where it was opened */
} replay_fdmap_t;

/* What a `dma` line expects as its final outcome. */
enum replay_dma_expect {
	REPLAY_DMA_ANY = 0,           /* no expect= */
	REPLAY_DMA_OK,
	REPLAY_DMA_FAULT,
	REPLAY_DMA_PRI_FAILED,
	REPLAY_DMA_MEM_ERROR,
	REPLAY_DMA_PENDING,           /* still waiting for a page response at the end */
};

/* A DMA waiting for a page-request response (its buffer must live until it ends). */
typedef struct replay_dma_pending {
	struct replay_dma_pending *next;
	const char *file;             /* interned */
	unsigned line;
	unsigned seq;                 /* issue order */
	bool write;
	uint64_t iova;
	size_t len;
	uint8_t *buf;
	uint8_t *want;                /* read: the expected data, or NULL */
	enum replay_dma_expect expect;
	bool has_reason;
	uint32_t reason;
	unsigned expect_col, reason_col, data_col;   /* where to point a mismatch */
} replay_dma_pending_t;

struct replay_dev {
	replay_t *r;
	pci_dev_t *pdev;
	iommusim_endpoint_t *ep;
	unsigned iommu;
	char name[32];                /* the endpoint's statistics prefix */
	replay_dma_pending_t *pending;   /* in issue order */
};

struct replay {
	replay_opts_t opts;
	const replay_verb_t **tables;    /* added with replay_add_verbs */
	size_t ntables;

	iommusim_params_t *ps;
	iommusim_system_t *sys;
	ifd_sys_t *ifd;
	drv_env_t env;                   /* what the drivers see: ifd's services, outliving it */
	bool teardown;                   /* completions after the end are not reported */
	drv_instance_t *drv;             /* one per IOMMU */
	size_t ndrv;
	const char *arch;
	replay_dev_t **devs;
	size_t ndevs;

	stream_vars_t *vars;
	replay_fdmap_t *fds;
	size_t nfds, capfds;

	replay_mismatch_t *mm;           /* kept mismatches */
	size_t nmm, capmm;
	replay_summary_t sum;
	unsigned dma_seq;

	bool stopped;
	iommusim_error_t stop_err;

	char **names;                    /* interned stream names */
	size_t nnames;

	uint64_t scratch_va;             /* user memory for ioctl payloads, reused */
	uint64_t scratch_len;
};

/* A stable copy of a stream name for mismatch records ("" for NULL). */
const char *replay_intern(replay_t *r, const char *name);
/* replay_report for a place that is not the current line (a DMA completing later). */
void replay_report_at(replay_t *r, const char *file, unsigned line, unsigned col,
		      const char *what, const char *key, const char *expected, const char *got,
		      const char *note);

/* Frees the simulated host built by `system` and `device` (replay_verbs_setup.c). */
void replay_host_free(replay_t *r);
/* The endpoint completion callback of a device (replay_verbs_dma.c); ctx is the device. */
void replay_dma_done(void *ctx, const iommusim_dma_result_t *res);
/* Frees a device's pending DMAs without reporting them. */
void replay_dma_free_pending(replay_dev_t *d);

/* ---- values and bytes (replay_values.c) ---------------------------------------------------- */

/* Bytes for fill= / data= (with len=): *buf gets len bytes (malloc'd). data= is hex bytes
 * ("de ad be ef" or de:ad:be:ef; separators ' ', ':', '.', '-', '_'), repeated to len;
 * without len= the data's own length. fill=0xNN repeats one byte. Returns 1 when the line
 * gives one of them, 0 when it gives neither (*buf NULL, *len from len= or 0), or a
 * negative errno with a located message. max bounds len. */
int replay_bytes(const stream_line_t *l, const stream_vars_t *vars, uint64_t *len,
		 uint8_t **buf, iommusim_error_t *err);
/* Static checks (no bindings: a $name passes): key is a number (required: present), and
 * fill=/data=/len= are well formed. */
int replay_check_num(const stream_line_t *l, const char *key, bool required,
		     iommusim_error_t *err);
int replay_check_bytes(const stream_line_t *l, iommusim_error_t *err);
/* Describes the first difference of got and want (n bytes), or returns false if equal.
 * base and unit name the address ("user_va", "iova", "pa"). */
bool replay_bytes_diff(const uint8_t *want, const uint8_t *got, size_t n, uint64_t base,
		       const char *unit, char *exp_s, size_t exp_len, char *got_s, size_t got_len,
		       char *note, size_t note_len);

/* A 0/1 key: false when absent. */
int replay_get_bool(const stream_line_t *l, const char *key, bool def, bool *out,
		    iommusim_error_t *err);

/* Formats v for field f ("FIXED_IOVA|READABLE", "SUCCESS", "0x1000", "12") into buf. */
void replay_format_field(const uapi_field_t *f, uint64_t v, char *buf, size_t len);

/* Records of a fixed layout (fault-fd reads and writes): result or argument keys name a
 * field of record 0 ("addr") or of record N ("data.N.addr"). */
typedef struct replay_rec_layout {
	const char *what;             /* for messages: "fault record" */
	const uapi_field_t *fields;
	size_t nfields;
	size_t size;                  /* bytes per record */
} replay_rec_layout_t;

/* Parses a record key: 1 (filling index and f) when it names a field; 0 when it does not look like
 * a record key; a negative errno (located) for "data.N.x" with an unknown field. */
int replay_rec_key(const stream_line_t *l, const stream_arg_t *a,
		   const replay_rec_layout_t *lay, size_t *index, const uapi_field_t **f,
		   iommusim_error_t *err);
/* The value of argument a for field f (flags, enum names, numbers, bound $names). */
int replay_field_value(const stream_line_t *l, const char *what, const stream_arg_t *a,
		       const uapi_field_t *f, const stream_vars_t *vars, uint64_t *out,
		       iommusim_error_t *err);
/* Compares (or binds, for an unbound $name) result a against got; reports a mismatch. */
int replay_expect_u64(replay_t *r, const stream_line_t *l, const char *what,
		      const stream_arg_t *a, const uapi_field_t *f, uint64_t got,
		      iommusim_error_t *err);
/* The errno= / success outcome of a call that returned rc (0 or -errno; for an errno the
 * kernel's message is errmsg). Returns true when the outcome matched, so the other results
 * are worth comparing. */
bool replay_expect_outcome(replay_t *r, const stream_line_t *l, const char *what, int rc,
			   const char *errmsg);
/* errno= must be a known name or a positive number (static check). */
int replay_check_errno(const stream_line_t *l, iommusim_error_t *err);

/* The name of a DMA status for messages ("ok", "fault", ...). */
const char *replay_dma_status_name(iommusim_dma_status_t s);

#endif
