/* test_xen_config.c - what a domain's stored configuration sets
 * (src/xen/xen_config.c): the lab's real `xl list -l` of a guest made with
 * cpus_soft="node:0" (tests/fixtures/xl-migrate-list-l.json) reads as
 * cpus_soft only; the userdata file form (the configuration at the top),
 * one without any affinity, and text that is not a configuration. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

#ifndef HAVE_XEN
int main(void)
{
	printf("built without Xen development files\n");
	return 77;
}
#else
#include "xen/xen_priv.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *b = malloc(1 << 16);
	*len = b ? fread(b, 1, (1 << 16) - 1, f) : 0;
	fclose(f);
	return b;
}

/* `xl list -l` prints an array of {"domid", "config"}: one element */
static unsigned first_config(const char *text, size_t len, int *r)
{
	const char *o = memchr(text, '{', len);
	const char *e = text + len;
	while (e > text && e[-1] != '}')
		e--;
	unsigned bits = 99;
	*r = o && e > o ? xen_config_affinity_parse(o, (size_t)(e - o), &bits) : -EINVAL;
	return bits;
}

int main(void)
{
	const char *root = getenv("XN_ROOT");
	char path[512];
	snprintf(path, sizeof(path), "%s/tests/fixtures/xl-migrate-list-l.json", root ? root : ".");
	size_t len = 0;
	char *text = slurp(path, &len);
	CHECK(text != NULL);
	int r = -1;
	unsigned bits = text ? first_config(text, len, &r) : 99;
	CHECK(r == 0);
	CHECK(bits == XN_CFG_CPUS_SOFT);
	free(text);

	const char *all = "{\"c_info\":{},\"b_info\":{\"vcpu_hard_affinity\":[[0,1]],"
	                  "\"vcpu_soft_affinity\":[[2]],\"nodemap\":[1]}}";
	CHECK(xen_config_affinity_parse(all, strlen(all), &bits) == 0);
	CHECK(bits == (XN_CFG_CPUS | XN_CFG_CPUS_SOFT | XN_CFG_NODES));
	/* libxl placed it itself: nothing in the configuration */
	const char *none = "{\"c_info\":{},\"b_info\":{\"max_vcpus\":2,\"numa_placement\":\"True\","
	                   "\"vcpu_soft_affinity\":[]}}";
	CHECK(xen_config_affinity_parse(none, strlen(none), &bits) == 0);
	CHECK(bits == 0);
	const char *bad[] = {"", "[1,2]", "{\"c_info\":{}}", "{\"b_info\":[]}", "{\"b_info\":{"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(xen_config_affinity_parse(bad[i], strlen(bad[i]), &bits) == -EINVAL);

	/* the file libxl writes, by id and UUID */
	char dir[] = "/tmp/xn-cfg-XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	const uint8_t uuid[16] = {0x3f, 0x2b, 0x5c, 0x1e, 0x09, 0xd4, 0x4b, 0x7a,
	                          0x9e, 0x61, 0x5a, 0x0c, 0x2d, 0x8f, 0x7e, 0x10};
	CHECK(xen_config_affinity_read(dir, 7, uuid, &bits) == -ENOENT);
	snprintf(path, sizeof(path),
	         "%s/userdata-d.7.3f2b5c1e-09d4-4b7a-9e61-5a0c2d8f7e10.libxl-json", dir);
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		/* as libxl writes it: the text and its NUL (strlen + 1) */
		fwrite(all, 1, strlen(all) + 1, f);
		fclose(f);
	}
	bits = 0;
	CHECK(xen_config_affinity_read(dir, 7, uuid, &bits) == 0);
	CHECK(bits == (XN_CFG_CPUS | XN_CFG_CPUS_SOFT | XN_CFG_NODES));
	CHECK(xen_config_affinity_read(dir, 8, uuid, &bits) == -ENOENT); /* another id */
	unlink(path);
	rmdir(dir);
	return check_report("xen_config");
}
#endif
