/* xen_pageop.h - a domain's pages per NUMA node from our hypervisor extension
 * (hypervisor/: XEN_DOMCTL_get_node_pages), read in O(nodes) instead of the
 * O(pages) walk of debug key 'u'. Only built with libxen-dev (HAVE_XEN).
 *
 * The domctl is issued through libxencall (libxenctrl's do_domctl is private);
 * the handle is opened on first use and kept until xn_xen_pageop_release().
 */
#ifndef XN_XEN_PAGEOP_H
#define XN_XEN_PAGEOP_H

#include <stdint.h>

/* The ABI, as hypervisor/README.md documents it. */
#define XN_DOMCTL_GET_NODE_PAGES 0x584e0001u
#define XN_DOMCTL_NODE_PAGES_MAGIC 0x78706e70u /* "xpnp" */
#define XN_PAGEOP_MAX_NODES 64u                /* MAX_NUMNODES of Xen on x86 */

/* The op's member of the xen_domctl union. */
struct xn_domctl_node_pages {
	uint32_t magic;      /* IN: XN_DOMCTL_NODE_PAGES_MAGIC */
	uint32_t nr_nodes;   /* IN: entries in node_pages; OUT: highest online node + 1 */
	uint64_t tot_pages;  /* OUT: the domain's pages, read with the counts */
	uint64_t node_pages; /* IN: guest handle (address) of uint64_t[nr_nodes] */
};

#ifdef HAVE_XEN
/* As <xenctrl.h> declares it (which needs GNU C: see src/xen_pageop.c). */
typedef struct xc_interface_core xc_interface;

/* 0 when the running hypervisor has the op (asks about domain 0);
 * -ENOSYS on an unpatched hypervisor, -EACCES when the domctl interface
 * version differs, -EPERM when not privileged, -EPROTO when the answer makes
 * no sense (some other extension under the same number), other -errno. */
int xn_xen_pageop_probe(xc_interface *xch);

/* Pages (4 KiB) of domain domid per node id 0..nr_nodes-1 into pages_out.
 * 0 or -errno: -ESRCH no such domain; -ENOBUFS nr_nodes is below the
 * hypervisor's highest online node id + 1; -EINVAL nr_nodes is 0 or above
 * XN_PAGEOP_MAX_NODES; -EPROTO the counts do not add up to the domain's
 * total (read under the same lock, so they must). pages_out is untouched on
 * failure. */
int xn_xen_pageop_query(xc_interface *xch, uint32_t domid, unsigned nr_nodes, uint64_t *pages_out);

/* Close the libxencall handle (safe to call when none is open). */
void xn_xen_pageop_release(void);
#endif

#endif
