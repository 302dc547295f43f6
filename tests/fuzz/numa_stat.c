/* fuzz memory.numa_stat (cgroup v1 and v2), whole-cgroup and one-process
 * figures. */
#include "fuzz.h"
#include "linux/linux_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xn_fuzz_str(data, size);
	static uint64_t np[XN_MAX_NODES];
	int maxn, ver;
	const uint64_t ps[] = {4096, 1, 0};
	for (size_t k = 0; k < 3; k++) {
		if (xn_lx_parse_numa_stat(s, ps[k], np, &maxn, &ver) == 0)
			XN_FUZZ_ASSERT((ver == 1 || ver == 2) && maxn < XN_MAX_NODES,
			               "numa_stat version and max node");
		if (xn_lx_parse_numa_stat_proc(s, ps[k], np, &maxn, &ver) == 0)
			XN_FUZZ_ASSERT((ver == 1 || ver == 2) && maxn < XN_MAX_NODES,
			               "numa_stat_proc version and max node");
	}
	free(s);
	return 0;
}
