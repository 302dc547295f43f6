/* xen_config.c - what the operator set in a domain's configuration. libxl
 * keeps the configuration a domain was created with (what `xl list -l`
 * prints as "config") in /var/lib/xen/userdata-d.DOMID.UUID.libxl-json;
 * its build info holds vcpu_hard_affinity (xl's cpus), vcpu_soft_affinity
 * (cpus_soft) and nodemap only when the configuration set them: libxl's
 * own placement at creation changes the running domain, not that file. So
 * the advice can say "set in its configuration" instead of guessing. Read
 * once per domain (its cache entry: id and UUID), never on every refresh. */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
