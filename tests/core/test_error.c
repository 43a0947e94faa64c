/* SPDX-License-Identifier: MIT */
#include "tests/support/test.h"

#include <errno.h>
#include <string.h>

#include "iommusim/error.h"

static void set_returns_code_and_formats(void **state)
{
	iommusim_error_t e;
	(void)state;
	assert_int_equal(iommusim_error_set(&e, -EINVAL, "key %s: %d", "x", 7), -EINVAL);
	assert_int_equal(e.code, -EINVAL);
	assert_string_equal(e.msg, "key x: 7");
}

static void set_tolerates_null(void **state)
{
	(void)state;
	assert_int_equal(iommusim_error_set(NULL, -ENOENT, "ignored"), -ENOENT);
}

static void prefix_prepends_context(void **state)
{
	iommusim_error_t e;
	(void)state;
	iommusim_error_set(&e, -EINVAL, "bad value");
	iommusim_error_prefix(&e, "%s:%d", "a.stream", 12);
	assert_string_equal(e.msg, "a.stream:12: bad value");
	iommusim_error_clear(&e);
	assert_int_equal(e.code, 0);
	assert_string_equal(e.msg, "");
}

static void long_messages_are_truncated_not_overflowed(void **state)
{
	iommusim_error_t e;
	char big[2 * IOMMUSIM_ERROR_MSG_MAX];
	(void)state;
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	iommusim_error_set(&e, -E2BIG, "%s", big);
	assert_int_equal(strlen(e.msg), IOMMUSIM_ERROR_MSG_MAX - 1);
	iommusim_error_prefix(&e, "p");
	assert_int_equal(strlen(e.msg), IOMMUSIM_ERROR_MSG_MAX - 1);
	assert_memory_equal(e.msg, "p: aaa", 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(set_returns_code_and_formats),
		cmocka_unit_test(set_tolerates_null),
		cmocka_unit_test(prefix_prepends_context),
		cmocka_unit_test(long_messages_are_truncated_not_overflowed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
