/* numa_tick - a test process with memory on chosen nodes and threads that
 * wake up often, so that where its threads run follows their CPU affinity
 * within a tick (a thread asleep for good keeps the CPU it last ran on,
 * whatever its affinity says; numa_hog's threads do).
 *
 * Usage: numa_tick THREADS NODE:MIB [NODE:MIB]...
 * For each NODE:MIB allocates MIB MiB on NODE (libnuma: the pages go to
 * NODE whichever CPU touches them) and writes every page, so that all of
 * it is resident; then runs THREADS threads in all (this one included),
 * each waking every 100 ms, prints "READY" on stdout and runs until
 * killed. The CPUs it may run on are the caller's (taskset, numactl
 * --cpunodebind). With NUMA_TICK_BUSY=1 in the environment its threads
 * spin instead of sleeping: a busy process whose CPU use the advisor
 * weighs (the Linux twin of a busy guest, tests/vm/checks/linux/advice3.sh). */
#include <numa.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static int busy;

static void tick_forever(void)
{
	const struct timespec t = {.tv_sec = 0, .tv_nsec = 100 * 1000 * 1000};
	volatile unsigned long spin = 0;
	for (;;) {
		if (busy)
			spin++;
		else
			nanosleep(&t, NULL);
	}
}

static void *ticker(void *arg)
{
	(void)arg;
	tick_forever();
	return NULL;
}

/* MIB MiB on node, every page written (a read would map the zero page). */
static int alloc_touched(long mib, int node)
{
	size_t size = (size_t)mib << 20;
	char *p = numa_alloc_onnode(size, node);
	if (!p)
		return -1;
	long ps = sysconf(_SC_PAGESIZE);
	for (size_t off = 0; off < size; off += (size_t)ps)
		p[off] = (char)(off / (size_t)ps | 1);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: numa_tick THREADS NODE:MIB [NODE:MIB]...\n");
		return 2;
	}
	const char *b = getenv("NUMA_TICK_BUSY");
	busy = b && b[0] == '1';
	long threads = atol(argv[1]);
	if (threads < 1 || threads > 256) {
		fprintf(stderr, "numa_tick: bad thread count %s\n", argv[1]);
		return 2;
	}
	if (numa_available() < 0) {
		fprintf(stderr, "numa_tick: no NUMA support in this kernel\n");
		return 1;
	}
	for (int i = 2; i < argc; i++) {
		long node, mib;
		char tail;
		if (sscanf(argv[i], "%ld:%ld%c", &node, &mib, &tail) != 2 || node < 0 || mib <= 0) {
			fprintf(stderr, "numa_tick: bad NODE:MIB '%s'\n", argv[i]);
			return 2;
		}
		if (node > numa_max_node()) {
			fprintf(stderr, "numa_tick: node %ld does not exist\n", node);
			return 1;
		}
		if (alloc_touched(mib, (int)node)) {
			fprintf(stderr, "numa_tick: cannot allocate %ld MiB on node %ld\n", mib,
			        node);
			return 1;
		}
	}
	for (long i = 1; i < threads; i++) {
		pthread_t t;
		if (pthread_create(&t, NULL, ticker, NULL)) {
			fprintf(stderr, "numa_tick: cannot start a thread\n");
			return 1;
		}
	}
	printf("READY\n");
	fflush(stdout);
	tick_forever();
}
