/* linux_host.c - the host side of the linux source: nodes, their memory and
 * CPUs, distances and zones, from /sys/devices/system/node and /proc/zoneinfo. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linux_parse.h"
#include "linux_priv.h"
#include "util.h"

#define NODE_DIR "/sys/devices/system/node"

ssize_t xn_lx_read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t n = 0;
	while (n + 1 < size) {
		ssize_t r = read(fd, buf + n, size - 1 - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			return -e;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	return (ssize_t)n;
}

static int read_nodes(struct xn_host *h, char *err, size_t errlen)
{
	char buf[4096];
	ssize_t r = xn_lx_read_small(NODE_DIR "/online", buf, sizeof(buf));
	if (r < 0)
		return xn_errf(err, errlen, (int)r, "cannot read %s/online: %s", NODE_DIR,
		               strerror((int)-r));
	xn_nodemask online;
	char perr[128];
	int pr = xn_bits_parse_list(buf, online.w, XN_MAX_NODES, perr, sizeof(perr));
	if (pr)
		return xn_errf(err, errlen, -EINVAL, "%s/online: %s", NODE_DIR, perr);
	int n = xn_bits_count(online.w, XN_MAX_NODES);
	if (n == 0)
		return xn_errf(err, errlen, -ENODATA, "%s/online lists no node", NODE_DIR);
	if (xn_host_alloc_nodes(h, n))
		return xn_errf(err, errlen, -ENOMEM, "out of memory");
	int i = 0;
	for (int id = xn_bits_next(online.w, XN_MAX_NODES, 0); id >= 0;
	     id = xn_bits_next(online.w, XN_MAX_NODES, id + 1), i++) {
		struct xn_node *nd = &h->nodes[i];
		nd->id = id;
		char path[128], big[16384];
		snprintf(path, sizeof(path), NODE_DIR "/node%d/meminfo", id);
		if (xn_lx_read_small(path, big, sizeof(big)) >= 0)
			xn_lx_parse_node_meminfo(big, &nd->mem_total, &nd->mem_free, &nd->valid);
		snprintf(path, sizeof(path), NODE_DIR "/node%d/cpulist", id);
		if (xn_lx_read_small(path, big, sizeof(big)) >= 0 &&
		    !xn_bits_parse_list(big, nd->cpus.w, XN_MAX_CPUS, NULL, 0))
			nd->valid |= XN_NODE_CPUS;
	}
	return 0;
}

/* distance[i][j]: node i's file lists every online node in id order. */
static void read_distances(struct xn_host *h)
{
	int n = h->nr_nodes;
	uint32_t *row = malloc((size_t)n * sizeof(*row));
	if (!row)
		return;
	bool ok = true;
	for (int i = 0; i < n && ok; i++) {
		char path[128], buf[8192];
		snprintf(path, sizeof(path), NODE_DIR "/node%d/distance", h->nodes[i].id);
		ok = xn_lx_read_small(path, buf, sizeof(buf)) >= 0 &&
		     xn_lx_parse_u32_list(buf, row, n) == n;
		if (ok)
			memcpy(&h->distance[i * n], row, (size_t)n * sizeof(*row));
	}
	free(row);
	if (ok)
		h->valid |= XN_HOST_DISTANCE;
}

static void read_zones(struct xn_host *h)
{
	char *text;
	if (xn_read_file("/proc/zoneinfo", &text, NULL))
		return;
	struct xn_lx_zone *z;
	size_t nz;
	if (!xn_lx_parse_zoneinfo(text, &z, &nz)) {
		for (size_t i = 0; i < nz; i++) {
			int idx = xn_host_node_index(h, z[i].node);
			struct xn_zone *hz = idx >= 0 ? xn_host_add_zone(h) : NULL;
			if (!hz)
				continue;
			hz->node_idx = idx;
			xn_strlcpy(hz->name, z[i].name, sizeof(hz->name));
			hz->free_pages = z[i].free_pages;
			hz->managed_pages = z[i].managed_pages;
			hz->valid = z[i].valid;
		}
		free(z);
	}
	free(text);
}

int xn_lx_host_read(struct xn_host *h, char *err, size_t errlen)
{
	long ps = sysconf(_SC_PAGESIZE);
	h->page_size = ps > 0 ? (uint64_t)ps : 4096;
	if (gethostname(h->hostname, sizeof(h->hostname)))
		h->hostname[0] = '\0';
	h->hostname[sizeof(h->hostname) - 1] = '\0';
	long nc = sysconf(_SC_NPROCESSORS_ONLN);
	if (nc > 0) {
		h->nr_cpus = (int)nc;
		h->valid |= XN_HOST_CPUS;
	}
	int r = read_nodes(h, err, errlen);
	if (r)
		return r;
	read_distances(h);
	read_zones(h);
	return 0;
}

void xn_lx_cpu_node_map(const struct xn_host *h, int16_t *cpu_node)
{
	for (int c = 0; c < XN_MAX_CPUS; c++)
		cpu_node[c] = -1;
	for (int i = 0; i < h->nr_nodes; i++) {
		if (!(h->nodes[i].valid & XN_NODE_CPUS))
			continue;
		const uint64_t *w = h->nodes[i].cpus.w;
		for (int c = xn_bits_next(w, XN_MAX_CPUS, 0); c >= 0;
		     c = xn_bits_next(w, XN_MAX_CPUS, c + 1))
			cpu_node[c] = (int16_t)h->nodes[i].id;
	}
}

void xn_lx_nodes_cpus(const struct xn_host *h, const xn_nodemask *nodes, xn_cpumask *cpus)
{
	memset(cpus, 0, sizeof(*cpus));
	for (int i = 0; i < h->nr_nodes; i++)
		if (XN_NM_TEST(nodes, h->nodes[i].id))
			for (int w = 0; w < XN_MAX_CPUS / 64; w++)
				cpus->w[w] |= h->nodes[i].cpus.w[w];
}

int xn_lx_nodes_check(const struct xn_host *h, const xn_nodemask *nodes, char *err, size_t errlen)
{
	xn_nodemask all;
	memset(&all, 0, sizeof(all));
	for (int i = 0; i < h->nr_nodes; i++)
		XN_NM_SET(&all, h->nodes[i].id);
	char valid[256];
	xn_bits_format_list(all.w, XN_MAX_NODES, valid, sizeof(valid));
	if (xn_bits_empty(nodes->w, XN_MAX_NODES))
		return xn_errf(err, errlen, -EINVAL, "empty node list (valid nodes: %s)", valid);
	for (int b = xn_bits_next(nodes->w, XN_MAX_NODES, 0); b >= 0;
	     b = xn_bits_next(nodes->w, XN_MAX_NODES, b + 1)) {
		int idx = xn_host_node_index(h, b);
		if (idx < 0)
			return xn_errf(err, errlen, -EINVAL,
			               "node %d does not exist (valid nodes: %s)", b, valid);
		const struct xn_node *nd = &h->nodes[idx];
		if ((nd->valid & XN_NODE_TOTAL) && nd->mem_total == 0)
			return xn_errf(err, errlen, -EINVAL, "node %d has no memory", b);
		if (!(nd->valid & XN_NODE_CPUS) || xn_bits_empty(nd->cpus.w, XN_MAX_CPUS))
			return xn_errf(err, errlen, -EINVAL, "node %d has no CPUs", b);
	}
	return 0;
}
