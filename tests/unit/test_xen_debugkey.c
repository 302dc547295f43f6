/* test_xen_debugkey.c - debug key 'u' read from a console ring too small for
 * its dump (src/xen/xen_debugkey.c): a fake hypervisor console with Xen's
 * ring semantics (read_console_ring: a byte index that counts every byte
 * ever written, the oldest ones overwritten once more than the ring's size
 * is written; an incremental read from an index Xen no longer holds starts
 * at the oldest byte it has). With 1000 domains a dump (~75 KB) overruns
 * the default 16 KiB ring: the read must say so, name conring_size=, and
 * give no figures; with a ring that holds it, the dump is complete; a dump
 * preceded by other messages that overran the ring is still complete. This
 * file defines xc_readconsolering and xc_send_debug_keys. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#ifndef HAVE_XEN
int main(void)
{
	printf("built without Xen development files\n");
	return 77;
}
#else
#include "xen/xen_priv.h"

static char *hist; /* every byte ever written; the ring holds the last ring_size */
static size_t hist_len, hist_cap, ring_size, dump_doms;
static unsigned dumps;

static void con_write(const char *s)
{
	size_t n = strlen(s);
	if (hist_len + n + 1 > hist_cap) {
		hist_cap = (hist_len + n + 1) * 2;
		hist = realloc(hist, hist_cap);
	}
	memcpy(hist + hist_len, s, n + 1);
	hist_len += n;
}

int xc_readconsolering(xc_interface *xch, char *buffer, unsigned int *pnr_chars, int clear,
                       int incremental, uint32_t *pindex)
{
	(void)xch, (void)clear;
	uint32_t p = (uint32_t)hist_len, c = hist_len > ring_size ? p - (uint32_t)ring_size : 0;
	if (incremental && c < *pindex && *pindex <= p)
		c = *pindex;
	unsigned n = p - c < *pnr_chars ? p - c : *pnr_chars;
	memcpy(buffer, hist + c, n);
	*pnr_chars = n;
	*pindex = c + n;
	return 0;
}

int xc_send_debug_keys(xc_interface *xch, const char *keys)
{
	(void)xch, (void)keys;
	char line[128];
	snprintf(line, sizeof(line), "(XEN) 'u' pressed -> dumping numa info (now = %u)\n",
	         1000 + ++dumps);
	con_write(line);
	con_write("(XEN) NODE0 start->0 size->524288 free->1000\n");
	con_write("(XEN) NODE1 start->524288 size->524288 free->1000\n");
	con_write("(XEN) Memory location of each domain:\n");
	for (size_t d = 0; d < dump_doms; d++) {
		snprintf(line, sizeof(line), "(XEN) Domain %zu (total: 512):\n", d);
		con_write(line);
		con_write("(XEN)     Node 0: 256\n(XEN)     Node 1: 256\n");
	}
	return 0;
}

static int dump(struct xen_priv *p, struct xn_udump *u, char *err, size_t len)
{
	err[0] = '\0';
	int r = xen_debugkey_dump(p, u, err, len);
	if (!r) {
		p->udump = *u;
		p->have_udump = true;
	}
	return r;
}

int main(void)
{
	struct xen_priv p;
	struct xn_udump u;
	char err[256];

	memset(&p, 0, sizeof(p));
	con_write("(XEN) Xen version 4.17 boot messages\n");

	/* 1000 domains, 16 KiB ring: the dump's start is gone. */
	ring_size = 16384;
	dump_doms = 1000;
	size_t before = hist_len;
	char want[64];
	CHECK_EQ_U64(dump(&p, &u, err, sizeof(err)), (uint64_t)-EOVERFLOW);
	CHECK(strstr(err, "overran Xen's console ring (16 KiB)") != NULL);
	CHECK(strstr(err, "boot Xen with conring_size=1M") != NULL);
	snprintf(want, sizeof(want), "'u' dump (%zu KiB)", (hist_len - before + 1023) / 1024);
	CHECK(strstr(err, want) != NULL);
	CHECK_EQ_U64(u.nr_doms, 0);

	/* The same host with conring_size=1M: complete, every domain. */
	ring_size = 1 << 20;
	CHECK_EQ_U64(dump(&p, &u, err, sizeof(err)), 0);
	CHECK(u.complete);
	CHECK_EQ_U64(u.nr_doms, 1000);
	xn_udump_free(&p.udump);
	p.have_udump = false;

	/* Other messages overran a small ring before the key, the dump fits:
	 * what was lost was not the dump's. */
	ring_size = 16384;
	dump_doms = 20;
	for (int i = 0; i < 2000; i++)
		con_write("(XEN) some other message between two refreshes\n");
	CHECK_EQ_U64(dump(&p, &u, err, sizeof(err)), 0);
	CHECK(u.complete);
	CHECK_EQ_U64(u.nr_doms, 20);
	xn_udump_free(&p.udump);

	free(p.ring);
	free(hist);
	return check_report("test_xen_debugkey");
}
#endif
