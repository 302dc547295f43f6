/* test_xen_pools.c - when the xen source reads the cpupools
 * (src/xen/xen_pools.c), against a fake hypervisor's pool list:
 *  - the first sample reads them, the samples after it within
 *    XEN_AFFINITY_MAX_AGE_NS read nothing and keep the reading (same room,
 *    no reallocation), the first sample past it reads them again;
 *  - after our own change (xen_pools_changed) the next sample reads them;
 *  - a domain listed in a pool the reading lacks (one made since) has them
 *    read at once, in the same refresh, once: its pool is then known;
 *  - a pool id still missing after that read, or with no reading at all
 *    (Xen refused it), asks nothing more until the schedule says so.
 * This file defines the libxenctrl functions the pool walk calls, so the
 * program takes them instead of the shared library's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#ifndef HAVE_XEN
int main(void)
{
	printf("built without Xen development files\n");
	return 77;
}
#else
#include "xen/xen_priv.h"

enum { MAXP = 8, MAP_BYTES = 4 };
static struct pool {
	uint32_t id;
	uint8_t cpus; /* CPUs 0-7 */
} hv[MAXP];
static unsigned nr_hv;
static unsigned calls; /* xc_cpupool_getinfo calls */
static bool refuse;    /* as Xen under an XSM policy that denies it */

xc_cpupoolinfo_t *xc_cpupool_getinfo(xc_interface *xch, uint32_t poolid)
{
	(void)xch;
	calls++;
	if (refuse)
		return NULL;
	for (unsigned i = 0; i < nr_hv; i++)
		if (hv[i].id >= poolid) {
			xc_cpupoolinfo_t *info = calloc(1, sizeof(*info) + MAP_BYTES);
			info->cpupool_id = hv[i].id;
			info->cpumap = (uint8_t *)(info + 1);
			info->cpumap[0] = hv[i].cpus;
			return info;
		}
	return NULL;
}
void xc_cpupool_infofree(xc_interface *xch, xc_cpupoolinfo_t *info)
{
	(void)xch;
	free(info);
}

static const uint64_t S = 1000000000ull; /* one second */

/* One refresh at time t: the pools, then the domains listed in the given
 * pools (as xen_domains.c marks them), then the check after the domains.
 * Returns the getinfo calls it made. */
static unsigned refresh(struct xen_priv *p, struct xn_snapshot *s, uint64_t t,
                        const uint32_t *dom_pools, unsigned nr_doms)
{
	unsigned before = calls;
	xn_snapshot_clear(s);
	xen_pools_sample(p, &s->host, t);
	for (unsigned i = 0; i < nr_doms; i++) {
		struct xn_domain *d = xn_snapshot_add_domain(s);
		d->id = i;
		d->cpupool = dom_pools[i];
		if (xn_host_pool(&s->host, d->cpupool))
			d->valid |= XN_DOM_CPUPOOL;
		else
			xen_pools_unknown(p, d->cpupool);
	}
	xen_pools_check(p, s, t);
	return calls - before;
}

int main(void)
{
	struct xen_priv p;
	struct xn_snapshot s;
	memset(&p, 0, sizeof(p));
	memset(&s, 0, sizeof(s));
	p.cpumap_size = MAP_BYTES;
	hv[nr_hv++] = (struct pool){0, 0x0f};
	hv[nr_hv++] = (struct pool){3, 0xf0};
	const uint32_t in0[] = {0, 0};

	/* First sample: two pools and the call that ends the walk. */
	uint64_t t0 = 100 * S;
	CHECK_EQ_U64(refresh(&p, &s, t0, in0, 2), 3);
	CHECK_EQ_U64(s.host.nr_pools, 2);
	CHECK_EQ_U64(s.host.pools[1].id, 3);
	CHECK(xn_bits_test(s.host.pools[1].cpus.w, 4) && !xn_bits_test(s.host.pools[1].cpus.w, 3));
	const struct xn_cpupool *room = p.pools;

	/* Within the age: nothing asked, the same reading in every sample. */
	hv[1].cpus = 0xc0; /* xl cpupool-cpu-remove: seen at the next reading */
	for (uint64_t t = t0 + S; t < t0 + XEN_AFFINITY_MAX_AGE_NS; t += S) {
		CHECK_EQ_U64(refresh(&p, &s, t, in0, 2), 0);
		CHECK_EQ_U64(s.host.nr_pools, 2);
		CHECK(xn_bits_test(s.host.pools[1].cpus.w, 4));
	}
	CHECK(p.pools == room);

	/* Past it: read again, in the same room. */
	uint64_t t1 = t0 + XEN_AFFINITY_MAX_AGE_NS;
	CHECK_EQ_U64(refresh(&p, &s, t1, in0, 2), 3);
	CHECK(!xn_bits_test(s.host.pools[1].cpus.w, 4));
	CHECK(p.pools == room);

	/* Our change: the next sample reads them, the one after does not. */
	xen_pools_changed(&p);
	CHECK_EQ_U64(refresh(&p, &s, t1 + S, in0, 2), 3);
	CHECK_EQ_U64(refresh(&p, &s, t1 + 2 * S, in0, 2), 0);

	/* A pool made since, a domain moved into it: read at once, once, and
	 * the domain's pool known in that very refresh. */
	hv[nr_hv++] = (struct pool){5, 0x30};
	const uint32_t in5[] = {0, 5};
	CHECK_EQ_U64(refresh(&p, &s, t1 + 3 * S, in5, 2), 4);
	CHECK_EQ_U64(s.host.nr_pools, 3);
	CHECK(s.domains[1].valid & XN_DOM_CPUPOOL);
	CHECK(s.domains[0].valid & XN_DOM_CPUPOOL);
	CHECK_EQ_U64(refresh(&p, &s, t1 + 4 * S, in5, 2), 0);
	CHECK(s.domains[1].valid & XN_DOM_CPUPOOL);

	/* A pool id that no reading has (it went between the domain list and
	 * the walk): read once in that refresh, not again in the next. */
	const uint32_t in9[] = {9};
	CHECK_EQ_U64(refresh(&p, &s, t1 + 5 * S, in9, 1), 4);
	CHECK(!(s.domains[0].valid & XN_DOM_CPUPOOL));
	CHECK_EQ_U64(refresh(&p, &s, t1 + 6 * S, in9, 1), 0);
	CHECK_EQ_U64(refresh(&p, &s, t1 + 7 * S, in9, 1), 0);

	/* Refused: no pools, and an unknown pool asks nothing until the age. */
	refuse = true;
	uint64_t t2 = t1 + 2 * XEN_AFFINITY_MAX_AGE_NS;
	CHECK_EQ_U64(refresh(&p, &s, t2, in0, 2), 1);
	CHECK_EQ_U64(s.host.nr_pools, 0);
	CHECK(!(s.domains[0].valid & XN_DOM_CPUPOOL));
	CHECK_EQ_U64(refresh(&p, &s, t2 + S, in0, 2), 0);
	refuse = false;
	CHECK_EQ_U64(refresh(&p, &s, t2 + XEN_AFFINITY_MAX_AGE_NS, in0, 2), 4);
	CHECK_EQ_U64(s.host.nr_pools, 3);

	xn_snapshot_clear(&s);
	xen_pools_close(&p);
	return check_report("test_xen_pools");
}
#endif
