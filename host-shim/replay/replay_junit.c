/* SPDX-License-Identifier: MIT */
/*
 * JUnit XML reports (replay_junit.h). XML 1.0 (section 2.2) allows the characters #x9, #xA,
 * #xD, #x20-#xD7FF, #xE000-#xFFFD and #x10000-#x10FFFF; everything else is replaced so that
 * any stream name or message gives a document a parser accepts.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "host-shim/replay/replay_junit.h"

/* Length of the well-formed UTF-8 sequence at s (at most n bytes) encoding a character XML
 * allows, or 0. */
static size_t utf8_ok(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len;

	if (s[0] < 0xc2)
		return 0;              /* a continuation byte, or an overlong 2-byte lead */
	if (s[0] < 0xe0) {
		len = 2;
		cp = s[0] & 0x1fu;
	} else if (s[0] < 0xf0) {
		len = 3;
		cp = s[0] & 0x0fu;
	} else if (s[0] < 0xf5) {
		len = 4;
		cp = s[0] & 0x07u;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3fu);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff)
		return 0;              /* overlong, or beyond Unicode */
	if ((cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff)
		return 0;              /* surrogates and the two non-characters XML excludes */
	return len;
}

int replay_xml_write(FILE *f, const char *s, size_t n, bool attr)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; i < n;) {
		unsigned char c = u[i];
		int rc = 0;
		if (c >= 0x80) {
			size_t k = utf8_ok(u + i, n - i);
			if (k) {
				rc = fwrite(u + i, 1, k, f) == k ? 0 : EOF;
				i += k;
			} else {
				rc = fputs("\xef\xbf\xbd", f);   /* U+FFFD */
				i++;
			}
			if (rc == EOF)
				return -EIO;
			continue;
		}
		switch (c) {
		case '&':  rc = fputs("&amp;", f); break;
		case '<':  rc = fputs("&lt;", f); break;
		case '>':  rc = fputs("&gt;", f); break;
		case '"':  rc = fputs("&quot;", f); break;
		case '\'': rc = fputs("&apos;", f); break;
		case '\t': rc = attr ? fputs("&#9;", f) : fputc(c, f); break;
		case '\n': rc = attr ? fputs("&#10;", f) : fputc(c, f); break;
		case '\r': rc = fputs("&#13;", f); break;
		case 0x7f: rc = fputs("&#127;", f); break;
		default:
			if (c < 0x20)
				rc = fprintf(f, "\\x%02x", c) < 0 ? EOF : 0;
			else
				rc = fputc(c, f);
			break;
		}
		if (rc == EOF)
			return -EIO;
		i++;
	}
	return 0;
}

static int xml_str(FILE *f, const char *s, bool attr)
{
	return replay_xml_write(f, s ? s : "", s ? strlen(s) : 0, attr);
}

/* The folder of a path ("." for none) and the case name (file name without ".stream"). */
static size_t dir_len(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? (size_t)(slash - path) : 0;
}

static bool same_dir(const char *a, const char *b)
{
	size_t n = dir_len(a);
	return n == dir_len(b) && strncmp(a, b, n) == 0;
}

/* The folder of path; as a class name ('/' -> '.'), without the leading '/' of an absolute
 * path. */
static int write_dir(FILE *f, const char *path, char from, char to)
{
	size_t n = dir_len(path), i = 0;
	if (from == '/')
		while (i < n && path[i] == '/')
			i++;
	if (i == n)
		return fputc('.', f) == EOF ? -EIO : 0;
	for (; i < n; i++) {
		char c = path[i] == from ? to : path[i];
		if (replay_xml_write(f, &c, 1, true))
			return -EIO;
	}
	return 0;
}

static int write_case_name(FILE *f, const char *path)
{
	const char *base = path + dir_len(path) + (strchr(path, '/') ? 1 : 0);
	size_t n = strlen(base);
	if (n > 7 && strcmp(base + n - 7, ".stream") == 0)
		n -= 7;
	return replay_xml_write(f, base, n, true);
}

static void count(const replay_case_t *c, size_t n, const char *dir, unsigned *tests,
		  unsigned *fails, unsigned *errors, double *time)
{
	*tests = *fails = *errors = 0;
	*time = 0;
	for (size_t i = 0; i < n; i++) {
		if (dir && !same_dir(c[i].file, dir))
			continue;
		(*tests)++;
		*fails += strcmp(c[i].status, "fail") == 0;
		*errors += strcmp(c[i].status, "error") == 0;
		*time += c[i].host_s;
	}
}

static int write_case(FILE *f, const replay_case_t *c)
{
	bool failed = strcmp(c->status, "fail") == 0;
	bool error = strcmp(c->status, "error") == 0;
	int rc = 0;

	rc |= fputs("    <testcase classname=\"", f) == EOF;
	rc |= write_dir(f, c->file, '/', '.') != 0;
	rc |= fputs("\" name=\"", f) == EOF;
	rc |= write_case_name(f, c->file) != 0;
	rc |= fputs("\" file=\"", f) == EOF;
	rc |= xml_str(f, c->file, true) != 0;
	rc |= fprintf(f, "\" time=\"%.6f\">\n", c->host_s) < 0;
	if (failed || error) {
		rc |= fprintf(f, "      <%s message=\"", error ? "error" : "failure") < 0;
		rc |= xml_str(f, c->message, true) != 0;
		rc |= fprintf(f, "\" type=\"%s\">", error ? "stopped" : "mismatch") < 0;
		rc |= xml_str(f, c->details ? c->details : c->message, false) != 0;
		rc |= fprintf(f, "</%s>\n", error ? "error" : "failure") < 0;
	}
	rc |= fprintf(f, "      <system-out>simulated %.3f ns, %u checks, %u mismatches"
		      "</system-out>\n", c->sim_ns, c->checks, c->mismatches) < 0;
	rc |= fputs("    </testcase>\n", f) == EOF;
	return rc ? -EIO : 0;
}

int replay_junit_write(FILE *f, const char *name, const replay_case_t *cases, size_t n)
{
	unsigned tests, fails, errors;
	double time;
	int rc = 0;

	count(cases, n, NULL, &tests, &fails, &errors, &time);
	rc |= fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"", f) == EOF;
	rc |= xml_str(f, name, true) != 0;
	rc |= fprintf(f, "\" tests=\"%u\" failures=\"%u\" errors=\"%u\" time=\"%.6f\">\n", tests,
		      fails, errors, time) < 0;
	for (size_t i = 0; i < n && !rc; i++) {
		bool seen = false;
		for (size_t k = 0; k < i && !seen; k++)
			seen = same_dir(cases[k].file, cases[i].file);
		if (seen)
			continue;
		count(cases, n, cases[i].file, &tests, &fails, &errors, &time);
		rc |= fputs("  <testsuite name=\"", f) == EOF;
		rc |= write_dir(f, cases[i].file, 0, 0) != 0;
		rc |= fprintf(f, "\" tests=\"%u\" failures=\"%u\" errors=\"%u\" skipped=\"0\" "
			      "time=\"%.6f\">\n", tests, fails, errors, time) < 0;
		for (size_t k = i; k < n && !rc; k++)
			if (same_dir(cases[k].file, cases[i].file))
				rc |= write_case(f, &cases[k]) != 0;
		rc |= fputs("  </testsuite>\n", f) == EOF;
	}
	rc |= fputs("</testsuites>\n", f) == EOF;
	return rc ? -EIO : 0;
}
