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
#include <xenstore.h>

#include "snapshot.h"
#include "source.h"
#include "xen_udump.h"

enum {
	XEN_PAGE_SIZE = 4096,
	XEN_MAX_ZONE = 40,     /* NR_ZONES - 1 on x86 (PADDR_BITS 52 - PAGE_SHIFT 12) */
	XEN_ZONE_4G = 20,      /* zones 1..20 hold MFNs below 2^20: memory below 4 GiB */
	XEN_MAX_NODE_IDS = 64, /* MAX_NUMNODES on x86 */
};

/* How old a domain's vCPU and node affinity may be (man page, PERFORMANCE):
 * they change only when someone changes them, and a refresh re-reading
 * them for every vCPU costs two hypercalls per vCPU. */
#define XEN_AFFINITY_MAX_AGE_NS 10000000000ull

/* What the source remembers of a domain between refreshes (xen_cache.c),
 * keyed by id and handle (Xen's UUID of the domain). */
struct xen_dom_cache {
	uint32_t domid;
	uint8_t handle[16];
	char *name;          /* its xenstore name, owned; NULL: none (yet) */
	bool name_stale;     /* read the name at the next refresh */
	bool seen;           /* listed by the refresh under way */
	uint64_t aff_due_ns; /* re-read the affinity once the clock passes this; 0: now */
	uint32_t nr_aff;     /* vCPUs in hard[], soft[] */
	char **hard, **soft; /* per vCPU, as xl vcpu-list says them, owned; NULL: unknown */
	bool have_node_aff;
	xn_nodemask node_aff;
	bool cfg_done;       /* config_aff read (or unreadable but for want of the file) */
	bool cfg_known;      /* config_aff holds XN_CFG_* bits */
	unsigned config_aff; /* what its stored configuration sets (xen_config.c) */
	uint64_t cfg_mtime;  /* no file yet: its directory's stamp when last looked for */
	uint64_t cfg_due_ns; /* no file yet: look again once the clock passes this; 0: now */
};

struct xen_priv {
	struct xn_source base; /* first: open() hands out &base */
	struct xn_source_config cfg;
	xc_interface *xch;
	xenstat_handle *xst;      /* libxenstat, opened only for qdisk VBDs (xen_devices.c) */
	struct xs_handle *xs;     /* xenstore reads, no watch: synchronous (xen_cache.c) */
	struct xs_handle *xsw;    /* xenstore: the one watch, on /local/domain */
	bool watching;            /* that watch is registered */
	xc_domaininfo_t *info;    /* scratch for xc_domain_getinfolist, 256 entries */
	struct xen_dom_cache *dc; /* sorted by domid */
	size_t nr_dc, cap_dc;
	bool qdisk_stale;      /* the qdisk backend directory changed: read it again */
	bool any_qdisk;        /* some domain has a QEMU disk backend */
	xc_nodemap_t nodemap;  /* scratch for get/setaffinity, xc_get_nodemap_size() bytes */
	xc_cpumap_t vcpu_hard; /* scratch for xc_vcpu_getaffinity, xc_get_cpumap_size() bytes */
	xc_cpumap_t vcpu_soft;
	int cpumap_size; /* xc_get_cpumap_size(), bytes */

	/* the cpupools' last reading (xen_pools.c) */
	struct xn_cpupool *pools;
	int nr_pools, cap_pools;
	uint64_t pools_read_ns; /* monotonic time of that reading; 0: none yet */
	bool pools_stale;       /* read them at the next chance (our change, an unknown pool) */
	bool pools_fresh;       /* read during the refresh under way */
	bool pools_missing;     /* pools_missing_id was listed but not read (see xen_pools_check) */
	uint32_t pools_missing_id;

	/* the directory of libxl's stored configurations (xen_config.c) */
	const char *cfg_dir;    /* NULL: XEN_USERDATA_DIR (a test names another) */
	uint64_t cfg_dir_mtime; /* its stamp at the refresh cfg_dir_ns (see xen_config_sample) */
	uint64_t cfg_dir_ns;    /* 0: not looked at yet */

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

/* Where libxl keeps each domain's configuration (xen_config.c). */
#define XEN_USERDATA_DIR "/var/lib/xen"

/* The XN_CFG_* bits of a stored configuration (the userdata file's text, or
 * `xl list -l`'s object for one domain): 0, or -EINVAL when it is not one. */
int xen_config_affinity_parse(const char *text, size_t len, unsigned *out);
/* The same from dir/userdata-d.DOMID.UUID.libxl-json: 0, -errno (-ENOENT: not
 * written yet, or not a libxl domain), -EINVAL. */
int xen_config_affinity_read(const char *dir, uint32_t domid, const uint8_t uuid[16],
                             unsigned *out);
/* How long a missing configuration file may go unseen when its directory's
 * modification time says nothing (a file system that does not keep it). */
#define XEN_CONFIG_MAX_AGE_NS 60000000000ull
/* e's configuration bits at the refresh of time now (xn_now_mono_ns(), the
 * same for every domain of a refresh): read once when its file is there
 * (the entry is reset when the id gets another UUID). A missing file (a
 * bare domain, one made by another toolstack, or libxl has not written it
 * yet) is looked for again only when the directory changed since the last
 * look (one stat per refresh, for all domains), or XEN_CONFIG_MAX_AGE_NS
 * after it. */
void xen_config_sample(struct xen_priv *p, struct xen_dom_cache *e, uint64_t now);

/* The cpupools (xen_pools.c). sample: the last reading into h->pools
 * (none when they cannot be read), read from Xen first when due: at the
 * first sample, XEN_AFFINITY_MAX_AGE_NS after the last reading, after
 * xen_pools_changed, or after xen_pools_unknown (a domain listed in pool
 * id, which the reading lacks: then xen_pools_check, after the domains,
 * reads them at once, once a refresh at most, and marks those domains'
 * pools known; an id still missing then waits for the next reading).
 * now: xn_now_mono_ns(). close frees the reading. */
bool xen_pools_due(const struct xen_priv *p, uint64_t now);
void xen_pools_sample(struct xen_priv *p, struct xn_host *h, uint64_t now);
void xen_pools_unknown(struct xen_priv *p, uint32_t id);
void xen_pools_check(struct xen_priv *p, struct xn_snapshot *s, uint64_t now);
void xen_pools_changed(struct xen_priv *p);
void xen_pools_close(struct xen_priv *p);

/* A CPU map (xc_cpumap_t of p->cpumap_size bytes) as `xl vcpu-list` says
 * it: "all" when it holds every online CPU of the last topology read, else
 * the list of its online CPUs ("0-3,8"); "none" when it holds none.
 * Returns the length needed (like snprintf). */
int xen_cpumap_format(const struct xen_priv *p, const uint8_t *map, char *buf, size_t len);

/* Domains (xc_domain_getinfolist, names from the cache), with vCPU
 * placement (vcpu_node, and vcpu_info: CPU, state, hard and soft affinity),
 * node affinity, networks and VBDs. Domains that vanish during the sample
 * are dropped silently. Fills s->domains sorted by id. 0 or -errno. */
int xen_domains_sample(struct xen_priv *p, struct xn_snapshot *s);

/* Networks and VBDs of every listed domain (s sorted by id), in one pass;
 * what cannot be read stays unknown. */
void xen_devices_sample(struct xen_priv *p, struct xn_snapshot *s);

/* The per-domain cache (xen_cache.c). open: xenstore and the qdisk watch,
 * 0 or -errno with the reason in err; close frees it all. A refresh calls
 * begin (takes the watch events), get for each domain listed (NULL on
 * ENOMEM; the pointer lives until the next get), end (forgets the domains
 * not listed). */
int xen_cache_open(struct xen_priv *p, char *err, size_t errlen);
void xen_cache_close(struct xen_priv *p);
void xen_cache_begin(struct xen_priv *p);
struct xen_dom_cache *xen_cache_get(struct xen_priv *p, uint32_t domid, const uint8_t handle[16]);
void xen_cache_end(struct xen_priv *p);
/* The entry's name, read from xenstore only when stale; *err -ENOMEM or 0. */
const char *xen_cache_name(struct xen_priv *p, struct xen_dom_cache *e, int *err);
/* hard[] and soft[] for nr_vcpus vCPUs (emptied when the count changed). */
int xen_cache_affinity_room(struct xen_dom_cache *e, uint32_t nr_vcpus);
/* Re-read the domain's affinity at the next refresh (after our change). */
void xen_cache_affinity_changed(struct xen_priv *p, uint32_t domid);
/* Whether any domain has a QEMU (qdisk) disk backend. */
bool xen_cache_any_qdisk(struct xen_priv *p);

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
