#!/bin/sh
# tree.sh files|hash: the tree's files as `make deb` packs them (git's list:
# tracked and untracked, not ignored, that exist), or one hash of their
# names and contents. The hash keys a package built from this tree: the
# lab reuses the one test_deb built and checked when the tree is the same,
# instead of building it a second time (~40 s of make check).
set -eu
cd "$(dirname "$0")/.."
files() { git ls-files -co --exclude-standard | while read -r f; do [ -e "$f" ] && echo "$f"; done; }
case "${1:-}" in
files) files ;;
hash) files | LC_ALL=C sort | tr '\n' '\0' | xargs -0 sha1sum | sha1sum | cut -c1-40 ;;
*)
	echo "usage: $0 files|hash" >&2
	exit 2
	;;
esac
