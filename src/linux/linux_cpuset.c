/* linux_cpuset.c - a cgroup's effective cpuset (its CPUs or memory nodes),
 * and the effective CPUs of a process's cpuset: the kernel clips every
 * sched_setaffinity() to these, and refuses a mask outside them, so a move
 * checks them before it touches a page. */
#include <errno.h>
#include <stdio.h>
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

/* Is this /proc/PID/cgroup line's controller list the cpuset hierarchy's? */
static bool is_cpuset_line(const struct xn_lx_cg *cg, const char *ctrls)
{
	if (cg->version == 2)
		return ctrls[0] == '\0';
	for (const char *p = ctrls; p; p = strchr(p, ',')) {
		if (*p == ',')
			p++;
		if (!strncmp(p, "cpuset", 6) && (p[6] == ',' || p[6] == '\0'))
			return true;
	}
	return false;
}

int xn_lx_cpuset_pid_cpus(const struct xn_lx_cg *cg, pid_t pid, xn_cpumask *cpus)
{
	char path[64], buf[4096];
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	if (xn_lx_read_small(path, buf, sizeof(buf)) < 0)
		return -ESRCH;
	for (char *save, *line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		if (!is_cpuset_line(cg, c1 + 1))
			continue;
		const char *rel = !strcmp(c2 + 1, "/") ? "" : c2 + 1;
		memset(cpus, 0, sizeof(*cpus));
		return xn_lx_cpuset_read(cg, rel, true, cpus->w, XN_MAX_CPUS);
	}
	return -ENOENT;
}
