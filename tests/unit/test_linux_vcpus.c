/* test_linux_vcpus.c - the linux source on processes this test starts
 * (tests/helpers, from $XN_HELPERS or build/helpers):
 *  - vcpu_info of a fake QEMU guest: its "CPU n/KVM" threads only, vCPU n in
 *    slot n, each with the CPU it ran on, its state and its hard affinity as
 *    the kernel's Cpus_allowed_list says it; and of a plain process (every
 *    thread);
 *  - XN_AFF_NO_MEMORY: a dry run changes nothing, a real run pins exactly the
 *    vCPU threads of a QEMU guest (every thread of a plain process) to the
 *    node's CPUs, and the message says so and that memory was not moved.
 * The children start pinned to one CPU when the machine has two or more, so
 * that a change of affinity is visible. Expected values come from /proc and
 * /sys directly, not from the source. */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "sampler.h"
#include "source.h"

static char helpers[512];
static int pin_cpu = -1; /* children start on this CPU alone, -1 = unpinned */
static char node0_cpus[256];

/* Read a small file, trailing newline removed. 0 or -1. */
static int read_text(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* Wait (deadline 10 s) until every thread of pid sleeps (state S): after
 * READY the helper's threads are on their way into pause(). 0 or -1. */
static int wait_sleeping(pid_t pid)
{
	struct timespec tick = {0, 10 * 1000 * 1000};
	for (int i = 0; i < 1000; i++) {
		char path[128];
		snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
		DIR *d = opendir(path);
		if (!d)
			return -1;
		bool all = true;
		struct dirent *de;
		while ((de = readdir(d)) && all) {
			if (de->d_name[0] < '1' || de->d_name[0] > '9')
				continue;
			char st[512];
			snprintf(path, sizeof(path), "/proc/%d/task/%.20s/stat", (int)pid,
			         de->d_name);
			FILE *f = fopen(path, "re");
			size_t n = f ? fread(st, 1, sizeof(st) - 1, f) : 0;
			if (f)
				fclose(f);
			st[n] = '\0';
			const char *e = strrchr(st, ')');
			all = e && e[1] == ' ' && e[2] == 'S';
		}
		closedir(d);
		if (all)
			return 0;
		nanosleep(&tick, NULL);
	}
	return -1;
}

/* Start helper argv[0] (pinned to CPU pin, unless -1) and wait for its
 * READY line (deadline 60 s). Returns its PID or -1. */
static pid_t start(const char *const argv[], int pin)
{
	int fd[2];
	if (pipe(fd))
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (pin >= 0) {
			cpu_set_t set;
			CPU_ZERO(&set);
			CPU_SET((size_t)pin, &set);
			sched_setaffinity(0, sizeof(set), &set);
		}
		dup2(fd[1], 1);
		close(fd[0]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(fd[1]);
	char buf[256];
	size_t got = 0;
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		long left = 60000 -
		            ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
		struct pollfd p = {.fd = fd[0], .events = POLLIN};
		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			break;
		ssize_t n = read(fd[0], buf + got, sizeof(buf) - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
		buf[got] = '\0';
		if (strstr(buf, "READY"))
			break;
	}
	close(fd[0]);
	if (got && strstr(buf, "READY") && !wait_sleeping(pid))
		return pid;
	fprintf(stderr, "%s did not get ready (or its threads not asleep)\n", argv[0]);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

static void stop(pid_t pid)
{
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

/* A thread of pid as the kernel describes it. */
struct thr {
	pid_t tid;
	char comm[32];
	char allowed[256]; /* Cpus_allowed_list */
};

/* Every thread of pid (up to max). Returns how many. */
static int threads_of(pid_t pid, struct thr *t, int max)
{
	char path[128];
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	DIR *d = opendir(path);
	int n = 0;
	struct dirent *de;
	while (d && (de = readdir(d)) && n < max) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		t[n].tid = atoi(de->d_name);
		snprintf(path, sizeof(path), "/proc/%d/task/%d/comm", (int)pid, (int)t[n].tid);
		if (read_text(path, t[n].comm, sizeof(t[n].comm)))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%d/status", (int)pid, (int)t[n].tid);
		FILE *f = fopen(path, "re");
		if (!f)
			continue;
		char line[512];
		t[n].allowed[0] = '\0';
		while (fgets(line, sizeof(line), f))
			if (!strncmp(line, "Cpus_allowed_list:", 18)) {
				const char *v = line + 18;
				v += strspn(v, " \t");
				snprintf(t[n].allowed, sizeof(t[n].allowed), "%.*s",
				         (int)strcspn(v, "\n"), v);
			}
		fclose(f);
		n++;
	}
	if (d)
		closedir(d);
	return n;
}

static const struct thr *thread_named(const struct thr *t, int n, const char *comm)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(t[i].comm, comm))
			return &t[i];
	return NULL;
}

/* Node id of a CPU from /sys (the cpuN/nodeM link), -1 if none. */
static int node_of_cpu(int cpu)
{
	char path[128];
	for (int nd = 0; nd < 64; nd++) {
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/node%d", cpu, nd);
		if (!access(path, F_OK))
			return nd;
	}
	return -1;
}

static const struct xn_domain *find(const struct xn_snapshot *s, pid_t pid)
{
	for (size_t i = 0; i < s->nr_domains; i++)
		if (s->domains[i].id == pid)
			return &s->domains[i];
	return NULL;
}

static struct xn_source *open_linux(pid_t pid, char *pids, size_t len)
{
	snprintf(pids, len, "%d", (int)pid);
	struct xn_source_config cfg = {.top_n = 0, .pids = pids, .exact_interval = 0};
	struct xn_source *src = NULL;
	char err[512];
	int r = xn_source_open("linux", &cfg, &src, err, sizeof(err));
	CHECK(r == 0);
	if (r)
		fprintf(stderr, "open: %s\n", err);
	return r ? NULL : src;
}

/* Each vCPU/thread of d against the kernel's view of thread t (on_pin:
 * the thread has the affinity its process started with). */
static void check_vcpu(const struct xn_domain *d, uint32_t i, const struct thr *t, bool on_pin)
{
	const struct xn_vcpu *v = &d->vcpu_info[i];
	CHECK((v->valid & (XN_VCPU_CPU | XN_VCPU_STATE | XN_VCPU_HARD)) ==
	      (XN_VCPU_CPU | XN_VCPU_STATE | XN_VCPU_HARD));
	CHECK(!(v->valid & XN_VCPU_SOFT));
	CHECK(v->soft == NULL);
	/* the helpers' threads sleep in pause(): state S */
	CHECK(v->state == 'b');
	if (!t)
		return;
	CHECK_STR(v->hard, t->allowed);
	if (!strpbrk(t->allowed, ",-"))
		CHECK(v->cpu == atoi(t->allowed)); /* one CPU allowed: it ran there */
	if (pin_cpu >= 0 && on_pin) {
		char want[16];
		snprintf(want, sizeof(want), "%d", pin_cpu);
		CHECK_STR(v->hard, want);
	}
	CHECK(v->cpu >= 0 && v->cpu < (int)sysconf(_SC_NPROCESSORS_CONF));
	CHECK(d->vcpu_node[i] == node_of_cpu(v->cpu));
}

static void test_fakeqemu_vcpu_info(void)
{
	char fake[600], name[64];
	snprintf(fake, sizeof(fake), "%s/numa_fakeqemu", helpers);
	snprintf(name, sizeof(name), "guest=vtest-%d,debug-threads=on", (int)getpid());
	/* each vCPU thread pins itself to a different CPU (cyclically): the
	 * slots are told apart by affinity */
	const char *argv[] = {fake, "-name",  name, "-smp",      "3", "-m",
	                      "8",  "-extra", "2",  "-vcpu-pin", "1", NULL};
	pid_t pid = start(argv, -1);
	CHECK(pid > 0);
	if (pid <= 0)
		return;
	struct thr t[16];
	int nt = threads_of(pid, t, 16);
	CHECK(nt == 1 + 3 + 1 + 2); /* main, 3 vCPUs, I/O thread, 2 workers */
	char pids[32];
	struct xn_source *src = open_linux(pid, pids, sizeof(pids));
	/* through the sampler, which stamps the sample (time, source, origin) */
	struct xn_sampler smp = {.src = src};
	struct xn_snapshot s = {0};
	if (src && xn_sampler_step(&smp) == 0) {
		s = smp.cur;
		memset(&smp.cur, 0, sizeof(smp.cur));
		CHECK_STR(s.origin, "linux");
		CHECK_STR(s.source, "linux");
		CHECK(s.time.tv_sec > 0 && s.mono_ns > 0);
		const struct xn_domain *d = find(&s, pid);
		CHECK(d != NULL);
		if (d) {
			CHECK_EQ_U64(d->vcpus, 3);
			CHECK(d->valid & XN_DOM_VCPU_INFO);
			CHECK(d->vcpu_info != NULL);
			for (uint32_t i = 0; d->vcpu_info && i < d->vcpus && i < 3; i++) {
				char comm[32];
				snprintf(comm, sizeof(comm), "CPU %u/KVM", i);
				const struct thr *th = thread_named(t, nt, comm);
				CHECK(th != NULL);
				check_vcpu(d, i, th, false);
			}
			/* vCPU 0 on the first allowed CPU, vCPU 1 on the second */
			if (d->vcpu_info && pin_cpu >= 0)
				CHECK(d->vcpu_info[0].hard && d->vcpu_info[1].hard &&
				      strcmp(d->vcpu_info[0].hard, d->vcpu_info[1].hard) != 0);
		}
	} else {
		CHECK(!"sample failed");
	}
	xn_snapshot_clear(&s);
	xn_sampler_clear(&smp);
	if (src)
		src->ops->close(src);
	stop(pid);
}

static void test_process_vcpu_info(void)
{
	char hog[600];
	snprintf(hog, sizeof(hog), "%s/numa_hog", helpers);
	const char *argv[] = {hog, "4", "0", "3", NULL};
	pid_t pid = start(argv, pin_cpu);
	CHECK(pid > 0);
	if (pid <= 0)
		return;
	struct thr t[8];
	int nt = threads_of(pid, t, 8);
	CHECK(nt == 3);
	char pids[32];
	struct xn_source *src = open_linux(pid, pids, sizeof(pids));
	struct xn_snapshot s = {0};
	if (src && src->ops->sample(src, &s) == 0) {
		const struct xn_domain *d = find(&s, pid);
		CHECK(d != NULL);
		if (d) {
			CHECK_EQ_U64(d->vcpus, 3); /* a plain process: every thread */
			CHECK(d->vcpu_info != NULL);
			/* the threads' order is the source's; all share one affinity */
			for (uint32_t i = 0; d->vcpu_info && i < d->vcpus; i++)
				check_vcpu(d, i, &t[0], true);
		}
	} else {
		CHECK(!"sample failed");
	}
	xn_snapshot_clear(&s);
	if (src)
		src->ops->close(src);
	stop(pid);
}

static int set_no_memory(struct xn_source *src, pid_t pid, unsigned flags, char *msg, size_t len)
{
	xn_nodemask nodes = {0};
	XN_NM_SET(&nodes, 0);
	int r = src->ops->set_node_affinity(src, pid, &nodes, XN_AFF_NO_MEMORY | flags, msg, len);
	if (r)
		fprintf(stderr, "set_node_affinity: %d %s\n", r, src->err);
	return r;
}

static void test_no_memory_qemu(void)
{
	char fake[600], name[64];
	snprintf(fake, sizeof(fake), "%s/numa_fakeqemu", helpers);
	snprintf(name, sizeof(name), "guest=ptest-%d,debug-threads=on", (int)getpid());
	const char *argv[] = {fake, "-name", name, "-smp", "2", "-m", "8", "-extra", "1", NULL};
	pid_t pid = start(argv, pin_cpu);
	CHECK(pid > 0);
	if (pid <= 0)
		return;
	struct thr before[16], after[16];
	int nb = threads_of(pid, before, 16);
	CHECK(nb == 1 + 2 + 1 + 1);
	char pids[32], msg[512], want[512];
	struct xn_source *src = open_linux(pid, pids, sizeof(pids));
	if (!src) {
		stop(pid);
		return;
	}
	/* dry run: the words, and nothing changed */
	CHECK(set_no_memory(src, pid, XN_AFF_DRY_RUN, msg, sizeof(msg)) == 0);
	snprintf(want, sizeof(want),
	         "would pin 2 vCPU threads to CPUs %s (node 0); memory not moved", node0_cpus);
	CHECK_STR(msg, want);
	int na = threads_of(pid, after, 16);
	CHECK(na == nb);
	for (int i = 0; i < na && i < nb; i++)
		CHECK_STR(after[i].allowed, before[i].allowed);
	/* real run: the vCPU threads only */
	CHECK(set_no_memory(src, pid, 0, msg, sizeof(msg)) == 0);
	snprintf(want, sizeof(want), "pinned 2 vCPU threads to CPUs %s (node 0); memory not moved",
	         node0_cpus);
	CHECK_STR(msg, want);
	na = threads_of(pid, after, 16);
	CHECK(na == nb);
	int vcpus = 0;
	for (int i = 0; i < na && i < nb; i++) {
		CHECK(after[i].tid == before[i].tid);
		if (!strncmp(after[i].comm, "CPU ", 4)) {
			vcpus++;
			CHECK_STR(after[i].allowed, node0_cpus);
		} else {
			CHECK_STR(after[i].allowed, before[i].allowed); /* main, I/O, worker */
		}
	}
	CHECK(vcpus == 2);
	/* and the next sample shows it */
	struct xn_snapshot s = {0};
	if (src->ops->sample(src, &s) == 0) {
		const struct xn_domain *d = find(&s, pid);
		CHECK(d && d->vcpus == 2 && d->vcpu_info);
		for (uint32_t i = 0; d && d->vcpu_info && i < d->vcpus; i++)
			CHECK_STR(d->vcpu_info[i].hard, node0_cpus);
	}
	xn_snapshot_clear(&s);
	src->ops->close(src);
	stop(pid);
}

static void test_no_memory_process(void)
{
	char hog[600];
	snprintf(hog, sizeof(hog), "%s/numa_hog", helpers);
	const char *argv[] = {hog, "4", "0", "3", NULL};
	pid_t pid = start(argv, pin_cpu);
	CHECK(pid > 0);
	if (pid <= 0)
		return;
	struct thr before[8], after[8];
	int nb = threads_of(pid, before, 8);
	CHECK(nb == 3);
	char pids[32], msg[512], want[512];
	struct xn_source *src = open_linux(pid, pids, sizeof(pids));
	if (!src) {
		stop(pid);
		return;
	}
	CHECK(set_no_memory(src, pid, XN_AFF_DRY_RUN, msg, sizeof(msg)) == 0);
	snprintf(want, sizeof(want), "would pin 3 threads to CPUs %s (node 0); memory not moved",
	         node0_cpus);
	CHECK_STR(msg, want);
	int na = threads_of(pid, after, 8);
	for (int i = 0; i < na && i < nb; i++)
		CHECK_STR(after[i].allowed, before[i].allowed);
	CHECK(set_no_memory(src, pid, 0, msg, sizeof(msg)) == 0);
	snprintf(want, sizeof(want), "pinned 3 threads to CPUs %s (node 0); memory not moved",
	         node0_cpus);
	CHECK_STR(msg, want);
	na = threads_of(pid, after, 8);
	CHECK(na == 3);
	for (int i = 0; i < na; i++)
		CHECK_STR(after[i].allowed, node0_cpus);
	src->ops->close(src);
	stop(pid);
}

int main(void)
{
	const char *h = getenv("XN_HELPERS");
	snprintf(helpers, sizeof(helpers), "%s", h && *h ? h : "build/helpers");
	char path[600];
	snprintf(path, sizeof(path), "%s/numa_fakeqemu", helpers);
	if (access(path, X_OK)) {
		printf("no helpers in %s (make tests-bin)\n", helpers);
		return 77;
	}
	if (read_text("/sys/devices/system/node/node0/cpulist", node0_cpus, sizeof(node0_cpus)) ||
	    !node0_cpus[0]) {
		printf("no node 0 with CPUs here\n");
		return 77;
	}
	/* start the children on the last CPU of node 0 alone, when there are two */
	cpu_set_t mine;
	if (!sched_getaffinity(0, sizeof(mine), &mine) && CPU_COUNT(&mine) >= 2)
		for (int c = CPU_SETSIZE - 1; c >= 0 && pin_cpu < 0; c--)
			if (CPU_ISSET((size_t)c, &mine) && node_of_cpu(c) == 0)
				pin_cpu = c;
	printf("node 0 CPUs %s; children pinned to %d\n", node0_cpus, pin_cpu);
	signal(SIGPIPE, SIG_IGN);
	test_fakeqemu_vcpu_info();
	test_process_vcpu_info();
	test_no_memory_qemu();
	test_no_memory_process();
	return check_report("test_linux_vcpus");
}
