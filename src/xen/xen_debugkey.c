/* xen_debugkey.c - per-node pages from debug key 'u': press it, then read
 * what it printed from the hypervisor's console ring. The ring is read in
 * incremental mode from where we stopped last time and is never cleared: it
 * is the operator's log, and other readers (xenconsoled, xl dmesg) share it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "xen_priv.h"

enum { CHUNK = 64 * 1024, MAX_READ = 64 * 1024 * 1024 };

/* Append everything in the ring after p->con_idx to p->ring[*len...]; when
 * keep is false just move con_idx to the end. 0 or -errno. */
static int read_ring(struct xen_priv *p, size_t *len, bool keep)
{
	for (;;) {
		if (!keep)
			*len = 0;
		if (p->ring_cap - *len < CHUNK + 1) {
			if (p->ring_cap >= MAX_READ)
				return -EFBIG;
			size_t nc = p->ring_cap ? p->ring_cap * 2 : 4 * CHUNK;
			char *nb = realloc(p->ring, nc);
			if (!nb)
				return -ENOMEM;
			p->ring = nb;
			p->ring_cap = nc;
		}
		unsigned int n = CHUNK;
		/* With an index, Xen starts there if it still holds it, else
		 * at the oldest byte it has (the ring wrapped or was cleared). */
		if (xc_readconsolering(p->xch, p->ring + *len, &n, 0, 1, &p->con_idx))
			return -(errno ? errno : EIO);
		*len += n;
		if (n < CHUNK)
			break;
	}
	p->ring[*len] = '\0';
	p->con_synced = true;
	return 0;
}

/* A dump whose start the ring lost: no figure of it is shown (a domain
 * missing from it would read as unknown, one cut short as wrong). */
static int xen_udump_overrun(struct xn_udump *out, size_t kept, size_t lost, char *err,
                             size_t errlen)
{
	xn_udump_free(out);
	size_t need = 1024 * 1024;
	while (need < 2 * (kept + lost) && need < ((size_t)1 << 30))
		need *= 2;
	return xn_errf(err, errlen, -EOVERFLOW,
	               "the 'u' dump (%zu KiB) overran Xen's console ring (%zu KiB): its first "
	               "%zu KiB were overwritten; boot Xen with conring_size=%zuM",
	               (kept + lost + 1023) / 1024, (kept + 1023) / 1024, (lost + 1023) / 1024,
	               need >> 20);
}

int xen_debugkey_dump(struct xen_priv *p, struct xn_udump *out, char *err, size_t errlen)
{
	size_t len = 0;
	int r;
	/* Skip what is already there (the whole ring the first time). */
	if ((r = read_ring(p, &len, false)))
		return xn_errf(err, errlen, r, "cannot read the console ring: %s",
		               xen_strerror(-r));
	if (xc_send_debug_keys(p->xch, "u")) {
		int e = errno ? errno : EIO;
		return xn_errf(err, errlen, -e, "cannot send debug key 'u': %s", xen_strerror(e));
	}
	/* The key handler runs synchronously in the hypercall: its output is in
	 * the ring now. */
	uint32_t from = p->con_idx;
	len = 0;
	if ((r = read_ring(p, &len, true)))
		return xn_errf(err, errlen, r, "cannot read the console ring: %s",
		               xen_strerror(-r));
	/* Xen's index counts every byte ever written: when it moved further
	 * than we read, the ring had overwritten (or someone cleared) the
	 * oldest of them before we could read them. */
	size_t lost = (size_t)(uint32_t)(p->con_idx - from) - len;
	uint64_t after = p->have_udump ? p->udump.now_ns : 0;
	r = xn_udump_parse(p->ring, len, after, out, err, errlen);
	if ((r == -ENOENT || (!r && !out->complete)) && lost)
		return xen_udump_overrun(out, len, lost, err, errlen);
	if (r == -ENOENT)
		return xn_errf(err, errlen, r,
		               "the 'u' dump is not in the console ring (the ring is smaller "
		               "than the dump? raise Xen's conring_size=)");
	return r;
}
