/* xen_priv.h - private state of the xen source, shared by its files
 * (src/xen_*.c, built only with HAVE_XEN). Not for use outside the source. */
#ifndef XN_XEN_PRIV_H
#define XN_XEN_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
/* Xen's public headers refuse strict ISO C (anonymous unions in hvm/save.h,
 * __align8__ in foreign/): let them see GNU C, which gcc and clang are. */
#undef __STRICT_ANSI__
#include <xenctrl.h>
#include <xenstat.h>

#include "snapshot.h"
#include "source.h"
#include "xen_udump.h"

enum {
	XEN_PAGE_SIZE = 4096,
	XEN_MAX_ZONE = 40,     /* NR_ZONES - 1 on x86 (PADDR_BITS 52 - PAGE_SHIFT 12) */
	XEN_ZONE_4G = 20,      /* zones 1..20 hold MFNs below 2^20: memory below 4 GiB */
	XEN_MAX_NODE_IDS = 64, /* MAX_NUMNODES on x86 */
};

struct xen_priv {
	struct xn_source base; /* first: open() hands out &base */
	struct xn_source_config cfg;
	xc_interface *xch;
	xenstat_handle *xst;
	xc_nodemap_t nodemap;  /* scratch for get/setaffinity, xc_get_nodemap_size() bytes */
	xc_cpumap_t vcpu_hard; /* scratch for xc_vcpu_getaffinity, xc_get_cpumap_size() bytes */
	xc_cpumap_t vcpu_soft;
	int cpumap_size; /* xc_get_cpumap_size(), bytes */

	/* topology of the last sample */
	int nr_cpu_ids;
	int *cpu_node;                         /* nr_cpu_ids entries: node id, -1 offline */
	uint64_t zones_seen[XEN_MAX_NODE_IDS]; /* bit z: zone z ever had free pages */

	/* per-node pages */
	bool have_pageop;  /* the page op is not known to be absent (a failed query falls back
	                      to u for that refresh only and is asked again on the next) */
	bool pageop_upper; /* it has answered counts above tot_pages that stayed so when
	                      read again: XenServer's semantics (extra pages counted,
	                      frees not taken back), so such answers are upper bounds */
	uint32_t con_idx;  /* console ring position read so far (incremental mode) */
	bool con_synced;   /* con_idx is valid */
	char *ring;        /* read buffer for the console ring */
	size_t ring_cap;
	struct xn_udump udump; /* the last complete 'u' dump */
	bool have_udump;
	uint64_t udump_mono_ns; /* when that dump was taken */
	uint64_t try_mono_ns;   /* when a dump was last attempted (rate limit) */
};

/* Host: nodes (size, free, CPUs), distances, heap zones. 0 or -errno (src->err). */
int xen_host_sample(struct xen_priv *p, struct xn_host *h);

/* A CPU map (xc_cpumap_t of p->cpumap_size bytes) as `xl vcpu-list` says
 * it: "all" when it holds every online CPU of the last topology read, else
 * the list of its online CPUs ("0-3,8"); "none" when it holds none.
 * Returns the length needed (like snprintf). */
int xen_cpumap_format(const struct xen_priv *p, const uint8_t *map, char *buf, size_t len);

/* Domains from libxenstat, with vCPU placement (vcpu_node, and vcpu_info:
 * CPU, state, hard and soft affinity) and node affinity. Domains that
 * vanish during the sample are dropped silently. 0 or -errno. */
int xen_domains_sample(struct xen_priv *p, struct xn_snapshot *s);

/* Probe the hypervisor's per-node page op (unless cfg.no_pageop). */
void xen_pages_init(struct xen_priv *p);
/* Release what xen_pages_* hold. */
void xen_pages_close(struct xen_priv *p);

/* Per-domain per-node pages: the hypervisor's page op when it has one, else
 * debug key 'u' (rate-limited by cfg.debugkey_interval); leaves pages
 * unknown when neither answers. Never fails the sample. */
void xen_pages_query(struct xen_priv *p, struct xn_snapshot *s);

/* Press debug key 'u' and parse its dump from the console ring, reading it
 * incrementally from p->con_idx (the ring is never cleared: it is the
 * operator's log). 0 with *out filled (complete or not), or -errno. */
int xen_debugkey_dump(struct xen_priv *p, struct xn_udump *out, char *err, size_t errlen);

/* The set_node_affinity op of the source. */
int xen_affinity_set(struct xn_source *src, int64_t domid, const xn_nodemask *nodes, unsigned flags,
                     char *msg, size_t msglen);

/* Map an errno from libxenctrl to words for the operator. */
const char *xen_strerror(int err);

#endif
