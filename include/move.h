/* move.h - move a running Xen domain's memory to other NUMA nodes.
 *
 * Xen has no call that moves a live domain's pages: node affinity steers
 * future allocations only. What re-allocates every page is creating the
 * domain again, so a move is a localhost live migration whose receiving side
 * is created with the new placement (vCPU soft affinity on the target nodes,
 * from which Xen derives node affinity before the memory is allocated):
 *
 *   xl migrate -C NEWCFG -s "" DOMID "xl migrate-receive"
 *
 * We drive xl rather than libxl's asynchronous suspend / create-restore in
 * this process: xl already pairs the two ends (a pipe through `sh -c`),
 * handles the receiver's failure (the incoming copy is destroyed, the
 * original resumed), renames the copy, and runs in its own process, so our
 * event loop, signals and curses stay ours and a crash or Esc kills a child,
 * not the tool. What xl needs from us is a config file in its own text
 * format (-C takes only that), written from libxl's view of the domain
 * (`xl list -l`, libxl_retrieve_domain_configuration) by
 * xn_move_config_write().
 *
 * The non-live path (--offline) is `xl save` then `xl restore NEWCFG`: the
 * guest is stopped for the whole copy, but it needs no log-dirty mode.
 *
 * Pure parts (config rewriting, output parsing, the checks) are separate
 * from the runner so that unit tests feed them captured xl output. */
#ifndef XN_MOVE_H
#define XN_MOVE_H

#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

#include "nodemask.h"
#include "placement.h"
#include "snapshot.h"

/* What the config rewriting learnt about the domain (from its JSON). */
struct xn_move_dominfo {
	char name[128];
	char type[8];          /* "pv", "pvh", "hvm" */
	uint64_t max_memkb;    /* b_info.max_memkb */
	uint64_t target_memkb; /* b_info.target_memkb */
	bool no_migrate;       /* b_info.disable_migrate */
	char passthrough[160]; /* "pcidevs, iomem", empty when none */
	char unsupported[200]; /* devices / fields xl text cannot get from us */
	char dropped[300];     /* settings not at their default that xl's config
	                          cannot express ("b_info.cpuid, nics[0].trusted"):
	                          the move is refused, naming them */
};

/* Turn the output of `xl list -l DOMID` (a JSON array of {domid, config})
 * into an xl config text for the same domain with vCPU soft affinity (and
 * hard affinity when its config had one, or hard: one set live, which
 * `xl list -l` does not show) on `nodes`, NUL-terminated in out. Every
 * key is carried over (cpupool, security labels, scheduler parameters,
 * device rates and MTUs ...) or, when xl's format cannot express it and it
 * is not at its default, the move is refused naming it. Fills info.
 * Returns 0, -EINVAL (bad JSON, err says where), -ENOSPC (out too small)
 * or -EOPNOTSUPP (a device, type, setting or control byte we cannot carry
 * over: err says which; info->unsupported / passthrough / dropped too). */
int xn_move_config_write(const char *json, const xn_nodemask *nodes, bool hard, char *out,
                         size_t len, struct xn_move_dominfo *info, char *err, size_t errlen);

/* xl's cpumap syntax for a node set: "node:0" or "node:0,node:2". */
int xn_move_nodes_cpumap(const xn_nodemask *nodes, char *buf, size_t len);

/* Progress of a running move. xl migrate hides libxc's per-round progress
 * (xl_migrate.c sets XTL_STDIOSTREAM_HIDE_PROGRESS for the whole
 * transfer), so for a live move the pages come from samples: the receiving
 * domain "NAME--incoming" holds the pages received so far
 * (xn_move_job_observe). xl save prints "xc: progress: Frames: N/T". */
enum xn_move_phase {
	XN_MOVE_STARTING = 0,
	XN_MOVE_COPYING,   /* the guest runs while its pages are sent */
	XN_MOVE_SUSPENDED, /* the guest is paused (last round, or saved) */
	XN_MOVE_RESUMING,  /* every page is there; the new domain starts */
	XN_MOVE_DONE,
	XN_MOVE_FAILED,
};

struct xn_move_progress {
	enum xn_move_phase phase;
	uint64_t done, total; /* pages at the target (live) or saved (offline) / all */
	char error[200];      /* the first error line xl printed (ASCII) */
	char summary[120];    /* xl's last word on a failure ("Migration failed, ...") */
	char last[160];       /* the last other line, when no line names an error */
};

/* A fresh progress: starting, nothing copied. */
void xn_move_progress_init(struct xn_move_progress *p);

/* Feed one line of xl's output (stdout and stderr merged, split on \n and
 * \r). Returns 1 when the progress changed, 0 otherwise. */
int xn_move_progress_feed(struct xn_move_progress *p, const char *line);

/* The progress in words: "copying (guest runs): 1536/65536 pages (2%)". */
void xn_move_progress_format(const struct xn_move_progress *p, char *buf, size_t len);

/* Facts the checks need, gathered by xn_move_facts_read() (or a test). */
struct xn_move_facts {
	bool have_info; /* info parsed from the domain's JSON */
	struct xn_move_dominfo info;
	char info_err[200]; /* why the JSON could not be used */
	int shadow;         /* Xen has shadow paging (PV log-dirty): 1, 0, -1 unknown */
	bool save_helper;   /* libxl-save-helper found */
	char save_helper_path[160];
	bool xl; /* xl found */
};

/* What a move will do, or why not. */
struct xn_move_plan {
	int64_t domid;
	xn_nodemask nodes;
	bool live;             /* false: save + restore (--offline) */
	uint64_t pages;        /* the domain's pages now (what is copied) */
	uint64_t pages_there;  /* of which already on the target nodes */
	uint64_t bytes_needed; /* free memory the target nodes need */
	uint64_t bytes_free;   /* free memory of the target nodes now */
	double rate_pages_s;   /* the copy rate the estimate uses */
	bool rate_measured;    /* from an earlier move here, else assumed */
	double seconds;        /* expected duration */
	char words[600];       /* what will happen, or why it cannot (refused) */
	bool refused;
	bool offline_possible; /* refused only for log-dirty: --offline would work */
	bool hard;             /* a vCPU's hard affinity binds it now (xn_hard_affinity_set):
	                          the new domain is hard-pinned to the targets too */
};

/* XN_MOVE_ASSUMED_RATE, the copy rate assumed before one was measured,
 * lives in placement.h (core): the advisor prices moves with it too. */

/* Decide. d: the domain in snap; nodes: the target; offline: the operator
 * asked for the non-live path; rate: measured pages/s or <= 0 for assumed.
 * Every check is stated in plan->words; nothing is started here. */
void xn_move_plan_make(const struct xn_snapshot *snap, const struct xn_domain *d,
                       const xn_nodemask *nodes, bool offline, const struct xn_move_facts *f,
                       double rate, struct xn_move_plan *plan);

/* Read the facts for domid by running `xl list -l` and `xl info`, and
 * looking for libxl-save-helper. json (may be NULL) gets the raw config
 * output, malloc'd, for xn_move_job_start. */
int xn_move_facts_read(int64_t domid, struct xn_move_facts *f, char **json, char *err,
                       size_t errlen);

/* A running move: xl as a child, its output on a pipe. Its files live in a
 * private directory (mode 0700, see xn_move_job_start). An offline move
 * runs `xl save` and `xl restore` from one shell in its own process group,
 * SIGPIPE and SIGHUP ignored: if this process dies or hangs up, the pair
 * still runs to its end and the guest is not left saved. */
enum { XN_MOVE_PATH = 1024 };
struct xn_move_job {
	pid_t pid;
	int fd; /* read end of xl's stdout + stderr; -1 when closed */
	bool live;
	int step; /* offline: 0 save, 1 restore (xl save finished) */
	int64_t domid;
	char name[128];
	char dir[XN_MOVE_PATH];  /* the private directory (removed at the end) */
	char cfg[XN_MOVE_PATH];  /* the new config file in it */
	char ckpt[XN_MOVE_PATH]; /* offline: the checkpoint file in it */
	bool keep;               /* the checkpoint holds the only copy: keep dir */
	bool handshake;          /* live: xl let the new copy start (see finish) */
	bool undefined;          /* xl failed in its final handshake: both copies left */
	char buf[1024];
	size_t used;
	struct xn_move_progress prog;
	double t_start, t_suspend, t_end; /* monotonic seconds; t_suspend 0: not seen */
	double t_copied, t_started;       /* xl said: all pages there / the new domain runs */
	bool cancelled;
	bool orig_gone; /* live: the original vanished mid-copy (xn_move_job_observe) */
	int status;     /* 0 ok, else -errno; valid once prog.phase is DONE / FAILED */
	char words[1024 + 3 * XN_MOVE_PATH];
};

/* Raised by a signal handler (quit, hangup): the checks' xl commands stop
 * waiting (xn_move_facts_read returns -EINTR). NULL: none. */
void xn_move_set_quit_flag(volatile sig_atomic_t *flag);

/* Make the private directory (under /var/lib/xen/save when it exists, else
 * $TMPDIR or /tmp; offline: on a file system with room for the image),
 * write cfg_text there, have xl dry-parse it (`xl -N create`), and only
 * then start xl for plan. Nothing is stopped when this fails. */
int xn_move_job_start(struct xn_move_job *j, const struct xn_move_plan *plan, const char *name,
                      const char *cfg_text, char *err, size_t errlen);

/* Read what xl printed (non-blocking) and reap it when it ends. Returns 1
 * when something changed, 0 when not, and leaves j->prog.phase DONE or
 * FAILED at the end. wait_ms: how long to wait for output (-1 forever). */
int xn_move_job_poll(struct xn_move_job *j, int wait_ms);

/* Update a live move's progress from a sample: the pages of the receiving
 * domain, and the original's suspended state. An original gone while its
 * copy still receives was destroyed by someone else (xl destroys it only
 * after the copy, renamed, runs): xl is stopped at once, as a cancel would,
 * instead of waiting the minute libxl gives a guest to answer a suspend
 * (the move then fails, saying so). Returns 1 when it changed. */
int xn_move_job_observe(struct xn_move_job *j, const struct xn_snapshot *snap);

/* Cancel: kill xl while the guest still runs on its old pages (before the
 * last round). Returns 0, or -EBUSY when it is too late (the guest is
 * suspended: stopping now would leave it paused; the move finishes). */
int xn_move_job_cancel(struct xn_move_job *j);

/* Release the job's files and descriptors. xl still running is cancelled
 * when that is harmless; otherwise it is left to finish on its own (and
 * the directory with it). A kept checkpoint stays, j->words says where. */
void xn_move_job_clear(struct xn_move_job *j);

#endif
