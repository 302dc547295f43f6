/* snapshot.h - the data model every source fills and every view reads.
 *
 * A snapshot owns everything it points to; xn_snapshot_clear() frees it all.
 * A value a source could not read has its valid bit clear: it is "unknown"
 * (shown "-" in text, null in JSON), never a made-up 0.
 */
#ifndef XN_SNAPSHOT_H
#define XN_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "nodemask.h"

/* Valid bits of struct xn_node. */
enum {
	XN_NODE_TOTAL = 1u << 0,
	XN_NODE_FREE = 1u << 1,
	XN_NODE_CPUS = 1u << 2,
};

struct xn_node {
	int id;             /* the OS's / hypervisor's node number */
	uint64_t mem_total; /* bytes */
	uint64_t mem_free;  /* bytes */
	xn_cpumask cpus;    /* CPUs of this node */
	unsigned valid;     /* XN_NODE_* */
};

/* Valid bits of struct xn_zone. */
enum {
	XN_ZONE_FREE = 1u << 0,
	XN_ZONE_MANAGED = 1u << 1,
};

/* One memory zone of one node: Linux zones (DMA, DMA32, Normal, ...) or
 * Xen's address-width heap zones (name "z19" = MFN in [2^18, 2^19)). */
struct xn_zone {
	int node_idx;           /* index into host.nodes, not the node id */
	char name[24];          /* "DMA32", "Normal", "z19", ... */
	uint64_t free_pages;    /* in host.page_size units */
	uint64_t managed_pages; /* in host.page_size units */
	unsigned valid;         /* XN_ZONE_* */
};

/* Valid bits of struct xn_host. */
enum {
	XN_HOST_DISTANCE = 1u << 0,
	XN_HOST_CPUS = 1u << 1,
};

struct xn_host {
	char hostname[128];
	uint64_t page_size; /* bytes; the unit of every *_pages figure */
	int nr_cpus;        /* online CPUs (valid with XN_HOST_CPUS) */
	int nr_nodes;
	struct xn_node *nodes; /* nr_nodes, sorted by id */
	int nr_zones;
	struct xn_zone *zones; /* grouped by node_idx, in the source's order */
	uint32_t *distance;    /* nr_nodes * nr_nodes, [i * nr_nodes + j] */
	unsigned valid;        /* XN_HOST_* */
};

/* Valid bits of struct xn_domain. The derived ones are set by xn_derive(). */
enum {
	XN_DOM_STATE = 1u << 0,
	XN_DOM_CPU_NS = 1u << 1,
	XN_DOM_VCPUS = 1u << 2,
	XN_DOM_MEM_CUR = 1u << 3,
	XN_DOM_MEM_MAX = 1u << 4,
	XN_DOM_PAGES = 1u << 5,     /* node_pages[] */
	XN_DOM_AFFINITY = 1u << 6,  /* node_affinity / affinity_auto */
	XN_DOM_VCPU_NODE = 1u << 7, /* vcpu_node[] */
	/* derived */
	XN_DOM_CPU_PCT = 1u << 16,
	XN_DOM_LOCALITY = 1u << 17,
	XN_DOM_OUTSIDE = 1u << 18,
	XN_DOM_DELTA = 1u << 19,
};

/* How a domain's node_pages[] were obtained (the screen and JSON say it). */
enum xn_pages_method {
	XN_PAGES_NONE = 0,     /* unknown */
	XN_PAGES_NUMA_MAPS,    /* linux: exact walk of /proc/PID/numa_maps */
	XN_PAGES_SAMPLED,      /* linux: estimate from move_pages(2) samples */
	XN_PAGES_CGROUP,       /* linux: memory.numa_stat */
	XN_PAGES_XEN_OP,       /* xen: per-node page counter domctl */
	XN_PAGES_XEN_DEBUGKEY, /* xen: debug key 'u' parsed from the console */
	XN_PAGES_RECORDED,     /* replay: as recorded (method_name kept) */
	XN_PAGES__COUNT
};

struct xn_domain {
	int64_t id;       /* Xen domid, Linux PID, or cgroup inode */
	char *name;       /* owned, raw bytes as the OS gave them (NUL-terminated) */
	char state[7];    /* xentop's "dsbcpr" flags, '-' when not set */
	uint64_t cpu_ns;  /* total CPU time used */
	uint32_t vcpus;   /* vCPUs (Xen) or threads (Linux) */
	uint64_t mem_cur; /* bytes */
	uint64_t mem_max; /* bytes; UINT64_MAX = no limit */

	uint64_t *node_pages; /* host.nr_nodes entries, host.nodes order; owned */
	enum xn_pages_method pages_method;
	int64_t pages_age_ms; /* age of node_pages at sample time, 0 = fresh */

	xn_nodemask node_affinity; /* node ids */
	bool affinity_auto;        /* derived by the system, not set explicitly */

	int *vcpu_node; /* vcpus entries: node id where each ran last, -1 unknown */

	/* derived by xn_derive(), read by views and outputs */
	double cpu_pct;         /* % of one CPU over the last interval */
	double locality;        /* 0..100: % of pages on nodes where vCPUs run */
	uint64_t pages_outside; /* pages on nodes outside node_affinity */
	int64_t *node_delta;    /* host.nr_nodes: page change since prev; owned */

	unsigned valid; /* XN_DOM_* */
};

struct xn_snapshot {
	struct timespec time; /* wall-clock time of the sample */
	uint64_t mono_ns;     /* CLOCK_MONOTONIC of the sample (for rates) */
	char source[16];      /* "linux", "xen", "replay" */
	struct xn_host host;
	size_t nr_domains;
	struct xn_domain *domains; /* sorted by id after xn_snapshot_sort() */
	double interval;           /* seconds since the previous sample, 0 = none */
};

/* Free everything the snapshot owns and zero it. Safe on a zeroed snapshot. */
void xn_snapshot_clear(struct xn_snapshot *s);

/* Append a zeroed domain (pointers into domains[] are invalidated).
 * node_pages/node_delta are allocated for host.nr_nodes, so set the host's
 * nodes first. Returns NULL on allocation failure. */
struct xn_domain *xn_snapshot_add_domain(struct xn_snapshot *s);

/* Remove the domain added last (one that vanished while being read). */
void xn_snapshot_drop_last(struct xn_snapshot *s);

/* Set (copy) a domain's name. Returns 0 or -ENOMEM. */
int xn_domain_set_name(struct xn_domain *d, const char *name);

/* Allocate vcpu_node[] for d->vcpus entries, all -1. Returns 0 or -ENOMEM. */
int xn_domain_alloc_vcpu_node(struct xn_domain *d);

/* Allocate host.nodes (zeroed) and host.distance for n nodes. 0 or -ENOMEM. */
int xn_host_alloc_nodes(struct xn_host *h, int n);

/* Append a zone; returns it or NULL. */
struct xn_zone *xn_host_add_zone(struct xn_host *h);

/* Index of node id in host.nodes, or -1. */
int xn_host_node_index(const struct xn_host *h, int node_id);

/* Sort domains by id. */
void xn_snapshot_sort(struct xn_snapshot *s);

/* Domain with this id, or NULL (binary search: call after sort). */
struct xn_domain *xn_snapshot_find(const struct xn_snapshot *s, int64_t id);

/* Deep copy src into dst (dst is cleared first). 0 or -ENOMEM. */
int xn_snapshot_copy(struct xn_snapshot *dst, const struct xn_snapshot *src);

/* Total of a domain's node_pages (0 if unknown). */
uint64_t xn_domain_pages_total(const struct xn_domain *d, int nr_nodes);

/* Short name of a pages method: "numa_maps", "sampled", "cgroup",
 * "xen_op", "debugkey_u", "recorded", "none". */
const char *xn_pages_method_name(enum xn_pages_method m);

/* Inverse of xn_pages_method_name; XN_PAGES_NONE if unknown. */
enum xn_pages_method xn_pages_method_parse(const char *name);

#endif
