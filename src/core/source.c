/* source.c - the explicit registry of sources and auto-detection. */
#include "source.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

extern const struct xn_source_ops xn_source_linux;
extern const struct xn_source_ops xn_source_replay;
#ifdef HAVE_XEN
extern const struct xn_source_ops xn_source_xen;
#endif

const struct xn_source_ops *const xn_sources[] = {
#ifdef HAVE_XEN
        &xn_source_xen,
#endif
        &xn_source_linux,
        &xn_source_replay,
};
const size_t xn_nr_sources = XN_ARRAY_SIZE(xn_sources);

const struct xn_source_ops *xn_source_find(const char *name)
{
	for (size_t i = 0; i < xn_nr_sources; i++)
		if (!strcmp(xn_sources[i]->name, name))
			return xn_sources[i];
	return NULL;
}

unsigned xn_source_caps(const char *origin)
{
	const struct xn_source_ops *ops = origin && origin[0] ? xn_source_find(origin) : NULL;
	if (ops)
		return ops->caps;
#ifndef HAVE_XEN
	/* A recording from Xen replayed where the xen source is not built:
	 * the same answer its ops would give (xen_source.c). */
	if (origin && !strcmp(origin, "xen"))
		return XN_CAP_SOFT_VCPUS | XN_CAP_RECREATE;
#endif
	return 0;
}

int xn_source_open(const char *name, const struct xn_source_config *cfg, struct xn_source **out,
                   char *err, size_t errlen)
{
	if (strcmp(name, "auto") != 0) {
		const struct xn_source_ops *ops = xn_source_find(name);
		if (!ops) {
			if (!strcmp(name, "xen"))
				return xn_errf(err, errlen, -ENOTSUP,
				               "this build has no xen source (built without "
				               "Xen's development files)");
			return xn_errf(err, errlen, -EINVAL,
			               "unknown source \"%s\" (auto, xen, linux, replay)", name);
		}
		return ops->open(cfg, out, err, errlen);
	}
	/* auto: a recording when one is named, else xen when reachable, else linux */
	const struct xn_source_ops *replay = xn_source_find("replay");
	if (cfg->replay_file && replay)
		return replay->open(cfg, out, err, errlen);
	char why[256] = "";
	for (size_t i = 0; i < xn_nr_sources; i++) {
		const struct xn_source_ops *ops = xn_sources[i];
		if (!strcmp(ops->name, "replay"))
			continue;
		if (ops->probe(cfg, why, sizeof(why)) == 0)
			return ops->open(cfg, out, err, errlen);
	}
	return xn_errf(err, errlen, -ENODEV, "no usable source: %s", why);
}

int xn_source_fail(struct xn_source *src, int neg_errno, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(src->err, sizeof(src->err), fmt, ap);
	va_end(ap);
	return neg_errno;
}
