/* numa_fakeqemu - a process that looks to /proc like a QEMU/KVM guest, so
 * that the linux source's guest detection is tested without a hypervisor:
 * its comm is "qemu-system-x86" (as QEMU's is: 15 bytes of
 * qemu-system-x86_64), its command line carries QEMU's -name option, and it
 * has one thread per vCPU named "CPU n/KVM" (QEMU's debug-threads=on), plus
 * I/O threads that are not vCPUs ("IO mon_iothread", "worker").
 *
 * Usage: numa_fakeqemu -name guest=NAME,debug-threads=on -smp N -m MIB [-extra K]
 *                      [-vcpu-pin 1]
 * Writes MIB MiB, starts N vCPU threads and 1 + K other threads (default
 * K = 0), prints READY once every thread has its name, sleeps until killed.
 * -vcpu-pin 1: vCPU n pins itself to CPU number n (cyclically) of the CPUs it
 * was allowed, so that each vCPU thread is told apart by its affinity. */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t named_cond = PTHREAD_COND_INITIALIZER;
static long named; /* threads that have set their name */
static long pin_vcpus;

/* Pin the calling thread to the n-th (cyclically) of its allowed CPUs. */
static void pin_self(long n)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof(set), &set))
		return;
	int count = CPU_COUNT(&set), k = (int)(n % (count ? count : 1));
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &set) && k-- == 0) {
			CPU_ZERO(&set);
			CPU_SET(c, &set);
			sched_setaffinity(0, sizeof(set), &set);
			return;
		}
}

static void name_self(const char *name)
{
	prctl(PR_SET_NAME, name, 0, 0, 0);
	pthread_mutex_lock(&lock);
	named++;
	pthread_cond_signal(&named_cond);
	pthread_mutex_unlock(&lock);
}

static void *vcpu(void *arg)
{
	char name[16];
	snprintf(name, sizeof(name), "CPU %d/KVM", (int)(long)arg);
	if (pin_vcpus)
		pin_self((long)arg);
	name_self(name);
	for (;;)
		pause();
	return NULL;
}

static void *iothread(void *arg)
{
	name_self(arg ? "worker" : "IO mon_iothread");
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	long smp = 1, mib = 16, extra = 0;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "-smp"))
			smp = atol(argv[i + 1]);
		else if (!strcmp(argv[i], "-m"))
			mib = atol(argv[i + 1]);
		else if (!strcmp(argv[i], "-extra"))
			extra = atol(argv[i + 1]);
		else if (!strcmp(argv[i], "-vcpu-pin"))
			pin_vcpus = atol(argv[i + 1]);
		else if (strcmp(argv[i], "-name") != 0) {
			fprintf(stderr, "numa_fakeqemu: unknown option %s\n", argv[i]);
			return 2;
		}
	}
	if (smp < 1 || smp > 64 || mib < 1 || extra < 0 || extra > 64) {
		fprintf(stderr, "numa_fakeqemu: bad -smp, -m or -extra\n");
		return 2;
	}
	prctl(PR_SET_NAME, "qemu-system-x86", 0, 0, 0);
	size_t size = (size_t)mib << 20;
	char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("numa_fakeqemu: mmap");
		return 1;
	}
	long ps = sysconf(_SC_PAGESIZE);
	for (size_t off = 0; off < size; off += (size_t)ps)
		p[off] = 1;
	pthread_t t;
	for (long i = 0; i < smp; i++)
		if (pthread_create(&t, NULL, vcpu, (void *)i))
			return 1;
	for (long i = 0; i <= extra; i++)
		if (pthread_create(&t, NULL, iothread, i ? (void *)1 : NULL))
			return 1;
	pthread_mutex_lock(&lock);
	while (named < smp + 1 + extra)
		pthread_cond_wait(&named_cond, &lock);
	pthread_mutex_unlock(&lock);
	printf("READY\n");
	fflush(stdout);
	for (;;)
		pause();
}
