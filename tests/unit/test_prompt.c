/* test_prompt.c - the prompt state machines: the affinity prompt validates
 * the node list at every keystroke (the error names the bad node), says what
 * will change (moved pages, or Xen's future-only rule), and accepts only
 * after Enter then y; the delay and filter prompts. */
#include <string.h>

#include "check.h"
#include "tui/keys.h"
#include "tui/prompt.h"
#include "view_fixture.h"

static enum xn_prompt_result type(struct xn_prompt *p, const char *s, const struct xn_host *h,
                                  const struct xn_domain *d)
{
	enum xn_prompt_result r = XN_PROMPT_EDITING;
	for (; *s; s++)
		r = xn_prompt_key(p, (unsigned char)*s, h, d);
	return r;
}

static void test_affinity(void)
{
	struct xn_snapshot s;
	fx_snapshot(&s, 2);
	const struct xn_domain *d = xn_snapshot_find(&s, 7); /* db-primary: 50/50, affinity 0 */
	struct xn_prompt p;
	xn_prompt_open_affinity(&p, d, &s.host, false);
	CHECK(p.kind == XN_PROMPT_AFFINITY && !p.valid);
	CHECK_STR(p.current, "0");
	CHECK(strstr(p.hint, "valid nodes: 0-1") != NULL);
	/* Enter on an empty or invalid list does nothing */
	CHECK(xn_prompt_key(&p, XN_KEY_ENTER, &s.host, d) == XN_PROMPT_EDITING);
	CHECK(!p.confirming);
	CHECK(type(&p, "5", &s.host, d) == XN_PROMPT_EDITING);
	CHECK(!p.valid);
	CHECK_STR(p.hint, "node 5 does not exist (valid nodes: 0-1)");
	CHECK(xn_prompt_key(&p, XN_KEY_ENTER, &s.host, d) == XN_PROMPT_EDITING);
	CHECK(!p.confirming);
	/* syntax errors too */
	xn_prompt_key(&p, XN_KEY_BACKSPACE, &s.host, d);
	type(&p, "0-", &s.host, d);
	CHECK(!p.valid && p.hint[0]);
	xn_prompt_key(&p, XN_KEY_BACKSPACE, &s.host, d);
	xn_prompt_key(&p, XN_KEY_BACKSPACE, &s.host, d);
	CHECK_EQ_U64(p.len, 0);
	/* a valid list: what will change */
	type(&p, "1", &s.host, d);
	CHECK(p.valid);
	CHECK(XN_NM_TEST(&p.mask, 1) && !XN_NM_TEST(&p.mask, 0));
	CHECK_STR(p.hint, "affinity 0 -> 1: 1048576 of 2097152 pages will be moved");
	/* Enter asks, n goes back to editing, Enter + y accepts */
	CHECK(xn_prompt_key(&p, XN_KEY_ENTER, &s.host, d) == XN_PROMPT_EDITING);
	CHECK(p.confirming);
	char line[256];
	xn_prompt_line(&p, line, sizeof(line));
	CHECK_STR(line, "apply node affinity 1 to db-primary (id 7)? [y/n] ");
	CHECK(xn_prompt_key(&p, 'x', &s.host, d) == XN_PROMPT_EDITING);
	CHECK(xn_prompt_key(&p, 'n', &s.host, d) == XN_PROMPT_EDITING);
	CHECK(!p.confirming);
	xn_prompt_key(&p, XN_KEY_ENTER, &s.host, d);
	CHECK(xn_prompt_key(&p, 'y', &s.host, d) == XN_PROMPT_ACCEPTED);
	/* the domain vanished between Enter and y: not accepted */
	xn_prompt_open_affinity(&p, d, &s.host, false);
	type(&p, "all", &s.host, d);
	CHECK(p.valid);
	CHECK(strstr(p.hint, "-> all: all 2097152 pages already there") != NULL);
	xn_prompt_key(&p, XN_KEY_ENTER, &s.host, d);
	CHECK(xn_prompt_key(&p, 'y', &s.host, NULL) == XN_PROMPT_EDITING);
	CHECK_STR(p.hint, "the domain is gone");
	/* Esc cancels at any point */
	CHECK(xn_prompt_key(&p, XN_KEY_ESC, &s.host, d) == XN_PROMPT_CANCELLED);
	/* Xen: future allocations only */
	xn_prompt_open_affinity(&p, d, &s.host, true);
	type(&p, "1", &s.host, d);
	CHECK(strstr(p.hint, "stay there (Xen: affinity steers future allocations only)") != NULL);
	/* pages unknown */
	const struct xn_domain *u = xn_snapshot_find(&s, 9);
	xn_prompt_open_affinity(&p, u, &s.host, false);
	type(&p, "0", &s.host, u);
	CHECK(p.valid && strstr(p.hint, "pages per node unknown") != NULL);
	/* the escaped name in the question: no control character */
	const struct xn_domain *e = xn_snapshot_find(&s, 12);
	xn_prompt_open_affinity(&p, e, &s.host, false);
	xn_prompt_line(&p, line, sizeof(line));
	for (const char *c = line; *c; c++)
		CHECK((unsigned char)*c >= 0x20 && (unsigned char)*c < 0x7f);
	/* non-printable keys are not typed */
	xn_prompt_key(&p, 0x1b, &s.host, e);
	xn_prompt_key(&p, XN_KEY_UP, &s.host, e);
	CHECK_EQ_U64(p.len, 0);
	xn_snapshot_clear(&s);
}

static void test_delay_filter(void)
{
	struct xn_prompt p;
	xn_prompt_open_delay(&p, 3);
	CHECK(xn_prompt_key(&p, XN_KEY_ENTER, NULL, NULL) == XN_PROMPT_EDITING);
	type(&p, "0", NULL, NULL);
	CHECK(!p.valid);
	CHECK(xn_prompt_key(&p, XN_KEY_ENTER, NULL, NULL) == XN_PROMPT_EDITING);
	type(&p, ".5", NULL, NULL);
	CHECK(p.valid);
	CHECK(xn_prompt_key(&p, XN_KEY_ENTER, NULL, NULL) == XN_PROMPT_ACCEPTED);
	CHECK(p.delay == 0.5);
	xn_prompt_open_delay(&p, 3);
	type(&p, "abc", NULL, NULL);
	CHECK(!p.valid);
	char line[128];
	xn_prompt_line(&p, line, sizeof(line));
	CHECK_STR(line, "delay in seconds (now 3): abc_");

	xn_prompt_open_filter(&p, "we");
	CHECK_EQ_U64(p.len, 2);
	type(&p, "b", NULL, NULL);
	CHECK_STR(p.buf, "web");
	CHECK(xn_prompt_key(&p, XN_KEY_ENTER, NULL, NULL) == XN_PROMPT_ACCEPTED);
	/* the buffer never overflows */
	xn_prompt_open_filter(&p, "");
	for (int i = 0; i < 200; i++)
		xn_prompt_key(&p, 'x', NULL, NULL);
	CHECK_EQ_U64(p.len, sizeof(p.buf) - 1);
	CHECK_EQ_U64(strlen(p.buf), sizeof(p.buf) - 1);
}

/* The affinity prompt opened by 'A': the advised nodes typed in, asking
 * y/n at once, the question naming the action and the hint its effect;
 * n goes back to the list, and an edited list is a plain affinity change. */
static void test_advice(void)
{
	struct xn_snapshot s;
	fx_snapshot(&s, 4);
	struct xn_domain *d = xn_snapshot_find(&s, 3); /* misplaced-vm: vcpus>0 */
	struct xn_prompt p;
	xn_prompt_open_advice(&p, d, &s.host, false, XN_AFF_CPUS | XN_AFF_NO_MEMORY,
	                      "run vCPUs on node 0", "100% of its memory is there");
	CHECK(p.kind == XN_PROMPT_AFFINITY && p.advice && p.valid && p.confirming);
	CHECK_STR(p.buf, "0");
	CHECK_STR(p.hint, "100% of its memory is there");
	CHECK_EQ_U64(p.flags, XN_AFF_CPUS | XN_AFF_NO_MEMORY);
	char line[256];
	xn_prompt_line(&p, line, sizeof(line));
	CHECK_STR(line, "apply advice to misplaced-vm (id 3): run vCPUs on node 0? [y/n] ");
	/* n: back to the list, still the advice; Enter asks again; y applies */
	CHECK(xn_prompt_key(&p, 'n', &s.host, d) == XN_PROMPT_EDITING);
	CHECK(!p.confirming && p.advice);
	CHECK(xn_prompt_key(&p, XN_KEY_ENTER, &s.host, d) == XN_PROMPT_EDITING);
	CHECK(p.confirming);
	CHECK(xn_prompt_key(&p, 'y', &s.host, d) == XN_PROMPT_ACCEPTED);
	CHECK(p.advice && XN_NM_TEST(&p.mask, 0) && !XN_NM_TEST(&p.mask, 1));
	/* an edited list is the operator's own: plain question and hint */
	xn_prompt_open_advice(&p, d, &s.host, false, XN_AFF_CPUS | XN_AFF_NO_MEMORY, "w", "h");
	xn_prompt_key(&p, 'n', &s.host, d);
	type(&p, ",1", &s.host, d);
	CHECK(!p.advice && p.valid);
	CHECK(strstr(p.hint, "affinity 3 -> 0-1") != NULL);
	xn_prompt_key(&p, XN_KEY_ENTER, &s.host, d);
	xn_prompt_line(&p, line, sizeof(line));
	CHECK_STR(line, "apply node affinity 0,1 to misplaced-vm (id 3)? [y/n] ");
	/* advised nodes the host does not have: no question, the error shown */
	XN_NM_SET(&d->advice.nodes, 9);
	xn_prompt_open_advice(&p, d, &s.host, false, 0, "w", "h");
	CHECK(!p.valid && !p.confirming);
	CHECK_STR(p.hint, "node 9 does not exist (valid nodes: 0-3)");
	xn_snapshot_clear(&s);
}

/* One vocabulary: the dialog says "current" in the AFFINITY column's words
 * for every domain ("all" for no explicit affinity, as `xl list -n`). */
static void test_affinity_words(void)
{
	struct xn_snapshot s;
	fx_snapshot(&s, 4);
	struct xn_fmt_ctx ctx = {.snap = &s, .units = XN_UNITS_MIB};
	bool all = false;
	for (size_t i = 0; i < s.nr_domains; i++) {
		const struct xn_domain *d = &s.domains[i];
		char col[64];
		struct xn_prompt p;
		xn_columns[XN_COL_AFFINITY].format(&ctx, d, 0, col, sizeof(col));
		xn_prompt_open_affinity(&p, d, &s.host, false);
		CHECK_STR(p.current, col);
		all |= !strcmp(col, "all") && d->affinity_auto;
	}
	CHECK(all); /* Domain-0's derived affinity reads "all", never "auto" */
	xn_snapshot_clear(&s);
}

int main(void)
{
	test_affinity_words();
	test_affinity();
	test_advice();
	test_delay_filter();
	return check_report("test_prompt");
}
