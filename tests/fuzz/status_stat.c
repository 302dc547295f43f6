/* fuzz status/stat: /proc/PID/status and /proc/PID/stat parsers, and the
 * comm-derived checks (vCPU thread index, QEMU name). */
#include "fuzz.h"
#include "linux/linux_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xn_fuzz_str(data, size);
	struct xn_lx_status st;
	struct xn_lx_stat ps;
	memset(&st, 0, sizeof(st));
	xn_lx_parse_status(s, &st);
	if (xn_lx_parse_stat(s, &ps) == 0)
		XN_FUZZ_ASSERT(memchr(ps.comm, '\0', sizeof(ps.comm)) != NULL,
		               "stat comm NUL-terminated");
	int v = xn_lx_vcpu_index(s);
	XN_FUZZ_ASSERT(v >= -1, "vcpu index -1 or an index");
	(void)xn_lx_is_qemu_name(s);
	free(s);
	return 0;
}
