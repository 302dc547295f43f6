/* move_dir.h - where a move keeps its files (private to src/move): a
 * directory of its own, mode 0700, made with mkdtemp under Xen's save
 * directory when it exists, else $TMPDIR or /tmp, on a file system with
 * room for the guest's memory image; files in it made O_EXCL|O_NOFOLLOW,
 * mode 0600. Nothing is ever written directly into a shared directory. */
#ifndef XN_MOVE_DIR_H
#define XN_MOVE_DIR_H

#include <stddef.h>
#include <stdint.h>

/* Where the private directory goes: /var/lib/xen/save when it is a
 * directory, else $TMPDIR when it is an absolute path, else /tmp. */
const char *xn_move_dir_base(void);

/* Make the private directory (path in dir, len bytes) on a file system with
 * at least need bytes free. -ENAMETOOLONG (the base is too long for dir:
 * never cut), -ENOSPC (err says how much is free and needed), -errno. */
int xn_move_dir_make(uint64_t need, char *dir, size_t len, char *err, size_t errlen);

/* Create dir/name (mode 0600, must not exist, no symlink followed) with
 * text in it (NULL: empty); its path in path. 0 or -errno, err says. */
int xn_move_file_make(const char *dir, const char *name, const char *text, char *path, size_t len,
                      char *err, size_t errlen);

#endif
