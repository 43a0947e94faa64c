/* SPDX-License-Identifier: MIT */
/*
 * The replay engine's value helpers: fill=/data= byte patterns, the first-difference
 * report, field formatting with flag and enum names, record keys. Expected values are
 * written out by hand.
 */
#include "tests/support/test.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/replay/replay_int.h"

static void parse(const char *text, stream_line_t *l)
{
	iommusim_error_t err;
	stream_line_init(l);
	assert_int_equal(stream_parse_line(text, strlen(text), "v.stream", 7, l, &err), 0);
}

static int bytes(const char *text, uint64_t *len, uint8_t **buf, iommusim_error_t *err)
{
	stream_line_t l;
	parse(text, &l);
	int rc = replay_bytes(&l, NULL, len, buf, err);
	stream_line_free(&l);
	return rc;
}

static void t_fill(void **state)
{
	iommusim_error_t err;
	uint64_t len;
	uint8_t *buf;

	(void)state;
	assert_int_equal(bytes("x fill=0xa5 len=3", &len, &buf, &err), 1);
	assert_int_equal(len, 3);
	assert_memory_equal(buf, "\xa5\xa5\xa5", 3);
	free(buf);
	/* neither: 0, the length from len= */
	assert_int_equal(bytes("x len=16", &len, &buf, &err), 0);
	assert_null(buf);
	assert_int_equal(len, 16);
	assert_int_equal(bytes("x", &len, &buf, &err), 0);
	assert_int_equal(len, 0);
}

static void t_data(void **state)
{
	iommusim_error_t err;
	uint64_t len;
	uint8_t *buf;

	(void)state;
	/* memory order, separators of every kind, both cases */
	assert_int_equal(bytes("x data=de:AD.be-ef_01", &len, &buf, &err), 1);
	assert_int_equal(len, 5);
	assert_memory_equal(buf, "\xde\xad\xbe\xef\x01", 5);
	free(buf);
	assert_int_equal(bytes("x data=\"00 11  22\"", &len, &buf, &err), 1);
	assert_int_equal(len, 3);
	assert_memory_equal(buf, "\x00\x11\x22", 3);
	free(buf);
	/* repeated up to len=, and cut */
	assert_int_equal(bytes("x data=01:02:03 len=7", &len, &buf, &err), 1);
	assert_int_equal(len, 7);
	assert_memory_equal(buf, "\x01\x02\x03\x01\x02\x03\x01", 7);
	free(buf);
	assert_int_equal(bytes("x data=01:02:03 len=2", &len, &buf, &err), 1);
	assert_memory_equal(buf, "\x01\x02", 2);
	free(buf);
}

static void t_bad_bytes(void **state)
{
	iommusim_error_t err;
	uint64_t len;
	uint8_t *buf;

	(void)state;
	assert_int_equal(bytes("x fill=0x100 len=1", &len, &buf, &err), -ERANGE);
	assert_non_null(strstr(err.msg, "v.stream:7:8: fill=0x100 is not a byte"));
	assert_int_equal(bytes("x fill=1", &len, &buf, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "fill= needs len="));
	assert_int_equal(bytes("x fill=1 data=02 len=1", &len, &buf, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "give one of fill=, data= or pattern=, not several"));
	assert_int_equal(bytes("x data=abc", &len, &buf, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "not hex bytes at offset 2"));
	assert_int_equal(bytes("x data=ab:xy", &len, &buf, &err), -EINVAL);
	assert_int_equal(bytes("x data=abc:de", &len, &buf, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "not hex bytes at offset 2"));
	assert_int_equal(bytes("x data=ab!cd", &len, &buf, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "unexpected '!'"));
	/* a number loses its width: refused with the reason */
	assert_int_equal(bytes("x data=0x1234", &len, &buf, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "byte order"));
	assert_int_equal(bytes("x data=\"\"", &len, &buf, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "no bytes"));
	assert_int_equal(bytes("x fill=1 len=0", &len, &buf, &err), -EINVAL);
	assert_int_equal(bytes("x fill=1 len=1G", &len, &buf, &err), -E2BIG);
	assert_non_null(strstr(err.msg, "64 MiB"));
	assert_null(buf);
}

static void t_diff(void **state)
{
	uint8_t want[16], got[16];
	char e[64], g[64], note[160];

	(void)state;
	memset(want, 0xa5, sizeof(want));
	memcpy(got, want, sizeof(got));
	assert_false(replay_bytes_diff(want, got, 16, 0x1000, "iova", e, sizeof(e), g, sizeof(g),
				       note, sizeof(note)));
	got[3] = 0;
	got[5] = 1;
	assert_true(replay_bytes_diff(want, got, 16, 0x1000, "iova", e, sizeof(e), g, sizeof(g),
				      note, sizeof(note)));
	/* eight bytes from the first difference, as data= writes them */
	assert_string_equal(e, "a5:a5:a5:a5:a5:a5:a5:a5");
	assert_string_equal(g, "00:a5:01:a5:a5:a5:a5:a5");
	assert_string_equal(note, "first difference at iova 0x1003 (+0x3); 2 of 16 bytes differ");
	/* near the end: fewer bytes shown */
	memcpy(got, want, sizeof(got));
	got[15] = 0x5a;
	assert_true(replay_bytes_diff(want, got, 16, 0, "pa", e, sizeof(e), g, sizeof(g), note,
				      sizeof(note)));
	assert_string_equal(e, "a5");
	assert_string_equal(g, "5a");
	assert_string_equal(note, "first difference at pa 0xf (+0xf); 1 of 16 bytes differ");
}

static const uapi_name_t flag_names[] = { { "A", 1 }, { "B", 2 }, { "C", 8 }, { NULL, 0 } };
static const uapi_name_t enum_names[] = { { "ZERO", 0 }, { "ONE", 1 }, { NULL, 0 } };

static void t_format(void **state)
{
	uapi_field_t flags = { "flags", 0, 4, UAPI_OUT, UAPI_FMT_FLAGS, 0, flag_names };
	uapi_field_t en = { "code", 0, 4, UAPI_IN, UAPI_FMT_ENUM, 0, enum_names };
	uapi_field_t dec = { "id", 0, 4, UAPI_OUT, UAPI_FMT_DEC, 0, NULL };
	uapi_field_t sdec = { "fd", 0, 4, UAPI_OUT, UAPI_FMT_DEC, UAPI_ATTR_SIGNED, NULL };
	char buf[64];

	(void)state;
	replay_format_field(&flags, 0xb, buf, sizeof(buf));
	assert_string_equal(buf, "A|B|C");
	replay_format_field(&flags, 0x31, buf, sizeof(buf));
	assert_string_equal(buf, "A|0x30");          /* bits without a name stay visible */
	replay_format_field(&flags, 0, buf, sizeof(buf));
	assert_string_equal(buf, "0x0");
	replay_format_field(&en, 1, buf, sizeof(buf));
	assert_string_equal(buf, "ONE");
	replay_format_field(&en, 7, buf, sizeof(buf));
	assert_string_equal(buf, "0x7");
	replay_format_field(&dec, 12, buf, sizeof(buf));
	assert_string_equal(buf, "12");
	replay_format_field(&sdec, (uint64_t)-1, buf, sizeof(buf));
	assert_string_equal(buf, "-1");
	replay_format_field(NULL, 0x1000, buf, sizeof(buf));
	assert_string_equal(buf, "0x1000");
}

static const uapi_field_t rec_fields[] = {
	{ "cookie", 0, 4, UAPI_IN, UAPI_FMT_DEC, 0, NULL },
	{ "code", 4, 4, UAPI_IN, UAPI_FMT_ENUM, 0, enum_names },
};
static const replay_rec_layout_t rec = { "response", rec_fields, 2, 8 };

static int rec_key(const char *text, size_t *idx, const uapi_field_t **f, iommusim_error_t *err)
{
	stream_line_t l;
	parse(text, &l);
	int rc = replay_rec_key(&l, &l.args[0], &rec, idx, f, err);
	stream_line_free(&l);
	return rc;
}

static void t_rec_key(void **state)
{
	iommusim_error_t err;
	const uapi_field_t *f;
	size_t idx = 99;

	(void)state;
	assert_int_equal(rec_key("w code=1", &idx, &f, &err), 1);
	assert_int_equal(idx, 0);
	assert_ptr_equal(f, &rec_fields[1]);
	assert_int_equal(rec_key("w data.12.cookie=1", &idx, &f, &err), 1);
	assert_int_equal(idx, 12);
	assert_ptr_equal(f, &rec_fields[0]);
	assert_int_equal(rec_key("w other=1", &idx, &f, &err), 0);
	assert_int_equal(rec_key("w data.1.cookiee=1", &idx, &f, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "unknown response field 'cookiee' (fields: cookie, code)"));
	assert_int_equal(rec_key("w data.01.code=1", &idx, &f, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "leading zeros"));
	assert_int_equal(rec_key("w data.99999.code=1", &idx, &f, &err), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_fill),
		cmocka_unit_test(t_data),
		cmocka_unit_test(t_bad_bytes),
		cmocka_unit_test(t_diff),
		cmocka_unit_test(t_format),
		cmocka_unit_test(t_rec_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
