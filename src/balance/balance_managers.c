/* balance_managers.c - is another placer at work on this host? Two
 * balancers fight (each undoes the other's steps), so --balance refuses to
 * act beside one unless the policy's other-managers allows it. Looked for:
 * a numad or xapi process (XenServer's toolstack places domains itself),
 * and libvirt domains placed by numad (placement='auto'). */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "balance_run.h"
#include "util.h"

static bool process_named(const char *want, long *pid)
{
	DIR *d = opendir("/proc");
	if (!d)
		return false;
	struct dirent *e;
	bool hit = false;
	while (!hit && (e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		char path[300], comm[64] = "";
		snprintf(path, sizeof(path), "/proc/%s/comm", e->d_name);
		FILE *f = fopen(path, "re");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f)) {
			comm[strcspn(comm, "\n")] = '\0';
			if (!strcmp(comm, want)) {
				hit = true;
				*pid = strtol(e->d_name, NULL, 10);
			}
		}
		fclose(f);
	}
	closedir(d);
	return hit;
}

/* A libvirt domain definition asking numad to place it. */
static bool libvirt_auto(char *name, size_t len)
{
	DIR *d = opendir("/etc/libvirt/qemu");
	if (!d)
		return false;
	struct dirent *e;
	bool hit = false;
	while (!hit && (e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n < 5 || strcmp(e->d_name + n - 4, ".xml"))
			continue;
		char path[600], *text = NULL;
		size_t sz;
		snprintf(path, sizeof(path), "/etc/libvirt/qemu/%s", e->d_name);
		if (xn_read_file(path, &text, &sz))
			continue;
		if (strstr(text, "placement='auto'") || strstr(text, "placement=\"auto\"")) {
			hit = true;
			xn_strlcpy(name, e->d_name, len);
		}
		free(text);
	}
	closedir(d);
	return hit;
}

void xn_bal_other_managers(char *buf, size_t len)
{
	static const char *const procs[] = {"numad", "xapi"};
	long pid;
	char name[256];
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(procs) / sizeof(procs[0]); i++)
		if (process_named(procs[i], &pid)) {
			snprintf(buf, len, "%s is running (pid %ld)", procs[i], pid);
			return;
		}
	if (libvirt_auto(name, sizeof(name)))
		snprintf(buf, len, "libvirt's %s has placement='auto' (numad places it)", name);
}
