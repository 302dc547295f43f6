/* linux_parse_proc.c - pure parsers of a process's own /proc files:
 * cgroup, status, stat, and a QEMU guest's name from its cmdline and its
 * vCPU threads' names (see linux_parse.h). */
#include "linux_parse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot.h"
#include "util.h"

int xn_lx_parse_proc_cgroup(const char *text, int version, char *rel, size_t relsize)
{
	return xn_lx_parse_proc_cgroup_of(text, version, "memory", rel, relsize);
}

int xn_lx_parse_proc_cgroup_of(const char *text, int version, const char *controller, char *rel,
                               size_t relsize)
{
	size_t clen = strlen(controller);
	for (const char *p = text; *p;) {
		const char *e = strchr(p, '\n');
		if (!e)
			e = p + strlen(p);
		/* "ID:CONTROLLERS:PATH"; v2's line is "0::PATH" */
		const char *c1 = memchr(p, ':', (size_t)(e - p));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(e - c1 - 1)) : NULL;
		bool match = false;
		if (c2 && version == 2) {
			match = c2 == c1 + 1 && c1 - p == 1 && *p == '0';
		} else if (c2) {
			for (const char *t = c1 + 1; t < c2 && !match;) {
				const char *comma = memchr(t, ',', (size_t)(c2 - t));
				const char *te = comma ? comma : c2;
				match = (size_t)(te - t) == clen && !strncmp(t, controller, clen);
				t = te + 1;
			}
		}
		if (match) {
			const char *path = c2 + 1;
			size_t len = (size_t)(e - path);
			if (!len || *path != '/')
				return -EINVAL;
			if (len == 1)
				len = 0; /* the root: "" like the rest of the cgroup code */
			if (len >= relsize)
				return -ENAMETOOLONG;
			memcpy(rel, path, len);
			rel[len] = '\0';
			return 0;
		}
		p = *e ? e + 1 : e;
	}
	return -ENOENT;
}

/* The value of "Key:\t..." in status text, or NULL; *e gets the line end. */
static const char *status_field(const char *text, const char *key, const char **e)
{
	size_t kl = strlen(key);
	for (const char *p = text; *p;) {
		const char *end = strchr(p, '\n');
		if (!end)
			end = p + strlen(p);
		if (!strncmp(p, key, kl) && p[kl] == ':') {
			const char *v = p + kl + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			*e = end;
			return v;
		}
		p = *end ? end + 1 : end;
	}
	return NULL;
}

static int status_list(const char *text, const char *key, uint64_t *w, int nbits)
{
	const char *e, *v = status_field(text, key, &e);
	if (!v || e - v >= 65536)
		return -ENOENT;
	char *copy = strndup(v, (size_t)(e - v));
	if (!copy)
		return -ENOMEM;
	int r = xn_bits_parse_list(copy, w, nbits, NULL, 0);
	free(copy);
	return r;
}

int xn_lx_parse_status(const char *text, struct xn_lx_status *st)
{
	memset(st, 0, sizeof(*st));
	const char *e, *v;
	uint64_t n;
	if ((v = status_field(text, "Threads", &e)) && !xn_lx_take_u64(&v, &n) && v == e &&
	    n <= UINT32_MAX) {
		st->threads = (uint32_t)n;
		st->valid |= XN_LX_ST_THREADS;
	}
	if ((v = status_field(text, "VmRSS", &e)) && !xn_lx_take_u64(&v, &n) &&
	    !strncmp(v, " kB", 3)) {
		st->vm_rss_kb = n;
		st->valid |= XN_LX_ST_RSS;
	}
	if (!status_list(text, "Cpus_allowed_list", st->cpus_allowed.w, XN_MAX_CPUS))
		st->valid |= XN_LX_ST_CPUS;
	if (!status_list(text, "Mems_allowed_list", st->mems_allowed.w, XN_MAX_NODES))
		st->valid |= XN_LX_ST_MEMS;
	return 0;
}

/* Signed decimal token into uint64 (negative -> 0). */
static int take_field(const char **p, uint64_t *out)
{
	const char *s = *p;
	bool neg = *s == '-';
	if (neg)
		s++;
	int r = xn_lx_take_u64(&s, out);
	if (r || !xn_lx_is_end(*s))
		return -EINVAL;
	if (neg)
		*out = 0;
	*p = s;
	return 0;
}

int xn_lx_parse_stat(const char *text, struct xn_lx_stat *out)
{
	memset(out, 0, sizeof(*out));
	out->processor = -1;
	const char *open = strchr(text, '(');
	const char *close = strrchr(text, ')');
	if (!open || !close || close < open || close[1] != ' ')
		return -EINVAL;
	size_t cl = (size_t)(close - open - 1);
	if (cl >= sizeof(out->comm))
		cl = sizeof(out->comm) - 1;
	memcpy(out->comm, open + 1, cl);
	out->comm[cl] = '\0';
	const char *p = close + 2;
	if (!*p || xn_lx_is_end(*p) || !xn_lx_is_end(p[1]))
		return -EINVAL;
	out->state = *p++;
	/* fields 4.. : index f is the field number of the token */
	for (int f = 4; f <= 39; f++) {
		while (*p == ' ')
			p++;
		if (!*p || *p == '\n')
			return f > 24 ? 0 : -EINVAL;
		uint64_t v = 0;
		if (take_field(&p, &v))
			return f > 24 ? 0 : -EINVAL;
		switch (f) {
		case 9:
			out->flags = v;
			break;
		case 10: /* minflt */
		case 12: /* majflt */
			out->faults += v;
			break;
		case 14:
			out->utime = v;
			break;
		case 15:
			out->stime = v;
			break;
		case 20:
			out->num_threads = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
			break;
		case 22:
			out->starttime = v;
			break;
		case 24:
			out->rss_pages = v;
			break;
		case 39:
			out->processor = v < XN_MAX_CPUS ? (int)v : -1;
			break;
		default:
			break;
		}
	}
	return 0;
}

/* Copy one QEMU option item [s, e) into buf, turning ",," into ",". */
static void unescape_item(const char *s, const char *e, char *buf, size_t buflen)
{
	size_t o = 0;
	for (; s < e && o + 1 < buflen; s++) {
		buf[o++] = *s;
		if (*s == ',' && s + 1 < e && s[1] == ',')
			s++;
	}
	buf[o] = '\0';
}

/* End of the option item starting at s: the next single ','. */
static const char *item_end(const char *s)
{
	for (; *s; s++) {
		if (*s == ',') {
			if (s[1] == ',') {
				s++;
				continue;
			}
			return s;
		}
	}
	return s;
}

int xn_lx_qemu_guest_name(const char *cmdline, size_t len, char *buf, size_t buflen)
{
	/* Only whole (NUL-terminated) arguments inside len count: an
	 * unterminated tail is cut off, so that no string below runs past
	 * len. */
	while (len > 0 && cmdline[len - 1] != '\0')
		len--;
	if (buflen == 0)
		return -ENOENT;
	const char *end = cmdline + len;
	for (const char *a = cmdline; a < end; a += strnlen(a, (size_t)(end - a)) + 1) {
		if (strcmp(a, "-name") && strcmp(a, "--name"))
			continue;
		const char *v = a + strlen(a) + 1;
		if (v >= end || strnlen(v, (size_t)(end - v)) == (size_t)(end - v))
			return -ENOENT; /* no (terminated) argument after -name */
		for (const char *it = v; *it;) {
			const char *ie = item_end(it);
			if (!strncmp(it, "guest=", 6)) {
				unescape_item(it + 6, ie, buf, buflen);
				return 0;
			}
			/* The first item without a key is the guest name. */
			if (it == v) {
				const char *eq = memchr(it, '=', (size_t)(ie - it));
				if (!eq) {
					unescape_item(it, ie, buf, buflen);
					return 0;
				}
			}
			it = *ie ? ie + 1 : ie;
		}
		return -ENOENT;
	}
	return -ENOENT;
}

bool xn_lx_is_qemu_name(const char *name)
{
	return !strncmp(name, "qemu-system-", 12) || !strcmp(name, "qemu-kvm");
}

int xn_lx_vcpu_index(const char *comm)
{
	if (strncmp(comm, "CPU ", 4) != 0)
		return -1;
	const char *p = comm + 4;
	uint64_t n;
	if (xn_lx_take_u64(&p, &n) || *p != '/' || n > 65535)
		return -1;
	return (int)n;
}
