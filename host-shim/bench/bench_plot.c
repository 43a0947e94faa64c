/* SPDX-License-Identifier: MIT */
/*
 * Sweep plots: a gnuplot script (data inline as datablocks) that draws one metric against
 * one swept key, one line per combination of the other swept keys (and per scenario when
 * there are several), and running gnuplot on it to write an SVG. The drawing is gnuplot's;
 * this file only arranges the numbers.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host-shim/bench/bench.h"

struct buf {
	char *s;
	size_t n, cap;
	bool oom;
};

static void bprintf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void bprintf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		va_start(ap, fmt);
		int n = vsnprintf(b->s ? b->s + b->n : NULL, b->s ? b->cap - b->n : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = true;
			return;
		}
		if (b->s && b->n + (size_t)n < b->cap) {
			b->n += (size_t)n;
			return;
		}
		size_t cap = (b->cap + (size_t)n + 1) * 2;
		char *s = realloc(b->s, cap);
		if (!s) {
			b->oom = true;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
}

/* A gnuplot single-quoted string: '' stands for a quote; control characters dropped. */
static void bquote(struct buf *b, const char *s)
{
	bprintf(b, "'");
	for (; *s; s++) {
		if (*s == '\'')
			bprintf(b, "''");
		else if ((unsigned char)*s >= 0x20)
			bprintf(b, "%c", *s);
	}
	bprintf(b, "'");
}

/* A sweep value as a number: decimal or 0x hex, with an optional K/M/G/T (x1024) suffix. */
static bool value_number(const char *s, double *out)
{
	double v = 0;
	const char *p = s;
	bool any = false;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		for (p += 2; *p; p++) {
			int d = (*p >= '0' && *p <= '9') ? *p - '0' :
				(*p >= 'a' && *p <= 'f') ? *p - 'a' + 10 :
				(*p >= 'A' && *p <= 'F') ? *p - 'A' + 10 : -1;
			if (d < 0)
				break;
			v = v * 16 + d;
			any = true;
		}
	} else {
		for (; *p >= '0' && *p <= '9'; p++) {
			v = v * 10 + (*p - '0');
			any = true;
		}
		if (*p == '.') {
			double scale = 1;
			for (p++; *p >= '0' && *p <= '9'; p++) {
				scale /= 10;
				v += (*p - '0') * scale;
				any = true;
			}
		}
	}
	const char *suffixes = "KMGT";
	const char *sfx = *p ? strchr(suffixes, *p) : NULL;
	if (sfx) {
		v *= pow(1024, (double)(sfx - suffixes + 1));
		p++;
	}
	if (!any || *p)
		return false;
	*out = v;
	return true;
}

struct series {
	char *label;
	const json_t *first;        /* a run of the series, for its other keys */
	double *x, *y;
	size_t n;
};

static const char *point_value(const json_t *run, const char *key)
{
	return json_string_value(json_object_get(json_object_get(run, "point"), key));
}

/* The label of run's series: scenario (when several) and the swept keys other than x. */
static char *series_label(const json_t *run, const char *x, bool with_scenario)
{
	struct buf b = { 0 };
	const char *key;
	json_t *v;

	if (with_scenario) {
		const char *path = json_string_value(json_object_get(run, "scenario"));
		const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
		size_t n = strlen(base);
		if (n > 7 && strcmp(base + n - 7, ".stream") == 0)
			n -= 7;
		bprintf(&b, "%.*s", (int)n, base);
	}
	json_object_foreach(json_object_get(run, "point"), key, v) {
		if (strcmp(key, x) == 0)
			continue;
		bprintf(&b, "%s%s=%s", b.n ? " " : "", key, json_string_value(v));
	}
	if (!b.s)
		bprintf(&b, "%s", "");
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

static void series_free(struct series *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(s[i].label);
		free(s[i].x);
		free(s[i].y);
	}
	free(s);
}

/* The metric to draw: asked for, or the first one not informational. */
static const char *pick_metric(const json_t *runs, const char *want, const char **unit)
{
	size_t i;
	json_t *r;
	json_array_foreach(runs, i, r) {
		const char *name;
		json_t *m;
		json_object_foreach(json_object_get(r, "metrics"), name, m) {
			if (want ? strcmp(name, want) == 0
				 : !json_is_true(json_object_get(m, "informational"))) {
				*unit = json_string_value(json_object_get(m, "unit"));
				return name;
			}
		}
	}
	return NULL;
}

int bench_plot_script(const json_t *doc, const bench_plot_opts_t *o, char **script,
		      iommusim_error_t *err)
{
	const json_t *runs = json_object_get(doc, "runs");
	const char *keys[32], *xkey = NULL, *unit = "", *metric;
	const char *cats[256];
	size_t nkeys = 0, ncats = 0, nser = 0, i;
	struct series *ser = NULL;
	bool numeric = true, several = false, any_value = false;
	const char *first_sc = NULL;
	struct buf b = { 0 };
	json_t *r;
	int rc = 0;

	*script = NULL;
	if (bench_doc_check(doc, err))
		return -EINVAL;
	json_array_foreach(runs, i, r) {
		const char *key, *sc = json_string_value(json_object_get(r, "scenario"));
		json_t *v;
		if (first_sc && strcmp(first_sc, sc) != 0)
			several = true;
		first_sc = first_sc ? first_sc : sc;
		json_object_foreach(json_object_get(r, "point"), key, v) {
			size_t k = 0;
			while (k < nkeys && strcmp(keys[k], key) != 0)
				k++;
			if (k == nkeys && nkeys == sizeof(keys) / sizeof(keys[0]))
				return iommusim_error_set(err, -EINVAL, "--plot: more than %zu swept "
							  "keys", sizeof(keys) / sizeof(keys[0]));
			if (k == nkeys)
				keys[nkeys++] = key;
		}
	}
	if (!nkeys)
		return iommusim_error_set(err, -EINVAL, "--plot: the results have no sweep; draw a "
					  "sweep with --sweep KEY=v1,v2,... (or a scenario's "
					  "'# bench: sweep')");
	if (o->x) {
		for (size_t k = 0; k < nkeys && !xkey; k++)
			if (strcmp(keys[k], o->x) == 0)
				xkey = keys[k];
		if (!xkey)
			return iommusim_error_set(err, -EINVAL, "--plot-x %s: not a swept key",
						  o->x);
	}
	for (size_t k = 0; k < nkeys && !xkey; k++) {
		bool all = true;
		double d;
		json_array_foreach(runs, i, r) {
			const char *v = point_value(r, keys[k]);
			if (v && !value_number(v, &d))
				all = false;
		}
		if (all)
			xkey = keys[k];
	}
	if (!xkey)
		xkey = keys[0];
	metric = pick_metric(runs, o->metric, &unit);
	if (!metric)
		return iommusim_error_set(err, -EINVAL, "--plot: %s%s%s", o->metric ? "no metric '" :
					  "no metric that is not informational",
					  o->metric ? o->metric : "", o->metric ? "' in the results" : "");
	/* the x values: numbers, or categories in the order they first appear */
	json_array_foreach(runs, i, r) {
		const char *v = point_value(r, xkey);
		double d;
		if (!v)
			continue;
		if (!value_number(v, &d))
			numeric = false;
		size_t c = 0;
		while (c < ncats && strcmp(cats[c], v) != 0)
			c++;
		if (c == ncats) {
			if (ncats == sizeof(cats) / sizeof(cats[0]))
				return iommusim_error_set(err, -EINVAL, "--plot: %s has more than %zu "
							  "values", xkey,
							  sizeof(cats) / sizeof(cats[0]));
			cats[ncats++] = v;
		}
	}
	json_array_foreach(runs, i, r) {
		const char *v = point_value(r, xkey);
		const json_t *m = json_object_get(json_object_get(r, "metrics"), metric);
		if (!v || !m || strcmp(json_string_value(json_object_get(r, "status")), "ok") != 0)
			continue;
		char *label = series_label(r, xkey, several);
		if (!label) {
			rc = -ENOMEM;
			goto out;
		}
		size_t s = 0;
		while (s < nser && strcmp(ser[s].label, label) != 0)
			s++;
		if (s == nser) {
			struct series *ns = realloc(ser, (nser + 1) * sizeof(*ns));
			if (!ns) {
				free(label);
				rc = -ENOMEM;
				goto out;
			}
			ser = ns;
			ser[nser++] = (struct series){ .label = label, .first = r };
		} else {
			free(label);
		}
		double *nx = realloc(ser[s].x, (ser[s].n + 1) * sizeof(double));
		if (nx)
			ser[s].x = nx;
		double *ny = realloc(ser[s].y, (ser[s].n + 1) * sizeof(double));
		if (ny)
			ser[s].y = ny;
		if (!nx || !ny) {
			rc = -ENOMEM;
			goto out;
		}
		double xv = 0;
		if (numeric) {
			value_number(v, &xv);
		} else {
			for (size_t c = 0; c < ncats; c++)
				if (strcmp(cats[c], v) == 0)
					xv = (double)c;
		}
		const json_t *val = json_object_get(m, "value");
		ser[s].x[ser[s].n] = xv;
		ser[s].y[ser[s].n] = json_is_number(val) ? json_number_value(val) : NAN;
		any_value |= json_is_number(val);
		ser[s].n++;
	}
	if (!any_value) {
		rc = iommusim_error_set(err, -EINVAL, "--plot: metric %s is undefined in every run "
					"swept over %s: nothing to draw", metric, xkey);
		goto out;
	}

	bprintf(&b, "set terminal svg size 900,540 dynamic noenhanced font 'sans,12' "
		    "background rgb 'white'\nset output ");
	bquote(&b, o->out);
	bprintf(&b, "\nset title ");
	{
		char t[256];
		snprintf(t, sizeof(t), "%s against %s", metric, xkey);
		bquote(&b, t);
	}
	bprintf(&b, "\nset xlabel ");
	bquote(&b, xkey);
	bprintf(&b, "\nset ylabel ");
	{
		char t[256];
		snprintf(t, sizeof(t), "%s%s%s%s", metric, unit && unit[0] ? " (" : "",
			 unit ? unit : "", unit && unit[0] ? ")" : "");
		bquote(&b, t);
	}
	bprintf(&b, "\nset key outside right top\nset grid\nset yrange [0:*]\n");
	if (numeric) {
		double lo = INFINITY, hi = 0;
		for (size_t s = 0; s < nser; s++)
			for (size_t k = 0; k < ser[s].n; k++) {
				lo = fmin(lo, ser[s].x[k]);
				hi = fmax(hi, ser[s].x[k]);
			}
		/* values spread over orders of magnitude (4K .. 1G) read best on a log axis */
		if (lo > 0 && hi / lo >= 16)
			bprintf(&b, "set logscale x 2\n");
	} else {
		bprintf(&b, "set xtics (");
		for (size_t c = 0; c < ncats; c++) {
			bprintf(&b, "%s", c ? ", " : "");
			bquote(&b, cats[c]);
			bprintf(&b, " %zu", c);
		}
		bprintf(&b, ")\nset xrange [-0.5:%zu.5]\n", ncats ? ncats - 1 : 0);
	}
	for (size_t s = 0; s < nser; s++) {
		/* in x order (insertion sort: a sweep has few points) */
		for (size_t k = 1; k < ser[s].n; k++)
			for (size_t j = k; j > 0 && ser[s].x[j - 1] > ser[s].x[j]; j--) {
				double tx = ser[s].x[j], ty = ser[s].y[j];
				ser[s].x[j] = ser[s].x[j - 1];
				ser[s].y[j] = ser[s].y[j - 1];
				ser[s].x[j - 1] = tx;
				ser[s].y[j - 1] = ty;
			}
		bprintf(&b, "$d%zu << EOD\n", s);
		for (size_t k = 0; k < ser[s].n; k++) {
			if (isnan(ser[s].y[k]))
				bprintf(&b, "%.17g NaN\n", ser[s].x[k]);
			else
				bprintf(&b, "%.17g %.17g\n", ser[s].x[k], ser[s].y[k]);
		}
		bprintf(&b, "EOD\n");
	}
	bprintf(&b, "plot ");
	size_t drawn = 0;
	for (size_t s = 0; s < nser; s++) {
		bool has = false;
		for (size_t k = 0; k < ser[s].n; k++)
			has |= !isnan(ser[s].y[k]);
		if (!has)
			continue;   /* gnuplot refuses a line without a single point */
		bprintf(&b, "%s$d%zu using 1:2 with linespoints lw 2 pt 7 title ", drawn++ ? ", " : "",
			s);
		bquote(&b, ser[s].label[0] ? ser[s].label : metric);
	}
	bprintf(&b, "\n");
	if (b.oom) {
		rc = -ENOMEM;
		goto out;
	}
	*script = b.s;
	b.s = NULL;
out:
	if (rc == -ENOMEM)
		iommusim_error_set(err, rc, "out of memory");
	free(b.s);
	series_free(ser, nser);
	return rc;
}

/* The gnuplot program in PATH, into path. */
static bool find_gnuplot(char *path, size_t len)
{
	const char *p = getenv("PATH");
	if (!p || !*p)
		return false;
	while (*p) {
		const char *colon = strchr(p, ':');
		size_t n = colon ? (size_t)(colon - p) : strlen(p);
		snprintf(path, len, "%.*s/gnuplot", (int)(n ? n : 1), n ? p : ".");
		if (access(path, X_OK) == 0)
			return true;
		p += n + (colon ? 1 : 0);
	}
	return false;
}

int bench_plot_run(const char *script, iommusim_error_t *err)
{
	char gp[4096], tmpl[] = "/tmp/iommusim-plot-XXXXXX";
	const char *tmpdir = getenv("TMPDIR");
	char path[4096];
	int status, fd;
	pid_t pid;

	if (!find_gnuplot(gp, sizeof(gp)))
		return iommusim_error_set(err, -ENOENT, "--plot needs gnuplot, which is not in PATH: "
					  "install it (Debian: apt-get install gnuplot-nox; "
					  "scripts/setup does)");
	if (tmpdir && *tmpdir && strlen(tmpdir) < sizeof(path) - 32)
		snprintf(path, sizeof(path), "%s/iommusim-plot-XXXXXX", tmpdir);
	else
		snprintf(path, sizeof(path), "%s", tmpl);
	fd = mkstemp(path);
	if (fd < 0)
		return iommusim_error_set(err, -errno, "--plot: cannot create a temporary file %s: %s",
					  path, strerror(errno));
	size_t len = strlen(script), done = 0;
	while (done < len) {
		ssize_t w = write(fd, script + done, len - done);
		if (w <= 0) {
			close(fd);
			unlink(path);
			return iommusim_error_set(err, -EIO, "--plot: cannot write %s", path);
		}
		done += (size_t)w;
	}
	close(fd);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		unlink(path);
		return iommusim_error_set(err, -errno, "--plot: cannot start gnuplot: %s",
					  strerror(errno));
	}
	if (pid == 0) {
		execl(gp, "gnuplot", path, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			unlink(path);
			return iommusim_error_set(err, -EIO, "--plot: lost gnuplot: %s",
						  strerror(errno));
		}
	}
	unlink(path);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return iommusim_error_set(err, -EIO, "--plot: %s failed (%s %d) on the generated "
					  "script; its messages are above", gp,
					  WIFEXITED(status) ? "exit status" : "signal",
					  WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	return 0;
}
