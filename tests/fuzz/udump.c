/* fuzz Xen's debug key 'u' dump parser (console ring text, not
 * NUL-terminated: an exact-size copy). The error text is bound for the
 * screen's status line: it must be terminated. */
#include "fuzz.h"
#include "xen/xen_udump.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *raw = calloc(1, size ? size : 1);
	if (!raw)
		abort();
	if (size)
		memcpy(raw, data, size);
	struct xn_udump u;
	memset(&u, 0, sizeof(u));
	char err[256] = "";
	int r = xn_udump_parse(raw, size, 0, &u, err, sizeof(err));
	XN_FUZZ_ASSERT(strlen(err) < sizeof(err), "error terminated");
	if (r == 0) {
		XN_FUZZ_ASSERT(u.nr_nodes >= 0 && u.nr_nodes <= XN_UDUMP_MAX_NODES, "node count");
		for (int i = 0; i < u.nr_nodes; i++)
			XN_FUZZ_ASSERT(xn_udump_node_index(&u, u.node_id[i]) >= 0, "node index");
	}
	xn_udump_free(&u);
	free(raw);
	return 0;
}
