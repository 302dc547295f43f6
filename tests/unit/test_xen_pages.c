/* test_xen_pages.c - the xen source's choice of method per domain and
 * refresh (src/xen_pages.c), against a fake page op: a domain the op cannot
 * answer takes its figures from the last 'u' dump for that refresh only, is
 * asked again on the next one, and says which method gave its figures; only
 * an op that is absent (ENOSYS and kin) is never asked. This file defines the
 * xn_xen_pageop_* functions itself, so the linker takes them instead of
 * src/xen_pageop.c from libxn.a. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "check.h"

#ifndef HAVE_XEN
int main(void)
{
	printf("built without Xen development files\n");
	return 77;
}
#else
#include "util.h"
#include "xen/xen_pageop.h"
#include "xen/xen_priv.h"

/* The fake op: per domain id, the error to answer (0 = the figures below). */
static int fake_err[8];
static int fake_probe_err;
static unsigned fake_queries;
static uint64_t fake_hint[8]; /* the tot_hint each domain was last asked with */
static int fake_upper_ok[8];  /* the upper_ok each domain was last asked with */
static const uint64_t fake_pages[8][2] = {{300, 100}, {0}, {0}, {0}, {0}, {7, 70}};

int xn_xen_pageop_probe(xc_interface *xch)
{
	(void)xch;
	return fake_probe_err;
}

int xn_xen_pageop_query(xc_interface *xch, uint32_t domid, unsigned nr_nodes, uint64_t tot_hint,
                        int upper_ok, uint64_t *pages_out, char *err, size_t errlen)
{
	(void)xch;
	fake_upper_ok[domid < 8 ? domid : 0] = upper_ok;
	fake_queries++;
	if (domid >= 8 || nr_nodes != 2)
		return -EINVAL;
	fake_hint[domid] = tot_hint;
	if (fake_err[domid] < 0) {
		snprintf(err, errlen, "fake error %d", fake_err[domid]);
		return fake_err[domid];
	}
	memcpy(pages_out, fake_pages[domid], sizeof(fake_pages[domid]));
	if (fake_err[domid] == XN_PAGEOP_UPPER)
		snprintf(err, errlen, "counts sum above tot_pages");
	return fake_err[domid]; /* 0 or XN_PAGEOP_UPPER */
}

int xn_pageop_absent(int err)
{
	return err == -ENOSYS || err == -EPERM;
}

int xn_pageop_check(const uint64_t *pages, unsigned nr, unsigned cap, unsigned need,
                    uint64_t tot_pages, char *err, size_t errlen)
{
	(void)pages, (void)nr, (void)cap, (void)need, (void)tot_pages, (void)err, (void)errlen;
	return 0;
}

void xn_xen_pageop_release(void)
{
}

/* A 'u' dump as the console would hold it: d0 and d5 on nodes 0 and 1. */
static const char udump_text[] = "(XEN) 'u' pressed -> dumping numa info (now = 9)\n"
                                 "(XEN) NODE0 start->0 size->1000 free->1\n"
                                 "(XEN) NODE1 start->1000 size->1000 free->1\n"
                                 "(XEN) Memory location of each domain:\n"
                                 "(XEN) Domain 0 (total: 400):\n"
                                 "(XEN)     Node 0: 250\n"
                                 "(XEN)     Node 1: 150\n"
                                 "(XEN) Domain 5 (total: 77):\n"
                                 "(XEN)     Node 0: 11\n"
                                 "(XEN)     Node 1: 66\n";

/* A fresh snapshot with d0 and d5 on a 2-node host, as xen_domains_sample
 * leaves it (pages unknown). */
static void new_snapshot(struct xn_snapshot *s)
{
	xn_snapshot_clear(s);
	CHECK_EQ_U64(xn_host_alloc_nodes(&s->host, 2), 0);
	s->host.nodes[0].id = 0;
	s->host.nodes[1].id = 1;
	CHECK(xn_snapshot_add_domain(s) != NULL);
	CHECK(xn_snapshot_add_domain(s) != NULL);
	s->domains[0].id = 0;
	s->domains[1].id = 5;
}

static void init_priv(struct xen_priv *p)
{
	char err[128] = "";
	memset(p, 0, sizeof(*p));
	/* A 'u' dump taken just now, and a rate limit that forbids another:
	 * the fallback reads it without touching the console. */
	CHECK_EQ_U64(xn_udump_parse(udump_text, strlen(udump_text), 0, &p->udump, err, sizeof(err)),
	             0);
	CHECK(p->udump.complete);
	p->have_udump = true;
	p->udump_mono_ns = p->try_mono_ns = xn_now_mono_ns();
	p->cfg.debugkey_interval = 1e6;
}

static void test_retry(void)
{
	struct xen_priv p;
	struct xn_snapshot s = {0};

	init_priv(&p);
	fake_probe_err = 0;
	xen_pages_init(&p);
	CHECK(p.have_pageop);

	/* Refresh 1: the op answers d0 but not d5 (memory moving). */
	memset(fake_err, 0, sizeof(fake_err));
	fake_err[5] = -EAGAIN;
	new_snapshot(&s);
	xen_pages_query(&p, &s);
	CHECK_EQ_U64(s.domains[0].pages_method, XN_PAGES_XEN_OP);
	CHECK_EQ_U64(s.domains[0].node_pages[0], 300);
	CHECK_EQ_U64(s.domains[0].node_pages[1], 100);
	CHECK_EQ_U64(s.domains[1].pages_method, XN_PAGES_XEN_DEBUGKEY);
	CHECK(s.domains[1].valid & XN_DOM_PAGES);
	CHECK_EQ_U64(s.domains[1].node_pages[0], 11);
	CHECK_EQ_U64(s.domains[1].node_pages[1], 66);
	CHECK(strstr(p.base.note, "d5") && strstr(p.base.note, "fake error"));
	CHECK(p.have_pageop); /* never switched off */

	/* Refresh 2: the op answers both again: both from the op, note gone. */
	fake_err[5] = 0;
	unsigned before = fake_queries;
	new_snapshot(&s);
	xen_pages_query(&p, &s);
	CHECK_EQ_U64(fake_queries - before, 2);
	CHECK_EQ_U64(s.domains[1].pages_method, XN_PAGES_XEN_OP);
	CHECK_EQ_U64(s.domains[1].node_pages[0], 7);
	CHECK_EQ_U64(s.domains[1].node_pages[1], 70);
	CHECK_EQ_U64(s.domains[0].pages_method, XN_PAGES_XEN_OP);
	CHECK_EQ_U64(p.base.note[0], 0);

	/* Refresh 3: an error for every domain (say EFAULT) is no different. */
	fake_err[0] = fake_err[5] = -EFAULT;
	new_snapshot(&s);
	xen_pages_query(&p, &s);
	CHECK_EQ_U64(s.domains[0].pages_method, XN_PAGES_XEN_DEBUGKEY);
	CHECK_EQ_U64(s.domains[0].node_pages[0], 250);
	CHECK_EQ_U64(s.domains[1].pages_method, XN_PAGES_XEN_DEBUGKEY);
	CHECK(p.have_pageop);

	/* Refresh 4: a domain gone between the list and the op (ESRCH) is
	 * neither an error nor filled from 'u'. */
	fake_err[0] = 0;
	fake_err[5] = -ESRCH;
	new_snapshot(&s);
	xen_pages_query(&p, &s);
	CHECK_EQ_U64(s.domains[0].pages_method, XN_PAGES_XEN_OP);
	CHECK_EQ_U64(s.domains[1].pages_method, XN_PAGES_NONE);
	CHECK(!(s.domains[1].valid & XN_DOM_PAGES));
	CHECK_EQ_U64(p.base.note[0], 0);

	xn_snapshot_clear(&s);
	xn_udump_free(&p.udump);
}

static void test_probe(void)
{
	struct xen_priv p;
	struct xn_snapshot s = {0};

	/* No op in this hypervisor: never asked, 'u' for everyone. */
	init_priv(&p);
	fake_probe_err = -ENOSYS;
	xen_pages_init(&p);
	CHECK(!p.have_pageop);
	unsigned before = fake_queries;
	new_snapshot(&s);
	xen_pages_query(&p, &s);
	CHECK_EQ_U64(fake_queries, before);
	CHECK_EQ_U64(s.domains[0].pages_method, XN_PAGES_XEN_DEBUGKEY);
	CHECK_EQ_U64(s.domains[1].pages_method, XN_PAGES_XEN_DEBUGKEY);

	/* A transient probe failure leaves the op on. */
	fake_probe_err = -EFAULT;
	xen_pages_init(&p);
	CHECK(p.have_pageop);

	/* --no-pageop: off whatever the probe says. */
	fake_probe_err = 0;
	p.cfg.no_pageop = true;
	xen_pages_init(&p);
	CHECK(!p.have_pageop);

	xn_snapshot_clear(&s);
	xn_udump_free(&p.udump);
}

/* The op's answer is checked first against the domain list's tot_pages
 * (cur_mem in bytes), saving a getdomaininfo; no hint when it is unknown. */
static void test_hint(void)
{
	struct xen_priv p;
	struct xn_snapshot s = {0};

	init_priv(&p);
	fake_probe_err = 0;
	xen_pages_init(&p);
	memset(fake_err, 0, sizeof(fake_err));
	new_snapshot(&s);
	s.domains[0].mem_cur = 400ull * 4096;
	s.domains[0].valid |= XN_DOM_MEM_CUR;
	xen_pages_query(&p, &s);
	CHECK_EQ_U64(fake_hint[0], 400);
	CHECK_EQ_U64(fake_hint[5], XN_PAGEOP_NO_HINT);
	CHECK_EQ_U64(s.domains[0].pages_method, XN_PAGES_XEN_OP);

	xn_snapshot_clear(&s);
	xn_udump_free(&p.udump);
}

/* XenServer's counts (extra pages counted, frees never taken back) sum above
 * tot_pages: the figures are kept but labelled upper bounds, the note says
 * so, and from then on the host is known to answer so (upper_ok: no
 * re-reading to make them exact). An exact answer stays "xen_op". */
static void test_upper(void)
{
	struct xen_priv p;
	struct xn_snapshot s = {0};

	init_priv(&p);
	fake_probe_err = 0;
	xen_pages_init(&p);
	memset(fake_err, 0, sizeof(fake_err));
	fake_err[5] = XN_PAGEOP_UPPER;
	new_snapshot(&s);
	xen_pages_query(&p, &s);
	CHECK_EQ_U64(fake_upper_ok[5], 0); /* not yet known */
	CHECK_EQ_U64(s.domains[0].pages_method, XN_PAGES_XEN_OP);
	CHECK_EQ_U64(s.domains[1].pages_method, XN_PAGES_XEN_OP_UPPER);
	CHECK(s.domains[1].valid & XN_DOM_PAGES);
	CHECK_EQ_U64(s.domains[1].node_pages[0], 7);
	CHECK_EQ_U64(s.domains[1].node_pages[1], 70);
	CHECK(strstr(p.base.note, "d5") && strstr(p.base.note, "upper bounds"));
	CHECK(p.pageop_upper);
	CHECK_EQ_U64(strcmp(xn_pages_method_name(XN_PAGES_XEN_OP_UPPER), "xen_op_upper"), 0);
	CHECK_EQ_U64(xn_pages_method_parse("xen_op_upper"), XN_PAGES_XEN_OP_UPPER);

	/* Next refresh: asked with upper_ok; exact again, no note. */
	fake_err[5] = 0;
	new_snapshot(&s);
	xen_pages_query(&p, &s);
	CHECK_EQ_U64(fake_upper_ok[5], 1);
	CHECK_EQ_U64(s.domains[1].pages_method, XN_PAGES_XEN_OP);
	CHECK_EQ_U64(p.base.note[0], 0);

	xn_snapshot_clear(&s);
	xn_udump_free(&p.udump);
}

int main(void)
{
	test_retry();
	test_upper();
	test_hint();
	test_probe();
	return check_report("test_xen_pages");
}
#endif
