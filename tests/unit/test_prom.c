/* test_prom.c - the Prometheus writer: label values escaped exactly as the
 * formats require (quotes, backslashes, newlines; invalid UTF-8, controls
 * and bidi characters as U+FFFD), families named per format (_total and
 * _info in OpenMetrics), "# EOF" last, unknown values absent. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "prom.h"
#include "snapshot.h"

static char *escaped(const char *raw)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	xn_prom_put_label_value(f, raw);
	fclose(f);
	return buf;
}

#define FFFD "\xef\xbf\xbd"

static const struct {
	const char *raw, *want;
} cases[] = {
        {"plain", "plain"},
        {"", ""},
        {"quo\"te", "quo\\\"te"},
        {"back\\slash", "back\\\\slash"},
        {"new\nline", "new\\nline"},
        {"\\n", "\\\\n"},
        {"\"\\\n", "\\\"\\\\\\n"},
        {"tab\tcr\r", "tab" FFFD "cr" FFFD},
        {"\x1b[31mred", FFFD "[31mred"},
        {"del\x7f", "del" FFFD},
        {"bad\xff\xfe", "bad" FFFD FFFD},
        {"half\xe2\x82", "half" FFFD FFFD},
        {"over\xc0\xaf", "over" FFFD FFFD},
        {"surr\xed\xa0\x80", "surr" FFFD FFFD FFFD},
        {"csi\xc2\x9b", "csi" FFFD},
        {"rlo\xe2\x80\xae", "rlo" FFFD},
        {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"},
        {"\xe5\x90\x8d", "\xe5\x90\x8d"},
};

static void test_escape(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = escaped(cases[i].raw);
		CHECK_STR(got, cases[i].want);
		free(got);
	}
	char *got = escaped(NULL);
	CHECK_STR(got, "");
	free(got);
}

static void make_snap(struct xn_snapshot *s)
{
	memset(s, 0, sizeof(*s));
	strcpy(s->source, "replay");
	s->host.page_size = 4096;
	s->host.valid = XN_HOST_DISTANCE;
	xn_host_alloc_nodes(&s->host, 2);
	for (int i = 0; i < 2; i++) {
		s->host.nodes[i].id = i * 3;
		s->host.nodes[i].mem_total = 1000 + (uint64_t)i;
		s->host.nodes[i].valid = XN_NODE_TOTAL; /* free unknown */
	}
	s->host.distance[0] = 10;
	s->host.distance[1] = 21;
	s->host.distance[2] = 21;
	s->host.distance[3] = 10;
	struct xn_zone *z = xn_host_add_zone(&s->host);
	z->node_idx = 1;
	strcpy(z->name, "Normal");
	z->free_pages = 2;
	z->valid = XN_ZONE_FREE;
	struct xn_domain *d = xn_snapshot_add_domain(s);
	d->id = 7;
	xn_domain_set_name(d, "a\"b\\c\nd\xff");
	d->node_pages[0] = 1;
	d->node_pages[1] = 3;
	d->pages_method = XN_PAGES_NUMA_MAPS;
	d->pages_age_ms = 1500;
	d->cpu_ns = 2500000000ull;
	d->vcpus = 3;
	xn_domain_alloc_vcpu_node(d);
	d->vcpu_node[0] = 3;
	d->vcpu_node[1] = 3;
	d->locality = 75;
	XN_NM_SET(&d->node_affinity, 3);
	d->pages_outside = 1;
	d->advice.action = XN_ADVICE_MEMORY;
	XN_NM_SET(&d->advice.nodes, 3);
	d->advice.local_expected = 100;
	d->advice.pages_to_move = 1;
	d->advice.step = 2; /* the second step of the host's plan: its label */
	d->valid = XN_DOM_PAGES | XN_DOM_CPU_NS | XN_DOM_VCPUS | XN_DOM_VCPU_NODE |
	           XN_DOM_LOCALITY | XN_DOM_AFFINITY | XN_DOM_OUTSIDE | XN_DOM_ADVICE;
	/* a second domain that knows nothing: no sample of its own anywhere */
	d = xn_snapshot_add_domain(s);
	d->id = 8;
	xn_domain_set_name(d, "unknown");
}

static char *render(const struct xn_snapshot *s, enum xn_prom_format fmt)
{
	char *buf;
	size_t len;
	struct xn_prom_meta m = {.sample_seconds = 0.25};
	if (xn_prom_render(s, &m, fmt, &buf, &len))
		return NULL;
	CHECK_EQ_U64(len, strlen(buf));
	return buf;
}

/* True when text holds line as one whole line. */
static int has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	for (const char *p = text; (p = strstr(p, line)); p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return 1;
	return 0;
}

#define NAME "name=\"a\\\"b\\\\c\\nd" FFFD "\""

static const char *const common[] = {
        "xentop_numa_node_memory_total_bytes{node=\"0\"} 1000",
        "xentop_numa_node_memory_total_bytes{node=\"3\"} 1001",
        "xentop_numa_node_zone_free_bytes{node=\"3\",zone=\"Normal\"} 8192",
        "xentop_numa_node_distance{node=\"0\",to=\"3\"} 21",
        "xentop_numa_node_distance{node=\"3\",to=\"3\"} 10",
        "xentop_numa_domain_memory_bytes{domid=\"7\"," NAME ",node=\"0\"} 4096",
        "xentop_numa_domain_memory_bytes{domid=\"7\"," NAME ",node=\"3\"} 12288",
        "xentop_numa_domain_vcpus{domid=\"7\"," NAME ",node=\"0\"} 0",
        "xentop_numa_domain_vcpus{domid=\"7\"," NAME ",node=\"3\"} 2",
        "xentop_numa_domain_local_ratio{domid=\"7\"," NAME "} 0.75",
        "xentop_numa_domain_outside_affinity_bytes{domid=\"7\"," NAME "} 4096",
        "xentop_numa_domain_cpu_seconds_total{domid=\"7\"," NAME "} 2.5",
        "xentop_numa_domain_node_affinity_info{domid=\"7\"," NAME ",nodes=\"3\",auto=\"false\"} 1",
        "xentop_numa_domain_advice_info{domid=\"7\"," NAME
        ",action=\"memory\",target=\"3\",step=\"2\"} 1",
        "xentop_numa_domain_advice_expected_local_ratio{domid=\"7\"," NAME "} 1",
        "xentop_numa_domain_advice_move_bytes{domid=\"7\"," NAME "} 4096",
        "xentop_numa_pages_age_seconds{domid=\"7\"," NAME "} 1.5",
        "xentop_numa_sample_duration_seconds 0.250000",
        "xentop_numa_build_info{version=\"" XN_VERSION
        "\",source=\"replay\",pages_method=\"numa_maps\"} 1",
};

static void test_text(const struct xn_snapshot *s)
{
	char *t = render(s, XN_PROM_TEXT);
	CHECK(t != NULL);
	if (!t)
		return;
	for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		if (!has_line(t, common[i])) {
			CHECK(!"line missing from the text format");
			fprintf(stderr, "  missing: %s\n", common[i]);
		}
	CHECK(has_line(t, "# TYPE xentop_numa_domain_cpu_seconds_total counter"));
	CHECK(has_line(t, "# TYPE xentop_numa_build_info gauge"));
	CHECK(strstr(t, "# EOF") == NULL);
	CHECK(strstr(t, "# UNIT") == NULL);
	CHECK(strstr(t, "memory_free_bytes{") == NULL); /* unknown: absent */
	CHECK(strstr(t, "domid=\"8\"") == NULL);        /* knows nothing */
	size_t raw = 0;                                 /* control bytes: none but the line ends */
	for (const char *p = t; *p; p++)
		raw += (unsigned char)*p < 0x20 && *p != '\n';
	CHECK_EQ_U64(raw, 0);
	free(t);
}

static void test_openmetrics(const struct xn_snapshot *s)
{
	char *t = render(s, XN_PROM_OPENMETRICS);
	CHECK(t != NULL);
	if (!t)
		return;
	for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		if (!has_line(t, common[i])) {
			CHECK(!"line missing from OpenMetrics");
			fprintf(stderr, "  missing: %s\n", common[i]);
		}
	CHECK(has_line(t, "# TYPE xentop_numa_domain_cpu_seconds counter"));
	CHECK(has_line(t, "# UNIT xentop_numa_domain_cpu_seconds seconds"));
	CHECK(has_line(t, "# HELP xentop_numa_domain_cpu_seconds CPU time the domain has used."));
	CHECK(has_line(t, "# TYPE xentop_numa_build info"));
	CHECK(has_line(t, "# TYPE xentop_numa_domain_advice info"));
	CHECK(has_line(t, "# UNIT xentop_numa_domain_local_ratio ratio"));
	size_t n = strlen(t);
	CHECK(n > 6 && !strcmp(t + n - 6, "# EOF\n"));
	CHECK(strstr(t, "# EOF") == t + n - 6);
	free(t);
	CHECK_STR(xn_prom_content_type(XN_PROM_OPENMETRICS),
	          "application/openmetrics-text; version=1.0.0; charset=utf-8");
	CHECK_STR(xn_prom_content_type(XN_PROM_TEXT), "text/plain; version=0.0.4; charset=utf-8");
}

int main(void)
{
	test_escape();
	struct xn_snapshot s;
	make_snap(&s);
	test_text(&s);
	test_openmetrics(&s);
	xn_snapshot_clear(&s);
	return check_report("test_prom");
}
