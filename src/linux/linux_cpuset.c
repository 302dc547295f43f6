/* linux_cpuset.c - a cgroup's effective cpuset (its CPUs or memory nodes),
 * and the effective CPUs of a process's cpuset: the kernel clips every
 * sched_setaffinity() to these, and refuses a mask outside them, so a move
 * checks them before it touches a page, and the model carries them
 * (XN_DOM_CPUS_HARD) so that no step is advised outside them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux_parse.h"
#include "linux_priv.h"
#include "util.h"

enum { CS_PATHLEN = 4608 }; /* a root (< 256) + a relative path (< 4096) + a file name */

int xn_lx_cpuset_read(const struct xn_lx_cg *cg, const char *rel, bool cpus, uint64_t *w, int nbits)
{
	if (!cg->cpuset_root[0])
		return -ENOENT;
	/* v2 names the file cpuset.X.effective, v1 cpuset.effective_X */
	const char *file = cg->version == 2
	                           ? (cpus ? "cpuset.cpus.effective" : "cpuset.mems.effective")
	                           : (cpus ? "cpuset.effective_cpus" : "cpuset.effective_mems");
	char r[4096];
	xn_strlcpy(r, rel, sizeof(r));
	for (;;) {
		char path[CS_PATHLEN], buf[4096];
		int n = snprintf(path, sizeof(path), "%s%s/%s", cg->cpuset_root, r, file);
		if (n > 0 && n < (int)sizeof(path) && xn_lx_read_small(path, buf, sizeof(buf)) >= 0)
			return xn_bits_parse_list(buf, w, nbits, NULL, 0);
		/* no such file: (v1) no directory there, or (v2) the controller
		 * is not enabled there; the nearest ancestor's set applies */
		char *slash = strrchr(r, '/');
		if (!slash)
			return -ENOENT;
		*slash = '\0';
	}
}

int xn_lx_cpuset_pid_cpus(const struct xn_lx_cg *cg, pid_t pid, xn_cpumask *cpus)
{
	char path[64], buf[4096], rel[4096];
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	if (xn_lx_read_small(path, buf, sizeof(buf)) < 0)
		return -ESRCH;
	if (xn_lx_parse_proc_cgroup_of(buf, cg->version, "cpuset", rel, sizeof(rel)))
		return -ENOENT;
	memset(cpus, 0, sizeof(*cpus));
	return xn_lx_cpuset_read(cg, rel, true, cpus->w, XN_MAX_CPUS);
}

/* One cgroup's answer in the cache. */
struct cs_entry {
	char *rel;
	int r; /* xn_lx_cpuset_read's */
	xn_cpumask cpus;
};

const xn_cpumask *xn_lx_cpuset_cache_cpus(struct xn_lx_cpuset_cache *c, const struct xn_lx_cg *cg,
                                          const char *cgroup_text)
{
	char rel[4096];
	if (!cg->cpuset_root[0] ||
	    xn_lx_parse_proc_cgroup_of(cgroup_text, cg->version, "cpuset", rel, sizeof(rel)))
		return NULL;
	/* a few groups for hundreds of processes: a linear search is enough
	 * (one per libvirt guest is still a few hundred string compares) */
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->e[i].rel, rel))
			return c->e[i].r ? NULL : &c->e[i].cpus;
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 8;
		struct cs_entry *e = realloc(c->e, cap * sizeof(*e));
		if (!e)
			return NULL; /* unknown, as if unreadable: no limit told */
		c->e = e;
		c->cap = cap;
	}
	struct cs_entry *e = &c->e[c->n];
	if (!(e->rel = strdup(rel)))
		return NULL;
	c->n++;
	memset(&e->cpus, 0, sizeof(e->cpus));
	e->r = xn_lx_cpuset_read(cg, rel, true, e->cpus.w, XN_MAX_CPUS);
	return e->r ? NULL : &e->cpus;
}

void xn_lx_cpuset_cache_free(struct xn_lx_cpuset_cache *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->e[i].rel);
	free(c->e);
	memset(c, 0, sizeof(*c));
}
