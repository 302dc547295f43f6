/* linux_procs.c - processes as domains: which ones (QEMU guests, the largest
 * others, --pid) and their figures from /proc.
 *
 * State (xentop's "dsbcpr") from the threads' states: r = a thread is
 * running (R); p = stopped or traced (T/t); d = the process is a zombie
 * (Z/X); b = otherwise (sleeping S, disk wait D, idle I). s and c never apply.
 * vCPUs: for QEMU the threads named "CPU n/KVM" (QEMU's debug-threads=on,
 * which libvirt sets), else every thread; each with its CPU, state and hard
 * affinity in vcpu_info (one sched_getaffinity per vCPU: the thread's stat
 * is read anyway, its status is not). */
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linux_parse.h"
#include "linux_priv.h"
#include "util.h"

#define PF_KTHREAD 0x00200000u

int xn_lx_pids_parse(const char *s, pid_t **out, size_t *n, char *err, size_t errlen)
{
	*out = NULL;
	*n = 0;
	if (!s)
		return 0;
	pid_t *v = NULL;
	size_t nv = 0;
	const char *p = s;
	for (;;) {
		char *e;
		errno = 0;
		long x = strtol(p, &e, 10);
		if (e == p || errno || x <= 0 || x > 0x3fffffff || (*e && *e != ',')) {
			free(v);
			return xn_errf(err, errlen, -EINVAL,
			               "bad PID list \"%s\" (expected e.g. 123,456)", s);
		}
		pid_t *nvp = realloc(v, (nv + 1) * sizeof(*v));
		if (!nvp) {
			free(v);
			return xn_errf(err, errlen, -ENOMEM, "out of memory");
		}
		v = nvp;
		v[nv++] = (pid_t)x;
		if (!*e)
			break;
		p = e + 1;
	}
	*out = v;
	*n = nv;
	return 0;
}

static int read_stat(pid_t pid, struct xn_lx_stat *st)
{
	char path[64], buf[4096];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	ssize_t r = xn_lx_read_small(path, buf, sizeof(buf));
	if (r < 0)
		return (int)r;
	return xn_lx_parse_stat(buf, st);
}

struct cand {
	pid_t pid;
	uint64_t rss;
	bool pick; /* QEMU or --pid: shown whatever its size */
	bool qemu;
};

static int cmp_rss_desc(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	if (x->rss != y->rss)
		return x->rss < y->rss ? 1 : -1;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

static bool listed(const struct xn_lx_source *lx, pid_t pid)
{
	for (size_t i = 0; i < lx->nr_pids; i++)
		if (lx->pids[i] == pid)
			return true;
	return false;
}

/* What a thread's stat said, kept until the vCPU count is known. */
struct thread {
	pid_t tid;
	int vcpu; /* QEMU: n of "CPU n/KVM", -1 for other threads; else -1 */
	struct xn_lx_stat st;
};

/* Threads: state letters, vCPUs and where each ran last. A QEMU guest's
 * vCPUs are its "CPU n/KVM" threads (vCPU n), its I/O and other threads
 * left out; a guest without such names (debug-threads=off) and a plain
 * process count every thread. */
static int read_threads(const struct xn_lx_source *lx, pid_t pid, bool qemu, char main_state,
                        struct xn_domain *d)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	DIR *dir = opendir(path);
	if (!dir)
		return -errno;
	struct thread *t = NULL;
	size_t n = 0, cap = 0;
	bool running = false, stopped = false;
	int max_vcpu = -1;
	struct dirent *de;
	while ((de = readdir(dir))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		char tp[96], buf[4096];
		snprintf(tp, sizeof(tp), "/proc/%d/task/%.20s/stat", (int)pid, de->d_name);
		struct xn_lx_stat ts;
		if (xn_lx_read_small(tp, buf, sizeof(buf)) < 0 || xn_lx_parse_stat(buf, &ts))
			continue; /* the thread exited meanwhile */
		running |= ts.state == 'R';
		stopped |= ts.state == 'T' || ts.state == 't';
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct thread *a = realloc(t, nc * sizeof(*a));
			if (!a) {
				closedir(dir);
				free(t);
				return -ENOMEM;
			}
			t = a;
			cap = nc;
		}
		t[n].tid = (pid_t)atoi(de->d_name);
		t[n].vcpu = qemu ? xn_lx_vcpu_index(ts.comm) : -1;
		t[n].st = ts;
		if (t[n].vcpu > max_vcpu)
			max_vcpu = t[n].vcpu;
		n++;
	}
	closedir(dir);
	int slot = main_state == 'Z' || main_state == 'X' ? 0 : stopped ? 4 : running ? 5 : 2;
	d->state[slot] = "dsbcpr"[slot];
	d->valid |= XN_DOM_STATE;
	/* vCPU n is slot n: a vCPU unplugged from the middle leaves its slot unknown */
	d->vcpus = max_vcpu >= 0 ? (uint32_t)max_vcpu + 1 : (uint32_t)n;
	int r = xn_domain_alloc_vcpu_node(d);
	if (!r)
		r = xn_domain_alloc_vcpu_info(d);
	for (size_t i = 0; i < n && !r; i++) {
		int v = max_vcpu >= 0 ? t[i].vcpu : (int)i;
		if (v < 0)
			continue;
		if (t[i].st.processor >= 0)
			d->vcpu_node[v] = lx->cpu_node[t[i].st.processor];
		r = xn_lx_thread_vcpu(lx, t[i].tid, &t[i].st, &d->vcpu_info[v]);
	}
	if (!r)
		d->valid |= XN_DOM_VCPUS | XN_DOM_VCPU_NODE;
	free(t);
	return r;
}

/* The CPUs of its cpuset, when they leave out a CPU of the host: a hard
 * limit (XN_DOM_CPUS_HARD). Not the threads' own masks (taskset,
 * sched_setaffinity): a step replaces those. */
static void read_cpuset_cpus(struct xn_lx_source *lx, const struct xn_snapshot *s,
                             const char *cgroup_text, struct xn_lx_cpuset_cache *cs,
                             struct xn_domain *d)
{
	const xn_cpumask *cpus = xn_lx_cpuset_cache_cpus(cs, &lx->cg, cgroup_text);
	if (!cpus)
		return; /* no limit known */
	bool limits = false;
	for (int i = 0; i < s->host.nr_nodes && !limits; i++)
		for (size_t w = 0; w < XN_ARRAY_SIZE(cpus->w) && !limits; w++)
			limits = (s->host.nodes[i].cpus.w[w] & ~cpus->w[w]) != 0;
	if (!limits || !(d->cpuset_cpus = malloc(sizeof(*d->cpuset_cpus))))
		return;
	*d->cpuset_cpus = *cpus;
	d->valid |= XN_DOM_CPUS_HARD;
}

static void read_affinity(const struct xn_snapshot *s, pid_t pid, struct xn_domain *d)
{
	char path[64], *text;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (xn_read_file(path, &text, NULL))
		return;
	struct xn_lx_status *st = malloc(sizeof(*st));
	if (st) {
		xn_lx_parse_status(text, st);
		if (st->valid & XN_LX_ST_MEMS) {
			d->node_affinity = st->mems_allowed;
			bool all_cpus = true;
			for (int i = 0; i < s->host.nr_nodes; i++)
				for (int w = 0; w < XN_MAX_CPUS / 64; w++)
					if (s->host.nodes[i].cpus.w[w] & ~st->cpus_allowed.w[w])
						all_cpus = false;
			/* the policy of most of its pages (linux_parse.h):
			 * "local" chooses no node, like "default" */
			xn_nodemask pn;
			bool chosen = (d->valid & XN_DOM_MEM_POLICY) &&
			              xn_mem_policy_kind(d->mem_policy, &pn) != XN_MPOL_NONE;
			d->affinity_auto = xn_nodemask_is_all(&d->node_affinity, &s->host) &&
			                   (st->valid & XN_LX_ST_CPUS) && all_cpus && !chosen;
			d->valid |= XN_DOM_AFFINITY | XN_DOM_MEMS_HARD;
		}
		free(st);
	}
	free(text);
}

static void set_name(struct xn_domain *d, pid_t pid, bool qemu, const char *comm)
{
	if (qemu) {
		char path[64], *cmd, name[256];
		size_t len;
		snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
		if (!xn_read_file(path, &cmd, &len)) {
			int r = xn_lx_qemu_guest_name(cmd, len, name, sizeof(name));
			free(cmd);
			if (!r && name[0] && !xn_domain_set_name(d, name))
				return;
		}
	}
	xn_domain_set_name(d, comm);
}

/* One process as a domain (qemu: found to be QEMU by the scan); a process
 * that vanished is silently left out. */
static int add_process(struct xn_lx_source *lx, struct xn_snapshot *s, pid_t pid, bool qemu,
                       struct xn_lx_cpuset_cache *cs)
{
	struct xn_lx_stat st;
	if (read_stat(pid, &st))
		return 0;
	struct xn_domain *d = xn_snapshot_add_domain(s);
	if (!d)
		return -ENOMEM;
	d->id = pid;
	if (pid == getpid())
		d->valid |= XN_DOM_SELF;
	set_name(d, pid, qemu, st.comm);
	if (!d->name) {
		xn_snapshot_drop_last(s);
		return -ENOMEM;
	}
	d->cpu_ns = (st.utime + st.stime) * (1000000000ull / (uint64_t)lx->clk_tck);
	d->mem_cur = st.rss_pages * s->host.page_size;
	/* its cgroups, read once: its memory limit and its cpuset's CPUs */
	char path[64], cgt[4096] = "";
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	if ((lx->cg.version || lx->cg.cpuset_root[0]) &&
	    xn_lx_read_small(path, cgt, sizeof(cgt)) < 0)
		cgt[0] = '\0';
	d->mem_max = lx->cg.version ? xn_lx_cgroup_limit_of(&lx->cg, cgt) : UINT64_MAX;
	d->valid |= XN_DOM_CPU_NS | XN_DOM_MEM_CUR | XN_DOM_MEM_MAX;
	int r = read_threads(lx, pid, qemu, st.state, d);
	if (r == -ENOMEM) {
		xn_snapshot_drop_last(s);
		return r;
	}
	r = xn_lx_pages_get(lx, &s->host, pid, st.starttime, st.rss_pages, st.faults, d);
	if (r == -ENOMEM) {
		xn_snapshot_drop_last(s);
		return r;
	}
	if (r == -ENOENT || r == -ESRCH) {
		xn_snapshot_drop_last(s); /* exited meanwhile */
		return 0;
	}
	read_affinity(s, pid, d);
	read_cpuset_cpus(lx, s, cgt, cs, d);
	return 0;
}

static int cmp_qseen(const void *a, const void *b)
{
	const struct xn_lx_qemu_seen *x = a, *y = b;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* xn_lx_is_qemu_pid(), answered from the last refresh when the process is the same. */
static bool is_qemu_cached(const struct xn_lx_source *lx, pid_t pid, const struct xn_lx_stat *st)
{
	struct xn_lx_qemu_seen key = {.pid = pid};
	const struct xn_lx_qemu_seen *q =
	        lx->nr_qseen ? bsearch(&key, lx->qseen, lx->nr_qseen, sizeof(key), cmp_qseen)
	                     : NULL;
	if (q && q->starttime == st->starttime)
		return q->qemu;
	return xn_lx_is_qemu_pid(pid, st->comm);
}

int xn_lx_procs_sample(struct xn_lx_source *lx, struct xn_snapshot *s)
{
	DIR *dir = opendir("/proc");
	if (!dir)
		return xn_source_fail(&lx->base, -errno, "cannot list /proc: %s", strerror(errno));
	struct cand *c = NULL;
	struct xn_lx_qemu_seen *seen = NULL;
	size_t n = 0, cap = 0, ns = 0, scap = 0;
	int r = 0;
	struct dirent *de;
	while ((de = readdir(dir))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		pid_t pid = (pid_t)atoi(de->d_name);
		struct xn_lx_stat st;
		if (read_stat(pid, &st) || (st.flags & PF_KTHREAD))
			continue;
		bool qemu = is_qemu_cached(lx, pid, &st);
		if (ns == scap) {
			scap = scap ? scap * 2 : 256;
			struct xn_lx_qemu_seen *nsp = realloc(seen, scap * sizeof(*nsp));
			if (!nsp) {
				r = -ENOMEM;
				break;
			}
			seen = nsp;
		}
		seen[ns++] = (struct xn_lx_qemu_seen){pid, st.starttime, qemu};
		bool pick = qemu || listed(lx, pid);
		if (!pick && !lx->top_n)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			struct cand *nc = realloc(c, cap * sizeof(*nc));
			if (!nc) {
				r = -ENOMEM;
				break;
			}
			c = nc;
		}
		c[n++] = (struct cand){.pid = pid, .rss = st.rss_pages, .pick = pick, .qemu = qemu};
	}
	closedir(dir);
	if (r) {
		free(c);
		free(seen);
		return xn_source_fail(&lx->base, r, "out of memory");
	}
	if (ns)
		qsort(seen, ns, sizeof(*seen), cmp_qseen);
	free(lx->qseen);
	lx->qseen = seen;
	lx->nr_qseen = ns;
	if (n)
		qsort(c, n, sizeof(*c), cmp_rss_desc);
	int others = 0;
	struct xn_lx_cpuset_cache cs = {0}; /* this sample's cpusets, per cgroup */
	for (size_t i = 0; i < n && !r; i++) {
		if (!c[i].pick) {
			if (others >= lx->top_n)
				continue;
			others++;
		}
		r = add_process(lx, s, c[i].pid, c[i].qemu, &cs);
	}
	xn_lx_cpuset_cache_free(&cs);
	free(c);
	if (r)
		return xn_source_fail(&lx->base, r, "out of memory");
	return 0;
}
