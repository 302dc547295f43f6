/* test_pageop.c - the page op's userspace side without a patched hypervisor:
 * which answers it believes (sum against tot_pages: exact, XenServer's upper
 * bounds, or read again; node coverage; wrapped counters), which errors mean "no op here" rather
 * than "try again", requests it must refuse before any hypercall, and honest failure (never made-up
 * figures) where there is no Xen at all. The real op is tested in the QEMU lab
 * (tests/vm/checks/pageop/), which also runs this binary in dom0 (test_dom0() below). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

#ifndef HAVE_XEN
int main(void)
{
	printf("built without Xen development files\n");
	return 77;
}
#else
#include <stdlib.h>

/* Xen's public headers need GNU C (see src/xen_pageop.c). */
#undef __STRICT_ANSI__
#include <xenctrl.h>

#include "xen/xen_pageop.h"

/* pages_out must be left alone on every failure. */
static int untouched(const uint64_t *p, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (p[i] != 0xdeadbeefULL)
			return 0;
	return 1;
}

static void fill(uint64_t *p, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = 0xdeadbeefULL;
}

static void test_check(void)
{
	const uint64_t two[2] = {1000, 24};
	const uint64_t four[4] = {1000, 0, 24, 0};
	char err[160];

	/* Exact sum: exact figures (our series, and XenServer for a domain that
	 * never gave memory back and has no extra pages). */
	CHECK_EQ_U64(xn_pageop_check(two, 2, 256, 2, 1024, err, sizeof(err)), 0);
	/* Node ids beyond the host's count too (offline ids read 0). */
	CHECK_EQ_U64(xn_pageop_check(four, 4, 256, 2, 1024, err, sizeof(err)), 0);
	/* Above tot_pages, by one page or by a vmtrace buffer's 16384, or a
	 * domain that ballooned from 1 GiB to 4 MiB: XenServer's counts (extra
	 * pages counted, frees never taken back): upper bounds, said so. */
	err[0] = '\0';
	CHECK_EQ_U64(xn_pageop_check(two, 2, 256, 2, 1024 - 1, err, sizeof(err)), XN_PAGEOP_UPPER);
	CHECK(strstr(err, "1023") != NULL);
	const uint64_t vmtrace[2] = {1000 + 16384, 24};
	CHECK_EQ_U64(xn_pageop_check(vmtrace, 2, 256, 2, 1024, err, sizeof(err)), XN_PAGEOP_UPPER);
	const uint64_t ballooned[2] = {262144, 0};
	CHECK_EQ_U64(xn_pageop_check(ballooned, 2, 256, 2, 1024, err, sizeof(err)),
	             XN_PAGEOP_UPPER);
	/* Below tot_pages: memory given between the reads, or an exchange under
	 * way: try again, and say both figures. */
	err[0] = '\0';
	CHECK_EQ_U64(xn_pageop_check(two, 2, 256, 2, 1025, err, sizeof(err)), (uint64_t)-EAGAIN);
	CHECK(strstr(err, "1025") != NULL);
	/* A wrapped counter (a node count taken below zero, as the series did
	 * before issue 25 while an exchange raced a free): never figures. */
	const uint64_t wrapped[2] = {1024 + 5, (uint64_t)-5};
	err[0] = '\0';
	CHECK_EQ_U64(xn_pageop_check(wrapped, 2, 256, 2, 1024, err, sizeof(err)),
	             (uint64_t)-EPROTO);
	CHECK(strstr(err, "wrapped") != NULL);
	/* An answer that does not cover the host's node ids (one came online). */
	CHECK_EQ_U64(xn_pageop_check(two, 1, 256, 2, 1000, err, sizeof(err)), (uint64_t)-EPROTO);
	/* Senseless counts of entries. */
	CHECK_EQ_U64(xn_pageop_check(two, 0, 256, 1, 0, err, sizeof(err)), (uint64_t)-EPROTO);
	CHECK_EQ_U64(xn_pageop_check(four, 4, 3, 2, 1024, err, sizeof(err)), (uint64_t)-EPROTO);
}

static void test_absent(void)
{
	/* No such op, or refused for good: never asked again. */
	CHECK(xn_pageop_absent(-ENOSYS));
	CHECK(xn_pageop_absent(-EOPNOTSUPP));
	CHECK(xn_pageop_absent(-EACCES));
	CHECK(xn_pageop_absent(-EPERM));
	CHECK(xn_pageop_absent(-EINVAL));
	CHECK(xn_pageop_absent(-EPROTO));
	CHECK(xn_pageop_absent(-ENOENT)); /* no privcmd device */
	CHECK(xn_pageop_absent(-ENODEV));
	/* Transient: asked again on the next refresh. */
	CHECK(!xn_pageop_absent(0));
	CHECK(!xn_pageop_absent(-EAGAIN));
	CHECK(!xn_pageop_absent(-EFAULT));
	CHECK(!xn_pageop_absent(-ENOMEM));
	CHECK(!xn_pageop_absent(-ESRCH));
	CHECK(!xn_pageop_absent(-EINTR));
}

/* A dom0 says "control_d" in /proc/xen/capabilities; a domU does not. */
static int in_dom0(void)
{
	char buf[128] = "";
	FILE *f = fopen("/proc/xen/capabilities", "r");
	if (!f)
		return 0;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strstr(buf, "control_d") != NULL;
}

/* In the lab's dom0 (tests/vm/checks/xen/unit.sh, checks/pageop/pageop.sh):
 * XN_EXPECT_PAGEOP says whether this hypervisor has the op (1: the patched
 * one of run.sh's pageop boot; 0: Debian's), XN_EXPECT_NODES how many nodes
 * the lab emulated. With the op, Domain-0's pages per node add up to its
 * tot_pages (xn_xen_pageop_query checks that) on that many nodes, and a
 * domain that does not exist is -ESRCH; without it, the probe and every
 * query fail as "no op here", leaving the output alone. */
static void test_dom0(void)
{
	const char *want_op = getenv("XN_EXPECT_PAGEOP");
	const char *want_nodes = getenv("XN_EXPECT_NODES");
	CHECK(want_op != NULL);
	CHECK(want_nodes != NULL);
	if (!want_op || !want_nodes)
		return;
	unsigned nodes = (unsigned)strtoul(want_nodes, NULL, 10);
	CHECK(nodes >= 1 && nodes <= XN_PAGEOP_MAX_NODES);
	if (nodes < 1 || nodes > XN_PAGEOP_MAX_NODES)
		return;
	xc_interface *xch = xc_interface_open(NULL, NULL, 0);
	CHECK(xch != NULL);
	if (!xch)
		return;
	uint64_t pages[XN_PAGEOP_MAX_NODES + 1];
	char err[160] = "";
	int r = xn_xen_pageop_probe(xch);
	fill(pages, nodes);
	int q = xn_xen_pageop_query(xch, 0, nodes, XN_PAGEOP_NO_HINT, 0, pages, err, sizeof(err));
	if (!strcmp(want_op, "1")) {
		CHECK_EQ_U64(r, 0);
		CHECK_EQ_U64(q, 0);
		uint64_t sum = 0;
		for (unsigned i = 0; i < nodes; i++)
			sum += pages[i];
		CHECK(sum > 0);
		printf("test_pageop: the op: Domain-0 has %llu pages on %u nodes\n",
		       (unsigned long long)sum, nodes);
		fill(pages, nodes);
		CHECK_EQ_U64(xn_xen_pageop_query(xch, 32000, nodes, XN_PAGEOP_NO_HINT, 0, pages,
		                                 err, sizeof(err)),
		             (uint64_t)-ESRCH);
		CHECK(untouched(pages, nodes));
	} else {
		CHECK(r < 0);
		CHECK(xn_pageop_absent(r));
		CHECK(q < 0);
		CHECK(untouched(pages, nodes));
		printf("test_pageop: no op here, as expected: %s\n", strerror(-r));
	}
	if (q && err[0])
		printf("test_pageop: query of Domain-0: %s\n", err);
	xc_interface_close(xch);
}

int main(void)
{
	uint64_t pages[XN_PAGEOP_MAX_NODES + 1];
	unsigned n = XN_PAGEOP_MAX_NODES + 1;
	char err[160];

	test_check();
	test_absent();

	fill(pages, n);
	CHECK_EQ_U64(xn_xen_pageop_query(NULL, 0, 0, XN_PAGEOP_NO_HINT, 0, pages, err, sizeof(err)),
	             (uint64_t)-EINVAL);
	CHECK(untouched(pages, n));
	CHECK_EQ_U64(xn_xen_pageop_query(NULL, 0, XN_PAGEOP_MAX_NODES + 1, XN_PAGEOP_NO_HINT, 0,
	                                 pages, err, sizeof(err)),
	             (uint64_t)-EINVAL);
	CHECK(untouched(pages, n));

	/* No hypervisor here: every call fails, and says so. */
	if (access("/dev/xen/privcmd", F_OK) != 0 && access("/proc/xen/privcmd", F_OK) != 0) {
		int r = xn_xen_pageop_probe(NULL);

		CHECK(r < 0);
		/* A machine without Xen has no op: not a transient failure. */
		CHECK(xn_pageop_absent(r));
		/* A second attempt after a failed open must fail the same way. */
		CHECK(xn_xen_pageop_probe(NULL) == r);
	} else if (in_dom0()) {
		test_dom0();
	} else {
		/* A domU: privcmd without rights; the op is not ours to use. */
		CHECK(xn_pageop_absent(xn_xen_pageop_probe(NULL)));
	}
	xn_xen_pageop_release();
	xn_xen_pageop_release(); /* twice is safe */
	return check_report("test_pageop");
}
#endif
