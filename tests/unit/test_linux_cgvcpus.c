/* test_linux_cgvcpus.c - the linux source with --cgroups on a cgroup this
 * test makes (cgroup v1 memory + cpuset hierarchies, as on this machine; needs
 * root): a numa_hog of 3 threads in it, pinned to one CPU after joining,
 *  - shows vcpus 3 with each thread's CPU, state and hard affinity
 *    (vcpu_info);
 *  - XN_AFF_NO_MEMORY: a dry run changes nothing; a real run sets
 *    cpuset.cpus to node 0's CPUs and leaves cpuset.mems and
 *    cpuset.memory_migrate alone (the memory path sets memory_migrate to 1).
 *    (Whether the threads' own affinity then widens depends on the kernel:
 *    since 6.2 it keeps what sched_setaffinity asked, within the cpuset.)
 * Skipped (77) without root, v1 memory and cpuset hierarchies, or helpers. */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "source.h"

static char memdir[512], cpusetdir[512], tag[64], node0_cpus[256];

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

static int write_text(const char *dir, const char *file, const char *val)
{
	char path[700];
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	FILE *f = fopen(path, "we");
	if (!f)
		return -1;
	int bad = fputs(val, f) < 0;
	return fclose(f) || bad ? -1 : 0;
}

/* Mount point of the v1 hierarchy with controller ctl, from mountinfo. */
static int v1_root(const char *ctl, char *out, size_t len)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[1024];
	int r = -1;
	while (f && r && fgets(line, sizeof(line), f)) {
		char mnt[256], type[64], opts[512];
		const char *dash = strstr(line, " - ");
		if (!dash || sscanf(line, "%*s %*s %*s %*s %255s", mnt) != 1 ||
		    sscanf(dash + 3, "%63s %*s %511s", type, opts) != 2 || strcmp(type, "cgroup"))
			continue;
		for (char *save, *o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save))
			if (!strcmp(o, ctl)) {
				snprintf(out, len, "%s", mnt);
				r = 0;
			}
	}
	if (f)
		fclose(f);
	return r;
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

/* The helper joins both cgroups, pins itself to CPU pin, then execs. */
static pid_t start_hog(const char *hog, int pin)
{
	int fd[2];
	if (pipe(fd))
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		char me[32];
		snprintf(me, sizeof(me), "%d", (int)getpid());
		if (write_text(memdir, "cgroup.procs", me) ||
		    write_text(cpusetdir, "cgroup.procs", me))
			_exit(126);
		/* after joining: a v1 cpuset resets a joining task's affinity */
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET((size_t)pin, &set);
		sched_setaffinity(0, sizeof(set), &set);
		dup2(fd[1], 1);
		close(fd[0]);
		execl(hog, hog, "4", "0", "3", (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	char buf[128] = "";
	size_t got = 0;
	struct pollfd p = {.fd = fd[0], .events = POLLIN};
	while (pid > 0 && !strstr(buf, "READY") && poll(&p, 1, 60000) > 0) {
		ssize_t n = read(fd[0], buf + got, sizeof(buf) - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
		buf[got] = '\0';
	}
	close(fd[0]);
	if (pid > 0 && (!strstr(buf, "READY") || wait_sleeping(pid))) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -1;
	}
	return pid;
}

/* A cgroup can be removed once its last task has been reaped: retry for a
 * while (deadline 10 s). */
static void remove_dir(const char *dir)
{
	struct timespec t = {0, 20 * 1000 * 1000};
	for (int i = 0; i < 500 && rmdir(dir) && errno == EBUSY; i++)
		nanosleep(&t, NULL);
}

static const struct xn_domain *find(const struct xn_snapshot *s, int64_t id)
{
	for (size_t i = 0; i < s->nr_domains; i++)
		if (s->domains[i].id == id)
			return &s->domains[i];
	return NULL;
}

static void run(const char *hog, int pin)
{
	pid_t pid = start_hog(hog, pin);
	CHECK(pid > 0);
	if (pid <= 0)
		return;
	struct stat sb;
	CHECK(stat(memdir, &sb) == 0);
	struct xn_source_config cfg = {.cgroups = true, .exact_interval = 0};
	struct xn_source *src = NULL;
	char err[512], msg[512], want[700], pinned[16], path[700];
	snprintf(pinned, sizeof(pinned), "%d", pin);
	int r = xn_source_open("linux", &cfg, &src, err, sizeof(err));
	CHECK(r == 0);
	struct xn_snapshot s = {0};
	if (!r && src->ops->sample(src, &s) == 0) {
		const struct xn_domain *d = find(&s, (int64_t)sb.st_ino);
		CHECK(d != NULL);
		CHECK(d && d->vcpus == 3 && d->vcpu_info && (d->valid & XN_DOM_VCPU_INFO));
		for (uint32_t i = 0; d && d->vcpu_info && i < d->vcpus; i++) {
			const struct xn_vcpu *v = &d->vcpu_info[i];
			CHECK_STR(v->hard, pinned);
			CHECK((v->valid & XN_VCPU_CPU) && v->cpu == pin);
			CHECK(v->state == 'b');
			CHECK(!(v->valid & XN_VCPU_SOFT));
		}
	} else {
		CHECK(!"open or sample failed");
	}
	xn_snapshot_clear(&s);
	char mems0[64], mig0[16], mems[64], cpus[256], mig[16];
	read_text(strcat(strcpy(path, cpusetdir), "/cpuset.mems"), mems0, sizeof(mems0));
	read_text(strcat(strcpy(path, cpusetdir), "/cpuset.memory_migrate"), mig0, sizeof(mig0));
	xn_nodemask nodes = {0};
	XN_NM_SET(&nodes, 0);
	if (src) {
		/* write a narrow cpuset first, so that widening it is seen */
		CHECK(write_text(cpusetdir, "cpuset.cpus", pinned) == 0);
		CHECK(src->ops->set_node_affinity(src, (int64_t)sb.st_ino, &nodes,
		                                  XN_AFF_NO_MEMORY | XN_AFF_DRY_RUN, msg,
		                                  sizeof(msg)) == 0);
		snprintf(want, sizeof(want),
		         "would set cgroup /%s cpuset.cpus to %s (node 0); memory not moved", tag,
		         node0_cpus);
		CHECK_STR(msg, want);
		read_text(strcat(strcpy(path, cpusetdir), "/cpuset.cpus"), cpus, sizeof(cpus));
		CHECK_STR(cpus, pinned);
		r = src->ops->set_node_affinity(src, (int64_t)sb.st_ino, &nodes, XN_AFF_NO_MEMORY,
		                                msg, sizeof(msg));
		CHECK(r == 0);
		if (r)
			fprintf(stderr, "set: %s\n", src->err);
		snprintf(want, sizeof(want),
		         "cgroup /%s: cpuset.cpus %s (node 0); memory not moved", tag, node0_cpus);
		CHECK_STR(msg, want);
		read_text(strcat(strcpy(path, cpusetdir), "/cpuset.cpus"), cpus, sizeof(cpus));
		read_text(strcat(strcpy(path, cpusetdir), "/cpuset.mems"), mems, sizeof(mems));
		read_text(strcat(strcpy(path, cpusetdir), "/cpuset.memory_migrate"), mig,
		          sizeof(mig));
		CHECK_STR(cpus, node0_cpus);
		CHECK_STR(mems, mems0);
		CHECK_STR(mig, mig0);
		CHECK_STR(mig, "0");
		src->ops->close(src);
	}
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

int main(void)
{
	const char *h = getenv("XN_HELPERS");
	char hog[600], memroot[256], cpusetroot[256];
	snprintf(hog, sizeof(hog), "%s/numa_hog", h && *h ? h : "build/helpers");
	if (access(hog, X_OK)) {
		printf("no helper %s (make tests-bin)\n", hog);
		return 77;
	}
	if (geteuid() != 0 || v1_root("memory", memroot, sizeof(memroot)) ||
	    v1_root("cpuset", cpusetroot, sizeof(cpusetroot))) {
		printf("needs root and cgroup v1 memory and cpuset hierarchies\n");
		return 77;
	}
	if (read_text("/sys/devices/system/node/node0/cpulist", node0_cpus, sizeof(node0_cpus)) ||
	    !node0_cpus[0]) {
		printf("no node 0 with CPUs\n");
		return 77;
	}
	cpu_set_t mine;
	int pin = -1;
	if (!sched_getaffinity(0, sizeof(mine), &mine))
		for (int c = CPU_SETSIZE - 1; c >= 0 && pin < 0; c--)
			if (CPU_ISSET((size_t)c, &mine))
				pin = c;
	snprintf(tag, sizeof(tag), "xn-cgvcpus-%d", (int)getpid());
	snprintf(memdir, sizeof(memdir), "%s/%s", memroot, tag);
	snprintf(cpusetdir, sizeof(cpusetdir), "%s/%s", cpusetroot, tag);
	if (mkdir(memdir, 0755)) {
		printf("cannot create %s: %s\n", memdir, strerror(errno));
		return 77;
	}
	if (mkdir(cpusetdir, 0755)) {
		printf("cannot create %s: %s\n", cpusetdir, strerror(errno));
		rmdir(memdir);
		return 77;
	}
	/* a v1 cpuset takes tasks only once it has CPUs and nodes */
	char buf[256], path[300];
	snprintf(path, sizeof(path), "%s/cpuset.cpus", cpusetroot);
	CHECK(read_text(path, buf, sizeof(buf)) == 0 && !write_text(cpusetdir, "cpuset.cpus", buf));
	snprintf(path, sizeof(path), "%s/cpuset.mems", cpusetroot);
	CHECK(read_text(path, buf, sizeof(buf)) == 0 && !write_text(cpusetdir, "cpuset.mems", buf));
	signal(SIGPIPE, SIG_IGN);
	run(hog, pin);
	remove_dir(cpusetdir);
	remove_dir(memdir);
	return check_report("test_linux_cgvcpus");
}
