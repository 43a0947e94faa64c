/* SPDX-License-Identifier: MIT */
/*
 * JUnit XML reports: the escaping XML 1.0 needs (markup characters, line breaks inside
 * attributes, control characters, malformed UTF-8, code points XML excludes), and a whole
 * report compared with one written out by hand.
 */
#include "tests/support/test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/replay/replay_junit.h"

/* The escaped form of n bytes of s. */
static char *esc(const char *s, size_t n, bool attr)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(replay_xml_write(f, s, n, attr), 0);
	fclose(f);
	return buf;
}

static void check(const char *s, size_t n, bool attr, const char *want)
{
	char *got = esc(s, n, attr);
	if (strcmp(got, want) != 0) {
		char copy[256];
		snprintf(copy, sizeof(copy), "%s", got);
		free(got);
		fail_msg("escaped: want '%s', got '%s'", want, copy);
	}
	free(got);
}

#define CHECK(lit, attr, want) check(lit, sizeof(lit) - 1, attr, want)

static void t_escape(void **state)
{
	(void)state;
	CHECK("plain text 0123", false, "plain text 0123");
	CHECK("a<b>&\"c'", false, "a&lt;b&gt;&amp;&quot;c&apos;");
	CHECK("a<b>&\"c'", true, "a&lt;b&gt;&amp;&quot;c&apos;");
	/* line breaks and tabs survive in text; in attributes they must be references or a
	 * parser normalises them to spaces (XML 1.0 3.3.3) */
	CHECK("l1\nl2\tx", false, "l1\nl2\tx");
	CHECK("l1\nl2\tx", true, "l1&#10;l2&#9;x");
	CHECK("a\rb", false, "a&#13;b");
	/* characters XML 1.0 cannot hold at all */
	CHECK("a\x01z\x1b[0m", false, "a\\x01z\\x1b[0m");
	CHECK("nul\0end", false, "nul\\x00end");
	CHECK("del\x7f", false, "del&#127;");
	/* well-formed UTF-8 is kept: 2, 3 and 4 bytes */
	CHECK("\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", false,
	      "\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	/* malformed: a lone continuation byte, a truncated sequence, an overlong '/', a
	 * surrogate, beyond U+10FFFF, and the non-character U+FFFE */
	CHECK("x\x80y", false, "x\xef\xbf\xbdy");
	CHECK("x\xe2\x82", false, "x\xef\xbf\xbd\xef\xbf\xbd");
	CHECK("\xc0\xaf", false, "\xef\xbf\xbd\xef\xbf\xbd");
	CHECK("\xe0\x80\xaf", false, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	CHECK("\xed\xa0\x80", false, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	CHECK("\xf4\x90\x80\x80", false, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	CHECK("\xef\xbf\xbe", false, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	CHECK("", false, "");
}

static void t_report(void **state)
{
	(void)state;
	const replay_case_t cases[] = {
		{ .file = "s/a/ok.stream", .status = "pass", .checks = 3, .sim_ns = 1500,
		  .host_s = 0.25 },
		{ .file = "s/a/bad.stream", .status = "fail", .checks = 5, .mismatches = 2,
		  .sim_ns = 2000, .host_s = 0.5,
		  .message = "s/a/bad.stream:7:3: dma: status: expected ok, got fault",
		  .details = "s/a/bad.stream:7:3: dma: status: expected ok, got fault\n"
			     "s/a/bad.stream:9: expect mem: data: expected 01, got <00>\n" },
		{ .file = "s/b/stop.stream", .status = "error", .checks = 0, .sim_ns = 0,
		  .host_s = 0.125, .message = "s/b/stop.stream:2:1: unknown verb 'x'" },
		{ .file = "top.stream", .status = "pass", .checks = 1, .host_s = 0.0 },
		{ .file = "/abs/x.stream", .status = "pass", .checks = 1, .host_s = 0.0 },
	};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(replay_junit_write(f, "iommusim run", cases, 5), 0);
	fclose(f);
	const char *want =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuites name=\"iommusim run\" tests=\"5\" failures=\"1\" errors=\"1\" "
		"time=\"0.875000\">\n"
		"  <testsuite name=\"s/a\" tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"0\" "
		"time=\"0.750000\">\n"
		"    <testcase classname=\"s.a\" name=\"ok\" file=\"s/a/ok.stream\" "
		"time=\"0.250000\">\n"
		"      <system-out>simulated 1500.000 ns, 3 checks, 0 mismatches</system-out>\n"
		"    </testcase>\n"
		"    <testcase classname=\"s.a\" name=\"bad\" file=\"s/a/bad.stream\" "
		"time=\"0.500000\">\n"
		"      <failure message=\"s/a/bad.stream:7:3: dma: status: expected ok, got fault\" "
		"type=\"mismatch\">s/a/bad.stream:7:3: dma: status: expected ok, got fault\n"
		"s/a/bad.stream:9: expect mem: data: expected 01, got &lt;00&gt;\n</failure>\n"
		"      <system-out>simulated 2000.000 ns, 5 checks, 2 mismatches</system-out>\n"
		"    </testcase>\n"
		"  </testsuite>\n"
		"  <testsuite name=\"s/b\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\" "
		"time=\"0.125000\">\n"
		"    <testcase classname=\"s.b\" name=\"stop\" file=\"s/b/stop.stream\" "
		"time=\"0.125000\">\n"
		"      <error message=\"s/b/stop.stream:2:1: unknown verb &apos;x&apos;\" "
		"type=\"stopped\">s/b/stop.stream:2:1: unknown verb &apos;x&apos;</error>\n"
		"      <system-out>simulated 0.000 ns, 0 checks, 0 mismatches</system-out>\n"
		"    </testcase>\n"
		"  </testsuite>\n"
		"  <testsuite name=\".\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\" "
		"time=\"0.000000\">\n"
		"    <testcase classname=\".\" name=\"top\" file=\"top.stream\" time=\"0.000000\">\n"
		"      <system-out>simulated 0.000 ns, 1 checks, 0 mismatches</system-out>\n"
		"    </testcase>\n"
		"  </testsuite>\n"
		/* an absolute path: the suite keeps it, the class name drops the leading '/' */
		"  <testsuite name=\"/abs\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\" "
		"time=\"0.000000\">\n"
		"    <testcase classname=\"abs\" name=\"x\" file=\"/abs/x.stream\" "
		"time=\"0.000000\">\n"
		"      <system-out>simulated 0.000 ns, 1 checks, 0 mismatches</system-out>\n"
		"    </testcase>\n"
		"  </testsuite>\n"
		"</testsuites>\n";
	assert_string_equal(buf, want);
	free(buf);

	/* no case at all: an empty, valid report */
	buf = NULL;
	f = open_memstream(&buf, &len);
	assert_int_equal(replay_junit_write(f, "x&y", NULL, 0), 0);
	fclose(f);
	assert_string_equal(buf, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			    "<testsuites name=\"x&amp;y\" tests=\"0\" failures=\"0\" errors=\"0\" "
			    "time=\"0.000000\">\n</testsuites>\n");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_escape),
		cmocka_unit_test(t_report),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
