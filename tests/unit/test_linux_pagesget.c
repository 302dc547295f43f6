/* test_linux_pagesget.c - the linux source's per-process pages, end to end
 * on a real child process, placed in the columns of a made-up two-node
 * host: a one-node machine cannot show node columns in the wrong order or
 * a walk a page short, this can. The child touches its pages and waits, so
 * its numa_maps do not move; the expected figures come from our own reading
 * of that file, not from the source's parser. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "linux/linux_priv.h"
#include "snapshot.h"

/* Pages (of page_size) on node 0 in /proc/PID/numa_maps: each line's N0=
 * count times its kernelpagesize_kB; the whole file's sum in *all. */
static uint64_t numa_maps_node0(pid_t pid, uint64_t page_size, uint64_t *all)
{
	char path[64], line[4096];
	snprintf(path, sizeof(path), "/proc/%d/numa_maps", (int)pid);
	FILE *f = fopen(path, "r");
	uint64_t n0 = 0;
	*all = 0;
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		uint64_t kb = 4, c0 = 0, call = 0;
		for (char *t = strtok(line, " \n"); t; t = strtok(NULL, " \n")) {
			unsigned node;
			unsigned long long v;
			if (sscanf(t, "N%u=%llu", &node, &v) == 2) {
				call += v;
				if (node == 0)
					c0 += v;
			} else if (!strncmp(t, "kernelpagesize_kB=", 18)) {
				kb = strtoull(t + 18, NULL, 10);
			}
		}
		n0 += c0 * kb * 1024 / page_size;
		*all += call * kb * 1024 / page_size;
	}
	fclose(f);
	return n0;
}

static void check_order(pid_t child, const int *ids)
{
	uint64_t ps = (uint64_t)sysconf(_SC_PAGESIZE);
	struct xn_snapshot s;
	memset(&s, 0, sizeof(s));
	CHECK(xn_host_alloc_nodes(&s.host, 2) == 0);
	struct xn_host *h = &s.host;
	h->nr_nodes = 2;
	h->page_size = ps;
	h->nodes[0].id = ids[0];
	h->nodes[1].id = ids[1];
	struct xn_lx_source lx;
	memset(&lx, 0, sizeof(lx));
	lx.pcache = xn_lx_pcache_new();
	lx.exact_interval = 10;
	lx.page_size = ps;
	CHECK(lx.pcache != NULL);
	xn_lx_pcache_begin(lx.pcache, 1);

	struct xn_domain *d = xn_snapshot_add_domain(&s);
	uint64_t all0, all1;
	uint64_t want = numa_maps_node0(child, ps, &all0);
	CHECK(xn_lx_pages_get(&lx, h, child, 1, 1024, 0, d) == 0);
	uint64_t again = numa_maps_node0(child, ps, &all1);
	CHECK(want == again && all0 == all1); /* a waiting child: nothing moved */
	CHECK(want >= 1024);                  /* at least the 4 MiB it touched */
	CHECK(want == all0);                  /* one node here: all on node 0 */
	CHECK(d->valid & XN_DOM_PAGES);
	CHECK(d->pages_method == XN_PAGES_NUMA_MAPS);
	int i0 = ids[0] == 0 ? 0 : 1;
	CHECK_EQ_U64(d->node_pages[i0], want);  /* node 0's column, to the page */
	CHECK_EQ_U64(d->node_pages[1 - i0], 0); /* node 1's: nothing */
	xn_lx_pcache_end(lx.pcache);
	xn_lx_pcache_free(lx.pcache);
	xn_snapshot_clear(&s);
}

int main(void)
{
	if (access("/proc/self/numa_maps", R_OK)) {
		printf("no /proc/self/numa_maps: kernel without NUMA\n");
		return 77;
	}
	int p[2];
	CHECK(pipe(p) == 0);
	pid_t child = fork();
	if (child == 0) {
		size_t len = 1024 * (size_t)sysconf(_SC_PAGESIZE);
		char *m =
		        mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			_exit(1);
		memset(m, 1, len);
		if (write(p[1], "R", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	char c = 0;
	CHECK(child > 0 && read(p[0], &c, 1) == 1 && c == 'R');
	static const int fwd[2] = {0, 1}, back[2] = {1, 0};
	check_order(child, fwd);
	check_order(child, back);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return check_report("test_linux_pagesget");
}
