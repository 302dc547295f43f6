/* config.c - --save-config and its file (config.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "columns.h"
#include "util.h"

int xn_config_path(char *buf, size_t len)
{
	const char *x = getenv("XDG_CONFIG_HOME"), *h = getenv("HOME");
	int n;
	if (x && x[0] == '/') /* the XDG spec: a relative one is ignored */
		n = snprintf(buf, len, "%s/xentop-numa/config", x);
	else if (h && h[0])
		n = snprintf(buf, len, "%s/.config/xentop-numa/config", h);
	else
		return -ENOENT;
	return n > 0 && (size_t)n < len ? 0 : -ENAMETOOLONG;
}

/* The values the options point to, kept for the process's life: held here
 * so that they stay reachable (LeakSanitizer counts a string only the
 * caller's stack pointed to as leaked once main returns). */
static char *kept[64];
static size_t nr_kept;

static char *keep(const char *v)
{
	if (nr_kept == sizeof(kept) / sizeof(kept[0]))
		return NULL; /* more lines than keys: the rest is refused */
	char *c = strdup(v);
	if (c)
		kept[nr_kept++] = c;
	return c;
}

static void unkeep(char *v)
{
	if (v && nr_kept && kept[nr_kept - 1] == v)
		kept[--nr_kept] = NULL;
	free(v);
}

void xn_config_load(int (*set)(const char *key, const char *val, void *ctx), void *ctx)
{
	char path[4096], line[1024];
	if (xn_config_path(path, sizeof(path)))
		return;
	FILE *f = fopen(path, "r");
	if (!f)
		return; /* none saved: nothing to say */
	for (int ln = 1; fgets(line, sizeof(line), f); ln++) {
		line[strcspn(line, "\r\n")] = '\0';
		char *k = line + strspn(line, " \t");
		if (!*k || *k == '#')
			continue;
		char *v = k + strcspn(k, " \t");
		if (*v)
			*v++ = '\0';
		v += strspn(v, " \t");
		for (char *e = v + strlen(v); e > v && (e[-1] == ' ' || e[-1] == '\t');)
			*--e = '\0';
		/* the option keeps a pointer to its value: one copy per line kept */
		char *val = *v ? keep(v) : NULL;
		int r = val ? set(k, val, ctx) : -EINVAL;
		if (r == -ENOENT)
			xn_warn("%s:%d: ignored: unknown key \"%s\" (columns, sort, delay, units)",
			        path, ln, k);
		else if (r)
			xn_warn("%s:%d: ignored: %s", path, ln,
			        val ? "a bad value (said above)" : "no value");
		if (r)
			unkeep(val);
	}
	fclose(f);
}

static int mkdir_of(char *path)
{
	/* the file's folder and its parent (~/.config may not exist yet) */
	char *slash = strrchr(path, '/');
	if (!slash)
		return 0;
	*slash = '\0';
	char *up = strrchr(path, '/');
	if (up && up != path) {
		*up = '\0';
		if (mkdir(path, 0700) && errno != EEXIST)
			return -errno;
		*up = '/';
	}
	int r = mkdir(path, 0700) && errno != EEXIST ? -errno : 0;
	*slash = '/';
	return r;
}

int xn_config_save(const struct xn_config *o)
{
	char path[4096], tmp[4200];
	int r = xn_config_path(path, sizeof(path));
	if (r) {
		xn_warn("--save-config: neither XDG_CONFIG_HOME nor HOME is set");
		return r;
	}
	if ((r = mkdir_of(path))) {
		xn_warn("--save-config: cannot create the folder of %s: %s", path, strerror(-r));
		return r;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f) {
		r = -errno;
		xn_warn("--save-config: %s: %s", tmp, strerror(errno));
		return r;
	}
	static const char *const units[XN_UNITS__COUNT] = {
	        [XN_UNITS_MIB] = "mib", [XN_UNITS_PAGES] = "pages", [XN_UNITS_PCT] = "pct"};
	fprintf(f, "# xentop-numa --save-config: KEY VALUE; the command line wins\n");
	if (o->columns) {
		char names[512];
		xn_columns_names(o->columns, names, sizeof(names));
		fprintf(f, "columns %s\n", names);
	}
	if (o->sort)
		fprintf(f, "sort %s\n", o->sort);
	if (o->delay_set)
		fprintf(f, "delay %g\n", o->delay);
	if (o->units_set && (unsigned)o->units < XN_UNITS__COUNT)
		fprintf(f, "units %s\n", units[o->units]);
	errno = 0;
	if (fflush(f) || ferror(f) | fclose(f) || rename(tmp, path)) {
		r = -(errno ? errno : EIO);
		xn_warn("--save-config: cannot write %s: %s", path, strerror(-r));
		remove(tmp);
		return r;
	}
	fprintf(stderr, "xentop-numa: saved to %s\n", path);
	return 0;
}
