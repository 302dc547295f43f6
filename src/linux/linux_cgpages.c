/* linux_cgpages.c - a process's pages per node from its own memory cgroup.
 *
 * A VM on a Linux host usually lives alone in its cgroup (libvirt's
 * machine.slice scopes, systemd scopes, containers), where the kernel
 * already counts its pages per node: memory.numa_stat, O(nodes) to read,
 * against numa_maps' O(pages). The counter is the cgroup's, not the
 * process's, so it is taken for the process only when
 *  - the process is alone: v1, the only entry of its memory cgroup's
 *    cgroup.procs (v1's per-cgroup figures exclude child cgroups); v2, the
 *    only process anywhere below the nearest cgroup with memory.numa_stat
 *    (v2's figures are hierarchical; a threaded subtree such as libvirt's
 *    vcpuN lists its processes at its thread root);
 *  - and (linux_pages.c) the figure agrees with the process's RSS and with
 *    an exact walk made while it was in this cgroup: charges stay where
 *    they were made when a process moves between cgroups, so a process
 *    that moved in is short of its own pages there, and one that joined a
 *    cgroup someone left holds theirs too. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linux_parse.h"
#include "linux_priv.h"
#include "util.h"

enum { MAX_SUBTREE = 64, MAX_DEPTH = 8, PATHLEN = 4608 };

/* 1 when no process but pid is listed in dir/cgroup.procs (nor, with
 * subtree, in those below it), 0 when another is, -errno. *budget limits
 * how many cgroups are looked at. */
static int alone_in(char *dir, size_t cap, pid_t pid, bool subtree, int depth, int *budget)
{
	size_t len = strlen(dir);
	if (--*budget < 0 || len + 16 >= cap)
		return 0; /* too large a tree to call it alone */
	char *text;
	snprintf(dir + len, cap - len, "/cgroup.procs");
	int r = xn_read_file(dir, &text, NULL);
	dir[len] = '\0';
	if (r == -EOPNOTSUPP && depth > 0) {
		text = NULL; /* a threaded cgroup: its processes are at its thread root */
	} else if (r) {
		return r;
	}
	int others = 0;
	for (char *p = text; p && *p;) {
		char *e;
		long v = strtol(p, &e, 10);
		if (e == p)
			break;
		others += v != pid;
		p = e + strspn(e, "\n");
	}
	free(text);
	/* the process itself is known to be here from /proc/PID/cgroup */
	if (others)
		return 0;
	r = 1;
	if (!subtree || depth >= MAX_DEPTH)
		return r;
	DIR *d = opendir(dir);
	if (!d)
		return -errno;
	struct dirent *de;
	while (r == 1 && (de = readdir(d))) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if (len + 2 + strlen(de->d_name) >= cap) {
			r = 0;
			break;
		}
		snprintf(dir + len, cap - len, "/%s", de->d_name);
		r = alone_in(dir, cap, pid, true, depth + 1, budget);
		if (r == -ENOENT)
			r = 1; /* removed meanwhile */
		dir[len] = '\0';
	}
	closedir(d);
	return r;
}

int xn_lx_cgpages_read(const struct xn_lx_cg *cg, pid_t pid, uint64_t page_size,
                       uint64_t *node_pages, uint64_t *cg_id)
{
	if (cg->version != 1 && cg->version != 2)
		return -ENOENT;
	char path[64], buf[4096], rel[4096];
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	ssize_t n = xn_lx_read_small(path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	int r = xn_lx_parse_proc_cgroup(buf, cg->version, rel, sizeof(rel));
	return r ? r : xn_lx_cgpages_read_rel(cg, rel, pid, page_size, node_pages, cg_id);
}

int xn_lx_cgpages_read_rel(const struct xn_lx_cg *cg, const char *prel, pid_t pid,
                           uint64_t page_size, uint64_t *node_pages, uint64_t *cg_id)
{
	char rel[4096];
	if (strlen(prel) >= sizeof(rel))
		return -ENAMETOOLONG;
	xn_strlcpy(rel, prel, sizeof(rel));
	int r;
	char *dir = malloc(PATHLEN);
	if (!dir)
		return -ENOMEM;
	/* v2: memory files live where the controller is enabled, which may be
	 * above the process's own cgroup (libvirt: .../libvirt/emulator) */
	for (;;) {
		if (!rel[0]) {
			r = -ENOENT; /* the root: shared with everyone, and v2 has no file */
			goto out;
		}
		if (snprintf(dir, PATHLEN, "%s%s/memory.numa_stat", cg->mem_root, rel) >= PATHLEN) {
			r = -ENAMETOOLONG;
			goto out;
		}
		if (!access(dir, R_OK) || cg->version == 1)
			break;
		*strrchr(rel, '/') = '\0';
	}
	/* alone first: most processes share their cgroup, and this is cheaper */
	snprintf(dir, PATHLEN, "%s%s", cg->mem_root, rel);
	struct stat sb;
	if (stat(dir, &sb)) {
		r = -errno;
		goto out;
	}
	*cg_id = (uint64_t)sb.st_ino;
	int budget = MAX_SUBTREE;
	r = alone_in(dir, PATHLEN, pid, cg->version == 2, 0, &budget);
	if (r != 1) {
		r = r == 0 ? -EBUSY : r;
		goto out;
	}
	char *text;
	snprintf(dir, PATHLEN, "%s%s/memory.numa_stat", cg->mem_root, rel);
	r = xn_read_file(dir, &text, NULL);
	if (r)
		goto out;
	int maxn, ver;
	r = xn_lx_parse_numa_stat_proc(text, page_size, node_pages, &maxn, &ver);
	free(text);
out:
	free(dir);
	return r;
}

bool xn_lx_cg_agrees(const uint64_t *a, const uint64_t *b, int n)
{
	uint64_t ta = 0, diff = 0;
	for (int i = 0; i < n; i++) {
		ta += a[i];
		diff += a[i] > b[i] ? a[i] - b[i] : b[i] - a[i];
	}
	return diff * XN_LX_CG_TOLERANCE <= ta;
}
