/* test_xen_probe.c - the xen source says in words why it cannot run here
 * (this build machine is not a Xen dom0), and auto-detection then moves on.
 * In a dom0 (the QEMU lab runs this binary there: tests/vm/checks/xen/unit.sh)
 * it must work: probe and open succeed, and one sample lists Domain-0 with
 * figures per node for as many nodes as the lab emulated (XN_EXPECT_NODES),
 * and libxenstat (xentop's library, the reference for xentop's columns),
 * read right after the same sample, lists the same domains with the same
 * names, memory and vCPU counts, networks and VBDs (counters read later
 * can only have grown). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "snapshot.h"
#include "source.h"

#ifdef HAVE_XEN
#undef __STRICT_ANSI__
#include <xenstat.h>

/* Our sample against libxenstat's reading of the host just after it. */
static void compare_xenstat(const struct xn_snapshot *s)
{
	xenstat_handle *xh = xenstat_init();
	CHECK(xh != NULL);
	xenstat_node *node = xh ? xenstat_get_node(xh, XENSTAT_NETWORK | XENSTAT_VBD) : NULL;
	CHECK(node != NULL);
	if (!node) {
		if (xh)
			xenstat_uninit(xh);
		return;
	}
	unsigned n = xenstat_node_num_domains(node), same = 0;
	for (unsigned i = 0; i < n; i++) {
		xenstat_domain *xd = xenstat_node_domain_by_index(node, i);
		const struct xn_domain *d = xd ? xn_snapshot_find(s, xenstat_domain_id(xd)) : NULL;
		CHECK(d != NULL); /* created since our sample: none in the lab */
		if (!d)
			continue;
		CHECK_STR(d->name ? d->name : "", xenstat_domain_name(xd));
		CHECK_EQ_U64(d->vcpus, xenstat_domain_num_vcpus(xd));
		CHECK_EQ_U64(d->mem_max, xenstat_domain_max_mem(xd));
		CHECK(d->valid & XN_DOM_NET);
		CHECK(d->valid & XN_DOM_VBD);
		CHECK(d->valid & XN_DOM_NET_DEVS); /* asked for in test_dom0 */
		CHECK(d->valid & XN_DOM_VBD_DEVS);
		CHECK_EQ_U64(d->nets, xenstat_domain_num_networks(xd));
		CHECK_EQ_U64(d->vbds, xenstat_domain_num_vbds(xd));
		uint64_t tx = 0, rx = 0, rd = 0, wr = 0;
		for (unsigned k = 0; k < xenstat_domain_num_networks(xd); k++) {
			xenstat_network *net = xenstat_domain_network(xd, k);
			tx += net ? xenstat_network_tbytes(net) : 0;
			rx += net ? xenstat_network_rbytes(net) : 0;
			/* each interface, in libxenstat's order (the -n lines) */
			if (net && k < d->nets && d->netif)
				CHECK_EQ_U64(d->netif[k].id, xenstat_network_id(net));
		}
		for (unsigned k = 0; k < xenstat_domain_num_vbds(xd); k++) {
			xenstat_vbd *b = xenstat_domain_vbd(xd, k);
			rd += b && !xenstat_vbd_error(b) ? xenstat_vbd_rd_reqs(b) : 0;
			wr += b && !xenstat_vbd_error(b) ? xenstat_vbd_wr_reqs(b) : 0;
			if (b && k < d->vbds && d->vbd) /* each device (the -x lines) */
				CHECK_EQ_U64(d->vbd[k].dev, xenstat_vbd_dev(b));
		}
		CHECK(d->net_tx_bytes <= tx && d->net_rx_bytes <= rx);
		CHECK(d->vbd_rd <= rd && d->vbd_wr <= wr);
		same++;
	}
	printf("test_xen_probe: libxenstat lists %u domains, %u as we do\n", n, same);
	xenstat_free_node(node);
	xenstat_uninit(xh);
}

/* A dom0 says "control_d" in /proc/xen/capabilities; a domU does not. */
static int in_dom0(void)
{
	char buf[128] = "";
	FILE *f = fopen("/proc/xen/capabilities", "r");
	if (!f)
		return 0;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strstr(buf, "control_d") != NULL;
}

static void test_dom0(const struct xn_source_ops *xen, const struct xn_source_config *cfg)
{
	char err[512] = "";
	CHECK_EQ_U64(xen->probe(cfg, err, sizeof(err)), 0);
	if (err[0])
		fprintf(stderr, "probe: %s\n", err);
	struct xn_source *src = NULL;
	CHECK_EQ_U64(xen->open(cfg, &src, err, sizeof(err)), 0);
	CHECK(src != NULL);
	if (!src) {
		fprintf(stderr, "open: %s\n", err);
		return;
	}
	/* every optional figure, each device too (compared with libxenstat) */
	src->want = XN_WANT_NET | XN_WANT_VBD | XN_WANT_NET_DEVS | XN_WANT_VBD_DEVS;
	struct xn_snapshot s = {0};
	CHECK_EQ_U64(src->ops->sample(src, &s), 0);
	const char *want = getenv("XN_EXPECT_NODES");
	CHECK(want != NULL);
	if (want)
		CHECK_EQ_U64(s.host.nr_nodes, strtoul(want, NULL, 10));
	const struct xn_domain *d0 = xn_snapshot_find(&s, 0);
	CHECK(d0 != NULL);
	if (d0) {
		CHECK(d0->valid & XN_DOM_PAGES);
		CHECK(xn_domain_pages_total(d0, s.host.nr_nodes) > 0);
		CHECK(d0->vcpus > 0);
	}
	compare_xenstat(&s);
	printf("test_xen_probe: dom0 sample: %d nodes, %zu domains, Domain-0 %s\n", s.host.nr_nodes,
	       s.nr_domains, d0 ? "listed" : "MISSING");
	xn_snapshot_clear(&s);
	xen->close(src);
}
#endif

int main(void)
{
#ifdef HAVE_XEN
	const struct xn_source_ops *xen = xn_source_find("xen");
	CHECK(xen != NULL);
	if (!xen)
		return check_report("test_xen_probe");
	CHECK(xen->set_node_affinity != NULL);
	struct xn_source_config cfg = {.debugkey_interval = 10};
	char err[512] = "";
	if (access("/dev/xen/privcmd", F_OK) && access("/proc/xen/privcmd", F_OK)) {
		int r = xen->probe(&cfg, err, sizeof(err));
		CHECK_EQ_U64(r, (uint64_t)-ENODEV);
		CHECK(strstr(err, "/dev/xen/privcmd") != NULL);
		struct xn_source *src = NULL;
		err[0] = '\0';
		CHECK(xen->open(&cfg, &src, err, sizeof(err)) < 0);
		CHECK(src == NULL);
		CHECK(strstr(err, "dom0") != NULL);
	} else if (in_dom0()) {
		test_dom0(xen, &cfg);
	} else {
		/* A domU has privcmd but no rights: refused, and why in words. */
		int r = xen->probe(&cfg, err, sizeof(err));
		CHECK(r < 0);
		CHECK(err[0] != '\0');
	}
	return check_report("test_xen_probe");
#else
	/* Without libxen-dev the xen entry says what is missing, never opens. */
	const struct xn_source_ops *xen = xn_source_find("xen");
	CHECK(xen != NULL);
	if (xen) {
		struct xn_source_config cfg = {0};
		struct xn_source *src = NULL;
		char err[256] = "";
		CHECK(xen->probe(&cfg, err, sizeof(err)) == -ENOTSUP);
		CHECK(strstr(err, "libxen-dev") != NULL);
		CHECK(xen->open(&cfg, &src, err, sizeof(err)) == -ENOTSUP && src == NULL);
	}
	return check_report("test_xen_probe");
#endif
}
