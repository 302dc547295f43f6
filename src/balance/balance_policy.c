/* balance_policy.c - the balancer's policy (balance.h): its keys, their
 * defaults, and reading them from a file or flags. Every value is checked
 * here, so that a bad policy stops the program before anything runs. */
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "balance.h"
#include "util.h"

void xn_balance_policy_defaults(struct xn_balance_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->vcpus = true;
	p->memory = false;
	p->memory_max_move = (uint64_t)4 << 30;
	p->memory_budget = (uint64_t)16 << 30;
	p->memory_hours_from = p->memory_hours_to = -1;
	p->window = 300;
	p->cooldown = 1800;
	p->settle = 60;
	p->margin = 2;
}

static int fail(char *err, size_t errlen, const char *where, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
static int fail(char *err, size_t errlen, const char *where, const char *fmt, ...)
{
	char why[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "%s: %s", where, why);
	return -EINVAL;
}

static int parse_bool(const char *v, bool *out)
{
	if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
		*out = true;
	else if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
		*out = false;
	else
		return -EINVAL;
	return 0;
}

/* "4G", "512M", "64K", "1048576": bytes; binary units. */
static int parse_size(const char *v, uint64_t *out)
{
	char *end;
	errno = 0;
	if (!(v[0] >= '0' && v[0] <= '9'))
		return -EINVAL;
	unsigned long long n = strtoull(v, &end, 10);
	if (errno)
		return -EINVAL;
	unsigned shift = 0;
	if (*end) {
		const char *u = "KMGT";
		const char *at = strchr(u, end[0] == 'k' ? 'K' : end[0]);
		if (!at || !end[0])
			return -EINVAL;
		shift = 10 * (unsigned)(at - u + 1);
		end++;
		if (*end == 'i')
			end++;
		if (*end == 'B')
			end++;
		if (*end)
			return -EINVAL;
	}
	if (shift && n > (UINT64_MAX >> shift))
		return -EINVAL;
	*out = (uint64_t)n << shift;
	return 0;
}

/* "300", "300s", "5m", "1h", "1.5h": seconds, >= 0. */
static int parse_duration(const char *v, double *out)
{
	char *end;
	errno = 0;
	if (!((v[0] >= '0' && v[0] <= '9') || v[0] == '.'))
		return -EINVAL;
	double x = strtod(v, &end);
	if (errno || !isfinite(x) || x < 0)
		return -EINVAL;
	if (!strcmp(end, "h"))
		x *= 3600;
	else if (!strcmp(end, "m"))
		x *= 60;
	else if (*end && strcmp(end, "s"))
		return -EINVAL;
	if (x > 7 * 86400.0)
		return -ERANGE;
	*out = x;
	return 0;
}

static int parse_hhmm(const char *v, int *out, const char **rest)
{
	int h, m, n = 0;
	if (sscanf(v, "%2d:%2d%n", &h, &m, &n) != 2 || n != 5 || h < 0 || h > 24 || m < 0 ||
	    m > 59 || (h == 24 && m))
		return -EINVAL;
	*out = h * 60 + m;
	*rest = v + n;
	return 0;
}

/* A glob for fnmatch(3): not empty, no unclosed '[', no trailing '\'. */
static const char *pattern_problem(const char *v)
{
	if (!v[0])
		return "an empty pattern";
	if (strlen(v) >= XN_BALANCE_PATTERN_LEN)
		return "a pattern longer than 127 bytes";
	for (const char *c = v; *c; c++) {
		if (*c == '\\') {
			if (!c[1])
				return "a pattern ending in a lone '\\'";
			c++;
		} else if (*c == '[') {
			const char *e = c + 1;
			if (*e == '!' || *e == '^')
				e++;
			if (*e == ']')
				e++;
			e = strchr(e, ']');
			if (!e)
				return "a '[' without its ']'";
			c = e;
		}
	}
	return NULL;
}

static const char *const keys[] = {
        "vcpus",         "memory",         "memory-max-move", "memory-budget", "memory-hours",
        "hard-affinity", "other-managers", "window",          "cool-down",     "settle",
        "margin",        "state-file",     "include",         "exclude",
};

bool xn_balance_policy_key(const char *key)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(keys[i], key))
			return true;
	return false;
}

static int set_pattern(char (*list)[XN_BALANCE_PATTERN_LEN], size_t *n, const char *key,
                       const char *v, const char *where, char *err, size_t errlen)
{
	const char *why = pattern_problem(v);
	if (why)
		return fail(err, errlen, where, "%s: %s", key, why);
	if (*n >= XN_BALANCE_MAX_PATTERNS)
		return fail(err, errlen, where, "%s: more than %d patterns", key,
		            XN_BALANCE_MAX_PATTERNS);
	xn_strlcpy(list[(*n)++], v, XN_BALANCE_PATTERN_LEN);
	return 0;
}

static int set_duration(double *out, const char *key, const char *v, const char *where, char *err,
                        size_t errlen)
{
	int r = parse_duration(v, out);
	if (r == -ERANGE)
		return fail(err, errlen, where, "%s: \"%s\" is more than a week", key, v);
	if (r)
		return fail(err, errlen, where,
		            "%s: \"%s\" is not a duration >= 0 (e.g. 300, 90s, 5m, 1h)", key, v);
	return 0;
}

int xn_balance_policy_set(struct xn_balance_policy *p, const char *key, const char *v,
                          const char *where, char *err, size_t errlen)
{
	bool *flag = !strcmp(key, "vcpus")            ? &p->vcpus
	             : !strcmp(key, "memory")         ? &p->memory
	             : !strcmp(key, "hard-affinity")  ? &p->hard_affinity
	             : !strcmp(key, "other-managers") ? &p->other_managers
	                                              : NULL;
	if (flag) {
		if (parse_bool(v, flag))
			return fail(err, errlen, where, "%s: \"%s\" is not on or off", key, v);
		return 0;
	}
	if (!strcmp(key, "memory-max-move") || !strcmp(key, "memory-budget")) {
		uint64_t *out = key[7] == 'm' ? &p->memory_max_move : &p->memory_budget;
		if (parse_size(v, out))
			return fail(err, errlen, where,
			            "%s: \"%s\" is not a size in bytes >= 0 (e.g. 4G, 512M)", key,
			            v);
		return 0;
	}
	if (!strcmp(key, "memory-hours")) {
		const char *rest;
		if (!strcmp(v, "any")) {
			p->memory_hours_from = p->memory_hours_to = -1;
			return 0;
		}
		if (parse_hhmm(v, &p->memory_hours_from, &rest) || *rest != '-' ||
		    parse_hhmm(rest + 1, &p->memory_hours_to, &rest) || *rest ||
		    p->memory_hours_from == p->memory_hours_to)
			return fail(err, errlen, where,
			            "%s: \"%s\" is not HH:MM-HH:MM (UTC, e.g. 01:00-05:00) or any",
			            key, v);
		return 0;
	}
	if (!strcmp(key, "window"))
		return set_duration(&p->window, key, v, where, err, errlen);
	if (!strcmp(key, "cool-down"))
		return set_duration(&p->cooldown, key, v, where, err, errlen);
	if (!strcmp(key, "settle"))
		return set_duration(&p->settle, key, v, where, err, errlen);
	if (!strcmp(key, "margin")) {
		char *end;
		errno = 0;
		double x = strtod(v, &end);
		if (errno || end == v || *end || !(x >= 0 && x <= 100))
			return fail(err, errlen, where,
			            "%s: \"%s\" is not points of LOCAL%% from 0 to 100", key, v);
		p->margin = x;
		return 0;
	}
	if (!strcmp(key, "state-file")) {
		if (strlen(v) >= sizeof(p->state_file))
			return fail(err, errlen, where, "%s: a path longer than %zu bytes", key,
			            sizeof(p->state_file) - 1);
		xn_strlcpy(p->state_file, v, sizeof(p->state_file));
		return 0;
	}
	if (!strcmp(key, "include"))
		return set_pattern(p->include, &p->nr_include, key, v, where, err, errlen);
	if (!strcmp(key, "exclude"))
		return set_pattern(p->exclude, &p->nr_exclude, key, v, where, err, errlen);
	return fail(err, errlen, where, "unknown key \"%.64s\"", key);
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	char *e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

int xn_balance_policy_load(struct xn_balance_policy *p, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	if (!f) {
		int e = errno;
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		return -e;
	}
	char *buf = NULL;
	size_t cap = 0;
	int rc = 0;
	bool too_long;
	ssize_t n;
	for (unsigned line = 1; (n = xn_read_line(f, &buf, &cap, 4096, &too_long)) > 0; line++) {
		char where[300];
		snprintf(where, sizeof(where), "%s:%u", path, line);
		if (too_long) {
			rc = fail(err, errlen, where, "a line longer than 4096 bytes");
			break;
		}
		char *s = trim(buf);
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			rc = fail(err, errlen, where, "expected key = value");
			break;
		}
		*eq = '\0';
		char *key = trim(s), *val = trim(eq + 1);
		if (!xn_balance_policy_key(key)) {
			rc = fail(err, errlen, where, "unknown key \"%.64s\"", key);
			break;
		}
		if ((rc = xn_balance_policy_set(p, key, val, where, err, errlen)))
			break;
	}
	if (n < 0 && !rc)
		rc = fail(err, errlen, path, "%s", strerror((int)-n));
	free(buf);
	fclose(f);
	return rc;
}

int xn_balance_policy_from(struct xn_balance_policy *p, const struct xn_options *o, char *err,
                           size_t errlen)
{
	xn_balance_policy_defaults(p);
	int r;
	if (o->balance_policy && (r = xn_balance_policy_load(p, o->balance_policy, err, errlen)))
		return r;
	for (size_t i = 0; i < o->nr_balance_keys; i++) {
		char where[96];
		snprintf(where, sizeof(where), "--balance-%s", o->balance_keys[i][0]);
		if ((r = xn_balance_policy_set(p, o->balance_keys[i][0], o->balance_keys[i][1],
		                               where, err, errlen)))
			return r;
	}
	return 0;
}
