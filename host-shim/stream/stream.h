/* SPDX-License-Identifier: MIT */
/*
 * The command stream: the project's one text format for recorded traces and hand-written
 * scenarios (DESIGN.md §4, reference in docs/stream-format.md).
 *
 *   iommusim-stream 1
 *   # a comment
 *   open /dev/iommu -> fd=3
 *   ioctl 3 IOMMU_IOAS_ALLOC -> out_ioas_id=$ioas
 *   ioctl 3 IOMMU_IOAS_MAP ioas_id=$ioas flags=FIXED_IOVA|READABLE iova=0x100000 ...
 *
 * A line is: a verb, positional values, key=value arguments, and optionally `->` followed by
 * key=value results (what the kernel returned: on replay an expectation, and `$name` there
 * binds a name). This layer is generic over verbs: it gives the structured line, typed
 * accessors, a canonical writer and the binding table. stream_ioctl.h encodes `ioctl` lines.
 *
 * Every error is a value with a message "file:line[:column]: what was wrong".
 */
#ifndef IOMMUSIM_STREAM_H
#define IOMMUSIM_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "iommusim/error.h"
#include "host-shim/uapi/uapi_table.h"

#define STREAM_VERSION   1u                  /* the only version this build reads */
#define STREAM_MAGIC     "iommusim-stream"   /* the verb of the version line */
#define STREAM_LINE_MAX  65536u              /* bytes per line, without the newline */

typedef enum stream_kind {
	STREAM_NUMBER,   /* 42, 0x2a, 2M (K/M/G/T = x1024^n), -1 */
	STREAM_WORD,     /* bare text: names, flag expressions A|B, paths, PCI addresses */
	STREAM_STRING,   /* "quoted text" with escapes */
	STREAM_REF,      /* $name */
} stream_kind_t;

/* How a number was written; the writer keeps it. Equality ignores it (0x10 == 16). */
typedef enum stream_numfmt {
	STREAM_NUM_DEC,
	STREAM_NUM_HEX,
	STREAM_NUM_K,    /* value = digits << 10 */
	STREAM_NUM_M,
	STREAM_NUM_G,
	STREAM_NUM_T,
} stream_numfmt_t;

typedef struct stream_value {
	stream_kind_t kind;
	char *text;        /* WORD, STRING: the text (unescaped); REF: the name without '$' */
	uint64_t num;      /* NUMBER: the magnitude */
	bool neg;          /* NUMBER: negative (magnitude <= 2^63) */
	uint8_t numfmt;    /* NUMBER: stream_numfmt_t */
	unsigned col;      /* 1-based column where the value starts; 0 if built in code */
} stream_value_t;

typedef struct stream_arg {
	char *key;
	stream_value_t v;
	unsigned col;      /* column of the key */
} stream_arg_t;

typedef enum stream_line_kind {
	STREAM_LINE_COMMAND,
	STREAM_LINE_VERSION,   /* `iommusim-stream N` */
	STREAM_LINE_COMMENT,   /* a line that is only a comment */
	STREAM_LINE_BLANK,
} stream_line_kind_t;

typedef struct stream_line {
	stream_line_kind_t kind;
	char *file;            /* owned copy of the stream's name, or NULL */
	unsigned lineno;       /* 1-based; 0 if built in code */
	char *verb;            /* COMMAND, VERSION */
	stream_value_t *pos;   /* positional values */
	size_t npos;
	stream_arg_t *args;    /* key=value before `->` */
	size_t nargs;
	bool has_result;       /* the line has `->` */
	stream_arg_t *res;     /* key=value after `->` */
	size_t nres;
	char *comment;         /* text after '#' (verbatim), or NULL */
	unsigned version;      /* VERSION lines */
} stream_line_t;

/* ---- values and lines built in code ---------------------------------------------------- */

/* Values that borrow their text; stream_line_add_* copy them. */
stream_value_t stream_num(uint64_t v, stream_numfmt_t fmt);
stream_value_t stream_snum(int64_t v);
stream_value_t stream_word(const char *text);
stream_value_t stream_str(const char *text);
stream_value_t stream_ref(const char *name);

void stream_line_init(stream_line_t *l);
void stream_line_free(stream_line_t *l);   /* and re-initialise */
int stream_line_copy(stream_line_t *dst, const stream_line_t *src);

/* Builders check what they are given so that the writer's output always reads back:
 * -EINVAL for a bad verb, key, variable name or a WORD that needs quoting (the message says
 * which), -EEXIST for a duplicate key, -ENOMEM. */
int stream_line_set_verb(stream_line_t *l, const char *verb, iommusim_error_t *err);
int stream_line_add_pos(stream_line_t *l, const stream_value_t *v, iommusim_error_t *err);
int stream_line_add_arg(stream_line_t *l, const char *key, const stream_value_t *v,
			iommusim_error_t *err);
int stream_line_add_result(stream_line_t *l, const char *key, const stream_value_t *v,
			   iommusim_error_t *err);
int stream_line_set_comment(stream_line_t *l, const char *text, iommusim_error_t *err);

/* Same stream content: kind, verb, values (numbers by value), keys in order, results and
 * comments. File, line numbers and columns are ignored. */
bool stream_value_equal(const stream_value_t *a, const stream_value_t *b);
bool stream_line_equal(const stream_line_t *a, const stream_line_t *b);

/* Syntax checks the reader and the builders share. */
bool stream_is_key(const char *s);        /* [A-Za-z_][A-Za-z0-9_]* joined by single '.' */
bool stream_is_name(const char *s);       /* variable name: [A-Za-z_][A-Za-z0-9_]* */
bool stream_is_verb(const char *s);       /* [A-Za-z][A-Za-z0-9_-]* */
bool stream_is_bare_word(const char *s);  /* can be written unquoted and reads back a WORD */

/* ---- parsing ----------------------------------------------------------------------------- */

/* Parses one line (without its newline; one trailing '\r' is dropped) into out, which is
 * freed first. Version lines come back as STREAM_LINE_VERSION when their verb is
 * STREAM_MAGIC (the version number itself is checked by the reader). */
int stream_parse_line(const char *text, size_t len, const char *file, unsigned lineno,
		      stream_line_t *out, iommusim_error_t *err);

/* ---- bindings ---------------------------------------------------------------------------- */

/* Names bound by results (`-> out_ioas_id=$ioas`) and the lines expected to bind them. */
typedef struct stream_vars stream_vars_t;

stream_vars_t *stream_vars_create(void);
void stream_vars_destroy(stream_vars_t *vars);
/* Records that line `lineno` (result key `key`) will bind name. No-op if already bound or
 * already expected. -ENOMEM. */
int stream_vars_expect(stream_vars_t *vars, const char *name, const char *key,
		       unsigned lineno);
/* Records every $name in l's results that is not bound yet. */
int stream_vars_expect_line(stream_vars_t *vars, const stream_line_t *l);
/* Binds name to value at line lineno; -EEXIST if it already has a value (the message
 * names the line that bound it). */
int stream_vars_bind(stream_vars_t *vars, const char *name, uint64_t value, unsigned lineno,
		     iommusim_error_t *err);
bool stream_vars_is_bound(const stream_vars_t *vars, const char *name);
/* Known: bound, or expected by an earlier line. */
bool stream_vars_is_known(const stream_vars_t *vars, const char *name);
/* The value of name for a use at file:lineno:col. -ENOENT with a message that names the line
 * that was expected to bind it (and did not), or says no earlier line binds it. */
int stream_vars_get(const stream_vars_t *vars, const char *name, const char *file,
		    unsigned lineno, unsigned col, uint64_t *value, iommusim_error_t *err);

/* ---- typed access ------------------------------------------------------------------------ */

const stream_value_t *stream_line_arg(const stream_line_t *l, const char *key);
const stream_value_t *stream_line_result(const stream_line_t *l, const char *key);

/* Formats "file:line[:col]: " context into err in front of a message. */
int stream_line_error(const stream_line_t *l, unsigned col, iommusim_error_t *err, int code,
		      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* A value as an unsigned number; REF values are resolved through vars (may be NULL: then a
 * REF is an error). what names the value in messages ("key 'len'", "argument 1"). */
int stream_value_u64(const stream_line_t *l, const char *what, const stream_value_t *v,
		     const stream_vars_t *vars, uint64_t *out, iommusim_error_t *err);
int stream_value_s64(const stream_line_t *l, const char *what, const stream_value_t *v,
		     const stream_vars_t *vars, int64_t *out, iommusim_error_t *err);
/* Flags: NAME|NAME|number from names (numbers and a NUMBER value are accepted as raw bits).
 * An unknown name is -EINVAL listing the valid names. */
int stream_value_flags(const stream_line_t *l, const char *what, const stream_value_t *v,
		       const uapi_name_t *names, const stream_vars_t *vars, uint64_t *out,
		       iommusim_error_t *err);
/* An enum: one NAME from names, or a number. */
int stream_value_enum(const stream_line_t *l, const char *what, const stream_value_t *v,
		      const uapi_name_t *names, const stream_vars_t *vars, uint64_t *out,
		      iommusim_error_t *err);

/* Required key: -ENOENT "missing key 'len'" if absent. */
int stream_line_get_u64(const stream_line_t *l, const char *key, const stream_vars_t *vars,
			uint64_t *out, iommusim_error_t *err);
/* Optional key: *out = def when absent. */
int stream_line_get_u64_opt(const stream_line_t *l, const char *key,
			    const stream_vars_t *vars, uint64_t def, uint64_t *out,
			    iommusim_error_t *err);
int stream_line_get_s64(const stream_line_t *l, const char *key, const stream_vars_t *vars,
			int64_t *out, iommusim_error_t *err);
/* WORD or STRING text; -ENOENT if absent, -EINVAL for another kind. */
int stream_line_get_text(const stream_line_t *l, const char *key, const char **out,
			 iommusim_error_t *err);
int stream_line_get_flags(const stream_line_t *l, const char *key, const uapi_name_t *names,
			  const stream_vars_t *vars, uint64_t *out, iommusim_error_t *err);
/* Positional value idx (0-based). -ENOENT "missing argument N (what)" if absent. */
int stream_line_pos_u64(const stream_line_t *l, size_t idx, const char *what,
			const stream_vars_t *vars, uint64_t *out, iommusim_error_t *err);
int stream_line_pos_text(const stream_line_t *l, size_t idx, const char *what,
			 const char **out, iommusim_error_t *err);
/* Every key before `->` must be in allowed (NULL-terminated); otherwise -EINVAL naming the
 * key and listing the allowed ones. */
int stream_line_check_keys(const stream_line_t *l, const char *const *allowed,
			   iommusim_error_t *err);

/* ---- writing ----------------------------------------------------------------------------- */

/* The canonical text of a value / a line (no newline), malloc'd; NULL on ENOMEM. */
char *stream_value_format(const stream_value_t *v);
char *stream_line_format(const stream_line_t *l);
/* Writes the line and a newline. -EIO on a write error, -ENOMEM. */
int stream_write_line(FILE *f, const stream_line_t *l);

/* ---- reading ----------------------------------------------------------------------------- */

enum stream_read_flags {
	STREAM_READ_KEEP_ALL = 1u << 0,   /* also return version, comment and blank lines */
};

typedef struct stream_reader stream_reader_t;

/* Opens path; -errno with a message if it cannot be opened. */
int stream_reader_open(stream_reader_t **out, const char *path, unsigned flags,
		       iommusim_error_t *err);
/* Reads from memory that must outlive the reader. NULL on ENOMEM. */
stream_reader_t *stream_reader_from_memory(const char *data, size_t len, const char *name,
					   unsigned flags);
/* Reads from f (not closed by the reader). NULL on ENOMEM. */
stream_reader_t *stream_reader_from_file(FILE *f, const char *name, unsigned flags);
/* The next line into *line (freed first): 1, or 0 at the end, or a negative errno with
 * "file:line: message". The first command line must be the version line; without
 * STREAM_READ_KEEP_ALL it is consumed and only command lines come back. After an error
 * every later call returns the same error. */
int stream_reader_next(stream_reader_t *r, stream_line_t *line, iommusim_error_t *err);
unsigned stream_reader_version(const stream_reader_t *r);  /* 0 before the version line */
unsigned stream_reader_lineno(const stream_reader_t *r);   /* last line read */
void stream_reader_close(stream_reader_t *r);

/* ---- whole streams ----------------------------------------------------------------------- */

typedef struct stream_doc {
	char *file;
	unsigned version;
	stream_line_t *lines;   /* every line, comments and blanks included */
	size_t nlines;
} stream_doc_t;

/* Parses a whole stream (kept with comments), then checks that every $name used before
 * `->` is bound by a result on an earlier line. */
int stream_doc_parse(stream_doc_t *doc, const char *text, size_t len, const char *name,
		     iommusim_error_t *err);
int stream_doc_load(stream_doc_t *doc, const char *path, iommusim_error_t *err);
void stream_doc_free(stream_doc_t *doc);
bool stream_doc_equal(const stream_doc_t *a, const stream_doc_t *b);
/* Canonical text of the whole stream, malloc'd (NULL on ENOMEM); *len if non-NULL. */
char *stream_doc_format(const stream_doc_t *doc, size_t *len);
/* The static binding check stream_doc_parse runs. */
int stream_doc_check_refs(const stream_doc_t *doc, iommusim_error_t *err);

#endif
