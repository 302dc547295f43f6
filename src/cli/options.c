/* options.c - the command line (see options.h and xentop-numa.1). */
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "columns.h"
#include "config.h"
#include "util.h"

enum {
	OPT_FORMAT = 256,
	OPT_SNAPSHOT,
	OPT_SET_AFFINITY,
	OPT_AFF_CPUS,
	OPT_RECORD,
	OPT_READ_ONLY,
	OPT_UNITS,
	OPT_SORT,
	OPT_COLUMNS,
	OPT_SAVE_CONFIG,
	OPT_CGROUPS,
	OPT_TOP,
	OPT_EXACT_INTERVAL,
	OPT_DEBUGKEY_INTERVAL,
	OPT_NO_PAGEOP,
	OPT_ADVISE,
	OPT_APPLY_ADVICE,
	OPT_REPLAY,
	OPT_REFRESHES,
	OPT_LISTEN,
	OPT_PROMETHEUS,
	OPT_WEB_CONFIG,
	OPT_MOVE_MEMORY,
	OPT_OFFLINE,
	OPT_BALANCE,
	OPT_DRY_RUN,
	OPT_REVERT_LAST,
	OPT_BALANCE_POLICY,
	OPT_BALANCE_KEY, /* --balance-KEY VALUE: the policy's keys as flags */
};

static const struct option long_opts[] = {
        {"batch", no_argument, NULL, 'b'},
        {"delay", required_argument, NULL, 'd'},
        {"iterations", required_argument, NULL, 'i'},
        {"refreshes", required_argument, NULL, OPT_REFRESHES},
        {"networks", no_argument, NULL, 'n'},
        {"vbds", no_argument, NULL, 'x'},
        {"repeat-header", no_argument, NULL, 'r'},
        {"vcpus", no_argument, NULL, 'v'},
        {"full-name", no_argument, NULL, 'f'},
        {"dom0-first", no_argument, NULL, 'z'},
        {"source", required_argument, NULL, 's'},
        {"replay", required_argument, NULL, OPT_REPLAY},
        {"pid", required_argument, NULL, 'p'},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"snapshot", no_argument, NULL, OPT_SNAPSHOT},
        {"set-affinity", required_argument, NULL, OPT_SET_AFFINITY},
        {"affinity-cpus", no_argument, NULL, OPT_AFF_CPUS},
        {"advise", no_argument, NULL, OPT_ADVISE},
        {"apply-advice", required_argument, NULL, OPT_APPLY_ADVICE},
        {"record", required_argument, NULL, OPT_RECORD},
        {"read-only", no_argument, NULL, OPT_READ_ONLY},
        {"units", required_argument, NULL, OPT_UNITS},
        {"sort", required_argument, NULL, OPT_SORT},
        {"columns", required_argument, NULL, OPT_COLUMNS},
        {"save-config", no_argument, NULL, OPT_SAVE_CONFIG},
        {"cgroups", no_argument, NULL, OPT_CGROUPS},
        {"top", required_argument, NULL, OPT_TOP},
        {"exact-interval", required_argument, NULL, OPT_EXACT_INTERVAL},
        {"debugkey-interval", required_argument, NULL, OPT_DEBUGKEY_INTERVAL},
        {"no-pageop", no_argument, NULL, OPT_NO_PAGEOP},
        {"listen", required_argument, NULL, OPT_LISTEN},
        {"prometheus", required_argument, NULL, OPT_PROMETHEUS},
        {"web-config", required_argument, NULL, OPT_WEB_CONFIG},
        {"move-memory", required_argument, NULL, OPT_MOVE_MEMORY},
        {"offline", no_argument, NULL, OPT_OFFLINE},
        {"balance", no_argument, NULL, OPT_BALANCE},
        {"dry-run", no_argument, NULL, OPT_DRY_RUN},
        {"revert-last", no_argument, NULL, OPT_REVERT_LAST},
        {"balance-policy", required_argument, NULL, OPT_BALANCE_POLICY},
        {"balance-vcpus", required_argument, NULL, OPT_BALANCE_KEY},
        {"balance-memory", required_argument, NULL, OPT_BALANCE_KEY},
        {"balance-memory-max-move", required_argument, NULL, OPT_BALANCE_KEY},
        {"balance-memory-budget", required_argument, NULL, OPT_BALANCE_KEY},
        {"balance-memory-hours", required_argument, NULL, OPT_BALANCE_KEY},
        {"balance-hard-affinity", required_argument, NULL, OPT_BALANCE_KEY},
        {"balance-other-managers", required_argument, NULL, OPT_BALANCE_KEY},
        {"balance-window", required_argument, NULL, OPT_BALANCE_KEY},
        {"balance-cool-down", required_argument, NULL, OPT_BALANCE_KEY},
        {"balance-settle", required_argument, NULL, OPT_BALANCE_KEY},
        {"balance-margin", required_argument, NULL, OPT_BALANCE_KEY},
        {"balance-state-file", required_argument, NULL, OPT_BALANCE_KEY},
        {"balance-include", required_argument, NULL, OPT_BALANCE_KEY},
        {"balance-exclude", required_argument, NULL, OPT_BALANCE_KEY},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
};

static void usage(FILE *f)
{
	fputs("Usage: xentop-numa [OPTION]...\n"
	      "Show NUMA memory placement of virtualization domains, live.\n"
	      "\n"
	      "Source:\n"
	      "  -s, --source NAME        auto (default), xen, linux or replay\n"
	      "      --replay FILE        play a recording (implies --source replay)\n"
	      "  -p, --pid LIST           linux: always show these PIDs (\"123,456\")\n"
	      "      --top N              linux: also show the N largest processes (default 10)\n"
	      "      --cgroups            linux: domains are cgroups, not processes\n"
	      "      --exact-interval S   linux: starting interval between exact numa_maps walks,\n"
	      "                           adapting from 1/4 to 8 times it (default 10, 0: always)\n"
	      "      --debugkey-interval S  xen: min seconds between debug key 'u' dumps (default "
	      "10)\n"
	      "      --no-pageop          xen: do not use the hypervisor's page-count op\n"
	      "\n"
	      "Display and output:\n"
	      "  -b, --batch              batch mode: print samples, no terminal needed\n"
	      "  -d, --delay SECS         seconds between refreshes (default 3, fractions "
	      "allowed;\n"
	      "                           0 in batch mode: no wait)\n"
	      "  -i, --iterations N       batch: number of samples, then exit\n"
	      "      --refreshes N        quit after N refreshes (screen or batch)\n"
	      "  -n, --networks           batch text: xentop's line per network interface;\n"
	      "                           screen: keep the network columns when narrow\n"
	      "  -x, --vbds               batch text: xentop's line per block device;\n"
	      "                           screen: keep the block device columns when narrow\n"
	      "  -v, --vcpus              one line per vCPU under each domain\n"
	      "  -r, --repeat-header      repeat the table header before each domain\n"
	      "  -f, --full-name          do not cut names to the NAME column\n"
	      "  -z, --dom0-first         Domain-0 first, whatever the sort\n"
	      "      --format FMT         batch output: text (default), json or csv\n"
	      "      --units U            per-node figures in mib (default), pages or pct\n"
	      "      --sort [-]KEY        sort by column KEY (id, name, cpu_pct, mem, local, "
	      "...);\n"
	      "                           -KEY reverses its order (-local: worst placed first)\n"
	      "      --columns LIST       show only these columns (batch and screen): names as\n"
	      "                           the header says them, any case, comma-separated\n"
	      "                           (NAME,CPU(%),N,LOCAL%; N is every node column); they\n"
	      "                           keep the header's order whatever the list's\n"
	      "      --save-config        save --columns, --sort, -d and --units as given to\n"
	      "                           $XDG_CONFIG_HOME/xentop-numa/config (read back at\n"
	      "                           start; the command line wins) and exit\n"
	      "      --snapshot           print one JSON sample and exit\n"
	      "      --record FILE        append every sample to FILE as a JSON line\n"
	      "      --listen [ADDR:]PORT serve Prometheus metrics at GET /metrics (address\n"
	      "                           127.0.0.1 unless given), sampling every -d seconds\n"
	      "      --prometheus FILE    write the metrics to FILE each refresh (node_exporter\n"
	      "                           textfile format, replaced atomically)\n"
	      "      --web-config FILE    --listen with TLS and basic authentication (the\n"
	      "                           Prometheus exporter toolkit's format; SIGHUP re-reads)\n"
	      "\n"
	      "Changes:\n"
	      "      --set-affinity DOMAIN=NODES  set a domain's node affinity and exit;\n"
	      "                           DOMAIN is an id or a name, NODES is 0, 0-1, 0,2 or all\n"
	      "      --affinity-cpus      xen: also set vCPU soft affinity to the nodes' CPUs\n"
	      "      --advise             print one line per misplaced domain and exit:\n"
	      "                           0 none misplaced, 1 some are, 6 runtime error\n"
	      "      --apply-advice DOMAIN  apply a domain's placement advice, then show\n"
	      "                           its predicted and actual LOCAL% and exit\n"
	      "      --move-memory DOMAIN=NODES  xen: move a running domain's memory to NODES\n"
	      "                           (a localhost live migration), then exit\n"
	      "      --offline            with --move-memory: save and restore instead (the\n"
	      "                           guest stops for the copy; when log-dirty is missing)\n"
	      "      --balance            keep the host placed: apply the plan's steps one at a\n"
	      "                           time under a policy, logging each decision (see\n"
	      "                           BALANCING in xentop-numa(1)); until SIGTERM\n"
	      "      --dry-run            with --balance: decide and log, change nothing (a\n"
	      "                           recording is balanced on paper at its own times)\n"
	      "      --balance-policy FILE  the policy: key = value lines\n"
	      "      --balance-KEY VALUE  one policy key (vcpus, memory, memory-max-move,\n"
	      "                           memory-budget, memory-hours, include, exclude,\n"
	      "                           hard-affinity, other-managers, window, cool-down,\n"
	      "                           settle, margin, state-file)\n"
	      "      --revert-last        with --balance: undo our last vCPU change (the\n"
	      "                           policy's state-file says which), then exit\n"
	      "      --read-only          never change anything (the screen's 'a' and 'A' are "
	      "off)\n"
	      "\n"
	      "  -h, --help               show this help and exit\n"
	      "  -V, --version            show the version and exit\n"
	      "\n"
	      "Exit status:\n"
	      "  0  success\n"
	      "  1  runtime error (the source could not be opened or sampled, a write failed)\n"
	      "  2  usage error (a bad option or value, an invalid node list, a change\n"
	      "     asked of a read-only source such as a recording)\n"
	      "  3  the domain was not found, or no process given with --pid exists\n"
	      "  4  permission denied\n"
	      "  5  the kernel or hypervisor refused the change; --balance: another placer runs\n"
	      "With --advise, 1 means a domain is misplaced and 6 a runtime error.\n"
	      "See xentop-numa(1) and xentop-numa-json(5).\n",
	      f);
}

static int bad(const char *opt, const char *val, const char *why)
{
	xn_warn("invalid value \"%s\" for %s: %s", val, opt, why);
	fprintf(stderr, "Try 'xentop-numa --help' for more information.\n");
	return -EINVAL;
}

static int parse_count(const char *opt, const char *val, long min, long *out)
{
	uint64_t v;
	if (xn_parse_u64(val, &v) || v > 1000000000 || (long)v < min)
		return bad(opt, val,
		           min > 0 ? "expected a whole number >= 1" : "expected a whole number");
	*out = (long)v;
	return 0;
}

/* 0 is checked later: batch mode allows it, as xentop -b -d 0 does. */
static int parse_secs(const char *opt, const char *val, double *out)
{
	if (xn_parse_seconds(val, out) || *out < 0 || *out > 86400)
		return bad(opt, val, "expected seconds >= 0, e.g. 3 or 0.5");
	return 0;
}

/* The scan intervals may be 0: measure at every refresh. */
static int parse_interval(const char *opt, const char *val, double *out)
{
	if (xn_parse_seconds(val, out) || *out > 86400)
		return bad(opt, val, "expected seconds >= 0, e.g. 10 or 0.5 (0: every refresh)");
	return 0;
}

/* "123,456": whole numbers 1..PID_MAX_LIMIT (4194304), no empty item. */
/* [ADDR:]PORT with a decimal PORT of 0..65535: a port out of range is a
 * usage error here, not a failure to listen later. */
static bool listen_valid(const char *s)
{
	const char *p = strrchr(s, ':');
	p = p ? p + 1 : s;
	if (!*p || strspn(p, "0123456789") != strlen(p) || strlen(p) > 5)
		return false;
	return strtol(p, NULL, 10) <= 65535;
}

static bool pids_valid(const char *s)
{
	do {
		uint64_t v = 0;
		const char *d = s;
		for (; *s >= '0' && *s <= '9'; s++)
			if ((v = v * 10 + (uint64_t)(*s - '0')) > 4194304)
				return false;
		if (s == d || v == 0 || (*s && *s != ','))
			return false;
	} while (*s++);
	return true;
}

static void set_defaults(struct xn_options *o)
{
	memset(o, 0, sizeof(*o));
	o->source = "auto";
	o->delay = 3.0;
	o->format = XN_FMT_TEXT;
	o->units = XN_UNITS_MIB;
	o->cfg.top_n = 10;
	o->cfg.exact_interval = 10.0;
	o->cfg.debugkey_interval = 10.0;
}

static int parse_one(int c, const char *arg, struct xn_options *o, bool *source_given)
{
	long n;
	switch (c) {
	case 'b':
		o->batch = true;
		return 0;
	case 'd':
		return parse_secs("-d/--delay", arg, &o->delay);
	case 'i':
	case OPT_REFRESHES:
		if (parse_count(c == 'i' ? "-i/--iterations" : "--refreshes", arg, 1, &n))
			return -EINVAL;
		o->iterations = n;
		return 0;
	case 'n':
		o->show_net = true;
		return 0;
	case 'x':
		o->show_vbd = true;
		return 0;
	case 'r':
		o->repeat_header = true;
		return 0;
	case 'v':
		o->show_vcpus = true;
		return 0;
	case 'f':
		o->full_names = true;
		return 0;
	case 'z':
		o->dom0_first = true;
		return 0;
	case 's':
		if (strcmp(arg, "auto") && strcmp(arg, "xen") && strcmp(arg, "linux") &&
		    strcmp(arg, "replay"))
			return bad("-s/--source", arg, "expected auto, xen, linux or replay");
		o->source = arg;
		*source_given = true;
		return 0;
	case OPT_REPLAY:
		o->cfg.replay_file = arg;
		return 0;
	case 'p':
		/* syntax and range only: the source says which PIDs exist */
		if (!pids_valid(arg))
			return bad("-p/--pid", arg,
			           "expected PIDs (1..4194304) separated by commas, e.g. 123,456");
		o->cfg.pids = arg;
		return 0;
	case OPT_FORMAT:
		if (!strcmp(arg, "text"))
			o->format = XN_FMT_TEXT;
		else if (!strcmp(arg, "json"))
			o->format = XN_FMT_JSON;
		else if (!strcmp(arg, "csv"))
			o->format = XN_FMT_CSV;
		else
			return bad("--format", arg, "expected text, json or csv");
		return 0;
	case OPT_SNAPSHOT:
		o->snapshot = true;
		return 0;
	case OPT_SET_AFFINITY:
		if (!strchr(arg, '=') || arg[0] == '=' || arg[strlen(arg) - 1] == '=')
			return bad("--set-affinity", arg, "expected DOMAIN=NODES, e.g. vm1=0-1");
		o->set_affinity = arg;
		return 0;
	case OPT_MOVE_MEMORY:
		if (!strchr(arg, '=') || arg[0] == '=' || arg[strlen(arg) - 1] == '=')
			return bad("--move-memory", arg, "expected DOMAIN=NODES, e.g. vm1=1");
		o->move_memory = arg;
		return 0;
	case OPT_OFFLINE:
		o->offline = true;
		return 0;
	case OPT_BALANCE:
		o->balance = true;
		return 0;
	case OPT_DRY_RUN:
		o->dry_run = true;
		return 0;
	case OPT_REVERT_LAST:
		o->revert_last = true;
		return 0;
	case OPT_BALANCE_POLICY:
		if (!arg[0])
			return bad("--balance-policy", arg, "expected a file name");
		o->balance_policy = arg;
		return 0;
	case OPT_AFF_CPUS:
		o->aff_cpus = true;
		return 0;
	case OPT_ADVISE:
		o->advise = true;
		return 0;
	case OPT_APPLY_ADVICE:
		if (!arg[0])
			return bad("--apply-advice", arg, "expected a domain id or name");
		o->apply_advice = arg;
		return 0;
	case OPT_RECORD:
		o->record = arg;
		return 0;
	case OPT_LISTEN:
		if (!arg[0] || !listen_valid(arg))
			return bad(
			        "--listen", arg,
			        "expected [ADDR:]PORT, PORT 0..65535, e.g. 9101 or 0.0.0.0:9101");
		o->listen = arg;
		return 0;
	case OPT_PROMETHEUS:
		if (!arg[0])
			return bad("--prometheus", arg, "expected a file name");
		o->prometheus = arg;
		return 0;
	case OPT_WEB_CONFIG:
		if (!arg[0])
			return bad("--web-config", arg, "expected a file name");
		o->web_config = arg;
		return 0;
	case OPT_READ_ONLY:
		o->read_only = true;
		return 0;
	case OPT_UNITS:
		if (!strcmp(arg, "mib"))
			o->units = XN_UNITS_MIB;
		else if (!strcmp(arg, "pages"))
			o->units = XN_UNITS_PAGES;
		else if (!strcmp(arg, "pct"))
			o->units = XN_UNITS_PCT;
		else
			return bad("--units", arg, "expected mib, pages or pct");
		return 0;
	case OPT_SORT:
		o->sort_flip = arg[0] == '-';
		if (arg[0] == '-' || arg[0] == '+')
			arg++;
		if (xn_column_find(arg) < 0)
			return bad("--sort", arg, "not a column key (see xentop-numa(1))");
		o->sort = arg;
		return 0;
	case OPT_COLUMNS: {
		char badname[64], all[512];
		if (!xn_columns_parse(arg, &o->columns, badname, sizeof(badname)))
			return 0;
		xn_columns_names(0, all, sizeof(all));
		if (badname[0])
			xn_warn("--columns: unknown column \"%s\"; the columns are %s", badname,
			        all);
		else
			xn_warn("--columns: an empty name in \"%s\"; the columns are %s", arg, all);
		fprintf(stderr, "Try 'xentop-numa --help' for more information.\n");
		return -EINVAL;
	}
	case OPT_SAVE_CONFIG: /* acted on after the others (xn_options_parse) */
		o->save_config = true;
		return 0;
	case OPT_CGROUPS:
		o->cfg.cgroups = true;
		return 0;
	case OPT_TOP:
		if (parse_count("--top", arg, 0, &n))
			return -EINVAL;
		o->cfg.top_n = (int)n;
		return 0;
	case OPT_EXACT_INTERVAL:
		return parse_interval("--exact-interval", arg, &o->cfg.exact_interval);
	case OPT_DEBUGKEY_INTERVAL:
		return parse_interval("--debugkey-interval", arg, &o->cfg.debugkey_interval);
	case OPT_NO_PAGEOP:
		o->cfg.no_pageop = true;
		return 0;
	default:
		fprintf(stderr, "Try 'xentop-numa --help' for more information.\n");
		return -EINVAL;
	}
}

/* --balance's companions, and the guards that need no source. */
static int balance_checks(const struct xn_options *o)
{
	const char *lone = o->dry_run           ? "--dry-run"
	                   : o->revert_last     ? "--revert-last"
	                   : o->balance_policy  ? "--balance-policy"
	                   : o->nr_balance_keys ? "--balance-KEY"
	                                        : NULL;
	if (lone && !o->balance) {
		xn_warn("%s goes with --balance", lone);
		return -EINVAL;
	}
	if (!o->balance)
		return 0;
	if (o->read_only && !o->dry_run && !o->revert_last) {
		xn_warn("--balance changes placements: with --read-only add --dry-run");
		return -EINVAL;
	}
	if (o->read_only && o->revert_last) {
		xn_warn("--revert-last is not allowed with --read-only");
		return -EINVAL;
	}
	if (o->revert_last && (o->listen || o->prometheus)) {
		xn_warn("--revert-last makes one change and exits: it serves no metrics");
		return -EINVAL;
	}
	if (o->revert_last && o->dry_run) {
		xn_warn("use --revert-last and --dry-run separately");
		return -EINVAL;
	}
	if (o->format == XN_FMT_CSV) {
		xn_warn("--balance logs text (default) or json lines, not csv");
		return -EINVAL;
	}
	return 0;
}

static int parse_all(int argc, char **argv, struct xn_options *o, bool *source_given);
static int check_all(int argc, char **argv, struct xn_options *o, bool source_given);

/* A saved choice (config.c): the long option of that name, those four only. */
static int config_set(const char *key, const char *val, void *ctx)
{
	struct xn_options *o = ctx;
	static const struct {
		const char *key;
		int opt;
	} keys[] = {
	        {"columns", OPT_COLUMNS}, {"sort", OPT_SORT}, {"delay", 'd'}, {"units", OPT_UNITS}};
	bool unused = false;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strcmp(key, keys[i].key))
			return parse_one(keys[i].opt, val, o, &unused);
	return -ENOENT;
}

int xn_options_parse(int argc, char **argv, struct xn_options *o)
{
	bool source_given = false;
	set_defaults(o);
	struct xn_options defaults = *o;
	xn_config_load(config_set, o);
	optind = 0; /* 0, not 1: glibc then also forgets a half-read "-bd" of an earlier call */
	/* getopt prefixes its messages with argv[0] (a full path when run as
	 * one): ours are "xentop-numa: ..." */
	char *argv0 = argc > 0 ? argv[0] : NULL;
	if (argc > 0)
		argv[0] = (char *)"xentop-numa";
	int r = parse_all(argc, argv, o, &source_given);
	if (argc > 0)
		argv[0] = argv0;
	if (r)
		return r;
	if (o->save_config) {
		char sort[80];
		snprintf(sort, sizeof(sort), "%s%s", o->sort_flip ? "-" : "",
		         o->sort ? o->sort : "");
		struct xn_config k = {.columns = o->columns,
		                      .sort = o->sort ? sort : NULL,
		                      .delay_set = o->delay != defaults.delay,
		                      .delay = o->delay,
		                      .units_set = o->units != defaults.units,
		                      .units = o->units};
		return xn_config_save(&k) ? -EIO : 1;
	}
	return check_all(argc, argv, o, source_given);
}

/* The options one by one: 1 after --help/--version, -EIO, -EINVAL or 0. */
static int parse_all(int argc, char **argv, struct xn_options *o, bool *source_given)
{
	for (;;) {
		int li = -1;
		int c = getopt_long(argc, argv, "bd:i:s:p:nxrvfzhV", long_opts, &li);
		if (c == -1)
			break;
		if (c == OPT_BALANCE_KEY) {
			if (o->nr_balance_keys >=
			    sizeof(o->balance_keys) / sizeof(o->balance_keys[0])) {
				xn_warn("more than 32 --balance-KEY flags");
				return -EINVAL;
			}
			o->balance_keys[o->nr_balance_keys][0] =
			        long_opts[li].name + strlen("balance-");
			o->balance_keys[o->nr_balance_keys++][1] = optarg;
			continue;
		}
		if (c == 'h' || c == 'V') {
			if (c == 'h')
				usage(stdout);
			else {
				printf("xentop-numa %s (sources:", XN_VERSION);
				for (size_t i = 0; i < xn_nr_sources; i++)
					printf(" %s", xn_sources[i]->name);
				printf(")\n");
			}
			/* -h >/dev/full must not claim success. */
			errno = 0;
			if (fflush(stdout) || ferror(stdout)) {
				xn_warn("write error: %s", strerror(errno ? errno : EIO));
				return -EIO;
			}
			return 1;
		}
		if (parse_one(c, optarg, o, source_given))
			return -EINVAL;
	}
	return 0;
}

/* What the options say together. */
static int check_all(int argc, char **argv, struct xn_options *o, bool source_given)
{
	if (optind < argc) {
		xn_warn("unexpected argument \"%s\"", argv[optind]);
		fprintf(stderr, "Try 'xentop-numa --help' for more information.\n");
		return -EINVAL;
	}
	if (o->cfg.replay_file && !source_given)
		o->source = "replay";
	if (!strcmp(o->source, "replay") && !o->cfg.replay_file) {
		xn_warn("--source replay needs a recording: --replay FILE");
		return -EINVAL;
	}
	if (o->cfg.replay_file && strcmp(o->source, "replay")) {
		xn_warn("--replay plays a recording; it cannot be "
		        "combined with --source %s",
		        o->source);
		return -EINVAL;
	}
	if (o->web_config && !o->listen) {
		xn_warn("--web-config configures --listen: give both");
		return -EINVAL;
	}
	if (o->delay == 0 && o->listen) {
		xn_warn("--listen samples every -d seconds: it needs a delay > 0");
		return -EINVAL;
	}
	if (o->delay == 0 && !o->batch && !o->prometheus) {
		xn_warn("-d 0 is for batch mode (-b); the screen needs a "
		        "delay > 0");
		return -EINVAL;
	}
	if (o->set_affinity && o->read_only) {
		xn_warn("--set-affinity is not allowed with --read-only");
		return -EINVAL;
	}
	if (o->apply_advice && o->read_only) {
		xn_warn("--apply-advice is not allowed with --read-only");
		return -EINVAL;
	}
	if (o->move_memory && o->read_only) {
		xn_warn("--move-memory is not allowed with --read-only");
		return -EINVAL;
	}
	if (o->snapshot && o->record) {
		xn_warn("--snapshot prints one sample and records nothing; for one recorded "
		        "sample use -b -i 1 --record FILE");
		return -EINVAL;
	}
	if (o->offline && !o->move_memory) {
		xn_warn("--offline goes with --move-memory");
		return -EINVAL;
	}
	if (balance_checks(o))
		return -EINVAL;
	/* One mode at a time. */
	const char *modes[] = {o->set_affinity ? "--set-affinity" : NULL,
	                       o->apply_advice ? "--apply-advice" : NULL,
	                       o->advise ? "--advise" : NULL,
	                       o->snapshot ? "--snapshot" : NULL,
	                       o->move_memory ? "--move-memory" : NULL,
	                       o->balance ? "--balance" : NULL};
	const char *first = NULL;
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (!modes[i])
			continue;
		if (first) {
			xn_warn("use %s and %s separately", first, modes[i]);
			return -EINVAL;
		}
		first = modes[i];
	}
	/* --balance serves its own metrics beside the usual ones */
	if (first && !o->balance && (o->listen || o->prometheus)) {
		xn_warn("use %s and %s separately", first, o->listen ? "--listen" : "--prometheus");
		return -EINVAL;
	}
	return 0;
}
