/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include "iommusim/iommusim.h"

int main(int argc, char **argv)
{
	(void)argc; (void)argv;
	printf("iommusim %s\n", iommusim_version());
	return 0;
}
