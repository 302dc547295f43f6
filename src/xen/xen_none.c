/* xen_none.c - the xen source in a build without Xen's development files
 * (as http_none.c is --listen without libmicrohttpd): it is registered, says
 * what is missing when asked to open, and words a Xen recording's gaps. */
#include <errno.h>

#include "source.h"
#include "util.h"
#include "xen_words.h"

static int none_probe(const struct xn_source_config *cfg, char *err, size_t errlen)
{
	return xn_errf(err, errlen, -ENOTSUP,
	               "this build has no xen source (built without Xen's development files, "
	               "libxen-dev)");
}

static int none_open(const struct xn_source_config *cfg, struct xn_source **out, char *err,
                     size_t errlen)
{
	*out = NULL;
	return none_probe(cfg, err, errlen);
}

const struct xn_source_ops xn_source_xen = {
        .name = "xen",
        .caps = XN_SRC_FUTURE_ONLY | XN_SRC_SOFT_VCPUS | XN_SRC_RECREATE | XN_SRC_CPUPOOLS,
        .pages_why = xen_pages_why,
        .probe = none_probe,
        .open = none_open,
};
