#!/usr/bin/env bash
# Fetch cmocka's source from Debian's source package (bookworm, the version
# the host suites use) so that mk/qemu.mk can compile it for the Cortex-M
# target. Nothing is built here and nothing is committed (third_party/ is
# in .gitignore).
#
#   scripts/qemu_cmocka.sh [DEST]    DEST defaults to third_party/cmocka
#
# Result: DEST/src/cmocka.c and DEST/include/cmocka.h (+ cmocka_private.h).
# Idempotent: does nothing when DEST/src/cmocka.c is there.
# Needs root for apt (a deb-src entry for bookworm, dpkg-dev); otherwise it
# prints the exact commands and fails.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:-third_party/cmocka}
case "$dest" in /*) ;; *) dest="$root/$dest" ;; esac
src_parent="$root/third_party/src"
sources_file=/etc/apt/sources.list.d/cardkit-bookworm-src.sources
suite=bookworm

say() { echo "qemu_cmocka.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }

if [ -s "$dest/src/cmocka.c" ] && [ -s "$dest/include/cmocka.h" ]; then
  exit 0
fi

# --- apt: a deb-src entry for bookworm and dpkg-dev (root only) ---
# shellcheck source=scripts/debsrc.sh
. "$root/scripts/debsrc.sh"
debsrc_setup "$suite" "$sources_file" qemu-test

# --- source: apt-get source cmocka/bookworm -------------------------------
debsrc_fetch cmocka "$suite" "$sources_file" "$src_parent" 'cmocka-1.*' qemu-test
[ -s "$srcdir/src/cmocka.c" ] || die "$srcdir/src/cmocka.c is missing"

rm -rf "$dest.tmp"
mkdir -p "$dest.tmp/src" "$dest.tmp/include"
cp "$srcdir/src/cmocka.c" "$dest.tmp/src/"
cp "$srcdir/include/cmocka.h" "$srcdir/include/cmocka_private.h" "$dest.tmp/include/"
cp "$srcdir/COPYING" "$dest.tmp/" 2>/dev/null || true
rm -rf "$dest"
mv "$dest.tmp" "$dest"
say "cmocka $(basename "$srcdir" | sed 's/^cmocka-//') source in ${dest#"$root"/}"
