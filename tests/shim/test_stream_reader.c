/* SPDX-License-Identifier: MIT */
/*
 * The stream reader: lexical rules, the structured line, the version line, line endings and
 * limits, every malformed-input error (exact file:line:column and message), typed access and
 * the binding table. Expected values are written out by hand from the format's rules.
 */
#include "tests/support/test.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/stream/stream.h"

#define V1 "iommusim-stream 1\n"

static int parse_doc(const char *text, size_t len, stream_doc_t *doc, iommusim_error_t *e)
{
	iommusim_error_clear(e);
	return stream_doc_parse(doc, text, len, "t.stream", e);
}

static void parse_one(const char *text, stream_line_t *l)
{
	iommusim_error_t e;
	stream_line_init(l);
	int rc = stream_parse_line(text, strlen(text), "t.stream", 7, l, &e);
	if (rc)
		fail_msg("parse of '%s' failed: %s", text, e.msg);
}

static void values_of_every_kind(void **state)
{
	(void)state;
	stream_line_t l;
	parse_one("cmd 42 0x2A 4K 2M 1G 1T -7 -0 word 0000:03:00.0 /dev/vfio/vfio0 A|B|0x8 "
		  "\"s p\" $ref k=v", &l);
	assert_int_equal(l.kind, STREAM_LINE_COMMAND);
	assert_string_equal(l.verb, "cmd");
	assert_int_equal(l.lineno, 7);
	assert_string_equal(l.file, "t.stream");
	assert_int_equal(l.npos, 14);
	const struct { stream_kind_t kind; uint64_t num; bool neg; int fmt; const char *text; }
	want[] = {
		{ STREAM_NUMBER, 42, false, STREAM_NUM_DEC, NULL },
		{ STREAM_NUMBER, 42, false, STREAM_NUM_HEX, NULL },
		{ STREAM_NUMBER, 4096, false, STREAM_NUM_K, NULL },
		{ STREAM_NUMBER, 2u << 20, false, STREAM_NUM_M, NULL },
		{ STREAM_NUMBER, 1u << 30, false, STREAM_NUM_G, NULL },
		{ STREAM_NUMBER, 1ull << 40, false, STREAM_NUM_T, NULL },
		{ STREAM_NUMBER, 7, true, STREAM_NUM_DEC, NULL },
		{ STREAM_NUMBER, 0, false, STREAM_NUM_DEC, NULL },
		{ STREAM_WORD, 0, false, 0, "word" },
		{ STREAM_WORD, 0, false, 0, "0000:03:00.0" },
		{ STREAM_WORD, 0, false, 0, "/dev/vfio/vfio0" },
		{ STREAM_WORD, 0, false, 0, "A|B|0x8" },
		{ STREAM_STRING, 0, false, 0, "s p" },
		{ STREAM_REF, 0, false, 0, "ref" },
	};
	for (size_t i = 0; i < l.npos; i++) {
		assert_int_equal(l.pos[i].kind, want[i].kind);
		if (want[i].kind == STREAM_NUMBER) {
			assert_int_equal(l.pos[i].num, want[i].num);
			assert_int_equal(l.pos[i].neg, want[i].neg);
			assert_int_equal(l.pos[i].numfmt, want[i].fmt);
		} else {
			assert_string_equal(l.pos[i].text, want[i].text);
		}
	}
	/* columns: "cmd " is 4 bytes, so 42 starts at column 5 */
	assert_int_equal(l.pos[0].col, 5);
	assert_int_equal(l.pos[1].col, 8);
	assert_int_equal(l.nargs, 1);
	assert_string_equal(l.args[0].key, "k");
	assert_string_equal(l.args[0].v.text, "v");
	assert_false(l.has_result);
	assert_null(l.comment);
	stream_line_free(&l);
}

static void results_comments_and_strings(void **state)
{
	(void)state;
	stream_line_t l;
	parse_one("  ioctl\t3 IOMMU_IOAS_ALLOC   -> out_ioas_id=$ioas\t# got \"it\" # twice", &l);
	assert_string_equal(l.verb, "ioctl");
	assert_int_equal(l.npos, 2);
	assert_true(l.has_result);
	assert_int_equal(l.nres, 1);
	assert_string_equal(l.res[0].key, "out_ioas_id");
	assert_int_equal(l.res[0].v.kind, STREAM_REF);
	assert_string_equal(l.res[0].v.text, "ioas");
	assert_string_equal(l.comment, " got \"it\" # twice");
	stream_line_free(&l);

	parse_one("s a=\"x # not a comment\" b=\"\\\\ \\\" \\n \\t \\r \\x41\\x7f\" c=\"\"", &l);
	assert_string_equal(l.args[0].v.text, "x # not a comment");
	assert_string_equal(l.args[1].v.text, "\\ \" \n \t \r A\x7f");
	assert_string_equal(l.args[2].v.text, "");
	assert_null(l.comment);
	stream_line_free(&l);

	/* keys with dots and indexes, a key equal to a positional-looking word */
	parse_one("ioctl 3 X data.0.addr=0x1000 vtd.iotlb.sets=64 _tail=1", &l);
	assert_string_equal(l.args[0].key, "data.0.addr");
	assert_string_equal(l.args[1].key, "vtd.iotlb.sets");
	assert_string_equal(l.args[2].key, "_tail");
	stream_line_free(&l);

	/* blank and comment lines */
	parse_one(" \t ", &l);
	assert_int_equal(l.kind, STREAM_LINE_BLANK);
	stream_line_free(&l);
	parse_one("   #  indented comment", &l);
	assert_int_equal(l.kind, STREAM_LINE_COMMENT);
	assert_string_equal(l.comment, "  indented comment");
	stream_line_free(&l);
	parse_one("iommusim-stream 1", &l);
	assert_int_equal(l.kind, STREAM_LINE_VERSION);
	stream_line_free(&l);
}

static void number_limits(void **state)
{
	(void)state;
	stream_line_t l;
	parse_one("n 18446744073709551615 0xffffffffffffffff -9223372036854775808 16777215T "
		  "0x0000000000000000001 007", &l);
	assert_int_equal(l.pos[0].num, UINT64_MAX);
	assert_int_equal(l.pos[1].num, UINT64_MAX);
	assert_true(l.pos[2].neg);
	assert_int_equal(l.pos[2].num, 1ull << 63);
	assert_int_equal(l.pos[3].num, 16777215ull << 40);
	assert_int_equal(l.pos[4].num, 1);
	assert_int_equal(l.pos[5].num, 7);
	int64_t s;
	iommusim_error_t e;
	assert_int_equal(stream_value_s64(&l, "x", &l.pos[2], NULL, &s, &e), 0);
	assert_true(s == INT64_MIN);
	assert_int_equal(stream_value_s64(&l, "x", &l.pos[0], NULL, &s, &e), -ERANGE);
	stream_line_free(&l);
}

/* A stream text, and the error it must give: "file:line[:col]: " and a message fragment. */
static const struct {
	const char *text;
	int code;
	const char *where;
	const char *what;
} bad[] = {
	{ V1 "x a=\"abc\n", -EINVAL, "t.stream:2:5: ", "unterminated string" },
	{ V1 "x a=\"abc\\", -EINVAL, "t.stream:2:5: ", "unterminated string" },
	{ V1 "x n=12ab\n", -EINVAL, "t.stream:2:5: ", "bad number '12ab'" },
	{ V1 "x n=0x\n", -EINVAL, "t.stream:2:5: ", "bad number '0x'" },
	{ V1 "x n=0xfg\n", -EINVAL, "t.stream:2:5: ", "bad number '0xfg'" },
	{ V1 "x n=4k\n", -EINVAL, "t.stream:2:5: ", "K/M/G/T" },
	{ V1 "x 1e5\n", -EINVAL, "t.stream:2:3: ", "bad number '1e5'" },
	{ V1 "x n=18446744073709551616\n", -ERANGE, "t.stream:2:5: ", "out of range" },
	{ V1 "x n=0x10000000000000000\n", -ERANGE, "t.stream:2:5: ", "out of range" },
	{ V1 "x n=-9223372036854775809\n", -ERANGE, "t.stream:2:5: ", "out of range" },
	{ V1 "x n=16777216T\n", -ERANGE, "t.stream:2:5: ", "out of range" },
	{ V1 "x a=1 b=2 a=3\n", -EINVAL, "t.stream:2:11: ",
	  "duplicate key 'a' (first given at column 3)" },
	{ V1 "x -> r=1 r=2\n", -EINVAL, "t.stream:2:10: ", "duplicate key 'r'" },
	{ V1 "x $1a\n", -EINVAL, "t.stream:2:3: ", "bad variable name '$1a'" },
	{ V1 "x a=$\n", -EINVAL, "t.stream:2:5: ", "bad variable name '$'" },
	{ V1 "x a=$a.b\n", -EINVAL, "t.stream:2:5: ", "bad variable name '$a.b'" },
	{ V1 "x -> a=$b-c\n", -EINVAL, "t.stream:2:8: ", "bad variable name '$b-c'" },
	{ V1 "x a=1 -> b\n", -EINVAL, "t.stream:2:10: ",
	  "after '->' only key=value results may follow, got 'b'" },
	{ V1 "x -> \"s\"\n", -EINVAL, "t.stream:2:6: ", "got a quoted string" },
	{ V1 "x -> $v\n", -EINVAL, "t.stream:2:6: ", "got a variable" },
	{ V1 "x -> a=1 -> b=2\n", -EINVAL, "t.stream:2:10: ",
	  "second '->' (the first is at column 3)" },
	{ V1 "x ->\n", -EINVAL, "t.stream:2:3: ", "'->' must be followed by at least one" },
	{ V1 "x a=1 ->   # nothing\n", -EINVAL, "t.stream:2:7: ", "'->' must be followed" },
	{ V1 "x a\0b\n", -EINVAL, "t.stream:2:4: ", "NUL byte" },
	{ V1 "x \x01\n", -EINVAL, "t.stream:2:3: ", "control character 0x01" },
	{ V1 "x a\rb=1\n", -EINVAL, "t.stream:2:4: ", "control character 0x0d" },
	{ V1 "x a\x7f\n", -EINVAL, "t.stream:2:4: ", "control character 0x7f" },
	{ V1 "x a(b\n", -EINVAL, "t.stream:2:4: ", "reserved character '('" },
	{ V1 "x a->b\n", -EINVAL, "t.stream:2:5: ", "reserved character '>'" },
	{ V1 "x caf\xc3\xa9\n", -EINVAL, "t.stream:2:6: ", "byte 0xc3 outside a quoted string" },
	{ V1 "x a=b=c\n", -EINVAL, "t.stream:2:6: ", "'=' inside the value of 'a'" },
	{ V1 "x 1a=2\n", -EINVAL, "t.stream:2:3: ", "bad key '1a'" },
	{ V1 "x a-b=2\n", -EINVAL, "t.stream:2:3: ", "bad key 'a-b'" },
	{ V1 "x a.=2\n", -EINVAL, "t.stream:2:3: ", "bad key 'a.'" },
	{ V1 "x a..b=2\n", -EINVAL, "t.stream:2:3: ", "bad key 'a..b'" },
	{ V1 "x a= b\n", -EINVAL, "t.stream:2:4: ", "missing value after 'a='" },
	{ V1 "x a=\n", -EINVAL, "t.stream:2:4: ", "missing value after 'a='" },
	{ V1 "x a=1 b\n", -EINVAL, "t.stream:2:7: ",
	  "positional value 'b' after key=value arguments" },
	{ V1 "x a=1 \"b\"\n", -EINVAL, "t.stream:2:7: ", "positional value after key=value" },
	{ V1 "x \"a\"b\n", -EINVAL, "t.stream:2:6: ", "text right after a closing quote" },
	{ V1 "x a\"b\"\n", -EINVAL, "t.stream:2:4: ", "'\"' inside a word" },
	{ V1 "x \"\\q\"\n", -EINVAL, "t.stream:2:4: ", "unknown escape '\\q'" },
	{ V1 "x \"\\x4\"\n", -EINVAL, "t.stream:2:4: ", "'\\x' needs two hex digits" },
	{ V1 "x \"\\x00\"\n", -EINVAL, "t.stream:2:4: ", "NUL) is not allowed" },
	{ V1 "1x a=1\n", -EINVAL, "t.stream:2:1: ", "expected a command name, got '1x'" },
	{ V1 "a=1\n", -EINVAL, "t.stream:2:1: ", "expected a command name, got 'a=1'" },
	{ V1 "\"x\"\n", -EINVAL, "t.stream:2:1: ", "expected a command name" },
	{ V1 "-> a=1\n", -EINVAL, "t.stream:2:1: ", "expected a command name" },
	{ V1 "x A||B\n", -EINVAL, "t.stream:2:3: ", "bad flag expression 'A||B'" },
	{ V1 "x a=A|\n", -EINVAL, "t.stream:2:5: ", "bad flag expression 'A|'" },
	{ V1 "x a=|A\n", -EINVAL, "t.stream:2:5: ", "bad flag expression '|A'" },
	{ V1 "x a=A|b-c\n", -EINVAL, "t.stream:2:5: ", "bad flag expression" },
	{ V1 "x a=$v\n", -EINVAL, "t.stream:2:5: ", "$v is used before any line binds it" },
	{ V1 "x $v\n", -EINVAL, "t.stream:2:3: ", "$v is used before any line binds it" },
	{ V1 "# c\n\nx a=1 -> r=$w\ny b=$w c=$q\n", -EINVAL, "t.stream:5:10: ",
	  "$q is used before" },
	/* the version line */
	{ "x a=1\n", -EINVAL, "t.stream:1:1: ",
	  "missing version line: a stream begins with 'iommusim-stream 1' (supported versions: "
	  "1)" },
	{ "", -EINVAL, "t.stream:1: ", "missing version line" },
	{ "# only a comment\n\n", -EINVAL, "t.stream:2: ", "missing version line" },
	{ "iommusim-stream 2\n", -EPROTONOSUPPORT, "t.stream:1:17: ",
	  "unsupported stream version 2 (this build reads version 1)" },
	{ "iommusim-stream 0x10 # hex\n", -EPROTONOSUPPORT, "t.stream:1:17: ",
	  "unsupported stream version 16" },
	{ "iommusim-stream\n", -EINVAL, "t.stream:1:1: ", "bad version line" },
	{ "iommusim-stream one\n", -EINVAL, "t.stream:1:1: ", "bad version line" },
	{ "iommusim-stream 1 x=1\n", -EINVAL, "t.stream:1:1: ", "bad version line" },
	{ "iommusim-stream 1 -> r=1\n", -EINVAL, "t.stream:1:1: ", "bad version line" },
	{ V1 "x\n" V1, -EINVAL, "t.stream:3:1: ", "version line repeated (the first is line 1)" },
	{ "x\n" V1, -EINVAL, "t.stream:1:1: ", "missing version line" },
};

static void malformed_input_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		stream_doc_t doc;
		iommusim_error_t e;
		/* Sizes come from the literal so that embedded NULs count. */
		size_t len = strlen(bad[i].text);
		if (strstr(bad[i].what, "NUL byte"))
			len = strlen(V1) + 7;   /* "x a\0b\n" */
		int rc = parse_doc(bad[i].text, len, &doc, &e);
		if (rc != bad[i].code || strncmp(e.msg, bad[i].where, strlen(bad[i].where)) != 0 ||
		    !strstr(e.msg, bad[i].what))
			fail_msg("case %zu: rc %d (want %d), message '%s' (want '%s...%s')", i, rc,
				 bad[i].code, e.msg, bad[i].where, bad[i].what);
		assert_int_equal(e.code, rc);
		assert_int_equal(doc.nlines, 0);   /* nothing is left behind */
		assert_null(doc.lines);
	}
}

static void line_endings_and_layout(void **state)
{
	(void)state;
	const char *lf = V1 "x a=1\n\n# c\ny \"q\" -> r=2\n";
	const char *crlf = "iommusim-stream 1\r\nx a=1\r\n\r\n# c\r\ny \"q\" -> r=2\r\n";
	const char *noeol = V1 "x a=1\n\n# c\ny \"q\" -> r=2";
	stream_doc_t a, b, c;
	iommusim_error_t e;

	assert_int_equal(parse_doc(lf, strlen(lf), &a, &e), 0);
	assert_int_equal(parse_doc(crlf, strlen(crlf), &b, &e), 0);
	assert_int_equal(parse_doc(noeol, strlen(noeol), &c, &e), 0);
	assert_int_equal(a.nlines, 5);
	assert_int_equal(a.version, 1);
	assert_int_equal(a.lines[0].kind, STREAM_LINE_VERSION);
	assert_int_equal(a.lines[1].kind, STREAM_LINE_COMMAND);
	assert_int_equal(a.lines[2].kind, STREAM_LINE_BLANK);
	assert_int_equal(a.lines[3].kind, STREAM_LINE_COMMENT);
	assert_int_equal(a.lines[4].lineno, 5);
	assert_true(stream_doc_equal(&a, &b));
	assert_true(stream_doc_equal(&a, &c));
	/* the '\r' did not end up in a value */
	assert_int_equal(b.lines[4].res[0].v.num, 2);
	stream_doc_free(&a);
	stream_doc_free(&b);
	stream_doc_free(&c);
}

static void line_length_limit(void **state)
{
	(void)state;
	size_t head = strlen(V1);
	char *text = malloc(head + STREAM_LINE_MAX + 8);
	stream_doc_t doc;
	iommusim_error_t e;

	assert_non_null(text);
	memcpy(text, V1, head);
	/* "x aaaa...": exactly the limit */
	text[head] = 'x';
	text[head + 1] = ' ';
	memset(text + head + 2, 'a', STREAM_LINE_MAX - 2);
	text[head + STREAM_LINE_MAX] = '\n';
	assert_int_equal(parse_doc(text, head + STREAM_LINE_MAX + 1, &doc, &e), 0);
	assert_int_equal(strlen(doc.lines[1].pos[0].text), STREAM_LINE_MAX - 2);
	stream_doc_free(&doc);
	/* the limit plus a CR (CRLF) */
	text[head + STREAM_LINE_MAX] = '\r';
	text[head + STREAM_LINE_MAX + 1] = '\n';
	assert_int_equal(parse_doc(text, head + STREAM_LINE_MAX + 2, &doc, &e), 0);
	stream_doc_free(&doc);
	/* one byte more */
	text[head + STREAM_LINE_MAX] = 'a';
	text[head + STREAM_LINE_MAX + 1] = '\n';
	assert_int_equal(parse_doc(text, head + STREAM_LINE_MAX + 2, &doc, &e), -E2BIG);
	assert_string_equal(e.msg, "t.stream:2: line longer than the limit of 65536 bytes");
	/* a line far longer, with no newline at all: still bounded */
	memset(text + head, 'b', STREAM_LINE_MAX + 8);
	assert_int_equal(parse_doc(text, head + STREAM_LINE_MAX + 8, &doc, &e), -E2BIG);
	/* and the one-line parser checks too */
	stream_line_t l;
	stream_line_init(&l);
	assert_int_equal(stream_parse_line(text + head, STREAM_LINE_MAX + 1, "f", 3, &l, &e),
			 -E2BIG);
	assert_non_null(strstr(e.msg, "f:3: line is 65537 bytes"));
	free(text);
}

static void reader_from_file_and_sticky_errors(void **state)
{
	(void)state;
	FILE *f = tmpfile();
	stream_reader_t *r;
	stream_line_t l;
	iommusim_error_t e;

	assert_non_null(f);
	fputs("# head\n" V1 "a 1\n\nb -> x=$v\nc $v\nd a=\"unterminated\ne 2\n", f);
	rewind(f);
	r = stream_reader_from_file(f, "file.stream", 0);
	assert_non_null(r);
	stream_line_init(&l);
	assert_int_equal(stream_reader_version(r), 0);
	assert_int_equal(stream_reader_next(r, &l, &e), 1);
	assert_string_equal(l.verb, "a");
	assert_int_equal(l.lineno, 3);
	assert_int_equal(stream_reader_version(r), 1);
	assert_int_equal(stream_reader_next(r, &l, &e), 1);
	assert_string_equal(l.verb, "b");
	assert_int_equal(stream_reader_next(r, &l, &e), 1);
	assert_string_equal(l.verb, "c");
	assert_int_equal(stream_reader_lineno(r), 6);
	assert_int_equal(stream_reader_next(r, &l, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "file.stream:7:5: unterminated string"));
	assert_null(l.verb);   /* the line is left empty */
	/* sticky: the same error again, the next line is never read */
	iommusim_error_clear(&e);
	assert_int_equal(stream_reader_next(r, &l, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "file.stream:7:5: unterminated string"));
	stream_reader_close(r);
	fclose(f);
	stream_line_free(&l);

	/* KEEP_ALL returns every line */
	const char *text = "# c\n" V1 "\na\n";
	r = stream_reader_from_memory(text, strlen(text), NULL, STREAM_READ_KEEP_ALL);
	int kinds[4], n = 0;
	stream_line_init(&l);
	while (stream_reader_next(r, &l, &e) == 1 && n < 4)
		kinds[n++] = l.kind;
	assert_int_equal(n, 4);
	assert_int_equal(kinds[0], STREAM_LINE_COMMENT);
	assert_int_equal(kinds[1], STREAM_LINE_VERSION);
	assert_int_equal(kinds[2], STREAM_LINE_BLANK);
	assert_int_equal(kinds[3], STREAM_LINE_COMMAND);
	stream_line_free(&l);
	stream_reader_close(r);

	/* opening a missing file */
	assert_int_equal(stream_reader_open(&r, "/nonexistent/x.stream", 0, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "/nonexistent/x.stream: cannot open"));
	assert_null(r);
}

static void typed_access(void **state)
{
	(void)state;
	stream_line_t l;
	iommusim_error_t e;
	uint64_t v;
	int64_t s;
	const char *t;
	static const uapi_name_t flags[] = { { "A", 1 }, { "B", 2 }, { "C", 8 }, { NULL, 0 } };
	static const uapi_name_t ops[] = { { "GET", 1 }, { "SET", 0 }, { NULL, 0 } };

	stream_line_init(&l);
	const char *text = "dma 0000:03:00.0 $d len=abc n=0x10 neg=-3 f=A|C|0x100 g=C op=GET "
			   "bad=A|Q s=\"txt\" r=$x";
	assert_int_equal(stream_parse_line(text, strlen(text), "t.stream", 4, &l, &e), 0);

	assert_int_equal(stream_line_get_u64(&l, "n", NULL, &v, &e), 0);
	assert_int_equal(v, 16);
	assert_int_equal(stream_line_get_u64(&l, "missing", NULL, &v, &e), -ENOENT);
	assert_string_equal(e.msg, "t.stream:4: dma: missing key 'missing'");
	assert_int_equal(stream_line_get_u64_opt(&l, "missing", NULL, 77, &v, &e), 0);
	assert_int_equal(v, 77);
	assert_int_equal(stream_line_get_u64(&l, "len", NULL, &v, &e), -EINVAL);
	assert_string_equal(e.msg, "t.stream:4:25: key 'len': expected a number, got 'abc'");
	assert_int_equal(stream_line_get_u64(&l, "neg", NULL, &v, &e), -ERANGE);
	assert_non_null(strstr(e.msg, "key 'neg': must not be negative, got -3"));
	assert_int_equal(stream_line_get_s64(&l, "neg", NULL, &s, &e), 0);
	assert_int_equal(s, -3);
	assert_int_equal(stream_line_get_u64(&l, "s", NULL, &v, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "got a quoted string"));
	assert_int_equal(stream_line_get_text(&l, "s", &t, &e), 0);
	assert_string_equal(t, "txt");
	assert_int_equal(stream_line_get_text(&l, "n", &t, &e), -EINVAL);

	assert_int_equal(stream_line_get_flags(&l, "f", flags, NULL, &v, &e), 0);
	assert_int_equal(v, 1 | 8 | 0x100);
	assert_int_equal(stream_line_get_flags(&l, "g", flags, NULL, &v, &e), 0);
	assert_int_equal(v, 8);
	assert_int_equal(stream_line_get_flags(&l, "n", flags, NULL, &v, &e), 0);
	assert_int_equal(v, 16);
	assert_int_equal(stream_line_get_flags(&l, "bad", flags, NULL, &v, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "t.stream:4:"));
	assert_non_null(strstr(e.msg, "key 'bad': unknown flag 'Q' (valid: A, B, C)"));
	assert_int_equal(stream_line_get_flags(&l, "bad", NULL, NULL, &v, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "no named values"));

	const stream_value_t *opv = stream_line_arg(&l, "op");
	assert_int_equal(stream_value_enum(&l, "op", opv, ops, NULL, &v, &e), 0);
	assert_int_equal(v, 1);
	assert_int_equal(stream_value_enum(&l, "f", stream_line_arg(&l, "f"), ops, NULL, &v, &e),
			 -EINVAL);
	assert_non_null(strstr(e.msg, "not a flag expression"));
	assert_int_equal(stream_value_enum(&l, "g", stream_line_arg(&l, "g"), ops, NULL, &v, &e),
			 -EINVAL);
	assert_non_null(strstr(e.msg, "unknown value 'C' (valid: GET, SET)"));

	assert_int_equal(stream_line_pos_text(&l, 0, "device", &t, &e), 0);
	assert_string_equal(t, "0000:03:00.0");
	assert_int_equal(stream_line_pos_u64(&l, 0, "device", NULL, &v, &e), -EINVAL);
	assert_int_equal(stream_line_pos_u64(&l, 5, "fd", NULL, &v, &e), -ENOENT);
	assert_string_equal(e.msg, "t.stream:4: dma: missing argument 6 (fd)");
	/* a $name without bindings */
	assert_int_equal(stream_line_pos_u64(&l, 1, "dev", NULL, &v, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "$d cannot be used here"));

	static const char *const allowed[] = { "len", "n", "neg", "f", "g", "op", "bad", "s",
					       "r", NULL };
	assert_int_equal(stream_line_check_keys(&l, allowed, &e), 0);
	static const char *const fewer[] = { "len", "n", NULL };
	assert_int_equal(stream_line_check_keys(&l, fewer, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "dma: unknown key 'neg' (valid: len, n)"));
	stream_line_free(&l);
}

static void bindings(void **state)
{
	(void)state;
	stream_vars_t *vars = stream_vars_create();
	iommusim_error_t e;
	uint64_t v;
	stream_line_t l;

	assert_non_null(vars);
	stream_line_init(&l);
	const char *text = "ioctl 3 IOMMU_IOAS_ALLOC -> out_ioas_id=$ioas other=$o lit=4";
	assert_int_equal(stream_parse_line(text, strlen(text), "b.stream", 5, &l, &e), 0);
	assert_int_equal(stream_vars_expect_line(vars, &l), 0);
	assert_true(stream_vars_is_known(vars, "ioas"));
	assert_false(stream_vars_is_bound(vars, "ioas"));
	assert_false(stream_vars_is_known(vars, "lit"));
	/* the command failed: a later use names the line that should have bound it */
	assert_int_equal(stream_vars_get(vars, "ioas", "b.stream", 9, 12, &v, &e), -ENOENT);
	assert_string_equal(e.msg, "b.stream:9:12: $ioas has no value: line 5 was expected to "
				   "bind it ('out_ioas_id=$ioas') but did not (did that command "
				   "fail?)");
	assert_int_equal(stream_vars_get(vars, "never", "b.stream", 9, 0, &v, &e), -ENOENT);
	assert_string_equal(e.msg, "b.stream:9: $never is not bound: no earlier line binds it "
				   "(bind it with '-> key=$never')");
	/* bound: values come back; binding again is refused and names the line */
	assert_int_equal(stream_vars_bind(vars, "ioas", 7, 5, &e), 0);
	assert_int_equal(stream_vars_get(vars, "ioas", "b.stream", 9, 1, &v, &e), 0);
	assert_int_equal(v, 7);
	assert_int_equal(stream_vars_bind(vars, "ioas", 8, 10, &e), -EEXIST);
	assert_non_null(strstr(e.msg, "already bound (to 7, by line 5)"));
	/* expecting an already bound name changes nothing */
	assert_int_equal(stream_vars_expect(vars, "ioas", "x", 12), 0);
	assert_int_equal(stream_vars_get(vars, "ioas", "b.stream", 13, 1, &v, &e), 0);
	assert_int_equal(v, 7);
	/* many names: the table grows and keeps every value */
	char name[32];
	for (unsigned i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "n%u", i);
		assert_int_equal(stream_vars_bind(vars, name, i * 3ull, i + 1, &e), 0);
	}
	for (unsigned i = 0; i < 5000; i++) {
		snprintf(name, sizeof(name), "n%u", i);
		assert_int_equal(stream_vars_get(vars, name, "b", 1, 1, &v, &e), 0);
		assert_int_equal(v, i * 3ull);
	}
	assert_int_equal(stream_vars_get(vars, "ioas", "b.stream", 9, 1, &v, &e), 0);
	assert_int_equal(v, 7);
	/* resolution through a line's values */
	assert_int_equal(stream_value_u64(&l, "r", &l.res[0].v, vars, &v, &e), 0);
	assert_int_equal(v, 7);
	assert_int_equal(stream_value_u64(&l, "r", &l.res[1].v, vars, &v, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "b.stream:5:"));
	assert_non_null(strstr(e.msg, "$o has no value: line 5"));
	stream_line_free(&l);
	stream_vars_destroy(vars);
	stream_vars_destroy(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(values_of_every_kind),
		cmocka_unit_test(results_comments_and_strings),
		cmocka_unit_test(number_limits),
		cmocka_unit_test(malformed_input_table),
		cmocka_unit_test(line_endings_and_layout),
		cmocka_unit_test(line_length_limit),
		cmocka_unit_test(reader_from_file_and_sticky_errors),
		cmocka_unit_test(typed_access),
		cmocka_unit_test(bindings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
