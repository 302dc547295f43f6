/* test_balance.c - the balancer's policy parsing and engine (issue 20):
 * windows, cool-downs, exclusions, Domain-0, one step in flight, the keys
 * (UUID, else name), and a Xen memory step's decision (memory off, the size
 * cap, the hourly budget, the hours), against scripted snapshots whose
 * times are set, never slept. The move itself needs Xen (the lab). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "balance/balance_priv.h"
#include "balance/balance_run.h"
#include "move.h"
#include "check.h"
#include "source.h"

static int events;
static char last_event[16], last_reason[400];
static char vm1_reason[400]; /* the last event's of a domain named vm1... */

static void on_log(void *ctx, const struct xn_bal_event *e)
{
	(void)ctx;
	events++;
	snprintf(last_event, sizeof(last_event), "%s", e->event);
	snprintf(last_reason, sizeof(last_reason), "%s", e->reason);
	if (!strncmp(e->name, "vm1", 3))
		snprintf(vm1_reason, sizeof(vm1_reason), "%s", e->reason);
}

/* Two nodes of 2 CPUs and 4 GiB; domains 0 (Domain-0), 1 "vm1", 2 "skip-me",
 * each advised to run its vCPUs on node 0 (LOCAL% 0 -> 100). */
static void host(struct xn_snapshot *s, double t)
{
	memset(s, 0, sizeof(*s));
	s->time.tv_sec = (time_t)t;
	xn_host_alloc_nodes(&s->host, 2);
	s->host.page_size = 4096;
	for (int i = 0; i < 2; i++) {
		s->host.nodes[i].id = i;
		s->host.nodes[i].mem_total = (uint64_t)4 << 30;
		s->host.nodes[i].mem_free = (uint64_t)2 << 30;
		xn_bits_set(s->host.nodes[i].cpus.w, 2 * i);
		xn_bits_set(s->host.nodes[i].cpus.w, 2 * i + 1);
		s->host.nodes[i].valid = XN_NODE_TOTAL | XN_NODE_FREE | XN_NODE_CPUS;
	}
	const char *names[] = {"Domain-0", "vm1", "skip-me"};
	for (int k = 0; k < 3; k++) {
		struct xn_domain *d = xn_snapshot_add_domain(s);
		d->id = k;
		xn_domain_set_name(d, names[k]);
		d->vcpus = 1;
		d->mem_cur = d->mem_max = 256 << 20;
		d->node_pages[0] = 65536;
		xn_domain_alloc_vcpu_node(d);
		d->vcpu_node[0] = 1;
		d->valid = XN_DOM_VCPUS | XN_DOM_MEM_CUR | XN_DOM_MEM_MAX | XN_DOM_PAGES |
		           XN_DOM_VCPU_NODE | XN_DOM_ADVICE;
		d->advice.action = XN_ADVICE_VCPUS;
		xn_bits_set(d->advice.nodes.w, 0);
		d->advice.local_now = 0;
		d->advice.local_expected = 100;
		d->advice.step = (uint32_t)k;
	}
}

static int decide_at(struct xn_balancer *b, double t, struct xn_bal_step *st)
{
	struct xn_snapshot s;
	host(&s, t);
	int r = xn_bal_decide(b, &s, st);
	xn_snapshot_clear(&s);
	return r;
}

static void test_policy(void)
{
	struct xn_balance_policy p;
	char err[400];
	xn_balance_policy_defaults(&p);
	CHECK(p.vcpus && !p.memory && p.window == 300 && p.cooldown == 1800);
	CHECK(xn_balance_policy_set(&p, "window", "5m", "x", err, sizeof(err)) == 0 &&
	      p.window == 300);
	CHECK(xn_balance_policy_set(&p, "memory-max-move", "512M", "x", err, sizeof(err)) == 0 &&
	      p.memory_max_move == (uint64_t)512 << 20);
	CHECK(xn_balance_policy_set(&p, "memory-budget", "-1", "f:3", err, sizeof(err)) != 0);
	CHECK(strstr(err, "f:3: memory-budget") != NULL);
	CHECK(xn_balance_policy_set(&p, "exclude", "vm[1", "f:4", err, sizeof(err)) != 0);
	CHECK(xn_balance_policy_set(&p, "nope", "1", "f:5", err, sizeof(err)) != 0);
	CHECK(strstr(err, "unknown key") != NULL);
	CHECK(xn_balance_policy_set(&p, "memory-hours", "01:00-05:00", "x", err, sizeof(err)) ==
	              0 &&
	      p.memory_hours_from == 60 && p.memory_hours_to == 300);
	/* a file of its own: the build/ and build-asan/ binaries may run at once */
	char path[] = "/tmp/xn-test_balance.policy-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	fputs("# ok\nvcpus = on\n\nwindow = 10x\n", f);
	fclose(f);
	CHECK(xn_balance_policy_load(&p, path, err, sizeof(err)) != 0);
	CHECK(strstr(err, "test_balance.policy-") && strstr(err, ":4: window") != NULL);
	unlink(path);
}

static void test_engine(void)
{
	struct xn_balance_policy p;
	struct xn_balancer b;
	struct xn_bal_step st;
	char err[200];
	xn_balance_policy_defaults(&p);
	xn_balance_policy_set(&p, "exclude", "skip-*", "x", err, sizeof(err));
	xn_bal_init(&b, &p, true, on_log, NULL);
	double t0 = 1000000;
	/* the window: nothing before 300 s of the same advice */
	CHECK(decide_at(&b, t0, &st) == 0);
	CHECK(decide_at(&b, t0 + 299, &st) == 0);
	CHECK(events == 0);
	CHECK(decide_at(&b, t0 + 300, &st) == 1);
	CHECK_STR(st.name, "vm1"); /* never Domain-0 */
	CHECK_STR(last_event, "decide");
	/* one in flight: nothing more until it is done */
	CHECK(decide_at(&b, t0 + 400, &st) == 0);
	xn_bal_done(&b, t0 + 400, 0);
	/* vm1 cools down; skip-me is excluded (said once) */
	events = 0;
	CHECK(decide_at(&b, t0 + 500, &st) == 0);
	CHECK(decide_at(&b, t0 + 600, &st) == 0);
	CHECK(events == 2); /* one skip line each, not one per sample */
	CHECK(decide_at(&b, t0 + 400 + 1800, &st) == 1);
	CHECK_STR(st.name, "vm1");
	xn_bal_free(&b);
}

/* host() at t with uuids: vm1 gets uuid byte u (0: no uuid) and name. */
static int decide_uuid(struct xn_balancer *b, double t, uint8_t u, const char *name,
                       struct xn_bal_step *st)
{
	struct xn_snapshot s;
	host(&s, t);
	struct xn_domain *d = &s.domains[1];
	xn_domain_set_name(d, name);
	if (u) {
		memset(d->uuid, u, sizeof(d->uuid));
		d->valid |= XN_DOM_UUID;
	}
	int r = xn_bal_decide(b, &s, st);
	xn_snapshot_clear(&s);
	return r;
}

/* Cool-downs follow the UUID when the source gives one: a domain renamed
 * keeps its cool-down; a new domain under the old name (another UUID) has
 * none; without UUIDs the name is the key. */
static void test_uuid_key(void)
{
	struct xn_balance_policy p;
	struct xn_balancer b;
	struct xn_bal_step st;
	char err[200];
	xn_balance_policy_defaults(&p);
	xn_balance_policy_set(&p, "exclude", "skip-*", "x", err, sizeof(err));
	xn_bal_init(&b, &p, true, on_log, NULL);
	double t0 = 2000000;
	CHECK(decide_uuid(&b, t0, 0xaa, "vm1", &st) == 0);
	CHECK(decide_uuid(&b, t0 + 300, 0xaa, "vm1", &st) == 1);
	CHECK(st.key.has_uuid && st.key.uuid[0] == 0xaa);
	xn_bal_done(&b, t0 + 300, 0);
	/* renamed, same UUID: still cooling down, held since its first advice */
	vm1_reason[0] = '\0';
	CHECK(decide_uuid(&b, t0 + 700, 0xaa, "vm1-renamed", &st) == 0);
	CHECK(strstr(vm1_reason, "cool-down") != NULL);
	/* the old name, another UUID: a new domain, its own window, no cool-down */
	CHECK(decide_uuid(&b, t0 + 800, 0xbb, "vm1", &st) == 0);
	CHECK(decide_uuid(&b, t0 + 1100, 0xbb, "vm1", &st) == 1);
	CHECK(st.key.uuid[0] == 0xbb);
	xn_bal_done(&b, t0 + 1100, 0);
	xn_bal_free(&b);
	/* no UUID: the same name is the same domain */
	xn_bal_init(&b, &p, true, on_log, NULL);
	CHECK(decide_uuid(&b, t0, 0, "vm1", &st) == 0);
	CHECK(decide_uuid(&b, t0 + 300, 0, "vm1", &st) == 1 && !st.key.has_uuid);
	xn_bal_done(&b, t0 + 300, 0);
	vm1_reason[0] = '\0';
	CHECK(decide_uuid(&b, t0 + 700, 0, "vm1", &st) == 0);
	CHECK(strstr(vm1_reason, "cool-down") != NULL);
	xn_bal_free(&b);
	/* UUIDs as text and back */
	uint8_t u[16], v[16];
	char txt[XN_UUID_STR];
	for (int i = 0; i < 16; i++)
		u[i] = (uint8_t)(i * 17 + 3);
	xn_uuid_format(u, txt);
	CHECK_STR(txt, "03142536-4758-697a-8b9c-adbecfe0f102");
	CHECK(xn_uuid_parse("03142536-4758-697A-8B9C-ADBECFE0F102", v) == 0 && !memcmp(u, v, 16));
	CHECK(xn_uuid_parse("03142536-4758-697a-8b9c-adbecfe0f10", v) != 0);
	CHECK(xn_uuid_parse("031425364-758-697a-8b9c-adbecfe0f102", v) != 0);
	CHECK(xn_uuid_parse("03142536-4758-697a-8b9c-adbecfe0f1023", v) != 0);
	CHECK(xn_uuid_parse("0314253g-4758-697a-8b9c-adbecfe0f102", v) != 0);
}

/* host() at t with vm1 advised a Xen memory move to node 1 (its vCPU's
 * node; all of its 256 MiB on node 0): the source re-creates domains. */
static int decide_memory(struct xn_balancer *b, double t, struct xn_bal_step *st)
{
	struct xn_snapshot s;
	host(&s, t);
	s.caps = XN_SRC_RECREATE;
	struct xn_domain *d = &s.domains[1];
	d->advice.action = XN_ADVICE_MEMORY;
	memset(&d->advice.nodes, 0, sizeof(d->advice.nodes));
	xn_bits_set(d->advice.nodes.w, 1);
	int r = xn_bal_decide(b, &s, st);
	xn_snapshot_clear(&s);
	return r;
}

/* The decision for a Xen memory step (the move itself needs Xen: the lab):
 * memory off, the size cap, the hourly budget, the time of day. */
static void test_memory_decision(void)
{
	struct xn_balance_policy p;
	struct xn_balancer b;
	struct xn_bal_step st;
	char err[200];
	const uint64_t mib = 1 << 20;
	xn_balance_policy_defaults(&p);
	CHECK(xn_balance_policy_set(&p, "window", "0", "x", err, sizeof(err)) == 0);
	CHECK(xn_balance_policy_set(&p, "cool-down", "1", "x", err, sizeof(err)) == 0);
	xn_balance_policy_set(&p, "exclude", "skip-*", "x", err, sizeof(err));
	double t0 = 86400.0 * 20000; /* a midnight UTC */
	/* memory off (the default) */
	xn_bal_init(&b, &p, true, on_log, NULL);
	vm1_reason[0] = '\0';
	CHECK(decide_memory(&b, t0, &st) == 0);
	CHECK(strstr(vm1_reason, "memory off") != NULL);
	xn_bal_free(&b);
	/* the cap: 256 MiB copied, 128 MiB allowed */
	CHECK(xn_balance_policy_set(&p, "memory", "on", "x", err, sizeof(err)) == 0);
	CHECK(xn_balance_policy_set(&p, "memory-max-move", "128M", "x", err, sizeof(err)) == 0);
	xn_bal_init(&b, &p, true, on_log, NULL);
	vm1_reason[0] = '\0';
	CHECK(decide_memory(&b, t0, &st) == 0);
	CHECK(strstr(vm1_reason, "above memory-max-move 128 MiB") != NULL);
	xn_bal_free(&b);
	/* the budget: 600 MiB an hour holds two moves of 256 MiB, not three */
	CHECK(xn_balance_policy_set(&p, "memory-max-move", "1G", "x", err, sizeof(err)) == 0);
	CHECK(xn_balance_policy_set(&p, "memory-budget", "600M", "x", err, sizeof(err)) == 0);
	xn_bal_init(&b, &p, true, on_log, NULL);
	CHECK(decide_memory(&b, t0, &st) == 1);
	CHECK(st.xen_move && st.action == XN_ADVICE_MEMORY && st.bytes == 256 * mib);
	xn_bal_done(&b, t0, st.bytes);
	CHECK(decide_memory(&b, t0 + 10, &st) == 1);
	xn_bal_done(&b, t0 + 10, st.bytes);
	vm1_reason[0] = '\0';
	CHECK(decide_memory(&b, t0 + 20, &st) == 0);
	CHECK(strstr(vm1_reason, "512 MiB moved in the last hour") != NULL);
	CHECK(decide_memory(&b, t0 + 3599, &st) == 0);
	CHECK(decide_memory(&b, t0 + 3611, &st) == 1); /* both moves older than an hour */
	xn_bal_free(&b);
	/* the time of day: 01:00-02:00 UTC only */
	CHECK(xn_balance_policy_set(&p, "memory-hours", "01:00-02:00", "x", err, sizeof(err)) == 0);
	xn_bal_init(&b, &p, true, on_log, NULL);
	vm1_reason[0] = '\0';
	CHECK(decide_memory(&b, t0 + 1800, &st) == 0);
	CHECK(strstr(vm1_reason, "outside memory-hours 01:00-02:00") != NULL);
	CHECK(decide_memory(&b, t0 + 5400, &st) == 1);
	xn_bal_free(&b);
}

/* host() at t as a Linux host: no UUIDs, domains 1 and 2 two processes of
 * one name ("worker", as two workers of one program are); 1 misplaced
 * (advised vcpus), 2 placed (advice ok) unless both. */
static int decide_twins(struct xn_balancer *b, double t, bool both, struct xn_bal_step *st)
{
	struct xn_snapshot s;
	host(&s, t);
	for (int k = 1; k <= 2; k++)
		xn_domain_set_name(&s.domains[k], "worker");
	if (!both)
		s.domains[2].advice.action = XN_ADVICE_OK;
	int r = xn_bal_decide(b, &s, st);
	xn_snapshot_clear(&s);
	return r;
}

/* Without UUIDs the key is the name and the id (the PID): two processes of
 * one name are two domains. Keyed by name alone, the placed one's "ok"
 * restarted the misplaced one's window at every sample (never applied), and
 * one's cool-down held the other. */
static void test_same_name(void)
{
	struct xn_balance_policy p;
	struct xn_balancer b;
	struct xn_bal_step st;
	xn_balance_policy_defaults(&p);
	xn_bal_init(&b, &p, true, on_log, NULL);
	double t0 = 4000000;
	for (int i = 0; i < 300; i += 60)
		CHECK(decide_twins(&b, t0 + i, false, &st) == 0);
	CHECK(decide_twins(&b, t0 + 300, false, &st) == 1);
	CHECK(st.id == 1 && st.key.has_id && st.key.id == 1);
	xn_bal_done(&b, t0 + 300, 0);
	xn_bal_free(&b);
	/* both misplaced: 1 changed and cooling down, 2 still goes after its window */
	xn_bal_init(&b, &p, true, on_log, NULL);
	CHECK(decide_twins(&b, t0, true, &st) == 0);
	CHECK(decide_twins(&b, t0 + 300, true, &st) == 1 && st.id == 1);
	xn_bal_done(&b, t0 + 300, 0);
	CHECK(decide_twins(&b, t0 + 360, true, &st) == 1 && st.id == 2);
	xn_bal_free(&b);
}

/* A Xen move's done line: xl prints nothing on success, so the words are
 * made from the job's times (the lab's first run logged reason ""); a
 * failure keeps xl's words. */
static void test_move_words(void)
{
	static struct xn_move_job j;
	char why[200];
	memset(&j, 0, sizeof(j));
	j.live = true;
	j.t_start = 100;
	j.t_end = 112;
	j.prog.total = 32768;
	xn_bal_move_words(&j, why, sizeof(why));
	CHECK_STR(why, "moved live in 12.0 s, 2731 pages/s");
	j.status = -EIO;
	snprintf(j.words, sizeof(j.words), "xl migrate failed");
	xn_bal_move_words(&j, why, sizeof(why));
	CHECK_STR(why, "xl migrate failed");
}

int main(void)
{
	test_move_words();
	test_policy();
	test_engine();
	test_uuid_key();
	test_same_name();
	test_memory_decision();
	return check_report("test_balance");
}
