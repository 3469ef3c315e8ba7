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
mkdir -p "$src_parent"
srcdir=$(find "$src_parent" -maxdepth 1 -type d -name 'cmocka-1.*' | sort | tail -n1)
if [ -z "$srcdir" ]; then
  if [ "$(id -u)" -eq 0 ]; then
    # Refresh only the bookworm source index (the other lists are left alone).
    say "apt-get update for $sources_file"
    apt-get update -qq -o Dir::Etc::sourcelist="$sources_file" -o Dir::Etc::sourceparts=- \
        -o APT::Get::List-Cleanup=0 || die "apt-get update failed"
  fi
  say "fetching Debian's source package cmocka/$suite into ${src_parent#"$root"/}"
  (cd "$src_parent" && apt-get source -qq "cmocka/$suite" >/dev/null 2>&1) \
    || die "apt-get source cmocka/$suite failed (as root: apt-get update, then make qemu-test)"
  srcdir=$(find "$src_parent" -maxdepth 1 -type d -name 'cmocka-1.*' | sort | tail -n1)
  [ -n "$srcdir" ] || die "no cmocka-1.* folder after apt-get source"
fi
[ -s "$srcdir/src/cmocka.c" ] || die "$srcdir/src/cmocka.c is missing"

rm -rf "$dest.tmp"
mkdir -p "$dest.tmp/src" "$dest.tmp/include"
cp "$srcdir/src/cmocka.c" "$dest.tmp/src/"
cp "$srcdir/include/cmocka.h" "$srcdir/include/cmocka_private.h" "$dest.tmp/include/"
cp "$srcdir/COPYING" "$dest.tmp/" 2>/dev/null || true
rm -rf "$dest"
mv "$dest.tmp" "$dest"
say "cmocka $(basename "$srcdir" | sed 's/^cmocka-//') source in ${dest#"$root"/}"
