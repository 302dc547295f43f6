/* linux_affinity.c - moving a process to nodes: migrate its pages there
 * (migrate_pages(2)) and pin every thread to the nodes' CPUs
 * (sched_setaffinity(2) per thread), so that what it allocates next is local
 * too; or, with XN_AFF_NO_MEMORY, only pin the threads that run the guest
 * (its vCPU threads for QEMU) and leave the memory where it is. Everything
 * is checked first so that a refusal changes nothing. */
#include <dirent.h>
#include <errno.h>
#include <numaif.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux_parse.h"
#include "linux_priv.h"
#include "util.h"

#define PF_KTHREAD 0x00200000u

int xn_lx_refused(int err_no)
{
	return err_no == EINVAL ? -ECANCELED : -err_no;
}

uint64_t xn_lx_pages_outside(const uint64_t *np, const xn_nodemask *nodes)
{
	uint64_t o = 0;
	for (int i = 0; i < XN_MAX_NODES; i++)
		if (!XN_NM_TEST(nodes, i))
			o += np[i];
	return o;
}

/* Is the process there (and a user process)? 0, -ESRCH or -EINVAL. */
static int check_process(struct xn_source *src, pid_t pid, struct xn_lx_stat *ps,
                         struct xn_lx_status *st)
{
	char path[64], buf[4096], *text;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (pid <= 0 || xn_lx_read_small(path, buf, sizeof(buf)) < 0 || xn_lx_parse_stat(buf, ps) ||
	    ps->state == 'Z' || ps->state == 'X')
		return xn_source_fail(src, -ESRCH, "process %d has exited", (int)pid);
	if (ps->flags & PF_KTHREAD)
		return xn_source_fail(src, -EINVAL, "process %d is a kernel thread", (int)pid);
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (xn_read_file(path, &text, NULL))
		return xn_source_fail(src, -ESRCH, "process %d has exited", (int)pid);
	xn_lx_parse_status(text, st);
	free(text);
	return 0;
}

/* Is pid still the process looked up (same start time)? A PID that was
 * reused in between is another process: nothing may be done to it. */
static int same_process(struct xn_source *src, pid_t pid, uint64_t starttime)
{
	char path[64], buf[4096];
	struct xn_lx_stat ps;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (xn_lx_read_small(path, buf, sizeof(buf)) < 0 || xn_lx_parse_stat(buf, &ps) ||
	    ps.state == 'Z' || ps.state == 'X')
		return xn_source_fail(src, -ESRCH, "process %d has exited", (int)pid);
	if (ps.starttime != starttime)
		return xn_source_fail(src, -ESRCH,
		                      "process %d has exited (its PID now names another "
		                      "process)",
		                      (int)pid);
	return 0;
}

/* Whether thread tid of pid is a QEMU vCPU thread ("CPU n/KVM"): 1, 0, or
 * -ESRCH when it has gone. */
static int thread_is_vcpu(pid_t pid, pid_t tid)
{
	char path[96], comm[64];
	snprintf(path, sizeof(path), "/proc/%d/task/%d/comm", (int)pid, (int)tid);
	if (xn_lx_read_small(path, comm, sizeof(comm)) < 0)
		return -ESRCH;
	comm[strcspn(comm, "\n")] = '\0';
	return xn_lx_vcpu_index(comm) >= 0;
}

/* Threads of pid now, and how many of them are vCPU threads. */
static int count_threads(pid_t pid, int *threads, int *vcpus)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	DIR *dir = opendir(path);
	if (!dir)
		return -ESRCH;
	*threads = *vcpus = 0;
	struct dirent *de;
	while ((de = readdir(dir))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		int v = thread_is_vcpu(pid, (pid_t)atoi(de->d_name));
		if (v < 0)
			continue;
		(*threads)++;
		*vcpus += v;
	}
	closedir(dir);
	return 0;
}

/* Pin every thread, or with vcpu_only only the vCPU threads (threads may
 * be created meanwhile: repeat until a pass finds no thread that was not
 * seen yet). Returns 0 or -errno; *pinned counts the threads done. */
static int pin_threads(pid_t pid, const xn_cpumask *cpus, bool vcpu_only, int *pinned, char *err,
                       size_t errlen)
{
	size_t setsize = CPU_ALLOC_SIZE(XN_MAX_CPUS);
	cpu_set_t *set = CPU_ALLOC(XN_MAX_CPUS);
	pid_t *seen_tids = NULL;
	size_t ns = 0;
	int r = 0;
	*pinned = 0;
	if (!set)
		return xn_errf(err, errlen, -ENOMEM, "out of memory");
	CPU_ZERO_S(setsize, set);
	for (int c = xn_bits_next(cpus->w, XN_MAX_CPUS, 0); c >= 0;
	     c = xn_bits_next(cpus->w, XN_MAX_CPUS, c + 1))
		CPU_SET_S((size_t)c, setsize, set);
	for (int pass = 0; pass < 8 && !r; pass++) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
		DIR *dir = opendir(path);
		if (!dir) {
			r = xn_errf(err, errlen, -ESRCH, "process %d has exited", (int)pid);
			break;
		}
		bool fresh = false;
		struct dirent *de;
		while (!r && (de = readdir(dir))) {
			if (de->d_name[0] < '1' || de->d_name[0] > '9')
				continue;
			pid_t tid = (pid_t)atoi(de->d_name);
			bool seen = false;
			for (size_t i = 0; i < ns && !seen; i++)
				seen = seen_tids[i] == tid;
			if (seen)
				continue;
			fresh = true;
			pid_t *n2 = realloc(seen_tids, (ns + 1) * sizeof(*seen_tids));
			if (!n2) {
				r = xn_errf(err, errlen, -ENOMEM, "out of memory");
				break;
			}
			seen_tids = n2;
			seen_tids[ns++] = tid;
			if (vcpu_only && thread_is_vcpu(pid, tid) != 1)
				continue; /* an I/O or other thread (or gone) */
			if (sched_setaffinity(tid, setsize, set)) {
				if (errno == ESRCH)
					continue; /* that thread exited */
				int e = errno;
				r = xn_errf(err, errlen, xn_lx_refused(e),
				            "pinning thread %d: %s%s", (int)tid, strerror(e),
				            e == EPERM ? " (needs root or CAP_SYS_NICE)" : "");
				break;
			}
			(*pinned)++;
		}
		closedir(dir);
		if (!fresh)
			break;
	}
	free(seen_tids);
	CPU_FREE(set);
	return r;
}

/* May every thread of pid be pinned to cpus? Checked before any page
 * moves, so that a refusal changes nothing: the nodes must have CPUs, and
 * setting each thread's own current mask again (which changes nothing)
 * must be permitted. (A target outside the process's cpuset was refused
 * before: clip_to_cpuset.) */
static int check_pinning(struct xn_source *src, pid_t pid, const xn_cpumask *cpus)
{
	if (xn_bits_next(cpus->w, XN_MAX_CPUS, 0) < 0)
		return xn_source_fail(src, -ECANCELED,
		                      "the nodes have no CPU to pin process %d's threads to; "
		                      "nothing was changed",
		                      (int)pid);
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	DIR *dir = opendir(path);
	if (!dir)
		return xn_source_fail(src, -ESRCH, "process %d has exited", (int)pid);
	size_t setsize = CPU_ALLOC_SIZE(XN_MAX_CPUS);
	cpu_set_t *set = CPU_ALLOC(XN_MAX_CPUS);
	int r = set ? 0 : xn_source_fail(src, -ENOMEM, "out of memory");
	struct dirent *de;
	while (!r && (de = readdir(dir))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		pid_t tid = (pid_t)atoi(de->d_name);
		if (sched_getaffinity(tid, setsize, set) == 0 &&
		    !sched_setaffinity(tid, setsize, set))
			continue;
		if (errno == ESRCH)
			continue; /* that thread exited */
		int e = errno;
		r = xn_source_fail(src, xn_lx_refused(e),
		                   "pinning thread %d: %s%s; nothing was changed", (int)tid,
		                   strerror(e), e == EPERM ? " (needs root or CAP_SYS_NICE)" : "");
	}
	closedir(dir);
	CPU_FREE(set);
	return r;
}

/* The kernel clips a thread's CPU mask to its cpuset's CPUs and refuses a
 * mask outside them: find that before anything moves, and pin to what the
 * kernel will really use, so that the message names those CPUs. */
static int clip_to_cpuset(struct xn_lx_source *lx, pid_t pid, const char *nl, xn_cpumask *cpus)
{
	xn_cpumask allowed;
	if (xn_bits_next(cpus->w, XN_MAX_CPUS, 0) < 0)
		return 0; /* CPU-less nodes: check_pinning says so */
	if (xn_lx_cpuset_pid_cpus(&lx->cg, pid, &allowed))
		return 0; /* no cpuset hierarchy: nothing clips */
	char have[1024], want[1024];
	xn_bits_format_list(allowed.w, XN_MAX_CPUS, have, sizeof(have));
	xn_bits_format_list(cpus->w, XN_MAX_CPUS, want, sizeof(want));
	bool any = false;
	for (size_t i = 0; i < sizeof(cpus->w) / sizeof(cpus->w[0]); i++) {
		cpus->w[i] &= allowed.w[i];
		any |= cpus->w[i] != 0;
	}
	if (!any)
		return xn_source_fail(&lx->base, -EINVAL,
		                      "the CPUs of node%s %s (%s) are outside process %d's cpuset "
		                      "(CPUs %s); nothing was changed",
		                      strpbrk(nl, ",-") ? "s" : "", nl, want, (int)pid, have);
	return 0;
}

/* XN_AFF_NO_MEMORY: pin the threads that run the guest (a QEMU guest's
 * vCPU threads; every thread of another process or of a QEMU without
 * named vCPU threads), no migrate_pages. */
static int pin_only(struct xn_lx_source *lx, pid_t pid, const struct xn_lx_stat *ps,
                    const xn_cpumask *cpus, const char *nl, const char *cl, unsigned flags,
                    char *msg, size_t msglen)
{
	struct xn_source *src = &lx->base;
	int threads, vcpus;
	if (count_threads(pid, &threads, &vcpus) || !threads)
		return xn_source_fail(src, -ESRCH, "process %d has exited", (int)pid);
	bool vcpu_only = vcpus > 0 && xn_lx_is_qemu_pid(pid, ps->comm);
	int n = vcpu_only ? vcpus : threads;
	const char *what = vcpu_only ? "vCPU thread" : "thread";
	const char *s = strpbrk(nl, ",-") ? "s" : "";
	if (flags & XN_AFF_DRY_RUN) {
		snprintf(msg, msglen, "would pin %d %s%s to CPUs %s (node%s %s); memory not moved",
		         n, what, n == 1 ? "" : "s", cl, s, nl);
		return 0;
	}
	char err[400];
	int pinned = 0;
	int r = same_process(src, pid, ps->starttime);
	if (r)
		return r;
	r = pin_threads(pid, cpus, vcpu_only, &pinned, err, sizeof(err));
	snprintf(msg, msglen, "pinned %d %s%s to CPUs %s (node%s %s); memory not moved", pinned,
	         what, pinned == 1 ? "" : "s", cl, s, nl);
	if (r)
		return xn_source_fail(src, r, "%s; pinned %d %s%s before that; memory not moved",
		                      err, pinned, what, pinned == 1 ? "" : "s");
	return 0;
}

int xn_lx_proc_set_affinity(struct xn_lx_source *lx, const struct xn_host *h, pid_t pid,
                            const xn_nodemask *nodes, unsigned flags, char *msg, size_t msglen)
{
	struct xn_source *src = &lx->base;
	char err[400];
	int r = xn_lx_nodes_check(h, nodes, err, sizeof(err));
	if (r)
		return xn_source_fail(src, r, "%s", err);
	struct xn_lx_status *st = calloc(1, sizeof(*st));
	uint64_t *before = malloc(XN_MAX_NODES * sizeof(*before));
	uint64_t *after = malloc(XN_MAX_NODES * sizeof(*after));
	if (!st || !before || !after) {
		r = xn_source_fail(src, -ENOMEM, "out of memory");
		goto out;
	}
	struct xn_lx_stat ps = {0};
	r = check_process(src, pid, &ps, st);
	if (r)
		goto out;
	/* The PID was looked up in the last refresh: if the process seen there
	 * had another start time, this is another process with its PID. */
	for (size_t i = 0; i < lx->nr_qseen; i++)
		if (lx->qseen[i].pid == pid && lx->qseen[i].starttime != ps.starttime) {
			r = xn_source_fail(src, -ESRCH,
			                   "process %d has exited (its PID now names another "
			                   "process); nothing was changed",
			                   (int)pid);
			goto out;
		}
	char nl[256], cl[1024], allowed[256];
	xn_bits_format_list(nodes->w, XN_MAX_NODES, nl, sizeof(nl));
	xn_cpumask cpus;
	xn_lx_nodes_cpus(h, nodes, &cpus);
	if ((r = clip_to_cpuset(lx, pid, nl, &cpus)))
		goto out;
	xn_bits_format_list(cpus.w, XN_MAX_CPUS, cl, sizeof(cl));
	if (flags & XN_AFF_NO_MEMORY) {
		r = pin_only(lx, pid, &ps, &cpus, nl, cl, flags, msg, msglen);
		goto out;
	}
	if (st->valid & XN_LX_ST_MEMS) {
		xn_bits_format_list(st->mems_allowed.w, XN_MAX_NODES, allowed, sizeof(allowed));
		for (int b = xn_bits_next(nodes->w, XN_MAX_NODES, 0); b >= 0;
		     b = xn_bits_next(nodes->w, XN_MAX_NODES, b + 1))
			if (!XN_NM_TEST(&st->mems_allowed, b)) {
				r = xn_source_fail(src, -EINVAL,
				                   "node %d is outside process %d's cpuset "
				                   "(Mems_allowed_list %s)",
				                   b, (int)pid, allowed);
				goto out;
			}
	}
	uint64_t total;
	r = xn_lx_numa_maps_read(pid, h->page_size, before, &total);
	if (r == -ENOENT || r == -ESRCH) {
		r = xn_source_fail(src, -ESRCH, "process %d has exited", (int)pid);
		goto out;
	} else if (r == -EACCES || r == -EPERM) {
		r = xn_source_fail(src, -EPERM,
		                   "process %d: permission denied (needs root or CAP_SYS_NICE)",
		                   (int)pid);
		goto out;
	} else if (r) {
		r = xn_source_fail(src, r, "process %d: reading numa_maps: %s", (int)pid,
		                   strerror(-r));
		goto out;
	}
	const char *s = strpbrk(nl, ",-") ? "s" : "";
	if (flags & XN_AFF_DRY_RUN) {
		snprintf(msg, msglen, "would move %llu pages to node%s %s; pin threads to CPUs %s",
		         (unsigned long long)xn_lx_pages_outside(before, nodes), s, nl, cl);
		goto out;
	}
	if ((r = check_pinning(src, pid, &cpus)))
		goto out;
	/* from = every node of the host, to = the target: the kernel leaves
	 * pages already on a target node where they are. */
	unsigned long from[XN_MAX_NODES / (8 * sizeof(unsigned long))] = {0};
	unsigned long to[XN_MAX_NODES / (8 * sizeof(unsigned long))] = {0};
	const int bpl = 8 * (int)sizeof(unsigned long);
	for (int i = 0; i < h->nr_nodes; i++)
		from[h->nodes[i].id / bpl] |= 1ul << (h->nodes[i].id % bpl);
	for (int b = xn_bits_next(nodes->w, XN_MAX_NODES, 0); b >= 0;
	     b = xn_bits_next(nodes->w, XN_MAX_NODES, b + 1))
		to[b / bpl] |= 1ul << (b % bpl);
	/* the PID looked up may have been reused since: check just before */
	if ((r = same_process(src, pid, ps.starttime)))
		goto out;
	/* maxnode counts one more than the bits the kernel reads */
	long left = migrate_pages((int)pid, XN_MAX_NODES + 1, from, to);
	if (left < 0) {
		int e = errno;
		if (e == ESRCH)
			r = xn_source_fail(src, -ESRCH, "process %d has exited", (int)pid);
		else if (e == EPERM)
			r = xn_source_fail(src, -EPERM,
			                   "migrating process %d's pages: needs root or "
			                   "CAP_SYS_NICE; nothing was changed",
			                   (int)pid);
		else
			r = xn_source_fail(src, xn_lx_refused(e),
			                   "the kernel refused to migrate process %d's pages: %s; "
			                   "nothing was changed",
			                   (int)pid, strerror(e));
		goto out;
	}
	xn_lx_pcache_forget(lx->pcache, pid);
	uint64_t ob = xn_lx_pages_outside(before, nodes), moved = 0;
	if (!xn_lx_numa_maps_read(pid, h->page_size, after, &total)) {
		uint64_t oa = xn_lx_pages_outside(after, nodes);
		moved = ob > oa ? ob - oa : 0;
	}
	char part[160] = "";
	if (left > 0)
		snprintf(part, sizeof(part), " (%ld could not be moved)", left);
	int pinned = 0;
	r = same_process(src, pid, ps.starttime);
	if (!r)
		r = pin_threads(pid, &cpus, false, &pinned, err, sizeof(err));
	else
		xn_strlcpy(err, src->err, sizeof(err));
	if (r) {
		r = xn_source_fail(src, r,
		                   "moved %llu pages to node%s %s%s, but then %s; pinned %d "
		                   "thread%s before that",
		                   (unsigned long long)moved, s, nl, part, err, pinned,
		                   pinned == 1 ? "" : "s");
		snprintf(msg, msglen, "moved %llu pages to node%s %s%s; pinned %d thread%s",
		         (unsigned long long)moved, s, nl, part, pinned, pinned == 1 ? "" : "s");
		goto out;
	}
	snprintf(msg, msglen, "moved %llu pages to node%s %s%s; pinned %d thread%s to CPUs %s",
	         (unsigned long long)moved, s, nl, part, pinned, pinned == 1 ? "" : "s", cl);
out:
	free(st);
	free(before);
	free(after);
	return r;
}
