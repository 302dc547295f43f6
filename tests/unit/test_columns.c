/* test_columns.c - the column table: formatting of known and unknown values,
 * units, affinity strings, name escaping, sorting (reverse, unknowns,
 * stability on id). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "columns.h"
#include "output.h"
#include "snapshot.h"
#include "source.h"

/* A 2-node host (ids 0 and 2, 4 KiB pages, 4 GiB each) with three domains. */
static void make_snap(struct xn_snapshot *s)
{
	memset(s, 0, sizeof(*s));
	xn_host_alloc_nodes(&s->host, 2);
	s->host.page_size = 4096;
	s->host.nodes[0].id = 0;
	s->host.nodes[1].id = 2;
	for (int i = 0; i < 2; i++) {
		s->host.nodes[i].mem_total = 4ull << 30;
		s->host.nodes[i].valid = XN_NODE_TOTAL;
	}
	for (int i = 0; i < 3; i++) {
		struct xn_domain *d = xn_snapshot_add_domain(s);
		d->id = 10 + i;
	}
	struct xn_domain *a = &s->domains[0], *b = &s->domains[1];
	xn_domain_set_name(a, "alpha");
	memcpy(a->state, "--b---", 6);
	a->cpu_ns = 12500000000ull; /* 12.5 s */
	a->cpu_pct = 42.25;
	a->vcpus = 2;
	a->mem_cur = 1ull << 30;
	a->mem_max = UINT64_MAX;
	a->node_pages[0] = 196608; /* 768 MiB */
	a->node_pages[1] = 65536;  /* 256 MiB */
	a->pages_method = XN_PAGES_SAMPLED;
	a->pages_age_ms = 4200;
	XN_NM_SET(&a->node_affinity, 2);
	a->locality = 75.0;
	a->pages_outside = 196608;
	xn_domain_alloc_vcpu_node(a);
	a->vcpu_node[0] = 2;
	a->vcpu_node[1] = 2;
	a->advice.action = XN_ADVICE_VCPUS;
	XN_NM_SET(&a->advice.nodes, 0);
	a->valid = XN_DOM_STATE | XN_DOM_CPU_NS | XN_DOM_CPU_PCT | XN_DOM_VCPUS | XN_DOM_MEM_CUR |
	           XN_DOM_MEM_MAX | XN_DOM_PAGES | XN_DOM_AFFINITY | XN_DOM_LOCALITY |
	           XN_DOM_OUTSIDE | XN_DOM_VCPU_NODE | XN_DOM_ADVICE;
	xn_domain_set_name(b, "beta");
	b->mem_cur = 2ull << 30;
	b->mem_max = 4ull << 30;
	b->cpu_pct = 3.0;
	XN_NM_SET(&b->node_affinity, 0);
	XN_NM_SET(&b->node_affinity, 2);
	b->valid = XN_DOM_MEM_CUR | XN_DOM_MEM_MAX | XN_DOM_CPU_PCT | XN_DOM_AFFINITY;
	/* domains[2]: nothing known at all, not even a name */
}

static const char *fmt(const struct xn_snapshot *s, enum xn_units u, enum xn_col_id c, size_t dom,
                       int node)
{
	static char buf[256];
	struct xn_fmt_ctx ctx = {.snap = s, .units = u};
	memset(buf, 'X', sizeof(buf));
	xn_columns[c].format(&ctx, &s->domains[dom], node, buf, sizeof(buf));
	return buf;
}

static void test_format(void)
{
	struct xn_snapshot s;
	make_snap(&s);
	CHECK_STR(fmt(&s, XN_UNITS_MIB, XN_COL_ID, 0, -1), "10");
	CHECK_STR(fmt(&s, XN_UNITS_MIB, XN_COL_NAME, 0, -1), "alpha");
	CHECK_STR(fmt(&s, XN_UNITS_MIB, XN_COL_STATE, 0, -1), "--b---");
	CHECK_STR(fmt(&s, XN_UNITS_MIB, XN_COL_CPU_SEC, 0, -1), "12");
	CHECK_STR(fmt(&s, XN_UNITS_MIB, XN_COL_CPU_PCT, 0, -1), "42.2");
	CHECK_STR(fmt(&s, XN_UNITS_MIB, XN_COL_MEM, 0, -1), "1048576");
	CHECK_STR(fmt(&s, XN_UNITS_MIB, XN_COL_MEM_PCT, 0, -1), "12.5");
	CHECK_STR(fmt(&s, XN_UNITS_MIB, XN_COL_MAXMEM, 0, -1),
	          "no-limit"); /* one word, as xentop's clients spell it */
	CHECK_STR(fmt(&s, XN_UNITS_MIB, XN_COL_MAXMEM_PCT, 0, -1), "n/a");
	CHECK_STR(fmt(&s, XN_UNITS_MIB, XN_COL_MAXMEM, 1, -1), "4194304");
	CHECK_STR(fmt(&s, XN_UNITS_MIB, XN_COL_MAXMEM_PCT, 1, -1), "50.0");
	CHECK_STR(fmt(&s, XN_UNITS_MIB, XN_COL_VCPUS, 0, -1), "2");
	CHECK_STR(fmt(&s, XN_UNITS_MIB, XN_COL_LOCAL, 0, -1), "75.0");
	CHECK_STR(fmt(&s, XN_UNITS_MIB, XN_COL_METHOD, 0, -1), "sampled");
	CHECK_STR(fmt(&s, XN_UNITS_MIB, XN_COL_AGE, 0, -1), "4"); /* its own column */
	/* units: MiB, pages, % of the domain's pages */
	CHECK_STR(fmt(&s, XN_UNITS_MIB, XN_COL_NODE, 0, 0), "768.0");
	CHECK_STR(fmt(&s, XN_UNITS_MIB, XN_COL_NODE, 0, 1), "256.0");
	CHECK_STR(fmt(&s, XN_UNITS_PAGES, XN_COL_NODE, 0, 0), "196608");
	CHECK_STR(fmt(&s, XN_UNITS_PCT, XN_COL_NODE, 0, 0), "75.0");
	CHECK_STR(fmt(&s, XN_UNITS_PCT, XN_COL_NODE, 0, 1), "25.0");
	CHECK_STR(fmt(&s, XN_UNITS_MIB, XN_COL_OUTSIDE, 0, -1), "768.0");
	CHECK_STR(fmt(&s, XN_UNITS_PAGES, XN_COL_OUTSIDE, 0, -1), "196608");
	CHECK_STR(fmt(&s, XN_UNITS_PCT, XN_COL_OUTSIDE, 0, -1), "75.0");
	/* page size unknown: MiB cannot be computed, pages can */
	s.host.page_size = 0;
	CHECK_STR(fmt(&s, XN_UNITS_MIB, XN_COL_NODE, 0, 0), "-");
	CHECK_STR(fmt(&s, XN_UNITS_PAGES, XN_COL_NODE, 0, 0), "196608");
	s.host.page_size = 4096;
	/* a node total unknown: MEM(%) unknown, not a wrong ratio */
	s.host.nodes[1].valid = 0;
	CHECK_STR(fmt(&s, XN_UNITS_MIB, XN_COL_MEM_PCT, 0, -1), "-");
	s.host.nodes[1].valid = XN_NODE_TOTAL;

	/* every column of the all-unknown domain is "-" (except its id) */
	for (int c = 0; c < XN_COL__COUNT; c++) {
		if (c == XN_COL_ID)
			continue;
		for (int u = 0; u < XN_UNITS__COUNT; u++)
			CHECK_STR(fmt(&s, (enum xn_units)u, (enum xn_col_id)c, 2,
			              xn_columns[c].per_node ? 1 : -1),
			          "-");
	}
	/* partly known: beta has no pages, no cpu time, no state */
	CHECK_STR(fmt(&s, XN_UNITS_MIB, XN_COL_NODE, 1, 0), "-");
	CHECK_STR(fmt(&s, XN_UNITS_MIB, XN_COL_CPU_SEC, 1, -1), "-");
	CHECK_STR(fmt(&s, XN_UNITS_MIB, XN_COL_CPU_PCT, 1, -1), "3.0");
	CHECK_STR(fmt(&s, XN_UNITS_MIB, XN_COL_METHOD, 1, -1), "-");

	/* VNODES: the set of nodes the vCPUs ran on; ADVICE: the short verdict */
	CHECK_STR(fmt(&s, XN_UNITS_MIB, XN_COL_VNODES, 0, -1), "2");
	s.domains[0].vcpu_node[0] = 0;
	s.domains[0].vcpu_node[1] = 1;
	CHECK_STR(fmt(&s, XN_UNITS_MIB, XN_COL_VNODES, 0, -1), "0-1");
	s.domains[0].vcpu_node[0] = -1;
	CHECK_STR(fmt(&s, XN_UNITS_MIB, XN_COL_VNODES, 0, -1), "1");
	s.domains[0].vcpu_node[1] = -1; /* no vCPU's node known: unknown */
	CHECK_STR(fmt(&s, XN_UNITS_MIB, XN_COL_VNODES, 0, -1), "-");
	s.domains[0].vcpu_node[0] = s.domains[0].vcpu_node[1] = 2;
	CHECK_STR(fmt(&s, XN_UNITS_MIB, XN_COL_ADVICE, 0, -1), "vcpus>0");
	s.domains[0].advice.action = XN_ADVICE_OK;
	CHECK_STR(fmt(&s, XN_UNITS_MIB, XN_COL_ADVICE, 0, -1), "ok");
	s.domains[0].valid &= ~XN_DOM_ADVICE; /* not judged: unknown */
	CHECK_STR(fmt(&s, XN_UNITS_MIB, XN_COL_ADVICE, 0, -1), "-");
	s.domains[0].valid |= XN_DOM_ADVICE;
	s.domains[0].advice.action = XN_ADVICE_VCPUS;

	/* truncation: never overflow, always terminated */
	char small[4];
	struct xn_fmt_ctx ctx = {.snap = &s, .units = XN_UNITS_MIB};
	xn_columns[XN_COL_MEM].format(&ctx, &s.domains[0], -1, small, sizeof(small));
	CHECK_STR(small, "104");
	xn_snapshot_clear(&s);
}

static void test_affinity(void)
{
	struct xn_snapshot s;
	make_snap(&s);
	CHECK_STR(fmt(&s, XN_UNITS_MIB, XN_COL_AFFINITY, 0, -1), "2");
	CHECK_STR(fmt(&s, XN_UNITS_MIB, XN_COL_AFFINITY, 1, -1), "all");
	s.domains[1].affinity_auto = true;
	CHECK_STR(fmt(&s, XN_UNITS_MIB, XN_COL_AFFINITY, 1, -1), "all"); /* as xl list -n */
	/* a list when not every node: on a 3-node host {0,2} is "0,2" */
	xn_snapshot_clear(&s);
	make_snap(&s);
	free(s.host.nodes);
	free(s.host.distance);
	s.host.nodes = NULL;
	s.host.distance = NULL;
	xn_host_alloc_nodes(&s.host, 3);
	for (int i = 0; i < 3; i++)
		s.host.nodes[i].id = i;
	CHECK_STR(fmt(&s, XN_UNITS_MIB, XN_COL_AFFINITY, 1, -1), "0,2");
	XN_NM_SET(&s.domains[1].node_affinity, 1);
	CHECK_STR(fmt(&s, XN_UNITS_MIB, XN_COL_AFFINITY, 1, -1), "all");
	memset(&s.domains[1].node_affinity, 0, sizeof(xn_nodemask));
	CHECK_STR(fmt(&s, XN_UNITS_MIB, XN_COL_AFFINITY, 1, -1), "-");
	xn_snapshot_clear(&s);
}

static void test_escape(void)
{
	struct xn_snapshot s;
	make_snap(&s);
	struct {
		const char *raw, *shown;
	} cases[] = {
	        {"a\x1b[31mred", "a\\x1b[31mred"},
	        {"tab\there", "tab\\x09here"},
	        {"nl\n", "nl\\x0a"},
	        {"back\\slash", "back\\\\slash"},
	        {"del\x7f", "del\\x7f"},
	        {"bad\xff\xfe", "bad\\xff\\xfe"},
	        {"csi\xc2\x9b"
	         "1m",
	         "csi\\xc2\\x9b1m"},                       /* C1 CSI, valid UTF-8 */
	        {"caf\xc3\xa9", "caf\xc3\xa9"},            /* é passes through */
	        {"cut\xe2\x82", "cut\\xe2\\x82"},          /* truncated sequence */
	        {"over\xc0\xaf", "over\\xc0\\xaf"},        /* overlong '/' */
	        {"sur\xed\xa0\x80", "sur\\xed\\xa0\\x80"}, /* surrogate */
	        {"plain name, \"quoted\"", "plain name, \"quoted\""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		xn_domain_set_name(&s.domains[0], cases[i].raw);
		CHECK_STR(fmt(&s, XN_UNITS_MIB, XN_COL_NAME, 0, -1), cases[i].shown);
	}
	/* a long escaped name truncates at a whole escape, never mid-way */
	char small[8];
	struct xn_fmt_ctx ctx = {.snap = &s, .units = XN_UNITS_MIB};
	xn_domain_set_name(&s.domains[0], "ab\x1b\x1b");
	xn_columns[XN_COL_NAME].format(&ctx, &s.domains[0], -1, small, sizeof(small));
	CHECK_STR(small, "ab\\x1b");
	xn_snapshot_clear(&s);
}

static void test_titles_find(void)
{
	struct xn_snapshot s;
	char buf[32];
	make_snap(&s);
	xn_column_title(XN_COL_NODE, &s, 1, buf, sizeof(buf));
	CHECK_STR(buf, "N2"); /* node ids, not indexes */
	xn_column_title(XN_COL_CPU_PCT, &s, -1, buf, sizeof(buf));
	CHECK_STR(buf, "CPU(%)");
	CHECK(xn_column_find("cpu_pct") == XN_COL_CPU_PCT);
	CHECK(xn_column_find("CPU(%)") == XN_COL_CPU_PCT);
	CHECK(xn_column_find("node") == XN_COL_NODE);
	CHECK(xn_column_find("local") == XN_COL_LOCAL);
	CHECK(xn_column_find("nonsense") == -1);
	CHECK(xn_column_find(NULL) == -1);
	for (int i = 0; i < XN_COL__COUNT; i++) {
		CHECK(xn_columns[i].key && xn_columns[i].title && xn_columns[i].format &&
		      xn_columns[i].compare);
		CHECK(xn_column_find(xn_columns[i].key) == i);
	}
	xn_snapshot_clear(&s);
}

/* Ids in the order xn_columns_sort leaves them. */
static void sorted_ids(struct xn_snapshot *s, enum xn_col_id c, int node, bool rev, char *out,
                       size_t len)
{
	const struct xn_domain *p[16];
	size_t n = s->nr_domains;
	/* start from a scrambled order so stability on id is really tested */
	for (size_t i = 0; i < n; i++)
		p[i] = &s->domains[n - 1 - i];
	xn_columns_sort(p, n, c, node, rev);
	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		snprintf(out + strlen(out), len - strlen(out), "%s%lld", i ? "," : "",
		         (long long)p[i]->id);
}

static void test_sort(void)
{
	struct xn_snapshot s;
	char ids[128];
	make_snap(&s);
	/* add 13: cpu_pct 3.0 like beta (a tie), 14: cpu_pct 90 */
	struct xn_domain *d = xn_snapshot_add_domain(&s);
	d->id = 13;
	d->cpu_pct = 3.0;
	d->valid = XN_DOM_CPU_PCT;
	d = xn_snapshot_add_domain(&s);
	d->id = 14;
	d->cpu_pct = 90.0;
	d->valid = XN_DOM_CPU_PCT;

	sorted_ids(&s, XN_COL_CPU_PCT, -1, false, ids, sizeof(ids));
	CHECK_STR(ids, "12,11,13,10,14"); /* unknown first, ties by id */
	sorted_ids(&s, XN_COL_CPU_PCT, -1, true, ids, sizeof(ids));
	CHECK_STR(ids, "14,10,11,13,12"); /* reversed: unknown last, ties still by id */

	sorted_ids(&s, XN_COL_MEM, -1, false, ids, sizeof(ids));
	CHECK_STR(ids, "12,13,14,10,11");
	sorted_ids(&s, XN_COL_MEM, -1, true, ids, sizeof(ids));
	CHECK_STR(ids, "11,10,12,13,14");

	sorted_ids(&s, XN_COL_NAME, -1, false, ids, sizeof(ids));
	CHECK_STR(ids, "12,13,14,10,11");
	sorted_ids(&s, XN_COL_ID, -1, true, ids, sizeof(ids));
	CHECK_STR(ids, "14,13,12,11,10");

	/* per-node: by pages on that node */
	s.domains[1].node_pages[0] = 1000;
	s.domains[1].node_pages[1] = 900000;
	s.domains[1].valid |= XN_DOM_PAGES;
	sorted_ids(&s, XN_COL_NODE, 0, true, ids, sizeof(ids));
	CHECK_STR(ids, "10,11,12,13,14");
	sorted_ids(&s, XN_COL_NODE, 1, true, ids, sizeof(ids));
	CHECK_STR(ids, "11,10,12,13,14");

	/* affinity: auto < fewer nodes < lower node */
	s.domains[2].valid |= XN_DOM_AFFINITY;
	s.domains[2].affinity_auto = true;
	s.domains[3].valid |= XN_DOM_AFFINITY;
	XN_NM_SET(&s.domains[3].node_affinity, 0);
	sorted_ids(&s, XN_COL_AFFINITY, -1, false, ids, sizeof(ids));
	CHECK_STR(ids, "14,12,13,10,11");

	/* state: xentop's order, an earlier flag first */
	memcpy(s.domains[1].state, "----p-", 6);
	s.domains[1].valid |= XN_DOM_STATE;
	memcpy(s.domains[3].state, "-----r", 6);
	s.domains[3].valid |= XN_DOM_STATE;
	sorted_ids(&s, XN_COL_STATE, -1, false, ids, sizeof(ids));
	CHECK_STR(ids, "12,14,10,11,13");

	/* empty and single arrays are fine */
	xn_columns_sort(NULL, 0, XN_COL_NAME, -1, false);
	xn_snapshot_clear(&s);
}

static char *output(const struct xn_snapshot *s, enum xn_format fmt, enum xn_units u, long it)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	CHECK(xn_output_sample(f, fmt, s, u, it) == 0);
	fclose(f);
	return buf;
}

/* Fields of one CSV record (RFC 4180 quotes), or -1 when a quote is open. */
static int csv_fields(const char *line, size_t len)
{
	int n = 1;
	bool q = false;
	for (size_t i = 0; i < len; i++) {
		if (line[i] == '"')
			q = !q;
		else if (line[i] == ',' && !q)
			n++;
	}
	return q ? -1 : n;
}

static void test_output(void)
{
	struct xn_snapshot s;
	make_snap(&s);
	xn_domain_set_name(&s.domains[1], "b,\"q\"\x1b");
	/* text: the screen's columns in the screen's order (xentop's first,
	 * ID after them), names right-aligned; every field one word, METHOD and
	 * AGE(s) apart; the last column unpadded */
	char *t = output(&s, XN_FMT_TEXT, XN_UNITS_MIB, 3);
	const char *want =
	        "      NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k) MAXMEM(%) VCPUS "
	        "NETS NETTX(k) NETRX(k) VBDS   VBD_OO   VBD_RD   VBD_WR  VBD_RSECT  VBD_WSECT SSID "
	        "   ID N0(MiB) N2(MiB) LOCAL% ADVICE    AFFINITY VNODES OUTSIDE(MiB) METHOD       "
	        "AGE(s)\n"
	        "     alpha --b---         12   42.2    1048576   12.5   no-limit       n/a     2 "
	        "   -        -        -    -        -        -        -          -          -    - "
	        "   10   768.0   256.0   75.0 vcpus>0   2        2             768.0 sampled      "
	        "     4\n"
	        " b,\"q\"\\x1b ------          -    3.0    2097152   25.0    4194304      50.0     "
	        "- "
	        "   -        -        -    -        -        -        -          -          -    - "
	        "   11       -       -      - -         all      -                 - -            "
	        "     -\n"
	        "         - ------          -      -          -      -          -         -     - "
	        "   -        -        -    -        -        -        -          -          -    - "
	        "   12       -       -      - -         -        -                 - -            "
	        "     -\n";
	CHECK_STR(t, want);
	CHECK(strstr(t, "b,\"q\"\\x1b ") != NULL); /* escaped, not raw */
	CHECK(strchr(t, 0x1b) == NULL);
	int lines = 0;
	for (const char *p = t; *p; p++)
		lines += *p == '\n';
	CHECK(lines == 4);
	/* the all-unknown row (the last): only dashes and its id, no trailing space */
	const char *last = t + strlen(t) - 1;
	while (last > t && last[-1] != '\n')
		last--;
	int dashes = 0;
	bool other = false;
	for (const char *p = last; *p != '\n'; p++) {
		dashes += *p == '-';
		other |= *p != '-' && *p != ' ' && !(*p >= '0' && *p <= '9');
	}
	CHECK(!other && dashes == 33); /* 29 columns, all "-" but ID; STATE six */
	CHECK(strstr(last, " 12 ") != NULL);
	CHECK(strcmp(last + strlen(last) - 3, " -\n") == 0);
	free(t);

	/* CSV: header at iteration 0 only, every row as wide as it */
	char *c0 = output(&s, XN_FMT_CSV, XN_UNITS_PAGES, 0);
	char *c1 = output(&s, XN_FMT_CSV, XN_UNITS_PAGES, 1);
	const char *csv_head =
	        "time,name,state,cpu_sec,cpu_pct,mem_kib,mem_pct,maxmem_kib,maxmem_pct,"
	        "vcpus,nets,nettx_kib,netrx_kib,vbds,vbd_oo,vbd_rd,vbd_wr,vbd_rsect,vbd_wsect,ssid,"
	        "id,node0_pages,node2_pages,local,advice,affinity,vnodes,outside_pages,method,"
	        "age\n";
	CHECK(strncmp(c0, csv_head, strlen(csv_head)) == 0);
	CHECK(strncmp(c1, "time,", 5) != 0);
	const char *nl = strchr(c0, '\n');
	int width = csv_fields(c0, (size_t)(nl - c0));
	CHECK(width == 30); /* time + 29 columns (2 nodes) */
	int rows = 0;
	for (const char *p = nl + 1; *p; p = strchr(p, '\n') + 1) {
		CHECK(csv_fields(p, (size_t)(strchr(p, '\n') - p)) == width);
		rows++;
	}
	CHECK(rows == 3);
	CHECK(strstr(c0, ",\"b,\"\"q\"\"\\x1b\",") != NULL);
	CHECK(strstr(c1, "1970-01-01T00:00:00.000Z,,,,,,,,,,,,,,,,,,,,12,,,,,,,,,\n") != NULL);
	/* numeric fields hold a number or nothing: no "unlimited", no "n/a" */
	CHECK(strstr(c0, "Z,alpha,--b---,12,42.2,1048576,12.5,,,2,,,,,,,,,,,10,196608,65536,75.0,"
	                 "vcpus>0,2,2,196608,sampled,4\n") != NULL);
	free(c0);
	free(c1);
	/* a process really named "-" keeps its name in CSV */
	xn_domain_set_name(&s.domains[2], "-");
	c1 = output(&s, XN_FMT_CSV, XN_UNITS_PAGES, 1);
	CHECK(strstr(c1, "Z,-,") != NULL);
	free(c1);
	/* sorted rows (batch --sort): biggest CPU first, unknown last; JSON
	 * keeps id order */
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	CHECK(xn_output_sample_sorted(f, XN_FMT_CSV, &s, XN_UNITS_MIB, 1, XN_COL_CPU_PCT, -1,
	                              true) == 0);
	fclose(f);
	const char *a = strstr(buf, "Z,alpha,"), *b = strstr(buf, "Z,\"b,"),
	           *u = strstr(buf, "Z,-,");
	CHECK(a && b && u && a < b && b < u);
	free(buf);
	f = open_memstream(&buf, &len);
	CHECK(xn_output_sample_sorted(f, XN_FMT_TEXT, &s, XN_UNITS_MIB, 1, XN_COL_NAME, -1,
	                              false) == 0);
	fclose(f);
	a = strstr(buf, "alpha");
	b = strstr(buf, "\\x1b");
	u = strstr(buf, "\n         - ");
	CHECK(a && b && u && u < a && a < b); /* "-" < "alpha" < "b,..." */
	free(buf);
	f = open_memstream(&buf, &len);
	CHECK(xn_output_sample_sorted(f, XN_FMT_JSON, &s, XN_UNITS_MIB, 1, XN_COL_CPU_PCT, -1,
	                              true) == 0);
	fclose(f);
	a = strstr(buf, "\"id\":10");
	u = strstr(buf, "\"id\":12");
	CHECK(a && u && a < u);
	free(buf);
	/* a write error is reported */
	FILE *full = fopen("/dev/full", "w");
	if (full) {
		CHECK(xn_output_sample(full, XN_FMT_TEXT, &s, XN_UNITS_MIB, 0) < 0);
		fclose(full);
	}
	xn_snapshot_clear(&s);
}

static char *write_opts(const struct xn_snapshot *s, enum xn_format fmt, long it,
                        const struct xn_out_opts *o, struct xn_out_state *st)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	CHECK(xn_output_write(f, fmt, s, it, o, st) == 0);
	fclose(f);
	return buf;
}

static int count_of(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/* The batch flags: names cut to NAME unless -f, -r, -v, -z, -n and -x, and
 * CSV's new header block when the nodes change. */
static void test_batch_flags(void)
{
	struct xn_snapshot s;
	make_snap(&s);
	/* a 40-byte name, and a bidi override that would reverse what follows */
	xn_domain_set_name(&s.domains[1], "a-domain-name-far-longer-than-ten-places");
	xn_domain_set_name(&s.domains[2], "ev\xe2\x80\xaeil");
	struct xn_out_opts o = {.units = XN_UNITS_MIB, .sort_col = XN_COL_ID, .sort_node = -1};
	char *t = write_opts(&s, XN_FMT_TEXT, 0, &o, NULL);
	CHECK(strstr(t, "a-domain-n ") != NULL); /* cut to 10, as xentop */
	CHECK(strstr(t, "a-domain-na") == NULL);
	CHECK(strncmp(t, "      NAME ", 11) == 0); /* NAME stays 10 wide */
	CHECK(strstr(t, "ev\\xe2\\x80") != NULL);  /* escaped as bytes: "ev\xe2\x80..." */
	CHECK(strstr(t, "\xe2\x80\xae") == NULL);  /* never raw */
	free(t);
	o.full_names = true;
	t = write_opts(&s, XN_FMT_TEXT, 0, &o, NULL);
	CHECK(strstr(t, "\na-domain-name-far-longer-than-ten-places ") != NULL);
	CHECK(strstr(t, "ev\\xe2\\x80\\xaeil") != NULL);
	free(t);
	/* CSV never cuts, and escapes the same way */
	t = write_opts(&s, XN_FMT_CSV, 0, &o, NULL);
	CHECK(strstr(t, ",a-domain-name-far-longer-than-ten-places,") != NULL);
	CHECK(strstr(t, ",ev\\xe2\\x80\\xaeil,") != NULL);
	free(t);
	o.full_names = false;
	/* every field one word: a blank in a name is escaped in text */
	xn_domain_set_name(&s.domains[0], "Web Content");
	t = write_opts(&s, XN_FMT_TEXT, 0, &o, NULL);
	CHECK(strstr(t, "\nWeb\\x20Con ") != NULL); /* and cut to 10 */
	free(t);
	t = write_opts(&s, XN_FMT_CSV, 0, &o, NULL);
	CHECK(strstr(t, ",Web Content,") != NULL); /* CSV keeps it as it is */
	free(t);
	xn_domain_set_name(&s.domains[0], "alpha");
	/* -r: the header before each of the 3 domains */
	o.repeat_header = true;
	t = write_opts(&s, XN_FMT_TEXT, 0, &o, NULL);
	CHECK(count_of(t, "      NAME ") == 3);
	CHECK(strstr(t, "AGE(s)\n     alpha") != NULL);
	free(t);
	o.repeat_header = false;
	/* -v: one line per vCPU under its domain (alpha has 2, on node 2) */
	o.vcpus = true;
	t = write_opts(&s, XN_FMT_TEXT, 0, &o, NULL);
	CHECK(strstr(t, "\n  vCPU 0 CPU - node 2 state - hard - soft -\n"
	                "  vCPU 1 CPU - node 2 state - hard - soft -\n") != NULL);
	CHECK(count_of(t, "  vCPUs unknown\n") == 2);
	free(t);
	o.vcpus = false;
	/* -z: domain 0 first whatever the sort */
	s.domains[2].id = 0;
	o.dom0_first = true;
	o.sort_col = XN_COL_NAME;
	t = write_opts(&s, XN_FMT_CSV, 0, &o, NULL);
	const char *d0 = strstr(t, ",0,"), *al = strstr(t, "alpha");
	CHECK(d0 && al && d0 < al);
	free(t);
	o.dom0_first = false;
	t = write_opts(&s, XN_FMT_CSV, 0, &o, NULL);
	d0 = strstr(t, ",0,");
	al = strstr(t, "alpha");
	CHECK(d0 && al && al < d0); /* "a-domain..." < "alpha" < "ev..." by name */
	free(t);
	/* xentop's network and VBD columns after VCPUS whatever -n, -x say,
	 * figures from the source; SSID after them */
	s.domains[0].nets = 2;
	s.domains[0].net_tx_bytes = 10240;
	s.domains[0].net_rx_bytes = 2048;
	s.domains[0].vbds = 1;
	s.domains[0].vbd_rd = 77;
	s.domains[0].valid |= XN_DOM_NET | XN_DOM_VBD;
	o.show = XN_SHOW_NET | XN_SHOW_VBD;
	o.sort_col = XN_COL_ID;
	t = write_opts(&s, XN_FMT_TEXT, 0, &o, NULL);
	CHECK(strstr(t, " VCPUS NETS NETTX(k) NETRX(k) VBDS   VBD_OO   VBD_RD   VBD_WR  VBD_RSECT "
	                " VBD_WSECT SSID    ID ") != NULL);
	CHECK(strstr(t, "     2    2       10        2    1        0       77        0          0 "
	                "         0    -    10 ") != NULL);
	/* the source did not list them one by one: no -n/-x rows */
	CHECK(strstr(t, "\nNet") == NULL && strstr(t, "\nVBD") == NULL);
	free(t);
	/* -n and -x: xentop's own rows after the domain, byte for byte as its
	 * do_network and do_vbd print them; a VBD without statistics has "-" */
	struct xn_netif nif[2] = {{.id = 0,
	                           .rx_bytes = 1234,
	                           .rx_pkts = 12,
	                           .tx_bytes = 98765432,
	                           .tx_pkts = 7,
	                           .tx_errs = 1,
	                           .tx_drop = 2},
	                          {.id = 3, .rx_bytes = 123456789012ull}};
	struct xn_vbd vb[2] = {{.dev = 51712,
	                        .kind = XN_VBD_BLKBACK,
	                        .oo = 1,
	                        .rd = 2,
	                        .wr = 3,
	                        .rsect = 4,
	                        .wsect = 5},
	                       {.dev = 51728, .kind = XN_VBD_QDISK, .error = true}};
	s.domains[0].netif = malloc(sizeof(nif));
	s.domains[0].vbd = malloc(sizeof(vb));
	CHECK(s.domains[0].netif && s.domains[0].vbd);
	memcpy(s.domains[0].netif, nif, sizeof(nif));
	memcpy(s.domains[0].vbd, vb, sizeof(vb));
	s.domains[0].vbds = 2;
	s.domains[0].valid |= XN_DOM_NET_DEVS | XN_DOM_VBD_DEVS;
	o.vcpus = true;
	t = write_opts(&s, XN_FMT_TEXT, 0, &o, NULL);
	const char *rows =
	        "Net0 RX:     1234bytes       12pkts        0err        0drop  "
	        "TX: 98765432bytes        7pkts        1err        2drop\n"
	        "Net1 RX: 123456789012bytes        0pkts        0err        0drop  "
	        "TX:        0bytes        0pkts        0err        0drop\n"
	        "VBD BlkBack 51712 [ca: 0]  OO:        1   RD:        2   WR:        3   "
	        "RSECT:          4   WSECT:          5\n"
	        "VBD QDisk 51728 [ca:10]  OO:        -   RD:        -   WR:        -   "
	        "RSECT:          -   WSECT:          -\n";
	const char *at = strstr(t, rows);
	CHECK(at != NULL);
	/* after the domain's vCPU lines, before the next domain, as xentop */
	CHECK(at && !strncmp(at - 14, "hard - soft -\n", 14));
	free(t);
	o.vcpus = false;
	o.show = XN_SHOW_NET;
	t = write_opts(&s, XN_FMT_TEXT, 0, &o, NULL);
	CHECK(strstr(t, "\nNet0 RX:") && !strstr(t, "\nVBD "));
	free(t);
	/* CSV has its columns, never the rows */
	o.show = XN_SHOW_NET | XN_SHOW_VBD;
	t = write_opts(&s, XN_FMT_CSV, 0, &o, NULL);
	CHECK(!strstr(t, "Net0") && !strstr(t, "VBD "));
	free(t);
	/* what the source is asked to read for it (source.h) */
	CHECK(xn_out_wants(&o, XN_FMT_TEXT) ==
	      (XN_WANT_NET | XN_WANT_VBD | XN_WANT_NET_DEVS | XN_WANT_VBD_DEVS));
	CHECK(xn_out_wants(&o, XN_FMT_CSV) == (XN_WANT_NET | XN_WANT_VBD));
	o.show = 0;
	o.columns = XN_COL_BIT(XN_COL_NAME) | XN_COL_BIT(XN_COL_NETTX);
	CHECK(xn_out_wants(&o, XN_FMT_TEXT) == XN_WANT_NET);
	o.columns = XN_COL_BIT(XN_COL_NAME) | XN_COL_BIT(XN_COL_LOCAL);
	CHECK(xn_out_wants(&o, XN_FMT_TEXT) == 0);
	CHECK(xn_out_wants(&o, XN_FMT_JSON) == XN_WANT_DEFAULT);
	o.columns = 0;
	/* a copy keeps the rows */
	struct xn_snapshot cp = {0};
	CHECK(xn_snapshot_copy(&cp, &s) == 0);
	CHECK(cp.domains[0].netif && cp.domains[0].netif[1].rx_bytes == 123456789012ull);
	CHECK(cp.domains[0].vbd && cp.domains[0].vbd[1].error);
	xn_snapshot_clear(&cp);
	s.domains[0].ssid = 3;
	s.domains[0].valid |= XN_DOM_SSID;
	o.show = 0;
	t = write_opts(&s, XN_FMT_TEXT, 0, &o, NULL);
	CHECK(strstr(t, "         0    3    10 ") != NULL);
	/* a recording's stray state byte reads as a flag not set */
	memcpy(s.domains[0].state, "rx?-p!", 6);
	free(t);
	t = write_opts(&s, XN_FMT_TEXT, 0, &o, NULL);
	CHECK(strstr(t, " ----p- ") != NULL);
	free(t);
	o.show = 0;
	/* CSV: one header per run; a change of nodes says so on stderr and
	 * starts a new block after a blank line */
	struct xn_out_state st = {.csv_header = false};
	char *c0 = write_opts(&s, XN_FMT_CSV, 0, &o, &st);
	char *c1 = write_opts(&s, XN_FMT_CSV, 1, &o, &st);
	CHECK(strncmp(c0, "time,", 5) == 0);
	CHECK(strstr(c1, "time,") == NULL);
	s.host.nodes[1].id = 3;
	char *c2 = write_opts(&s, XN_FMT_CSV, 2, &o, &st);
	CHECK(strncmp(c2, "\ntime,name,", 11) == 0);
	CHECK(strstr(c2, ",node0_mib,node3_mib,") != NULL);
	char *c3 = write_opts(&s, XN_FMT_CSV, 3, &o, &st);
	CHECK(strstr(c3, "time,") == NULL);
	free(c0);
	free(c1);
	free(c2);
	free(c3);
	xn_snapshot_clear(&s);
}

int main(void)
{
	test_batch_flags();
	test_format();
	test_affinity();
	test_escape();
	test_titles_find();
	test_sort();
	test_output();
	return check_report("test_columns");
}
