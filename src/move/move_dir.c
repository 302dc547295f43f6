/* move_dir.c - a move's private directory (see move_dir.h). An offline
 * move's checkpoint is the guest's whole memory and its config decides
 * what runs as root at restore (bootloader=), so neither may be readable,
 * replaceable or pre-created by another user: xl save opens its file with
 * O_CREAT|O_TRUNC mode 0644 and follows symlinks, which is only safe in a
 * directory nobody else can enter. */
#include "move_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "util.h"

const char *xn_move_dir_base(void)
{
	struct stat st;
	if (stat("/var/lib/xen/save", &st) == 0 && S_ISDIR(st.st_mode))
		return "/var/lib/xen/save";
	const char *t = getenv("TMPDIR");
	return t && t[0] == '/' ? t : "/tmp";
}

int xn_move_dir_make(uint64_t need, char *dir, size_t len, char *err, size_t errlen)
{
	const char *base = xn_move_dir_base();
	int n = snprintf(dir, len, "%s/xn-move-XXXXXX", base);
	if (n < 0 || (size_t)n >= len) {
		dir[0] = '\0';
		return xn_errf(
		        err, errlen, -ENAMETOOLONG,
		        "the directory for the move's files (%.60s...) is longer than %zu bytes",
		        base, len - 16);
	}
	struct statvfs vfs;
	if (statvfs(base, &vfs)) {
		int e = errno;
		dir[0] = '\0';
		return xn_errf(err, errlen, -e, "cannot use %s: %s", base, strerror(e));
	}
	/* the image is the guest's pages plus a little of libxc's framing */
	uint64_t avail = (uint64_t)vfs.f_bavail * vfs.f_frsize;
	if (need && avail < need + need / 64 + (8u << 20)) {
		dir[0] = '\0';
		bool xen = !strcmp(base, "/var/lib/xen/save");
		return xn_errf(
		        err, errlen, -ENOSPC,
		        "%s has %" PRIu64 " MiB free; the guest's memory image needs about "
		        "%" PRIu64 " MiB (%s); nothing was stopped",
		        base, avail >> 20, (need + need / 64 + (8u << 20)) >> 20,
		        xen ? "free space there"
		            : "create /var/lib/xen/save on a larger file system, or set TMPDIR");
	}
	if (!mkdtemp(dir)) {
		int e = errno;
		dir[0] = '\0';
		return xn_errf(err, errlen, -e, "cannot create a private directory in %s: %s", base,
		               strerror(e));
	}
	/* mkdtemp makes it 0700 whatever the umask; say so if something
	 * else (an ACL default, a strange file system) made it otherwise */
	struct stat st;
	if (lstat(dir, &st) || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 077)) {
		rmdir(dir);
		int r = xn_errf(err, errlen, -EPERM, "%s is not private (mode %o)", dir,
		                (unsigned)(st.st_mode & 07777));
		dir[0] = '\0';
		return r;
	}
	return 0;
}

int xn_move_file_make(const char *dir, const char *name, const char *text, char *path, size_t len,
                      char *err, size_t errlen)
{
	int n = snprintf(path, len, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= len) {
		path[0] = '\0';
		return xn_errf(err, errlen, -ENAMETOOLONG, "the path of %s is too long", name);
	}
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		int e = errno;
		int r = xn_errf(err, errlen, -e, "cannot create %s: %s", path, strerror(e));
		path[0] = '\0';
		return r;
	}
	size_t tl = text ? strlen(text) : 0;
	bool ok = !tl || write(fd, text, tl) == (ssize_t)tl;
	if (close(fd) || !ok) {
		unlink(path);
		int r = xn_errf(err, errlen, -EIO, "cannot write %s", path);
		path[0] = '\0';
		return r;
	}
	return 0;
}
