/* fuzz zoneinfo: /proc/zoneinfo into zones; names terminated, bits known. */
#include "fuzz.h"
#include "linux/linux_parse.h"
#include "snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xn_fuzz_str(data, size);
	struct xn_lx_zone *z = NULL;
	size_t n = 0;
	if (xn_lx_parse_zoneinfo(s, &z, &n) == 0) {
		for (size_t i = 0; i < n; i++) {
			XN_FUZZ_ASSERT(memchr(z[i].name, '\0', sizeof(z[i].name)) != NULL,
			               "zone name terminated");
			XN_FUZZ_ASSERT((z[i].valid & ~(unsigned)(XN_ZONE_FREE | XN_ZONE_MANAGED)) ==
			                       0,
			               "zone valid bits");
		}
	}
	free(z);
	free(s);
	return 0;
}
