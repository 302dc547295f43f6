/* move_devices.c - a domain's disks and network interfaces from libxl's
 * JSON back into xl's disk and vif specs (see move_config.c). Every key of
 * each device is written, recreated by libxl, or refused by name: a rate
 * limit or an MTU must not vanish in a move. Values with xl's separators or
 * control bytes cannot be written (xl would split them, or reject the whole
 * file after the guest was stopped). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "move_config_priv.h"
#include "util.h"

/* One "key=value" of a disk or vif spec. */
static void spec_item(struct out *o, bool *first, const char *key, const char *val)
{
	/* xl splits specs on ',' and '=', and the list item is in quotes */
	if (strpbrk(val, ",='\"\\") || has_control(val)) {
		o->bad = true;
		return;
	}
	put(o, "%s%s=%s", *first ? "" : ",", key, val);
	*first = false;
}

static void spec_word(struct out *o, bool *first, const char *word)
{
	put(o, "%s%s", *first ? "" : ",", word);
	*first = false;
}

/* libxl's enum names xl's disk syntax takes as they are; any other name
 * (a newer libxl's, or garbage) cannot be written. */
static bool one_of(const char *v, const char *const *names)
{
	for (; *names; names++)
		if (!strcmp(v, *names))
			return true;
	return false;
}

static const char *const formats[] = {"raw", "qcow", "qcow2", "vhd", "qed", "empty", NULL};
static const char *const backends[] = {"phy", "tap", "qdisk", "standalone", NULL};

static const char *disk_backend(const char *b)
{
	if (!b || !strcmp(b, "unknown"))
		return NULL;
	return b;
}

static int put_disk(struct out *o, const json_t *dk, size_t i, char *err, size_t errlen)
{
	char where[32];
	snprintf(where, sizeof(where), "disks[%zu]", i);
	struct keys k;
	keys_init(&k, dk, where);
	json_int_t be = 0, rw = 0, cd = 0, rm = 0;
	const char *vdev = take_str(&k, "vdev");
	if (take_int(&k, "backend_domid", &be) && be != 0)
		return xn_errf(err, errlen, -EOPNOTSUPP,
		               "disk %s has its backend in domain %lld (a driver domain)",
		               vdev ? vdev : "?", (long long)be);
	const char *bdn = take_str(&k, "backend_domname");
	if (bdn && bdn[0] && strcmp(bdn, "Domain-0"))
		return xn_errf(err, errlen, -EOPNOTSUPP, "disk %s has its backend in %.40s",
		               vdev ? vdev : "?", bdn);
	if (!vdev)
		return xn_errf(err, errlen, -EOPNOTSUPP, "a disk has no vdev");
	take_int(&k, "readwrite", &rw);
	take_int(&k, "is_cdrom", &cd);
	/* xl makes a CD-ROM removable itself (devtype=cdrom) */
	if (take_int(&k, "removable", &rm) && rm && !cd)
		refuse_key(o, where, "removable");
	put(o, "%s'", i ? ", " : " ");
	bool first = true;
	const char *fmt = take_str(&k, "format"), *backend = disk_backend(take_str(&k, "backend"));
	const char *script = take_str(&k, "script"), *target = take_str(&k, "pdev_path");
	if (fmt && strcmp(fmt, "unknown")) {
		if (!one_of(fmt, formats))
			o->bad = true;
		spec_item(o, &first, "format", fmt);
	}
	spec_item(o, &first, "vdev", vdev);
	spec_item(o, &first, "access", rw ? "rw" : "ro");
	if (cd)
		spec_item(o, &first, "devtype", "cdrom");
	if (backend) {
		if (!one_of(backend, backends))
			o->bad = true;
		spec_item(o, &first, "backendtype", backend);
	}
	if (script)
		spec_item(o, &first, "script", script);
	const json_t *dio = take(&k, "direct_io_safe");
	if (json_is_true(dio))
		spec_word(o, &first, "direct-io-safe");
	int d = take_defbool(&k, "discard_enable");
	if (d >= 0)
		spec_word(o, &first, d ? "discard" : "no-discard");
	/* trusted is libxl's default; 4.17's disk syntax has no word for it
	 * (a bare "trusted" would be taken as the target: libxlutil said so) */
	if (take_defbool(&k, "trusted") == 0)
		refuse_key(o, where, "trusted");
	const char *spec = take_str(&k, "specification");
	if (spec && strcmp(spec, "unknown") && strcmp(spec, "xen")) {
		if (strcmp(spec, "virtio"))
			o->bad = true;
		spec_item(o, &first, "specification", spec);
	}
	/* "transport=" is not in 4.17's disk syntax either */
	const char *tr = take_str(&k, "transport");
	if (tr && strcmp(tr, "unknown"))
		refuse_key(o, where, "transport");
	/* COLO replication: not something a move can set up again */
	if (take_defbool(&k, "colo_enable") == 1)
		refuse_key(o, where, "colo_enable");
	if (take_defbool(&k, "colo_restore_enable") == 1)
		refuse_key(o, where, "colo_restore_enable");
	/* a virtio disk's MMIO slot: libxl allocates it again */
	take(&k, "irq");
	take(&k, "base");
	/* target= last: xl takes the rest of the spec as the path */
	if (target && (strpbrk(target, "'\"\\") || has_control(target)))
		o->bad = true;
	else if (target)
		put(o, "%starget=%s", first ? "" : ",", target);
	if (o->bad)
		return xn_errf(err, errlen, -EOPNOTSUPP,
		               "disk %.40s: a value xl's disk syntax cannot hold", vdev);
	put(o, "'");
	keys_finish(&k, o);
	return 0;
}

int put_disks(struct out *o, const json_t *disks, char *err, size_t errlen)
{
	size_t i;
	const json_t *dk;
	if (!json_array_size(disks))
		return 0;
	put(o, "disk = [");
	json_array_foreach(disks, i, dk)
	{
		int r = put_disk(o, dk, i, err, errlen);
		if (r)
			return r;
	}
	put(o, " ]\n");
	return 0;
}

/* rate=: libxl keeps bytes per interval; xl takes bytes per second and an
 * interval (xlu_vif_parse_rate: per-interval = per-second * us / 10^6,
 * rounded down). Written only when that gives back the same figure. */
static void put_rate(struct out *o, bool *first, uint64_t bytes, uint64_t us, const char *where)
{
	if (!bytes)
		return;
	if (!us || us > UINT32_MAX || bytes > UINT64_MAX / 1000000u) {
		refuse_key(o, where, "rate_bytes_per_interval");
		return;
	}
	uint64_t bps = (bytes * 1000000u + us - 1) / us;
	if (bps == 0 || bps > UINT32_MAX || bps > UINT64_MAX / us || bps * us / 1000000u != bytes) {
		refuse_key(o, where, "rate_bytes_per_interval");
		return;
	}
	char v[64];
	snprintf(v, sizeof(v), "%" PRIu64 "B/s@%" PRIu64 "us", bps, us);
	spec_item(o, first, "rate", v);
}

static int put_nic(struct out *o, const json_t *nic, size_t i, char *err, size_t errlen)
{
	static const struct {
		const char *json, *xl;
	} strs[] = {{"mac", "mac"},      {"bridge", "bridge"},        {"script", "script"},
	            {"ip", "ip"},        {"model", "model"},          {"ifname", "vifname"},
	            {"nictype", "type"}, {"gatewaydev", "gatewaydev"}};
	char where[32];
	snprintf(where, sizeof(where), "nics[%zu]", i);
	struct keys k;
	keys_init(&k, nic, where);
	json_int_t be = 0, v = 0, rate_us = 0, rate_b = 0;
	if (take_int(&k, "backend_domid", &be) && be != 0)
		return xn_errf(err, errlen, -EOPNOTSUPP,
		               "network interface %zu has its backend in domain %lld", i,
		               (long long)be);
	const char *bdn = take_str(&k, "backend_domname");
	if (bdn && bdn[0] && strcmp(bdn, "Domain-0"))
		return xn_errf(err, errlen, -EOPNOTSUPP,
		               "network interface %zu has its backend in %.40s", i, bdn);
	put(o, "%s'", i ? ", " : " ");
	bool first = true;
	for (size_t s = 0; s < XN_ARRAY_SIZE(strs); s++) {
		const char *val = take_str(&k, strs[s].json);
		if (val && !strcmp(strs[s].json, "nictype"))
			val = !strcmp(val, "vif_ioemu") ? "ioemu"
			      : !strcmp(val, "vif")     ? "vif"
			                                : val;
		/* the receiving side names the backend afresh (vifDOMID.N) */
		if (val && !strcmp(strs[s].json, "ifname") && !strncmp(val, "vif", 3))
			continue;
		if (val)
			spec_item(o, &first, strs[s].xl, val);
	}
	char num[32];
	if (take_int(&k, "devid", &v) && v >= 0) {
		snprintf(num, sizeof(num), "%lld", (long long)v);
		spec_item(o, &first, "devid", num);
	}
	if (take_int(&k, "mtu", &v) && v > 0) {
		snprintf(num, sizeof(num), "%lld", (long long)v);
		spec_item(o, &first, "mtu", num);
	}
	take_int(&k, "rate_bytes_per_interval", &rate_b);
	take_int(&k, "rate_interval_usecs", &rate_us);
	if (rate_b < 0 || rate_us < 0)
		refuse_key(o, where, "rate_bytes_per_interval");
	else
		put_rate(o, &first, (uint64_t)rate_b, (uint64_t)rate_us, where);
	/* trusted is libxl's default (setdefault); xl's vif syntax has no
	 * word for an untrusted backend */
	if (take_defbool(&k, "trusted") == 0)
		refuse_key(o, where, "trusted");
	if (o->bad)
		return xn_errf(err, errlen, -EOPNOTSUPP,
		               "network interface %zu: a value xl's vif syntax cannot hold", i);
	put(o, "'");
	keys_finish(&k, o);
	return 0;
}

int put_nics(struct out *o, const json_t *nics, char *err, size_t errlen)
{
	size_t i;
	const json_t *nic;
	if (!json_array_size(nics))
		return 0;
	put(o, "vif = [");
	json_array_foreach(nics, i, nic)
	{
		int r = put_nic(o, nic, i, err, errlen);
		if (r)
			return r;
	}
	put(o, " ]\n");
	return 0;
}
