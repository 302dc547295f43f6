/* linux_threads.c - what one process or thread is, read from /proc and the
 * scheduler: whether a process is QEMU, and a thread as a vCPU (CPU, state,
 * hard affinity). Below linux_procs.c, linux_cgroup.c and linux_affinity.c,
 * which all ask it, so none of them has to call another. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "linux_parse.h"
#include "linux_priv.h"
#include "util.h"

bool xn_lx_is_qemu_pid(pid_t pid, const char *comm)
{
	if (xn_lx_is_qemu_name(comm))
		return true;
	/* QEMU's "-name ...,process=X" renames comm: look at the executable too */
	char path[64], exe[512];
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	ssize_t n = readlink(path, exe, sizeof(exe) - 1);
	if (n <= 0)
		return false;
	exe[n] = '\0';
	const char *base = strrchr(exe, '/');
	return xn_lx_is_qemu_name(base ? base + 1 : exe);
}

int xn_lx_thread_vcpu(const struct xn_lx_source *lx, pid_t tid, const struct xn_lx_stat *st,
                      struct xn_vcpu *v)
{
	if (st->processor >= 0) {
		v->cpu = st->processor;
		v->valid |= XN_VCPU_CPU;
	}
	v->state = st->state == 'R' ? 'r' : 'b';
	v->valid |= XN_VCPU_STATE;
	/* one syscall, no file: the thread's status would say the same in
	 * Cpus_allowed_list (as the online CPUs see it) at the price of a read */
	if (!lx->affset || sched_getaffinity(tid, lx->affset_size, lx->affset))
		return 0;
	/* word by word: most of the XN_MAX_CPUS bits are beyond the host's CPUs */
	xn_cpumask m;
	const unsigned long *word = (const unsigned long *)(const void *)lx->affset;
	const size_t bpw = 8 * sizeof(*word);
	memset(&m, 0, sizeof(m));
	for (size_t i = 0; i < lx->affset_size / sizeof(*word); i++)
		for (size_t b = 0; word[i] && b < bpw; b++)
			if (CPU_ISSET_S(i * bpw + b, lx->affset_size, lx->affset))
				xn_bits_set(m.w, (int)(i * bpw + b));
	char buf[1024];
	int len = xn_bits_format_list(m.w, XN_MAX_CPUS, buf, sizeof(buf));
	if (len < 0 || (size_t)len >= sizeof(buf))
		return 0; /* too long to say: unknown rather than cut */
	v->hard = strdup(buf);
	if (!v->hard)
		return -ENOMEM;
	v->valid |= XN_VCPU_HARD;
	return 0;
}
