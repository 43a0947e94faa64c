/* SPDX-License-Identifier: MIT */
/* Shared test helpers live beside this file; this unit keeps the support library non-empty. */
#include "tests/support/test.h"

int iommusim_test_support_present(void);
int iommusim_test_support_present(void)
{
	return 1;
}
