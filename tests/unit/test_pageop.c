/* test_pageop.c - the page op's userspace side without a patched hypervisor:
 * requests it must refuse before any hypercall, and honest failure (never
 * made-up figures) where there is no Xen at all. The real op is tested in
 * the QEMU lab (tests/vm/check-pageop*.sh). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "check.h"

#ifndef HAVE_XEN
int main(void)
{
	printf("built without Xen development files\n");
	return 77;
}
#else
#include "xen_pageop.h"

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

int main(void)
{
	uint64_t pages[XN_PAGEOP_MAX_NODES + 1];
	unsigned n = XN_PAGEOP_MAX_NODES + 1;

	fill(pages, n);
	CHECK_EQ_U64(xn_xen_pageop_query(NULL, 0, 0, pages), -EINVAL);
	CHECK(untouched(pages, n));
	CHECK_EQ_U64(xn_xen_pageop_query(NULL, 0, XN_PAGEOP_MAX_NODES + 1, pages), -EINVAL);
	CHECK(untouched(pages, n));

	/* No hypervisor here: every call fails, and says so. */
	if (access("/dev/xen/privcmd", F_OK) != 0 && access("/proc/xen/privcmd", F_OK) != 0) {
		int r = xn_xen_pageop_probe(NULL);

		CHECK(r < 0);
		r = xn_xen_pageop_query(NULL, 0, 2, pages);
		CHECK(r < 0);
		CHECK(untouched(pages, n));
		/* A second attempt after a failed open must fail the same way. */
		CHECK(xn_xen_pageop_query(NULL, 0, 2, pages) == r);
	} else {
		printf("test_pageop: running on Xen: the lab's checks cover the op itself\n");
	}
	xn_xen_pageop_release();
	xn_xen_pageop_release(); /* twice is safe */
	return check_report("test_pageop");
}
#endif
