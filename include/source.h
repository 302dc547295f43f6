/* source.h - the interface every data source (xen, linux, replay) implements,
 * and the explicit registry that chooses one (src/sampler/source.c).
 *
 * A backend's private state embeds struct xn_source as its first member, so
 * open() returns &priv->base and the backend casts back.
 */
#ifndef XN_SOURCE_H
#define XN_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nodemask.h"
#include "snapshot.h"

/* Everything a source may be configured with (parsed by main's options). */
struct xn_source_config {
	/* linux */
	bool cgroups;          /* --cgroups: domains are cgroups, not processes */
	int top_n;             /* --top N: besides QEMU guests, the N largest processes */
	const char *pids;      /* --pid LIST: always include these PIDs ("123,456"), or NULL */
	double exact_interval; /* --exact-interval SECS: starting interval between exact numa_maps
	                          walks (adapts from 1/4 to 8 times it); 0 = every refresh */
	/* xen */
	double debugkey_interval; /* --debugkey-interval SECS: min time between 'u' dumps; 0 = every
	                             refresh */
	bool no_pageop;           /* --no-pageop: ignore the hypervisor's page op */
	/* replay */
	const char *replay_file; /* --replay FILE */
};

/* Flags for set_node_affinity. */
enum {
	XN_AFF_CPUS = 1u << 0,      /* also steer CPUs: Linux pins threads (always on), Xen sets
	                               vCPU soft affinity to the nodes' CPUs */
	XN_AFF_DRY_RUN = 1u << 1,   /* validate and describe only; change nothing */
	XN_AFF_NO_MEMORY = 1u << 2, /* steer CPUs only (implies XN_AFF_CPUS): leave node
	                               affinity and memory as they are. Linux: pin the
	                               threads, no migrate_pages; Xen: vCPU soft affinity,
	                               no xc_domain_node_setaffinity */
};

/* What a source is and can do (struct xn_source_ops.caps): the modes, the
 * screen and the advisor ask these, never compare a source's name (only the
 * registry names backends). */
enum {
	XN_SRC_RECORDED = 1u << 0,     /* plays samples back: each carries its own time and
	                                  origin; they come as fast as they are read */
	XN_SRC_FUTURE_ONLY = 1u << 1,  /* node affinity steers future allocations only:
	                                  existing pages stay where they are (Xen) */
	XN_SRC_MEMORY_MOVES = 1u << 2, /* existing pages move (Linux migrate_pages) */
	XN_SRC_SOFT_VCPUS = 1u << 3,   /* vCPU moves set soft affinity: hard affinity binds (Xen) */
	XN_SRC_RECREATE = 1u << 4,     /* memory moves by re-creating the domain, every page
	                                  copied (Xen live move, move.h) */
	XN_SRC_CPUPOOLS = 1u << 5,     /* domains run in CPU pools it reads (host.pools, each
	                                  domain's cpupool): vCPUs only on their pool's CPUs (Xen) */
};

/* Figures that cost a source extra reads each refresh (the Xen source:
 * /proc/net/dev, the block backends in sysfs) and that it reads only when
 * asked (struct xn_source.want): when something shown or exported needs
 * them. A source without such figures ignores the request. */
enum {
	XN_WANT_NET = 1u << 0,      /* nets, net_tx_bytes, net_rx_bytes: xentop's NETS..NETRX */
	XN_WANT_VBD = 1u << 1,      /* vbds, vbd_*: xentop's VBDS..VBD_WSECT */
	XN_WANT_NET_DEVS = 1u << 2, /* netif[]: each interface (xentop -n rows) */
	XN_WANT_VBD_DEVS = 1u << 3, /* vbd[]: each block device (xentop -x rows) */
};
/* What xn_source_open asks for until the caller says otherwise: the totals,
 * as every source read them before the request existed. */
#define XN_WANT_DEFAULT (XN_WANT_NET | XN_WANT_VBD)

struct xn_source;

struct xn_source_ops {
	const char *name; /* "xen", "linux", "replay" */
	unsigned caps;    /* XN_SRC_* */
	/* 0 when this source can work here (for --source auto), else -errno and
	 * why in err. Cheap: no allocation that outlives the call. */
	int (*probe)(const struct xn_source_config *cfg, char *err, size_t errlen);
	/* Open the source. On success *out is owned by the caller until close(). */
	int (*open)(const struct xn_source_config *cfg, struct xn_source **out, char *err,
	            size_t errlen);
	/* Fill a cleared snapshot (host + domains, sorted by id; derived fields
	 * are left to the sampler). 0 or -errno with the reason in src->err. For
	 * replay, -ENODATA means the recording has ended. */
	int (*sample)(struct xn_source *src, struct xn_snapshot *out);
	/* Change a domain's node affinity; NULL for read-only sources. On success
	 * msg says what changed ("moved 1234 pages to node 1; pinned 3 threads to
	 * CPUs 2-3"); on failure -errno and the reason in src->err, with nothing
	 * half-applied silently (msg says what did get applied if anything). */
	int (*set_node_affinity)(struct xn_source *src, int64_t domid, const xn_nodemask *nodes,
	                         unsigned flags, char *msg, size_t msglen);
	/* Optional: replay stepping. delta samples forward (+) or back (-). */
	int (*seek)(struct xn_source *src, long delta);
	/* Optional: where a recording stands (index of the sample last read, from
	 * 0; -1 before the first) and how many samples it holds. 0 or -errno. */
	int (*position)(const struct xn_source *src, long *index, long *count);
	/* Optional: why this source (as a snapshot's origin) has no per-node page
	 * figures for domain id, in words, for the screen. */
	void (*pages_why)(int64_t id, char *buf, size_t len);
	void (*close)(struct xn_source *src);
};

struct xn_source {
	const struct xn_source_ops *ops;
	char err[512]; /* the last error, in words */
	/* Non-fatal, set by sample(): why some figures are stale or unknown
	 * (e.g. "debug key 'u' dump incomplete; kept the previous figures"),
	 * "" when all is well. For the status line. */
	char note[256];
	/* XN_WANT_*: the optional figures the next sample() should read; set
	 * by whoever runs the source (XN_WANT_DEFAULT after open), read by
	 * the backend. */
	unsigned want;
};

/* The registry, in auto-detection order (xen first when built in). */
extern const struct xn_source_ops *const xn_sources[];
extern const size_t xn_nr_sources;

/* The capabilities of the source whose figures a snapshot holds (its
 * origin: a replay keeps the recorded one), also when that source is not
 * built in here; 0 when unknown. */
unsigned xn_source_caps(const char *origin);

/* Find a source by name, or NULL. */
const struct xn_source_ops *xn_source_find(const char *name);

/* Open the source named name ("auto" probes xen, then linux).
 * On failure the reason is in err. */
int xn_source_open(const char *name, const struct xn_source_config *cfg, struct xn_source **out,
                   char *err, size_t errlen);

/* Why the snapshot's domain id has no page figures, as the source its
 * figures came from (its origin) says it; "not in the recording" when that
 * source is not built in or says nothing. */
void xn_source_pages_why(const struct xn_snapshot *s, int64_t id, char *buf, size_t len);

/* Set the source's error text (printf-style); returns -err_no for chaining:
 * return xn_source_fail(src, -ENOENT, "domain %d is gone", id); */
int xn_source_fail(struct xn_source *src, int neg_errno, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

#endif
