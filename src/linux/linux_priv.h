/* linux_priv.h - what the files of the linux source share with each other
 * (not part of any other module's contract). */
#ifndef XN_LINUX_PRIV_H
#define XN_LINUX_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sched.h>
#include <sys/types.h>

#include "nodemask.h"
#include "snapshot.h"
#include "source.h"

/* Defaults of the scan budget (see linux_pages.c). */
#define XN_LX_EXACT_INTERVAL 10.0 /* s: base interval between exact numa_maps walks */
/* The adaptive walk interval stays within [base / MIN_DIV, base * MAX_MUL]. */
enum { XN_LX_IVL_MIN_DIV = 4, XN_LX_IVL_MAX_MUL = 8 };
/* Own-cgroup figures: 1/50 = 2 % is the most they may differ from the RSS
 * and from a walk; a walk re-checks them every XN_LX_CG_RECHECK seconds. */
enum { XN_LX_CG_TOLERANCE = 50 };
#define XN_LX_CG_RECHECK 600.0

/* Where the cgroup hierarchies are mounted. */
struct xn_lx_cg {
	int version;            /* 1 or 2 (of the memory controller), 0 = no memory cgroups */
	char mem_root[256];     /* hierarchy holding memory.numa_stat */
	char cpuset_root[256];  /* v1: the cpuset hierarchy, "" if none; v2: = mem_root */
	char cpuacct_root[256]; /* v1: the cpuacct hierarchy, "" if none */
};

struct xn_lx_pcache;
struct xn_lx_stat;

/* Whether a process is QEMU, remembered by PID and start time so that its
 * executable is looked at once, not at every refresh. */
struct xn_lx_qemu_seen {
	pid_t pid;
	uint64_t starttime;
	bool qemu;
};

/* The ops table (linux_source.c); registered in source.c. */
extern const struct xn_source_ops xn_source_linux;

/* Private state: the public part first (source.h). */
struct xn_lx_source {
	struct xn_source base;
	bool cgroups;
	int top_n;   /* resolved: 0 = no "largest processes" */
	pid_t *pids; /* --pid */
	size_t nr_pids;
	double exact_interval; /* resolved, seconds */
	long clk_tck;
	uint64_t page_size;
	struct xn_lx_pcache *pcache;
	struct xn_lx_qemu_seen *qseen; /* sorted by pid (last refresh's processes) */
	size_t nr_qseen;
	struct xn_lx_cg cg;
	int16_t cpu_node[XN_MAX_CPUS]; /* CPU -> node id (-1), refreshed each sample */
	/* sched_getaffinity(2) buffer for every thread's vcpu_info.hard,
	 * allocated once: no allocation per thread but the owned string */
	cpu_set_t *affset; /* XN_MAX_CPUS bits */
	size_t affset_size;
	/* this refresh's xn_lx_parse_vmstat_moves; moves_ok false when unknown
	 * or when KSM runs (it replaces pages without faults or migrations) */
	uint64_t moves;
	bool moves_ok;
};

/* ---- linux_host.c ---- */

/* Read a small file into buf (NUL-terminated). Length or -errno. */
ssize_t xn_lx_read_small(const char *path, char *buf, size_t size);

/* Fill h: online nodes, their memory and CPUs, distances, zones, page size.
 * 0 or -errno with the reason in err. */
int xn_lx_host_read(struct xn_host *h, char *err, size_t errlen);

/* cpu_node[XN_MAX_CPUS] from the host's node CPU masks (-1 = no node). */
void xn_lx_cpu_node_map(const struct xn_host *h, int16_t *cpu_node);

/* The host's CPUs of the given nodes. */
void xn_lx_nodes_cpus(const struct xn_host *h, const xn_nodemask *nodes, xn_cpumask *cpus);

/* Refuse node sets the host cannot honour: a node that is not online, or
 * without memory or CPUs. 0 or -EINVAL with the reason in err. */
int xn_lx_nodes_check(const struct xn_host *h, const xn_nodemask *nodes, char *err, size_t errlen);

/* ---- linux_pages.c: per-process pages with a scan budget ---- */

/* The cache of what each process's last walk found: new is NULL when out of
 * memory; free takes NULL. */
struct xn_lx_pcache *xn_lx_pcache_new(void);
void xn_lx_pcache_free(struct xn_lx_pcache *c);
/* Mark and sweep: call begin before a sample and end after it; entries of
 * processes not looked up in between are dropped. begin also decides which
 * walks that fell due this refresh may run now (xn_lx_spread_walks). */
void xn_lx_pcache_begin(struct xn_lx_pcache *c, uint64_t now_ns);
void xn_lx_pcache_end(struct xn_lx_pcache *c);
/* Forget a PID (its pages were just moved: next look-up is exact). */
void xn_lx_pcache_forget(struct xn_lx_pcache *c, pid_t pid);

/* Fill d->node_pages (host order), pages_method, pages_age_ms and the
 * XN_DOM_PAGES bit for process pid (identity pid + starttime; rss in pages
 * and faults (minflt + majflt) now); and d->mem_policy with XN_DOM_MEM_POLICY,
 * the policy of most of its pages at the last walk (linux_parse.h). 0 or
 * -errno (-ENOENT/-ESRCH when the process is gone). */
int xn_lx_pages_get(struct xn_lx_source *lx, const struct xn_host *h, pid_t pid, uint64_t starttime,
                    uint64_t rss, uint64_t faults, struct xn_domain *d);

/* Read lx->moves / moves_ok for this refresh (/proc/vmstat, KSM's run). */
void xn_lx_moves_read(struct xn_lx_source *lx);

/* Pure: the next walk interval (ns) after a walk. drift: the walk was forced
 * by the RSS changing; else dev is how far the estimate just before the walk
 * was from it (largest per-node difference / pages, < 0 when there was no
 * estimate) and steady whether the RSS stayed within 0.5 %. Agreement
 * (dev <= 0.5 %, steady) doubles it, dev > 1 % or drift halves it, within
 * [base / XN_LX_IVL_MIN_DIV, base * XN_LX_IVL_MAX_MUL]. */
uint64_t xn_lx_adapt_interval(uint64_t ivl, uint64_t base, bool drift, double dev, bool steady);

/* Pure: which of n walks that are due run this refresh. Most overdue first
 * (overdue[i] = age / interval, >= 1), while credit (pages the refreshes so
 * far have earned at the rate the intervals need) is positive, each taking
 * its pages[i]. Sets grant[i]; returns the credit left. */
double xn_lx_spread_walks(const double *overdue, const uint64_t *pages, size_t n, double credit,
                          bool *grant);

/* A VMA: its extent and resident pages (base pages) at the last walk. */
struct xn_lx_vma {
	uint64_t start, end, pages;
};

/* Pure: spread up to target sample addresses over the VMAs in proportion to
 * their pages (total = sum of pages), evenly inside each VMA. Fills addr[],
 * w[] (the VMA's pages, to be divided by its resident samples) and
 * vma_of[] (index of the VMA); returns the number of samples. */
size_t xn_lx_pick_samples(const struct xn_lx_vma *v, size_t nv, uint64_t total, uint64_t page_size,
                          size_t target, void **addr, double *w, uint32_t *vma_of);

/* What the estimator needs: the walk (exact[nr] by node id, its total, the
 * RSS then and now) and the samples' nodes then (st0) and now (st1), < 0 for
 * not resident, each worth w[k] pages. */
struct xn_lx_est_in {
	const uint64_t *exact;
	int nr;
	uint64_t total0, rss0, rss;
	const int *st0, *st1;
	const double *w;
	size_t ns;
};

/* Pure: node_pages (host order) = the walk's figures, with the weight of each
 * sampled page that moved taken from its old node to its new one (a page not
 * found now only leaves its old node), all scaled to total0 * rss / rss0.
 * 0 or -ENOMEM. */
int xn_lx_estimate_pages(const struct xn_lx_est_in *in, const struct xn_host *h,
                         uint64_t *node_pages);

/* Exact walk of /proc/PID/numa_maps into node_pages[XN_MAX_NODES] (base pages).
 * 0 or -errno. */
int xn_lx_numa_maps_read(pid_t pid, uint64_t page_size, uint64_t *node_pages, uint64_t *total);

/* ---- linux_cgpages.c: figures from the process's own memory cgroup ---- */

/* memory.numa_stat (xn_lx_parse_numa_stat_proc) of pid's memory cgroup into
 * node_pages[XN_MAX_NODES] by node id, and the cgroup's identity (its
 * directory's inode) into *cg_id, when pid is the only process in it.
 * 0; -EBUSY when others share it; -ENOENT when it has none (or the root);
 * other -errno. Whether the figure is the process's own is the caller's
 * check (RSS, and a walk: xn_lx_cg_agrees). */
int xn_lx_cgpages_read(const struct xn_lx_cg *cg, pid_t pid, uint64_t page_size,
                       uint64_t *node_pages, uint64_t *cg_id);

/* The same for a process whose cgroup (as /proc/PID/cgroup names it) is rel. */
int xn_lx_cgpages_read_rel(const struct xn_lx_cg *cg, const char *rel, pid_t pid,
                           uint64_t page_size, uint64_t *node_pages, uint64_t *cg_id);

/* Pure: whether b agrees with a (n entries): the sum of per-entry
 * differences is at most 1/XN_LX_CG_TOLERANCE of a's total. */
bool xn_lx_cg_agrees(const uint64_t *a, const uint64_t *b, int n);

/* ---- linux_procs.c ---- */

/* Parse a --pid list "123,456". 0 or -EINVAL with the reason in err. */
int xn_lx_pids_parse(const char *s, pid_t **out, size_t *n, char *err, size_t errlen);

/* Processes as domains: QEMU guests, the top_n largest others, --pid. */
int xn_lx_procs_sample(struct xn_lx_source *lx, struct xn_snapshot *s);

/* ---- linux_threads.c ---- */

/* Whether a process is QEMU: by comm, else by its executable's name. */
bool xn_lx_is_qemu_pid(pid_t pid, const char *comm);

/* Fill one vcpu_info entry of thread tid from its stat (cpu, state) and
 * sched_getaffinity (hard, a CPU list as Cpus_allowed_list says it; soft
 * stays invalid: Linux has none). 0 or -ENOMEM (a thread that exited just
 * leaves hard unset). */
int xn_lx_thread_vcpu(const struct xn_lx_source *lx, pid_t tid, const struct xn_lx_stat *st,
                      struct xn_vcpu *v);

/* ---- linux_cpuset.c ---- */

/* The effective cpuset of the cgroup rel (below cg->cpuset_root): its CPUs
 * (cpus) or memory nodes into w[nbits]; the nearest ancestor's where rel has
 * none of its own. -ENOENT when there is no cpuset hierarchy. */
int xn_lx_cpuset_read(const struct xn_lx_cg *cg, const char *rel, bool cpus, uint64_t *w,
                      int nbits);

/* The effective CPUs of pid's cpuset: no sched_setaffinity() of its threads
 * can leave them. -ENOENT when unknown (no cpuset hierarchy), -ESRCH gone. */
int xn_lx_cpuset_pid_cpus(const struct xn_lx_cg *cg, pid_t pid, xn_cpumask *cpus);

/* The same, remembered per cgroup for one sample: a sample reads hundreds
 * of processes, which share a few groups. Zero-initialise; free after the
 * sample. */
struct xn_lx_cpuset_cache {
	struct cs_entry *e;
	size_t n, cap;
};

/* The cpuset CPUs of the process whose /proc/PID/cgroup says cgroup_text,
 * from the cache (read on the first process of its group), or NULL when
 * unknown: no cpuset hierarchy, no cpuset line, the file unreadable, or out
 * of memory. Valid until the next call. */
const xn_cpumask *xn_lx_cpuset_cache_cpus(struct xn_lx_cpuset_cache *c, const struct xn_lx_cg *cg,
                                          const char *cgroup_text);
void xn_lx_cpuset_cache_free(struct xn_lx_cpuset_cache *c);

/* ---- linux_cgroup.c ---- */

/* Find the hierarchies in /proc/self/mountinfo. 0 or -ENOENT with why. */
int xn_lx_cgroup_detect(struct xn_lx_cg *cg, char *err, size_t errlen);

/* Cgroups as domains (memory hierarchy, recursively). */
int xn_lx_cgroup_sample(struct xn_lx_source *lx, struct xn_snapshot *s);

/* The memory limit in bytes of the cgroup of the process whose
 * /proc/PID/cgroup says cgroup_text, or UINT64_MAX. */
uint64_t xn_lx_cgroup_limit_of(const struct xn_lx_cg *cg, const char *cgroup_text);

/* Set cpuset.mems (+ cpuset.cpus) of the cgroup whose directory inode is id. */
int xn_lx_cgroup_set_affinity(struct xn_lx_source *lx, const struct xn_host *h, int64_t id,
                              const xn_nodemask *nodes, unsigned flags, char *msg, size_t msglen);

/* ---- linux_affinity.c ---- */

/* The kernel's refusal as a return value: its errno, except that EINVAL
 * (which callers read as "bad request", exit 2) becomes -ECANCELED. */
int xn_lx_refused(int err_no);

/* Pages in np[node id] (XN_MAX_NODES entries) on nodes not in nodes. */
uint64_t xn_lx_pages_outside(const uint64_t *np, const xn_nodemask *nodes);

/* Migrate a process's pages to nodes and pin all its threads to their CPUs;
 * with XN_AFF_NO_MEMORY only pin (a QEMU guest: its "CPU n/KVM" threads,
 * else every thread), leaving the pages where they are. */
int xn_lx_proc_set_affinity(struct xn_lx_source *lx, const struct xn_host *h, pid_t pid,
                            const xn_nodemask *nodes, unsigned flags, char *msg, size_t msglen);

#endif
