/* view_marks.c - what the screen's parts share: the locality colour and mark,
 * the heat level and glyph, how many lines a domain takes, the words about
 * unknown pages and about a running check. Below view.c and every view_*.c,
 * so that the screens do not call back into view.c. */
#include "view.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "advise.h"
#include "source.h"
#include "util.h"

size_t xn_view_dom_lines(const struct xn_view *v, const struct xn_domain *d)
{
	if (!v->show_vcpus)
		return 1;
	return 1 + ((d->valid & XN_DOM_VCPUS) && d->vcpus > 0 ? (size_t)d->vcpus : 1);
}

enum xn_role xn_local_role(double locality)
{
	if (locality >= XN_LOCAL_GOOD)
		return XN_ROLE_OK;
	return locality >= XN_LOCAL_WARN ? XN_ROLE_WARN : XN_ROLE_ERROR;
}

char xn_local_mark(double locality)
{
	if (locality >= XN_LOCAL_GOOD)
		return ' ';
	return locality >= XN_LOCAL_WARN ? '~' : 'x';
}

void xn_view_pages_why(const struct xn_snapshot *s, const struct xn_domain *d, char *buf,
                       size_t len)
{
	xn_source_pages_why(s, d->id, buf, len);
}

int xn_view_check_text(const struct xn_view *v, const struct xn_snapshot *s, int64_t id, char *buf,
                       size_t len)
{
	const struct xn_view_check *k = &v->check;
	if (len)
		buf[0] = '\0';
	if (!k->active || (id >= 0 && id != k->domid))
		return -1;
	const struct xn_domain *d = s ? xn_snapshot_find(s, k->domid) : NULL;
	unsigned n = k->refreshes;
	if (!d || !(d->valid & XN_DOM_LOCALITY)) {
		snprintf(buf, len, "predicted %.1f, now %s (%u refresh%s)", k->predicted,
		         d ? "unknown" : "gone", n, n == 1 ? "" : "es");
		return XN_ROLE_WARN;
	}
	snprintf(buf, len, "predicted %.1f, now %.1f (%u refresh%s)", k->predicted, d->locality, n,
	         n == 1 ? "" : "es");
	return d->locality >= k->predicted - XN_ADVISE_MIN_GAIN ? XN_ROLE_OK : XN_ROLE_WARN;
}

int xn_heat_level(uint64_t pages, uint64_t total)
{
	if (pages == 0 || total == 0)
		return 0;
	if (pages >= total)
		return XN_HEAT_LEVELS - 1;
	/* ceil(9 * pages / total), in integers while 9 * pages fits */
	int lvl;
	if (pages <= UINT64_MAX / (XN_HEAT_LEVELS - 1))
		lvl = (int)((pages * (XN_HEAT_LEVELS - 1) + total - 1) / total);
	else
		lvl = (int)((double)pages / (double)total * (XN_HEAT_LEVELS - 1) + 0.999999);
	if (lvl < 1)
		lvl = 1;
	return lvl > XN_HEAT_LEVELS - 1 ? XN_HEAT_LEVELS - 1 : lvl;
}

char xn_heat_glyph(int level)
{
	static const char ramp[XN_HEAT_LEVELS + 1] = " .:;=+*#%@"; /* no "-": that is "unknown" */
	if (level < 0)
		level = 0;
	return ramp[level >= XN_HEAT_LEVELS ? XN_HEAT_LEVELS - 1 : level];
}
