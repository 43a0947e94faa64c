/* SPDX-License-Identifier: MIT */
/* SHA-256 of scenario bytes against the FIPS 180-4 examples and the padding boundaries
 * (55, 56, 63, 64, 119 bytes: one or two padding blocks), values from an independent
 * implementation (sha256sum). */
#include "tests/support/test.h"

#include <stdlib.h>
#include <string.h>

#include "host-shim/bench/bench.h"

static void check(const void *data, size_t len, const char *want)
{
	char got[65];
	bench_sha256_hex(data, len, got);
	assert_string_equal(got, want);
}

static void fips_examples(void **state)
{
	(void)state;
	check("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	check("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	check(two, strlen(two), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void padding_boundaries(void **state)
{
	static const struct {
		size_t len;
		const char *hex;
	} v[] = {
		{ 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318" },
		{ 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a" },
		{ 63, "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34" },
		{ 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb" },
		{ 119, "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb" },
	};
	char a[128];
	(void)state;
	memset(a, 'a', sizeof(a));
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		check(a, v[i].len, v[i].hex);
}

static void a_million_a(void **state)
{
	(void)state;
	char *m = malloc(1000000);
	assert_non_null(m);
	memset(m, 'a', 1000000);
	check(m, 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fips_examples),
		cmocka_unit_test(padding_boundaries),
		cmocka_unit_test(a_million_a),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
