/* xen_pageop.c - issue XEN_DOMCTL_get_node_pages (our hypervisor extension,
 * hypervisor/README.md) through libxencall and check the answer. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

/* Xen's public headers refuse strict ISO C (anonymous unions in hvm/save.h,
 * __align8__ in foreign/): let them see GNU C, which both gcc and clang are. */
#undef __STRICT_ANSI__
#include <xencall.h>
#include <xenctrl.h>
#include <xentoollog.h>

#include "xen_pageop.h"

/* The op rides in the installed struct xen_domctl's union: make sure the
 * layout we send is the one the patched hypervisor reads. */
_Static_assert(sizeof(struct xn_domctl_node_pages) == 24, "ABI: 24 bytes");
_Static_assert(offsetof(struct xn_domctl_node_pages, tot_pages) == 8, "ABI: tot_pages at 8");
_Static_assert(offsetof(struct xn_domctl_node_pages, node_pages) == 16, "ABI: handle at 16");
_Static_assert(sizeof(struct xn_domctl_node_pages) <= sizeof(((struct xen_domctl *)0)->u),
               "fits the domctl union");
_Static_assert(offsetof(struct xen_domctl, u) == 16, "domctl header is 16 bytes");

/* One handle per process: opening privcmd and mapping its buffer device on
 * every refresh of every domain would cost more than the query itself. */
static xencall_handle *pageop_xcall;

/* libxencall logs to stderr by default; we report failures through -errno
 * (and the xen source falls back to debug key 'u'), so stay quiet. */
static void pageop_log_quiet(struct xentoollog_logger *logger, xentoollog_level level, int errnoval,
                             const char *context, const char *format, va_list al)
{
	(void)logger, (void)level, (void)errnoval, (void)context, (void)format, (void)al;
}

static void pageop_log_destroy(struct xentoollog_logger *logger)
{
	(void)logger;
}

static struct xentoollog_logger pageop_logger = {
        .vmessage = pageop_log_quiet,
        .destroy = pageop_log_destroy,
};

static int pageop_open(void)
{
	if (pageop_xcall)
		return 0;
	pageop_xcall = xencall_open(&pageop_logger, 0);
	return pageop_xcall ? 0 : -(errno ? errno : ENODEV);
}

void xn_xen_pageop_release(void)
{
	if (pageop_xcall)
		xencall_close(pageop_xcall);
	pageop_xcall = NULL;
}

/* One raw request. On 0, *rep holds the hypervisor's copy-back and pages
 * (nr entries) the counts. */
static int pageop_issue(uint32_t domid, unsigned nr, struct xn_domctl_node_pages *rep,
                        uint64_t *pages)
{
	struct xen_domctl *op;
	struct xn_domctl_node_pages req;
	uint64_t *buf;
	int rc, err = 0;

	rc = pageop_open();
	if (rc)
		return rc;
	op = xencall_alloc_buffer(pageop_xcall, sizeof(*op));
	buf = xencall_alloc_buffer(pageop_xcall, (size_t)nr * sizeof(*buf));
	if (!op || !buf) {
		err = -ENOMEM;
		goto out;
	}
	memset(op, 0, sizeof(*op));
	memset(buf, 0, (size_t)nr * sizeof(*buf));
	op->cmd = XN_DOMCTL_GET_NODE_PAGES;
	op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	op->domain = (domid_t)domid;
	req = (struct xn_domctl_node_pages){
	        .magic = XN_DOMCTL_NODE_PAGES_MAGIC,
	        .nr_nodes = nr,
	        .node_pages = (uint64_t)(uintptr_t)buf,
	};
	memcpy(&op->u, &req, sizeof(req));

	rc = xencall1(pageop_xcall, __HYPERVISOR_domctl, (uint64_t)(uintptr_t)op);
	if (rc < 0) {
		err = -(errno ? errno : EIO);
		goto out;
	}
	memcpy(rep, &op->u, sizeof(*rep));
	memcpy(pages, buf, (size_t)nr * sizeof(*buf));
out:
	if (buf)
		xencall_free_buffer(pageop_xcall, buf);
	if (op)
		xencall_free_buffer(pageop_xcall, op);
	return err;
}

/* The counts are read under the same lock as tot_pages, so they add up to it
 * exactly; anything else means this is not our op or not our ABI. */
static int pageop_check(const struct xn_domctl_node_pages *rep, unsigned nr, const uint64_t *pages)
{
	uint64_t sum = 0;

	if (rep->magic != XN_DOMCTL_NODE_PAGES_MAGIC || rep->nr_nodes == 0 ||
	    rep->nr_nodes > XN_PAGEOP_MAX_NODES)
		return -EPROTO;
	for (unsigned i = 0; i < nr; i++)
		sum += pages[i];
	return sum == rep->tot_pages ? 0 : -EPROTO;
}

int xn_xen_pageop_probe(xc_interface *xch)
{
	struct xn_domctl_node_pages rep;
	uint64_t pages[XN_PAGEOP_MAX_NODES];
	int rc;

	(void)xch;
	rc = pageop_issue(0, XN_PAGEOP_MAX_NODES, &rep, pages);
	if (rc)
		return rc;
	return pageop_check(&rep, XN_PAGEOP_MAX_NODES, pages);
}

int xn_xen_pageop_query(xc_interface *xch, uint32_t domid, unsigned nr_nodes, uint64_t *pages_out)
{
	struct xn_domctl_node_pages rep;
	uint64_t pages[XN_PAGEOP_MAX_NODES];
	int rc;

	(void)xch;
	/* The hypervisor rejects these too; refusing here keeps pages[] bounded. */
	if (nr_nodes == 0 || nr_nodes > XN_PAGEOP_MAX_NODES)
		return -EINVAL;
	rc = pageop_issue(domid, nr_nodes, &rep, pages);
	if (rc)
		return rc;
	rc = pageop_check(&rep, nr_nodes, pages);
	if (rc)
		return rc;
	memcpy(pages_out, pages, nr_nodes * sizeof(*pages_out));
	return 0;
}
