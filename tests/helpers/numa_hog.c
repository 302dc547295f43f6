/* numa_hog - a test process whose memory sits on a known node.
 *
 * Usage: numa_hog MIB NODE [THREADS]
 * Allocates MIB MiB bound to NODE (libnuma, MPOL_BIND), writes every page so
 * that all of it is resident, starts THREADS-1 extra sleeping threads (default
 * 1 thread in all), prints "READY" on stdout and sleeps until killed. */
#include <numa.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: numa_hog MIB NODE [THREADS]\n");
		return 2;
	}
	long mib = atol(argv[1]), node = atol(argv[2]);
	long threads = argc == 4 ? atol(argv[3]) : 1;
	if (mib <= 0 || node < 0 || threads < 1 || threads > 256) {
		fprintf(stderr, "numa_hog: bad arguments\n");
		return 2;
	}
	if (numa_available() < 0) {
		fprintf(stderr, "numa_hog: no NUMA support in this kernel\n");
		return 1;
	}
	if (node > numa_max_node()) {
		fprintf(stderr, "numa_hog: node %ld does not exist\n", node);
		return 1;
	}
	size_t size = (size_t)mib << 20;
	char *p = numa_alloc_onnode(size, (int)node);
	if (!p) {
		fprintf(stderr, "numa_hog: cannot allocate %ld MiB on node %ld\n", mib, node);
		return 1;
	}
	long ps = sysconf(_SC_PAGESIZE);
	for (size_t off = 0; off < size; off += (size_t)ps)
		p[off] = (char)(off / (size_t)ps); /* write: a read would map the zero page */
	for (long i = 1; i < threads; i++) {
		pthread_t t;
		if (pthread_create(&t, NULL, sleeper, NULL)) {
			fprintf(stderr, "numa_hog: cannot start a thread\n");
			return 1;
		}
	}
	printf("READY\n");
	fflush(stdout);
	for (;;)
		pause();
}
