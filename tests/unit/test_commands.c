/* test_commands.c - --advise and --apply-advice against a scripted source
 * (a writable one, which no recording is): what is printed, the exit
 * statuses, and that the change asked of the source is exactly the advice
 * (its nodes, xn_advice_apply_flags) or nothing at all. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "advise.h"
#include "check.h"
#include "commands.h"
#include "util.h"

/* The scripted source: sample() returns the snapshot of its step; the
 * advice is marked valid, so the sampler keeps it (advise.h). */
struct fake {
	struct xn_source base;
	int step;
	int fail_sample_at; /* step whose sample fails (-EIO), or -1 */
	int set_result;     /* what set_node_affinity returns */
	int set_calls;
	int64_t set_id;
	xn_nodemask set_nodes;
	unsigned set_flags;
	int arrive_at; /* first step whose sample has web's vCPUs on node 0 */
	int pre;       /* samples before the script's step 0 (the advice's window: --advise
	                  and --apply-advice sample XN_ADVISE_WINDOW times); they are step 0 */
};

/* What --advise and --apply-advice say on stderr of their window. */
#define SAMPLING                                                                                   \
	"xentop-numa: sampling 6 times, 0.0 s apart (0.0 s): the advice is smoothed over 6 "       \
	"samples\n"

static int fake_sample(struct xn_source *src, struct xn_snapshot *out)
{
	struct fake *f = (struct fake *)src;
	int step = f->step++ - f->pre;
	if (step < 0)
		step = 0;
	else if (step == f->fail_sample_at)
		return xn_source_fail(src, -EIO, "scripted failure");
	xn_strlcpy(out->source, "fake", sizeof(out->source));
	out->mono_ns = 1000000000ull * (uint64_t)(step + 1);
	xn_host_alloc_nodes(&out->host, 2);
	out->host.nodes[1].id = 1;
	const char *names[] = {"web", "db", "quiet"};
	for (int i = 0; i < 3; i++) {
		struct xn_domain *d = xn_snapshot_add_domain(out);
		d->id = i + 1;
		xn_domain_set_name(d, names[i]);
	}
	struct xn_domain *web = &out->domains[0], *db = &out->domains[1];
	/* web: memory on node 0, vCPUs on node 1: run them on node 0 */
	web->advice.action = step == 0 ? XN_ADVICE_VCPUS : XN_ADVICE_OK;
	XN_NM_SET(&web->advice.nodes, 0);
	web->advice.local_now = 0;
	web->advice.local_expected = 100;
	strcpy(web->advice.reason, "run vCPUs on node 0, where 100% of its memory is");
	web->locality = step == 0 ? 0 : 97.5;
	web->vcpus = 2;
	xn_domain_alloc_vcpu_node(web);
	web->vcpu_node[0] = web->vcpu_node[1] = step >= f->arrive_at ? 0 : 1;
	web->valid = XN_DOM_ADVICE | XN_DOM_LOCALITY | XN_DOM_VCPU_NODE;
	/* db: well placed */
	db->advice.action = XN_ADVICE_OK;
	strcpy(db->advice.reason, "well placed: 100% local");
	db->valid = XN_DOM_ADVICE;
	/* quiet: not judged */
	return 0;
}

static int fake_set(struct xn_source *src, int64_t id, const xn_nodemask *nodes, unsigned flags,
                    char *msg, size_t len)
{
	struct fake *f = (struct fake *)src;
	f->set_calls++;
	f->set_id = id;
	f->set_nodes = *nodes;
	f->set_flags = flags;
	if (f->set_result)
		return xn_source_fail(src, f->set_result, "scripted refusal");
	snprintf(msg, len, "soft affinity of 2 vCPUs set to CPUs 0-3");
	return 0;
}

static const struct xn_source_ops fake_ops = {
        .name = "fake", .sample = fake_sample, .set_node_affinity = fake_set};

/* Run a command with stdout and stderr captured. */
static int run(int (*cmd)(struct fake *f, struct xn_options *o), struct fake *f,
               struct xn_options *o, char **out, char **err)
{
	char to[] = "/tmp/xn-test-cmd-out-XXXXXX", te[] = "/tmp/xn-test-cmd-err-XXXXXX";
	int fo = mkstemp(to), fe = mkstemp(te);
	int so = dup(1), se = dup(2);
	fflush(stdout);
	fflush(stderr);
	dup2(fo, 1);
	dup2(fe, 2);
	int rc = cmd(f, o);
	fflush(stdout);
	fflush(stderr);
	dup2(so, 1);
	dup2(se, 2);
	close(so);
	close(se);
	close(fo);
	close(fe);
	*out = *err = NULL;
	xn_read_file(to, out, NULL);
	xn_read_file(te, err, NULL);
	unlink(to);
	unlink(te);
	if (!*out)
		*out = strdup("");
	if (!*err)
		*err = strdup("");
	return rc;
}

static int do_advise(struct fake *f, struct xn_options *o)
{
	struct xn_sampler s = {.src = &f->base};
	int rc = xn_cmd_advise(&s, o, NULL);
	xn_sampler_clear(&s);
	return rc;
}

static int do_apply(struct fake *f, struct xn_options *o)
{
	struct xn_sampler s = {.src = &f->base};
	int rc = xn_cmd_apply_advice(&s, o);
	xn_sampler_clear(&s);
	return rc;
}

static void fake_init(struct fake *f, struct xn_options *o)
{
	memset(f, 0, sizeof(*f));
	f->base.ops = &fake_ops;
	f->fail_sample_at = -1;
	f->arrive_at = 1;
	f->pre = XN_ADVISE_WINDOW - 1;
	memset(o, 0, sizeof(*o));
	o->delay = 0.001; /* the pause before the check sample */
}

static void test_advise(void)
{
	struct fake f;
	struct xn_options o;
	char *out, *err;
	fake_init(&f, &o);
	CHECK(run(do_advise, &f, &o, &out, &err) == 1);
	CHECK_STR(out, "web (id 1): vcpus 0: run vCPUs on node 0, where 100% of its memory is "
	               "[LOCAL% 0.0 -> 100.0, 0 pages to move]\n");
	CHECK_STR(err, SAMPLING);
	CHECK(f.step == XN_ADVISE_WINDOW); /* the window's samples, no more */
	CHECK(f.set_calls == 0);           /* --advise changes nothing */
	free(out);
	free(err);

	/* none misplaced (the source's second step): 0, nothing printed */
	fake_init(&f, &o);
	f.step = 1 + f.pre;
	CHECK(run(do_advise, &f, &o, &out, &err) == 0);
	CHECK_STR(out, "");
	free(out);
	free(err);

	/* a runtime error is 6, not 1 (1 means misplaced) */
	fake_init(&f, &o);
	f.fail_sample_at = 0;
	CHECK(run(do_advise, &f, &o, &out, &err) == XN_EXIT_ADVISE_FAILED);
	CHECK_STR(out, "");
	CHECK_STR(err, SAMPLING "xentop-numa: fake: scripted failure\n");
	free(out);
	free(err);
}

static void test_apply(void)
{
	struct fake f;
	struct xn_options o;
	char *out, *err;

	/* misplaced: the advice's nodes and flags, then predicted vs now */
	fake_init(&f, &o);
	o.apply_advice = "web";
	CHECK(run(do_apply, &f, &o, &out, &err) == XN_EXIT_OK);
	CHECK(f.set_calls == 1);
	CHECK(f.set_id == 1);
	CHECK(xn_bits_test(f.set_nodes.w, 0) && xn_bits_count(f.set_nodes.w, XN_MAX_NODES) == 1);
	struct xn_advice a = {.action = XN_ADVICE_VCPUS};
	CHECK(f.set_flags == xn_advice_apply_flags(&a));
	CHECK_STR(out, "web: vcpus 0: soft affinity of 2 vCPUs set to CPUs 0-3\n"
	               "predicted LOCAL% 100.0, now 97.5\n");
	CHECK_STR(err, SAMPLING);
	CHECK(f.step == f.pre + 2); /* sampled again after the change */
	free(out);
	free(err);

	/* the vCPUs reach node 0 two samples later: sampled until they do */
	fake_init(&f, &o);
	o.apply_advice = "web";
	f.arrive_at = 3;
	CHECK(run(do_apply, &f, &o, &out, &err) == XN_EXIT_OK);
	CHECK(f.step == f.pre + 4);
	free(out);
	free(err);

	/* and never: given up after 10 samples */
	fake_init(&f, &o);
	o.apply_advice = "web";
	f.arrive_at = 1 << 30;
	CHECK(run(do_apply, &f, &o, &out, &err) == XN_EXIT_OK);
	CHECK(f.step == f.pre + 11);
	free(out);
	free(err);

	/* by id too */
	fake_init(&f, &o);
	o.apply_advice = "1";
	CHECK(run(do_apply, &f, &o, &out, &err) == XN_EXIT_OK);
	CHECK(f.set_calls == 1 && f.set_id == 1);
	free(out);
	free(err);

	/* not misplaced: why, and nothing changed */
	fake_init(&f, &o);
	o.apply_advice = "db";
	CHECK(run(do_apply, &f, &o, &out, &err) == XN_EXIT_OK);
	CHECK(f.set_calls == 0);
	CHECK_STR(out, "db: ok: well placed: 100% local; nothing changed\n");
	free(out);
	free(err);

	/* not judged: said, nothing changed */
	fake_init(&f, &o);
	o.apply_advice = "quiet";
	CHECK(run(do_apply, &f, &o, &out, &err) == XN_EXIT_OK);
	CHECK(f.set_calls == 0);
	CHECK(strstr(out, "quiet: no advice") == out);
	free(out);
	free(err);

	/* unknown name: 3, as --set-affinity; an id not shown: 3 too */
	fake_init(&f, &o);
	o.apply_advice = "nosuch";
	CHECK(run(do_apply, &f, &o, &out, &err) == XN_EXIT_NO_DOMAIN);
	CHECK_STR(err, SAMPLING "xentop-numa: no domain named \"nosuch\"\n");
	CHECK(f.set_calls == 0);
	free(out);
	free(err);
	fake_init(&f, &o);
	o.apply_advice = "99";
	CHECK(run(do_apply, &f, &o, &out, &err) == XN_EXIT_NO_DOMAIN);
	CHECK(f.set_calls == 0);
	free(out);
	free(err);

	/* refused by the source: its status and words, as --set-affinity */
	fake_init(&f, &o);
	o.apply_advice = "web";
	f.set_result = -EPERM;
	CHECK(run(do_apply, &f, &o, &out, &err) == XN_EXIT_PERM);
	CHECK_STR(err, SAMPLING "xentop-numa: cannot set node affinity of web: scripted refusal\n");
	CHECK_STR(out, "");
	CHECK(f.step == f.pre + 1); /* no check sample after a failure */
	free(out);
	free(err);
	fake_init(&f, &o);
	o.apply_advice = "web";
	f.set_result = -EBUSY;
	CHECK(run(do_apply, &f, &o, &out, &err) == XN_EXIT_REFUSED);
	free(out);
	free(err);

	/* the check sample fails: a runtime error, after saying what changed */
	fake_init(&f, &o);
	o.apply_advice = "web";
	f.fail_sample_at = 1;
	CHECK(run(do_apply, &f, &o, &out, &err) == XN_EXIT_RUNTIME);
	CHECK_STR(out, "web: vcpus 0: soft affinity of 2 vCPUs set to CPUs 0-3\n");
	free(out);
	free(err);

	/* a read-only source: 2 before anything is sampled */
	struct xn_source_ops ro = fake_ops;
	ro.set_node_affinity = NULL;
	fake_init(&f, &o);
	f.base.ops = &ro;
	o.apply_advice = "web";
	CHECK(run(do_apply, &f, &o, &out, &err) == XN_EXIT_USAGE);
	CHECK_STR(err, "xentop-numa: the fake source is read-only\n");
	CHECK(f.step == 0);
	free(out);
	free(err);
}

int main(void)
{
	test_advise();
	test_apply();
	return check_report("test_commands");
}
