/* xen_source.c - the xen source: probe, open, sample, close. Host data comes
 * from libxenctrl (xen_host.c), domains from libxenctrl and a cache of what
 * xenstore says (xen_domains.c, xen_cache.c, xen_devices.c),
 * per-node pages from xen_pages.c, cpupools from xen_pools.c, affinity
 * changes from xen_affinity.c. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "xen_priv.h"
#include "xen_words.h"

/* libxenctrl logs every failed hypercall to stderr by default; we report
 * errors in words ourselves (and stderr may be the TUI's terminal). */
static void quiet_vmessage(struct xentoollog_logger *l, xentoollog_level level, int errnoval,
                           const char *context, const char *format, va_list al)
{
}
static void quiet_progress(struct xentoollog_logger *l, const char *context, const char *doing_what,
                           int percent, unsigned long done, unsigned long total)
{
}
static void quiet_destroy(struct xentoollog_logger *l)
{
}
static xentoollog_logger quiet_logger = {
        .vmessage = quiet_vmessage,
        .progress = quiet_progress,
        .destroy = quiet_destroy,
};

static bool privcmd_present(void)
{
	return access("/dev/xen/privcmd", F_OK) == 0 || access("/proc/xen/privcmd", F_OK) == 0;
}

/* Open libxenctrl and check that this domain may use it: a domU also has
 * privcmd, but Xen refuses it the sysctls we need. */
static int open_xc(xc_interface **out, char *err, size_t errlen)
{
	if (!privcmd_present())
		return xn_errf(err, errlen, -ENODEV,
		               "xen: no /dev/xen/privcmd: not running in a Xen dom0 (or the "
		               "xen-privcmd module and xenfs are not loaded)");
	xc_interface *xch = xc_interface_open(&quiet_logger, &quiet_logger, 0);
	if (!xch) {
		int e = errno ? errno : EIO;
		return xn_errf(err, errlen, -e, "xen: cannot open the hypervisor interface: %s",
		               xen_strerror(e));
	}
	xc_physinfo_t info = {0};
	if (xc_physinfo(xch, &info)) {
		int e = errno ? errno : EIO;
		xc_interface_close(xch);
		if (e == EPERM || e == EACCES)
			return xn_errf(err, errlen, -EACCES,
			               "xen: the hypervisor refused xc_physinfo: this is not a "
			               "privileged domain (dom0)");
		return xn_errf(err, errlen, -e, "xen: xc_physinfo failed: %s", xen_strerror(e));
	}
	*out = xch;
	return 0;
}

static int xen_probe(const struct xn_source_config *cfg, char *err, size_t errlen)
{
	xc_interface *xch = NULL;
	int r = open_xc(&xch, err, errlen);
	if (r || !xch)
		return r ? r : -ENODEV;
	xc_interface_close(xch);
	return 0;
}

static void xen_close(struct xn_source *src)
{
	struct xen_priv *p = (struct xen_priv *)src;
	if (p->xst)
		xenstat_uninit(p->xst);
	xen_cache_close(p);
	free(p->info);
	free(p->nodemap);
	free(p->vcpu_hard);
	free(p->vcpu_soft);
	if (p->xch)
		xc_interface_close(p->xch);
	free(p->cpu_node);
	xen_pools_close(p);
	free(p->ring);
	xen_pages_close(p);
	free(p);
}

extern const struct xn_source_ops xn_source_xen;

static int xen_open(const struct xn_source_config *cfg, struct xn_source **out, char *err,
                    size_t errlen)
{
	struct xen_priv *p = calloc(1, sizeof(*p));
	if (!p)
		return xn_errf(err, errlen, -ENOMEM, "xen: out of memory");
	p->base.ops = &xn_source_xen;
	p->cfg = *cfg;
	int r = open_xc(&p->xch, err, errlen);
	if (r) {
		free(p);
		return r;
	}
	p->nodemap = xc_nodemap_alloc(p->xch);
	if (!p->nodemap) {
		xen_close(&p->base);
		return xn_errf(err, errlen, -ENOMEM, "xen: cannot allocate a node map");
	}
	/* kept for the life of the source: one getaffinity per vCPU per refresh */
	p->cpumap_size = xc_get_cpumap_size(p->xch);
	p->vcpu_hard = xc_cpumap_alloc(p->xch);
	p->vcpu_soft = xc_cpumap_alloc(p->xch);
	if (p->cpumap_size <= 0 || !p->vcpu_hard || !p->vcpu_soft) {
		xen_close(&p->base);
		return xn_errf(err, errlen, -ENOMEM, "xen: cannot allocate a CPU map");
	}
	if ((r = xen_cache_open(p, err, errlen))) {
		xen_close(&p->base);
		return r;
	}
	xen_pages_init(p);
	*out = &p->base;
	return 0;
}

static int xen_sample(struct xn_source *src, struct xn_snapshot *s)
{
	struct xen_priv *p = (struct xen_priv *)src;
	int r = xen_host_sample(p, &s->host);
	if (r)
		return r;
	uint64_t now = xn_now_mono_ns();
	xen_pools_sample(p, &s->host, now);
	r = xen_domains_sample(p, s);
	if (r)
		return r;
	xen_pools_check(p, s, now);
	xen_pages_query(p, s);
	return 0;
}

const struct xn_source_ops xn_source_xen = {
        .name = "xen",
        .caps = XN_SRC_FUTURE_ONLY | XN_SRC_SOFT_VCPUS | XN_SRC_RECREATE | XN_SRC_CPUPOOLS,
        .pages_why = xen_pages_why,
        .probe = xen_probe,
        .open = xen_open,
        .sample = xen_sample,
        .set_node_affinity = xen_affinity_set,
        .close = xen_close,
};
