/* SPDX-License-Identifier: MIT */
#include "iommusim/iommusim.h"

const char *iommusim_version(void)
{
	return IOMMUSIM_VERSION;
}
