/* gen_recording.c - write a synthetic recording (JSON lines, schema 1, as
 * --record writes them; see man/xentop-numa-json.5) for tests and benchmarks
 * of replay and the TUI: many domains, many nodes, pages drifting between
 * nodes. Standalone: no libxn, so it cannot share a bug with the writer.
 *
 *   gen_recording [-d DOMAINS] [-n NODES] [-s SAMPLES] [-i SECS] [-S SEED]
 *
 * Defaults: 500 domains, 8 nodes, 10 samples, 1 s apart, seed 1. Output on
 * stdout; the same arguments always give the same bytes. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { PAGE = 4096, CPUS_PER_NODE = 4 };

static uint64_t rng_state = 1;

/* xorshift64*: deterministic, good enough for synthetic data */
static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

struct dom {
	uint64_t cpu_ns, mem_max;
	uint64_t *pages, *prev;
	unsigned vcpus;
	int home; /* node its vCPUs run on */
	int aff;  /* affinity node, -1 = all nodes */
	bool automatic;
	unsigned load; /* % of one CPU it tends to use */
};

static int usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-d DOMAINS] [-n NODES] [-s SAMPLES] [-i SECS] [-S SEED]\n",
	        prog);
	return 2;
}

static void put_host(int nodes, const uint64_t *used)
{
	const uint64_t total = 256ull << 30; /* per node */
	printf("\"host\":{\"hostname\":\"synthetic\",\"page_size\":%d,\"nr_cpus\":%d,\"nodes\":[",
	       PAGE, nodes * CPUS_PER_NODE);
	for (int n = 0; n < nodes; n++) {
		uint64_t freeb = total > used[n] * PAGE ? total - used[n] * PAGE : 0;
		printf("%s{\"id\":%d,\"mem_total\":%" PRIu64 ",\"mem_free\":%" PRIu64 ",\"cpus\":[",
		       n ? "," : "", n, total, freeb);
		for (int c = 0; c < CPUS_PER_NODE; c++)
			printf("%s%d", c ? "," : "", n * CPUS_PER_NODE + c);
		printf("],\"zones\":[");
		/* node 0 has a DMA32 zone holding part of its free memory */
		uint64_t free_pages = freeb / PAGE,
		         dma = n == 0 && free_pages >= 200000 ? 200000 : 0;
		if (n == 0)
			printf("{\"name\":\"DMA32\",\"free_pages\":%" PRIu64
			       ",\"managed_pages\":250000},",
			       dma);
		printf("{\"name\":\"Normal\",\"free_pages\":%" PRIu64 ",\"managed_pages\":%" PRIu64
		       "}]}",
		       free_pages - dma, total / PAGE - (n == 0 ? 250000 : 0));
	}
	printf("],\"distance\":[");
	for (int i = 0; i < nodes; i++) {
		printf("%s[", i ? "," : "");
		for (int j = 0; j < nodes; j++)
			printf("%s%d", j ? "," : "", i == j ? 10 : 20 + 2 * abs(i - j));
		printf("]");
	}
	printf("]}");
}

static void put_domain(const struct dom *d, int id, int nodes, int sample, double interval)
{
	uint64_t total = 0, outside = 0, local = 0;
	for (int n = 0; n < nodes; n++) {
		total += d->pages[n];
		if (d->aff >= 0 && n != d->aff)
			outside += d->pages[n];
		if (n == d->home)
			local += d->pages[n];
	}
	printf("{\"id\":%d,\"name\":\"vm-%04d\",\"state\":\"%s\",\"cpu_ns\":%" PRIu64, id, id,
	       d->load > 50 ? "-----r" : "--b---", d->cpu_ns);
	if (sample == 0)
		printf(",\"cpu_pct\":null");
	else
		printf(",\"cpu_pct\":%.1f", (double)d->load);
	printf(",\"vcpus\":%u,\"vcpu_node\":[", d->vcpus);
	for (unsigned v = 0; v < d->vcpus; v++)
		printf("%s%d", v ? "," : "", d->home);
	printf("],\"mem_cur\":%" PRIu64 ",\"mem_max\":%" PRIu64
	       ",\"mem_max_unlimited\":false,\"node_pages\":[",
	       total * PAGE, d->mem_max);
	for (int n = 0; n < nodes; n++)
		printf("%s%" PRIu64, n ? "," : "", d->pages[n]);
	printf("],\"pages_method\":\"xen_op\",\"pages_age_ms\":0,\"node_affinity\":[");
	for (int n = 0; n < nodes; n++)
		if (d->aff < 0 || n == d->aff)
			printf("%s%d", (d->aff < 0 && n) ? "," : "", n);
	printf("],\"affinity_auto\":%s,\"locality\":%.1f,\"pages_outside\":%" PRIu64,
	       d->automatic ? "true" : "false", total ? 100.0 * (double)local / (double)total : 0.0,
	       outside);
	if (sample == 0) {
		printf(",\"node_delta\":null}");
		return;
	}
	printf(",\"node_delta\":[");
	for (int n = 0; n < nodes; n++)
		printf("%s%" PRId64, n ? "," : "", (int64_t)d->pages[n] - (int64_t)d->prev[n]);
	printf("]}");
	(void)interval;
}

int main(int argc, char **argv)
{
	long ndom = 500, nodes = 8, samples = 10, seed = 1;
	double interval = 1.0;
	int opt;
	while ((opt = getopt(argc, argv, "d:n:s:i:S:")) != -1) {
		char *end;
		switch (opt) {
		case 'd':
			ndom = strtol(optarg, &end, 10);
			break;
		case 'n':
			nodes = strtol(optarg, &end, 10);
			break;
		case 's':
			samples = strtol(optarg, &end, 10);
			break;
		case 'i':
			interval = strtod(optarg, &end);
			break;
		case 'S':
			seed = strtol(optarg, &end, 10);
			break;
		default:
			return usage(argv[0]);
		}
		if (*end)
			return usage(argv[0]);
	}
	if (ndom < 0 || ndom > 100000 || nodes < 1 || nodes > 1024 || samples < 0 ||
	    interval <= 0 || optind != argc)
		return usage(argv[0]);
	rng_state = (uint64_t)seed * 0x9e3779b97f4a7c15ull + 1;

	struct dom *doms = calloc((size_t)ndom ? (size_t)ndom : 1, sizeof(*doms));
	uint64_t *used = calloc((size_t)nodes, sizeof(*used));
	if (!doms || !used)
		return 1;
	for (long i = 0; i < ndom; i++) {
		struct dom *d = &doms[i];
		d->pages = calloc((size_t)nodes, sizeof(uint64_t));
		d->prev = calloc((size_t)nodes, sizeof(uint64_t));
		if (!d->pages || !d->prev)
			return 1;
		d->vcpus = 1 + (unsigned)(rnd() % 8);
		d->home = (int)(rnd() % (uint64_t)nodes);
		d->automatic = rnd() % 3 == 0;
		d->aff = d->automatic ? -1 : d->home;
		d->load = (unsigned)(rnd() % 101);
		uint64_t mib = 256u << (rnd() % 6); /* 256 MiB .. 8 GiB */
		d->mem_max = mib * 2 << 20;
		uint64_t pages = mib << 20 >> 12;
		/* most on the home node, the rest spread */
		for (long n = 0; n < nodes; n++)
			d->pages[n] =
			        n == d->home ? pages * 7 / 10 : pages * 3 / 10 / (uint64_t)nodes;
		d->cpu_ns = rnd() % 1000000000000ull;
	}
	for (long s = 0; s < samples; s++) {
		memset(used, 0, (size_t)nodes * sizeof(*used));
		for (long i = 0; i < ndom; i++)
			for (long n = 0; n < nodes; n++)
				used[n] += doms[i].pages[n];
		long sec = 1795441449 + (long)(s * interval);
		long ns = (long)((s * interval - (double)(long)(s * interval)) * 1e9);
		time_t t = sec;
		struct tm tm;
		char ts[32];
		gmtime_r(&t, &tm);
		strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
		printf("{\"schema\":1,\"time\":\"%s.%09ldZ\",\"source\":\"xen\",\"interval\":", ts,
		       ns);
		if (s == 0)
			printf("null,");
		else
			printf("%g,", interval);
		put_host((int)nodes, used);
		printf(",\"domains\":[");
		for (long i = 0; i < ndom; i++) {
			printf("%s", i ? "," : "");
			put_domain(&doms[i], (int)i + 1, (int)nodes, (int)s, interval);
		}
		printf("]}\n");
		/* drift: pages move towards the affinity node, CPU time grows */
		for (long i = 0; i < ndom; i++) {
			struct dom *d = &doms[i];
			memcpy(d->prev, d->pages, (size_t)nodes * sizeof(uint64_t));
			d->cpu_ns += (uint64_t)((double)d->load / 100.0 * interval * 1e9);
			long from = (long)(rnd() % (uint64_t)nodes);
			uint64_t moved = d->pages[from] / 50;
			d->pages[from] -= moved;
			d->pages[d->home] += moved;
		}
	}
	for (long i = 0; i < ndom; i++) {
		free(doms[i].pages);
		free(doms[i].prev);
	}
	free(doms);
	free(used);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}
