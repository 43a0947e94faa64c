/* SPDX-License-Identifier: MIT */
/*
 * Trace sink (DESIGN.md §4, include/iommusim/trace.h): a Chrome/Perfetto trace-event JSON
 * document written as events arrive, so a long run costs no memory. Strings and args go
 * through jansson for escaping; times are written as fixed-point microseconds with six
 * decimals, which is exact to the picosecond for every 64-bit time (a double could not be).
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "iommusim/trace.h"

/* Encoded names are kept for reuse: models pass the same few category and event names
 * again and again, and jansson allocates for every string it escapes. */
#define TRACE_STR_CACHE 16
#define TRACE_STR_CACHE_MAX 64   /* longer strings are encoded each time */

typedef struct trace_str {
	char raw[TRACE_STR_CACHE_MAX + 1];
	char *json;                  /* malloc'd encoded form, quotes included */
	size_t json_len;
} trace_str_t;

struct iommusim_trace {
	FILE *f;
	bool owned;          /* opened by iommusim_trace_open: closed by close */
	bool any_event;      /* a ',' goes before the next event */
	bool failed;         /* a write failed: close reports -EIO */
	/* One event is assembled here and written with one fwrite; nothing else is kept. */
	char *buf;
	size_t len, cap;
	trace_str_t strs[TRACE_STR_CACHE];
	unsigned next_str;   /* round-robin replacement */
};

/* Makes room for n more bytes; false (and the trace marked failed) if memory runs out. */
static bool buf_reserve(iommusim_trace_t *tr, size_t n)
{
	if (tr->failed)
		return false;
	if (tr->len + n > tr->cap) {
		size_t cap = tr->cap ? tr->cap : 512;
		while (cap < tr->len + n)
			cap *= 2;
		char *b = realloc(tr->buf, cap);
		if (!b) {
			tr->failed = true;
			return false;
		}
		tr->buf = b;
		tr->cap = cap;
	}
	return true;
}

static void buf_put(iommusim_trace_t *tr, const char *s, size_t n)
{
	if (buf_reserve(tr, n)) {
		memcpy(tr->buf + tr->len, s, n);
		tr->len += n;
	}
}

static void tr_puts(iommusim_trace_t *tr, const char *s)
{
	buf_put(tr, s, strlen(s));
}

/* Decimal digits of v, at least min_digits (zero-padded). */
static void put_u64(iommusim_trace_t *tr, uint64_t v, unsigned min_digits)
{
	char d[24];
	unsigned n = 0;

	do {
		d[sizeof(d) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n < min_digits)
		d[sizeof(d) - 1 - n++] = '0';
	buf_put(tr, d + sizeof(d) - n, n);
}

/* Writes the assembled event to the stream. */
static void flush_event(iommusim_trace_t *tr)
{
	if (!tr->failed && tr->len && fwrite(tr->buf, 1, tr->len, tr->f) != tr->len)
		tr->failed = true;
	tr->len = 0;
}

static iommusim_trace_t *trace_start(FILE *f, bool owned)
{
	iommusim_trace_t *tr = calloc(1, sizeof(*tr));

	if (!tr)
		return NULL;
	tr->f = f;
	tr->owned = owned;
	tr_puts(tr, "{\"traceEvents\":[");
	flush_event(tr);
	return tr;
}

iommusim_trace_t *iommusim_trace_open(const char *path, iommusim_error_t *err)
{
	iommusim_trace_t *tr;
	FILE *f;

	if (!path || !*path) {
		iommusim_error_set(err, -EINVAL, "trace: no output path");
		return NULL;
	}
	f = fopen(path, "w");
	if (!f) {
		int e = errno ? errno : EIO;
		iommusim_error_set(err, -e, "trace: cannot open %s for writing: %s", path,
				   strerror(e));
		return NULL;
	}
	tr = trace_start(f, true);
	if (!tr) {
		fclose(f);
		iommusim_error_set(err, -ENOMEM, "trace: out of memory opening %s", path);
	}
	return tr;
}

iommusim_trace_t *iommusim_trace_open_stream(FILE *f)
{
	if (!f)
		return NULL;
	return trace_start(f, false);
}

int iommusim_trace_close(iommusim_trace_t *tr)
{
	bool failed;

	if (!tr)
		return 0;
	tr_puts(tr, "\n],\"displayTimeUnit\":\"ns\"}\n");
	flush_event(tr);
	if (fflush(tr->f) == EOF || ferror(tr->f))
		tr->failed = true;
	if (tr->owned && fclose(tr->f) == EOF)
		tr->failed = true;
	failed = tr->failed;
	for (unsigned i = 0; i < TRACE_STR_CACHE; i++)
		free(tr->strs[i].json);
	free(tr->buf);
	free(tr);
	return failed ? -EIO : 0;
}

/* ---- event pieces ------------------------------------------------------------------------ */

/* Starts an event: separator and the opening brace. */
static void event_begin(iommusim_trace_t *tr)
{
	tr_puts(tr, tr->any_event ? ",\n{" : "\n{");
	tr->any_event = true;
}

/* Writes a JSON value through jansson and drops the reference. A value jansson could not
 * build (allocation failure) is written as null so the document stays valid. */
static void put_json(iommusim_trace_t *tr, json_t *v)
{
	const size_t flags = JSON_COMPACT | JSON_ENCODE_ANY;
	size_t room = tr->cap - tr->len;
	size_t n;

	if (!v) {
		tr_puts(tr, "null");
		return;
	}
	n = json_dumpb(v, tr->buf ? tr->buf + tr->len : NULL, tr->buf ? room : 0, flags);
	if (n && n > room && buf_reserve(tr, n))
		n = json_dumpb(v, tr->buf + tr->len, n, flags);
	if (!n)
		tr_puts(tr, "null");
	else if (!tr->failed)
		tr->len += n;
	json_decref(v);
}

/* A string value. Text that is not UTF-8 cannot be a JSON string; it is replaced by a
 * marker rather than written raw. */
static void put_string(iommusim_trace_t *tr, const char *s)
{
	size_t len;
	trace_str_t *c;
	json_t *v;

	if (!s)
		s = "";
	len = strlen(s);
	if (len > TRACE_STR_CACHE_MAX) {
		v = json_string(s);
		put_json(tr, v ? v : json_string("<not UTF-8>"));
		return;
	}
	for (unsigned i = 0; i < TRACE_STR_CACHE; i++) {
		c = &tr->strs[i];
		if (c->json && strcmp(c->raw, s) == 0) {
			buf_put(tr, c->json, c->json_len);
			return;
		}
	}
	v = json_string(s);
	if (!v)
		v = json_string("<not UTF-8>");
	c = &tr->strs[tr->next_str];
	tr->next_str = (tr->next_str + 1) % TRACE_STR_CACHE;
	free(c->json);
	c->json = v ? json_dumps(v, JSON_ENCODE_ANY) : NULL;
	json_decref(v);
	if (!c->json) {
		tr_puts(tr, "null");
		return;
	}
	memcpy(c->raw, s, len + 1);
	c->json_len = strlen(c->json);
	buf_put(tr, c->json, c->json_len);
}

/* ",\"key\":" followed by a time in microseconds: ps / 10^6 written exactly. */
static void put_time(iommusim_trace_t *tr, const char *key, iommusim_time_t ps)
{
	tr_puts(tr, ",\"");
	tr_puts(tr, key);
	tr_puts(tr, "\":");
	put_u64(tr, ps / IOMMUSIM_PS_PER_US, 1);
	tr_puts(tr, ".");
	put_u64(tr, ps % IOMMUSIM_PS_PER_US, 6);
}

/* "pid":P,"tid":T */
static void put_track(iommusim_trace_t *tr, uint32_t pid, uint32_t tid)
{
	tr_puts(tr, ",\"pid\":");
	put_u64(tr, pid, 1);
	tr_puts(tr, ",\"tid\":");
	put_u64(tr, tid, 1);
}

/* args_json is embedded when it is a JSON object; anything else is kept, as text, under
 * "invalid_args" so a caller's mistake shows in the viewer instead of breaking the file. */
static void put_args(iommusim_trace_t *tr, const char *args_json)
{
	json_error_t jerr;
	json_t *args;

	if (!args_json)
		return;
	args = json_loads(args_json, JSON_REJECT_DUPLICATES, &jerr);
	if (!args || !json_is_object(args)) {
		json_decref(args);
		args = json_object();
		if (args) {
			json_t *text = json_string(args_json);
			if (!text)
				text = json_string("<not UTF-8>");
			json_object_set_new(args, "invalid_args", text);
		}
	}
	tr_puts(tr, ",\"args\":");
	put_json(tr, args);
}

static void event_head(iommusim_trace_t *tr, const char *ph, const char *cat, const char *name)
{
	event_begin(tr);
	tr_puts(tr, "\"ph\":\"");
	tr_puts(tr, ph);
	tr_puts(tr, "\"");
	if (cat) {
		tr_puts(tr, ",\"cat\":");
		put_string(tr, cat);
	}
	tr_puts(tr, ",\"name\":");
	put_string(tr, name);
}

/* ---- events ------------------------------------------------------------------------------ */

void iommusim_trace_track(iommusim_trace_t *tr, uint32_t pid, uint32_t tid,
			  const char *process_name, const char *thread_name)
{
	if (!tr)
		return;
	if (process_name) {
		event_head(tr, "M", NULL, "process_name");
		put_track(tr, pid, tid);
		tr_puts(tr, ",\"args\":{\"name\":");
		put_string(tr, process_name);
		tr_puts(tr, "}}");
		flush_event(tr);
	}
	if (thread_name) {
		event_head(tr, "M", NULL, "thread_name");
		put_track(tr, pid, tid);
		tr_puts(tr, ",\"args\":{\"name\":");
		put_string(tr, thread_name);
		tr_puts(tr, "}}");
		flush_event(tr);
	}
}

void iommusim_trace_span(iommusim_trace_t *tr, uint32_t pid, uint32_t tid, const char *cat,
			 const char *name, iommusim_time_t start, iommusim_time_t dur,
			 const char *args_json)
{
	if (!tr)
		return;
	event_head(tr, "X", cat, name);
	put_time(tr, "ts", start);
	put_time(tr, "dur", dur);
	put_track(tr, pid, tid);
	put_args(tr, args_json);
	tr_puts(tr, "}");
	flush_event(tr);
}

void iommusim_trace_instant(iommusim_trace_t *tr, uint32_t pid, uint32_t tid, const char *cat,
			    const char *name, iommusim_time_t t, const char *args_json)
{
	if (!tr)
		return;
	event_head(tr, "i", cat, name);
	/* thread scope: the mark sits on its own track */
	tr_puts(tr, ",\"s\":\"t\"");
	put_time(tr, "ts", t);
	put_track(tr, pid, tid);
	put_args(tr, args_json);
	tr_puts(tr, "}");
	flush_event(tr);
}

void iommusim_trace_counter(iommusim_trace_t *tr, uint32_t pid, const char *name,
			    iommusim_time_t t, double value)
{
	json_t *args;

	if (!tr)
		return;
	event_head(tr, "C", NULL, name);
	put_time(tr, "ts", t);
	tr_puts(tr, ",\"pid\":");
	put_u64(tr, pid, 1);
	/* JSON has no nan/inf: such a sample is kept as text so it is visible, not dropped. */
	args = json_object();
	if (args) {
		if (isfinite(value))
			json_object_set_new(args, "value", json_real(value));
		else
			json_object_set_new(args, "invalid_value",
					    json_string(isnan(value) ? "nan" : value > 0 ? "inf" : "-inf"));
	}
	tr_puts(tr, ",\"args\":");
	put_json(tr, args);
	tr_puts(tr, "}");
	flush_event(tr);
}
