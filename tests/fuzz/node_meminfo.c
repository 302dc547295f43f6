/* fuzz a node's meminfo and distance files. */
#include <errno.h>

#include "fuzz.h"
#include "linux/linux_parse.h"
#include "snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xn_fuzz_str(data, size);
	uint64_t total, free_b;
	unsigned valid = 0;
	(void)xn_lx_parse_node_meminfo(s, &total, &free_b, &valid);
	XN_FUZZ_ASSERT((valid & ~(unsigned)(XN_NODE_TOTAL | XN_NODE_FREE)) == 0, "meminfo bits");
	uint32_t d[8];
	int n = xn_lx_parse_u32_list(s, d, 8);
	/* how many numbers there are: more than max is the caller's to refuse */
	XN_FUZZ_ASSERT(n >= -EINVAL, "distance count or -EINVAL");
	free(s);
	return 0;
}
