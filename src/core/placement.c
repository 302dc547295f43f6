/* placement.c - the hard constraints of a placement change (placement.h).
 * Core: reads the model only; the advisor, the apply paths and the mover's
 * pre-check all call xn_place_check(), so they cannot disagree. */
#include "placement.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "source.h"
#include "util.h"

static int refuse(const struct xn_place_req *q, struct xn_place_result *r,
                  enum xn_place_refusal why, int err, const char *fmt, ...)
        __attribute__((format(printf, 5, 6)));
static int refuse(const struct xn_place_req *q, struct xn_place_result *r,
                  enum xn_place_refusal why, int err, const char *fmt, ...)
{
	r->refusal = why;
	if (q->quiet)
		return err;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
	return err;
}

/* Does a CPU list ("0-3,8", "all") reach a CPU of mask m? Unknown or
 * unreadable: yes (never forbid on a guess). */
static bool list_reaches(const char *list, const xn_cpumask *m)
{
	if (!list || !strcmp(list, "all"))
		return true;
	xn_cpumask l;
	memset(&l, 0, sizeof(l));
	char err[64];
	if (xn_bits_parse_list(list, l.w, XN_MAX_CPUS, err, sizeof(err)))
		return true;
	for (size_t w = 0; w < sizeof(l.w) / sizeof(l.w[0]); w++)
		if (l.w[w] & m->w[w])
			return true;
	return false;
}

bool xn_vcpus_within(const struct xn_domain *d, const xn_nodemask *nodes)
{
	if (!(d->valid & XN_DOM_VCPU_NODE) || !d->vcpu_node)
		return false;
	bool known = false;
	for (uint32_t v = 0; v < d->vcpus; v++) {
		int n = d->vcpu_node[v];
		if (n < 0)
			continue; /* not running: no node to hold against the targets */
		if (n >= XN_MAX_NODES || !XN_NM_TEST(nodes, n))
			return false;
		known = true;
	}
	return known;
}

bool xn_hard_affinity_set(const struct xn_snapshot *s, const struct xn_domain *d)
{
	if (!(d->valid & XN_DOM_VCPU_INFO) || !d->vcpu_info)
		return false;
	xn_cpumask all;
	memset(&all, 0, sizeof(all));
	for (int i = 0; i < s->host.nr_nodes; i++)
		for (size_t w = 0; w < sizeof(all.w) / sizeof(all.w[0]); w++)
			all.w[w] |= s->host.nodes[i].cpus.w[w];
	for (uint32_t v = 0; v < d->vcpus; v++) {
		const struct xn_vcpu *vc = &d->vcpu_info[v];
		if (!(vc->valid & XN_VCPU_HARD) || !vc->hard || !strcmp(vc->hard, "all"))
			continue;
		xn_cpumask m;
		char err[64];
		memset(&m, 0, sizeof(m));
		if (xn_bits_parse_list(vc->hard, m.w, XN_MAX_CPUS, err, sizeof(err)))
			continue;
		for (size_t w = 0; w < sizeof(all.w) / sizeof(all.w[0]); w++)
			if (all.w[w] & ~m.w[w])
				return true;
	}
	return false;
}

uint64_t xn_place_bytes_copied(const struct xn_snapshot *s, const struct xn_domain *d,
                               const xn_nodemask *nodes, enum xn_place_kind kind)
{
	uint64_t ps = s->host.page_size ? s->host.page_size : 4096, all = 0, there = 0;
	if (kind == XN_PLACE_VCPUS)
		return 0;
	if ((d->valid & XN_DOM_PAGES) && d->node_pages)
		for (int i = 0; i < s->host.nr_nodes; i++) {
			all += d->node_pages[i];
			int id = s->host.nodes[i].id;
			if (id >= 0 && id < XN_MAX_NODES && XN_NM_TEST(nodes, id))
				there += d->node_pages[i];
		}
	if (kind == XN_PLACE_RECREATE) {
		uint64_t b = all * ps;
		return (d->valid & XN_DOM_MEM_CUR) && d->mem_cur > b ? d->mem_cur : b;
	}
	return (all - there) * ps;
}

/* The domain's cpupool, when its source reads pools and this one is known. */
static const struct xn_cpupool *pool_of(const struct xn_snapshot *s, const struct xn_domain *d)
{
	if (!(s->caps & XN_SRC_CPUPOOLS) || !(d->valid & XN_DOM_CPUPOOL))
		return NULL;
	return xn_host_pool(&s->host, d->cpupool);
}

/* CPUs in both a and b. */
static int cpus_in(const xn_cpumask *a, const xn_cpumask *b)
{
	int n = 0;
	for (size_t w = 0; w < sizeof(a->w) / sizeof(a->w[0]); w++)
		n += __builtin_popcountll(a->w[w] & b->w[w]);
	return n;
}

/* What the move needs free on the targets (see placement.h). */
static uint64_t bytes_needed(const struct xn_place_req *q)
{
	const struct xn_domain *d = q->d;
	uint64_t copied = xn_place_bytes_copied(q->s, d, &q->nodes, q->kind);
	if (q->kind != XN_PLACE_RECREATE)
		return copied;
	uint64_t max = q->max_bytes;
	if (!max && (d->valid & XN_DOM_MEM_MAX) && d->mem_max != UINT64_MAX)
		max = d->mem_max;
	return max > copied ? max : copied;
}

/* A CPU list in words, cut with "..." past len. */
static void cpu_words(const xn_cpumask *m, char *buf, size_t len)
{
	if (xn_bits_format_list(m->w, XN_MAX_CPUS, buf, len) >= (int)len && len > 4)
		memcpy(buf + len - 4, "...", 4);
}

/* Node b's CPUs are all outside the domain's cpuset (XN_DOM_CPUS_HARD). */
static int refuse_cpuset(const struct xn_place_req *q, struct xn_place_result *r, int b,
                         const xn_cpumask *node, const xn_cpumask *cpuset)
{
	char nc[64] = "", sc[64] = "";
	if (!q->quiet) {
		cpu_words(node, nc, sizeof(nc));
		cpu_words(cpuset, sc, sizeof(sc));
	}
	return refuse(q, r, XN_PLACE_CPUSET_CPUS, -EACCES,
	              "node %d's CPUs (%s) are outside its cpuset's CPUs (%s): no thread of it "
	              "may run there",
	              b, nc, sc[0] ? sc : "none");
}

/* The targets in words, for a refusal only: this runs for every candidate
 * of every domain in the advisor's refresh. */
static const char *list_of(const xn_nodemask *m, char *buf, size_t len)
{
	xn_bits_format_list(m->w, XN_MAX_NODES, buf, len);
	return buf;
}
/* (an argument is made before the call: a quiet check makes none) */
#define LIST (q->quiet ? "" : list_of(&q->nodes, nl, sizeof(nl)))

int xn_place_check(const struct xn_place_req *q, struct xn_place_result *r)
{
	const struct xn_host *h = &q->s->host;
	const struct xn_domain *d = q->d;
	memset(r, 0, sizeof(*r));
	char nl[96]; /* the node list in words, made only for a refusal (LIST) */
	if (d->id == 0)
		return refuse(q, r, XN_PLACE_CONTROL, -EPERM,
		              "it is the control domain (its vCPUs serve the guests' I/O; it "
		              "cannot be re-created)");
	if (xn_bits_empty(q->nodes.w, XN_MAX_NODES))
		return refuse(q, r, XN_PLACE_NO_NODE, -ENODEV, "no target node");
	uint64_t total = 0, freeb = 0;
	bool free_known = true, cpus_unknown = false;
	bool places_vcpus = q->kind != XN_PLACE_MIGRATE;
	const struct xn_cpupool *pool = places_vcpus ? pool_of(q->s, d) : NULL;
	const xn_cpumask *cpuset =
	        places_vcpus && (d->valid & XN_DOM_CPUS_HARD) ? d->cpuset_cpus : NULL;
	for (int b = xn_bits_next(q->nodes.w, XN_MAX_NODES, 0); b >= 0;
	     b = xn_bits_next(q->nodes.w, XN_MAX_NODES, b + 1)) {
		int i = xn_host_node_index(h, b);
		if (i < 0)
			return refuse(q, r, XN_PLACE_NO_NODE, -ENODEV,
			              "node %d is not on this host", b);
		const struct xn_node *n = &h->nodes[i];
		/* unknown CPUs are not refused on a guess; a known empty set is */
		int c = !(n->valid & XN_NODE_CPUS) ? -1
		        : q->cpus                  ? (int)q->cpus[i]
		                                   : xn_bits_count(n->cpus.w, XN_MAX_CPUS);
		if (c == 0)
			return refuse(q, r, XN_PLACE_NO_CPUS, -EINVAL,
			              "node %d has no CPUs (memory only): no vCPU runs there", b);
		/* only the CPUs of its pool run its vCPUs, whatever the affinity */
		if (pool && c > 0 &&
		    (c = q->pool_cpus ? (int)q->pool_cpus[i] : cpus_in(&n->cpus, &pool->cpus)) ==
		            0) {
			char pl[96] = "";
			if (!q->quiet)
				xn_bits_format_list(pool->cpus.w, XN_MAX_CPUS, pl, sizeof(pl));
			return refuse(q, r, XN_PLACE_CPUPOOL, -EACCES,
			              "node %d's CPUs are in another cpupool (its pool %" PRIu32
			              " has CPUs %s; xl cpupool-migrate moves it)",
			              b, pool->id, pl[0] ? pl : "none");
		}
		/* a Linux process's threads run on its cpuset's CPUs only: the
		 * model spreads its vCPUs over every target, so each needs some */
		if (cpuset && c > 0 && !cpus_in(&n->cpus, cpuset))
			return refuse_cpuset(q, r, b, &n->cpus, cpuset);
		if (c < 0)
			cpus_unknown = true;
		else
			r->cpus += (uint32_t)c;
		total += n->mem_total;
		int64_t f = q->free                     ? q->free[i]
		            : (n->valid & XN_NODE_FREE) ? (int64_t)n->mem_free
		                                        : -1;
		if (f < 0)
			free_known = false;
		else
			freeb += (uint64_t)f;
	}
	/* a Linux process's pages stay inside its cpuset's memory nodes */
	bool moves_pages = q->kind == XN_PLACE_MIGRATE || q->kind == XN_PLACE_BOTH;
	if (moves_pages && (d->valid & XN_DOM_MEMS_HARD) && (d->valid & XN_DOM_AFFINITY))
		for (int b = xn_bits_next(q->nodes.w, XN_MAX_NODES, 0); b >= 0;
		     b = xn_bits_next(q->nodes.w, XN_MAX_NODES, b + 1))
			if (!XN_NM_TEST(&d->node_affinity, b)) {
				char ml[96] = "";
				if (!q->quiet)
					xn_bits_format_list(d->node_affinity.w, XN_MAX_NODES, ml,
					                    sizeof(ml));
				return refuse(q, r, XN_PLACE_CPUSET, -EACCES,
				              "node %d is outside its cpuset's memory nodes (%s): "
				              "no page of it may go there",
				              b, ml[0] ? ml : "none");
			}
	/* vCPUs, not threads: a Linux process may run more threads than a node
	 * has CPUs, and often does (hard_binds marks a hypervisor's vCPUs) */
	if (places_vcpus && q->hard_binds && !cpus_unknown && r->cpus < d->vcpus) {
		if (!xn_vcpus_within(d, &q->nodes))
			return refuse(q, r, XN_PLACE_FEW_CPUS, -EINVAL,
			              "node %s has %u CPU%s for its %u vCPUs", LIST, r->cpus,
			              r->cpus == 1 ? "" : "s", d->vcpus);
		r->overcommitted = true; /* already runs there: the change adds nothing */
	}
	/* every vCPU must reach every target node: the model spreads them */
	if (places_vcpus && q->hard_binds && (d->valid & XN_DOM_VCPU_INFO) && d->vcpu_info)
		for (int b = xn_bits_next(q->nodes.w, XN_MAX_NODES, 0); b >= 0;
		     b = xn_bits_next(q->nodes.w, XN_MAX_NODES, b + 1)) {
			const struct xn_node *n = &h->nodes[xn_host_node_index(h, b)];
			for (uint32_t v = 0; v < d->vcpus; v++) {
				const struct xn_vcpu *vc = &d->vcpu_info[v];
				if ((vc->valid & XN_VCPU_HARD) && !list_reaches(vc->hard, &n->cpus))
					return refuse(q, r, XN_PLACE_HARD, -EACCES,
					              "vCPU %u's hard affinity (CPUs %.40s) keeps "
					              "it off node %d",
					              v, vc->hard, b);
			}
		}
	r->free_bytes = freeb;
	r->need_bytes = bytes_needed(q);
	if (r->need_bytes == 0)
		return 0;
	r->headroom = (uint64_t)((double)total * XN_PLACE_HEADROOM_SHARE);
	if (r->headroom < XN_PLACE_HEADROOM_MIN)
		r->headroom = XN_PLACE_HEADROOM_MIN;
	if (!free_known)
		return refuse(q, r, XN_PLACE_FREE_UNKNOWN, -ENODATA,
		              "free memory on node %s is unknown", LIST);
	if (freeb < r->need_bytes + r->headroom)
		return refuse(q, r, XN_PLACE_MEMORY, -ENOSPC,
		              "node %s has %" PRIu64 " MiB free; the move needs %" PRIu64
		              " MiB%s and %" PRIu64 " MiB headroom",
		              LIST, freeb >> 20, r->need_bytes >> 20,
		              q->kind == XN_PLACE_RECREATE ? " (its maximum: the old copy stays "
		                                             "until the new one runs)"
		                                           : "",
		              r->headroom >> 20);
	return 0;
}
