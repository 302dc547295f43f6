/* xen_config.c - what the operator set in a domain's configuration. libxl
 * keeps the configuration a domain was created with (what `xl list -l`
 * prints as "config") in /var/lib/xen/userdata-d.DOMID.UUID.libxl-json;
 * its build info holds vcpu_hard_affinity (xl's cpus), vcpu_soft_affinity
 * (cpus_soft) and nodemap only when the configuration set them: libxl's
 * own placement at creation changes the running domain, not that file. So
 * the advice can say "set in its configuration" instead of guessing. Read
 * once per domain (its cache entry: id and UUID), never on every refresh;
 * a missing file costs one stat of the directory per refresh for all the
 * domains that lack theirs (xen_config_sample). */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "xen_priv.h"

static bool set(const json_t *b, const char *key)
{
	const json_t *v = json_object_get(b, key);
	return json_is_array(v) && json_array_size(v) > 0;
}

int xen_config_affinity_parse(const char *text, size_t len, unsigned *out)
{
	json_error_t je;
	json_t *root = json_loadb(text, len, 0, &je);
	if (!root)
		return -EINVAL;
	/* the file holds the configuration; `xl list -l` wraps it in "config" */
	const json_t *c = json_object_get(root, "config");
	const json_t *b = json_object_get(json_is_object(c) ? c : root, "b_info");
	int r = -EINVAL;
	if (json_is_object(b)) {
		*out = (set(b, "vcpu_hard_affinity") || set(b, "cpumap") ? XN_CFG_CPUS : 0) |
		       (set(b, "vcpu_soft_affinity") ? XN_CFG_CPUS_SOFT : 0) |
		       (set(b, "nodemap") ? XN_CFG_NODES : 0);
		r = 0;
	}
	json_decref(root);
	return r;
}

int xen_config_affinity_read(const char *dir, uint32_t domid, const uint8_t uuid[16], unsigned *out)
{
	char u[XN_UUID_STR], path[256];
	xn_uuid_format(uuid, u);
	snprintf(path, sizeof(path), "%s/userdata-d.%" PRIu32 ".%s.libxl-json", dir, domid, u);
	FILE *f = fopen(path, "r");
	if (!f)
		return -errno;
	char *buf = NULL;
	size_t len = 0, cap = 0, got;
	int r = 0;
	do {
		if (len == cap) {
			char *n =
			        cap < (1u << 20) ? realloc(buf, cap = cap ? cap * 2 : 8192) : NULL;
			if (!n) {
				r = -EFBIG; /* no configuration is a megabyte */
				break;
			}
			buf = n;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got > 0);
	fclose(f);
	/* libxl stores the text with its terminating NUL (strlen + 1), which a
	 * JSON parser refuses as trailing garbage: the text ends at the first */
	if (!r)
		r = xen_config_affinity_parse(buf, strnlen(buf, len), out);
	free(buf);
	return r;
}

/* A stamp of the directory younger than this is not trusted: a file made
 * in the same clock tick as the change it records (or the same second, on
 * a file system that keeps seconds) would leave it as it was. */
#define CFG_RACY_NS 1000000000ull

/* The directory's stamp at this refresh: its modification time in ns (it
 * changes when libxl creates or renames a file in it); 0 when unknown or
 * too recent to trust (look again at every refresh meanwhile); 1 when there
 * is no such directory (no file either, until it is made). */
static uint64_t dir_stamp(struct xen_priv *p, const char *dir, uint64_t now)
{
	if (p->cfg_dir_ns && p->cfg_dir_ns == now)
		return p->cfg_dir_mtime;
	struct stat st;
	struct timespec rt;
	uint64_t m = 0;
	if (stat(dir, &st) == 0) {
		m = (uint64_t)st.st_mtim.tv_sec * 1000000000ull + (uint64_t)st.st_mtim.tv_nsec;
		clock_gettime(CLOCK_REALTIME, &rt);
		uint64_t r = (uint64_t)rt.tv_sec * 1000000000ull + (uint64_t)rt.tv_nsec;
		if (m <= 1 || m + CFG_RACY_NS > r)
			m = 0;
	} else if (errno == ENOENT) {
		m = 1;
	}
	p->cfg_dir_ns = now;
	p->cfg_dir_mtime = m;
	return m;
}

void xen_config_sample(struct xen_priv *p, struct xen_dom_cache *e, uint64_t now)
{
	if (e->cfg_done)
		return;
	const char *dir = p->cfg_dir ? p->cfg_dir : XEN_USERDATA_DIR;
	uint64_t m = dir_stamp(p, dir, now);
	/* looked for before, the directory unchanged since, not long ago */
	if (e->cfg_due_ns && now < e->cfg_due_ns && m && m == e->cfg_mtime)
		return;
	int c = xen_config_affinity_read(dir, e->domid, e->handle, &e->config_aff);
	e->cfg_known = c == 0;
	e->cfg_done = c != -ENOENT;
	e->cfg_mtime = m;
	e->cfg_due_ns = now + XEN_CONFIG_MAX_AGE_NS;
}
