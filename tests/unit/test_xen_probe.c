/* test_xen_probe.c - the xen source says in words why it cannot run here
 * (this build machine is not a Xen dom0), and auto-detection then moves on. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "source.h"

int main(void)
{
#ifdef HAVE_XEN
	const struct xn_source_ops *xen = xn_source_find("xen");
	CHECK(xen != NULL);
	if (!xen)
		return check_report("test_xen_probe");
	CHECK(xen->set_node_affinity != NULL);
	struct xn_source_config cfg = {.debugkey_interval = 10};
	char err[512] = "";
	int r = xen->probe(&cfg, err, sizeof(err));
	if (access("/dev/xen/privcmd", F_OK) && access("/proc/xen/privcmd", F_OK)) {
		CHECK_EQ_U64(r, (uint64_t)-ENODEV);
		CHECK(strstr(err, "/dev/xen/privcmd") != NULL);
		struct xn_source *src = NULL;
		err[0] = '\0';
		CHECK(xen->open(&cfg, &src, err, sizeof(err)) < 0);
		CHECK(src == NULL);
		CHECK(strstr(err, "dom0") != NULL);
	} else {
		/* In a dom0 (the QEMU lab runs the real thing): probe works or
		 * says why in words. */
		CHECK(r == 0 || err[0] != '\0');
	}
	return check_report("test_xen_probe");
#else
	/* Without libxen-dev the registry has no xen entry. */
	CHECK(xn_source_find("xen") == NULL);
	return check_report("test_xen_probe");
#endif
}
