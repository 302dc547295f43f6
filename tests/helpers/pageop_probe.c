/* pageop_probe - issue raw XEN_DOMCTL_numa_op / GET_NODE_PAGES requests
 * (XenServer's ABI, which our series implements: hypervisor/README.md) from
 * dom0, for the QEMU lab's checks.
 *
 *   pageop_probe probe              exit 0 when the hypervisor has the op
 *   pageop_probe query DOMID...     one line per domain: "DOMID TOTAL P0 P1 ..."
 *                                   (TOTAL: getdomaininfo's tot_pages, which the
 *                                   Ps must sum to; one P per node id the op
 *                                   answers), exit 1 on error
 *   pageop_probe bad                the ABI's edges (nr_nodes 0, clamping) and bad
 *                                   requests (each with its errno), none of which
 *                                   may change a count: "PASS/FAIL what"
 *   pageop_probe time DOMID COUNT   ns per query over COUNT queries
 *   pageop_probe timekey KEY COUNT  ns per debug key press (e.g. 'u', the walk)
 *   pageop_probe populate DOMID NODE PAGES FILE   give a paused PV guest PAGES
 *                                   pages on exactly NODE (the domain builder's
 *                                   and the balloon driver's hypercall); their
 *                                   MFNs are appended to FILE
 *   pageop_probe exchange DOMID FILE  XENMEM_exchange those pages for new ones
 *                                   (placed by the domain's node affinity)
 *   pageop_probe depopulate DOMID FILE  give them back (decrease_reservation)
 *   pageop_probe mkdom PAGES0 PAGES1   a bare PV domain (no kernel, never runs) with
 *                                   PAGES0 pages on node 0 and PAGES1 on node 1;
 *                                   prints its id
 *   pageop_probe rmdom DOMID...     destroy them (and their xenstore directory),
 *                                   then wait until Xen no longer lists them
 *   pageop_probe mkdoms N PAGES0 PAGES1 [PREFIX]  N such domains; prints their
 *                                   ids; with PREFIX each gets the xenstore name
 *                                   PREFIX-ID (libxenstat, so xentop and
 *                                   xentop-numa, list only named domains)
 *   pageop_probe sweep COUNT        ns per sweep of one op query per domain
 *   pageop_probe costs COUNT        ns per call, over every domain, of each call
 *                                   a refresh makes (what xentop-numa and
 *                                   libxenstat ask per domain)
 *   pageop_probe churn SECONDS POOL PAGES PREFIX PAUSE  for SECONDS: create
 *                                   named domains (PAGES on each node), keeping
 *                                   POOL of them, destroying the oldest, PAUSE
 *                                   seconds between two; prints
 *                                   "made ID TIME" and "gone ID TIME", TIME
 *                                   (RFC 3339 UTC, ns, as xentop-numa's JSON)
 *                                   taken after Xen stopped listing it
 *   pageop_probe cycle COUNT PAGES  COUNT times: mkdom with PAGES on each of
 *                                   nodes 0 and 1, check the op reads exactly
 *                                   that, destroy; "PASS"/"FAIL" per cycle
 *   pageop_probe ids                the ids of all domains (xl list is slow under TCG)
 *   pageop_probe nodeaff DOMID NODE...  set the domain's node affinity (steers
 *                                   where its next allocations go; xl has no
 *                                   command for it)
 *   pageop_probe race DOMID SECONDS ORDER  for SECONDS: give the bare domain one
 *                                   extent of 2^ORDER pages on node 0, then
 *                                   XENMEM_exchange it for 2^ORDER pages on
 *                                   exactly node 1 (one chunk) while a second
 *                                   thread gives each new page back
 *                                   (decrease_reservation) as soon as its MFN
 *                                   shows, before the chunk ends, and reads
 *                                   the op meanwhile; after each exchange the
 *                                   op must read exactly what is left (issue 25)
 *   pageop_probe race-destroy ROUNDS ORDER  ROUNDS times: a new bare domain,
 *                                   the same exchange, destroyed by the second
 *                                   thread part way through the chunk; Xen must
 *                                   then stop listing it (its pages all
 *                                   accounted for)
 *
 * Built without Xen it exits 77.
 */
#include <stdio.h>

#ifndef HAVE_XEN
int main(void)
{
	printf("built without Xen development files\n");
	return 77;
}
#else
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

/* Xen's public headers need GNU C (see src/xen_pageop.c). */
#undef __STRICT_ANSI__
#include <xencall.h>
#include <xenctrl.h>
#include <xenstore.h>

#include "xen/xen_pageop.h"

struct req {
	uint32_t domid;
	uint32_t op;
	uint32_t nr_nodes;
	uint32_t version;
	int own_handle;  /* 0: our buffer; 1: handle below */
	uint64_t handle; /* when own_handle */
};

static xencall_handle *xcall;
static xc_interface *info_xch; /* for getdomaininfo */

/* Issue one request; returns 0 or -errno. *nr_out gets the copied-back
 * nr_nodes, pages (XN_PAGEOP_MAX_NODES entries) the whole buffer, which is
 * filled with fill before the call so that untouched entries show. */
static int issue(struct req r, uint32_t *nr_out, uint64_t *pages, uint64_t fill)
{
	struct xen_domctl *op = xencall_alloc_buffer(xcall, sizeof(*op));
	uint64_t *buf = xencall_alloc_buffer(xcall, XN_PAGEOP_MAX_NODES * sizeof(*buf));
	struct xn_domctl_numa_op np = {
	        .op = r.op,
	        .nr_nodes = r.nr_nodes,
	};
	int rc = 0;

	if (!op || !buf) {
		fprintf(stderr, "pageop_probe: cannot allocate hypercall buffers\n");
		exit(2);
	}
	np.node_tot_pages = r.own_handle ? r.handle : (uint64_t)(uintptr_t)buf;
	memset(op, 0, sizeof(*op));
	for (unsigned i = 0; i < XN_PAGEOP_MAX_NODES; i++)
		buf[i] = fill;
	op->cmd = XN_DOMCTL_NUMA_OP;
	op->interface_version = r.version;
	op->domain = (domid_t)r.domid;
	memcpy(&op->u, &np, sizeof(np));
	if (xencall1(xcall, __HYPERVISOR_domctl, (uint64_t)(uintptr_t)op) < 0)
		rc = -errno;
	memcpy(&np, &op->u, sizeof(np));
	if (nr_out)
		*nr_out = np.nr_nodes;
	if (pages)
		memcpy(pages, buf, XN_PAGEOP_MAX_NODES * sizeof(*buf));
	xencall_free_buffer(xcall, buf);
	xencall_free_buffer(xcall, op);
	return rc;
}

static struct req good(uint32_t domid, uint32_t nr)
{
	return (struct req){
	        domid, XN_DOMCTL_NUMA_OP_GET_NODE_PAGES, nr, XEN_DOMCTL_INTERFACE_VERSION, 0, 0};
}

/* getdomaininfo's tot_pages; 0 or -errno. */
static int tot_pages(uint32_t domid, uint64_t *total)
{
	xc_domaininfo_t info;
	int n = xc_domain_getinfolist(info_xch, domid, 1, &info);

	if (n < 0)
		return -errno;
	if (n != 1 || info.domain != domid)
		return -ESRCH;
	*total = info.tot_pages;
	return 0;
}

/* A valid query with room for every node: counts for node ids 0..*needed-1
 * and the domain's tot_pages; they must sum exactly to it (our series
 * leaves extra pages out). Memory may move between the two hypercalls, so
 * a mismatch is read again (3 tries). */
static int query(uint32_t domid, uint64_t *total, uint32_t *needed, uint64_t *pages)
{
	int rc = -EPROTO;

	for (int attempt = 0; attempt < 3 && rc == -EPROTO; attempt++) {
		uint64_t sum = 0;

		rc = issue(good(domid, XN_PAGEOP_MAX_NODES), needed, pages, 0);
		if (!rc)
			rc = tot_pages(domid, total);
		if (rc)
			return rc;
		if (*needed == 0 || *needed > XN_PAGEOP_MAX_NODES)
			return -ERANGE;
		for (unsigned i = 0; i < *needed; i++)
			sum += pages[i];
		rc = sum == *total ? 0 : -EPROTO;
	}
	return rc;
}

static int cmd_query(int argc, char **argv)
{
	int bad = 0;

	for (int i = 0; i < argc; i++) {
		uint64_t pages[XN_PAGEOP_MAX_NODES], total;
		uint32_t needed;
		int rc = query((uint32_t)strtoul(argv[i], NULL, 0), &total, &needed, pages);

		if (rc) {
			printf("%s error %s\n", argv[i], strerror(-rc));
			bad = 1;
			continue;
		}
		printf("%s %llu", argv[i], (unsigned long long)total);
		for (uint32_t n = 0; n < needed; n++)
			printf(" %llu", (unsigned long long)pages[n]);
		printf("\n");
	}
	return bad;
}

static int failures;

static void expect(const char *what, int got, int want)
{
	int ok = got == want;

	printf("%s %s: got %s, want %s\n", ok ? "PASS" : "FAIL", what,
	       got ? strerror(-got) : "success", want ? strerror(-want) : "success");
	failures += !ok;
}

static void expect_u(const char *what, unsigned long long got, unsigned long long want)
{
	int ok = got == want;

	printf("%s %s: got %llu, want %llu\n", ok ? "PASS" : "FAIL", what, got, want);
	failures += !ok;
}

#define SENTINEL 0x5a5a5a5a5a5a5a5aULL

/* Entries from..XN_PAGEOP_MAX_NODES-1 still hold the sentinel. */
static int untouched_from(const uint64_t *p, unsigned from)
{
	for (unsigned i = from; i < XN_PAGEOP_MAX_NODES; i++)
		if (p[i] != SENTINEL)
			return 0;
	return 1;
}

/* The ABI's edges (hypervisor/README.md): no size query, clamping, the
 * errors; and none of it may change a count. */
static int cmd_bad(void)
{
	uint64_t before[XN_PAGEOP_MAX_NODES], after[XN_PAGEOP_MAX_NODES], got[XN_PAGEOP_MAX_NODES];
	uint64_t t0, t1;
	uint32_t needed, n1, nr;
	struct req r;
	int rc;

	rc = query(0, &t0, &needed, before);
	if (rc) {
		printf("FAIL valid query of domain 0: %s\n", strerror(-rc));
		return 1;
	}
	printf("dom0: %llu pages, %u node ids\n", (unsigned long long)t0, needed);

	/* No size query: nr_nodes 0 writes nothing and answers 0, even with a
	 * NULL handle. */
	nr = 99;
	expect("nr_nodes 0", issue(good(0, 0), &nr, got, SENTINEL), 0);
	expect_u("nr_nodes 0 answers 0 nodes", nr, 0);
	expect_u("nr_nodes 0 writes nothing", untouched_from(got, 0), 1);
	r = good(0, 0);
	r.own_handle = 1;
	r.handle = 0;
	nr = 99;
	expect("nr_nodes 0 with a NULL handle", issue(r, &nr, NULL, 0), 0);
	expect_u("nr_nodes 0 with a NULL handle answers 0 nodes", nr, 0);

	/* Clamping: a small buffer gets the first entries, no error. */
	nr = 99;
	expect("nr_nodes 1", issue(good(0, 1), &nr, got, SENTINEL), 0);
	expect_u("nr_nodes 1 answers 1 node", nr, 1);
	expect_u("nr_nodes 1: entry 0 as in a full query", got[0], before[0]);
	expect_u("nr_nodes 1 writes one entry", untouched_from(got, 1), 1);
	if (needed > 1) {
		nr = 99;
		expect("nr_nodes below the node ids",
		       issue(good(0, needed - 1), &nr, got, SENTINEL), 0);
		expect_u("nr_nodes below the node ids answers nr_nodes", nr, needed - 1);
		expect_u("nr_nodes below the node ids: entries within",
		         untouched_from(got, needed - 1), 1);
	}
	/* A large capacity is clamped to the highest online node id + 1. */
	nr = 0;
	expect("nr_nodes 256", issue(good(0, XN_PAGEOP_MAX_NODES), &nr, got, SENTINEL), 0);
	expect_u("nr_nodes 256 answers the node ids", nr, needed);
	expect_u("nr_nodes 256 writes only those", untouched_from(got, needed), 1);
	nr = 0;
	expect("nr_nodes 0xffffffff", issue(good(0, 0xffffffffu), &nr, got, SENTINEL), 0);
	expect_u("nr_nodes 0xffffffff answers the node ids", nr, needed);

	expect("nonexistent domain 31999", issue(good(31999, needed), NULL, NULL, 0), -ESRCH);
	expect("DOMID_SELF", issue(good(DOMID_SELF, needed), NULL, NULL, 0), -ESRCH);
	expect("DOMID_XEN", issue(good(DOMID_XEN, needed), NULL, NULL, 0), -ESRCH);
	r = good(0, needed);
	r.op = 1;
	expect("unknown sub-op 1", issue(r, NULL, NULL, 0), -EINVAL);
	r.op = 0xffffffffu;
	expect("unknown sub-op 0xffffffff", issue(r, NULL, NULL, 0), -EINVAL);
	r = good(0, needed);
	r.version ^= 0x100;
	expect("wrong interface version", issue(r, NULL, NULL, 0), -EACCES);
	r = good(0, needed);
	r.own_handle = 1;
	r.handle = 8; /* NULL page: not mapped */
	nr = 99;
	expect("handle in page 0", issue(r, &nr, NULL, 0), -EFAULT);
	expect_u("EFAULT answers 0 nodes", nr, 0);
	r.handle = 0;
	expect("NULL handle", issue(r, NULL, NULL, 0), -EFAULT);
	r.handle = 0xffff830000000000ull; /* Xen's own direct map */
	expect("handle in Xen's address space", issue(r, NULL, NULL, 0), -EFAULT);
	r.handle = 0x0000800000000000ull; /* non-canonical */
	expect("non-canonical handle", issue(r, NULL, NULL, 0), -EFAULT);
	{
		volatile uint64_t *ro =
		        mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (ro == MAP_FAILED) {
			printf("FAIL mmap: %s\n", strerror(errno));
			failures++;
		} else {
			(void)ro[0]; /* mapped, read-only */
			r.handle = (uint64_t)(uintptr_t)ro;
			expect("read-only handle", issue(r, NULL, NULL, 0), -EFAULT);
			munmap((void *)ro, 4096);
		}
	}

	rc = query(0, &t1, &n1, after);
	expect("valid query after the bad ones", rc, 0);
	if (!rc) {
		int same = n1 == needed && t1 == t0 &&
		           !memcmp(before, after, needed * sizeof(*before));

		/* dom0 is quiet in the lab, so its counts must not have moved. */
		printf("%s counts unchanged by the bad requests\n", same ? "PASS" : "FAIL");
		failures += !same;
	}
	return failures ? 1 : 0;
}

static int cmd_time(uint32_t domid, long count)
{
	uint64_t pages[XN_PAGEOP_MAX_NODES], total;
	uint32_t needed;
	struct timespec a, b;
	int rc = 0;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < count && !rc; i++)
		rc = query(domid, &total, &needed, pages);
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (rc) {
		printf("error %s\n", strerror(-rc));
		return 1;
	}
	printf("%u %llu pages: %.0f ns per query (%ld queries)\n", domid, (unsigned long long)total,
	       ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / (double)count, count);
	return 0;
}

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

/* Debug keys run synchronously in the sysctl, so this is the dump's cost. */
static int cmd_timekey(const char *key, long count)
{
	xc_interface *xch = xc_interface_open(NULL, NULL, 0);
	double t0;
	long i;

	if (!xch || count <= 0) {
		printf("cannot open libxenctrl: %s\n", strerror(errno));
		return 1;
	}
	t0 = now_ns();
	for (i = 0; i < count; i++)
		if (xc_send_debug_keys(xch, key)) {
			printf("xc_send_debug_keys: %s\n", strerror(errno));
			break;
		}
	if (i == count)
		printf("key %s: %.0f ns per press (%ld presses)\n", key, (now_ns() - t0) / count,
		       count);
	xc_interface_close(xch);
	return i == count ? 0 : 1;
}

/* MFNs listed in file (one per line, as populate writes them). */
static xen_pfn_t *read_mfns(const char *file, unsigned long *nr)
{
	FILE *f = fopen(file, "r");
	xen_pfn_t *v = NULL;
	unsigned long n = 0, cap = 0, x;

	if (!f) {
		printf("%s: %s\n", file, strerror(errno));
		return NULL;
	}
	while (fscanf(f, "%lx", &x) == 1) {
		if (n == cap) {
			xen_pfn_t *nv = realloc(v, (cap = cap ? 2 * cap : 1024) * sizeof(*v));

			if (!nv) {
				free(v);
				fclose(f);
				return NULL;
			}
			v = nv;
		}
		v[n++] = x;
	}
	fclose(f);
	*nr = n;
	return v;
}

static int write_mfns(const char *file, const char *mode, const xen_pfn_t *v, unsigned long n)
{
	FILE *f = fopen(file, mode);

	if (!f)
		return 1;
	for (unsigned long i = 0; i < n; i++)
		fprintf(f, "%lx\n", (unsigned long)v[i]);
	return fclose(f) ? 1 : 0;
}

/* populate / exchange / depopulate: the memory ops that move pages in and
 * out of a domain, issued from dom0 against a paused PV guest. */
static int cmd_memop(const char *what, uint32_t domid, int argc, char **argv)
{
	xc_interface *xch = xc_interface_open(NULL, NULL, 0);
	xen_pfn_t *v = NULL, *out = NULL;
	unsigned long n = 0;
	int rc = 1;

	if (!xch) {
		printf("cannot open libxenctrl: %s\n", strerror(errno));
		return 1;
	}
	if (!strcmp(what, "populate") && argc == 3) {
		unsigned node = (unsigned)strtoul(argv[0], NULL, 0);

		n = strtoul(argv[1], NULL, 0);
		v = calloc(n ? n : 1, sizeof(*v));
		if (!v)
			goto out;
		/* For a PV guest the frame numbers only label the M2P entries. */
		for (unsigned long i = 0; i < n; i++)
			v[i] = 0x400000 + i;
		if (xc_domain_populate_physmap_exact(xch, domid, n, 0, XENMEMF_exact_node(node), v))
			printf("populate_physmap: %s\n", strerror(errno));
		else
			rc = write_mfns(argv[2], "a", v, n);
	} else if (!strcmp(what, "exchange") && argc == 1) {
		v = read_mfns(argv[0], &n);
		out = v ? calloc(n ? n : 1, sizeof(*out)) : NULL;
		if (!out)
			goto out;
		for (unsigned long i = 0; i < n; i++)
			out[i] = 0x400000 + i;
		if (xc_domain_memory_exchange_pages(xch, domid, n, 0, v, n, 0, out))
			printf("memory_exchange: %s\n", strerror(errno));
		else
			rc = write_mfns(argv[0], "w", out, n);
	} else if (!strcmp(what, "depopulate") && argc == 1) {
		v = read_mfns(argv[0], &n);
		if (!v)
			goto out;
		if (xc_domain_decrease_reservation_exact(xch, domid, n, 0, v))
			printf("decrease_reservation: %s\n", strerror(errno));
		else
			rc = write_mfns(argv[0], "w", v, 0);
	} else {
		printf("usage: %s DOMID ...\n", what);
	}
out:
	if (!rc)
		printf("%s d%u: %lu pages\n", what, domid, n);
	free(v);
	free(out);
	xc_interface_close(xch);
	return rc;
}

/* Populate n pages of domain domid on exactly node; 0 or -errno. */
static int give_pages(xc_interface *xch, uint32_t domid, unsigned node, unsigned long n)
{
	xen_pfn_t *v = calloc(n ? n : 1, sizeof(*v));
	int rc = 0;

	if (!v)
		return -ENOMEM;
	for (unsigned long i = 0; i < n; i++)
		v[i] = 0x400000 + i;
	if (n && xc_domain_populate_physmap_exact(xch, domid, n, 0, XENMEMF_exact_node(node), v))
		rc = -errno;
	free(v);
	return rc;
}

/* A PV domain as bare as Xen allows: enough to own memory, nothing to run. */
static int make_domain(xc_interface *xch, unsigned long p0, unsigned long p1, uint32_t *domid)
{
	struct xen_domctl_createdomain cfg = {
	        .max_vcpus = 1,
	        .max_evtchn_port = 1023,
	        .max_grant_frames = 4,
	        .max_maptrack_frames = 0,
	        .grant_opts = XEN_DOMCTL_GRANT_version(1),
	};
	int rc;

	*domid = 0;
	if (xc_domain_create(xch, domid, &cfg))
		return -errno;
	/* Room for populate to grow it later (the measurements do). */
	if (xc_domain_setmaxmem(xch, *domid, (p0 + p1 + (1ul << 20)) * 4))
		rc = -errno;
	else if ((rc = give_pages(xch, *domid, 0, p0)) == 0)
		rc = give_pages(xch, *domid, 1, p1);
	if (rc) {
		xc_domain_destroy(xch, *domid);
		*domid = 0;
	}
	return rc;
}

/* The xenstore name PREFIX-ID: libxenstat skips a domain without one, as
 * a domain being destroyed. 0 or -errno. */
static int name_domain(struct xs_handle *xs, uint32_t domid, const char *prefix)
{
	char path[64], name[128];

	snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
	snprintf(name, sizeof(name), "%s-%u", prefix, domid);
	return xs_write(xs, XBT_NULL, path, name, strlen(name)) ? 0 : -(errno ? errno : EIO);
}

static void unname_domain(struct xs_handle *xs, uint32_t domid)
{
	char path[64];

	snprintf(path, sizeof(path), "/local/domain/%u", domid);
	if (xs)
		xs_rm(xs, XBT_NULL, path); /* absent for unnamed domains: fine */
}

static int listed(xc_interface *xch, uint32_t domid)
{
	xc_domaininfo_t info;

	return xc_domain_getinfolist(xch, domid, 1, &info) == 1 && info.domain == domid;
}

/* Destroy, then wait (up to 60 s) until Xen no longer lists the domain:
 * a dying domain stays listed until its last reference goes. 0 or -errno. */
static int destroy_domain(xc_interface *xch, struct xs_handle *xs, uint32_t domid)
{
	double deadline;

	if (xc_domain_destroy(xch, domid))
		return -errno;
	unname_domain(xs, domid);
	deadline = now_ns() + 60e9;
	while (listed(xch, domid)) {
		struct timespec t = {0, 10000000};

		if (now_ns() > deadline)
			return -ETIMEDOUT;
		nanosleep(&t, NULL);
	}
	return 0;
}

/* Now, as xentop-numa's JSON writes sample times (so that the two compare as
 * strings). */
static void rfc3339_now(char *buf, size_t len)
{
	struct timespec t;
	struct tm tm;
	char s[32];

	clock_gettime(CLOCK_REALTIME, &t);
	gmtime_r(&t.tv_sec, &tm);
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%09ldZ", s, t.tv_nsec);
}

/* ns per call of each request a refresh makes per domain, over every
 * domain; and a batched getdomaininfo for all of them. */
static int cmd_costs(xc_interface *xch, long count)
{
	static xc_domaininfo_t info[1024];
	struct xs_handle *xs = xs_open(0);
	xc_cpumap_t hard = xc_cpumap_alloc(xch), soft = xc_cpumap_alloc(xch);
	xc_nodemap_t nodes = xc_nodemap_alloc(xch);
	int n = xc_domain_getinfolist(xch, 0, 1024, info);
	const char *names[] = {
	        "getdomaininfo batch (all domains)", "getdomaininfo (one domain)", "vcpu_getinfo",
	        "vcpu_getaffinity (hard+soft)",      "node_getaffinity",           "page op",
	        "xenstore read of the name"};

	if (n <= 0 || count <= 0 || !hard || !soft || !nodes || !xs) {
		printf("costs: cannot start: %s\n", strerror(errno));
		return 1;
	}
	for (unsigned k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		double t0 = now_ns();
		long calls = 0;

		for (long c = 0; c < count; c++) {
			if (k == 0) {
				xc_domain_getinfolist(xch, 0, 1024, info);
				calls++;
				continue;
			}
			for (int i = 0; i < n; i++, calls++) {
				uint32_t d = info[i].domain, nr;
				xc_domaininfo_t one;
				xc_vcpuinfo_t vi;
				uint64_t pages[XN_PAGEOP_MAX_NODES];
				char path[64];

				switch (k) {
				case 1:
					xc_domain_getinfolist(xch, d, 1, &one);
					break;
				case 2:
					xc_vcpu_getinfo(xch, d, 0, &vi);
					break;
				case 3:
					xc_vcpu_getaffinity(xch, d, 0, hard, soft,
					                    XEN_VCPUAFFINITY_HARD |
					                            XEN_VCPUAFFINITY_SOFT);
					break;
				case 4:
					xc_domain_node_getaffinity(xch, d, nodes);
					break;
				case 5:
					issue(good(d, XN_PAGEOP_MAX_NODES), &nr, pages, 0);
					break;
				case 6:
					snprintf(path, sizeof(path), "/local/domain/%u/name", d);
					free(xs_read(xs, XBT_NULL, path, NULL));
					break;
				}
			}
		}
		printf("cost %-34s %8.0f ns per call (%ld calls)\n", names[k],
		       (now_ns() - t0) / (double)calls, calls);
	}
	printf("cost over %d domains\n", n);
	free(hard);
	free(soft);
	free(nodes);
	xs_close(xs);
	return 0;
}

/* Create and destroy named domains for secs seconds, keeping pool of them. */
static int cmd_churn(xc_interface *xch, double secs, long pool, unsigned long pages,
                     const char *prefix, double pause)
{
	struct timespec gap = {(time_t)pause, (long)((pause - (double)(time_t)pause) * 1e9)};
	struct xs_handle *xs = xs_open(0);
	uint32_t *ids = calloc((size_t)(pool > 0 ? pool : 1), sizeof(*ids));
	long head = 0, live = 0, made = 0, gone = 0;
	double end = now_ns() + secs * 1e9;
	char when[64];
	int rc = 0;

	if (!xs || !ids || pool <= 0) {
		printf("churn: cannot start: %s\n", strerror(errno));
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (!rc && now_ns() < end) {
		uint32_t domid;
		int r;

		if (live == pool) {
			domid = ids[head];
			head = (head + 1) % pool;
			live--;
			r = destroy_domain(xch, xs, domid);
			rfc3339_now(when, sizeof(when));
			if (r) {
				printf("churn: destroying d%u: %s\n", domid, strerror(-r));
				rc = 1;
				break;
			}
			printf("gone %u %s\n", domid, when);
			gone++;
		}
		r = make_domain(xch, pages, pages, &domid);
		if (!r && (r = name_domain(xs, domid, prefix)))
			destroy_domain(xch, xs, domid);
		if (r) {
			printf("churn: creating a domain: %s\n", strerror(-r));
			rc = 1;
			break;
		}
		rfc3339_now(when, sizeof(when));
		printf("made %u %s\n", domid, when);
		ids[(head + live) % pool] = domid;
		live++;
		made++;
		/* Domains must outlive a refresh (seconds under TCG) to be seen. */
		if (pause > 0)
			nanosleep(&gap, NULL);
	}
	/* Leave none behind. */
	for (; live > 0; live--, head = (head + 1) % pool) {
		int r = destroy_domain(xch, xs, ids[head]);

		rfc3339_now(when, sizeof(when));
		if (r) {
			printf("churn: destroying d%u: %s\n", ids[head], strerror(-r));
			rc = 1;
			continue;
		}
		printf("gone %u %s\n", ids[head], when);
		gone++;
	}
	printf("churn: made %ld, destroyed %ld domains in %.0f s\n", made, gone, secs);
	free(ids);
	xs_close(xs);
	return rc;
}

static int cmd_dom(const char *what, int argc, char **argv)
{
	xc_interface *xch = xc_interface_open(NULL, NULL, 0);
	int rc = 1;

	if (!xch) {
		printf("cannot open libxenctrl: %s\n", strerror(errno));
		return 1;
	}
	if (!strcmp(what, "mkdom") && argc == 2) {
		uint32_t domid;
		int r = make_domain(xch, strtoul(argv[0], NULL, 0), strtoul(argv[1], NULL, 0),
		                    &domid);

		if (r)
			printf("mkdom: %s\n", strerror(-r));
		else
			printf("%u\n", domid);
		rc = r ? 1 : 0;
	} else if (!strcmp(what, "ids") && argc == 0) {
		xc_domaininfo_t info[256];
		uint32_t next = 0;
		int n;

		rc = 0;
		while ((n = xc_domain_getinfolist(xch, next, 256, info)) > 0) {
			for (int i = 0; i < n; i++)
				printf("%u\n", info[i].domain);
			next = info[n - 1].domain + 1;
		}
		if (n < 0) {
			printf("xc_domain_getinfolist: %s\n", strerror(errno));
			rc = 1;
		}
	} else if (!strcmp(what, "rmdom") && argc >= 1) {
		struct xs_handle *xs = xs_open(0); /* NULL: no names to remove */

		rc = 0;
		for (int i = 0; i < argc; i++) {
			int r = destroy_domain(xch, xs, (uint32_t)strtoul(argv[i], NULL, 0));

			if (r) {
				printf("rmdom %s: %s\n", argv[i], strerror(-r));
				rc = 1;
			}
		}
		if (xs)
			xs_close(xs);
	} else if (!strcmp(what, "mkdoms") && (argc == 3 || argc == 4)) {
		/* Many bare domains from one process: under TCG a process start
		 * and a libxenctrl open cost more than the domain itself. */
		long count = strtol(argv[0], NULL, 0);
		unsigned long p0 = strtoul(argv[1], NULL, 0), p1 = strtoul(argv[2], NULL, 0);
		struct xs_handle *xs = argc == 4 ? xs_open(0) : NULL;

		rc = argc == 4 && !xs ? 1 : 0;
		if (rc)
			printf("mkdoms: cannot open xenstore: %s\n", strerror(errno));
		for (long i = 0; i < count && !rc; i++) {
			uint32_t domid;
			int r = make_domain(xch, p0, p1, &domid);

			if (!r && xs && (r = name_domain(xs, domid, argv[3])))
				xc_domain_destroy(xch, domid);
			if (r) {
				printf("mkdoms: domain %ld of %ld: %s\n", i + 1, count,
				       strerror(-r));
				rc = 1;
				break;
			}
			printf("%u\n", domid);
		}
		if (xs)
			xs_close(xs);
	} else if (!strcmp(what, "costs") && argc == 1) {
		rc = cmd_costs(xch, strtol(argv[0], NULL, 0));
	} else if (!strcmp(what, "churn") && argc == 5) {
		rc = cmd_churn(xch, strtod(argv[0], NULL), strtol(argv[1], NULL, 0),
		               strtoul(argv[2], NULL, 0), argv[3], strtod(argv[4], NULL));
	} else if (!strcmp(what, "sweep") && argc == 1) {
		/* One op query per domain, as a refresh does: ns per sweep. */
		long count = strtol(argv[0], NULL, 0);
		xc_domaininfo_t info[1024];
		uint64_t pages[XN_PAGEOP_MAX_NODES];
		uint32_t nr;
		int n = xc_domain_getinfolist(xch, 0, 1024, info);
		double t0 = now_ns();

		rc = n > 0 && count > 0 ? 0 : 1;
		for (long k = 0; k < count && !rc; k++)
			for (int i = 0; i < n && !rc; i++)
				rc = issue(good(info[i].domain, XN_PAGEOP_MAX_NODES), &nr, pages, 0)
				             ? 1
				             : 0;
		if (!rc)
			printf("op sweep over %d domains: %.0f ns (%ld sweeps)\n", n,
			       (now_ns() - t0) / count, count);
		else
			printf("sweep failed\n");
	} else if (!strcmp(what, "cycle") && argc == 2) {
		long count = strtol(argv[0], NULL, 0);
		unsigned long n = strtoul(argv[1], NULL, 0);

		rc = 0;
		for (long i = 1; i <= count; i++) {
			uint64_t pages[XN_PAGEOP_MAX_NODES], total;
			uint32_t domid, needed;
			int r = make_domain(xch, n, n, &domid);

			if (!r)
				r = query(domid, &total, &needed, pages);
			if (!r && (total != 2 * n || pages[0] != n || pages[1] != n))
				r = -EPROTO;
			printf("%s cycle %ld d%u: %s\n", r ? "FAIL" : "PASS", i, domid,
			       r ? strerror(-r) : "created, counted, destroyed");
			if (domid && xc_domain_destroy(xch, domid)) {
				printf("FAIL cycle %ld: destroy d%u: %s\n", i, domid,
				       strerror(errno));
				r = -errno;
			}
			if (r) {
				rc = 1;
				break;
			}
		}
	} else {
		printf("usage: %s ...\n", what);
	}
	xc_interface_close(xch);
	return rc;
}

/* Issue 25's race. A PV domain's MFNs are its frame numbers, so a second
 * dom0 thread that sees an output MFN appear in the exchange's output list
 * (Xen writes each one after adding the page to the domain, long before
 * the chunk ends) can give that page back at once, as a guest's second vCPU
 * could. Output entries start as labels above any MFN of the lab. */
#define RACE_LABEL 0x800000ul

struct race {
	uint32_t domid;
	unsigned long n;         /* output pages: 2^order */
	volatile xen_pfn_t *out; /* the exchange's output list (hypercall buffer) */
	volatile int done;       /* the exchange hypercall returned */
	long destroy_at;         /* destroy once this many outputs show; -1: free them */
	unsigned long freed;     /* pages given back */
	unsigned long mid_chunk; /* ... of which provably before the chunk ended */
	unsigned long wrapped;   /* op readings with a count above 2^63 */
	uint64_t wrap_value;
	unsigned wrap_node;
	int err;         /* -errno of a failed call */
	xen_pfn_t *kept; /* the odd outputs, left to the domain */
	unsigned long nkept;
};

static int race_label(const struct race *r, unsigned long i)
{
	return r->out[i] == RACE_LABEL + i;
}

/* The second thread: give back (or destroy) as outputs appear, read the op. */
static void *race_thread(void *arg)
{
	struct race *r = arg;
	xc_interface *xch = xc_interface_open(NULL, NULL, 0);
	xen_pfn_t *batch = calloc(r->n, sizeof(*batch));
	unsigned long next = 0;
	int finished = 0;

	if (!xch || !batch) {
		r->err = -ENOMEM;
		goto out;
	}
	while (next < r->n) {
		unsigned long k = 0;
		int last_pending;

		/* Xen fills the list in order; even entries are given back, odd
		 * ones stay (the op must then read them on node 1). */
		while (next < r->n && !race_label(r, next)) {
			if (next % 2 == 0 || r->destroy_at >= 0)
				batch[k++] = r->out[next];
			next++;
		}
		if (!k) {
			/* Stop only after a scan that began after the exchange
			 * returned (outputs written just before it count too). */
			if (finished)
				break; /* nothing more will come */
			finished = r->done;
			continue;
		}
		if (r->destroy_at >= 0) {
			if ((long)next < r->destroy_at && !r->done)
				continue;
			if (xc_domain_destroy(xch, r->domid))
				r->err = -errno;
			goto out;
		}
		last_pending = race_label(r, r->n - 1);
		int got = xc_domain_decrease_reservation(xch, r->domid, k, 0, batch);

		if (got < 0) {
			r->err = -errno;
			break;
		}
		r->freed += (unsigned long)got;
		/* Freed while the chunk's last page was still to come. */
		if (last_pending && race_label(r, r->n - 1))
			r->mid_chunk += (unsigned long)got;
		{
			uint64_t pages[XN_PAGEOP_MAX_NODES];
			uint32_t nr = 0;

			if (!issue(good(r->domid, XN_PAGEOP_MAX_NODES), &nr, pages, 0))
				for (uint32_t i = 0; i < nr && i < XN_PAGEOP_MAX_NODES; i++)
					if (pages[i] >> 63) {
						r->wrapped++;
						r->wrap_value = pages[i];
						r->wrap_node = i;
					}
		}
	}
out:
	free(batch);
	if (xch)
		xc_interface_close(xch);
	return NULL;
}

/* One exchange of an order-order extent on node 0 for single pages on
 * node 1, raced by race_thread. 0 or -errno; *nr_exchanged from Xen. */
static int race_once(struct race *r, unsigned order, uint64_t *nr_exchanged)
{
	xc_interface *xch = info_xch;
	struct xen_memory_exchange *exch = xencall_alloc_buffer(xcall, sizeof(*exch));
	xen_pfn_t *in = xencall_alloc_buffer(xcall, sizeof(*in));
	xen_pfn_t *out = xencall_alloc_buffer(xcall, r->n * sizeof(*out));
	pthread_t t;
	int rc = 0;

	if (!exch || !in || !out) {
		rc = -ENOMEM;
		goto out;
	}
	in[0] = RACE_LABEL; /* a label for the M2P; Xen writes back the MFN */
	if (xc_domain_populate_physmap_exact(xch, r->domid, 1, order, XENMEMF_exact_node(0), in)) {
		rc = -errno;
		printf("race: populate one order-%u extent on node 0: %s\n", order,
		       strerror(errno));
		goto out;
	}
	for (unsigned long i = 0; i < r->n; i++)
		out[i] = RACE_LABEL + i;
	memset(exch, 0, sizeof(*exch));
	exch->in.extent_start.p = in; /* libxc redefines set_xen_guest_handle */
	exch->in.nr_extents = 1;
	exch->in.extent_order = order;
	exch->in.domid = (domid_t)r->domid;
	exch->out.extent_start.p = out;
	exch->out.nr_extents = r->n;
	exch->out.extent_order = 0;
	exch->out.mem_flags = XENMEMF_exact_node(1);
	exch->out.domid = (domid_t)r->domid;
	r->out = out;
	r->done = 0;
	if (pthread_create(&t, NULL, race_thread, r)) {
		rc = -EAGAIN;
		goto out;
	}
	if (xencall2(xcall, __HYPERVISOR_memory_op, XENMEM_exchange, (uint64_t)(uintptr_t)exch) < 0)
		rc = -errno;
	__atomic_store_n(&r->done, 1, __ATOMIC_SEQ_CST);
	pthread_join(t, NULL);
	*nr_exchanged = exch->nr_exchanged;
	r->nkept = 0;
	for (unsigned long i = 1; i < r->n && !rc && r->kept; i += 2)
		r->kept[r->nkept++] = out[i];
out:
	if (out)
		xencall_free_buffer(xcall, out);
	if (in)
		xencall_free_buffer(xcall, in);
	if (exch)
		xencall_free_buffer(xcall, exch);
	return rc;
}

static int cmd_race(uint32_t domid, double secs, unsigned order)
{
	struct race r = {.domid = domid, .n = 1ul << order, .destroy_at = -1};
	unsigned long rounds = 0, freed = 0, mid = 0, bad = 0;
	uint64_t base[XN_PAGEOP_MAX_NODES], base_total;
	uint32_t base_nodes;
	double end = now_ns() + secs * 1e9;
	int rc;

	if (order < 1 || order > 12) {
		printf("race: order %u: want 1..12 (12: the control domain's maximum)\n", order);
		return 2;
	}
	r.kept = calloc(r.n, sizeof(*r.kept));
	if (!r.kept)
		return 1;
	if ((rc = query(domid, &base_total, &base_nodes, base)) || base_nodes < 2) {
		printf("race: query d%u: %s\n", domid, rc ? strerror(-rc) : "fewer than 2 nodes");
		return 1;
	}
	if (xc_domain_setmaxmem(info_xch, domid, (base_total + 2 * r.n + 1024) * 4)) {
		printf("race: setmaxmem d%u: %s\n", domid, strerror(errno));
		return 1;
	}
	while (!bad) {
		uint64_t pages[XN_PAGEOP_MAX_NODES], total, done = 0;
		uint32_t needed;
		int last = now_ns() >= end;

		r.freed = r.mid_chunk = 0;
		rc = race_once(&r, order, &done);
		rounds++;
		freed += r.freed;
		mid += r.mid_chunk;
		if (rc || r.err || done != 1) {
			printf("race %lu: exchange %s (%llu of 1 extent exchanged), second thread "
			       "%s\n",
			       rounds, rc ? strerror(-rc) : "ok", (unsigned long long)done,
			       r.err ? strerror(-r.err) : "ok");
			bad++;
			break;
		}
		/* The odd outputs stay: exactly that many more on node 1, none on
		 * node 0 (the input extent left it), the sum equal to tot_pages
		 * (query insists). A wrapped count would read far above. */
		rc = query(domid, &total, &needed, pages);
		if (rc) {
			printf("race %lu: query d%u: %s\n", rounds, domid, strerror(-rc));
			bad++;
			break;
		}
		if (total != base_total + r.nkept || pages[0] != base[0] ||
		    pages[1] != base[1] + r.nkept || r.freed + r.nkept != r.n) {
			printf("race %lu: d%u reads total %llu node0 %llu node1 %llu after giving "
			       "back "
			       "%lu of %lu; want %llu, %llu, %llu\n",
			       rounds, domid, (unsigned long long)total,
			       (unsigned long long)pages[0], (unsigned long long)pages[1], r.freed,
			       r.n, (unsigned long long)(base_total + r.nkept),
			       (unsigned long long)base[0],
			       (unsigned long long)(base[1] + r.nkept));
			bad++;
		}
		if (last)
			break; /* the last round's pages stay, for the walk to compare */
		if (xc_domain_decrease_reservation_exact(info_xch, domid, r.nkept, 0, r.kept)) {
			printf("race %lu: giving back the rest: %s\n", rounds, strerror(errno));
			bad++;
		}
	}
	if (r.wrapped)
		printf("race: %lu op readings showed a wrapped count (node %u: %llu)\n", r.wrapped,
		       r.wrap_node, (unsigned long long)r.wrap_value);
	printf("race d%u: %lu exchanges of %lu pages, %lu pages given back by the second thread, "
	       "%lu of them before their exchange's chunk ended\n",
	       domid, rounds, r.n, freed, mid);
	if (!mid)
		printf("race: no page was given back before its chunk ended: the race was not "
		       "reached\n");
	free(r.kept);
	/* 2: right counts, but the race untried (a loaded host can miss the
	 * window in a whole round): the caller wants it reached in some round */
	return bad || r.wrapped ? 1 : !mid ? 2 : 0;
}

/* Destroy racing an exchange: the thread destroys the domain once some of
 * the chunk's outputs are the domain's. The domain must then go away (a
 * dying domain stays listed until its tot_pages reach 0 and its last
 * reference goes). */
static int cmd_race_destroy(long rounds, unsigned order)
{
	unsigned long cut = 0;
	int bad = 0;

	if (order < 1 || order > 12) {
		printf("race-destroy: order %u: want 1..12\n", order);
		return 1;
	}
	for (long i = 0; i < rounds && !bad; i++) {
		struct race r = {.n = 1ul << order};
		uint64_t done = 0;
		int rc = make_domain(info_xch, 0, 0, &r.domid);

		if (rc) {
			printf("race-destroy %ld: mkdom: %s\n", i + 1, strerror(-rc));
			return 1;
		}
		if (xc_domain_setmaxmem(info_xch, r.domid, (2 * r.n + 1024) * 4)) {
			printf("race-destroy: setmaxmem: %s\n", strerror(errno));
			xc_domain_destroy(info_xch, r.domid);
			return 1;
		}
		/* A different moment each round, within the first half. */
		r.destroy_at = 1 + (long)((i * 613) % (r.n / 2));
		rc = race_once(&r, order, &done);
		if (rc && rc != -EINVAL && rc != -ESRCH)
			printf("race-destroy %ld: exchange: %s\n", i + 1, strerror(-rc));
		if (r.err)
			printf("race-destroy %ld: destroy: %s\n", i + 1, strerror(-r.err));
		cut += done != 1;
		rc = destroy_domain(info_xch, NULL, r.domid);
		if (rc && rc != -ESRCH) {
			printf("race-destroy %ld: d%u is still listed after its destruction: %s\n",
			       i + 1, r.domid, strerror(-rc));
			bad = 1;
		}
	}
	printf("race-destroy: %ld rounds, %lu exchanges cut short by the destruction\n", rounds,
	       cut);
	if (!cut)
		printf("race-destroy: no exchange was cut short: the race was not reached\n");
	/* 2: nothing wrong, but the race untried: the caller runs more rounds */
	return bad ? 1 : !cut ? 2 : 0;
}

static int cmd_nodeaff(uint32_t domid, int argc, char **argv)
{
	xc_interface *xch = xc_interface_open(NULL, NULL, 0);
	xc_nodemap_t map;
	int rc;

	if (!xch) {
		printf("cannot open libxenctrl: %s\n", strerror(errno));
		return 1;
	}
	map = xc_nodemap_alloc(xch);
	if (!map) {
		xc_interface_close(xch);
		return 1;
	}
	for (int i = 0; i < argc; i++) {
		unsigned long n = strtoul(argv[i], NULL, 0);

		if (n >= 8u * (unsigned long)xc_get_nodemap_size(xch)) {
			printf("node %lu is beyond the node map\n", n);
			free(map);
			xc_interface_close(xch);
			return 1;
		}
		map[n / 8] |= (uint8_t)(1u << (n % 8));
	}
	rc = xc_domain_node_setaffinity(xch, domid, map);
	if (rc)
		printf("xc_domain_node_setaffinity: %s\n", strerror(errno));
	free(map);
	xc_interface_close(xch);
	return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: pageop_probe probe|query DOMID...|bad|time DOMID COUNT\n");
		return 2;
	}
	xcall = xencall_open(NULL, 0);
	info_xch = xc_interface_open(NULL, NULL, 0);
	if (!xcall || !info_xch) {
		printf("cannot open privcmd: %s\n", strerror(errno));
		return 77;
	}
	if (!strcmp(argv[1], "probe")) {
		uint64_t pages[XN_PAGEOP_MAX_NODES], total;
		uint32_t needed;
		int rc = query(0, &total, &needed, pages);

		printf("pageop: %s\n", rc ? strerror(-rc) : "present");
		return rc ? 1 : 0;
	}
	if (!strcmp(argv[1], "query"))
		return cmd_query(argc - 2, argv + 2);
	if (!strcmp(argv[1], "bad"))
		return cmd_bad();
	if (!strcmp(argv[1], "time") && argc == 4)
		return cmd_time((uint32_t)strtoul(argv[2], NULL, 0), strtol(argv[3], NULL, 0));
	if ((!strcmp(argv[1], "populate") || !strcmp(argv[1], "exchange") ||
	     !strcmp(argv[1], "depopulate")) &&
	    argc >= 4)
		return cmd_memop(argv[1], (uint32_t)strtoul(argv[2], NULL, 0), argc - 3, argv + 3);
	if (!strcmp(argv[1], "mkdom") || !strcmp(argv[1], "rmdom") || !strcmp(argv[1], "cycle") ||
	    !strcmp(argv[1], "ids") || !strcmp(argv[1], "mkdoms") || !strcmp(argv[1], "sweep") ||
	    !strcmp(argv[1], "costs") || !strcmp(argv[1], "churn"))
		return cmd_dom(argv[1], argc - 2, argv + 2);
	if (!strcmp(argv[1], "timekey") && argc == 4)
		return cmd_timekey(argv[2], strtol(argv[3], NULL, 0));
	if (!strcmp(argv[1], "race") && argc == 5)
		return cmd_race((uint32_t)strtoul(argv[2], NULL, 0), strtod(argv[3], NULL),
		                (unsigned)strtoul(argv[4], NULL, 0));
	if (!strcmp(argv[1], "race-destroy") && argc == 4)
		return cmd_race_destroy(strtol(argv[2], NULL, 0),
		                        (unsigned)strtoul(argv[3], NULL, 0));
	if (!strcmp(argv[1], "nodeaff") && argc >= 4)
		return cmd_nodeaff((uint32_t)strtoul(argv[2], NULL, 0), argc - 3, argv + 3);
	fprintf(stderr, "pageop_probe: unknown command %s\n", argv[1]);
	return 2;
}
#endif
