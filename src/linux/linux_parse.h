/* linux_parse.h - pure parsers of Linux /proc and /sys text (strings in,
 * numbers out, no I/O), so that they are tested on captured and hand-made
 * files. Every per-node array here is indexed by node id and has
 * XN_MAX_NODES entries; ids >= XN_MAX_NODES make the line "bad". */
#ifndef XN_LINUX_PARSE_H
#define XN_LINUX_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nodemask.h"
#include "snapshot.h"

/* Distinct memory policies a numa_maps walk tells apart; the VMAs of a
 * further one are not counted (a process has one or two in practice: the
 * task's, and a buffer mbind(2) gave its own). */
enum { XN_LX_NM_POLICIES = 4 };

/* What a numa_maps walk saw. */
struct xn_lx_nm_stats {
	unsigned lines;       /* VMA lines */
	unsigned bad_lines;   /* skipped whole: malformed, number beyond uint64, node too big */
	int max_node;         /* highest node id holding pages, -1 none */
	uint64_t total;       /* base pages, all nodes (saturating) */
	bool explicit_policy; /* a VMA or the task had a policy other than "default" */
	/* the memory policies of its good VMA lines as printed ("bind:1",
	 * "prefer (many):0-1"), first seen first, with their pages */
	struct {
		char text[XN_MEM_POLICY_LEN];
		uint64_t pages;
	} pol[XN_LX_NM_POLICIES];
	int npol;
	int policy; /* the process's policy: index into pol of the one that covers the
	               most pages (ties and a process with no page: the first seen), -1
	               none. Most pages, not the first non-default one: the policy that
	               placed most of its memory is the one a move goes against; a small
	               buffer a library bound does not make the process's placement
	               deliberate, and numactl's task policy shows on every VMA that has
	               none of its own, so it wins whenever it covers the bulk. */
};

/* Called once per good VMA line: its start address and its pages in base pages. */
typedef void (*xn_lx_vma_fn)(void *arg, uint64_t start, uint64_t pages);

/* Sum /proc/PID/numa_maps per node in base pages of page_size bytes: a line's
 * "N1=x" with kernelpagesize_kB=2048 counts x * 2 MiB / page_size. node_pages
 * (XN_MAX_NODES entries) is zeroed first; sums saturate at UINT64_MAX.
 * fn may be NULL. Returns 0 (bad lines are counted in st, not fatal). */
int xn_lx_parse_numa_maps(const char *text, uint64_t page_size, uint64_t *node_pages,
                          xn_lx_vma_fn fn, void *arg, struct xn_lx_nm_stats *st);

/* One zone of /proc/zoneinfo, by node id (not index). */
struct xn_lx_zone {
	int node;
	char name[24];
	uint64_t free_pages;
	uint64_t managed_pages;
	unsigned valid; /* XN_ZONE_FREE | XN_ZONE_MANAGED */
};

/* Parse /proc/zoneinfo into a malloc'd array (*out, *n; free() it).
 * A figure missing or unparsable leaves its valid bit clear.
 * 0, -ENOMEM, or -ENODATA when there is no "Node N, zone NAME" line. */
int xn_lx_parse_zoneinfo(const char *text, struct xn_lx_zone **out, size_t *n);

/* memory.numa_stat of a cgroup, per node in base pages (node_pages zeroed
 * first, XN_MAX_NODES entries).
 * v1: "total=T N0=n ..." lines in pages; the figure is hierarchical_total
 *     when present (like v2, recursive), else total.
 * v2: "anon N0=bytes ..." lines in bytes; the figure is anon + file, divided
 *     by page_size (rounded down).
 * *version gets 1 or 2, *max_node the highest node id seen (-1 none).
 * 0, or -ENODATA when no usable line (or -EINVAL for page_size 0). */
int xn_lx_parse_numa_stat(const char *text, uint64_t page_size, uint64_t *node_pages, int *max_node,
                          int *version);

/* The figure of a process alone in its memory cgroup, from the cgroup's
 * memory.numa_stat: its own pages, as numa_maps would count them, within what
 * the cgroup says per node.
 * v1: anon + unevictable of the cgroup itself (not hierarchical; mapped file
 *     pages such as libraries are in "file" with unmapped page cache, so they
 *     are left out);
 * v2: anon + file_mapped (hierarchical, as v2 only has).
 * Same units, zeroing and returns as xn_lx_parse_numa_stat. */
int xn_lx_parse_numa_stat_proc(const char *text, uint64_t page_size, uint64_t *node_pages,
                               int *max_node, int *version);

/* The cgroup of a process in one controller's hierarchy from /proc/PID/cgroup
 * text: v2 the "0::PATH" line, v1 the line whose controllers include
 * controller ("memory", "cpuset"). rel gets the path as the cgroup code
 * names it ("" for the root, else "/a/b").
 * 0, -ENOENT (no such line), -EINVAL, -ENAMETOOLONG. */
int xn_lx_parse_proc_cgroup_of(const char *text, int version, const char *controller, char *rel,
                               size_t relsize);

/* The same for the memory controller. */
int xn_lx_parse_proc_cgroup(const char *text, int version, char *rel, size_t relsize);

/* Valid bits of struct xn_lx_status. */
enum {
	XN_LX_ST_THREADS = 1u << 0,
	XN_LX_ST_RSS = 1u << 1,
	XN_LX_ST_CPUS = 1u << 2,
	XN_LX_ST_MEMS = 1u << 3,
};

/* The parts of /proc/PID/status we use. */
struct xn_lx_status {
	uint32_t threads;
	uint64_t vm_rss_kb;
	xn_cpumask cpus_allowed;  /* Cpus_allowed_list */
	xn_nodemask mems_allowed; /* Mems_allowed_list */
	unsigned valid;           /* XN_LX_ST_* */
};

/* Parse /proc/PID/status. 0 (fields not found stay invalid). */
int xn_lx_parse_status(const char *text, struct xn_lx_status *st);

/* The parts of /proc/PID/stat (or /proc/PID/task/TID/stat) we use. */
struct xn_lx_stat {
	char comm[64];  /* raw bytes between the first '(' and the last ')' */
	char state;     /* R S D T t Z X I ... */
	uint64_t flags; /* PF_* (PF_KTHREAD = 0x00200000) */
	uint64_t utime; /* clock ticks */
	uint64_t stime; /* clock ticks */
	uint32_t num_threads;
	uint64_t starttime; /* clock ticks after boot: with the PID, a process's identity */
	uint64_t rss_pages; /* resident pages (negative values read as 0) */
	uint64_t faults;    /* minflt + majflt (fields 10 and 12) */
	int processor;      /* CPU it last ran on (field 39), -1 when the line is short */
};

/* Parse a stat line. 0, or -EINVAL when fields up to rss (24) are missing or bad. */
int xn_lx_parse_stat(const char *text, struct xn_lx_stat *out);

/* The guest name of a QEMU command line (NUL-separated, len bytes):
 * "-name guest=NAME,..." or "-name NAME[,...]" (also "--name"); ",," is a
 * literal comma. Reads only cmdline[0..len), which need not be NUL-terminated
 * (an unterminated last argument is ignored). 0 with the name in buf,
 * -ENOENT when there is none. */
int xn_lx_qemu_guest_name(const char *cmdline, size_t len, char *buf, size_t buflen);

/* True when a comm or exe basename is QEMU's system emulator
 * ("qemu-system-x86_64", truncated "qemu-system-x86", "qemu-kvm"). */
bool xn_lx_is_qemu_name(const char *name);

/* The vCPU index of a QEMU vCPU thread's comm "CPU 3/KVM" (or "/TCG"...), else -1. */
int xn_lx_vcpu_index(const char *comm);

/* Node N's meminfo ("Node 0 MemTotal:  24683896 kB"): MemTotal and MemFree
 * in bytes. *valid gets XN_NODE_TOTAL / XN_NODE_FREE for the ones found. */
int xn_lx_parse_node_meminfo(const char *text, uint64_t *total, uint64_t *free_bytes,
                             unsigned *valid);

/* Space-separated unsigned numbers (a node's "distance" file) into out[max].
 * Returns how many, or -EINVAL on a non-number / value beyond uint32. */
int xn_lx_parse_u32_list(const char *text, uint32_t *out, int max);

/* The sum of the /proc/vmstat counters that grow when a page changes node
 * without its process faulting: pgmigrate_success (every migration: NUMA
 * balancing, compaction, migrate_pages, demotion...) and thp_collapse_alloc
 * (khugepaged copying into a new huge page). 0, or -ENODATA without
 * pgmigrate_success. */
int xn_lx_parse_vmstat_moves(const char *text, uint64_t *moves);

/* "start-end perms ..." of a /proc/PID/maps line. 0 or -EINVAL. */
int xn_lx_parse_maps_line(const char *line, uint64_t *start, uint64_t *end);

/* Shared by linux_parse*.c: digits at *p as uint64, advancing *p (-EINVAL no
 * digit, -ERANGE overflow, *p past the digits either way); and whether c
 * ends a numa_maps/stat token. */
int xn_lx_take_u64(const char **p, uint64_t *out);
bool xn_lx_is_end(char c);

#endif
