/* test_xen_udump.c - the 'u' dump parser on console text captured from
 * real Xen 4.17 (tests/fixtures/xen-4.17/) and on the 4.18+ variant. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "util.h"
#include "xen/xen_udump.h"

/* The lab's capture prefixes each console line with "[  12.34] " and the
 * ring read-back with "dmesg: ": keep only the ring read-back lines, as
 * xc_readconsolering returns them. */
static char *ring_from_capture(const char *path)
{
	char full[512];
	const char *root = getenv("XN_ROOT");
	snprintf(full, sizeof(full), "%s/%s", root ? root : ".", path);
	char *buf;
	if (xn_read_file(full, &buf, NULL))
		return NULL;
	char *out = malloc(strlen(buf) + 1), *o = out;
	for (char *l = strtok(buf, "\n"); l; l = strtok(NULL, "\n")) {
		char *p = strstr(l, "] dmesg: ");
		if (!p)
			continue;
		p += 9;
		size_t n = strlen(p);
		memcpy(o, p, n);
		o += n;
		*o++ = '\n';
	}
	*o = '\0';
	free(buf);
	return out;
}

static void test_real_4_17(void)
{
	char *ring = ring_from_capture("tests/fixtures/xen-4.17/domu-2node.txt");
	CHECK(ring != NULL);
	if (!ring)
		return;
	struct xn_udump u;
	char err[256] = "";
	/* The capture holds several dumps; the newest has dom0 only (guests destroyed). */
	CHECK_EQ_U64(xn_udump_parse(ring, strlen(ring), 0, &u, err, sizeof(err)), 0);
	CHECK_EQ_U64(u.now_ns, 72902588168ull);
	CHECK(u.complete);
	CHECK_EQ_U64(u.nr_nodes, 2);
	CHECK_EQ_U64(u.node_free[1], 337814);
	CHECK_EQ_U64(u.nr_doms, 1);
	xn_udump_free(&u);

	/* The dump with two guests: the newest before 72.9 s is at 66.7 s.
	 * Cut the text after that dump, as if read before the last key press. */
	char *cut = strstr(ring, "(now = 72902588168)");
	CHECK(cut != NULL);
	if (cut) {
		size_t len = (size_t)(cut - ring);
		CHECK_EQ_U64(xn_udump_parse(ring, len, 0, &u, err, sizeof(err)), 0);
		CHECK_EQ_U64(u.now_ns, 66707539104ull);
		CHECK(u.complete);
		CHECK_EQ_U64(u.nr_doms, 3);
		const struct xn_udump_dom *d1 = xn_udump_find(&u, 1);
		CHECK(d1 != NULL);
		if (d1) {
			CHECK_EQ_U64(d1->total, 114688);
			CHECK_EQ_U64(d1->pages[xn_udump_node_index(&u, 0)], 65536);
			CHECK_EQ_U64(d1->pages[xn_udump_node_index(&u, 1)], 49152);
		}
		const struct xn_udump_dom *d0 = xn_udump_find(&u, 0);
		CHECK(d0 && d0->pages[0] + d0->pages[1] == d0->total);
		CHECK(xn_udump_find(&u, 7) == NULL);
		xn_udump_free(&u);
		/* Nothing newer than that dump in the cut text. */
		CHECK_EQ_U64(xn_udump_parse(ring, len, 66707539104ull, &u, err, sizeof(err)),
		             (uint64_t)-ENOENT);
	}
	free(ring);
}

static void test_4_18_interleaved_vnuma(void)
{
	const char *t = "(XEN) [  100.000] 'u' pressed -> dumping numa info (now = 500)\n"
	                "(XEN) [  100.000] NODE0 start->0 size->262144 free->1000\n"
	                "(d3) guest says hello\n"
	                "(XEN) [  100.000] NODE2 start->262144 size->262144 free->2000\n"
	                "(XEN) [  100.000] CPU0 -> NODE0\n"
	                "(XEN) [  100.000] CPU1 -> NODE2\n"
	                "(XEN) [  100.000] Memory location of each domain:\n"
	                "(XEN) [  100.000] d0 (total: 30):\n"
	                "(XEN) [  100.000]     Node 0: 10\n"
	                "(XEN) printk: 3 messages suppressed.\n"
	                "(XEN) [  100.000]     Node 2: 20\n"
	                "(XEN) [  100.000] d5 (total: 7):\n"
	                "(XEN) [  100.000]     Node 0: 0\n"
	                "(XEN) [  100.000]     Node 2: 7\n"
	                "(XEN) [  100.000]      2 vnodes, 2 vcpus, guest physical layout:\n"
	                "(XEN) [  100.000]         0: pnode   0, vcpus 0\n"
	                "(XEN) [  100.000]            0000000000000000 - 0000000008000000\n"
	                "(XEN) [  100.000]         1: pnode   2, vcpus 1\n"
	                "(XEN) [  100.000]            0000000008000000 - 0000000010000000\n"
	                "(XEN) [  101.000] 'H' pressed -> dumping heap info (now = 600)\n"
	                "(XEN) [  101.000]     Node 0: 99\n";
	struct xn_udump u;
	char err[256] = "";
	CHECK_EQ_U64(xn_udump_parse(t, strlen(t), 0, &u, err, sizeof(err)), 0);
	CHECK(u.complete);
	CHECK_EQ_U64(u.nr_nodes, 2);
	CHECK_EQ_U64(u.node_id[1], 2);
	CHECK_EQ_U64(u.nr_doms, 2);
	const struct xn_udump_dom *d5 = xn_udump_find(&u, 5);
	CHECK(d5 && d5->pages[1] == 7 && d5->pages[0] == 0 && d5->nodes_seen == 2);
	/* The 'H' dump's stray "Node 0: 99" must not land in d5. */
	CHECK(d5 && d5->total == d5->pages[0] + d5->pages[1]);
	xn_udump_free(&u);
}

static void test_incomplete(void)
{
	const char *t = "(XEN) 'u' pressed -> dumping numa info (now = 9)\n"
	                "(XEN) NODE0 start->0 size->1 free->1\n"
	                "(XEN) NODE1 start->1 size->1 free->1\n"
	                "(XEN) Memory location of each domain:\n"
	                "(XEN) Domain 0 (total: 5):\n"
	                "(XEN)     Node 0: 2\n"
	                "(XEN)     Node 1: 3\n"
	                "(XEN) Domain 1 (total: 5):\n"
	                "(XEN)     Node 0: 5\n";
	struct xn_udump u;
	char err[256] = "";
	CHECK_EQ_U64(xn_udump_parse(t, strlen(t), 0, &u, err, sizeof(err)), 0);
	CHECK(!u.complete);
	CHECK(strstr(err, "domain 1") != NULL);
	xn_udump_free(&u);
	/* A ring that wrapped: the marker is gone, only the tail remains. */
	const char *tail = strstr(t, "(XEN) Domain 0");
	CHECK_EQ_U64(xn_udump_parse(tail, strlen(tail), 0, &u, err, sizeof(err)),
	             (uint64_t)-ENOENT);
	/* Cut inside the node list. */
	size_t cut = (size_t)(strstr(t, "(XEN) Memory") - t);
	CHECK_EQ_U64(xn_udump_parse(t, cut, 0, &u, err, sizeof(err)), 0);
	CHECK(!u.complete);
	xn_udump_free(&u);
}

int main(void)
{
	test_real_4_17();
	test_4_18_interleaved_vnuma();
	test_incomplete();
	return check_report("test_xen_udump");
}
