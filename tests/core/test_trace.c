/* SPDX-License-Identifier: MIT */
#include "tests/support/test.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "iommusim/trace.h"

/* A trace written to memory: the text appears in buf after fflush. */
typedef struct mem_out {
	char *buf;
	size_t len;
	FILE *f;
} mem_out_t;

static iommusim_trace_t *mem_open(mem_out_t *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	assert_non_null(m->f);
	iommusim_trace_t *tr = iommusim_trace_open_stream(m->f);
	assert_non_null(tr);
	return tr;
}

/* Closes tr and the stream; returns the parsed document (checked for its outer shape). */
static json_t *mem_close(mem_out_t *m, iommusim_trace_t *tr, char **text)
{
	json_error_t jerr;
	json_t *doc;

	assert_int_equal(iommusim_trace_close(tr), 0);
	assert_int_equal(fclose(m->f), 0);
	doc = json_loads(m->buf, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc)
		fail_msg("not JSON (%s, line %d): %s", jerr.text, jerr.line, m->buf);
	assert_true(json_is_array(json_object_get(doc, "traceEvents")));
	assert_string_equal(json_string_value(json_object_get(doc, "displayTimeUnit")), "ns");
	assert_int_equal(json_object_size(doc), 2);
	if (text)
		*text = m->buf;
	else
		free(m->buf);
	return doc;
}

/* ps as microseconds with six decimals, built digit by digit (not by division). */
static void us_text(uint64_t ps, char *out, size_t len)
{
	char digits[32];
	size_t n;

	snprintf(digits, sizeof(digits), "%llu", (unsigned long long)ps);
	n = strlen(digits);
	if (n < 7) {
		char padded[32];
		snprintf(padded, sizeof(padded), "%0*llu", 7, (unsigned long long)ps);
		memcpy(digits, padded, sizeof(digits));
		n = 7;
	}
	snprintf(out, len, "%.*s.%s", (int)(n - 6), digits, digits + n - 6);
}

static json_t *event(json_t *doc, size_t i)
{
	return json_array_get(json_object_get(doc, "traceEvents"), i);
}

static const char *str_of(json_t *ev, const char *key)
{
	return json_string_value(json_object_get(ev, key));
}

static void empty_document(void **state)
{
	mem_out_t m;
	(void)state;
	json_t *doc = mem_close(&m, mem_open(&m), NULL);
	assert_int_equal(json_array_size(json_object_get(doc, "traceEvents")), 0);
	json_decref(doc);
}

static void events_in_order(void **state)
{
	mem_out_t m;
	iommusim_trace_t *tr = mem_open(&m);
	(void)state;

	iommusim_trace_track(tr, 1, 2, "vtd0", "walker");
	iommusim_trace_span(tr, 1, 2, "walk", "pt_walk", 1500000, 250000,
			    "{\"iova\":4096,\"level\":4,\"s\":\"x\"}");
	iommusim_trace_instant(tr, 1, 3, "fault", "dmar_fault", 2000001, NULL);
	iommusim_trace_counter(tr, 1, "iq_depth", 3000000, 7.5);
	iommusim_trace_track(tr, 4, 0, NULL, "only thread");

	json_t *doc = mem_close(&m, tr, NULL);
	json_t *evs = json_object_get(doc, "traceEvents");
	assert_int_equal(json_array_size(evs), 6);

	json_t *e = event(doc, 0);
	assert_string_equal(str_of(e, "ph"), "M");
	assert_string_equal(str_of(e, "name"), "process_name");
	assert_int_equal(json_integer_value(json_object_get(e, "pid")), 1);
	assert_string_equal(json_string_value(json_object_get(json_object_get(e, "args"), "name")),
			    "vtd0");
	e = event(doc, 1);
	assert_string_equal(str_of(e, "ph"), "M");
	assert_string_equal(str_of(e, "name"), "thread_name");
	assert_int_equal(json_integer_value(json_object_get(e, "tid")), 2);
	assert_string_equal(json_string_value(json_object_get(json_object_get(e, "args"), "name")),
			    "walker");

	e = event(doc, 2);
	assert_string_equal(str_of(e, "ph"), "X");
	assert_string_equal(str_of(e, "cat"), "walk");
	assert_string_equal(str_of(e, "name"), "pt_walk");
	assert_true(json_number_value(json_object_get(e, "ts")) == 1.5);
	assert_true(json_number_value(json_object_get(e, "dur")) == 0.25);
	assert_int_equal(json_integer_value(json_object_get(e, "pid")), 1);
	assert_int_equal(json_integer_value(json_object_get(e, "tid")), 2);
	json_t *args = json_object_get(e, "args");
	assert_int_equal(json_object_size(args), 3);
	assert_int_equal(json_integer_value(json_object_get(args, "iova")), 4096);
	assert_int_equal(json_integer_value(json_object_get(args, "level")), 4);
	assert_string_equal(json_string_value(json_object_get(args, "s")), "x");

	e = event(doc, 3);
	assert_string_equal(str_of(e, "ph"), "i");
	assert_string_equal(str_of(e, "s"), "t");
	assert_string_equal(str_of(e, "name"), "dmar_fault");
	assert_true(json_number_value(json_object_get(e, "ts")) == 2.000001);
	assert_int_equal(json_integer_value(json_object_get(e, "tid")), 3);
	assert_null(json_object_get(e, "args"));

	e = event(doc, 4);
	assert_string_equal(str_of(e, "ph"), "C");
	assert_string_equal(str_of(e, "name"), "iq_depth");
	assert_true(json_number_value(json_object_get(e, "ts")) == 3.0);
	assert_true(json_number_value(json_object_get(json_object_get(e, "args"), "value")) == 7.5);
	assert_null(json_object_get(e, "tid"));

	e = event(doc, 5);
	assert_string_equal(str_of(e, "name"), "thread_name");
	assert_int_equal(json_integer_value(json_object_get(e, "pid")), 4);
	json_decref(doc);
}

static void times_are_exact_to_the_picosecond(void **state)
{
	static const uint64_t times[] = { 0, 1, 999999, 1000000, 1000001, 123456789012345ull,
					  (1ull << 53) + 1, UINT64_MAX - 1, UINT64_MAX };
	const size_t n = sizeof(times) / sizeof(times[0]);
	mem_out_t m;
	iommusim_trace_t *tr = mem_open(&m);
	char *text;
	(void)state;

	for (size_t i = 0; i < n; i++)
		iommusim_trace_span(tr, 0, 0, "c", "s", times[i], times[n - 1 - i], NULL);
	json_t *doc = mem_close(&m, tr, &text);
	for (size_t i = 0; i < n; i++) {
		char want_ts[48], want_dur[48], needle[128];
		json_t *e = event(doc, i);

		us_text(times[i], want_ts, sizeof(want_ts));
		us_text(times[n - 1 - i], want_dur, sizeof(want_dur));
		/* the text carries every picosecond ... */
		snprintf(needle, sizeof(needle), "\"ts\":%s,\"dur\":%s,", want_ts, want_dur);
		if (!strstr(text, needle))
			fail_msg("missing %s in %s", needle, text);
		/* ... and a reader gets the nearest double of it */
		assert_true(json_number_value(json_object_get(e, "ts")) == strtod(want_ts, NULL));
		if (times[i] < (1ull << 40))
			assert_int_equal(llround(json_number_value(json_object_get(e, "ts")) * 1e6),
					 times[i]);
	}
	assert_non_null(strstr(text, "\"ts\":0.000001,"));
	assert_non_null(strstr(text, "\"ts\":18446744073709.551615,"));
	json_decref(doc);
	free(text);
}

static void names_are_escaped(void **state)
{
	const char *weird = "q\"uote\\back\nnew\ttab\x01 \xc3\xa9";
	mem_out_t m;
	iommusim_trace_t *tr = mem_open(&m);
	(void)state;

	iommusim_trace_track(tr, 7, 8, weird, weird);
	iommusim_trace_span(tr, 7, 8, weird, weird, 0, 1, NULL);
	iommusim_trace_instant(tr, 7, 8, NULL, NULL, 0, NULL);
	iommusim_trace_counter(tr, 7, weird, 0, 1);
	iommusim_trace_span(tr, 7, 8, "c", "bad\xff utf8", 0, 1, NULL);

	json_t *doc = mem_close(&m, tr, NULL);
	assert_string_equal(json_string_value(json_object_get(json_object_get(event(doc, 0),
									       "args"),
							      "name")),
			    weird);
	assert_string_equal(json_string_value(json_object_get(json_object_get(event(doc, 1),
									       "args"),
							      "name")),
			    weird);
	assert_string_equal(str_of(event(doc, 2), "cat"), weird);
	assert_string_equal(str_of(event(doc, 2), "name"), weird);
	assert_null(json_object_get(event(doc, 3), "cat"));
	assert_string_equal(str_of(event(doc, 3), "name"), "");
	assert_string_equal(str_of(event(doc, 4), "name"), weird);
	/* not UTF-8: replaced, document still valid */
	assert_string_equal(str_of(event(doc, 5), "name"), "<not UTF-8>");
	json_decref(doc);
}

static void args_are_embedded_or_quarantined(void **state)
{
	static const char *const bad[] = { "{bad", "[1,2]", "42", "", "{\"a\":1}{",
					   "{\"a\":1,\"a\":2}", "{\"x\":\"\n\"}" };
	const size_t nbad = sizeof(bad) / sizeof(bad[0]);
	mem_out_t m;
	iommusim_trace_t *tr = mem_open(&m);
	(void)state;

	iommusim_trace_span(tr, 0, 0, "c", "ok", 0, 1,
			    "{\"nested\":{\"k\":[1,2,3]},\"str\":\"a\\\"b\",\"neg\":-1,\"f\":0.5}");
	iommusim_trace_instant(tr, 0, 0, "c", "empty", 0, "{}");
	for (size_t i = 0; i < nbad; i++)
		iommusim_trace_instant(tr, 0, 0, "c", "bad", (uint64_t)i, bad[i]);
	iommusim_trace_instant(tr, 0, 0, "c", "bin", 0, "{\"a\":\"\xff\"}");

	json_t *doc = mem_close(&m, tr, NULL);
	json_t *args = json_object_get(event(doc, 0), "args");
	json_t *k = json_object_get(json_object_get(args, "nested"), "k");
	assert_int_equal(json_array_size(k), 3);
	assert_int_equal(json_integer_value(json_array_get(k, 2)), 3);
	assert_string_equal(json_string_value(json_object_get(args, "str")), "a\"b");
	assert_int_equal(json_integer_value(json_object_get(args, "neg")), -1);
	assert_true(json_real_value(json_object_get(args, "f")) == 0.5);
	assert_int_equal(json_object_size(json_object_get(event(doc, 1), "args")), 0);
	for (size_t i = 0; i < nbad; i++) {
		json_t *a = json_object_get(event(doc, 2 + i), "args");
		assert_int_equal(json_object_size(a), 1);
		assert_string_equal(json_string_value(json_object_get(a, "invalid_args")), bad[i]);
	}
	json_t *a = json_object_get(event(doc, 2 + nbad), "args");
	assert_string_equal(json_string_value(json_object_get(a, "invalid_args")), "<not UTF-8>");
	json_decref(doc);
}

static void counter_values(void **state)
{
	mem_out_t m;
	iommusim_trace_t *tr = mem_open(&m);
	(void)state;

	iommusim_trace_counter(tr, 3, "q", 10, 0.1);
	iommusim_trace_counter(tr, 3, "q", 20, -12345678.25);
	iommusim_trace_counter(tr, 3, "q", 30, NAN);
	iommusim_trace_counter(tr, 3, "q", 40, -INFINITY);
	json_t *doc = mem_close(&m, tr, NULL);
	assert_true(json_real_value(json_object_get(json_object_get(event(doc, 0), "args"),
						    "value")) == 0.1);
	assert_true(json_real_value(json_object_get(json_object_get(event(doc, 1), "args"),
						    "value")) == -12345678.25);
	assert_string_equal(json_string_value(json_object_get(json_object_get(event(doc, 2),
									       "args"),
							      "invalid_value")),
			    "nan");
	assert_string_equal(json_string_value(json_object_get(json_object_get(event(doc, 3),
									       "args"),
							      "invalid_value")),
			    "-inf");
	json_decref(doc);
}

static void null_sink_is_a_no_op(void **state)
{
	(void)state;
	iommusim_trace_track(NULL, 1, 1, "a", "b");
	iommusim_trace_span(NULL, 1, 1, "c", "n", 0, 1, "{bad");
	iommusim_trace_instant(NULL, 1, 1, "c", "n", 0, NULL);
	iommusim_trace_counter(NULL, 1, "n", 0, 1.0);
	assert_int_equal(iommusim_trace_close(NULL), 0);
	assert_null(iommusim_trace_open_stream(NULL));
}

/* Events reach the stream as they come, not at close. */
static void events_are_streamed(void **state)
{
	mem_out_t m;
	iommusim_trace_t *tr = mem_open(&m);
	(void)state;

	for (int i = 0; i < 1000; i++)
		iommusim_trace_span(tr, 0, 0, "c", "s", (uint64_t)i * 1000, 500, NULL);
	fflush(m.f);
	assert_true(m.len > 1000 * 40);
	assert_non_null(strstr(m.buf, "\"ts\":0.999000,"));
	json_t *doc = mem_close(&m, tr, NULL);
	assert_int_equal(json_array_size(json_object_get(doc, "traceEvents")), 1000);
	json_decref(doc);
}

static void file_output_and_errors(void **state)
{
	char path[] = "/tmp/iommusim-trace-XXXXXX";
	iommusim_error_t err = { 0 };
	json_error_t jerr;
	int fd = mkstemp(path);
	(void)state;

	assert_true(fd >= 0);
	close(fd);
	iommusim_trace_t *tr = iommusim_trace_open(path, &err);
	assert_non_null(tr);
	iommusim_trace_track(tr, 1, 1, "p", "t");
	iommusim_trace_span(tr, 1, 1, "c", "s", 5, 6, NULL);
	assert_int_equal(iommusim_trace_close(tr), 0);
	json_t *doc = json_load_file(path, 0, &jerr);
	assert_non_null(doc);
	assert_int_equal(json_array_size(json_object_get(doc, "traceEvents")), 3);
	json_decref(doc);
	unlink(path);

	assert_null(iommusim_trace_open("/nonexistent-dir/x.json", &err));
	assert_int_equal(err.code, -ENOENT);
	assert_non_null(strstr(err.msg, "/nonexistent-dir/x.json"));
	assert_null(iommusim_trace_open("", &err));
	assert_int_equal(err.code, -EINVAL);
	assert_null(iommusim_trace_open(NULL, &err));

	/* a full disk: every write is buffered, the failure shows at close */
	tr = iommusim_trace_open("/dev/full", &err);
	assert_non_null(tr);
	iommusim_trace_span(tr, 1, 1, "c", "s", 5, 6, NULL);
	assert_int_equal(iommusim_trace_close(tr), -EIO);

	FILE *f = fopen("/dev/full", "w");
	assert_non_null(f);
	tr = iommusim_trace_open_stream(f);
	for (int i = 0; i < 10000; i++)     /* enough to overflow the stdio buffer */
		iommusim_trace_instant(tr, 1, 1, "c", "i", (uint64_t)i, "{\"k\":1}");
	assert_int_equal(iommusim_trace_close(tr), -EIO);
	fclose(f);   /* the caller's stream stays open until here */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_document),
		cmocka_unit_test(events_in_order),
		cmocka_unit_test(times_are_exact_to_the_picosecond),
		cmocka_unit_test(names_are_escaped),
		cmocka_unit_test(args_are_embedded_or_quarantined),
		cmocka_unit_test(counter_values),
		cmocka_unit_test(null_sink_is_a_no_op),
		cmocka_unit_test(events_are_streamed),
		cmocka_unit_test(file_output_and_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
