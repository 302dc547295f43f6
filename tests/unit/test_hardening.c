/* test_hardening.c - regression tests from issue 12's findings, each built
 * from its reproducer: hostile recording fields, the age overflow, the line
 * reader's cap, the QEMU name parser's contract, a year-10000 time, the
 * one-cell escaping of names, the PID re-check of --set-affinity. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "columns.h"
#include "linux/linux_parse.h"
#include "linux/linux_priv.h"
#include "output.h"
#include "replay.h"
#include "util.h"

/* The smallest valid line, with fields to splice in. */
static int parse(const char *time, const char *dom, struct xn_snapshot *s, char *err, size_t n)
{
	char line[2048];
	snprintf(line, sizeof(line),
	         "{\"schema\":2,\"time\":\"%s\",\"origin\":\"xen\",\"host\":{\"hostname\":\"h\","
	         "\"page_size\":4096,\"nr_cpus\":1,\"nodes\":[{\"id\":0,\"mem_total\":1,"
	         "\"mem_free\":1,\"cpus\":[0]}],\"distance\":[[10]]},\"domains\":[%s]}",
	         time, dom);
	memset(s, 0, sizeof(*s));
	return xn_replay_parse_line(line, strlen(line), s, err, n);
}

static void fmt(enum xn_col_id id, const struct xn_snapshot *s, char *buf, size_t len)
{
	struct xn_fmt_ctx c = {.snap = s, .units = XN_UNITS_MIB};
	xn_columns[id].format(&c, &s->domains[0], -1, buf, len);
}

static bool has_raw_control(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return true;
	return false;
}

/* Finding 1: a recorded state of any 6 bytes, and an error quoting the
 * recording, reach the output escaped. */
static void test_hostile_state(void)
{
	struct xn_snapshot s;
	char err[256], buf[64];
	/* the reader refuses it (its error quotes it: escaped at the boundary) */
	CHECK(parse("2026-01-01T00:00:00Z", "{\"id\":1,\"name\":\"a\",\"state\":\"\\u001b[2J\"}",
	            &s, err, sizeof(err)) == -EINVAL);
	CHECK(strstr(err, "state") != NULL);
	CHECK(parse("2026-01-01T00:00:00Z", "{\"id\":1,\"name\":\"a\",\"state\":\"--b---\"}", &s,
	            err, sizeof(err)) == 0);
	xn_snapshot_clear(&s);
	/* and a state that gets in otherwise is escaped by the formatter */
	struct xn_domain d;
	memset(&d, 0, sizeof(d));
	memcpy(d.state, "\x1b[2J--", 7);
	d.valid = XN_DOM_STATE;
	s.domains = &d;
	s.nr_domains = 1;
	fmt(XN_COL_STATE, &s, buf, sizeof(buf));
	CHECK_STR(buf, "\\x1b[2J--");
	memset(&s, 0, sizeof(s));
	CHECK(parse("\\u001b]0;x\\u0007", "", &s, err, sizeof(err)) == -EINVAL);
	char esc[512];
	xn_escape(err, esc, sizeof(esc));
	CHECK(strstr(esc, "\\x1b]0;x\\x07") != NULL);
	CHECK(!has_raw_control(esc));
	/* jansson quotes the offending byte: "near '\x1b'" */
	const char bad[] = "{\"schema\":1,\"time\":\x1b[2J}";
	CHECK(xn_replay_parse_line(bad, sizeof(bad) - 1, &s, err, sizeof(err)) == -EINVAL);
	CHECK(has_raw_control(err)); /* raw inside: the boundary must escape it */
	xn_escape(err, esc, sizeof(esc));
	CHECK(!has_raw_control(esc));
	CHECK(strstr(esc, "near '\\x1b'") != NULL);
}

/* Finding 2: pages_age_ms near INT64_MAX is refused by the reader, and the
 * age column rounds without overflow up to the largest value it accepts. */
static void test_age(void)
{
	struct xn_snapshot s;
	char err[256], buf[64];
	CHECK(parse("2026-01-01T00:00:00Z",
	            "{\"id\":1,\"name\":\"a\",\"node_pages\":[5],\"pages_method\":\"xen_op\","
	            "\"pages_age_ms\":9223372036854775807}",
	            &s, err, sizeof(err)) == -EINVAL);
	CHECK(strstr(err, "pages_age_ms") != NULL);
	CHECK(parse("2026-01-01T00:00:00Z",
	            "{\"id\":1,\"name\":\"a\",\"node_pages\":[5],\"pages_method\":\"xen_op\","
	            "\"pages_age_ms\":-1}",
	            &s, err, sizeof(err)) == -EINVAL);
	memset(&s, 0, sizeof(s));
	struct xn_domain d;
	memset(&d, 0, sizeof(d));
	d.valid = XN_DOM_PAGES;
	d.pages_method = XN_PAGES_XEN_OP;
	d.pages_age_ms = INT64_MAX;
	s.domains = &d;
	s.nr_domains = 1;
	fmt(XN_COL_AGE, &s, buf, sizeof(buf));
	CHECK_STR(buf, "9223372036854776"); /* 9223372036854775.807 s, rounded */
	d.pages_age_ms = 1499;
	fmt(XN_COL_AGE, &s, buf, sizeof(buf));
	CHECK_STR(buf, "1");
	d.pages_age_ms = 1500;
	fmt(XN_COL_AGE, &s, buf, sizeof(buf));
	CHECK_STR(buf, "2");
}

/* Found by the replay_derive harness: a recorded locality of 778 became an
 * advice with LOCAL% 778, written back and then refused: both are 0..100. */
static void test_locality_range(void)
{
	struct xn_snapshot s;
	char err[256];
	CHECK(parse("2026-01-01T00:00:00Z", "{\"id\":1,\"name\":\"a\",\"locality\":778}", &s, err,
	            sizeof(err)) == -EINVAL);
	CHECK(strstr(err, "locality") != NULL);
	CHECK(parse("2026-01-01T00:00:00Z", "{\"id\":1,\"name\":\"a\",\"locality\":100}", &s, err,
	            sizeof(err)) == 0);
	xn_snapshot_clear(&s);
}

/* Found by the replay_derive harness: a locality of -0 was written "-0"
 * and read back as the integer 0: written as 0. */
static void test_negative_zero(void)
{
	struct xn_snapshot s;
	char err[256], *buf = NULL;
	size_t len = 0;
	CHECK(parse("2026-01-01T00:00:00Z", "{\"id\":1,\"name\":\"a\",\"locality\":5}", &s, err,
	            sizeof(err)) == 0);
	s.domains[0].locality = -0.0;
	FILE *f = open_memstream(&buf, &len);
	CHECK(xn_json_write_snapshot(f, &s) == 0);
	fclose(f);
	CHECK(strstr(buf, "\"locality\":0,") != NULL);
	CHECK(strstr(buf, "\"locality\":-0") == NULL);
	free(buf);
	xn_snapshot_clear(&s);
}

/* Finding 8: 9999-12-31T23:59:60Z is year 10000: refused; the last
 * second of 9999 is still read. */
static void test_year_10000(void)
{
	struct xn_snapshot s;
	char err[256];
	CHECK(parse("9999-12-31T23:59:60Z", "", &s, err, sizeof(err)) == -EINVAL);
	CHECK(parse("9999-12-31T23:59:59Z", "", &s, err, sizeof(err)) == 0);
	CHECK_EQ_U64(s.time.tv_sec, 253402300799u);
	xn_snapshot_clear(&s);
}

/* Finding 3: a line is read up to a cap; past it, to its end and dropped. */
static void test_read_line(void)
{
	char data[] = "short\n0123456789abcdef\nlast";
	FILE *f = fmemopen(data, strlen(data), "r");
	char *buf = NULL;
	size_t cap = 0;
	bool tl;
	CHECK(xn_read_line(f, &buf, &cap, 10, &tl) == 6 && !tl);
	CHECK_STR(buf, "short\n");
	CHECK(xn_read_line(f, &buf, &cap, 10, &tl) == 17 && tl);
	CHECK(xn_read_line(f, &buf, &cap, 10, &tl) == 4 && !tl);
	CHECK_STR(buf, "last");
	CHECK(xn_read_line(f, &buf, &cap, 10, &tl) == 0);
	fclose(f);
	free(buf);
}

/* Finding 4: nothing is read past len, terminated or not (the exact-size
 * heap copy makes ASan catch a read past the end). */
static void test_qemu_contract(void)
{
	char out[32];
	static const char raw[] = {'q', 0, '-', 'n', 'a', 'm', 'e', 0, 'w', 'e', 'b'};
	char *p = malloc(sizeof(raw));
	memcpy(p, raw, sizeof(raw));
	CHECK(xn_lx_qemu_guest_name(p, sizeof(raw), out, sizeof(out)) == -ENOENT);
	CHECK(xn_lx_qemu_guest_name(p, 7, out, sizeof(out)) == -ENOENT); /* "-name" cut */
	p[sizeof(raw) - 1] = 0;                                          /* "we" */
	CHECK(xn_lx_qemu_guest_name(p, sizeof(raw), out, sizeof(out)) == 0);
	CHECK_STR(out, "we");
	free(p);
}

/* Finding 6: bidi, zero-width, combining and wide characters are escaped
 * in names; a one-cell letter outside ASCII is kept. */
static void test_escape(void)
{
	char buf[128];
	xn_escape("a\xe2\x80\xae"
	          "b",
	          buf, sizeof(buf)); /* U+202E RLO */
	CHECK_STR(buf, "a\\xe2\\x80\\xaeb");
	xn_escape("a\xe2\x80\x8b"
	          "b",
	          buf, sizeof(buf)); /* U+200B ZWSP */
	CHECK_STR(buf, "a\\xe2\\x80\\x8bb");
	xn_escape("\xe5\x90\x8d", buf, sizeof(buf)); /* U+540D, two cells */
	CHECK_STR(buf, "\\xe5\\x90\\x8d");
	xn_escape("c\xcc\x81", buf, sizeof(buf)); /* combining acute */
	CHECK_STR(buf, "c\\xcc\\x81");
	xn_escape("\xc2\x9b"
	          "1m",
	          buf, sizeof(buf)); /* C1 CSI */
	CHECK_STR(buf, "\\xc2\\x9b1m");
	xn_escape("caf\xc3\xa9\\", buf, sizeof(buf));
	CHECK_STR(buf, "caf\xc3\xa9\\\\");
}

/* Finding 7: a PID whose process is not the one seen at the last refresh
 * (another start time) is not touched. */
static void test_pid_reused(void)
{
	struct xn_lx_source lx;
	memset(&lx, 0, sizeof(lx));
	struct xn_host h;
	memset(&h, 0, sizeof(h));
	char err[256];
	if (xn_lx_host_read(&h, err, sizeof(err))) {
		printf("SKIP pid reuse: %s\n", err);
		return;
	}
	char path[64], text[4096];
	struct xn_lx_stat ps;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)getpid());
	CHECK(xn_lx_read_small(path, text, sizeof(text)) > 0 && xn_lx_parse_stat(text, &ps) == 0);
	struct xn_lx_qemu_seen seen = {getpid(), ps.starttime + 1, false};
	lx.qseen = &seen;
	lx.nr_qseen = 1;
	xn_nodemask nodes;
	memset(&nodes, 0, sizeof(nodes));
	XN_NM_SET(&nodes, h.nodes[0].id);
	char msg[256] = "";
	int r = xn_lx_proc_set_affinity(&lx, &h, getpid(), &nodes, 0, msg, sizeof(msg));
	CHECK(r == -ESRCH);
	CHECK(strstr(lx.base.err, "another process") != NULL);
	CHECK_STR(msg, "");
	free(h.nodes);
	free(h.zones);
	free(h.distance);
}

int main(void)
{
	test_hostile_state();
	test_age();
	test_year_10000();
	test_locality_range();
	test_negative_zero();
	test_read_line();
	test_qemu_contract();
	test_escape();
	test_pid_reused();
	return check_report("test_hardening");
}
