/* move_config.c - libxl's JSON view of a domain (`xl list -l`) back into
 * xl's config text with a new placement, for `xl migrate -C` (see move.h).
 *
 * libxl writes only the fields that differ from their defaults, so every key
 * present means something. Keys we translate are written; keys libxl fills
 * in itself when it creates a domain (and fills in again on the receiving
 * side) are skipped; anything else is either a device we cannot describe in
 * xl text (refused: the new domain would silently lack it) or a tuning field
 * we name as "not carried over" in the plan the operator confirms. */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "move.h"
#include "util.h"

struct out {
	char *buf;
	size_t len, used;
	bool full;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
	if (o->full)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(o->buf + o->used, o->len - o->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->len - o->used) {
		o->full = true;
		return;
	}
	o->used += (size_t)n;
}

/* Append ", name" to a list of names (truncated quietly when long). */
static void note(char *list, size_t len, const char *name)
{
	size_t u = strlen(list);
	snprintf(list + u, len - u, "%s%s", u ? ", " : "", name);
}

/* An xl string literal: quotes and backslashes escaped; control bytes
 * cannot be written (xl's lexer has no escape we trust for them). */
static int put_str(struct out *o, const char *s)
{
	put(o, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return -EINVAL;
		if (*p == '"' || *p == '\\')
			put(o, "\\%c", *p);
		else
			put(o, "%c", *p);
	}
	put(o, "\"");
	return 0;
}

/* libxl's JSON names of libxl_action_on_shutdown ("soft_reset") as xl's
 * config spells them ("soft-reset", xl_parse.c), which it insists on. */
static const char *action_name(const char *json)
{
	static const char *const map[][2] = {{"destroy", "destroy"},
	                                     {"restart", "restart"},
	                                     {"restart_rename", "rename-restart"},
	                                     {"preserve", "preserve"},
	                                     {"coredump_destroy", "coredump-destroy"},
	                                     {"coredump_restart", "coredump-restart"},
	                                     {"soft_reset", "soft-reset"}};
	for (size_t i = 0; json && i < XN_ARRAY_SIZE(map); i++)
		if (!strcmp(json, map[i][0]))
			return map[i][1];
	return NULL;
}

static const char *jstr(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static bool jint(const json_t *o, const char *key, json_int_t *out)
{
	const json_t *v = json_object_get(o, key);
	if (!json_is_integer(v))
		return false;
	*out = json_integer_value(v);
	return true;
}

/* libxl_defbool is "True" / "False" / "<default>" in JSON; a plain bool
 * is true / false. */
static bool jtrue(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	return json_is_true(v) || (json_is_string(v) && !strcmp(json_string_value(v), "True"));
}

int xn_move_nodes_cpumap(const xn_nodemask *nodes, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int n = xn_bits_next(nodes->w, XN_MAX_NODES, 0); n >= 0;
	     n = xn_bits_next(nodes->w, XN_MAX_NODES, n + 1)) {
		int k = snprintf(buf + used, len - used, "%snode:%d", used ? "," : "", n);
		if (k < 0 || (size_t)k >= len - used)
			return -ENOSPC;
		used += (size_t)k;
	}
	return used ? 0 : -EINVAL;
}

/* One "key=value" of a disk or vif spec. */
static int put_spec_item(struct out *o, bool *first, const char *key, const char *val)
{
	/* xl splits specs on ',' and '=': such values cannot be written. */
	if (strpbrk(val, ",='\"\\"))
		return -EINVAL;
	put(o, "%s%s=%s", *first ? "" : ",", key, val);
	*first = false;
	return 0;
}

static const char *disk_backend(const char *b)
{
	if (!b || !strcmp(b, "unknown"))
		return NULL;
	return b;
}

static int put_disks(struct out *o, const json_t *disks, char *err, size_t errlen)
{
	size_t i;
	const json_t *dk;
	if (!json_array_size(disks))
		return 0;
	put(o, "disk = [");
	json_array_foreach(disks, i, dk)
	{
		json_int_t be = 0, rw = 0, cd = 0;
		const char *target = jstr(dk, "pdev_path"), *vdev = jstr(dk, "vdev");
		if (jint(dk, "backend_domid", &be) && be != 0)
			return xn_errf(err, errlen, -EOPNOTSUPP,
			               "disk %s has its backend in domain %lld (a driver domain)",
			               vdev ? vdev : "?", (long long)be);
		if (!vdev)
			return xn_errf(err, errlen, -EOPNOTSUPP, "a disk has no vdev");
		jint(dk, "readwrite", &rw);
		jint(dk, "is_cdrom", &cd);
		put(o, "%s'", i ? ", " : " ");
		bool first = true;
		int r = 0;
		const char *fmt = jstr(dk, "format"), *backend = disk_backend(jstr(dk, "backend"));
		const char *script = jstr(dk, "script");
		if (fmt && strcmp(fmt, "unknown"))
			r |= put_spec_item(o, &first, "format", fmt);
		r |= put_spec_item(o, &first, "vdev", vdev);
		r |= put_spec_item(o, &first, "access", rw ? "rw" : "ro");
		if (cd)
			r |= put_spec_item(o, &first, "devtype", "cdrom");
		if (backend)
			r |= put_spec_item(o, &first, "backendtype", backend);
		if (script)
			r |= put_spec_item(o, &first, "script", script);
		/* target= last: xl takes the rest of the spec as the path */
		if (target && strpbrk(target, "'\"\\"))
			r = -EINVAL;
		else if (target)
			put(o, "%starget=%s", first ? "" : ",", target);
		if (r)
			return xn_errf(err, errlen, -EOPNOTSUPP,
			               "disk %s: a value xl's disk syntax cannot hold", vdev);
		put(o, "'");
	}
	put(o, " ]\n");
	return 0;
}

static int put_nics(struct out *o, const json_t *nics, char *err, size_t errlen)
{
	static const struct {
		const char *json, *xl;
	} keys[] = {{"mac", "mac"},      {"bridge", "bridge"},        {"script", "script"},
	            {"ip", "ip"},        {"model", "model"},          {"ifname", "vifname"},
	            {"nictype", "type"}, {"gatewaydev", "gatewaydev"}};
	size_t i;
	const json_t *nic;
	if (!json_array_size(nics))
		return 0;
	put(o, "vif = [");
	json_array_foreach(nics, i, nic)
	{
		json_int_t be = 0;
		if (jint(nic, "backend_domid", &be) && be != 0)
			return xn_errf(err, errlen, -EOPNOTSUPP,
			               "network interface %zu has its backend in domain %lld", i,
			               (long long)be);
		put(o, "%s'", i ? ", " : " ");
		bool first = true;
		for (size_t k = 0; k < XN_ARRAY_SIZE(keys); k++) {
			const char *v = jstr(nic, keys[k].json);
			if (v && !strcmp(keys[k].json, "nictype"))
				v = !strcmp(v, "vif_ioemu") ? "ioemu" : v;
			/* the receiving side names the backend afresh (vifDOMID.N) */
			if (v && !(!strcmp(keys[k].json, "ifname") && !strncmp(v, "vif", 3)) &&
			    put_spec_item(o, &first, keys[k].xl, v))
				return xn_errf(err, errlen, -EOPNOTSUPP,
				               "network interface %zu: a value xl's vif syntax "
				               "cannot hold",
				               i);
		}
		put(o, "'");
	}
	put(o, " ]\n");
	return 0;
}

/* Top-level keys of libxl_domain_config we handle; any other non-empty
 * array is a device kind we cannot carry over. */
static const char *const passthrough_keys[] = {"pcidevs", "dtdevs", "usbdevs"};
static const char *const handled_top[] = {"c_info",      "b_info",      "disks",
                                          "nics",        "on_poweroff", "on_reboot",
                                          "on_watchdog", "on_crash",    "on_soft_reset"};
/* b_info keys written below, or filled in by libxl at creation (and filled
 * in again for the new domain). */
static const char *const handled_b[] = {"max_vcpus",
                                        "avail_vcpus",
                                        "max_memkb",
                                        "target_memkb",
                                        "kernel",
                                        "ramdisk",
                                        "cmdline",
                                        "type.pv",
                                        "type.pvh",
                                        "vcpu_hard_affinity",
                                        "vcpu_soft_affinity",
                                        "cpumap",
                                        "nodemap",
                                        "numa_placement",
                                        "shadow_memkb",
                                        "video_memkb",
                                        "arch_arm",
                                        "arch_x86",
                                        "sched_params",
                                        "device_model_version",
                                        "disable_migrate",
                                        "max_grant_frames",
                                        "max_maptrack_frames",
                                        "max_grant_version",
                                        "event_channels",
                                        "tsc_mode",
                                        "claim_mode",
                                        "iomem",
                                        "ioports",
                                        "irqs"};

static bool in_list(const char *const *list, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], key))
			return true;
	return false;
}

static bool nonempty(const json_t *v)
{
	return v && !json_is_null(v) &&
	       !((json_is_array(v) && !json_array_size(v)) ||
	         (json_is_object(v) && !json_object_size(v)));
}

static void scan_keys(const json_t *cfg, const json_t *b, struct xn_move_dominfo *info)
{
	const char *key;
	const json_t *v;
	json_object_foreach((json_t *)cfg, key, v)
	{
		if (in_list(handled_top, XN_ARRAY_SIZE(handled_top), key) || !nonempty(v))
			continue;
		if (in_list(passthrough_keys, XN_ARRAY_SIZE(passthrough_keys), key))
			note(info->passthrough, sizeof(info->passthrough), key);
		else if (json_is_array(v))
			note(info->unsupported, sizeof(info->unsupported), key);
		else
			note(info->dropped, sizeof(info->dropped), key);
	}
	static const char *const pt_b[] = {"iomem", "ioports", "irqs"};
	for (size_t i = 0; i < XN_ARRAY_SIZE(pt_b); i++)
		if (nonempty(json_object_get(b, pt_b[i])))
			note(info->passthrough, sizeof(info->passthrough), pt_b[i]);
	json_object_foreach((json_t *)b, key, v)
	{
		if (!in_list(handled_b, XN_ARRAY_SIZE(handled_b), key) && nonempty(v))
			note(info->dropped, sizeof(info->dropped), key);
	}
}

static const json_t *find_config(const json_t *root, char *err, size_t errlen)
{
	const json_t *dom = root;
	if (json_is_array(root)) {
		if (json_array_size(root) != 1) {
			xn_errf(err, errlen, -EINVAL, "expected one domain, got %zu",
			        json_array_size(root));
			return NULL;
		}
		dom = json_array_get(root, 0);
	}
	const json_t *cfg = json_object_get(dom, "config");
	if (!json_is_object(cfg)) {
		xn_errf(err, errlen, -EINVAL, "no \"config\" object");
		return NULL;
	}
	return cfg;
}

static int put_placement(struct out *o, const json_t *b, const xn_nodemask *nodes, char *err,
                         size_t errlen)
{
	char map[256];
	if (xn_move_nodes_cpumap(nodes, map, sizeof(map)))
		return xn_errf(err, errlen, -EINVAL, "no target nodes");
	/* Soft affinity on the targets: libxl then skips its own placement and
	 * Xen derives node affinity from the vCPUs before any page is
	 * allocated. A hard affinity elsewhere would win over it (Xen uses hard
	 * when soft and hard do not meet), so one that existed is moved too. */
	put(o, "cpus_soft = \"%s\"\n", map);
	if (nonempty(json_object_get(b, "vcpu_hard_affinity")) ||
	    nonempty(json_object_get(b, "cpumap")))
		put(o, "cpus = \"%s\"\n", map);
	return 0;
}

static int put_build(struct out *o, const json_t *b, struct xn_move_dominfo *info, char *err,
                     size_t errlen)
{
	json_int_t v;
	if (!jint(b, "max_memkb", &v) || v <= 0)
		return xn_errf(err, errlen, -EINVAL, "b_info.max_memkb missing");
	info->max_memkb = (uint64_t)v;
	info->target_memkb = info->max_memkb;
	if (jint(b, "target_memkb", &v) && v > 0)
		info->target_memkb = (uint64_t)v;
	/* xl takes MiB: round up, never give the guest less than it has */
	put(o, "memory = %" PRIu64 "\n", (info->target_memkb + 1023) / 1024);
	put(o, "maxmem = %" PRIu64 "\n", (info->max_memkb + 1023) / 1024);
	json_int_t maxv = 1;
	jint(b, "max_vcpus", &maxv);
	size_t avail = json_array_size(json_object_get(b, "avail_vcpus"));
	put(o, "vcpus = %zu\n", avail ? avail : (size_t)maxv);
	put(o, "maxvcpus = %lld\n", (long long)maxv);
	static const char *const strs[] = {"kernel", "ramdisk", "cmdline"};
	for (size_t i = 0; i < XN_ARRAY_SIZE(strs); i++) {
		const char *s = jstr(b, strs[i]);
		if (!s)
			continue;
		put(o, "%s = ", strs[i]);
		if (put_str(o, s))
			return xn_errf(err, errlen, -EOPNOTSUPP, "b_info.%s has control characters",
			               strs[i]);
		put(o, "\n");
	}
	/* the scheduler's share: what an operator tunes (xl sched-credit2 -w) */
	const json_t *sp = json_object_get(b, "sched_params");
	if (jint(sp, "weight", &v) && v > 0)
		put(o, "weight = %lld\n", (long long)v);
	if (jint(sp, "cap", &v) && v > 0)
		put(o, "cap = %lld\n", (long long)v);
	const json_t *pv = json_object_get(b, "type.pv");
	const char *bl = pv ? jstr(pv, "bootloader") : NULL;
	if (bl) {
		put(o, "bootloader = ");
		if (put_str(o, bl))
			return xn_errf(err, errlen, -EOPNOTSUPP,
			               "bootloader has control characters");
		put(o, "\n");
	}
	info->no_migrate = jtrue(b, "disable_migrate");
	return 0;
}

int xn_move_config_write(const char *json, const xn_nodemask *nodes, char *out, size_t len,
                         struct xn_move_dominfo *info, char *err, size_t errlen)
{
	memset(info, 0, sizeof(*info));
	json_error_t je;
	json_t *root = json_loads(json, 0, &je);
	if (!root)
		return xn_errf(err, errlen, -EINVAL, "xl list -l: line %d: %s", je.line, je.text);
	int r = -EINVAL;
	const json_t *cfg = find_config(root, err, errlen);
	if (!cfg)
		goto done;
	const json_t *c = json_object_get(cfg, "c_info"), *b = json_object_get(cfg, "b_info");
	const char *name = jstr(c, "name"), *type = jstr(c, "type");
	if (!name || !type || !json_is_object(b)) {
		r = xn_errf(err, errlen, -EINVAL, "c_info.name, c_info.type or b_info missing");
		goto done;
	}
	xn_strlcpy(info->name, name, sizeof(info->name));
	xn_strlcpy(info->type, type, sizeof(info->type));
	scan_keys(cfg, b, info);
	struct out o = {.buf = out, .len = len};
	out[0] = '\0';
	put(&o, "# written by xentop-numa --move-memory from `xl list -l`\n");
	put(&o, "type = \"%s\"\n", type);
	put(&o, "name = ");
	if (put_str(&o, name)) {
		r = xn_errf(err, errlen, -EOPNOTSUPP, "the name has control characters");
		goto done;
	}
	put(&o, "\n");
	const char *uuid = jstr(c, "uuid");
	/* the same uuid: the receiving side is this domain, not a clone */
	if (uuid && strspn(uuid, "0123456789abcdefABCDEF-") == strlen(uuid))
		put(&o, "uuid = \"%s\"\n", uuid);
	if ((r = put_build(&o, b, info, err, errlen)) ||
	    (r = put_placement(&o, b, nodes, err, errlen)))
		goto done;
	static const char *const actions[] = {"on_poweroff", "on_reboot", "on_watchdog", "on_crash",
	                                      "on_soft_reset"};
	for (size_t i = 0; i < XN_ARRAY_SIZE(actions); i++) {
		const char *a = action_name(jstr(cfg, actions[i]));
		if (a)
			put(&o, "%s = \"%s\"\n", actions[i], a);
	}
	if ((r = put_disks(&o, json_object_get(cfg, "disks"), err, errlen)) ||
	    (r = put_nics(&o, json_object_get(cfg, "nics"), err, errlen)))
		goto done;
	if (info->passthrough[0]) {
		r = xn_errf(err, errlen, -EOPNOTSUPP, "it has passthrough devices (%s)",
		            info->passthrough);
		goto done;
	}
	if (info->unsupported[0]) {
		r = xn_errf(err, errlen, -EOPNOTSUPP,
		            "it has devices the move cannot carry over yet (%s)",
		            info->unsupported);
		goto done;
	}
	if (strcmp(type, "pv") && strcmp(type, "pvh")) {
		r = xn_errf(err, errlen, -EOPNOTSUPP,
		            "it is an %s domain: only PV and PVH configs are rewritten", type);
		goto done;
	}
	r = o.full ? xn_errf(err, errlen, -ENOSPC, "the config is too long") : 0;
done:
	json_decref(root);
	return r;
}
