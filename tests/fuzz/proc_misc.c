/* fuzz the other /proc texts: a QEMU command line (raw, not NUL-terminated:
 * the parser must stay inside len), /proc/PID/cgroup (v1 and v2), a maps
 * line, /proc/vmstat, and the --pid list. */
#include <sys/types.h>

#include "fuzz.h"
#include "linux/linux_parse.h"
#include "linux/linux_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* exact-size copy: ASan sees any read past len */
	char *raw = calloc(1, size ? size : 1);
	if (!raw)
		abort();
	if (size)
		memcpy(raw, data, size);
	char name[64];
	if (xn_lx_qemu_guest_name(raw, size, name, sizeof(name)) == 0)
		XN_FUZZ_ASSERT(strlen(name) < sizeof(name), "guest name terminated");
	free(raw);
	char *s = xn_fuzz_str(data, size);
	char rel[256];
	for (int ver = 1; ver <= 2; ver++)
		if (xn_lx_parse_proc_cgroup(s, ver, rel, sizeof(rel)) == 0)
			XN_FUZZ_ASSERT(strlen(rel) < sizeof(rel), "cgroup path terminated");
	uint64_t a, b;
	(void)xn_lx_parse_maps_line(s, &a, &b);
	(void)xn_lx_parse_vmstat_moves(s, &a);
	pid_t *pids;
	size_t np;
	char err[256];
	if (xn_lx_pids_parse(s, &pids, &np, err, sizeof(err)) == 0) {
		for (size_t i = 0; i < np; i++)
			XN_FUZZ_ASSERT(pids[i] > 0, "PIDs positive");
		free(pids);
	}
	free(s);
	return 0;
}
