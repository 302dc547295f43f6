/* test_linux_cgpages.c - a process's figures from its own memory cgroup: the
 * numa_stat lines taken (v1, v2), /proc/PID/cgroup, the "alone" check on a
 * hand-made cgroup tree (v2 with the memory files above the process's cgroup,
 * another process below, a threaded child), and the pure rules of the walk
 * schedule: the adaptive interval and how walks due are spread. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "linux/linux_parse.h"
#include "linux/linux_priv.h"

static uint64_t np[XN_MAX_NODES];

static void test_parse_proc_v1(void)
{
	/* v1 (a real file's shape): anon + unevictable, the cgroup's own lines */
	const char *t = "total=70000 N0=50000 N1=20000\n"
	                "file=1000 N0=600 N1=400\n"
	                "anon=60000 N0=45000 N1=15000\n"
	                "unevictable=9000 N0=4400 N1=4600\n"
	                "hierarchical_total=99999 N0=99999 N1=0\n"
	                "hierarchical_anon=88888 N0=88888 N1=0\n";
	int maxn, ver;
	CHECK(xn_lx_parse_numa_stat_proc(t, 4096, np, &maxn, &ver) == 0);
	CHECK(ver == 1 && maxn == 1);
	CHECK_EQ_U64(np[0], 45000 + 4400);
	CHECK_EQ_U64(np[1], 15000 + 4600);
	CHECK_EQ_U64(np[2], 0);
	/* the cgroup view of the same file is unchanged: hierarchical_total */
	CHECK(xn_lx_parse_numa_stat(t, 4096, np, &maxn, &ver) == 0);
	CHECK_EQ_U64(np[0], 99999);
	CHECK_EQ_U64(np[1], 0);
}

static void test_parse_proc_v2(void)
{
	/* v2: anon + file_mapped, in bytes; file, shmem, file_thp are not taken
	 * ("file_mapped" must not be read as "file", nor "anon_thp" as "anon") */
	const char *t = "anon 409600 N0=401408 N1=8192\n"
	                "file 8192000 N0=8192000 N1=0\n"
	                "kernel_stack 16384 N0=16384 N1=0\n"
	                "shmem 40960 N0=0 N1=40960\n"
	                "file_mapped 20480 N0=12288 N1=8192\n"
	                "anon_thp 2097152 N0=2097152 N1=0\n";
	int maxn, ver;
	CHECK(xn_lx_parse_numa_stat_proc(t, 4096, np, &maxn, &ver) == 0);
	CHECK(ver == 2 && maxn == 1);
	CHECK_EQ_U64(np[0], (401408 + 12288) / 4096);
	CHECK_EQ_U64(np[1], (8192 + 8192) / 4096);
	CHECK(xn_lx_parse_numa_stat("kernel_stack 1 N0=1\n", 4096, np, &maxn, &ver) == -ENODATA);
	CHECK(xn_lx_parse_numa_stat_proc("file=5 N0=5\n", 4096, np, &maxn, &ver) == -ENODATA);
}

static void test_proc_cgroup(void)
{
	const char *v1 = "9:name=systemd:/user.slice\n"
	                 "4:memory:/machine.slice/vm1.scope\n"
	                 "3:cpuset,cpu:/\n"
	                 "0::/user.slice/x\n";
	char rel[64];
	CHECK(xn_lx_parse_proc_cgroup(v1, 1, rel, sizeof(rel)) == 0);
	CHECK_STR(rel, "/machine.slice/vm1.scope");
	CHECK(xn_lx_parse_proc_cgroup(v1, 2, rel, sizeof(rel)) == 0);
	CHECK_STR(rel, "/user.slice/x");
	/* memory among others; "memoryx" is not it; the root is "" */
	CHECK(xn_lx_parse_proc_cgroup("5:memoryx:/a\n6:cpu,memory:/\n", 1, rel, sizeof(rel)) == 0);
	CHECK_STR(rel, "");
	CHECK(xn_lx_parse_proc_cgroup("5:memoryx:/a\n", 1, rel, sizeof(rel)) == -ENOENT);
	CHECK(xn_lx_parse_proc_cgroup("4:memory:/a\n", 2, rel, sizeof(rel)) == -ENOENT);
	CHECK(xn_lx_parse_proc_cgroup("0::/abcdefgh\n", 2, rel, 5) == -ENAMETOOLONG);
	CHECK(xn_lx_parse_proc_cgroup("0::relative\n", 2, rel, sizeof(rel)) == -EINVAL);
	/* the cpuset hierarchy's line (the linux source's XN_DOM_CPUS_HARD):
	 * cpuset among others, "cpuset" as a prefix of another name is not it */
	CHECK(xn_lx_parse_proc_cgroup_of(v1, 1, "cpuset", rel, sizeof(rel)) == 0);
	CHECK_STR(rel, "");
	CHECK(xn_lx_parse_proc_cgroup_of("7:cpusetx:/b\n8:cpu,cpuset:/pin0\n", 1, "cpuset", rel,
	                                 sizeof(rel)) == 0);
	CHECK_STR(rel, "/pin0");
	CHECK(xn_lx_parse_proc_cgroup_of(v1, 2, "cpuset", rel, sizeof(rel)) == 0);
	CHECK_STR(rel, "/user.slice/x");
	CHECK(xn_lx_parse_proc_cgroup_of("4:memory:/a\n", 1, "cpuset", rel, sizeof(rel)) ==
	      -ENOENT);
}

static char root[256];

static void put(const char *rel, const char *text)
{
	char p[512];
	snprintf(p, sizeof(p), "%s%s", root, rel);
	FILE *f = fopen(p, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void dir(const char *rel)
{
	char p[512];
	snprintf(p, sizeof(p), "%s%s", root, rel);
	CHECK(mkdir(p, 0700) == 0);
}

static void test_alone_v2(void)
{
	/* /vm.scope has the memory files; the process sits in /vm.scope/emu
	 * (no memory files of its own); /vm.scope/vcpu0 is threaded (no
	 * cgroup.procs here, as reading it would fail) */
	snprintf(root, sizeof(root), "/tmp/xn-cgpages-%d", (int)getpid());
	CHECK(mkdir(root, 0700) == 0);
	dir("/vm.scope");
	dir("/vm.scope/emu");
	dir("/vm.scope/vcpu0");
	put("/vm.scope/cgroup.procs", "");
	put("/vm.scope/emu/cgroup.procs", "4242\n");
	put("/vm.scope/memory.numa_stat", "anon 8192000 N0=4096000 N1=4096000\n"
	                                  "file_mapped 40960 N0=40960 N1=0\n");
	struct xn_lx_cg cg = {.version = 2};
	snprintf(cg.mem_root, sizeof(cg.mem_root), "%s", root);
	uint64_t id = 0;
	int r = xn_lx_cgpages_read_rel(&cg, "/vm.scope/emu", 4242, 4096, np, &id);
	CHECK(r == 0);
	CHECK_EQ_U64(np[0], 1000 + 10);
	CHECK_EQ_U64(np[1], 1000);
	struct stat sb;
	char p[512];
	snprintf(p, sizeof(p), "%s/vm.scope", root);
	CHECK(stat(p, &sb) == 0 && id == (uint64_t)sb.st_ino);
	/* another process below the memory cgroup: not alone */
	dir("/vm.scope/other");
	put("/vm.scope/other/cgroup.procs", "4243\n");
	CHECK(xn_lx_cgpages_read_rel(&cg, "/vm.scope/emu", 4242, 4096, np, &id) == -EBUSY);
	put("/vm.scope/other/cgroup.procs", "");
	CHECK(xn_lx_cgpages_read_rel(&cg, "/vm.scope/emu", 4242, 4096, np, &id) == 0);
	/* ... or at its top */
	put("/vm.scope/cgroup.procs", "17\n");
	CHECK(xn_lx_cgpages_read_rel(&cg, "/vm.scope/emu", 4242, 4096, np, &id) == -EBUSY);
	/* a process in the root has no cgroup of its own */
	CHECK(xn_lx_cgpages_read_rel(&cg, "", 4242, 4096, np, &id) == -ENOENT);
	/* v1: only the cgroup's own list counts (its figures are its own) */
	cg.version = 1;
	put("/vm.scope/other/memory.numa_stat", "total=30 N0=30\nanon=20 N0=20\n"
	                                        "unevictable=5 N0=5\n");
	put("/vm.scope/other/cgroup.procs", "4242\n");
	dir("/vm.scope/other/child");
	put("/vm.scope/other/child/cgroup.procs", "99\n");
	CHECK(xn_lx_cgpages_read_rel(&cg, "/vm.scope/other", 4242, 4096, np, &id) == 0);
	CHECK_EQ_U64(np[0], 25);
	put("/vm.scope/other/cgroup.procs", "4242\n4300\n");
	CHECK(xn_lx_cgpages_read_rel(&cg, "/vm.scope/other", 4242, 4096, np, &id) == -EBUSY);
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	CHECK(system(cmd) == 0);
}

static void test_agrees(void)
{
	/* 2 % of a's total (10000): differences summing to 200 agree, 201 not */
	uint64_t a[2] = {6000, 4000}, b[2] = {5900, 4100};
	CHECK(xn_lx_cg_agrees(a, b, 2));
	b[1] = 4101;
	CHECK(!xn_lx_cg_agrees(a, b, 2));
	/* the same total, split otherwise: not the process's own placement */
	uint64_t c[2] = {4000, 6000};
	CHECK(!xn_lx_cg_agrees(a, c, 2));
}

static void test_adapt(void)
{
	const uint64_t s = 1000000000ull, base = 10 * s;
	CHECK_EQ_U64(xn_lx_adapt_interval(base, base, false, 0.001, true), 2 * base);
	CHECK_EQ_U64(xn_lx_adapt_interval(8 * base, base, false, 0.0, true), 8 * base); /* cap */
	CHECK_EQ_U64(xn_lx_adapt_interval(6 * base, base, false, 0.0, true), 8 * base);
	/* agreement but the RSS moved: kept */
	CHECK_EQ_U64(xn_lx_adapt_interval(base, base, false, 0.001, false), base);
	/* between 0.5 % and 1 %: kept; beyond 1 % or drift: halved, floor base/4 */
	CHECK_EQ_U64(xn_lx_adapt_interval(2 * base, base, false, 0.008, true), 2 * base);
	CHECK_EQ_U64(xn_lx_adapt_interval(2 * base, base, false, 0.02, true), base);
	CHECK_EQ_U64(xn_lx_adapt_interval(2 * base, base, true, 0.0, true), base);
	CHECK_EQ_U64(xn_lx_adapt_interval(base / 4, base, true, 0.0, true), base / 4);
	/* no estimate (dev < 0): kept */
	CHECK_EQ_U64(xn_lx_adapt_interval(3 * base, base, false, -1, true), 3 * base);
	CHECK_EQ_U64(xn_lx_adapt_interval(0, 0, false, 0.0, true), 0);
}

static void test_spread(void)
{
	/* three due walks of 100 pages, credit 150: the two most overdue run */
	double over[3] = {1.5, 3.0, 2.0};
	uint64_t pages[3] = {100, 100, 100};
	bool grant[3];
	double left = xn_lx_spread_walks(over, pages, 3, 150, grant);
	CHECK(!grant[0] && grant[1] && grant[2]);
	CHECK(left == -50);
	/* no credit: none; all the credit in the world: all */
	CHECK(xn_lx_spread_walks(over, pages, 3, 0, grant) == 0);
	CHECK(!grant[0] && !grant[1] && !grant[2]);
	xn_lx_spread_walks(over, pages, 3, 1e9, grant);
	CHECK(grant[0] && grant[1] && grant[2]);
	/* a little credit still lets the most overdue one run, whatever its size */
	uint64_t big[3] = {100, 5000, 100};
	xn_lx_spread_walks(over, big, 3, 1, grant);
	CHECK(!grant[0] && grant[1] && !grant[2]);
}

static void test_moves(void)
{
	/* what can move a page without its process faulting */
	const char *t = "nr_free_pages 100\n"
	                "pgmigrate_success 12\n"
	                "pgmigrate_fail 99\n"
	                "pgmigrate_success_x 5\n"
	                "thp_collapse_alloc 3\n"
	                "thp_collapse_alloc_failed 40\n";
	uint64_t m = 1;
	CHECK(xn_lx_parse_vmstat_moves(t, &m) == 0);
	CHECK_EQ_U64(m, 15);
	CHECK(xn_lx_parse_vmstat_moves("thp_collapse_alloc 3\n", &m) == -ENODATA);
	CHECK(xn_lx_parse_vmstat_moves("pgmigrate_success 7", &m) == 0);
	CHECK_EQ_U64(m, 7);
	/* a process's faults: minflt (field 10) + majflt (12), not cminflt (11) */
	struct xn_lx_stat st;
	const char *stat = "42 (x y) S 1 42 42 0 -1 4194304 100 5000 7 9000 3 4 0 0 20 0 1 0 "
	                   "555 1000 250 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0";
	CHECK(xn_lx_parse_stat(stat, &st) == 0);
	CHECK_EQ_U64(st.faults, 107);
	CHECK_EQ_U64(st.rss_pages, 250);
	CHECK(st.processor == 1);
}

int main(void)
{
	test_moves();
	test_parse_proc_v1();
	test_parse_proc_v2();
	test_proc_cgroup();
	test_alone_v2();
	test_agrees();
	test_adapt();
	test_spread();
	return check_report("test_linux_cgpages");
}
