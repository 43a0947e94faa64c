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
extern const replay_verb_t replay_verbs_setup[];    /* system, iommu, device */
extern const replay_verb_t replay_verbs_files[];    /* open, close, memfd, read, write */
extern const replay_verb_t replay_verbs_ioctl[];    /* ioctl */
extern const replay_verb_t replay_verbs_dma[];      /* dma, hwdma, translated */
extern const replay_verb_t replay_verbs_xlate[];    /* ats, pri, expect xlate */
extern const replay_verb_t replay_verbs_traffic[];  /* traffic */
extern const replay_verb_t replay_verbs_hw[];       /* mmio write, mmio read */
extern const replay_verb_t replay_verbs_time[];     /* advance, wait idle */
extern const replay_verb_t replay_verbs_mem[];      /* mem write, expect mem */
extern const replay_verb_t replay_verbs_expect[];   /* expect fault, nofault, stat */

/* Largest buffer one line may ask for (DMA, memory fill, memory check, fd read). */
#define REPLAY_BUF_MAX (64u << 20)
/* IOMMUs one system may have (the system line's and those of `iommu` lines). */
#define REPLAY_IOMMUS_MAX 16u

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
	/* A DMA of a `traffic` line (no line to check): its outcome goes to these. */
	uint64_t *tr_faults;
	iommusim_hist_t *tr_latency;
	iommusim_time_t issued;
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
	pci_dev_t *pdev;              /* NULL with driver=none (no topology) */
	iommusim_endpoint_t *ep;
	iommusim_endpoint_cfg_t cfg;  /* what the endpoint was built with */
	pci_bdf_t bdf;
	char bdfname[PCI_BDF_STRLEN]; /* "0000:03:00.0" */
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
	bool no_driver;                  /* `system ... driver=none`: hardware only */
	size_t niommu;                   /* IOMMUs of the system */
	drv_instance_t drv[REPLAY_IOMMUS_MAX];   /* their drivers (ops NULL: none) */
	size_t ndrv;                     /* drivers created (0 with driver=none) */
	char iommu_name[REPLAY_IOMMUS_MAX][32];  /* statistics prefixes ("vtd", "vtd1") */
	uint64_t fault_seen[REPLAY_IOMMUS_MAX];  /* driver log records taken so far */
	/* Fault records taken and not yet matched by an expect line, per IOMMU. */
	struct replay_fault_rec *fault_pend[REPLAY_IOMMUS_MAX];
	size_t nfault_pend[REPLAY_IOMMUS_MAX];
	uint64_t fault_lost[REPLAY_IOMMUS_MAX];  /* records lost before they could be taken */
	stream_line_t sysline;           /* the system line, for `iommu` lines' parameters */
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
/* The hardware model of IOMMU i (i < r->niommu). */
iommusim_model_t *replay_iommu(replay_t *r, size_t i);
/* The value of iommu= on l (default def), checked against the system: a located -EINVAL
 * naming the IOMMUs there are. */
int replay_iommu_arg(replay_t *r, const stream_line_t *l, unsigned def, unsigned *out,
		     iommusim_error_t *err);
/* The endpoint completion callback of a device (replay_verbs_dma.c); ctx is the device. */
void replay_dma_done(void *ctx, const iommusim_dma_result_t *res);
/* Frees a device's pending DMAs without reporting them. */
void replay_dma_free_pending(replay_dev_t *d);

/* ---- values and bytes (replay_values.c) ---------------------------------------------------- */

/* The keys that give bytes: a fill byte, hex data, a named pattern (NULL: not taken). */
typedef struct replay_bytes_keys {
	const char *fill, *data, *pattern;
} replay_bytes_keys_t;
extern const replay_bytes_keys_t replay_bytes_src;      /* fill= data= pattern= */
extern const replay_bytes_keys_t replay_bytes_expected; /* expect_fill= expect_data= */

/* Bytes for fill= / data= / pattern= (with len=): *buf gets len bytes (malloc'd). data= is
 * hex bytes ("de ad be ef" or de:ad:be:ef; separators ' ', ':', '.', '-', '_'), repeated
 * to len; without len= the data's own length. fill=0xNN repeats one byte. pattern=seq is
 * byte i = i mod 256 (needs len=). Returns 1 when the line gives one of them, 0 when it
 * gives none (*buf NULL, *len from len= or 0), or a negative errno with a located message.
 * REPLAY_BUF_MAX bounds len. */
int replay_bytes(const stream_line_t *l, const stream_vars_t *vars, uint64_t *len,
		 uint8_t **buf, iommusim_error_t *err);
/* The same with another set of keys (len= is shared). */
int replay_bytes_k(const stream_line_t *l, const stream_vars_t *vars,
		   const replay_bytes_keys_t *k, uint64_t *len, uint8_t **buf,
		   iommusim_error_t *err);
/* The key of k the line uses (for a mismatch's column), or NULL. */
const stream_value_t *replay_bytes_arg(const stream_line_t *l, const replay_bytes_keys_t *k);
/* Static checks (no bindings: a $name passes): key is a number (required: present), and
 * fill=/data=/pattern=/len= (or the keys of k) are well formed. */
int replay_check_num(const stream_line_t *l, const char *key, bool required,
		     iommusim_error_t *err);
int replay_check_bytes(const stream_line_t *l, iommusim_error_t *err);
int replay_check_bytes_k(const stream_line_t *l, const replay_bytes_keys_t *k,
			 iommusim_error_t *err);
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

/* Access letters: "r", "w", "rw" (x for execute where allowed) into IOMMUSIM_ACC_*; and
 * back ("none" for no permission). */
int replay_access_parse(const stream_line_t *l, const stream_value_t *v, bool allow_x,
			unsigned *acc, iommusim_error_t *err);
void replay_access_format(unsigned acc, char *buf, size_t len);
/* pasid=N (0 .. 2^20 - 1): *valid false when absent. */
int replay_get_pasid(const stream_line_t *l, const stream_vars_t *vars, bool *valid,
		     uint32_t *pasid, iommusim_error_t *err);

/* ---- the architecture below the generic verbs (replay_vtd.c) ------------------------------- */

/* A fault record as an expect line sees it. */
typedef struct replay_fault_rec {
	uint16_t sid;
	bool pasid_valid;
	uint32_t pasid;
	uint64_t addr;             /* the page address the record holds */
	uint32_t reason;
	bool write;
} replay_fault_rec_t;

/* "0x71 (SFL.2 first-level paging entry not present)"-style name of a fault reason. */
const char *replay_fault_reason_name(const replay_t *r, uint32_t reason);
/* Takes the fault records of IOMMU i not taken before -- from its driver's fault log, or
 * with driver=none from the fault recording registers (clearing them, as a fault handler
 * does) -- into r->fault_pend[i] (records lost on the way, to the log's or the registers'
 * overflow, counted in r->fault_lost[i]). At most REPLAY_FAULTS_KEPT records wait there;
 * older ones count as lost. */
#define REPLAY_FAULTS_KEPT 4096u
int replay_faults_take(replay_t *r, size_t iommu, iommusim_error_t *err);
/* Forgets the waiting records (teardown). */
void replay_faults_free(replay_t *r);
/* Whether IOMMU i still has work queued (its invalidation queue, and with a driver its page
 * request queue); describes it in buf. */
bool replay_iommu_busy(replay_t *r, size_t iommu, char *buf, size_t len);

/* The simulated descriptor a stream fd that was never opened (or was closed) turns into: a
 * number no simulated process has open, so the call fails with EBADF as it did when recorded. */
#define REPLAY_FD_NOT_OPEN 0x3fffffff

#endif
