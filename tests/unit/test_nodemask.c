/* test_nodemask.c - bit lists and operator node lists. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "nodemask.h"
#include "snapshot.h"

static void host_with_nodes(struct xn_host *h, const int *ids, int n)
{
	memset(h, 0, sizeof(*h));
	xn_host_alloc_nodes(h, n);
	for (int i = 0; i < n; i++)
		h->nodes[i].id = ids[i];
}

static void test_bits(void)
{
	xn_cpumask m;
	char err[128], buf[256];
	CHECK(xn_bits_parse_list("0-3,8,10-11\n", m.w, XN_MAX_CPUS, err, sizeof(err)) == 0);
	CHECK_EQ_U64(xn_bits_count(m.w, XN_MAX_CPUS), 7);
	CHECK(xn_bits_test(m.w, 8) && !xn_bits_test(m.w, 9));
	xn_bits_format_list(m.w, XN_MAX_CPUS, buf, sizeof(buf));
	CHECK_STR(buf, "0-3,8,10-11");
	/* 64+ ids cross word boundaries */
	CHECK(xn_bits_parse_list("60-130", m.w, XN_MAX_CPUS, err, sizeof(err)) == 0);
	CHECK_EQ_U64(xn_bits_count(m.w, XN_MAX_CPUS), 71);
	CHECK_EQ_U64(xn_bits_next(m.w, XN_MAX_CPUS, 0), 60);
	CHECK_EQ_U64(xn_bits_next(m.w, XN_MAX_CPUS, 64), 64);
	CHECK(xn_bits_next(m.w, XN_MAX_CPUS, 131) == -1);
	xn_bits_format_list(m.w, XN_MAX_CPUS, buf, sizeof(buf));
	CHECK_STR(buf, "60-130");
	CHECK(xn_bits_parse_list("", m.w, XN_MAX_CPUS, err, sizeof(err)) == 0);
	CHECK(xn_bits_empty(m.w, XN_MAX_CPUS));
	CHECK(xn_bits_parse_list("3-1", m.w, XN_MAX_CPUS, err, sizeof(err)) == -EINVAL);
	CHECK(xn_bits_parse_list("1,,2", m.w, XN_MAX_CPUS, err, sizeof(err)) == -EINVAL);
	CHECK(xn_bits_parse_list("1x", m.w, XN_MAX_CPUS, err, sizeof(err)) == -EINVAL);
	/* an open range is not "up to the end", nor the single number */
	CHECK(xn_bits_parse_list("0-", m.w, XN_MAX_CPUS, err, sizeof(err)) == -EINVAL);
	CHECK(strstr(err, "expected a number after '-'") != NULL);
	CHECK(xn_bits_parse_list("2,0-", m.w, XN_MAX_CPUS, err, sizeof(err)) == -EINVAL);
	CHECK(xn_bits_parse_list("0-,2", m.w, XN_MAX_CPUS, err, sizeof(err)) == -EINVAL);
	CHECK(xn_bits_parse_list("99999", m.w, XN_MAX_CPUS, err, sizeof(err)) == -ERANGE);
	CHECK(xn_bits_parse_list("99999999999999", m.w, XN_MAX_CPUS, err, sizeof(err)) == -ERANGE);
	/* truncation keeps the buffer terminated and reports the full length */
	CHECK(xn_bits_parse_list("0,2,4,6,8", m.w, XN_MAX_CPUS, err, sizeof(err)) == 0);
	char small[4];
	CHECK_EQ_U64(xn_bits_format_list(m.w, XN_MAX_CPUS, small, sizeof(small)), 9);
	CHECK(strlen(small) < sizeof(small));
}

/* xn_bits_next and xn_bits_count (both skip empty words) against a
 * bit-by-bit walk, on sparse random masks and from every start. */
static void test_bits_walk(void)
{
	uint64_t r = 88172645463325252ull;
	for (int round = 0; round < 200; round++) {
		xn_nodemask m;
		memset(&m, 0, sizeof(m));
		int set = (int)(r % 12), want_count = 0;
		for (int k = 0; k < set; k++) {
			r ^= r << 13, r ^= r >> 7, r ^= r << 17;
			XN_NM_SET(&m, (int)(r % XN_MAX_NODES));
		}
		for (int b = 0; b < XN_MAX_NODES; b++)
			want_count += XN_NM_TEST(&m, b);
		CHECK_EQ_U64(xn_bits_count(m.w, XN_MAX_NODES), (uint64_t)want_count);
		for (int from = 0; from <= XN_MAX_NODES; from++) {
			int want = -1;
			for (int b = from; b < XN_MAX_NODES && want < 0; b++)
				if (XN_NM_TEST(&m, b))
					want = b;
			if (xn_bits_next(m.w, XN_MAX_NODES, from) != want) {
				CHECK(xn_bits_next(m.w, XN_MAX_NODES, from) == want);
				break;
			}
		}
		r ^= r << 13, r ^= r >> 7, r ^= r << 17;
	}
}

static void test_nodelist(void)
{
	struct xn_host h;
	const int ids[] = {0, 1, 3};
	host_with_nodes(&h, ids, 3);
	xn_nodemask m;
	char err[256];
	CHECK(xn_nodelist_parse("all", &h, &m, err, sizeof(err)) == 0);
	CHECK(xn_nodemask_is_all(&m, &h));
	CHECK(xn_nodelist_parse("0,3", &h, &m, err, sizeof(err)) == 0);
	CHECK(XN_NM_TEST(&m, 0) && XN_NM_TEST(&m, 3) && !XN_NM_TEST(&m, 1));
	CHECK(!xn_nodemask_is_all(&m, &h));
	CHECK(xn_nodelist_parse("0-1", &h, &m, err, sizeof(err)) == 0);
	CHECK(xn_nodelist_parse("0-3", &h, &m, err, sizeof(err)) == -EINVAL);
	CHECK_STR(err, "node 2 does not exist (valid nodes: 0-1,3)");
	CHECK(xn_nodelist_parse("5", &h, &m, err, sizeof(err)) == -EINVAL);
	CHECK_STR(err, "node 5 does not exist (valid nodes: 0-1,3)");
	CHECK(xn_nodelist_parse("", &h, &m, err, sizeof(err)) == -EINVAL);
	CHECK(strstr(err, "empty node list") != NULL);
	CHECK(xn_nodelist_parse("0-", &h, &m, err, sizeof(err)) == -EINVAL);
	CHECK(strstr(err, "bad node list") != NULL);
	CHECK(xn_nodelist_parse("1,0-", &h, &m, err, sizeof(err)) == -EINVAL);
	CHECK(xn_nodelist_parse("0;1", &h, &m, err, sizeof(err)) == -EINVAL);
	CHECK(strstr(err, "bad node list") != NULL && strstr(err, "valid nodes: 0-1,3"));
	CHECK(xn_nodelist_parse("2000", &h, &m, err, sizeof(err)) == -EINVAL);
	free(h.nodes);
	free(h.distance);
}

int main(void)
{
	test_bits();
	test_bits_walk();
	test_nodelist();
	return check_report("nodemask");
}
