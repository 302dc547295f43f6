/* placement.h - the hard constraints of a placement change, as ONE function
 * that the advisor (advise/), --apply-advice, --move-memory's pre-check
 * (move/move_plan.c) and the balancer all call, so that advice and action
 * never disagree. Core: reads only the model (snapshot.h); no source, no
 * mover, no engine.
 *
 * A change is feasible when (each refusal says why, in words):
 * - the domain is not the control domain (id 0: Domain-0 on Xen; its vCPUs
 *   serve the guests' I/O, and the mover cannot re-create it);
 * - every target node exists and has CPUs (a memory-only node, as CXL and
 *   some 4-socket hosts have, can hold memory but run no vCPU; CPUs that
 *   are unknown are not refused on a guess, and skip the next check);
 * - when vCPUs are placed on the targets, where they are a hypervisor's
 *   vCPUs (hard_binds: Xen): the targets have at least as many CPUs as the
 *   domain has vCPUs (libxl never places a domain on fewer pCPUs than
 *   vCPUs), unless every vCPU already runs there (said so), and every
 *   vCPU's hard affinity reaches every target node (soft affinity cannot
 *   take it past). Linux threads are not counted so: a process may run more
 *   threads than a node has CPUs;
 * - where the source reads cpupools (XN_SRC_CPUPOOLS: Xen) and the domain's
 *   is known, every target node has CPUs in the domain's pool (its vCPUs
 *   run on no other CPU, whatever their affinity), and only those CPUs
 *   count in the check above; Linux has no pools (cpusets are the hard
 *   affinity it reads);
 * - where the domain's node affinity is a hard limit on its memory
 *   (XN_DOM_MEMS_HARD: a Linux process's cpuset memory nodes), pages move
 *   only to nodes inside it (the kernel and --set-affinity refuse others);
 * - where the domain's CPUs have a hard limit (XN_DOM_CPUS_HARD: a Linux
 *   process's cpuset CPUs), vCPUs are placed only on targets each of which
 *   has a CPU inside it: the kernel clips a thread's mask to the cpuset and
 *   --set-affinity refuses a target with none there; a target set of which
 *   only some nodes are outside is refused too, as the model spreads the
 *   vCPUs over every target. The threads' own masks (taskset) are no limit:
 *   a step replaces them;
 * - free memory on the targets after the move covers what the move needs
 *   plus a headroom (the larger of 64 MiB and 2 % of the targets' memory):
 *   a Xen live move re-creates the domain, so it needs the domain's maximum
 *   memory (toolstack's max_memkb when the caller read it, else mem_max,
 *   never less than its pages now) while the old copy still exists; Linux
 *   migrate_pages needs the pages not yet there.
 * Not checked here (the model does not carry them): what the toolstack
 * config forbids (disable_migrate, passthrough): the mover checks
 * those from `xl list -l` when applying. */
#ifndef XN_PLACEMENT_H
#define XN_PLACEMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nodemask.h"
#include "snapshot.h"

/* The copy rate (pages per second) a Xen live move is assumed to reach
 * before one was measured here: 17 s for 65536 pages in the TCG lab is
 * ~3900; real hardware copies far faster, so estimates are upper bounds. */
#define XN_MOVE_ASSUMED_RATE 3900.0

/* Headroom kept free on target nodes after a move. */
#define XN_PLACE_HEADROOM_MIN ((uint64_t)64 << 20)
#define XN_PLACE_HEADROOM_SHARE 0.02

/* What a change does to the domain. */
enum xn_place_kind {
	XN_PLACE_VCPUS = 0, /* vCPUs to the targets; memory stays (new memory may follow) */
	XN_PLACE_MIGRATE,   /* Linux migrate_pages: pages not on the targets move there */
	XN_PLACE_RECREATE,  /* Xen live move: the domain is re-created on the targets
	                       (vCPUs and every page) */
	XN_PLACE_BOTH,      /* Linux: vCPUs to the targets and pages migrated there */
};

/* Why a change is refused (0 = feasible). */
enum xn_place_refusal {
	XN_PLACE_OK = 0,
	XN_PLACE_CONTROL,      /* the control domain */
	XN_PLACE_NO_NODE,      /* a target node is not on this host */
	XN_PLACE_NO_CPUS,      /* a target node has no CPUs */
	XN_PLACE_FEW_CPUS,     /* fewer CPUs than vCPUs on the targets */
	XN_PLACE_HARD,         /* hard affinity keeps a vCPU off the targets */
	XN_PLACE_CPUPOOL,      /* a target's CPUs are all outside the domain's cpupool */
	XN_PLACE_CPUSET,       /* pages would leave a Linux process's cpuset memory nodes */
	XN_PLACE_CPUSET_CPUS,  /* a target's CPUs are all outside a Linux process's cpuset */
	XN_PLACE_MEMORY,       /* not enough free memory */
	XN_PLACE_FREE_UNKNOWN, /* free memory of a target unknown */
};

struct xn_place_req {
	const struct xn_snapshot *s;
	const struct xn_domain *d;
	xn_nodemask nodes; /* target node ids */
	enum xn_place_kind kind;
	bool hard_binds;      /* vCPU moves go through soft affinity: hard affinity binds */
	const int64_t *free;  /* optional: free bytes per node index (a plan's simulation);
	                         NULL = the snapshot's; < 0 = unknown */
	uint64_t max_bytes;   /* optional: the toolstack's maximum memory (max_memkb * 1024);
	                         0 = use d->mem_max */
	const uint32_t *cpus; /* optional: CPUs per node index (0 = none), counted once by a
	                         caller that checks many candidates; NULL = counted here */
	bool quiet;           /* leave res->why empty (the refusal code is still set): a
	                         caller that words only some refusals asks again for those */
	/* optional: CPUs per node index in the domain's cpupool (read only when the
	 * source reads pools and the domain's is known), counted once by a caller
	 * that checks many candidates; NULL = counted here */
	const uint32_t *pool_cpus;
};

struct xn_place_result {
	enum xn_place_refusal refusal;
	uint64_t need_bytes; /* what the move needs free on the targets (0: nothing moves) */
	uint64_t headroom;   /* kept free besides */
	uint64_t free_bytes; /* free on the targets now (or as simulated) */
	uint32_t cpus;       /* CPUs of the targets */
	bool overcommitted;  /* fewer CPUs than vCPUs, accepted: it already runs there */
	char why[200];       /* the refusal in words, or "" */
};

/* Check a change. Returns 0 when feasible, else a negative errno (-EPERM
 * control domain, -ENODEV node, -EINVAL CPUs, -EACCES hard affinity, cpupool or cpuset
 * (its memory nodes or its CPUs),
 * -ENOSPC memory, -ENODATA free unknown) with the reason in res->why. */
int xn_place_check(const struct xn_place_req *req, struct xn_place_result *res);

/* Bytes a change copies: RECREATE every page (at least mem_cur), MIGRATE /
 * BOTH the pages not on the targets, VCPUS nothing. */
uint64_t xn_place_bytes_copied(const struct xn_snapshot *s, const struct xn_domain *d,
                               const xn_nodemask *nodes, enum xn_place_kind kind);

/* Does every vCPU whose node is known run on one of nodes, with at least one
 * known? A vCPU not running now has no node and is not held against the
 * targets; no vCPU node data at all is false. One test for "it already runs
 * there" (xn_place_check's overcommit) and "the vCPU step has settled"
 * (--apply-advice, the balancer). */
bool xn_vcpus_within(const struct xn_domain *d, const xn_nodemask *nodes);

/* Does a vCPU's hard affinity leave out some of the host's CPUs (the
 * operator's `xl vcpu-pin`, a toolstack's cpus=, a Linux thread's mask)?
 * The balancer leaves such a domain alone unless told; a live move pins
 * the new domain to its targets instead of dropping the pin. */
bool xn_hard_affinity_set(const struct xn_snapshot *s, const struct xn_domain *d);

#endif
