/* test_xen_config.c - what a domain's stored configuration sets
 * (src/xen/xen_config.c): the lab's real `xl list -l` of a guest made with
 * cpus_soft="node:0" (tests/fixtures/xl-migrate-list-l.json) reads as
 * cpus_soft only; the userdata file form (the configuration at the top),
 * one without any affinity, and text that is not a configuration;
 * when the files are looked for (xen_config_sample), counted by opens of
 * userdata files and stats of their directory, at 300 domains without one:
 *  - the first refresh looks for each once, with one stat;
 *  - the refreshes after it, the directory unchanged, open nothing (one
 *    stat each), until XEN_CONFIG_MAX_AGE_NS has passed: then each once;
 *  - a file that appears is found at the next refresh, and a found file
 *    is never opened again;
 *  - an id that gets another UUID (a new domain) is looked for at once;
 *  - a directory changed too recently to trust its stamp is looked in at
 *    each refresh until it is old enough; no directory, no open.
 * This file defines fopen and stat, to count them, calling libc's. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#ifndef HAVE_XEN
int main(void)
{
	printf("built without Xen development files\n");
	return 77;
}
#else
#include "xen/xen_priv.h"

static unsigned opens, stats; /* of userdata files, of anything (only the directory) */

FILE *fopen(const char *restrict path, const char *restrict mode)
{
	FILE *(*real)(const char *, const char *) =
	        (FILE * (*)(const char *, const char *)) dlsym(RTLD_NEXT, "fopen");
	if (strstr(path, "/userdata-d."))
		opens++;
	return real(path, mode);
}
int stat(const char *restrict path, struct stat *restrict st)
{
	int (*real)(const char *, struct stat *) =
	        (int (*)(const char *, struct stat *))dlsym(RTLD_NEXT, "stat");
	stats++;
	return real(path, st);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *b = malloc(1 << 16);
	*len = b ? fread(b, 1, (1 << 16) - 1, f) : 0;
	fclose(f);
	return b;
}

/* `xl list -l` prints an array of {"domid", "config"}: one element */
static unsigned first_config(const char *text, size_t len, int *r)
{
	const char *o = memchr(text, '{', len);
	const char *e = text + len;
	while (e > text && e[-1] != '}')
		e--;
	unsigned bits = 99;
	*r = o && e > o ? xen_config_affinity_parse(o, (size_t)(e - o), &bits) : -EINVAL;
	return bits;
}

enum { N = 300 };
static const uint64_t S = 1000000000ull; /* one second */

static void uuid_of(unsigned i, uint8_t u[16])
{
	memset(u, 0, 16);
	u[0] = (uint8_t)i;
	u[1] = (uint8_t)(i >> 8);
}

/* One refresh at time now: every domain's configuration. */
static void refresh(struct xen_priv *p, uint64_t now)
{
	opens = stats = 0;
	for (size_t i = 0; i < p->nr_dc; i++)
		xen_config_sample(p, &p->dc[i], now);
}

/* Make the directory's stamp old enough to trust (as if last changed
 * a minute ago). */
static void age_dir(const char *dir)
{
	struct timespec t[2];
	clock_gettime(CLOCK_REALTIME, &t[0]);
	t[0].tv_sec -= 60;
	t[1] = t[0];
	CHECK(utimensat(AT_FDCWD, dir, t, 0) == 0);
}

static void write_config(const char *dir, uint32_t id, const uint8_t u[16], const char *text)
{
	char s[XN_UUID_STR], path[512];
	xn_uuid_format(u, s);
	snprintf(path, sizeof(path), "%s/userdata-d.%u.%s.libxl-json", dir, id, s);
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fwrite(text, 1, strlen(text) + 1, f);
		fclose(f);
	}
}

static void schedule(const char *all)
{
	char dir[] = "/tmp/xn-cfgs-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	struct xen_priv p;
	memset(&p, 0, sizeof(p));
	p.cfg_dir = dir;
	uint8_t u[16];
	for (unsigned i = 1; i <= N; i++) {
		uuid_of(i, u);
		CHECK(xen_cache_get(&p, i, u) != NULL);
	}
	age_dir(dir);
	uint64_t t = 100 * S;
	refresh(&p, t);
	CHECK(opens == N);
	CHECK(stats == 1);
	printf("first refresh: %u opens, %u stats\n", opens, stats);
	/* within the schedule, the directory unchanged: nothing opened */
	for (uint64_t k = 1; k < XEN_CONFIG_MAX_AGE_NS / S; k += 7) {
		refresh(&p, t + k * S);
		CHECK(opens == 0);
		CHECK(stats == 1);
	}
	printf("steady refresh: %u opens, %u stats\n", opens, stats);
	/* past it: each once again, then quiet again */
	refresh(&p, t + XEN_CONFIG_MAX_AGE_NS);
	CHECK(opens == N);
	refresh(&p, t + XEN_CONFIG_MAX_AGE_NS + S);
	CHECK(opens == 0);
	t += XEN_CONFIG_MAX_AGE_NS + S;

	/* libxl writes domain 5's file: found at the next refresh */
	uuid_of(5, u);
	write_config(dir, 5, u, all);
	age_dir(dir); /* (a recent stamp is the case below) */
	refresh(&p, t += S);
	CHECK(opens == N); /* the directory changed: every missing file */
	CHECK(p.dc[4].domid == 5 && p.dc[4].cfg_known);
	CHECK(p.dc[4].config_aff == (XN_CFG_CPUS | XN_CFG_CPUS_SOFT | XN_CFG_NODES));
	refresh(&p, t += S);
	CHECK(opens == 0); /* found is final; the others wait again */
	CHECK(stats == 1);

	/* domain 9 destroyed and its id reused by another: looked for at once */
	uuid_of(1000, u);
	CHECK(xen_cache_get(&p, 9, u) == &p.dc[8]);
	refresh(&p, t += S);
	CHECK(opens == 1);
	/* domain 5's id reused: its old file says nothing of the new domain */
	uuid_of(1001, u);
	CHECK(xen_cache_get(&p, 5, u) == &p.dc[4]);
	CHECK(!p.dc[4].cfg_known);
	refresh(&p, t += S);
	CHECK(opens == 1);
	CHECK(!p.dc[4].cfg_known);

	/* a stamp too recent to trust (a file made in the same clock tick
	 * after a look would leave it unchanged): looked in at each refresh */
	uuid_of(2, u);
	write_config(dir, 2, u, "{\"b_info\":{}}");
	refresh(&p, t += S);
	CHECK(p.dc[1].cfg_known && p.dc[1].config_aff == 0);
	refresh(&p, t += S);
	CHECK(opens == N - 1);
	age_dir(dir);
	refresh(&p, t += S);
	CHECK(opens == N - 1); /* trusted now, but not the one last seen */
	refresh(&p, t += S);
	CHECK(opens == 0);

	/* no directory at all: nothing to open until it is made */
	char path[512];
	for (unsigned id = 2; id <= 5; id += 3) {
		char s[XN_UUID_STR];
		uuid_of(id, u);
		xn_uuid_format(u, s);
		snprintf(path, sizeof(path), "%s/userdata-d.%u.%s.libxl-json", dir, id, s);
		unlink(path);
	}
	CHECK(rmdir(dir) == 0);
	refresh(&p, t += S);
	CHECK(opens == N - 1); /* changed: looked for */
	refresh(&p, t += S);
	CHECK(opens == 0);
	CHECK(stats == 1);
	xen_cache_close(&p);
}

int main(void)
{
	const char *root = getenv("XN_ROOT");
	char path[512];
	snprintf(path, sizeof(path), "%s/tests/fixtures/xl-migrate-list-l.json", root ? root : ".");
	size_t len = 0;
	char *text = slurp(path, &len);
	CHECK(text != NULL);
	int r = -1;
	unsigned bits = text ? first_config(text, len, &r) : 99;
	CHECK(r == 0);
	CHECK(bits == XN_CFG_CPUS_SOFT);
	free(text);

	const char *all = "{\"c_info\":{},\"b_info\":{\"vcpu_hard_affinity\":[[0,1]],"
	                  "\"vcpu_soft_affinity\":[[2]],\"nodemap\":[1]}}";
	CHECK(xen_config_affinity_parse(all, strlen(all), &bits) == 0);
	CHECK(bits == (XN_CFG_CPUS | XN_CFG_CPUS_SOFT | XN_CFG_NODES));
	/* libxl placed it itself: nothing in the configuration */
	const char *none = "{\"c_info\":{},\"b_info\":{\"max_vcpus\":2,\"numa_placement\":\"True\","
	                   "\"vcpu_soft_affinity\":[]}}";
	CHECK(xen_config_affinity_parse(none, strlen(none), &bits) == 0);
	CHECK(bits == 0);
	const char *bad[] = {"", "[1,2]", "{\"c_info\":{}}", "{\"b_info\":[]}", "{\"b_info\":{"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(xen_config_affinity_parse(bad[i], strlen(bad[i]), &bits) == -EINVAL);

	/* the file libxl writes, by id and UUID */
	char dir[] = "/tmp/xn-cfg-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	const uint8_t uuid[16] = {0x3f, 0x2b, 0x5c, 0x1e, 0x09, 0xd4, 0x4b, 0x7a,
	                          0x9e, 0x61, 0x5a, 0x0c, 0x2d, 0x8f, 0x7e, 0x10};
	CHECK(xen_config_affinity_read(dir, 7, uuid, &bits) == -ENOENT);
	snprintf(path, sizeof(path),
	         "%s/userdata-d.7.3f2b5c1e-09d4-4b7a-9e61-5a0c2d8f7e10.libxl-json", dir);
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		/* as libxl writes it: the text and its NUL (strlen + 1) */
		fwrite(all, 1, strlen(all) + 1, f);
		fclose(f);
	}
	bits = 0;
	CHECK(xen_config_affinity_read(dir, 7, uuid, &bits) == 0);
	CHECK(bits == (XN_CFG_CPUS | XN_CFG_CPUS_SOFT | XN_CFG_NODES));
	CHECK(xen_config_affinity_read(dir, 8, uuid, &bits) == -ENOENT); /* another id */
	unlink(path);
	rmdir(dir);

	schedule(all);
	return check_report("xen_config");
}
#endif
