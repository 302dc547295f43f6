/* xen_devices.c - xentop's network and VBD figures (NETS..VBD_WSECT) in one
 * pass per refresh, read where libxenstat reads them but without its
 * per-domain xenstore request: every vif from one read of /proc/net/dev
 * (an interface is domain D's network N when named vifD.N, or when its
 * /sys/class/net/IF/device/nodename says backend/vif/D/N), every blkback
 * or blktap VBD from one listing of /sys/bus/xen-backend/devices
 * (vbd-D-N, tap-D-N) and its statistics/ files. Transmit and receive are
 * dom0's side of the vif, as xentop shows them. A host with a QEMU (qdisk)
 * disk backend takes its VBD figures from libxenstat, which asks QEMU over
 * QMP (xentop's cost, only while such a backend exists).
 *
 * Each is read only when asked (source.h, XN_WANT_*): a screen that shows
 * none of these columns, or a Prometheus exporter, costs neither the read
 * of /proc/net/dev nor the sysfs walk. Each interface and VBD is kept apart
 * (netif[], vbd[]) only for xentop's -n and -x rows. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xen_priv.h"

static const char vbd_dir[] = "/sys/bus/xen-backend/devices";

static struct xn_domain *find_domain(struct xn_snapshot *s, uint32_t domid)
{
	size_t lo = 0, hi = s->nr_domains; /* sorted by id: xen_domains_sample */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->domains[mid].id < (int64_t)domid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->nr_domains && s->domains[lo].id == (int64_t)domid ? &s->domains[lo] : NULL;
}

/* The whole of a small file into buf (NUL-terminated); bytes read or -1. */
static ssize_t read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return n;
}

/* Which domain's vif the interface is, as libxenstat decides. */
static bool vif_domid(const char *iface, unsigned *domid, unsigned *dev)
{
	if (sscanf(iface, "vif%u.%u", domid, dev) == 2)
		return true;
	char path[128], buf[128];
	snprintf(path, sizeof(path), "/sys/class/net/%s/device/nodename", iface);
	return read_small(path, buf, sizeof(buf)) > 0 &&
	       sscanf(buf, "backend/vif/%u/%u", domid, dev) == 2;
}

/* Append one entry to a domain's device array (n entries so far): the
 * arrays are a few entries long, grown one at a time. NULL on ENOMEM. */
static void *grow(void *arr, uint32_t n, size_t size)
{
	return realloc(arr, ((size_t)n + 1) * size);
}

/* false when out of memory */
static bool keep_netif(struct xn_domain *d, unsigned dev, const unsigned long long *rx,
                       const unsigned long long *tx)
{
	struct xn_netif *a = grow(d->netif, d->nets, sizeof(*a));
	if (!a)
		return false;
	d->netif = a;
	a[d->nets] = (struct xn_netif){.id = dev,
	                               .rx_bytes = rx[0],
	                               .rx_pkts = rx[1],
	                               .rx_errs = rx[2],
	                               .rx_drop = rx[3],
	                               .tx_bytes = tx[0],
	                               .tx_pkts = tx[1],
	                               .tx_errs = tx[2],
	                               .tx_drop = tx[3]};
	return true;
}

/* The vifs, from one read of /proc/net/dev. -errno when it cannot be read
 * (every domain's network figures stay unknown). */
static int read_nets(struct xn_snapshot *s, bool devs)
{
	FILE *f = fopen("/proc/net/dev", "re");
	if (!f)
		return -errno;
	char line[512];
	for (int ln = 0; fgets(line, sizeof(line), f); ln++) {
		char *colon = strchr(line, ':');
		if (ln < 2 || !colon)
			continue; /* the two header lines */
		*colon = '\0';
		char *iface = line + strspn(line, " ");
		unsigned long long rx[4], tx[4], skip;
		unsigned domid, dev;
		/* bytes packets errs drop fifo frame compressed multicast |
		 * bytes packets errs drop */
		if (sscanf(colon + 1, "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
		           &rx[0], &rx[1], &rx[2], &rx[3], &skip, &skip, &skip, &skip, &tx[0],
		           &tx[1], &tx[2], &tx[3]) != 12 ||
		    !vif_domid(iface, &domid, &dev))
			continue;
		struct xn_domain *d = find_domain(s, domid);
		if (!d)
			continue; /* its domain is gone, or not listed yet */
		if (devs && !keep_netif(d, dev, rx, tx))
			devs = false; /* out of memory: no domain's rows, rather than some */
		d->nets++;
		d->net_tx_bytes += tx[0];
		d->net_rx_bytes += rx[0];
	}
	fclose(f);
	for (size_t i = 0; i < s->nr_domains; i++)
		s->domains[i].valid |= XN_DOM_NET | (devs ? XN_DOM_NET_DEVS : 0u);
	return 0;
}

/* One statistics/ counter of a backend device. */
static bool vbd_stat(const char *dev, const char *what, uint64_t *v)
{
	char path[320], buf[64];
	unsigned long long x;
	snprintf(path, sizeof(path), "%s/%s/statistics/%s", vbd_dir, dev, what);
	if (read_small(path, buf, sizeof(buf)) <= 0 || sscanf(buf, "%llu", &x) != 1)
		return false;
	*v = x;
	return true;
}

/* Count one VBD in its domain's sums (as xentop: one whose statistics
 * cannot be read counts in VBDS, not in the sums) and, when devs, keep it
 * for the -x rows. false when out of memory. */
static bool add_vbd(struct xn_domain *d, const struct xn_vbd *v, bool devs)
{
	bool kept = true;
	if (devs) {
		struct xn_vbd *a = grow(d->vbd, d->vbds, sizeof(*a));
		if (a) {
			d->vbd = a;
			a[d->vbds] = *v;
		} else {
			kept = false;
		}
	}
	d->vbds++;
	if (!v->error) {
		d->vbd_oo += v->oo;
		d->vbd_rd += v->rd;
		d->vbd_wr += v->wr;
		d->vbd_rsect += v->rsect;
		d->vbd_wsect += v->wsect;
	}
	return kept;
}

/* blkback and blktap VBDs from sysfs. */
static int read_vbds(struct xn_snapshot *s, bool devs)
{
	DIR *dir = opendir(vbd_dir);
	if (!dir)
		return -errno;
	struct dirent *de;
	while ((de = readdir(dir))) {
		char kind[4];
		unsigned domid, dev;
		if (sscanf(de->d_name, "%3[a-z]-%u-%u", kind, &domid, &dev) != 3 ||
		    (strcmp(kind, "vbd") && strcmp(kind, "tap")))
			continue;
		struct xn_domain *d = find_domain(s, domid);
		if (!d)
			continue;
		struct xn_vbd v = {.dev = dev,
		                   .kind = kind[0] == 'v' ? XN_VBD_BLKBACK : XN_VBD_BLKTAP};
		v.error = !vbd_stat(de->d_name, "oo_req", &v.oo) ||
		          !vbd_stat(de->d_name, "rd_req", &v.rd) ||
		          !vbd_stat(de->d_name, "wr_req", &v.wr) ||
		          !vbd_stat(de->d_name, "rd_sect", &v.rsect) ||
		          !vbd_stat(de->d_name, "wr_sect", &v.wsect);
		if (!add_vbd(d, &v, devs))
			devs = false; /* out of memory: no domain's rows, rather than some */
	}
	closedir(dir);
	for (size_t i = 0; i < s->nr_domains; i++)
		s->domains[i].valid |= XN_DOM_VBD | (devs ? XN_DOM_VBD_DEVS : 0u);
	return 0;
}

static enum xn_vbd_kind xenstat_kind(unsigned type)
{
	switch (type) {
	case 1:
		return XN_VBD_BLKBACK;
	case 2:
		return XN_VBD_BLKTAP;
	case 3:
		return XN_VBD_QDISK;
	default:
		return XN_VBD_UNKNOWN;
	}
}

/* Every domain's VBD figures from libxenstat (qdisk backends: QMP). */
static void vbds_from_xenstat(struct xen_priv *p, struct xn_snapshot *s, bool devs)
{
	if (!p->xst && !(p->xst = xenstat_init()))
		return;
	xenstat_node *node = xenstat_get_node(p->xst, XENSTAT_VBD);
	if (!node)
		return;
	unsigned n = xenstat_node_num_domains(node);
	for (unsigned k = 0; k < n; k++) {
		xenstat_domain *xd = xenstat_node_domain_by_index(node, k);
		struct xn_domain *d = xd ? find_domain(s, xenstat_domain_id(xd)) : NULL;
		if (!d || (d->valid & XN_DOM_VBD))
			continue; /* libxenstat lists some twice past 256 domains */
		unsigned nv = xenstat_domain_num_vbds(xd);
		for (unsigned i = 0; i < nv; i++) {
			xenstat_vbd *b = xenstat_domain_vbd(xd, i);
			struct xn_vbd v = {.error = true};
			if (b) {
				v.dev = xenstat_vbd_dev(b);
				v.kind = xenstat_kind(xenstat_vbd_type(b));
				v.error = xenstat_vbd_error(b) != 0;
			}
			if (b && !v.error) {
				v.oo = xenstat_vbd_oo_reqs(b);
				v.rd = xenstat_vbd_rd_reqs(b);
				v.wr = xenstat_vbd_wr_reqs(b);
				v.rsect = xenstat_vbd_rd_sects(b);
				v.wsect = xenstat_vbd_wr_sects(b);
			}
			if (!add_vbd(d, &v, devs))
				devs = false;
		}
		d->valid |= XN_DOM_VBD; /* marks it read, against libxenstat's repeats */
	}
	xenstat_free_node(node);
	for (size_t i = 0; devs && i < s->nr_domains; i++)
		if (s->domains[i].valid & XN_DOM_VBD) /* not for those libxenstat missed */
			s->domains[i].valid |= XN_DOM_VBD_DEVS;
}

void xen_devices_sample(struct xen_priv *p, struct xn_snapshot *s)
{
	unsigned want = p->base.want;
	if (want & (XN_WANT_NET | XN_WANT_NET_DEVS))
		read_nets(s, want & XN_WANT_NET_DEVS);
	if (!(want & (XN_WANT_VBD | XN_WANT_VBD_DEVS)))
		return;
	if (xen_cache_any_qdisk(p))
		vbds_from_xenstat(p, s, want & XN_WANT_VBD_DEVS);
	else
		read_vbds(s, want & XN_WANT_VBD_DEVS);
}
