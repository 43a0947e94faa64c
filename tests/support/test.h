/* SPDX-License-Identifier: MIT */
/* Common includes for cmocka tests (cmocka needs these before its header). */
#ifndef IOMMUSIM_TEST_H
#define IOMMUSIM_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#endif
