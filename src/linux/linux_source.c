/* linux_source.c - the linux source: processes (QEMU/KVM guests by name, the
 * largest others, --pid) or cgroups (--cgroups) as domains, on the host's
 * NUMA nodes. The pieces: linux_host.c, linux_procs.c, linux_pages.c,
 * linux_cgroup.c, linux_affinity.c, linux_parse.c. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "linux_priv.h"
#include "source.h"
#include "util.h"

static int lx_probe(const struct xn_source_config *cfg, char *err, size_t errlen)
{
	if (access("/sys/devices/system/node", F_OK))
		return xn_errf(err, errlen, -ENODEV,
		               "/sys/devices/system/node is missing (not Linux, /sys not "
		               "mounted, or a kernel without NUMA support)");
	return 0;
}

static void lx_close(struct xn_source *src)
{
	struct xn_lx_source *lx = (struct xn_lx_source *)src;
	if (!lx)
		return;
	xn_lx_pcache_free(lx->pcache);
	if (lx->affset)
		CPU_FREE(lx->affset);
	free(lx->qseen);
	free(lx->pids);
	free(lx);
}

/* --pid names processes to show: when none of them exists, say so (the
 * caller exits 3, as for a domain that does not exist) rather than show
 * nothing; a missing one among others is a warning. */
static int check_pids(const struct xn_lx_source *lx, char *err, size_t errlen)
{
	size_t found = 0;
	for (size_t i = 0; i < lx->nr_pids; i++) {
		if (kill(lx->pids[i], 0) == 0 || errno == EPERM)
			found++;
		else if (lx->nr_pids > 1)
			xn_warn("no process %d (--pid): it is left out", (int)lx->pids[i]);
	}
	if (lx->nr_pids > 0 && found == 0)
		return xn_errf(err, errlen, -ESRCH, "no process %d (--pid)%s", (int)lx->pids[0],
		               lx->nr_pids > 1 ? ", nor any other listed" : "");
	return 0;
}

static int lx_open(const struct xn_source_config *cfg, struct xn_source **out, char *err,
                   size_t errlen)
{
	int r = lx_probe(cfg, err, errlen);
	if (r)
		return r;
	struct xn_lx_source *lx = calloc(1, sizeof(*lx));
	if (!lx)
		return xn_errf(err, errlen, -ENOMEM, "out of memory");
	lx->base.ops = &xn_source_linux;
	lx->cgroups = cfg->cgroups;
	lx->exact_interval = cfg->exact_interval >= 0 ? cfg->exact_interval : XN_LX_EXACT_INTERVAL;
	r = xn_lx_pids_parse(cfg->pids, &lx->pids, &lx->nr_pids, err, errlen);
	if (r)
		goto fail;
	r = check_pids(lx, err, errlen);
	if (r)
		goto fail;
	/* --top N as given (options default it to 10); 0 = only QEMU guests and
	 * --pid. QEMU guests are always shown. */
	lx->top_n = cfg->top_n > 0 ? cfg->top_n : 0;
	long t = sysconf(_SC_CLK_TCK);
	lx->clk_tck = t > 0 ? t : 100;
	long ps = sysconf(_SC_PAGESIZE);
	lx->page_size = ps > 0 ? (uint64_t)ps : 4096;
	/* as many CPU ids as we can name: the kernel refuses a buffer smaller
	 * than its nr_cpu_ids, and fills only what it has */
	lx->affset = CPU_ALLOC(XN_MAX_CPUS);
	lx->affset_size = CPU_ALLOC_SIZE(XN_MAX_CPUS);
	lx->pcache = xn_lx_pcache_new();
	if (!lx->pcache || !lx->affset) {
		r = xn_errf(err, errlen, -ENOMEM, "out of memory");
		goto fail;
	}
	char why[256] = "";
	r = xn_lx_cgroup_detect(&lx->cg, why, sizeof(why));
	if (r && lx->cgroups) {
		r = xn_errf(err, errlen, r, "--cgroups: %s", why);
		goto fail;
	}
	*out = &lx->base;
	return 0;
fail:
	lx_close(&lx->base);
	return r;
}

static int lx_sample(struct xn_source *src, struct xn_snapshot *out)
{
	struct xn_lx_source *lx = (struct xn_lx_source *)src;
	int r = xn_lx_host_read(&out->host, src->err, sizeof(src->err));
	if (r)
		return r;
	xn_lx_cpu_node_map(&out->host, lx->cpu_node);
	if (lx->cgroups)
		return xn_lx_cgroup_sample(lx, out);
	xn_lx_moves_read(lx);
	xn_lx_pcache_begin(lx->pcache, out->mono_ns);
	r = xn_lx_procs_sample(lx, out);
	xn_lx_pcache_end(lx->pcache);
	return r;
}

static int lx_set_node_affinity(struct xn_source *src, int64_t domid, const xn_nodemask *nodes,
                                unsigned flags, char *msg, size_t msglen)
{
	struct xn_lx_source *lx = (struct xn_lx_source *)src;
	struct xn_host h;
	memset(&h, 0, sizeof(h));
	if (msglen)
		msg[0] = '\0';
	int r = xn_lx_host_read(&h, src->err, sizeof(src->err));
	if (!r) {
		if (lx->cgroups)
			r = xn_lx_cgroup_set_affinity(lx, &h, domid, nodes, flags, msg, msglen);
		else if (domid <= 0 || domid > 0x3fffffff)
			r = xn_source_fail(src, -ESRCH, "no process %lld", (long long)domid);
		else
			r = xn_lx_proc_set_affinity(lx, &h, (pid_t)domid, nodes, flags, msg,
			                            msglen);
	}
	free(h.nodes);
	free(h.zones);
	free(h.distance);
	return r;
}

/* The hint fits the user: as root, running as root is not the answer. */
static void lx_pages_why(int64_t id, char *buf, size_t len)
{
	if (geteuid() == 0)
		snprintf(buf, len,
		         "/proc/%lld/numa_maps could not be read even as root: a kernel thread "
		         "has none; else a hidepid mount of /proc, a kernel.yama.ptrace_scope "
		         "of 3, another PID namespace, or the process went away",
		         (long long)id);
	else
		snprintf(buf, len,
		         "/proc/%lld/numa_maps could not be read (not permitted: run as root; "
		         "or a kernel thread, which has none)",
		         (long long)id);
}

const struct xn_source_ops xn_source_linux = {
        .name = "linux",
        .caps = XN_SRC_MEMORY_MOVES,
        .pages_why = lx_pages_why,
        .probe = lx_probe,
        .open = lx_open,
        .sample = lx_sample,
        .set_node_affinity = lx_set_node_affinity,
        .seek = NULL,
        .close = lx_close,
};
