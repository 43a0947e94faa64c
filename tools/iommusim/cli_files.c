/* SPDX-License-Identifier: MIT */
/*
 * The stream files named on a command line: a FILE is taken as named; a DIR gives its
 * *.stream files (hidden entries skipped), sorted by path because readdir order is arbitrary
 * and runs must be deterministic.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tools/iommusim/cli.h"

/* Folders nested deeper than this are not entered (a symlink loop ends here). */
#define CLI_FILES_MAX_DEPTH 32

int cli_files_push(cli_files_t *f, const char *path)
{
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		char **v = realloc(f->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		f->v = v;
		f->cap = cap;
	}
	f->v[f->n] = strdup(path);
	if (!f->v[f->n])
		return -ENOMEM;
	f->n++;
	return 0;
}

void cli_files_free(cli_files_t *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->v[i]);
	free(f->v);
	f->v = NULL;
	f->n = f->cap = 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int walk(cli_files_t *f, const char *dir, bool recursive, unsigned depth)
{
	DIR *d;
	struct dirent *e;
	int rc = 0;

	if (depth > CLI_FILES_MAX_DEPTH || !(d = opendir(dir)))
		return 0;
	while (rc == 0 && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		size_t len = strlen(dir) + strlen(e->d_name) + 2;
		char *full = malloc(len);
		if (!full) {
			rc = -ENOMEM;
			break;
		}
		snprintf(full, len, "%s%s%s", dir, ends_with(dir, "/") ? "" : "/", e->d_name);
		if (is_dir(full)) {
			if (recursive)
				rc = walk(f, full, recursive, depth + 1);
		} else if (ends_with(e->d_name, ".stream")) {
			rc = cli_files_push(f, full);
		}
		free(full);
	}
	closedir(d);
	return rc;
}

int cli_files_add(cli_files_t *f, const char *path, bool recursive)
{
	size_t first = f->n;
	int rc;

	if (!is_dir(path))
		return cli_files_push(f, path);
	rc = walk(f, path, recursive, 0);
	if (f->n - first > 1)
		qsort(f->v + first, f->n - first, sizeof(*f->v), cmp_str);
	return rc;
}
