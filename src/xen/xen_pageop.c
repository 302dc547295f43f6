/* xen_pageop.c - issue XEN_DOMCTL_numa_op / GET_NODE_PAGES (XenServer's ABI,
 * hypervisor/README.md) through libxencall and check the answer against the
 * domain's tot_pages. */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* Xen's public headers refuse strict ISO C (anonymous unions in hvm/save.h,
 * __align8__ in foreign/): let them see GNU C, which both gcc and clang are. */
#undef __STRICT_ANSI__
#include <xencall.h>
#include <xenctrl.h>
#include <xentoollog.h>

#include "xen_pageop.h"

/* The op rides in the installed struct xen_domctl's union: make sure the
 * layout we send is the one the hypervisor reads (XenServer's struct
 * xen_domctl_numa_op: op at 0, union at 8, handle 8-byte aligned). */
_Static_assert(sizeof(struct xn_domctl_numa_op) == 24, "ABI: 24 bytes");
_Static_assert(offsetof(struct xn_domctl_numa_op, nr_nodes) == 8, "ABI: nr_nodes at 8");
_Static_assert(offsetof(struct xn_domctl_numa_op, node_tot_pages) == 16, "ABI: handle at 16");
_Static_assert(sizeof(struct xn_domctl_numa_op) <= sizeof(((struct xen_domctl *)0)->u),
               "fits the domctl union");
_Static_assert(offsetof(struct xen_domctl, u) == 16, "domctl header is 16 bytes");

/* One handle and one pair of hypercall buffers per process: opening privcmd
 * and mapping buffers for every domain on every refresh would cost more
 * than the query itself. */
static xencall_handle *pageop_xcall;
static struct xen_domctl *pageop_op;
static uint64_t *pageop_buf; /* XN_PAGEOP_MAX_NODES entries */

/* libxencall logs to stderr by default; we report failures through -errno
 * and the caller's error buffer, so stay quiet. */
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

void xn_xen_pageop_release(void)
{
	if (pageop_xcall) {
		if (pageop_buf)
			xencall_free_buffer(pageop_xcall, pageop_buf);
		if (pageop_op)
			xencall_free_buffer(pageop_xcall, pageop_op);
		xencall_close(pageop_xcall);
	}
	pageop_xcall = NULL;
	pageop_op = NULL;
	pageop_buf = NULL;
}

static int pageop_open(void)
{
	if (pageop_xcall)
		return 0;
	pageop_xcall = xencall_open(&pageop_logger, 0);
	if (!pageop_xcall)
		return -(errno ? errno : ENODEV);
	pageop_op = xencall_alloc_buffer(pageop_xcall, sizeof(*pageop_op));
	pageop_buf = xencall_alloc_buffer(pageop_xcall, XN_PAGEOP_MAX_NODES * sizeof(*pageop_buf));
	if (!pageop_op || !pageop_buf) {
		xn_xen_pageop_release();
		return -ENOMEM;
	}
	return 0;
}

/* One request with room for XN_PAGEOP_MAX_NODES entries. On 0, *nr holds the
 * entries Xen wrote (copied to pages). */
static int pageop_issue(uint32_t domid, uint64_t *pages, unsigned *nr)
{
	struct xn_domctl_numa_op req = {
	        .op = XN_DOMCTL_NUMA_OP_GET_NODE_PAGES,
	        .nr_nodes = XN_PAGEOP_MAX_NODES,
	};
	int rc = pageop_open();

	if (rc)
		return rc;
	memset(pageop_op, 0, sizeof(*pageop_op));
	memset(pageop_buf, 0, XN_PAGEOP_MAX_NODES * sizeof(*pageop_buf));
	pageop_op->cmd = XN_DOMCTL_NUMA_OP;
	pageop_op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
	pageop_op->domain = (domid_t)domid;
	req.node_tot_pages = (uint64_t)(uintptr_t)pageop_buf;
	memcpy(&pageop_op->u, &req, sizeof(req));

	if (xencall1(pageop_xcall, __HYPERVISOR_domctl, (uint64_t)(uintptr_t)pageop_op) < 0)
		return -(errno ? errno : EIO);
	memcpy(&req, &pageop_op->u, sizeof(req));
	*nr = req.nr_nodes;
	if (*nr > XN_PAGEOP_MAX_NODES)
		return -EPROTO; /* never copy more than the buffer */
	memcpy(pages, pageop_buf, (size_t)*nr * sizeof(*pages));
	return 0;
}

int xn_pageop_check(const uint64_t *pages, unsigned nr, unsigned cap, unsigned need,
                    uint64_t tot_pages, char *err, size_t errlen)
{
	uint64_t sum = 0;

	if (nr == 0 || nr > cap) {
		snprintf(err, errlen, "the op answered %u nodes for a buffer of %u", nr, cap);
		return -EPROTO;
	}
	if (nr < need) {
		snprintf(err, errlen, "the op answered %u node ids, the host has %u", nr, need);
		return -EPROTO;
	}
	for (unsigned i = 0; i < nr; i++) {
		/* No host has 2^62 pages: a counter that went below zero. */
		if (pages[i] >> 62) {
			snprintf(err, errlen, "node %u: %" PRIu64 " pages, a wrapped counter", i,
			         pages[i]);
			return -EPROTO;
		}
		sum += pages[i];
	}
	if (sum == tot_pages)
		return 0;
	snprintf(err, errlen, "counts sum to %" PRIu64 " pages, tot_pages is %" PRIu64, sum,
	         tot_pages);
	return sum < tot_pages ? -EAGAIN : XN_PAGEOP_UPPER;
}

int xn_pageop_absent(int err)
{
	/* No such domctl, another interface, refused, or no privcmd to ask. */
	return err == -ENOSYS || err == -EOPNOTSUPP || err == -EACCES || err == -EPERM ||
	       err == -EINVAL || err == -EPROTO || err == -ENOENT || err == -ENODEV ||
	       err == -ENXIO;
}

int xn_xen_pageop_probe(xc_interface *xch)
{
	uint64_t pages[XN_PAGEOP_MAX_NODES];
	unsigned nr = 0;
	int rc;

	(void)xch;
	rc = pageop_issue(0, pages, &nr);
	if (rc)
		return rc;
	/* Domain 0 always has pages on some node: an answer of none is not ours. */
	return nr == 0 || nr > XN_PAGEOP_MAX_NODES ? -EPROTO : 0;
}

/* tot_pages as getdomaininfo reports it (domain_tot_pages(): no extra pages). */
static int pageop_tot_pages(xc_interface *xch, uint32_t domid, uint64_t *tot)
{
	xc_domaininfo_t info;
	int n = xc_domain_getinfolist(xch, domid, 1, &info);

	if (n < 0)
		return -(errno ? errno : EIO);
	if (n != 1 || info.domain != domid)
		return -ESRCH;
	*tot = info.tot_pages;
	return 0;
}

int xn_xen_pageop_query(xc_interface *xch, uint32_t domid, unsigned nr_nodes, uint64_t tot_hint,
                        int upper_ok, uint64_t *pages_out, char *err, size_t errlen)
{
	uint64_t pages[XN_PAGEOP_MAX_NODES], tot = 0;
	unsigned nr = 0;
	int rc = -EAGAIN;

	if (!xch || nr_nodes == 0 || nr_nodes > XN_PAGEOP_MAX_NODES) {
		snprintf(err, errlen, "bad request: %u nodes", nr_nodes);
		return -EINVAL;
	}
	/* The domain list's tot_pages, read just before: when the counts sum to
	 * it, they are a state the domain was in, and the getdomaininfo below
	 * (half of a refresh's page-op hypercalls) is not needed. */
	if (tot_hint != XN_PAGEOP_NO_HINT) {
		rc = pageop_issue(domid, pages, &nr);
		if (rc) {
			snprintf(err, errlen, "%s", strerror(-rc));
			return rc;
		}
		rc = xn_pageop_check(pages, nr, XN_PAGEOP_MAX_NODES, nr_nodes, tot_hint, err,
		                     errlen);
		if (!rc || (rc == XN_PAGEOP_UPPER && upper_ok)) {
			memcpy(pages_out, pages, nr_nodes * sizeof(*pages_out));
			return rc;
		}
		rc = -EAGAIN;
	}
	/* The op and getdomaininfo are two hypercalls: a domain whose memory
	 * is changing (ballooning, being built or torn down) can differ between
	 * them. Read both again, twice at most; the caller retries next refresh. */
	for (int attempt = 0; attempt < 3 && (rc == -EAGAIN || rc == -EPROTO ||
	                                      (rc == XN_PAGEOP_UPPER && !upper_ok));
	     attempt++) {
		rc = pageop_issue(domid, pages, &nr);
		if (rc) {
			snprintf(err, errlen, "%s", strerror(-rc));
			return rc;
		}
		rc = pageop_tot_pages(xch, domid, &tot);
		if (rc) {
			snprintf(err, errlen, "getdomaininfo: %s", strerror(-rc));
			return rc;
		}
		rc = xn_pageop_check(pages, nr, XN_PAGEOP_MAX_NODES, nr_nodes, tot, err, errlen);
	}
	if (rc < 0)
		return rc;
	memcpy(pages_out, pages, nr_nodes * sizeof(*pages_out));
	return rc; /* 0 or XN_PAGEOP_UPPER */
}
