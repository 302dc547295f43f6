/* linux_schedule.c - when the linux source walks a process's numa_maps
 * again (linux_pages.c does the walking): how a process's interval adapts to
 * how well the estimate held, how the walks that fall due are spread over
 * refreshes, and what tells that no page can have moved at all. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "linux_parse.h"
#include "linux_priv.h"
#include "util.h"

double xn_lx_spread_walks(const double *overdue, const uint64_t *pages, size_t n, double credit,
                          bool *grant)
{
	for (size_t i = 0; i < n; i++)
		grant[i] = false;
	while (credit > 0) {
		size_t best = n;
		for (size_t i = 0; i < n; i++)
			if (!grant[i] && (best == n || overdue[i] > overdue[best]))
				best = i;
		if (best == n)
			break;
		grant[best] = true;
		credit -= (double)pages[best];
	}
	return credit;
}

uint64_t xn_lx_adapt_interval(uint64_t ivl, uint64_t base, bool drift, double dev, bool steady)
{
	uint64_t lo = base / XN_LX_IVL_MIN_DIV, hi = base * XN_LX_IVL_MAX_MUL;
	if (drift || dev > 0.01)
		ivl /= 2;
	else if (dev >= 0 && dev <= 0.005 && steady)
		ivl = ivl > hi / 2 ? hi : ivl * 2;
	return ivl < lo ? lo : ivl > hi ? hi : ivl;
}

void xn_lx_moves_read(struct xn_lx_source *lx)
{
	char *text, ksm[16];
	lx->moves_ok = false;
	if (xn_read_file("/proc/vmstat", &text, NULL))
		return;
	lx->moves_ok = !xn_lx_parse_vmstat_moves(text, &lx->moves);
	free(text);
	if (xn_lx_read_small("/sys/kernel/mm/ksm/run", ksm, sizeof(ksm)) > 0 && ksm[0] != '0')
		lx->moves_ok = false;
}
