/* test_xen_domains.c - the xen source's domain list (src/xen/xen_domains.c,
 * xen_cache.c) against a fake hypervisor list and a fake xenstore:
 *  - past 256 domains with gaps in their ids, each domain is listed once
 *    and none lost (libxenstat 4.17 starts each chunk of 256 at the number
 *    of domains read so far, and lists some twice);
 *  - a steady refresh reads no name from xenstore: a name is read when the
 *    domain first appears, and again only when the one watch (on all of
 *    /local/domain, on a connection of its own: names are read on the
 *    other) reports a write to that name; its other events (the one
 *    registering sends, other paths, a child of a name) read nothing;
 *  - an id reused by another domain (another handle) is read afresh;
 *  - a domain that goes costs no xenstore request;
 *  - a configuration file libxl writes after the domain was listed is read
 *    at the next refresh, not at its next affinity re-read (5 to 10 s).
 * This file defines the libxenctrl and libxenstore functions the source
 * calls, so the program takes them instead of the shared libraries'. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#ifndef HAVE_XEN
int main(void)
{
	printf("built without Xen development files\n");
	return 77;
}
#else
#include "xen/xen_priv.h"

enum { MAXD = 400 };
static struct {
	uint32_t id;
	uint8_t handle;
	char name[32];
} hv[MAXD];
static unsigned nr_hv;
static unsigned reads, watches, unwatches, opens;
static char watched[64];
static struct xs_handle *watch_conn;
static char *events[512];
static unsigned nr_events;

int xc_domain_getinfolist(xc_interface *xch, uint32_t first, unsigned int max,
                          xc_domaininfo_t *info)
{
	(void)xch;
	int n = 0;
	for (unsigned i = 0; i < nr_hv && (unsigned)n < max; i++)
		if (hv[i].id >= first) {
			memset(&info[n], 0, sizeof(info[n]));
			info[n].domain = (domid_t)hv[i].id;
			info[n].handle[0] = hv[i].handle;
			info[n].tot_pages = hv[i].id;
			info[n].max_pages = UINT32_MAX;
			info[n].max_vcpu_id = UINT32_MAX; /* no vCPU: no xc_vcpu_* call */
			n++;
		}
	return n;
}
/* read_affinity asks no further when Xen has no node map */
int xc_get_nodemap_size(xc_interface *xch)
{
	(void)xch;
	return 0;
}

static void queue_event(const char *path)
{
	if (nr_events < 512)
		events[nr_events++] = strdup(path);
}
/* Two distinct handles, never dereferenced. */
static char conns[2];
struct xs_handle *xs_open(unsigned long flags)
{
	(void)flags;
	return opens < 2 ? (struct xs_handle *)&conns[opens++] : NULL;
}
void xs_close(struct xs_handle *h)
{
	(void)h;
}
bool xs_watch(struct xs_handle *h, const char *path, const char *token)
{
	(void)token;
	watches++;
	watch_conn = h;
	snprintf(watched, sizeof(watched), "%s", path);
	queue_event(path); /* as xenstored: one event at once */
	return true;
}
bool xs_unwatch(struct xs_handle *h, const char *path, const char *token)
{
	(void)h, (void)path, (void)token;
	unwatches++;
	return true;
}
char **xs_check_watch(struct xs_handle *h)
{
	(void)h;
	if (!nr_events) {
		errno = EAGAIN;
		return NULL;
	}
	char *path = events[0];
	memmove(events, events + 1, --nr_events * sizeof(*events));
	/* one block, as libxenstore's */
	char **v = malloc(2 * sizeof(char *) + strlen(path) + 3);
	v[XS_WATCH_PATH] = (char *)(v + 2);
	strcpy(v[XS_WATCH_PATH], path);
	v[XS_WATCH_TOKEN] = v[XS_WATCH_PATH] + strlen(path);
	free(path);
	return v;
}
void *xs_read(struct xs_handle *h, xs_transaction_t t, const char *path, unsigned int *len)
{
	(void)t;
	unsigned id;
	reads++;
	CHECK(h != watch_conn); /* never on the watch's connection */
	if (sscanf(path, "/local/domain/%u/name", &id) == 1)
		for (unsigned i = 0; i < nr_hv; i++)
			if (hv[i].id == id && hv[i].name[0]) {
				*len = (unsigned)strlen(hv[i].name);
				return strdup(hv[i].name);
			}
	errno = ENOENT;
	return NULL;
}
char **xs_directory(struct xs_handle *h, xs_transaction_t t, const char *path, unsigned int *num)
{
	(void)h, (void)t, (void)path;
	*num = 0;
	errno = ENOENT;
	return NULL;
}

static void sample(struct xen_priv *p, struct xn_snapshot *s)
{
	xn_snapshot_clear(s);
	CHECK_EQ_U64(xen_domains_sample(p, s), 0);
}

static const char *name_of(const struct xn_snapshot *s, int64_t id)
{
	for (size_t i = 0; i < s->nr_domains; i++)
		if (s->domains[i].id == id)
			return s->domains[i].name ? s->domains[i].name : "(none)";
	return "(not listed)";
}

int main(void)
{
	struct xen_priv p;
	struct xn_snapshot s;

	memset(&p, 0, sizeof(p));
	memset(&s, 0, sizeof(s));
	char err[256];
	CHECK_EQ_U64(xen_cache_open(&p, err, sizeof(err)), 0);
	CHECK_EQ_U64(opens, 2);
	CHECK_STR(watched, "/local/domain");
	CHECK(watch_conn == p.xsw && p.xsw != p.xs);
	/* dom0 + ids 4..303: chunk 2 must start after id 258, not at id 256 */
	strcpy(hv[nr_hv++].name, "Domain-0"); /* id 0 */
	for (unsigned i = 0; i < 300; i++, nr_hv++) {
		hv[nr_hv].id = 4 + i;
		snprintf(hv[nr_hv].name, sizeof(hv[nr_hv].name), "d%u", 4 + i);
	}
	sample(&p, &s);
	CHECK_EQ_U64(s.nr_domains, 301);
	for (size_t i = 1; i < s.nr_domains; i++)
		CHECK(s.domains[i].id == s.domains[i - 1].id + (i == 1 ? 4 : 1));
	CHECK_STR(s.domains[300].name, "d303");
	CHECK_EQ_U64(s.domains[300].mem_cur, 4096ull * 303);
	CHECK_EQ_U64(reads, 301);
	CHECK_EQ_U64(watches, 1);

	/* Steady: no read at all, whatever else is written under a domain. */
	reads = 0;
	sample(&p, &s);
	queue_event("/local/domain/10/memory/target");
	queue_event("/local/domain/10/name/x");
	queue_event("/local/domain/10");
	queue_event("/local/domain/10/names");
	sample(&p, &s);
	CHECK_EQ_U64(reads, 0);
	CHECK_STR(name_of(&s, 10), "d10");

	/* libxl writes domain 10's configuration: read at the next refresh */
	char dir[] = "/tmp/xn-dcfg-XXXXXX", path[512];
	CHECK(mkdtemp(dir) != NULL);
	p.cfg_dir = dir;
	sample(&p, &s);
	CHECK(!(s.domains[7].valid & XN_DOM_CONFIG_AFF));
	snprintf(path, sizeof(path),
	         "%s/userdata-d.10.00000000-0000-0000-0000-000000000000.libxl-json", dir);
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs("{\"b_info\":{\"vcpu_soft_affinity\":[[1]]}}", f);
		fclose(f);
	}
	sample(&p, &s);
	CHECK_EQ_U64(s.domains[7].id, 10);
	CHECK(s.domains[7].valid & XN_DOM_CONFIG_AFF);
	CHECK_EQ_U64(s.domains[7].config_affinity, XN_CFG_CPUS_SOFT);
	unlink(path);
	rmdir(dir);

	/* A rename: its watch fires, that one name is read again. */
	strcpy(hv[7].name, "renamed");
	queue_event("/local/domain/10/name");
	sample(&p, &s);
	CHECK_EQ_U64(reads, 1);
	CHECK_STR(name_of(&s, 10), "renamed");

	/* Id 20 reused by another domain between two refreshes: read afresh. */
	hv[17].handle = 1;
	strcpy(hv[17].name, "new-20");
	reads = 0;
	sample(&p, &s);
	CHECK_EQ_U64(reads, 1);
	CHECK_STR(name_of(&s, 20), "new-20");

	/* A domain without a name yet is listed without one; once its name
	 * is written, the watch fires and it is read. */
	hv[20].name[0] = '\0'; /* id 23 */
	hv[20].handle = 2;
	sample(&p, &s);
	CHECK_STR(name_of(&s, 23), "(none)");
	strcpy(hv[20].name, "late");
	queue_event("/local/domain/23/name");
	sample(&p, &s);
	CHECK_STR(name_of(&s, 23), "late");

	/* Domains that go: the list shrinks, no request (no watch of theirs). */
	nr_hv -= 100;
	reads = 0;
	sample(&p, &s);
	CHECK_EQ_U64(s.nr_domains, 201);
	CHECK_EQ_U64(unwatches, 0);
	CHECK_EQ_U64(reads, 0);
	CHECK_EQ_U64(p.nr_dc, 201);

	xn_snapshot_clear(&s);
	xen_cache_close(&p);
	free(p.info);
	while (nr_events)
		free(events[--nr_events]);
	return check_report("test_xen_domains");
}
#endif
