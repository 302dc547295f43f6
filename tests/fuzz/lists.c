/* fuzz node lists: a Linux-style list parsed and formatted back parses to
 * the same set; an operator's node list against a 4-node host. */
#include "fuzz.h"
#include "nodemask.h"
#include "snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xn_fuzz_str(data, size);
	uint64_t w[XN_MAX_NODES / 64], w2[XN_MAX_NODES / 64];
	char err[256], buf[8192];
	memset(w, 0, sizeof(w));
	if (xn_bits_parse_list(s, w, XN_MAX_NODES, err, sizeof(err)) == 0) {
		int need = xn_bits_format_list(w, XN_MAX_NODES, buf, sizeof(buf));
		XN_FUZZ_ASSERT(need >= 0 && (size_t)need < sizeof(buf), "formatted list fits");
		memset(w2, 0, sizeof(w2));
		XN_FUZZ_ASSERT(xn_bits_parse_list(buf, w2, XN_MAX_NODES, err, sizeof(err)) == 0,
		               "formatted list parses");
		XN_FUZZ_ASSERT(memcmp(w, w2, sizeof(w)) == 0, "list round trip");
	}
	static struct xn_host h;
	if (!h.nr_nodes) {
		if (xn_host_alloc_nodes(&h, 4))
			abort();
		for (int i = 0; i < 4; i++)
			h.nodes[i].id = i == 3 ? 5 : i; /* ids 0,1,2,5: a hole */
	}
	xn_nodemask m;
	if (xn_nodelist_parse(s, &h, &m, err, sizeof(err)) == 0)
		for (int b = xn_bits_next(m.w, XN_MAX_NODES, 0); b >= 0;
		     b = xn_bits_next(m.w, XN_MAX_NODES, b + 1))
			XN_FUZZ_ASSERT(xn_host_node_index(&h, b) >= 0, "only the host's nodes");
	free(s);
	return 0;
}
