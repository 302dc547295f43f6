/* test_linux_pages.c - the scan budget's pure parts on multi-node cases this
 * one-node machine cannot produce: where samples are picked, and how the
 * estimate moves pages between nodes and follows the RSS. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "linux/linux_priv.h"
#include "snapshot.h"

static void host_with_nodes(struct xn_host *h, const int *ids, int n)
{
	memset(h, 0, sizeof(*h));
	xn_host_alloc_nodes(h, n);
	h->page_size = 4096;
	for (int i = 0; i < n; i++)
		h->nodes[i].id = ids[i];
}

static void test_pick(void)
{
	/* VMA A: 1000 pages resident in a 4000-page range; B: 3000 pages in a
	 * 3000-page range; C: nothing resident. Target 100 samples: A gets
	 * 100 * 1000/4000 = 25, B 75, C 0. */
	struct xn_lx_vma v[3] = {
	        {.start = 0x100000, .end = 0x100000 + 4000 * 4096ull, .pages = 1000},
	        {.start = 0x10000000, .end = 0x10000000 + 3000 * 4096ull, .pages = 3000},
	        {.start = 0x20000000, .end = 0x20000000 + 10 * 4096ull, .pages = 0},
	};
	void *addr[100];
	double w[100];
	uint32_t vma_of[100];
	size_t ns = xn_lx_pick_samples(v, 3, 4000, 4096, 100, addr, w, vma_of);
	CHECK_EQ_U64(ns, 100);
	size_t in_a = 0, in_b = 0;
	for (size_t k = 0; k < ns; k++) {
		uintptr_t a = (uintptr_t)addr[k];
		CHECK(a % 4096 == 0);
		if (vma_of[k] == 0) {
			in_a++;
			CHECK(a >= v[0].start && a < v[0].end);
			CHECK(w[k] == 1000.0);
		} else {
			in_b++;
			CHECK(vma_of[k] == 1 && a >= v[1].start && a < v[1].end);
		}
		if (k > 0)
			CHECK(a > (uintptr_t)addr[k - 1]); /* spread, never twice the same page */
	}
	CHECK_EQ_U64(in_a, 25);
	CHECK_EQ_U64(in_b, 75);
	/* first of A's 25 slices of 160 pages: its middle, page 80 */
	CHECK_EQ_U64((uintptr_t)addr[0], 0x100000 + 80 * 4096ull);
	/* a VMA smaller than its share gets one sample per page, no more */
	struct xn_lx_vma tiny = {.start = 0x1000, .end = 0x1000 + 3 * 4096ull, .pages = 3};
	CHECK_EQ_U64(xn_lx_pick_samples(&tiny, 1, 3, 4096, 100, addr, w, vma_of), 3);
	/* the target is a cap across VMAs */
	CHECK_EQ_U64(xn_lx_pick_samples(v, 3, 4000, 4096, 10, addr, w, vma_of), 9);
	CHECK_EQ_U64(xn_lx_pick_samples(v, 3, 0, 4096, 100, addr, w, vma_of), 0);
}

static void test_estimate(void)
{
	/* nodes 0, 1 and 3 (ids with a gap); the walk found N0=1000, N1=1000,
	 * N3=0. 20 samples: 10 on node 0, 10 on node 1, each worth 100 pages. */
	int ids[3] = {0, 1, 3};
	struct xn_host h;
	host_with_nodes(&h, ids, 3);
	uint64_t exact[4] = {1000, 1000, 0, 0};
	int st0[20], st1[20];
	double w[20];
	for (int k = 0; k < 20; k++) {
		st0[k] = st1[k] = k < 10 ? 0 : 1;
		w[k] = 100;
	}
	struct xn_lx_est_in in = {.exact = exact,
	                          .nr = 4,
	                          .total0 = 2000,
	                          .rss0 = 2000,
	                          .rss = 2000,
	                          .st0 = st0,
	                          .st1 = st1,
	                          .w = w,
	                          .ns = 20};
	uint64_t out[3];
	/* nothing moved: the walk's figures exactly */
	CHECK(xn_lx_estimate_pages(&in, &h, out) == 0);
	CHECK_EQ_U64(out[0], 1000);
	CHECK_EQ_U64(out[1], 1000);
	CHECK_EQ_U64(out[2], 0);
	/* 5 samples of node 1 now on node 3, 2 of node 0 on node 1:
	 * N0 = 1000 - 200 = 800, N1 = 1000 - 500 + 200 = 700, N3 = 500 */
	for (int k = 10; k < 15; k++)
		st1[k] = 3;
	st1[0] = st1[1] = 1;
	CHECK(xn_lx_estimate_pages(&in, &h, out) == 0);
	CHECK_EQ_U64(out[0], 800);
	CHECK_EQ_U64(out[1], 700);
	CHECK_EQ_U64(out[2], 500);
	/* RSS grew by 10 %: every node scaled to 2200 in all */
	in.rss = 2200;
	CHECK(xn_lx_estimate_pages(&in, &h, out) == 0);
	CHECK_EQ_U64(out[0], 880);
	CHECK_EQ_U64(out[1], 770);
	CHECK_EQ_U64(out[2], 550);
	/* a sample not resident at the walk tells nothing; one not found now
	 * (here -EFAULT) leaves node 0, as does one on a node the host lacks (2);
	 * node ids beyond exact[] read as 0 */
	in.rss = 2000;
	for (int k = 0; k < 20; k++)
		st1[k] = st0[k];
	st1[3] = -14;
	st0[12] = -2;
	st1[12] = 3;
	st1[4] = 2;
	CHECK(xn_lx_estimate_pages(&in, &h, out) == 0);
	/* 800 and 1000, scaled back to the RSS-given 2000:
	 * 800 * 2000 / 1800 = 888.9, 1000 * 2000 / 1800 = 1111.1 */
	CHECK_EQ_U64(out[0], 889);
	CHECK_EQ_U64(out[1], 1111);
	CHECK_EQ_U64(out[2], 0);
	CHECK_EQ_U64(out[0] + out[1] + out[2], 2000);
	/* in the middle of a migration: of node 0's 10 samples, 5 are on node 1
	 * and 5 cannot be found; the lost ones spread like the rest:
	 * N0 = 0, N1 = 1500, scaled to 2000 -> all 2000 on node 1 */
	for (int k = 0; k < 20; k++)
		st0[k] = st1[k] = k < 10 ? 0 : 1;
	for (int k = 0; k < 10; k++)
		st1[k] = k < 5 ? 1 : -14;
	CHECK(xn_lx_estimate_pages(&in, &h, out) == 0);
	CHECK_EQ_U64(out[0], 0);
	CHECK_EQ_U64(out[1], 2000);
	/* more moved out than the walk had: clamped at 0, never negative */
	uint64_t small[2] = {50, 1950};
	for (int k = 0; k < 20; k++) {
		st0[k] = 0;
		st1[k] = 1;
	}
	in.exact = small;
	in.nr = 2;
	CHECK(xn_lx_estimate_pages(&in, &h, out) == 0);
	CHECK_EQ_U64(out[0], 0);
	CHECK_EQ_U64(out[1], 2000);
	free(h.nodes);
	free(h.distance);
}

int main(void)
{
	test_pick();
	test_estimate();
	return check_report("test_linux_pages");
}
