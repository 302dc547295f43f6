/* xen_pageop.h - a domain's pages per NUMA node from the hypervisor's
 * XEN_DOMCTL_numa_op / XEN_DOMCTL_NUMA_OP_GET_NODE_PAGES: XenServer's op
 * (XenServer 9, xenserver-next/xen), which our series (hypervisor/) also
 * implements. Read in O(nodes) instead of the O(pages) walk of debug key
 * 'u'. The domctl is issued through libxencall (libxenctrl's do_domctl is
 * private; Debian's libxenctrl has no xc_domain_numa_get_node_pages); the
 * handle and its hypercall buffers are opened on first use and kept until
 * xn_xen_pageop_release().
 */
#ifndef XN_XEN_PAGEOP_H
#define XN_XEN_PAGEOP_H

#include <stddef.h>
#include <stdint.h>

/* The ABI, as hypervisor/README.md documents it (verified against
 * XenServer's source there). */
#define XN_DOMCTL_NUMA_OP 1101u /* XEN_DOMCTL_numa_op, an out-of-tree number */
#define XN_DOMCTL_NUMA_OP_GET_NODE_PAGES 0u
/* Entries we offer: node ids are 8 bits and 0xff is NUMA_NO_NODE (XenServer's
 * OCaml binding offers the same 256); Xen writes min(this, highest online
 * node id + 1). */
#define XN_PAGEOP_MAX_NODES 256u
/* xn_pageop_check's and xn_xen_pageop_query's answer when the counts sum
 * above tot_pages: XenServer's semantics. Its counts include a domain's
 * extra pages (VMX APIC page, ioreq server pages; vmtrace buffers: up to
 * 16384 pages per vCPU), which getdomaininfo's tot_pages leaves out, and
 * on its 4.20 branch frees never lower them (a domain that ballooned down
 * keeps its old counts). Each count is then an upper bound of the
 * domain's pages on that node. The series in hypervisor/ answers counts
 * that sum to tot_pages exactly (it leaves extra pages out and counts
 * frees), so its answers are exact. */
#define XN_PAGEOP_UPPER 1

/* struct xen_domctl_numa_op as it sits in the xen_domctl union (x86-64). */
struct xn_domctl_numa_op {
	uint32_t op;             /* IN: XN_DOMCTL_NUMA_OP_GET_NODE_PAGES */
	uint32_t pad0;           /* the union below is 8-byte aligned */
	uint32_t nr_nodes;       /* IN: entries the buffer holds; OUT: entries written */
	uint32_t pad1;           /* the handle is 8-byte aligned */
	uint64_t node_tot_pages; /* IN: guest handle (address) of uint64_t[nr_nodes] */
};

/* Is one answer believable? pages: the nr entries Xen wrote for a buffer of
 * cap; need: the host's highest known node id + 1 (the answer must cover
 * it); tot_pages: the domain's getdomaininfo tot_pages read right after.
 * 0 when the counts sum to tot_pages (exact); XN_PAGEOP_UPPER when they sum
 * above it (upper bounds, or memory freed between the two reads); -EPROTO
 * when nr is 0, above cap or below need (a node came online since the host
 * was read: transient), or a count is impossibly large (2^62 pages or more:
 * a wrapped counter); -EAGAIN when the counts sum below tot_pages (memory
 * given between the two reads, or an exchange under way). The reason goes
 * to err (for XN_PAGEOP_UPPER too). */
int xn_pageop_check(const uint64_t *pages, unsigned nr, unsigned cap, unsigned need,
                    uint64_t tot_pages, char *err, size_t errlen);

#ifdef HAVE_XEN
/* As <xenctrl.h> declares it (which needs GNU C: see src/xen_pageop.c). */
typedef struct xc_interface_core xc_interface;

/* 0 when the running hypervisor has the op (asks about domain 0). Else
 * -errno: -ENOSYS no such domctl (unpatched), -EOPNOTSUPP (XenServer's
 * non-NUMA builds), -EACCES another domctl interface version, -EPERM not
 * privileged, -EINVAL the sub-op is unknown, -EPROTO a senseless answer,
 * -ENOENT/-ENODEV no privcmd: all of these mean "no op here"
 * (xn_pageop_absent()); others are transient. */
int xn_xen_pageop_probe(xc_interface *xch);

/* Whether a probe's error means the hypervisor has no usable op (as opposed
 * to a transient failure worth retrying). */
int xn_pageop_absent(int err);

/* Pages (4 KiB) of domain domid per node id 0..nr_nodes-1 into pages_out
 * (nr_nodes: the host's highest online node id + 1, at most
 * XN_PAGEOP_MAX_NODES). The answer is checked (xn_pageop_check) first
 * against tot_hint, the domain's tot_pages as the caller read it moments
 * before (the domain list has it; XN_PAGEOP_NO_HINT: none), which saves a
 * getdomaininfo per domain; failing that, against the tot_pages read just
 * after; a mismatch is re-read up to twice, as memory may have moved
 * between the two reads. An answer above tot_pages is re-read likewise
 * unless upper_ok (the host has already been seen to answer upper bounds,
 * XenServer's semantics: re-reading would not make them exact), and taken
 * as it is if it stays above. 0 (exact), XN_PAGEOP_UPPER (upper bounds,
 * with the reason in err) or -errno: -EINVAL bad arguments, -ESRCH no
 * such domain, -EAGAIN/-EPROTO see xn_pageop_check, others from the
 * hypercall. pages_out is untouched on failure; the reason goes to err. */
#define XN_PAGEOP_NO_HINT UINT64_MAX
int xn_xen_pageop_query(xc_interface *xch, uint32_t domid, unsigned nr_nodes, uint64_t tot_hint,
                        int upper_ok, uint64_t *pages_out, char *err, size_t errlen);

/* Close the libxencall handle (safe to call when none is open). */
void xn_xen_pageop_release(void);
#endif

#endif
