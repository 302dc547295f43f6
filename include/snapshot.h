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

/* A CPU pool (Xen cpupool): a domain's vCPUs run only on its pool's CPUs,
 * whatever their affinity says. */
struct xn_cpupool {
	uint32_t id;
	xn_cpumask cpus;
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
	int nr_pools;
	struct xn_cpupool *pools; /* nr_pools, sorted by id: only from a source with
	                             XN_SRC_CPUPOOLS (source.h); none = not read */
	unsigned valid;           /* XN_HOST_* */
};

/* Valid bits of struct xn_domain. The derived ones are set by xn_derive(). */
enum {
	XN_DOM_STATE = 1u << 0,
	XN_DOM_CPU_NS = 1u << 1,
	XN_DOM_VCPUS = 1u << 2,
	XN_DOM_MEM_CUR = 1u << 3,
	XN_DOM_MEM_MAX = 1u << 4,
	XN_DOM_PAGES = 1u << 5,            /* node_pages[] */
	XN_DOM_AFFINITY = 1u << 6,         /* node_affinity / affinity_auto */
	XN_DOM_VCPU_NODE = 1u << 7,        /* vcpu_node[] */
	XN_DOM_VCPU_INFO = 1u << 8,        /* vcpu_info[] (each entry has its own valid bits) */
	XN_DOM_NET = 1u << 9,              /* nets, net_tx_bytes, net_rx_bytes (xen: libxenstat) */
	XN_DOM_VBD = 1u << 10,             /* vbds, vbd_* (xen: libxenstat) */
	XN_DOM_RECORDED_ADVICE = 1u << 12, /* replay: recorded_advice, the advice the recording
	                                      held (the advice itself is recomputed) */
	XN_DOM_SELF = 1u << 11,            /* linux: this process is xentop-numa itself (its threads
	                                      run whenever it samples: the advisor's crowding leaves
	                                      them out) */
	XN_DOM_SSID = 1u << 13,            /* ssid (xen: the XSM/FLASK label, xentop's SSID) */
	XN_DOM_UUID = 1u << 14,            /* uuid (xen: the domain's handle; replay: recorded) */
	XN_DOM_NET_DEVS = 1u << 15,        /* netif[]: nets entries (xen, when asked: source.h) */
	XN_DOM_VBD_DEVS = 1u << 21,        /* vbd[]: vbds entries (xen, when asked: source.h) */
	XN_DOM_CPUPOOL = 1u << 22,         /* cpupool (xen: getdomaininfo's; replay: recorded) */
	XN_DOM_CONFIG_AFF = 1u << 23,      /* config_affinity (xen: libxl's stored configuration;
	                                      replay: recorded) */
	XN_DOM_MEM_POLICY = 1u << 24,      /* mem_policy (linux: a process's numa_maps; replay:
	                                      recorded, schema 6) */
	XN_DOM_MEMS_HARD = 1u << 25,       /* linux, a process: node_affinity is its cpuset's
	                                      memory nodes, which none of its pages may leave
	                                      (migrate_pages and --set-affinity refuse others);
	                                      not recorded */
	XN_DOM_CPUS_HARD = 1u << 26,       /* linux, a process: cpuset_cpus is its cpuset's
	                                      effective CPUs, which none of its threads may
	                                      leave (the kernel clips sched_setaffinity to
	                                      them); unset when no cpuset is known or it
	                                      allows every CPU of the host. Not recorded: a
	                                      replay cannot apply, and a sample's cpuset is
	                                      read again where a step is applied */
	/* derived */
	XN_DOM_CPU_PCT = 1u << 16,
	XN_DOM_LOCALITY = 1u << 17,
	XN_DOM_OUTSIDE = 1u << 18,
	XN_DOM_DELTA = 1u << 19,
	XN_DOM_ADVICE = 1u << 20, /* advice (set by xn_advise()) */
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
	XN_PAGES_XEN_OP_UPPER, /* xen: the counter domctl, counts above tot_pages
	                        * (XenServer's: extra pages, frees not taken
	                        * back): each an upper bound, not exact */
	XN_PAGES__COUNT
};

/* Valid bits of struct xn_vcpu. */
enum {
	XN_VCPU_CPU = 1u << 0,   /* cpu */
	XN_VCPU_STATE = 1u << 1, /* state */
	XN_VCPU_HARD = 1u << 2,  /* hard */
	XN_VCPU_SOFT = 1u << 3,  /* soft */
};

/* One vCPU (Xen) or vCPU thread (Linux: a QEMU guest's "CPU n/KVM" thread,
 * or any thread of a plain process). Its node is the domain's vcpu_node[i]. */
struct xn_vcpu {
	int cpu;        /* CPU it ran on last */
	char state;     /* 'r' running/runnable, 'b' blocked/sleeping, 'o' offline */
	char *hard;     /* hard affinity as a CPU list ("0-3,8"), owned; "all" = every CPU */
	char *soft;     /* soft affinity (Xen only), same form, owned */
	unsigned valid; /* XN_VCPU_* */
};

/* What a domain's configuration sets (xl: cpus, cpus_soft, a node map). */
enum {
	XN_CFG_CPUS = 1u << 0,      /* hard affinity (xl's cpus) */
	XN_CFG_CPUS_SOFT = 1u << 1, /* soft affinity (xl's cpus_soft) */
	XN_CFG_NODES = 1u << 2,     /* a node map (libxl's nodemap) */
};

/* A memory policy as the kernel prints it in /proc/PID/numa_maps: at most 63
 * characters (the kernel's own buffer is 64 bytes), plain ASCII. */
enum { XN_MEM_POLICY_LEN = 64 };

/* What a memory policy chooses (xn_mem_policy_kind). */
enum xn_mem_policy_kind {
	XN_MPOL_NONE = 0,   /* "default" or "local": memory from the node the thread runs on */
	XN_MPOL_BIND,       /* "bind:N": only from its nodes */
	XN_MPOL_PREFER,     /* "prefer:N", "prefer (many):N": its nodes first */
	XN_MPOL_INTERLEAVE, /* "interleave:N", "weighted interleave:N": spread over its nodes */
	XN_MPOL_OTHER,      /* a mode this program does not know: a choice, nodes unknown */
};

/* What a memory policy text chooses, and its nodes (the list after ':'; empty
 * when it has none or the kernel cut it). Flags ("=static", "=relative") do
 * not change the kind. */
enum xn_mem_policy_kind xn_mem_policy_kind(const char *policy, xn_nodemask *nodes);

/* What the advisor (advise.h) says of a domain. */
enum xn_advice_action {
	XN_ADVICE_NONE = 0, /* no judgement: pages or vCPU nodes unknown, or too small ("-") */
	XN_ADVICE_OK,       /* well placed, or no change gains enough ("ok") */
	XN_ADVICE_VCPUS,    /* run the vCPUs on `nodes`, where the memory is ("vcpus>N0") */
	XN_ADVICE_MEMORY,   /* move the memory to `nodes`, where the vCPUs run ("mem>N3") */
	XN_ADVICE_BOTH,     /* move vCPUs and memory to `nodes` ("both>N1") */
	XN_ADVICE_STUCK,    /* badly placed and no feasible change helps: the reason says
	                       why ("stuck") */
	XN_ADVICE__COUNT
};

/* The advisor's verdict and every term behind it, so that each surface can
 * say why. Figures are valid when action > XN_ADVICE_NONE; for XN_ADVICE_OK
 * the terms describe the current placement. */
struct xn_advice {
	enum xn_advice_action action;
	xn_nodemask nodes;      /* target nodes (ids) of the action */
	double local_now;       /* LOCAL% now (same as domain.locality) */
	double local_expected;  /* LOCAL% expected right after the action */
	uint64_t pages_to_move; /* pages not on the target nodes (memory actions) */
	bool memory_moves;      /* the source moves existing pages (Linux migrate_pages);
	                           false on Xen: node affinity steers future allocations only,
	                           and pages_to_move stay where they are */
	int64_t mem_free_after; /* bytes free on the target nodes after the move, less the
	                           headroom the advisor keeps; < 0 means it does not fit */
	uint32_t vcpus_there;   /* vCPUs of other domains that ran last on the target nodes */
	uint32_t cpus_there;    /* CPUs of the target nodes */
	double distance;        /* mean node distance a vCPU's access travels afterwards
	                           (10 = all local on a usual SLIT) */
	double score;           /* the plan's net gain of the step, in GiB-weighted access cost
	                           (advise.h: the cost model); 0 when not a step */
	uint32_t step;          /* 1-based order of the step in the host's plan; 0 = no step */
	double ratio_after;     /* busy vCPUs per CPU on the target nodes after the step
	                           (0 = unknown / not a step) */
	char overrides[160];    /* what the step overrides (an explicit node affinity), or "";
	                           a long node list is cut at a node: "and N more" */
	/* smoothing (advise.h): the fresh verdicts of the last samples, as keys of
	 * (action, nodes), oldest first; a new verdict shows once it is the fresh
	 * one in XN_ADVISE_HOLD of the last XN_ADVICE_WINDOW samples */
	uint32_t recent[6];
	uint32_t nrecent;
	/* a changed verdict waiting: seen in pending_count of those samples */
	enum xn_advice_action pending_action;
	xn_nodemask pending_nodes;
	uint32_t pending_count;
	char reason[320]; /* one sentence for the operator, plain ASCII */
};

/* One network interface of a domain, as xentop -n shows it: dom0's side of
 * the vif (what dom0 receives the guest sent), totals since it appeared. */
struct xn_netif {
	uint32_t id; /* the N of vifD.N */
	uint64_t rx_bytes, rx_pkts, rx_errs, rx_drop;
	uint64_t tx_bytes, tx_pkts, tx_errs, tx_drop;
};

/* The backends a VBD may have (xentop -x names them). */
enum xn_vbd_kind { XN_VBD_UNKNOWN = 0, XN_VBD_BLKBACK, XN_VBD_BLKTAP, XN_VBD_QDISK };

/* One virtual block device of a domain, as xentop -x shows it. */
struct xn_vbd {
	uint32_t dev; /* the device number (vbd-D-N's N: 51712 = xvda, major 202) */
	enum xn_vbd_kind kind;
	bool error; /* its statistics could not be read: the figures are unknown */
	uint64_t oo, rd, wr, rsect, wsect;
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

	/* xentop -n / -x figures, totals since the domain started */
	uint32_t nets;         /* network interfaces */
	uint64_t net_tx_bytes; /* bytes sent by all of them */
	uint64_t net_rx_bytes;
	uint32_t vbds;      /* virtual block devices */
	uint64_t vbd_oo;    /* out-of-request events */
	uint64_t vbd_rd;    /* read requests */
	uint64_t vbd_wr;    /* write requests */
	uint64_t vbd_rsect; /* sectors read */
	uint64_t vbd_wsect; /* sectors written */
	uint32_t ssid;      /* xentop's SSID: the security label's reference (0 without XSM) */
	uint8_t uuid[16];   /* the domain's UUID (xen: its handle), kept across a live move */
	uint32_t cpupool;   /* its cpupool's id (host.pools) */
	unsigned config_affinity; /* XN_CFG_*: the affinity its configuration sets (what the
	                             operator chose at creation, not a toolstack's placement) */
	char mem_policy[XN_MEM_POLICY_LEN]; /* its memory policy as numa_maps prints it
	                                       ("bind:1", "interleave:0-1", "prefer:0",
	                                       "default"): see xn_mem_policy_kind */

	/* xentop -n / -x rows, one entry per interface and device */
	struct xn_netif *netif; /* nets entries, owned (XN_DOM_NET_DEVS) */
	struct xn_vbd *vbd;     /* vbds entries, owned (XN_DOM_VBD_DEVS) */

	xn_nodemask node_affinity; /* node ids */
	bool affinity_auto;        /* derived by the system, not set explicitly */
	/* owned; XN_DOM_CPUS_HARD (else NULL): a hard limit, unlike a thread's
	 * own sched_setaffinity mask (vcpu_info.hard), which a step replaces */
	xn_cpumask *cpuset_cpus;

	int *vcpu_node;            /* vcpus entries: node id where each ran last, -1 unknown */
	struct xn_vcpu *vcpu_info; /* vcpus entries or NULL; owned (XN_DOM_VCPU_INFO) */

	/* derived by xn_derive(), read by views and outputs */
	double cpu_pct;          /* % of one CPU over the last interval */
	double locality;         /* 0..100: mean over vCPUs with a known node of the share of
	                            the domain's pages on that vCPU's node */
	uint64_t pages_outside;  /* pages on nodes outside node_affinity */
	int64_t *node_delta;     /* host.nr_nodes: page change since prev; owned */
	struct xn_advice advice; /* XN_DOM_ADVICE */
	struct xn_advice
	        recorded_advice; /* replay: what the recording held (XN_DOM_RECORDED_ADVICE) */

	unsigned valid; /* XN_DOM_* */
};

struct xn_snapshot {
	struct timespec time; /* wall-clock time of the sample */
	uint64_t mono_ns;     /* CLOCK_MONOTONIC of the sample (for rates) */
	char source[16];      /* "linux", "xen", "replay" */
	char origin[16];      /* where the figures come from: "linux", "xen"; a replay keeps
	                         the recorded origin ("" when the recording has none) */
	unsigned caps;        /* XN_SRC_* (source.h) of the origin's source, built in here
	                         or not: stamped by the sampler (xn_derive), for the advisor */
	struct xn_host host;
	size_t nr_domains;
	struct xn_domain *domains; /* sorted by id after xn_snapshot_sort() */
	size_t cap_domains;        /* slots allocated in domains[] (snapshot.c's business) */
	double interval;           /* seconds since the previous sample, 0 = none */
};

/* The cpupool of id in host.pools, or NULL. */
const struct xn_cpupool *xn_host_pool(const struct xn_host *h, uint32_t id);

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

/* A UUID as 36 characters, lower-case hex in groups 8-4-4-4-12, and back
 * (either case; 0, or -EINVAL for anything else). */
enum { XN_UUID_STR = 37 };
void xn_uuid_format(const uint8_t uuid[16], char out[XN_UUID_STR]);
int xn_uuid_parse(const char *s, uint8_t uuid[16]);

/* Allocate vcpu_node[] for d->vcpus entries, all -1. Returns 0 or -ENOMEM. */
int xn_domain_alloc_vcpu_node(struct xn_domain *d);

/* Allocate vcpu_info[] for d->vcpus entries, zeroed (cpu -1, state '-'),
 * and set XN_DOM_VCPU_INFO. Returns 0 or -ENOMEM. */
int xn_domain_alloc_vcpu_info(struct xn_domain *d);

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
 * "xen_op", "xen_op_upper", "debugkey_u", "recorded", "none". */
const char *xn_pages_method_name(enum xn_pages_method m);

/* Inverse of xn_pages_method_name; XN_PAGES_NONE if unknown. */
enum xn_pages_method xn_pages_method_parse(const char *name);

/* Parse an operator's node list against a host: "all", "0", "0-1", "0,2".
 * Every node must exist on the host; otherwise -EINVAL with a message that
 * names the bad node and lists the valid ones, e.g.
 * "node 5 does not exist (valid nodes: 0-1)". An empty list is -EINVAL. */
int xn_nodelist_parse(const char *s, const struct xn_host *h, xn_nodemask *out, char *err,
                      size_t errlen);

/* True when m holds every node of the host (Xen's automatic mode, "all"). */
bool xn_nodemask_is_all(const xn_nodemask *m, const struct xn_host *h);

/* Stable name of an advice action for JSON, CSV and metrics: "none", "ok",
 * "vcpus", "memory", "both", "stuck"; and its inverse (XN_ADVICE__COUNT when
 * unknown). Model-side, like xn_pages_method_name: outputs need no engine. */
const char *xn_advice_action_name(enum xn_advice_action a);
enum xn_advice_action xn_advice_action_parse(const char *name);

/* True when the advice asks for a change (VCPUS, MEMORY or BOTH): a step. */
bool xn_advice_is_misplaced(const struct xn_advice *a);

/* Short form for columns: "-", "ok", "stuck", "1:vcpus>0", "2:mem>3",
 * "both>0-1" (the step number first when the advice is a plan's step). */
void xn_advice_format_short(const struct xn_advice *a, char *buf, size_t len);

#endif
