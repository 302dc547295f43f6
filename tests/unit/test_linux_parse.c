/* test_linux_parse.c - the linux source's parsers on files captured from a
 * real machine (the fixtures named -hog, -1node, -root, -bash and the node0
 * files under tests/fixtures/linux: checked against a second, independent reading done
 * here) and on hand-made nasty ones (expected values worked out by hand in
 * the comments). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "linux/linux_parse.h"
#include "snapshot.h"
#include "util.h"

static char *fixture(const char *name)
{
	const char *root = getenv("XN_ROOT");
	char path[1024];
	snprintf(path, sizeof(path), "%s/tests/fixtures/linux/%s", root ? root : ".", name);
	char *text = NULL;
	if (xn_read_file(path, &text, NULL)) {
		fprintf(stderr, "cannot read fixture %s\n", path);
		CHECK(!"fixture missing");
		return strdup("");
	}
	return text;
}

static uint64_t nodes[XN_MAX_NODES];

/* Independent reading of numa_maps: strtok over tokens, sscanf per token. */
static uint64_t naive_numa_maps(const char *text, int node)
{
	char *copy = strdup(text), *save_l;
	uint64_t sum = 0;
	for (char *line = strtok_r(copy, "\n", &save_l); line;
	     line = strtok_r(NULL, "\n", &save_l)) {
		unsigned long long kps = 4, cnt = 0, here = 0;
		int n;
		char *save_t;
		for (char *t = strtok_r(line, " ", &save_t); t; t = strtok_r(NULL, " ", &save_t)) {
			if (sscanf(t, "N%d=%llu", &n, &cnt) == 2 && n == node)
				here += cnt;
			sscanf(t, "kernelpagesize_kB=%llu", &kps);
		}
		sum += here * (kps / 4);
	}
	free(copy);
	return sum;
}

struct vma_sum {
	unsigned n;
	uint64_t pages;
	uint64_t last_start;
};

static void vma_cb(void *arg, uint64_t start, uint64_t pages)
{
	struct vma_sum *v = arg;
	v->n++;
	v->pages += pages;
	v->last_start = start;
}

static void test_numa_maps_real(void)
{
	const char *files[] = {"numa_maps-hog.txt", "numa_maps-bash.txt"};
	for (size_t f = 0; f < XN_ARRAY_SIZE(files); f++) {
		char *text = fixture(files[f]);
		struct xn_lx_nm_stats st;
		struct vma_sum vs = {0};
		CHECK(xn_lx_parse_numa_maps(text, 4096, nodes, vma_cb, &vs, &st) == 0);
		uint64_t want = naive_numa_maps(text, 0);
		CHECK(want > 0);
		CHECK_EQ_U64(nodes[0], want);
		CHECK_EQ_U64(st.total, want);
		CHECK_EQ_U64(vs.pages, want);
		CHECK_EQ_U64(st.bad_lines, 0);
		CHECK_EQ_U64(st.max_node, 0);
		/* every line is a VMA */
		unsigned lines = 0;
		for (const char *p = text; *p; p++)
			lines += *p == '\n';
		CHECK_EQ_U64(st.lines, lines);
		CHECK_EQ_U64(vs.n, lines);
		free(text);
	}
	/* the hog binds its 64 MiB with libnuma: a non-default policy */
	char *text = fixture("numa_maps-hog.txt");
	struct xn_lx_nm_stats st;
	xn_lx_parse_numa_maps(text, 4096, nodes, NULL, NULL, &st);
	CHECK(st.explicit_policy);
	CHECK(nodes[0] >= 16384); /* 64 MiB / 4 KiB */
	free(text);
	text = fixture("numa_maps-bash.txt");
	xn_lx_parse_numa_maps(text, 4096, nodes, NULL, NULL, &st);
	CHECK(!st.explicit_policy);
	free(text);
}

static void test_numa_maps_nasty(void)
{
	char *text = fixture("numa_maps-nasty.txt");
	struct xn_lx_nm_stats st;
	struct vma_sum vs = {0};
	CHECK(xn_lx_parse_numa_maps(text, 4096, nodes, vma_cb, &vs, &st) == 0);
	/* By hand, line by line (4 KiB base pages):
	 *  N0: 2 + 1*512 (2 MiB pages) + 3 + 4 (no kernelpagesize: base) + 1 (interleave) = 522
	 *  N1: 1 + 10 + 1 = 12
	 *  N2: 9223372036854775809 twice saturates, + 1 stays UINT64_MAX
	 *  N3: 2*512 + 1 = 1025;  N4: 1 + 9 (last line, no newline) = 10
	 *  N5: 1 (the "N5=" and kernelpagesize_kB=3 lines are bad)
	 *  N6: 2 (trailing "kernelpage" token ignored) + 1 = 3
	 *  N7..N69: 1 each; N70: 2 + 1 = 3; N71.. : 0
	 * bad lines: N0 > 2^64, N1024, "N5=", kernelpagesize_kB=3, "zzzz" = 5. */
	CHECK_EQ_U64(nodes[0], 522);
	CHECK_EQ_U64(nodes[1], 12);
	CHECK_EQ_U64(nodes[2], UINT64_MAX);
	CHECK_EQ_U64(nodes[3], 1025);
	CHECK_EQ_U64(nodes[4], 10);
	CHECK_EQ_U64(nodes[5], 1);
	CHECK_EQ_U64(nodes[6], 3);
	for (int n = 7; n < 70; n++)
		CHECK_EQ_U64(nodes[n], 1);
	CHECK_EQ_U64(nodes[70], 3);
	CHECK_EQ_U64(nodes[71], 0);
	CHECK_EQ_U64(nodes[1023], 0);
	CHECK_EQ_U64(st.max_node, 70);
	CHECK_EQ_U64(st.bad_lines, 5);
	CHECK_EQ_U64(st.lines, 17);
	CHECK_EQ_U64(vs.n, 12); /* good lines */
	CHECK_EQ_U64(vs.last_start, 0x7f0003000000ull);
	CHECK_EQ_U64(st.total, UINT64_MAX);
	CHECK(st.explicit_policy);
	free(text);

	/* a line with every node 0..1023 (12 KB: longer than a page), one more
	 * node id (1024) on the next line is bad */
	size_t cap = 32768, o = 0;
	char *wide = malloc(cap);
	o += (size_t)snprintf(wide + o, cap - o, "7f0000000000 interleave:0-1023 anon=1");
	for (int n = 0; n < 1024; n++)
		o += (size_t)snprintf(wide + o, cap - o, " N%d=%d", n, 1000000 + n);
	o += (size_t)snprintf(wide + o, cap - o,
	                      " kernelpagesize_kB=4\n7f0000200000 default N1024=1\n");
	CHECK(o > 12000 && o < cap);
	CHECK(xn_lx_parse_numa_maps(wide, 4096, nodes, NULL, NULL, &st) == 0);
	CHECK_EQ_U64(st.lines, 2);
	CHECK_EQ_U64(st.bad_lines, 1);
	CHECK_EQ_U64(st.max_node, 1023);
	CHECK_EQ_U64(nodes[0], 1000000);
	CHECK_EQ_U64(nodes[1023], 1001023);
	/* sum of 1000000 + n over n < 1024 = 1024000000 + 1023 * 1024 / 2 */
	CHECK_EQ_U64(st.total, 1024000000ull + 523776);
	/* the same width in a v2 numa_stat line */
	o = (size_t)snprintf(wide, cap, "anon");
	for (int n = 0; n < 1024; n++)
		o += (size_t)snprintf(wide + o, cap - o, " N%d=%d", n, 4096 * (n + 1));
	snprintf(wide + o, cap - o, "\n");
	int maxn, ver;
	CHECK(xn_lx_parse_numa_stat(wide, 4096, nodes, &maxn, &ver) == 0);
	CHECK_EQ_U64(maxn, 1023);
	CHECK_EQ_U64(nodes[1023], 1024);
	CHECK_EQ_U64(nodes[0], 1);
	free(wide);

	/* 64 KiB base pages: a 2 MiB page is 32 of them, a 4 KiB one is a bad line */
	const char *arm = "1000 default N0=3 kernelpagesize_kB=2048\n2000 default N1=1 "
	                  "kernelpagesize_kB=64\n3000 default N1=5 kernelpagesize_kB=4\n";
	xn_lx_parse_numa_maps(arm, 65536, nodes, NULL, NULL, &st);
	CHECK_EQ_U64(nodes[0], 96);
	CHECK_EQ_U64(nodes[1], 1);
	CHECK_EQ_U64(st.bad_lines, 1);
	CHECK(!st.explicit_policy);
	/* empty input, and a zero page size */
	CHECK(xn_lx_parse_numa_maps("", 4096, nodes, NULL, NULL, &st) == 0);
	CHECK_EQ_U64(st.lines, 0);
	CHECK_EQ_U64(st.max_node, (uint64_t)-1);
	CHECK(xn_lx_parse_numa_maps(arm, 0, nodes, NULL, NULL, &st) == -EINVAL);
}

/* Independent reading of a real capture's policies (no blank inside a
 * policy there): pages per second token, the policy with most of them. */
static void naive_policy(const char *text, char *out, size_t len, uint64_t *pages)
{
	char names[8][64] = {{0}};
	uint64_t cnt[8] = {0};
	int n = 0;
	char *copy = strdup(text);
	char *save = NULL;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *s2 = NULL, *tok = strtok_r(line, " ", &s2);
		char *pol = tok ? strtok_r(NULL, " ", &s2) : NULL;
		if (!pol)
			continue;
		uint64_t pg = 0;
		for (tok = strtok_r(NULL, " ", &s2); tok; tok = strtok_r(NULL, " ", &s2)) {
			int node;
			unsigned long long c;
			if (sscanf(tok, "N%d=%llu", &node, &c) == 2)
				pg += c;
		}
		int i = 0;
		while (i < n && strcmp(names[i], pol))
			i++;
		if (i == n && n < 8)
			snprintf(names[n++], 64, "%s", pol);
		if (i < 8)
			cnt[i] += pg;
	}
	int best = 0;
	for (int i = 1; i < n; i++)
		if (cnt[i] > cnt[best])
			best = i;
	snprintf(out, len, "%s", n ? names[best] : "");
	*pages = n ? cnt[best] : 0;
	free(copy);
}

/* The process's memory policy: the one over most of its pages. */
static void test_numa_maps_policy(void)
{
	/* captured here: numactl --membind=0 / --interleave=0 cat
	 * /proc/self/numa_maps (one node: the task policy on every VMA); the
	 * hog binds its 64 MiB buffer, the rest of it is default; bash */
	const struct {
		const char *file, *want;
		int npol;
	} real[] = {{"numa_maps-membind.txt", "bind:0", 1},
	            {"numa_maps-interleave.txt", "interleave:0", 1},
	            {"numa_maps-hog.txt", "bind:0", 2},
	            {"numa_maps-bash.txt", "default", 1}};
	for (size_t f = 0; f < XN_ARRAY_SIZE(real); f++) {
		char *text = fixture(real[f].file);
		struct xn_lx_nm_stats st;
		char want[64];
		uint64_t pages;
		CHECK(xn_lx_parse_numa_maps(text, 4096, nodes, NULL, NULL, &st) == 0);
		naive_policy(text, want, sizeof(want), &pages);
		CHECK_STR(want, real[f].want);
		CHECK_EQ_U64(st.npol, real[f].npol);
		CHECK(st.policy >= 0 && st.policy < st.npol);
		if (st.policy >= 0) {
			CHECK_STR(st.pol[st.policy].text, want);
			CHECK_EQ_U64(st.pol[st.policy].pages, pages);
		}
		free(text);
	}
	/* the hog: "default" is seen first (its text segment), bind:0 has more */
	char *text = fixture("numa_maps-hog.txt");
	struct xn_lx_nm_stats st;
	xn_lx_parse_numa_maps(text, 4096, nodes, NULL, NULL, &st);
	CHECK_STR(st.pol[0].text, "default");
	CHECK(st.pol[1].pages >= 16384 && st.pol[0].pages < st.pol[1].pages);
	CHECK_EQ_U64(st.pol[0].pages + st.pol[1].pages, st.total);
	free(text);
	/* nasty: blanks inside "prefer (many)"; bad lines count nowhere; a
	 * fifth policy (interleave:0-70, 71 pages) is past XN_LX_NM_POLICIES */
	text = fixture("numa_maps-nasty.txt");
	xn_lx_parse_numa_maps(text, 4096, nodes, NULL, NULL, &st);
	CHECK_EQ_U64(st.npol, 4);
	CHECK_STR(st.pol[0].text, "default");
	CHECK_STR(st.pol[1].text, "bind:1");
	CHECK_STR(st.pol[2].text, "prefer (many):0-1");
	CHECK_STR(st.pol[3].text, "def");
	CHECK_EQ_U64(st.pol[1].pages, 10);
	CHECK_EQ_U64(st.pol[2].pages, 5);
	CHECK_EQ_U64(st.pol[3].pages, 0);
	CHECK_EQ_U64(st.pol[0].pages, UINT64_MAX); /* saturated by the N2 lines */
	CHECK_EQ_U64(st.policy, 0);
	free(text);
	/* a tie goes to the first seen; a process without a page has the
	 * first line's; weighted interleave and flags are kept whole */
	xn_lx_parse_numa_maps("1000 interleave=static:0-1 N0=1\n2000 bind:1 N1=3\n"
	                      "3000 interleave=static:0-1 N0=2\n",
	                      4096, nodes, NULL, NULL, &st);
	CHECK_STR(st.pol[st.policy].text, "interleave=static:0-1");
	xn_lx_parse_numa_maps("1000 prefer:1\n2000 default\n", 4096, nodes, NULL, NULL, &st);
	CHECK_STR(st.pol[st.policy].text, "prefer:1");
	xn_lx_parse_numa_maps("1000 weighted interleave:0-1 anon=2 N0=1 N1=1\n", 4096, nodes, NULL,
	                      NULL, &st);
	CHECK_STR(st.pol[st.policy].text, "weighted interleave:0-1");
	CHECK_EQ_U64(nodes[1], 1);
	xn_lx_parse_numa_maps("", 4096, nodes, NULL, NULL, &st);
	CHECK_EQ_U64(st.policy, (uint64_t)-1);

	/* what each chooses (core's xn_mem_policy_kind) */
	xn_nodemask m;
	CHECK(xn_mem_policy_kind("default", &m) == XN_MPOL_NONE);
	CHECK(xn_mem_policy_kind("local", &m) == XN_MPOL_NONE);
	CHECK(xn_mem_policy_kind("bind:1", &m) == XN_MPOL_BIND);
	CHECK(XN_NM_TEST(&m, 1) && !XN_NM_TEST(&m, 0));
	CHECK(xn_mem_policy_kind("prefer:0", &m) == XN_MPOL_PREFER && XN_NM_TEST(&m, 0));
	CHECK(xn_mem_policy_kind("prefer (many):0-1", &m) == XN_MPOL_PREFER);
	CHECK_EQ_U64(xn_bits_count(m.w, XN_MAX_NODES), 2);
	CHECK(xn_mem_policy_kind("interleave=static:0,2", &m) == XN_MPOL_INTERLEAVE);
	CHECK(XN_NM_TEST(&m, 2) && !XN_NM_TEST(&m, 1));
	CHECK(xn_mem_policy_kind("weighted interleave:0-3", &m) == XN_MPOL_INTERLEAVE);
	CHECK_EQ_U64(xn_bits_count(m.w, XN_MAX_NODES), 4);
	CHECK(xn_mem_policy_kind("interleave:0-1,3,", &m) == XN_MPOL_INTERLEAVE);
	CHECK(xn_bits_empty(m.w, XN_MAX_NODES) || XN_NM_TEST(&m, 3));
	CHECK(xn_mem_policy_kind("bindery:1", &m) == XN_MPOL_OTHER);
	CHECK(xn_mem_policy_kind("def", &m) == XN_MPOL_OTHER);
}

static void test_zoneinfo(void)
{
	char *text = fixture("zoneinfo-1node.txt");
	struct xn_lx_zone *z;
	size_t n;
	CHECK(xn_lx_parse_zoneinfo(text, &z, &n) == 0);
	/* independent: count "zone" headers and read "pages free"/"managed" with sscanf */
	size_t want = 0;
	unsigned long long f[16], m[16];
	for (const char *p = text; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		want += !strncmp(p, "Node ", 5);
	size_t i = 0, j = 0;
	for (char *p = text; (p = strstr(p, "pages free")) && i < 16; p++)
		sscanf(p, "pages free %llu", &f[i++]);
	for (char *p = text; (p = strstr(p, "\n        managed")) && j < 16; p++)
		sscanf(p, "\n managed %llu", &m[j++]);
	CHECK_EQ_U64(n, want);
	CHECK_EQ_U64(i, n);
	CHECK_EQ_U64(j, n);
	for (size_t k = 0; k < n && k < 16; k++) {
		CHECK_EQ_U64(z[k].node, 0);
		CHECK_EQ_U64(z[k].free_pages, f[k]);
		CHECK_EQ_U64(z[k].managed_pages, m[k]);
		CHECK_EQ_U64(z[k].valid, XN_ZONE_FREE | XN_ZONE_MANAGED);
	}
	CHECK_STR(z[0].name, "DMA");
	CHECK_STR(z[1].name, "DMA32");
	CHECK_STR(z[2].name, "Normal");
	free(z);
	free(text);

	text = fixture("zoneinfo-nasty.txt");
	CHECK(xn_lx_parse_zoneinfo(text, &z, &n) == 0);
	CHECK_EQ_U64(n, 6);
	if (n == 6) {
		/* DMA: the per-node "nr_free_pages 77" is not the zone's free figure */
		CHECK_EQ_U64(z[0].free_pages, 3840);
		CHECK_EQ_U64(z[0].managed_pages, 3840);
		CHECK_EQ_U64(z[0].valid, XN_ZONE_FREE | XN_ZONE_MANAGED);
		/* DMA32: free = 2^64-1 fits; managed beyond uint64 is unknown */
		CHECK_EQ_U64(z[1].free_pages, UINT64_MAX);
		CHECK_EQ_U64(z[1].valid, XN_ZONE_FREE);
		/* Normal of node 0: free has no number */
		CHECK_EQ_U64(z[2].valid, XN_ZONE_MANAGED);
		CHECK_EQ_U64(z[2].managed_pages, 123);
		CHECK_EQ_U64(z[3].node, 1);
		CHECK_STR(z[3].name, "Normal");
		CHECK_EQ_U64(z[3].free_pages, 1000);
		CHECK_EQ_U64(z[3].managed_pages, 2000);
		CHECK_STR(z[4].name, "Movable");
		CHECK_EQ_U64(z[4].valid, XN_ZONE_FREE | XN_ZONE_MANAGED);
		CHECK_EQ_U64(z[4].managed_pages, 0);
		/* truncated file: Device has free but no managed */
		CHECK_STR(z[5].name, "Device");
		CHECK_EQ_U64(z[5].free_pages, 5);
		CHECK_EQ_U64(z[5].valid, XN_ZONE_FREE);
	}
	free(z);
	free(text);
	CHECK(xn_lx_parse_zoneinfo("garbage\n", &z, &n) == -ENODATA);
	CHECK(xn_lx_parse_zoneinfo("", &z, &n) == -ENODATA);
}

static void test_numa_stat(void)
{
	int maxn, ver;
	/* real v1 (root of this machine's memory hierarchy): hierarchical_total */
	char *text = fixture("numa_stat-v1-root.txt");
	unsigned long long want = 0;
	const char *h = strstr(text, "hierarchical_total=");
	CHECK(h && sscanf(h, "hierarchical_total=%*u N0=%llu", &want) == 1);
	CHECK(xn_lx_parse_numa_stat(text, 4096, nodes, &maxn, &ver) == 0);
	CHECK_EQ_U64(ver, 1);
	CHECK_EQ_U64(nodes[0], want);
	CHECK_EQ_U64(maxn, want ? 0 : (uint64_t)-1);
	free(text);

	/* v1, 4 nodes: hierarchical_total = 100 200 300 400 (not total's 10..40) */
	text = fixture("numa_stat-v1-4node.txt");
	CHECK(xn_lx_parse_numa_stat(text, 4096, nodes, &maxn, &ver) == 0);
	CHECK_EQ_U64(nodes[0], 100);
	CHECK_EQ_U64(nodes[1], 200);
	CHECK_EQ_U64(nodes[2], 300);
	CHECK_EQ_U64(nodes[3], 400);
	CHECK_EQ_U64(maxn, 3);
	free(text);
	/* v1 without hierarchical lines: total */
	CHECK(xn_lx_parse_numa_stat("total=7 N0=3 N1=4\nfile=0 N0=0 N1=0\n", 4096, nodes, &maxn,
	                            &ver) == 0);
	CHECK_EQ_U64(nodes[0], 3);
	CHECK_EQ_U64(nodes[1], 4);

	/* v2 in bytes: anon + file = (1228800 + 409600) / 4096 = 400 on N0,
	 * (4096 + 8192) / 4096 = 3 on N1; kernel_stack etc. not counted */
	text = fixture("numa_stat-v2.txt");
	CHECK(xn_lx_parse_numa_stat(text, 4096, nodes, &maxn, &ver) == 0);
	CHECK_EQ_U64(ver, 2);
	CHECK_EQ_U64(nodes[0], 400);
	CHECK_EQ_U64(nodes[1], 3);
	CHECK_EQ_U64(maxn, 1);
	free(text);
	/* v2 with a huge figure and 100 nodes */
	char big[4096];
	int o = snprintf(big, sizeof(big), "anon");
	for (int n = 0; n < 100; n++)
		o += snprintf(big + o, sizeof(big) - (size_t)o, " N%d=%d", n, n * 4096);
	snprintf(big + o, sizeof(big) - (size_t)o, "\nfile N99=18446744073709551615\n");
	CHECK(xn_lx_parse_numa_stat(big, 4096, nodes, &maxn, &ver) == 0);
	CHECK_EQ_U64(nodes[50], 50);
	CHECK_EQ_U64(nodes[99], 99 + 18446744073709551615ull / 4096);
	CHECK_EQ_U64(maxn, 99);
	/* a bad line adds nothing; no usable line at all is -ENODATA */
	CHECK(xn_lx_parse_numa_stat("anon N0=8192 N1=x\nfile N0=4096\n", 4096, nodes, &maxn,
	                            &ver) == 0);
	CHECK_EQ_U64(nodes[0], 1);
	CHECK_EQ_U64(nodes[1], 0);
	CHECK(xn_lx_parse_numa_stat("kernel_stack N0=1\n", 4096, nodes, &maxn, &ver) == -ENODATA);
	CHECK(xn_lx_parse_numa_stat("", 4096, nodes, &maxn, &ver) == -ENODATA);
}

static void test_status(void)
{
	struct xn_lx_status *st = malloc(sizeof(*st));
	char *text = fixture("status-hog.txt");
	unsigned long long rss = 0, thr = 0;
	sscanf(strstr(text, "VmRSS:"), "VmRSS: %llu", &rss);
	sscanf(strstr(text, "Threads:"), "Threads: %llu", &thr);
	CHECK(xn_lx_parse_status(text, st) == 0);
	CHECK_EQ_U64(st->valid, XN_LX_ST_THREADS | XN_LX_ST_RSS | XN_LX_ST_CPUS | XN_LX_ST_MEMS);
	CHECK_EQ_U64(st->threads, thr);
	CHECK_EQ_U64(st->threads, 3); /* numa_hog 64 0 3 */
	CHECK_EQ_U64(st->vm_rss_kb, rss);
	CHECK(XN_NM_TEST(&st->mems_allowed, 0));
	CHECK_EQ_U64(xn_bits_count(st->mems_allowed.w, XN_MAX_NODES), 1);
	CHECK_EQ_U64(xn_bits_count(st->cpus_allowed.w, XN_MAX_CPUS), 2); /* "0-1" */
	free(text);

	/* 128 nodes; VmRSS beyond uint64 and no Threads line: unknown */
	text = fixture("status-128nodes.txt");
	CHECK(xn_lx_parse_status(text, st) == 0);
	CHECK_EQ_U64(st->valid, XN_LX_ST_CPUS | XN_LX_ST_MEMS);
	CHECK_EQ_U64(xn_bits_count(st->mems_allowed.w, XN_MAX_NODES), 128);
	CHECK(XN_NM_TEST(&st->mems_allowed, 127) && !XN_NM_TEST(&st->mems_allowed, 128));
	CHECK_EQ_U64(xn_bits_count(st->cpus_allowed.w, XN_MAX_CPUS), 8);
	CHECK(xn_bits_test(st->cpus_allowed.w, 11) && !xn_bits_test(st->cpus_allowed.w, 7));
	free(text);
	CHECK(xn_lx_parse_status("", st) == 0);
	CHECK_EQ_U64(st->valid, 0);
	free(st);
}

static void test_stat(void)
{
	struct xn_lx_stat s;
	/* stat-hog.txt by hand: (numa_hog) S, flags 4194304, utime 0, stime 4,
	 * 3 threads, starttime 104473, rss 16795, processor 0 */
	char *text = fixture("stat-hog.txt");
	CHECK(xn_lx_parse_stat(text, &s) == 0);
	CHECK_STR(s.comm, "numa_hog");
	CHECK(s.state == 'S');
	CHECK_EQ_U64(s.flags, 4194304);
	CHECK_EQ_U64(s.utime, 0);
	CHECK_EQ_U64(s.stime, 4);
	CHECK_EQ_U64(s.num_threads, 3);
	CHECK_EQ_U64(s.starttime, 104473);
	CHECK_EQ_U64(s.rss_pages, 16795);
	CHECK_EQ_U64(s.processor, 0);
	free(text);
	/* a thread's: exit_signal -1 (negative field), processor 1 */
	text = fixture("task-stat-hog.txt");
	CHECK(xn_lx_parse_stat(text, &s) == 0);
	CHECK_EQ_U64(s.processor, 1);
	CHECK_EQ_U64(s.starttime, 104479);
	free(text);
	/* a comm with ") (" and spaces; the last ')' ends it */
	const char *odd = "77 (a) b) (c) R 1 1 1 0 -1 64 0 0 0 0 10 20 0 0 20 0 2 0 555 1000 -5 "
	                  "9 1 1 1 1 1 1 1 1 1 1 1 1 17 3 0\n";
	CHECK(xn_lx_parse_stat(odd, &s) == 0);
	CHECK_STR(s.comm, "a) b) (c");
	CHECK(s.state == 'R');
	CHECK_EQ_U64(s.utime, 10);
	CHECK_EQ_U64(s.stime, 20);
	CHECK_EQ_U64(s.num_threads, 2);
	CHECK_EQ_U64(s.starttime, 555);
	CHECK_EQ_U64(s.rss_pages, 0); /* -5 */
	CHECK_EQ_U64(s.processor, 3);
	/* short of field 39: processor unknown; short of rss: an error */
	CHECK(xn_lx_parse_stat("1 (x) S 0 0 0 0 0 0 0 0 0 0 1 2 0 0 0 0 1 0 9 9 7 9\n", &s) == 0);
	CHECK_EQ_U64(s.rss_pages, 7);
	CHECK(s.processor == -1);
	CHECK(xn_lx_parse_stat("1 (x) S 0 0 0 0 0 0 0 0 0 0 1 2 0 0 0 0 1 0 9\n", &s) == -EINVAL);
	CHECK(xn_lx_parse_stat("1 (x S 0\n", &s) == -EINVAL);
	CHECK(xn_lx_parse_stat("", &s) == -EINVAL);
	/* a number beyond uint64 is an error, not a wrap */
	CHECK(xn_lx_parse_stat("1 (x) S 0 0 0 0 0 0 0 0 0 0 99999999999999999999 2 0 0 0 0 1 0 9 9 "
	                       "7 9\n",
	                       &s) == -EINVAL);
}

static void test_qemu(void)
{
	char buf[64];
#define CMD(s) s, sizeof(s) - 1 /* string literals with NULs: length without the final one */
	CHECK(xn_lx_qemu_guest_name(CMD("qemu-system-x86_64\0-machine\0pc\0-name\0"
	                                "guest=vm1,,prod,debug-threads=on\0-m\0"
	                                "1024\0"),
	                            buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "vm1,prod");
	CHECK(xn_lx_qemu_guest_name(CMD("qemu\0-name\0web\0"), buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "web");
	CHECK(xn_lx_qemu_guest_name(CMD("qemu\0-name\0process=x,guest=db\0"), buf, sizeof(buf)) ==
	      0);
	CHECK_STR(buf, "db");
	CHECK(xn_lx_qemu_guest_name(CMD("qemu\0--name\0x,process=y\0"), buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "x");
	CHECK(xn_lx_qemu_guest_name(CMD("qemu\0-name\0a=b\0"), buf, sizeof(buf)) == -ENOENT);
	CHECK(xn_lx_qemu_guest_name(CMD("qemu\0-name\0"), buf, sizeof(buf)) == -ENOENT);
	CHECK(xn_lx_qemu_guest_name(CMD("qemu\0-name"), buf, sizeof(buf)) == -ENOENT);
	CHECK(xn_lx_qemu_guest_name(CMD("qemu\0-m\0-name\0"), buf, sizeof(buf)) == -ENOENT);
	CHECK(xn_lx_qemu_guest_name(CMD("qemu\0-nameX\0a\0"), buf, sizeof(buf)) == -ENOENT);
	CHECK(xn_lx_qemu_guest_name("", 0, buf, sizeof(buf)) == -ENOENT);
	/* truncation to the buffer */
	char small[4];
	CHECK(xn_lx_qemu_guest_name(CMD("q\0-name\0abcdefgh\0"), small, sizeof(small)) == 0);
	CHECK_STR(small, "abc");
#undef CMD
	CHECK(xn_lx_is_qemu_name("qemu-system-x86_64"));
	CHECK(xn_lx_is_qemu_name("qemu-system-x86")); /* comm is 15 bytes */
	CHECK(xn_lx_is_qemu_name("qemu-kvm"));
	CHECK(!xn_lx_is_qemu_name("qemu-img"));
	CHECK(!xn_lx_is_qemu_name("bash"));
	CHECK_EQ_U64(xn_lx_vcpu_index("CPU 0/KVM"), 0);
	CHECK_EQ_U64(xn_lx_vcpu_index("CPU 12/KVM"), 12);
	CHECK_EQ_U64(xn_lx_vcpu_index("CPU 3/TCG"), 3);
	CHECK(xn_lx_vcpu_index("CPU x/KVM") == -1);
	CHECK(xn_lx_vcpu_index("CPU 3") == -1);
	CHECK(xn_lx_vcpu_index("qemu-system-x86") == -1);
	CHECK(xn_lx_vcpu_index("CPU 99999999999999999999/KVM") == -1);
}

static void test_host_files(void)
{
	char *text = fixture("node0-meminfo.txt");
	unsigned long long t = 0, f = 0;
	sscanf(strstr(text, "MemTotal:"), "MemTotal: %llu", &t);
	sscanf(strstr(text, "MemFree:"), "MemFree: %llu", &f);
	uint64_t total = 0, fr = 0;
	unsigned valid;
	CHECK(xn_lx_parse_node_meminfo(text, &total, &fr, &valid) == 0);
	CHECK_EQ_U64(valid, XN_NODE_TOTAL | XN_NODE_FREE);
	CHECK_EQ_U64(total, t * 1024);
	CHECK_EQ_U64(fr, f * 1024);
	CHECK(t > 0 && f > 0);
	free(text);
	CHECK(xn_lx_parse_node_meminfo("Node 3 MemTotal: 12 MB\nNode 3 MemFree:\n", &total, &fr,
	                               &valid) == 0);
	CHECK_EQ_U64(valid, 0);

	uint32_t d[8];
	text = fixture("node0-distance.txt");
	CHECK(xn_lx_parse_u32_list(text, d, 8) == 1);
	CHECK_EQ_U64(d[0], 10);
	free(text);
	CHECK(xn_lx_parse_u32_list("10 21 31 41\n", d, 8) == 4);
	CHECK_EQ_U64(d[3], 41);
	CHECK(xn_lx_parse_u32_list("10 abc\n", d, 8) == -EINVAL);
	CHECK(xn_lx_parse_u32_list("10 4294967296\n", d, 8) == -EINVAL);
	CHECK(xn_lx_parse_u32_list("1 2 3", d, 2) == 3); /* counts beyond max */

	uint64_t s, e;
	CHECK(xn_lx_parse_maps_line("7f00a000-7f00c000 rw-p 00000000 00:00 0 \n", &s, &e) == 0);
	CHECK_EQ_U64(s, 0x7f00a000);
	CHECK_EQ_U64(e, 0x7f00c000);
	CHECK(xn_lx_parse_maps_line("7f00c000-7f00a000 rw-p", &s, &e) == -EINVAL);
	CHECK(xn_lx_parse_maps_line("garbage", &s, &e) == -EINVAL);
}

int main(void)
{
	test_numa_maps_real();
	test_numa_maps_nasty();
	test_numa_maps_policy();
	test_zoneinfo();
	test_numa_stat();
	test_status();
	test_stat();
	test_qemu();
	test_host_files();
	return check_report("test_linux_parse");
}
