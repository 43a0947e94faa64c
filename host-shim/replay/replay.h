/* SPDX-License-Identifier: MIT */
/*
 * The replay engine: turns a command stream (host-shim/stream/stream.h, reference in
 * docs/stream-format.md, user guide in docs/replay.md) into a run of the whole simulated
 * host -- the hardware models of include/iommusim/system.h, the iommufd/vfio semantics of
 * host-shim/iommufd/ifd.h and the IOMMU drivers of host-shim/drivers/ -- line by line.
 *
 * One replay_t is one simulated host for one stream. Lines run in order:
 *   - the `system` line builds the system (memory, scheduler, IOMMU models, the process
 *     with its file table, one driver per IOMMU; with driver=none the hardware alone),
 *     `iommu` lines add IOMMUs, `device` lines add PCI functions with their endpoint models;
 *   - `open`, `close`, `ioctl`, `read`, `write`, `memfd` act on the simulated process's
 *     files; `mem write` fills its memory;
 *   - device stimulus: `dma`, `ats`, `translated`, `pri`, `traffic` drive an endpoint;
 *     `hwdma` and `mmio` act on the hardware model directly;
 *   - `advance` and `wait idle` move time;
 *   - `expect ...` lines (mem, xlate, fault, nofault, stat) and the `-> ...` part of a line
 *     are expectations.
 *
 * Outcomes. A result that differs from the expectation is a mismatch: it is reported
 * (file:line:col, what, key, expected, got) through the callback and kept, and the replay
 * goes on. A line that cannot run -- malformed, an unknown verb or key, a setup step that
 * fails (the system, a device), a `$name` whose binding line did not deliver -- stops the
 * replay with "file:line[:col]: message" in err. Nothing in a stream can crash the engine.
 *
 * Verbs are a table (replay_verb_t): one handler per verb or per "verb word" pair such as
 * "expect mem". The built-in groups live in host-shim/replay/replay_verbs_*.c; a new group
 * is one more table (add it to the list in replay.c, or at run time with
 * replay_add_verbs). Handlers use the accessors below to reach the simulated host.
 *
 * File descriptors. Numbers in a stream are the recorded process's descriptors; the
 * simulated process hands out its own. The engine keeps a map: `open ... -> fd=7` maps
 * stream fd 7 to whatever the simulated open returned, `-> fd=$x` binds $x to a stream fd
 * of the engine's choosing; every fd a line passes (the ioctl's FD, `iommufd=`,
 * `container_fd=`, `fd=` of IOMMU_IOAS_MAP_FILE, close, read, write) is translated, and fds
 * the kernel returns (VFIO_GROUP_GET_DEVICE_FD, out_fault_fd, out_veventq_fd) are mapped
 * back, so recorded numbers compare equal. A stream fd that was never opened is passed as
 * -1 (EBADF).
 *
 * Determinism: no host clock, no randomness; the same stream and parameters give the same
 * mismatches, the same statistics and the same simulated time.
 */
#ifndef IOMMUSIM_REPLAY_H
#define IOMMUSIM_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "iommusim/endpoint.h"
#include "iommusim/error.h"
#include "iommusim/param.h"
#include "iommusim/system.h"
#include "iommusim/time.h"
#include "host-shim/iommufd/ifd.h"
#include "host-shim/pci/pci.h"
#include "host-shim/stream/stream.h"

typedef struct replay replay_t;

/* ---- mismatches ----------------------------------------------------------------------- */

typedef struct replay_mismatch {
	const char *file;        /* the stream's name (valid while the replay lives) */
	unsigned line;
	unsigned col;            /* column of the expected value, 0 if none */
	char what[64];           /* the ioctl ("IOMMU_IOAS_MAP") or the verb ("dma", "expect mem") */
	char key[64];            /* the result compared ("errno", "out_ioas_id", "status") */
	char expected[128];
	char got[128];
	char note[256];          /* context: the kernel's message for an unexpected errno, ... */
} replay_mismatch_t;

typedef void (*replay_mismatch_fn)(void *ctx, const replay_mismatch_t *m);

/* Prints "file:line:col: what: key: expected E, got G[ (note)]" and a newline. */
void replay_mismatch_print(FILE *f, const replay_mismatch_t *m);

/* ---- the engine ------------------------------------------------------------------------- */

typedef struct replay_opts {
	replay_mismatch_fn on_mismatch;   /* called for each mismatch as it is found; may be NULL */
	void *ctx;
	/* "key=value" parameter overrides applied on top of the stream's `system` line (they
	 * win over it), e.g. from the command line: "drv.vtd.flush=strict". */
	const char *const *params;
	size_t nparams;
	size_t max_kept;                  /* mismatches kept for replay_mismatch_at; 0: 10000 */
	/* Called for each line that is only a comment, in stream order: the simulation has
	 * run up to the end of the line before it (as for a verb), so a tool can act between
	 * two lines (the bench runner's "# bench: begin"). A negative return stops the replay
	 * with that error (err holds the message). May be NULL. The replay_run_file and
	 * replay_run_memory readers keep comment lines when it is set; a caller with its own
	 * reader opens it with STREAM_READ_KEEP_ALL. */
	int (*on_comment)(void *ctx, const stream_line_t *l, iommusim_error_t *err);
} replay_opts_t;

/* opts may be NULL. NULL on ENOMEM (err says so). */
replay_t *replay_create(const replay_opts_t *opts, iommusim_error_t *err);
/* Frees the simulated host (closing every file still open, in fd order) and the engine. */
void replay_destroy(replay_t *r);

/* Runs one line (blank and version lines are ignored; comment lines go to on_comment). Returns 0 -- mismatches
 * are not errors -- or a negative errno with "file:line[:col]: message" in err; after an
 * error the replay is stopped and every later call returns the same error. */
int replay_line(replay_t *r, const stream_line_t *l, iommusim_error_t *err);
/* End of the stream: checks what can only be checked at the end (a DMA that waits for a
 * page response and was expected to finish). Called by the replay_run_* functions. */
int replay_finish(replay_t *r, iommusim_error_t *err);

/* Replays a whole stream: every line, then replay_finish. 0 or the first error. */
int replay_run_reader(replay_t *r, stream_reader_t *rd, iommusim_error_t *err);
int replay_run_file(replay_t *r, const char *path, iommusim_error_t *err);
int replay_run_memory(replay_t *r, const char *text, size_t len, const char *name,
		      iommusim_error_t *err);

typedef struct replay_summary {
	unsigned lines;          /* command lines run to their end */
	unsigned ioctls;         /* ioctl lines run */
	unsigned dmas;           /* dma lines run */
	unsigned checks;         /* expectations compared (results, expect lines, DMA outcomes) */
	unsigned mismatches;     /* of those, how many differed */
	iommusim_time_t now;     /* simulated time reached */
	bool stopped;            /* a line stopped the replay */
	unsigned stop_line;      /* which (when stopped; 0 if the stream could not be read) */
} replay_summary_t;

void replay_get_summary(const replay_t *r, replay_summary_t *s);
/* The mismatches found so far, in the order they were found (at most max_kept). */
size_t replay_mismatch_count(const replay_t *r);
const replay_mismatch_t *replay_mismatch_at(const replay_t *r, size_t i);

/* ---- verbs ------------------------------------------------------------------------------- */

enum replay_verb_flags {
	REPLAY_VERB_SYSTEM  = 1u << 0,   /* needs the `system` line first; time is synced first */
	REPLAY_VERB_RESULTS = 1u << 1,   /* takes `->` results (checked by its handler) */
	REPLAY_VERB_SHIM    = 1u << 2,   /* needs the process and the drivers: refused on a
					    `system ... driver=none` host */
};

typedef struct replay_verb {
	/* "dma", or "expect mem": a verb and the word in its first position. A two-word entry
	 * is found before a one-word entry of the same verb. NULL ends a table. */
	const char *name;
	const char *usage;               /* the syntax, for messages and documentation */
	unsigned min_pos, max_pos;       /* positional values after the name's words */
	const char *const *keys;         /* allowed key=value arguments (NULL-terminated);
					    NULL: the handler checks them */
	unsigned flags;                  /* enum replay_verb_flags */
	/* Static checks beyond keys and positions (no system needed); may be NULL. */
	int (*check)(const stream_line_t *l, iommusim_error_t *err);
	int (*run)(replay_t *r, const stream_line_t *l, iommusim_error_t *err);
} replay_verb_t;

/* Adds a table of verbs (ends with name NULL; must outlive r), found before the built-in
 * ones. -ENOMEM. */
int replay_add_verbs(replay_t *r, const replay_verb_t *table, iommusim_error_t *err);
/* The verb for line l: r's own tables first (r may be NULL), then the built-in ones. *npos
 * gets how many positional values the name used up (0 or 1). NULL when there is none. */
const replay_verb_t *replay_find_verb(const replay_t *r, const stream_line_t *l,
				      size_t *npos);

/* Static check of one line (verb known, positions, keys, the verb's own check; ioctl lines
 * encode with $names as placeholders) and of a whole stream (each line, then the bindings).
 * No system is built. */
int replay_check_line(const stream_line_t *l, iommusim_error_t *err);
int replay_check_doc(const stream_doc_t *doc, iommusim_error_t *err);

/* ---- for verb handlers --------------------------------------------------------------------- */

iommusim_system_t *replay_system(replay_t *r);       /* NULL before `system` */
ifd_sys_t *replay_ifd(replay_t *r);                  /* NULL before `system`, and with
							driver=none */
const iommusim_params_t *replay_params(replay_t *r); /* the system's parameters */
stream_vars_t *replay_vars(replay_t *r);
iommusim_time_t replay_now(replay_t *r);

/* Runs the scheduler up to t (if later than now) and tells every driver the time. */
void replay_advance_to(replay_t *r, iommusim_time_t t);
/* Tells every driver the current time (deferred flushes, fault and page-request handlers). */
void replay_sync(replay_t *r);

/* A device of the topology with its endpoint model. */
typedef struct replay_dev replay_dev_t;
/* Positional value idx of l names a device ("0000:03:00.0" or "03:00.0"): -ENOENT/-EINVAL
 * with a located message naming the devices that exist. */
int replay_dev_lookup(replay_t *r, const stream_line_t *l, size_t idx, replay_dev_t **out,
		      iommusim_error_t *err);
/* The same for the value of key (dev=BDF). */
int replay_dev_lookup_key(replay_t *r, const stream_line_t *l, const char *key,
			  replay_dev_t **out, iommusim_error_t *err);
pci_dev_t *replay_dev_pci(replay_dev_t *d);          /* NULL with driver=none */
iommusim_endpoint_t *replay_dev_endpoint(replay_dev_t *d);
unsigned replay_dev_iommu(const replay_dev_t *d);    /* the index of its IOMMU */

/* Translates a stream fd (value v of line l) to the simulated one; -1 for a stream fd that
 * is not open. Errors only for a value that is not a number or a bound $name. */
int replay_fd_in(replay_t *r, const stream_line_t *l, const stream_value_t *v, int *fd,
		 iommusim_error_t *err);
/* A simulated fd the kernel just created: the stream fd that stands for it. want is the
 * line's result value for it (a number or $name), or NULL: a number maps to itself in
 * the stream, a bound $name to its value, an unbound $name to a free number (the
 * simulated one when free) which it binds, NULL to a free number from 1000000 up (so that
 * it never takes the place of a number a later line records). -EEXIST when the stream fd
 * is still open. */
int replay_fd_new(replay_t *r, const stream_line_t *l, const stream_value_t *want, int simfd,
		  int64_t *streamfd, iommusim_error_t *err);
/* The stream fd was closed. */
void replay_fd_forget(replay_t *r, int64_t streamfd);

/* Reports a mismatch at line l (col: 0 or the column of the expected value). note may be
 * NULL. Counts it as a failed check. */
void replay_report(replay_t *r, const stream_line_t *l, unsigned col, const char *what,
		   const char *key, const char *expected, const char *got, const char *note);
/* Counts n expectations compared (failed ones are counted by replay_report too). */
void replay_count_checks(replay_t *r, unsigned n);

#endif
