/* move_facts.c - what the checks before a move need to know (see move.h):
 * xl's version and whether Xen has shadow paging (`xl info`), where
 * libxl-save-helper is, and the domain's config (`xl list -l`). Every xl
 * command here is bounded in time and output and stops on a quit. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "move.h"
#include "move_exec.h"
#include "util.h"

static int run_capture(const char *const argv[], char **out)
{
	return xn_move_capture(argv, out, XN_MOVE_CAPTURE_MS, XN_MOVE_CAPTURE_MAX, true);
}

/* The value of "key : value" in `xl info` output, into val. */
static bool info_value(const char *info, const char *key, char *val, size_t len)
{
	size_t kl = strlen(key);
	for (const char *l = info; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (strncmp(l, key, kl) || (l[kl] != ' ' && l[kl] != ':'))
			continue;
		const char *c = strchr(l, ':');
		const char *e = strchr(l, '\n');
		if (!c || (e && c > e))
			return false;
		c++;
		size_t n = e ? (size_t)(e - c) : strlen(c);
		if (n >= len)
			n = len - 1;
		memcpy(val, c, n);
		val[n] = '\0';
		return true;
	}
	return false;
}

static void find_save_helper(const char *info, struct xn_move_facts *f)
{
	char maj[16] = "", min[16] = "", path[160];
	info_value(info, "xen_major", maj, sizeof(maj));
	info_value(info, "xen_minor", min, sizeof(min));
	/* Debian: /usr/lib/xen-4.17/bin; upstream: libexec; older: lib/xen */
	snprintf(path, sizeof(path), "/usr/lib/xen-%d.%d/bin/libxl-save-helper", atoi(maj),
	         atoi(min));
	/* XN_SAVE_HELPER: where a non-standard build installed it */
	const char *env = getenv("XN_SAVE_HELPER");
	const char *cands[] = {
	        env && env[0] ? env : path, path, "/usr/libexec/xen/bin/libxl-save-helper",
	        "/usr/lib/xen/bin/libxl-save-helper", "/usr/local/lib/xen/bin/libxl-save-helper"};
	for (size_t i = 0; i < XN_ARRAY_SIZE(cands); i++)
		if (access(cands[i], X_OK) == 0) {
			f->save_helper = true;
			xn_strlcpy(f->save_helper_path, cands[i], sizeof(f->save_helper_path));
			return;
		}
	xn_strlcpy(f->save_helper_path, path, sizeof(f->save_helper_path));
}

int xn_move_facts_read(int64_t domid, struct xn_move_facts *f, char **json, char *err,
                       size_t errlen)
{
	memset(f, 0, sizeof(*f));
	f->shadow = -1;
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)domid);
	char *info = NULL;
	const char *const info_argv[] = {"xl", "info", NULL};
	int r = run_capture(info_argv, &info);
	if (r == -EINTR || r == -ETIMEDOUT || r == -E2BIG)
		return xn_errf(err, errlen, r, "xl info %s",
		               r == -EINTR       ? "interrupted"
		               : r == -ETIMEDOUT ? "did not answer in 30 s (killed)"
		                                 : "printed more than 1 MiB");
	if (r == 127 || r < 0) {
		free(info);
		return xn_errf(err, errlen, -ENOENT, "cannot run xl: %s",
		               r < 0 ? strerror(-r) : "not found");
	}
	f->xl = true;
	if (r == 0) {
		char caps[256];
		/* 4.14+ print "shadow" when Xen was built with shadow paging */
		if (info_value(info, "virt_caps", caps, sizeof(caps)))
			f->shadow = strstr(caps, " shadow") != NULL;
		find_save_helper(info, f);
	}
	free(info);
	char *out = NULL;
	const char *const list_argv[] = {"xl", "list", "-l", id, NULL};
	r = run_capture(list_argv, &out);
	if (r == -EINTR)
		return xn_errf(err, errlen, r, "xl list -l interrupted");
	if (r != 0) {
		snprintf(f->info_err, sizeof(f->info_err), "xl list -l %s failed: %.120s", id,
		         out               ? out
		         : r == -ETIMEDOUT ? "no answer in 30 s (killed)"
		         : r == -E2BIG     ? "more than 1 MiB of output"
		                           : "no output");
		free(out);
		return 0;
	}
	/* only to learn info; the real text is written with the target later */
	enum { SCRATCH = 16384 };
	char *scratch = malloc(SCRATCH);
	xn_nodemask one = {{1}};
	int cr = scratch ? xn_move_config_write(out, &one, false, scratch, SCRATCH, &f->info,
	                                        f->info_err, sizeof(f->info_err))
	                 : -ENOMEM;
	free(scratch);
	f->have_info = cr == 0 || cr == -EOPNOTSUPP;
	if (json)
		*json = out;
	else
		free(out);
	return 0;
}
