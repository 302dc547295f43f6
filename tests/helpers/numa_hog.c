/* numa_hog - a test process whose memory sits on a known node.
 *
 * Usage: numa_hog MIB NODE [THREADS [churn]]
 * Allocates MIB MiB bound to NODE (libnuma, MPOL_BIND), writes every page so
 * that all of it is resident, starts THREADS-1 extra sleeping threads (default
 * 1 thread in all), prints "READY" on stdout and sleeps until killed.
 * On SIGUSR1 it allocates and writes MIB MiB more on NODE and prints "GREW".
 * With "churn" it gives back one page and faults it in again every 20 ms
 * (same node, same RSS give or take a page): page faults that move nothing. */
#include <numa.h>
#include <stdbool.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t grow;

static void on_usr1(int sig)
{
	(void)sig;
	grow = 1;
}

/* MIB MiB bound to node, every page written (a read would map the zero page). */
static char *alloc_touched(size_t size, int node)
{
	char *p = numa_alloc_onnode(size, node);
	if (!p)
		return NULL;
	long ps = sysconf(_SC_PAGESIZE);
	for (size_t off = 0; off < size; off += (size_t)ps)
		p[off] = (char)(off / (size_t)ps);
	return p;
}

static void *sleeper(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 3 || argc > 5) {
		fprintf(stderr, "usage: numa_hog MIB NODE [THREADS [churn]]\n");
		return 2;
	}
	long mib = atol(argv[1]), node = atol(argv[2]);
	long threads = argc >= 4 ? atol(argv[3]) : 1;
	bool churn = argc == 5 && !strcmp(argv[4], "churn");
	if (mib <= 0 || node < 0 || threads < 1 || threads > 256 || (argc == 5 && !churn)) {
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
	char *mem = alloc_touched(size, (int)node);
	if (!mem) {
		fprintf(stderr, "numa_hog: cannot allocate %ld MiB on node %ld\n", mib, node);
		return 1;
	}
	/* only this thread takes SIGUSR1: the sleepers inherit it blocked */
	sigset_t usr1;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &usr1, NULL);
	for (long i = 1; i < threads; i++) {
		pthread_t t;
		if (pthread_create(&t, NULL, sleeper, NULL)) {
			fprintf(stderr, "numa_hog: cannot start a thread\n");
			return 1;
		}
	}
	struct sigaction sa = {.sa_handler = on_usr1};
	sigaction(SIGUSR1, &sa, NULL);
	pthread_sigmask(SIG_UNBLOCK, &usr1, NULL);
	printf("READY\n");
	fflush(stdout);
	long ps = sysconf(_SC_PAGESIZE);
	size_t next = 0;
	for (;;) {
		if (churn) {
			struct timespec ts = {0, 20000000};
			nanosleep(&ts, NULL);
			/* the bind policy of the range brings it back on node */
			madvise(mem + next, (size_t)ps, MADV_DONTNEED);
			mem[next] = 1;
			next = (next + (size_t)ps * 97) % size;
		} else {
			pause();
		}
		if (grow) {
			grow = 0;
			if (!alloc_touched(size, (int)node)) {
				fprintf(stderr, "numa_hog: cannot grow\n");
				return 1;
			}
			printf("GREW\n");
			fflush(stdout);
		}
	}
}
