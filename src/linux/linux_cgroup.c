/* linux_cgroup.c - cgroups as domains (--cgroups): every cgroup of the
 * hierarchy that holds the memory controller (v2 when its memory controller
 * is enabled there, else v1), with its pages per node from memory.numa_stat;
 * and setting a cgroup's cpuset.mems / cpuset.cpus.
 *
 * A cgroup's id is the inode number of its directory, its name the path
 * below the hierarchy's root ("/" for the root itself, "/a/b" below), as
 * /proc/PID/cgroup writes it. vCPUs are the threads directly in the cgroup. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linux_parse.h"
#include "linux_priv.h"
#include "util.h"

enum { MAX_DEPTH = 32, MAX_CGROUPS = 4096, MAX_THREADS = 4096 };
#define NO_LIMIT (UINT64_C(1) << 62) /* v1 writes "unlimited" as ~2^63 rounded to pages */

enum { PATHLEN = 4608 }; /* a root (< 256) + a relative path (< 4096) + a file name */

/* Format a path into buf (PATHLEN bytes); -ENAMETOOLONG when it does not fit. */
static int pathf(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int pathf(char *buf, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, PATHLEN, fmt, ap);
	va_end(ap);
	return n < 0 || n >= PATHLEN ? -ENAMETOOLONG : 0;
}

static bool has_opt(const char *opts, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = opts; p && *p;) {
		if (!strncmp(p, name, n) && (p[n] == ',' || p[n] == '\0' || p[n] == '\n'))
			return true;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return false;
}

int xn_lx_cgroup_detect(struct xn_lx_cg *cg, char *err, size_t errlen)
{
	memset(cg, 0, sizeof(*cg));
	char *text;
	int r = xn_read_file("/proc/self/mountinfo", &text, NULL);
	if (r)
		return xn_errf(err, errlen, r, "cannot read /proc/self/mountinfo: %s",
		               strerror(-r));
	char v1mem[256] = "", v2[256] = "";
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char mnt[256], fstype[32], opts[512];
		/* id parent major:minor root mountpoint opts [optional...] - fstype source
		 * superopts */
		const char *dash = strstr(line, " - ");
		if (!dash || sscanf(line, "%*s %*s %*s %*s %255s", mnt) != 1 ||
		    sscanf(dash + 3, "%31s %*s %511s", fstype, opts) != 2)
			continue;
		if (!strcmp(fstype, "cgroup2") && !v2[0]) {
			xn_strlcpy(v2, mnt, sizeof(v2));
		} else if (!strcmp(fstype, "cgroup")) {
			if (has_opt(opts, "memory"))
				xn_strlcpy(v1mem, mnt, sizeof(v1mem));
			if (has_opt(opts, "cpuset"))
				xn_strlcpy(cg->cpuset_root, mnt, sizeof(cg->cpuset_root));
			if (has_opt(opts, "cpuacct"))
				xn_strlcpy(cg->cpuacct_root, mnt, sizeof(cg->cpuacct_root));
		}
	}
	free(text);
	if (v2[0]) {
		char path[PATHLEN], ctl[512];
		pathf(path, "%s/cgroup.controllers", v2);
		if (xn_lx_read_small(path, ctl, sizeof(ctl)) >= 0 && strstr(ctl, "memory")) {
			cg->version = 2;
			xn_strlcpy(cg->mem_root, v2, sizeof(cg->mem_root));
			xn_strlcpy(cg->cpuset_root, v2, sizeof(cg->cpuset_root));
			cg->cpuacct_root[0] = '\0';
			return 0;
		}
	}
	if (v1mem[0]) {
		cg->version = 1;
		xn_strlcpy(cg->mem_root, v1mem, sizeof(cg->mem_root));
		return 0;
	}
	return xn_errf(err, errlen, -ENOENT,
	               "no cgroup hierarchy with the memory controller is mounted");
}

static int read_u64_file(const char *dir, const char *rel, const char *file, uint64_t *v)
{
	char path[PATHLEN], buf[128];
	pathf(path, "%s%s/%s", dir, rel, file);
	ssize_t r = xn_lx_read_small(path, buf, sizeof(buf));
	if (r < 0)
		return (int)r;
	if (!strcmp(buf, "max\n")) {
		*v = UINT64_MAX;
		return 0;
	}
	return xn_parse_u64(buf, v);
}

uint64_t xn_lx_cgroup_limit_of(const struct xn_lx_cg *cg, const char *cgroup_text)
{
	char rel[4096];
	uint64_t v;
	if (xn_lx_parse_proc_cgroup(cgroup_text, cg->version, rel, sizeof(rel)) ||
	    read_u64_file(cg->mem_root, rel,
	                  cg->version == 2 ? "memory.max" : "memory.limit_in_bytes", &v))
		return UINT64_MAX;
	return v >= NO_LIMIT ? UINT64_MAX : v;
}

/* Threads directly in the cgroup: state, where each ran last, and each
 * one's CPU, state and hard affinity (vcpu_info). */
static void cgroup_threads(const struct xn_lx_source *lx, const char *dir, struct xn_domain *d)
{
	char path[PATHLEN], *text;
	pathf(path, "%s/%s", dir, lx->cg.version == 2 ? "cgroup.threads" : "tasks");
	if (xn_read_file(path, &text, NULL))
		return;
	uint32_t n = 0;
	for (const char *p = text; *p; p++)
		n += *p == '\n';
	if (n > MAX_THREADS)
		n = MAX_THREADS;
	d->vcpus = n;
	if (xn_domain_alloc_vcpu_node(d)) {
		free(text);
		return;
	}
	/* vcpu_info is a luxury here: without memory for it, go on without */
	bool info = !xn_domain_alloc_vcpu_info(d);
	bool running = false, stopped = false;
	uint32_t i = 0;
	for (char *save, *t = strtok_r(text, "\n", &save); t && i < n;
	     t = strtok_r(NULL, "\n", &save), i++) {
		char sp[64], buf[4096];
		struct xn_lx_stat st;
		snprintf(sp, sizeof(sp), "/proc/%.20s/stat", t);
		if (xn_lx_read_small(sp, buf, sizeof(buf)) < 0 || xn_lx_parse_stat(buf, &st))
			continue;
		running |= st.state == 'R';
		stopped |= st.state == 'T' || st.state == 't';
		if (st.processor >= 0)
			d->vcpu_node[i] = lx->cpu_node[st.processor];
		if (info)
			xn_lx_thread_vcpu(lx, (pid_t)atoi(t), &st, &d->vcpu_info[i]);
	}
	free(text);
	d->valid |= XN_DOM_VCPUS | XN_DOM_VCPU_NODE;
	if (n) {
		int slot = stopped ? 4 : running ? 5 : 2;
		d->state[slot] = "dsbcpr"[slot];
		d->valid |= XN_DOM_STATE;
	}
}

static int add_cgroup(struct xn_lx_source *lx, struct xn_snapshot *s, const char *rel, ino_t ino)
{
	const struct xn_lx_cg *cg = &lx->cg;
	char dir[PATHLEN];
	pathf(dir, "%s%s", cg->mem_root, rel);
	struct xn_domain *d = xn_snapshot_add_domain(s);
	if (!d)
		return -ENOMEM;
	d->id = (int64_t)ino;
	if (xn_domain_set_name(d, rel[0] ? rel : "/")) {
		xn_snapshot_drop_last(s);
		return -ENOMEM;
	}
	char path[PATHLEN], *text;
	pathf(path, "%s/memory.numa_stat", dir);
	if (!xn_read_file(path, &text, NULL)) {
		uint64_t *np = malloc(XN_MAX_NODES * sizeof(*np));
		int maxn, ver;
		if (np && !xn_lx_parse_numa_stat(text, s->host.page_size, np, &maxn, &ver)) {
			for (int i = 0; i < s->host.nr_nodes; i++)
				d->node_pages[i] = np[s->host.nodes[i].id];
			d->pages_method = XN_PAGES_CGROUP;
			d->valid |= XN_DOM_PAGES;
		}
		free(np);
		free(text);
	}
	uint64_t v;
	if (!read_u64_file(cg->mem_root, rel,
	                   cg->version == 2 ? "memory.current" : "memory.usage_in_bytes", &v)) {
		d->mem_cur = v;
		d->valid |= XN_DOM_MEM_CUR;
	}
	if (!read_u64_file(cg->mem_root, rel,
	                   cg->version == 2 ? "memory.max" : "memory.limit_in_bytes", &v)) {
		d->mem_max = v >= NO_LIMIT ? UINT64_MAX : v;
		d->valid |= XN_DOM_MEM_MAX;
	} else if (!rel[0]) {
		d->mem_max = UINT64_MAX; /* the root has no limit file */
		d->valid |= XN_DOM_MEM_MAX;
	}
	if (cg->version == 2) {
		char buf[4096];
		pathf(path, "%s/cpu.stat", dir);
		const char *u;
		if (xn_lx_read_small(path, buf, sizeof(buf)) >= 0 &&
		    (u = strstr(buf, "usage_usec ")) && sscanf(u + 11, "%" SCNu64, &v) == 1) {
			d->cpu_ns = v * 1000;
			d->valid |= XN_DOM_CPU_NS;
		}
	} else if (cg->cpuacct_root[0] &&
	           !read_u64_file(cg->cpuacct_root, rel, "cpuacct.usage", &v)) {
		d->cpu_ns = v;
		d->valid |= XN_DOM_CPU_NS;
	}
	cgroup_threads(lx, dir, d);
	if (!xn_lx_cpuset_read(cg, rel, false, d->node_affinity.w, XN_MAX_NODES)) {
		d->affinity_auto = xn_nodemask_is_all(&d->node_affinity, &s->host);
		d->valid |= XN_DOM_AFFINITY;
	} else if (cg->version == 2) {
		/* no cpuset controller here: nothing restricts the cgroup */
		for (int i = 0; i < s->host.nr_nodes; i++)
			XN_NM_SET(&d->node_affinity, s->host.nodes[i].id);
		d->affinity_auto = true;
		d->valid |= XN_DOM_AFFINITY;
	}
	return 0;
}

/* Depth-first over the memory hierarchy; fn(rel, ino) for each cgroup until
 * fn returns non-zero. */
typedef int (*walk_fn)(void *arg, const char *rel, ino_t ino);

static int walk(const char *root, char *rel, size_t relcap, int depth, int *count, walk_fn fn,
                void *arg)
{
	char dir[PATHLEN];
	pathf(dir, "%s%s", root, rel);
	struct stat sb;
	if (stat(dir, &sb))
		return 0; /* removed meanwhile */
	if (++*count > MAX_CGROUPS)
		return 0;
	int r = fn(arg, rel, sb.st_ino);
	if (r || depth >= MAX_DEPTH)
		return r;
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	size_t len = strlen(rel);
	struct dirent *de;
	while (!r && (de = readdir(d))) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if (len + 1 + strlen(de->d_name) >= relcap)
			continue;
		snprintf(rel + len, relcap - len, "/%s", de->d_name);
		r = walk(root, rel, relcap, depth + 1, count, fn, arg);
		rel[len] = '\0';
	}
	closedir(d);
	return r;
}

struct sample_arg {
	struct xn_lx_source *lx;
	struct xn_snapshot *s;
};

static int sample_one(void *arg, const char *rel, ino_t ino)
{
	struct sample_arg *a = arg;
	return add_cgroup(a->lx, a->s, rel, ino);
}

int xn_lx_cgroup_sample(struct xn_lx_source *lx, struct xn_snapshot *s)
{
	char rel[4096] = "";
	int count = 0;
	struct sample_arg a = {lx, s};
	int r = walk(lx->cg.mem_root, rel, sizeof(rel), 0, &count, sample_one, &a);
	if (r)
		return xn_source_fail(&lx->base, r, "out of memory");
	return 0;
}

struct find_arg {
	int64_t id;
	char rel[4096];
	bool found;
};

static int find_one(void *arg, const char *rel, ino_t ino)
{
	struct find_arg *a = arg;
	if ((int64_t)ino != a->id)
		return 0;
	xn_strlcpy(a->rel, rel, sizeof(a->rel));
	a->found = true;
	return 1;
}

/* Pages of a cgroup per node id, from memory.numa_stat (XN_MAX_NODES). */
static int cg_pages(const struct xn_lx_source *lx, const char *rel, uint64_t *np)
{
	char path[PATHLEN], *text;
	pathf(path, "%s%s/memory.numa_stat", lx->cg.mem_root, rel);
	int r = xn_read_file(path, &text, NULL);
	if (r)
		return r;
	int maxn, ver;
	r = xn_lx_parse_numa_stat(text, lx->page_size, np, &maxn, &ver);
	free(text);
	return r;
}

static int write_file(const char *dir, const char *file, const char *val, char *err, size_t errlen)
{
	char path[PATHLEN];
	pathf(path, "%s/%s", dir, file);
	FILE *f = fopen(path, "we");
	if (!f)
		return xn_errf(err, errlen, -errno, "cannot open %s: %s", path, strerror(errno));
	/* cgroup files report a refusal at the write, which fclose flushes */
	int e = fputs(val, f) < 0 ? errno : 0;
	if (fclose(f) && !e)
		e = errno;
	if (e)
		return xn_errf(err, errlen, xn_lx_refused(e), "writing \"%s\" to %s: %s", val, path,
		               strerror(e));
	return 0;
}

int xn_lx_cgroup_set_affinity(struct xn_lx_source *lx, const struct xn_host *h, int64_t id,
                              const xn_nodemask *nodes, unsigned flags, char *msg, size_t msglen)
{
	struct xn_source *src = &lx->base;
	struct find_arg *fa = calloc(1, sizeof(*fa));
	uint64_t *before = malloc(XN_MAX_NODES * sizeof(*before));
	uint64_t *after = malloc(XN_MAX_NODES * sizeof(*after));
	int r = 0;
	if (!fa || !before || !after) {
		r = xn_source_fail(src, -ENOMEM, "out of memory");
		goto out;
	}
	fa->id = id;
	char rel[4096] = "";
	int count = 0;
	walk(lx->cg.mem_root, rel, sizeof(rel), 0, &count, find_one, fa);
	if (!fa->found) {
		r = xn_source_fail(src, -ESRCH, "cgroup %lld not found (it has gone?)",
		                   (long long)id);
		goto out;
	}
	const char *name = fa->rel[0] ? fa->rel : "/";
	char dir[PATHLEN];
	if (!lx->cg.cpuset_root[0]) {
		r = xn_source_fail(src, -ENOTSUP, "no cpuset cgroup hierarchy is mounted");
		goto out;
	}
	pathf(dir, "%s%s", lx->cg.cpuset_root, fa->rel);
	char probe[PATHLEN];
	pathf(probe, "%s/cpuset.mems", dir);
	if (access(probe, F_OK)) {
		r = xn_source_fail(
		        src, -ENOTSUP,
		        lx->cg.version == 2
		                ? "cgroup %s has no cpuset.mems (enable the cpuset "
		                  "controller in its parent's cgroup.subtree_control)"
		                : "cgroup %s has no directory in the cpuset hierarchy %s",
		        name, lx->cg.cpuset_root);
		goto out;
	}
	xn_cpumask cpus;
	xn_lx_nodes_cpus(h, nodes, &cpus);
	char nl[256], cl[1024];
	xn_bits_format_list(nodes->w, XN_MAX_NODES, nl, sizeof(nl));
	xn_bits_format_list(cpus.w, XN_MAX_CPUS, cl, sizeof(cl));
	bool no_mem = flags & XN_AFF_NO_MEMORY;
	if (flags & XN_AFF_DRY_RUN) {
		if (no_mem)
			snprintf(msg, msglen,
			         "would set cgroup %s cpuset.cpus to %s (node%s %s); memory not "
			         "moved",
			         name, cl, strpbrk(nl, ",-") ? "s" : "", nl);
		else
			snprintf(msg, msglen,
			         "would set cgroup %s cpuset.mems to %s and cpuset.cpus to %s",
			         name, nl, cl);
		goto out;
	}
	char err[400] = "";
	if (no_mem) {
		/* cpuset.mems untouched: its pages stay, and so does where new ones go */
		r = write_file(dir, "cpuset.cpus", cl, err, sizeof(err));
		if (r)
			r = xn_source_fail(src, r, "%s%s", err,
			                   r == -EPERM || r == -EACCES ? " (needs root)" : "");
		else
			snprintf(msg, msglen,
			         "cgroup %s: cpuset.cpus %s (node%s %s); memory not moved", name,
			         cl, strpbrk(nl, ",-") ? "s" : "", nl);
		goto out;
	}
	bool have_before = !cg_pages(lx, fa->rel, before);
	/* v1 moves existing pages on a mems change only with memory_migrate
	 * (v2 always does). Widen cpus before mems: a cpuset needs both non-empty. */
	if (lx->cg.version == 1)
		r = write_file(dir, "cpuset.memory_migrate", "1", err, sizeof(err));
	if (!r)
		r = write_file(dir, "cpuset.cpus", cl, err, sizeof(err));
	if (!r)
		r = write_file(dir, "cpuset.mems", nl, err, sizeof(err));
	if (r) {
		r = xn_source_fail(src, r, "%s%s", err,
		                   r == -EPERM || r == -EACCES ? " (needs root)" : "");
		goto out;
	}
	if (have_before && !cg_pages(lx, fa->rel, after)) {
		uint64_t ob = xn_lx_pages_outside(before, nodes),
		         oa = xn_lx_pages_outside(after, nodes);
		snprintf(msg, msglen,
		         "cgroup %s: cpuset.mems %s, cpuset.cpus %s; moved %llu pages to node%s %s",
		         name, nl, cl, (unsigned long long)(ob > oa ? ob - oa : 0),
		         strpbrk(nl, ",-") ? "s" : "", nl);
	} else {
		snprintf(msg, msglen, "cgroup %s: cpuset.mems %s, cpuset.cpus %s", name, nl, cl);
	}
out:
	free(fa);
	free(before);
	free(after);
	return r;
}
