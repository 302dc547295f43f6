/* move_config.c - libxl's JSON view of a domain (`xl list -l`) back into
 * xl's config text with a new placement, for `xl migrate -C` and `xl
 * restore` (see move.h).
 *
 * libxl writes only the fields that differ from their defaults (and those
 * its own set-up filled in), so every key present means something. Each
 * key of every object - c_info, b_info and its type, arch and scheduler
 * parts, each disk and network interface - is either written in xl's
 * syntax, left to libxl to fill in again on the receiving side (the
 * placement, xl.conf's settings), or, when xl's config format cannot
 * express it and it is not at its default, named in a refusal: a tenant's
 * cpupool, security label or rate limit must never vanish in a move. */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "move.h"
#include "move_config_priv.h"
#include "util.h"

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

/* KEY = "value"; a control byte marks the output bad (refused). */
static void put_kv_str(struct out *o, const char *xl, const char *val)
{
	if (!val)
		return;
	put(o, "%s = ", xl);
	if (put_str(o, val))
		o->bad = true;
	put(o, "\n");
}

static void carry_str(struct out *o, struct keys *k, const char *json, const char *xl)
{
	const char *v = take_str(k, json);
	if (v && v[0])
		put_kv_str(o, xl, v);
}

/* A libxl_defbool as xl's 0 / 1; "<default>" is not written. */
static void carry_bool(struct out *o, struct keys *k, const char *json, const char *xl)
{
	int b = take_defbool(k, json);
	if (b >= 0)
		put(o, "%s = %d\n", xl, b);
}

/* An integer written when it is not its default (dflt). */
static void carry_int(struct out *o, struct keys *k, const char *json, const char *xl,
                      json_int_t dflt)
{
	json_int_t v;
	if (take_int(k, json, &v) && v != dflt)
		put(o, "%s = %lld\n", xl, (long long)v);
}

/* An enum written by name when it is not one of its default names. */
static void carry_enum(struct out *o, struct keys *k, const char *json, const char *xl,
                       const char *dflt)
{
	const char *v = take_str(k, json);
	if (v && strcmp(v, dflt) && strcmp(v, "default") && strcmp(v, "unknown"))
		put_kv_str(o, xl, v);
}

/* A libxl_string_list as an xl list of strings. */
static void carry_list(struct out *o, struct keys *k, const char *json, const char *xl)
{
	const json_t *l = take(k, json);
	if (!json_array_size(l))
		return;
	size_t i;
	const json_t *v;
	put(o, "%s = [", xl);
	json_array_foreach(l, i, v)
	{
		put(o, "%s", i ? ", " : " ");
		if (!json_is_string(v) || put_str(o, json_string_value(v)))
			o->bad = true;
	}
	put(o, " ]\n");
}

/* c_info: who the domain is and where it may run. */
static void put_create(struct out *o, const json_t *c, const json_t *b)
{
	struct keys k;
	keys_init(&k, c, "c_info");
	take(&k, "type");
	take(&k, "name"); /* written by the caller */
	take(&k, "uuid");
	take(&k, "domid");               /* the new domain gets one */
	take(&k, "run_hotplug_scripts"); /* xl.conf's, applied again */
	/* FLASK: seclabel is the label the domain runs with; a domain that
	 * relabelled at exec (init_seclabel) keeps both */
	const char *label = take_str(&k, "ssid_label");
	const char *exec = json_string_value(json_object_get(b, "exec_ssid_label"));
	json_int_t ref = 0;
	if (take_int(&k, "ssidref", &ref) && ref != 0 && !label)
		refuse_key(o, "c_info", "ssidref");
	if (label && exec && exec[0]) {
		put_kv_str(o, "init_seclabel", label);
		put_kv_str(o, "seclabel", exec);
	} else if (label && label[0])
		put_kv_str(o, "seclabel", label);
	/* the cpupool, by name (ids are not stable) */
	const char *pool = take_str(&k, "pool_name");
	json_int_t poolid = 0;
	if (take_int(&k, "poolid", &poolid) && poolid != 0 && !(pool && pool[0]))
		refuse_key(o, "c_info", "poolid");
	if (pool && pool[0])
		put_kv_str(o, "pool", pool);
	carry_bool(o, &k, "hap", "hap");
	carry_bool(o, &k, "oos", "oos");
	carry_bool(o, &k, "driver_domain", "driver_domain");
	carry_bool(o, &k, "xend_suspend_evtchn_compat", "xend_suspend_evtchn_compat");
	carry_enum(o, &k, "passthrough", "passthrough", "default");
	/* xsdata, platformdata: xl's config has no key for them */
	keys_finish(&k, o);
}

static void put_sched(struct out *o, const json_t *sp)
{
	struct keys k;
	keys_init(&k, sp, "b_info.sched_params");
	take(&k, "sched"); /* the pool's scheduler */
	/* -1 is libxl's "default" for each; credit's cap 0 means no cap */
	json_int_t v;
	if (take_int(&k, "weight", &v) && v > 0)
		put(o, "cpu_weight = %lld\n", (long long)v);
	if (take_int(&k, "cap", &v) && v > 0)
		put(o, "cap = %lld\n", (long long)v);
	carry_int(o, &k, "period", "period", -1);
	carry_int(o, &k, "slice", "slice", -1);
	carry_int(o, &k, "latency", "latency", -1);
	carry_int(o, &k, "extratime", "extratime", -1);
	/* RTDS's budget has no config key (only `xl sched-rtds`): refused
	 * unless it is RTDS's default, 4000 us */
	if (take_int(&k, "budget", &v) && v != -1 && v != 4000)
		refuse_key(o, "b_info.sched_params", "budget");
	keys_finish(&k, o);
}

static bool nonempty_obj(const json_t *v)
{
	return json_is_object(v) && json_object_size(v);
}

static void put_type_pv(struct out *o, const json_t *pv, const json_t *b)
{
	struct keys k;
	keys_init(&k, pv, "b_info.type.pv");
	/* the old place of these (before b_info had them): written once */
	if (!json_object_get(b, "bootloader"))
		carry_str(o, &k, "bootloader", "bootloader");
	else
		take(&k, "bootloader");
	if (!json_object_get(b, "bootloader_args"))
		carry_list(o, &k, "bootloader_args", "bootloader_args");
	else
		take(&k, "bootloader_args");
	static const char *const same[] = {"kernel", "cmdline", "ramdisk"};
	for (size_t i = 0; i < XN_ARRAY_SIZE(same); i++) {
		const char *v = take_str(&k, same[i]);
		const char *top = json_string_value(json_object_get(b, same[i]));
		if (v && !top)
			put_kv_str(o, same[i], v);
		else if (v && strcmp(v, top))
			refuse_key(o, "b_info.type.pv", same[i]);
	}
	take(&k, "slack_memkb"); /* libxl's own reserve */
	carry_bool(o, &k, "e820_host", "e820_host");
	keys_finish(&k, o);
}

static void put_type_pvh(struct out *o, const json_t *pvh)
{
	struct keys k;
	keys_init(&k, pvh, "b_info.type.pvh");
	carry_bool(o, &k, "pvshim", "pvshim");
	carry_str(o, &k, "pvshim_path", "pvshim_path");
	carry_str(o, &k, "pvshim_cmdline", "pvshim_cmdline");
	carry_str(o, &k, "pvshim_extra", "pvshim_extra");
	keys_finish(&k, o);
}

static void put_arch(struct out *o, const json_t *x86, const json_t *arm)
{
	struct keys k;
	keys_init(&k, x86, "b_info.arch_x86");
	/* libxl's default is false; xl warns when it is given at all */
	if (take_defbool(&k, "msr_relaxed") == 1)
		put(o, "msr_relaxed = 1\n");
	keys_finish(&k, o);
	keys_init(&k, arm, "b_info.arch_arm");
	carry_enum(o, &k, "gic_version", "gic_version", "default");
	carry_enum(o, &k, "vuart", "vuart", "unknown");
	keys_finish(&k, o);
}

static const char *dm_version(const char *json)
{
	if (!json)
		return NULL;
	if (!strcmp(json, "qemu_xen"))
		return "qemu-xen";
	if (!strcmp(json, "qemu_xen_traditional"))
		return "qemu-xen-traditional";
	return NULL;
}

/* b_info keys libxl (or xl.conf) fills in again for the new domain, or the
 * move replaces (placement), or the checks handle (passthrough). */
static const char *const build_auto[] = {"avail_vcpus",
                                         "vcpu_hard_affinity",
                                         "vcpu_soft_affinity",
                                         "cpumap",
                                         "nodemap",
                                         "numa_placement",
                                         "claim_mode",
                                         "max_grant_version",
                                         "blkdev_start",
                                         "iommu_memkb",
                                         "type",
                                         "video_memkb",
                                         "iomem",
                                         "ioports",
                                         "irqs",
                                         "disable_migrate",
                                         "exec_ssid_label"};

static int put_build(struct out *o, const json_t *b, struct xn_move_dominfo *info, char *err,
                     size_t errlen)
{
	struct keys k;
	keys_init(&k, b, "b_info");
	for (size_t i = 0; i < XN_ARRAY_SIZE(build_auto); i++)
		take(&k, build_auto[i]);
	json_int_t v;
	if (!take_int(&k, "max_memkb", &v) || v <= 0)
		return xn_errf(err, errlen, -EINVAL, "b_info.max_memkb missing");
	info->max_memkb = (uint64_t)v;
	info->target_memkb = info->max_memkb;
	if (take_int(&k, "target_memkb", &v) && v > 0)
		info->target_memkb = (uint64_t)v;
	/* xl takes MiB: round up, never give the guest less than it has */
	put(o, "memory = %" PRIu64 "\n", (info->target_memkb + 1023) / 1024);
	put(o, "maxmem = %" PRIu64 "\n", (info->max_memkb + 1023) / 1024);
	json_int_t maxv = 1;
	take_int(&k, "max_vcpus", &maxv);
	size_t avail = json_array_size(json_object_get(b, "avail_vcpus"));
	put(o, "vcpus = %zu\n", avail ? avail : (size_t)maxv);
	put(o, "maxvcpus = %lld\n", (long long)maxv);
	static const char *const strs[] = {"kernel", "ramdisk", "cmdline"};
	for (size_t i = 0; i < XN_ARRAY_SIZE(strs); i++)
		carry_str(o, &k, strs[i], strs[i]);
	put_sched(o, take(&k, "sched_params"));
	carry_str(o, &k, "bootloader", "bootloader");
	carry_list(o, &k, "bootloader_args", "bootloader_args");
	const json_t *pv = take(&k, "type.pv");
	put_type_pv(o, pv, b);
	put_type_pvh(o, take(&k, "type.pvh"));
	if (nonempty_obj(take(&k, "type.hvm")))
		refuse_key(o, "b_info", "type.hvm");
	put_arch(o, take(&k, "arch_x86"), take(&k, "arch_arm"));
	/* the security label of the domain (see put_create) and its device
	 * model's */
	json_int_t ref = 0;
	if (take_int(&k, "exec_ssidref", &ref) && ref && !json_object_get(b, "exec_ssid_label"))
		refuse_key(o, "b_info", "exec_ssidref");
	if (take_int(&k, "device_model_ssidref", &ref) && ref &&
	    !json_object_get(b, "device_model_ssid_label"))
		refuse_key(o, "b_info", "device_model_ssidref");
	carry_str(o, &k, "device_model_ssid_label", "device_model_stubdomain_seclabel");
	/* xl.conf's defaults are 32 / 1024; a config's own value is kept */
	carry_int(o, &k, "max_grant_frames", "max_grant_frames", 4294967295LL);
	carry_int(o, &k, "max_maptrack_frames", "max_maptrack_frames", 4294967295LL);
	carry_int(o, &k, "event_channels", "max_event_channels", 0);
	carry_int(o, &k, "rtc_timeoffset", "rtc_timeoffset", 0);
	carry_int(o, &k, "vmtrace_buf_kb", "vmtrace_buf_kb", 0);
	if (take_int(&k, "shadow_memkb", &v) && v > 0 && v != -1)
		put(o, "shadow_memory = %lld\n", (long long)((v + 1023) / 1024));
	if (take_int(&k, "stubdomain_memkb", &v) && v > 0 && v != -1)
		put(o, "stubdomain_memory = %lld\n", (long long)((v + 1023) / 1024));
	carry_enum(o, &k, "tsc_mode", "tsc_mode", "default");
	carry_enum(o, &k, "timer_mode", "timer_mode", "default");
	carry_enum(o, &k, "tee", "tee", "none");
	carry_enum(o, &k, "altp2m", "altp2m", "disabled");
	const char *dmv = dm_version(take_str(&k, "device_model_version"));
	if (dmv)
		put(o, "device_model_version = \"%s\"\n", dmv);
	carry_bool(o, &k, "device_model_stubdomain", "device_model_stubdomain_override");
	carry_str(o, &k, "device_model", "device_model_override");
	carry_str(o, &k, "device_model_user", "device_model_user");
	carry_str(o, &k, "stubdomain_kernel", "stubdomain_kernel");
	carry_str(o, &k, "stubdomain_ramdisk", "stubdomain_ramdisk");
	carry_list(o, &k, "extra", "device_model_args");
	carry_list(o, &k, "extra_pv", "device_model_args_pv");
	carry_list(o, &k, "extra_hvm", "device_model_args_hvm");
	carry_str(o, &k, "device_tree", "device_tree");
	carry_bool(o, &k, "localtime", "localtime");
	carry_bool(o, &k, "acpi", "acpi");
	carry_bool(o, &k, "nested_hvm", "nestedhvm");
	carry_bool(o, &k, "dm_restrict", "dm_restrict");
	/* libxl's own defaults for a PV / PVH guest; xl 4.17 cannot set them */
	if (take_defbool(&k, "vpmu") == 1)
		refuse_key(o, "b_info", "vpmu");
	take(&k, "apic");
	info->no_migrate = take_defbool(&k, "disable_migrate") == 1 ||
	                   json_is_true(json_object_get(b, "disable_migrate"));
	/* cpuid, vnuma_nodes, stubdomain_cmdline ...: refused by name */
	keys_finish(&k, o);
	return 0;
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

static int put_placement(struct out *o, const json_t *b, const xn_nodemask *nodes, bool hard,
                         char *err, size_t errlen)
{
	char map[256];
	if (xn_move_nodes_cpumap(nodes, map, sizeof(map)))
		return xn_errf(err, errlen, -EINVAL, "no target nodes");
	/* Soft affinity on the targets: libxl then skips its own placement and
	 * Xen derives node affinity from the vCPUs before any page is
	 * allocated. A hard affinity elsewhere would win over it (Xen uses hard
	 * when soft and hard do not meet), so one that existed is moved too:
	 * one in the config, or one set live (`xl vcpu-pin`, which libxl does
	 * not write back into the config: the new domain would lose it). */
	put(o, "cpus_soft = \"%s\"\n", map);
	if (hard || json_array_size(json_object_get(b, "vcpu_hard_affinity")) ||
	    json_array_size(json_object_get(b, "cpumap")))
		put(o, "cpus = \"%s\"\n", map);
	return 0;
}

/* Device kinds a guest may not take along (passthrough), and the top-level
 * keys handled here; any other device array is one we cannot describe. */
static const char *const passthrough_keys[] = {"pcidevs", "dtdevs", "usbdevs"};

static bool in_list(const char *const *list, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], key))
			return true;
	return false;
}

static void scan_devices(const json_t *cfg, const json_t *b, struct xn_move_dominfo *info)
{
	static const char *const handled[] = {"c_info",      "b_info",      "disks",
	                                      "nics",        "on_poweroff", "on_reboot",
	                                      "on_watchdog", "on_crash",    "on_soft_reset"};
	const char *key;
	const json_t *v;
	json_object_foreach((json_t *)cfg, key, v)
	{
		if (in_list(handled, XN_ARRAY_SIZE(handled), key))
			continue;
		bool empty = !v || json_is_null(v) || (json_is_array(v) && !json_array_size(v)) ||
		             (json_is_object(v) && !json_object_size(v));
		if (empty)
			continue;
		if (in_list(passthrough_keys, XN_ARRAY_SIZE(passthrough_keys), key))
			note(info->passthrough, sizeof(info->passthrough), key);
		else
			note(info->unsupported, sizeof(info->unsupported), key);
	}
	static const char *const pt_b[] = {"iomem", "ioports", "irqs"};
	for (size_t i = 0; i < XN_ARRAY_SIZE(pt_b); i++)
		if (json_array_size(json_object_get(b, pt_b[i])))
			note(info->passthrough, sizeof(info->passthrough), pt_b[i]);
}

int xn_move_config_write(const char *json, const xn_nodemask *nodes, bool hard, char *out,
                         size_t len, struct xn_move_dominfo *info, char *err, size_t errlen)
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
	const char *name = json_string_value(json_object_get(c, "name"));
	const char *type = json_string_value(json_object_get(c, "type"));
	if (!name || !name[0] || !type || !json_is_object(b)) {
		r = xn_errf(err, errlen, -EINVAL, "c_info.name, c_info.type or b_info missing");
		goto done;
	}
	xn_strlcpy(info->name, name, sizeof(info->name));
	xn_strlcpy(info->type, type, sizeof(info->type));
	scan_devices(cfg, b, info);
	struct out o = {.buf = out,
	                .len = len,
	                .refused = info->dropped,
	                .refused_len = sizeof(info->dropped)};
	out[0] = '\0';
	put(&o, "# written by xentop-numa --move-memory from `xl list -l`\n");
	if (strspn(type, "abcdefghijklmnopqrstuvwxyz") != strlen(type)) {
		r = xn_errf(err, errlen, -EOPNOTSUPP, "c_info.type is not a type");
		goto done;
	}
	put(&o, "type = \"%s\"\n", type);
	put(&o, "name = ");
	if (put_str(&o, name)) {
		r = xn_errf(err, errlen, -EOPNOTSUPP, "the name has control characters");
		goto done;
	}
	put(&o, "\n");
	const char *uuid = json_string_value(json_object_get(c, "uuid"));
	/* the same uuid: the receiving side is this domain, not a clone */
	if (uuid && strspn(uuid, "0123456789abcdefABCDEF-") == strlen(uuid))
		put(&o, "uuid = \"%s\"\n", uuid);
	put_create(&o, c, b);
	if ((r = put_build(&o, b, info, err, errlen)) ||
	    (r = put_placement(&o, b, nodes, hard, err, errlen)))
		goto done;
	static const char *const actions[] = {"on_poweroff", "on_reboot", "on_watchdog", "on_crash",
	                                      "on_soft_reset"};
	for (size_t i = 0; i < XN_ARRAY_SIZE(actions); i++) {
		const json_t *a = json_object_get(cfg, actions[i]);
		const char *an = action_name(json_string_value(a));
		if (an)
			put(&o, "%s = \"%s\"\n", actions[i], an);
		else if (a)
			note(info->dropped, sizeof(info->dropped), actions[i]);
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
	if (o.bad) {
		r = xn_errf(err, errlen, -EOPNOTSUPP,
		            "a value holds control characters, which xl's config cannot hold");
		goto done;
	}
	if (info->dropped[0]) {
		r = xn_errf(err, errlen, -EOPNOTSUPP,
		            "its configuration has settings xl's config format cannot carry over "
		            "(%s)",
		            info->dropped);
		goto done;
	}
	r = o.full ? xn_errf(err, errlen, -ENOSPC, "the config is too long") : 0;
done:
	json_decref(root);
	return r;
}
