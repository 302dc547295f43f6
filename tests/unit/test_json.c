/* test_json.c - the JSON writer: every line parses with jansson, fields come
 * back with their values, unknowns are null, nasty names survive (quotes,
 * backslashes, control characters, escape sequences, invalid UTF-8), and no
 * raw control byte is ever written. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "output.h"
#include "replay.h"
#include "snapshot.h"

static const struct {
	const char *raw;  /* as the OS gave it */
	const char *back; /* what a JSON reader gets: invalid bytes as U+00XX */
} names[] = {
        {"plain", "plain"},
        {"quo\"te", "quo\"te"},
        {"back\\slash", "back\\slash"},
        {"ctl\x01", "ctl\x01"},
        {"\x1b[31mred\x1b[0m", "\x1b[31mred\x1b[0m"},
        {"bad\xff\xfe", "bad\xc3\xbf\xc3\xbe"},
        {"csi\xc2\x9b", "csi\xc2\x9b"},
        {"caf\xc3\xa9 \xe2\x82\xac", "caf\xc3\xa9 \xe2\x82\xac"},
        {"half\xe2\x82", "half\xc3\xa2\xc2\x82"},
        {"nl\nand\ttab\r\x7f", "nl\nand\ttab\r\x7f"},
};
#define NR_NAMES (sizeof(names) / sizeof(names[0]))

static void make_snap(struct xn_snapshot *s)
{
	memset(s, 0, sizeof(*s));
	s->time.tv_sec = 1795441449; /* 2026-11-23T13:44:09Z */
	s->time.tv_nsec = 123456789;
	s->interval = 0.5;
	strcpy(s->source, "linux");
	strcpy(s->host.hostname, "host\"1");
	s->host.page_size = 4096;
	s->host.nr_cpus = 4;
	s->host.valid = XN_HOST_CPUS | XN_HOST_DISTANCE;
	xn_host_alloc_nodes(&s->host, 2);
	for (int i = 0; i < 2; i++) {
		struct xn_node *n = &s->host.nodes[i];
		n->id = i * 3; /* ids 0 and 3 */
		n->mem_total = (uint64_t)(i + 1) << 32;
		n->mem_free = 1000000 + (uint64_t)i;
		n->valid = XN_NODE_TOTAL | XN_NODE_FREE | XN_NODE_CPUS;
		XN_NM_SET(&n->cpus, 2 * i);
		XN_NM_SET(&n->cpus, 2 * i + 1);
		for (int j = 0; j < 2; j++)
			s->host.distance[i * 2 + j] = i == j ? 10 : 21;
	}
	s->host.nodes[1].valid &= ~XN_NODE_FREE; /* unknown -> null */
	struct xn_zone *z = xn_host_add_zone(&s->host);
	z->node_idx = 0;
	strcpy(z->name, "DMA32");
	z->free_pages = 77;
	z->managed_pages = 88;
	z->valid = XN_ZONE_FREE | XN_ZONE_MANAGED;
	z = xn_host_add_zone(&s->host);
	z->node_idx = 1;
	strcpy(z->name, "Normal");
	z->managed_pages = 99;
	z->valid = XN_ZONE_MANAGED;
	for (size_t i = 0; i < NR_NAMES; i++) {
		struct xn_domain *d = xn_snapshot_add_domain(s);
		d->id = (int64_t)i * 1000;
		xn_domain_set_name(d, names[i].raw);
	}
	struct xn_domain *d = &s->domains[0];
	memcpy(d->state, "-b---r", 6);
	d->cpu_ns = 9876543210123ull;
	d->cpu_pct = 12.5;
	d->vcpus = 3;
	xn_domain_alloc_vcpu_node(d);
	d->vcpu_node[0] = 3;
	d->vcpu_node[2] = 0; /* [1] stays -1 -> null */
	d->mem_cur = 1ull << 30;
	d->mem_max = 2ull << 30;
	d->node_pages[0] = 100;
	d->node_pages[1] = 262044;
	d->node_delta[0] = -5;
	d->node_delta[1] = 7;
	d->pages_method = XN_PAGES_XEN_DEBUGKEY;
	d->pages_age_ms = 4000;
	XN_NM_SET(&d->node_affinity, 3);
	d->locality = 99.5;
	d->pages_outside = 100;
	d->valid = XN_DOM_STATE | XN_DOM_CPU_NS | XN_DOM_CPU_PCT | XN_DOM_VCPUS | XN_DOM_MEM_CUR |
	           XN_DOM_MEM_MAX | XN_DOM_PAGES | XN_DOM_AFFINITY | XN_DOM_VCPU_NODE |
	           XN_DOM_LOCALITY | XN_DOM_OUTSIDE | XN_DOM_DELTA;
	/* domains[1]: no limit; affinity auto */
	s->domains[1].mem_max = UINT64_MAX;
	s->domains[1].affinity_auto = true;
	XN_NM_SET(&s->domains[1].node_affinity, 0);
	XN_NM_SET(&s->domains[1].node_affinity, 3);
	s->domains[1].valid = XN_DOM_MEM_MAX | XN_DOM_AFFINITY;
}

static char *write_line(const struct xn_snapshot *s, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	CHECK(xn_json_write_snapshot(f, s) == 0);
	fclose(f);
	return buf;
}

static json_int_t ival(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static void test_roundtrip(void)
{
	struct xn_snapshot s;
	size_t len;
	make_snap(&s);
	char *line = write_line(&s, &len);
	/* one line, newline-terminated, no raw control byte anywhere */
	CHECK(len > 0 && line[len - 1] == '\n');
	CHECK(memchr(line, '\n', len - 1) == NULL);
	bool raw_ctl = false;
	for (size_t i = 0; i + 1 < len; i++) {
		unsigned char c = (unsigned char)line[i];
		if (c < 0x20 || c == 0x7f ||
		    (c == 0xc2 && (unsigned char)line[i + 1] < 0xa0 &&
		     (unsigned char)line[i + 1] >= 0x80))
			raw_ctl = true;
	}
	CHECK(!raw_ctl);

	json_error_t je;
	json_t *root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
	CHECK(root != NULL);
	if (!root) {
		fprintf(stderr, "jansson: %s at column %d\n%s", je.text, je.column, line);
		free(line);
		xn_snapshot_clear(&s);
		return;
	}
	CHECK_EQ_U64(ival(root, "schema"), 6);
	CHECK(json_is_null(json_object_get(root, "origin"))); /* "" -> null */
	CHECK_STR(json_string_value(json_object_get(root, "time")),
	          "2026-11-23T13:44:09.123456789Z");
	CHECK_STR(json_string_value(json_object_get(root, "source")), "linux");
	CHECK(json_real_value(json_object_get(root, "interval")) == 0.5);

	json_t *h = json_object_get(root, "host");
	CHECK_STR(json_string_value(json_object_get(h, "hostname")), "host\"1");
	CHECK_EQ_U64(ival(h, "page_size"), 4096);
	CHECK_EQ_U64(ival(h, "nr_cpus"), 4);
	json_t *nodes = json_object_get(h, "nodes");
	CHECK_EQ_U64(json_array_size(nodes), 2);
	json_t *n1 = json_array_get(nodes, 1);
	CHECK_EQ_U64(ival(n1, "id"), 3);
	CHECK_EQ_U64(ival(n1, "mem_total"), 2ull << 32);
	CHECK(json_is_null(json_object_get(n1, "mem_free")));
	CHECK_EQ_U64(ival(json_array_get(nodes, 0), "mem_free"), 1000000);
	json_t *cpus = json_object_get(n1, "cpus");
	CHECK_EQ_U64(json_array_size(cpus), 2);
	CHECK_EQ_U64(json_integer_value(json_array_get(cpus, 1)), 3);
	json_t *z0 = json_array_get(json_object_get(json_array_get(nodes, 0), "zones"), 0);
	CHECK_STR(json_string_value(json_object_get(z0, "name")), "DMA32");
	CHECK_EQ_U64(ival(z0, "free_pages"), 77);
	CHECK_EQ_U64(ival(z0, "managed_pages"), 88);
	json_t *zones1 = json_object_get(n1, "zones");
	CHECK_EQ_U64(json_array_size(zones1), 1);
	CHECK(json_is_null(json_object_get(json_array_get(zones1, 0), "free_pages")));
	json_t *dist = json_object_get(h, "distance");
	CHECK_EQ_U64(json_integer_value(json_array_get(json_array_get(dist, 0), 1)), 21);
	CHECK_EQ_U64(json_integer_value(json_array_get(json_array_get(dist, 1), 1)), 10);

	json_t *doms = json_object_get(root, "domains");
	CHECK_EQ_U64(json_array_size(doms), NR_NAMES);
	for (size_t i = 0; i < NR_NAMES; i++) {
		json_t *d = json_array_get(doms, i);
		CHECK_EQ_U64(ival(d, "id"), i * 1000);
		CHECK_STR(json_string_value(json_object_get(d, "name")), names[i].back);
	}
	json_t *d0 = json_array_get(doms, 0);
	CHECK_STR(json_string_value(json_object_get(d0, "state")), "-b---r");
	CHECK_EQ_U64(ival(d0, "cpu_ns"), 9876543210123ull);
	CHECK(json_real_value(json_object_get(d0, "cpu_pct")) == 12.5);
	CHECK_EQ_U64(ival(d0, "vcpus"), 3);
	json_t *vn = json_object_get(d0, "vcpu_node");
	CHECK_EQ_U64(json_array_size(vn), 3);
	CHECK_EQ_U64(json_integer_value(json_array_get(vn, 0)), 3);
	CHECK(json_is_null(json_array_get(vn, 1)));
	CHECK_EQ_U64(ival(d0, "mem_cur"), 1ull << 30);
	CHECK_EQ_U64(ival(d0, "mem_max"), 2ull << 30);
	CHECK(json_is_false(json_object_get(d0, "mem_max_unlimited")));
	json_t *np = json_object_get(d0, "node_pages");
	CHECK_EQ_U64(json_array_size(np), 2);
	CHECK_EQ_U64(json_integer_value(json_array_get(np, 1)), 262044);
	json_t *nd = json_object_get(d0, "node_delta");
	CHECK(json_integer_value(json_array_get(nd, 0)) == -5);
	CHECK_STR(json_string_value(json_object_get(d0, "pages_method")), "debugkey_u");
	CHECK_EQ_U64(ival(d0, "pages_age_ms"), 4000);
	json_t *aff = json_object_get(d0, "node_affinity");
	CHECK_EQ_U64(json_array_size(aff), 1);
	CHECK_EQ_U64(json_integer_value(json_array_get(aff, 0)), 3);
	CHECK(json_is_false(json_object_get(d0, "affinity_auto")));
	CHECK(json_real_value(json_object_get(d0, "locality")) == 99.5);
	CHECK_EQ_U64(ival(d0, "pages_outside"), 100);

	json_t *d1 = json_array_get(doms, 1);
	CHECK(json_is_null(json_object_get(d1, "mem_max")));
	CHECK(json_is_true(json_object_get(d1, "mem_max_unlimited")));
	CHECK(json_is_true(json_object_get(d1, "affinity_auto")));
	CHECK_EQ_U64(json_array_size(json_object_get(d1, "node_affinity")), 2);
	/* everything unknown is null, present, never 0 */
	const char *nullable[] = {"state",        "cpu_ns",   "cpu_pct",       "vcpus",
	                          "vcpu_node",    "mem_cur",  "node_pages",    "pages_method",
	                          "pages_age_ms", "locality", "pages_outside", "node_delta"};
	for (size_t i = 0; i < sizeof(nullable) / sizeof(nullable[0]); i++) {
		json_t *v = json_object_get(d1, nullable[i]);
		CHECK(v != NULL && json_is_null(v));
	}
	json_t *d2 = json_array_get(doms, 2);
	CHECK(json_is_null(json_object_get(d2, "mem_max")));
	CHECK(json_is_null(json_object_get(d2, "mem_max_unlimited")));
	CHECK(json_is_null(json_object_get(d2, "node_affinity")));
	CHECK(json_is_null(json_object_get(d2, "affinity_auto")));
	json_decref(root);
	free(line);
	xn_snapshot_clear(&s);
}

/* Schema 2: origin, vcpu_info and advice, with their nulls. */
static void test_advice_vcpus(void)
{
	struct xn_snapshot s;
	size_t len;
	make_snap(&s);
	strcpy(s.origin, "xen");
	struct xn_domain *d = &s.domains[0];
	xn_domain_alloc_vcpu_info(d);
	d->vcpu_info[0].cpu = 6;
	d->vcpu_info[0].state = 'r';
	d->vcpu_info[0].hard = strdup("0-3");
	d->vcpu_info[0].soft = strdup("all");
	d->vcpu_info[0].valid = XN_VCPU_CPU | XN_VCPU_STATE | XN_VCPU_HARD | XN_VCPU_SOFT;
	d->vcpu_info[2].state = 'b';
	d->vcpu_info[2].valid = XN_VCPU_STATE; /* [1] all unknown */
	struct xn_advice *a = &d->advice;
	a->action = XN_ADVICE_BOTH;
	XN_NM_SET(&a->nodes, 0);
	XN_NM_SET(&a->nodes, 3);
	a->local_now = 12.5;
	a->local_expected = 87.5;
	a->pages_to_move = 4096;
	a->memory_moves = true;
	a->mem_free_after = -12345;
	a->vcpus_there = 7;
	a->cpus_there = 4;
	a->distance = 10.5;
	a->score = -3.25;
	a->pending_action = XN_ADVICE_VCPUS;
	XN_NM_SET(&a->pending_nodes, 3);
	a->pending_count = 2;
	strcpy(a->reason, "run \"vCPUs\" on node 0-3");
	d->valid |= XN_DOM_VCPU_INFO | XN_DOM_ADVICE;
	/* domains[1]: judged, no judgement (too small): the figures are null */
	s.domains[1].advice.action = XN_ADVICE_NONE;
	strcpy(s.domains[1].advice.reason, "too small");
	s.domains[1].valid |= XN_DOM_ADVICE;

	char *line = write_line(&s, &len);
	json_t *root = json_loadb(line, len, JSON_REJECT_DUPLICATES, NULL);
	CHECK(root != NULL);
	if (!root) {
		fprintf(stderr, "%s", line);
		free(line);
		xn_snapshot_clear(&s);
		return;
	}
	CHECK_STR(json_string_value(json_object_get(root, "origin")), "xen");
	json_t *doms = json_object_get(root, "domains");
	json_t *d0 = json_array_get(doms, 0);
	json_t *vi = json_object_get(d0, "vcpu_info");
	CHECK_EQ_U64(json_array_size(vi), 3);
	json_t *v0 = json_array_get(vi, 0), *v1 = json_array_get(vi, 1),
	       *v2 = json_array_get(vi, 2);
	CHECK_EQ_U64(ival(v0, "vcpu"), 0);
	CHECK_EQ_U64(ival(v0, "cpu"), 6);
	CHECK_EQ_U64(ival(v0, "node"), 3); /* vcpu_node[0] */
	CHECK_STR(json_string_value(json_object_get(v0, "state")), "r");
	CHECK_STR(json_string_value(json_object_get(v0, "hard")), "0-3");
	CHECK_STR(json_string_value(json_object_get(v0, "soft")), "all");
	CHECK_EQ_U64(ival(v1, "vcpu"), 1);
	const char *vkeys[] = {"cpu", "node", "state", "hard", "soft"};
	for (size_t i = 0; i < 5; i++) {
		json_t *v = json_object_get(v1, vkeys[i]);
		CHECK(v != NULL && json_is_null(v));
	}
	CHECK_EQ_U64(ival(v2, "node"), 0);
	CHECK_STR(json_string_value(json_object_get(v2, "state")), "b");
	CHECK(json_is_null(json_object_get(v2, "cpu")));
	json_t *ad = json_object_get(d0, "advice");
	CHECK_STR(json_string_value(json_object_get(ad, "action")), "both");
	CHECK_STR(json_string_value(json_object_get(ad, "nodes")), "0,3");
	CHECK(json_real_value(json_object_get(ad, "local_now")) == 12.5);
	CHECK(json_real_value(json_object_get(ad, "local_expected")) == 87.5);
	CHECK_EQ_U64(ival(ad, "pages_to_move"), 4096);
	CHECK(json_is_true(json_object_get(ad, "memory_moves")));
	CHECK(ival(ad, "mem_free_after") == -12345);
	CHECK_EQ_U64(ival(ad, "vcpus_there"), 7);
	CHECK_EQ_U64(ival(ad, "cpus_there"), 4);
	CHECK(json_real_value(json_object_get(ad, "distance")) == 10.5);
	CHECK(json_real_value(json_object_get(ad, "score")) == -3.25);
	CHECK_STR(json_string_value(json_object_get(ad, "reason")), "run \"vCPUs\" on node 0-3");
	CHECK_STR(json_string_value(json_object_get(ad, "pending_action")), "vcpus");
	CHECK_STR(json_string_value(json_object_get(ad, "pending_nodes")), "3");
	CHECK_EQ_U64(ival(ad, "pending_count"), 2);
	/* schema 3: step, ratio_after, overrides (null: this advice is no step) */
	CHECK(json_is_null(json_object_get(ad, "step")));
	CHECK(json_is_null(json_object_get(ad, "overrides")));
	CHECK_EQ_U64(json_object_size(ad), 18);

	json_t *a1 = json_object_get(json_array_get(doms, 1), "advice");
	CHECK_STR(json_string_value(json_object_get(a1, "action")), "none");
	CHECK_STR(json_string_value(json_object_get(a1, "reason")), "too small");
	const char *terms[] = {"nodes",          "local_now",   "local_expected", "pages_to_move",
	                       "memory_moves",   "vcpus_there", "cpus_there",     "distance",
	                       "mem_free_after", "score",       "pending_nodes"};
	for (size_t i = 0; i < sizeof(terms) / sizeof(terms[0]); i++) {
		json_t *v = json_object_get(a1, terms[i]);
		CHECK(v != NULL && json_is_null(v));
	}
	/* not judged, no vCPU details: null */
	json_t *d2 = json_array_get(doms, 2);
	CHECK(json_object_get(d2, "advice") && json_is_null(json_object_get(d2, "advice")));
	CHECK(json_object_get(d2, "vcpu_info") && json_is_null(json_object_get(d2, "vcpu_info")));
	json_decref(root);
	free(line);
	xn_snapshot_clear(&s);
}

static void test_empty(void)
{
	/* a zeroed snapshot (no nodes, no domains) still writes valid JSON */
	struct xn_snapshot s;
	size_t len;
	memset(&s, 0, sizeof(s));
	char *line = write_line(&s, &len);
	json_t *root = json_loadb(line, len, 0, NULL);
	CHECK(root != NULL);
	CHECK(json_is_null(json_object_get(root, "interval")));
	CHECK(json_is_null(json_object_get(json_object_get(root, "host"), "page_size")));
	CHECK(json_is_null(json_object_get(json_object_get(root, "host"), "distance")));
	CHECK_EQ_U64(json_array_size(json_object_get(root, "domains")), 0);
	CHECK_STR(json_string_value(json_object_get(root, "time")),
	          "1970-01-01T00:00:00.000000000Z");
	json_decref(root);
	free(line);
}

static void test_write_error(void)
{
	/* a write error is reported, not ignored */
	struct xn_snapshot s;
	make_snap(&s);
	FILE *f = fopen("/dev/full", "w");
	CHECK(f != NULL);
	if (f) {
		CHECK(xn_json_write_snapshot(f, &s) < 0);
		fclose(f);
	}
	xn_snapshot_clear(&s);
}

/* xentop's -n / -x figures: written only when the source read them, and
 * read back by the replay source into the same fields. */
static void test_net_vbd(void)
{
	struct xn_snapshot s, back;
	size_t len;
	make_snap(&s);
	struct xn_domain *d = &s.domains[0];
	d->nets = 2;
	d->net_tx_bytes = 5000000000ull;
	d->net_rx_bytes = 7;
	d->vbds = 1;
	d->vbd_oo = 3;
	d->vbd_rd = 11;
	d->vbd_wr = 12;
	d->vbd_rsect = 88;
	d->vbd_wsect = 99;
	d->valid |= XN_DOM_NET | XN_DOM_VBD;
	char *line = write_line(&s, &len);
	CHECK(strstr(line, "\"nets\":2,\"net_tx_bytes\":5000000000,\"net_rx_bytes\":7") != NULL);
	CHECK(strstr(line, "\"vbds\":1,\"vbd_oo\":3,\"vbd_rd\":11,\"vbd_wr\":12,\"vbd_rsect\":88,"
	                   "\"vbd_wsect\":99") != NULL);
	/* the other domains know none: no key at all (not null) */
	const char *second = strstr(line, "\"id\":1000,");
	CHECK(second && strstr(second, "\"nets\"") == NULL);
	char why[256] = "";
	memset(&back, 0, sizeof(back));
	CHECK(xn_replay_parse_line(line, len, &back, why, sizeof(why)) == 0);
	const struct xn_domain *b = xn_snapshot_find(&back, 0);
	const struct xn_domain *b2 = xn_snapshot_find(&back, 1000);
	CHECK(b && b2);
	if (b && b2) {
		CHECK((b->valid & (XN_DOM_NET | XN_DOM_VBD)) == (XN_DOM_NET | XN_DOM_VBD));
		CHECK(b->nets == 2 && b->net_tx_bytes == 5000000000ull && b->net_rx_bytes == 7);
		CHECK(b->vbds == 1 && b->vbd_oo == 3 && b->vbd_rd == 11 && b->vbd_wr == 12 &&
		      b->vbd_rsect == 88 && b->vbd_wsect == 99);
		CHECK(!(b2->valid & (XN_DOM_NET | XN_DOM_VBD)));
	}
	xn_snapshot_clear(&back);
	free(line);
	xn_snapshot_clear(&s);
}

int main(void)
{
	test_net_vbd();
	test_roundtrip();
	test_advice_vcpus();
	test_empty();
	test_write_error();
	return check_report("test_json");
}
