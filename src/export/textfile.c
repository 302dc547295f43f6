/* textfile.c - --prometheus FILE: the node_exporter textfile collector's
 * format, replaced atomically each refresh (export.h). A reader (the
 * collector, a cat) sees the previous file or the new one, never half. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export.h"
#include "util.h"

int xn_textfile_write(const char *path, const struct xn_snapshot *s, const struct xn_prom_meta *m,
                      char *err, size_t errlen)
{
	/* Same directory, so that rename(2) is atomic; the suffix is not
	 * ".prom", so the collector never reads the file being written. */
	size_t n = strlen(path) + sizeof(".XXXXXX");
	char *tmp = malloc(n);
	if (!tmp)
		return xn_errf(err, errlen, -ENOMEM, "out of memory");
	snprintf(tmp, n, "%s.XXXXXX", path);
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		free(tmp);
		return xn_errf(err, errlen, -e, "cannot create a temporary file next to %s: %s",
		               path, strerror(e));
	}
	/* mkostemp makes it 0600: the collector often runs as another user. */
	(void)fchmod(fd, 0644);
	FILE *f = fdopen(fd, "w");
	int r = f ? xn_prom_write(f, s, m, XN_PROM_TEXT) : -errno;
	if (f && fclose(f) && !r)
		r = errno ? -errno : -EIO;
	if (!f)
		close(fd);
	if (!r && rename(tmp, path))
		r = -errno;
	if (r) {
		unlink(tmp);
		xn_errf(err, errlen, r, "cannot write %s: %s", path, strerror(-r));
	}
	free(tmp);
	return r;
}
