/* xen_udump.h - pure parser of Xen's debug key 'u' dump ("dumping numa
 * info") as found in the hypervisor's console ring: per-domain per-node pages.
 * Needs no Xen headers, so its unit test builds everywhere. */
#ifndef XN_XEN_UDUMP_H
#define XN_XEN_UDUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { XN_UDUMP_MAX_NODES = 64 }; /* Xen's MAX_NUMNODES on x86 */

struct xn_udump_dom {
	uint32_t domid;
	uint64_t total;                     /* "(total: T)" = domain_tot_pages() */
	uint64_t pages[XN_UDUMP_MAX_NODES]; /* indexed like xn_udump.node_id[] */
	int nodes_seen;                     /* "Node N:" lines read for this domain */
};

struct xn_udump {
	uint64_t now_ns;                        /* Xen's NOW() in the marker line */
	int nr_nodes;                           /* from the "NODEn start->" lines */
	int node_id[XN_UDUMP_MAX_NODES];        /* online node ids, dump order */
	uint64_t node_free[XN_UDUMP_MAX_NODES]; /* "free->" pages per node */
	size_t nr_doms;
	struct xn_udump_dom *doms; /* owned; dump order (= domain id order) */
	bool complete;             /* every domain has a Node line per node, totals agree */
};

/* Find the newest dump in text (console ring contents, lines with or without
 * "(XEN) " and "[timestamp] " prefixes, interleaved with other messages)
 * whose marker time is > after_ns, and parse it into out (cleared first).
 * Returns 0, -ENOENT when there is no such dump, -ENOMEM. An incomplete dump
 * (cut short, or a domain's node lines missing) returns 0 with complete false
 * and the reason in err. Both "Domain N (total: T):" (Xen 4.17) and
 * "dN (total: T):" (4.18+) are read; vNUMA layout lines are skipped. */
int xn_udump_parse(const char *text, size_t len, uint64_t after_ns, struct xn_udump *out, char *err,
                   size_t errlen);

/* Index of node id in u->node_id[], or -1. */
int xn_udump_node_index(const struct xn_udump *u, int node_id);

/* The domain's entry, or NULL. */
const struct xn_udump_dom *xn_udump_find(const struct xn_udump *u, uint32_t domid);

/* Free what xn_udump_parse allocated and zero *u. */
void xn_udump_free(struct xn_udump *u);

#endif
