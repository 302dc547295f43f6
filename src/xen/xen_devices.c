/* xen_devices.c - xentop's network and VBD figures (NETS..VBD_WSECT) in one
 * pass per refresh, read where libxenstat reads them but without its
 * per-domain xenstore request: every vif from one read of /proc/net/dev
 * (an interface is domain D's network N when named vifD.N, or when its
 * /sys/class/net/IF/device/nodename says backend/vif/D/N), every blkback
 * or blktap VBD from one listing of /sys/bus/xen-backend/devices
 * (vbd-D-N, tap-D-N) and its statistics/ files. Transmit and receive are
 * dom0's side of the vif, as xentop shows them. A host with a QEMU (qdisk)
 * disk backend takes its VBD figures from libxenstat, which asks QEMU over
 * QMP (xentop's cost, only while such a backend exists). */
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
static bool vif_domid(const char *iface, unsigned *domid)
{
	unsigned dev;
	if (sscanf(iface, "vif%u.%u", domid, &dev) == 2)
		return true;
	char path[128], buf[128];
	snprintf(path, sizeof(path), "/sys/class/net/%s/device/nodename", iface);
	return read_small(path, buf, sizeof(buf)) > 0 &&
	       sscanf(buf, "backend/vif/%u/%u", domid, &dev) == 2;
}

/* The vifs, from one read of /proc/net/dev. -errno when it cannot be read
 * (every domain's network figures stay unknown). */
static int read_nets(struct xn_snapshot *s)
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
		unsigned long long rx = 0, tx = 0, skip;
		unsigned domid;
		/* bytes packets errs drop fifo frame compressed multicast | bytes */
		if (sscanf(colon + 1, "%llu %llu %llu %llu %llu %llu %llu %llu %llu", &rx, &skip,
		           &skip, &skip, &skip, &skip, &skip, &skip, &tx) != 9 ||
		    !vif_domid(iface, &domid))
			continue;
		struct xn_domain *d = find_domain(s, domid);
		if (!d)
			continue; /* its domain is gone, or not listed yet */
		d->nets++;
		d->net_tx_bytes += tx;
		d->net_rx_bytes += rx;
	}
	fclose(f);
	for (size_t i = 0; i < s->nr_domains; i++)
		s->domains[i].valid |= XN_DOM_NET;
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

/* blkback and blktap VBDs from sysfs. A VBD whose statistics cannot be read
 * counts in VBDS but not in the sums, as xentop does. */
static int read_vbds(struct xn_snapshot *s)
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
		d->vbds++;
		uint64_t oo, rd, wr, rs, ws;
		if (!vbd_stat(de->d_name, "oo_req", &oo) || !vbd_stat(de->d_name, "rd_req", &rd) ||
		    !vbd_stat(de->d_name, "wr_req", &wr) || !vbd_stat(de->d_name, "rd_sect", &rs) ||
		    !vbd_stat(de->d_name, "wr_sect", &ws))
			continue;
		d->vbd_oo += oo;
		d->vbd_rd += rd;
		d->vbd_wr += wr;
		d->vbd_rsect += rs;
		d->vbd_wsect += ws;
	}
	closedir(dir);
	for (size_t i = 0; i < s->nr_domains; i++)
		s->domains[i].valid |= XN_DOM_VBD;
	return 0;
}

/* Every domain's VBD figures from libxenstat (qdisk backends: QMP). */
static void vbds_from_xenstat(struct xen_priv *p, struct xn_snapshot *s)
{
	if (!p->xst && !(p->xst = xenstat_init()))
		return;
	xenstat_node *node = xenstat_get_node(p->xst, XENSTAT_VBD);
	if (!node)
		return;
	for (size_t i = 0; i < s->nr_domains; i++) {
		struct xn_domain *d = &s->domains[i];
		d->valid &= ~(unsigned)XN_DOM_VBD;
		d->vbds = 0;
		d->vbd_oo = d->vbd_rd = d->vbd_wr = d->vbd_rsect = d->vbd_wsect = 0;
	}
	unsigned n = xenstat_node_num_domains(node);
	for (unsigned k = 0; k < n; k++) {
		xenstat_domain *xd = xenstat_node_domain_by_index(node, k);
		struct xn_domain *d = xd ? find_domain(s, xenstat_domain_id(xd)) : NULL;
		if (!d || (d->valid & XN_DOM_VBD))
			continue; /* libxenstat lists some twice past 256 domains */
		d->vbds = xenstat_domain_num_vbds(xd);
		for (unsigned i = 0; i < d->vbds; i++) {
			xenstat_vbd *b = xenstat_domain_vbd(xd, i);
			if (!b || xenstat_vbd_error(b))
				continue;
			d->vbd_oo += xenstat_vbd_oo_reqs(b);
			d->vbd_rd += xenstat_vbd_rd_reqs(b);
			d->vbd_wr += xenstat_vbd_wr_reqs(b);
			d->vbd_rsect += xenstat_vbd_rd_sects(b);
			d->vbd_wsect += xenstat_vbd_wr_sects(b);
		}
		d->valid |= XN_DOM_VBD;
	}
	xenstat_free_node(node);
}

void xen_devices_sample(struct xen_priv *p, struct xn_snapshot *s)
{
	read_nets(s);
	if (xen_cache_any_qdisk(p))
		vbds_from_xenstat(p, s);
	else
		read_vbds(s);
}
