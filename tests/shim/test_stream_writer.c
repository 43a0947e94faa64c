/* SPDX-License-Identifier: MIT */
/*
 * The canonical writer and the round-trip property: a stream printed and read back is the
 * same stream, and printing is idempotent. Checked on hand-written canonical forms, on every
 * shipped shape under tests/shim/data/, on lines built in code, and on generated lines.
 */
#include "tests/support/test.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/stream/stream.h"

/* input line -> its canonical text */
static const struct {
	const char *in, *out;
} canon[] = {
	{ "  x   a=1\t b=0X1F  -> r=$v   #  c ", "x a=1 b=0x1f -> r=$v #  c " },
	{ "x 0x0001F 4K 0x1000 -0 -12 007 2M 3G 1T", "x 0x1f 4K 0x1000 0 -12 7 2M 3G 1T" },
	{ "x \"a\\x41\\\"\\\\\\t\"", "x \"aA\\\"\\\\\\t\"" },
	{ "x \"caf\xc3\xa9\"", "x \"caf\xc3\xa9\"" },
	{ "x \"\\x01\\x7f\\x1b\\n\\r\"", "x \"\\x01\\x7f\\x1b\\n\\r\"" },
	{ "x \"#\" a=\"->\"", "x \"#\" a=\"->\"" },
	{ "#abc", "#abc" },
	{ "   # indented", "# indented" },
	{ "   ", "" },
	{ "iommusim-stream   1  # v", "iommusim-stream 1 # v" },
	{ "ioctl 3 IOMMU_IOAS_MAP flags=FIXED_IOVA|READABLE iova=0x100000",
	  "ioctl 3 IOMMU_IOAS_MAP flags=FIXED_IOVA|READABLE iova=0x100000" },
	{ "dma 0000:03:00.0 write -> x=1 y=$b", "dma 0000:03:00.0 write -> x=1 y=$b" },
};

static void canonical_forms(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(canon) / sizeof(canon[0]); i++) {
		stream_line_t a, b;
		iommusim_error_t e;
		stream_line_init(&a);
		stream_line_init(&b);
		if (stream_parse_line(canon[i].in, strlen(canon[i].in), "w", 1, &a, &e) != 0)
			fail_msg("case %zu: %s", i, e.msg);
		char *s = stream_line_format(&a);
		assert_non_null(s);
		if (strcmp(s, canon[i].out) != 0)
			fail_msg("case %zu: '%s', want '%s'", i, s, canon[i].out);
		/* and the canonical text reads back as the same line */
		assert_int_equal(stream_parse_line(s, strlen(s), "w", 1, &b, &e), 0);
		assert_true(stream_line_equal(&a, &b));
		free(s);
		stream_line_free(&a);
		stream_line_free(&b);
	}
}

/* The directory of the shipped shapes, next to this file. */
static void data_path(char *buf, size_t len, const char *name)
{
	const char *here = __FILE__;
	const char *slash = strrchr(here, '/');
	int dir = slash ? (int)(slash - here) : 0;
	snprintf(buf, len, "%.*s%sdata/%s", dir, here, slash ? "/" : "", name);
}

static const char *const shapes[] = {
	"qemu_no_viommu.stream", "qemu_nested_vtd.stream", "dpdk_cdev.stream",
	"dpdk_type1.stream", "spdk_type1.stream",
};

static void round_trip_text(const char *text, size_t len, const char *name)
{
	stream_doc_t a, b;
	iommusim_error_t e;
	size_t n1, n2;

	if (stream_doc_parse(&a, text, len, name, &e) != 0)
		fail_msg("%s: %s", name, e.msg);
	char *s1 = stream_doc_format(&a, &n1);
	assert_non_null(s1);
	if (stream_doc_parse(&b, s1, n1, name, &e) != 0)
		fail_msg("%s reprinted: %s", name, e.msg);
	assert_true(stream_doc_equal(&a, &b));
	char *s2 = stream_doc_format(&b, &n2);
	assert_int_equal(n1, n2);
	assert_string_equal(s1, s2);
	free(s1);
	free(s2);
	stream_doc_free(&a);
	stream_doc_free(&b);
}

static void shipped_shapes_round_trip(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		char path[512];
		stream_doc_t doc;
		iommusim_error_t e;
		size_t n, commands = 0;

		data_path(path, sizeof(path), shapes[i]);
		if (stream_doc_load(&doc, path, &e) != 0)
			fail_msg("%s", e.msg);
		for (size_t j = 0; j < doc.nlines; j++)
			commands += doc.lines[j].kind == STREAM_LINE_COMMAND;
		assert_true(commands >= 10);
		char *text = stream_doc_format(&doc, &n);
		assert_non_null(text);
		round_trip_text(text, n, shapes[i]);
		/* The shipped files are written in canonical form already. */
		FILE *f = fopen(path, "rb");
		assert_non_null(f);
		char *raw = calloc(1, n + 2);
		size_t got = fread(raw, 1, n + 1, f);
		fclose(f);
		if (got != n || memcmp(raw, text, n) != 0)
			fail_msg("%s is not in canonical form", shapes[i]);
		free(raw);
		free(text);
		stream_doc_free(&doc);
	}
}

static void hand_written_streams_round_trip(void **state)
{
	(void)state;
	static const char *const streams[] = {
		"iommusim-stream 1\n",
		"# head\r\niommusim-stream 1 # v\r\n\r\n  x  a=\"q \\\" \\\\\" -> r=$x\r\ny $x",
		"iommusim-stream 1\nmem user_va=0x7f0000000000 len=64 fill=0xa5 name=\"\\x01\"\n"
		"expect stat vtd.iotlb.hits=3 -> n=-1 m=18446744073709551615\n",
	};
	for (size_t i = 0; i < sizeof(streams) / sizeof(streams[0]); i++)
		round_trip_text(streams[i], strlen(streams[i]), "hand");
}

static void built_lines(void **state)
{
	(void)state;
	stream_line_t l;
	iommusim_error_t e;
	stream_value_t v;

	stream_line_init(&l);
	assert_int_equal(stream_line_set_verb(&l, "dma", &e), 0);
	v = stream_word("0000:03:00.0");
	assert_int_equal(stream_line_add_pos(&l, &v, &e), 0);
	v = stream_num(64, STREAM_NUM_DEC);
	assert_int_equal(stream_line_add_arg(&l, "len", &v, &e), 0);
	v = stream_num(0xa5, STREAM_NUM_HEX);
	assert_int_equal(stream_line_add_arg(&l, "fill", &v, &e), 0);
	v = stream_str("a b\"c");
	assert_int_equal(stream_line_add_arg(&l, "name", &v, &e), 0);
	v = stream_ref("x");
	assert_int_equal(stream_line_add_result(&l, "r", &v, &e), 0);
	v = stream_snum(INT64_MIN);
	assert_int_equal(stream_line_add_result(&l, "s", &v, &e), 0);
	v = stream_num(1000, STREAM_NUM_K);   /* not a multiple of 1K: written in hex */
	assert_int_equal(stream_line_add_result(&l, "k", &v, &e), 0);
	assert_int_equal(stream_line_set_comment(&l, " hi", &e), 0);
	char *s = stream_line_format(&l);
	assert_string_equal(s, "dma 0000:03:00.0 len=64 fill=0xa5 name=\"a b\\\"c\" -> r=$x "
			       "s=-9223372036854775808 k=0x3e8 # hi");
	stream_line_t back;
	stream_line_init(&back);
	assert_int_equal(stream_parse_line(s, strlen(s), NULL, 0, &back, &e), 0);
	assert_true(stream_line_equal(&l, &back));
	free(s);

	/* copies are deep and equal */
	stream_line_t copy;
	assert_int_equal(stream_line_copy(&copy, &l), 0);
	assert_true(stream_line_equal(&copy, &l));
	copy.args[0].v.num = 65;
	assert_false(stream_line_equal(&copy, &l));
	stream_line_free(&copy);

	/* what the builders refuse, so that output always reads back */
	v = stream_num(1, STREAM_NUM_DEC);
	assert_int_equal(stream_line_add_pos(&l, &v, &e), -EINVAL);     /* after arguments */
	assert_int_equal(stream_line_add_arg(&l, "late", &v, &e), -EINVAL);   /* after '->' */
	assert_int_equal(stream_line_add_result(&l, "r", &v, &e), -EEXIST);
	assert_int_equal(stream_line_add_result(&l, "a-b", &v, &e), -EINVAL);
	assert_int_equal(stream_line_add_result(&l, "a.", &v, &e), -EINVAL);
	v = stream_word("a b");
	assert_int_equal(stream_line_add_result(&l, "w", &v, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "use a quoted string"));
	v = stream_word("12");
	assert_int_equal(stream_line_add_result(&l, "w", &v, &e), -EINVAL);
	v = stream_word("A||B");
	assert_int_equal(stream_line_add_result(&l, "w", &v, &e), -EINVAL);
	v = stream_word("x#y");
	assert_int_equal(stream_line_add_result(&l, "w", &v, &e), -EINVAL);
	v = stream_ref("1x");
	assert_int_equal(stream_line_add_result(&l, "w", &v, &e), -EINVAL);
	assert_int_equal(stream_line_set_verb(&l, "1x", &e), -EINVAL);
	assert_int_equal(stream_line_set_comment(&l, "a\nb", &e), -EINVAL);
	assert_true(stream_line_equal(&l, &back));   /* unchanged by the refusals */
	stream_line_free(&back);

	/* writing to a file */
	FILE *f = tmpfile();
	assert_non_null(f);
	assert_int_equal(stream_write_line(f, &l), 0);
	rewind(f);
	char buf[256] = { 0 };
	assert_non_null(fgets(buf, sizeof(buf), f));
	assert_non_null(strstr(buf, "dma 0000:03:00.0 len=64"));
	assert_int_equal(buf[strlen(buf) - 1], '\n');
	fclose(f);
	stream_line_free(&l);
}

/* A deterministic generator (LCG) for the property test. */
static uint64_t rnd_next(uint64_t *state)
{
	*state = *state * 6364136223846793005ull + 1442695040888963407ull;
	return *state >> 17;
}
#define rnd() rnd_next(rng)

static void random_value(uint64_t *rng, stream_value_t *v, char *buf, size_t buflen)
{
	static const char word_chars[] = "abcXYZ_019:./-|,@+%";
	size_t n;

	switch (rnd() % 5) {
	case 0: {
		static const stream_numfmt_t fmts[] = { STREAM_NUM_DEC, STREAM_NUM_HEX, STREAM_NUM_K,
							STREAM_NUM_M, STREAM_NUM_G };
		stream_numfmt_t fmt = fmts[rnd() % 5];
		uint64_t x = rnd() << (rnd() % 40);
		if (fmt >= STREAM_NUM_K)
			x &= ~((1ull << (10 * (fmt - STREAM_NUM_K + 1))) - 1);
		*v = stream_num(x, fmt);
		if (rnd() % 4 == 0 && x <= (1ull << 63) && fmt == STREAM_NUM_DEC)
			v->neg = x != 0;
		return;
	}
	case 1:
		n = 1 + rnd() % 12;
		for (size_t i = 0; i < n; i++)
			buf[i] = word_chars[rnd() % (sizeof(word_chars) - 1)];
		buf[n] = '\0';
		if (stream_is_bare_word(buf)) {
			*v = stream_word(buf);
			return;
		}
		*v = stream_str(buf);
		return;
	case 2:
		n = rnd() % (buflen - 1 < 20 ? buflen - 1 : 20);
		for (size_t i = 0; i < n; i++)
			buf[i] = (char)(1 + rnd() % 255);   /* every byte but NUL */
		buf[n] = '\0';
		*v = stream_str(buf);
		return;
	case 3:
		snprintf(buf, buflen, "v%u_%c", (unsigned)(rnd() % 1000), 'a' + (int)(rnd() % 26));
		*v = stream_ref(buf);
		return;
	default:
		*v = stream_word("FIXED_IOVA|READABLE|0x8");
		return;
	}
}

static void generated_lines_round_trip(void **state)
{
	(void)state;
	static const char *const verbs[] = { "ioctl", "dma", "expect", "mem", "advance", "x-y" };
	static const char *const keys[] = { "a", "len", "data.0.addr", "vtd.iotlb.sets", "_t",
					    "out_ioas_id", "k9" };
	char buf[64];
	iommusim_error_t e;
	uint64_t seed = 0x9e3779b97f4a7c15ull, *rng = &seed;

	for (int iter = 0; iter < 3000; iter++) {
		stream_line_t l, back;
		stream_value_t v;
		stream_line_init(&l);
		stream_line_init(&back);
		assert_int_equal(stream_line_set_verb(&l, verbs[rnd() % 6], &e), 0);
		for (unsigned i = rnd() % 4; i > 0; i--) {
			random_value(rng, &v, buf, sizeof(buf));
			assert_int_equal(stream_line_add_pos(&l, &v, &e), 0);
		}
		for (unsigned i = rnd() % 5; i > 0; i--) {
			random_value(rng, &v, buf, sizeof(buf));
			int rc = stream_line_add_arg(&l, keys[rnd() % 7], &v, &e);
			assert_true(rc == 0 || rc == -EEXIST);
		}
		for (unsigned i = rnd() % 3; i > 0; i--) {
			random_value(rng, &v, buf, sizeof(buf));
			int rc = stream_line_add_result(&l, keys[rnd() % 7], &v, &e);
			assert_true(rc == 0 || rc == -EEXIST);
		}
		if (rnd() % 3 == 0)
			assert_int_equal(stream_line_set_comment(&l, " note # x", &e), 0);
		char *s = stream_line_format(&l);
		assert_non_null(s);
		if (stream_parse_line(s, strlen(s), "gen", 1, &back, &e) != 0)
			fail_msg("iteration %d: '%s' does not read back: %s", iter, s, e.msg);
		if (!stream_line_equal(&l, &back))
			fail_msg("iteration %d: '%s' reads back differently", iter, s);
		char *s2 = stream_line_format(&back);
		assert_string_equal(s, s2);
		free(s);
		free(s2);
		stream_line_free(&l);
		stream_line_free(&back);
	}
}

static void equality_is_by_value(void **state)
{
	(void)state;
	stream_line_t a, b;
	iommusim_error_t e;
	stream_line_init(&a);
	stream_line_init(&b);
	assert_int_equal(stream_parse_line("x 16 a=2M", 9, "f", 1, &a, &e), 0);
	assert_int_equal(stream_parse_line("x 0x10 a=0x200000", 17, "g", 9, &b, &e), 0);
	assert_true(stream_line_equal(&a, &b));   /* numbers by value; file and line ignored */
	stream_line_free(&b);
	assert_int_equal(stream_parse_line("x \"16\" a=2M", 11, "g", 9, &b, &e), 0);
	assert_false(stream_line_equal(&a, &b));  /* a string is not a number */
	stream_line_free(&b);
	assert_int_equal(stream_parse_line("x 16 -> a=2M", 12, "g", 9, &b, &e), 0);
	assert_false(stream_line_equal(&a, &b));  /* an argument is not a result */
	stream_line_free(&b);
	assert_int_equal(stream_parse_line("x 16 a=2M # c", 13, "g", 9, &b, &e), 0);
	assert_false(stream_line_equal(&a, &b));  /* comments count */
	stream_line_free(&a);
	stream_line_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(canonical_forms),
		cmocka_unit_test(shipped_shapes_round_trip),
		cmocka_unit_test(hand_written_streams_round_trip),
		cmocka_unit_test(built_lines),
		cmocka_unit_test(generated_lines_round_trip),
		cmocka_unit_test(equality_is_by_value),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
