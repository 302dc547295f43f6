/* fuzz numa_maps: xn_lx_parse_numa_maps on any text; the per-node sums and
 * the total agree (both saturate), every VMA callback's pages are counted;
 * the memory policies are at most XN_LX_NM_POLICIES texts of at most 63
 * characters without a line break, and the process's one covers the most. */
#include "fuzz.h"
#include "linux/linux_parse.h"

static void on_vma(void *arg, uint64_t start, uint64_t pages)
{
	uint64_t *sum = arg;
	*sum = *sum + pages < *sum ? UINT64_MAX : *sum + pages;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xn_fuzz_str(data, size);
	static uint64_t np[XN_MAX_NODES];
	struct xn_lx_nm_stats st;
	uint64_t sum = 0;
	const uint64_t sizes[] = {4096, 65536, 1};
	for (size_t k = 0; k < 3; k++) {
		memset(&st, 0, sizeof(st));
		sum = 0;
		XN_FUZZ_ASSERT(xn_lx_parse_numa_maps(s, sizes[k], np, on_vma, &sum, &st) == 0,
		               "numa_maps returns 0");
		XN_FUZZ_ASSERT(st.max_node < XN_MAX_NODES, "max_node in range");
		XN_FUZZ_ASSERT(st.bad_lines <= st.lines, "bad lines are lines");
		XN_FUZZ_ASSERT(st.npol >= 0 && st.npol <= XN_LX_NM_POLICIES, "npol in range");
		XN_FUZZ_ASSERT((st.npol == 0) == (st.policy < 0) && st.policy < st.npol,
		               "a policy exactly when one was seen");
		for (int i = 0; i < st.npol; i++) {
			size_t n = strnlen(st.pol[i].text, sizeof(st.pol[i].text));
			XN_FUZZ_ASSERT(n < sizeof(st.pol[i].text) && !strchr(st.pol[i].text, '\n'),
			               "policy text ended, one line");
			XN_FUZZ_ASSERT(st.pol[i].pages <= st.pol[st.policy].pages,
			               "the process's policy covers the most pages");
		}
	}
	free(s);
	return 0;
}
