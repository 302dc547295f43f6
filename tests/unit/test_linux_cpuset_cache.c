/* test_linux_cpuset_cache.c - a process's cpuset CPUs as the linux source
 * reads them into the model (XN_DOM_CPUS_HARD):
 *  - the per-sample cache (xn_lx_cpuset_cache_cpus) against a made-up
 *    cpuset hierarchy whose root holds the effective CPUs file: the
 *    processes of one cgroup are read once per sample (a change of the file
 *    shows in the next sample, not within one), it agrees with the
 *    uncached read, and no hierarchy or no file is "unknown" (NULL);
 *  - as root, with a cpuset hierarchy and two CPUs or more: a process in a
 *    cpuset of one CPU has the bit and that CPU, one pinned by
 *    sched_setaffinity (taskset) has no such limit (its mask is ours to
 *    replace). Expected values come from what the test wrote. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "linux/linux_priv.h"
#include "sampler.h"
#include "source.h"
#include "util.h"

static int write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");
	if (!f)
		return -1;
	int r = fputs(text, f) < 0;
	return fclose(f) || r ? -1 : 0;
}

/* A child that sleeps until killed; with cg set, it joins that cgroup
 * (procs file) first; with cpu >= 0 it pins itself there. */
static pid_t child(const char *procs, int cpu)
{
	int fd[2];
	if (pipe(fd))
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		close(fd[0]);
		char me[32];
		snprintf(me, sizeof(me), "%d\n", (int)getpid());
		if (procs && write_text(procs, me))
			_exit(9);
		if (cpu >= 0) {
			cpu_set_t set;
			CPU_ZERO(&set);
			CPU_SET(cpu, &set);
			if (sched_setaffinity(0, sizeof(set), &set))
				_exit(9);
		}
		if (write(fd[1], "R", 1) != 1)
			_exit(9);
		for (;;)
			pause();
	}
	close(fd[1]);
	char c = 0;
	bool ok = pid > 0 && read(fd[0], &c, 1) == 1 && c == 'R';
	close(fd[0]);
	if (!ok && pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -1;
	}
	return pid;
}

static void stop(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

/* /proc/PID/cgroup of pid, as the source reads it once per process. */
static void cgroup_text(pid_t pid, char *buf, size_t len)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	FILE *f = fopen(path, "re");
	size_t n = f ? fread(buf, 1, len - 1, f) : 0;
	if (f)
		fclose(f);
	buf[n] = '\0';
}

static void test_cache(void)
{
	/* which hierarchy holds our cpuset line decides the version */
	char buf[4096], cbuf[4096];
	cgroup_text(getpid(), buf, sizeof(buf));
	struct xn_lx_cg cg = {0};
	cg.version = strstr(buf, "cpuset") ? 1 : strstr(buf, "0::") ? 2 : 0;
	if (!cg.version) {
		printf("cache: skipped (no cpuset line nor cgroup2 in /proc/self/cgroup)\n");
		return;
	}
	char root[] = "/tmp/xn-cpuset-XXXXXX";
	CHECK(mkdtemp(root) != NULL);
	xn_strlcpy(cg.cpuset_root, root, sizeof(cg.cpuset_root));
	char file[256];
	snprintf(file, sizeof(file), "%s/%s", root,
	         cg.version == 2 ? "cpuset.cpus.effective" : "cpuset.effective_cpus");
	/* our cgroup has no directory here: its nearest ancestor, the root */
	CHECK(write_text(file, "0-1\n") == 0);
	struct xn_lx_cpuset_cache c = {0};
	const xn_cpumask *m = xn_lx_cpuset_cache_cpus(&c, &cg, buf);
	CHECK(m && xn_bits_count(m->w, XN_MAX_CPUS) == 2 && xn_bits_test(m->w, 0) &&
	      xn_bits_test(m->w, 1));
	xn_cpumask u;
	CHECK(xn_lx_cpuset_pid_cpus(&cg, getpid(), &u) == 0);
	CHECK(m && !memcmp(&u, m, sizeof(u)));
	/* a second process of the same group in the same sample: not read again */
	pid_t p = child(NULL, -1);
	CHECK(p > 0);
	CHECK(write_text(file, "3\n") == 0);
	cgroup_text(p, cbuf, sizeof(cbuf));
	m = xn_lx_cpuset_cache_cpus(&c, &cg, cbuf);
	CHECK(m && xn_bits_count(m->w, XN_MAX_CPUS) == 2 && xn_bits_test(m->w, 1));
	CHECK(c.n == 1);
	xn_lx_cpuset_cache_free(&c);
	/* the next sample reads it again */
	m = xn_lx_cpuset_cache_cpus(&c, &cg, cbuf);
	CHECK(m && xn_bits_count(m->w, XN_MAX_CPUS) == 1 && xn_bits_test(m->w, 3));
	xn_lx_cpuset_cache_free(&c);
	/* unreadable: no limit known */
	CHECK(unlink(file) == 0);
	CHECK(xn_lx_cpuset_cache_cpus(&c, &cg, cbuf) == NULL);
	xn_lx_cpuset_cache_free(&c);
	cg.cpuset_root[0] = '\0';
	CHECK(xn_lx_cpuset_cache_cpus(&c, &cg, cbuf) == NULL);
	CHECK(c.n == 0);
	xn_lx_cpuset_cache_free(&c);
	stop(p);
	CHECK(rmdir(root) == 0);
}

static const struct xn_domain *find(const struct xn_snapshot *s, pid_t pid)
{
	for (size_t i = 0; i < s->nr_domains; i++)
		if (s->domains[i].id == pid)
			return &s->domains[i];
	return NULL;
}

static void test_real_cpuset(void)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	char dir[128], cpus[160], mems[160], procs[160];
	struct stat st;
	if (geteuid() != 0 || ncpu < 2) {
		printf("real cpuset: skipped (needs root and two CPUs)\n");
		return;
	}
	if (!stat("/sys/fs/cgroup/cpuset/cpuset.cpus", &st)) {
		snprintf(dir, sizeof(dir), "/sys/fs/cgroup/cpuset/xn-csc-%d", (int)getpid());
		snprintf(procs, sizeof(procs), "%s/tasks", dir);
	} else if (!stat("/sys/fs/cgroup/cgroup.controllers", &st)) {
		write_text("/sys/fs/cgroup/cgroup.subtree_control", "+cpuset\n");
		snprintf(dir, sizeof(dir), "/sys/fs/cgroup/xn-csc-%d", (int)getpid());
		snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
	} else {
		printf("real cpuset: skipped (no cpuset hierarchy)\n");
		return;
	}
	snprintf(cpus, sizeof(cpus), "%s/cpuset.cpus", dir);
	snprintf(mems, sizeof(mems), "%s/cpuset.mems", dir);
	/* the last online CPU, as the shell test: one CPU of a 2-CPU host */
	int last = -1;
	cpu_set_t set;
	if (!sched_getaffinity(0, sizeof(set), &set))
		for (int i = 0; i < CPU_SETSIZE; i++)
			if (CPU_ISSET(i, &set))
				last = i;
	if (last < 1 || mkdir(dir, 0755)) {
		printf("real cpuset: skipped (cannot make %s: %s)\n", dir, strerror(errno));
		return;
	}
	char one[16];
	snprintf(one, sizeof(one), "%d\n", last);
	pid_t in = -1, pinned = -1;
	if (write_text(cpus, one) || write_text(mems, "0\n") || stat(procs, &st)) {
		printf("real cpuset: skipped (cannot set up %s)\n", dir);
		goto out;
	}
	in = child(procs, -1);
	pinned = child(NULL, last);
	CHECK(in > 0 && pinned > 0);
	char pids[64];
	snprintf(pids, sizeof(pids), "%d,%d", (int)in, (int)pinned);
	struct xn_source_config cfg = {.top_n = 0, .pids = pids, .exact_interval = 0};
	struct xn_source *src = NULL;
	char err[512];
	CHECK(xn_source_open("linux", &cfg, &src, err, sizeof(err)) == 0);
	struct xn_sampler smp = {.src = src};
	if (src && xn_sampler_step(&smp) == 0) {
		const struct xn_domain *d = find(&smp.cur, in);
		CHECK(d && (d->valid & XN_DOM_CPUS_HARD) && d->cpuset_cpus);
		if (d && d->cpuset_cpus)
			CHECK(xn_bits_count(d->cpuset_cpus->w, XN_MAX_CPUS) == 1 &&
			      xn_bits_test(d->cpuset_cpus->w, last));
		/* pinned to the same one CPU by its own mask: that is no limit
		 * (its cpuset, if any, allows more) */
		d = find(&smp.cur, pinned);
		CHECK(d != NULL);
		if (d && (d->valid & XN_DOM_CPUS_HARD))
			CHECK(xn_bits_count(d->cpuset_cpus->w, XN_MAX_CPUS) > 1);
	} else
		CHECK(!"sample failed");
	xn_sampler_clear(&smp);
	if (src)
		src->ops->close(src);
out:
	stop(in);
	stop(pinned);
	for (int i = 0; i < 50 && rmdir(dir); i++)
		usleep(100000);
}

int main(void)
{
	test_cache();
	test_real_cpuset();
	return check_report("linux_cpuset_cache");
}
