/* source.c - the explicit registry of sources and auto-detection. The one
 * place that names every backend: the sampler room sits above them. */
#include "source.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

extern const struct xn_source_ops xn_source_linux;
extern const struct xn_source_ops xn_source_replay;
/* without Xen's headers xn_source_xen is xen_none.c's: it says so */
extern const struct xn_source_ops xn_source_xen;

const struct xn_source_ops *const xn_sources[] = {
        &xn_source_xen,
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
	/* without Xen's headers the registry's xen entry is xen_none.c's, whose
	 * caps are the xen source's: a Xen recording is judged as on Xen */
	return ops ? ops->caps : 0;
}

static int open_one(const struct xn_source_ops *ops, const struct xn_source_config *cfg,
                    struct xn_source **out, char *err, size_t errlen)
{
	int r = ops->open(cfg, out, err, errlen);
	if (r == 0)
		(*out)->want = XN_WANT_DEFAULT;
	return r;
}

int xn_source_open(const char *name, const struct xn_source_config *cfg, struct xn_source **out,
                   char *err, size_t errlen)
{
	if (strcmp(name, "auto") != 0) {
		const struct xn_source_ops *ops = xn_source_find(name);
		if (!ops)
			return xn_errf(err, errlen, -EINVAL,
			               "unknown source \"%s\" (auto, xen, linux, replay)", name);
		return open_one(ops, cfg, out, err, errlen);
	}
	/* auto: a recording when one is named, else xen when reachable, else linux */
	const struct xn_source_ops *replay = xn_source_find("replay");
	if (cfg->replay_file && replay)
		return open_one(replay, cfg, out, err, errlen);
	char why[256] = "";
	for (size_t i = 0; i < xn_nr_sources; i++) {
		const struct xn_source_ops *ops = xn_sources[i];
		if (ops->caps & XN_SRC_RECORDED)
			continue;
		if (ops->probe(cfg, why, sizeof(why)) == 0)
			return open_one(ops, cfg, out, err, errlen);
	}
	return xn_errf(err, errlen, -ENODEV, "no usable source: %s", why);
}

void xn_source_pages_why(const struct xn_snapshot *s, int64_t id, char *buf, size_t len)
{
	const char *o = s && s->origin[0] ? s->origin : s ? s->source : "";
	const struct xn_source_ops *ops = o[0] ? xn_source_find(o) : NULL;
	if (ops && ops->pages_why)
		ops->pages_why(id, buf, len);
	else
		snprintf(buf, len, "not in the recording");
}
