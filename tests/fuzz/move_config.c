/* fuzz the memory move's config writer (move_config.c): libxl's JSON of a
 * domain, as `xl list -l` prints it, rewritten in xl's config format. When
 * it is written, it is parsed back by libxlutil, the parser xl itself uses
 * (when the Xen headers were there at build time): it must parse, every
 * string setting must read back exactly as the JSON had it, no setting may
 * appear that the JSON did not hold (no injection through a value), every
 * disk spec must parse to the same target and vdev, and every vif's values
 * and rate must read back the same. */
#include <errno.h>
#include <jansson.h>

#include "fuzz.h"
#include "move.h"

#ifdef HAVE_XEN
#include <libxl.h>
#include <libxlutil.h>

static const json_t *cfg_of(const json_t *root)
{
	const json_t *dom = json_is_array(root) ? json_array_get(root, 0) : root;
	return json_object_get(dom, "config");
}

static const char *jpath(const json_t *cfg, const char *a, const char *b)
{
	const json_t *v = json_object_get(json_object_get(cfg, a), b);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* A string setting and where it comes from; the first source present. */
static const struct {
	const char *xl, *a1, *b1, *a2, *b2;
} strs[] = {
        {"name", "c_info", "name", NULL, NULL},
        {"kernel", "b_info", "kernel", NULL, NULL},
        {"ramdisk", "b_info", "ramdisk", NULL, NULL},
        {"cmdline", "b_info", "cmdline", NULL, NULL},
        {"bootloader", "b_info", "bootloader", NULL, NULL},
        {"pool", "c_info", "pool_name", NULL, NULL},
        {"device_model_override", "b_info", "device_model", NULL, NULL},
        {"device_model_user", "b_info", "device_model_user", NULL, NULL},
        {"device_tree", "b_info", "device_tree", NULL, NULL},
        {"stubdomain_kernel", "b_info", "stubdomain_kernel", NULL, NULL},
        {"stubdomain_ramdisk", "b_info", "stubdomain_ramdisk", NULL, NULL},
};

/* Settings that must be absent when the JSON has nothing for them. */
static const char *const sources[][3] = {
        {"bootloader", "bootloader", "type.pv"},
        {"pool", "pool_name", "c_info"},
        {"seclabel", "ssid_label", "c_info"},
        {"init_seclabel", "exec_ssid_label", "b_info"},
        {"device_model_override", "device_model", "b_info"},
        {"stubdomain_kernel", "stubdomain_kernel", "b_info"},
        {"bootloader_args", "bootloader_args", "type.pv"},
};

static void check_disks(XLU_Config *x, const json_t *disks)
{
	XLU_ConfigList *l = NULL;
	int n = 0;
	if (xlu_cfg_get_list(x, "disk", &l, &n, 1)) {
		XN_FUZZ_ASSERT(json_array_size(disks) == 0, "disks written");
		return;
	}
	XN_FUZZ_ASSERT((size_t)n == json_array_size(disks), "one spec per disk");
	for (int i = 0; i < n; i++) {
		const char *spec = xlu_cfg_get_listitem(l, i);
		libxl_device_disk d;
		libxl_device_disk_init(&d);
		XN_FUZZ_ASSERT(xlu_disk_parse(x, 1, &spec, &d) == 0, "disk spec parses");
		const json_t *jd = json_array_get(disks, (size_t)i);
		const char *t = json_string_value(json_object_get(jd, "pdev_path"));
		const char *v = json_string_value(json_object_get(jd, "vdev"));
		XN_FUZZ_ASSERT(v && d.vdev && !strcmp(v, d.vdev), "disk vdev read back");
		XN_FUZZ_ASSERT((!t && !d.pdev_path) ||
		                       (t && d.pdev_path && !strcmp(t, d.pdev_path)) ||
		                       (t && !t[0] && !d.pdev_path),
		               "disk target read back");
		libxl_device_disk_dispose(&d);
	}
}

static void check_nics(XLU_Config *x, const json_t *nics)
{
	static const char *const keys[][2] = {{"mac", "mac"},       {"bridge", "bridge"},
	                                      {"script", "script"}, {"ip", "ip"},
	                                      {"model", "model"},   {"gatewaydev", "gatewaydev"}};
	XLU_ConfigList *l = NULL;
	int n = 0;
	if (xlu_cfg_get_list(x, "vif", &l, &n, 1)) {
		XN_FUZZ_ASSERT(json_array_size(nics) == 0, "vifs written");
		return;
	}
	XN_FUZZ_ASSERT((size_t)n == json_array_size(nics), "one spec per vif");
	for (int i = 0; i < n; i++) {
		char *spec = strdup(xlu_cfg_get_listitem(l, i));
		const json_t *jn = json_array_get(nics, (size_t)i);
		int seen = 0;
		for (char *save = NULL, *tok = strtok_r(spec, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			char *eq = strchr(tok, '=');
			XN_FUZZ_ASSERT(eq != NULL, "vif item is key=value");
			*eq = '\0';
			for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
				if (!strcmp(tok, keys[k][0])) {
					const char *want =
					        json_string_value(json_object_get(jn, keys[k][1]));
					XN_FUZZ_ASSERT(want && !strcmp(want, eq + 1),
					               "vif value read back");
					seen++;
				}
			if (!strcmp(tok, "rate")) {
				libxl_device_nic nic;
				libxl_device_nic_init(&nic);
				XN_FUZZ_ASSERT(xlu_vif_parse_rate(x, eq + 1, &nic) == 0,
				               "rate parses");
				json_int_t b = json_integer_value(
				        json_object_get(jn, "rate_bytes_per_interval"));
				json_int_t us = json_integer_value(
				        json_object_get(jn, "rate_interval_usecs"));
				XN_FUZZ_ASSERT(nic.rate_bytes_per_interval == (uint64_t)b &&
				                       nic.rate_interval_usecs == (uint32_t)us,
				               "rate read back");
				libxl_device_nic_dispose(&nic);
			}
		}
		free(spec);
		(void)seen;
	}
}

static void parse_back(const char *json, const char *text)
{
	static FILE *null;
	if (!null)
		null = fopen("/dev/null", "w");
	json_t *root = json_loads(json, 0, NULL);
	XN_FUZZ_ASSERT(root != NULL, "written from JSON that parses");
	const json_t *cfg = cfg_of(root);
	XLU_Config *x = xlu_cfg_init(null ? null : stderr, "move");
	XN_FUZZ_ASSERT(x != NULL, "xlu_cfg_init");
	XN_FUZZ_ASSERT(xlu_cfg_readdata(x, text, (int)strlen(text)) == 0, "libxlutil parses it");
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		const char *want = jpath(cfg, strs[i].a1, strs[i].b1);
		const char *got = NULL;
		int r = xlu_cfg_get_string(x, strs[i].xl, &got, 1);
		if (want && want[0])
			XN_FUZZ_ASSERT(r == 0 && !strcmp(want, got), "string read back");
		else if (strcmp(strs[i].xl, "bootloader") && strcmp(strs[i].xl, "kernel") &&
		         strcmp(strs[i].xl, "ramdisk") && strcmp(strs[i].xl, "cmdline"))
			XN_FUZZ_ASSERT(r == ESRCH, "no setting the JSON did not hold");
	}
	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
		const json_t *b = json_object_get(cfg, "b_info");
		bool have = json_object_get(json_object_get(cfg, sources[i][2]), sources[i][1]) ||
		            json_object_get(b, sources[i][1]) ||
		            json_object_get(json_object_get(b, sources[i][2]), sources[i][1]);
		const char *got = NULL;
		if (!have)
			XN_FUZZ_ASSERT(xlu_cfg_get_string(x, sources[i][0], &got, 1) == ESRCH,
			               "no setting without a source");
	}
	check_disks(x, json_object_get(cfg, "disks"));
	check_nics(x, json_object_get(cfg, "nics"));
	xlu_cfg_destroy(x);
	json_decref(root);
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = xn_fuzz_str(data, size);
	static char out[16384];
	char err[256];
	struct xn_move_dominfo info;
	xn_nodemask nodes = {{0}};
	XN_NM_SET(&nodes, 1);
	int r = xn_move_config_write(s, &nodes, false, out, sizeof(out), &info, err, sizeof(err));
	XN_FUZZ_ASSERT(r == 0 || r == -EINVAL || r == -ENOSPC || r == -EOPNOTSUPP, "result code");
	XN_FUZZ_ASSERT(memchr(err, '\0', sizeof(err)) != NULL, "error terminated");
	XN_FUZZ_ASSERT(memchr(info.dropped, '\0', sizeof(info.dropped)) != NULL, "list terminated");
	if (r == 0) {
		XN_FUZZ_ASSERT(strstr(out, "cpus_soft = \"node:1\"\n") != NULL,
		               "placement written");
#ifdef HAVE_XEN
		parse_back(s, out);
#endif
	}
	free(s);
	return 0;
}
