/* xen_cache.c - what the xen source remembers of each domain between
 * refreshes, so that a steady refresh asks xenstore nothing: the name,
 * read when the domain first appears and again only when the watch
 * reports a write to its /local/domain/ID/name (a rename, a late write, a
 * domain being torn down); its vCPU and node affinity, re-read every
 * XEN_AFFINITY_MAX_AGE_NS and at once after our own change. Entries are
 * keyed by domain id and Xen's handle (the UUID): a reused id with another
 * handle is another domain, read afresh. Also, of domains with a
 * QEMU (qdisk) disk backend: whether there is any, re-read when something
 * under that directory changes.
 *
 * Two xenstore connections. libxenstore starts a reader thread on a
 * connection once it has a watch, and every request on it then waits for
 * that thread (a futex hand-off per request). One watch per domain made
 * the first sample at 300 domains 600 such requests: 52 s in a PV dom0
 * under emulation, where xentop's 300 plain reads took 2.7 s. So names are
 * read on a connection without watches (synchronous, as libxenstat
 * reads), and one watch on all of /local/domain, on its own connection,
 * reports every name write (and the qdisk directory's); events for other
 * paths are dropped when a refresh takes the queue. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "xen_priv.h"

static const char qdisk_dir[] = "/local/domain/0/backend/qdisk";

static void free_affinity(struct xen_dom_cache *e)
{
	for (uint32_t v = 0; v < e->nr_aff; v++) {
		free(e->hard[v]);
		free(e->soft[v]);
	}
	free(e->hard);
	free(e->soft);
	e->hard = e->soft = NULL;
	e->nr_aff = 0;
	e->have_node_aff = false;
	e->aff_due_ns = 0;
}

static void name_path(uint32_t domid, char *buf, size_t len)
{
	snprintf(buf, len, "/local/domain/%u/name", domid);
}

int xen_cache_open(struct xen_priv *p, char *err, size_t errlen)
{
	p->xs = xs_open(0);
	if (!p->xs)
		return xn_errf(err, errlen, -EIO,
		               "xen: cannot open xenstore: is xenstored running? (domain names "
		               "need it)");
	p->qdisk_stale = true;
	/* Without the watch (no second connection, or refused) names are
	 * read at every refresh instead: right, only dearer. Registering
	 * sends one event for /local/domain itself, which names nothing. */
	p->xsw = xs_open(0);
	p->watching = p->xsw && xs_watch(p->xsw, "/local/domain", "d");
	return 0;
}

void xen_cache_close(struct xen_priv *p)
{
	for (size_t i = 0; i < p->nr_dc; i++) {
		free(p->dc[i].name);
		free_affinity(&p->dc[i]);
	}
	free(p->dc);
	if (p->xsw)
		xs_close(p->xsw); /* drops the watch */
	if (p->xs)
		xs_close(p->xs);
}

/* Index of domid in p->dc (sorted by id), or where it would go. */
static size_t find(const struct xen_priv *p, uint32_t domid)
{
	size_t lo = 0, hi = p->nr_dc;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p->dc[mid].domid < domid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void watch_event(struct xen_priv *p, const char *path)
{
	unsigned id = 0;
	int end = 0;
	if (!strncmp(path, qdisk_dir, sizeof(qdisk_dir) - 1)) {
		p->qdisk_stale = true;
		return;
	}
	/* only /local/domain/ID/name itself; its removal with the whole
	 * directory is reported as the directory's path */
	if (sscanf(path, "/local/domain/%u/name%n", &id, &end) != 1 || end == 0 || path[end])
		return;
	size_t i = find(p, id);
	if (i < p->nr_dc && p->dc[i].domid == id)
		p->dc[i].name_stale = true; /* (not found: gone, or not listed yet) */
}

void xen_cache_begin(struct xen_priv *p)
{
	char **ev;
	/* Non-blocking: NULL (EAGAIN) once the queue is empty. */
	while (p->watching && (ev = xs_check_watch(p->xsw))) {
		watch_event(p, ev[XS_WATCH_PATH]);
		free(ev);
	}
	for (size_t i = 0; i < p->nr_dc; i++)
		p->dc[i].seen = false;
}

struct xen_dom_cache *xen_cache_get(struct xen_priv *p, uint32_t domid, const uint8_t handle[16])
{
	size_t i = find(p, domid);
	struct xen_dom_cache *e;
	if (i < p->nr_dc && p->dc[i].domid == domid) {
		e = &p->dc[i];
		if (memcmp(e->handle, handle, sizeof(e->handle))) {
			/* the id was reused: another domain */
			memcpy(e->handle, handle, sizeof(e->handle));
			free_affinity(e);
			e->name_stale = true;
			e->cfg_done = e->cfg_known = false;
			e->cfg_mtime = e->cfg_due_ns = 0; /* its file: look at once */
		}
		e->seen = true;
		return e;
	}
	if (p->nr_dc == p->cap_dc) {
		size_t nc = p->cap_dc ? p->cap_dc * 2 : 64;
		struct xen_dom_cache *n = realloc(p->dc, nc * sizeof(*n));
		if (!n)
			return NULL;
		p->dc = n;
		p->cap_dc = nc;
	}
	memmove(&p->dc[i + 1], &p->dc[i], (p->nr_dc - i) * sizeof(*p->dc));
	p->nr_dc++;
	e = &p->dc[i];
	memset(e, 0, sizeof(*e));
	e->domid = domid;
	memcpy(e->handle, handle, sizeof(e->handle));
	e->name_stale = true;
	e->seen = true;
	return e;
}

const char *xen_cache_name(struct xen_priv *p, struct xen_dom_cache *e, int *err)
{
	*err = 0;
	if (!e->name_stale)
		return e->name;
	char path[64];
	name_path(e->domid, path, sizeof(path));
	unsigned len = 0;
	char *name = xs_read(p->xs, XBT_NULL, path, &len);
	if (!name && errno == ENOMEM) {
		*err = -ENOMEM;
		return e->name;
	}
	free(e->name);
	e->name = name; /* NULL: none (being built or torn down); the watch says when */
	/* Without the watch we cannot know when it changes: ask every refresh. */
	e->name_stale = !p->watching;
	return e->name;
}

void xen_cache_end(struct xen_priv *p)
{
	size_t k = 0;
	for (size_t i = 0; i < p->nr_dc; i++) {
		struct xen_dom_cache *e = &p->dc[i];
		if (e->seen) {
			p->dc[k++] = *e;
			continue;
		}
		free(e->name);
		free_affinity(e);
	}
	p->nr_dc = k;
}

void xen_cache_affinity_changed(struct xen_priv *p, uint32_t domid)
{
	size_t i = find(p, domid);
	if (i < p->nr_dc && p->dc[i].domid == domid)
		p->dc[i].aff_due_ns = 0;
}

int xen_cache_affinity_room(struct xen_dom_cache *e, uint32_t nr_vcpus)
{
	if (e->nr_aff == nr_vcpus)
		return 0;
	free_affinity(e);
	if (!nr_vcpus)
		return 0;
	e->hard = calloc(nr_vcpus, sizeof(*e->hard));
	e->soft = calloc(nr_vcpus, sizeof(*e->soft));
	if (!e->hard || !e->soft) {
		free(e->hard);
		free(e->soft);
		e->hard = e->soft = NULL;
		return -ENOMEM;
	}
	e->nr_aff = nr_vcpus;
	return 0;
}

bool xen_cache_any_qdisk(struct xen_priv *p)
{
	if (p->qdisk_stale) {
		unsigned n = 0;
		char **ents = xs_directory(p->xs, XBT_NULL, qdisk_dir, &n);
		p->any_qdisk = ents && n > 0;
		free(ents);
		p->qdisk_stale = !p->watching;
	}
	return p->any_qdisk;
}
